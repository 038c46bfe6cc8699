"""A walk over the syntax tree that rebuilds only what changes (imports,
renaming, desugaring all rewrite trees of frozen dataclasses)."""
from __future__ import annotations

import dataclasses


def rewrite(node, fn):
    """Apply ``fn`` bottom-up to every dataclass node of a tree (tuples too)."""
    if isinstance(node, tuple):
        return tuple(rewrite(x, fn) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {}
        for f in dataclasses.fields(node):
            if f.name == "span" or not f.init:
                continue
            old = getattr(node, f.name)
            new = rewrite(old, fn)
            if new is not old:
                changes[f.name] = new
        if changes:
            node = dataclasses.replace(node, **changes)
        return fn(node)
    return node
