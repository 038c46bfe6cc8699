"""``verify --distributed`` (and ``--simulate --swarm``): what is refused, and
the report.

The distributed search is the explicit engine's (``explicit.engine.check``,
which runs ``search.bfs_distributed`` instead of a single-process store when
``Options.distributed`` is set), so the report -- verdicts, traces, notes,
JSON -- is built by the same code on every rank; only rank 0 prints it
(``mpi.rank_streams``)."""
from __future__ import annotations

import sys
from dataclasses import replace

from .. import ir
from ..options import Options
from .mpi import DistributedError, world

ALTERNATIVE = ("check them single-process (verify FILE --property NAME), or look for their "
               "violations with --simulate --swarm K (which never proves them)")


def refusal(spec: ir.Spec, options: Options) -> str | None:
    """why this distributed run cannot go ahead, or None"""
    wanted = set(options.properties) if options.properties is not None else None
    temporal = [p.name for p in getattr(spec, "properties", ()) if wanted is None or p.name in wanted]
    if temporal and not options.simulate:
        others = [n for n in _safety_names(spec, options) if wanted is None or n in wanted]
        rest = (f"; to check the other properties distributed, add --property {','.join(others)}"
                if others else "")
        return (f"--distributed checks invariants, reachability goals, typeok and deadlock, not "
                f"temporal properties ({', '.join(temporal)}: they need the whole state graph on one "
                f"machine): {ALTERNATIVE}{rest}")
    if options.max_states is not None:
        return ("--max-states: not with --distributed (the ranks cannot stop at a global count "
                "mid-level alike); bound the run with --max-depth or --timeout")
    if options.workers > 1:
        return "--workers: not with --distributed (start more MPI ranks instead: mpiexec -n K)"
    return None


def _safety_names(spec: ir.Spec, options: Options) -> list[str]:
    names = [i.name for i in spec.invariants] + [g.name for g in getattr(spec, "reachables", ())]
    names.append("typeok")
    if options.check_deadlock:
        names.append("deadlock")
    return names


def check(spec: ir.Spec, options: Options):
    if options.swarm and not options.simulate:
        raise DistributedError("swarm: a swarm is a random simulation: set simulate too "
                               "(verify --simulate --swarm K)")
    if options.simulate:
        from .swarm import check as swarm_check
        return swarm_check(spec, options)
    why = refusal(spec, options)
    if why is not None:
        raise DistributedError(why)
    comm = world()
    from ..explicit import engine

    if options.progress is None and comm.Get_rank() == 0 and comm.Get_size() > 1:
        # under mpiexec rank 0's stderr is a pipe, never a terminal, so the
        # progress line stays off: log a line per level instead (a cluster
        # job's log shows how far the search got)
        options = replace(options, progress=LevelLog(sys.stderr))

    try:
        # (the dict store's option checks: checkpoints are allowed there; the
        # store used is the distributed one either way)
        result = engine.check(spec, replace(options, store="dict", workers=1))
    except DistributedError:
        raise
    except Exception as e:
        if type(e).__name__ == "CheckpointError":    # the same on every rank: exit 2 everywhere
            raise DistributedError(str(e)) from None
        _abort_others(comm, e)
        raise
    facts = result.stats.extra.get("distributed")
    if facts is not None:
        per = "8 bytes (uint64)" if facts["bits"] <= 64 else f"{facts['state_bytes']} bytes"
        note = (f"exact, full states stored: distributed over {facts['ranks']} MPI rank"
                f"{'s' if facts['ranks'] != 1 else ''}, each a compact store ({per} + 1 depth byte "
                f"per state) of the states whose hash it owns; {facts['sent_states']:,} states "
                f"({facts['sent_bytes']:,} bytes) sent between ranks")
        result.notes[0] = note
    return result



def _abort_others(comm, e: BaseException) -> None:
    """An internal error on one rank: the others wait in a collective call
    that will never complete, so end the whole job (exit code 4)."""
    if comm.Get_size() > 1 and type(e).__name__ != "NeedsConstants":
        sys.__stderr__.write(f"verify: rank {comm.Get_rank()}: internal error: {type(e).__name__}: {e}\n")
        sys.__stderr__.flush()
        comm.Abort(4)


class LevelLog:
    """Progress as plain lines: the first after 2 s, then at most one every 5 s."""

    def __init__(self, stream, first: float = 2.0, every: float = 5.0):
        self.stream = stream
        self.first = first
        self.every = every
        self.last = None

    def __call__(self, p) -> None:
        if p.seconds < self.first or (self.last is not None and p.seconds - self.last < self.every):
            return
        self.last = p.seconds
        try:
            self.stream.write(f"verify: {p.note}: {p.states:,} states, {p.transitions:,} transitions, "
                              f"depth {p.depth}, {p.seconds:.0f} s\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass
