"""Compilation context: the namespace of generated code, fresh names, the
error table, and small code-building utilities shared by the compilers."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .. import ir
from . import runtime
from .layout import Field, Layout, decoder, encoder, runtime_fits

NOCONST = object()
HOIST_DEPTH = 40      # parenthesis depth at which a subexpression goes into a temporary
UNROLL = 16           # quantifier / map-builder domains up to this size are unrolled
# ... as long as the copies of the innermost body stay within this many
# (nested unrolled domains multiply: 20 nested `forall q in 0..1` would be
# 2**20 copies); past it, a quantifier compiles to a loop
UNROLL_TOTAL = 256
UNROLLED = " unrolled"   # env key (never an identifier): copies made by enclosing unrolling
TICK = 512              # compile_expr nodes between two deadline checks


class CompileTimeout(Exception):
    """Compiling took longer than the run's --timeout."""


class R:
    """A compiled expression: Python code (or a folded constant), the lines
    that must run before it (``pre``: (indent, text) pairs), and what is known
    statically about its value."""

    __slots__ = ("code", "const", "iv", "fits", "type", "pre", "depth", "fld", "bits", "at")

    def __init__(self, code, type, *, const=NOCONST, iv=None, fits=False, pre=None, depth=0,
                 fld=None, bits=None, at=None):
        self.at = at          # (state name, bit offset) when bits is a field of that state
        self.fld = fld        # (state name, offset, width, lo) for a plain bit-field read
        # for a sequence value: code of its encoded bits (layout.encoder form),
        # so that len/head/index/tail/push work on them without decoding
        self.bits = bits
        self.code = code
        self.type = type
        self.const = const
        self.iv = iv          # (lo, hi) for ints, when known
        self.fits = fits      # value is statically inside self.type (deep)
        self.pre = pre or []
        self.depth = depth

    def with_bits(self, bits: str) -> "R":
        self.bits = bits
        return self

    @property
    def isconst(self) -> bool:
        return self.const is not NOCONST


NUM_DECIMAL_MAX = 1 << 64   # larger integers are written in hex in generated code


def num(v: int) -> str:
    """Source text of an integer in generated code.  Big ones (packed states
    of large maps, masks) are written in hex: Python refuses to convert ints
    of more than 4300 decimal digits to or from text (and doing so is
    quadratic), while hex conversion has no limit and is linear."""
    return repr(v) if -NUM_DECIMAL_MAX < v < NUM_DECIMAL_MAX else hex(v)


def line_of(node) -> str:
    span = getattr(node, "span", None)
    return str(span.line) if span is not None else "?"


@dataclass
class ErrorInfo:
    template: str          # str.format template over the runtime values
    var: int | None = None  # assignment errors: the variable index


@dataclass
class Where:
    """Where an expression is compiled: local bindings, the name holding the
    current packed state, and locals already holding decoded variables."""

    env: dict
    sn: str
    cache: dict = field(default_factory=dict)


class Ctx:
    def __init__(self, spec: ir.Spec, layout: Layout, deadline: float | None = None):
        self.spec = spec
        self.deadline = deadline   # time.perf_counter() value: compiling stops there
        self._ticks = 0
        self.copies: dict = {}     # id(IR node) -> unrolled copies of its nest (expr._copies)
        self.layout = layout
        self.ns: dict = dict(runtime.NAMES)
        self.members = {m: i for e in spec.enums for i, m in enumerate(e.members)}
        for v in spec.vars:   # enums used only in var types
            _collect_members(v.type, self.members)
        self.errors: list[ErrorInfo] = []
        self.defs: list[str] = []      # module-level functions generated for lazy operands
        self._count = 0
        self._consts: dict = {}
        self._fnames: dict = {}
        self.var_index = {v.name: i for i, v in enumerate(spec.vars)}

    def tick(self) -> None:
        """Called per compiled node: raise CompileTimeout past the deadline."""
        if self.deadline is None:
            return
        self._ticks += 1
        if self._ticks % TICK == 0 and time.perf_counter() >= self.deadline:
            raise CompileTimeout()

    def fresh(self, prefix: str = "t") -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def err(self, template: str, var: int | None = None) -> int:
        self.errors.append(ErrorInfo(template, var))
        return len(self.errors) - 1

    def lit(self, v) -> str:
        """Code for an internal constant value."""
        if isinstance(v, bool):
            return repr(v)
        if isinstance(v, int):
            return num(v)
        key = (type(v).__name__, v)
        name = self._consts.get(key)
        if name is None:
            name = f"K{len(self._consts)}"
            self._consts[key] = name
            self.ns[name] = v
        return name

    def obj(self, prefix: str, key, make) -> str:
        """A namespace name for a helper object (encoder, decoder, checker)."""
        k = (prefix, key)
        name = self._fnames.get(k)
        if name is None:
            name = f"{prefix}{len(self._fnames)}"
            self._fnames[k] = name
            self.ns[name] = make()
        return name

    def decoder(self, t: ir.Type) -> str:
        return self.obj("D", t, lambda: decoder(t))

    def encoder(self, t: ir.Type) -> str:
        return self.obj("N", t, lambda: encoder(t))

    def checker(self, t: ir.Type) -> str | None:
        if runtime_fits(t) is None:
            return None
        return self.obj("C", t, lambda: runtime_fits(t))

    def internal_lit(self, node: ir.Lit):
        v = node.value
        if isinstance(v, str):
            if isinstance(node.type, ir.EnumT):   # members may repeat across enums: index in its own
                return node.type.members.index(v)
            return self.members[v]
        return v

    def field(self, name: str) -> Field:
        return self.layout.fields[self.var_index[name]]


def _collect_members(t: ir.Type, out: dict) -> None:
    if isinstance(t, ir.EnumT):
        for i, m in enumerate(t.members):
            out.setdefault(m, i)
    elif isinstance(t, ir.SetT):
        _collect_members(t.elem, out)
    elif isinstance(t, ir.SeqT):
        _collect_members(t.elem, out)
    elif isinstance(t, ir.MapT):
        _collect_members(t.key, out)
        _collect_members(t.value, out)


def bits_code(sn: str, off: int, width: int, total: int) -> str:
    """Code extracting an unsigned bit field of the packed state ``sn``."""
    mask = num((1 << width) - 1)
    if off + width >= total:
        return sn if off == 0 else f"({sn} >> {off})"
    if off == 0:
        return f"({sn} & {mask})"
    return f"(({sn} >> {off}) & {mask})"


def indent(lines, by: int = 1):
    return [(i + by, t) for i, t in lines]


def exec_generated(source: str, part: str, ns: dict) -> dict:
    """Run generated source built by another module of this engine (the
    symmetry canonicaliser: ``part`` is "symmetry"); only ints and the
    engine's own names in it."""
    exec(compile(source, f"<explicit:{part}>", "exec"), ns)
    return ns
