"""Issue 11's missing facts against the sources, and their shapes.

Selection criteria of the two kinds of cluster (002), titles and positionings of places,
products and flagship items, capacity figures printed inside 专栏 items, chapter-3 key
directions. Expected answers were read by hand from /work/shared/seeds; each comment says
where. The shape tests validate small broken snippets with `gdkg validate --format json`.
"""

from __future__ import annotations

import json

import pytest

from conftest import TURTLE_HEAD, gdkg, select

ID = "https://w3id.org/gdkg/id/"


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# ---- 002 selection criteria

def test_thresholds_of_the_two_kinds(kg):
    # 002 question 2: pillar clusters were chosen with output value of 5000 亿元 or more; emerging
    # ones with a narrow entry point, output value within 2000 亿.
    rows = select(kg, """
        SELECT ?kind ?min ?max ?unit ?measure WHERE {
            ?c a gd:SelectionCriterion ; gd:criterionFor ?kind ; gd:thresholdMeasure ?measure ;
               gd:thresholdUnit ?unit .
            OPTIONAL { ?c gd:minimumValue ?min } OPTIONAL { ?c gd:maximumValue ?max }
        }""")
    found = {(local(r["kind"]), r["min"], r["max"], local(r["unit"]), local(r["measure"])) for r in rows}
    assert found == {("PillarIndustryCluster", "5000", None, "yi-yuan", "output-value"),
                     ("EmergingIndustryCluster", None, "2000", "yi-yuan", "output-value")}


def test_qualitative_criteria_per_kind(kg):
    # 002 question 2: pillar — the threshold, a solid base with growth, support of the economy (3);
    # emerging — recognisable, the small-entry threshold, high growth, future direction (4).
    rows = select(kg, """
        SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a gd:SelectionCriterion ; gd:criterionFor ?kind }
        GROUP BY ?kind""")
    assert {local(r["kind"]): int(r["n"]) for r in rows} == {"PillarIndustryCluster": 3,
                                                             "EmergingIndustryCluster": 4}


# ---- titles and positionings

TITLE_HOLDERS = """
SELECT ?holder WHERE {
    ?t a gd:PlaceTitle ; gd:titleName ?name ; gd:titleHolder ?holder ; gd:titleStatus ?status .
    FILTER (str(?name) = ?wanted)
}"""


@pytest.mark.parametrize(("title", "status", "holders"), [
    # 001 ch.4 §4 (东西两翼): the development of the wings is built around 湛江 and 汕头 as sub-centres.
    ("省域副中心城市", "HeldTitle", {"zhanjiang", "shantou"}),
    # 000 (一)7: 广州、深圳等中国软件名城.
    ("中国软件名城", "HeldTitle", {"guangzhou", "shenzhen"}),
    # 003 汽车产业集群: 广州、深圳入选 the 车路云一体化 pilot.
    ("国家智能网联汽车“车路云一体化”应用试点城市", "HeldTitle", {"guangzhou", "shenzhen"}),
    # 专栏9 item 1: 深圳 策源地; 专栏12 item 2: 深圳 全球海洋中心城市; 专栏8 item 1: 广州 世界显示之都.
    ("全球生物医药创新发展策源地", "AimedTitle", {"shenzhen"}),
    ("全球海洋中心城市", "AimedTitle", {"shenzhen"}),
    ("世界显示之都", "AimedTitle", {"guangzhou"}),
    # 专栏9 item 1: 珠海 生物医药资源新型配置中心.
    ("生物医药资源新型配置中心", "AimedTitle", {"zhuhai"}),
    # 专栏6 item 7: 勒流镇 (顺德) and 丹灶镇 (南海) — towns, not cities.
    ("中国家居五金之都", "AimedTitle", {"leliu"}),
    ("中国日用五金之都", "AimedTitle", {"danzao"}),
])
def test_title_holders(kg, title, status, holders):
    rows = select(kg, TITLE_HOLDERS, wanted=title, status="https://w3id.org/gdkg/ontology#" + status)
    assert {local(r["holder"]) for r in rows} == holders


def test_aimed_titles_of_a_subfield(kg):
    # 专栏9 item 1 (医药制造业) gives three positionings: 广州 life-science zone and R&D centre,
    # 深圳 source of innovation, 珠海 allocation centre.
    rows = select(kg, """
        SELECT ?holder WHERE { ?t a gd:PlaceTitle ; gd:belongsToSubField sf:biomedicine-health-1 ;
                                   gd:titleHolder ?holder ; gd:titleStatus gd:AimedTitle }""")
    assert sorted(local(r["holder"]) for r in rows) == ["guangzhou", "shenzhen", "zhuhai"]


# ---- products

def test_products_of_a_cluster_and_an_enterprise(kg):
    # 003: 中科宇航 (Guangzhou) launched 力箭一号; the 夸父 humanoid caption sits by the robots section,
    # and 003 calls Guangdong's robots 粤字号.
    by_maker = select(kg, "SELECT ?p WHERE { ?p a gd:Product ; gd:producedBy ent:cas-space }")
    robots = select(kg, "SELECT ?p WHERE { ?p a gd:Product ; "
                        "gd:belongsToCluster cluster:intelligent-robots }")
    assert [local(r["p"]) for r in by_maker] == ["lijian-1"]
    assert sorted(local(r["p"]) for r in robots) == ["kuafu-humanoid-robot", "yue-brand"]


def test_a_product_is_found_from_its_enterprise_through_the_inferred_link(kg):
    # gd:producedBy is a sub-property of gd:involvesEnterprise, whose inverse is gd:involvedIn:
    # 003's 粤家电 names 美的、格力、格兰仕、TCL.
    rows = select(kg, "SELECT ?e WHERE { ?e gd:involvedIn prod:yue-appliances }")
    assert sorted(local(r["e"]) for r in rows) == ["galanz", "gree", "midea", "tcl"]


# ---- figures inside 专栏 items

@pytest.mark.parametrize(("about", "section", "value", "unit"), [
    # 专栏16 item 2: 千万千瓦级 offshore wind base = 1000 万千瓦.
    ("subfield/new-energy-2", "box-16-item-2", "1000", "wan-kw"),
    # 专栏5 item 2: Baosteel Zhanjiang 千万吨 steel (1000 万吨) and 百万吨级
    # ultra-high-strength steel (100 万吨).
    ("project/baosteel-zhanjiang-steel", "box-5-item-2", "100", "wan-tonnes"),
    ("project/baosteel-zhanjiang-steel", "box-5-item-2", "1000", "wan-tonnes"),
    # 专栏1 item 2: a 万亿级 5G industry cluster.
    ("subfield/electronic-information-2", "box-1-item-2", "1", "wanyi-yuan"),
])
def test_figures_printed_inside_boxes(kg, about, section, value, unit):
    rows = select(kg, """
        SELECT ?value ?unit ?year WHERE {
            ?f a gd:Figure ; gd:figureOf ?about ; prov:wasDerivedFrom ?section ; gd:value ?value ;
               gd:unit ?unit ; gd:figureKind gd:Target .
            OPTIONAL { ?f gd:year ?year }
        }""", about=ID + about, section=ID + "source/mfg-plan-14th-fyp/" + section)
    assert (value, unit, None) in {(r["value"].split(".")[0], local(r["unit"]), r["year"]) for r in rows}


# ---- chapter-3 key directions

def test_chapter_3_directions_outside_the_boxes(kg):
    # 001 ch.3 16 (新能源): a fuel-cell vehicle demonstration city cluster, which 专栏16 does not mention;
    # 001 ch.3 9: smart health products and wellness tourism.
    rows = select(kg, """
        SELECT ?label WHERE { ?d a gd:KeyDirection ; prov:wasDerivedFrom ?section ; rdfs:label ?label .
                              FILTER (lang(?label) = "zh") }""",
                  section=ID + "source/mfg-plan-14th-fyp/ch3-cluster-16")
    assert "燃料电池汽车示范城市群" in {r["label"] for r in rows}
    rows = select(kg, """
        SELECT ?label WHERE { ?d gd:keyDirectionOf cluster:biomedicine-health ; rdfs:label ?label ;
                              prov:wasDerivedFrom fyp:ch3-cluster-9 . FILTER (lang(?label) = "zh") }""")
    assert {"智慧健康产品", "养生旅游"} <= {r["label"] for r in rows}


# ---- shapes

HEAD = TURTLE_HEAD + """\
@prefix place:   <https://w3id.org/gdkg/id/place/> .
@prefix claim:   <https://w3id.org/gdkg/id/city-role-claim/> .
@prefix title:   <https://w3id.org/gdkg/id/place-title/> .
@prefix prod:    <https://w3id.org/gdkg/id/product/> .
@prefix crit:    <https://w3id.org/gdkg/id/selection-criterion/> .
@prefix unit:    <https://w3id.org/gdkg/id/unit/> .
@prefix measure: <https://w3id.org/gdkg/id/measure/> .
@prefix opn:     <https://w3id.org/gdkg/id/source/opinion-2020-summary/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

BROKEN = {
    # a claim with a city and a region, two sources and a role outside the list
    "claim:t-both": ('claim:t-both a gd:CityRoleClaim ; rdfs:label "甲"@zh , "a"@en ; '
                     "gd:roleCluster cluster:automobiles ; gd:roleCity city:guangzhou ; "
                     "gd:roleRegion place:prd-core ; gd:cityRole gd:CoreLevel ; "
                     "prov:wasDerivedFrom opn:pillar-4 , opn:pillar-5 .",
                     {"gd:roleCity", "prov:wasDerivedFrom", "gd:cityRole"}),
    # a claim naming neither a city nor a region
    "claim:t-none": ('claim:t-none a gd:CityRoleClaim ; rdfs:label "乙"@zh , "b"@en ; '
                     "gd:roleCluster cluster:automobiles ; gd:cityRole gd:CoreRole ; "
                     "prov:wasDerivedFrom opn:pillar-4 .", {"gd:roleCity"}),
    # a title without holder and with a status outside the list
    "title:t-bad": ('title:t-bad a gd:PlaceTitle ; rdfs:label "丙"@zh , "c"@en ; '
                    'gd:titleStatus gd:CoreRole ; gd:titleName "称号"@zh , "title"@en ; '
                    'prov:wasDerivedFrom opn:pillar-4 .',
                    {"gd:titleHolder", "gd:titleStatus"}),
    # a product attached to nothing
    "prod:t-orphan": ('prod:t-orphan a gd:Product ; rdfs:label "丁"@zh , "d"@en ; '
                      'prov:wasDerivedFrom opn:pillar-4 .',
                      {"gd:belongsToCluster"}),
    # a threshold without unit, for a class that is no cluster kind
    "crit:t-bad": ('crit:t-bad a gd:SelectionCriterion ; rdfs:label "戊"@zh , "e"@en ; '
                   'gd:criterionFor gd:City ; gd:thresholdMeasure measure:output-value ; '
                   'gd:minimumValue "1"^^xsd:decimal ; '
                   "prov:wasDerivedFrom opn:pillar-4 .", {"gd:criterionFor", "gd:thresholdUnit"}),
}


@pytest.fixture(scope="module")
def broken_report(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("i11") / "broken.ttl"
    path.write_text(HEAD + "\n".join(turtle for turtle, _ in BROKEN.values()) + "\n", encoding="utf-8")
    return built.project.root, path


def test_broken_claims_titles_products_and_criteria_are_violations(broken_report, capsys):
    root, path = broken_report
    code, out, _ = gdkg(capsys, root, "validate", str(path), "--format", "json")
    assert code == 1
    results = json.loads(out)["results"]
    for focus, (_, expected) in BROKEN.items():
        mine = [r for r in results if r["focus_name"] == focus and r["severity"] == "violation"]
        named = {r["path_name"] for r in mine} | {p for r in mine for p in expected if p in r["message"]}
        got = [r["message"] for r in mine]
        assert expected <= named, f"{focus}: expected violations on {expected}, got {got}"


def test_a_complete_claim_conforms(built, tmp_path, capsys):
    path = tmp_path / "good.ttl"
    path.write_text(HEAD + 'claim:t-good a gd:CityRoleClaim ; rdfs:label "己"@zh , "f"@en ; '
                    "gd:roleCluster cluster:automobiles ; gd:roleRegion place:prd-core ; "
                    "gd:cityRole gd:KeyRole ; "
                    'gd:roleContext "布局"@zh , "layout"@en ; prov:wasDerivedFrom opn:pillar-4 .\n',
                    encoding="utf-8")
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path))
    assert code == 0, out + err
