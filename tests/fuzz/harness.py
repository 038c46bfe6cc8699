"""Running one fuzz input and classifying what happened.

Outcomes:
  "checked"    loaded and checked: a result (holds / violated / unknown)
  "diagnostic" a clean diagnostic: SpecError whose diagnostics all have a
               position (line >= 1, col >= 1) and whose text names the file
               (or, through the CLI, exit code 2 and no traceback)
  "timeout"    did not finish within the time limit (a hang)
  "crash"      anything else: another exception, a diagnostic without a
               position, exit code 4, a traceback on stderr

load_outcome, check_outcome and cli_outcome limit CPU time by default (see
time_limit): a test must not fail because the machine is busy.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import tempfile
import threading
import traceback
from dataclasses import dataclass

CHECKED, DIAGNOSTIC, TIMEOUT, CRASH = "checked", "diagnostic", "timeout", "crash"
OUTCOMES = (CHECKED, DIAGNOSTIC, TIMEOUT, CRASH)


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so ``except Exception`` in the
    checker does not swallow it."""


WALL_FACTOR = 10   # with a CPU-time limit, the wall-clock backstop is this many times longer


@contextlib.contextmanager
def time_limit(seconds: float, cpu: bool = False):
    """SIGALRM-based wall-clock limit (main thread, POSIX); a no-op elsewhere.

    ``cpu``: limit the process's CPU time instead (SIGVTALRM), with a
    wall-clock backstop WALL_FACTOR times longer.  On a machine shared with
    other jobs a wall-clock limit also counts the time the input waited for a
    core; the CPU limit counts only the work the checker did, so a timeout is
    a hang, not contention."""
    if seconds is None or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise Timeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    old_v = signal.signal(signal.SIGVTALRM, on_alarm) if cpu else None
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR if cpu else seconds)
    if cpu:
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if cpu:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, old_v)


@dataclass
class Outcome:
    kind: str
    detail: str = ""

    def __str__(self):
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


def diagnostic_problems(err, filename: str, text: str | None = None) -> list[str]:
    """What is wrong with a SpecError as a diagnostic (empty: it is clean)."""
    problems = []
    if not err.diagnostics:
        problems.append("SpecError without diagnostics")
    for d in err.diagnostics:
        if not (isinstance(d.span.line, int) and d.span.line >= 1):
            problems.append(f"line {d.span.line!r} < 1: {d.message}")
        if not (isinstance(d.span.col, int) and d.span.col >= 1):
            problems.append(f"col {d.span.col!r} < 1: {d.message}")
        if text is not None and isinstance(d.span.line, int) and d.span.line > text.count("\n") + 2:
            problems.append(f"line {d.span.line} past the end of the text: {d.message}")
        if not d.message:
            problems.append("empty message")
    rendered = err.render()
    if filename not in rendered:
        problems.append(f"render() does not mention {filename!r}")
    if "Traceback" in rendered:
        problems.append("render() contains a traceback")
    return problems


def load_outcome(text: str, filename: str = "fuzz.spec", seconds: float = 10.0, cpu: bool = True):
    """Load only.  Returns (Outcome, spec or None).  ``cpu``: see time_limit."""
    from checker.lang import SpecError, load_text

    try:
        with time_limit(seconds, cpu):
            spec = load_text(text, filename)
    except SpecError as e:
        problems = diagnostic_problems(e, filename, text)
        if problems:
            return Outcome(CRASH, "bad diagnostic: " + "; ".join(problems)), None
        return Outcome(DIAGNOSTIC, e.diagnostics[0].message), None
    except Timeout:
        return Outcome(TIMEOUT, f"load took more than {seconds}s"), None
    except RecursionError:
        return Outcome(CRASH, "RecursionError\n" + traceback.format_exc(limit=-8)), None
    except BaseException as e:  # noqa: BLE001 - everything else is a crash
        if isinstance(e, KeyboardInterrupt):
            raise
        return Outcome(CRASH, f"{type(e).__name__}: {e}"[:500] + "\n" + traceback.format_exc(limit=-8)), None
    return Outcome(CHECKED, "loaded"), spec


def check_outcome(text: str, filename: str = "fuzz.spec", seconds: float = 10.0,
                  max_states: int = 2000, spec=None, cpu: bool = True, **options) -> Outcome:
    """Load and check with the explicit engine (checker.check); with ``spec``
    (the text already loaded by load_outcome) check that without parsing again."""
    import checker
    from checker.lang import SpecError
    from checker.run import InputError

    try:
        with time_limit(seconds, cpu):
            if spec is None:
                r = checker.check(text, filename=filename, max_states=max_states, **options)
            else:
                from checker.options import Options
                from checker.run import run_spec
                r = run_spec(spec, "explicit", Options(max_states=max_states, **options))
    except SpecError as e:
        problems = diagnostic_problems(e, filename, text)
        if problems:
            return Outcome(CRASH, "bad diagnostic: " + "; ".join(problems))
        return Outcome(DIAGNOSTIC, e.diagnostics[0].message)
    except InputError as e:
        # a usage problem, not a spec text problem (e.g. a constant without a
        # value for the explicit engine): `verify` prints it as "verify: error:"
        # with exit code 2; clean when it names the file
        if filename not in str(e):
            return Outcome(CRASH, f"InputError without the file name: {e}"[:500])
        return Outcome(DIAGNOSTIC, str(e)[:200])
    except Timeout:
        return Outcome(TIMEOUT, f"check took more than {seconds}s")
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, KeyboardInterrupt):
            raise
        return Outcome(CRASH, f"{type(e).__name__}: {e}"[:500] + "\n" + traceback.format_exc(limit=-8))
    return Outcome(CHECKED, f"{r.verdict.value} {r.stats.states} states")


def cli_outcome(data: bytes, args=(), seconds: float = 10.0, name: str = "fuzz.spec",
                cpu: bool = True):
    """Write ``data`` to a file and run ``verify FILE args`` in-process.

    Returns (Outcome, exit code, stdout, stderr)."""
    from checker.cli import main

    d = tempfile.mkdtemp(prefix="fuzz-")
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    out, err = io.StringIO(), io.StringIO()
    code = None
    try:
        try:
            with time_limit(seconds, cpu), contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                code = main([path, *args])
        except Timeout:
            return Outcome(TIMEOUT, f"verify took more than {seconds}s"), None, out.getvalue(), err.getvalue()
        except BaseException as e:  # noqa: BLE001 - main() must not raise
            if isinstance(e, KeyboardInterrupt):
                raise
            return (Outcome(CRASH, f"main() raised {type(e).__name__}: {e}"[:500]), None,
                    out.getvalue(), err.getvalue())
    finally:
        try:
            os.unlink(path)
            os.rmdir(d)
        except OSError:
            pass
    so, se = out.getvalue(), err.getvalue()
    if "Traceback" in se or "Traceback" in so:
        return Outcome(CRASH, "traceback in the output:\n" + se[-1500:]), code, so, se
    if code not in (0, 1, 2, 3):
        return Outcome(CRASH, f"exit code {code}:\n" + se[-1500:]), code, so, se
    if code == 2:
        return Outcome(DIAGNOSTIC, se.strip().splitlines()[0] if se.strip() else ""), code, so, se
    return Outcome(CHECKED, f"exit {code}"), code, so, se


# ---------------------------------------------------------------- known bugs
# Crashes already found, each pinned by an xfail(strict=True) regression in
# regressions/.  The property tests tolerate them (so that they keep guarding
# against *new* crashes); the long tier counts them separately.  When a bug is
# fixed its regression XPASSes, and its line here should go.

KNOWN_BUGS: list[tuple[str, str]] = [
    # (regex over the crash detail, regression name); empty: every bug the
    # fuzzer found so far is fixed and its regression passes
]


def known_bug(outcome: Outcome) -> str | None:
    if outcome.kind not in (CRASH, TIMEOUT):
        return None
    for pattern, name in KNOWN_BUGS:
        if re.search(pattern, outcome.detail):
            return name
    return None


# ---------------------------------------------------------------- differential


def engines_disagree(text: str, max_states: int = 3000, symbolic: bool = False,
                     rlimit: int = 20_000_000) -> list[str] | None:
    """Every engine on one valid spec: what they disagree on (empty: they
    agree); None when the explicit search is not exhaustive within
    ``max_states`` (nothing to compare against).

    * the explicit engine's dict store, its compact store and the reference
      interpreter (checker/interp.py) find the same states and transitions;
    * the enum engine (every model of the Z3 transition relation) finds the
      same states and gives every property the explicit verdict;
    * ``symbolic``: bmc to the explicit search's depth finds each invariant
      violation with the shortest length, and never one explicit does not;
      kind and pdr never prove what explicit refutes nor refute what it proves.
    """
    import checker
    from checker import engines, interp
    from checker.options import Options
    from checker.results import Verdict

    spec = checker.load(text)
    ref = checker.check(text, max_states=max_states)
    if not ref.exhaustive:
        return None
    problems = []
    want = {p.name: p for p in ref.properties}
    counts = (ref.stats.states, ref.stats.transitions, ref.stats.depth)
    compact = checker.check(text, max_states=max_states, store="compact")
    if (compact.stats.states, compact.stats.transitions, compact.stats.depth) != counts:
        problems.append(f"compact store {compact.stats.states} states, dict store {counts[0]}")
    explored = interp.explore(spec)
    if len(explored.states) != counts[0] or explored.transitions - len(explored.errors) != counts[1]:
        problems.append(f"interpreter {len(explored.states)} states, explicit {counts[0]}")
    en = engines.get("enum")(spec, Options())
    if en.stats.states != counts[0]:
        problems.append(f"enum {en.stats.states} states, explicit {counts[0]}")
    for p in en.properties:
        if p.name in want and p.verdict is not want[p.name].verdict:
            problems.append(f"{p.name}: enum {p.verdict.value}, explicit {want[p.name].verdict.value}")
    if not symbolic:
        return problems
    depth = counts[2] + 1
    opts = Options(depth=depth, max_k=3, solver_rlimit=rlimit)
    for name in ("bmc", "kind", "pdr"):
        r = engines.get(name)(spec, opts)
        for p in r.properties:
            ex = want.get(p.name)
            if ex is None or p.kind != "invariant":
                continue
            if p.verdict is Verdict.VIOLATED and ex.verdict is Verdict.HOLDS:
                problems.append(f"{p.name}: {name} refutes it, explicit proves it")
            if p.verdict is Verdict.HOLDS and ex.verdict is Verdict.VIOLATED:
                problems.append(f"{p.name}: {name} proves it, explicit refutes it")
            if name == "bmc" and ex.verdict is Verdict.VIOLATED and ex.trace is not None:
                if p.verdict is Verdict.VIOLATED and p.trace is not None and len(p.trace) != len(ex.trace):
                    problems.append(f"{p.name}: bmc trace {len(p.trace)} steps, explicit {len(ex.trace)}")
                if p.verdict is Verdict.UNKNOWN and (p.depth is None or p.depth >= len(ex.trace)):
                    problems.append(f"{p.name}: bmc found nothing to depth {p.depth}, explicit at "
                                    f"{len(ex.trace)}")
    return problems
