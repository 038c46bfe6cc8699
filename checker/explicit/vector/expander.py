"""The chunk expander of the vector back end (used by ``..compact.bfs_compact``).

For a chunk of states (sorted, as the compact store expands them):

1. the active invariants and reachability goals are evaluated as array
   expressions on the whole chunk;
2. every binding of every vectorised action runs over the chunk
   (``vstmts``); the actions that could not be vectorised run their scalar
   generated code (``Program.action_collect_function``) on the chunk;
3. with the deadlock check on, states with no successor are tested against
   ``Spec.terminal``.

Only the common case is done with arrays: whenever something must be
*reported* -- an invariant false or failing, a goal reached, a runtime error
in a step, a deadlock -- the whole chunk is expanded again by the compact
store's scalar level function, which records it exactly as the scalar
back end does (the same first state in the chunk's order, the same error
object).  So verdicts, traces and counts are the scalar engine's by
construction; the arrays only make the chunks without news faster.
"""
from __future__ import annotations

import numpy as np

from ... import ir
from ..levels import sorted_unique
from .values import Unsupported, is_arr
from .xp import to_host
from .vexpr import Budget, compile_expr
from .vstmts import Fields, NeedScalar, Path, compile_block, pack
from .words import from_words, to_words, word_count

CHUNK = 1 << 15              # states per chunk
MAX_BINDINGS = 4096          # actions with more bindings are left to the scalar code


def _ignore(*_a) -> None:
    pass


class VectorProgram:
    """The spec's actions, invariants, goals and terminal predicate compiled
    to array closures where possible, with the reasons where not."""

    def __init__(self, prog):
        spec = prog.spec
        self.prog = prog
        layout = prog.layout
        self.nw = word_count(layout.total_bits)
        self.fields = Fields(layout, self.nw)
        var_types = {v.name: v.type for v in spec.vars}
        self.actions: list = []          # per action: list of binding blocks, or None
        self.notes: dict[str, str] = {}  # action / property name -> why it is scalar
        for ai, a in enumerate(spec.actions):
            self.actions.append(self._action(ai, a, var_types))
        self.invs = [self._pred(inv.name, inv.expr) for inv in spec.invariants]
        self.reach = [self._pred(g.name, g.expr) for g in getattr(spec, "reachables", ())]
        term = getattr(spec, "terminal", None)
        self.terminal = self._pred("terminal", term) if term is not None else None
        self.has_terminal = term is not None
        self.reduction = None            # por.Reduction with --por (plan.py)

    def _action(self, ai, a: ir.Action, var_types):
        binds = self.prog.bindings[ai]
        if len(binds) > MAX_BINDINGS:
            self.notes[a.name] = f"{len(binds)} bindings (more than {MAX_BINDINGS})"
            return None
        blocks = []
        try:
            for b in binds:
                consts = {p.name: v for p, v in zip(a.params, b)}
                blocks.append(compile_block(a.body, consts, var_types, Budget()))
            for s in ir.walk_stmts(a.body):
                if isinstance(s, ir.Assign) and s.var in self.fields.problems:
                    raise Unsupported(self.fields.problems[s.var])
        except Unsupported as e:
            self.notes[a.name] = str(e)
            return None
        return blocks

    def _pred(self, name, expr):
        try:
            return compile_expr(expr, {}, Budget())
        except Unsupported as e:
            self.notes[name] = str(e)
            return None

    def vectorised_actions(self) -> int:
        return sum(1 for b in self.actions if b is not None)

    def fully_vectorised(self, want_invs=None) -> bool:
        invs = range(len(self.invs)) if want_invs is None else want_invs
        return (all(b is not None for b in self.actions) and not self.fields.problems
                and all(self.invs[k] is not None for k in invs))

    def report(self) -> str:
        n = len(self.actions)
        text = (f"vector back end: {self.vectorised_actions()} of {n} actions as array code"
                f" ({self.nw} word{'s' if self.nw > 1 else ''} per state)")
        if self.notes:
            text += "; scalar code for " + "; ".join(f"{k}: {v}" for k, v in self.notes.items())
        return text


class VectorExpander:
    """``run(chunks, active, found)`` as ``compact._Serial``: yields (sorted
    unique successors, transitions) per chunk."""

    chunk_size = CHUNK

    def __init__(self, vprog: VectorProgram, codec, xp=np, levels=None, reduction=None):
        self.levels = levels             # the store (POR's cycle proviso looks successors up)
        self.red = reduction             # por.Reduction, or None: full expansion
        self.reduced_rows = 0            # states expanded with an ample set (POR)
        self.xp = xp                     # the array module (xp.py): numpy, or CuPy on a GPU
        self.v = vprog
        self.prog = vprog.prog
        self.codec = codec
        self.scalar_fns: dict = {}
        self.fallback = {ai: self.prog.action_collect_function(ai)
                         for ai, b in enumerate(vprog.actions) if b is None}
        self.chunks = 0
        self.scalar_chunks = 0           # chunks handed to the scalar code (something to report)

    def run(self, chunks, active, found):
        for c in chunks:
            yield self.expand(c, active(), found)

    def close(self) -> None:
        pass

    def expand(self, chunk: np.ndarray, key, found):
        self.chunks += 1
        try:
            return self._vector(chunk, key, found)
        except NeedScalar:
            self.scalar_chunks += 1
            return self._scalar(chunk, key, found)

    def _ample(self, produced, n):
        """per row, the instance whose steps form its ample set, or -1 (full expansion)"""
        xp = self.xp
        red = self.red
        none = len(red.instances)
        best = xp.full(n, none, dtype=np.int64)
        for ai, bj, ws, rs in produced:
            k = red.safe_instance[ai][bj]
            if k >= 0:
                best[rs] = xp.minimum(best[rs], k)
        chosen = xp.where(best == none, -1, best)
        # the cycle proviso: an ample successor already stored (this depth or before) may
        # close a cycle: such a state is expanded fully
        cand, cand_rows = [], []
        for ai, bj, ws, rs in produced:
            k = red.safe_instance[ai][bj]
            if k >= 0:
                sel = chosen[rs] == k
                if sel.any():
                    cand.append(to_host(xp, from_words(self.codec, [xp.ascontiguousarray(w[sel]) for w in ws], xp)))
                    cand_rows.append(to_host(xp, rs[sel]))
        if cand:
            closes = self.levels.stored_mask(np.concatenate(cand))
            if closes.any():
                chosen[xp.asarray(np.concatenate(cand_rows)[closes])] = -1
        self.reduced_rows += int((chosen >= 0).sum())
        return chosen

    def _scalar(self, chunk, key, found):
        fn = self.scalar_fns.get(key)
        if fn is None:
            fn = self.scalar_fns[key] = self.prog.collect_level_function(*key)
        out: list = []
        tr = fn(self.codec.decode(chunk), out, out.append, found.err, found.viol, found.dead)
        return sorted_unique(self.codec.encode(out)), tr

    def _vector(self, chunk, key, found):
        """The chunk's successors by array code; raises NeedScalar when something
        must be reported (the scalar level function then redoes the chunk)."""
        invs, reach, dead = key
        n = len(chunk)
        words = to_words(self.codec, chunk, self.xp)
        rows = self.xp.arange(n)
        p0 = Path(self.v.fields, rows, words)
        scalar_invs, scalar_reach = self._check_properties(p0, invs, reach)
        produced, counts = self._array_successors(p0, words, rows, n, dead)
        extra, extra_rows = self._fallback_successors(chunk, n, dead, counts)
        outs, extra, tr = self._keep_ample(produced, extra, extra_rows, n)
        if dead:
            self._check_deadlock(counts, p0)
        if scalar_invs or scalar_reach:
            self.prog.check_function(scalar_invs, scalar_reach)(self.codec.decode(chunk), found.viol)
        if self.codec.wide and outs:
            return self._merge_wide(outs, extra), tr
        return self._merge(outs, extra), tr

    def _check_properties(self, p0, invs, reach):
        """The vectorised invariants and goals on the whole chunk (NeedScalar
        when one is violated or reached); those left to the scalar code"""
        v = self.v
        scalar_invs, scalar_reach = [], []
        for k in invs:
            f = v.invs[k]
            if f is None:
                scalar_invs.append(k)
                continue
            r = f(p0, None)
            if r is False or (is_arr(r) and not r.all()):
                raise NeedScalar("invariant violated")
        for k in reach:
            g = v.reach[k]
            if g is None:
                scalar_reach.append(k)
                continue
            r = g(p0, None)
            if r is True or (is_arr(r) and r.any()):
                raise NeedScalar("goal reached")
        return scalar_invs, scalar_reach

    def _array_successors(self, p0, words, rows, n, dead):
        """(action, binding, successor words, rows) of every vectorised binding,
        and (with the deadlock check) the number of successors per row"""
        v = self.v
        xp = self.xp
        produced: list = []
        counts = xp.zeros(n, dtype=np.int64) if dead else None
        for ai, blocks in enumerate(v.actions):
            if blocks is None:
                continue
            for bj, block in enumerate(blocks):
                for path in block(Path(v.fields, rows, words, cache=p0.cache)):
                    ws, rs = pack(path)
                    if len(rs):
                        produced.append((ai, bj, ws, rs))
                        if dead:
                            counts += xp.bincount(rs, minlength=n)
        return produced, counts

    def _fallback_successors(self, chunk, n, dead, counts):
        """The successors (decoded states) of the actions run by their scalar
        code, and the row each comes from when needed (deadlock counts,
        added to ``counts``, or POR's choice)"""
        extra: list = []
        extra_rows: list = []
        if not self.fallback:
            return extra, extra_rows
        decoded = self.codec.decode(chunk)
        errs: list = []

        def err(*a):
            errs.append(a)
        per_state = dead or self.red is not None
        for fn in self.fallback.values():
            if per_state:         # successors per state: deadlock counts, POR's choice
                for i, st in enumerate(decoded):
                    before = len(extra)
                    fn([st], extra, extra.append, err, _ignore, _ignore)
                    extra_rows += [i] * (len(extra) - before)
            else:
                fn(decoded, extra, extra.append, err, _ignore, _ignore)
        if errs:
            raise NeedScalar("runtime error in a scalar action")
        if dead and extra_rows:
            counts += self.xp.asarray(np.bincount(np.array(extra_rows, dtype=np.int64), minlength=n))
        return extra, extra_rows

    def _keep_ample(self, produced, extra, extra_rows, n):
        """(successor words per binding, scalar successors, transitions), with
        POR: only the ample set's successors of each reduced row"""
        xp = self.xp
        chosen = self._ample(produced, n) if self.red is not None else None
        outs: list = []
        tr = 0
        for ai, bj, ws, rs in produced:
            if chosen is not None:
                keep = chosen[rs]
                keep = (keep < 0) | (keep == self.red.instance_of[ai][bj])
                if not keep.all():
                    ws, rs = [w[keep] for w in ws], rs[keep]
                    if not len(rs):
                        continue
            outs.append(ws)
            tr += len(rs)
        if extra and chosen is not None:
            keep = to_host(xp, chosen)[np.array(extra_rows, dtype=np.int64)] < 0
            extra = [x for x, k in zip(extra, keep.tolist()) if k]
        tr += len(extra)
        return outs, extra, tr

    def _check_deadlock(self, counts, p0) -> None:
        """NeedScalar when a row has no successor and is not terminal"""
        v = self.v
        zero = counts == 0
        if not zero.any():
            return
        if not v.has_terminal:
            raise NeedScalar("deadlock")
        if v.terminal is None:
            raise NeedScalar("terminal predicate")
        t = v.terminal(p0, None)
        if t is not True and (t is False or (zero & ~t).any()):
            raise NeedScalar("deadlock")

    def _merge_wide(self, outs, extra):
        """wide states: sort and de-duplicate as uint64 words (numpy sorts the store's
        V<n> byte strings by generic comparison, several times slower), then pack"""
        xp = self.xp
        ws = [xp.concatenate([o[j] for o in outs]) for j in range(self.v.nw)]
        order = xp.lexsort(tuple(ws))               # the last word (most significant) first
        ws = [w[order] for w in ws]
        keep = xp.ones(len(order), dtype=bool)
        if len(order) > 1:
            diff = ws[0][1:] != ws[0][:-1]
            for w in ws[1:]:
                diff |= w[1:] != w[:-1]
            keep[1:] = diff
        cand = to_host(xp, from_words(self.codec, [xp.ascontiguousarray(w[keep]) for w in ws], xp))
        if extra:
            cand = sorted_unique(np.concatenate([cand, self.codec.encode(extra)]))
        return cand

    def _merge(self, outs, extra):
        """the successors as sorted unique store entries"""
        xp = self.xp
        parts = [to_host(xp, from_words(self.codec, [xp.ascontiguousarray(w) for w in ws], xp))
                 for ws in outs]
        if extra:
            parts.append(self.codec.encode(extra))
        if not parts:
            return self.codec.empty()
        return sorted_unique(np.concatenate(parts))
