"""Catalog entries for compound values: sets of sets, records and tuples
holding sets, maps keyed by sets, sequences of tuples of sets
(checker/lang/records_sets.py).  Kept apart from catalog.py so the two
files change independently; catalog.py appends COMPOUND to CATALOG.

The explicit verdicts and counts were checked by hand (see the comment at
the top of each spec); the symbolic ones were recorded from the engines
under the catalog's deterministic Z3 resource limit and checked against the
explicit engine's exhaustive verdicts.  Record and set arguments of action
labels are their numbers here (decide(3) is decide({phase: Open, voters:
{1, 2}})): run.py relabels them for reports."""
from __future__ import annotations

from catalog import Entry, H, P, U, V, _own

COMPOUND: list[Entry] = [
    Entry(_own("compound_votes.spec"), states=11, depth=6, max_k=4, props={
        "decided_quorums": P(H, U, H, H, k=1),
        "closed_decided": P(H, U, H, H, k=1),
        "voters_known": P(H, U, H, H, k=1),
        "nothing_decided": P(V, V, V, V, length=3, last="decide(3)"),
        "both_closed": P(H, H, H, H, length=3, last="decide(3)"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, U, H),
    }),
    # bmc stops early on `echo` (depth 7 of 10) when a query reaches the resource limit
    Entry(_own("compound_channels.spec"), states=1352, depth=10, max_k=4, props={
        "echo": P(H, U, U, H),  # kind: not 4-inductive alone (PDR proves it with the others)
        "kinds": P(H, U, H, H, k=1),
        "never_both": P(V, V, V, V, length=3, last="receive"),
        "all_acked": P(H, H, U, U, length=9, last="ack"),
        "typeok": P(H, U, H, H, k=1),
        "deadlock": P(H, U, H, H, k=1),
    }),
]
