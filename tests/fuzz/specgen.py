"""Generators of spec text for the fuzz tests (quick tier) and bench/fuzz_long.py.

Every generator takes a *source of choices* (``Src``) instead of a random
generator, so the same code serves two masters:

* ``HypSrc`` draws each choice from Hypothesis (``st.data()``), so failures
  shrink to small specs;
* ``RandSrc`` draws from ``random.Random(seed)``, fast and reproducible, for
  the long tier (hundreds of thousands of inputs).

Three families:

* ``gen_spec``: a valid, well-typed random spec (1-3 variables over bool,
  small ranges, enums, sets, maps, sequences; 1-4 actions with
  require/assign/if/either/let/for and methods; invariants).  Names are
  placeholders (``@v0``, ``@a1``...) substituted by ``render`` with a name map,
  so the same spec can be rendered with ordinary or hostile identifiers.
* ``mutate_text``: one token-level mutation of spec text (misspelt name,
  swapped type, deleted / duplicated / swapped token, replaced operator,
  dropped bracket, keyword as a name, huge integer, deep nesting).
* ``mutate_bytes``: byte-level mutations (flip, insert, delete, NUL, invalid
  UTF-8) of a file's bytes.
"""
from __future__ import annotations

import random
import re

# ---------------------------------------------------------------- sources of choices


class Src:
    def int(self, lo: int, hi: int) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def choice(self, seq):
        seq = list(seq)
        return seq[self.int(0, len(seq) - 1)]

    def bool(self) -> bool:
        return self.int(0, 1) == 1

    def chance(self, k: int) -> bool:
        """True with probability about 1/k."""
        return self.int(0, k - 1) == 0


class RandSrc(Src):
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class HypSrc(Src):
    def __init__(self, data):
        from hypothesis import strategies as st

        self.data = data
        self.st = st

    def int(self, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        return self.data.draw(self.st.integers(lo, hi))


# ---------------------------------------------------------------- names

# Keywords of the spec language (checker/lang/parser.py) and function names.
SPEC_KEYWORDS = (
    "spec const enum type var action invariant require if else either or for in let "
    "true false and not forall exists then bool int set map seq where union inter minus subset "
    "process property reachable fair weak strong loop await goto always eventually "
    "def with choose constraint refines terminal init").split()
FUNCTIONS = ("size", "len", "head", "tail", "push", "update", "min", "max")

# Identifiers that are valid spec names but mean something to Python or to the
# explicit engine's generated code (its locals: s, L, seen, app, err, viol,
# dead, tr, ne, b, xK, nK, yK, lK, hK, KK, pK...; its runtime helpers).
HOSTILE_NAMES = [
    "__import__", "os", "exec", "eval", "_", "__class__", "self", "print", "v0", "p1", "state",
    "lambda", "return", "import", "None", "True", "False", "class", "yield", "pass",
    "raise", "while", "async", "is", "del", "global", "nonlocal", "try", "except",
    "finally", "assert", "break", "continue", "from", "as", "elif", "__builtins__", "globals",
    "open", "sys", "compile", "s", "L", "seen", "app", "err", "viol", "dead", "tr", "ne", "b",
    "x1", "n1", "y1", "l1", "h1", "K0", "D0", "N0", "C0", "t1", "q1", "k1", "r1", "a0", "m0",
    "StepError", "Full", "_E", "_hd", "_bits", "vals", "init_values", "level", "check",
    "__name__", "__dict__", "__init__", "object", "type_", "getattr", "breakpoint", "exit",
    "out", "errs", "e", "i", "_x", "__", "___", "O0", "l", "I", "Ellipsis", "NotImplemented",
]


def default_names(placeholders) -> dict:
    """@v0 -> v0, @E1 -> E1, ... (the placeholder without its @)."""
    return {p: p[1:] for p in placeholders}


PLACEHOLDER = re.compile(r"@[A-Za-z]+[0-9]+(?:_[0-9]+)?")


def placeholders(template: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(template)), key=lambda p: (len(p), p))


def render(template: str, names: dict | None = None) -> str:
    names = names or default_names(placeholders(template))
    return PLACEHOLDER.sub(lambda m: names[m.group(0)], template)


def hostile_names(template: str, src: Src | None = None) -> dict:
    """A map of every placeholder to a distinct hostile identifier."""
    ps = placeholders(template)
    pool = list(HOSTILE_NAMES)
    if src is not None:
        order = []
        while pool:
            order.append(pool.pop(src.int(0, len(pool) - 1)))
        pool = order
    out = {}
    for i, p in enumerate(ps):
        out[p] = pool[i] if i < len(pool) else f"__h{i}__"
    return out


# ---------------------------------------------------------------- types
# ("bool",) ("int", lo, hi) ("enum", k) ("set", elem) ("map", key, val) ("seq", elem, cap)


def is_scalar(t) -> bool:
    return t[0] in ("bool", "int", "enum")


class Gen:
    """One valid spec.  ``template`` holds the text with placeholder names."""

    def __init__(self, src: Src, max_depth: int = 3):
        self.src = src
        self.max_depth = max_depth
        self.enums: list[list[str]] = []       # members (placeholders) of each enum
        self.consts: list[tuple[str, int]] = []  # (name, value)
        self.typedefs: list[tuple[str, tuple]] = []
        self.vars: list[tuple[str, tuple]] = []
        self.count = 0
        self.records = False

    # ---- names
    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"@{prefix}{self.count}"

    # ---- types
    def scalar_type(self):
        c = self.src.int(0, 5)
        if c == 0:
            return ("bool",)
        if c <= 3 or not self.enums:
            if self.enums and c == 3:
                return ("enum", self.src.int(0, len(self.enums) - 1))
            lo = self.src.int(-2, 1)
            return ("int", lo, lo + self.src.int(0, 3))
        return ("enum", self.src.int(0, len(self.enums) - 1))

    def small_scalar(self):
        """A domain small enough to be a set element / map key."""
        t = self.scalar_type()
        if t[0] == "int" and t[2] - t[1] > 2:
            t = ("int", t[1], t[1] + 2)
        return t

    def var_type(self):
        c = self.src.int(0, 9)
        if c <= 5:
            return self.scalar_type()
        if c == 6:
            return ("set", self.small_scalar())
        if c == 7:
            k = self.small_scalar()
            if k[0] == "bool":     # `[k in bool -> e]` cannot be written (bool is no domain)
                k = ("int", 0, 1)
            v = self.scalar_type() if self.src.int(0, 3) else ("seq", self.small_scalar(), 1)
            if k[0] != "bool" and v[0] == "int":
                v = ("int", v[1], min(v[2], v[1] + 1))
            return ("map", k, v)
        return ("seq", self.small_scalar(), self.src.int(1, 2))

    def dom_text(self, t) -> str:
        """A domain after `in` (quantifiers, for): `bool` is a type keyword, not a domain."""
        if t[0] == "bool":
            return "{false, true}"
        return self.type_text(t)

    def type_text(self, t, allow_alias=True) -> str:
        for name, td in self.typedefs:
            if td == t and allow_alias and self.src.bool():
                return name
        k = t[0]
        if k == "bool":
            return "bool"
        if k == "int":
            hi = str(t[2])
            for name, v in self.consts:
                if v == t[2] and self.src.bool():
                    hi = name
            return f"{t[1]}..{hi}"
        if k == "enum":
            return f"@E{t[1]}"
        if k == "set":
            return f"set<{self.type_text(t[1])}>"
        if k == "map":
            return f"map<{self.type_text(t[1])}, {self.type_text(t[2])}>"
        return f"seq<{self.type_text(t[1])}, {t[2]}>"

    # ---- values of a type (constant expressions)
    def members(self, t) -> list[str]:
        k = t[0]
        if k == "bool":
            return ["false", "true"]
        if k == "int":
            return [str(i) for i in range(t[1], t[2] + 1)]
        return list(self.enums[t[1]])

    def const_value(self, t, nonempty: bool = False) -> str:
        k = t[0]
        if is_scalar(t):
            v = self.src.choice(self.members(t))
            return f"({v})" if v.startswith("-") and self.src.bool() else v
        if k == "set":
            elems = [m for m in self.members(t[1]) if self.src.bool()]
            if nonempty and not elems:
                elems = [self.src.choice(self.members(t[1]))]
            return "{" + ", ".join(elems) + "}"
        if k == "seq":
            n = self.src.int(1 if nonempty else 0, t[2])
            return "[" + ", ".join(self.const_value(t[1], True) for _ in range(n)) + "]"
        kv = self.fresh("k")
        return f"[{kv} in {self.dom_text(t[1])} -> {self.const_value(t[2], True)}]"

    # ---- expressions
    def leaf_vars(self, scope, pred):
        return [n for n, t in scope if pred(t)]

    def expr(self, t, scope, depth: int = 0, nonempty: bool = True) -> str:
        """An expression of type t (ints: any value, may leave t's range)."""
        deep = depth >= self.max_depth
        k = t[0]
        same = self.leaf_vars(scope, lambda u: u == t or (k == "int" and u[0] == "int"))
        if deep or self.src.int(0, 3) == 0:
            if same and self.src.bool():
                return self.src.choice(same)
            return self.const_value(t, nonempty)
        d = depth + 1
        if k == "bool":
            return self.bool_expr(scope, d)
        if k == "int":
            return self.int_expr(t, scope, d)
        if k == "enum":
            c = self.src.int(0, 2)
            if c == 0:
                return f"(if {self.bool_expr(scope, d)} then {self.expr(t, scope, d)} else {self.expr(t, scope, d)})"
            if same:
                return self.src.choice(same)
            return self.const_value(t, nonempty)
        if k == "set":
            c = self.src.int(0, 4)
            if c <= 2:
                # the left operand is a variable: `{-2, -1} inter {-1, 0}` is rejected
                # by the front end (the literal's type is taken as set<-2..-1>)
                op = ("union", "minus", "inter")[c]
                sv = self.leaf_vars(scope, lambda u: u == t)
                if sv:
                    return f"({self.src.choice(sv)} {op} {self.expr(t, scope, d)})"
                return self.const_value(t, nonempty)
            if c == 3:
                n = self.src.int(1, 2)
                return "{" + ", ".join(self.elem_expr(t[1], scope, d) for _ in range(n)) + "}"
            return self.const_value(t, nonempty)
        if k == "seq":
            c = self.src.int(0, 3)
            if c == 0:
                return f"push({self.expr(t, scope, d)}, {self.elem_expr(t[1], scope, d)})"
            if c == 1:
                return f"tail({self.expr(t, scope, d)})"
            if c == 2:
                return "[" + self.elem_expr(t[1], scope, d) + "]"
            return self.const_value(t, nonempty)
        # map
        c = self.src.int(0, 2)
        if c == 0:
            return (f"update({self.expr(t, scope, d)}, {self.elem_expr(t[1], scope, d)}, "
                    f"{self.elem_expr(t[2], scope, d)})")
        if c == 1:
            kv = self.fresh("k")
            return f"[{kv} in {self.dom_text(t[1])} -> {self.elem_expr(t[2], scope + [(kv, t[1])], d)}]"
        return self.const_value(t, nonempty)

    def elem_expr(self, t, scope, depth):
        """An element / key / value: for ints, stay inside the range (mostly)."""
        if t[0] == "int":
            vars_ = self.leaf_vars(scope, lambda u: u[0] == "int" and t[1] <= u[1] and u[2] <= t[2])
            if vars_ and self.src.bool():
                return self.src.choice(vars_)
            return self.const_value(t)
        return self.expr(t, scope, depth)

    def int_expr(self, t, scope, d) -> str:
        c = self.src.int(0, 11)
        if c <= 1:
            op = ("+", "-")[c]
            return f"{self.expr(t, scope, d)} {op} {self.expr(t, scope, d)}"
        if c == 2:
            return f"{self.expr(t, scope, d)} * {self.expr(t, scope, d)}"
        if c == 3:
            op = self.src.choice(["/", "%"])
            return f"({self.expr(t, scope, d)}) {op} {self.src.choice(['1', '2', '3', '(-2)'])}"
        if c == 4:
            f = self.src.choice(["min", "max"])
            n = self.src.int(2, 3)
            return f"{f}(" + ", ".join(self.expr(t, scope, d) for _ in range(n)) + ")"
        if c == 5:
            return f"(if {self.bool_expr(scope, d)} then {self.expr(t, scope, d)} else {self.expr(t, scope, d)})"
        if c == 6:
            return f"-({self.expr(t, scope, d)})"
        colls = [(n, u) for n, u in scope if u[0] in ("set", "seq", "map")]
        if colls and c <= 9:
            n, u = self.src.choice(colls)
            if u[0] == "set":
                return f"size({n})"
            if u[0] == "seq":
                if u[1][0] == "int" and self.src.bool():
                    return f"(if len({n}) > 0 then head({n}) else {self.const_value(u[1])})"
                return f"len({n})"
            if u[2][0] == "int":
                return f"{n}[{self.elem_expr(u[1], scope, d)}]"
            if u[2][0] == "seq":
                return f"len({n}[{self.elem_expr(u[1], scope, d)}])"
        return f"({self.expr(t, scope, d)})"

    def bool_expr(self, scope, d) -> str:
        c = self.src.int(0, 12)
        B = ("bool",)
        I = ("int", -1, 3)
        if c == 0:
            return f"(not {self.expr(B, scope, d)})"
        if c <= 2:
            op = self.src.choice(["and", "or", "=>"])
            return f"({self.expr(B, scope, d)} {op} {self.expr(B, scope, d)})"
        if c <= 4:
            op = self.src.choice(["<", "<=", ">", ">=", "==", "!="])
            return f"({self.expr(I, scope, d)} {op} {self.expr(I, scope, d)})"
        if c == 5:
            ty = self.src.choice([n for n in (self.var_type(), *[u for _, u in scope])])
            op = self.src.choice(["==", "!="])
            if ty[0] == "set":
                # `{1} == {3}` is rejected by the front end ("3 is not a value of 1..1",
                # see docs/robustness.md): compare a set variable with an expression
                sv = self.leaf_vars(scope, lambda u: u == ty)
                if not sv:
                    return "true"
                return f"({self.src.choice(sv)} {op} {self.expr(ty, scope, d)})"
            return f"({self.expr(ty, scope, d, nonempty=True)} {op} {self.expr(ty, scope, d)})"
        if c == 6:
            q = self.src.choice(["forall", "exists"])
            dt = self.small_scalar()
            kv = self.fresh("q")
            dom = self.dom_text(dt)
            body = self.expr(B, scope + [(kv, dt)], d)
            return f"({q} {kv} in {dom}: {body})"
        if c == 7:
            sets = [(n, u) for n, u in scope if u[0] == "set"]
            if sets:
                n, u = self.src.choice(sets)
                neg = self.src.choice(["", "not "])
                return f"({self.elem_expr(u[1], scope, d)} {neg}in {n})"
            return f"({self.expr(I, scope, d)} in 0..2)"
        if c == 8:
            sets = [(n, u) for n, u in scope if u[0] == "set"]
            if sets:
                n, u = self.src.choice(sets)
                return f"({self.expr(u, scope, d, nonempty=True)} subset {n})"
        if c == 9:
            return f"(if {self.expr(B, scope, d)} then {self.expr(B, scope, d)} else {self.expr(B, scope, d)})"
        bools = self.leaf_vars(scope, lambda u: u == B)
        if bools:
            return self.src.choice(bools)
        return self.src.choice(["true", "false"])

    # ---- statements
    def stmts(self, scope, depth: int, n: int) -> list[str]:
        out: list[str] = []
        scope = list(scope)
        for _ in range(n):
            out += self.stmt(scope, depth)
        return out

    def block(self, scope, depth):
        n = self.src.int(1, 2)
        body = self.stmts(scope, depth + 1, n)
        return body

    def stmt(self, scope, depth) -> list[str]:
        ind = "  " * (depth + 1)
        c = self.src.int(0, 12) if depth < 2 else self.src.int(0, 6)
        if c == 0:
            return [f"{ind}require {self.bool_expr(scope, 1)}"]
        if c <= 3:
            name, t = self.src.choice(self.vars)
            return [f"{ind}{name} = {self.expr(t, scope, 1, nonempty=False)}"]
        if c <= 5:
            name, t = self.src.choice(self.vars)
            if t[0] == "set":
                m = self.src.choice(["add", "remove"])
                return [f"{ind}{name}.{m}({self.elem_expr(t[1], scope, 1)})"]
            if t[0] == "seq":
                if self.src.bool():
                    return [f"{ind}{name}.push({self.elem_expr(t[1], scope, 1)})"]
                return [f"{ind}require len({name}) > 0", f"{ind}{name}.pop()"]
            if t[0] == "map":
                key = self.elem_expr(t[1], scope, 1)
                if t[2][0] == "seq" and self.src.bool():
                    return [f"{ind}{name}[{key}].push({self.elem_expr(t[2][1], scope, 1)})"]
                return [f"{ind}{name}[{key}] = {self.elem_expr(t[2], scope, 1)}"]
            return [f"{ind}{name} = {self.expr(t, scope, 1, nonempty=False)}"]
        if c == 6:
            lt = self.scalar_type() if self.src.int(0, 3) else self.var_type()
            ln = self.fresh("l")
            line = f"{ind}let {ln} = {self.expr(lt, scope, 1)}"
            scope.append((ln, lt))
            return [line]
        if c <= 8:
            cond = self.bool_expr(scope, 1)
            lines = [f"{ind}if {cond} {{"] + self.block(scope, depth)
            if self.src.bool():
                if self.src.bool():
                    lines += [f"{ind}}} else if {self.bool_expr(scope, 1)} {{"] + self.block(scope, depth)
                lines += [f"{ind}}} else {{"] + self.block(scope, depth)
            return lines + [f"{ind}}}"]
        if c <= 10:
            lines = [f"{ind}either {{"] + self.block(scope, depth)
            for _ in range(self.src.int(1, 2)):
                lines += [f"{ind}}} or {{"] + self.block(scope, depth)
            return lines + [f"{ind}}}"]
        dt = self.small_scalar()
        fv = self.fresh("f")
        dom = self.dom_text(dt) if self.src.bool() or dt[0] != "int" else f"{dt[1]}..{dt[2]}"
        lines = [f"{ind}for {fv} in {dom} {{"] + self.block(scope + [(fv, dt)], depth)
        return lines + [f"{ind}}}"]

    # ---- the spec
    def spec(self) -> str:
        src = self.src
        out = [f"spec @S0", ""]
        for e in range(src.int(0, 2)):
            ms = [f"@M{e}_{i}" for i in range(src.int(1, 3))]
            self.enums.append(ms)
            out.append(f"enum @E{e} {{ {', '.join(ms)} }}")
        for c in range(src.int(0, 1)):
            v = src.int(1, 3)
            name = f"@N{c}"
            out.append(f"const {name}: 1..4 = {v}")
            self.consts.append((name, v))
        if src.bool():
            t = self.var_type()
            name = f"@T0"
            out.append(f"type {name} = {self.type_text(t, allow_alias=False)}")
            self.typedefs.append((name, t))
        for i in range(src.int(1, 3)):
            t = self.var_type()
            name = f"@v{i}"
            if is_scalar(t) and src.chance(3):
                ms = self.members(t)
                k = src.int(1, len(ms))
                if t[0] == "enum" and k == len(ms):
                    dom = self.type_text(t)
                elif t[0] == "int" and src.bool():
                    dom = f"{t[1]}..{t[1] + k - 1}"
                else:
                    dom = "{" + ", ".join(ms[:k]) + "}"
                out.append(f"var {name}: {self.type_text(t)} in {dom}")
            else:
                out.append(f"var {name}: {self.type_text(t)} = {self.const_value(t)}")
            self.vars.append((name, t))
        out.append("")
        for a in range(src.int(1, 4)):
            params = []
            scope = list(self.vars)
            for p in range(src.int(0, 2)):
                pt = self.small_scalar()
                pn = f"@p{a}_{p}"
                params.append(f"{pn}: {self.type_text(pt)}")
                scope.append((pn, pt))
            head = f"action @a{a}" + (f"({', '.join(params)})" if params or src.chance(4) else "")
            body = self.stmts(scope, 0, src.int(1, 4))
            out += [head + " {"] + body + ["}", ""]
        for i in range(src.int(0, 3)):
            out.append(f"invariant @i{i}: {self.bool_expr(list(self.vars), 1)}")
        if self.records:
            out += self.record_part()
        return "\n".join(out) + "\n"

    def record_part(self) -> list[str]:
        """A record type over two scalar fields, a set of them, a tuple, a def,
        a `with` update, a filter, `choose` and an `m in set` parameter; field
        names are placeholders too (so they get hostile names)."""
        src = self.src
        f0, f1 = self.small_scalar(), self.small_scalar()
        v0, v1 = self.const_value(f0), self.const_value(f1)
        t0, t1 = self.type_text(f0), self.type_text(f1)
        ok = self.src.choice(self.members(f1))
        return [
            f"type @R0 = {{ @F0: {t0}, @F1: {t1} }}",
            f"type @U0 = ({t1}, bool)",
            "var @V8: set<@R0> = {}",
            f"var @V9: @R0 = {{ @F0: {v0}, @F1: {v1} }}",
            f"var @V7: @U0 = ({v1}, {self.src.choice(['false', 'true'])})",
            f"def @D0(@X0: @R0): bool = @X0.@F1 == {ok}",
            "def @D1: set<@R0> = { @X1 in @V8 | @D0(@X1) }",
            "action @A8(@P9 in @V8) {",
            f"  @V9 = @P9 with {{ @F1: {self.src.choice(self.members(f1))} }}",
            "  let (@L0, @L1) = @V7",
            "  @V7 = (@V9.@F1, not @L1)",
            "}",
            "action @A9 {",
            f"  require size(@V8) < {src.int(1, 3)}",
            "  @V8 = @V8 union {@V9}",
            "  if exists @X2 in @V8: @D0(@X2) { @V9 = choose @X3 in @V8: @D0(@X3) }",
            "}",
            "invariant @I9: size(@D1) <= size(@V8) and @V7.0 == @V7.0",
        ]


    def compound_part(self) -> list[str]:
        """Compound values (checker/lang/records_sets.py): a set of sets, a
        record or tuple holding a set, a set of those, a map to sequences of
        tuples of sets; built by comprehensions, `with`, `choose`, tuple
        destructuring, set and `r in S` parameters.  Which parts and which
        properties appear is drawn, the names are placeholders (hostile names
        reach field names too), and a set of sequences.  Kept small: a node
        type of 2 or 3 values."""
        src = self.src
        n = 2 if src.int(0, 3) else 3
        cap = src.int(1, 2)
        tuple_record = src.bool()
        lines = [
            f"type @ND0 = 1..{n}",
            "type @H0 = set<@ND0>",
            "enum @EK0 { @MK0_0, @MK0_1 }",
            "type @C0 = (@EK0, set<@ND0>)" if tuple_record else "type @C0 = { @G0: @EK0, @G1: set<@ND0> }",
        ]
        kind, voters = (".0", ".1") if tuple_record else (".@G0", ".@G1")

        def rec(k: str, s: str) -> str:
            return f"({k}, {s})" if tuple_record else f"{{ @G0: {k}, @G1: {s} }}"

        start = src.choice(["{}", "{ @X5 in @H0 | size(@X5) == 1 }", "{{1}}"])
        lines += [
            f"var @W0: set<set<@ND0>> = {start}",
            "var @W1: set<@C0> = {}",
            "var @W2: map<@ND0, seq<(@EK0, set<@ND0>), " + str(cap) + ">> = [@X6 in @ND0 -> []]",
        ]
        limit = src.int(2, 3)
        actions = [
            ["action @B0(@Q0: @ND0) {", f"  require size(@W0) < {limit}", "  @W0 = @W0 union {{@Q0}}", "}"],
            ["action @B1(@Q1: @H0) {", "  require size(@Q1) >= 2 and @Q1 not in @W0",
             f"  require size(@W0) < {limit}", "  @W0 = @W0 union {@Q1}", "}"],
            ["action @B2(@Q2: @ND0) {", "  require size(@W1) < 2",
             f"  @W1 = @W1 union {{{rec('@MK0_0', '{@Q2}')}}}", "}"],
            ["action @B3(@Q3 in @W1, @Q4: @ND0) {", f"  require @Q4 not in @Q3{voters}",
             f"  let @L3 = @Q3{voters} union {{@Q4}}",
             f"  @W1 = (@W1 minus {{@Q3}}) union {{{rec('@MK0_1', '@L3')}}}"
             if tuple_record or src.bool() else
             f"  @W1 = (@W1 minus {{@Q3}}) union {{@Q3 with {{ @G0: @MK0_1, @G1: @L3 }}}}", "}"],
            ["action @B4(@Q5: @ND0) {", "  require size(@W0) > 0 and len(@W2[@Q5]) < " + str(cap),
             "  let @L4 = choose @X7 in @W0: size(@X7) >= 1" if src.bool() else
             "  let @L4 = choose @X7 in @W0: true",
             f"  @W2[@Q5] = push(@W2[@Q5], ({src.choice(['@MK0_0', '@MK0_1'])}, @L4))", "}"],
            ["action @B5(@Q6: @ND0) {", "  require len(@W2[@Q6]) > 0", "  let (@L5, @L6) = head(@W2[@Q6])",
             "  @W2[@Q6] = tail(@W2[@Q6])", "  if @L5 == @MK0_1 { @W0 = @W0 minus {@L6} } else {",
             f"    @W1 = @W1 union {{{rec('@L5', '@L6')}}}", "  }", "}"],
        ]
        keep = [a for a in actions if src.int(0, 3)] or actions[:1]
        for a in keep:
            lines += a
        props = [
            f"invariant @J0: forall @X8 in @W0: size(@X8) <= {src.int(1, n)}",
            f"invariant @J1: {{ @X9{voters} | @X9 in @W1 }} subset @W0",
            f"invariant @J2: size({{ @X10 in @W1 | @X10{kind} == @MK0_1 }}) <= {src.int(0, 1)}",
            f"invariant @J3: forall @X11 in @ND0: forall @X12 in 0..{cap - 1}: "
            f"@X12 < len(@W2[@X11]) => @W2[@X11][@X12].1 in @W0",
            f"invariant @J4: size(@W1) == 0 or {src.choice(['1', '2'])} in (choose @X13 in @W1: true){voters}",
            f"reachable @J5: exists @X14 in @W1: size(@X14{voters}) == {n}",
        ]
        lines += [p for p in props if src.bool()] or props[:1]
        if src.bool():  # sequences used as values: a set of them (ir.PackedSeqT)
            lines += ["var @W3: set<seq<@EK0, 1>> = {}",
                      "action @B6(@Q7: @EK0) {", "  @W3 = @W3 union {[@Q7]}", "}",
                      "invariant @J6: forall @X15 in @W3: len(@X15) == 1 and @X15[0] in {@MK0_0, @MK0_1}"]
        return lines


def gen_spec(src: Src, max_depth: int = 3, records: bool = False, compound: bool = False) -> str:
    """A template (placeholders for names) of a valid spec; ``records``: with
    a record part (Gen.record_part) after the rest; ``compound``: with a part
    of compound values (Gen.compound_part)."""
    g = Gen(src, max_depth)
    g.records = records
    text = g.spec()
    if compound:
        text += "\n".join(g.compound_part()) + "\n"
    return text


# ---------------------------------------------------------------- token mutations

TOKEN = re.compile(r"//[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\.\.|->|=>|==|!=|<=|>=|[^\sA-Za-z0-9_]|\s+")
OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "=>", "not",
             "union", "minus", "inter", "subset", "in", "..", "->", "=", ":", ",", ".", ";", "~>"]
BRACKETS = set("(){}[]<>")
TYPES = ["bool", "int", "0..3", "set<bool>", "seq<bool, 2>", "map<bool, bool>", "1..0", "Nope"]
MUTATIONS = ("misspell", "swap_type", "delete", "duplicate", "swap", "operator", "bracket",
             "keyword", "huge_int", "deep_nesting", "insert_garbage", "truncate")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def mutate_text(src: Src, text: str) -> tuple[str, str]:
    """One mutation of ``text``; returns (mutation kind, new text)."""
    toks = tokens(text)
    if "".join(toks) != text:  # characters the regexp does not cover: keep them
        toks = [text]
    sig = [i for i, t in enumerate(toks) if not t.isspace() and not t.startswith("//")]
    if not sig:
        return "none", text
    kind = src.choice(MUTATIONS)
    names = [i for i in sig if re.match(r"[A-Za-z_]", toks[i]) and toks[i] not in SPEC_KEYWORDS]
    ints = [i for i in sig if toks[i].isdigit()]
    ops = [i for i in sig if toks[i] in OPERATORS]
    brs = [i for i in sig if toks[i] in BRACKETS]
    i = src.choice(sig)
    if kind == "misspell" and names:
        i = src.choice(names)
        w = toks[i]
        j = src.int(0, len(w) - 1)
        c = src.choice("abcxyz_0")
        op = src.int(0, 2)
        if op == 0:
            w = w[:j] + c + w[j + 1:]
        elif op == 1:
            w = w[:j] + c + w[j:]
        else:
            w = w[:j] + w[j + 1:] or "x"
        if not re.match(r"[A-Za-z_]", w):
            w = "_" + w
        toks[i] = w
    elif kind == "swap_type":
        ts = [k for k in sig if toks[k] in ("bool", "set", "seq", "map", "int")]
        if ts:
            i = src.choice(ts)
            toks[i] = src.choice(TYPES)
        else:
            toks[i] = src.choice(TYPES)
    elif kind == "delete":
        toks[i] = ""
    elif kind == "duplicate":
        toks[i] = toks[i] + " " + toks[i]
    elif kind == "swap":
        k = sig.index(i)
        if k + 1 < len(sig):
            j = sig[k + 1]
            toks[i], toks[j] = toks[j], toks[i]
    elif kind == "operator" and ops:
        i = src.choice(ops)
        toks[i] = f" {src.choice(OPERATORS)} "
    elif kind == "bracket" and brs:
        i = src.choice(brs)
        toks[i] = "" if src.bool() else src.choice(sorted(BRACKETS))
    elif kind == "keyword" and names:
        i = src.choice(names)
        toks[i] = src.choice(SPEC_KEYWORDS + list(FUNCTIONS) + ["typeok", "deadlock"])
    elif kind == "huge_int":
        i = src.choice(ints) if ints else i
        digits = src.choice([20, 40, 400, 4400, 5000])
        toks[i] = ("-" if src.chance(4) else "") + "9" * digits
    elif kind == "deep_nesting":
        i = src.choice(ints) if ints else i
        depth = src.choice([50, 500, 1100, 3000])
        form = src.int(0, 3)
        if form == 0:
            toks[i] = "(" * depth + toks[i] + ")" * depth
        elif form == 1:
            toks[i] = "- " * depth + toks[i]
        elif form == 2:
            toks[i] = " + ".join([toks[i]] * depth)
        else:
            toks[i] = "if true then " * depth + toks[i] + " else 0" * depth
    elif kind == "insert_garbage":
        toks[i] = toks[i] + src.choice([" @ ", " $ ", " ~ ", " \x00 ", " é ", " 💥 ", "\t", " \\ ", "\r",
                                        " ' ", ' "x" ', " # ", " ? ", " | ", " & ", " ! "])
    elif kind == "truncate":
        toks = toks[: i + 1]
    else:
        toks[i] = ""
        kind = "delete"
    return kind, "".join(toks)


# ---------------------------------------------------------------- byte mutations

BYTE_MUTATIONS = ("flip", "insert", "delete", "nul", "invalid_utf8", "overwrite", "splice", "truncate")
INTERESTING = [b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
               b"\xef\xbb\xbf", b"\r", b"\r\n", b"\t", b"\x0b", b"\x0c", b"\x1b[31m", b"\xe2\x80\xae",
               b"\xc2\xa0", b"{", b"}", b"(", b"[", b"//", b"///", b"\n", b"9" * 30, b"\xe2\x80\xa8"]


def mutate_bytes(src: Src, data: bytes, n: int | None = None) -> bytes:
    """1-4 (or ``n``) byte-level mutations."""
    buf = bytearray(data)
    for _ in range(n if n is not None else src.int(1, 4)):
        kind = src.choice(BYTE_MUTATIONS)
        pos = src.int(0, len(buf)) if buf else 0
        if kind == "flip" and buf:
            p = min(pos, len(buf) - 1)
            buf[p] ^= 1 << src.int(0, 7)
        elif kind == "insert":
            buf[pos:pos] = bytes([src.int(0, 255)])
        elif kind == "delete" and buf:
            buf[pos:pos + src.int(1, 8)] = b""
        elif kind == "nul":
            buf[pos:pos] = b"\x00"
        elif kind == "invalid_utf8":
            buf[pos:pos] = src.choice(INTERESTING)
        elif kind == "overwrite" and buf:
            chunk = src.choice(INTERESTING)
            buf[pos:pos + len(chunk)] = chunk
        elif kind == "splice" and buf:
            a = src.int(0, len(buf) - 1)
            b = min(len(buf), a + src.int(1, 200))
            buf[pos:pos] = buf[a:b]
        elif kind == "truncate":
            del buf[pos:]
    return bytes(buf)
