"""PDR / IC3 through Z3's Spacer engine on constrained Horn clauses: the
proof of one property (the engine, pdr.py, schedules them; the temporal
proofs on the product, product_proofs.py, use it too).

One uninterpreted predicate ``Inv(consts, state)`` over the symbolic
constants and the state leaves:

    const_axiom and Init(s)              -> Inv(c, s)
    Inv(c, s) and T(s, s')               -> Inv(c, s')
    Inv(c, s) and Bad(s)                 -> false

``sat`` means an interpretation of Inv exists: a safe inductive invariant.
That interpretation is re-checked with plain SMT queries before it is
reported; a solver ``unknown`` is never reported as proved.

``unsat`` means a counterexample exists.  Spacer is asked again through the
Fixedpoint API for its own path (horn_clauses.py), which Z3 replays through
the transition relation; that trace is not necessarily the shortest.  If
the path is unusable, bmc finds the shortest trace instead.
"""
from __future__ import annotations

import z3

from ..options import Options
from . import decode, horn_clauses
from .bmc import BMC, search
from .common import Clock, Prop, new_solver, solver_stats
from .encode import Encoder, mk_and, mk_not
from .outcome import gave_up
from .system import TransitionSystem

# how deep the re-run of bmc may go to produce a concrete trace after Spacer
# reports that the property is violated and its own path is unusable
TRACE_DEPTH_LIMIT = 10_000


def solve_horn(enc: TransitionSystem, p: Prop, seed: int, clock: Clock, assume=None):
    """Spacer on p's Horn clauses (horn_clauses.clauses, head ``false``).
    ``assume``: invariants already proved, over the current state; only
    states satisfying them are stepped from (sound: the others are
    unreachable)."""
    cur = enc.cur.terms()
    cs = [t for _, t in enc.sym_consts]
    inv = horn_clauses.inv_relation(enc, f"Inv_{p.name}")
    s = z3.SolverFor("HORN")
    s.set("engine", "spacer")
    for k, v in horn_clauses.spacer_params(seed):
        try:
            s.set(f"fp.{k}", v)
        except z3.Z3Exception:
            pass
    s.add(*horn_clauses.clauses(enc, p.bad, inv, z3.BoolVal(False), assume))
    clock.arm(s)
    r = s.check()
    return s, r, inv, cs, cur


def validate(enc: TransitionSystem, p: Prop, I, seed: int, clock: Clock, assume=None) -> str | None:
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
    if validate(enc, p, z3.BoolVal(True), seed, clock, assume) is None:
        return z3.BoolVal(True)
    lemmas = _conjuncts(I)
    if len(lemmas) > limit:
        return I
    i = 0
    while i < len(lemmas) and len(lemmas) > 1 and not clock.expired():
        trial = lemmas[:i] + lemmas[i + 1:]
        if validate(enc, p, mk_and(trial), seed, clock, assume) is None:
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
          ground_path=horn_clauses.ground_path):
    """-> (what, info, stats): ("holds", invariant text), ("violated", Found)
    or ("unknown", (why, SolverGaveUp)).  ``assume``: invariants already proved (a formula
    over the current state).  ``ground_path``: how Spacer's own path to the
    violation is obtained (a parameter so that tests can hand in an
    unusable one and see the fallback to bmc)."""
    if clock.stopped():     # the run was stopped: no Horn clauses
        return "unknown", (clock.stop_words(), gave_up("pdr", clock)), {}
    # an erroneous initial state is a typeok violation that Inv cannot see
    if p.extra_step:
        found = search(enc, p, 0, clock, options.seed).found
        if found is not None:
            return "violated", found, {}
    s, r, inv, cs, cur = solve_horn(enc, p, options.seed, clock, assume)
    st = solver_stats(s)
    if r == z3.sat:
        I = s.model().eval(inv(*cs, *cur))
        bad = validate(enc, p, I, options.seed, clock, assume)
        if bad is not None:
            why = f"Spacer's invariant failed validation: {bad}"
            return "unknown", (why, gave_up("pdr", clock, reason=why)), st
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
        return "unknown", (clock.unknown_words(s, "Spacer returned unknown"), gave_up("pdr", clock, s)), st
    # unsat: a counterexample exists.  Spacer's own path, checked against
    # the transition relation; if it is unusable, bmc finds the shortest one
    found, unusable = _spacer_trace(enc, p, options.seed, clock, assume, ground_path)
    if found is not None:
        return "violated", found, st
    found, reached, why, _ = search(enc, p, TRACE_DEPTH_LIMIT, clock, options.seed, progress)
    if found is None:
        why = (f"Spacer reports a violation, but no trace was found "
               f"({why or 'depth limit'}) up to depth {reached}; "
               f"Spacer's own path: {unusable}")
        return "unknown", (why, gave_up("pdr", clock, reason=why, depth=max(reached, 0))), st
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
    found = b.check(path.steps + p.extra_step, clock, horn_clauses.pins(enc, b.u, path))
    if found == "unknown":
        return None, f"its replay was unknown ({clock.why_unknown(b.solver)})"
    if found is None:
        return None, "it is not a path of the transition relation to a bad state"
    found.shortest = False
    return found, ""


