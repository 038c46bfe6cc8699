"""--timeout, --max-states, --max-memory: a clean stop, a bounded report, exit 3."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BIG, verify


ENDLESS = str(Path(__file__).parent / "specs" / "endless.spec")


@pytest.mark.parametrize("args, note", [
    ([BIG, "--const", "N=10", "--max-states", "1000"], "stopped at --max-states 1000"),
    # time and memory limits on a search that cannot finish, with room for
    # loading the spec (--timeout also bounds parsing: a limit reached there
    # gives no result at all)
    ([ENDLESS, "--timeout", "3"], "stopped: time limit reached"),
    ([ENDLESS, "--max-memory", "150"], "stopped: memory limit reached (--max-memory 150 MB)"),
    ([BIG, "--const", "N=10", "--max-depth", "3"], "stopped at --max-depth 3"),
])
def test_limit_stops_cleanly_exit_3(args, note):
    p = verify("--no-timing", *args)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 3, (out, err)
    assert note in out
    assert "bounded (not exhaustive)" in out and "result: unknown" in out
    assert err == ""


def test_limit_after_a_violation_exit_1(tmp_path):
    """A violation found before the limit is still a violation (exit 1); the
    other properties are bounded."""
    from .conftest import SYNTH

    spec = tmp_path / "synth.spec"
    spec.write_text(SYNTH)
    p = verify(str(spec), "--no-timing", "--max-depth", "60")
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, (out, err)
    assert "result: VIOLATED (1 violated, 4 unknown)" in out and "bounded (not exhaustive)" in out


def test_bad_memory_value_is_a_usage_error():
    p = verify(BIG, "--max-memory", "0")
    out, err = p.communicate(timeout=30)
    assert p.returncode == 2 and "positive number of MB" in err


def test_timeout_counts_from_the_start_of_the_command():
    """--timeout bounds the command as the user times it, from its start:
    Python's start-up and imports are inside the limit (a second of a
    loaded machine, which made runs end past T + 2 s).  Here the process
    exists for 2 s before it becomes verify (exec keeps the start time), so
    a 1 s limit has passed before the spec is loaded, whatever the load."""
    import subprocess
    import sys

    from .conftest import ROOT

    code = ("import os, sys, time; time.sleep(2); "
            "os.execv(sys.executable, [sys.executable, '-m', 'checker.cli', *sys.argv[1:]])")
    p = subprocess.run([sys.executable, "-c", code, ENDLESS, "--timeout", "1", "--no-timing"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 3, (p.stdout, p.stderr)
    # stopped before any search: while loading the spec, or before the file was opened
    assert ("time limit reached (1 s) while loading the spec" in p.stderr
            or "time limit reached (1 s): 1 file not checked" in p.stderr), p.stderr
    assert "result:" not in p.stdout


def test_a_cancel_counts_from_its_start():
    import time

    from checker.cancel import TIMEOUT, Cancel, process_started

    assert Cancel(timeout=5, started=time.monotonic() - 5).poll() == TIMEOUT
    assert Cancel(timeout=5).poll() is None
    started = process_started()
    assert started is None or started <= time.monotonic()
