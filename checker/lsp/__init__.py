"""The spec language in an editor: the language server (``verify lsp``), the
symbol index it answers from, and the syntax highlighters (a Pygments lexer,
a TextMate grammar) derived from ``checker/lang/grammar.lark``.

Only ``server`` imports pygls; the index, the lexer and the keyword lists can
be used (and are tested) without it.
"""
