"""The vector back end (checker/explicit/vector/) against the scalar one on
every catalog spec: the same distinct states, transitions, depth and
verdicts as the reference dict store, and exactly the compact store's
counterexamples (both rebuild traces from the levels; the vector back end
hands every chunk with a violation to the same scalar level function)."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "catalog"))

from catalog import CATALOG, Entry  # noqa: E402

from checker import engines  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402
from checker.results import PROPERTY  # noqa: E402


def _load(e: Entry):
    with open(e.abspath, encoding="utf-8") as f:
        return load_text(f.read(), e.path, dict(e.consts))


def _safety_names(spec) -> tuple[str, ...]:
    """every property but the temporal ones (those run on the dict store
    whatever the back end), so that the vector search really runs"""
    names = [i.name for i in spec.invariants] + [g.name for g in getattr(spec, "reachables", ())]
    return tuple(names) + ("typeok", "deadlock")


def summary(r):
    return ((r.stats.states, r.stats.transitions, r.stats.depth, r.exhaustive),
            {p.name: (p.verdict, len(p.trace) if p.trace is not None else None)
             for p in r.properties if p.kind != PROPERTY})


def traces(r):
    return {p.name: [tuple(sorted(st.state.items())) for st in p.trace.steps] if p.trace else None
            for p in r.properties}


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_vector_backend_matches_the_scalar_engine_on_the_catalog(entry: Entry):
    spec = _load(entry)
    props = _safety_names(spec)
    run = engines.get("explicit")
    ref = run(spec, Options(properties=props))
    compact = run(spec, Options(properties=props, store="compact"))
    vec = run(spec, Options(properties=props, backend="vector"))
    assert summary(vec)[1] == summary(ref)[1]
    if ref.exhaustive:
        assert summary(vec) == summary(ref)
        assert vec.stats.states == entry.states
    assert traces(vec) == traces(compact)
    assert vec.stats.extra.get("backend") == "vector" or spec.symmetric
