"""`gdkg matrix` reproduces both tables of 附件 1 (001) cell by cell.

The expected tables below were transcribed by hand from the two tables of
附件 1 in shared/seeds/001 (★★★ → 3, ★★ → 2, ★ → 1, blank → "."; the
second table prints core as ★★★★, also 3). Row and column totals are the
ones printed in the document.
"""

import csv
import io

import pytest

from gdkg.cli import main

CITIES = ("广州 深圳 珠海 佛山 东莞 惠州 中山 江门 肇庆 汕头 汕尾 揭阳 潮州 "
          "湛江 茂名 阳江 韶关 梅州 河源 清远 云浮").split()

PILLAR = {
    "新一代电子信息": ("3 3 3 2 3 3 1 2 1 2 1 . 1 . . . . 1 2 . 1", 15),
    "绿色石化": ("3 2 2 2 2 3 1 1 1 2 1 2 . 3 3 . . . . 1 .", 15),
    "智能家电": ("2 2 3 3 . 2 2 3 . 1 . . . 2 . . . . . . .", 9),
    "汽车": ("3 3 2 3 2 2 1 2 2 . 1 . . 2 1 . 1 1 1 1 2", 17),
    "先进材料": ("3 2 2 3 2 2 1 1 2 2 1 . . 3 2 2 2 2 2 2 2", 19),
    "现代轻工纺织": ("2 1 1 3 3 1 3 3 1 3 1 2 2 3 1 2 . 1 1 . 1", 19),
    "软件与信息服务": ("3 3 3 2 3 2 2 2 . 2 . . . 1 . . . . . . .", 10),
    "超高清视频显示": ("3 3 . 2 2 3 2 2 . . . . . . . . . . . . .", 7),
    "生物医药与健康": ("3 3 3 2 2 2 3 3 2 3 1 2 1 2 2 2 1 1 1 1 2", 21),
    "现代农业与食品": ("3 2 2 3 2 3 3 3 3 3 2 2 2 3 3 3 3 3 3 3 2", 21),
}
PILLAR_COLUMNS = "10 10 9 10 9 10 10 10 7 8 7 4 4 8 6 4 4 6 6 5 6"

EMERGING = {
    "半导体与集成电路": ("3 3 3 2 2 1 1 2 1 . 1 . . . . . . . 1 . .", 11),
    "高端装备制造": ("3 3 3 2 2 1 2 3 1 3 1 1 . 1 . 2 2 . . . .", 15),
    "智能机器人": ("3 3 2 3 2 1 2 3 1 1 . 1 1 1 . . . . . . .", 13),
    "区块链与量子信息": ("3 3 2 2 2 . 1 1 1 . . . . . . . . . . . .", 8),
    "前沿新材料": ("3 3 3 3 3 2 . 2 2 2 . . 1 2 . 2 2 1 1 2 .", 16),
    "新能源": ("3 3 2 3 3 2 2 2 . 2 1 1 . 3 . 3 . . . . 1", 14),
    "激光与增材制造": ("3 3 2 2 2 1 2 3 . 1 . 1 1 . . 1 . . 1 . .", 13),
    "数字创意": ("3 3 2 2 2 . 1 1 . 2 . . . . . . . . . . .", 8),
    "安全应急与环保": ("3 3 2 3 2 1 1 3 1 2 1 . 1 1 1 . 2 1 1 2 .", 18),
    "精密仪器设备": ("3 3 3 3 2 2 2 2 2 2 . . 1 1 1 . 2 1 2 1 1", 18),
}
EMERGING_COLUMNS = "10 10 10 10 10 8 9 10 7 8 4 4 5 6 2 4 4 3 5 3 2"

TABLES = {"pillar": (PILLAR, PILLAR_COLUMNS), "emerging": (EMERGING, EMERGING_COLUMNS)}


def run_matrix(built, capsys, *args) -> str:
    """The table with the labels of the document (Chinese) unless ``args`` say otherwise."""
    code = main(["--root", str(built.project.root), "--lang", "zh", "matrix", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


@pytest.mark.parametrize("kind", ["pillar", "emerging"])
def test_csv_equals_document_in_every_cell_and_total(built, capsys, kind):
    expected_rows, _ = TABLES[kind]
    rows = list(csv.reader(io.StringIO(run_matrix(built, capsys, "--kind", kind, "--format", "csv"))))
    assert rows[0] == ["cluster", *CITIES, "total"]
    assert [r[0] for r in rows[1:]] == list(expected_rows)
    for row in rows[1:]:
        cells, total = expected_rows[row[0]]
        assert row[1:22] == [("" if c == "." else c) for c in cells.split()], row[0]
        assert row[22] == str(total), row[0]


@pytest.mark.parametrize("kind", ["pillar", "emerging"])
def test_column_totals_equal_document(built, capsys, kind):
    _, columns = TABLES[kind]
    out = run_matrix(built, capsys, "--kind", kind, "--format", "md")
    column_row = next(line for line in out.splitlines() if line.startswith("| (column total)"))
    cells = [c.strip() for c in column_row.strip("|").split("|")][1:22]
    assert cells == columns.split()
    assert "合计：全部 31 个行、列合计与附件 1 所列合计一致" in out
    english = run_matrix(built, capsys, "--kind", kind, "--format", "md", "--lang", "en")
    assert "totals: all 31 row and column totals match the declared totals" in english


def test_declared_totals_mismatch_is_reported(built, capsys, tmp_path):
    """Drop one designation: the closing line must name the row and column that no longer add up."""
    from conftest import copy_project

    copy = copy_project(built.project, tmp_path)
    layout = copy.root / "data/ttl/core/layout.ttl"
    text = layout.read_text(encoding="utf-8")
    start = text.index("desig:automobiles--yunfu a gd:Designation")
    end = text.index("\n\n", start)
    layout.write_text(text[:start] + text[end + 2:], encoding="utf-8")
    code = main(["--root", str(copy.root), "matrix", "--kind", "pillar", "--lang", "zh"])
    out = capsys.readouterr().out
    assert code == 1
    assert "汽车：计算得 16 个城市，附件 1 列 17 个" in out
    assert "云浮：计算得 5 个集群，附件 1 列 6 个" in out
    code = main(["--root", str(copy.root), "matrix", "--kind", "pillar"])
    out = capsys.readouterr().out
    assert code == 1
    assert "汽车: 16 cities computed, 17 declared" in out
    assert "云浮: 5 clusters computed, 6 declared" in out


def test_english_labels(built, capsys):
    out = run_matrix(built, capsys, "--kind", "emerging", "--lang", "en")
    assert "Guangzhou" in out and "Semiconductors and Integrated Circuits" in out
