"""MPI through mpi4py: the world communicator, and the all-to-all of packed
states.  mpi4py is imported only here and only when asked for, so ``verify``
without ``--distributed`` never needs it."""
from __future__ import annotations

import numpy as np

INT_MAX = (1 << 31) - 1       # MPI counts are C ints (Open MPI 4 has no large-count calls)


class DistributedError(Exception):
    """A distributed run that cannot go ahead (the message is for the user; exit code 2)."""


def world():
    """MPI.COMM_WORLD; a process not started by mpiexec is a world of one rank."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise DistributedError(
            "--distributed needs mpi4py and an MPI library (Debian/Ubuntu: apt-get install "
            "openmpi-bin libopenmpi-dev; then pip install mpi4py, or pip install "
            f"'svc-modelcheck[mpi]'); importing it failed: {e}") from None
    if not MPI.Is_initialized():     # (mpi4py.rc.initialize was turned off by the embedding program)
        MPI.Init()
    return MPI.COMM_WORLD


# the launchers' rank variables: Open MPI's mpiexec, MPICH/Hydra, PMIx, Slurm's srun
RANK_VARIABLES = ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID")


def launcher_rank() -> int:
    """this process's rank as the launcher set it (0 outside mpiexec/srun),
    read without initialising MPI: deciding who prints must not start MPI
    in a run that is then refused"""
    import os

    for v in RANK_VARIABLES:
        x = os.environ.get(v, "")
        if x.isdigit():
            return int(x)
    return 0


def alltoallv_states(comm, send: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """One ``Alltoallv``: ``send`` holds the states for rank 0, then rank 1, ...
    (``counts[r]`` of them for rank r); returns the states every rank sent to
    this one, in rank order.  The buffers go as raw bytes (no pickling), so
    ``uint64`` states and wide ``V<n>`` byte-string states travel alike."""
    from mpi4py import MPI

    size = comm.Get_size()
    item = send.dtype.itemsize
    sc = np.ascontiguousarray(counts, dtype=np.int64) * item
    rc = np.empty(size, dtype=np.int64)
    comm.Alltoall(sc, rc)
    # byte counts and displacements are C ints: every rank must learn that one
    # is too big (a rank refusing alone would leave the others waiting)
    if comm.allreduce(max(int(sc.sum()), int(rc.sum())), op=MPI.MAX) > INT_MAX:
        raise DistributedError(
            "a rank's share of a level's exchange exceeds 2 GiB, the most one MPI call "
            "can move with Open MPI 4's int counts: run on more ranks")
    sd = np.concatenate([[0], np.cumsum(sc)[:-1]]).astype(np.int64)
    rd = np.concatenate([[0], np.cumsum(rc)[:-1]]).astype(np.int64)
    sendb = np.ascontiguousarray(send).view(np.uint8) if len(send) else np.empty(0, np.uint8)
    recv = np.empty(int(rc.sum()), dtype=np.uint8)
    comm.Alltoallv([sendb, (sc.astype(np.int32), sd.astype(np.int32)), MPI.BYTE],
                   [recv, (rc.astype(np.int32), rd.astype(np.int32)), MPI.BYTE])
    return recv.view(send.dtype) if len(recv) else np.empty(0, dtype=send.dtype)


def rank_streams(stdout, stderr):
    """(stdout, stderr) for this rank: the given streams on rank 0, discarding
    buffers on the others, which compute the same report"""
    import io

    return (stdout, stderr) if launcher_rank() == 0 else (io.StringIO(), io.StringIO())
