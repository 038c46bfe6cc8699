"""What the typing modules share: the scope and environment of names, how
types relate (``compatible``, ``describe``, ``finite_scalar_problem``), and
constant folding.  Its own module so that exprs.py and the modules that
type one kind of expression each (records, defs, comprehensions, calls,
bitwise, seqfuns) import it, and not one another."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .. import ir

# the span that marks the index arithmetic of a symmetric value inside a
# record (records.py builds it, symmetry.py recognises it)
RECORD_INDEX = ir.Span("<a symmetric value's position in a record>", 0, 0)

FUNCTIONS = ("size", "len", "head", "tail", "push", "update", "min", "max")
MAX_DOMAIN = 1_000_000  # a domain larger than this cannot be enumerated by any engine


@dataclass
class Scope:
    """What a name can mean at one point.  ``locals`` shadow everything else."""

    locals: dict[str, ir.Type] = field(default_factory=dict)
    allow_vars: bool = True
    what: str = ""  # e.g. "an initial value": used in "cannot read state variables in ..."
    process: object = None  # the ProcessInfo whose step is being typed (its locals are visible)

    def with_local(self, name: str, t: ir.Type) -> "Scope":
        return Scope({**self.locals, name: t}, self.allow_vars, self.what, self.process)


@dataclass
class Env:
    """Top-level names, filled in by the resolver before any expression is typed."""

    consts: dict[str, ir.ConstDecl] = field(default_factory=dict)
    enums: dict[str, ir.EnumT] = field(default_factory=dict)
    members: dict[str, ir.EnumT] = field(default_factory=dict)
    types: dict[str, ir.Type | None] = field(default_factory=dict)  # named types (None: in error)
    vars: dict[str, ir.Type | None] = field(default_factory=dict)
    other: set[str] = field(default_factory=set)  # actions, invariants: names that are not values
    poisoned: set[str] = field(default_factory=set)  # declared, but in error: stay silent about uses
    processes: dict[str, object] = field(default_factory=dict)  # name -> processes.ProcessInfo
    defs: dict[str, object] = field(default_factory=dict)  # name -> defs.DefInfo


def compatible(a: ir.Type, b: ir.Type) -> bool:
    """Can a value of type ``a`` be compared with / stored where ``b`` is expected?

    Integer ranges are all compatible (a value outside a range is a runtime
    error the engines report, not a type error)."""
    if isinstance(a, ir.RecordT) or isinstance(b, ir.RecordT):  # packed sets too (records_sets.py)
        return a == b  # records and tuples: the same type exactly (their values are numbered by it)
    if isinstance(a, ir.IntT) and isinstance(b, ir.IntT):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, ir.SetT):
        return compatible(a.elem, b.elem)
    if isinstance(a, ir.SeqT):
        return compatible(a.elem, b.elem)
    if isinstance(a, ir.MapT):
        return compatible(a.key, b.key) and compatible(a.value, b.value)
    return a == b


def describe(t: ir.Type) -> str:
    if isinstance(t, (ir.PackedSetT, ir.PackedSeqT)):
        return f"a {t}"
    if isinstance(t, ir.RecordT):
        return f"a {'tuple' if t.is_tuple else 'record'} {t}" if not t.name else f"a {t.name}"
    if isinstance(t, ir.IntT):
        return "an integer" if not t.bounded else f"an integer ({t})"
    if isinstance(t, ir.BoolT):
        return "a bool"
    if isinstance(t, ir.EnumT):
        return f"a {t.name}"
    return f"a {t}"


def finite_scalar_problem(t: ir.Type) -> str:
    """Why ``t`` cannot serve as a finite domain ('' if it can)."""
    if isinstance(t, (ir.BoolT, ir.EnumT)):
        return ""
    if isinstance(t, ir.IntT):
        if not t.bounded:
            return "an unbounded integer is not a finite domain; use a range lo..hi"
        if not t.concrete:
            return f"the range {t} depends on a constant with no value; give it one with --const"
        lo, hi = t.bounds()
        if hi - lo + 1 > MAX_DOMAIN:
            return f"the range {t} has {hi - lo + 1} values; a domain may have at most {MAX_DOMAIN}"
        return ""
    return f"{t} is not a finite scalar type (bool, a range or an enum)"


def int_hull(types: Iterable[ir.Type]) -> ir.IntT | None:
    """The smallest concrete range covering some int types, or None if unbounded."""
    los, his = [], []
    for t in types:
        if not (isinstance(t, ir.IntT) and t.concrete):
            return None
        lo, hi = t.bounds()
        los.append(lo)
        his.append(hi)
    if not los:
        return None
    return ir.IntT(ir.Lit(min(los), ir.INT), ir.Lit(max(his), ir.INT))


def lit_type(e: ir.Expr) -> ir.Type:
    """The type of an expression, narrowed to a one-value range for int literals."""
    if isinstance(e, ir.Lit) and isinstance(e.type, ir.IntT) and not isinstance(e.type, ir.RecordT):
        return ir.IntT(ir.Lit(e.value, ir.INT), ir.Lit(e.value, ir.INT))
    return e.type


def division_by_zero(e: ir.Expr) -> ir.Expr | None:
    """The first `/` or `%` in a constant expression whose divisor folds to 0 (iterative)."""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ir.Binary):
            if x.op in ("div", "mod"):
                d = fold(x.right)
                if isinstance(d, ir.Lit) and d.value == 0:
                    return x
            stack += [x.left, x.right]
        elif isinstance(x, ir.Unary):
            stack.append(x.arg)
    return None


def fold(e: ir.Expr) -> ir.Expr:
    """Fold an integer expression over literals to one literal, if it is one.

    Iterative; leaves the expression as it is when it mentions a symbolic
    constant or anything else that is not a literal."""
    values: dict[int, int] = {}
    stack: list[tuple[ir.Expr, bool]] = [(e, False)]
    while stack:
        x, done = stack.pop()
        if isinstance(x, ir.Lit) and isinstance(x.value, int) and not isinstance(x.value, bool):
            values[id(x)] = x.value
        elif isinstance(x, ir.Unary) and x.op == "neg":
            if done:
                if id(x.arg) not in values:
                    return e
                values[id(x)] = -values[id(x.arg)]
            else:
                stack += [(x, True), (x.arg, False)]
        elif isinstance(x, ir.Binary) and x.op in ir.ARITH_OPS:
            if done:
                if id(x.left) not in values or id(x.right) not in values:
                    return e
                a, b = values[id(x.left)], values[id(x.right)]
                if x.op in ("div", "mod") and b == 0:
                    return e
                values[id(x)] = {"add": a + b, "sub": a - b, "mul": a * b,
                                 "div": a // b if b else 0, "mod": a % b if b else 0}[x.op]
            else:
                stack += [(x, True), (x.left, False), (x.right, False)]
        else:
            return e
    return ir.Lit(values[id(e)], ir.INT, span=getattr(e, "span", None))
