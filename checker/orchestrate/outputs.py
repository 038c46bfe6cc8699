"""The files and tables a run writes besides its report: ITF traces
(``--itf``), the coverage table (``--coverage``), the state graph
(``--dot``) and the state-space profile (``--profile-space``)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

from ..outpaths import ensure_dir, write_atomic
from ..report.itf import trace_to_itf
from ..report.json_report import coverage_to_json
from .dispatch import Run


def write_itf(run: Run, out_dir: str) -> list[str]:
    """Every trace of a result as ``<spec>[-CONSTS].<property>.itf.json`` in ``out_dir`` (atomically)."""
    written: list[str] = []
    if run.spec is None:
        return written
    ensure_dir(out_dir)  # the folder the user named, never its parents (checked by the CLI)
    tag = "".join(f"-{k}{v}" for k, v in sorted(run.result.consts.items())) if len(run.result.consts) else ""
    for p in run.result.properties:
        if p.trace is None:
            continue
        path = os.path.join(out_dir, f"{run.spec.name}{tag}.{p.name}.itf.json")
        doc = trace_to_itf(p.trace, run.spec, p, engine=run.result.engine, source=run.spec.file)
        write_atomic(Path(path), json.dumps(doc, indent=1) + "\n")
        written.append(path)
    return written


def graph_outputs(req, run: Run, stdout: IO[str], stderr: IO[str]) -> None:
    """--coverage and --dot: both walk the whole reachable graph again (explicit only)."""
    from ..explicit.graph import GraphTooLarge, coverage, to_dot   # the explicit engine, only when asked

    if req.coverage:
        try:
            cov = coverage(run.spec, req.options.max_states)
        except GraphTooLarge as e:
            stderr.write(f"verify: no coverage: {e}\n")
        else:
            _write_coverage(req, run, cov, stdout)
    if req.dot_file:
        try:
            write_atomic(Path(req.dot_file), to_dot(run.spec))
            stderr.write(f"verify: wrote {req.dot_file}\n")
        except GraphTooLarge as e:
            stderr.write(f"verify: no state graph written: {e}\n")


def space_profile(req, run: Run, stdout: IO[str], stderr: IO[str]) -> None:
    """--profile-space: a fresh exhaustive search of the spec (explicit engine,
    no symmetry reduction); the profile goes after the text report, or into
    the result's JSON (``space_profile``)."""
    from ..explicit.profile import SpaceTooLarge, profile_space   # the explicit engine, only when asked

    try:
        prof = profile_space(run.spec, req.options.max_states)
    except SpaceTooLarge as e:
        stderr.write(f"verify: no state-space profile: {e}\n")
        return
    run.result.space_profile = prof.to_json()
    if not req.json:
        for line in prof.table():
            stdout.write(line + "\n")


def _write_coverage(req, run: Run, cov, stdout: IO[str]) -> None:
    if req.json:  # stdout holds the JSON document only: the coverage goes into it
        run.coverage = coverage_to_json(cov)
        return
    stdout.write(f"coverage over all {cov.states:,} reachable states (per action or process step):\n")
    for line in cov.table():
        stdout.write(line + "\n")
    for w in cov.warnings():
        stdout.write(f"warning: {w}\n")
