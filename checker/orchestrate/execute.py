"""The command line's work: check every file of a :class:`Request`, print
the reports, write the files asked for, and return the exit code.

Exit codes: 0 every property holds, 1 something is violated, 2 input error
(bad spec, bad option, unknown name), 3 unknown / bounded, 4 internal error
(a bug in the checker, including two engines that disagree), 128 + the
signal number after SIGINT/SIGTERM (with the partial results).
"""
from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field, replace
from typing import IO, Any, Optional

from ..cancel import INTERRUPTED, Cancel, Halted
from ..errors import InputError, InternalError
from ..lang.diagnostics import SpecError
from ..options import Options
from ..report.json_report import render_document
from ..report.progress import ProgressLine
from ..report.text import render
from ..results import EXIT_INPUT_ERROR, EXIT_INTERNAL, EXIT_UNKNOWN, exit_code, worst_exit
from . import dispatch
from .dispatch import Run
from .outputs import graph_outputs, space_profile, write_itf
from .signals import StopFlag, install, restore, signal_name


@dataclass
class Request:
    """Everything the command line asked for, already parsed and validated
    syntactically (semantic checks -- names known to the spec -- happen here)."""

    files: list[str]
    const_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    engine: str = "explicit"
    options: Options = Options()
    invariants: Optional[tuple[str, ...]] = None
    json: bool = False
    timing: bool = True
    color: Optional[bool] = None       # None: when stdout is a tty
    progress: Optional[bool] = None    # None: when stderr is a tty
    itf_dir: Optional[str] = None      # write every trace there as ITF
    dot_file: Optional[str] = None     # write the reachable state graph there (DOT)
    coverage: bool = False             # report transitions per action, warn on actions never enabled
    profile_space: bool = False        # per action the new states, per variable the distinct values
    all_values: bool = False           # prove for every value of constants with a `where` clause
    started: Optional[float] = None    # monotonic time --timeout counts from (None: execute's start)


@dataclass
class _Session:
    """What one ``execute`` writes to and collects, file after file."""

    req: Request
    flag: StopFlag
    stdout: IO[str]
    stderr: IO[str]
    color: bool = False
    show_progress: bool = False
    other_rank: bool = False           # under mpiexec, only rank 0 reports (and writes files)
    codes: list[int] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0

    def error(self, path: str, kind: str, message: str, code: int) -> None:
        self.errors.append({"file": path, "kind": kind, "message": message})
        self.codes.append(code)


def execute(req: Request, stdout: IO[str] | None = None, stderr: IO[str] | None = None,
            keep_handlers: bool = False) -> int:
    """Check every file of the request, print the report, return the exit code.

    SIGINT and SIGTERM during the run stop the explicit search at the next
    chunk boundary; the partial result is reported as bounded ("interrupted")
    and the exit code is 128 + the signal number (130, 143).

    ``keep_handlers`` (the command line, which exits next): leave the
    handlers in place afterwards, so that a signal arriving after the report
    is written only records itself, and the process exits with the code that
    the report states instead of dying of the signal."""
    flag = StopFlag(Cancel(req.options.timeout, req.options.max_memory_mb, req.options.should_stop,
                           started=req.started))
    old = install(flag)
    try:
        flag.cancel.start()
        return _execute(req, flag, stdout, stderr)
    finally:
        flag.cancel.close()
        restore(old, keep_handlers)


def _execute(req: Request, flag: StopFlag, stdout: IO[str] | None = None,
             stderr: IO[str] | None = None) -> int:
    s = _session(req, flag, stdout or sys.stdout, stderr or sys.stderr)
    for path in req.files:
        if flag.stopped:
            s.skipped += 1
            continue
        file_runs = _check_one(s, path)
        if file_runs is not None:
            _report(s, file_runs)
    code = _final_code(s)
    if req.json:
        # one write of the whole document: an interrupted run still prints all of it
        s.stdout.write(render_document(s.runs, s.errors, code, timing=req.timing))
        s.stdout.flush()
    return code


def _session(req: Request, flag: StopFlag, stdout: IO[str], stderr: IO[str]) -> _Session:
    other_rank = False
    if req.options.distributed:              # under mpiexec, only rank 0 reports (and writes files)
        from ..distributed.mpi import launcher_rank, rank_streams   # MPI, only for a distributed run
        stdout, stderr = rank_streams(stdout, stderr)
        other_rank = launcher_rank() != 0
    color = req.color if req.color is not None else _isatty(stdout) and not os.environ.get("NO_COLOR")
    show_progress = req.progress if req.progress is not None else (_isatty(stderr) and not req.json)
    return _Session(req, flag, stdout, stderr, color, show_progress, other_rank)


def _options(s: _Session):
    """The file's options on the run's cancel, and its progress line (None when not shown)."""
    req = s.req
    options = replace(req.options, cancel=s.flag.cancel)
    if not s.show_progress:
        return options, None
    progress = ProgressLine(s.stderr, force=req.progress is True)
    progress.set_label(req.engine if req.engine != "all" else "")
    progress.heartbeat()
    return replace(options, progress=progress), progress


def _check_one(s: _Session, path: str) -> Optional[list[Run]]:
    """Check one file (every swept constant value): its runs, or None when
    it gave no result (the reason is written and recorded)."""
    req, flag = s.req, s.flag
    options, progress = _options(s)
    try:
        flag.armed = True
        try:
            runs = dispatch.check_file(path, req.const_ranges, req.engine, options, req.invariants,
                                       generalize=req.all_values)
        finally:
            flag.armed = False
    except (Exception, KeyboardInterrupt) as e:
        _close(progress)
        _failed(s, path, e)
        return None
    _close(progress)
    return runs


def _failed(s: _Session, path: str, e: BaseException) -> None:
    """Write and record why a file gave no result (by the exception's type)."""
    flag = s.flag
    if isinstance(e, InputError):
        s.stderr.write(f"verify: error: {e}\n")
        s.error(path, "input", str(e), EXIT_INPUT_ERROR)
    elif isinstance(e, InternalError):
        s.stderr.write(f"verify: internal error: {e}\n")
        s.error(path, "internal", str(e), EXIT_INTERNAL)
    elif isinstance(e, KeyboardInterrupt):
        _interrupted(s, path, e)
    elif isinstance(e, Halted):   # a poll in the front end (parsing, resolving) stopped the run
        if not flag.requested:
            s.stderr.write(f"verify: {path}: {flag.cancel.words()} while loading the spec; "
                           "no result for this file\n")
            s.codes.append(EXIT_UNKNOWN)
    elif isinstance(e, SpecError):
        text = str(e).rstrip("\n")
        s.stderr.write(text + "\n")
        s.error(path, "spec", text, EXIT_INPUT_ERROR)
    elif os.environ.get("VERIFY_DEBUG"):
        raise e
    else:
        s.stderr.write(internal_message(e) + "\n")
        s.error(path, "internal", f"{type(e).__name__}: {e}", EXIT_INTERNAL)


def _close(progress) -> None:
    if progress is not None:
        progress.close()


def _interrupted(s: _Session, path: str, e: KeyboardInterrupt) -> None:
    flag = s.flag
    if flag.cancel.reason not in (None, INTERRUPTED) and not flag.requested:
        # the watchdog's hard stop after a limit of the whole run
        s.stderr.write(f"verify: {path}: {flag.cancel.words()} where nothing polls; "
                       "no result for this file\n")
        s.codes.append(EXIT_UNKNOWN)
        return
    if flag.signum is None:
        flag.signum = getattr(e, "signum", 0) or flag.cancel.signum or 2
    s.stderr.write(f"verify: interrupted ({signal_name(flag.signum)}); "
                   "no partial result for this file\n")


def _report(s: _Session, file_runs: list[Run]) -> None:
    """One file's reports (text unless --json), ITF traces, coverage, graph, profile."""
    req = s.req
    if req.itf_dir and not s.other_rank:
        for r in file_runs:
            for written in write_itf(r, req.itf_dir):
                s.stderr.write(f"verify: wrote {written}\n")
    for r in file_runs:
        s.codes.append(exit_code(r.result))
        if not req.json:
            s.stdout.write(render(r.result, r.spec, timing=req.timing, color=s.color))
            s.stdout.flush()
    for r in file_runs:
        if r.spec is not None and (req.coverage or req.dot_file):
            graph_outputs(req, r, s.stdout, s.stderr)
        if r.spec is not None and req.profile_space:
            space_profile(req, r, s.stdout, s.stderr)
    s.runs.extend(file_runs)


def _final_code(s: _Session) -> int:
    """The worst exit code; files left unchecked after a limit make it unknown;
    a signal makes it 128 + its number."""
    flag = s.flag
    code = worst_exit(s.codes)
    if s.skipped:
        s.stderr.write(f"verify: {flag.cancel.words() or 'stopped'}: {s.skipped} file"
                       f"{'s' if s.skipped > 1 else ''} not checked\n")
        if not flag.requested:
            code = worst_exit(s.codes + [EXIT_UNKNOWN])
    if flag.requested and flag.signum is None:
        flag.signum = flag.cancel.signum
    if flag.signum is not None:
        code = 128 + flag.signum
        s.stderr.write(f"verify: interrupted by {signal_name(flag.signum)}: the results above are "
                       "partial (bounded, not exhaustive)\n")
    return code


def internal_message(e: BaseException) -> str:
    """What a crash of the checker prints: the exception, where, and that it is a bug."""
    where = ""
    tb = traceback.extract_tb(e.__traceback__)
    if tb:
        f = tb[-1]
        where = f" (at {os.path.basename(f.filename)}:{f.lineno})"
    return (f"verify: internal error: {type(e).__name__}: {e}{where}\n"
            "This is a bug in the checker, not in your spec. Please report it with the spec "
            "and the command line; run with VERIFY_DEBUG=1 for the full traceback.")


def _isatty(f) -> bool:
    try:
        return f.isatty()
    except Exception:
        return False
