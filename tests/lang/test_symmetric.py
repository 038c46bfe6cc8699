"""`symmetric type`: what breaks symmetry is rejected at its position (exit 2);
what keeps it is accepted, and the IR carries the declared types."""
import subprocess
import sys

import pytest

from checker.lang import SpecError, load_text

HEAD = ("spec t\nconst N: 1..4 = 3\nsymmetric type P = 1..N\nenum St { Idle, Busy }\n"
        "var st: map<P, St> = [p in P -> Idle]\nvar owner: P in P\nvar held: set<P> = {}\n"
        "var q: seq<P, 3> = []\nvar k: 0..5 = 0\n")
H = HEAD.count("\n")

REJECTED = [
    # (id, text, message fragment, line, col)
    ("literal compared", "action a(p: P) { require p == 1 }", "the literal 1 stands for a value of the symmetric type P", H + 1, 31),
    ("literal map key", "invariant i: st[2] == Idle", "the literal 2 stands for a value", H + 1, 17),
    ("constant as a value", "action a { owner = N }", "the literal 3 stands for a value", H + 1, 20),
    ("literal initial value", "var o2: P = 1", "the literal 1", H + 1, 13),
    ("literal set element", "action a { held.add(1) }", "the literal 1", H + 1, 21),
    ("order comparison", "action a(p: P) { require p < owner }", "`<` on a value of the symmetric type P", H + 1, 26),
    ("arithmetic", "action a(p: P) { k = p + 1 }", "`+` on a value of the symmetric type P", H + 1, 22),
    ("min", "invariant i: min(owner, 2) > 0", "`min` on a value of the symmetric type P", H + 1, 18),
    ("range membership", "invariant i: owner in 1..2", "`<=` on a value of the symmetric type P", H + 1, 14),
    ("stored as a plain int", "action a(p: P) { k = p }", "this assignment to `k` mixes values of the symmetric type P with plain values", H + 1, 22),
    ("plain int used as a key", "action a(i: 1..3) { st[i] = Busy }", "this map key mixes", H + 1, 24),
    ("quantifier over a plain range", "invariant i: forall i in 1..N: st[i] == Idle", "this map key mixes", H + 1, 35),
    ("for loop", "action a { for p in P { st[p] = Idle } }", "`for` runs its body over the values of the symmetric type `P` in order", H + 1, 21),
    ("quantifier body that can fail", "invariant i: forall p in P: head(q) == p", "`forall` over the symmetric type P stops at the first deciding value", H + 1, 29),
    ("symmetric type not a range", "symmetric type Q = bool", "a symmetric type is a range", H + 1, 20),
    ("temporal property", "property pr: always eventually owner == 1", "the literal 1", H + 1, 41),
    ("reachability goal", "reachable g: st[1] == Busy", "the literal 1", H + 1, 17),
]


@pytest.mark.parametrize("case", REJECTED, ids=[c[0] for c in REJECTED])
def test_symmetry_breaking_use_is_rejected_at_its_position(case):
    _, body, fragment, line, col = case
    with pytest.raises(SpecError) as info:
        load_text(HEAD + body + "\n", "case.spec")
    first = info.value.diagnostics[0]
    assert fragment in first.message, info.value.render()
    assert (first.span.line, first.span.col) == (line, col), info.value.render()


ACCEPTED = [
    "action a(p: P, r: P) { require p != r and st[p] == Idle; st[p] = Busy; owner = r; held.add(p) }",
    "action a(p: P) { require len(q) < 3; q.push(p) }",
    "action a { require len(q) > 0; let h = head(q); st[h] = Busy; q.pop() }",
    "invariant i: forall p in held: st[p] == Busy or p == owner",
    "invariant i: size(held) <= N and (exists p in P: p == owner)",
    "action a { st = [p in P -> if p == owner then Busy else Idle] }",
    "invariant i: (if k > 0 then owner else owner) in held or true",
    "action a(p: P) { held = held union {p, owner} }",
    "invariant i: len(q) > 0 => q[0] == owner",
    "process w(self: P) { loop { s1: { st[self] = Busy } s2: { st[self] = Idle } } }",
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_symmetric_uses_are_accepted(body):
    spec = load_text(HEAD + body + "\n", "ok.spec")
    assert [t.symmetric for t in spec.symmetric] == ["P"]


def test_plain_type_is_not_symmetric():
    spec = load_text(HEAD.replace("symmetric type", "type") + "action a { owner = 1 }\n", "ok.spec")
    assert spec.symmetric == ()


def test_cli_exit_code_2_with_position(tmp_path):
    p = tmp_path / "bad.spec"
    p.write_text(HEAD + "action a(p: P) { require p == 1 }\n")
    r = subprocess.run([sys.executable, "-m", "checker.cli", str(p)], capture_output=True, text=True)
    assert r.returncode == 2
    assert f"bad.spec:{H + 1}:31: error: the literal 1" in r.stderr
    assert "^" in r.stderr and "Traceback" not in r.stderr
