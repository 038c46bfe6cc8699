"""A progress line on stderr while a long check runs.

``ProgressLine`` is the callable an engine receives as ``Options.progress``
(it is called about once a second with a ``checker.options.Progress``).  It
draws only when its stream is a terminal and the run has taken more than
``delay`` seconds, rewrites the line in place with ``\\r``, and ``close()``
clears it, so the report that follows starts on a clean line.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import IO, Optional

from ..options import Progress


class ProgressLine:
    def __init__(self, stream: Optional[IO[str]] = None, delay: float = 1.0,
                 force: bool = False, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.clock = clock
        self.start = clock()
        self.width = 0
        self.label = ""
        self.last_note = ""
        self.last_report = self.start
        self._lock = threading.Lock()
        self._stop: Optional[threading.Event] = None
        try:
            self.enabled = force or self.stream.isatty()
        except Exception:
            self.enabled = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = self.clock()
        self.last_report = now
        self.last_note = p.note
        elapsed = max(p.seconds, now - self.start)
        if elapsed < self.delay:
            return
        text = format_progress(p)
        if self.label:
            text = text.replace("verify: ", f"verify: {self.label}: ", 1)
        self._draw(text)

    def mark(self, text: str) -> None:
        """Draw ``text`` now, without the start-up delay (e.g. "kind running":
        the moment an engine starts, which scripts and tests wait for)."""
        if self.enabled:
            self.last_note = text
            self._draw(f"verify: {text}")

    def set_label(self, label: str) -> None:
        """What is running now (e.g. the engine's name in a cross-check)."""
        self.label = label

    def heartbeat(self, interval: float = 1.0) -> None:
        """Also show the elapsed time when the engine reports nothing for a
        while (a solver call can take minutes).  A daemon thread; ``close()``
        stops it."""
        if not self.enabled or self._stop is not None:
            return
        self._stop = threading.Event()

        def beat(stop: threading.Event) -> None:
            while not stop.wait(interval):
                now = self.clock()
                if now - self.start >= self.delay and now - self.last_report >= 1.5 * interval:
                    what = self.label or "checking"
                    note = f", {self.last_note}" if self.last_note else ""
                    self._draw(f"verify: {what}, {now - self.start:.0f} s{note}")

        threading.Thread(target=beat, args=(self._stop,), daemon=True).start()

    def _draw(self, text: str) -> None:
        text = text[:100]
        with self._lock:
            if not self.enabled:
                return
            pad = max(0, self.width - len(text))
            try:
                self.stream.write("\r" + text + " " * pad)
                self.stream.flush()
            except (OSError, ValueError):
                self.enabled = False
                return
            self.width = len(text)

    def close(self) -> None:
        """Stop the heartbeat and clear the line (if one was drawn); the
        line is finished after this."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None
        with self._lock:
            if self.width:
                try:
                    self.stream.write("\r" + " " * self.width + "\r")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
                self.width = 0
            self.enabled = False   # a beat that is still on its way draws nothing


def format_progress(p: Progress) -> str:
    parts = []
    if p.states or p.transitions:
        rate = p.states / p.seconds if p.seconds > 0 else 0.0
        parts += [f"{p.states:,} states", f"{p.transitions:,} transitions"]
        if p.depth:
            parts.append(f"depth {p.depth}")
        parts.append(f"{rate:,.0f} states/s")
    elif p.depth:
        parts.append(f"depth {p.depth}")
    parts.append(f"{p.seconds:.0f} s")
    if p.note:
        parts.append(p.note)
    return "verify: " + ", ".join(parts)
