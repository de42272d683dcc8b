"""`gdkg import csv` and `gdkg import template`: spreadsheets to validated Turtle."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from conftest import BAD_INPUTS, gdkg
from gdkg.intake.spreadsheet import TYPES, import_csv
from gdkg.load import load_triples, parse_file, parse_text
from gdkg.namespaces import GD, PREFIXES

BAD = BAD_INPUTS
ENT = PREFIXES["ent"]



def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_template_is_the_columns_and_one_example_that_imports(kind, project, tmp_path, capsys):
    code, out, err = gdkg(capsys, project.root, "import", "template", "--type", kind)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [c.name for c in TYPES[kind].columns]
    assert len(rows) == 2
    path = tmp_path / f"{kind}.csv"
    path.write_text(out, encoding="utf-8")
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", kind, str(path))
    assert code == 0, err
    assert parse_text(out, "out.ttl")


def test_describe_lists_every_column(project, capsys):
    code, out, err = gdkg(capsys, project.root, "import", "template", "--type", "figure",
                          "--describe")
    assert code == 0
    for column in TYPES["figure"].columns:
        assert f"  {column.name} " in out


@pytest.mark.parametrize("kind", ["enterprise", "project", "designation", "figure", "document",
                                  "section", "platform", "department"])
def test_round_trip_of_the_bundled_entities(kind, project, tmp_path, capsys):
    """Export the graph's entities as CSV, import them back: the same triples."""
    code, exported, err = gdkg(capsys, project.root, "import", "template", "--type", kind,
                               "--from-graph")
    assert code == 0
    path = tmp_path / f"{kind}.csv"
    path.write_text(exported, encoding="utf-8")
    out = tmp_path / f"{kind}.ttl"
    code, _, err = gdkg(capsys, project.root, "import", "csv", "--type", kind, str(path),
                        "-o", str(out))
    assert code == 0, err
    imported = set(parse_file(out))
    subjects = {s for s, _, _ in imported}
    covered = {c.predicate for c in TYPES[kind].columns if c.predicate is not None} | {RDF.type}
    original = {t for t in load_triples(project.graph_files())
                if t[0] in subjects and t[1] in covered}
    assert len(subjects) == len(exported.splitlines()) - 1
    assert imported == original
    if kind == "enterprise":
        assert len(subjects) >= 40
        # names, not IRIs, in the CSV: the round trip goes through label resolution
        assert "汽车" in exported and "龙头企业" in exported


def test_names_resolve_by_label_alt_label_iri_and_prefixed_name(project, tmp_path, capsys):
    path = write_csv(tmp_path / "e.csv", [
        ["label_zh", "label_en", "clusters", "located_in", "roles", "source"],
        ["示例机器人", "Example Robotics", "智能机器人；cluster:automobiles", "广州市",
         "龙头企业", "fyp:ch3-cluster-15; " + PREFIXES["fyp"] + "ch3-cluster-4"],
    ])
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "enterprise", str(path))
    assert code == 0, err
    triples = set(parse_text(out, "out.ttl"))
    s = URIRef(ENT + "example-robotics")  # id made from label_en
    assert (s, GD.belongsToCluster, URIRef(PREFIXES["cluster"] + "intelligent-robots")) in triples
    assert (s, GD.belongsToCluster, URIRef(PREFIXES["cluster"] + "automobiles")) in triples
    assert (s, GD.locatedIn, URIRef(PREFIXES["city"] + "guangzhou")) in triples  # alt label
    assert (s, GD.enterpriseRole, URIRef(PREFIXES["role"] + "anchor")) in triples
    assert (s, RDFS.label, Literal("示例机器人", lang="zh")) in triples


def test_designation_defaults_follow_the_data_conventions(project, tmp_path):
    """Empty id and labels: desig:<cluster>--<city> and '汽车 × 汕头（★★）'."""
    path = write_csv(tmp_path / "d.csv", [
        ["cluster", "city", "level", "source"],
        ["汽车", "汕头", "★★", "fyp:annex-1-table-1"],
    ])
    result = import_csv(project, "designation", str(path))  # validation aside
    triples = set(parse_text(result.turtle, "out.ttl"))
    s = URIRef(PREFIXES["desig"] + "automobiles--shantou")
    assert (s, GD.designationLevel, GD.KeyLevel) in triples
    assert {o for _, p, o in triples if p == RDFS.label} == {
        Literal("汽车 × 汕头（★★）", lang="zh"), Literal("Automobiles × Shantou (★★)", lang="en")}


def test_figure_default_id_follows_the_iri_scheme(project, tmp_path):
    path = write_csv(tmp_path / "f.csv", [
        ["label_zh", "label_en", "figure_of", "measure", "value", "unit", "year", "kind", "source"],
        ["汽车营业收入2030年目标", "Automotive revenue target 2030", "汽车", "营业收入", "1.5",
         "万亿元", "2030", "目标", "fyp:ch3-cluster-4"],
    ])
    result = import_csv(project, "figure", str(path))
    subjects = {s for s, _, _ in parse_text(result.turtle, "out.ttl")}
    assert subjects == {URIRef(PREFIXES["fig"] + "fyp-automobiles-operating-revenue-2030")}


def test_unresolvable_names_are_errors_with_row_column_and_suggestion(project, tmp_path, capsys):
    out_path = tmp_path / "out.ttl"
    path = str(BAD / "csv-unresolvable.csv")
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "enterprise", path,
                          "-o", str(out_path))
    assert code == 1
    assert err == (
        f"{path} row 3, column E (clusters): '智能机械人' matches no strategic industry cluster "
        "in the graph\n"
        "      → did you mean 智能机器人 (cluster:intelligent-robots)?\n"
        f"{path} row 3, column G (located_in): '广州府' matches no place in the graph\n"
        "      → did you mean 广州 (city:guangzhou)?\n"
        f"{path}: 2 errors; nothing written\n")
    assert not out_path.exists()


def test_ambiguous_name_is_an_error(project, capsys):
    path = str(BAD / "csv-ambiguous.csv")
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "figure", path)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path} row 2, column D (figure_of): '生物医用材料' is ambiguous: it names 生物医用材料 "
        "(dir:biomedicine-health--biomedical-materials), 生物医用材料 (sf:frontier-materials-5); "
        "write the prefixed name of the one you mean")


def test_validation_failure_writes_nothing(project, tmp_path, capsys):
    """Rows that convert but do not conform: a second, different level for a designation."""
    out_path = tmp_path / "out.ttl"
    path = write_csv(tmp_path / "d.csv", [
        ["id", "cluster", "city", "level", "source"],
        ["", "汽车", "广州", "★", "fyp:annex-1-table-1"],
    ])
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "designation",
                          str(path), "-o", str(out_path))
    assert code == 1
    assert f"{path} row 2: desig:automobiles--guangzhou" in err
    assert "nothing written: fix the rows above and import again" in err
    assert out == "" and not out_path.exists()


def test_output_into_data_ttl_is_refused(project, tmp_path, capsys):
    path = write_csv(tmp_path / "e.csv", [["label_zh", "label_en", "source"],
                                          ["示例", "Example", "fyp:ch3"]])
    target = project.data_dir / "added" / "x.ttl"
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "enterprise",
                          str(path), "-o", str(target))
    assert code == 2
    assert err.startswith(f"gdkg: error: {target}: -o must not point into data/ttl/")
    assert not target.exists()
