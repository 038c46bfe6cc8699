"""MCAlternatingBit's PROPERTIES (tlaplus/Examples
specifications/SpecifyingSystems/TLC/MCAlternatingBit.cfg), which the
manifest entry leaves out: TLC reports both hold.  Here the refinement
ABCSpec holds step by step (its fairness half is not checked: unknown), and
SentLeadsToRcvd holds as in TLC under ``--semantics tla``: the temporal
check then leaves the states outside a CONSTRAINT out of the behaviour
graph, as TLC does (checker/explicit/liveness.py), so a behaviour that
resends until the channel passes its bound is not a counterexample (it
would stop with a fair action enabled).  Under the default semantics a state
outside the constraint is a dead end that stutters forever (every engine
agrees on that), and the same behaviour is a counterexample."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli

SPEC = Path(__file__).resolve().parents[2] / "examples" / "tlaplus" / "alternatingbit.spec"


def _properties(capsys, *args: str) -> dict:
    cli.main([str(SPEC), "--json", *args])
    [r] = json.loads(capsys.readouterr().out)["results"]
    assert (r["stats"]["states"], r["stats"]["depth"] + 1) == (240, 10)   # TLC's, as the manifest
    return {p["name"]: p for p in r["properties"]}


def test_abcspec_refinement_holds_step_by_step(capsys):
    props = _properties(capsys, "--property", "typeok,refines ABCorrectness")
    assert props["refines ABCorrectness"]["verdict"] == "holds"
    assert props["refines ABCorrectness (liveness)"]["verdict"] == "unknown"


def test_sent_leads_to_rcvd_holds_as_in_tlc_under_tla_semantics(capsys):
    props = _properties(capsys, "--property", "SentLeadsToRcvd(d1),SentLeadsToRcvd(d2)", "--semantics", "tla")
    assert all(props[f"SentLeadsToRcvd({d})"]["verdict"] == "holds" for d in ("d1", "d2"))


def test_sent_leads_to_rcvd_default_semantics_stutters_outside_the_constraint(capsys):
    props = _properties(capsys, "--property", "SentLeadsToRcvd(d1),SentLeadsToRcvd(d2)")
    for d in ("d1", "d2"):
        p = props[f"SentLeadsToRcvd({d})"]
        assert p["verdict"] == "violated"
        last = p["trace"]["steps"][-1]["state"]["msgQ"]
        assert len(last) == 3   # the loop is the stutter of a state outside SeqConstraint (Len(msgQ) <= 2)
