"""Refinement: ``refines Abstract from "abstract.spec" with { v = e, ... }``.

The property ``refines Abstract`` holds when every behaviour of this spec,
seen through the mapping (each abstract variable ``v`` is the value of
``e`` in the concrete state), is a behaviour of the abstract spec with
stuttering: the mapped initial states are initial states of the abstract
spec, and every reachable concrete step maps to a step of the abstract spec
or leaves the mapped state unchanged (TLA+'s ``Spec => A!Spec`` for the
safety part, as TLC checks ``PROPERTY A!Spec``).

The check is a breadth-first search of the concrete spec (the reference
semantics of checker/interp.py over canonical values, so concrete and
abstract values compare by value: enum members by name) that, at each
concrete step, asks the abstract spec for the successors of the mapped
state (memoised per mapped state).  A violation is reported with a
shortest trace: the concrete behaviour up to the first step (in BFS order)
whose mapped step no abstract step matches, or an initial state whose image
is not an abstract initial state.

The abstract spec's temporal properties are checked under the mapping on
the concrete spec's reachable graph, under the concrete spec's fairness
(:func:`check_abstract_properties`: the explicit engine's fair-cycle search
with predicates that read the mapped state), each reported as
``refines A: p``.  Not checked, and said so in a result of its own
(``refines A (liveness)``, unknown): the abstract spec's fairness under the
mapping (that the concrete behaviours are fair for the abstract actions).
"""
from __future__ import annotations

import time
from collections import deque

from .. import ir
from ..interp import StepError, freeze, initial_states, successors
from ..evaluate import EvalError, evaluate
from ..results import PropertyResult, Step, Trace, Verdict

KIND = "refinement"


def liveness_refusal(ref: ir.Refinement) -> PropertyResult | None:
    """``refines A (liveness)``: the abstract spec's fairness and temporal
    properties under the mapping are not checked; said as an unknown verdict
    of its own (so a run with them is never reported as all holding)."""
    unchecked = _unchecked_liveness(ref.abstract)
    if not unchecked:
        return None
    return PropertyResult(f"{ref.name} (liveness)", KIND, Verdict.UNKNOWN,
                          "not checked: the abstract spec's " + ", ".join(unchecked)
                          + " under the refinement mapping (not implemented; the steps are checked as `"
                          + ref.name + "`, the abstract temporal properties as `" + ref.name + ": NAME`)",
                          line=ref.span.line if ref.span else None)


class _Mapper:
    def __init__(self, spec: ir.Spec, ref: ir.Refinement):
        self.ref = ref
        self.abstract = ref.abstract
        self.consts = spec.const_values()
        self.abs_succ: dict[tuple, set] = {}

    def image(self, state: dict) -> tuple[tuple | None, str]:
        """The abstract state of a concrete state (frozen), or (None, why not)."""
        values = []
        for (name, e), v in zip(self.ref.mapping, self.abstract.vars):
            try:
                x = evaluate(e, state, {}, self.consts)
            except EvalError as err:
                return None, f"the mapping of {name} cannot be evaluated: {err}"
            try:
                inside = ir.contains(v.type, x)
            except ir.SymbolicBound:
                inside = True
            if not inside:
                return None, f"the mapping gives {name} = {ir.show_value(x)}, outside its type {v.type}"
            values.append(x)
        return tuple(values), ""

    def abstract_next(self, a: tuple) -> set:
        got = self.abs_succ.get(a)
        if got is None:
            state = {v.name: x for v, x in zip(self.abstract.vars, a)}
            got = {freeze(self.abstract, t) for _n, _args, t in successors(self.abstract, state)
                   if not isinstance(t, StepError)}
            self.abs_succ[a] = got
        return got


def _unchecked_liveness(abstract: ir.Spec) -> list[str]:
    return [f"fairness of {f.origin or ', '.join(f.actions)}" for f in abstract.fairness]


def check_abstract_properties(spec: ir.Spec, ref: ir.Refinement, prog, seen, tla: bool) -> list[PropertyResult]:
    """The abstract spec's temporal properties, read through the mapping, on
    the concrete reachable graph (fair cycles under the concrete fairness)."""
    from .liveness import Graph, find_violation, lasso_trace
    if not ref.abstract.properties:
        return []
    t0 = time.perf_counter()
    m = _Mapper(spec, ref)
    graph = Graph(prog, seen, tla=tla)
    consts = ref.abstract.const_values()
    names = [v.name for v in ref.abstract.vars]
    images: dict = {}

    def image(s):
        a = images.get(s)
        if a is None:
            a, _why = m.image(prog.layout.canonical(s))
            images[s] = a = dict(zip(names, a)) if a is not None else {}
        return a

    def predicate(e):
        def holds(s) -> bool:
            a = image(s)
            if not a:
                return False
            try:
                return evaluate(e, a, {}, consts) is True
            except EvalError:
                return False
        return holds
    fairness = ir.fairness_words(spec)
    out = []
    for p in ref.abstract.properties:
        lasso = find_violation(graph, p, predicate(p.p), predicate(p.q) if p.q is not None else None)
        name = f"{ref.name}: {p.name}"
        line = ref.span.line if ref.span else None
        if lasso is None:
            out.append(PropertyResult(name, "property", Verdict.HOLDS,
                                      f"exhaustive search: no fair behaviour of this spec violates {ref.abstract.name}'s "
                                      f"property {p.name} under the refinement mapping; {fairness}",
                                      line=line, seconds=time.perf_counter() - t0))
        else:
            tr = lasso_trace(graph, lasso)
            out.append(PropertyResult(name, "property", Verdict.VIOLATED,
                                      f"explicit-state search: fair lasso in the reachable graph; {fairness}", tr,
                                      f"{ref.abstract.name}'s property {p.name}, read through the refinement "
                                      "mapping, is violated", len(tr), line=line, seconds=time.perf_counter() - t0))
    return out


def check_refinement(spec: ir.Spec, ref: ir.Refinement, max_states: int | None = None) -> PropertyResult:
    t0 = time.perf_counter()
    m = _Mapper(spec, ref)
    line = ref.span.line if ref.span else None
    abstract_inits = {freeze(ref.abstract, s) for s in initial_states(ref.abstract) if not isinstance(s, StepError)}
    parents: dict[tuple, tuple | None] = {}
    frontier: deque = deque()

    def violated(chain_end: tuple | None, last: Step | None, detail: str, depth: int) -> PropertyResult:
        steps = _path(spec, parents, chain_end) if chain_end is not None else []
        if last is not None:
            steps.append(last)
        return PropertyResult(ref.name, KIND, Verdict.VIOLATED,
                              "explicit-state breadth-first search of the concrete spec, each step matched "
                              "against the abstract spec's steps (shortest counterexample)",
                              trace=Trace(steps), detail=detail, depth=depth, line=line,
                              seconds=time.perf_counter() - t0)

    for s in initial_states(spec):
        if isinstance(s, StepError):
            continue  # typeok reports it
        f = freeze(spec, s)
        if f in parents:
            continue
        a, why = m.image(s)
        if a is None or a not in abstract_inits:
            return violated(None, Step(None, (), dict(s)),
                            why or f"the initial state maps to {_show(ref.abstract, a)}, which is not an initial "
                                   f"state of {ref.abstract.name}", 0)
        parents[f] = None
        frontier.append((f, s, a, 0))
    depth = 0
    while frontier:
        f, s, a, d = frontier.popleft()
        depth = max(depth, d)
        for name, args, t in successors(spec, s):
            if isinstance(t, StepError):
                continue  # an erroneous step is typeok's violation
            b, why = m.image(t)
            if b is None or (b != a and b not in m.abstract_next(a)):
                detail = why or (f"the step {name}{_args(args)} maps {_show(ref.abstract, a)} to "
                                 f"{_show(ref.abstract, b)}: no step of {ref.abstract.name} does that, "
                                 "and it is not a stutter")
                return violated(f, Step(name, tuple(args), dict(t)), detail, d + 1)
            g = freeze(spec, t)
            if g not in parents:
                parents[g] = (f, name, tuple(args))
                if max_states is not None and len(parents) >= max_states:
                    return PropertyResult(ref.name, KIND, Verdict.UNKNOWN,
                                          f"bounded (not exhaustive): stopped at {len(parents)} states",
                                          depth=d + 1, line=line, seconds=time.perf_counter() - t0)
                frontier.append((g, t, b, d + 1))
    unchecked = _unchecked_liveness(ref.abstract)
    detail = ""
    if unchecked:
        detail = (f"safety part only: see `{ref.name} (liveness)` for the abstract spec's "
                  + ", ".join(unchecked))
    return PropertyResult(ref.name, KIND, Verdict.HOLDS,
                          f"exhaustive search ({len(parents)} states, depth {depth}): every step maps to a "
                          f"step of {ref.abstract.name} or a stutter",
                          detail=detail, depth=depth, line=line, seconds=time.perf_counter() - t0)


def _path(spec: ir.Spec, parents: dict, f: tuple) -> list[Step]:
    chain = []
    while True:
        p = parents[f]
        state = {v.name: x for v, x in zip(spec.vars, f)}
        if p is None:
            chain.append(Step(None, (), state))
            break
        pf, name, args = p
        chain.append(Step(name, args, state))
        f = pf
    chain.reverse()
    return chain


def _args(args) -> str:
    return f"({', '.join(ir.show_value(a) for a in args)})" if args else ""


def _show(abstract: ir.Spec, a: tuple | None) -> str:
    if a is None:
        return "?"
    return "[" + ", ".join(f"{v.name} = {ir.show_value(x)}" for v, x in zip(abstract.vars, a)) + "]"
