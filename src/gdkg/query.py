"""Named SPARQL queries from queries/*.rq, with their header block and parameters.

Each .rq file starts with a comment header::

    # title: Cities that are core for two clusters | 两个集群共同的核心城市
    # description: Cities designated core (★★★) for both clusters.
    # param: a (gd:IndustryCluster, required) — first cluster (IRI, prefixed name or zh/en label)
    # param: b (gd:IndustryCluster, required) — second cluster
    # example: gdkg query shared-core-cities --param a=汽车 --param b=新能源

A parameter's parenthesis gives what it takes and whether it is needed:

- a class (``gd:City``, ``gd:IndustryCluster`` …): an entity of that class, named by
  IRI, prefixed name or zh/en/alternative label; ``entity`` for any entity;
  ``class`` for a class; ``text``, ``integer``, ``decimal`` or ``year`` for a literal;
- ``required``, ``default VALUE``, or ``optional`` (unbound: the query matches all).

A name that resolves to no entity is an error with the closest labels; a name of
several entities lists them. Parameters are bound as RDF terms (never pasted into
the query text), so a value cannot change what the query does.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from .language import Text, fmt
from .namespaces import PREFIXES
from .project import Project
from .store import KnowledgeGraph, QueryResult

_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_PARAM = re.compile(r"^\??(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<spec>[^)]*)\))?\s*(?:[—–-]+\s*(?P<doc>.*))?$")
LITERAL_KINDS = {"text", "integer", "decimal", "year"}
_XSD = PREFIXES["xsd"]


class QueryError(Exception):
    """A named query that is missing, malformed, or given bad parameters (its message a
    :class:`gdkg.language.Text`: ``str(exc)`` English, ``error_text(exc, "zh")`` Chinese)."""


@dataclass
class Param:
    """One ``# param:`` line: what the value must be, and whether it is needed."""

    name: str
    doc: str = ""
    takes: str = "entity"  # a class (prefixed), entity, class, text, integer, decimal, year
    required: bool = False
    default: str | None = None

    @classmethod
    def parse(cls, line: str) -> Param:
        match = _PARAM.match(line.strip())
        if not match:
            raise QueryError(fmt("cannot read parameter line {line}; expected {form}",
                                 "无法读取参数行 {line}；应为 {form}", line=repr(line),
                                 form="'NAME (WHAT, required|default VALUE) — description'"))
        param = cls(match["name"], (match["doc"] or "").strip())
        for part in (p.strip() for p in (match["spec"] or "").split(",")):
            if part == "required":
                param.required = True
            elif part.startswith("default "):
                param.default = part[len("default "):].strip()
            elif part in ("optional", ""):
                continue
            else:
                param.takes = part
        return param

    def usage(self) -> str:
        need = "required" if self.required else (f"default {self.default}" if self.default
                                                  else "optional: unbound matches all")
        return f"{self.name} ({self.takes}; {need})"


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)  # name -> description
    specs: dict[str, Param] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> NamedQuery:
        from .safe_io import read_query_text

        return cls.parse(read_query_text(path), path)  # bounded, regular file, UTF-8

    @classmethod
    def parse(cls, text: str, path: Path | str = "<query>") -> NamedQuery:
        path = Path(path)
        query = cls(path.stem, path, text.lstrip("\ufeff"))
        last = None
        for line in query.text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            match = _HEADER.match(line)
            if not match:
                more = _CONTINUATION.match(line)
                if more and last is not None:
                    last[1].append(more.group(1))
                continue
            last = (match.group(1), [match.group(2).strip()])
            query._pending.append(last)
        for key, parts in query._pending:
            value = " ".join(p for p in parts if p)
            if key == "param":
                spec = Param.parse(value)
                query.specs[spec.name] = spec
                query.params[spec.name] = spec.doc
            elif key == "example":
                query.examples.append(value)
            else:
                setattr(query, key, (getattr(query, key) + " " + value).strip())
        return query

    def __post_init__(self):
        self._pending: list[tuple[str, list[str]]] = []

    def example_params(self, which: int = 0) -> dict[str, str]:
        """The parameters of an ``# example:`` call (the first by default)."""
        if len(self.examples) <= which:
            return {}
        words = shlex.split(self.examples[which])
        return dict(w.partition("=")[::2] for prev, w in zip(words, words[1:], strict=False)
                    if prev == "--param")

    def help_text(self) -> str:
        lines = [f"{self.name}: {self.title}", ""]
        if self.description:
            import textwrap

            lines += textwrap.wrap(self.description, 88) + [""]
        if self.specs:
            lines.append("parameters (--param NAME=VALUE; a value may be an IRI, a prefixed name "
                         "or a zh/en label):")
            for spec in self.specs.values():
                lines.append(f"  {spec.usage()}")
                if spec.doc:
                    lines.append(f"      {spec.doc}")
        else:
            lines.append("parameters: none")
        if self.examples:
            lines += ["", "examples:"] + [f"  {e}" for e in self.examples]
        return "\n".join(lines) + "\n"


def named_queries(project: Project) -> dict[str, NamedQuery]:
    return {path.stem: NamedQuery.read(path) for path in sorted(project.queries_dir.glob("*.rq"))}


def get_query(project: Project, name: str) -> NamedQuery:
    path = project.queries_dir / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and path.is_file():
        return NamedQuery.read(path)
    names = [p.stem for p in sorted(project.queries_dir.glob("*.rq"))]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = (fmt(" Did you mean: {close}?", "您是不是要找：{close}？", close=", ".join(close))
            if close else "")
    raise QueryError(fmt("no query named {name} in {folder}/.{hint} List them with `gdkg query --list`.",
                         "{folder}/ 中没有名为 {name} 的查询。{hint}可用 `gdkg query --list` 列出全部查询。",
                         name=repr(name), folder=project.relative(project.queries_dir), hint=hint))


def _check_text(value: str, name: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(fmt("parameter {name}: the value is not valid UTF-8 text",
                             "参数 {name}：值不是有效的 UTF-8 文本", name=name)) from None
    if any(ord(ch) < 0x20 for ch in value):
        raise QueryError(fmt("parameter {name}: the value holds a control character",
                             "参数 {name}：值中含有控制字符", name=name))


def resolve_term(kg: KnowledgeGraph, value: str, spec: Param | None = None) -> Node:
    """Turn a parameter value into an RDF term, as its ``# param:`` line says."""
    from .label_search import AmbiguousName, NameNotFound, resolve_class, resolve_entity
    from .names import expand

    spec = spec or Param("value")
    _check_text(value, spec.name)
    takes = spec.takes
    if takes in LITERAL_KINDS:
        return _literal(value, takes, spec.name)
    stripped = value.strip()
    if stripped.startswith("<") or re.match(r"^[a-z][a-z0-9+.-]*://", stripped):
        iri = stripped[1:-1] if stripped.startswith("<") and stripped.endswith(">") else stripped
        bad = sorted({ch for ch in iri if ch in '<>"{}|^`\\ ' or ord(ch) < 0x20})
        if bad:
            raise QueryError(fmt("parameter {name}: {value} is not a valid IRI (it holds {bad}); pass an "
                                 "IRI without them, a prefixed name or a label",
                                 "参数 {name}：{value} 不是有效的 IRI（含有 {bad}）；请给出不含这些字符的 "
                                 "IRI、"
                                 "带前缀的名称或标签", name=spec.name, value=repr(value), bad=" ".join(bad)))
    try:
        if takes == "class":
            return URIRef(resolve_class(kg, value))
        cls = None if takes == "entity" else str(expand(takes) or takes)
        return resolve_entity(kg, value, cls, what=lambda: _what(kg, cls))
    except (NameNotFound, AmbiguousName) as exc:
        raise QueryError(fmt("parameter {name}: {problem}", "参数 {name}：{problem}", name=spec.name,
                             problem=exc)) from None


def _what(kg, cls: str | None) -> Text:
    if cls is None:
        return Text("entity", "实体")
    from .label_search import LabelIndex

    index = LabelIndex.of(kg)
    english = index.en.get(cls, cls.rsplit('#', 1)[-1]).lower()
    chinese = index.zh.get(cls, "")
    return Text(f"{english} ({chinese})".replace(" ()", ""), chinese or english)


def _literal(value: str, takes: str, name: str) -> Literal:
    patterns = {"integer": r"[+-]?\d+", "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)", "year": r"\d{4}"}
    if takes == "text":
        return Literal(value)
    if not re.fullmatch(patterns[takes], value.strip()):
        zh_kind = {"integer": "整数", "decimal": "小数", "year": "年份（四位数字）"}[takes]
        raise QueryError(fmt("parameter {name}: expected {article} {takes}, got {value}",
                             "参数 {name}：应为{zh_kind}，却是 {value}", name=name, takes=takes,
                             article="an" if takes == "integer" else "a", zh_kind=zh_kind,
                             value=repr(value)))
    datatype = {"integer": "integer", "decimal": "decimal", "year": "gYear"}[takes]
    return Literal(value.strip(), datatype=URIRef(_XSD + datatype))


def bindings(kg: KnowledgeGraph, query: NamedQuery, params: dict[str, str] | None = None
             ) -> dict[str, Node]:
    """Check the parameters against the query's header and resolve them to RDF terms."""
    params = dict(params or {})
    unknown = sorted(set(params) - set(query.specs))
    if unknown:
        raise QueryError(fmt("query {query} has no parameter {unknown}; its parameters: {known}",
                             "查询 {query} 没有参数 {unknown}；它的参数：{known}", query=repr(query.name),
                             unknown=", ".join(unknown),
                             known=", ".join(query.specs) or Text("none", "无")))
    missing = [s.name for s in query.specs.values() if s.required and s.name not in params]
    if missing:
        example = (fmt("; e.g. {example}", "；例如 `{example}`", example=query.examples[0])
                   if query.examples else "")
        raise QueryError(fmt("query {query} needs --param {missing}{example} (see `{help}`)",
                             "查询 {query} 需要 --param {missing}{example}（见 `{help}`）",
                             query=repr(query.name), missing=", ".join(f"{m}=…" for m in missing),
                             example=example, help=f"gdkg query {query.name} --help"))
    for spec in query.specs.values():
        if spec.name not in params and spec.default is not None:
            params[spec.name] = spec.default
    return {name: resolve_term(kg, value, query.specs[name]) for name, value in params.items()}


def run(kg: KnowledgeGraph, query: NamedQuery, params: dict[str, str] | None = None) -> QueryResult:
    """Run a named query (SELECT or ASK) with parameters resolved to RDF terms."""
    return kg.query(query.text, bindings(kg, query, params))
