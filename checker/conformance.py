"""Conformance testing of a Python object against a spec, with Hypothesis.

    from checker.conformance import conformance_machine

    Machine = conformance_machine(
        "spec/breaker.spec",
        factory=lambda: CircuitBreaker(3, 2, Clock()),
        state_of=lambda b: {"phase": b.state.value, "failures": b.failure_count, ...},
        actions={"call_succeeds": lambda b: b.call(ok),
                 "call_fails": fail,
                 "call_after_timeout": {"ok": ..., "fails": ...},
                 "tick": lambda b: b.clock.advance(1)},
    )
    TestBreaker = Machine.TestCase

The machine keeps the set of spec states the object may be in (the spec
states whose mapped variables equal ``state_of(obj)``; unmapped variables --
ghosts -- are tracked by the spec alone).  Hypothesis picks, at every step,
one of the spec action BINDINGS enabled in some current spec state (one rule
per binding, with a precondition computed by :mod:`checker.interp`), calls
the mapped method on the object, and checks that the object's new state is
the mapped part of one of the spec's successors for that binding.  It also
checks the chosen invariants on the spec states after every step.

Rules are named after the binding (``register__1_Orders``), so a failure
prints as a replayable program::

    state = BreakerConformance()
    state.call_fails()
    state.call_fails()
    state.call_fails()
    state.tick()
    ...

``actions[name]`` is ``fn(obj, *args)``, or a dict ``{variant: fn}`` when
the object needs to be told which of the spec's nondeterministic outcomes to
take (each variant is its own rule, ``call_after_timeout__ok``; all variants
of one binding are checked against the same successor set).  An action not in
``actions`` is never chosen (it is "not implemented by this object");
``skip`` names those deliberately left out (and wins over a mapping),
everything else missing is an error.  Exceptions from ``fn`` propagate (= a
failure) unless listed in ``expected_exceptions``, in which case the state
after the exception is checked like any other.  ``teardown(obj)`` runs after
each example (docs/conformance.md).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from . import ir
from .interp import StepError, freeze, initial_states, run_action, thaw
from .evaluate import EvalError, evaluate

ActionFn = Callable[..., Any]


class ConformanceError(AssertionError):
    """The object did something the spec does not allow."""


def _load(spec: Union[str, "ir.Spec"], consts: Optional[dict]) -> ir.Spec:
    if isinstance(spec, ir.Spec):
        return spec
    from .api import load
    return load(spec, consts)


def _ident(v: Any) -> str:
    s = ir.show_value(v)
    return re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_") or "x"


def rule_name(action: str, args: tuple, variant: str = "") -> str:
    """The Python name of the rule for one binding (and variant)."""
    base = action.replace(".", "_")
    parts = [base] + ([_ident(a) for a in args] if args else [])
    name = parts[0] + ("__" + "_".join(parts[1:]) if len(parts) > 1 else "")
    return name + (f"__{variant}" if variant else "")


def _expect_violated(spec: ir.Spec, inv: ir.Invariant) -> bool:
    """``expect: violated`` (possibly ``when N=V`` at the spec's constants): checker.expectations."""
    from .expectations import expected_verdict

    return expected_verdict(spec, inv.name) == "violated"


def _project(state: Mapping[str, Any], keys: Iterable[str]) -> dict:
    return {k: state[k] for k in keys}


def conformance_machine(spec: Union[str, ir.Spec], factory: Callable[[], Any],
                        state_of: Callable[[Any], Mapping[str, Any]],
                        actions: Mapping[str, Union[ActionFn, Mapping[str, ActionFn]]], *,
                        consts: Optional[dict] = None, invariants: Optional[Iterable[str]] = None,
                        skip: Iterable[str] = (), expected_exceptions: tuple = (),
                        name: Optional[str] = None, teardown: Optional[Callable[[Any], None]] = None):
    """Build a ``hypothesis.stateful.RuleBasedStateMachine`` subclass.

    ``invariants``: names to check after every step (default: every
    invariant of the spec not documented ``expect: violated``, with its
    ``when N=V`` condition read at the spec's constants).
    ``skip``: spec actions deliberately not driven; an action listed here is
    never chosen even if ``actions`` maps it.
    ``expected_exceptions``: a tuple of exception classes an action may raise
    as part of its normal behaviour (a breaker rejecting a call, a timeout):
    such an exception is swallowed and the object's state after it is still
    checked against the spec's successors; any other exception fails the test.
    ``teardown``: called with the object after each Hypothesis example (its
    last step or its failure), to release what ``factory`` acquired (threads,
    sockets, temporary files); exceptions from it fail the test.  Subclassing
    the returned class and overriding ``teardown(self)`` (``self.obj`` is the
    object; call ``super().teardown()``) does the same.
    Returns the class; its ``.TestCase`` is a unittest/pytest test.
    """
    teardown_fn = teardown
    from hypothesis import strategies as st  # noqa: F401  (hypothesis must be importable)
    from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

    spec = _load(spec, consts)
    known = {a.name for a in spec.actions}
    bad = set(actions) - known
    if bad:
        raise ValueError(f"actions not in the spec: {', '.join(sorted(bad))}; spec actions: "
                         f"{', '.join(sorted(known))}")
    skip = set(skip)
    bad = skip - known
    if bad:
        raise ValueError(f"skip= names actions not in the spec: {', '.join(sorted(bad))}; spec actions: "
                         f"{', '.join(sorted(known))}")
    # skip wins over a mapping: an action listed in skip= is never chosen, even
    # when `actions` maps it (a shared mapping, with some actions left out per test)
    actions = {k: v for k, v in actions.items() if k not in skip}
    missing = known - set(actions) - skip
    if missing:
        raise ValueError(f"spec actions with no mapping (map them or list them in skip=): "
                         f"{', '.join(sorted(missing))}")
    if invariants is None:
        checked = [inv for inv in spec.invariants if not _expect_violated(spec, inv)]
    else:
        names = set(invariants)
        checked = [inv for inv in spec.invariants if inv.name in names]
        unknown = names - {inv.name for inv in checked}
        if unknown:
            raise ValueError(f"unknown invariant(s): {', '.join(sorted(unknown))}")
    consts_v = spec.const_values()

    def fail(msg: str) -> None:
        raise ConformanceError(msg)

    class _Base(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.obj = factory()
            obs = dict(state_of(self.obj))
            self.keys = tuple(obs)
            unknown_vars = set(self.keys) - {v.name for v in spec.vars}
            if unknown_vars:
                fail(f"state_of returned names that are not spec variables: {sorted(unknown_vars)}")
            inits = [s for s in initial_states(spec) if not isinstance(s, StepError)]
            self.candidates = {freeze(spec, s) for s in inits if _project(s, self.keys) == obs}
            if not self.candidates:
                fail(f"the object's initial state {obs} is not an initial state of spec "
                     f"{spec.name} (initial states: {[_project(s, self.keys) for s in inits]})")

        def teardown(self):
            if teardown_fn is not None:
                teardown_fn(self.obj)

        def enabled(self, action: str, args: tuple) -> bool:
            return any(run_action(spec, action, args, thaw(spec, c)) for c in self.candidates)

        def apply(self, action: str, args: tuple, fn: ActionFn, label: str) -> None:
            succ: list = []
            for c in self.candidates:
                succ.extend(run_action(spec, action, args, thaw(spec, c)))
            errors = [s for s in succ if isinstance(s, StepError)]
            states = [s for s in succ if not isinstance(s, StepError)]
            try:
                fn(self.obj, *args)
            except expected_exceptions:
                pass
            obs = dict(state_of(self.obj))
            match = {freeze(spec, s) for s in states if _project(s, self.keys) == obs}
            if not match:
                allowed = sorted({tuple(sorted(_project(s, self.keys).items())) for s in states}, key=repr)
                msg = (f"{label}: the object's new state is not a successor allowed by spec {spec.name}\n"
                       f"  object: {obs}\n  spec allows: "
                       + ("\n               ".join(str(dict(a)) for a in allowed) or "(nothing)"))
                if errors:
                    msg += f"\n  spec step errs (typeok): {errors[0]}"
                fail(msg)
            self.candidates = match

        @invariant()
        def spec_invariants(self):
            for c in self.candidates:
                s = thaw(spec, c)
                for inv in checked:
                    try:
                        ok = evaluate(inv.expr, s, {}, consts_v)
                    except EvalError as e:
                        fail(f"invariant {inv.name} errs: {e}")
                    if not ok:
                        fail(f"invariant {inv.name} is false in {_project(s, self.keys) or s}")

    ns: dict[str, Any] = {}
    for a in spec.actions:
        if a.name not in actions:
            continue
        m = actions[a.name]
        variants = dict(m) if isinstance(m, Mapping) else {"": m}
        for args in a.bindings():
            args = tuple(args)
            for vname, fn in variants.items():
                rname = rule_name(a.name, args, vname)
                label = a.name + (f"({', '.join(ir.show_value(x) for x in args)})" if args else "") \
                    + (f" [{vname}]" if vname else "")

                def body(self, _a=a.name, _args=args, _fn=fn, _label=label):
                    self.apply(_a, _args, _fn, _label)

                def pre(self, _a=a.name, _args=args):
                    return self.enabled(_a, _args)

                body.__name__ = rname
                ns[rname] = rule()(precondition(pre)(body))
    bindings = [(a.name, tuple(b)) for a in spec.actions if a.name in actions for b in a.bindings()]

    def stuck(self):
        """No mapped binding is enabled (a deadlock of the spec, or every
        enabled action is skipped): nothing to do; Hypothesis needs a rule."""

    def stuck_pre(self):
        return not any(self.enabled(a, b) for a, b in bindings)

    ns["no_action_enabled"] = rule()(precondition(stuck_pre)(stuck))
    cls_name = name or (re.sub(r"(^|_)(\w)", lambda m: m.group(2).upper(), spec.name) + "Conformance")
    return type(cls_name, (_Base,), ns)
