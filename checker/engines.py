"""The engine registry: an engine's name -> its check function, imported lazily.

Nothing heavy is imported here: the explicit engine's module is imported when
the explicit engine runs, Z3 only when a symbolic engine runs, so that
``verify`` on a small spec starts fast.

Every engine has the signature ``check(spec, options) -> CheckResult``;
``induct`` (plain induction on a chosen conjunction of invariants) also takes
the invariant names: ``check(spec, names, options)``.
"""
from __future__ import annotations

import importlib
from typing import Callable

# name -> (module, function, one-line description)
ENGINES: dict[str, tuple[str, str, str]] = {
    "explicit": ("checker.explicit.engine", "check",
                 "breadth-first search over every reachable state (shortest traces)"),
    "bmc": ("checker.symbolic.bmc", "check",
            "bounded model checking with Z3 to --depth steps (finds violations, proves nothing)"),
    "kind": ("checker.symbolic.kind", "check",
             "k-induction with Z3, k = 1..--max-k (proves invariants for every depth)"),
    "pdr": ("checker.symbolic.pdr", "check",
            "PDR / IC3 with Z3's Spacer (proves invariants, prints the inductive invariant)"),
    "enum": ("checker.enum.engine", "check",
             "every reachable state, each one's successors enumerated by Z3 from the symbolic "
             "encoding (cross-checks the explicit engine; small specs)"),
    "induct": ("checker.symbolic.induct", "check",
               "plain induction on the conjunction of --invariants (a counterexample is a CTI)"),
}

# the engines that `--engine all` runs and cross-checks, in this order
ALL = ("explicit", "bmc", "kind", "pdr")

# seconds: the budget of `--engine all` (the whole cross-check) when no
# --timeout is given; without it one engine that cannot decide a property
# (pdr on a temporal property of spec/breaker.spec) runs unbounded
ALL_DEFAULT_TIMEOUT = 120.0

SYMBOLIC = frozenset({"bmc", "kind", "pdr", "induct"})


class EngineUnavailable(Exception):
    """The engine's module cannot be imported (not written yet, or Z3 missing)."""


def names() -> list[str]:
    return list(ENGINES)


def get(name: str) -> Callable:
    """The check function of engine ``name`` (imported on first use)."""
    try:
        module, fn, _ = ENGINES[name]
    except KeyError:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}") from None
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        raise EngineUnavailable(f"the {name} engine is not available: {e}") from e
    try:
        return getattr(mod, fn)
    except AttributeError:
        raise EngineUnavailable(f"the {name} engine is not available: "
                                f"{module} has no function {fn}()") from None


def describe(name: str) -> str:
    return ENGINES[name][2]
