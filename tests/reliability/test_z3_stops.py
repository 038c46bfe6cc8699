"""Stops that reach the Z3 engines where Z3 itself is working (issue 18):

* ``--max-memory``: Z3's allocator is capped at what the limit leaves, and
  its "out of memory" is the run's memory stop (exit 3, the limit's words),
  so the peak resident set stays below the limit also for bmc, whose
  unrolling grows faster than the watchdog samples;
* a stop (signal, time, memory) while Z3 is inside a query, a tactic or a
  Spacer query that raises instead of answering unknown: the properties
  decided before keep their verdicts, the rest are unknown in the stop's
  words, and the ``--json`` document is valid.

The stops inside Z3 are made deterministic: the engine's query function is
wrapped so that, for the second property, it sends the process a real
SIGINT (the run's handler records it) and then raises what an interrupted
Z3 raises.  No test waits for a duration.
"""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import jsonschema
import pytest
import z3

from checker.cancel import MAX_MEMORY, Cancel, tree_rss_mb
from checker.cli import main

from .conftest import ROOT
from .test_limits_inside import peak_of

SCHEMA = json.loads((ROOT / "docs" / "result.schema.json").read_text())
GROWS = str(Path(__file__).parent / "specs" / "bmc_grows.spec")

# the first invariant is violated (every engine decides it: a verdict to keep),
# the others hold
TWO = """spec two
var n: 0..3 = 0
action inc { require n < 3  n = n + 1 }
action reset { require n == 3  n = 0 }
invariant never_two: n != 2
invariant small: n <= 3
invariant positive: n >= 0
"""


# ------------------------------------------------------------ --max-memory and Z3's allocator


def test_z3_out_of_its_memory_cap_is_the_memory_stop():
    """In one process, without the watchdog: a query that grows past what
    --max-memory leaves answers unknown at Z3's cap, and the clock reports
    that as the run's memory stop."""
    from checker.symbolic.common import Clock, configure

    cancel = Cancel(max_memory_mb=tree_rss_mb() + 40)
    clock = Clock(None, None, cancel)
    try:
        s = z3.Solver()
        xs = [z3.BitVec(f"x{i}", 64) for i in range(2000)]
        s.add(*[xs[i] == xs[i - 1] * xs[i - 1] + 7 * xs[i - 1] for i in range(1, 2000)])
        s.add(xs[-1] == 12345)
        clock.arm(s)
        assert s.check() == z3.unknown
        assert clock.why_unknown(s) == f"memory limit reached (--max-memory {cancel.max_memory_mb:g} MB)"
        assert cancel.reason == MAX_MEMORY and clock.stopped()
    finally:
        configure(0)   # the cap is a parameter of the whole process: lift it again
    assert z3.get_param("memory_max_size") == "0"


@pytest.mark.parametrize("engine, limit", [("bmc", 150)])
def test_peak_memory_stays_below_the_limit_with_z3(engine, limit):
    """bmc's unrolling of a counter grows by megabytes a step: the run stops
    for memory (the condition observed: its words and exit 3) with the peak
    resident set below the limit, of the process (getrusage) and of its tree
    (sampled every 10 ms).  Before Z3 was capped it passed 150 MB by up to 9%."""
    rc, one, tree, out = peak_of(GROWS, "--engine", engine, "--depth", "1000000", "--max-memory", str(limit))
    assert rc == 3, out
    assert f"memory limit reached (--max-memory {limit} MB)" in out
    assert one < limit, (one, out)
    assert tree < limit, (tree, out)


# ------------------------------------------------------------ a stop inside Z3


def _stop_inside_z3_on_second_call(monkeypatch, owner, name: str, raised: str = "canceled") -> list:
    """Wrap ``owner.name``: its second call sends this process SIGINT (the
    run's handler stops the run and Z3's interrupts fire) and raises what
    Z3 raises when interrupted inside a tactic or a Fixedpoint query."""
    real = getattr(owner, name)
    calls: list = []

    def wrapped(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)
            raise z3.Z3Exception(raised)
        return real(*args, **kw)

    monkeypatch.setattr(owner, name, wrapped)
    return calls


def _run_json(tmp_path, capsys, *args) -> tuple[int, dict]:
    spec = tmp_path / "two.spec"
    spec.write_text(TWO)
    code = main([str(spec), "--json", "--no-timing", *args])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    return code, doc


def _where():
    from checker.enum import enumerator
    from checker.symbolic import bmc, kind, spacer

    return {"bmc": (bmc, "search"), "kind": (kind, "prove"), "pdr": (spacer, "solve_horn"),
            "enum": (enumerator.Enumerator, "run")}


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr"])
def test_stop_inside_z3_keeps_the_verdicts_decided_before(tmp_path, capsys, monkeypatch, engine):
    owner, name = _where()[engine]
    calls = _stop_inside_z3_on_second_call(monkeypatch, owner, name)
    code, doc = _run_json(tmp_path, capsys, "--engine", engine)
    assert len(calls) >= 2, doc["errors"]
    assert code == 130 and doc["exit_code"] == 130
    props = {p["name"]: p for p in doc["results"][0]["properties"]}
    assert props["never_two"]["verdict"] == "violated"          # decided before the stop: kept
    rest = [p for n, p in props.items() if n != "never_two"]
    assert rest and all(p["verdict"] == "unknown" for p in rest)
    assert all("interrupted (SIGINT)" in p["detail"] for p in rest), rest
    assert "stopped before a verdict" in props["small"]["method"]   # the one Z3 was working on


def test_stop_inside_z3_in_enum_gives_every_property_unknown(tmp_path, capsys, monkeypatch):
    """enum decides every property from one enumeration: stopped inside it,
    none is decided, each says why."""
    from checker.enum import enumerator as z3enum

    real = z3enum.Enumerator.run

    def run(self):
        os.kill(os.getpid(), signal.SIGINT)
        raise z3.Z3Exception("canceled")

    monkeypatch.setattr(z3enum.Enumerator, "run", run)
    code, doc = _run_json(tmp_path, capsys, "--engine", "enum")
    assert real is not run and code == 130 and doc["exit_code"] == 130
    props = doc["results"][0]["properties"]
    assert props and all(p["verdict"] == "unknown" and p["detail"] == "interrupted (SIGINT)" for p in props)


def test_stop_inside_z3_where_no_engine_catches_it(tmp_path, capsys, monkeypatch):
    """Z3 stopped while the spec is encoded (no property started): the
    engine's report still comes, every property unknown in the stop's words
    (it used to be "no result", reported as a stop while loading the spec)."""
    from checker.symbolic import common

    real = common.Encoder

    def encoder(spec, poll=None):
        os.kill(os.getpid(), signal.SIGINT)
        raise z3.Z3Exception("canceled")

    monkeypatch.setattr(common, "Encoder", encoder)
    code, doc = _run_json(tmp_path, capsys, "--engine", "kind")
    assert real is not encoder and code == 130 and doc["exit_code"] == 130
    props = doc["results"][0]["properties"]
    assert {p["name"] for p in props} >= {"never_two", "small", "positive"}
    assert all(p["verdict"] == "unknown" and p["detail"] == "interrupted (SIGINT)" for p in props)


def test_z3_out_of_memory_raised_inside_a_tactic_is_the_memory_stop(tmp_path, capsys, monkeypatch):
    """Z3 at its memory cap may raise instead of answering unknown: that is
    the memory stop too (the limit's words), not an internal error (exit 1
    here: the violation found before the stop stands)."""
    from checker.symbolic import kind

    real = kind.prove
    calls: list = []

    def prove(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise z3.Z3Exception("out of memory")
        return real(*args, **kw)

    monkeypatch.setattr(kind, "prove", prove)
    code, doc = _run_json(tmp_path, capsys, "--engine", "kind", "--max-memory", "100000")
    assert code == 1 and doc["exit_code"] == 1
    props = {p["name"]: p for p in doc["results"][0]["properties"]}
    assert props["never_two"]["verdict"] == "violated"
    assert props["small"]["detail"] == "memory limit reached (--max-memory 100000 MB)"
    assert all(p["verdict"] == "unknown" for n, p in props.items() if n != "never_two")


def test_z3_exception_without_a_stop_is_still_an_internal_error(tmp_path, capsys, monkeypatch):
    """Only the run's stop is absorbed: any other Z3 failure stays exit 4."""
    from checker.symbolic import kind

    def prove(*args, **kw):
        raise z3.Z3Exception("invalid argument")

    monkeypatch.setattr(kind, "prove", prove)
    code, doc = _run_json(tmp_path, capsys, "--engine", "kind")
    assert code == 4 and doc["exit_code"] == 4


def test_a_pending_interrupt_of_an_earlier_run_does_not_cancel_the_next(monkeypatch):
    """The watchdog may interrupt Z3's context after a stopped run's last
    query; that interrupt stays pending until the next check.  The next run
    in the same process (the pytest plugin, watch mode) must not inherit it
    (its first push failed with "push canceled", exit 4)."""
    from checker.api import check
    from checker.cancel import INTERRUPTED
    from checker.symbolic import kind

    real = kind.prove

    def prove(enc, p, max_k, clock, *args, **kw):
        out = real(enc, p, max_k, clock, *args, **kw)
        clock.cancel.stop(INTERRUPTED, signal.SIGINT)
        z3.main_ctx().interrupt()          # the watchdog's interrupt, after the last query
        return out

    monkeypatch.setattr(kind, "prove", prove)
    stopped = check(TWO, engine="kind")
    assert any(p.detail == "interrupted (SIGINT)" for p in stopped.properties)
    monkeypatch.setattr(kind, "prove", real)
    verdicts = {p.name: p.verdict.value for p in check(TWO, engine="kind").properties}
    assert verdicts["never_two"] == "violated" and verdicts["small"] == "holds"


def test_stop_inside_spacers_fixedpoint_query(tmp_path, capsys, monkeypatch):
    """pdr asks Spacer's Fixedpoint API for its path to a violation; stopped
    inside that query (Z3 raises "canceled" there, it does not answer
    unknown), the property is unknown in the stop's words, the others too,
    and the document is valid."""
    calls = _stop_inside_z3_on_second_call(monkeypatch, z3.Fixedpoint, "query")
    calls.append(1)    # the first query Spacer is asked is already the one to stop
    code, doc = _run_json(tmp_path, capsys, "--engine", "pdr")
    assert len(calls) >= 2, "Spacer's Fixedpoint query was never asked"
    assert code == 130 and doc["exit_code"] == 130
    props = doc["results"][0]["properties"]
    assert props and all(p["verdict"] == "unknown" for p in props)
    assert all("interrupted (SIGINT)" in p["detail"] for p in props), props
    assert "canceled" not in json.dumps(doc)


class _Unknown:
    """A solver that answered unknown for ``why``."""

    def __init__(self, why: str):
        self.why = why

    def reason_unknown(self) -> str:
        return self.why


def test_z3_timer_ending_a_query_at_the_run_deadline_is_the_time_limit():
    """Z3's own timer, armed with what is left of ``--timeout`` in whole
    milliseconds, can end a query just before the run's deadline, when no
    poll has seen it yet: that is the run's time limit, not the solver's
    failure (limits fuzz, seed 8328: "the solver returned unknown (canceled)"
    after the run's time was up)."""
    from checker.symbolic.common import Clock
    from checker.symbolic.outcome import gave_up

    clock = Clock(None, None, Cancel(timeout=0.045))   # the deadline is within Z3's slack
    words = clock.unknown_words(_Unknown("canceled"))
    assert words == "time limit reached (0.045 s)"
    assert gave_up("kind", clock, _Unknown("canceled")).stopped_by == "timeout"


def test_a_timeout_far_from_the_run_deadline_is_the_solvers_own():
    from checker.symbolic.common import Clock

    clock = Clock(None, None, Cancel(timeout=3600))
    assert clock.unknown_words(_Unknown("canceled")) == "the solver returned unknown (canceled)"
    assert not clock.stopped()
