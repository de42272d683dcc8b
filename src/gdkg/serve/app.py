"""The Starlette application of `gdkg serve` and the function that runs it with uvicorn."""

from __future__ import annotations

import socket
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..project import Project
from ..sparql_safety import SparqlError, check
from ..store import KnowledgeGraph
from . import pages, protocol
from .entities import EntityNotFound, EntityView, entity_iri, known_entities
from .formats import content_type, graph_bytes
from .negotiation import GRAPH_TYPES, NotAcceptable, choose
from .ontology_docs import OntologyReference, render_html
from .workers import WorkerPool, default_workers


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1 << 20
    allow_service: bool = False
    workers: int = 0  # 0: default_workers()
    worker_memory_mb: int | None = 4096


class ServerState:
    """What every request needs: the project, the graph (for pages), the query workers."""

    def __init__(self, project: Project, settings: Settings, kg: KnowledgeGraph | None = None):
        self.project, self.settings = project, settings
        self.kg = kg or KnowledgeGraph.open(project)
        self.triples = len(self.kg)
        self.pool = WorkerPool(self.kg.paths, settings.workers or default_workers(),
                               settings.worker_memory_mb)
        self.catalogue = protocol.query_catalogue(self)
        self.forms: dict[str, str | None] = {}
        for item in self.catalogue:
            try:
                self.forms[item["name"]] = check(item["text"], allow_service=settings.allow_service)
            except SparqlError:
                self.forms[item["name"]] = None  # checked again (and reported) when called
        self.ontology = OntologyReference(project)
        self.ontology_html = render_html(self.ontology)
        self.known = known_entities(self.kg)


async def entity(request: Request) -> Response:
    state = request.app.state.gdkg
    path = request.path_params["path"]
    fmt = request.query_params.get("format")
    try:
        iri = entity_iri(path)
        media = choose(["text/html"] + GRAPH_TYPES, request.headers.get("accept"), fmt)
        view = await to_thread.run_sync(lambda: EntityView(state.kg, iri, state.known))
        if media == "text/html":
            return HTMLResponse(await to_thread.run_sync(view.html), headers={"Vary": "Accept"})
        return Response(graph_bytes(view.graph(), media), media_type=content_type(media),
                        headers={"Vary": "Accept"})
    except EntityNotFound as exc:
        return protocol.error_response(404, str(exc))
    except NotAcceptable as exc:
        return protocol.error_response(406, str(exc))


async def ontology(request: Request) -> Response:
    state = request.app.state.gdkg
    try:
        media = choose(["text/html", "text/turtle", "application/n-triples", "application/ld+json"],
                       request.headers.get("accept"), request.query_params.get("format"))
    except NotAcceptable as exc:
        return protocol.error_response(406, str(exc))
    if media == "text/html":
        return HTMLResponse(state.ontology_html, headers={"Vary": "Accept"})
    return Response(graph_bytes(state.ontology.ontology, media), media_type=content_type(media),
                    headers={"Vary": "Accept"})


async def not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"nothing at {request.url.path}; try / (query page), /sparql, /queries, "
                             "/ontology or /id/…\n", status_code=404)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return await protocol.refuse_change(request)


def create_app(project: Project | None = None, settings: Settings | None = None, *,
               kg: KnowledgeGraph | None = None) -> Starlette:
    """The ASGI application over ``project``'s graph (worker processes start with the app)."""
    project = project or Project.find()
    settings = settings or Settings()
    state = ServerState(project, settings, kg)

    @asynccontextmanager
    async def lifespan(app):
        await to_thread.run_sync(state.pool.start)
        try:
            yield
        finally:
            state.pool.close()

    change = ["PUT", "DELETE", "PATCH"]
    routes = [
        Route("/", pages.index, methods=["GET"]),
        Route("/static/{name:path}", pages.static, methods=["GET"]),
        Route("/favicon.ico", pages.favicon, methods=["GET"]),
        Route("/sparql", protocol.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/sparql", protocol.refuse_change, methods=change),
        Route("/queries", protocol.list_queries, methods=["GET"]),
        Route("/queries/{name}.rq", protocol.query_text, methods=["GET"]),
        Route("/queries/{name}", protocol.run_named, methods=["GET"]),
        Route("/api/labels", protocol.labels, methods=["POST"]),
        Route("/id/{path:path}", entity, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                             allow_headers=["*"], expose_headers=["X-Gdkg-Truncated", "X-Gdkg-Seconds"],
                             max_age=600)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: not_found, 405: method_not_allowed})
    app.state.gdkg = state
    return app


def run_server(project: Project | None = None, settings: Settings | None = None, *,
               log_level: str = "warning") -> None:
    """Serve until interrupted. Binds ``settings.host`` (127.0.0.1 by default); port 0 picks a
    free port. Prints the address once it listens."""
    import uvicorn

    settings = settings or Settings()
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)  # bound first: a busy port fails at once
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    app = create_app(project, settings)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    config = uvicorn.Config(app, log_level=log_level, access_log=False, timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)

    async def started() -> None:
        print(f"gdkg serve: listening on http://{shown}:{port}/ ({app.state.gdkg.triples} triples, "
              f"{app.state.gdkg.pool.size} query workers, timeout {settings.timeout:g} s, "
              f"max rows {settings.max_rows}); Ctrl-C stops", file=sys.stderr, flush=True)

    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets=sockets)
        await started()

    server.startup = startup
    server.run(sockets=[sock])
