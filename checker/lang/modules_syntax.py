"""Syntax of the declarations for composing and bounding specs.

    constraint small_queue: len(q) <= 3
    import registry from "registry.spec" with { IDS = 2 }
    import breakers from "breaker.spec" for n in Svc
    refines Lock from "lock.spec" with { pc = ..., lock = ... }

Their tree nodes and the parser callbacks that build them live here (the
parser's builder inherits :class:`ModuleBuilder`); what they mean is in
``modules.py`` (imports), ``constraints.py`` and
``checker/explicit/refinement.py``.  ``from`` and ``with`` are parsed as
names and checked here, so that they remain usable as names elsewhere.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from lark import Token, Transformer_NonRecursive, v_args

from ..ir import Span
from . import ast as A
from .diagnostics import BuildError, Diagnostic


def _span() -> Span:
    return field(default=None, compare=False, repr=False, kw_only=True)  # type: ignore[return-value]


@dataclass(frozen=True)
class ConstraintDecl:
    """``constraint name: e``: states where ``e`` is false are not explored."""

    name: str
    expr: object
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class WithItem:
    name: str
    expr: object            # None in an `only { }` block
    span: Span = _span()


@dataclass(frozen=True)
class DeclBlock:
    """``with { N = e, ... }`` or ``only { a, b }`` right after an import or a
    refines (merged into it by modules.attach_blocks)."""

    word: str
    items: tuple[WithItem, ...]
    span: Span = _span()
    name: str = ""


@dataclass(frozen=True)
class ImportDecl:
    """``import alias from "file.spec"`` (``alias`` "" for ``import "file.spec"``:
    the part's names are not prefixed), with its ``with``/``only`` blocks."""

    alias: str
    path: str
    consts: tuple[WithItem, ...] = ()
    only: tuple[WithItem, ...] | None = None
    doc: str = ""
    span: Span = _span()
    path_span: Span = _span()
    # ``... for n in D``: one instance of the part per value of D (its
    # variables become maps over D); "" for a single instance
    index: str = ""
    index_type: object = None


@dataclass(frozen=True)
class RefinesDecl:
    """``refines Name from "abstract.spec" with { abstract_var = e, ... }``."""

    name: str
    path: str
    mapping: tuple[WithItem, ...] = ()
    doc: str = ""
    span: Span = _span()
    path_span: Span = _span()


@v_args(meta=True)
class ModuleBuilder(Transformer_NonRecursive):
    """Parser callbacks (mixed into parser._Builder)."""

    def constraint_decl(self, meta, c):
        name, expr = c
        return ConstraintDecl(self._name(name), expr, doc=self._doc(meta), span=self._tok(name))

    def _keyword_name(self, tok, word: str) -> None:
        if str(tok) != word:
            raise BuildError(Diagnostic(self._tok(tok), f"expected `{word}` here, found `{tok}`"))

    def _path(self, tok) -> str:
        return str(tok)[1:-1]

    def import_decl(self, meta, c):
        word, alias, kw, path = c
        self._keyword_name(word, "import")
        self._keyword_name(kw, "from")
        return ImportDecl(self._name(alias), self._path(path), doc=self._doc(meta),
                          span=self._tok(alias), path_span=self._tok(path))

    def import_all_decl(self, meta, c):
        word, path = c
        self._keyword_name(word, "import")
        return ImportDecl("", self._path(path), doc=self._doc(meta), span=self._tok(path), path_span=self._tok(path))

    # `for n in Node`: the index set is a type name (a range would swallow a
    # following `with { }` as a record update: `type Slot = 1..3` names it)
    def import_family_decl(self, meta, c):
        *head, index, index_type = c
        return self._family(self.import_decl(meta, head), index, index_type)

    def import_all_family_decl(self, meta, c):
        *head, index, index_type = c
        return self._family(self.import_all_decl(meta, head), index, index_type)

    def _family(self, imp: ImportDecl, index, index_type) -> ImportDecl:
        return dataclasses.replace(imp, index=self._name(index),
                                   index_type=A.NamedType(self._name(index_type), span=self._tok(index_type)))

    def refines_decl(self, meta, c):
        name, kw, path = c
        self._keyword_name(kw, "from")
        return RefinesDecl(self._name(name), self._path(path), doc=self._doc(meta),
                           span=self._tok(name), path_span=self._tok(path))

    def decl_block(self, meta, c):
        kw, *items = c
        if str(kw) not in ("with", "only"):
            self._keyword_name(kw, "with")
        items = tuple(i for i in items if i is not None)
        for i in items:
            if (i.expr is None) != (str(kw) == "only"):
                raise BuildError(Diagnostic(i.span, "write `NAME = EXPR` in a `with { }` block" if str(kw) == "with"
                                             else "an `only { }` block lists names, without `=`"))
        return DeclBlock(str(kw), items, span=self._tok(kw))

    def with_block(self, meta, c):
        # `with` is also the record-update keyword (`m with { f: e }`), so the
        # lexer makes it a keyword token, not a NAME: rebuild the NAME here.

        kw = Token("NAME", "with", line=meta.line, column=meta.column,
                   end_line=meta.line, end_column=meta.column + 4)
        return self.decl_block(meta, [kw, *c])

    def with_item(self, meta, c):
        return WithItem(self._name(c[0]), c[1], span=self._tok(c[0]))

    def quantified_property(self, meta, c):
        name, var, domain, (kind, p, q) = c
        return QuantifiedProperty(self._name(name), self._name(var), domain, kind, p, q, doc=self._doc(meta),
                                  span=self._tok(name))

    def conjoined_property(self, meta, c):
        name, *parts = c
        return ConjoinedProperty(self._name(name), tuple(parts), doc=self._doc(meta), span=self._tok(name))

    def fair_group(self, meta, c):
        kind, *names = c
        return FairGroup(kind, tuple(str(n) for n in names), tuple(self._tok(n) for n in names),
                         doc=self._doc(meta), span=self._span(meta))

    # names for the uniqueness check of declarations: never a user's name
    def init_decl(self, meta, c):
        return InitDecl(c[0], doc=self._doc(meta), span=self._span(meta), name=f"init:{meta.line}:{meta.column}")

    def init_block_decl(self, meta, c):
        return InitBlock(tuple(c[0]), doc=self._doc(meta), span=self._span(meta),
                         name=f"init {{}}:{meta.line}:{meta.column}")

    def assert_stmt(self, meta, c):
        word, cond = c
        self._keyword_name(word, "assert")
        return AssertStmt(cond, span=self._span(meta))


@dataclass(frozen=True)
class QuantifiedProperty:
    """``property p: forall x in D: TEMPORAL``: one property ``p(v)`` per value."""

    name: str
    var: str
    domain: object
    kind: str
    p: object
    q: object = None
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class FairGroup:
    """``fair { a or b }``: one fairness constraint over the steps of several
    actions together (``fair { all }``: every step, TLA+'s WF_vars(Next))."""

    kind: str
    actions: tuple[str, ...]
    spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    doc: str = ""
    span: Span = _span()

    @property
    def name(self) -> str:   # for the uniqueness check of declarations
        return "fair {" + " or ".join(self.actions) + "}"


@dataclass(frozen=True)
class AssertStmt:
    """``assert(e)`` inside an action: a violation, with its trace, where e is false."""

    cond: object
    span: Span = _span()


@dataclass(frozen=True)
class InitDecl:
    """``init: e``: only the combinations of initial values where ``e`` holds
    are initial states (``e`` may relate several variables)."""

    expr: object
    doc: str = ""
    span: Span = _span()
    name: str = "init"


@dataclass(frozen=True)
class ConjoinedProperty:
    """``property p: (T1) and (T2) ...``: the properties ``p[1]``, ``p[2]``, ..."""

    name: str
    parts: tuple            # (kind, p, q) per conjunct
    doc: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class InitBlock:
    """``init { ... }``: statements run once from the declared initial values;
    every way through them (``either``, ``for``) is an initial state."""

    body: tuple
    doc: str = ""
    span: Span = _span()
    name: str = "init"
