"""Check one spec for the proof documentation, in a process of its own.

    python -m checker.docs.worker < job.json > outputs.json

The job is ``{"path", "out_dir", "settings"}`` (settings as in
:class:`checker.docs.DocsSettings`); the answer is :func:`document`'s dict,
or ``{"error": diagnostic}`` for a spec that does not load.  Z3's answers
under a resource limit depend on everything created before in the process,
so each spec gets a fresh one (started with a fixed hash seed).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from . import DocsSettings

from .. import engines


def _proving(engine: str) -> bool:
    """A Z3 engine that bounds or proves (bmc, kind, pdr): it runs under the
    docs' seed and resource limit, and again for every value of the
    constants with a ``where`` clause."""
    return engines.engine(engine).family in (engines.BOUNDED, engines.PROVING)


def document(path: str, out_dir: str, settings: DocsSettings) -> dict:
    """Run the engines on one spec and render its page.

    -> {"file", "name", "page", "files": {file name: text}, "summary": index
    row, "section": index section, "counts": verdict counts, "seconds":
    {run: seconds}} -- everything but "seconds" is deterministic."""
    from ..lang import load_file
    from ..options import Options
    from ..orchestrate.dispatch import run_spec
    from .diagrams import state_graph
    from .index import index_section, summary_row
    from .page import Runs, spec_page

    spec = load_file(path)
    z3_opts = Options(seed=settings.seed, solver_rlimit=settings.rlimit, max_k=settings.max_k, timeout=None)
    seconds: dict[str, float] = {}
    at_values, all_values = {}, {}
    for e in settings.engines:
        start = time.monotonic()
        at_values[e] = run_spec(spec, e, z3_opts if _proving(e) else Options())
        seconds[e] = time.monotonic() - start
    if any(c.where is not None for c in spec.consts):
        general = load_file(path, generalize=True)  # `where` constants keep no value: proved for all
        for e in settings.engines:
            if _proving(e):
                start = time.monotonic()
                all_values[e] = run_spec(general, e, z3_opts)
                seconds[e + ", all values"] = time.monotonic() - start
    runs = Runs(spec, at_values, all_values, settings)
    graph = None
    ex = at_values.get("explicit")
    if ex is not None and ex.exhaustive and ex.stats.states <= settings.graph_states:
        marked = [p.trace.steps[-1].state for p in ex.properties
                  if p.trace is not None and p.trace.kind == "counterexample" and p.trace.loop_start is None]
        graph = state_graph(spec, settings.graph_states, marked)
    stem = Path(path).stem
    page = f"{stem}.md"
    link = os.path.relpath(path, out_dir).replace(os.sep, "/")
    files = {page: spec_page(runs, link, graph, f"{stem}.dot")}
    if graph is not None:
        files[f"{stem}.dot"] = graph["dot"]
    return {"file": str(path), "name": spec.name, "page": page, "files": files,
            "summary": summary_row(runs, page), "section": index_section(runs, page),
            "seconds": seconds}


def main() -> int:
    from ..lang import SpecError
    from ..errors import InputError

    job = json.load(sys.stdin)
    settings = DocsSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in job["settings"].items()})
    try:
        out = document(job["path"], job["out_dir"], settings)
    except SpecError as e:
        out = {"error": str(e)}
    except InputError as e:
        out = {"error": f"{job['path']}: {e}"}
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
