"""The exceptions the orchestration tells apart, by type (checker/orchestrate/).

Light on purpose (no engine, no Z3): the orchestration imports this module
at load time, and the engines raise these classes, so that a mistake in the
user's input is matched by its class, never by its class's name.
"""
from __future__ import annotations


class InputError(Exception):
    """A mistake in the user's input (not in the spec text): an unknown
    constant or property, a value out of range, an unreadable file, an
    impossible combination of options.  Its message is printed as is; exit
    code 2."""


class InternalError(Exception):
    """A bug in the checker (e.g. an engine that cannot be imported)."""


class NeedsConstants(Exception):
    """The spec has constants without values; the explicit engine needs them all."""

    def __init__(self, names: list[str]):
        self.names = names
        example = " ".join(f"--const {n}=VALUE" for n in names)
        super().__init__(
            "the explicit-state engine needs a value for every constant; "
            f"{', '.join(names)} {'has' if len(names) == 1 else 'have'} none "
            f"(give {'it' if len(names) == 1 else 'them'} with {example})")


class StoreOptionError(InputError):
    """An impossible combination of ``store``/``workers`` with other options
    (the message is for the user; exit code 2)."""


class CheckpointError(InputError):
    """A checkpoint that cannot be used (missing, damaged, or for another
    spec or other options).  The message is for the user; exit code 2."""
