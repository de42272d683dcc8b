"""Names → IRIs: the zh/en labels and alt labels of the graph's entities, per class,
with "did you mean …?" suggestions.

Used by ``gdkg validate`` (suggestions) and ``gdkg import csv`` (resolving cells).
A name is only ever compared with label strings held in Python; it never becomes
part of query text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .namespaces import PREFIXES, SKOS
from .serialize import _Compactor

_NAME_PREDICATES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Compare names without regard to width, case or surrounding/repeated spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@dataclass
class Resolution:
    """The outcome of resolving one name: one IRI, several (ambiguous), or none."""

    text: str
    matches: list[URIRef] = field(default_factory=list)
    close: list[tuple[str, URIRef]] = field(default_factory=list)

    @property
    def iri(self) -> URIRef | None:
        return self.matches[0] if len(self.matches) == 1 else None


class NameIndex:
    """Labels, types and class hierarchy of one graph, for lookups by name."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.compact = _Compactor(PREFIXES)
        self._subclasses: dict[URIRef, set[URIRef]] = defaultdict(set)
        for child, parent in graph.subject_objects(RDFS.subClassOf):
            if isinstance(child, URIRef) and isinstance(parent, URIRef):
                self._subclasses[parent].add(child)
        self._types: dict[URIRef, set[URIRef]] = defaultdict(set)
        for node, cls in graph.subject_objects(RDF.type):
            if isinstance(node, URIRef) and isinstance(cls, URIRef):
                self._types[node].add(cls)
        self._labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
        self._names: dict[str, set[URIRef]] = defaultdict(set)
        self._spelled: dict[URIRef, list[str]] = defaultdict(list)
        label = RDFS.label  # (a namespace attribute is slow to look up in a loop)
        for predicate in _NAME_PREDICATES:
            for node, name in graph.subject_objects(predicate):
                if not isinstance(node, URIRef) or not isinstance(name, Literal):
                    continue
                if predicate == label:  # the smallest, should a language have two
                    lang, text = name.language or "", str(name)
                    if text < self._labels[node].get(lang, "\U0010ffff"):
                        self._labels[node][lang] = text
                self._names[normalise(str(name))].add(node)
                self._spelled[node].append(str(name))

    # --- classes and instances

    def descendants(self, cls: URIRef) -> set[URIRef]:
        """``cls`` and all its subclasses."""
        seen, todo = {cls}, [cls]
        while todo:
            for child in self._subclasses.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def known(self, node: URIRef) -> bool:
        """True when ``node`` is typed or is the subject of any triple."""
        return node in self._types or (node, None, None) in self.graph

    def types(self, node: URIRef) -> set[URIRef]:
        return self._types.get(node, set())

    def instances(self, classes: Iterable[URIRef] | None) -> set[URIRef]:
        """Instances of any of ``classes`` (subclasses included); every typed node if None."""
        if classes is None:
            return set(self._types)
        key = frozenset(classes)
        cache = self.__dict__.setdefault("_instances", {})
        if key not in cache:
            wanted: set[URIRef] = set()
            for cls in key:
                wanted |= self.descendants(cls)
            cache[key] = frozenset(node for node, types in self._types.items() if types & wanted)
        return cache[key]

    def is_instance(self, node: URIRef, classes: Iterable[URIRef]) -> bool:
        wanted: set[URIRef] = set()
        for cls in classes:
            wanted |= self.descendants(cls)
        return bool(self.types(node) & wanted)

    # --- names

    def label(self, node: URIRef, lang: str = "en") -> str | None:
        labels = self._labels.get(node, {})
        return labels.get(lang) or labels.get("en") or labels.get("zh") or labels.get("")

    def labels(self, node: URIRef) -> dict[str, str]:
        """The node's rdfs:label per language tag."""
        return dict(self._labels.get(node, {}))

    def short(self, node: str | URIRef) -> str:
        """A prefixed name (city:guangzhou) where a project prefix fits, else <IRI>."""
        return self.compact.iri(str(node))

    def show(self, node: URIRef, lang: str = "en") -> str:
        """'广州 (city:guangzhou)': the label in ``lang`` and the prefixed name."""
        label = self.label(node, lang)
        return f"{label} ({self.short(node)})" if label else self.short(node)

    def show_for(self, node: URIRef, typed: str, lang: str) -> str:
        """Like :meth:`show`, with the label in the script the user typed (广州市 → 广州)."""
        return self.show(node, "zh" if is_cjk(typed) else lang)

    def lookup(self, text: str, classes: Iterable[URIRef] | None = None) -> list[URIRef]:
        """Entities (of ``classes``) whose label or alt label is ``text``."""
        found = self._names.get(normalise(text), set())
        if classes is not None:
            allowed = self.instances(classes)
            found = found & allowed
        return sorted(found)

    def close_names(self, text: str, classes: Iterable[URIRef] | None = None,
                    n: int = 3, cutoff: float = 0.6) -> list[tuple[str, URIRef]]:
        """The nearest labels (difflib) among entities of ``classes``: (name, IRI) pairs."""
        pool = self.instances(classes) if classes is not None else set(self._spelled)
        by_name: dict[str, URIRef] = {}
        for node in sorted(pool):
            for name in self._spelled.get(node, ()):
                by_name.setdefault(normalise(name), node)
        wanted = normalise(text)
        found = []
        for name in difflib.get_close_matches(wanted, list(by_name), n=n * 3, cutoff=cutoff):
            node = by_name[name]
            if node not in [iri for _, iri in found]:
                found.append((name, node))
        return found[:n]

    def close_iris(self, iri: str, pool: Iterable[URIRef], n: int = 3,
                   cutoff: float = 0.6) -> list[URIRef]:
        """Nodes of ``pool`` whose IRI is nearest to ``iri`` (compared by local name)."""
        local = _local(iri)
        cache = self.__dict__.setdefault("_candidates", {})
        candidates = cache.get(pool) if isinstance(pool, frozenset) else None
        if candidates is None:
            candidates = {}
            for node in sorted(pool):
                candidates.setdefault(_local(str(node)).casefold(), node)
            if isinstance(pool, frozenset):
                cache[pool] = candidates
        names = difflib.get_close_matches(local.casefold(), list(candidates), n=n, cutoff=cutoff)
        return [candidates[name] for name in names]

    def resolve(self, text: str, classes: Iterable[URIRef] | None = None) -> Resolution:
        """A cell or literal → IRI: an absolute IRI, a prefixed name, or a name."""
        classes = list(classes) if classes is not None else None
        text = text.strip()
        iri = expand(text)
        if iri is not None:
            if self.known(iri) and (classes is None or self.is_instance(iri, classes)):
                return Resolution(text, [iri])
            pool = self.instances(classes) if classes is not None else self.subjects_like(iri)
            return Resolution(text, [], [(self.short(n), n) for n in self.close_iris(iri, pool)])
        matches = self.lookup(text, classes)
        if matches:
            return Resolution(text, matches)
        return Resolution(text, [], self.close_names(text, classes))

    def subjects_like(self, iri: str) -> set[URIRef]:
        """Typed nodes in the same namespace as ``iri`` (…/id/city/ for a city)."""
        namespace = re.sub(r"[^/#]*$", "", iri)
        return {node for node in self._types if str(node).startswith(namespace)}


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


def expand(text: str) -> URIRef | None:
    """An absolute IRI (optionally in <>) or a prefixed name of the project → URIRef."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    match = re.match(r"^([A-Za-z][\w-]*):([\w.\-]*)$", text)
    if match and match.group(1) in PREFIXES:
        return URIRef(PREFIXES[match.group(1)] + match.group(2))
    return None

