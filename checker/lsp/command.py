"""``verify lsp``: start the language server on stdin/stdout.

Editors start it themselves (see docs/editor.md); ``--stdio`` is accepted
and ignored, as vscode-languageclient passes it.
"""
from __future__ import annotations

import sys

HELP = """usage: verify lsp [--stdio]

Run the spec language server over stdin/stdout (the Language Server Protocol):
errors as you type, hover, go to definition, references, rename, outline,
completion, and "check"/"prove" code lenses over each property.
Editors start it; see docs/editor.md.
"""


def main(argv: list[str]) -> int:
    rest = [a for a in argv if a != "--stdio"]
    if rest and rest[0] in ("-h", "--help"):
        sys.stdout.write(HELP)
        return 0
    if rest:
        sys.stderr.write(HELP + f"verify lsp: error: unexpected argument {rest[0]!r}\n")
        return 2
    try:
        from .server import serve
    except ImportError as e:
        sys.stderr.write(f"verify lsp: error: the language server needs pygls ({e}); "
                         f"pip install 'pygls>=2,<3'\n")
        return 2
    return serve()
