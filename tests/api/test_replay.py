"""verify replay: checking a recorded trace (a service's log) against its spec."""
import json

import pytest

import checker
from checker.replay import ReplayInputError, read_trace, render, replay
from checker.report.itf import trace_to_itf

SPEC = """spec counter
const MAX: 1..5 = 3
var n: 0..MAX = 0
var mode: bool = false
action inc { require n < MAX; n = n + 1 }
action flip { either { mode = true } or { mode = false } }
action reset { require n == MAX; n = 0 }
invariant small: n < 3 or mode
"""


def lines(*objs):
    return "\n".join(json.dumps(o) for o in objs)


def test_an_engine_trace_exported_to_itf_replays():
    spec = checker.load(SPEC)
    p = checker.check(SPEC).get("small")
    text = json.dumps(trace_to_itf(p.trace, spec, p))
    result = replay(spec, read_trace(text, spec))
    # the trace is allowed step by step, and its last state breaks the invariant it was found for
    assert not result.ok and result.checked == 4 and result.problem == "the state reached violates invariant small"


def test_action_log_with_a_step_the_spec_does_not_allow():
    spec = checker.load(SPEC)
    log = lines({"action": "inc"}, {"action": "reset"}, {"action": "inc"})
    result = replay(spec, read_trace(log, spec))
    assert not result.ok and result.checked == 1 and result.at.line == 2
    assert result.problem == "reset: the spec does not allow it here"
    assert result.before == [{"n": 1, "mode": False}]
    assert result.allowed == ["flip", "inc"]
    text = render(result, spec, "log.jsonl")
    assert text.startswith("log.jsonl:2: not allowed by spec counter: reset: the spec does not allow it here")
    assert "state before: n = 1, mode = false" in text and "the spec allows here: flip, inc" in text


def test_nondeterminism_is_tracked_and_states_are_matched():
    spec = checker.load(SPEC)
    log = lines({"n": 0, "mode": False}, {"action": "flip"}, {"n": 0, "mode": True}, {"n": 1, "mode": True},
                {"n": 3, "mode": True})
    result = replay(spec, read_trace(log, spec))
    assert not result.ok and result.at.line == 5 and result.checked == 4
    assert "recorded: n = 3" in render(result, spec, "log")


def test_an_allowed_log():
    spec = checker.load(SPEC)
    log = lines({"action": "inc"}, {"action": "flip", "state": {"n": 1, "mode": True}}, {"action": "inc"})
    assert replay(spec, read_trace(log, spec)).ok


@pytest.mark.parametrize("text, message", [
    ('{"action": "incc"}', "no action 'incc' (did you mean inc?)"),
    ('{"n": 0}', "no value for variable 'mode'"),
    ('{"n": 0, "mode": false, "x": 1}', "no variable 'x'"),
    ('{"n": 9, "mode": false}', "9 is outside 0..3"),
    ("{not json", "trace:1: not JSON"),
    ("", "empty trace"),
])
def test_bad_trace_files(text, message):
    spec = checker.load(SPEC)
    with pytest.raises(ReplayInputError) as info:
        read_trace(text, spec)
    assert message in str(info.value)
