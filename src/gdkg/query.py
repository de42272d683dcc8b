"""Named SPARQL queries from queries/*.rq, with their header block and parameters.

Each .rq file starts with a comment header::

    # title: Core cities shared by two clusters
    # description: Cities designated core (★★★) for both clusters.
    # param: a — first cluster (IRI, zh or en label)
    # param: b — second cluster
    # example: gdkg query shared-core-cities --param a=汽车 --param b=新能源

Parameters are bound as RDF terms (never pasted into the query text), so a
value cannot change what the query does.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from .names import expand
from .namespaces import PREFIXES
from .project import Project
from .store import KnowledgeGraph, QueryResult

_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$")


class QueryError(Exception):
    """A named query that is missing, malformed, or given bad parameters."""


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> NamedQuery:
        from .safe_io import read_query_text

        text = read_query_text(path)
        query = cls(path.stem, path, text)
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            match = _HEADER.match(line)
            if not match:
                continue
            key, value = match.groups()
            if key == "param":
                name, _, doc = value.partition("—")
                query.params[name.strip().lstrip("?")] = doc.strip()
            elif key == "example":
                query.examples.append(value.strip())
            else:
                setattr(query, key, (getattr(query, key) + " " + value).strip())
        return query


def named_queries(project: Project) -> dict[str, NamedQuery]:
    return {path.stem: NamedQuery.read(path) for path in sorted(project.queries_dir.glob("*.rq"))}


def get_query(project: Project, name: str) -> NamedQuery:
    queries = named_queries(project)
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, queries, n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(f"no query named {name!r} in {project.relative(project.queries_dir)}/.{hint} "
                     "List them with `gdkg query --list`.")


_LOOKUP = """
SELECT DISTINCT ?s WHERE {
  { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION
  { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?l } UNION
  { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }
  FILTER(STR(?l) = STR(?name))
}"""


def resolve_term(kg: KnowledgeGraph, value: str) -> Node:
    """Turn a parameter value into an RDF term: an IRI, a prefixed name, or a label
    (zh, en or alternative) that names exactly one entity; otherwise a literal."""
    iri = expand(value)
    if iri is not None:
        return iri
    rows = kg.query(_LOOKUP, {"name": Literal(value)}).rows
    subjects = sorted({str(r["s"]) for r in rows if r["s"] is not None})
    if len(subjects) == 1:
        return URIRef(subjects[0])
    if len(subjects) > 1:
        raise QueryError(f"{value!r} names {len(subjects)} entities: {', '.join(subjects)}; "
                         "pass the IRI instead")
    if value.lstrip("-").replace(".", "", 1).isdigit():
        return Literal(value, datatype=URIRef(PREFIXES["xsd"] + ("decimal" if "." in value else "integer")))
    return Literal(value)


def run(kg: KnowledgeGraph, query: NamedQuery, params: dict[str, str] | None = None) -> QueryResult:
    """Run a named query with parameters resolved to RDF terms."""
    params = params or {}
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; "
                         f"its parameters: {', '.join(query.params) or 'none'}")
    bindings = {name: resolve_term(kg, value) for name, value in params.items()}
    return kg.query(query.text, bindings)
