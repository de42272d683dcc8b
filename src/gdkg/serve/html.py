"""Small HTML helpers shared by the server's pages and `gdkg docs` (no web framework needed)."""

from __future__ import annotations

from html import escape

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import ID, PREFIXES

#: prefixes for showing IRIs compactly, longest namespace first
_BY_LENGTH = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda item: -len(item[0]))
SHAPES_NS = "https://w3id.org/gdkg/shapes#"


def compact(iri: str) -> str:
    """``city:guangzhou`` for a known namespace, else the IRI itself."""
    for namespace, prefix in (*_BY_LENGTH, (SHAPES_NS, "gds")):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def entity_href(iri: str) -> str | None:
    """Where the server shows ``iri``: /id/... for the graph's own entities."""
    if iri.startswith(ID):
        return "/id/" + iri[len(ID):]
    return None


def page(title: str, body: str, *, assets: str = "/static/", lang: str = "zh",
         scripts: tuple[str, ...] = (), nav: bool = True) -> str:
    """A whole HTML document; ``assets`` is where style.css (and scripts) are found."""
    links = ('<nav><a href="/">SPARQL 查询 query</a> · <a href="/ontology">本体 ontology</a> · '
             '<a href="/queries">named queries (JSON)</a> · <a href="/sparql">service description</a></nav>'
             if nav else "")
    script_tags = "".join(f'<script src="{escape(assets + s)}" defer></script>' for s in scripts)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="{escape(assets)}style.css">{script_tags}</head>\n'
            f'<body><header><span class="brand">gdkg</span> {links}</header>\n<main>\n{body}\n</main>'
            '<footer>gdkg — Guangdong strategic industry clusters knowledge graph · '
            '广东省战略性产业集群知识图谱</footer></body></html>\n')


def term_html(term: Node | None, labels: dict[str, dict[str, str]] | None = None,
              href=entity_href) -> str:
    """An RDF term as HTML: IRIs as links with their label, literals with language or datatype."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        names = (labels or {}).get(iri, {})
        label = " / ".join(names[lang] for lang in ("zh", "en") if lang in names)
        target = href(iri)
        text = escape(label) if label else escape(compact(iri))
        title = escape(iri)
        if target:
            return f'<a href="{escape(target)}" title="{title}">{text}</a>'
        return f'<a href="{title}" class="external" title="{title}">{text}</a>' if iri.startswith("http") \
            else f'<span title="{title}">{text}</span>'
    if isinstance(term, Literal):
        suffix = ""
        if term.language:
            suffix = f' <span class="lang">@{escape(term.language)}</span>'
        elif term.datatype is not None and not str(term.datatype).endswith("#string"):
            suffix = f' <span class="dtype">{escape(compact(str(term.datatype)))}</span>'
        return f"{escape(str(term))}{suffix}"
    return escape(str(term))
