"""Suite-wide: the slow tier named in tests/slow_tier.txt gets the `slow`
marker (declared in pyproject.toml; the default run deselects it); SIGINT
has its usual disposition in every test process."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

SLOW_LIST = Path(__file__).with_name("slow_tier.txt")


def pytest_configure(config):
    """A shell's background job (``pytest &``, a CI step started that way)
    starts with SIGINT ignored, and every process below inherits it: the
    xdist workers, and the verify processes the tests start.  verify, like
    Python itself, keeps an ignored SIGINT ignored (nohup's contract), so
    the tests that send SIGINT (to a child, or to their own process) would
    wait for a stop that never comes.  Here, in pytest's process and in
    each worker (both load this file), SIGINT gets Python's usual handler;
    a handler is reset to the default at exec, so children get SIG_DFL."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def slow_tier_ids() -> set[str]:
    ids = set()
    for line in SLOW_LIST.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids


@pytest.hookimpl(tryfirst=True)  # before -m deselects: the marker must be there by then
def pytest_collection_modifyitems(config, items):
    listed = slow_tier_ids()
    found = set()
    files = set()
    for item in items:
        files.add(item.nodeid.split("::", 1)[0])
        if item.nodeid in listed:
            item.add_marker(pytest.mark.slow)
            found.add(item.nodeid)
    named_items = any("::" in str(a) for a in config.invocation_params.args)
    stale = sorted(i for i in listed - found if i.split("::", 1)[0] in files)
    if stale and not named_items:
        raise pytest.UsageError(f"tests/slow_tier.txt names tests that do not exist (renamed?): {stale[:3]}")
