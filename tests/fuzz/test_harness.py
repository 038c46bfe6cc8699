"""The fuzz harness's own time limits."""
from __future__ import annotations

import time

import pytest
from harness import Timeout, check_outcome, time_limit


@pytest.mark.parametrize("cpu", [False, True])
def test_time_limit_stops_a_busy_loop(cpu):
    t0 = time.process_time()
    with pytest.raises(Timeout):
        with time_limit(0.2, cpu=cpu):
            while True:
                pass
    # the CPU timer fires after about 0.2 s of CPU (tick accounting: a little less)
    assert time.process_time() - t0 >= (0.1 if cpu else 0.0)


def test_cpu_limit_does_not_count_waiting():
    # sleeping uses no CPU: under a CPU limit only the wall-clock backstop
    # (10x) could stop it, so a 0.3 s sleep under a 0.1 s CPU limit finishes
    with time_limit(0.1, cpu=True):
        time.sleep(0.3)


def test_a_hanging_spec_is_a_timeout_with_a_cpu_limit():
    # 20 nested quantifiers over 0..3 evaluated in every state: 4**20 steps
    text = ("spec s\nvar x: bool = true\naction a { x = not x }\ninvariant i: "
            + "".join(f"forall q{i} in 0..3: " for i in range(20)) + "x or q19 != q0 + 9\n")
    out = check_outcome(text, seconds=0.5, cpu=True)
    assert out.kind == "timeout", out
