"""How a run is compared with its catalog entry (test_catalog.py), apart from
running it, so that the comparison itself is tested on fake results
(test_pins.py).

A pinned decided verdict (holds, violated) must be met exactly.  A pinned
``unknown`` is a floor, not a ceiling: the engine may do better than the
catalog recorded (a new proof, a lemma Z3 now finds within the budget), but
only by agreeing with the explicit engine, whose verdict is the truth on
every entry (its search is exhaustive).  So under an ``unknown`` pin the
engine's verdict must be ``unknown`` or explicit's decided verdict; a
verdict that contradicts explicit's, or a decided verdict where explicit's
pin is not decided, fails.  Traces and k are compared as before whenever
the verdict is decisive."""
from __future__ import annotations

from catalog import U, Entry
from crosscheck import genuine_violation, not_shortest
from checker.results import REACHABLE, Verdict


def verdict_problem(engine: str, got: str, want: str | None, explicit: str | None) -> str | None:
    """None when ``got`` meets the pin ``want`` (explicit's own pin:
    ``explicit``), else why not."""
    if want is None or got == want:
        return None
    if want == U and engine != "explicit" and explicit not in (None, U) and got == explicit:
        return None   # better than pinned, and what explicit says
    if want == U:
        return (f"catalog says unknown, and {engine}'s {got} is not explicit's verdict "
                f"({explicit or 'not pinned'})")
    return f"catalog says {want}"


def problems(entry: Entry, engine: str, result, load) -> tuple[list[str], list[str]]:
    """(problems, properties the run did not report) for one engine's run on
    one catalog entry; ``load(entry, generalize)`` loads its spec (for
    replaying a trace that is not a shortest one)."""
    got = {p.name: p for p in result.properties}
    found, unreported = [], []
    for name, exp in entry.props.items():
        p = got.get(name)
        if p is None:
            unreported.append(name)
            continue
        want = exp.verdict(engine)
        if want is None:  # not pinned (e.g. a liveness verdict nobody has established yet)
            continue
        wrong = verdict_problem(engine, p.verdict.value, want, exp.verdict("explicit"))
        if wrong is not None:
            found.append(f"{name}: {engine} says {p.verdict.value} ({p.method}: {p.detail}), {wrong}")
            continue
        found += _trace_problems(entry, engine, name, exp, p, load)
    extra = sorted(set(got) - set(entry.props))
    if extra:
        found.append(f"properties missing from the catalog entry: {extra}")
    return found, unreported


def _trace_problems(entry: Entry, engine: str, name: str, exp, p, load) -> list[str]:
    out = []
    tr = p.trace
    decisive = p.verdict is Verdict.VIOLATED or (p.kind == REACHABLE and p.verdict is Verdict.HOLDS)
    if exp.length is not None and decisive and tr is not None and not_shortest(p):
        # pdr's trace is Spacer's own path: at least the shortest length,
        # and (same constants) a real path to a violation; its last step
        # may differ from the shortest counterexample's
        if len(tr) < exp.length:
            out.append(f"{name}: {engine} trace of {len(tr)} steps, shorter than the "
                       f"shortest ({exp.length})")
        if not entry.generalize and not genuine_violation(load(entry, False), p, tr):
            out.append(f"{name}: {engine}'s trace from Spacer does not replay to a violation")
    elif exp.length is not None and decisive and tr is not None:
        if len(tr) != exp.length:
            out.append(f"{name}: {engine} trace of {len(tr)} steps, catalog says {exp.length}")
        if exp.last is not None and tr.loop_start is None and tr.steps[-1].label() != exp.last:
            out.append(f"{name}: {engine} ends with {tr.steps[-1].label()}, "
                       f"catalog says {exp.last}")
    if engine == "kind" and exp.k is not None and p.verdict is Verdict.HOLDS and p.depth != exp.k:
        out.append(f"{name}: kind proved it with k = {p.depth}, catalog says k = {exp.k}")
    return out
