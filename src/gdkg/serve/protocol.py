"""The SPARQL 1.1 Protocol at /sparql and the named queries at /queries, read-only.

GET ?query=…, POST application/x-www-form-urlencoded (query=…) and POST
application/sparql-query (the query as the body). Answers by content negotiation
or a ``format`` (or ``output``) parameter; without a query, the SPARQL 1.1 Service
Description. Updates are refused (403), SERVICE too unless the server allows it,
a syntax error is a 400 with line and column; a query that outlives the timeout is
stopped (503) while the other workers go on answering.
"""

from __future__ import annotations

import difflib
import json
import re
from urllib.parse import parse_qs, urlencode

from anyio import to_thread
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..query import QueryError, get_query, named_queries
from ..query import bindings as query_bindings
from ..sparql_safety import SparqlError, check
from .formats import content_type, graph_bytes
from .html import page
from .negotiation import GRAPH_TYPES, RESULT_TYPES, NotAcceptable, choose

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
_CONTROL = {"format", "output"}  # query-string parameters that are not query parameters
_QUERY_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"request body of {declared} bytes is larger than the {limit} bytes this "
                             "endpoint accepts (start the server with a larger --max-body)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HttpError(413, f"request body larger than the {limit} bytes this endpoint accepts")
    return bytes(body)


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _one(values: list[str], name: str) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, f"give the {name} parameter once (got {len(values)})")
    return values[0]


async def _request_params(request: Request, state) -> tuple[dict[str, list[str]], str | None]:
    """Parameters from the query string (and a form body), and the query text of a direct POST."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    direct = None
    if request.method == "POST":
        media = _media(request)
        body = await read_body(request, state.settings.max_body)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HttpError(400, f"the request body is not UTF-8 (byte {exc.start})") from None
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            direct = text
        elif media == "application/sparql-update":
            raise HttpError(403, "read-only: updates are not supported (this endpoint answers queries only)")
        else:
            raise HttpError(415, f"POST a query as application/x-www-form-urlencoded (query=…) or "
                                 f"application/sparql-query, not {media or 'no content type'!r}")
    if "update" in params:
        raise HttpError(403, "read-only: updates are not supported (this endpoint answers queries only)")
    return params, direct


async def sparql(request: Request) -> Response:
    state = request.app.state.gdkg
    try:
        params, direct = await _request_params(request, state)
        query = direct if direct is not None else _one(params.get("query", []), "query")
        fmt = _one(params.get("format", []) or params.get("output", []), "format")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise HttpError(400, "this endpoint has one default graph (the reasoned gdkg graph); "
                                 "default-graph-uri and named-graph-uri are not supported")
        if query is None:
            if request.method == "POST":
                raise HttpError(400, "no query: POST query=… (form) or the query itself as "
                                     "application/sparql-query")
            return service_description(request, fmt)
        return await answer(request, query, None, fmt)
    except HttpError as exc:
        return error_response(exc.status, exc.message, exc.headers)


async def answer(request: Request, text: str, bindings, fmt: str | None, *,
                 form: str | None = None) -> Response:
    """Check, negotiate, run on a worker and write one query's answer."""
    state = request.app.state.gdkg
    settings = state.settings
    try:
        if form is None:
            form = check(text, allow_service=settings.allow_service)
        offers = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
        media = choose(offers, request.headers.get("accept"), fmt)
        outcome = await to_thread.run_sync(
            lambda: state.pool.run(text, bindings, timeout=settings.timeout, max_rows=settings.max_rows,
                                   media=media))
    except NotAcceptable as exc:
        return error_response(406, str(exc))
    except SparqlError as exc:
        headers = {"Retry-After": "1"} if exc.http_status == 503 else None
        return error_response(exc.http_status, str(exc), headers)
    headers = {"X-Gdkg-Seconds": f"{outcome.seconds:.4f}"}
    if outcome.truncated:
        headers["X-Gdkg-Truncated"] = f"max-rows={settings.max_rows}"
    return Response(outcome.body, media_type=content_type(media), headers=headers)


def service_description(request: Request, fmt: str | None) -> Response:
    state = request.app.state.gdkg
    endpoint = URIRef(str(request.url_for("sparql")))
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("void", VOID)
    g.add((endpoint, RDF.type, SD.Service))
    g.add((endpoint, SD.endpoint, endpoint))
    g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((endpoint, SD.resultFormat, FORMATS[name]))
    if state.settings.allow_service:
        g.add((endpoint, SD.feature, SD.BasicFederatedQuery))
    dataset, graph = BNode(), BNode()
    g.add((endpoint, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, graph))
    g.add((graph, RDF.type, SD.Graph))
    g.add((graph, VOID.triples, Literal(state.triples)))
    g.add((endpoint, URIRef("http://purl.org/dc/terms/title"),
           Literal("gdkg: Guangdong strategic industry clusters (read-only SPARQL 1.1 endpoint)", lang="en")))
    try:
        media = choose(GRAPH_TYPES + ["text/html"], request.headers.get("accept"), fmt)
    except NotAcceptable as exc:
        return error_response(406, str(exc))
    if media == "text/html":
        from html import escape

        turtle = g.serialize(format="turtle")
        body = ("<h1>SPARQL 1.1 service description</h1><p>Send queries to this address (GET ?query=…, "
                "POST form or application/sparql-query). Read-only; "
                f"timeout {state.settings.timeout:g} s, at most {state.settings.max_rows} rows.</p>"
                f"<pre>{escape(turtle)}</pre>")
        return Response(page("SPARQL service description", body), media_type="text/html; charset=utf-8")
    prefixes = {"sd": str(SD), "formats": str(FORMATS), "void": str(VOID), "dcterms": "http://purl.org/dc/terms/"}
    return Response(graph_bytes(sorted(g), media, prefixes), media_type=content_type(media))


# ------------------------------------------------------------------ named queries


def query_catalogue(state) -> list[dict]:
    """The named queries with their header fields and text (for /queries and the page)."""
    items = []
    for name, nq in named_queries(state.project).items():
        params = [{"name": spec.name, "doc": spec.doc, "takes": spec.takes, "required": spec.required,
                   "default": spec.default} for spec in nq.specs.values()]
        items.append({"name": name, "title": nq.title, "description": nq.description, "params": params,
                      "examples": nq.examples, "text": nq.text, "url": f"/queries/{name}"})
    return items


async def list_queries(request: Request) -> Response:
    return JSONResponse(request.app.state.gdkg.catalogue)


def bind_parameters(kg, nq, params: dict[str, str]):
    """RDF terms for a named query's parameters, through query.py's resolution;
    an unknown, unresolvable or ambiguous one is an HttpError(400) naming it."""
    unknown = sorted(set(params) - set(nq.specs))
    if unknown:
        close = {u: difflib.get_close_matches(u, nq.specs, n=1) for u in unknown}
        hints = "; ".join(f"{u} (did you mean {c[0]}?)" if c else u for u, c in close.items())
        raise HttpError(400, f"query {nq.name!r} has no parameter {hints}; "
                             f"its parameters: {', '.join(nq.specs) or 'none'}")
    missing = [spec for spec in nq.specs.values() if spec.required and spec.name not in params]
    if missing:
        example = nq.example_params()
        hint = f"; e.g. /queries/{nq.name}?{urlencode(example)}" if example else ""
        raise HttpError(400, f"query {nq.name!r} needs the parameter "
                             f"{', '.join(spec.usage() for spec in missing)}{hint}")
    try:
        return query_bindings(kg, nq, params)
    except (QueryError, ValueError) as exc:
        raise HttpError(400, str(exc)) from None


async def run_named(request: Request) -> Response:
    state = request.app.state.gdkg
    name = request.path_params["name"]
    try:
        if not _QUERY_NAME.match(name):
            raise HttpError(404, f"no named query {name!r}")
        try:
            nq = get_query(state.project, name)
        except QueryError as exc:
            raise HttpError(404, str(exc).replace("`gdkg query --list`", "GET /queries")) from None
        given: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            given.setdefault(key, []).append(value)
        fmt = _one(given.pop("format", []) or given.pop("output", []), "format")
        params = {}
        for key, values in given.items():
            value = _one(values, key)
            if value is not None and value.strip():
                params[key] = value.strip()
        bindings = await to_thread.run_sync(lambda: bind_parameters(state.kg, nq, params))
        return await answer(request, nq.text, bindings, fmt, form=state.forms.get(name))
    except HttpError as exc:
        return error_response(exc.status, exc.message, exc.headers)


async def query_text(request: Request) -> Response:
    """GET /queries/NAME.rq: the query file itself."""
    state = request.app.state.gdkg
    name = request.path_params["name"]
    if not _QUERY_NAME.match(name) or name not in state.forms:
        return error_response(404, f"no named query {name!r}; GET /queries lists them")
    return PlainTextResponse(get_query(state.project, name).text, media_type="application/sparql-query")


async def refuse_change(request: Request) -> Response:
    return error_response(405, f"read-only: {request.method} is not supported; this server never changes "
                               "the data (query with GET or POST /sparql)", {"Allow": "GET, POST, OPTIONS"})


def labels_payload(state, body: bytes) -> dict:
    from .entities import labels_for

    try:
        iris = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HttpError(400, f"POST a JSON list of IRIs: {exc}") from None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        raise HttpError(400, "POST a JSON list of IRIs (strings)")
    if len(iris) > 5000:
        raise HttpError(413, "at most 5000 IRIs per request")
    return labels_for(state.kg, iris)


async def labels(request: Request) -> Response:
    state = request.app.state.gdkg
    try:
        body = await read_body(request, state.settings.max_body)
        found = await to_thread.run_sync(lambda: labels_payload(state, body))
    except HttpError as exc:
        return error_response(exc.status, exc.message)
    return JSONResponse(found)
