"""The SHACL shapes, one constraint at a time, and the bundled data against all of them.

Each case is a small Turtle snippet that breaks one rule (or, for the controls, none).
All snippets are merged with the real ontology and the core data (data/ttl/core/, which
conforms on its own) and validated once; each case then checks the results on its own
subjects: every expected result is there with its severity, focus node, path, shape and
message (in English and Chinese), and no other violation is. The snippets use distinct
IRIs, so they do not disturb one another. tests/test_engine_crosscheck.py validates the
same merged graph with a second SHACL engine.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from rdflib import Graph, URIRef

from gdkg.load import load_triples, to_graph
from gdkg.namespaces import PREFIXES as KNOWN_PREFIXES
from gdkg.validation.shacl import ValidationReport, ValidationResult, validate

GDS = "https://w3id.org/gdkg/shapes#"
CJK = re.compile(r"[\u3400-\u9fff]")

PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in KNOWN_PREFIXES.items())

SRC = "prov:wasDerivedFrom fyp:box-2-item-1"


@dataclass(frozen=True)
class Expect:
    """One result a case must produce. ``path`` None: the result has no (simple) path."""

    severity: str
    focus: str
    path: str | None
    shape: str
    message: str


@dataclass(frozen=True)
class Case:
    name: str
    turtle: str
    expected: tuple[Expect, ...] = ()


def V(focus, path, shape, message):  # noqa: N802 - reads like a table
    return Expect("violation", focus, path, shape, message)


def W(focus, path, shape, message):  # noqa: N802
    return Expect("warning", focus, path, shape, message)


def I(focus, path, shape, message):  # noqa: N802, E743
    return Expect("info", focus, path, shape, message)


def entity(name: str, cls: str = "Enterprise", extra: str = "", source: str = SRC,
           labels: str | None = None) -> str:
    """An entity with one zh and one en label and a source, plus ``extra`` statements."""
    labels = labels or f'"测试实体 {name}"@zh , "test entity {name}"@en'
    cls = cls if ":" in cls else f"gd:{cls}"
    statements = " ; ".join(x for x in (f"a {cls}", f"rdfs:label {labels}", extra, source) if x)
    return f"{name if ':' in name else 'ent:' + name} {statements} .\n"


def figure(name: str, about: str = "cluster:automobiles", measure: str = "investment", unit: str = "yi-yuan",
           value: str = "5.0", year: str | None = "2030", kind: str = "Actual", extra: str = "",
           source: str | None = "fyp:ch3-cluster-4") -> str:
    """A complete figure, unless an argument breaks it (``source=None``: no source). The default
    source is the automobiles cluster's section of 001 ch.3, so the figure is not one printed
    under another cluster's heading (gds:OtherClusterSectionShape)."""
    parts = [f"gd:figureOf {about}", f"gd:measure measure:{measure}", f"gd:value {value}",
             f"gd:figureKind gd:{kind}", extra]
    if unit:
        parts.append(f"gd:unit unit:{unit}")
    if year:
        parts.append(year if year.startswith("gd:") else f'gd:year "{year}"^^xsd:gYear')
    if source:
        parts.append(f"prov:wasDerivedFrom {source}")
    body = " ; ".join(x for x in parts if x)
    labels = f'"测试数值 {name}"@zh , "test figure {name}"@en'
    return f"fig:{name} a gd:Figure ; rdfs:label {labels} ;\n    {body} .\n"


def subfield(name: str, item: int, cluster: str = "automobiles") -> str:
    return entity(f"sf:{name}", "SubField", f"gd:subFieldOf cluster:{cluster} ; gd:itemNumber {item} ; "
                                            "gd:reliesOnCity city:guangzhou")


def link(name: str, up: str, down: str) -> str:
    return entity(f"link:{name}", "SupplyLink", f"gd:upstream sf:{up} ; gd:downstream sf:{down}")


def money(name: str, value: str, year: str, extra: str = "", source: str = "fyp:ch3-cluster-20") -> str:
    """An operating-revenue target of the precision-instruments cluster."""
    return figure(name, "cluster:precision-instruments", "operating-revenue", value=value, year=year,
                  kind="Target", extra=extra, source=source)


NEWS = "news:cluster-precision-instruments"
CONFLICT = 'gd:flag gd:Conflicting ; rdfs:comment "001 and 003 differ."@en'

CASES: list[Case] = [
    # --- controls: complete, correct entities produce nothing
    Case("control-enterprise-project", entity(
        "t-ok", extra='skos:altLabel "测试"@zh ; gd:locatedIn city:guangzhou ; '
                      "gd:belongsToCluster cluster:automobiles ; gd:enterpriseRole role:anchor")
         + entity("proj:t-ok", "Project", 'gd:involvesEnterprise ent:t-ok ; gd:phase "二期"@zh')),
    Case("control-figure", money("t-ok", '"12.5"^^xsd:decimal', "2040",
                                 'gd:scope "规模以上"@zh , "above size"@en')),
    # --- labels
    Case("label-missing-en", entity("t-no-en", labels='"缺英文名企业"@zh'),
         (V("ent:t-no-en", "rdfs:label", "Entity-label", "exactly one rdfs:label"),)),
    Case("label-two-zh", entity("t-two-zh", labels='"甲企业"@zh , "乙企业"@zh , "Jia"@en'),
         (V("ent:t-two-zh", "rdfs:label", "Entity-label", "exactly one rdfs:label"),)),
    Case("label-untagged", entity("t-untagged", labels='"无标签企业"@zh , "Untagged Co"'),
         (V("ent:t-untagged", "rdfs:label", "Entity-label", "exactly one rdfs:label"),)),
    Case("altlabel-untagged", entity("t-alt", extra='skos:altLabel "plain alt"'),
         (W("ent:t-alt", "skos:altLabel", "Entity-altLabel", "tagged @zh or @en"),)),
    # --- sources, classes, vocabulary
    Case("source-missing", entity("t-no-source", source=""),
         (V("ent:t-no-source", "prov:wasDerivedFrom", "Sourced-source", "has no source"),)),
    Case("source-not-a-section", entity("t-bad-source", source="prov:wasDerivedFrom fyp:box-99"),
         (V("ent:t-bad-source", "prov:wasDerivedFrom", "Sourced-source-kind", "gd:DocumentSection"),)),
    Case("untyped-subject", f'ent:t-untyped rdfs:label "无类别"@zh , "Untyped"@en ; {SRC} .',
         (V("ent:t-untyped", "rdf:type", "TypedShape", "has no class"),)),
    Case("unknown-property", entity("t-typo-prop", extra="gd:locatedInn city:guangzhou"),
         (V("ent:t-typo-prop", "gd:locatedInn", "VocabularyShape", "not in the gdkg ontology"),)),
    Case("unknown-class", entity("t-typo-class", "Enterprize"),
         (V("gd:Enterprize", None, "DeclaredClassShape", "does not declare it"),)),
    Case("property-on-wrong-subject", entity("t-coded", extra='gd:adminCode "440100"'),
         (V("ent:t-coded", None, "adminCode-domain", "only for a place"),)),
    Case("dangling-references", entity(
        "spec:t-dangling", "CitySpecialisation", "gd:specialisationCity city:guangzou ; "
        'gd:specialisationSubField sf:t-nowhere ; gd:focus "测试"@zh , "test"@en'),
         (V("spec:t-dangling", "gd:specialisationCity", "specialisationCity-range", "must point at"),
          V("spec:t-dangling", "gd:specialisationSubField", "specialisationSubField-range",
            "must point at"))),
    # --- places and layout
    Case("city-outside-guangdong", entity(
        "city:t-beijing", "City", 'gd:adminCode "110100" ; gd:inZone place:prd-core ; gd:annexOrder 21 ; '
        "wgs:lat 39.9 ; wgs:long 116.4", "prov:wasDerivedFrom src:reference-admin-divisions",
        labels='"北京"@zh , "Beijing"@en'),
         (V("city:t-beijing", "gd:adminCode", "Place-adminCode", "outside Guangdong"),
          V("city:t-beijing", "gd:adminCode", "City-adminCode", "44xx00"),
          V("city:t-beijing", "wgs:lat", "Place-lat", "inside Guangdong"),
          # column 21 of 附件 1 is a bundled city's already (shapes/identity.ttl)
          V("city:t-beijing", None, "Unique-City-annexOrder", "same column in 附件 1"))),
    Case("co-operation-zone-one-city", entity("place:t-coop", "SpecialCooperationZone",
                                              "gd:cooperatingCity city:shenzhen"),
         (V("place:t-coop", "gd:cooperatingCity", "SpecialCooperationZone-cooperatingCity",
            "two or more cities"),)),
    Case("park-without-location", entity("plat:t-park", "IndustrialPark")
         + entity("plat:t-park-explained", "IndustrialPark", 'rdfs:comment "The source gives no city."@en'),
         (W("plat:t-park", None, "IndustrialParkShape", "does not say where it is"),)),
    Case("level-outside-list", entity(
        "desig:t-automobiles--shantou", "Designation", "gd:designatedCluster cluster:automobiles ; "
        "gd:designatedCity city:shantou ; gd:designationLevel gd:FiveStarLevel",
        "prov:wasDerivedFrom fyp:annex-1-table-1"),
         (V("desig:t-automobiles--shantou", "gd:designationLevel", "Designation-level", "gd:CoreLevel"),
          V("desig:t-automobiles--shantou", "gd:designationLevel", "designationLevel-range",
            "must point at"))),
    Case("designation-twice", entity(
        "desig:t-again", "Designation", "gd:designatedCluster cluster:electronic-information ; "
        "gd:designatedCity city:guangzhou ; gd:designationLevel gd:KeyLevel",
        "prov:wasDerivedFrom fyp:annex-1-table-1"),
         (V("desig:t-again", None, "DesignationUniqueShape", "same cluster and city"),
          V("desig:electronic-information--guangzhou", None, "DesignationUniqueShape",
            "same cluster and city"))),
    Case("declared-total-wrong", entity(
        "total:t-wrong", "DeclaredTotal", "gd:totalFor cluster:precision-instruments ; gd:declaredValue 99",
        "prov:wasDerivedFrom fyp:annex-1-table-2"),
         (V("total:t-wrong", "gd:declaredValue", "DeclaredTotalSumShape", "declares 99"),)),
    # --- clusters, sub-fields, chains
    Case("pillar-and-emerging", entity(
        "cluster:t-both", "gd:PillarIndustryCluster , gd:EmergingIndustryCluster",
        'skos:notation "T1" ; gd:annexOrder 5',
        # a section other clusters cite too: a section only this cluster cited would make the
        # other snippets' facts from it facts under its heading (gds:OtherClusterSectionShape)
        source="prov:wasDerivedFrom fyp:annex-1-table-1"),
         (V("cluster:t-both", None, "PillarIndustryClusterShape", "both pillar and emerging"),
          V("cluster:t-both", "gd:annexOrder", "EmergingIndustryCluster-annexOrder", "rows 11–20"),
          # row 5 of 附件 1 is a bundled cluster's already (shapes/identity.ttl)
          V("cluster:t-both", None, "Unique-IndustryCluster-annexOrder", "same row in 附件 1"))),
    Case("sub-field-number-twice", subfield("t-num-a", 95) + subfield("t-num-b", 95),
         (V("sf:t-num-a", "gd:itemNumber", "SubFieldNumberShape", "same item number"),
          V("sf:t-num-b", "gd:itemNumber", "SubFieldNumberShape", "same item number"))),
    Case("supply-chain-cycle", subfield("t-cycle-a", 91) + subfield("t-cycle-b", 92)
         + link("t-cycle-ab", "t-cycle-a", "t-cycle-b") + link("t-cycle-ba", "t-cycle-b", "t-cycle-a"),
         (V("sf:t-cycle-a", None, "SupplyCycleShape", "upstream of itself"),
          V("sf:t-cycle-b", None, "SupplyCycleShape", "upstream of itself"))),
    Case("supply-link-to-itself", subfield("t-self", 93) + link("t-self-link", "t-self", "t-self"),
         (V("link:t-self-link", "gd:upstream", "SupplyLink-upstream", "different from its gd:downstream"),
          V("sf:t-self", None, "SupplyCycleShape", "upstream of itself"))),
    Case("duplicate-enterprise", entity("t-dup-a", labels='"重复测试企业"@zh , "Duplicate Test Co A"@en')
         + entity("t-dup-b", labels='"重复测试企业"@zh , "Duplicate Test Co B"@en'),
         (W("ent:t-dup-a", None, "DuplicateLabel-Enterprise", "same label"),
          W("ent:t-dup-b", None, "DuplicateLabel-Enterprise", "same label"))),
    # --- tasks
    Case("lead-with-co-operating-role", entity(
        "task:t-task", "KeyTask", "gd:itemNumber 9 ; gd:leadResponsibility task:t-task-lead")
         + entity("task:t-task-lead", "prov:Association", "prov:agent dept:industry-it ; "
                  "prov:hadRole gd:CooperatingRole"),
         (V("task:t-task", None, "Task-leadRole", "gd:LeadRole"),)),
    # --- figures: parts
    Case("value-not-decimal", money("t-int", "2", "2041"),
         (V("fig:t-int", "gd:value", "value-range", "xsd:decimal"),)),
    Case("year-not-gyear", money("t-year", "2.0", 'gd:year "2042"'),
         (V("fig:t-year", "gd:year", "year-range", "xsd:gYear"),)),
    Case("kind-outside-list", figure("t-kind", kind="Forecast"),
         (V("fig:t-kind", "gd:figureKind", "Figure-figureKind", "gd:Target, gd:Actual or gd:Estimate"),
          V("fig:t-kind", "gd:figureKind", "figureKind-range", "must point at"))),
    Case("figure-without-unit-and-source", figure("t-bare", unit="", year="2031", source=None),
         (V("fig:t-bare", "gd:unit", "FigureUnitShape", "needs its gd:unit"),
          V("fig:t-bare", "prov:wasDerivedFrom", "Sourced-source", "has no source"))),
    Case("figure-about-nothing", figure("t-about", about="cluster:t-nowhere", year="2044"),
         (V("fig:t-about", None, "Figure-figureOf-defined", "points at nothing"),)),
    Case("figure-without-year", figure("t-no-year", value="1.0", year=None)
         + figure("t-no-year-explained", value="1.5", year=None, extra='rdfs:comment "No year printed."@en'),
         (V("fig:t-no-year", "gd:year", "FigureYearShape", "needs gd:year"),)),
    # --- figures: implausible values (warnings)
    Case("share-above-100", figure("t-share", measure="share", unit="percent", value="120.0", year="2023"),
         (W("fig:t-share", "gd:value", "ShareShape", "share above 100"),)),
    Case("share-above-100-flagged", figure("t-share-flagged", measure="share", unit="percent", value="130.0",
                                           year="2023", extra='gd:flag gd:Implausible ; '
                                                              'rdfs:comment "Misprint."@en')),
    Case("negative-amount", figure("t-negative", value="-5.0", year="2024"),
         (W("fig:t-negative", "gd:value", "AmountShape", "negative amount"),)),
    Case("target-before-its-document", figure("t-early", year="2019", kind="Target"),
         (W("fig:t-early", "gd:year", "TargetYearShape", "before its document"),)),
    # --- figures: flags and conflicts
    Case("flag-without-comment", figure("t-flag", value="7.0", year="2025", extra="gd:flag gd:Implausible"),
         (W("fig:t-flag", "rdfs:comment", "FlaggedFigureShape", "no rdfs:comment says why"),)),
    Case("conflicting-flag-without-partner", figure("t-lonely", value="8.0", year="2026", extra=CONFLICT),
         (W("fig:t-lonely", None, "ConflictingFlagShape", "names no figure"),)),
    Case("undocumented-conflict", money("t-conflict-a", "100.0", "2032")
         + money("t-conflict-b", "120.0", "2032", source=NEWS),
         (I("fig:t-conflict-a", None, "UndocumentedConflictShape", f"{NEWS[5:]} gives 120"),
          I("fig:t-conflict-b", None, "UndocumentedConflictShape", "14th-fyp/ch3-cluster-20 gives 100"))),
    Case("documented-conflict",
         money("t-doc-a", "200.0", "2033", f"gd:conflictsWith fig:t-doc-b ; {CONFLICT}")
         + money("t-doc-b", "250.0", "2033", CONFLICT, source=NEWS),
         (I("fig:t-doc-a", "gd:conflictsWith", "DocumentedConflictShape",
            "documented with gd:conflictsWith"),)),
    Case("conflict-not-flagged",
         money("t-unflagged-a", "300.0", "2034", "gd:conflictsWith fig:t-unflagged-b")
         + money("t-unflagged-b", "350.0", "2034", source=NEWS),
         (W("fig:t-unflagged-a", "gd:flag", "ConflictFlagShape", "not flagged gd:Conflicting"),
          I("fig:t-unflagged-a", "gd:conflictsWith", "DocumentedConflictShape",
            "documented with gd:conflictsWith"))),
]


def expand(term: str) -> str:
    prefix, _, local = term.partition(":")
    return KNOWN_PREFIXES[prefix] + local if prefix in KNOWN_PREFIXES else term


def case_graph(case: Case) -> Graph:
    return Graph().parse(data=PREFIXES + case.turtle, format="turtle")


def snippet_graph(project) -> Graph:
    """The ontology, the core data and every snippet, in one graph."""
    files = project.ontology_files() + sorted((project.data_dir / "core").glob("*.ttl"))
    graph = to_graph(load_triples(files))
    for case in CASES:
        graph += case_graph(case)
    return graph


@pytest.fixture(scope="session")
def shapes_graph(project) -> Graph:
    return to_graph(load_triples(project.shape_files()))


@pytest.fixture(scope="session")
def snippet_report(project, shapes_graph) -> ValidationReport:
    return validate(snippet_graph(project), shapes_graph)


def matches(result: ValidationResult, expect: Expect) -> bool:
    return (result.severity == expect.severity
            and result.focus == expand(expect.focus)
            and result.path == (expand(expect.path) if expect.path else None)
            and result.shape == GDS + expect.shape
            and expect.message in result.message("en"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_constraint(case: Case, snippet_report: ValidationReport):
    subjects = {str(s) for s in case_graph(case).subjects() if isinstance(s, URIRef)}
    focus = subjects | {expand(e.focus) for e in case.expected}
    results = [r for r in snippet_report.results if r.focus in focus]
    for expect in case.expected:
        found = [r for r in results if matches(r, expect)]
        assert found, f"{case.name}: expected {expect}\n got: " + "\n      ".join(map(str, results))
        for result in found:
            assert CJK.search(result.message("zh")), f"{case.name}: no Chinese message in {result}"
            assert result.message("en") != result.message("zh")
    unexpected = [r for r in results if not any(matches(r, e) for e in case.expected)]
    assert not unexpected, f"{case.name}: unexpected results:\n  " + "\n  ".join(map(str, unexpected))


def test_core_data_alone_conforms(project, shapes_graph):
    """The base the snippets are merged with has no result of its own."""
    files = project.ontology_files() + sorted((project.data_dir / "core").glob("*.ttl"))
    report = validate(to_graph(load_triples(files)), shapes_graph)
    assert report.results == []


def defined_in(project) -> dict[str, list[str]]:
    """For every subject of the data, the data files that state something about it."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in project.data_files():
        for subject in {s for s, _, _ in load_triples([path])}:
            where[str(subject)].append(project.relative(path))
    return where


def test_bundled_data_has_no_violations(project, asserted_graph, shapes_graph):
    """The whole bundled graph conforms. On failure the message lists every violating
    node with its file(s), path, value and message — the list for the data curators."""
    report = validate(asserted_graph, shapes_graph)
    violations = report.at_least("violation")
    if violations:
        where = defined_in(project)
        lines = [f"{len(violations)} violation(s) in the bundled data:"]
        for r in violations:
            files = ", ".join(where.get(r.focus, ["(ontology)"]))
            lines.append(f"  {r.focus}  [{files}]\n      {r.path or ''} {r.value or ''}: {r.message('en')}")
        pytest.fail("\n".join(lines), pytrace=False)
