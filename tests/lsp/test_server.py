"""`verify lsp` driven by a real LSP client (pytest-lsp) over stdio.

One server for the whole module.  No test waits for a duration: the server
handles messages in order and publishes a document's diagnostics while it
handles the didOpen/didChange, so they have arrived once the reply to the
next request (a documentSymbol request here) has.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "spec").glob("*.spec"))

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "checker.cli", "lsp", "--stdio"]))
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(
        T.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    lsp_client.initialize_result = result  # for test_capabilities
    yield
    await lsp_client.shutdown_session()


_versions: dict[str, int] = {}


async def open_text(client: LanguageClient, uri: str, text: str) -> list[T.Diagnostic]:
    """Open (or replace) a document; return the diagnostics published for it."""
    client.diagnostics.pop(uri, None)
    if uri in _versions:
        _versions[uri] += 1
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))
    else:
        _versions[uri] = 1
        client.text_document_did_open(T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id="spec", version=1, text=text)))
    await client.text_document_document_symbol_async(
        T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=uri)))
    assert uri in client.diagnostics, "no diagnostics published before the next reply"
    return list(client.diagnostics[uri])


def pos_of(text: str, needle: str, nth: int = 0, offset: int = 0) -> T.Position:
    """The position of the nth occurrence of needle (plus offset characters)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    return T.Position(line, col + offset)


def doc(uri: str) -> T.TextDocumentIdentifier:
    return T.TextDocumentIdentifier(uri=uri)


async def test_capabilities_advertise_every_feature_and_the_commands(client: LanguageClient):
    caps = client.initialize_result.capabilities
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.rename_provider and caps.document_symbol_provider and caps.completion_provider
    assert caps.code_lens_provider is not None
    # VS Code's client registers these, so the lenses' commands reach the server
    assert {"spec.check", "spec.cancelChecks"} <= set(caps.execute_command_provider.commands)


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
async def test_every_spec_loads_clean_and_answers(client: LanguageClient, path: Path):
    """Each spec of spec/: no error, an outline, a hover and a definition for every variable."""
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    assert await open_text(client, uri, text) == []
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=doc(uri)))
    vars_ = [s for s in symbols if s.kind == T.SymbolKind.Variable]
    assert vars_, f"{path.name}: no variable in the outline"
    lines = text.split("\n")
    for s in vars_:
        start = s.selection_range.start
        assert lines[start.line][start.character:].startswith(s.name)
        hover = await client.text_document_hover_async(T.HoverParams(doc(uri), start))
        assert hover is not None and f"var {s.name}:" in hover.contents.value
        loc = await client.text_document_definition_async(T.DefinitionParams(doc(uri), start))
        assert loc.range == s.selection_range
        refs = await client.text_document_references_async(T.ReferenceParams(
            context=T.ReferenceContext(include_declaration=True), text_document=doc(uri), position=start))
        for r in refs:   # every reference is the name itself
            assert lines[r.range.start.line][r.range.start.character:r.range.end.character] == s.name
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(doc(uri)))
    assert {lens.command.arguments[2] for lens in lenses} == {"explicit", "pdr"}


MISTAKES = """\
spec mistakes
const N: 0..3 = 2
var count: 0..N = 0
action inc {
  require cuont < N
  count = count + true
}
invariant small: count <= N
"""


async def test_diagnostics_positions_and_hints(client: LanguageClient):
    uri = "file:///tmp/lsp-test/mistakes.spec"
    diags = await open_text(client, uri, MISTAKES)
    by_line = {d.range.start.line: d for d in diags}
    assert set(by_line) == {4, 5}
    unknown = by_line[4]
    assert (unknown.range.start.character, unknown.range.end.character) == (10, 15)   # `cuont`
    assert "cuont" in unknown.message and "did you mean `count`" in unknown.message
    assert unknown.severity == T.DiagnosticSeverity.Error
    # an incremental edit, as VS Code sends them: `cuont` -> `count` leaves the type error only
    _versions[uri] += 1
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
        content_changes=[T.TextDocumentContentChangePartial(
            range=T.Range(T.Position(4, 10), T.Position(4, 15)), text="count")]))
    await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=doc(uri)))
    assert [d.range.start.line for d in client.diagnostics[uri]] == [5]
    # a syntax error: the position of the unexpected token
    broken = MISTAKES.replace("count <= N", "count <= ")
    diags = await open_text(client, uri, broken)
    assert len(diags) == 1 and diags[0].range.start.line == 7
    assert "unexpected end of file" in diags[0].message
    # fixed: the diagnostics go away
    fixed = MISTAKES.replace("cuont", "count").replace("count + true", "count + 1")
    assert await open_text(client, uri, fixed) == []


async def test_half_typed_file_never_crashes_the_server(client: LanguageClient):
    """Every prefix of a spec (cut at line ends and mid-line) gets diagnostics, not a crash."""
    text = (ROOT / "spec" / "breaker_fixed.spec").read_text(encoding="utf-8")
    uri = "file:///tmp/lsp-test/typing.spec"
    cuts = sorted({i for i, ch in enumerate(text) if ch == "\n"} | set(range(0, len(text), 97)))
    for cut in cuts[::3]:
        diags = await open_text(client, uri, text[:cut])
        assert all("internal error" not in d.message for d in diags)
    assert client.error is None


async def test_hover_definition_references_rename(client: LanguageClient):
    path = ROOT / "spec" / "breaker.spec"
    text = path.read_text(encoding="utf-8")
    uri = "file:///tmp/lsp-test/breaker.spec"
    await open_text(client, uri, text)
    # a constant: its declaration, its value, its doc comment
    use = pos_of(text, "consecutive: 0..THRESHOLD", offset=len("consecutive: 0.."))
    hover = await client.text_document_hover_async(T.HoverParams(doc(uri), use))
    assert "const THRESHOLD: int where THRESHOLD >= 1" in hover.contents.value
    assert "value: `3`" in hover.contents.value
    loc = await client.text_document_definition_async(T.DefinitionParams(doc(uri), use))
    assert loc.range.start == pos_of(text, "const THRESHOLD", offset=len("const "))
    # an action: its signature and its /// doc
    action = pos_of(text, "action call_fails", offset=len("action "))
    hover = await client.text_document_hover_async(T.HoverParams(doc(uri), action))
    assert "action call_fails()" in hover.contents.value
    # an enum member goes to the enum's declaration
    member = pos_of(text, "phase == Open", offset=len("phase == "))
    loc = await client.text_document_definition_async(T.DefinitionParams(doc(uri), member))
    enum_at = text.index("enum Phase")
    assert loc.range.start == pos_of(text, "Open", nth=text[:enum_at].count("Open"))
    # rename a variable: one edit per use, the declaration included, nothing else touched
    var = pos_of(text, "var trials", offset=len("var "))
    edit = await client.text_document_rename_async(T.RenameParams(doc(uri), var, "attempts"))
    edits = edit.changes[uri]
    assert len(edits) == len([m for m in _words(text) if m == "trials"])
    renamed = _apply(text, edits)
    assert "trials" not in "".join(l.split("//")[0] for l in renamed.split("\n"))
    assert await open_text(client, "file:///tmp/lsp-test/renamed.spec", renamed) == []
    # a rename to a keyword is refused
    with pytest.raises(Exception, match="keyword"):
        await client.text_document_rename_async(T.RenameParams(doc(uri), var, "action"))


async def test_records_defs_and_imports_of_an_unsaved_buffer(client: LanguageClient, tmp_path: Path):
    """A buffer not on disk (only the module it imports is): its import resolves relative to
    the document's directory; hover on a def shows its signature; go to definition of
    `reg.count` opens registry.spec; the outline lists defs, constraints, terminals, imports."""
    SHOP = (ROOT / "tests" / "lsp" / "specs" / "shop.spec").read_text(encoding="utf-8")
    (tmp_path / "registry.spec").write_bytes((ROOT / "tests" / "lsp" / "specs" / "registry.spec").read_bytes())
    uri = (tmp_path / "shop.spec").as_uri()
    assert await open_text(client, uri, SHOP) == []
    hover = await client.text_document_hover_async(T.HoverParams(doc(uri), pos_of(SHOP, "is_ping(m)")))
    assert "def is_ping(m: Msg): bool" in hover.contents.value and "Whether a message is a ping." in hover.contents.value
    loc = await client.text_document_definition_async(T.DefinitionParams(doc(uri), pos_of(SHOP, "reg.count", offset=4)))
    assert loc.uri == (tmp_path / "registry.spec").as_uri()
    assert loc.range.start == T.Position(2, 4)   # `var count` in registry.spec
    loc = await client.text_document_definition_async(T.DefinitionParams(doc(uri), pos_of(SHOP, "is_ping(y)")))
    assert loc.uri == uri and loc.range.start == pos_of(SHOP, "is_ping(m: Msg)")
    # a name declared in another file is renamed there, not here
    assert await client.text_document_prepare_rename_async(
        T.PrepareRenameParams(doc(uri), pos_of(SHOP, "reg.count", offset=4))) is None
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=doc(uri)))
    kinds = {s.name: s.kind for s in symbols}
    assert kinds["is_ping"] == T.SymbolKind.Function and kinds["reg"] == T.SymbolKind.Module
    assert kinds["small"] == kinds["done"] == T.SymbolKind.Boolean
    msg = next(s for s in symbols if s.name == "Msg")
    assert [(c.name, c.kind) for c in msg.children] == [("kind", T.SymbolKind.Field), ("to", T.SymbolKind.Field),
                                                          ("pair", T.SymbolKind.Field)]


async def test_completion_offers_names_in_scope_and_keywords(client: LanguageClient):
    text = (ROOT / "spec" / "breaker.spec").read_text(encoding="utf-8")
    uri = "file:///tmp/lsp-test/breaker.spec"
    await open_text(client, uri, text)
    inside = pos_of(text, "action call_fails", offset=0)
    result = await client.text_document_completion_async(T.CompletionParams(doc(uri), T.Position(inside.line + 2, 2)))
    labels = {i.label for i in result.items}
    assert {"phase", "failures", "THRESHOLD", "Open", "require", "forall", "len"} <= labels


async def test_check_command_reports_the_counterexample(client: LanguageClient):
    text = (ROOT / "spec" / "breaker.spec").read_text(encoding="utf-8")
    uri = "file:///tmp/lsp-test/breaker-check.spec"
    await open_text(client, uri, text)
    result = await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command="spec.check", arguments=[uri, "open_only_after_consecutive_failures", "explicit"]))
    assert result["verdict"] == "violated"
    assert any("call_fails" in line for line in result["trace"])
    # the verdict is a diagnostic on the property's name, with the trace in its message
    await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=doc(uri)))
    verdicts = [d for d in client.diagnostics[uri] if d.code == "violated"]
    assert len(verdicts) == 1
    assert verdicts[0].range.start == pos_of(text, "invariant open_only_after_consecutive_failures",
                                             offset=len("invariant "))
    assert "call_succeeds" in verdicts[0].message
    # each step of the counterexample links to the action that took it
    related = verdicts[0].related_information
    assert [r.message for r in related] == [f"step {i}: {a}" for i, a in
                                            enumerate(["call_fails", "call_succeeds", "call_fails", "call_fails"], 1)]
    assert related[0].location.range.start == pos_of(text, "action call_fails", offset=len("action "))
    # progress was reported and ended
    reports = [r for rs in client.progress_reports.values() for r in rs]
    assert any(isinstance(r, T.WorkDoneProgressEnd) for r in reports)
    # pdr proves a property that holds, for every value of the constants
    result = await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command="spec.check", arguments=[uri, "closed_below_threshold", "pdr"]))
    assert result["verdict"] == "holds" and "every value" in result["detail"]


def _words(text: str):
    import re

    for line in text.split("\n"):
        yield from re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line.split("//")[0])


def _apply(text: str, edits) -> str:
    lines = text.split("\n")
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        r = e.range
        line = lines[r.start.line]
        lines[r.start.line] = line[:r.start.character] + e.new_text + line[r.end.character:]
    return "\n".join(lines)


ENDLESS = """\
spec endless
var a: 0..100000 = 0
var b: 0..100000 = 0
action up_a { require a < 100000; a = a + 1 }
action up_b { require b < 100000; b = b + 1 }
invariant bounded: a + b <= 200000
"""


async def test_a_long_check_reports_progress_and_is_cancelled_from_the_progress_bar(client: LanguageClient):
    import asyncio

    uri = "file:///tmp/lsp-test/endless.spec"
    await open_text(client, uri, ENDLESS)
    known = set(client.progress_reports)
    task = asyncio.ensure_future(client.workspace_execute_command_async(T.ExecuteCommandParams(
        command="spec.check", arguments=[uri, "bounded", "explicit"])))
    # wait for the engine's first progress report: the worker process is running then
    while True:
        await client.wait_for_notification("$/progress")
        mine = {t: r for t, r in client.progress_reports.items() if t not in known}
        reports = [(t, x) for t, rs in mine.items() for x in rs if isinstance(x, T.WorkDoneProgressReport)]
        if reports:
            break
    token, report = reports[0]
    assert "states" in report.message
    begin = mine[token][0]
    assert isinstance(begin, T.WorkDoneProgressBegin) and begin.cancellable
    client.window_work_done_progress_cancel(T.WorkDoneProgressCancelParams(token=token))
    assert await task == {"cancelled": True}
    assert isinstance(client.progress_reports[token][-1], T.WorkDoneProgressEnd)
