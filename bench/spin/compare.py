"""The explicit engine against SPIN on three benchmark families.

Each family is a spec (bench/*.spec) and its Promela twin (bench/spin/*.pml),
written so that SPIN's "states, stored" under -DNOREDUCE equals our number of
distinct states; this script checks that they are equal for every size it
runs.  Per family and size, in one run, one process at a time:

* ours: the explicit engine in a fresh subprocess (checker.check with
  check_deadlock=False), so that its peak RSS belongs to that run alone;
* SPIN without reduction: ``spin -a -D<CONST>=<v> model.pml``,
  ``gcc -O2 -DNOREDUCE -DSAFETY -o pan pan.c``, ``./pan -E -m<d> -w<b>``
  (exhaustive storage; -m and -w sized from our state count, see pan_sizes;
  -E: no deadlock check, as we pass check_deadlock=False); its time INCLUDES
  spin -a and the C compile;
* SPIN with its default partial-order reduction (the same without -DNOREDUCE).

It prints and writes (bench/results/): distinct states (ours, SPIN's, equal?),
transitions (ours: successors generated; SPIN: stored+matched, which counts
the initial state once more), wall and CPU time, states/s, peak RSS and
bytes/state, and the ratio ours/SPIN in states/s; then a scale curve per family
(time and memory against states, microseconds per transition).

    python bench/spin/compare.py                    # every family, every size
    python bench/spin/compare.py breaker config     # some families
    python bench/spin/compare.py --largest          # only the largest size of each
    python bench/spin/compare.py --largest --tag X  # ... written to results/spin-compare-X.*
                                                    # (ours three times: reference dict store,
                                                    # --store compact, compact with --workers 2)
    python bench/spin/compare.py --profile balancer # cProfile of ours at the largest size
    python bench/spin/compare.py --profile config --store compact   # ... with the compact store
    python bench/spin/compare.py --levels breaker N=4   # BFS level sizes, ours vs spin -DBFS
                                                    # (to find the first depth where models differ)

Needs ``spin`` and ``gcc`` on PATH (Debian: apt-get install spin); SPIN is not
a project dependency.
"""
from __future__ import annotations

import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
RESULTS = os.path.join(BENCH, "results")
PAN_DEPTH_FALLBACK = 10_000_000


def pan_sizes(states: int) -> tuple[int, int]:
    """-m and -w for pan, from our state count.

    -m: a DFS stack never holds more states than are stored, so states + 1000
    is enough (pan says "max search depth too small" otherwise, and we rerun
    with -m10000000); a fixed -m10000000 costs 460 MB of stack and ~0.5 s of
    page faults on every run, which would swamp the small sizes.  -w: the hash
    table has at least twice as many slots as there are states (2^18..2^26).
    """
    return states + 1000, min(26, max(18, math.ceil(math.log2(max(states, 1))) + 1))

# family -> spec, Promela model, sizes (smallest first; the last is the largest)
FAMILIES: dict[str, dict] = {
    "breaker": {
        "spec": os.path.join(BENCH, "breaker_n.spec"),
        "pml": os.path.join(HERE, "breaker.pml"),
        "sizes": [{"N": n} for n in range(2, 11)],
    },
    "config": {
        "spec": os.path.join(BENCH, "config_n.spec"),
        "pml": os.path.join(HERE, "config.pml"),
        "sizes": [{"W": w, "K": k, "C": 2, "V": 10} for w, k in
                  [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 2), (3, 3)]],
    },
    "balancer": {
        "spec": os.path.join(BENCH, "balancer_n.spec"),
        "pml": os.path.join(HERE, "balancer.pml"),
        "sizes": [{"N": n, "M": m} for n, m in
                  [(3, 2), (4, 2), (5, 2), (4, 3), (5, 3), (6, 3), (7, 3)]],
    },
}


def size_label(consts: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in consts.items())


# ---------------------------------------------------------------- processes

def run_measured(cmd: list[str], cwd: str | None = None) -> dict:
    """Run cmd to completion; wall time, CPU time (user+sys) and peak RSS of that child alone."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # read before waiting so a chatty child cannot block on a full pipe
    out, err = p.stdout.read(), p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"cmd": cmd, "rc": p.returncode, "out": out, "err": err, "wall": wall,
            "cpu": ru.ru_utime + ru.ru_stime, "maxrss": ru.ru_maxrss * 1024}


def check_rc(r: dict) -> dict:
    if r["rc"] != 0:
        raise RuntimeError(f"{' '.join(r['cmd'])} exited {r['rc']}:\n{r['out'][-2000:]}\n{r['err'][-2000:]}")
    return r


# ---------------------------------------------------------------- ours

VARIANTS = {                       # our extra columns: name -> engine options
    "compact": {"store": "compact"},
    "compact_w2": {"store": "compact", "workers": 2},
}


def ours_child(family: str, consts: dict, opts: dict | None = None) -> None:
    """In the fresh subprocess: one exhaustive run; JSON on stdout.  CPU
    includes worker processes (joined before check() returns)."""
    import resource

    sys.path.insert(0, ROOT)
    import checker

    import checker.engines  # noqa: F401  (imported here so that the CPU time below excludes imports)
    import checker.explicit.engine  # noqa: F401
    import checker.run  # noqa: F401

    import numpy  # noqa: F401  (the compact store's; imported before the baseline for every variant)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = os.times()
    c0, w0 = time.process_time(), time.perf_counter()
    r = checker.check(FAMILIES[family]["spec"], consts=consts, engine="explicit", check_deadlock=False,
                      **(opts or {}))
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    t1 = os.times()
    cpu += (t1.children_user + t1.children_system) - (t0.children_user + t0.children_system)
    verdicts = {p.name: p.verdict.value for p in r.properties}
    print(json.dumps({"states": r.stats.states, "transitions": r.stats.transitions,
                      "depth": r.stats.depth, "seconds": r.stats.seconds, "cpu": cpu, "check_wall": wall,
                      "peak": r.stats.peak_memory_bytes, "rss_before": rss0,
                      "compile_seconds": r.stats.extra.get("compile_seconds"),
                      "search_seconds": r.stats.extra.get("search_seconds"),
                      "verdicts": verdicts}))


def run_ours(family: str, consts: dict, opts: dict | None = None) -> dict:
    r = check_rc(run_measured([sys.executable, os.path.abspath(__file__), "--ours-child", family,
                               json.dumps(consts), json.dumps(opts or {})]))
    d = json.loads(r["out"].strip().splitlines()[-1])
    bad = {k: v for k, v in d["verdicts"].items() if v != "holds"}
    if bad:
        raise RuntimeError(f"{family} {size_label(consts)}: not every invariant holds: {bad}")
    d["process_wall"] = r["wall"]
    d["process_maxrss"] = r["maxrss"]
    return d


# ---------------------------------------------------------------- SPIN

def parse_pan(out: str) -> dict:
    def num(pattern: str) -> float | None:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else None

    errors = num(r"errors:\s*(\d+)")
    d = {"states": num(r"([\d.e+]+) states, stored"),
         "matched": num(r"([\d.e+]+) states, matched"),
         "transitions": num(r"([\d.e+]+) transitions \(= stored\+matched\)"),
         "depth": num(r"depth reached (\d+)"),
         "errors": errors,
         "pan_seconds": num(r"pan: elapsed time ([\d.e+]+)"),
         "state_vector": num(r"State-vector (\d+) byte"),
         "spin_mem_mb": num(r"([\d.]+)\s+total actual memory usage"),
         "spin_states_mb": num(r"([\d.]+)\s+actual memory usage for states")}
    if d["states"] is None or errors is None:
        raise RuntimeError("cannot parse pan output:\n" + out[-3000:])
    if errors != 0 or "max search depth too small" in out:
        raise RuntimeError("pan reported errors or a truncated search:\n" + out[-3000:])
    for k in ("states", "matched", "transitions", "depth"):
        d[k] = int(d[k])
    return d


def run_spin(pml: str, consts: dict, reduce: bool, workdir: str, bfs_depth: int | None = None,
             expect_states: int = PAN_DEPTH_FALLBACK) -> dict:
    """spin -a, gcc, pan in workdir; times of each phase and their sum."""
    for f in os.listdir(workdir):
        os.remove(os.path.join(workdir, f))
    model = os.path.join(workdir, "model.pml")
    shutil.copy(pml, model)
    defs = [f"-D{k}={v}" for k, v in consts.items()]
    if bfs_depth:
        defs.append("-DSCRATCH=")      # -DBFS refuses hidden variables; see the models
    a = check_rc(run_measured(["spin", "-a", *defs, "model.pml"], cwd=workdir))
    flags = ["-O2", "-DSAFETY"] + ([] if reduce else ["-DNOREDUCE"]) + (["-DBFS"] if bfs_depth else [])
    cc = check_rc(run_measured(["gcc", *flags, "-o", "pan", "pan.c"], cwd=workdir))
    if bfs_depth:
        pan = check_rc(run_measured(["./pan", "-E", f"-m{bfs_depth}"], cwd=workdir))
        m = re.search(r"([\d.e+]+) states, stored", pan["out"])
        return {"states": int(float(m.group(1)))}
    depth, hash_bits = pan_sizes(expect_states)
    pan_args = ["./pan", "-E", f"-m{depth}", f"-w{hash_bits}"]
    pan = check_rc(run_measured(pan_args, cwd=workdir))
    if "max search depth too small" in pan["out"]:
        pan_args[2] = f"-m{PAN_DEPTH_FALLBACK}"
        pan = check_rc(run_measured(pan_args, cwd=workdir))
    d = parse_pan(pan["out"])
    d.update({"spin_a_wall": a["wall"], "gcc_wall": cc["wall"], "pan_wall": pan["wall"],
              "total_wall": a["wall"] + cc["wall"] + pan["wall"],
              "total_cpu": a["cpu"] + cc["cpu"] + pan["cpu"], "pan_cpu": pan["cpu"],
              "peak": pan["maxrss"], "flags": " ".join(flags), "pan_args": " ".join(pan_args[1:])})
    return d


# ---------------------------------------------------------------- report

def machine() -> dict:
    spin_v = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
    gcc_v = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(),
            "cpu": cpu, "python": platform.python_version(), "spin": spin_v, "gcc": gcc_v,
            "load": os.getloadavg()}


def rate(states: int, seconds: float) -> float:
    return states / seconds if seconds else float("nan")


def row_of(family: str, consts: dict, ours: dict, spin: dict, por: dict) -> dict:
    o_rate = rate(ours["states"], ours["seconds"])
    s_rate = rate(spin["states"], spin["total_wall"])
    s_rate_pan = rate(spin["states"], spin["pan_wall"])
    o_rate_cpu = rate(ours["states"], ours["cpu"])
    s_rate_cpu = rate(spin["states"], spin["total_cpu"])
    return {
        "family": family, "size": size_label(consts),
        "ours_states": ours["states"], "spin_states": spin["states"],
        "equal": ours["states"] == spin["states"],
        "ours_transitions": ours["transitions"], "spin_transitions": spin["transitions"],
        "ours_depth": ours["depth"], "spin_dfs_depth": spin["depth"],
        "ours_s": round(ours["seconds"], 3), "ours_cpu_s": round(ours["cpu"], 3),
        "ours_compile_s": round(ours["compile_seconds"] or 0.0, 3),
        "ours_check_wall_s": round(ours["check_wall"], 3), "ours_process_s": round(ours["process_wall"], 3),
        "spin_total_s": round(spin["total_wall"], 3), "spin_total_cpu_s": round(spin["total_cpu"], 3),
        "spin_a_s": round(spin["spin_a_wall"], 3), "spin_gcc_s": round(spin["gcc_wall"], 3),
        "spin_pan_s": round(spin["pan_wall"], 3),
        "ours_states_per_s": round(o_rate), "spin_states_per_s": round(s_rate),
        "spin_pan_states_per_s": round(s_rate_pan),
        "ratio": round(o_rate / s_rate, 4), "ratio_vs_pan_only": round(o_rate / s_rate_pan, 4),
        "ours_cpu_states_per_s": round(o_rate_cpu), "spin_cpu_states_per_s": round(s_rate_cpu),
        "ratio_cpu": round(o_rate_cpu / s_rate_cpu, 4),
        "spin_pan_cpu_s": round(spin["pan_cpu"], 3), "pan_args": spin["pan_args"],
        "ours_peak_bytes": ours["peak"], "ours_rss_before_bytes": ours["rss_before"],
        "ours_bytes_per_state": round(ours["peak"] / ours["states"], 1),
        "ours_net_bytes_per_state": round((ours["peak"] - ours["rss_before"]) / ours["states"], 1),
        "spin_peak_bytes": spin["peak"], "spin_bytes_per_state": round(spin["peak"] / spin["states"], 1),
        "spin_state_vector": spin["state_vector"],
        "spin_reported_mb": spin["spin_mem_mb"],
        "por_states": por["states"], "por_transitions": por["transitions"],
        "por_total_s": round(por["total_wall"], 3), "por_pan_s": round(por["pan_wall"], 3),
        **variant_cols(ours.get("variants", {}), s_rate, s_rate_cpu),
    }


def variant_cols(variants: dict, s_rate: float, s_rate_cpu: float) -> dict:
    cols = {}
    for name, d in variants.items():
        rt, rc = rate(d["states"], d["seconds"]), rate(d["states"], d["cpu"])
        cols.update({
            f"{name}_states": d["states"], f"{name}_transitions": d["transitions"],
            f"{name}_s": round(d["seconds"], 3), f"{name}_cpu_s": round(d["cpu"], 3),
            f"{name}_states_per_s": round(rt), f"{name}_ratio": round(rt / s_rate, 4),
            f"{name}_ratio_cpu": round(rc / s_rate_cpu, 4), f"{name}_peak_bytes": d["peak"],
            f"{name}_net_bytes_per_state": round((d["peak"] - d["rss_before"]) / d["states"], 1),
        })
    return cols


def variants_table(rows: list[dict]) -> str:
    head = ("| family | size | store | states | time s (cpu, workers' included) | states/s "
            "| ratio ours/SPIN with compile | ratio by CPU time | peak RSS MB | net bytes/state |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(f"| {r['family']} | {r['size']} | dict (reference) | {fmt_int(r['ours_states'])} "
                     f"| {r['ours_s']:.2f} ({r['ours_cpu_s']:.2f}) | {fmt_int(r['ours_states_per_s'])} "
                     f"| {r['ratio']:.3f} | {r['ratio_cpu']:.3f} | {mb(r['ours_peak_bytes'])} "
                     f"| {r['ours_net_bytes_per_state']:,.0f} |")
        for name, opts in VARIANTS.items():
            if f"{name}_states" not in r:
                continue
            label = f"compact, {opts.get('workers', 1)} worker(s)"
            lines.append(f"| {r['family']} | {r['size']} | {label} | {fmt_int(r[name + '_states'])} "
                         f"| {r[name + '_s']:.2f} ({r[name + '_cpu_s']:.2f}) "
                         f"| {fmt_int(r[name + '_states_per_s'])} | {r[name + '_ratio']:.3f} "
                         f"| {r[name + '_ratio_cpu']:.3f} | {mb(r[name + '_peak_bytes'])} "
                         f"| {r[name + '_net_bytes_per_state']:,.0f} |")
    return "\n".join(lines)


def fmt_int(x) -> str:
    return f"{x:,}"


def mb(x) -> str:
    return f"{x / 2**20:,.1f}"


def main_table(rows: list[dict]) -> str:
    head = ("| family | size | our states | SPIN states | equal? | our transitions | SPIN transitions "
            "| our time s (cpu) | SPIN time s, with compile (spin -a + gcc + pan) | our states/s "
            "| SPIN states/s, with compile (pan only) | ratio ours/SPIN (vs pan only) | ratio by CPU time "
            "| our peak RSS MB | our bytes/state (net) | SPIN peak RSS MB | SPIN bytes/state |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['family']} | {r['size']} | {fmt_int(r['ours_states'])} | {fmt_int(r['spin_states'])} "
            f"| {'yes' if r['equal'] else '**NO**'} | {fmt_int(r['ours_transitions'])} "
            f"| {fmt_int(r['spin_transitions'])} | {r['ours_s']:.2f} ({r['ours_cpu_s']:.2f}) "
            f"| {r['spin_total_s']:.2f} ({r['spin_a_s']:.2f} + {r['spin_gcc_s']:.2f} + {r['spin_pan_s']:.2f}) "
            f"| {fmt_int(r['ours_states_per_s'])} | {fmt_int(r['spin_states_per_s'])} "
            f"({fmt_int(r['spin_pan_states_per_s'])}) | {r['ratio']:.3f} ({r['ratio_vs_pan_only']:.3f}) "
            f"| {r['ratio_cpu']:.3f} "
            f"| {mb(r['ours_peak_bytes'])} | {r['ours_bytes_per_state']:,.0f} "
            f"({r['ours_net_bytes_per_state']:,.0f}) | {mb(r['spin_peak_bytes'])} "
            f"| {r['spin_bytes_per_state']:,.0f} |")
    return "\n".join(lines)


def por_table(rows: list[dict]) -> str:
    lines = ["| family | size | states, no reduction | states, SPIN POR | transitions, SPIN POR "
             "| SPIN POR time s with compile (pan only) |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['family']} | {r['size']} | {fmt_int(r['spin_states'])} "
                     f"| {fmt_int(r['por_states'])} | {fmt_int(r['por_transitions'])} "
                     f"| {r['por_total_s']:.2f} ({r['por_pan_s']:.2f}) |")
    return "\n".join(lines)


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x; returns a, b, R^2."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def scale_section(family: str, rows: list[dict]) -> str:
    lines = [f"### {family}", "",
             "| size | states | transitions | our time s | µs/transition | µs/state | our peak RSS MB "
             "| our net bytes/state | SPIN time s (pan only) | SPIN peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {fmt_int(r['ours_states'])} | {fmt_int(r['ours_transitions'])} "
                     f"| {r['ours_s']:.2f} | {1e6 * r['ours_s'] / r['ours_transitions']:.2f} "
                     f"| {1e6 * r['ours_s'] / r['ours_states']:.2f} | {mb(r['ours_peak_bytes'])} "
                     f"| {r['ours_net_bytes_per_state']:,.0f} | {r['spin_pan_s']:.2f} | {mb(r['spin_peak_bytes'])} |")
    big = [r for r in rows if r["ours_transitions"] >= 100_000]
    if len(big) >= 3:
        a, b, r2 = linear_fit([r["ours_transitions"] for r in big], [r["ours_s"] for r in big])
        per = [1e6 * r["ours_s"] / r["ours_transitions"] for r in big]
        lines += ["", f"Fit of our time against transitions over the {len(big)} sizes with at least "
                  f"100,000 transitions: time = {a:.3f} s + {b * 1e6:.3f} µs × transitions, "
                  f"R² = {r2:.4f}; µs/transition ranges {min(per):.2f}..{max(per):.2f} "
                  f"(largest/smallest {max(per) / min(per):.2f}).",
                  "Memory fit: " + mem_fit(big)]
    return "\n".join(lines)


def mem_fit(rows: list[dict]) -> str:
    a, b, r2 = linear_fit([r["ours_states"] for r in rows], [r["ours_peak_bytes"] for r in rows])
    return f"peak RSS = {a / 2**20:.1f} MB + {b:.0f} bytes × states, R² = {r2:.4f}."


def write_results(rows: list[dict], info: dict, por_rows: list[dict], tag: str) -> None:
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"spin-compare{tag}.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    md = [f"# Explicit engine vs SPIN{' (' + tag.strip('-') + ')' if tag else ''}", "",
          f"Measured {info['date']} on a machine with nproc = {info['nproc']} ({info['cpu']}), "
          f"Python {info['python']}, {info['spin']}, {info['gcc']}; load average at the start "
          f"{', '.join(f'{x:.2f}' for x in info['load'])} (the machine is shared: compare the CPU "
          f"columns in the CSV when the load was high).", "",
          "Produced by `python bench/spin/compare.py` (one process at a time). Ours: "
          "`checker.check(spec, consts, engine='explicit', check_deadlock=False)` in a fresh "
          "subprocess; time is the engine's own (its compile of the spec + search; parsing excluded, "
          "it is in the CSV's ours_check_wall_s), CPU is that of the whole check() call, RSS is the "
          "process's peak (net: minus the RSS before check()). SPIN: "
          "`spin -a -D...`, `gcc -O2 -DNOREDUCE -DSAFETY`, `./pan -E -m<states+1000> -w<b>` "
          "(exhaustive storage, hash table of 2^b >= 2 x states slots; see pan_sizes() for why "
          "not -m10000000); its time includes spin -a and gcc; its RSS is pan's peak. "
          "CPU = user+sys (for SPIN, of spin -a, gcc and pan together). Transitions: ours "
          "are successors generated, SPIN's are stored+matched (one more: the initial state). "
          "Ratio = our states/s over SPIN's states/s.", "",
          main_table(rows), "",
          "## Our stores: reference dict, compact, compact with 2 worker processes", "",
          "Each in its own fresh subprocess, in the same run as SPIN above. CPU includes the "
          "worker processes' CPU. Ratios against SPIN -DNOREDUCE with its compile.", "",
          variants_table(rows), "",
          "## SPIN with its default partial-order reduction", "",
          "(the same model compiled without -DNOREDUCE)", "",
          por_table(por_rows), "",
          "## Scale curves", ""]
    for fam in FAMILIES:
        fr = [r for r in rows if r["family"] == fam]
        if fr:
            md += [scale_section(fam, fr), ""]
        if fr and not tag:     # a scale curve needs more than the largest size
            with open(os.path.join(RESULTS, f"scale-{fam}{tag}.csv"), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["size", "states", "transitions", "ours_s", "ours_cpu_s", "us_per_transition",
                            "ours_peak_bytes", "ours_net_bytes_per_state", "spin_states", "spin_pan_s",
                            "spin_total_s", "spin_peak_bytes"])
                for r in fr:
                    w.writerow([r["size"], r["ours_states"], r["ours_transitions"], r["ours_s"],
                                r["ours_cpu_s"], round(1e6 * r["ours_s"] / r["ours_transitions"], 3),
                                r["ours_peak_bytes"], r["ours_net_bytes_per_state"], r["spin_states"],
                                r["spin_pan_s"], r["spin_total_s"], r["spin_peak_bytes"]])
    with open(os.path.join(RESULTS, f"spin-compare{tag}.md"), "w") as f:
        f.write("\n".join(md))


# ---------------------------------------------------------------- modes

def compare(families: list[str], largest_only: bool, tag: str) -> None:
    info = machine()
    print(f"# {info['date']}  nproc={info['nproc']}  python {info['python']}  {info['spin']}  "
          f"load {info['load']}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="spin-compare-") as work:
        for fam in families:
            sizes = FAMILIES[fam]["sizes"][-1:] if largest_only else FAMILIES[fam]["sizes"]
            for consts in sizes:
                ours = run_ours(fam, consts)
                ours["variants"] = {}
                for name, opts in VARIANTS.items():
                    v = run_ours(fam, consts, opts)
                    if (v["states"], v["transitions"]) != (ours["states"], ours["transitions"]):
                        raise RuntimeError(f"{fam} {size_label(consts)}: {name} found "
                                           f"{v['states']} states, {v['transitions']} transitions; "
                                           f"the dict store {ours['states']}, {ours['transitions']}")
                    ours["variants"][name] = v
                spin = run_spin(FAMILIES[fam]["pml"], consts, reduce=False, workdir=work,
                                expect_states=ours["states"])
                por = run_spin(FAMILIES[fam]["pml"], consts, reduce=True, workdir=work,
                               expect_states=ours["states"])
                r = row_of(fam, consts, ours, spin, por)
                rows.append(r)
                print(f"{fam:9} {r['size']:14} ours {r['ours_states']:>10,} spin {r['spin_states']:>10,} "
                      f"{'==' if r['equal'] else '!='}  trans {r['ours_transitions']:>11,} "
                      f"ours {r['ours_s']:7.2f}s {r['ours_states_per_s']:>8,}/s {mb(r['ours_peak_bytes']):>7}MB  "
                      f"spin {r['spin_total_s']:6.2f}s (pan {r['spin_pan_s']:.2f}) "
                      f"{r['spin_states_per_s']:>9,}/s {mb(r['spin_peak_bytes']):>7}MB  "
                      f"ratio {r['ratio']:.3f} (cpu {r['ratio_cpu']:.3f})  por {r['por_states']:,}"
                      + "".join(f"  {n} {r[n + '_s']:.2f}s ratio {r[n + '_ratio']:.3f} "
                                f"(cpu {r[n + '_ratio_cpu']:.3f}) {mb(r[n + '_peak_bytes'])}MB"
                                for n in VARIANTS), flush=True)
    write_results(rows, info, rows, tag)
    bad = [r for r in rows if not r["equal"]]
    if bad:
        print("STATE COUNTS DIFFER:", [(r["family"], r["size"]) for r in bad])
        sys.exit(1)


def profile(family: str, consts: dict | None, store: str = "dict") -> None:
    """cProfile of our run (in this process); top 15 by cumulative time to bench/results/."""
    import cProfile
    import io
    import pstats

    sys.path.insert(0, ROOT)
    import checker

    consts = consts or FAMILIES[family]["sizes"][-1]
    pr = cProfile.Profile()
    pr.enable()
    r = checker.check(FAMILIES[family]["spec"], consts=consts, engine="explicit", check_deadlock=False,
                      store=store)
    pr.disable()
    s = io.StringIO()
    st = pstats.Stats(pr, stream=s)
    st.sort_stats("cumulative").print_stats(15)
    s2 = io.StringIO()
    pstats.Stats(pr, stream=s2).sort_stats("tottime").print_stats(10)
    info = machine()
    text = (f"cProfile of the explicit engine ({store} store) on {family} {size_label(consts)} "
            f"({r.stats.states:,} states, {r.stats.transitions:,} transitions, "
            f"{r.stats.seconds:.1f} s under the profiler)\n"
            f"{info['date']}, nproc={info['nproc']}, Python {info['python']}\n"
            f"python bench/spin/compare.py --profile {family}"
            f"{' --store compact' if store == 'compact' else ''}\n\n"
            f"=== top 15 by cumulative time ===\n{s.getvalue()}\n"
            f"=== top 10 by own time ===\n{s2.getvalue()}")
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"profile-{family}{'-compact' if store == 'compact' else ''}.txt")
    with open(path, "w") as f:
        f.write(re.sub(re.escape(ROOT + os.sep), "", text))
    print(text)


def levels(family: str, consts: dict, max_depth: int) -> None:
    """Cumulative states per BFS depth, ours vs spin -DBFS -m<d>, up to the first difference."""
    sys.path.insert(0, ROOT)
    import checker

    with tempfile.TemporaryDirectory(prefix="spin-levels-") as work:
        for d in range(1, max_depth + 1):
            o = checker.check(FAMILIES[family]["spec"], consts=consts, check_deadlock=False, max_depth=d)
            s = run_spin(FAMILIES[family]["pml"], consts, reduce=False, workdir=work, bfs_depth=d)
            print(f"depth {d:3}: ours {o.stats.states:>10,}  spin {s['states']:>10,}"
                  f"{'' if o.stats.states == s['states'] else '   <-- first difference'}", flush=True)
            if o.stats.states != s["states"]:
                return
            if o.stats.depth < d:      # our search finished before depth d
                print("whole space explored, equal at every depth")
                return


def parse_consts(args: list[str]) -> dict:
    return {k: int(v) for k, v in (a.split("=", 1) for a in args)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--ours-child"]:
        ours_child(argv[1], json.loads(argv[2]), json.loads(argv[3]) if len(argv) > 3 else None)
    elif argv[:1] == ["--profile"]:
        rest = argv[2:]
        store = "dict"
        if "--store" in rest:
            i = rest.index("--store")
            store = rest[i + 1]
            rest = rest[:i] + rest[i + 2:]
        profile(argv[1], parse_consts(rest) or None, store)
    elif argv[:1] == ["--levels"]:
        levels(argv[1], parse_consts(argv[2:]), 200)
    else:
        largest = "--largest" in argv
        tag = "-largest" if largest else ""
        if "--tag" in argv:            # --tag NAME: write spin-compare-NAME.md/.csv instead
            i = argv.index("--tag")
            tag = "-" + argv[i + 1]
            argv = argv[:i] + argv[i + 2:]
        fams = [a for a in argv if not a.startswith("--")] or list(FAMILIES)
        unknown = set(fams) - set(FAMILIES)
        if unknown:
            sys.exit(f"unknown family {sorted(unknown)}; known: {', '.join(FAMILIES)}")
        compare(fams, largest, tag)


if __name__ == "__main__":
    main(sys.argv[1:])
