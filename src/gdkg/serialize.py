"""Deterministic serialisation (sorted N-Triples and sorted Turtle) and atomic writes.

Sorted output keeps diffs of build/ small and stable. rdflib's own Turtle
writer is neither strictly sorted nor fast on tens of thousands of triples,
so this module writes Turtle directly: one subject block per subject, sorted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from .load import Triple
from .namespaces import PREFIXES

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and rename: readers see
    the old file or the new one, never half of one (see :func:`gdkg.safe_io.write_atomic_safe`)."""
    from .safe_io import write_atomic_safe

    write_atomic_safe(path, text)


def ntriples(triples: Iterable[Triple]) -> str:
    """Sorted N-Triples text."""
    n3: dict = {}

    def term(t) -> str:
        text = n3.get(t)
        if text is None:
            text = n3[t] = t.n3()
        return text

    lines = sorted(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)
    return "".join(lines)


class _Compactor:
    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so gd:… is not written as a shorter prefix
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.used: set[str] = set()
        self._cache: dict = {}

    def iri(self, iri: str) -> str:
        for name, namespace in self.prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if local == "" or _LOCAL.match(local):
                    self.used.add(name)
                    return f"{name}:{local}"
        return f"<{iri}>"

    def term(self, term: URIRef | BNode | Literal) -> str:
        text = self._cache.get(term)
        if text is None:
            text = self._cache[term] = self._render(term)
        return text

    def _render(self, term: URIRef | BNode | Literal) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, Literal) and term.datatype is not None:
            lexical = Literal(str(term)).n3()
            return f"{lexical}^^{self.iri(str(term.datatype))}"
        return term.n3()


def turtle(triples: Iterable[Triple], prefixes: dict[str, str] | None = None,
           header: str = "") -> str:
    """Sorted Turtle: subjects in order, ``a`` first, then predicates and objects in order."""
    compact = _Compactor(prefixes or PREFIXES)
    blocks: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        predicate = "a" if p == RDF.type else compact.term(p)
        blocks[compact.term(s)][predicate].append(compact.term(o))
    body: list[str] = []
    for subject in sorted(blocks):
        predicates = blocks[subject]
        order = sorted(predicates, key=lambda name: (name != "a", name))
        lines = [f"    {name} {' , '.join(sorted(predicates[name]))}" for name in order]
        body.append(f"{subject}\n" + " ;\n".join(lines) + " .\n")
    declared = "".join(
        f"@prefix {name}: <{namespace}> .\n"
        for name, namespace in sorted(compact.prefixes)
        if name in compact.used
    )
    return header + declared + "\n" + "\n".join(body)
