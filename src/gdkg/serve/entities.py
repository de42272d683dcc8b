"""Entity pages: every https://w3id.org/gdkg/id/… IRI at /id/… as HTML (labels, statements
in and out, sources, links to neighbours) or as RDF (its statements in and out)."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from html import escape

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from ..namespaces import ID, PREFIXES
from .html import compact, page, term_html

_SAFE_IRI = re.compile(r'^[^\s<>"{}|^`\\]+$')
#: the path of an entity under /id/: slug segments only (no "..", no empty segment)
_ENTITY_PATH = re.compile(r"^[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*(/[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*)*$")
MAX_SHOWN = 500
_LABEL = URIRef(PREFIXES["rdfs"] + "label")
_SOURCE = URIRef(PREFIXES["prov"] + "wasDerivedFrom")


class EntityNotFound(Exception):
    """No such entity in the graph (message says which, with close IRIs)."""


def entity_iri(path: str) -> URIRef:
    """The IRI for /id/``path``; EntityNotFound for a path that cannot be an entity (``..`` etc.)."""
    if not _ENTITY_PATH.match(path) or any(part in (".", "..") for part in path.split("/")):
        raise EntityNotFound(f"/id/{path} is not an entity path")
    return URIRef(ID + path)


def values_block(iris: list[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris if _SAFE_IRI.match(iri))


def labels_for(kg, iris, langs: tuple[str, ...] = ("zh", "en")) -> dict[str, dict[str, str]]:
    """rdfs:label per IRI and language (first by sort order when there are several)."""
    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef | str) and _SAFE_IRI.match(str(i))})
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for start in range(0, len(wanted), 400):
        block = values_block(wanted[start:start + 400])
        rows = kg.query(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {block} }} ?x <{_LABEL}> ?l }} "
                        "ORDER BY ?x ?l").rows
        for row in rows:
            lang = getattr(row["l"], "language", None) or ""
            if lang in langs or (lang == "" and not langs):
                found[str(row["x"])].setdefault(lang, str(row["l"]))
    return dict(found)


def sources_for(kg, iris) -> dict[str, list[URIRef]]:
    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef)})
    found: dict[str, list[URIRef]] = defaultdict(list)
    for start in range(0, len(wanted), 400):
        block = values_block(wanted[start:start + 400])
        for row in kg.query(f"SELECT ?x ?s WHERE {{ VALUES ?x {{ {block} }} ?x <{_SOURCE}> ?s }} "
                            "ORDER BY ?x ?s").rows:
            found[str(row["x"])].append(row["s"])
    return dict(found)


class EntityView:
    """One entity's statements, looked up once; render as HTML or RDF."""

    def __init__(self, kg, iri: URIRef, known: list[str] | None = None):
        self.iri = iri
        self.out = [(r["p"], r["o"]) for r in kg.query(
            "SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o", {"s": iri}).rows]
        self.into = [(r["s"], r["p"]) for r in kg.query(
            "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?p ?s", {"o": iri}).rows]
        if not self.out and not self.into:
            close = difflib.get_close_matches(str(iri), known or [], n=3, cutoff=0.8)
            hint = f" Did you mean: {', '.join('/id/' + c[len(ID):] for c in close)}?" if close else ""
            raise EntityNotFound(f"no entity <{iri}> in the graph.{hint}")
        self.kg = kg

    def graph(self) -> Graph:
        g = Graph()
        for prefix, namespace in PREFIXES.items():
            g.bind(prefix, namespace, override=True)
        for p, o in self.out:
            g.add((self.iri, p, o))
        for s, p in self.into:
            g.add((s, p, self.iri))
        return g

    def html(self) -> str:
        neighbours = {o for _p, o in self.out if isinstance(o, URIRef)} | {s for s, _p in self.into}
        props = {p for p, _o in self.out} | {p for _s, p in self.into}
        labels = labels_for(self.kg, neighbours | props | {self.iri})
        sources = sources_for(self.kg, neighbours | {self.iri})
        own = labels.get(str(self.iri), {})
        title = " / ".join(own[lang] for lang in ("zh", "en") if lang in own) or compact(str(self.iri))
        types = [o for p, o in self.out if p == RDF.type]
        body = [f"<h1>{escape(title)}</h1>",
                f'<p class="iri"><code>{escape(str(self.iri))}</code> · '
                f'<code>{escape(compact(str(self.iri)))}</code>'
                f' · <a href="?format=ttl">Turtle</a> · <a href="?format=nt">N-Triples</a>'
                f' · <a href="?format=jsonld">JSON-LD</a></p>']
        if types:
            body.append("<p><b>类型 types</b>: " + ", ".join(term_html(t, labels) for t in types) + "</p>")
        own_sources = sources.get(str(self.iri), [])
        if own_sources:
            body.append("<p><b>来源 sources</b>: " + ", ".join(term_html(s, labels_for(self.kg, own_sources))
                                                          for s in own_sources) + "</p>")
        body.append(self._out_table(labels, sources))
        body.append(self._in_table(labels, sources))
        return page(title, "\n".join(body))

    def _out_table(self, labels, sources) -> str:
        rows = [(p, o) for p, o in self.out if p != RDF.type]
        grouped: dict[Node, list[Node]] = defaultdict(list)
        for p, o in rows:
            grouped[p].append(o)
        source_labels = labels_for(self.kg, {s for v in sources.values() for s in v})
        html = [f"<h2>陈述 Statements ({len(rows)})</h2>", "<table class='statements'>",
                "<tr><th>属性 property</th><th>值 value</th><th>值的来源 source of the value</th></tr>"]
        shown = 0
        for p in sorted(grouped, key=lambda x: _label_key(x, labels)):
            for o in grouped[p]:
                if shown >= MAX_SHOWN:
                    break
                src = ", ".join(term_html(s, source_labels) for s in sources.get(str(o), [])) \
                    if isinstance(o, URIRef) else ""
                html.append(f"<tr><td>{term_html(p, labels)}</td><td>{term_html(o, labels)}</td>"
                            f"<td>{src}</td></tr>")
                shown += 1
        html.append("</table>")
        if len(rows) > shown:
            html.append(f"<p class='muted'>{len(rows) - shown} more: see the Turtle.</p>")
        return "\n".join(html)

    def _in_table(self, labels, sources) -> str:
        if not self.into:
            return ""
        source_labels = labels_for(self.kg, {s for v in sources.values() for s in v})
        html = [f"<h2>指向本实体的陈述 Statements about it from other entities ({len(self.into)})</h2>",
                "<table class='statements'>",
                "<tr><th>主语 subject</th><th>属性 property</th><th>来源 source</th></tr>"]
        ordered = sorted(self.into, key=lambda sp: (_label_key(sp[1], labels), _label_key(sp[0], labels)))
        for s, p in ordered[:MAX_SHOWN]:
            src = ", ".join(term_html(x, source_labels) for x in sources.get(str(s), []))
            html.append(f"<tr><td>{term_html(s, labels)}</td><td>{term_html(p, labels)}</td>"
                        f"<td>{src}</td></tr>")
        html.append("</table>")
        if len(self.into) > MAX_SHOWN:
            html.append(f"<p class='muted'>{len(self.into) - MAX_SHOWN} more: see the Turtle.</p>")
        return "\n".join(html)


def _label_key(term: Node, labels) -> tuple[str, str]:
    names = labels.get(str(term), {})
    return (names.get("en") or compact(str(term)), str(term))


def known_entities(kg) -> list[str]:
    """Every subject IRI under https://w3id.org/gdkg/id/ (for "did you mean" on a 404)."""
    rows = kg.query(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}').rows
    return sorted(str(r["s"]) for r in rows)
