"""Assemble the generated module: the level-expansion function used by the
search, the invariant-only checker, per-action trace functions and the
initial-value function; ``compile()`` + ``exec()`` it.

All generated names are our own (``s``, ``nK``, ``yK``, ``lK``, ``hK``...);
the only text taken from the spec is ``repr()`` of int/bool literals and
positional indices, so no user-written string reaches the generated source.
"""
from __future__ import annotations

from itertools import product

from .. import ir
from .ctx import Ctx, Where, bits_code, indent
from .expr import compile_expr
from .layout import (SET_BIAS, Layout, dom_lo, internal_domain, is_bitset, is_int_bitset,
                     set_shift)
from .stmts import BlockGen, Mode
from .symmetry import make as make_canonicaliser, writes_symmetric_state

SPECIALISE_MAX = 64     # actions with at most this many bindings get one block per binding


def _halted(reason: str):
    from ..cancel import Halted
    raise Halted(reason)


def render(lines) -> str:
    return "".join("    " * i + t + "\n" for i, t in lines)


class Program:
    """The compiled spec."""

    def __init__(self, spec: ir.Spec, limit: int | None = None, symmetry: bool = False,
                 deadline: float | None = None, cancel=None):
        self.spec = spec
        self.layout = Layout(spec)
        self.ctx = Ctx(spec, self.layout, deadline)   # past deadline: CompileTimeout
        # the search's stop flag (checker/cancel.py): the level functions read
        # ``_halt[0]`` once per state and once per binding of an action with
        # many bindings, and raise Halted when it is set
        self.ctx.ns["_halted"] = _halted
        self.attach(cancel)
        self.limit = limit
        self.symmetry = None     # the Canonicaliser when successors are stored by orbit
        if symmetry and spec.symmetric:
            self.symmetry = make_canonicaliser(spec, self.layout)
            self.ctx.ns["_canon"] = self.symmetry.canon
        self.bindings = [[tuple(self._internal_binding(a, b)) for b in a.bindings()]
                         for a in spec.actions]
        self._predecode = self._predecode_lines()
        self._cache = {f.index: f"x{f.index}" for f in self.layout.fields
                       if (f.scalar or is_bitset(f.type)) and f.width > 0}
        self._inv_lines = [self._invariant(k, inv) for k, inv in enumerate(spec.invariants)]
        self._reach_lines = [self._reachable(k, g)
                             for k, g in enumerate(getattr(spec, "reachables", ()))]
        # invariant skipping: the bits each check reads (readsets.py; None: unknown)
        # (0 also for a check too cheap to be worth its guard: worth_guarding)
        from .readsets import read_mask, worth_guarding

        def mask(e):
            return read_mask(self.layout, e) if worth_guarding(e) else 0
        self._inv_masks = [mask(inv.expr) for inv in spec.invariants]
        self._reach_masks = [mask(g.expr) for g in getattr(spec, "reachables", ())]
        self.ctx.ns["_skipped"] = [0]      # checks skipped so far, all level functions
        self._blocks = []
        self._helpers = []
        self._collect = None       # (blocks, helper source) of the compact store, on demand
        for ai, a in enumerate(spec.actions):
            self._blocks.append(self._action_search(ai, a))
        self._trace_fns = self._trace_module()
        self.ns = self.ctx.ns
        init_src = self._init_src()
        exec(compile("".join(self.ctx.defs) + render(self._helpers) + self._trace_fns + init_src,
                     f"<explicit:{spec.name}:support>", "exec"), self.ns)
        self.trace_fns = [self.ns[f"a{ai}"] for ai in range(len(spec.actions))]
        self.init_fn = self.ns.get("a_init")

    def attach(self, cancel) -> None:
        """Poll ``cancel`` from the generated level functions (None: never
        stop; the code that rebuilds traces after a stop runs detached)."""
        self.ctx.ns["_halt"] = cancel.cell if cancel is not None else [None]
        if cancel is None:   # detached: what is compiled from now on (traces, scans) must not stop either
            self.ctx.deadline = None

    # ---------------------------------------------------------------- pieces

    def _internal_binding(self, a: ir.Action, b: tuple):
        out = []
        for p, v in zip(a.params, b):
            out.append(p.type.members.index(v) if isinstance(p.type, ir.EnumT) else v)
        return out

    def _predecode_lines(self):
        lines = []
        total = self.layout.total_bits
        for f in self.layout.fields:
            if f.scalar and f.width > 0:
                code = bits_code("s", f.offset, f.width, total)
                lo = dom_lo(f.type)
                if lo:
                    code = f"{code} + {lo}"
                lines.append((0, f"x{f.index} = {code}"))
            elif is_bitset(f.type) and f.width > 0:
                # sets are predecoded too (one shift), for whole-set operations
                code = bits_code("s", f.offset, f.width, total)
                sh = set_shift(f.type)
                if sh:
                    code = f"{code} << {sh}"
                lines.append((0, f"x{f.index} = {code}"))
        return lines

    def _invariant(self, k: int, inv: ir.Invariant):
        r = compile_expr(self.ctx, inv.expr, Where({}, "s", self._cache))
        lines = [(0, "try:")] + indent(r.pre, 1)
        if r.isconst:
            if not r.const:
                lines.append((1, f"viol({k}, s, None)"))
            else:
                lines.append((1, "pass"))
        else:
            lines += [(1, f"if not {r.code}:"), (2, f"viol({k}, s, None)")]
        lines += [(0, "except StepError as e:"), (1, f"viol({k}, s, e)")]
        return lines

    def _reachable(self, k: int, goal):
        """viol(-1 - k, s, None) when goal k holds in s (an error counts as not
        reached); goals share the invariants' callback so that the generated
        code uses only the engine's fixed names"""
        r = compile_expr(self.ctx, goal.expr, Where({}, "s", self._cache))
        if r.isconst:
            return [(0, f"viol({-1 - k}, s, None)")] if r.const else []
        return ([(0, "try:")] + indent(r.pre, 1) + [(1, f"if {r.code}:"),
                                                     (2, f"viol({-1 - k}, s, None)"),
                (0, "except StepError:"), (1, "pass")])

    def _param_env(self, a: ir.Action, b: tuple | None):
        env = {}
        lines = []
        if b is not None:
            for p, v in zip(a.params, b):
                env[p.name] = ("c", v)
            return env, lines
        names = []
        for p in a.params:
            nm = self.ctx.fresh("p")
            names.append(nm)
            iv = p.type.bounds() if isinstance(p.type, ir.IntT) else None
            env[p.name] = ("n", nm, iv, True)
        if names:
            lines.append((0, ", ".join(names) + (", = b" if len(names) == 1 else " = b")))
        return env, lines

    def _action_search(self, ai: int, a: ir.Action, mode: Mode | None = None, helpers=None):
        """the action's code in the level function; ``mode`` "search" (default:
        dict store) or "collect" (compact store); helper functions go to
        ``helpers`` (default: the support module's)"""
        binds = self.bindings[ai]
        mode = mode or Mode("search", self.limit)
        mode = Mode(mode.kind, mode.limit, canon=self._canonicalises(a))
        helpers = self._helpers if helpers is None else helpers
        lines = []
        if len(binds) <= SPECIALISE_MAX:
            for b in binds:
                gen = BlockGen(self.ctx, mode, ai, self.ctx.lit(b))
                env, _ = self._param_env(a, b)
                lines += gen.block(a.body, env, self._cache, 0)
                helpers += [ln for h in gen.helpers for ln in h]
            return lines
        gen = BlockGen(self.ctx, mode, ai, "b")
        env, plines = self._param_env(a, None)
        lines.append((0, f"for b in {self.ctx.lit(tuple(binds))}:"))
        lines.append((1, "if _halt[0]: _halted(_halt[0])"))   # one state can take long here
        lines += indent(plines, 1)
        lines += gen.block(a.body, env, self._cache, 1)
        helpers += [ln for h in gen.helpers for ln in h]
        return lines

    def _canonicalises(self, a: ir.Action) -> bool:
        """Symmetry hook: canonicalise this action's successors (an action that
        writes no variable mentioning a symmetric type keeps states canonical)."""
        if self.symmetry is None:
            return False
        return writes_symmetric_state(a, self.spec)

    def _trace_module(self) -> str:
        src = []
        for ai, a in enumerate(self.spec.actions):
            gen = BlockGen(self.ctx, Mode("trace"), ai, "b")
            env, plines = self._param_env(a, None)
            lines = [(0, f"def a{ai}(s, out, errs, b):")] + indent(plines, 1)
            lines += gen.block(a.body, env, {}, 1)
            src.append(render(lines))
            src += [render(h) for h in gen.helpers]
        if self.spec.init_block:   # `init { ... }`: run once from the declared values, as an action
            gen = BlockGen(self.ctx, Mode("trace"), len(self.spec.actions), "b")
            lines = [(0, "def a_init(s, out, errs, b):")] + gen.block(self.spec.init_block, {}, {}, 1)
            src.append(render(lines))
            src += [render(h) for h in gen.helpers]
        return "".join(src)

    def _init_src(self) -> str:
        lines = [(0, "def init_values():"), (1, "vals = []")]
        for v in self.spec.vars:
            r = compile_expr(self.ctx, v.init, Where({}, "None", {}))
            lines += indent(r.pre, 1)
            if not v.init_choice:
                lines.append((1, f"vals.append([{r.code}])"))
            elif is_int_bitset(v.init.type):
                dom = tuple(range(-SET_BIAS, v.init.type.elem.bounds()[1] + 1))
                lines.append((1, f"vals.append([{self.ctx.lit(dom)}[i] for i in _bits({r.code})])"))
            elif is_bitset(v.init.type):
                dom = internal_domain(v.init.type.elem)
                lines.append((1, f"vals.append([{self.ctx.lit(dom)}[i] for i in _bits({r.code})])"))
            else:
                lines.append((1, f"vals.append(sorted({r.code}))"))
        lines.append((1, "return vals"))
        return render(lines)

    # ---------------------------------------------------------------- functions

    def _checks(self, active_invs, active_reach, skip: bool = False):
        body = list(self._predecode)
        checks = ([(self._inv_masks[k], self._inv_lines[k]) for k in active_invs]
                  + [(self._reach_masks[k], self._reach_lines[k]) for k in active_reach])
        if skip and any(m for m, _ in checks):
            # invariant skipping (readsets.py says why it is sound): a check
            # runs only on an initial state (parent None: dv_ = -1, every bit)
            # or when a bit it reads differs from the parent's; sk_ counts
            # the checks left out (added to _skipped when the level returns)
            body += [(0, "p_ = seen[s]"), (0, "dv_ = -1 if p_ is None else s ^ p_")]
        for m, lines in checks:
            if skip and m and lines:    # m None (unknown) or 0 (reads nothing): always
                body += [(0, f"if dv_ & {m}:")] + indent(lines, 1) + [(0, "else:"), (1, "sk_ += 1")]
            else:
                body += lines
        return body

    def level_function(self, active_invs, active_reach, deadlock: bool, skip: bool = False):
        """def level(L, seen, app, err, viol, dead) -> transitions; ``skip``:
        invariant skipping (only here: ``seen`` maps states to parents)"""
        return self._level(self._blocks, "tr", active_invs, active_reach, deadlock, skip=skip)

    def _level(self, blocks, count: str, active_invs, active_reach, deadlock: bool, helper_src: str = "",
               skip: bool = False):
        """The level function around the actions' ``blocks``; ``count`` is the
        expression that counts the transitions so far (a state whose
        expansion leaves it unchanged, errors included, is a deadlock)."""
        body = self._checks(active_invs, active_reach, skip)
        if deadlock:
            body.append((0, f"m0 = {count} + ne"))
        for bl in blocks:
            body += bl
        if deadlock:
            body += [(0, f"if {count} + ne == m0:")] + indent(self._dead_lines(), 1)
        if not body:
            body.append((0, "pass"))
        lines = ([(0, "def level(L, seen, app, err, viol, dead):"), (1, "tr = 0"), (1, "ne = 0"),
                 (1, "for s in L:"), (2, "if _halt[0]: _halted(_halt[0])")]
                 + indent(body, 2) + [(1, f"return {count}")])
        if skip:
            lines[3:3] = [(1, "sk_ = 0")]
            lines[-1:-1] = [(1, "_skipped[0] += sk_")]
        return self._exec(lines, "level", helper_src)

    def collect_level_function(self, active_invs, active_reach, deadlock: bool):
        """The compact store's level function: the same signature as
        ``level_function``, but every successor is appended with ``app`` (no
        membership test; the driver de-duplicates a whole chunk at once with
        numpy) and ``seen`` is the list ``app`` appends to: its length counts
        the transitions (returned) and detects a state without successors.
        Its blocks are generated on first use."""
        if self._collect is None:
            helpers: list = []
            blocks = [self._action_search(ai, a, Mode("collect"), helpers)
                      for ai, a in enumerate(self.spec.actions)]
            self._collect = (blocks, render(helpers))
        blocks, helper_src = self._collect
        return self._level(blocks, "len(seen)", active_invs, active_reach, deadlock, helper_src)

    def action_collect_function(self, ai: int):
        """A collect-mode level function of action ``ai`` alone, without
        property checks or the deadlock test (the vector back end's fallback
        for an action it cannot run as array code)."""
        if self._collect is None:
            self.collect_level_function([], [], False)
        blocks, helper_src = self._collect
        return self._level([blocks[ai]], "len(seen)", [], [], False, helper_src)

    def check_function(self, active_invs, active_reach):
        """def check(L, viol): invariants and goals only"""
        body = self._checks(active_invs, active_reach)
        body.append((0, "pass"))
        lines = [(0, "def check(L, viol):"), (1, "for s in L:")] + indent(body, 2)
        return self._exec(lines, "check")

    def _dead_lines(self):
        """dead(s) unless the state is terminal (every process finished)."""
        term = getattr(self.spec, "terminal", None)
        if term is None:
            return [(0, "dead(s)")]
        r = compile_expr(self.ctx, term, Where({}, "s", self._cache))
        if r.isconst:
            return [(0, "pass" if r.const else "dead(s)")]
        return ([(0, "try:")] + indent(r.pre, 1) + [(1, f"if not {r.code}:"), (2, "dead(s)"),
                (0, "except StepError:"), (1, "dead(s)")])

    def predicate(self, expr: ir.Expr):
        """def pK(s) -> bool for a state predicate; an evaluation error counts as false"""
        r = compile_expr(self.ctx, expr, Where({}, "s", {}))
        name = self.ctx.fresh("p")
        lines = [(0, f"def {name}(s):"), (1, "try:")] + indent(r.pre, 2)
        lines += [(2, f"return True if {r.code} else False"), (1, "except StepError:"),
                  (2, "return False")]
        return self._exec(lines, name)

    def _exec(self, lines, name: str, helper_src: str = ""):
        src = "".join(self.ctx.defs) + helper_src + render(lines)
        self.last_source = src
        exec(compile(src, f"<explicit:{self.spec.name}:{name}>", "exec"), self.ns)
        return self.ns[name]

    def initial_choices(self) -> list[list]:
        return self.ns["init_values"]()

    def initial_states(self):
        """Yield (values, error) for each combination of initial values, in
        product order; error is (var index, value) when a value is outside its
        type, or the StepError of an erroneous branch of ``init { ... }``."""
        from .layout import runtime_fits
        choices = self.initial_choices()
        fits = [runtime_fits(v.type) for v in self.spec.vars]
        initial = self._initial_filter()
        for combo in product(*choices):
            bad = None
            for i, (f, x) in enumerate(zip(fits, combo)):
                if f is not None and not f(x):
                    bad = (i, x)
                    break
            starts, errs = [list(combo)], []
            if bad is None and self.init_fn is not None:
                starts, errs = self._run_init_block(list(combo))
            for values in starts:
                if bad is None and initial is not None and not initial(values):
                    continue
                yield values, bad
            for e in errs:   # an erroneous branch of the init block: typeok fails initially
                yield list(combo), e

    def _run_init_block(self, values: list) -> tuple[list[list], list]:
        """The outcomes of ``init { ... }`` from one combination of declared
        values (in the block's branch order), and the StepErrors of its
        erroneous branches."""
        out: list = []
        errs: list = []
        self.init_fn(self.layout.pack(values), out, errs, ())
        return [self.layout.unpack(s) for s in out], errs

    def _initial_filter(self):
        """``init: e`` (ir.Spec.initial): evaluated by the reference evaluator
        on each combination of initial values (once per combination, before
        the search; an error counts as false)."""
        if self.spec.initial is None:
            return None
        from ..evaluate import EvalError, evaluate
        consts = self.spec.const_values()

        def holds(values: list) -> bool:
            try:
                state = self.layout.canonical(self.layout.pack(values))
                return evaluate(self.spec.initial, state, {}, consts) is True
            except EvalError:
                return False
        return holds
