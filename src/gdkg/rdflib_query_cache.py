"""Parse each SPARQL text once per process on rdflib's engine.

rdflib parses and translates a query given as a string on every ``Graph.query`` call, and
pySHACL hands it the same target and constraint texts on every validation: about forty
parses of a few hundred milliseconds each (pyparsing), a third of a pySHACL run on the
bundled graph. A translated query is what ``rdflib.plugins.sparql.prepareQuery`` returns and
is evaluated many times with different initial bindings by design, so keeping it per (text,
base, namespaces) changes no answer.
"""

from __future__ import annotations

import functools

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

_UNCACHED = processor.SPARQLProcessor.query


@functools.lru_cache(maxsize=1024)
def _translated(text: str, base: str | None, namespaces: tuple) -> object:
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


def _query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    if isinstance(strOrQuery, str):
        try:
            key = tuple(sorted((initNs or {}).items()))
            hash(key)
        except TypeError:  # unhashable namespace values: parse as rdflib does
            pass
        else:
            strOrQuery = _translated(strOrQuery, base, key)
    return _UNCACHED(self, strOrQuery, initBindings, initNs, base, DEBUG)


def cache_sparql_parsing() -> None:
    """Make rdflib's SPARQL processor reuse the translation of a query text (idempotent)."""
    processor.SPARQLProcessor.query = _query
