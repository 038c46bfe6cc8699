"""Every engine against the catalog, and the engines against each other.

Each (spec, engine) pair runs once (cached); the test items then compare
verdicts, counterexample lengths, k, final steps and state counts.  The Z3
engines' runs (each in a fresh process) are the slow tier (``pytest -m
slow``); the explicit engine's are in the default tier.  Runs of
engines listed in an entry's ``slow_engines`` are in the slow tier (``pytest -m slow``).
"""
from __future__ import annotations

import glob
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import pytest

from catalog import CATALOG, ENGINES, OWN_DIR, ROOT, SPEC_DIR, Entry
from crosscheck import not_shortest
from pins import problems as pin_problems
from checker import engines
from checker.lang import load_text
from checker.options import Options
from checker.results import PROPERTY, REACHABLE, Verdict

# a Z3 resource limit per query, not a clock: the verdicts must not depend on the machine's load
RLIMIT = 50_000_000

BOUNDED_KINDS_NEVER_HOLD = ("invariant", "typeok", "deadlock", PROPERTY)


def test_every_spec_file_has_a_catalog_entry():
    listed = {os.path.normpath(e.abspath) for e in CATALOG}
    files = glob.glob(os.path.join(SPEC_DIR, "*.spec")) + glob.glob(os.path.join(OWN_DIR, "*.spec"))
    missing = sorted(os.path.relpath(f, ROOT) for f in files if os.path.normpath(f) not in listed)
    assert not missing, f"spec files without an entry in tests/catalog/catalog.py: {missing}"
    gone = sorted(e.path for e in CATALOG if not os.path.exists(e.abspath))
    assert not gone, f"catalog entries whose file is gone: {gone}"


def load(e: Entry, generalize: bool):
    with open(e.abspath, encoding="utf-8") as f:
        text = f.read()
    return load_text(text, e.path, dict(e.consts), generalize=generalize)


@lru_cache(maxsize=None)
def run(path: str, engine: str):
    """One engine on one catalog entry.  The Z3 engines run in a fresh
    process: under a resource limit Z3's answers are deterministic for the
    same terms built in the same order, but not across a process's history
    (term ids from earlier runs steer its heuristics; PDR on
    peterson_unfair's ``live`` was unknown alone and violated after other
    specs).  A fresh process is what ``verify`` and ``verify docs`` give."""
    if engine == "explicit":
        return _run(path, engine)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_run, path, engine).result()


def _run(path: str, engine: str):
    e = next(x for x in CATALOG if x.path == path)
    spec = load(e, e.generalize and engine != "explicit")
    symbolic = engine != "explicit"
    opts = Options(depth=e.depth, max_k=e.max_k,
                   timeout=e.timeout if symbolic and e.rlimit is None else None,
                   solver_rlimit=e.rlimit if symbolic else None)
    return engines.get(engine)(spec, opts)


def _items():
    for e in CATALOG:
        for engine in ENGINES:
            # the Z3 engines run in fresh processes (see run): pins of the slow tier
            marks = [pytest.mark.slow] if engine in e.slow_engines or engine != "explicit" else []
            yield pytest.param(e, engine, id=f"{e.name}-{engine}", marks=marks)


@pytest.mark.parametrize("entry, engine", list(_items()))
def test_engine_matches_catalog(entry: Entry, engine: str):
    r = run(entry.path, engine)
    problems, unreported = pin_problems(entry, engine, r, load)
    assert not unreported, f"{engine} did not report {unreported}"
    assert not problems, "\n".join(problems)
    if engine == "explicit":
        assert r.stats.states == entry.states, f"explicit found {r.stats.states} states"
        assert r.exhaustive


@pytest.mark.slow  # every engine, the Z3 ones in fresh processes
@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in CATALOG])
def test_engines_agree(entry: Entry):
    """Rules that hold whatever the catalog says: a violation at depth d by
    explicit is found by bmc at depth d with the same final action (when
    bmc's depth reaches d); a kind/pdr proof means explicit finds nothing;
    bounded results never HOLD; kind/pdr violations come with bmc's length
    (pdr's from Spacer's own path: at least that length)."""
    res = {eng: run(entry.path, eng) for eng in ENGINES}
    problems = []
    same_consts = not entry.generalize
    for name in entry.props:
        per = {eng: r.get(name) for eng, r in res.items() if any(p.name == name for p in r.properties)}
        ex, b = per.get("explicit"), per.get("bmc")
        if b is not None and b.kind in BOUNDED_KINDS_NEVER_HOLD and b.verdict is Verdict.HOLDS:
            problems.append(f"{name}: bmc says HOLDS ({b.method})")
        for eng in ("kind", "pdr"):
            p = per.get(eng)
            if p is None or ex is None:
                continue
            proved = p.verdict is Verdict.HOLDS and p.kind != REACHABLE
            if proved and ex.verdict is Verdict.VIOLATED:
                problems.append(f"{name}: {eng} proved it, explicit refutes it")
            if p.kind == REACHABLE and p.verdict is Verdict.VIOLATED and ex.verdict is Verdict.HOLDS:
                problems.append(f"{name}: {eng} proved it unreachable, explicit has a witness")
            if (same_consts and p.verdict is Verdict.VIOLATED and ex.verdict is Verdict.VIOLATED
                    and p.trace is not None and ex.trace is not None
                    and (len(p.trace) < len(ex.trace) if not_shortest(p) else len(p.trace) != len(ex.trace))):
                problems.append(f"{name}: {eng} trace {len(p.trace)} steps, explicit {len(ex.trace)}")
        if ex is None or b is None or not same_consts:
            continue
        decisive = Verdict.HOLDS if ex.kind == REACHABLE else Verdict.VIOLATED
        if ex.verdict is decisive and ex.trace is not None and ex.trace.loop_start is None:
            d = len(ex.trace)
            # bmc may stop early when a query exhausts its resource limit: it
            # then says how deep it got ("no witness up to depth 4"), and
            # only a search that reached depth d must have found it
            gave_up = b.verdict is Verdict.UNKNOWN and b.depth is not None and b.depth < d
            if d <= entry.depth and not gave_up:
                if b.verdict is not decisive or b.trace is None:
                    problems.append(f"{name}: explicit found it at depth {d}, bmc says {b.verdict.value}")
                elif len(b.trace) != d:
                    problems.append(f"{name}: explicit depth {d}, bmc depth {len(b.trace)}")
                elif b.trace.steps[-1].label() != ex.trace.steps[-1].label():
                    problems.append(f"{name}: last step explicit {ex.trace.steps[-1].label()}, "
                                    f"bmc {b.trace.steps[-1].label()}")
        if b.verdict is Verdict.VIOLATED and ex.verdict is Verdict.HOLDS and ex.kind != REACHABLE:
            problems.append(f"{name}: bmc refutes it, explicit says it holds")
    assert not problems, "\n".join(problems)


def test_corrected_breaker_open_only_after_consecutive_failures_is_proved_for_every_constant():
    """With its four lemmas the property is inductive for every THRESHOLD >= 1
    and TIMEOUT >= 1 (the constants left symbolic), not just the defaults."""
    from checker.lang import load_file
    from checker.options import Options
    from checker.symbolic import induct
    from checker.results import Verdict
    spec = load_file(os.path.join(ROOT, "spec", "breaker_fixed.spec"), generalize=True)
    assert {c.name for c in spec.symbolic_consts} == {"THRESHOLD", "TIMEOUT"}
    names = ("open_only_after_consecutive_failures", "closed_failures_are_consecutive", "trial_permit_is_trial",
             "trial_permit_held_while_running", "one_trial_permit")
    r = induct.check(spec, names, Options(solver_rlimit=RLIMIT))
    assert [p.verdict for p in r.properties] == [Verdict.HOLDS]
    # without the lemmas it is not inductive: a counterexample to induction
    alone = induct.check(spec, names[:1], Options(solver_rlimit=RLIMIT))
    assert alone.properties[0].verdict is Verdict.UNKNOWN and alone.properties[0].trace.kind == "cti"


BREAKER_CONCURRENT_LEMMAS = ("lemma_state_lock_holder", "lemma_count_lock_holder", "lemma_one_guard_per_call",
                             "lemma_open_stops_trials", "lemma_below_threshold_when_admitting",
                             "lemma_pending_failures", "lemma_failures_bounded")


@pytest.mark.parametrize("consts", [{}, {"THRESHOLD": 2, "TIMEOUT": 1}, {"CALLERS": 1}, {"CALLERS": 3},
                                    {"THRESHOLD": 1, "TIMEOUT": 1}, {"THRESHOLD": 5, "TIMEOUT": 3}])
def test_concurrent_breaker_lock_lemmas_are_inductive(consts):
    """The lock-protocol lemmas of breaker_concurrent are inductive together
    (one step, plain induction), at every constant setting of the spec's
    results table; they hold in the explicit search too (catalog entry).
    Without the counting lemma the failure bound is not inductive: a
    counterexample to induction (a state the lemmas allow but that cannot be
    reached, with a caller about to count one failure too many)."""
    from checker.lang import load_file
    from checker.symbolic import induct
    spec = load_file(os.path.join(ROOT, "spec", "breaker_concurrent.spec"), consts=consts)
    r = induct.check(spec, BREAKER_CONCURRENT_LEMMAS, Options(solver_rlimit=RLIMIT))
    assert [p.verdict for p in r.properties] == [Verdict.HOLDS]
    names = tuple(n for n in BREAKER_CONCURRENT_LEMMAS if n != "lemma_pending_failures")
    weaker = induct.check(spec, names, Options(solver_rlimit=RLIMIT))
    assert weaker.properties[0].verdict is Verdict.UNKNOWN and weaker.properties[0].trace.kind == "cti"
