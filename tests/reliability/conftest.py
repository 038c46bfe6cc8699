"""Helpers for the reliability tests: limits, signals, checkpoints."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIG = str(ROOT / "bench" / "breaker_n.spec")   # N=10: 410,271 states, about 3 s

SYNTH = """\
spec synth
const N: 1..400 = 120
var x: 0..N = 0
var y: 0..N = 0
var z: 0..7 = 0

action incx {
  require x < N
  x = x + 1
}

action incy {
  require y < N
  y = y + 1
}

action bump {
  require z < 7
  z = z + 1
}

invariant never: not (x == 40 and y == 7 and z == 3)
invariant small: x + y < 200
invariant fine: x <= N
"""


def _verify_children() -> list[int]:
    """The pids of this process's children that run ``checker.cli``."""
    me, pids = os.getpid(), []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except (OSError, ValueError, IndexError):
            continue   # ended meanwhile
        if ppid == me and b"checker.cli" in cmd:
            pids.append(int(entry))
    return pids


def kill_verify_children() -> list[int]:
    """Kill and reap the verify children still running; their pids."""
    pids = _verify_children()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    return pids


@pytest.fixture(autouse=True)
def no_verify_left_running():
    """A test that fails while its verify child still runs (an assertion
    before ``communicate``, a backstop reached) must not leave it running:
    such a child went on searching past 2 GB.  Killed, and reaped."""
    yield
    kill_verify_children()


def verify(*args: str, **kw) -> subprocess.Popen:
    """``verify ARGS`` as a child process (stdout/stderr piped unless given)."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "checker.cli", *args], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **kw)


# Backstops only: every wait below ends as soon as its condition holds; the
# limit is there so that a hang fails instead of blocking, and is generous
# because a loaded machine may take many times longer than an idle one.
BACKSTOP = 600.0


def wait_for_file(directory: Path, suffix: str, proc: subprocess.Popen, limit: float = BACKSTOP) -> Path:
    """The first file in ``directory`` ending with ``suffix`` (fails if ``proc`` ends first)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if directory.is_dir():
            for p in directory.iterdir():
                if p.name.endswith(suffix) and not p.name.startswith("."):
                    return p
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before a checkpoint was written")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("no checkpoint appeared")


def summary(doc: dict) -> dict:
    """What must be equal between an uninterrupted and a resumed run."""
    (r,) = doc["results"]
    return {"states": r["stats"]["states"], "transitions": r["stats"]["transitions"],
            "depth": r["stats"]["depth"], "exhaustive": r["exhaustive"],
            "verdicts": [(p["name"], p["verdict"]) for p in r["properties"]]}


def run_json(*args: str) -> tuple[int, dict]:
    p = verify(*args, "--json", "--no-timing")
    out, err = p.communicate(timeout=BACKSTOP)
    return p.returncode, json.loads(out)
