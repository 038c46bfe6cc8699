"""The SIGINT/SIGTERM handler of run.execute on the run's Cancel (no processes, no real signals)."""
from __future__ import annotations

import signal

import pytest

from checker.cancel import INTERRUPTED, TIMEOUT, Cancel
from checker.run import Interrupted, StopFlag


def test_signal_while_writing_reports_is_only_recorded():
    f = StopFlag()
    f.handler(signal.SIGTERM, None)          # not armed: reports being written
    assert f.requested and f.signum == signal.SIGTERM
    assert f.cancel.reason == INTERRUPTED and f.cancel.signum == signal.SIGTERM


def test_first_signal_stops_the_cancel_second_raises():
    f = StopFlag()
    f.armed = True
    assert f() is False
    f.handler(signal.SIGINT, None)           # the engines poll the cancel and return
    assert f() is True and f.cancel.poll() == INTERRUPTED
    assert f.cancel.words() == "interrupted (SIGINT)"
    with pytest.raises(Interrupted) as e:    # impatient second Ctrl-C
        f.handler(signal.SIGINT, None)
    assert e.value.signum == signal.SIGINT and isinstance(e.value, KeyboardInterrupt)


def test_hard_stop_raises_only_while_armed():
    f = StopFlag()
    f.armed = True
    f._hard = True                           # what hard_stop sets before interrupting the main thread
    with pytest.raises(Interrupted):
        f.handler(signal.SIGINT, None)
    f.armed = False
    f._hard = True
    f.handler(signal.SIGINT, None)           # the reports are being written: ignored
    assert f.signum is None


def test_timeout_and_interrupt_are_different_words():
    c = Cancel(timeout=60)
    c.stop(TIMEOUT)
    c.stop(INTERRUPTED, signal.SIGINT)        # the first reason is kept
    assert c.words() == "time limit reached (60 s)"
    assert Cancel().words() == ""


def test_deadline_is_seen_by_a_poll_without_the_watchdog():
    c = Cancel(timeout=0.0)
    assert c.poll() == TIMEOUT and c.cell[0] == TIMEOUT and c.remaining() == 0.0


def test_a_worker_terminated_at_once_does_not_signal_the_run():
    """--workers: a worker terminated right after the fork, before it let go
    of the parent's handlers, wrote SIGTERM into the parent's wakeup socket,
    and the run ended as if the user had sent SIGTERM (exit 143; found by
    bench/limits_fuzz.py, --max-states 1).  The signals are blocked across
    the fork now: whatever the timing, the socket stays empty."""
    import os

    from checker.explicit.workers import Pool
    from checker.orchestrate.signals import install, restore

    class Idle:          # a worker only needs attach() before it waits for tasks
        def attach(self, _):
            pass

    f = StopFlag()
    old = install(f)
    try:
        pool = Pool(Idle(), None, 4)
        for p in pool.procs:
            p.terminate()
        for p in pool.procs:
            p.join()
        try:
            written = os.read(f.cancel.wakeup, 64)
        except BlockingIOError:
            written = b""
    finally:
        restore(old)
    assert signal.SIGTERM not in written and not f.requested
    assert all(p.exitcode == -signal.SIGTERM for p in pool.procs)


def test_a_worker_starts_with_the_stop_signals_blocked(monkeypatch):
    """The condition behind the test above, without its race: a worker's
    first instruction runs with SIGTERM and SIGINT blocked (delivered only
    once it has let go of the parent's handlers)."""
    import multiprocessing

    from checker.explicit import workers

    ctx = multiprocessing.get_context("fork")
    masks = ctx.Queue()
    monkeypatch.setattr(workers, "_serve", lambda *a: masks.put(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
    pool = workers.Pool(None, None, 2)
    got = [masks.get(timeout=60) for _ in pool.procs]
    for p in pool.procs:
        p.join()
    assert all({signal.SIGTERM, signal.SIGINT} <= m for m in got)
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])   # the parent's is back
