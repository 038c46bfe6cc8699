"""verify explore, route by route (Starlette's TestClient, no browser)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

pytest.importorskip("httpx2")
from starlette.testclient import TestClient  # noqa: E402

from checker import ir  # noqa: E402
from checker.explore.app import make_app  # noqa: E402
from checker.explore.cli import load_explorer  # noqa: E402
from checker.explore.view import value_view  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEADLOCK = "call_fails/call_fails/call_fails/tick/tick/call_after_timeout~2"


def _client(spec="spec/breaker.spec", consts=(), **kw):
    ex, problem = load_explorer(os.path.join(ROOT, spec), list(consts))
    assert problem is None, problem
    return TestClient(make_app(ex, **kw)), ex


@pytest.fixture(scope="module")
def breaker():
    return _client()[0]


def _segments(html):
    return re.findall(r'class="step" href="[^"]*" data-segment="([^"]+)"', html)


def _changed(html):
    return set(re.findall(r'class="var changed" data-var="(\w+)"', html))


def _failing(html):
    return set(re.findall(r'class="inv fails" data-invariant="(\w+)"', html))


def test_initial_state_and_its_steps(breaker):
    r = breaker.get("/", follow_redirects=True)
    assert r.status_code == 200 and r.url.path == "/path/"
    assert _segments(r.text) == ["call_succeeds", "call_fails"]
    assert _changed(r.text) == set() and _failing(r.text) == set()
    # tick is disabled in the initial state: greyed with the require that fails
    assert re.search(r'class="step off">tick</span>\s*<small class="why">require phase == Open and waited '
                     r'&lt; 2 \(line \d+\) — phase == Open: Closed == Open is false', r.text)


def test_either_branches_get_numbered_segments(breaker):
    r = breaker.get("/path/call_fails/call_fails/call_fails/tick/tick")
    assert _segments(r.text) == ["call_after_timeout~1", "call_after_timeout~2"]
    assert "phase = Closed" in r.text   # what each branch changes, to choose between them


def test_deadlock_path(breaker):
    r = breaker.get("/path/" + DEADLOCK)
    assert r.status_code == 200
    assert _changed(r.text) == {"failures", "hung", "trials"}
    assert _failing(r.text) == {"failure_count_within_threshold", "calls_always_return"}
    assert 'id="deadlock"' in r.text and _segments(r.text) == []
    assert "<code>failures &lt;= 3</code>: false  (4 &lt;= 3)" in r.text
    assert 'href="/path/call_fails/call_fails/call_fails/tick/tick" id="back"' in r.text


def test_a_step_the_spec_does_not_allow_is_a_page_not_a_crash(breaker):
    r = breaker.get("/path/call_fails/tick")
    assert r.status_code == 404
    assert "step 2: &#39;tick&#39; is not a step the spec allows here; enabled: call_succeeds, call_fails" in r.text
    assert 'href="/path/call_fails"' in r.text
    r = breaker.get("/path/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert breaker.get("/path/@2").status_code == 404       # one initial state only


def test_jump_redirects_to_the_path(breaker):
    r = breaker.get("/jump", params={"to": "/call_fails/ call_fails/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/path/call_fails/call_fails"


def test_several_initial_states_are_chosen_by_at():
    c, ex = _client("spec/balancer.spec")
    assert len(ex.initial) == 4
    r = c.get("/path/")
    assert all(f'href="/path/@{k}"' in r.text for k in range(1, 5))
    assert c.get("/path/@4").status_code == 200 and c.get("/path/@5").status_code == 404


def _finished(client, job_html):
    job = re.search(r'id="job-(\d+)"', job_html).group(1)
    for _ in range(100_000):          # until the check thread says it is done
        r = client.get(f"/check/{job}")
        if 'data-done="yes"' in r.text:
            return r.text
        time.sleep(0.01)
    raise AssertionError("the check never finished")


def test_check_from_the_page_links_each_counterexample(breaker):
    r = breaker.post("/check", data={"mode": "explicit"})
    assert r.status_code == 200 and 'hx-trigger="load delay:400ms"' in r.text
    html = _finished(breaker, r.text)
    rows = dict(re.findall(r'data-property="(\w+)">\s*<td>\w+</td><td>(\w+)', html))
    assert rows["deadlock"] == "violated" and rows["closed_below_threshold"] == "holds"
    assert rows["recovers"] == "violated"
    assert f'href="/path/{DEADLOCK}"' in html
    assert f'href="/path/{DEADLOCK}?loop=6"' in html        # the lasso of recovers, its loop marked
    r = breaker.get(f"/path/{DEADLOCK}?loop=6")
    assert 'id="lasso"' in r.text


def test_several_traces_from_the_page(breaker):
    html = _finished(breaker, breaker.post("/check", data={"mode": "explicit", "traces": "3"}).text)
    row = re.search(r'data-property="deadlock">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'class="more-trace" href="([^"]+)">trace 2 \((\d+) steps\)', row) == [
        ("/path/call_fails/call_fails/call_succeeds/call_fails/tick/tick/call_after_timeout~2", "7")]
    assert breaker.post("/check", data={"mode": "explicit", "traces": "0"}).status_code == 400


def test_simulation_from_the_page(breaker):
    html = _finished(breaker, breaker.post("/check", data={"mode": "simulate"}).text)
    assert 'data-property="deadlock"' in html and "trace-link" in html
    assert breaker.post("/check", data={"mode": "eval"}).status_code == 400


def test_open_itf_and_json_files(breaker, tmp_path):
    spec = os.path.join(ROOT, "spec/breaker.spec")
    itf = tmp_path / "itf"
    out = subprocess.run([sys.executable, "-m", "checker.cli", spec, "--property", "deadlock", "--itf", str(itf),
                          "--json"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1, out.stderr
    (tmp_path / "r.json").write_text(out.stdout)
    [itf_file] = sorted(itf.iterdir())
    r = breaker.post("/open", data={"path": str(itf_file)})
    assert r.status_code == 200 and f'href="/path/{DEADLOCK}"' in r.text
    r = breaker.post("/open", files={"file": ("r.json", out.stdout.encode(), "application/json")})
    assert r.status_code == 200 and f'href="/path/{DEADLOCK}"' in r.text
    r = breaker.post("/open", files={"file": ("x.json", b'{"states": [{"phase": "Open"}]}', "application/json")})
    assert r.status_code == 400 and "no value for variable" in r.text
    r = breaker.post("/open", data={"path": str(tmp_path / "missing.json")})
    assert r.status_code == 400 and "cannot read" in r.text


def test_state_graph_whole_and_neighbourhood():
    c, _ = _client()
    r = c.get("/graph", params={"at": "call_fails"})
    data = json.loads(re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', r.text, re.S)
                      .group(1))
    assert data["states"] == 38 and "The whole reachable graph: 38 states" in r.text
    assert sum(n["data"]["current"] for n in data["nodes"]) == 1
    assert {n["data"]["href"] for n in data["nodes"]} >= {"/path/", "/path/" + DEADLOCK}
    small, _ = _client(graph_limit=10)
    r = small.get("/graph", params={"at": "call_fails/call_fails"})
    assert "More than 10 reachable states: too many to draw" in r.text
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', r.text, re.S).group(1))
    # the path's 3 states and what lies up to two steps after its last
    assert 3 < data["states"] <= 10


def test_process_spec_has_swimlanes():
    c, _ = _client("spec/tracing.spec")
    r = c.get("/path/request(2).start/request(2).validate~2/request(2).finished/request(1).start")
    assert r.status_code == 200
    lanes = re.search(r'<table class="swimlanes">(.*?)</table>', r.text, re.S).group(1)
    assert "<th>request(1)</th><th>request(2)</th>" in lanes
    assert '<td class="act">request(2).start</td>' in lanes


def test_nested_changes_are_marked_down_to_the_entry():
    t = ir.MapT(ir.IntT(1, 3), ir.SetT(ir.IntT(0, 2)))
    old = (frozenset(), frozenset({1}), frozenset())
    new = (frozenset(), frozenset({1, 2}), frozenset())
    v = value_view(new, t, old)
    assert v["changed"] and [r["changed"] for r in v["rows"]] == [False, True, False]
    assert [(m["text"], m["status"]) for m in v["rows"][1]["value"]["members"]] == [("1", ""), ("2", "added")]
    seq = value_view((1,), ir.SeqT(ir.IntT(0, 3), 2), (1, 2))
    assert seq["removed"] == 1 and not seq["rows"][0]["changed"]


def test_bad_spec_exits_2_before_serving(tmp_path):
    bad = tmp_path / "bad.spec"
    bad.write_text("spec bad\nvar x: 0..3 = 0\naction a { x = y }\n")
    out = subprocess.run([sys.executable, "-m", "checker.cli", "explore", str(bad), "--port", "0"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert f"{bad}:3:" in out.stderr and "^" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "checker.cli", "explore", "spec/breaker.spec", "--const", "NOPE=1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "NOPE" in out.stderr
    out = subprocess.run([sys.executable, "-m", "checker.cli", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert "verify explore spec/breaker.spec" in out.stdout


def test_progress_and_stop_of_a_check():
    from checker.explore.jobs import Job, Jobs
    from checker.options import Options, Progress

    c, ex = _client("spec/config.spec")
    app = c.app.state.explorer
    job = Job(99, "explicit", progress=Progress(states=12345, transitions=40000, depth=7, seconds=2.0))
    html = app.env.get_template("check.html").render(job=job, elapsed=2.0)
    assert "12,345 states, depth 7" in html and "6,172 states/s" in html and 'hx-get="/check/99"' in html
    # a stopped check: the engine polls should_stop between chunks, so it ends early, not exhaustive
    jobs = Jobs(ex, Options())
    job = Job(1, "explicit")
    job.stop.set()
    jobs._run(job)
    assert job.done and not job.error and job.summary.endswith("(not exhaustive)")


def test_constants_without_values_are_refused_before_serving(tmp_path):
    spec = tmp_path / "n.spec"
    spec.write_text("spec n\nconst N: int where N >= 1\nvar x: 0..N = 0\naction a { require x < N\n x = x + 1 }\n")
    out = subprocess.run([sys.executable, "-m", "checker.cli", "explore", str(spec)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "--const N=VALUE" in out.stderr
    c, ex = _client(str(spec), ["N=2"])
    assert _segments(c.get("/path/a").text) == ["a"]
    assert 'id="deadlock"' in c.get("/path/a/a").text


def test_erroneous_steps_are_shown_and_a_typeok_trace_opens_before_them(tmp_path):
    spec = tmp_path / "t.spec"
    spec.write_text("spec t\nvar x: 0..2 = 0\naction inc { x = x + 1 }\n")
    c, _ = _client(str(spec))
    r = c.get("/path/inc/inc")
    assert re.search(r'class="step erroneous" data-segment="inc">inc</span> <small class="error">runtime error: '
                     r'x = 3 is outside', r.text)
    assert c.get("/path/inc/inc/inc").status_code == 404
    html = _finished(c, c.post("/check", data={"mode": "explicit"}).text)
    row = re.search(r'data-property="typeok">(.*?)</tr>', html, re.S).group(1)
    assert 'href="/path/inc/inc"' in row and "the last step, inc, is erroneous: x = 3 is outside" in row


SPECS = sorted(os.path.basename(p) for p in __import__("glob").glob(os.path.join(ROOT, "spec", "*.spec")))


@pytest.mark.parametrize("name", SPECS)
def test_every_counterexample_of_spec_opens_in_the_stepper(name):
    """Each trace the explicit engine reports (symmetry-reduced searches
    included) becomes a path that the stepper follows to the same last state."""
    import checker
    from checker.explore.traces import trace_to_path

    path = os.path.join(ROOT, "spec", name)
    ex, _ = load_explorer(path, [])
    for p in checker.check(path).properties:
        if p.trace is None:
            continue
        opened = trace_to_path(ex, p.trace, p.name)
        pos = ex.follow(opened.segments)
        if opened.note:          # an erroneous last step: the path stops before it
            assert p.kind == "typeok" and len(pos.taken) == len(p.trace) - 1
        else:
            assert len(pos.taken) == len(p.trace) and ex.state(pos.states[-1]) == p.trace.steps[-1].state
        assert opened.loop_start == p.trace.loop_start


def test_pages_load_nothing_from_elsewhere(breaker):
    """Works offline: every script, style sheet and link is served by the app."""
    for url in ("/path/", "/graph", "/open"):
        html = breaker.get(url).text
        refs = re.findall(r'(?:src|href)="([^"]*)"', html)
        assert refs and all(r.startswith("/") for r in refs), (url, refs)
    for asset in ("/static/htmx.min.js", "/static/cytoscape.min.js", "/static/graph.js", "/static/explore.css"):
        assert breaker.get(asset).status_code == 200, asset
