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
