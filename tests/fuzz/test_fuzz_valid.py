"""(a) Valid, well-typed random specs load and are checked (explicit engine,
max_states=2000) within a few seconds: a result, never an exception."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import CHECKED, check_outcome, known_bug, load_outcome
from specgen import HypSrc, gen_spec, render

SETTINGS = settings(max_examples=35, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(st.data())
def test_valid_specs_load_and_check(data):
    text = render(gen_spec(HypSrc(data)))
    loaded, _ = load_outcome(text)
    assert loaded.kind == CHECKED, f"a valid spec was rejected: {loaded}\n{text}"
    out = check_outcome(text, seconds=10, max_states=2000)
    if known_bug(out):
        return  # pinned by a regression in regressions/
    assert out.kind == CHECKED, f"{out}\n--- spec:\n{text}"


@SETTINGS
@given(st.data())
def test_valid_specs_check_without_deadlock_and_depth_bound(data):
    text = render(gen_spec(HypSrc(data)))
    out = check_outcome(text, seconds=10, max_states=300, max_depth=3, check_deadlock=False)
    if known_bug(out):
        return
    assert out.kind == CHECKED, f"{out}\n--- spec:\n{text}"
