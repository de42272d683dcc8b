"""Shared fixtures: the bundled project, its asserted triples and its reasoned graph."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from gdkg.load import load_triples, to_graph
from gdkg.pipeline import build
from gdkg.project import Project
from gdkg.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]

#: modules that take longest (about a minute of CPU each or more): run first, so that with
#: pytest-xdist (--dist loadfile) no worker starts one of them while the others are done
SLOW_FIRST = ("test_reasoner_equivalence.py", "test_validate_focused.py", "test_wheel.py",
              "test_hostile_io.py", "test_add.py", "test_bad_inputs.py", "test_serve_browser.py")


def pytest_collection_modifyitems(session, config, items) -> None:
    """Slow modules first (a stable sort: the order within each module is kept)."""
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session", autouse=True)
def own_user_cache(tmp_path_factory):
    """A per-user cache directory of this test session (each xdist worker has its own):
    commands that build the bundled graph outside a project never share, or touch, the
    real ~/.cache/gdkg. Tests that set XDG_CACHE_HOME themselves still do."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.find(ROOT)


@pytest.fixture(scope="session")
def built(project, tmp_path_factory):
    """A build of a private copy of the project, so tests never touch the checkout's build/."""
    copy = copy_project(project, tmp_path_factory.mktemp("gdkg"))
    return build(copy, force=True)


@pytest.fixture(scope="session")
def kg(built) -> KnowledgeGraph:
    return KnowledgeGraph.open(built.project, build_if_stale=False)


@pytest.fixture(scope="session")
def asserted(project):
    return load_triples(project.graph_files())


@pytest.fixture(scope="session")
def asserted_graph(asserted):
    return to_graph(asserted)


def copy_project(project: Project, target: Path) -> Project:
    """Copy ontology, data, shapes and queries into ``target`` (no build/)."""
    for name in ("ontology", "data", "shapes", "queries"):
        source = project.root / name
        if source.exists():
            shutil.copytree(source, target / name)
    return Project(target)


def select(kg: KnowledgeGraph, sparql: str, **bindings) -> list[dict]:
    """Rows of a SELECT as dicts of plain strings (IRIs and literal lexical forms)."""
    from rdflib import Literal, URIRef

    terms = {k: (URIRef(v) if str(v).startswith("http") else Literal(v)) for k, v in bindings.items()}
    return [{k: (None if v is None else str(v)) for k, v in row.items()}
            for row in kg.query(sparql, terms).rows]


BAD_INPUTS = Path(__file__).parent / "bad_inputs"

#: prefixes for Turtle snippets written by tests
TURTLE_HEAD = """\
@prefix gd:      <https://w3id.org/gdkg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix ent:     <https://w3id.org/gdkg/id/enterprise/> .
@prefix city:    <https://w3id.org/gdkg/id/city/> .
@prefix cluster: <https://w3id.org/gdkg/id/cluster/> .
@prefix fyp:     <https://w3id.org/gdkg/id/source/mfg-plan-14th-fyp/> .
"""


def gdkg(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process on the project at ``root``: (exit code, stdout, stderr)."""
    from gdkg.cli import main

    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, str]:
    """Every file and directory under ``folder`` with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file()
            else "dir" for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="session")
def network_source(built, kg):
    """The network queries' rows of the test build, read once for every network test."""
    from gdkg.network import NetworkSource

    return NetworkSource(kg, built.project)


@pytest.fixture(scope="session")
def gdkg_server(built):
    """`gdkg serve` in its own process on a free loopback port over the built copy (one for the
    session: test_serve*.py share it); its base URL. Stopped, with its workers, at the end."""
    import os
    import re
    import subprocess
    import sys
    import threading

    pytest.importorskip("starlette", reason="gdkg serve needs the serve extra (starlette)")
    pytest.importorskip("uvicorn", reason="gdkg serve needs the serve extra (uvicorn)")
    command = [sys.executable, "-c", "import sys; from gdkg.cli import main; sys.exit(main())",
               "--root", str(built.project.root), "serve", "--port", "0", "--timeout", "2",
               "--max-rows", "1000", "--max-body", "65536", "--workers", "2"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    ready = threading.Event()

    def read_stderr() -> None:
        for line in process.stderr:
            lines.append(line)
            if "listening on" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    ready.wait(120)
    found = next((re.search(r"http://(\S+?):(\d+)/", line) for line in lines if "listening on" in line), None)
    if found is None:
        process.kill()
        raise RuntimeError("gdkg serve did not start:\n" + "".join(lines))
    try:
        yield f"http://{found.group(1)}:{found.group(2)}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log = "".join(lines)
    assert "Traceback" not in log, f"gdkg serve failed a request:\n{log}"  # no 500 went unnoticed
