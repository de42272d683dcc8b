"""Query answers in the W3C formats, written as they stream from the engine.

SELECT and ASK (https://www.w3.org/TR/sparql11-results-json/, -xml, -csv-tsv):

=========  ==================================  ==========================================
format     media type                          notes
=========  ==================================  ==========================================
json       application/sparql-results+json     typed values, ``xml:lang``, ``datatype``
xml        application/sparql-results+xml
csv        text/csv                            lexical values only, CRLF line ends
tsv        text/tab-separated-values           terms in SPARQL/Turtle syntax
=========  ==================================  ==========================================

CONSTRUCT and DESCRIBE: ``turtle`` (text/turtle), ``nt`` (application/n-triples),
``json-ld`` (application/ld+json). Turtle and N-Triples stream; JSON-LD is built
from the whole graph (rdflib's serializer).

Functions (each yields ``str`` chunks; join them, write them, or hand them to a
streaming HTTP response):

``select_chunks(variables, rows, fmt)``
    rows: an iterable of dicts variable -> rdflib term or None (unbound).
``boolean_chunks(value, fmt)``
    the answer of an ASK (CSV/TSV as Jena writes it: ``_askResult`` then the value).
``graph_chunks(triples, fmt, *, prefixes=PREFIXES, sort=False)``
    triples: an iterable of (s, p, o); ``sort=True`` gathers and sorts them first
    (deterministic output, e.g. for ``gdkg describe``).
``answer_chunks(answer, fmt)``
    any :class:`gdkg.store.Answer`, by its form.
``write(stream, chunks) -> None``
    write the chunks to a text stream, flushing after the first so a reader sees
    output at once.
``media_type(fmt) -> str``, ``normalise_format(fmt, form) -> str``
    the media type of a format; a format name or alias (``ttl``, ``srj``, a media
    type) checked against the query form, raising ``ValueError`` with the choices.
``format_for_accept(accept, form) -> str | None``
    content negotiation: the best format for an HTTP ``Accept`` header (q-values and
    ``type/*`` honoured) and a query form; the form's default (json / turtle) for
    ``*/*`` or no header; None when nothing acceptable can be written (a 406).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .language import Text
from .namespaces import PREFIXES

SELECT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
}
MEDIA_TYPES = {**SELECT_FORMATS, **GRAPH_FORMATS}
ALIASES = {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "jsonld": "json-ld",
           "srj": "json", "srx": "xml", **{media: name for name, media in MEDIA_TYPES.items()},
           "application/json": "json", "application/xml": "xml", "text/xml": "xml",
           "text/plain": "nt", "application/x-turtle": "turtle"}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def media_type(fmt: str) -> str:
    return MEDIA_TYPES[ALIASES.get(fmt, fmt)]


def normalise_format(fmt: str, form: str) -> str:
    """The canonical format name for a query ``form`` (SELECT/ASK/CONSTRUCT/DESCRIBE)."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    allowed = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SELECT_FORMATS
    if name not in allowed:
        raise ValueError(Text(f"a {form} answer can be written as {', '.join(allowed)}, not {fmt!r}",
                              f"{form} 查询的结果只能写成 {', '.join(allowed)}，不能写成 {fmt!r}"))
    return name


def format_for_accept(accept: str | None, form: str) -> str | None:
    """The format to answer an HTTP ``Accept`` header with (see the module docstring)."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    allowed = GRAPH_FORMATS if graph else SELECT_FORMATS
    default = "turtle" if graph else "json"
    if not accept or not accept.strip():
        return default
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        choices.append((-quality, position, media.lower()))
    for negative_quality, _, media in sorted(choices):
        if negative_quality == 0:
            continue
        if media in ("*/*", ""):
            return default
        name = ALIASES.get(media)
        if name in allowed:
            return name
        if media.endswith("/*"):
            family = media[:-1]
            for candidate, candidate_media in allowed.items():
                if candidate_media.startswith(family):
                    return candidate
    return None


# ------------------------------------------------------------------ SELECT / ASK


def select_chunks(variables: list[str], rows: Iterable[dict[str, Node | None]], fmt: str) -> Iterator[str]:
    fmt = normalise_format(fmt, "SELECT")
    return {"json": _json_select, "xml": _xml_select, "csv": _csv_select,
            "tsv": _tsv_select}[fmt](variables, rows)


def boolean_chunks(value: bool, fmt: str) -> Iterator[str]:
    fmt = normalise_format(fmt, "ASK")
    word = "true" if value else "false"
    if fmt == "json":
        yield json.dumps({"head": {}, "boolean": bool(value)}) + "\n"
    elif fmt == "xml":
        yield (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_SRX}">\n  <head/>\n'
               f"  <boolean>{word}</boolean>\n</sparql>\n")
    elif fmt == "csv":
        yield f"_askResult\r\n{word}\r\n"
    else:
        yield f"?_askResult\n{word}\n"


def json_term(term: Node) -> dict[str, str]:
    """One RDF term as an object of the SPARQL 1.1 JSON results format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != _XSD_STRING:
        value["datatype"] = str(term.datatype)
    return value


def _json_select(variables, rows) -> Iterator[str]:
    yield '{"head": {"vars": ' + json.dumps(list(variables)) + '},\n "results": {"bindings": ['
    separator = "\n  "
    for row in rows:
        binding = {v: json_term(row[v]) for v in variables if row.get(v) is not None}
        yield separator + json.dumps(binding, ensure_ascii=False)
        separator = ",\n  "
    yield "\n ]}}\n"


_SRX = "http://www.w3.org/2005/sparql-results#"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", text))


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(str(term))}</literal>"
    if term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{_xml_text(str(term))}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def _xml_select(variables, rows) -> Iterator[str]:
    head = "".join(f"\n    <variable name={quoteattr(v)}/>" for v in variables)
    yield (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_SRX}">\n  <head>{head}\n'
           "  </head>\n  <results>\n")
    for row in rows:
        bindings = "".join(f"\n      <binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                           for v in variables if row.get(v) is not None)
        yield f"    <result>{bindings}\n    </result>\n"
    yield "  </results>\n</sparql>\n"


def csv_value(term: Node | None) -> str:
    """SPARQL 1.1 CSV: the IRI, the literal's lexical form, ``_:id``; '' when unbound."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv_select(variables, rows) -> Iterator[str]:
    """SPARQL CSV, which is for spreadsheets: a literal that a spreadsheet would run as a
    formula gets OWASP's leading ' (plain numbers stay as they are; see safe_io)."""
    from .safe_io import spreadsheet_cell

    def cell(term: Node | None) -> str:
        return spreadsheet_cell(csv_value(term)) if isinstance(term, Literal) else csv_value(term)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(row.get(v)) for v in variables])
        yield buffer.getvalue()


def nt_term(term: Node) -> str:
    """A term in N-Triples (and SPARQL/TSV) syntax."""
    if isinstance(term, URIRef):
        return f"<{_escape_iri(str(term))}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = '"' + _escape_string(str(term)) + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _RDF_LANG_STRING):
        return f"{text}^^<{_escape_iri(str(term.datatype))}>"
    return text


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\n\r\t]')
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_string(text: str) -> str:
    return _STRING_SPECIAL.sub(lambda m: _STRING_ESCAPES[m.group()], text)


def _escape_iri(text: str) -> str:
    return _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def _tsv_select(variables, rows) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if row.get(v) is None else nt_term(row[v]) for v in variables) + "\n"


# ------------------------------------------------------------------ CONSTRUCT / DESCRIBE


def graph_chunks(triples: Iterable[tuple[Node, Node, Node]], fmt: str, *,
                 prefixes: dict[str, str] = PREFIXES, sort: bool = False) -> Iterator[str]:
    fmt = normalise_format(fmt, "CONSTRUCT")
    if sort:
        triples = sorted(set(triples), key=lambda t: tuple(nt_term(x) for x in t))
        prefixes = _used_prefixes(triples, prefixes)
    if fmt == "nt":
        return (f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)
    if fmt == "turtle":
        return _turtle(triples, prefixes)
    return _json_ld(triples, prefixes)


def _used_prefixes(triples, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes the (gathered) triples need, so a sorted Turtle file lists only those."""
    from .serialize import _Compactor

    compact = _Compactor(prefixes)
    for triple in triples:
        for term in triple:
            if isinstance(term, URIRef):
                compact.iri(str(term))
            elif isinstance(term, Literal) and term.datatype is not None:
                compact.iri(str(term.datatype))
    return {name: iri for name, iri in prefixes.items() if name in compact.used}


def _turtle(triples, prefixes) -> Iterator[str]:
    from .serialize import _Compactor

    compact = _Compactor(prefixes)
    yield "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items()) + "\n"
    subject = predicate = None
    for s, p, o in triples:
        obj = _turtle_term(compact, o)
        if s == subject and p == predicate:
            yield f" ,\n        {obj}"
        elif s == subject:
            yield f" ;\n    {_turtle_predicate(compact, p)} {obj}"
        else:
            if subject is not None:
                yield " .\n\n"
            yield f"{_turtle_term(compact, s)}\n    {_turtle_predicate(compact, p)} {obj}"
        subject, predicate = s, p
    if subject is not None:
        yield " .\n"


def _turtle_predicate(compact, predicate: Node) -> str:
    if str(predicate) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
        return "a"
    return _turtle_term(compact, predicate)


def _turtle_term(compact, term: Node) -> str:
    if isinstance(term, URIRef):
        shown = compact.iri(str(term))
        return shown if not shown.startswith("<") else f"<{_escape_iri(str(term))}>"
    if isinstance(term, Literal) and term.datatype is not None and not term.language \
            and str(term.datatype) != _XSD_STRING:
        return f'"{_escape_string(str(term))}"^^{_turtle_term(compact, URIRef(term.datatype))}'
    return nt_term(term)


def _json_ld(triples, prefixes) -> Iterator[str]:
    from rdflib import Graph

    graph = Graph()
    for triple in triples:
        graph.add(triple)
    used = {name: iri for name, iri in prefixes.items()
            if any(str(t).startswith(iri) for triple in graph for t in triple if isinstance(t, URIRef))}
    yield graph.serialize(format="json-ld", context=used, auto_compact=True, ensure_ascii=False) + "\n"


def answer_chunks(answer, fmt: str) -> Iterator[str]:
    """Any :class:`gdkg.store.Answer` in ``fmt``."""
    if answer.form == "ASK":
        return boolean_chunks(bool(answer.boolean), fmt)
    if answer.form == "SELECT":
        return select_chunks(answer.variables, answer.rows, fmt)
    return graph_chunks(answer.triples, fmt)


def write(stream, chunks: Iterable[str]) -> None:
    """Write chunks to a text stream, flushing after the first one."""
    first = True
    for chunk in chunks:
        stream.write(chunk)
        if first:
            stream.flush()
            first = False
    stream.flush()
