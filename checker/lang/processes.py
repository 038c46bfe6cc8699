"""Processes -> program counters and plain actions.

``process caller(c: Caller) { var x: T = e  step1: {..}  loop { step2: {..} } }``
becomes

* a state variable ``caller.pc``: ``map<Caller, caller.pc>`` over an enum of
  the step labels (plus ``caller_done`` when the process can finish), and one
  state variable ``caller.x: map<Caller, T>`` per local;
* one action per step, ``caller.step1(c: Caller)``, whose body is
  ``require pc[c] == step1; pc[c] = <next step>; <the step's statements>``
  (``await e`` is ``require e``; ``goto L`` sets ``pc[c] = L``);
* a weak/strong fairness group per instance when the process is ``fair``.

Inside a step, the process's locals are read and written by their bare
names; elsewhere (invariants, properties, other processes) as ``caller[c].x``
and ``caller[c].pc`` (``caller.x`` for a process with no parameter).  Step
labels are enum members, so ``caller[c].pc == step2`` reads naturally; they
must be unique across the spec.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir
from . import ast as A


@dataclass
class ProcessInfo:
    name: str
    param: ir.Param | None
    pc_var: str
    pc_type: ir.EnumT
    labels: list[str]
    next_label: dict[str, str]
    first: str
    finishes: bool
    locals: dict[str, tuple[str, ir.Type]] = field(default_factory=dict)  # name -> (state var, value type)

    def state_type(self, t: ir.Type) -> ir.Type:
        """A per-instance value of type t is stored as map<instance, t>."""
        return ir.MapT(self.param.type, t) if self.param else t

    @property
    def done_label(self) -> str:
        return f"{self.name}_done"


def flatten_steps(proc: A.ProcessDecl, diags) -> tuple[list[A.ProcStep], dict[str, str], bool]:
    """The steps in order, each step's successor label, and whether the process can finish."""
    steps: list[A.ProcStep] = []
    nexts: dict[str, str] = {}
    done = f"{proc.name}_done"

    def first_label(items) -> str | None:
        # iterative DFS for the first step inside nested loops
        stack = list(reversed(items))
        while stack:
            it = stack.pop()
            if isinstance(it, A.ProcStep):
                return it.label
            if isinstance(it, A.ProcLoop):
                stack.extend(reversed(it.items))
        return None

    # (items, label control goes to after the last item)
    work: list[tuple[tuple, str]] = [(tuple(i for i in proc.items if not isinstance(i, A.ProcVar)), done)]
    order: list[tuple[A.ProcStep, str]] = []
    while work:
        items, after = work.pop()
        nxt = after
        planned: list[tuple[A.ProcStep, str]] = []
        for pos in range(len(items) - 1, -1, -1):
            it = items[pos]
            if isinstance(it, A.ProcVar):
                diags.error(it.span, "process variables are declared before the first step")
                continue
            if isinstance(it, A.ProcStep):
                planned.append((it, nxt))
                nxt = it.label
            else:
                head = first_label(it.items)
                if head is None:
                    diags.error(it.span, "a loop needs at least one step")
                    continue
                if pos != len(items) - 1:
                    diags.error(items[pos + 1].span, "this step is never reached: the loop above runs forever")
                work.append((it.items, head))
                nxt = head
        order.extend(reversed(planned))
    # keep source order for the action list
    order.sort(key=lambda sn: (sn[0].span.line, sn[0].span.col) if sn[0].span else (0, 0))
    for step, nxt in order:
        steps.append(step)
        nexts[step.label] = nxt
    return steps, nexts, any(n == done for n in nexts.values())


def pc_guard(info: ProcessInfo, label: str) -> ir.Expr:
    return ir.Binary("eq", pc_read(info), ir.Lit(label, info.pc_type), ir.BOOL)


def pc_read(info: ProcessInfo) -> ir.Expr:
    var = ir.Var(info.pc_var, info.state_type(info.pc_type))
    if info.param is None:
        return var
    return ir.Index(var, ir.Local(info.param.name, info.param.type), info.pc_type)


def pc_assign(info: ProcessInfo, label: str, span=None) -> ir.Assign:
    value = ir.Lit(label, info.pc_type)
    var = ir.Var(info.pc_var, info.state_type(info.pc_type))
    if info.param is None:
        return ir.Assign(info.pc_var, value, span=span)
    me = ir.Local(info.param.name, info.param.type)
    return ir.Assign(info.pc_var, ir.Call("map_update", (var, me, value), var.type), span=span)


def all_done(infos: list[ProcessInfo]) -> ir.Expr | None:
    """The terminal-state predicate: every instance of every process has finished."""
    if not infos or not all(i.finishes for i in infos):
        return None
    parts: list[ir.Expr] = []
    for info in infos:
        if info.param is None:
            parts.append(pc_guard(info, info.done_label))
        else:
            v = info.param.name
            parts.append(ir.Quant("forall", v, info.param.type, pc_guard(info, info.done_label)))
    out = parts[0]
    for p in parts[1:]:
        out = ir.Binary("and", out, p, ir.BOOL)
    return out


def any_of(parts: list) -> ir.Expr | None:
    """The disjunction of the expressions that are not None (None if none is):
    the terminal states are those where every process has finished, or a
    ``terminal`` declaration holds."""
    present = [p for p in parts if p is not None]
    if not present:
        return None
    out = present[0]
    for p in present[1:]:
        out = ir.Binary("or", out, p, ir.BOOL)
    return out
