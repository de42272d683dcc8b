"""Benchmark the maintainer path: `gdkg validate` and `gdkg add` of a small file, and
validation time against the number of problems in a file.

Usage:  python bench/validate.py [--runs 5] [--sizes 1000,2000,4000,8000]

On a private copy of the project with a fresh build/ (the unchanged graph):
  - `gdkg validate FILE` of small files (<= 100 triples), fresh process each run:
    focused (the default) and the full validation (GDKG_VALIDATE_FULL=1) in the same run;
  - `gdkg add FILE` (a conforming file, then removed again), fresh process;
  (median wall time and median CPU time, user + system, of each);
  - in process: check() of generated files with N problems (N = --sizes), to show the
    time grows linearly; each problem file is also checked fully once at the smallest size.
Medians of --runs; the machine's load average is printed with the results.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "bad_inputs"
GDKG = [sys.executable, "-m", "gdkg.cli"]

HEAD = """\
@prefix gd:      <https://w3id.org/gdkg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix ent:     <https://w3id.org/gdkg/id/enterprise/> .
@prefix city:    <https://w3id.org/gdkg/id/city/> .
@prefix cluster: <https://w3id.org/gdkg/id/cluster/> .
@prefix fyp:     <https://w3id.org/gdkg/id/source/mfg-plan-14th-fyp/> .

"""
GOOD = HEAD + """\
ent:bench-robotics a gd:Enterprise ;
    rdfs:label "基准机器人"@zh , "Bench Robotics"@en ;
    gd:belongsToCluster cluster:intelligent-robots ;
    gd:locatedIn city:foshan ;
    prov:wasDerivedFrom fyp:ch3-cluster-15 .
"""
# four problems per enterprise: no English label, a misspelt property, a dangling
# reference to a city and one to a source section
BLOCK = """\
ent:bulk-{0} a gd:Enterprise ;
    rdfs:label "批量企业{0}"@zh ;
    gd:belongsToClustr cluster:intelligent-robots ;
    gd:locatedIn city:nowhere-{0} ;
    prov:wasDerivedFrom fyp:no-such-section-{0} .
"""


def copy_project(target: Path) -> Path:
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return target


def timed(args: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child: user + system, exit code) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def median(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s"


def wall_cpu(runs: list[tuple[float, float]]) -> str:
    """Median wall time and median CPU time of ``runs``."""
    return f"{median([w for w, _ in runs])} wall {median([c for _, c in runs])} CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,2000,4000,8000")
    parser.add_argument("--no-full", action="store_true", help="skip the full validations")
    parser.add_argument("--no-problems", action="store_true",
                        help="skip the in-process runs on files with many problems")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="gdkg-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        subprocess.run([*GDKG, "--root", str(root), "build", "-q"], check=False, capture_output=True)
        good = Path(tmp) / "bench-good.ttl"
        good.write_text(GOOD, encoding="utf-8")
        print(f"load average: {os.getloadavg()[0]:.1f}; median of {args.runs} runs, fresh process each")
        print("\n`gdkg validate FILE` (small files, unchanged graph; target <= 1 s wall)")
        print(f"  {'':<40} {'focused (the default)':<34} full (GDKG_VALIDATE_FULL=1)")
        full_env = {**os.environ, "GDKG_VALIDATE_FULL": "1"}
        for path in [good, BAD / "duplicate-enterprise.ttl", BAD / "level-outside.ttl",
                     BAD / "chain-cycle.ttl", BAD / "schema-thing-subclass-of-city.ttl"]:
            focused, full = [], []
            for _ in range(args.runs):
                focused.append(timed([*GDKG, "--root", str(root), "validate", str(path)])[:2])
                if not args.no_full:
                    full.append(timed([*GDKG, "--root", str(root), "validate", str(path)], full_env)[:2])
            print(f"  {path.name:<40} {wall_cpu(focused):<34} {wall_cpu(full) if full else '-'}")
        added = root / "data" / "ttl" / "added" / good.name
        runs = []
        for _ in range(args.runs):
            elapsed, cpu, code = timed([*GDKG, "--root", str(root), "add", str(good)])
            assert code == 0, "gdkg add failed"
            runs.append((elapsed, cpu))
            added.unlink()
        print(f"\n`gdkg add FILE` (6 triples, unchanged graph; target <= 1.5 s wall)  {wall_cpu(runs)}")
        if args.no_problems:
            return 0

        print("\ncheck() in process, a file with N problems (4 per enterprise)")
        sys.path.insert(0, str(ROOT / "src"))
        from gdkg.project import Project
        from gdkg.validation.check import check, quiet_rdflib, text_input

        project = Project(root)
        with quiet_rdflib():
            check(project, [text_input("warm.ttl", GOOD)])  # parse the graph once
            for n in sizes:
                text = HEAD + "".join(BLOCK.format(i) for i in range(n // 4))
                item = text_input(f"problems-{n}.ttl", text)
                start, cpu = time.perf_counter(), time.process_time()
                report = check(project, [item])
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                counts = report.counts()
                print(f"  {n:>6} problems ({len(text) // 1024} KB): {elapsed:6.2f} s ({cpu:.2f} s CPU), "
                      f"{counts['violation']} violations, {counts['warning']} warnings, "
                      f"{elapsed / max(1, n) * 1000:.2f} ms per problem")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
