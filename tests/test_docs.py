"""`gdkg docs -o DIR` (the ontology reference as static files) and the server's content negotiation."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, Graph

from conftest import gdkg
from gdkg.serve.negotiation import NotAcceptable, choose, parse_accept


def test_docs_cover_every_term(project, tmp_path, capsys):
    code, out, err = gdkg(capsys, project.root, "docs", "-o", str(tmp_path / "site"))
    assert code == 0, err
    site = tmp_path / "site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "ontology.ttl", "shapes.ttl", "style.css"]
    html = (site / "index.html").read_text(encoding="utf-8")
    ontology = Graph()
    for path in project.ontology_files():
        ontology.parse(path)
    gd = "https://w3id.org/gdkg/ontology#"
    terms = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith(gd)}
    anchors = set(re.findall(r'<article class="term" id="gd-([^"]+)">', html))
    assert anchors == {t[len(gd):] for t in terms}
    # every term shows both labels as the ontology gives them
    cluster = html.split('id="gd-IndustryCluster"')[1].split("</article>")[0]
    assert "战略性产业集群" in cluster and "strategic industry cluster" in cluster
    assert "gds:IndustryClusterShape" in cluster and "gds:IndustryCluster-annexOrder" in cluster
    # a property: its domain, range and the shapes on it (shapes/references.ttl checks its range)
    city = html.split('id="gd-designatedCity"')[1].split("</article>")[0]
    assert "domain" in city and "range" in city and 'href="#gd-City"' in city
    assert "sh:class gd:City" in city
    # static: the page loads only its own stylesheet, next to it
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["style.css"]
    assert "<script" not in html
    assert len(Graph().parse(site / "ontology.ttl")) == len(ontology)


def test_docs_unwritable_target(project, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, _, err = gdkg(capsys, project.root, "docs", "-o", str(blocker / "site"))
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def test_accept_header_q_values():
    assert parse_accept("text/csv;q=0.5, application/sparql-results+json") == [
        ("application/sparql-results+json", 1.0), ("text/csv", 0.5)]
    offers = ["application/sparql-results+json", "text/csv"]
    assert choose(offers, None) == offers[0]
    assert choose(offers, "*/*") == offers[0]
    assert choose(offers, "text/*") == "text/csv"
    assert choose(offers, "application/json") == offers[0]  # plain JSON means SPARQL JSON here
    assert choose(offers, "text/csv;q=0, */*;q=0.1") == offers[0]  # q=0 refuses CSV
    assert choose(offers, "text/html", "csv") == "text/csv"  # format= wins
    assert choose(offers, ";;;,,q=abc") == offers[0]  # no media range in it: as if absent
    with pytest.raises(NotAcceptable):
        choose(offers, "image/png")
    with pytest.raises(NotAcceptable):
        choose(offers, None, "turtle")
    # format=xml for a graph answer means RDF/XML (as SPARQLWrapper sends it)
    assert choose(["text/turtle", "application/rdf+xml"], None, "xml") == "application/rdf+xml"
