"""The scale benchmark: every stage, named query and export at several graph sizes.

    python bench/run.py                               # sizes 10k, 100k, 1M synthetic triples
    python bench/run.py --sizes 100000 --runs 1       # one size, quick
    python bench/run.py --plain-bound 0               # skip the plain rdflib+owlrl+pySHACL path
    python bench/run.py --shacl skip                  # time the build without whole-graph SHACL
    python bench/run.py --project DIR --stores oxigraph  # only the queries, on a built project

For each size a private copy of the project gets that many synthetic triples
(bench/generate.py) beside the bundled data, and then, each in a fresh process:
  - `gdkg build` cold: wall time, per-stage times, peak memory (RSS of the process
    and its children);
  - a later command's first answer (`gdkg query`, time to its first line of output);
  - every named query (median of --runs, in one process on the opened store,
    with the parameters of the query's first example) on each store;
  - `gdkg validate` of a new file of 1,000 synthetic entities;
  - `gdkg export --graph city` where the command exists;
  - the plain path (rdflib parse → owlrl → pySHACL, bench/build.py's script) when it
    finishes within --plain-bound seconds, else "> bound".
It writes bench/results/<date>.json and .md and prints the markdown table.

--shacl ENGINE sets $GDKG_SHACL for the build (pyshacl, turbo, or any engine gdkg knows);
--shacl skip builds with the whole-graph SHACL stage replaced by an empty report (a bench-only
patch, recorded in the results), to time the other stages where SHACL does not finish.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "src"))

import build as build_bench  # noqa: E402  (bench/build.py: copy_project, stages, PLAIN)
import generate  # noqa: E402

#: the targets of issue 12 on the 1 M-triple graph (seconds, or GB for memory)
TARGETS = {"load": 10, "reason": 30, "validate": 30, "build (wall)": 90, "peak memory (GB)": 3,
           "first answer": 0.5, "named query (median)": 1, "validate 1,000 entities": 2,
           "export city": 5}

_MEASURED = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kb = usage.ru_maxrss
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": peak_kb,
                  "code": done.returncode,
                  "stdout": done.stdout[-20000:], "stderr": done.stderr[-4000:]}))
"""

#: `gdkg build` with the whole-graph SHACL stage left out (bench only: --shacl skip)
_BUILD_WITHOUT_SHACL = r"""
import sys
import gdkg.pipeline
from gdkg.validation.shacl import ValidationReport
class Skipped:
    parallel = False
    def result(self):
        return ValidationReport()
    def cancel(self):
        pass
gdkg.pipeline.start_validation = lambda data, shapes, *files: Skipped()
from gdkg.cli import main
sys.argv[0] = "gdkg"
sys.exit(main())
"""

#: the CPU seconds of the load and reason stages, as the build runs them (the build's own stage
#: times are wall times, inflated on a shared machine)
_STAGE_CPU = r"""
import json, resource, sys, time
from gdkg.load import load_triples
from gdkg.project import Project
from gdkg.reason import closure
project = Project.find(sys.argv[1])
t = time.process_time()
asserted = load_triples(project.graph_files(), shown=project.relative)
load_triples(project.shape_files(), shown=project.relative)
load = time.process_time() - t
t = time.process_time()
closed = closure(asserted)
reason = time.process_time() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
print(json.dumps({"load (CPU)": load, "reason (CPU)": reason, "load+reason peak (GB)": peak}))
"""

_QUERIES = r"""
import json, os, select, shlex, signal, statistics, sys, time
from gdkg.project import Project
from gdkg.query import named_queries, run
from gdkg.store import KnowledgeGraph
project = Project.find(sys.argv[1]); runs = int(sys.argv[2]); store = sys.argv[3]
bound = float(sys.argv[4])
try:
    kg = KnowledgeGraph.open(project, store=store)
except TypeError:  # a KnowledgeGraph without the store option
    if store != "oxigraph":
        print(json.dumps({"error": "this gdkg has no --store option"})); sys.exit()
    kg = KnowledgeGraph.open(project)
out = {}
for name, query in named_queries(project).items():
    params = {}
    words = shlex.split(query.examples[0]) if query.examples else []
    for flag, value in zip(words, words[1:]):
        if flag == "--param":
            key, _, text = value.partition("=")
            params[key] = text
    times, rows = [], 0
    for _ in range(runs):
        # each run in a forked child, killed after the bound (a query evaluating in Rust
        # cannot be interrupted from Python)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                t = time.perf_counter(); result = run(kg, query, params)
                msg = {"time": time.perf_counter() - t, "rows": len(result.rows)}
            except Exception as exc:  # a query that needs a parameter its example does not give
                msg = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            os.write(write, json.dumps(msg).encode()); os._exit(0)
        os.close(write)
        ready, _, _ = select.select([read], [], [], bound)
        if not ready:
            os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); os.close(read)
            out[name] = {"over": bound}
            break
        with os.fdopen(read, "rb") as pipe:
            msg = json.loads(pipe.read() or b'{"error": "no answer"}')
        os.waitpid(pid, 0)
        if "error" in msg:
            out[name] = msg
            break
        times.append(msg["time"]); rows = msg["rows"]
    if times and name not in out:
        out[name] = {"median": statistics.median(times), "rows": rows}
print(json.dumps(out))
"""


def _gdkg() -> str:
    return str(Path(sys.executable).with_name("gdkg"))


def measured(*command: str, cwd: Path, timeout: float | None = None, env: dict | None = None) -> dict:
    """Run ``command`` in a fresh process: wall time, CPU time and peak RSS of it and its
    children, output."""
    try:
        done = subprocess.run([sys.executable, "-c", _MEASURED, *command], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, check=True,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    return json.loads(done.stdout)


def first_answer(*command: str, cwd: Path) -> float:
    """Seconds from the start of ``command`` to its first line of output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    process.stdout.readline()
    seconds = time.perf_counter() - start
    process.stdout.read()
    process.wait()
    return seconds


def _example_command(project_root: Path) -> list[str]:
    from gdkg.project import Project
    from gdkg.query import named_queries

    for name, query in named_queries(Project(project_root)).items():
        if query.examples:
            words = shlex.split(query.examples[0])
            if words[:2] == ["gdkg", "query"]:
                return words[1:] + ["--format", "csv"]
        if not query.params:
            return ["query", name, "--format", "csv"]
    return ["stats"]


def bench_queries(work: Path, runs: int, stores: list[str], query_bound: float) -> dict:
    """A later command's first answer and every named query on each store, on the built
    project ``work``."""
    command = [_gdkg(), *_example_command(work)]
    result: dict = {"first answer": statistics.median(first_answer(*command, cwd=work) for _ in range(runs)),
                    "queries": {}}
    for store in stores:
        done = subprocess.run([sys.executable, "-c", _QUERIES, str(work), str(runs), store,
                               str(query_bound)], cwd=work,
                              capture_output=True, text=True, check=False)
        result["queries"][store] = json.loads(done.stdout) if done.returncode == 0 else {
            "error": done.stderr[-500:]}
    print(f"  first answer {result['first answer']:.2f} s; queries on {', '.join(stores)}", flush=True)
    return result


def bench_project(work: Path, runs: int, stores: list[str], query_bound: float) -> dict:
    """First answer, named queries and `export --graph city` on an already built project."""
    manifest = json.loads((work / "build/manifest.json").read_text(encoding="utf-8"))
    result: dict = {"project": str(work), "asserted": manifest["asserted"], "inferred": manifest["inferred"]}
    result.update(bench_queries(work, runs, stores, query_bound))
    with tempfile.TemporaryDirectory() as tmp:
        result.update(export_city(work, Path(tmp) / "city.gexf"))
    return result


def export_city(work: Path, out: Path) -> dict:
    """`gdkg export --graph city` on ``work`` (times, or None where it failed; its exit code)."""
    export = measured(_gdkg(), "export", "--graph", "city", "--format", "gexf", "-o", str(out), cwd=work)
    ok = export["code"] == 0
    return {"export city": export["wall"] if ok else None, "export city (CPU)": export["cpu"] if ok else None,
            "export exit": export["code"]}


def query_table(result: dict) -> str:
    """One row per named query: its median (or "> bound") and rows on each store."""
    stores = sorted(result["queries"])
    names = sorted({name for answers in result["queries"].values() for name in answers if name != "error"})
    lines = ["| named query | " + " | ".join(stores) + " |", "|---|" + "---|" * len(stores)]

    def cell(answer: dict | None) -> str:
        if not answer:
            return "–"
        if "over" in answer:
            return f"> {answer['over']:g} s"
        if "error" in answer:
            return "error"
        return f"{answer['median']:.2f} s ({answer['rows']} rows)"

    for name in names:
        lines.append(f"| {name} | " + " | ".join(cell(result["queries"][s].get(name)) for s in stores) + " |")
    return "\n".join(lines) + "\n"


def bench_size(size: int, runs: int, stores: list[str], plain_bound: float, tmp: Path,
               shacl: str = "", query_bound: float = 60) -> dict:
    work = build_bench.copy_project(tmp / f"size-{size}")
    started = time.perf_counter()
    generated, files = generate.generate(size, work / "data/ttl/bench")
    result: dict = {"synthetic triples": generated, "files": len(files),
                    "generate (s)": round(time.perf_counter() - started, 2)}
    print(f"size {size}: generated {generated} triples in {len(files)} files", flush=True)

    if shacl == "skip":
        build = measured(sys.executable, "-c", _BUILD_WITHOUT_SHACL, "build", "--quiet", "--force", cwd=work)
    else:
        build = measured(_gdkg(), "build", "--quiet", "--force", cwd=work,
                         env={"GDKG_SHACL": shacl} if shacl else None)
    result["shacl"] = shacl or "default"
    result["build (wall)"] = build["wall"]
    result["build (CPU)"] = build["cpu"]
    result["build exit"] = build["code"]
    if build["code"] not in (0, 1):
        raise SystemExit(f"gdkg build failed at size {size}:\n{build['stderr']}")
    result["peak memory (GB)"] = build["peak_kb"] / 1024 / 1024
    result["stages"] = build_bench.stages(build["stdout"])
    manifest = json.loads((work / "build/manifest.json").read_text(encoding="utf-8"))
    result["asserted"], result["inferred"] = manifest["asserted"], manifest["inferred"]
    print(f"  build {build['cpu']:.1f} s CPU / {build['wall']:.1f} s wall, peak "
          f"{result['peak memory (GB)']:.2f} GB", flush=True)
    done = subprocess.run([sys.executable, "-c", _STAGE_CPU, str(work)], cwd=work, capture_output=True,
                          text=True, check=True)
    result.update(json.loads(done.stdout))
    print(f"  load {result['load (CPU)']:.1f} s CPU, reason {result['reason (CPU)']:.1f} s CPU", flush=True)

    result.update(bench_queries(work, runs, stores, query_bound))

    new = tmp / f"new-{size}"  # about 1,000 entities (enterprises, projects, platforms, figures …)
    generate.generate(8_000, new, start=10_000_000, prefix="new")
    validate = measured(_gdkg(), "validate", *map(str, sorted(new.glob("*.ttl"))), cwd=work)
    result["validate 1,000 entities"] = validate["wall"]
    result["validate 1,000 entities (CPU)"] = validate["cpu"]
    result["validate exit"] = validate["code"]

    result.update(export_city(work, tmp / f"city-{size}.gexf"))
    print(f"  validate {validate['wall']:.2f} s (exit {validate['code']}), export city "
          f"{result['export city'] or 0:.2f} s (exit {result['export exit']})", flush=True)

    if plain_bound > 0:
        plain = measured(sys.executable, "-c", build_bench.PLAIN, str(work), cwd=work, timeout=plain_bound)
        if "timeout" in plain:
            result["plain path"] = f"> {plain_bound:g} s"
        else:
            result["plain path"] = json.loads(plain["stdout"])["times"]
            result["plain peak memory (GB)"] = plain["peak_kb"] / 1024 / 1024
    return result


def _stage(result: dict, prefix: str) -> float | None:
    return next((s for name, s in result["stages"].items() if name.startswith(prefix)), None)


def markdown(results: dict[str, dict]) -> str:
    def cell(value, unit: str = "s") -> str:
        if value is None:
            return "–"
        if isinstance(value, str):
            return value
        return f"{value:.2f} {unit}".strip()

    def both(cpu, wall) -> str:
        return f"{cell(cpu)} / {cell(wall)}" if cpu is not None else cell(wall)

    def shacl(r) -> str:
        return " (skipped)" if r.get("shacl") == "skip" else ""

    sizes = list(results)
    lines = ["| measurement | " + " | ".join(f"{int(s):,} synthetic" for s in sizes) + " | 1 M target |",
             "|---|" + "---|" * (len(sizes) + 1)]
    rows = [
        ("asserted + inferred triples", lambda r: f"{r['asserted']:,} + {r['inferred']:,}", ""),
        ("load (CPU / wall)", lambda r: both(r.get("load (CPU)"), _stage(r, "load")), TARGETS["load"]),
        ("reason (CPU / wall)", lambda r: both(r.get("reason (CPU)"), _stage(r, "reason")),
         TARGETS["reason"]),
        ("validate (SHACL, wall)", lambda r: cell(_stage(r, "validate")) + shacl(r), TARGETS["validate"]),
        ("build (CPU / wall)", lambda r: both(r.get("build (CPU)"), r["build (wall)"]),
         TARGETS["build (wall)"]),
        ("peak memory", lambda r: cell(r["peak memory (GB)"], "GB"), f"{TARGETS['peak memory (GB)']} GB"),
        ("first answer", lambda r: cell(r["first answer"]), TARGETS["first answer"]),
        ("validate 1,000 new entities (CPU / wall)",
         lambda r: both(r.get("validate 1,000 entities (CPU)"), r["validate 1,000 entities"]),
         TARGETS["validate 1,000 entities"]),
        ("export --graph city (CPU / wall)", lambda r: both(r.get("export city (CPU)"), r["export city"]),
         TARGETS["export city"]),
    ]
    for name, value, target in rows:
        target_text = target if isinstance(target, str) else f"≤ {target} s"
        lines.append(f"| {name} | " + " | ".join(value(results[s]) for s in sizes) + f" | {target_text} |")
    stores = sorted({store for r in results.values() for store in r["queries"]})
    for store in stores:
        def slowest(r, store=store):
            answers = r["queries"].get(store, {}).values()
            over = [q["over"] for q in answers if "over" in q]
            if over:
                return f"> {max(over):g} s"
            timings = [q["median"] for q in answers if "median" in q]
            return cell(max(timings)) if timings else "–"

        def over_target(r, store=store):
            answers = r["queries"].get(store, {})
            slow = [n for n, q in answers.items()
                    if "over" in q or q.get("median", 0) > TARGETS["named query (median)"]]
            return f"{len(slow)} of {len(answers)}"
        lines.append(f"| slowest named query ({store}) | " + " | ".join(slowest(results[s]) for s in sizes)
                     + f" | ≤ {TARGETS['named query (median)']} s |")
        lines.append(f"| named queries over 1 s ({store}) | "
                     + " | ".join(over_target(results[s]) for s in sizes) + " | 0 |")
    def plain(r) -> str:
        value = r.get("plain path")
        if value is None:
            return "not run (--plain-bound 0)"
        return value if isinstance(value, str) else cell(value.get("total"))

    lines.append("| plain rdflib + owlrl + pySHACL | " + " | ".join(plain(results[s]) for s in sizes)
                 + " | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="synthetic triples to add, comma-separated (default 10000,100000,1000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per query and first answer (median)")
    parser.add_argument("--stores", default="oxigraph,memory", help="stores to run the named queries on")
    parser.add_argument("--plain-bound", type=float, default=600,
                        help="seconds the plain path may take before it is reported as '> bound' (0: skip)")
    parser.add_argument("--query-bound", type=float, default=60,
                        help="seconds a named query may run before it is stopped and reported as '> bound'")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="where the results go")
    parser.add_argument("--shacl", default="",
                        help="SHACL engine for the build ($GDKG_SHACL), or 'skip' to leave whole-graph "
                             "SHACL out of the build (default: gdkg's default engine)")
    parser.add_argument("--project", type=Path, metavar="DIR",
                        help="only time the first answer, every named query and `export --graph city` "
                             "on DIR, a project already built with `gdkg build` (your own graph, or a "
                             "copy with generated data); writes <date>-queries.json and .md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    stores = [s for s in args.stores.split(",") if s]
    print(f"gdkg scale benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    results: dict[str, dict] = {}
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.date.today().isoformat()
    if args.project:
        if not (args.project / "build/manifest.json").is_file():
            parser.error(f"{args.project} has no build/manifest.json: run `gdkg build` there first")
        result = bench_project(args.project.resolve(), args.runs, stores, args.query_bound)
        export = "failed" if result["export city"] is None else f"{result['export city']:.2f} s wall"
        table = (f"{result['asserted']:,} asserted + {result['inferred']:,} inferred triples; first answer "
                 f"{result['first answer']:.2f} s; export --graph city {export}\n\n" + query_table(result))
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        (args.out / f"{stamp}-queries.json").write_text(text, encoding="utf-8")
        (args.out / f"{stamp}-queries.md").write_text(table, encoding="utf-8")
        print("\n" + table)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            results[str(size)] = bench_size(size, args.runs, stores, args.plain_bound, Path(tmp), args.shacl,
                                            args.query_bound)
            # written after every size: a run stopped at a larger size keeps the smaller ones
            table = markdown(results) + "".join(
                f"\nNamed queries at {int(size):,} synthetic triples (median of --runs):\n\n"
                + query_table(result) for size, result in results.items())
            (args.out / f"{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
            (args.out / f"{stamp}.md").write_text(table, encoding="utf-8")
    print("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
