"""Tests of the two-replica register models (models/cap.py), pinned verdicts
of spec/cap_available.spec and spec/cap_consistent.spec, and the bounded
check of Theorem 9.2 (CAP) over both protocols and a grid of constants.
"""
from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from models.cap import APStore, CPStore, available, linearizable

SPEC = Path(__file__).resolve().parents[2] / "spec"


# ---------------------------------------------------------------- AP: available, not consistent


def test_ap_connected_is_consistent_and_available():
    s = APStore()
    s.write("r1", 1)
    assert s.read("r2").value == 1
    assert linearizable(s.history) and available(s.history, s.sim.clock.now(), 0)


def test_ap_partition_gives_a_stale_read():
    s = APStore()
    s.partition()
    w = s.write("r1", 1)
    r = s.read("r2")
    assert not w.open and (r.value, r.answered) == (0, 0.0)   # answered at once, with the old value
    assert available(s.history, s.sim.clock.now(), 0)
    assert not linearizable(s.history)


def test_ap_partition_heals_and_replicas_converge():
    s = APStore()
    s.partition()
    s.write("r1", 1)
    s.sim.run(until=10)
    assert s.r["r2"].value == 0                 # held by the partition
    s.heal()
    s.sim.run(until=11)
    assert s.read("r2").value == 1


# ---------------------------------------------------------------- CP: consistent, not available


def test_cp_forwarded_requests_are_answered_when_connected():
    s = CPStore()
    w = s.write("r2", 1)
    s.sim.run(until=2)
    r = s.read("r2")
    s.sim.run(until=4)
    assert (w.answered, r.value, r.answered) == (1.0, 1, 3.0)
    assert linearizable(s.history)


def test_cp_partition_blocks_requests_at_the_backup():
    s = CPStore()
    s.partition()
    w = s.write("r1", 1)
    r = s.read("r2")
    s.sim.run(until=100)
    assert not w.open and r.open               # r2 is up, its client waits forever
    assert linearizable(s.history)
    assert not available(s.history, s.sim.clock.now(), deadline=2)
    s.heal()
    s.sim.run(until=101)
    assert (r.value, r.answered) == (1, 100.5)  # consistent, 100 time units late


# ---------------------------------------------------------------- the specs' verdicts (explicit engine)


checker = pytest.importorskip("checker")


@pytest.mark.parametrize("spec, consts, states, violated", [
    ("cap_available", {}, 808, {"consistent": 5}),
    ("cap_available", {"PARTITION": 0}, 68, {}),
    ("cap_consistent", {}, 728, {"available": 5}),
    ("cap_consistent", {"PARTITION": 0}, 148, {}),
])
def test_spec_verdicts_states_and_trace_lengths(spec, consts, states, violated):
    r = checker.check(str(SPEC / f"{spec}.spec"), consts=consts)
    assert r.stats.states == states
    for name in ("consistent", "available", "typeok", "deadlock"):
        if name in violated:
            assert r.get(name).verdict.value == "violated", name
            assert len(r.trace(name)) == violated[name], name
        else:
            assert r.holds(name), name


def test_counterexamples_go_through_the_partition():
    ap = checker.check(str(SPEC / "cap_available.spec")).trace("consistent")
    assert [s.label() for s in ap.steps] == ["init", "writer.wstart", "reader.rstart", "partition",
                                            "writer.wop", "reader.rop"]
    cp = checker.check(str(SPEC / "cap_consistent.spec")).trace("available")
    assert [s.label() for s in cp.steps] == ["init", "writer.wstart", "partition", "tick", "tick", "tick"]
    assert cp.steps[1].state["writer.at"] == 2


GRID = list(product(("cap_available", "cap_consistent"), (1, 2, 3), (1, 2, 3)))


@pytest.mark.parametrize("spec, maxv, deadline", GRID)
def test_cap_bounded_no_protocol_is_consistent_available_and_partition_tolerant(spec, maxv, deadline):
    """Theorem 9.2 for this family of two protocols and these bounds: with
    partitions possible, `consistent` and `available` never both hold;
    without partitions, both do."""
    with_p = checker.check(str(SPEC / f"{spec}.spec"), consts={"MAXV": maxv, "DEADLINE": deadline})
    assert not (with_p.holds("consistent") and with_p.holds("available"))
    assert with_p.holds("consistent") or with_p.holds("available")   # each keeps one
    no_p = checker.check(str(SPEC / f"{spec}.spec"),
                         consts={"MAXV": maxv, "DEADLINE": deadline, "PARTITION": 0})
    assert no_p.holds("consistent") and no_p.holds("available")
