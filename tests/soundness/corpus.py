"""The soundness corpus: classic models with KNOWN outcomes.

Every entry pins what the explicit engine must report (distinct states,
successor states generated, BFS depth, verdicts, shortest trace lengths) and
the verdict of each symbolic engine with the options given.  The state counts
were not taken from our checker: each one equals a figure published for TLC
or obtained from SPIN 6.5.2 on the Promela copy of the model kept beside the
spec (tests/soundness/specs/*.pml); ``source`` says which.  docs/soundness.md
explains each model and where its figure comes from.

Verdicts: ``H`` holds, ``V`` violated, ``U`` unknown.  For a reachability
goal ``H`` means a witness was found and ``V`` that it is unreachable.
``length`` is the number of steps of the shortest counterexample / witness
(the explicit engine's BFS guarantees it is the shortest; bmc run at depth >=
length must find one of exactly that length).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

H, V, U = "holds", "violated", "unknown"
SPEC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specs")
ENGINES = ("explicit", "bmc", "kind", "pdr")


@dataclass(frozen=True)
class P:
    explicit: str
    bmc: str
    kind: str
    pdr: str
    length: int | None = None      # shortest counterexample / witness, in steps

    def verdict(self, engine: str) -> str:
        return getattr(self, engine)


@dataclass(frozen=True)
class Model:
    spec: str                      # file name in tests/soundness/specs
    states: int                    # distinct states (explicit engine)
    transitions: int               # successor states generated, duplicates included
    depth: int                     # BFS depth: the longest shortest path, in steps
    published: int                 # the independent figure for distinct states
    source: str                    # where `published` comes from
    props: dict[str, P]
    consts: dict[str, int] = field(default_factory=dict)
    bmc_depth: int = 6
    max_k: int = 4
    check_deadlock: bool = True

    @property
    def path(self) -> str:
        return os.path.join(SPEC_DIR, self.spec)

    @property
    def name(self) -> str:
        return self.spec.removesuffix(".spec")


TLA_EXAMPLES = ("tlaplus/Examples, specifications/transaction_commit/manifest.json "
                "(TLC, exhaustive search)")

CORPUS: list[Model] = [
    Model("diehard.spec", states=16, transitions=96, depth=7, published=16,
          source="Lamport's DieHard.tla (TLA+ video course, lecture 3): 16 reachable "
                 "states, shortest solution 6 steps; SPIN 6.5.2 on diehard.pml: 16 "
                 "states stored, assertion big != 4 fails first at BFS depth 6, depth "
                 "reached 7",
          bmc_depth=6, max_k=4, props={
              "not_solved": P(V, V, U, V, length=6),
              "solved": P(H, H, U, H, length=6),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("tcommit.spec", states=34, transitions=93, depth=6, published=34,
          source=TLA_EXAMPLES + ": TCommit.cfg, RM = {r1, r2, r3}: distinctStates 34, "
                 "totalStates 94 (= 93 successors + 1 initial), stateDepth 7 (TLC "
                 "counts the initial state as level 1)",
          bmc_depth=6, max_k=4, props={
              "consistent": P(H, U, H, H),
              "typeok": P(H, U, H, H),
              # every RM decided (e.g. all aborted): nothing is enabled any more
              "deadlock": P(V, V, V, V, length=3),
          }),
    Model("twophase.spec", states=288, transitions=1145, depth=10, published=288,
          source=TLA_EXAMPLES + ": TwoPhase.cfg, RM = {r1, r2, r3}, INVARIANT "
                 "TPTypeOK: distinctStates 288, totalStates 1146, stateDepth 11; "
                 "SPIN 6.5.2 on twophase.pml: 288 states stored, 1146 transitions",
          bmc_depth=8, max_k=4, props={
              "consistent": P(H, U, U, H),
              "commit_after_prepared": P(H, U, U, H),
              # prepare x3, TM receives x3, TM commits, one RM commits
              "never_commits": P(V, V, U, V, length=8),
              "all_committed": P(H, U, U, H, length=10),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("peterson.spec", states=26, transitions=44, depth=7, published=26,
          source="SPIN 6.5.2 on peterson.pml (-DNOREDUCE): 26 states stored, 45 "
                 "transitions (= 44 successors + the initial state)",
          bmc_depth=6, max_k=4, props={
              "mutex": P(H, U, U, H),
              "no_starvation0": P(H, U, U, U),
              "no_starvation1": P(H, U, U, U),
              "live0": P(H, U, U, U),
              "both_waiting": P(H, H, U, H, length=4),
              "one_critical": P(H, H, H, H, length=3),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("peterson_nofair.spec", states=26, transitions=44, depth=7, published=26,
          source="the same state graph as peterson.spec (fairness changes no state); "
                 "SPIN 6.5.2 on peterson.pml: 26 states",
          bmc_depth=6, max_k=4, props={
              "mutex": P(H, U, U, H),
              # holds even without fairness: behaviours never stutter in a state
              # where a step is possible, and while proc 0 waits proc 1 must
              # move, hand the turn to proc 0 and block (bounded bypass)
              "no_starvation0": P(H, U, U, U),
              "no_starvation1": P(H, U, U, U),
              # proc 1 loops for ever while proc 0 never takes its first step
              "live0": P(V, V, U, U, length=4),
              "both_waiting": P(H, H, U, H, length=4),
              "one_critical": P(H, H, H, H, length=3),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("dekker.spec", states=106, transitions=198, depth=19, published=106,
          source="SPIN 6.5.2 on dekker.pml (-DNOREDUCE): 106 states stored, 199 "
                 "transitions (= 198 successors + the initial state); mutex ltl holds",
          bmc_depth=10, max_k=4, props={
              "mutex": P(H, U, U, H),
              "no_starvation0": P(H, U, U, U),
              "no_starvation1": P(H, U, U, U),
              "contention": P(H, H, U, H, length=10),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("naive_lock.spec", states=24, transitions=44, depth=8, published=24,
          source="SPIN 6.5.2 on naive_lock.pml without the monitor: 24 states "
                 "stored, 45 transitions; with it, BFS finds the violation at depth 4",
          bmc_depth=4, max_k=4, props={
              "mutex": P(V, V, U, V, length=4),
              "both_critical": P(H, H, U, H, length=4),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, H, H),
          }),
    Model("philosophers3.spec", states=14, transitions=27, depth=3, published=14,
          source="SPIN 6.5.2 on philosophers.pml -DN=3 (-DNOREDUCE, -E): 14 states "
                 "stored, 28 transitions; invalid end state at BFS depth 3",
          bmc_depth=3, max_k=4, props={
              "neighbours_exclusive": P(H, U, U, H),
              "someone_eats": P(H, H, H, H, length=2),
              "typeok": P(H, U, H, H),
              "deadlock": P(V, V, V, V, length=3),
          }),
    Model("philosophers4.spec", states=34, transitions=88, depth=4, published=34,
          source="SPIN 6.5.2 on philosophers.pml -DN=4: 34 states stored, 89 "
                 "transitions; invalid end state at BFS depth 4",
          bmc_depth=4, max_k=5, props={
              "neighbours_exclusive": P(H, U, U, H),
              "someone_eats": P(H, H, H, H, length=2),
              "typeok": P(H, U, H, H),
              # k-induction's base case at k covers paths of k - 1 steps:
              # max_k = 5 reaches the 4-step deadlock
              "deadlock": P(V, V, V, V, length=4),
          }),
    Model("philosophers3_ordered.spec", states=12, transitions=22, depth=3, published=12,
          source="SPIN 6.5.2 on philosophers_ordered.pml -DN=3: 12 states stored, "
                 "23 transitions, no invalid end state",
          bmc_depth=6, max_k=4, props={
              "neighbours_exclusive": P(H, U, U, H),
              "someone_eats": P(H, H, H, H, length=2),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, U, H),
          }),
    Model("philosophers4_ordered.spec", states=29, transitions=72, depth=4, published=29,
          source="SPIN 6.5.2 on philosophers_ordered.pml -DN=4: 29 states stored, "
                 "73 transitions, no invalid end state",
          bmc_depth=6, max_k=4, props={
              "neighbours_exclusive": P(H, U, U, H),
              "someone_eats": P(H, H, H, H, length=2),
              "typeok": P(H, U, H, H),
              "deadlock": P(H, U, U, H),
          }),
]

BY_NAME = {m.name: m for m in CORPUS}
