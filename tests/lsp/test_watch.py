"""`verify FILE --watch`: a file is rewritten, the re-run shows what changed.

The test waits for the "watching" line before each write and reads to the
end of the process (``--watch-runs`` stops it); nothing waits for a duration.
"""
from __future__ import annotations

import subprocess
import sys

from checker.watch import Outcome, changes

HOLDS = """\
spec counter
var n: 0..3 = 0
action inc { require n < 3; n = n + 1 }
action reset { require n == 3; n = 0 }
invariant small: n <= 3
invariant tiny: n <= 5
"""
VIOLATED = HOLDS.replace("n <= 3", "n <= 2")
BROKEN = HOLDS.replace("n <= 3\n", "n <=\n")


def _read_until(proc, marker: str) -> list[str]:
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError(f"the process ended before printing {marker!r}: {lines}")


def test_watch_reruns_on_save_and_shows_only_changes(tmp_path):
    spec = tmp_path / "counter.spec"
    spec.write_text(HOLDS, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "checker.cli", str(spec), "--watch", "--watch-runs", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        first = _read_until(proc, "watching for changes")
        assert any(l.endswith("small: holds") for l in first)
        assert any(l.endswith("tiny: holds") for l in first)
        spec.write_text(VIOLATED, encoding="utf-8")
        second = _read_until(proc, "watching for changes")
        assert second[0].startswith("[run 2 at")
        changed = [l for l in second if ": small:" in l]
        assert len(changed) == 1 and "holds -> VIOLATED" in changed[0]
        assert not any("tiny" in l for l in second), "an unchanged verdict was shown again"
        spec.write_text(BROKEN, encoding="utf-8")
        rest, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert rest.startswith("[run 3 at")
    assert "counter.spec:6:1: error: unexpected keyword `invariant`" in rest and "^" in rest
    assert proc.returncode == 2, err


def test_changes_lists_new_changed_and_vanished_verdicts():
    a = Outcome({("f", "", "p"): "holds", ("f", "", "q"): "holds"}, {}, (), 0)
    b = Outcome({("f", "", "p"): "violated", ("f", "", "r"): "holds"},
                {("f", "", "p"): "invariant p is false (line 3)"}, (), 1)
    assert changes(a, b) == ["f: p: holds -> VIOLATED  invariant p is false (line 3)", "f: r: holds",
                             "f: q: no longer checked"]
    assert changes(b, b) == []
