"""Limit-and-signal scenarios: a random spec, a random engine, a random limit
(``--timeout``, ``--max-states``, ``--max-depth``, ``--max-memory``) or a
signal (SIGINT / SIGTERM) at a random time after the engine started.  Every
run must end within its bound, with an exit code that fits what happened and
a ``--json`` document that validates against docs/result.schema.json.

Used by tests/fuzz/test_limits_fuzz.py (a few scenarios by default, more
under ``-m slow``) and bench/limits_fuzz.py (thousands, with figures).

Half of the specs get an *endless* counter (10^6 values, always enabled):
the explicit search then cannot finish, so the limit or the signal is what
ends the run; the other half are small generated specs that usually finish
first (the run must then report normally).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

from specgen import RandSrc, gen_spec, render  # noqa: E402

ENGINES = ("explicit", "simulate", "bmc", "kind", "pdr", "induct", "enum", "all", "workers")
LIMITS = ("timeout", "max-states", "max-depth", "max-memory", "SIGINT", "SIGTERM")
GRACE = 2.0          # seconds past --timeout (or past the signal) a run may take to end
BACKSTOP = 4.0       # --timeout given with the other limits, so that every run has a bound

ENDLESS = """
var zz_count: 1..1000000 = 1
action zz_tick { require zz_count < 1000000  zz_count = zz_count + 1 }
"""


@dataclass
class Scenario:
    seed: int
    engine: str
    limit: str
    value: float
    endless: bool
    delay: float = 0.0          # signals: seconds after the engine started
    spec: str = ""

    def args(self) -> list[str]:
        eng = {"simulate": ["--simulate", "--walks", "100000000", "--depth", "200"],
               "workers": ["--store", "compact", "--workers", "2"],
               "bmc": ["--engine", "bmc", "--depth", "1000"],
               "kind": ["--engine", "kind", "--max-k", "1000"]}.get(self.engine,
                                                                   ["--engine", self.engine])
        lim: list[str] = []
        if self.limit == "timeout":
            lim = ["--timeout", f"{self.value:g}"]
        elif self.limit in ("max-states", "max-depth", "max-memory"):
            lim = [f"--{self.limit}", f"{int(self.value)}", "--timeout", f"{BACKSTOP:g}"]
        else:   # a signal; the timeout is only the backstop
            lim = ["--timeout", f"{BACKSTOP:g}"]
        return eng + lim + ["--json", "--no-timing", "--progress"]

    def bound(self) -> float:
        """Seconds (from the signal, else from the spawn) by which the run must end."""
        if self.limit == "timeout":
            return self.value + GRACE
        if self.limit in ("SIGINT", "SIGTERM"):
            return GRACE
        return BACKSTOP + GRACE     # also a signal that was not sent: the run ended on its own


def scenario(seed: int, engines=ENGINES, limits=LIMITS) -> Scenario:
    rng = random.Random(seed)
    engine = rng.choice(engines)
    limit = rng.choice(limits)
    if engine == "simulate" and limit in ("max-states", "max-depth"):
        limit = "timeout"     # a usage error with --simulate (its own --walks / --depth)
    value = {"timeout": round(rng.uniform(0.2, 2.0), 2), "max-states": rng.choice([1, 10, 500, 20000]),
             "max-depth": rng.randint(0, 30), "max-memory": rng.choice([150, 250, 400]),
             }.get(limit, 0.0)
    endless = rng.random() < 0.5
    text = render(gen_spec(RandSrc(seed)))
    if endless:
        text += ENDLESS
    return Scenario(seed, engine, limit, value, endless, round(rng.uniform(0.0, 1.0), 2), text)


@dataclass
class Outcome:
    scenario: Scenario
    exit_code: int
    seconds: float                 # from spawn to exit
    overshoot: float               # seconds past the bound's start + its allowance (<= 0: in time)
    peak_mb: float                 # largest sampled resident set of the process tree
    problems: list[str] = field(default_factory=list)
    signalled: bool = False        # the signal was sent before the run ended
    cpu: float = 0.0               # CPU seconds the run used (user + system, its children included)
    load: float = 0.0              # the machine's 1-minute load average when the run ended


def default_sigint() -> None:
    """In the child, before exec: SIGINT back to its default.  A background
    job of a non-interactive shell starts with SIGINT ignored, and verify
    keeps an ignored SIGINT ignored (as nohup wants)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _reader(stream, buf: list, seen: threading.Event, marker: str) -> None:
    for chunk in iter(lambda: stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096), b""):
        buf.append(chunk)
        if marker.encode() in chunk or marker.encode() in b"".join(buf[-2:]):
            seen.set()


def run(sc: Scenario, workdir: Path) -> Outcome:
    """Run one scenario as a child process and judge it."""
    from checker.cancel import tree_rss_mb

    sys.path.insert(0, str(ROOT / "tests" / "cli"))
    from schema_check import validate

    path = workdir / f"s{sc.seed}.spec"
    path.write_text(sc.spec)
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "checker.cli", str(path), *sc.args()], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=default_sigint)
    out_buf: list = []
    err_buf: list = []
    started = threading.Event()
    threads = [threading.Thread(target=_reader, args=(p.stdout, out_buf, threading.Event(), "\0"),
                                daemon=True),
               threading.Thread(target=_reader, args=(p.stderr, err_buf, started, " running"),
                                daemon=True)]
    for t in threads:
        t.start()
    peak = 0.0
    signalled = False
    ref = None              # when the bound starts: the signal, else the spawn
    send_at = None
    hard_end = t0 + BACKSTOP + 60
    usage = None            # the child's resource usage, once reaped (its CPU seconds)
    while usage is None and time.monotonic() < hard_end:
        now = time.monotonic()
        if send_at is None and started.is_set() and sc.limit in ("SIGINT", "SIGTERM"):
            send_at = now + sc.delay
        if send_at is not None and not signalled and now >= send_at:
            # os.kill, not Popen.send_signal: that one polls first and may reap
            # the child, whose CPU seconds _reap then could not read
            os.kill(p.pid, signal.SIGINT if sc.limit == "SIGINT" else signal.SIGTERM)
            signalled = True
            ref = now
        peak = max(peak, tree_rss_mb(p.pid))
        usage = _reap(p)
        if usage is None:
            time.sleep(0.02)
    if usage is None:
        p.kill()
        p.wait()
    for t in threads:
        t.join(timeout=5)
    end = time.monotonic()
    out = b"".join(out_buf).decode("utf-8", "replace")
    err = b"".join(err_buf).decode("utf-8", "replace")
    problems: list[str] = []
    if ref is None:
        ref = t0         # limits count from the start of the command (Python's start-up included)
    if sc.limit in ("SIGINT", "SIGTERM") and not signalled:
        sc = _replace(sc, limit=f"{sc.limit} (not sent: the run ended first)")
    overshoot = (end - ref) - sc.bound()
    if overshoot > 0:
        problems.append(f"ended {end - ref:.2f} s after the bound started, allowed {sc.bound():.2f} s")
    if "Traceback" in err:
        problems.append("a traceback on stderr")
    rc = p.returncode
    allowed = {0, 1, 2, 3}
    if signalled:
        allowed |= {130 if sc.limit == "SIGINT" else 143}
    if rc not in allowed:
        why = [ln for ln in (out + "\n" + err).splitlines()
               if "disagree" in ln or "internal error" in ln or "crashed" in ln][:2]
        problems.append(f"exit code {rc}, expected one of {sorted(allowed)}"
                        + (f" ({' / '.join(w.strip()[:200] for w in why)})" if why else ""))
    try:
        doc = json.loads(out)
    except ValueError:
        problems.append(f"stdout is not one JSON document: {out[:200]!r}")
    else:
        errors = validate(doc)
        if errors:
            problems.append("schema: " + "; ".join(errors[:3]))
        if doc.get("exit_code") != rc:
            problems.append(f"exit_code {doc.get('exit_code')} in the document, process exit {rc}")
        words = json.dumps(doc)
        # (exit 3 alone says nothing: bmc's clean run, a counterexample to
        # induction and a solver's unknown are exit 3 without any limit; the
        # words of a time limit are checked by tests/reliability/test_engine_signals.py)
        if rc in (130, 143) and "interrupted" not in words + err:
            problems.append("a signal exit without the word interrupted")
        if rc in (130, 143) and "time limit reached" in words and "interrupted" not in words:
            problems.append("an interrupt reported as a time limit")
        if re.search(r"(gave up|returned unknown)[^\"]*(interrupted|(?<!per-property )time limit|memory limit|canceled)", words):
            problems.append("the run's stop reported as the solver's failure")
    if sc.limit == "max-memory" and peak > sc.value:
        problems.append(f"peak resident set {peak:.0f} MB over --max-memory {sc.value:g}")
    cpu = usage.ru_utime + usage.ru_stime if usage is not None else 0.0
    return Outcome(sc, rc, end - t0, overshoot, peak, problems, signalled, cpu, os.getloadavg()[0])


NO_USAGE = type("Usage", (), {"ru_utime": 0.0, "ru_stime": 0.0})()


def _reap(p: subprocess.Popen):
    """The child's resource usage once it has ended (and set its return
    code), else None: os.wait4 instead of Popen.poll, for its CPU seconds."""
    if p.returncode is not None:      # reaped already: its usage is lost
        return NO_USAGE
    try:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
    except ChildProcessError:         # reaped elsewhere
        p.poll()
        return NO_USAGE
    if pid == 0:
        return None
    p.returncode = os.waitstatus_to_exitcode(status)
    return usage
