"""Parameter slots (README "Named queries"): a query's own `VALUES (?x) { (UNDEF) }` blocks get
the parameter's value, so it can narrow a sub-select first; they never change the answer."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from conftest import ROOT
from gdkg.query import bindings, named_queries
from gdkg.store import _code_only, _with_values

CITY = URIRef("https://w3id.org/gdkg/id/city/zhanjiang")
CLUSTER = URIRef("https://w3id.org/gdkg/id/cluster/green-petrochemicals")

QUERY = """SELECT * WHERE {  # VALUES ?x { UNDEF } in a comment stays a comment
  { VALUES (?city ?cluster) { (UNDEF UNDEF) } ?p a <urn:x:P> . FILTER(?s != "VALUES ?y { UNDEF }") }
  { SELECT ?p ?cluster WHERE { values ?cluster { undef } ?p <urn:x:in> ?cluster } }
  VALUES ?kept { <urn:x:a> }
}"""


def test_slots_get_the_bound_values_and_lose_the_unbound_ones():
    text = _with_values(QUERY, {"city": CITY})
    assert f"{{ VALUES (?city) {{ (<{CITY}>) }} ?p a" in text  # ?cluster, unbound, dropped
    assert "{ SELECT ?p ?cluster WHERE {  ?p <urn:x:in>" in text  # a slot of none bound disappears
    assert text.count("UNDEF") == 2  # the comment's and the string's, untouched
    assert "VALUES ?kept { <urn:x:a> }" in text  # not a slot: a row that is not all UNDEF
    assert text.startswith(f"SELECT * WHERE {{\n  VALUES (?city) {{ (<{CITY}>) }}\n")  # and at the top

    both = _with_values(QUERY, {"cluster": CLUSTER, "city": CITY})
    assert f"VALUES (?city ?cluster) {{ (<{CITY}> <{CLUSTER}>) }} ?p a" in both
    assert f"SELECT ?p ?cluster WHERE {{ VALUES (?cluster) {{ (<{CLUSTER}>) }} ?p <urn:x:in>" in both


def test_without_bindings_slots_are_removed_and_nothing_is_added():
    text = _with_values(QUERY, {})
    assert "(UNDEF UNDEF)" not in text and "undef }" not in text
    assert text.count("VALUES") == 3  # the comment's, the string's and ?kept
    assert _with_values("SELECT * WHERE { ?s ?p ?o }", None) == "SELECT * WHERE { ?s ?p ?o }"


def test_a_value_in_a_slot_is_data():
    evil = Literal('x" } } DROP ALL #')
    text = _with_values(QUERY, {"city": evil})
    assert text.count("DROP ALL") == 2 and '"x\\" } } DROP ALL #"' in text  # escaped, twice


def test_code_only_blanks_comments_strings_and_iris_keeping_offsets():
    text = 'SELECT ?a WHERE { <urn:x:a#b> ?p "}{ # \\" }" # } {\n ?a ?b \'\'\'{\'\'\' } ?c'
    code = _code_only(text)
    assert len(code) == len(text)
    assert code.count("{") == 1 and code.count("}") == 1  # only the group's own braces
    assert "?a ?b" in code and code.endswith("} ?c")  # the IRI's '#' starts no comment


#: the named queries that have slots (read from queries/, so a new one is checked too)
SLOTTED = sorted(path.stem for path in (ROOT / "queries").glob("*.rq")
                 if "UNDEF" in _code_only(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", SLOTTED)
def test_filled_slots_give_the_answer_of_the_query_as_written(kg, project, name):
    # the query as another SPARQL server runs it (slots UNDEF: unbound) with the parameters
    # bound at the top only, against gdkg's filled slots: the same rows in the same order
    query = named_queries(project)[name]
    assert query.examples, f"{name}: a query with slots gives an example to compare on"
    for which in range(len(query.examples)):
        params = query.example_params(which)
        terms = bindings(kg, query, params)
        as_written = _with_values(_with_values(query.text, {}), terms)  # slots out, then the top
        filled = _with_values(query.text, terms)
        assert filled != as_written
        expected, got = kg.query(as_written), kg.query(filled)
        assert got.rows, f"{name} {params}: the example gives rows, so this compares something"
        assert [list(r.items()) for r in got.rows] == [list(r.items()) for r in expected.rows]

