"""``verify explore FILE [--const N=V] [--port N]``: load and compile the spec
(a bad spec exits 2 before anything is served), then serve the explorer on
127.0.0.1 only."""
from __future__ import annotations

import argparse
import socket
import sys

from ..arguments import ArgParser, UsageError, parse_const


def _parser() -> argparse.ArgumentParser:
    p = ArgParser(prog="verify explore", allow_abbrev=False,
                  description="Step through a spec in the browser: choose each action, see what changed, "
                              "run a check and walk its counterexamples (served on 127.0.0.1).")
    p.add_argument("spec", metavar="FILE.spec")
    p.add_argument("--const", action="append", default=[], metavar="N=V", help="set a constant")
    p.add_argument("--port", type=int, default=8765, metavar="N",
                   help="TCP port on 127.0.0.1 (default 8765; 0: any free port, printed)")
    p.add_argument("--graph-limit", type=int, default=500, metavar="N",
                   help="draw the whole state graph up to N states (default 500)")
    return p


def load_explorer(path: str, const_args: list[str]):
    """(Explorer, None) or (None, message) for a spec that cannot be explored."""
    from ..explicit.constants import NeedsConstants, require_constants
    from ..lang import SpecError
    from ..run import InputError, load
    from .model import Explorer

    consts = {}
    for c in const_args:
        try:
            name, lo, hi = parse_const(c)
        except argparse.ArgumentTypeError as e:
            raise UsageError(f"--const {e}") from None
        if lo != hi:
            raise UsageError(f"--const {c}: explore takes one value, not a range")
        consts[name] = lo
    try:
        spec = load(path, consts)
        require_constants(spec)
        return Explorer(spec), None
    except SpecError as e:
        return None, str(e)
    except (InputError, NeedsConstants) as e:
        return None, f"verify explore: error: {e}"


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a TCP port (0..65535)")
    if args.graph_limit < 1:
        raise UsageError(f"--graph-limit {args.graph_limit}: must be at least 1")
    explorer, problem = load_explorer(args.spec, args.const)
    if explorer is None:
        sys.stderr.write(problem.rstrip("\n") + "\n")
        return 2
    import uvicorn

    from .app import make_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", args.port))
    except OSError as e:
        sys.stderr.write(f"verify explore: error: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e}\n")
        return 2
    port = sock.getsockname()[1]
    print(f"verify explore: {explorer.spec.name} at http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    app = make_app(explorer, graph_limit=args.graph_limit)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
    return 0
