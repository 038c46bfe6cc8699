"""Every engine stops at SIGINT (exit 130, the partial report) and at
``--timeout`` (exit 3, "time limit reached"), on a spec no engine finishes.

Condition-based: the signal is sent once the run's progress line says that
the engine runs (``--progress`` ... "kind running"); the spec cannot finish
before it, so the signal always arrives during the engine's work.  Only the
exit code, the words and the end of the process are asserted: how long the
stop takes is measured in the fuzz bench (bench/limits_fuzz.py), not here.
"""
from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path

import pytest

from .conftest import ROOT, verify


def default_sigint() -> None:
    """SIGINT at its default in the child (a background job of a shell starts
    with it ignored, and verify keeps an ignored SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

ENDLESS = str(Path(__file__).parent / "specs" / "endless.spec")
BACKSTOP = 120          # seconds: only so that a broken stop fails instead of hanging

ENGINES = {
    "explicit": ["--engine", "explicit"],
    "simulate": ["--simulate", "--walks", "1000000000", "--depth", "1000"],
    "bmc": ["--engine", "bmc", "--depth", "100000"],
    "kind": ["--engine", "kind", "--max-k", "100000"],
    "pdr": ["--engine", "pdr"],
    "induct": ["--engine", "induct"],
    "enum": ["--engine", "enum"],
    "all": ["--engine", "all"],
    "workers": ["--store", "compact", "--workers", "2"],
}
MARKER = {"simulate": "simulate running", "all": "explicit running", "workers": "explicit running"}


class Stderr:
    """Collects a child's stderr in a thread; ``wait_for(text)`` blocks until it appears."""

    def __init__(self, proc):
        self.proc = proc
        self.text = ""
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stderr.read(1), ""):
            with self.cond:
                self.text += chunk
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, text: str) -> None:
        with self.cond:
            ok = self.cond.wait_for(lambda: text in self.text or self.proc.poll() is not None,
                                    timeout=BACKSTOP)
        if not ok or text not in self.text:
            self.proc.kill()
            pytest.fail(f"never saw {text!r} (exit {self.proc.poll()}); stderr: {self.text[-500:]}")

    def rest(self) -> str:
        self.thread.join(timeout=BACKSTOP)
        return self.text


def start(*args: str, spec: str = ENDLESS):
    p = verify(spec, "--progress", "--no-timing", *args, preexec_fn=default_sigint)
    return p, Stderr(p)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_sigint_stops_every_engine_with_partial_report(engine):
    p, err = start(*ENGINES[engine])
    err.wait_for(MARKER.get(engine, f"{engine} running"))
    p.send_signal(signal.SIGINT)
    out = p.stdout.read()
    p.wait(timeout=BACKSTOP)
    text = err.rest()
    assert p.returncode == 130, (out, text)
    assert "interrupted (SIGINT)" in out, out            # the partial report, in its own words
    assert "time limit" not in out
    assert "interrupted by SIGINT: the results above are partial" in text
    assert "Traceback" not in text and "canceled" not in out
    # the property the engine was deciding says why too (bmc said "the solver
    # gave up (unknown)" for the depth it was interrupted at)
    assert "gave up" not in out and "returned unknown" not in out, out


@pytest.mark.parametrize("engine", list(ENGINES))
def test_timeout_stops_every_engine(engine):
    p, err = start(*ENGINES[engine], "--timeout", "2")
    out = p.stdout.read()
    p.wait(timeout=BACKSTOP)
    text = err.rest()
    assert p.returncode == 3, (out, text)
    # on a loaded machine the 2 s can run out while the spec is still being
    # loaded: then there is no partial report, and stderr says so in the same words
    assert ("time limit reached (2 s)" in out or "time limit reached (<time>)" in out
            or "time limit reached (2 s) while loading the spec" in text), (out, text)
    assert "interrupted" not in out and "Traceback" not in text


def test_sigterm_json_document_validates():
    sys.path.insert(0, str(ROOT / "tests" / "cli"))
    from schema_check import validate

    p, err = start("--engine", "kind", "--max-k", "100000", "--json")
    err.wait_for("kind running")
    p.send_signal(signal.SIGTERM)
    out = p.stdout.read()
    p.wait(timeout=BACKSTOP)
    doc = json.loads(out)
    assert p.returncode == 143 and doc["exit_code"] == 143
    assert validate(doc) == []
    assert all(q["verdict"] == "unknown" for q in doc["results"][0]["properties"])


def test_breaker_concurrent_kind_sigint_exit_130():
    """The case of issue 18: kind ignored Ctrl-C (Z3 took the SIGINT and
    answered "canceled"; the engine went on to the next k)."""
    p, err = start("--engine", "kind", "--timeout", "600",
                   spec=str(ROOT / "spec" / "breaker_concurrent.spec"))
    err.wait_for("kind running")
    p.send_signal(signal.SIGINT)
    out = p.stdout.read()
    p.wait(timeout=BACKSTOP)
    assert p.returncode == 130, (out, err.rest())
    assert "interrupted (SIGINT)" in out and "canceled" not in out


def test_engine_all_on_breaker_answers_sigterm_during_pdr():
    """The case of issue 18: `--engine all spec/breaker.spec` spends its time
    in pdr on the temporal property `recovers` (Spacer on the
    liveness-to-safety product does not finish), and ignored SIGTERM."""
    p, err = start("--engine", "all", spec=str(ROOT / "spec" / "breaker.spec"))
    err.wait_for("pdr running")
    p.send_signal(signal.SIGTERM)
    out = p.stdout.read()
    p.wait(timeout=BACKSTOP)
    text = err.rest()
    assert p.returncode == 143, (out, text)
    assert "pdr: stopped, interrupted (SIGTERM): its verdicts are partial" in out
    assert "interrupted by SIGTERM: the results above are partial" in text


def test_engine_all_has_a_default_budget():
    from checker.cli import parse
    from checker.engines import ALL_DEFAULT_TIMEOUT

    assert parse(["x.spec", "--engine", "all"]).options.timeout == ALL_DEFAULT_TIMEOUT
    assert parse(["x.spec", "--engine", "all", "--timeout", "7"]).options.timeout == 7
    assert parse(["x.spec"]).options.timeout is None


def test_property_timeout_is_its_own_option():
    from checker.cli import parse

    o = parse(["x.spec", "--engine", "kind", "--property-timeout", "3", "--timeout", "9"]).options
    assert (o.property_timeout, o.timeout) == (3, 9)
