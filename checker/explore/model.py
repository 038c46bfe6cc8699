"""The stepper: states and their successors through the explicit engine's
generated code, and paths of action labels replayed from an initial state.

A path is what the URL holds (``/path/call_fails/tick/...``): one segment per
step, the step's label as traces print it (``call_fails``, ``call(2)``,
``writer(1).notify``).  When one binding has several outcomes (``either``),
each gets ``~k`` (1-based, in statement order): ``call_after_timeout~2``.  A
first segment ``@k`` chooses initial state k (1-based) when there are
several.  Nothing of a URL is evaluated: a segment is only compared with the
labels the spec's own transitions have.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .. import ir
from ..explicit.compile import Program
from ..explicit.runtime import StepError
from ..explicit.search import Found, packed_initial_states
from ..explicit.trace import action_of, error_detail
from ..results import Step


class PathError(ValueError):
    """A path that the spec does not allow (shown as a page, HTTP 404)."""

    def __init__(self, message: str, good: list[str]):
        super().__init__(message)
        self.good = good          # the segments before the bad one


@dataclass
class Transition:
    action: str                   # the action's name
    args: tuple                   # canonical argument values
    label: str                    # as traces print it
    segment: str                  # the URL segment (label, ~k when ambiguous)
    target: Optional[int] = None  # packed successor (None: the step errs)
    error: str = ""               # the runtime error of an erroneous step
    branch: int = 0               # 1-based outcome index when the binding has several


@dataclass
class Disabled:
    action: str
    args: tuple
    label: str
    reasons: list = field(default_factory=list)   # (line, require text, values text)


@dataclass
class Position:
    """Where a path leads: the states along it and the transitions taken."""

    segments: list[str]
    states: list[int]             # packed, states[0] initial
    taken: list[Transition]       # len(states) - 1
    initial_index: int            # 0-based


class Explorer:
    """One spec with every constant bound, compiled once (no symmetry
    reduction: the stepper shows every state as it is)."""

    def __init__(self, spec: ir.Spec):
        self.spec = spec
        self.prog = Program(spec)
        found = Found(len(spec.invariants))
        inits = packed_initial_states(self.prog, found)
        self.initial = list(dict.fromkeys(inits))
        self.initial_error = None
        if found.typeok is not None:
            rec = found.typeok
            self.initial_error = (error_detail(self.prog, rec[1]) if rec[0] == "initerr"
                                  else "an initial value is outside its type")
        self.types = {v.name: v.type for v in spec.vars}

    # ---------------------------------------------------------------- states

    def state(self, s: int) -> dict:
        return self.prog.layout.canonical(s)

    def transitions(self, s: int) -> tuple[list[Transition], list[tuple[int, str, tuple, str]]]:
        """The enabled steps from ``s`` (in action and binding order) and the
        disabled bindings as (action index, action, args, label)."""
        enabled: list[Transition] = []
        disabled: list[tuple[int, str, tuple, str]] = []
        for ai, binds in enumerate(self.prog.bindings):
            fn = self.prog.trace_fns[ai]
            for b in binds:
                out: list = []
                errs: list = []
                try:
                    fn(s, out, errs, b)
                except StepError as e:     # the generated code may raise instead of collecting
                    errs.append(e)
                name, args = action_of(self.prog, ai, b)
                label = Step(name, args).label()
                n = len(out) + len(errs)
                if n == 0:
                    disabled.append((ai, name, args, label))
                    continue
                for k, t in enumerate(out, start=1):
                    seg = label if n == 1 else f"{label}~{k}"
                    enabled.append(Transition(name, args, label, seg, target=t, branch=k if n > 1 else 0))
                for k, e in enumerate(errs, start=len(out) + 1):
                    seg = label if n == 1 else f"{label}~{k}"
                    enabled.append(Transition(name, args, label, seg, error=error_detail(self.prog, e),
                                              branch=k if n > 1 else 0))
        return enabled, disabled

    def why_disabled(self, s: int, ai: int, args: tuple) -> list[tuple]:
        """The ``require`` statements that fail for this binding in ``s``,
        found by the reference interpreter (``checker.interp``)."""
        from .why import failing_requires

        return failing_requires(self.spec, self.spec.actions[ai], args, self.state(s))

    # ---------------------------------------------------------------- paths

    def follow(self, segments: list[str]) -> Position:
        if not self.initial:
            raise PathError("the spec has no initial state" +
                            (f": {self.initial_error}" if self.initial_error else ""), [])
        segs = [s for s in segments if s != ""]
        start = 0
        good: list[str] = []
        if segs and segs[0].startswith("@"):
            k = segs[0][1:]
            if not k.isdigit() or not 1 <= int(k) <= len(self.initial):
                raise PathError(f"{segs[0]}: there are {len(self.initial)} initial states "
                                f"(@1..@{len(self.initial)})", [])
            start = int(k) - 1
            good.append(segs[0])
            segs = segs[1:]
        states = [self.initial[start]]
        taken: list[Transition] = []
        for i, seg in enumerate(segs, start=1):
            enabled, _ = self.transitions(states[-1])
            match = next((t for t in enabled if t.segment == seg), None)
            if match is None:
                names = ", ".join(t.segment for t in enabled) or "none (a deadlock)"
                raise PathError(f"step {i}: {seg!r} is not a step the spec allows here; "
                                f"enabled: {names}", good)
            if match.target is None:
                raise PathError(f"step {i}: {seg} is an erroneous step ({match.error}): it leads "
                                f"to no state", good)
            states.append(match.target)
            taken.append(match)
            good.append(seg)
        return Position(good, states, taken, start)

    def is_terminal(self, s: int) -> bool:
        from ..interp import is_terminal

        return is_terminal(self.spec, self.state(s))
