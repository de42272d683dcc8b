"""Benchmark gdkg.network on the bundled data: the network queries, each projection, its
metrics, each export format, the report and the figures.

Usage:  python bench/network.py [--runs 5] [--no-figures]

Works on the project's build/ (built first if stale). Each number is the median of --runs
in-process repetitions; the first SPARQL run of each query (cold) is reported separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gdkg.network import KINDS, NetworkSource, add_metrics, projection  # noqa: E402
from gdkg.network.gephi_export import FORMATS, gephi_ready, render  # noqa: E402
from gdkg.project import Project  # noqa: E402
from gdkg.store import KnowledgeGraph  # noqa: E402


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-figures", action="store_true")
    args = parser.parse_args()
    project = Project.find(ROOT)
    start = time.perf_counter()
    kg = KnowledgeGraph.open(project)
    print(f"open graph ({len(kg)} triples): {time.perf_counter() - start:.3f} s")

    source = NetworkSource(kg, project)
    start = time.perf_counter()
    for name in ("nodes", *KINDS):
        source.rows(name)
    print(f"network queries, first run: {time.perf_counter() - start:.3f} s")

    header = " ".join(f"{fmt:>8}" for fmt in FORMATS)
    print(f"\n{'graph':10} {'nodes':>6} {'edges':>6} {'query':>8} {'project':>8} {'metrics':>8} {header}")
    print("(median seconds: query = its network-<kind>.rq; project = rows → networkx graph;"
          " formats = rendering a Gephi-ready graph)")
    for kind in KINDS:
        text = (project.queries_dir / f"network-{kind}.rq").read_text(encoding="utf-8")
        query = median_time(lambda t=text: kg.query(t), args.runs)
        build = median_time(lambda k=kind: projection(k, source=source), args.runs)
        graph = projection(kind, source=source)
        runs = max(1, args.runs // 2) if kind == "kg" else args.runs
        metric = median_time(lambda g=graph: add_metrics(g.copy()), runs)
        ready = gephi_ready(graph, "zh")
        exports = [median_time(lambda f=fmt, r=ready: render(r, f), args.runs) for fmt in FORMATS]
        print(f"{kind:10} {graph.number_of_nodes():6} {graph.number_of_edges():6} {query:8.3f} {build:8.3f} "
              f"{metric:8.3f} " + " ".join(f"{t:8.3f}" for t in exports))

    from gdkg.network.analysis_report import analyze

    report = median_time(lambda: analyze(fmt="json", figures=False, source=NetworkSource(kg, project)),
                         max(1, args.runs // 2))
    print(f"\nanalyze --format json --no-figures (all projections + metrics): {report:.3f} s")
    if not args.no_figures:
        from gdkg.network.figures import FIGURES, render_figures

        for name in FIGURES:
            for fmt in ("png", "svg"):
                seconds = median_time(lambda n=name, f=fmt: render_figures(source, "zh", formats=(f,),
                                                                           only=(n,)), max(1, args.runs // 2))
                print(f"figure {name}.{fmt}: {seconds:.3f} s")
        with tempfile.TemporaryDirectory() as folder:
            seconds = median_time(lambda: analyze(fmt="html", output=Path(folder) / "r.html",
                                                  source=NetworkSource(kg, project)), 1)
        print(f"analyze --format html with figures: {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
