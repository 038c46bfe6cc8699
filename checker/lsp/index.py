"""Where each name of a spec is declared and where it is used.

    index = build_index(text)          # None when the text does not parse
    sym = index.symbol_at(line, col)   # 1-based, as the front end's spans
    index.references(sym)              # every use, the declaration included

The language server answers hover, definition, references, rename, document
symbols and completion from this; it has no LSP in it, so it is tested on its
own (tests/lsp/test_index.py).

Scopes follow the resolver (checker/lang/resolve.py): globals (constants,
enums and their members, types, variables, actions, processes, ``def``s,
named properties, terminals, constraints, import aliases), an action's,
process's or def's parameters (``m: T`` or ``m in msgs``), a process's local
variables and step labels, and names bound by ``let``, ``let (a, b)``,
``for``, ``forall``, ``exists``, ``choose``, ``{ x in S | p }``,
``{ f(x) | x in S }`` and ``[x in K -> ...]``, visible in what follows them.

Modules (imports.py): ``import reg from "f.spec"`` declares ``reg``; in
``reg.x`` and ``reg.act()`` the ``x`` and ``act`` are the declarations of
f.spec's own index (their spans are in that file: ``SpecIndex.is_imported``);
``import "f.spec"`` makes f.spec's names this file's, and every module's
enums are shared, as the checker does (checker/lang/modules.py).  A module
that cannot be read leaves its names unresolved.

Record fields: the index has no types, so ``m.f``, ``{ f: e }`` and
``m with { f: e }`` resolve ``f`` to a field only when exactly one record
type declares a field ``f``; otherwise ``f`` is left alone (not an error).

Limits: the syntax tree keeps no position for a name bound by ``let``,
``for``, a quantifier or a map, so that name is found in the source text
just after its keyword; columns are counted in characters (code points), as
lark counts them.
"""
from __future__ import annotations

import re
from typing import Optional

from ..ir import Span
from ..lang import ast as A
from ..lang.calls import SIGNATURES
from ..lang import records_ast as R
from ..lang import modules_syntax as M
from .imports import ModuleUses
from .symbols import Occurrence, SpecIndex, Symbol

def build_index(text: str, filename: str = "<spec>", stack: tuple[str, ...] = ()) -> Optional[SpecIndex]:
    """The index of ``text``, or None if it does not parse.  ``stack``: the
    modules being indexed around this one (imports.py: no cycle is followed)."""
    from ..lang import parse_text
    from ..lang.diagnostics import SpecError
    from ..lang.modules import attach_blocks

    try:
        tree = parse_text(text, filename)
    except (SpecError, RecursionError):
        return None
    try:   # `with { }` / `only { }` blocks into their import: a stray block stays a declaration
        tree = attach_blocks(tree, text)
    except SpecError:
        pass
    builder = _Builder(text, filename, stack)
    try:
        builder.build(tree)
    except RecursionError:  # absurd nesting: keep what was indexed so far
        pass
    return SpecIndex(text, builder.symbols, builder.occurrences, builder.unresolved, filename)


# ---------------------------------------------------------------- building

class _Builder(ModuleUses):
    build_module = staticmethod(build_index)   # an imported module's index (ModuleUses)

    def __init__(self, text: str, filename: str, stack: tuple[str, ...] = ()):
        self.stack = stack
        self.modules: dict[str, Optional[SpecIndex]] = {}   # import alias -> the module's index
        self.unprefixed: list[SpecIndex] = []                # `import "f.spec"` modules
        self.prefixed: list[SpecIndex] = []                  # `import a from "f.spec"` modules
        self.text = text
        self.lines = text.split("\n")
        self.file = filename
        self.symbols: list[Symbol] = []
        self.occurrences: list[Occurrence] = []
        self.unresolved: list[Span] = []
        self.globals: dict[str, Symbol] = {}
        self.processes: dict[str, dict[str, Symbol]] = {}   # process -> its local variables
        self.labels: dict[str, Symbol] = {}   # step labels, also values: `proc[0].pc == crit`
        self.container = ""

    # -- helpers
    def source(self, span: Optional[Span]) -> str:
        """The text under a span (one or more lines)."""
        if span is None or not span.end_line:
            return "?"
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.col - 1:span.end_col - 1]
        parts = [self.lines[span.line - 1][span.col - 1:]]
        parts += self.lines[span.line:span.end_line - 1]
        parts.append(self.lines[span.end_line - 1][:span.end_col - 1])
        return " ".join(p.strip() for p in parts)

    def type_text(self, t: A.TypeExpr) -> str:
        return self.source(getattr(t, "span", None))

    def name_span(self, name: str, line: int, col: int) -> Span:
        return Span(self.file, line, col, line, col + len(name))

    def find_name(self, name: str, after: Span, binder: bool = False) -> Span:
        """The first whole-word ``name`` at or after ``after`` (for binders without a span);
        ``binder``: the first ``name in`` (`{ f(x) | x in S }` binds the second `x`)."""
        if binder:
            found = self.find_name_pattern(name, after, r"\b%s\s+in\b" % re.escape(name))
            if found is not None:
                return found
        return self.find_name_pattern(name, after, r"\b%s\b" % re.escape(name)) or after

    def find_name_pattern(self, name: str, after: Span, rx: str) -> Optional[Span]:
        pattern = re.compile(rx)
        for n in range(after.line, min(after.line + 20, len(self.lines) + 1)):
            start = after.col if n == after.line else 1
            m = pattern.search(self.lines[n - 1], start - 1)
            if m:
                return self.name_span(name, n, m.start() + 1)
        return None

    def declare(self, sym: Symbol) -> Symbol:
        self.occurrences.append(Occurrence(sym.span, sym))
        return sym

    def use(self, name: str, span: Optional[Span], scope: dict[str, Symbol]) -> None:
        if span is None:
            return
        sym = scope.get(name) or self.globals.get(name) or self.labels.get(name) or self.implicit_label(name)
        if sym is None:
            if name not in SIGNATURES and name != "bool":
                self.unresolved.append(span)
            return
        self.occurrences.append(Occurrence(self.name_span(name, span.line, span.col), sym))

    def implicit_label(self, name: str) -> Optional[Symbol]:
        """``writer_done``: the label of a finished instance of process ``writer``."""
        if not name.endswith("_done") or name[:-5] not in self.processes:
            return None
        if name not in self.labels:
            proc = self.globals[name[:-5]]
            # declared by the process itself: not an occurrence, so it cannot be renamed alone
            self.labels[name] = Symbol(name, "implicit", proc.span, f"{name}: every step of process "
                                       f"{proc.name} is done", container=proc.name)
        return self.labels[name]

    # -- declarations
    def build(self, tree: A.SpecFile) -> None:
        decls = list(tree.decls)
        starts = [d.span.line for d in decls] + [len(self.lines) + 1]
        for d, nxt in zip(decls, starts[1:]):
            sym = self.declare_global(d)
            if sym is not None:
                sym.extent = (d.span.line, max(d.span.line, nxt - 1))
        self.declare_imported(decls)
        for d in decls:
            self.container = getattr(d, "name", "")
            self.uses_in_decl(d)

    def declare_global(self, d) -> Optional[Symbol]:
        doc = getattr(d, "doc", "")
        if isinstance(d, A.ConstDecl):
            detail = f"const {d.name}: {self.type_text(d.type)}"
            if d.where is not None:
                detail += f" where {self.source(getattr(d.where, 'span', None))}"
            sym = Symbol(d.name, "const", d.span, detail, doc)
        elif isinstance(d, A.EnumDecl):
            sym = Symbol(d.name, "enum", d.span, f"enum {d.name} {{ {', '.join(d.members)} }}", doc)
            for m, ms in zip(d.members, d.member_spans):
                member = Symbol(m, "member", ms, f"{m}: {d.name}", "", container=d.name,
                                extent=(ms.line, ms.line))
                sym.children.append(member)
                self.globals.setdefault(m, member)
                self.declare(member)
        elif isinstance(d, A.TypeDecl):
            prefix = "symmetric type" if d.symmetric else "type"
            sym = Symbol(d.name, "type", d.span, f"{prefix} {d.name} = {self.type_text(d.type)}", doc)
            if isinstance(d.type, R.RecordType):
                for (fname, ftype), fs in zip(d.type.fields, d.type.name_spans):
                    sym.children.append(self.declare(Symbol(
                        fname, "field", fs, f"{fname}: {self.type_text(ftype)} (field of {d.name})",
                        container=d.name, extent=(fs.line, fs.line))))
        elif isinstance(d, A.VarDecl):
            sym = Symbol(d.name, "var", d.span, f"var {d.name}: {self.type_text(d.type)}", doc)
        elif isinstance(d, (A.ActionDecl, A.ProcessDecl)):
            word = "action" if isinstance(d, A.ActionDecl) else "process"
            fair = {"weak": "fair ", "strong": "strong fair "}.get(d.fairness or "", "")
            sym = Symbol(d.name, word, d.span, f"{fair}{word} {d.name}({self.params_text(d.params)})", doc)
            self.declare_params(d, sym)
            if isinstance(d, A.ProcessDecl):
                self.processes[d.name] = {}
                self.declare_process_items(d, d.items, sym)
        elif isinstance(d, (A.TerminalDecl, M.ConstraintDecl)):
            word = "terminal" if isinstance(d, A.TerminalDecl) else "constraint"
            sym = Symbol(d.name, word, d.span, f"{word} {d.name}: {self.source(getattr(d.expr, 'span', None))}", doc)
        elif isinstance(d, R.DefDecl):
            result = f": {self.type_text(d.result)}" if d.result is not None else ""
            sym = Symbol(d.name, "def", d.span, f"def {d.name}({self.params_text(d.params)}){result}", doc)
            self.declare_params(d, sym)
        elif isinstance(d, M.ImportDecl):
            index = self.load_module(d)
            if not d.alias:   # `import "f.spec"`: its names are this file's (declare_imported)
                return None
            self.modules[d.alias] = index
            sym = Symbol(d.alias, "module", d.span, f'import {d.alias} from "{d.path}"', doc)
        elif isinstance(d, M.RefinesDecl):
            sym = Symbol(d.name, "refines", d.span, f'refines {d.name} from "{d.path}"', doc)
        elif isinstance(d, (M.QuantifiedProperty, M.ConjoinedProperty)):
            sym = Symbol(d.name, "property", d.span, f"property {d.name}", doc)
        elif isinstance(d, (A.InvariantDecl, A.PropertyDecl, A.ReachableDecl)):
            word = {A.InvariantDecl: "invariant", A.PropertyDecl: "property", A.ReachableDecl: "reachable"}[type(d)]
            sym = Symbol(d.name, word, d.span, f"{word} {d.name}", doc)
        else:  # a declaration this index does not know yet: no symbol, no crash
            return None
        self.symbols.append(sym)
        self.globals.setdefault(sym.name, sym)
        self.declare(sym)
        return sym

    def param_text(self, p) -> str:
        if isinstance(p, R.ParamIn):   # `m in msgs`
            return f"{p.name} in {self.source(getattr(p.domain, 'span', None))}"
        return f"{p.name}: {self.type_text(p.type)}"

    def params_text(self, params) -> str:
        return ", ".join(self.param_text(p) for p in params)

    def declare_params(self, d, sym: Symbol) -> None:
        for p in d.params:
            sym.children.append(self.declare(Symbol(
                p.name, "param", p.span, f"{self.param_text(p)} (parameter of {d.name})", container=d.name)))

    def declare_process_items(self, d: A.ProcessDecl, items, sym: Symbol) -> None:
        for item in items:
            if isinstance(item, A.ProcVar):
                local = Symbol(item.name, "proc_var", item.span,
                               f"var {item.name}: {self.type_text(item.type)} (local variable of process {d.name})",
                               container=d.name)
                self.processes[d.name].setdefault(item.name, local)
                sym.children.append(self.declare(local))
            elif isinstance(item, A.ProcStep):
                step = Symbol(item.label, "step", item.span, f"step {item.label} of process {d.name}",
                              container=d.name)
                self.labels.setdefault(item.label, step)
                sym.children.append(self.declare(step))
            elif isinstance(item, A.ProcLoop):
                self.declare_process_items(d, item.items, sym)

    def uses_in_decl(self, d) -> None:
        for kinds, uses in self._DECL_USES:
            if isinstance(d, kinds):
                uses(self, d, {})
                return

    def uses_in_const(self, d: A.ConstDecl, scope) -> None:
        self.uses_in_type(d.type, scope)
        for e in (d.where, d.default):
            if e is not None:
                self.expr(e, scope)

    def uses_in_type_decl(self, d: A.TypeDecl, scope) -> None:
        self.uses_in_type(d.type, scope)

    def uses_in_var(self, d: A.VarDecl, scope) -> None:
        self.uses_in_type(d.type, scope)
        self.expr(d.init, scope)

    def uses_in_action(self, d: A.ActionDecl, scope) -> None:
        self.block(d.body, self.param_scope(d, scope))

    def uses_in_process(self, d: A.ProcessDecl, scope) -> None:
        scope = self.param_scope(d, scope)
        scope.update(self.processes.get(d.name, {}))
        sym = self.globals.get(d.name)
        steps = {c.name: c for c in (sym.children if sym else []) if c.kind == "step"}
        self.process_items(d.items, scope, steps)

    def uses_in_predicate(self, d, scope) -> None:
        """invariant, reachable, terminal, constraint, init predicate"""
        self.expr(d.expr, scope)

    def uses_in_def(self, d: R.DefDecl, scope) -> None:
        scope = self.param_scope(d, scope)
        if d.result is not None:
            self.uses_in_type(d.result, scope)
        self.expr(d.body, scope)

    def uses_in_init_block(self, d: M.InitBlock, scope) -> None:
        self.block(d.body, scope)

    def uses_in_refines(self, d: M.RefinesDecl, scope) -> None:
        for item in d.mapping:   # `with { abstract_var = e }`: the name is the other file's
            if item.expr is not None:
                self.expr(item.expr, scope)

    def uses_in_fair_group(self, d: M.FairGroup, scope) -> None:
        for name, span in zip(d.actions, d.spans):
            if name != "all":   # `fair { all }`: every step
                self.use(name, span, scope)

    def uses_in_quantified_property(self, d: M.QuantifiedProperty, scope) -> None:
        self.expr(d.domain, scope)
        inner = self.bind(d.var, d.span, f"forall {d.var} in {self.source(getattr(d.domain, 'span', None))}",
                          scope, binder=True)
        for e in (d.p, d.q):
            if e is not None:
                self.expr(e, inner)

    def uses_in_conjoined_property(self, d: M.ConjoinedProperty, scope) -> None:
        for _, p, q in d.parts:
            for e in (p, q):
                if e is not None:
                    self.expr(e, scope)

    def uses_in_property(self, d: A.PropertyDecl, scope) -> None:
        self.expr(d.p, scope)
        if d.q is not None:
            self.expr(d.q, scope)

    # the uses in each kind of declaration (tried in this order)
    _DECL_USES = ((A.ConstDecl, uses_in_const), (A.TypeDecl, uses_in_type_decl),
                  (A.VarDecl, uses_in_var), (A.ActionDecl, uses_in_action),
                  (A.ProcessDecl, uses_in_process),
                  ((A.InvariantDecl, A.ReachableDecl, A.TerminalDecl, M.ConstraintDecl, M.InitDecl),
                   uses_in_predicate),
                  (R.DefDecl, uses_in_def), (M.InitBlock, uses_in_init_block),
                  (M.ImportDecl, ModuleUses.import_items), (M.RefinesDecl, uses_in_refines),
                  (M.FairGroup, uses_in_fair_group), (M.QuantifiedProperty, uses_in_quantified_property),
                  (M.ConjoinedProperty, uses_in_conjoined_property), (A.PropertyDecl, uses_in_property))

    def param_scope(self, d, scope: dict[str, Symbol]) -> dict[str, Symbol]:
        scope = dict(scope)
        sym = self.globals.get(d.name)
        for p in d.params:
            if isinstance(p, R.ParamIn):
                self.expr(p.domain, scope)
            else:
                self.uses_in_type(p.type, scope)
            for c in (sym.children if sym else []):
                if c.kind == "param" and c.name == p.name:
                    scope[p.name] = c
        return scope

    def process_items(self, items, scope, steps: dict[str, Symbol]) -> None:
        for item in items:
            if isinstance(item, A.ProcVar):
                self.uses_in_type(item.type, scope)
                self.expr(item.init, scope)
            elif isinstance(item, A.ProcStep):
                self.block(item.body, scope, steps)
            elif isinstance(item, A.ProcLoop):
                self.process_items(item.items, scope, steps)

    def uses_in_type(self, t, scope) -> None:
        if isinstance(t, A.NamedType):
            self.use(t.name, t.span, scope)
        elif isinstance(t, A.RangeType):
            self.expr(t.lo, scope)
            self.expr(t.hi, scope)
        elif isinstance(t, A.SetType):
            self.uses_in_type(t.elem, scope)
        elif isinstance(t, A.MapType):
            self.uses_in_type(t.key, scope)
            self.uses_in_type(t.value, scope)
        elif isinstance(t, A.SeqType):
            self.uses_in_type(t.elem, scope)
            self.expr(t.cap, scope)
        elif isinstance(t, R.RecordType):
            for _, ft in t.fields:
                self.uses_in_type(ft, scope)
        elif isinstance(t, R.TupleType):
            for et in t.elems:
                self.uses_in_type(et, scope)

    def bind(self, name: str, after: Span, detail: str, scope: dict[str, Symbol],
             binder: bool = False) -> dict[str, Symbol]:
        if after is None:
            return dict(scope)
        sym = Symbol(name, "local", self.find_name(name, after, binder), detail, container=self.container)
        self.declare(sym)
        inner = dict(scope)
        inner[name] = sym
        return inner

    # -- statements
    def block(self, stmts, scope, steps: Optional[dict[str, Symbol]] = None) -> None:
        scope = dict(scope)
        for s in stmts:
            if isinstance(s, A.Let):
                self.expr(s.value, scope)
                scope = self.bind(s.name, s.span, f"let {s.name} = {self.source(getattr(s.value, 'span', None))}",
                                  scope)
            elif isinstance(s, R.LetTuple):
                self.expr(s.value, scope)
                value = self.source(getattr(s.value, 'span', None))
                for n in s.names:
                    scope = self.bind(n, s.span, f"let ({', '.join(s.names)}) = {value}", scope)
            elif isinstance(s, (A.Require, A.Await, M.AssertStmt)):
                self.expr(s.cond, scope)
            elif isinstance(s, A.Assign):
                self.lvalue(s.target, scope)
                self.expr(s.value, scope)
            elif isinstance(s, A.Method):
                self.lvalue(s.target, scope)
                self.module_call(s, scope)
                for a in s.args:
                    self.expr(a, scope)
            elif isinstance(s, A.If):
                self.expr(s.cond, scope)
                self.block(s.then, scope, steps)
                self.block(s.else_, scope, steps)
            elif isinstance(s, A.Either):
                for b in s.branches:
                    self.block(b, scope, steps)
            elif isinstance(s, A.For):
                self.expr(s.domain, scope)
                inner = self.bind(s.var, s.span, f"for {s.var} in {self.source(getattr(s.domain, 'span', None))}",
                                  scope)
                self.block(s.body, inner, steps)
            elif isinstance(s, A.Goto):
                target = (steps or {}).get(s.label)
                if target is not None and s.span is not None:
                    self.occurrences.append(Occurrence(s.span, target))

    def lvalue(self, lv: A.LValue, scope) -> None:
        self.use(lv.name, lv.span, scope)
        for i in lv.indices:
            self.expr(i, scope)

    # -- expressions
    def expr(self, e, scope) -> None:
        if isinstance(e, A.Name):
            self.use(e.id, e.span, scope)
        elif isinstance(e, A.Call):
            self.use(e.fn, e.span, scope)
            for a in e.args:
                self.expr(a, scope)
        elif isinstance(e, (A.SetLit, A.SeqLit)):
            for x in e.elems:
                self.expr(x, scope)
        elif isinstance(e, A.MapBuild):
            self.expr(e.domain, scope)
            self.expr(e.body, self.bind(e.var, e.span, f"{e.var} in {self.source(getattr(e.domain, 'span', None))}",
                                        scope))
        elif isinstance(e, A.Quant):
            self.expr(e.domain, scope)
            self.expr(e.body, self.bind(e.var, e.span, f"{e.kind} {e.var} in "
                                                       f"{self.source(getattr(e.domain, 'span', None))}", scope))
        elif isinstance(e, A.Index):
            self.expr(e.base, scope)
            self.expr(e.key, scope)
        elif isinstance(e, A.Unary):
            self.expr(e.arg, scope)
        elif isinstance(e, A.Binary):
            self.expr(e.left, scope)
            self.expr(e.right, scope)
        elif isinstance(e, A.Ite):
            for x in (e.cond, e.then, e.else_):
                self.expr(x, scope)
        elif isinstance(e, A.RangeSet):
            self.expr(e.lo, scope)
            self.expr(e.hi, scope)
        elif isinstance(e, A.Field):
            self.expr(e.base, scope)
            self.field(e, scope)
        elif isinstance(e, (R.RecordLit, R.With)):
            if isinstance(e, R.With):
                self.expr(e.base, scope)
            for (fname, x), fs in zip(e.fields, e.name_spans):
                self.record_field(fname, fs)
            for _, x in e.fields:
                self.expr(x, scope)
        elif isinstance(e, R.TupleLit):
            for x in e.elems:
                self.expr(x, scope)
        elif isinstance(e, R.TupleGet):
            self.expr(e.base, scope)
        elif isinstance(e, (R.SetComp, R.Choose)):
            self.expr(e.domain, scope)
            word = "choose " if isinstance(e, R.Choose) else ""
            inner = self.bind(e.var, e.span, f"{word}{e.var} in {self.source(getattr(e.domain, 'span', None))}",
                              scope, binder=True)
            for x in ((e.body,) if isinstance(e, R.Choose) else (e.cond, e.elem)):
                if x is not None:
                    self.expr(x, inner)

    def unique_field(self, name: str) -> Optional[Symbol]:
        owners = [c for s in self.symbols if s.kind == "type" for c in s.children
                  if c.kind == "field" and c.name == name]
        return owners[0] if len(owners) == 1 else None

    def record_field(self, name: str, span: Optional[Span]) -> None:
        """A record field named in a literal or ``with``: the field of the one record type
        declaring that name (the index has no types: a name two record types declare is left alone)."""
        owner = self.unique_field(name)
        if owner is not None and span is not None:
            self.occurrences.append(Occurrence(self.name_span(name, span.line, span.col), owner))

    def field(self, e: A.Field, scope=None) -> None:
        """``proc[i].x`` / ``proc.x``: ``x`` is a local variable of process ``proc``; ``reg.x``:
        the declaration ``x`` of the module imported as ``reg``; ``Kind.Member``: an enum member;
        ``m.kind``: a record field (record_field)."""
        base = e.base.base if isinstance(e.base, A.Index) else e.base
        local = None
        if isinstance(base, A.Name) and (scope or {}).get(base.id) is None:
            if base is e.base and base.id in self.modules:
                local = self.module_symbol(self.modules[base.id], e.name)
            elif base is e.base and getattr(self.globals.get(base.id), "kind", "") == "enum":
                local = next((c for c in self.globals[base.id].children if c.name == e.name), None)
            elif base.id in self.processes:
                local = self.processes[base.id].get(e.name)
        if local is None:
            local = self.unique_field(e.name)
        if local is None or e.span is None:
            return
        # the field name is the last word of the expression's text
        line = self.lines[e.span.end_line - 1][:e.span.end_col - 1]
        col = line.rfind(e.name) + 1
        if col > 0:
            self.occurrences.append(Occurrence(self.name_span(e.name, e.span.end_line, col), local))
