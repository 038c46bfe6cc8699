"""Syntax tree -> IR: resolve names, check types, bind constants.

Declarations are processed in a fixed order (names, enums, constants, named
types, variables, actions, invariants); every error is collected, and the IR
is only returned when there are none.
"""
from __future__ import annotations

from dataclasses import replace

from .. import ir
from . import ast as A
from . import defs
from . import records_ast as R
from .consteval import evaluate_closed
from .constraints import apply_constraints, resolve_constraints
from .diagnostics import Diagnostic, Diagnostics, SpecError, did_you_mean
from .records_sets import value_type
from .exprs import Env, Scope, Typer, compatible, describe, division_by_zero, finite_scalar_problem, fold
from .modules import resolve_refinements
from .modules_syntax import ConstraintDecl, RefinesDecl
from .processes import ProcessInfo, all_done, any_of, flatten_steps, pc_assign, pc_guard
from .records import named as _named_record, param_domain, record_type
from .statements import StatementResolver
from .sugar import fairness_groups, init_block, initial_predicate, quantified_properties
from .symmetry import check_symmetric_use

MAX_SEQ_CAP = 1_000  # longer queues make state spaces no engine can explore
MAX_BINDINGS = 1_000_000  # parameter combinations of one action: beyond this no engine can enumerate them

RESERVED_PROPERTIES = ("typeok", "deadlock")


class ConstantOptionError(SpecError):
    """A ``--const`` value that names no constant or does not fit it."""

    def __init__(self, message: str, span: ir.Span | None = None, source: str = ""):
        self.message = message
        Exception.__init__(self, message)
        self.diagnostics = []
        self.source = source
        self.span = span  # the clause the value breaks (file:line:col and a caret), when there is one

    def render(self) -> str:
        if self.span is not None:

            return Diagnostic(self.span, self.message).render(self.source)
        return f"error: {self.message}"

    def __str__(self) -> str:
        return self.render()


def resolve(tree: A.SpecFile, file: str, source: str, consts: dict[str, int] | None = None,
            generalize: bool = False, stack: tuple[str, ...] = (), poll=None, load_module=None) -> ir.Spec:
    """``generalize``: leave every constant that has a ``where`` clause and no
    ``--const`` value symbolic, ignoring its default, so the Z3 engines prove
    for every value the clause allows.  ``load_module(path, stack)``: the
    whole front end, for the abstract spec of a ``refines`` (passed in, so
    that the resolver does not import the package that calls it)."""
    resolver = _Resolver(file, source, consts or {}, generalize)
    resolver.stack = stack  # the files being loaded around this one (refines cycles)
    resolver.load_module = load_module
    resolver.poll = poll or _no_poll     # between declarations: raises to stop (a time limit, a signal)
    return resolver.spec(tree)


def _no_poll() -> None:
    pass


class _Resolver:
    def __init__(self, file: str, source: str, overrides: dict[str, int], generalize: bool = False):
        self.file = file
        self.source = source
        self.overrides = dict(overrides)
        self.generalize = generalize
        self.d = Diagnostics(file, source)
        self.env = Env()
        self.t = Typer(self.env, self.d)
        self._defining: str | None = None     # the type alias being resolved (to name recursion)
        self._later_types: set[str] = set()   # type aliases declared below the one being resolved

    # ------------------------------------------------------------ top level
    def spec(self, tree: A.SpecFile) -> ir.Spec:
        """The steps, in the order their names become visible: enums,
        constants, types, variables and definitions, then the declarations
        that use them (actions, properties), then what the modules, sugar
        and constraints add."""
        decls = self._check_unique(tree.decls)  # a repeated name: only its first declaration counts
        self._check_overrides(decls)
        enums = [self._enum(x) for x in decls if isinstance(x, A.EnumDecl)]
        consts = self._constants(decls)
        symmetric = self._named_types(decls)
        var_decls = [x for x in decls if isinstance(x, A.VarDecl)]
        procs = [x for x in decls if isinstance(x, A.ProcessDecl)]
        infos = self._declare_state(decls, var_decls, procs)
        enums += [i.pc_type for i in infos]
        self.poll()
        variables = self._variables(var_decls, infos, procs)
        actions, fairness = self._actions_and_fairness(decls)
        invariants = [i for i in (self._invariant(x) for x in decls if isinstance(x, A.InvariantDecl)) if i]
        self.poll()
        properties, reachables, terminals = self._goals(decls, invariants)
        if not var_decls and not procs:
            self.d.error(tree.span, f"spec `{tree.name}` declares no variables", "add `var NAME: TYPE = VALUE`")
        if symmetric:
            check_symmetric_use(self.d, variables, actions, invariants, properties, reachables)
        constraints, refinements, initial, init_body = self._composition(
            decls, variables, actions, fairness, invariants, properties)
        self.d.raise_if_any()
        ends = any_of([all_done(list(self.env.processes.values())), *(t.expr for t in terminals)])
        actions, terminal = apply_constraints(constraints, actions, ends)
        return ir.Spec(tree.name, tuple(consts), tuple(enums), tuple(variables), tuple(actions), tuple(invariants),
                       doc=tree.doc, file=self.file, source=self.source, properties=tuple(properties),
                       reachables=tuple(reachables), fairness=tuple(fairness),
                       terminal=terminal, symmetric=tuple(symmetric), terminals=tuple(terminals),
                       constraints=tuple(constraints), refinements=tuple(refinements), initial=initial,
                       init_block=init_body)

    def _variables(self, var_decls, infos, procs) -> list[ir.VarDecl]:
        """The declared variables, then each process's program counter and locals."""
        variables = [v for v in (self._var(x) for x in var_decls) if v]
        return variables + [v for info, x in zip(infos, procs) for v in self._process_vars(info, x)]

    def _composition(self, decls, variables, actions, fairness, invariants, properties):
        """What the declarations of modules.py, constraints.py and sugar.py
        add: constraints, refinements, initial predicates and blocks (these
        three returned), fairness groups and quantified properties (appended)."""
        constraints = resolve_constraints(self, decls)
        refinements = resolve_refinements(self, decls)
        initial = initial_predicate(self, decls)
        init_body = init_block(self, decls, variables)
        fairness += fairness_groups(self, decls, actions)
        for r in quantified_properties(self, decls):
            (invariants if isinstance(r, ir.Invariant) else properties).append(r)
        return constraints, refinements, initial, init_body

    def _constants(self, decls) -> list[ir.ConstDecl]:
        consts = []
        for x in decls:
            if isinstance(x, A.ConstDecl):
                c = self._const(x)
                if c is None:
                    self.env.poisoned.add(x.name)
                else:
                    consts.append(c)
        return consts

    def _named_types(self, decls) -> list[ir.IntT]:
        """Resolve ``type X = ...`` in order; returns the symmetric ranges."""
        symmetric: list[ir.IntT] = []
        self._later_types = {x.name for x in decls if isinstance(x, A.TypeDecl)}
        for x in decls:
            if not isinstance(x, A.TypeDecl):
                continue
            self._defining = x.name
            self.env.types[x.name] = _named_record(self.type(x.type), x.name)
            self._defining = None
            self._later_types.discard(x.name)
            if x.symmetric:
                self.env.types[x.name] = self._symmetric(x, self.env.types[x.name])
                if self.env.types[x.name] is not None:
                    symmetric.append(self.env.types[x.name])
        return symmetric

    def _declare_state(self, decls, var_decls, procs) -> list:
        """Make every name a step may use known before any step is typed:
        the names that are not values, the variables' types, the ``def``s,
        the processes (their program counters)."""
        self.env.other.update(x.name for x in decls if isinstance(
            x, (A.ActionDecl, A.InvariantDecl, A.PropertyDecl, A.ReachableDecl, A.TerminalDecl)))
        self.env.other.update(_module_decl_names(decls))
        for x in var_decls:  # all variable types first: actions may name any variable
            self.env.vars[x.name] = self.type(x.type)
        defs.declare(self, decls)  # `def`s: checked once here, expanded where used
        defs.check_all(self.t, decls)
        return [i for i in (self._process_info(x) for x in procs) if i]

    def _actions_and_fairness(self, decls) -> tuple[list[ir.Action], list[ir.Fairness]]:
        actions, fairness = [], []
        for x in decls:
            self.poll()
            if isinstance(x, A.ActionDecl):
                a = self._action(x)
                if a:
                    actions.append(a)
                    if x.fairness:
                        fairness.append(ir.Fairness(x.fairness, (a.name,), len(a.params), f"action {a.name}",
                                                    span=x.span))
            elif isinstance(x, A.ProcessDecl) and x.name in self.env.processes:
                actions += self._process_steps(x, fairness)
        return actions, fairness

    def _process_steps(self, x: A.ProcessDecl, fairness: list) -> list[ir.Action]:
        info = self.env.processes[x.name]
        steps = self._process_actions(info, x)
        if x.fairness:
            fairness.append(ir.Fairness(x.fairness, tuple(a.name for a in steps), 1 if info.param else 0,
                                        f"process {x.name}", span=x.span))
        return steps

    def _goals(self, decls, invariants: list) -> tuple[list, list, list]:
        """Temporal properties (an `always p` joins the invariants),
        reachability goals and terminal-state conditions."""
        properties, reachables, terminals = [], [], []
        for x in decls:
            if isinstance(x, A.PropertyDecl):
                r = self._property(x)
                if isinstance(r, ir.Invariant):
                    invariants.append(r)
                elif r is not None:
                    properties.append(r)
            elif isinstance(x, A.ReachableDecl):
                e = self.t.expect(x.expr, Scope(), ir.BoolT, "a reachability target")
                if e is not None:
                    reachables.append(ir.Reachable(x.name, e, doc=x.doc, span=x.span))
            elif isinstance(x, A.TerminalDecl):
                e = self.t.expect(x.expr, Scope(), ir.BoolT, "a terminal-state condition")
                if e is not None:
                    terminals.append(ir.Terminal(x.name, e, doc=x.doc, span=x.span))
        return properties, reachables, terminals

    def _symmetric(self, x: A.TypeDecl, t: ir.Type | None) -> ir.IntT | None:
        """The range of ``symmetric type X = lo..hi``, tagged with its name."""
        if t is None:
            return None
        if not isinstance(t, ir.IntT) or not t.bounded:
            self.d.error(x.type.span, f"a symmetric type is a range `lo..hi`, but this is {describe(t)}",
                         "its values are then interchangeable: the spec may compare them only with `==`")
            return None
        if t.symmetric:
            self.d.error(x.type.span, f"`{x.name}` would be a second name for the symmetric type "
                                      f"`{t.symmetric}`; declare one symmetric type per range")
            return None
        return replace(t, symmetric=x.name)

    # ------------------------------------------------------------ processes
    def _process_info(self, x: A.ProcessDecl):
        if len(x.params) > 1:
            self.d.error(x.params[1].span, "a process has at most one parameter: the instance it is")
            return None
        param = None
        if x.params and isinstance(x.params[0], R.ParamIn):
            self.d.error(x.params[0].span, "a process's instances range over a type: write `self: T`")
            return None
        if x.params:
            t = self.type(x.params[0].type)
            if t is None:
                return None
            problem = finite_scalar_problem(t)
            if problem:
                self.d.error(x.params[0].type.span, f"a process's instances range over a finite type: {problem}")
                return None
            param = ir.Param(x.params[0].name, t, span=x.params[0].span)
        steps, nexts, finishes = flatten_steps(x, self.d)
        if not steps:
            self.d.error(x.span, f"process `{x.name}` has no steps", "a step is written `label: { ... }`")
            return None
        labels = [s.label for s in steps]
        members = labels + ([f"{x.name}_done"] if finishes else [])
        for s in steps:
            if s.label in self.env.members or s.label in self.env.vars or s.label in self.env.consts \
                    or s.label in self.env.types or s.label in self.env.enums or s.label in self.env.other:
                self.d.error(s.span, f"step label `{s.label}` is already a name in this spec; labels are unique")
                return None
        if len(set(labels)) != len(labels):
            dup = next(l for l in labels if labels.count(l) > 1)
            self.d.error(x.span, f"process `{x.name}` has two steps labelled `{dup}`")
            return None
        pc_type = ir.EnumT(f"{x.name}.pc", tuple(members))
        for m in members:
            self.env.members[m] = pc_type
        info = ProcessInfo(x.name, param, f"{x.name}.pc", pc_type, labels, nexts, steps[0].label, finishes)
        self.env.processes[x.name] = info
        self.env.vars[info.pc_var] = info.state_type(pc_type)
        for item in x.items:
            if isinstance(item, A.ProcVar):
                t = self.type(item.type)
                if item.name in info.locals or (param and item.name == param.name):
                    self.d.error(item.span, f"`{item.name}` is already declared in process `{x.name}`")
                    continue
                if t is not None:
                    info.locals[item.name] = (f"{x.name}.{item.name}", t)
                    self.env.vars[f"{x.name}.{item.name}"] = info.state_type(t)
        return info

    def _process_vars(self, info, x: A.ProcessDecl) -> list[ir.VarDecl]:
        out = []
        pc_init: ir.Expr = ir.Lit(info.first, info.pc_type)
        if info.param:
            pc_init = ir.MapBuild(info.param.name, pc_init, info.state_type(info.pc_type))
        out.append(ir.VarDecl(info.pc_var, info.state_type(info.pc_type), pc_init, doc=f"the next step of {x.name}",
                              span=x.span))
        scope = Scope(allow_vars=False, what="an initial value")
        if info.param:
            scope = scope.with_local(info.param.name, info.param.type)
        for item in x.items:
            if not isinstance(item, A.ProcVar) or item.name not in info.locals:
                continue
            var_name, t = info.locals[item.name]
            init = self.t.typed(item.init, scope, t)
            if init is None:
                continue
            if not compatible(init.type, t):
                self.d.error(item.init.span, f"`{item.name}` is {describe(t)}, but its initial value is "
                                             f"{describe(init.type)}")
                continue
            if info.param:
                init = ir.MapBuild(info.param.name, init, info.state_type(t))
            out.append(ir.VarDecl(var_name, info.state_type(t), init, span=item.span))
        return out

    def _process_actions(self, info, x: A.ProcessDecl) -> list[ir.Action]:
        scope = Scope(process=info)
        if info.param:
            scope = scope.with_local(info.param.name, info.param.type)
        steps, _, _ = flatten_steps(x, _Silent())
        out = []
        for step in steps:
            body = StatementResolver(self).block(step.body, scope)
            if body is None:
                continue
            full = (ir.Require(pc_guard(info, step.label), span=step.span),
                    pc_assign(info, info.next_label[step.label], span=step.span)) + body
            params = (info.param,) if info.param else ()
            out.append(ir.Action(f"{x.name}.{step.label}", params, full, doc=x.doc if step is steps[0] else "",
                                 span=step.span))
        return out

    def _property(self, x: A.PropertyDecl):
        p = self.t.expect(x.p, Scope(), ir.BoolT, "a property")
        q = self.t.expect(x.q, Scope(), ir.BoolT, "a property") if x.q is not None else None
        if p is None or (x.q is not None and q is None):
            return None
        if x.kind == "always":
            return ir.Invariant(x.name, p, doc=x.doc, span=x.span)
        return ir.Temporal(x.name, x.kind, p, q, doc=x.doc, span=x.span)

    def _check_unique(self, decls) -> tuple:
        seen: dict[str, A.Decl] = {}
        keep = []
        member_of: dict[str, A.EnumDecl] = {}   # enum members may repeat across enums (`Kind.Prepared`)
        for x in decls:
            if x.name not in seen:
                keep.append(x)
            names = [(x.name, x.span)]
            if isinstance(x, A.EnumDecl):
                names += list(zip(x.members, x.member_spans))
            for name, span in names:
                if isinstance(x, A.EnumDecl) and name != x.name and member_of.get(name, x) is not x:
                    continue
                if isinstance(x, A.EnumDecl) and name != x.name:
                    member_of[name] = x
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
            if m in self.env.members and self.env.members[m] not in (None, t):
                self.env.members[m] = None          # in several enums: write `Enum.member`
            else:
                self.env.members.setdefault(m, t)
            self.env.members[f"{x.name}::{m}"] = t  # `Enum.member` (checker/lang/sugar.qualify_members)
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
        elif x.default is not None and not (self.generalize and x.where is not None):
            e = self.t.typed(x.default, cscope)
            if e is None:
                return None
            zero = division_by_zero(e)
            if zero is not None:
                self.d.error(zero.span or x.default.span, "division by zero in a constant expression")
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
                    raise ConstantOptionError(msg, x.span, self.source)
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
                        raise ConstantOptionError(msg.replace(f"= {value} ", f"= {value} (--const) ", 1),
                                                  x.where.span, self.source)
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
            if x.name == self._defining:
                self.d.error(x.span, f"type `{x.name}` is defined in terms of itself: recursive types are "
                                     "not supported (a type alias names a finite type declared before it)")
                return None
            if x.name in self._later_types:
                self.d.error(x.span, f"type `{x.name}` is used before its declaration: declare it above "
                                     "(type aliases are resolved in order, so they cannot be recursive)")
                return None
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
        if isinstance(x, (R.RecordType, R.TupleType)):
            return record_type(self, x)
        if isinstance(x, A.SeqType):
            elem = self.type(x.elem)
            cap = self.t.typed(x.cap, Scope(allow_vars=False, what="a capacity"))
            if elem is None or cap is None:
                return None
            if division_by_zero(cap) is not None:
                self.d.error(x.cap.span, "division by zero in a constant expression")
                return None
            cap = fold(cap)
            if isinstance(cap, ir.Lit) and isinstance(cap.value, int) and cap.value > MAX_SEQ_CAP:
                self.d.error(x.cap.span, f"a sequence's capacity may be at most {MAX_SEQ_CAP}, not {cap.value}")
                return None
            if not (isinstance(cap, ir.Lit) and isinstance(cap.type, ir.IntT) and cap.value >= 0):
                self.d.error(x.cap.span, "a sequence's capacity must be a non-negative integer known from constants")
                return None
            return ir.SeqT(elem, cap.value)
        raise AssertionError(x)

    def _container(self, inner: A.TypeExpr, make, what: str) -> ir.Type | None:
        t = value_type(self.d, self.type(inner), inner.span)  # a set of sets: packed (records_sets.py)
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
        params, scope, ok = [], Scope(), True
        guards = []  # `m in msgs` parameters: their membership, required first
        for p in x.params:
            if isinstance(p, R.ParamIn):
                got = param_domain(self, p, scope)
                t = None if got is None else got[0]
                if got is not None and got[1] is not None:
                    guards.append(got[1])
            else:
                t = value_type(self.d, self.type(p.type), p.type.span)  # a set: packed (records_sets.py)
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
        body = tuple(guards) + tuple(body)
        combos = 1
        for p in params:
            combos *= len(ir.domain_values(p.type))
        if combos > MAX_BINDINGS:
            self.d.error(x.span, f"action `{x.name}` has {combos:,} combinations of parameter values; "
                                 f"at most {MAX_BINDINGS:,} can be enumerated", "use smaller parameter ranges")
            return None
        return ir.Action(x.name, tuple(params), body, doc=x.doc, span=x.span)


class _Silent:
    """A diagnostics sink for a second pass whose errors were already reported."""

    def error(self, *args, **kwargs) -> None:
        pass


def _eval_const_bool(e: ir.Expr) -> bool | None:
    """Evaluate a `where` clause whose constants all have values (None if it cannot)."""
    return evaluate_closed(e)


def _source(text: str, span) -> str:
    """The source text under a one-line span (for quoting the user's own words)."""
    lines = text.splitlines()
    if span is None or not 1 <= span.line <= len(lines) or span.end_line != span.line:
        return "..."
    return lines[span.line - 1][span.col - 1: span.end_col - 1]


def _module_decl_names(decls) -> list[str]:
    return [x.name for x in decls if isinstance(x, (ConstraintDecl, RefinesDecl))]  # (several `init:` may be given)
