"""The verdict a spec's author expects for a property, as written in the spec.

Two forms (read by the pytest plugin, conformance machines and proof pages):

* in the property's doc comment::

      /// expect: violated
      invariant no_loss: ...

* in a line comment anywhere, for any property including ``typeok`` and
  ``deadlock``::

      // expect deadlock: violated

Either may depend on constants with ``when NAME=V`` (several conditions
joined by ``and`` or commas; ``==`` works as ``=``)::

      /// expect: violated when BUGGY=1
      /// expect: holds when BUGGY=0

The first expectation whose condition holds for the spec's constant values
(defaults, or ``--const``/``--spec-const`` overrides) is the one that counts;
line comments come before doc comments.  None matching: no expectation
(the plugin then expects ``holds``).  A malformed ``when`` clause or one that
names no constant of the spec is an :class:`ExpectationError`, never ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

VERDICTS = ("holds", "violated", "unknown")

_DOC = re.compile(r"^\s*expect:\s*(holds|violated|unknown)\b(.*)$", re.M)
_LINE = re.compile(r"^\s*//\s*expect\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(holds|violated|unknown)\b(.*)$", re.M)
_WHEN = re.compile(r"\s+when\s+(.*\S)\s*\Z")
_TERM = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*==?\s*([+-]?[0-9]+)\s*\Z")


class ExpectationError(ValueError):
    """An ``expect`` line whose ``when`` clause cannot be read or names no constant."""


@dataclass(frozen=True)
class Expectation:
    verdict: str
    when: tuple[tuple[str, int], ...] = ()   # every (constant, value) must hold; () always

    def applies(self, consts: Mapping[str, Optional[int]]) -> bool:
        return all(consts.get(name) == value for name, value in self.when)


def _condition(rest: str, where: str) -> tuple[tuple[str, int], ...]:
    rest = rest.rstrip()
    if not rest.strip():
        return ()
    m = _WHEN.match(rest)
    if not m:
        raise ExpectationError(f"{where}: after the verdict expected nothing or `when NAME=VALUE`, "
                               f"got {rest.strip()!r}")
    terms = []
    for part in re.split(r",|\band\b", m.group(1)):
        t = _TERM.match(part)
        if not t:
            raise ExpectationError(f"{where}: `when {m.group(1)}`: expected NAME=INTEGER "
                                   f"(joined by `and` or commas), got {part.strip()!r}")
        terms.append((t.group(1), int(t.group(2))))
    return tuple(terms)


def doc_expectations(doc: str, where: str = "expect") -> list[Expectation]:
    """The ``expect:`` lines of a doc comment, in order."""
    return [Expectation(v, _condition(rest, where)) for v, rest in _DOC.findall(doc or "")]


def line_expectations(source: str, where: str = "expect") -> dict[str, list[Expectation]]:
    """``// expect NAME: VERDICT [when ...]`` lines, per property name, in order."""
    out: dict[str, list[Expectation]] = {}
    for name, v, rest in _LINE.findall(source or ""):
        out.setdefault(name, []).append(Expectation(v, _condition(rest, f"{where} {name}")))
    return out


def _check_names(exps: list[Expectation], consts: Mapping[str, Optional[int]], where: str) -> None:
    for e in exps:
        for name, _ in e.when:
            if name not in consts:
                known = ", ".join(sorted(consts)) or "none"
                raise ExpectationError(f"{where}: `when {name}=...`: the spec has no constant {name} "
                                       f"(its constants: {known})")


def choose(exps: list[Expectation], consts: Mapping[str, Optional[int]], where: str = "expect") -> Optional[str]:
    """The verdict of the first expectation whose condition holds, or None."""
    _check_names(exps, consts, where)
    for e in exps:
        if e.applies(consts):
            return e.verdict
    return None


def expected_verdict(spec, name: str) -> Optional[str]:
    """What the author of ``spec`` (an ``ir.Spec``) expects for property
    ``name`` at the spec's constant values: line comments first, then the
    property's doc comment; None when nothing applies."""
    consts = {c.name: c.value for c in spec.consts}
    where = f"{spec.file}: expect for {name}"
    verdict = choose(line_expectations(spec.source, where).get(name, []), consts, where)
    if verdict is not None:
        return verdict
    for x in (*spec.invariants, *getattr(spec, "properties", ()), *getattr(spec, "reachables", ())):
        if x.name == name:
            return choose(doc_expectations(x.doc, where), consts, where)
    return None


def check_all(spec) -> None:
    """Raise :class:`ExpectationError` for any malformed expectation in ``spec``."""
    consts = {c.name: c.value for c in spec.consts}
    for name, exps in line_expectations(spec.source, f"{spec.file}: expect").items():
        _check_names(exps, consts, f"{spec.file}: expect {name}")
    for x in (*spec.invariants, *getattr(spec, "properties", ()), *getattr(spec, "reachables", ())):
        _check_names(doc_expectations(x.doc, f"{spec.file}: expect for {x.name}"), consts,
                     f"{spec.file}: expect for {x.name}")
