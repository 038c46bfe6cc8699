"""One property check for the language server, in a process of its own.

    python -m checker.lsp.worker --engine explicit --property NAME --filename F < spec-text

The server runs checks here, not in its own process, so that a long search
never blocks typing and cancelling it is killing this process.  The spec
text comes on stdin (the editor's buffer, saved or not).  Output: JSON lines
on stdout, ``{"progress": "..."}`` about once a second while the engine
reports progress, then one ``{"result": {...}}`` (or ``{"error": "..."}``).
Constants take their declared defaults; with the pdr engine, constants
declared with a ``where`` clause and no default stay symbolic (``--all-values``).
"""
from __future__ import annotations

import argparse
import json
import sys


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def check(text: str, filename: str, engine: str, prop: str) -> dict:
    from ..lang import load_text
    from ..options import Options
    from ..report.progress import format_progress
    from ..report.text import render, render_trace
    from ..run import check_property_names, run_spec

    generalize = engine == "pdr"
    spec = load_text(text, filename, generalize=generalize)
    if any(c.value is None for c in spec.consts) and engine == "explicit":
        missing = ", ".join(c.name for c in spec.consts if c.value is None)
        return {"error": f"the explicit engine needs a value for every constant; give {missing} a default"}
    check_property_names(spec, [prop])
    options = Options(properties=(prop,), progress=lambda p: _emit({"progress": format_progress(p)}))
    result = run_spec(spec, engine, options)
    try:
        p = result.get(prop)
    except KeyError:
        return {"error": f"{engine} did not check {prop}"}
    trace = render_trace(p.trace, spec, indent="") if p.trace is not None else []
    return {"result": {
        "property": p.name, "verdict": p.verdict.value, "method": p.method, "detail": p.detail,
        "line": p.line, "trace": trace, "trace_kind": p.trace.kind if p.trace else None,
        "steps": [{"label": step.label(), "action": step.action} for step in (p.trace.steps if p.trace else [])],
        "report": render(result, spec, timing=False),
    }}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m checker.lsp.worker")
    ap.add_argument("--engine", default="explicit")
    ap.add_argument("--property", required=True)
    ap.add_argument("--filename", default="<spec>")
    args = ap.parse_args(argv)
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        _emit(check(text, args.filename, args.engine, args.property))
    except Exception as e:  # a bad spec, a bad name, a bug: the server shows the message
        from ..lang import SpecError

        _emit({"error": e.render() if isinstance(e, SpecError) else f"{type(e).__name__}: {e}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
