"""Shrink a spec text that triggers a failure, keeping the failure's signature.

    python tests/fuzz/minimize.py crash.spec [--cli]      # prints the minimised text

The signature is the outcome kind plus the exception type and the last
checker frame (or the first line of the message), as computed by
``signature()``; a candidate is kept when it has the same signature.
"""
from __future__ import annotations

import re
import sys

from harness import CRASH, TIMEOUT, check_outcome, cli_outcome


def signature(outcome) -> str | None:
    if outcome.kind not in (CRASH, TIMEOUT):
        return None
    head = outcome.detail.splitlines()[0] if outcome.detail else ""
    head = re.sub(r"[0-9]+", "N", head)[:80]
    frames = re.findall(r'File "([^"]*checker[^"]*)", line ([0-9]+)', outcome.detail)
    where = f"{frames[-1][0].rsplit('/', 1)[-1]}:{frames[-1][1]}" if frames else ""
    return f"{outcome.kind}|{head.split(':')[0]}|{where}"


def run_text(text: str, seconds: float = 10.0):
    return check_outcome(text, seconds=seconds)


def _ddmin(items, test):
    """Zeller's ddmin on a list: a small sublist for which test() holds."""
    n = 2
    while len(items) >= 2:
        chunk = max(1, len(items) // n)
        reduced = False
        for i in range(0, len(items), chunk):
            cand = items[:i] + items[i + chunk:]
            if cand and test(cand):
                items = cand
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    return items


def minimize(text: str, run=run_text, seconds: float = 10.0) -> str:
    want = signature(run(text))
    if want is None:
        raise ValueError("the input does not fail")

    def same(t: str) -> bool:
        return signature(run(t)) == want

    lines = text.split("\n")
    lines = _ddmin(lines, lambda ls: same("\n".join(ls)))
    text = "\n".join(lines)
    toks = re.findall(r"\s+|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\.\.|->|=>|==|!=|<=|>=|.", text)
    toks = _ddmin(toks, lambda ts: same("".join(ts)))
    text = "".join(toks)
    # tidy whitespace where that keeps the failure
    tidy = re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip() + "\n"
    return tidy if same(tidy) else text


if __name__ == "__main__":
    src = open(sys.argv[1], encoding="utf-8").read()
    print(minimize(src), end="")
