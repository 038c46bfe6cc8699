"""``verify FILE... --watch``: check again each time a file is saved.

The files' modification times, sizes and inodes are polled (an editor that
saves by renaming a new file over the old one changes the inode), four times
a second: no dependency, and the same on every platform; a watched file is a
handful of specs, so polling costs nothing.  A change starts a run once the
files have stopped changing for a short debounce (an editor may write a file
in several steps).  Each run clears the screen (on a terminal) and prints
only what changed since the run before: the properties whose verdict
changed, and the spec errors, which are shown in full.  The first run prints
every verdict.  Options other than ``--watch`` mean what they mean without it.

Limit: a run is not interrupted by a save that happens while it runs; the
next run starts when it ends.
"""
from __future__ import annotations

import io
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from typing import Callable, Optional, TextIO

from .arguments import UsageError, build_parser, induct_subcommand, parse

POLL_SECONDS = 0.25
DEBOUNCE_SECONDS = 0.3
CLEAR = "\x1b[2J\x1b[H"


@dataclass(frozen=True)
class Outcome:
    """One run: the verdict of every (file, constants, property), and the errors."""

    verdicts: dict
    details: dict
    errors: tuple[str, ...]
    exit_code: int


def stamp(files) -> tuple:
    out = []
    for f in files:
        try:
            st = os.stat(f)
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


def run_once(req) -> Outcome:
    """One check of every file, as ``verify`` without ``--watch`` would do it, read back as JSON."""
    from .orchestrate.execute import execute

    out, err = io.StringIO(), io.StringIO()
    code = execute(replace(req, json=True, timing=False), stdout=out, stderr=err)
    try:
        doc = json.loads(out.getvalue())
    except ValueError:
        return Outcome({}, {}, (err.getvalue().strip() or f"verify stopped with exit code {code}",), code)
    verdicts, details = {}, {}
    for r in doc.get("results", []):
        consts = ", ".join(f"{k} = {v}" for k, v in sorted((r.get("consts") or {}).items()))
        for p in r.get("properties", []):
            key = (r.get("file", ""), consts, p["name"])
            verdicts[key] = p["verdict"]
            line = f" (line {p['line']})" if p.get("line") else ""
            details[key] = (p.get("detail") or p.get("method") or "") + line
    errors = tuple(e.get("message", "") for e in doc.get("errors", []))
    if err.getvalue().strip() and not errors and code >= 2:
        errors = (err.getvalue().strip(),)
    return Outcome(verdicts, details, errors, code)


def changes(before: Optional[Outcome], now: Outcome) -> list[str]:
    """What a person needs to see: verdicts that changed, and every error."""
    lines = list(now.errors)
    old = before.verdicts if before else {}
    for key, verdict in now.verdicts.items():
        if old.get(key) == verdict:
            continue
        file, consts, name = key
        where = f"{file}" + (f" [{consts}]" if consts else "")
        shown = verdict.upper() if verdict == "violated" else verdict
        arrow = f"{old[key]} -> {shown}" if key in old else shown
        lines.append(f"{where}: {name}: {arrow}" + (f"  {now.details[key]}" if verdict != "holds" else ""))
    for key in old:
        if key not in now.verdicts and not now.errors:
            lines.append(f"{key[0]}: {key[2]}: no longer checked")
    return lines


def summary(now: Outcome) -> str:
    counts: dict[str, int] = {}
    for v in now.verdicts.values():
        counts[v] = counts.get(v, 0) + 1
    parts = [f"{n} {v}" for v, n in sorted(counts.items())]
    if now.errors:
        parts.append(f"{len(now.errors)} file(s) with errors")
    return ", ".join(parts) or "nothing checked"


def watch(req, runs: Optional[int], out: TextIO, clear: bool,
          sleep: Callable[[float], None] = time.sleep) -> int:
    """Check, then check again after every change, ``runs`` times (None: until interrupted)."""
    files = list(req.files)
    before: Optional[Outcome] = None
    done = 0
    code = 0
    while True:
        seen = stamp(files)
        now = run_once(req)
        code = now.exit_code
        done += 1
        if clear:
            out.write(CLEAR)
        out.write(f"[run {done} at {time.strftime('%H:%M:%S')}] {' '.join(files)}\n")
        lines = changes(before, now)
        out.write("\n".join(lines) + "\n" if lines else "no verdict changed\n")
        out.write(f"({summary(now)})\n")
        before = now
        if runs is not None and done >= runs:
            return code
        out.write("watching for changes (Ctrl-C to stop)\n")
        out.flush()
        seen = _wait_for_change(files, seen, sleep)


def _wait_for_change(files, seen: tuple, sleep) -> tuple:
    while stamp(files) == seen:
        sleep(POLL_SECONDS)
    while True:  # debounce: wait until the files are still
        current = stamp(files)
        sleep(DEBOUNCE_SECONDS)
        if stamp(files) == current:
            return current


def _take_runs(argv: list[str]) -> tuple[list[str], Optional[int]]:
    """Remove ``--watch-runs N`` (hidden; tests stop the loop with it) before ``verify induct``'s
    rewriting, which does not know it."""
    if "--watch-runs" not in argv:
        return argv, None
    i = argv.index("--watch-runs")
    value = argv[i + 1] if i + 1 < len(argv) else ""
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"argument --watch-runs: expected a whole number >= 1, not {value!r}")
    return argv[:i] + argv[i + 2:], int(value)


def main(argv: list[str]) -> int:
    """``verify ... --watch`` (called by checker.cli.main)."""
    try:
        argv, runs = _take_runs(list(argv))
        argv = induct_subcommand(argv)
        args = build_parser().parse_args(argv)
        if args.json or args.itf or args.dot or args.checkpoint or args.resume:
            raise UsageError("argument --watch: not with --json, --itf, --dot, --checkpoint or --resume")
        req = parse(argv)
    except UsageError as e:
        sys.stderr.write(f"usage: verify FILE... --watch [options]\nverify: error: {e}\n")
        return 2
    except SystemExit as e:  # --help
        return e.code if isinstance(e.code, int) else 0
    try:
        return watch(req, runs, sys.stdout, clear=sys.stdout.isatty())
    except KeyboardInterrupt:
        sys.stderr.write("verify: stopped watching\n")
        return 130
