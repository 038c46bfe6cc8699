"""Value representations and the bit layout of packed states.

Inside the compiled code every value has an *internal* form:

* ``bool`` -> bool (or the ints 0/1, which compare equal);
* integer range -> int;
* enum member -> its index in the enum (an int);
* ``set<E>`` -> an int bitmask when E is an enum or bool (bit = index) or a
  small integer range (bit = value + SET_BIAS, the same bit for a value
  whatever the range, so sets of different ranges combine with ``|``/``&``),
  a ``frozenset`` of ints for other integer ranges;
* ``map<K, V>`` -> tuple of V values in key-domain order;
* ``seq<T, N>`` -> tuple.

A *state* is one Python int: every variable owns a fixed bit field (its
value's position in the type's domain).  Scalars and map entries of scalar
values are read and written in place with shifts and masks; other values are
encoded/decoded by small closures built here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import ir


def bits_for(count: int) -> int:
    """Bits needed to store ``count`` distinct values (0 for one value)."""
    return max(0, count - 1).bit_length()


def int_bounds(t: ir.IntT) -> tuple[int, int]:
    return t.bounds()


def dom_size(t: ir.Type) -> int:
    if isinstance(t, ir.BoolT):
        return 2
    if isinstance(t, ir.IntT):
        lo, hi = t.bounds()
        return hi - lo + 1
    if isinstance(t, ir.EnumT):
        return len(t.members)
    raise TypeError(f"{t} is not a finite scalar type")


def dom_lo(t: ir.Type) -> int:
    """The value whose index is 0 (0 for bool and enums)."""
    return t.bounds()[0] if isinstance(t, ir.IntT) else 0


def internal_domain(t: ir.Type) -> tuple:
    """Internal values of a finite scalar type, in domain order."""
    if isinstance(t, ir.BoolT):
        return (False, True)
    if isinstance(t, ir.IntT):
        lo, hi = t.bounds()
        return tuple(range(lo, hi + 1))
    return tuple(range(len(t.members)))


SET_BIAS = 16      # integer-set bitmasks: bit x + SET_BIAS holds element x
SET_MAX = 1024     # ... for element ranges inside -SET_BIAS..SET_MAX-1


def is_int_bitset(t: ir.Type) -> bool:
    """Sets of integers whose internal form is a bitmask (bit = value + SET_BIAS)."""
    if not (isinstance(t, ir.SetT) and isinstance(t.elem, ir.IntT) and t.elem.concrete):
        return False
    lo, hi = t.elem.bounds()
    return -SET_BIAS <= lo and hi < SET_MAX


def is_bitset(t: ir.Type) -> bool:
    """Sets whose internal form is a bitmask."""
    return isinstance(t, ir.SetT) and (isinstance(t.elem, (ir.EnumT, ir.BoolT))
                                       or is_int_bitset(t))


def set_shift(t: ir.SetT) -> int:
    """Bit of the internal mask that holds the element whose index is 0."""
    return t.elem.bounds()[0] + SET_BIAS if isinstance(t.elem, ir.IntT) else 0


def type_mask(t: ir.SetT) -> int:
    """Internal mask of the full set of t's elements."""
    return ((1 << dom_size(t.elem)) - 1) << set_shift(t)


def width(t: ir.Type) -> int:
    if isinstance(t, (ir.BoolT, ir.IntT, ir.EnumT)):
        return bits_for(dom_size(t))
    if isinstance(t, ir.SetT):
        return dom_size(t.elem)
    if isinstance(t, ir.MapT):
        return dom_size(t.key) * width(t.value)
    if isinstance(t, ir.SeqT):
        return bits_for(t.cap + 1) + t.cap * width(t.elem)
    raise TypeError(t)


def check_finite(t: ir.Type) -> None:
    """Raise ir.SymbolicBound when a bound is not concrete."""
    if isinstance(t, ir.IntT):
        t.bounds()
    elif isinstance(t, ir.SetT):
        check_finite(t.elem)
    elif isinstance(t, ir.MapT):
        check_finite(t.key)
        check_finite(t.value)
    elif isinstance(t, ir.SeqT):
        check_finite(t.elem)


# ------------------------------------------------------------ encode / decode


def encoder(t: ir.Type) -> Callable[[object], int]:
    """internal value (assumed inside t) -> bits"""
    if isinstance(t, (ir.BoolT, ir.EnumT)):
        return int
    if isinstance(t, ir.IntT):
        lo = t.bounds()[0]
        return lambda v: v - lo
    if isinstance(t, ir.SetT):
        if is_bitset(t):
            sh = set_shift(t)
            return (lambda v: v >> sh) if sh else int
        lo = t.elem.bounds()[0]
        return lambda v: sum(1 << (x - lo) for x in v)
    if isinstance(t, ir.MapT):
        w = width(t.value)
        enc = encoder(t.value)

        def enc_map(v):
            out = 0
            for i, x in enumerate(v):
                out |= enc(x) << (i * w)
            return out
        return enc_map
    if isinstance(t, ir.SeqT):
        lb = bits_for(t.cap + 1)
        w = width(t.elem)
        enc = encoder(t.elem)

        def enc_seq(v):
            out = len(v)
            for i, x in enumerate(v):
                out |= enc(x) << (lb + i * w)
            return out
        return enc_seq
    raise TypeError(t)


def decoder(t: ir.Type) -> Callable[[int], object]:
    """bits -> internal value"""
    if isinstance(t, ir.BoolT):
        return bool
    if isinstance(t, ir.EnumT):
        return int
    if isinstance(t, ir.IntT):
        lo = t.bounds()[0]
        return lambda b: b + lo
    if isinstance(t, ir.SetT):
        if is_bitset(t):
            sh = set_shift(t)
            return (lambda b: b << sh) if sh else int
        lo = t.elem.bounds()[0]
        size = dom_size(t.elem)

        def dec_set(b):
            return frozenset(lo + i for i in range(size) if (b >> i) & 1)
        if size <= 10:
            table = [dec_set(b) for b in range(1 << size)]
            return table.__getitem__
        return dec_set
    if isinstance(t, ir.MapT):
        w = width(t.value)
        m = (1 << w) - 1
        dec = decoder(t.value)
        k = dom_size(t.key)
        return lambda b: tuple(dec((b >> (i * w)) & m) for i in range(k))
    if isinstance(t, ir.SeqT):
        lb = bits_for(t.cap + 1)
        lm = (1 << lb) - 1
        w = width(t.elem)
        m = (1 << w) - 1
        dec = decoder(t.elem)
        return lambda b: tuple(dec((b >> (lb + i * w)) & m) for i in range(b & lm))
    raise TypeError(t)


def canon(t: ir.Type, v: object) -> object:
    """internal value -> canonical value (checker.ir)"""
    if isinstance(t, ir.BoolT):
        return bool(v)
    if isinstance(t, ir.IntT):
        return v
    if isinstance(t, ir.EnumT):
        return t.members[v]
    if isinstance(t, ir.SetT):
        if is_int_bitset(t):
            return frozenset(i - SET_BIAS for i in range(v.bit_length()) if (v >> i) & 1)
        if is_bitset(t):
            dom = ir.domain_values(t.elem)
            return frozenset(dom[i] for i in range(len(dom)) if (v >> i) & 1)
        return frozenset(v)
    if isinstance(t, ir.MapT):
        return tuple(canon(t.value, x) for x in v)
    if isinstance(t, ir.SeqT):
        return tuple(canon(t.elem, x) for x in v)
    raise TypeError(t)


def runtime_fits(t: ir.Type) -> Callable[[object], bool] | None:
    """A deep membership test for internal values, or None when every value
    of the internal form is automatically inside t."""
    if is_int_bitset(t):
        full = type_mask(t)
        return lambda v: not (v & ~full)
    if isinstance(t, (ir.BoolT, ir.EnumT)) or is_bitset(t):
        return None
    if isinstance(t, ir.IntT):
        lo, hi = t.bounds()
        return lambda v: lo <= v <= hi
    if isinstance(t, ir.SetT):
        lo, hi = t.elem.bounds()
        return lambda v: all(lo <= x <= hi for x in v)
    if isinstance(t, ir.SeqT):
        cap = t.cap
        f = runtime_fits(t.elem)
        if f is None:
            return lambda v: len(v) <= cap
        return lambda v: len(v) <= cap and all(f(x) for x in v)
    if isinstance(t, ir.MapT):
        f = runtime_fits(t.value)
        if f is None:
            return None
        return lambda v: all(f(x) for x in v)
    raise TypeError(t)


def subtype(a: ir.Type, b: ir.Type) -> bool:
    """Is every value of type a (deep) a value of type b?"""
    if isinstance(b, ir.BoolT):
        return isinstance(a, ir.BoolT)
    if isinstance(b, ir.IntT):
        if not (isinstance(a, ir.IntT) and a.concrete and b.concrete):
            return False
        return b.lo.value <= a.lo.value and a.hi.value <= b.hi.value
    if isinstance(b, ir.EnumT):
        return isinstance(a, ir.EnumT) and a.name == b.name
    if isinstance(b, ir.SetT):
        return isinstance(a, ir.SetT) and subtype(a.elem, b.elem)
    if isinstance(b, ir.SeqT):
        return isinstance(a, ir.SeqT) and a.cap <= b.cap and subtype(a.elem, b.elem)
    if isinstance(b, ir.MapT):
        return (isinstance(a, ir.MapT) and subtype(a.key, b.key) and subtype(b.key, a.key)
                and subtype(a.value, b.value))
    return False


# ------------------------------------------------------------ state layout


@dataclass
class Field:
    index: int
    name: str
    type: ir.Type
    offset: int
    width: int

    @property
    def mask(self) -> int:
        return (1 << self.width) - 1

    @property
    def scalar(self) -> bool:
        return ir.is_scalar(self.type)


class Layout:
    """Where each variable lives in the packed state int."""

    def __init__(self, spec: ir.Spec):
        self.fields: list[Field] = []
        off = 0
        for i, v in enumerate(spec.vars):
            check_finite(v.type)
            w = width(v.type)
            self.fields.append(Field(i, v.name, v.type, off, w))
            off += w
        self.total_bits = off
        self._dec = [decoder(f.type) for f in self.fields]
        self._enc = [encoder(f.type) for f in self.fields]

    def pack(self, values: list) -> int:
        s = 0
        for f, enc, v in zip(self.fields, self._enc, values):
            s |= enc(v) << f.offset
        return s

    def unpack(self, s: int) -> list:
        return [dec((s >> f.offset) & f.mask) for f, dec in zip(self.fields, self._dec)]

    def canonical(self, s: int) -> dict:
        return {f.name: canon(f.type, v) for f, v in zip(self.fields, self.unpack(s))}
