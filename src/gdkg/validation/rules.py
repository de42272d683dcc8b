"""The checks ``gdkg validate`` makes beside SHACL, and the suggestions for every result.

SHACL cannot say "this gd: term is not in the ontology", "this IRI is defined
nowhere", "text where an IRI belongs" or "wrong datatype for the property's range"
without restating the ontology; these checks read it. Where a shape reports the
same problem the shape's result is kept (see :func:`same_problem`). Suggestions
come from the graph's labels and IRIs (difflib) and from enumerated ranges.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.util import from_n3

from ..load import Triple, to_graph
from ..names import NameIndex
from ..namespaces import GD, ID, SH

#: Constraint components of the checks made here rather than by SHACL.
GDC = Namespace("https://w3id.org/gdkg/checks#")
_SHAPES = Namespace("https://w3id.org/gdkg/shapes#")
_PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
                   OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
                   OWL.InverseFunctionalProperty}
_LEXICAL = {
    XSD.decimal: re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD.integer: re.compile(r"^[+-]?\d+$"),
    XSD.gYear: re.compile(r"^-?\d{4,}(Z|[+-]\d\d:\d\d)?$"),
    XSD.date: re.compile(r"^-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?$"),
    XSD.boolean: re.compile(r"^(true|false|0|1)$"),
}


class Vocabulary:
    """What the ontology declares and what the graph already uses."""

    def __init__(self, base):
        """``base``: a :class:`gdkg.validation.check.Base` (ontology, triples and shapes)."""
        self.defined: set[URIRef] = set()
        self.classes: set[URIRef] = set()
        self.properties: set[URIRef] = set()
        self.object_properties: set[URIRef] = set()
        self.ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
        # (namespace attributes are slow to look up: once each, not once per triple)
        rdf_type, rdfs_range, object_property = RDF.type, RDFS.range, OWL.ObjectProperty
        class_types = (OWL.Class, RDFS.Class)
        for s, p, o in base.ontology:
            if not isinstance(s, URIRef):
                continue
            self.defined.add(s)
            if p == rdf_type and o in class_types:
                self.classes.add(s)
            elif p == rdf_type and o in _PROPERTY_TYPES:
                self.properties.add(s)
                if o == object_property:
                    self.object_properties.add(s)
            elif p == rdfs_range and isinstance(o, URIRef):
                self.ranges[s].add(o)
        if hasattr(base, "triple_index"):  # the base's index has them at hand
            by_predicate = base.triple_index().by_predicate
            self.used_predicates = {p for p, pairs in by_predicate.items() if pairs}
            self.used_classes = {o for _, o in by_predicate.get(rdf_type, ())}
        else:
            self.used_predicates = {p for _, p, _ in base.triples}
            self.used_classes = {o for _, p, o in base.triples if p == rdf_type}
        shapes = base.shapes_graph() if hasattr(base, "shapes_graph") else to_graph(base.shapes)
        self.shape_classes: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.shape_in: dict[URIRef, list] = defaultdict(list)
        #: classes whose members must not share a name (the duplicate label shapes' targets)
        self.name_families: set[URIRef] = set()
        for shape in shapes.subjects(RDFS.isDefinedBy, _SHAPES.DuplicateLabelShape):
            self.name_families.update(c for c in shapes.objects(shape, SH.targetClass)
                                      if isinstance(c, URIRef))
        for shape, path in shapes.subject_objects(SH.path):
            if not isinstance(path, URIRef):
                continue
            for cls in shapes.objects(shape, SH["class"]):
                if isinstance(cls, URIRef):
                    self.shape_classes[path].add(cls)
            for members in shapes.objects(shape, SH["in"]):
                with contextlib.suppress(Exception):
                    self.shape_in[path].extend(shapes.items(members))

    def gd_properties(self) -> set[URIRef]:
        return {p for p in self.properties if str(p).startswith(str(GD))}

    def gd_classes(self) -> set[URIRef]:
        return {c for c in self.classes if str(c).startswith(str(GD))}

    def range_classes(self, path: URIRef | None) -> set[URIRef]:
        if path is None:
            return set()
        return {c for c in self.ranges.get(path, set()) | self.shape_classes.get(path, set())
                if c != RDFS.Literal and not str(c).startswith(str(XSD))}



@dataclass
class Issue:
    """One problem with the new data: a SHACL result or one of the checks made here."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    origin: str  # "shacl" or "gdkg"
    constraint: str | None = None
    shape: str | None = None
    suggestion: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
    unit: str = "line"

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or self.messages.get("") or next(
            iter(self.messages.values()), self.constraint or "constraint not met")

    def key(self) -> tuple:
        return (self.focus, self.path, self.value)



def two(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def same_problem(mine: Issue, theirs: Issue) -> bool:
    """True when a SHACL result reports what one of the checks here found."""
    if mine.path == str(RDF.type) and mine.value is not None and theirs.focus == mine.value:
        return True  # a shape about the unknown class itself
    if mine.focus != theirs.focus or mine.path != theirs.path:
        return False
    if mine.value is None:  # a problem with the property itself (unknown, no class …)
        return True
    return theirs.value == mine.value


def _value(term) -> str | None:
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, URIRef):
        return str(term)
    return None


def extra_checks(new: set[Triple], defined: set, vocab: Vocabulary, index: NameIndex) -> list[Issue]:
    """The checks SHACL cannot make without the ontology: vocabulary, references, datatypes."""
    issues: list[Issue] = []
    short = index.short

    def add(severity, s, p, o, constraint, en, zh):
        issues.append(Issue(severity, str(s), str(p) if p is not None else None, _value(o),
                            two(en, zh), "gdkg", str(constraint)))

    gd_ns, id_ns = str(GD), ID
    for s, p, o in sorted(new):
        if str(p).startswith(gd_ns) and p not in vocab.properties:
            add("violation", s, p, None, GDC.UnknownProperty,
                f"{short(p)} is not a property declared in the ontology",
                f"{short(p)} 不是本体中声明的属性")
            continue
        if p not in vocab.properties and p not in vocab.used_predicates:
            add("warning", s, p, None, GDC.UnusedProperty,
                f"{short(p)} is neither declared in the ontology nor used anywhere in the graph",
                f"{short(p)} 既未在本体中声明，也未在图谱中使用")
        if p == RDF.type:
            if isinstance(o, URIRef) and str(o).startswith(gd_ns) and o not in vocab.classes:
                add("violation", s, p, o, GDC.UnknownClass,
                    f"{short(o)} is not a class declared in the ontology",
                    f"{short(o)} 不是本体中声明的类")
            elif isinstance(o, URIRef) and o not in vocab.classes and o not in vocab.used_classes:
                add("warning", s, p, o, GDC.UnusedClass,
                    f"{short(o)} is neither declared in the ontology nor used as a class in the graph",
                    f"{short(o)} 既未在本体中声明，也未在图谱中用作类")
            continue
        if isinstance(o, URIRef):
            if str(o).startswith(gd_ns) and o not in vocab.defined:
                add("violation", s, p, o, GDC.UnknownTerm,
                    f"{short(o)} is not defined in the ontology", f"{short(o)} 未在本体中定义")
            elif str(o).startswith(id_ns) and o not in defined:
                add("violation", s, p, o, GDC.DanglingReference,
                    f"refers to {short(o)}, which is defined nowhere (neither in the graph nor in "
                    "the new files)",
                    f"引用的 {short(o)} 在图谱和新文件中都没有定义")
        elif isinstance(o, Literal):
            if p in vocab.object_properties:
                example = _example(p, vocab, index)
                add("violation", s, p, o, GDC.TextForResource,
                    f"{short(p)} takes an IRI (e.g. {example}), not the text {o.n3()}",
                    f"{short(p)} 的取值应为 IRI（如 {example}），而不是文本 {o.n3()}")
                continue
            problem = _datatype_problem(o, vocab.ranges.get(p, set()))
            if problem:
                add("violation", s, p, o, GDC.WrongDatatype,
                    f"{short(p)} takes {problem[0]}, not {_show_literal(o, index)}",
                    f"{short(p)} 的取值应为{problem[1]}，而不是 {_show_literal(o, index)}")
            elif _ill_typed(o):
                add("violation", s, p, o, GDC.IllTypedLiteral,
                    f"{_show_literal(o, index)} is not a valid {short(o.datatype)}",
                    f"{_show_literal(o, index)} 不是合法的 {short(o.datatype)}")
    for s in sorted({s for s, _, _ in new if isinstance(s, URIRef) and str(s).startswith(id_ns)}):
        if not index.types(s):
            add("violation", s, RDF.type, None, GDC.Untyped,
                "has no class (rdf:type), so no shape checks it; add one, e.g. 'a gd:Enterprise'",
                "没有类（rdf:type），任何形状都不会检查它；请加上，如 'a gd:Enterprise'")
    return issues


def _example(path: URIRef, vocab: Vocabulary, index: NameIndex) -> str:
    """A prefixed name of something ``path`` may point at, for messages."""
    found = sorted(index.instances(vocab.range_classes(path))) if vocab.range_classes(path) else []
    preferred = [n for n in found if str(n).startswith(ID)] or found
    return index.short(preferred[0]) if preferred else "city:guangzhou"


def _datatype_problem(literal: Literal, ranges: set[URIRef]) -> tuple[str, str] | None:
    """(en, zh) description of what the property takes, if ``literal`` does not fit its range."""
    if not ranges:
        return None
    if RDF.langString in ranges:
        if literal.language:
            return None
        return "text with a language tag (\"…\"@zh or \"…\"@en)", "带语言标记的文本（\"…\"@zh 或 \"…\"@en）"
    xsd_ranges = {r for r in ranges if str(r).startswith(str(XSD))}
    if not xsd_ranges:
        return None
    datatype = literal.datatype or (None if literal.language else XSD.string)
    if datatype in xsd_ranges:
        return None
    wanted = " or ".join(f"an xsd:{str(r)[len(str(XSD)):]}" for r in sorted(xsd_ranges))
    wanted_zh = " " + " 或 ".join(f"xsd:{str(r)[len(str(XSD)):]}" for r in sorted(xsd_ranges))
    return wanted, wanted_zh


def ill_typed(term) -> bool:
    """True for a literal whose text is not a value of its datatype (e.g. "1,5"^^xsd:decimal)."""
    return isinstance(term, Literal) and term.datatype is not None and _ill_typed(term)


def _ill_typed(literal: Literal) -> bool:
    pattern = _LEXICAL.get(literal.datatype)
    if pattern is not None:
        return not pattern.match(str(literal))
    return bool(getattr(literal, "ill_typed", False))


def _show_literal(literal: Literal, index: NameIndex) -> str:
    if literal.datatype is not None:
        return f"{Literal(str(literal)).n3()}^^{index.short(literal.datatype)}"
    return literal.n3()


def term_of(value: str | None):
    if value is None:
        return None
    if value.startswith('"'):
        with contextlib.suppress(Exception):
            return from_n3(value)
        return Literal(value)
    return URIRef(value)


# ---------------------------------------------------------------- suggestions


def _did_you_mean(names: list[str]) -> dict[str, str]:
    en = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    zh = names[0] if len(names) == 1 else f"{'、'.join(names[:-1])} 或 {names[-1]}"
    return two(f"did you mean {en}?", f"是否应为 {zh}？")


def _allowed(names: list[str]) -> dict[str, str]:
    return two(f"allowed values: {', '.join(names)}", f"允许的取值：{'、'.join(names)}")


def suggest(issue: Issue, vocab: Vocabulary, index: NameIndex) -> dict[str, str]:
    """A suggestion in both languages where an obvious one exists, else {}."""
    constraint = issue.constraint or ""
    path = URIRef(issue.path) if issue.path else None
    if constraint == str(GDC.UnknownProperty) and path is not None:
        near = index.close_iris(str(path), vocab.gd_properties())
        return _did_you_mean([index.short(n) for n in near]) if near else {}
    if constraint == str(GDC.UnusedProperty) and path is not None:
        namespace = re.split(r"(?<=[/#])(?=[^/#]*$)", str(path))[0]
        pool = {p for p in vocab.used_predicates | vocab.properties if str(p).startswith(namespace)}
        near = index.close_iris(str(path), pool)
        return _did_you_mean([index.short(n) for n in near]) if near else {}
    value = term_of(issue.value) if issue.value != issue.focus else None
    duplicate_checks = (SH.SPARQLConstraintComponent, SH.QualifiedMaxCountConstraintComponent,
                        SH.MaxCountConstraintComponent)
    if constraint in map(str, duplicate_checks) and path in (None, RDFS.label) and (
            value is None or isinstance(value, URIRef)):
        twins = _same_name(URIRef(issue.focus), index)
        if twins:  # a likely duplicate: name the other entity
            return _per_lang(lambda lang: two(
                f"the other is {', '.join(index.show(n, 'zh') for n in twins)}",
                f"另一个是 {'、'.join(index.show(n, 'zh') for n in twins)}"))
    if constraint == str(SH.QualifiedMaxCountConstraintComponent) and (issue.shape or "").startswith(
            str(_SHAPES.Unique)):  # a shared code or table position: name the other entity
        twins = _same_value(URIRef(issue.focus), GD[issue.shape.rsplit("-", 1)[1]], index)
        if twins:
            return _per_lang(lambda lang: two(
                f"the other is {', '.join(index.show(n, 'en') for n in twins)}",
                f"另一个是 {'、'.join(index.show(n, 'zh') for n in twins)}"))
    if path == RDF.type and isinstance(value, URIRef) and value not in vocab.classes:
        near = index.close_iris(str(value), vocab.gd_classes() | vocab.used_classes)
        return _did_you_mean([index.short(n) for n in near]) if near else {}
    if value is None or path is None:
        return {}
    classes = vocab.range_classes(path)
    allowed = _enumeration(classes, vocab, index, path)
    if isinstance(value, Literal):
        text = str(value)
        if allowed and all(ch in "★☆*" for ch in text.strip()) and text.strip():
            stars = [n for n in allowed if index.graph.value(n, GD.stars) is not None
                     and int(index.graph.value(n, GD.stars)) == len(text.strip())]
            if stars:
                return _per_lang(lambda lang: _did_you_mean([_show_allowed(n, index, lang)
                                                             for n in stars]))
        if classes or path in vocab.object_properties:
            found = index.lookup(text, classes or None)
            if not found:
                found = [iri for _, iri in index.close_names(text, classes or None)]
            if found:
                return _per_lang(lambda lang: _did_you_mean(
                    [index.show_for(n, text, lang) for n in found[:3]]))
    elif isinstance(value, URIRef) and value in allowed:
        return {}
    elif isinstance(value, URIRef) and not index.types(value):
        pool = index.instances(classes) if classes else index.subjects_like(str(value))
        near = index.close_iris(str(value), pool)
        if near:
            return _per_lang(lambda lang: _did_you_mean([index.show(n, lang) for n in near]))
    if allowed:
        return _per_lang(lambda lang: _allowed([_show_allowed(n, index, lang) for n in allowed]))
    return {}


def _same_name(node: URIRef, index: NameIndex) -> list[URIRef]:
    """Other entities of one of ``node``'s classes with the same zh label."""
    label = index.labels(node).get("zh")
    if not label:
        return []
    return [n for n in index.lookup(label, index.types(node)) if n != node
            and index.labels(n).get("zh") == label]


def _same_value(node: URIRef, predicate: URIRef, index: NameIndex) -> list[URIRef]:
    """Other entities sharing one of ``node``'s classes and a value of ``predicate``."""
    types = index.types(node)
    found = set()
    for value in index.graph.objects(node, predicate):
        for other in index.graph.subjects(predicate, value):
            if other != node and isinstance(other, URIRef) and index.types(other) & types:
                found.add(other)
    return sorted(found)


def _per_lang(make) -> dict[str, str]:
    """Build a suggestion whose names depend on the language: {lang: make(lang)[lang]}."""
    return {lang: make(lang)[lang] for lang in ("en", "zh")}


def _enumeration(classes: set[URIRef], vocab: Vocabulary, index: NameIndex, path: URIRef,
                 limit: int = 8) -> list[URIRef]:
    """The allowed values when the property takes one of a few ontology-defined individuals."""
    members = [m for m in vocab.shape_in.get(path, []) if isinstance(m, URIRef)]
    if members:
        return members
    if not classes:
        return []
    pool = index.instances(classes)
    if not 0 < len(pool) <= limit:
        return []
    found = sorted(pool)
    if all(n in vocab.defined for n in found):
        stars = {n: index.graph.value(n, GD.stars) for n in found}
        return sorted(found, key=lambda n: (-int(stars[n] or 0), str(n)))
    return []


def _show_allowed(node: URIRef, index: NameIndex, lang: str) -> str:
    label = index.label(node, lang)
    stars = index.graph.value(node, GD.stars)
    extra = ", ".join(x for x in (label, "★" * int(stars) if stars is not None else "") if x)
    return f"{index.short(node)} ({extra})" if extra else index.short(node)


