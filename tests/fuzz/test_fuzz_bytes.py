"""(c) Byte-level mutations (bit flips, inserted / deleted bytes, NUL bytes,
invalid UTF-8, splices, truncation) of the specs in spec/, run through the
``verify`` command in-process (``checker.cli.main``): exit code 0, 1, 2 or 3
-- never 4 (internal error) -- and no traceback on stderr."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import DIAGNOSTIC, cli_outcome, known_bug
from specgen import HypSrc, mutate_bytes

SPECS = sorted((Path(__file__).parents[2] / "spec").glob("*.spec"))
ARGS = ("--max-states", "300", "--max-depth", "6", "--timeout", "5")
SETTINGS = settings(max_examples=15, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(data: bytes):
    out, code, so, se = cli_outcome(data, ARGS, seconds=20)
    if known_bug(out):
        return
    assert code in (0, 1, 2, 3), f"{out}\n{se[-2000:]}"
    assert "Traceback" not in se
    if out.kind == DIAGNOSTIC:
        # a spec error names the file and a position; other input errors are `verify: error:`
        first = se.splitlines()[0]
        assert re.match(r".*fuzz\.spec:\d+:\d+: error: |verify: error: ", first), first


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_byte_mutations_of_example_specs(spec):
    original = spec.read_bytes()

    @SETTINGS
    @given(st.data())
    def run(data):
        _check(mutate_bytes(HypSrc(data), original))

    run()


@pytest.mark.parametrize("data", [
    b"", b"\x00", b"\xff\xfe", b"\xef\xbb\xbfspec s\nvar x: bool = true\n",
    b"spec s\nvar x: bool = true\x00\n", b"spec s\nvar x\xc3\x28: bool = true\n",
    b"spec \xed\xa0\x80\n", b"spec s\r\nvar x: bool = true\r\naction a { x = not x }\r\n",
    b"spec s\nvar x: bool = true\naction a { x = not x }\n\x1a",
], ids=lambda b: repr(b[:12]))
def test_odd_bytes(data):
    _check(data)
