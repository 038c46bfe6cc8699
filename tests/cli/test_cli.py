"""The verify command end to end, with a fake front end and fake engines
(tests/cli/conftest.py): exit codes, every bad option, no tracebacks."""
from __future__ import annotations

import json

import pytest

import fakes
from checker import cli
from checker.results import Verdict
from schema_check import validate


def run_main(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---------------------------------------------------------------- verdicts -> exit codes


def test_violation_exit_1_and_trace(fake, capsys):
    eng, path = fake
    code, out, err = run_main(capsys, path, "--no-timing")
    assert code == 1
    assert "VIOLATED  closed_below_threshold" in out
    assert "fail(b)" in out and "failures = 3" in out
    assert "failures < 3     false  (3 < 3)" in out
    assert " s," not in out and "states/s" not in out      # --no-timing
    assert err == ""


def test_holds_exit_0(fake, capsys):
    eng, path = fake
    eng.results["explicit"] = fakes.holds_result
    code, out, _ = run_main(capsys, path)
    assert code == 0
    assert "result: all 2 properties hold" in out


def test_bounded_exit_3(fake, capsys):
    eng, path = fake

    def bounded():
        r = fakes.holds_result(exhaustive=False)
        for p in r.properties:
            p.verdict = Verdict.UNKNOWN
        r.notes.append("stopped at --max-states 10")
        return r
    eng.results["explicit"] = bounded
    code, out, _ = run_main(capsys, path, "--max-states", "10")
    assert code == 3
    assert "bounded (not exhaustive)" in out
    assert "note: stopped at --max-states 10" in out
    assert eng.calls[0][2][-1].max_states == 10


def test_options_reach_the_engine(fake, capsys):
    eng, path = fake
    run_main(capsys, path, "--engine", "explicit", "--max-depth", "4", "--no-deadlock",
             "--timeout", "2.5", "--property", "typeok,closed_below_threshold", "--seed", "7",
             "--depth", "9", "--max-k", "3")
    o = eng.calls[0][2][-1]
    assert (o.max_depth, o.check_deadlock, o.timeout, o.seed, o.depth, o.max_k) == (4, False, 2.5, 7, 9, 3)
    assert o.properties == ("typeok", "closed_below_threshold")


def test_const_value_and_sweep(fake, capsys):
    eng, path = fake
    code, out, _ = run_main(capsys, path, "--const", "THRESHOLD=5", "--no-timing")
    assert eng.calls[-1][1].const_values() == {"THRESHOLD": 5}
    assert "THRESHOLD = 5" in out
    eng.calls.clear()
    code, out, _ = run_main(capsys, path, "--const", "THRESHOLD=2..4", "--no-timing")
    assert [c[1].const_values()["THRESHOLD"] for c in eng.calls] == [2, 3, 4]
    assert out.count("spec breaker") == 3
    assert code == 1


def test_json_output_validates(fake, capsys):
    eng, path = fake
    code, out, _ = run_main(capsys, path, "--json", "--no-timing", "--const", "THRESHOLD=2..3")
    doc = json.loads(out)
    assert validate(doc) == []
    assert doc["exit_code"] == code == 1
    assert len(doc["results"]) == 2
    step = doc["results"][0]["properties"][0]["trace"]["steps"][1]
    assert step["action"] == "fail" and step["args"] == ["a"]
    assert step["state"]["calls"] == {"a": 1, "b": 0}
    assert step["state"]["seen"] == [2]
    assert doc["results"][0]["stats"]["seconds"] is None


def test_json_with_errors_validates(fake, capsys, tmp_path):
    eng, path = fake
    bad = tmp_path / "bad.spec"
    bad.write_text("SYNTAX ERROR")
    code, out, err = run_main(capsys, path, str(bad), "--json")
    doc = json.loads(out)
    assert validate(doc) == []
    assert code == 2 and doc["exit_code"] == 2
    assert doc["errors"][0]["kind"] == "spec"
    assert "expected 'spec'" in err


# ---------------------------------------------------------------- input errors


def test_spec_error_prints_diagnostics(fake, capsys, tmp_path):
    bad = tmp_path / "bad.spec"
    bad.write_text("SYNTAX ERROR")
    code, out, err = run_main(capsys, str(bad))
    assert code == 2
    assert f"{bad}:1:1: error: expected 'spec'" in err
    assert out == ""


@pytest.mark.parametrize("argv, message", [
    (["--const", "THRESHOLDX=2"], "did you mean THRESHOLD?"),
    (["--const", "NOPE=2"], "its constants: THRESHOLD"),
    (["--const", "THRESHOLD=20"], "outside the declared range 1..8"),
    (["--const", "THRESHOLD=0..3"], "outside the declared range 1..8"),
    (["--property", "closed_below"], "did you mean closed_below_threshold?"),
    (["--engine", "induct", "--invariants", "closed_below_threshol"], "did you mean closed_below_threshold?"),
])
def test_unknown_names_and_values(fake, capsys, argv, message):
    eng, path = fake
    code, out, err = run_main(capsys, path, *argv)
    assert code == 2
    assert message in err
    assert eng.calls == []


def test_missing_file_and_directory(fake, capsys, tmp_path):
    code, _, err = run_main(capsys, str(tmp_path / "nope.spec"))
    assert code == 2 and "no such file" in err
    code, _, err = run_main(capsys, str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_symbolic_constants_explicit_is_input_error(fake, capsys, monkeypatch):
    eng, path = fake
    import checker.orchestrate.load
    from dataclasses import replace

    def symbolic(p, consts=None):
        s = fakes.breaker_spec()
        return replace(s, consts=(replace(s.consts[0], value=None),))
    monkeypatch.setattr(checker.orchestrate.load, "front_end", lambda: symbolic)
    code, _, err = run_main(capsys, path)
    assert code == 2
    assert "--const THRESHOLD=V" in err


def test_engine_needs_constants_exception(fake, capsys):
    eng, path = fake

    from checker.errors import NeedsConstants as Real

    class NeedsConstants(Real):   # matched by type: any engine's NeedsConstants is one
        def __init__(self, message):
            Exception.__init__(self, message)

    def raise_():
        raise NeedsConstants("the constant N has no value")
    eng.results["explicit"] = raise_
    code, _, err = run_main(capsys, path)
    assert code == 2
    assert "the constant N has no value" in err


BAD_OPTIONS = [
    ["--const", "X=abc"],
    ["--const", "X"],
    ["--const", "=3"],
    ["--const", "1X=3"],
    ["--const", "X=3..1"],
    ["--const", "X=1..abc"],
    ["--const", "X=1e3"],
    ["--const", "X=" + "9" * 40],
    ["--const", "X=0..100000"],
    ["--const", "X=1", "--const", "X=2"],
    ["--max-states", "-1"],
    ["--max-states", "0"],
    ["--max-states", "ten"],
    ["--max-depth", "-2"],
    ["--depth", "abc"],
    ["--depth", "-1"],
    ["--depth", "1.5"],
    ["--max-k", "0"],
    ["--timeout", "nan"],
    ["--timeout", "inf"],
    ["--timeout", "0"],
    ["--timeout", "-1"],
    ["--timeout", "soon"],
    ["--seed", "-3"],
    ["--engine", "foo"],
    ["--engine"],
    ["--property", ""],
    ["--property", "a b"],
    ["--invariants", "a"],
    ["--foo"],
    ["--dep", "3"],          # no abbreviations
]


@pytest.mark.parametrize("argv", BAD_OPTIONS)
def test_bad_options_exit_2(fake, capsys, argv):
    eng, path = fake
    code, out, err = run_main(capsys, path, *argv)
    assert code == 2, (argv, err)
    assert "verify: error:" in err
    assert out == ""
    assert eng.calls == []


def test_no_arguments(capsys):
    code, out, err = run_main(capsys)
    assert code == 2
    assert "FILE" in err


def test_help_and_version(capsys):
    code, out, _ = run_main(capsys, "--help")
    assert code == 0 and "--engine" in out and "exit codes" in out
    code, out, _ = run_main(capsys, "--version")
    assert code == 0 and "verify" in out


# ---------------------------------------------------------------- internal errors


def test_front_end_crash_is_internal_error(fake, capsys, tmp_path):
    bad = tmp_path / "crash.spec"
    bad.write_text("CRASH")
    code, out, err = run_main(capsys, str(bad))
    assert code == 4
    assert "internal error: ZeroDivisionError: front end bug" in err
    assert "VERIFY_DEBUG=1" in err


def test_engine_crash_is_internal_error(fake, capsys):
    eng, path = fake
    eng.results["explicit"] = lambda: 1 / 0
    code, out, err = run_main(capsys, path)
    assert code == 4 and "internal error" in err


def test_verify_debug_shows_traceback(fake, capsys, monkeypatch):
    eng, path = fake
    eng.results["explicit"] = lambda: 1 / 0
    monkeypatch.setenv("VERIFY_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main([path])


def test_missing_engine_is_internal_error(fake, capsys):
    eng, path = fake
    code, out, err = run_main(capsys, path, "--engine", "pdr")
    assert code == 4 and "pdr engine is not available" in err


# ---------------------------------------------------------------- induct


def test_induct_subcommand_and_option_are_the_same():
    a = cli.parse(["induct", "x.spec", "inv_a", "inv_b", "--timeout", "3"])
    b = cli.parse(["x.spec", "--engine", "induct", "--invariants", "inv_a,inv_b", "--timeout", "3"])
    assert a == b
    assert a.engine == "induct" and a.invariants == ("inv_a", "inv_b")


def test_induct_passes_names(fake, capsys):
    eng, path = fake
    eng.results["induct"] = fakes.holds_result
    code, out, _ = run_main(capsys, "induct", path, "closed_below_threshold")
    assert code == 0
    name, spec, rest = eng.calls[0]
    assert name == "induct" and rest[0] == ("closed_below_threshold",)


def test_induct_subcommand_errors(capsys):
    code, _, err = run_main(capsys, "induct")
    assert code == 2 and "induct: expected FILE" in err
    code, _, err = run_main(capsys, "induct", "x.spec", "--engine", "bmc")
    assert code == 2
