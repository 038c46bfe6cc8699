"""What a search starts from (the packed initial states) and what it found:
the first (shortest) violation of each property, recorded by the generated
code's callbacks."""
from __future__ import annotations

from .compile import Program
from .runtime import StepError


class Found:
    """First (shortest) violations, recorded by the callbacks."""

    def __init__(self, n_invs: int = 0):
        self.inv: dict[int, tuple] = {}      # invariant index -> (state, StepError | None)
        self.typeok: tuple | None = None     # (parent, StepError, action index, binding) or
        #                                      ("init", values, bad) for initial states
        self.deadlock: int | None = None
        self.reach: dict[int, int] = {}      # reachability goal index -> first state
        self.changed = False

    def reached(self, k, s):
        if k not in self.reach:
            self.reach[k] = s
            self.changed = True

    def viol(self, k, s, e):
        if k < 0:                  # reachability goal -1 - k reached
            self.reached(-1 - k, s)
        elif k not in self.inv:
            self.inv[k] = (s, e)
            self.changed = True

    def err(self, e, s, ai, b):
        if self.typeok is None:
            self.typeok = (s, e, ai, b)
            self.changed = True

    def dead(self, s):
        if self.deadlock is None:
            self.deadlock = s
            self.changed = True

    def snapshot(self) -> dict:
        """The findings as plain data (a checkpoint saves them)."""
        return {"inv": dict(self.inv), "typeok": self.typeok, "deadlock": self.deadlock,
                "reach": dict(self.reach)}

    def restore(self, d: dict) -> None:
        """The findings of a :meth:`snapshot` (a resumed search)."""
        self.inv = dict(d["inv"])
        self.typeok = d["typeok"]
        self.deadlock = d["deadlock"]
        self.reach = dict(d["reach"])
        self.changed = False


def packed_initial_states(prog: Program, found: Found) -> list[int]:
    """The initial states, packed (and canonical under symmetry reduction:
    one per orbit), in the spec's order, repeats included; an initial state
    outside its type, or an error evaluating them, goes to ``found.typeok``."""
    try:
        initial = list(prog.initial_states())
    except StepError as e:
        found.typeok = ("initerr", e)
        return []
    out = []
    for values, bad in initial:
        if bad is not None:
            if found.typeok is None:
                found.typeok = ("initerr", bad) if isinstance(bad, StepError) else ("init", values, bad)
            continue
        s = prog.layout.pack(values)
        out.append(prog.symmetry.canon(s) if prog.symmetry is not None else s)
    return out
