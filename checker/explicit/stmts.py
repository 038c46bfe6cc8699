"""Statement compiler: an action body -> straight-line Python with nested ifs.

Each execution *path* through the body is generated separately: ``require c``
opens ``if c:`` around the rest of the path, ``either`` and an ``if`` whose
arms contain ``require``/``either`` generate one copy of the rest of the body
per branch (or, when that rest is large or the code is nested too deeply, a
call to a helper function holding it).  Values are single-assignment locals
(``nK`` packed states, ``yK`` assigned values, ``lK`` lets), so branches never
need to restore anything.  An ``if`` with only assignments/lets in its arms is
plain Python ``if``/``else`` with a merge of the state name.

The *mode* decides what reaching the end of a path does (``emit``) and what a
runtime error does (``handler``): the search inserts the successor into the
seen-table; the trace rebuilder just collects successors.
"""
from __future__ import annotations

import re

from .. import ir
from .ctx import Ctx, R, Where, indent, line_of, num
from .expr import compile_expr, fits_in, key_index, const_r
from .layout import dom_lo, is_bitset, runtime_fits, set_shift, subtype, width

MAX_INDENT = 40
MAX_BLOCKS = 12      # nested try blocks before the rest moves into a helper
DUP_LIMIT = 12       # statements of continuation copied into each branch


class Mode:
    """What reaching the end of a path, and a runtime error, generate."""

    def __init__(self, kind: str, limit: int | None = None, canon: bool = False):
        self.kind = kind          # "search" | "collect" | "trace"
        self.limit = limit
        self.canon = canon        # symmetry reduction: store _canon(successor) (explicit/symmetry.py)

    @property
    def counts(self) -> bool:
        """the level function's modes: they count transitions and errors"""
        return self.kind != "trace"

    def emit(self, sn: str, ind: int) -> list:
        if self.kind == "trace":
            return [(ind, f"out.append({sn})")]
        if self.kind == "collect":
            # compact store: every successor is appended, the driver de-duplicates
            # and counts them (len of the list)
            return [(ind, f"app(_canon({sn}))" if self.canon else f"app({sn})")]
        lines = [(ind, "tr += 1")]
        if self.canon:
            lines.append((ind, f"cn_ = _canon({sn})"))
            sn = "cn_"
        lines.append((ind, f"if {sn} not in seen:"))
        if self.limit is not None:
            lines += [(ind + 1, f"if len(seen) >= {self.limit}:"),
                      (ind + 2, f"raise Full(s, tr)")]
        lines += [(ind + 1, f"seen[{sn}] = s"), (ind + 1, f"app({sn})")]
        return lines

    def handler(self, ai: int, bcode: str, ind: int) -> list:
        if self.kind == "trace":
            return [(ind, "errs.append(e)")]
        return [(ind, "ne += 1"), (ind, f"err(e, s, {ai}, {bcode})")]

    def helper_params(self) -> str:
        return "out, errs" if self.kind == "trace" else "seen, app, err"


class _Call:
    """A continuation that is a call to a helper function."""

    def __init__(self, name: str, params: list[str]):
        self.name = name
        self.params = params


class PState:
    """The packed state of a path: a materialised name plus pending field
    writes, combined into one expression only when something reads it."""

    __slots__ = ("ctx", "base", "name", "writes")

    def __init__(self, ctx: Ctx, base: str):
        self.ctx = ctx
        self.base = base
        self.name = base
        self.writes: dict = {}

    def copy(self) -> "PState":
        p = PState(self.ctx, self.base)
        p.name = self.name
        p.writes = dict(self.writes)
        return p

    def expr(self) -> str:
        if not self.writes:
            return self.base
        full = (1 << self.ctx.layout.total_bits) - 1
        clear = 0
        orc = 0
        parts = []
        for (off, w), v in self.writes.items():
            clear |= ((1 << w) - 1) << off
            if isinstance(v, int):
                orc |= v << off
            else:
                parts.append(f"({v} << {off})" if off else v)
        code = f"({self.base} & {num(full ^ clear)})"
        if orc:
            parts.insert(0, num(orc))
        return " | ".join([code] + parts)

    def write(self, off: int, w: int, val) -> None:
        if not self.writes:
            self.name = self.ctx.fresh("n")
        # a pending write to an overlapping field (m[k] = ... then m = ...,
        # or the reverse) keeps only its bits outside the new field: both are
        # OR-ed into the state, so without this the old bits would survive
        # (a fuzz crash: enum values outside their type in the state)
        new = ((1 << w) - 1) << off
        for (o, ww), v in list(self.writes.items()):
            old = ((1 << ww) - 1) << o
            if not old & new or (o, ww) == (off, w):
                continue
            del self.writes[(o, ww)]
            keep = (old & ~new) >> o
            if keep:
                self.writes[(o, ww)] = (v & keep if isinstance(v, int)
                                        else f"({v} & {num(keep)})")
        self.writes[(off, w)] = val

    def use(self, texts, out: list, ind: int) -> None:
        """Materialise before code that mentions the state name."""
        if not self.writes:
            return
        pat = re.compile(r"\b" + self.name + r"\b")
        if any(pat.search(t) for t in texts):
            self.flush(out, ind)

    def flush(self, out: list, ind: int) -> str:
        if self.writes:
            out.append((ind, f"{self.name} = {self.expr()}"))
            self.base = self.name
            self.writes = {}
        return self.base

    def same(self, other: "PState") -> bool:
        return self.base == other.base and self.writes == other.writes


def has_control(stmts) -> bool:
    for st in stmts:
        if isinstance(st, (ir.Require, ir.Either)):
            return True
        if isinstance(st, ir.If) and (has_control(st.then) or has_control(st.else_)):
            return True
    return False


def _cont_size(cont, limit: int) -> int:
    n = 0
    while cont is not None:
        frame, cont = cont
        if isinstance(frame, _Call):
            return n
        stmts, i = frame
        work = list(stmts[i:])
        while work:
            st = work.pop()
            n += 1
            if n > limit:
                return n
            if isinstance(st, ir.If):
                work += st.then + st.else_
            elif isinstance(st, ir.Either):
                for b in st.branches:
                    work += b
    return n


class BlockGen:
    """Generates the code of one action (one binding, or all bindings with
    the parameters as locals)."""

    def __init__(self, ctx: Ctx, mode: Mode, ai: int, bcode: str):
        self.ctx = ctx
        self.mode = mode
        self.ai = ai
        self.bcode = bcode
        self.helpers: list[list] = []      # finished helper function sources (lines)
        self._pending: list = []

    # -------------------------------------------------------------- entry points

    def block(self, body, env: dict, cache: dict, ind: int) -> list:
        """try: <all paths> except StepError: <handler>"""
        out = [(ind, "try:")]
        self.path(((tuple(body), 0), None), env, PState(self.ctx, "s"), dict(cache),
                  ind + 1, 1, out)
        out.append((ind, "except StepError as e:"))
        out += self.mode.handler(self.ai, self.bcode, ind + 1)
        while self._pending:
            self._make_helper(*self._pending.pop())
        return out

    # -------------------------------------------------------------- helpers

    def _helper_call(self, cont, env: dict):
        name = self.ctx.fresh("h")
        params = list(dict.fromkeys(b[1] for b in env.values() if b[0] == "n"))
        self._pending.append((name, cont, env, params))
        return (_Call(name, params), None)

    def _make_helper(self, name: str, cont, env: dict, params: list[str]) -> None:
        sig = ", ".join(["s", "n", self.mode.helper_params(), "b"] + params)
        lines = [(0, f"def {name}({sig}):")]
        if self.mode.counts:
            lines += [(1, "tr = 0"), (1, "ne = 0")]
        lines.append((1, "try:"))
        self.path(cont, env, PState(self.ctx, "n"), {}, 2, 1, lines)
        lines.append((1, "except StepError as e:"))
        lines += self.mode.handler(self.ai, "b", 2)
        if self.mode.counts:
            lines.append((1, "return tr, ne"))
        self.helpers.append(lines)

    def _call_lines(self, call: _Call, st: PState, ind: int, out: list) -> None:
        sn = st.flush(out, ind)
        args = ", ".join(["s", sn, self.mode.helper_params(), self.bcode] + call.params)
        if self.mode.kind == "trace":
            out.append((ind, f"{call.name}({args})"))
            return
        r = self.ctx.fresh("r")
        out += [(ind, f"{r} = {call.name}({args})"), (ind, f"tr += {r}[0]"),
                (ind, f"ne += {r}[1]")]

    # -------------------------------------------------------------- paths

    def expr(self, e, env, st: PState, cache, ind, out) -> R:
        r = compile_expr(self.ctx, e, Where(env, st.name, cache))
        st.use([r.code] + [t for _, t in r.pre], out, ind)
        out += indent(r.pre, ind)
        return r

    def path(self, cont, env: dict, st: PState, cache: dict, ind: int, blocks: int, out: list):
        while True:
            if cont is None:
                sn = st.flush(out, ind)
                out += self.mode.emit(sn, ind)
                return
            frame, rest = cont
            if isinstance(frame, _Call):
                self._call_lines(frame, st, ind, out)
                return
            stmts, i = frame
            if i >= len(stmts):
                cont = rest
                continue
            s = stmts[i]
            cont = ((stmts, i + 1), rest)
            if (ind > MAX_INDENT or blocks > MAX_BLOCKS) and isinstance(
                    s, (ir.Require, ir.Either, ir.If)):
                call = self._helper_call(((stmts, i), rest), env)
                self._call_lines(call[0], st, ind, out)
                return
            if isinstance(s, ir.Require):
                r = self.expr(s.cond, env, st, cache, ind, out)
                if r.isconst:
                    if r.const:
                        continue
                    out.append((ind, "pass"))
                    return
                out.append((ind, f"if {r.code}:"))
                ind += 1
            elif isinstance(s, ir.Let):
                env = self.let(s, env, st, cache, ind, out)
            elif isinstance(s, ir.Assign):
                if not self.assign(s, env, st, cache, ind, out):
                    return
            elif isinstance(s, ir.If):
                r = self.expr(s.cond, env, st, cache, ind, out)
                if r.isconst:
                    cont = ((s.then if r.const else s.else_, 0), cont)
                    continue
                if not (has_control(s.then) or has_control(s.else_)):
                    st = self.plain_if(r, s, env, st, cache, ind, out)
                    continue
                if _cont_size(cont, DUP_LIMIT) > DUP_LIMIT:
                    cont = self._helper_call(cont, env)
                out.append((ind, f"if {r.code}:"))
                self.path(((s.then, 0), cont), env, st.copy(), dict(cache), ind + 1, blocks, out)
                out.append((ind, "else:"))
                self.path(((s.else_, 0), cont), env, st.copy(), dict(cache), ind + 1, blocks,
                          out)
                return
            elif isinstance(s, ir.Either):
                if _cont_size(cont, DUP_LIMIT) > DUP_LIMIT:
                    cont = self._helper_call(cont, env)
                last = len(s.branches) - 1
                for k, br in enumerate(s.branches):
                    if k == last:
                        self.path(((br, 0), cont), env, st.copy(), dict(cache), ind, blocks, out)
                    else:
                        out.append((ind, "try:"))
                        self.path(((br, 0), cont), env, st.copy(), dict(cache), ind + 1,
                                  blocks + 1, out)
                        out.append((ind, "except StepError as e:"))
                        out += self.mode.handler(self.ai, self.bcode, ind + 1)
                return
            else:
                raise TypeError(f"not an IR statement: {s!r}")

    def plain(self, stmts, env, st: PState, cache, ind, out) -> PState:
        """Statements without require/either (arms of a plain if)."""
        for s in stmts:
            if isinstance(s, ir.Let):
                env = self.let(s, env, st, cache, ind, out)
            elif isinstance(s, ir.Assign):
                if not self.assign(s, env, st, cache, ind, out):
                    return st
            elif isinstance(s, ir.If):
                r = self.expr(s.cond, env, st, cache, ind, out)
                if r.isconst:
                    st = self.plain(s.then if r.const else s.else_, env, st, cache, ind, out)
                else:
                    st = self.plain_if(r, s, env, st, cache, ind, out)
            else:
                raise TypeError(s)
        return st

    def plain_if(self, r: R, s: ir.If, env, st: PState, cache, ind, out) -> PState:
        ct, ce = dict(cache), dict(cache)
        lt, le = [], []
        stt = self.plain(s.then, env, st.copy(), ct, ind + 1, lt)
        ste = self.plain(s.else_, env, st.copy(), ce, ind + 1, le)
        if not (stt.same(st) and ste.same(st)):
            phi = self.ctx.fresh("n")
            lt.append((ind + 1, f"{phi} = {stt.expr()}"))
            le.append((ind + 1, f"{phi} = {ste.expr()}"))
            st = PState(self.ctx, phi)
        out.append((ind, f"if {r.code}:"))
        out += lt or [(ind + 1, "pass")]
        if le:
            out.append((ind, "else:"))
            out += le
        cache.clear()
        cache.update({k: v for k, v in ct.items() if ce.get(k) == v})
        return st

    def let(self, s: ir.Let, env, st: PState, cache, ind, out) -> dict:
        r = self.expr(s.value, env, st, cache, ind, out)
        if r.isconst:
            return {**env, s.name: ("c", r.const)}
        name = self.ctx.fresh("l")
        out.append((ind, f"{name} = {r.code}"))
        return {**env, s.name: ("n", name, r.iv, r.fits)}

    # -------------------------------------------------------------- assignment

    def assign(self, s: ir.Assign, env, st: PState, cache, ind, out) -> bool:
        """Generate an assignment; False when it always fails (path ends)."""
        ctx = self.ctx
        f = ctx.field(s.var)
        t = f.type
        v = s.value
        line = line_of(s)
        ec = ctx.err(f"{s.var} = {{0}} is outside its type {t} (assignment at line {line})",
                     var=f.index)
        if (isinstance(v, ir.Call) and v.fn == "map_update" and isinstance(v.args[0], ir.Var)
                and v.args[0].name == s.var and f.index not in cache):
            return self._map_entry(s, f, v, env, st, cache, ind, out, ec)
        r = self.expr(v, env, st, cache, ind, out)
        if r.bits is not None and not r.isconst and r.fits and subtype(r.type, t):
            # a packed sequence value: store its bits as they are
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.bits}"))
            for k in [k for k in cache if k == f.index or (isinstance(k, tuple) and k[0] == f.index)]:
                del cache[k]
            if f.width:
                st.write(f.offset, f.width, y)
            return True
        if r.isconst:
            chk = runtime_fits(t)
            y = r.code
            if chk is not None and not chk(r.const):
                out.append((ind, f"_E({ec}, {st.expr()}, {y})"))
                return False
        else:
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.code}"))
            if not fits_in(r, t):
                out.append((ind, f"if not {self._check(t, y)}:"))
                out.append((ind + 1, f"_E({ec}, {st.expr()}, {y})"))
        for k in [k for k in cache if isinstance(k, tuple) and k[0] == f.index]:
            del cache[k]
        cache[f.index] = y
        if f.width:
            st.write(f.offset, f.width, self._enc(t, y, r))
        return True

    def _check(self, t: ir.Type, y: str) -> str:
        if isinstance(t, ir.IntT):
            lo, hi = t.bounds()
            return f"({lo} <= {y} <= {hi})"
        return f"{self.ctx.checker(t)}({y})"

    def _enc(self, t: ir.Type, y: str, r: R):
        """encoded bits of value y of type t: an int when constant, else code"""
        if r.isconst:
            return self.ctx.ns[self.ctx.encoder(t)](r.const)
        if isinstance(t, ir.IntT):
            lo = t.bounds()[0]
            return f"({y} - {lo})" if lo else y
        if isinstance(t, (ir.BoolT, ir.EnumT)):
            return y
        if is_bitset(t):
            sh = set_shift(t)
            return f"({y} >> {sh})" if sh else y
        return f"{self.ctx.encoder(t)}({y})"

    def _map_entry(self, s, f, call: ir.Call, env, st: PState, cache, ind, out, ec) -> bool:
        """m = map_update(m, k, v): write one entry of the packed map in place."""
        ctx = self.ctx
        mt = f.type
        vt = mt.value
        w = width(vt)
        k = self.expr(call.args[1], env, st, cache, ind, out)
        ki = key_index(ctx, k, mt.key, call, st.name)
        st.use([ki.code] + [t for _, t in ki.pre], out, ind)
        out += indent(ki.pre, ind)
        r = self.expr(call.args[2], env, st, cache, ind, out)
        if not ki.isconst:
            kname = ctx.fresh("k")
            out.append((ind, f"{kname} = {ki.code}"))
            ki = R(kname, ir.INT)
        packed = r.bits is not None and not r.isconst and r.fits and subtype(r.type, vt)
        if packed:
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.bits}"))
            bad = False
        elif r.isconst:
            y = r.code
            chk = runtime_fits(vt)
            bad = chk is not None and not chk(r.const)
        else:
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.code}"))
            bad = False
        if bad or (not packed and not r.isconst and not fits_in(r, vt)):
            sn = st.flush(out, ind)
            whole = f"_mup({ctx.decoder(mt)}({self._bits(f, sn)}), {ki.code}, {y})"
            if bad:
                out.append((ind, f"_E({ec}, {sn}, {whole})"))
                return False
            out.append((ind, f"if not {self._check(vt, y)}:"))
            out.append((ind + 1, f"_E({ec}, {sn}, {whole})"))
        cache.pop(f.index, None)
        if not ki.isconst:
            for key in [key for key in cache if isinstance(key, tuple) and key[0] == f.index]:
                del cache[key]
        if w == 0:
            return True
        enc = y if packed else self._enc(vt, y, r)
        if ki.isconst:
            if packed:
                cache.pop((f.index, ki.const), None)
            else:
                cache[(f.index, ki.const)] = y
            st.write(f.offset + ki.const * w, w, enc)
            return True
        sn = st.flush(out, ind)
        m = (1 << w) - 1
        n = ctx.fresh("n")
        shn = ctx.fresh("k")
        out.append((ind, f"{shn} = {ki.code} * {w} + {f.offset}"))
        out.append((ind, f"{n} = ({sn} & ~({num(m)} << {shn})) | ({enc} << {shn})"))
        st.base = st.name = n
        return True

    def _bits(self, f, sn: str) -> str:
        return f"(({sn} >> {f.offset}) & {num(f.mask)})"
