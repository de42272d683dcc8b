"""Data files cannot change the ontology (issue 7 item 1), and the reasoner's output is bounded.

The attack files are in tests/bad_inputs/schema-*.ttl. Each one, merged into the bundled
graph, changes what the reasoner infers for everything (first test: the 21 cities of
附件 1 become more); `gdkg validate`/`add` refuse them, located, and `gdkg build` refuses
them when they are put into data/ttl/ by hand.
"""

from __future__ import annotations

import json
import shutil

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from conftest import BAD_INPUTS, copy_project, gdkg, tree
from gdkg.load import parse_file
from gdkg.namespaces import GD, PREFIXES
from gdkg.reason import ClosureTooLarge, closure
from gdkg.validation.schema_guard import check_data_files

SCHEMA_FILES = sorted(p.name for p in BAD_INPUTS.glob("schema-*.ttl"))
CITY = PREFIXES["city"]


def _cities(triples) -> set:
    return {s for s, p, o in triples if p == RDF.type and o == GD.City}


@pytest.mark.parametrize("name", ["schema-thing-subclass-of-city.ttl", "schema-equivalent-classes.ttl",
                                  "schema-vocabulary-domain.ttl"])
def test_unguarded_the_attack_changes_the_number_of_cities(name, asserted):
    """Why the guard exists: with the file's one axiom the reasoner finds other than the 21
    prefecture cities of 附件 1 (table 1 has 21 columns)."""
    assert len(_cities(closure(asserted, max_growth=None))) == 21
    attacked = asserted | set(parse_file(BAD_INPUTS / name))
    assert len(_cities(closure(attacked, max_growth=None))) > 21


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_validate_refuses_every_schema_triple_at_its_line(name, project, capsys):
    path = BAD_INPUTS / name
    code, out, err = gdkg(capsys, project.root, "validate", "--format", "json", str(path))
    assert code == 1, out
    report = json.loads(out)
    assert not report["conforms"]
    refused = [r for r in report["results"]
               if r["constraint"] and r["constraint"].startswith("https://w3id.org/gdkg/checks#")
               and r["constraint"].rsplit("#", 1)[1] in ("OntologyTermDescribed", "SchemaAxiom",
                                                         "SchemaType", "IdentityAxiom")]
    assert refused, out
    lines = path.read_text(encoding="utf-8").splitlines()
    for result in refused:
        assert result["severity"] == "violation"
        assert result["file"] == str(path)
        assert result["line"] is not None and 1 <= result["line"] <= len(lines)
        assert not lines[result["line"] - 1].startswith(("#", "@prefix"))
        assert result["suggestion"]
    # both languages explain it
    code, out_zh, _ = gdkg(capsys, project.root, "validate", "--lang", "zh", str(path))
    assert "不符合" in out_zh.splitlines()[-1]


def test_every_schema_triple_of_a_file_is_reported(project, capsys):
    """One result per offending triple (four for a restriction: the class axiom, its type,
    owl:onProperty and owl:hasValue), all at the line of the statement they are in."""
    path = BAD_INPUTS / "schema-restriction.ttl"
    code, out, err = gdkg(capsys, project.root, "validate", "--format", "json", str(path))
    results = json.loads(out)["results"]
    assert sorted(r["path_name"] for r in results) == ["owl:hasValue", "owl:onProperty", "rdf:type",
                                                       "rdfs:subClassOf"]
    assert {r["line"] for r in results} == {13}


def test_the_rest_of_a_file_with_a_hidden_axiom_is_still_checked(project, capsys):
    path = BAD_INPUTS / "schema-hidden-axiom.ttl"
    code, out, err = gdkg(capsys, project.root, "validate", "--format", "json", str(path))
    report = json.loads(out)
    assert code == 1
    assert [(r["focus_name"], r["path_name"], r["line"]) for r in report["results"]] == [
        ("ent:example-drones", "owl:equivalentClass", 18)]
    assert report["new_triples"] == 11


def test_bundled_data_carries_no_axioms(project, asserted):
    check_data_files(project)  # per file
    check_data_files(project, asserted)  # the build's quick path


@pytest.fixture(scope="module")
def guarded(built, tmp_path_factory):
    """A copy of the built project with its build/ (fresh: same inputs)."""
    copy = copy_project(built.project, tmp_path_factory.mktemp("guarded"))
    shutil.copytree(built.project.build_dir, copy.build_dir)
    return copy


@pytest.mark.parametrize("name", ["schema-thing-subclass-of-city.ttl", "schema-restriction.ttl",
                                  "schema-sameas-cities.ttl"])
def test_build_refuses_a_data_file_with_axioms_put_there_by_hand(name, guarded, capsys):
    target = guarded.data_dir / "clusters" / name
    manifest = (guarded.build_dir / "manifest.json").read_bytes()
    shutil.copy(BAD_INPUTS / name, target)
    try:
        code, out, err = gdkg(capsys, guarded.root, "build", "-q")
        assert code == 1
        assert out == ""
        located = [line for line in err.splitlines() if line.startswith("data/ttl/")]
        assert located and all(line.startswith(f"data/ttl/clusters/{name}:13: ") for line in located), err
        assert err.splitlines()[-1].endswith("would change the ontology; the build stopped and "
                                             "wrote nothing")
        assert (guarded.build_dir / "manifest.json").read_bytes() == manifest  # build/ untouched
        code, out, err = gdkg(capsys, guarded.root, "build", "--lang", "zh")
        assert "构建已停止" in err.splitlines()[-1]
    finally:
        target.unlink()


def test_add_refuses_and_changes_nothing(guarded, capsys):
    before = tree(guarded.data_dir)
    code, out, err = gdkg(capsys, guarded.root, "add", str(BAD_INPUTS / "schema-functional-property.ttl"))
    assert code == 1
    assert "gd:partOf is a term of the gdkg ontology" in out
    assert tree(guarded.data_dir) == before


# ---------------------------------------------------------------- the reasoner's bound

EX = "http://example.org/"


def _blowup(n: int) -> set:
    """n resources linked in a line by a symmetric, transitive property: n² inferred links."""
    r = URIRef(EX + "r")
    triples = {(r, RDF.type, OWL.ObjectProperty), (r, RDF.type, OWL.TransitiveProperty),
               (r, RDF.type, OWL.SymmetricProperty)}
    return triples | {(URIRef(f"{EX}x{i}"), r, URIRef(f"{EX}x{i + 1}")) for i in range(n)}


def test_a_closure_out_of_bounds_stops_naming_the_axioms():
    triples = _blowup(150)
    with pytest.raises(ClosureTooLarge) as caught:
        closure(triples)
    message = str(caught.value)
    assert "more than 4 times its 153 input triples" in message
    assert f"<{EX}r> rdf:type owl:SymmetricProperty" in message
    assert f"<{EX}r> rdf:type owl:TransitiveProperty" in message
    assert caught.value.hint.startswith("an axiom like these")
    unbounded = closure(triples, max_growth=None)
    assert len(unbounded) > 4 * len(triples) + 10_000  # what the bound refused


def test_the_bundled_closure_is_well_inside_the_bound(built):
    assert built.inferred < 2 * built.asserted
