"""The catalog's comparison (pins.py) on fake results: an ``unknown`` pin
lets an engine do better only by agreeing with explicit; a contradiction,
or a decided verdict where explicit is not pinned, still fails; decided
pins stay exact."""
from __future__ import annotations

import pytest

from catalog import H, U, V, Entry, P
from pins import problems, verdict_problem
from checker.results import INVARIANT, REACHABLE, CheckResult, PropertyResult, Stats, Verdict


@pytest.mark.parametrize("engine, got, want, explicit, ok", [
    ("pdr", U, U, H, True),      # as pinned
    ("pdr", H, U, H, True),      # better than pinned, agrees with explicit
    ("kind", V, U, V, True),
    ("pdr", V, U, H, False),     # better than pinned, contradicts explicit
    ("kind", H, U, V, False),
    ("kind", H, U, U, False),    # explicit not decided: nothing to agree with
    ("kind", H, U, None, False),
    ("bmc", U, H, H, False),     # a decided pin is exact: worse fails
    ("pdr", V, H, H, False),     # ... and so does a contradiction
    ("explicit", H, U, U, False),  # explicit's own unknown pin is exact
    ("bmc", H, None, H, True),   # not pinned
])
def test_an_unknown_pin_allows_only_explicits_verdict(engine, got, want, explicit, ok):
    assert (verdict_problem(engine, got, want, explicit) is None) is ok


def _entry(**props) -> Entry:
    return Entry("tests/catalog/specs/none.spec", states=1, props=props)


def _result(engine: str, **verdicts) -> CheckResult:
    props = [PropertyResult(name, REACHABLE if name.startswith("goal") else INVARIANT, v, "fake")
             for name, v in verdicts.items()]
    return CheckResult("fake", "fake.spec", engine, {}, props, Stats(), exhaustive=False)


def _no_load(entry, generalize):
    raise AssertionError("no trace here needs replaying")


def test_a_fake_result_that_contradicts_explicit_fails_the_catalog():
    entry = _entry(inv=P(H, U, U, U), goal=P(V, U, U, U))
    found, unreported = problems(entry, "pdr", _result("pdr", inv=Verdict.VIOLATED, goal=Verdict.HOLDS),
                                 _no_load)
    assert unreported == []
    assert len(found) == 2
    assert found[0].startswith("inv: pdr says violated") and "explicit's verdict (holds)" in found[0]
    assert found[1].startswith("goal: pdr says holds") and "explicit's verdict (violated)" in found[1]


def test_a_fake_result_better_than_an_unknown_pin_passes_the_catalog():
    entry = _entry(inv=P(H, U, U, U), goal=P(V, U, U, U))
    found, unreported = problems(entry, "kind", _result("kind", inv=Verdict.HOLDS, goal=Verdict.VIOLATED),
                                 _no_load)
    assert (found, unreported) == ([], [])


def test_a_decided_pin_stays_exact_and_unreported_properties_are_named():
    entry = _entry(inv=P(H, H, H, H), other=P(H, U, U, U))
    found, unreported = problems(entry, "kind", _result("kind", inv=Verdict.UNKNOWN, extra=Verdict.HOLDS),
                                 _no_load)
    assert unreported == ["other"]
    assert found == ["inv: kind says unknown (fake: ), catalog says holds",
                     "properties missing from the catalog entry: ['extra']"]
