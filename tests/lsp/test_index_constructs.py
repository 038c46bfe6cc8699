"""The symbol index on the constructs added after it: records, tuples, `def`s,
comprehensions, `choose`, `m in msgs` parameters, `terminal`, `constraint`,
`init`, and modules (`import reg from "f.spec"`, `reg.x`, `with { }`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.lsp.analysis import INTERNAL, analyze
from checker.lsp.index import build_index

SPECS = Path(__file__).resolve().parent / "specs"
REGISTRY = (SPECS / "registry.spec").read_text(encoding="utf-8")
SHOP = (SPECS / "shop.spec").read_text(encoding="utf-8")


@pytest.fixture
def shop():
    return SPECS / "shop.spec"


def _at(index, needle, nth=0, offset=0):
    start = -1
    for _ in range(nth + 1):
        start = SHOP.index(needle, start + 1)
    line = SHOP.count("\n", 0, start) + 1
    col = start - (SHOP.rfind("\n", 0, start) + 1) + 1 + offset
    return index.symbol_at(line, col)


def test_the_example_is_a_valid_spec_and_every_name_resolves(shop):
    assert analyze(SHOP, str(shop)).diagnostics == []
    index = build_index(SHOP, str(shop))
    assert index.unresolved == []
    lines = SHOP.split("\n")
    for o in index.occurrences:
        s = o.span
        assert lines[s.line - 1][s.col - 1:s.end_col - 1] == o.symbol.name, (s, o.symbol.name)
    kinds = {s.name: s.kind for s in index.symbols}
    assert kinds == {"reg": "module", "Kind": "enum", "Msg": "type", "msgs": "var", "last": "var",
                     "is_ping": "def", "send": "action", "recv": "action", "pick": "action",
                     "small": "constraint", "done": "terminal", "bounded": "invariant"}


def test_defs_params_and_bound_names(shop):
    index = build_index(SHOP, str(shop))
    is_ping = _at(index, "def is_ping", offset=4)
    assert is_ping.detail == "def is_ping(m: Msg): bool" and is_ping.doc == "Whether a message is a ping."
    assert _at(index, "is_ping(m)") is is_ping and _at(index, "is_ping(y)") is is_ping
    assert len(index.references(is_ping)) == 3
    # the def's parameter `m`, and recv's `m in msgs`, are two symbols
    def_m = _at(index, "m.kind")
    recv_m = _at(index, "m with")
    assert def_m.kind == recv_m.kind == "param" and def_m is not recv_m
    assert def_m.container == "is_ping" and recv_m.detail == "m in msgs (parameter of recv)"
    # let (a, b), choose x, { y in msgs | ... }: bound where they are written
    a = _at(index, "a + b")
    assert a.kind == "local" and _at(index, "let (a", offset=5) is a
    x = _at(index, "x.to")
    assert x.kind == "local" and _at(index, "choose x", offset=7) is x
    y = _at(index, "is_ping(y)", offset=8)
    assert y.kind == "local" and _at(index, "{ y in", offset=2) is y


def test_records_fields_and_qualified_enum_members(shop):
    index = build_index(SHOP, str(shop))
    kind = _at(index, "kind: Kind,")
    assert kind.kind == "field" and kind.container == "Msg" and kind.detail == "kind: Kind (field of Msg)"
    # m.kind, a record literal's field and a `with` update's field are that field
    assert _at(index, "m.kind", offset=2) is kind
    assert _at(index, "{ kind: Ping, to: t", offset=2) is kind
    assert _at(index, "with { kind", offset=7) is kind
    assert _at(index, "Kind.Ping", offset=5) is _at(index, "Ping, Pong")


def test_imports_resolve_into_the_module(shop):
    index = build_index(SHOP, str(shop))
    reg = _at(index, "import reg", offset=7)
    assert reg.kind == "module" and reg.detail == 'import reg from "registry.spec"'
    assert _at(index, "reg.count") is reg
    count = _at(index, "reg.count", offset=4)
    assert count.kind == "var" and count.span.file == str(SPECS / "registry.spec")
    assert index.is_imported(count) and not index.is_imported(reg)
    assert count.span.line == 3   # its declaration in registry.spec
    assert REGISTRY.split("\n")[2].startswith("var count")
    assert _at(index, "reg.bump", offset=4).detail == "action bump()"
    assert _at(index, "N = 2").detail == "const N: 1..3"
    assert len(index.references(reg)) == 4   # the import, reg.bump, two reg.count


def test_a_missing_module_leaves_its_names_unresolved_and_does_not_crash(tmp_path):
    # an import of a file that is not there: the checker reports it; the index declares
    # the alias and resolves no `reg.x`, and marks `with { N = ... }` unresolved
    index = build_index(SHOP, str(tmp_path / "shop.spec"))
    assert index is not None
    assert _at(index, "reg.count").kind == "module"
    assert _at(index, "reg.count", offset=4) is None
    assert [SHOP.split("\n")[s.line - 1][s.col - 1:s.end_col - 1] for s in index.unresolved] == ["N"]


def test_init_constructs_and_unprefixed_imports(tmp_path):
    (tmp_path / "registry.spec").write_text(REGISTRY, encoding="utf-8")
    text = ('spec whole\nimport "registry.spec"\nonly { count, bump }\nvar w: 0..3 = 0\n'
            "init: w <= count\ninit { either { w = 1 } or { w = 2 } }\n"
            "action go { require w < 3; assert(w <= count) }\n")
    assert analyze(text, str(tmp_path / "whole.spec")).diagnostics == []
    index = build_index(text, str(tmp_path / "whole.spec"))
    assert index.unresolved == []
    uses = {(o.span.line, o.symbol.name, o.symbol.kind) for o in index.occurrences}
    assert {(3, "count", "var"), (3, "bump", "action"), (5, "w", "var"), (5, "count", "var"),
            (6, "w", "var"), (7, "count", "var")} <= uses


def test_every_prefix_of_the_example_is_analysed_without_an_exception(shop):
    previous = None
    for cut in range(0, len(SHOP), 7):
        a = analyze(SHOP[:cut], str(shop), previous)
        assert not any(d.message.startswith(INTERNAL) for d in a.diagnostics), SHOP[:cut][-120:]
        previous = a
