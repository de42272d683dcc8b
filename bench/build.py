"""Benchmark `gdkg build` on the bundled data, next to the plain rdflib + owlrl + pySHACL path.

Usage:  python bench/build.py [--runs 3] [--skip-plain]

Each measurement runs in a fresh process on a private copy of the project, so
imports and parsing are paid as a new user pays them. Reported:
  - gdkg build, cold (no build/), per stage and wall time (median of --runs)
  - gdkg build again on unchanged inputs (cache hit)
  - a later command on the unchanged graph: `gdkg matrix` and a named query
  - the plain path: rdflib parse → owlrl closure → pySHACL on the same files
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLAIN = r"""
import json, sys, time
t0 = time.perf_counter()
import rdflib, owlrl, pyshacl
from pathlib import Path
root = Path(sys.argv[1])
times = {"import": time.perf_counter() - t0}
t = time.perf_counter()
graph = rdflib.Graph()
for path in sorted((root / "ontology").glob("*.ttl")) + sorted((root / "data/ttl").rglob("*.ttl")):
    graph.parse(path, format="turtle")
shapes = rdflib.Graph()
for path in sorted((root / "shapes").glob("*.ttl")):
    shapes.parse(path, format="turtle")
times["parse (rdflib)"] = time.perf_counter() - t
asserted = len(graph)
t = time.perf_counter()
closure = rdflib.Graph()
for triple in graph:
    closure.add(triple)
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
times["reason (owlrl)"] = time.perf_counter() - t
t = time.perf_counter()
conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                  allow_warnings=True)
times["validate (pySHACL)"] = time.perf_counter() - t
times["total"] = time.perf_counter() - t0
print(json.dumps({"times": times, "asserted": asserted, "closure": len(closure), "conforms": conforms}))
"""


def copy_project(target: Path) -> Path:
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return target


def gdkg(*args: str, cwd: Path) -> tuple[float, str]:
    exe = shutil.which("gdkg") or str(Path(sys.executable).with_name("gdkg"))
    start = time.perf_counter()
    done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"gdkg {' '.join(args)} failed:\n{done.stderr}")
    return wall, done.stdout


def stages(summary: str) -> dict[str, float]:
    line = next((line for line in summary.splitlines() if line.strip().startswith("time:")), "")
    line = line.strip().removeprefix("time:")
    return {name.strip(): float(sec) for name, sec in re.findall(r"([^,;]+?) (\d+\.\d+) s", line)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true", help="skip the slow rdflib+owlrl path")
    args = parser.parse_args()

    print(f"gdkg benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    cold, cached, matrix, query, stage_runs = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            work = copy_project(Path(tmp) / f"run{run}")
            wall, out = gdkg("build", "--quiet", cwd=work)
            cold.append(wall)
            stage_runs.append(stages(out))
            cached.append(gdkg("build", "--quiet", cwd=work)[0])
            matrix.append(gdkg("matrix", "--format", "csv", cwd=work)[0])
            query.append(gdkg("query", "cluster-city-matrix", "--param", "kind=gd:EmergingIndustryCluster",
                              "--format", "csv", cwd=work)[0])
            print(f"  run {run + 1}: cold build {wall:.2f} s", flush=True)
        manifest = json.loads((work / "build/manifest.json").read_text(encoding="utf-8"))
        plain = None
        if not args.skip_plain:
            print("  plain rdflib + owlrl + pySHACL path (slow) …", flush=True)
            done = subprocess.run([sys.executable, "-c", PLAIN, str(work)], capture_output=True, text=True,
                                  check=True)
            plain = json.loads(done.stdout)

    med = statistics.median
    print(f"\nbundled data: {manifest['asserted']} asserted + {manifest['inferred']} inferred triples, "
          f"reasoner {manifest['reasoner']}\n")
    print("| measurement | median (s) | runs (s) |\n|---|---|---|")
    for name, values in [("gdkg build, cold (wall)", cold), ("gdkg build, cached (wall)", cached),
                         ("gdkg matrix on unchanged graph (wall)", matrix),
                         ("gdkg query on unchanged graph (wall)", query)]:
        print(f"| {name} | {med(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")
    print("\ncold build stages (median, in-process; validation overlaps reasoning):\n")
    print("| stage | s |\n|---|---|")
    for name in stage_runs[0]:
        print(f"| {name} | {med(r.get(name, 0.0) for r in stage_runs):.2f} |")
    if plain:
        print("\nplain path, same files (one run):\n")
        print("| stage | s |\n|---|---|")
        for name, seconds in plain["times"].items():
            print(f"| {name} | {seconds:.2f} |")
        print(f"\nratio plain / gdkg cold build: {plain['times']['total'] / med(cold):.1f}×")


if __name__ == "__main__":
    main()
