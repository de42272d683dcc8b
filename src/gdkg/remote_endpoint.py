"""The graph in an external SPARQL server: query it like the local store, publish to it.

Two W3C protocols, nothing server-specific:

* **SPARQL 1.1 Protocol** (queries, updates): :class:`RemoteGraph` sends a query
  as a form-encoded POST (the one form every server takes; Virtuoso 7.2 hangs on an
  ``application/sparql-query`` body), with ``default-graph-uri`` where a dataset is
  named, and reads ``application/sparql-results+json``, so a named query gives the
  same rows remotely as on the local store;
* **SPARQL 1.1 Graph Store HTTP Protocol** (uploads): :func:`publish` PUTs the
  build's N-Triples into a fresh named graph and then, in one update request,
  ``MOVE``\\s it onto the target graph, so readers never see a half-replaced graph
  (the swap is atomic where the server runs one update request in one
  transaction, as Oxigraph and Virtuoso do).

Oxigraph (``oxigraph serve``) answers queries at ``/query``, updates at
``/update`` and the graph store at ``/store``; other servers differ, so every
URL can be given on its own (Virtuoso: ``/sparql-auth`` and
``/sparql-graph-crud-auth`` with a digest login, see the README). A login is a
user name with the password from ``$GDKG_ENDPOINT_PASSWORD``. With ``--graph-per-source`` each source
document's triples go into a graph of their own (``GRAPH_BASE`` + document
key); query such a server with its union-default-graph option on.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .language import Text, fmt, os_reason
from .load import Triple
from .namespaces import PREFIXES
from .project import Project
from .serialize import ntriples
from .store import Answer, SparqlGraph, _with_values

GRAPH_BASE = "https://w3id.org/gdkg/graph/"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TIMEOUT = 60.0
PASSWORD_VARIABLE = "GDKG_ENDPOINT_PASSWORD"


class EndpointError(Exception):
    """The server cannot be reached, refuses, or answers with an error."""


@dataclass(frozen=True)
class Endpoint:
    """Where a server takes queries, updates and graph-store requests."""

    query: str
    update: str
    store: str
    default_graphs: tuple[str, ...] = ()  # the queries' dataset (default-graph-uri); () = the server's
    user: str | None = None  # HTTP digest or basic authentication, as the server asks
    password: str = field(default="", repr=False)

    @classmethod
    def from_url(cls, url: str, update: str | None = None, store: str | None = None,
                 default_graphs: Iterable[str] = (), user: str | None = None,
                 password: str | None = None) -> Endpoint:
        """``url`` is the query endpoint. For an Oxigraph-style URL ending in
        ``/query`` the update and store URLs default to ``/update`` and ``/store``
        beside it; otherwise to the same URL (Virtuoso, Fuseki's ``/ds``). With ``user``
        and no ``password``, the password is read from ``$GDKG_ENDPOINT_PASSWORD`` (never
        a command-line argument, which other users of the machine see in ``ps``)."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise EndpointError(fmt("{url} is not an http(s) URL of a SPARQL endpoint (e.g. {example})",
                                    "{url} 不是 SPARQL 端点的 http(s) URL（例如 {example}）",
                                    url=repr(url), example="http://127.0.0.1:7878/query"))
        base = url[: -len("/query")] if parsed.path.endswith("/query") else None
        if user and password is None:
            password = os.environ.get(PASSWORD_VARIABLE)
            if password is None:
                raise EndpointError(f"--user {user}: set the password in the environment variable "
                                    f"{PASSWORD_VARIABLE} (e.g. read -rs {PASSWORD_VARIABLE}; "
                                    f"export {PASSWORD_VARIABLE})")
        return cls(url, update or (base + "/update" if base else url),
                   store or (base + "/store" if base else url), tuple(default_graphs),
                   user or None, password or "")

    def request(self, url: str, *, data: bytes | None = None, method: str = "GET",
                headers: Mapping[str, str] | None = None, timeout: float = _TIMEOUT) -> bytes:
        """One HTTP request; with a user, logged in by the scheme the server asks for.

        The challenge is fetched by the same request without a body first: a server
        that refuses a large unauthenticated upload closes the connection before it
        is sent, which urllib reports as a broken pipe instead of retrying."""
        headers = dict(headers or {})
        if not self.user:
            return _request(url, data=data, method=method, headers=headers, timeout=timeout)
        try:
            return _request(url, data=data, method=method,
                            headers={**headers, **self._authorization(url, method, headers, timeout)},
                            timeout=timeout)
        except EndpointError:
            if data:  # a refused login also cuts an upload short: ask again without the body
                _request(url, data=b"", method=method, timeout=timeout,
                         headers={**headers, **self._authorization(url, method, headers, timeout)})
            raise

    def _authorization(self, url: str, method: str, headers: Mapping[str, str],
                       timeout: float) -> dict[str, str]:
        probe = urllib.request.Request(url, data=b"", method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(probe, timeout=timeout):  # noqa: S310 (http only)
                return {}  # the server does not ask for a login here
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except OSError:
            return {}  # the real request reports it
        scheme, _, params = challenge.partition(" ")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.user, self.password)
        if scheme.lower() == "digest":
            digest = urllib.request.HTTPDigestAuthHandler(passwords)
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
            value = digest.get_authorization(urllib.request.Request(url, method=method), fields)
            return {"Authorization": f"Digest {value}"} if value else {}
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}


def _request(url: str, *, data: bytes | None, method: str, headers: Mapping[str, str],
             timeout: float) -> bytes:
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http only)
            return response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()
        answered = fmt("{request}: the server answered {code} {reason}",
                       "{request}：服务器返回 {code} {reason}",
                       request=f"{method} {url}", code=exc.code, reason=exc.reason)
        raise EndpointError(answered + (Text(f": {body[:500]}",
                                             f"：「{body[:500]}」") if body else "")) from None
    except urllib.error.URLError as exc:
        reason = os_reason(exc.reason) if isinstance(exc.reason, OSError) else str(exc.reason)
        raise EndpointError(fmt("{request}: cannot reach the server ({reason}); is it running, and is the "
                                "URL right?",
                                "{request}：无法连接服务器（{reason}）；请确认服务器正在运行、URL 无误",
                                request=f"{method} {url}", reason=reason)) from None
    except TimeoutError:
        raise EndpointError(fmt("{request}: no answer within {timeout:g} s",
                                "{request}：{timeout:g} 秒内没有应答",
                                request=f"{method} {url}", timeout=timeout)) from None
    except OSError as exc:
        raise EndpointError(fmt("{request}: {reason}", "{request}：{reason}", request=f"{method} {url}",
                                reason=os_reason(exc))) from None


_FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _form(*fields: tuple[str, str]) -> bytes:
    """A form-encoded POST body: the one way of sending a query or an update that
    every server takes (Virtuoso 7.2 hangs on an ``application/sparql-query`` body)."""
    return urllib.parse.urlencode(fields).encode("ascii")


# Tokens of a SPARQL text that may hold a quote: IRIs, comments, a GROUP_CONCAT
# separator (a bare string by the grammar), string literals (long forms first)
# with what follows them (a language tag or a datatype).
_TOKENS = re.compile(r'''<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*|
    (?i:separator)\s*=\s*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|
    (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|
               "(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?P<tagged>\s*(?:@|\^\^))?''', re.X)


def _typed_strings(sparql: str) -> str:
    """Non-ASCII simple-literal constants written as ``"…"^^xsd:string``: the same term
    in RDF 1.1, but Virtuoso 7.2 reads an untyped constant as a narrow SQL string and
    mis-decodes the graph's UTF-8 text it is concatenated with."""

    def typed(match: re.Match) -> str:
        text = match.group(0)
        if match.group("string") is None or match.group("tagged") or text.isascii():
            return text
        return f"{text}^^<{_XSD_STRING}>"

    return _TOKENS.sub(typed, sparql)


def _prologue() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(PREFIXES.items()))


def _term(binding: dict) -> Node:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype is None or datatype == _XSD_STRING:  # plain strings stay plain (see load.py)
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


class RemoteGraph(SparqlGraph):
    """A SPARQL 1.1 endpoint with the query interface of :class:`gdkg.store.KnowledgeGraph`."""

    def __init__(self, endpoint: Endpoint | str, timeout: float = _TIMEOUT):
        self.endpoint = endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint)
        self.timeout = timeout

    def execute(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        """Any query form, as :meth:`gdkg.store.KnowledgeGraph.execute` answers it: SELECT
        and ASK read as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples."""
        from .sparql_safety import classify

        form = classify(sparql)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        text = _typed_strings(_prologue() + _with_values(sparql, bindings))
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        dataset = [("default-graph-uri", graph) for graph in self.endpoint.default_graphs]
        body = self.endpoint.request(self.endpoint.query, data=_form(("query", text), *dataset),
                                     method="POST", headers={"Content-Type": _FORM, "Accept": accept},
                                     timeout=self.timeout)
        if graph_form:
            from rdflib import Graph

            try:
                graph = Graph().parse(data=body.decode("utf-8"), format="nt")
            except Exception:  # noqa: BLE001 (any parser failure means the same to the user)
                raise EndpointError(fmt("{url}: the answer is not N-Triples (starts {start})",
                                        "{url}：应答不是 N-Triples（开头为 {start}）",
                                        url=self.endpoint.query, start=repr(body[:80]))) from None
            return Answer(form, triples=iter(sorted(graph)))
        try:
            answer = json.loads(body)
        except ValueError:
            raise EndpointError(fmt("{url}: the answer is not SPARQL JSON results (starts {start})",
                                    "{url}：应答不是 SPARQL JSON 结果（开头为 {start}）",
                                    url=self.endpoint.query, start=repr(body[:80]))) from None
        if "boolean" in answer:
            return Answer("ASK", boolean=bool(answer["boolean"]))
        variables = list(answer.get("head", {}).get("vars", []))
        rows = [{name: (_term(row[name]) if name in row else None) for name in variables}
                for row in answer.get("results", {}).get("bindings", [])]
        return Answer("SELECT", variables, iter(rows))

    def update(self, sparql: str) -> None:
        self.endpoint.request(self.endpoint.update, data=_form(("update", sparql)), method="POST",
                              headers={"Content-Type": _FORM}, timeout=self.timeout)

    def put_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        """Replace one graph (``None``: the default graph) by ``triples`` (Graph Store PUT)."""
        query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        self.endpoint.request(f"{self.endpoint.store}?{query}", data=ntriples(triples).encode("utf-8"),
                              method="PUT", headers={"Content-Type": "application/n-triples"},
                              timeout=self.timeout)


@dataclass
class PublishResult:
    graphs: dict[str, int]  # graph IRI ("" for the default graph) -> triples

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def graphs_by_source(asserted: set[Triple], inferred: set[Triple]) -> dict[str, set[Triple]]:
    """Triples split into one graph per source document, by the source of their subject.

    A subject's source is the document of the section its ``prov:wasDerivedFrom``
    names (following ``dcterms:isPartOf`` up to a ``gd:PolicyDocument``). The
    ontology, code lists and subjects without a source go to ``graph/ontology``;
    everything the reasoner added to ``graph/inferred``."""
    derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    part_of = URIRef("http://purl.org/dc/terms/isPartOf")
    document = URIRef(PREFIXES["gd"] + "PolicyDocument")
    keys = {s: str(o) for s, p, o in asserted if p == URIRef(PREFIXES["gd"] + "documentKey")}
    parent = {s: o for s, p, o in asserted if p == part_of}
    documents = {s for s, p, o in asserted if p == RDF.type and o == document}

    def document_of(section) -> str | None:
        seen = set()
        while section not in documents and section in parent and section not in seen:
            seen.add(section)
            section = parent[section]
        return keys.get(section)

    sources: dict[object, str] = {}
    for s, p, o in sorted(asserted):
        if p == derived and s not in sources:
            key = document_of(o)
            if key:
                sources[s] = key
    # A blank node goes with the subject that points at it: split across graphs it
    # would become two different blank nodes on the server.
    holder = {o: s for s, _, o in sorted(asserted) if isinstance(o, BNode) and not isinstance(s, Literal)}

    def source_of(subject, depth: int = 0) -> str:
        while isinstance(subject, BNode) and subject in holder and depth < len(holder):
            subject, depth = holder[subject], depth + 1
        return sources.get(subject, "ontology")

    graphs: dict[str, set[Triple]] = defaultdict(set)
    for triple in asserted:
        graphs[GRAPH_BASE + source_of(triple[0])].add(triple)
    graphs[GRAPH_BASE + "inferred"] = set(inferred)
    return dict(graphs)


def _read_ntriples(path: Path) -> set[Triple]:
    """The triples of one of build/'s N-Triples files, as rdflib terms."""
    from .load import pyoxigraph, rdflib_term

    if pyoxigraph is None:
        from rdflib import Graph

        return set(Graph().parse(path, format="nt"))
    return {(rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object))
            for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)}


def _read_build(project: Project) -> tuple[set[Triple], set[Triple]]:
    out = project.build_dir
    return _read_ntriples(out / "asserted.nt"), _read_ntriples(out / "inferred.nt")


def publish(project: Project, endpoint: Endpoint | str, *, graph_per_source: bool = False,
            graph: str | None = None, timer=None) -> PublishResult:
    """Upload the asserted and inferred triples of ``project``'s build.

    Each target graph is first written as a fresh staging graph and then moved
    onto the target in a single update request, so a failed upload leaves the
    target as it was and readers never see it half-replaced."""
    from .store import KnowledgeGraph

    KnowledgeGraph.open(project, timer=timer)  # rebuild first if the sources changed
    remote = RemoteGraph(endpoint)
    asserted, inferred = _read_build(project)
    targets = (graphs_by_source(asserted, inferred) if graph_per_source
               else {graph or "": asserted | inferred})
    staging = {target: f"{GRAPH_BASE}staging/{i}" for i, target in enumerate(sorted(targets))}
    try:
        for target, triples in sorted(targets.items()):
            remote.put_graph(staging[target], triples)
        moves = " ;\n".join(f"MOVE SILENT GRAPH <{staging[t]}> TO {f'GRAPH <{t}>' if t else 'DEFAULT'}"
                            for t in sorted(targets))
        remote.update(moves)
    except EndpointError:
        with contextlib.suppress(EndpointError):  # no staging graph left; targets untouched
            remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()))
        raise
    return PublishResult({target: len(triples) for target, triples in sorted(targets.items())})


def open_graph_for(endpoint: str | None, project: Project, *, user: str | None = None,
                   default_graphs: Iterable[str] = ()):
    """The graph a command runs on: the SPARQL endpoint ``--endpoint`` names (as ``user``,
    with ``default_graphs`` as the dataset), else the project's local reasoned graph."""
    if endpoint:
        return RemoteGraph(Endpoint.from_url(endpoint, default_graphs=default_graphs, user=user))
    from .store import KnowledgeGraph

    return KnowledgeGraph.open(project)
