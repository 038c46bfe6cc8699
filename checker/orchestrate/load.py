"""Loading a spec for a check: the file, the ``--const`` values, the names
``--property`` and ``--invariants`` give.  Every mistake is an
:class:`~checker.errors.InputError` whose message names what is known."""
from __future__ import annotations

import difflib
import inspect
import itertools
import os
from typing import Optional

from .. import ir
from ..errors import InputError
from ..lang import load_file
from ..properties import property_names


def close_matches(name: str, known) -> str:
    """' (did you mean X?)' or ''."""
    m = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {m[0]}?)" if m else ""


def _known_list(known) -> str:
    known = list(known)
    return ", ".join(known) if known else "none"


def _accepts(fn, name: str) -> bool:
    """Does ``fn`` take a keyword ``name``? (a front end replaced by a test may not)"""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def front_end():
    """The front end's ``load_file`` (a seam: tests replace it with a fake)."""
    return load_file


def _extra(loader, generalize: bool, cancel) -> dict:
    extra = {"generalize": True} if generalize else {}
    if cancel is not None and _accepts(loader, "poll"):
        extra["poll"] = cancel.check     # parsing and resolving stop at the time limit / a signal
    return extra


def _readable(path: str) -> None:
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a spec file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def load(path: str, consts: Optional[dict[str, int]] = None, generalize: bool = False,
         cancel=None) -> ir.Spec:
    """Parse and type-check a spec file, binding ``consts``.

    Raises ``checker.lang.diagnostics.SpecError`` for a bad spec and
    :class:`InputError` for an unreadable file or a bad constant.
    """
    _readable(path)
    loader = front_end()
    extra = _extra(loader, generalize, cancel)
    try:
        spec = loader(path, **extra)
        if consts:
            check_consts(spec, consts)
            spec = loader(path, dict(consts), **extra)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not a UTF-8 text file ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    return spec


def load_bound(path: str, base: ir.Spec, consts: dict[str, int], generalize: bool = False,
               cancel=None) -> ir.Spec:
    """The spec with ``consts`` bound (``base`` itself when there are none)."""
    if not consts:
        return base
    loader = front_end()
    return loader(path, dict(consts), **_extra(loader, generalize, cancel))


def check_consts(spec: ir.Spec, consts: dict[str, int]) -> None:
    """Every ``--const`` names a declared constant, with a value in its range."""
    decls = {c.name: c for c in spec.consts}
    for name, value in consts.items():
        if name not in decls:
            raise InputError(
                f"--const {name}={value}: the spec {spec.name} has no constant {name}"
                f"{close_matches(name, decls)}; its constants: {_known_list(decls)}")
        t = decls[name].type
        if t.concrete:
            lo, hi = t.bounds()
            if not lo <= value <= hi:
                raise InputError(f"--const {name}={value}: outside the declared range {lo}..{hi}")


def check_property_names(spec: ir.Spec, names) -> None:
    known = property_names(spec)
    for n in names:
        if n not in known:
            raise InputError(f"--property {n}: the spec {spec.name} has no property {n}"
                             f"{close_matches(n, known)}; its properties: {_known_list(known)}")


def check_invariant_names(spec: ir.Spec, names) -> None:
    known = [i.name for i in spec.invariants]
    for n in names:
        if n not in known:
            raise InputError(f"--invariants {n}: the spec {spec.name} has no invariant {n}"
                             f"{close_matches(n, known)}; its invariants: {_known_list(known)}")


def const_assignments(ranges: dict[str, tuple[int, int]]) -> list[dict[str, int]]:
    """Every combination of the swept constants, in order (one dict when no ranges)."""
    names = list(ranges)
    values = [range(lo, hi + 1) for lo, hi in ranges.values()]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]
