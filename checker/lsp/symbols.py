"""What the symbol index (index.py) is made of: the declarations of a
spec (``Symbol``), each place a name occurs (``Occurrence``), and the
queries the language server asks of a whole file's index (``SpecIndex``).

Kept apart from the builder so that the module part of the builder
(imports.py) uses these types without importing the builder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..ir import Span

GLOBAL_KINDS = ("const", "enum", "member", "type", "var", "action", "process", "invariant", "property",
                "reachable", "def", "terminal", "constraint", "module", "refines")


@dataclass(eq=False)
class Symbol:
    name: str
    kind: str         # one of GLOBAL_KINDS, or param, local, proc_var, step, spec
    span: Span        # the name where it is declared
    detail: str       # a one-line signature: `var failures: 0..4294967295`
    doc: str = ""
    container: str = ""   # the action/process/enum it belongs to, if any
    extent: tuple[int, int] = (0, 0)   # first and last line of the whole declaration
    children: list["Symbol"] = field(default_factory=list)


@dataclass
class Occurrence:
    span: Span
    symbol: Symbol


@dataclass
class SpecIndex:
    text: str
    symbols: list[Symbol]              # top-level declarations, in source order
    occurrences: list[Occurrence]      # declarations and uses, in no particular order
    unresolved: list[Span] = field(default_factory=list)
    file: str = "<spec>"

    def is_imported(self, symbol: Symbol) -> bool:
        """Declared in a module this file imports (its span is in that file)."""
        return symbol.span.file != self.file

    def occurrence_at(self, line: int, col: int) -> Optional[Occurrence]:
        for o in self.occurrences:
            s = o.span
            if s.line == line and s.col <= col <= _end_col(s):
                return o
        return None

    def symbol_at(self, line: int, col: int) -> Optional[Symbol]:
        o = self.occurrence_at(line, col)
        return o.symbol if o else None

    def references(self, symbol: Symbol) -> list[Span]:
        spans = {(o.span.line, o.span.col): o.span for o in self.occurrences if o.symbol is symbol}
        return [spans[k] for k in sorted(spans)]

    def rename_edits(self, symbol: Symbol, new: str) -> list[tuple[Span, str]]:
        """Every span to replace, and its new text, to rename ``symbol`` to ``new``.

        Renaming a process renames the label of its finished instances too
        (``writer_done`` -> ``author_done``)."""
        edits = [(s, new) for s in self.references(symbol)]
        if symbol.kind == "process":
            done = {id(o.symbol): o.symbol for o in self.occurrences
                    if o.symbol.kind == "implicit" and o.symbol.container == symbol.name}
            for sym in done.values():
                edits += [(s, f"{new}_done") for s in self.references(sym)]
        return edits

    def all_symbols(self) -> Iterable[Symbol]:
        for s in self.symbols:
            yield s
            yield from s.children

    def in_scope_at(self, line: int) -> list[Symbol]:
        """Globals, and the parameters and locals of the declaration around ``line``."""
        out = [s for s in self.symbols if s.kind in GLOBAL_KINDS]
        out += [m for s in self.symbols if s.kind == "enum" for m in s.children]
        for s in self.symbols:
            if s.extent[0] <= line <= s.extent[1]:
                out += s.children
                out += [o.symbol for o in self.occurrences
                        if o.symbol.kind == "local" and o.symbol.container == s.name
                        and o.symbol.span.line <= line]
        seen, unique = set(), []
        for s in out:
            if id(s) not in seen:
                seen.add(id(s))
                unique.append(s)
        return unique


def _end_col(s: Span) -> int:
    """The last column still on the name (inclusive: a cursor just after a name is on it)."""
    return s.end_col if s.end_line == s.line and s.end_col > s.col else s.col
