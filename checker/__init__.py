"""svc-modelcheck: a model checker for service designs.

``checker.check(path_or_text, consts=..., engine=...)`` checks a spec and
returns a ``CheckResult``; ``checker.load(...)`` returns the typed IR.
Imports are lazy so that ``import checker`` (and the ``verify`` command)
start fast.
"""
from .version import __version__

__all__ = ["check", "load", "SpecError", "Verdict", "__version__"]


def __getattr__(name):
    if name in ("check", "load"):
        from . import api
        return getattr(api, name)
    if name == "SpecError":
        from .lang.diagnostics import SpecError
        return SpecError
    if name == "Verdict":
        from .results import Verdict
        return Verdict
    raise AttributeError(f"module 'checker' has no attribute {name!r}")
