"""One consistent CLI: help on every option, one language setting for every command,
✗ on a failed step, cached results shown, reasoner honoured, plurals, prefixes, init,
new CSV types, and clear exit-2 errors that change nothing."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import TURTLE_HEAD, copy_project, gdkg, tree
from gdkg.cli import _parser
from gdkg.language import count
from gdkg.namespaces import PREFIXES

CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands(parser: argparse.ArgumentParser, path=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def test_every_option_of_every_command_has_help():
    parser = _parser()
    missing = []
    for path, sub in [((), parser), *_commands(parser)]:
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if not (action.help and action.help.strip()):
                missing.append(f"gdkg {' '.join(path)} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing
    no_examples = [" ".join(path) for path, sub in _commands(parser) if "examples:" not in (sub.epilog or "")]
    assert not no_examples, no_examples


def test_every_command_takes_lang_without_a_default_of_its_own():
    for path, sub in _commands(_parser()):
        if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
            continue  # `import`: its csv and template sub-commands carry it
        langs = [a for a in sub._actions if a.dest == "lang"]
        assert len(langs) == 1 and langs[0].default is None, path
        assert "GDKG_LANG" in langs[0].help, path


def test_count_says_singular_and_plural():
    assert count(1, "violation") == "1 violation"
    assert count(0, "violation") == "0 violations"
    assert count(2, "entity") == "2 entities"
    assert count(1, "info") == "1 info" and count(12, "info") == "12 infos"
    assert count(3, "warning", "zh") == "3 个警告"


def test_language_from_gdkg_lang_and_lang(built, capsys, monkeypatch):
    root = built.project.root
    code, out, _ = gdkg(capsys, root, "build")
    assert code == 0 and "gdkg up to date (cached)" in out and "validation: conforms" in out
    monkeypatch.setenv("GDKG_LANG", "zh")
    code, out, _ = gdkg(capsys, root, "build")
    assert code == 0 and "gdkg 已是最新（缓存）" in out and "校验：符合" in out and "各类实例数" in out
    code, out, _ = gdkg(capsys, root, "build", "--lang", "en")
    assert "gdkg up to date (cached)" in out
    code, out, _ = gdkg(capsys, root, "--lang", "en", "build")
    assert "gdkg up to date (cached)" in out
    # labels follow the same setting: 附件 1's first column is 广州 / Guangzhou
    code, out, _ = gdkg(capsys, root, "matrix", "--format", "csv")
    assert out.splitlines()[0].split(",")[1] == "广州"
    monkeypatch.delenv("GDKG_LANG")
    code, out, _ = gdkg(capsys, root, "matrix", "--format", "csv")
    assert out.splitlines()[0].split(",")[1] == "Guangzhou"
    code, out, _ = gdkg(capsys, root, "stats", "--lang", "zh")
    assert "汽车" in out
    monkeypatch.setenv("GDKG_LANG", "fr")
    code, _, err = gdkg(capsys, root, "build")
    assert code == 2 and "GDKG_LANG='fr'" in err


def test_failed_step_is_marked_with_a_cross(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    (copy.root / "data/ttl/clusters/broken.ttl").write_text("city:x a gd:City .\n", encoding="utf-8")
    code, _, err = gdkg(capsys, copy.root, "build")
    assert code == 2
    failed = [line for line in err.splitlines() if line.startswith("✗ load")]
    assert len(failed) == 1 and "broken.ttl:1:" in failed[0]
    assert not any(line.startswith("✓ load") for line in err.splitlines())


def test_cached_nonconforming_build_lists_its_results(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    places = copy.root / "data/ttl/core/places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace('gd:adminCode "440100"', 'gd:adminCode "430100"'), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("city:guangzhou a "))
    code, out, err = gdkg(capsys, copy.root, "build", "--lang", "zh")
    assert code == 1 and "校验：不符合" in out
    assert "✓ 加载" in err and "✓ 推理（OWL RL" in err
    fresh = err[err.index("SHACL"):]
    code, out, err = gdkg(capsys, copy.root, "build")
    assert code == 1 and "gdkg up to date (cached)" in out and "does NOT conform" in out
    assert f"data/ttl/core/places.ttl:{line}: city:guangzhou\n  [violation] gd:adminCode:" in err
    assert '(value "430100")' in err
    assert "SHACL: does NOT conform" in err
    assert CJK.search(fresh)  # the fresh one was in Chinese, the cached one in English
    summary = next(row for row in out.splitlines() if "validation:" in row)
    for n, noun in re.findall(r"(\d+) (violations?|warnings?|infos?)", summary):
        assert noun.endswith("s") == (n != "1"), summary
    # a release of it says so, and records it
    code, _, err = gdkg(capsys, copy.root, "release", "-q", "-o", str(tmp_path / "rel"))
    assert code == 0 and "warning: this graph does not conform" in err
    from rdflib import Graph, URIRef

    void = Graph().parse(tmp_path / "rel/void.ttl", format="turtle")
    conforms = void.value(URIRef("https://w3id.org/gdkg/release/0.1.0#validation"),
                          URIRef("http://www.w3.org/ns/shacl#conforms"))
    assert conforms is not None and conforms.toPython() is False


def test_cache_of_another_reasoner_is_not_reused(built, tmp_path):
    pytest.importorskip("reasonable")
    from gdkg.pipeline import build

    copy = copy_project(built.project, tmp_path)
    shutil.copytree(built.project.build_dir, copy.build_dir)
    manifest = json.loads((copy.build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reasoner"] == "reasonable"
    assert build(copy).cached
    manifest["reasoner"] = "owlrl"  # as if built with --reasoner owlrl
    (copy.build_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert build(copy, engine="auto").cached  # auto takes either
    again = build(copy, engine="reasonable")
    assert not again.cached and again.reasoner == "reasonable"
    assert json.loads((copy.build_dir / "manifest.json").read_text(encoding="utf-8"))["reasoner"] == \
        "reasonable"


def test_prefixes_lists_the_predeclared_prefixes(capsys, tmp_path, monkeypatch):
    from rdflib import Graph

    monkeypatch.chdir(tmp_path)  # needs no project
    code, out, _ = gdkg(capsys, tmp_path / "nowhere", "prefixes")
    assert code == 0
    for name, namespace in PREFIXES.items():
        assert re.search(rf"^{re.escape(name)}:\s+{re.escape(namespace)}$", out, re.M), name
    code, out, _ = gdkg(capsys, tmp_path, "prefixes", "--format", "turtle")
    graph = Graph().parse(data=out + "city:guangzhou a gd:City .\n", format="turtle")
    assert len(graph) == 1
    code, out, _ = gdkg(capsys, tmp_path, "prefixes", "--format", "json")
    assert json.loads(out) == PREFIXES


def test_init_makes_a_project_and_refuses_a_non_empty_directory(tmp_path, capsys, monkeypatch):
    code, out, _ = gdkg(capsys, tmp_path, "init", str(tmp_path / "new"))
    assert code == 0 and "created a gdkg project" in out
    assert (tmp_path / "new/data/ttl/added").is_dir()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(tmp_path)
    code, out, err = gdkg(capsys, tmp_path, "init", str(busy))
    assert code == 2 and "not empty" in err and "nothing was written" in err and out == ""
    code, _, err = gdkg(capsys, tmp_path, "init", str(busy / "notes.txt"))
    assert code == 2 and "not a directory" in err
    code, _, err = gdkg(capsys, tmp_path, "init", str(tmp_path / "no/such/parent"))
    assert code == 2 and "does not exist" in err
    assert tree(tmp_path) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)  # `gdkg init .` keeps the directory (it is the cwd) and fills it
    code, out, _ = gdkg(capsys, tmp_path, "init", ".")
    assert code == 0 and out.rstrip().endswith("next: gdkg build")
    assert (empty / "ontology/gdkg.ttl").is_file() and Path.cwd() == empty
    assert sorted(p.name for p in empty.iterdir()) == [".gitignore", "data", "ontology", "queries", "shapes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty", "new"]


def test_wrong_root_and_read_only_bundle(tmp_path, capsys, monkeypatch):
    code, out, err = gdkg(capsys, tmp_path / "missing", "stats")
    assert code == 2 and "not a gdkg project" in err and "gdkg init" in err and out == ""
    from gdkg.project import bundled_sources

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GDKG_ROOT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    firm = tmp_path / "firm.ttl"
    firm.write_text(TURTLE_HEAD + "ent:x a gd:Enterprise .\n", encoding="utf-8")
    before = tree(bundled_sources() / "data")
    from gdkg.cli import main

    code = main(["add", str(firm)])
    err = capsys.readouterr().err
    assert code == 2 and "read-only" in err and "gdkg init DIR" in err
    assert tree(bundled_sources() / "data") == before


@pytest.mark.parametrize("kind, cells, expected", [
    # a new document: its key becomes src:<key>
    ("document", "id,key,title_zh,title_en,label_zh,label_en,issued,publisher\n"
                 ",test-plan-2024,测试规划,Test plan,测试规划简称,Test plan short,2024-01-15,省人民政府\n",
     ["src:test-plan-2024\n    a gd:PolicyDocument", 'dcterms:issued "2024-01-15"^^xsd:date',
      'gd:documentKey "test-plan-2024"', "dcterms:publisher dept:provincial-government"]),
    # a section of the 14th FYP is named in that document's namespace (fyp:)
    ("section", "part_of,section_path,label_zh,label_en\n"
                "src:mfg-plan-14th-fyp,box-99-item-1,001 专栏99 第1项,001 box 99 item 1\n",
     ["fyp:box-99-item-1\n    a gd:DocumentSection", "dcterms:isPartOf src:mfg-plan-14th-fyp",
      'gd:sectionPath "box-99-item-1"']),
    # 实验室 is gd:Laboratory's zh label (ontology/gdkg.ttl)
    ("platform", "label_zh,label_en,kind,clusters,located_in,source\n"
                 "测试实验室,Test Laboratory,实验室,半导体与集成电路,佛山,fyp:box-11-item-2\n",
     ["plat:test-laboratory\n    a gd:Laboratory ;", "gd:locatedIn city:foshan"]),
    ("department", "label_zh,label_en,source\n测试市工业局,Test City Industry Bureau,eap:notice\n",
     ["dept:test-city-industry-bureau\n    a gd:GovernmentDepartment"]),
])
def test_import_csv_of_the_new_types(built, tmp_path, capsys, kind, cells, expected):
    sheet = tmp_path / f"{kind}.csv"
    sheet.write_text(cells, encoding="utf-8")
    code, out, err = gdkg(capsys, built.project.root, "import", "csv", "--type", kind, str(sheet))
    assert code == 0, err
    for text in expected:
        assert text in out, (text, out)
    assert "conforms (0 violations" in err


def test_import_csv_bad_date_is_a_cell_error(built, tmp_path, capsys):
    sheet = tmp_path / "docs.csv"
    sheet.write_text("key,title_zh,title_en,label_zh,label_en,issued\n"
                     "x-plan,规划,Plan,规划,Plan,15/01/2024\n", encoding="utf-8")
    code, out, err = gdkg(capsys, built.project.root, "import", "csv", "--type", "document", str(sheet))
    assert code == 1 and out == ""
    assert "'15/01/2024' is not a date (YYYY-MM-DD" in err


def test_errors_in_the_chosen_language(tmp_path, capsys, monkeypatch):
    code, _, err = gdkg(capsys, tmp_path / "missing", "--lang", "zh", "stats")
    assert code == 2 and err.startswith("gdkg: 错误: ") and "不是 gdkg 项目" in err
    monkeypatch.setenv("GDKG_LANG", "zh")
    code, _, err = gdkg(capsys, tmp_path, "diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 2 and "文件或目录不存在" in err
    (tmp_path / "x").mkdir()
    code, _, err = gdkg(capsys, tmp_path, "init", str(tmp_path))
    assert code == 2 and "目录非空" in err and "未写入任何内容" in err


def test_unwritable_cache_is_a_clear_error(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GDKG_ROOT", raising=False)
    monkeypatch.delenv("GDKG_BUILD_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache would go inside a file
    from gdkg.cli import main

    code = main(["build", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "gdkg: error:" in err and "--build-dir" in err and "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "not a directory"
