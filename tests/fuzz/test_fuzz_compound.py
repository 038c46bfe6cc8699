"""Generated specs with compound values (specgen.gen_spec(compound=True):
sets of sets, records and tuples holding sets, sets of them, maps to
sequences of tuples of sets, comprehensions, `choose`, set and `r in S`
parameters), checked by every engine (harness.engines_disagree): the
explicit engine's two stores, the reference interpreter and the enum engine
in the default tier; bmc, kind and pdr as well under -m slow."""
from __future__ import annotations

import pytest

from harness import engines_disagree
from specgen import RandSrc, gen_spec, hostile_names, render

# drawn so that the explicit search is exhaustive within 3,000 states (a
# spec that is not is skipped by engines_disagree, which would test nothing)
QUICK = (1, 10, 15)  # among them: a set of sequences, `with`, `choose`
SLOW = (0, 1, 2, 3, 5, 10, 12, 13, 15)


@pytest.mark.parametrize("seed", QUICK)
def test_compound_specs_agree_across_engines(seed):
    template = gen_spec(RandSrc(seed), compound=True)
    for text in (render(template), render(template, hostile_names(template, RandSrc(seed)))):
        problems = engines_disagree(text)
        assert problems is not None, "not exhaustive: pick another seed\n" + text
        assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_compound_specs_agree_with_the_symbolic_engines(seed):
    text = render(gen_spec(RandSrc(seed), compound=True))
    problems = engines_disagree(text, symbolic=True)
    assert problems is not None, "not exhaustive: pick another seed\n" + text
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text
