"""Records and tuples: types, literals, field access, ``with``, ``.0``.

A record or tuple type is lowered to :class:`ir.RecordT`, a range 0..n-1
numbering its values (mixed radix over the fields, first field most
significant; see ir.py).  Every construct here becomes ordinary integer IR:

* a literal ``{kind: k, rm: r}`` is ``idx(k) * stride_kind + idx(r) * stride_rm``
  (one literal when every field is a literal);
* a field read ``m.rm`` is ``(m / stride) % size`` turned back into the
  field's value (``+ lo`` for a range, ``== 1`` for a bool, an ``if`` chain
  for an enum);
* ``m with {rm: e}`` adds ``(idx(e) - idx(m.rm)) * stride``.

So every engine (explicit, Z3, enum, interpreter) checks records with no code
of its own: a record is one packed integer field of the explicit state, a
``set<Msg>`` is a bit set over the numbers, a Z3 record is one bounded
integer.  Limits, stated honestly: a field must be finite (bool, a range,
an enum, a set of those, packed by records_sets.py, or a record/tuple of
those), so a record cannot hold a map or a sequence; a literal whose range
field is given a value outside its range is a value outside the record type
(number -1; a record field that is -1 makes the whole record -1), so storing
it is a typeok violation.  A field of a ``symmetric type`` is allowed: its
signature is checked where the record is built (_field_fits) and the
explicit engine's symmetry reduction permutes inside the number.
"""
from __future__ import annotations

from .. import ir
from . import records_ast as R
from .diagnostics import did_you_mean
from .packed_types import value_type
from .symmetry import signature, symmetric_names
from .typerules import RECORD_INDEX, compatible, describe, finite_scalar_problem

# The span of ``x - lo``, the position of a value of a ``symmetric type`` in a
# record's number: arithmetic the symmetry check (checker/lang/symmetry.py)
# lets through, because the record it builds is permuted as a whole (the
# field's signature was checked where the record was built, _field_fits).

MAX_RECORD_VALUES = 1_000_000  # as exprs.MAX_DOMAIN: a record type is a domain engines enumerate


def _lit(v: int) -> ir.Lit:
    return ir.Lit(v, ir.INT)


# ---------------------------------------------------------------- types

def record_type(resolver, x) -> ir.RecordT | None:
    """``{ f: T, ... }`` or ``(T, U, ...)`` -> RecordT (errors reported, None)."""
    d = resolver.d
    if isinstance(x, R.RecordType):
        names = [n for n, _ in x.fields]
        for i, n in enumerate(names):
            if n in names[:i]:
                d.error(x.name_spans[i] if x.name_spans else x.span, f"field `{n}` is declared twice")
                return None
        items = list(x.fields)
    else:
        items = [(str(i), t) for i, t in enumerate(x.elems)]
    fields, size = [], 1
    for n, tx in items:
        t = value_type(d, resolver.type(tx), tx.span)  # a set field: packed (records_sets.py)
        if t is None:
            return None
        problem = finite_scalar_problem(t)
        if problem:
            d.error(tx.span, f"a {'tuple element' if isinstance(x, R.TupleType) else 'record field'} must be a "
                             f"finite type (bool, a range, an enum, a set of those, or a record or tuple of "
                             f"those): {problem}")
            return None
        size *= len(ir.domain_values(t))
        fields.append((n, t))
    if size > MAX_RECORD_VALUES:
        d.error(x.span, f"this type has {size:,} values; a record or tuple type may have at most "
                        f"{MAX_RECORD_VALUES:,}")
        return None
    return ir.record_type(fields, is_tuple=isinstance(x, R.TupleType))


def named(t, name: str):
    """``type Msg = {...}``: the record type remembers its name for messages."""
    from dataclasses import replace
    return replace(t, name=name) if isinstance(t, ir.RecordT) and not t.name else t


# ---------------------------------------------------------------- IR building

def index_of(e: ir.Expr, t: ir.Type) -> ir.Expr:
    """The position (0-based) of value ``e`` in the domain order of ``t``."""
    if isinstance(t, ir.RecordT):
        return e  # a record, tuple or packed set is its own position (-1 outside: see _range_guard)
    if isinstance(e, ir.Lit):
        return _lit(ir.domain_values(t).index(e.value))
    if isinstance(t, ir.IntT):
        lo = t.bounds()[0]
        if t.symmetric:
            return ir.Binary("sub", e, _lit(lo), ir.INT, span=RECORD_INDEX)
        return e if lo == 0 else ir.Binary("sub", e, _lit(lo), ir.INT)
    if isinstance(t, ir.BoolT):
        return ir.Ite(e, _lit(1), _lit(0), ir.INT)
    members = t.members  # an enum: an `if` chain, last member as the default
    out: ir.Expr = _lit(len(members) - 1)
    for i in range(len(members) - 2, -1, -1):
        out = ir.Ite(ir.Binary("eq", e, ir.Lit(members[i], t), ir.BOOL), _lit(i), out, ir.INT)
    return out


def value_at(raw: ir.Expr, t: ir.Type, span=None) -> ir.Expr:
    """The value of ``t`` at position ``raw`` (inverse of index_of)."""
    if isinstance(raw, ir.Lit):
        return ir.Lit(ir.domain_values(t)[raw.value], t, span=span)
    if isinstance(t, ir.BoolT):
        return ir.Binary("eq", raw, _lit(1), ir.BOOL, span=span)
    if isinstance(t, ir.EnumT):
        members = t.members
        out: ir.Expr = ir.Lit(members[-1], t)
        for i in range(len(members) - 2, -1, -1):
            out = ir.Ite(ir.Binary("eq", raw, _lit(i), ir.BOOL), ir.Lit(members[i], t), out, t)
        return out if not isinstance(out, ir.Ite) else ir.Ite(out.cond, out.then, out.else_, t, span=span)
    lo = 0 if isinstance(t, ir.RecordT) else t.bounds()[0]
    return ir.Binary("add", raw, _lit(lo), t, span=span)  # typed as the field's type


def raw_field(base: ir.Expr, rt: ir.RecordT, i: int) -> ir.Expr:
    """Field i's position: ``(base / stride) % size`` (no division by 1, no
    modulo for the first field: a valid number is below its product)."""
    stride, size = rt.strides()[i], rt.sizes()[i]
    if isinstance(base, ir.Lit):
        return _lit((base.value // stride) % size)
    raw = base if stride == 1 else ir.Binary("div", base, _lit(stride), ir.INT)
    return raw if i == 0 else ir.Binary("mod", raw, _lit(size), ir.INT)


def read_field(base: ir.Expr, rt: ir.RecordT, i: int, span=None) -> ir.Expr:
    return value_at(raw_field(base, rt, i), rt.fields[i][1], span)


def _in_range(e: ir.Expr, t: ir.Type) -> bool:
    """Is ``e`` statically a value of field type ``t``?"""
    if isinstance(t, ir.RecordT):
        # records are compared exactly; only a value built by a guarded literal (-1 when a field
        # is out of range, a set with a member outside: records_sets.pack) may be outside its type
        return not (isinstance(e, ir.Ite) or isinstance(e, ir.Lit) and not ir.contains(t, e.value))
    if not isinstance(t, ir.IntT):
        return True  # bools and enums are type-checked
    lo, hi = t.bounds()
    if isinstance(e, ir.Lit):
        return lo <= e.value <= hi
    et = e.type
    return isinstance(et, ir.IntT) and et.concrete and lo <= et.bounds()[0] and et.bounds()[1] <= hi


def _range_guard(values, rt: ir.RecordT) -> ir.Expr | None:
    """``lo <= x and x <= hi`` for each range field not statically in range."""
    guard = None
    for (_, t), e in values:
        if _in_range(e, t):
            continue
        lo, hi = t.bounds()
        c = ir.Binary("and", ir.Binary("le", _lit(lo), e, ir.BOOL), ir.Binary("le", e, _lit(hi), ir.BOOL), ir.BOOL)
        guard = c if guard is None else ir.Binary("and", guard, c, ir.BOOL)
    return guard


def _sum(terms) -> ir.Expr:
    out = None
    for term in terms:
        out = term if out is None else ir.Binary("add", out, term, ir.INT)
    return out if out is not None else _lit(0)


def build(rt: ir.RecordT, values: list, span=None) -> ir.Expr:
    """The number of the record whose fields are ``values`` (IR, in field order)."""
    if all(isinstance(v, ir.Lit) for v in values):
        if all(ir.contains(t, v.value) for (_, t), v in zip(rt.fields, values)):
            return ir.Lit(ir.record_number(rt, [v.value for v in values]), rt, span=span)
    terms = []
    for (_, t), v, stride in zip(rt.fields, values, rt.strides()):
        idx = index_of(v, t)
        if isinstance(idx, ir.Lit) and idx.value == 0:
            continue
        terms.append(idx if stride == 1 else ir.Binary("mul", idx, _lit(stride), ir.INT))
    return _typed(_sum(terms), rt, _range_guard(list(zip(rt.fields, values)), rt), span)


def _typed(total: ir.Expr, rt: ir.RecordT, guard, span) -> ir.Expr:
    """``total`` as a value of ``rt`` (-1, outside it, when ``guard`` fails)."""
    if guard is not None:
        return ir.Ite(guard, total, _lit(-1), rt, span=span)
    if isinstance(total, ir.Lit):
        return ir.Lit(total.value, rt, span=span)
    if isinstance(total, ir.Binary):
        return ir.Binary(total.op, total.left, total.right, rt, span=span)
    return ir.Binary("add", total, _lit(0), rt, span=span)


# ---------------------------------------------------------------- typing (mixed into exprs.Typer)

class RecordTyping:
    """The Typer's handlers for record and tuple expressions (generators,
    driven by Typer.typed's trampoline like every other handler)."""

    def _RecordLit(self, e: R.RecordLit, scope, expected):
        names = [n for n, _ in e.fields]
        rt = expected if isinstance(expected, ir.RecordT) and not expected.is_tuple \
            and sorted(names) == sorted(n for n, _ in expected.fields) else self._record_named(e, names)
        if rt is None:
            return None
        by_name = dict(e.fields)
        values = []
        for n, t in rt.fields:
            v = self.coerce((yield (by_name[n], scope, t)), t)
            if v is None:
                return None
            if not self._field_fits(v, t, by_name[n], f"field `{n}` of {rt}"):
                return None
            values.append(v)
        return build(rt, values, e.span)

    def _record_named(self, e: R.RecordLit, names: list[str]) -> ir.RecordT | None:
        """The declared record type with exactly these field names."""
        found = [t for t in self.env.types.values()
                 if isinstance(t, ir.RecordT) and not t.is_tuple and sorted(n for n, _ in t.fields) == sorted(names)]
        found = list(dict.fromkeys(found))
        if len(found) == 1:
            return found[0]
        shown = "{" + ", ".join(names) + "}"
        if not found:
            records = [t for t in self.env.types.values() if isinstance(t, ir.RecordT) and not t.is_tuple]
            self.d.error(e.span, f"no record type has exactly the fields {shown}",
                         "declared: " + ", ".join(f"{t}: {{{', '.join(n for n, _ in t.fields)}}}" for t in records)
                         if records else "declare it: `type Msg = { field: Type, ... }`")
        else:
            self.d.error(e.span, f"several record types have the fields {shown}: "
                                 + ", ".join(str(t) for t in found),
                         "assign it to, or compare it with, a value of the type you mean")
        return None

    def _field_fits(self, v: ir.Expr, t: ir.Type, src, what: str) -> bool:
        if not compatible(v.type, t):
            self.d.error(src.span, f"{what} is {describe(t)}, but this is {describe(v.type)}")
            return False
        if isinstance(v, ir.Lit) and not ir.contains(t, v.value):
            self.d.error(src.span, f"{ir.show_value(v.value)} is not a value of {t} ({what})")
            return False
        if signature(v.type) != signature(t):  # a symmetric field holds values of its type only
            name = next(iter(symmetric_names(v.type) | symmetric_names(t)))
            self.d.error(src.span, f"{what} is {describe(t)}, but this is {describe(v.type)}: the values of "
                                   f"the symmetric type {name} meet only values of {name}",
                         f"no literal or plain integer may stand for a value of {name}")
            return False
        return True

    def _TupleLit(self, e: R.TupleLit, scope, expected):
        want = expected if isinstance(expected, ir.RecordT) and expected.is_tuple \
            and len(expected.fields) == len(e.elems) else None
        values = []
        for i, x in enumerate(e.elems):
            values.append((yield (x, scope, want.fields[i][1] if want else None)))
        if any(v is None for v in values):
            return None
        if want is not None:
            values = [self.coerce(v, t) for v, (_, t) in zip(values, want.fields)]
        if want is None:
            types = []
            for i, (v, x) in enumerate(zip(values, e.elems)):
                t = v.type
                if isinstance(t, (ir.SetT, ir.SeqT)):  # a set or sequence element: packed (records_sets.py)
                    t = value_type(self.d, t, x.span)
                    if t is None:
                        return None
                    values[i] = v = self.coerce(v, t)
                if isinstance(v, ir.Lit) and isinstance(t, ir.IntT) and not isinstance(t, ir.RecordT) \
                        or finite_scalar_problem(t):
                    self.d.error(x.span, f"cannot tell the type of this tuple element ({describe(t)})",
                                 "compare the tuple with, or assign it to, a value of a declared tuple type")
                    return None
                types.append((str(len(types)), t))
            want = ir.record_type(types, is_tuple=True)
        for (n, t), v, x in zip(want.fields, values, e.elems):
            if not self._field_fits(v, t, x, f"element {n} of {want}"):
                return None
        return build(want, values, e.span)

    def record_field(self, base: ir.Expr, name: str, e):
        """``base.name`` where base is a record (called from Typer._Field)."""
        rt = base.type
        if not isinstance(rt, ir.RecordT) or rt.is_tuple:
            what = "a tuple: read its elements with `.0`, `.1`, ..." if isinstance(rt, ir.RecordT) \
                else describe(rt)
            self.d.error(e.span, f"`.{name}` reads a process's variable (`proc[i].x`) or a record's field, "
                                 f"but this is {what}")
            return None
        names = [n for n, _ in rt.fields]
        if name not in names:
            self.d.error(e.span, f"{rt} has no field `{name}`", did_you_mean(name, names)
                         or "its fields are " + ", ".join(names))
            return None
        return read_field(base, rt, names.index(name), e.span)

    def _TupleGet(self, e: R.TupleGet, scope, expected):
        base = yield (e.base, scope, None)
        if base is None:
            return None
        rt = base.type
        if not isinstance(rt, ir.RecordT) or not rt.is_tuple:
            self.d.error(e.span, f"`.{e.index}` reads a tuple's element, but this is "
                                 f"{'a record: read its fields by name' if isinstance(rt, ir.RecordT) else describe(rt)}")
            return None
        if e.index >= len(rt.fields):
            self.d.error(e.span, f"{rt} has {len(rt.fields)} elements: `.0` to `.{len(rt.fields) - 1}`")
            return None
        return read_field(base, rt, e.index, e.span)

    def _With(self, e: R.With, scope, expected):
        base = yield (e.base, scope, expected)
        if base is None:
            return None
        rt = base.type
        if not isinstance(rt, ir.RecordT) or rt.is_tuple:
            self.d.error(e.base.span, f"`with` updates a record's fields, but this is {describe(rt)}")
            return None
        names = [n for n, _ in rt.fields]
        terms, checked = [base], []
        for (n, x), span in zip(e.fields, e.name_spans):
            if n not in names:
                self.d.error(span, f"{rt} has no field `{n}`", did_you_mean(n, names)
                             or "its fields are " + ", ".join(names))
                return None
            i = names.index(n)
            t = rt.fields[i][1]
            v = self.coerce((yield (x, scope, t)), t)
            if v is None or not self._field_fits(v, t, x, f"field `{n}` of {rt}"):
                return None
            checked.append((rt.fields[i], v))
            delta = ir.Binary("sub", index_of(v, t), raw_field(base, rt, i), ir.INT)
            stride = rt.strides()[i]
            terms.append(delta if stride == 1 else ir.Binary("mul", delta, _lit(stride), ir.INT))
        return _typed(_sum(terms), rt, _range_guard(checked, rt), e.span)


# ---------------------------------------------------------------- statements

def let_tuple(stmts, s: R.LetTuple, scope) -> list | None:
    """``let (a, b) = t``: one ``let`` per element, each reading ``t.i``."""
    env, d = stmts.env, stmts.d
    for n in s.names:
        if n in scope.locals or n in env.vars or n in env.consts or n in env.members or s.names.count(n) > 1:
            d.error(s.span, f"`{n}` is already defined; a `let` needs a new name")
            return None
    v = stmts.t.typed(s.value, scope)
    if v is None:
        for n in s.names:
            scope.locals[n] = None
        return None
    rt = v.type
    if not isinstance(rt, ir.RecordT) or not rt.is_tuple:
        d.error(s.value.span, f"`let ({', '.join(s.names)}) = ...` takes a tuple apart, but this is {describe(rt)}")
        return None
    if len(rt.fields) != len(s.names):
        d.error(s.span, f"{rt} has {len(rt.fields)} elements, but {len(s.names)} names are given")
        return None
    out = []
    for i, n in enumerate(s.names):
        x = read_field(v, rt, i, s.span)
        scope.locals[n] = x.type
        out.append(ir.Let(n, x, span=s.span))
    return out


def param_domain(resolver, p: R.ParamIn, scope):
    """``action a(m in msgs)``: (element type, membership guard or None)."""
    dom = resolver.t.domain(p.domain, scope)
    if dom is None:
        return None
    t, set_expr = dom
    problem = finite_scalar_problem(t)
    if problem:
        resolver.d.error(p.domain.span, f"a parameter ranges over a finite type: {problem}")
        return None
    guard = None if set_expr is None else ir.Require(
        ir.Binary("in", ir.Local(p.name, t), set_expr, ir.BOOL, span=p.span), span=p.span)
    return t, guard
