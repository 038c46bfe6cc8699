"""Impossible combinations get a clear message and exit code 2, never a
traceback or a silent skip; the owner function spreads states evenly."""
from __future__ import annotations

import numpy as np
import pytest

from checker.cli import main
from checker.distributed.partition import owners

from .mpi_run import ROOT, require_mpi, subprocess_verify


def _run(args, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("args,words", [
    (["spec/breaker.spec", "--distributed"],
     ["temporal properties (recovers", "single-process", "--simulate --swarm", "--property"]),
    (["spec/breaker.spec", "--distributed", "--engine", "kind"], ["--engine kind"]),
    (["bench/breaker_n.spec", "--distributed", "--max-states", "10"], ["--max-states"]),
    (["bench/breaker_n.spec", "--distributed", "--store", "compact", "--workers", "2"], ["mpiexec -n K"]),
    (["bench/breaker_n.spec", "--swarm", "2"], ["--swarm: only with --simulate"]),
    (["bench/breaker_n.spec", "--simulate", "--distributed"], ["add --swarm K"]),
    (["bench/breaker_n.spec", "--distributed", "--coverage"], ["--coverage/--dot"]),
    (["bench/breaker_n.spec", "--simulate", "--swarm", "0"], ["--swarm"]),
])
def test_refused_with_exit_2(args, words, capsys, monkeypatch):
    code, err = _run(args, capsys, monkeypatch)
    assert code == 2
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_resume_without_a_checkpoint_is_refused():
    require_mpi()
    code, _doc, err = subprocess_verify(["bench/breaker_n.spec", "--const", "N=3", "--distributed",
                                         "--resume", "bench"])
    assert code == 2 and "no checkpoint of this search" in err and "Traceback" not in err


def test_one_rank_without_mpiexec_is_the_single_process_search():
    require_mpi()
    code, doc, err = subprocess_verify(["bench/breaker_n.spec", "--const", "N=4", "--distributed"])
    assert doc is not None, err
    assert code == 0
    stats = doc["results"][0]["stats"]
    assert (stats["states"], stats["transitions"], stats["depth"]) == (519, 2379, 13)


@pytest.mark.parametrize("dtype", ["u8", "V9"])
def test_owners_spread_evenly_and_deterministically(dtype):
    rng = np.random.default_rng(1)
    if dtype == "u8":
        states = np.arange(40_000, dtype=np.uint64) << np.uint64(5)   # packed fields: low bits all 0
    else:
        states = rng.integers(0, 256, size=(40_000, 9), dtype=np.uint8).view("V9").ravel()
    own = owners(states, 4)
    counts = np.bincount(own, minlength=4)
    assert counts.min() > 0.9 * counts.mean()
    assert (owners(states, 4) == own).all()
    assert (owners(states, 1) == 0).all()


def test_api_swarm_without_simulate_is_refused():
    import checker
    from checker.run import InputError

    with pytest.raises(InputError, match="simulate"):
        checker.check(f"{ROOT}/spec/breaker.spec", swarm=2)
