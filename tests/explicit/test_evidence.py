"""Typed evidence (checker/evidence.py) on every result of the explicit
engines: the search's counts, whether every reachable state was visited,
why it stopped, whether a trace is shortest, the store; the simulation's
seed and walks; the refinement check's own search."""
from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker import evidence, lang
from checker.explicit.engine import check
from checker.options import Options
from checker.results import Verdict

ROOT = Path(__file__).resolve().parents[2]
BREAKER = ROOT / "spec" / "breaker.spec"
TICKET = ROOT / "tests" / "explicit" / "specs" / "ticket_sym.spec"
PETERSON = ROOT / "examples" / "tlaplus" / "peterson.spec"

COUNTER = """spec counter
var x: 0..5 = 0
action inc { require x < 5; x = x + 1 }
action reset { require x == 5; x = 0 }
invariant small: x <= 3
invariant bounded: x <= 5
reachable four: x == 4
"""

SPIN = """spec spin
var x: 0..1 = 0
var done: bool = false
action spin { x = 1 - x }
action finish { require not done; done = true }
property ev: eventually done
property safe: always x <= 1
"""


def _run(text: str, **kw):
    return check(lang.load_text(text, "t.spec"), Options(**kw))


def test_an_exhaustive_search_says_complete_with_its_counts():
    r = _run(COUNTER)
    assert r.exhaustive and r.stats.states == 6 and r.stats.depth == 5
    for p in r.properties:
        assert p.evidence == evidence.Search(engine="explicit", states=6, depth=5, complete=True,
                                             stopped_by=None, shortest=True, store="dict"), p.name
    assert r.get("small").verdict is Verdict.VIOLATED and len(r.get("small").trace) == 4
    assert r.get("four").verdict is Verdict.HOLDS and r.get("four").trace.kind == "witness"


@pytest.mark.parametrize("kw,store", [({"store": "compact"}, "compact"),
                                      ({"store": "compact", "workers": 2}, "workers"),
                                      ({"backend": "vector"}, "vector")])
def test_the_store_is_named(kw, store):
    r = _run(COUNTER, **kw)
    ev = r.get("bounded").evidence
    assert (ev.store, ev.complete, ev.states, ev.depth) == (store, True, 6, 5)


@pytest.mark.parametrize("kw,reason", [({"max_states": 3}, evidence.MAX_STATES),
                                       ({"max_depth": 2}, evidence.MAX_DEPTH)])
def test_a_stopped_search_says_why(kw, reason):
    r = _run(COUNTER, **kw)
    ev = r.get("bounded").evidence
    assert r.get("bounded").verdict is Verdict.UNKNOWN
    assert not ev.complete and ev.stopped_by == reason
    assert (ev.states, ev.depth) == (r.stats.states, r.stats.depth)


def test_every_property_decided_stops_the_search_early():
    r = _run(COUNTER, properties=["small"])
    p = r.get("small")
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 4
    assert p.evidence.stopped_by == evidence.ALL_DECIDED and not p.evidence.complete
    assert p.evidence.shortest


def test_a_lasso_is_not_claimed_shortest():
    r = _run(SPIN)
    ev_ = r.get("ev")
    assert ev_.verdict is Verdict.VIOLATED and ev_.trace.loop_start is not None
    assert ev_.evidence.complete and ev_.evidence.shortest is False
    assert r.get("safe").evidence.shortest is True and r.get("safe").evidence.complete


def test_a_compile_timeout_is_a_stopped_search_of_nothing():
    from checker.explicit.engine import _compile_timeout
    spec = lang.load_text(COUNTER, "t.spec")
    r = _compile_timeout(spec, Options(timeout=1.0), 1.0)
    assert all(p.evidence == evidence.Search(engine="explicit", states=0, depth=0, complete=False,
                                             stopped_by="timeout", store="dict") for p in r.properties)


def test_simulation_evidence_has_the_seed_and_the_walks():
    r = checker.check(TICKET, simulate=True, seed=1, walks=50, walk_depth=20, shrink=False)
    for p in r.properties:
        assert p.evidence == evidence.Simulation(seed=1, walks=50, longest=r.stats.depth,
                                                 stopped_by=evidence.WALKS), p.name


def test_a_simulation_that_decides_everything_says_so():
    r = checker.check(TICKET, simulate=True, seed=1, walks=50, walk_depth=20, shrink=False,
                      properties=["at_most_one_critical"])
    ev = r.get("at_most_one_critical").evidence
    assert ev.stopped_by == evidence.ALL_DECIDED and ev.walks < 50


def test_swarm_evidence_is_a_simulation():
    r = checker.check(BREAKER, simulate=True, swarm=2, seed=3, walks=5, walk_depth=10)
    evs = {p.evidence for p in r.properties}
    assert len(evs) == 1
    [ev] = evs
    assert isinstance(ev, evidence.Simulation) and ev.seed == 3
    assert ev.walks == r.stats.extra["swarm"]["walks"]


def test_refinement_evidence():
    r = checker.check(PETERSON)
    p = r.get("refines Lock")
    assert p.verdict is Verdict.HOLDS
    assert p.evidence == evidence.Search(engine="refinement", states=42, depth=p.depth, complete=True)


def test_a_refinement_violation_ends_its_search(tmp_path):
    text = PETERSON.read_text().replace('"lock.spec"', f'"{PETERSON.parent / "lock.spec"}"')
    old = "lock = if exists p in Proc: pc[p] == Label.cs or pc[p] == a4 then 0 else 1"
    assert old in text
    path = tmp_path / "p.spec"
    path.write_text(text.replace(old, "lock = 1"))
    p = checker.check(path).get("refines Lock")
    assert p.verdict is Verdict.VIOLATED
    assert not p.evidence.complete and p.evidence.stopped_by == evidence.ALL_DECIDED
    assert p.evidence.engine == "refinement" and p.evidence.depth == len(p.trace) == 4
    bounded = checker.check(PETERSON, max_states=10).get("refines Lock")
    assert bounded.verdict is Verdict.UNKNOWN
    assert bounded.evidence.stopped_by == evidence.MAX_STATES and bounded.evidence.states == 10


def test_abstract_properties_and_the_unchecked_abstract_fairness(tmp_path):
    (tmp_path / "a.spec").write_text("spec clock\nvar hr: 1..3 in 1..3\nfair action tick { hr = hr % 3 + 1 }\n"
                                     "property turns: always eventually hr == 1\n")
    (tmp_path / "c.spec").write_text("spec c\nvar h: 0..2 in 0..2\nfair action tick { h = (h + 1) % 3 }\n"
                                     'refines Clock from "a.spec" with { hr = h + 1 }\n')
    r = checker.check(tmp_path / "c.spec")
    turns = r.get("refines Clock: turns")
    assert turns.verdict is Verdict.HOLDS
    assert turns.evidence == evidence.Search(engine="refinement", states=3, depth=r.stats.depth, complete=True)
    live = r.get("refines Clock (liveness)")
    assert live.verdict is Verdict.UNKNOWN
    assert live.evidence.reason == evidence.NOT_IMPLEMENTED and live.evidence.engine == "refinement"
    (tmp_path / "c.spec").write_text("spec c\nvar h: 0..2 in 0..2\naction tick { h = (h + 1) % 3 }\n"
                                     'refines Clock from "a.spec" with { hr = h + 1 }\n')
    r = checker.check(tmp_path / "c.spec", semantics="tla")
    lasso = r.get("refines Clock: turns")
    assert lasso.verdict is Verdict.VIOLATED and lasso.evidence.shortest is False
