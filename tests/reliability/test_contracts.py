"""The output contracts (issue 18, part B):

* every file or folder the user names that cannot be written is exit 2 with a
  clear message before any work starts (not exit 4 after the run);
* no folder is created but the one the user named (no ``mkdir -p``);
* files are created with the user's umask (not mkstemp's 0600);
* under ``--json`` stdout is one JSON document whatever else is asked;
* ``docs/result.schema.json`` accepts a real document for every exit code
  the program produces: 0, 1, 2, 3, 4, 130, 143.

The signals are sent once the search is known to run (its first checkpoint
exists) on a spec far too large to finish: a condition, never a duration.
"""
from __future__ import annotations

import json
import os
import signal
import stat
from pathlib import Path

import jsonschema
import pytest

from checker.cli import main
from checker.subcommands import main as sub_main

from .conftest import BACKSTOP, verify, wait_for_file

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "result.schema.json").read_text())

COUNTER = """spec counter
const MAX: 1..9 = 3
var n: 0..9 = 0
action inc { require n < MAX  n = n + 1 }
invariant below_three: n < 3
"""

HOLDS = """spec fine
var n: 0..3 = 0
action inc { require n < 3  n = n + 1 }
action reset { require n == 3  n = 0 }
invariant small: n <= 3
"""

# 1000^3 states: no run ends before the signal arrives
ENDLESS = """spec endless
var x: 0..999 = 0
var y: 0..999 = 0
var z: 0..999 = 0
action incx { require x < 999  x = x + 1 }
action incy { require y < 999  y = y + 1 }
action incz { require z < 999  z = z + 1 }
invariant fine: x + y + z >= 0
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    d = tmp_path / "work"
    d.mkdir()
    (d / "counter.spec").write_text(COUNTER)
    (d / "afile").write_text("keep me\n")
    monkeypatch.chdir(d)
    return d


def _tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}


# ------------------------------------------------------------ file errors: exit 2, before any work

BAD_OUTPUTS = [
    (["--itf", "afile"], "--itf afile: is a file, not a folder"),
    (["--itf", "/proc/verify-itf"], "--itf /proc/verify-itf: cannot write in /proc"),
    (["--itf", "missing/traces"], "--itf missing/traces: the folder missing does not exist"),
    (["--dot", "/nonexistent/x.dot"], "--dot /nonexistent/x.dot: the folder /nonexistent does not exist"),
    (["--dot", "."], "--dot .: is a folder, not a file"),
    (["--dot", "/proc/verify.dot"], "--dot /proc/verify.dot: cannot write in /proc"),
    (["--checkpoint", "missing/ck"], "--checkpoint missing/ck: the folder missing does not exist"),
    (["--checkpoint", "/proc/verify-ck"], "--checkpoint /proc/verify-ck: cannot write in /proc"),
    (["--resume", "/proc/sys"], "--resume /proc/sys: cannot write in /proc/sys"),
]


@pytest.mark.parametrize("args,message", BAD_OUTPUTS, ids=[" ".join(a) for a, _ in BAD_OUTPUTS])
def test_unwritable_output_is_exit_2_before_any_work(workdir, tmp_path, capsys, monkeypatch, args, message):
    import checker.orchestrate.dispatch as run_mod

    def no_work(*a, **k):
        raise AssertionError("a spec was checked although the output cannot be written")

    monkeypatch.setattr(run_mod, "check_file", no_work)
    before = _tree(tmp_path)
    assert main(["counter.spec", *args]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "internal error" not in err
    assert _tree(tmp_path) == before  # nothing created, the existing file untouched


DOCS_BAD = [
    (["-o", "afile"], "-o afile: is a file, not a folder"),
    (["-o", "/nonexistent/proofs"], "-o /nonexistent/proofs: the folder /nonexistent does not exist"),
    (["-o", "/proc/verify-docs"], "-o /proc/verify-docs: cannot write in /proc"),
    (["-o", "pages", "--timings", "/nonexistent/t.tsv"], "--timings /nonexistent/t.tsv: the folder"),
    (["-o", "pages", "--timings", "."], "--timings .: is a folder, not a file"),
]


@pytest.mark.parametrize("args,message", DOCS_BAD, ids=[" ".join(a) for a, _ in DOCS_BAD])
def test_docs_unwritable_output_is_exit_2_before_any_spec(workdir, tmp_path, capsys, monkeypatch, args, message):
    import checker.docs as docs

    def no_work(*a, **k):
        raise AssertionError("a spec was checked although the pages cannot be written")

    monkeypatch.setattr(docs, "check_all", no_work)
    before = _tree(tmp_path)
    assert sub_main(["docs", "counter.spec", *args]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert _tree(tmp_path) == before


def test_named_folder_is_created_but_not_its_parents(workdir, capsys):
    assert main(["counter.spec", "--itf", "traces", "--checkpoint", "ck"]) == 1
    assert (workdir / "traces").is_dir() and (workdir / "ck").is_dir()
    capsys.readouterr()


# ------------------------------------------------------------ the user's umask


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield 0o640
    finally:
        os.umask(old)


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir() if p.is_file()}


def test_itf_dot_checkpoint_follow_the_umask(workdir, capsys, umask_027):
    assert main(["counter.spec", "--itf", "traces", "--dot", "g.dot", "--checkpoint", "ck"]) == 1
    capsys.readouterr()
    itf = _modes(workdir / "traces")
    ck = _modes(workdir / "ck")
    assert itf and ck
    assert set(itf.values()) == {umask_027} and set(ck.values()) == {umask_027}, (itf, ck)
    assert stat.S_IMODE((workdir / "g.dot").stat().st_mode) == umask_027


def test_a_wider_umask_gives_wider_files(workdir, capsys):
    old = os.umask(0o002)
    try:
        assert main(["counter.spec", "--itf", "traces"]) == 1
    finally:
        os.umask(old)
    capsys.readouterr()
    assert set(_modes(workdir / "traces").values()) == {0o664}


def test_proof_pages_and_timings_follow_the_umask(workdir, capsys, umask_027):
    assert sub_main(["docs", "counter.spec", "-o", "pages", "--engines", "explicit",
                     "--timings", "t.tsv"]) == 0
    capsys.readouterr()
    pages = _modes(workdir / "pages")
    assert "counter.md" in pages and "README.md" in pages
    assert set(pages.values()) == {umask_027}, pages
    assert stat.S_IMODE((workdir / "t.tsv").stat().st_mode) == umask_027


# ------------------------------------------------------------ stdout is the JSON document only


def test_json_coverage_puts_the_table_into_the_document(workdir, capsys):
    assert main(["counter.spec", "--json", "--coverage", "--no-timing"]) == 1
    out = capsys.readouterr().out
    doc = json.loads(out)  # the whole of stdout is one document
    jsonschema.validate(doc, SCHEMA)
    cov = doc["results"][0]["coverage"]
    assert cov == {"states": 4, "actions": [{"action": "inc", "enabled_states": 3, "transitions": 3,
                                             "distinct_states": 3}], "never_enabled": []}


@pytest.mark.parametrize("args", [
    ["--coverage", "--dot", "g.dot", "--itf", "traces"],
    ["--engine", "all", "--coverage"],
    ["--const", "MAX=2..4", "--coverage"],
    ["--simulate", "--walks", "5", "--coverage"],
    ["--checkpoint", "ck", "--max-states", "2"],
    ["--engine", "enum"],
])
def test_json_stdout_is_one_document_whatever_else_is_asked(workdir, capsys, args):
    code = main(["counter.spec", "--json", "--no-timing", *args])
    out = capsys.readouterr().out
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["exit_code"] == code


def test_coverage_without_json_still_prints_the_table(workdir, capsys):
    assert main(["counter.spec", "--coverage", "--no-timing"]) == 1
    out = capsys.readouterr().out
    assert "coverage over all 4 reachable states" in out


# ------------------------------------------------------------ one schema-valid document per exit code


def _document(out: str) -> dict:
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    return doc


@pytest.mark.parametrize("text,args,code", [
    (HOLDS, [], 0),
    (COUNTER, [], 1),
    ("spec broken\nvar n: 0..3 = 9 +\n", [], 2),
    (COUNTER, ["--max-states", "2"], 3),
])
def test_schema_accepts_exit(tmp_path, capsys, text, args, code):
    path = tmp_path / "s.spec"
    path.write_text(text)
    assert main([str(path), "--json", *args]) == code
    doc = _document(capsys.readouterr().out)
    assert doc["exit_code"] == code


def test_schema_accepts_exit_4(tmp_path, capsys, monkeypatch):
    """An internal error (a bug in an engine): exit 4 and still a document."""
    from checker import engines

    def broken(spec, options):
        raise RuntimeError("an engine bug")

    real_get = engines.get
    monkeypatch.setattr(engines, "get", lambda name: broken if name == "explicit" else real_get(name))
    path = tmp_path / "s.spec"
    path.write_text(HOLDS)
    assert main([str(path), "--json"]) == 4
    doc = _document(capsys.readouterr().out)
    assert doc["exit_code"] == 4 and doc["errors"][0]["kind"] == "internal"


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_schema_accepts_signal_exits(tmp_path, sig, code):
    spec = tmp_path / "endless.spec"
    spec.write_text(ENDLESS)
    ck = tmp_path / "ck"
    p = verify(str(spec), "--json", "--checkpoint", str(ck), "--checkpoint-every", "0.05")
    wait_for_file(ck, ".ckpt", p)   # the search runs: now signal it
    p.send_signal(sig)
    out, err = p.communicate(timeout=BACKSTOP)
    assert p.returncode == code, err
    doc = _document(out)
    assert doc["exit_code"] == code
    assert doc["results"] and not doc["results"][0]["exhaustive"]
