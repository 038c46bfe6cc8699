"""Running ``verify`` under ``mpiexec`` from the tests.

The tests skip when ``mpiexec`` or mpi4py is missing on a developer's
machine, and fail instead when the ``CI`` environment variable is set (CI
installs both: .ci/run).  As root (CI runs as root), Open MPI refuses to
start without ``--allow-run-as-root``; ``--oversubscribe`` lets 4 ranks run
on a machine with fewer cores."""
from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HANG_GUARD = 600      # seconds: only so that a deadlocked job cannot hang CI; never a pass condition


@functools.lru_cache(maxsize=None)
def missing() -> str | None:
    if shutil.which("mpiexec") is None:
        return "mpiexec not found (apt-get install openmpi-bin libopenmpi-dev)"
    try:
        # load the library without MPI_Init: this pytest process must not become an
        # MPI process (other tests fork, which Open MPI does not support after init)
        import mpi4py
        mpi4py.rc.initialize = False
        mpi4py.rc.finalize = False
        from mpi4py import MPI  # noqa: F401  (loads the library)
    except Exception as e:  # ImportError, or the MPI library failing to load
        return f"mpi4py unusable: {e}"
    return None


def require_mpi() -> None:
    why = missing()
    if why is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the MPI tests: {why}")
    pytest.skip(why)


def mpiexec_prefix(n: int) -> list[str]:
    cmd = ["mpiexec", "-n", str(n), "--oversubscribe"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def _env() -> dict:
    env = dict(os.environ)
    # containers often forbid the cross-memory attach Open MPI's shared-memory
    # transport tries first; copying through shared memory works everywhere
    env.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    env.pop("VERIFY_DEBUG", None)
    return env


def mpi_verify(n: int, args: list[str]) -> tuple[int, dict | None, str]:
    """(exit code, the JSON document rank 0 printed, stderr) of
    ``mpiexec -n N verify ARGS --json`` (with timings: the traffic figures
    are in the statistics' ``extra``, which --no-timing leaves out)"""
    cmd = mpiexec_prefix(n) + [sys.executable, "-m", "checker.cli", *args, "--json"]
    p = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=HANG_GUARD)
    doc = None
    if p.stdout.strip():
        doc = json.loads(p.stdout)
    return p.returncode, doc, p.stderr


def subprocess_verify(args: list[str]) -> tuple[int, dict | None, str]:
    """``verify ARGS --json`` in a fresh process, not under mpiexec (for
    --distributed as a world of one rank: never MPI_Init in this process)"""
    p = subprocess.run([sys.executable, "-m", "checker.cli", *args, "--json"], cwd=ROOT, env=_env(),
                       capture_output=True, text=True, timeout=HANG_GUARD)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


def local_verify(args: list[str]) -> tuple[int, dict]:
    """(exit code, JSON document) of ``verify ARGS --json --no-timing`` in this process"""
    from checker.cli import main

    buf = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(buf):
            code = main([*args, "--json", "--no-timing"])
    finally:
        os.chdir(cwd)
    return code, json.loads(buf.getvalue())
