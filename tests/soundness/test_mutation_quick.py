"""Quick tier of bench/mutation.py: 30 seeded mutants of two small specs.

Deterministic (fixed seed, fixed sample); the figures are pinned so that a
change in what the explicit engine reports on any mutant shows up here.  The
full run over every spec is `python bench/mutation.py` (bench/results/mutation.md).
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECS = os.path.join(ROOT, "tests", "soundness", "specs")


def _load_mutation():
    spec = importlib.util.spec_from_file_location("bench_mutation", os.path.join(ROOT, "bench", "mutation.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


mutation = _load_mutation()


@pytest.fixture(scope="module")
def results():
    out = {}
    for name in ("diehard.spec", "peterson.spec"):
        out[name] = mutation.mutate_spec(os.path.join(SPECS, name), per_spec=15, seed=1,
                                         max_states=20_000, timeout=30.0, cross=True, cross_max_len=10)
    return out


def test_sites_are_found():
    text = open(os.path.join(SPECS, "peterson.spec")).read()
    sites = mutation.Sites(text).all()
    ops = {m.op for m in sites}
    assert {"cmp", "require", "literal", "logic", "delete"} <= ops
    # the angle brackets of `map<P, bool>` are not comparisons
    assert not any(m.op == "cmp" and m.line == 12 for m in sites)
    # nothing inside a comment is mutated
    assert all(not text.splitlines()[m.line - 1].lstrip().startswith("//") for m in sites)


def test_either_branch_drop():
    text = "spec t\nvar x: 0..2 = 0\naction a {\n  either { x = 1 } or { x = 2 }\n}\n"
    ms = [m for m in mutation.Sites(text).all() if m.op == "either"]
    assert [m.apply(text).splitlines()[3].strip() for m in ms] == ["if true { x = 2 }", "if true { x = 1 }"]


def test_sample_is_deterministic():
    text = open(os.path.join(SPECS, "diehard.spec")).read()
    sites = mutation.Sites(text).all()
    a = mutation.choose(sites, 15, 1, "x")
    b = mutation.choose(sites, 15, 1, "x")
    assert a == b and len(a) == 15


def test_quick_tier_figures(results):
    figures = {name: {k: v for k, v in mutation.summarize(res).items()
                      if k in ("mutants", "caught", "survived", "load_failure", "too_big", "crash",
                               "equivalent_suspects", "disagreements")}
               for name, res in results.items()}
    assert figures == {
        "diehard.spec": dict(mutants=15, caught=3, survived=12, load_failure=0, too_big=0, crash=0,
                             equivalent_suspects=7, disagreements=0),
        "peterson.spec": dict(mutants=15, caught=9, survived=6, load_failure=0, too_big=0, crash=0,
                              equivalent_suspects=5, disagreements=0),
    }


def test_no_checker_disagreement(results):
    """Every violation the explicit engine finds on a mutant, bmc finds at
    exactly the same length (and not one step earlier)."""
    for res in results.values():
        for o in res["outcomes"]:
            assert not o.disagreements, (o.mutant, o.disagreements)
            assert o.status != "crash", (o.mutant, o.detail)
    assert sum(o.crosschecks for res in results.values() for o in res["outcomes"]) > 0


def test_seeded_mutex_bugs_are_caught(results):
    """Peterson without `turn = 1 - self`, or with the await negated, loses
    mutual exclusion: the checker must say so."""
    outs = {o.mutant.desc: o for o in results["peterson.spec"]["outcomes"]}
    assert "mutex" in outs["deleted `turn = 1 - self`"].changed
    assert "mutex" in outs["`await not flag[1 - self] or turn == self` negated"].changed
