"""Memory figures of this process: the resident set now (for --max-memory
between chunks) and its peak (for the report's statistics)."""
from __future__ import annotations

import os
import resource
import sys


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 4096


_PAGE = _page_size()


def peak_memory_bytes() -> int:
    """The peak resident set of this process in bytes (getrusage)."""
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ru if sys.platform == "darwin" else ru * 1024


def peak_rss_mb() -> float:
    return peak_memory_bytes() / 1e6


def rss_mb() -> float:
    """The resident set size of this process in MB (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()
