"""The committed proof pages: every violated property has a step table and a
Mermaid sequence diagram, and every Mermaid block uses only the statements
the generator means to write, in a form Mermaid parses.  Checked by structure
here; when this test was written, every diagram of the committed pages was
also parsed by mermaid 11.17.2 itself (mermaid.parse under Node with jsdom, a
one-off check: Node is not a test dependency)."""
import re
from pathlib import Path

import pytest

from checker.docs import DocsSettings, render_all

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p for p in (ROOT / "docs" / "proofs").glob("*.md") if p.name != "README.md")

FREE_TEXT = r"[^;#\n]*?"  # Mermaid ends a statement at ';' and starts an entity code at '#'
SEQUENCE = [re.compile(p) for p in (
    rf"participant (P\d+|S) as {FREE_TEXT}",
    rf"Note over S: {FREE_TEXT}",
    rf"(P\d+)->>S: {FREE_TEXT}",
    rf"loop {FREE_TEXT}",
    r"end",
)]
QUOTED = r'"(?:[^"#;]|#quot;|#35;|#59;)*"'  # inside quotes: entity codes only
FLOW_NODE = re.compile(rf"(s\d+)\[{QUOTED}\]")
FLOW_EDGE = re.compile(rf"(s\d+) -- {QUOTED} --> (s\d+)")
FLOW_CLASS = re.compile(r"class (s\d+(?:,s\d+)*) (init|bad)")
FLOW_CLASSDEF = re.compile(r"classDef (init|bad) [a-z-]+:[^ ;]+(,[a-z-]+:[^ ;]+)*")


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


def check_sequence(lines: list[str]) -> None:
    declared, depth = set(), 0
    for line in lines:
        assert line.startswith("    ") and not line.startswith("     "), f"indentation: {line!r}"
        s = line.strip()
        m = next((p.fullmatch(s) for p in SEQUENCE if p.fullmatch(s)), None)
        assert m is not None, f"not a statement the generator writes: {s!r}"
        if s.startswith("participant"):
            assert depth == 0 and m.group(1) not in declared
            declared.add(m.group(1))
        elif "->>" in s:
            assert m.group(1) in declared and "S" in declared, f"undeclared participant: {s!r}"
        elif s.startswith("loop"):
            depth += 1
        elif s == "end":
            depth -= 1
            assert depth >= 0, "end without loop"
    assert depth == 0, "loop without end"


def check_flowchart(lines: list[str]) -> None:
    nodes = set()
    for line in lines:
        s = line.strip()
        if (m := FLOW_NODE.fullmatch(s)) is not None:
            nodes.add(m.group(1))
        elif (m := FLOW_EDGE.fullmatch(s)) is not None:
            assert m.group(1) in nodes and m.group(2) in nodes, f"edge between undeclared nodes: {s!r}"
        elif (m := FLOW_CLASS.fullmatch(s)) is not None:
            assert set(m.group(1).split(",")) <= nodes
        else:
            assert FLOW_CLASSDEF.fullmatch(s), f"not a statement the generator writes: {s!r}"
    assert nodes


def check_diagrams(text: str) -> int:
    blocks = mermaid_blocks(text)
    for b in blocks:
        head, *lines = b.rstrip("\n").split("\n")
        if head == "sequenceDiagram":
            check_sequence(lines)
        else:
            assert head == "flowchart TD", head
            check_flowchart(lines)
    return len(blocks)


def violated_in_table(text: str) -> list[str]:
    """Properties whose first verdict column (explicit search) says violated."""
    table = text.split("## Properties\n\n", 1)[1].split("\n\n", 1)[0]
    out = []
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        if cells[2].startswith("**violated**"):
            out.append(re.match(r"\[`(\w+)`\]", cells[0]).group(1))
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_counterexample_has_a_step_table_and_a_sequence_diagram(page):
    text = page.read_text(encoding="utf-8")
    for name in violated_in_table(text):
        section = text.split(f"\n### {name}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert "| step | action | changes |" in section, f"{name}: no step table"
        assert "```mermaid\nsequenceDiagram\n" in section, f"{name}: no sequence diagram"
    check_diagrams(text)


def test_the_committed_pages_have_diagrams():
    texts = [p.read_text(encoding="utf-8") for p in PAGES]
    assert sum(check_diagrams(t) for t in texts) > 0 and len(PAGES) > 0
    assert sum(len(violated_in_table(t)) for t in texts) > 0  # the per-page test above checks something


def test_the_checks_reject_what_mermaid_rejects():
    with pytest.raises(AssertionError):
        check_sequence(["    P0->>S: a; b"])                        # ';' ends the statement
    with pytest.raises(AssertionError):
        check_sequence(["    participant S as state", "    P1->>S: x"])  # undeclared participant
    with pytest.raises(AssertionError):
        check_sequence(["    loop repeats forever"])                # loop without end
    with pytest.raises(AssertionError):
        check_flowchart(['    s0["a"b"]'])                           # a raw quote inside a label
    with pytest.raises(AssertionError):
        check_flowchart(['    s0["a"]', '    s0 -- "x" --> s1'])    # edge to an undeclared node


def test_generated_diagrams_with_awkward_text_stay_valid(tmp_path):
    """Values and names with the characters Mermaid treats specially."""
    spec = tmp_path / "odd.spec"
    spec.write_text("""spec odd
enum Mode { A, B }
type Caller = 1..2
var m: map<Caller, Mode> = [c in Caller -> A]
var s: set<Caller> = {}
action go(c: Caller) { require m[c] == A; m[c] = B; s = s union {c} }
/// expect: violated
invariant not_both: not (m[1] == B and m[2] == B)
""")
    pages = render_all([str(spec)], str(tmp_path), DocsSettings(engines=("explicit",)))
    text = pages[tmp_path / "odd.md"]
    # the sequence diagrams of not_both and deadlock, and the state graph
    assert check_diagrams(text) == 3
