"""What the server knows about one open document, recomputed on each edit.

The front end's errors (every one, with the resolver's hints), the symbol
index, and the typed IR when the text loads.  While the text does not parse
(half typed), the last good index and IR are kept, so hover and go to
definition keep working on the parts of the file that did not move.
No search runs here: only parsing, name resolution and type checking.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .. import ir
from ..lang.diagnostics import Diagnostic
from .index import SpecIndex, build_index

INTERNAL = "internal error in the checker's front end (please report it): "


@dataclass
class Analysis:
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    index: Optional[SpecIndex] = None
    spec: Optional[ir.Spec] = None
    stale: bool = False   # index/spec are from an earlier text: this one does not parse or load


def analyze(text: str, filename: str, previous: Optional[Analysis] = None) -> Analysis:
    """Never raises: a bug in the front end becomes a diagnostic at 1:1."""
    from ..lang import SpecError, load_text

    out = Analysis(text)
    try:
        out.spec = load_text(text, filename)
    except SpecError as e:
        out.diagnostics = list(e.diagnostics)
    except Exception as e:  # the server must outlive any input
        out.diagnostics = [Diagnostic(ir.Span(filename, 1, 1), INTERNAL + f"{type(e).__name__}: {e}")]
    try:
        out.index = build_index(text, filename)
    except Exception as e:
        out.diagnostics.append(Diagnostic(ir.Span(filename, 1, 1), INTERNAL + f"{type(e).__name__}: {e}"))
    if previous is not None:
        if out.index is None and previous.index is not None:
            out.index, out.stale = previous.index, True
        if out.spec is None and previous.spec is not None:
            out.spec, out.stale = previous.spec, True
    return out


def constant_value(spec: Optional[ir.Spec], name: str) -> Optional[int]:
    if spec is None:
        return None
    for c in spec.consts:
        if c.name == name:
            return c.value
    return None


def variable_type(spec: Optional[ir.Spec], name: str) -> Optional[str]:
    if spec is None:
        return None
    for v in spec.vars:
        if v.name == name:
            return str(v.type)
    return None


def property_names(spec: Optional[ir.Spec]) -> list[str]:
    if spec is None:
        return []
    return ([i.name for i in spec.invariants] + [p.name for p in spec.properties]
            + [r.name for r in spec.reachables])
