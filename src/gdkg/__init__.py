"""gdkg — a knowledge graph of Guangdong's 20 strategic industry clusters.

The Python API mirrors the command line::

    import gdkg
    result = gdkg.build()                 # load → reason → validate → build/
    kg = gdkg.open_graph()                # reasoned graph, SPARQL-ready
    kg.query("SELECT ?c WHERE { ?c a gd:EmergingIndustryCluster }").rows
    print(gdkg.matrix("pillar").render("md"))
    gdkg.stats()                          # coverage report as a dict
"""

from importlib import import_module

__version__ = "0.1.0"

# Imported on first use, so `gdkg query` does not pay for the build pipeline.
_EXPORTS = {
    "BuildResult": "pipeline", "build": "pipeline",
    "KnowledgeGraph": "store", "QueryResult": "store",
    "LoadError": "load", "Matrix": "layout_matrix", "matrix": "layout_matrix",
    "Project": "project", "stats": "coverage",
    "describe": "entity_description", "search": "label_search",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'gdkg' has no attribute {name!r}")


def open_graph(root=None):
    """The reasoned graph of the project at ``root`` (rebuilt if the sources changed)."""
    from .project import Project
    from .store import KnowledgeGraph

    return KnowledgeGraph.open(Project.find(root))


__all__ = [*_EXPORTS, "open_graph"]
