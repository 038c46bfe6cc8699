"""Generate the proof documentation: check every spec and write Markdown.

``generate(["spec/"], "docs/proofs")`` checks each ``.spec`` file with the
explicit engine and with the Z3 engines (k-induction and PDR, which prove
invariants for every depth), and writes ``<spec>.md`` per spec, ``<spec>.dot``
for small state graphs, and ``README.md`` (the index).

The output is deterministic, so the committed pages can be tested for
staleness: no timings in the pages (``--timings FILE`` writes them apart), and
the Z3 engines run under a resource limit (z3's ``rlimit``, counted in solver
steps) with a fixed seed instead of a wall-clock timeout.  Each spec is
checked in a fresh Python process (:mod:`checker.docs.worker`) with a fixed
hash seed: Z3's results also depend on the terms created before in the same
process, so running in the caller's process (a test session, say) could
change a verdict that sits near the limit.

Files are written atomically (temporary file, then rename), only inside
``out_dir``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

DEFAULT_ENGINES = ("explicit", "kind", "pdr")


@dataclass(frozen=True)
class DocsSettings:
    """How the proof pages are produced; the pages print these settings."""

    engines: tuple[str, ...] = DEFAULT_ENGINES
    seed: int = 0                 # z3 random seed
    rlimit: int = 10_000_000      # z3 resource units per solver call (deterministic, unlike a timeout)
    max_k: int = 6                # k-induction tries k = 1..max_k
    graph_states: int = 60        # draw the reachable state graph of specs with at most this many states
    jobs: int = 1                 # specs checked in parallel (one process each)


class DocsError(Exception):
    """A spec that does not load (the message is the diagnostic), or a worker that failed."""


def spec_files(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.glob("*.spec"))
        else:
            out.append(p)
    return out


def write_atomic(path: Path, text: str) -> None:
    """Atomically, with the user's umask, in an existing folder (see :mod:`checker.outpaths`)."""
    from ..outpaths import write_atomic as write

    write(path, text)


def document_in_subprocess(path: Path, out_dir: str, settings: DocsSettings) -> dict:
    """Check one spec in a fresh process and return its outputs
    (see :func:`checker.docs.worker.document`)."""
    job = {"path": str(path), "out_dir": str(out_dir), "settings": asdict(settings)}
    env = dict(os.environ, PYTHONHASHSEED="0")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # the path on the command line too, so that `ps` shows which spec a worker checks
    proc = subprocess.run([sys.executable, "-m", "checker.docs.worker", str(path)], input=json.dumps(job),
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise DocsError(f"{path}: the documentation worker failed (exit {proc.returncode}):\n{proc.stderr}")
    out = json.loads(proc.stdout)
    if "error" in out:
        raise DocsError(out["error"])
    return out


def check_all(paths: Iterable[str], out_dir: str, settings: DocsSettings = DocsSettings(),
              progress: Optional[Callable[[str], None]] = None) -> list[dict]:
    """Every spec's outputs, in file order (specs run ``settings.jobs`` at a time)."""
    files = spec_files(paths)

    def one(path: Path) -> dict:
        out = document_in_subprocess(path, out_dir, settings)
        if progress:
            progress(f"{path} ({sum(out['seconds'].values()):.1f} s)")
        return out

    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        return list(pool.map(one, files))


def render_all(paths: Iterable[str], out_dir: str, settings: DocsSettings = DocsSettings(),
               progress: Optional[Callable[[str], None]] = None) -> dict[Path, str]:
    """Every file's path and content (nothing written): the spec pages, DOT
    files, and the index."""
    from .index import index_page

    outs = check_all(paths, out_dir, settings, progress)
    return pages_of(outs, out_dir, settings, index_page)


def pages_of(outs: list[dict], out_dir: str, settings: DocsSettings, index_page) -> dict[Path, str]:
    out = Path(out_dir)
    pages: dict[Path, str] = {}
    for o in outs:
        for name, text in o["files"].items():
            pages[out / name] = text
    pages[out / "README.md"] = index_page(outs, settings)
    return pages


def timings_text(outs: list[dict]) -> str:
    """Seconds per spec and engine, tab-separated (kept out of the pages: they differ run to run)."""
    lines = ["spec\tengine\tseconds"]
    for o in outs:
        lines += [f"{o['file']}\t{e}\t{s:.2f}" for e, s in o["seconds"].items()]
    return "\n".join(lines) + "\n"


def render_svg(dot_files: Iterable[Path], dot: Optional[str] = None) -> list[Path]:
    """Render DOT files to SVG next to them with Graphviz.  Raises DocsError
    when Graphviz is not installed.  The SVG files are extra output for
    local viewing: the committed pages use Mermaid, which GitHub renders
    without any tool installed."""
    import shutil

    exe = shutil.which(dot or "dot")
    if exe is None:
        raise DocsError("--svg: Graphviz is not installed (no `dot` on PATH); the pages' Mermaid graphs "
                        "and the .dot files were written")
    out = []
    for f in dot_files:
        svg = f.with_suffix(".svg")
        proc = subprocess.run([exe, "-Tsvg", str(f), "-o", str(svg)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise DocsError(f"{f}: Graphviz failed: {proc.stderr.strip()}")
        out.append(svg)
    return out


def generate(paths: Iterable[str], out_dir: str, settings: DocsSettings = DocsSettings(),
             progress: Optional[Callable[[str], None]] = None, timings: Optional[str] = None,
             svg: bool = False) -> list[Path]:
    """Check, render and write every page; -> the files written."""
    from .index import index_page

    from ..outpaths import ensure_dir

    outs = check_all(paths, out_dir, settings, progress)
    pages = pages_of(outs, out_dir, settings, index_page)
    ensure_dir(out_dir)
    for path, text in pages.items():
        write_atomic(path, text)
    if timings:
        write_atomic(Path(timings), timings_text(outs))
    written = list(pages)
    if svg:
        written += render_svg(p for p in pages if p.suffix == ".dot")
    return written
