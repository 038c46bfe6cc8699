"""Syntax tree -> IR: resolve names, check types, bind constants.

Declarations are processed in a fixed order (names, enums, constants, named
types, variables, actions, invariants); every error is collected, and the IR
is only returned when there are none.
"""
from __future__ import annotations

from .. import ir
from . import ast as A
from .diagnostics import Diagnostics, SpecError, did_you_mean
from .exprs import Env, Scope, Typer, compatible, describe, finite_scalar_problem, fold

RESERVED_PROPERTIES = ("typeok", "deadlock")


class ConstantOptionError(SpecError):
    """A ``--const`` value that names no constant or does not fit it."""

    def __init__(self, message: str):
        self.message = message
        Exception.__init__(self, message)
        self.diagnostics = []
        self.source = ""

    def render(self) -> str:
        return f"error: {self.message}"

    def __str__(self) -> str:
        return self.render()


def resolve(tree: A.SpecFile, file: str, source: str, consts: dict[str, int] | None = None) -> ir.Spec:
    return _Resolver(file, source, consts or {}).spec(tree)


class _Resolver:
    def __init__(self, file: str, source: str, overrides: dict[str, int]):
        self.file = file
        self.source = source
        self.overrides = dict(overrides)
        self.d = Diagnostics(file, source)
        self.env = Env()
        self.t = Typer(self.env, self.d)

    # ------------------------------------------------------------ top level
    def spec(self, tree: A.SpecFile) -> ir.Spec:
        decls = self._check_unique(tree.decls)  # a repeated name: only its first declaration counts
        self._check_overrides(decls)
        enums = [self._enum(x) for x in decls if isinstance(x, A.EnumDecl)]
        consts = []
        for x in decls:
            if isinstance(x, A.ConstDecl):
                c = self._const(x)
                if c is None:
                    self.env.poisoned.add(x.name)
                else:
                    consts.append(c)
        for x in decls:
            if isinstance(x, A.TypeDecl):
                self.env.types[x.name] = self.type(x.type)
        self.env.other.update(x.name for x in decls if isinstance(x, (A.ActionDecl, A.InvariantDecl)))
        var_decls = [x for x in decls if isinstance(x, A.VarDecl)]
        for x in var_decls:  # all variable types first: actions may name any variable
            self.env.vars[x.name] = self.type(x.type)
        variables = [v for v in (self._var(x) for x in var_decls) if v]
        actions = [a for a in (self._action(x) for x in decls if isinstance(x, A.ActionDecl)) if a]
        invariants = [i for i in (self._invariant(x) for x in decls if isinstance(x, A.InvariantDecl)) if i]
        if not var_decls:
            self.d.error(tree.span, f"spec `{tree.name}` declares no variables", "add `var NAME: TYPE = VALUE`")
        self.d.raise_if_any()
        return ir.Spec(tree.name, tuple(consts), tuple(enums), tuple(variables), tuple(actions), tuple(invariants),
                       doc=tree.doc, file=self.file, source=self.source)

    def _check_unique(self, decls) -> tuple:
        seen: dict[str, A.Decl] = {}
        keep = []
        for x in decls:
            if x.name not in seen:
                keep.append(x)
            names = [(x.name, x.span)]
            if isinstance(x, A.EnumDecl):
                names += list(zip(x.members, x.member_spans))
            for name, span in names:
                if name in seen:
                    first = seen[name].span
                    self.d.error(span, f"`{name}` is already declared (line {first.line})")
                else:
                    seen[name] = x
            if isinstance(x, A.InvariantDecl) and x.name in RESERVED_PROPERTIES:
                self.d.error(x.span, f"`{x.name}` is the name of a built-in check; choose another name")
        return tuple(keep)

    def _check_overrides(self, decls) -> None:
        names = [x.name for x in decls if isinstance(x, A.ConstDecl)]
        for name in self.overrides:
            if name not in names:
                hint = did_you_mean(name, names)
                known = ", ".join(names) if names else "none"
                raise ConstantOptionError(f"--const {name}: `{self.file}` has no constant `{name}`"
                                          f"{' (' + hint + ')' if hint else ''}; its constants: {known}")

    # ------------------------------------------------------------ declarations
    def _enum(self, x: A.EnumDecl) -> ir.EnumT:
        t = ir.EnumT(x.name, x.members)
        self.env.enums[x.name] = t
        for m in x.members:
            self.env.members.setdefault(m, t)
        return t

    def _const(self, x: A.ConstDecl) -> ir.ConstDecl | None:
        cscope = Scope(allow_vars=False, what="a constant")
        if isinstance(x.type, A.IntType):
            t = ir.INT
        elif isinstance(x.type, A.RangeType):
            t = self.t.range_type(x.type.lo, x.type.hi, x.type.span)
            if t is None:
                return None
        else:
            self.d.error(x.type.span, "a constant is an integer: declare it as `lo..hi` or `int where ...`")
            return None
        value: int | None = None
        if x.name in self.overrides:
            value = self.overrides[x.name]
        elif x.default is not None:
            e = self.t.typed(x.default, cscope)
            if e is None:
                return None
            e = fold(e)
            if not (isinstance(e, ir.Lit) and isinstance(e.type, ir.IntT)):
                self.d.error(x.default.span, "a constant's value must be an integer computed from other constants")
                return None
            value = e.value
        if value is not None and t.bounded and t.concrete:
            lo, hi = t.bounds()
            if not lo <= value <= hi:
                where = "--const" if x.name in self.overrides else "its default"
                msg = f"constant `{x.name}` = {value} ({where}) is outside its range {lo}..{hi}"
                if x.name in self.overrides:
                    raise ConstantOptionError(msg)
                self.d.error(x.default.span if x.default else x.span, msg)
                return None
        decl = ir.ConstDecl(x.name, t, value, None, doc=x.doc, span=x.span)
        self.env.consts[x.name] = decl  # visible to its own `where`
        where = None
        if x.where is not None:
            where = self.t.typed(x.where, cscope)
            if where is not None and not isinstance(where.type, ir.BoolT):
                self.d.error(x.where.span, f"`where` needs a bool, but this is {describe(where.type)}")
                where = None
            if where is not None and value is not None:
                ok = _eval_const_bool(where)
                if ok is False:
                    msg = f"constant `{x.name}` = {value} does not satisfy `where {_source(self.source, x.where.span)}`"
                    if x.name in self.overrides:
                        raise ConstantOptionError(msg)
                    self.d.error(x.where.span, msg)
        decl = ir.ConstDecl(x.name, t, value, where, doc=x.doc, span=x.span)
        self.env.consts[x.name] = decl
        return decl

    def type(self, x: A.TypeExpr) -> ir.Type | None:
        if isinstance(x, A.BoolType):
            return ir.BOOL
        if isinstance(x, A.IntType):
            self.d.error(x.span, "`int` is unbounded; a variable needs a range `lo..hi`")
            return None
        if isinstance(x, A.NamedType):
            if x.name in self.env.enums:
                return self.env.enums[x.name]
            if x.name in self.env.types:
                return self.env.types[x.name]
            known = list(self.env.enums) + list(self.env.types)
            self.d.error(x.span, f"unknown type `{x.name}`", did_you_mean(x.name, known))
            return None
        if isinstance(x, A.RangeType):
            return self.t.range_type(x.lo, x.hi, x.span)
        if isinstance(x, A.SetType):
            return self._container(x.elem, lambda e: ir.SetT(e), "a set's elements")
        if isinstance(x, A.MapType):
            value = self.type(x.value)
            key = self._container(x.key, lambda k: k, "a map's keys")
            return None if key is None or value is None else ir.MapT(key, value)
        if isinstance(x, A.SeqType):
            elem = self.type(x.elem)
            cap = self.t.typed(x.cap, Scope(allow_vars=False, what="a capacity"))
            if elem is None or cap is None:
                return None
            cap = fold(cap)
            if not (isinstance(cap, ir.Lit) and isinstance(cap.type, ir.IntT) and cap.value >= 0):
                self.d.error(x.cap.span, "a sequence's capacity must be a non-negative integer known from constants")
                return None
            return ir.SeqT(elem, cap.value)
        raise AssertionError(x)

    def _container(self, inner: A.TypeExpr, make, what: str) -> ir.Type | None:
        t = self.type(inner)
        if t is None:
            return None
        problem = finite_scalar_problem(t)
        if problem:
            self.d.error(inner.span, f"{what} must be a finite scalar type: {problem}")
            return None
        return make(t)

    def _var(self, x: A.VarDecl) -> ir.VarDecl | None:
        t = self.env.vars.get(x.name)
        if t is None:
            return None
        scope = Scope(allow_vars=False, what="an initial value")
        if x.choice:
            dom = self.t.domain(x.init, scope)
            if dom is None:
                return None
            elem, set_expr = dom
            if not compatible(elem, t):
                self.d.error(x.init.span, f"`{x.name}` is {describe(t)}, but these values are {describe(elem)}")
                return None
            if set_expr is None:
                set_expr = ir.SetLit(tuple(ir.Lit(v, elem) for v in ir.domain_values(elem)), ir.SetT(elem))
            return ir.VarDecl(x.name, t, set_expr, True, doc=x.doc, span=x.span)
        init = self.t.typed(x.init, scope, t)
        if init is None:
            return None
        if not compatible(init.type, t):
            self.d.error(x.init.span, f"`{x.name}` is {describe(t)}, but its initial value is {describe(init.type)}")
            return None
        return ir.VarDecl(x.name, t, init, False, doc=x.doc, span=x.span)

    def _invariant(self, x: A.InvariantDecl) -> ir.Invariant | None:
        e = self.t.expect(x.expr, Scope(), ir.BoolT, "an invariant")
        return None if e is None else ir.Invariant(x.name, e, doc=x.doc, span=x.span)

    def _action(self, x: A.ActionDecl) -> ir.Action | None:
        from .statements import StatementResolver
        params, scope, ok = [], Scope(), True
        for p in x.params:
            t = self.type(p.type)
            if t is None:
                ok = False
                continue
            problem = finite_scalar_problem(t)
            if problem:
                self.d.error(p.type.span, f"a parameter ranges over a finite scalar type: {problem}")
                ok = False
                continue
            if p.name in scope.locals:
                self.d.error(p.span, f"parameter `{p.name}` is declared twice")
                ok = False
            elif p.name in self.env.vars or p.name in self.env.consts or p.name in self.env.members:
                self.d.error(p.span, f"parameter `{p.name}` has the name of a variable, constant or enum member")
                ok = False
            scope = scope.with_local(p.name, t)
            params.append(ir.Param(p.name, t, span=p.span))
        body = StatementResolver(self).block(x.body, scope)
        if not ok or body is None:
            return None
        return ir.Action(x.name, tuple(params), body, doc=x.doc, span=x.span)


def _eval_const_bool(e: ir.Expr) -> bool | None:
    """Evaluate a `where` clause whose constants all have values (None if it cannot)."""
    from .consteval import evaluate_closed
    return evaluate_closed(e)


def _source(text: str, span) -> str:
    """The source text under a one-line span (for quoting the user's own words)."""
    lines = text.splitlines()
    if span is None or not 1 <= span.line <= len(lines) or span.end_line != span.line:
        return "..."
    return lines[span.line - 1][span.col - 1: span.end_col - 1]
