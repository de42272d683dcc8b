"""`gdkg query`, `gdkg describe`, `gdkg search` as a new user tries them: every fault of
issue 9 item 2 is a message and exit 2, never a traceback or a silent empty answer."""

import io
import json
import socket

import pyoxigraph
import pytest
from rdflib import Graph

from conftest import gdkg


@pytest.fixture(scope="module")
def root(built):
    return built.project.root


@pytest.mark.parametrize(("args", "expected"), [
    (["shared-core-cities", "--param", "a=新能原", "--param", "b=汽车"],
     "did you mean 新能源 (cluster:new-energy)?"),
    (["shared-core-cities", "--param", "a=autmobiles", "--param", "b=汽车"], "did you mean"),
    (["cluster-city-matrix", "--param", "kind=pillar"],
     "did you mean 战略性支柱产业集群 (gd:PillarIndustryCluster)?"),
    (["department-tasks", "--param", "department=工信厅"], "did you mean 广东省工业和信息化厅"),
])
def test_a_name_that_names_nothing_is_an_error_with_close_labels(capsys, root, args, expected):
    code, out, err = gdkg(capsys, root, "query", *args)
    assert code == 2 and out == ""
    assert "names no" in err and expected in err


def test_english_labels_and_alt_labels_resolve(capsys, root):
    # 附件 1: 汽车 and 新能源 are both core in 广州 深圳 佛山
    code, out, _ = gdkg(capsys, root, "query", "shared-core-cities", "--param", "a=automobiles",
                        "--param", "b=新能源", "--format", "csv")
    assert code == 0 and {line.split(",")[1] for line in out.splitlines()[1:]} == {"广州", "深圳", "佛山"}


def test_a_label_of_several_entities_lists_them(capsys, root, kg):
    from gdkg.label_search import LabelIndex

    index = LabelIndex.of(kg)
    shared = next(name for name, iris in sorted(index.by_name.items()) if len(iris) > 1)
    code, _, err = gdkg(capsys, root, "query", "source-statements", "--param", f"source={shared}")
    assert code == 2
    assert "names" in err and "entities" in err and "pass one of the IRIs" in err


def test_required_parameters(capsys, root):
    code, out, err = gdkg(capsys, root, "query", "city-clusters")
    assert code == 2 and out == ""
    assert "needs --param city=…" in err and "gdkg query city-clusters --param city=深圳" in err


def test_per_query_help_and_list(capsys, root):
    code, out, _ = gdkg(capsys, root, "query", "shared-key-cities", "--help")
    assert code == 0
    assert "Cities core or key for two clusters | 两个集群共同的核心或重点城市" in out
    assert "minStars (integer; default 2)" in out and "a (gd:IndustryCluster; required)" in out
    assert "examples:" in out
    code, out, _ = gdkg(capsys, root, "query", "--list")
    assert code == 0 and "--param city (gd:City; required)" in out and out.count("\n    e.g. ") >= 25
    code, out, _ = gdkg(capsys, root, "query", "--help")
    assert code == 0 and "gdkg query --list" in out


def test_describe_and_construct_print_rdf(capsys, root):
    code, out, _ = gdkg(capsys, root, "query", "-e", "DESCRIBE city:shenzhen")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert len(graph) > 20
    code, out, _ = gdkg(capsys, root, "query", "-e",
                        "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a gd:City ; rdfs:label ?l }",
                        "--format", "nt")
    assert code == 0 and len(Graph().parse(data=out, format="nt")) == 42  # 21 cities × zh + en
    code, out, _ = gdkg(capsys, root, "query", "-e", "DESCRIBE city:shenzhen", "--format", "json-ld")
    assert code == 0 and len(Graph().parse(data=out, format="json-ld")) > 20
    code, _, err = gdkg(capsys, root, "query", "-e", "DESCRIBE city:shenzhen", "--format", "csv")
    assert code == 2 and "turtle, nt, json-ld" in err


def test_file_from_stdin_and_expression(capsys, root, monkeypatch, tmp_path):
    text = "# param: city (gd:City, required) — a city\nSELECT ?c WHERE { ?d gd:designatedCity ?city ; " \
           "gd:designatedCluster ?c ; gd:designationLevel gd:CoreLevel }"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, _ = gdkg(capsys, root, "query", "--file", "-", "--param", "city=云浮", "--format", "csv")
    assert code == 0 and out.splitlines() == ["c"]  # 附件 1: 云浮 is core for no cluster
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    code, out, _ = gdkg(capsys, root, "query", "--file", str(tmp_path / "q.rq"), "--param", "city=湛江",
                        "--format", "tsv", "--iris")
    # 附件 1: 湛江 core (★★★) for 绿色石化, 先进材料, 现代轻工纺织, 现代农业与食品; ★★★★ for 新能源
    assert code == 0 and len(out.splitlines()) == 1 + 5
    code, out, _ = gdkg(capsys, root, "query", "-e", "ASK { city:zhanjiang a gd:City }")
    assert code == 0 and out == "true\n"


def test_syntax_error_shows_line_column_and_text(capsys, root):
    code, out, err = gdkg(capsys, root, "query", "-e",
                          "SELECT ?x WHERE {\n  ?x a gd:City .\n  FILTER(?x = )\n}")
    assert code == 2 and out == ""
    assert "line 3, column 3" in err and "FILTER(?x = )" in err and "Traceback" not in err


def test_update_and_service_are_refused_before_anything_runs(capsys, root):
    code, _, err = gdkg(capsys, root, "query", "-e", "INSERT DATA { city:x rdfs:label 'x' }")
    assert code == 2 and "read-only: updates are not supported" in err
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.3)
    port = server.getsockname()[1]
    code, _, err = gdkg(capsys, root, "query", "-e",
                        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert code == 2 and "SERVICE" in err and "refused" in err
    with pytest.raises(socket.timeout):
        server.accept()  # nobody called
    server.close()


def test_timeout_ends_a_cartesian_product(capsys, root):
    code, _, err = gdkg(capsys, root, "query", "-e",
                        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1")
    assert code == 2 and "stopped after 1 s (timeout)" in err


@pytest.mark.parametrize(("value", "expected"), [
    ('city=<http://example.org/a>b>', "is not a valid IRI"),
    ('city=http://example.org/{x}', "is not a valid IRI"),
    ("city=\udcff\udcfe", "not valid UTF-8"),
])
def test_bad_parameter_values(capsys, root, value, expected):
    code, _, err = gdkg(capsys, root, "query", "city-clusters", "--param", value)
    assert code == 2 and expected in err


def test_unreadable_query_files(capsys, root, tmp_path):
    (tmp_path / "gbk.rq").write_bytes("SELECT ?城市 WHERE { ?城市 a gd:City }".encode("gbk"))
    code, _, err = gdkg(capsys, root, "query", "--file", str(tmp_path / "gbk.rq"))
    assert code == 2 and "not UTF-8" in err and "gbk.rq:1" in err
    code, _, err = gdkg(capsys, root, "query", "--file", str(tmp_path / "missing.rq"))
    assert code == 2 and "no such file" in err
    code, _, err = gdkg(capsys, root, "query", "--file", str(tmp_path))
    assert code == 2 and "directory" in err


def test_w3c_formats_and_labels(capsys, root):
    args = ["query", "city-clusters", "--param", "city=云浮"]
    code, out, _ = gdkg(capsys, root, *args, "--format", "json")
    assert code == 0
    data = json.loads(out)
    # 附件 1, 云浮: 汽车 先进材料 生物医药 农业 ★★; 电子信息 轻纺 新能源 精密仪器 ★ — 8 clusters
    assert len(data["results"]["bindings"]) == 8
    assert data["results"]["bindings"][0]["clusterZh"]["xml:lang"] == "zh"
    assert data["results"]["bindings"][0]["stars"]["datatype"].endswith("#integer")
    code, out, _ = gdkg(capsys, root, *args, "--format", "xml")
    assert code == 0 and len(list(pyoxigraph.parse_query_results(
        out.encode(), format=pyoxigraph.QueryResultsFormat.XML))) == 8
    code, out, _ = gdkg(capsys, root, *args, "--format", "md", "--lang", "en", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2 + 2 and "Automobiles" in out.splitlines()[2] + out
    code, out, _ = gdkg(capsys, root, *args, "--iris", "--limit", "1")
    assert "https://w3id.org/gdkg/id/cluster/" in out


def test_describe_an_entity(capsys, root):
    code, out, _ = gdkg(capsys, root, "describe", "深圳", "--lang", "zh")
    assert code == 0
    assert out.startswith("深圳 / Shenzhen") and "city:shenzhen" in out
    assert "珠三角核心区 (place:prd-core)" in out  # 附件 1: 深圳 in the 珠三角 column group
    assert "fyp:annex-1-table-2" in out  # its emerging designations cite table 2
    code, out, _ = gdkg(capsys, root, "describe", "city:shenzhen", "--format", "ttl")
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) > 20
    code, _, err = gdkg(capsys, root, "describe", "深圳圳圳")
    assert code == 2 and "did you mean" in err and "深圳" in err


def test_search(capsys, root):
    code, out, _ = gdkg(capsys, root, "search", "东翼", "--format", "json")
    assert code == 0 and json.loads(out)[0]["zh"] == "沿海经济带东翼"
    code, out, _ = gdkg(capsys, root, "search", "机器人")
    assert code == 0 and "cluster:intelligent-robots" in out.splitlines()[2]
    code, out, _ = gdkg(capsys, root, "search", "robot", "--type", "gd:SubField", "--format", "json")
    assert code == 0 and {m["zh"] for m in json.loads(out)} >= {"工业机器人", "服务机器人"}
    assert all("gd:SubField" in m["types"] for m in json.loads(out))
    code, _, err = gdkg(capsys, root, "search", "robot", "--type", "gd:Robot")
    assert code == 2 and "names no class" in err
    code, _, _ = gdkg(capsys, root, "search", "qqqqzzzz")
    assert code == 1


def test_rows_stream_out_before_the_query_ends(capsys, root):
    """A cartesian product of the whole graph with itself (over 10^9 rows): rows are written as they
    come, so output is there when the timeout ends it, and memory stays flat."""
    code, out, err = gdkg(capsys, root, "query", "-e", "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }",
                          "--format", "tsv", "--timeout", "1.5")
    assert code == 2 and "timeout" in err
    lines = out.splitlines()
    assert lines[0] == "?a\t?d" and len(lines) > 1000


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_table_shows_iris_as_labels_in_the_chosen_language(capsys, root, monkeypatch, store):
    # the Oxigraph store reads each IRI's rdfs:label when the row is printed, rdflib's store
    # indexes every name first: the tables must be the same
    monkeypatch.setenv("GDKG_STORE", store)
    args = ["query", "city-clusters", "--param", "city=云浮", "--format", "md", "--limit", "2"]
    # 附件 1, 云浮: 汽车 and 先进材料 are its ★★ clusters (first in the query's order)
    _, out_zh, _ = gdkg(capsys, root, *args, "--lang", "zh")
    _, out_en, _ = gdkg(capsys, root, *args, "--lang", "en")
    assert [line.split(" | ")[0] for line in out_zh.splitlines()[2:]] == ["| 汽车", "| 先进材料"]
    assert [line.split(" | ")[0] for line in out_en.splitlines()[2:]] == [
        "| Automobiles", "| Advanced Materials"]
