"""Packed states as a list of uint64 word arrays (word 0 = the lowest 64 bits)
and the conversions from/to the compact store's arrays (uint64 for at most
64 bits, big-endian ``V<n>`` byte strings for wider states)."""
from __future__ import annotations

import numpy as np


def word_count(bits: int) -> int:
    return max(1, (bits + 63) // 64)


def to_words(codec, a: np.ndarray, xp=np) -> list:
    if not codec.wide:
        return [xp.asarray(a)]
    n, nw = codec.nbytes, word_count(codec.bits)
    raw = np.frombuffer(a.tobytes(), dtype=np.uint8).reshape(-1, n)
    pad = np.zeros((len(a), 8 * nw), dtype=np.uint8)
    pad[:, 8 * nw - n:] = raw
    be = pad.view(">u8")                       # (m, nw), most significant word first
    return [xp.asarray(be[:, nw - 1 - j].astype(np.uint64)) for j in range(nw)]


def from_words(codec, ws: list, xp=np) -> np.ndarray:
    if not codec.wide:
        return ws[0]
    n, nw = codec.nbytes, len(ws)
    m = len(ws[0])
    be = np.empty((m, nw), dtype=">u8")
    for j, w in enumerate(ws):
        be[:, nw - 1 - j] = w if xp is np else xp.asnumpy(w)
    raw = be.view(np.uint8).reshape(m, 8 * nw)[:, 8 * nw - n:]
    return np.ascontiguousarray(raw).view(codec.dtype).reshape(m)


def read_bits(ws: list, off: int, width: int, xp=np):
    """the ``width`` (< 64) bits at ``off`` of every state, as uint64"""
    j, sh = off >> 6, off & 63
    mask = xp.uint64((1 << width) - 1)
    x = ws[j] >> xp.uint64(sh) if sh else ws[j]
    if sh + width > 64:
        x = x | (ws[j + 1] << xp.uint64(64 - sh))
    return x & mask


def put_bits(acc: dict, bits, off: int, width: int, xp=np) -> None:
    """OR ``bits`` (uint64 array or int, < 2**width) into the words of ``acc``
    (word index -> array or int) at ``off``"""
    j, sh = off >> 6, off & 63
    lo = (bits << xp.uint64(sh)) if sh else bits
    if not isinstance(bits, int):
        acc[j] = acc.get(j, 0) | lo
    else:
        acc[j] = acc.get(j, 0) | ((bits << sh) & 0xFFFFFFFFFFFFFFFF)
    if sh + width > 64:
        hi = bits >> (64 - sh) if isinstance(bits, int) else bits >> xp.uint64(64 - sh)
        acc[j + 1] = acc.get(j + 1, 0) | hi


def clear_masks(fields, nw: int) -> list[int]:
    """per word, the bits NOT covered by ``fields`` ((off, width) pairs)"""
    keep = [0xFFFFFFFFFFFFFFFF] * nw
    for off, width in fields:
        m = ((1 << width) - 1) << off
        for j in range(nw):
            keep[j] &= ~((m >> (64 * j)) & 0xFFFFFFFFFFFFFFFF) & 0xFFFFFFFFFFFFFFFF
    return keep
