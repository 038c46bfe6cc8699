"""The language server, ``verify lsp`` (stdio), on pygls.

Diagnostics as you type (the front end's errors and hints, no search),
hover, go to definition, find references, rename, document symbols,
completion, and code lenses "check" (explicit engine) and "prove" (pdr) over
each invariant, temporal property and reachability goal.  A check runs in a
worker process (checks.py): the editor stays responsive, the check reports
LSP work-done progress, and is cancelled by the progress's cancel button, by
``$/cancelRequest``, by the ``spec.cancelChecks`` command, or by starting it
again.  Its verdict becomes a diagnostic on the property's name, the
counterexample (a table of steps) in the diagnostic's message; the command's
reply carries the whole text report as well.

Positions: LSP lines and characters are 0-based, the front end's 1-based.
Limit: characters are counted in code points, as the front end counts them;
on a line with characters outside the Basic Multilingual Plane (emoji) in
code, UTF-16 clients see columns shifted (the language's code is ASCII;
comments are not indexed).
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..ir import Span
from ..lang.calls import SIGNATURES
from ..lang.diagnostics import Diagnostic
from .analysis import Analysis, analyze, constant_value, variable_type
from .checks import CheckOutcome, CheckRunner
from .keywords import vocabulary

CHECK_COMMAND = "spec.check"
CANCEL_COMMAND = "spec.cancelChecks"
SOURCE = "verify"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_SYMBOL_KINDS = {
    "const": T.SymbolKind.Constant, "enum": T.SymbolKind.Enum, "member": T.SymbolKind.EnumMember,
    "type": T.SymbolKind.TypeParameter, "var": T.SymbolKind.Variable, "action": T.SymbolKind.Function,
    "process": T.SymbolKind.Class, "invariant": T.SymbolKind.Boolean, "property": T.SymbolKind.Event,
    "reachable": T.SymbolKind.Key, "param": T.SymbolKind.Variable, "proc_var": T.SymbolKind.Field,
    "step": T.SymbolKind.Method, "local": T.SymbolKind.Variable, "def": T.SymbolKind.Function,
    "terminal": T.SymbolKind.Boolean, "constraint": T.SymbolKind.Boolean, "module": T.SymbolKind.Module,
    "refines": T.SymbolKind.Interface, "field": T.SymbolKind.Field,
}
_COMPLETION_KINDS = {
    "const": T.CompletionItemKind.Constant, "enum": T.CompletionItemKind.Enum,
    "member": T.CompletionItemKind.EnumMember, "type": T.CompletionItemKind.TypeParameter,
    "var": T.CompletionItemKind.Variable, "action": T.CompletionItemKind.Function,
    "process": T.CompletionItemKind.Class, "param": T.CompletionItemKind.Variable,
    "proc_var": T.CompletionItemKind.Field, "step": T.CompletionItemKind.Method,
    "local": T.CompletionItemKind.Variable, "def": T.CompletionItemKind.Function,
    "module": T.CompletionItemKind.Module, "field": T.CompletionItemKind.Field,
    "terminal": T.CompletionItemKind.Value, "constraint": T.CompletionItemKind.Value,
    "refines": T.CompletionItemKind.Interface,
}
_CHECKABLE = ("invariant", "property", "reachable")


def uri_to_filename(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def to_range(span: Span, text: str = "") -> T.Range:
    """A front-end span (1-based, end exclusive) as an LSP range (0-based)."""
    line, col = max(1, span.line), max(1, span.col)
    if span.end_line and (span.end_line, span.end_col) > (line, col):
        end_line, end_col = span.end_line, span.end_col
    else:  # a point: underline the word there, or one character
        end_line, end_col = line, col + 1
        lines = text.split("\n")
        if line <= len(lines):
            m = _WORD_AT.match(lines[line - 1], col - 1)
            if m:
                end_col = m.end() + 1
    return T.Range(T.Position(line - 1, col - 1), T.Position(end_line - 1, end_col - 1))


def to_diagnostic(d: Diagnostic, text: str) -> T.Diagnostic:
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return T.Diagnostic(range=to_range(d.span, text), message=message, severity=T.DiagnosticSeverity.Error,
                        source=SOURCE)


class SpecLanguageServer(LanguageServer):
    """Per-document state lives here, in the server object (no module globals)."""

    def __init__(self):
        super().__init__("verify-lsp", __version__)
        self.documents: dict[str, Analysis] = {}
        self.check_diagnostics: dict[str, dict[str, T.Diagnostic]] = {}   # uri -> property -> verdict
        self.checks = CheckRunner()

    # -- documents
    def refresh(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        self.documents[uri] = analyze(doc.source, uri_to_filename(uri), self.documents.get(uri))
        self.check_diagnostics.pop(uri, None)   # verdicts were about the text before this edit
        self.publish(uri)

    def publish(self, uri: str) -> None:
        a = self.documents.get(uri)
        items = [to_diagnostic(d, a.text) for d in a.diagnostics] if a else []
        items += list(self.check_diagnostics.get(uri, {}).values())
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    def occurrence(self, uri: str, pos: T.Position):
        a = self.documents.get(uri)
        if a is None or a.index is None:
            return None, None
        return a, a.index.occurrence_at(pos.line + 1, pos.character + 1)

    # -- hover text
    def hover_text(self, a: Analysis, sym) -> str:
        parts = [f"```spec\n{sym.detail}\n```"]
        if sym.kind == "const":
            value = constant_value(a.spec, sym.name)
            parts.append(f"value: `{value}`" if value is not None else "value: symbolic (no default)")
        elif sym.kind == "var":
            t = variable_type(a.spec, sym.name)
            if t and not sym.detail.endswith(": " + t):
                parts.append(f"type: `{t}`")
        if sym.doc:
            parts.append(sym.doc)
        return "\n\n".join(parts)


def _word_at(text: str, pos: T.Position) -> str:
    lines = text.split("\n")
    if pos.line >= len(lines):
        return ""
    for m in _WORD_AT.finditer(lines[pos.line]):
        if m.start() <= pos.character <= m.end():
            return m.group()
    return ""


def build_server() -> SpecLanguageServer:
    server = SpecLanguageServer()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SpecLanguageServer, params: T.DidOpenTextDocumentParams):
        ls.refresh(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpecLanguageServer, params: T.DidChangeTextDocumentParams):
        ls.refresh(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SpecLanguageServer, params: T.DidSaveTextDocumentParams):
        ls.refresh(params.text_document.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpecLanguageServer, params: T.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.checks.cancel_document(uri)
        ls.documents.pop(uri, None)
        ls.check_diagnostics.pop(uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: SpecLanguageServer, params: T.HoverParams) -> Optional[T.Hover]:
        a, occ = ls.occurrence(params.text_document.uri, params.position)
        if occ is not None:
            return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, ls.hover_text(a, occ.symbol)),
                           range=to_range(occ.span))
        if a is not None:  # a built-in function
            word = _word_at(a.text, params.position)
            if word in SIGNATURES:
                return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, f"```spec\n{SIGNATURES[word]}\n```"))
        return None

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: SpecLanguageServer, params: T.DefinitionParams) -> Optional[T.Location]:
        a, occ = ls.occurrence(params.text_document.uri, params.position)
        if occ is None:
            return None
        uri = params.text_document.uri
        if a.index.is_imported(occ.symbol):   # declared in an imported module: that file
            uri = Path(occ.symbol.span.file).resolve().as_uri()
        return T.Location(uri=uri, range=to_range(occ.symbol.span))

    @server.feature(T.TEXT_DOCUMENT_REFERENCES)
    def references(ls: SpecLanguageServer, params: T.ReferenceParams) -> list[T.Location]:
        a, occ = ls.occurrence(params.text_document.uri, params.position)
        if occ is None:
            return []
        spans = a.index.references(occ.symbol)
        if not params.context.include_declaration and not a.index.is_imported(occ.symbol):
            spans = [s for s in spans if (s.line, s.col) != (occ.symbol.span.line, occ.symbol.span.col)]
        return [T.Location(uri=params.text_document.uri, range=to_range(s)) for s in spans]

    @server.feature(T.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: SpecLanguageServer, params: T.PrepareRenameParams):
        a, occ = ls.occurrence(params.text_document.uri, params.position)
        if occ is None or occ.symbol.kind == "implicit" or a.stale or a.index.is_imported(occ.symbol):
            return None
        return to_range(occ.span)

    @server.feature(T.TEXT_DOCUMENT_RENAME)
    def rename(ls: SpecLanguageServer, params: T.RenameParams) -> Optional[T.WorkspaceEdit]:
        a, occ = ls.occurrence(params.text_document.uri, params.position)
        if occ is None:
            return None
        new = params.new_name
        if not _NAME.match(new):
            raise ValueError(f"`{new}` is not a name (letters, digits and _, not starting with a digit)")
        if new in vocabulary().keywords:
            raise ValueError(f"`{new}` is a keyword and cannot be used as a name")
        if occ.symbol.kind == "implicit":
            raise ValueError(f"`{occ.symbol.name}` is named after its process: rename the process, and it follows")
        if a.stale:
            raise ValueError("the file does not parse now: fix the syntax errors before renaming")
        if a.index.is_imported(occ.symbol):
            raise ValueError(f"`{occ.symbol.name}` is declared in {occ.symbol.span.file}: rename it there")
        taken = {s.name for s in a.index.all_symbols()}
        if new in taken and new != occ.symbol.name:
            raise ValueError(f"`{new}` is already declared in this file")
        edits = [T.TextEdit(range=to_range(s), new_text=text) for s, text in a.index.rename_edits(occ.symbol, new)]
        return T.WorkspaceEdit(changes={params.text_document.uri: edits})

    @server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(ls: SpecLanguageServer, params: T.DocumentSymbolParams) -> list[T.DocumentSymbol]:
        a = ls.documents.get(params.text_document.uri)
        if a is None or a.index is None:
            return []
        out = []
        for s in a.index.symbols:
            first, last = s.extent
            whole = T.Range(T.Position(first - 1, 0), T.Position(max(first, last) - 1, 0))
            name_range = to_range(s.span)
            whole = T.Range(whole.start, max(whole.end, name_range.end, key=lambda p: (p.line, p.character)))
            children = [T.DocumentSymbol(name=c.name, kind=_SYMBOL_KINDS.get(c.kind, T.SymbolKind.Variable),
                                         range=to_range(c.span), selection_range=to_range(c.span), detail=c.detail)
                        for c in s.children]
            out.append(T.DocumentSymbol(name=s.name, kind=_SYMBOL_KINDS.get(s.kind, T.SymbolKind.Variable),
                                        range=whole, selection_range=name_range, detail=s.detail,
                                        children=children))
        return out

    @server.feature(T.TEXT_DOCUMENT_COMPLETION)
    def completion(ls: SpecLanguageServer, params: T.CompletionParams) -> T.CompletionList:
        a = ls.documents.get(params.text_document.uri)
        items = [T.CompletionItem(label=k, kind=T.CompletionItemKind.Keyword) for k in vocabulary().keywords]
        items += [T.CompletionItem(label=name, kind=T.CompletionItemKind.Function, detail=sig)
                  for name, sig in SIGNATURES.items()]
        if a is not None and a.index is not None:
            for s in a.index.in_scope_at(params.position.line + 1):
                items.append(T.CompletionItem(label=s.name, kind=_COMPLETION_KINDS.get(s.kind),
                                              detail=s.detail, documentation=s.doc or None))
        return T.CompletionList(is_incomplete=False, items=items)

    @server.feature(T.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: SpecLanguageServer, params: T.CodeLensParams) -> list[T.CodeLens]:
        a = ls.documents.get(params.text_document.uri)
        if a is None or a.index is None:
            return []
        uri, lenses = params.text_document.uri, []
        for s in a.index.symbols:
            if s.kind not in _CHECKABLE:
                continue
            r = to_range(s.span)
            for title, engine in (("check", "explicit"), ("prove (pdr)", "pdr")):
                lenses.append(T.CodeLens(range=r, command=T.Command(
                    title=title, command=CHECK_COMMAND, arguments=[uri, s.name, engine])))
        return lenses

    @server.command(CANCEL_COMMAND)
    def cancel_checks(ls: SpecLanguageServer, uri: str = ""):
        if uri:
            return ls.checks.cancel_document(uri)
        return sum(ls.checks.cancel_document(u) for u in {k[0] for k in ls.checks.running})

    @server.command(CHECK_COMMAND)
    async def check(ls: SpecLanguageServer, uri: str, prop: str, engine: str = "explicit"):
        return await _run_check(ls, uri, prop, engine)

    return server


async def _run_check(ls: SpecLanguageServer, uri: str, prop: str, engine: str) -> dict:
    doc = ls.workspace.get_text_document(uri)
    text = doc.source
    key = (uri, prop)
    token = str(uuid.uuid4())
    progress = ls.work_done_progress
    can_show = _client_supports_progress(ls)
    if can_show:
        try:
            await progress.create_async(token)
        except Exception:  # the client refused a progress bar: check without one
            can_show = False
    if can_show:
        progress.begin(token, T.WorkDoneProgressBegin(title=f"{engine} {prop}", cancellable=True,
                                                      message="starting"))
        cancelled_by_user = progress.tokens.get(token)
        if cancelled_by_user is not None:
            cancelled_by_user.add_done_callback(lambda f: f.cancelled() and ls.checks.cancel(key))

    def report(message: str) -> None:
        if can_show:
            progress.report(token, T.WorkDoneProgressReport(message=message))

    outcome = CheckOutcome(cancelled=True)
    try:
        outcome = await ls.checks.run(key, text, uri_to_filename(uri), prop, engine, report)
    finally:
        if can_show:
            progress.end(token, T.WorkDoneProgressEnd(message="cancelled" if outcome.cancelled else "done"))
            progress.tokens.pop(token, None)
    if not outcome.cancelled and ls.workspace.get_text_document(uri).source == text:
        ls.check_diagnostics.setdefault(uri, {})[prop] = _verdict_diagnostic(ls, uri, prop, engine, outcome)
        ls.publish(uri)
    return outcome.to_json()


def _client_supports_progress(ls: SpecLanguageServer) -> bool:
    window = ls.client_capabilities.window
    return bool(window and window.work_done_progress)


_SEVERITY = {"violated": T.DiagnosticSeverity.Error, "error": T.DiagnosticSeverity.Error,
             "unknown": T.DiagnosticSeverity.Warning, "holds": T.DiagnosticSeverity.Information}


def _verdict_diagnostic(ls: SpecLanguageServer, uri: str, prop: str, engine: str,
                        outcome: CheckOutcome) -> T.Diagnostic:
    a = ls.documents.get(uri)
    span = None
    if a is not None and a.index is not None:
        span = next((s.span for s in a.index.symbols if s.name == prop), None)
    rng = to_range(span) if span is not None else T.Range(T.Position(0, 0), T.Position(0, 1))
    if outcome.error:
        return T.Diagnostic(range=rng, message=f"{prop}: {engine} could not check it: {outcome.error}",
                            severity=T.DiagnosticSeverity.Error, source=f"{SOURCE} {engine}")
    r = outcome.result or {}
    verdict = r.get("verdict", "error")
    lines = [f"{prop}: {verdict.upper() if verdict == 'violated' else verdict} ({engine}: {r.get('method', '')})"]
    if r.get("detail"):
        lines.append(r["detail"])
    if r.get("trace"):
        lines.append(f"{r.get('trace_kind') or 'trace'}:")
        lines += r["trace"]
    return T.Diagnostic(range=rng, message="\n".join(lines), severity=_SEVERITY.get(verdict, T.DiagnosticSeverity.Error),
                        source=f"{SOURCE} {engine}", code=verdict,
                        related_information=_trace_locations(a, uri, r.get("steps") or []) or None)


def _trace_locations(a: Optional[Analysis], uri: str, steps: list[dict]) -> list[T.DiagnosticRelatedInformation]:
    """Each step of a trace, linked to the action (or process step) that took it."""
    if a is None or a.index is None:
        return []
    places = {}
    for s in a.index.symbols:
        if s.kind == "action":
            places[s.name] = s.span
        elif s.kind == "process":  # process steps are named process.label in traces
            places.update({f"{s.name}.{c.name}": c.span for c in s.children if c.kind == "step"})
    out = []
    for i, step in enumerate(steps):
        span = places.get(step.get("action") or "")
        if span is not None:
            out.append(T.DiagnosticRelatedInformation(T.Location(uri, to_range(span)),
                                                      f"step {i}: {step.get('label', '')}"))
    return out


def serve() -> int:
    """``verify lsp``: serve on stdin/stdout until the client says exit."""
    build_server().start_io()
    return 0
