"""Benchmark the named queries and `gdkg query`'s time to first output, on the bundled data.

Usage:  python bench/queries.py [--runs 7] [--cli-runs 5] [--json]

Reported:
  - every named query in queries/ with the parameters of its first `# example:` line:
    median (and min) wall time of --runs runs in-process on the loaded graph, once the
    plain way (KnowledgeGraph.query) and once through the guarded worker the CLI uses
    (sparql_safety.run_with_timeout: checks, fork, stream back); rows returned
  - `gdkg query` as a new process: time from start to the first byte on stdout and to
    exit, median of --cli-runs runs (the build/ is made once beforehand and reused)
The endpoint load test (issue 9 item 7, third part) belongs to `gdkg serve` (bench/ of i9-serve).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _copy_project(target: Path) -> Path:
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return target


def _timed(fn, runs: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def bench_named(root: Path, runs: int) -> list[dict]:
    from gdkg.project import Project
    from gdkg.query import bindings, named_queries
    from gdkg.sparql_safety import run_with_timeout
    from gdkg.store import KnowledgeGraph

    project = Project(root)
    kg = KnowledgeGraph.open(project)
    rows = []
    for name, query in named_queries(project).items():
        bound = bindings(kg, query, query.example_params())
        direct, direct_min, result = _timed(lambda q=query, b=bound: kg.query(q.text, b), runs)
        guarded, _, _ = _timed(lambda q=query, b=bound: list(run_with_timeout(kg, q.text, b).rows), runs)
        rows.append({"query": name, "rows": len(result.rows), "median_ms": direct * 1000,
                     "min_ms": direct_min * 1000, "guarded_median_ms": guarded * 1000})
    return rows


def bench_cli(root: Path, runs: int) -> dict:
    gdkg = Path(sys.executable).with_name("gdkg")
    command = [str(gdkg), "--root", str(root), "query", "city-clusters", "--param", "city=深圳"]
    subprocess.run(command, capture_output=True, check=True)  # build/ once, outside the timing
    first, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        process.stdout.read(1)
        first.append(time.perf_counter() - start)
        process.stdout.read()
        process.wait()
        total.append(time.perf_counter() - start)
    return {"command": " ".join(command[3:]), "first_output_median_s": statistics.median(first),
            "first_output_min_s": min(first), "exit_median_s": statistics.median(total)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy_project(Path(tmp))
        cli = bench_cli(root, args.cli_runs)
        named = bench_named(root, args.runs)
    if args.json:
        print(json.dumps({"named": named, "cli": cli}, indent=2))
        return 0
    print(f"named queries on the bundled data (median of {args.runs} runs, in-process):")
    print(f"  {'query':30} {'rows':>6} {'median ms':>10} {'min ms':>8} {'guarded ms':>11}")
    for row in named:
        print(f"  {row['query']:30} {row['rows']:>6} {row['median_ms']:>10.1f} {row['min_ms']:>8.1f} "
              f"{row['guarded_median_ms']:>11.1f}")
    medians = [row["median_ms"] for row in named]
    print(f"  {len(named)} queries; slowest {max(medians):.1f} ms, median of medians "
          f"{statistics.median(medians):.1f} ms, all together {sum(medians):.0f} ms")
    print(f"\n`gdkg {cli['command']}` (median of {args.cli_runs} fresh processes, build/ reused):")
    print(f"  first output after {cli['first_output_median_s']:.2f} s "
          f"(min {cli['first_output_min_s']:.2f} s), exit after {cli['exit_median_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
