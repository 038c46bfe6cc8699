"""Property checks started from the editor, each in a worker process.

A check runs ``python -m checker.lsp.worker`` (the same interpreter and
checker as the server) with the editor's text on stdin, reads its JSON lines,
and passes progress lines to a callback.  Cancelling a check kills its
process; starting a check of a property that is already being checked in
the same document cancels the older one.  Nothing here knows about LSP.
"""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional

ENGINES = ("explicit", "pdr")


@dataclass
class CheckOutcome:
    """What a worker said: ``result`` (see worker.check), or ``error``, or cancelled."""

    result: Optional[dict] = None
    error: str = ""
    cancelled: bool = False

    def to_json(self) -> dict:
        if self.cancelled:
            return {"cancelled": True}
        if self.error:
            return {"error": self.error}
        return dict(self.result or {})


@dataclass
class CheckRunner:
    """The checks running now, by (document, property)."""

    python: str = sys.executable
    running: dict[tuple[str, str], asyncio.subprocess.Process] = field(default_factory=dict)

    async def run(self, key: tuple[str, str], text: str, filename: str, prop: str, engine: str,
                  progress: Callable[[str], None] = lambda message: None) -> CheckOutcome:
        if engine not in ENGINES:
            return CheckOutcome(error=f"unknown engine {engine!r}; the editor runs {', '.join(ENGINES)}")
        self.cancel(key)
        proc = await asyncio.create_subprocess_exec(
            self.python, "-m", "checker.lsp.worker", "--engine", engine, "--property", prop,
            "--filename", filename,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        self.running[key] = proc
        outcome = CheckOutcome(cancelled=True)
        try:
            assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
            try:
                proc.stdin.write(text.encode("utf-8"))
                await proc.stdin.drain()
                proc.stdin.close()
            except (BrokenPipeError, ConnectionResetError):  # the worker died at once: its stderr says why
                pass
            while True:
                line = await proc.stdout.readline()
                if not line:
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if "progress" in message:
                    progress(str(message["progress"]))
                elif "result" in message:
                    outcome = CheckOutcome(result=message["result"])
                elif "error" in message:
                    outcome = CheckOutcome(error=str(message["error"]))
            stderr = (await proc.stderr.read()).decode("utf-8", errors="replace")
            code = await proc.wait()
            if code < 0:          # killed: by cancel(), or by another check of the same property
                return CheckOutcome(cancelled=True)
            if outcome.cancelled:  # the worker died without saying anything
                return CheckOutcome(error=f"the check stopped with exit code {code}: {stderr.strip()[-2000:]}")
            return outcome
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            if self.running.get(key) is proc:
                del self.running[key]

    def cancel(self, key: tuple[str, str]) -> bool:
        proc = self.running.pop(key, None)
        if proc is None or proc.returncode is not None:
            return False
        proc.kill()
        return True

    def cancel_document(self, uri: str) -> int:
        keys = [k for k in self.running if k[0] == uri]
        return sum(self.cancel(k) for k in keys)
