"""Focused validation (gdkg.validation.focused) gives the same results as validating the
whole merged graph, on every file of the bad-input corpus and on a few good ones; and the
checks of issue 7 item 3 (duplicates, identity, `add --replace`) on real data.

Each comparison runs check() twice on the built copy of the project (fresh build/, so the
focused path is taken): focused=True and focused=False.
"""

from __future__ import annotations

import json

import pytest

from conftest import BAD_INPUTS, TURTLE_HEAD, copy_project, gdkg, tree
from gdkg.load import LoadError
from gdkg.validation.check import check, quiet_rdflib, read_input, text_input
from gdkg.validation.report import render_json

CORPUS = sorted(p.name for p in BAD_INPUTS.glob("*.ttl"))
GOOD = TURTLE_HEAD + """
ent:example-robotics a gd:Enterprise ;
    rdfs:label "示例机器人"@zh , "Example Robotics"@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    gd:locatedIn city:foshan ;
    prov:wasDerivedFrom fyp:ch3-cluster-15 .
"""


def _results(report) -> tuple[list[str], dict]:
    data = json.loads(render_json(report))
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in data["results"]), \
        data["counts"]


def _both(project, item):
    return _both_all(project, [item])


def _both_all(project, items):
    with quiet_rdflib():
        return check(project, items, focused=True), check(project, items, focused=False)


def _corpus() -> list:
    items = []
    for name in CORPUS:
        try:
            items.append(read_input(str(BAD_INPUTS / name)))
        except LoadError:  # unusable input: never validated
            continue
    return items


def test_focused_equals_full_on_the_whole_corpus_at_once(built):
    """Every parsable file of tests/bad_inputs/ as the inputs of one check (one full
    validation instead of forty). The ill-typed literal is left out: with it the focused
    path is not taken at all (Oxigraph and rdflib compare such literals differently)."""
    items = [i for i in _corpus() if "ill-typed" not in i.shown]
    assert len(items) >= 35
    focused, full = _both_all(built.project, items)
    assert _results(focused) == _results(full)
    assert sum(full.counts().values()) > 60  # a real comparison: many results of many kinds


@pytest.mark.parametrize("name", ["level-outside.ttl", "chain-cycle.ttl", "duplicate-enterprise.ttl",
                                  "duplicate-city-admin-code.ttl", "dangling-reference.ttl"])
def test_focused_equals_full_file_by_file(name, built):
    """Totals, cycles, duplicate labels, shared codes, references: results about nodes of
    data/ttl (a total that no longer adds up, the other duplicate) come out the same."""
    focused, full = _both(built.project, read_input(str(BAD_INPUTS / name)))
    assert _results(focused) == _results(full)


def test_focused_equals_full_on_good_data_and_on_an_existing_file(built):
    for item in (text_input("good.ttl", GOOD),
                 read_input(str(built.project.data_dir / "clusters" / "automobiles.ttl"))):
        focused, full = _both(built.project, item)
        assert _results(focused) == _results(full)


def test_focused_path_is_taken_on_a_fresh_build(built, monkeypatch):
    """The comparison above compares something: with a fresh build/ the focused path runs."""
    import gdkg.validation.check as module

    calls = []
    original = module.validate_focused
    monkeypatch.setattr(module, "validate_focused", lambda *a: calls.append(1) or original(*a))
    with quiet_rdflib():
        check(built.project, [text_input("good.ttl", GOOD)])
    assert calls == [1]


# ---------------------------------------------------------------- duplicates and identity


def test_alt_label_equal_to_an_existing_label_is_a_warning_naming_both(project, capsys):
    path = str(BAD_INPUTS / "duplicate-altlabel.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", "--format", "json", path)
    assert code == 0  # a warning: two entities may share a name
    [result] = json.loads(out)["results"]
    assert result["severity"] == "warning"
    assert result["focus_name"] == "ent:huawei-shenzhen" and result["path_name"] == "skos:altLabel"
    assert "Huawei (ent:huawei)" in result["message"]
    assert result["line"] == 10
    code, out, err = gdkg(capsys, project.root, "validate", "--fail-on", "warning", "--lang", "zh", path)
    assert code == 1
    assert "也是另一企业 华为 (ent:huawei) 的名称" in out


def test_names_are_compared_after_nfkc_and_trimming(project, capsys):
    path = str(BAD_INPUTS / "duplicate-label-width-and-spaces.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", "--format", "json", path)
    results = json.loads(out)["results"]
    assert sorted(r["value"] for r in results) == ['" 华为\u3000"@zh', '"ＨＵＡＷＥＩ"@en']
    assert all("ent:huawei" in r["message"] for r in results)


def test_a_second_city_with_an_existing_code_or_column_is_a_violation(project, capsys):
    for name, words in (("duplicate-city-admin-code.ttl", "same administrative code"),
                        ("duplicate-city-annex-position.ttl", "same column in 附件 1")):
        code, out, err = gdkg(capsys, project.root, "validate", str(BAD_INPUTS / name))
        assert code == 1
        lines = out.splitlines()
        both = [n for n, line in enumerate(lines) if words in line]
        assert len(both) == 2, out  # on the new city and on Guangzhou
        assert lines[both[0] + 1] == "      → the other is Guangzhou (city:guangzhou)"
        assert lines[both[1] + 1] == "      → the other is Canton (city:canton)"


def test_bundled_places_have_distinct_codes_and_columns(asserted):
    from rdflib.namespace import RDF

    from gdkg.namespaces import GD

    cities = {s for s, p, o in asserted if p == RDF.type and o == GD.City}
    codes = [o for s, p, o in asserted if p == GD.adminCode]
    columns = [o for s, p, o in asserted if p == GD.annexOrder and s in cities]
    assert len(codes) == len(set(codes))
    assert sorted(int(c) for c in columns) == list(range(1, 22))  # 附件 1: 21 city columns


# ---------------------------------------------------------------- add --replace


FIRM = TURTLE_HEAD + """
ent:example-robotics a gd:Enterprise ;
    rdfs:label "示例机器人"@zh , "Example Robotics"@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    prov:wasDerivedFrom fyp:ch3-cluster-15 .
"""
PROJECT_USING_IT = TURTLE_HEAD + """@prefix proj: <https://w3id.org/gdkg/id/project/> .

proj:example-robot-line a gd:Project ;
    rdfs:label "示例机器人产线"@zh , "Example robot line"@en ;
    gd:involvesEnterprise ent:example-robotics ;
    prov:wasDerivedFrom fyp:ch3-cluster-15 .
"""


def test_replace_reports_what_the_removal_breaks(project, tmp_path, capsys):
    """firm.ttl defines an enterprise that project.ttl (added later) refers to; a new
    firm.ttl renames it. Checked against the graph without the old firm.ttl alone, the
    dangling reference in project.ttl went unseen; now it is reported where it is."""
    copy = copy_project(project, tmp_path / "copy")
    (tmp_path / "firm.ttl").write_text(FIRM, encoding="utf-8")
    (tmp_path / "project.ttl").write_text(PROJECT_USING_IT, encoding="utf-8")
    assert gdkg(capsys, copy.root, "add", str(tmp_path / "firm.ttl"), str(tmp_path / "project.ttl"))[0] == 0
    (tmp_path / "v2").mkdir()
    renamed = tmp_path / "v2" / "firm.ttl"
    renamed.write_text(FIRM.replace("ent:example-robotics", "ent:example-robotics-co"),
                       encoding="utf-8")
    before = tree(copy.data_dir)
    code, out, err = gdkg(capsys, copy.root, "add", "--replace", str(renamed))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("note: data/ttl/added/firm.ttl: replacing it removes 1 entity the new files "
                        "do not define: ent:example-robotics; results about what refers to them "
                        "are shown")
    assert "data/ttl/added/project.ttl: proj:example-robot-line (Example robot line)" in lines
    assert any("gd:involvesEnterprise" in line and "(value ent:example-robotics)" in line
               for line in lines)
    assert err.endswith("nothing added: fix the problems above and run gdkg add again\n")
    assert tree(copy.data_dir) == before
