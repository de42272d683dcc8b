"""Validate only what new triples can change, with the same results as validating everything.

``gdkg validate`` of a small file used to run every shape over the whole graph
(seconds) to report what the file adds. The graph's own results are known
(build/validation.json, or a validation of the graph without the file), so only the
results that may differ need computing:

- **local shapes** (targets by class or by use of a property; core constraints along
  paths of at most a few steps): a node's results depend only on the triples along
  its shapes' paths and on the types of the nodes they reach. The nodes a new
  triple can affect are found by walking each path backwards from the triple
  (:func:`affected_nodes`); they are validated on the part of the graph their paths
  reach (:func:`neighbourhood`), and only their results are kept.
- **global shapes** (a SPARQL target: totals, supply cycles, figures): their target
  queries select the candidates over the whole merged graph — run by Oxigraph,
  when installed, in milliseconds — and pySHACL checks just those candidates, on
  the whole graph. Without Oxigraph they run in pySHACL as before.

tests/test_validate_focused.py checks that the results equal a full validation on the
bad-input corpus.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..load import Triple, to_graph
from ..namespaces import SH
from .shacl import ValidationReport, _order, validate, validate_in_store, validate_triples
from .shacl_engine import chosen_engine

Step = tuple[URIRef, bool]  # (predicate, inverse?)
_NESTED = (SH["or"], SH["and"], SH.xone)
_NESTED_ONE = (SH["not"], SH.qualifiedValueShape, SH.node)


@dataclass
class ShapePlan:
    """The shapes split into local and global ones, and the paths the local ones follow."""

    local: set[Triple]
    global_shapes: dict[object, str]  # shape node -> its target query (with PREFIX lines)
    global_triples: set[Triple]
    sequences: set[tuple[Step, ...]] = field(default_factory=set)
    #: shapes that run a SPARQL constraint over the whole graph from a fixed sh:targetNode
    #: (shapes/conflicts.ttl: one node, one query finding every case); checked on the merged
    #: graph every time, since any new triple may change their answer
    fixed_triples: set[Triple] = field(default_factory=set)
    objects_of: set[URIRef] = field(default_factory=set)  # sh:targetObjectsOf predicates
    #: the fixed shapes' constraint queries as (focus node, query with PREFIX lines), when
    #: those shapes state nothing but SPARQL constraints (else None): if none of the queries
    #: answers differently with the new triples, the fixed shapes' results are the graph's
    fixed_queries: list[tuple[URIRef, str]] | None = None


def plan_shapes(shapes: set[Triple], graph: Graph | None = None) -> ShapePlan:
    """``graph``: the same ``shapes`` as an rdflib Graph, when the caller has one (read only)."""
    graph = to_graph(shapes) if graph is None else graph
    prefixes = _prefix_lines(graph)
    global_nodes = {}
    for shape, target in graph.subject_objects(SH.target):
        select = graph.value(target, SH.select)
        if select is None:
            raise ValueError(f"shape {shape} has a target that is not a SPARQL target")
        global_nodes[shape] = prefixes + str(select)
    # a triple belongs to a global shape when reachable from it through blank nodes / its own
    # constraint nodes; everything else stays in the local shapes graph
    fixed_nodes = {s for s in graph.subjects(SH.targetNode, None)
                   if (s, SH.sparql, None) in graph and s not in global_nodes}

    def reachable(starts) -> tuple[set[Triple], set]:
        triples: set[Triple] = set()
        todo = list(starts)
        seen = set(todo)
        while todo:
            node = todo.pop()
            for p, o in graph.predicate_objects(node):
                triples.add((node, p, o))
                if (isinstance(o, BNode) or p == SH.sparql) and o not in seen:
                    seen.add(o)
                    todo.append(o)
        return triples, seen

    global_triples, seen = reachable(global_nodes)
    fixed_triples, fixed_seen = reachable(fixed_nodes)
    local = {t for t in shapes if t[0] not in seen and t[0] not in fixed_seen}
    # the prefix declarations the global shapes' queries name (sh:prefixes), with their blank nodes
    declarations: set[Triple] = set()
    todo = [o for s, p, o in global_triples | fixed_triples if p == SH.prefixes]
    while todo:
        node = todo.pop()
        for p, o in graph.predicate_objects(node):
            if (node, p, o) not in declarations:
                declarations.add((node, p, o))
                if isinstance(o, BNode) or p == SH.declare:
                    todo.append(o)
    plan = ShapePlan(local, global_nodes, global_triples | declarations,
                     fixed_triples=fixed_triples | declarations if fixed_triples else set())
    plan.sequences = _sequences(graph, set())
    plan.objects_of = {o for o in graph.objects(None, SH.targetObjectsOf) if isinstance(o, URIRef)}
    plan.fixed_queries = _fixed_queries(graph, fixed_nodes)
    return plan


#: what a shape with only SPARQL constraints, and each such constraint, may state besides them
_FIXED_SHAPE = {RDF.type, RDFS.comment, RDFS.label, SH.severity, SH.targetNode, SH.sparql,
                SH.message, SH.name, SH.description}
_FIXED_CONSTRAINT = {RDF.type, RDFS.comment, RDFS.label, SH.prefixes, SH.message, SH.select}


def _fixed_queries(graph: Graph, nodes: set) -> list[tuple[URIRef, str]] | None:
    """(target node, query) of every SPARQL constraint of the fixed shapes, or None when a
    fixed shape states anything else (a property shape, a deactivation, an ASK…)."""
    prefixes = _prefix_lines(graph)
    queries = []
    for shape in sorted(nodes, key=str):
        if any(p not in _FIXED_SHAPE for p, _ in graph.predicate_objects(shape)):
            return None
        for constraint in graph.objects(shape, SH.sparql):
            select = graph.value(constraint, SH.select)
            if select is None or any(p not in _FIXED_CONSTRAINT
                                     for p, _ in graph.predicate_objects(constraint)):
                return None
            for target in graph.objects(shape, SH.targetNode):
                if not isinstance(target, URIRef):
                    return None
                queries.append((target, prefixes + str(select)))
    return queries


def _prefix_lines(graph: Graph) -> str:
    lines = {}
    for declaration in graph.objects(None, SH.declare):
        prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>\n"
    return "".join(lines[k] for k in sorted(lines))


def _path_sequences(graph: Graph, path) -> list[tuple[Step, ...]]:
    if isinstance(path, URIRef):
        return [((path, False),)]
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return [tuple((p, not inv) for p, inv in seq) for seq in _path_sequences(graph, inverse)]
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return [seq for member in graph.items(alternatives) for seq in _path_sequences(graph, member)]
    if graph.value(path, RDF.first) is not None:  # a sequence path
        sequences: list[tuple[Step, ...]] = [()]
        for member in graph.items(path):
            sequences = [a + b for a in sequences for b in _path_sequences(graph, member)]
        return sequences
    raise ValueError("unsupported path (zero-or-more / one-or-more) in a local shape")


def _sequences(graph: Graph, skip: set) -> set[tuple[Step, ...]]:
    """Every sequence of steps a local shape follows from a focus node (nested shapes
    continue from the value nodes of the shape they are in)."""
    found: set[tuple[Step, ...]] = set()

    def visit(shape, prefix: tuple[Step, ...], depth: int = 0) -> None:
        if depth > 6:
            return
        here = [prefix]
        path = graph.value(shape, SH.path)
        if path is not None:
            here = [prefix + seq for seq in _path_sequences(graph, path)]
            found.update(here)
        nested = list(graph.objects(shape, SH.property))
        for predicate in _NESTED:
            for members in graph.objects(shape, predicate):
                nested.extend(graph.items(members))
        for predicate in _NESTED_ONE:
            nested.extend(graph.objects(shape, predicate))
        for child in nested:
            for start in here:
                visit(child, start, depth + 1)

    shapes = {s for s in graph.subjects(SH.path, None)} | set(graph.subjects(RDF.type, SH.NodeShape))
    for shape in shapes - skip:
        visit(shape, ())
    found.discard(())
    return found


class TripleIndex:
    """Triples by subject and by object (literals too), for walking paths both ways."""

    def __init__(self, triples: Iterable[Triple] = ()):
        self.out: dict = defaultdict(list)
        self.into: dict = defaultdict(list)
        self.by_predicate: dict = defaultdict(list)
        self.add(triples)

    def add(self, triples: Iterable[Triple]) -> None:
        out, into, by_predicate = self.out, self.into, self.by_predicate
        for s, p, o in triples:
            out[s].append((p, o))
            into[o].append((s, p))
            by_predicate[p].append((s, o))

    def plus(self, triples: Iterable[Triple]) -> TripleIndex:
        """This index and ``triples``, leaving this one as it is."""
        extra = TripleIndex(triples)
        both = TripleIndex()
        both.out = _Overlay(self.out, extra.out)
        both.into = _Overlay(self.into, extra.into)
        both.by_predicate = _Overlay(self.by_predicate, extra.by_predicate)
        return both

    def step(self, node, step: Step, backwards: bool = False) -> Iterable:
        predicate, inverse = step
        same = str.__eq__  # (predicates are IRIs; see neighbourhood)
        if inverse != backwards:  # follow the triple from object to subject
            return (s for s, p in self.into.get(node, ()) if same(p, predicate))
        return (o for p, o in self.out.get(node, ()) if same(p, predicate))


class IndexGraph:
    """The read side of an rdflib Graph that :class:`gdkg.names.NameIndex` and the
    suggestions use, over a :class:`TripleIndex` (building an rdflib Graph of the
    whole merged graph costs more than validating a small file)."""

    def __init__(self, index: TripleIndex):
        self.index = index

    def subject_objects(self, predicate):
        return list(self.index.by_predicate.get(predicate, ()))

    def objects(self, subject, predicate):
        return [o for p, o in self.index.out.get(subject, ()) if p == predicate]

    def subjects(self, predicate, obj):
        return [s for s, p in self.index.into.get(obj, ()) if p == predicate]

    def value(self, subject, predicate):
        return next(iter(self.objects(subject, predicate)), None)

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        pairs = self.index.out.get(s, ())
        if p is None and o is None:
            return bool(pairs)
        return (p, o) in pairs


class _Overlay:
    """Two dicts of lists read as one (``get`` only)."""

    def __init__(self, base: dict, extra: dict):
        self.base, self.extra = base, extra

    def get(self, key, default=()):
        first, second = self.base.get(key), self.extra.get(key)
        if second is None:
            return first if first is not None else default
        return second if first is None else first + second


def affected_nodes(new: Iterable[Triple], index: TripleIndex, plan: ShapePlan) -> set:
    """The nodes whose local results the ``new`` triples (already in ``index``) can change."""
    new = list(new)
    affected = {t for s, _, o in new for t in (s, o) if not isinstance(t, Literal)}
    typed = {s for s, p, _ in new if p == RDF.type}
    subjects: dict = defaultdict(set)
    objects: dict = defaultdict(set)
    for s, p, o in new:
        subjects[p].add(s)
        objects[p].add(o)
    for seq in plan.sequences:
        for j, (predicate, inverse) in enumerate(seq):
            starts = (objects if inverse else subjects).get(predicate, set())  # edge on step j
            if starts and j:
                affected |= _walk_back(starts, seq[:j], index)
            affected |= _walk_back(typed, seq[:j + 1], index)  # a type check at position j+1
    return affected


def _walk_back(starts: set, steps: tuple[Step, ...], index: TripleIndex) -> set:
    nodes = set(starts)
    for step in reversed(steps):
        if not nodes:
            break
        nodes = {m for n in nodes for m in index.step(n, step, backwards=True)}
    return {n for n in nodes if not isinstance(n, Literal)}


def neighbourhood(focus: set, index: TripleIndex, plan: ShapePlan) -> set[Triple]:
    """Every triple the local shapes read when validating the ``focus`` nodes."""
    triples: set[Triple] = set()

    rdf_type = RDF.type
    same = str.__eq__  # predicates are IRIs: str's C equality, not rdflib's Python __eq__ (millions
    # of comparisons through a city's incoming links at a million triples)

    def types(node) -> None:
        triples.update((node, p, o) for p, o in index.out.get(node, ()) if same(p, rdf_type))

    for node in focus:
        triples.update((node, p, o) for p, o in index.out.get(node, ()))
        triples.update((s, p, node) for s, p in index.into.get(node, ()) if p in plan.objects_of)
        for seq in plan.sequences:
            frontier = {node}
            for predicate, inverse in seq:
                following = set()
                for n in frontier:
                    if inverse:
                        for s, p in index.into.get(n, ()):
                            if same(p, predicate):
                                triples.add((s, p, n))
                                following.add(s)
                    else:
                        for p, o in index.out.get(n, ()):
                            if same(p, predicate):
                                triples.add((n, p, o))
                                following.add(o)
                frontier = following
                for n in frontier:
                    types(n)
    return triples


class GlobalTargets:
    """The SPARQL targets of the global shapes, run by Oxigraph over the base graph and
    then over the base graph with new triples.

    Given build/asserted.nt (the same triples), the store is loaded from it and the base
    answers computed in a background thread (Oxigraph releases the GIL) while the caller
    parses the project's files; :meth:`attach` then waits, and checks the store holds
    exactly the parsed triples (else it is filled from them)."""

    def __init__(self, plan: ShapePlan, nt_file=None):
        import pyoxigraph

        self.plan = plan
        self.triples: set[Triple] = set()
        self.store = pyoxigraph.Store()
        self.base: dict[object, set] = {}
        self._loaded = False
        self._fixed_base: list | None = None
        self._ill_typed: bool | None = None
        self._thread = None
        if nt_file is not None:
            self._thread = threading.Thread(target=self._load_file, args=(nt_file,), daemon=True,
                                            name="gdkg-global-targets")
            self._thread.start()

    def _load_file(self, nt_file) -> None:
        import pyoxigraph

        try:
            self.store.bulk_load(path=str(nt_file), format=pyoxigraph.RdfFormat.N_TRIPLES)
            self.base = self._run()
            self._loaded = True
        except Exception:  # noqa: BLE001 (unreadable or odd file: attach() fills the store)
            self._loaded = False

    def attach(self, base: set[Triple]) -> GlobalTargets:
        """The store for ``base`` (waits for the background load; fills the store from
        ``base`` when the file was missing, unreadable or held other triples)."""
        import pyoxigraph

        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.triples = base
        if not self._loaded or len(self.store) != len(base):
            self.store.clear()
            self.store.bulk_extend(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o)) for s, p, o in base)
            self.base = self._run()
            self._loaded = True
        return self

    def ill_typed(self) -> bool:
        """Does the base graph hold an ill-typed number (see sparql_shacl._mistyped)?"""
        if self._ill_typed is None:
            from .rules import ill_typed

            self._ill_typed = any(ill_typed(o) for _, _, o in self.triples
                                  if isinstance(o, Literal) and o.datatype is not None)
        return self._ill_typed

    def _run(self) -> dict[object, set]:
        return {shape: {_rdflib(row["this"]) for row in self.store.query(query)
                        if row["this"] is not None}
                for shape, query in self.plan.global_shapes.items()}

    def _fixed_answers(self) -> list:
        """Every row of the fixed shapes' constraint queries ($this bound to their target)."""
        import pyoxigraph

        from .sparql_shacl import _bound_query

        this = pyoxigraph.Variable("this")
        answers = []
        for target, query in self.plan.fixed_queries or ():
            rows = _bound_query(self.store, query, {}, this, pyoxigraph.NamedNode(str(target)))
            variables = rows.variables
            answers.append(sorted(tuple(str(row[v]) if row[v] is not None else "" for v in variables)
                                  for row in rows))
        return answers

    @contextlib.contextmanager
    def _added(self, new: set[Triple]) -> Iterator[None]:
        """The store with ``new`` added, as it was again afterwards."""
        import pyoxigraph

        quads = [pyoxigraph.Quad(_ox(s), _ox(p), _ox(o)) for s, p, o in new]
        added = [q for q in quads if q not in self.store]
        for quad in added:
            self.store.add(quad)
        try:
            yield
        finally:
            for quad in added:
                self.store.remove(quad)

    def with_new(self, new: set[Triple]) -> dict[object, set]:
        """The candidates with ``new`` added (the store is left as it was)."""
        with self._added(new):
            return self._run()

    def validate_with(self, new: set[Triple], shapes: Graph, merged) -> ValidationReport:
        """:func:`validate` of the base graph with ``new``, against ``shapes``, in this store
        (no rdflib graph of everything is built unless a shape needs pySHACL: ``merged``)."""
        with self._added(new):  # (the caller's new triples hold no ill-typed literal)
            return validate_in_store(self.store, shapes, itertools.chain(self.triples, new), merged,
                                     ill_typed=self.ill_typed())

    def fixed_unchanged(self, new: set[Triple]) -> bool:
        """True when the fixed shapes' queries answer exactly as on the graph without ``new``:
        their results are then the graph's own (false when they cannot be run here)."""
        if self.plan.fixed_queries is None:
            return False
        try:
            if self._fixed_base is None:
                self._fixed_base = self._fixed_answers()
            with self._added(new):
                return self._fixed_answers() == self._fixed_base
        except (SyntaxError, OSError, ValueError, TypeError):  # a query Oxigraph cannot run
            return False


def _ox(term):
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def _rdflib(term):
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    return Literal(term.value)


def _adjacent(node, index: TripleIndex) -> set:
    """The nodes one link from ``node``, either way, not through rdf:type or to a literal."""
    near = {o for p, o in index.out.get(node, ()) if p != _TYPE and not isinstance(o, Literal)}
    near.update(s for s, p in index.into.get(node, ()) if p != _TYPE)
    return near


def _near(candidates: Iterable[str], new: Iterable[Triple], index: TripleIndex) -> set[str]:
    """The ``candidates`` (results' focus nodes) within two links of the new triples, not
    through classes or literals: what a global shape's SPARQL constraint about a candidate
    (a total and the designations it counts) may read.

    Links are followed both ways, so "within two links" is walked from each candidate's
    side: from the new triples' side it would reach, through a city or a cluster they
    name, most of a large graph (18 s at a million triples, for nothing when the graph
    has no such results). The new triples' own nodes count; their classes are not
    passed through."""
    nodes = {t for s, _, o in new for t in (s, o) if not isinstance(t, Literal)}
    starts = nodes - {o for _, p, o in new if p == _TYPE}  # the nodes the walk may pass through
    found = set()
    for focus in set(candidates):
        for node in (URIRef(focus), BNode(focus)):
            first = _adjacent(node, index)
            if (node in nodes or first & starts
                    or any(_adjacent(m, index) & starts for m in first - nodes)):
                found.add(focus)
                break
    return found


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# the terms the loops below compare with, looked up once (namespace attributes are slow)
_TYPE, _SUBCLASS = RDF.type, RDFS.subClassOf
_TARGET_CLASS, _TARGET_SUBJECTS, _TARGET_OBJECTS, _TARGET_NODE = _TARGETS


def _targeting(plan: ShapePlan, focus: set, index: TripleIndex, ontology: set[Triple]) -> Graph:
    """The local shapes with their targets replaced by the focus nodes they select
    (sh:targetNode): the other nodes of the neighbourhood are there only to be read.
    (pySHACL's own focus_nodes option also filters the value nodes of nested shapes.)"""
    sub_classes: dict = defaultdict(set)
    for s, p, o in ontology:
        if p == _SUBCLASS:
            sub_classes[o].add(s)

    def descendants(cls) -> set:
        seen, todo = {cls}, [cls]
        while todo:
            for child in sub_classes.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    of_type: dict = defaultdict(set)  # class -> focus nodes typed with it
    subject_of: dict = defaultdict(set)  # predicate -> focus nodes that are its subjects
    object_of: dict = defaultdict(set)
    for n in focus:
        for p, o in index.out.get(n, ()):
            subject_of[p].add(n)
            if p == _TYPE:
                of_type[o].add(n)
        for _, p in index.into.get(n, ()):
            object_of[p].add(n)
    kept = [t for t in plan.local if t[1] not in _TARGETS]
    selected: set[Triple] = set()
    for s, p, o in plan.local:
        if p == _TARGET_CLASS:
            for cls in descendants(o):
                selected.update((s, _TARGET_NODE, n) for n in of_type.get(cls, ()))
        elif p == _TARGET_SUBJECTS:
            selected.update((s, _TARGET_NODE, n) for n in subject_of.get(o, ()))
        elif p == _TARGET_OBJECTS:
            selected.update((s, _TARGET_NODE, n) for n in object_of.get(o, ()))
        elif p == _TARGET_NODE and o in focus:
            selected.add((s, p, o))
    return to_graph(kept + list(selected))


def validate_focused(plan: ShapePlan, index: TripleIndex, new: set[Triple], ontology: set[Triple],
                     merged, base_report: ValidationReport,
                     targets: GlobalTargets | None) -> ValidationReport:
    """The results of validating the merged graph about the nodes ``new`` can affect;
    for those nodes equal to :func:`validate` of everything.

    ``merged``: a callable returning the merged rdflib graph (only built when needed).
    Global shapes check their candidates that are new, affected, or had results in
    ``base_report``; without Oxigraph (``targets`` None) all of them, on ``merged``."""
    focus = affected_nodes(new, index, plan)
    local_data = ontology | neighbourhood(focus, index, plan)
    wanted = {str(n) for n in focus}
    results = [r for r in validate_triples(local_data, _targeting(plan, focus, index, ontology)).results
               if r.focus in wanted]
    in_store = targets is not None and chosen_engine() == "oxigraph"

    def on_merged(shapes: Graph) -> ValidationReport:
        """Validation of the merged graph: in the targets' store when the engine is Oxigraph."""
        return targets.validate_with(new, shapes, merged) if in_store else validate(merged(), shapes)

    if plan.fixed_triples and not (targets is not None and targets.fixed_unchanged(new)):
        results += on_merged(to_graph(plan.fixed_triples)).results
    if targets is None:
        results += validate(merged(), to_graph(plan.global_triples)).results
        return ValidationReport(sorted(results, key=_order))
    global_names = {str(shape) for shape in plan.global_shapes}
    earlier = [r for r in base_report.results if r.shape in global_names]
    near = _near({r.focus for r in earlier}, new, index)
    had = defaultdict(set)  # candidates with results already, near enough to change
    for result in earlier:
        if result.focus in near:
            had[result.shape].add(result.focus)
    chosen = {}
    for shape, nodes in targets.with_new(new).items():
        before = targets.base.get(shape, set())
        chosen[shape] = sorted((n for n in nodes if n not in before or n in focus
                                or str(n) in had.get(str(shape), ())), key=str)
    if any(chosen.values()):
        shapes = to_graph(plan.global_triples)
        for shape, nodes in chosen.items():
            for target in list(shapes.objects(shape, SH.target)):
                shapes.remove((shape, SH.target, target))
            for node in nodes:
                shapes.add((shape, SH.targetNode, node))
        results += on_merged(shapes).results
    return ValidationReport(sorted(results, key=_order))
