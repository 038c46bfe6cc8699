"""--engine all: agreement rules and the merged verdict."""
from __future__ import annotations

import json

import fakes
from checker import cli
from checker.results import INVARIANT, PropertyResult, Step, Trace, Verdict
from checker.run import merge
from schema_check import validate


def result(engine, verdict, method, trace=None, found=None):
    r = fakes.holds_result(engine)
    p = r.properties[0]
    p.verdict, p.method, p.trace, p.found_invariant = verdict, method, trace, found
    r.engine = engine
    return r


def short_trace(n):
    return Trace([Step(None, (), {"phase": "Closed", "failures": 0})]
                 + [Step("fail", ("a",), {"phase": "Closed", "failures": i + 1}) for i in range(n)])


def test_agreement_holds():
    m = merge(fakes.breaker_spec(), {
        "explicit": result("explicit", Verdict.HOLDS, "exhaustive search"),
        "bmc": result("bmc", Verdict.UNKNOWN, "bounded model checking to depth 20"),
        "kind": result("kind", Verdict.HOLDS, "k-induction, k = 2"),
        "pdr": result("pdr", Verdict.HOLDS, "PDR (Spacer)", found="failures < 3"),
    }, [])
    p = m.get("closed_below_threshold")
    assert p.verdict is Verdict.HOLDS
    assert p.method == "explicit: exhaustive search (also kind, pdr)"
    assert p.found_invariant == "failures < 3"
    assert m.disagreements == []


def test_agreement_violated_prefers_explicit_trace():
    m = merge(fakes.breaker_spec(), {
        "explicit": result("explicit", Verdict.VIOLATED, "exhaustive search", short_trace(3)),
        "bmc": result("bmc", Verdict.VIOLATED, "bounded model checking to depth 20", short_trace(3)),
        "kind": result("kind", Verdict.UNKNOWN, "k-induction up to k = 20"),
    }, [])
    p = m.get("closed_below_threshold")
    assert p.verdict is Verdict.VIOLATED and len(p.trace) == 3
    assert m.disagreements == []


def test_pdr_holds_explicit_violated_disagree():
    m = merge(fakes.breaker_spec(), {
        "explicit": result("explicit", Verdict.VIOLATED, "exhaustive search", short_trace(3)),
        "pdr": result("pdr", Verdict.HOLDS, "PDR (Spacer)"),
    }, [])
    p = m.get("closed_below_threshold")
    assert p.verdict is Verdict.ERROR
    assert p.detail.startswith("engines disagree: explicit: violated")
    assert "pdr: holds (PDR (Spacer))" in p.detail
    assert len(m.disagreements) == 1


def test_trace_lengths_must_match():
    m = merge(fakes.breaker_spec(), {
        "explicit": result("explicit", Verdict.VIOLATED, "exhaustive search", short_trace(3)),
        "bmc": result("bmc", Verdict.VIOLATED, "bounded model checking", short_trace(5)),
    }, [])
    p = m.get("closed_below_threshold")
    assert p.verdict is Verdict.ERROR
    assert "3 steps" in p.detail and "5 steps" in p.detail


def test_unknown_agrees_with_everything():
    m = merge(fakes.breaker_spec(), {
        "explicit": result("explicit", Verdict.VIOLATED, "exhaustive search", short_trace(2)),
        "kind": result("kind", Verdict.UNKNOWN, "k-induction"),
        "pdr": result("pdr", Verdict.ERROR, "PDR (Spacer)"),
    }, [])
    assert m.get("closed_below_threshold").verdict is Verdict.VIOLATED
    assert m.disagreements == []


def _set_engines(eng, **verdicts):
    for name, (v, trace) in verdicts.items():
        eng.results[name] = (lambda n=name, v=v, t=trace: result(n, v, f"{n} method", t))


def test_cli_all_disagreement_exit_4(fake, capsys):
    eng, path = fake
    _set_engines(eng, explicit=(Verdict.VIOLATED, short_trace(2)), bmc=(Verdict.VIOLATED, short_trace(2)),
                 kind=(Verdict.HOLDS, None), pdr=(Verdict.HOLDS, None))
    code = cli.main([path, "--engine", "all", "--no-timing"])
    out, err = capsys.readouterr()
    assert code == 4
    assert "ENGINES DISAGREE" in out
    assert "explicit: closed_below_threshold violated" in out
    assert "pdr: closed_below_threshold holds" in out
    assert [c[0] for c in eng.calls] == ["explicit", "bmc", "kind", "pdr"]


def test_cli_all_agreement(fake, capsys):
    eng, path = fake
    _set_engines(eng, explicit=(Verdict.HOLDS, None), bmc=(Verdict.UNKNOWN, None),
                 kind=(Verdict.HOLDS, None), pdr=(Verdict.HOLDS, None))
    code = cli.main([path, "--engine", "all", "--no-timing"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "explicit: holds, bmc: unknown, kind: holds, pdr: holds" in out
    code = cli.main([path, "--engine", "all", "--json"])
    doc = json.loads(capsys.readouterr()[0])
    assert validate(doc) == []
    assert set(doc["results"][0]["engines"]) == {"explicit", "bmc", "kind", "pdr"}


def test_cli_all_missing_engine_is_reported(fake, capsys):
    eng, path = fake
    eng.results["explicit"] = fakes.holds_result
    code = cli.main([path, "--engine", "all", "--no-timing"])
    out, _ = capsys.readouterr()
    assert code == 4
    assert "note: bmc: the bmc engine is not available" in out
