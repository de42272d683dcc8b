"""The Oxigraph engine (validation/sparql_shacl.py, ``--shacl oxigraph``, the default) against
pySHACL, the reference.

Result by result — severity, focus node, path, value, source shape, constraint component and
the messages in each language — on: the bundled graph; the bundled graph with each readable
file of the bad-input corpus added, case by case; and small graphs written here for the
literal traps (ill-typed numbers, ill-typed lexical forms under sh:datatype, plain strings as
xsd:string, language tags, canonical forms) and for every constraint component gdkg's shapes
use. A shape with a feature the engine does not compile is validated by pySHACL instead,
never skipped.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from rdflib import Graph

from conftest import BAD_INPUTS
from gdkg.load import LoadError, load_triples, parse_text, to_graph
from gdkg.validation.shacl import (
    _order,
    _patch_pyshacl,
    _results,
    _templates,
    raw_results,
    validate,
    validate_triples,
)
from gdkg.validation.shacl_engine import chosen_engine, validate_function
from gdkg.validation.sparql_shacl import SparqlShaclValidator

pytest.importorskip("pyoxigraph")


def _readable(path) -> set | None:
    try:
        return load_triples([path])
    except LoadError:  # unusable input: refused before any validation
        return None


CASES = [p for p in sorted(BAD_INPUTS.glob("*.ttl")) if _readable(p) is not None]


@pytest.fixture(scope="module")
def shapes(project):
    return load_triples(project.shape_files())


def _run(data: Graph, shapes: Graph, engine: str) -> tuple[set, list]:
    """Every result of the engine's results graph, before the report merges any, and the
    report's results (as gdkg.validation.shacl.validate makes them)."""
    _patch_pyshacl()
    _conforms, graph, _text = validate_function(engine)(
        data, shacl_graph=shapes, inference="none", advanced=True,
        allow_warnings=True, allow_infos=True, abort_on_first=False, inplace=True)
    return raw_results(graph), sorted(_results(graph, _templates(shapes)), key=_order)


def _compare(data: set | Graph, shapes: set | Graph) -> list:
    """Assert both engines give the same results on one rdflib graph of ``data`` (neither
    engine changes the data or shapes graph: no inference, no rules); the reference's report."""
    data = data if isinstance(data, Graph) else to_graph(data)
    shapes = shapes if isinstance(shapes, Graph) else to_graph(shapes)
    reference_raw, reference = _run(data, shapes, "pyshacl")
    ours_raw, ours = _run(data, shapes, "oxigraph")
    # (focus, path, value, constraint component, severity, source shape) of every result
    assert ours_raw == reference_raw
    assert ours == reference  # and the report, with the messages in each language
    return reference


@pytest.fixture(scope="module")
def shapes_graph(shapes) -> Graph:
    return to_graph(shapes)


@pytest.fixture(scope="module")
def bundled_graph(asserted) -> Graph:
    """This module's own rdflib graph of the bundled triples: each bad-input case adds its
    new triples, is validated, and takes them out again (graph == asserted | case)."""
    return to_graph(asserted)


@contextmanager
def _plus(graph: Graph, base: set, triples: set):
    extra = triples - base
    graph.addN((s, p, o, graph) for s, p, o in extra)
    try:
        yield graph
    finally:
        for triple in extra:
            graph.remove(triple)
    assert len(graph) == len(base)


def test_auto_is_oxigraph_and_pyshacl_stays_selectable(monkeypatch):
    monkeypatch.delenv("GDKG_SHACL", raising=False)
    assert chosen_engine() == "oxigraph"
    monkeypatch.setenv("GDKG_SHACL", "pyshacl")
    assert chosen_engine() == "pyshacl"
    assert chosen_engine("oxigraph") == "oxigraph"


def test_bundled_graph_same_results_and_nothing_left_to_pyshacl(asserted, bundled_graph, shapes_graph):
    with _plus(bundled_graph, asserted, set()) as data:
        reference = _compare(data, shapes_graph)
    assert reference, "the bundled graph has warnings and infos that both engines must report"
    assert SparqlShaclValidator(shapes_graph).delegated == []


def test_triples_path_of_the_build_gives_the_same_report(asserted, shapes):
    # what `gdkg build` runs (no rdflib graph of the data on the Oxigraph path)
    assert validate_triples(asserted, shapes, engine="oxigraph").results == \
        validate(to_graph(asserted), to_graph(shapes), engine="pyshacl").results


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_each_bad_input_same_results(asserted, bundled_graph, shapes_graph, case):
    with _plus(bundled_graph, asserted, _readable(case)) as data:
        _compare(data, shapes_graph)


PREFIXES = """\
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix ex:   <http://example.org/> .
"""

# every constraint component and target kind of shapes/*.ttl, with a value on each side
SHAPES = PREFIXES + r'''
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:Number a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:n ;
    sh:datatype xsd:decimal ; sh:minInclusive 0 ; sh:maxInclusive 10 ; sh:maxCount 1 ;
    sh:message "n: one decimal in 0..10"@en , "n：0 到 10 之间的一个小数"@zh .
ex:Count a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:k ; sh:datatype xsd:integer ;
    sh:minExclusive 0 ; sh:maxExclusive 100 ; sh:message "k"@en .
ex:Year a sh:PropertyShape ; sh:targetSubjectsOf ex:year ; sh:path ex:year ; sh:datatype xsd:gYear ;
    sh:message "year"@en .
ex:Code a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:code ; sh:datatype xsd:string ;
    sh:pattern "^44[0-9]{4}$" ; sh:message "code"@en .
ex:Label a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path rdfs:label ; sh:minCount 2 ;
    sh:uniqueLang true ; sh:languageIn ( "zh" "en" ) ; sh:message "label"@en , "标签"@zh .
ex:Text a sh:PropertyShape ; sh:targetObjectsOf ex:about ; sh:path ex:text ;
    sh:datatype rdf:langString ; sh:message "text"@en .
ex:Kind a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:kind ; sh:in ( ex:A ex:B ) ;
    sh:class ex:Kind ; sh:message "kind"@en .
ex:Flag a sh:PropertyShape ; sh:targetNode ex:t1 , ex:missing ; sh:path ex:flag ; sh:hasValue ex:A ;
    sh:severity sh:Info ; sh:message "flag"@en .
ex:Pair a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:up ; sh:disjoint ex:down ;
    sh:severity sh:Warning ; sh:message "pair"@en .
ex:Either a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:or ( [ sh:class ex:Sub ] [ sh:path ex:kind ; sh:hasValue ex:B ] ) ;
    sh:not [ sh:class ex:Banned ] ; sh:message "either"@en .
ex:One a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:xone ( [ sh:path ex:up ; sh:minCount 1 ] [ sh:path ex:down ; sh:minCount 1 ] ) ;
    sh:message "one"@en .
ex:Twin a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:severity sh:Warning ;
    sh:path ( rdfs:label [ sh:inversePath rdfs:label ] ) ;
    sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMaxCount 1 ; sh:message "twin"@en .
ex:Linked a sh:PropertyShape ; sh:targetClass ex:Thing ;
    sh:path [ sh:alternativePath ( ex:up [ sh:inversePath ex:down ] ) ] ; sh:maxCount 1 ;
    sh:message "linked"@en .
ex:Closed a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ;
    sh:ignoredProperties ( rdf:type rdfs:label ex:n ex:k ex:code ex:kind ex:flag ex:up ex:down
                           ex:year ) ;
    sh:message "closed"@en .
ex:Big a sh:NodeShape ; sh:severity sh:Warning ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:prefixes ; sh:select
        "SELECT ?this WHERE { ?this ex:n ?v . FILTER (?v > 5) }" ] ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex:prefixes ;
        sh:message "{$this} has {?value} over five ({?label})"@en , "{?value} 大于五"@zh ;
        sh:select """SELECT $this ?value ?label WHERE { $this ex:n ?value .
            OPTIONAL { $this rdfs:label ?label . FILTER (LANG(?label) = 'en') } }""" ] .
'''

DATA = PREFIXES + """
ex:Sub rdfs:subClassOf ex:Thing .
ex:A a ex:Kind . ex:C a ex:Kind .
ex:t1 a ex:Thing ; rdfs:label "一"@zh , "one"@en ; ex:n 1.50 ; ex:k "01"^^xsd:integer ;
    ex:code "440100" ; ex:kind ex:B ; ex:up ex:x ; ex:year "2020"^^xsd:gYear .
ex:t2 a ex:Sub ; rdfs:label "two"@en , "two again"@en , "2"^^xsd:string ; ex:n "1,5"^^xsd:decimal ;
    ex:k 0 , "7.5"^^xsd:integer ; ex:code "440100"^^xsd:string , "4401"@en ; ex:kind ex:C ;
    ex:up ex:x ; ex:down ex:x ; ex:year "20x"^^xsd:gYear , 2020 ; ex:other "not allowed" .
ex:t3 a ex:Thing , ex:Banned ; rdfs:label "one"@en , "三"@zh-Hans ; ex:n 12 , "1.5万亿" , ex:iri ;
    ex:kind ex:A ; ex:down ex:y .
ex:t4 a ex:Sub ; rdfs:label "四"@zh , "four"@EN ; ex:n 7.25 ; ex:k 100 ; ex:code _:b .
ex:note ex:about ex:t1 . ex:t1 ex:text "plain" . ex:t4 ex:text "标"@zh .
ex:q ex:about ex:t4 . ex:y ex:down ex:t1 .
"""


def _triples(text: str, name: str) -> set:
    return set(parse_text(text, name))


def test_every_component_and_literal_trap_like_pyshacl():
    reference = _compare(_triples(DATA, "data.ttl"), _triples(SHAPES, "shapes.ttl"))
    shapes_seen = {r.shape.rsplit("/", 1)[-1] for r in reference}
    # each shape above has at least one failing and one passing value in DATA
    assert shapes_seen == {"Number", "Count", "Year", "Code", "Label", "Text", "Kind", "Flag",
                           "Pair", "Either", "One", "Twin", "Linked", "Closed", "Big"}
    values = {(r.shape.rsplit("/", 1)[-1], r.value) for r in reference}
    # the ill-typed decimal and a string cannot be compared with sh:minInclusive 0
    assert ("Number", '"1,5"^^<http://www.w3.org/2001/XMLSchema#decimal>') in values
    assert ("Number", '"1.5万亿"') in values
    # reported in the data's own spelling, not Oxigraph's canonical one ("01" -> "1")
    assert ("Count", '"01"^^<http://www.w3.org/2001/XMLSchema#integer>') not in values
    assert ("Count", '"7.5"^^<http://www.w3.org/2001/XMLSchema#integer>') in values


def test_a_shape_the_engine_cannot_compile_is_left_to_pyshacl():
    shapes = SHAPES + """
ex:Short a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path rdfs:label ; sh:maxLength 3 ;
    sh:message "short"@en .
ex:Unexplained a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:n ; sh:maxCount 1 .
"""
    validator = SparqlShaclValidator(to_graph(_triples(shapes, "shapes.ttl")))
    # sh:maxLength is not compiled; a shape without sh:message gets pySHACL's own wording
    assert [str(n) for n in validator.delegated] == ["http://example.org/Short",
                                                     "http://example.org/Unexplained"]
    reference = _compare(_triples(DATA, "data.ttl"), _triples(shapes, "shapes.ttl"))
    # labels of more than three characters: "two again" and "four" (t2, t4 in DATA)
    assert {r.value.split("@")[0] for r in reference if r.shape == "http://example.org/Short"} == \
        {'"two again"', '"four"'}
    # t3 has three values of ex:n
    assert [r.focus for r in reference if r.shape == "http://example.org/Unexplained"] == \
        ["http://example.org/t3"]


def test_store_parsed_from_the_files_holds_exactly_the_loaded_triples(project, asserted):
    # the build's SHACL child parses the Turtle files natively instead of converting the
    # rdflib triples; with the loader's canonical blank nodes (the ontology's property
    # chains are RDF lists) the two stores must hold the same quads
    import pyoxigraph

    from gdkg.load import read_text
    from gdkg.validation.sparql_shacl import load_store, store_from_texts

    parsed = store_from_texts((read_text(p) for p in project.graph_files()), asserted)
    assert parsed is not None
    converted, _ = load_store(asserted)
    assert any(isinstance(q.subject, pyoxigraph.BlankNode) for q in converted)
    assert sorted(map(str, parsed)) == sorted(map(str, converted))
    # a text that is not the data's source gives no store (the caller converts instead)
    assert store_from_texts(["<urn:a> <urn:b> <urn:c> ."], asserted) is None
