"""The Z3 engines agree with the explicit engine."""
import pytest

from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict
from checker.symbolic import bmc, kind

import specs

explicit = pytest.importorskip("checker.explicit.engine")

CASES = ["COUNTER", "TWO_VARS", "NOT_ONE_INDUCTIVE", "BREAKER_DEADLOCK", "SETS", "MAPS",
         "SEQS", "HEAD_EMPTY", "EITHER", "DIVISION", "DIV_ZERO"]


@pytest.mark.parametrize("name", CASES)
def test_same_verdicts_and_depths(name):
    sp = load_text(getattr(specs, name))
    ex = explicit.check(sp, Options())
    b = bmc.check(sp, Options(depth=25))
    k = kind.check(sp, Options(max_k=25))
    assert [p.name for p in ex.properties] == [p.name for p in b.properties] == [p.name for p in k.properties]
    for pe, pb, pk in zip(ex.properties, b.properties, k.properties):
        if pe.verdict is Verdict.VIOLATED:
            assert pb.verdict is Verdict.VIOLATED, (pe.name, pb.detail)
            assert len(pb.trace) == len(pe.trace), pe.name
            assert pk.verdict is Verdict.VIOLATED and len(pk.trace) == len(pe.trace)
            # the violating state itself agrees when the trace is unique
            assert pb.trace.steps[-1].action == pe.trace.steps[-1].action
        else:
            assert pe.verdict is Verdict.HOLDS, (pe.name, pe.verdict)
            assert pb.verdict is Verdict.UNKNOWN
            assert pk.verdict is Verdict.HOLDS, (pe.name, pk.method, pk.detail)
