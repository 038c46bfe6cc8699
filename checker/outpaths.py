"""Output files and folders the user names: checked before any work starts,
written with the user's umask, never anywhere else.

The contract (docs/robustness.md, "Output files and stdout"):

* a folder the user names (``--itf DIR``, ``--checkpoint DIR``, ``verify docs
  -o DIR``) may exist (it must then be a writable folder) or not (its parent
  must then exist and be writable: that one folder is created, never its
  parents);
* a file the user names (``--dot FILE``, ``verify docs --timings FILE``) may
  exist (it is replaced) but must not be a folder; its folder must exist and
  be writable (no ``mkdir -p``);
* every file is written through a temporary file in the same folder renamed
  over the target, and ends with the mode ``0o666 & ~umask`` -- the mode
  ``open()`` would have given it -- not the 0600 of ``tempfile.mkstemp``.

A problem is an :class:`OutputPathError` (exit 2), raised by the ``check_*``
functions before any spec is checked.  Writability is probed by creating and
removing a temporary file, since ``os.access`` answers yes to root even on a
read-only file system.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputPathError(Exception):
    """A file or folder the user named cannot be written (exit 2)."""


def current_umask() -> int:
    """The process's umask.  Linux reports it in /proc/self/status; elsewhere
    it can only be read by setting it (and setting it back at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    return 0o666 & ~current_umask()


def _probe(folder: str, option: str, shown: str) -> None:
    """Create and remove a temporary file in ``folder``: the only reliable
    test that the folder can be written (root, read-only mounts, ACLs)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".verify-probe.", suffix=".tmp")
    except OSError as e:
        raise OutputPathError(f"{option} {shown}: cannot write in {folder}: "
                              f"{e.strerror or e}") from None
    os.close(fd)
    os.unlink(tmp)


def _existing_parent(path: str, option: str, shown: str) -> str:
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(parent):
        raise OutputPathError(f"{option} {shown}: the folder {os.path.dirname(path) or '.'} does not exist "
                              "(create it first: verify creates no folder but the one you name)")
    if not os.path.isdir(parent):
        raise OutputPathError(f"{option} {shown}: {os.path.dirname(path)} is not a folder")
    return parent


def check_output_dir(path: str, option: str) -> None:
    """``path`` can be used as an output folder (see the module docstring)."""
    if os.path.isdir(path):
        _probe(path, option, path)
        return
    if os.path.exists(path):
        raise OutputPathError(f"{option} {path}: is a file, not a folder")
    _probe(_existing_parent(path, option, path), option, path)


def check_output_file(path: str, option: str) -> None:
    """``path`` can be written as an output file (see the module docstring)."""
    if os.path.isdir(path):
        raise OutputPathError(f"{option} {path}: is a folder, not a file")
    _probe(_existing_parent(path, option, path), option, path)


def ensure_dir(path: str) -> None:
    """Create the one folder the user named (not its parents)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it,
    with the umask's mode.  The folder must exist (no ``mkdir -p``)."""
    write_bytes_atomic(Path(path), text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes, fsync: bool = False) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
