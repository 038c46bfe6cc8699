"""Every kind of bad input gives a clean error at the right position.

Each case pins the message and the line:col of the first diagnostic; the
rendering (source line and caret) and 'all errors in one run' are tested
below the catalog."""
import pytest

from checker.lang import ConstantOptionError, SpecError, load_text

HEAD = "spec t\nenum Phase { Closed, Open }\ntype C = 1..3\nvar x: 0..3 = 0\nvar s: set<C> = {}\nvar q: seq<0..3, 2> = []\n"
H = HEAD.count("\n")  # lines before a case's own text

CASES = [
    # (id, text after HEAD, message fragment, line, col)
    ("syntax: missing expression", "invariant i: x ==", "unexpected end of file: expected an expression", H + 1, 18),
    ("syntax: = for ==", "action a { require x = 1 }", "unexpected `=`", H + 1, 22),
    ("syntax: bad character", "invariant i: x @ 1", "unexpected character `@`", H + 1, 16),
    ("syntax: keyword as a name", "var in: bool = true", "unexpected keyword `in`", H + 1, 5),
    ("syntax: unclosed block", "action a { x = 1", "unexpected end of file", H + 1, 17),
    ("unknown name with suggestion", "invariant i: Closd == Closed", "unknown name `Closd`", H + 1, 14),
    ("unknown type", "var y: Phse = Open", "unknown type `Phse`", H + 1, 8),
    ("unknown function", "invariant i: sise(s) == 0", "unknown function `sise`", H + 1, 14),
    ("unknown variable assigned", "action a { y = 1 }", "unknown variable `y`", H + 1, 12),
    ("duplicate variable", "var x: bool = true", "`x` is already declared (line 4)", H + 1, 5),
    # a member name may repeat across enums (then written Phase.Open where ambiguous: tests/lang/test_sugar.py)
    ("duplicate enum member", "enum Other { Shut, Shut }", "`Shut` is already declared", H + 1, 20),
    ("duplicate parameter", "action a(c: C, c: C) { x = 1 }", "parameter `c` is declared twice", H + 1, 16),
    ("reserved property name", "invariant deadlock: true", "built-in check", H + 1, 11),
    ("type mismatch in comparison", "invariant i: x == Open", "cannot compare an integer (0..3) with a Phase", H + 1, 14),
    ("type mismatch in arithmetic", "invariant i: x + true > 0", "`+` needs integers, but this is a bool", H + 1, 18),
    ("non-bool invariant", "invariant i: x + 1", "an invariant must be a bool", H + 1, 14),
    ("non-bool require", "action a { require x }", "`require` must be a bool", H + 1, 20),
    ("assignment of wrong type", "action a { x = Open }", "cannot assign a Phase to an integer (0..3)", H + 1, 16),
    ("initial value of wrong type", "var y: bool = 3", "its initial value is an integer", H + 1, 15),
    ("initial value reads state", "var y: 0..3 = x", "an initial value cannot read the state variable `x`", H + 1, 15),
    ("empty range", "var y: 5..2 = 5", "empty range 5..2", H + 1, 8),
    ("constant outside its range", "const K: 1..4 = 7", "constant `K` = 7 (its default) is outside its range 1..4", H + 1, 17),
    ("constant violates where", "const K: int where K > 2 = 1", "does not satisfy `where K > 2`", H + 1, 20),
    ("unbounded variable", "var y: int = 0", "`int` is unbounded", H + 1, 8),
    ("set of a non-finite type", "var y: set<map<0..1, bool>> = {}", "a set's elements must be a finite scalar type", H + 1, 12),
    ("assign to a constant", "const K: 1..4 = 2\naction a { K = 3 }", "cannot assign to `K`: it is a constant", H + 2, 12),
    ("assign to a parameter", "action a(c: C) { c = 2 }", "cannot assign to `c`", H + 1, 18),
    ("method on wrong type", "action a { s.push(1) }", "has no method `.push`", H + 1, 12),
    ("wrong arity", "invariant i: len(q, q) == 0", "`len` takes 1 argument, not 2", H + 1, 14),
    ("index a scalar", "invariant i: x[1] == 0", "only maps and sequences can be indexed", H + 1, 14),
    ("type name used as value", "invariant i: C == 1", "`C` is a type, not a value", H + 1, 14),
    ("untyped empty set", "invariant i: {} == {}", "cannot tell the element type of `{}`", H + 1, 14),
    ("set literal value outside domain", "action a { s = {7} }", "7 is not a value of 1..3", H + 1, 17),
    ("let shadows a variable", "action a { let x = 1 }", "`x` is already defined", H + 1, 12),
    ("map key of the wrong type", "var m: map<C, bool> = [c in C -> false]\ninvariant i: m[Open]", "this map's keys are 1..3", H + 2, 16),
    ("quantifier over a non-set", "invariant i: forall y in x: y > 0", "expected a type, a range lo..hi or a set", H + 1, 26),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_positioned_error(case):
    _, body, fragment, line, col = case
    with pytest.raises(SpecError) as info:
        load_text(HEAD + body + "\n", "case.spec")
    first = info.value.diagnostics[0]
    assert fragment in first.message + " " + first.hint, info.value.render()
    assert (first.span.line, first.span.col) == (line, col), info.value.render()


def test_at_least_twenty_kinds_of_bad_input():
    assert len(CASES) >= 20


def test_rendering_has_location_source_line_and_caret():
    with pytest.raises(SpecError) as info:
        load_text("spec t\nvar x: 0..3 = 0\ninvariant i: x == Opne\n", "f.spec")
    assert info.value.render() == (
        "f.spec:3:19: error: unknown name `Opne`\n"
        "  invariant i: x == Opne\n"
        "                    ^^^^\n"
        "1 error"
    )


def test_did_you_mean_suggests_the_closest_name():
    with pytest.raises(SpecError) as info:
        load_text("spec t\nvar failures: 0..3 = 0\ninvariant i: failure < 3\n")
    assert info.value.diagnostics[0].hint == "did you mean `failures`?"


def test_all_type_errors_of_a_file_in_one_run():
    text = "spec t\nvar x: 0..3 = 0\ninvariant a: x == true\ninvariant b: y > 0\naction c { x = false }\n"
    with pytest.raises(SpecError) as info:
        load_text(text)
    assert [d.span.line for d in info.value.diagnostics] == [3, 4, 5]


def test_syntax_errors_of_several_declarations_in_one_run():
    text = "spec t\nvar x: 0..3 = 0\ninvariant a x\naction b { x = = 1 }\ninvariant c: x > 0\n"
    with pytest.raises(SpecError) as info:
        load_text(text)
    assert [d.span.line for d in info.value.diagnostics] == [3, 4]


def test_a_constant_in_error_does_not_cascade():
    text = "spec t\nconst T: 1..3 = 9\nvar x: 0..T = 0\naction a { x = T }\n"
    with pytest.raises(SpecError) as info:
        load_text(text)
    assert len(info.value.diagnostics) == 1


def test_const_override_unknown_name_suggests():
    with pytest.raises(ConstantOptionError) as info:
        load_text("spec t\nconst THRESHOLD: 1..8 = 3\nvar x: bool = true\n", "f.spec", {"THRESHOLD_": 2})
    assert "no constant `THRESHOLD_`" in str(info.value) and "did you mean `THRESHOLD`" in str(info.value)


def test_const_override_outside_range():
    with pytest.raises(ConstantOptionError) as info:
        load_text("spec t\nconst T: 1..8 = 3\nvar x: bool = true\n", "f.spec", {"T": 9})
    assert "T` = 9 (--const) is outside its range 1..8" in str(info.value)


def test_not_utf8_file(tmp_path):
    from checker.lang import load_file
    p = tmp_path / "bin.spec"
    p.write_bytes(b"spec t\nvar x: bool = \xff\n")
    with pytest.raises(SpecError) as info:
        load_file(p)
    assert "not valid UTF-8" in str(info.value) and ":2:15:" in str(info.value)


def test_missing_file_is_a_spec_error(tmp_path):
    from checker.lang import load_file
    with pytest.raises(SpecError) as info:
        load_file(tmp_path / "nope.spec")
    assert "cannot read file" in str(info.value)


def test_no_variables():
    with pytest.raises(SpecError) as info:
        load_text("spec t\nconst K: 1..2 = 1\n")
    assert "declares no variables" in str(info.value)


def test_a_let_in_error_does_not_cascade():
    # (`1 in q` is sequence membership since records; a bool can never be in q)
    text = "spec t\nvar q: seq<0..3, 2> = []\naction a {\n let b = true in q\n require b\n q.push(0)\n}\n"
    with pytest.raises(SpecError) as info:
        load_text(text)
    assert [d.span.line for d in info.value.diagnostics] == [4]
