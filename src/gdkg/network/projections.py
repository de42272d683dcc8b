"""Projections of the knowledge graph onto NetworkX graphs.

Each kind is defined by a named SPARQL query, ``queries/network-<kind>.rq``; node
attributes (labels, type, zone, coordinates …) come from ``queries/network-nodes.rq``.
New data therefore flows into the networks without code changes, and every label is
the graph's own.

========== ===================== =====================================================
kind       graph                 edges
========== ===================== =====================================================
bipartite  ``nx.MultiGraph``     city–cluster: key ``designation`` (weight = 附件 1 stars,
                                 3 core / 2 key / 1 general) and key ``subfield``
                                 (weight = sub-fields of the cluster relying on the city)
city       ``nx.Graph``          city–city: ``cluster_weight`` (sum over shared clusters
                                 of the lower star level), ``shared_subfields``;
                                 weight = cluster_weight + shared_subfields
cluster    ``nx.Graph``          cluster–cluster: ``colocation`` (cosine of the star
                                 vectors over the cities), ``shared_enterprises``,
                                 ``supply_links``, ``application_links``;
                                 weight = colocation + shared_enterprises + supply_links
                                 + application_links
chain      ``nx.DiGraph``        upstream → downstream (kind ``supply``), technology →
                                 application field (kind ``application``); every
                                 sub-field is a node, with the cities it relies on
kg         ``nx.MultiDiGraph``   every triple between typed entities, key = predicate;
                                 each edge keeps the predicate and both node types
========== ===================== =====================================================

Node keys are CURIEs (``city:guangzhou``); node attributes never hold ``None``.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from rdflib import Literal, URIRef

from ..language import Text, fmt
from ..names import expand
from ..namespaces import PREFIXES
from ..project import Project
from ..query import get_query
from ..store import KnowledgeGraph
from .kinds import KINDS, NetworkError

GD = PREFIXES["gd"]

#: namespaces longest first, so the most specific prefix wins
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def curie(iri: str) -> str:
    """``https://w3id.org/gdkg/id/city/guangzhou`` → ``city:guangzhou`` (the IRI if no prefix fits)."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def checked_choice(value: str, choices, what: str, error: type[Exception] | None = None,
                   close: int = 2) -> str:
    """``value`` if it is one of ``choices``, else ``error`` naming them, with the closest."""
    if value in choices:
        return value
    matches = difflib.get_close_matches(value, choices, n=close, cutoff=0.5)
    hint = (fmt(" Did you mean {close}?", "您是不是要找 {close_zh}？", close=" or ".join(matches),
                close_zh=" 或 ".join(matches)) if matches else "")
    raise (error or NetworkError)(fmt("unknown {what} {value}; choose one of {choices}.{hint}",
                                      "未知的{what} {value}；可选：{choices}。{hint}", what=what,
                                      value=repr(value), choices=", ".join(choices), hint=hint))


def check_kind(kind: str) -> str:
    return checked_choice(kind, KINDS, Text("graph kind", "网络类型"))


def _value(term):
    """An RDF term as a plain Python value: CURIE for IRIs, int/float/str for literals."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float | str):
            return value
        try:
            return float(value)  # xsd:decimal → Decimal
        except (TypeError, ValueError):
            return str(term)
    return str(term)


@dataclass
class NetworkSource:
    """The rows of the network queries of one graph, read once and shared by the projections."""

    kg: KnowledgeGraph
    project: Project
    _rows: dict[object, list[dict]] = field(default_factory=dict)
    _nodes: dict[str, dict] | None = None
    _some_nodes: dict[tuple, dict[str, dict]] = field(default_factory=dict)
    #: results computed from these rows (e.g. the report's numbers), kept for reuse
    cache: dict[str, object] = field(default_factory=dict)

    @classmethod
    def open(cls, project: Project | None = None, kg: KnowledgeGraph | None = None) -> NetworkSource:
        project = project or Project.find()
        return cls(kg or KnowledgeGraph.open(project), project)

    def rows(self, name: str, bindings: dict | None = None) -> list[dict]:
        key = name if not bindings else (name, tuple(sorted(bindings.items())))
        if key not in self._rows:
            text = get_query(self.project, f"network-{name}").text
            self._rows[key] = [{k: _value(v) for k, v in row.items()}
                               for row in self.kg.query(text, bindings).rows]
        return self._rows[key]

    def nodes(self, only: tuple[str, ...] | None = None) -> dict[str, dict]:
        """CURIE → attributes of every typed entity (most specific gd: class as ``type``), or of
        those whose most specific class is one of ``only`` (CURIEs of classes): a projection of
        cities or clusters need not read every enterprise of a large graph."""
        if only is None or self._nodes is not None:
            if self._nodes is None:
                self._nodes = _node_table(self.rows("nodes"))
            if only is None:
                return self._nodes
            wanted = {name.removeprefix("gd:") for name in only}
            return {n: a for n, a in self._nodes.items() if a["type"] in wanted}
        key = tuple(sorted(only))
        if key not in self._some_nodes:
            rows = [row for name in key for row in self.rows("nodes", {"type": expand(name)})]
            # as in the whole table: a node of two most specific classes keeps the first (of
            # those asked for: one outside ``only`` does not hide it here)
            self._some_nodes[key] = _node_table(sorted(rows, key=lambda r: (r["node"], r["type"])))
        return self._some_nodes[key]

    def add_nodes(self, graph: nx.Graph, nodes, table: dict[str, dict] | None = None) -> None:
        """Add ``nodes`` with their attributes from ``table`` (default: every typed entity)."""
        table = self.nodes() if table is None else table
        for node in sorted(set(nodes), key=_node_order(table)):
            graph.add_node(node, **table.get(node, {"type": "Thing", "label_zh": node, "label_en": node}))


def _node_table(rows: list[dict]) -> dict[str, dict]:
    """Node attributes from rows of ``network-nodes`` (in its order)."""
    table: dict[str, dict] = {}
    for row in rows:
        node = row["node"]
        if node in table:  # two most specific classes: keep the first in sort order
            continue
        attrs = {"type": row["type"].removeprefix("gd:"),
                 "label_zh": row["labelZh"] or row["labelEn"] or node,
                 "label_en": row["labelEn"] or row["labelZh"] or node}
        for key, name in (("zone", "zone"), ("admin_code", "adminCode"), ("lat", "lat"),
                          ("lon", "lon"), ("order", "order"), ("cluster", "cluster")):
            if row[name] is not None:
                attrs[key] = row[name]
        if "admin_code" in attrs:
            attrs["admin_code"] = str(attrs["admin_code"])
        if attrs["type"].endswith("IndustryCluster"):
            attrs["category"] = "pillar" if attrs["type"].startswith("Pillar") else "emerging"
        table[node] = attrs
    for attrs in table.values():  # zone labels, for reports and Gephi partitions
        if "zone" in attrs and attrs["zone"] in table:
            attrs["zone_zh"] = table[attrs["zone"]]["label_zh"]
            attrs["zone_en"] = table[attrs["zone"]]["label_en"]
    return table


def _node_order(table):
    def key(node: str):
        attrs = table.get(node, {})
        return (attrs.get("order", 10**6), attrs.get("type", ""), node)
    return key


def projection(kind: str, project: Project | None = None, *, kg: KnowledgeGraph | None = None,
               source: NetworkSource | None = None) -> nx.Graph:
    """The ``kind`` projection (bipartite, city, cluster, chain, kg) as a plain networkx graph."""
    builder = _BUILDERS[check_kind(kind)]
    source = source or NetworkSource.open(project, kg)
    graph = builder(source)
    graph.graph["kind"] = kind
    return graph


#: the classes whose nodes the city, bipartite and cluster projections show (zones: for the
#: zone labels of cities)
_PLACE_CLASSES = ("gd:City", "gd:Zone")
_CLUSTER_CLASSES = ("gd:PillarIndustryCluster", "gd:EmergingIndustryCluster")


def _cities_and_clusters(table: dict[str, dict]) -> tuple[list[str], list[str]]:
    cities = [n for n, a in table.items() if a["type"] == "City"]
    clusters = [n for n, a in table.items() if "category" in a]
    return cities, clusters


def _bipartite(source: NetworkSource) -> nx.MultiGraph:
    graph = nx.MultiGraph()
    table = source.nodes(_PLACE_CLASSES + _CLUSTER_CLASSES)
    cities, clusters = _cities_and_clusters(table)
    source.add_nodes(graph, cities, table)
    source.add_nodes(graph, clusters, table)
    for node in graph:
        graph.nodes[node]["bipartite"] = 1 if "category" in graph.nodes[node] else 0
    subfields: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in source.rows("bipartite"):
        if row["kind"] == "designation":
            graph.add_edge(row["city"], row["cluster"], key="designation", kind="designation",
                           weight=int(row["stars"]), level=int(row["stars"]), level_code=row["level"])
        else:
            subfields[row["city"], row["cluster"]].append(row["subfield"])
    for (city, cluster), items in sorted(subfields.items()):
        graph.add_edge(city, cluster, key="subfield", kind="subfield", weight=len(items),
                       subfields=len(items), subfield_ids=sorted(set(items)))
    return _sorted_copy(graph)


def _city(source: NetworkSource) -> nx.Graph:
    graph = nx.Graph()
    table = source.nodes(_PLACE_CLASSES)
    cities, _ = _cities_and_clusters(table)
    source.add_nodes(graph, cities, table)
    for row in source.rows("city"):
        a, b = row["a"], row["b"]
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, shared_clusters=0, cluster_weight=0, shared_subfields=0)
        data = graph.edges[a, b]
        if row["kind"] == "cluster":
            data["shared_clusters"] = int(row["shared"])
            data["cluster_weight"] = int(row["weight"])
        else:
            data["shared_subfields"] = int(row["shared"])
    for a, b, data in graph.edges(data=True):
        data["weight"] = data["cluster_weight"] + data["shared_subfields"]
        zones = graph.nodes[a].get("zone"), graph.nodes[b].get("zone")
        data["zone_bridge"] = zones[0] != zones[1]
    return _sorted_copy(graph)


def cosine(u: dict[str, float], v: dict[str, float]) -> float:
    """Cosine of two sparse vectors (0.0 when either is zero)."""
    dot = sum(value * v.get(key, 0) for key, value in u.items())
    norm = math.sqrt(sum(x * x for x in u.values())) * math.sqrt(sum(x * x for x in v.values()))
    return dot / norm if norm else 0.0


def _cluster(source: NetworkSource) -> nx.Graph:
    graph = nx.Graph()
    table = source.nodes(_CLUSTER_CLASSES)
    _, clusters = _cities_and_clusters(table)
    source.add_nodes(graph, clusters, table)
    vectors: dict[str, dict[str, float]] = defaultdict(dict)
    pairs: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in source.rows("cluster"):
        if row["kind"] == "level":
            vectors[row["a"]][row["x"]] = float(row["stars"])
        else:
            a, b = sorted((row["a"], row["b"]))
            pairs[a, b][row["kind"]].add(row["x"])
    ordered = sorted(graph.nodes)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            found = pairs.get((a, b), {})
            colocation = round(cosine(vectors.get(a, {}), vectors.get(b, {})), 6)
            counts = {kind: len(found.get(kind, ())) for kind in ("enterprise", "supply", "application")}
            weight = colocation + sum(counts.values())
            if weight <= 0:
                continue
            graph.add_edge(a, b, colocation=colocation, shared_enterprises=counts["enterprise"],
                           supply_links=counts["supply"], application_links=counts["application"],
                           enterprises=sorted(found.get("enterprise", ())),
                           links=sorted(found.get("supply", set()) | found.get("application", set())),
                           weight=round(weight, 6))
    return _sorted_copy(graph)


def _chain(source: NetworkSource) -> nx.DiGraph:
    graph = nx.DiGraph()
    table = source.nodes()
    subfields = [n for n, a in table.items() if a["type"] == "SubField"]
    rows = source.rows("chain")
    source.add_nodes(graph, subfields + [r["source"] for r in rows] + [r["target"] for r in rows])
    hosts: dict[str, set[str]] = defaultdict(set)
    for row in source.rows("bipartite"):
        if row["kind"] == "subfield":
            hosts[row["subfield"]].add(row["city"])
    for node, data in graph.nodes(data=True):
        if data["type"] == "SubField":
            data["cities"] = sorted(hosts.get(node, ()))
        data["cluster"] = data.get("cluster", node if "category" in data else "")
    for row in rows:
        u, v = row["source"], row["target"]
        if graph.has_edge(u, v):
            data = graph.edges[u, v]
            data["links"] = sorted({*data["links"], row["link"]})
            data["weight"] = len(data["links"])
            continue
        graph.add_edge(u, v, kind=row["kind"], links=[row["link"]], weight=1,
                       cross_cluster=graph.nodes[u]["cluster"] != graph.nodes[v]["cluster"])
    return _sorted_copy(graph)


def _kg(source: NetworkSource) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    source.add_nodes(graph, source.nodes())
    types = nx.get_node_attributes(graph, "type")
    for row in source.rows("kg"):
        graph.add_edge(row["s"], row["o"], key=row["p"], predicate=row["p"], weight=1,
                       source_type=types.get(row["s"], ""), target_type=types.get(row["o"], ""))
    return _sorted_copy(graph)


def _sorted_copy(graph: nx.Graph) -> nx.Graph:
    """The same graph with edges inserted in sorted order, so every writer is deterministic."""
    out = graph.__class__()
    out.graph.update(graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    if graph.is_multigraph():
        edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
        for u, v, key, data in edges:
            out.add_edge(u, v, key=key, **data)
    else:
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
            out.add_edge(u, v, **data)
    return out


_BUILDERS = {"bipartite": _bipartite, "city": _city, "cluster": _cluster, "chain": _chain, "kg": _kg}
