"""Load benchmark of `gdkg serve`: concurrent clients running the named queries over loopback.

Usage:  python bench/serve_load.py [--clients 20] [--seconds 30] [--max-requests 200000]
                                   [--workers N] [--only NAME ...] [--json]

Starts `gdkg serve --port 0` (127.0.0.1, a free port) on a private copy of the project,
then each of --clients threads sends GET /queries/NAME?params (the named queries in turn,
with the parameters of each query's first `# example:`; JSON results) on its own keep-alive
connection until --seconds pass or --max-requests are sent in all (bounded in count and
time; each request also times out after 30 s). Reported: requests, throughput, latency
p50/p90/p99/max, errors by status, and the resident memory (RSS) of the server and its
query workers before and after the load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    """VmRSS of ``pid`` plus all its descendants (the query workers), in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, AttributeError):
            continue
    return total


def start_server(root: Path, workers: int) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-c", "import sys; from gdkg.cli import main; sys.exit(main())",
               "--root", str(root), "serve", "--port", "0"]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    for line in process.stderr:
        sys.stderr.write("  server: " + line)
        found = re.search(r"listening on (http://\S+?)/ ", line)
        if found:
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
            return process, found.group(1)
        if time.monotonic() > deadline:
            break
    process.kill()
    raise SystemExit("gdkg serve did not start")


def example_params(examples: list[str]) -> dict[str, str]:
    """The --param k=v pairs of the first example call."""
    for example in examples:
        words = shlex.split(example)
        params = {}
        for i, word in enumerate(words):
            if word == "--param" and i + 1 < len(words) and "=" in words[i + 1]:
                key, value = words[i + 1].split("=", 1)
                params[key] = value
        return params
    return {}


def request_paths(base: str) -> list[str]:
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    connection.request("GET", "/queries")
    catalogue = json.loads(connection.getresponse().read())
    connection.close()
    paths = []
    for item in catalogue:
        params = example_params(item["examples"])
        paths.append(f"/queries/{item['name']}?" + urllib.parse.urlencode({**params, "format": "json"}))
    return paths


def client(base: str, paths: list[str], offset: int, stop: float, budget, results: list, lock) -> None:
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    i = offset
    while time.monotonic() < stop:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            body = response.read()
            status = response.status
            if status == 200:
                json.loads(body)  # a complete, well-formed answer
        except Exception as exc:  # a dropped connection counts as an error, then reconnect
            status = type(exc).__name__
            connection.close()
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        results.append((time.perf_counter() - started, status, path.split("?")[0]))
    connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=0,
                        help="query workers of the server (default: its own)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only this named query (repeatable; default: all of them)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--root", type=Path, metavar="DIR",
                        help="serve this built project as it is (e.g. bench/run.py's 1 M-triple copy) "
                             "instead of a private copy of this checkout")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gdkg-serve-bench-"))
    try:
        if args.root is None:
            for name in ("ontology", "data", "shapes", "queries"):
                shutil.copytree(ROOT / name, work / name)
            if (ROOT / "build").is_dir():
                shutil.copytree(ROOT / "build", work / "build")  # reused if fresh, else rebuilt
        process, base = start_server(args.root or work, args.workers)
        try:
            paths = [p for p in request_paths(base)
                     if not args.only or p.split("?")[0].rsplit("/", 1)[-1] in args.only]
            if not paths:
                raise SystemExit(f"no named query among {args.only}")
            time.sleep(0.5)
            before = rss_kib(process.pid)
            results: list = []
            lock = threading.Lock()
            budget = [args.max_requests]
            started = time.monotonic()
            stop = started + args.seconds
            threads = [threading.Thread(target=client, args=(base, paths, n, stop, budget, results, lock))
                       for n in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.seconds + 60)
            elapsed = time.monotonic() - started
            after = rss_kib(process.pid)
        finally:
            process.terminate()
            process.wait(15)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    latencies = [r[0] for r in results]
    statuses = Counter(str(r[1]) for r in results)
    errors = {k: v for k, v in statuses.items() if k != "200"}
    per_query = Counter(r[2] for r in results)
    by_query: dict[str, list[float]] = {}
    for seconds, _status, path in results:
        by_query.setdefault(path, []).append(seconds)
    slowest = sorted(((statistics.median(v) * 1000, k) for k, v in by_query.items()), reverse=True)[:5]
    figures = {
        "clients": args.clients, "seconds": round(elapsed, 2), "named_queries": len(paths),
        "requests": len(results), "throughput_per_s": round(len(results) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, 0.5) * 1000, 1),
                       "p90": round(percentile(latencies, 0.9) * 1000, 1),
                       "p99": round(percentile(latencies, 0.99) * 1000, 1),
                       "max": round(max(latencies) * 1000, 1),
                       "mean": round(statistics.mean(latencies) * 1000, 1)} if latencies else {},
        "errors": sum(errors.values()), "errors_by_status": errors,
        "server_rss_mib": {"before": round(before / 1024, 1), "after": round(after / 1024, 1)},
        "requests_per_query": dict(sorted(per_query.items())),
        "slowest_median_ms": {path: round(ms, 1) for ms, path in slowest},
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        lat = figures["latency_ms"]
        print(f"{figures['clients']} clients × {figures['seconds']} s over {figures['named_queries']} "
              f"named queries ({figures['cpus']} CPUs)")
        print(f"  requests   {figures['requests']}  ({figures['throughput_per_s']}/s)")
        print(f"  latency    p50 {lat['p50']} ms  p90 {lat['p90']} ms  p99 {lat['p99']} ms  "
              f"max {lat['max']} ms")
        print(f"  errors     {figures['errors']} {errors or ''}")
        print("  slowest    " + ", ".join(f"{p.rsplit('/', 1)[-1]} {ms} ms"
                                          for p, ms in figures["slowest_median_ms"].items()))
        print(f"  server RSS {figures['server_rss_mib']['before']} MiB before, "
              f"{figures['server_rss_mib']['after']} MiB after (server + query workers)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
