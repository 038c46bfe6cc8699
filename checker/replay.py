"""Replay a recorded trace against a spec: is every step one the spec allows?

This is how a running system's logs are checked against its design.  A trace
is either an ITF document (``.itf.json``) or JSON lines, one record a line
(both documented for users in docs/replay.md):

* a state record: ``{"phase": "Open", "failures": 3, ...}`` (every variable;
  plain JSON numbers, lists for sets and sequences, objects or ``#map`` for maps);
* an action record: ``{"action": "call_fails", "args": []}``, optionally with
  the state it led to under ``"state"``.

The replay keeps the set of states the system can be in (a log of actions
alone may not pin down the state when the spec is nondeterministic) and
reports the first record the spec does not allow, the state before it, and
the steps that would have been allowed.  Invariants are checked on every
state reached.  Steps are computed by the reference interpreter
(``checker.interp``), independently of the engines.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from . import ir
from .interp import StepError, freeze, initial_states, invariant_failures, run_action, successors
from .report.itf import ITFError, from_itf


class ReplayInputError(ValueError):
    """The trace file cannot be read as a trace of this spec (exit code 2)."""


@dataclass
class Record:
    line: int                      # 1-based line (JSON lines) or 0-based state index (ITF, see ``unit``)
    state: Optional[dict] = None   # canonical state, when recorded
    action: Optional[str] = None
    args: Optional[tuple] = None
    unit: str = "line"             # "line" (JSON lines) or "state" (ITF: ``line`` is the index in "states")

    def where(self, trace_name: str) -> str:
        """``log.jsonl:7`` for a line, ``run.itf.json: state 7`` for an ITF state (not a line)."""
        return f"{trace_name}:{self.line}" if self.unit == "line" else f"{trace_name}: state {self.line}"


@dataclass
class ReplayResult:
    ok: bool
    records: int                   # records read
    checked: int                   # records accepted before the first problem
    problem: str = ""
    at: Optional[Record] = None
    before: list[dict] = field(default_factory=list)  # the possible states before the bad record
    allowed: list[str] = field(default_factory=list)  # the steps allowed there
    violated: str = ""             # a legal trace that breaks this invariant (``before``: the state reached)


def read_trace(text: str, spec: ir.Spec, name: str = "trace") -> list[Record]:
    text = text.strip()
    if not text:
        raise ReplayInputError(f"{name}: empty trace")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and "states" in doc:
        return _records_from_itf(doc, spec, name)
    records = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise ReplayInputError(f"{name}:{i}: not JSON: {e.msg}") from None
        if not isinstance(obj, dict):
            raise ReplayInputError(f"{name}:{i}: expected a JSON object")
        records.append(_record(obj, spec, f"{name}:{i}", i))
    return records


def _records_from_itf(doc: dict, spec: ir.Spec, name: str) -> list[Record]:
    out = []
    for i, st in enumerate(doc["states"]):
        if not isinstance(st, dict):
            raise ReplayInputError(f"{name}: state {i}: expected an object")
        values = {k: v for k, v in st.items() if k != "#meta"}
        out.append(Record(i, state=_state(values, spec, f"{name}: state {i}"), unit="state"))
    return out


def _record(obj: dict, spec: ir.Spec, where: str, line: int) -> Record:
    if "action" in obj:
        action = obj["action"]
        actions = {a.name: a for a in spec.actions}
        if action not in actions:
            import difflib
            close = difflib.get_close_matches(str(action), list(actions), n=1)
            raise ReplayInputError(f"{where}: the spec has no action {action!r}"
                                   + (f" (did you mean {close[0]}?)" if close else ""))
        a = actions[action]
        raw = obj.get("args", [])
        if not isinstance(raw, list) or len(raw) != len(a.params):
            raise ReplayInputError(f"{where}: {action} takes {len(a.params)} argument(s) as a list")
        try:
            args = tuple(from_itf(x, p.type, f"{where}: argument {p.name}") for x, p in zip(raw, a.params))
        except ITFError as e:
            raise ReplayInputError(str(e)) from None
        state = _state(obj["state"], spec, where) if isinstance(obj.get("state"), dict) else None
        return Record(line, state=state, action=action, args=args)
    return Record(line, state=_state(obj, spec, where))


def _state(values: dict, spec: ir.Spec, where: str) -> dict:
    names = {v.name: v.type for v in spec.vars}
    unknown = [k for k in values if k not in names]
    if unknown:
        raise ReplayInputError(f"{where}: the spec has no variable {unknown[0]!r}")
    missing = [k for k in names if k not in values]
    if missing:
        raise ReplayInputError(f"{where}: no value for variable {missing[0]!r}")
    try:
        return {n: from_itf(values[n], t, f"{where}: {n}") for n, t in names.items()}
    except ITFError as e:
        raise ReplayInputError(str(e)) from None


def replay(spec: ir.Spec, records: list[Record], check_invariants: bool = True) -> ReplayResult:
    """Replay ``records``; ``check_invariants=False`` checks only that every step is allowed."""
    current: dict[tuple, dict] = {}
    start = 0
    inits = [s for s in initial_states(spec) if not isinstance(s, StepError)]
    if records and records[0].action is None:
        want = records[0].state
        current = {freeze(spec, s): s for s in inits if s == want}
        if not current:
            return ReplayResult(False, len(records), 0, "the first state is not an initial state of the spec",
                                records[0], inits, [])
        start = 1
    else:
        current = {freeze(spec, s): s for s in inits}
    for n, rec in enumerate(records[start:], start=start):
        nxt: dict[tuple, dict] = {}
        errors = []
        for s in current.values():
            if rec.action is not None:
                outcomes = [(rec.action, rec.args, o) for o in run_action(spec, rec.action, rec.args, s)]
            else:
                outcomes = successors(spec, s)
            for name, args, o in outcomes:
                if isinstance(o, StepError):
                    errors.append(str(o))
                    continue
                if rec.state is not None and o != rec.state:
                    continue
                nxt[freeze(spec, o)] = o
        if not nxt:
            before = list(current.values())
            allowed = sorted({_label(a, args) for s in before for a, args, o in successors(spec, s)
                              if not isinstance(o, StepError)})
            what = f"{rec.action}{_args(rec.args)}" if rec.action is not None else "the recorded state"
            why = f"a runtime error: {errors[0]}" if errors else "the spec does not allow it here"
            return ReplayResult(False, len(records), n, f"{what}: {why}", rec, before, allowed)
        for s in (nxt.values() if check_invariants else ()):
            bad = invariant_failures(spec, s)
            if bad:
                name, detail = bad[0]
                return ReplayResult(False, len(records), n + 1,
                                    f"the state reached violates invariant {name}"
                                    + (f" ({detail})" if detail != "false" else ""),
                                    rec, [s], [], violated=name)
        current = nxt
    return ReplayResult(True, len(records), len(records))


def _args(args) -> str:
    return "(" + ", ".join(ir.show_value(a) for a in args) + ")" if args else ""


def _label(action: str, args) -> str:
    from .results import Step
    return Step(action, tuple(args)).label()


def render(result: ReplayResult, spec: ir.Spec, trace_name: str) -> str:
    from .report.text import show_typed
    if result.ok:
        return f"{trace_name}: all {result.records} records are steps the spec {spec.name} allows\n"
    rec = result.at
    where = rec.where(trace_name) if rec is not None else trace_name
    if result.violated:
        return _render_violation(result, spec, where)
    out = [f"{where}: not allowed by spec {spec.name}: {result.problem}",
           f"  {result.checked} of {result.records} records were allowed steps before it"]
    types = {v.name: v.type for v in spec.vars}
    for i, s in enumerate(result.before[:3]):
        title = "state before" if len(result.before) == 1 else f"possible state before ({i + 1} of {len(result.before)})"
        out.append(f"  {title}: " + ", ".join(f"{n} = {show_typed(v, types.get(n))}" for n, v in s.items()))
    if rec is not None and rec.state is not None and result.before:
        diffs = [n for n in types if result.before[0].get(n) != rec.state.get(n)]
        if diffs:
            out.append("  recorded: " + ", ".join(f"{n} = {show_typed(rec.state[n], types[n])}" for n in diffs))
    if result.allowed:
        out.append("  the spec allows here: " + ", ".join(result.allowed))
    elif result.before and not result.problem.startswith("the state reached"):
        out.append("  the spec allows no step here")
    return "\n".join(out) + "\n"


def _render_violation(result: ReplayResult, spec: ir.Spec, where: str) -> str:
    """A legal trace that breaks an invariant: every step is allowed, so it is
    not "not allowed"; it is a behaviour of the spec that the invariant rejects."""
    from .report.text import show_typed
    types = {v.name: v.type for v in spec.vars}
    detail = result.problem.partition(f"violates invariant {result.violated}")[2]  # " (why)" or ""
    out = [f"{where}: a legal trace of spec {spec.name} that violates invariant {result.violated}{detail}",
           f"  the first {result.checked} of {result.records} records are all steps the spec allows; "
           "the state the last of them reaches breaks the invariant"]
    if result.before:
        out.append("  state reached: " + ", ".join(f"{n} = {show_typed(v, types.get(n))}"
                                                   for n, v in result.before[0].items()))
    return "\n".join(out) + "\n"
