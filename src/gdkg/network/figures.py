"""Figures of the networks (matplotlib, behind the ``plot`` extra).

* ``annex1-pillar`` / ``annex1-emerging``: the cluster × city heatmaps of both tables of 附件 1;
* ``city-network``: the city graph placed by longitude/latitude, coloured by zone;
* ``cluster-network``: the cluster graph (seeded spring layout), pillar vs emerging;
* ``chain-graph``: the directed chain graph of the linked sub-fields, coloured by cluster.

Each as PNG and SVG. Chinese labels use a CJK font: Noto Sans CJK SC from the ``mplfonts``
wheel (part of the ``plot`` extra), else Debian's ``fonts-noto-cjk``, else the file named by
``$GDKG_CJK_FONT``. Output is reproducible: seeded layouts, no dates in the files, a fixed SVG
hash salt.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..language import Text
from .metrics import SEED
from .projections import NetworkError, NetworkSource, projection

FIGURES = ("annex1-pillar", "annex1-emerging", "city-network", "cluster-network", "chain-graph")
FIGURE_FORMATS = ("png", "svg")
DEBIAN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")


class PlotExtraMissing(NetworkError):
    """matplotlib or a CJK font is not installed."""


def cjk_font_path() -> Path:
    """The CJK font file the figures use (see the module docstring for the search order)."""
    if os.environ.get("GDKG_CJK_FONT"):
        path = Path(os.environ["GDKG_CJK_FONT"])
        if path.is_file():
            return path
        raise PlotExtraMissing(Text(f"$GDKG_CJK_FONT names {path}, which is not a file",
                                    f"$GDKG_CJK_FONT 指向 {path}，它不是文件"))
    try:
        from importlib.resources import files

        bundled = Path(str(files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"))
        if bundled.is_file():
            return bundled
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    for candidate in DEBIAN_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise PlotExtraMissing(Text("no CJK font for the Chinese labels: pip install 'gdkg[plot]' (brings "
                                "mplfonts) "
                                "or apt-get install fonts-noto-cjk, or set GDKG_CJK_FONT to a "
                                ".otf/.ttf/.ttc file",
                                "没有可显示中文标签的 CJK 字体：请运行 pip install 'gdkg[plot]'（附带 "
                                "mplfonts）"
                                "或 apt-get install fonts-noto-cjk，或把 GDKG_CJK_FONT 设为一个 "
                                ".otf/.ttf/.ttc 文件"))


def _matplotlib():
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise PlotExtraMissing(Text("figures need the plot extra: pip install 'gdkg[plot]' "
                                    "(or leave the figures out with --no-figures)",
                                    "作图需要 plot 扩展：pip install 'gdkg[plot]'"
                                    "（或用 --no-figures 不作图）")) from exc
    return matplotlib, Figure, FigureCanvasAgg


def require_plot_extra() -> Path:
    """Raise :class:`PlotExtraMissing` unless matplotlib and a CJK font are installed; the font."""
    _matplotlib()
    return cjk_font_path()


@dataclass
class Rendered:
    """The figures as file contents, and every text drawn (to check the font covers it)."""

    files: dict[str, bytes] = field(default_factory=dict)   # "city-network.png" → bytes
    texts: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    font: Path | None = None


def render_figures(source: NetworkSource, lang: str = "zh", formats=FIGURE_FORMATS,
                   only: tuple[str, ...] = FIGURES) -> Rendered:
    """Draw the figures in memory."""
    matplotlib, Figure, FigureCanvasAgg = _matplotlib()
    from matplotlib import font_manager

    font = cjk_font_path()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    rendered = Rendered(font=font)
    settings = {"font.family": [family], "font.sans-serif": [family], "axes.unicode_minus": False,
                "svg.hashsalt": "gdkg", "svg.fonttype": "path", "figure.dpi": 100}
    with matplotlib.rc_context(settings), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in only:
            figure = Figure(figsize=(12, 8) if "annex1" not in name else (13, 6.5))
            FigureCanvasAgg(figure)
            _DRAW[name](figure, source, lang)
            figure.tight_layout()
            for text in figure.findobj(matplotlib.text.Text):
                if text.get_text():
                    rendered.texts.add(text.get_text())
            for fmt in formats:
                buffer = io.BytesIO()
                metadata = {"Date": None} if fmt == "svg" else {"Software": "gdkg"}
                figure.savefig(buffer, format=fmt, metadata=metadata)
                rendered.files[f"{name}.{fmt}"] = buffer.getvalue()
    # font or glyph problems, not a garbage-collected file somebody else left open
    rendered.warnings = [str(w.message) for w in caught if not issubclass(w.category, ResourceWarning)]
    return rendered


def write_figures(out_dir: str | Path, lang: str = "zh", project=None, source: NetworkSource | None = None,
            formats=FIGURE_FORMATS) -> list[Path]:
    """Write the figures into ``out_dir`` (created if needed); returns the paths."""
    from .gephi_export import write_files

    source = source or NetworkSource.open(project)
    rendered = render_figures(source, lang, formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {out / name: data for name, data in sorted(rendered.files.items())}
    write_files(files)
    return list(files)


def _label(data: dict, lang: str) -> str:
    return data.get(f"label_{lang}") or data.get("label_zh") or ""


def _text(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _annex(kind: str):
    def draw(figure, source: NetworkSource, lang: str) -> None:
        graph = projection("bipartite", source=source)
        cities = sorted((n for n, d in graph.nodes(data=True) if d["type"] == "City"),
                        key=lambda n: graph.nodes[n].get("order", 99))
        clusters = sorted((n for n, d in graph.nodes(data=True) if d.get("category") == kind),
                          key=lambda n: graph.nodes[n].get("order", 99))
        values = [[0] * len(cities) for _ in clusters]
        for i, cluster in enumerate(clusters):
            for j, city in enumerate(cities):
                data = graph.get_edge_data(city, cluster, key="designation")
                values[i][j] = data["level"] if data else 0
        ax = figure.add_subplot(1, 1, 1)
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap(["#f4f4f4", "#c6dbef", "#6baed6", "#08519c"])
        image = ax.imshow(values, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
        ax.set_xticks(range(len(cities)), [_label(graph.nodes[c], lang) for c in cities], rotation=60,
                      ha="right")
        ax.set_yticks(range(len(clusters)), [_label(graph.nodes[c], lang) for c in clusters])
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                            color="white" if value == 3 else "black")
        bar = figure.colorbar(image, ax=ax, ticks=[0, 1, 2, 3], fraction=0.03)
        bar.ax.set_yticklabels([_text(lang, "未标星", "none"), _text(lang, "一般 ★", "general ★"),
                                _text(lang, "重点 ★★", "key ★★"), _text(lang, "核心 ★★★", "core ★★★")])
        title = {"pillar": _text(lang, "附件 1 表 1：十大战略性支柱产业集群 × 城市",
                                 "Annex 1 table 1: the 10 pillar clusters × cities"),
                 "emerging": _text(lang, "附件 1 表 2：十大战略性新兴产业集群 × 城市",
                                   "Annex 1 table 2: the 10 emerging clusters × cities")}[kind]
        ax.set_title(title)
    return draw


def _zone_colours(graph: nx.Graph) -> dict[str, str]:
    import matplotlib

    zones = sorted({d.get("zone", "") for _, d in graph.nodes(data=True)})
    cmap = matplotlib.colormaps["tab10"]
    return {zone: matplotlib.colors.to_hex(cmap(i)) for i, zone in enumerate(zones)}


def _city_network(figure, source: NetworkSource, lang: str) -> None:
    graph = projection("city", source=source)
    pos = {n: (d["lon"], d["lat"]) for n, d in graph.nodes(data=True)}
    ax = figure.add_subplot(1, 1, 1)
    top = max((w for *_, w in graph.edges(data="weight")), default=1)
    for u, v, weight in sorted(graph.edges(data="weight"), key=lambda e: e[2]):
        ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color="#555555",
                linewidth=0.3 + 3.5 * (weight / top) ** 2, alpha=0.15 + 0.6 * (weight / top) ** 2, zorder=1)
    colours = _zone_colours(graph)
    strength = dict(graph.degree(weight="weight"))
    big = max(strength.values(), default=1)
    for zone, colour in colours.items():
        members = [n for n, d in graph.nodes(data=True) if d.get("zone", "") == zone]
        zone_label = graph.nodes[members[0]].get(f"zone_{lang}", zone)
        ax.scatter([pos[n][0] for n in members], [pos[n][1] for n in members], color=colour, zorder=2,
                   s=[60 + 540 * strength[n] / big for n in members], label=zone_label, edgecolor="white")
    for node, data in graph.nodes(data=True):
        ax.annotate(_label(data, lang), pos[node], xytext=(5, 5), textcoords="offset points", fontsize=10)
    ax.legend(loc="upper left", fontsize=9, markerscale=0.5)
    ax.margins(0.06)
    ax.set_xlabel(_text(lang, "经度 (°E)", "longitude (°E)"))
    ax.set_ylabel(_text(lang, "纬度 (°N)", "latitude (°N)"))
    ax.set_aspect(1.0 / 0.92)  # ~cos(23°): degrees of longitude are shorter
    ax.set_title(_text(lang, "城市网络：共有集群（按星级加权）与共有细分领域；按区域着色",
                       "City network: shared clusters (level-weighted) and sub-fields; coloured by zone"))


def _cluster_network(figure, source: NetworkSource, lang: str) -> None:
    graph = projection("cluster", source=source)
    pos = nx.spring_layout(graph, weight="weight", seed=SEED)
    ax = figure.add_subplot(1, 1, 1)
    top = max((w for *_, w in graph.edges(data="weight")), default=1)
    for u, v, weight in sorted(graph.edges(data="weight"), key=lambda e: e[2]):
        ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color="#555555",
                linewidth=0.3 + 4 * weight / top, alpha=0.2 + 0.6 * weight / top, zorder=1)
    for category, colour, zh, en in (("pillar", "#d95f02", "支柱产业集群", "pillar clusters"),
                                     ("emerging", "#1b9e77", "新兴产业集群", "emerging clusters")):
        members = [n for n, d in graph.nodes(data=True) if d.get("category") == category]
        ax.scatter([pos[n][0] for n in members], [pos[n][1] for n in members], s=260, color=colour,
                   label=_text(lang, zh, en), zorder=2, edgecolor="white")
    for node, data in graph.nodes(data=True):
        ax.annotate(_label(data, lang), pos[node], xytext=(6, 6), textcoords="offset points", fontsize=9)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_axis_off()
    ax.set_title(_text(lang, "集群网络：同城布局余弦 + 共有企业 + 上下游与应用关联",
                       "Cluster network: co-location cosine + shared enterprises + chain and "
                       "application links"))


def _chain_graph(figure, source: NetworkSource, lang: str) -> None:
    import matplotlib

    full = projection("chain", source=source)
    table = source.nodes()
    graph = full.subgraph([n for n in full if full.degree(n) > 0]).copy()
    pos = nx.spring_layout(graph, seed=SEED, k=0.35)
    ax = figure.add_subplot(1, 1, 1)
    clusters = sorted({d.get("cluster", "") for _, d in graph.nodes(data=True)})
    cmap = matplotlib.colormaps["tab20"]
    colour = {c: cmap(i % 20) for i, c in enumerate(clusters)}
    for u, v, kind in graph.edges(data="kind"):
        ax.annotate("", xy=pos[v], xytext=pos[u], zorder=1,
                    arrowprops={"arrowstyle": "-|>", "color": "#444444" if kind == "supply" else "#9e9ac8",
                                "linewidth": 0.8, "shrinkA": 6, "shrinkB": 6,
                                "linestyle": "-" if kind == "supply" else "--"})
    ax.scatter([pos[n][0] for n in graph], [pos[n][1] for n in graph], s=70, zorder=2, edgecolor="white",
               color=[colour[graph.nodes[n].get("cluster", "")] for n in graph])
    for node, data in graph.nodes(data=True):
        ax.annotate(_label(data, lang), pos[node], xytext=(4, 3), textcoords="offset points", fontsize=6.5)
    handles = [matplotlib.lines.Line2D([], [], marker="o", linestyle="", color=colour[c],
                                       label=_label(table.get(c, {}), lang) or c)
               for c in clusters if c]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    ax.set_axis_off()
    ax.set_title(_text(lang, "产业链图：上游→下游（实线），技术→应用（虚线）；按集群着色",
                       "Chain graph: upstream → downstream (solid), technology → application (dashed)"))


_DRAW = {"annex1-pillar": _annex("pillar"), "annex1-emerging": _annex("emerging"),
         "city-network": _city_network, "cluster-network": _cluster_network, "chain-graph": _chain_graph}
