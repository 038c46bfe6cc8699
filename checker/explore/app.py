"""The explorer's web app (Starlette, Jinja2 templates, htmx for the live
check panel).  Stateless pages: everything a page shows follows from its URL
(the path of steps), so a link to a state can be shared and reloaded; the
only server-side state is the compiled spec and the checks started from the
page, both held by the app object.
"""
from __future__ import annotations

import os
import time
from typing import Optional
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import ir
from ..options import Options
from . import graph as graphs
from . import view
from .jobs import Jobs
from .model import Explorer, PathError, Position
from .traces import TraceInputError, path_url, read_traces

HERE = os.path.dirname(__file__)
MAX_UPLOAD = 20_000_000     # bytes of an uploaded trace file


class ExplorerApp:
    """The app's state: the compiled spec, the checks, the templates."""

    def __init__(self, explorer: Explorer, options: Options = Options(), graph_limit: int = graphs.GRAPH_LIMIT):
        self.explorer = explorer
        self.jobs = Jobs(explorer, options)
        self.graph_limit = graph_limit
        self.env = Environment(loader=FileSystemLoader(os.path.join(HERE, "templates")),
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.globals["path_url"] = path_url
        self.env.globals["spec"] = explorer.spec

    def page(self, name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)

    # ---------------------------------------------------------------- routes

    async def root(self, request: Request) -> Response:
        return RedirectResponse("/path/", status_code=302)

    def _segments(self, request: Request) -> list[str]:
        rest = request.path_params.get("rest", "")
        return [unquote(s) for s in rest.split("/") if s]

    async def state(self, request: Request) -> Response:
        ex = self.explorer
        try:
            pos = ex.follow(self._segments(request))
        except PathError as e:
            return self.page("error.html", 404, title="No such step", message=str(e),
                             back=path_url(e.good))
        loop = _int(request.query_params.get("loop"))
        return self.page("state.html", **self._state_context(pos, loop))

    def _state_context(self, pos: Position, loop: Optional[int]) -> dict:
        ex = self.explorer
        s = pos.states[-1]
        state = ex.state(s)
        previous = ex.state(pos.states[-2]) if len(pos.states) > 1 else None
        enabled, disabled = ex.transitions(s)
        offset = 1 if pos.segments[:1] and pos.segments[0].startswith("@") else 0
        query = f"?loop={loop}" if loop is not None else ""
        steps = [{"index": 0, "label": "init" + (f" {pos.segments[0]}" if offset else ""),
                  "href": path_url(pos.segments[:offset]) + query, "in_loop": loop == 0}]
        for i, t in enumerate(pos.taken, start=1):
            steps.append({"index": i, "label": t.segment, "href": path_url(pos.segments[:offset + i]) + query,
                          "in_loop": loop is not None and i >= loop})
        here = path_url(pos.segments)
        moves = []
        for t in enabled:
            changes = []
            if t.target is not None:
                after = ex.state(t.target)
                changes = [f"{n} = {ir.show_value(after[n])}" for n in state if after[n] != state[n]]
            moves.append({"segment": t.segment, "label": t.label, "error": t.error,
                          "href": path_url(pos.segments + [t.segment]) if t.target is not None else None,
                          "changes": changes})
        off = [{"label": label, "reasons": ex.why_disabled(s, ai, args)} for ai, _name, args, label in disabled]
        labels = [(t.action, t.args, t.label) for t in pos.taken]
        initial_choices = [{"n": k + 1, "href": path_url([f"@{k + 1}"])} for k in range(len(ex.initial))] \
            if len(ex.initial) > 1 else []
        return {"title": f"{ex.spec.name}: step {len(pos.taken)}", "steps": steps, "depth": len(pos.taken),
                "variables": view.variables(ex.spec, state, previous),
                "invariants": view.invariants(ex.spec, state), "moves": moves, "disabled": off,
                "deadlock": not enabled and not ex.is_terminal(s),
                "terminal": not enabled and ex.is_terminal(s),
                "back": path_url(pos.segments[:-1]) + query if pos.taken else None,
                "here": here, "path_text": "/".join(pos.segments), "loop": loop,
                "loop_href": steps[loop]["href"] if loop is not None and 0 <= loop < len(steps) else None,
                "lanes": view.swimlanes(ex.spec, labels), "initial_choices": initial_choices,
                "last": pos.taken[-1].segment if pos.taken else None}

    async def jump(self, request: Request) -> Response:
        to = request.query_params.get("to", "").strip().strip("/")
        segs = [s.strip() for s in to.split("/") if s.strip()]
        return RedirectResponse(path_url(segs), status_code=303)

    async def start_check(self, request: Request) -> Response:
        form = await request.form()
        mode = form.get("mode", "explicit")
        if mode not in ("explicit", "simulate"):
            return self.page("error.html", 400, title="Bad request", message=f"unknown check mode {mode!r}",
                             back="/path/")
        traces = _int(form.get("traces", "1"))
        if traces is None or not 1 <= traces <= 100:
            return self.page("error.html", 400, title="Bad request", message="traces: a number from 1 to 100",
                             back="/path/")
        job = self.jobs.start(mode, traces)
        return self.page("check.html", job=job, elapsed=0.0)

    async def check_status(self, request: Request) -> Response:
        job = self.jobs.get(_int(request.path_params["job"]) or 0)
        if job is None:
            return self.page("error.html", 404, title="No such check", message="no such check", back="/path/")
        return self.page("check.html", job=job, elapsed=time.monotonic() - job.started)

    async def stop_check(self, request: Request) -> Response:
        job = self.jobs.get(_int(request.path_params["job"]) or 0)
        if job is not None:
            job.stop.set()
        return Response(status_code=204)

    async def graph(self, request: Request) -> Response:
        ex = self.explorer
        at = request.query_params.get("at", "")
        try:
            pos = ex.follow([unquote(s) for s in at.split("/") if s])
        except PathError as e:
            return self.page("error.html", 404, title="No such step", message=str(e), back=path_url(e.good))
        whole = graphs.whole_graph(ex, pos.states[-1], self.graph_limit)
        data = whole if whole is not None else graphs.neighbourhood(ex, pos)
        return self.page("graph.html", title=f"{ex.spec.name}: state graph", graph=data,
                         whole=whole is not None, limit=self.graph_limit, here=path_url(pos.segments))

    async def open_form(self, request: Request) -> Response:
        return self.page("open.html", title="Open a trace", traces=None, error="")

    async def open_trace(self, request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        path = (form.get("path") or "").strip()
        try:
            if upload is not None and getattr(upload, "filename", ""):
                data = await upload.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    raise TraceInputError(f"{upload.filename}: larger than {MAX_UPLOAD:,} bytes")
                name, text = upload.filename, data.decode("utf-8", errors="replace")
            elif path:
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read(MAX_UPLOAD + 1)
                except (OSError, UnicodeDecodeError) as e:
                    raise TraceInputError(f"{path}: cannot read: {e}") from None
                name = path
            else:
                raise TraceInputError("choose a file to upload or give a path")
            traces = read_traces(text, self.explorer, name)
        except TraceInputError as e:
            return self.page("open.html", 400, title="Open a trace", traces=None, error=str(e))
        return self.page("open.html", title="Open a trace", traces=traces, error="")


def _int(text) -> Optional[int]:
    try:
        return int(text) if text is not None and str(text).isdigit() else None
    except ValueError:
        return None


def make_app(explorer: Explorer, options: Options = Options(), graph_limit: int = graphs.GRAPH_LIMIT) -> Starlette:
    ea = ExplorerApp(explorer, options, graph_limit)
    app = Starlette(routes=[
        Route("/", ea.root),
        Route("/path/{rest:path}", ea.state),
        Route("/path", ea.state),
        Route("/jump", ea.jump),
        Route("/check", ea.start_check, methods=["POST"]),
        Route("/check/{job}", ea.check_status),
        Route("/check/{job}/stop", ea.stop_check, methods=["POST"]),
        Route("/graph", ea.graph),
        Route("/open", ea.open_form, methods=["GET"]),
        Route("/open", ea.open_trace, methods=["POST"]),
        Mount("/static", StaticFiles(directory=os.path.join(HERE, "static")), name="static"),
    ])
    app.state.explorer = ea

    async def internal_error(request: Request, exc: Exception) -> Response:
        # a bug in the explorer or the engine: a page that says so, never a traceback
        return ea.page("error.html", 500, title="Internal error",
                       message=f"internal error ({type(exc).__name__}): {exc}; please report it", back="/path/")

    app.add_exception_handler(Exception, internal_error)
    return app
