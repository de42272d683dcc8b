"""The shapes give the same results in two independent SHACL engines.

pySHACL (what gdkg uses) and TopBraid SHACL 1.4.3 (the Java reference implementation,
bundled in the ``brick-tq-shacl`` package of the ``test`` extra; it runs on Java 17)
validate the bundled data and the merged snippets of tests/test_shapes.py. The sets of
(focus node, result path, severity) must be equal: a difference means a shape depends
on one engine's reading of SHACL or SPARQL. Skipped, with the reason, when Java or the
package is missing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from gdkg.load import load_triples, to_graph
from test_shapes import snippet_graph

Key = tuple[str, str | None, str]

_PATHS = ((SH.inversePath, "^"), (SH.alternativePath, "|"), (SH.zeroOrMorePath, "*"),
          (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def shacl_home() -> Path:
    if shutil.which("java") is None:
        pytest.skip("TopBraid SHACL needs Java, and `java` is not on PATH")
    spec = importlib.util.find_spec("brick_tq_shacl")
    if spec is None or spec.origin is None:
        pytest.skip("brick-tq-shacl (TopBraid SHACL) is not installed: pip install -e '.[test]'")
    home = Path(spec.origin).parent / "topquadrant_shacl"
    if not (home / "bin" / "shaclvalidate.sh").is_file():
        pytest.skip(f"brick-tq-shacl has no TopBraid launcher at {home}/bin")
    return home


def path_key(graph: Graph, node) -> str | None:
    """A result path as text, blank-node paths spelled out (e.g. (rdfs:label ^rdfs:label))."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if graph.value(node, RDF.first) is not None:
        return "(" + " ".join(path_key(graph, item) for item in Collection(graph, node)) + ")"
    for predicate, mark in _PATHS:
        inner = graph.value(node, predicate)
        if inner is not None:
            return mark + path_key(graph, inner)
    raise AssertionError(f"unknown path form {node}")


def result_keys(report: Graph) -> set[Key]:
    keys = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        keys.add((str(focus) if not isinstance(focus, BNode) else "_:blank",
                  path_key(report, report.value(result, SH.resultPath)),
                  str(severity).rpartition("#")[2]))
    return keys


def pyshacl_keys(data: Graph, shapes: Graph) -> set[Key]:
    """pySHACL with the options of gdkg.validation.shacl."""
    from pyshacl import validate

    _conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                        allow_warnings=True, allow_infos=True)
    return result_keys(report)


def topbraid_keys(data: Graph, shapes: Graph, workdir: Path) -> set[Key]:
    """TopBraid's command-line validator on the same data and shapes graphs."""
    home = shacl_home()
    data.serialize(workdir / "data.nt", format="nt", encoding="utf-8")
    shapes.serialize(workdir / "shapes.ttl", format="turtle", encoding="utf-8")
    proc = subprocess.run(
        ["sh", str(home / "bin" / "shaclvalidate.sh"), "-datafile", str(workdir / "data.nt"),
         "-shapesfile", str(workdir / "shapes.ttl")],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, SHACL_HOME=str(home)))
    # stdout is the report in Turtle, interleaved with log lines (which contain "::")
    turtle = "\n".join(line for line in proc.stdout.splitlines() if "::" not in line)
    assert "ValidationReport" in turtle, (
        f"TopBraid gave no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return result_keys(Graph().parse(data=turtle, format="turtle"))


def compare(data: Graph, shapes: Graph, workdir: Path) -> set[Key]:
    ours, theirs = pyshacl_keys(data, shapes), topbraid_keys(data, shapes, workdir)
    only_ours, only_theirs = sorted(ours - theirs, key=str), sorted(theirs - ours, key=str)
    assert not only_ours and not only_theirs, (
        "the engines disagree (focus, path, severity):\n"
        + "".join(f"  only pySHACL:  {k}\n" for k in only_ours)
        + "".join(f"  only TopBraid: {k}\n" for k in only_theirs))
    return ours


@pytest.fixture(scope="module")
def shapes(project) -> Graph:
    shacl_home()  # skip early, before any validation
    return to_graph(load_triples(project.shape_files()))


def test_engines_agree_on_the_bundled_data(project, shapes, tmp_path):
    data = to_graph(load_triples(project.graph_files()))
    compare(data, shapes, tmp_path)


def test_engines_agree_on_the_snippets(project, shapes, tmp_path):
    keys = compare(snippet_graph(project), shapes, tmp_path)
    # the snippets break every important rule: both engines must have found plenty
    assert {severity for _, _, severity in keys} == {"Violation", "Warning", "Info"}
    assert len(keys) > 40
