"""`gdkg validate`: new files checked against the graph, results only about what they touch."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from conftest import BAD_INPUTS, TURTLE_HEAD, copy_project, gdkg
from gdkg.cli import main
from gdkg.namespaces import SH
from gdkg.validation.locate import subject_lines

BAD = BAD_INPUTS

HEAD = TURTLE_HEAD
GOOD = HEAD + """
ent:example-robotics a gd:Enterprise ;
    rdfs:label "示例机器人"@zh , "Example Robotics"@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    gd:locatedIn city:shenzhen ;
    prov:wasDerivedFrom fyp:ch3-cluster-15 .
"""



@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.ttl"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_good_file_conforms(project, good, capsys):
    code, out, err = gdkg(capsys, project.root, "validate", str(good))
    assert code == 0, out
    assert out == (f"{good}: conforms (0 violations, 0 warnings, 0 infos; at --fail-on violation) "
                   "— 6 new triples about 1 subject\n")


def test_json_lists_results_with_location_and_suggestion(project, capsys):
    path = str(BAD / "dangling-reference.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", path, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["conforms"] is False and data["files"] == [path]
    located = [r for r in data["results"] if r["value"] == "city:guangzhou-city"]
    assert located and all(r["line"] == 11 and r["file"] == path for r in located)
    assert located[0]["focus"] == "https://w3id.org/gdkg/id/enterprise/example-robotics"
    assert located[0]["severity"] == "violation"
    assert located[0]["suggestion"] == "did you mean Guangzhou (city:guangzhou)?"
    assert set(located[0]["messages"]) == {"en", "zh"}


def test_ttl_is_a_shacl_report(project, capsys):
    path = str(BAD / "unknown-property.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", path, "--format", "ttl")
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert results and all(graph.value(r, SH.focusNode) is not None for r in results)
    assert "does NOT conform" in err


def test_suggestions_in_chinese(project, capsys):
    code, out, err = gdkg(capsys, project.root, "validate", str(BAD / "dangling-reference.ttl"),
                          "--lang", "zh")
    assert code == 1
    assert "      → 是否应为 广州 (city:guangzhou)？" in out.splitlines()
    assert "不符合" in out.splitlines()[-1]


def test_fail_on_warning(project, capsys):
    path = str(BAD / "duplicate-enterprise.ttl")  # a likely duplicate is a warning
    assert gdkg(capsys, project.root, "validate", path)[0] == 0
    assert gdkg(capsys, project.root, "validate", path, "--fail-on", "warning")[0] == 1


def test_only_results_about_the_new_nodes(project, capsys):
    """The bundled data's own results never show; every result's focus is in the file."""
    code, out, err = gdkg(capsys, project.root, "validate", str(BAD / "missing-labels.ttl"),
                          "--format", "json")
    data = json.loads(out)
    assert {r["focus_name"] for r in data["results"]} == {"ent:example-robotics"}


def test_a_reference_between_two_new_files_resolves(project, tmp_path, good, capsys):
    other = tmp_path / "project.ttl"
    other.write_text(HEAD + "@prefix proj: <https://w3id.org/gdkg/id/project/> .\n\n"
                     "proj:example-robot-plant a gd:Project ;\n"
                     "    rdfs:label \"示例机器人工厂\"@zh , \"Example robot plant\"@en ;\n"
                     "    gd:involvesEnterprise ent:example-robotics ;\n"
                     "    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n", encoding="utf-8")
    assert gdkg(capsys, project.root, "validate", str(other))[0] == 1
    assert gdkg(capsys, project.root, "validate", str(good), str(other))[0] == 0


def test_stdin(project, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode("utf-8"))))
    code, out, err = gdkg(capsys, project.root, "validate", "-")
    assert code == 0
    assert out.startswith("<stdin>: conforms")


def test_a_file_under_data_ttl_stands_in_for_its_current_version(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    path = copy.data_dir / "clusters" / "automobiles.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Conventional fuel vehicles"@en', '"Fuel cars"@en'),
                    encoding="utf-8")
    code, out, err = gdkg(capsys, copy.root, "validate", str(path))
    assert code == 0, out  # the edited file is not merged with its old self
    path.write_text(text.replace('"Conventional fuel vehicles"@en', '"燃油车"@zh'),
                    encoding="utf-8")
    code, out, err = gdkg(capsys, copy.root, "validate", str(path))
    assert code == 1
    assert any(line.startswith(f"{path}:47: sf:automobiles-1 (") for line in out.splitlines())
    assert "  [violation] rdfs:label: needs exactly one rdfs:label in Chinese (@zh) and one in " \
        "English (@en)" in out.splitlines()


def test_subject_lines_skips_objects_comments_and_long_strings():
    text = (
        "@prefix ent: <https://w3id.org/gdkg/id/enterprise/> .\n"   # 1
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"  # 2
        "# ent:a in a comment\n"                                     # 3
        "ent:b rdfs:seeAlso ent:a ;\n"                               # 4
        '    rdfs:comment """ent:a at the start\n'                   # 5
        'ent:a of a line in a long string""" .\n'                    # 6
        "<https://w3id.org/gdkg/id/enterprise/c> rdfs:label 'c' .\n"  # 7
        "ent:a rdfs:label \"a\" .  # finally\n"                      # 8
    )
    lines, prefixes = subject_lines(text)
    base = "https://w3id.org/gdkg/id/enterprise/"
    assert lines == {base + "b": 4, base + "c": 7, base + "a": 8}
    assert prefixes["ent"] == base


def test_help_of_every_new_command_has_examples(capsys):
    for argv in (["validate"], ["add"], ["import"], ["import", "csv"], ["import", "template"]):
        with pytest.raises(SystemExit) as stop:
            main([*argv, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert "examples:" in out and "gdkg " + argv[0] in out.split("examples:")[1], argv
