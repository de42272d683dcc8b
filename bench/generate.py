"""Synthetic benchmark data for gdkg: enterprises, projects, platforms, figures and
city specialisations, consistent with the ontology and valid under the shapes.

    python bench/generate.py --triples 1000000 -o /tmp/bench-1m
    python bench/generate.py --triples 100000 -o data/ttl/bench     # part of the next build

The cities, clusters, sub-fields, roles, measures and units the synthetic entities
point at are read from the project's graph (SPARQL on build/), never from a table
here. Everything generated cites one synthetic document, ``src:synthetic-benchmark``,
defined in the first file, so no synthetic fact can pass for a fact of the sources.
Output is seeded (``--seed``) and deterministic: the same arguments give the same
bytes. Files hold at most ``--per-file`` triples each, so a user can `gdkg add` them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gdkg.project import Project  # noqa: E402
from gdkg.store import KnowledgeGraph  # noqa: E402

HEADER = """\
@prefix gd:      <https://w3id.org/gdkg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix src:     <https://w3id.org/gdkg/id/source/> .
@prefix syn:     <https://w3id.org/gdkg/id/source/synthetic-benchmark/> .
@prefix ent:     <https://w3id.org/gdkg/id/enterprise/> .
@prefix proj:    <https://w3id.org/gdkg/id/project/> .
@prefix plat:    <https://w3id.org/gdkg/id/platform/> .
@prefix fig:     <https://w3id.org/gdkg/id/figure/> .
@prefix spec:    <https://w3id.org/gdkg/id/specialisation/> .

"""

SOURCE = """\
# The synthetic document every generated fact cites (not one of the five sources).
src:synthetic-benchmark a gd:PolicyDocument ;
    gd:documentKey "synthetic-benchmark" ;
    dcterms:title "合成基准数据（非真实来源）"@zh , "Synthetic benchmark data (not a real source)"@en ;
    rdfs:label "合成基准数据"@zh , "synthetic benchmark data"@en ;
    dcterms:issued "2026-01-01"^^xsd:date .

syn:all a gd:DocumentSection ;
    rdfs:label "合成基准数据·全部"@zh , "synthetic benchmark data: all"@en ;
    gd:sectionPath "all" ;
    dcterms:isPartOf src:synthetic-benchmark .

"""

_CITIES = """SELECT ?c ?zh ?en WHERE { ?c a gd:City ; rdfs:label ?zh , ?en .
  FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } ORDER BY ?c"""
_SUBFIELDS = """SELECT ?sf ?k ?zh ?en WHERE { ?sf a gd:SubField ; gd:subFieldOf ?k ; rdfs:label ?zh , ?en .
  FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } ORDER BY ?sf"""
_CODES = """SELECT ?x WHERE { ?x a ?class } ORDER BY ?x"""


@dataclass
class Vocabulary:
    """What synthetic entities may point at, read from the graph."""

    cities: list[tuple[str, str, str]]
    subfields: list[tuple[str, str, str, str]]
    roles: list[str]
    measures: list[str]
    units: list[str]

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Vocabulary:
        def column(sparql: str, *names: str, **bindings) -> list[tuple[str, ...]]:
            from rdflib import URIRef

            terms = {k: URIRef(v) for k, v in bindings.items()}
            return [tuple(str(row[n]) for n in names) for row in kg.query(sparql, terms).rows]

        gd = "https://w3id.org/gdkg/ontology#"
        return cls(
            cities=column(_CITIES, "c", "zh", "en"),
            subfields=column(_SUBFIELDS, "sf", "k", "zh", "en"),
            roles=[r for (r,) in column(_CODES, "x", **{"class": gd + "EnterpriseRole"})],
            measures=[m for (m,) in column(_CODES, "x", **{"class": gd + "Measure"})
                      if m.endswith(("operating-revenue", "output-value", "added-value"))],
            units=[u for (u,) in column(_CODES, "x", **{"class": gd + "Unit"})
                   if u.endswith(("/yi-yuan", "/wan-yuan"))],
        )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def bundle(i: int, rng: random.Random, vocab: Vocabulary) -> tuple[str, int]:
    """One synthetic enterprise and, by chance, its project, platform, figure and
    city specialisation: Turtle text and its triple count."""
    city, city_zh, city_en = rng.choice(vocab.cities)
    sf, cluster, sf_zh, sf_en = rng.choice(vocab.subfields)
    ent = f"ent:syn-{i:07d}"
    out = [f"""{ent} a gd:Enterprise ;
    rdfs:label "{_escape(city_zh)}合成企业{i:07d}"@zh , "Synthetic firm {i:07d} ({_escape(city_en)})"@en ;
    gd:belongsToCluster <{cluster}> ;
    gd:belongsToSubField <{sf}> ;
    gd:locatedIn <{city}> ;
    gd:enterpriseRole <{rng.choice(vocab.roles)}> ;
    prov:wasDerivedFrom syn:all .
"""]
    triples = 8
    if rng.random() < 0.35:
        out.append(f"""proj:syn-{i:07d} a gd:Project ;
    rdfs:label "合成项目{i:07d}"@zh , "Synthetic project {i:07d}"@en ;
    gd:involvesEnterprise {ent} ;
    gd:belongsToSubField <{sf}> ;
    prov:wasDerivedFrom syn:all .
""")
        triples += 6
    if rng.random() < 0.25:
        out.append(f"""plat:syn-{i:07d} a gd:InnovationCentre ;
    rdfs:label "合成创新中心{i:07d}"@zh , "Synthetic innovation centre {i:07d}"@en ;
    gd:belongsToSubField <{sf}> ;
    gd:locatedIn <{city}> ;
    prov:wasDerivedFrom syn:all .
""")
        triples += 6
    if rng.random() < 0.5:
        year = rng.choice((2021, 2022, 2023, 2024))
        value = f"{rng.randint(1, 99999) / 10:.1f}"
        out.append(f"""fig:syn-{i:07d} a gd:Figure ;
    rdfs:label "合成企业{i:07d}营业收入{year}年"@zh , "Synthetic firm {i:07d} revenue {year}"@en ;
    gd:figureOf {ent} ;
    gd:measure <{rng.choice(vocab.measures)}> ;
    gd:value "{value}"^^xsd:decimal ;
    gd:unit <{rng.choice(vocab.units)}> ;
    gd:year "{year}"^^xsd:gYear ;
    gd:figureKind gd:Actual ;
    prov:wasDerivedFrom syn:all .
""")
        triples += 10
    if rng.random() < 0.2:
        zh, en = f"{city_zh}·{sf_zh}·合成{i:07d}", f"{city_en} · {sf_en} · synthetic {i:07d}"
        out.append(f"""spec:syn-{i:07d} a gd:CitySpecialisation ;
    rdfs:label "{_escape(zh)}"@zh , "{_escape(en)}"@en ;
    gd:specialisationCity <{city}> ;
    gd:specialisationSubField <{sf}> ;
    gd:focus "合成重点{i:07d}"@zh , "synthetic focus {i:07d}"@en ;
    prov:wasDerivedFrom syn:all .
""")
        triples += 8
    return "\n".join(out) + "\n", triples


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def generate(triples: int, out: Path, *, seed: int = 20261202, per_file: int = 50_000,
             start: int = 0, prefix: str = "synthetic", project: Project | None = None
             ) -> tuple[int, list[Path]]:
    """Write about ``triples`` synthetic triples into ``out``; returns (count, files).

    Entities are numbered from ``start``, so a second call with another start (and
    ``prefix``) adds new entities beside the first instead of repeating them."""
    project = project or Project.find(ROOT)
    vocab = Vocabulary.from_graph(KnowledgeGraph.open(project))
    if not (vocab.cities and vocab.subfields and vocab.roles and vocab.measures and vocab.units):
        raise SystemExit("the graph lacks cities, sub-fields or code lists to point at; run gdkg build")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    count, i = 0, start
    chunk, chunk_count = ([HEADER, SOURCE], 9) if start == 0 else ([HEADER], 0)
    while count < triples:
        text, n = bundle(i, rng, vocab)
        chunk.append(text)
        chunk_count += n
        count += n
        i += 1
        if chunk_count >= per_file or count >= triples:
            path = out / f"{prefix}-{len(files) + 1:04d}.ttl"
            _write(path, "".join(chunk))
            files.append(path)
            chunk, chunk_count = [HEADER], 0
    return count, files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example: python bench/generate.py --triples 100000 -o /tmp/b")
    parser.add_argument("--triples", type=int, required=True, help="about how many triples to write")
    parser.add_argument("-o", "--output", type=Path, required=True, help="directory for the Turtle files")
    parser.add_argument("--seed", type=int, default=20261202, help="random seed (default: fixed)")
    parser.add_argument("--per-file", type=int, default=50_000, help="triples per file at most (about)")
    parser.add_argument("--start", type=int, default=0,
                        help="number of the first entity (to add to an earlier generated set; the "
                             "synthetic source document is written only when 0)")
    parser.add_argument("--prefix", default="synthetic", help="file name prefix (default synthetic)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    count, files = generate(args.triples, args.output, seed=args.seed, per_file=args.per_file,
                            start=args.start, prefix=args.prefix)
    print(f"wrote {count} triples in {len(files)} files to {args.output} "
          f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
