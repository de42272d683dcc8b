"""Metrics and projections: small graphs with answers worked out by hand, and facts the
sources state, read from the bundled graph."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from gdkg.network import (
    chain_completeness,
    city_similarity,
    communities,
    great_circle_km,
    node_metrics,
    projection,
    zone_bridge_totals,
    zone_bridges,
)
from gdkg.network.metrics import simple_weighted, weighted_pagerank
from gdkg.network.projections import cosine

# ---------------------------------------------------------------- small graphs, by hand


def test_cosine_by_hand():
    # (3,1)·(1,3) = 6; |(3,1)| = |(1,3)| = sqrt(10); 6 / 10 = 0.6
    assert cosine({"a": 3, "b": 1}, {"a": 1, "b": 3}) == pytest.approx(0.6)
    assert cosine({"a": 1}, {"b": 1}) == 0.0
    assert cosine({}, {"a": 1}) == 0.0


def test_great_circle_one_degree_of_meridian():
    # one degree along a meridian = 2·pi·R / 360 = 2·pi·6371.0088 / 360 = 111.195 km
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.001)
    # a quarter of the equator = pi·R / 2 = 10007.55 km
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(10007.55, abs=0.01)


def test_pagerank_two_nodes_by_hand():
    # a → b, b dangling (its rank is spread over both). With d = 0.85:
    #   r_a = 0.15/2 + 0.85·r_b/2,  r_b = 1 − r_a  ⇒  1.425·r_a = 0.5  ⇒  r_a = 0.350877
    graph = nx.DiGraph([("a", "b")])
    rank = weighted_pagerank(graph)
    assert rank["a"] == pytest.approx(0.5 / 1.425, abs=1e-9)
    assert rank["b"] == pytest.approx(1 - 0.5 / 1.425, abs=1e-9)


def test_pagerank_follows_weights():
    # star centre c with leaves x (weight 3) and y (weight 1), undirected. From c the walker goes to
    # x three times as often: r_x = 0.05 + 0.85·(3/4)·r_c, r_y = 0.05 + 0.85·(1/4)·r_c and
    # r_c = 0.05 + 0.85·(r_x + r_y) (each leaf's only edge leads to c).
    # Summing: r_c = 0.05 + 0.85·(0.1 + 0.85 r_c)
    # ⇒ r_c = 0.135 / (1 − 0.7225) = 0.486486; r_x = 0.05 + 0.6375·r_c = 0.360135
    graph = nx.Graph()
    graph.add_edge("c", "x", weight=3)
    graph.add_edge("c", "y", weight=1)
    rank = weighted_pagerank(graph)
    assert rank["c"] == pytest.approx(0.135 / 0.2775, abs=1e-9)
    assert rank["x"] == pytest.approx(0.05 + 0.6375 * 0.135 / 0.2775, abs=1e-9)
    assert sum(rank.values()) == pytest.approx(1.0)


def test_parallel_edges_are_summed():
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", weight=2)
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("b", "a", weight=1)
    graph.add_edge("a", "a", weight=9)  # self-loop dropped
    simple = simple_weighted(graph)
    assert simple.edges["a", "b"]["weight"] == 6
    assert simple.edges["a", "b"]["distance"] == pytest.approx(1 / 6)
    assert simple.number_of_edges() == 1


def test_two_triangles_are_two_communities_with_hand_modularity():
    # triangles abc and def joined by c–d, all weights 1: m = 7 edges.
    # Q = sum over communities of L_c/m − (d_c/2m)^2 = 2·(3/7 − (7/14)^2) = 0.357143
    graph = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"), ("c", "d")])
    membership, modularity = communities(graph)
    assert membership["a"] == membership["b"] == membership["c"]
    assert membership["d"] == membership["e"] == membership["f"]
    assert membership["a"] != membership["d"]
    assert modularity == pytest.approx(2 * (3 / 7 - 0.25), abs=1e-6)
    assert communities(graph) == (membership, modularity)  # seeded: the same every time


def test_path_metrics_by_hand():
    # a – b – c, weight 1: b lies on the only a–c path, normalised betweenness 1 (1 pair of
    # (n−1)(n−2)/2 = 1); strengths 1, 2, 1; no triangles; everything is in the 1-core.
    metrics, summary = node_metrics(nx.Graph([("a", "b"), ("b", "c")]))
    assert metrics["b"]["betweenness"] == 1.0 and metrics["a"]["betweenness"] == 0.0
    assert [metrics[n]["strength"] for n in "abc"] == [1, 2, 1]
    assert all(metrics[n]["clustering"] == 0 and metrics[n]["core"] == 1 for n in "abc")
    assert summary["nodes"] == 3 and summary["edges"] == 2
    # eigenvector of a path of 3: (1, sqrt 2, 1)/2
    assert metrics["b"]["eigenvector"] == pytest.approx(math.sqrt(2) / 2, abs=1e-4)


def test_weighted_betweenness_uses_inverse_weights():
    # a–b–c with heavy edges (weight 4: distance 1/4 each) against a direct light edge a–c
    # (weight 1: distance 1). a→c through b costs 0.5 < 1, so b carries the a–c path.
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=4)
    graph.add_edge("b", "c", weight=4)
    graph.add_edge("a", "c", weight=1)
    metrics, _ = node_metrics(graph)
    assert metrics["b"]["betweenness"] == 1.0


def _tiny_chain() -> tuple[nx.DiGraph, nx.Graph]:
    """Cluster K with sub-fields s1, s2, s3 and supply links s1 → s2, s3 → s2.
    City A (zone Z1, at 0°N 0°E) hosts s1 and s2; B (Z2, 1°N) and C (Z2, 2°N) host s3."""
    chain = nx.DiGraph()
    chain.add_node("s1", type="SubField", cluster="K", cities=["A"])
    chain.add_node("s2", type="SubField", cluster="K", cities=["A"])
    chain.add_node("s3", type="SubField", cluster="K", cities=["B", "C"])
    chain.add_edge("s1", "s2", kind="supply")
    chain.add_edge("s3", "s2", kind="supply")
    cities = nx.Graph()
    cities.add_node("A", zone="Z1", lat=0.0, lon=0.0)
    cities.add_node("B", zone="Z2", lat=1.0, lon=0.0)
    cities.add_node("C", zone="Z2", lat=2.0, lon=0.0)
    cities.add_edge("A", "B", weight=5)
    cities.add_edge("B", "C", weight=2)
    cities.add_edge("A", "C", weight=1)
    return chain, cities


def test_chain_completeness_by_hand():
    chain, cities = _tiny_chain()
    result = chain_completeness(chain, cities)
    rows = {(r["place"], r["cluster"]): r for r in result["completeness"]}
    # A: s1, s2 of 3 present = 2/3; links into s2: s1→s2 (s1 present) and s3→s2 (absent) = 1/2
    assert rows["A", "K"]["subfield_share"] == pytest.approx(2 / 3, abs=1e-6)
    assert (rows["A", "K"]["upstream_satisfied"], rows["A", "K"]["upstream_links"]) == (1, 2)
    # zone Z2 = B ∪ C: only s3 present (1/3); no link ends in s3, so no upstream share
    assert rows["Z2", "K"]["subfield_share"] == pytest.approx(1 / 3, abs=1e-6)
    assert rows["Z2", "K"]["upstream_share"] is None
    assert ("B", "K") in rows and ("C", "K") in rows
    # the one gap of A: s3 is missing; B is 1° (111.2 km) away, C 2° (222.4 km)
    gaps = [g for g in result["gaps"] if g["place"] == "A"]
    assert [(g["upstream"], g["downstream"]) for g in gaps] == [("s3", "s2")]
    assert [s["city"] for s in gaps[0]["nearest"]] == ["B", "C"]
    assert gaps[0]["nearest"][0]["km"] == pytest.approx(111.2, abs=0.1)
    # zone Z1 is A alone: the same gap, from A
    assert [g["nearest"][0]["city"] for g in result["gaps"] if g["place"] == "Z1"] == ["B"]


def test_zone_bridges_by_hand():
    _, cities = _tiny_chain()
    bridges = zone_bridges(cities)
    # A–B (5) and A–C (1) cross Z1/Z2; B–C stays inside Z2
    assert [(b["a"], b["b"], b["weight"]) for b in bridges] == [("A", "B", 5), ("A", "C", 1)]
    assert zone_bridge_totals(cities) == [{"zone_a": "Z1", "zone_b": "Z2", "edges": 2, "weight": 6}]


def test_city_similarity_by_hand():
    bipartite = nx.MultiGraph()
    for city in "PQR":
        bipartite.add_node(city, type="City")
    # P = (3, 1), Q = (1, 3), R = (3, 1): cos(P, R) = 1, cos(P, Q) = cos(Q, R) = 0.6
    for city, levels in {"P": (3, 1), "Q": (1, 3), "R": (3, 1)}.items():
        for cluster, level in zip(("k1", "k2"), levels, strict=True):
            bipartite.add_edge(city, cluster, key="designation", level=level)
    rows = city_similarity(bipartite, top=None)
    assert rows[0] == {"a": "P", "b": "R", "cosine": 1.0}
    assert [r["cosine"] for r in rows[1:]] == [0.6, 0.6]


# ---------------------------------------------------------------- the bundled data

def _by_label(graph: nx.Graph) -> dict[str, str]:
    return {data["label_zh"]: node for node, data in graph.nodes(data=True)}


@pytest.fixture(scope="module")
def graphs(network_source):
    return {kind: projection(kind, source=network_source)
            for kind in ("bipartite", "city", "cluster", "chain")}


def test_projection_sizes(graphs):
    # 附件 1: 21 cities (column heads of both tables) and 20 clusters (10 rows each)
    assert graphs["city"].number_of_nodes() == 21
    assert graphs["cluster"].number_of_nodes() == 20
    assert graphs["bipartite"].number_of_nodes() == 41
    # every graph node carries both labels, taken from the graph
    for graph in graphs.values():
        assert all(d["label_zh"] and d["label_en"] for _, d in graph.nodes(data=True))


def test_designation_edges_match_annex_row_totals(graphs):
    # 附件 1, last column "具有布局该集群的地市数量": 生物医药与健康 21, 现代农业与食品 21,
    # 超高清视频显示 7 (table 1); 区块链与量子信息 8, 半导体与集成电路 11 (table 2)
    bipartite = graphs["bipartite"]
    names = _by_label(bipartite)
    designated = {name: sum(1 for *_, key in bipartite.edges(names[name], keys=True) if key == "designation")
                  for name in ("生物医药与健康", "现代农业与食品", "超高清视频显示", "区块链与量子信息",
                               "半导体与集成电路")}
    assert designated == {"生物医药与健康": 21, "现代农业与食品": 21, "超高清视频显示": 7,
                          "区块链与量子信息": 8, "半导体与集成电路": 11}


def test_cities_core_for_both_electronics_and_automobiles(graphs):
    # 附件 1 table 1, rows "1. 新一代电子信息" and "4. 汽车": ★★★ for electronics in 广州 深圳 珠海 东莞 惠州;
    # for automobiles in 广州 深圳 佛山. Core for both: 广州 and 深圳.
    bipartite = graphs["bipartite"]
    names = _by_label(bipartite)

    def core(cluster: str) -> set[str]:
        edges = bipartite.edges(names[cluster], keys=True, data="level")
        return {bipartite.nodes[city]["label_zh"] for _, city, key, level in edges
                if key == "designation" and level == 3}

    assert core("新一代电子信息") & core("汽车") == {"广州", "深圳"}


def test_guangzhou_shenzhen_edge_from_annex(graphs):
    # Both cities carry all 20 clusters in 附件 1. Table 1, lower of the two levels per row:
    # 电子 3/3→3, 石化 3/2→2, 家电 2/2→2, 汽车 3/3→3, 材料 3/2→2, 轻工 2/1→1, 软件 3/3→3, 超高清 3/3→3,
    # 生物 3/3→3, 农业 3/2→2 = 24; table 2: both core (★★★★) in all ten = 30. Total 54.
    city = graphs["city"]
    names = _by_label(city)
    edge = city.edges[names["广州"], names["深圳"]]
    assert edge["shared_clusters"] == 20
    assert edge["cluster_weight"] == 54
    assert edge["weight"] == edge["cluster_weight"] + edge["shared_subfields"]
    assert edge["zone_bridge"] is False  # both in 珠三角核心区


def test_cluster_colocation_cosine_by_hand(graphs):
    # Star vectors from 附件 1 table 1: 超高清视频显示 广州3 深圳3 佛山2 东莞2 惠州3 中山2 江门2;
    # 软件与信息服务 广州3 深圳3 珠海3 佛山2 东莞3 惠州2 中山2 江门2 汕头2 湛江1.
    # dot = 9+9+4+6+6+4+4 = 42; |a|² = 43; |b|² = 57; cos = 42 / sqrt(43·57) = 0.848355
    cluster = graphs["cluster"]
    names = _by_label(cluster)
    edge = cluster.edges[names["超高清视频显示"], names["软件与信息服务"]]
    assert edge["colocation"] == pytest.approx(42 / math.sqrt(43 * 57), abs=1e-6)


def test_refining_subfield_cities_and_gaps(graphs):
    # 专栏 2 item 1 (炼油石化) relies on 广州、惠州、湛江、茂名、揭阳; item 2 (高端精细化学品和化工新材料)
    # on 广州 深圳 珠海 佛山 东莞 江门 惠州 中山 肇庆 茂名 湛江 揭阳 汕头 汕尾 清远. The graph states the
    # supply link 1 → 2, so the ten cities of item 2 without item 1 have a gap there.
    chain, city = graphs["chain"], graphs["city"]
    names = _by_label(chain)
    city_name = {node: data["label_zh"] for node, data in city.nodes(data=True)}
    refining, fine = names["炼油石化"], names["高端精细化学品和化工新材料"]
    assert {city_name[c] for c in chain.nodes[refining]["cities"]} == {"广州", "惠州", "湛江", "茂名", "揭阳"}
    assert chain.edges[refining, fine]["kind"] == "supply"
    result = chain_completeness(chain, city)
    gap_cities = {city_name[g["place"]] for g in result["gaps"]
                  if g["place_kind"] == "city" and g["upstream"] == refining and g["downstream"] == fine}
    assert gap_cities == {"深圳", "珠海", "佛山", "东莞", "江门", "中山", "肇庆", "汕头", "汕尾", "清远"}
    # every suggested supplier really hosts 炼油石化, and the list is nearest first
    for gap in result["gaps"]:
        if gap["upstream"] == refining:
            assert {s["city"] for s in gap["nearest"]} <= set(chain.nodes[refining]["cities"])
            assert [s["km"] for s in gap["nearest"]] == sorted(s["km"] for s in gap["nearest"])


def test_metrics_are_deterministic(network_source):
    first = node_metrics(projection("city", source=network_source))
    second = node_metrics(projection("city", source=network_source))
    assert first == second


def test_unknown_kind_suggests(network_source):
    from gdkg.network import NetworkError

    with pytest.raises(NetworkError, match="did you mean city|Did you mean city"):
        projection("ctiy", source=network_source)


def test_projection_api_returns_plain_networkx_graphs(built, kg):
    # gdkg.network.projection(kind, project) — what a notebook user calls
    expected = {"bipartite": nx.MultiGraph, "city": nx.Graph, "cluster": nx.Graph, "chain": nx.DiGraph,
                "kg": nx.MultiDiGraph}
    for kind, cls in expected.items():
        graph = projection(kind, built.project, kg=kg)
        assert type(graph) is cls
        assert graph.graph["kind"] == kind
    import gdkg

    assert gdkg.export.__module__ == "gdkg.network.gephi_export"
    assert gdkg.analyze.__module__ == "gdkg.network.analysis_report"


def test_kg_projection_keeps_one_side_of_inverse_pairs(network_source):
    # 专栏 2 item 1 (炼油石化) is a sub-field of 绿色石化. gd:subFieldOf and gd:hasSubField are inverses
    # (owl:inverseOf): the reasoned graph holds both directions; the kg projection keeps the
    # property whose IRI sorts first, gd:hasSubField, with the node types on the edge.
    kg = projection("kg", source=network_source)
    wanted = ("SubField", "PillarIndustryCluster")
    names = {d["label_zh"]: n for n, d in kg.nodes(data=True) if d["type"] in wanted}
    data = kg.get_edge_data(names["绿色石化"], names["炼油石化"], key="gd:hasSubField")
    assert data == {"predicate": "gd:hasSubField", "weight": 1, "source_type": "PillarIndustryCluster",
                    "target_type": "SubField"}
    assert not any(key == "gd:subFieldOf" for *_, key in kg.edges(keys=True))
    assert all(isinstance(d["type"], str) and d["label_zh"] for _, d in kg.nodes(data=True))


def test_city_bipartite_and_cluster_projections_read_only_their_nodes(built, kg):
    # `gdkg export --graph city` on a graph of many enterprises must not read every entity:
    # those projections ask network-nodes for cities, zones and clusters alone, and must come
    # out exactly as when built from the table of every typed entity
    from gdkg.network import NetworkSource

    lean, whole = NetworkSource(kg, built.project), NetworkSource(kg, built.project)
    whole.nodes()
    for kind in ("city", "bipartite", "cluster"):
        a, b = projection(kind, source=lean), projection(kind, source=whole)
        assert list(a.nodes(data=True)) == list(b.nodes(data=True))
        assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert lean._nodes is None, "the table of every entity was read"
    # 广州 (city:guangzhou) lies in 珠三角核心区 (places.ttl, from fyp:ch4-s4): a zone label on a
    # city node needs the zone among the nodes read
    city = projection("city", source=lean)
    assert (city.nodes["city:guangzhou"]["zone"], city.nodes["city:guangzhou"]["zone_zh"]) == \
        ("place:prd-core", "珠三角核心区")


def test_nodes_query_takes_a_class(built, kg):
    # `gdkg query network-nodes --param type=gd:City`: the 21 prefecture cities of 附件 1
    from gdkg.query import get_query, run

    rows = run(kg, get_query(built.project, "network-nodes"), {"type": "gd:City"}).rows
    assert len({str(r["node"]) for r in rows}) == 21
    assert {str(r["type"]) for r in rows} == {"https://w3id.org/gdkg/ontology#City"}
