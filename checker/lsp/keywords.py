"""The language's keywords and operators, read from the grammar itself.

Both highlighters (``lexer.py``, ``textmate.py``) and the server's completion
take their word lists from here, and this module reads them from the LALR
parser built from ``checker/lang/grammar.lark``: a keyword added to the
grammar is highlighted and completed without touching this file.

A string terminal of the grammar is a *keyword* when it is a word, an
*operator* otherwise.  Keywords are grouped by where the grammar uses them:

- declaration keywords: the first word of a ``*_decl`` rule, of ``start``
  (``spec``) and the words of the ``fairness`` and ``symmetric`` rules;
- type keywords: words of the ``type`` rule (``bool``, ``set``...);
- constants: the words of the ``true_lit`` / ``false_lit`` alternatives;
- everything else (statements, word operators, temporal operators).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lang import syntax_parser

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DECL_EXTRA_RULES = ("fairness", "symmetric", "start")
_CONSTANT_ALIASES = ("true_lit", "false_lit")


@dataclass(frozen=True)
class Vocabulary:
    declarations: tuple[str, ...]
    types: tuple[str, ...]
    constants: tuple[str, ...]
    others: tuple[str, ...]
    operators: tuple[str, ...]   # longest first, so a lexer tries `<=` before `<`

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.declarations + self.types + self.constants + self.others)))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    parser = syntax_parser()
    strings = {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    words = {name: s for name, s in strings.items() if _WORD.match(s)}
    decls: set[str] = set()
    types: set[str] = set()
    constants: set[str] = set()
    for rule in parser.rules:
        origin = rule.origin.name
        terms = [s.name for s in rule.expansion if s.is_term and s.name in words]
        if not terms:
            continue
        if origin.endswith("_decl") or origin in _DECL_EXTRA_RULES:
            first = rule.expansion[0]
            if first.is_term and first.name in words:
                decls.add(words[first.name])
        if origin in ("fairness", "symmetric"):
            decls.update(words[t] for t in terms)
        if origin == "type":
            types.update(words[t] for t in terms)
        if rule.alias in _CONSTANT_ALIASES:
            constants.update(words[t] for t in terms)
    every = set(words.values())
    others = every - decls - types - constants
    operators = sorted((s for s in strings.values() if not _WORD.match(s)), key=lambda s: (-len(s), s))
    return Vocabulary(tuple(sorted(decls)), tuple(sorted(types)), tuple(sorted(constants)),
                      tuple(sorted(others)), tuple(operators))
