"""Output files: written only where the user asked (--itf DIR, --dot FILE,
--checkpoint DIR, verify docs -o DIR), each through a temporary file in the
same directory renamed over the target (``os.replace``), so a reader -- or a
run killed half-way -- never sees half a file, and nothing else is left."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.cli import main
from checker.docs import write_atomic

SPEC = """spec counter
const MAX: 1..9 = 3
var n: 0..9 = 0
action inc { require n < MAX  n = n + 1 }
invariant below_three: n < 3
"""


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    d = tmp_path / "work"
    d.mkdir()
    (d / "counter.spec").write_text(SPEC)
    monkeypatch.chdir(d)
    return d


@pytest.mark.parametrize("args", [
    [], ["--json"], ["--coverage"], ["--max-states", "2"], ["--timeout", "5"],
    ["--engine", "bmc", "--depth", "4"], ["--engine", "kind", "--max-k", "3"],
])
def test_no_file_is_written_unless_asked(workdir, tmp_path, capsys, args):
    before = _tree(tmp_path)
    code = main(["counter.spec", "--no-timing", *args])
    assert code in (1, 3)
    assert _tree(tmp_path) == before
    capsys.readouterr()


def test_itf_writes_only_its_directory(workdir, tmp_path, capsys):
    before = _tree(tmp_path)
    assert main(["counter.spec", "--itf", "traces"]) == 1
    new = _tree(tmp_path) - before
    assert new == {"work/traces", "work/traces/counter-MAX3.below_three.itf.json",
                   "work/traces/counter-MAX3.deadlock.itf.json"}
    capsys.readouterr()


def test_dot_and_checkpoint_write_only_their_targets(workdir, tmp_path, capsys):
    before = _tree(tmp_path)
    assert main(["counter.spec", "--dot", "g.dot", "--checkpoint", "ck"]) == 1
    new = _tree(tmp_path) - before
    assert "work/g.dot" in new and "work/ck" in new
    ckpts = [n for n in new if n.startswith("work/ck/")]
    assert ckpts and all(n.endswith(".ckpt") for n in ckpts)
    assert new == {"work/g.dot", "work/ck", *ckpts}
    assert (workdir / "g.dot").read_text().startswith("digraph")
    capsys.readouterr()


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "third\n")
    # the old content is intact and the temporary file is gone
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_atomic_interrupted_while_writing(tmp_path, monkeypatch):
    """A signal (KeyboardInterrupt) in the middle of the write: the target
    keeps its old content, no temporary file stays behind."""
    target = tmp_path / "out.txt"
    write_atomic(target, "old\n")
    real_fdopen = os.fdopen

    class Breaks:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, text):
            self.f.write(text[: len(text) // 2])
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Breaks(real_fdopen(*a, **k)))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new content\n" * 100)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
