"""How a verdict was reached, as data (issue #17).

Every ``PropertyResult`` carries one ``evidence`` value from this module.
``method``/``detail`` remain the words a person reads, rendered by the engine;
no code reads them back to recover a fact: a reporter (text, JSON, ITF, proof
pages, pytest) that needs to know whether a proof was joint, which variables
were held fixed on a loop, or whether a trace is shortest reads it here.

Shapes, one per way of reaching a verdict:

- ``Search``: a state-graph search (explicit engine, its stores and workers,
  MPI, enum, the refinement check).  ``complete`` is True only when every
  reachable state was visited; ``stopped_by`` says why not otherwise.
- ``Bounded``: bounded model checking or the bounded lasso search: a
  violation/witness within ``depth`` steps, or none up to ``depth``.
- ``Simulation``: seeded random walks (never a proof).
- ``Induction``: k-induction or the plain inductive check (``k`` 0 or 1 for
  induct), with the invariants assumed and those proved jointly, whether it
  ran on the liveness-to-safety product, and the variables held fixed on the
  loop there; ``failed`` names the failing case when not proved.
- ``Pdr``: Spacer, with the inductive invariant found (spec syntax), the cone
  of influence, held-fixed variables, bit level, product; for a violation,
  ``path`` says whether the trace is Spacer's own path (not necessarily
  shortest) or a BMC replay (shortest).
- ``SolverGaveUp``: the solver said unknown; ``reason`` is Z3's reason,
  ``resource_limit`` says whether the per-query rlimit was what stopped it.
- ``NotChecked``: the engine did not check this property; ``reason`` is one of
  the ``NOT_*`` constants.
- ``Disagreement``: ``--engine all`` found engines contradicting each other.
- ``CrossCheck``: the merged result of ``--engine all``: the engine whose
  result was chosen, its evidence, and the engines that agreed.

``stopped_by`` values are ``checker.cancel`` reasons (``timeout``,
``interrupted``, ``max_memory``) or the limits ``max_states``, ``max_depth``,
``budget`` (a per-property budget), ``walks`` (simulation ran its walks),
``all_decided`` (every property checked was decided before the space was:
the search stops then; a swarm stops at its first violation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

MAX_STATES = "max_states"
MAX_DEPTH = "max_depth"
BUDGET = "budget"
WALKS = "walks"
ALL_DECIDED = "all_decided"

NOT_SUPPORTED = "not_supported"          # e.g. a temporal property for induct
NOT_ENCODABLE = "not_encodable"          # the spec cannot be encoded for Z3
NOT_IMPLEMENTED = "not_implemented"      # e.g. abstract fairness under refinement
OTHER_ENGINE = "other_engine"            # checked by another engine only (refinement)
NOT_REACHED = "not_reached"              # the run stopped before this property

# Why a proof on the cone of influence (``Pdr.cone``) is sound (``Pdr.cone_sound``)
CONE_EXACT = "exact"                     # no update of the dropped variables can err
CONE_TYPEOK_PROVED = "typeok_proved"     # typeok is proved (by PDR, or k = 0 from proved invariants)
CONE_TYPEOK_BY_KIND = "typeok_by_kind"   # typeok is proved by k-induction (PDR could not prove it)


@dataclass(frozen=True)
class Search:
    engine: str                   # "explicit", "enum", "distributed", "refinement"
    states: int
    depth: int
    complete: bool
    stopped_by: Optional[str] = None
    shortest: bool = True         # a trace, if any, is a shortest one
    store: str = ""               # "dict", "compact", "vector", "mpi", ...


@dataclass(frozen=True)
class Bounded:
    depth: int
    lasso: bool = False           # the bounded lasso search (temporal properties)
    shortest: bool = True
    stopped_by: Optional[str] = None


@dataclass(frozen=True)
class Simulation:
    seed: int
    walks: int
    longest: int
    stopped_by: Optional[str] = None


@dataclass(frozen=True)
class Induction:
    k: int
    engine: str = "kind"          # "kind" or "induct"
    assumed: tuple[str, ...] = ()
    jointly: tuple[str, ...] = ()
    on_product: bool = False
    frozen: tuple[str, ...] = ()
    failed: Optional[str] = None  # "base", "step", "initiation", "consecution"


@dataclass(frozen=True)
class Pdr:
    invariant: Optional[str] = None
    cone: Optional[tuple[str, ...]] = None
    frozen: tuple[str, ...] = ()
    bit_level: bool = False
    on_product: bool = False
    assumed: tuple[str, ...] = ()
    jointly: tuple[str, ...] = ()
    path: Optional[str] = None    # a violation's trace: "spacer" or "bmc"
    # the proof ran on ``cone`` (the variables kept; None: the whole spec)
    # because of this (a CONE_* constant)
    cone_sound: str = ""


@dataclass(frozen=True)
class SolverGaveUp:
    engine: str
    reason: str
    resource_limit: bool = False
    stopped_by: Optional[str] = None
    depth: Optional[int] = None   # how far it got (BMC depth, k)


@dataclass(frozen=True)
class NotChecked:
    engine: str
    reason: str                   # one of the NOT_* constants
    why: str = ""                 # words: what was not supported


@dataclass(frozen=True)
class Side:
    engine: str
    verdict: str
    method: str
    detail: str = ""


@dataclass(frozen=True)
class Disagreement:
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class CrossCheck:
    chosen: str
    evidence: "Evidence"
    agreeing: tuple[str, ...] = field(default=())


Evidence = Union[Search, Bounded, Simulation, Induction, Pdr, SolverGaveUp, NotChecked,
                 Disagreement, CrossCheck]


TYPE_NAMES = {Search: "search", Bounded: "bounded", Simulation: "simulation", Induction: "induction",
              Pdr: "pdr", SolverGaveUp: "solver_gave_up", NotChecked: "not_checked",
              Disagreement: "disagreement", CrossCheck: "cross_check"}


def to_json(e: Optional[Evidence]) -> Optional[dict]:
    """The evidence as a JSON object: ``{"type": "pdr", ...its fields}``."""
    if e is None:
        return None
    out: dict = {"type": TYPE_NAMES[type(e)]}
    for name in e.__dataclass_fields__:
        v = getattr(e, name)
        if name == "evidence":
            v = to_json(v)
        elif name == "sides":
            v = [{k: getattr(s, k) for k in s.__dataclass_fields__} for s in v]
        elif isinstance(v, tuple):
            v = list(v)
        out[name] = v
    return out


def inner(e: Optional[Evidence]) -> Optional[Evidence]:
    """The evidence of the chosen engine under a cross-check."""
    while isinstance(e, CrossCheck):
        e = e.evidence
    return e
