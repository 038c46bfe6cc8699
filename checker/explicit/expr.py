"""Expression compiler: IR expression -> Python expression source.

Iterative (explicit stack), so expressions of any depth compile; once the
generated code nests more than HOIST_DEPTH parentheses, the subexpression is
moved into a temporary (a line in ``R.pre``).  ``and``/``or``/``implies``
chains and ``else if`` chains are flattened; a lazy operand that needs
temporaries is evaluated in statement form (``if``) so that short-circuit
evaluation is preserved.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import ir
from .ctx import HOIST_DEPTH, UNROLL, UNROLL_TOTAL, UNROLLED, Ctx, R, Where, bits_code, indent, line_of, num
from .layout import (SET_BIAS, dom_lo, dom_size, internal_domain, is_bitset, is_int_bitset,
                     set_shift, subtype)

_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ARITH = {"add": "+", "sub": "-", "mul": "*"}


def fits_in(r: R, t: ir.Type) -> bool:
    """Is r's value statically inside type t (deep)?"""
    if isinstance(t, (ir.BoolT, ir.EnumT)) or (is_bitset(t) and not is_int_bitset(t)):
        return True
    if isinstance(t, ir.IntT):
        if not t.bounded:          # plain int (the type of arithmetic results)
            return True
        if r.iv is None or not t.concrete:
            return False
        lo, hi = t.bounds()
        return lo <= r.iv[0] and r.iv[1] <= hi
    return r.fits and subtype(r.type, t)


def type_iv(t: ir.Type):
    if isinstance(t, ir.IntT) and t.concrete:
        return t.bounds()
    return None


def const_r(ctx: Ctx, v, t: ir.Type) -> R:
    iv = (v, v) if isinstance(v, int) and not isinstance(v, bool) else None
    return R(ctx.lit(v), t, const=v, iv=iv, fits=True)


def hoist(ctx: Ctx, r: R) -> R:
    if r.depth <= HOIST_DEPTH or r.isconst:
        return r
    t = ctx.fresh()
    return R(t, r.type, iv=r.iv, fits=r.fits, pre=r.pre + [(0, f"{t} = {r.code}")])


def compile_expr(ctx: Ctx, root: ir.Expr, where: Where) -> R:
    stack: list = [(0, root, where.env)]
    results: list[R] = []
    while stack:
        ctx.tick()
        item = stack.pop()
        if item[0] == 1:
            _, node, env, n, plan = item
            args = results[len(results) - n:] if n else []
            del results[len(results) - n:]
            results.append(hoist(ctx, _combine(ctx, node, args, plan, where)))
            continue
        _, node, env = item
        children, plan = _expand(ctx, node, env, where)
        if children is None:
            results.append(plan)
            continue
        stack.append((1, node, env, len(children), plan))
        for c in reversed(children):
            stack.append((0, c[0], c[1]))
    return results[0]


# ------------------------------------------------------------------ expand


def _flatten(node: ir.Binary, op: str):
    """Operands of an and-chain (op "and") or or/implies-chain (op "or"), left
    to right, each as (expr, negated)."""
    out = []
    work = [(node, False)]
    while work:
        x, neg = work.pop()
        if not neg and isinstance(x, ir.Binary) and (
                x.op == op or (op == "or" and x.op == "implies")):
            work.append((x.right, False))
            work.append((x.left, x.op == "implies"))
        else:
            out.append((x, neg))
    return out


def _expand(ctx: Ctx, node, env, where: Where):
    if isinstance(node, ir.Lit):
        return None, const_r(ctx, ctx.internal_lit(node), node.type)
    if isinstance(node, ir.Var):
        return None, read_var(ctx, node.name, where)
    if isinstance(node, ir.Local):
        b = env[node.name]
        if b[0] == "c":
            return None, const_r(ctx, b[1], node.type)
        return None, R(b[1], node.type, iv=b[2], fits=b[3])
    if isinstance(node, ir.Const):
        raise ValueError(f"constant {node.name} has no value")
    if isinstance(node, ir.Unary):
        return [(node.arg, env)], None
    if isinstance(node, ir.Binary):
        if node.op in ("and", "or", "implies"):
            ops = _flatten(node, "and" if node.op == "and" else "or")
            return [(x, env) for x, _ in ops], [neg for _, neg in ops]
        return [(node.left, env), (node.right, env)], None
    if isinstance(node, ir.Ite):
        kids = []
        x = node
        while isinstance(x, ir.Ite):
            kids += [(x.cond, env), (x.then, env)]
            x = x.else_
        kids.append((x, env))
        return kids, None
    if isinstance(node, (ir.Quant, ir.MapBuild)):
        dom_t = node.domain if isinstance(node, ir.Quant) else node.type.key
        dom = internal_domain(dom_t)
        outer = env.get(UNROLLED, ("u", 1))[1]     # copies made by enclosing unrolling
        if len(dom) <= UNROLL and outer * _copies(ctx, node) <= UNROLL_TOTAL:
            inner = {UNROLLED: ("u", outer * len(dom))}
            return ([(node.body, {**env, node.var: ("c", v), **inner}) for v in dom],
                    ("unrolled", dom))
        name = ctx.fresh("q")
        benv = {**env, node.var: ("n", name, type_iv(dom_t), True)}
        return [(node.body, benv)], ("loop", name, dom)
    if isinstance(node, (ir.SetLit, ir.SeqLit)):
        return [(x, env) for x in node.elems], None
    if isinstance(node, ir.Index):
        if isinstance(node.base, ir.Var) and isinstance(node.base.type, ir.MapT):
            return [(node.key, env)], "mapvar"
        return [(node.base, env), (node.key, env)], None
    if isinstance(node, ir.Call):
        return [(a, env) for a in node.args], None
    raise TypeError(f"not an IR expression: {node!r}")


def _children(x) -> tuple:
    if isinstance(x, ir.Unary):
        return (x.arg,)
    if isinstance(x, ir.Binary):
        return (x.left, x.right)
    if isinstance(x, ir.Ite):
        return (x.cond, x.then, x.else_)
    if isinstance(x, (ir.Quant, ir.MapBuild)):
        return (x.body,)
    if isinstance(x, (ir.SetLit, ir.SeqLit)):
        return x.elems
    if isinstance(x, ir.Index):
        return (x.base, x.key)
    if isinstance(x, ir.Call):
        return x.args
    return ()


def _unrollable(x) -> int:
    """Domain size of a quantifier / map builder small enough to unroll, else 1."""
    if isinstance(x, (ir.Quant, ir.MapBuild)):
        n = dom_size(x.domain if isinstance(x, ir.Quant) else x.type.key)
        return n if n <= UNROLL else 1
    return 1


def _copies(ctx: Ctx, node) -> int:
    """Copies of the innermost body that unrolling node and every small
    quantifier nested in it would make (the largest product of domain sizes
    along a path).  Decided top-down: an outer quantifier over a nest too big
    to unroll becomes a loop and the inner ones are unrolled inside it."""
    got = ctx.copies.get(id(node))
    if got is not None:
        return got
    best = 1
    stack = [(node, 1)]
    while stack:
        x, prod = stack.pop()
        prod *= _unrollable(x)
        best = max(best, prod)
        if best > UNROLL_TOTAL:
            break
        stack += [(c, prod) for c in _children(x)]
    ctx.copies[id(node)] = best
    return best


# ------------------------------------------------------------------ var reads


def read_var(ctx: Ctx, name: str, where: Where) -> R:
    f = ctx.field(name)
    iv = type_iv(f.type)
    cached = where.cache.get(f.index)
    if cached is not None:
        return R(cached, f.type, iv=iv, fits=True)
    return read_field(ctx, f.type, f.offset, where.sn, iv)


def read_field(ctx: Ctx, t: ir.Type, off: int, sn: str, iv=None) -> R:
    """Decode the value of type t stored at bit offset off of state sn."""
    from .layout import width
    w = width(t)
    total = ctx.layout.total_bits
    if ir.is_scalar(t):
        lo = dom_lo(t)
        if w == 0:
            return const_r(ctx, lo, t)
        code = bits_code(sn, off, w, total)
        if lo:
            code = f"({code} + {lo})"
        return R(code, t, iv=iv, fits=True, depth=2, fld=(sn, off, w, lo))
    bits = bits_code(sn, off, w, total)
    if is_bitset(t):
        sh = set_shift(t)
        return R(f"({bits} << {sh})" if sh else bits, t, fits=True, depth=3, at=(sn, off))
    return R(f"{ctx.decoder(t)}({bits})", t, fits=True, depth=2,
             bits=bits if isinstance(t, ir.SeqT) else None, at=(sn, off))


def sub_bits(ctx: Ctx, r: R, pb: str, shift: int, mask: int) -> str:
    """Code of (pb >> shift) & mask, read from the state directly when r's
    bits are a field of it."""
    if r.at is not None and not r.isconst:
        sn, off = r.at
        return bits_code(sn, off + shift, mask.bit_length(), ctx.layout.total_bits)
    return f"(({pb} >> {shift}) & {num(mask)})" if shift else f"({pb} & {num(mask)})"


def seq_geom(t: ir.SeqT):
    """(length bits, length mask, element width, element mask) of a packed sequence"""
    from .layout import bits_for, width
    lb = bits_for(t.cap + 1)
    w = width(t.elem)
    return lb, (1 << lb) - 1, w, (1 << w) - 1


def packable(t: ir.SeqT) -> bool:
    """Sequences handled in packed form: scalar elements of non-zero width."""
    from .layout import width
    if not isinstance(t, ir.SeqT) or not ir.is_scalar(t.elem):
        return False
    if isinstance(t.elem, ir.IntT) and not t.elem.concrete:
        return False        # a literal of plain ints ([v + 1]): no fixed width
    return width(t.elem) > 0


def packed_bits(ctx: Ctx, r: R, t: ir.Type):
    """Code of the encoded bits of r's value, when available without decoding."""
    if not packable(t):
        return None
    if r.isconst:
        if not r.fits and not subtype(r.type, t):
            return None
        from .layout import encoder, runtime_fits
        f = runtime_fits(t)
        if f is not None and not f(r.const):
            return None
        return num(encoder(t)(r.const))
    return r.bits


def _elem_code(t: ir.SeqT, raw: str) -> str:
    lo = dom_lo(t.elem)
    return f"({raw} + {lo})" if lo else raw


# ------------------------------------------------------------------ combine


def _strict(ctx: Ctx, node, args: list[R], code: str, t: ir.Type, *, iv=None, fits=False,
            fold=True, sn=None) -> R:
    pre = [ln for a in args for ln in a.pre]
    depth = 1 + max((a.depth for a in args), default=0)
    r = R(code, t, iv=iv, fits=fits, pre=pre, depth=depth)
    if fold and args and all(a.isconst for a in args):
        try:
            v = eval(code, ctx.ns, {sn or "s": None})  # our own generated code
        except Exception:
            return r
        return const_r(ctx, v, t)
    return r


def key_index(ctx: Ctx, k: R, kt: ir.Type, node, sn: str) -> R:
    """Index (0-based) of a map key in its domain, with a domain check."""
    if isinstance(kt, (ir.BoolT, ir.EnumT)):
        if k.isconst:
            return const_r(ctx, int(k.const), ir.INT)
        return k
    lo, hi = kt.bounds()
    if k.isconst and lo <= k.const <= hi:
        return const_r(ctx, k.const - lo, ir.INT)
    if fits_in(k, kt):
        return R(k.code if lo == 0 else f"({k.code} - {lo})", ir.INT, pre=k.pre,
                 depth=k.depth + 1)
    ec = ctx.err(f"key {{0}} outside the key domain {kt} (line {line_of(node)})")
    return R(f"_ki({k.code}, {lo}, {hi}, {ec}, {sn})", ir.INT, pre=k.pre, depth=k.depth + 1)


def elem_bit(ctx: Ctx, x: R, et: ir.Type) -> R:
    """Bit index of an element in a bitmask set (for an integer element, the
    caller makes sure that x + SET_BIAS >= 0)."""
    if isinstance(et, ir.IntT):
        if x.isconst:
            return const_r(ctx, x.const + SET_BIAS, ir.INT)
        return R(f"({x.code} + {SET_BIAS})", ir.INT, pre=x.pre, depth=x.depth + 1)
    if x.isconst:
        return const_r(ctx, int(x.const), ir.INT)
    return x


def _bit_ok(x: R) -> bool:
    """Is x + SET_BIAS statically a valid (non-negative) bit index?"""
    if x.isconst:
        return x.const >= -SET_BIAS
    return x.iv is not None and x.iv[0] >= -SET_BIAS


_CALL = re.compile(r"[A-Za-z_]\w*\s*\(")


def _pure(code: str) -> bool:
    """Code without calls (no runtime helper that may raise) and without ':='
    (evaluating it twice gives the same value, and evaluating it never fails
    except on errors that evaluating it once would raise too)."""
    return ":=" not in code and not _CALL.search(code) and "/" not in code


def _ivop(op, a, b):
    if a is None or b is None:
        return None
    if op == "add":
        return (a[0] + b[0], a[1] + b[1])
    if op == "sub":
        return (a[0] - b[1], a[1] - b[0])
    if op == "mul":
        c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
        return (min(c), max(c))
    return None


_LOCAL = re.compile(r"\b(?:[tqlyxnkpr]\d+|s|n|b)\b")
_BOUND = re.compile(r"^\s*(?:for\s+)?([tqlyxnkpr]\d+)\b(?:\s*=|\s+in\b)|\(([tqlyxnkpr]\d+) :=")


def lazy(ctx: Ctx, r: R) -> R:
    """An operand evaluated only sometimes: when it needs statements first,
    move them into a module-level function taking the locals it reads, so
    the operand becomes a plain call (no nesting grows, laziness is kept)."""
    if not r.pre:
        return r
    body = [t for _, t in r.pre] + [r.code]
    used = []
    bound = set()
    for text in body:
        for m in _BOUND.finditer(text):
            bound.add(m.group(1) or m.group(2))
    for text in body:
        used += _LOCAL.findall(text)
    params = [u for u in dict.fromkeys(used) if u not in bound]
    name = ctx.fresh("f")
    lines = [(0, f"def {name}({', '.join(params)}):")] + indent(r.pre, 1)
    lines.append((1, f"return {r.code}"))
    ctx.defs.append("".join("    " * i + t + "\n" for i, t in lines))
    return R(f"{name}({', '.join(params)})", r.type, iv=r.iv, fits=r.fits, depth=1)


def _lazy_chain(ctx: Ctx, ops: list[R], is_and: bool, t) -> R:
    """a and b and c / a or b or c (operands after the first are lazy)."""
    kept: list[R] = []
    for r in ops:
        if r.isconst:
            if bool(r.const) != is_and:      # False in an and-chain / True in an or-chain
                if not kept:
                    return const_r(ctx, bool(r.const), t)
                kept.append(r)
                break
            continue                          # neutral element
        kept.append(r)
    if not kept:
        return const_r(ctx, is_and, t)
    if len(kept) == 1:
        return kept[0]
    kept = [kept[0]] + [lazy(ctx, r) for r in kept[1:]]
    word = " and " if is_and else " or "
    depth = 1 + max(r.depth for r in kept)
    return R("(" + word.join(r.code for r in kept) + ")", t, pre=kept[0].pre, depth=depth)


def _ite_chain(ctx: Ctx, args: list[R], t) -> R:
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
    els = args[-1]
    kept = []
    for c, v in pairs:
        if c.isconst:
            if c.const:
                els = v
                break
            continue
        kept.append((c, v))
    all_vals = [v for _, v in kept] + [els]
    iv = None
    if all(v.iv is not None for v in all_vals):
        iv = (min(v.iv[0] for v in all_vals), max(v.iv[1] for v in all_vals))
    fits = all(v.fits and subtype(v.type, t) for v in all_vals)
    if not kept:
        return els
    first = kept[0][0]
    kept = [(c if i == 0 else lazy(ctx, c), lazy(ctx, v)) for i, (c, v) in enumerate(kept)]
    els = lazy(ctx, els)
    code = "(" + " else ".join(f"{v.code} if {c.code}" for c, v in kept) + f" else {els.code})"
    depth = 1 + max(x.depth for x in [v for _, v in kept] + [els] + [c for c, _ in kept])
    return R(code, t, iv=iv, fits=fits, pre=first.pre, depth=depth)


def _combine(ctx: Ctx, node, args: list[R], plan, where: Where) -> R:
    """The code of ``node`` from the code of its children (``args``, in the
    order ``_expand`` listed them; ``plan`` is what ``_expand`` decided)."""
    combine = _COMBINE.get(type(node))
    if combine is None:
        raise TypeError(node)
    return combine(ctx, node, args, plan, where)


def _unary(ctx: Ctx, node: ir.Unary, args: list[R], plan, where: Where) -> R:
    a = args[0]
    if node.op == "not":
        return _strict(ctx, node, args, f"(not {a.code})", node.type)
    iv = (-a.iv[1], -a.iv[0]) if a.iv else None
    return _strict(ctx, node, args, f"(-{a.code})", node.type, iv=iv)


def _binary(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    return _BINARY[node.op](ctx, node, args, plan, where)


def _negated(ctx: Ctx, r: R) -> R:
    if r.isconst:
        return const_r(ctx, not r.const, ir.BOOL)
    return R(f"(not {r.code})", ir.BOOL, pre=r.pre, depth=r.depth + 1)


def _logic(ctx: Ctx, node: ir.Binary, args: list[R], negated: list[bool], where: Where) -> R:
    """a flattened and-chain or or/implies-chain (``negated``: per operand,
    whether it is the left side of an implication)"""
    ops = [_negated(ctx, r) if neg else r for r, neg in zip(args, negated)]
    return _lazy_chain(ctx, ops, node.op == "and", node.type)


def _arith(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    a, b = args
    return _strict(ctx, node, args, f"({a.code} {_ARITH[node.op]} {b.code})", node.type,
                   iv=_ivop(node.op, a.iv, b.iv))


def _div_mod(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    a, b = args
    op = node.op
    if b.isconst and b.const != 0:
        # a non-zero constant divisor: plain Python operators, no check
        sym = "//" if op == "div" else "%"
        iv = (0, b.const - 1) if op == "mod" and b.const > 0 else None
        return _strict(ctx, node, args, f"({a.code} {sym} {b.code})", node.type, iv=iv)
    what = "division" if op == "div" else "modulo"
    ec = ctx.err(f"{what} by zero (line {line_of(node)})")
    fn = "_div" if op == "div" else "_mod"
    sn = where.sn
    return _strict(ctx, node, args, f"{fn}({a.code}, {b.code}, {ec}, {sn})", node.type, sn=sn)


def _equality(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    r = _field_equality(node, args)
    return r if r is not None else _compare(ctx, node, args, plan, where)


def _field_equality(node: ir.Binary, args: list[R]) -> R | None:
    """field == constant (or !=) tested on the state's bits in place (one
    mask, one comparison, no decoding); None when that does not apply"""
    a, b = args
    fa, fb = (a, b) if b.isconst else (b, a)
    if fa.fld is None or not fb.isconst or fa.pre:
        return None
    sn, off, w, lo = fa.fld
    c = int(fb.const) - lo
    if not 0 <= c < (1 << w):
        return None           # a constant the field cannot hold: compared the plain way
    return R(f"(({sn} & {num(((1 << w) - 1) << off)}) {_CMP[node.op]} {num(c << off)})",
             node.type, depth=2)


def _compare(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    a, b = args
    op = node.op
    if a.code == b.code and not a.pre and not b.pre and _pure(a.code):
        # x < x, x == x ...: the same side-effect-free code on both sides
        return const_r(ctx, op in ("eq", "le", "ge"), node.type)
    return _strict(ctx, node, args, f"({a.code} {_CMP[op]} {b.code})", node.type)


def _membership(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    a, b = args
    st = node.right.type
    t = node.type
    if is_int_bitset(st) and not _bit_ok(a):
        return _in_int_bitset_any(ctx, node, a, b)
    if is_bitset(st) and b.at is not None and (a.isconst or fits_in(a, st.elem)):
        return _in_stored_bitset(ctx, node, a, b)
    if is_bitset(st):
        x = elem_bit(ctx, a, st.elem)
        return _strict(ctx, node, [x, b], f"(({b.code} >> {x.code}) & 1)", t)
    return _strict(ctx, node, args, f"({a.code} in {b.code})", t)


def _in_int_bitset_any(ctx: Ctx, node: ir.Binary, a: R, b: R) -> R:
    """x in S for a bitmask set of integers, x possibly below the set's
    lowest bit (then not a member)"""
    if a.isconst:
        return const_r(ctx, False, node.type)
    tmp = ctx.fresh()
    return _strict(ctx, node, [a, b], f"((({tmp} := {a.code}) >= {-SET_BIAS}) and "
                   f"(({b.code} >> ({tmp} + {SET_BIAS})) & 1))", node.type)


def _in_stored_bitset(ctx: Ctx, node: ir.Binary, a: R, b: R) -> R:
    """x in S for a bitmask set read straight from the state: test the
    state's bit"""
    st = node.right.type
    t = node.type
    sn, off = b.at
    x = elem_bit(ctx, a, st.elem)
    sh = set_shift(st)
    if x.isconst:
        i = x.const - sh
        if not 0 <= i < dom_size(st.elem):
            return const_r(ctx, False, t)
        return R(f"(({sn} >> {off + i}) & 1)", t, depth=2)
    d = off - sh
    shift = x.code if d == 0 else f"({x.code} + {d})" if d > 0 else f"({x.code} - {-d})"
    return _strict(ctx, node, [x], f"(({sn} >> {shift}) & 1)", t, fold=False)


_BITSET_OPS = {"union": "({a} | {b})", "inter": "({a} & {b})", "diff": "({a} & ~{b})",
               "subset": "(({a} & ~{b}) == 0)"}
_FROZENSET_OPS = {"union": "({a} | {b})", "inter": "({a} & {b})", "diff": "({a} - {b})",
                  "subset": "({a} <= {b})"}


def _set_op_fits(op: str, a: R, b: R, t: ir.Type) -> bool:
    """Is the result of the set operation statically inside t?"""
    if op == "union":
        return fits_in(a, t) and fits_in(b, t)
    if op == "inter":
        return fits_in(a, t) or fits_in(b, t)
    if op == "diff":
        return fits_in(a, t)
    return True               # subset: a bool


def _set_op(ctx: Ctx, node: ir.Binary, args: list[R], plan, where: Where) -> R:
    a, b = args
    op = node.op
    t = node.type
    lt, rt = node.left.type, node.right.type
    if is_bitset(lt) or is_bitset(rt):
        code = _BITSET_OPS[op].format(a=a.code, b=b.code)
        # a bitmask set of enum / bool elements holds every value of its type
        fits = _set_op_fits(op, a, b, t) if is_int_bitset(lt) or is_int_bitset(rt) else True
    else:
        code = _FROZENSET_OPS[op].format(a=a.code, b=b.code)
        fits = _set_op_fits(op, a, b, t)
    return _strict(ctx, node, args, code, t, fits=fits)


_BINARY = {"and": _logic, "or": _logic, "implies": _logic,
           **dict.fromkeys(_ARITH, _arith), "div": _div_mod, "mod": _div_mod,
           "eq": _equality, "ne": _equality, **dict.fromkeys(("lt", "le", "gt", "ge"), _compare),
           "in": _membership, **dict.fromkeys(_BITSET_OPS, _set_op)}


def _ite(ctx: Ctx, node: ir.Ite, args: list[R], plan, where: Where) -> R:
    return _ite_chain(ctx, args, node.type)


def _quant(ctx: Ctx, node: ir.Quant, args: list[R], plan, where: Where) -> R:
    if plan[0] == "unrolled":
        return _lazy_chain(ctx, args, node.kind == "forall", node.type)
    return _quant_loop(ctx, node, args[0], plan)


def _tuple_code(args: list[R]) -> str:
    return "(" + "".join(a.code + ", " for a in args) + ")"


def _map_build(ctx: Ctx, node: ir.MapBuild, args: list[R], plan, where: Where) -> R:
    if plan[0] == "unrolled":
        fits = all(fits_in(a, node.type.value) for a in args)
        return _strict(ctx, node, args, _tuple_code(args), node.type, fits=fits)
    return _map_loop(ctx, node, args[0], plan)


def _set_literal(ctx: Ctx, node: ir.SetLit, args: list[R], plan, where: Where) -> R:
    t = node.type
    if is_bitset(t) and all(_bit_ok(a) for a in args if is_int_bitset(t)):
        return _bitset_literal(ctx, node, args)
    if is_bitset(t):
        raise NotImplementedError(f"set element below {-SET_BIAS} (line {line_of(node)})")
    if not args:
        return const_r(ctx, frozenset(), t)
    fits = all(fits_in(a, t.elem) for a in args)
    return _strict(ctx, node, args, "frozenset(" + _tuple_code(args) + ")", t, fits=fits)


def _bitset_literal(ctx: Ctx, node: ir.SetLit, args: list[R]) -> R:
    """{a, b, ...} as a bitmask: the constant elements folded into one mask,
    each other distinct element one shifted bit"""
    t = node.type
    fits = all(fits_in(a, t.elem) for a in args)
    bits = [elem_bit(ctx, a, t.elem) for a in args]
    mask = 0
    for x in bits:
        if x.isconst:
            mask |= 1 << x.const
    var = list({x.code: x for x in bits if not x.isconst}.values())
    if not var:
        return const_r(ctx, mask, t) if fits else R(num(mask), t, const=mask)
    code = "(" + " | ".join([num(mask)] * bool(mask) + [f"(1 << {x.code})" for x in var]) + ")"
    return _strict(ctx, node, var, code, t, fits=fits)


def _seq_literal(ctx: Ctx, node: ir.SeqLit, args: list[R], plan, where: Where) -> R:
    t = node.type
    if not args:
        return const_r(ctx, (), t)
    fits = len(args) <= t.cap and all(fits_in(a, t.elem) for a in args)
    return _strict(ctx, node, args, _tuple_code(args), t, fits=fits)


def _quant_loop(ctx: Ctx, node: ir.Quant, body: R, plan) -> R:
    _, name, dom = plan
    forall = node.kind == "forall"
    if body.isconst and not body.pre:
        # the body does not depend on the bound variable (nor on anything
        # that can fail): over a non-empty domain the quantifier is the body
        return const_r(ctx, bool(body.const) if dom else forall, node.type)
    tmp = ctx.fresh()
    dom_code = ctx.lit(tuple(dom))
    pre = [(0, f"{tmp} = {forall!r}"), (0, f"for {name} in {dom_code}:")]
    pre += indent(body.pre, 1)
    test = f"not {body.code}" if forall else f"{body.code}"
    pre += [(1, f"if {test}:"), (2, f"{tmp} = {not forall!r}"), (2, "break")]
    return R(tmp, node.type, pre=pre)


def _map_loop(ctx: Ctx, node: ir.MapBuild, body: R, plan) -> R:
    _, name, dom = plan
    tmp = ctx.fresh()
    pre = [(0, f"{tmp} = []"), (0, f"for {name} in {ctx.lit(tuple(dom))}:")]
    pre += indent(body.pre, 1)
    pre += [(1, f"{tmp}.append({body.code})"), (0, f"{tmp} = tuple({tmp})")]
    return R(tmp, node.type, pre=pre, fits=fits_in(body, node.type.value))


def _index(ctx: Ctx, node: ir.Index, args: list[R], plan, where: Where) -> R:
    sn = where.sn
    t = node.type
    if plan == "mapvar":
        (k,) = args
        mt = node.base.type
        f = ctx.field(node.base.name)
        cached = where.cache.get(f.index)
        if cached is None:
            from .layout import width
            w = width(mt.value)
            ki = key_index(ctx, k, mt.key, node, sn)
            if ki.isconst and (f.index, ki.const) in where.cache:
                return R(where.cache[(f.index, ki.const)], t, iv=type_iv(mt.value), fits=True,
                         pre=ki.pre)
            if ki.isconst:
                r = read_field(ctx, mt.value, f.offset + ki.const * w, sn, type_iv(mt.value))
                r.pre = ki.pre
                return r
            if w == 0:
                return _strict(ctx, node, [ki], f"({ki.code}, {ctx.lit(dom_lo(mt.value))})[1]", t)
            shift = f"({ki.code} * {w} + {f.offset})" if w != 1 else f"({ki.code} + {f.offset})"
            code = f"(({sn} >> {shift}) & {(1 << w) - 1})"
            if ir.is_scalar(mt.value):
                lo = dom_lo(mt.value)
                if lo:
                    code = f"({code} + {lo})"
            else:
                bits = code if isinstance(mt.value, ir.SeqT) else None
                return R(f"{ctx.decoder(mt.value)}({code})", t, fits=True, pre=ki.pre,
                         depth=ki.depth + 3, bits=bits)
            return R(code, t, iv=type_iv(mt.value), fits=True, pre=ki.pre, depth=ki.depth + 3)
        base = R(cached, mt, fits=True)
        args = [base, k]
    b, k = args
    bt = node.base.type
    if isinstance(bt, ir.MapT):
        ki = key_index(ctx, k, bt.key, node, sn)
        return _strict(ctx, node, [b, ki], f"{b.code}[{ki.code}]", t,
                       iv=type_iv(bt.value) if b.fits else None, fits=b.fits, sn=sn)
    ec = ctx.err(f"index {{0}} outside the sequence of length {{1}} (line {line_of(node)})")
    pb = packed_bits(ctx, b, bt)
    if pb is not None:
        lb, lm, w, m = seq_geom(bt)
        q = ctx.fresh()
        if k.isconst:
            i = k.const
            if i < 0:
                code = f"_E({ec}, {sn}, {i}, {pb} & {lm})"
            elif b.at is not None:
                ln = sub_bits(ctx, b, pb, 0, lm)
                code = (f"({_elem_code(bt, sub_bits(ctx, b, pb, lb + i * w, m))} if {i} < "
                        f"{ln} else _E({ec}, {sn}, {i}, {ln}))")
            else:
                code = (f"({_elem_code(bt, f'(({q} >> {lb + i * w}) & {m})')} if {i} < "
                        f"(({q} := {pb}) & {lm}) else _E({ec}, {sn}, {i}, {q} & {lm}))")
        else:
            j = ctx.fresh()
            code = (f"({_elem_code(bt, f'(({q} >> ({lb} + {j} * {w})) & {m})')} if "
                    f"(({j} := {k.code}) < (({q} := {pb}) & {lm}) and {j} >= 0) "
                    f"else _E({ec}, {sn}, {j}, {q} & {lm}))")
        return _strict(ctx, node, args, code, t, iv=type_iv(bt.elem) if b.fits else None,
                       fits=b.fits, sn=sn, fold=False)
    return _strict(ctx, node, args, f"_si({b.code}, {k.code}, {ec}, {sn})", t,
                   iv=type_iv(bt.elem) if b.fits else None, fits=b.fits, sn=sn)


def _simple(code: str) -> bool:
    return code.isidentifier() or code.lstrip("-").isdigit()


def _call(ctx: Ctx, node: ir.Call, args: list[R], plan, where: Where) -> R:
    fn = node.fn
    if fn in ("min", "max"):
        return _min_max(ctx, node, args)
    if fn == "size":
        return _size(ctx, node, args)
    if fn in _PACKED_SEQ_CALLS:
        r = _packed_seq_call(ctx, node, args, where)
        if r is not None:
            return r
    combine = _CALLS.get(fn)
    if combine is None:
        raise TypeError(f"unknown function {fn}")
    return combine(ctx, node, args, where)


def _min_max(ctx: Ctx, node: ir.Call, args: list[R]) -> R:
    fn = node.fn
    ivs = [a.iv for a in args]
    iv = None
    if all(i is not None for i in ivs):
        pick = min if fn == "min" else max
        iv = (pick(i[0] for i in ivs), pick(i[1] for i in ivs))
    if len(args) == 2 and not all(a.isconst for a in args):
        a, b = args
        tmp = ctx.fresh()     # (taken in both cases, so the temporaries are numbered as ever)
        if b.isconst or _simple(b.code):     # b is cheap to evaluate twice
            cmp = "<" if fn == "min" else ">"
            code = f"({tmp} if ({tmp} := {a.code}) {cmp} {b.code} else {b.code})"
        else:
            code = f"{fn}({a.code}, {b.code})"
        return _strict(ctx, node, args, code, node.type, iv=iv)
    return _strict(ctx, node, args, f"{fn}(" + ", ".join(a.code for a in args) + ")", node.type,
                   iv=iv)


def _size(ctx: Ctx, node: ir.Call, args: list[R]) -> R:
    at = node.args[0].type
    a = args[0]
    # parenthesised: the operand may be an integer literal (`1.bit_count()`
    # is a syntax error, `(1).bit_count()` is not)
    code = f"({a.code}).bit_count()" if is_bitset(at) else f"len({a.code})"
    return _strict(ctx, node, args, code, node.type, iv=(0, dom_size(at.elem)))


# ------------------------------------------------------------------ calls on packed sequences


@dataclass(frozen=True)
class _Packed:
    """A sequence operand available as its encoded bits: ``bits`` (code),
    ``q`` a temporary for them, and the geometry of ``seq_geom``."""
    bits: str
    q: str
    lb: int                   # length bits
    lm: int                   # length mask
    w: int                    # element width
    m: int                    # element mask


def _packed_seq_call(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R | None:
    """len / head / tail / push computed on the encoded bits of a packed
    sequence without decoding it; None when the operand is not available in
    that form (or, for push, the element may not fit)"""
    at = node.args[0].type
    a = args[0]
    pb = packed_bits(ctx, a, at)
    if pb is None or (a.isconst and all(x.isconst for x in args)):
        return None
    p = _Packed(pb, ctx.fresh(), *seq_geom(at))
    return _PACKED_SEQ_CALLS[node.fn](ctx, node, args, where, p)


def _packed_len(ctx: Ctx, node: ir.Call, args: list[R], where: Where, p: _Packed) -> R:
    a = args[0]
    at = node.args[0].type
    return _strict(ctx, node, args, sub_bits(ctx, a, p.bits, 0, p.lm), node.type, iv=(0, at.cap))


def _packed_head(ctx: Ctx, node: ir.Call, args: list[R], where: Where, p: _Packed) -> R:
    a = args[0]
    at = node.args[0].type
    sn = where.sn
    ec = ctx.err(f"head of an empty sequence (line {line_of(node)})")
    if a.at is not None:
        code = (f"({_elem_code(at, sub_bits(ctx, a, p.bits, p.lb, p.m))} if "
                f"{sub_bits(ctx, a, p.bits, 0, p.lm)} else _E({ec}, {sn}))")
    else:
        q = p.q
        code = (f"({_elem_code(at, f'(({q} >> {p.lb}) & {p.m})')} if "
                f"(({q} := {p.bits}) & {p.lm}) else _E({ec}, {sn}))")
    return _strict(ctx, node, args, code, node.type, iv=type_iv(at.elem) if a.fits else None,
                   fits=a.fits, sn=sn, fold=False)


def _packed_tail(ctx: Ctx, node: ir.Call, args: list[R], where: Where, p: _Packed) -> R:
    a = args[0]
    at = node.args[0].type
    sn = where.sn
    q = p.q
    ec = ctx.err(f"tail of an empty sequence (line {line_of(node)})")
    bits = (f"((({q} >> {p.lb + p.w}) << {p.lb}) | (({q} & {p.lm}) - 1) if "
            f"(({q} := {p.bits}) & {p.lm}) else _E({ec}, {sn}))")
    return _strict(ctx, node, args, f"{ctx.decoder(at)}({bits})", node.type, fits=a.fits,
                   sn=sn, fold=False).with_bits(bits)


def _packed_push(ctx: Ctx, node: ir.Call, args: list[R], where: Where, p: _Packed) -> R | None:
    a, x = args[0], args[1]
    at = node.args[0].type
    if not fits_in(x, at.elem):
        return None           # the element needs a range check: the decoded form does it
    sn = where.sn
    q = p.q
    lo = dom_lo(at.elem)
    xe = x.code if not lo else f"({x.code} - {lo})"
    if isinstance(at.elem, ir.BoolT) and x.isconst:
        xe = str(int(x.const))
    ec = ctx.err(f"push onto a full sequence (length {{0}}, capacity {at.cap}) "
                 f"(line {line_of(node)})")
    bits = (f"({q} + 1 + ({xe} << ({p.lb} + ({q} & {p.lm}) * {p.w})) if "
            f"(({q} := {p.bits}) & {p.lm}) < {at.cap} else _E({ec}, {sn}, {q} & {p.lm}))")
    return _strict(ctx, node, args, f"{ctx.decoder(at)}({bits})", at, fits=a.fits,
                   sn=sn, fold=False).with_bits(bits)


_PACKED_SEQ_CALLS = {"len": _packed_len, "head": _packed_head, "tail": _packed_tail,
                     "push": _packed_push}


# ------------------------------------------------------------------ calls on decoded values


def _seq_len(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    at = node.args[0].type
    return _strict(ctx, node, args, f"len({args[0].code})", node.type, iv=(0, at.cap))


def _seq_head(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a = args[0]
    at = node.args[0].type
    sn = where.sn
    ec = ctx.err(f"head of an empty sequence (line {line_of(node)})")
    return _strict(ctx, node, args, f"_hd({a.code}, {ec}, {sn})", node.type,
                   iv=type_iv(at.elem) if a.fits else None, fits=a.fits, sn=sn)


def _seq_tail(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a = args[0]
    sn = where.sn
    ec = ctx.err(f"tail of an empty sequence (line {line_of(node)})")
    return _strict(ctx, node, args, f"_tl({a.code}, {ec}, {sn})", node.type, fits=a.fits, sn=sn)


def _seq_push(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a, x = args[0], args[1]
    at = node.args[0].type
    sn = where.sn
    ec = ctx.err(f"push onto a full sequence (length {{0}}, capacity {at.cap}) "
                 f"(line {line_of(node)})")
    fits = a.fits and fits_in(x, at.elem)
    return _strict(ctx, node, args, f"_push({a.code}, {x.code}, {at.cap}, {ec}, {sn})",
                   at, fits=fits, sn=sn)


def _set_update(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    """set_add / set_remove"""
    at = node.args[0].type
    x = args[1]
    if is_int_bitset(at) and not fits_in(x, at.elem):
        return _int_bitset_update_checked(ctx, node, args, where)
    if is_bitset(at):
        return _bitset_update(ctx, node, args, where)
    return _frozenset_update(ctx, node, args, where)


def _int_bitset_update_checked(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    """an element that may lie outside the set's element type: a runtime
    helper checks it"""
    a, x = args[0], args[1]
    at = node.args[0].type
    sn = where.sn
    lo, hi = at.elem.bounds()
    ec = ctx.err(f"element {{0}} outside the set's element type {at.elem} "
                 f"(line {line_of(node)})")
    helper = "_badd" if node.fn == "set_add" else "_brem"
    return _strict(ctx, node, args, f"{helper}({a.code}, {x.code}, {lo}, {hi}, {ec}, {sn})",
                   at, fits=a.fits, sn=sn)


def _bitset_update(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a, x = args[0], args[1]
    at = node.args[0].type
    xb = elem_bit(ctx, x, at.elem)
    code = (f"({a.code} | (1 << {xb.code}))" if node.fn == "set_add"
            else f"({a.code} & ~(1 << {xb.code}))")
    return _strict(ctx, node, [a, xb], code, at,
                   fits=a.fits or not is_int_bitset(at), sn=where.sn)


def _frozenset_update(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a, x = args[0], args[1]
    at = node.args[0].type
    sn = where.sn
    et = at.elem
    lo, hi = et.bounds() if isinstance(et, ir.IntT) and et.concrete else (None, None)
    if lo is not None and fits_in(x, et):
        lo = hi = None        # statically inside: no range check
    ec = ctx.err(f"element {{0}} outside the set's element type {et} (line {line_of(node)})")
    helper = "_sadd" if node.fn == "set_add" else "_srem"
    return _strict(ctx, node, args, f"{helper}({a.code}, {x.code}, {lo}, {hi}, {ec}, {sn})",
                   at, fits=a.fits, sn=sn)


def _map_update(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a, k, v = args[0], args[1], args[2]
    at = node.args[0].type
    sn = where.sn
    ki = key_index(ctx, k, at.key, node, sn)
    fits = a.fits and fits_in(v, at.value)
    return _strict(ctx, node, [a, ki, v], f"_mup({a.code}, {ki.code}, {v.code})", at,
                   fits=fits, sn=sn)


def _seq_update(ctx: Ctx, node: ir.Call, args: list[R], where: Where) -> R:
    a, i, v = args[0], args[1], args[2]
    at = node.args[0].type
    sn = where.sn
    ec = ctx.err(f"index {{0}} outside the sequence of length {{1}} (line {line_of(node)})")
    fits = a.fits and fits_in(v, at.elem)
    return _strict(ctx, node, args, f"_sup({a.code}, {i.code}, {v.code}, {ec}, {sn})", at,
                   fits=fits, sn=sn)


_CALLS = {"len": _seq_len, "head": _seq_head, "tail": _seq_tail, "push": _seq_push,
          "set_add": _set_update, "set_remove": _set_update,
          "map_update": _map_update, "seq_update": _seq_update}

_COMBINE = {ir.Unary: _unary, ir.Binary: _binary, ir.Ite: _ite, ir.Quant: _quant,
            ir.MapBuild: _map_build, ir.SetLit: _set_literal, ir.SeqLit: _seq_literal,
            ir.Index: _index, ir.Call: _call}
