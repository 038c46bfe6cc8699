"""Errors in a spec, rendered as `file:line:col: error: message`, the source
line, and a caret under the spot.  The front end collects every error of a
file before raising, so a user fixes them in one pass."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from ..ir import Span


MAX_SHOWN = 120   # characters of a source line shown under a message
MAX_CARET = 60    # the longest run of ^ under a spot


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    message: str
    hint: str = ""

    def render(self, source: str) -> str:
        lines = source.splitlines()
        head = f"{self.span.file}:{self.span.line}:{self.span.col}: error: {self.message}"
        out = [head]
        if 1 <= self.span.line <= len(lines):
            text = lines[self.span.line - 1].expandtabs(1)
            width = 1
            if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                width = self.span.end_col - self.span.col
            col = max(1, min(self.span.col, len(text) + 1))
            width = max(1, min(width, len(text) - col + 2, MAX_CARET))
            if len(text) > MAX_SHOWN:  # a window around the spot, so a huge line stays readable
                start = max(0, col - 1 - MAX_SHOWN // 2)
                shown = text[start:start + MAX_SHOWN]
                prefix = "..." if start > 0 else ""
                suffix = "..." if start + MAX_SHOWN < len(text) else ""
                text, col = prefix + shown + suffix, col - start + len(prefix)
                width = min(width, MAX_SHOWN - (col - 1 - len(prefix)))
            out.append(f"  {text}")
            out.append("  " + " " * (col - 1) + "^" * max(1, width))
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


@dataclass
class SpecError(Exception):
    """Raised with every diagnostic found in one file."""

    diagnostics: list[Diagnostic]
    source: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        parts = [d.render(self.source) for d in self.diagnostics]
        n = len(self.diagnostics)
        parts.append(f"{n} error{'s' if n != 1 else ''}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.render()


class Diagnostics:
    """A collector: the resolver reports into it and keeps going."""

    def __init__(self, file: str, source: str):
        self.file = file
        self.source = source
        self.items: list[Diagnostic] = []

    def error(self, span: Span | None, message: str, hint: str = "") -> None:
        if span is None:
            span = Span(self.file, 1, 1)
        self.items.append(Diagnostic(span, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            # report in source order, each position once
            seen = set()
            unique = []
            for d in sorted(self.items, key=lambda d: (d.span.line, d.span.col)):
                key = (d.span.line, d.span.col, d.message)
                if key not in seen:
                    seen.add(key)
                    unique.append(d)
            raise SpecError(unique, self.source)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


class BuildError(Exception):
    """A mistake found while the parser builds the syntax tree (a keyword
    used as a name, a malformed block): raised by the tree builders
    (parser.py, modules_syntax.py, records_parse.py), reported by the parser
    as one diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

