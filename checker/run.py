"""The orchestration's public names, for library users and the tools built
on the checker (``checker.run.run``, ``run_spec``, ``check_file``,
``execute``...).  The work itself is in :mod:`checker.orchestrate`, one job
per module; this module only re-exports it.

Exit codes: 0 every property holds, 1 something is violated, 2 input error
(bad spec, bad option, unknown name), 3 unknown / bounded, 4 internal error
(a bug in the checker, including two engines that disagree).
"""
from __future__ import annotations

from .errors import InputError, InternalError
from .orchestrate.dispatch import (Run, check_file, close_lassos, cross_check, note_dead_actions, run,
                                   run_spec, stop_requested)
from .orchestrate.execute import Request, execute, internal_message
from .orchestrate.load import (check_consts, check_invariant_names, check_property_names, close_matches,
                               const_assignments, load, load_bound)
from .orchestrate.merge import CrossCheckResult, merge
from .orchestrate.outputs import write_itf
from .orchestrate.signals import Interrupted, StopFlag
from .properties import BUILTIN_PROPERTIES, property_names
from .results import EXIT_INTERNAL, exit_code, worst_exit

__all__ = ["BUILTIN_PROPERTIES", "CrossCheckResult", "EXIT_INTERNAL", "InputError", "InternalError",
           "Interrupted", "Request", "Run", "StopFlag", "check_consts", "check_file", "check_invariant_names",
           "check_property_names", "close_lassos", "close_matches", "const_assignments", "cross_check",
           "execute", "exit_code", "internal_message", "load", "load_bound", "merge", "note_dead_actions",
           "property_names", "run", "run_spec", "stop_requested", "worst_exit", "write_itf"]
