"""`terminal NAME: expr`: intended ends are not deadlocks, real deadlocks
still are, in every engine (the catalog pins explicit/bmc/kind/pdr on
tests/catalog/specs/terminal_job*.spec; here: enum, --simulate, the
reference interpreter, proof pages, reports and the front end's errors)."""
from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker.cli import main
from checker.docs import DocsSettings
from checker.docs.worker import document
from checker.interp import explore, freeze
from checker.lang import SpecError, load_text
from checker.options import Options
from checker.run import run_spec

SPECS = Path(__file__).resolve().parents[1] / "catalog" / "specs"
JOB = SPECS / "terminal_job.spec"
NONE = SPECS / "terminal_job_none.spec"
STUCK = SPECS / "terminal_job_stuck.spec"


def _deadlock(spec, engine: str, **kw):
    return run_spec(spec, engine, Options(**kw)).get("deadlock")


@pytest.mark.parametrize("path,verdict,length", [(JOB, "holds", None), (NONE, "violated", 3),
                                                 (STUCK, "violated", 1)])
@pytest.mark.parametrize("engine", ["explicit", "enum"])
def test_enumerating_engines(path, verdict, length, engine):
    p = _deadlock(checker.load(path), engine)
    assert p.verdict.value == verdict
    assert (len(p.trace) if p.trace is not None else None) == length


def test_simulation_finds_the_real_deadlock_only():
    spec_stuck, spec_job = checker.load(STUCK), checker.load(JOB)
    stuck = run_spec(spec_stuck, "explicit", Options(simulate=True, walks=50, walk_depth=10)).get("deadlock")
    assert stuck.verdict.value == "violated" and stuck.trace.steps[-1].action == "fail"
    job = run_spec(spec_job, "explicit", Options(simulate=True, walks=50, walk_depth=10)).get("deadlock")
    assert job.verdict.value == "unknown"   # a simulation never proves, and found no deadlock


def test_reference_interpreter():
    for path, dead in ((JOB, []), (NONE, [{"step": 3}]), (STUCK, [{"step": s, "failed": True} for s in range(3)])):
        spec = checker.load(path)
        ex = explore(spec)
        assert sorted(ex.deadlocks) == sorted(freeze(spec, d) for d in dead), path.name


def test_several_declarations_mean_any_of_them_and_combine_with_processes():
    text = """spec two
var x: 0..3 = 0
action up { require x < 3 and x != 1  x = x + 1 }
terminal one: x == 1
terminal three: x == 3
"""
    spec = load_text(text)
    assert [t.name for t in spec.terminals] == ["one", "three"]
    assert explore(spec).deadlocks == []
    assert _deadlock(spec, "explicit").verdict.value == "holds"
    # with processes: finished processes or the declaration
    text = """spec both
var stop: bool = false
action halt { require not stop  stop = true }
process p { a: { skip_it = 1 } }
var skip_it: 0..1 = 0
terminal halted: stop
"""
    spec = load_text(text)
    ex = explore(spec)
    assert ex.deadlocks == []   # p finished, or halted: every stop is intended
    for engine in ("explicit", "bmc", "kind", "pdr", "enum"):
        assert _deadlock(spec, engine).verdict.value in ("holds", "unknown"), engine
    assert _deadlock(spec, "kind").verdict.value == "holds"


def test_report_says_why_a_stuck_state_is_not_terminal(capsys):
    assert main([str(STUCK), "--no-timing"]) == 1
    out = capsys.readouterr().out
    assert "  no action can take a step in the last state (step 1)\n" \
           "  and it is not terminal: finished (step == 3) is false there\n" in out


def test_proof_page(tmp_path):
    out = document(str(JOB), str(tmp_path), DocsSettings(engines=("explicit", "kind", "pdr")))
    page = out["files"]["terminal_job.md"]
    row = next(line for line in page.splitlines() if line.startswith("| [`deadlock`]"))
    assert row.endswith("| `no deadlock` | holds | proved, k = 1 | proved |"), row
    assert "Intended ends, not deadlocks: the states of `finished` (step == 3)." in page


@pytest.mark.parametrize("text,message", [
    ("spec t\nvar x: 0..3 = 0\nterminal done: x + 1\n", ":3:16: error:"),
    ("spec t\nvar x: 0..3 = 0\nterminal done: y == 1\n", "unknown name `y`"),
    ("spec t\nvar terminal: 0..3 = 0\n", "`terminal` is a keyword"),
    ("spec t\nvar x: 0..3 = 0\ninvariant done: x >= 0\nterminal done: x == 3\n", "`done` is already declared"),
])
def test_errors(text, message):
    with pytest.raises(SpecError) as info:
        load_text(text, "t.spec")
    assert message in str(info.value), str(info.value)
