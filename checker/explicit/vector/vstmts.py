"""Action bodies -> closures over a chunk of states; variable fields <-> values.

A :class:`Path` is a set of states of the chunk (``rows``, their packed
``words``) going through an action together, with the values assigned so far
(``over``) and the locals.  ``require`` narrows it (and compacts the arrays
when few states remain), ``if`` runs both branches on complementary masks and
merges them again when neither split further, ``either`` yields one path per
branch.  At the end every path's states are packed again: unassigned
variables keep their bits, assigned ones are cleared and re-encoded.
"""
from __future__ import annotations

import numpy as np

from ... import ir
from ..layout import Layout, dom_lo
from .values import (MapV, SeqV, SetV, Unsupported, any_rows, care_and, fits, is_arr, rebase,
                     set_frame, where)
from .vexpr import Budget, _c, _check_type, magnitude
from .words import clear_masks, put_bits, read_bits

COMPACT_BELOW = 0.6      # a require that keeps fewer states than this share compacts the arrays


class NeedScalar(Exception):
    """A runtime error on some state of the chunk (or a case the array code
    leaves to the scalar code): the chunk is expanded by the scalar code."""


# ------------------------------------------------------------ fields


def _reader(t: ir.Type, off: int):
    """words -> value of a field of type t at bit offset off"""
    if isinstance(t, ir.BoolT):
        return lambda ws: read_bits(ws, off, 1) == np.uint64(1)
    if isinstance(t, (ir.IntT, ir.EnumT)):
        from ..layout import width
        w = width(t)
        lo = dom_lo(t)
        if w == 0:
            return lambda ws: np.zeros_like(ws[0], dtype=np.int64) + lo
        if w > 62:
            raise Unsupported("a field wider than 62 bits")
        if lo:
            return lambda ws: read_bits(ws, off, w).astype(np.int64) + lo
        return lambda ws: read_bits(ws, off, w).astype(np.int64)
    if isinstance(t, ir.SetT):
        base, n = set_frame(t)
        return lambda ws: SetV(read_bits(ws, off, n), base, n)
    if isinstance(t, ir.SeqT):
        from ..layout import bits_for, width
        _check_type(t)
        lb = bits_for(t.cap + 1)
        ew = width(t.elem)
        ln = _reader(ir.IntT(ir.Lit(0, ir.INT), ir.Lit((1 << lb) - 1, ir.INT)), off) if lb else None
        els = [_reader(t.elem, off + lb + i * ew) for i in range(t.cap)]
        cap = t.cap
        return lambda ws: SeqV(ln(ws) if ln else 0, [r(ws) for r in els], cap)
    if isinstance(t, ir.MapT):
        from ..layout import dom_size, width
        vw = width(t.value)
        ents = [_reader(t.value, off + i * vw) for i in range(dom_size(t.key))]
        return lambda ws: MapV([r(ws) for r in ents])
    raise Unsupported(f"a variable of type {t}")


def _writer(t: ir.Type, off: int):
    """(value, acc, orig, spans) -> OR the encoded value into acc (word index ->
    bits) and list the (offset, width) of every leaf written in spans; leaves
    that are the very objects of ``orig`` (the value decoded from the state:
    an untouched map entry) are skipped, their bits being unchanged"""
    from ..layout import bits_for, dom_size, width
    if isinstance(t, ir.BoolT):
        def wbool(v, acc, orig, spans):
            if v is not orig:
                put_bits(acc, _u64(v), off, 1)
                spans.append((off, 1))
        return wbool
    if isinstance(t, (ir.IntT, ir.EnumT)):
        w = width(t)
        lo = dom_lo(t)
        if w == 0:
            return lambda v, acc, orig, spans: None

        def wint(v, acc, orig, spans):
            if v is not orig:
                put_bits(acc, _u64(v - lo if lo else v), off, w)
                spans.append((off, w))
        return wint
    if isinstance(t, ir.SetT):
        base, n = set_frame(t)

        def wset(v, acc, orig, spans):
            if v is orig:
                return
            if (v.base, v.n) != (base, n):
                v = rebase(v, base, n)
            put_bits(acc, _u64(v.bits), off, n)
            spans.append((off, n))
        return wset
    if isinstance(t, ir.SeqT):
        lb = bits_for(t.cap + 1)
        ew = width(t.elem)
        elo = dom_lo(t.elem)
        cap = t.cap
        total = lb + cap * ew

        def wseq(v, acc, orig, spans):
            if v is orig or total == 0:
                return
            spans.append((off, total))
            if lb:
                put_bits(acc, _u64(v.length), off, lb)
            if ew == 0:
                return
            for i, x in enumerate(v.slots(cap)):
                bits = (x - elo) if elo else x
                # slots past the length are stored as 0, as the scalar encoder does
                if is_arr(v.length) or is_arr(bits):
                    bits = np.where(v.length > i, bits, 0)
                elif not v.length > i:
                    bits = 0
                put_bits(acc, _u64(bits), off + lb + i * ew, ew)
        return wseq
    if isinstance(t, ir.MapT):
        vw = width(t.value)
        ws_ = [_writer(t.value, off + i * vw) for i in range(dom_size(t.key))]

        def wmap(v, acc, orig, spans):
            if v is orig:
                return
            olds = orig.entries if isinstance(orig, MapV) else [None] * len(ws_)
            for w, x, o in zip(ws_, v.entries, olds):
                w(x, acc, o, spans)
        return wmap
    raise Unsupported(f"a variable of type {t}")


def _u64(x):
    if isinstance(x, (bool, np.bool_)):
        return int(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    return x.astype(np.uint64)


class Fields:
    """Readers, writers and clear masks of every variable of the layout."""

    def __init__(self, layout: Layout, nw: int):
        self.nw = nw
        self.by_name = {f.name: f for f in layout.fields}
        self.read = {}
        self.write = {}
        self.problems: dict[str, str] = {}
        for f in layout.fields:
            try:
                self.read[f.name] = _reader(f.type, f.offset)
                self.write[f.name] = _writer(f.type, f.offset)
            except Unsupported as e:
                self.problems[f.name] = str(e)
        self._keep: dict = {}

    def keep_masks(self, spans) -> list[int]:
        """per word, the bits outside the written (offset, width) spans"""
        key = tuple(spans)
        m = self._keep.get(key)
        if m is None:
            m = self._keep[key] = clear_masks(key, self.nw)
        return m


# ------------------------------------------------------------ paths


class Path:
    __slots__ = ("fields", "rows", "words", "alive", "cache", "over", "locs")

    def __init__(self, fields: Fields, rows, words, alive=None, cache=None, over=None, locs=None):
        self.fields = fields
        self.rows = rows              # int64 indices into the chunk
        self.words = words            # packed states of those rows
        self.alive = alive            # None: every row; else a bool mask
        self.cache = {} if cache is None else cache
        self.over = {} if over is None else over
        self.locs = {} if locs is None else locs

    def var(self, name):
        v = self.over.get(name)
        if v is not None:
            return v
        v = self.cache.get(name)
        if v is None:
            r = self.fields.read.get(name)
            if r is None:
                raise NeedScalar(self.fields.problems.get(name, name))
            v = self.cache[name] = r(self.words)
        return v

    def fail_if(self, cond, care) -> None:
        if cond is False or (not is_arr(cond) and not cond):
            return
        if any_rows(care if cond is True else care_and(care, cond)):
            raise NeedScalar("runtime error")

    def fork(self, alive):
        return Path(self.fields, self.rows, self.words, alive, self.cache, dict(self.over),
                    dict(self.locs))

    def compact(self, keep) -> "Path":
        idx = np.flatnonzero(keep)
        memo: dict = {}          # shared parts stay shared (pack skips untouched entries by identity)
        return Path(self.fields, self.rows[idx], [w[idx] for w in self.words], None,
                    {k: _take(v, idx, memo) for k, v in self.cache.items()},
                    {k: _take(v, idx, memo) for k, v in self.over.items()},
                    {k: _take(v, idx, memo) for k, v in self.locs.items()})

    def count(self) -> int:
        return len(self.rows) if self.alive is None else int(self.alive.sum())


def _take(v, idx, memo: dict):
    if isinstance(v, (int, bool, np.integer, np.bool_)):
        return v
    got = memo.get(id(v))
    if got is not None:
        return got[1]
    if is_arr(v):
        r = v[idx]
    elif isinstance(v, SetV):
        r = SetV(_take(v.bits, idx, memo), v.base, v.n)
    elif isinstance(v, SeqV):
        r = SeqV(_take(v.length, idx, memo), [_take(x, idx, memo) for x in v.elems], v.cap)
    elif isinstance(v, MapV):
        r = MapV([_take(x, idx, memo) for x in v.entries])
    else:
        r = v
    memo[id(v)] = (v, r)           # (v kept alive: its id stays unique while memo lives)
    return r


def _narrow(p: Path, c) -> list[Path]:
    """p restricted to the rows where c holds"""
    if not is_arr(c):
        return [p] if c else []
    alive = c if p.alive is None else (p.alive & c)
    n = int(alive.sum())
    if n == 0:
        return []
    if n < COMPACT_BELOW * len(alive):
        return [p.compact(alive)]
    p.alive = alive
    return [p]


# ------------------------------------------------------------ statements


def compile_block(stmts, consts: dict, var_types: dict, budget: Budget | None = None):
    """f(path) -> list of paths after the statements"""
    budget = budget or Budget()
    for s in stmts:
        if isinstance(s, ir.Let) and s.name in consts:
            raise Unsupported(f"a local that shadows the parameter {s.name}")
    steps = []
    consts = dict(consts)
    for s in stmts:
        steps.append(_stmt(s, consts, var_types, budget))
        if isinstance(s, ir.Let):       # the bound of |value| of a let, for the overflow check
            consts[("mag", s.name)] = magnitude(s.value, consts)

    def block(p: Path) -> list[Path]:
        paths = [p]
        for st in steps:
            nxt = []
            for q in paths:
                nxt += st(q)
            paths = nxt
            if not paths:
                break
        return paths
    return block


def _stmt(s, consts, var_types, budget):
    if isinstance(s, ir.Require):
        c = _c(s.cond, consts, budget)
        return lambda p: _narrow(p, c(p, p.alive))
    if isinstance(s, ir.Assign):
        v = _c(s.value, consts, budget)
        t = var_types[s.var]
        _check_type(t)
        name = s.var

        def assign(p):
            val = v(p, p.alive)
            before = p.over.get(name)
            ok = fits(val, t, before if before is not None else p.cache.get(name))
            if ok is not True:
                p.fail_if(~ok if is_arr(ok) else True, p.alive)
            p.over[name] = val
            return [p]
        return assign
    if isinstance(s, ir.Let):
        v = _c(s.value, consts, budget)
        name = s.name

        def let(p):
            p.locs[name] = v(p, p.alive)
            return [p]
        return let
    if isinstance(s, ir.If):
        c = _c(s.cond, consts, budget)
        then = compile_block(s.then, consts, var_types, budget)
        else_ = compile_block(s.else_, consts, var_types, budget)

        def if_(p):
            cv = c(p, p.alive)
            if not is_arr(cv):
                return then(p) if cv else else_(p)
            a_t = cv if p.alive is None else p.alive & cv
            a_e = ~cv if p.alive is None else p.alive & ~cv
            rt = then(p.fork(a_t)) if a_t.any() else []
            re = else_(p.fork(a_e)) if a_e.any() else []
            if len(rt) == 1 and len(re) == 1 and rt[0].rows is p.rows and re[0].rows is p.rows:
                return [_merge(p, cv, rt[0], re[0])]
            return rt + re
        return if_
    if isinstance(s, ir.Either):
        branches = [compile_block(b, consts, var_types, budget) for b in s.branches]

        def either(p):
            out = []
            for b in branches:
                out += b(p.fork(p.alive))
            return out
        return either
    raise Unsupported(type(s).__name__)


def _merge(p: Path, c, t: Path, e: Path) -> Path:
    """one path from the two branches of an if over the same rows"""
    alive = where(c, _mask(t.alive, c), _mask(e.alive, c))
    over = {}
    for name in set(t.over) | set(e.over):
        over[name] = where(c, t.var(name), e.var(name))
    locs = {}
    for name in set(t.locs) | set(e.locs):
        if name in t.locs and name in e.locs:
            locs[name] = where(c, t.locs[name], e.locs[name])
        else:
            locs[name] = t.locs.get(name, e.locs.get(name))
    return Path(p.fields, p.rows, p.words, None if alive.all() else alive, p.cache, over, locs)


def _mask(a, like):
    return np.ones_like(like, dtype=bool) if a is None else a


def pack(p: Path) -> tuple[list, np.ndarray]:
    """(successor words, their rows) of a finished path"""
    fields = p.fields
    acc: dict = {}
    spans: list = []
    for name, val in p.over.items():
        fields.write[name](val, acc, p.cache.get(name), spans)
    if spans:
        keep = fields.keep_masks(spans)
        n = len(p.rows)
        words = []
        for j, w in enumerate(p.words):
            x = w & np.uint64(keep[j]) if keep[j] != 0xFFFFFFFFFFFFFFFF else w
            add = acc.get(j)
            if add is not None:
                if isinstance(add, int):
                    if add:
                        x = x | np.uint64(add)
                else:
                    x = x | add
            words.append(x if len(x) == n else np.broadcast_to(x, (n,)))
    else:
        words = list(p.words)
    if p.alive is not None:
        return [w[p.alive] for w in words], p.rows[p.alive]
    return words, p.rows
