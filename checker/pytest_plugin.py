"""pytest plugin: ``pytest spec/`` collects every ``.spec`` file, and every
property of it (invariants, temporal properties, reachability targets,
typeok, deadlock) becomes one test item.

A property is expected to hold unless the spec says otherwise, next to it:

    /// Opens only after THRESHOLD consecutive failures.
    /// expect: violated
    invariant open_only_after_consecutive_failures: ...

or, for any property including the built-in ones, in a line comment anywhere:
``// expect typeok: violated``.  Either may depend on constants:
``/// expect: violated when BUGGY=1`` then ``/// expect: holds when BUGGY=0``
(the first that applies counts; see checker.expectations).  A test passes when the verdict is the one
expected, so a spec that documents a known flaw stays green until the flaw
is fixed (and then fails, asking for the expectation to be updated).

Collected only when the file, or the folder directly holding it, is named
on the command line, so ``.spec`` fixtures inside a test suite are not.

File-level comments: ``// pytest: slow`` marks every item ``slow``
(deselect with ``-m "not slow"``).  Options: ``--spec-engine``,
``--spec-const N=V`` (a name no collected file declares is a usage error),
``--spec-max-states S``.

The check runs once per file; items share its result.  Registered through
the ``pytest11`` entry point, so it loads in every pytest session: keep
imports here light (no Z3 until a symbolic engine runs).
"""
from __future__ import annotations

import re
from typing import Optional

import pytest

from . import engines
from .errors import InputError
from .properties import property_names

_SLOW = re.compile(r"^\s*//\s*pytest:\s*slow\b", re.M)


def pytest_addoption(parser):
    group = parser.getgroup("spec", "model checking of .spec files (svc-modelcheck)")
    group.addoption("--spec-engine", default="explicit", choices=engines.names_of_whole_spec(),
                    help="engine used for .spec files (default: explicit)")
    group.addoption("--spec-const", action="append", default=[], metavar="N=V",
                    help="set a constant of the .spec files that declare it")
    group.addoption("--spec-max-states", type=int, default=None, metavar="S",
                    help="explicit engine: stop after S states (properties not yet violated are unknown)")


_USED_CONSTS = pytest.StashKey[set]()
_SPEC_FILES = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a .spec file marked `// pytest: slow`")
    config.stash[_USED_CONSTS] = set()
    config.stash[_SPEC_FILES] = []
    _spec_consts(config)  # a malformed --spec-const is a usage error at once


def _spec_consts(config) -> dict[str, int]:
    out = {}
    for item in config.getoption("spec_const"):
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise pytest.UsageError(f"--spec-const {item}: expected NAME=INTEGER, e.g. --spec-const N=3")
        try:
            out[name] = int(value)
        except ValueError:
            raise pytest.UsageError(f"--spec-const {item}: expected NAME=INTEGER") from None
    return out


def pytest_collection_finish(session):
    """--spec-const naming a constant no collected .spec file declares is a
    mistake (a typo, or the wrong file): say so instead of ignoring it."""
    config = session.config
    unused = sorted(set(_spec_consts(config)) - config.stash[_USED_CONSTS])
    if unused:
        files = config.stash[_SPEC_FILES]
        where = (f"none of the collected .spec files ({', '.join(files)}) declares"
                 if files else "no .spec file was collected to declare")
        raise pytest.UsageError(f"--spec-const {unused[0]}: {where} a constant {unused[0]}")


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".spec" and _named_on_command_line(file_path, parent.config):
        return SpecFile.from_parent(parent, path=file_path)
    return None


def _named_on_command_line(path, config) -> bool:
    """Collect a .spec file only when it, or the folder directly holding it,
    was named on the command line (``pytest spec/``, ``pytest spec/x.spec``).

    So ``pytest`` over the test suite never picks up .spec fixtures (golden
    cases, fuzz regressions, deliberately broken specs) as properties to check.
    """
    root = config.invocation_params.dir
    for arg in config.invocation_params.args:
        arg = str(arg).split("::", 1)[0]
        if not arg or arg.startswith("-"):
            continue
        named = (root / arg).resolve()
        if named == path.resolve() or named == path.parent.resolve():
            return True
    return False


class SpecCheckFailure(Exception):
    """A property's verdict is not the expected one; carries the report."""


class SpecFile(pytest.File):
    _result = None
    _error: Optional[str] = None

    def collect(self):
        from .lang import SpecError, load_text

        text = self.path.read_text(encoding="utf-8", errors="replace")
        consts = self._consts(text)
        try:
            self.spec = load_text(text, str(self.path), consts)
        except SpecError as e:
            yield SpecLoadItem.from_parent(self, name="load", message=str(e))
            return
        from .expectations import ExpectationError, check_all, expected_verdict

        try:
            check_all(self.spec)
        except ExpectationError as e:
            yield SpecLoadItem.from_parent(self, name="load", message=str(e))
            return
        docs = {x.name: (x.doc, x.span) for x in (*self.spec.invariants, *self.spec.properties,
                                                   *self.spec.reachables)}
        for name in property_names(self.spec):
            doc, span = docs.get(name, ("", None))
            want = expected_verdict(self.spec, name) or "holds"
            item = SpecItem.from_parent(self, name=name, expected=want, line=span.line if span else 1)
            if _SLOW.search(text):
                item.add_marker(pytest.mark.slow)
            yield item

    def _consts(self, text: str) -> dict[str, int]:
        """--spec-const values for the constants this file declares."""
        out = {}
        for name, value in _spec_consts(self.config).items():
            if re.search(rf"\bconst\s+{re.escape(name)}\b", text):
                out[name] = value
                self.config.stash[_USED_CONSTS].add(name)
        self.config.stash[_SPEC_FILES].append(str(self.path))
        return out

    def result(self):
        """Run the check once for the whole file."""
        if self._result is None and self._error is None:
            from .options import Options
            from .orchestrate.dispatch import run_spec   # the engines' code, imported when a spec runs

            opts = Options(max_states=self.config.getoption("spec_max_states"))
            try:
                self._result = run_spec(self.spec, self.config.getoption("spec_engine"), opts)
            except InputError as e:
                self._error = str(e)
        return self._result


class SpecLoadItem(pytest.Item):
    """Stands for a spec that does not load: fails with the diagnostics."""

    def __init__(self, *, message: str, **kw):
        super().__init__(**kw)
        self.funcargs = {}  # see SpecItem
        self.message = message

    def runtest(self):
        raise SpecCheckFailure(self.message)

    def repr_failure(self, excinfo):
        return str(excinfo.value) if excinfo.errisinstance(SpecCheckFailure) else super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}: does not load"


class SpecItem(pytest.Item):
    def __init__(self, *, expected: str, line: int, **kw):
        super().__init__(**kw)
        # No fixtures, but other plugins' hook wrappers may look for them: pytest-lsp's
        # pytest_runtest_call returns without yielding for an item with no `funcargs`,
        # which pytest reports as an error of every spec item.
        self.funcargs = {}
        self.expected = expected
        self.line = line

    def runtest(self):
        parent: SpecFile = self.parent
        result = parent.result()
        if result is None:
            raise SpecCheckFailure(parent._error or "the check did not run")
        p = result.get(self.name)
        if p.verdict.value != self.expected:
            raise SpecCheckFailure(self._report(result, p))

    def _report(self, result, p) -> str:
        from dataclasses import replace

        from .report.text import render

        head = (f"{self.path}:{self.line}: {p.kind} {self.name}: expected {self.expected}, "
                f"got {p.verdict.value} ({p.method})")
        one = replace(result, properties=[p])
        return head + "\n\n" + render(one, self.parent.spec, timing=False)

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(SpecCheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line - 1, self.name  # pytest shows it as file::name
