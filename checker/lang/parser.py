"""Spec text -> syntax tree (``checker.lang.ast``), with source spans.

lark parses with positions (LALR, so parsing never recurses); a separate,
non-recursive transformer builds the frozen dataclass tree.  Parser failures
are mapped to named, friendly messages; after a syntax error the parser
resumes at the next line that starts a declaration, so one run reports the
syntax errors of every declaration.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ast as A
from ..ir import Span
from .diagnostics import BuildError, Diagnostic, SpecError
from .modules_syntax import ModuleBuilder

KEYWORDS = frozenset(
    "spec const enum type var action invariant require if else either or for in let "
    "true false and not forall exists then bool int set map seq where union inter minus subset "
    "process property reachable fair weak strong loop await goto always eventually symmetric terminal"
    " constraint refines init".split()
)
DECL_KEYWORDS = ("const", "enum", "type", "var", "action", "invariant", "process", "property", "reachable",
                 "fair", "weak", "strong", "symmetric", "terminal",
                 "constraint", "refines", "import", "init")
from .records_parse import RECORD_KEYWORDS, RecordsBuilder  # noqa: E402  (records, tuples, definitions)
KEYWORDS = KEYWORDS | RECORD_KEYWORDS
DECL_KEYWORDS = DECL_KEYWORDS + ("def",)
_DECL_START = re.compile(r"^[ \t]*(?:%s)\b" % "|".join(DECL_KEYWORDS))
MAX_SYNTAX_ERRORS = 20
MAX_LITERAL_DIGITS = 100  # far beyond any finite domain an engine can explore


@lru_cache(maxsize=1)
def syntax_parser() -> Lark:
    """The language's LALR parser, built once (its terminals and rules are
    public: the language server derives its keyword lists from them)."""
    grammar = resources.files("checker.lang").joinpath("grammar.lark").read_text(encoding="utf-8")
    # cache=True keeps the LALR tables in the temp folder, keyed by a hash of
    # the grammar and options: building them takes most of verify's start-up.
    return Lark(grammar, parser="lalr", start=["start", "decls"], propagate_positions=True,
                maybe_placeholders=True, lexer="basic", cache=True)


POLL_TOKENS = 2048   # tokens (and tree nodes) between two polls of the run's stop flag


def _parse_polled(parser: Lark, text: str, start: str, poll):
    """``parser.parse``, calling ``poll()`` every POLL_TOKENS tokens (it
    raises to stop: a 60 MB spec takes minutes to parse)."""
    if poll is None:
        return parser.parse(text, start=start)
    ip = parser.parse_interactive(text, start=start)
    last = None
    for n, last in enumerate(ip.iter_parse()):
        if n % POLL_TOKENS == 0:
            poll()
    return ip.feed_eof(last)


def parse(text: str, filename: str = "<spec>", poll=None) -> A.SpecFile:
    """Parse spec text; raise SpecError with every syntax error found.
    ``poll``: called now and then, raises to stop (checker/cancel.py)."""
    parser = syntax_parser()
    errors: list[Diagnostic] = []
    trees = []
    start, offset_line, work = "start", 0, text
    while True:
        try:
            trees.append(_parse_polled(parser, work, start, poll))
            break
        except UnexpectedInput as e:
            errors.append(_syntax_diagnostic(e, filename, parser, work))
            resume = _next_declaration_line(text, e.line if e.line and e.line > 0 else offset_line + 1)
            if resume is None or len(errors) >= MAX_SYNTAX_ERRORS:
                break
            offset_line = resume
            work = _blank_before_line(text, resume)
            start = "decls"
    if errors:
        raise SpecError(errors, text)
    builder = _Builder(filename, text)
    builder.poll = poll
    try:
        built = [builder.transform(t) for t in trees]
    except VisitError as e:  # an error raised by a builder callback
        if isinstance(e.orig_exc, BuildError):
            raise SpecError([e.orig_exc.diagnostic], text) from None
        raise
    spec = built[0]
    return spec


# ---------------------------------------------------------------- errors

_EXPR_START = {"a name", "a number", "`(`", "`{`", "`[`", "`-`", "`not`", "`true`", "`false`", "`if`",
               "`forall`", "`exists`"}
_STMT_START = {"`require`", "`let`", "`if`", "`either`", "`for`", "a name", "`await`", "`goto`"}
_OPERATORS = {"`+`", "`-`", "`*`", "`/`", "`%`", "`==`", "`!=`", "`<`", "`<=`", "`>`", "`>=`", "`and`", "`or`",
              "`=>`", "`union`", "`minus`", "`inter`", "`subset`", "`in`", "`not`", "`[`"}
_DECLS = {f"`{k}`" for k in DECL_KEYWORDS}
_WORDS = {"NAME": "a name", "INT": "a number", "$END": "end of file"}


def _describe_terminal(name: str, parser: Lark) -> str:
    if name in _WORDS:
        return _WORDS[name]
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    return f"`{pattern.value}`" if pattern.type == "str" else name.lower()


def _describe_expected(expected: set[str], parser: Lark) -> str:
    """Expected terminals in words: groups become 'an expression', 'an operator'..."""
    shown = {_describe_terminal(t, parser) for t in expected}
    words: list[str] = []
    for group, word, least in ((_DECLS, "a declaration (" + ", ".join(DECL_KEYWORDS) + ")", 3),
                               (_STMT_START, "a statement", 5),
                               (_EXPR_START, "an expression", 4),
                               (_OPERATORS, "an operator", 5)):
        if len(shown & group) >= least:
            words.append(word)
            shown -= group
    words.extend(sorted(shown))
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _end_position(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character (comments count as blank)."""
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        code = lines[i].split("//", 1)[0].rstrip()
        if code:
            return i + 1, len(code) + 1
    return 1, 1


def _syntax_diagnostic(e: UnexpectedInput, filename: str, parser: Lark, text: str) -> Diagnostic:
    line = e.line if e.line and e.line > 0 else 1
    col = e.column if e.column and e.column > 0 else 1
    at_end = isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END")
    if at_end:
        line, col = _end_position(text)
    if isinstance(e, UnexpectedCharacters):
        ch = e.char
        shown = repr(ch) if not ch.isprintable() or ch.isspace() else f"`{ch}`"
        if not ch.isascii() and (ch.isalnum() or ch == "_" or ch.isidentifier()):
            # a letter such as `ö` or `名`: the grammar's names are ASCII only, say so
            return Diagnostic(Span(filename, line, col, line, col + 1),
                              f"unexpected character {shown}: names are ASCII letters, digits and `_` "
                              "(other characters may appear only in comments and `///` docs)")
        return Diagnostic(Span(filename, line, col, line, col + 1), f"unexpected character {shown}")
    if isinstance(e, UnexpectedEOF):
        return Diagnostic(Span(filename, line, col), "unexpected end of file: expected "
                          + _describe_expected(set(e.expected), parser))
    assert isinstance(e, UnexpectedToken)
    tok = e.token
    if tok.type == "$END":
        found = "end of file"
    elif str(tok) in KEYWORDS:
        found = f"keyword `{tok}`"
    else:
        found = f"`{tok}`"
    expected = _describe_expected(set(e.expected), parser)
    if "an operator" in expected:
        expected = expected.replace("an operator", "an operator (the expression may be unfinished)") \
            if tok.type == "$END" else expected
    hint = ""
    if tok.type == "EQUAL" and ("`==`" in expected or "a statement" in expected):
        hint = "comparison is written `==`; an assignment starts its own statement"
    elif str(tok) in KEYWORDS and "a name" in expected:
        hint = f"`{tok}` is a keyword and cannot be used as a name"
    end = col + max(1, len(str(tok))) if tok.type != "$END" else col + 1
    return Diagnostic(Span(filename, line, col, line, end), f"unexpected {found}: expected {expected}", hint)


def _next_declaration_line(text: str, after_line: int) -> int | None:
    for i, line in enumerate(text.splitlines()[after_line:], start=after_line + 1):
        if _DECL_START.match(line):
            return i
    return None


def _blank_before_line(text: str, line: int) -> str:
    """Text with everything before ``line`` blanked, so positions stay true."""
    lines = text.split("\n")
    head = "\n".join(" " * len(l) for l in lines[: line - 1])
    return head + "\n" + "\n".join(lines[line - 1:]) if line > 1 else text


# ---------------------------------------------------------------- tree -> AST

def _doc_lines(text: str) -> dict[int, str]:
    docs = {}
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("///"):
            docs[i] = s[3:].strip()
    return docs


@v_args(meta=True)
class _Builder(RecordsBuilder, ModuleBuilder):  # both Transformer_NonRecursive
    def __init__(self, filename: str, text: str):
        super().__init__()
        self.file = filename
        self.docs = _doc_lines(text)
        self.poll = None          # the run's stop poll (raises to stop), every POLL_TOKENS nodes
        self._nodes = 0

    def _call_userfunc(self, tree, new_children=None):
        if self.poll is not None:
            self._nodes += 1
            if self._nodes % POLL_TOKENS == 0:
                self.poll()
        return super()._call_userfunc(tree, new_children)

    # -- helpers
    def _span(self, meta) -> Span:
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok(self, tok: Token) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line or tok.line,
                    tok.end_column or tok.column + len(tok))

    def _name(self, tok: Token) -> str:
        if str(tok) in KEYWORDS:
            raise BuildError(Diagnostic(self._tok(tok), f"`{tok}` is a keyword and cannot be used as a name"))
        return str(tok)

    def _doc(self, meta) -> str:
        lines = []
        n = meta.line - 1
        while n in self.docs:
            lines.append(self.docs[n])
            n -= 1
        return "\n".join(reversed(lines))

    # -- file
    def start(self, meta, children):
        name, *decls = children
        return A.SpecFile(self._name(name), tuple(decls), doc=self._doc(meta), span=self._tok(name))

    def decls(self, meta, children):
        return A.SpecFile("", tuple(children))

    # -- declarations
    def const_decl(self, meta, c):
        name, typ, where, default = c
        return A.ConstDecl(self._name(name), typ, where, default, doc=self._doc(meta), span=self._tok(name))

    def where_clause(self, meta, c):
        return c[0]

    def default(self, meta, c):
        return c[0]

    def enum_decl(self, meta, c):
        name, *members = c
        return A.EnumDecl(self._name(name), tuple(self._name(m) for m in members),
                          tuple(self._tok(m) for m in members), doc=self._doc(meta), span=self._tok(name))

    def type_decl(self, meta, c):
        sym, name, typ = c
        return A.TypeDecl(self._name(name), typ, doc=self._doc(meta), span=self._tok(name),
                          symmetric=sym is not None)

    def symmetric(self, meta, c):
        return True

    def var_value(self, meta, c):
        return A.VarDecl(self._name(c[0]), c[1], c[2], False, doc=self._doc(meta), span=self._tok(c[0]))

    def var_choice(self, meta, c):
        return A.VarDecl(self._name(c[0]), c[1], c[2], True, doc=self._doc(meta), span=self._tok(c[0]))

    def action_decl(self, meta, c):
        fairness, name, params, body = c
        return A.ActionDecl(self._name(name), tuple(params or ()), body, doc=self._doc(meta), fairness=fairness,
                            span=self._tok(name))

    def weak_fair(self, meta, c):
        return "weak"

    def strong_fair(self, meta, c):
        return "strong"

    def process_decl(self, meta, c):
        fairness, name, params, *items = c
        return A.ProcessDecl(self._name(name), tuple(params or ()), tuple(items), doc=self._doc(meta),
                             fairness=fairness, span=self._tok(name))

    def proc_var(self, meta, c):
        return A.ProcVar(self._name(c[0]), c[1], c[2], span=self._tok(c[0]))

    def proc_step(self, meta, c):
        return A.ProcStep(self._name(c[0]), c[1], span=self._tok(c[0]))

    def proc_loop(self, meta, c):
        return A.ProcLoop(tuple(c), span=self._span(meta))

    def property_decl(self, meta, c):
        name, (kind, p, q) = c
        return A.PropertyDecl(self._name(name), kind, p, q, doc=self._doc(meta), span=self._tok(name))

    def t_always(self, meta, c):
        return ("always", c[0], None)

    def t_eventually(self, meta, c):
        return ("eventually", c[0], None)

    def t_always_eventually(self, meta, c):
        return ("always_eventually", c[0], None)

    def t_eventually_always(self, meta, c):
        return ("eventually_always", c[0], None)

    def t_leads_to(self, meta, c):
        return ("leads_to", c[0], c[1])

    def reachable_decl(self, meta, c):
        return A.ReachableDecl(self._name(c[0]), c[1], doc=self._doc(meta), span=self._tok(c[0]))

    def await_(self, meta, c):
        return A.Await(c[0], span=self._span(meta))

    def goto(self, meta, c):
        return A.Goto(self._name(c[0]), span=self._tok(c[0]))

    def field(self, meta, c):
        return A.Field(c[0], self._name(c[1]), span=self._span(meta))

    def params(self, meta, c):
        return tuple(p for p in c if p is not None)

    def param(self, meta, c):
        return A.Param(self._name(c[0]), c[1], span=self._tok(c[0]))

    def terminal_decl(self, meta, c):
        return A.TerminalDecl(self._name(c[0]), c[1], doc=self._doc(meta), span=self._tok(c[0]))

    def invariant_decl(self, meta, c):
        return A.InvariantDecl(self._name(c[0]), c[1], doc=self._doc(meta), span=self._tok(c[0]))

    # -- types
    def bool_type(self, meta, c):
        return A.BoolType(span=self._span(meta))

    def int_type(self, meta, c):
        return A.IntType(span=self._span(meta))

    def named_type(self, meta, c):
        return A.NamedType(self._name(c[0]), span=self._tok(c[0]))

    def range_type(self, meta, c):
        return A.RangeType(c[0], c[1], span=self._span(meta))

    def set_type(self, meta, c):
        return A.SetType(c[0], span=self._span(meta))

    def map_type(self, meta, c):
        return A.MapType(c[0], c[1], span=self._span(meta))

    def seq_type(self, meta, c):
        return A.SeqType(c[0], c[1], span=self._span(meta))

    # -- statements
    def block(self, meta, c):
        return tuple(c)

    def require(self, meta, c):
        return A.Require(c[0], span=self._span(meta))

    def assign(self, meta, c):
        return A.Assign(c[0], c[1], span=self._span(meta))

    def method(self, meta, c):
        target, name, *args = c
        return A.Method(target, str(name), tuple(a for a in args if a is not None), span=self._span(meta))

    def let(self, meta, c):
        return A.Let(self._name(c[0]), c[1], span=self._span(meta))

    def if_stmt(self, meta, c):
        cond, then, rest = c[0], c[1], (c[2] if len(c) > 2 else None)
        if rest is None:
            else_ = ()
        elif isinstance(rest, A.If):
            else_ = (rest,)
        else:
            else_ = rest
        return A.If(cond, then, else_, span=self._span(meta))

    def either(self, meta, c):
        return A.Either(tuple(c), span=self._span(meta))

    def for_stmt(self, meta, c):
        return A.For(self._name(c[0]), c[1], c[2], span=self._span(meta))

    def lvalue(self, meta, c):
        return A.LValue(self._name(c[0]), tuple(c[1:]), span=self._span(meta))

    # -- expressions
    def bool_domain(self, meta, c):
        return A.Name("bool", span=self._span(meta))

    def range_set(self, meta, c):
        return A.RangeSet(c[0], c[1], span=self._span(meta))

    def ite(self, meta, c):
        return A.Ite(c[0], c[1], c[2], span=self._span(meta))

    def forall(self, meta, c):
        return A.Quant("forall", self._name(c[0]), c[1], c[2], span=self._span(meta))

    def exists(self, meta, c):
        return A.Quant("exists", self._name(c[0]), c[1], c[2], span=self._span(meta))

    def not_(self, meta, c):
        return A.Unary("not", c[0], span=self._span(meta))

    def neg(self, meta, c):
        if isinstance(c[0], A.IntLit):
            return A.IntLit(-c[0].value, span=self._span(meta))
        return A.Unary("neg", c[0], span=self._span(meta))

    def index(self, meta, c):
        return A.Index(c[0], c[1], span=self._span(meta))

    def int_lit(self, meta, c):
        if len(c[0]) > MAX_LITERAL_DIGITS:
            raise BuildError(Diagnostic(self._tok(c[0]), f"this number has {len(c[0])} digits; "
                                                         f"at most {MAX_LITERAL_DIGITS} are allowed"))
        return A.IntLit(int(c[0]), span=self._tok(c[0]))

    def true_lit(self, meta, c):
        return A.BoolLit(True, span=self._span(meta))

    def false_lit(self, meta, c):
        return A.BoolLit(False, span=self._span(meta))

    def name(self, meta, c):
        return A.Name(self._name(c[0]), span=self._tok(c[0]))

    def call(self, meta, c):
        fn, *args = c
        return A.Call(str(fn), tuple(a for a in args if a is not None), span=self._tok(fn))

    def set_lit(self, meta, c):
        return A.SetLit(tuple(a for a in c if a is not None), span=self._span(meta))

    def seq_lit(self, meta, c):
        return A.SeqLit(tuple(a for a in c if a is not None), span=self._span(meta))

    def map_build(self, meta, c):
        head, body = c
        if not (isinstance(head, A.Binary) and head.op == "in" and isinstance(head.left, A.Name)):
            raise BuildError(Diagnostic(self._span(meta), "a map is written `[x in K -> value]`"))
        return A.MapBuild(head.left.id, head.right, body, span=self._span(meta))


def _binary(op: str):
    def build(self, meta, c):
        return A.Binary(op, c[0], c[1], span=self._span(meta))
    return build


for _rule, _op in {
    "implies": "implies", "or_": "or", "and_": "and", "eq": "eq", "ne": "ne", "lt": "lt", "le": "le",
    "gt": "gt", "ge": "ge", "subset": "subset", "in_": "in", "not_in": "not_in", "union": "union",
    "minus": "diff", "inter": "inter", "add": "add", "sub": "sub", "mul": "mul", "div": "div", "mod": "mod",
}.items():
    setattr(_Builder, _rule, v_args(meta=True)(_binary(_op)))
