"""The ``verify`` command: argument parsing only.

The work (loading, running engines, reporting, exit codes) is in
``checker.run``; this module turns ``sys.argv`` into a ``run.Request``.
Keep imports light: ``verify`` on a small spec must start fast.
"""
from __future__ import annotations

import argparse
import math
import os
import re
import sys
from typing import Optional, Sequence

from .engines import ALL_DEFAULT_TIMEOUT

USAGE_EPILOG = """\
exit codes: 0 every property holds, 1 a property is violated, 2 input error
(bad spec, unknown name, bad option, unusable checkpoint), 3 unknown or bounded
(not exhaustive: --max-depth, --max-states, --max-memory, --timeout), 4 internal
error (a bug in the checker, or engines that disagree), 130 / 143 interrupted by
SIGINT / SIGTERM (the partial result is still printed).

examples:
  verify spec/breaker.spec
  verify spec/breaker.spec --const THRESHOLD=5
  verify spec/breaker.spec --const THRESHOLD=1..4        one result per value
  verify spec/breaker.spec --engine pdr                  prove for every depth
  verify spec/breaker.spec --engine all                  run four engines, cross-check
  verify spec/breaker.spec --engine induct --invariants inv_a,inv_b
  verify induct spec/breaker.spec inv_a inv_b            the same, as a subcommand
  verify spec/breaker_fixed.spec --engine pdr --all-values   prove for every THRESHOLD >= 1
  verify spec/breaker.spec --itf traces/                 every trace as ITF JSON
  verify big.spec --simulate --seed 7 --walks 1000 --depth 200   random walks (never a proof)
  mpiexec -n 4 verify big.spec --distributed             the search over 4 MPI ranks (docs/distributed.md)
  verify big.spec --simulate --swarm 8                   8 diversified walkers; the first violation, shrunk
  verify big.spec --checkpoint ck/                       save the search every 30 s
  verify big.spec --resume ck/                           continue it after a crash or kill
  verify replay spec/breaker.spec log.jsonl              check a recorded trace against the spec
  verify docs spec/ -o docs/proofs                       generate the proof documentation
  verify spec/breaker.spec --watch                       check again on every save
  verify lsp                                             the language server (docs/editor.md)
  verify explore spec/breaker.spec                       step through it in the browser (127.0.0.1)
"""

ENGINE_CHOICES = ("explicit", "bmc", "kind", "pdr", "induct", "enum", "all")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")  # a.N: constant N of import a
_INT = re.compile(r"[+-]?[0-9]+\Z")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # never exit from inside argparse
        raise UsageError(message)


def _const(text: str) -> tuple[str, int, int]:
    """NAME=INT or NAME=LO..HI."""
    name, eq, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not eq or not name:
        raise argparse.ArgumentTypeError(
            f"'{text}': expected NAME=VALUE or NAME=LO..HI, e.g. --const THRESHOLD=5")
    if not _NAME.match(name):
        raise argparse.ArgumentTypeError(f"'{text}': '{name}' is not a constant name")
    lo_s, dots, hi_s = value.partition("..")
    if not dots:
        lo_s = hi_s = value
    lo_s, hi_s = lo_s.strip(), hi_s.strip()
    for s in (lo_s, hi_s):
        if not _INT.match(s) or len(s) > 30:
            raise argparse.ArgumentTypeError(
                f"'{text}': the value of {name} must be an integer or a range LO..HI of integers, "
                f"not '{value}'")
    lo, hi = int(lo_s), int(hi_s)
    if lo > hi:
        raise argparse.ArgumentTypeError(f"'{text}': empty range {lo}..{hi}")
    if hi - lo >= 10_000:
        raise argparse.ArgumentTypeError(f"'{text}': a sweep of {hi - lo + 1} values is too many")
    return name, lo, hi


def _int_at_least(minimum: int, what: str):
    def parse(text: str) -> int:
        s = text.strip()
        if not _INT.match(s) or len(s) > 18:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number ({what})")
        v = int(s)
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{v} is too small: {what} must be at least {minimum}")
        return v
    return parse


def _positive_number(unit: str, rule: str):
    """an argparse type: a finite number > 0 (``unit`` and ``rule`` word the errors)"""
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number of {unit}") from None
        if not math.isfinite(v) or v <= 0:
            raise argparse.ArgumentTypeError(f"'{text}': {rule}")
        return v
    return parse


_seconds = _positive_number("seconds", "the timeout must be a positive number of seconds")
_megabytes = _positive_number("megabytes", "the memory limit must be a positive number of MB")
_interval = _positive_number("seconds", "the time between checkpoints must be a positive number of seconds")


def _names(text: str) -> list[str]:
    out = [n.strip() for n in text.split(",") if n.strip()]
    if not out:
        raise argparse.ArgumentTypeError(f"'{text}': expected one or more names")
    for n in out:
        if not _NAME.match(n) and not _DERIVED_NAME.match(n):
            raise argparse.ArgumentTypeError(f"'{n}' is not a name")
    return out


# names the front end gives: `refines Lock`, `refines Lock: p`, `refines Lock
# (liveness)`, `p(3)` (forall), `p[2]` (a conjunct)
_DERIVED_NAME = re.compile(r"(refines [A-Za-z_]\w*( \(liveness\)|: [A-Za-z_][\w.]*)?"
                           r"|[A-Za-z_][\w.]*(\([-\w]*\)|\[\d+\]))\Z")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="verify",
        description="Check a .spec model: prove its invariants or print the shortest trace that breaks one.",
        epilog=USAGE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False)
    p.add_argument("files", nargs="+", metavar="FILE", help="spec files to check")
    p.add_argument("--const", action="append", type=_const, default=[], metavar="N=V",
                   help="set a constant (N=5), or sweep a range (N=1..4: one result per value)")
    p.add_argument("--engine", choices=ENGINE_CHOICES, default="explicit",
                   help="explicit (default): every reachable state; bmc: bounded search to --depth; "
                        "kind: k-induction; pdr: PDR/Spacer; induct: plain induction on --invariants; "
                        "enum: every reachable state, its successors found by Z3 from the symbolic "
                        "encoding (a second semantics; small specs); all: explicit+bmc+kind+pdr, cross-checked")
    p.add_argument("--depth", type=_int_at_least(0, "--depth"), metavar="K",
                   help="bmc: unroll K steps (default 20); --simulate: steps per walk at most (default 100)")
    p.add_argument("--max-k", type=_int_at_least(1, "--max-k"), metavar="K",
                   help="kind: try k = 1..K (default 20)")
    p.add_argument("--max-depth", type=_int_at_least(0, "--max-depth"), metavar="D",
                   help="explicit: stop after D steps from the initial states (bounded result)")
    p.add_argument("--max-states", type=_int_at_least(1, "--max-states"), metavar="S",
                   help="explicit, enum: stop after S distinct states (bounded result; enum: unknown)")
    p.add_argument("--max-memory", type=_megabytes, metavar="MB",
                   help="stop before the resident memory of verify and its worker processes "
                        "exceeds MB megabytes (sampled every 50 ms, stops at 85%%; bounded result, "
                        "every engine)")
    p.add_argument("--checkpoint", metavar="DIR",
                   help="explicit: save the search in DIR every --checkpoint-every seconds, when "
                        "stopped by a signal or a limit, and at the end (DIR/SPEC.ckpt)")
    p.add_argument("--checkpoint-every", type=_interval, metavar="SEC",
                   help="seconds between checkpoints (default 30)")
    p.add_argument("--resume", metavar="DIR",
                   help="explicit: continue the search saved in DIR by --checkpoint (same spec and "
                        "options, else refused); keeps checkpointing to DIR unless --checkpoint "
                        "names another")
    p.add_argument("--simulate", action="store_true",
                   help="random walks instead of the exhaustive search (seeded by --seed, --walks of "
                        "--depth steps): a violation found is a real trace, no violation is unknown")
    p.add_argument("--walks", type=_int_at_least(1, "--walks"), metavar="W",
                   help="--simulate: number of random walks (default 100)")
    p.add_argument("--store", choices=("dict", "compact"), default="dict",
                   help="explicit: how visited states are kept: dict (default: a dict of every "
                        "state and its parent) or compact (sorted numpy arrays, 9 bytes per state "
                        "of up to 64 bits; no --checkpoint)")
    p.add_argument("--workers", type=_int_at_least(1, "--workers"), default=1, metavar="N",
                   help="explicit, --store compact: expand each breadth-first level in N "
                        "forked worker processes (default 1)")
    p.add_argument("--distributed", action="store_true",
                   help="explicit: spread the search over the MPI ranks this verify was started on "
                        "(mpiexec -n K verify --distributed FILE; docs/distributed.md); with "
                        "--simulate --swarm: the walkers over the ranks")
    p.add_argument("--swarm", type=_int_at_least(1, "--swarm"), metavar="K",
                   help="--simulate: K diversified walkers (seeds, biases, depths) in parallel "
                        "processes, each of --walks walks, stopped at the first violation, which is "
                        "shrunk")
    p.add_argument("--backend", choices=("scalar", "vector", "auto"), default="scalar",
                   help="explicit: how states are expanded: scalar (default: generated Python, "
                        "state by state), vector (array code over whole chunks of each level, on "
                        "the compact store; what cannot be vectorised runs as scalar code) or auto "
                        "(vector when every action and invariant vectorises)")
    p.add_argument("--gpu", action="store_true",
                   help="explicit, --backend vector: run the array code on a CUDA device with CuPy "
                        "(pip install 'svc-modelcheck[gpu]'); numpy when there is none")
    p.add_argument("--por", action="store_true",
                   help="explicit: partial-order reduction of process steps (ample sets; implies "
                        "--backend vector; invariants, goals, typeok and deadlock, not temporal "
                        "properties; counterexamples real but not necessarily shortest)")
    p.add_argument("--no-deadlock", action="store_true", help="do not report deadlocks")
    p.add_argument("--semantics", choices=("default", "tla"), default="default",
                   help="temporal properties: tla = TLA+'s (stuttering is always allowed; fairness "
                        "counts only steps that change the state); explicit engine only")
    p.add_argument("--no-symmetry", action="store_true",
                   help="explicit: explore every state even when the spec declares a `symmetric type` "
                        "(by default one state per orbit is stored)")
    p.add_argument("--timeout", type=_seconds, metavar="SEC",
                   help="seconds for the whole run, every engine and file, parsing included "
                        "(--engine all: %g by default); then the partial result, exit 3" % ALL_DEFAULT_TIMEOUT)
    p.add_argument("--property-timeout", type=_seconds, metavar="SEC",
                   help="Z3 engines: seconds per property at most (within --timeout)")
    p.add_argument("--property", action="append", type=_names, default=[], metavar="NAME",
                   help="check only this property (repeatable, or comma-separated); "
                        "typeok and deadlock are the built-in ones")
    p.add_argument("--invariants", type=_names, metavar="A,B",
                   help="induct: the invariants whose conjunction must be inductive (default: all)")
    p.add_argument("--json", action="store_true", help="print the results as JSON (docs/json-schema.md)")
    p.add_argument("--no-timing", action="store_true",
                   help="omit times and rates, so the output is the same on every run")
    p.add_argument("--seed", type=_int_at_least(0, "--seed"), metavar="N",
                   help="random seed of the Z3 engines and of --simulate (default 0)")
    p.add_argument("--solver-rlimit", type=_int_at_least(1, "--solver-rlimit"), metavar="N",
                   help="Z3 resource limit per solver query (deterministic, unlike --timeout); "
                        "a query that exhausts it is reported as unknown")
    p.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    p.add_argument("--progress", action="store_true",
                   help="show the progress line on stderr even when it is not a terminal")
    p.add_argument("--itf", metavar="DIR", help="write every trace to DIR in the Informal Trace Format "
                                               "(SPEC[-CONSTVALUES].PROPERTY.itf.json, e.g. "
                                               "breaker-THRESHOLD3-TIMEOUT2.deadlock.itf.json; "
                                               "read back by verify replay)")
    p.add_argument("--dot", metavar="FILE", help="write the reachable state graph to FILE in Graphviz DOT "
                                                "(specs of at most 2,000 states)")
    p.add_argument("--coverage", action="store_true",
                   help="print the transitions of each action over all reachable states, and warn about "
                        "actions that are never enabled")
    p.add_argument("--traces", type=_int_at_least(1, "--traces"), metavar="K",
                   help="explicit (dict store): up to K counterexamples per property, shortest first, "
                        "distinct by their final state (temporal properties: one lasso)")
    p.add_argument("--profile-space", action="store_true",
                   help="after the check, explore every reachable state again and report per action the "
                        "new states it reached first and per variable its distinct values and share of "
                        "the packed state (text, or `space_profile` in --json)")
    p.add_argument("--all-values", action="store_true",
                   help="kind/pdr/bmc: leave every constant declared with a `where` clause symbolic, "
                        "so a proof holds for every value the clause allows")
    p.add_argument("--watch", action="store_true",
                   help="check again each time a FILE is saved; show only the verdicts that changed")
    p.add_argument("--watch-runs", type=_int_at_least(1, "--watch-runs"), help=argparse.SUPPRESS)  # tests: stop after N runs
    p.add_argument("--version", action="version", version=_version())
    return p


def _version() -> str:
    from . import __version__

    return f"verify (svc-modelcheck) {__version__}"


def _induct_subcommand(argv: list[str]) -> list[str]:
    """``verify induct FILE INV... [options]`` -> ``verify FILE --engine induct --invariants INV,...``."""
    if not argv or argv[0] != "induct" or os.path.exists("induct"):
        return argv
    rest = argv[1:]
    positional: list[str] = []
    options: list[str] = []
    i = 0
    takes_value = {"--const", "--engine", "--depth", "--max-k", "--max-depth", "--max-states", "--walks",
                   "--timeout", "--property-timeout", "--property", "--invariants", "--seed", "--solver-rlimit",
                   "--max-memory", "--checkpoint", "--checkpoint-every", "--resume", "--store", "--workers",
                   "--swarm", "--backend"}
    while i < len(rest):
        a = rest[i]
        if a == "--":
            positional.extend(rest[i + 1:])
            break
        if a.startswith("-") and len(a) > 1:
            options.append(a)
            if a in takes_value and i + 1 < len(rest):
                options.append(rest[i + 1])
                i += 1
        else:
            positional.append(a)
        i += 1
    if not positional:
        raise UsageError("induct: expected FILE INVARIANT..., e.g. verify induct spec/x.spec inv_a inv_b")
    if "--engine" in options:
        raise UsageError("induct: --engine cannot be combined with the induct subcommand")
    file, invs = positional[0], positional[1:]
    out = [file, "--engine", "induct"] + options
    if invs:
        out += ["--invariants", ",".join(invs)]
    return out


def _check_output_paths(args) -> None:
    """Every file or folder the run will write, checked before any work starts
    (exit 2, not an internal error after the run): see checker.outpaths."""
    from .outpaths import OutputPathError, check_output_dir, check_output_file

    try:
        if args.itf is not None:
            check_output_dir(args.itf, "--itf")
        if args.dot is not None:
            check_output_file(args.dot, "--dot")
        if args.checkpoint is not None or args.resume is not None:
            option = "--checkpoint" if args.checkpoint is not None else "--resume"
            check_output_dir(args.checkpoint or args.resume, option)
    except OutputPathError as e:
        raise UsageError(str(e)) from None


def parse(argv: Sequence[str]):
    """argv -> run.Request (raises UsageError)."""
    from .options import Options
    from .run import Request

    argv = _induct_subcommand(list(argv))
    args = build_parser().parse_args(argv)
    ranges: dict[str, tuple[int, int]] = {}
    for name, lo, hi in args.const:
        if name in ranges:
            raise UsageError(f"argument --const: {name} is given twice")
        ranges[name] = (lo, hi)
    props = tuple(n for group in args.property for n in group) or None
    if args.invariants and args.engine != "induct":
        raise UsageError("argument --invariants: only for --engine induct")
    kw = {}
    for opt, key in (("depth", "walk_depth" if args.simulate else "depth"), ("max_k", "max_k"),
                     ("seed", "seed"), ("walks", "walks"), ("solver_rlimit", "solver_rlimit")):
        if getattr(args, opt) is not None:
            kw[key] = getattr(args, opt)
    if args.swarm is not None and not args.simulate:
        raise UsageError("argument --swarm: only with --simulate")
    if args.distributed and args.engine != "explicit":
        raise UsageError(f"argument --distributed: spreads the explicit engine's search over MPI "
                         f"ranks, not --engine {args.engine}")
    if args.distributed and args.simulate and args.swarm is None:
        raise UsageError("argument --distributed: with --simulate, spreads a swarm's walkers over the "
                         "MPI ranks: add --swarm K")
    if args.distributed and (args.coverage or args.dot):
        raise UsageError("arguments --coverage/--dot: they build the whole state graph in one "
                         "process; not with --distributed")
    if args.distributed:
        kw["distributed"] = True
    if args.swarm is not None:
        kw["swarm"] = args.swarm
    if args.walks is not None and not args.simulate:
        raise UsageError("argument --walks: only with --simulate")
    if args.simulate:
        if args.engine != "explicit":
            raise UsageError(f"argument --simulate: walks the explicit engine's state space, not "
                             f"--engine {args.engine}")
        for opt, name in (("checkpoint", "--checkpoint"), ("resume", "--resume"),
                          ("max_depth", "--max-depth"), ("max_states", "--max-states")):
            if getattr(args, opt) is not None:
                raise UsageError(f"argument {name}: not with --simulate (use --walks and --depth)")
        kw["simulate"] = True
    for opt, name in (("checkpoint", "--checkpoint"), ("resume", "--resume"),
                      ("checkpoint_every", "--checkpoint-every")):
        if getattr(args, opt) is not None and args.engine != "explicit":
            raise UsageError(f"argument {name}: only for --engine explicit")
    if args.checkpoint_every is not None and args.checkpoint is None and args.resume is None:
        raise UsageError("argument --checkpoint-every: needs --checkpoint DIR (or --resume DIR)")
    for opt, name in (("checkpoint", "--checkpoint"), ("resume", "--resume")):
        d = getattr(args, opt)
        if d is not None and os.path.exists(d) and not os.path.isdir(d):
            raise UsageError(f"argument {name}: {d} is not a directory")
    if args.resume is not None and not os.path.isdir(args.resume):
        raise UsageError(f"argument --resume: {args.resume}: no such directory")
    _check_output_paths(args)
    if args.checkpoint_every is not None:
        kw["checkpoint_every"] = args.checkpoint_every
    if args.all_values and args.engine == "enum":
        raise UsageError("argument --all-values: --engine enum enumerates states, so every constant "
                         "needs a value")
    if (args.store != "dict" or args.workers != 1) and args.engine != "explicit":
        raise UsageError("arguments --store/--workers: only for --engine explicit")
    kw["store"] = args.store
    kw["semantics"] = args.semantics
    kw["workers"] = args.workers
    if args.traces is not None:
        if args.engine != "explicit" or args.simulate:
            raise UsageError(f"argument --traces: only for the explicit engine's exhaustive search, not "
                             f"{'--simulate' if args.simulate else '--engine ' + args.engine}")
        if args.store != "dict":
            raise UsageError("argument --traces: needs the default --store dict (the further traces are "
                             "read from every stored state's parent)")
        kw["traces"] = args.traces
    if (args.backend != "scalar" or args.gpu or args.por) and args.engine != "explicit":
        raise UsageError("arguments --backend/--gpu/--por: only for --engine explicit")
    kw["por"] = args.por
    kw["backend"] = args.backend
    kw["gpu"] = args.gpu
    options = Options(max_depth=args.max_depth, max_states=args.max_states,
                      check_deadlock=not args.no_deadlock, symmetry=not args.no_symmetry,
                      timeout=args.timeout if args.timeout is not None else
                      (ALL_DEFAULT_TIMEOUT if args.engine == "all" else None),
                      property_timeout=args.property_timeout,
                      properties=props, max_memory_mb=args.max_memory,
                      checkpoint_dir=args.checkpoint or args.resume, resume_dir=args.resume, **kw)
    return Request(files=args.files, const_ranges=ranges, engine=args.engine, options=options,
                   invariants=tuple(args.invariants) if args.invariants else None,
                   json=args.json, timing=not args.no_timing,
                   color=False if args.no_color else None, progress=True if args.progress else None,
                   itf_dir=args.itf, all_values=args.all_values,
                   dot_file=args.dot, coverage=args.coverage, profile_space=args.profile_space)


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
        from .run import execute

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
        from .run import _internal_message

        sys.stderr.write(_internal_message(e) + "\n")
        return 4


if __name__ == "__main__":
    sys.exit(main())
