"""Z3 models -> canonical trace values; Z3 lemmas -> spec-syntax expressions."""
from __future__ import annotations

import z3

from .. import ir
from ..results import Step, Trace
from .encode import Encoder, MapV, SeqV, SetV, State, canon_of, err_any
from .unroll import Unroller


def _scalar(model, term, t):
    v = model.eval(term, model_completion=True)
    if isinstance(t, ir.BoolT) or z3.is_bool(v):
        return z3.is_true(v)
    if not z3.is_int_value(v):
        v = z3.simplify(v)
    k = v.as_long()
    return canon_of(k, t) if isinstance(t, ir.EnumT) else k


def value(model, v, t: ir.Type):
    """A symbolic value under a model, as the canonical Python value."""
    if isinstance(t, ir.SetT):
        return frozenset(canon_of(k, t.elem) for k, b in v.elems.items()
                         if z3.is_true(model.eval(b, model_completion=True)))
    if isinstance(t, ir.SeqT):
        n = _scalar(model, v.length, ir.INT)
        n = max(0, min(n, len(v.slots)))
        return tuple(value(model, v.slots[i], t.elem) for i in range(n))
    if isinstance(t, ir.MapT):
        return tuple(value(model, x, t.value) for x in v.vals)
    if isinstance(v, (SetV, SeqV, MapV)):  # pragma: no cover - type mismatch
        raise TypeError(t)
    return _scalar(model, v, t)


def state(model, enc: Encoder, st: State) -> dict:
    return {v.name: value(model, st.values[v.name], v.type) for v in enc.spec.vars}


def consts(model, enc: Encoder) -> dict[str, int]:
    return {c.name: _scalar(model, t, ir.INT) for c, t in enc.sym_consts}


def step_label(model, u: Unroller, tag: str):
    """(action encoding, canonical args) chosen by step ``tag`` in the model."""
    enc = u.enc
    sub = dict((a.decl().name(), b) for a, b in zip(enc.step_vars, u.step_vars(tag)))
    sel = model.eval(sub["sel"], model_completion=True).as_long()
    a = enc.actions[sel]
    args = tuple(_scalar(model, sub[t.decl().name()], p.type) for p, t in a.params)
    return a, args


def _first_error(model, errs, subst) -> str:
    for e in errs:
        if z3.is_true(model.eval(subst(e.cond), model_completion=True)):
            if e.extra is not None and "{}" in e.msg:
                val, t = e.extra
                try:
                    shown = ir.show_value(value(model, _subst_value(val, subst), t))
                except Exception:  # noqa: BLE001 - a message must never fail
                    shown = "?"
                return e.msg.replace("{}", shown)
            return e.msg
    return "a runtime error"


def _subst_value(v, subst):
    if isinstance(v, SetV):
        return SetV({k: subst(b) for k, b in v.elems.items()})
    if isinstance(v, SeqV):
        return SeqV(subst(v.length), [_subst_value(s, subst) for s in v.slots], v.elem)
    if isinstance(v, MapV):
        return MapV(v.keys, [_subst_value(x, subst) for x in v.vals])
    return subst(v)


def path_trace(model, u: Unroller, n: int, kind: str = "counterexample") -> Trace:
    """The states 0..n of an unrolling and the steps between them."""
    steps = [Step(None, (), state(model, u.enc, u.state(0)))]
    for t in range(n):
        a, args = step_label(model, u, str(t))
        steps.append(Step(a.name, args, state(model, u.enc, u.state(t + 1))))
    return Trace(steps, kind=kind)


def error_step(model, u: Unroller, t: int) -> tuple[Step, str]:
    """The erroneous step leaving state t (error-step copy ``e t``): the Step
    (its state shows the values as computed, possibly out of range) and the
    error message."""
    enc = u.enc
    tag = f"e{t}"
    a, args = step_label(model, u, tag)

    def subst(f):
        return u.sub_state(f, t, tag)

    st = {}
    for v in enc.spec.vars:
        try:
            st[v.name] = value(model, _subst_value(a.next[v.name], subst), v.type)
        except Exception:  # noqa: BLE001
            st[v.name] = None
    return Step(a.name, args, st), _first_error(model, a.errs, subst)


def init_error(model, u: Unroller) -> tuple[Step, str]:
    enc = u.enc
    _, errs = enc.init(u.state(0))
    raw = enc.init_raw()
    st = {}
    for v in enc.spec.vars:
        if v.name in raw:
            try:
                st[v.name] = value(model, raw[v.name], v.type)
            except Exception:  # noqa: BLE001
                st[v.name] = None
        else:
            st[v.name] = value(model, u.state(0).values[v.name], v.type)
    return Step(None, (), st), _first_error(model, errs, lambda f: f)


def invariant_detail(model, u: Unroller, inv: ir.Invariant, t: int) -> str:
    val, errs = u.enc.invariant(inv, u.enc.cur)
    subst = lambda f: u.sub_state(f, t)  # noqa: E731
    if z3.is_true(model.eval(subst(err_any(errs)), model_completion=True)):
        return f"evaluating invariant {inv.name} fails: {_first_error(model, errs, subst)}"
    return f"invariant {inv.name} ({ir.show_expr(inv.expr)}) is false"


# ---------------------------------------------------------------- lemmas -> spec syntax


def _lit_int(k):
    return ir.Lit(k, ir.INT)


def _enum_cmp(leaf, etype, op, k):
    """``leaf op k`` with leaf an enum index, as member (in)equalities."""
    n = len(etype.members)
    test = {"eq": lambda i: i == k, "le": lambda i: i <= k, "lt": lambda i: i < k,
            "ge": lambda i: i >= k, "gt": lambda i: i > k, "ne": lambda i: i != k}[op]
    yes = [m for i, m in enumerate(etype.members) if test(i)]
    no = [m for i, m in enumerate(etype.members) if not test(i)]
    if not yes:
        return ir.Lit(False, ir.BOOL)
    if not no:
        return ir.Lit(True, ir.BOOL)
    if len(yes) <= len(no):
        parts = [ir.Binary("eq", leaf, ir.Lit(m, etype), ir.BOOL) for m in yes]
        op2 = "or"
    else:
        parts = [ir.Binary("ne", leaf, ir.Lit(m, etype), ir.BOOL) for m in no]
        op2 = "and"
    r = parts[0]
    for p in parts[1:]:
        r = ir.Binary(op2, r, p, ir.BOOL)
    return r


_CMP = {z3.Z3_OP_LE: "le", z3.Z3_OP_LT: "lt", z3.Z3_OP_GE: "ge", z3.Z3_OP_GT: "gt", z3.Z3_OP_EQ: "eq"}
_FLIP = {"le": "ge", "lt": "gt", "ge": "le", "gt": "lt", "eq": "eq", "ne": "ne"}
_NEG = {"le": "gt", "lt": "ge", "ge": "lt", "gt": "le", "eq": "ne", "ne": "eq"}


def to_ir(f, enc: Encoder, st: State) -> ir.Expr:
    """Translate a Z3 formula over a state's leaves (and the symbolic
    constants) into an IR expression (iterative, memoised by AST id)."""
    leaves = {lf.term.get_id(): lf for lf in st.leaves}
    consts = {t.get_id(): c for c, t in enc.sym_consts}
    memo: dict[int, ir.Expr] = {}
    stack = [(f, False)]
    while stack:
        x, post = stack.pop()
        xid = x.get_id()
        if xid in memo:
            continue
        if xid in leaves:
            lf = leaves[xid]
            memo[xid] = lf.expr
            continue
        if xid in consts:
            c = consts[xid]
            memo[xid] = ir.Const(c.name, c.type)
            continue
        if z3.is_true(x) or z3.is_false(x):
            memo[xid] = ir.Lit(z3.is_true(x), ir.BOOL)
            continue
        if z3.is_int_value(x):
            memo[xid] = _lit_int(x.as_long())
            continue
        if z3.is_quantifier(x) or not z3.is_app(x):
            raise ValueError("the invariant contains a quantifier")
        kids = [x.arg(i) for i in range(x.num_args())]
        if not post:
            special = _enum_special(x, leaves)
            if special is not None:
                memo[xid] = special
                continue
            stack.append((x, True))
            stack.extend((k, False) for k in reversed(kids) if k.get_id() not in memo)
            continue
        memo[xid] = _build(x, [memo[k.get_id()] for k in kids], kids)
    return memo[f.get_id()]


def _enum_special(x, leaves):
    """An enum leaf compared with a number (either side), or its negation."""
    neg = False
    y = x
    if z3.is_not(y):
        neg, y = True, y.arg(0)
    if not z3.is_app(y) or y.decl().kind() not in _CMP or y.num_args() != 2:
        return None
    a, b = y.arg(0), y.arg(1)
    op = _CMP[y.decl().kind()]
    if z3.is_int_value(a) and b.get_id() in leaves:
        a, b, op = b, a, _FLIP[op]
    if a.get_id() in leaves and z3.is_int_value(b):
        lf = leaves[a.get_id()]
        if isinstance(lf.type, ir.EnumT):
            return _enum_cmp(lf.expr, lf.type, _NEG[op] if neg else op, b.as_long())
    return None


def _num(e):
    """An enum-typed expression used as a number: its index, spelled out."""
    t = getattr(e, "type", None)
    if not isinstance(t, ir.EnumT):
        return e
    r = _lit_int(len(t.members) - 1)
    for i in reversed(range(len(t.members) - 1)):
        r = ir.Ite(ir.Binary("eq", e, ir.Lit(t.members[i], t), ir.BOOL), _lit_int(i), r, ir.INT)
    return r


_ARITH = (z3.Z3_OP_LE, z3.Z3_OP_LT, z3.Z3_OP_GE, z3.Z3_OP_GT, z3.Z3_OP_ADD, z3.Z3_OP_SUB,
          z3.Z3_OP_UMINUS, z3.Z3_OP_MUL, z3.Z3_OP_IDIV, z3.Z3_OP_MOD)


def _cmp(op, a, b):
    """A comparison, tidied: x > -1 -> x >= 0, a - b <= 0 -> a <= b."""
    if isinstance(b, ir.Lit) and type(b.value) is int:
        if op == "gt" and b.value == -1:
            op, b = "ge", _lit_int(0)
        elif op == "lt" and b.value == 1:
            op, b = "le", _lit_int(0)
    if isinstance(b, ir.Lit) and b.value == 0 and isinstance(a, ir.Binary) and a.op == "sub":
        a, b = a.left, a.right
    elif isinstance(a, ir.Lit) and a.value == 0 and isinstance(b, ir.Binary) and b.op == "sub":
        a, b = b.right, b.left
    return ir.Binary(op, a, b, ir.BOOL)


def _build(x, args, kids):
    """The spec expression of the Z3 application ``x`` whose arguments
    were written as ``args``: one writer per Z3 operator (``_WRITERS``)."""
    k = x.decl().kind()
    if k in _ARITH:
        args = [_num(a) for a in args]
    elif k == z3.Z3_OP_EQ and len(args) == 2 and (
            isinstance(getattr(args[0], "type", None), ir.EnumT) != isinstance(getattr(args[1], "type", None), ir.EnumT)):
        args = [_num(a) for a in args]
    write = _WRITERS.get(k)
    out = write(args) if write is not None else None
    if out is None:
        raise ValueError(f"cannot write {x.decl().name()} in spec syntax")
    return out


def _chain(op: str, args, t):
    """``a op b op c`` as left-nested binaries."""
    r = args[0]
    for a in args[1:]:
        r = ir.Binary(op, r, a, t)
    return r


def _write_not(args):
    a = args[0]
    if isinstance(a, ir.Binary) and a.op in _NEG and a.op != "eq" or (
            isinstance(a, ir.Binary) and a.op == "eq" and not isinstance(a.left.type, ir.BoolT)):
        return _cmp(_NEG[a.op], a.left, a.right)
    return ir.Unary("not", a, ir.BOOL)


def _write_add(args):
    r = args[0]
    for a in args[1:]:
        if isinstance(a, ir.Unary) and a.op == "neg":
            r = ir.Binary("sub", r, a.arg, ir.INT)
        elif isinstance(a, ir.Lit) and isinstance(a.value, int) and not isinstance(a.value, bool) and a.value < 0:
            r = ir.Binary("sub", r, _lit_int(-a.value), ir.INT)
        else:
            r = ir.Binary("add", r, a, ir.INT)
    return r


def _write_mul(args):
    if len(args) == 2 and isinstance(args[0], ir.Lit) and args[0].value == -1:
        return ir.Unary("neg", args[1], ir.INT)
    if len(args) == 2 and isinstance(args[0], ir.Lit) and isinstance(args[0].value, int) and args[0].value < 0:
        return ir.Unary("neg", ir.Binary("mul", _lit_int(-args[0].value), args[1], ir.INT), ir.INT)
    return _chain("mul", args, ir.INT)


def _write_ite(args):
    return ir.Ite(args[0], args[1], args[2], args[1].type if hasattr(args[1], "type") else ir.INT)


# the writer of each Z3 operator; None from a writer: not expressible
_WRITERS = {
    z3.Z3_OP_AND: lambda args: _chain("and", args, ir.BOOL),
    z3.Z3_OP_OR: lambda args: _chain("or", args, ir.BOOL),
    z3.Z3_OP_NOT: _write_not,
    z3.Z3_OP_IMPLIES: lambda args: ir.Binary("implies", args[0], args[1], ir.BOOL),
    z3.Z3_OP_EQ: lambda args: ir.Binary("eq", args[0], args[1], ir.BOOL),
    z3.Z3_OP_IFF: lambda args: ir.Binary("eq", args[0], args[1], ir.BOOL),
    z3.Z3_OP_DISTINCT: lambda args: ir.Binary("ne", args[0], args[1], ir.BOOL) if len(args) == 2 else None,
    z3.Z3_OP_ITE: _write_ite,
    z3.Z3_OP_ADD: _write_add,
    z3.Z3_OP_SUB: lambda args: _chain("sub", args, ir.INT),
    z3.Z3_OP_UMINUS: lambda args: ir.Unary("neg", args[0], ir.INT),
    z3.Z3_OP_MUL: _write_mul,
    z3.Z3_OP_IDIV: lambda args: ir.Binary("div", args[0], args[1], ir.INT),
    z3.Z3_OP_MOD: lambda args: ir.Binary("mod", args[0], args[1], ir.INT),
}
_WRITERS.update({k: (lambda op: lambda args: _cmp(op, args[0], args[1]))(_CMP[k])
                 for k in (z3.Z3_OP_LE, z3.Z3_OP_LT, z3.Z3_OP_GE, z3.Z3_OP_GT)})


def show_lemma(f, enc: Encoder, st: State) -> str:
    return ir.show_expr(to_ir(f, enc, st))
