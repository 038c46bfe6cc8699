"""Spec text never reaches eval/exec.

1. Hostile identifiers (Python keywords and builtins, dunders, the names of
   the explicit engine's own generated locals and helpers) behave exactly as
   ordinary names: same verdicts, same state counts.
2. The generated Python source is *byte-identical* whatever the spec's names
   are, and every identifier in it is a Python keyword, one of the engine's
   fixed names, or matches its naming scheme (a letter or two and a number).
3. Making ``__import__`` / ``open`` / ``eval`` / ``exec`` raise during the
   search's hot loop changes nothing.
4. The only exec()/compile()/eval() call sites in checker/ are in the
   explicit engine's code generator: exec(compile(...)) in
   checker/explicit/compile.py, and eval() of a generated constant
   subexpression (constant folding) in checker/explicit/expr.py.  The text
   given to both is recorded in (2).
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
import checker.explicit.compile as compile_module
import checker.explicit.expr as expr_module
from checker.explicit import runtime
from harness import known_bug, check_outcome, CHECKED
from specgen import HOSTILE_NAMES, HypSrc, RandSrc, gen_spec, hostile_names, render

ROOT = Path(checker.__file__).resolve().parent

# Fixed names of the generated code (compile.py, stmts.py, expr.py): function
# parameters and locals, and the few builtins it calls.
ENGINE_NAMES = {"s", "L", "seen", "app", "err", "viol", "dead", "tr", "ne", "b", "e", "i", "n", "out",
                "errs", "vals", "init_values", "level", "check", "append", "len", "min", "max",
                "sorted", "frozenset", "tuple", "range", "list", "any", "all", "abs", "bit_count",
                # the cancellation poll (checker/cancel.py) and invariant skipping (readsets.py)
                "_halt", "_halted", "_skipped", "sk_", "dv_"}
SCHEME = re.compile(r"[A-Za-z]{1,2}[0-9]+\Z")


def summary(result):
    return (result.verdict, result.stats.states, result.stats.transitions, result.stats.depth,
            [(p.verdict, p.kind, len(p.trace) if p.trace is not None else None) for p in result.properties])


def check_both(template: str, names: dict):
    ordinary = render(template)
    hostile = render(template, names)
    try:
        a = checker.check(ordinary, max_states=2000)
    except Exception as exc:  # noqa: BLE001
        out = check_outcome(ordinary, max_states=2000)
        if known_bug(out) or out.kind != CHECKED:
            pytest.skip(f"the ordinary spec does not check: {out}")
        raise exc
    b = checker.check(hostile, max_states=2000)
    assert summary(a) == summary(b), f"--- ordinary:\n{ordinary}\n--- hostile:\n{hostile}"


HAND_WRITTEN = """\
spec __import__
enum os { exec, _, __class__ }
const self: 1..3 = 2
type print = 0..self
var v0: os = exec
var p1: print = 0
var state: set<os> = {}
var lambda: map<os, print> = [__builtins__ in os -> 0]
action eval(s: os, L: print) {
  require p1 < self
  p1 = p1 + 1
  state.add(s)
  lambda[s] = L
  let seen = v0
  if seen == exec { v0 = _ } else { v0 = __class__ }
}
action open {
  either { p1 = 0 } or { state = {} }
  for tr in os { lambda[tr] = 0 }
}
invariant globals: p1 <= self
invariant compile: forall viol in os: lambda[viol] <= self
"""


def test_hand_written_hostile_spec_behaves_like_ordinary_names():
    ordinary = HAND_WRITTEN
    mapping = {"__import__": "sp", "os": "E", "exec": "A", "_": "B", "__class__": "C", "self": "N",
               "print": "T", "v0": "x", "p1": "y", "state": "z", "lambda": "w", "__builtins__": "k",
               "eval": "act", "s": "q", "L": "r", "seen": "t", "open": "act2", "tr": "f",
               "globals": "inv1", "compile": "inv2", "viol": "u"}
    plain = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: mapping.get(m.group(0), m.group(0)), ordinary)
    a = checker.check(plain, max_states=5000)
    b = checker.check(ordinary, max_states=5000)
    assert summary(a) == summary(b)
    assert b.stats.states > 10


@pytest.mark.parametrize("seed", range(10))
def test_generated_specs_with_hostile_names(seed):
    template = gen_spec(RandSrc(seed))
    check_both(template, hostile_names(template, RandSrc(seed)))


@settings(max_examples=10, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_hostile_names_property(data):
    src = HypSrc(data)
    template = gen_spec(src)
    check_both(template, hostile_names(template, src))


# ---------------------------------------------------------------- generated source


@pytest.fixture
def generated_sources(monkeypatch):
    """Every source text the explicit engine compiles (compile() is looked up
    in compile.py's globals before the builtins, so a module attribute
    intercepts it)."""
    sources: list[str] = []
    real = builtins.compile

    def recording(source, filename, mode, *args, **kwargs):
        sources.append(source)
        return real(source, filename, mode, *args, **kwargs)

    def recording_eval(source, *args, **kwargs):
        sources.append(source)
        return real_eval(source, *args, **kwargs)

    real_eval = builtins.eval
    monkeypatch.setattr(compile_module, "compile", recording, raising=False)
    monkeypatch.setattr(expr_module, "eval", recording_eval, raising=False)
    return sources


def _identifiers(source: str) -> set[str]:
    out = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME:
            out.add(tok.string)
        assert tok.type != tokenize.STRING, f"a string literal in generated code: {tok.string!r}"
    return out


@pytest.mark.parametrize("seed", range(12))
def test_generated_source_does_not_depend_on_names(seed, generated_sources):
    template = gen_spec(RandSrc(seed))
    out = check_outcome(render(template), max_states=200)
    if out.kind != CHECKED:
        pytest.skip(str(out)[:200])
    ordinary = list(generated_sources)
    generated_sources.clear()
    names = hostile_names(template, RandSrc(seed))
    checker.check(render(template, names), max_states=200)
    assert ordinary and generated_sources == ordinary
    allowed = set(keyword.kwlist) | set(runtime.NAMES) | ENGINE_NAMES
    for src in ordinary:
        for name in _identifiers(src):
            assert name in allowed or SCHEME.match(name), f"unexpected identifier {name!r} in:\n{src}"


def test_generated_source_of_hand_written_hostile_spec(generated_sources):
    checker.check(HAND_WRITTEN, max_states=500)
    assert generated_sources
    spec_names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", HAND_WRITTEN))
    allowed = set(keyword.kwlist) | set(runtime.NAMES) | ENGINE_NAMES
    for src in generated_sources:
        ids = _identifiers(src)
        for name in ids:
            assert name in allowed or SCHEME.match(name), f"unexpected identifier {name!r}"
        # names only the spec uses never appear
        leaked = (spec_names & ids) - allowed - {n for n in ids if SCHEME.match(n)}
        assert not leaked, leaked


# ---------------------------------------------------------------- builtins poisoned


def test_poisoned_builtins_in_the_hot_loop(monkeypatch):
    """The generated level and check functions (the search's hot loop) run with
    __import__, open, eval and exec raising."""
    expected = summary(checker.check(HAND_WRITTEN, max_states=5000))  # warm: every import done
    calls = []

    def poisoned(fn):
        def run(*args, **kwargs):
            def refuse(*a, **k):
                raise AssertionError("a builtin was called from the search loop")

            saved = {n: getattr(builtins, n) for n in ("__import__", "open", "eval", "exec")}
            for n in saved:
                setattr(builtins, n, refuse)
            try:
                calls.append(fn.__name__)
                return fn(*args, **kwargs)
            finally:
                for n, f in saved.items():
                    setattr(builtins, n, f)
        return run

    Program = compile_module.Program
    for name in ("level_function", "check_function"):
        real = getattr(Program, name)
        monkeypatch.setattr(Program, name,
                            lambda self, *a, _real=real, **k: poisoned(_real(self, *a, **k)))
    assert summary(checker.check(HAND_WRITTEN, max_states=5000)) == expected
    assert "level" in calls


# ---------------------------------------------------------------- call sites


def _calls(tree, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in names:
                yield f.id, node.lineno
            elif isinstance(f, ast.Attribute) and f.attr in names and \
                    isinstance(f.value, ast.Name) and f.value.id in ("builtins", "__builtins__"):
                yield f.attr, node.lineno


# ctx.exec_generated: the one exec of source generated outside compile.py
# (the symmetry canonicaliser's), kept beside the code generator's context
ALLOWED_SITES = {("explicit/compile.py", "exec"), ("explicit/compile.py", "compile"),
                 ("explicit/ctx.py", "exec"), ("explicit/ctx.py", "compile"),
                 ("explicit/expr.py", "eval")}


def test_exec_compile_eval_only_in_the_code_generator():
    sites = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, line in _calls(tree, {"exec", "eval", "compile", "__import__", "execfile"}):
            sites.append((path.relative_to(ROOT).as_posix(), name, line))
    assert sites, "expected the explicit engine's exec(compile(...)) call sites"
    for path, name, line in sites:
        assert (path, name) in ALLOWED_SITES, f"{name}() at checker/{path}:{line}"
    assert {(p, n) for p, n, _ in sites} <= ALLOWED_SITES


def test_code_generator_takes_no_spec_strings():
    """compile.py's and ctx.py's exec/compile calls compile text built by
    render() from generated lines, plus the file name <explicit:SPEC:...>
    (a name, not code)."""
    nodes = [n for f in ("compile.py", "ctx.py")
             for n in ast.walk(ast.parse((ROOT / "explicit" / f).read_text(encoding="utf-8")))]
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "compile":
            filename = node.args[1]
            assert isinstance(filename, ast.JoinedStr), ast.dump(filename)
            assert ast.unparse(filename).startswith("f'<explicit:")


def test_hostile_names_are_valid_spec_names():
    from checker.lang.parser import KEYWORDS

    for n in HOSTILE_NAMES:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) and n not in KEYWORDS, n
