"""ARCHITECTURE.md lists every file of checker/ with the first sentence of its
docstring (tools/manifest.py writes that part): a file added, moved or
removed without its line, or a module without a docstring, fails here."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_says_what_it_is():
    bare = [str(p.relative_to(ROOT)) for p in (ROOT / "checker").rglob("*.py")
            if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert bare == []


def test_the_manifest_is_fresh():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "manifest.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
