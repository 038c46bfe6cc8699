"""Errors of the explicit engine's options that are the user's to fix
(exit code 2), in a module of their own so that the store planning
(engine.py) and the vector back end's (vector/plan.py) both raise them
without importing each other."""
from __future__ import annotations


class StoreOptionError(Exception):
    """An impossible combination of ``store``/``workers`` with other options
    (the message is for the user; exit code 2)."""
