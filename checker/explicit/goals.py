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

from .. import ir
from ..options import Options


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
        wanted = frozenset(options.properties) if options.properties is not None else None

        def want(name: str) -> bool:
            return wanted is None or name in wanted
        return cls(invs=tuple(k for k, inv in enumerate(spec.invariants) if want(inv.name)),
                   reach=tuple(k for k, g in enumerate(getattr(spec, "reachables", ())) if want(g.name)),
                   typeok=want("typeok"),
                   deadlock=bool(options.check_deadlock) and want("deadlock"),
                   temporal=tuple(p for p in getattr(spec, "properties", ()) if want(p.name)),
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
