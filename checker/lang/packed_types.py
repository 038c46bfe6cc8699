"""Which type a set or a sequence gets when it is used as a value (an
element, a record field, a map key, an action parameter): a packed type
numbering its values (``ir.PackedSetT``, ``ir.PackedSeqT``), within the
bounds below; the typing of packed values is in records_sets.py."""
from __future__ import annotations

from .. import ir
from .symmetry import symmetric_names
from .typerules import finite_scalar_problem

MAX_PACKED_ELEMS = 16
MAX_PACKED_VALUES = 2 ** MAX_PACKED_ELEMS  # ... and a sequence used as a value that many values


def value_type(d, t: ir.Type | None, span) -> ir.Type | None:
    """``t`` as a type that can stand where a finite scalar goes: a set or a
    sequence is packed (errors reported, None); every other type is
    returned as it is."""
    if isinstance(t, ir.SeqT):
        return _seq_value_type(d, t, span)
    if not isinstance(t, ir.SetT):
        return t
    if not _elements_fit(d, t, span, "set"):
        return None
    n = len(ir.domain_values(t.elem))
    if n > MAX_PACKED_ELEMS:
        d.error(span, f"a set used as a value (an element, a field, a key or a parameter) may range over at most "
                      f"{MAX_PACKED_ELEMS} values, but {t.elem} has {n:,}",
                "use a smaller element type, or keep this set in a variable of its own")
        return None
    return ir.packed_set_type(t.elem)


def _seq_value_type(d, t: ir.SeqT, span) -> ir.Type | None:
    if not _elements_fit(d, t, span, "sequence"):
        return None
    n = len(ir.domain_values(t.elem))
    count = sum(n ** j for j in range(t.cap + 1))
    if count > MAX_PACKED_VALUES:
        d.error(span, f"a sequence used as a value (an element, a field, a key or a parameter) may have at most "
                      f"{MAX_PACKED_VALUES:,} values, but {t} has {count:,}",
                "use a smaller element type or capacity, or keep this sequence in a variable of its own")
        return None
    return ir.packed_seq_type(t.elem, t.cap)


def _elements_fit(d, t, span, what: str) -> bool:
    """A set or sequence used as a value needs finite elements that no
    symmetry permutes (errors reported)."""
    problem = finite_scalar_problem(t.elem)
    if problem:
        d.error(span, f"a {what} used as a value (an element, a field, a key or a parameter) must have finite "
                      f"elements: {problem}")
        return False
    if symmetric_names(t.elem):
        name = next(iter(symmetric_names(t.elem)))
        d.error(span, f"a {what} of values of the symmetric type {name} cannot be used as a value (an element, a "
                      f"field, a key or a parameter): the symmetry reduction permutes it only as a variable",
                f"keep this {what} in a variable (or a map's value) of its own, or drop `symmetric`")
        return False
    return True
