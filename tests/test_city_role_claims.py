"""City-role claims (gd:CityRoleClaim) against the sources, read by hand.

For each cluster below, the expected (city or region, role) pairs of one source section were
written from the text of /work/shared/seeds (000 = 2020 Opinions summary, 001 = 14th FYP,
003 = 2025 feature),
never by running the query; the comment above each entry says where it is printed and which
words give the role. Roles: core 核心, node 节点/支撑/配套/各具特色/紧密联动, engine
引擎/龙头/头部/引领, base 基地, agglomeration 集聚区/产业带/聚集带/产业集群, key 以…为重点.
Places are city slugs, or place:<slug> where the text names a region.
"""

from __future__ import annotations

import pytest

from conftest import select

CLAIMS = """
SELECT ?place ?role WHERE {
    ?claim a gd:CityRoleClaim ; gd:roleCluster ?cluster ; gd:cityRole ?role ; prov:wasDerivedFrom ?section .
    { ?claim gd:roleCity ?place } UNION { ?claim gd:roleRegion ?place }
}"""

ID = "https://w3id.org/gdkg/id/"
OPN = ID + "source/opinion-2020-summary/"
NEWS = ID + "source/gd-hq-dev-2025-news/"
FYP = ID + "source/mfg-plan-14th-fyp/"
ROLE = {"core": "CoreRole", "node": "NodeRole", "engine": "EngineRole", "base": "BaseRole",
        "agglomeration": "AgglomerationRole", "key": "KeyRole"}


def pairs(role: str, places: str) -> set[tuple[str, str]]:
    return {(place, role) for place in places.split()}


EXPECTED: dict[tuple[str, str], set[tuple[str, str]]] = {
    # 000 (一)2, "绿色石化产业集群": a coastal petrochemical belt with
    # 湛江、茂名、广州、惠州、揭阳 as its core.
    ("green-petrochemicals", OPN + "pillar-2"):
        pairs("core", "zhanjiang maoming guangzhou huizhou jieyang")
        | pairs("agglomeration", "place:coastal-petrochemical-belt"),
    # 000, third paragraph (the worked example "比如，绿色石化…"): the same five cores and belt,
    # printed again.
    ("green-petrochemicals", OPN + "intro"):
        pairs("core", "zhanjiang maoming guangzhou huizhou jieyang")
        | pairs("agglomeration", "place:coastal-petrochemical-belt"),
    # 003 "绿色石化产业集群", first paragraph: the layout stands on (立足) the coastal petrochemical belt.
    ("green-petrochemicals", NEWS + "cluster-green-petrochemicals"):
        pairs("agglomeration", "place:coastal-petrochemical-belt"),
    # 000 (一)3: 广州、深圳、佛山 core of the innovation network;
    # 深圳、珠海、佛山、惠州、中山、湛江 core of the manufacturing network
    # (深圳 and 佛山 in both: two claims each, one set entry here).
    ("smart-home-appliances", OPN + "pillar-3"):
        pairs("core", "guangzhou shenzhen foshan zhuhai huizhou zhongshan zhanjiang"),
    # 000 (一)4: layout with 广州、深圳、珠海、佛山、肇庆 as its focus (为重点).
    ("automobiles", OPN + "pillar-4"): pairs("key", "guangzhou shenzhen zhuhai foshan zhaoqing"),
    # 003 "汽车产业集群", second paragraph: the 广汽佛惠莞中 cluster (a national advanced-manufacturing
    # cluster) and the four cities its name abbreviates; 广汽 is a company, so no 广州.
    ("automobiles", NEWS + "cluster-automobiles"):
        pairs("agglomeration", "place:gfhgz-icv-nev-cluster foshan huizhou dongguan zhongshan"),
    # 000 (一)5: thirteen cities, from 广州 to 云浮, where distinctive clusters form.
    ("advanced-materials", OPN + "pillar-5"):
        pairs("node", "guangzhou shenzhen zhuhai foshan shaoguan huizhou dongguan yangjiang zhanjiang "
                      "maoming zhaoqing qingyuan yunfu"),
    # 003 "先进材料产业集群": sixteen 先进材料产业基地 (the 13 of 000 plus 河源、梅州、中山).
    ("advanced-materials", NEWS + "cluster-advanced-materials"):
        pairs("base", "guangzhou shenzhen zhuhai foshan shaoguan heyuan meizhou huizhou dongguan zhongshan "
                      "yangjiang zhanjiang maoming zhaoqing qingyuan yunfu"),
    # 000 (一)6: 广州、深圳 core of the innovation and creativity centre;
    # 沿海经济带 focus of the base network.
    ("light-industry-textiles", OPN + "pillar-6"):
        pairs("core", "guangzhou shenzhen") | pairs("base", "place:coastal-belt"),
    # 003 "现代轻工纺织产业集群": 广州、深圳、佛山 强力引擎; 东莞、中山、惠州、潮州 紧密联动.
    ("light-industry-textiles", NEWS + "cluster-light-industry-textiles"):
        pairs("engine", "guangzhou shenzhen foshan") | pairs("node", "dongguan zhongshan huizhou chaozhou"),
    # 000 (二)1: 广州、深圳、珠海 core of chip design; 广州、深圳 specialty processes;
    # 深圳、珠海、东莞 third generation.
    ("semiconductors-ic", OPN + "emerging-1"):
        pairs("core", "guangzhou shenzhen zhuhai") | pairs("node", "guangzhou shenzhen zhuhai dongguan"),
    # 003 "半导体与集成电路产业集群", second paragraph: "3+N" — 广州、深圳、珠海 core, 佛山、东莞 协同.
    ("semiconductors-ic", NEWS + "cluster-semiconductors-ic"):
        pairs("core", "guangzhou shenzhen zhuhai") | pairs("node", "foshan dongguan"),
    # 000 (二)3: 广州、深圳 R&D (node); 珠海、佛山、东莞、中山 production bases; "其它各地市" names no place.
    ("intelligent-robots", OPN + "emerging-3"):
        pairs("node", "guangzhou shenzhen") | pairs("base", "zhuhai foshan dongguan zhongshan"),
    # 003 "智能机器人产业集群", second paragraph: 广州、深圳 头部; 珠海、佛山、东莞、中山 紧随其后.
    ("intelligent-robots", NEWS + "cluster-intelligent-robots"):
        pairs("engine", "guangzhou shenzhen") | pairs("node", "zhuhai foshan dongguan zhongshan"),
    # 000 (二)6: coastal new-energy belt; 阳江 offshore-wind base; 珠三角 solar agglomeration;
    # six hydrogen bases.
    ("new-energy", OPN + "emerging-6"):
        pairs("agglomeration", "place:coastal-new-energy-belt place:prd-core")
        | pairs("base", "yangjiang guangzhou shenzhen foshan zhanjiang maoming yunfu"),
    # 000 (二)7: 广州、深圳 core; 珠海、佛山、惠州、东莞、中山、江门 各具特色.
    ("laser-additive-manufacturing", OPN + "emerging-7"):
        pairs("core", "guangzhou shenzhen")
        | pairs("node", "zhuhai foshan huizhou dongguan zhongshan jiangmen"),
    # 003 "激光与增材制造产业集群", second paragraph (quoting the 2021-2025 plan): same cores, 重要节点.
    ("laser-additive-manufacturing", NEWS + "cluster-laser-additive-manufacturing"):
        pairs("core", "guangzhou shenzhen")
        | pairs("node", "zhuhai foshan huizhou dongguan zhongshan jiangmen"),
    # 000 (二)8: 广州、深圳 核心引擎 (core and engine); 珠海、汕头、佛山、东莞、中山 特色集聚.
    ("digital-creative", OPN + "emerging-8"):
        pairs("core", "guangzhou shenzhen") | pairs("engine", "guangzhou shenzhen")
        | pairs("node", "zhuhai shantou foshan dongguan zhongshan"),
    # 003 "数字创意产业集群": 广深双核引领 (core and leading); the local specialities are not named.
    ("digital-creative", NEWS + "cluster-digital-creative"):
        pairs("core", "guangzhou shenzhen") | pairs("engine", "guangzhou shenzhen"),
    # 000 (二)9: two 产业聚集带, one in 珠三角, one in 粤东粤西粤北.
    ("safety-emergency-environment", OPN + "emerging-9"):
        pairs("agglomeration", "place:prd-core place:eastern-western-northern-guangdong"),
    # 003 "安全应急与环保产业集群", second paragraph: 广州、深圳、佛山、江门 为核心.
    ("safety-emergency-environment", NEWS + "cluster-safety-emergency-environment"):
        pairs("core", "guangzhou shenzhen foshan jiangmen"),
    # 000 (一)1: strengthen the 珠江东岸 electronics belt; 粤东粤西粤北 build supporting industries.
    ("electronic-information", OPN + "pillar-1"):
        pairs("agglomeration", "place:pearl-river-east-bank-electronics-belt")
        | pairs("node", "place:eastern-western-northern-guangdong"),
    # 001 ch.3 2 (绿色石化 text): 粤东、粤西两翼 supply upstream materials, 珠三角 downstream processing.
    ("green-petrochemicals", FYP + "ch3-cluster-2"):
        pairs("base", "place:coastal-east-wing place:coastal-west-wing place:prd-core"),
    # 000 (一)7: 广州、深圳 (中国软件名城) lead; 珠海、佛山、惠州、东莞、云浮 distinctive software.
    ("software-information-services", OPN + "pillar-7"):
        pairs("engine", "guangzhou shenzhen") | pairs("node", "zhuhai foshan huizhou dongguan yunfu"),
    # 001 专栏7 item 1: 广州、深圳 to lead the whole province's software industry (a cluster-level role
    # inside a box).
    ("software-information-services", FYP + "box-7-item-1"): pairs("engine", "guangzhou shenzhen"),
    # 000 (一)8: 珠三角核心区 with its own emphases; 沿海经济带 and 北部生态发展区 supporting.
    ("ultra-hd-video-display", OPN + "pillar-8"):
        pairs("core", "place:prd-core") | pairs("node", "place:coastal-belt place:northern-ecological"),
    # 000 (一)9: seven 创新集聚区, 广州 … 中山.
    ("biomedicine-health", OPN + "pillar-9"):
        pairs("agglomeration", "guangzhou shenzhen zhuhai foshan huizhou dongguan zhongshan"),
    # 000 (二)2: eight 全国高端装备制造重要基地; 001 ch.3 12: the 珠江西岸 equipment belt.
    ("high-end-equipment", OPN + "emerging-2"):
        pairs("base", "guangzhou shenzhen zhuhai foshan dongguan zhongshan jiangmen yangjiang"),
    ("high-end-equipment", FYP + "ch3-cluster-12"):
        pairs("agglomeration", "place:pearl-river-west-bank-equipment-belt"),
    # 000 (二)4: 广州、深圳、珠海、佛山、东莞 集聚区; 003: institutes in 深圳、广州、东莞.
    ("blockchain-quantum", OPN + "emerging-4"):
        pairs("agglomeration", "guangzhou shenzhen zhuhai foshan dongguan"),
    ("blockchain-quantum", NEWS + "cluster-blockchain-quantum"): pairs("node", "shenzhen guangzhou dongguan"),
    # 000 (二)5: nine 集聚区 (广州 … 潮州); 003: 广州、深圳、东莞 fairly complete clusters.
    ("frontier-materials", OPN + "emerging-5"):
        pairs("agglomeration", "guangzhou shenzhen zhuhai foshan shaoguan dongguan zhanjiang qingyuan "
                               "chaozhou"),
    ("frontier-materials", NEWS + "cluster-frontier-materials"):
        pairs("agglomeration", "guangzhou shenzhen dongguan"),
    # 000 (二)10: 珠三角 core; 粤东、粤北 driven by it.
    ("precision-instruments", OPN + "emerging-10"):
        pairs("core", "place:prd-core") | pairs("node", "place:coastal-east-wing place:northern-ecological"),
}


def expand(place: str) -> str:
    return ID + "place/" + place.split(":", 1)[1] if place.startswith("place:") else ID + "city/" + place


@pytest.mark.parametrize(("cluster", "section"), sorted(EXPECTED), ids=lambda v: v.rsplit("/", 1)[-1])
def test_claims_of_a_section_are_the_roles_the_text_gives(kg, cluster, section):
    rows = select(kg, CLAIMS, cluster=ID + "cluster/" + cluster, section=section)
    found = {(row["place"], row["role"].rsplit("#", 1)[1]) for row in rows}
    expected = {(expand(place), ROLE[role]) for place, role in EXPECTED[(cluster, section)]}
    assert found == expected, f"missing {sorted(expected - found)}, unexpected {sorted(found - expected)}"


def test_at_least_eight_clusters_are_checked_from_000_and_003():
    from_000 = {cluster for cluster, section in EXPECTED if section.startswith(OPN)}
    from_003 = {cluster for cluster, section in EXPECTED if section.startswith(NEWS)}
    assert len(from_000 & from_003) >= 8, sorted(from_000 & from_003)


def test_one_statement_naming_several_cities_gives_one_claim_per_city(kg):
    # 000 (一)3 makes 深圳 core twice (innovation network, manufacturing network): two claims, two contexts.
    rows = select(kg, """
        SELECT ?claim ?context WHERE {
            ?claim gd:roleCluster cluster:smart-home-appliances ; gd:roleCity city:shenzhen ;
                   gd:cityRole gd:CoreRole ; prov:wasDerivedFrom opn:pillar-3 ; gd:roleContext ?context .
            FILTER (lang(?context) = "en")
        }""")
    assert sorted(row["context"] for row in rows) == ["innovation and producer-services networks",
                                                     "manufacturing network"]


def test_two_documents_saying_the_same_stay_two_claims(kg):
    # 000 (二)7 and 003 both make 广州 a core of laser and additive manufacturing.
    rows = select(kg, """
        SELECT ?source WHERE {
            ?claim a gd:CityRoleClaim ; gd:roleCluster cluster:laser-additive-manufacturing ;
                   gd:roleCity city:guangzhou ; gd:cityRole gd:CoreRole ; prov:wasDerivedFrom ?source .
        }""")
    assert sorted(row["source"] for row in rows) == sorted([OPN + "emerging-7",
                                                            NEWS + "cluster-laser-additive-manufacturing"])


def test_every_cluster_that_000_places_has_claims_from_000(kg):
    # Every cluster paragraph of 000 names cities or regions except (一)10 现代农业与食品.
    rows = select(kg, """
        SELECT ?cluster (COUNT(?claim) AS ?n) WHERE {
            ?cluster a gd:IndustryCluster .
            OPTIONAL { ?claim gd:roleCluster ?cluster ;
                              prov:wasDerivedFrom/dcterms:isPartOf src:opinion-2020-summary }
        } GROUP BY ?cluster""")
    without = sorted(row["cluster"].rsplit("/", 1)[1] for row in rows if int(row["n"]) == 0)
    assert without == ["modern-agriculture-food"]


def test_claims_cite_sections_of_000_001_or_003(kg):
    rows = select(kg, """
        SELECT DISTINCT ?document WHERE {
            ?claim a gd:CityRoleClaim ; prov:wasDerivedFrom ?section . ?section dcterms:isPartOf+ ?document .
            ?document a gd:PolicyDocument .
        }""")
    assert {row["document"].rsplit("/", 1)[1] for row in rows} <= {
        "opinion-2020-summary", "mfg-plan-14th-fyp", "gd-hq-dev-2025-news"}


def test_every_claim_in_the_graph_was_read_from_the_text(kg):
    rows = select(kg, """
        SELECT DISTINCT ?cluster ?section WHERE {
            ?claim a gd:CityRoleClaim ; gd:roleCluster ?cluster ; prov:wasDerivedFrom ?section }""")
    found = {(row["cluster"].rsplit("/", 1)[1], row["section"]) for row in rows}
    assert found == set(EXPECTED), (f"claims not checked here: {sorted(found - set(EXPECTED))}; "
                                    f"expected but absent: {sorted(set(EXPECTED) - found)}")
