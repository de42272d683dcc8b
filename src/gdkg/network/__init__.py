"""Linkage networks of the cluster system, with NetworkX.

    from gdkg import network
    g = network.projection("city")            # a plain networkx graph, node keys are CURIEs
    network.add_metrics(g)                    # strength, betweenness, pagerank, community …
    network.export("city", "gexf", "city.gexf", lang="zh")   # Gephi-ready file
    network.analyze(fmt="html", output="report.html")          # report with figures
    network.write_figures("figures/")                         # PNG + SVG (plot extra)

Projections are defined by ``queries/network-<kind>.rq``; see :mod:`.projections`.
"""

from .metrics import (
    add_metrics,
    chain_completeness,
    city_similarity,
    communities,
    great_circle_km,
    node_metrics,
    zone_bridge_totals,
    zone_bridges,
)
from .projections import KINDS, NetworkError, NetworkSource, curie, projection

__all__ = ["KINDS", "NetworkError", "NetworkSource", "add_metrics", "chain_completeness",
           "city_similarity", "communities", "curie", "great_circle_km", "node_metrics",
           "projection", "zone_bridge_totals", "zone_bridges", "export", "FORMATS", "analyze",
           "write_figures"]


def __getattr__(name: str):
    # export, analyze and figures pull in heavier modules; import them on first use
    if name in ("export", "FORMATS", "ExportError"):
        from . import gephi_export
        return getattr(gephi_export, name)
    if name == "analyze":
        from .analysis_report import analyze
        return analyze
    if name == "write_figures":  # (the module is gdkg.network.figures)
        from .figures import write_figures
        return write_figures
    raise AttributeError(f"module 'gdkg.network' has no attribute {name!r}")
