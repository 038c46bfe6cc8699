"""--profile-space: per action the states it reached first, per variable the
distinct values it takes and its share of the packed state."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from checker.explicit.profile import profile_space
from checker.interp import explore, thaw
from checker.run import load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECS = sorted(glob.glob(os.path.join(ROOT, "spec", "*.spec")))


def test_breaker_profile_is_pinned():
    p = profile_space(load(os.path.join(ROOT, "spec/breaker.spec")))
    assert (p.states, p.transitions, p.total_bits) == (38, 60, 45)
    assert {a["name"]: (a["first_reached"], a["distinct_targets"], a["transitions"]) for a in p.actions} == {
        "call_succeeds": (6, 9, 18), "call_fails": (15, 15, 18), "call_after_timeout": (4, 4, 12),
        "tick": (12, 12, 12)}
    failures = next(v for v in p.variables if v["name"] == "failures")
    # the u32 counter: 32 of the 45 bits for 5 values (0..4), 3 bits would do
    assert (failures["distinct_values"], failures["bits"], failures["bits_needed"]) == (5, 32, 3)
    assert abs(failures["share"] - 32 / 45) < 1e-12


@pytest.mark.parametrize("name", ["breaker", "breaker_fixed", "system", "tracing_fixed", "client_fixed"])
def test_profile_agrees_with_the_reference_interpreter(name):
    spec = load(os.path.join(ROOT, "spec", f"{name}.spec"))
    p = profile_space(spec)
    ex = explore(spec)                # breadth first, actions and bindings in the same order
    assert p.states == len(ex.states)
    first = Counter(action for parent, action, _ in ex.states.values()
                    if parent is not None)
    assert {a["name"]: a["first_reached"] for a in p.actions} == {a.name: first.get(a.name, 0)
                                                                  for a in spec.actions}
    states = [thaw(spec, f) for f in ex.states]
    assert {v["name"]: v["distinct_values"] for v in p.variables} == {
        v.name: len({repr(s[v.name]) for s in states}) for v in spec.vars}


@pytest.mark.parametrize("path", SPECS, ids=[os.path.basename(s) for s in SPECS])
def test_every_spec_profiles_consistently(path):
    spec = load(path)
    p = profile_space(spec)
    initial = p.states - sum(a["first_reached"] for a in p.actions)
    assert 1 <= initial <= p.states
    assert sum(a["transitions"] for a in p.actions) == p.transitions
    assert all(a["first_reached"] <= a["distinct_targets"] <= min(a["transitions"], p.states) for a in p.actions)
    assert sum(v["bits"] for v in p.variables) == p.total_bits
    assert all(1 <= v["distinct_values"] <= p.states and v["bits_needed"] <= v["bits"] for v in p.variables)


def test_symbolic_constants_get_a_message_not_a_crash():
    out = subprocess.run([sys.executable, "-m", "checker.cli", "spec/breaker_fixed.spec", "--engine", "induct",
                          "--all-values", "--profile-space"], capture_output=True, text=True, cwd=ROOT)
    assert "verify: no state-space profile: the explicit-state engine needs a value for every constant" \
        in out.stderr and "internal error" not in out.stderr


def test_cli_text_and_json():
    cmd = [sys.executable, "-m", "checker.cli", "spec/breaker.spec", "--profile-space", "--no-timing"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert "state-space profile over all 38 reachable states (60 transitions, 45 bits per packed state):" in out.stdout
    assert "  failures                             5    32           71.1%" in out.stdout
    out = subprocess.run(cmd + ["--json"], capture_output=True, text=True, cwd=ROOT)
    doc = json.loads(out.stdout)
    prof = doc["results"][0]["space_profile"]
    from schema_check import validate
    assert validate(doc) == []
    assert prof["states"] == 38 and {a["name"] for a in prof["actions"]} == {
        "call_succeeds", "call_fails", "call_after_timeout", "tick"}
