"""--checkpoint / --resume of the distributed search: one file per rank per
level; a job stopped by SIGTERM (or one that finished first) resumes to the
uninterrupted counts.  Waits on conditions (files appearing, the job
ending), never on durations."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .mpi_run import ROOT, _env, local_verify, mpi_verify, mpiexec_prefix, require_mpi

SPEC = ["bench/breaker_n.spec", "--const", "N=7"]


def _levels(d: str, rank: int) -> list[int]:
    tag = f".rank{rank}of2.level"
    return sorted(int(n.split(tag)[1].split(".")[0]) for n in os.listdir(d) if tag in n) \
        if os.path.isdir(d) else []


def test_killed_job_resumes_to_the_uninterrupted_counts(tmp_path):
    require_mpi()
    ck = str(tmp_path / "ck")
    cmd = mpiexec_prefix(2) + [sys.executable, "-m", "checker.cli", *SPEC, "--distributed",
                               "--checkpoint", ck, "--checkpoint-every", "0.001", "--json"]
    job = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # condition: both ranks saved level 2 (or the job already ended: then the
        # resume below starts from its last level, which must give the same counts)
        while job.poll() is None and not all(max(_levels(ck, r), default=0) >= 2 for r in (0, 1)):
            time.sleep(0.05)
        if job.poll() is None:
            job.send_signal(signal.SIGTERM)
        job.communicate(timeout=600)
    finally:
        if job.poll() is None:
            job.kill()
            job.wait()
    for rank in (0, 1):
        saved = _levels(ck, rank)
        assert saved and len(saved) <= 2, saved      # the two newest levels per rank
    code, doc, err = mpi_verify(2, SPEC + ["--distributed", "--resume", ck])
    assert code == 0, err
    _c, single = local_verify(SPEC)
    for key in ("states", "transitions", "depth"):
        assert doc["results"][0]["stats"][key] == single["results"][0]["stats"][key]
    assert any(n.startswith("resumed from a checkpoint") for n in doc["results"][0]["notes"])
    # another number of ranks cannot use these files: refused, exit 2
    code, _doc, err = mpi_verify(3, SPEC + ["--distributed", "--resume", ck])
    assert code == 2 and "resume with as many" in err
