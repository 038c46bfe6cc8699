"""A Pygments lexer for .spec files, registered by entry point (``spec``), so
Sphinx, MkDocs and Pygments' own ``pygmentize -l spec`` highlight spec code.

Its word lists come from the grammar (``keywords.py``); only the lexical
shapes that the grammar declares as regular expressions (names, numbers,
strings, comments) are written here, and tests/lsp/test_highlight.py checks them
against the grammar's own terminals.  Anything else is an Error token: the
tests tokenize every spec in the repository and fail on one.
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from .keywords import vocabulary

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
STRING = r'"[^"\n]*"'   # a module path: `import reg from "registry.spec"`
# Words after which a new name is declared (highlighted as a definition).
_DEFINING = ("action", "invariant", "property", "reachable", "process", "const", "var", "type", "enum", "spec")
_PUNCTUATION = set("(){}[],;:.")
_SPEC_HEADER = re.compile(r"^[ \t]*spec[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*(//.*)?$", re.M)


def _tokens() -> dict:
    v = vocabulary()
    defining = [w for w in _DEFINING if w in v.declarations]
    operators = [o for o in v.operators if o not in _PUNCTUATION]
    punctuation = [o for o in v.operators if o in _PUNCTUATION]
    return {
        "root": [
            (r"[ \t\r\n\f]+", Whitespace),
            (r"///[^\n]*", Comment.Special),   # doc comment, attached to the next declaration
            (r"//[^\n]*", Comment.Single),
            (r"(%s)([ \t]+)(%s)" % ("|".join(defining), NAME),
             bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (words(v.declarations, suffix=r"\b"), Keyword.Declaration),
            (words(v.types, suffix=r"\b"), Keyword.Type),
            (words(v.constants, suffix=r"\b"), Keyword.Constant),
            (words(v.others, suffix=r"\b"), Keyword),
            (NAME, Name),
            (r"[0-9]+", Number.Integer),
            (STRING, String.Double),
            ("|".join(re.escape(o) for o in operators), Operator),
            ("|".join(re.escape(p) for p in punctuation), Punctuation),
            (r".", Error),
        ],
    }


class ModelSpecLexer(RegexLexer):
    """The svc-modelcheck specification language (``.spec``).

    Pygments already calls RPM's spec files ``spec``; this lexer is
    ``svc-spec`` (a Markdown fence ```` ```svc-spec ````), and claims a
    ``*.spec`` file whose text has a ``spec NAME`` line (on a tie Pygments
    picks the greater class name: this one, ``Model...``, leaves RPM its files)."""

    name = "Spec (svc-modelcheck)"
    aliases = ["svc-spec", "svc-modelcheck"]
    filenames = ["*.spec"]
    mimetypes = ["text/x-svc-spec"]
    url = "https://github.com/svc-modelcheck"
    tokens = _tokens()

    def analyse_text(text):  # called unbound by Pygments (it wraps it as a static method)
        return 0.9 if _SPEC_HEADER.search(text) else 0.0


__all__ = ["ModelSpecLexer"]
