"""The built-in functions of the language and how each is typed."""
from __future__ import annotations

from .. import ir
from . import ast as A
from .diagnostics import did_you_mean
from .typerules import FUNCTIONS, compatible, describe

SIGNATURES = {
    "size": "size(s): the number of elements of a set",
    "len": "len(q): the length of a sequence",
    "head": "head(q): the first element of a non-empty sequence",
    "tail": "tail(q): a non-empty sequence without its first element",
    "push": "push(q, x): q with x appended",
    "update": "update(m, k, v): the map m with key k sent to v (or sequence m with element k replaced)",
    "min": "min(a, b, ...): the least of some integers",
    "max": "max(a, b, ...): the greatest of some integers",
    # lowered by seqfuns.py and bitwise.py (listed here for hover and the symbol index)
    "remove_at": "remove_at(q, i): the sequence q without its element i (0-based)",
    "slice": "slice(q, a, b): the elements a .. b-1 of the sequence q",
    "band": "band(a, b): bitwise and of two non-negative integers",
    "bor": "bor(a, b): bitwise or of two non-negative integers",
    "bxor": "bxor(a, b): bitwise exclusive or of two non-negative integers",
    "shl": "shl(a, n): a shifted left by n bits",
    "shr": "shr(a, n): a shifted right by n bits",
}


def type_call(typer, e: A.Call, scope, expected):
    d = typer.d
    if e.fn not in FUNCTIONS:
        d.error(e.span, f"unknown function `{e.fn}`", did_you_mean(e.fn, FUNCTIONS)
                or "the functions are " + ", ".join(FUNCTIONS))
        return None
    arity = {"size": 1, "len": 1, "head": 1, "tail": 1, "push": 2, "update": 3}.get(e.fn)
    if arity is not None and len(e.args) != arity:
        d.error(e.span, f"`{e.fn}` takes {arity} argument{'s' if arity > 1 else ''}, not {len(e.args)}",
                SIGNATURES[e.fn])
        return None
    if e.fn in ("min", "max"):
        if not e.args:
            d.error(e.span, f"`{e.fn}` needs at least one argument", SIGNATURES[e.fn])
            return None
        args = []
        for a in e.args:
            args.append((yield (a, scope, None)))
        if any(x is None for x in args):
            return None
        for x, src in zip(args, e.args):
            if not isinstance(x.type, ir.IntT):
                d.error(src.span, f"`{e.fn}` needs integers, but this is {describe(x.type)}")
                return None
        return args[0] if len(args) == 1 else ir.Call(e.fn, tuple(args), ir.INT, span=e.span)

    first = yield (e.args[0], scope, expected if e.fn in ("tail", "push", "update") else None)
    if first is None:
        return None
    t = first.type
    if e.fn == "size":
        if not isinstance(t, ir.SetT):
            d.error(e.args[0].span, f"`size` needs a set, but this is {describe(t)}", SIGNATURES["size"])
            return None
        return ir.Call("size", (first,), ir.INT, span=e.span)
    if e.fn == "update":
        return (yield from _update(typer, e, scope, first))
    if not isinstance(t, ir.SeqT):
        d.error(e.args[0].span, f"`{e.fn}` needs a sequence, but this is {describe(t)}", SIGNATURES[e.fn])
        return None
    if e.fn == "len":
        return ir.Call("len", (first,), ir.INT, span=e.span)
    if e.fn == "head":
        return ir.Call("head", (first,), t.elem, span=e.span)
    if e.fn == "tail":
        return ir.Call("tail", (first,), t, span=e.span)
    x = yield (e.args[1], scope, t.elem)  # push
    if x is None:
        return None
    if not compatible(x.type, t.elem):
        d.error(e.args[1].span, f"a sequence of {t.elem} cannot hold {describe(x.type)}")
        return None
    return ir.Call("push", (first, x), t, span=e.span)


def _update(typer, e: A.Call, scope, base):
    d = typer.d
    t = base.type
    if isinstance(t, ir.MapT):
        key_t, val_t, fn = t.key, t.value, "map_update"
    elif isinstance(t, ir.SeqT):
        key_t, val_t, fn = ir.INT, t.elem, "seq_update"
    else:
        d.error(e.args[0].span, f"`update` needs a map or a sequence, but this is {describe(t)}",
                SIGNATURES["update"])
        return None
    k = typer.coerce((yield (e.args[1], scope, key_t)), key_t)  # a set key: packed (records_sets.py)
    v = yield (e.args[2], scope, val_t)
    if k is None or v is None:
        return None
    if not compatible(k.type, key_t):
        d.error(e.args[1].span, f"the keys are {key_t}, but this is {describe(k.type)}")
        return None
    if not compatible(v.type, val_t):
        d.error(e.args[2].span, f"the values are {val_t}, but this is {describe(v.type)}")
        return None
    return ir.Call(fn, (base, k, v), t, span=e.span)
