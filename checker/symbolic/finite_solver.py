"""A solver for unrollings: Z3's finite-domain (SAT) solver when it applies.

Every integer of an unrolling with concrete constants has a known range:
state leaves their declared types (the encoder records them in
``known_bounds``), action selectors, parameters and ``either`` choices their
domains.  Z3's ``QF_FD`` solver turns such bounded integers into bit-vectors
and the whole query into CNF for its CDCL SAT solver, which refutes the
interleavings of a concurrent spec much faster than the general SMT core
(config.spec's lasso search: the query at depth 13 took 265 s there, under
2 s here; bench/bench_lasso.py).  It needs every bound as a top-level
assertion, so ``ranges`` states them explicitly.

Adding the ranges changes no answer: for path states they restate the state
invariant (``Encoder.state_inv``) that the unrolling asserts anyway; a step
variable of an action that is not selected, or a state that the query leaves
unconstrained, may take any value, in particular one inside its range.

When some integer has no known range (a constant left symbolic, a type bounded
by one) or the SAT solver gives up on a term it cannot bit-blast (a quantifier
from a parameter domain too large to expand: ``has_quantifier``; QF_FD
raises an error or answers unknown on it), ``FiniteSolver`` asks Z3's
general solver instead, with the same assertions: never a different answer,
only a slower one.
"""
from __future__ import annotations

import z3

from .common import new_solver
from .encode import Encoder, State


def _range(term, lo_hi) -> list:
    lo, hi = lo_hi
    return [term >= lo, term <= hi]


def step_var_bounds(enc: Encoder) -> dict[str, tuple[int, int]]:
    """Ranges of the template step variables by name (selector, parameters,
    choices); a Bool has none and needs none."""
    out = {}
    for v in enc.step_vars:
        name = v.decl().name()
        if name in enc.known_bounds:
            out[name] = enc.known_bounds[name]
    for a in enc.actions:
        for ch, n in a.choices:
            out[ch.decl().name()] = (0, max(n - 1, 0))
    return out


def state_ranges(enc: Encoder, st: State) -> list | None:
    """Range assertions for the integer leaves of a state (None: some leaf
    has no concrete range)."""
    out: list = []
    for x in st.terms():
        if z3.is_int(x):
            b = enc.known_bounds.get(x.decl().name())
            if b is None:
                return None
            out += _range(x, b)
    return out


def step_ranges(template_vars, copies, bounds: dict) -> list | None:
    """Range assertions for one step's copies of the step variables."""
    out: list = []
    for v, x in zip(template_vars, copies):
        if z3.is_int(x):
            b = bounds.get(v.decl().name())
            if b is None:
                return None
            out += _range(x, b)
    return out


def const_ranges(enc: Encoder) -> list | None:
    """Range assertions for the constants left symbolic (None: one has no
    concrete range)."""
    out: list = []
    for c, t in enc.sym_consts:
        b = enc.known_bounds.get(c.name)
        if b is None:
            return None
        out += _range(t, b)
    return out


def has_quantifier(formulas) -> bool:
    """Does any formula contain a quantifier (the encoder writes one for an
    action with too many bindings to expand)?  QF_FD may accept one and then
    grind (a lasso search on such a spec ran 180 s into unknown), so the
    general solver is asked from the start.  Iterative walk, shared terms
    visited once."""
    seen: set[int] = set()
    work = list(formulas)
    while work:
        x = work.pop()
        if z3.is_quantifier(x):
            return True
        i = x.get_id()
        if i in seen:
            continue
        seen.add(i)
        if z3.is_app(x):
            work.extend(x.children())
    return False


def _gave_up(solver) -> bool:
    try:
        why = solver.reason_unknown()
    except z3.Z3Exception:
        return False
    return "giveup" in why or "interpreted functions" in why


class FiniteSolver:
    """An incremental solver (add / push / pop / check) that is Z3's QF_FD
    solver while the query is finite-domain, and Z3's general solver from the
    moment it is not (``add_ranges(None)``) or QF_FD gives up: then every
    assertion so far is replayed into a general solver and the check asked
    again.  ``finite`` says which one answers."""

    def __init__(self, seed: int, finite: bool = True):
        """``finite=False``: Z3's general solver from the start (what the
        lasso search used before; bench/bench_lasso.py compares the two)."""
        self.seed = seed
        self.finite = finite
        self._base: list = []       # assertions outside every push
        self._scopes: list = []     # assertions per open push
        self.solver = self._fd() if finite else new_solver(seed)

    def _fd(self):
        s = z3.SolverFor("QF_FD")
        s.set("random_seed", self.seed)
        return s

    def _fall_back(self) -> None:
        self.finite = False
        s = new_solver(self.seed)
        s.add(*self._base)
        for scope in self._scopes:
            s.push()
            s.add(*scope)
        self.solver = s

    def add(self, *fs) -> None:
        (self._scopes[-1] if self._scopes else self._base).extend(fs)
        try:
            self.solver.add(*fs)
        except z3.Z3Exception:
            if not self.finite:
                raise
            self._fall_back()  # it replays fs too

    def add_ranges(self, rs: list | None) -> None:
        """Ranges of new integers, asserted outside every push (QF_FD reads
        bounds only there; each integer is new, so no later query needs them
        removed).  None: an integer without a range, so no QF_FD."""
        if self._scopes:
            raise ValueError("ranges are asserted outside every push")
        if rs is None:
            if self.finite:
                self._fall_back()
            return
        if self.finite:  # the general solver does not need them
            self._base.extend(rs)
            self.solver.add(*rs)

    def push(self) -> None:
        self._scopes.append([])
        self.solver.push()

    def pop(self) -> None:
        self._scopes.pop()
        self.solver.pop()

    def set(self, *args, **kw) -> None:
        self.solver.set(*args, **kw)

    def check(self, arm=None):
        """The answer; ``arm(solver)`` sets the limits on whichever solver asks."""
        if arm:
            arm(self.solver)
        try:
            r = self.solver.check()
        except z3.Z3Exception:
            # QF_FD's translator rejects some terms outright (a quantifier)
            if not self.finite:
                raise
            r = None
        if r is None or (r == z3.unknown and self.finite and _gave_up(self.solver)):
            self._fall_back()
            if arm:
                arm(self.solver)
            r = self.solver.check()
        return r

    def model(self):
        return self.solver.model()

    def reason_unknown(self) -> str:
        return self.solver.reason_unknown()

    def statistics(self):
        return self.solver.statistics()
