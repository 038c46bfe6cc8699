"""Counterexample reconstruction from the parent map.

Only parents are stored during the search; the action (and binding) of each
step is recovered afterwards by re-running the per-action trace functions on
the parent and looking for the child, first action and binding in order.
"""
from __future__ import annotations

from .. import ir
from ..results import Step, Trace
from .compile import Program
from .layout import canon
from .runtime import StepError


def path_to(seen: dict, s: int) -> list[int]:
    chain = [s]
    while True:
        p = seen[chain[-1]]
        if p is None:
            break
        chain.append(p)
    chain.reverse()
    return chain


def action_label(prog: Program, ai: int, b: tuple) -> tuple[str, tuple]:
    """(action name, arguments as canonical values) of binding ``b`` (internal
    values) of action ``ai``: how a step is labelled in traces"""
    a = prog.spec.actions[ai]
    args = tuple(canon(p.type, v) for p, v in zip(a.params, b))
    return a.name, args



def find_step(prog: Program, parent: int, child: int):
    for ai, binds in enumerate(prog.bindings):
        fn = prog.trace_fns[ai]
        for b in binds:
            out: list = []
            fn(parent, out, [], b)
            if child in out:
                return ai, b
    raise AssertionError("internal error: no action leads from a parent to its child")


def trace_to(prog: Program, seen: dict, s: int) -> Trace:
    chain = path_to(seen, s)
    if prog.symmetry is not None:      # stored states are orbit representatives
        chain = prog.symmetry.unreduce(prog, chain)
    lay = prog.layout
    steps = [Step(None, (), lay.canonical(chain[0]))]
    for p, c in zip(chain, chain[1:]):
        ai, b = find_step(prog, p, c)
        name, args = action_label(prog, ai, b)
        steps.append(Step(name, args, lay.canonical(c)))
    return Trace(steps)


def error_state(prog: Program, e: StepError) -> dict:
    """The state shown in the last step of an erroneous step."""
    code, snap, vals = e.args
    info = prog.ctx.errors[code]
    state = prog.layout.canonical(snap) if snap is not None else {}
    if info.var is not None:
        f = prog.layout.fields[info.var]
        state[f.name] = canon(f.type, vals[0])
    return state


def error_detail(prog: Program, e: StepError) -> str:
    code, _snap, vals = e.args
    info = prog.ctx.errors[code]
    if info.var is not None:
        f = prog.layout.fields[info.var]
        shown = [ir.show_value(canon(f.type, vals[0]))]
    else:
        shown = [ir.show_value(v) for v in vals]
    return info.template.format(*shown)


def error_trace(prog: Program, seen: dict, parent: int, e: StepError, ai: int, b) -> Trace:
    tr = trace_to(prog, seen, parent)
    name, args = action_label(prog, ai, tuple(b))
    tr.steps.append(Step(name, args, error_state(prog, e)))
    return tr
