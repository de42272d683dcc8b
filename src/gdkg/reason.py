"""OWL 2 RL closure behind one function.

``reasonable`` (Rust, the ``fast`` extra) computes the same entailments as
owlrl about a hundred times faster. owlrl stays the reference semantics: a
test compares both on the bundled data. Both results are normalised the same
way so rdflib and pySHACL see one form of each term.
"""

from __future__ import annotations

from typing import Literal as TypingLiteral

from rdflib import Graph, Literal
from rdflib.namespace import OWL

from .load import Triple, normalise_triples

Engine = TypingLiteral["auto", "reasonable", "owlrl"]


def available_engine(engine: Engine = "auto") -> str:
    """The engine that will run for ``engine`` ("auto" prefers reasonable)."""
    if engine != "auto":
        return engine
    try:
        import reasonable  # noqa: F401
    except ImportError:
        return "owlrl"
    return "reasonable"


def closure(graph: Graph, engine: Engine = "auto") -> set[Triple]:
    """All triples of the OWL 2 RL closure of ``graph`` (asserted ones included).

    Dropped from either engine's output, as they carry no information and the
    engines disagree on them: reflexive ``owl:sameAs`` and triples about literals."""
    chosen = available_engine(engine)
    if chosen == "reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(graph)
        triples = reasoner.reason()
    elif chosen == "owlrl":
        import owlrl

        copy = Graph()
        copy.addN((s, p, o, copy) for s, p, o in graph)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(copy)
        triples = copy
    else:
        raise ValueError(f"unknown reasoner {engine!r}; use auto, reasonable or owlrl")
    return {
        (s, p, o)
        for s, p, o in normalise_triples(triples)
        if not isinstance(s, Literal) and not (p == OWL.sameAs and s == o)
    } | set(graph)
