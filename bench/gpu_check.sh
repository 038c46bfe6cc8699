#!/usr/bin/env bash
# The vector back end on a CUDA device against the same code on the CPU, in
# one call (for a session that is lent a GPU machine; the GPU path has not
# been run on hardware before this script).
#
#   bash bench/gpu_check.sh            # the bench families at their largest sizes
#   bash bench/gpu_check.sh --quick    # small sizes only (a minute)
#
# 1. installs the [gpu] extra (CuPy for CUDA 12) unless CuPy imports already;
#    the device machine has no network: carry a virtual environment that has
#    it, or put the wheel under shared/wheels (pip install --no-index
#    --find-links shared/wheels cupy-cuda12x);
# 2. for each family, in one Python process: numpy, then CuPy, each run twice
#    (the first CuPy run includes kernel compilation; the second is reported);
# 3. checks that the counts are identical and prints states/s and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! $PY -c "import cupy" 2>/dev/null; then
  if [ -d shared/wheels ]; then
    $PY -m pip install -q --no-index --find-links shared/wheels cupy-cuda12x
  else
    $PY -m pip install -q -e '.[gpu]'
  fi
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo 'nvidia-smi: not found'
$PY - "$@" <<'PYEOF'
import sys, time
import checker

QUICK = "--quick" in sys.argv
ROWS = [("breaker_n.spec", {"N": 7 if QUICK else 12}), ("balancer_n.spec", {"N": 5, "M": 2} if QUICK else {"N": 7, "M": 3}),
        ("config_n.spec", {"W": 2, "K": 2, "C": 2, "V": 5} if QUICK else {"W": 3, "K": 3, "C": 2, "V": 10}),
        ("mailbox_n.spec", {"N": 3, "C": 2, "S": 3} if QUICK else {"N": 4, "C": 2, "S": 3})]
bad = 0
for spec, consts in ROWS:
    res = {}
    for gpu in (False, False, True, True):      # the second run of each is reported (warm)
        t = time.perf_counter()
        r = checker.check("bench/" + spec, consts, check_deadlock=False, backend="vector", gpu=gpu)
        res[gpu] = (r.stats.states, r.stats.transitions, time.perf_counter() - t,
                    [n for n in r.notes if "array module" in n])
    (sc, tc, wc, _), (sg, tg, wg, note) = res[False], res[True]
    same = (sc, tc) == (sg, tg)
    bad += not same
    print(f"{spec} {consts}: {sc:,} states; cpu {sc / wc:,.0f}/s, gpu {sg / wg:,.0f}/s, "
          f"gpu/cpu {wc / wg:.2f}x; counts {'identical' if same else 'DIFFER'}; {note[0] if note else 'numpy only'}")
    if not any("cupy" in n for n in note):
        print("  NO GPU: CuPy or a CUDA device is missing, the 'gpu' column ran on numpy")
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
