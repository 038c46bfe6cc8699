"""Generated modules and a spec composing them (modgen.gen_composition:
aliased imports, constants instantiated or renamed, the same file twice,
instance families, parts' actions called from the whole) against the same
spec flattened by hand: the explicit engine finds the same states,
transitions, depth, verdicts and shortest trace lengths, and the reference
interpreter the same states.  A few seeds in the default tier, more under
``-m slow``."""
from __future__ import annotations

import pytest

import checker
from checker import interp
from modgen import gen_composition
from specgen import RandSrc


def _summary(r, names=None) -> tuple:
    props = {(names or {}).get(p.name, p.name): (p.verdict.value, len(p.trace) if p.trace else None)
             for p in r.properties}
    return (r.stats.states, r.stats.transitions, r.stats.depth), props


def _agree(seed: int, tmp_path) -> int:
    comp = gen_composition(RandSrc(seed))
    for name, text in comp.files().items():
        (tmp_path / name).write_text(text)
    main = str(tmp_path / "main.spec")
    composed = checker.check(main, max_states=20000)
    flat_text = comp.flattened()
    flat = checker.check(flat_text, max_states=20000)
    context = "\n".join(f"--- {n}\n{t}" for n, t in comp.files().items()) + "--- flattened\n" + flat_text
    assert composed.exhaustive == flat.exhaustive, context
    if not composed.exhaustive:
        return 0
    assert _summary(composed, comp.property_names()) == _summary(flat), context
    assert len(interp.explore(checker.load(main)).states) == composed.stats.states, context
    return composed.stats.states


@pytest.mark.parametrize("seed", range(5))
def test_composed_spec_agrees_with_its_flattening(seed, tmp_path):
    assert _agree(seed, tmp_path) > 0


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5, 80))
def test_composed_spec_agrees_with_its_flattening_many(seed, tmp_path):
    _agree(seed, tmp_path)


def test_the_generator_covers_every_kind_of_import():
    """Not vacuous: over the default seeds, families, single instances, a
    file imported twice, instantiated and renamed constants and calls into
    parts all occur."""
    seen = set()
    for seed in range(5):
        comp = gen_composition(RandSrc(seed))
        for imp in comp.imports:
            seen.add("family" if imp.family else "single")
            seen.update("renamed" if v == "TOP" else "instantiated" for v in imp.given.values())
        if len({id(i.module) for i in comp.imports}) < len(comp.imports):
            seen.add("twice")
        if comp.calls:
            seen.add("call")
    assert seen == {"family", "single", "renamed", "instantiated", "twice", "call"}
