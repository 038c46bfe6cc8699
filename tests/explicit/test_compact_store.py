"""The compact state store (Options.store = "compact") and worker processes
(Options.workers) against the reference dict store, which is the oracle:
the same distinct states, transitions, depth, verdicts and shortest trace
lengths on every catalog spec and on the bench families at small sizes; the
compact store's traces replay against the spec."""
import json
import os

import pytest

import checker
from checker import engines
from checker.cli import main
from checker.lang import load_text
from checker.options import Options
from checker.replay import read_trace, replay
from checker.report.itf import trace_to_itf

from catalog import CATALOG, ROOT  # noqa: E402

BENCH = os.path.join(ROOT, "bench")


def _load(entry):
    with open(entry.abspath, encoding="utf-8") as f:
        return load_text(f.read(), entry.path, dict(entry.consts))


def _safety_names(spec) -> tuple:
    """every property the compact store checks itself (temporal ones fall
    back to the reference store)"""
    return (tuple(i.name for i in spec.invariants)
            + tuple(g.name for g in getattr(spec, "reachables", ())) + ("typeok", "deadlock"))


def _run(spec, **kw):
    return engines.get("explicit")(spec, Options(**kw))


def _summary(r):
    return {p.name: (p.verdict.value, None if p.trace is None else len(p.trace))
            for p in r.properties}


def _assert_same(ref, got):
    assert _summary(got) == _summary(ref)
    assert got.exhaustive == ref.exhaustive
    if ref.exhaustive:
        assert (got.stats.states, got.stats.transitions, got.stats.depth) == \
            (ref.stats.states, ref.stats.transitions, ref.stats.depth)


def _assert_traces_replay(spec, r):
    for p in r.properties:
        if p.trace is None or p.trace.loop_start is not None:
            continue
        doc = json.loads(json.dumps(trace_to_itf(p.trace, spec, p, engine="explicit")))
        if p.kind == "typeok":      # its last state holds a value outside its type
            doc["states"] = doc["states"][:-1]
        rep = replay(spec, read_trace(json.dumps(doc), spec, p.name), check_invariants=False)
        assert rep.ok, f"{p.name}: {rep.problem}"


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_compact_store_matches_dict_store_on_the_catalog(entry):
    spec = _load(entry)
    props = _safety_names(spec)
    ref = _run(spec, properties=props)
    got = _run(spec, properties=props, store="compact")
    _assert_same(ref, got)
    assert got.notes[0].startswith("exact, full states stored: compact store")
    if got.exhaustive:
        assert got.stats.states == entry.states
    _assert_traces_replay(spec, got)


@pytest.mark.parametrize("entry", [e for e in CATALOG if e.states > 500][:4],
                         ids=lambda e: e.name)
def test_two_workers_match_one(entry):
    spec = _load(entry)
    props = _safety_names(spec)
    one = _run(spec, properties=props, store="compact")
    two = _run(spec, properties=props, store="compact", workers=2)
    _assert_same(one, two)
    # applied in chunk order, the first violation is the same state: the same trace
    for a, b in zip(one.properties, two.properties):
        assert (a.trace is None) == (b.trace is None)
        if a.trace is not None:
            assert [s.state for s in a.trace.steps] == [s.state for s in b.trace.steps]
            assert a.detail == b.detail


BENCH_SIZES = [("breaker_n", {"N": n}) for n in (2, 3, 4)] + \
    [("config_n", {"W": w, "K": k, "C": 2, "V": 3}) for w, k in ((1, 1), (2, 1), (2, 2))] + \
    [("balancer_n", {"N": n, "M": m}) for n, m in ((3, 2), (4, 2))]


@pytest.mark.parametrize("family, consts", BENCH_SIZES,
                         ids=[f"{f}-{'-'.join(f'{k}{v}' for k, v in c.items())}"
                              for f, c in BENCH_SIZES])
def test_bench_families_all_stores(family, consts):
    path = os.path.join(BENCH, f"{family}.spec")
    kw = dict(consts=consts, check_deadlock=False)
    ref = checker.check(path, **kw)
    assert ref.exhaustive
    for store_kw in (dict(store="compact"), dict(store="compact", workers=2)):
        _assert_same(ref, checker.check(path, **kw, **store_kw))


def _breaker(**kw):
    return checker.check(os.path.join(BENCH, "breaker_n.spec"), consts={"N": 3},
                         check_deadlock=False, **kw)


def test_max_depth_stops_at_the_same_level():
    for d in (1, 4, 7):
        ref, got = _breaker(max_depth=d), _breaker(max_depth=d, store="compact")
        assert not got.exhaustive
        assert (got.stats.states, got.stats.transitions, got.stats.depth) == \
            (ref.stats.states, ref.stats.transitions, ref.stats.depth)
        assert _summary(got) == _summary(ref)


def test_max_states_stores_exactly_that_many():
    full = _breaker(store="compact").stats.states
    r = _breaker(max_states=100, store="compact")
    assert r.stats.states == 100 < full
    assert not r.exhaustive
    assert {p.verdict.value for p in r.properties} == {"unknown"}
    assert any("--max-states 100" in n for n in r.notes)


WIDE = """
spec wide
var xs: map<1..9, 0..255> = [i in 1..9 -> 0]
action bump(i: 1..9) {
  require xs[i] == 0
  xs[i] = 200
}
invariant not_all: exists i in 1..9: xs[i] == 0
"""


def test_states_wider_than_64_bits_are_stored_whole():
    spec = load_text(WIDE, "wide.spec", {})
    ref, got = _run(spec), _run(spec, store="compact")
    assert any("72 bits per state" in n for n in got.notes)
    assert "9 bytes + 1 depth byte per state" in got.notes[0]
    _assert_same(ref, got)
    inv = next(p for p in got.properties if p.name == "not_all")
    assert inv.verdict.value == "violated" and len(inv.trace) == 9
    _assert_traces_replay(spec, got)


def test_deadlock_and_typeok_traces(tmp_path):
    src = """
spec small
var x: 0..3 = 0
action up { require x < 5
  x = x + 1 }
"""
    spec = load_text(src, "small.spec", {})
    ref, got = _run(spec), _run(spec, store="compact")
    _assert_same(ref, got)
    t = next(p for p in got.properties if p.name == "typeok")
    assert t.verdict.value == "violated" and len(t.trace) == 4
    # the error raised in a worker process is reported as in this one
    two = _run(spec, store="compact", workers=2)
    t2 = next(p for p in two.properties if p.name == "typeok")
    ref_t = next(p for p in ref.properties if p.name == "typeok")
    assert t2.detail == t.detail == ref_t.detail
    assert [s.state for s in t2.trace.steps] == [s.state for s in t.trace.steps]


def test_temporal_properties_use_the_reference_store():
    entry = next(e for e in CATALOG if e.path == "spec/breaker.spec")
    spec = _load(entry)
    ref, got = _run(spec), _run(spec, store="compact")
    assert _summary(got) == _summary(ref)
    assert any("temporal properties are checked on the reference dict store" in n
               for n in got.notes)


@pytest.mark.parametrize("args, message", [
    (["--store", "compact", "--checkpoint", "CK"], "not supported with --store compact"),
    (["--workers", "2"], "needs --store compact"),
    (["--workers", "0", "--store", "compact"], "must be at least 1"),
])
def test_impossible_combinations_exit_2(args, message, tmp_path, capsys):
    args = [a.replace("CK", str(tmp_path)) for a in args]
    rc = main([os.path.join(BENCH, "breaker_n.spec"), "--const", "N=2", *args])
    assert rc == 2
    assert message in capsys.readouterr().err


def test_cli_compact_store_and_workers(capsys):
    rc = main([os.path.join(BENCH, "breaker_n.spec"), "--const", "N=3", "--no-deadlock",
               "--store", "compact", "--workers", "2"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "compact store" in out and "2 worker processes" in out


def test_max_memory_stops_the_compact_search():
    r = _breaker(max_memory_mb=1, store="compact")
    assert not r.exhaustive
    assert any("memory limit reached (--max-memory 1 MB)" in n for n in r.notes)
    assert {p.verdict.value for p in r.properties} == {"unknown"}


def test_timeout_and_interrupt_stop_the_compact_search():
    r = _breaker(should_stop=lambda: True, store="compact", workers=2)
    assert not r.exhaustive and any("interrupted" in n for n in r.notes)
    assert r.stats.states >= 1


def test_levels_store_depths_past_255_and_split_blocks():
    import numpy as np

    from checker.explicit.levels import Codec, Levels

    lv = Levels(Codec(40))
    lv.BLOCK = 4                      # tiny blocks: inserts split them
    for d in range(300):
        lv.add(np.sort(np.array([d * 7 + 1, d * 7 + 3], dtype=np.uint64) * 1000 % 2099))
    assert len(lv) == 600 and len(lv.keys) > 10
    assert all(len(k) <= 8 for k in lv.keys)
    for d in (0, 1, 255, 256, 299):
        for s in lv.level(d).tolist():
            assert lv.depth_of(s) == d
    assert lv.depth_of(2100) is None
    cand = np.array(sorted({x for d in range(300) for x in lv.level(d).tolist()} | {2100, 2101}),
                    dtype=np.uint64)
    assert lv.new_states(cand).tolist() == [2100, 2101]


def test_next_level_flushed_mid_level(monkeypatch):
    """tiny buffers: a level's new states go into the store chunk by chunk"""
    from checker.explicit import compact

    monkeypatch.setattr(compact, "SMALL_MAX", 8)
    monkeypatch.setattr(compact, "PENDING_MAX", 16)
    monkeypatch.setattr(compact, "CHUNK", 16)
    for family, consts in (("breaker_n", {"N": 4}), ("balancer_n", {"N": 3, "M": 2})):
        path = os.path.join(BENCH, f"{family}.spec")
        ref = checker.check(path, consts=consts, check_deadlock=False)
        _assert_same(ref, checker.check(path, consts=consts, check_deadlock=False, store="compact"))
    r = _breaker(max_states=100, store="compact")
    assert r.stats.states == 100
    entry = next(e for e in CATALOG if e.path == "spec/breaker.spec")
    spec = _load(entry)
    props = _safety_names(spec)
    _assert_same(_run(spec, properties=props), _run(spec, properties=props, store="compact"))
