"""Golden tests: each ``cases/NAME.spec`` starts with ``// verify: ARGS``;
the harness runs ``verify NAME.spec ARGS --no-timing`` in ``cases/`` (through
the installed console script, in a subprocess: end to end) and compares
stdout, stderr and the exit code with ``cases/NAME.expected``.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/golden``
and review the diff.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
HEADER = "// verify:"


def verify_command() -> list[str]:
    exe = Path(sys.executable).parent / "verify"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("verify")
    return [found] if found else [sys.executable, "-m", "checker.cli"]


def case_args(spec: Path) -> list[str]:
    first = spec.read_text(encoding="utf-8").splitlines()[0] if spec.stat().st_size else ""
    if not first.startswith(HEADER):
        raise AssertionError(f"{spec.name}: the first line must be '{HEADER} ARGS'")
    return shlex.split(first[len(HEADER):])


def run_case(spec: Path) -> str:
    args = [spec.name] + case_args(spec) + ["--no-timing"]
    env = {k: v for k, v in os.environ.items() if k not in ("VERIFY_DEBUG", "COLUMNS")}
    env["NO_COLOR"] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    p = subprocess.run(verify_command() + args, cwd=CASES, env=env, capture_output=True,
                       text=True, timeout=300)
    out = [f"$ verify {shlex.join(args)}"]
    if p.stdout:
        out.append(p.stdout.rstrip("\n"))
    if p.stderr:
        out += ["--- stderr", p.stderr.rstrip("\n")]
    out.append(f"--- exit code {p.returncode}")
    return "\n".join(out) + "\n"


SPECS = sorted(CASES.glob("*.spec"))


def check_json(spec: Path, actual: str) -> None:
    """A --json case's stdout must be one document valid against docs/result.schema.json."""
    import importlib.util
    import json

    path = Path(__file__).parents[1] / "cli" / "schema_check.py"
    mod_spec = importlib.util.spec_from_file_location("schema_check", path)
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    body = actual.split("\n", 1)[1].split("\n--- ", 1)[0]
    assert mod.validate(json.loads(body)) == [], spec.name


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_golden(spec: Path):
    actual = run_case(spec)
    assert "Traceback" not in actual
    if "engine is not available" in actual and not os.environ.get("UPDATE_GOLDEN"):
        pytest.skip("the engine this case needs is not written yet")
    if "--json" in case_args(spec):
        check_json(spec, actual)
    expected_path = spec.with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDEN"):
        if actual.endswith("--- exit code 4\n"):
            pytest.fail(f"not updating {expected_path.name}: the checker failed internally:\n{actual}")
        expected_path.write_text(actual, encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"{expected_path.name} is missing; create it with UPDATE_GOLDEN=1 pytest tests/golden")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_expected_file_has_a_spec():
    orphans = [p.name for p in CASES.glob("*.expected") if not p.with_suffix(".spec").exists()]
    assert orphans == []
