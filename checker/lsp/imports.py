"""The indexes of the modules a spec imports, for the symbol index.

``import reg from "registry.spec"`` and ``import "registry.spec"`` name a file
relative to the importing file (``checker.lang.modules.module_path``; an
unsaved buffer's relative to the working directory, as the checker does).
Its index is built here and cached by (path, mtime, size), so re-indexing
the importer on every keystroke does not re-parse its modules.  A module that
cannot be read or does not parse has no index (None): the importer's own
diagnostics say why; the index just leaves its names unresolved.
"""
from __future__ import annotations

import os
from typing import Optional

_CACHE: dict[str, tuple[tuple[int, int], object]] = {}
MAX_DEPTH = 8   # imports of imports: deeper (or a cycle) is not indexed


def module_index(importer: str, path: str, stack: tuple[str, ...] = ()):
    """The SpecIndex of the module ``path`` imported by the file ``importer``, or None."""
    from ..lang.modules import module_path
    from .index import build_index

    full = module_path(importer, path)
    key = os.path.realpath(full)
    if key in stack or len(stack) >= MAX_DEPTH:
        return None
    try:
        st = os.stat(full)
        stamp = (st.st_mtime_ns, st.st_size)
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with open(full, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    index: Optional[object] = build_index(text, full, stack + (key,))
    _CACHE[key] = (stamp, index)
    return index
