"""A progress line on stderr while a long check runs.

``ProgressLine`` is the callable an engine receives as ``Options.progress``
(it is called about once a second with a ``checker.options.Progress``).  It
draws only when its stream is a terminal and the run has taken more than
``delay`` seconds, rewrites the line in place with ``\\r``, and ``close()``
clears it, so the report that follows starts on a clean line.
"""
from __future__ import annotations

import sys
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
        try:
            self.enabled = force or self.stream.isatty()
        except Exception:
            self.enabled = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        elapsed = max(p.seconds, self.clock() - self.start)
        if elapsed < self.delay:
            return
        self._draw(format_progress(p))

    def _draw(self, text: str) -> None:
        text = text[:100]
        pad = max(0, self.width - len(text))
        try:
            self.stream.write("\r" + text + " " * pad)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
            return
        self.width = len(text)

    def close(self) -> None:
        """Clear the line (if one was drawn)."""
        if self.width:
            try:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.width = 0


def format_progress(p: Progress) -> str:
    rate = p.states / p.seconds if p.seconds > 0 else 0.0
    parts = [f"{p.states:,} states", f"{p.transitions:,} transitions", f"depth {p.depth}",
             f"{rate:,.0f} states/s", f"{p.seconds:.0f} s"]
    if p.note:
        parts.append(p.note)
    return "verify: " + ", ".join(parts)
