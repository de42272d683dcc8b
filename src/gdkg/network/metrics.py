"""Network metrics on the projections: centralities, cores, communities, zone bridges,
chain completeness, city similarity and the nearest suppliers of missing upstream sub-fields.

All results are deterministic: Louvain runs with a fixed seed, sampled betweenness (only on
graphs larger than :data:`EXACT_BETWEENNESS_MAX_NODES`) with the same seed, and every table
is sorted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .projections import cosine

SEED = 42
#: above this many nodes, betweenness is estimated from BETWEENNESS_SAMPLES sources drawn with SEED
EXACT_BETWEENNESS_MAX_NODES = 600
BETWEENNESS_SAMPLES = 40
EARTH_RADIUS_KM = 6371.0088


def simple_weighted(graph: nx.Graph) -> nx.Graph:
    """An undirected simple graph whose edge weight is the sum of the weights of the parallel
    edges (both directions) between two nodes; self-loops dropped. Metrics run on this."""
    out = nx.Graph()
    out.add_nodes_from(graph.nodes)
    for u, v, weight in graph.edges(data="weight", default=1):
        if u == v:
            continue
        if out.has_edge(u, v):
            out.edges[u, v]["weight"] += weight
        else:
            out.add_edge(u, v, weight=weight)
    for _, _, data in out.edges(data=True):
        data["distance"] = 1.0 / data["weight"] if data["weight"] > 0 else math.inf
    return out


def weighted_pagerank(graph: nx.Graph, alpha: float = 0.85, tol: float = 1e-10,
                      max_iter: int = 1000) -> dict[str, float]:
    """PageRank by power iteration (networkx's own needs scipy): a walker follows an out-edge
    with probability proportional to its weight, or with probability 1 - alpha (and always from
    a node without out-edges) jumps to a node chosen uniformly. Undirected edges go both ways."""
    nodes = sorted(graph.nodes)
    n = len(nodes)
    out: dict[str, list[tuple[str, float]]] = {node: [] for node in nodes}
    for u, v, weight in graph.edges(data="weight", default=1):
        out[u].append((v, weight))
        if not graph.is_directed():
            out[v].append((u, weight))
    totals = {node: sum(w for _, w in out[node]) for node in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = sum(rank[node] for node in nodes if totals[node] <= 0)
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + alpha * dangling / n)
        for node in nodes:
            if totals[node] > 0:
                share = alpha * rank[node] / totals[node]
                for target, weight in out[node]:
                    new[target] += share * weight
        if sum(abs(new[node] - rank[node]) for node in nodes) < n * tol:
            return new
        rank = new
    return rank


def communities(graph: nx.Graph, seed: int = SEED) -> tuple[dict[str, int], float]:
    """Louvain communities (weighted, fixed seed) as node → community number, numbered by
    size (largest 0) then by first node; and the modularity of that partition."""
    simple = simple_weighted(graph)
    if simple.number_of_edges() == 0:
        return {node: i for i, node in enumerate(sorted(simple))}, 0.0
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    membership = {node: i for i, members in enumerate(ordered) for node in members}
    return membership, nx.community.modularity(simple, [set(c) for c in ordered], weight="weight")


def node_metrics(graph: nx.Graph, seed: int = SEED) -> tuple[dict[str, dict[str, float | int]], dict]:
    """Per node: degree, strength (weighted degree), betweenness (shortest paths with distance
    1/weight, normalised), pagerank (weighted; directed for a directed graph), eigenvector
    (undirected, weighted), clustering (weighted), core (k-core number), community (Louvain).
    Returns (per-node metrics, graph-level summary)."""
    simple = simple_weighted(graph)
    n = simple.number_of_nodes()
    if n == 0:
        return {}, {"nodes": 0, "edges": 0, "modularity": 0.0, "communities": 0}
    strength = dict(simple.degree(weight="weight"))
    degree = dict(simple.degree())
    sample = None if n <= EXACT_BETWEENNESS_MAX_NODES else BETWEENNESS_SAMPLES
    betweenness = nx.betweenness_centrality(simple, k=sample, weight="distance", normalized=True,
                                            seed=seed)
    ranked = graph if graph.is_directed() and not graph.is_multigraph() else simple
    pagerank = weighted_pagerank(ranked)
    try:
        eigenvector = nx.eigenvector_centrality(simple, weight="weight", max_iter=2000, tol=1e-7)
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
        eigenvector = {}
    clustering = nx.clustering(simple, weight="weight")
    core = nx.core_number(simple)
    membership, modularity = communities(graph, seed)
    table = {}
    for node in graph.nodes:
        row = {"degree": int(degree[node]), "strength": round(float(strength[node]), 6),
               "betweenness": round(betweenness[node], 6), "pagerank": round(pagerank[node], 6),
               "clustering": round(float(clustering[node]), 6), "core": int(core[node]),
               "community": int(membership[node])}
        if eigenvector:
            row["eigenvector"] = round(eigenvector[node], 6)
        table[node] = row
    summary = {"nodes": n, "edges": graph.number_of_edges(), "modularity": round(modularity, 6),
               "communities": len(set(membership.values())),
               "betweenness": "exact" if sample is None else f"sampled from {sample} sources (seed {seed})",
               "density": round(nx.density(simple), 6)}
    return table, summary


def add_metrics(graph: nx.Graph, seed: int = SEED) -> dict:
    """Store :func:`node_metrics` as node attributes; returns the graph-level summary."""
    table, summary = node_metrics(graph, seed)
    for node, row in table.items():
        graph.nodes[node].update(row)
    graph.graph.update({f"{k}": v for k, v in summary.items() if isinstance(v, int | float | str)})
    return summary


def measured_projection(kind: str, source) -> nx.Graph:
    """The ``kind`` projection with :func:`add_metrics` applied, computed once per
    :class:`~.projections.NetworkSource` (a copy is returned, so callers may change it)."""
    from .projections import projection

    key = f"measured:{kind}"
    if key not in source.cache:
        graph = projection(kind, source=source)
        add_metrics(graph)
        source.cache[key] = graph
    return source.cache[key].copy()


def zone_bridges(city_graph: nx.Graph) -> list[dict]:
    """Edges of the city graph between cities of different zones, heaviest first."""
    rows = []
    for a, b, data in city_graph.edges(data=True):
        za, zb = city_graph.nodes[a].get("zone"), city_graph.nodes[b].get("zone")
        if za != zb:
            rows.append({"a": a, "b": b, "zone_a": za, "zone_b": zb, "weight": data.get("weight", 1)})
    return sorted(rows, key=lambda r: (-r["weight"], r["a"], r["b"]))


def zone_bridge_totals(city_graph: nx.Graph) -> list[dict]:
    """Per pair of zones: the number and total weight of city edges between them."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for row in zone_bridges(city_graph):
        pair = tuple(sorted((row["zone_a"], row["zone_b"])))
        totals[pair][0] += 1
        totals[pair][1] += row["weight"]
    return [{"zone_a": a, "zone_b": b, "edges": n, "weight": w}
            for (a, b), (n, w) in sorted(totals.items(), key=lambda t: (-t[1][1], t[0]))]


def city_similarity(bipartite: nx.Graph, top: int | None = 10) -> list[dict]:
    """Cosine similarity of the cities' 附件 1 star vectors over the clusters, most similar first."""
    vectors = {}
    for node, data in bipartite.nodes(data=True):
        if data.get("type") == "City":
            vectors[node] = {cluster: level for _, cluster, key, level
                             in bipartite.edges(node, keys=True, data="level") if key == "designation"}
    cities = sorted(vectors)
    rows = [{"a": a, "b": b, "cosine": round(cosine(vectors[a], vectors[b]), 6)}
            for i, a in enumerate(cities) for b in cities[i + 1:]]
    rows.sort(key=lambda r: (-r["cosine"], r["a"], r["b"]))
    return rows if top is None else rows[:top]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Place:
    """A city, or a zone standing for the union of its cities."""

    id: str
    kind: str  # "city" | "zone"
    cities: list[str]


def places(city_graph: nx.Graph) -> list[Place]:
    """Every city, then every zone (with its cities), in a stable order."""
    cities = sorted(city_graph.nodes)
    zones: dict[str, list[str]] = defaultdict(list)
    for city in cities:
        zone = city_graph.nodes[city].get("zone")
        if zone:
            zones[zone].append(city)
    return [Place(c, "city", [c]) for c in cities] + [Place(z, "zone", zones[z]) for z in sorted(zones)]


def chain_completeness(chain: nx.DiGraph, city_graph: nx.Graph, nearest: int = 3) -> dict[str, list[dict]]:
    """Per city and per zone, for each cluster with at least one sub-field there:

    * ``subfield_share`` — the cluster's sub-fields present (relying on a city of the place)
      over all its sub-fields;
    * ``upstream_share`` — of the stated supply links (sub-field → sub-field) whose downstream
      is a present sub-field of the cluster, those whose upstream is present in the same place
      (``None`` when no such link is stated);

    and ``gaps``: one row per unsatisfied link with the ``nearest`` cities hosting the missing
    upstream sub-field, by great-circle distance from the city (for a zone: from its nearest city).
    """
    table = chain.nodes
    subfields_of: dict[str, list[str]] = defaultdict(list)
    for node, data in chain.nodes(data=True):
        if data.get("type") == "SubField":
            subfields_of[data["cluster"]].append(node)
    supply = [(u, v) for u, v, kind in chain.edges(data="kind") if kind == "supply"
              and table[u].get("type") == "SubField" and table[v].get("type") == "SubField"]
    coords = {c: (d["lat"], d["lon"]) for c, d in city_graph.nodes(data=True) if "lat" in d and "lon" in d}

    completeness, gaps = [], []
    for place in places(city_graph):
        present = {sf for sf, data in chain.nodes(data=True)
                   if data.get("type") == "SubField" and set(data.get("cities", ())) & set(place.cities)}
        for cluster in sorted(subfields_of):
            mine = [sf for sf in sorted(subfields_of[cluster]) if sf in present]
            if not mine:
                continue
            stated = sorted((u, v) for u, v in supply if v in mine)
            satisfied = [(u, v) for u, v in stated if u in present]
            completeness.append({
                "place": place.id, "place_kind": place.kind, "cluster": cluster,
                "subfields_present": len(mine), "subfields_total": len(subfields_of[cluster]),
                "subfield_share": round(len(mine) / len(subfields_of[cluster]), 6),
                "upstream_links": len(stated), "upstream_satisfied": len(satisfied),
                "upstream_share": round(len(satisfied) / len(stated), 6) if stated else None,
                "present": mine})
            for upstream, downstream in stated:
                if upstream in present:
                    continue
                suppliers = []
                for city in table[upstream].get("cities", ()):
                    if city in place.cities or city not in coords:
                        continue
                    distance = min(great_circle_km(*coords[own], *coords[city])
                                   for own in place.cities if own in coords)
                    suppliers.append({"city": city, "km": round(distance, 1)})
                suppliers.sort(key=lambda s: (s["km"], s["city"]))
                gaps.append({"place": place.id, "place_kind": place.kind, "cluster": cluster,
                             "downstream": downstream, "upstream": upstream,
                             "nearest": suppliers[:nearest]})
    return {"completeness": completeness, "gaps": gaps}


def top_nodes(graph: nx.Graph, metric: str, n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` nodes with the highest ``metric`` attribute, ties by node id."""
    values = [(node, data[metric]) for node, data in graph.nodes(data=True) if metric in data]
    return sorted(values, key=lambda item: (-item[1], item[0]))[:n]
