"""Options.rlimit: a resource limit per solver call, counted by Z3 in solver
steps, so that a run gives the same verdicts under any load (the proof pages
rely on it).  A solver stopped by it is reported as unknown, saying so."""
import pytest

from checker import engines
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict

SPEC = """spec counter
var n: 0..3 = 0
var m: 0..4 = 0
action inc { require n < 3; n = n + 1; m = n + 1 }
action reset { require n == 3; n = 0; m = 1 }
invariant in_range: n <= 3
invariant follows: m <= n + 1
"""


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_a_tiny_limit_gives_unknown_and_says_which_limit(engine):
    r = engines.get(engine)(load_text(SPEC, "<t>"), Options(rlimit=1))
    p = r.get("in_range")
    assert p.verdict is Verdict.UNKNOWN
    assert "resource limit reached (rlimit 1 per solver call)" in p.detail


@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_a_sufficient_limit_proves_and_runs_agree(engine):
    spec = load_text(SPEC, "<t>")
    runs = [engines.get(engine)(spec, Options(rlimit=10_000_000)) for _ in range(2)]
    assert [p.verdict for p in runs[0].properties] == [Verdict.HOLDS] * len(runs[0].properties)
    assert [(p.verdict, p.method, p.depth, p.found_invariant) for p in runs[0].properties] == \
        [(p.verdict, p.method, p.depth, p.found_invariant) for p in runs[1].properties]
