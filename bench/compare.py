"""One table: SPIN against our back ends, measured interleaved in one run.

    python bench/compare.py                 # every row below (~10-20 min on a loaded 2-core machine)
    python bench/compare.py --quick         # the smaller rows only (a smoke test, ~1 min)
    python bench/compare.py --rows breaker-13,mailbox
    python bench/compare.py --gpu           # adds the vector back end on CuPy (bench/gpu_check.sh)

For every row (family and size), one process at a time and in this order:
our vector back end, SPIN without reduction (``spin -a``, ``gcc -O2
-DNOREDUCE -DSAFETY``, ``pan -E -m<states+1000> -w<bits>`` sized from our
count as bench/spin/compare.py does), our other back ends each in a fresh
subprocess (``dict``, ``compact``, ``vector+por`` where the family has
processes), then SPIN with its partial-order reduction.  Ours: ``checker.check(..., check_deadlock=False)``
and the CPU time of that call (imports excluded; the whole process's CPU is in
the JSON too); SPIN: the CPU time of ``pan`` alone and of spin -a + gcc + pan.
The distinct-state count of every unreduced run must equal SPIN's (exit 1
otherwise).  Ratios are states per CPU second against SPIN's pan from the same
row, so a slow moment of the shared machine hits both; the load average is
recorded before and after every row.  TLC: not run (tla2tools.jar is not
installable here: no TLA+ twins, Maven Central unreachable; see the results
file).

Writes ``bench/results/compare.md`` and ``compare.json`` (``--tag X``:
``compare-X.*``).
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "spin"))

import compare as spin_compare  # noqa: E402  (bench/spin/compare.py: SPIN runner, measurements)

# name -> spec, Promela twin, constants, which of our back ends to run
ROWS: dict[str, dict] = {
    "breaker-10": {"spec": "breaker_n.spec", "pml": "breaker.pml", "consts": {"N": 10}},
    "breaker-12": {"spec": "breaker_n.spec", "pml": "breaker.pml", "consts": {"N": 12},
                   "skip": ("dict",)},
    "breaker-13": {"spec": "breaker_n.spec", "pml": "breaker.pml", "consts": {"N": 13},
                   "skip": ("dict", "compact")},
    "balancer": {"spec": "balancer_n.spec", "pml": "balancer.pml", "consts": {"N": 7, "M": 3}},
    "config": {"spec": "config_n.spec", "pml": "config.pml",
               "consts": {"W": 3, "K": 3, "C": 2, "V": 10}, "por": True},
    "mailbox": {"spec": "mailbox_n.spec", "pml": "mailbox.pml", "consts": {"N": 4, "C": 2, "S": 3}},
    "pipeline": {"spec": "pipeline_n.spec", "pml": None, "consts": {"N": 6, "K": 3, "M": 8}, "por": True},
}
QUICK = {"breaker-q": {"spec": "breaker_n.spec", "pml": "breaker.pml", "consts": {"N": 7}},
         "mailbox-q": {"spec": "mailbox_n.spec", "pml": "mailbox.pml", "consts": {"N": 3, "C": 2, "S": 3}},
         "pipeline-q": {"spec": "pipeline_n.spec", "pml": None, "consts": {"N": 3, "K": 2, "M": 4},
                        "por": True}}

BACKENDS = {"dict": {}, "compact": {"store": "compact"}, "vector": {"backend": "vector"},
            "vector+por": {"por": True}, "gpu": {"backend": "vector", "gpu": True}}


def child(spec: str, consts: dict, opts: dict) -> None:
    """In a fresh process: one exhaustive run; JSON on stdout."""
    sys.path.insert(0, ROOT)
    import resource

    import numpy  # noqa: F401  (imported before the measurement, as the store's import)

    import checker
    import checker.explicit.engine  # noqa: F401
    import checker.run  # noqa: F401
    c0, w0 = time.process_time(), time.perf_counter()
    r = checker.check(os.path.join(HERE, spec), consts=consts, engine="explicit", check_deadlock=False,
                      **opts)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    ex = r.stats.extra
    print(json.dumps({"states": r.stats.states, "transitions": r.stats.transitions,
                      "depth": r.stats.depth, "cpu": cpu, "wall": wall,
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "store_bytes": ex.get("store_bytes"), "scalar_chunks": ex.get("scalar_chunks"),
                      "vector_chunks": ex.get("vector_chunks"),
                      "por_reduced_states": ex.get("por_reduced_states"),
                      "notes": [n for n in r.notes if "vector" in n or "partial-order" in n],
                      "verdicts": {p.name: p.verdict.value for p in r.properties}}))


def run_ours(row: dict, backend: str) -> dict:
    r = spin_compare.run_measured([sys.executable, os.path.abspath(__file__), "--child", row["spec"],
                                   json.dumps(row["consts"]), json.dumps(BACKENDS[backend])])
    spin_compare.check_rc(r)
    d = json.loads(r["out"].strip().splitlines()[-1])
    bad = {k: v for k, v in d["verdicts"].items() if v != "holds"}
    if bad:
        raise RuntimeError(f"{row['spec']} {row['consts']}: not every invariant holds: {bad}")
    d["process_cpu"] = r["cpu"]
    d["process_wall"] = r["wall"]
    return d


def run_row(name: str, row: dict, backends: list[str], work: str) -> dict:
    """ours vector first (its state count sizes pan's -m and -w as in
    bench/spin/compare.py), then SPIN, then our other back ends, then SPIN
    with its POR"""
    out = {"row": name, "spec": row["spec"], "consts": row["consts"], "load_before": os.getloadavg()[0]}
    order = ["vector", "spin"] + [b for b in backends if b != "vector"] + ["spin_por"]
    expect = None
    for b in order:
        if b in ("spin", "spin_por"):
            if not row["pml"]:
                continue
            print(f"  {name}: {b}", flush=True)
            s = spin_compare.run_spin(os.path.join(HERE, "spin", row["pml"]), row["consts"],
                                      reduce=b == "spin_por", workdir=work, expect_states=expect)
            keys = ("states", "transitions", "depth", "pan_cpu", "pan_wall", "total_cpu", "peak", "state_vector")
            out[b] = {k: s[k] for k in keys}
            if b == "spin" and s["states"] != expect:
                raise SystemExit(f"{name}: SPIN {s['states']} states, ours {expect}")
            continue
        if b in row.get("skip", ()) or (b == "vector+por" and not row.get("por")):
            continue
        print(f"  {name}: {b}", flush=True)
        d = run_ours(row, b)
        if b != "vector+por" and expect is not None and d["states"] != expect:
            raise SystemExit(f"{name} {b}: {d['states']} states, expected {expect}")
        if expect is None:
            expect = d["states"]
        out[b] = d
    out["load_after"] = os.getloadavg()[0]
    return out


def fmt(x, nd=2):
    if x is None:
        return "-"
    if isinstance(x, int) or (isinstance(x, float) and x >= 1000):
        return f"{x:,.0f}"
    return f"{x:.{nd}f}"


def table(results: list[dict], backends: list[str]) -> str:
    head = ("| row | constants | runner | states | CPU s | states/s (CPU) | vs SPIN pan | "
            "peak RSS MB | bytes/state (RSS) | store B/state |")
    lines = [head, "|" + "---|" * 10]
    for r in results:
        consts = " ".join(f"{k}={v}" for k, v in r["consts"].items())
        spin = r.get("spin")
        base = spin["states"] / spin["pan_cpu"] if spin and spin["pan_cpu"] else None
        runs = []
        if spin:
            runs.append(("SPIN pan (-DNOREDUCE)", spin["states"], spin["pan_cpu"], spin["peak"], None))
            runs.append(("SPIN spin -a + gcc + pan", spin["states"], spin["total_cpu"], spin["peak"], None))
        for b in backends:
            if b in r:
                d = r[b]
                runs.append((f"ours {b}", d["states"], d["cpu"], d["peak"],
                             d["store_bytes"] / d["states"] if d.get("store_bytes") else None))
        if "spin_por" in r:
            p = r["spin_por"]
            runs.append(("SPIN pan with its POR", p["states"], p["pan_cpu"], p["peak"], None))
        for label, states, cpu, peak, store in runs:
            rate = states / cpu if cpu else None
            ratio = f"{rate / base:.2f}x" if base and rate else "-"
            lines.append(f"| {r['row']} | {consts} | {label} | {fmt(states)} | {fmt(cpu)} | {fmt(rate)} | "
                         f"{ratio} | {fmt(peak / 2**20, 0)} | {fmt(peak / states, 0)} | {fmt(store, 1)} |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child(argv[1], json.loads(argv[2]), json.loads(argv[3]))
        return
    rows = QUICK if "--quick" in argv else ROWS
    if "--rows" in argv:
        pick = argv[argv.index("--rows") + 1].split(",")
        rows = {k: v for k, v in {**ROWS, **QUICK}.items() if k in pick}
    tag = argv[argv.index("--tag") + 1] if "--tag" in argv else ("quick" if "--quick" in argv else "")
    backends = ["dict", "compact", "vector", "vector+por"] + (["gpu"] if "--gpu" in argv else [])
    results = []
    t0 = time.time()
    name = "compare" + (f"-{tag}" if tag else "")
    with tempfile.TemporaryDirectory() as work:
        for rname, row in rows.items():
            results.append(run_row(rname, row, backends, work))
            with open(os.path.join(HERE, "results", name + ".partial.json"), "w") as f:
                json.dump(results, f, indent=1)      # (a long run interrupted keeps its rows)
    versions = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
    meta = {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "spin": versions,
            "minutes": round((time.time() - t0) / 60, 1)}
    with open(os.path.join(HERE, "results", name + ".json"), "w") as f:
        json.dump({"meta": meta, "rows": results}, f, indent=1)
    loads = ", ".join(f"{r['row']} {r['load_before']:.1f}->{r['load_after']:.1f}" for r in results)
    text = (f"# SPIN and our back ends, one run ({meta['date']})\n\n"
            f"`python bench/compare.py{' ' + ' '.join(argv) if argv else ''}` on {meta['machine']}, "
            f"{meta['cpus']} CPUs shared with other users; Python {meta['python']}; {versions}; "
            f"{meta['minutes']} min.\n\nLoad average (1 min) before -> after each row: {loads}.\n\n"
            "CPU s: ours, the CPU time of the `checker.check` call (imports excluded); SPIN, of `pan` "
            "alone (second line: spin -a + gcc + pan).  states/s = states per CPU second; "
            "\"vs SPIN pan\" = that rate over SPIN pan's in the same row.  bytes/state (RSS) = "
            "peak RSS of the process / states; store B/state = the compact store's arrays / states.  "
            "TLC: not run (no tla2tools.jar here: Maven Central is not reachable and no TLA+ twins "
            "of the families exist).\n\n" + table(results, backends) + "\n")
    with open(os.path.join(HERE, "results", name + ".md"), "w") as f:
        f.write(text)
    os.remove(os.path.join(HERE, "results", name + ".partial.json"))
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
