"""verify docs / verify replay / --itf / --all-values, through the real CLI."""
import json

from checker.cli import main

SPEC = """spec counter
const MAX: int where MAX >= 1 = 3
var n: 0..MAX = 0
action inc { require n < MAX; n = n + 1 }
action reset { require n == MAX; n = 0 }
invariant in_range: n <= MAX
invariant below_three: n < 3
"""


def _spec(tmp_path):
    p = tmp_path / "counter.spec"
    p.write_text(SPEC)
    return str(p)


def test_itf_writes_one_file_per_trace(tmp_path, capsys):
    out = tmp_path / "itf"
    assert main([_spec(tmp_path), "--itf", str(out)]) == 1
    (f,) = sorted(out.iterdir())
    assert f.name == "counter-MAX3.below_three.itf.json"
    doc = json.loads(f.read_text())
    assert doc["#meta"]["property"] == "below_three" and len(doc["states"]) == 4
    assert f"wrote {out}" in capsys.readouterr().err


def test_replay_of_an_exported_trace_and_of_a_bad_log(tmp_path, capsys):
    spec = _spec(tmp_path)
    main([spec, "--itf", str(tmp_path)])
    capsys.readouterr()
    trace = tmp_path / "counter-MAX3.below_three.itf.json"
    assert main(["replay", spec, str(trace)]) == 1  # allowed steps, ending in the violation it was found for
    assert "violates invariant below_three" in capsys.readouterr().out
    log = tmp_path / "log.jsonl"
    log.write_text('{"action": "inc"}\n{"action": "reset"}\n')
    assert main(["replay", spec, str(log)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{log}:2: not allowed by spec counter: reset") and "the spec allows here: inc" in out
    log.write_text('{"action": "inc"}\n')
    assert main(["replay", spec, str(log)]) == 0
    log.write_text('{"action": "jump"}\n')
    assert main(["replay", spec, str(log)]) == 2
    assert "no action 'jump'" in capsys.readouterr().err
    assert main(["replay", spec, str(tmp_path / "missing.jsonl")]) == 2
    assert main(["replay", spec]) == 2


def test_all_values_proves_for_every_allowed_constant(tmp_path, capsys):
    spec = _spec(tmp_path)
    assert main([spec, "--engine", "pdr", "--all-values", "--property", "in_range", "--no-timing"]) == 0
    out = capsys.readouterr().out
    assert "MAX symbolic (every value with MAX >= 1)" in out
    # the explicit engine needs a value: a clear input error, not a crash
    assert main([spec, "--all-values"]) == 2


def test_docs_subcommand(tmp_path, capsys):
    spec = _spec(tmp_path)
    out = tmp_path / "proofs"
    assert main(["docs", spec, "-o", str(out), "--engines", "explicit"]) == 0
    assert (out / "counter.md").exists() and (out / "README.md").exists()
    assert main(["docs", spec, "-o", str(out), "--engines", "tlc"]) == 2
    assert "unknown engine tlc" in capsys.readouterr().err
    assert main(["docs", str(tmp_path / "nope"), "-o", str(out)]) == 2


def test_coverage_and_dot(tmp_path, capsys):
    spec = tmp_path / "t.spec"
    spec.write_text("spec t\nvar x: 0..2 = 0\naction inc { require x < 2; x = x + 1 }\n"
                    "action never { require x > 5; x = 0 }\n")
    dot = tmp_path / "g.dot"
    assert main([str(spec), "--coverage", "--dot", str(dot), "--no-deadlock"]) == 0
    out = capsys.readouterr().out
    assert ("coverage over all 3 reachable states (per action or process step):\n"
            "  action  enabled in states  transitions  distinct states produced\n"
            "  inc                     2            2                         2\n"
            "  never                   0            0                         0\n") in out
    assert "warning: action never is never enabled in any reachable state" in out
    assert dot.read_text().startswith('digraph "t" {') and dot.read_text().count(" -> ") == 2


def test_dead_action_warning_in_the_default_report(tmp_path, capsys):
    spec = tmp_path / "t.spec"
    spec.write_text("spec t\nvar x: 0..2 = 0\naction inc { require x < 2; x = x + 1 }\n"
                    "action never { require x > 5; x = 0 }\n")
    assert main([str(spec), "--no-deadlock"]) == 0
    assert "note: warning: action never is never enabled in any reachable state" in capsys.readouterr().out
