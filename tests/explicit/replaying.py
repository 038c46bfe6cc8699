"""Shared by the explicit-engine tests: every trace of a result, exported
to ITF and read back, replays against the spec."""
import json

from checker.replay import read_trace, replay
from checker.report.itf import trace_to_itf


def assert_traces_replay(spec, result, engine="explicit"):
    for p in result.properties:
        if p.trace is None:
            continue
        doc = json.loads(json.dumps(trace_to_itf(p.trace, spec, p, engine=engine)))
        if p.kind == "typeok":            # the last state is the one outside its type
            doc["states"] = doc["states"][:-1]
        r = replay(spec, read_trace(json.dumps(doc), spec, p.name), check_invariants=False)
        assert r.ok, f"{p.name}: {r.problem}"
