"""``gdkg diff A B``: what changed between two versions of the graph.

A and B are release bundles (``gdkg release``; their SHA256SUMS is verified),
build/ directories, or project directories (their build/). Both sides are read
as the sorted N-Triples gdkg writes, so a triple is a line and the comparison is
a set difference. Changes are counted per class (of the subject, from either
side's rdf:type) and per source document (the subject's prov:wasDerivedFrom
section, up dcterms:isPartOf to its document).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .language import BilingualError, count, say
from .namespaces import PREFIXES

_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
_PART_OF = "<http://purl.org/dc/terms/isPartOf>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_DOCUMENT = "<https://w3id.org/gdkg/ontology#PolicyDocument>"
NO_CLASS, NO_SOURCE = "(no class)", "(no source)"
GRAPHS = ("asserted", "inferred")


class DiffError(BilingualError):
    """A side is not a gdkg release or build; nothing to compare."""


Triple = tuple[str, str, str]


@dataclass
class Side:
    """One version of the graph: its asserted and inferred triples as N-Triples terms."""

    path: Path
    kind: str
    graphs: dict[str, set[Triple]]

    @property
    def asserted(self) -> set[Triple]:
        return self.graphs["asserted"]


def _parse(data: bytes, shown: str) -> set[Triple]:
    triples: set[Triple] = set()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffError(f"{shown}: not UTF-8 N-Triples (byte {exc.start})",
                        f"{shown}：不是 UTF-8 编码的 N-Triples（第 {exc.start} 字节）") from None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        subject, _, rest = line.partition(" ")
        predicate, _, obj = rest.partition(" ")
        if not (line.endswith(" .") and subject[:1] in "<_" and predicate.startswith("<") and obj):
            raise DiffError(f"{shown}:{number}: not an N-Triples line as gdkg writes them "
                            f"(expected '<s> <p> o .')",
                            f"{shown}:{number}：不是 gdkg 所写格式的 N-Triples 行（应为 '<s> <p> o .'）")
        triples.add((subject, predicate, obj[:-2].rstrip()))
    return triples


def _verify(folder: Path, shown: str) -> None:
    sums = folder / "SHA256SUMS"
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not name or len(digest) != 64:
            raise DiffError(f"{shown}/SHA256SUMS:{number}: expected '<sha256>  <file>'",
                            f"{shown}/SHA256SUMS:{number}：应为 '<sha256>  <file>'")
        path = folder / name
        if not path.is_file():
            raise DiffError(f"{shown}: {name} is listed in SHA256SUMS but missing",
                            f"{shown}：{name} 列在 SHA256SUMS 中，但文件不存在")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise DiffError(f"{shown}: {name} does not match its SHA-256 in SHA256SUMS "
                            "(the release was changed or is damaged)",
                            f"{shown}：{name} 与 SHA256SUMS 中的 SHA-256 不符（发布包被修改或已损坏）")


def read_side(where: str | os.PathLike[str]) -> Side:
    """Read a release, a build/ directory or a project's build/."""
    path = Path(where)
    shown = str(where)
    if not path.exists():
        raise DiffError(f"{shown}: no such file or directory", f"{shown}：文件或目录不存在")
    if not path.is_dir():
        raise DiffError(f"{shown}: a file, not a gdkg release or build directory",
                        f"{shown}：是文件，不是 gdkg 发布包或 build 目录")
    if (path / "SHA256SUMS").is_file() and (path / "asserted.nt.gz").is_file():
        _verify(path, shown)
        graphs = {}
        for name in GRAPHS:
            try:
                data = gzip.decompress((path / f"{name}.nt.gz").read_bytes())
            except (OSError, EOFError) as exc:
                raise DiffError(f"{shown}/{name}.nt.gz: not gzip: {exc}",
                                f"{shown}/{name}.nt.gz：不是 gzip 文件（「{exc}」）") from None
            graphs[name] = _parse(data, f"{shown}/{name}.nt.gz")
        return Side(path, "release", graphs)
    for folder, kind in ((path, "build"), (path / "build", "project build")):
        manifest = folder / "manifest.json"
        if manifest.is_file() and all((folder / f"{n}.nt").is_file() for n in GRAPHS):
            try:
                if "input_hash" not in json.loads(manifest.read_text(encoding="utf-8")):
                    raise ValueError
            except (ValueError, UnicodeDecodeError, TypeError):
                raise DiffError(f"{shown}: {manifest.name} is not a gdkg build manifest",
                                f"{shown}：{manifest.name} 不是 gdkg 的构建清单") from None
            graphs = {n: _parse((folder / f"{n}.nt").read_bytes(), f"{folder}/{n}.nt") for n in GRAPHS}
            return Side(path, kind, graphs)
    raise DiffError(f"{shown}: not a gdkg release or build directory (expected SHA256SUMS and "
                    "asserted.nt.gz from `gdkg release`, or manifest.json and asserted.nt from "
                    "`gdkg build`)",
                    f"{shown}：不是 gdkg 发布包或 build 目录（应有 `gdkg release` 写出的 SHA256SUMS 与 "
                    "asserted.nt.gz，或 `gdkg build` 写出的 manifest.json 与 asserted.nt）")


# ---------------------------------------------------------------- comparing


@dataclass
class GraphDiff:
    """Triples and entities added and removed, in total, per class and per source."""

    old: str
    new: str
    triples: dict[str, dict[str, int]]  # graph -> {"added": n, "removed": n}
    entities_added: list[dict[str, str]]  # {"iri": compact IRI, "label_en": …, "label_zh": …}
    entities_removed: list[dict[str, str]]
    per_class: dict[str, dict[str, int]] = field(default_factory=dict)
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(v["added"] or v["removed"] for v in self.triples.values())

    def to_dict(self) -> dict:
        return {
            "old": self.old, "new": self.new, "changed": self.changed, "triples": self.triples,
            "entities": {"added": self.entities_added, "removed": self.entities_removed},
            "per_class": self.per_class, "per_source": self.per_source,
        }

    def render(self, fmt: str = "text", lang: str = "en", limit: int = 50) -> str:
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        md = fmt == "md"
        lines = [("# " if md else "") + say(lang, f"gdkg diff {self.old} → {self.new}",
                                            f"gdkg 差异 {self.old} → {self.new}")]
        if not self.changed:
            lines.append(say(lang, "no change: the graphs are identical", "无变化：两个图相同"))
            return "\n".join(lines) + "\n"
        if md:
            lines.append("")
        for graph in GRAPHS:
            t = self.triples[graph]
            name = say(lang, graph, {"asserted": "断言", "inferred": "推理"}[graph])
            lines.append(("- " if md else "") + say(
                lang, f"{name} triples: +{t['added']} −{t['removed']}",
                f"{name}三元组：+{t['added']} −{t['removed']}"))
        for title, sign, rows in ((say(lang, "entities added", "新增实体"), "+", self.entities_added),
                                  (say(lang, "entities removed", "删除实体"), "-", self.entities_removed)):
            lines.append(("\n## " if md else "") + f"{title}: {len(rows)}")
            for row in rows[:limit]:
                iri, label = row["iri"], row.get(f"label_{lang}") or row.get("label_en", "")
                shown = f"`{iri}` {label}" if md else f"{iri}  {label}"
                lines.append(("- " if md else f"  {sign} ") + shown.rstrip())
            if len(rows) > limit:
                lines.append(say(lang, f"  … and {len(rows) - limit} more (--limit, or --format json)",
                                 f"  …… 另有 {len(rows) - limit} 个（--limit 或 --format json）"))
        for title, table in ((say(lang, "per class", "按类"), self.per_class),
                             (say(lang, "per source", "按来源"), self.per_source)):
            lines.append(("\n## " if md else "") + title)
            header = ["", say(lang, "entities +", "实体 +"), say(lang, "entities −", "实体 −"),
                      say(lang, "triples +", "三元组 +"), say(lang, "triples −", "三元组 −")]
            rows = [[key, v["entities_added"], v["entities_removed"], v["triples_added"],
                     v["triples_removed"]] for key, v in table.items()]
            from .tables import render

            lines.append(render(header, rows, "md" if md else "table").rstrip("\n"))
        summary = say(lang, f"{count(len(self.entities_added), 'entity')} added, "
                            f"{len(self.entities_removed)} removed",
                      f"新增 {len(self.entities_added)} 个实体，删除 {len(self.entities_removed)} 个")
        lines.append(("\n" if md else "") + summary)
        return "\n".join(lines) + "\n"


def _compact(term: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        best = max(((n, ns) for n, ns in PREFIXES.items() if iri.startswith(ns)),
                   key=lambda item: len(item[1]), default=None)
        return f"{best[0]}:{iri[len(best[1]):]}" if best else iri
    return term


def _labels(triples: set[Triple]) -> dict[str, dict[str, str]]:
    """The en and zh label of each subject, from N-Triples literals."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for s, p, o in triples:
        if p != _LABEL or not o.startswith('"') or not o.endswith(("@en", "@zh")):
            continue
        quoted = o[:o.rindex('"') + 1]
        try:
            text = json.loads(quoted) if "\\" in quoted else quoted[1:-1]
        except ValueError:
            text = quoted[1:-1]
        labels[s]["label_" + o[-2:]] = text
    return labels


def diff_graphs(old: str | os.PathLike[str], new: str | os.PathLike[str]) -> GraphDiff:
    """Compare two releases/builds; raises :class:`DiffError` for anything else."""
    a, b = read_side(old), read_side(new)
    triples = {}
    for graph in GRAPHS:
        triples[graph] = {"added": len(b.graphs[graph] - a.graphs[graph]),
                          "removed": len(a.graphs[graph] - b.graphs[graph])}
    both = a.asserted | b.asserted
    classes: dict[str, set[str]] = defaultdict(set)
    derived: dict[str, set[str]] = defaultdict(set)
    part_of: dict[str, str] = {}
    documents = set()
    for s, p, o in both:
        if p == _TYPE:
            classes[s].add(o)
            if o == _DOCUMENT:
                documents.add(s)
        elif p == _DERIVED:
            derived[s].add(o)
        elif p == _PART_OF:
            part_of[s] = o

    def class_of(subject: str) -> list[str]:
        found = sorted(_compact(c) for c in classes.get(subject, ()))
        gd = [c for c in found if c.startswith("gd:")]
        return gd or found or [NO_CLASS]

    def sources_of(subject: str) -> list[str]:
        docs = set()
        for section in derived.get(subject, ()):
            seen = set()
            while section not in documents and section in part_of and section not in seen:
                seen.add(section)
                section = part_of[section]
            docs.add(_compact(section))
        if subject in documents:
            docs.add(_compact(subject))
        return sorted(docs) or [NO_SOURCE]

    entities_a = {s for s, p, _ in a.asserted if p == _TYPE and s.startswith("<")}
    entities_b = {s for s, p, _ in b.asserted if p == _TYPE and s.startswith("<")}
    added, removed = sorted(entities_b - entities_a), sorted(entities_a - entities_b)
    per_class: dict[str, Counter] = defaultdict(Counter)
    per_source: dict[str, Counter] = defaultdict(Counter)
    for entity, key in [(e, "entities_added") for e in added] + [(e, "entities_removed") for e in removed]:
        for cls in class_of(entity):
            per_class[cls][key] += 1
        for doc in sources_of(entity):
            per_source[doc][key] += 1
    changes = ((b.asserted - a.asserted, "triples_added"), (a.asserted - b.asserted, "triples_removed"))
    for delta, key in changes:
        for s, _, _ in delta:
            for cls in class_of(s):
                per_class[cls][key] += 1
            for doc in sources_of(s):
                per_source[doc][key] += 1
    keys = ("entities_added", "entities_removed", "triples_added", "triples_removed")

    def table(counters: dict[str, Counter]) -> dict[str, dict[str, int]]:
        return {name: {k: counters[name][k] for k in keys} for name in sorted(counters)}

    labels = _labels(a.asserted - b.asserted) | _labels(b.asserted)

    def entity(term: str) -> dict[str, str]:
        return {"iri": _compact(term), **labels.get(term, {})}

    return GraphDiff(str(old), str(new), triples, [entity(e) for e in added],
                     [entity(e) for e in removed], table(per_class), table(per_source))
