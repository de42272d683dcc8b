"""Query worker processes: the endpoint's queries run here, so a runaway one can be killed.

A SPARQL engine cannot be interrupted from another thread, so each query runs in
one of a few worker processes that open the reasoned graph (build/'s on-disk
Oxigraph store, read-only, like :meth:`gdkg.store.KnowledgeGraph.open`). When a query outlives its timeout
its worker is killed and replaced in the background; the other workers keep
answering. A worker's address space can be bounded (``memory_mb``) so a query
that tries to gather everything dies alone instead of taking the machine.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Node

from ..sparql_safety import QueryTimeout, SparqlError, syntax_error

# "spawn", not fork: the server is threaded, and a fork taken while another thread holds a
# lock inside the engine would leave the child stuck on it.
_CONTEXT = multiprocessing.get_context("spawn")


class EngineError(SparqlError):
    """The engine failed the query (message for the client)."""

    http_status = 500


class PoolBusy(SparqlError):
    """No worker became free in time."""

    http_status = 503


@dataclass
class Outcome:
    """A query's answer, gathered in the worker (at most ``max_rows`` rows or triples)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0
    body: bytes | None = None  # the answer written as ``media`` (then rows/triples are dropped)
    count: int = 0


def execute(kg, sparql: str, bindings: Mapping[str, Node] | None, max_rows: int | None,
            media: str | None = None) -> Outcome:
    """Run ``sparql`` on ``kg`` and gather at most ``max_rows`` rows/triples; with ``media``,
    write them in that format here (so only bytes travel back to the server)."""
    started = time.perf_counter()
    answer = kg.execute(sparql, bindings)
    outcome = Outcome(answer.form, list(answer.variables), boolean=answer.boolean)
    source = answer.rows if answer.form == "SELECT" else answer.triples
    target = outcome.rows if answer.form == "SELECT" else outcome.triples
    if answer.form != "ASK":
        for item in source:
            if max_rows is not None and len(target) >= max_rows:
                outcome.truncated = True
                break
            target.append(item)
    outcome.count = len(target)
    if media is not None:
        from .formats import render

        outcome.body = render(outcome, media)
        outcome.rows, outcome.triples = [], []
    outcome.seconds = time.perf_counter() - started
    return outcome


def _die_with_parent() -> None:
    """End this worker soon after the server process goes away, even mid-query.

    (Not PR_SET_PDEATHSIG: that fires when the *thread* that started the worker ends, and
    replacement workers are started from short-lived threads.)"""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="gdkg-worker-watchdog").start()


def _worker_main(paths: list[str], conn, memory_mb: int | None) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers stop
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    kg = _open_graph([Path(p) for p in paths])
    conn.send(("ready", len(kg)))
    while True:
        try:
            sparql, bindings, max_rows, media = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", execute(kg, sparql, bindings, max_rows, media)))
        except MemoryError:
            conn.send(("error", (500, "the query needed more memory than a worker may use")))
        except SyntaxError as exc:  # the engine's parser: with line and column
            conn.send(("error", (400, str(syntax_error(sparql, str(exc))))))
        except Exception as exc:  # the engine's message goes back to the client
            conn.send(("error", (500, f"query failed: {type(exc).__name__}: {exc}")))


def _open_graph(paths: list[Path]):
    """The graph of build/'s N-Triples ``paths``: build/'s on-disk Oxigraph store opened
    read-only when the build wrote one (milliseconds, and the workers share the OS page
    cache instead of each holding a copy), else the N-Triples loaded into memory."""
    from ..persistent_store import open_store
    from ..store import KnowledgeGraph, default_store

    if default_store() == "oxigraph" and paths:
        import json

        build_dir = paths[0].parent
        try:
            manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        disk = open_store(build_dir, manifest) if isinstance(manifest, dict) else None
        if disk is not None:
            return KnowledgeGraph(paths, "oxigraph", opened=disk)
    return KnowledgeGraph(paths)


class _Worker:
    def __init__(self, paths: list[Path], memory_mb: int | None):
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=([str(p) for p in paths], child, memory_mb),
                                        daemon=True, name="gdkg-query-worker")
        self.process.start()
        child.close()
        self.triples = 0

    def wait_ready(self, timeout: float) -> bool:
        if not self.conn.poll(timeout):
            return False
        try:
            tag, count = self.conn.recv()
        except (EOFError, OSError):
            return False
        self.triples = count
        return tag == "ready"

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes over the graph in ``paths``; :meth:`run` is thread-safe."""

    def __init__(self, paths: list[Path], size: int = 2, memory_mb: int | None = None,
                 startup_timeout: float = 120):
        self.paths = list(paths)
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.startup_timeout = startup_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0

    def start(self) -> WorkerPool:
        workers = [_Worker(self.paths, self.memory_mb) for _ in range(self.size)]
        for worker in workers:
            if not worker.wait_ready(self.startup_timeout):
                for w in workers:
                    w.kill()
                raise RuntimeError("a query worker did not start (could not load the graph from build/)")
            self._all.add(worker)
            self._idle.put(worker)
        return self

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all if w.process.pid)

    def run(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
            timeout: float, max_rows: int | None = None, media: str | None = None,
            wait: float | None = None) -> Outcome:
        """Run one query on a free worker; stop it after ``timeout`` seconds.

        Waits at most ``wait`` seconds (default: ``timeout``) for a free worker."""
        deadline = time.monotonic() + (timeout if wait is None else wait)
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise PoolBusy("all query workers are busy; try again shortly") from None
            if worker.process.is_alive():
                try:
                    worker.conn.send((sparql, dict(bindings or {}), max_rows, media))
                    break
                except OSError:
                    pass
            self._replace(worker)  # it died while idle: replace it, take the next one
        healthy = False
        try:
            if not worker.conn.poll(timeout):
                raise QueryTimeout(timeout)
            try:
                tag, payload = worker.conn.recv()
            except (EOFError, OSError):
                raise EngineError("the query engine stopped while running this query "
                                  "(it probably needed more memory than a worker may use)") from None
            healthy = True
            if tag == "error":
                status, message = payload
                error = EngineError(message)
                error.http_status = status
                raise error
            return payload
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its successor in the background."""
        with self._lock:
            self._all.discard(worker)
            self.killed += 1
        worker.kill()
        threading.Thread(target=self._spawn_one, daemon=True, name="gdkg-worker-respawn").start()

    def _spawn_one(self) -> None:
        if self._closed:
            return
        fresh = _Worker(self.paths, self.memory_mb)
        if not fresh.wait_ready(self.startup_timeout):
            fresh.kill()
            return
        with self._lock:
            if self._closed:
                fresh.kill()
                return
            self._all.add(fresh)
        self._idle.put(fresh)


def default_workers() -> int:
    """Three workers at least (one or two may be busy with runaway queries until their
    timeout), at most four; each opens build/'s store read-only (or, without one, holds
    its own copy of the graph)."""
    return max(3, min(4, os.cpu_count() or 2))
