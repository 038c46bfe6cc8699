"""The pytest plugin: .spec files collected, one item per property."""
import pytest

pytest_plugins = ["pytester"]

SPEC = """spec counter
var n: 0..3 = 0
action inc { require n < 3; n = n + 1 }
action reset { require n == 3; n = 0 }
/// Never reaches 3.
/// expect: violated
invariant below_three: n < 3
invariant in_range: n <= 3
"""


def test_every_property_is_an_item_and_expectations_are_honoured(pytester):
    pytester.makefile(".spec", counter=SPEC)
    r = pytester.runpytest("-v", "counter.spec", "-p", "no:cacheprovider")
    r.assert_outcomes(passed=4)
    r.stdout.fnmatch_lines(["*counter.spec::below_three PASSED*", "*counter.spec::typeok PASSED*",
                            "*counter.spec::deadlock PASSED*"])


def test_an_unexpected_violation_fails_with_the_trace_and_the_line(pytester):
    pytester.makefile(".spec", counter=SPEC.replace("/// expect: violated\n", ""))
    r = pytester.runpytest("counter.spec", "-p", "no:cacheprovider")
    r.assert_outcomes(passed=3, failed=1)
    r.stdout.fnmatch_lines(["*counter.spec:6: invariant below_three: expected holds, got violated*",
                            "*3  inc*n = 3*"])


def test_a_line_expectation_covers_builtins_and_a_wrong_one_fails(pytester):
    pytester.makefile(".spec", counter=SPEC + "// expect deadlock: violated\n")
    r = pytester.runpytest("counter.spec", "-p", "no:cacheprovider")
    r.assert_outcomes(passed=3, failed=1)
    r.stdout.fnmatch_lines(["*deadlock: expected violated, got holds*"])


def test_spec_const_option_and_load_errors(pytester):
    pytester.makefile(".spec", counter=SPEC.replace("0..3", "0..N").replace("< 3", "< N").replace("== 3", "== N")
                      .replace("var n", "const N: 1..5 = 3\nvar n"),
                      broken="spec b\nvar x: 0..1 = y\n")
    r = pytester.runpytest("counter.spec", "broken.spec", "--spec-const", "N=4", "-p", "no:cacheprovider")
    # N = 4 is used: n reaches 4, so in_range (n <= 3) fails; the broken file fails to load
    r.assert_outcomes(passed=3, failed=2)
    r.stdout.fnmatch_lines(["*invariant in_range: expected holds, got violated*", "*n = 4*",
                            "*broken.spec:2:15: error: unknown name `y`*"])


def test_slow_marker(pytester):
    pytester.makefile(".spec", counter="// pytest: slow\n" + SPEC)
    r = pytester.runpytest("counter.spec", "-m", "not slow", "-p", "no:cacheprovider")
    r.assert_outcomes(deselected=4)


def test_only_specs_named_on_the_command_line_are_collected(pytester):
    pytester.mkdir("spec")
    pytester.mkdir("tests")
    pytester.mkdir("tests/fixtures")
    (pytester.path / "spec" / "counter.spec").write_text(SPEC)
    (pytester.path / "tests" / "fixtures" / "broken.spec").write_text("spec broken\nvar x: 0..1 = y\n")
    (pytester.path / "tests" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    pytester.runpytest("tests", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.runpytest("spec", "-p", "no:cacheprovider").assert_outcomes(passed=4)
    pytester.runpytest("spec/counter.spec", "-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_spec_engine_option_chooses_the_engine(pytester):
    pytester.makefile(".spec", counter=SPEC)
    # PDR proves in_range and finds below_three's violation, as expected
    pytester.runpytest("counter.spec", "--spec-engine", "pdr", "-p", "no:cacheprovider").assert_outcomes(passed=4)
    # bounded model checking never proves: in_range is unknown, not holds
    r = pytester.runpytest("counter.spec", "--spec-engine", "bmc", "-p", "no:cacheprovider")
    r.stdout.fnmatch_lines(["*invariant in_range: expected holds, got unknown (bounded model checking*"])
