"""`gdkg analyze` (md, html, json), the figures and their CJK font, and bad input to
`gdkg export` / `gdkg analyze`: a clear message, exit 2, no traceback, nothing half-written."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import gdkg
from gdkg.network.analysis_report import analyze
from gdkg.network.gephi_export import ExportError, write_files

pytest.importorskip("matplotlib", reason="figures need the plot extra (in the test extra)")


@pytest.fixture(scope="module")
def drawn(network_source):
    """The figures in Chinese, PNG and SVG, drawn once for the tests below (each drawing takes seconds)."""
    from gdkg.network.figures import render_figures

    return render_figures(network_source, "zh")


@pytest.fixture(scope="module")
def report(network_source) -> dict:
    return json.loads(analyze(fmt="json", figures=False, source=network_source))


def _names(report: dict) -> dict[str, str]:
    return {labels["zh"]: node for node, labels in report["labels"].items()}


def test_json_report_has_every_table_with_its_explanation(report):
    assert set(report["summary"]) == {"bipartite", "city", "cluster", "chain", "kg"}
    assert report["summary"]["city"]["nodes"] == 21 and report["summary"]["cluster"]["nodes"] == 20
    assert len(report["centrality"]["city"]) == 21
    strengths = [row["strength"] for row in report["centrality"]["city"]]
    assert strengths == sorted(strengths, reverse=True)
    for key in ("summary", "centrality", "communities", "bridges", "similarity", "completeness", "gaps"):
        assert report["how"][key]["zh"] and report["how"][key]["en"]
    # the four zones of 附件 1's column groups: 6 pairs, every one bridged in the city graph
    assert len(report["zone_bridges"]["totals"]) == 6
    places = {row["place"] for row in report["chain_completeness"] if row["place_kind"] == "zone"}
    assert len(places) == 4


def test_report_gap_dongguan_refining(report):
    # 专栏 2: 东莞 hosts 高端精细化学品和化工新材料 (item 2) but not 炼油石化
    # (item 1: 广州 惠州 湛江 茂名 揭阳);
    # of those five, 广州 is the nearest to 东莞 (both at the Pearl River mouth; the others are 70+ km on).
    names = _names(report)
    gaps = [g for g in report["chain_gaps"]
            if g["place"] == names["东莞"] and g["upstream"] == names["炼油石化"]]
    assert len(gaps) == 1
    assert gaps[0]["nearest"][0]["city"] == names["广州"]
    hosts = {names[c] for c in ("广州", "惠州", "湛江", "茂名", "揭阳")}
    assert {s["city"] for s in gaps[0]["nearest"]} <= hosts


def test_html_report_is_self_contained(network_source, drawn, tmp_path):
    out = tmp_path / "report.html"
    body = analyze(fmt="html", output=out, source=network_source, lang="zh", rendered=drawn).decode("utf-8")
    assert out.read_text(encoding="utf-8") == body
    images = re.findall(r'<img [^>]*src="([^"]+)"', body)
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(https?:)?//', body)
    assert "<link" not in body and "<script" not in body
    assert "产业链完整度" in body and "北部生态发展区" in body


def test_markdown_report_links_its_figures(network_source, drawn, tmp_path):
    out = tmp_path / "net.md"
    text = analyze(fmt="md", output=out, source=network_source, lang="zh", rendered=drawn).decode("utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == 5
    assert all((tmp_path / link).is_file() for link in links)
    assert sorted(p.suffix for p in (tmp_path / "net-figures").iterdir()) == [".png"] * 5 + [".svg"] * 5
    assert "产业链完整度" in text and "广州" in text


def _missing_glyphs(rendered) -> set[str]:
    from fontTools.ttLib import TTFont

    with TTFont(str(rendered.font), fontNumber=0) as font:
        cmap = font.getBestCmap()
    return {ch for text in rendered.texts for ch in text if not ch.isspace() and ord(ch) not in cmap}


def test_figure_labels_are_all_in_the_font(drawn):
    assert drawn.warnings == []  # matplotlib warns "Glyph … missing from font(s)" otherwise
    assert _missing_glyphs(drawn) == set()
    # the labels really are Chinese: city, cluster and sub-field names from the graph
    assert {"广州", "湛江", "新一代电子信息", "炼油石化", "珠三角核心区"} <= drawn.texts
    names = ("annex1-pillar", "annex1-emerging", "city-network", "cluster-network", "chain-graph")
    assert {f"{n}.{fmt}" for n in names for fmt in ("png", "svg")} == set(drawn.files)
    for name, data in drawn.files.items():
        assert data[:8] == b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"<svg" in data[:500]


def test_english_figure_labels_are_in_the_font(network_source):
    from gdkg.network.figures import render_figures

    rendered = render_figures(network_source, "en", formats=("png",), only=("annex1-pillar", "city-network"))
    assert rendered.warnings == [] and _missing_glyphs(rendered) == set()
    assert {"Guangzhou", "Zhanjiang"} <= rendered.texts


def test_figures_are_reproducible(network_source, drawn):
    from gdkg.network.figures import render_figures

    again = render_figures(network_source, "zh", only=("cluster-network",))
    before = {name: data for name, data in drawn.files.items() if name.startswith("cluster-network")}
    assert again.files == before


# ---------------------------------------------------------------- bad input

def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and err.startswith("gdkg: error:")


@pytest.mark.parametrize(("args", "expected"), [
    (["export", "--graph", "ctiy"], "unknown graph kind 'ctiy'.*Did you mean city"),
    (["export", "--graph", "city", "--format", "gexff"], "unknown format 'gexff'.*Did you mean gexf"),
    (["export", "--graph", "city", "--format", "pajek"], "choose one of gexf, graphml, csv, json"),
    (["analyze", "--format", "pdf"], "unknown report format 'pdf'"),
])
def test_unknown_kind_or_format(capsys, built, args, expected):
    code, out, err = gdkg(capsys, built.project.root, *args)
    assert code == 2 and out == ""
    _no_traceback(err)
    assert re.search(expected, err), err


def test_unwritable_output(capsys, built, tmp_path):
    missing = tmp_path / "no" / "such" / "city.gexf"
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "city", "-o", str(missing))
    assert code == 2 and "does not exist" in err
    _no_traceback(err)
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "city", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, _, err = gdkg(capsys, built.project.root, "analyze", "--no-figures", "-o", str(blocker / "r.md"))
    assert code == 2
    _no_traceback(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_a_failing_file_leaves_no_other_file(tmp_path):
    # csv is two files: if the second cannot be written, the first must not appear either
    good, bad = tmp_path / "a-nodes.csv", tmp_path / "missing" / "a-edges.csv"
    with pytest.raises(ExportError):
        write_files({good: b"Id,Label\n", bad: b"Source,Target\n"})
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_whole(capsys, built, tmp_path):
    out = tmp_path / "cluster.json"
    out.write_text("old")
    code, _, err = gdkg(capsys, built.project.root, "export", "--graph", "cluster", "--format", "json",
                        "-o", str(out), "-q")
    assert code == 0, err
    assert len(json.loads(out.read_text(encoding="utf-8"))["nodes"]) == 20
    assert [p.name for p in tmp_path.iterdir()] == ["cluster.json"]  # no temporary left behind


def test_missing_plot_extra(capsys, built, network_source, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib → ImportError
    out = tmp_path / "report.html"
    code, _, err = gdkg(capsys, built.project.root, "analyze", "--format", "html", "-o", str(out))
    assert code == 2
    _no_traceback(err)
    assert "pip install 'gdkg[plot]'" in err and "--no-figures" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # without figures the report needs no plot extra
    analyze(fmt="html", output=out, figures=False, source=network_source)
    assert "<img" not in out.read_text(encoding="utf-8")
