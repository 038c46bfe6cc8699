"""Limits that must be honoured *inside* long steps (issue 18): one state
with thousands of bindings, a huge spec still being parsed, and the memory
of the whole process tree.  Exit codes and words are asserted, never how
long something took (the fuzz bench measures that)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT

ENDLESS = str(ROOT / "tests" / "reliability" / "specs" / "endless.spec")


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker.cli", *args, "--no-timing"], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("decl, action", [
    ("var m: map<0..5000, bool> = [k in 0..5000 -> false]", "action a(k: 0..5000) { m[k] = true }"),
    ("var s: set<0..100000> = {}", "action a(k: 0..100000) { s.add(k) }"),
])
def test_timeout_inside_the_bindings_of_one_state(tmp_path, decl, action):
    """Each state has 5,001 (100,001) successors, each a copy of a 5,001-entry
    map (100,001-bit set): the search polls once per binding, not only
    between chunks of states (it ran for minutes past --timeout 5)."""
    spec = tmp_path / "wide.spec"
    spec.write_text(f"spec wide\n{decl}\n{action}\ninvariant ok: true\n")
    p = run(str(spec), "--timeout", "2")
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "time limit reached (2 s)" in p.stdout and "bounded (not exhaustive)" in p.stdout


def test_timeout_while_parsing_a_huge_spec(tmp_path):
    """An 8 MB spec takes far longer than 1 s to parse: the parser polls
    (it was still parsing a 63 MB spec 150 s after --timeout 60)."""
    spec = tmp_path / "huge.spec"
    head = "spec huge\nvar x: 0..3 = 0\naction inc { require x < 3  x = x + 1 }\n"
    body = "".join(f"invariant i{i}: x >= 0 and (x <= 3 or x + {i} > {i})\n" for i in range(140_000))
    spec.write_text(head + body)
    p = run(str(spec), "--timeout", "1")
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "time limit reached (1 s) while loading the spec" in p.stderr
    assert "Traceback" not in p.stderr


def test_parsing_polls_and_stops(tmp_path):
    """The front end's poll, without the command line: parse() calls it and
    lets what it raises through."""
    from checker.cancel import Cancel, Halted
    from checker.lang import load_text

    text = "spec p\nvar x: 0..3 = 0\n" + "".join(f"invariant i{i}: x >= 0\n" for i in range(3000))
    cancel = Cancel(timeout=0)
    with pytest.raises(Halted):
        load_text(text, "p.spec", poll=cancel.check)
    assert len(load_text(text, "p.spec", poll=Cancel().check).invariants) == 3000


PEAK = textwrap.dedent("""
    import resource, subprocess, sys, time
    sys.path.insert(0, {root!r})
    from checker.cancel import tree_rss_mb
    p = subprocess.Popen([sys.executable, "-m", "checker.cli", *sys.argv[1:]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd={root!r})
    tree = 0.0
    while p.poll() is None:
        tree = max(tree, tree_rss_mb(p.pid))
        time.sleep(0.01)
    out, err = p.communicate()
    one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6   # KiB -> MB
    print(p.returncode, one, tree)
    sys.stderr.write(out + err)
""")


def peak_of(*args: str) -> tuple[int, float, float, str]:
    """(exit code, largest resident set of one process in MB (getrusage of
    the children of a fresh helper), largest sampled sum over the tree, output)."""
    q = subprocess.run([sys.executable, "-c", PEAK.format(root=str(ROOT)), *args], capture_output=True,
                       text=True, timeout=600)
    rc, one, tree = q.stdout.split()
    return int(rc), float(one), float(tree), q.stderr


@pytest.mark.parametrize("limit, extra", [
    (160, ()),
    # the compact store grows by 9 bytes a state: half a minute to the limit (slow tier);
    # test_workers_are_counted_in_the_memory covers the counting in the default tier
    pytest.param(240, ("--store", "compact", "--workers", "2"), marks=pytest.mark.slow),
])
def test_max_memory_stops_below_the_limit(limit, extra):
    """The endless spec grows until --max-memory stops it; the peak resident
    set stays below the limit: of the one process (getrusage), and of the
    whole tree with the workers (sampled from outside every 10 ms)."""
    rc, one, tree, out = peak_of(ENDLESS, "--max-memory", str(limit), *extra)
    assert rc == 3, out
    assert f"memory limit reached (--max-memory {limit} MB)" in out
    assert one < limit, (one, out)
    assert tree < limit, (tree, out)


def test_workers_are_counted_in_the_memory():
    """tree_rss_mb counts children: a child holding 100 MB shows in the parent's tree."""
    from checker.cancel import tree_rss_mb

    child = subprocess.Popen([sys.executable, "-c",
                              "import sys; b = bytearray(100_000_000); b[::4096] = b'x' * len(b[::4096]);"
                              "print('ready', flush=True); sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert tree_rss_mb(child.pid) > 100
        assert tree_rss_mb() > tree_rss_mb(child.pid) + 10   # this process's tree includes the child
    finally:
        child.stdin.close()
        child.wait()


# 3,001 bindings: expanded one by one (up to 4,096; more become a quantifier)
WIDE = ("spec wide\nvar m: map<0..3000, bool> = [k in 0..3000 -> false]\n"
        "action a(k: 0..3000) { m[k] = true }\ninvariant ok: true\n")


@pytest.mark.parametrize("engine", ["bmc", "kind", "pdr", "enum"])
def test_timeout_while_encoding_an_action_with_thousands_of_bindings(tmp_path, engine):
    """Z3's encoding expands an action's 3,001 bindings one substitution at
    a time (seconds, minutes on a loaded machine): it polls once per binding.
    Before, only the watchdog's hard stop ended it, 10 s past the limit,
    without a report ("where nothing polls")."""
    spec = tmp_path / "wide.spec"
    spec.write_text(WIDE)
    p = run(str(spec), "--engine", engine, "--timeout", "2")
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "where nothing polls" not in p.stderr
    # the report (every property unknown), or on a loaded machine the limit while loading the spec
    assert ("time limit reached (2 s)" in p.stdout and "result: unknown" in p.stdout
            or "time limit reached (2 s) while loading the spec" in p.stderr), (p.stdout, p.stderr)


def test_encoding_polls_and_the_engine_reports_the_stop():
    """In one process: a run whose time is up before the encoding gets a
    report from the engine (every property unknown, the stop's words)."""
    from checker.cancel import Cancel, Halted
    from checker.lang import load_text
    from checker.options import Options
    from checker.run import run_spec
    from checker.symbolic.encode import Encoder

    spec = load_text(WIDE, "wide.spec")
    with pytest.raises(Halted):
        Encoder(spec, poll=Cancel(timeout=0).check)
    r = run_spec(spec, "kind", Options(cancel=Cancel(timeout=0)))
    assert r.properties and all(p.verdict.value == "unknown" and p.detail == "time limit reached (0 s)"
                                for p in r.properties)
