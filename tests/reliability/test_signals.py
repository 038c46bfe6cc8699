"""SIGINT / SIGTERM: the partial result is printed, exit 130 / 143, no half-written file."""
from __future__ import annotations

import json
import signal
from pathlib import Path

from .conftest import BIG, verify, wait_for_file


ENDLESS = str(Path(__file__).parent / "specs" / "endless.spec")


def _start(tmp_path, *extra, spec=ENDLESS, **kw):
    """A checkpointed search on ``spec``, once its first checkpoint exists.
    The default spec cannot finish (10^18 states): the signal always
    arrives while the search runs, however loaded the machine is (with
    bench/breaker_n.spec the run sometimes ended first)."""
    ck = tmp_path / "ck"
    consts = ("--const", "N=10") if spec == BIG else ()
    p = verify(spec, *consts, "--no-timing", "--checkpoint", str(ck),
               "--checkpoint-every", "0.1", *extra, **kw)
    wait_for_file(ck, ".ckpt", p)  # the search is running (and polling)
    return p, ck


def test_sigint_prints_partial_result_exit_130(tmp_path):
    p, ck = _start(tmp_path)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130, (out, err)
    assert "interrupted" in out and "bounded (not exhaustive)" in out
    assert "result: unknown" in out
    assert "interrupted by SIGINT" in err and "Traceback" not in err
    # the checkpoint of the interrupted search is whole and named in the report
    assert "resume with --resume" in out
    assert all(not q.name.startswith(".") for q in ck.iterdir())


def test_sigterm_json_written_whole_exit_143(tmp_path):
    out_file = tmp_path / "out.json"
    with open(out_file, "w") as f:
        p, _ = _start(tmp_path, "--json", stdout=f)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    assert p.returncode == 143, err
    doc = json.loads(out_file.read_text())      # complete, parseable
    assert doc["exit_code"] == 143
    (r,) = doc["results"]
    assert r["exhaustive"] is False
    assert {p["verdict"] for p in r["properties"]} == {"unknown"}
    assert any("interrupted" in n for n in r["notes"])
    assert all(p["method"].startswith("bounded (not exhaustive)") for p in r["properties"])
    assert "interrupted by SIGTERM" in err


def test_sigint_then_resume_finishes(tmp_path):
    """Interrupted mid-search, the resumed search ends with the counts of an
    uninterrupted one.  The spec is finite, so on a fast machine the first
    run may end before the signal (exit 0): the resumed run must then report
    the same counts from the finished checkpoint."""
    p, ck = _start(tmp_path, spec=BIG)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=30)
    assert p.returncode in (130, 0)
    q = verify(BIG, "--const", "N=10", "--no-timing", "--resume", str(ck))
    out, err = q.communicate(timeout=60)
    assert q.returncode == 0, err
    assert "410,271 distinct states, 4,473,615 transitions, depth 19" in out
