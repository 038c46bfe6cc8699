"""The committed proof documentation (docs/proofs) is what `verify docs` generates now.

Regenerate with:  verify docs spec/ -o docs/proofs --engines explicit
(The committed pages use the explicit engine: its verdicts are exact and
deterministic. The Z3 engines' verdicts depend on solver timeouts, so they
are pinned in tests/catalog instead of in committed pages.)"""
from pathlib import Path

from checker.docs import render_all

ROOT = Path(__file__).resolve().parents[2]


def test_committed_proof_docs_are_fresh():
    pages = render_all([str(ROOT / "spec")], str(ROOT / "docs" / "proofs"), engines=("explicit",))
    stale = [p.name for p, text in pages.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in (ROOT / "docs" / "proofs").glob("*.md") if p not in pages)
    assert not stale and not extra, (
        f"docs/proofs is stale (changed: {stale}, no longer generated: {extra}); "
        "run: verify docs spec/ -o docs/proofs --engines explicit")
