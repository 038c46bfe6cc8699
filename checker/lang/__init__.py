"""The front end: spec text -> syntax tree -> typed IR (``checker.ir.Spec``).

    from checker.lang import load_file
    spec = load_file("spec/breaker.spec", consts={"THRESHOLD": 5})

Bad input raises :class:`SpecError`, whose text lists every error of the file
as ``file:line:col: error: ...`` with the source line and a caret.
"""
from __future__ import annotations

from ..ir import Span, Spec
from .diagnostics import Diagnostic, SpecError
from .modules import expand_imports
from .parser import parse, syntax_parser
from .resolve import ConstantOptionError, resolve
from .sugar import desugar_asserts, qualify_members

__all__ = ["load_text", "load_file", "parse_text", "syntax_parser", "SpecError", "ConstantOptionError", "Diagnostic"]

MAX_NESTING_MESSAGE = "this spec is nested too deeply to check (statements or types inside each other)"


def parse_text(text: str, filename: str = "<spec>"):
    """Only the syntax tree (``checker.lang.ast.SpecFile``)."""
    return parse(text, filename)


def load_text(text: str, filename: str = "<spec>", consts: dict[str, int] | None = None,
              generalize: bool = False, poll=None) -> Spec:
    """Parse, resolve and type-check spec text into the IR.

    ``generalize``: constants declared with a ``where`` clause keep no value
    (their defaults are ignored) unless given in ``consts``: the symbolic
    engines then prove properties for every value the clause allows.
    ``poll``: called now and then while parsing and resolving; it raises to
    stop (``checker.cancel.Cancel.check``: a time limit or a signal)."""
    return _load_text(text, filename, consts, generalize, (), poll)


def _load_text(text, filename, consts, generalize, stack, poll=None) -> Spec:
    try:
        tree = parse(text, filename, poll)
        if poll is not None:
            poll()
        tree = qualify_members(desugar_asserts(expand_imports(tree, filename, text, stack)))
        return resolve(tree, filename, text, consts, generalize, stack=stack, poll=poll,
                       load_module=load_file_stacked)
    except RecursionError:
        # Expressions are typed without recursion; only absurdly deep nesting
        # of blocks or types gets here.
        raise SpecError([Diagnostic(Span(filename, 1, 1), MAX_NESTING_MESSAGE)], text) from None


def load_file(path, consts: dict[str, int] | None = None, generalize: bool = False,
              poll=None) -> Spec:
    """Read a .spec file (UTF-8) and load it; an unreadable file is a SpecError too."""
    return load_file_stacked(path, (), consts, generalize, poll)


def load_file_stacked(path, stack: tuple[str, ...], consts=None, generalize: bool = False, poll=None) -> Spec:
    """``load_file`` from inside another spec's loading (``stack``: the files
    being loaded, to report a cycle of ``refines``/``import``)."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _file_error(name, f"cannot read file: {e.strerror or e}") from None
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as some editors write
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SpecError([Diagnostic(Span(name, line, col), "the file is not valid UTF-8 text")], "") from None
    return _load_text(text, name, consts, generalize, stack, poll)


def _file_error(name: str, message: str) -> SpecError:
    return SpecError([Diagnostic(Span(name, 1, 1), message)], "")
