"""Mutation testing of the checker's soundness.

For every spec in spec/ and tests/soundness/specs/, make seeded mutants of
the TEXT (a small tokenizer that skips comments and knows which braces are
statement blocks) and run the explicit engine on each.  A mutant is

* a *load failure* when the front end rejects it (not a catch: the seeded
  bug never reached the engine);
* *too big* when it does not finish within --max-states / --timeout (not a
  catch either);
* *caught* when some property's verdict (built-in typeok/deadlock included)
  differs from the original spec's;
* *survived* otherwise; a survivor with the original's exact state and
  transition counts is an *equivalent suspect* (the mutation most likely
  changed nothing observable, e.g. `x <= 3` -> `x < 3` on a variable that
  never reaches 3 ... or a weak spec).

Cross-check (the other direction): for every invariant, typeok, deadlock or
reachability goal the explicit engine reports violated / witnessed on a
mutant, with a trace of L steps, bmc to depth L on that property alone must
report the same verdict with a trace of exactly L steps, and bmc to depth
L - 1 must not find one.  Any disagreement is a checker bug and is listed.

Mutation operators:
  cmp       flip a comparison: < <=, > >=, == !=  (both directions)
  require   negate a `require e` / `await e`      -> `require not (e)`
  literal   an integer literal n -> n + 1 or n - 1 (bounds of ranges too)
  logic     swap `and` / `or`
  delete    delete a simple statement (assignment, set/seq update, require, await)
  either    drop one branch of an `either`

    python bench/mutation.py                      # full run, writes bench/results/mutation.md
    python bench/mutation.py --per-spec 10 --specs spec/breaker.spec --no-write

Deterministic for a given --seed.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import checker  # noqa: E402
from checker.results import Verdict  # noqa: E402

# ------------------------------------------------------------------ tokenizer

_TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*)
  | (?P<nl>\n)
  | (?P<ws>[ \t\r]+)
  | (?P<num>\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.|->|=>|~>|==|!=|<=|>=|[<>=+\-*/%(){}\[\],;:.])
  | (?P<other>.)
""", re.VERBOSE)


@dataclass(frozen=True)
class Tok:
    kind: str    # num ident op nl other
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("comment", "ws"):
            continue
        out.append(Tok(kind, m.group(), m.start(), m.end()))
    return out


_TYPE_CTORS = {"map", "set", "seq"}
_CMP_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
# tokens after which `{` opens a statement block rather than a set literal
_BLOCK_AFTER_KW = {"else", "either", "or", "loop"}


@dataclass(frozen=True)
class Mutant:
    op: str
    start: int
    end: int
    replacement: str
    line: int
    desc: str

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]


class Sites:
    """Find every mutation site of a spec text."""

    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.sig = [t for t in self.toks if t.kind != "nl"]
        self._classify()

    def line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    # -- structure
    def _classify(self):
        """Generic angle brackets (map<...>) and block braces / their matches."""
        sig = self.sig
        self.generic: set[int] = set()      # indexes into sig of < > of types
        self.block_open: dict[int, int] = {}  # sig index of block `{` -> index of its `}`
        self.brace_match: dict[int, int] = {}
        angle = []
        braces = []
        enum_next = False
        for i, t in enumerate(sig):
            if t.text == "<" and i > 0 and sig[i - 1].text in _TYPE_CTORS:
                angle.append(i)
                self.generic.add(i)
            elif t.text == ">" and angle:
                self.generic.add(i)
                angle.pop()
            elif t.text == "{":
                prev = sig[i - 1] if i else None
                is_block = prev is not None and (
                    prev.text in (")", ":", "]") or prev.text in _BLOCK_AFTER_KW
                    or prev.kind in ("ident", "num") and prev.text not in (
                        "union", "minus", "inter", "subset", "in", "then", "and", "or", "not"))
                if i >= 2 and sig[i - 2].text == "enum":
                    is_block = False
                # `action name {` / `if cond {` / label: { / ) {
                braces.append((i, is_block))
            elif t.text == "}":
                if braces:
                    j, is_block = braces.pop()
                    self.brace_match[j] = i
                    if is_block:
                        self.block_open[j] = i
        # the block each sig index is directly inside (innermost brace)
        self.in_block = [False] * len(sig)
        stack = []
        for i, t in enumerate(sig):
            if t.text == "{":
                stack.append(i in self.block_open)
            elif t.text == "}":
                if stack:
                    stack.pop()
            else:
                self.in_block[i] = bool(stack) and stack[-1]

    def _stmt_end(self, ti: int) -> int:
        """Index (into self.toks) one past the end of the statement starting at toks[ti]."""
        depth = 0
        i = ti
        while i < len(self.toks):
            t = self.toks[i]
            if t.text in "([{" and t.kind == "op":
                depth += 1
            elif t.text in ")]}" and t.kind == "op":
                if depth == 0:
                    return i
                depth -= 1
            elif depth == 0 and (t.kind == "nl" or t.text == ";"):
                return i
            i += 1
        return i

    def _statement_starts(self):
        """Token indexes (into self.toks) where a simple statement starts."""
        toks = self.toks
        sig_index = {id(t): k for k, t in enumerate(self.sig)}
        out = []
        for i, t in enumerate(toks):
            if t.kind == "nl":
                continue
            k = sig_index[id(t)]
            if not self.in_block[k]:
                continue
            prev = toks[i - 1] if i else None
            if prev is not None and not (prev.kind == "nl" or prev.text in ("{", ";")):
                continue
            nxt = self.sig[k + 1] if k + 1 < len(self.sig) else None
            if t.text in ("require", "await"):
                out.append(i)
            elif t.kind == "ident" and nxt is not None and nxt.text in ("=", "[", ".") \
                    and t.text not in ("let", "var", "if", "for", "goto", "either"):
                out.append(i)
        return out

    # -- operators
    def all(self) -> list[Mutant]:
        out: list[Mutant] = []
        sig = self.sig
        for i, t in enumerate(sig):
            if t.kind == "op" and t.text in _CMP_FLIP and i not in self.generic:
                r = _CMP_FLIP[t.text]
                out.append(Mutant("cmp", t.start, t.end, r, self.line(t.start), f"`{t.text}` -> `{r}`"))
            elif t.kind == "ident" and t.text in ("and", "or") and not (
                    t.text == "or" and i + 1 < len(sig) and sig[i + 1].text == "{"):
                r = "or" if t.text == "and" else "and"
                out.append(Mutant("logic", t.start, t.end, r, self.line(t.start), f"`{t.text}` -> `{r}`"))
            elif t.kind == "num":
                n = int(t.text)
                for d in (1, -1):
                    if n + d >= 0:
                        out.append(Mutant("literal", t.start, t.end, str(n + d), self.line(t.start),
                                          f"`{n}` -> `{n + d}`"))
        for ti in self._statement_starts():
            t = self.toks[ti]
            end_i = self._stmt_end(ti)
            last = self.toks[end_i - 1]
            stmt = self.text[t.start:last.end]
            if t.text in ("require", "await"):
                expr_start = self.toks[ti + 1].start
                expr = self.text[expr_start:last.end]
                out.append(Mutant("require", expr_start, last.end, f"not ({expr})", self.line(t.start),
                                  f"`{t.text} {_short(expr)}` negated"))
            out.append(Mutant("delete", t.start, last.end, "", self.line(t.start), f"deleted `{_short(stmt)}`"))
        out.extend(self._either())
        return out

    def _either(self) -> list[Mutant]:
        out = []
        sig = self.sig
        for i, t in enumerate(sig):
            if t.text != "either" or i + 1 >= len(sig) or sig[i + 1].text != "{":
                continue
            branches = []   # (open index, close index) in sig
            j = i + 1
            while j < len(sig) and sig[j].text == "{" and j in self.brace_match:
                close = self.brace_match[j]
                branches.append((j, close))
                if close + 2 < len(sig) and sig[close + 1].text == "or" and sig[close + 2].text == "{":
                    j = close + 2
                else:
                    break
            if len(branches) < 2:
                continue
            for b in range(len(branches)):
                keep = [x for n, x in enumerate(branches) if n != b]
                if len(keep) == 1:
                    o, c = keep[0]
                    body = self.text[sig[o].start:sig[c].end]
                    repl = f"if true {body}"
                else:
                    repl = "either " + " or ".join(self.text[sig[o].start:sig[c].end] for o, c in keep)
                start, end = t.start, sig[branches[-1][1]].end
                out.append(Mutant("either", start, end, repl, self.line(t.start),
                                  f"dropped branch {b + 1} of {len(branches)}"))
        return out


def _short(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 3] + "..."


OPS = ("cmp", "require", "literal", "logic", "delete", "either")


def choose(mutants: list[Mutant], n: int, seed: int, key: str) -> list[Mutant]:
    """A deterministic sample of n mutants, spread over the operators."""
    rng = random.Random(f"{seed}:{key}")
    by_op = {op: [m for m in mutants if m.op == op] for op in OPS}
    for lst in by_op.values():
        rng.shuffle(lst)
    out: list[Mutant] = []
    while len(out) < n and any(by_op.values()):
        for op in OPS:
            if by_op[op] and len(out) < n:
                out.append(by_op[op].pop())
    return sorted(out, key=lambda m: (m.start, m.op, m.replacement))


# ------------------------------------------------------------------ running

SAFETY = ("invariant", "typeok", "deadlock", "reachable")


@dataclass
class Outcome:
    mutant: Mutant
    status: str                      # load_failure | too_big | caught | survived
    changed: list[str] = field(default_factory=list)
    states: int = 0
    transitions: int = 0
    equivalent_suspect: bool = False
    trace_changed: bool = False      # survived, but some shortest trace has a different length
    crosschecks: int = 0
    disagreements: list[str] = field(default_factory=list)
    inconclusive: list[str] = field(default_factory=list)   # bmc gave up (solver unknown, timeout)
    detail: str = ""


def verdicts(r) -> dict[str, str]:
    return {p.name: p.verdict.value for p in r.properties}


def lengths(r) -> dict[str, int | None]:
    return {p.name: (len(p.trace) if p.trace is not None else None) for p in r.properties}


def run_explicit(text: str, name: str, max_states: int, timeout: float):
    return checker.check(text, filename=name, max_states=max_states, timeout=timeout)


def _gave_up(pr) -> bool:
    """bmc stopped without an answer (solver unknown / timeout): incomplete, not a disagreement."""
    text = (pr.detail + " " + pr.method).lower()
    return pr.verdict is Verdict.UNKNOWN and ("gave up" in text or "timeout" in text or "timed out" in text)


def crosscheck(text: str, name: str, r, props: list[str], timeout: float, max_len: int,
               inconclusive: list | None = None) -> tuple[int, list[str]]:
    """bmc at the explicit engine's shortest length must agree exactly."""
    n, bad = 0, []
    if inconclusive is None:
        inconclusive = []
    for p in r.properties:
        if p.name not in props or p.kind not in SAFETY or p.trace is None:
            continue
        want = p.verdict.value
        if want not in ("violated", "holds"):
            continue
        L = len(p.trace)
        if L > max_len:
            continue
        opts = dict(engine="bmc", filename=name, properties=[p.name],
                    check_deadlock=p.kind == "deadlock", timeout=timeout)
        n += 1
        at = checker.check(text, depth=L, **opts).get(p.name)
        if _gave_up(at):
            inconclusive.append(f"{p.name}: bmc depth {L}: {at.detail[:80]}")
            continue
        if at.verdict.value != want or at.trace is None or len(at.trace) != L:
            bad.append(f"{p.name}: explicit {want} in {L} steps, bmc depth {L}: {at.verdict.value}"
                       f" ({len(at.trace) if at.trace else '-'} steps) {at.detail[:80]}")
            continue
        if L >= 1:
            below = checker.check(text, depth=L - 1, **opts).get(p.name)
            if below.verdict is not Verdict.UNKNOWN and not _gave_up(below):
                bad.append(f"{p.name}: explicit's shortest is {L} steps, bmc depth {L - 1}: "
                           f"{below.verdict.value} ({len(below.trace) if below.trace else '-'} steps)")
    return n, bad


def mutate_spec(path: str, per_spec: int, seed: int, max_states: int, timeout: float,
                cross: bool, cross_max_len: int, log=None, budget: float | None = None) -> dict:
    text = open(path).read()
    rel = os.path.relpath(path, ROOT)
    t0 = time.monotonic()
    orig = run_explicit(text, rel, max_states, timeout)
    base = verdicts(orig)
    sites = Sites(text).all()
    chosen = choose(sites, per_spec, seed, rel)
    outcomes = []
    cap = max(max_states, 20 * orig.stats.states)
    for m in chosen:
        if budget is not None and outcomes and time.monotonic() - t0 > budget:
            break   # the spec's time budget is spent: fewer mutants (the count says how many)
        mtext = m.apply(text)
        o = Outcome(m, "survived")
        try:
            r = run_explicit(mtext, rel, cap, timeout)
        except checker.SpecError as e:
            o.status = "load_failure"
            o.detail = str(e).splitlines()[0][:120]
            outcomes.append(o)
            continue
        except Exception as e:  # a crash of the checker on a well-formed mutant is a bug
            o.status = "crash"
            o.detail = f"{type(e).__name__}: {e}"[:200]
            outcomes.append(o)
            continue
        o.states, o.transitions = r.stats.states, r.stats.transitions
        if not r.exhaustive:
            o.status = "too_big"
            outcomes.append(o)
            continue
        mv = verdicts(r)
        o.changed = sorted(k for k in set(base) | set(mv) if base.get(k) != mv.get(k))
        if any(v == "error" for v in mv.values()):
            o.detail = "; ".join(f"{p.name}: {p.detail[:80]}" for p in r.properties if p.verdict is Verdict.ERROR)
        if o.changed:
            o.status = "caught"
        else:
            o.equivalent_suspect = (o.states, o.transitions) == (orig.stats.states, orig.stats.transitions)
            o.trace_changed = lengths(r) != lengths(orig)
        if cross:
            wanted = [p.name for p in r.properties if p.verdict.value in ("violated",) or
                      (p.kind == "reachable" and p.verdict is Verdict.HOLDS)]
            o.crosschecks, o.disagreements = crosscheck(mtext, rel, r, wanted, timeout, cross_max_len,
                                                        o.inconclusive)
        outcomes.append(o)
        if log:
            log(f"  {rel}:{m.line} {m.op:8} {m.desc:45} -> {o.status}"
                f"{' ' + ','.join(o.changed) if o.changed else ''}"
                f"{' DISAGREE ' + repr(o.disagreements) if o.disagreements else ''}"
                f"{' INCONCLUSIVE ' + repr(o.inconclusive) if o.inconclusive else ''}")
    return dict(spec=rel, sites=len(sites), states=orig.stats.states, outcomes=outcomes,
                seconds=time.monotonic() - t0)


def summarize(res: dict) -> dict:
    outs = res["outcomes"]
    c = {k: sum(o.status == k for o in outs) for k in ("caught", "survived", "load_failure", "too_big", "crash")}
    c["equivalent_suspects"] = sum(o.equivalent_suspect for o in outs if o.status == "survived")
    c["trace_changed"] = sum(o.trace_changed for o in outs if o.status == "survived")
    c["mutants"] = len(outs)
    c["crosschecks"] = sum(o.crosschecks for o in outs)
    c["disagreements"] = sum(len(o.disagreements) for o in outs)
    c["inconclusive"] = sum(len(o.inconclusive) for o in outs)
    c["caught_by_user_props"] = sum(o.status == "caught" and any(n not in ("typeok", "deadlock") for n in o.changed)
                                    for o in outs)
    return c


def by_operator(results: list[dict]) -> dict:
    table = {}
    for res in results:
        for o in res["outcomes"]:
            row = table.setdefault(o.mutant.op, dict(mutants=0, caught=0, survived=0, load_failure=0,
                                                      too_big=0, crash=0, equivalent_suspects=0))
            row["mutants"] += 1
            row[o.status] += 1
            if o.status == "survived" and o.equivalent_suspect:
                row["equivalent_suspects"] += 1
    return table


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def report(results: list[dict], args, seconds: float) -> str:
    tot = {k: 0 for k in ("mutants", "caught", "survived", "load_failure", "too_big", "crash",
                          "equivalent_suspects", "crosschecks", "disagreements", "caught_by_user_props",
                          "trace_changed", "inconclusive")}
    lines = []
    for res in results:
        s = summarize(res)
        for k in tot:
            tot[k] += s[k]
        lines.append(f"| {res['spec']} | {res['states']} | {res['sites']} | {s['mutants']} | {s['caught']} "
                     f"| {s['caught_by_user_props']} | {s['survived']} | {s['equivalent_suspects']} "
                     f"| {s['load_failure']} | {s['too_big']} | {s['crash']} | {s['crosschecks']} "
                     f"| {s['disagreements']} | {res['seconds']:.1f} |")
    loaded = tot["mutants"] - tot["load_failure"] - tot["too_big"] - tot["crash"]
    out = [
        "# Mutation testing of soundness",
        "",
        f"Generated by `python bench/mutation.py --per-spec {args.per_spec} --seed {args.seed}` "
        f"(max states {args.max_states}, or 20x the original's count; timeout {args.timeout:.0f} s; "
        f"bmc cross-check for traces up to {args.crosscheck_max_len} steps; "
        f"time budget per spec {args.budget or 'none'} s); "
        f"{seconds:.0f} s wall on a 2-core machine shared with other jobs.  See docs/soundness.md.",
        "",
        "## Totals",
        "",
        "| mutants | load failures | too big | crashes | ran | caught | of which by a spec property | survived | equivalent suspects | caught / ran | caught / (ran - equivalent suspects) | bmc cross-checks | disagreements |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {tot['mutants']} | {tot['load_failure']} | {tot['too_big']} | {tot['crash']} | {loaded} | {tot['caught']} "
        f"| {tot['caught_by_user_props']} | {tot['survived']} | {tot['equivalent_suspects']} "
        f"| {pct(tot['caught'], loaded)} | {pct(tot['caught'], loaded - tot['equivalent_suspects'])} "
        f"| {tot['crosschecks']} | {tot['disagreements']} |",
        "",
        f"Survivors whose verdicts are all unchanged but some shortest counterexample or witness "
        f"has a different length: {tot['trace_changed']} (the checker saw the change; the "
        f"properties did not care).  bmc cross-checks that gave up (solver unknown / timeout, "
        f"counted as neither agreement nor disagreement): {tot['inconclusive']}.",
        "",
        "*caught*: some property's verdict differs from the original spec's (typeok and deadlock "
        "included); *of which by a spec property*: a named invariant / property / reachability goal "
        "changed (not only the built-ins).  *equivalent suspects*: survivors with exactly the "
        "original's state and transition counts.  *cross-checks*: safety violations and reachability "
        "witnesses the explicit engine found on a mutant, re-checked by bmc at exactly the shortest "
        "length L (must find it, with L steps) and at L - 1 (must not).",
        "",
        "## By operator",
        "",
        "| operator | mutants | caught | survived | equivalent suspects | load failures | too big | crashes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for op, row in sorted(by_operator(results).items()):
        out.append(f"| {op} | {row['mutants']} | {row['caught']} | {row['survived']} | {row['equivalent_suspects']} "
                   f"| {row['load_failure']} | {row['too_big']} | {row['crash']} |")
    out += [
        "",
        "## Per spec",
        "",
        "| spec | states | sites | mutants | caught | by spec property | survived | equivalent suspects | load failures | too big | crashes | cross-checks | disagreements | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *lines,
        "",
    ]
    dis = [(res["spec"], o) for res in results for o in res["outcomes"] if o.disagreements or o.status == "crash"]
    out += ["## Disagreements and crashes (checker bugs)", ""]
    if not dis:
        out.append("None.")
    for spec, o in dis:
        out.append(f"- {spec}:{o.mutant.line} {o.mutant.op} {o.mutant.desc}: "
                   + ("; ".join(o.disagreements) if o.disagreements else o.detail))
    surv = [(res["spec"], o) for res in results for o in res["outcomes"]
            if o.status == "survived" and not o.equivalent_suspect]
    out += ["", "## Survivors that changed the state space (worth a look: a spec too weak to notice)", ""]
    if not surv:
        out.append("None.")
    for spec, o in surv[:60]:
        out.append(f"- {spec}:{o.mutant.line} {o.mutant.op} {o.mutant.desc} ({o.states} states)")
    if len(surv) > 60:
        out.append(f"- ... and {len(surv) - 60} more")
    return "\n".join(out) + "\n"


def default_specs() -> list[str]:
    return sorted(glob.glob(os.path.join(ROOT, "spec", "*.spec"))) + \
        sorted(glob.glob(os.path.join(ROOT, "tests", "soundness", "specs", "*.spec")))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--specs", nargs="*", help="spec files (default: spec/ and tests/soundness/specs/)")
    ap.add_argument("--per-spec", type=int, default=30, help="mutants per spec")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-states", type=int, default=200_000)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds per spec; stop making its mutants once spent")
    ap.add_argument("--no-crosscheck", action="store_true")
    ap.add_argument("--crosscheck-max-len", type=int, default=14,
                    help="skip the bmc cross-check for traces longer than this")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "mutation.md"))
    ap.add_argument("--json", default=None, help="also write the raw outcomes as JSON")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    specs = [os.path.abspath(s) for s in args.specs] if args.specs else default_specs()
    t0 = time.monotonic()
    results = []
    log = (lambda s: print(s, flush=True)) if args.verbose else None
    for path in specs:
        res = mutate_spec(path, args.per_spec, args.seed, args.max_states, args.timeout,
                          not args.no_crosscheck, args.crosscheck_max_len, log, args.budget)
        s = summarize(res)
        print(f"{res['spec']}: {s['mutants']} mutants, {s['caught']} caught, {s['survived']} survived "
              f"({s['equivalent_suspects']} equivalent suspects), {s['load_failure']} load failures, "
              f"{s['too_big']} too big, {s['crash']} crashes, {s['disagreements']} disagreements "
              f"[{res['seconds']:.1f}s]", flush=True)
        results.append(res)
    text = report(results, args, time.monotonic() - t0)
    if not args.no_write:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([dict(spec=r["spec"], outcomes=[dict(op=o.mutant.op, line=o.mutant.line, desc=o.mutant.desc,
                                                           status=o.status, changed=o.changed, states=o.states,
                                                           disagreements=o.disagreements, detail=o.detail)
                                                      for o in r["outcomes"]]) for r in results], f, indent=1)
    tot_dis = sum(summarize(r)["disagreements"] + summarize(r)["crash"] for r in results)
    return 1 if tot_dis else 0


if __name__ == "__main__":
    sys.exit(main())
