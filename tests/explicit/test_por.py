"""Partial-order reduction (``--por``, checker/explicit/vector/por.py)
against the unreduced search: the same verdict for every invariant,
reachability goal, typeok and deadlock, on every catalog spec and on random
process specs; every counterexample of the reduced search replays in the
reference interpreter and ends in the violation; the reduced search never
stores more states.  A reduced search that misses a violation the full one
finds fails here."""
from __future__ import annotations

import os
import random
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "catalog"))
sys.path.insert(0, HERE)

from catalog import CATALOG, ROOT, Entry  # noqa: E402
from crosscheck import genuine_violation  # noqa: E402
from por_specs import gen_process_spec  # noqa: E402

from checker import engines  # noqa: E402
from checker.lang import load_text  # noqa: E402
from checker.options import Options  # noqa: E402
from checker.results import PROPERTY  # noqa: E402


def _safety(spec) -> tuple[str, ...]:
    return tuple([i.name for i in spec.invariants] + [g.name for g in getattr(spec, "reachables", ())]
                 + ["typeok", "deadlock"])


def compare(spec) -> tuple[int, int, int]:
    """(full states, reduced states, states expanded with an ample set)"""
    props = _safety(spec)
    run = engines.get("explicit")
    full = run(spec, Options(properties=props, store="compact"))
    red = run(spec, Options(properties=props, por=True, symmetry=False))
    verdicts = {p.name: p.verdict for p in full.properties}
    for p in red.properties:
        assert p.verdict == verdicts[p.name], (p.name, p.verdict, verdicts[p.name])
        if p.trace is not None:
            assert genuine_violation(spec, p, p.trace), p.name
    assert red.exhaustive == full.exhaustive
    assert red.stats.states <= full.stats.states
    return full.stats.states, red.stats.states, red.stats.extra["por_reduced_states"]


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_por_keeps_every_verdict_of_the_catalog(entry: Entry):
    with open(entry.abspath, encoding="utf-8") as f:
        spec = load_text(f.read(), entry.path, dict(entry.consts))
    compare(spec)


def test_por_keeps_every_verdict_on_random_process_specs():
    """120 random process specs (tests/explicit/por_specs.py), seeded: the
    verdicts of the reduced and the full search are equal on each, and the
    reduction does apply to many of them."""
    reduced = 0
    for seed in range(120):
        text = gen_process_spec(random.Random(seed))
        spec = load_text(text, f"rnd{seed}.spec")
        try:
            full, red, ample = compare(spec)
        except AssertionError as e:
            raise AssertionError(f"seed {seed}: {e}\n--- spec ---\n{text}") from None
        reduced += red < full
    assert reduced >= 25, reduced


def test_por_on_the_pipeline_family():
    """bench/pipeline_n.spec: the workers' local steps are ample (pinned counts)."""
    with open(os.path.join(ROOT, "bench", "pipeline_n.spec"), encoding="utf-8") as f:
        spec = load_text(f.read(), "pipeline_n.spec", {"N": 3, "K": 2, "M": 4})
    full, red, ample = compare(spec)
    assert (full, red) == (FULL_PIPELINE, RED_PIPELINE)
    assert ample > 0


def test_por_refuses_temporal_properties_and_symmetry():
    import checker
    from checker.run import InputError

    text = ("spec t\nvar x: 0..2 = 0\nfair action inc { require x < 2\n x = x + 1 }\n"
            "property done: eventually x == 2\n")
    with pytest.raises(InputError, match="temporal properties"):
        checker.check(text, por=True)
    r = checker.check(text, por=True, properties=("typeok",))
    assert r.stats.states == 3
    sym = ROOT + "/bench/breaker_n_sym.spec"
    with pytest.raises(InputError, match="add --no-symmetry"):
        checker.check(sym, {"N": 2}, por=True)
    assert checker.check(sym, {"N": 2}, por=True, symmetry=False).stats.states == \
        checker.check(sym, {"N": 2}, symmetry=False).stats.states     # no process: nothing to reduce


FULL_PIPELINE, RED_PIPELINE = 640, 310
