"""``verify docs`` and ``verify replay``: argument parsing, then the library call.

    verify docs spec/ -o docs/proofs [--engines explicit,kind,pdr] [--rlimit N] [-j N]
    verify replay spec/breaker.spec log.jsonl
"""
from __future__ import annotations

import argparse
import os
import sys

from .arguments import ArgParser, UsageError, parse_const
from .docs import DocsSettings


def _positive(text: str) -> int:
    try:
        n = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {n}")
    return n


def _docs_parser() -> argparse.ArgumentParser:
    p = ArgParser(prog="verify docs", description="Check every spec and write the proof documentation (Markdown).",
                  allow_abbrev=False)
    p.add_argument("paths", nargs="+", metavar="PATH", help=".spec files or directories of them")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="where the pages go (e.g. docs/proofs)")
    p.add_argument("--engines", default="explicit,kind,pdr", metavar="A,B",
                   help="engines whose verdicts each page shows (default explicit,kind,pdr)")
    p.add_argument("--rlimit", type=_positive, default=DocsSettings.rlimit, metavar="N",
                   help=f"z3 resource units per solver call (default {DocsSettings.rlimit:,}); a limit in "
                        "solver steps, not seconds, so the pages are the same on every run")
    p.add_argument("--max-k", type=_positive, default=DocsSettings.max_k, metavar="K",
                   help=f"k-induction tries k = 1..K (default {DocsSettings.max_k})")
    p.add_argument("--seed", type=int, default=DocsSettings.seed, metavar="S", help="z3 random seed (default 0)")
    p.add_argument("--graph-states", type=int, default=DocsSettings.graph_states, metavar="N",
                   help=f"draw the state graph of specs with at most N states (default {DocsSettings.graph_states})")
    p.add_argument("-j", "--jobs", type=_positive, default=1, metavar="N", help="check N specs at a time")
    p.add_argument("--svg", action="store_true",
                   help="also render each state graph's .dot file to .svg with Graphviz (if installed)")
    p.add_argument("--timings", metavar="FILE",
                   help="write the seconds per spec and engine to FILE (never into the pages)")
    return p


def _replay_parser() -> argparse.ArgumentParser:
    p = ArgParser(prog="verify replay", description="Check a recorded trace (ITF, or JSON lines of states or "
                                                    "actions, as a service logs them) against a spec.",
                  allow_abbrev=False)
    p.add_argument("spec", metavar="FILE.spec")
    p.add_argument("trace", metavar="TRACE",
                   help="an ITF file (SPEC[-CONSTVALUES].PROPERTY.itf.json, as `verify --itf DIR` writes) "
                        "or JSON lines of states and actions; the formats: docs/replay.md")
    p.add_argument("--const", action="append", default=[], metavar="N=V", help="set a constant")
    return p


def main(argv: list[str]) -> int:
    cmd, rest = argv[0], argv[1:]
    try:
        try:
            if cmd == "explore":
                from .explore.cli import main as explore_main
                return explore_main(rest)
            return _docs(rest) if cmd == "docs" else _replay(rest)
        except UsageError as e:
            sys.stderr.write(f"usage: verify {cmd} ... (verify {cmd} --help)\nverify {cmd}: error: {e}\n")
            return 2
        except SystemExit as e:  # --help
            return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        sys.stderr.write("verify: interrupted\n")
        return 130
    except Exception as e:
        if os.environ.get("VERIFY_DEBUG"):
            raise
        from .orchestrate.execute import internal_message as _internal_message
        sys.stderr.write(_internal_message(e) + "\n")
        return 4


def _docs(argv: list[str]) -> int:
    from . import engines
    from .docs import DocsError, generate

    args = _docs_parser().parse_args(argv)
    chosen = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    bad = [e for e in chosen if e not in engines.single_engines()]
    if bad or not chosen:
        raise UsageError(f"--engines: unknown engine {bad[0] if bad else '(none)'}; "
                         f"choose from explicit, bmc, kind, pdr")
    for p in args.paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
    from .outpaths import OutputPathError, check_output_dir, check_output_file
    try:  # before any spec is checked: a bad -o is a usage error, not a crash at the end
        check_output_dir(args.out, "-o")
        if args.timings:
            check_output_file(args.timings, "--timings")
    except OutputPathError as e:
        raise UsageError(str(e)) from None
    settings = DocsSettings(engines=chosen, seed=args.seed, rlimit=args.rlimit, max_k=args.max_k,
                            graph_states=args.graph_states, jobs=args.jobs)
    def progress(msg: str) -> None:  # on stderr: times never go into the pages
        sys.stderr.write(f"checked {msg}\n")
        sys.stderr.flush()

    try:
        written = generate(args.paths, args.out, settings, progress, timings=args.timings, svg=args.svg)
    except DocsError as e:
        sys.stderr.write(str(e) + "\n")
        return 2
    for w in written:
        print(f"wrote {w}")
    if args.timings:
        print(f"wrote {args.timings}")
    return 0


def _replay(argv: list[str]) -> int:
    from .lang import SpecError, load_file
    from .replay import ReplayInputError, read_trace, render, replay

    args = _replay_parser().parse_args(argv)
    consts = {}
    for c in args.const:
        try:
            name, lo, hi = parse_const(c)
        except argparse.ArgumentTypeError as e:
            raise UsageError(f"--const {e}") from None
        if lo != hi:
            raise UsageError(f"--const {c}: replay takes one value, not a range")
        consts[name] = lo
    try:
        spec = load_file(args.spec, consts)
    except SpecError as e:
        sys.stderr.write(str(e) + "\n")
        return 2
    try:
        with open(args.trace, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write(f"verify replay: error: {args.trace}: cannot read: {e}\n")
        return 2
    try:
        records = read_trace(text, spec, args.trace)
    except ReplayInputError as e:
        sys.stderr.write(f"verify replay: error: {e}\n")
        return 2
    result = replay(spec, records)
    sys.stdout.write(render(result, spec, args.trace))
    return 0 if result.ok else 1
