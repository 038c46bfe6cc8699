"""Options.solver_rlimit: a resource limit per solver call, counted by Z3 in solver
steps, so that a run gives the same verdicts under any load (the proof pages
rely on it).  A solver stopped by it is reported as unknown, saying so."""
import os
import subprocess
import sys

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
    r = engines.get(engine)(load_text(SPEC, "<t>"), Options(solver_rlimit=1))
    p = r.get("in_range")
    assert p.verdict is Verdict.UNKNOWN
    assert "resource limit reached (rlimit 1 per solver call)" in p.detail


RUN = """
import sys
from checker import engines
from checker.lang import load_text
from checker.options import Options
r = engines.get(sys.argv[1])(load_text(sys.stdin.read(), "<t>"), Options(solver_rlimit=10_000_000))
for p in r.properties:
    print(p.name, p.verdict.value, p.method, p.depth, p.found_invariant)
"""


@pytest.mark.slow  # fresh processes: the slow tier
@pytest.mark.parametrize("engine", ["kind", "pdr"])
def test_a_sufficient_limit_proves_and_fresh_processes_agree(engine):
    """Two fresh processes give the same verdicts, k and invariants.  (In one
    process the second run may print PDR's invariant differently, e.g.
    ``m - n <= 1`` then ``n - m >= -1``: Z3's answers depend on the terms
    created before; that is why `verify docs` checks each spec in a fresh
    process.)"""
    env = dict(os.environ, PYTHONHASHSEED="0")
    outs = [subprocess.run([sys.executable, "-c", RUN, engine], input=SPEC, capture_output=True, text=True,
                           env=env, check=True).stdout for _ in range(2)]
    assert outs[0] == outs[1]
    lines = outs[0].splitlines()
    assert len(lines) == 4 and all(line.split()[1] == "holds" for line in lines)
