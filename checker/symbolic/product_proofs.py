"""Temporal properties in k-induction and PDR, through the liveness-to-safety
product (l2s.py).

Both engines prove "the product has no reachable bad state", which means no
fair lasso violates the property: a proof for every behaviour, not a bound.
Counterexamples come from the bounded lasso search (lasso_search.py), so every
engine shows the same shortest lasso; when an engine knows a violation
exists but the lasso search runs out of budget, the verdict is unknown.

Invariants the engine has already proved are assumed in the product, of
both the state and its copy (sound: both are reachable spec states).
"""
from __future__ import annotations

import z3

from .. import evidence as ev
from .. import ir
from ..options import Options
from ..results import INVARIANT, PropertyResult, Verdict
from . import bitblast, decode, horn_clauses, lasso_search
from .common import Clock, Prop, with_consts
from .encode import Encoder, Unsupported, mk_and, mk_not
from .induction import StepCase
from .l2s import Product
from .outcome import gave_up
from .reductions import Reduced, cone_of_influence, liveness_to_safety
from .spacer import TRACE_DEPTH_LIMIT, solve_horn, validate

PRODUCT = "the liveness-to-safety product"


def product_prop(prod: Product, p: Prop) -> Prop:
    return Prop(p.name, INVARIANT, prod.bad, mk_not(prod.bad), line=p.line, doc=p.doc, decl=p.decl)


def _violated(p: Prop, found, engine: str, clock: Clock, consts: dict, evidence, shortest: bool = True) -> PropertyResult:
    trace, detail, cs = found
    trace.consts = dict(cs)
    for c, v in cs.items():
        consts.setdefault(c, v)
    n = len(trace.steps)
    states = f"{n} state{'s' if n != 1 else ''}"
    how = (f"trace by the bounded lasso search (shortest fair lasso, {states}" if shortest else
           f"Spacer's own path, replayed by Z3 (a fair lasso of {states}, not necessarily the shortest")
    return PropertyResult(
        p.name, p.kind, Verdict.VIOLATED,
        f"{engine}; {how}; {lasso_search.STUTTER_NOTE})",
        trace=trace, detail=with_consts(detail, cs), depth=len(trace),
        line=p.line, doc=p.doc, seconds=clock.elapsed(), evidence=evidence)


def _unknown(p: Prop, method: str, detail: str, clock: Clock, evidence, depth: int | None = None) -> PropertyResult:
    return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, method, detail=detail, depth=depth,
                          line=p.line, doc=p.doc, seconds=clock.elapsed(), evidence=evidence)


def kind_temporal(enc: Encoder, p: Prop, options: Options, proved: list, consts: dict,
                  progress=None) -> PropertyResult:
    """k-induction on the product for k = 1..max_k.  Base case: no fair
    violating lasso of at most k states (the lasso search; it covers every
    bad product state within k - 1 steps).  Step case: k consecutive good
    product states, pairwise distinct, are followed by a good one."""
    clock = Clock.of(options)
    try:
        prod, did = liveness_to_safety(enc, p.decl, [a.good for a in proved], options.seed, clock)
        pp = product_prop(prod, p)
        assume = tuple(Prop(a.name, INVARIANT, None, prod.lift(a.good)) for a in proved)
        lasso = lasso_search.Lasso(enc, p, options.seed)
        step = StepCase(prod, pp, options.seed, assume)
    except Unsupported as e:
        return PropertyResult(p.name, p.kind, Verdict.ERROR, "k-induction", detail=str(e),
                              line=p.line, doc=p.doc, evidence=ev.NotChecked("kind", ev.NOT_ENCODABLE, str(e)))
    for k in range(1, options.max_k + 1):
        if clock.expired():
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            clock.stop_words(), clock, gave_up("kind", clock, depth=k - 1), k - 1)
        r = lasso.check(k, clock)
        if r == "unknown":
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            f"the solver returned unknown in the base case: {clock.why_unknown(lasso.solver)}",
                            clock, gave_up("kind", clock, lasso.solver, k - 1), k - 1)
        if r is not None:
            return _violated(p, r, f"k-induction base case on {PRODUCT}", clock, consts,
                             ev.Bounded(len(r[0]), lasso=True))
        res, _m = step.check(k, clock)
        if res == z3.unsat:
            return PropertyResult(
                p.name, p.kind, Verdict.HOLDS, f"k-induction on {PRODUCT}, k = {k}",
                detail=f"proved for every behaviour: no fair lasso violates it"
                       + (f" ({_fixed_words(did)})" if did.frozen else "")
                       + f"; {ir.fairness_words(enc.spec)}" + _assumed(proved),
                depth=k, line=p.line, doc=p.doc, seconds=clock.elapsed(),
                evidence=ev.Induction(k, assumed=tuple(a.name for a in proved), on_product=True,
                                      frozen=did.frozen))
        if res == z3.unknown:
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            f"the solver returned unknown in the step case: {clock.why_unknown(step.solver)}",
                            clock, gave_up("kind", clock, step.solver, k - 1), k - 1)
        if progress:
            progress(k, p.name)
    return _unknown(p, f"k-induction on {PRODUCT}, not proved up to k = {options.max_k}",
                    f"no violating lasso of at most {options.max_k} states, and the step case "
                    f"fails at every k up to {options.max_k} (not a proof)", clock,
                    ev.Induction(options.max_k, assumed=tuple(a.name for a in proved), on_product=True,
                                 frozen=did.frozen, failed="step"), options.max_k)


def pdr_temporal(enc: Encoder, p: Prop, options: Options, proved: list, consts: dict,
                 progress=None, typeok_proved=lambda: "") -> PropertyResult:
    """Spacer on the product: an inductive invariant of the product that
    excludes every bad state proves the property."""
    clock = Clock.of(options)
    method = f"PDR (Spacer) on {PRODUCT}"
    try:
        prod = Product(enc, p.decl)
        assume = mk_and([prod.lift(a.good) for a in proved]) if proved else None
        # the proof runs on the product of the property's cone of influence
        # when that is sound (reductions.py), over Boolean coordinates (bitblast.py),
        # with the leaves no violating loop can change held fixed on the loop
        # (frozen.py); a violation is always traced in the whole product
        cone, did = cone_of_influence(enc, p, proved, typeok_proved, options.seed, clock)
        penc, goods, used = (cone.system, cone.goods, cone.used) if cone else (enc, [a.good for a in proved], proved)
        small, did = liveness_to_safety(penc, p.decl, goods, options.seed, clock, did)
        small_assume = mk_and([small.lift(g) for g in goods]) if goods else None
        spp = product_prop(small, p)
        s, r, I, bits = _spacer(small, spp, options.seed, clock, small_assume)
        did = did.solved(bits)
    except Unsupported as e:
        return PropertyResult(p.name, p.kind, Verdict.ERROR, "PDR (Spacer)", detail=str(e),
                              line=p.line, doc=p.doc, evidence=ev.NotChecked("pdr", ev.NOT_ENCODABLE, str(e)))
    if r == z3.sat:
        bad = validate(small, spp, I, options.seed, clock, small_assume)
        if bad is not None:
            why = f"Spacer's invariant failed validation: {bad}"
            return _unknown(p, f"{method}, not proved", why, clock, gave_up("pdr", clock, reason=why))
        how = [f"{PRODUCT} over Boolean coordinates" if did.bit_level else PRODUCT]
        if did.dropped:
            how.append("without the variables the property cannot see (" + ", ".join(did.dropped)
                       + f"; sound because {did.why_dropped})")
        if did.frozen:
            how.append(_fixed_words(did))
        return PropertyResult(
            p.name, p.kind, Verdict.HOLDS, method,
            detail=f"proved for every behaviour: no fair lasso violates it (Spacer's inductive "
                   f"invariant of {' '.join(how)}, re-checked); {ir.fairness_words(enc.spec)}"
                   + _assumed(used),
            line=p.line, doc=p.doc, seconds=clock.elapsed(),
            evidence=ev.Pdr(cone=did.kept, frozen=did.frozen, bit_level=did.bit_level, on_product=did.on_product,
                            cone_sound=did.cone_sound if did.kept is not None else "",
                            assumed=tuple(a.name for a in used)))
    if r == z3.unknown:
        return _unknown(p, f"{method}, not proved", f"Spacer returned unknown ({clock.why_unknown(s)})", clock,
                        gave_up("pdr", clock, s))
    found, why_not = spacer_lasso(prod, p, options.seed, clock, assume)
    if found is not None:
        return _violated(p, found, method, clock, consts, ev.Pdr(on_product=True, path="spacer"), shortest=False)
    found, reached, why, _ = lasso_search.search(enc, p, TRACE_DEPTH_LIMIT, clock, options.seed, progress)
    if found is None:
        why = (f"Spacer reports a violation, but its path was unusable ({why_not}) and the "
               f"lasso search found no trace ({why or 'depth limit'}) up to depth {reached}")
        return _unknown(p, f"{method}, not proved", why, clock,
                        gave_up("pdr", clock, reason=why, depth=max(reached, 0)), max(reached, 0))
    return _violated(p, found, method, clock, consts, ev.Pdr(on_product=True, path="bmc"))


def _spacer(prod: Product, pp: Prop, seed: int, clock: Clock, assume):
    """Spacer on the product: first over Boolean coordinates (bitblast.py;
    proofs over enums and flags converge sooner), then, if that is unknown,
    over the integer leaves (it found some violations the bit-level run did
    not within the same resource limit).  Under a time budget the first try
    gets two thirds of it.  -> (solver, result, invariant over ``prod.cur``
    or None, whether the answer came from the bit-level run)."""
    try:
        first = clock if clock.timeout is None else clock.share(clock.remaining_ms() / 1500)
        s, r, I = bitblast.solve(prod, pp.bad, horn_clauses.spacer_params(seed), first, assume)
        if r != z3.unknown:
            return s, r, I, True
    except bitblast.Unbounded:
        pass
    s, r, inv, cs, cur = solve_horn(prod, pp, seed, clock, assume)
    return s, r, (s.model().eval(inv(*cs, *cur)) if r == z3.sat else None), False


def _fixed_words(did: Reduced) -> str:
    names = ", ".join(did.frozen)
    return f"with {names} held fixed on the loop (no violating loop can change them)"


def spacer_lasso(prod: Product, p: Prop, seed: int, clock: Clock, assume=None):
    """The lasso of Spacer's own path to a bad product state, replayed by Z3
    through the product's transition relation (horn_clauses).  -> ((trace,
    detail, consts), "") or (None, why not).  Not necessarily the shortest."""
    path, why = horn_clauses.ground_path(prod, prod.bad, seed, clock, assume)
    if path is None:
        return None, why
    m, u = horn_clauses.replay_model(prod, path, prod.bad, seed, clock)
    if m is None:
        return None, u
    n = path.steps

    def true_at(f, t: int) -> bool:
        return z3.is_true(m.eval(u.sub_state(f, t), model_completion=True))

    t = prod.t
    stuck = not true_at(prod.closed, n)
    if stuck:
        trace, loop = decode.path_trace(m, u, n), n      # the last state stutters forever
    else:
        # the loop starts where the copy was saved; state n equals it again
        loop = next((i for i in range(n) if true_at(prod.cur.bits["saved"], i + 1)), None)
        if loop is None:
            return None, "Spacer's path closes no loop"
        trace = decode.path_trace(m, u, n - 1)
    trace.loop_start = loop
    last = len(trace.steps) - 1
    frm = 0
    if t.kind == "leads_to":
        ps = [true_at(prod.p, i) for i in range(last + 1)]
        qs = [true_at(prod.q, i) for i in range(last + 1)]
        frm = next((i for i in range(last + 1)
                    if ps[i] and not any(qs[j] for j in range(min(i, loop), last + 1))), None)
        if frm is None:
            return None, "Spacer's lasso has no state where the promise is pending"
    cs = decode.consts(m, prod.base)
    return (trace, lasso_search.describe(prod.base, t, trace, loop, stuck, frm), cs), ""


def _assumed(proved: list) -> str:
    if not proved:
        return ""
    return "; assumes the invariants " + ", ".join(a.name for a in proved) + ", proved first"
