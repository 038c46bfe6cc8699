"""Helpers the generated code calls on its cold paths (and the error type).

A runtime error inside a step raises :class:`StepError` with
``(code, snapshot, values)``: ``code`` indexes the compiler's error table,
``snapshot`` is the packed state as updated so far (None outside a step),
``values`` are the runtime values the message mentions.
"""
from __future__ import annotations


class StepError(Exception):
    pass


class Full(Exception):
    """Raised by the generated search code when --max-states is reached."""


def _E(code, n, *vals):
    raise StepError(code, n, vals)


def _hd(q, c, n):
    if q:
        return q[0]
    raise StepError(c, n, ())


def _tl(q, c, n):
    if q:
        return q[1:]
    raise StepError(c, n, ())


def _push(q, x, cap, c, n):
    if len(q) < cap:
        return q + (x,)
    raise StepError(c, n, (len(q),))


def _si(q, i, c, n):
    if 0 <= i < len(q):
        return q[i]
    raise StepError(c, n, (i, len(q)))


def _sup(q, i, v, c, n):
    if 0 <= i < len(q):
        return q[:i] + (v,) + q[i + 1:]
    raise StepError(c, n, (i, len(q)))


def _ki(k, lo, hi, c, n):
    if lo <= k <= hi:
        return k - lo
    raise StepError(c, n, (k,))


def _div(a, b, c, n):
    if b:
        return a // b
    raise StepError(c, n, ())


def _mod(a, b, c, n):
    if b:
        return a % b
    raise StepError(c, n, ())


def _sadd(s, x, lo, hi, c, n):
    if lo is None or lo <= x <= hi:
        return s | frozenset((x,))
    raise StepError(c, n, (x,))


def _srem(s, x, lo, hi, c, n):
    if lo is None or lo <= x <= hi:
        return s - frozenset((x,))
    raise StepError(c, n, (x,))


def _badd(s, x, lo, hi, c, n):
    """set_add on an integer bitmask set (bit x + 16, as layout.SET_BIAS)"""
    if lo <= x <= hi:
        return s | (1 << (x + 16))
    raise StepError(c, n, (x,))


def _brem(s, x, lo, hi, c, n):
    if lo <= x <= hi:
        return s & ~(1 << (x + 16))
    raise StepError(c, n, (x,))


def _mup(m, i, v):
    lst = list(m)
    lst[i] = v
    return tuple(lst)


def _bits(mask):
    """indices of the set bits, ascending"""
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return out


NAMES = {
    "StepError": StepError, "Full": Full, "_E": _E, "_hd": _hd, "_tl": _tl, "_push": _push,
    "_si": _si, "_sup": _sup, "_ki": _ki, "_div": _div, "_mod": _mod, "_sadd": _sadd,
    "_srem": _srem, "_badd": _badd, "_brem": _brem, "_mup": _mup, "_bits": _bits,
}
