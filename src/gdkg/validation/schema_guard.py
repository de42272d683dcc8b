"""Data files cannot change the ontology.

A Turtle file in data/ttl/ states facts about entities. A triple that describes a
class or property (of the gdkg ontology or of a reused vocabulary), that uses a
schema predicate (rdfs:subClassOf, owl:equivalentClass, owl:inverseOf …), types
something as a class, property characteristic or restriction, or declares two
existing entities the same (owl:sameAs) changes what the reasoner infers for the
whole graph: one such line can make the 21 cities 25, 101 or 2,524, or blow the
OWL RL closure up tenfold. Ontology changes go through ontology/ (reviewed as
ontology); such triples in a data file are violations, located at file:line.

:func:`schema_issues` checks new triples (``gdkg validate``/``add``);
:func:`check_data_files` checks what ``gdkg build`` loads from data/ttl/.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..load import Triple, canonical_blank_nodes, parse_file
from ..namespaces import PREFIXES, SH
from .rules import GDC, Issue, two

#: Namespaces of the vocabularies the ontology reuses: their terms are defined there.
RESERVED_NAMESPACES = {name: PREFIXES[name] for name in (
    "rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms", "org", "qb", "wgs", "foaf", "sh", "gd")}
RESERVED_NAMESPACES.update({
    "dc": "http://purl.org/dc/elements/1.1/",
    "vann": "http://purl.org/vocab/vann/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
    "schema-http": "http://schema.org/",
})

#: Predicates that state schema (class/property axioms, restrictions, imports).
SCHEMA_PREDICATES = frozenset({
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom,
    OWL.disjointWith, OWL.propertyDisjointWith, OWL.disjointUnionOf, OWL.hasKey,
    OWL.onProperty, OWL.onProperties, OWL.onClass, OWL.onDataRange, OWL.someValuesFrom,
    OWL.allValuesFrom, OWL.hasValue, OWL.hasSelf, OWL.cardinality, OWL.minCardinality,
    OWL.maxCardinality, OWL.qualifiedCardinality, OWL.minQualifiedCardinality,
    OWL.maxQualifiedCardinality, OWL.unionOf, OWL.intersectionOf, OWL.complementOf, OWL.oneOf,
    OWL.members, OWL.distinctMembers, OWL.datatypeComplementOf, OWL.withRestrictions,
    OWL.imports, OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual,
    OWL.targetValue, OWL.topObjectProperty, OWL.bottomObjectProperty,
})

#: Identity predicates: allowed only between a new entity and an IRI outside the graph.
IDENTITY_PREDICATES = frozenset({OWL.sameAs, OWL.differentFrom})

#: Types that make a node a class, a property (with its characteristics) or an axiom.
SCHEMA_TYPES = frozenset({
    OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction, OWL.Ontology,
    RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.OntologyProperty, OWL.DeprecatedClass, OWL.DeprecatedProperty,
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty, OWL.AllDisjointClasses, OWL.AllDisjointProperties,
    OWL.AllDifferent, OWL.NegativePropertyAssertion, OWL.Axiom, RDFS.ContainerMembershipProperty,
    SH.NodeShape, SH.PropertyShape, SH.Shape, SH.SPARQLConstraint, SH.ConstraintComponent,
})
_TYPE_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(SH))
_HARMLESS_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual, RDF.Statement, RDF.List})

_WHERE_ONTOLOGY = ("ontology changes go in ontology/ (they change what the reasoner infers for the "
                   "whole graph); a data file states facts about entities only",
                   "本体的修改须在 ontology/ 中进行（它们会改变推理机对整个图谱的推断）；"
                   "数据文件只陈述关于实体的事实")
_EXACT_MATCH = ("to say an entity is an outside resource use skos:exactMatch; two entities of the graph "
                "that are one should become one IRI",
                "若要表示实体即某外部资源，请用 skos:exactMatch；"
                "图谱中实为同一事物的两个实体应合并为一个 IRI")


def _short(term) -> str:
    text = str(term)
    best = None
    for name, namespace in PREFIXES.items():
        if text.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (name, namespace)
    return f"{best[0]}:{text[len(best[1]):]}" if best else f"<{text}>"


_RESERVED_STARTS = tuple(RESERVED_NAMESPACES.values())
# the terms _problem compares with, looked up once (it runs on every triple a build loads,
# and a namespace attribute is a slow lookup)
# (set membership hashes first: most predicates differ and never reach rdflib's Python __eq__)
_TYPE, _SAME_AS = frozenset({RDF.type}), frozenset({OWL.sameAs})
_OWL_FOR_DATA = frozenset({OWL.versionInfo, OWL.deprecated})
_OWL = RESERVED_NAMESPACES["owl"]


def _vocabulary_of(term) -> str | None:
    """The prefix of the reserved vocabulary ``term`` belongs to, if any."""
    # (str's own startswith: rdflib's override on terms is Python code, 4 µs a call)
    if not isinstance(term, URIRef) or not str.startswith(term, _RESERVED_STARTS):
        return None
    text = str(term)
    for name, namespace in RESERVED_NAMESPACES.items():
        if text.startswith(namespace):
            return name.replace("schema-http", "schema")
    return None


def schema_terms(ontology: Iterable[Triple]) -> set[URIRef]:
    """Every IRI the ontology files describe (classes, properties, code-list members)."""
    return {s for s, _, _ in ontology if isinstance(s, URIRef)}


def schema_issues(triples: Iterable[Triple], ontology_terms: set) -> list[Issue]:
    """One violation per triple of ``triples`` that would change the ontology.

    ``ontology_terms``: the IRIs described in ontology/ (see :func:`schema_terms`)."""
    issues: list[Issue] = []
    for s, p, o in sorted(triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        found = _problem(s, p, o, ontology_terms)
        if found is None:
            continue
        constraint, en, zh = found
        value = o.n3() if isinstance(o, Literal) else (str(o) if isinstance(o, URIRef) else None)
        advice = _EXACT_MATCH if p in IDENTITY_PREDICATES else _WHERE_ONTOLOGY
        issues.append(Issue("violation", str(s), str(p), value, two(en, zh), "gdkg", str(constraint),
                            suggestion=two(*advice)))
    return issues


def _problem(s, p, o, ontology_terms: set) -> tuple | None:
    if isinstance(s, URIRef) and s in ontology_terms:
        return (GDC.OntologyTermDescribed,
                f"{_short(s)} is a term of the gdkg ontology (ontology/); a data file cannot add to "
                "its definition",
                f"{_short(s)} 是 gdkg 本体（ontology/）的术语，数据文件不能补充其定义")
    vocabulary = _vocabulary_of(s)
    if vocabulary is not None:
        return (GDC.OntologyTermDescribed,
                f"{_short(s)} is a term of the {vocabulary}: vocabulary, which the ontology reuses; "
                "a data file cannot describe it",
                f"{_short(s)} 是本体所复用的 {vocabulary}: 词表的术语，数据文件不能描述它")
    if p in SCHEMA_PREDICATES:
        return (GDC.SchemaAxiom,
                f"{_short(p)} states a schema axiom (about classes or properties)",
                f"{_short(p)} 陈述的是模式公理（关于类或属性）")
    if p in _TYPE and isinstance(o, URIRef) and o not in _HARMLESS_TYPES and (
            o in SCHEMA_TYPES or str(o).startswith(_TYPE_NAMESPACES)):
        return (GDC.SchemaType,
                f"typed {_short(o)}: this declares a class, property, property characteristic or "
                "axiom",
                f"类型为 {_short(o)}：这是在声明类、属性、属性特征或公理")
    if p in _SAME_AS:
        return (GDC.IdentityAxiom,
                f"owl:sameAs is an identity axiom: the reasoner merges {_short(s)} and {_short(o)}, "
                "copying every fact of one to the other, so the graph's counts change",
                f"owl:sameAs 是同一性公理：推理机会合并 {_short(s)} 与 {_short(o)}，"
                "把一方的每条事实复制给另一方，图谱的计数随之改变")
    if p in IDENTITY_PREDICATES:
        return (GDC.IdentityAxiom,
                f"{_short(p)} is an identity axiom: with an owl:sameAs, a key or a functional "
                f"property it makes the graph inconsistent ({_short(s)}, {_short(o)})",
                f"{_short(p)} 是同一性公理：与 owl:sameAs、键或函数型属性一起会使图谱不一致"
                f"（{_short(s)}、{_short(o)}）")
    if str.startswith(p, _OWL) and p not in _OWL_FOR_DATA:
        return (GDC.SchemaAxiom, f"{_short(p)} is OWL vocabulary for ontologies, not for data",
                f"{_short(p)} 是用于本体的 OWL 词汇，不用于数据")
    return None


def is_schema_triple(triple: Triple, ontology_terms: set) -> bool:
    return _problem(*triple, ontology_terms) is not None


# ---------------------------------------------------------------- gdkg build


class DataChangesOntology(Exception):
    """Files in data/ttl/ carry ontology axioms; ``gdkg build`` stops (exit 1)."""

    def __init__(self, located: list[tuple[str, int | None, Issue]]):
        self.located = located
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        lines = []
        for file, line, issue in self.located:
            where = f"{file}:{line}" if line else file
            name = _short(URIRef(issue.focus)) if issue.focus.startswith("http") else "[blank node]"
            lines.append(f"{where}: {name} {_short(URIRef(issue.path))}: {issue.message(lang)}")
        count = len(self.located)
        if lang == "zh":
            lines.append(f"data/ttl/ 中有 {count} 个三元组试图修改本体；构建已停止，未写入任何内容")
        else:
            lines.append(f"{count} triple{'' if count == 1 else 's'} in data/ttl/ would change the "
                         "ontology; the build stopped and wrote nothing")
        return "\n".join(lines)


def check_data_files(project, asserted: set[Triple] | None = None) -> None:
    """Raise :class:`DataChangesOntology` when a data file carries ontology axioms.

    ``asserted`` (what the build loaded) makes the common case cheap: only the
    ontology files are parsed again, and the data files only to locate a problem."""
    from .locate import subject_lines

    ontology_files = project.ontology_files()
    ontology: set[Triple] = set()
    for path in ontology_files:
        ontology.update(parse_file(path, project.relative(path)))
    # labelled as the build's load labels them (a blank node's label depends only on its own
    # file's triples), so that ``asserted - ontology`` is the data files' triples: with fresh
    # parser labels it held the ontology's blank-node axioms too, and every build took the
    # slow way below (25 s at a million triples)
    ontology = canonical_blank_nodes(ontology)
    terms = schema_terms(ontology)
    if asserted is not None and not any(is_schema_triple(t, terms) for t in asserted - ontology):
        return
    per_file = {path: parse_file(path, project.relative(path)) for path in project.data_files()}
    located = []
    for path, triples in per_file.items():
        issues = schema_issues(triples, terms)
        if not issues:
            continue
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        lines, _ = subject_lines(text)
        parents = {o: s for s, _, o in triples if isinstance(o, BNode)}
        for issue in issues:
            located.append((project.relative(path), _line(issue.focus, lines, parents), issue))
    if located:
        raise DataChangesOntology(located)


def _line(focus: str, lines: dict[str, int], parents: dict) -> int | None:
    node = BNode(focus) if not focus.startswith(("http://", "https://", "urn:")) else URIRef(focus)
    seen = set()
    while isinstance(node, BNode) and node in parents and node not in seen:
        seen.add(node)
        node = parents[node]
    return lines.get(str(node))


__all__ = ["DataChangesOntology", "check_data_files", "schema_issues", "schema_terms"]
