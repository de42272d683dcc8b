"""Render rows as aligned text, Markdown or CSV (CJK-width aware)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def render(header: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        from .safe_io import spreadsheet_cell  # no formula runs when the CSV is opened

        writer.writerow([spreadsheet_cell(h) for h in header])
        writer.writerows([[spreadsheet_cell(c) for c in row] for row in cells])
        return buffer.getvalue()
    if fmt == "md":
        escape = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in escape]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        widths = [display_width(h) for h in header]
        for row in cells:
            widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=False)]
        numeric = [all(c.replace(".", "", 1).isdigit() or c == "" for c in col)
                   for col in zip(*cells, strict=False)] if cells else [False] * len(header)
        def line(row: list[str]) -> str:
            padded = (_pad(c, w, n) for c, w, n in zip(row, widths, numeric, strict=False))
            return "  ".join(padded).rstrip()

        out = [line(list(header)), "  ".join("─" * w for w in widths)]
        out += [line(row) for row in cells]
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use table, md or csv")
