"""Records in the Z3 engines: algebraic datatypes against the finite
(numbered) encoding, on the same record-heavy transition systems, at the z3
API level, in one process.

Two systems, each encoded both ways:

* **twophase**: TwoPhase.tla's two-phase commit (tlaplus/Examples), its
  network a set of message records ``{kind, rm}``.  *Finite*: what
  checker/symbolic does with an ``ir.RecordT`` (a record is its number
  ``kind * RM + rm - 1``; a ``set<Msg>`` is one Boolean per number, so
  membership of a literal is one Boolean and ``forall m in msgs`` a
  conjunction).  *Datatypes*: ``Msg`` a Z3 datatype ``msg(kind: Kind, rm:
  Int)`` and the set an ``Array(Msg, Bool)`` (``Store`` to send, ``Select``
  to test, ``forall m in msgs`` a quantifier).
* **queue**: a FIFO channel ``seq<{kind, rm}, CAP>`` between a producer
  and a consumer that keeps the last message it took.  *Finite*: a length
  and CAP integer slots of message numbers; *Datatypes*: CAP slots of sort
  ``Msg`` (their ``rm`` fields need range constraints the numbering has
  for free).

For each: bounded model checking to a fixed depth (one incremental solver,
one query per depth, the invariant's negation at the last state) and one
induction query (``inv(s) and T(s, s') and not inv(s')``).  Every query's
answer is printed so the two encodings can be seen to agree.

    python bench/z3_records.py [--rm 3] [--depth 10] [--cap 3] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time

import z3

WORKING, PREPARED, COMMITTED, ABORTED = range(4)
TM_INIT, TM_COMMITTED, TM_ABORTED = range(3)
KINDS = ("Prepared", "Commit", "Abort")


# ---------------------------------------------------------------- two-phase commit


class TwoPhase:
    """The state and transition relation; the message set by the subclass."""

    def __init__(self, n: int):
        self.n = n

    def state(self, i: int) -> dict:
        s = {"rm": [z3.Int(f"rm{r}_{i}") for r in range(self.n)], "tm": z3.Int(f"tm_{i}"),
             "tp": [z3.Bool(f"tp{r}_{i}") for r in range(self.n)]}
        s.update(self.msg_state(i))
        return s

    def init(self, s):
        return z3.And(*[x == WORKING for x in s["rm"]], s["tm"] == TM_INIT, *[z3.Not(b) for b in s["tp"]],
                      self.no_msgs(s))

    def frame(self, s, t, changed):
        keep = []
        for k in ("tm",):
            if k not in changed:
                keep.append(t[k] == s[k])
        for k in ("rm", "tp"):
            for r in range(self.n):
                if (k, r) not in changed and k not in changed:
                    keep.append(t[k][r] == s[k][r])
        if "msgs" not in changed:
            keep.append(self.same_msgs(s, t))
        return keep

    def trans(self, s, t):
        n, steps = self.n, []
        for r in range(n):  # TMRcvPrepared(r)
            steps.append(z3.And(s["tm"] == TM_INIT, self.has(s, 0, r), t["tp"][r],
                                *self.frame(s, t, {("tp", r)})))
        steps.append(z3.And(s["tm"] == TM_INIT, *s["tp"], t["tm"] == TM_COMMITTED, self.send(s, t, 1, 0),
                            *self.frame(s, t, {"tm", "msgs"})))  # TMCommit
        steps.append(z3.And(s["tm"] == TM_INIT, t["tm"] == TM_ABORTED, self.send(s, t, 2, 0),
                            *self.frame(s, t, {"tm", "msgs"})))  # TMAbort
        for r in range(n):
            steps.append(z3.And(s["rm"][r] == WORKING, t["rm"][r] == PREPARED, self.send(s, t, 0, r),
                                *self.frame(s, t, {("rm", r), "msgs"})))  # RMPrepare
            steps.append(z3.And(s["rm"][r] == WORKING, t["rm"][r] == ABORTED,
                                *self.frame(s, t, {("rm", r)})))  # RMChooseToAbort
            steps.append(z3.And(self.has(s, 1, 0), t["rm"][r] == COMMITTED,
                                *self.frame(s, t, {("rm", r)})))  # RMRcvCommitMsg
            steps.append(z3.And(self.has(s, 2, 0), t["rm"][r] == ABORTED,
                                *self.frame(s, t, {("rm", r)})))  # RMRcvAbortMsg
        return z3.Or(*steps)

    def inv(self, s):
        """TCConsistent, and every Prepared message came from an RM that prepared."""
        n = self.n
        consistent = z3.And(*[z3.Not(z3.And(s["rm"][a] == ABORTED, s["rm"][b] == COMMITTED))
                              for a in range(n) for b in range(n)])
        return z3.And(consistent, self.prepared_msgs(s), self.typeok(s))

    def inductive(self, s):
        """inv strengthened until it is inductive (the usual TwoPhase lemmas):
        the induction query is then unsat, a proof, in both encodings."""
        n, commit, abort = self.n, self.has(s, 1, 0), self.has(s, 2, 0)
        lemmas = [z3.Implies(commit, s["tm"] == TM_COMMITTED), z3.Implies(abort, s["tm"] == TM_ABORTED),
                  z3.Implies(s["tm"] == TM_COMMITTED, z3.And(*s["tp"]))]
        for r in range(n):
            prepared = self.has(s, 0, r)
            lemmas += [z3.Implies(s["tp"][r], prepared),
                       z3.Implies(s["rm"][r] == COMMITTED, commit),
                       z3.Implies(z3.And(s["rm"][r] == ABORTED, prepared), abort)]
        return z3.And(self.inv(s), *lemmas)

    def typeok(self, s):
        return z3.And(*[z3.And(0 <= x, x <= 3) for x in s["rm"]], 0 <= s["tm"], s["tm"] <= 2)


class TwoPhaseFinite(TwoPhase):
    """A message is its number kind * n + rm; the set one Boolean per number."""

    def msg_state(self, i):
        return {"msgs": [z3.Bool(f"m{k}_{i}") for k in range(3 * self.n)]}

    def no_msgs(self, s):
        return z3.And(*[z3.Not(b) for b in s["msgs"]])

    def same_msgs(self, s, t):
        return z3.And(*[a == b for a, b in zip(s["msgs"], t["msgs"])])

    def has(self, s, kind, r):
        return s["msgs"][kind * self.n + r]

    def send(self, s, t, kind, r):
        k = kind * self.n + r
        return z3.And(*[t["msgs"][j] == (True if j == k else s["msgs"][j]) for j in range(3 * self.n)])

    def prepared_msgs(self, s):
        return z3.And(*[z3.Implies(s["msgs"][r], s["rm"][r] != WORKING) for r in range(self.n)])


class TwoPhaseDatatypes(TwoPhase):
    """``Msg`` a datatype ``msg(kind: Kind, rm: Int)``, the set ``Array(Msg, Bool)``."""

    def __init__(self, n: int):
        super().__init__(n)
        self.Kind, kinds = z3.EnumSort("Kind", KINDS)
        self.kinds = kinds
        m = z3.Datatype("Msg")
        m.declare("msg", ("kind", self.Kind), ("rm", z3.IntSort()))
        self.Msg = m.create()

    def msg(self, kind, r):
        return self.Msg.msg(self.kinds[kind], z3.IntVal(r))

    def msg_state(self, i):
        return {"msgs": z3.Array(f"msgs_{i}", self.Msg, z3.BoolSort())}

    def no_msgs(self, s):
        return s["msgs"] == z3.K(self.Msg, z3.BoolVal(False))

    def same_msgs(self, s, t):
        return t["msgs"] == s["msgs"]

    def has(self, s, kind, r):
        return z3.Select(s["msgs"], self.msg(kind, r))

    def send(self, s, t, kind, r):
        return t["msgs"] == z3.Store(s["msgs"], self.msg(kind, r), True)

    def prepared_msgs(self, s):
        m = z3.Const("m", self.Msg)
        rm = self.Msg.rm(m)
        working = z3.Or(*[z3.And(rm == r, s["rm"][r] == WORKING) for r in range(self.n)])
        return z3.ForAll([m], z3.Implies(z3.And(z3.Select(s["msgs"], m), self.Msg.kind(m) == self.kinds[0]),
                                         z3.And(0 <= rm, rm < self.n, z3.Not(working))))


# ---------------------------------------------------------------- a FIFO channel of records


class Queue:
    """Producer: push ``{kind, rm}`` when there is room.  Consumer: pop the
    head into ``last``.  Invariant: every message in the channel and
    ``last`` is a well-formed message whose rm is in range, the channel
    never holds a Commit behind an Abort, and ``last`` is not an Abort
    while ``done`` is false (both true by construction)."""

    def __init__(self, n: int, cap: int):
        self.n, self.cap = n, cap

    def init(self, s):
        return z3.And(s["len"] == 0, self.is_none(s["last"]), z3.Not(s["aborted"]))

    def trans(self, s, t):
        steps = []
        for kind in range(3):
            for r in range(self.n):
                if kind == 1:
                    guard = z3.Not(s["aborted"])  # no Commit once an Abort was sent
                else:
                    guard = z3.BoolVal(True)
                m = self.msg(kind, r)
                slots = [z3.If(s["len"] == i, m, s["q"][i]) for i in range(self.cap)]
                steps.append(z3.And(guard, s["len"] < self.cap, t["len"] == s["len"] + 1,
                                    *[self.eq(t["q"][i], slots[i]) for i in range(self.cap)],
                                    self.eq(t["last"], s["last"]),
                                    t["aborted"] == z3.Or(s["aborted"], kind == 2)))
        shifted = [s["q"][i + 1] if i + 1 < self.cap else s["q"][i] for i in range(self.cap)]
        steps.append(z3.And(s["len"] > 0, t["len"] == s["len"] - 1, self.eq(t["last"], s["q"][0]),
                            *[self.eq(t["q"][i], shifted[i]) for i in range(self.cap)],
                            t["aborted"] == s["aborted"]))
        return z3.Or(*steps)

    def inductive(self, s):
        return self.inv(s)

    def inv(self, s):
        ok = [0 <= s["len"], s["len"] <= self.cap]
        for i in range(self.cap):
            ok.append(z3.Implies(i < s["len"], self.well_formed(s["q"][i])))
            for j in range(i + 1, self.cap):  # no Commit behind an Abort
                ok.append(z3.Implies(z3.And(j < s["len"], self.kind_is(s["q"][i], 2)),
                                     z3.Not(self.kind_is(s["q"][j], 1))))
            ok.append(z3.Implies(z3.And(i < s["len"], self.kind_is(s["q"][i], 2)), s["aborted"]))
        ok.append(z3.Or(self.is_none(s["last"]), self.well_formed(s["last"])))
        return z3.And(*ok)


class QueueFinite(Queue):
    """A message is its number (kind * n + rm); ``last`` -1 for none."""

    def state(self, i):
        return {"len": z3.Int(f"len_{i}"), "q": [z3.Int(f"q{j}_{i}") for j in range(self.cap)],
                "last": z3.Int(f"last_{i}"), "aborted": z3.Bool(f"ab_{i}")}

    def msg(self, kind, r):
        return z3.IntVal(kind * self.n + r)

    def eq(self, a, b):
        return a == b

    def is_none(self, x):
        return x == -1

    def kind_is(self, x, kind):
        return z3.And(kind * self.n <= x, x < (kind + 1) * self.n)

    def well_formed(self, x):
        return z3.And(0 <= x, x < 3 * self.n)


class QueueDatatypes(Queue):
    """Slots of a datatype ``Msg = none | msg(kind: Kind, rm: Int)``."""

    def __init__(self, n, cap):
        super().__init__(n, cap)
        self.Kind, self.kinds = z3.EnumSort("QKind", KINDS)
        m = z3.Datatype("QMsg")
        m.declare("none")
        m.declare("msg", ("kind", self.Kind), ("rm", z3.IntSort()))
        self.Msg = m.create()

    def state(self, i):
        return {"len": z3.Int(f"len_{i}"), "q": [z3.Const(f"q{j}_{i}", self.Msg) for j in range(self.cap)],
                "last": z3.Const(f"last_{i}", self.Msg), "aborted": z3.Bool(f"ab_{i}")}

    def msg(self, kind, r):
        return self.Msg.msg(self.kinds[kind], z3.IntVal(r))

    def eq(self, a, b):
        return a == b

    def is_none(self, x):
        return self.Msg.is_none(x)

    def kind_is(self, x, kind):
        return z3.And(self.Msg.is_msg(x), self.Msg.kind(x) == self.kinds[kind])

    def well_formed(self, x):
        rm = self.Msg.rm(x)
        return z3.And(self.Msg.is_msg(x), 0 <= rm, rm < self.n)


# ---------------------------------------------------------------- the queries


def bmc(system, depth: int) -> tuple[float, list[str]]:
    """One incremental solver: for k = 0..depth, is inv violated at step k?"""
    t0 = time.perf_counter()
    solver = z3.Solver()
    states = [system.state(0)]
    solver.add(system.init(states[0]))
    answers = []
    for k in range(depth + 1):
        if k:
            states.append(system.state(k))
            solver.add(system.trans(states[k - 1], states[k]))
        solver.push()
        solver.add(z3.Not(system.inv(states[k])))
        answers.append(str(solver.check()))
        solver.pop()
    return time.perf_counter() - t0, answers


def induction(system) -> tuple[float, str]:
    """Is the invariant inductive: I(s) and T(s, s') and not I(s')?"""
    t0 = time.perf_counter()
    s, t = system.state(100), system.state(101)
    solver = z3.Solver()
    solver.add(system.inductive(s), system.trans(s, t), z3.Not(system.inductive(t)))
    answer = str(solver.check())
    return time.perf_counter() - t0, answer


def best(fn, repeat: int):
    runs = [fn() for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rm", type=int, default=3)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--cap", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    systems = [("twophase", TwoPhaseFinite(a.rm), TwoPhaseDatatypes(a.rm)),
               ("queue", QueueFinite(a.rm, a.cap), QueueDatatypes(a.rm, a.cap))]
    print(f"z3 {z3.get_version_string()}; RM = {a.rm}, bmc depth {a.depth}, queue capacity {a.cap}, "
          f"best of {a.repeat}")
    print("| system | query | finite (s) | datatypes (s) | datatypes / finite | answers agree |")
    print("|---|---|---|---|---|---|")
    for name, fin, dt in systems:
        for query, fn in (("bmc", lambda x: best(lambda: bmc(x, a.depth), a.repeat)),
                          ("induction", lambda x: best(lambda: induction(x), a.repeat))):
            tf, af = fn(fin)
            td, ad = fn(dt)
            shown = "yes" if af == ad else f"NO: {af} / {ad}"
            if query == "induction":
                shown += f" ({af})"
            print(f"| {name} | {query} | {tf:.3f} | {td:.3f} | {td / tf:.1f}x | {shown} |")


if __name__ == "__main__":
    main()
