"""HTTP content negotiation: the Accept header (with q-values) or a ``format`` parameter."""

from __future__ import annotations

#: what a client may write in ``format=`` / ``output=`` (SPARQLWrapper, Fuseki and Virtuoso names)
FORMAT_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "csv": "text/csv", "text/csv": "text/csv",
    "tsv": "text/tab-separated-values", "text/tab-separated-values": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle", "text/turtle": "text/turtle", "n3": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples", "n-triples": "application/n-triples",
    "application/n-triples": "application/n-triples",
    "json-ld": "application/ld+json", "jsonld": "application/ld+json",
    "application/ld+json": "application/ld+json",
    "rdf+xml": "application/rdf+xml", "rdfxml": "application/rdf+xml",
    "application/rdf+xml": "application/rdf+xml",
    "html": "text/html", "text/html": "text/html",
}

#: answers to SELECT/ASK and to CONSTRUCT/DESCRIBE, the first of each is the default
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]

#: what a client may ask for that means one of ours
_SYNONYMS = {"application/json": "application/sparql-results+json",
             "application/xml": "application/sparql-results+xml",
             "text/xml": "application/sparql-results+xml", "text/plain": "application/n-triples",
             "application/x-turtle": "text/turtle", "text/n3": "text/turtle", "text/rdf+n3": "text/turtle"}


class NotAcceptable(Exception):
    """Nothing the client accepts can be produced."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q)."""
    ranges = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:  # not a media range: ignore it (as if the client had not sent it)
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(media, q) for media, q, _s, _p in ranges if q > 0]


def choose(offers: list[str], accept: str | None, format_param: str | None = None) -> str:
    """The media type to answer with: ``format_param`` if given and offered, else the
    client's best accepted offer, else (no Accept, or only */*) the first offer."""
    if format_param:
        wanted = FORMAT_ALIASES.get(format_param.strip().lower())
        if wanted == "application/sparql-results+xml" and "application/rdf+xml" in offers:
            wanted = "application/rdf+xml"  # format=xml for a graph means RDF/XML (SPARQLWrapper)
        if wanted in offers:
            return wanted
        raise NotAcceptable(f"format {format_param!r} is not available here; "
                            f"choose one of: {', '.join(offers)}")
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    for media, _q in ranges:
        media = _SYNONYMS.get(media, media)
        if media in offers:
            return media
        if media == "*/*":
            return offers[0]
        if media.endswith("/*"):
            for offer in offers:
                if offer.startswith(media[:-1]):
                    return offer
    raise NotAcceptable(f"cannot answer with any of {accept!r}; available: {', '.join(offers)}")
