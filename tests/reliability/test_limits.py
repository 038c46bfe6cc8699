"""--timeout, --max-states, --max-memory: a clean stop, a bounded report, exit 3."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BIG, verify


ENDLESS = str(Path(__file__).parent / "specs" / "endless.spec")


@pytest.mark.parametrize("args, note", [
    ([BIG, "--const", "N=10", "--max-states", "1000"], "stopped at --max-states 1000"),
    # time and memory limits on a search that cannot finish, with room for
    # loading the spec (--timeout also bounds parsing: a limit reached there
    # gives no result at all)
    ([ENDLESS, "--timeout", "3"], "stopped: time limit reached"),
    ([ENDLESS, "--max-memory", "150"], "stopped: memory limit reached (--max-memory 150 MB)"),
    ([BIG, "--const", "N=10", "--max-depth", "3"], "stopped at --max-depth 3"),
])
def test_limit_stops_cleanly_exit_3(args, note):
    p = verify("--no-timing", *args)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 3, (out, err)
    assert note in out
    assert "bounded (not exhaustive)" in out and "result: unknown" in out
    assert err == ""


def test_limit_after_a_violation_exit_1(tmp_path):
    """A violation found before the limit is still a violation (exit 1); the
    other properties are bounded."""
    from .conftest import SYNTH

    spec = tmp_path / "synth.spec"
    spec.write_text(SYNTH)
    p = verify(str(spec), "--no-timing", "--max-depth", "60")
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, (out, err)
    assert "result: VIOLATED (1 violated, 4 unknown)" in out and "bounded (not exhaustive)" in out


def test_bad_memory_value_is_a_usage_error():
    p = verify(BIG, "--max-memory", "0")
    out, err = p.communicate(timeout=30)
    assert p.returncode == 2 and "positive number of MB" in err
