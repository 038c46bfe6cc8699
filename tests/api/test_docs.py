"""Proof documentation: pages per spec, an index, deterministic output."""
import json

from checker.docs import DocsSettings, generate, render_all
from checker.report.text import redact_timing

SPEC = """/// A counter that must stay small.
spec counter
const MAX: int where MAX >= 1 = 3
var n: 0..MAX = 0
/// Add one, up to MAX.
action inc { require n < MAX; n = n + 1 }
action reset { require n == MAX; n = 0 }
/// Never reaches 3.
/// expect: violated
invariant below_three: n < 3
invariant in_range: n <= MAX
"""

# two callers sharing a lock: the sequence diagram has one participant per caller
LOCK = """/// Two callers and a lock taken in two steps (check, then take): broken.
spec lock
type Caller = 1..2
var checked: map<Caller, bool> = [c in Caller -> false]
var inside: 0..2 = 0
action check(c: Caller) { require inside == 0 and not checked[c]; checked[c] = true }
action take(c: Caller) { require checked[c]; checked[c] = false; inside = inside + 1 }
action leave(c: Caller) { require inside > 0; inside = inside - 1 }
/// Only one caller is inside at a time.
/// expect: violated
invariant one_inside: inside <= 1
"""


def test_pages_show_each_engine_and_the_counterexample(tmp_path):
    src = tmp_path / "spec" / "counter.spec"
    src.parent.mkdir()
    src.write_text(SPEC)
    out = tmp_path / "docs" / "proofs"
    out.parent.mkdir()  # the pages' folder is created, never its parents (checker.outpaths)
    timings = tmp_path / "timings.tsv"
    written = generate([str(src.parent)], str(out), timings=str(timings))
    assert sorted(p.name for p in written) == ["README.md", "counter.dot", "counter.md"]
    page = (out / "counter.md").read_text()
    assert "Source: [`../../spec/counter.spec`](../../spec/counter.spec)" in page
    assert "**4 properties** (explicit search): 3 hold, 1 violated." in page
    assert "| `MAX` | 3 | `MAX >= 1`: the Z3 engines also check every such value |" in page
    assert ("| [`below_three`](#below_three) | `n < 3` | **violated**: 3 steps | **violated**: 3 steps | "
            "**violated**: 3 steps | **violated** for MAX = 3: 3 steps |") in page
    # in_range is proved for every MAX >= 1 by the Z3 engines (the constant is generalised)
    assert ("| [`in_range`](#in_range) | `n <= MAX` | holds | proved, k = 1 | proved | "
            "proved (k-induction, PDR) |") in page
    assert "- **explicit search**: holds — true in all 4 reachable states (exhaustive breadth-first search, " \
           "depth 3)." in page
    assert "The spec expects this property to be **violated**" in page
    assert "| 3 | `inc` | n = 3 |" in page
    assert "```mermaid\nsequenceDiagram" in page and "P0->>S: 3. inc" in page
    assert "expect: violated" not in page and "Never reaches 3." in page
    # 4 states: the state graph, in Mermaid (with the violating state in red) and in DOT
    assert "```mermaid\nflowchart TD\n" in page and '    s3 -- "reset" --> s0' in page and "    class s3 bad" in page
    assert (out / "counter.dot").read_text().startswith('digraph "counter" {')
    assert "resource limit of 10,000,000 units per solver call" in page
    index = (out / "README.md").read_text()
    assert "| [counter](counter.md) | A counter that must stay small. | 4 | 3 | **1** | 0 | 3 |" in index
    assert "| [`below_three`](counter.md#below_three) | Never reaches 3. | **violated**: 3 steps |" in index
    # times are kept apart, never in the pages
    rows = timings.read_text().splitlines()
    assert rows[0] == "spec\tengine\tseconds" and {r.split("\t")[1] for r in rows[1:]} == {
        "explicit", "kind", "pdr", "kind, all values", "pdr, all values"}
    assert redact_timing(page) == page and redact_timing(index) == index  # no durations


def test_generation_is_deterministic(tmp_path):
    src = tmp_path / "counter.spec"
    src.write_text(SPEC)
    first = render_all([str(src)], str(tmp_path / "out"))
    second = render_all([str(src)], str(tmp_path / "out"))
    assert first == second


def test_sequence_diagram_has_a_participant_per_caller(tmp_path):
    src = tmp_path / "lock.spec"
    src.write_text(LOCK)
    pages = render_all([str(src)], str(tmp_path), DocsSettings(engines=("explicit",)))
    page = pages[tmp_path / "lock.md"]
    assert """```mermaid
sequenceDiagram
    participant P0 as Caller 1
    participant P1 as Caller 2
    participant S as state
    Note over S: initially checked = [1 -> false, 2 -> false], inside = 0
    P0->>S: 1. check(1)
    Note over S: checked[1] = true
    P1->>S: 2. check(2)
    Note over S: checked[2] = true
    P0->>S: 3. take(1)
    Note over S: checked[1] = false, inside = 1
    P1->>S: 4. take(2)
    Note over S: checked[2] = false, inside = 2
```""" in page
    # one engine only: no Z3 columns, and the settings say so
    assert "| property | statement | explicit search |" in page
    assert "Engines: explicit search only." in pages[tmp_path / "README.md"]


def test_a_spec_that_does_not_load_is_a_clean_error(tmp_path):
    from checker.cli import main

    bad = tmp_path / "bad.spec"
    bad.write_text("spec bad\nvar x: 0..2 = 0\naction a { x = y }\n")
    assert main(["docs", str(bad), "-o", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_worker_output_is_plain_json(tmp_path):
    from checker.docs import document_in_subprocess

    src = tmp_path / "counter.spec"
    src.write_text(SPEC)
    out = document_in_subprocess(src, str(tmp_path), DocsSettings(engines=("explicit",)))
    assert json.loads(json.dumps(out)) == out
    assert sorted(out["files"]) == ["counter.dot", "counter.md"] and out["name"] == "counter"


def test_svg_with_graphviz_and_a_clear_error_without(tmp_path):
    import shutil

    import pytest

    from checker.docs import DocsError, render_svg

    src = tmp_path / "counter.spec"
    src.write_text(SPEC)
    with pytest.raises(DocsError, match="Graphviz is not installed"):
        render_svg([tmp_path / "x.dot"], dot=str(tmp_path / "no-such-dot"))
    if shutil.which("dot") is None:
        pytest.skip("Graphviz not installed: the SVG itself is not checked")
    written = generate([str(src)], str(tmp_path / "out"), DocsSettings(engines=("explicit",)), svg=True)
    svg = tmp_path / "out" / "counter.svg"
    assert svg in written and svg.read_text().lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE"))
