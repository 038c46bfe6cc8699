"""One cancellation mechanism for every engine: a deadline, a stop flag and a
memory limit, watched by one thread.

A :class:`Cancel` is made once per run (``run.execute`` for the command
line, ``run.run_spec`` for a library call without one) and travels to the
engines in ``Options.cancel``; nothing about it is global.  Engines learn
that they must stop in three ways:

- **polling** ``cancel.poll()`` (or reading ``cancel.cell[0]``, which the
  explicit engine's generated code does once per state and once per binding
  of an action with many bindings): not None means stop; the value is the
  reason, ``TIMEOUT``, ``INTERRUPTED`` or ``MAX_MEMORY``.  Polls inside code
  that cannot return a partial result raise :class:`Halted` instead
  (``cancel.check()``; the parser and the generated successor functions).
- **Z3 interrupts**: while a symbolic engine runs it registers
  ``ctx.interrupt`` with :meth:`Cancel.interrupting`; once the cancel has
  fired, the watchdog calls it every ``TICK`` seconds (an interrupt stops the
  query running then, not later ones, so it is repeated until the engine has
  polled and returned).
- a **hard stop**, the last resort for code that never polls (the command
  line sets ``hard_stop`` to interrupt the main thread): called once when
  the run has not ended after its main thread spent ``GRACE`` CPU seconds
  since the cancel fired (or ``GRACE_WALL`` seconds went by).

The watchdog thread wakes every ``TICK`` seconds: it checks the deadline,
samples the resident set of the whole process tree (this process and its
children, e.g. ``--workers``) against ``max_memory_mb`` with headroom, and
reads the signal numbers that ``signal.set_wakeup_fd`` writes to ``wakeup``
(so a SIGINT is seen at once even while the main thread is inside a Z3 call,
where Python's own handler only runs after the call returns).

Limits, honestly: the watchdog samples, so memory that grows faster than
``HEADROOM`` of the limit per ``TICK`` can pass the limit before the stop;
the explicit engine also samples between chunks of states.  Z3 grows that
fast (a bmc unrolling), so the symbolic engines also cap Z3's allocator
before every query at what the limit leaves (:meth:`Cancel.memory_left_mb`;
symbolic/common.py), and Z3's "out of memory" is this run's memory stop
(:meth:`Cancel.solver_failed`).
"""
from __future__ import annotations

import os
import select
import threading
import time
from contextlib import contextmanager
from typing import Callable, Optional

TIMEOUT = "timeout"
INTERRUPTED = "interrupted"
MAX_MEMORY = "max_memory"

TICK = 0.05        # seconds between two watchdog checks (deadline, memory, Z3 interrupt)
GRACE = 1.0        # CPU seconds of the main thread a run may spend returning its partial
#                    result after the stop (CPU, not wall-clock: on a loaded machine the same
#                    work takes longer, and a hard stop would lose the partial result)
GRACE_WALL = 10.0  # wall-clock seconds after the stop: the hard stop whatever the CPU count
HEADROOM = 0.85    # stop when the process tree's resident set passes this share of --max-memory
Z3_SHARE = 0.95    # Z3's own allocator is capped so that the tree stays below this share: Z3
#                    can grow by hundreds of MB between two samples, the cap stops it at once
MEMOUT = ("out of memory", "max. memory exceeded", "memout")   # Z3's words for its cap


class Halted(Exception):
    """Raised by a poll in code that cannot return a partial result (the
    parser, the explicit engine's successor functions): the run must stop."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 4096


PAGE = _page_size()


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/children", "rb") as f:
                out += [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            continue
    return out


def tree_rss_mb(pid: Optional[int] = None) -> float:
    """Resident set of a process and all its descendants, in MB (from /proc;
    0 where /proc is missing).  Shared copy-on-write pages of forked workers
    are counted in each process, so this errs on the high side."""
    root = os.getpid() if pid is None else pid
    total = 0
    todo = [root]
    seen = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_pages(p)
        todo += _children(p)
    return total * PAGE / 1e6


def process_started() -> Optional[float]:
    """When this process started, on ``time.monotonic()``'s clock (None
    where /proc or the boot-time clock is missing).  The command line's
    --timeout counts from here: a user times the command from the moment
    it was started, and Python's start-up and imports take a second of a
    loaded machine before any Cancel exists."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])                       # field 22, starttime, in clock ticks since boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    if not 0.0 <= age < 60.0:   # a clock that disagrees: count from now
        return None
    return time.monotonic() - age


def words(reason: Optional[str], timeout: Optional[float] = None,
          max_memory_mb: Optional[float] = None, signum: Optional[int] = None) -> str:
    """The reason for a stop in the words every report uses."""
    if reason == TIMEOUT:
        return f"time limit reached ({timeout:g} s)" if timeout is not None else "time limit reached"
    if reason == MAX_MEMORY:
        return (f"memory limit reached (--max-memory {max_memory_mb:g} MB)"
                if max_memory_mb is not None else "memory limit reached")
    if reason == INTERRUPTED:
        return f"interrupted ({_signal_name(signum)})" if signum else "interrupted"
    return ""


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Cancel:
    """A run's deadline, stop flag and memory limit (see the module docstring)."""

    def __init__(self, timeout: Optional[float] = None, max_memory_mb: Optional[float] = None,
                 should_stop: Optional[Callable[[], bool]] = None, started: Optional[float] = None):
        # the limits count from ``started`` (monotonic; the process's start for the command line)
        self.started = time.monotonic() if started is None else started
        self.timeout = timeout
        self.deadline = None if timeout is None else self.started + timeout
        self.max_memory_mb = max_memory_mb
        self.should_stop = should_stop   # a caller's own flag (library use), polled too
        self.cell: list = [None]         # the reason once stopped; generated code reads cell[0]
        self.signum: Optional[int] = None
        self.fired_at: Optional[float] = None
        self.memory_mb = 0.0             # the tree's resident set when the memory limit stopped it
        self.peak_memory_mb = 0.0        # the largest sample the watchdog took
        self.hard_stop: Optional[Callable[[], None]] = None
        self.wakeup: Optional[int] = None  # read end of signal.set_wakeup_fd's socket
        self._interrupts: list = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._hard_done = False
        self._fired_cpu = 0.0
        try:   # the main thread's CPU clock, read from the watchdog (Linux, macOS)
            self._main_clock = time.pthread_getcpuclockid(threading.main_thread().ident)
        except (AttributeError, OSError, TypeError):
            self._main_clock = None

    # ------------------------------------------------------------ polling

    @property
    def reason(self) -> Optional[str]:
        return self.cell[0]

    def poll(self) -> Optional[str]:
        """The reason to stop, or None; also checks the deadline and the
        caller's flag itself, so it works without the watchdog."""
        r = self.cell[0]
        if r is None:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                self.stop(TIMEOUT)
            elif self.should_stop is not None and self.should_stop():
                self.stop(INTERRUPTED)
            r = self.cell[0]
        return r

    def check(self) -> None:
        """Raise :class:`Halted` when the run must stop."""
        r = self.poll()
        if r is not None:
            raise Halted(r)

    def remaining(self) -> Optional[float]:
        """Seconds left before the deadline (0 once stopped), None without one."""
        if self.cell[0] is not None:
            return 0.0
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def words(self) -> str:
        return words(self.cell[0], self.timeout, self.max_memory_mb, self.signum)

    def memory_left_mb(self) -> Optional[float]:
        """MB the process tree may still grow before ``Z3_SHARE`` of
        ``--max-memory`` (negative once past it), None without a limit."""
        if self.max_memory_mb is None:
            return None
        return self.max_memory_mb * Z3_SHARE - tree_rss_mb()

    def solver_failed(self, why: str) -> Optional[str]:
        """The run's stop reason when a solver's failure (the reason of an
        ``unknown``, the message of an exception) is a stop: Z3 reached the
        memory cap this run gave it (then the run stops for memory), or the
        run had been stopped and Z3 was interrupted.  None: the solver's own
        failure, which the engine reports as such."""
        if self.max_memory_mb is not None and any(m in why.lower() for m in MEMOUT):
            self.memory_mb = max(self.memory_mb, tree_rss_mb())
            self.stop(MAX_MEMORY)
        return self.poll()

    # ------------------------------------------------------------ stopping

    def stop(self, reason: str, signum: Optional[int] = None) -> None:
        """Ask the run to stop (the first reason is kept)."""
        with self._lock:
            if self.cell[0] is None:
                self.cell[0] = reason
                self.signum = signum
                self.fired_at = time.monotonic()
                self._fired_cpu = self._main_cpu()

    @contextmanager
    def interrupting(self, interrupt: Callable[[], None], clear: Optional[Callable[[], None]] = None):
        """While inside, the watchdog calls ``interrupt`` (e.g. a Z3 context's
        ``interrupt``) every tick once the cancel has fired.  On the way out,
        once no more interrupt can come, ``clear`` is called if the cancel
        fired: an interrupt that arrived after the last query stays pending
        in Z3's context and would cancel the next run's first call in the
        same process (library use: the pytest plugin, watch mode)."""
        with self._lock:
            self._interrupts.append(interrupt)
        try:
            yield self
        finally:
            with self._lock:   # the watchdog calls the interrupts under this lock
                self._interrupts.remove(interrupt)
            if clear is not None and self.cell[0] is not None:
                clear()

    # ------------------------------------------------------------ the watchdog

    def start(self) -> "Cancel":
        """Start the watchdog thread (idempotent)."""
        if self._thread is None and not self._closed.is_set():
            self._thread = threading.Thread(target=self._watch, name="verify-watchdog", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the watchdog (the run has ended: no hard stop after this)."""
        self._closed.set()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout=2)

    def _watch(self) -> None:
        while not self._closed.is_set():
            self._wait(TICK)
            if self._closed.is_set():
                return
            self.poll()
            if self.max_memory_mb is not None and self.cell[0] is None:
                mb = tree_rss_mb()
                self.peak_memory_mb = max(self.peak_memory_mb, mb)
                if mb > self.max_memory_mb * HEADROOM:
                    self.memory_mb = mb
                    self.stop(MAX_MEMORY)
            if self.cell[0] is None:
                continue
            with self._lock:   # under the lock: none comes after interrupting() has ended
                for f in self._interrupts:
                    try:
                        f()
                    except Exception:  # an interrupt of a finished context: nothing to stop
                        pass
            late = self.fired_at is not None and (
                time.monotonic() - self.fired_at > GRACE_WALL
                or self._main_cpu() - self._fired_cpu > GRACE)
            if late and self.hard_stop is not None and not self._hard_done:
                self._hard_done = True
                self.hard_stop()

    def _main_cpu(self) -> float:
        """CPU seconds of the main thread (wall-clock where that clock is missing)."""
        if self._main_clock is not None:
            try:
                return time.clock_gettime(self._main_clock)
            except OSError:
                pass
        return time.monotonic()

    def _wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``; a signal number on ``wakeup`` stops the run at once."""
        if self.deadline is not None and self.cell[0] is None:
            seconds = min(seconds, max(0.0, self.deadline - time.monotonic()))
        fd = self.wakeup
        if fd is None:
            self._closed.wait(seconds)
            return
        try:
            ready, _, _ = select.select([fd], [], [], seconds)
        except (OSError, ValueError):
            self._closed.wait(seconds)
            return
        if not ready:
            return
        try:
            data = os.read(fd, 64)
        except (BlockingIOError, InterruptedError, OSError):
            return
        import signal

        for b in data:
            if b in (signal.SIGINT, signal.SIGTERM):
                self.stop(INTERRUPTED, b)


def for_options(options) -> Cancel:
    """The run's Cancel, or a watchdog-less one from ``options`` (an engine
    called directly, e.g. by a test): its polls still see the deadline and
    ``options.should_stop``."""
    c = getattr(options, "cancel", None)
    if c is not None:
        return c
    return Cancel(options.timeout, options.max_memory_mb, options.should_stop)
