"""The signal tests pass when pytest is started as a shell's background
job, which starts with SIGINT ignored (tests/conftest.py gives it back its
usual handler); and a verify child left running by a failed test is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from .conftest import ROOT, kill_verify_children, verify, wait_for_file

ENDLESS = str(ROOT / "tests" / "reliability" / "specs" / "endless.spec")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # what `pytest &` in a script gets


def test_a_sigint_test_passes_under_an_ignored_sigint():
    test = "tests/reliability/test_signals.py::test_sigint_prints_partial_result_exit_130"
    r = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", test],
                       cwd=ROOT, capture_output=True, text=True, preexec_fn=_ignore_sigint,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout


def test_a_verify_child_left_running_is_killed(tmp_path):
    ck = tmp_path / "ck"
    p = verify(ENDLESS, "--checkpoint", str(ck), "--checkpoint-every", "0.05")
    wait_for_file(ck, ".ckpt", p)   # it runs, and would run for ever
    assert kill_verify_children() == [p.pid]
    try:
        os.kill(p.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
