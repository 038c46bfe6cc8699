"""k-induction with simple-path constraints, k = 1..options.max_k: the
engine.  The proofs of one property are in induction.py, the order of the
proofs in schedule.py; here are the verdicts' words and evidence."""
from __future__ import annotations

from dataclasses import replace

from .. import evidence as ev
from .. import ir
from ..options import Options
from ..results import PROPERTY, REACHABLE, PropertyResult, Verdict
from .common import Clock, Prop, reach_result
from .encode import Encoder
from .induction import Joint, prove, prove_jointly
from .schedule import run

CTI_NOTE = ("not proved: this counterexample to induction starts in a state that "
            "satisfies the property for {k} step(s) but may be unreachable; the "
            "property may still hold and may need strengthening (add an invariant "
            "that rules the first state out), or try a larger k")
WORDS = "k-induction"


def check(spec: ir.Spec, options: Options):
    return run(spec, options, "kind", KInduction)


class KInduction:
    """k-induction as a schedule.Prover."""
    engine, words = "kind", WORDS

    def __init__(self, enc: Encoder, options: Options, progress):
        self.enc, self.options, self.progress = enc, options, progress

    def alone(self, p: Prop, clock: Clock):
        (what, k, info), st = prove(self.enc, p, self.options.max_k, clock, self.options.seed, self.progress)
        common = dict(line=p.line, doc=p.doc, seconds=clock.elapsed())
        if p.kind == REACHABLE and what in ("holds", "violated"):
            proof = ev.Induction(k) if what == "holds" else ev.Bounded(info.depth)
            return reach_result(p, what, info, f"k-induction, k = {k}", evidence=proof, **common), st, k
        if what == "holds":
            return PropertyResult(p.name, p.kind, Verdict.HOLDS, f"k-induction, k = {k}",
                                  depth=k, detail="proved for every reachable state", evidence=ev.Induction(k),
                                  **common), st, k
        if what == "violated":
            return PropertyResult(p.name, p.kind, Verdict.VIOLATED,
                                  f"k-induction base case (bounded model checking, {k} steps)",
                                  trace=info.trace, detail=info.detail, depth=k, evidence=ev.Bounded(k),
                                  **common), st, k
        if what == "cti":
            trace, cs = info
            detail = CTI_NOTE.format(k=k)
            if cs:
                detail += " (with " + ", ".join(f"{a} = {b}" for a, b in cs.items()) + ")"
            return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"k-induction, not proved up to k = {k}",
                                  trace=trace, detail=detail, depth=k,
                                  evidence=ev.Induction(k, failed="step"), **common), st, k
        why, gave_up = info
        return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, f"k-induction, not proved (stopped at k = {k + 1})",
                              detail=why, depth=k, evidence=gave_up, **common), st, k

    def jointly(self, props: list[Prop], out: list) -> None:
        safety = [p for p in props if p.kind != PROPERTY]
        joint = prove_jointly(self.enc, safety, [r for r in out if r is not None], self.options)
        for i, r in enumerate(out):
            j: Joint | None = joint.get(r.name) if r is not None else None
            if j is None:
                continue
            helpers = ", ".join(j.others) if j.others else "none"
            out[i] = replace(r, verdict=Verdict.HOLDS, trace=None, depth=j.k,
                             method=f"k-induction, k = {j.k}, jointly with the other invariants",
                             detail=f"proved for every reachable state; the step case assumes the invariants "
                                    f"{helpers}, all proved (alone, or jointly in the same way)",
                             evidence=ev.Induction(j.k, assumed=j.assumed, jointly=j.jointly))

    def implied(self, r: PropertyResult, proved: list[Prop], clock: Clock) -> PropertyResult:
        return self._assumed(r, 0, proved)

    def assuming(self, p: Prop, r: PropertyResult, proved: list[Prop], clock: Clock):
        # its own budget, not what k = 0 left of ``clock``
        (what, k, _info), _st = prove(self.enc, p, self.options.max_k, Clock.of(self.options),
                                      self.options.seed, None, tuple(proved), assume_last=True)
        return self._assumed(r, k, proved) if what == "holds" else None

    @staticmethod
    def _assumed(r: PropertyResult, k: int, proved: list[Prop]) -> PropertyResult:
        names = tuple(a.name for a in proved)
        how = "k = 0: implied by the proved invariants" if k == 0 else f"k = {k}, assuming the proved invariants"
        return replace(r, verdict=Verdict.HOLDS, trace=None, depth=k, method=f"k-induction, {how}",
                       detail=f"proved for every reachable state; the step case assumes the invariants "
                              f"{', '.join(names)}, all proved before",
                       evidence=ev.Induction(k, assumed=names))

    def temporal(self, p: Prop, props: list[Prop], out: list, proved: list[Prop], consts: dict):
        from .product_proofs import kind_temporal  # imported only when needed: networkx is slow to import
        return kind_temporal(self.enc, p, self.options, proved, consts, self.progress)
