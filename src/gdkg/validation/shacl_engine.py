"""Which SHACL engine runs: pySHACL (the reference, the default) or pyshacl-turbo (Rust, same API).

pyshacl-turbo gives pySHACL's results on the bundled graph, but not on the whole bad-input
corpus: it reports no sh:minInclusive result for an ill-typed numeric literal ("1,5"^^xsd:decimal,
"1.5万亿"), where pySHACL (and the SHACL spec: a value that cannot be compared fails) does; the
datatype violation of those literals is reported by both (tests/test_shacl_engines.py). So it is
not the default: ``--shacl turbo`` / ``$GDKG_SHACL=turbo`` selects it where it is installed,
for large graphs where a few such results matter less than the time; "auto" runs pySHACL.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

Engine = Literal["auto", "pyshacl", "turbo"]
ENGINES = ("auto", "pyshacl", "turbo")


def chosen_engine(engine: str | None = None) -> str:
    """``engine``, else ``$GDKG_SHACL``; "auto" is pySHACL."""
    engine = engine or os.environ.get("GDKG_SHACL") or "auto"
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; use {', '.join(ENGINES)}")
    return "pyshacl" if engine == "auto" else engine


def validate_function(engine: str | None = None) -> Callable:
    """The engine's ``validate(data_graph, shacl_graph=…, …)`` (pySHACL's signature)."""
    if chosen_engine(engine) == "turbo":
        try:
            from pyshacl_turbo import validate
        except ImportError:
            raise ValueError("--shacl turbo needs pyshacl-turbo: pip install pyshacl-turbo") from None
        return validate
    from pyshacl import validate

    return validate
