"""Whole-graph SHACL: the Oxigraph engine (gdkg's default) against pySHACL (the reference).

    python bench/shacl.py                                  # bundled, 100k and 1M triples
    python bench/shacl.py --sizes bundled,100000 --pyshacl-bound 300

For each size a private copy of the project gets that many synthetic triples
(bench/generate.py) beside the bundled data ("bundled": none), and each engine validates the
asserted graph — what `gdkg build` validates — in a fresh process:
  - oxigraph: loading the triples into an in-memory Oxigraph store, then validating
    (validation/sparql_shacl.py); CPU (user+sys of the process) and wall time of each part;
  - pyshacl: building the rdflib graph, then pySHACL, the reference; only where it finishes
    within --pyshacl-bound seconds of wall time, else "> bound".
Parsing the Turtle files is not counted (the build has the triples already). Where both
engines finish, their results — (focus, path, value, constraint component, severity, source
shape) of every result — are compared, and the table says whether they are equal; the graph
conforms or not for each. Peak memory is the child's maximum RSS. Results go to
bench/results/shacl-<date>.json and a markdown table is printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "src"))

import build as build_bench  # noqa: E402  (bench/build.py: copy_project)
import generate  # noqa: E402

TARGET_SECONDS = 30  # issue 12: whole-graph SHACL on the 1 M-triple graph

_CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
from gdkg.project import Project
from gdkg.load import load_triples, to_graph
from gdkg.validation.shacl import _patch_pyshacl, raw_results

engine, root = sys.argv[1], Path(sys.argv[2])
project = Project(root)
data = load_triples(project.graph_files())
shapes = to_graph(load_triples(project.shape_files()))

def clock():
    t = os.times()
    return t.user + t.system, time.perf_counter()

parts = {}
c0, w0 = clock()
if engine == "oxigraph":
    from gdkg.validation import sparql_shacl
    store, terms = sparql_shacl.load_store(data, sparql_shacl._Terms(data))
    c1, w1 = clock()
    validator = sparql_shacl.validator_for(shapes)
    conforms, graph, _ = validator.validate_store(store, terms, lambda: to_graph(data))
    delegated = [str(n) for n in validator.last_delegated]
else:
    from pyshacl import validate
    _patch_pyshacl()
    graph_data = to_graph(data)
    c1, w1 = clock()
    conforms, graph, _ = validate(graph_data, shacl_graph=shapes, inference="none", advanced=True,
                                  allow_warnings=True, allow_infos=True, abort_on_first=False,
                                  inplace=True)
    delegated = []
c2, w2 = clock()
results = sorted(raw_results(graph), key=str)
print(json.dumps({
    "triples": len(data), "load_cpu": c1 - c0, "load_wall": w1 - w0,
    "validate_cpu": c2 - c1, "validate_wall": w2 - w1,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "conforms": bool(conforms), "results": [list(r) for r in results],
    "delegated": delegated}))
"""


def _run(engine: str, project: Path, bound: float | None) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, engine, str(project)],
                              capture_output=True, text=True, timeout=bound, env=env)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        sys.exit(f"{engine} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(run: dict | None, bound: float) -> str:
    if run is None:
        return f"> {bound:.0f} s (wall)"
    return (f"{run['load_cpu'] + run['validate_cpu']:.2f} s CPU / "
            f"{run['load_wall'] + run['validate_wall']:.2f} s wall "
            f"(load {run['load_cpu']:.2f} + validate {run['validate_cpu']:.2f} CPU), "
            f"{run['peak_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="bundled,100000,1000000",
                        help="comma-separated: 'bundled' or a number of synthetic triples")
    parser.add_argument("--pyshacl-bound", type=float, default=600,
                        help="wall seconds pySHACL may take per size (0: skip it)")
    parser.add_argument("--out", type=Path, default=BENCH / "results",
                        help="directory for shacl-<date>.json")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="gdkg-bench-shacl-") as tmp:
        for size in args.sizes.split(","):
            work = build_bench.copy_project(Path(tmp) / f"p-{size}")
            if size != "bundled":
                generate.generate(int(size), work / "data/ttl/bench")
            ours = _run("oxigraph", work, None)
            reference = _run("pyshacl", work, args.pyshacl_bound) if args.pyshacl_bound > 0 else None
            same = None if reference is None else ours["results"] == reference["results"]
            rows.append({"size": size, "triples": ours["triples"], "oxigraph": ours,
                         "pyshacl": reference, "same_results": same})
            print(f"{size}: {ours['triples']:,} triples; oxigraph {_cell(ours, args.pyshacl_bound)}; "
                  f"pyshacl {_cell(reference, args.pyshacl_bound)}; same results: {same}",
                  file=sys.stderr)
    lines = ["| graph | triples | Oxigraph engine | pySHACL | same results | conforms |",
             "|---|---:|---|---|---|---|"]
    for row in rows:
        ours, reference = row["oxigraph"], row["pyshacl"]
        conforms = f"{ours['conforms']}" + ("" if reference is None else f" / {reference['conforms']}")
        same = {None: "(pySHACL did not finish)", True: "yes", False: "**NO**"}[row["same_results"]]
        lines.append(f"| {row['size']} | {row['triples']:,} | {_cell(ours, args.pyshacl_bound)} | "
                     f"{_cell(reference, args.pyshacl_bound)} | {same} | {conforms} |")
    table = "\n".join(lines)
    print(table)
    print(f"\nTarget: whole-graph SHACL on 1 M triples <= {TARGET_SECONDS} s. Load average: "
          f"{os.getloadavg()[0]:.1f} (2 cores shared; wall times inflated, CPU times are not).")
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    for row in rows:  # the result lists are for the comparison, not for the record
        for engine in ("oxigraph", "pyshacl"):
            if row[engine] is not None:
                row[engine]["results"] = len(row[engine]["results"])
    (args.out / f"shacl-{stamp}.json").write_text(json.dumps(rows, indent=1) + "\n")
    return 0 if all(row["same_results"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
