"""Orchestration behind the command line, one job per module:

- ``load``: read and type-check a spec file, bind and check constants and names;
- ``dispatch``: run one engine (or ``--engine all``) on a loaded spec, with
  what every run gets afterwards (closed lassos, dead actions, record labels);
- ``merge``: the cross-check of ``--engine all``, one merged verdict per property;
- ``signals``: SIGINT/SIGTERM during a run;
- ``outputs``: ITF, coverage, DOT and state-space profile files and tables;
- ``execute``: the command line's work, file by file, and the exit code.

``checker.run`` re-exports the public names for library users.
"""
