"""Limit-and-signal fuzzing, long: N scenarios of tests/fuzz/limits.py (a
random spec, engine, limit or signal), run P at a time; writes
bench/results/limits-fuzz.md with the figures (scenarios per engine and per
limit, worst overshoot past the bound, peak memory against --max-memory,
every failure with its seed).

    python bench/limits_fuzz.py [-n 2000] [-j 2] [--seed0 0]

A failure is reproduced with ``python bench/limits_fuzz.py --only SEED``.
"""
from __future__ import annotations

import argparse
import collections
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
sys.path.insert(0, str(ROOT))

import limits  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000, help="scenarios")
    ap.add_argument("-j", type=int, default=2, help="scenarios run at a time")
    ap.add_argument("--seed0", type=int, default=0)
    ap.add_argument("--only", type=int, help="run this one seed and print the outcome")
    ap.add_argument("-o", default=str(ROOT / "bench" / "results" / "limits-fuzz.md"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only is not None:
            o = limits.run(limits.scenario(args.only), Path(tmp))
            print(o.scenario.engine, o.scenario.limit, o.scenario.value, o.exit_code,
                  f"{o.seconds:.2f}s (CPU {o.cpu:.2f}s, load {o.load:.1f})", o.problems)
            return 1 if o.problems else 0
        t0 = time.monotonic()
        outcomes = []
        with ThreadPoolExecutor(args.j) as ex:
            futs = [ex.submit(limits.run, limits.scenario(args.seed0 + i), Path(tmp))
                    for i in range(args.n)]
            for k, f in enumerate(as_completed(futs), 1):
                try:
                    outcomes.append(f.result())
                except Exception as e:   # a bug of the harness: report it, do not stall the loop
                    print(f"harness error: {type(e).__name__}: {e}", flush=True)
                    continue
                if k % 50 == 0:
                    bad = sum(1 for o in outcomes if o.problems)
                    print(f"{k}/{args.n} done, {bad} failed, {time.monotonic() - t0:.0f} s", flush=True)
                    write(Path(args.o), outcomes, args, time.monotonic() - t0, partial=k < args.n)
        write(Path(args.o), outcomes, args, time.monotonic() - t0, partial=False)
    return 1 if any(o.problems for o in outcomes) else 0


def write(path: Path, outcomes, args, seconds: float, partial: bool) -> None:
    by_engine = collections.defaultdict(list)
    by_limit = collections.defaultdict(list)
    for o in outcomes:
        by_engine[o.scenario.engine].append(o)
        by_limit[o.scenario.limit].append(o)
    failed = [o for o in outcomes if o.problems]
    try:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    lines = [f"# Limits and signals, fuzzed{' (partial: still running)' if partial else ''}", "",
             f"`python bench/limits_fuzz.py -n {args.n} -j {args.j} --seed0 {args.seed0}`: "
             f"{len(outcomes)} scenarios in {seconds:.0f} s, {args.j} at a time, on "
             f"{os.cpu_count()} cores shared with other work (load average at the end: {load}; "
             f"Python {platform.python_version()}).", "",
             "Each scenario: a random spec (tests/fuzz/specgen.py; half of them with an endless "
             "counter, so that the search cannot finish), a random engine, and one random limit "
             "or signal.  The bound: `--timeout T` must end the run T + 2 s after the command "
             "started (Python's start-up included); a signal, sent 0-1 s after the engine "
             "reported that it runs, must end it within 2 s; the other limits run under "
             f"`--timeout {limits.BACKSTOP:g}` as their bound.  Every run must exit with a code "
             "that fits (0-3; 130/143 after a signal), print one JSON document that validates "
             "against docs/result.schema.json with the same exit code, no traceback, and under "
             "`--max-memory` keep the process tree's sampled resident set below the limit.", "",
             f"**{len(failed)} failed** of {len(outcomes)}.", "",
             "| engine | scenarios | failed | worst overshoot (s) | exit codes |",
             "|---|---|---|---|---|"]
    for e in limits.ENGINES:
        os_ = by_engine.get(e, [])
        if not os_:
            continue
        codes = collections.Counter(o.exit_code for o in os_)
        worst = max(o.overshoot for o in os_)
        lines.append(f"| {e} | {len(os_)} | {sum(1 for o in os_ if o.problems)} | {worst:+.2f} | "
                     + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())) + " |")
    lines += ["", "Overshoot: seconds past the allowance (negative: that much earlier than the "
              "bound).", "",
              "| limit | scenarios | failed | worst overshoot (s) | median seconds to end after the "
              "bound started |", "|---|---|---|---|---|"]
    for lim in list(limits.LIMITS) + sorted(set(by_limit) - set(limits.LIMITS)):
        os_ = by_limit.get(lim, [])
        if not os_:
            continue
        ends = sorted(o.overshoot + o.scenario.bound() for o in os_)
        lines.append(f"| {lim} | {len(os_)} | {sum(1 for o in os_ if o.problems)} | "
                     f"{max(o.overshoot for o in os_):+.2f} | {ends[len(ends) // 2]:.2f} |")
    mem = by_limit.get("max-memory", [])
    if mem:
        worst = max(mem, key=lambda o: o.peak_mb / o.scenario.value)
        lines += ["", f"`--max-memory`: the highest sampled peak was {worst.peak_mb:.0f} MB under a "
                  f"limit of {worst.scenario.value:g} MB ({100 * worst.peak_mb / worst.scenario.value:.0f}%"
                  "; sampled every 20 ms from outside, so a spike shorter than that is not seen)."]
    sig = [o for o in outcomes if o.signalled]
    lines += ["", f"Signals sent before the run ended: {len(sig)}; exit 130/143 in "
              f"{sum(1 for o in sig if o.exit_code in (130, 143))} of them (the others had finished "
              "their work when the signal arrived)."]
    if failed:
        lines += ["", "## Failures", "",
                  "CPU: the seconds of CPU the run used from spawn to exit, against its wall-clock "
                  "seconds; load: the 1-minute load average when it ended (2 cores).", "",
                  "| seed | engine | limit | exit | CPU s / wall s | load | problems |",
                  "|---|---|---|---|---|---|---|"]
        for o in failed[:100]:
            sc = o.scenario
            lines.append(f"| {sc.seed} | {sc.engine} | {sc.limit} {sc.value:g} | {o.exit_code} | "
                         f"{o.cpu:.2f} / {o.seconds:.2f} | {o.load:.1f} | "
                         + "; ".join(o.problems).replace("|", "/")[:300] + " |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
