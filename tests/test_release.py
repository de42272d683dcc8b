"""gdkg release (reproducible bundle) and gdkg diff (what changed), with their bad inputs."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from conftest import TURTLE_HEAD, copy_project, gdkg, tree
from gdkg.load import load_triples

VOID = "http://rdfs.org/ns/void#"
NEW_FIRM = TURTLE_HEAD + """
ent:release-test-robotics a gd:Enterprise ;
    rdfs:label "发布测试机器人公司"@zh , "Release Test Robotics Co."@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    gd:locatedIn city:foshan ;
    prov:wasDerivedFrom fyp:box-2-item-1 .
"""


@pytest.fixture(scope="module")
def releases(built, tmp_path_factory):
    """Two releases of the session build, made one after the other."""
    out = tmp_path_factory.mktemp("releases")
    from gdkg.release_bundle import write_release

    first = write_release(built.project, out / "r1")
    second = write_release(built.project, out / "r2")
    return first, second


def test_two_releases_are_byte_identical(releases):
    first, second = releases
    assert tree(first) == tree(second)
    names = set(tree(first))
    for name in ("asserted.ttl", "asserted.nt.gz", "asserted.jsonld", "inferred.ttl", "inferred.nt.gz",
                 "inferred.jsonld", "void.ttl", "SHA256SUMS", "ontology/gdkg.ttl", "shapes/core.ttl"):
        assert name in names, name


def test_checksums_cover_every_file(releases):
    import hashlib

    first, _ = releases
    listed = {}
    for line in (first / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest, name


def test_every_serialisation_holds_the_build(built, releases):
    first, _ = releases
    for name in ("asserted", "inferred"):
        expected = load_triples([built.project.build_dir / f"{name}.nt"])
        nt = gzip.decompress((first / f"{name}.nt.gz").read_bytes())
        assert nt == (built.project.build_dir / f"{name}.nt").read_bytes()
        assert (first / f"{name}.nt.gz").read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime 0
        graph = Graph().parse(first / f"{name}.jsonld", format="json-ld")
        assert len(graph) == len(expected), name
        ttl = Graph().parse(first / f"{name}.ttl", format="turtle")
        assert len(ttl) == len(expected), name
    # a spot check by hand (data/ttl/core/places.ttl): Guangzhou's Chinese label
    doc = json.loads((first / "asserted.jsonld").read_text(encoding="utf-8"))
    guangzhou = next(node for node in doc["@graph"] if node["@id"] == "city:guangzhou")
    assert {"@value": "广州", "@language": "zh"} in guangzhou["rdfs:label"]
    assert "gd:City" in guangzhou["@type"]


def test_void_describes_version_licence_sources_counts_and_validation(built, releases):
    first, _ = releases
    void = Graph().parse(first / "void.ttl", format="turtle")
    dataset = URIRef("https://w3id.org/gdkg/release/0.1.0")
    assert (dataset, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")) in void
    assert (dataset, URIRef("http://purl.org/dc/terms/license"),
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in void
    assert str(void.value(dataset, URIRef("http://www.w3.org/ns/dcat#version"))) == "0.1.0"
    assert int(void.value(dataset, URIRef(VOID + "triples"))) == built.asserted + built.inferred
    # the five seed documents, with the 14th FYP's number (粤府〔2021〕53号, in its title page)
    sources = set(void.objects(dataset, URIRef("http://purl.org/dc/terms/source")))
    assert URIRef("https://w3id.org/gdkg/id/source/mfg-plan-14th-fyp") in sources
    assert len(sources) >= 5
    fyp = URIRef("https://w3id.org/gdkg/id/source/mfg-plan-14th-fyp")
    assert Literal("粤府〔2021〕53号") in set(void.objects(fyp, URIRef("http://purl.org/dc/terms/identifier")))
    # 21 prefecture cities (附件 1 columns), 20 clusters
    partitions = {str(void.value(p, URIRef(VOID + "class"))): int(void.value(p, URIRef(VOID + "entities")))
                  for p in void.objects(dataset, URIRef(VOID + "classPartition"))}
    assert partitions["https://w3id.org/gdkg/ontology#City"] == 21
    assert partitions["https://w3id.org/gdkg/ontology#IndustryCluster"] == 20
    conforms = void.value(URIRef("https://w3id.org/gdkg/release/0.1.0#validation"),
                          URIRef("http://www.w3.org/ns/shacl#conforms"))
    assert conforms.toPython() is built.conforms


def test_issued_date_only_when_given(built, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    code, _, _ = gdkg(capsys, built.project.root, "release", "-q", "-o", str(tmp_path / "r"))
    assert code == 0
    assert '"2026-01-01"^^xsd:date' in (tmp_path / "r/void.ttl").read_text(encoding="utf-8")
    code, _, err = gdkg(capsys, built.project.root, "release", "-o", str(tmp_path / "s"),
                        "--issued", "yesterday")
    assert code == 2 and "expected a date as YYYY-MM-DD" in err and not (tmp_path / "s").exists()


def test_existing_release_directory_is_refused(built, releases, capsys):
    first, _ = releases
    before = tree(first)
    code, out, err = gdkg(capsys, built.project.root, "release", "-o", str(first))
    assert code == 2 and "already exists" in err and out == ""
    assert tree(first) == before
    code, _, err = gdkg(capsys, built.project.root, "release", "-o", str(first / "no/such/parent"))
    assert code == 2 and "does not exist" in err


def test_diff_reports_an_added_enterprise(built, releases, tmp_path, capsys):
    first, second = releases
    code, out, _ = gdkg(capsys, built.project.root, "diff", str(first), str(second), "--exit-code")
    assert code == 0 and "no change" in out
    copy = copy_project(built.project, tmp_path / "proj")
    shutil.copytree(built.project.build_dir, copy.build_dir)
    firm = tmp_path / "firm.ttl"
    firm.write_text(NEW_FIRM, encoding="utf-8")
    assert gdkg(capsys, copy.root, "add", str(firm))[0] == 0
    assert gdkg(capsys, copy.root, "build", "-q")[0] == 0
    code, out, _ = gdkg(capsys, copy.root, "diff", str(first), str(copy.build_dir), "--format", "json",
                        "--exit-code")
    assert code == 1
    report = json.loads(out)
    assert report["entities"]["added"] == [{"iri": "ent:release-test-robotics",
                                            "label_en": "Release Test Robotics Co.",
                                            "label_zh": "发布测试机器人公司"}]
    assert report["entities"]["removed"] == []
    # six asserted triples in NEW_FIRM (one rdf:type, two labels, cluster, city, source)
    assert report["triples"]["asserted"] == {"added": 6, "removed": 0}
    assert report["per_class"]["gd:Enterprise"]["entities_added"] == 1
    assert report["per_class"]["gd:Enterprise"]["triples_added"] == 6
    assert report["per_source"]["src:mfg-plan-14th-fyp"]["entities_added"] == 1
    code, text, _ = gdkg(capsys, copy.root, "diff", str(first), str(copy.root))
    assert code == 0
    assert "+ ent:release-test-robotics  Release Test Robotics Co." in text
    assert "1 entity added, 0 removed" in text
    code, md, _ = gdkg(capsys, copy.root, "--lang", "zh", "diff", str(first), str(copy.root),
                       "--format", "md")
    assert "## 新增实体: 1" in md and "`ent:release-test-robotics` 发布测试机器人公司" in md
    assert "| gd:Enterprise | 1 | 0 | 6 | 0 |" in md
    # the other way round it is a removal
    code, out, _ = gdkg(capsys, copy.root, "diff", str(copy.build_dir), str(first), "--format", "json")
    assert json.loads(out)["entities"]["removed"][0]["iri"] == "ent:release-test-robotics"


def test_diff_of_what_is_not_a_gdkg_graph(built, releases, tmp_path, capsys):
    first, _ = releases
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "asserted.nt").write_text("<a> <b> <c> .\n", encoding="utf-8")
    (tmp_path / "file.ttl").write_text("x", encoding="utf-8")
    cases = {str(tmp_path / "missing"): "no such file or directory",
             str(tmp_path / "file.ttl"): "a file, not a gdkg release or build directory",
             str(plain): "not a gdkg release or build directory"}
    for other, message in cases.items():
        code, out, err = gdkg(capsys, built.project.root, "diff", str(first), other)
        assert code == 2 and message in err and out == "", other
    tampered = tmp_path / "tampered"
    shutil.copytree(first, tampered)
    (tampered / "asserted.nt.gz").write_bytes(b"not gzip")
    code, _, err = gdkg(capsys, built.project.root, "diff", str(first), str(tampered))
    assert code == 2 and "asserted.nt.gz does not match its SHA-256" in err
