"""Sets used as values: ``set<set<Node>>``, ``{ voters: set<Node> }``,
``seq<(Kind, set<Node>), 2>``, ``map<set<Node>, bool>``, ``action a(s: set<Node>)``;
and sequences the same way (``{ inbox: seq<Kind, 2> }``, ``ir.PackedSeqT``:
numbered by length, then the elements as digits, unpacked to a chain of
``if`` over the length, packed from ``len`` and indexing).

Where a finite scalar is needed (a set's element, a record or tuple field,
a map key, a parameter), a ``set<E>`` becomes :class:`ir.PackedSetT`: the
numbers 0..2**n-1 (n values in E), a value's bit set when it is a member.
Like a record, engines see a range and need no code of their own.

The typer never hands a packed number to a construct: every typed result of
a PackedSetT type is *unpacked* (the union over E's values of ``{d}`` when
its bit is set), so ``size(m.voters)``, ``s union t``, ``forall x in s`` work
on a real set; and where a packed value is stored (``S union {s}``, ``s in
S``, a field, a key), :func:`coerce` packs it again (``pack(unpack(raw))``
is ``raw``: no round trip in the generated code).  A set whose elements fall
outside E packs to -1, a value outside the type: storing it violates typeok,
as storing an out-of-range record field does (checker/lang/records.py).

Bound: E may have at most MAX_PACKED_ELEMS values (a packed set type then
has 65,536 values: a set of them is a bit set of that many bits in the
explicit engine's state, and a comprehension over them has that many terms).
"""
from __future__ import annotations

from .. import ir
from .packed_types import MAX_PACKED_ELEMS, MAX_PACKED_VALUES, value_type  # noqa: F401  (re-exported)
from .records import _range_guard, index_of, value_at
from .typerules import compatible, finite_scalar_problem, int_hull

def _lit(v: int) -> ir.Lit:
    return ir.Lit(v, ir.INT)


def set_view(t: ir.Type | None) -> ir.Type | None:
    """What the typer works with in place of a packed set or sequence: the
    set or sequence itself."""
    if isinstance(t, ir.PackedSeqT):
        return ir.SeqT(t.elem, t.cap)
    return ir.SetT(t.elem) if isinstance(t, ir.PackedSetT) else t


class _Unpacked:
    """The raw number each unpacked expression was made from (per Typer:
    kept with the expression, so an id is never reused while it is here)."""

    def __init__(self):
        self.raw: dict[int, tuple[ir.Expr, ir.Expr]] = {}

    def remember(self, unpacked: ir.Expr, raw: ir.Expr) -> ir.Expr:
        self.raw[id(unpacked)] = (unpacked, raw)
        return unpacked

    def origin(self, e: ir.Expr) -> ir.Expr | None:
        got = self.raw.get(id(e))
        return got[1] if got is not None and got[0] is e else None


def unpack_seq(e: ir.Expr, memo: _Unpacked) -> ir.Expr:
    """The sequence whose number is ``e`` (e typed PackedSeqT): by length,
    the shortest first, each element a digit in base |E|."""
    pt: ir.PackedSeqT = e.type  # type: ignore[assignment]
    st = ir.SeqT(pt.elem, pt.cap)
    n = len(ir.domain_values(pt.elem))
    if isinstance(e, ir.Lit) and isinstance(e.value, int) and ir.contains(pt, e.value):
        q = ir.packed_seq_value(pt, e.value)
        return memo.remember(ir.SeqLit(tuple(ir.Lit(x, pt.elem) for x in q), st, span=e.span), e)

    def of_length(length: int) -> ir.Expr:
        rest = ir.Binary("sub", e, _lit(pt.offset(length)), ir.INT) if pt.offset(length) else e
        elems = []
        for i in range(length):
            weight = n ** (length - 1 - i)
            digit = ir.Binary("div", rest, _lit(weight), ir.INT) if weight > 1 else rest
            if i:
                digit = ir.Binary("mod", digit, _lit(n), ir.INT)
            elems.append(value_at(digit, pt.elem))
        return ir.SeqLit(tuple(elems), st)
    out = of_length(pt.cap)
    for length in reversed(range(pt.cap)):
        out = ir.Ite(ir.Binary("lt", e, _lit(pt.offset(length + 1)), ir.BOOL), of_length(length), out, st)
    if isinstance(out, ir.Ite):
        out = ir.Ite(out.cond, out.then, out.else_, st, span=e.span)
    return memo.remember(out, e)


def pack_seq(e: ir.Expr, pt: ir.PackedSeqT, memo: _Unpacked) -> ir.Expr:
    """The number of sequence ``e`` in ``pt`` (-1 when an element is outside pt.elem)."""
    raw = memo.origin(e)
    if raw is not None and raw.type == pt:
        return raw
    n = len(ir.domain_values(pt.elem))
    if isinstance(e, ir.SeqLit) and all(isinstance(x, ir.Lit) for x in e.elems) and len(e.elems) <= pt.cap:
        if all(ir.contains(pt.elem, x.value) for x in e.elems):
            return ir.Lit(ir.packed_seq_number(pt, [x.value for x in e.elems]), pt, span=e.span)
        return ir.Lit(-1, pt, span=e.span)
    length = ir.Call("len", (e,), ir.INT)
    out: ir.Expr = _lit(-1)  # longer than the capacity
    for ln in reversed(range(pt.cap + 1)):
        items = [ir.Index(e, _lit(i), e.type.elem) for i in range(ln)]
        total: ir.Expr = _lit(pt.offset(ln))
        for i, x in enumerate(items):
            weight = n ** (ln - 1 - i)
            digit = index_of(x, pt.elem)
            total = ir.Binary("add", total, digit if weight == 1 else ir.Binary("mul", digit, _lit(weight), ir.INT),
                              ir.INT)
        guard = _range_guard([(("", pt.elem), x) for x in items], None)
        if guard is not None:
            total = ir.Ite(guard, total, _lit(-1), ir.INT)
        out = ir.Ite(ir.Binary("eq", length, _lit(ln), ir.BOOL), total, out, ir.INT)
    return ir.Binary("add", out, _lit(0), pt, span=e.span)


def unpack(e: ir.Expr, memo: _Unpacked) -> ir.Expr:
    """The set whose number is ``e`` (e typed PackedSetT)."""
    pt: ir.PackedSetT = e.type  # type: ignore[assignment]
    st = ir.SetT(pt.elem)
    values = ir.domain_values(pt.elem)
    if isinstance(e, ir.Lit) and isinstance(e.value, int) and 0 <= e.value < 2 ** len(values):
        members = ir.packed_set_value(pt, e.value)
        return memo.remember(ir.SetLit(tuple(ir.Lit(v, pt.elem) for v in values if v in members), st,
                                       span=e.span), e)
    out: ir.Expr | None = None
    for i, v in enumerate(values):
        bit = ir.Binary("div", e, _lit(2 ** i), ir.INT) if i else e
        has = ir.Binary("eq", ir.Binary("mod", bit, _lit(2), ir.INT), _lit(1), ir.BOOL)
        term = ir.Ite(has, ir.SetLit((ir.Lit(v, pt.elem),), st), ir.SetLit((), st), st)
        out = term if out is None else ir.Binary("union", out, term, st)
    if out is None:
        out = ir.SetLit((), st)
    if isinstance(out, ir.Binary):
        out = ir.Binary(out.op, out.left, out.right, st, span=e.span)
    return memo.remember(out, e)


def pack(e: ir.Expr, pt: ir.PackedSetT, memo: _Unpacked) -> ir.Expr:
    """The number of set ``e`` in ``pt`` (-1 when an element is outside pt.elem)."""
    raw = memo.origin(e)
    if raw is not None and raw.type == pt:
        return raw
    values = ir.domain_values(pt.elem)
    if isinstance(e, ir.SetLit) and all(isinstance(x, ir.Lit) for x in e.elems):
        members = {x.value for x in e.elems}
        if all(ir.contains(pt.elem, m) for m in members):
            return ir.Lit(ir.packed_set_number(pt, members), pt, span=e.span)
        return ir.Lit(-1, pt, span=e.span)
    total: ir.Expr | None = None
    for i, v in enumerate(values):
        term = ir.Ite(ir.Binary("in", ir.Lit(v, pt.elem), e, ir.BOOL), _lit(2 ** i), _lit(0), ir.INT)
        total = term if total is None else ir.Binary("add", total, term, ir.INT)
    if total is None:
        total = _lit(0)
    if _within(e.type, pt.elem):
        return ir.Binary("add", total, _lit(0), pt, span=e.span)
    # every element inside E: the set is a subset of E's values
    whole = ir.SetLit(tuple(ir.Lit(v, pt.elem) for v in values), ir.SetT(pt.elem))
    return ir.Ite(ir.Binary("subset", e, whole, ir.BOOL), total, _lit(-1), pt, span=e.span)


def _within(st: ir.Type, elem: ir.Type) -> bool:
    """Are the elements of a set of type ``st`` statically values of ``elem``?"""
    if not isinstance(st, ir.SetT):
        return False
    t = st.elem
    if not isinstance(elem, ir.IntT) or isinstance(elem, ir.RecordT):
        return t == elem or not isinstance(elem, ir.IntT)
    if isinstance(t, ir.RecordT) or not (isinstance(t, ir.IntT) and t.concrete):
        return False
    lo, hi = elem.bounds()
    return lo <= t.bounds()[0] and t.bounds()[1] <= hi


class SetValueTyping:
    """Mixed into exprs.Typer: the memo and the coercion every store uses."""

    @property
    def _unpacked(self) -> _Unpacked:
        memo = self.__dict__.get("_unpacked_memo")
        if memo is None:
            memo = self.__dict__["_unpacked_memo"] = _Unpacked()
        return memo

    def unpacked(self, e: ir.Expr | None) -> ir.Expr | None:
        """A typed result as the typer's constructs see it: a packed set unpacked."""
        if e is not None and isinstance(e.type, ir.PackedSeqT):
            return unpack_seq(e, self._unpacked)
        if e is not None and isinstance(e.type, ir.PackedSetT):
            return unpack(e, self._unpacked)
        return e

    def coerce(self, e: ir.Expr | None, want: ir.Type | None) -> ir.Expr | None:
        """``e`` stored where a ``want`` goes: a set packed when want is a packed set."""
        if e is not None and isinstance(want, ir.PackedSetT) and isinstance(e.type, ir.SetT):
            if compatible(e.type.elem, want.elem):
                return pack(e, want, self._unpacked)
        if e is not None and isinstance(want, ir.PackedSeqT) and isinstance(e.type, ir.SeqT):
            if compatible(e.type.elem, want.elem):
                return pack_seq(e, want, self._unpacked)
        return e

    def literal_value_type(self, first: ir.SetT, elems, e) -> ir.Type | None:
        """The packed type of the elements of a set literal of sets typed
        with no context (``{{1}, {2, 3}}``): integer elements over the range
        covering every element set's range."""
        elem = first.elem
        if isinstance(elem, ir.IntT) and not isinstance(elem, ir.RecordT) and not elem.symmetric:
            hull = int_hull(x.type.elem for x in elems if isinstance(x.type, ir.SetT))
            elem = hull if hull is not None else elem
        return value_type(self.d, ir.SetT(elem), e.span)
