"""Tree builders for the grammar's `records, tuples, definitions` rules
(mixed into parser._Builder, which supplies _span, _tok, _name, _doc)."""
from __future__ import annotations

from lark import Transformer_NonRecursive, v_args

from . import ast as A
from . import records_ast as R
from .diagnostics import BuildError, Diagnostic

# Words the constructs of this module make reserved (added to parser.KEYWORDS).
RECORD_KEYWORDS = frozenset(("def", "with", "choose"))


@v_args(meta=True)
class RecordsBuilder(Transformer_NonRecursive):
    def def_decl(self, meta, c):
        name, params, result, body = c
        return R.DefDecl(self._name(name), tuple(params or ()), result, body, doc=self._doc(meta),
                         span=self._tok(name))

    def record_type(self, meta, c):
        return R.RecordType(tuple((n, t) for n, t, _ in c), tuple(s for _, _, s in c), span=self._span(meta))

    def field_type(self, meta, c):
        return (self._name(c[0]), c[1], self._tok(c[0]))

    def tuple_type(self, meta, c):
        return R.TupleType(tuple(c), span=self._span(meta))

    def field_init(self, meta, c):
        return (self._name(c[0]), c[1], self._tok(c[0]))

    def record_lit(self, meta, c):
        self._unique_fields(c)
        return R.RecordLit(tuple((n, e) for n, e, _ in c), tuple(s for _, _, s in c), span=self._span(meta))

    def tuple_lit(self, meta, c):
        return R.TupleLit(tuple(c), span=self._span(meta))

    def with_expr(self, meta, c):
        base, *fields = c
        self._unique_fields(fields)
        return R.With(base, tuple((n, e) for n, e, _ in fields), tuple(s for _, _, s in fields),
                      span=self._span(meta))

    def tuple_get(self, meta, c):
        base, tok = c
        return R.TupleGet(base, int(tok), span=self._span(meta))

    def set_comp(self, meta, c):
        left, right = c
        if _is_member(left):   # { x in S | p }: a filter
            return R.SetComp(left.left.id, left.right, right, None, span=self._span(meta))
        if _is_member(right):  # { e | x in S }: a map
            return R.SetComp(right.left.id, right.right, None, left, span=self._span(meta))
        raise BuildError(Diagnostic(self._span(meta), "a set comprehension is written `{ x in S | condition }` "
                                                       "or `{ expression | x in S }`"))

    def choose(self, meta, c):
        return R.Choose(self._name(c[0]), c[1], c[2], span=self._span(meta))

    def let_tuple(self, meta, c):
        *names, value = c
        return R.LetTuple(tuple(self._name(n) for n in names), value, span=self._span(meta))

    def param_in(self, meta, c):
        return R.ParamIn(self._name(c[0]), c[1], span=self._tok(c[0]))

    def _unique_fields(self, fields):
        seen = set()
        for n, _, s in fields:
            if n in seen:
                raise BuildError(Diagnostic(s, f"field `{n}` is given twice"))
            seen.add(n)


def _is_member(e) -> bool:
    return isinstance(e, A.Binary) and e.op == "in" and isinstance(e.left, A.Name)
