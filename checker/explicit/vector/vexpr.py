"""IR expressions -> closures over a chunk of states.

``compile_expr(e, consts)`` returns ``f(p, care)``: the value of ``e`` for
every state of path ``p`` (see ``vstmts.Path``); ``care`` is the mask of the
states on which the expression is really evaluated (None: all of them) --
short-circuit operators narrow it, so that ``len(q) > 0 and head(q) == 1``
reports no error where ``q`` is empty, as the scalar code does.  A runtime
error on a cared-for state calls ``p.fail_if``, which stops the array code for
the chunk.

``consts`` binds parameters and quantified variables to their values at
compile time (every binding and every quantifier instance is compiled on its
own), so map lookups with such keys are plain field reads.  Nothing is
generated as source text: closures are built from the IR nodes, and no value
from the spec is ever evaluated as code.  Constructs outside this module's
cases raise :class:`values.Unsupported` at compile time.
"""
from __future__ import annotations

import numpy as np

from ... import ir
from .values import (MapV, SeqV, SetV, Unsupported, align, bit_of, care_and, equal, is_arr, land,
                     lnot, lor, member, popcount, rebase, set_frame, where)

MAX_NODES = 20000          # beyond this an expression (after unrolling) is left to the scalar code


class Budget:
    def __init__(self):
        self.nodes = 0

    def tick(self):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Unsupported("expression too large after unrolling")


def compile_expr(e: ir.Expr, consts: dict, budget: Budget | None = None):
    budget = budget or Budget()
    try:
        return _c(e, consts, budget)
    except RecursionError:
        raise Unsupported("expression nested too deeply") from None


def internal_lit(node: ir.Lit):
    v = node.value
    if isinstance(node.type, ir.EnumT):
        return node.type.members.index(v)
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    raise Unsupported(f"literal of type {node.type}")


def _const(v):
    return lambda p, care: v


def _c(e, consts, budget):
    budget.tick()
    if isinstance(e, ir.Lit):
        return _const(internal_lit(e))
    if isinstance(e, ir.Var):
        name = e.name
        return lambda p, care: p.var(name)
    if isinstance(e, ir.Local):
        if e.name in consts:
            return _const(consts[e.name])
        name = e.name
        return lambda p, care: p.locs[name]
    if isinstance(e, ir.Const):
        raise Unsupported(f"constant {e.name} without a value")
    if isinstance(e, ir.Unary):
        a = _c(e.arg, consts, budget)
        if e.op == "not":
            return lambda p, care: lnot(a(p, care))
        if e.op == "neg":
            return lambda p, care: -a(p, care)
        raise Unsupported(f"unary {e.op}")
    if isinstance(e, ir.Binary):
        return _binary(e, consts, budget)
    if isinstance(e, ir.Ite):
        c, t, f = (_c(x, consts, budget) for x in (e.cond, e.then, e.else_))

        def ite(p, care):
            cv = c(p, care)
            if not is_arr(cv):
                return t(p, care) if cv else f(p, care)
            return where(cv, t(p, care_and(care, cv)), f(p, care_and(care, ~cv)))
        return ite
    if isinstance(e, ir.Quant):
        bodies = [_c(e.body, {**consts, e.var: v}, budget) for v in _internal_domain(e.domain)]
        return _forall(bodies) if e.kind == "forall" else _exists(bodies)
    if isinstance(e, ir.MapBuild):
        bodies = [_c(e.body, {**consts, e.var: v}, budget) for v in _internal_domain(e.type.key)]
        return lambda p, care: MapV([b(p, care) for b in bodies])
    if isinstance(e, ir.SetLit):
        base, n = set_frame(e.type)
        elems = [_c(x, consts, budget) for x in e.elems]

        def setlit(p, care):
            bits = 0
            for el in elems:
                x = el(p, care)
                p.fail_if(_outside(x, base, n), care)
                bits = bits | bit_of(_clip(x, base, n), base)
            return SetV(bits, base, n)
        return setlit
    if isinstance(e, ir.SeqLit):
        elems = [_c(x, consts, budget) for x in e.elems]
        cap = e.type.cap
        return lambda p, care: SeqV(len(elems), [el(p, care) for el in elems], max(cap, len(elems)))
    if isinstance(e, ir.Index):
        return _index(e, consts, budget)
    if isinstance(e, ir.Call):
        return _call(e, consts, budget)
    raise Unsupported(type(e).__name__)


def _internal_domain(t):
    if isinstance(t, ir.BoolT):
        return (False, True)
    if isinstance(t, ir.IntT):
        lo, hi = t.bounds()
        return tuple(range(lo, hi + 1))
    if isinstance(t, ir.EnumT):
        return tuple(range(len(t.members)))
    raise Unsupported(f"domain {t}")


def _outside(x, lo: int, n: int):
    if not is_arr(x):
        return not (lo <= x < lo + n)
    return (x < lo) | (x >= lo + n)


def _clip(x, lo: int, n: int):
    """x where it is inside lo..lo+n-1, else lo (for indexing; the error is reported apart)"""
    if not is_arr(x):
        return x if lo <= x < lo + n else lo
    return np.where((x >= lo) & (x < lo + n), x, lo)


def _forall(bodies):
    def forall(p, care):
        acc = True
        for b in bodies:
            v = b(p, care_and(care, acc) if acc is not True else care)
            acc = land(acc, v)
            if acc is False:
                return False
        return acc
    return forall


def _exists(bodies):
    def exists(p, care):
        acc = False
        for b in bodies:
            v = b(p, care if acc is False else care_and(care, lnot(acc)))
            acc = lor(acc, v)
            if acc is True:
                return True
        return acc
    return exists


_ARITH = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
_CMP = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
        "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}


def _pyb(x):
    return bool(x) if isinstance(x, (bool, np.bool_)) else x


def _binary(e: ir.Binary, consts, budget):
    op = e.op
    l_, r_ = _c(e.left, consts, budget), _c(e.right, consts, budget)
    if op == "and":
        def and_(p, care):
            a = l_(p, care)
            if a is False:
                return False
            return land(a, r_(p, care_and(care, a)))
        return and_
    if op == "or":
        def or_(p, care):
            a = l_(p, care)
            if a is True:
                return True
            return lor(a, r_(p, care_and(care, lnot(a))))
        return or_
    if op == "implies":
        def implies(p, care):
            a = l_(p, care)
            if a is False:
                return True
            return lor(lnot(a), r_(p, care_and(care, a)))
        return implies
    if op in ARITH_OPS_CHECKED:
        # int64 arithmetic: a result that could leave +-2**62 is left to the scalar code
        # (Python ints), so an overflow can never change a value silently
        m = magnitude(e, consts)
        if m is None or m >= 1 << 62:
            raise Unsupported("integer arithmetic that may exceed 64 bits")
    if op in _ARITH:
        f = _ARITH[op]
        return lambda p, care: f(l_(p, care), r_(p, care))
    if op in ("div", "mod"):
        floor = op == "div"

        def divmod_(p, care):
            a, b = l_(p, care), r_(p, care)
            zero = b == 0
            p.fail_if(zero, care)
            if not is_arr(b):
                return a // b if floor else a % b
            b = np.where(zero, 1, b)
            return a // b if floor else a % b
        return divmod_
    if op in ("eq", "ne"):
        t = e.left.type
        if ir.is_scalar(t):
            if op == "eq":
                return lambda p, care: _pyb(l_(p, care) == r_(p, care))
            return lambda p, care: _pyb(l_(p, care) != r_(p, care))
        _check_type(t)
        if op == "eq":
            return lambda p, care: equal(l_(p, care), r_(p, care), t)
        return lambda p, care: lnot(equal(l_(p, care), r_(p, care), t))
    if op in _CMP:
        f = _CMP[op]
        return lambda p, care: _pyb(f(l_(p, care), r_(p, care)))
    if op == "in":
        set_frame(e.right.type)
        return lambda p, care: member(l_(p, care), r_(p, care))
    if op in ("union", "inter", "diff"):
        set_frame(e.type)

        def setop(p, care):
            a, b = align(l_(p, care), r_(p, care))
            x, y = a.bits, b.bits
            if op == "diff":
                bits = _andnot(x, y)
            elif isinstance(x, int) and isinstance(y, int):
                bits = x | y if op == "union" else x & y
            else:
                x = np.uint64(x) if isinstance(x, int) else x
                y = np.uint64(y) if isinstance(y, int) else y
                bits = x | y if op == "union" else x & y
            if not isinstance(bits, int):
                bits = bits & np.uint64((1 << a.n) - 1)
            else:
                bits &= (1 << a.n) - 1
            return SetV(bits, a.base, a.n)
        return setop
    if op == "subset":
        def subset(p, care):
            a, b = align(l_(p, care), r_(p, care))
            return _pyb(_andnot(a.bits, b.bits) == 0)
        return subset
    raise Unsupported(f"operator {op}")


ARITH_OPS_CHECKED = ("add", "sub", "mul", "div", "mod")


def magnitude(e, consts) -> int | None:
    """an upper bound of |value| of an integer expression, or None when unknown"""
    rule = _MAGNITUDE_RULES.get(type(e))
    m = rule(e, consts) if rule is not None else _BY_TYPE
    return _type_magnitude(e.type) if m is _BY_TYPE else m


_BY_TYPE = object()    # a rule's answer: nothing better than the bound of the expression's type


def _type_magnitude(t) -> int | None:
    if isinstance(t, ir.IntT) and t.concrete:
        lo, hi = t.bounds()
        return max(abs(lo), abs(hi))
    if isinstance(t, (ir.BoolT, ir.EnumT)):
        return len(t.members) if isinstance(t, ir.EnumT) else 1
    return None


def _lit_magnitude(e: ir.Lit, consts):
    if isinstance(e.value, (int, bool)) and not isinstance(e.type, ir.EnumT):
        return abs(int(e.value))
    return len(e.type.members) if isinstance(e.type, ir.EnumT) else None


def _local_magnitude(e: ir.Local, consts):
    if e.name in consts:
        return abs(int(consts[e.name]))
    if ("mag", e.name) in consts:      # a let: vstmts.compile_block
        return consts[("mag", e.name)]
    return _BY_TYPE


def _element_magnitude(container_type):
    """the bound of a map's values or a sequence's elements, when integers of a
    concrete range"""
    bt = container_type
    inner = bt.value if isinstance(bt, ir.MapT) else bt.elem if isinstance(bt, ir.SeqT) else None
    if isinstance(inner, ir.IntT) and inner.concrete:
        lo, hi = inner.bounds()
        return max(abs(lo), abs(hi))
    return _BY_TYPE


def _index_magnitude(e: ir.Index, consts):
    return _element_magnitude(e.base.type)


def _unary_magnitude(e: ir.Unary, consts):
    return magnitude(e.arg, consts) if e.op == "neg" else _BY_TYPE


def _binary_magnitude(e: ir.Binary, consts):
    if e.op not in ARITH_OPS_CHECKED:
        return _BY_TYPE
    a, b = magnitude(e.left, consts), magnitude(e.right, consts)
    if a is None or b is None:
        return None
    return {"add": a + b, "sub": a + b, "mul": a * b, "div": a, "mod": max(a, b)}[e.op]


def _ite_magnitude(e: ir.Ite, consts):
    a, b = magnitude(e.then, consts), magnitude(e.else_, consts)
    return None if a is None or b is None else max(a, b)


def _call_magnitude(e: ir.Call, consts):
    if e.fn == "head":
        return _element_magnitude(e.args[0].type)
    if e.fn in ("min", "max"):
        ms = [magnitude(a, consts) for a in e.args]
        return None if None in ms else max(ms)
    if e.fn in ("size", "len"):
        return 64
    return _BY_TYPE


_MAGNITUDE_RULES = {ir.Lit: _lit_magnitude, ir.Local: _local_magnitude, ir.Index: _index_magnitude,
                    ir.Unary: _unary_magnitude, ir.Binary: _binary_magnitude, ir.Ite: _ite_magnitude,
                    ir.Call: _call_magnitude}


def _andnot(x, y):
    if isinstance(x, int) and isinstance(y, int):
        return x & ~y
    x = np.uint64(x) if isinstance(x, int) else x
    y = np.uint64(y) if isinstance(y, int) else y
    return x & ~y


def _check_type(t):
    """Unsupported unless every part of t has an array form here"""
    if isinstance(t, ir.SetT):
        set_frame(t)
    elif isinstance(t, ir.SeqT):
        _check_type(t.elem)
        if not ir.is_scalar(t.elem):
            raise Unsupported("a sequence of non-scalar values")
    elif isinstance(t, ir.MapT):
        _check_type(t.value)
    elif not ir.is_scalar(t):
        raise Unsupported(f"type {t}")


def _select(entries: list, key, lo: int):
    """entries[key - lo] for an array key (inside the domain)"""
    out = entries[0]
    for i in range(1, len(entries)):
        out = where(key == lo + i, entries[i], out)
    return out


def _index(e: ir.Index, consts, budget):
    bt = e.base.type
    base, key = _c(e.base, consts, budget), _c(e.key, consts, budget)
    if isinstance(bt, ir.MapT):
        dom = _internal_domain(bt.key)
        lo, n = dom[0], len(dom)

        def map_index(p, care):
            m, k = base(p, care), key(p, care)
            p.fail_if(_outside(k, lo, n), care)
            if not is_arr(k):
                return m.entries[int(k) - lo] if lo <= k < lo + n else m.entries[0]
            return _select(m.entries, _clip(k, lo, n), lo)
        return map_index
    if isinstance(bt, ir.SeqT):
        _check_type(bt)

        def seq_index(p, care):
            s, i = base(p, care), key(p, care)
            p.fail_if(lor(i < 0, i >= s.length), care)
            if not is_arr(i):
                return s.elems[i] if 0 <= i < len(s.elems) else s.elems[0] if s.elems else 0
            return _select(s.elems, _clip(i, 0, len(s.elems)), 0) if s.elems else 0
        return seq_index
    raise Unsupported(f"index of {bt}")


def _call(e: ir.Call, consts, budget):
    fn = e.fn
    args = [_c(a, consts, budget) for a in e.args]
    for a in e.args:
        _check_type(a.type) if not isinstance(a.type, ir.IntT) else None
    if fn == "size":
        return lambda p, care: popcount(args[0](p, care).bits)
    if fn == "len":
        return lambda p, care: args[0](p, care).length
    if fn in ("min", "max"):
        pick = min if fn == "min" else max
        arr = np.minimum if fn == "min" else np.maximum

        def minmax(p, care):
            vs = [a(p, care) for a in args]
            out = vs[0]
            for v in vs[1:]:
                out = arr(out, v) if is_arr(out) or is_arr(v) else pick(out, v)
            return out
        return minmax
    if fn == "head":
        def head(p, care):
            s = args[0](p, care)
            p.fail_if(s.length == 0, care)
            return s.elems[0] if s.elems else 0
        return head
    if fn == "tail":
        cap = e.type.cap

        def tail(p, care):
            s = args[0](p, care)
            p.fail_if(s.length == 0, care)
            return SeqV(np.maximum(s.length - 1, 0) if is_arr(s.length) else max(s.length - 1, 0),
                        s.slots(max(cap, s.cap) + 1)[1:], max(cap, s.cap))
        return tail
    if fn == "push":
        cap_in = e.args[0].type.cap
        cap = e.type.cap

        def push(p, care):
            s, x = args[0](p, care), args[1](p, care)
            full = s.length >= cap_in
            p.fail_if(full, care)
            slots = s.slots(max(cap, cap_in))
            if not is_arr(s.length):
                if s.length < len(slots):
                    slots[s.length] = x
            else:
                slots = [where(s.length == i, x, y) for i, y in enumerate(slots)]
            return SeqV(s.length + 1, slots, max(cap, cap_in))
        return push
    if fn in ("set_add", "set_remove"):
        base_, n_ = set_frame(e.args[0].type)
        add = fn == "set_add"

        def setupd(p, care):
            s, x = args[0](p, care), args[1](p, care)
            p.fail_if(_outside(x, base_, n_), care)
            s = rebase(s, base_, n_) if (s.base, s.n) != (base_, n_) else s
            b = bit_of(_clip(x, base_, n_), base_)
            if isinstance(s.bits, int) and isinstance(b, int):
                bits = (s.bits | b) if add else (s.bits & ~b)
            else:
                sb = np.uint64(s.bits) if isinstance(s.bits, int) else s.bits
                bb = np.uint64(b) if isinstance(b, int) else b
                bits = (sb | bb) if add else (sb & ~bb)
            return SetV(bits, base_, n_)
        return setupd
    if fn == "map_update":
        dom = _internal_domain(e.args[0].type.key)
        lo, n = dom[0], len(dom)

        def map_update(p, care):
            m, k, v = (a(p, care) for a in args)
            p.fail_if(_outside(k, lo, n), care)
            if not is_arr(k):
                ents = list(m.entries)
                if lo <= k < lo + n:
                    ents[int(k) - lo] = v
                return MapV(ents)
            return MapV([where(k == lo + i, v, x) for i, x in enumerate(m.entries)])
        return map_update
    if fn == "seq_update":
        def seq_update(p, care):
            s, i, v = (a(p, care) for a in args)
            p.fail_if(lor(i < 0, i >= s.length), care)
            if not is_arr(i):
                slots = list(s.elems)
                if 0 <= i < len(slots):
                    slots[i] = v
            else:
                slots = [where(i == j, v, y) for j, y in enumerate(s.elems)]
            return SeqV(s.length, slots, s.cap)
        return seq_update
    raise Unsupported(f"call {fn}")
