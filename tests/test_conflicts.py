"""`gdkg conflicts`: the disagreements between the sources, kind by kind.

Every expected case below was found by reading the documents in ../shared/seeds/ (000 =
2020 Opinions summary, 001 = 14th FYP, 003 = 2025 feature); the comment of each case says
where each side is printed. 附件 1 columns, left to right: 广州 深圳 珠海 佛山 东莞 惠州 中山
江门 肇庆 | 汕头 汕尾 揭阳 潮州 | 湛江 茂名 阳江 | 韶关 梅州 河源 清远 云浮. The assertions run on
the output of ``gdkg conflicts --format json`` (run once per language for the module).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

from conftest import TURTLE_HEAD, gdkg
from gdkg.cli import main

KEYS = {"kind", "subject", "subject_label_zh", "claims", "note"}


def _run_json(root, *args: str) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        # notes and claim values in Chinese (the default language of every command is English)
        code = main(["--root", str(root), "conflicts", "--format", "json", "--lang", "zh", *args])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def report(built) -> list[dict]:
    return _run_json(built.project.root)


@pytest.fixture(scope="module")
def report_en(built) -> list[dict]:
    return _run_json(built.project.root, "--lang", "en")


def find(report: list[dict], kind: str, subject: str) -> list[dict]:
    return [c for c in report if c["kind"] == kind and c["subject"] == subject]


def one(report: list[dict], kind: str, subject: str) -> dict:
    found = find(report, kind, subject)
    assert len(found) == 1, f"{kind} {subject}: {len(found)} entries"
    return found[0]


def sources(conflict: dict) -> set[str]:
    return {c["source"] for c in conflict["claims"]}


def value_of(conflict: dict, source: str) -> str:
    values = [c["value"] for c in conflict["claims"] if c["source"] == source]
    assert values, f"no claim from {source} in {conflict['subject']}"
    return " | ".join(values)


# --- the output format

def test_json_is_a_list_of_conflicts_with_the_documented_keys(report):
    assert report, "the bundled sources disagree in places; the report cannot be empty"
    for conflict in report:
        assert set(conflict) == KEYS
        assert conflict["subject"] and conflict["subject_label_zh"] and conflict["note"]
        assert len(conflict["claims"]) >= 1
        for claim in conflict["claims"]:
            assert set(claim) == {"value", "source", "source_label"}
            assert claim["value"] and claim["source"] and claim["source_label"]


def test_every_kind_is_found(report):
    kinds = {c["kind"] for c in report}
    assert kinds == {"layout-unstarred", "layout-core", "figure-value", "figure-year", "figure-exceeded",
                     "figure-attribution", "implausible"}


# --- layout-unstarred

def test_layout_unstarred_kitchen_appliances_in_yangjiang(report, report_en):
    # 001 专栏3 item 6 (厨房电器): "以佛山、中山、汕头、阳江等市为依托"; 附件 1 table 1, row
    # "3. 智能家电": the 阳江 column is empty (汕头 ★, 佛山 ★★★, 中山 ★★).
    conflict = one(report, "layout-unstarred", "sf:smart-home-appliances-6 / city:yangjiang")
    assert sources(conflict) == {"fyp:box-3-item-6", "fyp:annex-1-table-1"}
    assert value_of(conflict, "fyp:annex-1-table-1") == "附件1未标星"
    assert "阳江" in conflict["subject_label_zh"] and "厨房电器" in conflict["subject_label_zh"]
    en = one(report_en, "layout-unstarred", "sf:smart-home-appliances-6 / city:yangjiang")
    assert value_of(en, "fyp:annex-1-table-1") == "no star in 附件 1"
    # the starred cities of the same item are not reported
    for city in ("foshan", "zhongshan", "shantou"):
        assert not find(report, "layout-unstarred", f"sf:smart-home-appliances-6 / city:{city}")


def test_layout_unstarred_electronic_components_in_eastern_and_northern_cities(report):
    # 001 专栏11 item 5 (材料与关键元器件): "依托广州、深圳、汕头、佛山、梅州、肇庆、潮州、东莞、
    # 河源、清远等市大力建设新型电子元器件产业集聚区"; 附件 1 table 2, row "11. 半导体与集成电路":
    # 汕头, 潮州, 梅州 and 清远 empty; 广州/深圳 ★★★★, 佛山/东莞 ★★, 肇庆/河源 ★.
    cities = {c["subject"].split(" / ")[1] for c in report
              if c["kind"] == "layout-unstarred" and c["subject"].startswith("sf:semiconductors-ic-5 /")}
    assert cities == {"city:shantou", "city:chaozhou", "city:meizhou", "city:qingyuan"}


def test_layout_unstarred_role_claims_of_the_2020_opinions(report):
    # 000 (二)6 新能源: "培育广州、深圳、佛山、湛江、茂名、云浮等地市氢能产业基地"; 附件 1
    # table 2, row "16. 新能源": 茂名 empty (湛江 ★★★★, 云浮 ★).
    conflict = one(report, "layout-unstarred", "cluster:new-energy / city:maoming")
    assert "opn:emerging-6" in sources(conflict) and "fyp:annex-1-table-2" in sources(conflict)
    # 000 (一)7 软件与信息服务: "支持珠海、佛山、惠州、东莞、云浮等地市大力发展特色软件产业";
    # 附件 1 table 1, row "7. 软件与信息服务": 云浮 empty.
    conflict = one(report, "layout-unstarred", "cluster:software-information-services / city:yunfu")
    assert sources(conflict) == {"opn:pillar-7", "fyp:annex-1-table-1"}


# --- layout-core

def test_layout_core_jieyang_petrochemicals(report):
    # 000 导语 and (一)2: "打造以湛江、茂名、广州、惠州、揭阳等为核心的沿海石化产业带";
    # 附件 1 table 1, row "2. 绿色石化": 揭阳 ★★ (key, not core).
    conflict = one(report, "layout-core", "cluster:green-petrochemicals / city:jieyang")
    assert {"opn:intro", "opn:pillar-2", "fyp:annex-1-table-1"} <= sources(conflict)
    assert "核心" in value_of(conflict, "opn:pillar-2")
    assert value_of(conflict, "fyp:annex-1-table-1").startswith("附件1 ★★ ")
    # the four other cities are core in both: no disagreement
    for city in ("zhanjiang", "maoming", "guangzhou", "huizhou"):
        assert not find(report, "layout-core", f"cluster:green-petrochemicals / city:{city}")


def test_layout_core_jiangmen_laser_node_in_texts_core_in_annex(report):
    # 000 (二)7: "以广州、深圳为核心，珠海、佛山、惠州、东莞、中山、江门等地各具特色";
    # 003 激光与增材制造: "以广州、深圳为核心，以珠海、佛山、惠州、东莞、中山、江门等地为重要
    # 节点"; 附件 1 table 2, row "17. 激光与增材制造": 江门 ★★★★ (core).
    conflict = one(report, "layout-core", "cluster:laser-additive-manufacturing / city:jiangmen")
    assert {"opn:emerging-7", "news:cluster-laser-additive-manufacturing",
            "fyp:annex-1-table-2"} <= sources(conflict)
    assert "节点" in value_of(conflict, "opn:emerging-7")
    assert "★★★" in value_of(conflict, "fyp:annex-1-table-2")


def test_layout_core_jiangmen_home_appliances_core_only_in_annex(report):
    # 附件 1 table 1, row "3. 智能家电": 珠海, 佛山, 江门 ★★★; 000 (一)3 makes 广州、深圳、佛山 the
    # core of the innovation network and 深圳、珠海、佛山、惠州、中山、湛江 that of the
    # manufacturing network — 江门 is in neither.
    conflict = one(report, "layout-core", "cluster:smart-home-appliances / city:jiangmen")
    assert value_of(conflict, "opn:pillar-3").startswith("未列为核心")
    assert "★★★" in value_of(conflict, "fyp:annex-1-table-1")


def test_layout_core_agreeing_sources_are_not_reported(report):
    # Semiconductors: 000 (二)1 "以广州、深圳、珠海等为核心", 003 "以广州、深圳、珠海为核心 …
    # “3+N”", 附件 1 row 11: 广州/深圳/珠海 ★★★★ — all three agree.
    assert not [c for c in report if c["kind"] == "layout-core"
                and c["subject"].startswith("cluster:semiconductors-ic /")]


# --- figure-value

def test_figure_value_new_energy_2025(report):
    # 001 ch.3 新能源: "到 2025 年，新能源产业营业收入达到 7300 亿元"; 003 新能源产业集群:
    # "到2025年新能源产业规模将超过1万亿元".
    conflict = one(report, "figure-value", "cluster:new-energy / 2025")
    assert sources(conflict) == {"fyp:ch3-cluster-16", "news:cluster-new-energy"}
    assert "7300" in value_of(conflict, "fyp:ch3-cluster-16")
    assert "1万亿元" in value_of(conflict, "news:cluster-new-energy")


def test_figure_value_precision_instruments_2025(report):
    # 001 ch.3 精密仪器设备: "产业规模达到约 3000 亿元"; 003: "产业规模将达到约2700亿元".
    conflict = one(report, "figure-value", "cluster:precision-instruments / measure:industry-scale / 2025")
    assert "3000" in value_of(conflict, "fyp:ch3-cluster-20")
    assert "2700" in value_of(conflict, "news:cluster-precision-instruments")


# --- figure-year

def test_figure_year_biomedicine_trillion_by_2025_or_2027(report):
    # 001 ch.3 生物医药与健康: "到2025年，生物医药与健康产业力争实现营业收入1万亿元"; 003, the
    # cluster section: "力争到2027年，广东生物医药与健康产业规模超万亿元", and part 3:
    # "广东立芯用3年时间打造万亿级产业集群" (three years from 2025). Two statements of 003, two cases.
    cases = find(report, "figure-year", "cluster:biomedicine-health")
    pairs = {frozenset(sources(c)) for c in cases}
    assert pairs == {frozenset({"fyp:ch3-cluster-9", "news:cluster-biomedicine-health"}),
                     frozenset({"fyp:ch3-cluster-9", "news:part-3"})}
    for case in cases:
        assert "2025年" in value_of(case, "fyp:ch3-cluster-9")
        assert any("2027年" in c["value"] for c in case["claims"])


def test_figure_year_not_reported_for_the_same_year(report):
    # Semiconductors: 001 and 003 both give 4000 亿元 for 2025 — same year, no figure-year case.
    assert not find(report, "figure-year", "cluster:semiconductors-ic")


# --- figure-exceeded

def test_figure_exceeded_new_energy_2023_above_2025_target(report):
    # 003 新能源: "2023年，广东新能源产业集群营收超8000亿元"; 001 ch.3: 2025 target 7300 亿元.
    conflict = one(report, "figure-exceeded", "cluster:new-energy / measure:operating-revenue")
    assert "8000" in value_of(conflict, "news:cluster-new-energy")
    assert "7300" in value_of(conflict, "fyp:ch3-cluster-16")


def test_figure_exceeded_software_2024_reaches_2025_target(report):
    # 003 软件与信息服务: "到了2024年，软件业务收入更是成功突破2万亿元大关，提前实现集群发展中期
    # 目标"; 001 ch.3: "到2025年，软件业务收入达到2万亿元".
    conflict = one(report, "figure-exceeded",
                   "cluster:software-information-services / measure:software-business-revenue")
    assert sources(conflict) == {"news:cluster-software-information-services", "fyp:ch3-cluster-7"}


def test_figure_exceeded_digital_creative_2023(report):
    # 003 数字创意: "2023年，广东数字创意产业集群营业收入已突破6000亿元"; 001 ch.3: "到 2025 年，
    # 数字创意产业营业收入突破 6000 亿元".
    assert one(report, "figure-exceeded", "cluster:digital-creative / measure:operating-revenue")


def test_figure_exceeded_ignores_shares_and_lower_values(report):
    # 003 part 2: high-tech manufacturing 32 % of industry in 2024, 001 ch.2: 33 % by 2025 — a share,
    # and lower anyway; 003: biomedicine revenue 683.8 亿元 in 2023, far below 1 万亿元.
    subjects = {c["subject"] for c in report if c["kind"] == "figure-exceeded"}
    assert not any(s.startswith("place:guangdong") for s in subjects)
    assert not any(s.startswith("cluster:biomedicine-health") for s in subjects)


# --- figure-attribution

def test_figure_attribution_high_end_equipment_quoted_from_the_semiconductor_plan(report, report_en):
    # 003 高端装备制造: "根据《广东省培育半导体及集成电路战略性新兴产业集群行动计划(2021-2025年)》，
    # 到2025年，广东高端装备制造产业营收达3000亿元以上"; 001 ch.3 高端装备制造: "到 2025 年，高端装备
    # 制造产业营业收入达 3000 亿元以上".
    subject = "cluster:high-end-equipment / measure:operating-revenue / 2025"
    conflict = one(report, "figure-attribution", subject)
    assert sources(conflict) == {"news:cluster-high-end-equipment", "fyp:ch3-cluster-12"}
    assert value_of(conflict, "news:cluster-high-end-equipment").startswith("转引")
    assert "semiconductor" in one(report_en, "figure-attribution", subject)["note"]


def test_figure_attribution_semiconductor_target_of_2021_quoted_from_the_2023_plan(report):
    # 003 半导体与集成电路: "《…行动计划(2023-2025年)》提到，到2025年，…年主营业务收入突破4000亿元";
    # 001 ch.3 (2021): "到 2025 年，半导体及集成电路产业营业收入突破 4000 亿元".
    subject = "cluster:semiconductors-ic / measure:operating-revenue / 2025"
    conflict = one(report, "figure-attribution", subject)
    assert "4000" in value_of(conflict, "fyp:ch3-cluster-11")


def test_figure_attribution_electronics_plan_under_the_automobiles_heading(report):
    # 003, under the heading 汽车产业集群: "《广东省发展新一代电子信息战略性新兴产业集群行动计划
    # (2023-2025年)》提出，到2025年，将广东建设成为全球新一代通信设备、新型网络、手机及新型智能
    # 终端、半导体元器件…产业集群区" — the electronics cluster's plan under the automobiles cluster.
    conflict = one(report, "figure-attribution", "cluster:electronic-information")
    assert sources(conflict) == {"news:cluster-automobiles"}
    assert len(conflict["claims"]) >= 3 and all("汽车" in c["value"] for c in conflict["claims"])


# --- implausible

def test_implausible_share_above_100_percent(report):
    # 003 绿色石化: "营业收入达19619.2亿元，占全省工业规模以上企业营业收入的105%".
    conflict = one(report, "implausible", "cluster:green-petrochemicals / measure:share / 2023")
    assert "105%" in conflict["claims"][0]["value"]
    assert "100" in conflict["note"]


def test_implausible_pct_applications(report):
    # 003 软件与信息服务: "PCT申请量达287万件" (001 ch.1 footnote ③: 2.81 万件 for the whole province).
    subject = "cluster:software-information-services / measure:patent-count / 2023"
    conflict = one(report, "implausible", subject)
    assert "287" in conflict["claims"][0]["value"]
    assert conflict["claims"][0]["source"] == "news:cluster-software-information-services"


# --- options

def test_cluster_filter_keeps_only_that_cluster(built):
    rows = _run_json(built.project.root, "--cluster", "新能源")
    assert rows and all("new-energy" in r["subject"] for r in rows)
    kinds = {r["kind"] for r in rows}
    assert {"layout-unstarred", "figure-value", "figure-exceeded"} <= kinds


def test_kind_filter(built):
    rows = _run_json(built.project.root, "--kind", "implausible", "--kind", "figure-year")
    assert {r["kind"] for r in rows} == {"implausible", "figure-year"}


def test_unknown_cluster_is_an_error_with_close_matches(built, capsys):
    code, out, err = gdkg(capsys, built.project.root, "conflicts", "--cluster", "新能量")
    assert code == 2 and out == ""
    assert "新能源" in err and "Did you mean" in err


def test_table_and_markdown_group_by_kind(built, capsys):
    code, out, err = gdkg(capsys, built.project.root, "conflicts", "--format", "md", "--lang", "en",
                          "--kind", "figure-value")
    assert code == 0
    assert out.startswith("## figure-value: different values for the same figure (3)")
    assert "| subject | claim | source | note |" in out and "fyp:ch3-cluster-16" in out
    code, out, err = gdkg(capsys, built.project.root, "conflicts", "--kind", "layout-core", "--lang", "zh")
    assert code == 0 and out.startswith("layout-core: ") and "揭阳" in out
    assert "处冲突：layout-core " in err  # the summary follows --lang zh too (issue 8 item 4)


def test_each_kind_has_a_named_query(project):
    from gdkg.conflict_report import KINDS
    from gdkg.query import get_query

    for kind in KINDS:
        query = get_query(project, f"conflicts-{kind}")
        assert query.title and query.description and not query.params


# --- the same checks as SHACL: new data that creates a disagreement is reported

NEW_CLAIM = TURTLE_HEAD + """
@prefix claim: <https://w3id.org/gdkg/id/city-role-claim/> .
@prefix opn:   <https://w3id.org/gdkg/id/source/opinion-2020-summary/> .

claim:digital-creative--yunfu--node--opn a gd:CityRoleClaim ;
    rdfs:label "数字创意：云浮为节点（测试）"@zh , "Digital creative: Yunfu as a node (test)"@en ;
    gd:roleCluster cluster:digital-creative ; gd:roleCity city:yunfu ; gd:cityRole gd:NodeRole ;
    prov:wasDerivedFrom opn:emerging-8 .
"""


def test_validate_reports_a_new_unstarred_city_as_info(built, tmp_path, capsys):
    # 附件 1 table 2, row "18. 数字创意": 云浮 has no star, so a claim naming 云浮 for the cluster
    # creates a layout-unstarred disagreement: reported as info, the file still conforms.
    path = tmp_path / "claim.ttl"
    path.write_text(NEW_CLAIM, encoding="utf-8")
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path), "--format", "json")
    assert code == 0, out + err
    data = json.loads(out)
    infos = [r for r in data["results"] if r["severity"] == "info"]
    assert len(infos) == 1, infos
    assert infos[0]["value"] == "claim:digital-creative--yunfu--node--opn"
    assert "layout-unstarred" in infos[0]["message"] and "Yunfu" in infos[0]["message"]
    assert "云浮" in infos[0]["messages"]["zh"] and "未标星" in infos[0]["messages"]["zh"]
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path), "--fail-on", "info")
    assert code == 1
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path), "--lang", "zh")
    assert code == 0 and "未标星" in out and "1 个提示" in out
