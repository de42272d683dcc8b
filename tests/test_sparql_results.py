"""sparql_results: the W3C result formats, read back by rdflib's and Oxigraph's own parsers."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from gdkg.sparql_results import (
    boolean_chunks,
    graph_chunks,
    media_type,
    normalise_format,
    select_chunks,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
ROWS = [
    {"a": URIRef("https://w3id.org/gdkg/id/city/guangzhou"), "b": Literal("广州", lang="zh")},
    {"a": BNode("n1"), "b": Literal("3", datatype=URIRef(XSD + "integer"))},
    {"a": None, "b": Literal('a "quoted", comma,\ttab\nand newline')},
]


def text(chunks) -> str:
    return "".join(chunks)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_select_formats_round_trip_through_rdflib(fmt):
    parsed = Result.parse(io.StringIO(text(select_chunks(["a", "b"], ROWS, fmt))), format=fmt)
    rows = [dict(zip(["a", "b"], row, strict=True)) for row in parsed]
    assert rows[0] == ROWS[0] and rows[2] == ROWS[2]
    assert rows[1]["b"] == ROWS[1]["b"] and isinstance(rows[1]["a"], BNode)


@pytest.mark.parametrize("fmt", ["JSON", "XML", "TSV"])
def test_select_formats_parse_with_oxigraph(fmt):
    data = text(select_chunks(["a", "b"], ROWS, fmt.lower())).encode()
    solutions = list(pyoxigraph.parse_query_results(data, format=getattr(pyoxigraph.QueryResultsFormat, fmt)))
    assert len(solutions) == 3
    assert solutions[0]["a"].value == "https://w3id.org/gdkg/id/city/guangzhou"
    assert solutions[2]["a"] is None
    assert solutions[2]["b"].value == 'a "quoted", comma,\ttab\nand newline'
    assert solutions[0]["b"].language == "zh"
    assert solutions[1]["b"].datatype.value == XSD + "integer"


def test_csv_reads_back_with_the_csv_module():
    """SPARQL CSV keeps lexical forms only (by design); quoting per RFC 4180."""
    rows = list(csv.reader(io.StringIO(text(select_chunks(["a", "b"], ROWS, "csv")), newline="")))
    assert rows == [["a", "b"], ["https://w3id.org/gdkg/id/city/guangzhou", "广州"], ["_:n1", "3"],
                    ["", 'a "quoted", comma,\ttab\nand newline']]


def test_json_and_csv_details():
    data = json.loads(text(select_chunks(["a", "b"], ROWS, "json")))
    assert data["head"]["vars"] == ["a", "b"]
    assert data["results"]["bindings"][0]["b"] == {"type": "literal", "value": "广州", "xml:lang": "zh"}
    assert "a" not in data["results"]["bindings"][2]  # unbound: left out
    csv_text = text(select_chunks(["a", "b"], ROWS, "csv"))
    assert csv_text.startswith("a,b\r\nhttps://w3id.org/gdkg/id/city/guangzhou,广州\r\n_:n1,3\r\n")
    tsv_text = text(select_chunks(["a", "b"], ROWS, "tsv"))
    assert tsv_text.splitlines()[:2] == ["?a\t?b", '<https://w3id.org/gdkg/id/city/guangzhou>\t"广州"@zh']


def test_boolean():
    assert json.loads(text(boolean_chunks(True, "json"))) == {"head": {}, "boolean": True}
    root = ET.fromstring(text(boolean_chunks(False, "xml")))
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "false"
    assert bool(pyoxigraph.parse_query_results(text(boolean_chunks(True, "xml")).encode(),
                                               format=pyoxigraph.QueryResultsFormat.XML)) is True


def test_rows_stream_one_chunk_each():
    produced = []

    def rows():
        for row in ROWS:
            produced.append(row)
            yield row

    chunks = select_chunks(["a", "b"], rows(), "csv")
    next(chunks)  # the header, before any row is read
    assert produced == []
    next(chunks)
    assert len(produced) == 1


TRIPLES = [
    (URIRef("https://w3id.org/gdkg/id/city/guangzhou"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
     Literal("广州", lang="zh")),
    (URIRef("https://w3id.org/gdkg/id/city/guangzhou"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
     Literal("Guangzhou", lang="en")),
    (URIRef("https://w3id.org/gdkg/id/city/guangzhou"), URIRef("https://w3id.org/gdkg/ontology#annexOrder"),
     Literal("1", datatype=URIRef(XSD + "integer"))),
    (URIRef("http://example.org/x"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
     Literal('a "quoted"\nline\\ with a backslash')),
]


@pytest.mark.parametrize(("fmt", "rdflib_format"),
                         [("turtle", "turtle"), ("nt", "nt"), ("json-ld", "json-ld")])
def test_graph_formats_parse_back_to_the_same_graph(fmt, rdflib_format):
    written = text(graph_chunks(TRIPLES[:3], fmt))
    graph = Graph().parse(data=written, format=rdflib_format)
    assert set(graph) == set(TRIPLES[:3])


def test_turtle_escapes_strings_and_sorts():
    written = text(graph_chunks(reversed(TRIPLES), "turtle", sort=True))
    parsed = list(pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(parsed) == 4
    assert parsed[0].object.value == 'a "quoted"\nline\\ with a backslash'
    assert written.index("Guangzhou") < written.index("annexOrder")  # sorted, not reversed


def test_formats_and_media_types():
    assert media_type("json") == "application/sparql-results+json"
    assert media_type("ttl") == "text/turtle"
    assert normalise_format("application/n-triples", "DESCRIBE") == "nt"
    with pytest.raises(ValueError, match="can be written as turtle, nt, json-ld"):
        normalise_format("csv", "CONSTRUCT")


@pytest.mark.parametrize(("accept", "form", "expected"), [
    (None, "SELECT", "json"),
    ("*/*", "CONSTRUCT", "turtle"),
    ("application/sparql-results+xml", "SELECT", "xml"),
    ("text/csv;q=0.5, text/tab-separated-values", "SELECT", "tsv"),
    ("application/n-triples, text/turtle;q=0.9", "DESCRIBE", "nt"),
    ("text/*", "SELECT", "csv"),
    ("application/json", "ASK", "json"),
    ("text/turtle", "SELECT", None),  # a SELECT has no Turtle form: 406
    ("text/csv;q=0, application/xml", "SELECT", "xml"),
])
def test_content_negotiation(accept, form, expected):
    from gdkg.sparql_results import format_for_accept

    assert format_for_accept(accept, form) == expected
