"""Messages a user reads after a mistake (issue 18, part B): each names the
right thing, at file:line:col with a caret where a spec is at fault."""
from __future__ import annotations

import json
import re

import pytest

from checker.cli import build_parser, main
from checker.lang import load_text
from checker.replay import read_trace, render, replay
from checker.subcommands import _replay_parser


def _run(tmp_path, capsys, text: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "s.spec"
    path.write_text(text)
    code = main([str(path), *args])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_checkpoint_every_zero_talks_about_checkpoints(tmp_path, capsys):
    code, text = _run(tmp_path, capsys, "spec s\nvar x: bool = true\n", "--checkpoint", str(tmp_path / "ck"),
                      "--checkpoint-every", "0")
    assert code == 2
    assert "--checkpoint-every: '0': the time between checkpoints must be a positive number of seconds" in text
    assert "timeout" not in text


def test_const_against_a_where_clause_points_at_the_clause(tmp_path, capsys):
    spec = "spec w\nconst THRESHOLD: int where THRESHOLD >= 1 = 3\nvar n: 0..3 = 0\n"
    code, text = _run(tmp_path, capsys, spec, "--const", "THRESHOLD=0")
    assert code == 2
    path = str(tmp_path / "s.spec")
    assert text.splitlines() == [
        f"{path}:2:28: error: constant `THRESHOLD` = 0 (--const) does not satisfy `where THRESHOLD >= 1`",
        "  const THRESHOLD: int where THRESHOLD >= 1 = 3",
        "                             ^^^^^^^^^^^^^^",
    ]


def test_non_ascii_identifier_says_names_are_ascii(tmp_path, capsys):
    code, text = _run(tmp_path, capsys, "spec u\nvar größe: 0..3 = 0\n")
    assert code == 2
    first = text.splitlines()[0]
    assert first.endswith(":2:7: error: unexpected character `ö`: names are ASCII letters, digits and `_` "
                          "(other characters may appear only in comments and `///` docs)")
    assert text.splitlines()[2] == "        ^"


def test_a_non_letter_is_still_just_unexpected(tmp_path, capsys):
    code, text = _run(tmp_path, capsys, "spec u\nvar x: 0..3 = 0 §\n")
    assert code == 2 and "unexpected character `§`\n" in text


def test_recursive_type_is_called_recursive(tmp_path, capsys):
    code, text = _run(tmp_path, capsys, "spec t\ntype T = T\nvar x: T = 0\n")
    assert code == 2
    assert ":2:10: error: type `T` is defined in terms of itself: recursive types are not supported" in text
    assert "unknown type" not in text


def test_mutually_recursive_types_name_the_order(tmp_path, capsys):
    code, text = _run(tmp_path, capsys, "spec t\ntype A = set<B>\ntype B = set<A>\nvar x: A = {}\n")
    assert code == 2
    assert ":2:14: error: type `B` is used before its declaration" in text


# ---------------------------------------------------------------- verify replay

COUNTER = """spec counter
const MAX: 1..5 = 3
var n: 0..MAX = 0
action inc { require n < MAX; n = n + 1 }
action reset { require n == MAX; n = 0 }
invariant small: n < 3
"""


def test_replaying_the_checkers_own_counterexample(tmp_path, capsys):
    spec_path = tmp_path / "counter.spec"
    spec_path.write_text(COUNTER)
    assert main([str(spec_path), "--itf", str(tmp_path / "itf")]) == 1
    capsys.readouterr()
    itf = tmp_path / "itf" / "counter-MAX3.small.itf.json"
    assert json.loads(itf.read_text())["states"][3]["n"] == {"#bigint": "3"}
    assert main(["replay", str(spec_path), str(itf)]) == 1
    out = capsys.readouterr().out.splitlines()
    # a legal trace that breaks the invariant, at state 3 (an index, not ":3"), counted right
    assert out[0] == f"{itf}: state 3: a legal trace of spec counter that violates invariant small"
    assert out[1] == ("  the first 4 of 4 records are all steps the spec allows; "
                      "the state the last of them reaches breaks the invariant")
    assert out[2] == "  state reached: n = 3"
    assert "not allowed" not in "\n".join(out)


def test_a_disallowed_step_counts_the_records_before_it(tmp_path):
    spec = load_text(COUNTER)
    log = "\n".join(json.dumps(r) for r in ({"action": "inc"}, {"action": "inc"}, {"action": "reset"}))
    result = replay(spec, read_trace(log, spec, "log.jsonl"))
    text = render(result, spec, "log.jsonl").splitlines()
    assert text[0] == "log.jsonl:3: not allowed by spec counter: reset: the spec does not allow it here"
    assert text[1] == "  2 of 3 records were allowed steps before it"


def test_itf_file_names_agree_between_help_and_output(tmp_path, capsys):
    """--help and verify replay --help name the files as --itf writes them."""
    itf_help = next(a.help for a in build_parser()._actions if "--itf" in a.option_strings)
    trace_help = next(a.help for a in _replay_parser()._actions if a.dest == "trace")
    pattern = "SPEC[-CONSTVALUES].PROPERTY.itf.json"
    assert pattern in itf_help and pattern in trace_help and "docs/replay.md" in trace_help
    spec_path = tmp_path / "counter.spec"
    spec_path.write_text(COUNTER)
    main([str(spec_path), "--itf", str(tmp_path / "itf")])
    capsys.readouterr()
    names = sorted(p.name for p in (tmp_path / "itf").iterdir())
    shape = re.compile(r"(?P<spec>\w+)(-[A-Z_]+\d+)*\.(?P<prop>\w+)\.itf\.json\Z")
    assert names and all(shape.match(n) for n in names), names


@pytest.mark.parametrize("doc", ["docs/replay.md"])
def test_replay_format_is_documented_and_linked(doc):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / doc).read_text()
    for needed in ("JSON lines", '"action"', '"args"', '"state"', "#bigint", "#set", "#map", "state I"):
        assert needed in text, needed
    assert doc in (root / "README.md").read_text()
