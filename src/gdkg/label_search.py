"""Find entities by name: zh/en labels and alternative labels, ranked.

``search(text, type=None, *, limit=20, kg=None, project=None) -> list[Match]``
    exact matches first, then labels that contain the text (or that the text
    contains), then close spellings (difflib) — so "东翼" finds 沿海经济带东翼 and
    "新能原" finds 新能源. ``type`` restricts to instances of a class (IRI, prefixed
    name or the class's label, e.g. ``gd:City`` or 城市).

``resolve_entity(kg, text, cls=None) -> URIRef``
    one entity for a name a user typed, or :class:`NameNotFound` /
    :class:`AmbiguousName` with the close labels or the candidates.

The labels come from the graph with one SPARQL query and are kept per graph.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import URIRef

from .language import Text, fmt
from .names import expand, normalise

_KINDS = {"entity": Text("entity", "实体"), "class": Text("class", "类")}


class NameNotFound(ValueError):
    def __init__(self, text: str, close: list[Match], what: str = "entity"):
        self.text, self.close = text, close
        hint = ""
        if close:
            hint = fmt("; did you mean {close}?", "；您是不是要找 {close_zh}？",
                       close=" or ".join(m.shown() for m in close),
                       close_zh=" 或 ".join(m.shown() for m in close))
        what = _KINDS.get(what, what)
        super().__init__(fmt("{text} names no {what}{hint}", "没有名为 {text} 的{what}{hint}",
                             text=repr(text), what=what, hint=hint))


class AmbiguousName(ValueError):
    def __init__(self, text: str, matches: list[Match]):
        self.text, self.matches = text, matches
        listed = "; ".join(m.shown() for m in matches)
        super().__init__(fmt("{text} names {n} entities: {listed}; pass one of the IRIs",
                             "名称 {text} 对应 {n} 个实体：{listed}；请给出其中一个的 IRI",
                             text=repr(text), n=len(matches), listed=listed))


@dataclass
class Match:
    """One entity found by name."""

    iri: str
    zh: str | None
    en: str | None
    types: list[str]
    matched: str = ""
    how: str = ""  # exact | contains | close
    score: float = 0.0

    def label(self, lang: str = "zh") -> str:
        return (self.zh if lang == "zh" else self.en) or self.zh or self.en or self.iri

    def shown(self, lang: str = "zh") -> str:
        from .namespaces import PREFIXES
        from .serialize import _Compactor

        return f"{self.label(lang)} ({_Compactor(PREFIXES).iri(self.iri)})"


_LABELS = """
SELECT ?s ?l ?p WHERE {
  VALUES ?p { rdfs:label skos:altLabel skos:prefLabel }
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
}"""
_TYPES = "SELECT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && isIRI(?t)) }"


def _label_rows(kg):
    """(iri, text, language, predicate) of every name; straight from Oxigraph when it is the
    engine (no rdflib terms built: this runs before the first row of every `gdkg query`)."""
    from .namespaces import PREFIXES

    store = getattr(kg, "_store", None)
    if store is not None:
        for solution in store.query(_LABELS, prefixes=PREFIXES):
            literal = solution["l"]
            yield solution["s"].value, literal.value, literal.language, solution["p"].value
        return
    for row in kg.query(_LABELS).rows:
        yield str(row["s"]), str(row["l"]), getattr(row["l"], "language", None), str(row["p"])


def _type_rows(kg):
    from .namespaces import PREFIXES

    store = getattr(kg, "_store", None)
    if store is not None:
        for solution in store.query(_TYPES, prefixes=PREFIXES):
            yield solution["s"].value, solution["t"].value
        return
    for row in kg.query(_TYPES).rows:
        yield str(row["s"]), str(row["t"])


@dataclass
class LabelIndex:
    """Every name of every entity in one graph."""

    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # iri -> [(name, pred)]
    zh: dict[str, str] = field(default_factory=dict)
    en: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)  # normalised name -> iris

    @classmethod
    def of(cls, kg) -> LabelIndex:
        index = getattr(kg, "_label_index", None)
        if index is None:
            index = cls()
            for iri, text, lang, predicate in _label_rows(kg):
                index.names.setdefault(iri, []).append((text, predicate))
                index.by_name.setdefault(normalise(text), set()).add(iri)
                if predicate.endswith("#label"):
                    target = index.zh if lang == "zh" else index.en if lang == "en" else None
                    if target is not None and text < target.get(iri, "\U0010ffff"):
                        target[iri] = text
            for iri, cls_iri in _type_rows(kg):
                index.types.setdefault(iri, set()).add(cls_iri)
            kg._label_index = index
        return index

    def match(self, iri: str, matched: str = "", how: str = "", score: float = 0.0) -> Match:
        return Match(iri, self.zh.get(iri), self.en.get(iri), _shown_types(self.types.get(iri, set())),
                     matched, how, score)

    def pool(self, cls: str | None) -> set[str]:
        if cls is None:
            return set(self.names)
        return {iri for iri in self.names if cls in self.types.get(iri, ())}

    def exists(self, iri: str) -> bool:
        return iri in self.types or iri in self.names


_GENERIC_TYPES = {"http://www.w3.org/2004/02/skos/core#Concept", "http://www.w3.org/ns/prov#Entity",
                  "http://www.w3.org/2002/07/owl#Thing", "http://www.w3.org/2002/07/owl#NamedIndividual",
                  "http://www.w3.org/2000/01/rdf-schema#Resource"}


def _shown_types(types: set[str]) -> list[str]:
    from .namespaces import PREFIXES
    from .serialize import _Compactor

    compact = _Compactor(PREFIXES)
    specific = sorted(compact.iri(t) for t in types if t not in _GENERIC_TYPES)
    gd = [t for t in specific if t.startswith("gd:")]
    return gd or specific


_GD = "https://w3id.org/gdkg/ontology#"
#: what people look for first: clusters, places, sub-fields … before qualified nodes
_TYPE_WEIGHT = {"IndustryCluster": 0.4, "City": 0.35, "Zone": 0.3, "SubField": 0.3, "KeyDirection": 0.25,
                "FutureIndustry": 0.2, "Place": 0.15, "Enterprise": 0.2, "GovernmentDepartment": 0.2,
                "Project": 0.15, "Platform": 0.15, "Task": 0.1, "DocumentSection": 0.05,
                "CitySpecialisation": -0.3, "ChainLink": -0.3, "Designation": -0.3, "Figure": -0.2}


def _weight(types: set[str]) -> float:
    weights = [w for name, w in _TYPE_WEIGHT.items() if _GD + name in types]
    return min(weights) if any(w < 0 for w in weights) else max(weights, default=0.0)


def ranked(index: LabelIndex, text: str, cls: str | None = None, limit: int = 20,
           close_cutoff: float = 0.5) -> list[Match]:
    wanted = normalise(text)
    if not wanted:
        return []
    pool = index.pool(cls)
    found: dict[str, Match] = {}

    def offer(iri: str, name: str, how: str, score: float) -> None:
        score += _weight(index.types.get(iri, set()))
        current = found.get(iri)
        if current is None or score > current.score:
            found[iri] = index.match(iri, name, how, score)

    for iri in pool:
        for name, predicate in index.names[iri]:
            key = normalise(name)
            is_label = predicate.endswith("#label")
            if key == wanted:
                offer(iri, name, "exact", 3.0 + (0.1 if is_label else 0))
            elif wanted in key:
                offer(iri, name, "contains", 2.0 + len(wanted) / len(key) + (0.05 if is_label else 0))
            elif key in wanted and len(key) >= 2:
                offer(iri, name, "contains", 1.5 + len(key) / len(wanted))
    if not found:
        spelled = {}
        for iri in sorted(pool):
            for name, _ in index.names[iri]:
                spelled.setdefault(normalise(name), (iri, name))
        for key in difflib.get_close_matches(wanted, list(spelled), n=limit, cutoff=close_cutoff):
            iri, name = spelled[key]
            offer(iri, name, "close", difflib.SequenceMatcher(None, wanted, key).ratio())
    return sorted(found.values(), key=lambda m: (-m.score, m.label(), m.iri))[:limit]


def resolve_class(kg, text: str) -> str:
    """A class given as IRI, prefixed name or label (城市, City) → its IRI."""
    quick = _quick_resolve(kg, text, "http://www.w3.org/2002/07/owl#Class")
    if quick is not None:
        return str(quick)
    index = LabelIndex.of(kg)
    iri = expand(text)
    classes = index.pool("http://www.w3.org/2002/07/owl#Class")
    if iri is not None:
        if str(iri) in classes:
            return str(iri)
        close = [index.match(c) for c in difflib.get_close_matches(str(iri), sorted(classes), n=3)]
        raise NameNotFound(text, close, "class")
    return str(resolve_entity(kg, text, "http://www.w3.org/2002/07/owl#Class", what="class"))


_NAME_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#label",
                    "http://www.w3.org/2004/02/skos/core#altLabel",
                    "http://www.w3.org/2004/02/skos/core#prefLabel")


def store_labels(store, iri: str) -> dict[str, str]:
    """The IRI's rdfs:label per language (zh, en), the least text of each as
    :meth:`LabelIndex.of` takes it, read from a pyoxigraph store's index."""
    import pyoxigraph

    least: dict[str, str] = {}
    try:
        subject = pyoxigraph.NamedNode(iri)
    except ValueError:
        return least
    for quad in store.quads_for_pattern(subject, pyoxigraph.NamedNode(_NAME_PREDICATES[0]), None):
        literal = quad.object
        lang = getattr(literal, "language", None)
        if lang in ("zh", "en") and literal.value < least.get(lang, "\U0010ffff"):
            least[lang] = literal.value
    return least


def _quick_resolve(kg, text: str, cls: str | None) -> URIRef | None:
    """The entity of ``cls`` named by ``text`` when exactly one is (with no ``cls``: an IRI
    or prefixed name of an entity the graph has), read from Oxigraph's
    indexes (the names of that class only) instead of indexing every name of the graph
    (~8 s at a million triples); None when the answer needs the whole index (no store, no
    match, several): :func:`resolve_entity` then reports as before. Same answer as the
    index: its pool is the named instances of ``cls``, its match the normalised name."""
    store = getattr(kg, "_store", None)
    if store is None or getattr(kg, "_label_index", None) is not None:
        return None
    import pyoxigraph

    iri = expand(text)
    names = [pyoxigraph.NamedNode(p) for p in _NAME_PREDICATES]
    type_of = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def named(subject) -> Iterator[str]:
        for predicate in names:
            for quad in store.quads_for_pattern(subject, predicate, None):
                if isinstance(quad.object, pyoxigraph.Literal):
                    yield quad.object.value

    try:  # each instance of the class, then its names: index lookups, no scan of all names
        if cls is None:  # any entity: an IRI that has a type or a name (LabelIndex.exists)
            if iri is None:
                return None
            subject = pyoxigraph.NamedNode(str(iri))
            typed = any(isinstance(q.object, pyoxigraph.NamedNode)
                        for q in store.quads_for_pattern(subject, type_of, None))
            return iri if typed or next(named(subject), None) is not None else None
        cls_node = pyoxigraph.NamedNode(cls)
        if iri is not None:
            subject = pyoxigraph.NamedNode(str(iri))
            typed = next(iter(store.quads_for_pattern(subject, type_of, cls_node)), None)
            return iri if typed is not None and next(named(subject), None) is not None else None
        wanted = normalise(text)
        exact = {quad.subject.value for quad in store.quads_for_pattern(None, type_of, cls_node)
                 if isinstance(quad.subject, pyoxigraph.NamedNode)
                 and any(normalise(name) == wanted for name in named(quad.subject))}
    except (ValueError, SyntaxError):  # not an IRI Oxigraph takes: the full path explains
        return None
    return URIRef(next(iter(exact))) if len(exact) == 1 else None


def resolve_entity(kg, text: str, cls: str | None = None, what="entity") -> URIRef:
    """The one entity (of ``cls``) named by ``text``: an IRI, a prefixed name or a label.
    ``what``: the kind named in an error (or a callable giving it, called only then)."""
    quick = _quick_resolve(kg, text, cls)
    if quick is not None:
        return quick
    if callable(what):
        what = what()
    index = LabelIndex.of(kg)
    iri = expand(text)
    pool = index.pool(cls)
    if iri is not None:
        if str(iri) in pool or (cls is None and index.exists(str(iri))):
            return iri
        local = str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        near = {i.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: i for i in sorted(pool)}
        close = [index.match(near[n]) for n in difflib.get_close_matches(local, list(near), n=3, cutoff=0.6)]
        raise NameNotFound(text, close, what)
    exact = sorted(i for i in index.by_name.get(normalise(text), ()) if i in pool)
    if len(exact) == 1:
        return URIRef(exact[0])
    if len(exact) > 1:
        raise AmbiguousName(text, [index.match(i) for i in exact])
    candidates = ranked(index, text, cls, limit=5)
    contains = [m for m in candidates if m.how == "contains"]
    raise NameNotFound(text, (contains or candidates)[:3], what)


def search(text: str, type: str | None = None, *, limit: int = 20, kg=None, project=None) -> list[Match]:
    """Entities whose zh/en label or alternative label matches ``text``, best first."""
    if kg is None:
        from .project import Project
        from .store import KnowledgeGraph

        kg = KnowledgeGraph.open(project if project is not None else Project.find())
    cls = resolve_class(kg, type) if type else None
    return ranked(LabelIndex.of(kg), text, cls, limit)
