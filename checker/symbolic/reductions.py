"""The reductions a proof may run after: functions from a transition system
(system.py) to another, each with a typed record of what it did, from
which the verdict's words and evidence are made.

* the **liveness-to-safety product** (l2s.py): a temporal property becomes
  the safety property "no bad product state", on the spec with a saved
  copy of the state and monitor bits;
* **frozen leaves** (frozen.py): variables no violating loop can change are
  held fixed on the product's loop;
* the **cone of influence** (coi.py): the variables the property cannot see
  are dropped, when that is sound (see :func:`cone_of_influence`);
* **bit-blasting** (bitblast.py): Spacer over Boolean coordinates; it is
  a way of solving rather than a system (bitblast.solve), so only its
  record is here (``Reduced.bit_level``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import z3

from .. import evidence as ev
from .. import ir
from ..results import INVARIANT
from . import coi
from .common import Clock, Prop, build_props, new_solver
from .encode import Encoder, mk_not
from .frozen import frozen_leaves
from .l2s import Product


@dataclass(frozen=True)
class Reduced:
    """What the reductions did before a proof on the product."""
    on_product: bool = False
    kept: tuple[str, ...] | None = None   # the cone's variables, when it dropped some
    dropped: tuple[str, ...] = ()         # the variables the cone dropped
    why_dropped: str = ""                 # why dropping them is sound, in words
    cone_sound: str = ""                  # the same as an evidence.CONE_* constant
    frozen: tuple[str, ...] = ()          # held fixed on the loop
    bit_level: bool = False               # Spacer answered over Boolean coordinates

    def solved(self, bit_level: bool) -> "Reduced":
        return replace(self, bit_level=bit_level)


@dataclass(frozen=True)
class Cone:
    """The cone of influence to prove on: its encoder, the proved
    invariants' ``good`` formulas over its state (``used``: those
    invariants), the dropped variables and why dropping them is sound."""
    system: Encoder
    goods: list
    dropped: tuple[str, ...]
    why: str
    used: list
    sound: str = ""    # an evidence.CONE_* constant


def liveness_to_safety(system: Encoder, t: ir.Temporal, goods: list, seed: int, clock: Clock,
                       record: Reduced = Reduced()) -> tuple[Product, Reduced]:
    """The product of ``system`` with ``t``'s monitor, with the leaves no
    violating loop can change held fixed on the loop (frozen.py; found
    assuming the proved invariants ``goods``, within a tenth of a time
    budget)."""
    fixed = frozen_leaves(system, t, goods, seed, share(clock, 10))
    prod = Product(system, t, fixed)
    return prod, replace(record, on_product=True, frozen=prod.frozen_names())


def cone_of_influence(enc: Encoder, p: Prop, proved: list, typeok_proved, seed: int,
                      clock: Clock) -> tuple[Cone | None, Reduced]:
    """The property's cone when it is sound to prove on (else None: the
    whole spec), and its record."""
    found = _cone(enc, p, proved, typeok_proved, seed, clock)
    if found is None:
        return None, Reduced()
    cone = Cone(*found)
    return cone, Reduced(kept=tuple(v.name for v in cone.system.spec.vars), dropped=tuple(cone.dropped),
                         why_dropped=cone.why, cone_sound=cone.sound)


def share(clock: Clock, n: int) -> Clock:
    """A clock for a preliminary step: 1/n of what is left of a time budget,
    the same resource limit per query."""
    return clock if clock.timeout is None else clock.share(clock.remaining_ms() / (1000 * n))



def _cone(enc: Encoder, p: Prop, proved: list, typeok_proved, seed: int, clock: Clock):
    """(encoder to prove on, its assumptions over its state, dropped
    variables, why dropping them is sound, invariants assumed): the cone
    of influence (coi.py) when it drops something and either every step of
    the cone is a step of the spec (``cone_is_exact``), or typeok is
    proved (``typeok_proved()``: how, or "" when it is not; asked only
    then), or, failing both, the cone that keeps one more variable is
    exact; else None (the caller proves on the whole product)."""
    spec, dropped = coi.reduce(enc.spec, p.decl)
    why = ""
    sound = ev.CONE_EXACT
    if dropped:
        small = Encoder(spec, poll=enc.poll)
        # the exactness checks may take a third of a time budget in all
        clock = share(clock, 3)
        if cone_is_exact(enc, small, seed, clock):
            why = "no update of them can err"
        elif how := typeok_proved():
            # the whole cone rather than an exact one that keeps more: it is
            # smaller (tracing's requests_finish: proved in 22 s with `pos`
            # dropped, unknown after 300 s with it kept)
            why = f"typeok is proved ({how})"
            sound = ev.CONE_TYPEOK_BY_KIND if how.startswith("by k-induction") else ev.CONE_TYPEOK_PROVED
        else:
            found = exact_cone_keeping_one(enc, p.decl, dropped, seed, clock)
            if found is not None:
                spec, small, dropped = found
                why = "no update of them can err"
    if not why:
        return None
    keep = {i.name: i for i in spec.invariants}
    used = [a for a in proved if a.name in keep]
    props = build_props(small, [(a.name, INVARIANT, keep[a.name]) for a in used])
    return small, [a.good for a in props], dropped, why, used, sound


def exact_cone_keeping_one(enc: Encoder, t: ir.Temporal, dropped: tuple, seed: int, clock: Clock):
    """The exact cone that drops the most when one more variable is kept
    (say, a stack whose push can overflow, with what it reads), or None."""
    best = None
    for v in dropped:
        spec, rest = coi.reduce(enc.spec, t, {v})
        if rest and (best is None or len(rest) > len(best[2])):
            small = Encoder(spec, poll=enc.poll)
            if cone_is_exact(enc, small, seed, clock):
                best = (spec, small, rest)
    return best


def cone_is_exact(enc: Encoder, small: Encoder, seed: int, clock: Clock) -> bool:
    """Does every action take a step in the cone exactly when it takes one in
    the spec, from every typed state?  The cone's steps drop the updates of
    the dropped variables; if none of those can err, the two agree (the
    step's guard and the kept updates are the same formulas over the same
    Z3 constants: the encoders name leaves and step variables alike)."""
    for full, part in zip(enc.actions, small.actions):
        if z3.eq(full.ok, part.ok):
            continue
        s = new_solver(seed)
        s.add(enc.const_axiom, enc.state_inv(enc.cur), part.dom, part.ok, mk_not(full.ok))
        clock.arm(s)
        if s.check() != z3.unsat:
            return False
    return True
