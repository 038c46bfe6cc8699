"""The small corpus models through every engine: the cross-check (explicit,
bmc, kind, pdr) and enum agree with TLC's verdict (constraints and initial
predicates included)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ("hourclock", "tcommit", "barrier", "asynchinterface", "innerfifo", "abcorrectness")


CASES = [(name, "all") for name in SMALL] + [(name, "enum") for name in SMALL if name != "innerfifo"]
# (enum on innerfifo's 5,808 stored states takes 10-40 s; tests/lang/test_constraints.py runs enum on a constraint)


@pytest.mark.parametrize("name,engine", CASES)
def test_every_engine_agrees_with_tlc(name, engine, capsys):
    code = cli.main([str(ROOT / "examples" / "tlaplus" / f"{name}.spec"), "--json", "--engine", engine,
                     "--no-deadlock"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    assert code == 0 and r["verdict"] == "holds"
    assert all(p["verdict"] == "holds" for p in r["properties"])
