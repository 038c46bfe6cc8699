"""Tests of the executable ConfigManager models (models/config.py) and pinned
verdicts of spec/config.spec and spec/config_fixed.spec.

Each flaw of the design document's ConfigManager (section 6.1) is reproduced
concretely on the faithful model ``ConfigManager``, stepping the concurrent
calls by hand at their ``.await`` points, and the same scenario is run on
``FixedConfigManager``.  At the end the explicit engine's verdicts, state
counts and counterexample lengths for both specs are pinned.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from models.config import (Await, Blocked, ConfigManager, FixedConfigManager, Task, cfg, run)

SPEC = Path(__file__).resolve().parents[2] / "spec"
SID = "orders"


def done(task: Task):
    """Run one task to completion alone; fail if it blocks."""
    left = run([task])
    assert not left, f"{task} blocked"
    return task.result


def received(rx) -> list[int]:
    return [c.new_config.version for c in rx.drain()]


# ---------------------------------------------------------------- shared behaviour


def test_faithful_change_reaches_every_registered_watcher():
    m = ConfigManager()
    rx1, rx2 = done(m.watch_config(SID)), done(m.watch_config(SID))
    done(m.set_config(cfg(1)))
    assert done(m.get_config(SID)).version == 1
    c = rx1.try_recv()
    assert (c.old_config, c.new_config.version) == (None, 1)
    assert received(rx2) == [1]


def test_fixed_change_reaches_every_watcher():
    m = FixedConfigManager()
    rx = done(m.watch_config(SID))
    done(m.set_config(cfg(1)))
    assert rx.has_changed() and rx.borrow_and_update().version == 1
    assert not rx.has_changed()


# ---------------------------------------------------------------- flaw 1: a full channel blocks set_config forever


def test_faithful_watcher_that_stops_reading_blocks_set_config_forever():
    m = ConfigManager()                       # the document's capacity: 100
    rx = done(m.watch_config(SID))            # ... and this watcher never reads again
    for v in range(1, 101):
        done(m.set_config(cfg(v)))            # 100 changes fill the channel
    stuck = m.set_config(cfg(101))
    assert run([stuck]) == [stuck]            # blocked in sender.send(change).await
    assert stuck.waiting.what == "sender.send(change)"
    assert done(m.get_config(SID)).version == 101   # stored before notifying: reads still work
    assert m.watchers_lock.readers == 1       # ... while it holds the watchers read guard
    # every later watch_config waits for the write lock forever
    late = m.watch_config(SID)
    assert run([stuck, late]) == [stuck, late]
    assert late.waiting.what == "watchers.write()"
    # and, tokio's RwLock being fair, every later set_config waits behind it
    after = m.set_config(cfg(102))
    assert run([stuck, late, after]) == [stuck, late, after]
    assert after.waiting.what == "watchers.read()"
    assert len(rx.queue) == 100


def test_faithful_reading_again_unblocks_the_writer():
    m = ConfigManager(capacity=1)
    rx = done(m.watch_config(SID))
    done(m.set_config(cfg(1)))
    t = m.set_config(cfg(2))
    assert run([t]) == [t]
    assert rx.try_recv().new_config.version == 1
    assert run([t]) == []
    assert received(rx) == [2]


def test_fixed_watcher_that_stops_reading_blocks_nobody():
    m = FixedConfigManager()
    rx = done(m.watch_config(SID))
    for v in range(1, 202):
        done(m.set_config(cfg(v)))            # never waits for rx
    late = done(m.watch_config(SID))
    assert late.borrow_and_update().version == 201
    assert rx.borrow_and_update().version == 201   # the slow watcher skips to the latest


# ---------------------------------------------------------------- flaw 2: dropped receivers


def test_faithful_dropped_receiver_fails_silently_and_its_sender_stays_forever():
    m = ConfigManager(capacity=1)
    rx = done(m.watch_config(SID))
    rx.drop()
    for v in range(1, 4):
        done(m.set_config(cfg(v)))            # `let _ = sender.send(..)`: Err ignored
    assert len(m.watchers[SID]) == 1          # nothing ever removes a dead Sender
    for _ in range(5):
        done(m.watch_config(SID)).drop()
    assert len(m.watchers[SID]) == 6          # the Vec only grows


# ---------------------------------------------------------------- flaw 3: notifications out of store order


def _two_writers_race(m):
    rx = done(m.watch_config(SID))
    a, b = m.set_config(cfg(1)), m.set_config(cfg(2))
    a.step(); a.step()                        # A: configs.write(), stores v1, releases
    b.step(); b.step()                        # B: stores v2
    run([b])                                  # B notifies first
    run([a])                                  # then A
    return rx


def test_faithful_concurrent_set_config_notifies_out_of_store_order():
    m = ConfigManager()
    rx = _two_writers_race(m)
    assert [c.version for c in m.store_log] == [1, 2]
    assert received(rx) == [2, 1]             # the watcher applies 2, then 1
    assert done(m.get_config(SID)).version == 2   # ... and runs with 1 while 2 is stored


def test_fixed_publishes_in_store_order():
    m = FixedConfigManager()
    rx = done(m.watch_config(SID))
    a, b = m.set_config(cfg(1)), m.set_config(cfg(2))
    a.step()                                  # A queues for the lock
    b.step()                                  # B queues behind A
    run([b, a])
    seen = []
    while rx.has_changed():
        seen.append(rx.borrow_and_update().version)
    assert seen == [m.store_log[-1].version] == [2]


# ---------------------------------------------------------------- flaw 4: late registration misses the change


def test_faithful_watcher_registered_after_a_change_never_sees_it():
    m = ConfigManager()
    current = done(m.get_config(SID))         # client: read the current config ...
    done(m.set_config(cfg(1)))                # ... a change happens right now ...
    rx = done(m.watch_config(SID))            # ... then subscribe
    assert current is None
    assert rx.try_recv() is None              # nothing, now or ever: it runs with None
    assert done(m.get_config(SID)).version == 1


def test_fixed_subscription_returns_the_current_value():
    m = FixedConfigManager()
    done(m.set_config(cfg(1)))
    rx = done(m.watch_config(SID))
    assert rx.borrow_and_update().version == 1


# ---------------------------------------------------------------- scheduler hygiene


def test_step_on_a_blocked_task_raises():
    m = ConfigManager(capacity=1)
    done(m.watch_config(SID))
    done(m.set_config(cfg(1)))
    t = m.set_config(cfg(2))
    run([t])
    with pytest.raises(Blocked):
        t.step()


# ---------------------------------------------------------------- all interleavings of a small scenario


def _scenario(manager_cls, schedule):
    """Two set_config calls (A stores v1, B stores v2) and one client C
    (get_config, then watch_config, then it applies what it is sent; on the
    fixed manager: watch_config and the value it holds), with
    the tasks' steps taken in the order ``schedule`` names them.  Returns the
    tasks (by name), the manager and the client's view; a name whose task
    cannot step right now makes the schedule invalid (None)."""
    m = manager_cls() if manager_cls is FixedConfigManager else manager_cls(capacity=10)
    held = {"v": None}

    def client():
        if manager_cls is FixedConfigManager:
            # the fixed API: subscribe, and the subscription holds the current value
            rx = yield from _await_task(m.watch_config(SID))
            got = rx.borrow_and_update()
        else:
            # the document's API: read the current value, then subscribe
            got = yield from _await_task(m.get_config(SID))
            rx = yield from _await_task(m.watch_config(SID))
        held["v"] = got.version if got else 0
        return rx

    tasks = {"A": m.set_config(cfg(1)), "B": m.set_config(cfg(2)), "C": Task(client(), "client")}
    for who in schedule:
        if not tasks[who].ready():
            return None
        tasks[who].step()
    return tasks, m, held


def _interleavings(manager_cls):
    """Every interleaving of the scenario's steps (depth-first over the
    schedules, replayed from scratch).  Returns the set of (the version the
    client ends up holding, the version stored last)."""
    outcomes = set()
    stack = [""]
    while stack:
        sched = stack.pop()
        tasks, m, held = _scenario(manager_cls, sched)
        ready = [n for n, t in tasks.items() if t.ready()]
        if ready:
            stack.extend(sched + n for n in ready)
            continue
        assert all(t.done for t in tasks.values()), sched
        rx = tasks["C"].result
        if manager_cls is FixedConfigManager:
            if rx.has_changed():
                held["v"] = rx.borrow_and_update().version
        else:
            for v in received(rx):
                held["v"] = v
        outcomes.add((held["v"], m.store_log[-1].version))
    return outcomes


def _await_task(task: Task):
    """`inner.await` inside a generator-based async fn: the outer task
    suspends wherever the inner one does.  It also yields once before the
    inner call starts: on a multi-threaded runtime other tasks run between
    one statement of the client and the next."""
    yield Await("next statement", lambda: True)
    task.step()
    while not task.done:
        yield task.waiting
        task.step()
    return task.result


def test_every_interleaving_faithful_can_leave_the_client_stale():
    outcomes = _interleavings(ConfigManager)
    # (held, stored last): (1, 2) / (2, 1): the two notifications arrived in
    # the other order than the stores; (0, 1) / (0, 2): the client subscribed
    # just after a change's notification round and was never told
    assert outcomes == {(1, 1), (2, 2), (1, 2), (2, 1), (0, 1), (0, 2)}


def test_every_interleaving_fixed_leaves_the_client_current():
    outcomes = _interleavings(FixedConfigManager)
    assert outcomes and all(held == stored for held, stored in outcomes)


# ---------------------------------------------------------------- the specs' verdicts (explicit engine)


checker = pytest.importorskip("checker")

CONFIG = {
    "states": 115320,
    "violated": {"no_writer_blocked_forever": 9, "watch_config_returns": 11,
                 "watchers_see_store_order": 8, "quiescent_watchers_current": 13},
    "holds": {"typeok", "deadlock"},
}
CONFIG_FIXED = {
    "states": 1580,
    "violated": {},
    "holds": {"no_writer_blocked_forever", "watch_config_returns", "watchers_see_store_order",
              "quiescent_watchers_current", "typeok", "deadlock"},
}


@pytest.mark.parametrize("name, pinned", [("config", CONFIG), ("config_fixed", CONFIG_FIXED)])
def test_spec_verdicts_states_and_trace_lengths(name, pinned):
    r = checker.check(str(SPEC / f"{name}.spec"))
    assert r.stats.states == pinned["states"]
    assert r.exhaustive
    for prop, steps in pinned["violated"].items():
        assert r.get(prop).verdict.value == "violated", prop
        assert len(r.trace(prop)) == steps, prop
    for prop in pinned["holds"]:
        assert r.holds(prop), prop


def test_config_blocked_writer_trace_is_the_stalled_watcher():
    r = checker.check(str(SPEC / "config.spec"))
    steps = r.trace("no_writer_blocked_forever").steps
    last = steps[-1].state
    assert steps[-1].action == "stop_reading"
    assert last["stalled"] == frozenset({1}) and last["ch"][0] == (1,)


def test_config_with_room_for_every_change_never_blocks_a_writer():
    # CAP = WRITERS: a channel can hold every change of the run, so it is never full
    r = checker.check(str(SPEC / "config.spec"), consts={"CAP": 2})
    assert r.stats.states == 131976
    assert r.holds("no_writer_blocked_forever") and r.holds("watch_config_returns")
    assert not r.holds("watchers_see_store_order")
