"""A small JSON Schema checker: the subset docs/result.schema.json uses
(type, const, enum, required, properties, additionalProperties, items,
anyOf, minimum, $ref to #/$defs).  Returns a list of error strings."""
from __future__ import annotations

import json
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "result.schema.json"

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}

_SUPPORTED = {"$schema", "$id", "title", "description", "type", "const", "enum", "required",
              "properties", "additionalProperties", "items", "anyOf", "minimum", "$ref", "$defs"}


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def validate(value, schema: dict | None = None) -> list[str]:
    root = schema or load_schema()
    errors: list[str] = []
    _check(value, root, root, "$", errors)
    return errors


def _check(v, s: dict, root: dict, path: str, errors: list[str]) -> None:
    unknown = set(s) - _SUPPORTED
    if unknown:
        raise ValueError(f"schema keyword(s) not supported by this checker: {unknown}")
    if "$ref" in s:
        ref = s["$ref"]
        assert ref.startswith("#/$defs/"), ref
        _check(v, root["$defs"][ref[len("#/$defs/"):]], root, path, errors)
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(_TYPES[t](v) for t in types):
            errors.append(f"{path}: {v!r} is not of type {types}")
            return
    if "const" in s and v != s["const"]:
        errors.append(f"{path}: {v!r} != {s['const']!r}")
    if "enum" in s and v not in s["enum"]:
        errors.append(f"{path}: {v!r} not in {s['enum']}")
    if "minimum" in s and _TYPES["number"](v) and v < s["minimum"]:
        errors.append(f"{path}: {v} < {s['minimum']}")
    if "anyOf" in s:
        if not any(not _sub(v, alt, root, path) for alt in s["anyOf"]):
            errors.append(f"{path}: {v!r} matches none of anyOf")
    if isinstance(v, dict):
        for r in s.get("required", []):
            if r not in v:
                errors.append(f"{path}: missing {r!r}")
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for k, x in v.items():
            if k in props:
                _check(x, props[k], root, f"{path}.{k}", errors)
            elif extra is False:
                errors.append(f"{path}: unexpected field {k!r}")
            elif isinstance(extra, dict):
                _check(x, extra, root, f"{path}.{k}", errors)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            _check(x, s["items"], root, f"{path}[{i}]", errors)


def _sub(v, s, root, path) -> list[str]:
    errs: list[str] = []
    _check(v, s, root, path, errs)
    return errs
