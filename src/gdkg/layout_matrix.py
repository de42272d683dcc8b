"""The cluster × city table of 附件 1, rebuilt from the graph."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from .namespaces import GD
from .project import Project
from .query import get_query, run
from .store import KnowledgeGraph
from .tables import render

KINDS = {"pillar": GD.PillarIndustryCluster, "emerging": GD.EmergingIndustryCluster}


@dataclass
class Matrix:
    kind: str
    clusters: list[tuple[str, str, str]]  # (iri, zh, en) in table order
    cities: list[tuple[str, str, str]]
    stars: dict[tuple[str, str], int]
    declared: dict[str, int]  # iri → declared total (rows and columns)

    def row_total(self, cluster: str) -> int:
        return sum(1 for city, _, _ in self.cities if (cluster, city) in self.stars)

    def column_total(self, city: str) -> int:
        return sum(1 for cluster, _, _ in self.clusters if (cluster, city) in self.stars)

    def mismatches(self, lang: str = "en") -> list[str]:
        """Totals computed from the designations that differ from the printed ones."""
        problems = []
        for items, total, noun_zh, noun_en in ((self.clusters, self.row_total, "城市", "cities"),
                                               (self.cities, self.column_total, "集群", "clusters")):
            for iri, zh, _ in items:
                declared, computed = self.declared.get(iri), total(iri)
                if declared is not None and declared != computed:
                    problems.append(f"{zh}：计算得 {computed} 个{noun_zh}，附件 1 列 {declared} 个"
                                    if lang == "zh" else
                                    f"{zh}: {computed} {noun_en} computed, {declared} declared")
        return problems

    def rows(self, lang: str = "zh") -> tuple[list[str], list[list[object]]]:
        pick = 1 if lang == "zh" else 2
        header = ["cluster"] + [city[pick] for city in self.cities] + ["total"]
        rows = []
        for cluster in self.clusters:
            cells = [self.stars.get((cluster[0], city[0])) for city in self.cities]
            rows.append([cluster[pick], *cells, self.row_total(cluster[0])])
        return header, rows

    def render(self, fmt: str = "table", lang: str = "zh") -> str:
        header, rows = self.rows(lang)
        text = render(header, rows, fmt)
        if fmt == "csv":
            return text
        checked = len(self.clusters) + len(self.cities)
        problems = self.mismatches(lang)
        if problems and lang == "zh":
            closing = "合计：与附件 1 所列合计不符：" + "；".join(problems)
        elif lang == "zh":
            closing = f"合计：全部 {checked} 个行、列合计与附件 1 所列合计一致"
        elif problems:
            closing = "totals: MISMATCH with the declared totals: " + "; ".join(problems)
        else:
            closing = (f"totals: all {checked} row and column totals match the declared totals of "
                       "附件 1")
        column = ["(column total)"] + [self.column_total(c[0]) for c in self.cities] + [""]
        if fmt == "md":
            text += "| " + " | ".join(str(c) for c in column) + " |\n"
            return text + f"\n{closing}\n"
        return render(header, rows + [column], fmt) + closing + "\n"


def matrix(kind: str = "pillar", kg: KnowledgeGraph | None = None,
           project: Project | None = None) -> Matrix:
    """Build the matrix for ``kind`` ("pillar" or "emerging") from the reasoned graph."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use pillar or emerging")
    project = project or Project.find()
    kg = kg or KnowledgeGraph.open(project)
    kind_iri = URIRef(KINDS[kind])
    result = run(kg, get_query(project, "cluster-city-matrix"), {"kind": str(kind_iri)})
    clusters: dict[str, tuple[int, str, str]] = {}
    cities: dict[str, tuple[int, str, str]] = {}
    stars: dict[tuple[str, str], int] = {}
    for row in result.rows:
        cluster, city = str(row["cluster"]), str(row["city"])
        clusters[cluster] = (int(row["clusterOrder"]), str(row["clusterZh"]), str(row["clusterEn"]))
        cities[city] = (int(row["cityOrder"]), str(row["cityZh"]), str(row["cityEn"]))
        if row["stars"] is not None:
            stars[(cluster, city)] = int(row["stars"])
    declared = {
        str(row["subject"]): int(row["declared"])
        for row in run(kg, get_query(project, "declared-totals"), {"kind": str(kind_iri)}).rows
    }
    return Matrix(kind, _in_order(clusters), _in_order(cities), stars, declared)


def _in_order(table: dict[str, tuple[int, str, str]]) -> list[tuple[str, str, str]]:
    """(iri, zh, en) sorted by their order in 附件 1."""
    return [(iri, zh, en) for iri, (_, zh, en) in sorted(table.items(), key=lambda item: item[1][0])]
