"""Linkage networks of the cluster system, with NetworkX.

    from gdkg import network
    g = network.projection("city")            # a plain networkx graph, node keys are CURIEs
    network.add_metrics(g)                    # strength, betweenness, pagerank, community …
    network.export("city", "gexf", "city.gexf", lang="zh")   # Gephi-ready file
    network.analyze(fmt="html", output="report.html")          # report with figures
    network.write_figures("figures/")                         # PNG + SVG (plot extra)

Projections are defined by ``queries/network-<kind>.rq``; see :mod:`.projections`.
"""

from .kinds import KINDS, NetworkError

# everything else pulls in NetworkX (and more): imported on first use, so that importing
# gdkg.network (e.g. for the CLI parser's choices) stays cheap
_LAZY = {name: "metrics" for name in (
    "add_metrics", "chain_completeness", "city_similarity", "communities", "great_circle_km",
    "node_metrics", "zone_bridge_totals", "zone_bridges")}
_LAZY.update({name: "projections" for name in ("NetworkSource", "curie", "projection")})
_LAZY.update({name: "gephi_export" for name in ("export", "FORMATS", "ExportError")})
_LAZY.update({"analyze": "analysis_report", "write_figures": "figures"})

__all__ = ["KINDS", "NetworkError", "NetworkSource", "add_metrics", "chain_completeness",
           "city_similarity", "communities", "curie", "great_circle_km", "node_metrics",
           "projection", "zone_bridge_totals", "zone_bridges", "export", "FORMATS", "analyze",
           "write_figures"]


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'gdkg.network' has no attribute {name!r}")
