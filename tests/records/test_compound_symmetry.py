"""Symmetry reduction with records and tuples holding values of a
``symmetric type`` (checker/explicit/symmetry.py permutes inside record
numbers; checker/lang/symmetry.py checks the fields' signatures).

The reduced counts are pinned and checked against an independent count: the
reference interpreter's full state space (checker/interp.py, no symmetry)
split into orbits by brute force over every permutation, with a permutation
of canonical values written here from the types alone."""
from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

import checker
from checker import interp, ir
from checker.lang import SpecError

SPECS = Path(__file__).resolve().parent / "specs"

# (reduced states = orbits, unreduced states)
COUNTS = {"sym_messages.spec": (17, 79), "sym_ring.spec": (196, 1154)}


def _permute(v, t: ir.Type, pi: dict):
    """A canonical value with every value of the symmetric type renamed by pi."""
    if isinstance(t, ir.RecordT) and not isinstance(t, ir.PackedSetT):
        return ir.record_number(t, [_permute(x, ft, pi) for (_, ft), x in zip(t.fields, ir.record_fields(t, v))])
    if isinstance(t, ir.IntT):
        return pi.get(v, v) if t.symmetric else v
    if isinstance(t, ir.SetT):
        return frozenset(_permute(x, t.elem, pi) for x in v)
    if isinstance(t, ir.SeqT):
        return tuple(_permute(x, t.elem, pi) for x in v)
    if isinstance(t, ir.MapT):
        keys = list(ir.domain_values(t.key))
        out = [None] * len(keys)
        for k, x in zip(keys, v):
            out[keys.index(_permute(k, t.key, pi))] = _permute(x, t.value, pi)
        return tuple(out)
    return v


def _orbits(spec) -> tuple[int, int]:
    full = interp.explore(spec).states
    (sym,) = spec.symmetric
    values = ir.domain_values(sym)
    types = [v.type for v in spec.vars]
    seen, orbits = set(), 0
    for s in full:
        if s in seen:
            continue
        orbits += 1
        for order in permutations(values):
            pi = dict(zip(values, order))
            seen.add(tuple(_permute(x, t, pi) for x, t in zip(s, types)))
    return orbits, len(full)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_one_state_per_orbit_with_records_of_symmetric_values(name):
    text = (SPECS / name).read_text()
    spec = checker.load(text)
    orbits, full = _orbits(spec)
    reduced = checker.check(text)
    unreduced = checker.check(text, symmetry=False)
    assert (reduced.stats.states, unreduced.stats.states) == COUNTS[name]
    assert reduced.stats.states == orbits and unreduced.stats.states == full
    assert reduced.stats.extra["symmetry"]["used"] and reduced.stats.extra["symmetry"]["exact"]
    verdicts = {p.name: (p.verdict, len(p.trace) if p.trace else None) for p in unreduced.properties}
    assert {p.name: (p.verdict, len(p.trace) if p.trace else None) for p in reduced.properties} == verdicts
    for p in reduced.properties:  # a reduced trace is a real path: it replays step by step
        if p.trace is not None and p.trace.loop_start is None:
            states = [s.state for s in p.trace.steps]
            for a, b, st in zip(states, states[1:], p.trace.steps[1:]):
                nxt = [dict(o) for act, args, o in interp.successors(spec, a)
                       if not isinstance(o, interp.StepError)]
                assert dict(b) in nxt, (name, p.name, st.label())


@pytest.mark.parametrize("body, message", [
    ("type M = { a: Node, b: bool }\nvar m: M = { a: 1, b: false }", "meet only values of Node"),
    ("type M = { a: Node, b: 0..3 }\nvar m: M = { a: 1, b: 0 }", "meet only values of Node"),
    ("type M = (Node, bool)\nvar m: set<M> = {}\naction a { let x = choose y in m: true }",
     "`choose` picks the least value"),
    ("var m: set<set<Node>> = {}", "a set of values of the symmetric type Node cannot be used as a value"),
    ("type M = { a: Node, b: 0..3 }\nvar m: M = { a: 1, b: 0 }\nvar n: Node = 1\n"
     "action a { m = { a: n, b: 0 } }\ninvariant i: m.a + 1 > 0", "`+` on a value of the symmetric type Node"),
])
def test_records_cannot_break_the_symmetry(body, message):
    text = "spec s\nsymmetric type Node = 1..3\n" + body + "\n"
    with pytest.raises(SpecError) as e:
        checker.load(text)
    assert message in e.value.render(), e.value.render()
