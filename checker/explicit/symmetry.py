"""Symmetry reduction: one stored state per orbit under permutations of the
values of each ``symmetric type`` (the front end has checked, in
checker/lang/symmetry.py, that the spec and its properties cannot tell
those values apart, so permuting them maps behaviours to behaviours).

The search stores ``canon(t)`` for every successor ``t``: a member of t's
orbit.  Any such choice is sound (every reachable orbit keeps at least one
stored member, whose successors stand for those of the whole orbit); it
saves the most when it is *exact*, one member per orbit:

* each symmetric value ``i`` gets a *feature*: everything the state says
  about ``i`` that a permutation carries along (its row in the maps indexed
  by the type, whether it is in a set, where it sits in a sequence...);
  values are renumbered in the order of their features;
* when every occurrence of the type is *unary* (a map key whose values do
  not mention the type, a set element, a scalar, a sequence element) two
  values with equal features can be swapped without changing the state, so
  the sorted renumbering gives one representative per orbit: exact;
* when a map indexed by the type holds values of the same type (``map<T, T>``,
  ``map<T, set<T>>``), features are coarser: every order of the tied values
  is tried (up to ``TIE_ORDERS`` orders) and the smallest packed state kept,
  which is exact again; beyond that the first order is used (sound, not
  unique: counted in ``inexact``).  A field mixing two symmetric types is
  not exact either: the types are renumbered one after the other.

States in the common shape (only maps indexed by the type with values free
of it, and sets of it) are canonicalised by generated code on the packed
int: the per-value rows are cut out with shifts, sorted, and put back.

Counterexamples stay real traces: ``unreduce`` turns the chain of stored
states into a path of the unreduced system by re-applying, step by step,
the permutation each successor was canonicalised with.
"""
from __future__ import annotations

import math
from itertools import permutations, product

from .. import ir
from .ctx import exec_generated
from .layout import SET_BIAS, Layout, is_bitset, is_int_bitset

TIE_ORDERS = 720        # orders of tied values tried per state before giving up exactness


def _names(t: ir.Type) -> set[str]:
    from ..lang.symmetry import symmetric_names
    return symmetric_names(t)


def _okey(v):
    """A totally ordered key for an internal value (frozensets are only partially ordered)."""
    if isinstance(v, frozenset):
        return tuple(sorted(v))
    if isinstance(v, tuple):
        return tuple(_okey(x) for x in v)
    return v


class Canonicaliser:
    """Generic canonical forms for any spec shape (decodes the state)."""

    def __init__(self, spec: ir.Spec, layout: Layout):
        self.layout = layout
        self.types = []                      # (name, lo, n)
        for t in spec.symmetric:
            lo, hi = t.bounds()
            self.types.append((t.symmetric, lo, hi - lo + 1))
        self.size = {name: n for name, _, n in self.types}
        self.lo = {name: lo for name, lo, _ in self.types}
        self.identity = {name: tuple(range(n)) for name, _, n in self.types}
        self.fields = [f for f in layout.fields if _names(f.type)]
        self._perm_fn = {f.index: self._permuter(f.type) for f in self.fields}
        self.binary = any(self._is_binary(f.type) for f in self.fields)
        self.mixed = any(len(_names(f.type)) > 1 for f in self.fields)
        self.inexact = 0                     # states whose canonical form may not be unique
        self._feat = {name: [(f.index, fn) for f in self.fields
                             if (fn := self._features(f.type, name)) is not None]
                      for name, _, _ in self.types}

    # ---------------------------------------------------------------- facts
    @property
    def exact(self) -> bool:
        """One stored state per orbit, guaranteed for this spec's shape?"""
        return not self.mixed and (not self.binary or self.inexact == 0)

    def type_names(self) -> list[str]:
        return [name for name, _, _ in self.types]

    def _is_binary(self, t: ir.Type) -> bool:
        """Can one symmetric value's features depend on another's?  Maps from
        the type to it, and records holding its values (a record ties the
        values in its fields together): ties are then broken by trying orders."""
        work = [t]
        while work:
            x = work.pop()
            if isinstance(x, ir.RecordT) and _names(x):
                return True
            if isinstance(x, ir.MapT):
                if isinstance(x.key, ir.IntT) and x.key.symmetric and x.key.symmetric in _names(x.value):
                    return True
                work += [x.value]
            elif isinstance(x, (ir.SetT, ir.SeqT)):
                work.append(x.elem)
        return False

    # ---------------------------------------------------------------- permuting
    def _record_permuter(self, t: ir.RecordT):
        """fn(record number, perms) -> the number of the record with every
        symmetric value in its fields renamed (nested records included)."""
        parts = []
        for (_, ft), stride, size in zip(t.fields, t.strides(), t.sizes()):
            if isinstance(ft, ir.RecordT) and _names(ft):
                parts.append((stride, size, self._record_permuter(ft)))
            elif isinstance(ft, ir.IntT) and ft.symmetric:
                name = ft.symmetric
                parts.append((stride, size, lambda d, P, name=name: P[name][d]))

        def perm_record(v, P):
            out = v
            for stride, size, f in parts:
                d = (v // stride) % size
                out += (f(d, P) - d) * stride
            return out
        return perm_record

    def _permuter(self, t: ir.Type):
        """fn(internal value, perms) -> the value with every symmetric value renamed."""
        if not _names(t):
            return None
        if isinstance(t, ir.RecordT):
            return self._record_permuter(t)
        if isinstance(t, ir.SetT) and isinstance(t.elem, ir.RecordT):
            f = self._record_permuter(t.elem)
            if is_int_bitset(t):
                def perm_record_bits(v, P):
                    out, bits = 0, v
                    while bits:
                        low = bits & -bits
                        x = low.bit_length() - 1 - SET_BIAS
                        out |= 1 << (f(x, P) + SET_BIAS)
                        bits ^= low
                    return out
                return perm_record_bits
            return lambda v, P: frozenset(f(x, P) for x in v)
        if isinstance(t, ir.MapT) and isinstance(t.key, ir.RecordT):
            fk = self._record_permuter(t.key) if _names(t.key) else (lambda k, P: k)
            fv = self._permuter(t.value) or (lambda x, P: x)

            def perm_record_keys(v, P):
                out = [None] * len(v)
                for k, x in enumerate(v):
                    out[fk(k, P)] = fv(x, P)
                return tuple(out)
            return perm_record_keys
        if isinstance(t, ir.IntT):
            name, lo = t.symmetric, self.lo[t.symmetric]
            return lambda v, P: lo + P[name][v - lo]
        if isinstance(t, ir.SetT):
            name, lo, n = t.elem.symmetric, self.lo[t.elem.symmetric], self.size[t.elem.symmetric]
            if is_int_bitset(t):
                base = lo + SET_BIAS

                def perm_bits(v, P):
                    p, out = P[name], 0
                    for i in range(n):
                        if (v >> (base + i)) & 1:
                            out |= 1 << (base + p[i])
                    return out
                return perm_bits
            return lambda v, P: frozenset(lo + P[name][x - lo] for x in v)
        if isinstance(t, ir.SeqT):
            f = self._permuter(t.elem)
            return lambda v, P: tuple(f(x, P) for x in v)
        if isinstance(t, ir.MapT):
            f = self._permuter(t.value) or (lambda x, P: x)
            if isinstance(t.key, ir.IntT) and t.key.symmetric:
                name = t.key.symmetric

                def perm_map(v, P):
                    p, out = P[name], [None] * len(v)
                    for i, x in enumerate(v):
                        out[p[i]] = f(x, P)
                    return tuple(out)
                return perm_map
            return lambda v, P: tuple(f(x, P) for x in v)
        return None

    def apply(self, s: int, P: dict) -> int:
        vals = self.layout.unpack(s)
        for f in self.fields:
            vals[f.index] = self._perm_fn[f.index](vals[f.index], P)
        return self.layout.pack(vals)

    # ---------------------------------------------------------------- features
    def _features(self, t: ir.Type, name: str):
        """fn(internal value) -> one orderable key per value index of ``name``
        saying where that value occurs (carried along by permutations); None
        when ``t`` does not mention ``name``."""
        if name not in _names(t):
            return None
        n, lo = self.size[name], self.lo[name]
        if isinstance(t, ir.RecordT):
            places = self._record_places(t, name)
            return lambda v: [tuple(j for j, d in enumerate(places(v)) if d == i) for i in range(n)]
        if isinstance(t, ir.SetT) and isinstance(t.elem, ir.RecordT):
            places, erase = self._record_places(t.elem, name), self._record_eraser(t.elem, name)

            def members(v):
                if isinstance(v, int):
                    out, bits = [], v
                    while bits:
                        low = bits & -bits
                        out.append(low.bit_length() - 1 - SET_BIAS)
                        bits ^= low
                    return out
                return list(v)

            def record_set(v):
                rows = [(erase(r), places(r)) for r in members(v)]
                return [tuple(sorted((e, tuple(j for j, d in enumerate(p) if d == i)) for e, p in rows
                                     if i in p)) for i in range(n)]
            return record_set
        if isinstance(t, ir.IntT):
            return lambda v: [v - lo == i for i in range(n)]
        if isinstance(t, ir.SetT):
            if is_int_bitset(t) or is_bitset(t):
                base = lo + SET_BIAS
                return lambda v: [(v >> (base + i)) & 1 for i in range(n)]
            return lambda v: [lo + i in v for i in range(n)]
        if isinstance(t, ir.SeqT):
            f = self._features(t.elem, name)
            return lambda v: [tuple(col) for col in zip(*(f(x) for x in v))] if v else [()] * n
        if isinstance(t, ir.MapT):
            f = self._features(t.value, name)
            if isinstance(t.key, ir.IntT) and t.key.symmetric == name:
                if f is None:
                    return lambda v: [_okey(x) for x in v]
                erase = self._eraser(t.value, name)

                def rows(v):
                    occ = [f(x) for x in v]       # occ[j][i]: how i occurs in row j
                    return [(erase(v[i]), occ[i][i], tuple(sorted(occ[j][i] for j in range(n) if j != i)))
                            for i in range(n)]
                return rows
            if f is None:
                return None
            return lambda v: [tuple(col) for col in zip(*(f(x) for x in v))]
        return None

    def _record_places(self, t: ir.RecordT, name: str):
        """fn(record number) -> the index of ``name``'s value in each field of
        that type (nested records flattened, in field order)."""
        parts = []
        for (_, ft), stride, size in zip(t.fields, t.strides(), t.sizes()):
            if isinstance(ft, ir.RecordT) and name in _names(ft):
                parts.append((stride, size, self._record_places(ft, name)))
            elif isinstance(ft, ir.IntT) and ft.symmetric == name:
                parts.append((stride, size, None))

        def places(v):
            out = []
            for stride, size, inner in parts:
                d = (v // stride) % size
                out += inner(d) if inner else [d]
            return out
        return places

    def _record_eraser(self, t: ir.RecordT, name: str):
        """fn(record number) -> the number with ``name``'s fields set to index 0."""
        def erase(v):
            out = v
            for (_, ft), stride, size in zip(t.fields, t.strides(), t.sizes()):
                d = (v // stride) % size
                if isinstance(ft, ir.RecordT) and name in _names(ft):
                    out += (self._record_eraser(ft, name)(d) - d) * stride
                elif isinstance(ft, ir.IntT) and ft.symmetric == name:
                    out -= d * stride
            return out
        return erase

    def _eraser(self, t: ir.Type, name: str):
        """fn(internal value) -> an orderable key with the values of ``name`` blanked out."""
        if name not in _names(t):
            return _okey
        if isinstance(t, ir.RecordT):
            return self._record_eraser(t, name)
        if isinstance(t, ir.SetT) and isinstance(t.elem, ir.RecordT):
            return lambda v: v.bit_count() if isinstance(v, int) else len(v)
        if isinstance(t, ir.IntT):
            return lambda v: 0
        if isinstance(t, ir.SetT):
            return lambda v: v.bit_count() if isinstance(v, int) else len(v)
        inner = self._eraser(t.elem if isinstance(t, (ir.SetT, ir.SeqT)) else t.value, name)
        return lambda v: tuple(inner(x) for x in v)

    def _order(self, vals: list, name: str) -> list[int]:
        n = self.size[name]
        feats = [[] for _ in range(n)]
        for idx, fn in self._feat[name]:
            for i, k in enumerate(fn(vals[idx])):
                feats[i].append(k)
        keys = [tuple(k) for k in feats]
        return sorted(range(n), key=keys.__getitem__), keys

    # ---------------------------------------------------------------- canonical forms
    def perm(self, s: int) -> dict:
        """Permutations P (value index -> new index, per type) with apply(s, P) == canon(s)."""
        P = dict(self.identity)
        cur = s
        for name, _, n in self.types:
            vals = self.layout.unpack(cur)
            order, keys = self._order(vals, name)
            p = _from_order(order)
            if self.binary:
                p = self._break_ties(cur, name, order, keys, p)
            step = dict(self.identity)
            step[name] = p
            cur = self.apply(cur, step)
            P[name] = p
        return P

    def _break_ties(self, s: int, name: str, order: list[int], keys: list, p: tuple) -> tuple:
        groups = _tie_groups(order, keys)
        if math.prod(math.factorial(len(g)) for g in groups) > TIE_ORDERS:
            self.inexact += 1
            return p
        best = None
        for combo in product(*(permutations(g) for g in groups)):
            o = list(order)
            for g, perm_g in zip(groups, combo):
                start = order.index(g[0])
                o[start:start + len(g)] = perm_g
            cand = _from_order(o)
            step = dict(self.identity)
            step[name] = cand
            img = self.apply(s, step)
            if best is None or img < best[0]:
                best = (img, cand)
        return best[1]

    def canon(self, s: int) -> int:
        return self.apply(s, self.perm(s))

    def orbit_size(self, s: int) -> int | None:
        """How many states of the unreduced system ``s`` stands for (None: not known)."""
        if self.mixed or self.binary:
            return None
        total = 1
        vals = self.layout.unpack(s)
        for name, _, n in self.types:
            _, keys = self._order(vals, name)
            total *= _arrangements(keys)
        return total

    # ---------------------------------------------------------------- traces
    def unreduce(self, prog, chain: list[int]) -> list[int]:
        """Stored states c0 -> c1 -> ... -> ck (each c(i+1) the canonical form of a
        successor of ci) -> a path of the unreduced system that ends at ck."""
        pis = [dict(self.identity)]
        for c, nxt in zip(chain, chain[1:]):
            rho = self._step_perm(prog, c, nxt)
            pis.append(_compose(pis[-1], _inverse(rho)))
        back = _inverse(pis[-1])
        return [self.apply(c, _compose(back, pi)) for c, pi in zip(chain, pis)]

    def _step_perm(self, prog, c: int, nxt: int) -> dict:
        for ai, binds in enumerate(prog.bindings):
            fn = prog.trace_fns[ai]
            for b in binds:
                out: list = []
                fn(c, out, [], b)
                for t in out:
                    if t == nxt:
                        return dict(self.identity)
                    P = self.perm(t)
                    if self.apply(t, P) == nxt:
                        return P
        raise AssertionError("internal error: no successor of a stored state has the stored canonical form")


class KeyedCanonicaliser(Canonicaliser):
    """The common shape: every occurrence of a symmetric type is a key of a map
    whose values do not mention it, or an element of a set stored as a
    bitmask.  Then a value's feature is its row of raw bits, and canon() is
    generated code over the packed int."""

    def __init__(self, spec: ir.Spec, layout: Layout):
        super().__init__(spec, layout)
        self.blocks = {}                     # name -> [(offset, entry width)]
        for name, _, n in self.types:
            self.blocks[name] = [(f.offset, f.width // n) for f in self.fields
                                 if _names(f.type) == {name} and f.width > 0]
        self.canon, self._orbit = self._generate()

    @staticmethod
    def fits(spec: ir.Spec, layout: Layout) -> bool:
        for f in layout.fields:
            t = f.type
            if not _names(t):
                continue
            keyed = (isinstance(t, ir.MapT) and isinstance(t.key, ir.IntT) and t.key.symmetric
                     and not _names(t.value))
            bitset = (isinstance(t, ir.SetT) and isinstance(t.elem, ir.IntT) and t.elem.symmetric
                      and is_int_bitset(t))
            if not (keyed or bitset):
                return False
        return True

    def _rows(self, name: str, s: int) -> list[int]:
        n = self.size[name]
        keys = []
        for i in range(n):
            k, shift = 0, 0
            for off, w in self.blocks[name]:
                k |= ((s >> (off + i * w)) & ((1 << w) - 1)) << shift
                shift += w
            keys.append(k)
        return keys

    def _generate(self):
        """canon(s) and orbit(s) for this layout, generated: only ints from the
        layout appear in their source.  orbit(s) = n! / (product of the
        multiplicities of equal rows)!, looked up by the pattern of equal
        neighbours among the sorted rows."""
        lines = ["def canon(s):"]
        orbit = ["def orbit(s):", "    total = 1"]
        ns: dict = {}
        total = self.layout.total_bits
        for t, (name, _, n) in enumerate(self.types):
            blocks = self.blocks[name]
            if not blocks or n < 2:
                continue
            extract = []
            keep = (1 << total) - 1
            for off, w in blocks:
                keep &= ~(((1 << (w * n)) - 1) << off)
            for i in range(n):
                parts, shift = [], 0
                for off, w in blocks:
                    parts.append(f"(((s >> {off + i * w}) & {(1 << w) - 1}) << {shift})")
                    shift += w
                extract.append(f"    k{i} = " + " | ".join(parts))
            ks = ", ".join(f"k{i}" for i in range(n))
            chain = " <= ".join(f"k{i}" for i in range(n))
            lines += extract
            lines.append(f"    if not ({chain}):")
            lines.append(f"        {ks}, = sorted(({ks},))")
            pattern = ", ".join(f"k{i} == k{i + 1}" for i in range(n - 1))
            ns[f"ORB{t}"] = _OrbitTable(n)
            orbit += extract + [f"    if not ({chain}):", f"        {ks}, = sorted(({ks},))",
                                f"    total *= ORB{t}[({pattern},)]"]
            terms = [f"(s & {keep})"]
            for i in range(n):
                shift = 0
                for off, w in blocks:
                    terms.append(f"(((k{i} >> {shift}) & {(1 << w) - 1}) << {off + i * w})")
                    shift += w
            lines.append("        s = " + " | ".join(terms))
        lines.append("    return s")
        orbit.append("    return total")
        exec_generated("\n".join(lines + orbit) + "\n", "symmetry", ns)
        return ns["canon"], ns["orbit"]

    def perm(self, s: int) -> dict:
        P = dict(self.identity)
        for name, _, n in self.types:
            keys = self._rows(name, s)
            P[name] = _from_order(sorted(range(n), key=keys.__getitem__))
        return P

    def orbit_size(self, s: int) -> int | None:
        return self._orbit(s)

    @property
    def exact(self) -> bool:
        return True


def make(spec: ir.Spec, layout: Layout) -> Canonicaliser:
    if KeyedCanonicaliser.fits(spec, layout):
        return KeyedCanonicaliser(spec, layout)
    return Canonicaliser(spec, layout)


def writes_symmetric_state(action: ir.Action, spec: ir.Spec) -> bool:
    """Can a step of ``action`` change a variable that mentions a symmetric type?
    If not, its successors of a canonical state are canonical already."""
    tagged = {v.name for v in spec.vars if _names(v.type)}
    return any(isinstance(s, ir.Assign) and s.var in tagged for s in ir.walk_stmts(action.body))


# -------------------------------------------------------------------- permutations


def _from_order(order: list[int]) -> tuple:
    """order[r] = the old index placed at r  ->  p[old] = r."""
    p = [0] * len(order)
    for r, i in enumerate(order):
        p[i] = r
    return tuple(p)


def _compose(P: dict, Q: dict) -> dict:
    """P after Q."""
    return {name: tuple(P[name][q] for q in Q[name]) for name in P}


def _inverse(P: dict) -> dict:
    out = {}
    for name, p in P.items():
        inv = [0] * len(p)
        for i, x in enumerate(p):
            inv[x] = i
        out[name] = tuple(inv)
    return out


def _tie_groups(order: list[int], keys: list) -> list[list[int]]:
    groups, cur = [], [order[0]] if order else []
    for i in order[1:]:
        if keys[i] == keys[cur[-1]]:
            cur.append(i)
        else:
            if len(cur) > 1:
                groups.append(cur)
            cur = [i]
    if len(cur) > 1:
        groups.append(cur)
    return groups


class _OrbitTable(dict):
    """(row i == row i+1 for each i) of n sorted rows -> the number of distinct orders."""

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def __missing__(self, pattern: tuple) -> int:
        out, run = math.factorial(self.n), 1
        for same in pattern + (False,):
            if same:
                run += 1
            else:
                out //= math.factorial(run)
                run = 1
        self[pattern] = out
        return out


def _arrangements(keys: list) -> int:
    """n! / (product of multiplicity!): the distinct orders of the keys."""
    counts: dict = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    out = math.factorial(len(keys))
    for c in counts.values():
        out //= math.factorial(c)
    return out
