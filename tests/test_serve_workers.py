"""The query worker pool of `gdkg serve` on its own: answers, the timeout, and recovery."""

from __future__ import annotations

import threading
import time

import pytest

from gdkg.serve.workers import WorkerPool
from gdkg.sparql_safety import QueryTimeout

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# 附件 1 (seeds/001): 21 prefecture cities
CITIES = "SELECT ?c WHERE { ?c a gd:City }"


@pytest.fixture(scope="module")
def pool(kg):
    with WorkerPool(kg.paths, size=2) as workers:
        yield workers


def test_answers_and_caps_rows(pool):
    outcome = pool.run(CITIES, timeout=10)
    assert outcome.form == "SELECT" and len(outcome.rows) == 21 and not outcome.truncated
    capped = pool.run(CITIES, timeout=10, max_rows=5)
    assert len(capped.rows) == 5 and capped.truncated
    written = pool.run(CITIES, timeout=10, media="text/csv")
    assert written.body.decode().splitlines()[0] == "c" and len(written.body.decode().splitlines()) == 22


def test_timeout_kills_and_replaces_the_worker(pool):
    before = set(pool.pids())
    answers = []

    def normal():
        time.sleep(0.3)
        answers.append(len(pool.run(CITIES, timeout=10).rows))

    thread = threading.Thread(target=normal)
    thread.start()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pool.run(CARTESIAN, timeout=1)
    assert 0.9 <= time.monotonic() - started < 5
    thread.join(10)
    assert answers == [21]  # answered by the other worker while the runaway one ran
    deadline = time.monotonic() + 30
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = set(pool.pids())
    assert len(after) == 2 and len(after - before) == 1  # one replaced
    time.sleep(1.5)  # a replacement must outlive the thread that started it
    results = []
    threads = [threading.Thread(target=lambda: results.append(len(pool.run(CITIES, timeout=10).rows)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results == [21, 21, 21, 21]
    assert set(pool.pids()) == after


def test_workers_open_the_on_disk_store_read_only(pool, kg):
    """Each worker opens build/'s Oxigraph store (no copy of the graph of its own), read-only."""
    import os
    from pathlib import Path

    from gdkg.serve.workers import _open_graph

    build_dir = Path(kg.paths[0]).parent
    stores = [p for p in build_dir.iterdir() if p.name.startswith("store-")]
    if not stores or not Path("/proc/self/fd").is_dir():
        pytest.skip("no on-disk store in this build, or no /proc to look into the workers")
    for pid in pool.pids():
        opened = {os.path.realpath(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        assert any(path.startswith(str(stores[0].resolve())) for path in opened), pid
    graph = _open_graph(list(kg.paths))
    assert len(graph) == len(kg)
    with pytest.raises((OSError, RuntimeError), match="read-write|read.only"):
        graph._store.update("INSERT DATA { <urn:x> <urn:y> <urn:z> }")
