"""Generated specs with records, tuples, defs, comprehensions and `choose`
(specgen.gen_spec(records=True)), with ordinary and with hostile names
(Python keywords, the engine's own identifiers, as record fields too): they
load, and the explicit engine agrees with the reference interpreter."""
from __future__ import annotations

import pytest

import checker
from checker import interp
from specgen import RandSrc, gen_spec, hostile_names, render


def _agree(text: str):
    spec = checker.load(text)
    r = checker.check(text, max_states=3000)
    if not r.exhaustive:
        return None
    ref = interp.explore(spec)
    assert len(ref.states) == r.stats.states, text
    assert ref.transitions - len(ref.errors) == r.stats.transitions, text
    return r.stats.states


@pytest.mark.parametrize("seed", range(12))
def test_record_specs_agree_with_the_interpreter(seed):
    template = gen_spec(RandSrc(seed), records=True)
    a = _agree(render(template))
    b = _agree(render(template, hostile_names(template, RandSrc(seed))))
    assert a == b  # names never change the state space
