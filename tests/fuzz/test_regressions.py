"""Every input under regressions/ once crashed (or hung, or was wrongly
rejected by) the checker.  Each runs through the real ``verify`` command in a
subprocess, with a memory limit and a CPU-time limit (so that waiting for a
core on a loaded machine is not taken for a hang; a wall-clock backstop of
WALL_FACTOR times the limit catches a process that hangs without computing),
and must end in a result
(exit 0, 1, 3) or a clean diagnostic (exit 2, first line ``FILE:LINE:COL:
error: ...``) -- never exit 4, a traceback, a hang or a memory blow-up.

Header comments of a regression file:
  // xfail: REASON      the bug is not fixed yet: the test is xfail(strict=True)
  // expect: checked    the spec is valid: exit 0, 1 or 3 only (no diagnostic)
  // seconds: N         the CPU-time limit (default 20)
  // args: ...          extra arguments to verify (default: --max-states 2000)
"""
from __future__ import annotations

import math
import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "regressions"
FILES = sorted(HERE.glob("*.spec"))
MEMORY_LIMIT = 1536 * 1024 * 1024
WALL_FACTOR = 10   # the wall-clock backstop, in multiples of the CPU-time limit


def header(data: bytes) -> dict:
    text = data.decode("utf-8", errors="replace")
    out = {}
    for key in ("xfail", "expect", "seconds", "args"):
        m = re.search(rf"^// {key}:\s*(.*)$", text, re.M)
        if m:
            out[key] = m.group(1).strip()
    return out


def _limits(cpu_seconds: float):
    """preexec_fn: the memory limit, and a CPU-time limit (SIGXCPU, then SIGKILL a second later)."""
    cpu = max(1, math.ceil(cpu_seconds))

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    return apply


def _seconds(path: Path) -> float:
    return float(header(path.read_bytes()).get("seconds", 20))


def params():
    out = []
    for f in FILES:
        h = header(f.read_bytes())
        marks = [pytest.mark.xfail(strict=True, reason=h["xfail"])] if "xfail" in h else []
        out.append(pytest.param(f, id=f.stem, marks=marks))
    return out


def test_there_are_regressions():
    assert FILES, "tests/fuzz/regressions/ is empty"


def _command(path: Path) -> list[str]:
    args = header(path.read_bytes()).get("args", "--max-states 2000").split()
    return [sys.executable, "-m", "checker.cli", str(path), "--no-timing", *args]


@pytest.fixture(scope="module")
def results():
    """Run every regression at once (they are mostly waiting on time limits),
    each in its own process: {path: (exit code or None on timeout, stdout, stderr)}."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("VERIFY_DEBUG", None)
    procs = {f: subprocess.Popen(_command(f), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, errors="replace", preexec_fn=_limits(_seconds(f)), env=env)
             for f in FILES}
    t0 = time.monotonic()
    out = {}
    for f, p in procs.items():
        backstop = WALL_FACTOR * _seconds(f)
        try:
            so, se = p.communicate(timeout=max(0.1, backstop - (time.monotonic() - t0)))
            stopped = p.returncode in (-signal.SIGXCPU, -signal.SIGKILL)  # the CPU limit
            out[f] = (None if stopped else p.returncode, so, se)
        except subprocess.TimeoutExpired:
            p.kill()
            so, se = p.communicate()
            out[f] = (None, so, se)
    return out


@pytest.mark.parametrize("path", params())
def test_regression(path: Path, results):
    h = header(path.read_bytes())
    code, so, se = results[path]
    if code is None:
        pytest.fail(f"verify {path.name} did not finish within {h.get('seconds', 20)} s of CPU time "
                    f"(hang or memory blow-up)")
    assert "Traceback" not in se + so, se[-2000:]
    allowed = {0, 1, 3} if h.get("expect") == "checked" else {0, 1, 2, 3}
    assert code in allowed, f"exit code {code}:\n{se[-2000:]}"
    if code == 2:
        first = se.splitlines()[0] if se else ""
        assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error: ", first), \
            f"the diagnostic has no position: {first!r}"
