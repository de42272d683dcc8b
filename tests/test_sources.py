"""The graph holds what the five sources say, each fact with its source.

Every expected value here was read off the seed documents by hand:
sub-fields per 专栏 (001), cities named in sample 专栏 items, the lead and
co-operating departments of the 16 responsibility brackets of 004, and the
figures on which 001 and 003 disagree or 003 prints something implausible.
"""

from collections import Counter

import pytest

from conftest import select
from gdkg.coverage import sourced_subjects, stats
from gdkg.namespaces import PREFIXES

PREFIX = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())

# numbered items of 专栏 1–20 of 001, cluster by cluster (box N = cluster N of 附件 1)
SUBFIELDS_PER_BOX = {
    "electronic-information": 4, "green-petrochemicals": 2, "smart-home-appliances": 6,
    "automobiles": 5, "advanced-materials": 5, "light-industry-textiles": 8,
    "software-information-services": 4, "ultra-hd-video-display": 3, "biomedicine-health": 4,
    "modern-agriculture-food": 15, "semiconductors-ic": 6, "high-end-equipment": 5,
    "intelligent-robots": 5, "blockchain-quantum": 2, "frontier-materials": 7, "new-energy": 7,
    "laser-additive-manufacturing": 2, "digital-creative": 3, "safety-emergency-environment": 2,
    "precision-instruments": 3,
}


def test_all_98_sub_fields_with_their_numbers(kg):
    rows = select(kg, PREFIX + """
        SELECT ?cluster ?item ?zh ?en WHERE {
          ?sf a gd:SubField ; gd:subFieldOf ?cluster ; gd:itemNumber ?item ;
              rdfs:label ?zh , ?en . FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") }""")
    per_cluster = Counter(r["cluster"].rsplit("/", 1)[1] for r in rows)
    assert dict(per_cluster) == SUBFIELDS_PER_BOX
    assert sum(per_cluster.values()) == 98
    for cluster, count in SUBFIELDS_PER_BOX.items():
        items = sorted(int(r["item"]) for r in rows if r["cluster"].endswith("/" + cluster))
        assert items == list(range(1, count + 1)), cluster


@pytest.mark.parametrize("subfield, label, cities", [
    # 专栏 2 item 1: 依托广州、惠州、湛江、茂名、揭阳等市
    ("green-petrochemicals-1", "炼油石化", {"广州", "惠州", "湛江", "茂名", "揭阳"}),
    # 专栏 2 item 2: fifteen cities for downstream fine chemicals
    ("green-petrochemicals-2", "高端精细化学品和化工新材料",
     {"广州", "深圳", "珠海", "佛山", "东莞", "江门", "惠州", "中山", "肇庆", "茂名", "湛江",
      "揭阳", "汕头", "汕尾", "清远"}),
    # 专栏 3 item 1: 以广州、珠海、佛山、中山、江门等市为依托
    ("smart-home-appliances-1", "空调", {"广州", "珠海", "佛山", "中山", "江门"}),
    # 专栏 11 item 1: 以广州、深圳、珠海、江门等市为核心
    ("semiconductors-ic-1", "芯片设计及底层工具软件", {"广州", "深圳", "珠海", "江门"}),
])
def test_cities_of_sample_sub_fields(kg, subfield, label, cities):
    rows = select(kg, PREFIX + """
        SELECT ?zh ?cityZh WHERE {
          ?sf rdfs:label ?zh . FILTER(LANG(?zh) = "zh")
          ?sf gd:reliesOnCity ?city . ?city rdfs:label ?cityZh . FILTER(LANG(?cityZh) = "zh") }""",
                  sf=PREFIXES["sf"] + subfield)
    assert {r["zh"] for r in rows} == {label}
    assert {r["cityZh"] for r in rows} == cities


def test_core_cities_and_regions(kg):
    core = select(kg, PREFIX + "SELECT ?c WHERE { ?sf gd:subFieldCoreCity ?c }",
                  sf=PREFIXES["sf"] + "laser-additive-manufacturing-1")
    assert {r["c"].rsplit("/", 1)[1] for r in core} == {"guangzhou", "shenzhen"}  # 以广州、深圳为核心
    region = select(kg, PREFIX + "SELECT ?r WHERE { ?sf gd:reliesOnRegion ?r }",
                    sf=PREFIXES["sf"] + "semiconductors-ic-6")
    assert [r["r"].rsplit("/", 1)[1] for r in region] == ["prd-core"]  # 依托珠三角地区


# (task, lead, co-operating) as printed in the 16 brackets of 004, in document order
RESPONSIBILITIES = [
    ("eap-task-1", {"省工业和信息化厅"}, {"省委网信办", "省发展改革委", "省科技厅"}),
    ("eap-task-2", {"省科技厅", "省工业和信息化厅"}, {"省发展改革委"}),
    ("eap-task-3", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省商务厅"}),
    ("eap-task-4", {"省科技厅"},
     {"省发展改革委", "省工业和信息化厅", "省人力资源社会保障厅", "省市场监管局"}),
    ("eap-task-5", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省通信管理局"}),
    ("eap-task-6", {"省商务厅"},
     {"省发展改革委", "省科技厅", "省工业和信息化厅", "省自然资源厅", "省市场监管局"}),
    ("eap-project-1", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省商务厅", "省市场监管局"}),
    ("eap-project-2", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省通信管理局"}),
    ("eap-project-3", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅"}),
    ("eap-project-4", {"省发展改革委"}, {"省委军民融合办", "省科技厅", "省工业和信息化厅"}),
    ("eap-project-5", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅"}),
    ("eap-project-6", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省交通运输厅", "省卫生健康委"}),
    ("eap-measure-1", {"省工业和信息化厅"}, {"广东省制造强省建设领导小组"}),
    ("eap-measure-2", {"省工业和信息化厅"}, {"省发展改革委", "省科技厅", "省财政厅", "省地方金融监管局"}),
    ("eap-measure-3", {"省科技厅", "省人力资源社会保障厅"}, {"省委组织部", "省教育厅"}),
    ("eap-measure-4", {"省商务厅"}, {"省发展改革委", "省科技厅", "省工业和信息化厅", "省港澳办"}),
]


def _names(kg, task: str, prop: str) -> list[set[str]]:
    rows = select(kg, PREFIX + f"""
        SELECT ?dept ?name WHERE {{ ?task gd:{prop} ?dept .
          {{ ?dept rdfs:label ?name }} UNION {{ ?dept skos:altLabel ?name }} }}""",
                  task=PREFIXES["task"] + task)
    by_dept: dict[str, set[str]] = {}
    for r in rows:
        by_dept.setdefault(r["dept"], set()).add(r["name"])
    return list(by_dept.values())


def _matches(printed: set[str], departments: list[set[str]]) -> bool:
    """Each printed name is a label or alt label of exactly one department, and no extra ones."""
    return len(departments) == len(printed) and all(
        sum(name in names for names in departments) == 1 for name in printed)


@pytest.mark.parametrize("task, lead, cooperating", RESPONSIBILITIES)
def test_lead_and_cooperating_departments_of_004(kg, task, lead, cooperating):
    assert _matches(lead, _names(kg, task, "ledBy")), (task, "lead")
    assert _matches(cooperating, _names(kg, task, "cooperatedBy")), (task, "co-operating")


@pytest.mark.parametrize("cluster, measure, values", [
    # 新能源 2025: 001 ch.3 gives 7300 亿元 revenue; 003 quotes an action plan of over 1 万亿元
    ("new-energy", None, {("7300", "亿元", "mfg-plan-14th-fyp"), ("1", "万亿元", "gd-hq-dev-2025-news")}),
    # 精密仪器设备 2025: about 3000 亿元 in 001, about 2700 亿元 in 003
    ("precision-instruments", None, {("3000", "亿元", "mfg-plan-14th-fyp"),
                                     ("2700", "亿元", "gd-hq-dev-2025-news")}),
])
def test_conflicting_2025_targets_are_both_kept_and_linked(kg, cluster, measure, values):
    rows = select(kg, PREFIX + """
        SELECT ?a ?va ?ua ?da ?b WHERE {
          ?a gd:figureOf ?cluster ; gd:year ?y ; gd:figureKind gd:Target ; gd:value ?va ;
             gd:unit/rdfs:label ?ua ; gd:flag gd:Conflicting ; gd:conflictsWith ?b ;
             prov:wasDerivedFrom/dcterms:isPartOf* ?doc .
          ?doc a gd:PolicyDocument ; gd:documentKey ?da .
          FILTER(STR(?y) = "2025" && LANG(?ua) = "zh") }""", cluster=PREFIXES["cluster"] + cluster)
    found = {(str(float(r["va"])).rstrip("0").rstrip("."), r["ua"], r["da"]) for r in rows}
    assert found == values
    assert {r["a"] for r in rows} == {r["b"] for r in rows}, "the two figures point at each other"


@pytest.mark.parametrize("about, value", [
    # 003 prints the petrochemical industry's share of provincial industry as 105 %
    ("green-petrochemicals", "105"),
    # 003 prints 2023 biomedicine revenue as 683.8 亿元 next to 万亿 targets
    ("biomedicine-health", "683.8"),
])
def test_implausible_printed_values_are_kept_and_flagged(kg, about, value):
    rows = select(kg, PREFIX + """
        SELECT ?f ?v ?why WHERE { ?f gd:figureOf ?about ; gd:value ?v ; gd:flag gd:Implausible ;
                                      rdfs:comment ?why }""", about=PREFIXES["cluster"] + about)
    assert value in {str(r["v"]).rstrip("0").rstrip(".") if "." in r["v"] else r["v"] for r in rows}
    assert all(len(r["why"]) > 10 for r in rows)


def test_every_subject_in_data_carries_a_source(project):
    sourced, total, missing = sourced_subjects(project)
    assert missing == []
    assert sourced == total > 1500


def test_stats_json_shape_and_sourced_fraction(kg, project):
    report = stats(kg=kg, project=project)
    assert report["sourced_fraction"] == 1.0
    assert len(report["clusters"]) == 20
    kinds = Counter(c["kind"] for c in report["clusters"])
    assert kinds == {"pillar": 10, "emerging": 10}
    petro = next(c for c in report["clusters"] if c["label_zh"] == "绿色石化")
    assert [sf["label_zh"] for sf in petro["subfields"]] == ["炼油石化", "高端精细化学品和化工新材料"]
    assert set(petro["subfields"][0]["cities"]) == {"广州", "惠州", "湛江", "茂名", "揭阳"}
    for key in ("cities", "enterprises", "projects", "figures", "chain_links", "label_en"):
        assert key in petro


def test_no_entity_twice_under_two_iris(asserted):
    """Same zh label and same class under two IRIs means a duplicate."""
    from rdflib import RDF, RDFS, Literal

    types: dict = {}
    for s, p, o in asserted:
        if p == RDF.type and str(s).startswith("https://w3id.org/gdkg/id/"):
            types.setdefault(s, set()).add(o)
    seen: dict = {}
    for s, p, o in asserted:
        if p == RDFS.label and isinstance(o, Literal) and o.language == "zh" and s in types:
            for cls in types[s]:
                seen.setdefault((cls, str(o)), set()).add(str(s))
    duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    assert duplicates == {}

