"""`gdkg serve` over loopback with real clients: SPARQLWrapper in every result format, raw HTTP
for the protocol's corners (negotiation, errors, limits, CORS), one server for the module.

Expected answers come from 附件 1 of the 14th FYP (seeds/001, "十大"战略性支柱产业布局 and
新兴产业布局 tables): rows 1–10 are the pillar clusters in this order; 汽车 (row 4) is ★★★ in
广州, 深圳, 佛山; 新能源 (row 16) is ★★★★ (core) in 广州, 深圳, 佛山, 东莞, 湛江, 阳江.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

# 附件 1 table 1, rows 1-10 (seeds/001)
PILLARS_ZH = ["新一代电子信息", "绿色石化", "智能家电", "汽车", "先进材料", "现代轻工纺织", "软件与信息服务",
              "超高清视频显示", "生物医药与健康", "现代农业与食品"]
PILLAR_QUERY = """
SELECT ?cluster ?zh WHERE {
  ?cluster a gd:PillarIndustryCluster ; gd:annexOrder ?order ; rdfs:label ?zh . FILTER(LANG(?zh) = "zh")
} ORDER BY ?order"""
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client(base: str, fmt=None, method="GET"):
    from SPARQLWrapper import SPARQLWrapper as Wrapper

    wrapper = Wrapper(base + "/sparql")
    wrapper.setMethod(method)
    if fmt is not None:
        wrapper.setReturnFormat(fmt)
    return wrapper


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body text) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def get(base: str, path: str, params: dict | None = None, **kwargs):
    query = "?" + urllib.parse.urlencode(params) if params else ""
    return http(base + path + query, **kwargs)


# ------------------------------------------------------------------ SPARQLWrapper


def test_select_json(gdkg_server):
    from SPARQLWrapper import JSON

    wrapper = client(gdkg_server, JSON)
    wrapper.setQuery(PILLAR_QUERY)
    result = wrapper.queryAndConvert()
    assert result["head"]["vars"] == ["cluster", "zh"]
    rows = result["results"]["bindings"]
    assert [r["zh"]["value"] for r in rows] == PILLARS_ZH
    assert rows[0]["zh"]["xml:lang"] == "zh" and rows[0]["cluster"]["type"] == "uri"


def test_select_xml(gdkg_server):
    from SPARQLWrapper import XML

    wrapper = client(gdkg_server, XML, method="POST")
    wrapper.setQuery(PILLAR_QUERY)
    document = wrapper.queryAndConvert()  # an xml.dom.minidom document
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == PILLARS_ZH
    assert {node.getAttribute("xml:lang") for node in document.getElementsByTagName("literal")} == {"zh"}


def test_select_csv(gdkg_server):
    from SPARQLWrapper import CSV

    wrapper = client(gdkg_server, CSV)
    wrapper.setQuery(PILLAR_QUERY)
    rows = list(csv.DictReader(io.StringIO(wrapper.queryAndConvert().decode("utf-8"))))
    assert [r["zh"] for r in rows] == PILLARS_ZH
    assert rows[3]["cluster"] == "https://w3id.org/gdkg/id/cluster/automobiles"


def test_ask(gdkg_server):
    from SPARQLWrapper import JSON

    # 深圳 is ★★★ (core) for 汽车 in 附件 1; 珠海 is ★★ (key), not core
    ask = """ASK {{ ?d gd:designatedCluster cluster:automobiles ; gd:designatedCity city:{city} ;
                     gd:designationLevel gd:CoreLevel }}"""
    answers = {}
    for city in ("shenzhen", "zhuhai"):
        wrapper = client(gdkg_server, JSON)
        wrapper.setQuery(ask.format(city=city))
        answers[city] = wrapper.queryAndConvert()["boolean"]
    assert answers == {"shenzhen": True, "zhuhai": False}


def test_construct_turtle(gdkg_server):
    from SPARQLWrapper import TURTLE

    wrapper = client(gdkg_server, TURTLE)
    wrapper.setQuery("CONSTRUCT { ?c rdfs:label ?l } "
                     "WHERE { ?c a gd:EmergingIndustryCluster ; rdfs:label ?l }")
    graph = Graph().parse(data=wrapper.queryAndConvert().decode("utf-8"), format="turtle")
    # 10 emerging clusters (附件 1 table 2, rows 11-20), each with a zh and an en label
    assert len(set(graph.subjects())) == 10
    assert len(graph) == 20
    assert (URIRef("https://w3id.org/gdkg/id/cluster/new-energy"), None, None) in graph


def test_update_refused(gdkg_server):
    wrapper = client(gdkg_server, method="POST")
    wrapper.setQuery('INSERT DATA { <https://example.org/x> <https://example.org/p> "injected" }')
    with pytest.raises(urllib.error.HTTPError) as caught:
        wrapper.query()
    assert caught.value.code == 403
    assert "read-only" in caught.value.read().decode()
    # and nothing changed
    check = client(gdkg_server)
    check.setQuery('ASK { ?s ?p "injected" }')
    from SPARQLWrapper import JSON

    check.setReturnFormat(JSON)
    assert check.queryAndConvert()["boolean"] is False


def test_service_refused(gdkg_server):
    wrapper = client(gdkg_server)
    # a real address: if the query ran, the worker would try to reach the server itself
    wrapper.setQuery(f"SELECT * WHERE {{ SERVICE <{gdkg_server}/sparql> {{ ?s ?p ?o }} }}")
    with pytest.raises(urllib.error.HTTPError) as caught:
        wrapper.query()
    assert caught.value.code == 403
    message = caught.value.read().decode()
    assert "SERVICE" in message and "line 1" in message


def test_runaway_query_stopped_while_others_answer(gdkg_server):
    """A cartesian product (34k³ solutions) stops at the 2 s timeout; a normal query sent while
    it runs is answered at once, and the server answers afterwards too."""
    from SPARQLWrapper import JSON

    outcome = {}

    def runaway():
        wrapper = client(gdkg_server, JSON)
        wrapper.setQuery(CARTESIAN)
        started = time.monotonic()
        try:
            wrapper.query()
            outcome["status"] = 200
        except urllib.error.HTTPError as error:
            outcome["status"], outcome["message"] = error.code, error.read().decode()
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    normal = []
    while thread.is_alive() and len(normal) < 5:
        wrapper = client(gdkg_server, JSON)
        wrapper.setQuery(PILLAR_QUERY)
        started = time.monotonic()
        rows = wrapper.queryAndConvert()["results"]["bindings"]
        normal.append((time.monotonic() - started, len(rows), thread.is_alive()))
        time.sleep(0.1)
    thread.join(30)
    assert outcome["status"] == 503, outcome
    assert "timeout" in outcome["message"] and "2 s" in outcome["message"]
    assert 1.9 <= outcome["seconds"] < 10
    assert normal and all(rows == 10 for _t, rows, _alive in normal)
    assert any(alive for _t, _rows, alive in normal), "no normal query ran while the runaway one did"
    assert max(t for t, _rows, _alive in normal) < 1.5
    after = client(gdkg_server, JSON)
    after.setQuery(PILLAR_QUERY)
    assert len(after.queryAndConvert()["results"]["bindings"]) == 10


# ------------------------------------------------------------------ protocol over plain HTTP


def test_binds_loopback_by_default(gdkg_server):
    assert gdkg_server.startswith("http://127.0.0.1:")


def test_service_description(gdkg_server):
    status, headers, body = get(gdkg_server, "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(gdkg_server + "/sparql")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert (endpoint, rdf_type, URIRef(sd + "Service")) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    # SERVICE is off by default, so no federated-query feature is announced
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "BasicFederatedQuery")) not in graph


def test_post_direct_and_negotiation(gdkg_server):
    body = PILLAR_QUERY.encode()
    status, headers, text = http(gdkg_server + "/sparql", data=body, headers={
        "Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    lines = text.splitlines()
    assert lines[0] == "?cluster\t?zh"
    assert lines[4] == '<https://w3id.org/gdkg/id/cluster/automobiles>\t"汽车"@zh'
    # q-values: CSV preferred over JSON
    status, headers, _ = http(gdkg_server + "/sparql", data=body, headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json;q=0.5, text/csv"})
    assert headers["Content-Type"].startswith("text/csv")
    # format= wins over Accept; nothing acceptable -> 406
    status, headers, _ = get(gdkg_server, "/sparql", {"query": PILLAR_QUERY, "format": "xml"},
                             headers={"Accept": "text/csv"})
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    status, _, text = get(gdkg_server, "/sparql", {"query": PILLAR_QUERY}, headers={"Accept": "image/png"})
    assert status == 406 and "available" in text


def test_describe_as_ntriples(gdkg_server):
    status, headers, text = get(gdkg_server, "/sparql", {"query": "DESCRIBE city:shenzhen"},
                                headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    graph = Graph().parse(data=text, format="nt")
    assert (URIRef("https://w3id.org/gdkg/id/city/shenzhen"), None, None) in graph


def test_syntax_error_has_position(gdkg_server):
    broken = "SELECT ?s WHERE {\n  ?s a gd:City \n  FILTER(\n}"
    status, _, text = get(gdkg_server, "/sparql", {"query": broken})
    assert status == 400
    assert "line" in text and "column" in text and "^" in text


def test_max_rows(gdkg_server):
    # the server runs with --max-rows 1000; the graph has more than 30 000 triples
    status, headers, text = get(gdkg_server, "/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"},
                                headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert len(json.loads(text)["results"]["bindings"]) == 1000
    assert headers["X-Gdkg-Truncated"] == "max-rows=1000"


def test_oversized_body_413(gdkg_server):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000  # the server runs with --max-body 65536
    status, _, text = http(gdkg_server + "/sparql", data=query.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and "65536" in text


def test_changes_refused(gdkg_server):
    status, headers, text = http(gdkg_server + "/sparql", data=b"x", method="PUT")
    assert status == 405 and "read-only" in text
    status, _, text = http(gdkg_server + "/sparql", data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in text
    status, _, text = get(gdkg_server, "/sparql", {"query": "DELETE WHERE { ?s ?p ?o }"})
    assert status == 403 and "read-only" in text
    status, _, text = http(gdkg_server + "/id/city/shenzhen", data=b"", method="DELETE")
    assert status == 405 and "read-only" in text


def test_cors(gdkg_server):
    status, headers, _ = get(gdkg_server, "/sparql", {"query": "ASK {}"},
                             headers={"Origin": "https://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(gdkg_server + "/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and "POST" in headers["Access-Control-Allow-Methods"]


# ------------------------------------------------------------------ named queries


def test_named_query_list(gdkg_server):
    status, _, text = get(gdkg_server, "/queries")
    catalogue = {q["name"]: q for q in json.loads(text)}
    assert status == 200
    assert [p["name"] for p in catalogue["shared-core-cities"]["params"]] == ["a", "b"]
    assert catalogue["shared-core-cities"]["title"]


def test_named_query_with_labels(gdkg_server):
    status, headers, text = get(gdkg_server, "/queries/shared-core-cities",
                                {"a": "汽车", "b": "新能源", "format": "csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["cityZh"] for r in rows] == ["广州", "深圳", "佛山"]  # 汽车 ★★★ ∩ 新能源 ★★★★, annex order


def test_named_query_errors(gdkg_server):
    status, _, text = get(gdkg_server, "/queries/shared-core-citys")
    assert status == 404 and "shared-core-cities" in text
    status, _, text = get(gdkg_server, "/queries/shared-core-cities", {"a": "汽车", "bb": "新能源"})
    assert status == 400 and "bb" in text and "did you mean b" in text
    # 生物医用材料 labels two entities in the graph (subfield-chain takes any entity): ambiguous
    status, _, text = get(gdkg_server, "/queries/subfield-chain", {"subfield": "生物医用材料"})
    assert status == 400 and "parameter subfield" in text and "生物医用材料" in text
    # a name of nothing: 400 naming the parameter, with the closest cluster label (新能源)
    status, _, text = get(gdkg_server, "/queries/subfield-cities", {"cluster": "新能原"})
    assert status == 400 and "parameter cluster" in text and "新能源" in text
    # a required parameter missing
    status, _, text = get(gdkg_server, "/queries/shared-core-cities", {"a": "汽车"})
    assert status == 400 and "needs the parameter b (gd:IndustryCluster; required)" in text
    assert "/queries/shared-core-cities?a=" in text  # an example call
    status, _, text = get(gdkg_server, "/queries/..%2F..%2Fetc%2Fpasswd")
    assert status == 404


# ------------------------------------------------------------------ entity pages, static files


def test_entity_turtle_and_html(gdkg_server):
    status, headers, text = get(gdkg_server, "/id/city/shenzhen", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=text, format="turtle")
    shenzhen = URIRef("https://w3id.org/gdkg/id/city/shenzhen")
    labels = {str(o) for o in graph.objects(shenzhen, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert labels == {"深圳", "Shenzhen"}
    status, headers, text = get(gdkg_server, "/id/city/shenzhen", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "深圳 / Shenzhen" in text and 'href="/id/cluster/automobiles"' in text


def test_path_traversal_and_unknown(gdkg_server):
    for path in ("/id/..%2F..%2Fetc%2Fpasswd", "/id/city/%2E%2E/%2E%2E/x", "/static/..%2F..%2Fapp.py",
                 "/static/../pyproject.toml", "/id/", "/nothing-here"):
        status, _, _ = get(gdkg_server, path)
        assert status == 404, path
    status, _, text = get(gdkg_server, "/id/city/shenzen")
    assert status == 404 and "/id/city/shenzhen" in text  # the close IRI is suggested
    status, headers, text = get(gdkg_server, "/static/app.js")
    assert status == 200 and "javascript" in headers["Content-Type"] and "fetch(" in text


def test_page_uses_no_outside_assets(gdkg_server):
    import re

    _, _, page = get(gdkg_server, "/")
    _, _, ontology = get(gdkg_server, "/ontology")
    for html in (page, ontology):
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources
        loaded = [s for s in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)]
        assert loaded and all(s.startswith("/") for s in loaded), loaded
