"""The bad-input corpus (tests/bad_inputs/): every kind of bad new data gets a located,
readable message and the right exit status from `gdkg validate`, `gdkg add` leaves
data/ttl/ byte-for-byte unchanged, and `gdkg import csv` writes nothing. Never a traceback.

Exit status: 2 unusable input (cannot be read as Turtle/CSV), 1 does not conform.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from conftest import BAD_INPUTS, copy_project, gdkg, tree
from gdkg.load import parse_text
from gdkg.namespaces import PREFIXES

BAD = BAD_INPUTS




@dataclass(frozen=True)
class Case:
    file: str
    exit: int
    #: exit 2: the exact stderr lines; exit 1: lines that must appear in the report
    lines: tuple[str, ...]
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.file


UNUSABLE = [
    Case("syntax-missing-dot.ttl", 2, (
        "gdkg: error: {path}:15:1: A dot is expected at the end of statements",
        "  hint: a statement probably misses its closing ' .' on the line before")),
    Case("syntax-unterminated-string.ttl", 2, (
        "gdkg: error: {path}:12:29: Unexpected end of file",
        "  hint: something opened here (a string, <IRI>, [ or ( ) is never closed")),
    Case("syntax-bad-iri.ttl", 2, (
        "gdkg: error: {path}:11:1: Invalid IRI code point ' '",
        "  hint: IRIs cannot contain spaces; slugs join words with '-'")),
    Case("syntax-stray-character.ttl", 2, (
        "gdkg: error: {path}:12:53: '§' is not allowed at the beginning of a prefix name",
        "  hint: a stray character? statements are 'subject predicate object ;' … ' .'")),
    Case("unknown-prefix.ttl", 2, (
        "gdkg: error: {path}:13:26: The prefix sf: has not been declared",
        "  hint: add '@prefix sf: <https://w3id.org/gdkg/id/subfield/> .' at the top; "
        "`gdkg prefixes` lists the predeclared prefixes")),
    Case("gbk.ttl", 2, (
        "gdkg: error: {path}:12: not UTF-8 (looks like GBK): byte 0xc0 cannot be decoded",
        "  hint: convert it: iconv -f GBK -t UTF-8 {path}")),
    Case("utf16.ttl", 2, (
        "gdkg: error: {path}: file is UTF-16, Turtle must be UTF-8",
        "  hint: convert it: iconv -f UTF-16 -t UTF-8 {path}")),
    Case("empty.ttl", 2, (
        "gdkg: error: {path}: file is empty",
        "  hint: a Turtle file needs at least one triple")),
    Case("only-prefixes.ttl", 2, (
        "gdkg: error: {path}: no triples in this file (only prefixes or comments)",
        "  hint: a new file must state at least one fact")),
    Case("binary.ttl", 2, ("gdkg: error: {path}: binary content, not a Turtle text file",)),
    Case("rdfxml.ttl", 2, (
        "gdkg: error: {path}:1: this is RDF/XML (or other XML), not Turtle",
        "  hint: convert it: python -m rdflib.tools.rdfpipe -o turtle {path}")),
    Case("csv-as-turtle.ttl", 2, (
        "gdkg: error: {path}:1: this looks like CSV, not Turtle",
        "  hint: for spreadsheets use: gdkg import csv --type … FILE.csv")),
    Case("jsonld.ttl", 2, ("gdkg: error: {path}:1: this looks like JSON(-LD), not Turtle",)),
]


@pytest.mark.parametrize("case", UNUSABLE, ids=str)
def test_unusable_input_is_located_and_exits_2(case, project, capsys):
    path = str(BAD / case.file)
    code, out, err = gdkg(capsys, project.root, "validate", path, *case.args)
    assert code == 2
    assert out == ""
    assert err == "\n".join(case.lines).replace("{path}", path) + "\n"


@pytest.mark.parametrize("case", UNUSABLE, ids=str)
def test_add_of_unusable_input_changes_nothing(case, scratch, capsys):
    path = str(BAD / case.file)
    before = tree(scratch.data_dir)
    code, out, err = gdkg(capsys, scratch.root, "add", path)
    assert code == 2
    assert err == "\n".join(case.lines).replace("{path}", path) + "\n"
    assert tree(scratch.data_dir) == before


@pytest.fixture(scope="module")
def scratch(project, tmp_path_factory):
    """One copy of the project for all failing adds: none of them may change it. Built,
    as a maintainer's checkout is, so `add` checks against the cached validation."""
    from gdkg.pipeline import build

    copy = copy_project(project, tmp_path_factory.mktemp("scratch"))
    build(copy)
    return copy


def test_missing_file_and_directory(project, capsys, tmp_path):
    missing = str(tmp_path / "nowhere.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", missing, str(tmp_path))
    assert code == 2
    assert err == (f"gdkg: error: {missing}: no such file\n"
                   f"gdkg: error: {tmp_path}: is a directory, not a Turtle file\n"
                   f"  hint: pass the files: {tmp_path}/*.ttl\n")


def test_every_unusable_file_is_reported_not_just_the_first(project, capsys):
    files = [str(BAD / name) for name in ("empty.ttl", "binary.ttl", "unknown-class.ttl")]
    code, out, err = gdkg(capsys, project.root, "validate", *files)
    assert code == 2
    assert [line.split(": ")[2] for line in err.splitlines() if line.startswith("gdkg:")] == \
        files[:2]


def test_bom_is_accepted_with_a_note_and_dropped_by_add(project, tmp_path, capsys):
    path = str(BAD / "bom.ttl")
    code, out, err = gdkg(capsys, project.root, "validate", path)
    assert code == 0
    assert out.splitlines()[0] == (f"note: {path}:1: file starts with a UTF-8 byte-order mark "
                                   "(BOM); it is ignored")
    copy = copy_project(project, tmp_path)
    code, out, err = gdkg(capsys, copy.root, "add", path)
    assert code == 0
    added = copy.data_dir / "added" / "bom.ttl"
    assert added.read_bytes() == (BAD / "bom.ttl").read_bytes()[3:]


def _big_file(path: Path, megabytes: int, broken: bool) -> int:
    """Write a Turtle file of about ``megabytes`` MB; return its number of lines."""
    head = (BAD / "unknown-class.ttl").read_text(encoding="utf-8").split("\n\n")[0] + "\n\n"
    block = ('ent:bulk-{0} a gd:Enterprise ;\n    rdfs:label "批量企业{0}"@zh , "Bulk {0}"@en ;\n'
             '    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n')
    n = megabytes * 1024 * 1024 // len(block.format(100000).encode())
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        handle.write("".join(block.format(i) for i in range(n)))
        if broken:
            handle.write('ent:last a gd:Enterprise ; rdfs:label "last"@en , , .\n')
    return head.count("\n") + 3 * n + broken


def test_very_large_file_is_refused_by_size(project, tmp_path, capsys):
    path = tmp_path / "huge.ttl"
    _big_file(path, 30, broken=False)
    size = path.stat().st_size / 1024 / 1024
    code, out, err = gdkg(capsys, project.root, "validate", str(path))
    assert code == 2
    assert err == (f"gdkg: error: {path}: file is {size:.1f} MB, over the 10 MB limit for one "
                   "new file\n  hint: split it into smaller files, or raise the limit with "
                   "--max-size MB\n")


def test_syntax_error_at_the_end_of_a_very_large_file_is_located(project, tmp_path, capsys):
    path = tmp_path / "huge.ttl"
    lines = _big_file(path, 30, broken=True)
    assert path.stat().st_size > 25 * 1024 * 1024
    code, out, err = gdkg(capsys, project.root, "validate", str(path), "--max-size", "64")
    assert code == 2
    assert err == f"gdkg: error: {path}:{lines}:51: , is not a valid RDF object\n"


def test_no_traceback_end_to_end(project, tmp_path):
    """Run the installed entry point on an unusable and a non-conforming file."""
    for name, status in (("binary.ttl", 2), ("unknown-property.ttl", 1)):
        done = subprocess.run([sys.executable, "-m", "gdkg.cli", "--root", str(project.root),
                               "validate", str(BAD / name)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr + done.stdout


ONTOLOGY_ADVICE = ("      → ontology changes go in ontology/ (they change what the reasoner infers for the "
                   "whole graph); a data file states facts about entities only")

# Data that parses but does not fit the graph. Lines are those of the report (stdout); the
# messages in words come from shapes/ (sh:message) or, for a suggestion, from gdkg.validation.rules.
DATA = [
    Case("unknown-class.ttl", 1, (
        "{path}:11: gd:Enterprize",
        "  [violation] is used as a class (rdf:type) but the gdkg ontology does not declare it "
        "(misspelt?)",
        "      → did you mean gd:Enterprise or gd:EnterpriseRole?")),
    Case("unknown-property.ttl", 1, (
        "{path}:11: ent:example-robotics (Example Robotics)",
        "  [violation] gd:belongsToClustr: uses a property that is not in the gdkg ontology nor "
        "among the external properties of the data conventions (misspelt?) (value "
        "cluster:intelligent-robots)",
        "      → did you mean gd:belongsToCluster, gd:belongsToSubField or gd:relatedCluster?")),
    Case("external-term.ttl", 1, (
        "{path}:11: ent:example-robotics (Example Robotics)",
        "  [violation] rdfs:lable: uses a property that is not in the gdkg ontology nor among the "
        "external properties of the data conventions (misspelt?) (value \"示例机器人公司\"@zh)",
        "      → did you mean rdfs:label?")),
    Case("missing-labels.ttl", 1, (
        "{path}:11: ent:example-robotics (示例机器人)",
        "  [violation] rdfs:label: needs exactly one rdfs:label in Chinese (@zh) and one in "
        "English (@en)")),
    Case("untyped-subject.ttl", 1, (
        "{path}:11: ent:huwei",
        "  [violation] rdf:type: has no class (rdf:type) anywhere in the graph: a new entity needs "
        "one, and a statement about an existing entity may have a misspelt IRI")),
    Case("dangling-reference.ttl", 1, (
        "{path}:11: ent:example-robotics (Example Robotics)",
        "  [violation] gd:belongsToCluster: gd:belongsToCluster (belongs to cluster) must point at "
        "a strategic industry cluster (gd:IndustryCluster) defined in the graph; this value is "
        "undefined or of another class (misspelt IRI?) (value cluster:intelligent-robot)",
        "      → did you mean Intelligent Robots (cluster:intelligent-robots)?",
        "  [violation] gd:locatedIn: gd:locatedIn (located in) must point at a place (gd:Place) "
        "defined in the graph; this value is undefined or of another class (misspelt IRI?) "
        "(value city:guangzhou-city)",
        "      → did you mean Guangzhou (city:guangzhou)?")),
    Case("text-for-iri.ttl", 1, (
        "{path}:11: ent:example-robotics (Example Robotics)",
        "  [violation] gd:locatedIn: gd:locatedIn (located in) must point at a place (gd:Place) "
        "defined in the graph; this value is undefined or of another class (misspelt IRI?) "
        "(value \"广州市\")",
        "      → did you mean 广州 (city:guangzhou)?")),
    Case("wrong-datatype.ttl", 1, (
        "{path}:14: fig:fyp-automobiles-operating-revenue-2030 (Automotive operating revenue "
        "target 2030)",
        "  [violation] gd:value: gd:value (value) must be an xsd:decimal (e.g. 2.5 or "
        "\"2\"^^xsd:decimal; a bare 2 is an xsd:integer) (value \"1.5万亿\")",
        "  [violation] gd:year: gd:year (year) must be an xsd:gYear (e.g. \"2025\"^^xsd:gYear) "
        "(value \"2030\"^^xsd:integer)")),
    Case("ill-typed-literal.ttl", 1, (
        "{path}:14: fig:fyp-automobiles-operating-revenue-2030 (Automotive operating revenue "
        "target 2030)",
        "  [violation] gd:value: gd:value (value) must be an xsd:decimal (e.g. 2.5 or "
        "\"2\"^^xsd:decimal; a bare 2 is an xsd:integer) (value \"1,5\"^^xsd:decimal)")),
    Case("figure-without-unit-or-source.ttl", 1, (
        "{path}:14: fig:fyp-automobiles-operating-revenue-2030 (Automotive operating revenue "
        "target 2030)",
        "  [violation] prov:wasDerivedFrom: has no source: add prov:wasDerivedFrom pointing at the "
        "document section (core/documents.ttl) it comes from")),
    Case("city-outside-guangdong.ttl", 1, (
        "{path}:11: city:changsha (Changsha)",
        "  [violation] gd:adminCode: a city needs one 6-digit prefecture-level Guangdong code "
        "(44xx00) (value \"430100\")")),
    Case("level-outside.ttl", 1, (
        "{path}:12: desig:automobiles--shantou (Automobiles × Shantou (★★★★))",
        "  [violation] gd:designationLevel: a designation has exactly one level: gd:CoreLevel "
        "(★★★, printed ★★★★ in table 2), gd:KeyLevel (★★) or gd:GeneralLevel (★) (value "
        "\"★★★★\")",
        "      → allowed values: gd:CoreLevel (core city, ★★★), gd:KeyLevel (key city, ★★), "
        "gd:GeneralLevel (general city, ★)",
        "{path}:19: desig:automobiles--jieyang (Automobiles × Jieyang)",
        "      → did you mean core city (gd:CoreLevel)?",
        # the new designations also break 附件 1's declared totals, defined in data/ttl
        "data/ttl/core/layout.ttl: total:automobiles (number of cities laying out Automobiles)",
        "  [violation] gd:declaredValue: declares 17 but the graph has 19 designations for it "
        "(value \"17\"^^xsd:integer)")),
    Case("chain-cycle.ttl", 1, (
        "{path}:16: sf:automobiles-2 (New energy vehicles)",
        "  [violation] is upstream of itself through a chain of supply links (next on the cycle: "
        "https://w3id.org/gdkg/id/subfield/automobiles-4) (value sf:automobiles-4)")),
    Case("duplicate-enterprise.ttl", 1, (
        "{path}:11: ent:huawei-technologies (Huawei Technologies)",
        "  [warning] another of the enterprises has the same label: probably one entity entered "
        "twice (keep one IRI; other names go in skos:altLabel)",
        "      → the other is 华为 (ent:huawei)"), ("--fail-on", "warning")),
    # Data files cannot change the ontology (issue 7 item 1): every schema triple is refused
    # at its line, whatever else the file says; the rest of the file is checked as usual.
    Case("schema-thing-subclass-of-city.ttl", 1, (
        "{path}:13: owl:Thing",
        "  [violation] rdfs:subClassOf: owl:Thing is a term of the owl: vocabulary, which the "
        "ontology reuses; a data file cannot describe it (value gd:City)",
        ONTOLOGY_ADVICE)),
    Case("schema-functional-property.ttl", 1, (
        "{path}:13: gd:partOf (part of)",
        "  [violation] rdf:type: gd:partOf is a term of the gdkg ontology (ontology/); a data file "
        "cannot add to its definition (value owl:FunctionalProperty)",
        ONTOLOGY_ADVICE)),
    Case("schema-subproperty-of-sameas.ttl", 1, (
        "{path}:13: ent:same-place",
        "  [violation] rdfs:subPropertyOf: rdfs:subPropertyOf states a schema axiom (about classes "
        "or properties) (value owl:sameAs)",
        "{path}:15: gd:locatedIn (located in)",
        "  [violation] rdfs:subPropertyOf: gd:locatedIn is a term of the gdkg ontology (ontology/); "
        "a data file cannot add to its definition (value ent:same-place)")),
    Case("schema-equivalent-classes.ttl", 1, (
        "{path}:13: gd:City (prefecture-level city)",
        "  [violation] owl:equivalentClass: gd:City is a term of the gdkg ontology (ontology/); a "
        "data file cannot add to its definition (value gd:District)")),
    Case("schema-equivalent-nothing.ttl", 1, (
        "{path}:13: gd:City (prefecture-level city)",
        "  [violation] owl:equivalentClass: gd:City is a term of the gdkg ontology (ontology/); a "
        "data file cannot add to its definition (value owl:Nothing)")),
    Case("schema-sameas-cities.ttl", 1, (
        "{path}:13: city:guangzhou (Guangzhou)",
        "  [violation] owl:sameAs: owl:sameAs is an identity axiom: the reasoner merges "
        "city:guangzhou and city:shenzhen, copying every fact of one to the other, so the graph's "
        "counts change (value city:shenzhen)",
        "      → to say an entity is an outside resource use skos:exactMatch; two entities of the "
        "graph that are one should become one IRI")),
    Case("schema-different-from-self.ttl", 1, (
        "{path}:13: ent:huawei (Huawei)",
        "  [violation] owl:differentFrom: owl:differentFrom is an identity axiom: with an "
        "owl:sameAs, a key or a functional property it makes the graph inconsistent (ent:huawei, "
        "ent:huawei)")),
    Case("schema-new-class.ttl", 1, (
        "{path}:13: ent:robot-maker (Robot maker)",
        "  [violation] rdf:type: typed owl:Class: this declares a class, property, property "
        "characteristic or axiom (value owl:Class)",
        "  [violation] rdfs:subClassOf: rdfs:subClassOf states a schema axiom (about classes or "
        "properties) (value gd:Enterprise)")),
    Case("schema-restriction.ttl", 1, (
        "{path}:13: gd:Enterprise (enterprise)",
        "  [violation] rdfs:subClassOf: gd:Enterprise is a term of the gdkg ontology (ontology/); "
        "a data file cannot add to its definition",
        "  [violation] rdf:type: typed owl:Restriction: this declares a class, property, property "
        "characteristic or axiom (value owl:Restriction)",
        "  [violation] owl:onProperty: owl:onProperty states a schema axiom (about classes or "
        "properties) (value gd:locatedIn)",
        "  [violation] owl:hasValue: owl:hasValue states a schema axiom (about classes or "
        "properties) (value city:guangzhou)")),
    Case("schema-inverse-of.ttl", 1, (
        "{path}:13: ent:hosts",
        "  [violation] owl:inverseOf: owl:inverseOf states a schema axiom (about classes or "
        "properties) (value gd:locatedIn)")),
    Case("schema-property-chain.ttl", 1, (
        "{path}:13: ent:chain-trick",
        "  [violation] owl:propertyChainAxiom: owl:propertyChainAxiom states a schema axiom (about "
        "classes or properties)",
        "  [violation] rdfs:subPropertyOf: rdfs:subPropertyOf states a schema axiom (about classes "
        "or properties) (value gd:belongsToCluster)")),
    Case("schema-vocabulary-domain.ttl", 1, (
        "{path}:13: skos:altLabel",
        "  [violation] rdfs:domain: skos:altLabel is a term of the skos: vocabulary, which the "
        "ontology reuses; a data file cannot describe it (value gd:City)")),
    Case("schema-label-on-class.ttl", 1, (
        "{path}:13: gd:City (prefecture-level city)",
        "  [violation] rdfs:label: gd:City is a term of the gdkg ontology (ontology/); a data file "
        "cannot add to its definition (value \"城市群\"@zh)")),
    Case("schema-imports.ttl", 1, (
        "{path}:13: ent:evil-import",
        "  [violation] owl:imports: owl:imports states a schema axiom (about classes or properties) "
        "(value <http://example.org/ontology.ttl>)")),
    Case("schema-symmetric-property.ttl", 1, (
        "{path}:13: gd:belongsToCluster (belongs to cluster)",
        "  [violation] rdf:type: gd:belongsToCluster is a term of the gdkg ontology (ontology/); a "
        "data file cannot add to its definition (value owl:SymmetricProperty)")),
    Case("schema-disjoint.ttl", 1, (
        "{path}:13: gd:City (prefecture-level city)",
        "  [violation] owl:disjointWith: gd:City is a term of the gdkg ontology (ontology/); a data "
        "file cannot add to its definition (value gd:Place)")),
    Case("schema-shape-in-data.ttl", 1, (
        "{path}:13: ent:city-shape",
        "  [violation] rdf:type: typed sh:NodeShape: this declares a class, property, property "
        "characteristic or axiom (value sh:NodeShape)")),
    Case("schema-hidden-axiom.ttl", 1, (
        "{path}:18: ent:example-drones (Example Drones)",
        "  [violation] owl:equivalentClass: owl:equivalentClass states a schema axiom (about "
        "classes or properties) (value gd:City)")),
    # Duplicates and identity (issue 7 item 3)
    Case("duplicate-altlabel.ttl", 1, (
        "{path}:10: ent:huawei-shenzhen (Huawei Shenzhen)",
        "  [warning] skos:altLabel: skos:altLabel \"华为\" is also a name of Huawei (ent:huawei), "
        "another enterprise: probably one entity entered twice (value \"华为\"@zh)",
        "      → keep one IRI (ent:huawei) and give it the other names as skos:altLabel; if they "
        "are two entities, give the new one a distinguishing label"), ("--fail-on", "warning")),
    Case("duplicate-label-width-and-spaces.ttl", 1, (
        "{path}:9: ent:huawei-again (ＨＵＡＷＥＩ)",
        "  [warning] rdfs:label: rdfs:label \" 华为\u3000\" is also a name of Huawei (ent:huawei), "
        "another enterprise: probably one entity entered twice (value \" 华为\u3000\"@zh)",
        "  [warning] rdfs:label: rdfs:label \"ＨＵＡＷＥＩ\" is also a name of Huawei (ent:huawei), "
        "another enterprise: probably one entity entered twice (value \"ＨＵＡＷＥＩ\"@en)"),
         ("--fail-on", "warning")),
    Case("duplicate-city-admin-code.ttl", 1, (
        "{path}:12: city:canton (Canton)",
        "  [violation] another place has the same administrative code (gd:adminCode): one place "
        "entered twice, or a wrong code",
        "      → the other is Guangzhou (city:guangzhou)",
        "data/ttl/core/places.ttl: city:guangzhou (Guangzhou)",
        "      → the other is Canton (city:canton)")),
    Case("duplicate-city-annex-position.ttl", 1, (
        "{path}:12: city:canton (Canton)",
        "  [violation] another city has the same column in 附件 1 (gd:annexOrder): one city entered "
        "twice, or a wrong position",
        "      → the other is Guangzhou (city:guangzhou)",
        "data/ttl/core/places.ttl: city:guangzhou (Guangzhou)")),
]


@pytest.mark.parametrize("case", DATA, ids=str)
def test_nonconforming_data_is_reported_at_its_line(case, built, capsys):
    path = str(BAD / case.file)
    code, out, err = gdkg(capsys, built.project.root, "validate", path, *case.args)
    assert code == case.exit, out
    lines = out.splitlines()
    for expected in case.lines:
        assert expected.replace("{path}", path) in lines
    assert "does NOT conform" in lines[-1]
    assert "Traceback" not in err


@pytest.mark.parametrize("case", DATA, ids=str)
def test_add_of_nonconforming_data_changes_nothing(case, scratch, capsys):
    path = str(BAD / case.file)
    before = tree(scratch.data_dir)
    code, out, err = gdkg(capsys, scratch.root, "add", path, *case.args)
    assert code == case.exit
    assert case.lines[0].replace("{path}", path) in out.splitlines()
    assert err == "nothing added: fix the problems above and run gdkg add again\n"
    assert tree(scratch.data_dir) == before


def test_a_duplicate_is_a_warning_by_default(project, capsys):
    code, out, err = gdkg(capsys, project.root, "validate", str(BAD / "duplicate-enterprise.ttl"))
    assert code == 0
    assert "conforms (0 violations, 2 warnings, 0 infos" in out.splitlines()[-1]


CSV_CASES = [
    Case("csv-wrong-header.csv", 2, (
        "gdkg: error: {path}:1: wrong header for --type enterprise: unknown column 'name_zh' (did "
        "you mean 'label_zh'?); unknown column 'cluster' (did you mean 'clusters'?); missing "
        "required column(s) label_zh",
        "  hint: expected columns: id,label_zh,label_en,alt_labels_zh,clusters,subfields,"
        "located_in,roles,source,comment_en,comment_zh (see: gdkg import template --type "
        "enterprise)"), ("--type", "enterprise")),
    Case("csv-gbk.csv", 2, (
        "gdkg: error: {path}:2: not UTF-8 (looks like GBK): byte 0xc0 cannot be decoded",
        "  hint: pass --encoding gbk or save the spreadsheet as 'CSV UTF-8'"),
        ("--type", "enterprise")),
    Case("csv-unresolvable.csv", 1, (
        "{path} row 3, column E (clusters): '智能机械人' matches no strategic industry cluster in "
        "the graph",
        "      → did you mean 智能机器人 (cluster:intelligent-robots)?",
        "{path} row 3, column G (located_in): '广州府' matches no place in the graph",
        "      → did you mean 广州 (city:guangzhou)?",
        "{path}: 2 errors; nothing written"), ("--type", "enterprise")),
    Case("csv-ambiguous.csv", 1, (
        "{path} row 2, column D (figure_of): '生物医用材料' is ambiguous: it names 生物医用材料 "
        "(dir:biomedicine-health--biomedical-materials), 生物医用材料 (sf:frontier-materials-5); "
        "write the prefixed name of the one you mean",
        "{path}: 1 error; nothing written"), ("--type", "figure")),
    Case("csv-bad-cells.csv", 1, (
        "{path} row 2, column F (value): '12%' is not a number (put units in the unit column)",
        "{path} row 2, column H (year): '二〇三〇' is not a year (four digits, e.g. 2025)",
        "{path}: 2 errors; nothing written"), ("--type", "figure")),
    Case("csv-sparql-name.csv", 1, (
        "{path} row 2, column E (clusters): '智能机器人\" } UNION { ?s ?p ?o } #' matches no "
        "strategic industry cluster in the graph",
        "{path}: 1 error; nothing written"), ("--type", "enterprise")),
]


@pytest.mark.parametrize("case", CSV_CASES, ids=str)
def test_bad_csv_is_reported_by_row_and_column_and_nothing_is_written(case, project, tmp_path,
                                                                      capsys):
    path = str(BAD / case.file)
    out_path = tmp_path / "out.ttl"
    code, out, err = gdkg(capsys, project.root, "import", "csv", *case.args, path,
                          "-o", str(out_path))
    assert code == case.exit
    assert err == "\n".join(case.lines).replace("{path}", path) + "\n"
    assert out == "" and not out_path.exists()


def test_sparql_looking_cells_are_only_text(project, capsys):
    """Cell text becomes a literal, never query or Turtle text: one enterprise, its label the
    cell verbatim, and nothing else (no ent:evil, no second statement)."""
    path = str(BAD / "csv-sparql-cell.csv")
    code, out, err = gdkg(capsys, project.root, "import", "csv", "--type", "enterprise", path)
    assert code == 0, err
    triples = set(parse_text(out, "out.ttl"))
    assert {s for s, _, _ in triples} == {URIRef(PREFIXES["ent"] + "example-robotics")}
    with (BAD / "csv-sparql-cell.csv").open(encoding="utf-8", newline="") as handle:
        row = list(csv.DictReader(handle))[0]
    assert (URIRef(PREFIXES["ent"] + "example-robotics"), RDFS.label,
            Literal(row["label_zh"], lang="zh")) in triples
    assert (URIRef(PREFIXES["ent"] + "example-robotics"), RDFS.comment,
            Literal(row["comment_en"], lang="en")) in triples
    assert len(triples) == 7


def test_a_value_not_of_its_datatype_is_one_problem_not_also_a_negative_amount(built, capsys, tmp_path):
    # SHACL fails sh:minInclusive 0 when "1,5"^^xsd:decimal cannot be compared; the report says
    # what is wrong (not a decimal) once, without the shape's "a negative amount" on top
    path = str(BAD / "ill-typed-literal.ttl")
    code, out, _ = gdkg(capsys, built.project.root, "validate", path)
    assert code == 1
    assert "negative amount" not in out
    assert "(1 violation, 0 warnings, 0 infos;" in out.splitlines()[-1]
    # a well-typed negative amount still gets the warning
    negative = tmp_path / "negative.ttl"
    negative.write_text((BAD / "ill-typed-literal.ttl").read_text(encoding="utf-8").replace(
        '"1,5"^^xsd:decimal', '"-1.5"^^xsd:decimal'), encoding="utf-8")
    code, out, _ = gdkg(capsys, built.project.root, "validate", str(negative), "--fail-on", "warning")
    assert code == 1
    assert "[warning] gd:value: a negative amount" in out
    assert "must be an xsd:decimal" not in out
