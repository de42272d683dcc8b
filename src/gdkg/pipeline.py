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
import sys
from collections import Counter
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF

from . import __version__
from .digest_memo import DigestMemo
from .forked import Forked
from .language import Text, fmt, join, note
from .load import MAX_GRAPH_FILES, LoadError, Triple, load_triples
from .manifest import (  # noqa: F401 (is_fresh: re-exported)
    ARTEFACTS,
    MANIFEST,
    cache_state,
    check_build_dir,
    file_record,
    is_fresh,
    read_manifest,
)
from .namespaces import GD
from .persistent_store import remove_other_stores, remove_store, store_name, write_store
from .progress import Timer
from .project import Project
from .reason import Engine, available_engine, closure
from .safe_io import check_writable, sweep_temporaries, write_all_atomic
from .serialize import ntriples, turtle
from .validation.schema_guard import check_data_files
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
    """Run the pipeline on ``project`` (found from the working directory by default).

    Holds the project lock (one writer at a time); reuses build/ when its manifest
    matches the inputs and every file in it is intact (size and SHA-256)."""
    from .journal import recover
    from .locking import project_lock

    project = project or Project.find()
    timer = timer or Timer()
    with project_lock(project, "build"):
        recover(project)
        # one memo of digests for the whole build: the inputs and the store's files are hashed
        # once here, and the next command need not read them again to check the cache
        memo = DigestMemo(project.build_dir)
        input_hash = project.input_hash(memo)
        state = cache_state(project, input_hash, check_hashes=True, memo=memo)
        manifest = read_manifest(project) or {}
        # a cache made by another reasoner than the one asked for is not reused
        same_reasoner = engine == "auto" or manifest.get("reasoner") == available_engine(engine)
        if not force and state.fresh and same_reasoner:
            return BuildResult(project, input_hash, manifest["asserted"], manifest["inferred"],
                               manifest["instances"], None, timer, manifest["reasoner"],
                               cached=True, manifest=manifest)
        if state.damaged and not force:
            print(note(join(state.problems) + Text(": rebuilding", "：重新构建")), file=sys.stderr)
        result = _build(project, input_hash, engine, timer, memo)
        sweep_temporaries(project.build_dir)
        return result


def _build(project: Project, input_hash: str, engine: Engine, timer: Timer,
           memo: DigestMemo) -> BuildResult:
    check_build_dir(project)
    for name in (*ARTEFACTS, MANIFEST):  # refuse a directory or link there before the work
        check_writable(project.build_dir / name, f"{project.relative(project.build_dir)}/{name}")
    files = project.graph_files()
    if len(files) > MAX_GRAPH_FILES:
        raise LoadError(project.relative(project.data_dir),
                        fmt("{n:,} Turtle files, over the limit of {limit:,}",
                            "{n:,} 个 Turtle 文件，超过上限 {limit:,}",
                            n=len(files), limit=MAX_GRAPH_FILES),
                        hint=Text("merge small files", "请合并小文件"))
    with timer.stage(f"load {len(files)} files"):
        asserted: set[Triple] = load_triples(files, shown=project.relative)
        shape_triples = load_triples(project.shape_files(), shown=project.relative)
    check_data_files(project, asserted)  # data files cannot change the ontology (exit 1)
    # SHACL runs on the asserted graph, so it needs nothing from the reasoner:
    # on a machine with more than one core it runs in a child process meanwhile.
    pending = start_validation(asserted, shape_triples, files)
    reasoner = available_engine(engine)
    with timer.stage(f"reason (OWL RL: {reasoner})"):
        reasoned = closure(asserted, engine)
        inferred = reasoned - asserted
    instances = count_instances(reasoned)
    with timer.stage("serialise"):
        head = f"# gdkg {__version__} build; input hash {input_hash[:16]}\n"
        # the inferred graph's files on another core meanwhile (pure Python: ~17 s at 1M triples)
        inferred_files = Forked(_serialised, inferred, head + "# inferred by OWL RL\n", "inferred",
                                what="serialising the inferred triples")
        outputs = _serialised(asserted, head + "# asserted: ontology + data\n", "asserted")
        outputs.update(inferred_files.result())
    with timer.stage("validate (SHACL)" + (" — ran alongside" if pending.parallel else "")):
        report = pending.result()
    with timer.stage("write build/"):
        out = project.build_dir
        check_build_dir(project)
        outputs["validation.txt"] = report_text(report, project)
        outputs["validation.json"] = report.to_json()
        encoded = {name: text.encode("utf-8") for name, text in outputs.items()}
        # the on-disk store later commands open read-only (listed in the manifest like the
        # other files, so the cache checks cover it)
        store = store_name(input_hash)
        store_records = write_store(out, store, [encoded["asserted.nt"], encoded["inferred.nt"]], memo)
        manifest = {
            "gdkg_version": __version__,
            "input_hash": input_hash,
            "reasoner": reasoner,
            "asserted": len(asserted),
            "inferred": len(inferred),
            "instances": instances,
            "conforms": report.conforms,
            "results": dict(report.counts()),
            "files": {**{name: file_record(data) for name, data in sorted(encoded.items())},
                      **store_records},
            "store": store if store_records else None,
        }
        encoded[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                             + "\n").encode("utf-8")
        # every file staged first, renamed in place after (manifest last): a failure while
        # writing (a full disk) leaves the previous build as it was
        try:
            write_all_atomic([(out / name, data) for name, data in encoded.items()],
                             {out / name: project.relative(out / name) for name in encoded})
        except BaseException:  # the previous build stays as it was: without the new store
            remove_store(out, store)
            raise
        remove_other_stores(out, manifest["store"])
        # the input hash and the store's digests; the files just renamed into place are not
        # offered (their change time is now: the memo's racy window would refuse them)
        memo.save(keep=[*manifest["files"], "input"])
    return BuildResult(project, input_hash, len(asserted), len(inferred), instances, report,
                       timer, reasoner, manifest=manifest)


def _serialised(triples: set[Triple], header: str, name: str) -> dict[str, str]:
    """``name``.ttl and ``name``.nt of ``triples``: sorted Turtle and sorted N-Triples."""
    return {f"{name}.ttl": turtle(triples, header=header), f"{name}.nt": ntriples(triples)}


def count_instances(triples: set[Triple]) -> dict[str, int]:
    """Instances per gd: class (subclass instances counted in their superclasses too)."""
    counts: Counter[str] = Counter()
    prefix, rdf_type = str(GD), frozenset({RDF.type})  # (membership: no rdflib __eq__ per triple)
    for _, p, o in triples:
        if p in rdf_type and isinstance(o, URIRef) and str.startswith(o, prefix):
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
            if len(rendered) > 200:  # a literal may be 1,000,000 characters long
                rendered = f"{rendered[:200]}… ({len(rendered):,} characters)"
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
