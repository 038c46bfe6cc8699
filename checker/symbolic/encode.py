"""IR -> Z3 terms for one state and one transition (a *template*).

The encoder builds, once per spec, formulas over a template current state
(leaves named after the spec: ``failures``, ``3 in s``, ``m[Open]``,
``len(q)``, ``q[0]``), a template next state (the same names primed) and the
template step variables (``sel`` picks the action, ``fail.c`` is a parameter,
``fail.either0`` an ``either`` choice).  :mod:`checker.symbolic.unroll`
renames these per time step with ``z3.substitute``, so the Python walk over
the IR happens once, however deep the unrolling.

Values: a scalar is a Z3 term (bool -> Bool, int range -> Int, enum -> Int
index); a set is :class:`SetV` (one Bool per possible element), a map
:class:`MapV` (one value per key), a sequence :class:`SeqV` (a length term and
one value per slot).  Every walker is iterative and memoised by node id.
"""
from __future__ import annotations

from itertools import product
from typing import Any

import z3

from .. import ir


class Unsupported(Exception):
    """The spec needs something the Z3 engines cannot encode (e.g. a
    quantifier domain that depends on a symbolic constant)."""


# The encoding expands every map / set / sequence variable into one Z3 term
# per element and every quantifier into one copy of its body per value, so
# its size is the product of nested domains.  Past these sizes, encoding
# alone takes minutes and gigabytes (and Z3 could not use the result): the
# spec is reported as not encodable, with the explicit engine as the way out.
MAX_STATE_TERMS = 20_000      # scalar Z3 terms of one state
MAX_EXPANSION = 20_000        # quantifier / map-builder body copies, whole spec


# ---------------------------------------------------------------- values


class SetV:
    __slots__ = ("elems",)

    def __init__(self, elems: dict):
        self.elems = elems  # key (python bool/int, enum -> index) -> BoolRef


class SeqV:
    __slots__ = ("length", "slots", "elem")

    def __init__(self, length, slots, elem):
        self.length = length
        self.slots = list(slots)
        self.elem = elem  # ir element type


class MapV:
    __slots__ = ("keys", "vals")

    def __init__(self, keys, vals):
        self.keys = tuple(keys)
        self.vals = list(vals)


TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


def mk_and(xs):
    xs = [x for x in xs if not z3.is_true(x)]
    if any(z3.is_false(x) for x in xs):
        return FALSE
    if not xs:
        return TRUE
    return xs[0] if len(xs) == 1 else z3.And(xs)


def mk_or(xs):
    xs = [x for x in xs if not z3.is_false(x)]
    if any(z3.is_true(x) for x in xs):
        return TRUE
    if not xs:
        return FALSE
    return xs[0] if len(xs) == 1 else z3.Or(xs)


def mk_not(x):
    if z3.is_true(x):
        return FALSE
    if z3.is_false(x):
        return TRUE
    return z3.Not(x)


def mk_implies(a, b):
    if z3.is_true(a):
        return b
    if z3.is_false(a) or z3.is_true(b):
        return TRUE
    return z3.Implies(a, b)


def mk_if(c, a, b):
    if z3.is_true(c):
        return a
    if z3.is_false(c):
        return b
    if a.eq(b):
        return a
    return z3.If(c, a, b)


def key_of(v, t: ir.Type):
    """canonical scalar value -> the python key used inside Z3 (enum -> index)."""
    if isinstance(t, ir.EnumT):
        return t.members.index(v)
    return v


def canon_of(k, t: ir.Type):
    if isinstance(t, ir.EnumT):
        return t.members[k] if 0 <= k < len(t.members) else f"<{t.name} #{k}>"
    if isinstance(t, ir.BoolT):
        return bool(k)
    return k


def lit(k, t: ir.Type):
    if isinstance(t, ir.BoolT):
        return z3.BoolVal(bool(k))
    return z3.IntVal(k)


def domain_keys(t: ir.Type, what: str = "a finite domain") -> tuple:
    if isinstance(t, ir.IntT) and not t.bounded:
        raise Unsupported(f"{what} must be finite, but its type is unbounded int")
    try:
        vals = ir.domain_values(t)
    except ir.SymbolicBound as e:
        raise Unsupported(f"{what} must be concrete, but {e}") from None
    return tuple(key_of(v, t) for v in vals)


def default_value(t: ir.Type):
    if isinstance(t, ir.BoolT):
        return FALSE
    if isinstance(t, ir.IntT):
        if t.concrete:
            return z3.IntVal(t.bounds()[0])
        return z3.IntVal(0)
    if isinstance(t, ir.EnumT):
        return z3.IntVal(0)
    if isinstance(t, ir.SetT):
        try:
            keys = domain_keys(t.elem)
        except Unsupported:
            keys = ()
        return SetV({k: FALSE for k in keys})
    if isinstance(t, ir.SeqT):
        return SeqV(z3.IntVal(0), [default_value(t.elem) for _ in range(t.cap)], t.elem)
    if isinstance(t, ir.MapT):
        keys = domain_keys(t.key, "a map's key type")
        return MapV(keys, [default_value(t.value) for _ in keys])
    raise TypeError(t)


def _elem_default(s: SeqV):
    return default_value(s.elem)


def v_ite(c, a, b):
    """Ite over values of one type (structured values merge piecewise)."""
    if z3.is_true(c):
        return a
    if z3.is_false(c):
        return b
    if isinstance(a, SetV):
        keys = list(a.elems) + [k for k in b.elems if k not in a.elems]
        return SetV({k: mk_if(c, a.elems.get(k, FALSE), b.elems.get(k, FALSE)) for k in keys})
    if isinstance(a, SeqV):
        n = max(len(a.slots), len(b.slots))
        sa = a.slots + [_elem_default(a) for _ in range(n - len(a.slots))]
        sb = b.slots + [_elem_default(b) for _ in range(n - len(b.slots))]
        return SeqV(mk_if(c, a.length, b.length), [v_ite(c, x, y) for x, y in zip(sa, sb)], a.elem)
    if isinstance(a, MapV):
        return MapV(a.keys, [v_ite(c, x, y) for x, y in zip(a.vals, b.vals)])
    return mk_if(c, a, b)


def v_eq(a, b):
    """Deep equality of two values of one type."""
    if isinstance(a, SetV):
        keys = list(a.elems) + [k for k in b.elems if k not in a.elems]
        return mk_and([_bool_eq(a.elems.get(k, FALSE), b.elems.get(k, FALSE)) for k in keys])
    if isinstance(a, SeqV):
        n = min(len(a.slots), len(b.slots))
        parts = [a.length == b.length if not a.length.eq(b.length) else TRUE]
        for i in range(n):
            parts.append(mk_or([a.length <= i, v_eq(a.slots[i], b.slots[i])]))
        # lengths are never above the slot counts, so the longer tail is unread
        return mk_and(parts)
    if isinstance(a, MapV):
        return mk_and([v_eq(x, y) for x, y in zip(a.vals, b.vals)])
    if a.eq(b):
        return TRUE
    return a == b


def _bool_eq(x, y):
    if x.eq(y):
        return TRUE
    if z3.is_false(y):
        return mk_not(x)
    if z3.is_false(x):
        return mk_not(y)
    return x == y


def v_same(a, b) -> bool:
    """Syntactically the same terms (cheap check used when merging branches)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, SetV):
        return a.elems.keys() == b.elems.keys() and all(a.elems[k].eq(b.elems[k]) for k in a.elems)
    if isinstance(a, SeqV):
        return (a.length.eq(b.length) and len(a.slots) == len(b.slots)
                and all(v_same(x, y) for x, y in zip(a.slots, b.slots)))
    if isinstance(a, MapV):
        return all(v_same(x, y) for x, y in zip(a.vals, b.vals))
    return a.eq(b)


def v_leaves(v) -> list:
    """All Z3 terms of a value, in a fixed order."""
    out, stack = [], [v]
    while stack:
        x = stack.pop()
        if isinstance(x, SetV):
            stack.extend(reversed(list(x.elems.values())))
        elif isinstance(x, SeqV):
            stack.extend(reversed(x.slots))
            stack.append(x.length)
        elif isinstance(x, MapV):
            stack.extend(reversed(x.vals))
        else:
            out.append(x)
    return out


# ---------------------------------------------------------------- errors


class ErrItem:
    """A runtime error that happens when ``cond`` holds.  ``msg`` may contain
    ``{}``, filled with the value of ``extra = (value, ir type)``."""

    __slots__ = ("cond", "msg", "extra")

    def __init__(self, cond, msg, extra=None):
        self.cond = cond
        self.msg = msg
        self.extra = extra


MAX_ERR_ITEMS = 24


def _err_join(*lists):
    out: list = []
    for lst in lists:
        for e in lst:
            if not z3.is_false(e.cond):
                out.append(e)
    if len(out) > MAX_ERR_ITEMS:
        rest = out[MAX_ERR_ITEMS - 1:]
        out = out[:MAX_ERR_ITEMS - 1] + [ErrItem(mk_or([e.cond for e in rest]), rest[0].msg, rest[0].extra)]
    return out


def _err_guard(g, lst):
    if z3.is_true(g):
        return list(lst)
    return [ErrItem(mk_and([g, e.cond]), e.msg, e.extra) for e in lst if not z3.is_false(e.cond)]


def err_any(lst):
    return mk_or([e.cond for e in lst])


def _at(node) -> str:
    sp = getattr(node, "span", None)
    return f" (line {sp.line})" if sp is not None else ""


# ---------------------------------------------------------------- bounds of int terms


def term_bounds(t, known: dict) -> tuple[int, int] | None:
    """Interval of an Int term (iterative); ``known`` maps const names to bounds."""
    memo: dict[int, Any] = {}
    stack = [(t, False)]
    while stack:
        x, post = stack.pop()
        xid = x.get_id()
        if xid in memo:
            continue
        if z3.is_int_value(x):
            memo[xid] = (x.as_long(), x.as_long())
            continue
        if z3.is_const(x):
            memo[xid] = known.get(x.decl().name())
            continue
        kids = [x.arg(i) for i in range(x.num_args())]
        if z3.is_app_of(x, z3.Z3_OP_ITE):
            kids = kids[1:]
        if not post:
            stack.append((x, True))
            stack.extend((k, False) for k in kids if k.get_id() not in memo)
            continue
        bs = [memo.get(k.get_id()) for k in kids]
        if any(b is None for b in bs) or not bs:
            memo[xid] = None
            continue
        k = x.decl().kind()
        r = None
        if k == z3.Z3_OP_ADD:
            r = (sum(b[0] for b in bs), sum(b[1] for b in bs))
        elif k == z3.Z3_OP_SUB:
            lo, hi = bs[0]
            for b in bs[1:]:
                lo, hi = lo - b[1], hi - b[0]
            r = (lo, hi)
        elif k == z3.Z3_OP_UMINUS:
            r = (-bs[0][1], -bs[0][0])
        elif k == z3.Z3_OP_MUL:
            lo, hi = bs[0]
            for b in bs[1:]:
                c = [lo * b[0], lo * b[1], hi * b[0], hi * b[1]]
                lo, hi = min(c), max(c)
            r = (lo, hi)
        elif k == z3.Z3_OP_ITE:
            r = (min(bs[0][0], bs[1][0]), max(bs[0][1], bs[1][1]))
        elif k == z3.Z3_OP_MOD and bs[1][0] > 0:
            r = (0, bs[1][1] - 1)
        memo[xid] = r
    return memo[t.get_id()]


# ---------------------------------------------------------------- environments


class Env:
    """Values visible to an expression; each env has its own node cache."""

    __slots__ = ("vars", "locals", "cache", "children")

    def __init__(self, vars: dict, locals: dict):
        self.vars = vars
        self.locals = locals
        self.cache: dict[int, tuple] = {}
        self.children: dict = {}

    def bind(self, name, key, value) -> "Env":
        k = (name, key)
        c = self.children.get(k)
        if c is None:
            loc = dict(self.locals)
            loc[name] = value
            c = self.children[k] = Env(self.vars, loc)
        return c


# ---------------------------------------------------------------- state shapes


class Leaf:
    """One Z3 constant of a state, with the spec expression it stands for."""

    __slots__ = ("term", "expr", "type", "var")

    def __init__(self, term, expr, type, var):
        self.term = term
        self.expr = expr
        self.type = type
        self.var = var


class State:
    def __init__(self, values: dict, leaves: list[Leaf]):
        self.values = values  # var name -> value
        self.leaves = leaves

    def terms(self):
        return [lf.term for lf in self.leaves]


class ActionEnc:
    def __init__(self, action, index):
        self.action = action
        self.name = action.name
        self.index = index
        self.params: list = []      # (Param, z3 const)
        self.choices: list = []     # (z3 const, number of branches)
        self.dom = TRUE
        self.ok = FALSE
        self.errs: list[ErrItem] = []
        self.err = FALSE
        self.next: dict = {}


# ---------------------------------------------------------------- the encoder


class Encoder:
    def __init__(self, spec: ir.Spec, poll=None):
        self.spec = spec
        # called once per expanded binding (raises to stop: the run's time limit
        # or a signal); an action with thousands of bindings takes seconds to expand
        self.poll = poll
        self.known_bounds: dict[str, tuple[int, int]] = {}
        self._bound_terms: dict[int, Any] = {}
        self._keep: list = []
        self._expanded = 0        # quantifier body copies so far (MAX_EXPANSION)
        # constants
        self.consts: dict[str, Any] = {}
        self.sym_consts: list = []
        for c in spec.consts:
            if c.value is None:
                t = z3.Int(c.name)
                self.consts[c.name] = t
                self.sym_consts.append((c, t))
            else:
                self.consts[c.name] = z3.IntVal(c.value)
        self.const_env = Env({}, {})
        ax = []
        for c, t in self.sym_consts:
            if c.type.bounded:
                ax.append(self.in_type(t, c.type))
            if c.where is not None:
                v, errs = self.eval(c.where, self.const_env)
                ax.append(mk_and([v, mk_not(err_any(errs))]))
        self.const_axiom = mk_and(ax)
        for c, t in self.sym_consts:
            if c.type.concrete:
                self.known_bounds[c.name] = c.type.bounds()
        # template states
        self.var_types = {v.name: v.type for v in spec.vars}
        self.cur = self.make_state("")
        self.nxt = self.make_state("'")
        # template step variables
        self.sel = z3.Int("sel")
        n = len(spec.actions)
        self.known_bounds["sel"] = (0, max(n - 1, 0))
        self.actions = [self._encode_action(a, i) for i, a in enumerate(spec.actions)]
        self.step_vars = [self.sel] + [p for a in self.actions for _, p in a.params] + \
                         [c for a in self.actions for c, _ in a.choices]
        self._build_templates()

    # ------------------------------------------------------------ states

    def make_state(self, suffix: str) -> State:
        values, leaves = {}, []
        for v in self.spec.vars:
            values[v.name] = self._mk_value(v.type, ir.Var(v.name, v.type), suffix, leaves, v.name)
        return State(values, leaves)

    def _mk_value(self, t, expr, suffix, leaves, var):
        # iterative construction: a work list of (type, expr, setter)
        root: list = [None]
        work = [(t, expr, root, 0)]
        while work:
            if len(leaves) > MAX_STATE_TERMS:
                raise Unsupported(
                    f"the state has more than {MAX_STATE_TERMS:,} scalar parts ({var} is "
                    "expanded into one Z3 term per element): too large for the symbolic "
                    "engines; use the explicit engine")
            ty, ex, holder, idx = work.pop()
            name = ir.show_expr(ex) + suffix
            if isinstance(ty, (ir.BoolT, ir.IntT, ir.EnumT)):
                term = z3.Bool(name) if isinstance(ty, ir.BoolT) else z3.Int(name)
                leaves.append(Leaf(term, ex, ty, var))
                if isinstance(ty, ir.IntT) and ty.concrete:
                    self.known_bounds[name] = ty.bounds()
                elif isinstance(ty, ir.EnumT):
                    self.known_bounds[name] = (0, len(ty.members) - 1)
                holder[idx] = term
            elif isinstance(ty, ir.SetT):
                keys = domain_keys(ty.elem, f"the element type of {var}")
                d = {}
                for k in keys:
                    lex = ir.Binary("in", ir.Lit(canon_of(k, ty.elem), ty.elem), ex, ir.BOOL)
                    term = z3.Bool(ir.show_expr(lex) + suffix)
                    leaves.append(Leaf(term, lex, ir.BOOL, var))
                    d[k] = term
                holder[idx] = SetV(d)
            elif isinstance(ty, ir.MapT):
                keys = domain_keys(ty.key, f"the key type of {var}")
                m = MapV(keys, [None] * len(keys))
                holder[idx] = m
                for i in reversed(range(len(keys))):
                    kex = ir.Index(ex, ir.Lit(canon_of(keys[i], ty.key), ty.key), ty.value)
                    work.append((ty.value, kex, m.vals, i))
            elif isinstance(ty, ir.SeqT):
                lex = ir.Call("len", (ex,), ir.INT)
                term = z3.Int(ir.show_expr(lex) + suffix)
                leaves.append(Leaf(term, lex, ir.IntT(ir.Lit(0, ir.INT), ir.Lit(ty.cap, ir.INT)), var))
                self.known_bounds[ir.show_expr(lex) + suffix] = (0, ty.cap)
                s = SeqV(term, [None] * ty.cap, ty.elem)
                holder[idx] = s
                for i in reversed(range(ty.cap)):
                    work.append((ty.elem, ir.Index(ex, ir.Lit(i, ir.INT), ty.elem), s.slots, i))
            else:
                raise TypeError(ty)
        return root[0]

    def state_inv(self, st: State):
        """The state's values lie in their declared types (and unused sequence
        slots hold the default value, so equal states have equal leaves)."""
        parts = []
        for v in self.spec.vars:
            parts.append(self.in_type(st.values[v.name], v.type))
            parts.append(self._normal(st.values[v.name], v.type))
        return mk_and(parts)

    def _normal(self, val, t):
        parts, work = [], [(val, t)]
        while work:
            x, ty = work.pop()
            if isinstance(ty, ir.SeqT):
                d = default_value(ty.elem)
                for i, s in enumerate(x.slots):
                    parts.append(mk_or([x.length > i, v_eq(s, d)]))
                    work.append((s, ty.elem))
            elif isinstance(ty, ir.MapT):
                work.extend((s, ty.value) for s in x.vals)
        return mk_and(parts)

    # ------------------------------------------------------------ types

    def bound_term(self, e):
        key = id(e)
        r = self._bound_terms.get(key)
        if r is None:
            v, _ = self.eval(e, self.const_env)
            self._bound_terms[key] = r = v
            self._keep.append(e)
        return r

    def in_type(self, v, t):
        """Is value v inside type t (deep)?  A Z3 Bool."""
        parts: list = []
        work = [(v, t)]
        while work:
            x, ty = work.pop()
            if isinstance(ty, ir.IntT):
                if ty.bounded:
                    parts.append(self.bound_term(ty.lo) <= x)
                    parts.append(x <= self.bound_term(ty.hi))
            elif isinstance(ty, ir.EnumT):
                parts.append(x >= 0)
                parts.append(x < len(ty.members))
            elif isinstance(ty, ir.SetT):
                for k, b in x.elems.items():
                    inside = z3.simplify(self.in_type(lit(k, ty.elem), ty.elem))
                    if not z3.is_true(inside):
                        parts.append(mk_implies(b, inside))
            elif isinstance(ty, ir.SeqT):
                parts.append(x.length >= 0)
                parts.append(x.length <= min(ty.cap, len(x.slots)))
                for i, s in enumerate(x.slots):
                    sub = self.in_type(s, ty.elem)
                    if not z3.is_true(sub):
                        parts.append(mk_or([x.length <= i, sub]))
            elif isinstance(ty, ir.MapT):
                work.extend((s, ty.value) for s in x.vals)
        return mk_and(parts)

    def coerce(self, v, t):
        """Reshape a value to its declared type's shape (state leaves)."""
        if isinstance(t, ir.SetT):
            keys = domain_keys(t.elem)
            return SetV({k: v.elems.get(k, FALSE) for k in keys})
        if isinstance(t, ir.SeqT):
            d = default_value(t.elem)
            slots = []
            for i in range(t.cap):
                s = self.coerce(v.slots[i], t.elem) if i < len(v.slots) else d
                slots.append(v_ite(v.length > i, s, d) if i < len(v.slots) else d)
            return SeqV(v.length, slots, t.elem)
        if isinstance(t, ir.MapT):
            return MapV(v.keys, [self.coerce(x, t.value) for x in v.vals])
        return v

    def possible_keys(self, term, t) -> tuple:
        """Every value a scalar term may take (a finite over-approximation)."""
        if isinstance(t, (ir.BoolT, ir.EnumT)) or (isinstance(t, ir.IntT) and t.concrete):
            return domain_keys(t)
        s = z3.simplify(term)
        if z3.is_int_value(s):
            return (s.as_long(),)
        b = term_bounds(s, self.known_bounds)
        if b is None or b[1] - b[0] > 100000:
            raise Unsupported("a set element's possible values cannot be bounded "
                              "(give the element a bounded range type)")
        return tuple(range(b[0], b[1] + 1))

    # ------------------------------------------------------------ expressions

    def eval(self, root, env: Env):
        """(value, errors) of an expression; iterative, memoised per env."""
        if id(root) in env.cache:
            return env.cache[id(root)]
        stack = [(root, env, False)]
        while stack:
            node, en, post = stack.pop()
            if id(node) in en.cache:
                continue
            if not post:
                kids = self._children(node, en)
                pend = [(c, ce) for c, ce in kids if id(c) not in ce.cache]
                if pend:
                    stack.append((node, en, True))
                    for c, ce in reversed(pend):
                        stack.append((c, ce, False))
                    continue
            en.cache[id(node)] = self._combine(node, en)
        return env.cache[id(root)]

    def _qenvs(self, x, en, count=False):
        dom = x.domain if isinstance(x, ir.Quant) else x.type.key
        keys = domain_keys(dom, f"the domain of {x.var!r}")
        self._expanded += len(keys) if count else 0
        if self._expanded > MAX_EXPANSION:
            line = f" (line {x.span.line})" if getattr(x, "span", None) else ""
            raise Unsupported(
                f"expanding the quantifiers and map builders{line} makes more than "
                f"{MAX_EXPANSION:,} copies of their bodies (nested domains multiply): too "
                "large for the symbolic engines; use the explicit engine")
        return [en.bind(x.var, k, lit(k, dom)) for k in keys], keys

    def _children(self, x, en):
        if isinstance(x, (ir.Quant, ir.MapBuild)):
            envs, _ = self._qenvs(x, en, count=True)
            return [(x.body, e) for e in envs]
        return [(c, en) for c in ir.children(x)]

    def _combine(self, x, en):
        """The value and errors of ``x`` from its children's (``en.cache``):
        one method per kind of expression (``_COMBINERS``)."""
        for cls in type(x).__mro__:
            name = _COMBINERS.get(cls)
            if name is not None:
                return getattr(self, name)(x, en, en.cache)
        raise TypeError(x)

    def _lit(self, x, en, c):
        if isinstance(x.value, bool):
            return z3.BoolVal(x.value), []
        if isinstance(x.value, str):
            if isinstance(x.type, ir.EnumT):
                return z3.IntVal(x.type.members.index(x.value)), []
            for e in self.spec.enums:
                if x.value in e.members:
                    return z3.IntVal(e.members.index(x.value)), []
            raise Unsupported(f"unknown enum member {x.value!r}")
        return z3.IntVal(x.value), []

    def _var(self, x, en, c):
        return en.vars[x.name], []

    def _local(self, x, en, c):
        if x.name not in en.locals:
            raise Unsupported(f"local {x.name!r} is not bound")
        return en.locals[x.name], []

    def _const(self, x, en, c):
        if x.name not in self.consts:
            raise Unsupported(f"unknown constant {x.name!r}")
        return self.consts[x.name], []

    def _unary(self, x, en, c):
        v, e = c[id(x.arg)]
        return (mk_not(v) if x.op == "not" else -v), e

    def _binary_node(self, x, en, c):
        return self._binary(x, c[id(x.left)], c[id(x.right)])

    def _ite(self, x, en, c):
        (cv, ce), (tv, te), (ev, ee) = c[id(x.cond)], c[id(x.then)], c[id(x.else_)]
        return v_ite(cv, tv, ev), _err_join(ce, _err_guard(cv, te), _err_guard(mk_not(cv), ee))

    def _quant(self, x, en, c):
        envs, _ = self._qenvs(x, en)
        vals, errs, prefix = [], [], TRUE
        for e in envs:
            v, er = e.cache[id(x.body)]
            errs = _err_join(errs, _err_guard(prefix, er))
            vals.append(v)
            prefix = mk_and([prefix, v if x.kind == "forall" else mk_not(v)])
        return (mk_and(vals) if x.kind == "forall" else mk_or(vals)), errs

    def _map_build(self, x, en, c):
        envs, keys = self._qenvs(x, en)
        res = [e.cache[id(x.body)] for e in envs]
        return MapV(keys, [r[0] for r in res]), _err_join(*[r[1] for r in res])

    def _set_lit(self, x, en, c):
        res = [c[id(e)] for e in x.elems]
        d: dict = {}
        for el, (v, _) in zip(x.elems, res):
            for k in self.possible_keys(v, el.type):
                d[k] = mk_or([d.get(k, FALSE), v_eq(v, lit(k, el.type))])
        return SetV(d), _err_join(*[r[1] for r in res])

    def _seq_lit(self, x, en, c):
        res = [c[id(e)] for e in x.elems]
        return SeqV(z3.IntVal(len(res)), [r[0] for r in res], x.type.elem), _err_join(*[r[1] for r in res])

    def _index_node(self, x, en, c):
        return self._index(x, c[id(x.base)], c[id(x.key)])

    def _call_node(self, x, en, c):
        return self._call(x, [c[id(a)] for a in x.args])

    def _binary(self, x, L, R):
        (a, ea), (b, eb) = L, R
        op = x.op
        if op == "and":
            return mk_and([a, b]), _err_join(ea, _err_guard(a, eb))
        if op == "or":
            return mk_or([a, b]), _err_join(ea, _err_guard(mk_not(a), eb))
        if op == "implies":
            return mk_implies(a, b), _err_join(ea, _err_guard(a, eb))
        errs = _err_join(ea, eb)
        if op == "add":
            return a + b, errs
        if op == "sub":
            return a - b, errs
        if op == "mul":
            return a * b, errs
        if op in ("div", "mod"):
            zero = b == 0
            errs = _err_join(errs, [ErrItem(zero, f"{'division' if op == 'div' else 'modulo'} by zero{_at(x)}")])
            q = self._floor_div(a, b)
            return (q if op == "div" else a - b * q), errs
        if op == "eq":
            return v_eq(a, b), errs
        if op == "ne":
            return mk_not(v_eq(a, b)), errs
        if op == "lt":
            return a < b, errs
        if op == "le":
            return a <= b, errs
        if op == "gt":
            return a > b, errs
        if op == "ge":
            return a >= b, errs
        if op == "in":
            return mk_or([mk_and([v_eq(a, lit(k, x.left.type)), m]) for k, m in b.elems.items()]), errs
        if op == "subset":
            return mk_and([mk_implies(m, b.elems.get(k, FALSE)) for k, m in a.elems.items()]), errs
        if op in ("union", "inter", "diff"):
            keys = list(a.elems) + [k for k in b.elems if k not in a.elems]
            d = {}
            for k in keys:
                p, q = a.elems.get(k, FALSE), b.elems.get(k, FALSE)
                d[k] = mk_or([p, q]) if op == "union" else (
                    mk_and([p, q]) if op == "inter" else mk_and([p, mk_not(q)]))
            return SetV(d), errs
        raise Unsupported(f"unknown binary operator {op!r}")

    def _floor_div(self, a, b):
        """Python's ``//``: SMT-LIB ``div`` is Euclidean, so a negative
        divisor goes through ``(-a) div (-b)``.  A non-literal divisor with a
        small known range is split into literal cases (Spacer rejects ``div``
        by a variable)."""
        def by(k: int):
            return a / k if k > 0 else (-a) / (-k)
        bs = z3.simplify(b)
        if z3.is_int_value(bs):
            k = bs.as_long()
            return by(k) if k != 0 else z3.IntVal(0)
        rng = term_bounds(bs, self.known_bounds)
        if rng is not None and rng[1] - rng[0] <= 64:
            r = z3.IntVal(0)
            for k in range(rng[1], rng[0] - 1, -1):
                if k != 0:
                    r = z3.If(b == k, by(k), r)
            return r
        return z3.If(b >= 0, a / b, (-a) / (-b))

    def _index(self, x, B, K):
        (base, eb), (key, ek) = B, K
        errs = _err_join(eb, ek)
        if isinstance(base, MapV):
            kt = x.base.type.key
            hits = [v_eq(key, lit(k, kt)) for k in base.keys]
            errs = _err_join(errs, [ErrItem(mk_not(mk_or(hits)), f"map key {{}} outside {kt}{_at(x)}", (key, x.key.type))])
            return self._select(hits, base.vals, default_value(x.type)), errs
        if isinstance(base, SeqV):
            bad = mk_or([key < 0, key >= base.length])
            errs = _err_join(errs, [ErrItem(bad, f"index {{}} out of range{_at(x)}", (key, ir.INT))])
            hits = [key == i for i in range(len(base.slots))]
            return self._select(hits, base.slots, _elem_default(base)), errs
        raise Unsupported(f"cannot index a {x.base.type}")

    @staticmethod
    def _select(hits, vals, default):
        r = default
        for h, v in zip(reversed(hits), reversed(vals)):
            r = v_ite(h, v, r)
        return r

    def _call(self, x, args):
        fn = x.fn
        errs = _err_join(*[e for _, e in args])
        vs = [v for v, _ in args]
        if fn == "size":
            return z3.Sum([z3.If(b, 1, 0) for b in vs[0].elems.values()] + [z3.IntVal(0)]), errs
        if fn == "len":
            return vs[0].length, errs
        if fn in ("min", "max"):
            r = vs[0]
            for v in vs[1:]:
                r = z3.If(v < r, v, r) if fn == "min" else z3.If(v > r, v, r)
            return r, errs
        if fn in ("head", "tail"):
            q = vs[0]
            errs = _err_join(errs, [ErrItem(q.length <= 0, f"{fn} of an empty sequence{_at(x)}")])
            if fn == "head":
                return (q.slots[0] if q.slots else _elem_default(q)), errs
            return SeqV(q.length - 1, q.slots[1:], q.elem), errs
        if fn == "push":
            q, v = vs
            cap = x.args[0].type.cap
            errs = _err_join(errs, [ErrItem(q.length >= cap, f"push onto a full sequence (capacity {cap}){_at(x)}")])
            slots = [v_ite(q.length == i, v, s) for i, s in enumerate(q.slots)]
            if len(q.slots) < cap:
                slots.append(v)
            return SeqV(q.length + 1, slots, q.elem), errs
        if fn in ("set_add", "set_remove"):
            s, v = vs
            et = x.args[0].type.elem
            d = dict(s.elems)
            try:
                dom = set(domain_keys(et))
            except Unsupported:
                dom = None
            if dom is not None:
                inside = mk_or([v_eq(v, lit(k, et)) for k in dom])
                errs = _err_join(errs, [ErrItem(mk_not(inside), f"{fn} of {{}}, outside {et}{_at(x)}", (v, x.args[1].type))])
            keys = self.possible_keys(v, x.args[1].type)
            for k in keys:
                if dom is not None and k not in dom:
                    continue
                hit = v_eq(v, lit(k, et))
                old = d.get(k, FALSE)
                d[k] = mk_or([old, hit]) if fn == "set_add" else mk_and([old, mk_not(hit)])
            return SetV(d), errs
        if fn == "map_update":
            m, k, v = vs
            kt = x.args[0].type.key
            hits = [v_eq(k, lit(kk, kt)) for kk in m.keys]
            errs = _err_join(errs, [ErrItem(mk_not(mk_or(hits)), f"map key {{}} outside {kt}{_at(x)}", (k, x.args[1].type))])
            return MapV(m.keys, [v_ite(h, v, old) for h, old in zip(hits, m.vals)]), errs
        if fn == "seq_update":
            q, i, v = vs
            bad = mk_or([i < 0, i >= q.length])
            errs = _err_join(errs, [ErrItem(bad, f"index {{}} out of range{_at(x)}", (i, ir.INT))])
            return SeqV(q.length, [v_ite(i == j, v, s) for j, s in enumerate(q.slots)], q.elem), errs
        raise Unsupported(f"unknown function {fn!r}")

    # ------------------------------------------------------------ statements

    def _encode_action(self, a: ir.Action, index: int) -> ActionEnc:
        enc = ActionEnc(a, index)
        locals_ = {}
        dom = []
        for p in a.params:
            keys = domain_keys(p.type, f"parameter {p.name!r} of {a.name}")
            name = f"{a.name}.{p.name}"
            t = z3.Bool(name) if isinstance(p.type, ir.BoolT) else z3.Int(name)
            if not isinstance(p.type, ir.BoolT):
                dom.append(mk_or([t == k for k in keys]))
                self.known_bounds[name] = (min(keys), max(keys))
            enc.params.append((p, t))
            locals_[p.name] = t
        env = Env(dict(self.cur.values), locals_)
        guard, env, errs = self._exec(a, env, enc)
        for ch, n in enc.choices:
            dom.append(z3.And(ch >= 0, ch < n))
        enc.dom = mk_and(dom)
        enc.ok = z3.simplify(guard)
        enc.errs = errs
        enc.err = z3.simplify(err_any(errs))
        enc.next = env.vars
        return enc

    def _exec(self, action, env, enc):
        """Symbolic execution of an action body with an explicit stack.

        ``vals`` holds (guard, env) pairs: guard = the step is still running
        normally (every require so far held, no error yet)."""
        errs: list[ErrItem] = []
        vals: list = [(TRUE, env)]
        work: list = [("run", action.body, 0)]
        while work:
            item = work.pop()
            tag = item[0]
            if tag == "run":
                _, stmts, i = item
                if i >= len(stmts):
                    continue
                work.append(("run", stmts, i + 1))
                s = stmts[i]
                g, en = vals.pop()
                if isinstance(s, ir.Require):
                    v, e = self.eval(s.cond, en)
                    errs = _err_join(errs, _err_guard(g, e))
                    vals.append((mk_and([g, mk_not(err_any(e)), v]), en))
                elif isinstance(s, ir.Let):
                    v, e = self.eval(s.value, en)
                    errs = _err_join(errs, _err_guard(g, e))
                    loc = dict(en.locals)
                    loc[s.name] = v
                    vals.append((mk_and([g, mk_not(err_any(e))]), Env(en.vars, loc)))
                elif isinstance(s, ir.Assign):
                    t = self.var_types[s.var]
                    v, e = self.eval(s.value, en)
                    ok_v = mk_not(err_any(e))
                    inside = z3.simplify(self.in_type(v, t))
                    errs = _err_join(errs, _err_guard(g, e), [ErrItem(
                        mk_and([g, ok_v, mk_not(inside)]),
                        f"{s.var} = {{}} is outside {t}{_at(s)}", (v, t))])
                    vars_ = dict(en.vars)
                    vars_[s.var] = self.coerce(v, t)
                    vals.append((mk_and([g, ok_v, inside]), Env(vars_, en.locals)))
                elif isinstance(s, ir.If):
                    v, e = self.eval(s.cond, en)
                    errs = _err_join(errs, _err_guard(g, e))
                    g = mk_and([g, mk_not(err_any(e))])
                    work.append(("merge", [v], 2))
                    work.append(("run", s.else_, 0))
                    work.append(("push", (mk_and([g, mk_not(v)]), en)))
                    work.append(("run", s.then, 0))
                    vals.append((mk_and([g, v]), en))
                elif isinstance(s, ir.Either):
                    n = len(s.branches)
                    ch = z3.Int(f"{action.name}.either{len(enc.choices)}")
                    self.known_bounds[f"{action.name}.either{len(enc.choices)}"] = (0, n - 1)
                    enc.choices.append((ch, n))
                    conds = [ch == k for k in range(n)]
                    work.append(("merge", conds, n))
                    for k in reversed(range(1, n)):
                        work.append(("run", s.branches[k], 0))
                        work.append(("push", (mk_and([g, conds[k]]), en)))
                    work.append(("run", s.branches[0], 0))
                    vals.append((mk_and([g, conds[0]]), en))
                else:
                    raise Unsupported(f"unknown statement {type(s).__name__}")
            elif tag == "push":
                vals.append(item[1])
            else:  # merge n branch results; conds[k] selects branch k
                _, conds, n = item
                outs = vals[len(vals) - n:]
                del vals[len(vals) - n:]
                if n == 2:
                    conds = [conds[0], mk_not(conds[0])]
                vals.append(self._merge(conds, outs))
        g, en = vals.pop()
        return g, en, errs

    def _merge(self, conds, outs):
        guard = mk_or([g for g, _ in outs])
        envs = [e for _, e in outs]

        def pick(vs):
            r = vs[-1]
            for cnd, v in zip(reversed(conds[:-1]), reversed(vs[:-1])):
                r = v_ite(cnd, v, r)
            return r

        vars_ = {}
        for name in envs[0].vars:
            vs = [e.vars[name] for e in envs]
            vars_[name] = vs[0] if all(v_same(vs[0], v) for v in vs[1:]) else pick(vs)
        loc = {}
        for name in envs[0].locals:
            if all(name in e.locals for e in envs):
                vs = [e.locals[name] for e in envs]
                loc[name] = vs[0] if all(v_same(vs[0], v) for v in vs[1:]) else pick(vs)
        return guard, Env(vars_, loc)

    # ------------------------------------------------------------ templates

    def _build_templates(self):
        n = len(self.actions)
        sel_ok = mk_and([self.sel >= 0, self.sel < n]) if n else FALSE
        trans, errstep, enabled = [sel_ok], [sel_ok], []
        for a in self.actions:
            is_a = self.sel == a.index
            frame = mk_and([v_eq(self.nxt.values[v.name], a.next[v.name]) for v in self.spec.vars])
            trans.append(mk_implies(is_a, mk_and([a.dom, a.ok, frame])))
            errstep.append(mk_implies(is_a, mk_and([a.dom, a.err])))
            enabled.append(self._exists(a, mk_or([a.ok, a.err])))
        self.trans = mk_and(trans)
        self.errstep = mk_and(errstep) if n else FALSE
        self.enabled = mk_or(enabled)
        # some step leaving the current state has a successor (errors excluded)
        self.enabled_ok = mk_or([self._exists(a, a.ok) for a in self.actions])
        # every process has finished (an error evaluating it: not terminal)
        term = getattr(self.spec, "terminal", None)
        self.terminal = FALSE if term is None else self.holds_in(term, self.cur)
        # some step leaving the current state errs (no free step variables)
        self.errs_somewhere = mk_or([self._exists(a, a.err) for a in self.actions])

    def _exists(self, a: ActionEnc, f, limit: int = 4096):
        """Exists over the action's parameters and choices (finite: expanded)."""
        doms = []
        for p, t in a.params:
            doms.append([(t, lit(k, p.type)) for k in domain_keys(p.type)])
        for ch, n in a.choices:
            doms.append([(ch, z3.IntVal(k)) for k in range(n)])
        total = 1
        for d in doms:
            total *= len(d)
        if total > limit:
            vs = [t for _, t in a.params] + [c for c, _ in a.choices]
            return z3.Exists(vs, mk_and([a.dom, f]))
        out = []
        for combo in product(*doms):
            if self.poll is not None:
                self.poll()
            out.append(z3.simplify(z3.substitute(f, *combo)) if combo else f)
        return mk_or(out)

    # ------------------------------------------------------------ init

    def init(self, st: State):
        """(formula: st is an initial state without errors, error items)."""
        if self.spec.init_block:
            return self._init_block(st)
        return self._init_plain(st)

    def _init_plain(self, st: State):
        env = self.const_env
        parts, errs = [], []
        for v in self.spec.vars:
            val, e = self.eval(v.init, env)
            errs = _err_join(errs, e)
            x = st.values[v.name]
            if v.init_choice:
                et = v.init.type.elem if isinstance(v.init.type, ir.SetT) else v.type
                outside = [mk_and([b, mk_not(self.in_type(lit(k, et), v.type))]) for k, b in val.elems.items()]
                errs = _err_join(errs, [ErrItem(mk_or(outside), f"an initial value of {v.name} is outside {v.type}{_at(v)}")])
                parts.append(mk_or([mk_and([b, v_eq(x, lit(k, et))]) for k, b in val.elems.items()]))
                parts.append(self.in_type(x, v.type))
            else:
                inside = self.in_type(val, v.type)
                errs = _err_join(errs, [ErrItem(mk_not(inside), f"initial value {v.name} = {{}} is outside {v.type}{_at(v)}", (val, v.type))])
                parts.append(v_eq(x, self.coerce(val, v.type)))
        if self.spec.initial is not None:   # `init: e`: only where e holds without error
            parts.append(self.holds_in(self.spec.initial, st))
        parts.append(mk_not(err_any(errs)))
        return mk_and(parts), errs

    def _init_block(self, st: State):
        """``init { ... }``: the block run symbolically from the declared
        (single) initial values; its either-choices are free variables of the
        formula (bounded by their number of branches)."""
        start = self.make_state("init0")    # the declared initial values (choices included)
        f0, errs = self._init_plain(start)
        block = ActionEnc(ir.Action("init", (), self.spec.init_block), -1)
        guard, env, block_errs = self._exec(block.action, Env(dict(start.values), {}), block)
        domains = [z3.And(ch >= 0, ch < n) for ch, n in block.choices]
        # the block's errors are over the copy and the choices: only where
        # the copy is a declared initial state (callers test them alone)
        errs = _err_join(errs, _err_guard(mk_and([f0, self.state_inv(start)] + domains), block_errs))
        # existential variables of the formula (Horn clauses quantify them)
        self.init_vars = list(start.terms()) + [ch for ch, _n in block.choices]
        parts = [f0] + domains
        parts += [guard] + [v_eq(st.values[v.name], env.vars[v.name]) for v in self.spec.vars]
        if self.spec.initial is not None:
            parts.append(self.holds_in(self.spec.initial, st))
        parts.append(mk_not(err_any(errs)))
        return mk_and(parts), errs

    def init_raw(self):
        """Initial values as computed (for showing an erroneous initial state)."""
        return {v.name: self.eval(v.init, self.const_env)[0] for v in self.spec.vars if not v.init_choice}

    def invariant(self, inv: ir.Invariant, st: State):
        """(value, error items) of an invariant over a state."""
        return self.eval(inv.expr, Env(st.values, {}))

    def holds_in(self, e: ir.Expr, st: State):
        """A state predicate that is true and evaluates without error."""
        v, errs = self.eval(e, Env(st.values, {}))
        return mk_and([v, mk_not(err_any(errs))])

    def fair_groups(self, f: ir.Fairness):
        """The groups of a fairness constraint, as (key values, enabled, taken):
        ``enabled`` (over the current state) = some transition of the group
        has a successor; ``taken`` (over the step variables) = the step is one
        of the group's transitions.  See ir.Fairness."""
        by_name = {a.name: a for a in self.actions}
        acts = [by_name[n] for n in f.actions if n in by_name]
        if not acts:
            return []
        kp = f.key_params
        key_types = [p.type for p, _ in acts[0].params[:kp]]
        out = []
        for combo in product(*(domain_keys(t, "a fairness key") for t in key_types)):
            en, tk = [], []
            for a in acts:
                pairs = [(var, lit(k, p.type)) for (p, var), k in zip(a.params[:kp], combo)]
                ok = z3.substitute(a.ok, *pairs) if pairs else a.ok
                en.append(self._exists(a, ok))
                tk.append(mk_and([self.sel == a.index] + [var == val for var, val in pairs]))
            out.append((tuple(canon_of(k, t) for k, t in zip(combo, key_types)), mk_or(en), mk_or(tk)))
        return out

    def distinct(self, s1: State, s2: State):
        return mk_or([a != b for a, b in zip(s1.terms(), s2.terms())])


# Encoder._combine: the method for each kind of expression (the first class
# of the expression's MRO listed here)
_COMBINERS = {
    ir.Lit: "_lit", ir.Var: "_var", ir.Local: "_local", ir.Const: "_const", ir.Unary: "_unary",
    ir.Binary: "_binary_node", ir.Ite: "_ite", ir.Quant: "_quant", ir.MapBuild: "_map_build",
    ir.SetLit: "_set_lit", ir.SeqLit: "_seq_lit", ir.Index: "_index_node", ir.Call: "_call_node",
}
