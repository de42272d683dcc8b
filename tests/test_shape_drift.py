"""The shapes keep up with the ontology.

Every ontology class has a shape; every sh:path is a declared property (of the ontology
or of the short list of external properties the data conventions use); every sh:class,
sh:datatype and sh:in agrees with the property's rdfs:range (subclasses allowed); every
rdfs:domain and rdfs:range is checked wherever the property is used; the class and
property lists written out in shapes/core.ttl match the ontology; and every shape says
what it checks, in English and Chinese.
"""

from __future__ import annotations

import re

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, Namespace

from gdkg.load import load_triples, to_graph

_XSD = "http://www.w3.org/2001/XMLSchema#"
GD = Namespace("https://w3id.org/gdkg/ontology#")
GDS = Namespace("https://w3id.org/gdkg/shapes#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: External properties the data conventions use (data/README.md); nothing else may
#: appear in sh:path, and gds:VocabularyShape allows exactly these besides the ontology's.
EXTERNAL = {
    RDFS.label, RDFS.comment, RDFS.seeAlso, SKOS.altLabel, SKOS.notation, SKOS.definition, SKOS.inScheme,
    PROV.wasDerivedFrom, PROV.agent, PROV.hadRole, DCTERMS.title, DCTERMS.issued, DCTERMS.identifier,
    DCTERMS.publisher, DCTERMS.isPartOf, WGS.lat, WGS.long,
}

#: Ontology classes that need no shape of their own, with the reason. (None so far:
#: every class, abstract-looking ones included, has a shape with something to check.)
ABSTRACT: dict[URIRef, str] = {}

#: Classes whose instances need no source: the sources themselves and the code lists.
NOT_FACTS = {
    GD.DocumentSection: "a source itself", GD.PolicyDocument: "a source itself",
    GD.Unit: "code list", GD.Measure: "code list", GD.EnterpriseRole: "code list", GD.ScaleTier: "code list",
    GD.FigureKind: "closed list of the ontology", GD.QualityFlag: "closed list of the ontology",
    GD.DesignationLevel: "closed list of the ontology", GD.Role: "closed list of the ontology",
    GD.CityRole: "closed list of the ontology", GD.TitleStatus: "closed list of the ontology",
}

#: Constraint parameters: a shape with one of these checks something and needs sh:message.
CONSTRAINTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern, SH.languageIn, SH.uniqueLang,
    SH.equals, SH.disjoint, SH.lessThan, SH["not"], SH["and"], SH["or"], SH.xone, SH.node,
    SH.qualifiedValueShape, SH.closed, SH.hasValue, SH["in"],
}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}


@pytest.fixture(scope="module")
def ontology(project) -> Graph:
    return to_graph(load_triples(project.ontology_files()))


@pytest.fixture(scope="module")
def shapes(project) -> Graph:
    return to_graph(load_triples(project.shape_files()))


def classes(ontology: Graph) -> set[URIRef]:
    return {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(GD))}


def properties(ontology: Graph) -> set[URIRef]:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty)
    return {p for kind in kinds for p in ontology.subjects(RDF.type, kind)}


def superclasses(ontology: Graph, cls) -> set:
    return set(ontology.transitive_objects(cls, RDFS.subClassOf))


def named_shapes(shapes: Graph) -> set[URIRef]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    return {s for s in found if isinstance(s, URIRef)}


def path_iris(shapes: Graph, path) -> set[URIRef]:
    """The properties a SHACL path expression mentions."""
    if isinstance(path, URIRef):
        return {path}
    if shapes.value(path, RDF.first) is not None:
        return set().union(*(path_iris(shapes, item) for item in Collection(shapes, path)))
    found = set()
    for predicate, inner in shapes.predicate_objects(path):
        if predicate in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath,
                         SH.alternativePath):
            found |= path_iris(shapes, inner)
    return found


def members(shapes: Graph, shape, parameter) -> list:
    """Values of ``parameter`` on ``shape`` and on the members of its sh:or lists."""
    values = list(shapes.objects(shape, parameter))
    for alternatives in shapes.objects(shape, SH["or"]):
        for member in Collection(shapes, alternatives):
            values += list(shapes.objects(member, parameter))
    return values


def test_every_class_has_a_shape(ontology, shapes):
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = sorted(c for c in classes(ontology) - targeted if c not in ABSTRACT)
    assert not missing, f"ontology classes without a shape (sh:targetClass): {missing}"
    assert not set(ABSTRACT) - classes(ontology), "ABSTRACT lists classes the ontology no longer has"


def test_every_path_is_a_declared_property(ontology, shapes):
    known = properties(ontology) | EXTERNAL | {RDF.type}
    unknown = {}
    for shape, path in shapes.subject_objects(SH.path):
        for iri in path_iris(shapes, path) - known:
            unknown.setdefault(iri, []).append(str(shape))
    assert not unknown, f"sh:path properties neither in the ontology nor in EXTERNAL: {unknown}"


def test_class_datatype_and_values_agree_with_the_range(ontology, shapes):
    problems = []
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        range_ = ontology.value(path, RDFS.range)
        if range_ is None:
            continue
        for cls in members(shapes, shape, SH["class"]):
            if range_ not in superclasses(ontology, cls):
                problems.append(f"{shape}: sh:class {cls} is not {range_} or a subclass (range of {path})")
        for datatype in members(shapes, shape, SH.datatype):
            if datatype != range_:
                problems.append(f"{shape}: sh:datatype {datatype} but {path} has range {range_}")
        listed = [v for values in shapes.objects(shape, SH["in"]) for v in Collection(shapes, values)]
        listed += list(shapes.objects(shape, SH.hasValue))
        for value in listed:
            if isinstance(value, Literal):
                plain = (URIRef(_XSD + "string"), RDF.langString)
                ok = value.datatype == range_ or (value.datatype is None and range_ in plain)
            else:
                ok = any(range_ in superclasses(ontology, t) for t in ontology.objects(value, RDF.type))
            if not ok:
                problems.append(f"{shape}: value {value} is not in the range {range_} of {path}")
    assert not problems, "\n".join(problems)


def test_every_domain_and_range_is_checked_where_used(ontology, shapes):
    missing = []
    for prop in sorted(properties(ontology)):
        users = set(shapes.subjects(SH.targetSubjectsOf, prop))
        range_, domain = ontology.value(prop, RDFS.range), ontology.value(prop, RDFS.domain)
        if range_ is not None:
            checks = SH.datatype if (prop, RDF.type, OWL.DatatypeProperty) in ontology else SH["class"]
            if not any((s, SH.path, prop) in shapes and (s, checks, range_) in shapes for s in users):
                missing.append(f"range {range_} of {prop}")
        if domain is not None and not any((s, SH["class"], domain) in shapes
                                          and (s, SH.path, None) not in shapes for s in users):
            missing.append(f"domain {domain} of {prop}")
    assert not missing, "no shape (sh:targetSubjectsOf) checks: " + "; ".join(missing)


def test_vocabulary_lists_match_the_ontology(ontology, shapes):
    allowed = properties(ontology) | EXTERNAL
    ignored = set(Collection(shapes, shapes.value(GDS.VocabularyShape, SH.ignoredProperties)))
    assert ignored == allowed | {RDF.type}, (
        f"gds:VocabularyShape sh:ignoredProperties: missing {sorted(allowed | {RDF.type} - ignored)}, "
        f"extra {sorted(ignored - allowed - {RDF.type})}")
    typed = set(shapes.objects(GDS.TypedShape, SH.targetSubjectsOf))
    assert typed == allowed, (
        f"gds:TypedShape targets: missing {sorted(allowed - typed)}, extra {sorted(typed - allowed)}")


@pytest.mark.parametrize("shape", ["Entity-label", "VocabularyShape", "Sourced-source"])
def test_entity_targets_cover_every_class(ontology, shapes, shape):
    targets = set(shapes.objects(GDS[shape], SH.targetClass))
    exempt = NOT_FACTS if shape == "Sourced-source" else {}
    uncovered = sorted(c for c in classes(ontology) - set(exempt) if not superclasses(ontology, c) & targets)
    assert not uncovered, f"gds:{shape} reaches no instance of {uncovered}"
    if exempt:
        wrongly = sorted(c for c in exempt if superclasses(ontology, c) & targets)
        assert not wrongly, f"gds:{shape} targets classes that need no source: {wrongly}"


def test_prov_entity_means_a_source(ontology):
    """Shapes use sh:class prov:Entity for "a document or a section"."""
    subclasses = {c for c in ontology.subjects(RDFS.subClassOf, PROV.Entity)}
    assert subclasses == {GD.DocumentSection, GD.PolicyDocument}


def languages(graph: Graph, node, predicate) -> set[str]:
    return {o.language for o in graph.objects(node, predicate) if isinstance(o, Literal) and o.language}


def test_every_shape_says_what_it_checks_in_both_languages(shapes):
    problems = []
    both = {"en", "zh"}
    for shape in sorted(named_shapes(shapes)):
        predicates = set(shapes.predicates(shape))
        documented = shape if RDFS.comment in predicates else shapes.value(shape, RDFS.isDefinedBy)
        if documented is None or languages(shapes, documented, RDFS.comment) != both:
            problems.append(f"{shape}: no rdfs:comment in en and zh (itself or via rdfs:isDefinedBy)")
        if predicates & CONSTRAINTS and languages(shapes, shape, SH.message) != both:
            problems.append(f"{shape}: constraints without sh:message in en and zh")
        for sparql in shapes.objects(shape, SH.sparql):
            if languages(shapes, sparql, SH.message) != both:
                problems.append(f"{shape}: SPARQL constraint {sparql} without sh:message in en and zh")
        used = predicates & TARGETS or shapes.value(predicate=SH.node, object=shape)
        if not used and predicates & (CONSTRAINTS | {SH.sparql}):
            problems.append(f"{shape}: has constraints but no target (never checked)")
    assert not problems, "\n".join(problems)


def test_sparql_is_portable(shapes):
    """No VALUES, MINUS or SERVICE (forbidden in SHACL SPARQL, rejected by pySHACL), and
    every SPARQL constraint selects $this; the prefixes are declared."""
    problems = []
    for node, select in shapes.subject_objects(SH.select):
        text = re.sub(r'"[^"]*"', '""', str(select))
        if re.search(r"\b(VALUES|MINUS|SERVICE)\b", text, re.I):
            problems.append(f"{node}: VALUES/MINUS/SERVICE in {select}")
        if (node, RDF.type, SH.SPARQLConstraint) in shapes and "$this" not in text:
            problems.append(f"{node}: a SPARQL constraint must select $this")
        if shapes.value(node, SH.prefixes) is None:
            problems.append(f"{node}: no sh:prefixes")
    assert not problems, "\n".join(problems)


def test_severities_are_the_three_of_shacl(shapes):
    used = set(shapes.objects(None, SH.severity))
    assert used <= {SH.Violation, SH.Warning, SH.Info}
    assert {SH.Warning, SH.Info} <= used
    assert all(not isinstance(s, BNode) for s in shapes.subjects(SH.severity, None))
