"""Quick tier of the random cross-check (the large tier is
bench/random_crosscheck.py): explicit and bmc agree on every verdict and
shortest counterexample; kind and pdr never prove what explicit refutes."""
from hypothesis import HealthCheck, given, settings

from crosscheck import check_text
from strategies import specs


@settings(max_examples=50, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs())
def test_engines_agree_on_random_specs(text):
    problems, _ = check_text(text, max_k=3, timeout=3.0)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text
