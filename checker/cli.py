"""The ``verify`` command: which subcommand runs, and the exit code.

``verify lsp``, ``verify docs|replay|explore`` and ``--watch`` go to their
modules; everything else is parsed by ``checker.arguments`` into a
``run.Request`` and run by ``checker.run``.
Keep imports light: ``verify`` on a small spec must start fast (the
subcommands are imported when chosen).
"""
from __future__ import annotations

import os
import sys
from typing import Optional, Sequence

from .arguments import UsageError, build_parser, parse  # noqa: F401  (also imported from here by tests)


def _hold_late_signals() -> None:
    """The report is written and the process exits next: a SIGINT/SIGTERM
    arriving now (Python's shutdown can take a while after Z3) is ignored
    instead of killing the process, whose exit code is then the report's.
    (Ignored, not blocked: a mask is per thread, and Python's shutdown resets
    its own handlers to the default, which would kill us.)"""
    import signal

    for name in ("SIGINT", "SIGTERM"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):
            pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``verify`` console script; returns the exit code."""
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "lsp" and not os.path.isfile(argv[0]):  # the language server (checker/lsp/)
        from .lsp.command import main as lsp_main

        return lsp_main(argv[1:])
    if argv and argv[0] in ("docs", "replay", "explore") and not os.path.isfile(argv[0]):  # a folder docs/ is no spec
        from .subcommands import main as sub_main

        return sub_main(argv)
    if argv and "--watch" in argv:  # re-check on every save (checker/watch.py)
        from .watch import main as watch_main

        return watch_main(argv)
    try:
        try:
            req = parse(argv)
        except UsageError as e:
            sys.stderr.write(f"usage: verify FILE... [options]   (verify --help for all options)\n"
                             f"verify: error: {e}\n")
            return 2
        except SystemExit as e:  # --help, --version
            return e.code if isinstance(e.code, int) else 0
        from .orchestrate.execute import execute

        if as_program:   # --timeout counts from the command's start, Python's start-up included
            from dataclasses import replace

            from .cancel import process_started

            req = replace(req, started=process_started())
        code = execute(req, keep_handlers=True)
        if as_program:
            _hold_late_signals()
        return code
    except KeyboardInterrupt:
        sys.stderr.write("verify: interrupted\n")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as e:
        if os.environ.get("VERIFY_DEBUG"):
            raise
        from .orchestrate.execute import internal_message as _internal_message

        sys.stderr.write(_internal_message(e) + "\n")
        return 4


if __name__ == "__main__":
    sys.exit(main())
