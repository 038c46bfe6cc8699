"""(b) A valid spec with one mutation (misspelt name, swapped type, deleted /
duplicated / swapped token, replaced operator, dropped bracket, keyword as a
name, huge integer, deep nesting...) either loads -- and is then checked to a
result -- or gives a SpecError whose diagnostics all have line >= 1 and
col >= 1 and whose render() names the file."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import CHECKED, DIAGNOSTIC, check_outcome, known_bug, load_outcome
from specgen import MUTATIONS, HypSrc, gen_spec, mutate_text, render

SETTINGS = settings(max_examples=90, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.data())
def test_one_mutation_loads_or_gives_a_positioned_diagnostic(data):
    src = HypSrc(data)
    text = render(gen_spec(src))
    kind, mutated = mutate_text(src, text)
    loaded, _ = load_outcome(mutated, filename="mutant.spec", seconds=10)
    if known_bug(loaded):
        return
    assert loaded.kind in (CHECKED, DIAGNOSTIC), f"[{kind}] {loaded}\n--- spec:\n{mutated[:3000]}"
    if loaded.kind == CHECKED:
        out = check_outcome(mutated, filename="mutant.spec", seconds=10, max_states=500)
        if known_bug(out):
            return
        assert out.kind in (CHECKED, DIAGNOSTIC), f"[{kind}] {out}\n--- spec:\n{mutated[:3000]}"


def test_every_mutation_kind_is_exercised():
    """Each mutation operator changes the text of a typical spec."""
    from specgen import RandSrc

    seen = set()
    for seed in range(400):
        src = RandSrc(seed)
        text = render(gen_spec(src))
        kind, mutated = mutate_text(src, text)
        if mutated != text:
            seen.add(kind)
    assert seen >= set(MUTATIONS) - {"swap"}, set(MUTATIONS) - seen
