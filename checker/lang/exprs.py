"""Typing of expressions: AST expression -> typed IR expression.

Each node kind has a generator that *yields* the sub-expressions it needs
typed and receives their IR back; :func:`Typer.typed` drives those generators
from an explicit stack (a trampoline), so a 10,000-deep ``a + a + ... + a``
types without touching Python's recursion limit.

Errors are reported into the diagnostics collector and the node becomes
``None``; every consumer of a ``None`` stays silent, so one mistake gives one
message, not a cascade.
"""
from __future__ import annotations

from typing import Generator

from .. import ir
from . import ast as A
from .diagnostics import Diagnostics, did_you_mean
from . import records_ast as R
from .bitwise import BITWISE, type_bitwise
from .calls import type_call  # the function table lives in its own module
from .comprehensions import ComprehensionTyping, seq_contains
from .defs import DefTyping
from .records import RecordTyping
from .seqfuns import SEQ_FUNCTIONS, type_seq_function
# the shared pieces, re-exported: resolve, statements, constraints, sugar and
# modules import them from here
from .packed_types import value_type
from .typerules import (FUNCTIONS, MAX_DOMAIN, Env, Scope, compatible, describe, division_by_zero,  # noqa: F401
                        finite_scalar_problem, fold, int_hull, lit_type)
from .records_sets import SetValueTyping, set_view

Gen = Generator[tuple, "ir.Expr | None", "ir.Expr | None"]


class Typer(RecordTyping, DefTyping, ComprehensionTyping, SetValueTyping):
    def __init__(self, env: Env, diags: Diagnostics):
        self.env = env
        self.d = diags

    # ------------------------------------------------------------ driver
    def typed(self, e: A.Expr, scope: Scope, expected: ir.Type | None = None) -> ir.Expr | None:
        stack: list[Gen] = [self._visit(e, scope, expected)]
        result: ir.Expr | None = None
        while stack:
            try:
                request = stack[-1].send(result)
            except StopIteration as stop:
                stack.pop()
                result = self.unpacked(stop.value)  # a set used as a value, as a set (records_sets.py)
                continue
            stack.append(self._visit(*request))
            result = None
        return result

    def _visit(self, e: A.Expr, scope: Scope, expected: ir.Type | None) -> Gen:
        method = getattr(self, "_" + type(e).__name__)
        return method(e, scope, set_view(expected))

    def expect(self, e: A.Expr, scope: Scope, want: type, what: str) -> ir.Expr | None:
        """Type ``e`` and require its type to be of class ``want`` (e.g. ir.BoolT)."""
        x = self.typed(e, scope, ir.BOOL if want is ir.BoolT else None)
        if x is not None and not isinstance(x.type, want):
            self.d.error(e.span, f"{what} must be {_WANT[want]}, but this is {describe(x.type)}")
            return None
        return x

    # ------------------------------------------------------------ domains
    def domain(self, e: A.Expr, scope: Scope) -> tuple[ir.Type, ir.Expr | None] | None:
        """A quantifier/for/map/init domain: a type name, ``lo..hi``, or a set.

        Returns (finite scalar type, set expression or None)."""
        if isinstance(e, A.Name) and e.id == "bool":  # only the grammar's `bool` domain makes this name
            return ir.BOOL, None
        named = isinstance(e, A.Name) and e.id not in scope.locals and (e.id in self.env.types
                                                                         or e.id in self.env.enums)
        if named or isinstance(e, A.RangeSet):
            t = (self.env.types.get(e.id) or self.env.enums.get(e.id)) if named \
                else self.range_type(e.lo, e.hi, e.span)
            if named and isinstance(t, ir.SetT):  # `type Group = set<Node>`: every set of nodes (records_sets.py)
                t = value_type(self.d, t, e.span)
            if t is None:
                return None
            problem = finite_scalar_problem(t)
            if problem:
                self.d.error(e.span, problem)
                return None
            return t, None
        x = self.typed(e, scope)
        if x is None:
            return None
        if not isinstance(x.type, ir.SetT):
            self.d.error(e.span, f"expected a type, a range lo..hi or a set here, but this is {describe(x.type)}")
            return None
        return x.type.elem, x

    def range_type(self, lo: A.Expr, hi: A.Expr, span) -> ir.IntT | None:
        cscope = Scope(allow_vars=False, what="a range bound")
        a = self.typed(lo, cscope)
        b = self.typed(hi, cscope)
        if a is None or b is None:
            return None
        for x, src in ((a, lo), (b, hi)):
            if not isinstance(x.type, ir.IntT):
                self.d.error(src.span, f"a range bound must be an integer, but this is {describe(x.type)}")
                return None
        a, b = fold(a), fold(b)
        for x in (a, b):
            zero = division_by_zero(x)
            if zero is not None:
                self.d.error(zero.span or span, "division by zero in a constant expression")
                return None
        if isinstance(a, ir.Lit) and isinstance(b, ir.Lit) and a.value > b.value:
            self.d.error(span, f"empty range {a.value}..{b.value}: the lower bound is above the upper bound")
            return None
        return ir.IntT(a, b)

    # ------------------------------------------------------------ leaves
    def _IntLit(self, e: A.IntLit, scope, expected) -> Gen:
        return ir.Lit(e.value, ir.INT, span=e.span)
        yield  # pragma: no cover  (makes this a generator)

    def _BoolLit(self, e: A.BoolLit, scope, expected) -> Gen:
        return ir.Lit(e.value, ir.BOOL, span=e.span)
        yield  # pragma: no cover

    def _Name(self, e: A.Name, scope: Scope, expected) -> Gen:
        return self.name(e, scope)
        yield  # pragma: no cover

    def name(self, e: A.Name, scope: Scope) -> ir.Expr | None:
        env, n = self.env, e.id
        if n in env.poisoned and n not in scope.locals:
            return None
        if n in scope.locals:
            t = scope.locals[n]
            return None if t is None else ir.Local(n, t, span=e.span)
        if scope.process is not None and n in scope.process.locals:
            return self.process_local(scope.process, n, e.span)
        if n in env.defs:  # a parameterless def (checker/lang/defs.py)
            return self.def_use(n, [], scope, e.span)
        if n in env.vars:
            if not scope.allow_vars:
                self.d.error(e.span, f"{scope.what or 'this'} cannot read the state variable `{n}`")
                return None
            t = env.vars[n]
            return None if t is None else ir.Var(n, t, span=e.span)
        if n in env.consts:
            c = env.consts[n]
            if c.value is not None:
                return ir.Lit(c.value, ir.INT, span=e.span)
            return ir.Const(n, c.type, span=e.span)
        if n in env.members:
            if env.members[n] is None:
                owners = [t.name for t in env.enums.values() if n in t.members]
                self.d.error(e.span, f"`{n}` is a member of several enums ({', '.join(owners)}): "
                                     f"write {' or '.join(o + '.' + n for o in owners)}")
                return None
            return ir.Lit(n.rpartition("::")[2], env.members[n], span=e.span)   # Enum::member: qualified
        if n in env.types or n in env.enums:
            self.d.error(e.span, f"`{n}` is a type, not a value")
            return None
        if n in env.processes:
            self.d.error(e.span, f"`{n}` is a process; its variables are read as `{n}[i].x`, its step as `{n}[i].pc`")
            return None
        if n in env.other:
            self.d.error(e.span, f"`{n}` is an action or invariant, not a value")
            return None
        known = list(scope.locals) + list(env.consts) + [m for m in env.members if "::" not in m]
        if scope.allow_vars:
            known += list(env.vars)
        self.d.error(e.span, f"unknown name `{n}`", did_you_mean(n, known))
        return None

    def process_local(self, info, name: str, span, key: ir.Expr | None = None) -> ir.Expr:
        """Read process ``info``'s local ``name`` ("pc" included) for instance ``key``
        (the running instance when key is None)."""
        var_name, t = (info.pc_var, info.pc_type) if name == "pc" else info.locals[name]
        var = ir.Var(var_name, info.state_type(t), span=span)
        if info.param is None:
            return var
        if key is None:
            key = ir.Local(info.param.name, info.param.type)
        return ir.Index(var, key, t, span=span)

    def _Field(self, e: A.Field, scope: Scope, expected) -> Gen:
        base = e.base
        pname = base.id if isinstance(base, A.Name) else (
            base.base.id if isinstance(base, A.Index) and isinstance(base.base, A.Name) else None)
        info = self.env.processes.get(pname) if pname else None
        if info is None and not (isinstance(base, A.Name) and base.id in self.env.processes):
            rec = yield (base, scope, None)  # records: `m.kind` (checker/lang/records.py)
            return None if rec is None else self.record_field(rec, e.name, e)
        if info is None:
            self.d.error(e.span, "`.name` reads a process's variable: write `proc[i].x`, or `proc.x` for a "
                                 "process with no parameter")
            return None
        if e.name != "pc" and e.name not in info.locals:
            self.d.error(e.span, f"process `{pname}` has no variable `{e.name}`",
                         did_you_mean(e.name, ["pc", *info.locals]))
            return None
        if info.param is None:
            if isinstance(base, A.Index):
                self.d.error(e.span, f"process `{pname}` has one instance: write `{pname}.{e.name}`")
                return None
            return self.process_local(info, e.name, e.span)
        if not isinstance(base, A.Index):
            self.d.error(e.span, f"process `{pname}` has an instance per {info.param.type}: "
                                 f"write `{pname}[i].{e.name}`")
            return None
        key = yield (base.key, scope, info.param.type)
        if key is None:
            return None
        if not compatible(key.type, info.param.type):
            self.d.error(base.key.span, f"the instances of `{pname}` are {info.param.type}, "
                                        f"but this is {describe(key.type)}")
            return None
        return self.process_local(info, e.name, e.span, key)

    def _RangeSet(self, e: A.RangeSet, scope, expected) -> Gen:
        # lo..hi used as a value: the set of those integers
        t = self.range_type(e.lo, e.hi, e.span)
        if t is None:
            return None
        problem = finite_scalar_problem(t)
        if problem:
            self.d.error(e.span, problem)
            return None
        elems = tuple(ir.Lit(v, ir.INT) for v in ir.domain_values(t))
        return ir.SetLit(elems, ir.SetT(t), span=e.span)
        yield  # pragma: no cover

    # ------------------------------------------------------------ operators
    def _Unary(self, e: A.Unary, scope, expected) -> Gen:
        arg = yield (e.arg, scope, ir.BOOL if e.op == "not" else None)
        if arg is None:
            return None
        if e.op == "not":
            if not isinstance(arg.type, ir.BoolT):
                self.d.error(e.arg.span, f"`not` needs a bool, but this is {describe(arg.type)}")
                return None
            return ir.Unary("not", arg, ir.BOOL, span=e.span)
        if not isinstance(arg.type, ir.IntT) or isinstance(arg.type, ir.RecordT):
            self.d.error(e.arg.span, f"`-` needs an integer, but this is {describe(arg.type)}")
            return None
        return ir.Unary("neg", arg, ir.INT, span=e.span)

    def _Binary(self, e: A.Binary, scope: Scope, expected) -> Gen:
        op = e.op
        if op in ("in", "not_in"):
            return (yield from self._membership(e, scope))
        # A set/sequence literal takes its type from the other side: type that first.
        left_first = not _needs_context(e.left) or _needs_context(e.right)
        hint = ir.BOOL if op in ir.LOGIC_OPS else None
        if _needs_context(e.left) and _needs_context(e.right):
            # two literals ({1} == {3}): each is typed over the range covering both
            left = yield (e.left, scope, None)
            right = yield (e.right, scope, None)
            joint = _joint_literal_type(left, right)
            if joint is not None:
                left = yield (e.left, scope, joint)
                right = yield (e.right, scope, joint)
        elif left_first:
            left = yield (e.left, scope, hint)
            right = yield (e.right, scope, left.type if left is not None and op not in ir.ARITH_OPS else hint)
        else:
            right = yield (e.right, scope, hint)
            left = yield (e.left, scope, right.type if right is not None else hint)
        if left is None or right is None:
            return None
        sym = _SYMBOL.get(op, op)
        if op in ir.ARITH_OPS or op in ("lt", "le", "gt", "ge"):
            for x, src in ((left, e.left), (right, e.right)):
                if not isinstance(x.type, ir.IntT) or isinstance(x.type, ir.RecordT):
                    self.d.error(src.span, f"`{sym}` needs integers, but this is {describe(x.type)}")
                    return None
            return ir.Binary(op, left, right, ir.INT if op in ir.ARITH_OPS else ir.BOOL, span=e.span)
        if op in ir.LOGIC_OPS:
            for x, src in ((left, e.left), (right, e.right)):
                if not isinstance(x.type, ir.BoolT):
                    self.d.error(src.span, f"`{sym}` needs bools, but this is {describe(x.type)}")
                    return None
            return ir.Binary(op, left, right, ir.BOOL, span=e.span)
        if op in ("eq", "ne"):
            if not compatible(left.type, right.type):
                self.d.error(e.span, f"cannot compare {describe(left.type)} with {describe(right.type)}")
                return None
            return ir.Binary(op, left, right, ir.BOOL, span=e.span)
        # set operators
        for x, src in ((left, e.left), (right, e.right)):
            if not isinstance(x.type, ir.SetT):
                self.d.error(src.span, f"`{sym}` needs sets, but this is {describe(x.type)}")
                return None
        if not compatible(left.type, right.type):
            self.d.error(e.span, f"`{sym}` of sets of different types: {left.type} and {right.type}")
            return None
        if op == "subset":
            return ir.Binary(op, left, right, ir.BOOL, span=e.span)
        t = left.type if _elem_finite(left.type) else right.type
        return ir.Binary(op, left, right, t, span=e.span)

    def _membership(self, e: A.Binary, scope: Scope) -> Gen:
        typed_right = None
        if isinstance(e.left, (R.RecordLit, R.TupleLit)) and not isinstance(e.right, A.RangeSet):
            # `(a, 1) in q`: the literal takes its type from the collection
            typed_right = yield (e.right, scope, None)
            ct = typed_right.type if typed_right is not None else None
            elem = yield (e.left, scope, ct.elem if isinstance(ct, (ir.SetT, ir.SeqT)) else None)
        elif isinstance(e.left, A.SetLit):
            # `{1, 2} in S`: the set literal takes its type from S's elements
            typed_right = yield (e.right, scope, None)
            ct = typed_right.type if typed_right is not None else None
            elem = yield (e.left, scope, ct.elem if isinstance(ct, ir.SetT) else None)
        else:
            elem = yield (e.left, scope, None)
        if isinstance(e.right, A.RangeSet):
            rt = self.range_type(e.right.lo, e.right.hi, e.right.span)
            if elem is None or rt is None:
                return None
            if not isinstance(elem.type, ir.IntT):
                self.d.error(e.left.span, f"`in lo..hi` needs an integer, but this is {describe(elem.type)}")
                return None
            test = ir.Binary("and", ir.Binary("le", rt.lo, elem, ir.BOOL), ir.Binary("le", elem, rt.hi, ir.BOOL),
                             ir.BOOL, span=e.span)
        else:
            right = typed_right or (yield (e.right, scope, ir.SetT(elem.type) if elem is not None else None))
            if elem is None or right is None:
                return None
            if isinstance(right.type, ir.SeqT):  # `x in q` for a sequence (checker/lang/comprehensions.py)
                test = seq_contains(self, elem, right, e)
                if test is None:
                    return None
                return ir.Unary("not", test, ir.BOOL, span=e.span) if e.op == "not_in" else test
            if not isinstance(right.type, ir.SetT):
                self.d.error(e.right.span, f"`in` needs a set on its right, but this is {describe(right.type)}")
                return None
            elem = self.coerce(elem, right.type.elem)
            if not compatible(elem.type, right.type.elem):
                self.d.error(e.span, f"{describe(elem.type)} can never be in a {right.type}")
                return None
            test = ir.Binary("in", elem, right, ir.BOOL, span=e.span)
        return ir.Unary("not", test, ir.BOOL, span=e.span) if e.op == "not_in" else test

    def _Ite(self, e: A.Ite, scope, expected) -> Gen:
        cond = yield (e.cond, scope, ir.BOOL)
        then = yield (e.then, scope, expected)
        else_ = yield (e.else_, scope, then.type if then is not None else expected)
        if cond is None or then is None or else_ is None:
            return None
        if not isinstance(cond.type, ir.BoolT):
            self.d.error(e.cond.span, f"the condition must be a bool, but this is {describe(cond.type)}")
            return None
        if not compatible(then.type, else_.type):
            self.d.error(e.span, f"the branches have different types: {then.type} and {else_.type}")
            return None
        t = ir.INT if isinstance(then.type, ir.IntT) and not isinstance(then.type, ir.RecordT) else then.type
        if isinstance(then.type, ir.IntT) and then.type.symmetric \
                and getattr(else_.type, "symmetric", "") == then.type.symmetric:
            t = then.type  # both branches are values of one symmetric type: so is the result
        return ir.Ite(cond, then, else_, t, span=e.span)

    def _Quant(self, e: A.Quant, scope: Scope, expected) -> Gen:
        dom = self.domain(e.domain, scope)
        if dom is None:
            return None
        t, set_expr = dom
        problem = finite_scalar_problem(t)
        if problem:
            self.d.error(e.domain.span, problem)
            return None
        body = yield (e.body, scope.with_local(e.var, t), ir.BOOL)
        if body is None:
            return None
        if not isinstance(body.type, ir.BoolT):
            self.d.error(e.body.span, f"the body of `{e.kind}` must be a bool, but this is {describe(body.type)}")
            return None
        if set_expr is not None:
            member = ir.Binary("in", ir.Local(e.var, t), set_expr, ir.BOOL)
            body = ir.Binary("implies" if e.kind == "forall" else "and", member, body, ir.BOOL)
        return ir.Quant(e.kind, e.var, t, body, span=e.span)

    # ------------------------------------------------------------ collections
    def _literal_elems(self, e, scope, want, shown: str, what: str) -> Gen:
        """Type a literal's elements -> (elements, element type) or None.

        With no expected element type, the first element's type is used; for
        integers, the range covering the elements (None if unbounded)."""
        elems = []
        for x in e.elems:
            elems.append((yield (x, scope, want)))
        if any(x is None for x in elems):
            return None
        if want is None:
            if not elems:
                self.d.error(e.span, f"cannot tell the element type of `{shown}` here",
                             f"compare it with, or assign it to, a typed {what}")
                return None
            want = elems[0].type
            if isinstance(want, ir.IntT) and want.symmetric and all(
                    getattr(x.type, "symmetric", "") == want.symmetric for x in elems):
                pass  # `{c, d}` of one symmetric type: a set of that type
            elif isinstance(want, ir.IntT) and not isinstance(want, ir.RecordT):
                want = int_hull(lit_type(x) for x in elems) or (ir.INT if what == "sequence" else None)
        return elems, want

    def _SetLit(self, e: A.SetLit, scope, expected) -> Gen:
        typed = yield from self._literal_elems(e, scope, expected.elem if isinstance(expected, ir.SetT) else None,
                                               "{}", "set")
        if typed is None:
            return None
        elems, want = typed
        if isinstance(want, ir.SetT):  # a set of sets with no context: its elements packed (records_sets.py)
            want = self.literal_value_type(want, elems, e)
            if want is None:
                return None
        if isinstance(want, (ir.PackedSetT, ir.PackedSeqT)):
            elems = [self.coerce(x, want) for x in elems]
        if want is None:
            self.d.error(e.span, "the elements of this set have no finite range",
                         "compare it with, or assign it to, a set of a declared type")
            return None
        for x, src in zip(elems, e.elems):
            if not compatible(x.type, want):
                self.d.error(src.span, f"a set of {want} cannot hold {describe(x.type)}")
                return None
        problem = finite_scalar_problem(want)
        if problem:
            self.d.error(e.span, problem)
            return None
        t = ir.SetT(want)
        # Literal elements are checked here; other elements go through set_add,
        # whose out-of-domain check every engine implements (see ir.py).
        lits = []
        result: ir.Expr | None = None
        for x, src in zip(elems, e.elems):
            if isinstance(x, ir.Lit):
                if not ir.contains(want, x.value):
                    self.d.error(src.span, f"{ir.show_value(x.value)} is not a value of {want}")
                    return None
                lits.append(x)
        result = ir.SetLit(tuple(lits), t, span=e.span)
        for x in elems:
            if not isinstance(x, ir.Lit):
                result = ir.Call("set_add", (result, x), t, span=e.span)
        return result

    def _SeqLit(self, e: A.SeqLit, scope, expected) -> Gen:
        typed = yield from self._literal_elems(e, scope, expected.elem if isinstance(expected, ir.SeqT) else None,
                                               "[]", "sequence")
        if typed is None:
            return None
        elems, want = typed
        for x, src in zip(elems, e.elems):
            if not compatible(x.type, want):
                self.d.error(src.span, f"a sequence of {want} cannot hold {describe(x.type)}")
                return None
        cap = max(expected.cap, len(elems)) if isinstance(expected, ir.SeqT) else len(elems)
        return ir.SeqLit(tuple(elems), ir.SeqT(want, cap), span=e.span)

    def _MapBuild(self, e: A.MapBuild, scope: Scope, expected) -> Gen:
        dom = self.domain(e.domain, scope)
        if dom is None:
            return None
        key, set_expr = dom
        if set_expr is not None:
            self.d.error(e.domain.span, "a map's keys are a type or a range, not a set expression")
            return None
        want = expected.value if isinstance(expected, ir.MapT) else None
        body = yield (e.body, scope.with_local(e.var, key), want)
        if body is None:
            return None
        value_t = want if want is not None and compatible(body.type, want) else body.type
        if want is not None and not compatible(body.type, want):
            self.d.error(e.body.span, f"a map to {want} cannot hold {describe(body.type)}")
            return None
        return ir.MapBuild(e.var, body, ir.MapT(key, value_t), span=e.span)

    def _Index(self, e: A.Index, scope: Scope, expected) -> Gen:
        base = yield (e.base, scope, None)
        if base is None:
            return None
        if isinstance(base.type, ir.MapT):
            key = yield (e.key, scope, base.type.key)
            if key is None:
                return None
            key = self.coerce(key, base.type.key)
            if not compatible(key.type, base.type.key):
                self.d.error(e.key.span, f"this map's keys are {base.type.key}, but this is {describe(key.type)}")
                return None
            return ir.Index(base, key, base.type.value, span=e.span)
        if isinstance(base.type, ir.SeqT):
            key = yield (e.key, scope, None)
            if key is None:
                return None
            if not isinstance(key.type, ir.IntT):
                self.d.error(e.key.span, f"a sequence index must be an integer, but this is {describe(key.type)}")
                return None
            return ir.Index(base, key, base.type.elem, span=e.span)
        self.d.error(e.base.span, f"only maps and sequences can be indexed, but this is {describe(base.type)}")
        return None

    def _Call(self, e: A.Call, scope: Scope, expected) -> Gen:
        if e.fn in self.env.defs and e.fn not in scope.locals:  # a def (checker/lang/defs.py)
            args = []
            for a in e.args:
                args.append((yield (a, scope, None)))
            return None if any(a is None for a in args) else self.def_use(e.fn, args, scope, e.span)
        if e.fn in SEQ_FUNCTIONS:  # remove_at/slice (checker/lang/seqfuns.py)
            return (yield from type_seq_function(self, e, scope))
        if e.fn in BITWISE:  # band/bor/bxor/shl/shr (checker/lang/bitwise.py)
            return (yield from type_bitwise(self, e, scope))
        return (yield from type_call(self, e, scope, expected))


_WANT = {ir.BoolT: "a bool", ir.IntT: "an integer", ir.SetT: "a set", ir.SeqT: "a sequence", ir.MapT: "a map"}
_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "eq": "==", "ne": "!=", "lt": "<",
           "le": "<=", "gt": ">", "ge": ">=", "implies": "=>", "diff": "minus"}


def _needs_context(e: A.Expr) -> bool:
    return isinstance(e, (A.SetLit, A.SeqLit, R.RecordLit, R.TupleLit))


def _joint_literal_type(a: ir.Expr | None, b: ir.Expr | None) -> ir.Type | None:
    """The set type whose integer range covers both literals' element ranges (None: not needed)."""
    if a is None or b is None or not (isinstance(a.type, ir.SetT) and isinstance(b.type, ir.SetT)):
        return None
    hull = int_hull([a.type.elem, b.type.elem])
    return ir.SetT(hull) if hull is not None and (a.type.elem != hull or b.type.elem != hull) else None


def _elem_finite(t: ir.Type) -> bool:
    return isinstance(t, ir.SetT) and not finite_scalar_problem(t.elem)
