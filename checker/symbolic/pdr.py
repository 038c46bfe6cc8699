"""PDR / IC3 through Z3's Spacer engine on constrained Horn clauses: the
engine (the proof of one property is in spacer.py, the order of the proofs
in schedule.py; here are the verdicts' words and evidence).

What a verdict means (Horn clauses, the invariant's re-check, whose trace
a violation shows): spacer.py.  Before Spacer is asked about typeok or
deadlock assuming proved invariants, the cheaper induction with k = 0
(schedule.py, stage 3); invariants not proved alone get a second try
stepping only from states that satisfy those proved alone (stage 2).
"""
from __future__ import annotations

from dataclasses import replace

from .. import evidence as ev
from .. import ir
from ..options import Options
from ..results import INVARIANT, REACHABLE, TYPEOK, PropertyResult, Verdict
from .common import Clock, Prop, build_props, reach_result
from .encode import Encoder, Unsupported, mk_and
from .induction import implied, prove_jointly
from .schedule import proved_invariants, run
from .spacer import prove

WORDS = "PDR (Spacer)"


def check(spec: ir.Spec, options: Options):
    return run(spec, options, "pdr", Pdr)


def _path(found) -> str:
    """Whose trace a violation shows: Spacer's own path, or bmc's replay."""
    return "bmc" if found.shortest else "spacer"


class Pdr:
    """PDR as a schedule.Prover."""
    engine, words = "pdr", WORDS

    def __init__(self, enc: Encoder, options: Options, progress):
        self.enc, self.options, self.progress = enc, options, progress
        self._typeok: str | None = None

    def alone(self, p: Prop, clock: Clock):
        enc = self.enc
        what, info, st = prove(enc, p, self.options, clock, self.progress)
        common = dict(line=p.line, doc=p.doc, seconds=clock.elapsed())
        if p.kind == REACHABLE and what in ("holds", "violated"):
            if what == "holds":
                r = reach_result(p, what, info, WORDS, evidence=ev.Pdr(invariant=info), **common)
                r.found_invariant = info
                return r, st, 0
            return reach_result(p, what, info, WORDS, evidence=ev.Pdr(path=_path(info)), **common), st, info.depth
        if what == "holds":
            return PropertyResult(p.name, p.kind, Verdict.HOLDS, WORDS,
                                  detail="proved for every reachable state"
                                  + (" and every value of the symbolic constants" if enc.sym_consts else ""),
                                  found_invariant=info, evidence=ev.Pdr(invariant=info), **common), st, 0
        if what == "violated":
            return PropertyResult(p.name, p.kind, Verdict.VIOLATED, _trace_method(info),
                                  trace=info.trace, detail=info.detail, depth=info.depth,
                                  evidence=ev.Pdr(path=_path(info)), **common), st, info.depth
        why, gave_up = info
        return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"{WORDS}, not proved",
                              detail=why, evidence=gave_up, **common), st, 0

    def jointly(self, props: list[Prop], out: list) -> None:
        """Invariants PDR could not prove alone get a second try in which only
        states satisfying the invariants already proved are stepped from.
        Sound: those are proved independently (first pass), so no state
        they exclude is reachable."""
        proved = proved_invariants(props, out)
        if not proved:
            return
        for i, p in enumerate(props):
            if p.kind == INVARIANT and out[i].verdict is Verdict.UNKNOWN:
                clock = Clock.of(self.options)
                r = self._assuming(p, out[i], proved, clock,
                                   "PDR (Spacer), assuming the invariants proved alone")
                out[i] = r or out[i]

    def implied(self, r: PropertyResult, proved: list[Prop], clock: Clock) -> PropertyResult:
        """Cheaper than Spacer: induction with k = 0 from the proved
        invariants (one state and one step, no invariant to find)."""
        names = ", ".join(p.name for p in proved)
        return replace(r, verdict=Verdict.HOLDS,
                       method="PDR (Spacer) for the invariants, then induction with k = 0",
                       detail=f"every state satisfying the invariants {names} (proved by PDR above) "
                              "satisfies it, so every reachable state does",
                       seconds=r.seconds + clock.elapsed(),
                       evidence=ev.Induction(0, assumed=tuple(p.name for p in proved)))

    def assuming(self, p: Prop, r: PropertyResult, proved: list[Prop], clock: Clock):
        """typeok and deadlock, assuming every invariant proved so far (each
        of those holds in every reachable state; typeok and deadlock are
        never assumed themselves)."""
        return self._assuming(p, r, proved, clock, "PDR (Spacer), assuming the proved invariants")

    def _assuming(self, p: Prop, r: PropertyResult, proved: list[Prop], clock: Clock, method: str):
        names = ", ".join(a.name for a in proved)
        what, info, _st = prove(self.enc, p, self.options, clock, None, mk_and([a.good for a in proved]))
        if what != "holds":
            return None
        return replace(r, verdict=Verdict.HOLDS, method=method,
                       detail=f"proved for every reachable state, from the invariants {names}",
                       found_invariant=info, seconds=r.seconds + clock.elapsed(),
                       evidence=ev.Pdr(invariant=info, assumed=tuple(a.name for a in proved)))

    def temporal(self, p: Prop, props: list[Prop], out: list, proved: list[Prop], consts: dict):
        from .product_proofs import pdr_temporal  # imported only when needed: networkx is slow to import

        def typeok() -> str:   # asked only when a cone of influence needs it, once
            if self._typeok is None:
                self._typeok = _typeok_proved(self.enc, props, out, proved, self.options)
            return self._typeok
        return pdr_temporal(self.enc, p, self.options, proved, consts, self.progress, typeok)


def _typeok_proved(enc: Encoder, props: list, out: list, proved: list, options: Options) -> str:
    """How typeok is proved ("" when it is not).  Temporal proofs may then
    drop the variables a property cannot see (coi.py).  Tried in turn:

    1. PDR's own verdict on typeok, when it was asked for and holds;
    2. (unreported side proofs, a quarter of the time budget each) induction
       with k = 0 from the invariants PDR proved, then PDR assuming them,
       when typeok was not asked for;
    3. k-induction: the invariants PDR did not decide, proved jointly
       (kind.prove_jointly: Houdini, base cases checked), then k = 0.

    Every step is a Z3 proof, so the cone is as sound as the whole product;
    the temporal verdict names the one used.  typeok's own line in the
    report stays PDR's verdict."""
    asked = next((r for p, r in zip(props, out) if p.kind == TYPEOK), None)
    if asked is not None and asked.verdict is Verdict.HOLDS:
        return "by PDR"
    if asked is not None and asked.verdict is Verdict.VIOLATED:
        return ""
    tp = build_props(enc, [("typeok", TYPEOK, None)])[0]
    side = replace(options, property_timeout=options.property_timeout / 4 if options.property_timeout else None)
    try:
        if asked is None:
            if proved and implied(enc, tp, tuple(proved), Clock.of(side), options.seed):
                return "by induction with k = 0 from the invariants PDR proved"
            assume = mk_and([a.good for a in proved]) if proved else None
            if prove(enc, tp, side, Clock.of(side), None, assume)[0] == "holds":
                return "by PDR"
        # every invariant of the spec, also those not asked for (--property):
        # the ones this run did not decide are the candidates
        verdicts = {r.name: r for p, r in zip(props, out) if p.kind == INVARIANT}
        invs = build_props(enc, [(i.name, INVARIANT, i) for i in enc.spec.invariants])
        results = [verdicts.get(p.name) or PropertyResult(p.name, INVARIANT, Verdict.UNKNOWN, "")
                   for p in invs]
        joint = prove_jointly(enc, invs, results, side)
        both = list(proved) + [p for p in invs if p.name in joint]
        if joint and implied(enc, tp, tuple(both), Clock.of(side), options.seed):
            return ("by k-induction: implied (k = 0) by the invariants " + ", ".join(p.name for p in both)
                    + ", of which " + ", ".join(sorted(joint)) + " proved jointly by k-induction")
    except Unsupported:
        return ""
    return ""


def _trace_method(found) -> str:
    if not found.shortest:
        return (f"PDR (Spacer); Spacer's counterexample, replayed by Z3 "
                f"({found.depth} steps, not necessarily shortest)")
    if found.unused_spacer_path:
        return (f"PDR (Spacer); trace by bounded model checking ({found.depth} steps; "
                f"Spacer's own path was unusable: {found.unused_spacer_path})")
    return f"PDR (Spacer); trace by bounded model checking ({found.depth} steps)"


