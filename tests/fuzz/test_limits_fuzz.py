"""Limit-and-signal scenarios (tests/fuzz/limits.py): a random spec, engine,
limit or signal.  The default tier runs a few and checks what does not depend
on the machine's speed: an exit code that fits, one JSON document valid
against the schema with that exit code, no traceback, the words that say why
the run stopped.  The slow tier (``-m slow``) runs more and also holds every
run to its time bound (T + 2 s for --timeout T, 2 s after a signal);
bench/limits_fuzz.py runs thousands and writes the figures."""
from __future__ import annotations

import pytest

import limits

DEFAULT_SEEDS = (0, 1, 2, 5, 7, 8, 9, 14, 29)     # every engine and every limit among them
SLOW_SEEDS = range(1000, 1060)


def _problems(seed: int, tmp_path, strict: bool) -> list[str]:
    o = limits.run(limits.scenario(seed), tmp_path)
    return [p for p in o.problems if strict or not p.startswith("ended ")]


@pytest.mark.parametrize("seed", DEFAULT_SEEDS)
def test_limit_or_signal_scenario(seed, tmp_path):
    assert _problems(seed, tmp_path, strict=False) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW_SEEDS)
def test_limit_or_signal_scenario_within_bound(seed, tmp_path):
    assert _problems(seed, tmp_path, strict=True) == []


def test_default_seeds_cover_every_engine_and_limit():
    chosen = [limits.scenario(s) for s in DEFAULT_SEEDS]
    assert {c.engine for c in chosen} == set(limits.ENGINES)
    assert {c.limit for c in chosen} == set(limits.LIMITS)
