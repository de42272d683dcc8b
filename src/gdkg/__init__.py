"""gdkg — a knowledge graph of Guangdong's 20 strategic industry clusters.

The Python API mirrors the command line; each function takes a project (a
:class:`Project`, a directory, or nothing: the project around the working
directory, else the graph bundled with the package)::

    import gdkg
    result = gdkg.build()                 # load → reason → validate → build/
    kg = gdkg.open_graph()                # reasoned graph, SPARQL-ready
    kg.query("SELECT ?c WHERE { ?c a gd:EmergingIndustryCluster }").rows
    print(gdkg.matrix("pillar").render("md"))
    gdkg.stats()                          # coverage report as a dict
    gdkg.validate("new.ttl")              # check new data before it enters the graph
    gdkg.add("new.ttl", "my-project")     # … and put it into data/ttl/added/
    gdkg.release(output="dist/gdkg")      # versioned, reproducible dataset bundle
    gdkg.diff("old-release", "dist/gdkg") # what changed between two versions
"""

from importlib import import_module

__version__ = "0.1.0"

# Imported on first use, so `gdkg query` does not pay for the build pipeline. The
# functions live in gdkg.api: no submodule is named like one of them, so importing
# a submodule can never replace a function on the package.
_EXPORTS = {
    "build": "api", "open_graph": "api", "matrix": "api", "stats": "api",
    "validate": "api", "add": "api", "init": "api", "release": "api", "diff": "api",
    "AddResult": "api",
    "describe": "entity_description", "search": "label_search",
    "export": "network.gephi_export", "analyze": "network.analysis_report",
    "BuildResult": "pipeline", "KnowledgeGraph": "store", "QueryResult": "store",
    "LoadError": "load", "Matrix": "layout_matrix", "Project": "project",
    "ProjectNotFound": "project", "InitError": "project",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'gdkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [*_EXPORTS]
