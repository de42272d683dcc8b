"""gdkg — a knowledge graph of Guangdong's 20 strategic industry clusters.

The Python API mirrors the command line::

    import gdkg
    result = gdkg.build()                 # load → reason → validate → build/
    kg = gdkg.open_graph()                # reasoned graph, SPARQL-ready
    kg.query("SELECT ...")
    print(gdkg.matrix("pillar").render("md"))
"""

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402
from .load import LoadError  # noqa: E402
from .matrix import Matrix, matrix  # noqa: E402
from .project import Project  # noqa: E402
from .store import KnowledgeGraph, QueryResult  # noqa: E402


def open_graph(root=None) -> KnowledgeGraph:
    """The reasoned graph of the project at ``root`` (rebuilt if the sources changed)."""
    return KnowledgeGraph.open(Project.find(root))


__all__ = [
    "BuildResult",
    "KnowledgeGraph",
    "LoadError",
    "Matrix",
    "Project",
    "QueryResult",
    "build",
    "matrix",
    "open_graph",
]
