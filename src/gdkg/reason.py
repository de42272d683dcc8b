"""OWL 2 RL closure behind one function.

owlrl is the reference semantics. ``reasonable`` (Rust, a core dependency)
is about a hundred times faster but implements a subset of the OWL 2 RL
rules: it has no property chains (prp-spo2), none of the schema rules
(scm-*), no axiomatic triples, and it types every resource ``owl:Thing``.
:func:`closure` fills those gaps here, iterating with reasonable to a fixed
point, so the fast closure equals owlrl's (a test checks this on the bundled
data). Both results are normalised the same way so rdflib and pySHACL see
one form of each term.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .load import VOCABULARY, LoadError, Triple, normalise_triples, without_cycle_collection

Engine = TypingLiteral["auto", "reasonable", "owlrl"]

# rdflib Namespace attribute access is a Python call; hot loops use these constants. They are
# the objects gdkg.load maps these IRIs to, and :func:`_canonical` makes the predicates and
# classes of the input these objects, so the hot loops' tests stop at identity: rdflib's
# ``==`` is a Python call, tens of millions of them at a million triples
TYPE, SUB_CLASS, SUB_PROPERTY = (VOCABULARY[str(t)] for t in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf))
THING, CLASS, SAME_AS = (VOCABULARY[str(t)] for t in (OWL.Thing, OWL.Class, OWL.sameAs))
# ``x in _IS_TYPE`` is exact for any term and, for the very object TYPE, stops at identity
# (set look-ups compare hashes first, then identity, and only then call ``__eq__``)
_IS_TYPE, _IS_THING, _IS_CLASS, _IS_SAME_AS = frozenset({TYPE}), frozenset({THING}), frozenset({CLASS}), \
    frozenset({SAME_AS})
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def available_engine(engine: Engine = "auto") -> str:
    """The engine that will run for ``engine`` ("auto" prefers reasonable)."""
    if engine != "auto":
        return engine
    try:
        import reasonable  # noqa: F401
    except ImportError:
        return "owlrl"
    return "reasonable"


#: The closure may be at most this many times its input (plus a margin for the axiomatic
#: triples); the bundled graph's is about 1.5 times. Beyond it some axiom makes the
#: reasoner derive a product (everything the same as everything, a class of everything …).
MAX_GROWTH = 4.0
GROWTH_MARGIN = 10_000


class ClosureTooLarge(LoadError):
    """The OWL RL closure grew past :data:`MAX_GROWTH` times its input."""


def closure(graph: Graph | set[Triple], engine: Engine = "auto",
            max_growth: float | None = MAX_GROWTH) -> set[Triple]:
    """All triples of the OWL 2 RL closure of ``graph`` (asserted ones included).

    Dropped from either engine's output, as they carry no information and the
    engines disagree on them: reflexive ``owl:sameAs`` and triples about literals.
    A closure larger than ``max_growth`` times the input (None: no bound) raises
    :class:`ClosureTooLarge` naming the axioms behind the growth."""
    with without_cycle_collection():
        result = _closure(graph, engine)
    size = len(graph)
    if max_growth is not None and len(result) > max_growth * size + GROWTH_MARGIN:
        raise _too_large(graph if isinstance(graph, set) else set(graph), result, max_growth)
    return result


def _closure(graph: Graph | set[Triple], engine: Engine) -> set[Triple]:
    chosen = available_engine(engine)
    if chosen == "reasonable":
        canon: dict = {term: term for term in VOCABULARY.values()}
        asserted = _canonical(graph, canon)
        result = _reasonable_closure(asserted, canon)
        result.update(asserted)  # (in place: a million-triple set is not copied)
        return {t for t in result if type(t[0]) is not Literal and not (t[1] in _IS_SAME_AS and t[0] == t[2])}
    if chosen == "owlrl":
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
        if type(s) is not Literal and not (s == o and p == SAME_AS)
    } | (graph if isinstance(graph, set) else set(graph))


def _canonical(triples: Iterable[Triple], canon: dict) -> set[Triple]:
    """``triples`` with each predicate, and each class of an rdf:type triple, replaced by the
    one object ``canon`` holds for it (added when new): what the ``is`` tests of the hot loops
    compare. A set that is so already (as :func:`gdkg.load.load_triples` makes it) is
    returned as it is, after a dictionary look-up per predicate."""
    c = canon.setdefault
    if isinstance(triples, set) and all(c(p, p) is p and (p is not TYPE or c(o, o) is o)
                                        for _, p, o in triples):
        return triples
    return {(s, q, c(o, o) if q is TYPE else o) for s, p, o in triples for q in (c(p, p),)}


def _reasonable_closure(asserted: set[Triple], canon: dict) -> set[Triple]:
    index = _by_predicate(asserted, None)
    inert = _inert_triples(index)
    chains = _property_chains(index)
    held = _TBox(asserted).covered(asserted - inert, chains)
    result = _reason_with_reasonable(asserted - inert - held, index, canon)
    if any(p in _IS_SAME_AS and s != o for s, p, o in result):
        return _reason_with_reasonable(asserted, index, canon)  # eq-rep-* could use the held-out triples
    if held:
        result = _propagate_held(result, held, chains)
        if result is None:  # the full TBox lets some other rule fire on them: reason on everything
            return _reason_with_reasonable(asserted - inert, index, canon) | inert
    result.update(inert)
    return result


def _propagate_held(known: set[Triple], held: set[Triple], chains) -> set[Triple] | None:
    """The closure of ``known`` (a closure) with the instance triples ``held`` added, by the
    few rules of :meth:`_TBox.propagate` instead of reasonable — at a million triples
    reasonable needs ~8 KB per triple it sees. None when another rule could fire on
    ``held`` or on what it derives (then reasonable must see them)."""
    tbox = _TBox(known)
    if len(tbox.covered(held, chains)) != len(held):
        return None
    added = tbox.propagate(held, known, chains)
    if len(tbox.covered(added, chains)) != len(added) or _two_values(tbox, added):
        return None
    return _drop_untyped_things(known | added)


def _two_values(tbox: _TBox, added: set[Triple]) -> bool:
    """True when a subject has two values of a functional property: then prp-fp makes
    them owl:sameAs (reasonable's prp-fp is quadratic in the property's triples: at a
    million triples it asked for 12 GB, so the held-out triples are checked here)."""
    if not tbox.functional:
        return False
    values: dict = {}
    for triples in (*(tbox.buckets.get(p, ()) for p in tbox.functional), added):
        for s, p, o in triples:
            if p in tbox.functional and values.setdefault((s, p), o) != o:
                return True
    return False


def _inert_triples(index: dict[object, list[Triple]]) -> set[Triple]:
    """Triples no OWL 2 RL rule can use, so the reasoner need not see them.

    A triple (s P o) is inert when P is outside the RDF/RDFS/OWL vocabularies and
    has no axiom a rule could fire on: no domain, super-property, inverse,
    equivalent, chain, restriction or property characteristic — and either no
    range or a literal object (a range on a literal only types the literal,
    and triples about literals are dropped anyway). Labels, alt labels,
    definitions, focus items and source links are most of the data; leaving
    them out halves the reasoner's work. The only other way such a triple can
    matter is owl:sameAs (eq-rep-*), which the caller checks for."""
    active: set = set()
    for predicate in (RDFS.domain, OWL.inverseOf, OWL.equivalentProperty, OWL.propertyChainAxiom,
                      OWL.propertyDisjointWith, OWL.onProperty, OWL.hasKey):
        for s, _, o in index.get(predicate, ()):
            active.update((s, o))
    for s, _, o in index.get(SUB_PROPERTY, ()):
        if s != o:
            active.add(s)
    active.update(o for _, _, o in index.get(RDF.first, ()))  # members of chains and key lists
    characteristics = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.SymmetricProperty,
                       OWL.AsymmetricProperty, OWL.TransitiveProperty, OWL.ReflexiveProperty,
                       OWL.IrreflexiveProperty}
    active.update(s for s, _, o in index.get(TYPE, ()) if o in characteristics)
    with_range = {s for s, _, _ in index.get(RDFS.range, ())}
    reserved = (str(RDF), str(RDFS), str(OWL))
    inert: set[Triple] = set()
    for predicate, triples in index.items():
        if predicate in active or str(predicate).startswith(reserved):
            continue
        if predicate in with_range:
            inert.update(t for t in triples if type(t[2]) is Literal)
        else:
            inert.update(triples)
    return inert


def _reason_with_reasonable(asserted: set[Triple], index: dict[object, list[Triple]],
                            canon: dict) -> set[Triple]:
    import reasonable

    chains = _property_chains(index)
    triples = asserted | _canonical(_one_time_triples(), canon)
    triples |= _fixpoint(_schema_rules, _by_predicate(triples, _SCHEMA_PREDICATES))
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(triples))
    known = _normalised(reasoner.reason(), canon)
    while True:
        tbox = _TBox(known)
        delta = (_schema_rules(tbox.buckets) | _chain_rule(tbox.buckets, chains)) - known
        if not delta:
            return _drop_untyped_things(known)
        if tbox.covers(delta, chains):
            # the consequences of the new facts need only a few rules: apply them here
            # instead of a second full pass of reasonable (which costs as much as the first)
            known |= tbox.propagate(delta, known, chains)
            return _drop_untyped_things(known)
        reasoner.from_graph(list(delta))
        known = _normalised(reasoner.reason(), canon)


def _normalised(triples: Iterable[Triple], canon: dict) -> set[Triple]:
    """reasonable returns plain strings typed xsd:string; make them plain again (and each
    term the object ``canon`` holds for it)."""
    return _canonical(((s, p, Literal(str(o))) if type(o) is Literal and o.datatype == XSD_STRING
                       else (s, p, o) for s, p, o in triples), canon)


class _TBox:
    """The schema part of a closure, indexed for propagating new instance facts."""

    def __init__(self, known: set[Triple]):
        self.buckets = _by_predicate(known, None)
        b = self.buckets
        self.sub_props = _multimap(b.get(RDFS.subPropertyOf, ()))
        self.super_classes = _multimap(b.get(RDFS.subClassOf, ()))
        self.domains = _multimap(b.get(RDFS.domain, ()))
        self.ranges = _multimap(b.get(RDFS.range, ()))
        self.inverses = _multimap(b.get(OWL.inverseOf, ()))
        for p, q in list(_pairs(b.get(OWL.inverseOf, ()))):
            self.inverses[q].add(p)
        kinds = _multimap((o, RDF.type, s) for s, _, o in b.get(RDF.type, ()))
        self.symmetric = kinds.get(OWL.SymmetricProperty, set())
        self.transitive = kinds.get(OWL.TransitiveProperty, set())
        self.functional = kinds.get(OWL.FunctionalProperty, set())
        self.special = (kinds.get(OWL.FunctionalProperty, set())
                        | kinds.get(OWL.InverseFunctionalProperty, set())
                        | kinds.get(OWL.IrreflexiveProperty, set())
                        | kinds.get(OWL.AsymmetricProperty, set())
                        | {p for _, p, _ in b.get(OWL.propertyDisjointWith, ())}
                        | {o for _, _, o in b.get(OWL.onProperty, ())})
        self.special_classes = ({o for _, _, o in b.get(OWL.disjointWith, ())}
                                | {s for s, _, _ in b.get(OWL.disjointWith, ())}
                                | {s for s, _, _ in b.get(OWL.hasKey, ())}
                                | {o for _, _, o in b.get(OWL.someValuesFrom, ())}
                                | {o for _, _, o in b.get(OWL.allValuesFrom, ())}
                                # restrictions, class expressions and their members (cls-*)
                                | {s for s, _, _ in b.get(OWL.onProperty, ())}
                                | {o for _, _, o in b.get(RDF.first, ())}
                                | {t for p in (OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.complementOf)
                                   for s, _, o in b.get(p, ()) for t in (s, o)})

    def covers(self, delta: set[Triple], chains) -> bool:
        """True when only the rules of :meth:`propagate` can fire on ``delta``."""
        if any(len(steps) != 2 for _, steps in chains):
            return False
        refused = self.special | (_SCHEMA_PREDICATES - {TYPE}) | {SAME_AS}
        refused |= {p for p, supers in self.sub_props.items() if not supers.isdisjoint(self.special)}
        special_classes, owl = self.special_classes, str(OWL)
        for _, p, o in delta:  # hot loop: constants only, no Namespace attribute look-ups
            if p in refused:
                return False
            if p == TYPE and (o in special_classes or str.startswith(o, owl)):
                return False
        return True

    def covered(self, triples: Iterable[Triple], chains) -> set[Triple]:
        """The instance triples among ``triples`` on which only the rules of :meth:`propagate`
        can fire: a predicate outside the RDF/RDFS/OWL vocabularies (or an RDFS annotation
        such as rdfs:label) with no special axiom,
        or rdf:type of a plain class (no restriction, class expression, disjointness, key)
        or of owl:Thing."""
        if any(len(steps) != 2 for _, steps in chains):
            return set()
        # functional properties too (prp-fp): the caller checks that no subject has two values
        special = self.special - self.functional
        refused = special | {p for p, supers in self.sub_props.items() if not supers.isdisjoint(special)}
        special_classes = self.special_classes
        reserved = (str(RDF), str(RDFS), str(OWL))
        plain: dict = {}  # predicate -> usable?; the same few predicates recur a million times
        out: set[Triple] = set()
        for triple in triples:
            p, o = triple[1], triple[2]
            if p in _IS_TYPE:
                if type(o) is URIRef and o not in special_classes and (
                        not str.startswith(o, reserved) or o in _IS_THING):
                    out.add(triple)
                continue
            usable = plain.get(p)
            if usable is None:
                usable = plain[p] = p not in refused and (
                    p in _ANNOTATIONS or not str.startswith(p, reserved))
            if usable and type(triple[0]) is not Literal:
                out.add(triple)
        return out

    def propagate(self, delta: set[Triple], known: set[Triple], chains) -> set[Triple]:
        """Semi-naive closure of ``delta`` under prp-spo1, prp-inv, prp-symp, prp-trp,
        prp-dom, prp-rng, cax-sco and prp-spo2 (two-step chains)."""
        follow = {p for _, steps in chains for p in steps} | self.transitive
        out: dict = defaultdict(lambda: defaultdict(set))
        into: dict = defaultdict(lambda: defaultdict(set))
        for p in follow:
            for s, _, o in self.buckets.get(p, ()):
                out[p][s].add(o)
                into[p][o].add(s)
        added: set[Triple] = set()
        agenda = set(delta)
        # hot loop (a million triples at scale): local names, and per predicate the rules
        # that can fire, looked up once instead of for every triple
        super_classes, sub_props, inverses = self.super_classes, self.sub_props, self.inverses
        symmetric, transitive, domains, ranges = self.symmetric, self.transitive, self.domains, self.ranges
        as_first = defaultdict(list)
        as_second = defaultdict(list)
        for prop, (first, second) in chains:
            as_first[first].append((prop, second))
            as_second[second].append((prop, first))
        empty = ()
        while agenda:
            # grouped by predicate: the rules that can fire are looked up once per predicate,
            # and each runs as one tight loop over that predicate's new triples
            grouped: dict = defaultdict(list)
            for triple in agenda:
                grouped[triple[1]].append(triple)
            for p in follow.intersection(grouped):
                out_p, into_p = out[p], into[p]
                for s, _, o in grouped[p]:
                    out_p[s].add(o)
                    into_p[o].add(s)
            added |= agenda
            new: set[Triple] = set()
            update = new.update
            for p, triples in grouped.items():
                if p in _IS_TYPE:
                    by_class: dict = defaultdict(list)
                    for s, _, o in triples:
                        by_class[o].append(s)
                    for o, subjects in by_class.items():
                        for c in super_classes.get(o, empty):
                            update((s, TYPE, c) for s in subjects)
                    continue
                for q in sub_props.get(p, empty):
                    update((s, q, o) for s, _, o in triples)
                for q in inverses.get(p, empty):
                    update((o, q, s) for s, _, o in triples)
                if p in symmetric:
                    update((o, p, s) for s, _, o in triples)
                if p in transitive:
                    out_p, into_p = out[p], into[p]
                    for s, _, o in triples:
                        update((s, p, z) for z in out_p.get(o, empty))
                        update((x, p, o) for x in into_p.get(s, empty))
                for c in domains.get(p, empty):
                    update((s, TYPE, c) for s, _, _ in triples)
                if p in ranges:
                    objects = {o for _, _, o in triples if type(o) is not Literal}
                    for c in ranges[p]:
                        update((o, TYPE, c) for o in objects)
                for prop, second in as_first.get(p, empty):
                    out_second = out[second]
                    for s, _, o in triples:
                        update((s, prop, z) for z in out_second.get(o, empty))
                for prop, first in as_second.get(p, empty):
                    into_first = into[first]
                    for s, _, o in triples:
                        update((x, prop, o) for x in into_first.get(s, empty))
            new -= known
            new -= added
            agenda = new
        return added


def _pairs(triples: Iterable[Triple]):
    return ((s, o) for s, _, o in triples)


def _multimap(triples: Iterable[Triple]) -> dict[object, set]:
    result: dict[object, set] = defaultdict(set)
    for s, _, o in triples:
        result[s].add(o)
    return result


#: RDFS predicates no OWL 2 RL rule treats specially (beyond those of any property)
_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}

_SCHEMA_PREDICATES = {RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
                      OWL.equivalentClass, OWL.equivalentProperty}


def _by_predicate(triples: Iterable[Triple], predicates: set | None) -> dict[object, list[Triple]]:
    """Triples grouped by predicate (only ``predicates`` when given)."""
    buckets: dict[object, list[Triple]] = defaultdict(list)
    for triple in triples:
        buckets[triple[1]].append(triple)
    if predicates is not None:
        return defaultdict(list, {p: buckets[p] for p in predicates if p in buckets})
    return buckets


def _fixpoint(rule, buckets: dict[object, list[Triple]]) -> set[Triple]:
    """Apply ``rule`` until it adds nothing; return everything it added."""
    added: set[Triple] = set()
    seen = {t for ts in buckets.values() for t in ts}
    while True:
        new = rule(buckets) - seen
        if not new:
            return added
        added |= new
        seen |= new
        for triple in new:
            buckets[triple[1]].append(triple)


def _one_time_triples() -> list[Triple]:
    """OWL 2 RL's axiomatic rules, as owlrl applies them: cls-thing, cls-nothing1,
    prp-ap (annotation properties) and dt-type1 (the supported datatypes)."""
    from owlrl.OWLRL import OWL_RL_Datatypes, OWLRL_Annotation_properties

    triples = [(OWL.Thing, RDF.type, OWL.Class), (OWL.Nothing, RDF.type, OWL.Class)]
    triples += [(p, RDF.type, OWL.AnnotationProperty) for p in OWLRL_Annotation_properties]
    triples += [(d, RDF.type, RDFS.Datatype) for d in OWL_RL_Datatypes]
    return triples


def _property_chains(index: dict[object, list[Triple]]) -> list[tuple[object, list]]:
    """(property, [p1, p2, …]) for every owl:propertyChainAxiom."""
    first = {s: o for s, _, o in index.get(RDF.first, ())}
    rest = {s: o for s, _, o in index.get(RDF.rest, ())}
    chains = []
    for prop, _, head in index.get(OWL.propertyChainAxiom, ()):
        steps, node = [], head
        while node in first:
            steps.append(first[node])
            node = rest.get(node, RDF.nil)
        chains.append((prop, steps))
    return sorted(chains)


def _chain_rule(buckets: dict[object, list[Triple]], chains) -> set[Triple]:
    """prp-spo2: x p1 y1, y1 p2 y2, … ⇒ x p yn."""
    if not chains:
        return set()
    by_predicate: dict[object, dict[object, set]] = defaultdict(lambda: defaultdict(set))
    for _, steps in chains:
        for step in steps:
            if step not in by_predicate:
                for s, _, o in buckets.get(step, ()):
                    by_predicate[step][s].add(o)
    out: set[Triple] = set()
    for prop, steps in chains:
        first = by_predicate[steps[0]]
        for start, reached in first.items():
            frontier = set(reached)
            for step in steps[1:]:
                follow = by_predicate[step]
                frontier = {o for node in frontier for o in follow.get(node, ())}
                if not frontier:
                    break
            out.update((start, prop, end) for end in frontier)
    return out


def _schema_rules(buckets: dict[object, list[Triple]]) -> set[Triple]:
    """The scm-* rules of OWL 2 RL (Table 9) that need no restriction classes."""
    out: set[Triple] = set()
    sub_class, sub_prop = defaultdict(set), defaultdict(set)
    domains, ranges = defaultdict(set), defaultdict(set)
    declarations = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    types = (t for t in buckets.get(RDF.type, ()) if t[2] in declarations)
    rest = (t for predicate in _SCHEMA_PREDICATES - {RDF.type} for t in buckets.get(predicate, ()))
    for s, p, o in (*types, *rest):
        if p == RDF.type:
            if o == OWL.Class:  # scm-cls
                out |= {(s, RDFS.subClassOf, s), (s, OWL.equivalentClass, s),
                        (s, RDFS.subClassOf, OWL.Thing), (OWL.Nothing, RDFS.subClassOf, s)}
            elif o in (OWL.ObjectProperty, OWL.DatatypeProperty):  # scm-op, scm-dp
                out |= {(s, RDFS.subPropertyOf, s), (s, OWL.equivalentProperty, s)}
        elif p == RDFS.subClassOf:
            sub_class[s].add(o)
        elif p == RDFS.subPropertyOf:
            sub_prop[s].add(o)
        elif p == OWL.equivalentClass:  # scm-eqc1
            out |= {(s, RDFS.subClassOf, o), (o, RDFS.subClassOf, s)}
        elif p == OWL.equivalentProperty:  # scm-eqp1
            out |= {(s, RDFS.subPropertyOf, o), (o, RDFS.subPropertyOf, s)}
        elif p == RDFS.domain:
            domains[s].add(o)
        elif p == RDFS.range:
            ranges[s].add(o)
    for c1, supers in sub_class.items():
        for c2 in supers:
            out |= {(c1, RDFS.subClassOf, c3) for c3 in sub_class.get(c2, ())}  # scm-sco
            if c1 in sub_class.get(c2, ()):  # scm-eqc2
                out.add((c1, OWL.equivalentClass, c2))
    for p1, supers in sub_prop.items():
        for p2 in supers:
            out |= {(p1, RDFS.subPropertyOf, p3) for p3 in sub_prop.get(p2, ())}  # scm-spo
            if p1 in sub_prop.get(p2, ()):  # scm-eqp2
                out.add((p1, OWL.equivalentProperty, p2))
            out |= {(p1, RDFS.domain, c) for c in domains.get(p2, ())}  # scm-dom2
            out |= {(p1, RDFS.range, c) for c in ranges.get(p2, ())}  # scm-rng2
    for prop, classes in domains.items():  # scm-dom1
        out |= {(prop, RDFS.domain, c2) for c1 in classes for c2 in sub_class.get(c1, ())}
    for prop, classes in ranges.items():  # scm-rng1
        out |= {(prop, RDFS.range, c2) for c1 in classes for c2 in sub_class.get(c1, ())}
    return out


def _drop_untyped_things(triples: set[Triple]) -> set[Triple]:
    """reasonable asserts ``x a owl:Thing`` for every resource; OWL 2 RL derives it
    only for instances of a class (cax-sco with scm-cls). Keep just those (in place)."""
    types = [t for t in triples if t[1] in _IS_TYPE]  # not a full index of every predicate
    classes = {s for s, _, o in types if o in _IS_CLASS}
    typed = {s for s, _, o in types if o in classes and o not in _IS_THING}
    triples.difference_update([t for t in types if t[2] in _IS_THING and t[0] not in typed])
    return triples


# ---------------------------------------------------------------- a closure out of bounds

_AXIOM_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass,
                     OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom, OWL.sameAs,
                     OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.hasKey}
_CHARACTERISTICS = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.SymmetricProperty,
                    OWL.TransitiveProperty, OWL.ReflexiveProperty}


def _too_large(asserted: set[Triple], result: set[Triple], max_growth: float) -> ClosureTooLarge:
    """The error for a closure out of bounds, naming what grew and the axioms about it."""
    from collections import Counter

    from .namespaces import PREFIXES
    from .serialize import _Compactor

    short = _Compactor(PREFIXES).iri
    grown: Counter = Counter()
    for _, p, o in result - asserted:
        grown[(p, o) if p == TYPE else (p, None)] += 1
    top = [key for key, _ in grown.most_common(3)]
    terms = {term for key in top for term in key if term is not None}
    if any(p == SAME_AS for p, _ in top):
        terms |= {p for _, p, o in asserted if p in terms}
    axioms = sorted((s, p, o) for s, p, o in asserted
                    if isinstance(s, URIRef) and (
                        (p in _AXIOM_PREDICATES and (s in terms or o in terms))
                        or (p == TYPE and o in _CHARACTERISTICS and s in terms)
                        or (p == SAME_AS and s != o)))
    grew = ", ".join(f"{grown[key]} × {short(str(key[0]))}"
                     + (f" {short(str(key[1]))}" if key[1] is not None else "") for key in top)
    named = "; ".join(f"{short(str(s))} {short(str(p))} {short(str(o))}"
                      if isinstance(o, URIRef) else f"{short(str(s))} {short(str(p))} …"
                      for s, p, o in axioms[:8])
    from .language import Text, fmt

    more = (fmt(" (and {n} more)", "（另有 {n} 条）", n=len(axioms) - 8) if len(axioms) > 8 else "")
    return ClosureTooLarge(
        "ontology/",
        fmt("the OWL RL closure has {n} triples, more than {growth:g} times its {given} input triples "
            "(most inferred: {grew}); axioms responsible: {named}{more}",
            "OWL RL 闭包有 {n} 个三元组，超过输入的 {given} 个三元组的 {growth:g} 倍（推出最多的：{grew}）；"
            "起作用的公理：{named}{more}", n=len(result), growth=max_growth, given=len(asserted), grew=grew,
            named=named or Text("none found among the asserted schema triples", "在断言的模式三元组中未找到"),
            more=more),
        hint=Text("an axiom like these makes the reasoner derive everything about everything; "
                  "fix it in ontology/ (data files cannot carry axioms)",
                  "这类公理会让推理机对一切推出一切；请在 ontology/ 中修正（数据文件不能携带公理）"))
