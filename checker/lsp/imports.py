"""The indexes of the modules a spec imports, for the symbol index.

``import reg from "registry.spec"`` and ``import "registry.spec"`` name a file
relative to the importing file (``checker.lang.modules.module_path``; an
unsaved buffer's relative to the working directory, as the checker does).
Its index is built here and cached by (path, mtime, size), so re-indexing
the importer on every keystroke does not re-parse its modules.  A module that
cannot be read or does not parse has no index (None): the importer's own
diagnostics say why; the index just leaves its names unresolved.
"""
from __future__ import annotations

import os
import re
from typing import Optional

from ..lang import ast as A
from ..lang.modules_syntax import ImportDecl
from .symbols import GLOBAL_KINDS, Occurrence, SpecIndex, Symbol

_CACHE: dict[str, tuple[tuple[int, int], object]] = {}
MAX_DEPTH = 8   # imports of imports: deeper (or a cycle) is not indexed


def module_index(importer: str, path: str, build, stack: tuple[str, ...] = ()) -> Optional[SpecIndex]:
    """The SpecIndex of the module ``path`` imported by the file ``importer``, or
    None.  ``build(text, filename, stack)``: the index builder (index.build_index)."""
    from ..lang.modules import module_path

    full = module_path(importer, path)
    key = os.path.realpath(full)
    if key in stack or len(stack) >= MAX_DEPTH:
        return None
    try:
        st = os.stat(full)
        stamp = (st.st_mtime_ns, st.st_size)
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with open(full, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    index = build(text, full, stack + (key,))
    _CACHE[key] = (stamp, index)
    return index


class ModuleUses:
    """The index builder's part for modules (mixed into index._Builder): the alias
    ``reg`` of ``import reg from "f.spec"``, ``reg.x`` and ``reg.act()``, the
    names of ``with { }`` / ``only { }``, and ``import "f.spec"``'s names.
    The builder gives ``build_module``, the function that indexes a module."""

    def load_module(self, d: ImportDecl) -> Optional[SpecIndex]:
        index = module_index(self.file, d.path, self.build_module, self.stack)
        if index is not None:
            (self.prefixed if d.alias else self.unprefixed).append(index)
        return index

    def declare_imported(self, decls) -> None:
        """The names of ``import "f.spec"`` modules, and the enums of every module (an
        enum is shared, never prefixed: modules.expand_imports), after this file's own
        (which win)."""
        for index in self.prefixed:
            for s in index.symbols:
                if s.kind == "enum":
                    self.globals.setdefault(s.name, s)
                    for c in s.children:
                        self.globals.setdefault(c.name, c)
        for index in self.unprefixed:
            for s in index.symbols:
                if s.kind in GLOBAL_KINDS and s.kind != "module":
                    self.globals.setdefault(s.name, s)
                for c in s.children:
                    if c.kind == "member":
                        self.globals.setdefault(c.name, c)
                    elif c.kind == "step":
                        self.labels.setdefault(c.name, c)
                if s.kind == "process":
                    self.processes.setdefault(s.name, {c.name: c for c in s.children if c.kind == "proc_var"})

    def module_symbol(self, index: Optional[SpecIndex], name: str) -> Optional[Symbol]:
        """A top-level name (or enum member) of an imported module."""
        if index is None:
            return None
        for s in index.symbols:
            if s.name == name and s.kind != "module":
                return s
        for s in index.symbols:
            for c in s.children:
                if c.kind == "member" and c.name == name:
                    return c
        return None

    def import_items(self, d: ImportDecl, scope) -> None:
        """``with { N = e }`` / ``only { a, b }``: the names are the module's, the values this file's."""
        index = self.modules.get(d.alias) if d.alias else self.module_symbol_index(d)
        for item in tuple(d.consts) + tuple(d.only or ()):
            target = self.module_symbol(index, item.name)
            if target is not None and item.span is not None:
                self.occurrences.append(Occurrence(self.name_span(item.name, item.span.line, item.span.col), target))
            elif item.span is not None:
                self.unresolved.append(item.span)
            if item.expr is not None:
                self.expr(item.expr, scope)

    def module_symbol_index(self, d: ImportDecl) -> Optional[SpecIndex]:
        return module_index(self.file, d.path, self.build_module, self.stack)

    def module_call(self, s: A.Method, scope) -> None:
        """``reg.act(args)``: the action ``act`` of the module imported as ``reg``."""
        lv = s.target
        if lv.indices or lv.name in scope or lv.name not in self.modules or lv.span is None:
            return
        target = self.module_symbol(self.modules[lv.name], s.method)
        line = self.lines[lv.span.line - 1]
        m = re.compile(r"\.\s*(%s)\b" % re.escape(s.method)).search(line, lv.span.col - 1 + len(lv.name))
        if target is not None and m:
            self.occurrences.append(Occurrence(self.name_span(s.method, lv.span.line, m.start(1) + 1), target))

