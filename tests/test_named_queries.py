"""The named queries of issue 9, each against answers derived by hand from ../shared/seeds/.

001 = 001_3b6d5ab2f1885d00.txt (14th FYP), 003 = the 2025 news feature, 004 = the electronics
action plan. 附件 1 stars: pillar ★★★ core / ★★ key / ★ general, emerging ★★★★ core / ★★★ key /
★★ general (the table prints one star more), read column by column.
"""

import pytest

from gdkg.query import QueryError, named_queries, run


@pytest.fixture(scope="module")
def queries(project):
    return named_queries(project)


def ask(kg, queries, name, **params):
    return [{k: (None if v is None else str(v)) for k, v in row.items()}
            for row in run(kg, queries[name], params).rows]


def column(rows, name) -> set:
    return {row[name] for row in rows}


def test_cluster_subfields(kg, queries):
    # 001 专栏2 items 1-2: 炼油石化 relies on 5 cities, 高端精细化学品和化工新材料 on 15;
    # 湛江 (item 1) forms a chain of 炼油、乙烯、芳烃 and develops 清洁油品、基础化工材料
    rows = ask(kg, queries, "cluster-subfields", cluster="绿色石化")
    by_item = {}
    for row in rows:
        by_item.setdefault(row["item"], set()).add(row["cityZh"])
    assert by_item == {"1": {"广州", "惠州", "湛江", "茂名", "揭阳"},
                       "2": {"广州", "深圳", "珠海", "佛山", "东莞", "江门", "惠州", "中山", "肇庆", "茂名",
                             "湛江", "揭阳", "汕头", "汕尾", "清远"}}
    zhanjiang = next(r for r in rows if r["item"] == "1" and r["cityZh"] == "湛江")
    assert {"清洁油品", "基础化工材料", "炼油", "乙烯", "芳烃"} <= set(zhanjiang["focus"].split("、"))


def test_city_clusters_of_shenzhen(kg, queries):
    # 001 附件 1, column 深圳: pillar 电子信息/汽车/软件/超高清/生物医药 ★★★, 绿色石化/智能家电/先进材料/
    # 农业食品 ★★, 轻工纺织 ★; emerging: all ten ★★★★ (core)
    rows = ask(kg, queries, "city-clusters", city="深圳")
    stars = {row["clusterZh"]: int(row["stars"]) for row in rows}
    assert stars == {
        "新一代电子信息": 3, "汽车": 3, "软件与信息服务": 3, "超高清视频显示": 3, "生物医药与健康": 3,
        "绿色石化": 2, "智能家电": 2, "先进材料": 2, "现代农业与食品": 2, "现代轻工纺织": 1,
        "半导体与集成电路": 3, "高端装备制造": 3, "智能机器人": 3, "区块链与量子信息": 3, "前沿新材料": 3,
        "新能源": 3, "激光与增材制造": 3, "数字创意": 3, "安全应急与环保": 3, "精密仪器设备": 3}
    assert column([r for r in rows if r["kind"] == "emerging"], "clusterZh") >= {"新能源", "数字创意"}
    assert [int(r["stars"]) for r in rows] == sorted((int(r["stars"]) for r in rows), reverse=True)


def test_city_specialisations_of_zhanjiang(kg, queries):
    # 001 专栏2 items 1 and 2 (湛江 named in both), 专栏5 item 2 绿色钢铁 (以佛山、阳江、湛江…为依托),
    # 专栏16 items 1 核能 (依托…湛江) and 2 海上风电 (推进…湛江…); item 4 太阳能 names no 湛江
    rows = ask(kg, queries, "city-specialisations", city="湛江")
    names = column(rows, "subfieldZh")
    assert {"炼油石化", "高端精细化学品和化工新材料", "绿色钢铁", "核能", "海上风电"} <= names
    assert "太阳能" not in names
    refining = next(r for r in rows if r["subfieldZh"] == "炼油石化")
    assert "乙烯" in refining["focus"].split("、")


def test_city_actors_of_huizhou(kg, queries):
    # 001 专栏2 item 1: 惠州's projects 中海油惠州石化炼油, 中海壳牌乙烯, 埃克森美孚惠州乙烯;
    # 专栏2 item 2 惠州新材料产业园区; 大亚湾石化园区 (item 1)
    projects = ask(kg, queries, "city-actors", city="惠州", category="project")
    assert column(projects, "entityZh") == {"中海油惠州石化炼油项目", "中海壳牌乙烯项目",
                                            "埃克森美孚惠州乙烯项目"}
    everything = ask(kg, queries, "city-actors", city="惠州")
    assert {"大亚湾石化园区", "惠州新材料产业园区", "中海油惠州石化"} <= column(everything, "entityZh")
    assert column(everything, "category") == {"enterprise", "project", "platform"}


NORTH = {  # 001 附件 1, columns 韶关 梅州 河源 清远 云浮: (core, key, general)
    "现代农业与食品": (4, 1, 0), "先进材料": (0, 5, 0), "汽车": (0, 1, 4), "生物医药与健康": (0, 1, 4),
    "新一代电子信息": (0, 1, 2), "绿色石化": (0, 0, 1), "现代轻工纺织": (0, 0, 3),
    "半导体与集成电路": (0, 0, 1), "高端装备制造": (0, 1, 0), "前沿新材料": (0, 2, 2), "新能源": (0, 0, 1),
    "激光与增材制造": (0, 0, 1), "安全应急与环保": (0, 2, 2), "精密仪器设备": (0, 2, 3),
}


def test_zone_portfolio_of_the_north(kg, queries):
    rows = ask(kg, queries, "zone-portfolio", zone="北部生态发展区")
    assert {r["clusterZh"]: (int(r["core"]), int(r["key"]), int(r["general"])) for r in rows} == NORTH
    assert rows[0]["clusterZh"] == "现代农业与食品"
    # the alternative label 粤北 names the same zone
    assert ask(kg, queries, "zone-portfolio", zone="粤北") == rows


def test_zone_clusters_without_core_in_the_west_wing(kg, queries):
    # 001 附件 1, columns 湛江 茂名 阳江: core for 绿色石化, 先进材料, 现代轻工纺织, 现代农业与食品, 新能源
    rows = ask(kg, queries, "zone-clusters-without-core", zone="沿海经济带西翼")
    best = {r["clusterZh"]: int(r["bestStars"]) for r in rows}
    assert best == {"新一代电子信息": 0, "智能家电": 2, "汽车": 2, "软件与信息服务": 1, "超高清视频显示": 0,
                    "生物医药与健康": 2, "半导体与集成电路": 0, "高端装备制造": 2, "智能机器人": 1,
                    "区块链与量子信息": 0, "前沿新材料": 2, "激光与增材制造": 1, "数字创意": 0,
                    "安全应急与环保": 1, "精密仪器设备": 1}


def test_zone_subfields_without_city(kg, queries):
    # 001 专栏16: of the seven new-energy sub-fields only 5 氢能 names a northern city (云浮 氢能高端装备
    # 产业集聚区); 核能, 海上风电, 天然气及其水合物, 太阳能, 生物质能, 智能电网和先进储能 name none
    rows = ask(kg, queries, "zone-subfields-without-city", zone="北部生态发展区", cluster="新能源")
    assert column(rows, "subfieldZh") == {"核能", "海上风电", "天然气及其水合物", "太阳能", "生物质能",
                                          "智能电网和先进储能"}


def test_shared_key_cities(kg, queries):
    # 001 附件 1 table 2: 智能机器人 core in 广州 深圳 佛山 江门, key in 珠海 东莞 中山; 高端装备制造 core in
    # 广州 深圳 珠海 江门 汕头, key in 佛山 东莞 中山 阳江 韶关
    rows = ask(kg, queries, "shared-key-cities", a="智能机器人", b="高端装备制造")
    assert {r["cityZh"]: (int(r["starsA"]), int(r["starsB"])) for r in rows} == {
        "广州": (3, 3), "深圳": (3, 3), "江门": (3, 3), "珠海": (2, 3), "佛山": (3, 2), "东莞": (2, 2),
        "中山": (2, 2)}
    core_only = ask(kg, queries, "shared-key-cities", a="智能机器人", b="高端装备制造", minStars="3")
    assert column(core_only, "cityZh") == {"广州", "深圳", "江门"}


def test_cities_without_core(kg, queries):
    # 001 附件 1: only 汕尾, 揭阳, 潮州 (east wing) and 云浮 have no ★★★ (pillar) and no ★★★★ (emerging);
    # 汕尾 ★★ 农业 + 10 ★; 揭阳 ★★ 石化 轻纺 生物 农业 + 4 ★; 潮州 ★★ 轻纺 农业 + 7 ★;
    # 云浮 ★★ 汽车 材料 生物 农业 + 4 ★
    rows = ask(kg, queries, "cities-without-core")
    assert {r["cityZh"]: (int(r["key"]), int(r["general"])) for r in rows} == {
        "汕尾": (1, 10), "揭阳": (4, 4), "潮州": (2, 7), "云浮": (4, 4)}


def test_subfield_chain_of_packaging(kg, queries):
    # 001 专栏1 item 1 (design → manufacturing → packaging/testing) and 专栏11 items 3, 5, 6 (equipment and
    # materials supply packaging): upstream of 芯片封装测试 at depth 1 制造, 材料, 装备; design at depth 2
    rows = ask(kg, queries, "subfield-chain", subfield="芯片封装测试")
    assert {(r["direction"], r["otherZh"], int(r["depth"])) for r in rows} == {
        ("upstream", "芯片制造", 1), ("upstream", "材料与关键元器件", 1),
        ("upstream", "特种装备及零部件配套", 1),
        ("upstream", "芯片设计及底层工具软件", 2)}
    down = ask(kg, queries, "subfield-chain", subfield="sf:semiconductors-ic-1")
    assert {(r["otherZh"], int(r["depth"])) for r in down if r["direction"] == "downstream"} >= {
        ("芯片制造", 1), ("芯片封装测试", 2)}


def test_cluster_pairs_by_cities(kg, queries):
    # 001 附件 1: 新能源 and 汽车 share 广州 深圳 珠海 佛山 东莞 惠州 中山 江门 汕尾 湛江 云浮 (11);
    # both core in 广州 深圳 佛山; weight Σ min(stars) = 3+3+2+3+2+2+1+2+1+2+1 = 22
    rows = ask(kg, queries, "cluster-pairs-cities", cluster="新能源")
    pair = next(r for r in rows if r["bZh"] == "汽车")
    assert (int(pair["sharedCities"]), int(pair["bothCore"]), int(pair["weight"])) == (11, 3, 22)
    assert all(r["aZh"] == "新能源" for r in rows)


def test_cluster_pairs_by_enterprises(kg, queries):
    # 004 part on ICs names 粤芯, 中芯国际 and 英诺赛科 projects for the electronics cluster;
    # 001 专栏11 places the same firms in 半导体与集成电路
    rows = ask(kg, queries, "cluster-pairs-enterprises", cluster="新一代电子信息")
    pair = next(r for r in rows if r["bZh"] == "半导体与集成电路")
    assert {"粤芯", "中芯国际", "英诺赛科"} <= set(pair["enterprises"].split("、"))


def test_cluster_links_of_electronics(kg, queries):
    # 001 专栏1 item 3: 智能终端 cities develop front- and after-market in-vehicle equipment (→ 汽车)
    rows = ask(kg, queries, "cluster-links", cluster="新一代电子信息")
    links = {(r["fromZh"], r["toClusterZh"], r["kind"]) for r in rows}
    assert ("智能终端", "汽车", "application") in links
    assert all(r["fromCluster"] != r["toCluster"] for r in rows)
    assert all("新一代电子信息" in (r["fromClusterZh"], r["toClusterZh"]) for r in rows)


def test_city_pairs(kg, queries):
    # 001 附件 1: 广州 has all 20 clusters, so it shares with 深圳 and 佛山 all 20 (both have all 20), with
    # 云浮 its 6 pillar + 2 emerging, with 茂名 6 + 2
    rows = ask(kg, queries, "city-pairs", city="广州")
    shared = {r["bZh"]: int(r["sharedClusters"]) for r in rows}
    assert (shared["深圳"], shared["佛山"], shared["云浮"], shared["茂名"]) == (20, 20, 8, 8)
    assert len(rows) == 20


def test_cooperation_zones_of_shenzhen(kg, queries):
    # 001 ch.4 §4: 深汕特别合作区 (深圳 + 汕尾) and 河源深河产业共建示范区 (深圳 + 河源)
    rows = ask(kg, queries, "cooperation-zones", city="深圳")
    zones = {}
    for r in rows:
        if r["kind"] == "co-operation zone":
            zones.setdefault(r["zoneZh"], set()).add(r["memberZh"])
    assert zones == {"深汕特别合作区": {"深圳", "汕尾"}, "河源深河产业共建示范区": {"深圳", "河源"}}


def test_place_chain_gaps(kg, queries):
    # 001 专栏2: 清远 (north) hosts 高端精细化学品和化工新材料 (item 2) but no northern city hosts 炼油石化
    # (item 1: 广州 惠州 湛江 茂名 揭阳); 惠州 hosts both, so no such gap there
    north = ask(kg, queries, "place-chain-gaps", place="粤北")
    assert ("高端精细化学品和化工新材料", "炼油石化", "清远") in {
        (r["downstreamZh"], r["upstreamZh"], r["citiesWithDownstream"]) for r in north}
    assert "炼油石化" in column(ask(kg, queries, "place-chain-gaps", place="清远"), "upstreamZh")
    assert "炼油石化" not in column(ask(kg, queries, "place-chain-gaps", place="惠州"), "upstreamZh")


def test_tasks_without_lead(kg, queries):
    # 004 names a lead (牵头) in each of its 16 responsibility statements (tasks 1-6, projects 1-6,
    # measures 1-4); 001 专栏21 关键核心技术攻关专项行动 names no department
    rows = ask(kg, queries, "tasks-without-lead")
    tasks = column(rows, "task")
    assert not any("/task/eap-" in t for t in tasks)
    assert "关键核心技术攻关专项行动" in column(rows, "taskZh")


def test_department_pairs(kg, queries):
    # 004: 省发展改革委 and 省工业和信息化厅 are named together in 14 of the 16 statements (not in the one
    # naming the 领导小组 members, nor in 省科技厅、人力资源社会保障厅牵头); one of them leads 11 of those
    rows = ask(kg, queries, "department-pairs", department="省发展改革委")
    pair = next(r for r in rows if r["bZh"] == "广东省工业和信息化厅")
    assert (int(pair["tasks"]), int(pair["ledByOneOfThem"])) == (14, 11)
    assert int(rows[0]["tasks"]) == max(int(r["tasks"]) for r in rows)


def test_enterprises_by_cluster_and_role(kg, queries):
    # 001 专栏2 item 1: the heads (龙头) of the refining chain: 中海油惠州石化, 中海壳牌, 埃克森美孚 (惠州),
    # 中科广东炼化, 巴斯夫 (湛江)
    rows = ask(kg, queries, "enterprises", cluster="绿色石化", role="龙头企业")
    assert column(rows, "enterpriseZh") == {"中海油惠州石化", "中海壳牌", "埃克森美孚", "中科广东炼化",
                                            "巴斯夫"}
    in_huizhou = ask(kg, queries, "enterprises", cluster="绿色石化", city="惠州")
    assert column(in_huizhou, "enterpriseZh") == {"中海油惠州石化"}


def test_projects_by_city(kg, queries):
    # 001 专栏2 item 1 (湛江: 中科广东炼化一体化项目, 巴斯夫新型一体化项目)
    # and 专栏5 item 2 (湛江依托宝钢湛江…)
    rows = ask(kg, queries, "projects", city="湛江")
    assert column(rows, "projectZh") == {"中科广东炼化一体化项目", "巴斯夫新型一体化项目", "宝钢湛江钢铁项目"}


def test_platforms_by_city_and_type(kg, queries):
    # 001: 大亚湾石化园区 and 惠州新材料产业园区 (专栏2), 大亚湾新兴产业园 and 东江高新科技产业园 (专栏4),
    # 示范性智能定制家居融合创新园区 (专栏6) — the industrial parks in 惠州
    rows = ask(kg, queries, "platforms", city="惠州", type="gd:IndustrialPark")
    assert column(rows, "platformZh") == {"大亚湾石化园区", "惠州新材料产业园区", "大亚湾新兴产业园",
                                          "东江高新科技产业园", "惠州示范性智能定制家居融合创新园区"}


def test_cluster_figures_with_sources(kg, queries):
    # 003 绿色石化 section: 2023 9859 above-size firms, revenue 19619.2 亿元, "105%" share (implausible);
    # 001 ch.3 cluster 2: scale above 2 万亿元 by 2025
    rows = ask(kg, queries, "cluster-figures", cluster="绿色石化")
    values = {(r["value"], r["unitZh"], r["source"].rsplit("/", 2)[-2]) for r in rows}
    assert {("9859", "家", "gd-hq-dev-2025-news"), ("19619.2", "亿元", "gd-hq-dev-2025-news"),
            ("2", "万亿元", "mfg-plan-14th-fyp")} <= values
    assert next(r for r in rows if r["value"] == "105")["flags"] == "implausible"
    # 003: capacity targets 9000 / 500 / 500 万吨/年 are about the refining sub-field, still listed
    assert {"9000", "500"} <= column(rows, "value")


def test_disputed_figures(kg, queries):
    # 001 ch.3 cluster 6: light industry revenue above 3 万亿元 by 2025;
    # 003 quotes the action plan's 7200 亿元
    rows = ask(kg, queries, "disputed-figures", cluster="现代轻工纺织")
    conflict = next(r for r in rows if r["problem"] == "conflicting" and r["value"] == "3")
    assert (conflict["unitZh"], conflict["otherValue"], conflict["otherUnitZh"]) == ("万亿元", "7200", "亿元")
    assert conflict["source"].endswith("/ch3-cluster-6") and "gd-hq-dev-2025-news" in conflict["otherSource"]
    everything = ask(kg, queries, "disputed-figures")
    assert ("implausible", "105") in {(r["problem"], r["value"]) for r in everything}


def test_source_statements(kg, queries):
    # 001 专栏2 item 1: 炼油石化 relies on 广州 惠州 湛江 茂名 揭阳,
    # names 大亚湾石化园区 and the refining firms
    rows = ask(kg, queries, "source-statements", source="fyp:box-2-item-1")
    subjects = column(rows, "subjectZh")
    assert {"炼油石化", "大亚湾石化园区", "巴斯夫", "中科广东炼化"} <= subjects
    relies = {r["objectZh"] for r in rows
              if r["subjectZh"] == "炼油石化" and r["predicate"].endswith("reliesOnCity")}
    assert relies == {"广州", "惠州", "湛江", "茂名", "揭阳"}
    assert {r["section"].rsplit("/", 1)[-1] for r in rows} == {"box-2-item-1"}
    # a whole document: its sections' statements together
    document = ask(kg, queries, "source-statements", source="src:electronics-action-plan-2021")
    assert "提升国际化合作水平" in column(document, "subjectZh")  # 004 task 6


def test_required_parameter_is_an_error(kg, queries):
    with pytest.raises(QueryError, match=r"needs --param city=…"):
        run(kg, queries["city-clusters"], {})
