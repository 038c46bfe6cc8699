"""The SIGINT/SIGTERM flag of run.execute (no processes, no real signals)."""
from __future__ import annotations

import signal

import pytest

from checker.run import Interrupted, StopFlag


def test_signal_while_writing_reports_is_only_recorded():
    f = StopFlag()
    f.handler(signal.SIGTERM, None)          # not armed: reports being written
    assert f.requested and f.signum == signal.SIGTERM


def test_signal_while_search_polls_sets_flag_then_second_raises():
    f = StopFlag()
    f.armed = True
    assert f() is False                      # the search polled just now
    f.handler(signal.SIGINT, None)
    assert f() is True and f.signum == signal.SIGINT
    with pytest.raises(Interrupted) as e:    # impatient second Ctrl-C
        f.handler(signal.SIGINT, None)
    assert e.value.signum == signal.SIGINT and isinstance(e.value, KeyboardInterrupt)


def test_signal_while_nothing_polls_raises_at_once():
    f = StopFlag()
    f.armed = True                           # e.g. compiling, or a symbolic engine
    with pytest.raises(Interrupted):
        f.handler(signal.SIGTERM, None)
    f2 = StopFlag()
    f2.armed = True
    f2()
    f2.idle()                                # the explicit search returned
    with pytest.raises(Interrupted):
        f2.handler(signal.SIGINT, None)
