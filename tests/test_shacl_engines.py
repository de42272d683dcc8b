"""pyshacl-turbo (``--shacl turbo``) against pySHACL, the reference.

The whole-graph validation of the bundled graph, and of the bundled graph with every readable
file of the bad-input corpus added (one graph, so each kind of bad data is checked in one run
of each engine), compared result by result (severity, focus, path, value, shape, constraint,
messages). The one known difference is pinned down, so a change in either engine shows.
"""

from __future__ import annotations

import pytest

from conftest import BAD_INPUTS
from gdkg.load import LoadError, load_triples, to_graph
from gdkg.validation.shacl import validate
from gdkg.validation.shacl_engine import chosen_engine

pytest.importorskip("pyshacl_turbo")


@pytest.fixture(scope="module")
def shapes(project):
    return load_triples(project.shape_files())


def _readable_bad_inputs() -> set:
    triples: set = set()
    for path in sorted(BAD_INPUTS.glob("*.ttl")):
        try:
            triples |= load_triples([path])
        except LoadError:  # unusable input: refused before any validation
            continue
    return triples


def _both(data: set, shapes: set):
    reference = validate(to_graph(data), to_graph(shapes), engine="pyshacl")
    turbo = validate(to_graph(data), to_graph(shapes), engine="turbo")
    return reference.results, turbo.results


def test_turbo_is_chosen_explicitly(monkeypatch):
    monkeypatch.delenv("GDKG_SHACL", raising=False)
    assert chosen_engine() == "oxigraph"  # tests/test_sparql_shacl.py: pySHACL's results
    monkeypatch.setenv("GDKG_SHACL", "turbo")
    assert chosen_engine() == "turbo"
    assert chosen_engine("pyshacl") == "pyshacl"
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        chosen_engine("jena")


def test_same_results_on_the_bundled_graph(asserted, shapes):
    reference, turbo = _both(asserted, shapes)
    assert reference, "the bundled graph has warnings/infos that both engines must report"
    assert turbo == reference


def test_bad_input_corpus_differs_only_on_ill_typed_numbers(asserted, shapes):
    bad = _readable_bad_inputs()
    assert len(bad) > 100
    reference, turbo = _both(asserted | bad, shapes)
    assert any(r.severity == "violation" for r in reference), "the corpus has violations"
    only_reference = [r for r in reference if r not in turbo]
    assert [r for r in turbo if r not in reference] == []
    # ill-typed-literal.ttl, wrong-datatype.ttl: "1,5"^^xsd:decimal and "1.5万亿" cannot be compared
    # with sh:minInclusive 0; pySHACL reports that, pyshacl-turbo does not
    assert {r.value for r in only_reference} == {'"1,5"^^<http://www.w3.org/2001/XMLSchema#decimal>',
                                                   '"1.5万亿"'}
    assert {r.constraint for r in only_reference} == {"http://www.w3.org/ns/shacl#MinInclusiveConstraintComponent"}
    for result in only_reference:  # both engines still report the literal itself as wrong
        assert any(r.focus == result.focus and r.value == result.value and r.severity == "violation"
                   for r in turbo), result
