"""Disagreements between the sources, by kind: ``gdkg conflicts``.

Each kind is a named query, ``queries/conflicts-<kind>.rq``; the graph is the only
source of truth and this module only groups, labels and renders what the queries
return. Every query returns one row per claim with the same columns:

``?cluster``   the cluster the disagreement is about (unbound for province-wide ones);
``?subject``   what the claims disagree about (a cluster, sub-field, figure subject …);
``?city``      the city, for layout kinds;
``?measure`` / ``?year``  the measure and year, for figure kinds, when all claims share them;
``?group``     a key separating several disagreements about the same subject;
``?valueZh`` / ``?valueEn``  the claim as the source gives it;
``?source``    the source section of the claim;
``?noteZh`` / ``?noteEn``    why this is reported.

From Python::

    from gdkg.conflict_report import conflicts
    for c in conflicts(kinds=["figure-value"], cluster="新能源"):
        print(c.subject_label_zh, [claim.value for claim in c.claims])
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .language import fmt, say
from .namespaces import GD, PREFIXES
from .project import Project
from .query import QueryError, get_query
from .store import KnowledgeGraph, Row

#: The kinds, in report order (issue 11 defines them).
KINDS: tuple[str, ...] = (
    "layout-unstarred", "layout-core", "figure-value", "figure-year", "figure-exceeded",
    "figure-attribution", "implausible",
)

KIND_TITLES: dict[str, dict[str, str]] = {
    "layout-unstarred": {"en": "city named for a cluster without a star in 附件 1",
                         "zh": "文本点名但附件1未标星的城市"},
    "layout-core": {"en": "documents disagree on a cluster's core or node cities",
                    "zh": "各文件对集群核心或节点城市的说法不一"},
    "figure-value": {"en": "different values for the same figure", "zh": "同一指标数值不同"},
    "figure-year": {"en": "the same target for different years", "zh": "同一目标值对应不同年份"},
    "figure-exceeded": {"en": "an actual value already at or above another document's later target",
                        "zh": "实际值已达到或超过其他文件更晚年份的目标"},
    "figure-attribution": {"en": "a figure quoted from one document that another states, or under "
                                 "the wrong cluster",
                           "zh": "数值的出处或所属集群有误"},
    "implausible": {"en": "values flagged implausible", "zh": "标记为不合理的数值"},
}

FORMATS = ("table", "md", "json")


@dataclass
class Claim:
    """One side of a disagreement: what a source section says."""

    value: str
    source: str
    source_label: str

    def to_json(self) -> dict[str, str]:
        return {"value": self.value, "source": self.source, "source_label": self.source_label}


@dataclass
class Conflict:
    """One disagreement: its kind, subject, the differing claims and a note."""

    kind: str
    subject: str
    subject_label_zh: str
    subject_label_en: str
    claims: list[Claim] = field(default_factory=list)
    note: str = ""
    cluster: str | None = None

    def subject_label(self, lang: str) -> str:
        return self.subject_label_zh if lang == "zh" else self.subject_label_en

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "subject": self.subject, "subject_label_zh": self.subject_label_zh,
                "claims": [c.to_json() for c in self.claims], "note": self.note}


_CLUSTER_NAMES = """
PREFIX gd: <https://w3id.org/gdkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?cluster ?name WHERE {
  ?cluster a gd:IndustryCluster .
  OPTIONAL { ?cluster rdfs:label|skos:altLabel ?name }
}"""

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?node ?label WHERE { ?node rdfs:label ?label }"""


def resolve_cluster(kg: KnowledgeGraph, text: str) -> URIRef:
    """A cluster given as IRI, prefixed name or zh/en/alternative label → its IRI.

    Raises QueryError with the closest cluster names when nothing (or more than one
    cluster) matches; the candidates come from the graph."""
    from .names import NameIndex

    graph = Graph()
    for row in kg.query(_CLUSTER_NAMES).rows:
        graph.add((row["cluster"], RDF.type, GD.IndustryCluster))
        if isinstance(row["name"], Literal):
            graph.add((row["cluster"], RDFS.label, row["name"]))
    found = NameIndex(graph).resolve(text, [GD.IndustryCluster])
    if found.iri is not None:
        return found.iri
    if found.matches:
        raise QueryError(fmt("--cluster {text} names {n} clusters: {listed}; pass the IRI instead",
                             "--cluster {text} 对应 {n} 个产业集群：{listed}；请改为给出 IRI",
                             text=repr(text), n=len(found.matches),
                             listed=", ".join(map(str, found.matches))))
    hint = ""
    if found.close:
        hint = fmt(" Did you mean: {close}?", "您是不是要找：{close}？",
                   close=", ".join(name for name, _ in found.close))
    raise QueryError(fmt("--cluster {text} is not a cluster of the graph.{hint} "
                         "Clusters take an IRI, a prefixed name (cluster:new-energy) or a zh/en label.",
                         "--cluster {text} 不是图中的产业集群。{hint}"
                         "产业集群可用 IRI、带前缀的名称（cluster:new-energy）或中/英文标签指定。",
                         text=repr(text), hint=hint))


def conflicts(project: Project | None = None, *, kinds: Iterable[str] | None = None,
              cluster: str | None = None, lang: str = "zh",
              kg: KnowledgeGraph | None = None) -> list[Conflict]:
    """Every disagreement of the given ``kinds`` (default: all), optionally for one cluster.

    ``lang`` chooses the language of claim values, source labels and notes; subjects
    carry both labels."""
    project = project or Project.find()
    kinds = list(kinds) if kinds is not None else list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], KINDS, n=2, cutoff=0.5)
        hint = fmt(" Did you mean: {close}?", "您是不是要找：{close}？",
                   close=", ".join(close)) if close else ""
        raise QueryError(fmt("unknown conflict kind {kind}.{hint} Kinds: {kinds}",
                             "未知的冲突类型 {kind}。{hint}可选类型：{kinds}",
                             kind=repr(unknown[0]), hint=hint, kinds=", ".join(KINDS)))
    kg = kg or KnowledgeGraph.open(project)
    wanted = resolve_cluster(kg, cluster) if cluster else None
    results: list[Conflict] = []
    rows_by_kind: dict[str, list[Row]] = {}
    for kind in kinds:
        query = get_query(project, f"conflicts-{kind}")
        rows = kg.query(query.text).rows
        if wanted is not None:
            rows = [r for r in rows if r.get("cluster") == wanted]
        rows_by_kind[kind] = rows
    labels = _labels(kg, [r for rows in rows_by_kind.values() for r in rows])
    for kind in kinds:
        results.extend(_group(kind, rows_by_kind[kind], labels, lang))
    return results


def _labels(kg: KnowledgeGraph, rows: Sequence[Row]) -> dict[URIRef, dict[str, str]]:
    wanted = {v for r in rows for v in r.values() if isinstance(v, URIRef)}
    labels: dict[URIRef, dict[str, str]] = {}
    if not wanted:
        return labels
    for row in kg.query(_LABELS).rows:
        node, label = row["node"], row["label"]
        if node in wanted and isinstance(label, Literal):
            lang = label.language or ""
            current = labels.setdefault(node, {})
            if str(label) < current.get(lang, "\U0010ffff"):
                current[lang] = str(label)
    return labels


def _short(node: URIRef) -> str:
    text = str(node)
    best = ""
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(namespace) > len(best):
            best, name = namespace, prefix
    if best and "/" not in text[len(best):] and "#" not in text[len(best):]:
        return f"{name}:{text[len(best):]}"
    return f"<{text}>"


def _label(labels: dict[URIRef, dict[str, str]], node, lang: str) -> str:
    if node is None:
        return ""
    if not isinstance(node, URIRef):
        return str(node)
    found = labels.get(node, {})
    return found.get(lang) or found.get("en") or found.get("zh") or _short(node)


def _group(kind: str, rows: Sequence[Row], labels, lang: str) -> list[Conflict]:
    grouped: dict[tuple, Conflict] = {}
    for row in rows:
        parts = [row.get(k) for k in ("subject", "city", "measure", "year")]
        key = (*[str(p) if p is not None else "" for p in parts], str(row.get("group") or ""))
        conflict = grouped.get(key)
        if conflict is None:
            subject, city, measure, year = parts
            ids = [_short(p) for p in (subject, city, measure) if isinstance(p, URIRef)]
            if year is not None:
                ids.append(str(year))
            conflict = Conflict(
                kind=kind, subject=" / ".join(ids),
                subject_label_zh=_subject_label(labels, parts, "zh"),
                subject_label_en=_subject_label(labels, parts, "en"),
                note=str(row.get("noteZh" if lang == "zh" else "noteEn") or row.get("noteEn") or ""),
                cluster=str(row["cluster"]) if row.get("cluster") is not None else None)
            grouped[key] = conflict
        value = row.get("valueZh" if lang == "zh" else "valueEn") or row.get("valueEn")
        source = row.get("source")
        claim = Claim(str(value or ""), _short(source) if isinstance(source, URIRef) else str(source or ""),
                      _label(labels, source, lang))
        if claim not in conflict.claims:
            conflict.claims.append(claim)
    return list(grouped.values())


def _subject_label(labels, parts, lang: str) -> str:
    subject, city, measure, year = parts
    text = " × ".join(_label(labels, p, lang) for p in (subject, city) if p is not None)
    if measure is not None:
        text += " · " + _label(labels, measure, lang)
    if year is not None:
        text += f" · {year}"
    return text


# --- rendering

def render(items: Sequence[Conflict], fmt: str = "table", lang: str = "zh") -> str:
    """The conflicts as a text table, Markdown (grouped by kind) or JSON."""
    if fmt == "json":
        return json.dumps([c.to_json() for c in items], ensure_ascii=False, indent=2) + "\n"
    from .tables import render as render_rows

    header = (["主题", "说法", "来源", "说明"] if lang == "zh" else ["subject", "claim", "source", "note"])
    out: list[str] = []
    for kind in KINDS:
        of_kind = [c for c in items if c.kind == kind]
        if not of_kind:
            continue
        title = f"{kind}: {KIND_TITLES[kind][lang]} ({len(of_kind)})"
        out.append(f"## {title}\n\n" if fmt == "md" else f"{title}\n")
        rows = []
        for conflict in of_kind:
            for i, claim in enumerate(conflict.claims):
                first = i == 0
                subject = f"{conflict.subject_label(lang)} ({conflict.subject})" if first else ""
                note = conflict.note if first else ""
                if fmt == "table":
                    note = _clip(note, 80)
                rows.append([subject, claim.value, f"{claim.source_label} ({claim.source})", note])
        out.append(render_rows(header, rows, "md" if fmt == "md" else "table"))
        out.append("\n")
    return "".join(out)


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (CJK characters count two), with an ellipsis."""
    from .tables import display_width

    if display_width(text) <= width:
        return text
    out = ""
    for char in text:
        if display_width(out + char) > width - 1:
            break
        out += char
    return out + "…"


# --- command line

def add_parser(sub) -> None:
    """Register ``gdkg conflicts`` on the CLI's sub-parsers."""
    epilog = textwrap.dedent(f"""\
        kinds: {', '.join(KINDS)}
        examples:
          gdkg conflicts                                   every disagreement, grouped by kind
          gdkg conflicts --kind figure-value --kind figure-year
          gdkg conflicts --cluster 新能源 --format md
          gdkg conflicts --format json --lang en > conflicts.json
        exit status: 0 (also when there are conflicts: they are the sources' own), 2 bad option""")
    p = sub.add_parser("conflicts", help="disagreements between the sources (layout, figures), by kind",
                       formatter_class=argparse.RawDescriptionHelpFormatter, epilog=epilog)
    p.add_argument("--kind", action="append", choices=KINDS, metavar="KIND",
                   help="only this kind (repeatable); default: all")
    p.add_argument("--cluster", help="only disagreements about this cluster (IRI, prefixed name or label)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="language of labels, claims and notes (default: zh)")
    p.set_defaults(handler=run_cli)


def run_cli(args: argparse.Namespace, project: Project) -> int:
    items = conflicts(project, kinds=args.kind, cluster=args.cluster, lang=args.lang)
    sys.stdout.write(render(items, args.format, args.lang))
    if args.format != "json":
        shown = [k for k in KINDS if args.kind is None or k in args.kind]
        counts = {k: sum(1 for c in items if c.kind == k) for k in shown}
        summary = ", ".join(f"{k} {n}" for k, n in counts.items())
        print(say(args.lang, f"({len(items)} conflicts: {summary})",
                  f"（共 {len(items)} 处冲突：{summary}）"),
              file=sys.stderr)
    return 0
