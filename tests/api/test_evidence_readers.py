"""The readers (proof pages, text report, JSON, ITF, --engine all) find how a
verdict was reached in ``PropertyResult.evidence`` (checker/evidence.py),
never in the ``method``/``detail`` words: the results here carry evidence
and words that say nothing of it, and the readers must still say it."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from checker import engines
from checker import evidence as ev
from checker.api import load
from checker.arguments import ENGINE_CHOICES
from checker.docs.words import cell, combined, frozen_names, sentence
from checker.options import Options
from checker.orchestrate.merge import merge
from checker.properties import property_names, wanted
from checker.report.itf import trace_to_itf
from checker.report.json_report import VERSION, document
from checker.report.text import render
from checker.results import (DEADLOCK, EXIT_INTERNAL, EXIT_VIOLATED, INVARIANT, PROPERTY, TYPEOK, CheckResult,
                             PropertyResult, Stats, Step, Trace, Verdict, exit_code)

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "result.schema.json").read_text())

SPEC = """spec lights
var on: bool = false
var count: 0..3 = 0
var noise: 0..3 = 0
action flip { on = not on }
action tick { require count < 3  count = count + 1 }
invariant small: count <= 3
invariant calm: noise <= 3
property eventually_on: eventually on
"""

# words that mention none of the facts the readers must find
PLAIN = "some engine"


def spec():
    return load(SPEC)


def prop(name="small", kind=INVARIANT, verdict=Verdict.HOLDS, evidence=None, depth=None, trace=None,
         detail="", method=PLAIN, found=None):
    return PropertyResult(name, kind, verdict, method, trace=trace, detail=detail, depth=depth,
                          found_invariant=found, evidence=evidence)


def result(engine, *props, exhaustive=True):
    return CheckResult("lights", "lights.spec", engine, {}, list(props), Stats(states=4, depth=2), exhaustive)


def trace(n=1, consts=None, kind="counterexample"):
    steps = [Step(None, (), {"on": False, "count": 0, "noise": 0})]
    steps += [Step("tick", (), {"on": False, "count": i + 1, "noise": 0}) for i in range(n)]
    return Trace(steps, kind=kind, consts=dict(consts or {}))


# ---------------------------------------------------------------- proof pages


def test_kind_jointly_named_from_evidence():
    # ``jointly`` names every candidate of the round, the property itself too
    q = prop(depth=2, evidence=ev.Induction(2, jointly=("calm", "small", "typeok")))
    assert cell("kind", result("kind", q), q) == "proved, k = 2 (jointly)"
    assert sentence("kind", result("kind", q), q) == (
        "proved by k-induction with k = 2, jointly with other invariants (calm, typeok, all proved "
        "(alone, or jointly in the same way)).")
    alone = prop(depth=2, evidence=ev.Induction(2))
    assert cell("kind", result("kind", alone), alone) == "proved, k = 2"


def test_pdr_k0_and_assuming_from_evidence():
    k0 = prop(kind=TYPEOK, name="typeok", detail="every state satisfying the invariants small",
              evidence=ev.Induction(0, assumed=("small",)))
    assert cell("pdr", result("pdr", k0), k0) == "proved (k = 0 from others)"
    assert sentence("pdr", result("pdr", k0), k0) == (
        "proved: every state satisfying the invariants small (induction with k = 0, no invariant to find).")
    assuming = prop(found="count <= 3", evidence=ev.Pdr(invariant="count <= 3", assumed=("calm",)))
    assert cell("pdr", result("pdr", assuming), assuming) == "proved (assuming others)"
    assert sentence("pdr", result("pdr", assuming), assuming) == (
        "proved by PDR (stepping only from states that satisfy the invariants proved alone), "
        "with the inductive invariant below.")
    # on the liveness-to-safety product, assumed invariants are not "assuming others"
    temporal = prop("eventually_on", PROPERTY, evidence=ev.Pdr(invariant="x", assumed=("small",), on_product=True))
    assert cell("pdr", result("pdr", temporal), temporal) == "proved"


def test_temporal_proof_sentence_names_assumed_cone_and_frozen():
    q = prop("eventually_on", PROPERTY, evidence=ev.Pdr(
        invariant="x", on_product=True, assumed=("small",), cone=("on", "count"),
        cone_sound=ev.CONE_TYPEOK_BY_KIND, frozen=("count",)))
    s = sentence("pdr", result("pdr", q), q, spec())
    assert ", assuming the invariants small (proved first)." in s
    assert ("The proof ran on the property's cone of influence, without noise (sound because typeok "
            "holds, proved by k-induction (PDR could not prove it)).") in s
    assert "On the loop, count were held fixed" in s
    assert frozen_names(q.evidence) == "count"
    assert frozen_names(ev.CrossCheck("pdr", q.evidence)) == "count"


def test_resource_limit_from_evidence():
    q = prop(verdict=Verdict.UNKNOWN, depth=3, detail="the solver said something",
             evidence=ev.SolverGaveUp("kind", "max. resource limit exceeded", resource_limit=True))
    assert cell("kind", result("kind", q), q) == "unknown: resource limit"
    assert sentence("kind", result("kind", q), q, rlimit=1_000) == (
        "unknown — stopped at the resource limit (rlimit 1,000 per solver call), trying k = 4.")
    other = prop(verdict=Verdict.UNKNOWN, evidence=ev.SolverGaveUp("kind", "canceled"))
    assert cell("kind", result("kind", other), other) == "unknown"


def test_spacer_path_and_constants_from_evidence_and_trace():
    q = prop(verdict=Verdict.VIOLATED, trace=trace(2, {"N": 1}), evidence=ev.Pdr(path="spacer"))
    s = sentence("pdr", result("pdr", q), q)
    assert "its own 2-step counterexample, replayed by Z3" in s and s.endswith("for N = 1.")
    bmc = prop(verdict=Verdict.VIOLATED, trace=trace(2), evidence=ev.Pdr(path="bmc"))
    assert "bounded model checking then found a 2-step counterexample" in sentence("pdr", result("pdr", bmc), bmc)
    assert combined([("kind", result("kind", q))], "small") == "**violated** for N = 1: 2 steps"


# ---------------------------------------------------------------- text report


def test_text_report_bounded_from_evidence():
    q = prop(verdict=Verdict.UNKNOWN, evidence=ev.Bounded(5, stopped_by=ev.MAX_DEPTH))
    assert "unknown   small  bounded (not exhaustive): some engine" in render(result("kind", q), timing=False)
    said = prop(verdict=Verdict.UNKNOWN, method="bounded (not exhaustive): depth 2, 4 states",
                evidence=ev.Search("explicit", 4, 2, complete=False, stopped_by=ev.MAX_STATES))
    out = render(result("all", said, exhaustive=False), timing=False)
    assert "bounded (not exhaustive): bounded" not in out
    proved = prop(verdict=Verdict.UNKNOWN, evidence=ev.SolverGaveUp("pdr", "unknown"))
    assert "bounded" not in render(result("pdr", proved), timing=False)


def test_text_report_disagreement_from_evidence():
    sides = (ev.Side("explicit", "violated", "exhaustive search"), ev.Side("pdr", "holds", "PDR (Spacer)"))
    q = prop(verdict=Verdict.ERROR, detail=PLAIN, trace=trace(1), evidence=ev.Disagreement(sides))
    out = render(result("all", q), timing=False)
    assert "engines disagree (see below)" in out
    assert "trace of 1 step" not in out      # its trace is shown per engine, not as the merged one


def test_text_report_restates_no_detail_the_explanation_shows():
    s = spec()
    bad = Trace([Step(None, (), {"on": False, "count": 0, "noise": 0}),
                 Step("tick", (), {"on": False, "count": 4, "noise": 0})])
    said = "invariant small is false"
    q = prop(verdict=Verdict.VIOLATED, trace=bad, detail=said, evidence=ev.Search("explicit", 4, 1, True))
    assert said not in render(result("explicit", q), s, timing=False)
    cti = Trace(bad.steps, kind="cti")
    note = "not proved: this counterexample to induction may start in an unreachable state"
    for kind in (INVARIANT, DEADLOCK):
        q = prop("small" if kind == INVARIANT else "deadlock", kind, Verdict.UNKNOWN, trace=cti, detail=note,
                 evidence=ev.Induction(1, failed="step"))
        assert note in render(result("kind", q), s, timing=False)
    enum = prop(verdict=Verdict.VIOLATED, trace=bad, detail="count <= 3 is false in the last state",
                evidence=ev.Search("enum", 4, 1, True))
    assert "count <= 3 is false in the last state" in render(result("enum", enum), s, timing=False)


# ---------------------------------------------------------------- JSON and ITF


EVERY_SHAPE = [
    ev.Search("explicit", 9, 3, True, store="dict"),
    ev.Bounded(4, lasso=True, shortest=False, stopped_by=ev.MAX_DEPTH),
    ev.Simulation(0, 10, 7, ev.WALKS),
    ev.Induction(2, jointly=("a",), assumed=("b",), frozen=("c",), failed="step"),
    ev.Pdr(invariant="x < 3", cone=("x",), frozen=("y",), bit_level=True, on_product=True, path="bmc",
           cone_sound=ev.CONE_EXACT),
    ev.SolverGaveUp("pdr", "canceled", resource_limit=True, stopped_by="timeout", depth=3),
    ev.NotChecked("induct", ev.NOT_SUPPORTED, "temporal"),
    ev.Disagreement((ev.Side("explicit", "violated", "m", "d"),)),
    ev.CrossCheck("pdr", ev.Pdr(invariant="x"), ("kind",)),
    None,
]


def test_json_document_with_every_evidence_shape_is_valid():
    from checker.orchestrate.dispatch import Run

    props = [prop(f"p{i}", evidence=e, trace=trace(1, {"N": 2}) if i == 0 else None)
             for i, e in enumerate(EVERY_SHAPE)]
    doc = document([Run(None, result("explicit", *props))], [], EXIT_VIOLATED, timing=False)
    jsonschema.validate(doc, SCHEMA)
    assert doc["version"] == VERSION == 2
    got = doc["results"][0]["properties"]
    assert got[0]["evidence"]["type"] == "search" and got[0]["trace"]["consts"] == {"N": 2}
    assert got[8]["evidence"] == {"type": "cross_check", "chosen": "pdr", "agreeing": ["kind"],
                                  "evidence": ev.to_json(ev.Pdr(invariant="x"))}
    assert got[9]["evidence"] is None


def test_itf_meta_carries_evidence_and_constants():
    q = prop(verdict=Verdict.VIOLATED, trace=trace(1, {"N": 2}), evidence=ev.Bounded(1))
    meta = trace_to_itf(q.trace, spec(), q, engine="bmc")["#meta"]
    assert meta["evidence"] == {"type": "bounded", "depth": 1, "lasso": False, "shortest": True,
                                "stopped_by": None}
    assert meta["consts"] == {"N": 2}


# ---------------------------------------------------------------- --engine all


def test_merge_gives_cross_check_and_disagreement_evidence():
    s = spec()
    proof = ev.Pdr(invariant="count <= 3")
    m = merge(s, {"explicit": result("explicit", prop(evidence=ev.Search("explicit", 4, 2, True))),
                  "kind": result("kind", prop(evidence=ev.Induction(1))),
                  "pdr": result("pdr", prop(evidence=proof))}, [])
    e = m.get("small").evidence
    assert e == ev.CrossCheck("explicit", ev.Search("explicit", 4, 2, True), ("kind", "pdr"))
    bad = merge(s, {"explicit": result("explicit", prop(verdict=Verdict.VIOLATED, trace=trace(1))),
                    "pdr": result("pdr", prop(evidence=proof))}, [])
    d = bad.get("small").evidence
    assert isinstance(d, ev.Disagreement)
    assert [(x.engine, x.verdict) for x in d.sides] == [("explicit", "violated"), ("pdr", "holds")]
    assert exit_code(bad) == EXIT_INTERNAL and exit_code(m) == 0


# ---------------------------------------------------------------- registry and properties


def test_registry_is_what_the_cli_offers():
    assert ENGINE_CHOICES == tuple(engines.names())
    assert engines.ALL == ("explicit", "bmc", "kind", "pdr")
    assert engines.engine("all").family == engines.CROSS_CHECK
    assert {engines.engine(n).family for n in ("kind", "pdr", "induct")} == {engines.PROVING}
    assert "induct" not in engines.names_of_whole_spec() and "all" not in engines.single_engines()


def test_properties_in_one_place():
    s = spec()
    assert property_names(s) == ["small", "calm", "eventually_on", "typeok", "deadlock"]
    assert [d.name for d in wanted(s, Options())] == ["small", "calm", "eventually_on", "typeok", "deadlock"]
    assert [d.name for d in wanted(s, Options(check_deadlock=False, properties=("calm", "deadlock")))] == ["calm"]
    assert [d.name for d in wanted(s, Options(), engines.engine("induct").supports)] == ["small", "calm"]
