"""examples/tlaplus/lamportmutex.spec against a search written directly from
LamportMutex.tla (tests/examples/lamport_reference.py) at configurations
smaller than TLC's recorded one (the manifest entry, 724,274 states, is in
the slow tier): distinct states and depth, in TLC's convention, under both
semantics (the spec has invariants only, so they must not differ)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli

from .lamport_reference import tlc_figures

SPEC = Path(__file__).resolve().parents[2] / "examples" / "tlaplus" / "lamportmutex.spec"


@pytest.mark.parametrize("semantics", ["default", "tla"])
@pytest.mark.parametrize("n,max_clock", [(2, 3), (2, 5), (3, 2)])
def test_counts_equal_an_independent_search(n, max_clock, semantics, capsys):
    cli.main([str(SPEC), "--json", "--const", f"N={n}", "--const", f"MAXCLOCK={max_clock}",
              "--semantics", semantics])
    [r] = json.loads(capsys.readouterr().out)["results"]
    assert r["verdict"] == "holds" and r["exhaustive"] is True
    assert (r["stats"]["states"], r["stats"]["depth"] + 1) == tlc_figures(n, max_clock)
