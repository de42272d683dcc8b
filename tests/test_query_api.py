"""The notebook API of issue 9 item 3: QueryResult.to_records / to_dataframe, gdkg.describe, gdkg.search."""

import builtins
from decimal import Decimal

import pytest

import gdkg
from gdkg.query import named_queries, run


def test_to_records_gives_python_values(project, kg):
    # 附件 1: 云浮 is key (★★) for 汽车 and general (★) for 新一代电子信息
    result = run(kg, named_queries(project)["city-clusters"], {"city": "云浮"})
    records = result.to_records()
    assert len(records) == 8 and set(records[0]) == set(result.variables)
    by_cluster = {r["clusterZh"]: r for r in records}
    assert by_cluster["汽车"]["stars"] == 2 and isinstance(by_cluster["汽车"]["stars"], int)
    assert by_cluster["新一代电子信息"]["stars"] == 1
    assert by_cluster["汽车"]["cluster"] == "https://w3id.org/gdkg/id/cluster/automobiles"
    figures = run(kg, named_queries(project)["cluster-figures"], {"cluster": "绿色石化"}).to_records()
    assert Decimal("19619.2") in {f["value"] for f in figures}  # 003: 2023 revenue 19619.2 亿元


def test_to_dataframe(project, kg, monkeypatch):
    result = run(kg, named_queries(project)["cities-without-core"])
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="needs pandas.*pip install pandas"):
            result.to_dataframe()
    else:
        frame = result.to_dataframe()
        assert list(frame.columns) == result.variables and len(frame) == 4  # 汕尾 揭阳 潮州 云浮
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="QueryResult.to_dataframe\\(\\) needs pandas"):
        result.to_dataframe()


def test_gdkg_describe(built):
    description = gdkg.describe("湛江", project=built.project)
    assert description.iri == "https://w3id.org/gdkg/id/city/zhanjiang"
    assert (description.zh, description.en) == ("湛江", "Zhanjiang")
    hosted = {description.label_of(str(s.value)) for s in description.statements
              if s.predicate.endswith("#hostsSubField")}
    assert {"炼油石化", "核能", "海上风电"} <= hosted  # 001 专栏2 item 1, 专栏16 items 1 and 2
    assert all(s.sources for s in description.statements if s.predicate.endswith("#hostsSubField"))
    assert description.to_dict()["iri"] == description.iri
    with pytest.raises(ValueError, match="did you mean"):
        gdkg.describe("湛江江江", project=built.project)


def test_gdkg_search(built):
    matches = gdkg.search("东翼", project=built.project)
    assert matches[0].zh == "沿海经济带东翼" and matches[0].how == "contains"
    assert gdkg.search("新能原", "gd:IndustryCluster", project=built.project)[0].zh == "新能源"
    assert gdkg.search("Shenzhen", project=built.project)[0].iri.endswith("/city/shenzhen")
    assert "describe" in gdkg.__all__ and "search" in gdkg.__all__
