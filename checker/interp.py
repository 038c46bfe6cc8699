"""A reference interpreter of the IR's step semantics.

A plain tree walker over *canonical* values (see :mod:`checker.ir`): a state
is a ``dict`` from variable name to canonical value.  It is slow and simple on
purpose: it is the executable reading of the rules in the ``checker.ir``
docstring, against which the engines (and the Python models, through
:mod:`checker.conformance`) can be compared.  Expressions are evaluated by
:func:`checker.evaluate.evaluate`, so there is exactly one reference
expression evaluator.

    from checker import load
    from checker.interp import initial_states, successors, explore

    spec = load("spec/breaker.spec")
    for s in initial_states(spec):
        for action, args, t in successors(spec, s):
            ...   # t is the next state (a dict) or a StepError

Rules implemented here (``checker.ir``, "Semantics that every engine must
implement identically"):

* an action is one atomic step; its statements run in order and an
  assignment is visible to the statements after it;
* ``Require(c)`` with ``c`` false discards the current branch;
* ``Either`` yields one branch per alternative (a branch that itself
  branches yields several);
* ``Let`` binds or rebinds an immutable local;
* ``If`` runs one of its two statement lists;
* a runtime error (an :class:`~checker.evaluate.EvalError` from an
  expression, or an assignment of a value outside the variable's declared
  type, checked deeply with :func:`checker.ir.contains`) makes that branch of
  the step erroneous: it yields a :class:`StepError` instead of a state.
  Other branches of the same step are unaffected.  An erroneous step is an
  enabled transition (so the state is not a deadlock);
* bindings are enumerated in parameter order, each parameter's values in
  domain order (``Action.bindings``).

Initial states: the product over the variables (declaration order) of their
initial values (one value, or every element of the ``in`` set, in sorted
order).  An initial value outside its type is a runtime error too:
:func:`initial_states` then contains a :class:`StepError` in place of that
state.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Iterable, Mapping, Optional, Union

from . import ir
from .evaluate import EvalError, evaluate

State = dict


@dataclass(frozen=True)
class StepError:
    """A runtime error: the step (or initial state) is erroneous -> typeok is violated."""

    message: str

    def __str__(self) -> str:
        return self.message


Outcome = Union[State, StepError]


def _consts(spec: ir.Spec) -> dict[str, int]:
    return spec.const_values()


def _sorted_values(vals: Iterable[Any]) -> list:
    return sorted(vals, key=_key)


def _domain_ordered(t: ir.Type, vals: Iterable[Any]) -> list:
    """Initial choices in the domain order of the variable's type (ir.py), as the engines enumerate them."""
    try:
        order = {x: i for i, x in enumerate(ir.domain_values(t))}
    except (TypeError, ir.SymbolicBound):
        return _sorted_values(vals)
    return sorted(vals, key=lambda x: order.get(x, len(order)))


def _key(v: Any):
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, int):
        return (1, v)
    if isinstance(v, str):
        return (2, v)
    if isinstance(v, frozenset):
        return (3, tuple(_key(x) for x in _sorted_values(v)))
    if isinstance(v, tuple):
        return (4, tuple(_key(x) for x in v))
    return (5, repr(v))


def freeze(spec: ir.Spec, state: Mapping[str, Any]) -> tuple:
    """A hashable form of a state: its values in variable declaration order."""
    return tuple(state[v.name] for v in spec.vars)


def thaw(spec: ir.Spec, values: tuple) -> State:
    return {v.name: x for v, x in zip(spec.vars, values)}


# ---------------------------------------------------------------- initial states


def initial_states(spec: ir.Spec) -> list[Outcome]:
    """Every initial state, in the order of the product over the variables.

    An initial value that cannot be evaluated or lies outside its variable's
    type gives a :class:`StepError` (typeok violated in the initial state).
    """
    consts = _consts(spec)
    choices: list[list[Any]] = []
    for v in spec.vars:
        try:
            val = evaluate(v.init, {}, {}, consts)
        except EvalError as e:
            return [StepError(f"initial value of {v.name}: {e}")]
        if v.init_choice:
            vals = _domain_ordered(v.type, val)
        else:
            vals = [val]
        choices.append(vals)
    out: list[Outcome] = []
    seen: set = set()
    outcomes: set = set()    # the init block's results
    for combo in product(*choices):
        bad = next(((v, x) for v, x in zip(spec.vars, combo) if not _contains(v.type, x)), None)
        if bad is not None:
            v, x = bad
            out.append(StepError(f"{v.name} = {ir.show_value(x)} is outside its type {v.type} (initial value)"))
            continue
        if combo in seen:
            continue
        seen.add(combo)
        starts = [thaw(spec, combo)]
        if spec.init_block:   # `init { ... }`: every outcome of the block is an initial state
            starts = Runner(spec).block(spec.init_block, thaw(spec, combo), {})
        for s in starts:
            if isinstance(s, StepError):
                out.append(StepError(f"init block: {s.message}"))
                continue
            if spec.init_block:
                f = freeze(spec, s)
                if f in outcomes:
                    continue
                outcomes.add(f)
            if spec.initial is not None and not _initial_holds(spec, s, consts):
                continue
            out.append(s)
    return out


def _initial_holds(spec: ir.Spec, state: State, consts) -> bool:
    """``init: e``: an error while evaluating e counts as false."""
    try:
        return evaluate(spec.initial, state, {}, consts) is True
    except EvalError:
        return False


def _contains(t: ir.Type, v: Any) -> bool:
    try:
        return ir.contains(t, v)
    except ir.SymbolicBound:
        return True


# ---------------------------------------------------------------- steps


def successors(spec: ir.Spec, state: Mapping[str, Any]) -> list[tuple[str, tuple, Outcome]]:
    """Every transition from ``state``: ``(action name, args, next state or StepError)``.

    Actions in declaration order, bindings in documented order, branches of
    one binding in statement order (``either`` alternatives left to right).
    """
    out: list[tuple[str, tuple, Outcome]] = []
    for action in spec.actions:
        for args in action.bindings():
            for o in run_action(spec, action, args, state):
                out.append((action.name, tuple(args), o))
    return out


def run_action(spec: ir.Spec, action: Union[ir.Action, str], args: tuple,
               state: Mapping[str, Any]) -> list[Outcome]:
    """The outcomes of one action binding in ``state`` (empty: not enabled)."""
    if isinstance(action, str):
        action = action_named(spec, action)
    if len(args) != len(action.params):
        raise ValueError(f"{action.name} takes {len(action.params)} argument(s), got {len(args)}")
    env = {p.name: a for p, a in zip(action.params, args)}
    return Runner(spec).block(action.body, dict(state), env)


def action_named(spec: ir.Spec, name: str) -> ir.Action:
    for a in spec.actions:
        if a.name == name:
            return a
    raise KeyError(f"no action {name!r}; actions: {', '.join(a.name for a in spec.actions)}")


class Runner:
    """Runs action bodies over canonical states (one branch per ``either``
    alternative); subclasses may watch statements (explore/why.py records the
    ``require``s that fail)."""

    def __init__(self, spec: ir.Spec):
        self.spec = spec
        self.consts = _consts(spec)
        self.types = {v.name: v.type for v in spec.vars}

    def ev(self, e: ir.Expr, state: State, env: dict) -> Any:
        return evaluate(e, state, env, self.consts)

    def block(self, stmts: tuple, state: State, env: dict) -> list[Outcome]:
        """Run an action body; the final state (or error) of every branch, in branch order."""
        return [r if isinstance(r, StepError) else r[0] for r in self.sub(stmts, state, env)]

    def stmt(self, st: ir.Stmt, state: State, env: dict) -> list:
        try:
            if isinstance(st, ir.Require):
                return [(state, env)] if self.ev(st.cond, state, env) else []
            if isinstance(st, ir.Assign):
                val = self.ev(st.value, state, env)
                t = self.types[st.var]
                if not _contains(t, val):
                    where = f" (line {st.span.line})" if st.span else ""
                    return [StepError(f"{st.var} = {ir.show_value(val)} is outside its type {t}{where}")]
                s2 = dict(state)
                s2[st.var] = val
                return [(s2, env)]
            if isinstance(st, ir.Let):
                env2 = dict(env)
                env2[st.name] = self.ev(st.value, state, env)
                return [(state, env2)]
            if isinstance(st, ir.If):
                body = st.then if self.ev(st.cond, state, env) else st.else_
                return self.sub(body, state, env)
            if isinstance(st, ir.Either):
                res: list = []
                for br in st.branches:
                    res.extend(self.sub(br, state, env))
                return res
        except EvalError as e:
            where = f" (line {st.span.line})" if getattr(st, "span", None) else ""
            return [StepError(f"{e}{where}")]
        raise TypeError(f"not an IR statement: {st!r}")

    def sub(self, stmts: tuple, state: State, env: dict) -> list:
        """Run statements in order from one (state, env); returns, in branch
        order, ``(state, env)`` for every branch that reached the end and a
        StepError for every branch that erred.  A ``let`` inside an ``if`` or
        ``either`` branch stays visible after it on that branch (the front end
        never reads it there, so this choice is unobservable)."""
        done: list = []

        def go(i: int, s: State, en: dict) -> None:
            # iterative over statements, recursive only over branching
            while i < len(stmts):
                rs = self.stmt(stmts[i], s, en)
                if len(rs) == 1 and not isinstance(rs[0], StepError):
                    s, en = rs[0]
                    i += 1
                    continue
                for r in rs:
                    if isinstance(r, StepError):
                        done.append(r)
                    else:
                        go(i + 1, r[0], r[1])
                return
            done.append((s, en))

        go(0, state, env)
        return done


# ---------------------------------------------------------------- checks


def holds(spec: ir.Spec, expr: ir.Expr, state: Mapping[str, Any]) -> bool:
    """The value of a boolean expression in a state (EvalError propagates)."""
    return bool(evaluate(expr, state, {}, _consts(spec)))


def invariant_failures(spec: ir.Spec, state: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(name, why)`` for every invariant that is false (or errs) in ``state``."""
    out = []
    for inv in spec.invariants:
        try:
            if not holds(spec, inv.expr, state):
                out.append((inv.name, "false"))
        except EvalError as e:
            out.append((inv.name, f"error: {e}"))
    return out


def is_terminal(spec: ir.Spec, state: Mapping[str, Any]) -> bool:
    if spec.terminal is None:
        return False
    try:
        return holds(spec, spec.terminal, state)
    except EvalError:
        return False


@dataclass
class Exploration:
    """The reachable graph, breadth first (every state expanded)."""

    states: dict = field(default_factory=dict)          # frozen state -> (parent frozen | None, action, args)
    transitions: int = 0
    errors: list = field(default_factory=list)          # (frozen parent | None, action, args, StepError)
    deadlocks: list = field(default_factory=list)       # frozen states
    violations: dict = field(default_factory=dict)      # invariant name -> first frozen state (BFS order)
    depth: int = 0
    complete: bool = True

    def trace(self, spec: ir.Spec, frozen: tuple) -> list[tuple[Optional[str], tuple, State]]:
        """The BFS path ``[(action|None, args, state), ...]`` from an initial state to ``frozen``."""
        path = []
        cur: Optional[tuple] = frozen
        while cur is not None:
            parent, action, args = self.states[cur]
            path.append((action, args, thaw(spec, cur)))
            cur = parent
        return path[::-1]


def explore(spec: ir.Spec, max_states: Optional[int] = None, check_invariants: bool = True) -> Exploration:
    """Breadth-first exploration of every reachable state.

    Erroneous steps are recorded in ``errors`` (they lead to no state); a
    state with no transition at all that is not terminal is a deadlock.
    """
    ex = Exploration()
    frontier: deque = deque()
    for s in initial_states(spec):
        if isinstance(s, StepError):
            ex.errors.append((None, None, (), s))
            continue
        f = freeze(spec, s)
        if f not in ex.states:
            ex.states[f] = (None, None, ())
            frontier.append((f, 0))
    while frontier:
        f, d = frontier.popleft()
        ex.depth = max(ex.depth, d)
        state = thaw(spec, f)
        if check_invariants:
            for name, _ in invariant_failures(spec, state):
                ex.violations.setdefault(name, f)
        succ = successors(spec, state)
        if not succ and not is_terminal(spec, state):
            ex.deadlocks.append(f)
        for action, args, t in succ:
            ex.transitions += 1
            if isinstance(t, StepError):
                ex.errors.append((f, action, args, t))
                continue
            g = freeze(spec, t)
            if g not in ex.states:
                if max_states is not None and len(ex.states) >= max_states:
                    ex.complete = False
                    continue
                ex.states[g] = (f, action, args)
                frontier.append((g, d + 1))
    return ex
