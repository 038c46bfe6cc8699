"""The explicit engines (search, simulation, swarm, explorer) need a value
for every constant: the check that says which are missing."""
from __future__ import annotations

from .. import ir
from ..errors import NeedsConstants  # noqa: F401  (raised here; matched by type in checker/orchestrate)
from .layout import check_finite


def _const_names_in(t: ir.Type) -> list[str]:
    names: list[str] = []
    work: list = [t]
    while work:
        x = work.pop()
        if isinstance(x, ir.IntT):
            work += [b for b in (x.lo, x.hi) if b is not None]
        elif isinstance(x, ir.SetT):
            work.append(x.elem)
        elif isinstance(x, ir.SeqT):
            work.append(x.elem)
        elif isinstance(x, ir.MapT):
            work += [x.key, x.value]
        elif isinstance(x, ir.Const):
            names.append(x.name)
        elif not isinstance(x, (ir.BoolT, ir.EnumT)):
            work += ir.children(x)   # a bound's expression
    return names


def require_constants(spec: ir.Spec) -> None:
    """Raise :class:`NeedsConstants` naming every constant without a value
    (declared symbolic, or bounding a variable's or parameter's type)."""
    names = [c.name for c in spec.symbolic_consts]
    types = [v.type for v in spec.vars] + [p.type for a in spec.actions for p in a.params]
    for t in types:
        try:
            check_finite(t)
        except ir.SymbolicBound:
            names += _const_names_in(t) or [str(t)]
    if names:
        raise NeedsConstants(list(dict.fromkeys(names)))
