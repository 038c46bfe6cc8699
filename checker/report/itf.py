"""Traces in the Informal Trace Format (ITF), as Apalache and Quint write them.

    {"#meta": {...}, "vars": ["x", ...], "states": [{"#meta": {"index": 0}, "x": {"#bigint": "1"}}, ...],
     "loop": 3}

Integers are ``{"#bigint": "<decimal>"}``, sets ``{"#set": [...]}``, maps
``{"#map": [[key, value], ...]}``, sequences JSON lists, enum members strings,
booleans JSON booleans.  ``loop`` (present for a lasso) is the index of the
state the last state leads back to.  ``#meta`` of the trace says which
property it breaks and how it was found; ``#meta`` of each state names the
step that produced it.  Reading converts back to the canonical values of
``checker.ir``, checking each value against its variable's type.
"""
from __future__ import annotations

from typing import Any, Optional

from .. import ir
from ..evidence import to_json
from ..results import PropertyResult, Step, Trace


class ITFError(ValueError):
    """An ITF document that does not fit the spec: the message says where."""


def to_itf(v: Any, t: ir.Type) -> Any:
    if isinstance(t, ir.BoolT):
        return bool(v)
    if isinstance(t, ir.PackedSeqT):  # a sequence used as a value: an ITF list
        return to_itf(ir.packed_seq_value(t, v), ir.SeqT(t.elem, t.cap))
    if isinstance(t, ir.PackedSetT):  # a set used as a value (a set's element, a field): an ITF set
        return to_itf(ir.packed_set_value(t, v), ir.SetT(t.elem))
    if isinstance(t, ir.RecordT):  # records -> ITF records, tuples -> {"#tup": [...]}
        vals = [to_itf(x, ft) for (_, ft), x in zip(t.fields, ir.record_fields(t, v))]
        return {"#tup": vals} if t.is_tuple else {n: x for (n, _), x in zip(t.fields, vals)}
    if isinstance(t, ir.IntT):
        return {"#bigint": str(int(v))}
    if isinstance(t, ir.EnumT):
        return str(v)
    if isinstance(t, ir.SetT):
        return {"#set": [to_itf(x, t.elem) for x in sorted(v, key=_order(t.elem))]}
    if isinstance(t, ir.SeqT):
        return [to_itf(x, t.elem) for x in v]
    if isinstance(t, ir.MapT):
        keys = ir.domain_values(t.key)
        return {"#map": [[to_itf(k, t.key), to_itf(x, t.value)] for k, x in zip(keys, v)]}
    raise TypeError(t)


def _order(t: ir.Type):
    if isinstance(t, ir.EnumT):
        return t.members.index
    return lambda x: x


def from_itf(j: Any, t: ir.Type, where: str) -> Any:
    """ITF JSON -> canonical value of type ``t`` (raises ITFError naming ``where``)."""
    def bad(what: str) -> ITFError:
        return ITFError(f"{where}: expected {what} for type {t}, got {_short(j)}")

    for kind, read in _READERS:
        if isinstance(t, kind):
            return read(j, t, where, bad)
    raise TypeError(t)


def _bool_from_itf(j: Any, t: ir.BoolT, where: str, bad) -> bool:
    if not isinstance(j, bool):
        raise bad("a boolean")
    return j


def _int_from_itf(j: Any, t: ir.IntT, where: str, bad) -> int:
    if isinstance(j, dict) and set(j) == {"#bigint"}:
        try:
            v = int(j["#bigint"])
        except (TypeError, ValueError):
            raise bad("an integer") from None
    elif isinstance(j, int) and not isinstance(j, bool):
        v = j  # plain JSON numbers are accepted too (logs often have them)
    else:
        raise bad("an integer")
    if not ir.contains(t, v):
        raise ITFError(f"{where}: {v} is outside {t}")
    return v


def _enum_from_itf(j: Any, t: ir.EnumT, where: str, bad) -> str:
    if j not in t.members:
        raise bad("one of " + ", ".join(t.members))
    return j


def _set_from_itf(j: Any, t: ir.SetT, where: str, bad) -> frozenset:
    """``{"#set": [...]}`` (or a plain list)"""
    items = j["#set"] if isinstance(j, dict) and set(j) == {"#set"} else j if isinstance(j, list) else None
    if items is None:
        raise bad("a set")
    return frozenset(from_itf(x, t.elem, f"{where} element") for x in items)


def _seq_from_itf(j: Any, t: ir.SeqT, where: str, bad) -> tuple:
    if not isinstance(j, list):
        raise bad("a list")
    if len(j) > t.cap:
        raise ITFError(f"{where}: {len(j)} elements, more than the capacity {t.cap}")
    return tuple(from_itf(x, t.elem, f"{where}[{i}]") for i, x in enumerate(j))


def _map_from_itf(j: Any, t: ir.MapT, where: str, bad) -> tuple:
    """``{"#map": [[key, value], ...]}``, or a plain object keyed by the key's
    text; every key of the domain needs a value"""
    keys = ir.domain_values(t.key)
    if isinstance(j, dict) and set(j) == {"#map"}:
        m = _map_pairs(j["#map"], t, where, bad)
    elif isinstance(j, dict):  # a plain object keyed by the key's text
        m = {}
        for k in keys:
            if ir.show_value(k) in j:
                m[k] = (k, j[ir.show_value(k)])
    else:
        raise bad("a map")
    missing = [k for k in keys if k not in m]
    if missing:
        raise ITFError(f"{where}: no value for key {ir.show_value(missing[0])}")
    return tuple(from_itf(m[k][1], t.value, f"{where}[{ir.show_value(k)}]") for k in keys)


def _map_pairs(pairs: Any, t: ir.MapT, where: str, bad) -> dict:
    """key -> (ITF key, ITF value) of a ``#map``'s pairs"""
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise bad("a #map of [key, value] pairs")
    return {from_itf(k, t.key, f"{where} key"): (k, v) for k, v in pairs}


def _record_from_itf(j: Any, t: ir.RecordT, where: str, bad) -> int:
    """An ITF record (an object of the fields) or tuple (``{"#tup": [...]}``)
    -> the record's number."""
    names = [n for n, _ in t.fields]
    if t.is_tuple:
        items = j["#tup"] if isinstance(j, dict) and set(j) == {"#tup"} else None
        if not isinstance(items, list) or len(items) != len(names):
            raise bad(f'a tuple {{"#tup": [...]}} of {len(names)} elements')
    else:
        if not isinstance(j, dict) or set(j) != set(names):
            raise bad("a record with the fields " + ", ".join(names))
        items = [j[n] for n in names]
    vals = [from_itf(x, ft, f"{where}.{n}") for (n, ft), x in zip(t.fields, items)]
    return ir.record_number(t, vals)


# the reader of each kind of type, tried in this order (a record type is an IntT)
def _packed_seq_from_itf(j: Any, t: ir.PackedSeqT, where: str, bad) -> int:
    q = from_itf(j, ir.SeqT(t.elem, t.cap), where)
    outside = [x for x in q if not ir.contains(t.elem, x)]
    if outside:
        raise ITFError(f"{where}: {ir.show_value(outside[0])} is outside {t.elem}")
    return ir.packed_seq_number(t, q)


def _packed_set_from_itf(j: Any, t: ir.PackedSetT, where: str, bad) -> int:
    members = from_itf(j, ir.SetT(t.elem), where)
    outside = [x for x in members if not ir.contains(t.elem, x)]
    if outside:
        raise ITFError(f"{where}: {ir.show_value(outside[0])} is outside {t.elem}")
    return ir.packed_set_number(t, members)


# packed sets and sequences before records (they are RecordT subclasses)
_READERS = ((ir.BoolT, _bool_from_itf), (ir.PackedSeqT, _packed_seq_from_itf),
            (ir.PackedSetT, _packed_set_from_itf), (ir.RecordT, _record_from_itf), (ir.IntT, _int_from_itf),
            (ir.EnumT, _enum_from_itf), (ir.SetT, _set_from_itf), (ir.SeqT, _seq_from_itf),
            (ir.MapT, _map_from_itf))


def _short(j: Any) -> str:
    import json
    s = json.dumps(j)
    return s if len(s) <= 60 else s[:57] + "..."


def trace_to_itf(trace: Trace, spec: ir.Spec, prop: Optional[PropertyResult] = None,
                 engine: str = "", source: str = "") -> dict:
    """One trace as an ITF document."""
    types = {v.name: v.type for v in spec.vars}
    names = [v.name for v in spec.vars]
    meta: dict[str, Any] = {"format": "ITF", "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
                            "source": source or spec.file, "spec": spec.name, "kind": trace.kind}
    if prop is not None:
        meta.update({"property": prop.name, "property-kind": prop.kind, "verdict": prop.verdict.value,
                     "method": prop.method, "description": prop.detail})
        if prop.evidence is not None:   # how the verdict was reached, as data (checker/evidence.py)
            meta["evidence"] = to_json(prop.evidence)
    if trace.consts:
        meta["consts"] = {str(k): v for k, v in trace.consts.items()}
    if engine:
        meta["engine"] = engine
    states = []
    from ..record_args import label_record_args_of
    for i, step in enumerate(trace.steps):
        label_record_args_of(spec, step)  # record arguments shown by field
        ptypes = step.arg_types or (None,) * len(step.args)
        st: dict[str, Any] = {"#meta": {"index": i, "action": step.label(), "action-name": step.action,
                                        "args": [ir.show_typed_value(a, t) if t is not None else ir.show_value(a)
                                                 for a, t in zip(step.args, ptypes)]}}
        for n in names:
            if n in step.state:
                try:
                    st[n] = to_itf(step.state[n], types[n])
                except (TypeError, ValueError, ir.SymbolicBound):
                    st[n] = ir.show_value(step.state[n])  # an out-of-type value (the typeok violation)
        states.append(st)
    doc: dict[str, Any] = {"#meta": meta, "vars": names, "states": states}
    if trace.loop_start is not None:
        doc["loop"] = trace.loop_start
    return doc


def itf_to_trace(doc: Any, spec: ir.Spec) -> Trace:
    """An ITF document -> a Trace of canonical states (actions from #meta when present)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("states"), list):
        raise ITFError("not an ITF trace: expected an object with a list 'states'")
    types = {v.name: v.type for v in spec.vars}
    steps = []
    for i, st in enumerate(doc["states"]):
        if not isinstance(st, dict):
            raise ITFError(f"state {i}: expected an object")
        missing = [n for n in types if n not in st]
        if missing:
            raise ITFError(f"state {i}: no value for variable {missing[0]}")
        unknown = [n for n in st if n != "#meta" and n not in types]
        if unknown:
            raise ITFError(f"state {i}: the spec has no variable {unknown[0]}")
        state = {n: from_itf(st[n], t, f"state {i}, {n}") for n, t in types.items()}
        meta = st.get("#meta") if isinstance(st.get("#meta"), dict) else {}
        steps.append(Step(meta.get("action-name") if i else None, (), state))
    loop = doc.get("loop")
    return Trace(steps, kind=(doc.get("#meta") or {}).get("kind", "counterexample"),
                 loop_start=loop if isinstance(loop, int) else None)
