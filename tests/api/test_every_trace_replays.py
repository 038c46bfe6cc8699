"""Every trace of every spec in spec/ exports to ITF (`verify SPEC --itf DIR`)
and replays against its spec (`verify replay SPEC FILE`, and the library's
replay): each recorded step is one the spec allows, and a counterexample to
an invariant ends in a state the replay reports as violating an invariant."""
import json
import re
from pathlib import Path

import pytest

import checker
from checker.cli import main
from checker.interp import invariant_failures
from checker.replay import read_trace, replay
from checker.results import INVARIANT, TYPEOK

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "spec").glob("*.spec"))
REPLAY_LINE = re.compile(r"^(?P<file>.+): state (?P<at>\d+): a legal trace of spec \w+ that "
                         r"(?P<problem>violates invariant \w+( \(.*\))?)$")


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_traces_export_to_itf_and_replay(path, tmp_path, capsys):
    spec = checker.load(path)
    out = tmp_path / "itf"
    rc = main([str(path), "--itf", str(out), "--json"])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    with_trace = {p["name"]: p for p in result["properties"] if p.get("trace")}
    assert rc == (1 if any(p["verdict"] == "violated" for p in result["properties"]) else 0)
    files = {json.loads(f.read_text())["#meta"]["property"]: f for f in out.glob("*.itf.json")} \
        if out.exists() else {}
    assert sorted(files) == sorted(with_trace), "every trace is exported, one file each"
    for name, f in files.items():
        doc = json.loads(f.read_text())
        prop = with_trace[name]
        assert len(doc["states"]) == len(prop["trace"]["steps"])
        if prop["kind"] == TYPEOK:  # the last state holds the value outside its type: it cannot be read back
            doc["states"] = doc["states"][:-1]
            f.write_text(json.dumps(doc))
        # the library: every step is allowed
        r = replay(spec, read_trace(f.read_text(), spec, f.name), check_invariants=False)
        assert r.ok, f"{name}: {r.problem} at record {r.at.line if r.at else '?'}"
        # the command line: every step is allowed; only an invariant may stop the replay
        code = main(["replay", str(path), str(f)])
        text = capsys.readouterr().out
        if code == 0:
            assert text.startswith(f"{f}: all {len(doc['states'])} records are steps the spec")
            assert prop["kind"] != INVARIANT, f"{name}: a counterexample to an invariant replayed without violating it"
            continue
        assert code == 1, text
        m = REPLAY_LINE.match(text.splitlines()[0])
        assert m, text
        broken = re.fullmatch(r"violates invariant (\w+)( \(.*\))?", m.group("problem"))
        assert broken, text  # not a step the spec disallows, nor a runtime error
        if prop["kind"] == INVARIANT:
            # its last state violates the invariant it was found for; an earlier
            # state may violate another one (never this one: the trace is shortest)
            last = read_trace(f.read_text(), spec)[-1].state
            assert name in [n for n, _ in invariant_failures(spec, last)]
            if int(m.group("at")) < len(doc["states"]) - 1:
                assert broken.group(1) != name, text
