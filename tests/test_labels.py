"""Every cluster and city has exactly one zh and one en label."""

import pytest

from conftest import select

LABELS = """
PREFIX gd: <https://w3id.org/gdkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s (SUM(IF(LANG(?l) = "zh", 1, 0)) AS ?zh) (SUM(IF(LANG(?l) = "en", 1, 0)) AS ?en)
WHERE { ?s a ?class . OPTIONAL { ?s rdfs:label ?l } }
GROUP BY ?s
"""


@pytest.mark.parametrize("cls, count", [
    ("https://w3id.org/gdkg/ontology#IndustryCluster", 20),
    ("https://w3id.org/gdkg/ontology#City", 21),
    ("https://w3id.org/gdkg/ontology#Zone", 5),
])
def test_one_zh_and_one_en_label(kg, cls, count):
    rows = select(kg, LABELS, **{"class": cls})
    assert len(rows) == count
    bad = [r["s"] for r in rows if (r["zh"], r["en"]) != ("1", "1")]
    assert bad == []


def test_cities_have_codes_and_zones(kg):
    rows = select(kg, """
        PREFIX gd: <https://w3id.org/gdkg/ontology#>
        SELECT ?city ?code ?zone WHERE { ?city a gd:City ; gd:adminCode ?code ; gd:inZone ?zone }""")
    assert len(rows) == 21
    assert all(r["code"].startswith("44") and len(r["code"]) == 6 for r in rows)
    zones = {}
    for r in rows:
        zones.setdefault(r["zone"].rsplit("/", 1)[1], set()).add(r["city"].rsplit("/", 1)[1])
    # the column groups of 附件 1
    assert zones["coastal-east-wing"] == {"shantou", "shanwei", "jieyang", "chaozhou"}
    assert zones["coastal-west-wing"] == {"zhanjiang", "maoming", "yangjiang"}
    assert zones["northern-ecological"] == {"shaoguan", "meizhou", "heyuan", "qingyuan", "yunfu"}
    assert len(zones["prd-core"]) == 9


def test_name_variants_resolve_to_one_cluster(kg):
    """The sources' variant names are alt labels of one IRI each."""
    from gdkg.query import resolve_term

    assert str(resolve_term(kg, "半导体及集成电路")).endswith("/cluster/semiconductors-ic")
    assert str(resolve_term(kg, "半导体与集成电路")).endswith("/cluster/semiconductors-ic")
    assert str(resolve_term(kg, "汽车产业")).endswith("/cluster/automobiles")
    assert str(resolve_term(kg, "安全应急与环保产业")).endswith("/cluster/safety-emergency-environment")


@pytest.fixture(scope="module")
def memory_kg(built):
    """rdflib's store of the test build, loaded once: each case only reads it."""
    from gdkg.store import KnowledgeGraph

    return KnowledgeGraph.open(built.project, build_if_stale=False, store="memory")


@pytest.mark.parametrize(("text", "cls", "local"), [
    # 附件 1's city and cluster names, the sources' variant names (alt labels), English
    # labels (case and width folded), an IRI and a prefixed name
    ("云浮", "gd:City", "city/yunfu"),
    ("  yunfu ", "gd:City", "city/yunfu"),
    ("半导体与集成电路", "gd:IndustryCluster", "cluster/semiconductors-ic"),
    ("汽车产业", "gd:IndustryCluster", "cluster/automobiles"),
    ("AUTOMOBILES", "gd:IndustryCluster", "cluster/automobiles"),
    ("city:shenzhen", "gd:City", "city/shenzhen"),
    ("https://w3id.org/gdkg/id/city/guangzhou", "gd:City", "city/guangzhou"),
    # parameters of any entity (subfield-chain, source-statements): IRIs the graph has
    ("sf:green-petrochemicals-1", "entity", "subfield/green-petrochemicals-1"),
    ("fyp:box-2-item-1", "entity", "source/mfg-plan-14th-fyp/box-2-item-1"),
])
def test_names_resolve_alike_on_oxigraph_and_on_rdflibs_store(built, memory_kg, text, cls, local):
    # On Oxigraph a name is looked up among the names of its class only; rdflib's store
    # indexes every name of the graph: the same entity either way, and on Oxigraph the
    # whole index is never built for a name that resolves
    from gdkg.query import Param, resolve_term
    from gdkg.store import KnowledgeGraph

    spec = Param("p", takes=cls)
    on_oxigraph = KnowledgeGraph.open(built.project, build_if_stale=False, store="oxigraph")
    indexed = getattr(on_oxigraph, "_label_index", None) is not None  # (a graph shared by tests)
    found = resolve_term(on_oxigraph, text, spec)
    assert str(found).endswith("/id/" + local)
    assert resolve_term(memory_kg, text, spec) == found
    assert indexed or getattr(on_oxigraph, "_label_index", None) is None


def test_a_name_of_another_class_is_still_an_error_with_close_matches(kg):
    from gdkg.query import Param, QueryError, resolve_term

    # 汽车 names a cluster, not a city: the quick lookup finds nothing, the full one explains
    with pytest.raises(QueryError, match="names no"):
        resolve_term(kg, "汽车", Param("city", takes="gd:City"))
    # an IRI the graph does not have is an error too, for a parameter of any entity
    with pytest.raises(QueryError, match="green-petrochemicals"):
        resolve_term(kg, "sf:green-petrochemicals-99", Param("subfield"))
