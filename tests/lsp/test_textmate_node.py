"""The TextMate grammar in VS Code's own engine (vscode-textmate + vscode-oniguruma, from npm).

Needs node and ``npm ci`` in editors/vscode/test (.ci/run does both).  On a
developer machine without them the test is skipped with the reason; with
CI set it fails instead, so CI never passes without running it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.lsp.keywords import vocabulary

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "editors" / "vscode"
SPEC_FILES = sorted(ROOT.glob("spec/*.spec")) + sorted(ROOT.glob("tests/**/*.spec")) + sorted(ROOT.glob("bench/*.spec"))
KEYWORD_SCOPES = ("storage.type.declaration.spec", "support.type.spec", "constant.language.spec", "keyword.other.spec")


def _node_or_skip() -> str:
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed"
    elif not (HERE / "test" / "node_modules" / "vscode-textmate").is_dir():
        missing = "vscode-textmate is not installed: (cd editors/vscode/test && npm ci)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {missing}")
        pytest.skip(missing)
    return node


def test_vscode_textmate_tokenizes_every_spec_and_every_keyword():
    node = _node_or_skip()
    words = [a for w in vocabulary().keywords for a in ("--word", w)]
    cmd = [node, "test/tokenize.js", "syntaxes/spec.tmLanguage.json", *words, *map(str, SPEC_FILES)]
    out = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert len(result["files"]) == len(SPEC_FILES)
    illegal = {f: toks for f, toks in result["files"].items() if toks}
    assert illegal == {}
    assert set(result["words"]) == set(vocabulary().keywords)
    assert {w: s for w, s in result["words"].items() if s not in KEYWORD_SCOPES} == {}


def test_vscode_textmate_flags_a_stray_character(tmp_path):
    node = _node_or_skip()
    stray = tmp_path / "stray.spec"
    stray.write_text("spec s\nvar n: 0..1 = 0 $\n", encoding="utf-8")
    out = subprocess.run([node, "test/tokenize.js", "syntaxes/spec.tmLanguage.json", str(stray)], cwd=HERE,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["files"][str(stray)] == [[2, 17, "$", "invalid.illegal.spec"]]
