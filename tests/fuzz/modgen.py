"""Random modules and a spec that composes them, with its hand-flattened twin.

``gen_composition(src)`` draws 1-3 random part modules (constants, variables
over bool / small ranges / a shared enum, actions, invariants, a reachability
goal) and a main spec that imports them in every way the language offers:

* ``import a0 from "m0.spec" with { K0 = 2 }`` (a constant instantiated by a
  value, or renamed to the importer's own constant ``TOP``, or left to its
  default: then it is the whole's constant ``a0.K0``);
* ``import f1 from "m1.spec" for n in Idx``: an instance family;
* the same file imported twice under two names;
* an action of the main spec that calls a part's action (``a0.act0(1)``,
  ``f1[n].act0(1)``) and reads the parts' variables.

The same description is also written out by hand, without imports: each
part's names prefixed (``a0_x``), constants replaced by their values,
family variables as maps over ``Idx`` with the index as the actions' first
parameter, and the called actions inlined.  This writer shares no code with
checker/lang/modules.py, so the two texts checked against each other test
the module expansion.  Choices come from a ``specgen.Src`` (``RandSrc`` for
reproducible seeds).  ``property_names`` maps the composed spec's property
names to the flattened one's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

COLORS = ("Red", "Green", "Blue")
IDX = 2                                  # type Idx = 1..IDX for the families


@dataclass
class Var:
    name: str
    kind: str                            # "bool" | "range" | "enum"
    hi: object = None                    # range: an int or a constant's name


@dataclass
class Module:
    file: str
    consts: dict[str, int]               # name -> default (each 1..3)
    vars: list[Var]
    actions: list[tuple[str, list[tuple[str, str]], list[str]]]   # name, [(param, type)], statements
    invariants: list[tuple[str, str]]
    reachable: tuple[str, str] | None

    @property
    def uses_enum(self) -> bool:
        return any(v.kind == "enum" for v in self.vars)


@dataclass
class Import:
    alias: str
    module: Module
    given: dict[str, str]                # constant -> "2" or "TOP"
    family: bool


@dataclass
class Composition:
    modules: list[Module]
    imports: list[Import]
    top: int                             # the main spec's constant TOP
    calls: list[tuple[Import, str, list[str]]] = field(default_factory=list)   # main's action `step`

    def files(self) -> dict[str, str]:
        out = {m.file: _module_text(m) for m in self.modules}
        out["main.spec"] = _main_text(self)
        return out

    def flattened(self) -> str:
        return _flat_text(self)

    def property_names(self) -> dict[str, str]:
        names = {"typeok": "typeok", "deadlock": "deadlock", "step_bounded": "step_bounded"}
        for imp in self.imports:
            for n, _ in imp.module.invariants:
                names[f"{imp.alias}.{n}"] = f"{imp.alias}_{n}"
            if imp.module.reachable:
                n = imp.module.reachable[0]
                names[f"{imp.alias}.{n}"] = f"{imp.alias}_{n}"
        return names


# ---------------------------------------------------------------- drawing

# templates: $x is the part's variable x, %K its constant K, @p a parameter


def _value(src, v: Var, params: list[tuple[str, str]]) -> str:
    """An expression of v's type (in range: the types are exact)."""
    if v.kind == "bool":
        return src.choice([f"not ${v.name}", "true", "false"])
    if v.kind == "enum":
        return src.choice(list(COLORS) + [f"if ${v.name} == Red then Green else Red"])
    hi = f"%{v.hi}" if isinstance(v.hi, str) else str(v.hi)
    own = [f"@{p}" for p, t in params if t == f"0..{hi}"]
    return src.choice([f"if ${v.name} < {hi} then ${v.name} + 1 else 0", "0", f"min(${v.name} + 1, {hi})"] + own)


def _cond(src, vs: list[Var], params) -> str:
    v = src.choice(vs)
    if v.kind == "bool":
        c = f"${v.name}"
    elif v.kind == "enum":
        c = f"${v.name} == {src.choice(COLORS)}"
    else:
        c = f"${v.name} {src.choice(['<', '<=', '==', '!='])} {src.int(0, 2)}"
    if src.chance(3):
        c = f"not ({c})"
    if src.chance(3):
        c = f"({c}) {src.choice(['and', 'or'])} ({_cond(src, vs, params)})"
    return c


def _module(src, k: int) -> Module:
    consts = {f"K{i}": src.int(1, 3) for i in range(src.int(0, 2))}
    vs = []
    for i in range(src.int(1, 2)):
        kind = src.choice(["bool", "range", "range", "enum"])
        hi = src.choice(list(consts) + [1, 2]) if kind == "range" else None
        vs.append(Var(f"x{i}", kind, hi))
    actions = []
    for i in range(src.int(1, 3)):
        params = []
        ranged = [v for v in vs if v.kind == "range"]
        if ranged and src.chance(2):
            v = src.choice(ranged)
            params.append((f"p{i}", f"0..{'%' + v.hi if isinstance(v.hi, str) else v.hi}"))
        body = []
        if src.chance(2):
            body.append(f"require {_cond(src, vs, params)}")
        for v in vs:
            if src.chance(2) or not body:
                stmt = f"${v.name} = {_value(src, v, params)}"
                if src.chance(3):
                    other = src.choice(vs)
                    stmt = (f"if {_cond(src, vs, params)} {{ {stmt} }} else {{ ${other.name} = "
                            f"{_value(src, other, params)} }}")
                body.append(stmt)
        actions.append((f"act{i}", params, body))
    invariants = [(f"inv{i}", _cond(src, vs, [])) for i in range(src.int(1, 2))]
    reachable = ("goal", _cond(src, vs, [])) if src.chance(2) else None
    return Module(f"m{k}.spec", consts, vs, actions, invariants, reachable)


def gen_composition(src) -> Composition:
    modules = [_module(src, k) for k in range(src.int(1, 2))]
    imports = []
    for i in range(src.int(1, 3)):
        m = src.choice(modules)          # the same file may be imported twice
        given = {}
        for c in m.consts:
            how = src.int(0, 2)
            if how == 1:
                given[c] = str(src.int(1, 3))
            elif how == 2:
                given[c] = "TOP"         # renamed to the importer's constant
        family = src.chance(2)
        imports.append(Import(("f" if family else "a") + str(i), m, given, family))
    comp = Composition(modules, imports, src.int(1, 3))
    for imp in imports:
        if src.chance(2):
            name, params, _ = src.choice(imp.module.actions)
            comp.calls.append((imp, name, ["0" for _ in params]))
    return comp


# ---------------------------------------------------------------- writing


def _subst(template: str, var, const, param) -> str:
    template = re.sub(r"\$(\w+)", lambda m: var(m.group(1)), template)
    template = re.sub(r"%(\w+)", lambda m: const(m.group(1)), template)
    return re.sub(r"@(\w+)", lambda m: param(m.group(1)), template)


def _type(v: Var, const) -> str:
    if v.kind == "bool":
        return "bool"
    if v.kind == "enum":
        return "Col"
    return f"0..{const(v.hi) if isinstance(v.hi, str) else v.hi}"


def _init(v: Var) -> str:
    return {"bool": "false", "enum": "Red", "range": "0"}[v.kind]


def _module_text(m: Module) -> str:
    same = (lambda n: n)
    lines = [f"spec {m.file[:-5]}"]
    lines += [f"const {c}: 1..3 = {d}" for c, d in m.consts.items()]
    if m.uses_enum:
        lines.append(f"enum Col {{ {', '.join(COLORS)} }}")
    lines += [f"var {v.name}: {_type(v, same)} = {_init(v)}" for v in m.vars]
    for name, params, body in m.actions:
        ps = f"({', '.join(f'{p}: {_subst(t, same, same, same)}' for p, t in params)})" if params else ""
        lines.append(f"action {name}{ps} {{")
        lines += ["  " + _subst(s, same, same, same) for s in body]
        lines.append("}")
    lines += [f"invariant {n}: {_subst(e, same, same, same)}" for n, e in m.invariants]
    if m.reachable:
        lines.append(f"reachable {m.reachable[0]}: {_subst(m.reachable[1], same, same, same)}")
    return "\n".join(lines) + "\n"


def _main_text(c: Composition) -> str:
    lines = ["spec main", f"const TOP: 1..3 = {c.top}", f"type Idx = 1..{IDX}"]
    if any(m.uses_enum for m in c.modules):
        lines.append(f"enum Col {{ {', '.join(COLORS)} }}")
    for imp in c.imports:
        line = f'import {imp.alias} from "{imp.module.file}"' + (" for n in Idx" if imp.family else "")
        lines.append(line)
        if imp.given:
            lines.append("with { " + ", ".join(f"{k} = {v}" for k, v in imp.given.items()) + " }")
    lines.append("var steps: 0..3 = 0")
    if c.calls:
        lines.append("action step(n: Idx) {")
        lines.append("  require steps < 3")
        for imp, name, args in c.calls:
            target = f"{imp.alias}[n]" if imp.family else imp.alias
            lines.append(f"  {target}.{name}({', '.join(args)})")
        lines.append("  steps = steps + 1")
        lines.append("}")
    lines.append("invariant step_bounded: steps <= 3")
    return "\n".join(lines) + "\n"


def _flat_text(c: Composition) -> str:
    lines = ["spec flat", f"type Idx = 1..{IDX}"]
    if any(m.uses_enum for m in c.modules):
        lines.append(f"enum Col {{ {', '.join(COLORS)} }}")

    def names(imp: Import, index: str = "n"):
        def var(x):
            return f"{imp.alias}_{x}" + (f"[{index}]" if imp.family else "")

        def const(k):
            given = imp.given.get(k)
            if given == "TOP":
                return str(c.top)
            return given if given is not None else str(imp.module.consts[k])
        return var, const

    for imp in c.imports:
        var, const = names(imp)
        for v in imp.module.vars:
            t = _type(v, const)
            if imp.family:
                lines.append(f"var {imp.alias}_{v.name}: map<Idx, {t}> = [n in Idx -> {_init(v)}]")
            else:
                lines.append(f"var {imp.alias}_{v.name}: {t} = {_init(v)}")
    lines.append("var steps: 0..3 = 0")
    for imp in c.imports:
        var, const = names(imp)
        for name, params, body in imp.module.actions:
            ps = ([("n", "Idx")] if imp.family else []) + [(p, _subst(t, var, const, str)) for p, t in params]
            sig = f"({', '.join(f'{p}: {t}' for p, t in ps)})" if ps else ""
            lines.append(f"action {imp.alias}_{name}{sig} {{")
            lines += ["  " + _subst(s, var, const, lambda p: p) for s in body]
            lines.append("}")
    if c.calls:
        lines.append("action step(n: Idx) {")
        lines.append("  require steps < 3")
        for k, (imp, name, args) in enumerate(c.calls):
            var, const = names(imp)
            _, params, body = next(a for a in imp.module.actions if a[0] == name)
            local = {p: f"arg{k}_{p}" for p, _ in params}
            lines += [f"  let {local[p]} = {a}" for (p, _), a in zip(params, args)]
            lines += ["  " + _subst(s, var, const, lambda p: local[p]) for s in body]
        lines.append("  steps = steps + 1")
        lines.append("}")
    for imp in c.imports:
        var, const = names(imp, "i")
        quant = "forall i in Idx: " if imp.family else ""
        for n, e in imp.module.invariants:
            lines.append(f"invariant {imp.alias}_{n}: {quant}{_subst(e, var, const, str)}")
        if imp.module.reachable:
            n, e = imp.module.reachable
            lines.append(f"reachable {imp.alias}_{n}: {'exists i in Idx: ' if imp.family else ''}"
                         f"{_subst(e, var, const, str)}")
    lines.append("invariant step_bounded: steps <= 3")
    return "\n".join(lines) + "\n"
