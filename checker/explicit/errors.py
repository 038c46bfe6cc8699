"""The explicit engine's option errors that are the user's to fix (exit
code 2).  The classes live in checker/errors.py (the orchestration matches
them by type); this module re-exports the one the store planning
(engine.py) and the vector back end (vector/plan.py) raise, so neither
imports the other."""
from __future__ import annotations

from ..errors import StoreOptionError  # noqa: F401
