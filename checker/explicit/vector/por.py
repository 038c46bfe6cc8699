"""Partial-order reduction for process specs: static ample sets (``--por``).

Processes are desugared by the front end (``checker/lang/processes.py``) into
a program counter per instance and one action per step whose body starts
with ``require pc[self] == label``.  This module finds, for every action
binding, its *instance* (the pc variable and the ``self`` value), its
*label*, and the state *locations* it reads and writes: ``(var, key)`` for a
map entry whose key is a constant of the binding (a parameter, a literal, an
unrolled quantifier's value), ``(var, None)`` for a whole variable (which
overlaps every entry).

A pair (instance I, label L) is **safe** when every binding of I at L

* writes no location that a binding of another instance (or an action that
  is not a process step) reads or writes, and reads none that one of them
  writes -- so the steps of I at L are
  independent of everything else, and nothing else can enable or disable
  them (C1; the other steps of I are disabled while ``pc[I] == L``, and only
  I writes ``pc[I]``), and
* writes no location read by a checked invariant or reachability goal
  (C2, invisibility).

In a state where instance I is at a safe label with at least one enabled
step, the ample set is the enabled steps of I there (C0); the vector
expander takes the first such instance and expands only those bindings,
unless one of their successors is already stored (at this depth or before:
it may close a cycle), in which case the state is expanded fully (C3, the
breadth-first cycle proviso).  This preserves every reachable deadlock and,
the ample steps being invisible, the reachability of an invariant violation
or goal; runtime errors (typeok) of the postponed steps are preserved because
they are independent of the ample steps.  Temporal properties are refused
(``plan.py``).  A reduced search's counterexamples are real paths, replayed
from the levels like the compact store's, but not necessarily shortest.
"""
from __future__ import annotations

from dataclasses import dataclass

from ... import ir

QUANT_UNROLL_MAX = 64


@dataclass(frozen=True)
class BindingInfo:
    instance: tuple | None        # (pc var, self value) for a process step, else None
    label: int | None             # the pc value its guard requires (enum index)
    reads: frozenset
    writes: frozenset


def _const_of(e, consts):
    if isinstance(e, ir.Lit):
        v = e.value
        return e.type.members.index(v) if isinstance(e.type, ir.EnumT) else v
    if isinstance(e, ir.Local) and e.name in consts:
        return consts[e.name]
    return _NOCONST


_NOCONST = object()


def reads_of(e, consts, out: set) -> None:
    """the locations expression e reads (quantifiers unrolled when small)"""
    stack = [(e, consts)]
    while stack:
        x, cs = stack.pop()
        if isinstance(x, ir.Var):
            out.add((x.name, None))
        elif isinstance(x, ir.Index) and isinstance(x.base, ir.Var) and isinstance(x.base.type, ir.MapT):
            k = _const_of(x.key, cs)
            if k is _NOCONST:
                out.add((x.base.name, None))
                stack.append((x.key, cs))
            else:
                out.add((x.base.name, k))
        elif isinstance(x, ir.Quant) or isinstance(x, ir.MapBuild):
            dom_t = x.domain if isinstance(x, ir.Quant) else x.type.key
            dom = _domain(dom_t)
            if dom is None or len(dom) > QUANT_UNROLL_MAX:
                stack.append((x.body, {k: v for k, v in cs.items() if k != x.var}))
            else:
                for v in dom:
                    stack.append((x.body, {**cs, x.var: v}))
        else:
            stack.extend((c, cs) for c in ir.children(x))


def _domain(t):
    if isinstance(t, ir.BoolT):
        return (False, True)
    if isinstance(t, ir.IntT) and t.concrete:
        lo, hi = t.bounds()
        return tuple(range(lo, hi + 1))
    if isinstance(t, ir.EnumT):
        return tuple(range(len(t.members)))
    return None


def _stmts_access(stmts, consts, reads: set, writes: set) -> None:
    stack = [(s, consts) for s in stmts]
    while stack:
        s, cs = stack.pop()
        if isinstance(s, ir.Require):
            reads_of(s.cond, cs, reads)
        elif isinstance(s, ir.Let):
            reads_of(s.value, cs, reads)
            cs = {k: v for k, v in cs.items() if k != s.name}    # (a local shadowing a constant)
        elif isinstance(s, ir.If):
            reads_of(s.cond, cs, reads)
            stack += [(x, cs) for x in s.then + s.else_]
        elif isinstance(s, ir.Either):
            stack += [(x, cs) for br in s.branches for x in br]
        elif isinstance(s, ir.Assign):
            v = s.value
            if (isinstance(v, ir.Call) and v.fn == "map_update" and isinstance(v.args[0], ir.Var)
                    and v.args[0].name == s.var and _const_of(v.args[1], cs) is not _NOCONST):
                writes.add((s.var, _const_of(v.args[1], cs)))
                reads_of(v.args[2], cs, reads)
            else:
                writes.add((s.var, None))
                reads_of(v, cs, reads)


def _guard(a: ir.Action, consts):
    """(instance, label) when the body starts with ``require pc[self] == label``"""
    if not a.body or not isinstance(a.body[0], ir.Require):
        return None, None
    c = a.body[0].cond
    if not (isinstance(c, ir.Binary) and c.op == "eq" and isinstance(c.right, ir.Lit)
            and isinstance(c.right.type, ir.EnumT)):
        return None, None
    left = c.left
    label = c.right.type.members.index(c.right.value)
    if isinstance(left, ir.Var) and left.name.endswith(".pc"):
        return (left.name, None), label
    if (isinstance(left, ir.Index) and isinstance(left.base, ir.Var) and left.base.name.endswith(".pc")
            and a.params and isinstance(left.key, ir.Local) and left.key.name == a.params[0].name):
        return (left.base.name, consts[a.params[0].name]), label
    return None, None


def _overlap(a, b) -> bool:
    return a[0] == b[0] and (a[1] is None or b[1] is None or a[1] == b[1])


def _binding_info(a: ir.Action, b: tuple) -> BindingInfo:
    consts = {p.name: v for p, v in zip(a.params, b)}
    inst, label = _guard(a, consts)
    reads: set = set()
    writes: set = set()
    _stmts_access(a.body, consts, reads, writes)
    return BindingInfo(inst, label, frozenset(reads), frozenset(writes))


def _instances(infos) -> list[tuple]:
    """the process instances of the bindings, in order of first appearance"""
    seen: dict = {}
    for row in infos:
        for bi in row:
            if bi.instance is not None:
                seen.setdefault(bi.instance, None)
    return list(seen)


def _safe_pairs(infos, visible: set) -> set:
    """the (instance, label) pairs whose every binding is independent of every
    other instance's steps and invisible to the checked properties"""
    # locations read / written by each instance (None: the non-process actions)
    read_by: dict = {}
    written_by: dict = {}
    groups: dict = {}
    for row in infos:
        for bi in row:
            read_by.setdefault(bi.instance, set()).update(bi.reads)
            written_by.setdefault(bi.instance, set()).update(bi.writes)
            if bi.instance is not None:
                groups.setdefault((bi.instance, bi.label), []).append(bi)
    safe: set = set()
    for (inst, label), members in groups.items():
        o_read = [loc for other, locs in read_by.items() if other != inst for loc in locs]
        o_written = [loc for other, locs in written_by.items() if other != inst for loc in locs]
        if not any(_dependent(bi, visible, o_read, o_written) for bi in members):
            safe.add((inst, label))
    return safe


def _dependent(bi: BindingInfo, visible, o_read, o_written) -> bool:
    """a write of one meets a read or write of the other (reads commute), or a
    write is visible"""
    return (any(_overlap(w, v) for w in bi.writes for v in visible)
            or any(_overlap(w, y) for w in bi.writes for y in o_read + o_written)
            or any(_overlap(r, y) for r in bi.reads for y in o_written))


class Reduction:
    """The static part of the reduction for one spec and one set of checked
    properties: per action binding, whether it belongs to a safe (instance,
    label) and the instance's number."""

    def __init__(self, spec: ir.Spec, bindings: list[list[tuple]], visible_exprs, scalar_actions=()):
        """``scalar_actions``: indices of actions run by the scalar code (their
        (instance, label) pairs are never ample: their successors are not
        split by binding)"""
        self.infos: list[list[BindingInfo]] = [[_binding_info(a, b) for b in binds]
                                               for a, binds in zip(spec.actions, bindings)]
        visible: set = set()
        for e in visible_exprs:
            reads_of(e, {}, visible)
        self.instances: list[tuple] = _instances(self.infos)     # instance number -> instance
        number = {inst: i for i, inst in enumerate(self.instances)}
        self.safe_pairs: set = _safe_pairs(self.infos, visible)
        for ai in scalar_actions:
            for bi in self.infos[ai]:
                self.safe_pairs.discard((bi.instance, bi.label))
        # per action, per binding: the instance number when the binding is in a safe pair, else -1;
        # and the instance number of every process step (-1 for other actions)
        self.safe_instance = [[number[bi.instance] if (bi.instance, bi.label) in self.safe_pairs else -1
                               for bi in row] for row in self.infos]
        self.instance_of = [[number[bi.instance] if bi.instance is not None else -1 for bi in row]
                            for row in self.infos]

    @property
    def applicable(self) -> bool:
        return bool(self.safe_pairs)

    def report(self) -> str:
        n = len({p for p in self.safe_pairs})
        total = len({(bi.instance, bi.label) for row in self.infos for bi in row if bi.instance is not None})
        return (f"partial-order reduction: {n} of {total} (process instance, step) pairs are "
                "independent of every other process and invisible to the checked properties "
                "(ample sets with the breadth-first cycle proviso; counterexamples are real but "
                "not necessarily shortest)")
