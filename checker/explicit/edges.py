"""Edges of the reachable graph, without numpy: the generated edge function
(every successor of a chunk of states with the binding that produced it) and
the never-enabled-action scan that runs after every exhaustive search.  Kept
apart from csr.py so that a small check never pays numpy's import."""
from __future__ import annotations

from array import array

from .compile import SPECIALISE_MAX, Program
from .ctx import indent
from .stmts import BlockGen, Mode

CHUNK = 4096


class _EdgeMode(Mode):
    """Path end: ``T0(successor); G0(binding id)``; a runtime error: nothing."""

    def __init__(self, gid_code: str, gid_param: bool):
        super().__init__("trace")       # helpers are plain calls, as in trace mode
        self.gid_code = gid_code
        self.gid_param = gid_param      # the binding id is a variable passed to helpers

    def emit(self, sn: str, ind: int) -> list:
        return [(ind, f"T0({sn})"), (ind, f"G0({self.gid_code})")]

    def handler(self, ai: int, bcode: str, ind: int) -> list:
        return [(ind, "pass")]

    def helper_params(self) -> str:
        return "T0, G0, GI0" if self.gid_param else "T0, G0"


def binding_ids(prog: Program) -> list[int]:
    """The first binding id of every action (then one id per binding, in order)."""
    first, k = [], 0
    for binds in prog.bindings:
        first.append(k)
        k += len(binds)
    return first


def edge_function(prog: Program, actions=None):
    """def E0(L, T1, G0, O0, C0): for each state of L, append every successor
    to the list T1 and call G0(binding id), for every transition of the given
    actions (all by default), then O0(C0 + len(T1)): the edges so far."""
    spec = prog.spec
    first = binding_ids(prog)
    chosen = range(len(spec.actions)) if actions is None else actions
    body = list(prog._predecode)
    helpers: list = []
    for ai in chosen:
        a = spec.actions[ai]
        binds = prog.bindings[ai]
        if len(binds) <= SPECIALISE_MAX:
            for bi, b in enumerate(binds):
                gen = BlockGen(prog.ctx, _EdgeMode(repr(first[ai] + bi), False), ai, prog.ctx.lit(b))
                env, _ = prog._param_env(a, b)
                body += gen.block(a.body, env, prog._cache, 0)
                helpers += [ln for h in gen.helpers for ln in h]
            continue
        gen = BlockGen(prog.ctx, _EdgeMode("GI0", True), ai, "b")
        env, plines = prog._param_env(a, None)
        body.append((0, f"for GI0 in range({first[ai]}, {first[ai] + len(binds)}):"))
        body.append((1, f"b = {prog.ctx.lit(tuple(binds))}[GI0 - {first[ai]}]"))
        body += indent(plines, 1) + gen.block(a.body, env, prog._cache, 1)
        helpers += [ln for h in gen.helpers for ln in h]
    body.append((0, "O0(C0 + len(T1))"))
    # C0: the edges of earlier chunks (the caller clears T1 between chunks);
    # the names fit the generated code's scheme (letters and a number)
    lines = [(0, "def E0(L, T1, G0, O0, C0):"), (1, "T0 = T1.append"),
             (1, "for s in L:")] + indent(body, 2)
    return prog._exec(helpers + lines, "E0")


def never_enabled(prog: Program, seen: dict) -> list[int]:
    """Indices of the actions with no transition from any state of ``seen``.
    Scans states in order and stops as soon as every action has been seen
    enabled (usually within the first few hundred states), running only the
    actions not yet seen enabled."""
    left = list(range(len(prog.spec.actions)))
    if not left or not seen:
        return left
    gid_action = [ai for ai, bs in enumerate(prog.bindings) for _ in bs]
    it = iter(seen)
    fn = edge_function(prog, left)
    chunk = 64
    while left:
        states = [s for _, s in zip(range(chunk), it)]
        if not states:
            break
        tgt: list = []
        gids = array("i")
        fn(states, tgt, gids.append, lambda _c: None, 0)
        hit = {gid_action[g] for g in gids}
        if hit:
            left = [ai for ai in left if ai not in hit]
            if left:
                fn = edge_function(prog, left)
        chunk = min(chunk * 4, CHUNK)
    return left


def dead_action_warning(action: str) -> str:
    return (f"action {action} is never enabled in any reachable state (its guard may be wrong, or the spec "
            f"vacuous there)")
