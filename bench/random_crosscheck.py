"""Large tier of the random cross-check: run by hand.

    python bench/random_crosscheck.py [N=1000] [FIRST_SEED=0] [--no-pdr]

Generates N random specs (tests/catalog/strategies.py, seeds FIRST_SEED..),
runs explicit, bmc, kind and pdr on each and prints how many agree, every
disagreement (with the seed and the spec text), and the time taken.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "catalog"))

from crosscheck import check_text  # noqa: E402
from strategies import random_spec  # noqa: E402


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    first = int(args[1]) if len(args) > 1 else 0
    pdr = "--no-pdr" not in argv
    t0 = time.monotonic()
    agree = disagree = crashed = 0
    totals: dict[str, int] = {}
    for seed in range(first, first + n):
        text = random_spec(seed)
        try:
            problems, counts = check_text(text, max_k=3, timeout=5.0, pdr=pdr)
        except Exception as e:  # noqa: BLE001 - count it and go on
            crashed += 1
            print(f"seed {seed}: crashed: {type(e).__name__}: {e}\n{text}", flush=True)
            continue
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
        if problems:
            disagree += 1
            print(f"seed {seed}: DISAGREEMENT\n  " + "\n  ".join(problems) + f"\n{text}", flush=True)
        else:
            agree += 1
        if (seed - first + 1) % 100 == 0:
            print(f"... {seed - first + 1} specs, {time.monotonic() - t0:.0f} s", flush=True)
    secs = time.monotonic() - t0
    print(f"specs: {n}  agree: {agree}  disagree: {disagree}  crashed: {crashed}  "
          f"time: {secs:.1f} s ({secs / max(n, 1):.2f} s/spec)")
    print("properties: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    return 1 if disagree or crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
