"""A spec's properties, computed in one place: what ``--property`` may name,
what the pytest plugin collects, and what an engine checks under an
:class:`~checker.options.Options` (``properties``, ``check_deadlock``).

Report order: invariants, temporal properties, reachability goals,
refinements, then the built-in typeok and deadlock.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from .results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK

if TYPE_CHECKING:   # annotations only: the pytest plugin imports this module at every pytest start
    from . import ir

BUILTIN_PROPERTIES = (TYPEOK, DEADLOCK)
REFINEMENT = "refinement"


@dataclass(frozen=True)
class Declared:
    """One property: its name, its kind (checker.results), its declaration (None for a built-in)."""

    name: str
    kind: str
    decl: Any = None


def declared(spec: ir.Spec) -> list[Declared]:
    """Every property the spec can be checked for, in report order."""
    out = [Declared(i.name, INVARIANT, i) for i in spec.invariants]
    out += [Declared(p.name, PROPERTY, p) for p in getattr(spec, "properties", ())]
    out += [Declared(r.name, REACHABLE, r) for r in getattr(spec, "reachables", ())]
    out += [Declared(r.name, REFINEMENT, r) for r in getattr(spec, "refinements", ())]  # explicit engine only
    return out + [Declared(TYPEOK, TYPEOK), Declared(DEADLOCK, DEADLOCK)]


def property_names(spec: ir.Spec) -> list[str]:
    """The names ``--property`` accepts."""
    return [d.name for d in declared(spec)]


def is_wanted(name: str, options) -> bool:
    """Does the run ask for this property (``--property``, when given)?"""
    wanted: Optional[tuple] = getattr(options, "properties", None)
    return wanted is None or name in wanted


def wanted(spec: ir.Spec, options, supports: Optional[frozenset] = None) -> list[Declared]:
    """The properties a run checks: every declared one (deadlock only with
    ``check_deadlock``) that ``--property`` names, when given; with
    ``supports`` (an engine's, checker/engines.py) only the kinds it checks."""
    out = []
    for d in declared(spec):
        if d.kind == DEADLOCK and not options.check_deadlock:
            continue
        if supports is not None and d.kind not in supports:
            continue
        if is_wanted(d.name, options):
            out.append(d)
    return out
