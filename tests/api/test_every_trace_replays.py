"""Every trace of every spec in spec/ exports to ITF and replays against its spec."""
import json
from pathlib import Path

import pytest

import checker
from checker.replay import read_trace, replay
from checker.report.itf import trace_to_itf

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "spec").glob("*.spec"))


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_traces_export_to_itf_and_replay(path):
    spec = checker.load(path)
    result = checker.check(path)
    traces = [(p, p.trace) for p in result.properties if p.trace is not None]
    for prop, trace in traces:
        doc = json.loads(json.dumps(trace_to_itf(trace, spec, prop, engine="explicit")))
        assert len(doc["states"]) == len(trace.steps)
        if prop.kind == "typeok":  # the last state holds the value outside its type: it cannot be read back
            doc["states"] = doc["states"][:-1]
        records = read_trace(json.dumps(doc), spec, f"{path.name}:{prop.name}")
        r = replay(spec, records, check_invariants=False)
        assert r.ok, f"{prop.name}: {r.problem} at record {r.at.line if r.at else '?'}"
