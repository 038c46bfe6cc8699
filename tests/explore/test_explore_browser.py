"""verify explore in a real browser: Debian's Chromium driven by Playwright.

The server is the real command (``verify explore spec/breaker.spec --port 0``)
in a subprocess; the test reads the URL it prints and waits until it answers.
Skipped when Chromium or Playwright is missing on a developer machine, a
failure when the environment variable CI is set (CI installs both).

``UPDATE_SCREENSHOT=1 pytest tests/explore/test_explore_browser.py`` also
writes the README's screenshot, docs/explorer.png.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# The design document's deadlock (verify spec/breaker.spec): the step taken,
# the variables it changes, the invariants false afterwards.
DEADLOCK = [
    ("call_fails", {"consecutive", "failures"}, set()),
    ("call_fails", {"consecutive", "failures"}, set()),
    ("call_fails", {"consecutive", "failures", "phase"}, set()),
    ("tick", {"waited"}, set()),
    ("tick", {"waited"}, set()),
    ("call_after_timeout~2", {"failures", "hung", "trials"},
     {"failure_count_within_threshold", "calls_always_return"}),
]


def _missing() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
        import PIL  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed (pip install -e '.[test]')"
    return ""


@pytest.fixture(scope="module")
def server():
    why = _missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium and Playwright in CI: {why}")
        pytest.skip(why)
    proc = subprocess.Popen([sys.executable, "-m", "checker.cli", "explore", "spec/breaker.spec", "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()          # blocks until the server has bound its port
        assert "http://127.0.0.1:" in line, (line, proc.stderr.read() if proc.poll() is not None else "")
        url = line.split("at ", 1)[1].split()[0].rstrip("/")
        _wait_until_answers(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_until_answers(url: str, proc) -> None:
    """Poll until the server answers (a condition; the bound below only
    catches a server that never comes up)."""
    for _ in range(3000):
        if proc.poll() is not None:
            raise AssertionError(f"verify explore exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url + "/path/", timeout=10) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("verify explore never answered")


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(60_000)
        yield pg
        browser.close()


def _changed(page) -> set:
    return set(page.eval_on_selector_all("tr.var.changed", "rows => rows.map(r => r.dataset.var)"))


def _failing(page) -> set:
    return set(page.eval_on_selector_all("li.inv.fails", "xs => xs.map(x => x.dataset.invariant)"))


def _holding(page) -> set:
    return set(page.eval_on_selector_all("li.inv.holds", "xs => xs.map(x => x.dataset.invariant)"))


def test_click_through_the_deadlock(server, page):
    page.goto(server + "/")
    assert page.url.endswith("/path/")
    assert _changed(page) == set()
    invariants = _holding(page)
    assert len(invariants) == 8 and _failing(page) == set()
    assert page.locator("#deadlock").count() == 0
    taken = []
    for n, (step, changed, failing) in enumerate(DEADLOCK, start=1):
        page.locator("#actions").get_by_role("link", name=step, exact=True).click()
        taken.append(step)
        page.wait_for_url(server + "/path/" + "/".join(taken))   # the whole path: a repeated step is no match
        assert page.locator("#path li").count() == n + 1
        assert _changed(page) == changed, f"step {n} {step}"
        assert _failing(page) == failing, f"step {n} {step}"
        assert _holding(page) == invariants - failing
    # the deadlock: nothing enabled, every binding greyed with its failing require
    assert page.locator("#deadlock").is_visible()
    assert page.locator("ul.enabled a.step").count() == 0
    assert "require not hung" in page.locator("ul.disabled").inner_text()
    # the nested change: failures went 3 -> 4, highlighted as a changed value
    assert page.locator('tr.var[data-var="failures"] .val.changed').inner_text() == "4"
    page.locator("#back").click()
    page.wait_for_url(server + "/path/call_fails/call_fails/call_fails/tick/tick")
    assert _changed(page) == {"waited"}


def test_counterexample_from_a_check_run_on_the_page(server, page, tmp_path):
    page.goto(server + "/path/")
    page.locator("#run-check").click()              # htmx posts the form, then polls
    page.wait_for_selector('.job[data-done="yes"]')
    row = page.locator('tr.verdict[data-property="deadlock"]')
    assert "violated" in row.inner_text()
    row.locator("a.trace-link").click()
    page.wait_for_url("**/call_after_timeout~2")
    assert page.locator("#path li").count() == 7
    assert page.locator("#deadlock").is_visible()
    assert _failing(page) == {"failure_count_within_threshold", "calls_always_return"}
    shot = page.screenshot(full_page=False)
    _assert_not_blank(shot)
    if os.environ.get("UPDATE_SCREENSHOT"):
        with open(os.path.join(ROOT, "docs", "explorer.png"), "wb") as f:
            f.write(shot)
    # the lasso of `recovers` opens with its loop marked
    page.goto(server + "/path/call_fails")               # a fresh page: no earlier check's results on it
    assert page.locator(".job").count() == 0
    page.locator("#run-check").click()
    page.wait_for_selector('.job[data-done="yes"]')
    page.locator('tr.verdict[data-property="recovers"] a.trace-link').click()
    page.wait_for_selector("#lasso")
    assert page.locator("li.in-loop .loop-mark").count() >= 1


def _assert_not_blank(png: bytes) -> None:
    from PIL import Image, ImageStat

    img = Image.open(io.BytesIO(png)).convert("L")
    assert img.size[0] >= 800 and img.size[1] >= 600
    stat = ImageStat.Stat(img)
    assert stat.stddev[0] > 20, f"the screenshot is nearly uniform (stddev {stat.stddev[0]:.1f})"
    assert len(img.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20


def test_state_graph_nodes_open_the_stepper(server, page):
    page.goto(server + "/graph?at=call_fails")
    page.wait_for_function("window.explorerGraph && window.explorerGraph.nodes().length > 0")
    assert page.evaluate("window.explorerGraph.nodes().length") == 38
    assert page.evaluate("window.explorerGraph.nodes('[?current]').length") == 1
    # click the node of the state after call_fails/call_fails: the stepper opens there
    target = page.evaluate("""() => {
        const n = window.explorerGraph.nodes().filter(n => n.data('href') === '/path/call_fails/call_fails')[0];
        const p = n.renderedPosition(); const box = document.getElementById('cy').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(target[0], target[1])
    page.wait_for_url("**/path/call_fails/call_fails")
    assert page.locator("#path li").count() == 3
