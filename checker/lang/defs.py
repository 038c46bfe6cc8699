"""``def``: named, pure expressions with parameters, expanded where used.

``def quorum(s: set<Node>): bool = 2 * size(s) > N`` is typed once where it
is declared (parameters as locals of their declared types; state variables
may be read, so a parameterless ``def`` is a reusable state predicate), and
at each use its body is typed again in the user's scope and the arguments
substituted for the parameters.  Engines therefore never see a ``def``: the
IR holds the expanded expression.  A ``def`` may use another ``def``
declared anywhere in the file, but not itself, directly or through others:
such a cycle is reported at the use that closes it, with the chain.

Substitution renames a quantifier or map variable of the body that an
argument's own locals would otherwise be captured by.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import ir
from . import records_ast as R
from .typerules import Scope, compatible, describe


@dataclass
class DefInfo:
    decl: object                       # records_ast.DefDecl
    params: list = field(default_factory=list)   # [(name, ir.Type)]
    result: ir.Type | None = None
    state: str = "new"                 # "new" -> "checking" -> "done"
    ok: bool = False


# ---------------------------------------------------------------- the Typer's side

class DefTyping:
    """Mixed into exprs.Typer: expansion of ``def`` uses."""

    def def_use(self, name: str, args: list, scope, span):
        """The expansion of ``name(args...)`` (args already typed), or None."""
        info: DefInfo = self.env.defs[name]
        if not self._def_checked(info, span):
            return None
        if len(args) != len(info.params):
            n = len(info.params)
            self.d.error(span, f"`{name}` takes {n} argument{'s' if n != 1 else ''}, not {len(args)}",
                         _signature(info))
            return None
        for (pname, pt), a in zip(info.params, args):
            if not compatible(a.type, pt):
                self.d.error(a.span or span, f"parameter `{pname}` of `{name}` is {describe(pt)}, "
                                             f"but this is {describe(a.type)}", _signature(info))
                return None
        body_scope = Scope({p: t for p, t in info.params}, scope.allow_vars, scope.what, scope.process)
        body = self._def_body(info, body_scope)
        if body is None:
            return None
        return substitute(body, {p: a for (p, _), a in zip(info.params, args)})

    def _def_checked(self, info: DefInfo, span) -> bool:
        """Type-check a def's declaration once (first use or declaration order)."""
        if info.state == "done":
            return info.ok
        stack = self.__dict__.setdefault("_def_stack", [])
        if info.state == "checking":
            chain = [d.decl.name for d in stack[stack.index(info):]] + [info.decl.name]
            self.d.error(span, f"`{info.decl.name}` is defined in terms of itself: " + " -> ".join(chain),
                         "a def may not be recursive, directly or through other defs")
            for d in stack[stack.index(info):]:
                d.ok = False
                d.cycle = True
            return False
        info.state = "checking"
        stack.append(info)
        body = self._def_body(info, Scope({p: t for p, t in info.params}, True, "", None))
        stack.pop()
        info.state = "done"
        info.ok = body is not None and not getattr(info, "cycle", False)
        return info.ok

    def _def_body(self, info: DefInfo, scope):
        decl = info.decl
        body = self.typed(decl.body, scope, info.result)
        if body is None:
            return None
        if info.result is not None and not compatible(body.type, info.result):
            self.d.error(decl.body.span, f"`{decl.name}` is declared {describe(info.result)}, "
                                         f"but its body is {describe(body.type)}")
            return None
        return body


def _signature(info: DefInfo) -> str:
    ps = ", ".join(f"{p}: {t}" for p, t in info.params)
    return f"def {info.decl.name}({ps})" + (f": {info.result}" if info.result is not None else "")


# ---------------------------------------------------------------- the resolver's side

def declare(resolver, decls) -> None:
    """Register every ``def`` (types of parameters and result resolved now)."""
    for x in decls:  # parameters may be of any type (sets, maps, sequences too)
        if not isinstance(x, R.DefDecl):
            continue
        info = DefInfo(x)
        ok = True
        for p in x.params:
            if not hasattr(p, "type"):
                resolver.d.error(p.span, "a def's parameters are written `name: Type`")
                ok = False
                continue
            t = resolver.type(p.type)
            if t is None:
                ok = False
            elif any(p.name == q for q, _ in info.params):
                resolver.d.error(p.span, f"parameter `{p.name}` is declared twice")
                ok = False
            info.params.append((p.name, t))
        if x.result is not None:
            info.result = resolver.type(x.result)
            ok = ok and info.result is not None
        if not ok:
            resolver.env.poisoned.add(x.name)
            info.state = "done"
        resolver.env.defs[x.name] = info


def check_all(typer, decls) -> None:
    """Check every def, used or not, so a mistake in one is always reported."""
    for x in decls:
        if isinstance(x, R.DefDecl) and x.name in typer.env.defs:
            typer._def_checked(typer.env.defs[x.name], x.span)


# ---------------------------------------------------------------- substitution

_BINDERS = (ir.Quant, ir.MapBuild)


def _free_locals(exprs) -> set[str]:
    return {x.name for e in exprs for x in ir.walk_expr(e) if isinstance(x, ir.Local)}


def substitute(e: ir.Expr, mapping: dict) -> ir.Expr:
    """``e`` with each free ``Local(name)`` in ``mapping`` replaced (iterative).

    A binder of ``e`` whose variable occurs in a replacement is renamed."""
    taken = _free_locals(mapping.values())
    done: dict = {}
    # (node, mapping, expanded?) ; results keyed by (id(node), id(mapping))
    stack = [(e, mapping, False)]
    counter = [0]
    inners: dict = {}  # key -> (mapping inside, new binder name); keeps each dict alive, so ids stay unique
    while stack:
        node, m, expanded = stack.pop()
        key = (id(node), id(m))
        if key in done:
            continue
        if isinstance(node, ir.Local):
            done[key] = m.get(node.name, node)
            continue
        if isinstance(node, (ir.Lit, ir.Var, ir.Const)):
            done[key] = node
            continue
        if key in inners:
            inner, new_var = inners[key]
        else:
            inner, new_var = _inner(node, m, taken, counter)
            inners[key] = (inner, new_var)
        kids = ir.children(node)
        if not expanded:
            stack.append((node, m, True))
            stack.extend((k, inner, False) for k in kids)
            continue
        new = [done[(id(k), id(inner))] for k in kids]
        done[key] = _rebuild(node, new, new_var)
    return done[(id(e), id(mapping))]


def _inner(node, m: dict, taken: set, counter: list):
    """The mapping inside ``node`` (a binder hides its variable, renamed if taken)."""
    inner = m
    new_var = None
    if isinstance(node, _BINDERS):
        inner = {k: v for k, v in m.items() if k != node.var}
        if node.var in taken:
            counter[0] += 1
            new_var = f"{node.var}_{counter[0]}"
            while new_var in taken:
                counter[0] += 1
                new_var = f"{node.var}_{counter[0]}"
            dom = node.domain if isinstance(node, ir.Quant) else node.type.key
            inner[node.var] = ir.Local(new_var, dom)
    return inner, new_var


def _rebuild(node, kids: list, new_var: str | None):
    if isinstance(node, ir.Unary):
        return replace(node, arg=kids[0])
    if isinstance(node, ir.Binary):
        return replace(node, left=kids[0], right=kids[1])
    if isinstance(node, ir.Ite):
        return replace(node, cond=kids[0], then=kids[1], else_=kids[2])
    if isinstance(node, _BINDERS):
        return replace(node, body=kids[0], var=new_var or node.var)
    if isinstance(node, (ir.SetLit, ir.SeqLit)):
        return replace(node, elems=tuple(kids))
    if isinstance(node, ir.Index):
        return replace(node, base=kids[0], key=kids[1])
    if isinstance(node, ir.Call):
        return replace(node, args=tuple(kids))
    raise TypeError(f"not an IR expression: {type(node).__name__}")
