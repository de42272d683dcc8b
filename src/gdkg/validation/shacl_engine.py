"""Which SHACL engine runs: Oxigraph (the default), pySHACL (the reference) or pyshacl-turbo.

- ``oxigraph`` (:mod:`.sparql_shacl`): gdkg's shapes compiled to SPARQL and run by Oxigraph.
  It gives pySHACL's results — the same (focus, path, value, constraint component, severity,
  source shape, messages) — on the bundled graph and on every case of the bad-input corpus
  (tests/test_sparql_shacl.py), and a shape it cannot compile is validated by pySHACL, so it is
  what "auto" runs. Whole-graph validation of the 1 M-triple benchmark graph takes seconds
  instead of pySHACL's many minutes (bench/shacl.py).
- ``pyshacl``: the reference semantics (``--shacl pyshacl`` / ``$GDKG_SHACL=pyshacl``).
- ``turbo`` (pyshacl-turbo, where installed): pySHACL's results on the bundled graph, but not on
  the whole bad-input corpus: it reports no sh:minInclusive result for an ill-typed numeric
  literal ("1,5"^^xsd:decimal, "1.5万亿"), where pySHACL (and the SHACL spec: a value that cannot
  be compared fails) does (tests/test_shacl_engines.py).

"auto" falls back to pySHACL where pyoxigraph is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

Engine = Literal["auto", "oxigraph", "pyshacl", "turbo"]
ENGINES = ("auto", "oxigraph", "pyshacl", "turbo")


def chosen_engine(engine: str | None = None) -> str:
    """``engine``, else ``$GDKG_SHACL``; "auto" is Oxigraph where pyoxigraph is installed."""
    engine = engine or os.environ.get("GDKG_SHACL") or "auto"
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; use {', '.join(ENGINES)}")
    if engine == "auto":
        from ..load import pyoxigraph

        return "oxigraph" if pyoxigraph is not None else "pyshacl"
    return engine


def validate_function(engine: str | None = None) -> Callable:
    """The engine's ``validate(data_graph, shacl_graph=…, …)`` (pySHACL's signature)."""
    chosen = chosen_engine(engine)
    if chosen == "oxigraph":
        try:
            from .sparql_shacl import validate
        except ImportError:
            raise ValueError("--shacl oxigraph needs pyoxigraph: pip install pyoxigraph") from None
        return validate
    if chosen == "turbo":
        try:
            from pyshacl_turbo import validate
        except ImportError:
            raise ValueError("--shacl turbo needs pyshacl-turbo: pip install pyshacl-turbo") from None
        return validate
    from pyshacl import validate

    return validate
