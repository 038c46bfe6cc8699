"""Past one machine: the explicit engine's breadth-first search spread over
MPI ranks (``verify --distributed``, under ``mpiexec``), and swarm simulation
(``verify --simulate --swarm K``, local processes or MPI ranks).

Modules: ``mpi`` (finding mpi4py and the world communicator, the one
all-to-all of packed states), ``partition`` (which rank owns a state),
``search`` (the level-synchronous search), ``cut`` (stopping mid-level where
the single-process store stops), ``parents`` (counterexamples rebuilt across
ranks), ``checkpoint`` (one file per rank per level), ``engine`` (option
checks and the report), ``swarm``, ``walker`` and ``shrink`` (swarm
simulation).  See docs/distributed.md.
"""
