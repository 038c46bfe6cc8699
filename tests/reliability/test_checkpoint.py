"""--checkpoint / --resume: a killed run, resumed, ends exactly like an uninterrupted one."""
from __future__ import annotations

import signal

import pytest

from checker.explicit import dictstore
from checker.options import Options
from checker.run import run

from .conftest import BACKSTOP, BIG, SYNTH, run_json, summary, verify, wait_for_file


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    code, ref = run_json(BIG, "--const", "N=10")
    assert code == 0 and summary(ref)["exhaustive"]
    ck = tmp_path / "ck"
    p = verify(BIG, "--const", "N=10", "--checkpoint", str(ck), "--checkpoint-every", "0.2",
               "--json", "--no-timing")
    wait_for_file(ck, ".ckpt", p)
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=BACKSTOP)
    assert p.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    code, resumed = run_json(BIG, "--const", "N=10", "--resume", str(ck))
    assert code == 0
    assert summary(resumed) == summary(ref)
    notes = resumed["results"][0]["notes"]
    assert any(n.startswith("resumed from a checkpoint") and "already finished" not in n
               for n in notes), notes
    # only the final checkpoint is left, no temporary file
    assert [q.name for q in ck.iterdir()] == ["breaker_n-N10-THRESHOLD3-TIMEOUT2.ckpt"]
    # resuming a finished search gives the same result at once
    code, again = run_json(BIG, "--const", "N=10", "--resume", str(ck))
    assert code == 0 and summary(again) == summary(ref)
    assert any("already finished" in n for n in again["results"][0]["notes"])


def _stop_after(polls: int):
    n = [0]

    def should_stop() -> bool:
        n[0] += 1
        return n[0] >= polls
    return should_stop


def _shape(result):
    props = []
    for p in result.properties:
        steps = None if p.trace is None else [(s.action, s.args, s.state) for s in p.trace.steps]
        props.append((p.name, p.verdict, p.method, steps))
    return (result.stats.states, result.stats.transitions, result.stats.depth, result.exhaustive, props)


@pytest.mark.parametrize("stops", [(3,), (40, 700), (1500,)])
def test_interrupt_and_resume_in_process_same_traces(tmp_path, monkeypatch, stops):
    """Interrupted (mid-level: small chunks) once or twice, then resumed: the same
    states, transitions, depth, verdicts and counterexample traces (two invariants
    violated at depths 50 and 200, the deadlock at depth 247)."""
    monkeypatch.setattr(dictstore, "CHUNK", 64)   # (the dict store's chunk size)
    spec = tmp_path / "synth.spec"
    spec.write_text(SYNTH)
    ref = run(str(spec))
    assert [p.verdict.value for p in ref.properties] == ["violated", "violated", "holds", "holds",
                                                         "violated"]
    ck = str(tmp_path / "ck")
    resume = None
    for k in stops:
        r = run(str(spec), options=Options(checkpoint_dir=ck, resume_dir=resume, checkpoint_every=0.01,
                                           should_stop=_stop_after(k)))
        assert not r.exhaustive
        assert any("interrupted" in n for n in r.notes)
        resume = ck
    final = run(str(spec), options=Options(checkpoint_dir=ck, resume_dir=ck))
    assert _shape(final) == _shape(ref)


def test_max_states_stop_is_kept_on_resume(tmp_path):
    spec = tmp_path / "synth.spec"
    spec.write_text(SYNTH)
    ref = run(str(spec), options=Options(max_states=5000))
    ck = str(tmp_path / "ck")
    run(str(spec), options=Options(max_states=5000, checkpoint_dir=ck))
    again = run(str(spec), options=Options(max_states=5000, checkpoint_dir=ck, resume_dir=ck))
    assert _shape(again) == _shape(ref)
    assert not again.exhaustive


def test_resume_refuses_a_changed_spec_or_options(tmp_path):
    spec = tmp_path / "synth.spec"
    spec.write_text(SYNTH)
    ck = tmp_path / "ck"
    p = verify(str(spec), "--checkpoint", str(ck), "--max-depth", "30")
    p.communicate(timeout=BACKSTOP)
    assert p.returncode == 3
    # the same spec and options: accepted
    p = verify(str(spec), "--resume", str(ck), "--max-depth", "30")
    p.communicate(timeout=BACKSTOP)
    assert p.returncode == 3
    # other options
    p = verify(str(spec), "--resume", str(ck), "--max-depth", "31")
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == 2
    assert "refusing" in err and "--max-depth: 30 in the checkpoint, 31 now" in err
    # another constant value: another checkpoint file, which does not exist
    p = verify(str(spec), "--resume", str(ck), "--max-depth", "30", "--const", "N=100")
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == 2 and "no checkpoint for spec synth with N=100" in err
    # a changed spec
    spec.write_text(SYNTH.replace("x + y < 200", "x + y < 201"))
    p = verify(str(spec), "--resume", str(ck), "--max-depth", "30")
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == 2
    assert "different spec" in err and "the spec (its text or constants changed)" in err
    assert "Traceback" not in err


def test_checkpoint_options_need_the_explicit_engine(tmp_path):
    p = verify(BIG, "--engine", "bmc", "--checkpoint", str(tmp_path))
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == 2 and "only for --engine explicit" in err
    p = verify(BIG, "--resume", str(tmp_path / "missing"))
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == 2 and "no such directory" in err
