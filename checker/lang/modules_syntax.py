"""Syntax of the declarations for composing and bounding specs.

    constraint small_queue: len(q) <= 3
    import registry from "registry.spec" with { IDS = 2 }
    refines Lock from "lock.spec" with { pc = ..., lock = ... }

Their tree nodes and the parser callbacks that build them live here (the
parser's builder inherits :class:`ModuleBuilder`); what they mean is in
``modules.py`` (imports), ``constraints.py`` and
``checker/explicit/refinement.py``.  ``from`` and ``with`` are parsed as
names and checked here, so that they remain usable as names elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lark import Transformer_NonRecursive, v_args

from ..ir import Span
from .diagnostics import Diagnostic


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
    expr: object
    span: Span = _span()


@dataclass(frozen=True)
class ImportDecl:
    """``import alias from "file.spec" with { CONST = e, ... }``."""

    alias: str
    path: str
    consts: tuple[WithItem, ...]
    doc: str = ""
    span: Span = _span()
    path_span: Span = _span()


@dataclass(frozen=True)
class RefinesDecl:
    """``refines Name from "abstract.spec" with { abstract_var = e, ... }``."""

    name: str
    path: str
    mapping: tuple[WithItem, ...]
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
            from .parser import _BuildError
            raise _BuildError(Diagnostic(self._tok(tok), f"expected `{word}` here, found `{tok}`"))

    def _path(self, tok) -> str:
        return str(tok)[1:-1]

    def import_decl(self, meta, c):
        alias, kw, path, items = c
        self._keyword_name(kw, "from")
        return ImportDecl(self._name(alias), self._path(path), tuple(items or ()), doc=self._doc(meta),
                          span=self._tok(alias), path_span=self._tok(path))

    def refines_decl(self, meta, c):
        name, kw, path, items = c
        self._keyword_name(kw, "from")
        return RefinesDecl(self._name(name), self._path(path), tuple(items or ()), doc=self._doc(meta),
                           span=self._tok(name), path_span=self._tok(path))

    def with_block(self, meta, c):
        kw, *items = c
        self._keyword_name(kw, "with")
        return tuple(i for i in items if i is not None)

    def with_item(self, meta, c):
        return WithItem(self._name(c[0]), c[1], span=self._tok(c[0]))
