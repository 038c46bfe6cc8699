"""PDR / IC3 through Z3's Spacer engine on constrained Horn clauses.

One uninterpreted predicate ``Inv(consts, state)`` over the symbolic
constants and the state leaves:

    const_axiom and Init(s)              -> Inv(c, s)
    Inv(c, s) and T(s, s')               -> Inv(c, s')
    Inv(c, s) and Bad(s)                 -> false

``sat`` means an interpretation of Inv exists: a safe inductive invariant.
That interpretation is re-checked with plain SMT queries before it is
reported; a solver ``unknown`` is never reported as proved.

``unsat`` means a counterexample exists.  Spacer is asked again through the
Fixedpoint API for its own path (spacer_path.py), which Z3 replays through
the transition relation; that trace is not necessarily the shortest.  If
the path is unusable, bmc finds the shortest trace instead.
"""
from __future__ import annotations

import functools
import time
from dataclasses import replace

import z3

from .. import ir
from ..options import Options
from ..results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK, PropertyResult, Stats, Verdict
from . import decode, spacer_path
from .bmc import BMC, search
from .common import (halted, halted_result, unless_halted, stopped_result, prepare, build_props, Clock, Progressor, Prop, new_solver, reach_result, result,
                     solver_stats)
from .encode import Encoder, Unsupported, mk_and, mk_not
from .kind import implied, prove_jointly

# how deep the re-run of bmc may go to produce a concrete trace after Spacer
# reports that the property is violated and its own path is unusable
TRACE_DEPTH_LIMIT = 10_000


def _horn(enc: Encoder, p: Prop, seed: int, clock: Clock, assume=None):
    """Spacer on p's Horn clauses (spacer_path.clauses, head ``false``).
    ``assume``: invariants already proved, over the current state; only
    states satisfying them are stepped from (sound: the others are
    unreachable)."""
    cur = enc.cur.terms()
    cs = [t for _, t in enc.sym_consts]
    inv = spacer_path.inv_relation(enc, f"Inv_{p.name}")
    s = z3.SolverFor("HORN")
    s.set("engine", "spacer")
    for k, v in spacer_path.spacer_params(seed):
        try:
            s.set(f"fp.{k}", v)
        except z3.Z3Exception:
            pass
    s.add(*spacer_path.clauses(enc, p.bad, inv, z3.BoolVal(False), assume))
    clock.arm(s)
    r = s.check()
    return s, r, inv, cs, cur


def _validate(enc: Encoder, p: Prop, I, seed: int, clock: Clock, assume=None) -> str | None:
    """None if I (with the declared types, and the proved invariants ``assume``)
    is a safe inductive invariant; else which obligation failed."""
    assume = z3.BoolVal(True) if assume is None else assume
    init, _ = enc.init(enc.cur)
    I_next = z3.substitute(I, *zip(enc.cur.terms(), enc.nxt.terms()))
    typed = enc.state_inv(enc.cur)
    checks = [
        ("initiation", mk_and([enc.const_axiom, init, typed, mk_not(I)])),
        ("consecution", mk_and([enc.const_axiom, typed, assume, I, enc.trans, mk_not(I_next)])),
        ("safety", mk_and([enc.const_axiom, typed, assume, I, p.bad])),
    ]
    for name, f in checks:
        s = new_solver(seed)
        s.add(f)
        clock.arm(s)
        r = s.check()
        if r != z3.unsat:
            return f"{name} ({clock.why_unknown(s) if r == z3.unknown else r})"
    return None


def _conjuncts(f) -> list:
    out, stack = [], [f]
    while stack:
        x = stack.pop()
        if z3.is_and(x):
            stack.extend(reversed([x.arg(i) for i in range(x.num_args())]))
        else:
            out.append(x)
    return out


def _generalize(enc: Encoder, p: Prop, I, seed: int, clock: Clock, limit: int = 24, assume=None):
    """A shorter invariant that still validates: ``true`` if the declared
    types alone suffice, else drop lemmas greedily (bounded effort)."""
    if _validate(enc, p, z3.BoolVal(True), seed, clock, assume) is None:
        return z3.BoolVal(True)
    lemmas = _conjuncts(I)
    if len(lemmas) > limit:
        return I
    i = 0
    while i < len(lemmas) and len(lemmas) > 1 and not clock.expired():
        trial = lemmas[:i] + lemmas[i + 1:]
        if _validate(enc, p, mk_and(trial), seed, clock, assume) is None:
            lemmas = trial
        else:
            i += 1
    return mk_and(lemmas)


def _readable(I, enc: Encoder, clock: Clock | None = None, cap_ms: int = 2000) -> z3.ExprRef:
    """Try to make Spacer's invariant shorter before printing it (bounded:
    ``qe`` on a quantified invariant can run for minutes)."""
    steps = ["simplify", "propagate-values", "ctx-simplify"]
    quantified = _has_quantifier(I)
    if quantified:
        steps = ["qe", "simplify", "propagate-values", "ctx-solver-simplify", "simplify"]
    if clock is not None and not clock.bounded() and clock.rlimit:
        # resource-limited runs must print the same invariant under any load,
        # so no wall-clock cap here; tactics ignore rlimit, so the unbounded
        # ones (qe, ctx-solver-simplify) are skipped and the rest are
        # rewriting passes that terminate
        if quantified:
            return I
        try:
            r = z3.Then(*steps)(_goal(I))
            return r[0].as_expr() if len(r) == 1 else I
        except z3.Z3Exception:
            return I
    ms = cap_ms
    if clock is not None and clock.remaining_ms() is not None:
        ms = min(ms, clock.remaining_ms())
    try:
        g = z3.Goal()
        g.add(I)
        r = z3.TryFor(z3.Then(*steps), max(1, ms))(g)
        if len(r) == 1:
            return r[0].as_expr()
    except z3.Z3Exception:
        pass
    return I


def _goal(f) -> z3.Goal:
    g = z3.Goal()
    g.add(f)
    return g


def _has_quantifier(f) -> bool:
    seen, stack = set(), [f]
    while stack:
        x = stack.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if z3.is_quantifier(x):
            return True
        if z3.is_app(x):
            stack.extend(x.arg(i) for i in range(x.num_args()))
    return False


def prove(enc: Encoder, p: Prop, options: Options, clock: Clock, progress=None, assume=None,
          ground_path=spacer_path.ground_path):
    """-> (what, info, stats): ("holds", invariant text), ("violated", Found)
    or ("unknown", why).  ``assume``: invariants already proved (a formula
    over the current state).  ``ground_path``: how Spacer's own path to the
    violation is obtained (a parameter so that tests can hand in an
    unusable one and see the fallback to bmc)."""
    if clock.stopped():     # the run was stopped: no Horn clauses
        return "unknown", clock.stop_words(), {}
    # an erroneous initial state is a typeok violation that Inv cannot see
    if p.extra_step:
        found, _, why, _ = search(enc, p, 0, clock, options.seed)
        if found is not None:
            return "violated", found, {}
    s, r, inv, cs, cur = _horn(enc, p, options.seed, clock, assume)
    st = solver_stats(s)
    if r == z3.sat:
        I = s.model().eval(inv(*cs, *cur))
        bad = _validate(enc, p, I, options.seed, clock, assume)
        if bad is not None:
            return "unknown", f"Spacer's invariant failed validation: {bad}", st
        I = _readable(I, enc, clock)
        I2 = _generalize(enc, p, I, options.seed, clock, assume=assume)
        try:
            text = decode.show_lemma(I2, enc, enc.cur)
        except ValueError:
            try:
                text = decode.show_lemma(I, enc, enc.cur)
            except ValueError as e:
                text = f"<not expressible in spec syntax: {e}>"
        return "holds", text, st
    if r == z3.unknown:
        return "unknown", clock.unknown_words(s, "Spacer returned unknown"), st
    # unsat: a counterexample exists.  Spacer's own path, checked against
    # the transition relation; if it is unusable, bmc finds the shortest one
    found, unusable = _spacer_trace(enc, p, options.seed, clock, assume, ground_path)
    if found is not None:
        return "violated", found, st
    found, reached, why, _ = search(enc, p, TRACE_DEPTH_LIMIT, clock, options.seed, progress)
    if found is None:
        return "unknown", (f"Spacer reports a violation, but no trace was found "
                           f"({why or 'depth limit'}) up to depth {reached}; "
                           f"Spacer's own path: {unusable}"), st
    found.unused_spacer_path = unusable
    return "violated", found, st


def _spacer_trace(enc: Encoder, p: Prop, seed: int, clock: Clock, assume, ground_path):
    """(Found, "") from Spacer's path, replayed by Z3 through exactly its
    states (init, declared types, each step in the transition relation, bad
    at the end), or (None, why it is unusable)."""
    path, why = ground_path(enc, p.bad, seed, clock, assume)
    if path is None:
        return None, why
    b = BMC(enc, p, seed)
    found = b.check(path.steps + p.extra_step, clock, spacer_path.pins(enc, b.u, path))
    if found == "unknown":
        return None, f"its replay was unknown ({clock.why_unknown(b.solver)})"
    if found is None:
        return None, "it is not a path of the transition relation to a bad state"
    found.shortest = False
    return found, ""


def check(spec: ir.Spec, options: Options):
    start = time.monotonic()
    enc, props, failed = prepare(spec, options, "pdr", start)
    if failed is not None:
        return failed
    progress = Progressor(options, start)
    out, consts, extra, deepest = [], {}, {}, 0
    for p in props:
        clock = Clock.of(options)
        if p.kind != PROPERTY and clock.stopped():   # the run was stopped: no more encoding
            out.append(stopped_result(p, "PDR (Spacer)", options))
            continue
        if p.kind == PROPERTY:
            out.append(None)  # after the invariants: their proofs are assumed
            continue
        try:
            what, info, st = prove(enc, p, options, clock, progress)
        except Unsupported as e:
            out.append(PropertyResult(p.name, p.kind, Verdict.ERROR, "PDR (Spacer)",
                                      detail=str(e), line=p.line, doc=p.doc))
            continue
        except z3.Z3Exception as e:   # stopped inside Z3 (Spacer, a tactic): the others keep theirs
            if not halted(e, options):
                raise
            out.append(halted_result(p, "PDR (Spacer)", options, clock.elapsed()))
            continue
        extra[p.name] = st
        common = dict(line=p.line, doc=p.doc, seconds=clock.elapsed())
        if p.kind == REACHABLE and what in ("holds", "violated"):
            out.append(reach_result(p, what, info, "PDR (Spacer)", **common))
            if what == "holds":
                out[-1].found_invariant = info
            else:
                deepest = max(deepest, info.depth)
        elif what == "holds":
            out.append(PropertyResult(p.name, p.kind, Verdict.HOLDS, "PDR (Spacer)",
                                      detail="proved for every reachable state"
                                      + (" and every value of the symbolic constants" if enc.sym_consts else ""),
                                      found_invariant=info, **common))
        elif what == "violated":
            deepest = max(deepest, info.depth)
            for c, v in info.consts.items():
                consts.setdefault(c, v)
            out.append(PropertyResult(p.name, p.kind, Verdict.VIOLATED, _trace_method(info),
                                      trace=info.trace, detail=info.detail, depth=info.depth, **common))
        else:
            out.append(PropertyResult(p.name, p.kind, Verdict.UNKNOWN, "PDR (Spacer), not proved",
                                      detail=info, **common))
    unless_halted(lambda: _retry_assuming_proved(enc, props, out, options), options, None)
    proved = [p for p, r in zip(props, out) if p.kind == INVARIANT and r.verdict is Verdict.HOLDS]

    @functools.cache
    def typeok() -> str:   # asked only when a cone of influence needs it
        return _typeok_proved(enc, props, out, proved, options)

    for i, p in enumerate(props):
        if p.kind == PROPERTY:
            out[i] = stopped_result(p, "PDR (Spacer)", options)
            if out[i] is not None:
                continue
            from .l2s_check import pdr_temporal  # imported only when needed: networkx is slow to import
            out[i] = unless_halted(lambda: pdr_temporal(enc, p, options, proved, consts, progress, typeok),
                                   options, None) or halted_result(p, "PDR (Spacer)", options)
            deepest = max(deepest, out[i].depth or 0)
    stats = Stats(depth=deepest, seconds=time.monotonic() - start, extra={"solver": extra})
    return result(spec, "pdr", out, stats, consts)


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


def _retry_assuming_proved(enc: Encoder, props: list, out: list, options: Options) -> None:
    """Invariants PDR could not prove alone get a second try in which only
    states satisfying the invariants already proved are stepped from.  Sound:
    those are proved independently (first pass), so no state they exclude
    is reachable.  Then typeok and deadlock, if still unknown, get the same
    try assuming every invariant proved so far (first pass or second: each
    of those holds in every reachable state, and typeok and deadlock are
    never assumed themselves).  Before Spacer is asked, the cheaper check
    of kind.implied: induction with k = 0 from those invariants (one state
    and one step, no invariant to find)."""
    by_name = {r.name: i for i, r in enumerate(out) if r is not None}

    def proved_invariants() -> list:
        return [p for p in props if p.kind == INVARIANT and out[by_name[p.name]].verdict is Verdict.HOLDS]

    for kinds in ((INVARIANT,), (TYPEOK, DEADLOCK)):
        proved = proved_invariants()
        if not proved:
            return
        assume = mk_and([p.good for p in proved])
        names = ", ".join(p.name for p in proved)
        for p in props:
            i = by_name.get(p.name)
            if p.kind not in kinds or i is None or out[i].verdict is not Verdict.UNKNOWN:
                continue
            clock = Clock.of(options)
            if p.kind != INVARIANT and implied(enc, p, tuple(proved), clock, options.seed):
                out[i] = replace(out[i], verdict=Verdict.HOLDS,
                                 method="PDR (Spacer) for the invariants, then induction with k = 0",
                                 detail=f"every state satisfying the invariants {names} (proved by PDR above) "
                                        "satisfies it, so every reachable state does",
                                 seconds=out[i].seconds + clock.elapsed())
                continue
            what, info, st = prove(enc, p, options, clock, None, assume)
            if what == "holds":
                method = ("PDR (Spacer), assuming the invariants proved alone" if p.kind == INVARIANT
                          else "PDR (Spacer), assuming the proved invariants")
                out[i] = replace(out[i], verdict=Verdict.HOLDS, method=method,
                                 detail=f"proved for every reachable state, from the invariants {names}",
                                 found_invariant=info, seconds=out[i].seconds + clock.elapsed())
