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
    # a Z3 resource limit, not a clock: bmc must not turn unknown because the machine is busy
    problems, _ = check_text(text, max_k=3, timeout=None, rlimit=50_000_000)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text


@settings(max_examples=40, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs())
def test_compact_store_agrees_with_the_dict_store_on_random_specs(text):
    """The numpy store (one process and two forked workers) against the
    reference dict store: the same distinct states, transitions and depth,
    the same verdicts, and counterexamples of the same (shortest) length."""
    import checker

    def summary(r):
        return ((r.stats.states, r.stats.transitions, r.stats.depth, r.exhaustive),
                {p.name: (p.verdict, len(p.trace) if p.trace is not None else None) for p in r.properties})

    ref = summary(checker.check(text, max_states=20_000))
    for workers in (1, 2):
        got = summary(checker.check(text, max_states=20_000, store="compact", workers=workers))
        if ref[0][3]:                       # bounded runs may keep different subsets
            assert got == ref, f"workers={workers}\n--- spec ---\n{text}"
        else:
            assert not got[0][3]


@settings(max_examples=40, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs(temporal=True))
def test_temporal_verdicts_agree_on_random_specs(text):
    """Random fair/strongly fair actions and temporal properties of every
    form: explicit (fair SCCs), bmc (lassos), and k-induction and PDR on the
    liveness-to-safety product never contradict each other."""
    from crosscheck import check_temporal_text

    problems, _ = check_temporal_text(text)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text


@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs(records=True))
def test_engines_agree_on_random_record_specs(text):
    """The same cross-check on specs with records, tuples, defs, set
    comprehensions, choose and `m in set` parameters (checker/lang/records.py),
    and the compact store against the dict store on them."""
    import checker

    problems, _ = check_text(text, max_k=3, timeout=3.0)
    assert not problems, "\n".join(problems) + "\n--- spec ---\n" + text
    ref = checker.check(text, max_states=20_000)
    got = checker.check(text, max_states=20_000, store="compact")
    assert (got.stats.states, got.stats.transitions, got.stats.depth) == \
        (ref.stats.states, ref.stats.transitions, ref.stats.depth), text
