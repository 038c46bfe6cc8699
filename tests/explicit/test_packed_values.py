"""Integer-range sets as bitmasks and sequences worked on in packed form:
the compiled engine against the reference interpreter (same check as
test_against_interp), on specs that exercise the corner cases: sets of
different and negative ranges combined, elements outside a set's range
(membership, add/remove errors), sequences in maps under variable keys,
head/index/tail/push errors on packed sequences."""
from __future__ import annotations

import pytest

from .test_against_interp import lang, test_successors_match_interpreter as differential

SETS = """
spec sets
type Id = 1..3
var a: set<Id> = {1}
var b: set<-2..1> = {-2}
var c: set<0..4> = {}
var n: -3..5 = 0
var big: bool = false

action step(x: -3..5) {
  require n != x
  n = x
  either { a.add(x) } or { b.remove(x) } or { c = c union {2} minus {0} }
}
action mix {
  c = a union {0} inter {0, 1, 2, 3}
  big = a subset c and (b == {-2} or -1 in b) and size(c) >= 2
}
action probe(x: -3..5) {
  require x in a or x in b or not (x in c)
  require (a inter c) != {} or x == 0
  n = if size(a) > 1 then 5 else x
}
invariant a_in_range: forall i in Id: i in a => i >= 1
invariant b_min: size(b) <= 4
"""

SEQS = """
spec seqs
type W = 1..2
var ch: map<W, seq<0..2, 2>> = [w in W -> []]
var q: seq<bool, 1> = []
var last: 0..2 = 0
var i: -1..2 = 0

action put(w: W, v: 0..3) {
  require v != 3 or w == 1
  ch[w].push(v)
}
action take(w: W) {
  last = head(ch[w])
  ch[w] = tail(ch[w])
  q.push(last > 1)
}
action peek(w: W) {
  require len(ch[w]) > 0 or i == 2
  last = ch[w][i]
  i = if i < 2 then i + 1 else -1
}
action flush {
  q = tail(q)
  require len(q) == 0 or q[0]
}
invariant len_ok: forall w in W: len(ch[w]) <= 2
"""


@pytest.mark.parametrize("name,text", [("sets", SETS), ("seqs", SEQS)])
def test_packed_values_match_interpreter(name, text):
    differential(name, lambda: lang.load_text(text, name + ".spec"))
