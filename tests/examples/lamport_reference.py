"""LamportMutex.tla (tlaplus/Examples specifications/lamport_mutex) as a
plain breadth-first search written directly from the TLA+ actions, with
TLC's CONSTRAINT semantics (a successor outside ClockConstraint is neither
stored nor counted).  It shares no code with the checker: it is the second
opinion for examples/tlaplus/lamportmutex.spec at configurations small enough
for the default tier.  At TLC's configuration (N = 3, maxClock = 6) it finds
TLC's 724,274 states and depth 61 in about 20 s of CPU."""
from __future__ import annotations


def _put(t: tuple, i: int, v) -> tuple:
    return t[:i] + (v,) + t[i + 1:]


def _put2(t: tuple, i: int, j: int, v) -> tuple:
    return _put(t, i, _put(t[i], j, v))


def _successors(state: tuple, n: int) -> list[tuple]:
    """Next, state = (clock, req, ack, network, crit), processes 0..n-1
    (the TLA+ ids are 1..n: only their order matters, in beats)."""
    clock, req, ack, net, crit = state
    procs = range(n)
    out = []
    for p in procs:
        if req[p][p] == 0:                                  # Request(p)
            nw = net
            for r in procs:
                if r != p:
                    nw = _put2(nw, p, r, nw[p][r] + (("req", clock[p]),))
            out.append((clock, _put2(req, p, p, clock[p]), _put(ack, p, frozenset({p})), nw, crit))
        beats = all(req[p][q] == 0 or req[p][p] < req[p][q] or (req[p][p] == req[p][q] and p < q)
                    for q in procs if q != p)
        if ack[p] == frozenset(procs) and beats:            # Enter(p)
            out.append((clock, req, ack, net, crit | {p}))
        if p in crit:                                       # Exit(p)
            nw = net
            for r in procs:
                if r != p:
                    nw = _put2(nw, p, r, nw[p][r] + (("rel", 0),))
            out.append((clock, _put2(req, p, p, 0), _put(ack, p, frozenset()), nw, crit - {p}))
        for q in procs:                                     # Receive*(p, q)
            channel = net[q][p]
            if q == p or not channel:
                continue
            kind, c = channel[0]
            nw = _put2(net, q, p, channel[1:])
            if kind == "req":
                nw = _put2(nw, p, q, nw[p][q] + (("ack", 0),))
                tick = c + 1 if c > clock[p] else clock[p] + 1
                out.append((_put(clock, p, tick), _put2(req, p, q, c), ack, nw, crit))
            elif kind == "ack":
                out.append((clock, req, _put(ack, p, ack[p] | {q}), nw, crit))
            else:
                out.append((clock, _put2(req, p, q, 0), ack, nw, crit))
    return out


def tlc_figures(n: int, max_clock: int) -> tuple[int, int]:
    """(distinct states, depth with the initial states at depth 1), and
    asserts BoundedNetwork and Mutex on every generated state."""
    procs = range(n)
    init = (tuple(1 for _ in procs), tuple(tuple(0 for _ in procs) for _ in procs),
            tuple(frozenset() for _ in procs), tuple(tuple(() for _ in procs) for _ in procs), frozenset())
    seen = {init}
    frontier = [init]
    depth = 1
    while frontier:
        new = []
        for s in frontier:
            for t in _successors(s, n):
                assert all(len(ch) <= 3 for row in t[3] for ch in row)   # BoundedNetwork
                assert len(t[4]) <= 1                                     # Mutex
                if all(c <= max_clock for c in t[0]) and t not in seen:   # ClockConstraint
                    seen.add(t)
                    new.append(t)
        if new:
            depth += 1
        frontier = new
    return len(seen), depth
