"""Benchmark the conflict checks: `gdkg conflicts` and what shapes/conflicts.ttl adds to SHACL.

Usage:  python bench/conflicts.py [--runs 5]

Reported (minimum over --runs, so other load on the machine counts least):
  - each SPARQL constraint of shapes/conflicts.ttl on the asserted graph with rdflib, as
    pySHACL runs it (parse, then evaluate once: each shape has one focus node);
  - pySHACL on the bundled data with all shapes, and without shapes/conflicts.ttl;
  - `gdkg conflicts --format json` on a built project (the seven named queries on Oxigraph).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from rdflib import Graph
    from rdflib.namespace import SH
    from rdflib.plugins.sparql import prepareQuery

    from gdkg.load import load_triples, to_graph
    from gdkg.project import Project
    from gdkg.validation.shacl import validate

    project = Project(ROOT)
    data = load_triples(project.graph_files())
    graph = to_graph(data)
    shapes = Graph().parse(ROOT / "shapes" / "conflicts.ttl", format="turtle")
    core = Graph().parse(ROOT / "shapes" / "core.ttl", format="turtle")
    prefixes = {str(core.value(d, SH.prefix)): str(core.value(d, SH.namespace))
                for d in core.objects(None, SH.declare)}
    print("constraints of shapes/conflicts.ttl (rdflib, best of runs):")
    total = 0.0
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        text = str(shapes.value(constraint, SH.select))
        focus = shapes.value(shape, SH.targetNode)
        parse = best(args.runs, lambda text=text: prepareQuery(text, initNs=prefixes))
        prepared = prepareQuery(text, initNs=prefixes)
        rows = len(list(graph.query(prepared, initBindings={"this": focus})))
        evaluate = best(args.runs, lambda q=prepared, f=focus: list(graph.query(q, initBindings={"this": f})))
        total += parse + evaluate
        print(f"  {shape.split('#')[-1]:26} {rows:3} results  parse {parse:.3f} s  evaluate {evaluate:.3f} s")
    print(f"  total {total:.3f} s")

    all_shapes = load_triples(project.shape_files())
    without = load_triples([f for f in project.shape_files() if f.name != "conflicts.ttl"])
    with_time = best(args.runs, lambda: validate(to_graph(data), to_graph(all_shapes)))
    without_time = best(args.runs, lambda: validate(to_graph(data), to_graph(without)))
    print(f"pySHACL on the bundled data: {with_time:.2f} s with conflicts.ttl, {without_time:.2f} s without "
          f"(+{with_time - without_time:.2f} s)")

    def conflicts_cli() -> None:
        command = [str(Path(sys.executable).with_name("gdkg")), "--root", str(ROOT),
                   "conflicts", "--format", "json"]
        subprocess.run(command, check=True, capture_output=True)

    conflicts_cli()  # make sure build/ is fresh
    cli = best(args.runs, conflicts_cli)
    print(f"gdkg conflicts --format json (new process, built project): {cli:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
