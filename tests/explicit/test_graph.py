"""Action coverage and the DOT drawing of the reachable graph."""
import pytest

import checker
from checker.explicit.graph import GraphTooLarge, coverage, to_dot

SPEC = """spec t
enum Mode { Off, On }
var x: 0..2 = 0
var mode: Mode in Mode
action inc { require x < 2; x = x + 1 }
action never { require x > 5; x = 0 }
"""


def test_coverage_counts_transitions_per_action_and_flags_dead_ones():
    c = coverage(checker.load(SPEC))
    assert c.transitions == {"inc": 4, "never": 0} and c.states == 6 and c.exhaustive
    # inc is enabled where x < 2 (x = 0, 1 for each mode) and produces x = 1, 2 for each mode
    assert c.enabled == {"inc": 4, "never": 0} and c.distinct == {"inc": 4, "never": 0}
    assert c.never_enabled == ["never"]
    assert c.warnings() == ["action never is never enabled in any reachable state (its guard may be wrong, "
                            "or the spec vacuous there)"]


def test_coverage_of_the_breaker_matches_the_engine_transition_count():
    spec = checker.load("spec/breaker.spec")
    c = coverage(spec)
    assert sum(c.transitions.values()) == checker.check("spec/breaker.spec").stats.transitions == 60
    assert c.never_enabled == []


def test_dot_drawing():
    dot = to_dot(checker.load(SPEC))
    assert dot.startswith('digraph "t" {')
    assert '  s0 [label="x = 0\\nmode = Off", style=bold];' in dot
    assert dot.count(" -> ") == 4 and '[label="inc"]' in dot


def test_dot_refuses_a_graph_too_large_to_draw():
    with pytest.raises(GraphTooLarge, match="more than 3 reachable states"):
        to_dot(checker.load(SPEC), max_states=3)
