"""The vector back end of the explicit engine (``--backend vector``).

A breadth-first level is expanded a chunk of states at a time as arrays of
packed states (uint64 words); every action binding is evaluated once over the
whole chunk with array operations (``vexpr.py``, ``vstmts.py``), successors
are de-duplicated against the compact store (``..levels``) with one sort per
chunk, and the same driver as the compact store (``..compact.bfs_compact``)
runs the levels, limits and traces.  Anything the array code cannot do -- a
construct, a width, a runtime error, a violated property, a deadlock -- is
handed to the scalar generated code of ``..compile`` (per action, or for the
whole chunk), so the semantics are the scalar engine's.  See ``expander.py``.
"""
