"""Spec texts shared by the symbolic engine tests."""

COUNTER = """spec counter
var x: 0..5 = 0
action inc() { x = x + 1 }
invariant small: x <= 3
"""
# typeok: the 6th increment makes x = 6 (depth 6); small: x = 4 after 4 steps.

TWO_VARS = """spec twovars
var a: 0..10 = 0
var b: 0..10 = 0
action step() {
  require a < 10
  a = a + 1
  b = a
}
action again() {
  require a == 10
  a = 0
  b = 0
}
invariant same: a == b
"""

NOT_ONE_INDUCTIVE = """spec follow
var x: 0..10 = 0
var y: 0..10 = 0
action go() {
  x = y
  y = (y + 1) % 3
}
invariant x_small: x <= 2
invariant y_small: y <= 2
"""

BREAKER_SYMBOLIC = """spec breaker
const THRESHOLD: int where THRESHOLD >= 1
enum Phase { Closed, Open, HalfOpen }
type Caller = 1..3

var phase: Phase = Closed
var failures: 0..THRESHOLD = 0

action fail(c: Caller) {
  require phase != Open
  failures = failures + 1
  if failures >= THRESHOLD { phase = Open }
}

action succeed(c: Caller) {
  require phase != Open
  failures = 0
  phase = Closed
}

action reset() {
  require phase == Open
  phase = HalfOpen
  failures = 0
}

invariant closed_below_threshold: phase == Closed => failures < THRESHOLD
"""

BREAKER_DEADLOCK = """spec breaker
const THRESHOLD: 1..8 = 3
enum Phase { Closed, Open, HalfOpen }
type Caller = 1..3
var phase: Phase = Closed
var failures: 0..THRESHOLD = 0
action fail(c: Caller) {
  require phase != Open
  failures = failures + 1
  if failures >= THRESHOLD { phase = Open }
}
invariant closed_below_threshold: phase == Closed => failures < THRESHOLD
"""

SETS = """spec sets
var s: set<0..3> = {}
action add(i: 0..3) {
  require not (i in s)
  s.add(i)
}
action drop(i: 0..3) {
  require i in s
  s.remove(i)
}
invariant at_most_two: size(s) <= 2
"""

MAPS = """spec maps
var m: map<0..2, 0..3> = [k in 0..2 -> 0]
action bump(k: 0..2) { m[k] = m[k] + 1 }
invariant total: m[0] + m[1] + m[2] <= 5
"""

SEQS = """spec seqs
var q: seq<0..3, 2> = []
var last: 0..3 = 0
action put(x: 0..3) { q.push(x) }
action get() {
  require len(q) > 0
  last = head(q)
  q.pop()
}
invariant no_three_first: len(q) == 0 or head(q) != 3
invariant last_small: last <= 2
"""

HEAD_EMPTY = """spec headempty
var q: seq<0..3, 2> = []
var y: 0..3 = 0
action take() { y = head(q) }
"""

EITHER = """spec choices
var x: 0..9 = 0
action go() {
  either { x = x + 1 } or { x = x + 2 } or { require false }
}
invariant not_five: x != 5
"""

DIVISION = """spec division
var b: -3..3 = -2
var d: 0..2 = 0
invariant floor_div: 7 / b == -4 and 7 % b == -1 and (-7) / 2 == -4 and (-7) % 2 == 1
invariant short_circuit: d == 0 or 6 / d >= 3
"""

DIV_ZERO = """spec divzero
var d: 0..2 = 0
invariant bad: 5 / d == 0
"""
