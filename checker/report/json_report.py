"""``verify --json``: the results as one JSON document.

The shape is documented field by field in docs/json-schema.md and as a JSON
Schema in docs/result.schema.json.  Values: ints are JSON numbers, bools
JSON booleans, enum members strings, sets sorted lists, sequences lists,
maps objects keyed by the key's spec text ("1", "true", "Closed").
"""
from __future__ import annotations

import json
import math
from typing import Any, Optional

from .. import evidence, ir
from ..results import CheckResult, PropertyResult, Trace
from .text import redact_timing

FORMAT = "svc-modelcheck-result"
# 2: every property has its "evidence" (checker/evidence.py) and every trace its "consts";
# fields added within a version remove or rename nothing: docs/json-schema.md
VERSION = 2


def value_to_json(v: Any, t: Optional[ir.Type] = None) -> Any:
    """A canonical value as JSON data (see the module doc)."""
    if isinstance(v, bool):
        return v
    if isinstance(t, ir.PackedSeqT) and isinstance(v, int) and ir.contains(t, v):
        return value_to_json(ir.packed_seq_value(t, v), ir.SeqT(t.elem, t.cap))  # a sequence used as a value
    if isinstance(t, ir.PackedSetT) and isinstance(v, int) and ir.contains(t, v):
        return value_to_json(ir.packed_set_value(t, v), ir.SetT(t.elem))  # a set used as a value: a list
    if isinstance(t, ir.RecordT) and isinstance(v, int) and ir.contains(t, v):
        # a record as an object of its fields, a tuple as a list
        vals = [value_to_json(x, ft) for (_, ft), x in zip(t.fields, ir.record_fields(t, v))]
        return vals if t.is_tuple else {n: x for (n, _), x in zip(t.fields, vals)}
    if isinstance(v, (int, str)):
        return v
    if isinstance(v, frozenset):
        et = t.elem if isinstance(t, ir.SetT) else None
        return [value_to_json(x, et) for x in sorted(v, key=_order)]
    if isinstance(v, tuple):
        if isinstance(t, ir.MapT):
            try:
                keys = ir.domain_values(t.key)
            except (ir.SymbolicBound, TypeError):
                keys = None
            if keys is not None and len(keys) == len(v):
                return {ir.show_typed_value(k, t.key): value_to_json(x, t.value) for k, x in zip(keys, v)}
        et = t.elem if isinstance(t, ir.SeqT) else None
        return [value_to_json(x, et) for x in v]
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    if v is None:
        return None
    return str(v)


def _order(v: Any):
    # bools before ints before strings; within a kind, natural order
    if isinstance(v, bool):
        return (0, int(v), "")
    if isinstance(v, int):
        return (1, v, "")
    return (2, 0, str(v))


def _plain(x: Any) -> Any:
    """Arbitrary engine statistics as JSON data."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else str(x)
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [_plain(v) for v in x]
    return str(x)


def trace_to_json(trace: Trace, spec: Optional[ir.Spec] = None) -> dict:
    types = {v.name: v.type for v in spec.vars} if spec is not None else {}
    params = {a.name: [p.type for p in a.params] for a in spec.actions} if spec is not None else {}
    order = [v.name for v in spec.vars] if spec is not None else []
    steps = []
    for i, s in enumerate(trace.steps):
        ptypes = params.get(s.action or "", [])
        args = [value_to_json(a, ptypes[j] if j < len(ptypes) else None) for j, a in enumerate(s.args)]
        names = [n for n in order if n in s.state] + [n for n in s.state if n not in order]
        steps.append({
            "index": i,
            "action": s.action,
            "args": args,
            "label": s.label(),
            "state": {n: value_to_json(s.state[n], types.get(n)) for n in names},
        })
    return {"kind": trace.kind, "length": len(trace), "loop_start": trace.loop_start,
            "consts": {str(k): _plain(v) for k, v in trace.consts.items()}, "steps": steps}


def property_to_json(p: PropertyResult, spec: Optional[ir.Spec], timing: bool = True) -> dict:
    return {
        "name": p.name,
        "kind": p.kind,
        "verdict": p.verdict.value,
        "method": p.method,
        "detail": p.detail,
        "depth": p.depth,
        "found_invariant": p.found_invariant,
        "evidence": _plain(evidence.to_json(p.evidence)),
        "doc": p.doc,
        "line": p.line,
        "seconds": round(p.seconds, 6) if timing else None,
        "trace": trace_to_json(p.trace, spec) if p.trace is not None else None,
        **({"more_traces": [trace_to_json(t, spec) for t in p.more_traces]}     # --traces K
           if getattr(p, "more_traces", None) else {}),
    }


def result_to_json(r: CheckResult, spec: Optional[ir.Spec] = None, timing: bool = True) -> dict:
    s = r.stats
    out = {
        "spec": r.spec,
        "file": r.file,
        "engine": r.engine,
        "consts": {k: v for k, v in r.consts.items()},
        "symbolic_consts": [c.name for c in spec.symbolic_consts] if spec is not None else [],
        "verdict": r.verdict.value,
        "exhaustive": r.exhaustive,
        "notes": list(r.notes) if timing else [redact_timing(n) for n in r.notes],
        "stats": {
            "states": s.states,
            "transitions": s.transitions,
            "depth": s.depth,
            "seconds": round(s.seconds, 6) if timing else None,
            "states_per_second": round(s.states_per_second, 1) if timing else None,
            "peak_memory_bytes": s.peak_memory_bytes if timing else None,
            "extra": _plain(s.extra) if timing else {},
        },
        "properties": [property_to_json(p, spec, timing) for p in r.properties],
    }
    if getattr(r, "space_profile", None) is not None:   # verify --profile-space
        out["space_profile"] = r.space_profile
    runs = getattr(r, "runs", None)
    if runs:
        out["engines"] = {e: result_to_json(sub, spec, timing) for e, sub in runs.items()}
        out["disagreements"] = list(getattr(r, "disagreements", []))
    return out


def document(runs, errors: list[dict], exit_code: int, timing: bool = True) -> dict:
    """The whole ``--json`` document for a list of ``run.Run``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exit_code": exit_code,
        "results": [_with_coverage(result_to_json(r.result, r.spec, timing), r) for r in runs],
        "errors": [dict(e) for e in errors],
    }


def coverage_to_json(cov) -> dict:
    """``--coverage`` as data (``checker.explicit.graph.Coverage``): per action
    the states where it is enabled, its transitions, the distinct states it
    produces; and the actions that are never enabled."""
    return {
        "states": cov.states,
        "actions": [{"action": a, "enabled_states": cov.enabled.get(a, 0), "transitions": n,
                     "distinct_states": cov.distinct.get(a, 0)} for a, n in cov.transitions.items()],
        "never_enabled": list(cov.never_enabled),
    }


def _with_coverage(out: dict, run) -> dict:
    cov = getattr(run, "coverage", None)
    if cov is not None:
        out["coverage"] = cov
    return out


def render_document(runs, errors: list[dict], exit_code: int, timing: bool = True) -> str:
    return json.dumps(document(runs, errors, exit_code, timing), indent=2, ensure_ascii=False) + "\n"


def render(result: CheckResult, spec: Optional[ir.Spec] = None, timing: bool = True) -> str:
    """One result as JSON text."""
    return json.dumps(result_to_json(result, spec, timing), indent=2, ensure_ascii=False) + "\n"
