"""The random cross-check on specs with the front-end constructs of
modules/constraints/init/assert/fairness groups (strategies.gen_spec's
``extras``): the engines agree on them as on the rest."""
from hypothesis import HealthCheck, given, settings

from crosscheck import check_temporal_text, check_text
from strategies import specs


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs(extras=True))
def test_engines_agree_on_random_specs_with_extras(text):
    problems, _ = check_text(text, max_k=3, timeout=3.0)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text


@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs(temporal=True, extras=True))
def test_temporal_verdicts_agree_on_random_specs_with_extras(text):
    problems, _ = check_temporal_text(text)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text
