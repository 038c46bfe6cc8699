"""A lasso's closing step is shown, so the reader sees the whole loop."""
import pytest

import checker
from checker.docs.diagrams import mermaid, trace_table
from checker.report.text import render_trace

SPEC = """spec lasso
var x: 0..2 = 0
var done: bool = false
action step { require x < 2; x = x + 1 }
action back { require x == 2; x = 1 }
action finish { require x == 2; done = true }
property finishes: eventually done
"""


@pytest.mark.parametrize("engine", ["explicit", "bmc"])
def test_closing_step_recorded_and_rendered(engine):
    spec = checker.load(SPEC)
    r = checker.check(SPEC, engine=engine, check_deadlock=False)
    tr = r.trace("finishes")
    assert [s.label() for s in tr.steps] == ["init", "step", "step"] and tr.loop_start == 1
    assert tr.closing is not None and tr.closing.label() == "back" and tr.closing.state == tr.steps[1].state
    text = "\n".join(render_trace(tr, spec))
    assert "3  back    x = 1  (the state of step 1 again)" in text
    assert "| 3 | `back` | x = 1 (back to the state of step 1) |" in trace_table(tr, spec)
    assert "    P0->>S: 3. back (back to step 1)" in mermaid(tr, spec)
