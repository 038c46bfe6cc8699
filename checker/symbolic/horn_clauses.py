"""Spacer's Horn clauses, and the counterexample path Spacer itself found.

The clauses over one predicate ``Inv(consts, state)``:

    const_axiom and Init(s) and types(s)     -> Inv(c, s)
    Inv(c, s) and assume(s) and T(s, s')     -> Inv(c, s')
    Inv(c, s) and assume(s) and Bad(s)       -> head

``head`` is ``false`` for the HORN solver (pdr's proofs) and a 0-ary
relation ``Err`` for the Fixedpoint query below.

When the safety property is violated, Spacer's refutation (``get_answer``
of a ``sat`` Fixedpoint query) is a hyper-resolution proof whose facts are
ground instances ``Inv(c0, s0), Inv(c0, s1), ..., Inv(c0, sn)``: a path it
believes leads from an initial state to a bad one.  It is not trusted as it
stands: ``replay_model`` (or bmc's ``BMC.check`` with ``pins``) asks Z3 for
an unrolling of n steps through exactly those states, checked against the
transition relation.  The path is not necessarily the shortest one.

Works for any encoder-like object with ``cur``, ``nxt``, ``trans``,
``step_vars``, ``sym_consts``, ``const_axiom``, ``init(state)``,
``state_inv(state)`` and ``make_state`` (what ``Unroller`` uses), and any
``bad`` formula over ``cur`` and the step variables.
"""
from __future__ import annotations

from dataclasses import dataclass

import z3

from .common import Clock, new_solver
from .encode import mk_and
from .system import TransitionSystem
from .unroll import Unroller


def spacer_params(seed: int) -> tuple:
    """Spacer's options, without the ``fp.`` prefix the HORN solver needs.

    Inlining off keeps the transition relation out of the model: Spacer's
    interpretation of Inv is then a conjunction of lemmas, not an image.
    Interpolation (IUC) off: on the breaker spec's typeok (a u32 counter)
    Spacer with IUC ran past 60 s; without it 0.3 s, and no slower on the
    other breaker specs."""
    return (("spacer.random_seed", seed), ("xform.inline_linear", False),
            ("xform.inline_eager", False), ("xform.slice", False),
            ("spacer.use_iuc", False))


def clauses(enc: TransitionSystem, bad, inv, head, assume=None) -> list:
    """The three Horn clauses (universally closed) with predicate ``inv``."""
    assume = z3.BoolVal(True) if assume is None else assume
    cur, nxt = enc.cur.terms(), enc.nxt.terms()
    cs = [t for _, t in enc.sym_consts]
    init, _ = enc.init(enc.cur)
    start = z3.ForAll(cs + cur + list(getattr(enc, "init_vars", ())), z3.Implies(mk_and([enc.const_axiom, init, enc.state_inv(enc.cur)]),
                                           inv(*cs, *cur)))
    step = z3.ForAll(cs + cur + nxt + list(enc.step_vars),
                     z3.Implies(mk_and([inv(*cs, *cur), assume, enc.trans]), inv(*cs, *nxt)))
    stop = z3.ForAll(cs + cur + list(enc.step_vars),
                     z3.Implies(mk_and([inv(*cs, *cur), assume, bad]), head))
    return [start, step, stop]


def inv_relation(enc: TransitionSystem, name: str):
    cs = [t for _, t in enc.sym_consts]
    sorts = [t.sort() for t in cs + enc.cur.terms()] + [z3.BoolSort()]
    return z3.Function(name, *sorts)


@dataclass
class GroundPath:
    """Spacer's path: the symbolic constants' values, and per state the
    values of ``enc.cur.terms()`` (initial state first, the bad one last)."""
    consts: list
    states: list

    @property
    def steps(self) -> int:
        return len(self.states) - 1


def ground_path(enc: TransitionSystem, bad, seed: int, clock: Clock, assume=None):
    """Ask Spacer (Fixedpoint API) whether ``bad`` is reachable and return
    the path of its refutation.  -> (GroundPath, "") or (None, why not).

    Only under a wall-clock budget: z3's Fixedpoint query does not stop at
    the resource limit (on spec/client.spec, after the other properties in
    the same process, it ran for over 10 minutes under rlimit 10M), so a run
    bounded by ``--solver-rlimit`` alone (the catalog, ``verify docs``) does
    not ask it and takes its trace from bmc, which the limit does bound.  A
    run with no limit at all asks it, unbounded like the rest of that run."""
    if not clock.bounded() and clock.rlimit is not None:
        return None, ("not asked: Spacer's path query does not stop at the resource limit, "
                      "and this run has no timeout")
    inv = inv_relation(enc, "Inv")
    err = z3.Function("Err", z3.BoolSort())
    fp = z3.Fixedpoint()
    fp.set(engine="spacer")
    for k, v in spacer_params(seed):
        try:
            fp.set(k, v)
        except z3.Z3Exception:
            pass
    fp.register_relation(inv, err)
    for c in clauses(enc, bad, inv, err(), assume):
        fp.add_rule(c)
    clock.arm(fp)
    try:
        r = fp.query(err)
    except z3.Z3Exception as e:  # a timeout raises "canceled" here, not unknown
        msg = e.value.decode() if isinstance(e.value, bytes) else str(e)
        if clock.expired() or (clock.cancel is not None and clock.cancel.solver_failed(msg)):
            return None, f"Spacer's second query stopped: {clock.stop_words()}"   # the stop's own words
        return None, f"Spacer's second query stopped ({msg})"
    if r == z3.unknown:
        return None, f"Spacer returned unknown ({clock.why_unknown(fp)})"
    if r == z3.unsat:
        return None, "Spacer's second query found no path to a bad state"
    try:
        facts = _fact_chain(fp.get_answer(), inv)
    except z3.Z3Exception as e:
        return None, f"Spacer's answer could not be read ({e})"
    if facts is None:
        return None, "Spacer's answer is not a linear chain of ground Inv facts"
    k = len(enc.sym_consts)
    consts = [facts[0].arg(i) for i in range(k)] if facts else []
    states = [[f.arg(i) for i in range(k, f.num_args())] for f in facts]
    if not states or any(_has_var(a) for st in states for a in st) or \
            any(not all(f.arg(i).eq(c) for i, c in enumerate(consts)) for f in facts):
        return None, "Spacer's answer is not a ground path with fixed constants"
    return GroundPath(consts, states), ""


def _fact_chain(proof, inv) -> list | None:
    """The Inv facts of a hyper-resolution proof, initial state first; None
    if the derivation is not one chain (Inv has one premise per clause)."""
    def concl(p):
        return p.arg(p.num_args() - 1) if z3.is_app(p) and p.num_args() > 0 else None

    def is_fact(e):
        return e is not None and z3.is_app(e) and e.decl().name() == inv.name() \
            and e.num_args() == inv.arity()

    # the proof step concluding Inv nearest the root: the bad state's fact
    top, stack, seen = None, [proof], set()
    while stack and top is None:
        p = stack.pop()
        if p.get_id() in seen or not z3.is_app(p):
            continue
        seen.add(p.get_id())
        if is_fact(concl(p)):
            top = p
            break
        stack.extend(p.arg(i) for i in range(p.num_args() - 1))
    if top is None:
        return None
    chain = []
    while top is not None:
        chain.append(concl(top))
        premises = [top.arg(i) for i in range(top.num_args() - 1)]
        # a clause is a premise too (``asserted``); ``Inv(0)`` for an
        # initial state folded into a fact is one, not a step
        below = [q for q in premises if is_fact(concl(q)) and not _is_asserted(q)]
        if len(below) > 1:
            return None
        top = below[0] if below else None
    chain.reverse()
    return chain


def _is_asserted(p) -> bool:
    return z3.is_app(p) and p.decl().kind() == z3.Z3_OP_PR_ASSERTED


def _has_var(e) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if z3.is_var(x) or z3.is_quantifier(x):
            return True
        if z3.is_app(x):
            stack.extend(x.arg(i) for i in range(x.num_args()))
    return False


def pins(enc, u: Unroller, path: GroundPath) -> list:
    """Equalities fixing the constants and states 0..n of unrolling ``u`` to
    Spacer's values."""
    out = [t == v for (_, t), v in zip(enc.sym_consts, path.consts)]
    for i, values in enumerate(path.states):
        out += [t == v for t, v in zip(u.state(i).terms(), values)]
    return out


def replay_model(enc: TransitionSystem, path: GroundPath, bad, seed: int, clock: Clock):
    """A model of init, the declared types, n transitions and ``bad`` in the
    last state (its step variables tagged ``e<n>``), through Spacer's states.
    -> (model, unroller) or (None, why not)."""
    u = Unroller(enc)
    n = path.steps
    s = new_solver(seed)
    s.add(enc.const_axiom, u.init())
    for t in range(n + 1):
        s.add(u.inv(t))
    for t in range(n):
        s.add(u.trans(t))
    s.add(u.sub_state(bad, n, f"e{n}"))
    s.add(*pins(enc, u, path))
    clock.arm(s)
    r = s.check()
    if r == z3.sat:
        return s.model(), u
    if r == z3.unknown:
        return None, f"the replay of Spacer's path was unknown ({clock.why_unknown(s)})"
    return None, "Spacer's path is not a path of the transition relation to a bad state"
