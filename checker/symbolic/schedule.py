"""The order in which the proving engines (kind, pdr) prove a spec's
properties, written once.  Each stage may only assume what an earlier one
proved, which is what makes every assumption sound:

1. **alone**: every invariant, reachability goal, typeok and deadlock, in
   report order (temporal properties wait for stage 4);
2. **jointly**: the invariants still unknown, with help from those proved
   (kind: Houdini over the candidates, base cases checked; pdr: stepping only
   from states satisfying the invariants proved alone);
3. **assuming the proved invariants**: typeok and deadlock still unknown
   (often not inductive for the same reason as the invariants: the step
   case starts in an unreachable state): first induction with k = 0 (every
   state satisfying the proved invariants satisfies the property:
   induction.implied), then the engine again with the proved invariants
   assumed (kind: at every state of the step case, the last one included).
   Sound: the assumed invariants were proved before, so they hold in every
   reachable state, and dropping the paths through other states loses
   nothing.  (Unlike stage 2's candidates, which may not be assumed in the
   last state: they are what is being proved there.)  typeok and deadlock
   are never assumed themselves;
4. **temporal** properties on the liveness-to-safety product, assuming every
   invariant proved by then.

An engine is a :class:`Prover`: how it proves one property at each stage
and the words and evidence of its verdicts; the stages, the stop checks,
what is collected (solver statistics, the deepest depth, the symbolic
constants of the traces) and the result are here.
"""
from __future__ import annotations

import time

import z3
from typing import Protocol

from .. import ir
from ..evidence import NOT_ENCODABLE, NotChecked
from ..options import Options
from ..results import DEADLOCK, INVARIANT, PROPERTY, TYPEOK, CheckResult, PropertyResult, Stats, Verdict
from .common import Clock, Progressor, Prop, halted, halted_result, prepare, result, stopped_result, unless_halted
from .encode import Encoder, Unsupported
from .induction import implied


class Prover(Protocol):
    engine: str       # "kind", "pdr": the result's engine
    words: str        # "k-induction", "PDR (Spacer)": a method word for errors and stops

    def alone(self, p: Prop, clock: Clock) -> tuple[PropertyResult, dict, int]:
        """Stage 1: (result, solver statistics, depth reached)."""

    def jointly(self, props: list[Prop], out: list) -> None:
        """Stage 2: replace in ``out`` (aligned with ``props``; None for a
        temporal property) the invariants it proves now."""

    def implied(self, r: PropertyResult, proved: list[Prop], clock: Clock) -> PropertyResult:
        """Stage 3: the result for ``r``'s property, implied by ``proved`` (k = 0)."""

    def assuming(self, p: Prop, r: PropertyResult, proved: list[Prop], clock: Clock) -> PropertyResult | None:
        """Stage 3: the result when proved assuming ``proved``, or None."""

    def temporal(self, p: Prop, props: list[Prop], out: list, proved: list[Prop],
                 consts: dict) -> PropertyResult:
        """Stage 4, on the product; ``out``: every other verdict so far."""


def run(spec: ir.Spec, options: Options, engine: str, prover_of) -> CheckResult:
    """``prover_of(enc, options, progress)`` -> the engine's Prover."""
    start = time.monotonic()
    enc, props, failed = prepare(spec, options, engine, start)
    if failed is not None:
        return failed
    prover: Prover = prover_of(enc, options, Progressor(options, start))
    out, extra, deepest = _alone(prover, props, options)
    # a stop inside Z3 in a later pass keeps the verdicts decided before
    unless_halted(lambda: prover.jointly(props, out), options, None)
    unless_halted(lambda: _assuming_proved(prover, enc, props, out, options), options, None)
    # the symbolic constants of the first traces that chose them (the
    # safety verdicts first, then the temporal ones, as they were found)
    consts: dict = {}
    for r in out:
        if r is not None and r.verdict is Verdict.VIOLATED and r.trace is not None:
            for c, v in r.trace.consts.items():
                consts.setdefault(c, v)
    proved = proved_invariants(props, out)
    for i, p in enumerate(props):
        if p.kind == PROPERTY:
            out[i] = stopped_result(p, prover.words, options, prover.engine)
            if out[i] is None:
                out[i] = unless_halted(lambda: prover.temporal(p, props, out, proved, consts), options, None) \
                    or halted_result(p, prover.words, options, name=prover.engine)
                deepest = max(deepest, out[i].depth or 0)
    stats = Stats(depth=deepest, seconds=time.monotonic() - start, extra={"solver": extra})
    return result(spec, engine, out, stats, consts)


def _alone(prover: Prover, props: list[Prop], options: Options):
    out: list = []
    extra: dict = {}
    deepest = 0
    for p in props:
        if p.kind == PROPERTY:
            out.append(None)  # after the invariants: their proofs are assumed
            continue
        clock = Clock.of(options)
        if clock.stopped():   # the run was stopped: no more encoding
            out.append(stopped_result(p, prover.words, options, prover.engine))
            continue
        try:
            r, st, depth = prover.alone(p, clock)
        except Unsupported as e:
            out.append(PropertyResult(p.name, p.kind, Verdict.ERROR, prover.words,
                                      detail=str(e), line=p.line, doc=p.doc,
                                      evidence=NotChecked(prover.engine, NOT_ENCODABLE, str(e))))
            continue
        except z3.Z3Exception as e:   # stopped inside Z3 (a tactic, Spacer, decoding): the others keep theirs
            if not halted(e, options):
                raise
            out.append(halted_result(p, prover.words, options, clock.elapsed(), prover.engine))
            continue
        extra[p.name] = st
        deepest = max(deepest, depth)
        out.append(r)
    return out, extra, deepest


def proved_invariants(props: list[Prop], out: list) -> list[Prop]:
    return [p for p, r in zip(props, out) if p.kind == INVARIANT and r.verdict is Verdict.HOLDS]


def _assuming_proved(prover: Prover, enc: Encoder, props: list[Prop], out: list, options: Options) -> None:
    proved = proved_invariants(props, out)
    if not proved:
        return
    for i, p in enumerate(props):
        if p.kind not in (TYPEOK, DEADLOCK) or out[i].verdict is not Verdict.UNKNOWN:
            continue
        clock = Clock.of(options)
        if implied(enc, p, tuple(proved), clock, options.seed):
            out[i] = prover.implied(out[i], proved, clock)
            continue
        r = prover.assuming(p, out[i], proved, clock)
        if r is not None:
            out[i] = r
