"""sparql_safety: updates and SERVICE refused before anything runs, syntax errors with
their position, runaway queries stopped by the timeout."""

import socket
import threading
import time

import pytest

from gdkg.sparql_safety import (
    QueryTimeout,
    ServiceRefused,
    SparqlSyntaxError,
    UpdateRefused,
    check,
    classify,
    run_with_timeout,
)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX x: <http://x/>\n# SELECT in a comment\nASK { ?s ?p ?o }", "ASK"),
    ("base <http://x/> construct where { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE city:guangzhou", "DESCRIBE"),
    ("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }", "UPDATE"),
    ("DELETE WHERE { ?s ?p ?o }", "UPDATE"),
    ("drop all", "UPDATE"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
])
def test_classify(text, form):
    assert classify(text) == form


def test_update_is_refused_as_read_only():
    with pytest.raises(UpdateRefused, match="read-only: updates are not supported"):
        check("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")


def test_service_is_refused_before_any_request():
    """A listening socket that must never be connected to."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    query = f"SELECT * WHERE {{\n  SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}\n}}"
    with pytest.raises(ServiceRefused) as info:
        check(query)
    assert (info.value.line, info.value.column) == (2, 3)
    assert f"127.0.0.1:{port}" in str(info.value)
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()
    # the word inside a string, an IRI or a comment is not a SERVICE clause
    assert check('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE <http://x/>') == "SELECT"
    assert check("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", allow_service=True) == "SELECT"


def test_syntax_error_has_line_column_and_text():
    with pytest.raises(SparqlSyntaxError) as info:
        check("SELECT ?x\nWHERE {\n  ?x rdfs:label ?l .\n  FILTER(?l = )\n}")
    error = info.value
    assert (error.line, error.column) == (4, 3)  # the clause that does not parse
    assert "line 4" in str(error) and "^" in str(error)
    with pytest.raises(SparqlSyntaxError, match=r"unknown prefix gdd: .*did you mean gd:") as info:
        check("SELECT * WHERE {\n ?s a gdd:City }")
    assert (info.value.line, info.value.column, info.value.line_text) == (2, 7, " ?s a gdd:City }")
    with pytest.raises(SparqlSyntaxError, match="expected SELECT, ASK, CONSTRUCT or DESCRIBE"):
        check("hello world")


def test_a_cartesian_product_is_stopped_by_the_timeout(kg):
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="stopped after 1 s"):
        answer = run_with_timeout(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                                  timeout=1)
        list(answer.rows)
    assert time.monotonic() - start < 5
    # streaming rows: the timeout also ends the iteration
    with pytest.raises(QueryTimeout):
        for _ in run_with_timeout(kg, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=1).rows:
            pass


def test_the_worker_gives_the_same_answers_as_the_store(kg):
    text = "SELECT ?c ?l WHERE { ?c a gd:City ; rdfs:label ?l } ORDER BY ?c ?l"
    assert list(run_with_timeout(kg, text).rows) == kg.query(text).rows
    assert run_with_timeout(kg, "ASK { city:shenzhen a gd:City }").boolean is True
    described = set(run_with_timeout(kg, "DESCRIBE city:shenzhen").triples)
    assert described == set(kg.execute("DESCRIBE city:shenzhen").triples)
    assert len(described) > 5


def test_closing_early_stops_the_worker(kg):
    answer = run_with_timeout(kg, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=30)
    first = [row for _, row in zip(range(3), answer.rows, strict=False)]
    answer.close()
    assert len(first) == 3


def test_timeouts_in_threads_do_not_block_each_other(kg):
    """A runaway query in one thread; a normal one in another still answers at once."""
    errors = []

    def runaway():
        try:
            list(run_with_timeout(kg, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }", timeout=1.5).rows)
        except QueryTimeout as exc:
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    rows = list(run_with_timeout(kg, "SELECT ?c WHERE { ?c a gd:City }", timeout=3).rows)
    assert len(rows) == 21
    thread.join()
    assert len(errors) == 1
