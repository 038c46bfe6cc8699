"""Typing of action bodies: AST statements -> IR statements.

Nested updates (`m[k][j] = v`, `m[k].add(x)`) become one whole-variable
assignment built from `update`/`set_add`/... so engines only ever see
`Assign(var, value)`.  `for` loops are unrolled here into `let` + body copies.
"""
from __future__ import annotations

from .records_ast import LetTuple
from .records import let_tuple
from .. import ir
from . import ast as A
from .diagnostics import did_you_mean
from .exprs import Scope, compatible, describe, finite_scalar_problem
from .processes import pc_assign

MAX_UNROLLED = 100_000  # statements a `for` loop may unroll into (nested loops multiply)


def _size(stmts) -> int:
    """How many statements a block holds, nested ones included (iterative)."""
    return sum(1 for _ in ir.walk_stmts(stmts))


MAX_PATHS = 100_000  # ways through an unrolled `for` loop (each iteration picks an `either` branch)


def _paths(stmts, cap: int) -> int:
    """How many ways one execution can take through a block: a sequence
    multiplies, an `either` adds its branches, an `if` takes the larger of its
    two sides (saturating at cap; iterative post-order)."""
    work: list = [("blk", tuple(stmts), False)]
    vals: list[int] = []
    while work:
        kind, x, done = work.pop()
        if kind == "blk" or isinstance(x, ir.Either):
            parts = x if kind == "blk" else tuple(tuple(b) for b in x.branches)
            if not done:
                work.append((kind, x, True))
                work += [("st", c, False) if kind == "blk" else ("blk", c, False) for c in parts]
                continue
            n = len(parts)
            got = vals[len(vals) - n:]
            del vals[len(vals) - n:]
            if kind == "blk":
                p = 1
                for g in got:
                    p = min(cap, p * g)
            else:
                p = min(cap, sum(got))
            vals.append(p)
        elif isinstance(x, ir.If):
            if not done:
                work += [("st", x, True), ("blk", tuple(x.then), False), ("blk", tuple(x.else_), False)]
                continue
            a, b = vals.pop(), vals.pop()
            vals.append(max(a, b))
        else:
            vals.append(1)
    return vals[0]


_METHODS = {
    ir.SetT: {"add": ("set_add", 1), "remove": ("set_remove", 1)},
    ir.SeqT: {"push": ("push", 1), "pop": ("tail", 0)},
}


class StatementResolver:
    def __init__(self, resolver):
        self.r = resolver
        self.d = resolver.d
        self.t = resolver.t
        self.env = resolver.env

    def block(self, stmts: tuple[A.Stmt, ...], scope: Scope) -> tuple[ir.Stmt, ...] | None:
        out: list[ir.Stmt] = []
        ok = True
        scope = Scope(dict(scope.locals), scope.allow_vars, scope.what, scope.process)  # lets stay in the block
        for s in stmts:
            r = self.stmt(s, scope)
            if r is None:
                ok = False
            else:
                out.extend(r)
        return tuple(out) if ok else None

    def stmt(self, s: A.Stmt, scope: Scope) -> list[ir.Stmt] | None:
        if isinstance(s, LetTuple):  # let (a, b) = t: checker/lang/records.py
            return let_tuple(self, s, scope)
        if isinstance(s, A.Require):
            c = self.t.expect(s.cond, scope, ir.BoolT, "`require`")
            return None if c is None else [ir.Require(c, span=s.span)]
        if isinstance(s, A.Let):
            if s.name in scope.locals or s.name in self.env.vars or s.name in self.env.consts \
                    or s.name in self.env.members:
                self.d.error(s.span, f"`{s.name}` is already defined; a `let` needs a new name")
                return None
            v = self.t.typed(s.value, scope)
            if v is None:
                scope.locals[s.name] = None  # known but in error: later uses stay silent
                return None
            scope.locals[s.name] = v.type
            return [ir.Let(s.name, v, span=s.span)]
        if isinstance(s, A.Assign):
            return self._update(s.target, scope, s.span, lambda t: self._value(s.value, scope, t))
        if isinstance(s, A.Method):
            return self._update(s.target, scope, s.span, lambda t: self._method(s, scope, t), method=s.method)
        if isinstance(s, A.If):
            c = self.t.expect(s.cond, scope, ir.BoolT, "an `if` condition")
            then = self.block(s.then, scope)
            else_ = self.block(s.else_, scope)
            if c is None or then is None or else_ is None:
                return None
            return [ir.If(c, then, else_, span=s.span)]
        if isinstance(s, A.Either):
            branches = [self.block(b, scope) for b in s.branches]
            if any(b is None for b in branches):
                return None
            return [ir.Either(tuple(branches), span=s.span)]
        if isinstance(s, A.For):
            return self._for(s, scope)
        if isinstance(s, (A.Await, A.Goto)):
            word = "await" if isinstance(s, A.Await) else "goto"
            if scope.process is None:
                alt = "; in an action, use `require`" if word == "await" else ""
                self.d.error(s.span, f"`{word}` is only for the steps of a process{alt}")
                return None
            if isinstance(s, A.Await):
                c = self.t.expect(s.cond, scope, ir.BoolT, "`await`")
                return None if c is None else [ir.Require(c, span=s.span)]
            if s.label not in scope.process.labels:
                self.d.error(s.span, f"process `{scope.process.name}` has no step `{s.label}`",
                             did_you_mean(s.label, scope.process.labels))
                return None
            return [pc_assign(scope.process, s.label, span=s.span)]
        raise AssertionError(s)

    # ------------------------------------------------------------ assignments
    def _value(self, e: A.Expr, scope: Scope, target_t: ir.Type) -> ir.Expr | None:
        v = self.t.typed(e, scope, target_t)
        if v is not None and not compatible(v.type, target_t):
            self.d.error(e.span, f"cannot assign {describe(v.type)} to {describe(target_t)}")
            return None
        return v

    def _method(self, s: A.Method, scope: Scope, t: ir.Type) -> ir.Expr | None:
        table = _METHODS.get(type(t), {})
        if s.method not in table:
            names = ", ".join(f"`.{m}`" for m in table) or "none"
            self.d.error(s.span, f"{describe(t)} has no method `.{s.method}` (its methods: {names})")
            return None
        fn, arity = table[s.method]
        if len(s.args) != arity:
            self.d.error(s.span, f"`.{s.method}` takes {arity} argument{'s' if arity != 1 else ''}, not {len(s.args)}")
            return None
        args = []
        for a in s.args:
            x = self.t.typed(a, scope, t.elem)
            if x is None:
                return None
            if not compatible(x.type, t.elem):
                self.d.error(a.span, f"{describe(t)} cannot hold {describe(x.type)}")
                return None
            args.append(x)
        return ("placeholder", fn, tuple(args))  # the base is filled in by _update

    def _update(self, target: A.LValue, scope: Scope, span, make, method: str | None = None):
        name = target.name
        info = scope.process
        if info is not None and name in info.locals and name not in scope.locals:
            # a process local: the state variable proc.x, at this instance
            keys = (A.Name(info.param.name, span=target.span),) if info.param else ()
            target = A.LValue(info.locals[name][0], keys + target.indices, span=target.span)
            name = target.name
        if name in self.env.poisoned:
            return None
        if name not in self.env.vars:
            if name in scope.locals:
                what = "a parameter or `let` value"
            elif name in self.env.consts:
                what = "a constant"
            else:
                self.d.error(target.span, f"unknown variable `{name}`", did_you_mean(name, list(self.env.vars)))
                return None
            self.d.error(target.span, f"cannot assign to `{name}`: it is {what}, not a state variable")
            return None
        vt = self.env.vars[name]
        if vt is None:
            return None
        # Walk the index path: bases[i] is the expression for the i-th prefix.
        bases: list[ir.Expr] = [ir.Var(name, vt, span=target.span)]
        keys: list[ir.Expr] = []
        for k in target.indices:
            base = bases[-1]
            bt = base.type
            if isinstance(bt, ir.MapT):
                key = self.t.coerce(self.t.typed(k, scope, bt.key), bt.key)  # a set key: packed (records_sets.py)
                if key is None:
                    return None
                if not compatible(key.type, bt.key):
                    self.d.error(k.span, f"this map's keys are {bt.key}, but this is {describe(key.type)}")
                    return None
                elem_t = bt.value
            elif isinstance(bt, ir.SeqT):
                key = self.t.typed(k, scope)
                if key is None:
                    return None
                if not isinstance(key.type, ir.IntT):
                    self.d.error(k.span, f"a sequence index must be an integer, but this is {describe(key.type)}")
                    return None
                elem_t = bt.elem
            else:
                self.d.error(k.span, f"only maps and sequences can be indexed, but this is {describe(bt)}")
                return None
            keys.append(key)
            bases.append(ir.Index(base, key, elem_t, span=k.span))
        leaf_t = bases[-1].type
        value = make(leaf_t)
        if value is None:
            return None
        if isinstance(value, tuple):  # a method: apply it to the current leaf value
            _, fn, args = value
            value = ir.Call(fn, (bases[-1], *args), leaf_t, span=span)
        for base, key in zip(reversed(bases[:-1]), reversed(keys)):
            fn = "map_update" if isinstance(base.type, ir.MapT) else "seq_update"
            value = ir.Call(fn, (base, key, value), base.type, span=span)
        return [ir.Assign(name, value, span=span)]

    # ------------------------------------------------------------ loops
    def _for(self, s: A.For, scope: Scope) -> list[ir.Stmt] | None:
        dom = self.t.domain(s.domain, scope)
        if dom is None:
            return None
        t, set_expr = dom
        problem = finite_scalar_problem(t)
        if problem:
            self.d.error(s.domain.span, problem)
            return None
        from .symmetry import symmetric_names
        if symmetric_names(t):  # a symmetric type, or records holding its values
            name = next(iter(symmetric_names(t)))
            self.d.error(s.domain.span, f"`for` runs its body over the values of the symmetric type "
                                        f"`{name}` in order, so its effect may depend on that order",
                         f"write the update as a map `[x in {name} -> ...]`, or test with "
                         f"`forall`/`exists`")
            return None
        if s.var in scope.locals or s.var in self.env.vars or s.var in self.env.consts:
            self.d.error(s.span, f"`{s.var}` is already defined; a loop variable needs a new name")
            return None
        body = self.block(s.body, scope.with_local(s.var, t))
        if body is None:
            return None
        if set_expr is not None:  # for x in S: run the body for the members of S only
            member = ir.Binary("in", ir.Local(s.var, t), set_expr, ir.BOOL)
            body = (ir.If(member, body, (), span=s.span),)
        values = ir.domain_values(t)
        if len(values) * max(1, _size(body)) > MAX_UNROLLED:
            self.d.error(s.span, f"this `for` loop unrolls into about {len(values) * _size(body):,} statements; "
                                 f"at most {MAX_UNROLLED:,} are allowed", "loop over a smaller domain, or nest less")
            return None
        # an `either` in the body multiplies the executions of the action by
        # its branch count at every iteration (3 branches, 150 iterations:
        # 3**150 ways, each explored): refuse that instead of hanging
        per, total = _paths(body, MAX_PATHS + 1), 1
        for _ in values:
            total = min(MAX_PATHS + 1, total * per)
        if total > MAX_PATHS:
            self.d.error(s.span, f"this `for` loop has more than {MAX_PATHS:,} ways through it: each of its "
                                 f"{len(values):,} iterations picks one of {per:,} ways (`either` branches)",
                         "move the `either` out of the loop, or loop over a smaller domain")
            return None
        out: list[ir.Stmt] = []
        for v in values:
            out.append(ir.Let(s.var, ir.Lit(v, t), span=s.span))
            out.extend(body)
        return out
