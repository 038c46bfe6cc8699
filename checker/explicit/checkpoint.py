"""Checkpoints of the explicit search (``--checkpoint DIR`` / ``--resume DIR``).

A checkpoint is one pickle file per spec and constant values,
``DIR/<spec>[-<CONST><value>...].ckpt``, holding

* a *key*: the sha256 of the spec's source text and bound constants, the
  search options that change the result (``--max-depth``, ``--max-states``,
  deadlock checking, ``--property``), the state layout and a format number;
* the search at a chunk boundary: the seen-set with every state's parent
  (traces are rebuilt from it), the rest of the current BFS level, the part of
  the next level collected so far, the depth, the transition count and the
  violations found so far -- or, for a finished search, how it ended.

States are packed ints, so the file is made of ints, lists, tuples and dicts
(plus the engine's small error records).  It is written to a temporary file in
DIR, flushed and fsync'ed, then renamed over the old checkpoint
(``os.replace``), so a run killed at any moment -- SIGKILL included -- leaves
either the previous checkpoint or the new one, never half of one.

pickle runs code while loading: a checkpoint is trusted like the spec itself
(it is the user's own file, written by their own run).  Do not resume from a
checkpoint somebody else gave you.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from typing import Any, Optional

from ..version import __version__
from ..errors import CheckpointError  # noqa: F401  (raised here; an input error for the orchestration)

FORMAT = 1
SUFFIX = ".ckpt"


def spec_hash(spec) -> str:
    """sha256 of the spec's source text and its bound constants."""
    h = hashlib.sha256()
    h.update((getattr(spec, "source", "") or "").encode("utf-8"))
    h.update(b"\0")
    h.update(repr(sorted(spec.const_values().items())).encode("utf-8"))
    return h.hexdigest()


def search_key(spec, options, layout) -> dict[str, Any]:
    """Everything a resumed search must share with the one that was saved."""
    fields = [(f.name, f.offset, f.width) for f in getattr(layout, "fields", ())]
    return {
        "format": FORMAT,
        "spec": spec.name,
        "spec_sha256": spec_hash(spec),
        "consts": sorted(spec.const_values().items()),
        "max_depth": options.max_depth,
        "max_states": options.max_states,
        "check_deadlock": options.check_deadlock,
        "properties": tuple(sorted(options.properties)) if options.properties is not None else None,
        "layout": hashlib.sha256(repr((getattr(layout, "total_bits", None), fields)).encode()).hexdigest(),
        "checker_version": __version__,
        # only for specs with a `symmetric type`: older checkpoints stay valid
        **({"symmetry": options.symmetry} if getattr(spec, "symmetric", ()) else {}),
    }


_WHAT = {
    "format": "the checkpoint format",
    "spec": "the spec name",
    "spec_sha256": "the spec (its text or constants changed)",
    "consts": "the constant values (--const)",
    "max_depth": "--max-depth",
    "max_states": "--max-states",
    "check_deadlock": "deadlock checking (--no-deadlock)",
    "symmetry": "symmetry reduction (--no-symmetry)",
    "properties": "the checked properties (--property)",
    "layout": "the state encoding (the checker changed)",
    "checker_version": "the checker version",
}


def path_for(directory: str, spec) -> str:
    tag = "".join(f"-{k}{v}" for k, v in sorted(spec.const_values().items()))
    return os.path.join(directory, f"{spec.name}{tag}{SUFFIX}")


def save(path: str, key: dict, state: dict) -> None:
    """Write atomically: temporary file in the same directory, fsync, rename."""
    directory = os.path.dirname(path) or "."
    from ..outpaths import ensure_dir, file_mode

    ensure_dir(directory)  # the folder the user named, never its parents (checked by the CLI)
    _remove_stale(directory, os.path.basename(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())  # the user's umask, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"key": key, "state": state}, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _remove_stale(directory: str, name: str) -> None:
    """Temporary files of this checkpoint left by a run killed while writing it."""
    prefix = "." + name + "."
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for n in names:
        if n.startswith(prefix) and n.endswith(".tmp"):
            try:
                os.unlink(os.path.join(directory, n))
            except OSError:
                pass


def load(path: str, key: dict) -> dict:
    """The saved search state, after checking that ``key`` matches."""
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        raise CheckpointError(f"--resume {directory}: no such directory")
    if not os.path.exists(path):
        others = sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX))
        where = f"; it has checkpoints for: {', '.join(others)}" if others else " (it has none)"
        raise CheckpointError(f"--resume {directory}: no checkpoint for spec {key['spec']}"
                              f"{_consts_text(key)} there (expected {os.path.basename(path)}){where}")
    try:
        with open(path, "rb") as f:
            doc = pickle.load(f)
        saved, state = doc["key"], doc["state"]
    except Exception as e:
        raise CheckpointError(f"--resume: {path} is not a readable checkpoint "
                              f"({type(e).__name__}: {e})") from None
    diffs = [k for k in key if saved.get(k) != key[k]]
    if diffs:
        parts = []
        for k in diffs:
            if k in ("spec_sha256", "layout"):
                parts.append(_WHAT[k])
            else:
                parts.append(f"{_WHAT[k]}: {_show(saved.get(k))} in the checkpoint, {_show(key[k])} now")
        raise CheckpointError(
            f"--resume: refusing {path}: it was written for a different "
            f"{'search' if 'spec_sha256' not in diffs else 'spec'}; differs: " + "; ".join(parts)
            + ". Rerun without --resume (or with the original spec and options).")
    return state


def _show(v: Optional[Any]) -> str:
    if v is None:
        return "none"
    if isinstance(v, (list, tuple)):
        return ",".join(f"{x[0]}={x[1]}" if isinstance(x, tuple) and len(x) == 2 else str(x)
                        for x in v) or "none"
    return str(v)


def _consts_text(key: dict) -> str:
    c = key.get("consts") or []
    return " with " + ", ".join(f"{k}={v}" for k, v in c) if c else ""
