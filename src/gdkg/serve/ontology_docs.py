"""The ontology reference: every class and property with zh/en labels, definitions,
domain and range, and the SHACL shapes that constrain it.

Generated from ontology/*.ttl and shapes/*.ttl (pyLODE does not show SHACL shapes
per term, and needs no server either way). Served at /ontology and written as
static files by ``gdkg docs -o DIR`` (:func:`write_docs`).
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..namespaces import GD, SH, SKOS
from ..project import Project
from .html import compact, page

_KINDS = [  # (rdf:type, section id, zh title, en title)
    (OWL.Class, "classes", "类", "Classes"),
    (OWL.ObjectProperty, "object-properties", "对象属性", "Object properties"),
    (OWL.DatatypeProperty, "datatype-properties", "数据属性", "Datatype properties"),
    (OWL.AnnotationProperty, "annotation-properties", "注释属性", "Annotation properties"),
]
_CHARACTERISTICS = [OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
                    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty]
#: shape predicates that are not constraints (targets, messages, documentation)
_NOT_CONSTRAINTS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.message,
                    SH.severity, SH.path, SH.name, SH.description, SH.property, SH.deactivated, RDF.type,
                    RDFS.comment, RDFS.label, RDFS.isDefinedBy}


@dataclass
class ShapeNote:
    """One shape as it bears on a term."""

    iri: str
    comment: dict[str, str]
    constraints: list[str]
    severity: str
    how: str  # "targets this class", "path", "wherever used" ...


@dataclass
class Term:
    iri: URIRef
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    facts: list[tuple[str, list[Node]]] = field(default_factory=list)  # ("domain", [..]) ...
    shapes: list[ShapeNote] = field(default_factory=list)
    members: list[URIRef] = field(default_factory=list)  # named individuals of a code-list class

    @property
    def anchor(self) -> str:
        return compact(str(self.iri)).replace(":", "-")


def _by_lang(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def _show(graph: Graph, node: Node) -> str:
    """A shape's value compactly: lists as ( … ), blank nodes as [ p o ; … ]."""
    if isinstance(node, BNode):
        if (node, RDF.first, None) in graph:
            return "( " + " ".join(_show(graph, item) for item in Collection(graph, node)) + " )"
        parts = [f"{compact(str(p))} {_show(graph, o)}" for p, o in sorted(graph.predicate_objects(node))]
        return "[ " + " ; ".join(parts) + " ]"
    if isinstance(node, Literal):
        return f'"{node}"@{node.language}' if node.language else str(node)
    return compact(str(node))


class OntologyReference:
    """Terms of ontology/ with the shapes of shapes/ that constrain each."""

    def __init__(self, project: Project):
        self.ontology = Graph()
        for path in project.ontology_files():
            self.ontology.parse(path, format="turtle")
        self.shapes = Graph()
        for path in project.shape_files():
            self.shapes.parse(path, format="turtle")
        self.title = _by_lang(self.ontology, URIRef(str(GD).rstrip("#")), URIRef("http://purl.org/dc/terms/title"))
        self.description = _by_lang(self.ontology, URIRef(str(GD).rstrip("#")),
                                    URIRef("http://purl.org/dc/terms/description"))
        self.terms = self._terms()

    def _terms(self) -> dict[str, list[Term]]:
        g = self.ontology
        sections: dict[str, list[Term]] = {}
        shape_index = self._shape_index()
        for rdf_type, section, _zh, _en in _KINDS:
            terms = []
            for iri in sorted({s for s in g.subjects(RDF.type, rdf_type)
                               if isinstance(s, URIRef) and str(s).startswith(str(GD))}, key=str):
                term = Term(iri, section, _by_lang(g, iri, RDFS.label), _by_lang(g, iri, SKOS.definition),
                            _by_lang(g, iri, RDFS.comment))
                self._add_facts(term)
                term.shapes = shape_index.get(iri, [])
                if rdf_type == OWL.Class:
                    term.members = sorted((m for m in g.subjects(RDF.type, iri) if isinstance(m, URIRef)),
                                          key=str)
                terms.append(term)
            sections[section] = terms
        return sections

    def _add_facts(self, term: Term) -> None:
        g, iri = self.ontology, term.iri
        rows = [
            ("subClassOf", RDFS.subClassOf), ("disjointWith", OWL.disjointWith),
            ("domain", RDFS.domain), ("range", RDFS.range), ("subPropertyOf", RDFS.subPropertyOf),
            ("inverseOf", OWL.inverseOf), ("equivalentClass", OWL.equivalentClass),
        ]
        for name, predicate in rows:
            values = sorted(g.objects(iri, predicate), key=str)
            if values:
                term.facts.append((name, values))
        subclasses = sorted(g.subjects(RDFS.subClassOf, iri), key=str)
        if subclasses:
            term.facts.append(("subclasses", subclasses))
        characteristics = [c for c in _CHARACTERISTICS if (iri, RDF.type, c) in g]
        if characteristics:
            term.facts.append(("characteristics", characteristics))
        for chain in g.objects(iri, OWL.propertyChainAxiom):
            term.facts.append(("propertyChainAxiom", list(Collection(g, chain))))

    def _shape_index(self) -> dict[URIRef, list[ShapeNote]]:
        """term IRI -> shapes that constrain it, each with how it reaches the term."""
        s = self.shapes
        index: dict[URIRef, list[ShapeNote]] = defaultdict(list)
        shapes = set(s.subjects(RDF.type, SH.NodeShape)) | set(s.subjects(RDF.type, SH.PropertyShape))
        for shape in sorted((x for x in shapes if isinstance(x, URIRef)), key=str):
            note = self._note(shape)
            paths = [p for p in s.objects(shape, SH.path) if isinstance(p, URIRef)]
            for cls in s.objects(shape, SH.targetClass):
                index[cls].append(_with_how(note, "targets instances of this class"))
            for prop in s.objects(shape, SH.targetSubjectsOf):
                index[prop].append(_with_how(note, "applies wherever this property is used (its subjects)"))
            for prop in s.objects(shape, SH.targetObjectsOf):
                index[prop].append(_with_how(note, "applies to the values of this property"))
            for prop in paths:
                if prop not in set(s.objects(shape, SH.targetSubjectsOf)):
                    index[prop].append(_with_how(note, "constrains the values of this property (sh:path)"))
            for nested in s.objects(shape, SH.property):  # property shapes inside a node shape
                for prop in s.objects(nested, SH.path):
                    if isinstance(prop, URIRef):
                        index[prop].append(_with_how(self._note(nested, shape), "sh:path in this shape"))
        return index

    def _note(self, shape: Node, owner: Node | None = None) -> ShapeNote:
        s = self.shapes
        constraints = [f"{compact(str(p))} {_show(s, o)}" for p, o in sorted(s.predicate_objects(shape))
                       if p not in _NOT_CONSTRAINTS and str(p).startswith(str(SH))]
        path = next(iter(s.objects(shape, SH.path)), None)
        if path is not None:
            constraints.insert(0, f"sh:path {_show(s, path)}")
        for target in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf):
            targets = sorted(compact(str(o)) for o in s.objects(shape, target))
            if 0 < len(targets) <= 6:
                constraints.append(f"{compact(str(target))} {', '.join(targets)}")
            elif targets:
                constraints.append(f"{compact(str(target))} … ({len(targets)} terms)")
        severity = next(iter(s.objects(shape, SH.severity)), SH.Violation)
        name = shape if isinstance(shape, URIRef) else (owner or shape)
        comment = _by_lang(s, shape, RDFS.comment) or _by_lang(s, shape, SH.message) \
            or (_by_lang(s, owner, RDFS.comment) if owner is not None else {})
        return ShapeNote(str(name), comment, constraints, compact(str(severity)), "")

    def label(self, iri: Node) -> dict[str, str]:
        return _by_lang(self.ontology, iri, RDFS.label)

    def count(self) -> int:
        return sum(len(terms) for terms in self.terms.values())


def _with_how(note: ShapeNote, how: str) -> ShapeNote:
    return ShapeNote(note.iri, note.comment, note.constraints, note.severity, how)


def _bilingual(values: dict[str, str], css: str = "") -> str:
    parts = [f'<span lang="{lang}">{escape(values[lang])}</span>' for lang in ("zh", "en") if lang in values]
    parts += [escape(v) for k, v in values.items() if k not in ("zh", "en")]
    return f'<span class="{css}">' + " · ".join(parts) + "</span>" if parts else ""


def _term_link(ref: OntologyReference, node: Node, anchors: set[str]) -> str:
    if not isinstance(node, URIRef):
        return escape(str(node))
    short = compact(str(node))
    anchor = short.replace(":", "-")
    label = ref.label(node)
    text = escape(short) + (f' <span class="muted">{escape(label.get("zh", ""))}</span>' if label else "")
    if anchor in anchors:
        return f'<a href="#{escape(anchor)}">{text}</a>'
    if str(node).startswith("https://w3id.org/gdkg/id/"):
        return f'<a href="/id/{escape(str(node)[len("https://w3id.org/gdkg/id/"):])}">{text}</a>'
    return f'<a class="external" href="{escape(str(node))}">{text}</a>'


def render_html(ref: OntologyReference, *, assets: str = "/static/", nav: bool = True) -> str:
    """The reference as one HTML page with a table of contents."""
    anchors = {t.anchor for terms in ref.terms.values() for t in terms}
    out = [f"<h1>{escape(ref.title.get('zh', 'gdkg'))}<br>"
           f"<small>{escape(ref.title.get('en', ''))}</small></h1>",
           f"<p>{_bilingual(ref.description)}</p>",
           '<p class="muted">Namespace <code>https://w3id.org/gdkg/ontology#</code> '
           f'(prefix <code>gd:</code>). {ref.count()} terms. '
           'Shapes: <code>https://w3id.org/gdkg/shapes#</code> (<code>gds:</code>).</p>',
           '<nav class="toc"><h2>目录 Contents</h2>']
    for _type, section, zh, en in _KINDS:
        terms = ref.terms[section]
        items = " ".join(f'<a href="#{escape(t.anchor)}">{escape(compact(str(t.iri)))}</a>' for t in terms)
        out.append(f'<p><a href="#{section}"><b>{zh} {en}</b></a> ({len(terms)}): {items}</p>')
    out.append("</nav>")
    for _type, section, zh, en in _KINDS:
        out.append(f'<section id="{section}"><h2>{zh} {en}</h2>')
        for term in ref.terms[section]:
            out.append(_term_html(ref, term, anchors))
        out.append("</section>")
    return page(f"{ref.title.get('en', 'gdkg ontology')}", "\n".join(out), assets=assets, nav=nav)


def _term_html(ref: OntologyReference, term: Term, anchors: set[str]) -> str:
    html = [f'<article class="term" id="{escape(term.anchor)}">',
            f'<h3>{escape(compact(str(term.iri)))} <small>{_bilingual(term.labels)}</small></h3>',
            f'<p class="iri"><code>{escape(str(term.iri))}</code></p>']
    if "en" in term.definitions or "zh" in term.definitions:
        html.append("<dl class='definition'>")
        for lang, name in (("zh", "定义"), ("en", "definition")):
            if lang in term.definitions:
                html.append(f'<dt>{name}</dt><dd lang="{lang}">{escape(term.definitions[lang])}</dd>')
        html.append("</dl>")
    if term.comments:
        html.append(f"<p class='comment'>{_bilingual(term.comments)}</p>")
    if term.facts:
        html.append("<table class='facts'>")
        for name, values in term.facts:
            links = ", ".join(_term_link(ref, v, anchors) for v in values)
            if name == "propertyChainAxiom":
                links = " ∘ ".join(_term_link(ref, v, anchors) for v in values)
            html.append(f"<tr><th>{escape(name)}</th><td>{links}</td></tr>")
        html.append("</table>")
    if term.members:
        links = ", ".join(_term_link(ref, m, anchors) for m in term.members)
        html.append(f"<p><b>成员 members</b>: {links}</p>")
    if term.shapes:
        html.append(f"<details open><summary>约束形状 SHACL shapes ({len(term.shapes)})</summary>"
                    "<ul class='shapes'>")
        for note in term.shapes:
            constraints = "<br>".join(f"<code>{escape(c)}</code>" for c in note.constraints)
            html.append(f"<li><b>{escape(compact(note.iri))}</b> "
                        f"<span class='severity'>{escape(note.severity)}</span> "
                        f"<span class='muted'>— {escape(note.how)}</span><br>{_bilingual(note.comment)}"
                        f"<div class='constraints'>{constraints}</div></li>")
        html.append("</ul></details>")
    else:
        html.append("<p class='muted'>No shape constrains this term directly.</p>")
    html.append("</article>")
    return "\n".join(html)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_docs(project: Project | None = None, out_dir: str | os.PathLike[str] = "docs") -> list[Path]:
    """Write the ontology reference as static files: index.html, style.css and the
    ontology and shapes as Turtle. Files are written atomically; returns their paths."""
    from .assets import asset_bytes

    project = project or Project.find()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ref = OntologyReference(project)
    files = {
        "index.html": render_html(ref, assets="", nav=False).encode("utf-8"),
        "style.css": asset_bytes("style.css"),
        "ontology.ttl": ref.ontology.serialize(format="turtle").encode("utf-8"),
        "shapes.ttl": ref.shapes.serialize(format="turtle").encode("utf-8"),
    }
    written = []
    for name, data in files.items():
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
