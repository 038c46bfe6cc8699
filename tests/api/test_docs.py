"""Proof documentation: pages per spec, an index, deterministic output."""
from checker.docs import generate, render_all

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


def test_pages_show_each_engine_and_the_counterexample(tmp_path):
    src = tmp_path / "spec" / "counter.spec"
    src.parent.mkdir()
    src.write_text(SPEC)
    out = tmp_path / "docs" / "proofs"
    written = generate([str(src.parent)], str(out))
    assert sorted(p.name for p in written) == ["README.md", "counter.md"]
    page = (out / "counter.md").read_text()
    assert "Source: [`../../spec/counter.spec`](../../spec/counter.spec)" in page
    assert "| `below_three` | `n < 3` | **violated** (3 steps) | **violated** (3 steps) | **violated** (3 steps) |" \
        in page
    # in_range is proved for every MAX >= 1 by the Z3 engines (the constant is generalised)
    assert "| `in_range` | `n <= MAX` | holds (exhaustive) | proved (k-induction, k = 1) | proved (PDR (Spacer)) |" \
        in page
    assert "| 3 | `inc` | n = 3 |" in page
    assert "```mermaid\nsequenceDiagram" in page and "P0->>S: 3. inc" in page
    assert "expect: violated" not in page and "Never reaches 3." in page
    index = (out / "README.md").read_text()
    assert "| [counter](counter.md) | `below_three` | **violated** |" in index


def test_generation_is_deterministic(tmp_path):
    src = tmp_path / "counter.spec"
    src.write_text(SPEC)
    first = render_all([str(src)], str(tmp_path / "out"))
    second = render_all([str(src)], str(tmp_path / "out"))
    assert first == second
