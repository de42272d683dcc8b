"""The build pipeline: load → reason → validate → write build/.

Outputs (all sorted, written atomically, manifest last):
  build/asserted.ttl, build/asserted.nt   ontology + data as written
  build/inferred.ttl, build/inferred.nt   what OWL RL adds (closure minus asserted)
  build/validation.txt, validation.json   the SHACL report in words, and as data
  build/manifest.json                     input hash, counts, timings; the cache key
Later commands reuse these when the input hash is unchanged.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF

from . import __version__
from .load import Triple, load_triples
from .manifest import MANIFEST, is_fresh, read_manifest
from .namespaces import GD
from .progress import Timer
from .project import Project
from .reason import Engine, available_engine, closure
from .serialize import ntriples, turtle, write_atomic
from .validation.shacl import ValidationReport, start_validation


@dataclass
class BuildResult:
    """What a build produced; also what ``gdkg build`` prints."""

    project: Project
    input_hash: str
    asserted: int
    inferred: int
    instances: dict[str, int]
    report: ValidationReport | None
    timer: Timer
    reasoner: str
    cached: bool = False
    manifest: dict = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        if self.report is not None:
            return self.report.conforms
        return bool(self.manifest.get("conforms", True))


def build(project: Project | None = None, *, engine: Engine = "auto", force: bool = False,
          timer: Timer | None = None) -> BuildResult:
    """Run the pipeline on ``project`` (found from the working directory by default)."""
    project = project or Project.find()
    timer = timer or Timer()
    input_hash = project.input_hash()
    manifest = read_manifest(project) or {}
    # a cache made by another reasoner than the one asked for is not reused
    same_reasoner = engine == "auto" or manifest.get("reasoner") == available_engine(engine)
    if not force and same_reasoner and is_fresh(project, input_hash):
        return BuildResult(project, input_hash, manifest["asserted"], manifest["inferred"],
                           manifest["instances"], None, timer, manifest["reasoner"],
                           cached=True, manifest=manifest)

    files = project.graph_files()
    with timer.stage(f"load {len(files)} files"):
        asserted: set[Triple] = load_triples(files, shown=project.relative)
        shape_triples = load_triples(project.shape_files(), shown=project.relative)
    # SHACL runs on the asserted graph, so it needs nothing from the reasoner:
    # on a machine with more than one core it runs in a child process meanwhile.
    pending = start_validation(asserted, shape_triples)
    reasoner = available_engine(engine)
    with timer.stage(f"reason (OWL RL: {reasoner})"):
        reasoned = closure(asserted, engine)
        inferred = reasoned - asserted
    instances = count_instances(reasoned)
    with timer.stage("write build/"):
        out = project.build_dir
        head = f"# gdkg {__version__} build; input hash {input_hash[:16]}\n"
        write_atomic(out / "asserted.ttl", turtle(asserted, header=head + "# asserted: ontology + data\n"))
        write_atomic(out / "asserted.nt", ntriples(asserted))
        write_atomic(out / "inferred.ttl", turtle(inferred, header=head + "# inferred by OWL RL\n"))
        write_atomic(out / "inferred.nt", ntriples(inferred))
    with timer.stage("validate (SHACL)" + (" — ran alongside" if pending.parallel else "")):
        report = pending.result()
    with timer.stage("write report and manifest"):
        write_atomic(out / "validation.txt", report_text(report, project))
        write_atomic(out / "validation.json", report.to_json())
        manifest = {
            "gdkg_version": __version__,
            "input_hash": input_hash,
            "reasoner": reasoner,
            "asserted": len(asserted),
            "inferred": len(inferred),
            "instances": instances,
            "conforms": report.conforms,
            "results": dict(report.counts()),
        }
        write_atomic(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2,
                                                sort_keys=True) + "\n")
    return BuildResult(project, input_hash, len(asserted), len(inferred), instances, report,
                       timer, reasoner, manifest=manifest)


def count_instances(triples: set[Triple]) -> dict[str, int]:
    """Instances per gd: class (subclass instances counted in their superclasses too)."""
    counts: Counter[str] = Counter()
    prefix = str(GD)
    for _, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(prefix):
            counts["gd:" + str(o)[len(prefix):]] += 1
    return dict(sorted(counts.items()))


def report_text(report: ValidationReport, project: Project | None = None,
                lang: str = "en", limit: int | None = None, floor: str = "info") -> str:
    """The validation report as text, grouped by focus node; results below ``floor``
    are only counted."""
    import re

    from .namespaces import PREFIXES
    from .serialize import _Compactor
    from .validation.shacl import SEVERITY_ORDER

    compact = _Compactor(PREFIXES)
    lines = [f"SHACL: {report.summary()}"]
    shown = [r for r in report.results if SEVERITY_ORDER[r.severity] >= SEVERITY_ORDER[floor]]
    results = shown if limit is None else shown[:limit]
    iri = re.compile(r"https?://[^\s<>\"'{}|^`,;)]+")
    focus = None
    for result in results:
        if result.focus != focus:
            focus = result.focus
            lines.append(f"{compact.iri(focus)}")
        path = f" {compact.iri(result.path)}" if result.path else ""
        value = ""
        if result.value is not None:
            rendered = compact.iri(result.value) if result.value.startswith("http") else result.value
            value = f" (value {rendered})"
        message = iri.sub(lambda m: compact.iri(m.group(0)), result.message(lang))
        lines.append(f"  [{result.severity}]{path}: {message}{value}")
    if len(results) < len(shown):
        lines.append(f"… and {len(shown) - len(results)} more (see build/validation.txt)")
    if len(shown) < len(report.results):
        lines.append(f"({len(report.results) - len(shown)} results below {floor}: "
                     "see build/validation.txt)")
    return "\n".join(lines) + "\n"


def summary_text(result: BuildResult, top: int = 40, lang: str = "en") -> str:
    """What ``gdkg build`` prints when it is done (see :mod:`gdkg.build_report`)."""
    from .build_report import summary_text as render

    return render(result, lang, top)
