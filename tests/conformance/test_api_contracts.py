"""The conformance API's contracts (issue 18, part B): skip= wins over a
mapping, expected_exceptions and teardown do what docs/conformance.md says,
and expectations may depend on a constant (`expect: violated when BUGGY=1`)
in the conformance machine, the pytest plugin and the proof pages; the
plugin refuses a --spec-const that no collected file declares."""
from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from checker.conformance import ConformanceError, conformance_machine
from checker.expectations import ExpectationError, check_all, expected_verdict
from checker.lang import load_text

pytest_plugins = ["pytester"]

SETTINGS = settings(max_examples=40, stateful_step_count=12, deadline=None, derandomize=True, database=None)

COUNTER = """spec counter
var n: 0..3 = 0
action inc { require n < 3  n = n + 1 }
action reset { require n == 3  n = 0 }
invariant in_range: n <= 3
"""


class Counter:
    def __init__(self):
        self.n = 0
        self.calls: list[str] = []

    def inc(self):
        self.calls.append("inc")
        self.n += 1

    def reset(self):
        self.calls.append("reset")
        self.n = 0


def test_skip_wins_over_a_mapping():
    seen: list[str] = []

    def factory():
        c = Counter()
        seen.append(c)
        return c

    m = conformance_machine(COUNTER, factory=factory, state_of=lambda c: {"n": c.n},
                            actions={"inc": Counter.inc, "reset": Counter.reset}, skip=("reset",))
    run_state_machine_as_test(m, settings=SETTINGS)
    assert seen and all("reset" not in c.calls for c in seen)
    assert any(c.calls.count("inc") == 3 for c in seen)   # it ran, and got stuck at n == 3


def test_skip_of_an_unknown_action_is_an_error():
    with pytest.raises(ValueError, match="skip= names actions not in the spec: rest"):
        conformance_machine(COUNTER, factory=Counter, state_of=lambda c: {"n": c.n},
                            actions={"inc": Counter.inc, "reset": Counter.reset}, skip=("rest",))


class Refusing(Counter):
    """Raises on inc at 2 -- after changing its state (a half-done step)."""

    def inc(self):
        if self.n == 2:
            self.n = 3
            raise TimeoutError("slow")
        super().inc()


class RefusingBadly(Counter):
    """Raises on inc at 2 and leaves a state the spec does not allow."""

    def inc(self):
        if self.n == 2:
            raise TimeoutError("slow")
        super().inc()


def test_expected_exceptions_are_swallowed_and_the_state_still_checked():
    ok = conformance_machine(COUNTER, factory=Refusing, state_of=lambda c: {"n": c.n},
                             actions={"inc": Refusing.inc, "reset": Refusing.reset},
                             expected_exceptions=(TimeoutError,))
    run_state_machine_as_test(ok, settings=SETTINGS)
    bad = conformance_machine(COUNTER, factory=RefusingBadly, state_of=lambda c: {"n": c.n},
                              actions={"inc": RefusingBadly.inc, "reset": RefusingBadly.reset},
                              expected_exceptions=(TimeoutError,))
    with pytest.raises(ConformanceError, match="inc: the object's new state is not a successor"):
        run_state_machine_as_test(bad, settings=SETTINGS)
    unexpected = conformance_machine(COUNTER, factory=Refusing, state_of=lambda c: {"n": c.n},
                                     actions={"inc": Refusing.inc, "reset": Refusing.reset})
    with pytest.raises(TimeoutError):
        run_state_machine_as_test(unexpected, settings=SETTINGS)


def test_teardown_runs_after_every_example():
    made: list[Counter] = []
    closed: list[Counter] = []

    def factory():
        made.append(Counter())
        return made[-1]

    m = conformance_machine(COUNTER, factory=factory, state_of=lambda c: {"n": c.n},
                            actions={"inc": Counter.inc, "reset": Counter.reset}, teardown=closed.append)
    run_state_machine_as_test(m, settings=SETTINGS)
    assert made and closed == made


# ---------------------------------------------------------------- expectations with `when`

BUGGY = """spec buggy
const BUGGY: 0..1 = 1
var n: 0..3 = 0
action inc { require n < 2 + BUGGY  n = n + 1 }
action reset { require n >= 2  n = 0 }
/// never reaches 3
/// expect: violated when BUGGY=1
/// expect: holds when BUGGY=0
invariant below_three: n < 3
// expect deadlock: holds when BUGGY = 0, BUGGY == 0
"""


def test_expectation_depends_on_the_constant():
    assert expected_verdict(load_text(BUGGY), "below_three") == "violated"
    assert expected_verdict(load_text(BUGGY, "b.spec", {"BUGGY": 0}), "below_three") == "holds"
    assert expected_verdict(load_text(BUGGY, "b.spec", {"BUGGY": 0}), "deadlock") == "holds"
    assert expected_verdict(load_text(BUGGY), "deadlock") is None


@pytest.mark.parametrize("line,message", [
    ("/// expect: violated when NOPE=1", "the spec has no constant NOPE"),
    ("/// expect: violated when BUGGY", "expected NAME=INTEGER"),
    ("/// expect: violated if BUGGY=1", "expected nothing or `when NAME=VALUE`"),
])
def test_a_bad_when_clause_is_an_error(line, message):
    spec = load_text(BUGGY.replace("/// expect: violated when BUGGY=1", line))
    with pytest.raises(ExpectationError, match=message):
        check_all(spec)


def test_conformance_machine_reads_the_condition():
    class Faithful(Counter):
        buggy = 1

        def inc(self):
            super().inc()

    # BUGGY=1: below_three is expected to be violated, so it is not checked by default
    m = conformance_machine(BUGGY, factory=Faithful, state_of=lambda c: {"n": c.n},
                            actions={"inc": Faithful.inc, "reset": Faithful.reset})
    run_state_machine_as_test(m, settings=SETTINGS)
    # BUGGY=0: it is expected to hold, so it is checked (and holds: n stops at 2)
    m0 = conformance_machine(BUGGY, factory=Faithful, state_of=lambda c: {"n": c.n},
                             actions={"inc": Faithful.inc, "reset": Faithful.reset}, consts={"BUGGY": 0})
    run_state_machine_as_test(m0, settings=SETTINGS)


def test_plugin_honours_when_for_each_value(pytester):
    pytester.makefile(".spec", buggy=BUGGY)
    pytester.runpytest("buggy.spec", "-p", "no:cacheprovider").assert_outcomes(passed=3)
    pytester.runpytest("buggy.spec", "--spec-const", "BUGGY=0", "-p", "no:cacheprovider").assert_outcomes(passed=3)
    # a wrong expectation fails for the value it is wrong for
    wrong = BUGGY.replace("expect: holds when BUGGY=0", "expect: violated when BUGGY=0")
    pytester.makefile(".spec", buggy=wrong)
    r = pytester.runpytest("buggy.spec", "--spec-const", "BUGGY=0", "-p", "no:cacheprovider")
    r.assert_outcomes(passed=2, failed=1)
    r.stdout.fnmatch_lines(["*invariant below_three: expected violated, got holds*"])


def test_plugin_reports_a_bad_when_clause_as_a_load_failure(pytester):
    pytester.makefile(".spec", buggy=BUGGY.replace("when BUGGY=1", "when BUGY=1"))
    r = pytester.runpytest("buggy.spec", "-p", "no:cacheprovider")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*`when BUGY=...`: the spec has no constant BUGY (its constants: BUGGY)*"])


def test_plugin_refuses_an_unknown_spec_const(pytester):
    pytester.makefile(".spec", buggy=BUGGY)
    r = pytester.runpytest("buggy.spec", "--spec-const", "NOPE=1", "-p", "no:cacheprovider")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*--spec-const NOPE: none of the collected .spec files (*buggy.spec) "
                            "declares a constant NOPE*"])
    r = pytester.runpytest("buggy.spec", "--spec-const", "BUGGY", "-p", "no:cacheprovider")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*--spec-const BUGGY: expected NAME=INTEGER*"])
