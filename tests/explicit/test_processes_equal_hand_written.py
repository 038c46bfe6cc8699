"""Processes desugar to the program counters a person would write by hand:
the process version of the benchmark breaker has the same state space."""
from pathlib import Path

import pytest

import checker

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("n, states", [(2, 51), (3, 165), (4, 519), (5, 1605)])
def test_same_state_count_as_the_hand_written_breaker(n, states):
    hand = checker.check(ROOT / "bench" / "breaker_n.spec", consts={"N": n})
    procs = checker.check(ROOT / "tests" / "explicit" / "specs" / "breaker_n_processes.spec", consts={"N": n})
    assert hand.stats.states == procs.stats.states == states
    assert hand.stats.transitions == procs.stats.transitions
    assert procs.holds("open_means_tripped") and procs.holds("deadlock")
