"""`gdkg serve`: a read-only SPARQL 1.1 endpoint over the reasoned graph, with a query page,
entity pages (/id/…) and the ontology reference (/ontology); and `gdkg docs`.

Modules: ``app`` (the Starlette app, :func:`run_server`), ``protocol`` (/sparql, /queries),
``pages`` (the page at /), ``entities`` (/id/…), ``ontology_docs`` (/ontology, :func:`write_docs`),
``assets`` (own CSS/JS; no CDN), ``workers`` (query processes, timeout), ``negotiation``,
``formats`` (adapter to gdkg.sparql_results), ``command`` (CLI). The web parts need the
``serve`` extra; :func:`write_docs` does not.
"""

from __future__ import annotations


def create_app(*args, **kwargs):
    """The ASGI app (see :func:`gdkg.serve.app.create_app`)."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


def run_server(*args, **kwargs) -> None:
    """Serve until interrupted (see :func:`gdkg.serve.app.run_server`)."""
    from .app import run_server as _run_server

    _run_server(*args, **kwargs)


def write_docs(*args, **kwargs):
    """Write the ontology reference as static files (see :func:`gdkg.serve.ontology_docs.write_docs`)."""
    from .ontology_docs import write_docs as _write_docs

    return _write_docs(*args, **kwargs)


__all__ = ["create_app", "run_server", "write_docs"]
