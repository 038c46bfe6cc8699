"""Worker processes of the compact search (``Options.workers`` > 1).

The workers are forked after the spec is compiled, so they inherit the
compiled program (nothing is pickled but chunks of states, results and error
records).  A task is (generation, index, active properties, chunk of a
level); a worker expands the chunk with the collect-mode level function for
those properties, and returns the chunk's sorted distinct successors, its
transition count and the first violations it met (a fresh ``Found`` per
task).  The parent applies results in chunk order, so ``found`` ends up as
with one worker.  Results of an abandoned level (a stop mid-level) carry an
old generation and are dropped.

Needs the ``fork`` start method (Linux, macOS); elsewhere ``--workers`` is
refused by the engine.
"""
from __future__ import annotations

import multiprocessing
import signal
import queue
import traceback

from ..cancel import TICK
from .compile import Program
from .levels import Codec, sorted_unique
from .found import Found


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _detach_signals() -> None:
    """A worker is forked with the parent's signal handlers and its
    set_wakeup_fd socket: without this, the parent's terminate() (SIGTERM)
    would only set a flag in the worker's copy of the run, and a signal to
    the worker would reach the parent's watchdog as if sent to it.  Ctrl-C
    reaches the whole process group: the parent handles it and stops us."""
    import signal

    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:   # Linux: die with the parent even when it is killed with SIGKILL
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(prog: Program, codec: Codec, tasks, results) -> None:
    _detach_signals()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)   # blocked by Pool across the fork
    prog.attach(None)   # the parent polls the run's stop flag and terminates us; our copy of
    #                     the flag may already be set at the fork and must not fail a task
    fns: dict = {}
    while True:
        task = tasks.get()
        if task is None:
            return
        gen, idx, key, chunk = task
        try:
            fn = fns.get(key)
            if fn is None:
                fn = fns[key] = prog.collect_level_function(list(key[0]), list(key[1]), key[2])
            found = Found(len(prog.spec.invariants))
            out: list = []
            tr = fn(codec.decode(chunk), out, out.append, found.err, found.viol, found.dead)
            cand = sorted_unique(codec.encode(out))
            results.put((gen, idx, None, cand, tr,
                         (found.inv, found.typeok, found.deadlock, found.reach)))
        except BaseException:
            results.put((gen, idx, traceback.format_exc(), None, 0, None))


class Pool:
    def __init__(self, prog: Program, codec: Codec, n: int):
        ctx = multiprocessing.get_context("fork")
        self.n = n
        self.tasks = ctx.Queue()
        self.results = ctx.Queue()
        self.generation = 0
        self.busy = False          # a level's tasks may still be queued or running
        self.cancel = None         # the run's Cancel (checker/cancel.py), polled while waiting
        self.procs = [ctx.Process(target=_serve, args=(prog, codec, self.tasks, self.results),
                                  daemon=True) for _ in range(n)]
        # SIGTERM and SIGINT blocked across the fork: a worker terminated
        # before _detach_signals ran would run the parent's handler and write
        # SIGTERM to the parent's wakeup socket (the run then ended as if the
        # user had sent it: exit 143); the child unblocks once detached
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            for p in self.procs:
                p.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def run(self, chunks, active, found: Found):
        """(new candidates, transitions) per chunk, in chunk order; at most
        2 tasks per worker in flight, so a changed set of active properties
        reaches the next tasks"""
        self.generation += 1
        gen = self.generation
        window = 2 * self.n
        sent = 0
        buf: dict = {}
        self.busy = True
        for i in range(len(chunks)):
            while sent < len(chunks) and sent < i + window:
                self.tasks.put((gen, sent, active(), chunks[sent]))
                sent += 1
            while i not in buf:
                try:
                    g, j, err, cand, tr, rec = self.results.get(timeout=TICK)
                except queue.Empty:   # poll the run's stop flag while the workers work
                    if self.cancel is not None:
                        self.cancel.check()
                    continue
                if g == gen:
                    buf[j] = (err, cand, tr, rec)
            err, cand, tr, rec = buf.pop(i)
            if err is not None:
                raise RuntimeError("internal error in a worker process:\n" + err)
            inv, typeok, deadlock, reach = rec
            for k, (s, e) in inv.items():
                found.viol(k, s, e)
            for k, s in reach.items():
                found.reached(k, s)
            if typeok is not None:
                found.err(typeok[1], typeok[0], typeok[2], typeok[3])
            if deadlock is not None:
                found.dead(deadlock)
            yield cand, tr
        self.busy = False

    def close(self) -> None:
        """Stop the workers: politely after a finished level; at once after a
        stop mid-level (their queued results will never be read)"""
        if not self.busy:
            for _ in self.procs:
                self.tasks.put(None)
        for p in self.procs:
            if self.busy:
                p.terminate()
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join()
        for q in (self.tasks, self.results):
            q.close()
            q.cancel_join_thread()
