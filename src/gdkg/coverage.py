"""Coverage report: what the graph holds per cluster, and whether every fact is sourced."""

from __future__ import annotations

from collections import Counter

from rdflib import URIRef
from rdflib.namespace import RDF

from .load import load_triples
from .namespaces import GD, PROV
from .project import Project
from .query import get_query, run
from .store import KnowledgeGraph
from .tables import render

_COUNTS = ("subfields", "specialisations", "directions", "enterprises", "projects", "platforms",
           "figures", "chainLinks")


def stats(kg: KnowledgeGraph | None = None, project: Project | None = None) -> dict:
    """Per-cluster coverage and the share of sourced subjects, as a JSON-ready dict."""
    project = project or Project.find()
    kg = kg or KnowledgeGraph.open(project)
    clusters: dict[str, dict] = {}
    for row in run(kg, get_query(project, "cluster-coverage")).rows:
        entry = {"iri": str(row["cluster"]), "label_zh": str(row["zh"]), "label_en": str(row["en"]),
                 "kind": str(row["kind"]), "subfields": []}
        entry.update({_snake(name): int(row[name]) for name in _COUNTS if name != "subfields"})
        clusters[str(row["cluster"])] = entry
    subfields: dict[str, dict] = {}
    for row in run(kg, get_query(project, "subfield-cities")).rows:
        cluster = clusters[str(row["cluster"])]
        key = str(row["subfield"])
        if key not in subfields:
            subfields[key] = {"iri": key, "item": int(row["item"]), "label_zh": str(row["subfieldZh"]),
                              "label_en": str(row["subfieldEn"]), "cities": []}
            cluster["subfields"].append(subfields[key])
        city = row["cityZh"]
        if city is not None and str(city) not in subfields[key]["cities"]:
            subfields[key]["cities"].append(str(city))
    for cluster in clusters.values():
        cluster["cities"] = len({c for sf in cluster["subfields"] for c in sf["cities"]})
    sourced, total, unsourced = sourced_subjects(project)
    return {
        "clusters": list(clusters.values()),
        "totals": {
            "clusters": len(clusters),
            "subfields": len(subfields),
            **{_snake(name): sum(c[_snake(name)] for c in clusters.values())
               for name in _COUNTS if name != "subfields"},
        },
        "subjects": total,
        "sourced_subjects": sourced,
        "sourced_fraction": round(sourced / total, 4) if total else 1.0,
        "unsourced": unsourced[:20],
        "instances": instance_counts(kg),
    }


def sourced_subjects(project: Project) -> tuple[int, int, list[str]]:
    """(subjects with prov:wasDerivedFrom, subjects, the first unsourced) over data/ttl/.

    Documents and their sections are the sources themselves and are not counted."""
    triples = load_triples(project.data_files())
    sources = {s for s, p, o in triples if p == RDF.type and o in (GD.PolicyDocument, GD.DocumentSection)}
    subjects = {s for s, _, _ in triples if isinstance(s, URIRef)} - sources
    with_source = {s for s, p, _ in triples if p == PROV.wasDerivedFrom}
    missing = sorted(str(s) for s in subjects - with_source)
    return len(subjects) - len(missing), len(subjects), missing


_INSTANCES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), "https://w3id.org/gdkg/ontology#"))
} GROUP BY ?class"""


def instance_counts(kg: KnowledgeGraph) -> dict[str, int]:
    counts = Counter({"gd:" + str(r["class"]).split("#", 1)[1]: int(r["n"])
                      for r in kg.query(_INSTANCES).rows})
    return dict(sorted(counts.items()))


def _snake(name: str) -> str:
    return "chain_links" if name == "chainLinks" else name


def render_stats(report: dict, lang: str = "zh") -> str:
    label = "label_zh" if lang == "zh" else "label_en"
    header = ["cluster", "kind", "sub-fields", "cities", "specialisations", "directions",
              "enterprises", "projects", "platforms", "figures", "chain links"]
    rows = [[c[label], c["kind"], len(c["subfields"]), c["cities"], c["specialisations"],
             c["directions"], c["enterprises"], c["projects"], c["platforms"], c["figures"],
             c["chain_links"]] for c in report["clusters"]]
    text = render(header, rows, "table")
    if lang == "zh":
        text += (f"\n有来源：data/ttl 中 {report['subjects']} 个主体里有 {report['sourced_subjects']} 个带 "
                 f"prov:wasDerivedFrom（比例 {report['sourced_fraction']}）\n")
    else:
        text += (f"\nsourced: {report['sourced_subjects']} of {report['subjects']} subjects in data/ttl "
                 f"carry prov:wasDerivedFrom (fraction {report['sourced_fraction']})\n")
    if report["unsourced"]:
        text += ("无来源：" if lang == "zh" else "unsourced: ") + ", ".join(report["unsourced"]) + "\n"
    return text
