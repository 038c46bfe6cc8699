"""The engine registry: every engine as one :class:`Engine` object.

An engine has a name, a family (exhaustive, bounded, proving, cross-check),
what it supports, and ``check(spec, options)``.  The command line's
``--engine`` choices, the pytest plugin's ``--spec-engine``, the proof
pages' engines and ``--engine all`` all read this registry, so a new engine
is its module plus one entry here.

Nothing heavy is imported here: an engine's module is imported when it
first runs (the explicit engine's when it runs, Z3 only with a symbolic
engine), so that ``verify`` on a small spec starts fast.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Optional

from .results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK

EXHAUSTIVE = "exhaustive"     # every reachable state: holds means holds
BOUNDED = "bounded"           # a violation within a bound; never a proof
PROVING = "proving"           # a proof for every depth (or unknown)
CROSS_CHECK = "cross-check"   # several engines, their verdicts compared

SAFETY = frozenset({INVARIANT, TYPEOK, DEADLOCK, REACHABLE})
TEMPORAL = frozenset({PROPERTY})
REFINEMENT = "refinement"     # ``refines A`` (a property kind of checker.properties)
TLA = "tla"                   # --semantics tla for temporal properties


class EngineUnavailable(Exception):
    """The engine's module cannot be imported (not written yet, or Z3 missing)."""


@dataclass(frozen=True)
class Engine:
    name: str
    family: str
    description: str              # one line, for --help and the docs
    module: str                   # where its check function is, imported on first use
    supports: frozenset           # property kinds (checker.results), REFINEMENT, TLA
    function: str = "check"
    uses_z3: bool = False         # the run's watchdog interrupts Z3 when the run stops
    needs_constants: bool = False  # every constant must have a value (no proof for all values)
    takes_invariants: bool = False  # check(spec, invariant names, options): induct
    cross_checked: bool = False   # one of the engines `--engine all` runs, in registry order

    def check(self, spec, options, invariants: Optional[tuple[str, ...]] = None):
        """Run the engine on a loaded spec -> CheckResult."""
        fn = get(self.name)      # through get(): a test may replace the engines
        if self.takes_invariants:
            return fn(spec, invariants or tuple(i.name for i in spec.invariants), options)
        return fn(spec, options)

    def load(self) -> Callable:
        try:
            mod = importlib.import_module(self.module)
        except ImportError as e:
            raise EngineUnavailable(f"the {self.name} engine is not available: {e}") from e
        try:
            return getattr(mod, self.function)
        except AttributeError:
            raise EngineUnavailable(f"the {self.name} engine is not available: "
                                    f"{self.module} has no function {self.function}()") from None


REGISTRY: dict[str, Engine] = {e.name: e for e in (
    Engine("explicit", EXHAUSTIVE,
           "breadth-first search over every reachable state (shortest traces)",
           "checker.explicit.engine", SAFETY | TEMPORAL | {REFINEMENT, TLA},
           needs_constants=True, cross_checked=True),
    Engine("bmc", BOUNDED,
           "bounded model checking with Z3 to --depth steps (finds violations, proves nothing)",
           "checker.symbolic.bmc", SAFETY | TEMPORAL, uses_z3=True, cross_checked=True),
    Engine("kind", PROVING,
           "k-induction with Z3, k = 1..--max-k (proves invariants for every depth)",
           "checker.symbolic.kind", SAFETY | TEMPORAL, uses_z3=True, cross_checked=True),
    Engine("pdr", PROVING,
           "PDR / IC3 with Z3's Spacer (proves invariants, prints the inductive invariant)",
           "checker.symbolic.pdr", SAFETY | TEMPORAL, uses_z3=True, cross_checked=True),
    Engine("induct", PROVING,
           "plain induction on the conjunction of --invariants (a counterexample is a CTI)",
           "checker.symbolic.induct", frozenset({INVARIANT}), uses_z3=True, takes_invariants=True),
    Engine("enum", EXHAUSTIVE,
           "every reachable state, each one's successors enumerated by Z3 from the symbolic "
           "encoding (cross-checks the explicit engine; small specs)",
           "checker.enum.engine", SAFETY | TEMPORAL, uses_z3=True),
    Engine("all", CROSS_CHECK,
           "explicit, bmc, kind and pdr on the same spec, their verdicts cross-checked",
           "checker.orchestrate.dispatch", SAFETY | TEMPORAL | {REFINEMENT}, function="cross_check"),
)}

# compatibility: `name in ENGINES`, `ENGINES[name].description`
ENGINES = REGISTRY

# the engines that `--engine all` runs and cross-checks, in this order
ALL = tuple(e.name for e in REGISTRY.values() if e.cross_checked)

# seconds: the budget of `--engine all` (the whole cross-check) when no
# --timeout is given; without it one engine that cannot decide a property
# (pdr on a temporal property of spec/breaker.spec) runs unbounded
ALL_DEFAULT_TIMEOUT = 120.0

SYMBOLIC = frozenset(e.name for e in REGISTRY.values() if e.uses_z3 and e.family != EXHAUSTIVE)


def names(family: Optional[str] = None) -> list[str]:
    """The engines' names (of one family), in registry order."""
    return [e.name for e in REGISTRY.values() if family is None or e.family == family]


def names_of_whole_spec() -> list[str]:
    """The engines that check a whole spec from ``check(spec, options)``
    alone (not induct, which needs the invariants to prove together)."""
    return [e.name for e in REGISTRY.values() if not e.takes_invariants]


def single_engines() -> list[str]:
    """The engines that check a whole spec on their own (not induct, not a cross-check)."""
    return [e.name for e in REGISTRY.values() if not e.takes_invariants and e.family != CROSS_CHECK]


def engine(name: str) -> Engine:
    """The engine called ``name``; KeyError naming the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(REGISTRY)}") from None


def get(name: str) -> Callable:
    """The check function of engine ``name`` (imported on first use)."""
    return engine(name).load()


def describe(name: str) -> str:
    return engine(name).description
