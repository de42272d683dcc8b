"""SHACL on Oxigraph: each shape compiled to SPARQL, run by Oxigraph (Rust), with pySHACL's results.

pySHACL walks every focus node and value in Python over rdflib; on the 1 M-triple benchmark
graph gdkg's shapes took over 470 s CPU there without finishing. Here every (shape, constraint
component) becomes one SPARQL SELECT over the data in a pyoxigraph store — the focus nodes of
the shape's targets as a sub-query, the values along its path, the failing rows selected by a
FILTER, MINUS or GROUP BY … HAVING — and only the failing rows come back to Python. Nested
shapes (sh:or, sh:xone, sh:not, sh:and, sh:node, sh:qualifiedValueShape) become boolean
EXISTS expressions on the value node. A SPARQL-based constraint (sh:sparql) runs its query
once per focus node with ``$this`` pre-bound (an IRI as a ``VALUES`` row, which Oxigraph's
planner sees; otherwise Oxigraph's substitutions, which follow SEP-0007, the SHACL
pre-binding), ``$PATH`` replaced by the shape's path as pySHACL does.

The semantics are pySHACL's, which stays the reference (``--shacl pyshacl``):

- ``sh:targetClass`` reaches instances of subclasses through ``rdfs:subClassOf*`` in the data
  graph; ``sh:class`` likewise; a literal is never an instance.
- ``sh:datatype``: the value's datatype must be the rule's and its lexical form valid. Oxigraph
  keeps ill-typed literals ("1,5"^^xsd:decimal) as they are; the candidates are checked with
  rdflib's own parser and pySHACL's own test, so "valid" means the same thing. A plain string
  is an xsd:string (RDF 1.1, and pySHACL's rule for plain literals), a tagged one an
  rdf:langString.
- ``sh:minInclusive`` and the other range rules: a value that cannot be compared (an ill-typed
  number, a string against a number, an IRI) fails, as in pySHACL and the SHACL spec.
- Oxigraph writes valid numbers and dates in canonical form ("01" -> "1"); a literal in a
  result (its sh:value, or a {?var} of a message) is mapped back to the data's own form.
- Messages: the shape's sh:message literals, with their language; for a SPARQL constraint the
  constraint's and the shape's, with {?var}/{$var} filled in as pySHACL does (so
  :func:`gdkg.validation.shacl._templates` recovers the language as for pySHACL's).

- SPARQL targets and constraints are written for rdflib (pySHACL's engine), and rdflib's SPARQL
  orders values Oxigraph cannot compare ("1,5"^^xsd:decimal < 0 is true there, an error here).
  So where the data holds such literals — any sh:datatype result, or an ill-typed number
  anywhere — the SPARQL-based shapes (a sh:target or a sh:sparql) are validated by pySHACL.
  That only happens on data that is wrong already; conforming data stays on Oxigraph.
- A SPARQL query may use the prefixes an rdflib graph binds by default (rdf, rdfs, xsd…).

A shape using anything this module does not compile (another constraint component such as
sh:minLength or sh:equals, sh:property or sh:node references, an implicit class target,
sh:qualifiedValueShapesDisjoint, a nested shape beyond the simple forms, no sh:message — pySHACL
then writes its own text) is not skipped: pySHACL validates it, with the targets of every other
shape removed, on the same data, and its results are merged (``SparqlShaclValidator.delegated``
names those shapes, ``last_delegated`` also the SPARQL-based ones of the last run). None of
gdkg's shapes needs that today. The engine's results equal pySHACL's on the bundled data and on
each case of the bad-input corpus, result by result (tests/test_sparql_shacl.py), which is why
``--shacl auto`` (the default) runs it and ``--shacl pyshacl`` stays as the reference.

Measured (bench/shacl.py, CPU): bundled graph 0.97 s against pySHACL's 2.7 s; 125 k triples
5.3 s against 12.9 s; 1.03 M triples 26 s validating plus 17.6 s loading the rdflib triples into
Oxigraph, where pySHACL did not finish in 470 s.

Speed: every check evaluates its shape's targets again (writing the focus
nodes into a graph once per shape cost more: Oxigraph updates six indexes per quad); sh:minCount
1 or 2 on a plain property is an anti-join (FILTER NOT EXISTS), other counts GROUP BY … HAVING;
a sequence path is never put inside NOT EXISTS (Oxigraph evaluates it there without the focus
bound: 15 s at 100 k triples). A property shape that targets the subjects of its own path (one
per property in references.ttl) needs no focus pattern for the checks of values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from ..load import rdflib_term
from ..namespaces import SH

_TYPE_OF = (f"<{RDF.type}>/<{RDFS.subClassOf}>*")
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: shape predicates that carry no constraint
_INERT = {RDF.type, RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso, SH.message,
          SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path, SH.deactivated,
          *_TARGETS}
_ORDER = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=",
          SH.maxExclusive: "<"}
_COMPONENT = {
    SH["class"]: "ClassConstraintComponent", SH.datatype: "DatatypeConstraintComponent",
    SH.minCount: "MinCountConstraintComponent", SH.maxCount: "MaxCountConstraintComponent",
    SH["in"]: "InConstraintComponent", SH.hasValue: "HasValueConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent", SH.uniqueLang: "UniqueLangConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.pattern: "PatternConstraintComponent", SH.disjoint: "DisjointConstraintComponent",
    SH.closed: "ClosedConstraintComponent", SH["or"]: "OrConstraintComponent",
    SH.xone: "XoneConstraintComponent", SH["not"]: "NotConstraintComponent",
    SH["and"]: "AndConstraintComponent", SH.node: "NodeConstraintComponent",
    SH.qualifiedMaxCount: "QualifiedMaxCountConstraintComponent",
    SH.qualifiedMinCount: "QualifiedMinCountConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
_ALWAYS_WELL_FORMED = {XSD.string, RDF.langString}
_NUMERIC = {XSD[name] for name in (
    "decimal", "integer", "int", "long", "short", "byte", "float", "double", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}


_RDFLIB_PREFIXES = {prefix: str(namespace) for prefix, namespace in Graph().namespaces() if prefix}


class Unsupported(Exception):
    """A shape uses something this engine does not compile: pySHACL validates it."""


# --- terms ----------------------------------------------------------------------------------


def _sparql_string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def _sparql_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{_sparql_string(str(term))}@{term.language}"
        if term.datatype is not None:
            return f"{_sparql_string(str(term))}^^<{term.datatype}>"
        return _sparql_string(str(term))
    raise Unsupported(f"blank node {term} as a constant")


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _bound_query(store: ox.Store, query: str, prefixes: dict, this: ox.Variable, focus):
    """``query`` with ``$this`` bound to ``focus``. An IRI is written into the query as a
    ``VALUES`` row at the head of its outer WHERE, so that Oxigraph's planner knows ``$this`` is one
    node: given as a substitution (seen only after planning) it built each OPTIONAL's right side
    over the whole graph, ~7 s per focus node of QuotedTarget at 1 M triples against 8 ms. The one nested
    SELECT of gdkg's constraints projects ``$this`` without using it, where both bindings agree.
    Blank nodes and literals keep the substitution."""
    where = _OUTER_WHERE.search(query) if isinstance(focus, ox.NamedNode) else None
    if where is None:
        return store.query(query, prefixes=prefixes, substitutions={this: focus})
    at = where.end()
    return store.query(f"{query[:at]} VALUES ?{this.value} {{ {focus} }}{query[at:]}", prefixes=prefixes)


class _Terms:
    """rdflib <-> pyoxigraph terms, keeping blank node labels and the data's own literals."""

    def __init__(self, originals: Iterable | None = None):
        self._ox: dict = {}
        self._originals_source = originals
        self._originals: dict | None = None

    def to_ox(self, term):
        found = self._ox.get(term)
        if found is not None:
            return found
        if isinstance(term, URIRef):
            made = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            made = ox.BlankNode(str(term))
        elif term.language:
            made = ox.Literal(str(term), language=term.language)
        elif term.datatype is not None:
            made = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        else:
            made = ox.Literal(str(term))
        if not isinstance(term, Literal):
            self._ox[term] = made
        return made

    def to_rdflib(self, term):
        if term is None:
            return None
        made = rdflib_term(term)
        if isinstance(made, Literal) and made.datatype is not None:
            return self._original(made)
        return made

    def _original(self, literal: Literal) -> Literal:
        """The data's own spelling of a literal Oxigraph gave back in canonical form."""
        if self._originals is None:
            self._originals = {}
            for triple in self._originals_source or ():
                o = triple[2]
                if isinstance(o, Literal) and o.datatype is not None:
                    self._originals.setdefault((o.datatype, str(o)), o)
                    if o.value is not None:
                        self._originals.setdefault((o.datatype, "value", o.value), o)
        exact = self._originals.get((literal.datatype, str(literal)))
        if exact is not None:
            return exact
        if literal.value is not None:
            return self._originals.get((literal.datatype, "value", literal.value), literal)
        return literal


def load_store(triples: Iterable, terms: _Terms | None = None) -> tuple[ox.Store, _Terms]:
    """An in-memory Oxigraph store holding ``triples`` (rdflib terms)."""
    terms = terms or _Terms()
    store = ox.Store()
    convert = terms.to_ox
    store.bulk_extend(ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in triples)
    return store, terms


# --- shapes ---------------------------------------------------------------------------------


def _items(graph: Graph, node) -> list:
    return list(Collection(graph, node))


def path_sparql(graph: Graph, path) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if isinstance(path, Literal):
        raise Unsupported(f"literal path {path}")
    if graph.value(path, RDF.first) is not None:
        return "(" + "/".join(path_sparql(graph, p) for p in _items(graph, path)) + ")"
    for predicate, wrap in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                            (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return wrap.format(path_sparql(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(graph, p) for p in _items(graph, alternatives)) + ")"
    raise Unsupported(f"path {path}")


def _steps(graph: Graph, path) -> list[tuple[URIRef, bool]] | None:
    """A path of predicates and inverse predicates in sequence as (predicate, inverse?) steps;
    None for any other path."""
    if isinstance(path, URIRef):
        return [(path, False)]
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return [(inverse, True)]
    if graph.value(path, RDF.first) is not None:
        steps = [_steps(graph, p) for p in _items(graph, path)]
        if all(s is not None for s in steps):
            return [step for s in steps for step in s]
    return None


def path_pattern(graph: Graph, path, subject: str, object_: str, fresh) -> str:
    """Triple patterns linking ``subject`` to ``object_`` along ``path``: a chain of triple
    patterns where the path is a sequence of (inverse) predicates — Oxigraph plans those as a
    join from the bound end, where it evaluates a sequence property path over the whole graph
    — else the SPARQL property path. ``fresh()`` names the variables in between."""
    steps = _steps(graph, path)
    if steps is None:
        return f"{subject} {path_sparql(graph, path)} {object_} ."
    nodes = [subject] + [fresh() for _ in steps[1:]] + [object_]
    return " ".join(f"{nodes[i + 1]} <{p}> {nodes[i]} ." if inverse else
                    f"{nodes[i]} <{p}> {nodes[i + 1]} ." for i, (p, inverse) in enumerate(steps))


@dataclass
class _Check:
    """One SELECT of a shape: rows ?this [?value] [?path] are results of ``component``."""

    component: str
    query: str
    value_is_focus: bool = False  # node shapes: the value node is the focus node
    datatype: URIRef | None = None  # the SELECT gives candidates for a datatype check
    bound: tuple | None = None  # (operator, limit): candidates for a range check


@dataclass
class _SparqlConstraint:
    node: object
    query: str
    messages: list
    prefixes: dict


@dataclass
class CompiledShape:
    node: object
    severity: URIRef
    messages: list
    path: object | None  # the sh:path node (property shapes)
    focus: str  # a group binding ?this to each focus node
    prefixes: dict
    checks: list[_Check] = field(default_factory=list)
    sparql: list[_SparqlConstraint] = field(default_factory=list)


class _Compiler:
    def __init__(self, graph: Graph):
        self.graph = graph
        self._n = 0

    def var(self, stem: str = "x") -> str:
        self._n += 1
        return f"?_{stem}{self._n}"

    def prefixes(self, node) -> dict:
        """The sh:declare'd prefixes of the sh:prefixes of ``node`` (pySHACL reads them the
        same way, following owl:imports of the declaring node), over the prefixes an rdflib
        graph binds by default (rdf, rdfs, xsd, owl, skos, prov…), which pySHACL's queries on
        the rdflib data graph can use undeclared."""
        found: dict = dict(_RDFLIB_PREFIXES)
        seen: set = set()
        todo = list(self.graph.objects(node, SH.prefixes))
        while todo:
            holder = todo.pop()
            if holder in seen:
                continue
            seen.add(holder)
            for declaration in self.graph.objects(holder, SH.declare):
                prefix = self.graph.value(declaration, SH.prefix)
                namespace = self.graph.value(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    found[str(prefix)] = str(namespace)
            todo.extend(self.graph.objects(holder, URIRef("http://www.w3.org/2002/07/owl#imports")))
        return found

    # focus nodes

    def focus(self, shape, prefixes: dict) -> str:
        g = self.graph
        parts = []
        classes = sorted(_sparql_term(c) for c in g.objects(shape, SH.targetClass))
        if classes:  # subclasses first (few), then their instances
            parts.append(f"VALUES ?_target {{ {' '.join(classes)} }} "
                         f"?_class <{RDFS.subClassOf}>* ?_target . ?this a ?_class .")
        nodes = [_sparql_term(n) for n in g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(sorted(nodes))} }}")
        for target, pattern in ((SH.targetSubjectsOf, "?this ?_p [] ."),
                                (SH.targetObjectsOf, "[] ?_p ?this .")):
            used = sorted(_sparql_term(p) for p in g.objects(shape, target))
            if len(used) == 1:
                parts.append(pattern.replace("?_p", used[0]))
            elif used:  # one pattern, not a union of one per property
                parts.append(f"VALUES ?_p {{ {' '.join(used)} }} {pattern}")
        for target in g.objects(shape, SH.target):
            select = g.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in g or select is None or \
                    set(g.predicates(target)) - {RDF.type, SH.select, SH.prefixes}:
                raise Unsupported(f"target {target}")
            prefixes.update(self.prefixes(target))
            parts.append(f"{{ {select} }}")
        if (shape, RDF.type, RDFS.Class) in g or \
                (shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g:
            raise Unsupported("implicit class target")
        if len(parts) == 1 and not parts[0].startswith("{"):
            # one target: its patterns join the check's own, so Oxigraph can start from the
            # focus nodes (a sub-query is joined by hashing: the check's patterns are then
            # evaluated over the whole graph — 0.14 s instead of 0 for 20 focus nodes)
            return parts[0]
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    # nested shapes as boolean expressions on a node

    def conforms(self, shape, node: str) -> str:
        """A SPARQL expression: ``node`` (a variable) conforms to the nested ``shape``."""
        g = self.graph
        if isinstance(shape, URIRef) and shape != SH.Shape and not any(True for _ in g.predicates(shape)):
            raise Unsupported(f"nested shape {shape} not in the shapes graph")
        if g.value(shape, SH.deactivated) == Literal(True):
            return "true"
        path = g.value(shape, SH.path)
        tests = []
        for predicate, value in sorted(g.predicate_objects(shape)):
            if predicate in (RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name,
                             SH.description, SH.path):
                continue
            if path is not None:
                tests.append(self._nested_property(path, predicate, value, node))
            else:
                tests.append(self._nested_node(predicate, value, node))
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def _nested_node(self, predicate, value, node: str) -> str:
        g = self.graph
        if predicate == SH["class"]:
            return f"EXISTS {{ {node} {_TYPE_OF} {_sparql_term(value)} }}"
        if predicate == SH["in"]:
            members = _items(g, value)
            return "(" + " || ".join(f"sameTerm({node}, {_sparql_term(m)})" for m in members) + ")" \
                if members else "false"
        if predicate == SH.hasValue:
            return f"sameTerm({node}, {_sparql_term(value)})"
        if predicate in (SH["or"], SH["and"], SH.xone):
            members = [self.conforms(m, node) for m in _items(g, value)]
            if predicate == SH["or"]:
                return "(" + " || ".join(members) + ")" if members else "false"
            if predicate == SH["and"]:
                return "(" + " && ".join(members) + ")" if members else "true"
            return "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)"
        if predicate == SH["not"]:
            return f"(!{self.conforms(value, node)})"
        if predicate == SH.node:
            return self.conforms(value, node)
        raise Unsupported(f"{predicate} in a nested shape")

    def _nested_property(self, path, predicate, value, node: str) -> str:
        p = path_sparql(self.graph, path)
        other = self.var()
        if predicate == SH.minCount and int(value) == 1:
            return f"EXISTS {{ {node} {p} {other} }}"
        if predicate == SH.minCount and int(value) == 0:
            return "true"
        if predicate == SH.maxCount and int(value) == 0:
            return f"NOT EXISTS {{ {node} {p} {other} }}"
        if predicate == SH.hasValue:
            return f"EXISTS {{ {node} {p} {_sparql_term(value)} }}"
        if predicate == SH["class"]:
            return (f"NOT EXISTS {{ {node} {p} {other} . FILTER NOT EXISTS "
                    f"{{ {other} {_TYPE_OF} {_sparql_term(value)} }} }}")
        raise Unsupported(f"{predicate} in a nested property shape")

    # top-level shapes

    def shape(self, node) -> CompiledShape:
        g = self.graph
        prefixes = self.prefixes(node)
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1:
            raise Unsupported("several sh:path")
        path = paths[0] if paths else None
        severity = g.value(node, SH.severity) or SH.Violation
        compiled = CompiledShape(node, severity, list(g.objects(node, SH.message)), path, "",
                                 prefixes)
        # each check evaluates the targets again: writing the focus nodes into a graph of their
        # own once per shape cost more (Oxigraph updates six indexes per quad) than it saved
        compiled.focus = self.focus(node, prefixes)
        p = path_sparql(g, path) if path is not None else None
        values = (path_pattern(g, path, "?this", "?value", lambda: self.var("m")) if p
                  else "BIND (?this AS ?value)")
        is_node = p is None
        # a property shape targeting the subjects of its own path (references.ttl: one shape per
        # property) needs no focus pattern for the checks of values: every value has its focus
        implied = (isinstance(path, URIRef) and set(g.objects(node, SH.targetSubjectsOf)) == {path}
                   and not any((node, t, None) in g for t in _TARGETS if t != SH.targetSubjectsOf))
        focus = "" if implied else compiled.focus

        def add(component: str, query: str, **extra) -> None:
            compiled.checks.append(_Check(str(SH[component]), query, value_is_focus=is_node, **extra))

        handled = set(_INERT)
        owners = {SH.qualifiedValueShape: (SH.qualifiedMaxCount, SH.qualifiedMinCount,
                                           SH.qualifiedValueShapesDisjoint),
                  SH.pattern: (SH.flags,), SH.closed: (SH.ignoredProperties,)}
        for owner, parameters in owners.items():
            if (node, owner, None) in g:
                handled.update(parameters)
        for predicate, value in sorted(g.predicate_objects(node)):
            if predicate in handled:
                continue
            component = _COMPONENT.get(predicate)
            if predicate == SH["class"]:
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                               f"MINUS {{ SELECT DISTINCT ?value WHERE {{ ?value {_TYPE_OF} "
                               f"{_sparql_term(value)} }} }} }}")
            elif predicate == SH.datatype:
                if value in (RDFS.Literal, RDFS.Datatype):
                    raise Unsupported(f"sh:datatype {value}")
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER "
                               f"(!isLiteral(?value) || DATATYPE(?value) != <{value}>) }}")
                if value not in _ALWAYS_WELL_FORMED:
                    numeric = " && !isNumeric(?value)" if value in _NUMERIC else ""
                    add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER "
                                   f"(isLiteral(?value) && DATATYPE(?value) = <{value}>{numeric}) }}",
                        datatype=value)
            elif predicate in (SH.minCount, SH.maxCount) and not is_node:
                count = int(value)
                every = compiled.focus
                if predicate == SH.minCount:
                    if count in (1, 2) and isinstance(path, URIRef):
                        # an anti-join: half the time of grouping (but Oxigraph evaluates a
                        # sequence path inside NOT EXISTS without the focus bound: 15 s at 100 k)
                        second = ", ?_b . FILTER (!sameTerm(?_a, ?_b))" if count == 2 else ""
                        add(component, f"SELECT DISTINCT ?this WHERE {{ {every} FILTER NOT EXISTS "
                                       f"{{ ?this {p} ?_a{second} }} }}")
                    elif count > 0:
                        add(component, f"SELECT ?this WHERE {{ {every} OPTIONAL {{ {values} }} }} "
                                       f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {count})")
                else:
                    add(component, f"SELECT ?this WHERE {{ {focus} {values} }} "
                                   f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {count})")
            elif predicate == SH["in"]:
                members = _items(g, value)
                allowed = " || ".join(f"sameTerm(?value, {_sparql_term(m)})" for m in members)
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                               f"FILTER (!({allowed or 'false'})) }}")
            elif predicate == SH.hasValue:
                if is_node:
                    add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                                   f"FILTER (!sameTerm(?this, {_sparql_term(value)})) }}")
                else:
                    add(component, f"SELECT DISTINCT ?this WHERE {{ {compiled.focus} MINUS {{ ?this {p} "
                                   f"{_sparql_term(value)} }} }}")
            elif predicate == SH.languageIn:
                ranges = [str(r) for r in _items(g, value)]
                if any(r == "*" for r in ranges):
                    raise Unsupported("languageIn '*'")
                matches = " || ".join(f"langMatches(LANG(?value), {_sparql_string(r)})" for r in ranges)
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER "
                               f"(!isLiteral(?value) || LANG(?value) = \"\" || !({matches or 'false'})) }}")
            elif predicate == SH.uniqueLang and not is_node:
                if value == Literal(True):
                    add(component, f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {p} ?_a . "
                                   f"?this {p} ?_b . FILTER (!sameTerm(?_a, ?_b) && LANG(?_a) != \"\" "
                                   f"&& LCASE(LANG(?_a)) = LCASE(LANG(?_b))) }}")
            elif predicate in _ORDER:
                if not isinstance(value, Literal):
                    raise Unsupported(f"{predicate} {value}")
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER "
                               f"(!COALESCE(?value {_ORDER[predicate]} {_sparql_term(value)}, false)) }}",
                    bound=(_ORDER[predicate], value))
            elif predicate == SH.pattern:
                flags = g.value(node, SH.flags)
                flag_text = f", {_sparql_string(str(flags))}" if flags is not None else ""
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER "
                               f"(isBlank(?value) || !REGEX(STR(?value), {_sparql_string(str(value))}"
                               f"{flag_text})) }}")
            elif predicate == SH.disjoint and not is_node:
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                               f"?this {_sparql_term(value)} ?value . }}")
            elif predicate == SH.closed and is_node:
                if value == Literal(True):
                    allowed = set()
                    ignored = g.value(node, SH.ignoredProperties)
                    if ignored is not None:
                        allowed.update(_items(g, ignored))
                    listed = ", ".join(sorted(_sparql_term(a) for a in allowed))
                    filter_ = f"FILTER (?path NOT IN ({listed}))" if allowed else ""
                    compiled.checks.append(_Check(str(SH[component]), f"SELECT DISTINCT ?this ?path ?value "
                                                  f"WHERE {{ {focus} ?this ?path ?value . {filter_} }}"))
            elif predicate in (SH["or"], SH["and"], SH.xone, SH["not"], SH.node):
                condition = self._nested_node(predicate, value, "?value")
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} "
                               f"FILTER (!{condition}) }}")
            elif predicate == SH.qualifiedValueShape and not is_node:
                if g.value(node, SH.qualifiedValueShapesDisjoint) == Literal(True):
                    raise Unsupported("sh:qualifiedValueShapesDisjoint")
                condition = self.conforms(value, "?value")
                maximum = g.value(node, SH.qualifiedMaxCount)
                minimum = g.value(node, SH.qualifiedMinCount)
                if maximum is not None:
                    compiled.checks.append(_Check(
                        str(SH[_COMPONENT[SH.qualifiedMaxCount]]),
                        f"SELECT ?this WHERE {{ {focus} {values} FILTER ({condition}) }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(maximum)})"))
                if minimum is not None:
                    compiled.checks.append(_Check(
                        str(SH[_COMPONENT[SH.qualifiedMinCount]]),
                        f"SELECT ?this WHERE {{ {compiled.focus} OPTIONAL {{ {values} "
                        f"FILTER ({condition}) }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(minimum)})"))
            elif predicate == SH.sparql:
                compiled.sparql.append(self.sparql_constraint(value, path))
            else:
                raise Unsupported(f"{predicate}")
        if not compiled.messages and (compiled.checks or any(not c.messages for c in compiled.sparql)):
            raise Unsupported("no sh:message: pySHACL writes its own text")
        return compiled

    def sparql_constraint(self, node, path) -> _SparqlConstraint:
        g = self.graph
        if g.value(node, SH.deactivated) == Literal(True):
            return _SparqlConstraint(node, "", [], {})
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1 or set(g.predicates(node)) - {RDF.type, SH.select, SH.prefixes,
                                                            SH.message, RDFS.comment, RDFS.label,
                                                            SH.deactivated}:
            raise Unsupported(f"SPARQL constraint {node}")
        query = str(selects[0])
        if re.search(r"\$(shapesGraph|currentShape)\b", query):
            raise Unsupported("$shapesGraph / $currentShape")
        if re.search(r"\$PATH\b", query):
            if path is None:
                raise Unsupported("$PATH without a path")
            query = re.sub(r"\$PATH\b", path_sparql(g, path).replace("\\", "\\\\"), query)
        return _SparqlConstraint(node, query, list(g.objects(node, SH.message)),
                                 self.prefixes(node))


# --- validation -----------------------------------------------------------------------------


@dataclass
class _Result:
    focus: object
    component: str
    shape: CompiledShape
    value: object = None
    path: object = None
    messages: list = field(default_factory=list)
    source_constraint: object = None


_PYTHON_TYPE = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
                XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def _is_valid(lexical: str, datatype: URIRef) -> bool:
    """pySHACL's sh:datatype test (DatatypeConstraintComponent) on a literal of the rule's
    datatype: rdflib parses it without error, into the Python type of the datatype where
    pySHACL checks one."""
    literal = Literal(lexical, datatype=datatype)
    if getattr(literal, "ill_typed", None) is True:
        return False
    expected = _PYTHON_TYPE.get(datatype)
    return expected is None or isinstance(literal.value, expected)


def _in_range(value, operator: str, limit: Literal) -> bool:
    """pySHACL's test of sh:minInclusive & co. (value_range_constraints.py with
    rdfutil.compare_literal), for the values Oxigraph finds out of range or incomparable:
    rdflib orders some of those (an ill-typed "1,5"^^xsd:decimal is below every number)."""
    if not isinstance(value, Literal):
        return False
    if isinstance(limit.value, str) != isinstance(value.value, str):
        return False
    try:
        if value.eq(limit):
            order = 0
        elif value.value.__class__ in (datetime, time):
            order = 0 if value.value == limit.value else 1 if value.value > limit.value else -1
        else:
            order = 1 if value > limit else -1
    except (TypeError, NotImplementedError):
        return False
    return {">=": order >= 0, ">": order > 0, "<=": order <= 0, "<": order < 0}[operator]


def _fill(message: str, bound: dict) -> str:
    for var, val in bound.items():  # pySHACL's _format_sparql_based_result_message
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


class SparqlShaclValidator:
    """The shapes of one shapes graph, compiled once; validates stores."""

    def __init__(self, shapes: Graph):
        self.shapes_graph = shapes
        compiler = _Compiler(shapes)
        self.compiled: list[CompiledShape] = []
        self.delegated: list = []  # shapes pySHACL validates (unsupported features)
        self.last_delegated: list = []  # and in the last run (also SPARQL-based ones, see above)
        tops = {s for p in _TARGETS for s in shapes.subjects(p, None)}
        for node in sorted(tops, key=str):
            if shapes.value(node, SH.deactivated) == Literal(True):
                continue
            try:
                self.compiled.append(compiler.shape(node))
            except Unsupported:
                self.delegated.append(node)

    def results(self, store: ox.Store, terms: _Terms,
                focus_nodes: list | None = None) -> Iterator[_Result]:
        restrict = None
        if focus_nodes:
            restrict = f"VALUES ?this {{ {' '.join(_sparql_term(URIRef(n)) for n in focus_nodes)} }}"
        for shape in self.compiled:
            yield from self._shape_results(store, terms, shape, restrict)

    def _shape_results(self, store, terms: _Terms, shape: CompiledShape, restrict) -> Iterator[_Result]:
        to_rdflib = terms.to_rdflib
        focus = shape.focus if not restrict else f"{{ {restrict} {shape.focus} }}"
        for check in shape.checks:
            query = check.query
            if restrict:
                query = (query.replace(shape.focus, focus, 1) if shape.focus in query
                         else query.replace("WHERE {", f"WHERE {{ {restrict}", 1))
            solutions = store.query(query, prefixes=shape.prefixes)
            names = {v.value for v in solutions.variables}
            rows = list(solutions)
            if check.datatype is not None:
                rows = [r for r in rows if not _is_valid(r["value"].value, check.datatype)]
            for row in rows:
                focus = to_rdflib(row["this"])
                value = to_rdflib(row["value"]) if "value" in names else None
                if check.bound is not None and _in_range(value, *check.bound):
                    continue  # Oxigraph cannot compare it, rdflib (so pySHACL) can
                path = to_rdflib(row["path"]) if "path" in names else None
                yield _Result(focus, check.component, shape, value, path, shape.messages)
        if not shape.sparql:
            return
        focus_query = f"SELECT DISTINCT ?this WHERE {{ {focus} }}"
        focuses = [row["this"] for row in store.query(focus_query, prefixes=shape.prefixes)]
        this = ox.Variable("this")
        for constraint in shape.sparql:
            if not constraint.query:
                continue
            prefixes = {**shape.prefixes, **constraint.prefixes}
            for f in focuses:
                yield from self._sparql_results(store, terms, shape, constraint, prefixes, this, f)

    def _sparql_results(self, store, terms, shape, constraint, prefixes, this, f) -> Iterator[_Result]:
        to_rdflib = terms.to_rdflib
        solutions = _bound_query(store, constraint.query, prefixes, this, f)
        names = [v.value for v in solutions.variables]
        focus = to_rdflib(f)
        default_value = focus if shape.path is None else None
        seen = []
        failed = False
        for row in solutions:
            bound = {name: to_rdflib(row[name]) for name in names if row[name] is not None}
            if "failure" in bound:
                if failed:
                    continue
                failed = True
                t, p, v, extra = None, None, default_value, {k: x for k, x in bound.items()
                                                             if k != "failure"}
                fill = extra
            else:
                t, p, v = bound.pop("this", None), bound.pop("path", None), bound.pop("value", None)
                if t is None and p is None and v is None:
                    continue
                if (t, p, v, bound) in seen:
                    continue
                seen.append((t, p, v, bound))
                v = default_value if v is None else v
                fill = dict(bound)
                for name, term in (("this", t), ("path", p), ("value", v)):
                    if term is not None:
                        fill[name] = term
            messages = [Literal(_fill(str(m), fill)) if isinstance(m, Literal) else m
                        for m in constraint.messages if m not in shape.messages]
            messages += [Literal(_fill(str(m), fill)) if isinstance(m, Literal) else m
                         for m in shape.messages]
            yield _Result(t or focus, str(SH.SPARQLConstraintComponent), shape, v,
                          p if p is not None else shape.path, messages, constraint.node)

    def validate_store(self, store: ox.Store, terms: _Terms, data_graph=None,
                       focus_nodes: list | None = None, *,
                       ill_typed: bool | None = None) -> tuple[bool, Graph, str]:
        """Validate the data in ``store``; pySHACL's (conforms, results graph, text).

        ``data_graph``: the same data as an rdflib Graph (or a callable returning one), for
        the shapes pySHACL validates (only built when there are such shapes); ``ill_typed``:
        whether the data holds an ill-typed number, when the caller knows it already."""
        report = Graph()
        top = BNode()
        report.add((top, RDF.type, SH.ValidationReport))
        results = list(self.results(store, terms, focus_nodes))
        delegated = list(self.delegated)
        if _mistyped(store, results, ill_typed):
            # rdflib's SPARQL and Oxigraph's disagree on comparisons with such literals, so
            # the targets and constraints written in SPARQL are left to pySHACL (rdflib)
            sparql_based = {s.node for s in self.compiled if s.sparql or (s.node, SH.target, None)
                            in self.shapes_graph}
            results = [r for r in results if r.shape.node not in sparql_based]
            delegated += sorted(sparql_based, key=str)
        self.last_delegated = delegated
        conforms = True
        count = 0
        for result in results:
            count += 1
            conforms = conforms and result.shape.severity != SH.Violation
            _add_result(report, top, result)
        if delegated:
            graph = data_graph() if callable(data_graph) else data_graph
            if graph is None:
                raise ValueError("shapes need pySHACL but no rdflib data graph was given")
            other_conforms, other, _ = _pyshacl_for(self.shapes_graph, delegated, graph,
                                                     focus_nodes)
            conforms = conforms and other_conforms
            for node in other.subjects(RDF.type, SH.ValidationResult):
                report.add((top, SH.result, node))
                count += 1
            for triple in other:
                if not (triple[1] == RDF.type and triple[2] == SH.ValidationReport) and \
                        triple[1] not in (SH.conforms, SH.result):
                    report.add(triple)
        report.add((top, SH.conforms, Literal(conforms)))
        text = f"Validation Report\nConforms: {conforms}\nResults ({count})\n"
        return conforms, report, text


_NUMERIC_IN = ", ".join(f"<{d}>" for d in sorted(_NUMERIC))


def _mistyped(store: ox.Store, results: list, ill_typed: bool | None = None) -> bool:
    """Does the data hold a literal of the wrong datatype for its property (a sh:datatype
    result) or an ill-typed number anywhere (``ill_typed``, when known)?"""
    if any(r.component == str(SH.DatatypeConstraintComponent) for r in results):
        return True
    if ill_typed is not None:
        return ill_typed
    return bool(store.query(f"ASK {{ ?s ?p ?o FILTER (isLiteral(?o) && DATATYPE(?o) IN "
                            f"({_NUMERIC_IN}) && !isNumeric(?o)) }}"))


def _add_result(report: Graph, top, result: _Result) -> None:
    node = BNode()
    report.add((top, SH.result, node))
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, result.focus))
    report.add((node, SH.sourceConstraintComponent, URIRef(result.component)))
    report.add((node, SH.sourceShape, result.shape.node))
    report.add((node, SH.resultSeverity, result.shape.severity))
    if result.value is not None:
        report.add((node, SH.value, result.value))
    path = result.path if result.path is not None else result.shape.path
    if path is not None:
        report.add((node, SH.resultPath, path))
    if result.source_constraint is not None:
        report.add((node, SH.sourceConstraint, result.source_constraint))
    for message in result.messages:
        report.add((node, SH.resultMessage, message))


def _pyshacl_for(shapes: Graph, delegated: list, data: Graph, focus_nodes) -> tuple:
    """pySHACL on the shapes graph with the targets of every other shape removed."""
    from pyshacl import validate

    from .shacl import _patch_pyshacl

    _patch_pyshacl()  # its report in linear time
    keep = set(delegated)
    only = Graph()
    for s, p, o in shapes:
        if p in _TARGETS and s not in keep:
            continue
        only.add((s, p, o))
    return validate(data, shacl_graph=only, focus_nodes=focus_nodes, inference="none",
                    advanced=True, allow_warnings=True, allow_infos=True, abort_on_first=False,
                    inplace=False)


_CACHE: dict = {}


def validator_for(shapes: Graph) -> SparqlShaclValidator:
    """The compiled shapes, reused while the same shapes graph object is passed again."""
    key = id(shapes)
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not shapes:
        _CACHE.clear()
        cached = _CACHE[key] = (shapes, SparqlShaclValidator(shapes))
    return cached[1]


def validate(data_graph: Graph, shacl_graph: Graph, focus_nodes: list | None = None,
             **_ignored) -> tuple[bool, Graph, str]:
    """pySHACL's ``validate`` signature (inference none, advanced, warnings and infos allowed,
    all results): the data graph is loaded into a new in-memory Oxigraph store."""
    terms = _Terms(data_graph)
    store, terms = load_store(data_graph, terms)
    return validator_for(shacl_graph).validate_store(store, terms, data_graph, focus_nodes)


def store_from_texts(texts: Iterable[str], data: set) -> ox.Store | None:
    """An Oxigraph store holding exactly ``data``, parsed natively from the Turtle ``texts``
    ``data`` was loaded from (gdkg.load parses with the same parser; converting a million
    rdflib triples instead cost ~17 s). Blank nodes are relabelled by the loader, so the
    triples with blank nodes are replaced by ``data``'s own. None when the store does not
    hold the same number of triples (the caller then converts ``data``)."""
    store = ox.Store()
    try:
        for text in texts:
            store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    except Exception:  # noqa: BLE001 (a file changed or unreadable since the load: convert instead)
        return None
    store.update("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }")
    terms = _Terms()
    store.bulk_extend(ox.Quad(terms.to_ox(s), terms.to_ox(p), terms.to_ox(o)) for s, p, o in data
                      if type(s) is BNode or type(o) is BNode)
    return store if len(store) == len(data) else None


def validate_triples(data: set, shapes: Graph, texts: Iterable[str] | None = None
                     ) -> tuple[bool, Graph, str]:
    """:func:`validate` of a set of rdflib triples, without building an rdflib graph (one is
    built only for shapes pySHACL validates). ``texts``: the Turtle texts ``data`` was
    parsed from, loaded natively when given (see :func:`store_from_texts`)."""
    from ..load import to_graph

    terms = _Terms(data)
    store = store_from_texts(texts, data) if texts is not None else None
    if store is None:
        store, terms = load_store(data, terms)
    return validator_for(shapes).validate_store(store, terms, lambda: to_graph(data))
