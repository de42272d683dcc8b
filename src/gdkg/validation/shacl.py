"""SHACL validation (Oxigraph or pySHACL, :mod:`.shacl_engine`), and a readable report of its results.

The data graph given to pySHACL is the *asserted* graph (ontology + data),
not the OWL RL closure: after reasoning every object of a property with an
``rdfs:range`` is typed with that range, which would make ``sh:class`` checks
pass for dangling or mistyped references. The ontology is included so
``sh:targetClass`` reaches instances of subclasses.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..forked import Forked
from ..load import to_graph
from ..namespaces import SH

_CJK = re.compile(r"[\u3400-\u9fff]")
SEVERITY_ORDER = {"info": 0, "warning": 1, "violation": 2}
_SEVERITY = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: what is wrong, where, and how badly."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str | None
    constraint: str | None

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("") or next(
            iter(self.messages.values()), self.constraint or "constraint not met")


@dataclass
class ValidationReport:
    """All results of one validation run."""

    results: list[ValidationResult] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "violation" for r in self.results)

    def counts(self) -> Counter[str]:
        return Counter(r.severity for r in self.results)

    def at_least(self, severity: str) -> list[ValidationResult]:
        floor = SEVERITY_ORDER[severity]
        return [r for r in self.results if SEVERITY_ORDER[r.severity] >= floor]

    def to_json(self) -> str:
        import json

        return json.dumps([vars(r) for r in self.results], ensure_ascii=False, indent=1,
                          sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ValidationReport:
        import json

        return cls([ValidationResult(**item) for item in json.loads(text)])

    def summary(self) -> str:
        counts = self.counts()
        state = "conforms" if self.conforms else "does NOT conform"
        parts = ", ".join(f"{counts.get(s, 0)} {s}s" for s in ("violation", "warning", "info"))
        return f"{state} ({parts})"


class PendingValidation(Forked):
    """A validation started by :func:`start_validation`; ``result()`` waits for it."""

    def __init__(self, data: set, shapes: set, files: list | None = None):
        super().__init__(validate_triples, data, shapes, None, files, what="SHACL validation")


def start_validation(data: set, shapes: set, files: list | None = None) -> PendingValidation:
    """Validate the asserted triples against the shapes, in a forked child process
    when the machine has more than one core (reasoning meanwhile uses the other).
    ``files``: the Turtle files ``data`` is exactly the union of (see validate_triples)."""
    return PendingValidation(data, shapes, files)


def _linear_report(cls, sg, conforms: bool, results: list):
    """pySHACL's Validator.create_validation_report with its text built by one join:
    pySHACL 0.40 appends each result's text to one string, which took 36 of 53 s for
    8,000 results (quadratic). Same graph, same text."""
    from pyshacl.consts import RDF_type, SH_conforms, SH_result, SH_ValidationReport
    from pyshacl.rdfutil import clone_blank_node

    if not conforms and not results:
        raise RuntimeError("A Non-Conformant Validation Report must have at least one result.")
    head = f"Validation Report\nConforms: {conforms}\n"
    if results:
        head += f"Results ({len(results)}):\n"
    text = head + "".join(d for d, _, _ in sorted(results, key=lambda r: r[0]))
    vg = Graph(bind_namespaces="core")
    for prefix, namespace in sg.graph.namespace_manager.namespaces():
        vg.namespace_manager.bind(prefix, namespace)
    report = BNode()
    vg.add((report, RDF_type, SH_ValidationReport))
    vg.add((report, SH_conforms, Literal(conforms)))
    cloned: dict = {}
    for _, node, triples in results:
        vg.add((report, SH_result, node))
        for s, p, o in triples:
            if isinstance(o, tuple):
                source, value = o
                if isinstance(value, Literal):
                    o = value
                elif (source, str(value)) in cloned:
                    o = cloned[(source, str(value))]
                elif isinstance(value, BNode):
                    o = cloned[(source, str(value))] = clone_blank_node(source, value, vg, keepid=True)
                else:
                    o = cloned[(source, str(value))] = URIRef(str(value))
            vg.add((s, p, o))
    return vg, text


def _patch_pyshacl() -> None:
    from pyshacl.validator import Validator

    from ..rdflib_query_cache import cache_sparql_parsing

    cache_sparql_parsing()  # pySHACL sends rdflib the same SPARQL texts on every run

    if getattr(Validator.create_validation_report, "__func__", None) is not _linear_report:
        Validator.create_validation_report = classmethod(_linear_report)


def validate(data: Graph, shapes: Graph, focus_nodes: list[str] | None = None,
             engine: str | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (no inference; SPARQL constraints on);
    only the ``focus_nodes`` (IRIs) when given. ``engine``: see :mod:`.shacl_engine`
    (default ``$GDKG_SHACL``, else Oxigraph, with pySHACL's results)."""
    from .shacl_engine import chosen_engine, validate_function

    shacl_validate = validate_function(engine)
    if chosen_engine(engine) != "oxigraph":
        _patch_pyshacl()  # (the Oxigraph engine patches it only when it hands shapes to pySHACL)

    _conforms, results_graph, _text = shacl_validate(
        data,
        focus_nodes=focus_nodes,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        inplace=True,  # the data graph is the caller's throw-away copy; no shape rules modify it
    )
    return _report(results_graph, shapes)


def validate_triples(data: set, shapes: set | Graph, engine: str | None = None,
                     files: list | None = None) -> ValidationReport:
    """:func:`validate` of a set of triples (``shapes``: a set of triples or a Graph); the
    Oxigraph engine loads them into its store without building an rdflib graph of the data.
    ``files``: the Turtle files ``data`` was loaded from, which that engine then parses
    natively (same triples, much faster)."""
    from .shacl_engine import chosen_engine

    shapes_graph = shapes if isinstance(shapes, Graph) else to_graph(shapes)
    if chosen_engine(engine) != "oxigraph":
        return validate(to_graph(data), shapes_graph, engine=engine)
    from .sparql_shacl import validate_triples as on_oxigraph

    texts = None
    if files:
        from ..load import read_text

        texts = (read_text(path) for path in files)
    _conforms, results_graph, _text = on_oxigraph(data, shapes_graph, texts)
    return _report(results_graph, shapes_graph)


def validate_in_store(store, shapes: Graph, originals: Iterable, data_graph, *,
                      ill_typed: bool | None = None) -> ValidationReport:
    """:func:`validate` (Oxigraph engine) of data already in a pyoxigraph store.

    ``originals``: the data's triples (rdflib terms), read only to give typed literals of the
    results back in the data's own spelling; ``data_graph``: a callable returning the data as
    an rdflib Graph, called only for shapes left to pySHACL; ``ill_typed``: whether the data
    holds an ill-typed number, when the caller knows (else the store is asked)."""
    from .sparql_shacl import _Terms, validator_for

    _conforms, results_graph, _text = validator_for(shapes).validate_store(
        store, _Terms(originals), data_graph, ill_typed=ill_typed)
    return _report(results_graph, shapes)


def _report(results_graph: Graph, shapes: Graph) -> ValidationReport:
    """An engine's results graph as a ValidationReport (messages with their languages)."""
    return ValidationReport(sorted(_results(results_graph, _templates(shapes)), key=_order))


_PLACEHOLDER = re.compile(r"\\\{\\[$?]\w+\\\}")  # {?var} or {$this}, as re.escape writes them


def _templates(shapes: Graph) -> dict:
    """For each shape or SPARQL constraint, its sh:message templates as (regex, language).

    pySHACL drops the language tag of a message when it fills in {?var} or {$this};
    matching the filled message against the templates recovers it."""
    templates: dict = {}
    for node, message in shapes.subject_objects(SH.message):
        if isinstance(message, Literal) and message.language:
            pattern = _PLACEHOLDER.sub(".*", re.escape(str(message)))
            templates.setdefault(node, []).append((pattern, message.language))
    return templates


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    """A template's regex, compiled when first needed (most results carry their language,
    and compiling every template of the shapes took a fifth of a small validate)."""
    return re.compile(pattern, re.S)


def _language(message: Literal, sources: list, templates: dict) -> str:
    if message.language:
        return message.language
    for source in sources:
        for pattern, language in templates.get(source, ()):
            if _compiled(pattern).fullmatch(str(message)):
                return language
    return "zh" if _CJK.search(str(message)) else "en"


def _order(result: ValidationResult) -> tuple:
    return (-SEVERITY_ORDER[result.severity], result.focus, result.path or "",
            result.value or "", result.shape or "", sorted(result.messages.items()))


def _text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return None
    return str(term)


def _results(graph: Graph, templates: dict) -> Iterable[ValidationResult]:
    """The results of a results graph; of those with the same severity, focus, path, value,
    shape and messages (e.g. sh:datatype and sh:minInclusive on one value of one shape) the
    first by constraint component IRI, so the report does not depend on the graph's order."""
    results = sorted(_all_results(graph, templates), key=lambda r: (_order(r), r.constraint or ""))
    seen = set()
    for result in results:
        key = (result.severity, result.focus, result.path, result.value, result.shape,
               tuple(sorted(result.messages.items())))
        if key not in seen:
            seen.add(key)
            yield result


def raw_results(graph: Graph) -> set[tuple]:
    """(focus, path, value, constraint component, severity, source shape) of every result of a
    results graph, before any merging: what tests compare between engines."""
    return {(r.focus, r.path, r.value, r.constraint, r.severity, r.shape)
            for r in _all_results(graph, {})}


def _all_results(graph: Graph, templates: dict) -> Iterable[ValidationResult]:
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        messages: dict[str, str] = {}
        sources = [graph.value(node, SH.sourceConstraint), graph.value(node, SH.sourceShape)]
        for message in graph.objects(node, SH.resultMessage):
            if isinstance(message, Literal):
                messages.setdefault(_language(message, sources, templates), str(message))
        result = ValidationResult(
            severity=_SEVERITY.get(graph.value(node, SH.resultSeverity), "violation"),
            focus=str(graph.value(node, SH.focusNode)),
            path=_text(graph.value(node, SH.resultPath)),
            value=_value(graph.value(node, SH.value)),
            messages=messages,
            shape=_text(graph.value(node, SH.sourceShape)),
            constraint=_text(graph.value(node, SH.sourceConstraintComponent)),
        )
        yield result


def _value(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, URIRef):
        return str(term)
    return None
