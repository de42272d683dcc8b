"""`gdkg analyze`: the network numbers as a report (Markdown, self-contained HTML or JSON).

Each table comes with a sentence on how it is computed. Markdown links the figures, written
into ``<report stem>-figures/`` next to the report; HTML embeds them (PNG as data: URIs, no
external assets); JSON carries the same numbers for other tools.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from ..language import Text
from ..progress import Timer
from ..project import Project
from .figures import PlotExtraMissing, Rendered, render_figures, require_plot_extra
from .metrics import (
    chain_completeness,
    city_similarity,
    measured_projection,
    top_nodes,
    zone_bridge_totals,
    zone_bridges,
)
from .projections import KINDS, NetworkSource

REPORT_FORMATS = ("md", "html", "json")
_SUMMARY_KEYS = ("nodes", "edges", "modularity", "communities", "betweenness", "density")
__all__ = ["REPORT_FORMATS", "PlotExtraMissing", "analyze", "compute"]

_HOW = {
    "summary": ("每个投影的节点数、边数、密度，以及 Louvain 社区（加权，固定随机种子 42）的数目与模块度。",
                "Nodes, edges and density of each projection, and the number and modularity of its Louvain "
                "communities (weighted, fixed seed 42)."),
    "centrality": ("强度 = 加权度（边权之和）；介数 = 以 1/权重 为距离的最短路介数（归一化）；"
                   "PageRank 按边权随机游走（阻尼 0.85）；特征向量中心性按边权；"
                   "k-核 = 节点所在最大 k-核的 k。",
                   "Strength = weighted degree (sum of edge weights); betweenness on shortest paths with "
                   "distance 1/weight (normalised); PageRank with weighted steps (damping 0.85); weighted "
                   "eigenvector centrality; core = the largest k of a k-core containing the node."),
    "communities": ("Louvain 社区（加权，种子 42），按规模从大到小编号。",
                    "Louvain communities (weighted, seed 42), numbered from the largest."),
    "bridges": ("城市网络中连接不同区域（一核一带一区）城市的边：按区域对汇总边数与权重，"
                "及权重最大的跨区域城市对。城市边权 = 共有集群的较低星级之和 + 共同依托的细分领域数。",
                "Edges of the city network between cities of different zones: count and total weight per "
                "pair of zones, and the heaviest cross-zone pairs. City edge weight = sum over shared "
                "clusters of the lower star level + number of sub-fields relying on both cities."),
    "similarity": ("城市在 20 个集群上的附件 1 星级向量（3/2/1/0）的余弦相似度，取最相似的城市对。",
                   "Cosine similarity of the cities' 附件 1 star vectors over the 20 clusters (3/2/1/0); "
                   "the most similar pairs."),
    "completeness": ("对每个区域及城市中至少布局一个细分领域的集群："
                     "细分领域覆盖 = 该地布局的细分领域数 / 集群细分领域总数；"
                     "上游配套 = 以该地已布局细分领域为下游的上下游关联中，"
                     "上游也在该地布局的比例（无关联时为 —）。区域视为其所有城市的合集。",
                     "For each zone and city and each cluster with at least one sub-field there: sub-field "
                     "share = sub-fields present / the cluster's sub-fields; upstream share = of the stated "
                     "supply links whose downstream is present, those whose upstream is present in the same "
                     "place (— when none is stated). A zone is the union of its cities."),
    "gaps": ("每个缺口（下游在该地、上游不在）列出布局该上游细分领域、按大圆距离最近的三个城市"
             "（区域以其最近的城市计）。",
             "For each gap (downstream present, upstream absent) the three nearest cities hosting the "
             "missing upstream sub-field, by great-circle distance (for a zone, from its nearest city)."),
}


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def compute(source: NetworkSource, timer: Timer | None = None) -> dict:
    """All the numbers of the report, as plain JSON-ready data (node ids are CURIEs); computed
    once per source."""
    if "report" in source.cache:
        return source.cache["report"]
    timer = timer or Timer()
    graphs, summaries = {}, {}
    with timer.stage("projections and metrics"):
        for kind in KINDS:
            graph = measured_projection(kind, source)
            summaries[kind] = {k: graph.graph[k] for k in _SUMMARY_KEYS if k in graph.graph}
            graphs[kind] = graph
    shown = {n for kind in ("bipartite", "city", "cluster", "chain") for n in graphs[kind]}
    shown |= {d["zone"] for _, d in graphs["city"].nodes(data=True) if "zone" in d}
    labels = {n: {"zh": d["label_zh"], "en": d["label_en"]} for n, d in source.nodes().items() if n in shown}
    city, cluster = graphs["city"], graphs["cluster"]
    centrality = {}
    for kind, graph in (("city", city), ("cluster", cluster)):
        centrality[kind] = [{"node": n, **{m: d[m] for m in ("strength", "betweenness", "pagerank",
                                                             "eigenvector", "clustering", "core", "community")
                                           if m in d}}
                            for n, d in sorted(graph.nodes(data=True), key=lambda item: (-item[1]["strength"],
                                                                                           item[0]))]
    communities = {}
    for kind in ("city", "cluster", "bipartite"):
        members: dict[int, list[str]] = {}
        for node, data in graphs[kind].nodes(data=True):
            members.setdefault(data["community"], []).append(node)
        communities[kind] = [sorted(members[k]) for k in sorted(members)]
    with timer.stage("chain completeness and gaps"):
        chain = chain_completeness(graphs["chain"], city)
    report = {
        "summary": summaries,
        "centrality": centrality,
        "top_chain_pagerank": [{"node": n, "pagerank": v} for n, v in top_nodes(graphs["chain"], "pagerank")],
        "communities": communities,
        "zone_bridges": {"totals": zone_bridge_totals(city), "top": zone_bridges(city)[:15]},
        "city_similarity": city_similarity(graphs["bipartite"], top=15),
        "chain_completeness": chain["completeness"],
        "chain_gaps": chain["gaps"],
        "labels": labels,
        "how": {key: {"zh": zh, "en": en} for key, (zh, en) in _HOW.items()},
    }
    source.cache["report"] = report
    return report


# ---------------------------------------------------------------- rendering

def _name(data: dict, node: str, lang: str) -> str:
    return data["labels"].get(node, {}).get(lang, node)


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _sections(data: dict, lang: str) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """(title, how-it-is-computed, header, rows) for every table."""
    n = lambda node: _name(data, node, lang)  # noqa: E731
    how = lambda key: data["how"][key][lang]  # noqa: E731
    out = []
    rows = [[kind, str(s["nodes"]), str(s["edges"]), f"{s['density']:.3f}", str(s["communities"]),
             f"{s['modularity']:.3f}"] for kind, s in data["summary"].items()]
    out.append((_t(lang, "网络概况", "Networks"), how("summary"),
                [_t(lang, "投影", "projection"), _t(lang, "节点", "nodes"), _t(lang, "边", "edges"),
                 _t(lang, "密度", "density"), _t(lang, "社区", "communities"),
                 _t(lang, "模块度", "modularity")],
                rows))
    for kind, title in (("city", _t(lang, "城市中心性", "City centrality")),
                        ("cluster", _t(lang, "集群中心性", "Cluster centrality"))):
        rows = [[n(r["node"]), f"{r['strength']:.2f}", f"{r['betweenness']:.3f}", f"{r['pagerank']:.3f}",
                 f"{r.get('eigenvector', 0):.3f}", f"{r['clustering']:.3f}", str(r["core"]),
                 str(r["community"])]
                for r in data["centrality"][kind]]
        out.append((title, how("centrality"),
                    [_t(lang, "节点", "node"), _t(lang, "强度", "strength"), _t(lang, "介数", "betweenness"),
                     "PageRank", _t(lang, "特征向量", "eigenvector"), _t(lang, "聚类系数", "clustering"),
                     _t(lang, "k-核", "core"), _t(lang, "社区", "community")], rows))
    sep = "、" if lang == "zh" else ", "
    rows = [[kind, str(i), sep.join(n(m) for m in members)]
            for kind in ("city", "cluster") for i, members in enumerate(data["communities"][kind])]
    out.append((_t(lang, "社区", "Communities"), how("communities"),
                [_t(lang, "投影", "projection"), _t(lang, "社区", "community"),
                 _t(lang, "成员", "members")], rows))
    rows = [[n(r["zone_a"]), n(r["zone_b"]), str(r["edges"]), f"{r['weight']:.0f}"]
            for r in data["zone_bridges"]["totals"]]
    out.append((_t(lang, "跨区域联系（按区域对）", "Zone bridges (per pair of zones)"), how("bridges"),
                [_t(lang, "区域", "zone"), _t(lang, "区域", "zone"), _t(lang, "边数", "edges"),
                 _t(lang, "权重", "weight")], rows))
    rows = [[n(r["a"]), n(r["b"]), n(r["zone_a"]), n(r["zone_b"]), f"{r['weight']:.0f}"]
            for r in data["zone_bridges"]["top"]]
    out.append((_t(lang, "权重最大的跨区域城市对", "Heaviest cross-zone city pairs"), how("bridges"),
                [_t(lang, "城市", "city"), _t(lang, "城市", "city"), _t(lang, "区域", "zone"),
                 _t(lang, "区域", "zone"), _t(lang, "权重", "weight")], rows))
    rows = [[n(r["a"]), n(r["b"]), f"{r['cosine']:.3f}"] for r in data["city_similarity"]]
    out.append((_t(lang, "最相似的城市", "Most similar cities"), how("similarity"),
                [_t(lang, "城市", "city"), _t(lang, "城市", "city"), _t(lang, "余弦", "cosine")], rows))
    ordered = sorted(data["chain_completeness"],
                     key=lambda r: (r["place_kind"] != "zone", r["place"], r["cluster"]))
    rows = [[n(r["place"]), n(r["cluster"]), f"{r['subfields_present']}/{r['subfields_total']}",
             _pct(r["subfield_share"]), f"{r['upstream_satisfied']}/{r['upstream_links']}",
             _pct(r["upstream_share"])] for r in ordered]
    out.append((_t(lang, "产业链完整度（区域与城市）", "Chain completeness (zones and cities)"),
                how("completeness"),
                [_t(lang, "地区", "place"), _t(lang, "集群", "cluster"), _t(lang, "细分领域", "sub-fields"),
                 _t(lang, "覆盖", "share"), _t(lang, "上游配套", "upstream links"),
                 _t(lang, "比例", "share")],
                rows))
    rows = [[n(r["place"]), n(r["downstream"]), n(r["upstream"]),
             sep.join(f"{n(s['city'])} {s['km']:.0f} km" for s in r["nearest"]) or "—"]
            for r in sorted(data["chain_gaps"], key=lambda r: (r["place_kind"] != "zone", r["place"],
                                                                r["downstream"], r["upstream"]))]
    out.append((_t(lang, "产业链缺口与最近的上游城市", "Chain gaps and the nearest upstream cities"),
                how("gaps"),
                [_t(lang, "地区", "place"), _t(lang, "下游", "downstream"),
                 _t(lang, "缺少的上游", "missing upstream"),
                 _t(lang, "最近的布局城市", "nearest hosting cities")], rows))
    return out


_FIGURE_TITLES = {
    "annex1-pillar": ("附件 1 表 1 热力图", "Annex 1 table 1 heatmap"),
    "annex1-emerging": ("附件 1 表 2 热力图", "Annex 1 table 2 heatmap"),
    "city-network": ("城市网络（按经纬度）", "City network (by longitude/latitude)"),
    "cluster-network": ("集群网络", "Cluster network"),
    "chain-graph": ("产业链图", "Chain graph"),
}


def _markdown(data: dict, lang: str, figure_links: dict[str, str]) -> str:
    lines = [f"# {_t(lang, 'gdkg 网络分析报告', 'gdkg network analysis')}", ""]
    if figure_links:
        lines += [f"## {_t(lang, '图', 'Figures')}", ""]
        for name, link in figure_links.items():
            title = _FIGURE_TITLES[name][0 if lang == "zh" else 1]
            lines += [f"![{title}]({link})", ""]
    for title, how, header, rows in _sections(data, lang):
        lines += [f"## {title}", "", how, "", "| " + " | ".join(header) + " |",
                  "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


_CSS = ("body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}"
        "table{border-collapse:collapse;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}th{background:#eee}img{max-width:100%}")


def _html(data: dict, lang: str, pngs: dict[str, bytes]) -> str:
    title = _t(lang, "gdkg 网络分析报告", "gdkg network analysis")
    code = "zh-Hans" if lang == "zh" else "en"
    parts = [f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8">'
             f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>"]
    for name, png in pngs.items():
        caption = _FIGURE_TITLES[name][0 if lang == "zh" else 1]
        parts.append(f"<figure><img alt=\"{html.escape(caption)}\" src=\"data:image/png;base64,"
                     f"{base64.b64encode(png).decode('ascii')}\"><figcaption>{html.escape(caption)}</figcaption>"
                     "</figure>")
    for section, how, header, rows in _sections(data, lang):
        parts.append(f"<h2>{html.escape(section)}</h2><p>{html.escape(how)}</p><table><tr>"
                     + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def analyze(project: Project | None = None, *, fmt: str = "md", output: str | Path | None = None,
            lang: str = "zh", figures: bool = True, timer: Timer | None = None,
            source: NetworkSource | None = None, rendered: Rendered | None = None) -> bytes:
    """Build the report; with ``output`` write it (and, for md, its figures) atomically.
    ``rendered`` reuses figures already drawn by :func:`.figures.render_figures` (same language).
    Returns the report's bytes."""
    from .gephi_export import ExportError, check_destination, write_files

    if fmt not in REPORT_FORMATS:
        raise ExportError(Text(f"unknown report format {fmt!r}; choose one of {', '.join(REPORT_FORMATS)}",
                               f"未知的报告格式 {fmt!r}；可选：{', '.join(REPORT_FORMATS)}"))
    if lang not in ("zh", "en"):
        raise ExportError(Text(f"unknown language {lang!r}; choose zh or en",
                               f"未知的语言 {lang!r}；可选 zh 或 en"))
    output = Path(output) if output is not None else None
    if output is not None:
        check_destination(output)
    wants_figures = figures and fmt != "json" and (fmt == "html" or output is not None)
    if wants_figures and rendered is None:  # fail before the work, not after it
        require_plot_extra()
    timer = timer or Timer()
    source = source or NetworkSource.open(project)
    data = compute(source, timer)
    files: dict[Path, bytes] = {}
    if not wants_figures:
        rendered = None
    elif rendered is None:
        with timer.stage("figures"):
            rendered = render_figures(source, lang, formats=("png", "svg") if fmt == "md" else ("png",))
    if fmt == "json":
        public = {k: v for k, v in data.items()}
        text = json.dumps(public, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    elif fmt == "html":
        pngs = {name: rendered.files[f"{name}.png"] for name in _FIGURE_TITLES} if rendered else {}
        text = _html(data, lang, pngs)
    else:
        links = {}
        if rendered is not None:
            folder = output.with_name(output.stem + "-figures")
            for filename, content in rendered.files.items():
                files[folder / filename] = content
            links = {name: f"{folder.name}/{name}.svg" for name in _FIGURE_TITLES}
        text = _markdown(data, lang, links)
    body = text.encode("utf-8")
    if output is not None:
        files[output] = body
        folders = sorted({path.parent for path in files if not path.parent.exists()})
        with timer.stage("write"):
            for folder in folders:
                folder.mkdir()
            try:
                write_files(files)
            except ExportError:
                for folder in folders:  # nothing half-written: no empty figure folder either
                    if folder.is_dir() and not any(folder.iterdir()):
                        folder.rmdir()
                raise
    return body
