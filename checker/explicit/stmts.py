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

from .. import ir
from .ctx import Ctx, R, Where, indent, line_of
from .expr import compile_expr, fits_in, key_index, const_r
from .layout import dom_lo, runtime_fits, width

MAX_INDENT = 40
MAX_BLOCKS = 12      # nested try blocks before the rest moves into a helper
DUP_LIMIT = 12       # statements of continuation copied into each branch


class Mode:
    """What reaching the end of a path, and a runtime error, generate."""

    def __init__(self, kind: str, limit: int | None = None):
        self.kind = kind          # "search" | "trace"
        self.limit = limit

    def emit(self, sn: str, ind: int) -> list:
        if self.kind == "trace":
            return [(ind, f"out.append({sn})")]
        lines = [(ind, "tr += 1"), (ind, f"if {sn} not in seen:")]
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
        self.path(((tuple(body), 0), None), env, "s", dict(cache), ind + 1, 1, out)
        out.append((ind, "except StepError as e:"))
        out += self.mode.handler(self.ai, self.bcode, ind + 1)
        while self._pending:
            self._make_helper(*self._pending.pop())
        return out

    # -------------------------------------------------------------- helpers

    def _helper_call(self, cont, env: dict) -> tuple:
        name = self.ctx.fresh("h")
        params = [b[1] for b in env.values() if b[0] == "n"]
        params = list(dict.fromkeys(params))
        self._pending.append((name, cont, env, params))
        return (_Call(name, params), None)

    def _make_helper(self, name: str, cont, env: dict, params: list[str]) -> None:
        sig = ", ".join(["s", "n", self.mode.helper_params(), "b"] + params)
        lines = [(0, f"def {name}({sig}):")]
        if self.mode.kind == "search":
            lines += [(1, "tr = 0"), (1, "ne = 0")]
        lines.append((1, "try:"))
        self.path(cont, env, "n", {}, 2, 1, lines)
        lines.append((1, "except StepError as e:"))
        lines += self.mode.handler(self.ai, "b", 2)
        if self.mode.kind == "search":
            lines.append((1, "return tr, ne"))
        self.helpers.append(lines)

    def _call_lines(self, call: _Call, sn: str, ind: int) -> list:
        args = ", ".join(["s", sn, self.mode.helper_params(), self.bcode] + call.params)
        if self.mode.kind == "trace":
            return [(ind, f"{call.name}({args})")]
        r = self.ctx.fresh("r")
        return [(ind, f"{r} = {call.name}({args})"), (ind, f"tr += {r}[0]"),
                (ind, f"ne += {r}[1]")]

    # -------------------------------------------------------------- paths

    def expr(self, e, env, sn, cache, ind, out) -> R:
        r = compile_expr(self.ctx, e, Where(env, sn, cache))
        out += indent(r.pre, ind)
        return r

    def path(self, cont, env: dict, sn: str, cache: dict, ind: int, blocks: int, out: list):
        while True:
            if cont is None:
                out += self.mode.emit(sn, ind)
                return
            frame, rest = cont
            if isinstance(frame, _Call):
                out += self._call_lines(frame, sn, ind)
                return
            stmts, i = frame
            if i >= len(stmts):
                cont = rest
                continue
            st = stmts[i]
            cont = ((stmts, i + 1), rest)
            if (ind > MAX_INDENT or blocks > MAX_BLOCKS) and isinstance(
                    st, (ir.Require, ir.Either, ir.If)):
                call = self._helper_call(((stmts, i), rest), env)
                out += self._call_lines(call[0], sn, ind)
                return
            if isinstance(st, ir.Require):
                r = self.expr(st.cond, env, sn, cache, ind, out)
                if r.isconst:
                    if r.const:
                        continue
                    out.append((ind, "pass"))
                    return
                out.append((ind, f"if {r.code}:"))
                ind += 1
            elif isinstance(st, ir.Let):
                env = self.let(st, env, sn, cache, ind, out)
            elif isinstance(st, ir.Assign):
                sn = self.assign(st, env, sn, cache, ind, out)
                if sn is None:
                    return
            elif isinstance(st, ir.If):
                r = self.expr(st.cond, env, sn, cache, ind, out)
                if r.isconst:
                    cont = ((st.then if r.const else st.else_, 0), cont)
                    continue
                if not (has_control(st.then) or has_control(st.else_)):
                    sn = self.plain_if(r, st, env, sn, cache, ind, out)
                    continue
                if _cont_size(cont, DUP_LIMIT) > DUP_LIMIT:
                    cont = self._helper_call(cont, env)
                out.append((ind, f"if {r.code}:"))
                self.path(((st.then, 0), cont), env, sn, dict(cache), ind + 1, blocks, out)
                out.append((ind, "else:"))
                self.path(((st.else_, 0), cont), env, sn, dict(cache), ind + 1, blocks, out)
                return
            elif isinstance(st, ir.Either):
                if _cont_size(cont, DUP_LIMIT) > DUP_LIMIT:
                    cont = self._helper_call(cont, env)
                last = len(st.branches) - 1
                for k, br in enumerate(st.branches):
                    if k == last:
                        self.path(((br, 0), cont), env, sn, dict(cache), ind, blocks, out)
                    else:
                        out.append((ind, "try:"))
                        self.path(((br, 0), cont), env, sn, dict(cache), ind + 1,
                                  blocks + 1, out)
                        out.append((ind, "except StepError as e:"))
                        out += self.mode.handler(self.ai, self.bcode, ind + 1)
                return
            else:
                raise TypeError(f"not an IR statement: {st!r}")

    def plain(self, stmts, env, sn, cache, ind, out) -> str:
        """Statements without require/either (arms of a plain if)."""
        for st in stmts:
            if isinstance(st, ir.Let):
                env = self.let(st, env, sn, cache, ind, out)
            elif isinstance(st, ir.Assign):
                sn2 = self.assign(st, env, sn, cache, ind, out)
                if sn2 is None:
                    return sn
                sn = sn2
            elif isinstance(st, ir.If):
                r = self.expr(st.cond, env, sn, cache, ind, out)
                if r.isconst:
                    sn = self.plain(st.then if r.const else st.else_, env, sn, cache, ind, out)
                else:
                    sn = self.plain_if(r, st, env, sn, cache, ind, out)
            else:
                raise TypeError(st)
        return sn

    def plain_if(self, r: R, st: ir.If, env, sn, cache, ind, out) -> str:
        ct, ce = dict(cache), dict(cache)
        lt, le = [], []
        snt = self.plain(st.then, env, sn, ct, ind + 1, lt)
        sne = self.plain(st.else_, env, sn, ce, ind + 1, le)
        if snt != sn or sne != sn:
            phi = self.ctx.fresh("n")
            lt.append((ind + 1, f"{phi} = {snt}"))
            le.append((ind + 1, f"{phi} = {sne}"))
            sn = phi
        out.append((ind, f"if {r.code}:"))
        out += lt or [(ind + 1, "pass")]
        if le:
            out.append((ind, "else:"))
            out += le
        cache.clear()
        cache.update({k: v for k, v in ct.items() if ce.get(k) == v})
        return sn

    def let(self, st: ir.Let, env, sn, cache, ind, out) -> dict:
        r = self.expr(st.value, env, sn, cache, ind, out)
        if r.isconst:
            return {**env, st.name: ("c", r.const)}
        name = self.ctx.fresh("l")
        out.append((ind, f"{name} = {r.code}"))
        return {**env, st.name: ("n", name, r.iv, r.fits)}

    # -------------------------------------------------------------- assignment

    def assign(self, st: ir.Assign, env, sn, cache, ind, out) -> str | None:
        ctx = self.ctx
        f = ctx.field(st.var)
        t = f.type
        v = st.value
        line = line_of(st)
        ec = ctx.err(f"{st.var} = {{0}} is outside its type {t} (assignment at line {line})",
                     var=f.index)
        full = (1 << ctx.layout.total_bits) - 1
        if (isinstance(v, ir.Call) and v.fn == "map_update" and isinstance(v.args[0], ir.Var)
                and v.args[0].name == st.var and f.index not in cache):
            return self._map_entry(st, f, v, env, sn, cache, ind, out, ec, full)
        r = self.expr(v, env, sn, cache, ind, out)
        if r.isconst:
            chk = runtime_fits(t)
            y = r.code
            if chk is not None and not chk(r.const):
                out.append((ind, f"_E({ec}, {sn}, {y})"))
                return None
        else:
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.code}"))
            if not fits_in(r, t):
                out.append((ind, f"if not {self._check(t, y)}:"))
                out.append((ind + 1, f"_E({ec}, {sn}, {y})"))
        if f.width == 0:
            cache[f.index] = y
            return sn
        enc = self._enc(t, y, r)
        n = ctx.fresh("n")
        clr = full ^ (f.mask << f.offset)
        if isinstance(enc, int):
            out.append((ind, f"{n} = ({sn} & {clr}) | {enc << f.offset}"))
        else:
            sh = f" << {f.offset}" if f.offset else ""
            out.append((ind, f"{n} = ({sn} & {clr}) | ({enc}{sh})"))
        cache[f.index] = y
        return n

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
        return f"{self.ctx.encoder(t)}({y})"

    def _map_entry(self, st, f, call: ir.Call, env, sn, cache, ind, out, ec, full) -> str | None:
        """m = map_update(m, k, v): write one entry of the packed map in place."""
        ctx = self.ctx
        mt = f.type
        vt = mt.value
        w = width(vt)
        k = self.expr(call.args[1], env, sn, cache, ind, out)
        ki = key_index(ctx, k, mt.key, call, sn)
        out += indent(ki.pre, ind)
        r = self.expr(call.args[2], env, sn, cache, ind, out)
        if not ki.isconst:
            kname = ctx.fresh("k")
            out.append((ind, f"{kname} = {ki.code}"))
            ki = R(kname, ir.INT)
        if r.isconst:
            y = r.code
            chk = runtime_fits(vt)
            bad = chk is not None and not chk(r.const)
        else:
            y = ctx.fresh("y")
            out.append((ind, f"{y} = {r.code}"))
            bad = False
        if bad or (not r.isconst and not fits_in(r, vt)):
            whole = f"_mup({ctx.decoder(mt)}({self._bits(f, sn)}), {ki.code}, {y})"
            if bad:
                out.append((ind, f"_E({ec}, {sn}, {whole})"))
                return None
            out.append((ind, f"if not {self._check(vt, y)}:"))
            out.append((ind + 1, f"_E({ec}, {sn}, {whole})"))
        cache.pop(f.index, None)
        if w == 0:
            return sn
        enc = self._enc(vt, y, r)
        m = (1 << w) - 1
        n = ctx.fresh("n")
        if ki.isconst:
            off = f.offset + ki.const * w
            clr = full ^ (m << off)
            if isinstance(enc, int):
                out.append((ind, f"{n} = ({sn} & {clr}) | {enc << off}"))
            else:
                out.append((ind, f"{n} = ({sn} & {clr}) | ({enc} << {off})"))
            return n
        shn = ctx.fresh("k")
        out.append((ind, f"{shn} = {ki.code} * {w} + {f.offset}"))
        out.append((ind, f"{n} = ({sn} & ~({m} << {shn})) | ({enc} << {shn})"))
        return n

    def _bits(self, f, sn: str) -> str:
        return f"(({sn} >> {f.offset}) & {f.mask})"
