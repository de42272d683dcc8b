"""`gdkg publish` and `gdkg query --endpoint` against a real Oxigraph server on loopback.

The server is the `oxigraph` command of the PyPI package of that name (test extra),
started by the fixture on a free 127.0.0.1 port and stopped after the module.
"""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import gdkg
from gdkg.query import named_queries, run
from gdkg.remote_endpoint import GRAPH_BASE, EndpointError, RemoteGraph, publish

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp: Path, *extra: str):
    port = _free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp), "--bind", f"127.0.0.1:{port}",
                                *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
            return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {process.stderr.read().decode()}") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("oxigraph serve did not answer within 20 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', in the test extra) is not installed")
    process, url = _start(tmp_path_factory.mktemp("oxigraph"))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def union_server(tmp_path_factory):
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', in the test extra) is not installed")
    process, url = _start(tmp_path_factory.mktemp("oxigraph-union"), "--union-default-graph")
    yield url
    process.terminate()
    process.wait(timeout=10)


def _example_params(query) -> dict[str, str]:
    """The parameters of a named query's first example call."""
    params: dict[str, str] = {}
    for example in query.examples[:1]:
        words = shlex.split(example)
        for flag, value in zip(words, words[1:], strict=False):
            if flag == "--param":
                name, _, text = value.partition("=")
                params[name] = text
    return params


def _rows(result) -> list[tuple]:
    from test_stores import _rows as rows  # GROUP_CONCAT order is each engine's own

    return rows(result)


def test_every_named_query_answers_the_same_remotely(built, kg, server):
    published = publish(built.project, server)
    assert published.triples == built.asserted + built.inferred
    remote = RemoteGraph(server)
    queries = named_queries(built.project)
    assert len(queries) >= 8
    for name, query in queries.items():
        params = _example_params(query)
        local, there = run(kg, query, params), run(remote, query, params)
        assert there.variables == local.variables, name
        assert _rows(there) == _rows(local), name
        assert there.boolean == local.boolean, name


def test_cli_query_on_the_endpoint_prints_what_the_local_query_prints(built, server, capsys):
    publish(built.project, server)
    args = ["query", "shared-core-cities", "--param", "a=汽车", "--param", "b=新能源", "--format", "csv"]
    code, local, _ = gdkg(capsys, built.project.root, *args)
    code_remote, remote, _ = gdkg(capsys, built.project.root, *args, "--endpoint", server)
    assert (code, code_remote) == (0, 0)
    assert remote == local
    # 附件 1 of 001: ★★★ for both 汽车 and 新能源 in Guangzhou, Shenzhen and Foshan only
    assert {line.split(",")[1] for line in remote.splitlines()[1:]} == {"广州", "深圳", "佛山"}


def test_export_from_the_endpoint_writes_the_local_file(built, server, tmp_path, capsys):
    publish(built.project, server)
    local, remote = tmp_path / "local.gexf", tmp_path / "remote.gexf"
    code, _, _ = gdkg(capsys, built.project.root, "export", "--graph", "city", "-o", str(local), "--quiet")
    code_remote, _, _ = gdkg(capsys, built.project.root, "export", "--graph", "city", "-o", str(remote),
                             "--quiet", "--endpoint", server)
    assert (code, code_remote) == (0, 0)
    assert remote.read_bytes() == local.read_bytes()
    # the 21 prefecture cities of the province are the nodes of the city graph
    assert remote.read_text(encoding="utf-8").count("<node ") == 21


def test_export_from_an_unreachable_endpoint_is_a_message_and_exit_2(built, tmp_path, capsys):
    target = tmp_path / "city.gexf"
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "city", "-o", str(target),
                        "--endpoint", f"http://127.0.0.1:{_free_port()}/query")
    assert code == 2 and "cannot reach the server" in err and "Traceback" not in err
    assert not target.exists()


def test_graph_per_source_splits_by_document_and_keeps_the_answers(built, kg, union_server):
    result = publish(built.project, union_server, graph_per_source=True)
    assert result.triples == built.asserted + built.inferred
    graphs = set(result.graphs)
    for key in ("mfg-plan-14th-fyp", "opinion-2020-summary", "opinion-2020-faq", "gd-hq-dev-2025-news",
                "electronics-action-plan-2021", "ontology", "inferred"):
        assert GRAPH_BASE + key in graphs
    remote = RemoteGraph(union_server)
    counts = remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    assert {str(r["g"]): int(r["n"]) for r in counts} == result.graphs
    query = named_queries(built.project)["shared-core-cities"]
    params = {"a": "汽车", "b": "新能源"}
    assert _rows(run(remote, query, params)) == _rows(run(kg, query, params))


def test_a_failed_upload_leaves_the_target_as_it_was(built, server, monkeypatch):
    publish(built.project, server)
    remote = RemoteGraph(server)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = int(remote.query(count).rows[0]["n"])
    calls = []

    def failing_put(self, graph, triples):
        calls.append(graph)
        raise EndpointError("PUT: simulated failure half-way")

    monkeypatch.setattr(RemoteGraph, "put_graph", failing_put)
    with pytest.raises(EndpointError):
        publish(built.project, server, graph_per_source=True)
    assert calls, "the upload was attempted"
    assert int(remote.query(count).rows[0]["n"]) == before
    graphs = remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert not [g for g in graphs if "/staging/" in str(g["g"])]


def test_unreachable_or_refusing_endpoint_is_a_message_and_exit_2(built, server, capsys):
    port = _free_port()  # nothing listens there
    code, _, err = gdkg(capsys, built.project.root, "publish", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert code == 2
    assert "cannot reach the server" in err and "Traceback" not in err
    code, _, err = gdkg(capsys, built.project.root, "query", "shared-core-cities", "--param", "a=汽车",
                        "--param", "b=新能源", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert code == 2 and "cannot reach the server" in err
    wrong_path = server.replace("/query", "/no-such-endpoint")
    code, _, err = gdkg(capsys, built.project.root, "query", "shared-core-cities", "--param", "a=汽车",
                        "--param", "b=新能源", "--endpoint", wrong_path)
    assert code == 2 and "answered 404" in err
    code, _, err = gdkg(capsys, built.project.root, "publish", "--endpoint", "ftp://example/query")
    assert code == 2 and "not an http(s) URL" in err
