"""Long fuzz tier (run by hand; the quick tier is tests/fuzz/).

    python bench/fuzz_long.py                      # 100,000 inputs, 2 workers
    python bench/fuzz_long.py --inputs 20000 --seed 7 --workers 1

Inputs, by index i (input i is reproducible from --seed and i alone):
  valid     a valid random spec (tests/fuzz/specgen.py), checked with the
            explicit engine (max_states 1000)
  hostile   the same, rendered with hostile identifiers (__import__, exec, s, L...)
  mutant    a valid spec with one token mutation, loaded, and checked if it loads
  bytes     1-4 byte mutations of a spec/*.spec file, through `verify` in-process
Outcomes: checked (a result) / diagnostic (clean, with a position) / timeout /
crash (anything else).  Crashes are grouped by signature, split into known
bugs (pinned in tests/fuzz/regressions/) and new ones, and each new signature's
first input is written to --out.

Each worker process has a memory limit (--memory-mb) so that a memory blow-up
is a MemoryError (a crash), not the machine swapping; a worker that dies
anyway is restarted and its chunk counted as crashes ("worker died").
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
sys.path.insert(0, str(ROOT))

FAMILIES = ("valid", "hostile", "mutant", "bytes")
WEIGHTS = {"valid": 3, "hostile": 1, "mutant": 4, "bytes": 2}   # out of 10
_CYCLE = [f for f in FAMILIES for _ in range(WEIGHTS[f])]


def family_of(i: int) -> str:
    return _CYCLE[(i * 7) % len(_CYCLE)]


def make_input(seed: int, i: int):
    """(family, payload): payload is str (valid/hostile/mutant) or bytes (bytes)."""
    from specgen import RandSrc, gen_spec, hostile_names, mutate_bytes, mutate_text, render

    fam = family_of(i)
    src = RandSrc(seed * 1_000_003 + i)
    if fam == "bytes":
        specs = sorted((ROOT / "spec").glob("*.spec"))
        data = specs[src.int(0, len(specs) - 1)].read_bytes()
        return fam, mutate_bytes(src, data)
    tpl = gen_spec(src)
    if fam == "hostile":
        return fam, render(tpl, hostile_names(tpl, src))
    text = render(tpl)
    if fam == "mutant":
        return fam, mutate_text(src, text)[1]
    return fam, text


def run_one(fam: str, payload, seconds: float, cpu: bool = False):
    from harness import CHECKED, check_outcome, cli_outcome, load_outcome

    if fam == "bytes":
        out, _code, _so, _se = cli_outcome(payload, ("--max-states", "500", "--max-depth", "8",
                                                     "--timeout", str(seconds)), seconds=seconds * 2,
                                           cpu=cpu)
        return out
    spec = None
    if fam == "mutant":
        loaded, spec = load_outcome(payload, "fuzz.spec", seconds, cpu=cpu)
        if loaded.kind != CHECKED:
            return loaded
    return check_outcome(payload, "fuzz.spec", seconds=seconds, max_states=1000, spec=spec, cpu=cpu)


def _init_worker(memory_mb: int):
    import resource
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the parent reports; a worker just ends

    if memory_mb:
        lim = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))


def run_chunk(seed: int, lo: int, hi: int, seconds: float, cpu: bool = False):
    """Counts and crash samples for inputs lo..hi-1."""
    from harness import known_bug
    from minimize import signature

    counts = collections.Counter()
    samples = {}
    for i in range(lo, hi):
        try:
            fam, payload = make_input(seed, i)
        except Exception as e:  # a bug in the generator, not in the checker
            counts[("generator", "error")] += 1
            samples.setdefault(f"generator|{type(e).__name__}", (i, "generator", repr(e), None))
            continue
        out = run_one(fam, payload, seconds, cpu)
        counts[(fam, out.kind)] += 1
        if out.kind in ("crash", "timeout"):
            sig = signature(out) or out.kind
            known = known_bug(out)
            counts[("known" if known else "new", sig)] += 1
            if sig not in samples:
                samples[sig] = (i, fam, out.detail[-3000:], payload, known)
    return counts, samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first input index")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk", type=int, default=250)
    ap.add_argument("--seconds", type=float, default=5.0, help="time limit per input")
    ap.add_argument("--cpu-limit", action="store_true",
                    help="--seconds is CPU time (wall-clock backstop 10x): on a shared machine a "
                         "timeout then means a hang, not waiting for a core")
    ap.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per worker")
    ap.add_argument("--out", default="fuzz-crashes", help="directory for new crash inputs")
    ap.add_argument("--only", help="reproduce one input index and print it with its outcome")
    args = ap.parse_args(argv)
    import signal
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM: report, like SIGINT

    if args.only is not None:
        fam, payload = make_input(args.seed, int(args.only))
        print(f"# input {args.only} ({fam})")
        print(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))
        print(run_one(fam, payload, args.seconds, args.cpu_limit))
        return 0

    t0 = time.time()
    chunks = [(lo, min(lo + args.chunk, args.start + args.inputs))
              for lo in range(args.start, args.start + args.inputs, args.chunk)]
    counts = collections.Counter()
    samples: dict = {}
    done = 0
    pending = list(chunks)
    interrupted = False
    while pending and not interrupted:
        try:
            # a fresh pool every few chunks bounds the workers' memory (the
            # compiled specs' namespaces); max_tasks_per_child is not used: with
            # it, Python 3.11's ProcessPoolExecutor hung after the first worker
            # replacements (10,000 inputs into a 100,000 run)
            batch = pending[: args.workers * 8]
            with ProcessPoolExecutor(args.workers, initializer=_init_worker,
                                     initargs=(args.memory_mb,)) as pool:
                futs = {pool.submit(run_chunk, args.seed, lo, hi, args.seconds, args.cpu_limit): (lo, hi)
                        for lo, hi in batch}
                for fut in futs:
                    lo, hi = futs[fut]
                    try:
                        c, s = fut.result()
                    except KeyboardInterrupt:
                        # SIGINT/SIGTERM to this process: report the chunks done
                        interrupted = True
                        pool.shutdown(wait=False, cancel_futures=True)
                        break
                    counts.update(c)
                    for k, v in s.items():
                        if k not in samples and (v[4] if len(v) > 4 else None) is None:
                            print(f"  NEW crash/timeout signature {k}: input {v[0]} ({v[1]})",
                                  flush=True)
                        samples.setdefault(k, v)
                    pending.remove((lo, hi))
                    done += hi - lo
                    el = time.time() - t0
                    print(f"  {done:>7} inputs  {el:7.0f}s  {done / el:6.1f}/s  "
                          f"crash {sum(v for (f, k), v in counts.items() if k == 'crash')}  "
                          f"timeout {sum(v for (f, k), v in counts.items() if k == 'timeout')}",
                          flush=True)
                    if done // 10_000 != (done - (hi - lo)) // 10_000:
                        report(args, counts, samples, time.time() - t0, done, write=False)
        except BrokenProcessPool:
            lo, hi = pending.pop(0)
            counts[("worker", "crash")] += hi - lo
            counts[("new", "worker died")] += hi - lo
            samples.setdefault("worker died", (lo, "?", f"a worker died in inputs {lo}..{hi - 1}", None, None))
            done += hi - lo
    seconds = time.time() - t0
    if interrupted:
        print(f"\nstopped by a signal after {done} inputs (complete chunks only; "
              f"inputs {args.start}..{args.start + done - 1} if the chunks ran in order)")
    report(args, counts, samples, seconds, done)
    return 0


def report(args, counts, samples, seconds, n, write=True):
    by_outcome = collections.Counter()
    for (fam, kind), v in counts.items():
        if fam in FAMILIES or fam in ("worker", "generator"):
            by_outcome[kind] += v
    print()
    print(f"inputs run: {n}   seed {args.seed}   time {seconds:.0f}s   ({n / seconds:.1f} inputs/s, "
          f"{args.workers} workers, {args.seconds}s {'CPU ' if args.cpu_limit else ''}limit per input)")
    print(f"  loaded+checked    {by_outcome['checked']:>8}")
    print(f"  clean diagnostic  {by_outcome['diagnostic']:>8}")
    print(f"  timeout           {by_outcome['timeout']:>8}")
    print(f"  crash             {by_outcome['crash']:>8}")
    if by_outcome.get("error"):
        print(f"  generator error   {by_outcome['error']:>8}")
    print("by family:")
    for fam in FAMILIES:
        row = {k: counts[(fam, k)] for k in ("checked", "diagnostic", "timeout", "crash")}
        print(f"  {fam:<8} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    sigs = [(k, s, v) for (k, s), v in counts.items() if k in ("known", "new")]
    if sigs:
        print("crash / timeout signatures:")
        out = Path(args.out)
        for k, s, v in sorted(sigs, key=lambda x: -x[2]):
            i, fam, detail, payload, known = samples.get(s, (None, None, "", None, None))
            tag = f"known bug ({known})" if k == "known" else "NEW"
            print(f"  {v:>6}  {tag}  {s}   first: input {i} ({fam})")
            if write and k == "new" and payload is not None:
                out.mkdir(exist_ok=True)
                name = out / f"seed{args.seed}_input{i}.spec"
                name.write_bytes(payload if isinstance(payload, bytes) else payload.encode("utf-8"))
                (out / f"seed{args.seed}_input{i}.txt").write_text(detail)
                print(f"          written to {name}")


if __name__ == "__main__":
    sys.exit(main())
