"""One catalog of specs with the verdict every engine is expected to give.

Every spec file in ``spec/`` must have an entry here (test_catalog.py fails
for a new spec without one), plus the small specs in ``tests/catalog/specs``
written for these tests.  For each property and engine the expected verdict:
``H`` holds, ``V`` violated, ``U`` unknown (bmc to its depth, kind without a
proof up to max_k, or Z3's resource limit reached; kind and pdr check
temporal properties on the liveness-to-safety product), and:

* ``length``: the shortest counterexample (steps), the shortest witness of a
  reachability goal, or for a temporal property the steps shown in the
  shortest violating lasso (bmc);
* ``k``: the k with which k-induction proves it;
* ``last``: the label of the final step of the shortest counterexample
  (explicit and bmc must agree on it).

``None``: not pinned (the spec's author has not established the verdict, and
the engines found no counterexample).

Reachability: ``H`` means a witness was found; ``V`` means proved
unreachable (kind/pdr).  ``explicit`` is the true verdict for every kind of
property (the search is exhaustive on every entry), so it is never ``None``.

Verdicts were checked by hand for the specs in tests/catalog/specs (see the
comment at the top of each); for spec/ they are the findings of
docs/findings/breaker.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

H, V, U = "holds", "violated", "unknown"

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_DIR = os.path.join(ROOT, "spec")
OWN_DIR = os.path.join(ROOT, "tests", "catalog", "specs")
ENGINES = ("explicit", "bmc", "kind", "pdr")


@dataclass(frozen=True)
class P:
    explicit: str | None
    bmc: str | None
    kind: str | None
    pdr: str | None
    length: int | None = None
    k: int | None = None
    last: str | None = None

    def verdict(self, engine: str) -> str:
        return getattr(self, engine)


@dataclass(frozen=True)
class Entry:
    path: str                      # relative to the repository root
    props: dict[str, P]
    states: int                    # distinct states found by the explicit engine
    consts: dict[str, int] = field(default_factory=dict)
    depth: int = 10                # bmc depth (also the lasso bound)
    max_k: int = 6
    timeout: float = 10.0          # per property, symbolic engines, only when rlimit is None
    # Z3 resource units per solver query: the symbolic verdicts pinned here are
    # the ones Z3 gives under this deterministic budget (same spec, seed and z3
    # version: same verdict on any machine and load, unlike a wall-clock timeout)
    rlimit: int | None = 5_000_000
    generalize: bool = False       # symbolic engines prove for every value of `where` constants
    slow_engines: tuple[str, ...] = ()  # run only with --runslow

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def abspath(self) -> str:
        return os.path.join(ROOT, self.path)


def _own(name: str) -> str:
    return f"tests/catalog/specs/{name}"


CATALOG: list[Entry] = [
    # ------------------------------------------------------------ spec/
    Entry("spec/breaker.spec", consts={}, states=38, depth=8, max_k=6, props={
        "open_only_after_consecutive_failures": P(V, V, V, V, length=4, last="call_fails"),
        "failure_count_within_threshold": P(V, V, U, V, length=6, last="call_after_timeout"),
        "closed_below_threshold": P(H, U, H, H, k=1),
        "half_open_single_trial": P(H, U, H, H, k=5),
        "half_open_only_after_timeout": P(H, U, H, H, k=1),
        "closed_only_by_successful_trial": P(H, U, H, H, k=1),
        "failed_trial_reopens": P(H, U, H, H, k=4),
        "calls_always_return": P(V, V, U, V, length=6, last="call_after_timeout"),
        # the hung trial stutters forever: a 6-step lasso, under the spec's fairness
        # kind's base case (lassos of at most max_k = 6 states) is one state short
        "recovers": P(V, V, U, V, length=6, last="call_after_timeout"),
        "typeok": P(H, U, H, H, k=5),
        "deadlock": P(V, V, U, V, length=6, last="call_after_timeout"),
    }),
    Entry("spec/breaker_fixed.spec", consts={"THRESHOLD": 2, "TIMEOUT": 1, "CALLERS": 2},
          states=68, depth=8, max_k=6, props={
        "open_only_after_consecutive_failures": P(H, U, H, H, k=5),
        "failure_count_within_threshold": P(H, U, H, H, k=1),
        "closed_below_threshold": P(H, U, H, H, k=1),
        "half_open_single_trial": P(H, U, H, H, k=4),
        "half_open_only_after_timeout": P(H, U, H, H, k=1),
        # not k-inductive alone; kind proves it jointly with the other invariants
        "closed_only_by_successful_trial": P(H, U, H, H, k=1),
        "failed_trial_reopens": P(H, U, H, H, k=4),
        # Spacer does not finish alone within the 3 s budget; it does in the
        # second pass that assumes the invariants already proved
        "calls_always_return": P(H, U, H, H, k=1),
        "closed_failures_are_consecutive": P(H, U, H, H, k=1),
        "trial_permit_is_trial": P(H, U, H, H, k=1),
        "trial_permit_held_while_running": P(H, U, H, H, k=2),
        "one_trial_permit": P(H, U, H, H, k=1),
        "recovers": P(H, U, U, U),
        "typeok": P(H, U, H, H, k=2),
        "deadlock": P(H, U, U, H),
    }),
    # 14,902 states; the symbolic engines need 1 to 3 min each on it (bmc
    # 130 s, kind 76 s, pdr 177 s at load 6 on two cores), so they run only
    # in the slow tier, pytest -m slow (explicit runs always).  The lemma_* invariants
    # (lock protocol, failure counter bound) are what lets kind prove typeok
    # (k = 0, implied by them) and pdr prove typeok (assuming the six it
    # proves); with them pdr also finds the deadlock.
    Entry("spec/breaker_concurrent.spec", consts={"THRESHOLD": 2, "TIMEOUT": 1, "CALLERS": 2},
          states=14902, depth=8, max_k=6, slow_engines=("bmc", "kind", "pdr"), props={
        "open_only_after_consecutive_failures": P(V, V, U, V, length=8, last="failure_lock_state(1)"),
        "failure_count_within_threshold": P(V, V, U, U, length=8, last="failure_lock_count(2)"),
        "closed_below_threshold": P(V, V, V, V, length=4, last="failure_lock_count(2)"),
        "half_open_single_trial": P(V, U, U, U, length=11, last="read_state(2)"),
        "half_open_only_after_timeout": P(V, U, U, U, length=14, last="half_open(2)"),
        "closed_only_by_successful_trial": P(V, U, U, U, length=12, last="success_lock_count(1)"),
        "failed_trial_reopens": P(V, U, U, U, length=16, last="failure_lock_count(1)"),
        "calls_always_return": P(V, V, U, V, length=6, last="failure_lock_count(2)"),
        "lemma_state_lock_holder": P(H, U, H, H, k=1),
        "lemma_count_lock_holder": P(H, U, H, H, k=1),
        "lemma_one_guard_per_call": P(H, U, H, H, k=6),
        "lemma_open_stops_trials": P(H, U, H, H, k=1),
        "lemma_below_threshold_when_admitting": P(H, U, H, H, k=1),
        "lemma_pending_failures": P(H, U, H, H, k=1),
        # kind proves it jointly; Spacer reaches the resource limit on it
        "lemma_failures_bounded": P(H, U, H, U, k=1),
        "typeok": P(H, U, H, H, k=0),
        "deadlock": P(V, V, U, V, length=6, last="failure_lock_count(2)"),
    }),
    # ------------------------------------------------------------ tests/catalog/specs
    Entry(_own("counter.spec"), states=6, props={
        "small": P(V, V, V, V, length=4, last="inc"),
        "nonneg": P(H, U, H, H, k=1),
        "typeok": P(V, V, V, V, length=6, last="inc"),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("follow.spec"), states=4, props={
        "x_small": P(H, U, H, H, k=2),
        "y_small": P(H, U, H, H, k=1),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("stutter.spec"), states=3, props={
        # the lasso: 0 -> 1 -> 2, then 2 stutters forever
        "reach3": P(V, V, V, V, length=2),
        "settles": P(H, U, H, H, k=1),
        "leaves0": P(H, U, H, H, k=1),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(V, V, V, V, length=2, last="inc"),
    }),
    Entry(_own("finish.spec"), states=4, props={
        "done": P(H, U, H, H, k=2),
        # x == 2 is terminal: it stutters, and x == 0 never comes back
        "zero_again": P(V, V, V, V, length=2),
        "both_added": P(H, H, H, H, length=2, last="w(2).add"),
        "typeok": P(H, U, H, H, k=2),
        "deadlock": P(H, U, H, H, k=1),   # the final state is terminal, not a deadlock
    }),
    # `terminal NAME: expr` (docs/language.md): the intended stop is no
    # deadlock; without the declaration it is; a real deadlock stays one
    Entry(_own("terminal_job.spec"), states=4, props={
        "bounded": P(H, U, H, H, k=1),
        "done": P(H, H, H, H, length=3, last="work"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),   # step == 3 is declared terminal
    }),
    Entry(_own("terminal_job_none.spec"), states=4, props={
        "bounded": P(H, U, H, H, k=1),
        "done": P(H, H, H, H, length=3, last="work"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(V, V, V, V, length=3, last="work"),
    }),
    Entry(_own("terminal_job_stuck.spec"), states=7, props={
        "bounded": P(H, U, H, H, k=1),
        "done": P(H, H, H, H, length=3, last="work"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(V, V, V, V, length=1, last="fail"),   # stuck after fail: not terminal
    }),
    Entry(_own("weak_strong.spec"), states=4, props={
        # toggle forever: grab is enabled every other state, never continuously
        "gets": P(V, V, V, V, length=1),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("strong_fair.spec"), states=4, props={
        "gets": P(H, U, H, H, k=3),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("data.spec"), states=104, depth=6, props={
        "counted": P(H, U, H, H, k=1),
        "not_all": P(V, V, V, V, length=3, last="see(Blue)"),
        "full": P(H, H, H, H, length=2, last="enqueue(0)"),
        "typeok": P(V, V, V, V, length=3, last="enqueue(0)"),
        "deadlock": P(H, U, H, H, k=1),
    }),
    # explicit with the default N = 3; the symbolic engines for every N >= 1
    Entry(_own("sym.spec"), states=4, generalize=True, props={
        "bounded": P(H, U, H, H, k=1),
        "top": P(H, H, H, H),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("naive_lock.spec"), states=24, depth=8, max_k=5, props={
        "mutex": P(V, V, V, V, length=4, last="proc(1).take"),
        "both_critical": P(H, H, H, H, length=4, last="proc(1).take"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("peterson.spec"), states=26, depth=7, max_k=3, props={
        "mutex": P(H, U, U, H),
        # weakly fair processes: no fair lasso violates these
        # pdr: the frozen leaves (frozen.py) let Spacer prove these under the
        # 5M limit (near it: a faster variant of frozen.py, which built its
        # terms in another order, left progress1 unknown)
        "progress": P(H, U, U, H),
        "progress1": P(H, U, U, H),
        "live": P(H, U, U, H),
        # max_k = 3: kind's base case reaches depth 2 only
        "both_waiting": P(H, H, U, H, length=4, last="proc(1).yield_"),
        "both_critical": P(V, U, U, V),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry(_own("peterson_unfair.spec"), states=26, depth=7, max_k=3, props={
        "mutex": P(H, U, U, H),
        # holds even without fairness: while proc 0 waits, proc 1 blocks at its
        # own wait after handing over the turn, so proc 0 must move
        "progress": P(H, U, U, U),
        # proc 0 runs its loop forever while proc 1 never leaves `raise`
        "progress1": P(V, V, U, V, length=6),
        "live": P(V, V, U, V, length=6),
        "both_waiting": P(H, H, U, H, length=4, last="proc(1).yield_"),
        "both_critical": P(V, U, U, V),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    # records, tuples, def, comprehensions, choose, `m in pending` parameters
    # (checker/lang/records.py): a record is a numbered range to the engines.
    # A record argument is labelled by its number here (reply(3) is
    # reply({kind: Req, src: 2, num: 1})); run.py relabels it for reports.
    Entry(_own("records.spec"), states=121, depth=10, max_k=4, props={
        "replies_answer_requests": P(H, U, H, H, k=1),
        "served_were_sent": P(H, U, U, H),
        "replies_match": P(H, U, H, U, k=1),
        "one_outstanding": P(V, V, V, V, length=2, last="send(1)"),
        "all_served": P(H, H, U, U, length=8, last="reply(3)"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(V, U, U, U, length=12, last="forget(2)"),
    }),
]


def by_name() -> dict[str, Entry]:
    return {e.path: e for e in CATALOG}
# spec/ files added by the service-spec authors: explicit runs in CI; the
# symbolic engines take 5-60 s per file, so they run in the slow tier (pytest -m slow).
# Their symbolic verdicts were recorded from the engines (depth 8, max_k 4,
# 5,000,000 Z3 resource units per query: deterministic), checked against the
# explicit engine's exhaustive verdicts, not by hand.  A generous budget
# decides more (bench/results/symbolic-verdicts.md).
SERVICE = dict(depth=8, max_k=4, slow_engines=("bmc", "kind", "pdr"))
CATALOG += [
    # helper lemmas for induction (lemma_*): kind proves the holding
    # invariants jointly (k = 1) and typeok with k = 0 (implied by them)
    Entry("spec/balancer.spec", states=14097, **SERVICE, props={
        "nonempty_pool_yields_instance": P(V, V, V, U, length=2, last='request(0)'),
        "rr_serves_every_instance_within_n": P(H, U, H, U, k=1),
        "wrr_respects_weights": P(V, V, V, U, length=2, last='request(0)'),
        "lc_picks_least_loaded": P(V, V, U, U, length=4, last='request(0)'),
        "connection_counts_accurate": P(V, V, V, U, length=2, last='request(0)'),
        "index_in_range": P(H, U, H, U, k=1),
        "lemma_weights_fixed": P(H, U, H, U, k=1),
        "lemma_pool_distinct": P(H, U, H, U, k=1),
        "lemma_empty_pool_index_zero": P(H, U, H, U, k=1),
        "lemma_window_covers_pool": P(H, U, H, U, k=1),
        "lemma_rr_wait_plus_distance": P(H, U, H, U, k=1),
        "lemma_cycle_bookkeeping": P(H, U, H, U, k=1),
        "rr_full_pool": P(H, H, U, U, length=4, last='request(0)'),
        "typeok": P(H, U, H, U, k=0),
        "deadlock": P(H, U, H, U, k=1),
    }),
    # helper lemmas for induction (lemma_*): kind proves every invariant
    # (jointly, k = 1) and typeok with k = 0 (implied by them)
    Entry("spec/balancer_fixed.spec", states=16444, **SERVICE, props={
        "nonempty_pool_yields_instance": P(H, U, H, U, k=1),
        "rr_serves_every_instance_within_n": P(H, U, H, U, k=1),
        "wrr_respects_weights": P(H, U, H, U, k=1),
        "lc_picks_least_loaded": P(H, U, H, U, k=1),
        "connection_counts_accurate": P(H, U, H, U, k=1),
        "index_in_range": P(H, U, H, U, k=1),
        "lemma_weights_fixed": P(H, U, H, U, k=1),
        "lemma_pool_distinct": P(H, U, H, U, k=1),
        "lemma_empty_pool_index_zero": P(H, U, H, U, k=1),
        "lemma_window_covers_pool": P(H, U, H, U, k=1),
        "lemma_rr_wait_plus_distance": P(H, U, H, U, k=1),
        "lemma_unpooled_untouched": P(H, U, H, U, k=1),
        "lemma_cycle_bookkeeping": P(H, U, H, U, k=1),
        "lemma_wrr_current_weight": P(H, U, H, U, k=1),
        "lemma_wrr_served_within_weight": P(H, U, H, U, k=1),
        "lemma_current_weight_small": P(H, U, H, U, k=1),
        "rr_full_pool": P(H, H, U, U, length=4, last='request(0)'),
        "typeok": P(H, U, H, U, k=0),
        "deadlock": P(H, U, H, U, k=1),
    }),
    Entry("spec/balancer_remove_fixed.spec", states=2431, **SERVICE, props={
        "rr_serves_every_instance_within_n": P(H, U, U, U),
        "index_in_range": P(H, U, U, U),
        "typeok": P(H, U, U, U),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/cap_available.spec", states=808, **SERVICE, props={
        "consistent": P(V, V, U, V, length=5, last='reader.rop'),
        "available": P(H, U, H, H, k=1),
        # pdr: cone of influence over Boolean coordinates; kind: k = 4 once
        # the leaves no violating loop can change are held fixed (frozen.py)
        "requests_answered": P(H, U, H, H, k=4),
        "partition_with_pending_replication": P(H, H, H, H, length=3, last='writer.wop'),
        "typeok": P(H, U, U, H),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/cap_consistent.spec", states=728, **SERVICE, props={
        "consistent": P(H, U, U, H),
        "available": P(V, V, U, V, length=5, last='tick'),
        "requests_answered": P(V, V, V, V, length=3),
        "partition_with_pending_replication": P(H, H, H, H, length=3, last='partition'),
        "typeok": P(H, U, U, H),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/client.spec", states=1616, **SERVICE, props={
        "call_reaches_requested_service": P(V, V, U, U, length=4, last='call(Payments)'),
        "call_reaches_registered_instance": P(V, V, U, U, length=5, last='call(Orders)'),
        "registered_service_is_callable": P(V, V, V, V, length=2, last='call(Orders)'),
        "unknown_service_not_found": P(H, U, H, H, k=1),
        "call_sent_correctly": P(H, H, H, U, length=3, last='call(Orders)'),
        # pdr proves it with 10M units per query (verify docs), not with 5M
        "typeok": P(H, U, U, U),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/client_fixed.spec", states=496, **SERVICE, props={
        "call_reaches_requested_service": P(H, U, H, H, k=1),
        "call_reaches_registered_instance": P(H, U, H, H, k=1),
        "registered_service_is_callable": P(H, U, H, H, k=1),
        "unknown_service_not_found": P(H, U, H, H, k=1),
        "call_sent_correctly": P(H, H, H, H, length=2, last='call(Orders, 1)'),
        "orders_alternates": P(H, H, H, H, length=2, last='call(Orders, 2)'),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/config.spec", states=115320, **SERVICE, props={
        "no_writer_blocked_forever": P(V, U, U, U, length=9, last='stop_reading(1)'),
        "watch_config_returns": P(V, U, U, U, length=11, last='stop_reading(1)'),
        "watchers_see_store_order": P(V, V, U, U, length=8, last='watcher(1).recv'),
        "quiescent_watchers_current": P(V, U, U, U, length=13, last='watcher(1).register'),
        "watchers_get_latest": P(V, U, U, U, length=14),
        "writers_finish": P(V, U, U, U, length=13),
        "change_delivered": P(H, H, H, H, length=3, last='watcher(1).get_current'),
        "writer_waits_on_full_channel": P(H, H, U, U, length=8, last='writer(1).send'),
        # pdr: Spacer stops at the rlimit (so does main at 743cb40: the pin
        # H was stale; the slow tier runs only on request)
        "typeok": P(H, U, U, U),
        "deadlock": P(H, U, H, U, k=1),
    }),
    Entry("spec/config_fixed.spec", states=1580, **SERVICE, props={
        "no_writer_blocked_forever": P(H, U, H, H, k=1),
        "watch_config_returns": P(H, U, H, H, k=1),
        "watchers_see_store_order": P(H, U, U, H),
        "quiescent_watchers_current": P(H, U, H, H, k=1),
        "watchers_get_latest": P(H, U, U, U),
        "writers_finish": P(H, U, U, H),  # pdr: cone of influence over Boolean coordinates
        "change_delivered": P(H, H, H, H, length=3, last='watcher(1).register'),
        "all_watchers_current": P(H, H, U, H, length=4, last='watcher(2).register'),
        "typeok": P(H, U, U, H),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/orders.spec", states=1548, **SERVICE, props={
        "order_service_available": P(V, V, U, V, length=7, last='tick'),
        "payment_failure_contained": P(V, V, U, V, length=5, last='order(1).reply'),
        "order_requests_answered": P(V, U, U, U, length=23),
        "order_created": P(H, H, U, H, length=4, last='order(1).reply'),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/orders_breaker.spec", states=3823, **SERVICE, props={
        "order_service_available": P(H, U, H, H, k=1),
        "payment_failure_contained": P(H, U, H, H, k=1),
        # pdr proves it with frozen leaves (frozen.py), but not within this
        # entry's 5M rlimit per query: tests/symbolic/test_frozen.py runs it
        "order_requests_answered": P(H, U, U, U),
        "order_created": P(H, H, U, H, length=4, last='order(1).reply'),
        "breaker_opens": P(H, H, U, U, length=8, last='order(2).reply'),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/registry.spec", states=3492, **SERVICE, props={
        "discover_returns_exactly_registered": P(V, V, V, V, length=2, last='register(1, Payments)'),
        "deregister_removes": P(H, U, H, H, k=1),
        "reregistration_replaces": P(H, U, H, H, k=1),
        "deregister_reports_presence": P(H, U, H, H, k=1),
        "unhealthy_not_discoverable": P(V, V, V, V, length=3, last='monitor(1).probe'),
        "down_instance_eventually_hidden": P(V, V, U, V, length=5),
        "unhealthy_detected": P(H, H, H, H, length=3, last='monitor(1).probe'),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/registry_fixed.spec", states=1764, **SERVICE, props={
        "discover_returns_exactly_registered": P(H, U, H, H, k=1),
        "deregister_removes": P(H, U, H, H, k=1),
        "reregistration_replaces": P(H, U, H, H, k=1),
        "deregister_reports_presence": P(H, U, H, H, k=1),
        "unhealthy_not_discoverable": P(H, U, U, H),
        "down_instance_eventually_hidden": P(H, U, U, H),
        "unhealthy_detected": P(H, H, H, H, length=3, last='monitor(1).probe'),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
    Entry("spec/system.spec", states=420, **SERVICE, props={
        "hyp1_independence": P(V, V, U, V, length=5, last='call(Payments)'),
        "hyp2_reliable_communication": P(V, V, V, V, length=1, last='call(Payments)'),
        "hyp3_fault_isolation": P(V, V, U, V, length=6, last='call(Orders)'),
        "system_correct": P(V, V, V, V, length=1, last='call(Payments)'),
        "correct_answer": P(H, H, H, H, length=1, last='call(Orders)'),
        "typeok": P(H, U, U, H),
        "deadlock": P(H, U, H, H, k=1),
    }),
    # the corrected composition (theorem 9.1), 16,784 states: PDR proves every
    # invariant (the theorem's three hypotheses and its conclusion);
    # k-induction proves two hypotheses and deadlock freedom with k = 1
    Entry("spec/system_fixed.spec", states=16784, **SERVICE, props={
        "hyp1_independence": P(H, U, U, H),
        "hyp2_reliable_communication": P(H, U, H, H, k=1),
        "hyp3_fault_isolation": P(H, U, H, H, k=1),
        "system_correct": P(H, U, U, H),
        "correct_answer": P(H, H, H, H, length=1),
        "other_service_served_while_one_is_open": P(H, H, U, H, length=4),
        "rejected_by_own_failures": P(H, H, U, H, length=4),
        "failed_trial_reopens": P(H, H, U, U, length=5),
        "recovered_but_hidden": P(H, H, U, H, length=4),
        "typeok": P(H, U, U, H),
        "deadlock": P(H, U, H, H, k=1),
    }),
    # helper lemmas for induction (lemma_*) make every invariant, typeok and
    # deadlock provable by kind (jointly, k = 1; typeok and deadlock with
    # k = 0, implied by the proved invariants); Spacer runs out of budget
    Entry("spec/tracing_fixed.spec", states=117, **SERVICE, props={
        "spans_properly_nested": P(H, U, H, U, k=1),
        "spans_keep_request_trace_id": P(H, U, H, U, k=1),
        "trace_id_crosses_service_boundary": P(H, U, H, U, k=1),
        "errors_recorded_in_trace": P(H, U, H, U, k=1),
        "spans_closed_when_done": P(H, U, H, U, k=1),
        "lemma_thread_owner": P(H, U, H, U, k=1),
        "lemma_only_process_order_entered": P(H, U, H, U, k=1),
        "lemma_root_span_trace_id": P(H, U, H, U, k=1),
        "lemma_payment_call_in_step": P(H, U, H, U, k=1),
        "lemma_failed_request_finished": P(H, U, H, U, k=1),
        "requests_finish": P(H, U, U, H),
        "both_in_flight": P(H, H, U, U, length=6, last='request(2).pay_call'),
        "typeok": P(H, U, H, U, k=0),
        "deadlock": P(H, U, H, U, k=0),
    }),
    Entry("spec/balancer_remove.spec", states=4681, **SERVICE, props={
        "rr_serves_every_instance_within_n": P(V, V, U, U, length=6, last='select'),
        "index_in_range": P(V, V, U, U, length=4, last='remove_instance(1)'),
        "typeok": P(H, U, U, U),
        "deadlock": P(H, U, H, H, k=1),
    }),
    # helper lemmas for induction (lemma_*): kind proves the holding
    # invariants jointly (k = 1), typeok and deadlock with k = 0 (implied by
    # them).  spans_properly_nested: kind's step case at k = 2 runs out of
    # budget before its base case reaches the 3-step violation (in a fresh
    # process; after other runs in the same process it got there)
    Entry("spec/tracing.spec", states=209, **SERVICE, props={
        "spans_properly_nested": P(V, V, U, U, length=3, last='request(1).pay_call'),
        "spans_keep_request_trace_id": P(V, V, U, U, length=4, last='request(2).start'),
        "trace_id_crosses_service_boundary": P(V, V, U, U, length=4, last='request(1).remote'),
        "errors_recorded_in_trace": P(V, V, V, U, length=2, last='request(1).validate'),
        "spans_closed_when_done": P(H, U, H, U, k=1),
        "lemma_thread_owner": P(H, U, H, U, k=1),
        "lemma_entered_spans": P(H, U, H, U, k=1),
        "lemma_depth_counts_entered": P(H, U, H, U, k=1),
        "lemma_positions_within_stack": P(H, U, H, U, k=1),
        "lemma_request_spans_paired": P(H, U, H, U, k=1),
        "lemma_request_pairs_apart": P(H, U, H, U, k=1),
        "lemma_payment_call_in_step": P(H, U, H, U, k=1),
        "requests_finish": P(H, U, U, H),
        "both_in_flight": P(H, U, U, U),
        "typeok": P(H, U, H, U, k=0),
        "deadlock": P(H, U, H, U, k=0),
    }),
]

# compound values (sets of sets, records holding sets): their own file
from catalog_compound import COMPOUND  # noqa: E402  (imports Entry and P from this module)
CATALOG += COMPOUND
