"""The check behind ``symmetric type T = lo..hi``: the spec treats T's values
as interchangeable, so permuting them maps behaviours to behaviours and
every property to itself.  Only then may an engine explore one state per
orbit (checker/explicit/symmetry.py).

Every range declared symmetric carries its name (``ir.IntT.symmetric``), and
so does every type built from it (``map<T, V>``, ``set<T>``, ``seq<T, N>``).
A type's *signature* records where T occurs in it.  The rules, checked on
the typed IR of variables, actions, invariants, properties and reachability
goals:

* values meet only values of the same signature: ``==``, ``!=``, ``in``,
  ``subset``, set operators, assignment, initial values, map keys, the
  branches of ``if then else``, elements of set/sequence literals, ``push``,
  ``update``.  So a literal or constant can never stand for a value of T
  (``c == 1``, ``m[1]``, ``x = 2``), nor can a T value be stored in, or mixed
  with, a plain integer;
* no arithmetic, order comparison (``< <= > >=``, ``lo..hi`` membership),
  ``min``/``max``, negation, or sequence indexing on a value of T;
* ``forall``/``exists`` over T stop at the first deciding value, so a body
  that can fail at run time (division, ``head``/``tail``, ``push``,
  sequence index, a map key that may be outside the map's keys) would fail
  or not depending on the order of T's values: rejected;
* ``for x in T`` runs in order: rejected by the statement resolver.

What remains allowed: equality and membership, quantifiers, ``[x in T ->
e]``, maps indexed by T, sets and sequences of T, action and process
parameters of type T (every value is enumerated).  The walk is iterative.
"""
from __future__ import annotations

from .. import ir
from .typerules import RECORD_INDEX

_ORDER = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ARITH = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%"}


def signature(t: ir.Type):
    """Where symmetric types occur in ``t`` (None: nowhere)."""
    if isinstance(t, (ir.PackedSetT, ir.PackedSeqT)):
        e = signature(t.elem)
        return ("SetT" if isinstance(t, ir.PackedSetT) else "SeqT", e) if e else None
    if isinstance(t, ir.RecordT):  # a record or tuple: its fields' signatures
        fields = tuple(signature(ft) for _, ft in t.fields)
        return ("record", fields) if any(fields) else None
    if isinstance(t, ir.IntT):
        return t.symmetric or None
    if isinstance(t, (ir.SetT, ir.SeqT)):
        e = signature(t.elem)
        return (type(t).__name__, e) if e else None
    if isinstance(t, ir.MapT):
        k, v = signature(t.key), signature(t.value)
        return ("map", k, v) if k or v else None
    return None


def symmetric_names(t: ir.Type) -> set[str]:
    """Every symmetric type mentioned in ``t``."""
    out: set[str] = set()
    work = [t]
    while work:
        x = work.pop()
        if isinstance(x, (ir.PackedSetT, ir.PackedSeqT)):
            work.append(x.elem)
        elif isinstance(x, ir.RecordT):
            work += [ft for _, ft in x.fields]
        elif isinstance(x, ir.IntT) and x.symmetric:
            out.add(x.symmetric)
        elif isinstance(x, (ir.SetT, ir.SeqT)):
            work.append(x.elem)
        elif isinstance(x, ir.MapT):
            work += [x.key, x.value]
    return out


def _show(sig) -> str:
    if sig is None:
        return "plain values"
    if isinstance(sig, str):
        return f"values of the symmetric type {sig}"
    return "values built from symmetric types (" + _flat(sig) + ")"


def _flat(sig) -> str:
    if isinstance(sig, str):
        return sig
    if sig is None:
        return "_"
    if sig[0] == "map":
        return f"map<{_flat(sig[1])}, {_flat(sig[2])}>"
    if sig[0] == "record":
        return "{" + ", ".join(_flat(f) for f in sig[1]) + "}"
    return f"{sig[0].lower().rstrip('t')}<{_flat(sig[1])}>"


def _tagged(e: ir.Expr) -> str:
    t = getattr(e, "type", None)
    return t.symmetric if isinstance(t, ir.IntT) else ""


class _Checker:
    def __init__(self, diags):
        self.d = diags
        self.reported: set = set()

    def error(self, node, fallback, msg: str, hint: str = "") -> None:
        span = getattr(node, "span", None) or fallback
        key = (span, msg)
        if key not in self.reported:
            self.reported.add(key)
            self.d.error(span, msg, hint)

    def meet(self, node, fallback, a: ir.Type, b: ir.Type, what: str, value: ir.Expr | None = None) -> None:
        sa, sb = signature(a), signature(b)
        if sa == sb:
            return
        name = next(iter(symmetric_names(a) | symmetric_names(b)))
        if isinstance(value, ir.Lit) and not isinstance(value.value, bool):
            msg = (f"the literal {ir.show_value(value.value)} stands for a value of the symmetric type {name} "
                   f"({what})")
        else:
            msg = f"{what} mixes {_show(sa)} with {_show(sb)}"
        self.error(node, fallback, msg,
                   f"the values of a symmetric type are interchangeable: no literal or constant may name "
                   f"one, and they meet only values of {name} (quantify with `forall x in {name}`)")

    def scalar_op(self, node, fallback, args, op: str) -> None:
        for a in args:
            name = _tagged(a)
            if name:
                self.error(a if getattr(a, "span", None) else node, fallback,
                           f"`{op}` on a value of the symmetric type {name}: its values have no order or "
                           f"arithmetic",
                           f"only `==`, `!=`, `in`, quantifiers and map indexing are allowed on {name}")
                return

    # ---------------------------------------------------------------- walks
    def expr(self, root: ir.Expr, fallback) -> None:
        stack = [(root, fallback)]
        while stack:
            e, fb = stack.pop()
            if getattr(e, "span", None) == RECORD_INDEX:
                # x - lo inside a record's number: the record is permuted whole (records.py)
                stack += [(c, fb) for c in _children(e)]
                continue
            fb = getattr(e, "span", None) or fb
            self.node(e, fb)
            stack += [(c, fb) for c in _children(e)]

    def node(self, e: ir.Expr, fb) -> None:
        if isinstance(e, ir.Unary) and e.op == "neg":
            self.scalar_op(e, fb, [e.arg], "-")
        elif isinstance(e, ir.Binary):
            if e.op in _ARITH or e.op in _ORDER:
                self.scalar_op(e, fb, [e.left, e.right], _ARITH.get(e.op) or _ORDER[e.op])
            elif e.op in ("eq", "ne"):
                lit = e.right if isinstance(e.right, ir.Lit) else e.left
                at = lit if isinstance(lit, ir.Lit) and lit.span is not None else e
                self.meet(at, fb, e.left.type, e.right.type, "this comparison", lit)
            elif e.op == "in" and isinstance(e.right.type, ir.SetT):
                self.meet(e, fb, e.left.type, e.right.type.elem, "this membership test", e.left)
            elif e.op in ("subset", "union", "inter", "diff"):
                self.meet(e, fb, e.left.type, e.right.type, "this set operation")
        elif isinstance(e, ir.Ite):
            self.meet(e, fb, e.then.type, e.else_.type, "`if then else`", e.else_)
        elif isinstance(e, (ir.SetLit, ir.SeqLit)):
            for x in e.elems:
                self.meet(x, fb, x.type, e.type.elem, "this element", x)
        elif isinstance(e, ir.MapBuild):
            self.meet(e.body, fb, e.body.type, e.type.value, "this map's value", e.body)
        elif isinstance(e, ir.Index):
            if isinstance(e.base.type, ir.MapT):
                self.meet(e.key, fb, e.key.type, e.base.type.key, "this map key", e.key)
            else:
                self.scalar_op(e, fb, [e.key], "sequence index")
        elif isinstance(e, ir.Call):
            self.call(e, fb)
        elif isinstance(e, ir.Quant) and symmetric_names(e.domain):
            bad = may_fail(e.body)
            name = next(iter(symmetric_names(e.domain)))
            if bad is not None:
                over = f"the symmetric type {name}" if getattr(e.domain, "symmetric", "") \
                    else f"records holding values of the symmetric type {name}"
                self.error(bad, fb, f"`{e.kind}` over {over} stops at the first "
                                    f"deciding value, and this can fail at run time: whether the check fails "
                                    f"would depend on the order of {name}'s values",
                           "move what can fail out of the quantifier (e.g. `let h = head(q)` after `require len(q) > 0`)")

    def call(self, e: ir.Call, fb) -> None:
        a = e.args
        if e.fn in ("min", "max"):
            self.scalar_op(e, fb, a, e.fn)
        elif e.fn in ("set_add", "set_remove") and isinstance(a[0].type, ir.SetT):
            self.meet(a[1], fb, a[1].type, a[0].type.elem, "this set element", a[1])
        elif e.fn == "push" and isinstance(a[0].type, ir.SeqT):
            self.meet(a[1], fb, a[1].type, a[0].type.elem, "this sequence element", a[1])
        elif e.fn == "map_update" and isinstance(a[0].type, ir.MapT):
            self.meet(a[1], fb, a[1].type, a[0].type.key, "this map key", a[1])
            self.meet(a[2], fb, a[2].type, a[0].type.value, "this map value", a[2])
        elif e.fn == "seq_update" and isinstance(a[0].type, ir.SeqT):
            self.scalar_op(e, fb, [a[1]], "sequence index")
            self.meet(a[2], fb, a[2].type, a[0].type.elem, "this sequence element", a[2])

    def stmts(self, body, var_types: dict, fallback) -> None:
        for s in ir.walk_stmts(body):
            fb = getattr(s, "span", None) or fallback
            if isinstance(s, ir.Assign):
                t = var_types.get(s.var)
                if t is not None:
                    self.meet(s.value, fb, s.value.type, t, f"this assignment to `{s.var}`", s.value)
                self.expr(s.value, fb)
            elif isinstance(s, (ir.Require, ir.Let)):
                self.expr(s.cond if isinstance(s, ir.Require) else s.value, fb)
            elif isinstance(s, ir.If):
                self.expr(s.cond, fb)


def _children(e: ir.Expr) -> list:
    if isinstance(e, ir.Unary):
        return [e.arg]
    if isinstance(e, ir.Binary):
        return [e.left, e.right]
    if isinstance(e, ir.Ite):
        return [e.cond, e.then, e.else_]
    if isinstance(e, ir.Quant):
        return [e.body]
    if isinstance(e, (ir.SetLit, ir.SeqLit)):
        return list(e.elems)
    if isinstance(e, ir.MapBuild):
        return [e.body]
    if isinstance(e, ir.Index):
        return [e.base, e.key]
    if isinstance(e, ir.Call):
        return list(e.args)
    return []


def _key_fits(key: ir.Expr, dom: ir.Type) -> bool:
    """Is every value the key can take inside ``dom``, statically?"""
    if not isinstance(dom, ir.IntT):
        return True  # bool and enum keys are checked by the type checker
    kt = key.type
    if isinstance(kt, ir.IntT) and kt.symmetric and kt.symmetric == dom.symmetric:
        return True
    if isinstance(key, ir.Lit) and isinstance(key.value, int) and dom.concrete:
        lo, hi = dom.bounds()
        return lo <= key.value <= hi
    if isinstance(kt, ir.IntT) and kt.concrete and dom.concrete and not isinstance(key, (ir.Binary, ir.Unary)):
        lo, hi = dom.bounds()
        a, b = kt.bounds()
        return lo <= a and b <= hi
    return False


def may_fail(root: ir.Expr):
    """The first sub-expression that may raise a run-time error (None: none can)."""
    stack = [root]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.Binary) and e.op in ("div", "mod"):
            if not (isinstance(e.right, ir.Lit) and e.right.value != 0):
                return e
        elif isinstance(e, ir.Call) and e.fn in ("head", "tail", "push", "seq_update"):
            return e
        elif isinstance(e, ir.Call) and e.fn in ("set_add", "set_remove") and isinstance(e.args[0].type, ir.SetT):
            if not _key_fits(e.args[1], e.args[0].type.elem):
                return e
        elif isinstance(e, ir.Call) and e.fn == "map_update" and isinstance(e.args[0].type, ir.MapT):
            if not _key_fits(e.args[1], e.args[0].type.key):
                return e
        elif isinstance(e, ir.Index):
            if isinstance(e.base.type, ir.SeqT) or not _key_fits(e.key, e.base.type.key):
                return e
        stack += _children(e)
    return None


def check_symmetric_use(diags, variables, actions, invariants, properties, reachables) -> None:
    """Report every use that breaks the symmetry of a declared symmetric type."""
    c = _Checker(diags)
    var_types = {v.name: v.type for v in variables}
    for v in variables:
        want = v.type
        got = v.init.type.elem if v.init_choice and isinstance(v.init.type, ir.SetT) else v.init.type
        c.meet(v.init, v.span, got, want, f"the initial value of `{v.name}`", v.init)
        c.expr(v.init, v.span)
    for a in actions:
        c.stmts(a.body, var_types, a.span)
    for inv in invariants:
        c.expr(inv.expr, inv.span)
    for p in properties:
        c.expr(p.p, p.span)
        if p.q is not None:
            c.expr(p.q, p.span)
    for g in reachables:
        c.expr(g.expr, g.span)
