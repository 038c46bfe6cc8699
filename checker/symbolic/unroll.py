"""Per-time-step copies of the encoder's template formulas (z3.substitute)."""
from __future__ import annotations

import z3

from .encode import State, err_any
from .system import TransitionSystem


class Unroller:
    """States ``s@0, s@1, ...`` and steps between them.

    Step ``t`` (from state t to t+1) has its own copies of the step variables
    (``sel@t``, ``fail.c@t``); the *error step* leaving state t has separate
    copies (``sel@et``), so that asking "does an erroneous step leave state t"
    never constrains the ordinary step t.  ``prefix`` separates independent
    unrollings (k-induction's step case uses ``k``).
    """

    def __init__(self, enc: TransitionSystem, prefix: str = ""):
        self.enc = enc
        self.prefix = prefix
        self.states: list[State] = []
        self._steps: dict = {}
        self._init = None

    def state(self, t: int) -> State:
        while len(self.states) <= t:
            self.states.append(self.enc.make_state(f"@{self.prefix}{len(self.states)}"))
        return self.states[t]

    def step_vars(self, tag: str):
        return [z3.Const(f"{v.decl().name()}@{self.prefix}{tag}", v.sort()) for v in self.enc.step_vars]

    def _sub(self, f, t: int | None = None, nxt: int | None = None, tag: str | None = None):
        pairs = []
        if t is not None:
            pairs += list(zip(self.enc.cur.terms(), self.state(t).terms()))
        if nxt is not None:
            pairs += list(zip(self.enc.nxt.terms(), self.state(nxt).terms()))
        if tag is not None:
            pairs += list(zip(self.enc.step_vars, self.step_vars(tag)))
        pairs = [(a, b) for a, b in pairs if not a.eq(b)]
        return z3.substitute(f, *pairs) if pairs else f

    def sub_state(self, f, t: int, tag: str | None = None):
        return self._sub(f, t=t, tag=tag)

    def trans(self, t: int):
        key = ("T", t)
        if key not in self._steps:
            self._steps[key] = self._sub(self.enc.trans, t=t, nxt=t + 1, tag=str(t))
        return self._steps[key]

    def errstep(self, t: int):
        key = ("E", t)
        if key not in self._steps:
            self._steps[key] = self._sub(self.enc.errstep, t=t, tag=f"e{t}")
        return self._steps[key]

    def enabled(self, t: int):
        return self._sub(self.enc.enabled, t=t)

    def init(self):
        if self._init is None:
            f, errs = self.enc.init(self.state(0))
            self._init = f
        return self._init

    def init_err(self):
        _, errs = self.enc.init(self.state(0))
        return err_any(errs)

    def inv(self, t: int):
        return self.enc.state_inv(self.state(t))

    def distinct(self, i: int, j: int):
        return self.enc.distinct(self.state(i), self.state(j))
