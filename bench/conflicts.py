"""Benchmark the conflict checks: `gdkg conflicts` and what shapes/conflicts.ttl adds to SHACL.

Usage:  python bench/conflicts.py [--runs 5] [--builds 1]

Reported (minimum over --runs, so other load on the machine counts least; CPU time next to
wall time, since wall times are inflated by other processes):
  - each SPARQL-based shape of shapes/conflicts.ttl on the asserted graph with rdflib, as
    pySHACL runs it: its target (a fixed sh:targetNode, or a SPARQL target evaluated once),
    then the constraint parsed and evaluated once per focus node;
  - pySHACL on the bundled data with all shapes, without the four pair shapes (figure-year,
    figure-exceeded, figure-attribution), and without shapes/conflicts.ttl;
  - cold `gdkg build --force` on a copy of the project (its stage timings, and the CPU time of
    the build and its SHACL child process), with and without the pair shapes;
  - `gdkg conflicts --format json` on a built project (the seven named queries on Oxigraph).
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GDS = "https://w3id.org/gdkg/shapes#"
#: the shapes of the pairwise figure kinds (shapes/conflicts.ttl)
PAIR_SHAPES = ("SameTargetOtherYearShape", "TargetReachedEarlyShape", "QuotedTargetShape",
               "OtherClusterSectionShape")
#: the section of shapes/conflicts.ttl holding them, from its heading to the next one
PAIR_SECTION = re.compile(r"#{65}\n# figure-year, figure-exceeded, figure-attribution"
                          r".*?(?=#{65}\n# implausible)", re.S)


def best(runs: int, fn) -> tuple[float, float]:
    """(CPU, wall) seconds of ``fn``, the minimum of each over ``runs``."""
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_build(root: Path) -> tuple[float, float, str]:
    """(CPU of the build and its children, wall, the timing line) of `gdkg build --force`."""
    command = [str(Path(sys.executable).with_name("gdkg")), "--root", str(root), "build", "--force"]
    before, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = (done.stdout + done.stderr).splitlines()
    line = next((x.strip() for x in lines if x.strip().startswith("time:")), "")
    return children_cpu() - before, wall, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--builds", type=int, default=1, help="cold builds of each variant")
    args = parser.parse_args()

    from rdflib import Graph, URIRef
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

    both = core + shapes

    def prefixes(node) -> dict[str, str]:
        """The prefixes a target or constraint declares (sh:prefixes)."""
        return {str(both.value(d, SH.prefix)): str(both.value(d, SH.namespace))
                for declaring in both.objects(node, SH.prefixes) for d in both.objects(declaring, SH.declare)}

    print("SPARQL shapes of shapes/conflicts.ttl (rdflib as pySHACL runs them; best of runs, CPU s):")
    total = 0.0
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        name = shape.split("#")[-1]
        text = str(shapes.value(constraint, SH.select))
        fixed = shapes.value(shape, SH.targetNode)
        if fixed is not None:
            focus, target_cpu = [fixed], 0.0
        else:
            target = shapes.value(shape, SH.target)
            target_text = str(shapes.value(target, SH.select))
            ns = prefixes(target)
            target_cpu, _ = best(args.runs, lambda t=target_text, ns=ns: list(graph.query(t, initNs=ns)))
            focus = [row[0] for row in graph.query(target_text, initNs=ns)]
        ns = prefixes(constraint)

        def run_constraint(text=text, ns=ns, focus=focus) -> int:
            found = 0
            for node in focus:  # pySHACL parses the constraint again for every focus node
                found += len(list(graph.query(prepareQuery(text, initNs=ns), initBindings={"this": node})))
            return found

        results = run_constraint()
        constraint_cpu, _ = best(args.runs, run_constraint)
        total += target_cpu + constraint_cpu
        print(f"  {name:28} {len(focus):3} focus nodes {results:3} results  target {target_cpu:.3f} s  "
              f"constraint {constraint_cpu:.3f} s")
    print(f"  total {total:.3f} s")

    all_shapes = load_triples(project.shape_files())
    pair_nodes = {URIRef(GDS + n) for n in PAIR_SHAPES}
    shapes_graph = to_graph(all_shapes)
    reachable = set(pair_nodes)
    for node in pair_nodes:  # the shapes, their targets (blank nodes) and constraints
        reachable.update(o for o in shapes_graph.objects(node, None) if not isinstance(o, URIRef)
                         or (node, SH.sparql, o) in shapes_graph)
    without_pairs = {t for t in all_shapes if t[0] not in reachable}
    without_file = load_triples([f for f in project.shape_files() if f.name != "conflicts.ttl"])
    timings = {}
    for label, shape_set in (("all shapes", all_shapes), ("without the pair shapes", without_pairs),
                             ("without conflicts.ttl", without_file)):
        timings[label] = best(args.runs, lambda s=shape_set: validate(to_graph(data), to_graph(s)))
    print("pySHACL on the bundled data (best of runs):")
    for label, (cpu, wall) in timings.items():
        print(f"  {label:26} CPU {cpu:.2f} s  wall {wall:.2f} s")
    extra = timings["all shapes"][0] - timings["without the pair shapes"][0]
    print(f"  the pair shapes add {extra:+.2f} s CPU")

    print("cold `gdkg build --force` on a copy of the project:")
    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for label in ("all shapes", "without the pair shapes"):
            copy = Path(tmp) / label.replace(" ", "-")
            for name in ("ontology", "data", "shapes", "queries"):
                shutil.copytree(ROOT / name, copy / name)
            if label != "all shapes":
                path = copy / "shapes" / "conflicts.ttl"
                text, n = PAIR_SECTION.subn("", path.read_text(encoding="utf-8"))
                assert n == 1, "the pair section of shapes/conflicts.ttl was not found"
                path.write_text(text, encoding="utf-8")
            copies[label] = copy
        for label, copy in copies.items():
            for _ in range(args.builds):
                cpu, wall, line = cold_build(copy)
                print(f"  {label:26} CPU {cpu:.2f} s  wall {wall:.2f} s  ({line})")

    def conflicts_cli() -> None:
        command = [str(Path(sys.executable).with_name("gdkg")), "--root", str(ROOT),
                   "conflicts", "--format", "json"]
        subprocess.run(command, check=True, capture_output=True)

    conflicts_cli()  # make sure build/ is fresh
    before = children_cpu()
    _, wall = best(args.runs, conflicts_cli)
    print(f"gdkg conflicts --format json (new process, built project): wall {wall:.2f} s, "
          f"CPU {(children_cpu() - before) / args.runs:.2f} s per run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
