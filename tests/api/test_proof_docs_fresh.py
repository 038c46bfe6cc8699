"""The committed proof documentation (docs/proofs) is what `verify docs` generates now.

Regenerate with:  verify docs spec/ -o docs/proofs

The slow tier (pytest -m slow) regenerates the pages of a few specs whose Z3 runs are quick
(FAST) and compares them, and their sections of the index, byte for byte; the
whole directory is regenerated and compared in the slow tier, pytest -m slow (19 to 68
minutes of engine time on a shared two-core machine under a load of 6 to 9).
The Z3 verdicts are deterministic for one Z3 version (resource limit and
seed, no timeout), so the test skips, saying why, when the installed Z3 is not
the one the index was generated with.
"""
import re
from pathlib import Path

import pytest

from checker.docs import check_all, pages_of
from checker.docs.index import index_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "proofs"
SPECS = ROOT / "spec"
# the state graph, constants proved for every value, fairness and a lasso
# (breaker); violations with sequence diagrams (system); all holding (client_fixed)
FAST = ("breaker.spec", "client_fixed.spec", "system.spec")
REGENERATE = "run: verify docs spec/ -o docs/proofs"


def _same_z3_version():
    import z3

    m = re.search(r"Z3 (\S+), random seed", (DOCS / "README.md").read_text(encoding="utf-8"))
    if m is None or m.group(1) != z3.get_version_string():
        pytest.skip(f"docs/proofs was generated with Z3 {m.group(1) if m else '?'}, this is Z3 "
                    f"{z3.get_version_string()}: Z3's verdicts under a resource limit may differ between versions")


def test_every_spec_has_its_page_and_nothing_else():
    pages = {p.stem for p in DOCS.glob("*.md")} - {"README"}
    assert pages == {p.stem for p in SPECS.glob("*.spec")}, REGENERATE
    dots = {p.stem for p in DOCS.glob("*.dot")}
    assert dots <= pages, f"stale DOT files {sorted(dots - pages)}; {REGENERATE}"


@pytest.mark.slow  # each page from a fresh process, byte for byte: the slow tier
def test_pages_of_fast_specs_are_fresh():
    _same_z3_version()
    outs = check_all([str(SPECS / name) for name in FAST], str(DOCS))
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for o in outs:
        for name, text in o["files"].items():
            path = DOCS / name
            assert path.exists() and path.read_text(encoding="utf-8") == text, f"{name} is stale; {REGENERATE}"
        assert o["summary"] in index and o["section"] in index, f"README.md ({o['name']}) is stale; {REGENERATE}"


@pytest.mark.slow  # regenerates every page: the slow tier (pytest -m slow)
def test_every_page_is_fresh():
    _same_z3_version()
    from checker.docs import DocsSettings

    outs = check_all([str(SPECS)], str(DOCS), DocsSettings(jobs=2))
    pages = pages_of(outs, str(DOCS), DocsSettings(), index_page)
    stale = [p.name for p, text in pages.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in DOCS.iterdir() if p.suffix in (".md", ".dot") and p not in pages)
    assert not stale and not extra, f"docs/proofs is stale (changed: {stale}, no longer generated: {extra}); " \
                                    + REGENERATE
