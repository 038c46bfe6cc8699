"""checker.check / checker.load: the Python API for tests and notebooks."""
import pytest

import checker
from checker.results import Verdict

COUNTER = """spec counter
const MAX: 1..5 = 3
var n: 0..MAX = 0
action inc { require n < MAX; n = n + 1 }
action reset { require n == MAX; n = 0 }
invariant small: n <= 2
"""


def test_check_text_returns_result_with_holds_and_trace():
    r = checker.check(COUNTER)
    assert r.engine == "explicit" and r.exhaustive
    assert not r.holds("small") and r.holds("typeok") and r.holds("deadlock")
    tr = r.trace("small")
    assert [s.label() for s in tr.steps] == ["init", "inc", "inc", "inc"]
    assert [s.state["n"] for s in tr.steps] == [0, 1, 2, 3]
    assert (r.stats.states, r.stats.transitions) == (4, 4)


def test_check_with_consts_and_options():
    r = checker.check(COUNTER, consts={"MAX": 2})
    assert r.holds("small") and r.stats.states == 3
    bounded = checker.check(COUNTER, max_depth=1)
    assert bounded.get("small").verdict is Verdict.UNKNOWN and not bounded.exhaustive


def test_check_a_file_and_load_the_ir(tmp_path):
    p = tmp_path / "c.spec"
    p.write_text(COUNTER)
    assert checker.check(str(p)).get("small").verdict is Verdict.VIOLATED
    spec = checker.load(p)
    assert [v.name for v in spec.vars] == ["n"] and spec.file == str(p)


def test_bad_input_raises_spec_error_and_value_error():
    with pytest.raises(checker.SpecError) as info:
        checker.check("spec t\nvar x: 0..3 = y\n")
    assert "unknown name `y`" in str(info.value)
    with pytest.raises(ValueError, match="unknown option"):
        checker.check(COUNTER, max_sates=3)
    with pytest.raises(ValueError, match="unknown engine"):
        checker.check(COUNTER, engine="tlc")
