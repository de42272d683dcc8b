"""Adapter from media types to gdkg.sparql_results' writers (plus RDF/XML from rdflib,
which sparql_results does not write): bytes for one gathered :class:`Outcome`."""

from __future__ import annotations

from rdflib import Graph

from .. import sparql_results
from ..namespaces import PREFIXES
from .workers import Outcome

#: media type -> sparql_results format name
_NAMES = {media: name for name, media in sparql_results.MEDIA_TYPES.items()}


def render(outcome: Outcome, media: str) -> bytes:
    """The answer as ``media`` (one of negotiation.RESULT_TYPES or GRAPH_TYPES)."""
    if outcome.form == "ASK":
        return "".join(sparql_results.boolean_chunks(bool(outcome.boolean), _NAMES[media])).encode()
    if outcome.form == "SELECT":
        return "".join(sparql_results.select_chunks(outcome.variables, outcome.rows, _NAMES[media])).encode()
    return graph_bytes(outcome.triples, media)


def graph_bytes(triples, media: str, prefixes: dict[str, str] | None = None) -> bytes:
    prefixes = {**PREFIXES, **(prefixes or {})}
    if media == "application/rdf+xml":
        graph = Graph()
        for prefix, namespace in prefixes.items():
            graph.bind(prefix, namespace, override=True)
        for triple in triples:
            graph.add(triple)
        return graph.serialize(format="xml", encoding="utf-8")
    return "".join(sparql_results.graph_chunks(triples, _NAMES[media], prefixes=prefixes, sort=True)).encode()


def content_type(media: str) -> str:
    textual = media.startswith("text/") or media.endswith(("json", "xml")) or media == "application/n-triples"
    return f"{media}; charset=utf-8" if textual else media
