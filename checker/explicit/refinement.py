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
from dataclasses import replace

from .. import evidence, ir
from ..interp import StepError, freeze, initial_states, successors
from ..evaluate import EvalError, EvalLimit, evaluate
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
                          line=ref.span.line if ref.span else None,
                          evidence=evidence.NotChecked(KIND, evidence.NOT_IMPLEMENTED,
                                                       "the abstract spec's " + ", ".join(unchecked)
                                                       + " under the refinement mapping"))


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
            except EvalLimit:
                raise   # the evaluator's limit, not the mapping's: the caller reports unknown
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


def check_abstract_properties(spec: ir.Spec, ref: ir.Refinement, prog, seen, tla: bool,
                              depth: int = 0) -> list[PropertyResult]:
    """The abstract spec's temporal properties, read through the mapping, on
    the concrete reachable graph (fair cycles under the concrete fairness;
    ``seen``: every reachable state, found by a search of ``depth`` levels)."""
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
    searched = evidence.Search(engine=KIND, states=len(seen), depth=depth, complete=True)
    out = []
    for p in ref.abstract.properties:
        name = f"{ref.name}: {p.name}"
        line = ref.span.line if ref.span else None
        try:
            lasso = find_violation(graph, p, predicate(p.p), predicate(p.q) if p.q is not None else None)
        except EvalLimit as err:   # as in check_refinement: unknown, not a verdict
            out.append(PropertyResult(name, "property", Verdict.UNKNOWN,
                                      f"not decided: the refinement mapping cannot be evaluated ({err})",
                                      line=line, seconds=time.perf_counter() - t0,
                                      evidence=evidence.NotChecked("explicit", evidence.NOT_SUPPORTED,
                                                                   f"the refinement mapping cannot be evaluated ({err})")))
            continue
        if lasso is None:
            out.append(PropertyResult(name, "property", Verdict.HOLDS,
                                      f"exhaustive search: no fair behaviour of this spec violates {ref.abstract.name}'s "
                                      f"property {p.name} under the refinement mapping; {fairness}",
                                      line=line, seconds=time.perf_counter() - t0, evidence=searched))
        else:
            tr = lasso_trace(graph, lasso)
            out.append(PropertyResult(name, "property", Verdict.VIOLATED,
                                      f"explicit-state search: fair lasso in the reachable graph; {fairness}", tr,
                                      f"{ref.abstract.name}'s property {p.name}, read through the refinement "
                                      "mapping, is violated", len(tr), line=line, seconds=time.perf_counter() - t0,
                                      evidence=replace(searched, shortest=False)))
    return out


def check_refinement(spec: ir.Spec, ref: ir.Refinement, max_states: int | None = None) -> PropertyResult:
    t0 = time.perf_counter()
    try:
        return _RefinementSearch(spec, ref, max_states).run()
    except EvalLimit as err:   # a mapping too deep for the evaluator decides nothing
        return PropertyResult(ref.name, KIND, Verdict.UNKNOWN,
                              f"not decided: the refinement mapping cannot be evaluated ({err})",
                              line=ref.span.line if ref.span else None, seconds=time.perf_counter() - t0,
                              evidence=evidence.NotChecked("explicit", evidence.NOT_SUPPORTED,
                                                           f"the refinement mapping cannot be evaluated ({err})"))


class _RefinementSearch:
    """The breadth-first search of the concrete spec that matches every step
    against the abstract spec's (module docstring)."""

    def __init__(self, spec: ir.Spec, ref: ir.Refinement, max_states: int | None):
        self.t0 = time.perf_counter()
        self.spec = spec
        self.ref = ref
        self.max_states = max_states
        self.m = _Mapper(spec, ref)
        self.line = ref.span.line if ref.span else None
        self.parents: dict[tuple, tuple | None] = {}
        self.frontier: deque = deque()

    def _evidence(self, depth: int, complete: bool, stopped_by=None) -> evidence.Search:
        return evidence.Search(engine=KIND, states=len(self.parents), depth=depth, complete=complete,
                               stopped_by=stopped_by)

    def _result(self, verdict: Verdict, method: str, depth: int, ev, **kw) -> PropertyResult:
        return PropertyResult(self.ref.name, KIND, verdict, method, depth=depth, line=self.line,
                              seconds=time.perf_counter() - self.t0, evidence=ev, **kw)

    def _violated(self, chain_end: tuple | None, last: Step | None, detail: str, depth: int) -> PropertyResult:
        steps = _path(self.spec, self.parents, chain_end) if chain_end is not None else []
        if last is not None:
            steps.append(last)
        return self._result(Verdict.VIOLATED,
                            "explicit-state breadth-first search of the concrete spec, each step matched "
                            "against the abstract spec's steps (shortest counterexample)", depth,
                            self._evidence(depth, False, evidence.ALL_DECIDED), trace=Trace(steps), detail=detail)

    def _initial(self) -> PropertyResult | None:
        """the initial states into the frontier; a violation when one maps outside the abstract initial states"""
        spec, ref = self.spec, self.ref
        abstract_inits = {freeze(ref.abstract, s) for s in initial_states(ref.abstract)
                          if not isinstance(s, StepError)}
        for s in initial_states(spec):
            if isinstance(s, StepError):
                continue  # typeok reports it
            f = freeze(spec, s)
            if f in self.parents:
                continue
            a, why = self.m.image(s)
            if a is None or a not in abstract_inits:
                return self._violated(None, Step(None, (), dict(s)),
                                      why or f"the initial state maps to {_show(ref.abstract, a)}, which is not "
                                             f"an initial state of {ref.abstract.name}", 0)
            self.parents[f] = None
            self.frontier.append((f, s, a, 0))
        return None

    def _step(self, f, a, d: int, name, args, t) -> PropertyResult | None:
        """one concrete step from ``f`` (mapped to ``a``) to ``t``: a violation, a stop, or None"""
        b, why = self.m.image(t)
        abstract = self.ref.abstract
        if b is None or (b != a and b not in self.m.abstract_next(a)):
            detail = why or (f"the step {name}{_args(args)} maps {_show(abstract, a)} to "
                             f"{_show(abstract, b)}: no step of {abstract.name} does that, "
                             "and it is not a stutter")
            return self._violated(f, Step(name, tuple(args), dict(t)), detail, d + 1)
        g = freeze(self.spec, t)
        if g not in self.parents:
            self.parents[g] = (f, name, tuple(args))
            if self.max_states is not None and len(self.parents) >= self.max_states:
                return self._result(Verdict.UNKNOWN, f"bounded (not exhaustive): stopped at {len(self.parents)} states",
                                    d + 1, self._evidence(d + 1, False, evidence.MAX_STATES))
            self.frontier.append((g, t, b, d + 1))
        return None

    def run(self) -> PropertyResult:
        got = self._initial()
        if got is not None:
            return got
        depth = 0
        while self.frontier:
            f, s, a, d = self.frontier.popleft()
            depth = max(depth, d)
            for name, args, t in successors(self.spec, s):
                if isinstance(t, StepError):
                    continue  # an erroneous step is typeok's violation
                got = self._step(f, a, d, name, args, t)
                if got is not None:
                    return got
        ref = self.ref
        unchecked = _unchecked_liveness(ref.abstract)
        detail = ""
        if unchecked:
            detail = (f"safety part only: see `{ref.name} (liveness)` for the abstract spec's "
                      + ", ".join(unchecked))
        return self._result(Verdict.HOLDS,
                            f"exhaustive search ({len(self.parents)} states, depth {depth}): every step maps to a "
                            f"step of {ref.abstract.name} or a stutter", depth, self._evidence(depth, True),
                            detail=detail)


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
