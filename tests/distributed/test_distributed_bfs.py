"""The distributed search under ``mpiexec -n 2`` and ``-n 4`` (oversubscribed)
gives exactly what the single-process engine gives.

Against the single-process compact store: every verdict, every trace step
for step (the distributed search picks the same smallest violating state and
the same first parent in sorted order), and the states, transitions and
depth -- also where every property is decided mid-level and both stop early.  Against the default dict store: verdicts and
counterexample lengths (its traces may differ: it picks by insertion order).

Each mpiexec call checks several files at once (one job start each: starting
ranks dominates the time on small specs)."""
from __future__ import annotations

import pytest

from .mpi_run import local_verify, mpi_verify, require_mpi

# the specs of spec/ checked below without temporal properties (--distributed
# refuses those; test_refusals) and with their default constants
SAFETY_SPECS = ["spec/balancer.spec", "spec/client.spec", "spec/system.spec",
                "spec/breaker_concurrent.spec"]
BREAKER_SAFETY = ("open_only_after_consecutive_failures,failure_count_within_threshold,"
                  "closed_below_threshold,half_open_single_trial,half_open_only_after_timeout,"
                  "closed_only_by_successful_trial,failed_trial_reopens,calls_always_return,"
                  "typeok,deadlock")

CASES = {
    # the bench families (small constants) and their symmetric variants
    "breaker_n": ["bench/breaker_n.spec", "bench/breaker_n_sym.spec", "--const", "N=5"],
    "balancer_n": ["bench/balancer_n.spec", "bench/balancer_n_sym.spec", "--const", "N=3",
                   "--const", "M=2"],
    "config_n": ["bench/config_n.spec", "--const", "W=2", "--const", "K=2", "--const", "C=1",
                 "--const", "V=3"],
    # every property decided in the middle of a wide level (depth 9, thousands of
    # states): the single-process compact store stops after the deciding chunk
    "trip": ["tests/distributed/specs/breaker_trip.spec", "--const", "N=8",
             "--property", "never_tripped,never_half_open"],
    # a catalog subset: violations (traces of 2 to 14 steps), deadlocks, symmetry (orders)
    "catalog": SAFETY_SPECS,
    "breaker": ["spec/breaker.spec", "--property", BREAKER_SAFETY],
    # states of 125 bits: wide byte-string states in the store, the hash and the exchange;
    # violations and a reachability witness
    "wide": ["spec/tracing.spec", "--property",
             "spans_properly_nested,spans_keep_request_trace_id,trace_id_crosses_service_boundary,"
             "errors_recorded_in_trace,spans_closed_when_done,both_in_flight,typeok,deadlock"],
    "orders": ["spec/orders.spec", "--property",
               "order_service_available,payment_failure_contained,order_created,typeok,deadlock"],
}


def _props(result: dict) -> dict:
    return {p["name"]: p for p in result["properties"]}


def _steps(p: dict):
    t = p.get("trace")
    return None if t is None else [(s["action"], s["args"], s["state"]) for s in t["steps"]]


def compare(dist: dict, single: dict, exact_traces: bool) -> None:
    assert len(dist["results"]) == len(single["results"])
    for d, s in zip(dist["results"], single["results"]):
        assert d["file"] == s["file"]
        assert d["verdict"] == s["verdict"], d["file"]
        assert d["exhaustive"] == s["exhaustive"], d["file"]
        if s["exhaustive"] or exact_traces:   # (a bounded compact run stops where this one does)
            for key in ("states", "transitions", "depth"):
                assert d["stats"][key] == s["stats"][key], (d["file"], key)
        dp, sp = _props(d), _props(s)
        assert list(dp) == list(sp)
        for name in sp:
            assert dp[name]["verdict"] == sp[name]["verdict"], (d["file"], name)
            assert (dp[name]["trace"] or {}).get("length") == (sp[name]["trace"] or {}).get("length"), \
                (d["file"], name)
            if exact_traces:
                assert _steps(dp[name]) == _steps(sp[name]), (d["file"], name)


@pytest.fixture(scope="module")
def singles():
    """single-process results per case: compact store and dict store"""
    out = {}
    for case, args in CASES.items():
        out[case] = (local_verify(args + ["--store", "compact"]), local_verify(args))
    return out


# 4 ranks (oversubscribed on 2 cores) on a subset: each job start costs seconds here
RUNS = [(case, 2) for case in CASES] + [(case, 4) for case in ("breaker_n", "trip", "catalog", "breaker")]


@pytest.mark.parametrize("case,ranks", RUNS)
def test_same_as_single_process(case, ranks, singles):
    require_mpi()
    code, doc, err = mpi_verify(ranks, CASES[case] + ["--distributed"])
    assert doc is not None, err
    (c_code, compact), (d_code, dict_store) = singles[case]
    assert code == c_code == d_code, err
    compare(doc, compact, exact_traces=True)
    compare(doc, dict_store, exact_traces=False)
    # the report says how it was obtained, and every rank contributed
    facts = doc["results"][0]["stats"]["extra"]["distributed"]
    assert facts["ranks"] == ranks
    if doc["results"][0]["exhaustive"] and doc["results"][0]["stats"]["states"] > 100:
        assert all(n > 0 for n in facts["states_per_rank"])
        assert facts["sent_states"] > 0
    if case == "breaker":
        document_findings(_props(doc["results"][0]))


def document_findings(props: dict) -> None:
    """the document's breaker: the lengths pinned in README's table"""
    assert props["open_only_after_consecutive_failures"]["trace"]["length"] == 4
    assert props["failure_count_within_threshold"]["trace"]["length"] == 6
    assert props["deadlock"]["trace"]["length"] == 6
    assert props["calls_always_return"]["verdict"] == "violated"


@pytest.mark.parametrize("ranks", [2, 4])
def test_breaker_n_10(ranks):
    """the issue's acceptance run: the single-process counts (pinned: both
    single-process stores give them) and verdicts"""
    require_mpi()
    code, doc, err = mpi_verify(ranks, ["bench/breaker_n.spec", "--const", "N=10", "--distributed"])
    assert code == 0, err
    r = doc["results"][0]
    assert r["exhaustive"]
    assert (r["stats"]["states"], r["stats"]["transitions"], r["stats"]["depth"]) == (410_271, 4_473_615, 19)
    assert {p["name"]: p["verdict"] for p in r["properties"]} == {
        "open_means_tripped": "holds", "timer_only_when_open": "holds", "outcome_matches_pc": "holds",
        "typeok": "holds", "deadlock": "holds"}
