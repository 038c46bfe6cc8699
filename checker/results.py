"""The one result shape every engine returns, and every reporter reads.

Four verdicts, never three: a property *holds* (proved, or checked on every
reachable state), is *violated* (with a trace), is *unknown* (a bound was
reached, the solver said unknown, a timeout), or the check hit an *error*.
``method`` always says how the verdict was obtained, in words a person can
read ("exhaustive search", "bounded model checking to depth 12",
"k-induction, k = 3", "PDR (Spacer)"), so that a bounded search is never
mistaken for a proof.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Verdict(str, Enum):
    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"
    ERROR = "error"


# Property kinds.  "typeok" and "deadlock" are the built-in checks; the others
# come from the spec.
INVARIANT = "invariant"
TYPEOK = "typeok"
DEADLOCK = "deadlock"
PROPERTY = "property"      # temporal (issue on liveness)
REACHABLE = "reachable"    # a witness is wanted; "holds" means a witness was found


@dataclass
class Step:
    """One state of a trace and the step that produced it.

    ``action`` is None for an initial state.  ``args`` are the action's
    parameter values in declaration order (canonical values, see checker.ir).
    ``state`` maps every variable name to its canonical value.
    """

    action: str | None
    args: tuple = ()
    state: dict[str, Any] = field(default_factory=dict)
    # The parameters' types, set (by checker/record_args.py) only when one is a
    # record or tuple, so the label shows its fields rather than its number.
    arg_types: tuple = field(default=(), compare=False, repr=False)

    def label(self) -> str:
        from .ir import show_typed_value, show_value

        types = self.arg_types or (None,) * len(self.args)
        shown = [show_typed_value(a, t) if t is not None else show_value(a) for a, t in zip(self.args, types)]
        if self.action is None:
            return "init"
        args = ", ".join(shown)
        proc, dot, step = self.action.partition(".")
        if dot:  # a process step: the instance is the first argument -> writer(2).notify
            first, rest = (shown[0], shown[1:]) if self.args else ("", [])
            label = f"{proc}({first}).{step}" if self.args else f"{proc}.{step}"
            return label + (("(" + ", ".join(rest) + ")") if rest else "")
        return f"{self.action}({args})" if self.args else self.action


@dataclass
class Trace:
    """A sequence of steps.  ``loop_start`` is set for a lasso: the steps from
    that index on repeat forever (the last step leads back to that state).
    ``kind``: "counterexample", "witness", or "cti" (a counterexample to
    induction, whose first state may be unreachable)."""

    steps: list[Step]
    kind: str = "counterexample"
    loop_start: int | None = None
    # For a lasso: the step from the last state back to steps[loop_start]
    # (its ``state`` is that state).  Engines may leave it None; the
    # orchestration fills it in from the reference semantics so reports show
    # the whole loop.
    closing: Step | None = None
    # The values of symbolic constants (``const`` without a value) this trace
    # was found for, when the engine chose them (Z3 engines).
    consts: dict = field(default_factory=dict)

    def __len__(self) -> int:
        # the number of steps taken, not counting the initial state
        return max(0, len(self.steps) - 1)


@dataclass
class PropertyResult:
    name: str
    kind: str                 # INVARIANT, TYPEOK, DEADLOCK, PROPERTY, REACHABLE
    verdict: Verdict
    method: str               # how it was obtained, in words
    trace: Trace | None = None
    detail: str = ""          # e.g. "failures = 4 is outside 0..3 (line 17)"
    depth: int | None = None  # BFS depth / BMC depth reached / k for k-induction
    found_invariant: str | None = None  # PDR's inductive invariant, in spec syntax
    doc: str = ""
    line: int | None = None   # where the property is declared
    seconds: float = 0.0
    # --traces K: further counterexamples after ``trace``, shortest first,
    # distinct final states (checker/explicit/many.py)
    more_traces: list = field(default_factory=list)
    # How the verdict was reached, as data (checker/evidence.py); readers use
    # this, never ``method``/``detail``, to find a fact.
    evidence: Any = None


@dataclass
class Stats:
    states: int = 0           # distinct states stored
    transitions: int = 0      # successor states generated (duplicates included)
    depth: int = 0            # BFS levels completed / BMC depth reached
    seconds: float = 0.0
    peak_memory_bytes: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. solver statistics

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


@dataclass
class CheckResult:
    spec: str
    file: str
    engine: str
    consts: dict[str, int]
    properties: list[PropertyResult]
    stats: Stats
    exhaustive: bool          # True only when every reachable state was visited
    notes: list[str] = field(default_factory=list)  # "stopped at --max-states 1000", ...

    def get(self, name: str) -> PropertyResult:
        for p in self.properties:
            if p.name == name:
                return p
        raise KeyError(name)

    def holds(self, name: str) -> bool:
        return self.get(name).verdict is Verdict.HOLDS

    def trace(self, name: str) -> Trace | None:
        return self.get(name).trace

    @property
    def verdict(self) -> Verdict:
        """The worst verdict over all properties: violated > error > unknown > holds."""
        order = [Verdict.VIOLATED, Verdict.ERROR, Verdict.UNKNOWN, Verdict.HOLDS]
        for v in order:
            if any(p.verdict is v for p in self.properties):
                return v
        return Verdict.HOLDS


# Exit codes of the CLI: one per overall verdict, 4 for a bug in the checker.
EXIT_HOLDS = 0
EXIT_VIOLATED = 1
EXIT_INPUT_ERROR = 2
EXIT_UNKNOWN = 3
EXIT_INTERNAL = 4


def exit_code(result: "CheckResult | Verdict") -> int:
    """The exit code of one result (or verdict): engines that disagree are a
    bug in the checker (4); otherwise by the overall verdict."""
    if isinstance(result, CheckResult):
        if getattr(result, "disagreements", None):
            return EXIT_INTERNAL
        result = result.verdict
    return {Verdict.HOLDS: EXIT_HOLDS, Verdict.VIOLATED: EXIT_VIOLATED,
            Verdict.UNKNOWN: EXIT_UNKNOWN, Verdict.ERROR: EXIT_INPUT_ERROR}[result]


def worst_exit(codes) -> int:
    """The exit code of several results: internal error > input error >
    violated > unknown > holds."""
    codes = list(codes)
    for c in (EXIT_INTERNAL, EXIT_INPUT_ERROR, EXIT_VIOLATED, EXIT_UNKNOWN, EXIT_HOLDS):
        if c in codes:
            return c
    return EXIT_HOLDS
