"""Every input under regressions/ once crashed (or hung, or was wrongly
rejected by) the checker.  Each runs through the real ``verify`` command in a
subprocess, with a memory limit and a time limit, and must end in a result
(exit 0, 1, 3) or a clean diagnostic (exit 2, first line ``FILE:LINE:COL:
error: ...``) -- never exit 4, a traceback, a hang or a memory blow-up.

Header comments of a regression file:
  // xfail: REASON      the bug is not fixed yet: the test is xfail(strict=True)
  // expect: checked    the spec is valid: exit 0, 1 or 3 only (no diagnostic)
  // seconds: N         the time limit (default 20)
  // args: ...          extra arguments to verify (default: --max-states 2000)
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "regressions"
FILES = sorted(HERE.glob("*.spec"))
MEMORY_LIMIT = 1536 * 1024 * 1024


def header(data: bytes) -> dict:
    text = data.decode("utf-8", errors="replace")
    out = {}
    for key in ("xfail", "expect", "seconds", "args"):
        m = re.search(rf"^// {key}:\s*(.*)$", text, re.M)
        if m:
            out[key] = m.group(1).strip()
    return out


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def params():
    out = []
    for f in FILES:
        h = header(f.read_bytes())
        marks = [pytest.mark.xfail(strict=True, reason=h["xfail"])] if "xfail" in h else []
        out.append(pytest.param(f, id=f.stem, marks=marks))
    return out


def test_there_are_regressions():
    assert FILES, "tests/fuzz/regressions/ is empty"


@pytest.mark.parametrize("path", params())
def test_regression(path: Path):
    h = header(path.read_bytes())
    seconds = float(h.get("seconds", 20))
    args = h.get("args", "--max-states 2000").split()
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("VERIFY_DEBUG", None)
    try:
        p = subprocess.run([sys.executable, "-m", "checker.cli", str(path), "--no-timing", *args],
                           capture_output=True, text=True, errors="replace", timeout=seconds,
                           preexec_fn=_limit, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"verify {path.name} did not finish within {seconds}s (hang or memory blow-up)")
    assert "Traceback" not in p.stderr + p.stdout, p.stderr[-2000:]
    allowed = {0, 1, 3} if h.get("expect") == "checked" else {0, 1, 2, 3}
    assert p.returncode in allowed, f"exit code {p.returncode}:\n{p.stderr[-2000:]}"
    if p.returncode == 2:
        first = p.stderr.splitlines()[0] if p.stderr else ""
        assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error: ", first), \
            f"the diagnostic has no position: {first!r}"
