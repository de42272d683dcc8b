"""The Python API: every public function works when called again, takes a path or a
Project, is listed in gdkg.__all__ with a docstring; the README's notebook example runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import gdkg
from conftest import ROOT, TURTLE_HEAD, copy_project
from gdkg.project import Project

NEW_FIRM = TURTLE_HEAD + """
ent:api-test-robotics a gd:Enterprise ;
    rdfs:label "接口测试机器人公司"@zh , "API Test Robotics Co."@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    gd:locatedIn city:foshan ;
    prov:wasDerivedFrom fyp:box-2-item-1 .
"""


def test_all_is_public_and_documented():
    for name in gdkg.__all__:
        item = getattr(gdkg, name)
        assert item.__doc__ and item.__doc__.strip(), name
    for name in ("build", "open_graph", "matrix", "stats", "validate", "add", "release", "diff", "init"):
        assert name in gdkg.__all__
        assert callable(getattr(gdkg, name)), name


def test_each_function_twice_with_path_and_project(built):
    """The bug of issue 8: the second call found the submodule instead of the function."""
    root = built.project.root
    for where in (root, str(root), built.project, root):
        result = gdkg.build(where)
        assert result.cached and result.conforms
        # 附件 1 lists 10 pillar and 10 emerging clusters
        kg = gdkg.open_graph(where)
        rows = kg.query("SELECT ?c WHERE { ?c a gd:EmergingIndustryCluster }").rows
        assert len(rows) == 10
        table = gdkg.matrix("emerging", where)
        assert len(table.clusters) == 10 and len(table.cities) == 21 and not table.mismatches()
        report = gdkg.stats(where)
        assert report["totals"]["clusters"] == 20
        assert callable(gdkg.build) and callable(gdkg.matrix) and callable(gdkg.stats)


def test_validate_and_add_twice(built, tmp_path):
    copy = copy_project(built.project, tmp_path / "proj")
    # with build/ in place the graph's own validation is reused, as after `gdkg build`
    shutil.copytree(built.project.build_dir, copy.build_dir)
    first, second = tmp_path / "firm.ttl", tmp_path / "firm2.ttl"
    first.write_text(NEW_FIRM, encoding="utf-8")
    second.write_text(NEW_FIRM.replace("api-test-robotics", "api-test-robotics-two")
                      .replace("API Test Robotics Co.", "API Test Robotics Two Co.")
                      .replace("接口测试机器人公司", "接口测试机器人二公司"), encoding="utf-8")
    for where in (copy.root, copy):
        report = gdkg.validate(first, where)
        assert report.counts()["violation"] == 0 and report.new_subjects == 1
    broken = tmp_path / "broken.ttl"
    broken.write_text(NEW_FIRM.replace("gd:locatedIn city:foshan", "gd:locatedIn \"Foshan\""),
                      encoding="utf-8")
    refused = gdkg.add(broken, copy)
    assert refused.report.failing("violation") and not refused.added
    assert not (copy.data_dir / "added/broken.ttl").exists()
    added = gdkg.add(first, copy.root)
    assert added.added and added.destinations == [copy.data_dir / "added/firm.ttl"]
    again = gdkg.add([second], copy)
    assert again.added and (copy.data_dir / "added/firm2.ttl").read_text(encoding="utf-8") == \
        second.read_text(encoding="utf-8")


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "gdkg", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"gdkg {gdkg.__version__}"
    done = subprocess.run([sys.executable, "-m", "gdkg", "prefixes", "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and '"city": "https://w3id.org/gdkg/id/city/"' in done.stdout


def test_readme_notebook_example_runs(built, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(built.project.root)
    monkeypatch.delenv("GDKG_ROOT", raising=False)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "10 emerging clusters" in out
    assert f"{built.asserted} {built.inferred} True" in out
    assert "20 clusters," in out


def test_outside_a_project_the_bundled_graph_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GDKG_ROOT", raising=False)
    monkeypatch.delenv("GDKG_BUILD_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    found = Project.find()
    assert found.bundled and (found.root / "ontology/gdkg.ttl").is_file()
    assert found.build_dir == (tmp_path / "cache/gdkg" / gdkg.__version__ / "build").resolve()
    named = Project.find(build_dir=tmp_path / "mine")
    assert named.build_dir == (tmp_path / "mine").resolve()
    monkeypatch.setenv("GDKG_BUILD_DIR", str(tmp_path / "env"))
    assert Project.find().build_dir == (tmp_path / "env").resolve()


def test_init_copies_the_sources_with_an_empty_added_folder(tmp_path):
    made = gdkg.init(tmp_path / "mine")
    for name in ("ontology/gdkg.ttl", "shapes/core.ttl", "queries/cluster-city-matrix.rq",
                 "data/ttl/core/documents.ttl", "data/README.md"):
        assert (made.root / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert (made.root / "data/ttl/added").is_dir() and not any((made.root / "data/ttl/added").iterdir())
    assert not (made.root / "build").exists()
    assert Project.find(made.root).root == made.root
    assert {p.name for p in Path(tmp_path).iterdir()} == {"mine"}  # no staging left behind


def test_release_diff_and_init_twice(built, tmp_path):
    first = gdkg.release(built.project, tmp_path / "r1")
    second = gdkg.release(str(built.project.root), tmp_path / "r2")
    for a, b in ((first, second), (second, built.project.build_dir)):
        found = gdkg.diff(a, b)
        assert not found.changed and found.entities_added == [] and found.entities_removed == []
    assert gdkg.init(tmp_path / "p1").root != gdkg.init(tmp_path / "p2").root
