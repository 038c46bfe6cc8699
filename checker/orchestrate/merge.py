"""``--engine all``: one merged verdict per property from several engines'
results on the same spec, and every disagreement found.

Agreement rules: a property VIOLATED by one engine must not HOLD by
another; the shortest violations found by explicit and bmc have the same
length; UNKNOWN (and an engine's ERROR) agrees with everything.  A
disagreement makes the property's verdict ERROR, with the detail
"engines disagree: ..." and ``Disagreement`` evidence naming every side;
otherwise the merged property is the chosen engine's, with ``CrossCheck``
evidence (the chosen engine, its evidence, the engines that agree).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from .. import evidence as ev
from .. import ir
from ..results import CheckResult, PropertyResult, Stats, Verdict

# which engine's result is shown when several agree: explicit's shortest
# traces first, then bmc's (shortest) for a violation, pdr's invariant for a proof
VIOLATION_PREFERENCE = ("explicit", "bmc")
PROOF_PREFERENCE = ("explicit", "pdr")


@dataclass
class CrossCheckResult(CheckResult):
    """The result of ``--engine all``: one merged verdict per property, the
    individual engines' results in ``runs``, and every disagreement found."""

    runs: dict[str, CheckResult] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)


def merge(spec: ir.Spec, results: dict[str, CheckResult], notes: list[str]) -> CrossCheckResult:
    """One merged result from several engines' results on the same spec."""
    merged: list[PropertyResult] = []
    disagreements: list[str] = []
    for name in _names(results):
        per = {e: r.get(name) for e, r in results.items() if any(p.name == name for p in r.properties)}
        problem = _problem(per)
        if problem:
            detail = f"engines disagree: {problem}"
            disagreements.append(f"{name}: {detail}")
            merged.append(_disagreement(per, detail))
            continue
        merged.append(_agreement(per))
        note = _bmc_missed(name, per)
        if note:
            notes.append(note)
    base = results.get("explicit") or next(iter(results.values()))
    stats = Stats(states=base.stats.states, transitions=base.stats.transitions,
                  depth=base.stats.depth, seconds=sum(r.stats.seconds for r in results.values()),
                  peak_memory_bytes=base.stats.peak_memory_bytes)
    return CrossCheckResult(
        spec=spec.name, file=spec.file, engine="all", consts=dict(base.consts),
        properties=merged, stats=stats, exhaustive=any(r.exhaustive for r in results.values()),
        notes=notes, runs=dict(results), disagreements=disagreements)


def _names(results: dict[str, CheckResult]) -> list[str]:
    names: list[str] = []
    for r in results.values():
        for p in r.properties:
            if p.name not in names:
                names.append(p.name)
    return names


def _with(per: dict[str, PropertyResult], verdict: Verdict) -> dict[str, PropertyResult]:
    return {e: p for e, p in per.items() if p.verdict is verdict}


def _summary(engine: str, p: PropertyResult) -> str:
    s = f"{engine}: {p.verdict.value} ({p.method}"
    if p.trace is not None and p.verdict is Verdict.VIOLATED:
        s += f", trace of {len(p.trace)} step{'s' if len(p.trace) != 1 else ''}"
    return s + ")"


def _problem(per: dict[str, PropertyResult]) -> str:
    """How the engines contradict each other on one property, in words, or ''."""
    violated, holds = _with(per, Verdict.VIOLATED), _with(per, Verdict.HOLDS)
    if violated and holds:
        return "; ".join(_summary(e, p) for e, p in per.items()
                         if p.verdict in (Verdict.VIOLATED, Verdict.HOLDS))
    ex, bmc = violated.get("explicit"), violated.get("bmc")
    if _plain_counterexample(ex) and _plain_counterexample(bmc) and len(ex.trace) != len(bmc.trace):
        return (f"explicit found a shortest violation of {len(ex.trace)} steps, "
                f"bmc one of {len(bmc.trace)} steps")
    return ""


def _plain_counterexample(p: Optional[PropertyResult]) -> bool:
    return (p is not None and p.trace is not None and p.trace.kind == "counterexample"
            and p.trace.loop_start is None)


def _disagreement(per: dict[str, PropertyResult], detail: str) -> PropertyResult:
    violated = _with(per, Verdict.VIOLATED)
    chosen = violated.get("explicit") or next(iter(violated.values()))
    sides = tuple(ev.Side(e, p.verdict.value, p.method, p.detail) for e, p in per.items())
    return replace(chosen, verdict=Verdict.ERROR, detail=detail,
                   method="cross-check of " + ", ".join(per), evidence=ev.Disagreement(sides))


def _preferred(found: dict[str, PropertyResult], order: tuple[str, ...]) -> PropertyResult:
    return next((found[e] for e in order if e in found), None) or next(iter(found.values()))


def _chosen(per: dict[str, PropertyResult]) -> tuple[PropertyResult, dict[str, PropertyResult]]:
    """The result shown for a property the engines agree on, and the engines that agree with it."""
    violated, holds = _with(per, Verdict.VIOLATED), _with(per, Verdict.HOLDS)
    if violated:
        return _preferred(violated, VIOLATION_PREFERENCE), violated
    if holds:
        return _preferred(holds, PROOF_PREFERENCE), holds
    errors = _with(per, Verdict.ERROR)
    if errors and len(errors) == len(per):
        return next(iter(errors.values())), errors
    unknown = {e: p for e, p in per.items() if p.verdict is not Verdict.ERROR}
    return next(iter(unknown.values())), unknown


def _agreement(per: dict[str, PropertyResult]) -> PropertyResult:
    chosen, winners = _chosen(per)
    first = next(iter(per.values()))
    found = next((p.found_invariant for p in per.values() if p.found_invariant), None)
    chosen_engine = next(e for e, p in per.items() if p is chosen)
    others = tuple(e for e in winners if e != chosen_engine)
    method = f"{chosen_engine}: {chosen.method}" + (f" (also {', '.join(others)})" if others else "")
    return replace(chosen, method=method, found_invariant=chosen.found_invariant or found,
                   doc=chosen.doc or first.doc, line=chosen.line or first.line,
                   seconds=sum(p.seconds for p in per.values()),
                   evidence=ev.CrossCheck(chosen_engine, chosen.evidence, others))


def _bmc_missed(name: str, per: dict[str, PropertyResult]) -> str:
    """A bmc that reached the depth of explicit's violation should have found it."""
    ex = _with(per, Verdict.VIOLATED).get("explicit")
    b = per.get("bmc")
    if (ex is not None and ex.trace is not None and b is not None and b.verdict is Verdict.UNKNOWN
            and b.depth is not None and b.depth >= len(ex.trace) and ex.trace.loop_start is None):
        return (f"{name}: bmc searched to depth {b.depth} but did not report the violation "
                f"of {len(ex.trace)} steps that explicit found")
    return ""
