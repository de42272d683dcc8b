"""Gephi-ready files of the projections: GEXF 1.3, GraphML, CSV (Gephi's node and edge
tables) and node-link JSON (read by networkx and graphology).

Every file carries, per node: ``id`` = CURIE, ``label`` in the chosen language, ``label_zh``,
``label_en``, ``type`` and, where the graph has them, ``zone``, ``admin_code``, ``lat``/``lon``
(Gephi's Geo Layout reads them), ``category`` (pillar/emerging), the metrics of
:mod:`.metrics` (``community`` among them) and visual attributes: colour (cities by zone,
clusters by pillar/emerging, chain nodes by cluster, kg nodes by type), size (by strength) and
position (the city graph from longitude/latitude, north up; cluster nodes of the bipartite graph
at the mean position of their cities, weighted by edge weight; the other graphs on a circle, ordered by
community).
Per edge: ``weight`` and the per-kind attributes of the projection.

Every attribute has one declared type; ``None`` is left out, lists become ``;``-joined strings
and nothing else than bool/int/float/str reaches a writer. Nodes and edges are written sorted,
so two exports of the same graph are byte-identical. Files are written atomically.
"""

from __future__ import annotations

import colorsys
import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from ..language import Text, os_reason
from ..language import fmt as pair
from ..project import Project
from .metrics import add_metrics
from .projections import NetworkError, NetworkSource, check_kind, checked_choice, projection

FORMATS = ("gexf", "graphml", "csv", "json")
SUFFIX = {"gexf": ".gexf", "graphml": ".graphml", "csv": ".csv", "json": ".json"}


class ExportError(NetworkError):
    """A bad format, or a destination that cannot be written."""


def check_format(fmt: str) -> str:
    return checked_choice(fmt, FORMATS, Text("format", "格式"), ExportError, close=1)


# ---------------------------------------------------------------- attributes

def _plain(value):
    """bool/int/float/str, a ';'-joined string for a collection, or None to leave the value out."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return ";".join(str(item) for item in items)
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return str(value)


def _unify(rows: Iterable[dict]) -> None:
    """Give every attribute one type across all rows: int+float → float, anything with str → str."""
    rows = list(rows)
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for key, value in row.items():
            kinds.setdefault(key, set()).add(type(value))
    for key, types in kinds.items():
        if len(types) <= 1:
            continue
        target = float if types <= {int, float} else str
        for row in rows:
            if key in row:
                value = row[key]
                row[key] = (str(value).lower() if isinstance(value, bool) else str(value)) \
                    if target is str else float(value)


def _palette(n: int) -> list[tuple[int, int, int]]:
    """``n`` distinct colours, evenly spaced in hue (fixed saturation and value)."""
    return [tuple(round(255 * c) for c in colorsys.hsv_to_rgb(i / max(n, 1), 0.65, 0.85)) for i in range(n)]


def _colour_key(kind: str, data: dict) -> str:
    if kind == "kg":
        return data.get("type", "")
    if kind == "chain":
        return data.get("cluster", "")
    if data.get("type") == "City":
        return data.get("zone", "")
    return data.get("category", data.get("type", ""))


def _circle(nodes: list[str], radius: float = 1000.0) -> dict[str, tuple[float, float]]:
    n = max(len(nodes), 1)
    angle = 2 * math.pi / n
    return {node: (round(radius * math.cos(angle * i), 3), round(radius * math.sin(angle * i), 3))
            for i, node in enumerate(nodes)}


def _positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """City nodes from lon/lat (equirectangular, ~1 unit per km, north up); a bipartite cluster
    at the weighted mean of its cities; otherwise a circle ordered by community then id."""
    geo = {n: (d["lon"], d["lat"]) for n, d in graph.nodes(data=True) if "lat" in d and "lon" in d}
    kind = graph.graph.get("kind")
    if geo and kind in ("city", "bipartite"):
        lat0 = sum(lat for _, lat in geo.values()) / len(geo)
        lon0 = sum(lon for lon, _ in geo.values()) / len(geo)
        scale = 111.32  # km per degree of latitude
        shrink = math.cos(math.radians(lat0))
        pos = {n: (round((lon - lon0) * scale * shrink, 3), round((lat - lat0) * scale, 3))
               for n, (lon, lat) in geo.items()}
        for node in graph.nodes:
            if node in pos or graph.is_directed():
                continue
            # a cluster sits at the centre of gravity of its cities, weighted by the edge weights
            pulls = [(pos[m], w) for _, m, w in graph.edges(node, data="weight", default=1) if m in pos]
            total = sum(w for _, w in pulls)
            if total > 0:
                pos[node] = (round(sum(p[0] * w for p, w in pulls) / total, 3),
                             round(sum(p[1] * w for p, w in pulls) / total, 3))
        if len(pos) == graph.number_of_nodes():
            return pos
    ordered = sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("community", 0), n))
    return _circle(ordered, radius=max(300.0, 20.0 * len(ordered)))


def gephi_ready(graph: nx.Graph, lang: str = "zh", metrics: bool = True) -> nx.Graph:
    """A copy of ``graph`` with metrics, ``label``, ``viz`` and plain typed attributes only."""
    if lang not in ("zh", "en"):
        raise _unknown_lang(lang)
    graph = graph.copy()
    if metrics:
        add_metrics(graph)
    kind = graph.graph.get("kind", "")
    keys = sorted({_colour_key(kind, d) for _, d in graph.nodes(data=True)})
    colours = dict(zip(keys, _palette(len(keys)), strict=True))
    strengths = [d.get("strength", 0) for _, d in graph.nodes(data=True)]
    top = max(strengths, default=0) or 1
    pos = _positions(graph)
    for node, data in graph.nodes(data=True):
        data["label"] = data.get(f"label_{lang}") or node
        for extra in ("zone",):
            if f"{extra}_{lang}" in data:
                data[f"{extra}_label"] = data[f"{extra}_{lang}"]
        r, g, b = colours[_colour_key(kind, data)]
        size = round(5 + 25 * math.sqrt(max(data.get("strength", 0), 0) / top), 3)
        x, y = pos.get(node, (0.0, 0.0))
        clean = {k: _plain(v) for k, v in data.items()}
        data.clear()
        data.update({k: v for k, v in clean.items() if v is not None})
        data.update({"r": r, "g": g, "b": b, "x": x, "y": y, "size": size})
    _unify(d for _, d in graph.nodes(data=True))
    edge_rows = [d for *_, d in graph.edges(data=True)]
    for data in edge_rows:
        clean = {k: _plain(v) for k, v in data.items() if k != "distance"}
        data.clear()
        data.update({k: v for k, v in clean.items() if v is not None})
        data.setdefault("weight", 1)
    _unify(edge_rows)
    for key in ("weight",):  # Gephi reads weight as a double
        for data in edge_rows:
            data[key] = float(data[key])
    graph.graph = {"kind": kind, "lang": lang}
    return graph


# ---------------------------------------------------------------- writers

def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.3 with viz colour/size/position and declared attributes."""
    from xml.etree.ElementTree import tostring

    from networkx.readwrite.gexf import GEXFWriter

    written = nx.MultiDiGraph() if graph.is_directed() and graph.is_multigraph() else graph.__class__()
    written.graph.update(graph.graph)
    for node, data in graph.nodes(data=True):
        data = dict(data)
        viz = {"color": {"r": data.pop("r"), "g": data.pop("g"), "b": data.pop("b"), "a": 1.0},
               "size": data.pop("size"),
               "position": {"x": data.pop("x"), "y": data.pop("y"), "z": 0.0}}
        written.add_node(node, viz=viz, **data)
    if graph.is_multigraph():
        for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
            written.add_edge(u, v, key=key, id=f"e{i}", **data)
    else:
        for i, (u, v, data) in enumerate(graph.edges(data=True)):
            written.add_edge(u, v, id=f"e{i}", **data)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
    writer.add_graph(written)
    for element in writer.xml.iter("graph"):  # GEXF 1.3 has no graph name attribute
        element.attrib.pop("name", None)
    for meta in writer.xml.iter("meta"):  # a date would make two exports differ
        meta.attrib.pop("lastmodifieddate", None)
        for creator in meta.iter("creator"):
            creator.text = "gdkg (networkx GEXF writer)"
    writer.indent(writer.xml)
    body = tostring(writer.xml, encoding="utf-8", xml_declaration=False)
    # networkx writes the XML Schema instance namespace without "www." (so xsi:schemaLocation
    # would be an unknown attribute to a validator)
    body = body.replace(b'"http://w3.org/2001/XMLSchema-instance"', b'"http://www.w3.org/2001/XMLSchema-instance"')
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML; Gephi maps the ``label``, ``weight``, ``r``/``g``/``b``, ``x``/``y`` and ``size``
    keys to the label, weight, colour, position and size."""
    written = graph.copy()
    if written.is_multigraph():
        for i, (_, _, _, data) in enumerate(written.edges(keys=True, data=True)):
            data["id"] = f"e{i}"
    else:
        for i, (_, _, data) in enumerate(written.edges(data=True)):
            data["id"] = f"e{i}"
    text = "\n".join(nx.generate_graphml(written, encoding="utf-8", prettyprint=True,
                                         named_key_ids=True, edge_id_from_attribute="id"))
    # the edge id is the <edge id="…"> attribute; networkx also repeats it as a data key, which
    # igraph (and Gephi) would import as a second, clashing "id" column
    text = re.sub(r'\n\s*<key id="id" for="edge"[^>]*/>', "", text)
    text = re.sub(r'\n\s*<data key="id">[^<]*</data>', "", text)
    # GraphML booleans are xsd:boolean (true/false); networkx writes Python's True/False
    booleans = re.findall(r'<key id="([^"]+)" for="(?:node|edge)" attr.name="[^"]+" '
                          r'attr.type="boolean"', text)
    for key in booleans:
        text = re.sub(rf'(<data key="{re.escape(key)}">)(True|False)(</data>)',
                      lambda m: m.group(1) + m.group(2).lower() + m.group(3), text)
    return (text + "\n").encode("utf-8")


def to_csv(graph: nx.Graph) -> tuple[bytes, bytes]:
    """Gephi's spreadsheet tables: nodes ``Id,Label,…`` and edges ``Source,Target,Type,Id,Weight,…``."""
    node_keys = sorted({k for _, d in graph.nodes(data=True) for k in d} - {"label"})
    edge_keys = sorted({k for *_, d in graph.edges(data=True) for k in d} - {"weight", "label"})
    direction = "Directed" if graph.is_directed() else "Undirected"

    def table(header: list[str], rows: Iterable[list]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        return out.getvalue().encode("utf-8")

    nodes = table(["Id", "Label", *node_keys],
                  ([node, data.get("label", node), *(data.get(k) for k in node_keys)]
                   for node, data in graph.nodes(data=True)))
    edges = table(["Source", "Target", "Type", "Id", "Weight", *edge_keys],
                  ([u, v, direction, f"e{i}", data.get("weight", 1.0), *(data.get(k) for k in edge_keys)]
                   for i, (u, v, data) in enumerate(graph.edges(data=True))))
    return nodes, edges


def _cell(value) -> object:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else value


def to_json(graph: nx.Graph) -> bytes:
    """Node-link JSON read by both ``networkx.node_link_graph(data, name="key", edges="edges")``
    and graphology's ``Graph.from(data)`` / ``graph.import(data)``: each node and edge has its
    ``key``, its ``attributes`` (graphology) and the same attributes at the top level (networkx)."""
    nodes = [{"key": node, **data, "attributes": dict(data)} for node, data in graph.nodes(data=True)]
    edges = []
    items = graph.edges(keys=True, data=True) if graph.is_multigraph() else \
        ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for i, (u, v, key, data) in enumerate(items):
        attrs = dict(data)
        if key is not None:
            attrs["networkx_key"] = str(key)
        edges.append({"key": f"e{i}", "source": u, "target": v, **attrs, "attributes": dict(attrs)})
    document = {
        "directed": graph.is_directed(), "multigraph": graph.is_multigraph(), "graph": dict(graph.graph),
        "attributes": dict(graph.graph),
        "options": {"type": "directed" if graph.is_directed() else "undirected",
                    "multi": graph.is_multigraph(), "allowSelfLoops": True},
        "nodes": nodes, "edges": edges}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def render(graph: nx.Graph, fmt: str) -> dict[str, bytes]:
    """The file contents of ``graph`` (already :func:`gephi_ready`) in ``fmt``, by file role
    (``main``; for csv ``nodes`` and ``edges``)."""
    fmt = check_format(fmt)
    if fmt == "csv":
        nodes, edges = to_csv(graph)
        return {"nodes": nodes, "edges": edges}
    return {"main": {"gexf": to_gexf, "graphml": to_graphml, "json": to_json}[fmt](graph)}


def csv_paths(output: Path) -> dict[str, Path]:
    """``out/city.csv`` → ``out/city-nodes.csv`` and ``out/city-edges.csv``."""
    stem = output.name[:-4] if output.name.lower().endswith(".csv") else output.name
    return {"nodes": output.with_name(f"{stem}-nodes.csv"), "edges": output.with_name(f"{stem}-edges.csv")}


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place; on any
    error nothing is left behind (no half-written or partial set of files)."""
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, content in files.items():
            folder = path.parent if str(path.parent) else Path(".")
            if path.is_dir():
                raise _is_directory(path)
            if not folder.is_dir():
                raise _no_folder(path, folder)
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            except OSError as exc:
                raise _cannot_write(path, os_reason(exc)) from exc
            temporaries.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            mode = 0o666 & ~_umask()
            os.chmod(tmp, mode)
        for tmp, path in temporaries:
            os.replace(tmp, path)
    except OSError as exc:
        raise _cannot_write(exc.filename or Text("the output", "输出"), os_reason(exc)) from exc
    finally:
        for tmp, _ in temporaries:
            if tmp.exists():
                tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def export(kind: str, fmt: str = "gexf", output: str | Path | None = None, *, lang: str = "zh",
           project: Project | None = None, source: NetworkSource | None = None,
           graph: nx.Graph | None = None) -> dict[str, Path] | dict[str, bytes]:
    """Export the ``kind`` projection in ``fmt``. With ``output`` the file(s) are written
    atomically and their paths returned (csv: ``…-nodes.csv`` and ``…-edges.csv``); without it
    the contents are returned as bytes."""
    check_kind(kind)
    check_format(fmt)
    if lang not in ("zh", "en"):
        raise _unknown_lang(lang)
    if output is not None:
        output = Path(output)
        check_destination(output if fmt != "csv" else csv_paths(output)["nodes"])
    ready = gephi_ready(graph if graph is not None else projection(kind, project, source=source), lang)
    contents = render(ready, fmt)
    if output is None:
        return contents
    paths = csv_paths(output) if fmt == "csv" else {"main": output}
    write_files({paths[role]: data for role, data in contents.items()})
    return paths


def check_destination(path: Path) -> None:
    """Fail before any work when the output cannot be written."""
    if path.is_dir():
        raise _is_directory(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _no_folder(path, folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot_write(path, pair("folder {folder} is not writable", "文件夹 {folder} 不可写",
                                       folder=folder))
    if path.exists() and not os.access(path, os.W_OK):
        raise _cannot_write(path, Text("the file is read-only", "该文件是只读的"))


def _unknown_lang(lang: str) -> ExportError:
    return ExportError(pair("unknown language {lang}; choose zh or en", "未知的语言 {lang}；可选 zh 或 en",
                            lang=repr(lang)))


def _is_directory(path: Path) -> ExportError:
    return ExportError(pair("{path} is a directory; give a file name", "{path} 是目录；请给出文件名",
                            path=path))


def _no_folder(path: Path, folder: Path) -> ExportError:
    return _cannot_write(path, pair("folder {folder} does not exist", "文件夹 {folder} 不存在",
                                    folder=folder))


def _cannot_write(path, reason) -> ExportError:
    return ExportError(pair("cannot write {path}: {reason}", "无法写入 {path}：{reason}", path=path,
                            reason=reason))
