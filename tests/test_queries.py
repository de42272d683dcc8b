"""Named queries: headers, parameters, and answers derived by hand from the sources."""

import re

import pytest

from gdkg.cli import main
from gdkg.query import QueryError, named_queries, run


def labels(result, var: str) -> set[str]:
    return {str(row[var]) for row in result.rows}


def test_every_query_has_a_header_and_its_example_answers(project, kg):
    queries = named_queries(project)
    assert len(queries) >= 25
    for name, query in queries.items():
        assert query.title and query.description, name
        english, _, chinese = query.title.partition(" | ")
        assert english and re.search(r"[\u4e00-\u9fff]", chinese), f"{name}: title needs 'English | 中文'"
        assert query.examples, f"{name}: no # example line"
        for param, spec in query.specs.items():
            assert re.search(rf"\?{param}\b", query.text.split("\n", 1)[1]), (name, param)
            assert spec.doc, (name, param)
        required = {p for p, s in query.specs.items() if s.required}
        params = query.example_params()
        assert required <= set(params), f"{name}: the example leaves out a required parameter"
        assert run(kg, query, params).rows, f"{name}: its example gives no rows"


def test_shared_core_cities(project, kg):
    # 附件 1: 汽车 ★★★ in 广州 深圳 佛山; 新能源 ★★★★ in 广州 深圳 佛山 东莞 湛江 阳江
    result = run(kg, named_queries(project)["shared-core-cities"], {"a": "汽车", "b": "新能源"})
    assert [str(r["cityZh"]) for r in result.rows] == ["广州", "深圳", "佛山"]


def test_chain_gaps_of_petrochemicals(project, kg):
    # 专栏 2: refining relies on 5 cities, fine chemicals on 15 (including those 5)
    result = run(kg, named_queries(project)["chain-gaps"], {"cluster": "绿色石化"})
    assert labels(result, "cityZh") == {"深圳", "珠海", "佛山", "东莞", "中山", "江门", "肇庆",
                                        "汕头", "汕尾", "清远"}


def test_department_tasks(project, kg):
    # 004: 省商务厅 leads task 6 and safeguard measure 4; co-operates on task 3 and project 1
    result = run(kg, named_queries(project)["department-tasks"], {"department": "省商务厅"})
    roles = {(str(r["role"]), str(r["task"]).rsplit("/", 1)[1]) for r in result.rows}
    assert roles == {("牵头", "eap-task-6"), ("牵头", "eap-measure-4"),
                     ("配合", "eap-task-3"), ("配合", "eap-project-1")}


def test_anchor_enterprises_of_refining(project, kg):
    # 专栏 2 item 1: 惠州 and 湛江 projects named as 龙头 (heads) of the refining chain
    result = run(kg, named_queries(project)["subfield-anchors"],
                 {"subfield": "sf:green-petrochemicals-1"})
    anchors = {str(r["enterpriseZh"]) for r in result.rows if str(r["roleZh"]) == "龙头企业"}
    assert anchors == {"中海油惠州石化", "中海壳牌", "埃克森美孚", "中科广东炼化", "巴斯夫"}


def test_parameter_values_are_data_not_query_text(project, kg):
    """A value that looks like SPARQL names no entity (an error), or is bound as a literal."""
    evil = '汽车" } UNION { ?s ?p ?o } #'
    with pytest.raises(QueryError, match="names no strategic industry cluster.*did you mean 汽车"):
        run(kg, named_queries(project)["shared-core-cities"], {"a": evil, "b": evil})
    result = run(kg, named_queries(project)["city-actors"], {"city": "惠州", "category": evil})
    assert result.rows == []


def test_unknown_parameter_and_query_are_clear_errors(project, kg):
    with pytest.raises(QueryError, match="has no parameter zz"):
        run(kg, named_queries(project)["shared-core-cities"], {"zz": "1"})


def test_cli_query_formats(built, capsys):
    root = ["--root", str(built.project.root)]
    assert main([*root, "query", "shared-core-cities", "--param", "a=cluster:automobiles",
                 "--param", "b=新能源", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "city,cityZh,cityEn"
    assert "Guangzhou" in out
    assert main([*root, "query", "shared-core-city"]) == 2
    err = capsys.readouterr().err
    assert "no query named 'shared-core-city'" in err and "Did you mean: shared-core-cities" in err
    assert main([*root, "query", "--list"]) == 0
    assert "shared-core-cities" in capsys.readouterr().out


def test_parameter_types_name_classes_of_the_graph(project, kg):
    """A # param line's class (gd:City …) is a class the ontology defines, so names resolve."""
    from gdkg.label_search import LabelIndex
    from gdkg.names import expand
    from gdkg.query import LITERAL_KINDS

    classes = LabelIndex.of(kg).pool("http://www.w3.org/2002/07/owl#Class")
    for name, query in named_queries(project).items():
        for spec in query.specs.values():
            if spec.takes in LITERAL_KINDS or spec.takes in ("entity", "class"):
                continue
            assert str(expand(spec.takes)) in classes, (name, spec.name, spec.takes)
