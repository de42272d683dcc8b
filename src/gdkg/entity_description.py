"""Everything the graph states about one entity: ``gdkg describe`` and ``gdkg.describe()``.

``describe(entity, *, project=None, kg=None, lang="zh") -> EntityDescription``
    ``entity`` is an IRI, a prefixed name or a zh/en/alternative label (an unknown or
    ambiguous name raises :class:`gdkg.label_search.NameNotFound` /
    :class:`~gdkg.label_search.AmbiguousName` with the close or the matching names).

An :class:`EntityDescription` holds the entity's labels and types, its statements
out (entity → value) and in (other → entity), each labelled and with the sources of
the statement's subject (``prov:wasDerivedFrom``), grouped by property;
``render(lang)`` gives the text of ``gdkg describe``, ``to_dict()`` JSON-ready data
and ``bounded_description()`` the triples of its concise bounded description (CBD:
every statement out, and the statements of the blank nodes reached from it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES

_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel",
           "http://www.w3.org/2004/02/skos/core#prefLabel"}

_OUT = "SELECT ?p ?o WHERE { ?s ?p ?o }"
_IN = "SELECT ?x ?p WHERE { ?x ?p ?s . FILTER(?p != prov:wasDerivedFrom) }"
_SOURCES = (  # one query per side: Oxigraph evaluates a UNION before the bound ?s joins it
    "SELECT ?x ?section WHERE { ?s ?p ?x . ?x prov:wasDerivedFrom ?section }",
    "SELECT ?x ?section WHERE { ?x ?p ?s . ?x prov:wasDerivedFrom ?section }",
    "SELECT (?s AS ?x) ?section WHERE { ?s prov:wasDerivedFrom ?section }",
)


@dataclass
class Statement:
    """One statement about the entity: ``predicate`` and the other end ``value``."""

    predicate: str
    value: Node
    direction: str  # "out": entity predicate value; "in": value predicate entity
    sources: list[str] = field(default_factory=list)


@dataclass
class EntityDescription:
    iri: str
    zh: str | None
    en: str | None
    types: list[str]
    sources: list[str]
    statements: list[Statement]
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _triples: list[tuple[Node, Node, Node]] = field(default_factory=list, repr=False)

    def label_of(self, iri: str, lang: str = "zh") -> str | None:
        labels = self._labels.get(iri, {})
        return labels.get(lang) or labels.get("en" if lang == "zh" else "zh")

    def short(self, iri: str) -> str:
        from .serialize import _Compactor

        return _Compactor(PREFIXES).iri(iri)

    def shown(self, term: Node, lang: str = "zh") -> str:
        if isinstance(term, URIRef):
            label = self.label_of(str(term), lang)
            return f"{label} ({self.short(str(term))})" if label else self.short(str(term))
        if isinstance(term, Literal):
            text = str(term)
            if term.language:
                return f"{text} @{term.language}"
            return text
        return f"_:{term}"

    def grouped(self) -> dict[tuple[str, str], list[Statement]]:
        groups: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        for statement in self.statements:
            groups[(statement.direction, statement.predicate)].append(statement)
        return dict(groups)

    def render(self, lang: str = "zh", limit: int | None = 12) -> str:
        other = "en" if lang == "zh" else "zh"
        first = self.zh if lang == "zh" else self.en
        second = self.en if lang == "zh" else self.zh
        lines = [f"{first or second or self.iri}" + (f" / {second}" if first and second else ""),
                 f"  {self.iri}  ({self.short(self.iri)})"]
        if self.types:
            lines.append("  type: " + ", ".join(self.shown(URIRef(t), lang) for t in self.types))
        if self.sources:
            lines.append("  sources: " + ", ".join(self.shown(URIRef(s), lang) for s in self.sources))
        for direction, title in (("out", "statements"), ("in", "referred to by")):
            groups = [(p, s) for (d, p), s in self.grouped().items() if d == direction]
            if not groups:
                continue
            lines += ["", f"{title} ({sum(len(s) for _, s in groups)}):"]
            for predicate, statements in sorted(groups, key=lambda g: self.short(g[0])):
                name = self.label_of(predicate, lang) or self.label_of(predicate, other)
                head = f"  {name} ({self.short(predicate)})" if name else f"  {self.short(predicate)}"
                arrow = "←" if direction == "in" else "→"
                lines.append(f"{head} {arrow} {len(statements)}")
                shown = statements if limit is None else statements[:limit]
                for statement in shown:
                    cited = f"  [{', '.join(self.short(s) for s in statement.sources[:3])}]" \
                        if statement.sources else ""
                    lines.append(f"      {self.shown(statement.value, lang)}{cited}")
                if len(shown) < len(statements):
                    lines.append(f"      … {len(statements) - len(shown)} more (--all shows every one)")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        def value(term: Node) -> dict:
            from .sparql_results import json_term

            item = json_term(term)
            if isinstance(term, URIRef):
                item["zh"], item["en"] = self.label_of(str(term), "zh"), self.label_of(str(term), "en")
            return item

        return {"iri": self.iri, "zh": self.zh, "en": self.en, "types": self.types, "sources": self.sources,
                "statements": [{"direction": s.direction, "predicate": s.predicate,
                                "predicateLabel": self.label_of(s.predicate, "en"),
                                "value": value(s.value), "sources": s.sources} for s in self.statements]}

    def bounded_description(self) -> list[tuple[Node, Node, Node]]:
        return list(self._triples)


def describe(entity: str, *, project=None, kg=None, lang: str = "zh") -> EntityDescription:
    """Everything the graph states about ``entity`` (see the module docstring)."""
    from .label_search import LabelIndex, resolve_entity

    if kg is None:
        from .project import Project
        from .store import KnowledgeGraph

        kg = KnowledgeGraph.open(project if project is not None else Project.find())
    iri = resolve_entity(kg, entity)
    index = LabelIndex.of(kg)
    bound = {"s": iri}
    sources: dict[str, set[str]] = defaultdict(set)
    for text in _SOURCES:
        for row in kg.query(text, bound).rows:
            sources[str(row["x"])].add(str(row["section"]))
    own_sources = sorted(sources.get(str(iri), ()))
    statements, types, triples = [], [], []
    for row in kg.query(_OUT, bound).rows:
        predicate, value = str(row["p"]), row["o"]
        triples.append((iri, row["p"], value))
        if predicate == _PROV_DERIVED:
            continue
        if predicate == _RDF_TYPE:
            types.append(str(value))
            continue
        statements.append(Statement(predicate, value, "out", _cited(own_sources, sources, value)))
    for row in kg.query(_IN, bound).rows:
        statements.append(Statement(str(row["p"]), row["x"], "in", _cited(own_sources, sources, row["x"])))
    triples += _blank_closure(kg, [t[2] for t in triples if isinstance(t[2], BNode)])
    statements.sort(key=lambda s: (s.direction, s.predicate, _sort_key(s.value, index)))
    from .label_search import _shown_types

    shown_types = [t for t in types if _is_shown_type(t, _shown_types(set(types)))]
    labels = {i: {"zh": index.zh.get(i), "en": index.en.get(i)} for i in _iris(statements, types, sources)}
    labels = {i: {k: v for k, v in d.items() if v} for i, d in labels.items()}
    return EntityDescription(str(iri), index.zh.get(str(iri)), index.en.get(str(iri)), sorted(shown_types),
                             own_sources, statements, labels, triples)


def _cited(own: list[str], sources: dict[str, set[str]], other: Node) -> list[str]:
    """The sections behind a statement between the entity and ``other``: those both ends
    derive from; else those of both (the graph keeps sources per entity, not per triple)."""
    theirs = sources.get(str(other), set()) if isinstance(other, URIRef) else set()
    if not theirs:
        return list(own)
    common = theirs & set(own)
    return sorted(common or (theirs | set(own)))


def _is_shown_type(iri: str, shown: list[str]) -> bool:
    from .serialize import _Compactor

    return _Compactor(PREFIXES).iri(iri) in shown


def _iris(statements, types, sources) -> set[str]:
    found = {s.predicate for s in statements} | set(types)
    found |= {str(s.value) for s in statements if isinstance(s.value, URIRef)}
    for values in sources.values():
        found |= values
    for statement in statements:
        found |= set(statement.sources)
    return found


def _sort_key(term: Node, index) -> tuple:
    if isinstance(term, URIRef):
        return (0, index.zh.get(str(term)) or index.en.get(str(term)) or str(term))
    if isinstance(term, Literal):
        return (1, term.language or "", str(term))
    return (2, str(term))


def _blank_closure(kg, nodes: list[BNode]) -> list[tuple[Node, Node, Node]]:
    """Statements of blank nodes reached from the entity (the rest of its CBD)."""
    triples, seen = [], set()
    while nodes:
        node = nodes.pop()
        if node in seen:
            continue
        seen.add(node)
        try:
            rows = kg.query("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": node}).rows
        except TypeError:  # a blank node cannot be bound from outside the store
            continue
        for row in rows:
            triples.append((node, row["p"], row["o"]))
            if isinstance(row["o"], BNode):
                nodes.append(row["o"])
    return triples
