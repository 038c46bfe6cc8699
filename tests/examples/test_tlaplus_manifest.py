"""The tlaplus/Examples corpus: every model in examples/tlaplus/manifest.json
reproduces TLC's distinct-state count, depth and verdict (as recorded in the
tlaplus/Examples manifest.json) with ``verify --json SPEC --const K=V ARGS``.

TLC's depth counts the initial states as depth 1; ours counts steps, so
TLC's depth is our ``stats.depth`` + 1.  An entry may carry a ``note`` (why
a figure is the one it is, e.g. which recording of TLC's depth).

Entries with more than ``HEAVY`` distinct states (LamportMutex, 724,274) take
minutes in the explicit engine: they are in the slow tier, checked under the
default semantics only, which is the same check when the spec has no temporal
property (``--semantics`` changes only how temporal properties are read; the
test asserts there is none).  tests/examples/test_lamportmutex_reference.py
checks the same spec against an independent search in the default tier.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import cli

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "examples" / "tlaplus" / "manifest.json").read_text())
HEAVY = 100_000


def _verify_json(entry: dict, capsys, extra: tuple[str, ...] = ()) -> dict:
    argv = [str(ROOT / entry["spec"]), "--json"]
    for k, v in entry["consts"].items():
        argv += ["--const", f"{k}={v}"]
    argv += list(entry["args"]) + list(extra)
    cli.main(argv)
    return json.loads(capsys.readouterr().out)


def test_manifest_is_well_formed():
    assert len(MANIFEST) >= 8
    for entry in MANIFEST:
        assert {"spec", "consts", "args", "source", "tlc"} <= set(entry) <= {"spec", "consts", "args", "source", "tlc", "note"}
        assert (ROOT / entry["spec"]).is_file()
        assert entry["source"].startswith("specifications/") and entry["source"].endswith(".tla")
        assert set(entry["tlc"]) == {"distinct", "depth", "verdict"}


def _name(entry: dict) -> str:
    """The spec's name, with its constants where several entries share the spec."""
    stem = Path(entry["spec"]).stem
    if sum(Path(e["spec"]).stem == stem for e in MANIFEST) == 1:
        return stem
    return "-".join([stem] + [f"{k}{v}" for k, v in entry["consts"].items()])


def _cases():
    for entry in MANIFEST:
        name = _name(entry)
        if entry["tlc"]["distinct"] > HEAVY:
            yield pytest.param(entry, "default", id=f"{name}-default", marks=pytest.mark.slow)
        else:
            for semantics in ("default", "tla"):
                yield pytest.param(entry, semantics, id=f"{name}-{semantics}")


@pytest.mark.parametrize("entry,semantics", list(_cases()))
def test_tlc_counts_reproduced(entry, semantics, capsys):
    # both readings of fairness and stuttering (--semantics tla is TLA+'s)
    out = _verify_json(entry, capsys, ("--semantics", semantics))
    [result] = out["results"]
    assert result["exhaustive"] is True
    assert result["stats"]["states"] == entry["tlc"]["distinct"]
    assert result["stats"]["depth"] + 1 == entry["tlc"]["depth"]
    assert result["verdict"] == entry["tlc"]["verdict"]
    if entry["tlc"]["distinct"] > HEAVY:   # checked under one semantics: no temporal property to read two ways
        assert all(p["kind"] != "property" for p in result["properties"])
