import pytest

import checker.lang.diagnostics as checker_diagnostics
import fakes  # tests/cli is on sys.path through pyproject.toml (pythonpath)


class SpecError(checker_diagnostics.SpecError):
    """Stands in for checker.lang.diagnostics.SpecError (a subclass: the
    orchestration matches it by type), with a ready-made message."""

    def __init__(self, message: str):
        Exception.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def fake_load_file(path, consts=None):
    text = open(path, encoding="utf-8").read()
    if "SYNTAX ERROR" in text:
        raise SpecError(f"{path}:1:1: error: expected 'spec'\n  SYNTAX ERROR\n  ^")
    if "CRASH" in text:
        raise ZeroDivisionError("front end bug")
    spec = fakes.breaker_spec()
    if consts:
        from dataclasses import replace
        spec = replace(spec, consts=tuple(replace(c, value=consts.get(c.name, c.value))
                                          for c in spec.consts))
    return spec


class FakeEngines:
    """Engine name -> result factory; records the calls."""

    def __init__(self):
        self.calls = []
        self.results = {"explicit": fakes.violated_result}

    def get(self, name):
        def check(spec, *rest):
            options = rest[-1]
            self.calls.append((name, spec, rest))
            factory = self.results.get(name)
            if factory is None:
                from checker.engines import EngineUnavailable
                raise EngineUnavailable(f"the {name} engine is not available: fake")
            r = factory()
            r.engine = name
            r.consts = spec.const_values()
            return r
        return check


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """A fake front end and fake engines; returns (engines, spec_path)."""
    import checker.engines
    import checker.orchestrate.load

    monkeypatch.setattr(checker.orchestrate.load, "front_end", lambda: fake_load_file)
    eng = FakeEngines()
    monkeypatch.setattr(checker.engines, "get", eng.get)
    path = tmp_path / "breaker.spec"
    path.write_text("spec breaker\n")
    return eng, str(path)
