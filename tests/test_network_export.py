"""Every projection in every format, read back by real readers: networkx (GEXF, GraphML,
node-link JSON), the csv module (Gephi's tables), igraph (GraphML) and graphology — the
library Gephi Lite is built on — through graphology-gexf and its JSON import."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from conftest import gdkg
from gdkg.network import KINDS, projection
from gdkg.network.gephi_export import FORMATS, csv_paths, gephi_ready, render, write_files
from gdkg.network.metrics import measured_projection

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "gexf"
if not SCHEMAS.is_dir():  # worktrees live in /work/wt/<branch>; the checkout in /work/main
    SCHEMAS = Path("/work/shared/schemas/gexf")
VIZ = "{http://gexf.net/1.3/viz}"
VISUAL = {"r", "g", "b", "x", "y", "size"}


@pytest.fixture(scope="module")
def ready(network_source):
    """The Gephi-ready graph of every kind (metrics computed once)."""
    return {kind: gephi_ready(measured_projection(kind, network_source), "zh", metrics=False)
            for kind in KINDS}


@pytest.fixture(scope="module")
def exported(ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for kind, graph in ready.items():
        for fmt in FORMATS:
            contents = render(graph, fmt)
            target = folder / f"{kind}.{fmt}"
            files = csv_paths(target) if fmt == "csv" else {"main": target}
            write_files({files[role]: data for role, data in contents.items()})
            paths[kind, fmt] = files
    return paths


def _same_value(written, read) -> bool:
    if isinstance(written, float) or isinstance(read, float):
        return float(read) == pytest.approx(float(written), rel=1e-9, abs=1e-12)
    return written == read


def _check_nodes(graph: nx.Graph, back: nx.Graph, skip=frozenset()) -> None:
    assert sorted(map(str, back.nodes)) == sorted(graph.nodes)
    for node, data in graph.nodes(data=True):
        got = back.nodes[node]
        for key, value in data.items():
            if key in skip:
                continue
            assert key in got, (node, key)
            assert _same_value(value, got[key]), (node, key, value, got[key])


def _check_edges(graph: nx.Graph, back: nx.Graph) -> None:
    """Every attribute of every edge, with its type (for graphs without parallel edges)."""
    if graph.is_multigraph():
        return
    for u, v, data in graph.edges(data=True):
        got = back.edges[u, v]
        for key, value in data.items():
            assert type(got[key]) is type(value) or isinstance(value, float), (u, v, key, got[key])
            assert _same_value(value, got[key]), (u, v, key, value, got[key])


def _edge_weights(graph: nx.Graph) -> float:
    return round(sum(float(w) for *_, w in graph.edges(data="weight")), 6)


# ---------------------------------------------------------------- networkx

@pytest.mark.parametrize("kind", KINDS)
def test_gexf_read_by_networkx(kind, ready, exported):
    graph = ready[kind]
    back = nx.read_gexf(exported[kind, "gexf"]["main"])
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.is_directed() == graph.is_directed()
    _check_nodes(graph, back, skip=VISUAL)
    _check_edges(graph, back)
    assert _edge_weights(back) == _edge_weights(graph)
    # every edge attribute survives with its value
    edge_keys = {k for *_, d in graph.edges(data=True) for k in d}
    read_keys = {k for *_, d in back.edges(data=True) for k in d}
    assert edge_keys <= read_keys
    # viz: colour, size and position on every node
    for node, data in graph.nodes(data=True):
        viz = back.nodes[node]["viz"]
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == (data["r"], data["g"], data["b"])
        assert viz["size"] == pytest.approx(data["size"])
        assert (viz["position"]["x"], viz["position"]["y"]) == pytest.approx((data["x"], data["y"]))


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_read_by_networkx(kind, ready, exported):
    graph = ready[kind]
    back = nx.read_graphml(exported[kind, "graphml"]["main"])
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    _check_nodes(graph, back)
    _check_edges(graph, back)
    assert _edge_weights(back) == _edge_weights(graph)


@pytest.mark.parametrize("kind", KINDS)
def test_json_read_by_networkx(kind, ready, exported):
    graph = ready[kind]
    data = json.loads(exported[kind, "json"]["main"].read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, name="key", edges="edges")
    assert back.is_directed() == graph.is_directed() and back.is_multigraph() == graph.is_multigraph()
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    _check_nodes(graph, back)
    _check_edges(graph, back)
    assert _edge_weights(back) == _edge_weights(graph)


@pytest.mark.parametrize("kind", KINDS)
def test_csv_is_gephi_node_and_edge_tables(kind, ready, exported):
    graph = ready[kind]
    files = exported[kind, "csv"]
    with files["nodes"].open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    with files["edges"].open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        edges = list(reader)
        header = reader.fieldnames
    assert list(nodes[0])[:2] == ["Id", "Label"]
    assert header[:5] == ["Source", "Target", "Type", "Id", "Weight"]
    assert len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()
    assert {row["Id"] for row in nodes} == set(graph.nodes)
    for row in nodes:
        data = graph.nodes[row["Id"]]
        assert row["Label"] == data["label"] and row["label_en"] == data["label_en"]
        if "lat" in data:
            assert float(row["lat"]) == pytest.approx(data["lat"])
    assert {row["Type"] for row in edges} == {"Directed" if graph.is_directed() else "Undirected"}
    assert round(sum(float(row["Weight"]) for row in edges), 6) == _edge_weights(graph)
    back = nx.MultiDiGraph() if graph.is_directed() else nx.MultiGraph()
    back.add_edges_from((row["Source"], row["Target"]) for row in edges)
    assert set(back.nodes) <= set(graph.nodes)


# ---------------------------------------------------------------- igraph

@pytest.mark.parametrize("kind", KINDS)
def test_graphml_read_by_igraph(kind, ready, exported):
    igraph = pytest.importorskip("igraph", reason="igraph is in the test extra")
    graph = ready[kind]
    back = igraph.Graph.Read_GraphML(str(exported[kind, "graphml"]["main"]))
    assert back.vcount() == graph.number_of_nodes()
    assert back.ecount() == graph.number_of_edges()
    assert back.is_directed() == graph.is_directed()
    by_id = {v["id"]: v for v in back.vs}
    assert set(by_id) == set(graph.nodes)
    for node, data in graph.nodes(data=True):
        assert by_id[node]["label_zh"] == data["label_zh"]
        assert by_id[node]["label_en"] == data["label_en"]
        if "lat" in data:
            assert by_id[node]["lat"] == pytest.approx(data["lat"])
    assert round(sum(back.es["weight"]), 6) == _edge_weights(graph)


# ---------------------------------------------------------------- graphology (Gephi Lite)

READER_JS = r"""
const fs = require('fs');
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const out = {};
for (const path of process.argv.slice(2)) {
  const text = fs.readFileSync(path, 'utf-8');
  const graph = path.endsWith('.gexf') ? gexf.parse(Graph.MultiGraph, text) : Graph.from(JSON.parse(text));
  const nodes = {};
  graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
  let weight = 0;
  graph.forEachEdge((key, attrs) => { weight += attrs.weight; });
  out[path] = {order: graph.order, size: graph.size, type: graph.type, nodes, weight};
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="session")
def graphology(tmp_path_factory):
    """graphology and graphology-gexf from npm, installed under a temporary folder."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip(f"npm/node not installed (npm: {npm}, node: {node}); graphology checks need them")
    folder = tmp_path_factory.mktemp("graphology")
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder),
                           "graphology@0.26", "graphology-gexf@0.13"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"npm install failed: {done.stderr[-2000:]}"
    script = folder / "read.js"
    script.write_text(READER_JS, encoding="utf-8")

    def read(paths: list[Path]) -> dict:
        run = subprocess.run([node, str(script), *map(str, paths)], capture_output=True, text=True,
                             timeout=300, cwd=folder)
        assert run.returncode == 0, run.stderr[-3000:]
        return {Path(k).name: v for k, v in json.loads(run.stdout).items()}

    return read


def test_graphology_reads_gexf_and_json(ready, exported, graphology):
    paths = [exported[kind, fmt]["main"] for kind in KINDS for fmt in ("gexf", "json")]
    found = graphology(paths)
    for kind in KINDS:
        graph = ready[kind]
        for fmt in ("gexf", "json"):
            got = found[f"{kind}.{fmt}"]
            counts = (graph.number_of_nodes(), graph.number_of_edges())
            assert (got["order"], got["size"]) == counts, (kind, fmt)
            assert round(got["weight"], 6) == _edge_weights(graph), (kind, fmt)
            for node, data in graph.nodes(data=True):
                attrs = got["nodes"][node]
                assert attrs["label"] == data["label"]
                assert attrs["label_zh"] == data["label_zh"] and attrs["label_en"] == data["label_en"]
                if "lat" in data:
                    assert (attrs["lat"], attrs["lon"]) == pytest.approx((data["lat"], data["lon"]))
        assert found[f"{kind}.json"]["type"] == ("directed" if graph.is_directed() else "undirected")


# ---------------------------------------------------------------- the files themselves

@pytest.mark.parametrize("kind", KINDS)
def test_gexf_against_the_schema(kind, exported):
    """GEXF 1.3 XSD, without the viz: elements. The schema cannot check them: its viz.xsd has no
    target namespace and gexf.xsd expects colour/size/position in the GEXF namespace itself, while
    the GEXF 1.3 specification, Gephi and networkx put them in http://gexf.net/1.3/viz (the
    1.2draft XSD rejects networkx's viz: elements in the same way). The viz elements are checked by
    reading them instead (test_gexf_read_by_networkx and the checks below)."""
    etree = pytest.importorskip("lxml.etree", reason="lxml is in the test extra")
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "1.3" / "gexf.xsd")))
    document = etree.parse(str(exported[kind, "gexf"]["main"]))
    nodes = document.getroot().findall(".//{http://gexf.net/1.3}node")
    for node in nodes:
        colour = node.find(f"{VIZ}color")
        assert all(0 <= int(colour.get(c)) <= 255 for c in "rgb")
        assert float(node.find(f"{VIZ}size").get("value")) > 0
        position = node.find(f"{VIZ}position")
        float(position.get("x")), float(position.get("y"))
    for element in list(document.getroot().iter(f"{VIZ}*")):
        element.getparent().remove(element)
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]


@pytest.mark.parametrize("kind", KINDS)
def test_one_declared_type_per_attribute_and_nothing_leaks(kind, ready, exported):
    graph = ready[kind]
    for _, data in [*graph.nodes(data=True), *((None, d) for *_, d in graph.edges(data=True))]:
        for key, value in data.items():
            assert isinstance(value, bool | int | float | str), (key, value)
            if isinstance(value, str):
                assert value not in ("None", "nan") and not value.startswith("["), (key, value)
    gexf = exported[kind, "gexf"]["main"].read_text(encoding="utf-8")
    graphml = exported[kind, "graphml"]["main"].read_text(encoding="utf-8")
    for text in (gexf, graphml):
        assert "rdflib" not in text and 'value="None"' not in text and ">None<" not in text
    from xml.etree import ElementTree

    root = ElementTree.fromstring(gexf.encode("utf-8"))
    for attributes in root.iter("{http://gexf.net/1.3}attributes"):
        titles = [a.get("title") for a in attributes]
        assert len(titles) == len(set(titles))
    root = ElementTree.fromstring(graphml.encode("utf-8"))
    keys = [(k.get("for"), k.get("attr.name")) for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_byte_identical_twice(fmt, network_source):
    first = render(gephi_ready(projection("cluster", source=network_source)), fmt)
    second = render(gephi_ready(projection("cluster", source=network_source)), fmt)
    assert first == second


def test_city_positions_follow_coordinates(ready):
    # east is right and north is up: 汕头 (east wing) right of 湛江 (west wing), 韶关 (north) above 珠海
    city = ready["city"]
    names = {d["label_zh"]: d for _, d in city.nodes(data=True)}
    assert names["汕头"]["x"] > names["广州"]["x"] > names["湛江"]["x"]
    assert names["韶关"]["y"] > names["广州"]["y"] > names["珠海"]["y"]
    # one colour per zone (4 zones of 附件 1's column groups), the same within a zone
    colours = {}
    for _, data in city.nodes(data=True):
        colours.setdefault(data["zone"], set()).add((data["r"], data["g"], data["b"]))
    assert len(colours) == 4 and all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == 4


def test_cli_city_gexf_done_when(capsys, built, tmp_path):
    """`gdkg export --graph city --format gexf`: 21 city nodes, zh/en labels, lat/lon, weighted edges."""
    out = tmp_path / "city.gexf"
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "city", "--format", "gexf",
                        "-o", str(out), "--lang", "en")
    assert code == 0, err
    back = nx.read_gexf(out)
    assert back.number_of_nodes() == 21
    nodes = [d for _, d in back.nodes(data=True)]
    assert all(d["label_zh"] and d["label_en"] and d["label"] == d["label_en"] for d in nodes)
    assert all(isinstance(d["lat"], float) and isinstance(d["lon"], float) for _, d in back.nodes(data=True))
    assert back.number_of_edges() > 0 and all(w > 0 for *_, w in back.edges(data="weight"))


def test_cli_stdout_and_csv_pair(capsys, built, tmp_path, monkeypatch):
    code, out, _ = gdkg(capsys, built.project.root, "export", "--graph", "cluster", "--format", "json")
    assert code == 0 and len(json.loads(out)["nodes"]) == 20
    monkeypatch.chdir(tmp_path)
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "city", "--format", "csv", "-q")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city-edges.csv", "city-nodes.csv"]
