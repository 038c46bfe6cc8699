"""Typed evidence of the distributed search: a ``Search`` of engine
"distributed" over the "mpi" store, with the single-process counts."""
from __future__ import annotations

import json
import subprocess
import sys

from .mpi_run import HANG_GUARD, ROOT, _env, mpiexec_prefix, require_mpi

SCRIPT = """
import json, sys
import checker
from checker import evidence
from checker.distributed.mpi import world
r = checker.check(sys.argv[1], distributed=True, **json.loads(sys.argv[2]))
if world().Get_rank() == 0:
    print(json.dumps({p.name: evidence.to_json(p.evidence) for p in r.properties}))
"""


def _mpi_evidence(path: str, **options) -> dict:
    cmd = mpiexec_prefix(2) + [sys.executable, "-c", SCRIPT, path, json.dumps(options)]
    p = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=HANG_GUARD)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_distributed_search_evidence():
    require_mpi()
    import checker
    single = checker.check(f"{ROOT}/spec/client.spec", store="compact")
    got = _mpi_evidence("spec/client.spec")
    assert set(got) == {p.name for p in single.properties}
    for ev in got.values():
        assert ev == {"type": "search", "engine": "distributed", "states": single.stats.states,
                      "depth": single.stats.depth, "complete": True, "stopped_by": None, "shortest": True,
                      "store": "mpi"}
    bounded = _mpi_evidence("spec/client.spec", max_depth=3)
    assert {(e["complete"], e["stopped_by"], e["depth"]) for e in bounded.values()} == {(False, "max_depth", 3)}
