"""SIGINT and SIGTERM during a run: the handlers of one ``execute``.

A first signal only stops the run's :class:`~checker.cancel.Cancel`: every
engine polls it and returns its partial ("interrupted") result; Z3 queries
are interrupted from the watchdog thread (which sees the signal at once
through ``signal.set_wakeup_fd``).  A second signal, or the watchdog's hard
stop, raises :class:`Interrupted`.  Everything about signals is here, so a
change of policy is one module's edit.
"""
from __future__ import annotations

import _thread
import signal
import socket
import threading
from typing import Optional

from ..cancel import INTERRUPTED, Cancel


class Interrupted(KeyboardInterrupt):
    """A signal (or the watchdog's hard stop) ended the run where nothing
    polls: no partial result for the file being checked."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class StopFlag:
    """The SIGINT/SIGTERM handler of one ``execute``, on the run's
    :class:`~checker.cancel.Cancel`.  A first signal only stops the cancel;
    a second signal, or the watchdog's hard stop (the run did not return
    ``cancel.GRACE`` seconds after the stop, e.g. inside code that never
    polls), raises :class:`Interrupted`.  While the reports are written
    (``armed`` False) a signal is only recorded, so no output is cut in half."""

    def __init__(self, cancel=None):
        self.cancel = cancel if cancel is not None else Cancel()
        self.signum: Optional[int] = None
        self.armed = False
        self._hard = False

    @property
    def requested(self) -> bool:
        return self.signum is not None or self.cancel.signum is not None

    @property
    def stopped(self) -> bool:
        """A signal or a limit of the whole run (timeout, memory) stopped it."""
        return self.requested or self.cancel.reason is not None

    def __call__(self) -> bool:
        return self.requested

    def handler(self, signum, frame) -> None:
        if self._hard:
            self._hard = False
            if self.armed:
                raise Interrupted(self.signum or self.cancel.signum or 0)
            return
        first = self.signum is None
        self.signum = signum
        self.cancel.stop(INTERRUPTED, signum)
        if self.armed and not first:
            raise Interrupted(signum)

    def hard_stop(self) -> None:
        """Called by the watchdog thread: interrupt the main thread (it then
        runs ``handler`` with ``_hard`` set)."""
        if self.armed:
            self._hard = True
            _thread.interrupt_main(signal.SIGINT)


def install(flag: StopFlag) -> dict:
    """Install the handlers (main thread only), and the wakeup socket that
    lets the watchdog see a signal while the main thread is inside a Z3 call;
    return what to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    old = {}
    try:
        r, w = socket.socketpair()
        r.setblocking(False)
        w.setblocking(False)
        old["wakeup"] = (signal.set_wakeup_fd(w.fileno(), warn_on_full_buffer=False), r, w)
        flag.cancel.wakeup = r.fileno()
    except (ValueError, OSError):
        pass
    for name in ("SIGINT", "SIGTERM"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            if signal.getsignal(sig) is signal.SIG_IGN:  # e.g. nohup, a background job: keep ignoring
                continue
            old[sig] = signal.signal(sig, flag.handler)
        except (ValueError, OSError):
            pass
    if signal.SIGINT in old:
        flag.cancel.hard_stop = flag.hard_stop
    return old


def restore(old: dict, keep_handlers: bool = False) -> None:
    """Put back what :func:`install` replaced (``keep_handlers``: only the wakeup fd)."""
    wake = old.pop("wakeup", None)
    for sig, h in ({} if keep_handlers else old).items():
        try:
            signal.signal(sig, h)
        except (ValueError, OSError):
            pass
    if wake is not None:
        fd, r, w = wake
        try:
            signal.set_wakeup_fd(fd)
        except (ValueError, OSError):
            pass
        r.close()
        w.close()


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
