"""Values over a chunk of states, and the operations on them that need the type.

A scalar is a Python ``int``/``bool`` (the same for every state: literals,
parameters, quantified variables) or a numpy array (``int64`` for integers
and enum indices, ``bool`` for booleans) with one entry per state.  Larger
values are small objects whose parts are scalars:

* :class:`SetV` -- a bitmask (uint64 array or int), bit i = element ``base + i``;
* :class:`SeqV` -- a length and ``cap`` element slots (slots past the length
  are ignored by every operation, so they may hold anything);
* :class:`MapV` -- one value per key, in key-domain order.

Every operation is the scalar engine's (``checker.ir`` docstring); runtime
errors are reported through ``Path.fail_if`` (see ``vstmts.py``), which hands
the chunk to the scalar code.
"""
from __future__ import annotations

import numpy as np

from ... import ir
from ..layout import dom_size

U1 = np.uint64(1)


class Unsupported(Exception):
    """A construct or width the array code does not handle (the action, or
    the property, falls back to the scalar generated code)."""


def is_arr(x) -> bool:
    """a per-state array: numpy's, or a device array (CuPy: numpy functions
    dispatch to it through ``__array_function__``)"""
    return isinstance(x, np.ndarray) or hasattr(x, "__cuda_array_interface__")


def land(a, b):
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return a & b


def lor(a, b):
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return a | b


def lnot(a):
    if isinstance(a, (bool, np.bool_)):
        return not a
    return ~a


def care_and(care, c):
    """the rows of ``care`` (None: all) where ``c`` holds"""
    if care is None:
        return c if is_arr(c) else (None if c else False)
    if care is False:
        return False
    c2 = land(care, c)
    return c2


def any_rows(m) -> bool:
    if m is None:
        return True
    if m is False or m is True:
        return bool(m)
    return bool(m.any())


def where(c, a, b):
    """``a`` where c, else ``b``, for any kind of value (the same object when
    both are: untouched parts stay shared)"""
    if a is b:
        return a
    if c is True or (isinstance(c, np.bool_) and c):
        return a
    if c is False or (isinstance(c, np.bool_) and not c):
        return b
    if isinstance(a, SetV):
        a, b = align(a, b)
        return SetV(np.where(c, _u(a.bits), _u(b.bits)), a.base, a.n)
    if isinstance(a, SeqV):
        cap = max(a.cap, b.cap)
        ea, eb = a.slots(cap), b.slots(cap)
        return SeqV(np.where(c, a.length, b.length), [np.where(c, x, y) for x, y in zip(ea, eb)], cap)
    if isinstance(a, MapV):
        return MapV([where(c, x, y) for x, y in zip(a.entries, b.entries)])
    return np.where(c, a, b)


def _u(x):
    return np.uint64(x) if isinstance(x, int) else x


class SetV:
    __slots__ = ("bits", "base", "n")

    def __init__(self, bits, base: int, n: int):
        self.bits, self.base, self.n = bits, base, n


class SeqV:
    __slots__ = ("length", "elems", "cap")

    def __init__(self, length, elems: list, cap: int):
        self.length, self.elems, self.cap = length, list(elems), cap

    def slots(self, cap: int) -> list:
        return self.elems[:cap] + [0] * (cap - len(self.elems))


class MapV:
    __slots__ = ("entries",)

    def __init__(self, entries: list):
        self.entries = list(entries)


def set_frame(t: ir.SetT) -> tuple[int, int]:
    """(base, bits) of a set type's masks; Unsupported past 63 elements"""
    e = t.elem
    if isinstance(e, ir.IntT):
        if not e.concrete:
            raise Unsupported("a set of an unbounded integer type")
        lo = e.bounds()[0]
    elif isinstance(e, (ir.BoolT, ir.EnumT)):
        lo = 0
    else:
        raise Unsupported(f"a set of {e}")
    n = dom_size(e)
    if n > 63:
        raise Unsupported(f"a set of {n} possible elements (more than 63)")
    return lo, n


def align(a: SetV, b: SetV) -> tuple[SetV, SetV]:
    """the two sets over one common frame (the smaller base, the wider range)"""
    if a.base == b.base and a.n == b.n:
        return a, b
    base = min(a.base, b.base)
    top = max(a.base + a.n, b.base + b.n)
    if top - base > 63:
        raise Unsupported("sets of different element ranges spanning more than 63 values")
    return rebase(a, base, top - base), rebase(b, base, top - base)


def rebase(s: SetV, base: int, n: int) -> SetV:
    """``s`` over the frame (base, n) (elements outside it dropped)"""
    sh = s.base - base
    bits = s.bits
    if isinstance(bits, int):
        bits = (bits << sh) if sh >= 0 else (bits >> -sh)
        return SetV(bits & ((1 << n) - 1), base, n)
    bits = (bits << np.uint64(sh)) if sh > 0 else (bits >> np.uint64(-sh)) if sh < 0 else bits
    return SetV(bits & np.uint64((1 << n) - 1), base, n)


def bit_of(x, base: int):
    """1 << (x - base) as uint64 (x inside the frame)"""
    if isinstance(x, (int, bool, np.integer)):
        return 1 << (int(x) - base)
    return U1 << (x - base).astype(np.uint64)


def member(x, s: SetV):
    """x in s (x outside the frame: false)"""
    if isinstance(x, (int, bool, np.integer)) and isinstance(s.bits, int):
        i = int(x) - s.base
        return 0 <= i < s.n and bool((s.bits >> i) & 1)
    i = x - s.base
    inside = (i >= 0) & (i < s.n)
    if is_arr(i):
        sh = np.where(inside, i, 0).astype(np.uint64)
    else:
        if not inside:
            return False
        sh = np.uint64(i)
    return inside & (((_u(s.bits) >> sh) & U1) == U1)


def popcount(bits):
    if isinstance(bits, int):
        return bin(bits).count("1")
    if hasattr(np, "bitwise_count"):          # numpy >= 2.0
        return np.bitwise_count(bits).astype(np.int64)
    out = np.zeros(len(bits), dtype=np.int64)
    for i in range(64):
        out += ((bits >> np.uint64(i)) & U1).astype(np.int64)
    return out


def equal(a, b, t: ir.Type):
    """deep equality of two values of type t"""
    if isinstance(t, ir.SetT):
        a, b = align(a, b)
        return _eq(a.bits, b.bits)
    if isinstance(t, ir.SeqT):
        cap = max(a.cap, b.cap)
        out = _eq(a.length, b.length)
        for i, (x, y) in enumerate(zip(a.slots(cap), b.slots(cap))):
            out = land(out, lor(_le_const(a.length, i), _eq(x, y)))
        return out
    if isinstance(t, ir.MapT):
        out = True
        for x, y in zip(a.entries, b.entries):
            out = land(out, equal(x, y, t.value))
        return out
    return _eq(a, b)


def _eq(x, y):
    r = x == y
    return bool(r) if not is_arr(r) else r


def _le_const(length, i: int):
    """length <= i"""
    r = length <= i
    return bool(r) if not is_arr(r) else r


def fits(v, t: ir.Type, orig=None):
    """is v (deeply) inside type t: True/False or a bool array; parts that
    are the very objects of ``orig`` (a value known to fit: the variable's
    value before the assignment) are not checked again"""
    if v is orig:
        return True
    if isinstance(t, (ir.BoolT, ir.EnumT)):
        return True
    if isinstance(t, ir.IntT):
        lo, hi = t.bounds()
        if not is_arr(v):
            return lo <= v <= hi
        return (v >= lo) & (v <= hi)
    if isinstance(t, ir.SetT):
        base, n = set_frame(t)
        lo, hi = max(base, v.base), min(base + n, v.base + v.n)
        allowed = ((1 << max(0, hi - lo)) - 1) << (lo - v.base) if hi > lo else 0
        bad = v.bits & ~allowed & ((1 << v.n) - 1) if isinstance(v.bits, int) else \
            v.bits & np.uint64(~allowed & ((1 << v.n) - 1))
        return _eq(bad, 0)
    if isinstance(t, ir.SeqT):
        out = _le_const(v.length, t.cap)
        for i, x in enumerate(v.elems):
            f = fits(x, t.elem)
            if f is not True:
                out = land(out, lor(_le_const(v.length, i), f))
        if len(v.elems) > t.cap:
            pass        # slots past cap are past the length when the length fits
        return out
    if isinstance(t, ir.MapT):
        out = True
        olds = orig.entries if isinstance(orig, MapV) else [None] * len(v.entries)
        for x, o in zip(v.entries, olds):
            out = land(out, fits(x, t.value, o))
        return out
    raise Unsupported(f"type {t}")
