"""`gdkg build`: outputs, determinism, cache, located syntax errors."""

import re

from conftest import copy_project
from gdkg.cli import main
from gdkg.pipeline import build, is_fresh


def test_outputs_are_written_and_sorted(built):
    out = built.project.build_dir
    for name in ("asserted.ttl", "asserted.nt", "inferred.ttl", "inferred.nt", "validation.txt",
                 "manifest.json"):
        assert (out / name).is_file(), name
    for name in ("asserted.nt", "inferred.nt"):
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert lines == sorted(lines)
    assert built.asserted == len((out / "asserted.nt").read_text(encoding="utf-8").splitlines())
    assert built.inferred > 0


def test_turtle_outputs_parse_back_to_the_same_triples(built):
    from gdkg.load import load_triples

    out = built.project.build_dir
    for name in ("asserted", "inferred"):
        from_ttl = load_triples([out / f"{name}.ttl"])
        from_nt = load_triples([out / f"{name}.nt"])
        assert from_ttl == from_nt


def test_text_literals_made_directly_equal_rdflibs_own(project):
    """load.text_literal skips rdflib's constructor for parsed text: on every text literal of
    the bundled graph it must give the very term rdflib would (value, hash, n3, language)."""
    from rdflib import Literal

    from gdkg.load import load_triples, text_literal

    texts = {o for _, _, o in load_triples(project.graph_files())
             if isinstance(o, Literal) and o.datatype is None}
    assert len({o.language for o in texts}) >= 3  # zh, en and plain
    for o in texts:
        made, own = text_literal(str(o), o.language), Literal(str(o), lang=o.language)
        assert (made, hash(made), made.n3(), made.language, made.datatype) == \
            (own, hash(own), own.n3(), own.language, own.datatype)
        assert made.value == own.value and type(made.value) is type(own.value)
        assert made.eq(own) and not made.ill_typed


def test_two_builds_give_identical_bytes(project, tmp_path):
    first = build(copy_project(project, tmp_path / "a"), force=True).project.build_dir
    second = build(copy_project(project, tmp_path / "b"), force=True).project.build_dir
    for name in ("asserted.ttl", "asserted.nt", "inferred.ttl", "inferred.nt", "validation.txt"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_cache_is_reused_and_invalidated(project, tmp_path):
    copy = copy_project(project, tmp_path)
    build(copy)
    assert is_fresh(copy)
    again = build(copy)
    assert again.cached
    places = copy.root / "data/ttl/core/places.ttl"
    places.write_text(places.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert not is_fresh(copy)
    assert not build(copy).cached


def test_summary_lists_counts_validation_and_timings(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    code = main(["--root", str(copy.root), "build", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(r"triples: \d+ asserted, \d+ inferred", out)
    assert re.search(r"gd:City\s+21\b", out)
    assert re.search(r"gd:IndustryCluster\s+20\b", out)
    assert "validation: conforms" in out
    assert re.search(r"time: load .* s, reason .* s", out)


def test_syntax_error_names_file_and_line(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    bad = copy.root / "data/ttl/clusters/broken.ttl"
    bad.write_text('@prefix gd: <https://w3id.org/gdkg/ontology#> .\n'
                   '<https://w3id.org/gdkg/id/city/x> a gd:City ;\n'
                   '    gd:adminCode "440100" \n'
                   '<https://w3id.org/gdkg/id/city/y> a gd:City .\n', encoding="utf-8")
    code = main(["--root", str(copy.root), "build", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "data/ttl/clusters/broken.ttl:4:" in err
    assert "dot is expected" in err
    assert "Traceback" not in err
    assert not (copy.root / "build").exists(), "a failed build must not write build/"


def test_undeclared_prefix_gets_a_hint(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    (copy.root / "data/ttl/clusters/broken.ttl").write_text("city:x a gd:City .\n", encoding="utf-8")
    assert main(["--root", str(copy.root), "build", "-q"]) == 2
    err = capsys.readouterr().err
    assert "data/ttl/clusters/broken.ttl:1:" in err
    assert "hint: add '@prefix city: <https://w3id.org/gdkg/id/city/> .'" in err
    assert "`gdkg prefixes` lists the predeclared prefixes" in err


def test_help_has_examples(capsys):
    for argv in (["--help"], ["build", "--help"], ["matrix", "--help"], ["query", "--help"],
                 ["stats", "--help"]):
        try:
            main(argv)
        except SystemExit as stop:
            assert stop.code == 0
        assert "examples:" in capsys.readouterr().out, argv


def test_violation_fails_the_build_and_is_reported(project, tmp_path, capsys):
    copy = copy_project(project, tmp_path)
    places = copy.root / "data/ttl/core/places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace('gd:adminCode "440100"', 'gd:adminCode "430100"'), encoding="utf-8")
    code = main(["--root", str(copy.root), "build", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "validation: does NOT conform" in captured.out
    assert "city:guangzhou\n  [violation] gd:adminCode:" in captured.err
    assert '(value "430100")' in captured.err
    assert "more (see build/validation.txt)" not in captured.err  # all violations are shown
    assert re.search(r"\(\d+ results below warning: see build/validation.txt\)", captured.err)
    assert (copy.root / "build/validation.txt").read_text(encoding="utf-8").startswith(
        "SHACL: does NOT conform")
