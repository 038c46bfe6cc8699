"""Temporal properties in k-induction and PDR, through the liveness-to-safety
product (l2s.py).

Both engines prove "the product has no reachable bad state", which means no
fair lasso violates the property: a proof for every behaviour, not a bound.
Counterexamples come from the bounded lasso search (temporal.py), so every
engine shows the same shortest lasso; when an engine knows a violation
exists but the lasso search runs out of budget, the verdict is unknown.

Invariants the engine has already proved are assumed in the product, of
both the state and its copy (sound: both are reachable spec states).
"""
from __future__ import annotations

import z3

from .. import ir
from ..options import Options
from ..results import INVARIANT, PropertyResult, Verdict
from . import bitblast, coi, decode, spacer_path, temporal
from .common import Clock, Prop, build_props, new_solver, with_consts
from .encode import Encoder, Unsupported, mk_and, mk_not
from .frozen import frozen_leaves
from .kind import StepCase
from .l2s import Product

PRODUCT = "the liveness-to-safety product"


def product_prop(prod: Product, p: Prop) -> Prop:
    return Prop(p.name, INVARIANT, prod.bad, mk_not(prod.bad), line=p.line, doc=p.doc, decl=p.decl)


def _violated(p: Prop, found, engine: str, clock: Clock, consts: dict, shortest: bool = True) -> PropertyResult:
    trace, detail, cs = found
    for c, v in cs.items():
        consts.setdefault(c, v)
    n = len(trace.steps)
    states = f"{n} state{'s' if n != 1 else ''}"
    how = (f"trace by the bounded lasso search (shortest fair lasso, {states}" if shortest else
           f"Spacer's own path, replayed by Z3 (a fair lasso of {states}, not necessarily the shortest")
    return PropertyResult(
        p.name, p.kind, Verdict.VIOLATED,
        f"{engine}; {how}; {temporal.STUTTER_NOTE})",
        trace=trace, detail=with_consts(detail, cs), depth=len(trace),
        line=p.line, doc=p.doc, seconds=clock.elapsed())


def _unknown(p: Prop, method: str, detail: str, clock: Clock, depth: int | None = None) -> PropertyResult:
    return PropertyResult(p.name, p.kind, Verdict.UNKNOWN, method, detail=detail, depth=depth,
                          line=p.line, doc=p.doc, seconds=clock.elapsed())


def kind_temporal(enc: Encoder, p: Prop, options: Options, proved: list, consts: dict,
                  progress=None) -> PropertyResult:
    """k-induction on the product for k = 1..max_k.  Base case: no fair
    violating lasso of at most k states (the lasso search; it covers every
    bad product state within k - 1 steps).  Step case: k consecutive good
    product states, pairwise distinct, are followed by a good one."""
    clock = Clock.of(options)
    try:
        fixed = frozen_leaves(enc, p.decl, [a.good for a in proved], options.seed, _share(clock, 10))
        prod = Product(enc, p.decl, fixed)
        pp = product_prop(prod, p)
        assume = tuple(Prop(a.name, INVARIANT, None, prod.lift(a.good)) for a in proved)
        lasso = temporal.Lasso(enc, p, options.seed)
        step = StepCase(prod, pp, options.seed, assume)
    except Unsupported as e:
        return PropertyResult(p.name, p.kind, Verdict.ERROR, "k-induction", detail=str(e),
                              line=p.line, doc=p.doc)
    for k in range(1, options.max_k + 1):
        if clock.expired():
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            clock.stop_words(), clock, k - 1)
        r = lasso.check(k, clock)
        if r == "unknown":
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            f"the solver returned unknown in the base case: {clock.why_unknown(lasso.solver)}",
                            clock, k - 1)
        if r is not None:
            return _violated(p, r, f"k-induction base case on {PRODUCT}", clock, consts)
        res, _m = step.check(k, clock)
        if res == z3.unsat:
            return PropertyResult(
                p.name, p.kind, Verdict.HOLDS, f"k-induction on {PRODUCT}, k = {k}",
                detail=f"proved for every behaviour: no fair lasso violates it"
                       + (f" ({_fixed_words(prod)})" if fixed else "")
                       + f"; {ir.fairness_words(enc.spec)}" + _assumed(proved),
                depth=k, line=p.line, doc=p.doc, seconds=clock.elapsed())
        if res == z3.unknown:
            return _unknown(p, f"k-induction on {PRODUCT}, not proved (stopped at k = {k})",
                            f"the solver returned unknown in the step case: {clock.why_unknown(step.solver)}",
                            clock, k - 1)
        if progress:
            progress(k, p.name)
    return _unknown(p, f"k-induction on {PRODUCT}, not proved up to k = {options.max_k}",
                    f"no violating lasso of at most {options.max_k} states, and the step case "
                    f"fails at every k up to {options.max_k} (not a proof)", clock, options.max_k)


def pdr_temporal(enc: Encoder, p: Prop, options: Options, proved: list, consts: dict,
                 progress=None, typeok_proved=lambda: "") -> PropertyResult:
    """Spacer on the product: an inductive invariant of the product that
    excludes every bad state proves the property."""
    from .pdr import TRACE_DEPTH_LIMIT, _validate

    clock = Clock.of(options)
    method = f"PDR (Spacer) on {PRODUCT}"
    try:
        prod = Product(enc, p.decl)
        assume = mk_and([prod.lift(a.good) for a in proved]) if proved else None
        # the proof runs on the product of the property's cone of influence
        # when that is sound (_cone), over Boolean coordinates (bitblast.py),
        # with the leaves no violating loop can change held fixed on the loop
        # (frozen.py); a violation is always traced in the whole product
        cone = _cone(enc, p, proved, typeok_proved, options.seed, clock)
        penc, goods, dropped, why, used = cone or (enc, [a.good for a in proved], (), "", proved)
        fixed = frozen_leaves(penc, p.decl, goods, options.seed, _share(clock, 10))
        small = Product(penc, p.decl, fixed)
        small_assume = mk_and([small.lift(g) for g in goods]) if goods else None
        spp = product_prop(small, p)
        s, r, I, bits = _spacer(small, spp, options.seed, clock, small_assume)
    except Unsupported as e:
        return PropertyResult(p.name, p.kind, Verdict.ERROR, "PDR (Spacer)", detail=str(e),
                              line=p.line, doc=p.doc)
    if r == z3.sat:
        bad = _validate(small, spp, I, options.seed, clock, small_assume)
        if bad is not None:
            return _unknown(p, f"{method}, not proved", f"Spacer's invariant failed validation: {bad}", clock)
        how = [f"{PRODUCT} over Boolean coordinates" if bits else PRODUCT]
        if dropped:
            how.append("without the variables the property cannot see (" + ", ".join(dropped)
                       + f"; sound because {why})")
        if fixed:
            how.append(_fixed_words(small))
        return PropertyResult(
            p.name, p.kind, Verdict.HOLDS, method,
            detail=f"proved for every behaviour: no fair lasso violates it (Spacer's inductive "
                   f"invariant of {' '.join(how)}, re-checked); {ir.fairness_words(enc.spec)}"
                   + _assumed(used),
            line=p.line, doc=p.doc, seconds=clock.elapsed())
    if r == z3.unknown:
        return _unknown(p, f"{method}, not proved", f"Spacer returned unknown ({clock.why_unknown(s)})", clock)
    found, why_not = spacer_lasso(prod, p, options.seed, clock, assume)
    if found is not None:
        return _violated(p, found, method, clock, consts, shortest=False)
    found, reached, why, _ = temporal.search(enc, p, TRACE_DEPTH_LIMIT, clock, options.seed, progress)
    if found is None:
        return _unknown(p, f"{method}, not proved",
                        f"Spacer reports a violation, but its path was unusable ({why_not}) and the "
                        f"lasso search found no trace ({why or 'depth limit'}) up to depth {reached}",
                        clock, max(reached, 0))
    return _violated(p, found, method, clock, consts)


def _spacer(prod: Product, pp: Prop, seed: int, clock: Clock, assume):
    """Spacer on the product: first over Boolean coordinates (bitblast.py;
    proofs over enums and flags converge sooner), then, if that is unknown,
    over the integer leaves (it found some violations the bit-level run did
    not within the same resource limit).  Under a time budget the first try
    gets two thirds of it.  -> (solver, result, invariant over ``prod.cur``
    or None, whether the answer came from the bit-level run)."""
    from .pdr import _horn

    try:
        first = clock if clock.timeout is None else clock.share(clock.remaining_ms() / 1500)
        s, r, I = bitblast.solve(prod, pp.bad, spacer_path.spacer_params(seed), first, assume)
        if r != z3.unknown:
            return s, r, I, True
    except bitblast.Unbounded:
        pass
    s, r, inv, cs, cur = _horn(prod, pp, seed, clock, assume)
    return s, r, (s.model().eval(inv(*cs, *cur)) if r == z3.sat else None), False


def _share(clock: Clock, n: int) -> Clock:
    """A clock for a preliminary step: 1/n of what is left of a time budget,
    the same resource limit per query."""
    return clock if clock.timeout is None else clock.share(clock.remaining_ms() / (1000 * n))


def _fixed_words(prod: Product) -> str:
    names = ", ".join(str(prod.base.cur.leaves[i].term) for i in prod.frozen)
    return f"with {names} held fixed on the loop (no violating loop can change them)"


def _cone(enc: Encoder, p: Prop, proved: list, typeok_proved, seed: int, clock: Clock):
    """(encoder to prove on, its assumptions over its state, dropped
    variables, why dropping them is sound, invariants assumed): the cone
    of influence (coi.py) when it drops something and either every step of
    the cone is a step of the spec (``_cone_is_exact``), or typeok is
    proved (``typeok_proved()``: how, or "" when it is not; asked only
    then), or, failing both, the cone that keeps one more variable is
    exact; else None (the caller proves on the whole product)."""
    spec, dropped = coi.reduce(enc.spec, p.decl)
    why = ""
    if dropped:
        small = Encoder(spec, poll=enc.poll)
        # the exactness checks may take a third of a time budget in all
        clock = _share(clock, 3)
        if _cone_is_exact(enc, small, seed, clock):
            why = "no update of them can err"
        elif how := typeok_proved():
            # the whole cone rather than an exact one that keeps more: it is
            # smaller (tracing's requests_finish: proved in 22 s with `pos`
            # dropped, unknown after 300 s with it kept)
            why = f"typeok is proved ({how})"
        else:
            found = _exact_cone_keeping_one(enc, p.decl, dropped, seed, clock)
            if found is not None:
                spec, small, dropped = found
                why = "no update of them can err"
    if not why:
        return None
    keep = {i.name: i for i in spec.invariants}
    used = [a for a in proved if a.name in keep]
    props = build_props(small, [(a.name, INVARIANT, keep[a.name]) for a in used])
    return small, [a.good for a in props], dropped, why, used


def _exact_cone_keeping_one(enc: Encoder, t: ir.Temporal, dropped: tuple, seed: int, clock: Clock):
    """The exact cone that drops the most when one more variable is kept
    (say, a stack whose push can overflow, with what it reads), or None."""
    best = None
    for v in dropped:
        spec, rest = coi.reduce(enc.spec, t, {v})
        if rest and (best is None or len(rest) > len(best[2])):
            small = Encoder(spec, poll=enc.poll)
            if _cone_is_exact(enc, small, seed, clock):
                best = (spec, small, rest)
    return best


def _cone_is_exact(enc: Encoder, small: Encoder, seed: int, clock: Clock) -> bool:
    """Does every action take a step in the cone exactly when it takes one in
    the spec, from every typed state?  The cone's steps drop the updates of
    the dropped variables; if none of those can err, the two agree (the
    step's guard and the kept updates are the same formulas over the same
    Z3 constants: the encoders name leaves and step variables alike)."""
    for full, part in zip(enc.actions, small.actions):
        if z3.eq(full.ok, part.ok):
            continue
        s = new_solver(seed)
        s.add(enc.const_axiom, enc.state_inv(enc.cur), part.dom, part.ok, mk_not(full.ok))
        clock.arm(s)
        if s.check() != z3.unsat:
            return False
    return True


def spacer_lasso(prod: Product, p: Prop, seed: int, clock: Clock, assume=None):
    """The lasso of Spacer's own path to a bad product state, replayed by Z3
    through the product's transition relation (spacer_path).  -> ((trace,
    detail, consts), "") or (None, why not).  Not necessarily the shortest."""
    path, why = spacer_path.ground_path(prod, prod.bad, seed, clock, assume)
    if path is None:
        return None, why
    m, u = spacer_path.replay_model(prod, path, prod.bad, seed, clock)
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
    return (trace, temporal.describe(prod.base, t, trace, loop, stuck, frm), cs), ""


def _assumed(proved: list) -> str:
    if not proved:
        return ""
    return "; assumes the invariants " + ", ".join(a.name for a in proved) + ", proved first"
