"""Options every engine receives.  Engines read this object, never the CLI."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Progress:
    """What an engine reports while it runs (about once a second)."""

    states: int
    transitions: int
    depth: int
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class Options:
    # explicit engine
    max_depth: Optional[int] = None      # stop after this many BFS levels (bounded result)
    max_states: Optional[int] = None     # stop after storing this many states (bounded result)
    check_deadlock: bool = True
    symmetry: bool = True                # store one state per orbit of `symmetric type`s
    # "default", or "tla": a step that changes nothing does not count as a fair
    # action taken, and every state may stutter forever (explicit liveness)
    semantics: str = "default"
    # symbolic engines
    depth: int = 20                      # bmc: unroll to this many steps
    max_k: int = 20                      # kind: try k = 1..max_k
    seed: int = 0                        # z3 random seed, and the simulation's, for reproducible runs
    # random simulation (checker/explicit/simulate.py) instead of the exhaustive search
    simulate: bool = False
    walks: int = 100                     # number of random walks
    walk_depth: int = 100                # steps per walk at most
    shrink: bool = True                  # shrink the walks' counterexamples (checker/explicit/shrink.py)
    traces: int = 1                      # explicit, dict store: up to this many counterexamples per
    #                                      property, shortest first (checker/explicit/many.py)
    # z3 resource units per solver query (z3's `rlimit`; exhausted: unknown): unlike
    # `timeout`, the same spec, seed and z3 version give the same verdicts on any
    # machine and load, which is what the committed proof pages need.  None: no limit.
    solver_rlimit: Optional[int] = None
    # all engines
    timeout: Optional[float] = None      # seconds for the whole run, every engine (checker/cancel.py)
    property_timeout: Optional[float] = None  # symbolic engines: seconds per property at most
    properties: Optional[tuple[str, ...]] = None  # check only these (None: all)
    progress: Optional[Callable[[Progress], None]] = None  # called about once a second
    # explicit engine: resource limits and interruption (checked between chunks of states)
    max_memory_mb: Optional[float] = None  # stop when the resident set exceeds this (bounded result)
    should_stop: Optional[Callable[[], bool]] = None  # True: stop now, report "interrupted"
    # the run's deadline, stop flag and memory watchdog (checker/cancel.py); None: the
    # engines build one from timeout / max_memory_mb / should_stop
    cancel: Optional[Any] = None
    # explicit engine: checkpoints (checker/explicit/checkpoint.py)
    checkpoint_dir: Optional[str] = None  # save the search there periodically and at the end
    checkpoint_every: float = 30.0       # seconds between periodic checkpoints
    resume_dir: Optional[str] = None     # continue the search saved there
    # explicit engine: state store and parallelism (checker/explicit/compact.py)
    store: str = "dict"                  # "dict" (reference: dict state -> parent) or "compact"
    #                                      (numpy arrays, one sorted array per BFS level)
    workers: int = 1                     # > 1: expand each level in this many forked processes
    #                                      (compact store only)
    # past one machine (checker/distributed/): the search spread over MPI ranks (run under
    # mpiexec), and swarm simulation (--simulate with this many diversified walkers; 0: off)
    distributed: bool = False
    swarm: int = 0
    # explicit engine: how chunks are expanded (checker/explicit/vector/): "scalar"
    # (generated Python per state), "vector" (array code over each chunk, on the
    # compact store) or "auto" (vector when every action and invariant vectorises)
    backend: str = "scalar"
    gpu: bool = False                    # vector back end: CuPy when a CUDA device is present
    por: bool = False                    # partial-order reduction of process steps (vector back
    #                                      end; invariants, goals, deadlock: vector/por.py)
    # explicit engine, dict store: check an invariant/goal on a state only when a bit it
    # reads differs from the parent's (checker/explicit/readsets.py says why that is
    # sound); internal, no CLI flag, off by default: measured 4-7% slower on the bench
    # families (bench/results/invariant-skipping.md), the guard costs what it saves
    invariant_skipping: bool = False
