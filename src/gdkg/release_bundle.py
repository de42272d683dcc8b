"""``gdkg release``: a versioned dataset bundle someone else can use without gdkg.

Files (all deterministic: two releases of the same input are byte-identical)::

    asserted.ttl  asserted.nt.gz  asserted.jsonld    ontology + data as written
    inferred.ttl  inferred.nt.gz  inferred.jsonld    what OWL RL adds
    ontology/*.ttl  shapes/*.ttl                     the model and its SHACL checks
    void.ttl                                         VoID + DCAT description
    SHA256SUMS                                       `sha256sum -c SHA256SUMS` checks the rest

The description gives the version, licence, the source documents with their
identifiers, triple counts, entity counts per class and the build's SHACL result.
It has no timestamp unless one is given (``--issued`` or ``$SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import __version__
from .digest_memo import sha256_file
from .language import BilingualError, fmt, os_reason
from .load import Triple, load_triples
from .manifest import is_fresh, read_manifest
from .namespaces import DCTERMS, GD, PREFIXES
from .project import Project
from .serialize import turtle

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DATASET_BASE = "https://w3id.org/gdkg/release/"
CHECKSUMS = "SHA256SUMS"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_MEDIA = {".ttl": "text/turtle", ".nt.gz": "application/n-triples", ".jsonld": "application/ld+json"}


class ReleaseError(BilingualError):
    """The release cannot be written as asked; nothing was written."""


def default_output() -> Path:
    return Path.cwd() / f"gdkg-{__version__}"


def write_release(project: Project, output: str | os.PathLike[str] | None = None, *,
                  issued: str | None = None, progress: bool = False, lang: str = "en") -> Path:
    """Write the bundle of ``project``'s build (built first if stale) into ``output``."""
    from .pipeline import build
    from .progress import stderr_timer

    target = Path(output).expanduser() if output is not None else default_output()
    if target.exists() or target.is_symlink():
        raise ReleaseError(f"{target}: already exists; releases are never overwritten "
                           "(give a new directory with -o, or remove it)",
                           f"{target}：已存在；发布包不会被覆盖（请用 -o 指定新目录，或先删除它）")
    parent = target.resolve().parent
    if not parent.is_dir():
        raise ReleaseError(f"{target}: parent directory {parent} does not exist",
                           f"{target}：上级目录 {parent} 不存在")
    issued = _issued(issued)
    timer = stderr_timer(quiet=not progress, lang=lang)
    if not is_fresh(project):
        build(project, timer=timer)
    manifest = read_manifest(project) or {}
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".release", dir=parent))
    except OSError as exc:
        raise ReleaseError(fmt("{target}: cannot write in {parent}: {reason}",
                               "{target}：无法在 {parent} 中写入：{reason}",
                               target=target, parent=parent, reason=os_reason(exc))) from None
    try:
        with timer.stage("write release"):
            _write_bundle(project, manifest, staging, issued)
            os.chmod(staging, 0o777 & ~_umask())
            os.rename(staging, target)  # fails rather than replace a directory made meanwhile
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(fmt("{target}: could not write the release: {reason}; nothing was written",
                               "{target}：无法写出发布包：{reason}；未写入任何内容",
                               target=target, reason=os_reason(exc))) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _issued(issued: str | None) -> str | None:
    if issued is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if not epoch:
            return None
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise ReleaseError(f"SOURCE_DATE_EPOCH={epoch!r}: expected seconds since 1970",
                               f"SOURCE_DATE_EPOCH={epoch!r}：应为自 1970 年起的秒数") from None
    try:
        return datetime.strptime(issued, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise ReleaseError(f"--issued {issued!r}: expected a date as YYYY-MM-DD",
                           f"--issued {issued!r}：应为 YYYY-MM-DD 格式的日期") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_bundle(project: Project, manifest: dict, out: Path, issued: str | None) -> None:
    build_dir = project.build_dir
    graphs: dict[str, set[Triple]] = {}
    for name in ("asserted", "inferred"):
        shutil.copyfile(build_dir / f"{name}.ttl", out / f"{name}.ttl")
        nt = (build_dir / f"{name}.nt").read_bytes()
        (out / f"{name}.nt.gz").write_bytes(gzip_bytes(nt))
        triples = load_triples([build_dir / f"{name}.nt"])
        graphs[name] = triples
        (out / f"{name}.jsonld").write_text(jsonld(triples), encoding="utf-8")
    for folder, files in (("ontology", project.ontology_files()), ("shapes", project.shape_files())):
        (out / folder).mkdir()
        for path in files:
            shutil.copyfile(path, out / folder / path.name)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    (out / "void.ttl").write_text(describe(graphs, manifest, files, out, issued), encoding="utf-8")
    files = sorted(p for p in out.rglob("*") if p.is_file())
    lines = [f"{sha256_file(p)}  {p.relative_to(out).as_posix()}\n" for p in files]
    (out / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a timestamp or file name, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(data)
    return buffer.getvalue()


# ---------------------------------------------------------------- JSON-LD


def _compact(iri: str, namespaces: list[tuple[str, str]]) -> str:
    for name, namespace in namespaces:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if not local.startswith("//"):
                return f"{name}:{local}"
    return iri


def jsonld(triples: set[Triple]) -> str:
    """Triples as JSON-LD: the prefixes as @context, one node object per subject in
    sorted order, every value an array in sorted order (so the text is deterministic)."""
    namespaces = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))

    def node_id(term) -> str:
        return f"_:{term}" if isinstance(term, BNode) else _compact(str(term), namespaces)

    def value(term) -> dict:
        if isinstance(term, Literal):
            item: dict = {"@value": str(term)}
            if term.language:
                item["@language"] = term.language
            elif term.datatype is not None and term.datatype != XSD.string:
                item["@type"] = _compact(str(term.datatype), namespaces)
            return item
        return {"@id": node_id(term)}

    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(node_id(s), {})
        if p == RDF.type and not isinstance(o, Literal):
            node.setdefault("@type", []).append(node_id(o))
        else:
            node.setdefault(_compact(str(p), namespaces), []).append(value(o))
    graph = []
    for subject in sorted(nodes):
        entry: dict = {"@id": subject}
        for key in sorted(nodes[subject], key=lambda k: (k != "@type", k)):
            values = nodes[subject][key]
            if key == "@type":
                entry[key] = sorted(values)
            else:
                entry[key] = sorted(values, key=lambda v: json.dumps(v, ensure_ascii=False,
                                                                     sort_keys=True))
        graph.append(entry)
    context = {name: PREFIXES[name] for name in sorted(PREFIXES)}
    return json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1,
                      sort_keys=False) + "\n"


# ---------------------------------------------------------------- VoID / DCAT


def _documents(asserted: set[Triple]) -> list[dict]:
    """The source documents (gd:PolicyDocument) with title, identifier, date and key."""
    docs = sorted({s for s, p, o in asserted if p == RDF.type and o == GD.PolicyDocument}, key=str)
    wanted = {DCTERMS.title, DCTERMS.identifier, DCTERMS.issued, GD.documentKey}
    facts: dict = {d: [] for d in docs}
    for s, p, o in asserted:
        if s in facts and p in wanted:
            facts[s].append((p, o))
    return [{"iri": d, "facts": sorted(facts[d], key=lambda f: (str(f[0]), str(f[1])))} for d in docs]


def describe(graphs: dict[str, set[Triple]], manifest: dict, files: list[Path], out: Path,
             issued: str | None) -> str:
    """The VoID/DCAT description of the bundle as sorted Turtle."""
    asserted, inferred = graphs["asserted"], graphs["inferred"]
    version = manifest.get("gdkg_version", __version__)
    input_hash = manifest.get("input_hash", "")
    base = f"{DATASET_BASE}{version}"
    ds = URIRef(base)
    u = URIRef

    def lit(text, **kw) -> Literal:
        return Literal(text, **kw)

    t: set[Triple] = set()
    add = t.add
    for cls in (DCAT + "Dataset", VOID + "Dataset"):
        add((ds, RDF.type, u(cls)))
    add((ds, DCTERMS.title, lit("Guangdong strategic industry clusters knowledge graph", lang="en")))
    add((ds, DCTERMS.title, lit("广东省战略性产业集群知识图谱", lang="zh")))
    add((ds, DCTERMS.description, lit(
        "The 20 strategic industry clusters of Guangdong (10 pillar, 10 emerging), their "
        "sub-fields laid out across the 21 prefecture cities, and the enterprises, projects, "
        "platforms, figures and departments the plans name; every fact cites its source "
        "document section.", lang="en")))
    add((ds, DCTERMS.description, lit("广东省20个战略性产业集群（10个支柱、10个新兴）、分布于21个地级市的"
                                      "细分领域，以及规划点名的企业、项目、平台、指标与部门；每条事实注明来源章节。",
                                      lang="zh")))
    add((ds, DCTERMS.license, u(LICENSE)))
    add((ds, u(DCAT + "version"), lit(version)))
    add((ds, u(OWL + "versionInfo"), lit(version)))
    add((ds, DCTERMS.identifier, lit(f"gdkg-{version}+{input_hash[:16]}")))
    add((ds, u(RDFS + "comment"), lit(f"built by gdkg {version} from sources with input hash "
                                      f"{input_hash} (reasoner: {manifest.get('reasoner', '?')})")))
    if issued:
        add((ds, DCTERMS.issued, lit(issued, datatype=XSD.date)))
    add((ds, u(VOID + "triples"), lit(len(asserted) + len(inferred))))
    subjects = {s for s, p, o in asserted if p == RDF.type and isinstance(s, URIRef)}
    add((ds, u(VOID + "entities"), lit(len(subjects))))
    add((ds, u(VOID + "vocabulary"), u(str(GD))))
    for name in sorted(PREFIXES):
        if name in ("gd", "skos", "prov", "dcterms", "org", "qb", "wgs"):
            add((ds, u(VOID + "vocabulary"), u(PREFIXES[name])))
    add((ds, u(VOID + "uriSpace"), lit("https://w3id.org/gdkg/id/")))
    # sources, with their identifiers
    for doc in _documents(asserted):
        add((ds, DCTERMS.source, doc["iri"]))
        for p, o in doc["facts"]:
            add((doc["iri"], p, o))
    # the two graphs as subsets, entity counts per class (instances after reasoning)
    for name, triples in graphs.items():
        part = u(f"{base}#{name}")
        add((ds, u(VOID + "subset"), part))
        add((part, RDF.type, u(VOID + "Dataset")))
        add((part, DCTERMS.title, lit({"asserted": "asserted: ontology and data as written",
                                       "inferred": "inferred by OWL 2 RL"}[name], lang="en")))
        add((part, u(VOID + "triples"), lit(len(triples))))
    for cls, n in sorted(manifest.get("instances", {}).items()):
        local = cls.split(":", 1)[1]
        part = u(f"{base}#class-{local}")
        add((ds, u(VOID + "classPartition"), part))
        add((part, u(VOID + "class"), u(str(GD) + local)))
        add((part, u(VOID + "entities"), lit(n)))
    # the build's validation result
    report = u(f"{base}#validation")
    results = manifest.get("results", {})
    add((ds, DCTERMS.conformsTo, u(f"{base}#shapes")))
    add((u(f"{base}#shapes"), RDF.type, DCTERMS.Standard))
    add((u(f"{base}#shapes"), DCTERMS.title, lit("the SHACL shapes in shapes/", lang="en")))
    add((report, RDF.type, u(SH + "ValidationReport")))
    add((report, u(SH + "conforms"), lit(bool(manifest.get("conforms", False)))))
    add((report, u(RDFS + "comment"), lit(
        ", ".join(f"{results.get(s, 0)} {s}" for s in ("violation", "warning", "info")))))
    add((ds, u(RDFS + "seeAlso"), report))
    # distributions: every file of the bundle
    for path in files:
        rel = path.relative_to(out).as_posix()
        dist = u(f"{base}#file-{rel}")
        add((ds, u(DCAT + "distribution"), dist))
        add((dist, RDF.type, u(DCAT + "Distribution")))
        add((dist, DCTERMS.title, lit(rel)))
        add((dist, u(DCAT + "byteSize"), lit(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        media = next((m for suffix, m in _MEDIA.items() if rel.endswith(suffix)), None)
        if media:
            add((dist, u(DCAT + "mediaType"), u(f"https://www.iana.org/assignments/media-types/{media}")))
        if rel.endswith(".nt.gz"):
            add((dist, u(DCAT + "compressFormat"),
                 u("https://www.iana.org/assignments/media-types/application/gzip")))
    prefixes = dict(PREFIXES, dcat=DCAT, void=VOID, release=base + "#")
    head = (f"# gdkg {version} release: VoID/DCAT description of this bundle.\n"
            f"# {CHECKSUMS} holds the SHA-256 of every file; check with `sha256sum -c {CHECKSUMS}`.\n")
    return turtle(t, prefixes, header=head)
