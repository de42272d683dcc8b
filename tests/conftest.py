"""Shared fixtures: the bundled project, its asserted triples and its reasoned graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gdkg.build import build
from gdkg.load import load_triples, to_graph
from gdkg.project import Project
from gdkg.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]


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
