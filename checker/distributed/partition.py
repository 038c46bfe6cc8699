"""Which rank owns a state: a well-mixed 64-bit hash of the packed state,
modulo the number of ranks.

``state % K`` would be a poor owner function: packed states put fields at
fixed bit positions, so the low bits are a few fields' values and a level's
states pile onto few ranks.  The splitmix64 finaliser (Steele, Lea and
Flood 2014) mixes every input bit into every output bit, which spreads any
set of distinct states evenly (bench/results/distributed.md gives the skew
measured).  Wide states (more than 64 bits, numpy ``V<n>`` byte strings) are
hashed 8 bytes at a time, each word mixed into the running hash."""
from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 of each element (uint64 arithmetic wraps, as it should)"""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def state_hash(a: np.ndarray) -> np.ndarray:
    """uint64 hash of each packed state of ``a`` (uint64 or V<n>)"""
    if a.dtype == np.uint64:
        return mix64(a)
    n = a.dtype.itemsize
    words = (n + 7) // 8
    raw = np.zeros((len(a), words * 8), dtype=np.uint8)
    raw[:, :n] = np.ascontiguousarray(a).view(np.uint8).reshape(len(a), n)
    w = raw.view(np.uint64)
    h = np.zeros(len(a), dtype=np.uint64)
    for j in range(words):
        h = mix64(h ^ w[:, j])
    return h


def owners(a: np.ndarray, ranks: int) -> np.ndarray:
    """the rank (0..ranks-1) that owns each state of ``a``"""
    if ranks == 1:
        return np.zeros(len(a), dtype=np.int64)
    return (state_hash(a) % np.uint64(ranks)).astype(np.int64)


def by_owner(a: np.ndarray, ranks: int) -> tuple[np.ndarray, np.ndarray]:
    """``a`` regrouped by owner (each group keeps a's order) and the group sizes"""
    own = owners(a, ranks)
    order = np.argsort(own, kind="stable")
    return a[order], np.bincount(own, minlength=ranks)
