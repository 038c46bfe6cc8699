"""Modules: ``import alias from "part.spec" with { CONST = e }`` and the
loading of ``refines`` targets.

An import is expanded on the syntax tree, before names are resolved, into
declarations of the importing spec, so every engine gets composition for
free (the IR has no notion of modules):

* the part's variables, actions, processes, invariants, properties,
  reachability goals, constraints, named types and constants become
  declarations of the whole named ``alias.name`` (traces show
  ``registry.register(2, Orders)``; invariants are ``registry.inv``): the
  parts' properties are checked on the whole;
* ``with { N = e }`` instantiates the part's constant ``N``: its default is
  replaced by ``e``, an expression over the importing spec's constants
  (``--const registry.N=3`` overrides it on the command line too);
* enums are shared vocabulary: an enum of the same name and the same
  members in several modules is one enum; the same name with other members
  is an error;
* in the importing spec, ``alias.x`` reads the part's variable (or
  constant, or process instance) ``x``, and the statement
  ``alias.act(args)`` inside an action runs the part's action ``act`` as
  part of the same atomic step (synchronous composition: its ``require``\\s
  guard the whole step).  A part's variables are written only by its own
  actions;
* ``import alias from "part.spec" for n in D`` (or ``import "part.spec" for
  n in D``) is an instance family, TLA+'s ``B(n) == INSTANCE M WITH v <-
  v[n]``: one instance per value of the type ``D``, its variables maps over
  ``D``, its actions taking the index first (see :func:`lift_family`);
  ``alias[i].x`` and ``alias[i].act(args)`` address instance ``i``.

Errors (file:line:col with a caret, exit code 2): a missing or unreadable
module file, an import cycle, an alias imported twice, an unknown constant in
``with``, an unknown name after ``alias.``, an action call with the wrong
number of arguments, a family addressed without its index or a single
instance with one, a declaration a family cannot repeat yet.
"""
from __future__ import annotations

import dataclasses
import os

from .. import ir
from . import ast as A
from .diagnostics import Diagnostic, SpecError
from .exprs import Scope
from .modules_syntax import ConstraintDecl, DeclBlock, ImportDecl, InitDecl, QuantifiedProperty, RefinesDecl
from .parser import parse
from .treewalk import rewrite

_NAMED = (A.ConstDecl, A.TypeDecl, A.VarDecl, A.ActionDecl, A.InvariantDecl, A.ProcessDecl, A.PropertyDecl,
          A.ReachableDecl, ConstraintDecl)


def _error(span, message: str, source: str, hint: str = "") -> SpecError:
    return SpecError([Diagnostic(span, message, hint)], source)


def module_path(importer: str, path: str) -> str:
    base = os.path.dirname(importer) if importer and not importer.startswith("<") else "."
    return os.path.normpath(os.path.join(base, path))


def read_module(path: str, span, importer_source: str) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _error(span, f"cannot read module file {path}: {e.strerror or e}", importer_source) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(span, f"module file {path} is not valid UTF-8 text", importer_source) from None


def _cycle_check(path: str, span, stack: tuple[str, ...], source: str) -> None:
    key = os.path.realpath(path)
    if key in stack:
        names = [os.path.basename(p) for p in stack[stack.index(key):]] + [os.path.basename(key)]
        raise _error(span, "import cycle: " + " -> ".join(names), source)


# ---------------------------------------------------------------- renaming


def _renamer(names: dict[str, str]):
    def fn(x):
        if isinstance(x, A.Name) and x.id in names:
            return dataclasses.replace(x, id=names[x.id])
        if isinstance(x, A.LValue) and x.name in names:
            return dataclasses.replace(x, name=names[x.name])
        if isinstance(x, A.NamedType) and x.name in names:
            return dataclasses.replace(x, name=names[x.name])
        if isinstance(x, A.Goto) and x.label in names:
            return dataclasses.replace(x, label=names[x.label])
        if isinstance(x, A.ProcStep) and x.label in names:
            return dataclasses.replace(x, label=names[x.label])
        return x
    return fn


def _labels(items) -> list[str]:
    out, work = [], list(items)
    while work:
        it = work.pop()
        if isinstance(it, A.ProcStep):
            out.append(it.label)
        elif isinstance(it, A.ProcLoop):
            work.extend(it.items)
    return out


# ---------------------------------------------------------------- imports


def attach_blocks(tree: A.SpecFile, source: str) -> A.SpecFile:
    """Merge each ``with { }`` / ``only { }`` block into the import or
    refines declaration right before it."""
    out: list = []
    for x in tree.decls:
        if not isinstance(x, DeclBlock):
            out.append(x)
            continue
        prev = out[-1] if out else None
        if isinstance(prev, ImportDecl) and x.word == "with" and not prev.consts:
            out[-1] = dataclasses.replace(prev, consts=x.items)
        elif isinstance(prev, ImportDecl) and x.word == "only" and prev.only is None:
            out[-1] = dataclasses.replace(prev, only=x.items)
        elif isinstance(prev, RefinesDecl) and x.word == "with" and not prev.mapping:
            out[-1] = dataclasses.replace(prev, mapping=x.items)
        else:
            raise _error(x.span, f"a `{x.word} {{ }}` block belongs right after an `import`"
                         + (" or a `refines`" if x.word == "with" else "") + ", once", source)
    return dataclasses.replace(tree, decls=tuple(out))


class _Part:
    """One imported module, renamed into the importer's namespace."""

    def __init__(self, alias: str, decls: tuple, actions: dict[str, A.ActionDecl], names: set[str],
                 variables: set[str] = frozenset(), family: bool = False):
        self.alias = alias
        self.decls = decls
        self.actions = actions          # original action name -> renamed declaration
        self.names = names              # original top-level names
        self.variables = variables      # original names of its variables
        self.family = family            # `... for n in D`: one instance per index value


def expand_imports(tree: A.SpecFile, file: str, source: str, stack: tuple[str, ...] = ()) -> A.SpecFile:
    tree = attach_blocks(tree, source)
    imports = [x for x in tree.decls if isinstance(x, ImportDecl)]
    if not imports:
        return tree
    stack = stack + (os.path.realpath(file),)
    parts: dict[str, _Part] = {}
    # shared vocabulary: enums by name, and (for imports without a prefix)
    # identical types and constants, are declared once
    shared = {(type(x).__name__, x.name): x for x in tree.decls if isinstance(x, (A.EnumDecl, A.TypeDecl, A.ConstDecl))}
    declared = {x.name for x in tree.decls if isinstance(x, _NAMED)}
    merged: list = []
    for imp in imports:
        if imp.alias and imp.alias in parts:
            raise _error(imp.span, f"`{imp.alias}` is already imported", source)
        part = _load_part(imp, file, source, stack)
        if imp.alias:
            parts[imp.alias] = part
        merged += _merge(imp, part, shared, declared, source)
    own = [x for x in tree.decls if not isinstance(x, ImportDecl)]
    own = [_qualify_uses(x, parts, source) for x in own]
    return dataclasses.replace(tree, decls=tuple(merged) + tuple(own))


def _merge(imp: ImportDecl, part: _Part, shared: dict, declared: set[str], source: str) -> list:
    """The part's declarations that join the whole: shared vocabulary once
    (an enum, and without a prefix an identical type or constant), any other
    name at most once (a clash is reported at the import, not in the part)."""
    out = []
    for d in part.decls:
        key = (type(d).__name__, d.name)
        if isinstance(d, (A.EnumDecl, A.TypeDecl, A.ConstDecl)) and key in shared:
            if _same(shared[key], d):
                continue
            if isinstance(d, A.EnumDecl):
                raise _error(imp.span, f"enum `{d.name}` of module {imp.path} has members "
                                       f"{', '.join(d.members)}, but here it has "
                                       f"{', '.join(shared[key].members)}; an enum shared by modules must "
                                       "have the same members", source)
        if isinstance(d, (A.EnumDecl, A.TypeDecl, A.ConstDecl)):
            shared.setdefault(key, d)
        if isinstance(d, _NAMED) and d.name in declared:
            raise _error(imp.span, f"module {imp.path} declares `{d.name}`, which this spec already has (declared "
                                   "here or by an earlier import)", source,
                         f"import it under a name (`import x from \"{imp.path}\"`) or leave `{d.name}` out "
                         "with `only { }`")
        if isinstance(d, _NAMED):
            declared.add(d.name)
        out.append(d)
    return out


def _same(a, b) -> bool:
    """Equal declarations up to positions and doc comments."""
    return dataclasses.replace(a, doc="") == dataclasses.replace(b, doc="")


def _top_names(decl) -> set[str]:
    """Names an expression, type or statement of ``decl`` mentions."""
    found: set[str] = set()

    def fn(x):
        if isinstance(x, A.Name):
            found.add(x.id)
        elif isinstance(x, (A.LValue, A.NamedType)):
            found.add(x.name)
        return x
    rewrite(decl, fn)
    return found


def _select(decls, only, imp: ImportDecl, source: str) -> list:
    """The declarations named in ``only { }`` and everything they mention."""
    by_name = {x.name: x for x in decls if isinstance(x, _NAMED) or isinstance(x, A.EnumDecl)}
    members = {m: x for x in decls if isinstance(x, A.EnumDecl) for m in x.members}
    keep: set[str] = set()
    work = []
    for item in only:
        if item.name not in by_name:
            raise _error(item.span, f"module {imp.path} declares no `{item.name}`", source)
        work.append(item.name)
    while work:
        n = work.pop()
        if n in keep:
            continue
        keep.add(n)
        for m in _top_names(by_name[n]):
            if m in by_name and m not in keep:
                work.append(m)
            elif m in members:
                work.append(members[m].name)
    return [x for x in decls if getattr(x, "name", None) in keep]


def _load_part(imp: ImportDecl, file: str, source: str, stack) -> _Part:
    """Read, expand and rename one imported module: select (``only``),
    instantiate (``with``), prefix (``alias.``), repeat (``for n in D``)."""
    path = module_path(file, imp.path)
    _cycle_check(path, imp.path_span, stack, source)
    text = read_module(path, imp.path_span, source)
    sub = expand_imports(parse(text, path), path, text, stack)
    decls = [x for x in sub.decls if not isinstance(x, RefinesDecl)]  # a part's refinement is checked on it
    given, inits = _instantiation(imp, decls, source)
    if imp.only is not None:
        decls = _select(decls, imp.only, imp, source)
    # `with { N = e }` instantiates N: e (the importer's expression) replaces it
    decls = [x for x in decls if not (isinstance(x, A.ConstDecl) and x.name in given)]
    index = imp.index + "#" if imp.index else ""
    if index:
        _check_index_free_types(imp, decls, source)
        # the index is bound inside the part under a name no user can write
        # (no capture by the part's own `n`); `with` expressions say `n`
        to_index = _renamer({imp.index: index})
        given = {k: rewrite(e, to_index) for k, e in given.items()}
        inits = {k: rewrite(e, to_index) for k, e in inits.items()}
    renames = _prefixed(decls, imp.alias)
    out = _renamed(decls, renames, given, inits)
    variables = {x.name for x in decls if isinstance(x, A.VarDecl)}
    if index:
        out = lift_family(out, {renames[v] for v in variables}, index, imp, source,
                          from_with={renames[v] for v in inits})
    by_name = {x.name: x for x in out if isinstance(x, A.ActionDecl)}
    actions = {x.name: by_name[renames[x.name]] for x in decls if isinstance(x, A.ActionDecl)}
    return _Part(imp.alias, tuple(out), actions, set(renames), variables, family=bool(index))


def _check_index_free_types(imp: ImportDecl, decls, source: str) -> None:
    """Every instance of a family has the same types: a constant that sizes
    a type (``0..MAX``) cannot be given a value that depends on the index."""
    in_types: set[str] = set()

    def fn(x):
        if isinstance(x, (A.RangeType, A.SeqType)):
            in_types.update(_top_names(x))
        return x
    rewrite(tuple(decls), fn)
    for item in imp.consts:
        if item.name in in_types and imp.index in _top_names(item.expr):
            raise _error(item.span, f"`{item.name}` sizes a type of module {imp.path}, so it cannot depend on the "
                                    f"index `{imp.index}`: every instance of a family has the same types", source)


def _prefixed(decls, alias: str) -> dict[str, str]:
    """Each top-level name and process label of the part -> ``alias.name``."""
    names = [x.name for x in decls if isinstance(x, _NAMED)]
    labels = [lab for x in decls if isinstance(x, A.ProcessDecl) for lab in _labels(x.items)]
    return {n: (alias + "." if alias else "") + n for n in names + labels}


def _instantiation(imp: ImportDecl, decls, source: str) -> tuple[dict, dict]:
    """``with { }``: the part's constants given a value (by the importer's
    expression) and its variables given another initial value."""
    consts = {x.name: x for x in decls if isinstance(x, A.ConstDecl)}
    variables = {x.name: x for x in decls if isinstance(x, A.VarDecl)}
    given, inits = {}, {}
    for item in imp.consts:
        if item.name in consts:
            given[item.name] = item.expr
        elif item.name in variables:
            inits[item.name] = item.expr
        else:
            raise _error(item.span, f"module {imp.path} has no constant or variable `{item.name}`"
                         + (f" (its constants: {', '.join(consts)})" if consts else ""), source)
    return given, inits


def _renamed(decls, renames: dict[str, str], given: dict, inits: dict) -> list:
    """The part's declarations in the importer's namespace: names prefixed,
    given constants replaced by their expressions, ``with { v = e }``
    initial values (the importer's expressions: not renamed) in place."""
    rename = _renamer(renames)

    def fn(x):
        if isinstance(x, A.Name) and x.id in given:
            return given[x.id]
        return rename(x)
    out = []
    for x in decls:
        if isinstance(x, A.EnumDecl):
            out.append(x)
            continue
        if isinstance(x, A.VarDecl) and x.name in inits:
            renamed = dataclasses.replace(rewrite(dataclasses.replace(x, init=A.BoolLit(True), choice=False), fn),
                                          init=inits[x.name])
        else:
            renamed = rewrite(x, fn)
        out.append(dataclasses.replace(renamed, name=renames.get(x.name, x.name)))
    return out


# ---------------------------------------------------------------- instance families


def lift_family(decls, variables: set[str], index: str, imp: ImportDecl, source: str, from_with=frozenset()):
    """One instance of the part per value of the index, as TLA+'s
    ``B(n) == INSTANCE M WITH v <- v[n]``: each variable ``v: T`` becomes
    ``v: map<D, T>`` and every use of it ``v[n]``; each action gets the
    index as its first parameter; an invariant, constraint or initial
    predicate holds for every index, a reachability goal for some index,
    a temporal property is checked per index (``p(Orders)``).  Constants,
    types, enums and definitions that read no variable are shared."""
    dom = A.Name(imp.index_type.name, span=imp.index_type.span)

    def fn(x):
        if isinstance(x, A.Name) and x.id in variables:
            return A.Index(x, A.Name(index, span=x.span), span=x.span)
        if isinstance(x, A.LValue) and x.name in variables:
            return dataclasses.replace(x, indices=(A.Name(index, span=x.span),) + x.indices)
        return x

    def lift(node):
        return rewrite(node, fn)

    def every(expr, kind="forall"):
        return A.Quant(kind, index, dom, lift(expr), span=getattr(expr, "span", None))

    out = []
    for d in decls:
        if isinstance(d, A.VarDecl):
            if d.choice:
                raise _error(imp.span, f"variable `{d.name}` of module {imp.path} starts from a choice (`in`), "
                             f"which an instance family cannot repeat per `{imp.index}` yet; give it a value "
                             "with `with { }` or leave it out with `only { }`", source)
            init = d.init if d.name in from_with else lift(d.init)
            out.append(dataclasses.replace(d, type=A.MapType(imp.index_type, d.type, span=d.span),
                                           init=A.MapBuild(index, dom, init, span=d.span)))
        elif isinstance(d, A.ActionDecl):
            d = lift(d)
            out.append(dataclasses.replace(d, params=(A.Param(index, imp.index_type, span=d.span),) + d.params))
        elif isinstance(d, (A.InvariantDecl, A.TerminalDecl, ConstraintDecl, InitDecl)):
            out.append(dataclasses.replace(d, expr=every(d.expr)))
        elif isinstance(d, A.ReachableDecl):
            out.append(dataclasses.replace(d, expr=every(d.expr, "exists")))
        elif isinstance(d, A.PropertyDecl):
            out.append(QuantifiedProperty(d.name, index, dom, d.kind, lift(d.p),
                                          lift(d.q) if d.q is not None else None, doc=d.doc, span=d.span))
        elif not (_top_names(d) & variables):
            out.append(d)
        else:
            raise _error(imp.span, f"`{d.name}` of module {imp.path} reads the part's variables and cannot be "
                         f"repeated per `{imp.index}` yet; leave it out with `only {{ }}`", source)
    return out


def _qualify_uses(decl, parts: dict[str, _Part], source: str):
    """In the importer: ``alias.x`` -> the name ``alias.x``; ``alias.act(args)``
    as a statement -> the part's action body, inlined."""

    def fn(x):
        if not isinstance(x, A.Field):
            return x
        base, key = x.base, None
        if isinstance(base, A.Index) and isinstance(base.base, A.Name) and base.base.id in parts:
            base, key = base.base, base.key          # family[i].x
        if not (isinstance(base, A.Name) and base.id in parts):
            return x
        part = parts[base.id]
        if x.name not in part.names:
            raise _error(x.span, f"module `{part.alias}` declares no `{x.name}`", source)
        if key is not None and not part.family:
            raise _error(base.span, f"`{part.alias}` is one instance, not a family: write `{part.alias}.{x.name}`",
                         source)
        name = A.Name(f"{part.alias}.{x.name}", span=x.span)
        if key is not None and x.name in part.variables:
            return A.Index(name, key, span=x.span)   # instance i's copy of the variable
        return name

    decl = rewrite(decl, fn)
    return _inline_calls(decl, parts, source)


def _inline_calls(decl, parts: dict[str, _Part], source: str):
    counter = [0]

    def stmts(body):
        out = []
        for s in body:
            if isinstance(s, A.Method) and s.target.name in parts:
                out.extend(_inline(s, parts[s.target.name], source, counter))
            else:
                out.append(_descend(s))
        return tuple(out)

    def _descend(s):
        if isinstance(s, A.If):
            return dataclasses.replace(s, then=stmts(s.then), else_=stmts(s.else_))
        if isinstance(s, A.Either):
            return dataclasses.replace(s, branches=tuple(stmts(b) for b in s.branches))
        if isinstance(s, A.For):
            return dataclasses.replace(s, body=stmts(s.body))
        return s

    if isinstance(decl, A.ActionDecl):
        return dataclasses.replace(decl, body=stmts(decl.body))
    if isinstance(decl, A.ProcessDecl):
        def items(xs):
            out = []
            for it in xs:
                if isinstance(it, A.ProcStep):
                    it = dataclasses.replace(it, body=stmts(it.body))
                elif isinstance(it, A.ProcLoop):
                    it = dataclasses.replace(it, items=items(it.items))
                out.append(it)
            return tuple(out)
        return dataclasses.replace(decl, items=items(decl.items))
    return decl


def _inline(call: A.Method, part: _Part, source: str, counter: list) -> list:
    action = part.actions.get(call.method)
    if action is None:
        raise _error(call.span, f"module `{part.alias}` has no action `{call.method}`"
                     + (f" (its actions: {', '.join(part.actions)})" if part.actions else ""), source)
    if part.family != (len(call.target.indices) == 1) or len(call.target.indices) > 1:
        raise _error(call.span, f"`{part.alias}` is a family of instances: call `{part.alias}[i].{call.method}(...)`"
                     if part.family else f"`{part.alias}` is one instance: call `{part.alias}.{call.method}(...)`",
                     source)
    args = call.target.indices + call.args      # a family's action takes the index first
    if len(args) != len(action.params):
        raise _error(call.span, f"`{part.alias}.{call.method}` takes {len(action.params) - part.family} "
                                f"argument(s), {len(call.args)} given", source)
    counter[0] += 1
    # parameters become fresh locals: a dotted name never clashes with the caller's
    fresh = {p.name: f"{part.alias}.{call.method}#{counter[0]}.{p.name}" for p in action.params}
    body = rewrite(action.body, _renamer(fresh))
    lets = [A.Let(fresh[p.name], arg, span=call.span) for p, arg in zip(action.params, args)]
    return lets + list(body)


# ---------------------------------------------------------------- refinement


def _shared_constants(resolver, abstract: ir.Spec) -> dict[str, int]:
    """The constants of ``abstract`` that this spec also declares, with this
    spec's values where they differ from the abstract spec's defaults."""
    out = {}
    for c in abstract.consts:
        mine = resolver.env.consts.get(c.name)
        value = getattr(mine, "value", None)
        if value is not None and value != c.value:
            out[c.name] = value
    return out


def resolve_refinements(resolver, decls) -> list[ir.Refinement]:
    """Load each ``refines`` target and type its mapping in this spec's scope."""
    out = []
    for x in decls:
        if not isinstance(x, RefinesDecl):
            continue
        path = module_path(resolver.file, x.path)
        stack = getattr(resolver, "stack", ())
        try:
            _cycle_check(path, x.path_span, stack + (os.path.realpath(resolver.file),), resolver.source)
            read_module(path, x.path_span, resolver.source)
            abstract = resolver.load_module(path, stack + (os.path.realpath(resolver.file),))
            # as TLA+'s INSTANCE (an implicit `N <- N` for every constant of
            # the same name): the abstract spec gets this spec's values
            shared = _shared_constants(resolver, abstract)
            if shared:
                abstract = resolver.load_module(path, stack + (os.path.realpath(resolver.file),), shared)
        except SpecError as e:
            resolver.d.items.extend(e.diagnostics)
            continue
        given = {}
        for item in x.mapping:
            if item.name in given:
                resolver.d.error(item.span, f"`{item.name}` is mapped twice")
                continue
            try:
                target = abstract.var(item.name)
            except KeyError:
                resolver.d.error(item.span, f"the abstract spec `{abstract.name}` has no variable `{item.name}`")
                continue
            e = resolver.t.typed(item.expr, Scope())
            if e is None:
                continue
            problem = _shape_problem(e.type, target.type)
            if problem:
                resolver.d.error(item.span, f"`{item.name}` is {target.type} in `{abstract.name}`, "
                                            f"but this expression is {e.type}: {problem}")
                continue
            given[item.name] = e
        missing = [v.name for v in abstract.vars if v.name not in given and v.name not in _own_vars(resolver)]
        for name in missing:
            resolver.d.error(x.span, f"the refinement mapping gives no value for `{name}` of `{abstract.name}`",
                             f"add `{name} = EXPR` to the `with {{ }}` block")
        mapping = []
        for v in abstract.vars:
            if v.name in given:
                mapping.append((v.name, given[v.name]))
            elif v.name in _own_vars(resolver):   # a variable of the same name maps to itself
                mapping.append((v.name, ir.Var(v.name, resolver.env.vars[v.name])))
        out.append(ir.Refinement(f"refines {x.name}", abstract, tuple(mapping), span=x.span))
    return out


def _own_vars(resolver) -> dict:
    return {k: t for k, t in resolver.env.vars.items() if t is not None}


def _shape_problem(have: ir.Type, want: ir.Type) -> str:
    """Values are compared by their canonical form; the shapes must agree (an
    enum's values must be members of the abstract enum, by name)."""
    work = [(have, want)]
    while work:
        a, b = work.pop()
        if isinstance(b, ir.EnumT):
            if not isinstance(a, ir.EnumT):
                return f"expected members of enum {b.name}"
            extra = [m for m in a.members if m not in b.members]
            if extra:
                return f"{', '.join(extra)} are not members of {b.name}"
        elif isinstance(b, (ir.BoolT, ir.IntT)):
            if type(a) is not type(b):
                return f"expected {b}"
        elif isinstance(b, ir.SetT) and isinstance(a, ir.SetT):
            work.append((a.elem, b.elem))
        elif isinstance(b, ir.SeqT) and isinstance(a, ir.SeqT):
            work.append((a.elem, b.elem))
        elif isinstance(b, ir.MapT) and isinstance(a, ir.MapT):
            work += [(a.key, b.key), (a.value, b.value)]
        else:
            return f"expected {b}"
    return ""
