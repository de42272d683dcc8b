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
