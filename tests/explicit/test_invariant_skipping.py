"""Invariant skipping (checker/explicit/readsets.py): the dict store checks
an invariant or reachability goal on a state only when a bit it reads
differs from the parent's.  The oracle is the same search with skipping off
(``Options(invariant_skipping=False)``, the default: the skipping is
opt-in, see bench/results/invariant-skipping.md): identical states, transitions,
depth, verdicts and counterexample traces (every step's action, arguments
and state) on every catalog spec (spec/ and tests/catalog/specs) and on the
random specs of tests/catalog/strategies.py; and it really skips."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "catalog"))

from catalog import CATALOG, ROOT, Entry  # noqa: E402

import checker  # noqa: E402
from checker import engines, ir  # noqa: E402
from checker.explicit.layout import Layout  # noqa: E402
from checker.explicit import readsets  # noqa: E402
from checker.explicit.readsets import read_mask, read_vars  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402

SKIPPED = "invariant_checks_skipped"


def guard_all(mp):
    """guard every check, however small (the default cost model guards only
    quantified or large ones: readsets.worth_guarding), so that the
    comparisons below exercise the skipping on every invariant and goal"""
    mp.setattr(readsets, "HEAVY_NODES", 0)


def _load_file(path, consts=None):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return load_text(f.read(), path, dict(consts or {}))


def outcome(r):
    """everything that skipping must leave unchanged"""
    props = {p.name: (p.verdict, p.depth,
                      None if p.trace is None else
                      (p.trace.loop_start,
                       [(st.action, st.args, tuple(sorted(st.state.items())))
                        for st in p.trace.steps]))
             for p in r.properties}
    return (r.stats.states, r.stats.transitions, r.stats.depth, r.exhaustive, props)


def _both(spec, **kw):
    run = engines.get("explicit")
    on = run(spec, Options(invariant_skipping=True, **kw))
    off = run(spec, Options(invariant_skipping=False, **kw))
    return on, off


@pytest.mark.parametrize("every_check", [True, False], ids=["all-guarded", "cost-model"])
@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_skipping_changes_nothing_on_the_catalog(entry: Entry, every_check, monkeypatch):
    if every_check:
        guard_all(monkeypatch)
    spec = _load_file(entry.path, entry.consts)
    on, off = _both(spec)          # every property, temporal ones included
    assert outcome(on) == outcome(off)
    assert SKIPPED in on.stats.extra and SKIPPED not in off.stats.extra
    if on.exhaustive:
        assert on.stats.states == entry.states


def test_skipping_changes_nothing_with_symmetry_reduction_off(monkeypatch):
    guard_all(monkeypatch)
    for entry in CATALOG:
        spec = _load_file(entry.path, entry.consts)
        if spec.symmetric:
            on, off = _both(spec, symmetry=False)
            assert outcome(on) == outcome(off), entry.path


@pytest.mark.parametrize("every_check", [True, False], ids=["all-guarded", "cost-model"])
def test_it_skips_on_the_bench_families(every_check, monkeypatch):
    """exact pins (the counts are deterministic: the same search, the same
    parents); a change of them means the read sets, the cost model or the
    search changed"""
    if every_check:
        guard_all(monkeypatch)
    got = {}
    for path, consts in (("bench/breaker_n.spec", {"N": 3}), ("bench/config_n.spec", {"W": 1, "K": 2, "C": 2, "V": 3}),
                         ("bench/balancer_n.spec", {"N": 3, "M": 2})):
        spec = _load_file(path, consts)
        on, off = _both(spec)
        assert outcome(on) == outcome(off)
        got[path] = (on.stats.states, len(spec.invariants), on.stats.extra[SKIPPED])
    # (states, invariants, checks skipped of states x invariants); config's two
    # invariants read what almost every step writes, so it skips little; the
    # cost model leaves breaker's two small invariants unguarded
    breaker = 233 if every_check else 57
    assert got == {"bench/breaker_n.spec": (165, 3, breaker), "bench/config_n.spec": (37, 2, 4),
                   "bench/balancer_n.spec": (1152, 1, 477)}


def test_a_bounded_run_is_unchanged_too(monkeypatch):
    guard_all(monkeypatch)
    spec = _load_file("bench/balancer_n.spec", {"N": 3, "M": 2})
    for kw in ({"max_states": 500}, {"max_depth": 4}):
        on, off = _both(spec, **kw)
        assert not on.exhaustive and outcome(on) == outcome(off)


def test_a_resumed_search_is_unchanged(tmp_path, monkeypatch):
    """the parents of a resumed search come from the checkpoint's ``seen``"""
    guard_all(monkeypatch)
    spec = _load_file("bench/balancer_n.spec", {"N": 4, "M": 3})
    run = engines.get("explicit")
    first = run(spec, Options(invariant_skipping=True, checkpoint_dir=str(tmp_path),
                              should_stop=lambda: True))
    assert not first.exhaustive and first.stats.states < 100
    resumed = run(spec, Options(invariant_skipping=True, resume_dir=str(tmp_path)))
    ref = run(spec, Options(invariant_skipping=False))
    assert resumed.exhaustive and outcome(resumed) == outcome(ref)
    assert resumed.stats.extra[SKIPPED] > 0


# ---------------------------------------------------------------- read sets

READS = """
spec reads
var a: 0..3 = 0
var b: 0..3 = 0
var m: map<0..2, 0..3> = [k in 0..2 -> 0]
var q: seq<0..3, 2> = []
action inc_a { require a < 3
  a = a + 1 }
action inc_b { require b < 3
  b = b + 1 }
action put(k: 0..2) { require m[k] < 3
  m[k] = m[k] + 1 }
action push { require len(q) < 2
  q.push(a) }
invariant only_a: a <= 3
invariant through_an_index: m[b] < 3 or a >= 0
invariant over_seq: forall i in 0..1: i < len(q) => q[i] <= 3
"""


def test_read_sets_follow_indices_and_quantifiers():
    spec = load_text(READS, "reads.spec", {})
    got = {inv.name: read_vars(inv.expr) for inv in spec.invariants}
    assert got == {"only_a": frozenset({"a"}), "through_an_index": frozenset({"m", "b", "a"}),
                   "over_seq": frozenset({"q"})}
    lay = Layout(spec)
    f = {fl.name: fl for fl in lay.fields}
    assert read_mask(lay, spec.invariants[1].expr) == \
        (f["m"].mask << f["m"].offset) | (f["b"].mask << f["b"].offset) \
        | (f["a"].mask << f["a"].offset)


def test_an_unknown_node_makes_the_read_set_unknown():
    class Odd:                       # not an IR expression: ir.children raises TypeError
        pass
    assert read_vars(ir.Unary("not", Odd(), ir.BoolT())) is None


def test_a_violation_among_unrelated_steps_is_found_with_its_shortest_trace(monkeypatch):
    """b < 2 breaks after two inc_b steps; the other actions never write b,
    so their successors skip that check, and the shortest trace is kept"""
    guard_all(monkeypatch)
    text = READS.replace("invariant only_a", "invariant b_small: b < 2\ninvariant only_a")
    on = checker.check(text, invariant_skipping=True)
    off = checker.check(text, invariant_skipping=False)
    assert outcome(on) == outcome(off)
    (p,) = [p for p in on.properties if p.name == "b_small"]
    assert p.verdict.value == "violated"
    assert [st.action for st in p.trace.steps] == [None, "inc_b", "inc_b"]
    assert on.stats.extra[SKIPPED] > 0


def test_the_cost_model_guards_quantifiers_and_large_expressions_only():
    spec = load_text(READS, "reads.spec", {})
    got = {inv.name: readsets.worth_guarding(inv.expr) for inv in spec.invariants}
    assert got == {"only_a": False, "through_an_index": False, "over_seq": True}


# ---------------------------------------------------------------- random specs

from hypothesis import HealthCheck, given, settings  # noqa: E402
from strategies import specs  # noqa: E402


@settings(max_examples=80, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs())
def test_skipping_changes_nothing_on_random_specs(text):
    with pytest.MonkeyPatch.context() as mp:
        guard_all(mp)
        on = checker.check(text, max_states=20_000, invariant_skipping=True)
    off = checker.check(text, max_states=20_000, invariant_skipping=False)
    assert outcome(on) == outcome(off), text
