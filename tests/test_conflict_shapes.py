"""The pairwise conflict kinds as SHACL (shapes/conflicts.ttl): figure-year, figure-exceeded and
figure-attribution.

On the bundled graph each shape's results are the cases of the named query
(queries/conflicts-figure-*.rq, the rows of `gdkg conflicts`), one result per case, all info, and
the build still conforms. A small hand-written file that creates one new case of each kind gets
one info result for each, about its own figure, at its line, in English and Chinese — the same
with the focused validation (src/gdkg/validation/focused.py) as with a full one.
"""

from __future__ import annotations

import json

import pytest

from conftest import gdkg
from gdkg.query import get_query
from gdkg.store import KnowledgeGraph

SHAPES = "https://w3id.org/gdkg/shapes#"
FIG = "https://w3id.org/gdkg/id/figure/"
CLUSTER = "https://w3id.org/gdkg/id/cluster/"


@pytest.fixture(scope="module")
def results(built) -> list[dict]:
    return json.loads((built.project.build_dir / "validation.json").read_text(encoding="utf-8"))


def shape_pairs(results: list[dict], shape: str) -> set[tuple[str, str]]:
    found = [r for r in results if r["shape"] == SHAPES + shape]
    assert all(r["severity"] == "info" for r in found), found
    pairs = {(r["focus"], r["value"]) for r in found}
    assert len(pairs) == len(found), f"{shape}: one result per case"
    return pairs


def query_groups(built, kind: str) -> list[list[str]]:
    """The ?group keys of the named query's rows, split into their parts (each kind's query
    builds them from the IRIs of the case: see its SELECT)."""
    kg = KnowledgeGraph.open(built.project, build_if_stale=False)
    rows = kg.query(get_query(built.project, f"conflicts-{kind}").text).rows
    assert rows, f"the bundled sources have {kind} cases (tests/test_conflicts.py)"
    return [str(r["group"]).split(" ") for r in rows]


def test_the_bundled_build_conforms_with_these_shapes(built):
    assert built.report.conforms
    assert not built.report.at_least("warning")


def test_figure_year_results_are_the_cases_of_the_named_query(built, results):
    # group = "<earlier target> <later target>"; the shape reports the later one, naming the earlier
    groups = [g for g in query_groups(built, "figure-year") if len(g) == 2]
    expected = {(later, earlier) for earlier, later in groups}
    assert shape_pairs(results, "SameTargetOtherYearShape") == expected
    assert len(expected) == 2  # biomedicine: 001 ch.3 2025 vs 003 2027, twice (tests/test_conflicts.py)


def test_figure_exceeded_results_are_the_cases_of_the_named_query(built, results):
    # group = "<actual> <target>"; the shape reports the actual value, naming the target
    groups = [g for g in query_groups(built, "figure-exceeded") if len(g) == 2]
    expected = {(actual, target) for actual, target in groups}
    assert shape_pairs(results, "TargetReachedEarlyShape") == expected
    assert len(expected) == 3  # new energy, software, digital creative (tests/test_conflicts.py)


def test_figure_attribution_results_are_the_cases_of_the_named_query(built, results):
    groups = query_groups(built, "figure-attribution")
    # (1) group = "quoted <quoted target> <stated target>"
    quoted = {(g[1], g[2]) for g in groups if g[0] == "quoted"}
    assert shape_pairs(results, "QuotedTargetShape") == quoted
    # (2) group = "heading <cluster> <section>", one row per fact: the shape names the cluster
    kg = KnowledgeGraph.open(built.project, build_if_stale=False)
    rows = kg.query(get_query(built.project, "conflicts-figure-attribution").text).rows
    heading = {(str(r["item"]), str(r["group"]).split(" ")[1]) for r in rows
               if str(r["group"]).startswith("heading ")}
    assert shape_pairs(results, "OtherClusterSectionShape") == heading
    # 003 prints four electronics sub-fields under the automobiles heading (tests/test_conflicts.py)
    assert {value for _, value in heading} == {CLUSTER + "automobiles"} and len(heading) == 4


def test_every_case_of_gdkg_conflicts_has_its_result(built, results):
    # the same cases counted the way `gdkg conflicts` groups them
    from gdkg.conflict_report import conflicts

    cases = conflicts(built.project, kinds=["figure-year", "figure-exceeded", "figure-attribution"])
    counts = {k: sum(1 for c in cases if c.kind == k) for k in ("figure-year", "figure-exceeded",
                                                                  "figure-attribution")}
    shapes = ("SameTargetOtherYearShape", "TargetReachedEarlyShape", "QuotedTargetShape",
              "OtherClusterSectionShape")
    by_shape = {s: len(shape_pairs(results, s)) for s in shapes}
    assert counts["figure-year"] == by_shape["SameTargetOtherYearShape"]
    assert counts["figure-exceeded"] == by_shape["TargetReachedEarlyShape"]
    # a heading case groups the facts of one section: one conflict, one result per fact
    heading_cases = [c for c in cases if c.kind == "figure-attribution" and " / " not in c.subject]
    assert counts["figure-attribution"] - len(heading_cases) == by_shape["QuotedTargetShape"]
    assert sum(len(c.claims) for c in heading_cases) == by_shape["OtherClusterSectionShape"]


# --- new data: one new case of each kind, each from a cited source section

# Each figure below is invented for the test, but the figure it disagrees with is in the graph:
# - 2027 target of 4000 亿元: 001 ch.3 半导体及集成电路 sets "到 2025 年 … 营业收入突破 4000 亿元"
#   (fig:fyp-semiconductors-ic-revenue-2025) — the same target for another year (figure-year);
# - 2024 actual 4200 亿元: above that 2025 target of another document (figure-exceeded);
# - 2025 target of 7300 亿元 quoted from a plan: 001 ch.3 新能源 states "到 2025 年，新能源产业营业收入
#   达到 7300 亿元" (fig:fyp-new-energy-revenue-2025) (figure-attribution, quoted);
# - a new-energy figure taken from 003's 汽车产业集群 section, which only the automobiles cluster
#   cites (figure-attribution, under another cluster's heading).
# The sections are 003's (news:), so the partners are of another document (001).
NEW = """\
@prefix gd:      <https://w3id.org/gdkg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix cluster: <https://w3id.org/gdkg/id/cluster/> .
@prefix fig:     <https://w3id.org/gdkg/id/figure/> .
@prefix unit:    <https://w3id.org/gdkg/id/unit/> .
@prefix measure: <https://w3id.org/gdkg/id/measure/> .
@prefix news:    <https://w3id.org/gdkg/id/source/gd-hq-dev-2025-news/> .

fig:test-semiconductors-ic-revenue-2027 a gd:Figure ;
    rdfs:label "半导体及集成电路营业收入目标（2027，测试）"@zh ,
        "Semiconductor and IC revenue target 2027 (test)"@en ;
    gd:figureOf cluster:semiconductors-ic ; gd:measure measure:operating-revenue ;
    gd:value "4000"^^xsd:decimal ; gd:unit unit:yi-yuan ;
    gd:year "2027"^^xsd:gYear ; gd:figureKind gd:Target ;
    prov:wasDerivedFrom news:cluster-semiconductors-ic .

fig:test-semiconductors-ic-revenue-2024 a gd:Figure ;
    rdfs:label "半导体及集成电路营业收入（2024，测试）"@zh ,
        "Semiconductor and IC revenue 2024 (test)"@en ;
    gd:figureOf cluster:semiconductors-ic ; gd:measure measure:operating-revenue ;
    gd:value "4200"^^xsd:decimal ; gd:unit unit:yi-yuan ;
    gd:year "2024"^^xsd:gYear ; gd:figureKind gd:Actual ;
    prov:wasDerivedFrom news:cluster-semiconductors-ic .

fig:test-new-energy-revenue-2025-quoted a gd:Figure ;
    rdfs:label "新能源营业收入目标（2025，转引，测试）"@zh ,
        "New energy revenue target 2025 (quoted, test)"@en ;
    gd:figureOf cluster:new-energy ; gd:measure measure:operating-revenue ;
    gd:value "7300"^^xsd:decimal ; gd:unit unit:yi-yuan ;
    gd:year "2025"^^xsd:gYear ; gd:figureKind gd:Target ;
    gd:scope "引自行动计划（测试）"@zh , "quoted from an action plan (test)"@en ;
    prov:wasDerivedFrom news:cluster-new-energy .

fig:test-new-energy-enterprises-2023 a gd:Figure ;
    rdfs:label "新能源企业数（2023，测试）"@zh ,
        "New energy enterprises 2023 (test)"@en ;
    gd:figureOf cluster:new-energy ; gd:measure measure:enterprise-count ;
    gd:value "100"^^xsd:decimal ; gd:unit unit:enterprises ;
    gd:year "2023"^^xsd:gYear ; gd:figureKind gd:Actual ;
    prov:wasDerivedFrom news:cluster-automobiles .
"""

#: focus (new figure) -> (shape, value it names, kind in the message, words of the zh message)
EXPECTED = {
    "test-semiconductors-ic-revenue-2027": ("SameTargetOtherYearShape",
                                            "fig:fyp-semiconductors-ic-revenue-2025", "figure-year",
                                            "年份不一致"),
    "test-semiconductors-ic-revenue-2024": ("TargetReachedEarlyShape",
                                            "fig:fyp-semiconductors-ic-revenue-2025", "figure-exceeded",
                                            "已达到或超过"),
    "test-new-energy-revenue-2025-quoted": ("QuotedTargetShape", "fig:fyp-new-energy-revenue-2025",
                                            "figure-attribution", "出处存疑"),
    "test-new-energy-enterprises-2023": ("OtherClusterSectionShape", "cluster:automobiles",
                                         "figure-attribution", "汽车"),
}


def _line_of(name: str) -> int:
    return next(n for n, line in enumerate(NEW.splitlines(), 1) if line.startswith(f"fig:{name} a "))


@pytest.fixture(scope="module")
def new_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("new") / "new.ttl"
    path.write_text(NEW, encoding="utf-8")
    return path


def _validate_json(capsys, built, path) -> dict:
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path), "--format", "json")
    assert code == 0, out + err  # infos only: the file conforms
    return json.loads(out)


def test_validate_reports_each_new_disagreement_at_its_line(built, new_file, capsys):
    data = _validate_json(capsys, built, new_file)
    assert data["counts"] == {"violation": 0, "warning": 0, "info": len(EXPECTED)}, data["results"]
    by_focus = {r["focus"]: r for r in data["results"]}
    for name, (_shape, value, kind, zh_words) in EXPECTED.items():
        result = by_focus[FIG + name]
        assert result["severity"] == "info"
        assert (result["file"], result["line"]) == (str(new_file), _line_of(name))
        assert result["value"] == value
        assert f"--kind {kind}" in result["messages"]["en"] and f"--kind {kind}" in result["messages"]["zh"]
        assert zh_words in result["messages"]["zh"]
    # the partner's label and source are named (001 ch.3 is the other document)
    assert "001" in by_focus[FIG + "test-semiconductors-ic-revenue-2027"]["messages"]["zh"]
    assert "2025" in by_focus[FIG + "test-semiconductors-ic-revenue-2027"]["messages"]["en"]


def test_validate_in_chinese_shows_the_file_and_line(built, new_file, capsys):
    code, out, err = gdkg(capsys, built.project.root, "validate", str(new_file), "--lang", "zh")
    assert code == 0
    for name, (_shape, _value, _kind, zh_words) in EXPECTED.items():
        assert f"{new_file}:{_line_of(name)}: fig:{name}" in out
        assert zh_words in out
    assert "4 个提示" in out


def test_focused_validation_equals_a_full_one(built, new_file, capsys, monkeypatch):
    focused = _validate_json(capsys, built, new_file)
    monkeypatch.setenv("GDKG_VALIDATE_FULL", "1")
    full = _validate_json(capsys, built, new_file)
    assert focused["results"] == full["results"]
    assert {r["focus"] for r in full["results"]} == {FIG + name for name in EXPECTED}
