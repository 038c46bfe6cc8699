"""The enum engine's limits: what it refuses and how it stops.  Its verdicts
are checked against the catalog in tests/catalog/test_enum.py."""
from __future__ import annotations

import json
import os

from checker import engines
from checker.cli import main
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BREAKER = os.path.join(ROOT, "spec", "breaker.spec")
BREAKER_FIXED = os.path.join(ROOT, "spec", "breaker_fixed.spec")


def _load(path, generalize=False):
    with open(path) as f:
        return load_text(f.read(), path, generalize=generalize)


def test_a_state_limit_gives_unknown_for_every_property_never_a_verdict():
    r = engines.get("enum")(_load(BREAKER), Options(max_states=10))
    assert {p.verdict for p in r.properties} == {Verdict.UNKNOWN}
    assert all(p.detail == "more than 10 states (--max-states)" for p in r.properties)
    assert all("not exhaustive" in p.method for p in r.properties)
    assert not r.exhaustive


def test_the_whole_graph_is_exhaustive_and_counts_as_the_explicit_engine_does():
    r = engines.get("enum")(_load(BREAKER), Options())
    assert r.exhaustive
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (38, 60, 12)
    got = {p.name: p for p in r.properties}
    assert got["open_only_after_consecutive_failures"].verdict is Verdict.VIOLATED
    assert len(got["open_only_after_consecutive_failures"].trace) == 4
    assert got["recovers"].verdict is Verdict.VIOLATED and got["recovers"].trace.loop_start is not None


def test_a_constant_left_symbolic_is_refused_in_words():
    r = engines.get("enum")(_load(BREAKER_FIXED, generalize=True), Options())
    assert {p.verdict for p in r.properties} == {Verdict.UNKNOWN}
    assert "needs a value for every constant" in r.properties[0].detail


def test_all_values_with_enum_is_a_usage_error(capsys):
    assert main([BREAKER_FIXED, "--engine", "enum", "--all-values"]) == 2
    err = capsys.readouterr().err
    assert "--all-values" in err and "every constant needs a value" in err
    assert "Traceback" not in err


def test_enum_json_validates_against_the_schema(capsys):
    from schema_check import validate

    assert main([BREAKER, "--engine", "enum", "--json", "--no-timing"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert validate(doc) == []
    (res,) = doc["results"]
    assert res["engine"] == "enum" and res["exhaustive"] is True
    assert res["stats"]["states"] == 38
