"""Swarm simulation (``verify --simulate --swarm K``): K diversified walkers
(``walker.py``) at once, in local processes or, with ``--distributed`` under
``mpiexec``, spread over the MPI ranks.

The walkers advance in rounds of ``ROUND`` steps each; after every round the
processes (ranks) exchange one small summary per walker.  The swarm stops
after the first round in which any walker found a violation (a reachability
witness is none: it stops the swarm only once every wanted property is
decided), or every walker finished its ``--walks`` walks, or the timeout passed: each property's
finding is taken from the lowest-numbered walker that found it, then shrunk
(``shrink.py``).  Since rounds are counted in steps, the outcome depends on
the seed, K and the options only, not on timing or on how many processes
ran the walkers.  The report counts every walker's steps and the distinct
states all of them visited (their union).

A clean run is unknown, never "holds": walks see a sliver of the space."""
from __future__ import annotations

import multiprocessing
import os
import signal
import time

import numpy as np

from .. import evidence, ir
from ..explicit import simulate
from ..explicit.compile import Program
from ..explicit.constants import require_constants
from ..explicit.goals import Goals
from ..explicit.memory import peak_memory_bytes
from ..explicit.stop import StopPolicy
from ..options import Options
from .shrink import shrink
from .walker import BIASES, DEPTH_FACTORS, Walker

ROUND = 256


def check(spec: ir.Spec, options: Options):
    require_constants(spec)
    t0 = time.perf_counter()
    prog = Program(spec)
    goals = Goals.of(spec, options)
    found = simulate.Findings()
    initial = simulate.initial_states(prog, found)
    k_walkers = max(1, options.swarm or 1)
    todo = {"invs": list(goals.invs), "reach": list(goals.reach), "typeok": goals.typeok,
            "deadlock": goals.deadlock}

    def team(indices):
        return [Walker(prog, i, options.seed, options.walks, options.walk_depth, initial, todo)
                for i in indices]

    stop = StopPolicy(options)
    if options.distributed:
        final, touched, stopped, where = _mpi_swarm(team, k_walkers, stop, _to_decide(goals))
    else:
        final, touched, stopped, where = _local_swarm(team, k_walkers, stop, _to_decide(goals))
    shrunk = _adopt(prog, spec, found, final)
    run = dict(walks=sum(w["walks"] for w in final), asked=k_walkers * options.walks,
               depth=options.walk_depth, steps=sum(w["steps"] for w in final),
               transitions=sum(w["transitions"] for w in final), touched=touched,
               longest=max((w["longest"] for w in final), default=0), seconds=time.perf_counter() - t0,
               stopped=stopped, ended=_ended(final, stopped))
    result = simulate.simulation_result(spec, prog, options, found, goals, run, peak_memory_bytes())
    _describe_swarm(result, options, run, k_walkers, where, shrunk)
    return result


def _to_decide(goals: Goals) -> set:
    return ({("inv", k) for k in goals.invs} | {("reach", k) for k in goals.reach}
            | ({("typeok",)} if goals.typeok else set()) | ({("deadlock",)} if goals.deadlock else set()))


def _ended(final: list[dict], stopped) -> str:
    """why the swarm ended, as the evidence says it"""
    if stopped is not None:
        return stopped
    return evidence.WALKS if all(w["done"] for w in final) else evidence.ALL_DECIDED


def _adopt(prog, spec: ir.Spec, found, final: list[dict]) -> list[str]:
    """Each property's finding from the lowest-numbered walker that has one,
    shrunk, into ``found``; returns the shrinking's words."""
    goal_decls = tuple(getattr(spec, "reachables", ()))
    shrunk = []
    for key, rec in _first_findings(final).items():
        small, was = shrink(prog, key, rec)
        if key[0] == "inv":
            found.inv[key[1]] = small
        elif key[0] == "reach":
            found.reach[key[1]] = small
        elif key[0] == "typeok":
            found.typeok = found.typeok or small
        else:
            found.deadlock = small
        name = {"inv": lambda: spec.invariants[key[1]].name, "reach": lambda: goal_decls[key[1]].name,
                "typeok": lambda: "typeok", "deadlock": lambda: "deadlock"}[key[0]]()
        length = len(small[0] if key[0] in ("inv", "typeok") else small) - 1
        shrunk.append(f"{name} {was} -> {length} steps")
    return shrunk


def _describe_swarm(result, options: Options, run: dict, k_walkers: int, where: str, shrunk: list[str]) -> None:
    seconds, touched = run["seconds"], run["touched"]
    rate = run["steps"] / seconds if seconds > 0 else 0.0
    result.notes[0] = (
        f"swarm simulation: {k_walkers} walkers on {where} (seeds {options.seed}*1000003+i, biases "
        f"{'/'.join(BIASES)}, depth bounds {'/'.join(f'{f:g}' for f in DEPTH_FACTORS)} x {options.walk_depth}"
        f", up to {options.walks} walks each), stopped at the first violation: {run['steps']:,} steps "
        f"({rate:,.0f} steps/s), {run['walks']:,} walks, {touched:,} distinct states visited; "
        "not exhaustive: a clean run proves nothing")
    if shrunk:
        result.notes.append("counterexamples shrunk (steps removed, replayed, violation kept): "
                            + ", ".join(shrunk))
    result.stats.extra["swarm"] = {"walkers": k_walkers, "where": where, "steps": run["steps"],
                                   "walks": run["walks"], "distinct_states": touched,
                                   "shrunk": shrunk}


def _first_findings(final: list[dict]) -> dict:
    """per property, the finding of the lowest-numbered walker"""
    out: dict = {}
    for w in sorted(final, key=lambda w: w["index"]):
        for key, rec in w["found"].items():
            out.setdefault(key, rec)
    return out


def _decide(summaries: list[dict], stops: list, wanted: set):
    """(go on?, why it stopped) -- the same on every process that sees the
    summaries and the stop reasons the processes polled (``stops``).  A
    violation stops the swarm; a reachability witness does not (it is no
    violation), unless every wanted property is then decided."""
    found = {key for w in summaries for key in w["found"]}
    if any(key[0] != "reach" for key in found) or (wanted and wanted <= found):
        return False, None
    if all(w["done"] for w in summaries):
        return False, None
    reasons = [r for r in stops if r is not None]
    if reasons:
        return False, min(reasons)     # (the same choice on every rank)
    return True, None


def _round(walkers: list[Walker]) -> list[dict]:
    for w in walkers:
        w.run(ROUND)
    return [w.summary() for w in walkers]


def _touched(walkers: list[Walker]) -> np.ndarray:
    s = set().union(*(w.touched for w in walkers)) if walkers else set()
    return np.array(sorted(s), dtype=object)


def _mpi_swarm(team, k: int, stop: StopPolicy, wanted: set):
    from .mpi import world
    comm = world()
    rank, size = comm.Get_rank(), comm.Get_size()
    where = f"{size} MPI rank{'s' if size != 1 else ''}"
    mine = team(range(rank, k, size))
    while True:
        summaries = _round(mine)
        shared = comm.allgather((summaries, stop.poll()))
        every = [w for part, _r in shared for w in part]
        go, why = _decide(every, [r for _p, r in shared], wanted)
        if not go:
            break
    states = set()
    for part in comm.allgather(_touched(mine)):
        states.update(part.tolist())
    return every, len(states), why, where


def _local_swarm(team, k: int, stop: StopPolicy, wanted: set):
    procs = min(k, os.cpu_count() or 1)
    if procs > 1 and "fork" not in multiprocessing.get_all_start_methods():
        procs = 1
    where = f"{procs} process{'es' if procs != 1 else ''}"
    if procs <= 1:
        walkers = team(range(k))
        while True:
            every = _round(walkers)
            go, why = _decide(every, [stop.poll()], wanted)
            if not go:
                return every, len(set().union(*(w.touched for w in walkers))), why, where
    return (*_forked_swarm(team, k, procs, stop, wanted), where)


def _forked_swarm(team, k: int, procs: int, stop: StopPolicy, wanted: set):
    ctx = multiprocessing.get_context("fork")
    pipes, children = [], []
    for p in range(procs):
        ours, theirs = ctx.Pipe()
        child = ctx.Process(target=_child, args=(team, list(range(p, k, procs)), theirs), daemon=True)
        child.start()
        theirs.close()
        pipes.append(ours)
        children.append(child)
    try:
        while True:
            every = [w for c in pipes for w in _receive(c)]
            go, why = _decide(every, [stop.poll()], wanted)
            for c in pipes:
                c.send(go)
            if not go:
                break
        states: set = set()
        for c in pipes:
            states.update(_receive(c))
        return every, len(states), why
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
                child.join()
        for c in pipes:
            c.close()


def _receive(conn):
    msg = conn.recv()
    if isinstance(msg, tuple) and msg and msg[0] == "error":
        raise RuntimeError("internal error in a swarm process:\n" + msg[1])
    return msg


def _child(team, indices, conn) -> None:
    """a local swarm process: its walkers' rounds until the parent says stop"""
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides when to stop
    try:
        walkers = team(indices)
        while True:
            conn.send(_round(walkers))
            if not conn.recv():
                break
        conn.send(sorted(set().union(*(w.touched for w in walkers))) if walkers else [])
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
