"""Differential tests: the compiled engine against checker.interp, the
reference tree-walking interpreter of the IR semantics.

For every reachable state the multiset of successors (and of erroneous steps)
produced by the compiled code must equal the interpreter's, and the search
must find the same reachable set, transitions, depth, deadlocks, violations.
"""
from __future__ import annotations

import glob
import os
from collections import Counter

import pytest

from checker import interp
from checker.explicit.compile import Program
from checker.explicit.engine import check
from checker.explicit.search import bfs
from checker.options import Options
from checker.results import Verdict

lang = pytest.importorskip("checker.lang")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FEATURES = """
spec features
const CAP: 1..4 = 1
enum Mode { Idle, Busy, Done }
type Id = 1..2
var mode: Mode = Idle
var q: seq<0..3, CAP> = []
var got: set<0..3> = {}
var tags: set<Mode> = {Idle}
var cnt: map<Id, 0..1> = [i in Id -> 0]
var hist: map<Mode, seq<Id, 1>> = [m in Mode -> []]
var x: -2..5 in {-1, 0, 3}

action send(v: 0..3) {
  require v != 2 or mode == Busy
  q.push(v)
  tags.add(Busy)
}
action recv {
  let h = head(q)
  q.pop()
  got.add(h)
  if h == 3 { mode = Done } else if h == 1 { mode = Busy } else { x = x - 1 }
}
action bump(i: Id) {
  require cnt[i] < 2 or i == 2
  cnt[i] = cnt[i] + 1
  either { hist[mode].push(i) } or { require size(got) > 0; x = max(x, 2) / 2 } or { mode = Idle }
}
action shuffle {
  require forall j in Id: cnt[j] >= 1
  let s = got union {1} minus {0}
  if 2 in s and not (Busy in tags) { x = x + 7 }
  cnt = [i in Id -> cnt[i] % 2]
  require exists j in got: j > 1
  tags = tags minus {Idle}
}
invariant x_small: x < 5
invariant x_not_min: x != -2
invariant q_bounded: len(q) <= CAP and (len(q) == 0 or head(q) <= 3)
invariant tags_nonempty: size(tags) >= 1
"""


FEATURES2 = """
spec features2
enum Color { Red, Green }
type Flag = bool
var neg: set<-2..1> = {-2}
var flags: map<bool, set<Color>> = [b in Flag -> {}]
var log: seq<set<0..2>, 2> = []
var k: -1..2 in -1..1
var on: bool in {true, false}

action add(v: -2..1) {
  require v > k or on
  neg.add(v)
  k = if v < 0 then -1 else v + 1
}
action drop(v: -2..1) {
  require v in neg and v != -2
  neg = neg minus {v}
  on = not on
}
action mark(c: Color) {
  flags[on] = flags[on] union {c}
  if size(flags[true]) == 2 and len(log) < 2 { log.push({0, k + 1}) }
}
action shift {
  require len(log) > 0 and log[0] subset {0, 1, 2}
  let first = log[0]
  log = tail(log)
  k = k * 2 - size(first)
}
invariant neg_has_min: -2 in neg
invariant k_range: k / 2 >= -1 and k % 2 <= 1
invariant flags_ok: forall b in Flag: Red in flags[b] => size(flags[b]) >= 1
"""


def spec_cases():
    cases = [("features", lambda: lang.load_text(FEATURES, "features.spec")),
             ("features2", lambda: lang.load_text(FEATURES2, "features2.spec"))]
    for path in sorted(glob.glob(os.path.join(ROOT, "spec", "*.spec"))
                       + glob.glob(os.path.join(ROOT, "tests", "golden", "cases", "*.spec"))):
        name = os.path.basename(path)
        if name.startswith("error_"):
            continue
        cases.append((name, lambda p=path: lang.load_file(p)))
    for n in (2, 3):
        cases.append((f"breaker_n{n}", lambda n=n: lang.load_file(
            os.path.join(ROOT, "bench", "breaker_n.spec"), consts={"N": n})))
    return cases


CASES = spec_cases()


def _load(loader):
    try:
        return loader()
    except lang.SpecError as e:   # a spec other people are still editing
        pytest.skip(f"does not load: {str(e)[:200]}")


@pytest.mark.parametrize("name,loader", CASES, ids=[c[0] for c in CASES])
def test_successors_match_interpreter(name, loader):
    spec = _load(loader)
    ex = interp.explore(spec, max_states=15000)
    if not ex.complete:
        pytest.skip("too big for the reference interpreter")
    prog = Program(spec)
    out = bfs(prog, Options(), list(range(len(spec.invariants))), True, True)
    lay = prog.layout
    mine = {tuple(lay.canonical(s).values()): s for s in out.seen}
    assert set(mine) == set(ex.states)
    assert out.states == len(ex.states)
    step_errors = sum(1 for e in ex.errors if e[0] is not None)
    assert out.transitions == ex.transitions - step_errors
    assert out.depth == ex.depth
    names = [v.name for v in spec.vars]
    items = list(mine.items())
    for frozen, packed in items[::max(1, len(items) // 1500)]:
        state = interp.thaw(spec, frozen)
        want = Counter()
        for action, args, t in interp.successors(spec, state):
            want[(action, args, "error" if isinstance(t, interp.StepError) else
                  tuple(t[n] for n in names))] += 1
        got = Counter()
        for ai, binds in enumerate(prog.bindings):
            a = spec.actions[ai]
            for b in binds:
                succ, errs = [], []
                prog.trace_fns[ai](packed, succ, errs, b)
                args = tuple(x for x in interp.action_named(spec, a.name).bindings()
                             if True)[binds.index(b)]
                for t in succ:
                    got[(a.name, tuple(args), tuple(lay.canonical(t).values()))] += 1
                for _ in errs:
                    got[(a.name, tuple(args), "error")] += 1
        assert got == want, f"successors differ in {state}"
    # verdicts agree too
    r = check(spec, Options())
    for inv in spec.invariants:
        assert (r.get(inv.name).verdict is Verdict.VIOLATED) == (inv.name in ex.violations)
    assert (r.get("typeok").verdict is Verdict.VIOLATED) == bool(ex.errors)
    assert (r.get("deadlock").verdict is Verdict.VIOLATED) == bool(ex.deadlocks)
    # first violations are shortest ones
    for inv, f in ex.violations.items():
        assert len(r.get(inv).trace) == len(ex.trace(spec, f)) - 1
        last = r.get(inv).trace.steps[-1].state
        assert inv in [n for n, _ in interp.invariant_failures(spec, last)]
        # (which state of that depth comes first may differ: the interpreter
        # orders `in` choices of enum members by name, this engine by declaration)
    if ex.deadlocks:
        d = min(len(ex.trace(spec, f)) for f in ex.deadlocks) - 1
        assert len(r.get("deadlock").trace) == d
