"""Small, well-typed random specs (as spec text), for cross-checking engines.

``gen_spec(choose)`` builds a spec from a chooser with two methods,
``int(lo, hi)`` and ``pick(seq)``; :func:`specs` is the Hypothesis strategy
(the chooser draws from Hypothesis, so failures shrink), and
:class:`RandomChooser` drives the same generator from ``random.Random`` for
the large tier (bench/random_crosscheck.py).

A spec has 2-4 variables over bool, a small range, an enum, a small set or a
small map; 1-3 actions (maybe with a parameter) built from require, assign,
if/else and either; 1-3 invariants.  Assignments may leave a variable's range
(a typeok violation), actions may block (deadlocks): both are wanted.
"""
from __future__ import annotations

import random

from hypothesis import strategies as st

MEMBERS = ("Red", "Green", "Blue")
NL = "\n"


class RandomChooser:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]


class DrawChooser:
    def __init__(self, draw):
        self.draw = draw

    def int(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def pick(self, seq):
        return seq[self.draw(st.integers(0, len(seq) - 1))]


class _Gen:
    def __init__(self, c):
        self.c = c
        self.vars: list[tuple[str, str, int]] = []  # (name, kind, hi for ranges)
        self.params: list[tuple[str, int]] = []     # in scope: (name, hi)

    # ---------------------------------------------------------------- vars

    def var_decl(self, i: int) -> str:
        c = self.c
        kind = c.pick(("bool", "int", "int", "enum", "set", "map"))
        name = f"{kind[0]}{i}"
        if kind == "bool":
            self.vars.append((name, kind, 1))
            if c.int(0, 3) == 0:
                return f"var {name}: bool in {{false, true}}"
            return f"var {name}: bool = {c.pick(('false', 'true'))}"
        if kind == "int":
            hi = c.int(1, 3)
            self.vars.append((name, kind, hi))
            if c.int(0, 3) == 0:
                return f"var {name}: 0..{hi} in 0..{c.int(0, hi)}"
            return f"var {name}: 0..{hi} = {c.int(0, hi)}"
        if kind == "enum":
            self.vars.append((name, kind, 2))
            return f"var {name}: Color = {c.pick(MEMBERS)}"
        if kind == "set":
            self.vars.append((name, kind, 2))
            init = c.pick(("{}", "{0}", "{1, 2}"))
            return f"var {name}: set<0..2> = {init}"
        self.vars.append((name, kind, 2))
        return f"var {name}: map<0..1, 0..2> = [k in 0..1 -> {c.int(0, 2)}]"

    def _of(self, kind):
        return [v for v in self.vars if v[1] == kind]

    # ---------------------------------------------------------------- expressions

    def small_int(self) -> str:
        """An int-valued expression in a small range (maybe a parameter)."""
        c = self.c
        opts = ["lit"]
        if self._of("int"):
            opts += ["var", "var"]
        if self.params:
            opts.append("param")
        if self._of("map"):
            opts.append("map")
        if self._of("set"):
            opts.append("size")
        k = c.pick(opts)
        if k == "lit":
            return str(c.int(0, 3))
        if k == "var":
            return c.pick(self._of("int"))[0]
        if k == "param":
            return c.pick(self.params)[0]
        if k == "map":
            return f"{c.pick(self._of('map'))[0]}[{self.key()}]"
        return f"size({c.pick(self._of('set'))[0]})"

    def key(self) -> str:
        """A map key in 0..1 (never out of range)."""
        c = self.c
        ps = [p for p in self.params if p[1] <= 1]
        if ps and c.int(0, 1):
            return c.pick(ps)[0]
        return str(c.int(0, 1))

    def elem(self) -> str:
        """A set element in 0..2."""
        c = self.c
        ps = [p for p in self.params if p[1] <= 2]
        if ps and c.int(0, 1):
            return c.pick(ps)[0]
        return str(c.int(0, 2))

    def bool_expr(self, depth: int = 2) -> str:
        c = self.c
        opts = ["cmp", "cmp"]
        if self._of("bool"):
            opts += ["bvar", "bvar"]
        if self._of("enum"):
            opts.append("enum")
        if self._of("set"):
            opts.append("in")
        if depth > 0:
            opts += ["not", "and", "or"]
        k = c.pick(opts)
        if k == "bvar":
            return c.pick(self._of("bool"))[0]
        if k == "cmp":
            op = c.pick(("==", "!=", "<", "<=", ">", ">="))
            return f"{self.small_int()} {op} {self.small_int()}"
        if k == "enum":
            return f"{c.pick(self._of('enum'))[0]} {c.pick(('==', '!='))} {c.pick(MEMBERS)}"
        if k == "in":
            return f"{self.elem()} {c.pick(('in', 'not in'))} {c.pick(self._of('set'))[0]}"
        if k == "not":
            return f"not ({self.bool_expr(depth - 1)})"
        op = "and" if k == "and" else "or"
        return f"({self.bool_expr(depth - 1)}) {op} ({self.bool_expr(depth - 1)})"

    # ---------------------------------------------------------------- statements

    def assign(self) -> str:
        c = self.c
        name, kind, hi = c.pick(self.vars)
        if kind == "bool":
            return f"{name} = {c.pick(('not ' + name, 'true', 'false', '(' + self.bool_expr(1) + ')'))}"
        if kind == "int":
            e = c.pick((f"{name} + 1", f"{name} - 1", self.small_int(), f"({self.small_int()} + {name}) % {hi + 1}",
                        f"min({name} + 1, {hi})", f"if {self.bool_expr(1)} then {c.int(0, hi)} else {name}"))
            return f"{name} = {e}"
        if kind == "enum":
            return f"{name} = {c.pick(MEMBERS)}"
        if kind == "set":
            return f"{name}.{c.pick(('add', 'remove'))}({self.elem()})"
        return f"{name}[{self.key()}] = {c.pick((self.small_int(), str(c.int(0, 2)), f'{name}[{self.key()}] + 1'))}"

    def stmts(self, depth: int, n: int) -> list[str]:
        c = self.c
        out = []
        for _ in range(n):
            opts = ["assign", "assign", "require"]
            if depth > 0:
                opts += ["if", "either"]
            k = c.pick(opts)
            if k == "assign":
                out.append(self.assign())
            elif k == "require":
                out.append(f"require {self.bool_expr(1)}")
            elif k == "if":
                then = self.stmts(depth - 1, c.int(1, 2))
                els = self.stmts(depth - 1, c.int(0, 1))
                s = f"if {self.bool_expr(1)} {{ {NL.join(then)} }}"
                if els:
                    s += f" else {{ {NL.join(els)} }}"
                out.append(s)
            else:
                a = self.stmts(depth - 1, c.int(1, 2))
                b = self.stmts(depth - 1, c.int(1, 2))
                out.append(f"either {{ {NL.join(a)} }} or {{ {NL.join(b)} }}")
        return out

    def action(self, i: int) -> str:
        c = self.c
        self.params = []
        head = f"action a{i}"
        if c.int(0, 2) == 0:
            hi = c.int(1, 2)
            self.params = [("p", hi)]
            head += f"(p: 0..{hi})"
        body = self.stmts(2, c.int(1, 3))
        self.params = []
        return head + " {\n  " + "\n  ".join(body) + "\n}"


class _RecordGen(_Gen):
    """``records=True``: also a record type, a tuple type, a set of records,
    defs, comprehensions, ``choose``, ``with``, field reads and a parameter
    ranging over a state-dependent set (checker/lang/records.py)."""

    HEADER = ["type Msg = { c: Color, n: 0..1 }", "type Pr = (bool, 0..2)"]

    def var_decl(self, i: int) -> str:
        c = self.c
        kind = c.pick(("rec", "recset", "tup", "base"))
        if kind == "base":
            return super().var_decl(i)
        name = {"rec": "r", "recset": "ms", "tup": "t"}[kind] + str(i)
        self.vars.append((name, kind, 1))
        if kind == "rec":
            return f"var {name}: Msg = {{ c: {c.pick(MEMBERS)}, n: {c.int(0, 1)} }}"
        if kind == "recset":
            return f"var {name}: set<Msg> = {c.pick(('{}', '{{ c: Red, n: 1 }}'))}"
        return f"var {name}: Pr = ({c.pick(('false', 'true'))}, {c.int(0, 2)})"

    def defs(self) -> list[str]:
        out = ["def big(x: Msg): bool = x.n == 1"]
        if self._of("recset"):
            out.append(f"def reds: set<Msg> = {{ x in {self._of('recset')[0][0]} | x.c == Red }}")
        return out

    def msg(self) -> str:
        """A record-valued expression."""
        c = self.c
        opts = ["lit", "lit"] + (["var", "var", "with"] if self._of("rec") else []) + ["choose"]
        k = c.pick(opts)
        if k == "lit":
            return f"{{ c: {c.pick(MEMBERS)}, n: {c.pick(('0', '1', 'p % 2') if self.params else ('0', '1'))} }}"
        if k == "var":
            return c.pick(self._of("rec"))[0]
        if k == "with":
            return f"({c.pick(self._of('rec'))[0]} with {{ c: {c.pick(MEMBERS)} }})"
        return f"(choose x in Msg: x.c == {c.pick(MEMBERS)} and x.n >= {c.int(0, 1)})"

    def small_int(self) -> str:
        c = self.c
        opts = ["base", "base"] + (["rn"] if self._of("rec") else []) + (["t1"] if self._of("tup") else []) \
            + (["size"] if self._of("recset") else [])
        k = c.pick(opts)
        if k == "rn":
            return f"{c.pick(self._of('rec'))[0]}.n"
        if k == "t1":
            return f"{c.pick(self._of('tup'))[0]}.1"
        if k == "size":
            return c.pick((f"size({c.pick(self._of('recset'))[0]})", "size(reds)"))
        return super().small_int()

    def bool_expr(self, depth: int = 2) -> str:
        c = self.c
        opts = ["base", "base", "big"] + (["rc"] if self._of("rec") else []) + (["t0"] if self._of("tup") else []) \
            + (["in", "exists", "in"] if self._of("recset") else [])
        k = c.pick(opts)
        if k == "big":
            return f"big({self.msg()})"
        if k == "rc":
            return f"{c.pick(self._of('rec'))[0]}.c {c.pick(('==', '!='))} {c.pick(MEMBERS)}"
        if k == "t0":
            return f"{c.pick(self._of('tup'))[0]}.0"
        if k == "in":
            return f"{self.msg()} {c.pick(('in', 'not in'))} {c.pick(self._of('recset'))[0]}"
        if k == "exists":
            return f"(exists x in {c.pick(self._of('recset'))[0]}: x.n == {c.int(0, 1)})"
        return super().bool_expr(depth)

    def assign(self) -> str:
        c = self.c
        name, kind, _ = c.pick(self.vars)
        if kind == "rec":
            return f"{name} = {self.msg()}"
        if kind == "recset":
            return c.pick((f"{name} = {name} union {{{self.msg()}}}", f"{name} = {name} minus {{{self.msg()}}}",
                           f"{name} = {{ x in {name} | x.n == {c.int(0, 1)} }}", f"{name}.add({self.msg()})"))
        if kind == "tup":
            # the second element may leave 0..2: a typeok violation, wanted
            second = c.pick(("min(" + self.small_int() + ", 2)", name + ".1 + 1", "0"))
            return f"{name} = ({self.bool_expr(1)}, {second})"
        saved = self.vars  # the base generator's assignment, to a base variable
        self.vars = [v for v in saved if v[1] in ("bool", "int", "enum", "set", "map")]
        try:
            return super().assign()
        finally:
            self.vars = saved

    def action(self, i: int) -> str:
        c = self.c
        if self._of("recset") and c.int(0, 2) == 0:
            self.params = []
            body = self.stmts(2, c.int(1, 3))
            return f"action a{i}(m in {c.pick(self._of('recset'))[0]}) {{\n  require m.n == {c.int(0, 1)}\n  " \
                + "\n  ".join(body) + "\n}"
        return super().action(i)


TEMPORAL_FORMS = ("eventually {p}", "always eventually {p}", "eventually always {p}",
                  "{p} ~> {q}", "always {p}")
FAIRNESS = ("", "", "fair ", "strong fair ")


def gen_spec(c, temporal: bool = False, records: bool = False, extras: bool = False) -> str:
    """``temporal``: actions may be (weakly or strongly) fair, and the spec
    has 1-2 temporal properties of every form.  ``records``: records,
    tuples, defs and comprehensions too (_RecordGen).  ``extras``: the constructs
    that desugar in the front end (checker/lang/constraints.py, sugar.py):
    maybe a state constraint, an initial-state predicate, an ``init { }``
    block, an ``assert`` in an action, and (with ``temporal``) a fairness
    group."""
    g = _RecordGen(c) if records else _Gen(c)
    lines = ["spec random", f"enum Color {{ {', '.join(MEMBERS)} }}"] + (_RecordGen.HEADER if records else [])
    for i in range(c.int(2, 4)):
        lines.append(g.var_decl(i))
    if records:
        lines += g.defs()
    for i in range(c.int(1, 3)):
        lines.append((c.pick(FAIRNESS) if temporal else "") + g.action(i))
    for i in range(c.int(1, 3)):
        lines.append(f"invariant inv{i}: {g.bool_expr(2)}")
    if temporal:
        for i in range(c.int(1, 2)):
            form = c.pick(TEMPORAL_FORMS)
            lines.append(f"property live{i}: " + form.format(p=g.bool_expr(1), q=g.bool_expr(1)))
    if extras:
        lines += _extras(c, g, temporal, [ln for ln in lines if ln.startswith(("action", "fair", "strong"))])
    return "\n".join(lines) + "\n"


def _extras(c, g, temporal: bool, actions: list[str]) -> list[str]:
    out = []
    if c.int(0, 1):
        out.append(f"constraint bound: {g.bool_expr(1)}")
    if c.int(0, 1):
        out.append(f"init: {g.bool_expr(1)}")
    if c.int(0, 1):   # an init block: one of two starts, maybe guarded
        out.append(f"init {{\n  either {{ {g.assign()} }} or {{ {g.assign()} }}\n}}")
    if c.int(0, 1):   # an assert at the end of a new action, after one statement
        out.append("action checked {\n  " + g.assign() + f"\n  assert({g.bool_expr(1)})\n}}")
    if temporal and len(actions) > 1 and c.int(0, 1):
        names = [a.split("action ", 1)[1].split("(")[0].split(" ")[0] for a in actions]
        out.append(f"{c.pick(('fair', 'strong fair'))} {{ {' or '.join(names[:2])} }}")
    return out


@st.composite
def specs(draw, temporal: bool = False, records: bool = False, extras: bool = False) -> str:
    return gen_spec(DrawChooser(draw), temporal, records, extras)


def random_spec(seed: int, temporal: bool = False, records: bool = False, extras: bool = False) -> str:
    return gen_spec(RandomChooser(random.Random(seed)), temporal, records, extras)
