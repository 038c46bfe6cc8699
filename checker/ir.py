"""The one typed, fully resolved model that every engine consumes.

The front end (``checker.lang``) turns spec text into a :class:`Spec`; engines
and reporters see only this module's classes and ``checker.results``.  Every
name here has been resolved and every expression carries its type, so an
engine never looks anything up by the user's spelling.

Values
------
Concrete values use plain Python objects (the *canonical* form, also used in
traces): ``bool``; ``int``; an enum member is its name as ``str`` (a name
may be a member of several enums: the type says which, so engines index a
member within its own ``EnumT``); a set is a ``frozenset``; a
sequence is a ``tuple``; a map is a ``tuple`` of its values in the order of
its key domain (see :func:`domain_values`).  ``bool`` is never used where an
``int`` is meant: the type checker keeps them apart.

Semantics that every engine must implement identically
------------------------------------------------------
* An action is one atomic step.  Its statements run in order; an assignment
  is visible to the statements after it.  ``Require(c)`` with ``c`` false
  discards the current branch (no successor from it).  ``Either`` yields one
  branch per alternative.  ``Let`` binds (or rebinds) an immutable local.
  ``for`` loops are unrolled by the front end into ``Let`` + body copies.
* ``and``, ``or``, ``implies`` and ``Ite`` evaluate left to right and stop
  early, so ``len(q) > 0 and head(q) == 1`` never evaluates ``head`` of an
  empty sequence.
* Runtime errors make the *step* (or the initial state, or the invariant)
  erroneous; the built-in property ``typeok`` is then violated, with the
  trace that leads to the step.  They are:
    - an assignment of a value outside the variable's declared type (deep:
      set elements, sequence elements and length, map values), or an initial
      value outside it;
    - ``head``/``tail`` of an empty sequence; ``push`` onto a sequence whose
      length is already the capacity of the *expression's* type;
    - ``Index`` of a sequence outside ``0..len-1``; ``Index`` of a map with a
      key outside its key domain;
    - ``div``/``mod`` by zero (``div``/``mod`` round toward negative
      infinity, as Python's ``//`` and ``%``);
    - ``set_add``/``set_remove`` of an element outside the set's element
      domain, ``map_update`` with such a key.
  An error while evaluating an invariant counts as a violation of that
  invariant (the detail says which error).  A step that errs still counts as
  an enabled transition (the state is not a deadlock).
* A state is a deadlock when no action binding yields any successor
  (erroneous steps included) and it does not satisfy ``Spec.terminal`` (set
  when processes can finish: a state where all have finished is termination).
* Processes are desugared by the front end into a program-counter variable
  per process, plain actions named ``proc.step`` (the process instance is the
  first parameter), and ``Fairness`` groups, so engines need no notion of them.
* Action parameters range over finite domains; bindings are enumerated in
  parameter order, each parameter's values in domain order.  Initial choices
  (``var x: T in S``) are enumerated in the domain order of ``T`` too, and
  initial states in the product over the variables in declaration order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Iterator, Union

# ---------------------------------------------------------------- positions


@dataclass(frozen=True)
class Span:
    """Where a construct came from; never part of equality."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False, kw_only=True)  # type: ignore[return-value]


# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class BoolT:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class IntT:
    """An integer range ``lo..hi`` (inclusive).

    ``lo``/``hi`` are expressions: :class:`Lit` once constants are bound, or
    expressions over :class:`Const` when a constant is left symbolic (only the
    Z3 engines accept that).  ``None`` means unbounded; it appears only as the
    type of arithmetic results and integer literals, never on a declaration.
    """

    lo: "Expr | None" = None
    hi: "Expr | None" = None
    # The name of the ``symmetric type`` this range was declared as ("" for
    # none).  Not part of equality: engines see a plain range; only the
    # front end's symmetry check and the explicit engine's symmetry
    # reduction (checker/explicit/symmetry.py) read it.
    symmetric: str = field(default="", compare=False)

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    @property
    def concrete(self) -> bool:
        return isinstance(self.lo, Lit) and isinstance(self.hi, Lit)

    def bounds(self) -> tuple[int, int]:
        """The bounds as ints; raises SymbolicBound when a constant is left open."""
        if not self.concrete:
            raise SymbolicBound(self)
        return self.lo.value, self.hi.value  # type: ignore[union-attr]

    def __str__(self) -> str:
        if not self.bounded:
            return "int"
        return f"{show_expr(self.lo)}..{show_expr(self.hi)}"  # type: ignore[arg-type]


@dataclass(frozen=True)
class EnumT:
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SetT:
    elem: "Type"

    def __str__(self) -> str:
        return f"set<{self.elem}>"


@dataclass(frozen=True)
class MapT:
    key: "Type"  # a finite scalar type: BoolT, bounded IntT, EnumT
    value: "Type"

    def __str__(self) -> str:
        return f"map<{self.key}, {self.value}>"


@dataclass(frozen=True)
class SeqT:
    elem: "Type"
    cap: int  # maximum length

    def __str__(self) -> str:
        return f"seq<{self.elem}, {self.cap}>"


Type = Union[BoolT, IntT, EnumT, SetT, MapT, SeqT]
BOOL = BoolT()
INT = IntT()


class SymbolicBound(Exception):
    """A type's bounds depend on a constant that has no value."""

    def __init__(self, t: IntT):
        super().__init__(f"the range {t} depends on a constant with no value")
        self.type = t


def is_scalar(t: Type) -> bool:
    return isinstance(t, (BoolT, IntT, EnumT))


def domain_values(t: Type) -> tuple:
    """Every value of a finite scalar type, in domain order.

    Bool: (False, True).  Int range: lo..hi ascending.  Enum: declaration order.
    """
    if isinstance(t, BoolT):
        return (False, True)
    if isinstance(t, IntT):
        lo, hi = t.bounds()
        return tuple(range(lo, hi + 1))
    if isinstance(t, EnumT):
        return t.members
    raise TypeError(f"{t} is not a finite scalar domain")


def contains(t: Type, v: object) -> bool:
    """Is canonical value ``v`` inside type ``t`` (deep)?  Reference semantics."""
    if isinstance(t, BoolT):
        return isinstance(v, bool)
    if isinstance(t, IntT):
        if isinstance(v, bool) or not isinstance(v, int):
            return False
        if not t.bounded:
            return True
        lo, hi = t.bounds()
        return lo <= v <= hi
    if isinstance(t, EnumT):
        return v in t.members
    if isinstance(t, SetT):
        return isinstance(v, frozenset) and all(contains(t.elem, x) for x in v)
    if isinstance(t, SeqT):
        return isinstance(v, tuple) and len(v) <= t.cap and all(contains(t.elem, x) for x in v)
    if isinstance(t, MapT):
        keys = domain_values(t.key)
        return isinstance(v, tuple) and len(v) == len(keys) and all(contains(t.value, x) for x in v)
    raise TypeError(t)


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Lit:
    """A scalar literal: bool, int, or enum member name."""

    value: bool | int | str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Var:
    """A state variable, read in the current state (as updated so far in the step)."""

    name: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Local:
    """An action parameter, a quantifier/for variable, or a ``let`` binding."""

    name: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Const:
    """A constant left symbolic (no value given).  Only the Z3 engines accept it."""

    name: str
    type: Type
    span: Span | None = _span()


UNARY_OPS = ("not", "neg")
ARITH_OPS = ("add", "sub", "mul", "div", "mod")
COMPARE_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
LOGIC_OPS = ("and", "or", "implies")
SET_OPS = ("in", "union", "inter", "diff", "subset")


@dataclass(frozen=True)
class Unary:
    op: str  # UNARY_OPS
    arg: "Expr"
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Binary:
    """``eq``/``ne`` work on any two values of the same type (deep equality).
    ``in``: left is an element, right a set.  ``subset``: left ⊆ right."""

    op: str  # ARITH_OPS + COMPARE_OPS + LOGIC_OPS + SET_OPS
    left: "Expr"
    right: "Expr"
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Ite:
    cond: "Expr"
    then: "Expr"
    else_: "Expr"
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Quant:
    """``forall``/``exists`` ``var`` in a finite scalar ``domain``: ``body``.

    ``forall x in S: e`` over a set expression is lowered by the front end to
    a quantifier over S's element type with ``x in S => e`` (``and`` for exists).
    """

    kind: str  # "forall" | "exists"
    var: str
    domain: Type
    body: "Expr"
    type: Type = BOOL
    span: Span | None = _span()


@dataclass(frozen=True)
class SetLit:
    elems: tuple["Expr", ...]
    type: SetT
    span: Span | None = _span()


@dataclass(frozen=True)
class SeqLit:
    elems: tuple["Expr", ...]
    type: SeqT
    span: Span | None = _span()


@dataclass(frozen=True)
class MapBuild:
    """``[var in K -> body]``: the map sending every key of ``type.key`` to body."""

    var: str
    body: "Expr"
    type: MapT
    span: Span | None = _span()


@dataclass(frozen=True)
class Index:
    """``base[key]``: map lookup, or sequence element (0-based)."""

    base: "Expr"
    key: "Expr"
    type: Type
    span: Span | None = _span()


CALL_FNS = {
    "size": "size(set) -> int",
    "len": "len(seq) -> int",
    "head": "head(seq) -> elem; error when empty",
    "tail": "tail(seq) -> seq without its first element; error when empty",
    "push": "push(seq, x) -> seq with x appended; error when len == cap of the seq's type",
    "set_add": "set_add(set, x) -> set with x",
    "set_remove": "set_remove(set, x) -> set without x",
    "map_update": "map_update(map, k, v) -> map with k sent to v",
    "seq_update": "seq_update(seq, i, v) -> seq with element i replaced; error when i out of range",
    "min": "min(a, b, ...) over ints",
    "max": "max(a, b, ...) over ints",
}


@dataclass(frozen=True)
class Call:
    fn: str  # a key of CALL_FNS
    args: tuple["Expr", ...]
    type: Type
    span: Span | None = _span()


Expr = Union[Lit, Var, Local, Const, Unary, Binary, Ite, Quant, SetLit, SeqLit, MapBuild, Index, Call]


def children(x: Expr) -> tuple:
    """The direct subexpressions of an expression node (a quantifier's and
    a map builder's domain is a type, not an expression)."""
    if isinstance(x, (Lit, Var, Local, Const)):
        return ()
    if isinstance(x, Unary):
        return (x.arg,)
    if isinstance(x, Binary):
        return (x.left, x.right)
    if isinstance(x, Ite):
        return (x.cond, x.then, x.else_)
    if isinstance(x, (Quant, MapBuild)):
        return (x.body,)
    if isinstance(x, (SetLit, SeqLit)):
        return tuple(x.elems)
    if isinstance(x, Index):
        return (x.base, x.key)
    if isinstance(x, Call):
        return tuple(x.args)
    raise TypeError(f"not an IR expression: {type(x).__name__}")


def walk_expr(e: Expr):
    """Every node of an expression (iterative: no recursion limit; parents
    before their children)."""
    stack = [e]
    while stack:
        x = stack.pop()
        yield x
        stack.extend(children(x))


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Require:
    cond: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Assign:
    """Whole-variable assignment; ``m[k] = v`` arrives as ``m = map_update(m, k, v)``."""

    var: str
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Let:
    name: str
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple["Stmt", ...]
    else_: tuple["Stmt", ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Either:
    branches: tuple[tuple["Stmt", ...], ...]
    span: Span | None = _span()


Stmt = Union[Require, Assign, Let, If, Either]


def walk_stmts(stmts):
    """Every statement of a block, nested ones included (iterative: no
    recursion limit; parents before their children, siblings in any order)."""
    stack = list(stmts)
    while stack:
        s = stack.pop()
        yield s
        if isinstance(s, If):
            stack += list(s.then) + list(s.else_)
        elif isinstance(s, Either):
            for br in s.branches:
                stack += list(br)


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ConstDecl:
    """A constant.  ``value`` is None when left symbolic; ``where`` constrains it."""

    name: str
    type: IntT  # declared range, or unbounded IntT for ``const N: int where ...``
    value: int | None
    where: Expr | None = None
    doc: str = ""
    span: Span | None = _span()


@dataclass(frozen=True)
class VarDecl:
    """A state variable.  ``init`` is its one initial value or, when
    ``init_choice`` is true, a set-typed expression each of whose elements is
    an initial value (the initial states are the product over all vars).
    Init expressions mention constants only, never other variables."""

    name: str
    type: Type
    init: Expr
    init_choice: bool = False
    doc: str = ""
    span: Span | None = _span()


@dataclass(frozen=True)
class Param:
    name: str
    type: Type  # finite scalar
    span: Span | None = _span()


@dataclass(frozen=True)
class Action:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    doc: str = ""
    span: Span | None = _span()

    def bindings(self) -> Iterator[tuple]:
        """Every tuple of parameter values, in the documented order."""
        return product(*(domain_values(p.type) for p in self.params))


@dataclass(frozen=True)
class Invariant:
    name: str
    expr: Expr
    doc: str = ""
    span: Span | None = _span()


TEMPORAL_KINDS = {
    "always": "always p (an invariant written as a property)",
    "eventually": "eventually p: every behaviour reaches a p-state",
    "always_eventually": "always eventually p: p holds infinitely often",
    "eventually_always": "eventually always p: from some point on p holds forever",
    "leads_to": "p ~> q: every p-state is followed (now or later) by a q-state",
}


@dataclass(frozen=True)
class Temporal:
    """A temporal property over infinite behaviours (see TEMPORAL_KINDS).

    Behaviours are the infinite paths of the reachable graph; a deadlocked
    state is treated as stuttering forever.  Checked under the spec's
    ``fairness`` constraints and nothing else."""

    name: str
    kind: str
    p: Expr
    q: Expr | None = None  # leads_to only
    doc: str = ""
    span: Span | None = _span()


@dataclass(frozen=True)
class Terminal:
    """``terminal NAME: expr``: states where ``expr`` holds are intended ends.
    Engines read only ``Spec.terminal`` (this ``expr`` or'ed in); the
    declaration is kept for reports."""

    name: str
    expr: Expr
    doc: str = ""
    span: Span | None = _span()


@dataclass(frozen=True)
class Reachable:
    """Some reachable state satisfies ``expr``; the witness trace is shown.
    Catches specs that pass vacuously because nothing interesting happens."""

    name: str
    expr: Expr
    doc: str = ""
    span: Span | None = _span()


@dataclass(frozen=True)
class Fairness:
    """A fairness constraint on a group of transitions.

    For each value tuple ``v`` of the first ``key_params`` parameters, the
    transitions of the listed actions whose first ``key_params`` arguments
    equal ``v`` form one fair group: *weak*: if the group is enabled forever
    from some point on, one of its transitions is taken infinitely often;
    *strong*: if it is enabled infinitely often, one of its transitions is
    taken infinitely often.  ``fair action A(p)`` gives a group per binding of
    A; ``fair process P(self)`` a group per process instance."""

    kind: str  # "weak" | "strong"
    actions: tuple[str, ...]
    key_params: int
    origin: str = ""  # "action tick" / "process caller", for reports
    span: Span | None = _span()


@dataclass(frozen=True)
class Refinement:
    """``refines name from "file" with { v = e, ... }``: every step of this spec
    maps to a step or a stutter of ``abstract`` under ``mapping`` (one
    expression over this spec's variables per abstract variable)."""

    name: str
    abstract: "Spec"
    mapping: tuple[tuple[str, Expr], ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Spec:
    name: str
    consts: tuple[ConstDecl, ...]
    enums: tuple[EnumT, ...]
    vars: tuple[VarDecl, ...]
    actions: tuple[Action, ...]
    invariants: tuple[Invariant, ...]
    doc: str = ""
    file: str = "<spec>"
    properties: tuple[Temporal, ...] = ()
    reachables: tuple[Reachable, ...] = ()
    fairness: tuple[Fairness, ...] = ()
    terminal: Expr | None = None  # states where every process has finished: not deadlocks
    # ``symmetric type`` declarations: ranges whose values are interchangeable
    # (each IntT carries its name in ``symmetric``).  The front end has checked
    # that the spec treats them so (checker/lang/symmetry.py); an engine may
    # ignore this, or explore one state per orbit under their permutations.
    symmetric: tuple[IntT, ...] = ()
    source: str = field(default="", compare=False, repr=False)
    terminals: tuple[Terminal, ...] = ()  # the `terminal` declarations (already part of ``terminal``)
    # ``constraint`` declarations (TLC's CONSTRAINT).  The front end has
    # already applied them: every action starts with ``Require(all of them)``
    # and ``terminal`` includes their negation, so an engine that ignores
    # this field explores exactly TLC's states plus the states outside the
    # constraint, which are checked but not expanded.  The explicit engine
    # reads it only to count states as TLC does (checker/explicit/constrained.py).
    constraints: tuple[Invariant, ...] = ()
    # ``refines`` declarations, checked by checker/explicit/refinement.py.
    refinements: tuple["Refinement", ...] = ()
    # ``init: e``: of the combinations of initial values (the product over the
    # variables), only those where ``e`` holds (without error) are initial
    # states.  Every engine filters by it.
    initial: Expr | None = None
    # ``init { ... }``: statements run once, as an action, from each
    # combination of the declared initial values; every outcome is an initial
    # state, an error is typeok violated initially.
    # ``initial`` filters the result.
    init_block: tuple["Stmt", ...] = ()

    @property
    def symbolic_consts(self) -> tuple[ConstDecl, ...]:
        return tuple(c for c in self.consts if c.value is None)

    def var(self, name: str) -> VarDecl:
        for v in self.vars:
            if v.name == name:
                return v
        raise KeyError(name)

    def const_values(self) -> dict[str, int]:
        return {c.name: c.value for c in self.consts if c.value is not None}


# ---------------------------------------------------------------- printing


_INFIX = {
    "add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%",
    "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
    "and": "and", "or": "or", "implies": "=>", "in": "in",
    "union": "union", "inter": "inter", "diff": "minus", "subset": "subset",
}
_PREC = {
    "implies": 1, "or": 2, "and": 3, "eq": 5, "ne": 5, "lt": 5, "le": 5, "gt": 5, "ge": 5,
    "in": 5, "subset": 5, "union": 6, "diff": 6, "inter": 7, "add": 8, "sub": 8,
    "mul": 9, "div": 9, "mod": 9,
}
_PRINTED_CALL = {"map_update": "update", "seq_update": "update"}
_PRINTED_SETOP = {"set_add": "union", "set_remove": "minus"}


def show_value(v: object) -> str:
    """A canonical value as spec text (maps print as their value tuple)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, frozenset):
        return "{" + ", ".join(show_value(x) for x in sorted(v, key=_sort_key)) + "}"
    if isinstance(v, tuple):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    return str(v)


def _sort_key(v: object):
    return (str(type(v)), v if isinstance(v, (int, str)) else str(v))


def show_expr(e: Expr) -> str:
    """Pretty-print an expression in the spec language's own syntax.

    Iterative (explicit stack), so arbitrarily deep expressions print without
    hitting Python's recursion limit.
    """
    # Each work item is either ("visit", expr, parent_prec) or ("emit", fn, n):
    # fn combines the last n printed pieces.
    out: list[str] = []
    work: list[tuple] = [("visit", e, 0)]
    while work:
        item = work.pop()
        if item[0] == "emit":
            _, fn, n = item
            parts = out[len(out) - n:] if n else []
            del out[len(out) - n:]
            out.append(fn(parts))
            continue
        _, x, parent = item
        children, fn = _layout(x, parent)
        work.append(("emit", fn, len(children)))
        for child, prec in reversed(children):
            work.append(("visit", child, prec))
    return out[0]


def _layout(x: Expr, parent: int):
    """(children with the precedence context each is printed in, combiner)."""
    if isinstance(x, Lit):
        return [], lambda _p, v=x.value: show_value(v)
    if isinstance(x, (Var, Local, Const)):
        return [], lambda _p, n=x.name: n
    if isinstance(x, Unary):
        if x.op == "not":
            return [(x.arg, 4)], lambda p, par=parent: _paren(f"not {p[0]}", par > 4)
        return [(x.arg, 10)], lambda p: f"-{p[0]}"
    if isinstance(x, Binary):
        prec = _PREC[x.op]
        # left-assoc: right child needs strictly higher precedence
        right_prec = prec + 1 if x.op != "implies" else prec
        left_prec = prec if x.op != "implies" else prec + 1
        sym = _INFIX[x.op]
        return [(x.left, left_prec), (x.right, right_prec)], (
            lambda p, s=sym, pr=prec, par=parent: _paren(f"{p[0]} {s} {p[1]}", par > pr))
    if isinstance(x, Ite):
        return [(x.cond, 0), (x.then, 0), (x.else_, 0)], (
            lambda p, par=parent: _paren(f"if {p[0]} then {p[1]} else {p[2]}", par > 0))
    if isinstance(x, Quant):
        return [(x.body, 0)], (
            lambda p, q=x, par=parent: _paren(f"{q.kind} {q.var} in {q.domain}: {p[0]}", par > 0))
    if isinstance(x, SetLit):
        return [(el, 0) for el in x.elems], lambda p: "{" + ", ".join(p) + "}"
    if isinstance(x, SeqLit):
        return [(el, 0) for el in x.elems], lambda p: "[" + ", ".join(p) + "]"
    if isinstance(x, MapBuild):
        return [(x.body, 0)], lambda p, m=x: f"[{m.var} in {m.type.key} -> {p[0]}]"
    if isinstance(x, Index):
        return [(x.base, 11), (x.key, 0)], lambda p: f"{p[0]}[{p[1]}]"
    if isinstance(x, Call) and x.fn in _PRINTED_SETOP:
        return [(x.args[0], 6), (x.args[1], 0)], (
            lambda p, s=_PRINTED_SETOP[x.fn], par=parent: _paren(f"{p[0]} {s} {{{p[1]}}}", par > 6))
    if isinstance(x, Call):
        name = _PRINTED_CALL.get(x.fn, x.fn)
        return [(a, 0) for a in x.args], lambda p, n=name: f"{n}(" + ", ".join(p) + ")"
    raise TypeError(f"not an IR expression: {x!r}")


def _paren(s: str, needed: bool) -> str:
    return f"({s})" if needed else s


def fairness_words(spec: Spec) -> str:
    """How a temporal property was checked: under which fairness, if any
    (every engine's verdict on a temporal property says it).  Without
    fairness every infinite path is a behaviour, and a state with no
    successor stutters forever; no other state may stutter."""
    fair = tuple(getattr(spec, "fairness", ()))
    if not fair:
        return "checked with no fairness: every path counts (only a state with no successor stutters)"
    said = [f"{'strong' if f.kind == 'strong' else 'weak'} fairness of {f.origin or ', '.join(f.actions)}"
            for f in fair]
    return "checked under " + ", ".join(said)


# ---------------------------------------------------------------- records and tuples
# A record or tuple type is a finite scalar: every value is numbered by the
# mixed-radix index of its fields (first field most significant, each
# field's values in domain order), so a RecordT *is* the range 0..n-1 to
# every engine (packed as one integer, a set of records is a bit set over
# that range, a Z3 term is one bounded integer).  Only the front end
# (checker/lang/records.py) and the reporters (which show the fields) look
# at ``fields``.  The numbering order is also the fixed total order in which
# ``choose`` picks and quantifiers and parameters enumerate.


@dataclass(frozen=True)
class RecordT(IntT):
    fields: tuple = ()  # ((name, Type), ...); a tuple's names are "0", "1", ...
    is_tuple: bool = False
    name: str = field(default="", compare=False)  # the `type` it was declared as, for messages

    def sizes(self) -> tuple[int, ...]:
        return tuple(len(domain_values(t)) for _, t in self.fields)

    def strides(self) -> tuple[int, ...]:
        out, acc = [], 1
        for n in reversed(self.sizes()):
            out.append(acc)
            acc *= n
        return tuple(reversed(out))

    def field_type(self, name: str) -> "Type | None":
        return next((t for n, t in self.fields if n == name), None)

    def __str__(self) -> str:
        if self.name:
            return self.name
        if self.is_tuple:
            return "(" + ", ".join(str(t) for _, t in self.fields) + ")"
        return "{" + ", ".join(f"{n}: {t}" for n, t in self.fields) + "}"


def record_type(fields, is_tuple: bool = False, name: str = "") -> RecordT:
    size = 1
    for _, t in fields:
        size *= len(domain_values(t))
    return RecordT(Lit(0, INT), Lit(size - 1, INT), fields=tuple(fields), is_tuple=is_tuple, name=name)


@dataclass(frozen=True)
class PackedSetT(RecordT):
    """A ``set<E>`` used as a value (an element of a set, a record field, a
    map key, a parameter): numbered like a record of one bool per value of
    ``E``, the bit of ``E``'s i-th value worth 2**i, so ``{}`` is 0 and the
    number is the usual bit mask.  Engines see the range 0..2**n-1; the front
    end (checker/lang/records_sets.py) packs and unpacks it."""

    elem: "Type" = BOOL

    def __str__(self) -> str:
        return f"set<{self.elem}>"


def packed_set_type(elem: "Type") -> PackedSetT:
    values = domain_values(elem)
    fields = tuple((str(i), BOOL) for i in reversed(range(len(values))))  # first field most significant
    return PackedSetT(Lit(0, INT), Lit(2 ** len(values) - 1, INT), fields=fields, elem=elem)


def packed_set_value(t: PackedSetT, v: int) -> frozenset:
    """The set whose number is ``v``."""
    return frozenset(x for i, x in enumerate(domain_values(t.elem)) if v >> i & 1)


def packed_set_number(t: PackedSetT, s) -> int:
    return sum(1 << i for i, x in enumerate(domain_values(t.elem)) if x in s)


@dataclass(frozen=True)
class PackedSeqT(RecordT):
    """A ``seq<E, cap>`` used as a value (a record field, a set's element, a
    map key): numbered by length first (every shorter sequence before a
    longer one), then its elements as digits in base |E|, the first element
    most significant.  Engines see a range; checker/lang/records_sets.py
    packs and unpacks it."""

    elem: "Type" = BOOL
    cap: int = 0

    def offset(self, length: int) -> int:
        """The number of the first sequence of this length."""
        n = len(domain_values(self.elem))
        return sum(n ** j for j in range(length))

    def __str__(self) -> str:
        return f"seq<{self.elem}, {self.cap}>"


def packed_seq_type(elem: "Type", cap: int) -> PackedSeqT:
    n = len(domain_values(elem))
    size = sum(n ** j for j in range(cap + 1))
    return PackedSeqT(Lit(0, INT), Lit(size - 1, INT), elem=elem, cap=cap)


def packed_seq_value(t: PackedSeqT, v: int) -> tuple:
    """The sequence whose number is ``v``."""
    values = domain_values(t.elem)
    length = max(j for j in range(t.cap + 1) if t.offset(j) <= v)
    rest, out = v - t.offset(length), []
    for _ in range(length):
        rest, d = divmod(rest, len(values))
        out.append(values[d])
    return tuple(reversed(out))


def packed_seq_number(t: PackedSeqT, q) -> int:
    values = domain_values(t.elem)
    total = 0
    for x in q:
        total = total * len(values) + values.index(x)
    return t.offset(len(q)) + total


def record_fields(t: RecordT, v: int) -> tuple:
    """The canonical values of the fields of record number ``v`` (deep: a
    field that is itself a record stays its number)."""
    out = []
    for (_, ft), stride, n in zip(t.fields, t.strides(), t.sizes()):
        out.append(domain_values(ft)[(v // stride) % n])
    return tuple(out)


def record_number(t: RecordT, values) -> int:
    """The number of the record whose fields have these canonical values."""
    total = 0
    for (_, ft), stride, x in zip(t.fields, t.strides(), values):
        total += domain_values(ft).index(x) * stride
    return total


def show_record(t: RecordT, v: object) -> str:
    """A record/tuple value as spec text: ``{kind: Prepared, rm: 1}`` / ``(1, true)``."""
    if isinstance(v, bool) or not isinstance(v, int) or not contains(t, v):
        return f"<not a {t}: {show_value(v)}>"
    if isinstance(t, PackedSeqT):
        return "[" + ", ".join(show_typed_value(x, t.elem) for x in packed_seq_value(t, v)) + "]"
    if isinstance(t, PackedSetT):
        return "{" + ", ".join(show_typed_value(x, t.elem)
                               for x in sorted(packed_set_value(t, v), key=_sort_key)) + "}"
    parts = [show_typed_value(x, ft) for (_, ft), x in zip(t.fields, record_fields(t, v))]
    if t.is_tuple:
        return "(" + ", ".join(parts) + ")"
    return "{" + ", ".join(f"{n}: {p}" for (n, _), p in zip(t.fields, parts)) + "}"


def show_typed_value(v: object, t: "Type") -> str:
    """show_value, with records and tuples (also inside sets and sequences) shown by field."""
    if isinstance(t, RecordT):
        return show_record(t, v)
    if isinstance(t, SetT) and isinstance(t.elem, RecordT) and isinstance(v, frozenset):
        return "{" + ", ".join(show_record(t.elem, x) for x in sorted(v, key=_sort_key)) + "}"
    if isinstance(t, SetT) and isinstance(v, frozenset) and has_record(t.elem):
        return "{" + ", ".join(show_typed_value(x, t.elem) for x in sorted(v, key=_sort_key)) + "}"
    if isinstance(t, SeqT) and isinstance(v, tuple):
        return "[" + ", ".join(show_typed_value(x, t.elem) for x in v) + "]"
    if isinstance(t, MapT) and isinstance(v, tuple) and has_record(t):
        return "[" + ", ".join(show_typed_value(x, t.value) for x in v) + "]"
    return show_value(v)


def has_record(t: "Type") -> bool:
    """Does a record or tuple type occur anywhere inside ``t``?"""
    if isinstance(t, RecordT):
        return True
    if isinstance(t, (SetT, SeqT)):
        return has_record(t.elem)
    if isinstance(t, MapT):
        return has_record(t.key) or has_record(t.value)
    return False
