"""Checks run from the page: one background thread per check, its progress
(states, depth, rate) read by the page's polling, then its verdicts and each
counterexample as a path into the stepper.

The jobs live in a ``Jobs`` object owned by the app (no global state).  A
thread cannot be killed; a job is stopped through the engine's
``should_stop`` hook, which the explicit engine polls between chunks.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Optional

from ..options import Options, Progress
from .model import Explorer
from .traces import OpenedTrace, TraceInputError, trace_to_path


@dataclass
class Job:
    id: int
    mode: str                              # "explicit" | "simulate"
    traces: int = 1                        # explicit: up to this many counterexamples per property
    started: float = field(default_factory=time.monotonic)
    progress: Optional[Progress] = None
    done: bool = False
    error: str = ""
    verdicts: list = field(default_factory=list)   # dicts for the template
    summary: str = ""
    stop: threading.Event = field(default_factory=threading.Event)


class Jobs:
    def __init__(self, explorer: Explorer, options: Options):
        self.explorer = explorer
        self.options = options
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.jobs: dict[int, Job] = {}

    def start(self, mode: str, traces: int = 1) -> Job:
        job = Job(next(self._ids), mode, traces if mode == "explicit" else 1)
        with self._lock:
            self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), daemon=True, name=f"explore-check-{job.id}").start()
        return job

    def get(self, job_id: int) -> Optional[Job]:
        with self._lock:
            return self.jobs.get(job_id)

    def _run(self, job: Job) -> None:
        from ..run import run_spec

        def progress(p: Progress) -> None:
            job.progress = p

        opts = replace(self.options, progress=progress, should_stop=job.stop.is_set,
                       simulate=job.mode == "simulate", traces=job.traces)
        try:
            result = run_spec(self.explorer.spec, "explicit", opts)
            job.verdicts = [self._verdict(p) for p in result.properties]
            s = result.stats
            job.summary = (f"{s.states:,} states, {s.transitions:,} transitions, depth {s.depth}"
                           + ("" if result.exhaustive else " (not exhaustive)"))
        except Exception as e:   # shown on the page; the server goes on
            job.error = f"{type(e).__name__}: {e}"
        finally:
            job.done = True

    def _verdict(self, p) -> dict:
        out = {"name": p.name, "kind": p.kind, "verdict": p.verdict.value, "detail": p.detail,
               "method": p.method, "trace": None, "length": None, "lasso": False, "problem": "", "more": []}
        if p.trace is not None:
            try:
                opened: OpenedTrace = trace_to_path(self.explorer, p.trace, p.name)
                out["trace"] = opened
                out["length"] = len(p.trace)
                out["lasso"] = p.trace.loop_start is not None
            except TraceInputError as e:
                out["problem"] = str(e)
        for t in p.more_traces:
            try:
                out["more"].append((trace_to_path(self.explorer, t, p.name), len(t)))
            except TraceInputError as e:
                out["problem"] = str(e)
        return out
