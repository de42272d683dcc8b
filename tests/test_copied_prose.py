"""No copied prose: no literal in data/ttl/ repeats 25 or more consecutive characters of a source.

The five source texts (seeds/README.md) give facts, figures and names; their sentences stay
out of the project. This reads the seeds from ``../shared/seeds`` beside the project root
(or the first ``shared/seeds`` found further up, as for a git worktree, or ``$GDKG_SEEDS``),
removes all whitespace from both sides (the seeds break lines and pad figures with spaces:
"2025 年"), and fails on any literal sharing a run of 25 characters with one of them.

Names and titles may be long and are carried over by the conventions: the explicit
``NAMES`` allow-list below holds each such string; an allow-listed name is cut out of a
literal before the comparison, so prose around it is still checked. Each entry must still
occur in the data and in a source (no stale entries).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal

RUN = 25

#: Long names and titles that are carried over verbatim: document titles and the titles of
#: the action plans the sources quote.
NAMES = (
    "广东省人民政府关于培育发展战略性支柱产业集群和战略性新兴产业集群的意见",
    "《关于培育发展战略性支柱产业集群和战略性新兴产业集群的意见》解读",
    "广东省发展新一代电子信息战略性支柱产业集群行动计划（2021—2025年）",
    "《关于进一步推动广东生物医药产业高质量发展的行动方案》",
    "《广东省培育半导体及集成电路战略性新兴产业集群行动计划(2023-2025年)》",
)


def seeds_dir(root: Path) -> Path | None:
    """The seed folder: $GDKG_SEEDS, else ../shared/seeds, else shared/seeds of an ancestor."""
    if os.environ.get("GDKG_SEEDS"):
        return Path(os.environ["GDKG_SEEDS"])
    for ancestor in root.resolve().parents:
        candidate = ancestor / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def source_runs(texts: dict[str, str], length: int = RUN) -> dict[str, str]:
    """Every run of ``length`` characters of the (squeezed) sources -> the file it is in."""
    runs: dict[str, str] = {}
    for name, text in texts.items():
        text = squeeze(text)
        for i in range(len(text) - length + 1):
            runs.setdefault(text[i:i + length], name)
    return runs


def copied_run(literal: str, runs: dict[str, str], names=NAMES, length: int = RUN) -> str | None:
    """The first run of ``literal`` (names cut out) found in a source, or None."""
    text = squeeze(literal)
    for name in names:
        text = text.replace(squeeze(name), "\0")
    for i in range(len(text) - length + 1):
        if text[i:i + length] in runs:
            return text[i:i + length]
    return None


@pytest.fixture(scope="module")
def sources(project) -> dict[str, str]:
    folder = seeds_dir(project.root)
    if folder is None or not folder.is_dir():
        pytest.skip("no seed folder (../shared/seeds beside the project, or $GDKG_SEEDS): cannot compare")
    texts = {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.glob("0*.txt"))}
    if not texts:
        pytest.skip(f"{folder} holds no source texts (0*.txt)")
    return texts


@pytest.fixture(scope="module")
def runs(sources) -> dict[str, str]:
    return source_runs(sources)


@pytest.fixture(scope="module")
def literals(project) -> list[tuple[str, str, str]]:
    """(file, predicate, text) of every literal in data/ttl/."""
    found = []
    for path in sorted((project.root / "data" / "ttl").rglob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for _, predicate, obj in graph:
            if isinstance(obj, Literal):
                found.append((str(path.relative_to(project.root)), graph.qname(predicate), str(obj)))
    return found


def test_the_detector_finds_a_copied_run_and_tolerates_a_shorter_one():
    source = {"s.txt": "甲乙丙丁戊己庚辛壬癸" * 3}
    runs = source_runs(source, length=10)
    assert copied_run("前言 甲乙丙丁戊\n己庚辛壬癸 后记", runs, names=(), length=10) == "甲乙丙丁戊己庚辛壬癸"
    assert copied_run("甲乙丙丁戊己庚辛壬", runs, names=(), length=10) is None
    # an allow-listed name is cut out, so it cannot make a run with its neighbours
    assert copied_run("甲乙丙丁戊己庚辛壬癸", runs, names=("丁戊",), length=10) is None


def test_no_literal_repeats_a_source_run(literals, runs):
    copied = [f"{file}: {predicate} shares {run!r} with {runs[run]}: {text[:80]!r}"
              for file, predicate, text in literals
              if (run := copied_run(text, runs)) is not None]
    assert not copied, (f"{len(copied)} literal(s) repeat {RUN}+ characters of a source; rewrite them in "
                        "the project's own words or as a structured list (or allow-list a name):\n"
                        + "\n".join(copied))


def test_every_allow_listed_name_is_used_and_printed(literals, sources):
    in_data = " ".join(squeeze(text) for _, _, text in literals)
    in_sources = " ".join(squeeze(text) for text in sources.values())
    stale = [name for name in NAMES if squeeze(name) not in in_data]
    runs_of = [(name, squeeze(name)) for name in NAMES]
    unneeded = [name for name, text in runs_of
                if not any(text[i:i + RUN] in in_sources for i in range(len(text) - RUN + 1))]
    assert not stale, f"allow-listed names no literal uses any more: {stale}"
    assert not unneeded, f"allow-listed names that share no {RUN}-character run with a source: {unneeded}"
