"""The compact state store: sorted numpy arrays of states and their BFS depths.

Every stored state is kept whole (exact, no hashing):

* states of at most 64 bits are ``uint64`` values, 8 bytes each;
* wider states are fixed-width big-endian byte strings (numpy ``V<n>``,
  n = ceil(bits / 8) bytes each), compared and sorted bytewise.

The store is the visited set (a sorted batch of candidates is checked with
``searchsorted``) and the source of traces: the parent of a state at depth d
is found by re-expanding the states of depth d - 1 (:class:`LevelParents`),
so nothing but the states and one depth byte each is stored.  (A first
version kept one array per level and searched each: 18 % of config's time
went to those ~35 searches per chunk.)
"""
from __future__ import annotations

import numpy as np


class Codec:
    """Python-int states <-> numpy arrays, for a layout of ``bits`` bits."""

    def __init__(self, bits: int):
        self.bits = bits
        self.wide = bits > 64
        self.nbytes = max(1, (bits + 7) // 8)
        self.dtype = np.dtype(f"V{self.nbytes}") if self.wide else np.dtype(np.uint64)
        self.itemsize = self.dtype.itemsize

    def encode(self, xs: list) -> np.ndarray:
        if not self.wide:
            return np.fromiter(xs, dtype=np.uint64, count=len(xs))
        n = self.nbytes
        return np.frombuffer(b"".join(x.to_bytes(n, "big") for x in xs), dtype=self.dtype).copy()

    def decode(self, a: np.ndarray) -> list:
        if not self.wide:
            return a.tolist()
        n = self.nbytes
        raw = a.tobytes()
        return [int.from_bytes(raw[i:i + n], "big") for i in range(0, len(raw), n)]

    def empty(self) -> np.ndarray:
        return np.empty(0, dtype=self.dtype)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``a`` sorted, without repeats (np.unique is much slower here)."""
    if len(a) < 2:
        return a
    a = np.sort(a)
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    keep[1:] = a[1:] != a[:-1]       # (the operator also works for V<n> arrays)
    return a[keep]


class Levels:
    """The visited set: every stored state with its BFS depth.

    States are kept sorted in blocks of at most ``2 * BLOCK`` states with
    disjoint, increasing ranges (``firsts[i]`` is block i's smallest state),
    each with a parallel array of depths (uint8, widened to uint16 past
    depth 255): 9 bytes per state of at most 64 bits.  Adding a level inserts
    its states into the blocks they fall in (``np.insert``), so the extra
    memory while adding is one block, not a copy of the whole set; a block
    that grows past ``2 * BLOCK`` is split in two.  Level d is read back (for
    traces) by selecting the states of depth d, in sorted order."""

    BLOCK = 1 << 18

    def __init__(self, codec: Codec):
        self.codec = codec
        self.keys: list[np.ndarray] = []
        self.deps: list[np.ndarray] = []
        self.firsts = codec.empty()
        self.count = 0
        self.levels = 0
        self.dep_type = np.uint8

    def __len__(self) -> int:
        return self.count

    def _groups(self, a: np.ndarray):
        """(block index, slice of sorted ``a``) for the blocks a's elements fall in"""
        if not self.keys:
            return
        cut = np.searchsorted(a, self.firsts[1:], side="left")
        lo = 0
        for b, hi in enumerate(cut.tolist() + [len(a)]):
            if hi > lo:
                yield b, slice(lo, hi)
            lo = hi

    def new_states(self, cand: np.ndarray) -> np.ndarray:
        """sorted unique ``cand`` minus every stored state"""
        if not len(cand) or not self.keys:
            return cand
        keep = np.ones(len(cand), dtype=bool)
        for b, sl in self._groups(cand):
            keep[sl] = ~_member(self.keys[b], cand[sl])
        return cand[keep]

    def stored_mask(self, a: np.ndarray) -> np.ndarray:
        """for each element of ``a`` (any order, repeats allowed): is it stored?"""
        out = np.zeros(len(a), dtype=bool)
        if not len(a) or not self.keys:
            return out
        order = np.argsort(a, kind="stable")
        s = a[order]
        keep = np.zeros(len(a), dtype=bool)
        for b, sl in self._groups(s):
            keep[sl] = _member(self.keys[b], s[sl])
        out[order] = keep
        return out

    def add(self, a: np.ndarray) -> None:
        """store ``a`` (sorted, unique, none stored yet) as the next level"""
        self.insert(a, self.levels)

    def insert(self, a: np.ndarray, d: int) -> None:
        """store ``a`` (sorted, unique, none stored yet) at depth ``d``"""
        self.levels = max(self.levels, d + 1)
        if d > np.iinfo(self.dep_type).max:
            self.dep_type = np.uint16 if d <= 0xFFFF else np.uint32
            self.deps = [x.astype(self.dep_type) for x in self.deps]
        if not len(a):
            return
        self.count += len(a)
        if not self.keys:
            self.keys = [a.copy()]
            self.deps = [np.full(len(a), d, dtype=self.dep_type)]
        else:
            for b, sl in reversed(list(self._groups(a))):
                part = a[sl]
                pos = np.searchsorted(self.keys[b], part)
                self.keys[b] = np.insert(self.keys[b], pos, part)
                self.deps[b] = np.insert(self.deps[b], pos, np.array(d, dtype=self.dep_type))
        self._split()

    def _split(self) -> None:
        keys, deps = [], []
        for k, dp in zip(self.keys, self.deps):
            while len(k) > 2 * self.BLOCK:
                keys.append(k[:self.BLOCK].copy())
                deps.append(dp[:self.BLOCK].copy())
                k, dp = k[self.BLOCK:].copy(), dp[self.BLOCK:].copy()
            keys.append(k)
            deps.append(dp)
        self.keys, self.deps = keys, deps
        self.firsts = np.array([k[0] for k in keys], dtype=self.codec.dtype)

    def depth_of(self, s: int) -> int | None:
        key = self.codec.encode([s])
        for b, _sl in self._groups(key):
            k = self.keys[b]
            i = int(np.searchsorted(k, key)[0])
            if i < len(k) and k[i] == key[0]:
                return int(self.deps[b][i])
        return None

    def level(self, d: int) -> np.ndarray:
        """the states of depth d, sorted"""
        parts = [k[dp == d] for k, dp in zip(self.keys, self.deps)]
        return np.concatenate(parts) if parts else self.codec.empty()

    def nbytes(self) -> int:
        return sum(k.nbytes + dp.nbytes for k, dp in zip(self.keys, self.deps))


def _member(block: np.ndarray, cand: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(block, cand)
    np.minimum(idx, len(block) - 1, out=idx)
    return block[idx] == cand


class LevelParents:
    """A read-only ``state -> parent`` mapping over :class:`Levels`, as the
    reference store's ``seen`` dict (so ``trace.path_to`` works unchanged).

    The parent of a state at depth d > 0 is the first state of level d - 1,
    in the level's (sorted) order, that has it as a successor: found by
    re-running the level function (no property checks) on level d - 1, a
    chunk at a time.  It is a shortest-path parent, as in the reference
    store, though not necessarily the same one."""

    CHUNK = 512

    def __init__(self, levels: Levels, prog):
        self.levels = levels
        self.prog = prog
        self.fn = None                 # a collect-mode level function without checks, on demand

    def __len__(self) -> int:
        return len(self.levels)

    def __contains__(self, s) -> bool:
        return self.levels.depth_of(s) is not None

    def __iter__(self):
        """every stored state (as the dict store's keys; in sorted order)"""
        decode = self.levels.codec.decode
        for block in self.levels.keys:
            yield from decode(block)

    def __getitem__(self, s):
        d = self.levels.depth_of(s)
        if d is None:
            raise KeyError(s)
        if d == 0:
            return None
        decode = self.levels.codec.decode
        level = self.levels.level(d - 1)
        for i in range(0, len(level), self.CHUNK):
            chunk = decode(level[i:i + self.CHUNK])
            if s in self._successors(chunk):
                for p in chunk:
                    if s in self._successors([p]):
                        return p
        raise AssertionError("internal error: a stored state has no parent in the level before")

    def _successors(self, states: list) -> set:
        if self.fn is None:
            self.fn = self.prog.collect_level_function([], [], False)
        out: list = []
        self.fn(states, out, out.append, _ignore, _ignore, _ignore)
        return set(out)


def _ignore(*_args) -> None:
    pass
