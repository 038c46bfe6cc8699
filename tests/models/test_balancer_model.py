"""Tests of the load-balancer models (models/balancer.py): each flaw of
section 4.1 of the design document reproduced on the faithful model, the fix
on the corrected one, and the explicit engine's verdicts on
spec/balancer*.spec pinned."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import checker
from models.balancer import FixedLoadBalancer, LoadBalancer, ServiceInstance

SPEC = Path(__file__).resolve().parents[2] / "spec"
RR, WRR, LC, RND = "RoundRobin", "WeightedRoundRobin", "LeastConnections", "Random"


def pool(cls, algo, weights=(1, 2, 1), **kw):
    lb = cls(algo, **kw)
    for k, w in enumerate(weights, 1):
        lb.add_instance(ServiceInstance(str(k), weight=w))
    return lb


def picks(lb, n):
    return [lb.select_instance().id for _ in range(n)]


def test_empty_pool_yields_none():
    assert LoadBalancer(RR).select_instance() is None


def test_faithful_weighted_round_robin_returns_none_with_instances():
    lb = pool(LoadBalancer, WRR)
    assert lb.select_instance() is None          # `_ => None`


def test_fixed_weighted_round_robin_respects_weights_per_cycle():
    lb = pool(FixedLoadBalancer, WRR)
    cycle = picks(lb, 4)
    assert Counter(cycle) == {"1": 1, "2": 2, "3": 1}
    assert cycle == ["2", "3", "1", "2"]         # smooth: interleaved (pool order [2, 3, 1])
    assert Counter(picks(lb, 4)) == {"1": 1, "2": 2, "3": 1}


def test_faithful_least_connections_always_picks_the_first_instance():
    lb = pool(LoadBalancer, LC)
    assert picks(lb, 5) == ["1"] * 5             # connections never move off 0
    assert [lb.connections(str(k)) for k in (1, 2, 3)] == [0, 0, 0]


def test_fixed_least_connections_spreads_and_releases():
    lb = pool(FixedLoadBalancer, LC)
    assert [i.id for i in lb.instances] == ["2", "3", "1"]   # each added at the end of the rotation
    assert picks(lb, 3) == ["2", "3", "1"]      # all three busy once, none twice
    lb.release("2")
    assert lb.select_instance().id == "2"


def test_round_robin_with_adds_interleaved_serves_everyone():
    lb = LoadBalancer(RR)
    lb.add_instance(ServiceInstance("1"))
    lb.add_instance(ServiceInstance("2"))
    assert picks(lb, 1) == ["1"]
    lb.add_instance(ServiceInstance("3"))
    assert picks(lb, 3) == ["2", "3", "1"]


def test_faithful_has_no_remove():
    assert not hasattr(LoadBalancer(RR), "remove_instance")


def test_naive_removal_makes_round_robin_repeat_an_instance():
    """balancer_remove.spec: VecDeque::remove without touching the index."""
    lb = pool(LoadBalancer, RR, (1, 1, 1))
    assert picks(lb, 2) == ["1", "2"]            # index 2: "3" is next
    del lb.instances[0]                          # the obvious remove_instance("1")
    assert picks(lb, 1) == ["2"]                 # 2 % 2 = 0: "2" again, "3" waits


def test_fixed_removal_keeps_the_rotation():
    lb = pool(FixedLoadBalancer, RR, (1, 1, 1))
    assert [i.id for i in lb.instances] == ["2", "3", "1"] and lb.current_index == 2
    assert picks(lb, 2) == ["1", "2"]            # now "3" is next
    lb.remove_instance("2")                      # before the index: the index follows
    assert picks(lb, 2) == ["3", "1"]


def test_random_uses_the_rng():
    lb = pool(LoadBalancer, RND, rng=lambda n: n - 1)
    assert picks(lb, 2) == ["3", "3"]


VERDICTS = {
    "balancer": (14097, {"nonempty_pool_yields_instance": ("violated", 2),
                         "rr_serves_every_instance_within_n": ("holds", None),
                         "wrr_respects_weights": ("violated", 2),
                         "lc_picks_least_loaded": ("violated", 4),
                         "connection_counts_accurate": ("violated", 2),
                         "index_in_range": ("holds", None),
                         "typeok": ("holds", None), "deadlock": ("holds", None)}),
    "balancer_fixed": (16444, {n: ("holds", None) for n in (
        "nonempty_pool_yields_instance", "rr_serves_every_instance_within_n", "wrr_respects_weights",
        "lc_picks_least_loaded", "connection_counts_accurate", "index_in_range", "typeok", "deadlock")}),
    "balancer_remove": (4681, {"rr_serves_every_instance_within_n": ("violated", 6),
                               "index_in_range": ("violated", 4),
                               "typeok": ("holds", None), "deadlock": ("holds", None)}),
    "balancer_remove_fixed": (2431, {n: ("holds", None) for n in (
        "rr_serves_every_instance_within_n", "index_in_range", "typeok", "deadlock")}),
}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_explicit_engine_verdicts(name):
    states, want = VERDICTS[name]
    r = checker.check(str(SPEC / f"{name}.spec"))
    assert r.stats.states == states
    for prop, (verdict, length) in want.items():
        p = r.get(prop)
        assert p.verdict.value == verdict, prop
        assert (len(p.trace) if p.trace else None) == length, prop


def test_wrr_counterexample_starts_with_the_algorithm():
    tr = checker.check(str(SPEC / "balancer.spec")).trace("nonempty_pool_yields_instance")
    assert tr.steps[0].state["algo"] == WRR
    assert [s.label() for s in tr.steps[1:]] == ["add_instance(1)", "request(0)"]
