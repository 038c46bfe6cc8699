"""Cross-check the engines on one spec text (used by test_random.py and
bench/random_crosscheck.py).

Rules, per property (invariants, typeok, deadlock):
* explicit and bmc agree on the verdict, bmc searching one step past the
  explicit engine's BFS depth (so it can see every reachable state): a
  violation of d steps by one is a violation of d steps by the other, with
  the same final action; explicit HOLDS <=> bmc finds nothing;
* kind and pdr never prove what explicit refutes, never refute what explicit
  proves, and their counterexamples have the explicit length; except pdr's
  from Spacer's own path (``not_shortest``): at least that long, and it
  replays to a violation in the reference interpreter.
"""
from __future__ import annotations

from checker import engines, evidence, interp
from checker.lang import load_text
from checker.options import Options
from checker.results import Verdict

V, H = Verdict.VIOLATED, Verdict.HOLDS


def check_text(text: str, max_k: int = 3, timeout: float | None = 5.0, pdr: bool = True,
               rlimit: int | None = None):
    """-> (problems: list[str], counts: dict) for one spec.  ``rlimit`` (Z3
    resource units per query) instead of ``timeout``: a budget that does not
    depend on the machine's load, for tests."""
    spec = load_text(text, "<random>", {})
    ex = engines.get("explicit")(spec, Options())
    depth = ex.stats.depth + 1
    single_init = not any(v.init_choice for v in spec.vars)
    res = {"explicit": ex,
           "bmc": engines.get("bmc")(spec, Options(depth=depth, timeout=timeout, solver_rlimit=rlimit)),
           "kind": engines.get("kind")(spec, Options(max_k=max_k, timeout=timeout, solver_rlimit=rlimit))}
    if pdr:
        res["pdr"] = engines.get("pdr")(spec, Options(timeout=timeout, solver_rlimit=rlimit))
    problems: list[str] = []
    counts = {"properties": 0, "violated": 0, "kind_proved": 0, "pdr_proved": 0, "unknown_symbolic": 0}
    # explicit may stop early once every property is violated (not exhaustive)
    for p in ex.properties:
        counts["properties"] += 1
        b = res["bmc"].get(p.name)
        if p.verdict is V:
            counts["violated"] += 1
            if b.verdict is not V:
                problems.append(f"{p.name}: explicit violated in {len(p.trace)} steps, bmc {b.verdict.value} "
                                f"(depth {depth})")
            elif len(b.trace) != len(p.trace):
                problems.append(f"{p.name}: explicit {len(p.trace)} steps, bmc {len(b.trace)}")
            elif (b.trace.steps[-1].label() != p.trace.steps[-1].label()
                  and not genuine_violation(spec, p, b.trace)):
                # equally short counterexamples may differ (BFS order vs bmc's
                # choice); then bmc's must itself be a real one
                problems.append(f"{p.name}: bmc's {len(b.trace)}-step trace (ending {b.trace.steps[-1].label()}) "
                                f"does not replay to a violation; explicit ends {p.trace.steps[-1].label()}")
        elif p.verdict is H:
            if b.verdict is V:
                problems.append(f"{p.name}: explicit holds, bmc violated in {len(b.trace)} steps")
            elif b.verdict is H:
                problems.append(f"{p.name}: bmc says HOLDS")
        else:
            problems.append(f"{p.name}: explicit {p.verdict.value} ({p.detail})")
        for eng in ("kind", "pdr"):
            if eng not in res:
                continue
            q = res[eng].get(p.name)
            if q.verdict is H:
                counts[f"{eng}_proved"] += 1
                if p.verdict is V:
                    problems.append(f"{p.name}: {eng} proved it, explicit refutes it in {len(p.trace)} steps")
            elif q.verdict is V:
                if p.verdict is H:
                    problems.append(f"{p.name}: {eng} refutes it, explicit proves it")
                elif q.trace is not None and not_shortest(q):
                    if len(q.trace) < len(p.trace):
                        problems.append(f"{p.name}: {eng} {len(q.trace)} steps, shorter than explicit's "
                                        f"{len(p.trace)} (breadth-first: the shortest)")
                    if not genuine_violation(spec, p, q.trace):
                        problems.append(f"{p.name}: {eng}'s trace from Spacer does not replay to a violation")
                elif q.trace is not None and len(q.trace) != len(p.trace):
                    problems.append(f"{p.name}: {eng} {len(q.trace)} steps, explicit {len(p.trace)}")
            elif q.verdict is Verdict.ERROR:
                problems.append(f"{p.name}: {eng} error: {q.detail}")
            else:
                counts["unknown_symbolic"] += 1
    return problems, counts


def not_shortest(result) -> bool:
    """pdr's trace is Spacer's own path, replayed by Z3: a real path, but
    not necessarily a shortest one (its evidence says so).  A temporal
    property's lasso from Spacer's path on the product is compared as
    exactly as a shortest one, as the catalog always did."""
    e = evidence.inner(result.evidence)
    return isinstance(e, evidence.Pdr) and e.path == "spacer" and not e.on_product


def genuine_violation(spec, prop, trace) -> bool:
    """Does ``trace`` replay step by step (each recorded action with its
    arguments, leading to the recorded state) in the reference interpreter
    and end in a violation of ``prop`` (invariant false, an erroneous last
    step, no step at all for deadlock, the goal for a reachability witness)?"""
    from checker.interp import StepError, holds, invariant_failures, is_terminal, run_action, successors
    from checker.replay import Record, replay

    steps = trace.steps
    kept = steps[:-1] if prop.kind == "typeok" else steps
    records = [Record(i, state=s.state, action=s.action, args=tuple(s.args) if s.action else None)
               for i, s in enumerate(kept)]
    if kept and not replay(spec, records, check_invariants=False).ok:
        return False
    if prop.kind == "deadlock":
        return not successors(spec, steps[-1].state) and not is_terminal(spec, steps[-1].state)
    if prop.kind == "reachable":
        from checker.interp import EvalError
        goal = next(r for r in spec.reachables if r.name == prop.name)
        try:
            return holds(spec, goal.expr, steps[-1].state)
        except EvalError:
            return False
    if prop.kind == "typeok":
        if len(steps) < 2:
            return True  # an erroneous initial value: nothing to replay
        last = steps[-1]
        return any(isinstance(o, StepError) for o in run_action(spec, last.action, tuple(last.args), steps[-2].state))
    if prop.kind == "invariant":
        return any(n == prop.name for n, _ in invariant_failures(spec, steps[-1].state))
    return True


def check_temporal_text(text: str, max_k: int = 4, rlimit: int = 2_000_000, depth: int | None = None):
    """Temporal properties under fairness: the explicit engine (fair SCCs)
    against bmc's lasso search and the liveness-to-safety proofs of kind and
    pdr.  -> (problems, counts).

    explicit holds <=> no engine finds a lasso, and kind/pdr never prove
    what explicit refutes; bmc's lasso (the shortest) is no longer than
    explicit's (which is not necessarily the shortest), and kind/pdr show
    bmc's lasso.  Z3 runs under a resource limit, so the counts are the
    same on any machine."""
    from checker.results import PROPERTY

    spec = load_text(text, "<random>", {})
    names = tuple(p.name for p in spec.properties)
    ex = engines.get("explicit")(spec, Options(properties=names + tuple(i.name for i in spec.invariants)))
    depth = depth if depth is not None else min(ex.stats.depth + 2, 12)
    sym = dict(solver_rlimit=rlimit, properties=names + tuple(i.name for i in spec.invariants))
    res = {"bmc": engines.get("bmc")(spec, Options(depth=depth, **sym)),
           "kind": engines.get("kind")(spec, Options(max_k=max_k, **sym)),
           "pdr": engines.get("pdr")(spec, Options(**sym))}
    problems: list[str] = []
    counts = {"properties": 0, "violated": 0, "kind_proved": 0, "pdr_proved": 0,
              "kind_refuted": 0, "pdr_refuted": 0, "unknown_symbolic": 0}
    decls = {t.name: t for t in spec.properties}
    for p in ex.properties:
        if p.kind != PROPERTY:
            continue
        counts["properties"] += 1
        if p.verdict not in (V, H):
            problems.append(f"{p.name}: explicit {p.verdict.value} ({p.detail})")
            continue
        counts["violated"] += p.verdict is V
        b = res["bmc"].get(p.name)
        if b.verdict is V and p.verdict is H:
            problems.append(f"{p.name}: explicit holds, bmc has a {len(b.trace)}-step lasso")
        if b.verdict is V and p.verdict is V and len(b.trace) > len(p.trace):
            problems.append(f"{p.name}: bmc's lasso ({len(b.trace)}) longer than explicit's ({len(p.trace)})")
        if b.verdict is H:
            problems.append(f"{p.name}: bmc says HOLDS")
        for eng in ("kind", "pdr"):
            q = res[eng].get(p.name)
            if q.verdict is H:
                counts[f"{eng}_proved"] += 1
                if p.verdict is V:
                    problems.append(f"{p.name}: {eng} proved it ({q.method}), explicit has a lasso")
            elif q.verdict is V:
                counts[f"{eng}_refuted"] += 1
                if p.verdict is H:
                    problems.append(f"{p.name}: {eng} refutes it, explicit proves it")
                else:
                    problems += [f"{p.name}: {eng}'s lasso: {w}" for w in lasso_problems(spec, decls[p.name], q.trace)]
                    if b.verdict is V and len(q.trace) < len(b.trace):
                        problems.append(f"{p.name}: {eng} lasso {len(q.trace)} steps, shorter than bmc's {len(b.trace)}")
            elif q.verdict is Verdict.ERROR:
                problems.append(f"{p.name}: {eng} error: {q.detail}")
            else:
                counts["unknown_symbolic"] += 1
    return problems, counts


def holds_or_false(spec, expr, state) -> bool:
    try:
        return bool(interp.holds(spec, expr, state))
    except Exception:  # an evaluation error counts as false, as in both engines
        return False


def lasso_problems(spec, prop, tr) -> list[str]:
    """Why the trace is not a fair lasso violating prop ([] when it is one)."""
    states = [s.state for s in tr.steps]
    n, loop = len(states) - 1, tr.loop_start
    for i in range(n):
        nxt = [(a, args) for a, args, o in interp.successors(spec, states[i])
               if not isinstance(o, interp.StepError) and o == states[i + 1]]
        if (tr.steps[i + 1].action, tuple(tr.steps[i + 1].args)) not in nxt:
            return [f"step {i + 1} ({tr.steps[i + 1].label()}) is not a transition"]
    last = [(a, args, o) for a, args, o in interp.successors(spec, states[n])
            if not isinstance(o, interp.StepError)]
    closing = [(a, args) for a, args, o in last if o == states[loop]]
    if not closing and not (last == [] and loop == n):
        return ["the loop does not close and its last state is not a stutter"]
    p = [holds_or_false(spec, prop.p, s) for s in states]
    cycle = range(loop, n + 1)
    if prop.kind == "eventually":
        bad = not any(p)
    elif prop.kind == "always_eventually":
        bad = not any(p[j] for j in cycle)
    elif prop.kind == "eventually_always":
        bad = any(not p[j] for j in cycle)
    elif prop.kind == "leads_to":
        q = [holds_or_false(spec, prop.q, s) for s in states]
        bad = any(p[i] and not q[i] and not any(q[j] for j in range(min(i, loop), n + 1))
                  for i in range(n + 1))
    else:
        bad = not all(p)
    if not bad:
        return ["the property holds on it"]
    taken = {(tr.steps[j].action, tuple(tr.steps[j].args)) for j in range(loop + 1, n + 1)}
    taken |= set(closing)
    for fi, f in enumerate(spec.fairness):
        def groups(labels, f=f):
            return {args[:f.key_params] for a, args in labels if a in f.actions}
        enabled = [groups((a, args) for a, args, o in interp.successors(spec, states[j])
                          if not isinstance(o, interp.StepError)) for j in cycle]
        must = set.intersection(*enabled) if f.kind == "weak" else set.union(*enabled)
        missing = must - groups(taken)
        if missing:
            return [f"unfair: {f.kind} fairness of {f.origin} never taken for {sorted(missing)}"]
    return []
