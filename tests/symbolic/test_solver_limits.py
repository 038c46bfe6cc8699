"""Resource limits of the Z3 engines: a per-query resource limit
(--solver-rlimit) that ends in *unknown*, never in holds; runs with the same
seed and limit are reproducible; specs too large to encode get a clear
message instead of an encoding that takes minutes and gigabytes."""
from __future__ import annotations

import pytest

import checker
from checker.cli import UsageError, build_parser, main
from checker.results import Verdict

from test_engines import HARD  # a spec whose invariant Z3 cannot settle cheaply

U = Verdict.UNKNOWN


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr", "induct"])
def test_exhausted_rlimit_is_unknown(engine):
    r = checker.check(HARD, engine=engine, solver_rlimit=2000, depth=30, max_k=30,
                      properties=("far",))
    p = r.get("far")
    assert p.verdict is U, (p.verdict, p.method, p.detail)
    assert "unknown" in (p.detail + p.method).lower()


def test_rlimit_runs_are_reproducible():
    """The resource count is deterministic (unlike a wall-clock timeout):
    the same seed and limit give the same depth and the same answer."""
    runs = [checker.check(HARD, engine="bmc", solver_rlimit=200_000, seed=3, depth=30,
                          properties=("far",)) for _ in range(2)]
    a, b = (r.get("far") for r in runs)
    assert (a.verdict, a.method, a.detail, a.depth) == (b.verdict, b.method, b.detail, b.depth)
    assert a.verdict is U


def test_solver_rlimit_option():
    args = build_parser().parse_args(["x.spec", "--solver-rlimit", "5000"])
    assert args.solver_rlimit == 5000
    with pytest.raises(UsageError, match="--solver-rlimit must be at least 1"):
        build_parser().parse_args(["x.spec", "--solver-rlimit", "0"])


def test_solver_rlimit_through_the_cli(tmp_path, capsys):
    f = tmp_path / "hard.spec"
    f.write_text(HARD)
    code = main([str(f), "--engine", "kind", "--solver-rlimit", "2000", "--property", "far",
                 "--no-timing"])
    out = capsys.readouterr().out
    assert code == 3, out
    assert "unknown" in out


HUGE_MAP = """spec s
var x: map<0..100000, 0..3> = [k in 0..100000 -> 0]
action a { x[0] = 1 }
"""

NESTED = ("spec s\nvar x: bool = true\naction a { x = not x }\ninvariant i: "
          + "".join(f"forall q{i} in 0..1: " for i in range(20)) + "x or q19 == q0\n")


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr"])
@pytest.mark.parametrize("text,what", [(HUGE_MAP, "scalar parts"), (NESTED, "copies of their bodies")],
                         ids=["huge_map", "nested_quantifiers"])
def test_too_large_to_encode_is_a_clear_error(engine, text, what):
    r = checker.check(text, engine=engine, depth=3, max_k=3)
    assert r.properties and all(p.verdict is Verdict.ERROR for p in r.properties)
    assert all(what in p.detail and "use the explicit engine" in p.detail for p in r.properties)
