"""The Pygments lexer and the TextMate grammar against grammar.lark and every spec.

The TextMate grammar is run here in Python: its regular expressions are
written in the subset that Oniguruma and Python's ``re`` read alike, and
``tm_tokenize`` follows TextMate's rule for a flat list of ``match``
patterns (at each position the pattern that matches earliest wins, the
first listed on a tie).  test_textmate_node.py runs the same grammar in
vscode-textmate, VS Code's own engine.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, String

from checker.lang.parser import KEYWORDS, syntax_parser
from checker.lsp import lexer, textmate
from checker.lsp.keywords import vocabulary

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILES = sorted(ROOT.glob("spec/*.spec")) + sorted(ROOT.glob("tests/**/*.spec")) + sorted(ROOT.glob("bench/*.spec"))
GRAMMAR_FILE = ROOT / "editors" / "vscode" / "syntaxes" / "spec.tmLanguage.json"
KEYWORD_SCOPES = ("storage.type.declaration.spec", "support.type.spec", "constant.language.spec", "keyword.other.spec")


def test_vocabulary_is_every_word_terminal_of_the_grammar():
    grammar_words = {t.pattern.value for t in syntax_parser().terminals
                     if t.pattern.type == "str" and re.fullmatch(r"[A-Za-z_]\w*", t.pattern.value)}
    v = vocabulary()
    assert set(v.keywords) == grammar_words
    assert {"spec", "action", "invariant", "property"} <= set(v.declarations)
    assert {"bool", "int", "set", "map", "seq"} <= set(v.types)
    assert set(v.constants) == {"true", "false"}
    # the parser's own list of reserved words says the same
    assert set(v.keywords) == set(KEYWORDS)


def test_lexer_shapes_are_the_grammars():
    terminals = {t.name: t.pattern.value for t in syntax_parser().terminals}
    assert lexer.NAME == terminals["NAME"]
    assert terminals["INT"] == "[0-9]+"
    # lark keeps the regex's `\n` as a newline character: the same regular expression
    assert lexer.STRING.replace("\\n", "\n") == terminals["STRING"]


def test_lexer_is_registered_by_entry_point():
    assert isinstance(get_lexer_by_name("svc-spec"), lexer.ModelSpecLexer)
    text = (ROOT / "spec" / "breaker.spec").read_text(encoding="utf-8")
    assert isinstance(get_lexer_for_filename("breaker.spec", code=text), lexer.ModelSpecLexer)
    rpm = "Name: hello\nVersion: 1.0\n%description\nhello\n"
    assert not isinstance(get_lexer_for_filename("hello.spec", code=rpm), lexer.ModelSpecLexer)


@pytest.mark.parametrize("word", vocabulary().keywords)
def test_every_keyword_is_a_keyword_in_both_highlighters(word):
    tokens = [(t, v) for t, v in lexer.ModelSpecLexer().get_tokens(f"{word} ") if v.strip()]
    assert tokens[0][0] in Keyword, tokens
    scopes = [s for s, _ in tm_tokenize(f"{word} ")]
    assert scopes and scopes[0] in KEYWORD_SCOPES, scopes


@pytest.mark.parametrize("path", SPEC_FILES, ids=[str(p.relative_to(ROOT)) for p in SPEC_FILES])
def test_every_spec_highlights_without_error_tokens(path):
    text = path.read_text(encoding="utf-8")
    tokens = list(lexer.ModelSpecLexer().get_tokens(text))
    errors = [v for t, v in tokens if t in Error]
    assert errors == []
    assert "".join(v for _, v in tokens).rstrip("\n") == text.rstrip("\n")
    for line in text.split("\n"):
        illegal = [v for s, v in tm_tokenize(line) if s.startswith("invalid")]
        assert illegal == [], line


def test_both_flag_characters_outside_the_language():
    bad = "spec x\nvar n: int = 0 @ 1\n"
    assert [v for t, v in lexer.ModelSpecLexer().get_tokens(bad) if t in Error] == ["@"]
    assert [v for s, v in tm_tokenize("var n: int = 0 @ 1") if s.startswith("invalid")] == ["@"]


def test_module_paths_are_strings_in_both_highlighters():
    line = 'import reg from "registry.spec"'
    tokens = [(t, v) for t, v in lexer.ModelSpecLexer().get_tokens(line) if v.strip()]
    assert (String.Double, '"registry.spec"') in tokens
    assert ("string.quoted.double.spec", '"registry.spec"') in tm_tokenize(line)
    # an unterminated string (half-typed) is no string: its opening quote alone is flagged
    assert [v for t, v in lexer.ModelSpecLexer().get_tokens('import "reg') if t in Error] == ['"']


def test_doc_comments_and_declared_names():
    tokens = [(t, v) for t, v in lexer.ModelSpecLexer().get_tokens("/// why\naction tick { }") if v.strip()]
    assert tokens[0] == (Comment.Special, "/// why")
    assert (Name.Function, "tick") in tokens
    assert ("entity.name.function.spec", "tick") in tm_tokenize("fair action tick { }")


def test_committed_textmate_grammar_is_generated_from_the_grammar():
    assert GRAMMAR_FILE.read_text(encoding="utf-8") == textmate.render(), \
        "regenerate: python -m checker.lsp.textmate > editors/vscode/syntaxes/spec.tmLanguage.json"


# ---------------------------------------------------------------- TextMate, in Python

def _patterns():
    grammar = json.loads(GRAMMAR_FILE.read_text(encoding="utf-8"))
    return [(re.compile(p["match"]), p.get("name"), p.get("captures", {})) for p in grammar["patterns"]]


def tm_tokenize(line: str) -> list[tuple[str, str]]:
    """(scope, text) of every token of one line; whitespace between tokens is left out."""
    patterns = _patterns()
    out, pos = [], 0
    while pos < len(line):
        best = None
        for rx, name, captures in patterns:
            m = rx.search(line, pos)
            if m and m.end() > m.start() and (best is None or m.start() < best[0].start()):
                best = (m, name, captures)
        if best is None:
            break
        m, name, captures = best
        gap = line[pos:m.start()]
        assert gap.strip() == "", f"text no pattern matched: {gap!r}"
        if captures:
            out += [(captures[k]["name"], m.group(int(k))) for k in sorted(captures)]
        else:
            out.append((name, m.group()))
        pos = m.end()
    return out
