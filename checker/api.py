"""The Python API, for tests and notebooks.

    import checker
    result = checker.check("spec/breaker.spec", consts={"THRESHOLD": 2})
    result.holds("closed_below_threshold")      # False
    result.trace("closed_below_threshold")      # the shortest trace
    spec = checker.load("spec/breaker.spec")    # the typed IR

``source`` is a path to a .spec file, or spec text (anything containing a
newline, or starting with ``spec``).  Bad input raises ``checker.SpecError``
(its ``str()`` is the full diagnostic) or ``ValueError`` for a bad option.
"""
from __future__ import annotations

import os
from dataclasses import fields
from typing import Optional, Union

from . import ir
from .options import Options
from .results import CheckResult

Source = Union[str, "os.PathLike[str]"]
_OPTION_NAMES = {f.name for f in fields(Options)} - {"progress"}


def _is_text(source: Source) -> bool:
    if isinstance(source, os.PathLike):
        return False
    return "\n" in source or source.lstrip().startswith("spec ")


def load(source: Source, consts: Optional[dict[str, int]] = None, filename: Optional[str] = None) -> ir.Spec:
    """Parse and type-check a spec (a path or spec text) into the IR."""
    from .lang import load_file, load_text

    if _is_text(source):
        return load_text(str(source), filename or "<spec>", consts)
    return load_file(source, consts)


def check(source: Source, consts: Optional[dict[str, int]] = None, engine: str = "explicit",
          filename: Optional[str] = None, **options) -> CheckResult:
    """Check a spec with one engine (explicit, bmc, kind, pdr, enum) or "all".

    Keyword options are those of ``checker.options.Options``: max_depth,
    max_states, check_deadlock, symmetry, depth, max_k, seed, timeout,
    properties, and simulate / walks / walk_depth for random walks.
    """
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(_OPTION_NAMES))}")
    if "properties" in options and options["properties"] is not None:
        options["properties"] = tuple(options["properties"])
    from . import engines
    if engine not in engines.REGISTRY:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(engines.names())}")
    from .orchestrate.dispatch import run_spec

    spec = load(source, consts, filename)
    return run_spec(spec, engine, Options(**options))
