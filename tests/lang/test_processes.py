"""Processes, fairness, temporal properties and reachability in the front end."""
import pytest

from checker import ir
from checker.lang import SpecError, load_text
from checker.results import Step

PETERSON = """
spec peterson
type P = 0..1
var flag: map<P, bool> = [p in P -> false]
var turn: P = 0
fair process proc(self: P) {
  var visits: 0..3 = 0
  loop {
    raise: { flag[self] = true }
    yield_: { turn = 1 - self }
    wait: { await not flag[1 - self] or turn == self }
    crit: { visits = min(visits + 1, 3) }
    exit: { flag[self] = false }
  }
}
invariant mutex: not (proc[0].pc == crit and proc[1].pc == crit)
property progress: proc[0].pc == wait ~> proc[0].pc == crit
property live: always eventually proc[1].pc == crit
property safe: always turn >= 0
reachable both_waiting: proc[0].pc == wait and proc[1].pc == wait
"""


def test_process_becomes_pc_locals_and_one_action_per_step():
    s = load_text(PETERSON)
    assert [v.name for v in s.vars] == ["flag", "turn", "proc.pc", "proc.visits"]
    assert str(s.var("proc.pc").type) == "map<0..1, proc.pc>"
    assert [a.name for a in s.actions] == ["proc.raise", "proc.yield_", "proc.wait", "proc.crit", "proc.exit"]
    wait = s.actions[2]
    assert [ir.show_expr(x.cond) for x in wait.body if isinstance(x, ir.Require)] == [
        "proc.pc[self] == wait", "not flag[1 - self] or turn == self"]
    crit = s.actions[3]
    assert ir.show_expr(crit.body[1].value) == "update(proc.pc, self, exit)"
    assert ir.show_expr(crit.body[2].value) == "update(proc.visits, self, min(proc.visits[self] + 1, 3))"
    # the loop closes: exit goes back to raise
    assert ir.show_expr(s.actions[4].body[1].value) == "update(proc.pc, self, raise)"


def test_fair_process_gives_one_weak_group_per_instance():
    (f,) = load_text(PETERSON).fairness
    assert (f.kind, f.key_params, f.origin) == ("weak", 1, "process proc")
    assert len(f.actions) == 5


def test_temporal_properties_and_reachability():
    s = load_text(PETERSON)
    assert [(p.name, p.kind) for p in s.properties] == [("progress", "leads_to"), ("live", "always_eventually")]
    assert [i.name for i in s.invariants] == ["mutex", "safe"]  # `always p` is an invariant
    assert [r.name for r in s.reachables] == ["both_waiting"]
    assert s.terminal is None  # the processes loop forever


def test_finishing_processes_define_the_terminal_states():
    s = load_text("spec t\nvar x: 0..2 = 0\nprocess w(i: 1..2) {\n a: { x = x + 1 }\n b: { }\n}\n")
    assert s.var("w.pc").type.value.members == ("a", "b", "w_done")
    assert ir.show_expr(s.terminal) == "forall i in 1..2: w.pc[i] == w_done"


def test_goto_and_strong_fairness_on_actions():
    s = load_text("spec t\nvar x: 0..2 = 0\nstrong fair action tick { x = 0 }\n"
                  "process w {\n a: { if x == 0 { goto a } }\n b: { x = 1 }\n}\n")
    assert [(f.kind, f.actions, f.key_params) for f in s.fairness] == [("strong", ("tick",), 0)]
    a = s.actions[1]
    assert a.name == "w.a" and ir.show_expr(a.body[2].then[0].value) == "a"


def test_trace_label_of_a_process_step():
    assert Step("writer.notify", (2,)).label() == "writer(2).notify"
    assert Step("writer.notify", ()).label() == "writer.notify"
    assert Step("fail", (2, "Open")).label() == "fail(2, Open)"


@pytest.mark.parametrize("text, fragment", [
    ("action a { await true }", "`await` is only for the steps of a process"),
    ("process w { a: { goto c } }", "process `w` has no step `c`"),
    ("process w(i: 0..1, j: 0..1) { a: { } }", "at most one parameter"),
    ("process w { loop { a: { } } b: { } }", "never reached: the loop above runs forever"),
    ("process w { a: { } }\nprocess v { a: { } }", "step label `a` is already a name"),
    ("process w(i: 0..1) { var y: bool = true\n a: { } }\ninvariant k: w.y", "write `w[i].y`"),
    ("process w { a: { } }\ninvariant k: w.z", "process `w` has no variable `z`"),
    ("invariant k: x.pc", "reads a process's variable"),
    ("property p: x ~> 3", "a property must be a bool"),
])
def test_process_errors(text, fragment):
    with pytest.raises(SpecError) as info:
        load_text("spec t\nvar x: 0..2 = 0\n" + text + "\n")
    assert fragment in str(info.value)
