"""The distributed search's cost on this machine: states/s for 1, 2 and 4
MPI ranks, bytes sent between ranks per state and per level, the largest
level's all-to-all volume, and the partition's skew.

    python bench/distributed.py [--const N=10] [--ranks 1,2,4] [--out bench/results/distributed.md]

Each run is ``mpiexec -n K --oversubscribe verify --distributed
bench/breaker_n.spec --json``; the single-process compact store runs the
same spec in the same session as the baseline.  Times are the search's own
(``stats.extra.search_seconds``: compiling and starting ranks excluded);
on a machine with fewer cores than ranks the ranks share cores
(oversubscribed), so the ratios there say what the exchange costs, not what
a cluster gains.  The load average is recorded with the figures."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "distributed"))
from mpi_run import _env, mpiexec_prefix  # noqa: E402


def run(cmd: list[str]) -> dict:
    p = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return json.loads(p.stdout)["results"][0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="bench/breaker_n.spec")
    ap.add_argument("--const", action="append", default=None)
    ap.add_argument("--ranks", default="1,2,4")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    consts = a.const or ["N=10"]
    args = [a.spec] + [x for c in consts for x in ("--const", c)] + ["--json"]
    load0 = os.getloadavg()
    t = time.perf_counter()
    single = run([sys.executable, "-m", "checker.cli", *args, "--store", "compact"])
    rows = [("1 process, compact store (no MPI)", single, None, time.perf_counter() - t)]
    for k in [int(x) for x in a.ranks.split(",")]:
        t = time.perf_counter()
        r = run(mpiexec_prefix(k) + [sys.executable, "-m", "checker.cli", *args, "--distributed"])
        rows.append((f"{k} rank{'s' if k > 1 else ''}", r, r["stats"]["extra"]["distributed"],
                     time.perf_counter() - t))
    load1 = os.getloadavg()
    base = single["stats"]["extra"]["search_seconds"]
    cores = os.cpu_count()
    out = [f"# Distributed search: {a.spec} {' '.join(consts)}", "",
           f"Machine: {cores} cores; load average {load0[0]:.1f} before, {load1[0]:.1f} after "
           f"(other work shared the cores).  Ranks above {cores} are oversubscribed: they share "
           "the cores, so their rate measures the exchange's cost, not a speedup.", "",
           f"`python bench/distributed.py {' '.join('--const ' + c for c in consts)}`", "",
           "| run | states | transitions | search s | states/s | vs 1 process | job s (with start) "
           "| CPU µs / state (all ranks) | bytes sent / state | largest level exchange "
           "| per-rank states (max/mean) | peak RSS / rank (MB) | store bytes / state |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r, f, wall in rows:
        st = r["stats"]
        secs = st["extra"]["search_seconds"]
        rate = st["states"] / secs
        if f is None:
            extra = "— | — | — | — | — | —"
        else:
            per = f["states_per_rank"]
            skew = max(per) / (sum(per) / len(per))
            extra = (f"{sum(f['cpu_seconds']) / st['states'] * 1e6:.1f} | "
                     f"{f['sent_bytes'] / st['states']:.2f} | {f['largest_level_bytes']:,} B | "
                     f"{skew:.3f} | {max(f['peak_rss_mb']):.0f} | "
                     f"{sum(f['store_bytes']) / st['states']:.2f}")
        out.append(f"| {name} | {st['states']:,} | {st['transitions']:,} | {secs:.2f} | {rate:,.0f} | "
                   f"{base / secs:.2f}x | {wall:.1f} | {extra} |")
    last = rows[-1][2]
    out += ["", f"Per level, {rows[-1][0]} (states sent between ranks, bytes):", "",
            "| depth | candidates | new states | sent states | sent bytes |", "|---|---|---|---|---|"]
    for lv in last["levels"]:
        out.append(f"| {lv['depth']} | {lv['candidates']:,} | {lv['new']:,} | {lv['sent_states']:,} | "
                   f"{lv['sent_bytes']:,} |")
    out += ["", "Counts: every run above found the same states, transitions and depth "
            f"({single['stats']['states']:,} / {single['stats']['transitions']:,} / "
            f"{single['stats']['depth']}): "
            + ("yes" if all(r["stats"]["states"] == single["stats"]["states"]
                            and r["stats"]["transitions"] == single["stats"]["transitions"]
                            for _n, r, _f, _w in rows) else "NO"), ""]
    text = "\n".join(out)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
