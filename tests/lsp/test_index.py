"""The symbol index, without an LSP: every occurrence is the name it claims,
every name of every spec is resolved, scopes are right, and no prefix of a
spec (a half-typed file) makes the analysis raise."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.lsp.analysis import INTERNAL, analyze
from checker.lsp.index import build_index

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(ROOT.glob("spec/*.spec"))
ALL = (SPECS + sorted(ROOT.glob("tests/soundness/specs/*.spec")) + sorted(ROOT.glob("bench/*.spec"))
       + sorted(ROOT.glob("examples/**/*.spec")) + sorted(ROOT.glob("tests/catalog/specs/*.spec")))


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_name_is_resolved_and_every_occurrence_is_its_name(path):
    text = path.read_text(encoding="utf-8")
    index = build_index(text, str(path))
    assert index is not None
    assert index.unresolved == []
    lines = text.split("\n")
    for o in index.occurrences:
        s = o.span
        assert lines[s.line - 1][s.col - 1:s.end_col - 1] == o.symbol.name, (s, o.symbol.name)
    kinds = {s.kind for s in index.symbols}
    assert "var" in kinds


SCOPES = """\
spec scopes
const N: 1..3 = 2
enum Color { Red, Green }
var x: 0..N = 0
var c: Color = Red
/// Moves x up.
action up(k: 0..N) {
  let x2 = x + k
  require x2 <= N
  x = x2
}
action paint { for i in 0..N { require i <= N; c = Green } }
invariant ok: forall k in 0..N: x <= N or k == x
process worker(self: 0..1) {
  var done: bool = false
  step1: { done = true; goto step2 }
  step2: { done = false }
}
invariant w: worker[0].done or worker[0].pc == step1 or worker[1].pc == worker_done
"""


def _at(index, text, needle, nth=0, offset=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1 + offset
    return index.symbol_at(line, col)


def test_scopes_shadowing_and_kinds():
    assert analyze(SCOPES, "scopes.spec").diagnostics == []  # the example is a valid spec
    index = build_index(SCOPES)
    x_global = _at(index, SCOPES, "var x", offset=4)
    assert x_global.kind == "var" and x_global.detail == "var x: 0..N"
    # `x` in `let x2 = x + k` is the variable; `k` is the parameter
    assert _at(index, SCOPES, "x + k") is x_global
    k_param = _at(index, SCOPES, "x + k", offset=4)
    assert k_param.kind == "param" and k_param.container == "up"
    # x2: a let-bound local, declared where `let` names it
    x2 = _at(index, SCOPES, "x2 <= N")
    assert x2.kind == "local" and x2.span.line == 8
    # a loop variable: declared at `for i`, used in the loop
    for_i = _at(index, SCOPES, "for i", offset=4)
    assert for_i.kind == "local" and _at(index, SCOPES, "i <= N") is for_i
    # `k` in the invariant is the quantifier's, not up's parameter
    assert _at(index, SCOPES, "k == x").kind == "local"
    assert _at(index, SCOPES, "x <= N or") is x_global
    # enum members, process locals through `worker[0].done`, step labels, the implicit done label
    assert _at(index, SCOPES, "Green }").kind == "member"
    done = _at(index, SCOPES, "var done", offset=4)
    assert _at(index, SCOPES, "worker[0].done", offset=len("worker[0].")) is done
    assert _at(index, SCOPES, "goto step2", offset=5).kind == "step"
    assert _at(index, SCOPES, "== step1", offset=3).kind == "step"
    assert _at(index, SCOPES, "worker_done").kind == "implicit"
    # doc comments
    assert _at(index, SCOPES, "action up", offset=7).doc == "Moves x up."
    assert len(index.references(x_global)) == 5  # var x, x + k, x = x2, x <= N, k == x
    # completion inside `up` offers its parameter, not paint's loop variable
    names = {s.name for s in index.in_scope_at(9)}
    assert {"k", "x2", "x", "N", "Red", "up", "worker"} <= names


def test_renaming_a_process_renames_its_done_label():
    index = build_index(SCOPES)
    worker = _at(index, SCOPES, "process worker", offset=8)
    edits = index.rename_edits(worker, "helper")
    lines = SCOPES.split("\n")
    for span, text in sorted(edits, key=lambda e: (e[0].line, e[0].col), reverse=True):
        line = lines[span.line - 1]
        lines[span.line - 1] = line[:span.col - 1] + text + line[span.end_col - 1:]
    renamed = "\n".join(lines)
    assert "worker" not in renamed and "helper[1].pc == helper_done" in renamed
    assert analyze(renamed, "renamed.spec").diagnostics == []


def test_a_file_that_does_not_parse_has_no_index():
    assert build_index("spec x\nvar n: = 0\n") is None


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_every_prefix_of_every_spec_is_analysed_without_an_exception(path):
    """A half-typed file: cut at every fourth line end and in the middle of every ninth line
    (every line end of every spec takes minutes on a loaded machine; the strides differ so the
    cuts fall in every kind of declaration)."""
    text = path.read_text(encoding="utf-8")
    line_ends = [i for i, ch in enumerate(text) if ch == "\n"]
    cuts = line_ends[::4] + [i - 7 for i in line_ends[::9] if i > 7]
    previous = None
    for cut in sorted(cuts):
        a = analyze(text[:cut], str(path), previous)
        assert not any(d.message.startswith(INTERNAL) for d in a.diagnostics), text[:cut][-200:]
        previous = a
    assert analyze(text, str(path)).diagnostics == []
