"""Which properties a run of an explicit engine checks, computed in one
place for the search (every store), the simulation, the swarm and the
distributed search: ``--property`` selects by name, ``--no-deadlock`` drops
the deadlock check.

A "findings" object is anything with the attributes ``inv`` (invariant
index -> ...), ``reach`` (goal index -> ...), ``typeok`` and ``deadlock``
(None until found): the search's ``Found`` and the simulation's paths both
are."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .. import ir, properties
from ..options import Options
from ..results import DEADLOCK, INVARIANT, PROPERTY, REACHABLE, TYPEOK


@dataclass(frozen=True)
class Goals:
    invs: tuple[int, ...] = ()          # invariant indices
    reach: tuple[int, ...] = ()         # reachability goal indices
    typeok: bool = False
    deadlock: bool = False
    temporal: tuple = ()                # the spec's temporal properties wanted (ir objects)
    wanted: Optional[frozenset] = None  # the names asked for; None: every property

    @classmethod
    def of(cls, spec: ir.Spec, options: Options) -> "Goals":
        """From the one property list (checker/properties.py)."""
        chosen = {(d.kind, d.name) for d in properties.wanted(spec, options)}
        wanted = frozenset(options.properties) if options.properties is not None else None
        return cls(invs=tuple(k for k, inv in enumerate(spec.invariants) if (INVARIANT, inv.name) in chosen),
                   reach=tuple(k for k, g in enumerate(getattr(spec, "reachables", ()))
                               if (REACHABLE, g.name) in chosen),
                   typeok=(TYPEOK, TYPEOK) in chosen,
                   deadlock=(DEADLOCK, DEADLOCK) in chosen,
                   temporal=tuple(p for p in getattr(spec, "properties", ()) if (PROPERTY, p.name) in chosen),
                   wanted=wanted)

    def want(self, name: str) -> bool:
        return self.wanted is None or name in self.wanted

    def decided(self, found) -> bool:
        """Every safety property checked is violated (a goal: reached)."""
        return (all(k in found.inv for k in self.invs)
                and all(k in found.reach for k in self.reach)
                and (not self.typeok or found.typeok is not None)
                and (not self.deadlock or found.deadlock is not None))

    def open(self, *findings) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
        """(invariants, goals, deadlock?) still to check: not in any of ``findings``."""
        return (tuple(k for k in self.invs if all(k not in f.inv for f in findings)),
                tuple(k for k in self.reach if all(k not in f.reach for f in findings)),
                self.deadlock and all(f.deadlock is None for f in findings))
