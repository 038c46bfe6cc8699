"""Symmetry reduction (``symmetric type``): exact reduced state counts, the
same verdicts and shortest-trace lengths as the unreduced search, traces that
replay against the spec, and canonical forms that are orbit representatives."""
from itertools import permutations
from pathlib import Path

import pytest

import checker
from checker.explicit.compile import Program
from checker.explicit.symmetry import Canonicaliser, KeyedCanonicaliser
from checker.results import Verdict

from .replaying import assert_traces_replay

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "explicit" / "specs"
BREAKER_SYM = ROOT / "bench" / "breaker_n_sym.spec"
BREAKER = ROOT / "bench" / "breaker_n.spec"

# reduced (stored) states of bench/breaker_n_sym.spec, and the unreduced
# states of bench/breaker_n.spec, N = 2..6 (THRESHOLD = 3, TIMEOUT = 2)
BREAKER_COUNTS = {2: (33, 51), 3: (58, 165), 4: (90, 519), 5: (129, 1605), 6: (175, 4911),
                  10: (429, 410271)}


def _replays(spec, result):
    assert_traces_replay(spec, result)


def _verdicts(result):
    return {p.name: (p.verdict, len(p.trace) if p.trace is not None else None) for p in result.properties}


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_breaker_reduced_counts_and_orbit_sizes(n):
    reduced, full = BREAKER_COUNTS[n]
    r = checker.check(BREAKER_SYM, {"N": n}, check_deadlock=False)
    u = checker.check(BREAKER, {"N": n}, check_deadlock=False)
    assert r.stats.states == reduced and u.stats.states == full
    sym = r.stats.extra["symmetry"]
    assert sym["used"] and sym["types"] == ["Caller"] and sym["exact"]
    assert sym["orbits"] == reduced
    assert sym["unreduced_states"] == full            # orbit sizes add up to the unreduced space
    assert all(p.verdict is Verdict.HOLDS for p in r.properties)
    off = checker.check(BREAKER_SYM, {"N": n}, check_deadlock=False, symmetry=False)
    assert off.stats.states == full and off.stats.extra["symmetry"]["used"] is False


def test_breaker_ten_callers_reduced():
    # the unreduced count is the (SPIN and TLC agree on 410,271);
    # here it is the sum of the stored states' orbit sizes
    r = checker.check(BREAKER_SYM, check_deadlock=False)
    assert r.stats.states == 429
    assert r.stats.extra["symmetry"]["unreduced_states"] == 410271


@pytest.mark.parametrize("n", [2, 3, 4])
def test_processes_are_reduced_like_the_hand_written_maps(n):
    path = SPECS / "breaker_n_processes_sym.spec"
    r = checker.check(path, {"N": n})
    u = checker.check(path, {"N": n}, symmetry=False)
    assert r.stats.states == BREAKER_COUNTS[n][0]
    assert u.stats.states == BREAKER_COUNTS[n][1]
    assert r.stats.extra["symmetry"]["unreduced_states"] == u.stats.states
    assert _verdicts(r) == _verdicts(u)
    assert r.get("one_update_at_a_time").verdict is Verdict.VIOLATED
    _replays(checker.load(path, {"N": n}), r)


@pytest.mark.parametrize("name,n,stored,full", [
    ("ticket_sym.spec", 2, 32, 64), ("ticket_sym.spec", 3, 62, 330),
    ("waits_sym.spec", 2, 6, 9), ("waits_sym.spec", 3, 25, 125),
])
def test_generic_shapes_same_verdicts_and_replayable_traces(name, n, stored, full):
    path = SPECS / name
    r = checker.check(path, {"N": n})
    u = checker.check(path, {"N": n}, symmetry=False)
    assert (r.stats.states, u.stats.states) == (stored, full)
    assert _verdicts(r) == _verdicts(u)                 # same verdicts, same shortest lengths
    assert any(p.verdict is Verdict.VIOLATED for p in r.properties)
    spec = checker.load(path, {"N": n})
    _replays(spec, r)
    sym = r.stats.extra["symmetry"]
    assert sym["exact"] and sym["orbits"] == stored
    if sym["unreduced_states"] is not None:
        assert sym["unreduced_states"] == full


def _all_states(spec):
    """Every reachable packed state of the unreduced search."""
    from checker.explicit.search import bfs
    from checker.options import Options
    prog = Program(spec)
    return prog, bfs(prog, Options(check_deadlock=False), [], False, False).seen


@pytest.mark.parametrize("name,n", [("ticket_sym.spec", 3), ("waits_sym.spec", 3), ("waits_sym.spec", 4),
                                    ("ticket_sym.spec", 4),
                                    ("breaker_n_processes_sym.spec", 3)])
def test_canonical_forms_are_exact_orbit_representatives(name, n):
    spec = checker.load(SPECS / name, {"N": n})
    prog, seen = _all_states(spec)
    canon = (KeyedCanonicaliser if KeyedCanonicaliser.fits(spec, prog.layout) else Canonicaliser)(
        spec, prog.layout)
    generic = Canonicaliser(spec, prog.layout)
    name_t = spec.symmetric[0].symmetric
    perms = [dict({name_t: p}) for p in permutations(range(n))]
    orbit_min = {}
    for s in seen:
        images = {canon.apply(s, P) for P in perms}
        assert images <= set(seen)                      # the spec is symmetric: images are reachable
        c = canon.canon(s)
        assert c in images and canon.apply(s, canon.perm(s)) == c
        orbit_min.setdefault(min(images), set()).add(c)
        assert generic.canon(s) in images
        if canon.orbit_size(s) is not None:
            assert canon.orbit_size(s) == len(images)
    # exact: one canonical form per orbit
    assert all(len(cs) == 1 for cs in orbit_min.values())
    assert canon.exact


def test_temporal_properties_get_the_full_search(tmp_path):
    p = tmp_path / "t.spec"
    p.write_text(BREAKER_SYM.read_text().replace("const N: 2..10 = 10", "const N: 2..10 = 2")
                 + "\nproperty closes: always eventually phase == Closed\n")
    r = checker.check(p)
    assert r.stats.states == 51
    sym = r.stats.extra["symmetry"]
    assert sym["used"] is False and "temporal" in sym["reason"]
    only_invs = checker.check(p, properties=["open_means_tripped"])
    assert only_invs.stats.states == 33


def test_symbolic_engines_accept_and_ignore_the_declaration():
    r = checker.check(BREAKER_SYM, {"N": 2}, engine="bmc", depth=4, check_deadlock=False)
    assert all(p.verdict in (Verdict.UNKNOWN, Verdict.HOLDS) for p in r.properties)
    k = checker.check(SPECS / "ticket_sym.spec", {"N": 2}, engine="bmc", depth=4)
    assert k.get("at_most_one_critical").verdict is Verdict.VIOLATED
    assert len(k.get("at_most_one_critical").trace) == 4


@pytest.mark.parametrize("name", ["ticket_sym.spec", "waits_sym.spec"])
def test_cross_check_agrees_with_the_reduced_search(name):
    # explicit (reduced) against bmc, kind and pdr (which ignore the declaration):
    # same verdicts, same shortest lengths (merge() reports any difference)
    r = checker.check(SPECS / name, {"N": 2}, engine="all", depth=8, max_k=6)
    assert r.disagreements == []
    assert r.runs["explicit"].stats.extra["symmetry"]["used"]


MIXED = """spec mixed
symmetric type A = 1..3
symmetric type B = 1..2
var held: map<A, set<B>> = [a in A -> {}]
var busy: set<B> = {}
action grant(a: A, b: B) {
  require b not in busy
  held[a].add(b)
  busy.add(b)
}
action release(a: A, b: B) {
  require b in held[a]
  held[a].remove(b)
  busy.remove(b)
}
invariant one_each: forall a in A: size(held[a]) < 2
"""


def test_two_interacting_types_are_reduced_soundly_but_not_exactly(tmp_path):
    p = tmp_path / "mixed.spec"
    p.write_text(MIXED)
    r = checker.check(p)
    u = checker.check(p, symmetry=False)
    assert _verdicts(r) == _verdicts(u)
    assert r.get("one_each").verdict is Verdict.VIOLATED
    sym = r.stats.extra["symmetry"]
    assert sym["used"] and sym["types"] == ["A", "B"] and sym["exact"] is False
    assert sym["orbits"] is None and r.stats.states < u.stats.states
    assert any("at least one per orbit" in n for n in r.notes)
    _replays(checker.load(p), r)


@pytest.mark.parametrize("store,workers", [("compact", 1), ("compact", 2)])
@pytest.mark.parametrize("name,n", [("ticket_sym.spec", 3), ("waits_sym.spec", 3)])
def test_compact_store_reduces_like_the_dict_store(name, n, store, workers):
    """Symmetry with the numpy store (and forked workers): the same orbit
    representatives, verdicts and shortest lengths, orbit sizes summing to the
    unreduced count, and traces (rebuilt from re-expanded levels) that are
    real paths of the unreduced system."""
    path = SPECS / name
    d = checker.check(path, {"N": n})
    c = checker.check(path, {"N": n}, store=store, workers=workers)
    assert (c.stats.states, c.stats.transitions) == (d.stats.states, d.stats.transitions)
    assert _verdicts(c) == _verdicts(d)
    assert c.stats.extra["symmetry"]["unreduced_states"] == d.stats.extra["symmetry"]["unreduced_states"]
    _replays(checker.load(path, {"N": n}), c)


def test_compact_store_breaker_reduced_count():
    r = checker.check(BREAKER_SYM, {"N": 6}, store="compact")
    assert r.stats.states == BREAKER_COUNTS[6][0]
    assert r.stats.extra["symmetry"]["unreduced_states"] == BREAKER_COUNTS[6][1]
