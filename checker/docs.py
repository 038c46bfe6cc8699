"""Generate the proof documentation: check every spec and write Markdown.

``generate(["spec/"], "docs/proofs")`` checks each ``.spec`` file with the
explicit engine and the Z3 engines (PDR and k-induction, which prove
invariants for every depth) and writes ``<spec>.md`` per spec plus
``README.md`` (the index).  Files are written atomically (temporary file, then
rename), and only inside ``out_dir``.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Optional

from .options import Options
from .report.markdown import index_page, spec_page

DEFAULT_ENGINES = ("explicit", "kind", "pdr")


def spec_files(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.glob("*.spec"))
        else:
            out.append(p)
    return out


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def render_all(paths: Iterable[str], out_dir: str, engines: tuple[str, ...] = DEFAULT_ENGINES,
               options: Optional[Options] = None, progress=None) -> dict[Path, str]:
    """Every page's path and content (nothing written)."""
    from .lang import load_file
    from .run import run_spec

    options = options or Options(timeout=30.0)
    out = Path(out_dir)
    pages: dict[Path, str] = {}
    rows = []
    for path in spec_files(paths):
        spec = load_file(path)
        results = {}
        for e in engines:
            if progress:
                progress(f"{path}: {e}")
            spec_e = spec
            if e in ("kind", "pdr") and any(c.where is not None for c in spec.consts):
                spec_e = load_file(path, generalize=True)  # prove for every allowed value
            results[e] = run_spec(spec_e, e, replace(options, progress=None))
        link = os.path.relpath(path, out).replace(os.sep, "/")
        page = out / f"{path.stem}.md"
        pages[page] = spec_page(spec, results, link)
        rows.append((page.name, spec.name, results[engines[0]]))
    pages[out / "README.md"] = index_page(rows)
    return pages


def generate(paths: Iterable[str], out_dir: str, engines: tuple[str, ...] = DEFAULT_ENGINES,
             options: Optional[Options] = None, progress=None) -> list[Path]:
    pages = render_all(paths, out_dir, engines, options, progress)
    for path, text in pages.items():
        write_atomic(path, text)
    return list(pages)
