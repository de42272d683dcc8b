"""CSV → Turtle for maintainers who don't write Turtle (``gdkg import csv``/``template``).

One row is one entity (enterprise, project, designation or figure). Cells that
name other entities (clusters, cities, sub-fields, roles, units …) resolve to the
graph's IRIs by zh/en label or alt label (see :mod:`gdkg.names`), or take an IRI
or prefixed name. Cell text only ever becomes an rdflib ``Literal`` or is
compared with labels; it is never pasted into Turtle or SPARQL text. The Turtle
written follows data/README.md (IRI scheme, one zh and one en label,
prov:wasDerivedFrom a document section) and is validated like ``gdkg validate``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..language import Text, fmt, join
from ..load import LoadError, Triple, _guess_encoding, to_graph
from ..names import NameIndex, is_cjk, normalise
from ..namespaces import DCTERMS, GD, PREFIXES, PROV, SKOS
from ..project import Project
from ..serialize import turtle

if TYPE_CHECKING:  # validation is imported where a sheet is checked: `gdkg --help`
    # and every command's parser read TYPES, and need not wait for it
    from ..validation.check import CheckReport

SEPARATORS = re.compile(r"\s*[;；]\s*")


@dataclass(frozen=True)
class Column:
    """One CSV column: which predicate it fills and what a cell may hold."""

    name: str
    predicate: URIRef | None
    kind: str  # id | text | ref | level | decimal | year | date
    doc: str
    lang: str | None = None
    classes: tuple[URIRef, ...] | None = ()
    required: bool = False
    multi: bool = False


@dataclass(frozen=True)
class RecordType:
    name: str
    cls: URIRef
    prefix: str
    columns: tuple[Column, ...]
    example: dict[str, str]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(prefix: str, how: str) -> Column:
    return Column("id", None, "id", f"{prefix}:<slug> or the slug; empty: {how}")


def _text(name, predicate, lang, doc, required=False, multi=False) -> Column:
    return Column(name, predicate, "text", doc, lang=lang, required=required, multi=multi)


def _ref(name, predicate, classes, doc, required=False, multi=False) -> Column:
    return Column(name, predicate, "ref", doc, classes=classes, required=required, multi=multi)


_LABELS = (
    _text("label_zh", RDFS.label, "zh", "the Chinese name (one)", required=True),
    _text("label_en", RDFS.label, "en", "the English name (one)", required=True),
)
_ALT = _text("alt_labels_zh", SKOS.altLabel, "zh", "other Chinese names, ';'-separated", multi=True)
_SOURCE = _ref("source", PROV.wasDerivedFrom, (GD.DocumentSection, GD.PolicyDocument),
               "document section(s), e.g. fyp:box-2-item-1", required=True, multi=True)
_COMMENTS = (
    _text("comment_en", RDFS.comment, "en", "a note in English"),
    _text("comment_zh", RDFS.comment, "zh", "a note in Chinese"),
)
_CLUSTERS = _ref("clusters", GD.belongsToCluster, (GD.IndustryCluster,),
                 "cluster name(s), e.g. 汽车", multi=True)
_SUBFIELDS = _ref("subfields", GD.belongsToSubField, (GD.SubField,),
                  "sub-field name(s), e.g. 新能源汽车", multi=True)
_PLACES = _ref("located_in", GD.locatedIn, (GD.Place,), "city or place, e.g. 广州", multi=True)

TYPES: dict[str, RecordType] = {
    "enterprise": RecordType("enterprise", GD.Enterprise, "ent", (
        _id("ent", "made from label_en"), *_LABELS, _ALT, _CLUSTERS, _SUBFIELDS, _PLACES,
        _ref("roles", GD.enterpriseRole, (GD.EnterpriseRole,), "e.g. 龙头企业, 链主企业",
             multi=True),
        _SOURCE, *_COMMENTS,
    ), {"id": "ent:example-nev", "label_zh": "示例新能源汽车公司",
        "label_en": "Example NEV Company", "clusters": "汽车", "subfields": "新能源汽车",
        "located_in": "广州", "roles": "龙头企业", "source": "fyp:box-4-item-2"}),
    "project": RecordType("project", GD.Project, "proj", (
        _id("proj", "made from label_en"), *_LABELS, _ALT, _CLUSTERS, _SUBFIELDS, _PLACES,
        _ref("enterprises", GD.involvesEnterprise, (GD.Enterprise,),
             "enterprise name(s), e.g. 中海壳牌", multi=True),
        _text("phase_zh", GD.phase, "zh", "phase or status in Chinese, e.g. 二期", multi=True),
        _text("phase_en", GD.phase, "en", "phase or status in English", multi=True),
        _SOURCE, *_COMMENTS,
    ), {"id": "proj:example-ethylene", "label_zh": "示例乙烯项目",
        "label_en": "Example ethylene project", "subfields": "炼油石化", "located_in": "惠州",
        "enterprises": "中海壳牌", "phase_zh": "二期", "phase_en": "phase II",
        "source": "fyp:box-2-item-1"}),
    "designation": RecordType("designation", GD.Designation, "desig", (
        _id("desig", "<cluster>--<city>"),
        _ref("cluster", GD.designatedCluster, (GD.IndustryCluster,), "cluster, e.g. 汽车",
             required=True),
        _ref("city", GD.designatedCity, (GD.City,), "prefecture city, e.g. 广州", required=True),
        Column("level", GD.designationLevel, "level", "★★★, ★★ or ★ (or 核心城市/重点城市/一般城市)",
               classes=(GD.DesignationLevel,), required=True),
        _text("label_zh", RDFS.label, "zh", "empty: '<cluster> × <city>（★★★）'"),
        _text("label_en", RDFS.label, "en", "empty: '<cluster> × <city> (★★★)'"),
        _SOURCE,
    ), {"id": "", "cluster": "汽车", "city": "汕尾", "level": "★", "label_zh": "", "label_en": "",
        "source": "fyp:annex-1-table-1"}),
    "figure": RecordType("figure", GD.Figure, "fig", (
        _id("fig", "<doc>-<about>-<measure>-<year>"), *_LABELS,
        _ref("figure_of", GD.figureOf, None, "what it is a figure of: cluster, sub-field, city …",
             required=True),
        _ref("measure", GD.measure, (GD.Measure,), "e.g. 营业收入", required=True),
        Column("value", GD.value, "decimal", "the number as printed, e.g. 1.1", required=True),
        _ref("unit", GD.unit, (GD.Unit,), "e.g. 万亿元, 亿元, %"),
        Column("year", GD.year, "year", "e.g. 2025"),
        _ref("kind", GD.figureKind, (GD.FigureKind,), "目标/实际/预计 (target/actual/estimate)",
             required=True),
        _text("scope_zh", GD.scope, "zh", "what exactly is counted, in Chinese"),
        _text("scope_en", GD.scope, "en", "what exactly is counted, in English"),
        _ref("flags", GD.flag, (GD.QualityFlag,), "不合理/矛盾 (implausible/conflicting)",
             multi=True),
        _ref("conflicts_with", GD.conflictsWith, (GD.Figure,),
             "figure(s) another source gives differently, e.g. fig:…", multi=True),
        _SOURCE, *_COMMENTS,
    ), {"id": "", "label_zh": "示例集群营业收入2030年目标", "label_en": "Example revenue target 2030",
        "figure_of": "汽车", "measure": "营业收入", "value": "1.5", "unit": "万亿元",
        "year": "2030", "kind": "目标", "scope_zh": "汽车制造业营业收入",
        "scope_en": "automotive operating revenue", "source": "fyp:ch3-cluster-4"}),
    # a new source document and its sections, so that new facts can cite them
    "document": RecordType("document", GD.PolicyDocument, "src", (
        _id("src", "src:<key>"),
        _text("key", GD.documentKey, None, "short key, lowercase words joined by '-', e.g. "
              "city-plan-2024 (also the id)", required=True),
        _text("title_zh", DCTERMS.title, "zh", "the document's title in Chinese", required=True),
        _text("title_en", DCTERMS.title, "en", "the title in English", required=True),
        *_LABELS,
        _text("identifier", DCTERMS.identifier, None, "document number, e.g. 粤府〔2024〕1号"),
        Column("issued", DCTERMS.issued, "date", "date issued, YYYY-MM-DD"),
        _ref("publisher", DCTERMS.publisher, (GD.GovernmentDepartment, GD.LeadingGroup),
             "issuing body, e.g. 省人民政府"),
        _text("seed_file", GD.seedFile, None, "file name of the text it was read from"),
    ), {"id": "", "key": "example-city-plan-2024", "title_zh": "示例市产业集群规划",
        "title_en": "Example city industry cluster plan", "label_zh": "示例市规划",
        "label_en": "Example city plan", "identifier": "示例〔2024〕1号", "issued": "2024-01-15",
        "publisher": "省人民政府", "seed_file": ""}),
    "section": RecordType("section", GD.DocumentSection, "src", (
        _id("src", "<document's namespace>/<section_path>"),
        _ref("part_of", DCTERMS.isPartOf, (GD.PolicyDocument, GD.DocumentSection),
             "the document (or section) it is part of, e.g. src:mfg-plan-14th-fyp", required=True),
        _text("section_path", GD.sectionPath, None, "where it is in the document, lowercase "
              "words joined by '-', e.g. box-2-item-1 (also the id)", required=True),
        *_LABELS,
    ), {"id": "", "part_of": "src:mfg-plan-14th-fyp", "section_path": "box-99-item-1",
        "label_zh": "001 专栏99 第1项 示例", "label_en": "001 box 99 item 1"}),
    "platform": RecordType("platform", GD.Platform, "plat", (
        _id("plat", "made from label_en"), *_LABELS, _ALT,
        _ref("kind", RDF.type, (OWL.Class,), "kind of platform, e.g. 实验室 (laboratory), "
             "创新中心, 产业园区; empty: a platform", multi=True),
        _CLUSTERS, _SUBFIELDS, _PLACES, _SOURCE, *_COMMENTS,
    ), {"id": "plat:example-lab", "label_zh": "示例实验室", "label_en": "Example Laboratory",
        "kind": "实验室", "clusters": "半导体与集成电路", "located_in": "佛山",
        "source": "fyp:box-11-item-2"}),
    "department": RecordType("department", GD.GovernmentDepartment, "dept", (
        _id("dept", "made from label_en"), *_LABELS, _ALT, _SOURCE, *_COMMENTS,
    ), {"id": "dept:example-bureau", "label_zh": "示例市工业和信息化局",
        "label_en": "Example City Bureau of Industry and Information Technology",
        "alt_labels_zh": "示例市工信局", "source": "eap:notice"}),
}


# ---------------------------------------------------------------- templates and export


def _csv(rows: list[list[str]]) -> str:
    """CSV text; a cell a spreadsheet would run as a formula is prefixed with ' (OWASP)."""
    from ..safe_io import spreadsheet_cell

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[spreadsheet_cell(c) for c in row] for row in rows])
    return out.getvalue()


def template(kind: str) -> str:
    """The header and one example row."""
    record = TYPES[kind]
    names = [c.name for c in record.columns]
    return _csv([names, [record.example.get(n, "") for n in names]])


def describe(kind: str) -> str:
    """What each column takes."""
    record = TYPES[kind]
    width = max(len(c.name) for c in record.columns)
    lines = [f"columns of --type {kind} (* required; several values separated by ';'):"]
    for c in record.columns:
        mark = "*" if c.required else " "
        lines.append(f"  {c.name:<{width}} {mark} {c.doc}")
    return "\n".join(lines) + "\n"


def export_rows(project: Project, kind: str) -> str:
    """The graph's entities of this type as CSV rows (names where they resolve back uniquely)."""
    record = TYPES[kind]
    from ..validation.check import load_base

    base = load_base(project)
    graph = to_graph(base.triples)
    index = NameIndex(graph)
    rows = [[c.name for c in record.columns]]
    # a type with a column of its own for rdf:type (platform) takes its subclasses' instances too
    typed = any(c.predicate == RDF.type for c in record.columns)
    nodes = index.instances((record.cls,)) if typed else set(graph.subjects(RDF.type, record.cls))
    for node in sorted(n for n in nodes if isinstance(n, URIRef)):
        row = []
        for column in record.columns:
            if column.kind == "id":
                row.append(index.short(node))
                continue
            values = sorted(graph.objects(node, column.predicate))
            if column.kind == "text":
                cells = sorted(str(v) for v in values if isinstance(v, Literal)
                               and v.language == column.lang)
            elif column.kind in ("decimal", "year", "date") or (column.kind, column.lang) == ("text", None):
                cells = [str(v) for v in values]
            elif column.kind == "level":
                stars = [index.graph.value(v, GD.stars) for v in values]
                cells = ["★" * int(n) if n is not None else _name_for(index, v, column)
                         for v, n in zip(values, stars, strict=True)]
            else:
                cells = [_name_for(index, v, column) for v in values if isinstance(v, URIRef)]
            row.append("; ".join(cells))
        rows.append(row)
    return _csv(rows)


def _name_for(index: NameIndex, node: URIRef, column: Column) -> str:
    """The zh label if it resolves back to ``node`` alone, else the prefixed name."""
    if column.predicate == PROV.wasDerivedFrom:
        return index.short(node)
    label = index.label(node, "zh")
    if label and not SEPARATORS.search(label):
        classes = column.classes if column.classes else None
        if index.lookup(label, classes) == [node]:
            return label
    return index.short(node)


# ---------------------------------------------------------------- import


@dataclass
class CellError:
    row: int
    column: str | None
    position: int | None
    messages: dict[str, str]
    suggestion: dict[str, str] = field(default_factory=dict)

    def render(self, file: str, lang: str) -> str:
        where = f"{file} 第 {self.row} 行" if lang == "zh" else f"{file} row {self.row}"
        if self.column is not None:
            letter = _letter(self.position) if self.position is not None else "?"
            where += (f"第 {letter} 列（{self.column}）" if lang == "zh"
                      else f", column {letter} ({self.column})")
        text = f"{where}{'：' if lang == 'zh' else ': '}{self.messages.get(lang) or self.messages['en']}"
        if self.suggestion:
            text += f"\n      → {self.suggestion.get(lang) or self.suggestion['en']}"
        return text


class ImportFailed(Exception):
    """Cells that cannot become triples; nothing was written."""

    def __init__(self, file: str, errors: list[CellError]):
        super().__init__(f"{len(errors)} errors in {file}")
        self.file, self.errors = file, errors

    def render(self, lang: str = "en") -> str:
        lines = [e.render(self.file, lang) for e in self.errors]
        n = len(self.errors)
        lines.append(f"{self.file}: {n} error{'s' if n != 1 else ''}; nothing written" if lang == "en"
                     else f"{self.file}：{n} 处错误，未写出任何内容")
        return "\n".join(lines) + "\n"


@dataclass
class ImportResult:
    turtle: str
    report: CheckReport
    rows: int
    triples: int


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_csv(path: str, encoding: str = "utf-8", max_mb: float = 10) -> str:
    """The CSV file's text; every way it can be unusable is a LoadError."""
    from ..safe_io import read_bounded

    raw = read_bounded(path, int(max_mb * 1024 * 1024), what=Text("CSV file", "CSV 文件"),
                       hint=Text("split it, or raise the limit with --max-size MB",
                                 "请拆分它，或用 --max-size MB 提高上限"))
    if not raw.strip():
        raise LoadError(path, Text("file is empty", "文件为空"),
                        hint=Text("start from: gdkg import template --type …",
                                  "可从这里开始：gdkg import template --type …"))
    if b"\0" in raw[:8192]:
        raise LoadError(path, Text("binary content, not a CSV text file", "二进制内容，不是 CSV 文本文件"),
                        hint=Text("save the spreadsheet as 'CSV UTF-8 (comma delimited)'",
                                  "请把表格另存为 'CSV UTF-8 (comma delimited)'"))
    codec = "utf-8-sig" if normalise(encoding).replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except LookupError:
        raise LoadError(path, fmt("unknown encoding {encoding}", "未知的编码 {encoding}",
                                  encoding=repr(encoding))) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(raw)
        name = "UTF-8" if codec == "utf-8-sig" else encoding
        what = (fmt("not {name} (looks like {guess})", "不是 {name} 编码（看来是 {guess}）", name=name,
                    guess=guess)
                if guess else fmt("not {name}", "不是 {name} 编码", name=name))
        hint = (fmt("pass --encoding {guess} or ", "可加上 --encoding {guess}，或", guess=guess.lower())
                if guess else "") + Text("save the spreadsheet as 'CSV UTF-8'", "把表格另存为 'CSV UTF-8'")
        raise LoadError(path, what + fmt(": byte {byte} cannot be decoded", "：字节 {byte} 无法解码",
                                         byte=f"0x{raw[exc.start]:02x}"),
                        line=line, hint=hint) from None


def _header(path: str, text: str, record: RecordType) -> tuple[list[list[str]], list[str]]:
    """Rows (header first) and the header's column names; a wrong header is a LoadError."""
    known = [c.name for c in record.columns]
    best = None
    for delimiter in (",", "\t", ";"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        header = [h.strip().lower() for h in rows[0]] if rows else []
        score = sum(h in known for h in header)
        if best is None or score > best[0]:
            best = (score, rows, header)
    _, rows, header = best
    problems = []
    unknown = [h for h in header if h and h not in known]
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1)
        problems.append(fmt("unknown column {name}", "未知的列 {name}", name=repr(name))
                        + (fmt(" (did you mean {close}?)", "（您是不是要找 {close}？）", close=repr(close[0]))
                           if close else ""))
    if "" in header:
        problems.append(fmt("column {letter} has no name", "第 {letter} 列没有列名",
                            letter=_letter(header.index(""))))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        problems.append(fmt("column(s) {names} appear more than once", "列 {names} 出现了不止一次",
                            names=", ".join(repeated)))
    missing = [c.name for c in record.columns if c.required and c.name not in header]
    if missing and (header or not problems):
        problems.append(fmt("missing required column(s) {names}", "缺少必需的列 {names}",
                            names=", ".join(missing)))
    if problems:
        raise LoadError(path, fmt("wrong header for --type {kind}: {problems}",
                                  "--type {kind} 的表头不对：{problems}",
                                  kind=record.name, problems=join(problems)),
                        line=1, hint=fmt("expected columns: {known} (see: {command})",
                                         "应有的列：{known}（见：{command}）",
                                         known=",".join(known),
                                         command=f"gdkg import template --type {record.name}"))
    if len(rows) < 2 or not any(any(cell.strip() for cell in row) for row in rows[1:]):
        raise LoadError(path, Text("no data rows under the header", "表头下面没有数据行"), line=2)
    return rows, header


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_SLUG = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class _Row:
    """Turns one CSV row into triples, collecting cell errors."""

    def __init__(self, number: int, cells: dict[str, tuple[int, str]], record: RecordType,
                 index: NameIndex, errors: list[CellError]):
        self.number, self.cells, self.record, self.index = number, cells, record, index
        self.errors = errors
        self.values: dict[str, list] = {}

    def error(self, column: str | None, en: str, zh: str, suggestion=None) -> None:
        position = self.cells[column][0] if column in self.cells else None
        self.errors.append(CellError(self.number, column, position, {"en": en, "zh": zh},
                                     suggestion or {}))

    def cell(self, name: str) -> str:
        return self.cells.get(name, (None, ""))[1].strip()

    def parts(self, column: Column) -> list[str]:
        text = self.cell(column.name)
        if not text:
            return []
        if not column.multi:
            return [text]
        return [p for p in SEPARATORS.split(text) if p]

    def convert(self) -> None:
        for column in self.record.columns:
            if column.kind == "id":
                continue
            parts = self.parts(column)
            if not parts:
                if column.required:
                    self.error(column.name, f"empty, but {column.name} is required ({column.doc})",
                               f"为空，但 {column.name} 为必填（{column.doc}）")
                continue
            self.values[column.name] = [v for v in (self.term(column, p) for p in parts)
                                        if v is not None]

    def term(self, column: Column, text: str):
        if column.kind == "text":
            if column.predicate == RDFS.label and column.lang == "en" and is_cjk(text):
                self.error(column.name, f"{text!r} is not an English name",
                           f"“{text}” 不是英文名称")
            return Literal(text, lang=column.lang)
        if column.kind == "decimal":
            plain = text.replace(",", "") if re.match(r"^\d{1,3}(,\d{3})+(\.\d+)?$", text) else text
            if not _DECIMAL.match(plain):
                self.error(column.name, f"{text!r} is not a number (put units in the unit column)",
                           f"“{text}” 不是数字（单位请填在 unit 列）")
                return None
            return Literal(plain, datatype=XSD.decimal)
        if column.kind == "date":
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                self.error(column.name, f"{text!r} is not a date (YYYY-MM-DD, e.g. 2024-01-15)",
                           f"“{text}” 不是日期（YYYY-MM-DD，如 2024-01-15）")
                return None
            return Literal(text, datatype=XSD.date)
        if column.kind == "year":
            if not re.match(r"^\d{4}$", text):
                self.error(column.name, f"{text!r} is not a year (four digits, e.g. 2025)",
                           f"“{text}” 不是年份（四位数字，如 2025）")
                return None
            return Literal(text, datatype=XSD.gYear)
        if column.kind == "level":
            found = self.level(column, text)
            if found is not None:
                return found
        return self.reference(column, text)

    def level(self, column: Column, text: str) -> URIRef | None:
        stars = len(text) if text and all(ch == "★" for ch in text) else (
            int(text) if text.isdigit() else None)
        if stars is None:
            return None
        levels = self.index.instances(column.classes)
        for level in levels:
            value = self.index.graph.value(level, GD.stars)
            if value is not None and int(value) == stars:
                return level
        allowed = sorted(levels, key=lambda n: -int(self.index.graph.value(n, GD.stars) or 0))
        shown = ", ".join(f"{'★' * int(self.index.graph.value(n, GD.stars) or 0)} "
                          f"({self.index.short(n)})" for n in allowed)
        self.error(column.name, f"{text!r} is not a designation level",
                   f"“{text}” 不是布局等级",
                   {"en": f"allowed values: {shown}", "zh": f"允许的取值：{shown}"})
        return URIRef("urn:invalid")  # reported; keeps the generic lookup from running

    def reference(self, column: Column, text: str) -> URIRef | None:
        classes = column.classes if column.classes else None
        found = self.index.resolve(text, classes)
        if found.iri is not None:
            return found.iri
        what_en = self._class_names(classes, "en")
        what_zh = self._class_names(classes, "zh")
        if found.matches:
            names = ", ".join(self.index.show(n, "zh") for n in found.matches)
            self.error(column.name,
                       f"{text!r} is ambiguous: it names {names}; write the prefixed name of the "
                       "one you mean",
                       f"“{text}” 有歧义，可指 {names}；请写明所指实体的前缀名")
            return None
        suggestion = {}
        if found.close:
            typed = is_cjk(text)
            near = [self.index.show(n, "zh" if typed else "en") for _, n in found.close]
            near_zh = [self.index.show(n, "zh") for _, n in found.close]
            suggestion = {"en": f"did you mean {' or '.join(near)}?",
                          "zh": f"是否应为 {' 或 '.join(near_zh)}？"}
        self.error(column.name, f"{text!r} matches no {what_en} in the graph",
                   f"“{text}” 不是图谱中已有的{what_zh}", suggestion)
        return None

    def _class_names(self, classes, lang: str) -> str:
        if not classes:
            return "entity" if lang == "en" else "实体"
        names = [self.index.label(c, lang) or self.index.short(c) for c in classes]
        return (" or " if lang == "en" else "或").join(names)


def _subject(row: _Row, record: RecordType, taken: dict[str, int]) -> URIRef | None:
    """The row's IRI: the id cell, or the default the README's IRI scheme gives."""
    namespace = PREFIXES[record.prefix]
    if record.name == "section":
        namespace = _section_namespace(row)
        if namespace is None:
            return None
    given = row.cell("id")
    if given and record.name == "section":
        return _section_id(row, given, namespace)
    if given:
        local = given
        if given.startswith(record.prefix + ":"):
            local = given[len(record.prefix) + 1:]
        elif given.startswith(namespace):
            local = given[len(namespace):]
        if not _SLUG.match(local):
            row.error("id", f"{given!r} is not a valid id: lowercase ASCII words joined by '-', "
                            f"optionally prefixed {record.prefix}:",
                      f"“{given}” 不是合法的标识：小写 ASCII 单词以 '-' 连接，可加前缀 {record.prefix}:")
            return None
        return URIRef(namespace + local)
    values = row.values
    if record.name == "designation":
        if not (values.get("cluster") and values.get("city")):
            return None
        local = f"{_local(values['cluster'][0])}--{_local(values['city'][0])}"
    elif record.name in ("document", "section"):
        local = row.cell("key" if record.name == "document" else "section_path")
        if not _SLUG.match(local):
            column = "key" if record.name == "document" else "section_path"
            row.error(column, f"{local!r}: expected lowercase ASCII words joined by '-'",
                      f"“{local}”：应为以 '-' 连接的小写 ASCII 单词")
            return None
    elif record.name == "figure":
        needed = [values.get(n) for n in ("source", "figure_of", "measure")]
        if not all(needed):
            return None
        doc = row.index.short(values["source"][0]).split(":")[0]
        year = str(values["year"][0]) if values.get("year") else "undated"
        local = f"{doc}-{_local(values['figure_of'][0])}-{_local(values['measure'][0])}-{year}"
        if local in taken or row.index.known(URIRef(namespace + local)):
            n = 2
            while f"{local}-{n}" in taken or row.index.known(URIRef(f"{namespace}{local}-{n}")):
                n += 1
            local = f"{local}-{n}"
    else:
        local = _slug(row.cell("label_en"))
        if not local:
            row.error("id", "empty, and label_en gives no ASCII id; fill in the id",
                      "为空，且无法从 label_en 生成 ASCII 标识；请填写 id")
            return None
    return URIRef(namespace + local)


def _section_id(row: _Row, given: str, namespace: str) -> URIRef | None:
    """A section's id as given: an IRI or prefixed name in its document's namespace."""
    prefix, sep, rest = given.partition(":")
    iri = given if given.startswith(("http://", "https://")) else (
        PREFIXES[prefix] + rest if sep and prefix in PREFIXES else namespace + given)
    if not iri.startswith(namespace) or not _SLUG.match(iri[len(namespace):]):
        row.error("id", f"{given!r}: a section's id is <its document's namespace><section path> "
                        f"({namespace}…, lowercase words joined by '-')",
                  f"“{given}”：章节的标识应为其文件命名空间加章节路径（{namespace}…，以 '-' 连接的小写单词）")
        return None
    return URIRef(iri)


def _section_namespace(row: _Row) -> str | None:
    """Sections are named in their document's namespace: src:<key>/<section path>."""
    parents = row.values.get("part_of")
    if not parents:
        return None
    parent = parents[0]
    if row.index.is_instance(parent, (GD.PolicyDocument,)):
        return str(parent) + "/"
    return str(parent).rsplit("/", 1)[0] + "/"


def _local(node) -> str:
    return re.split(r"[/#]", str(node))[-1]


def convert(rows: list[list[str]], header: list[str], record: RecordType,
            index: NameIndex) -> tuple[list[Triple], dict[str, int], list[CellError]]:
    """Rows → triples, the row of each subject, and all cell errors."""
    errors: list[CellError] = []
    triples: list[Triple] = []
    located: dict[str, int] = {}
    taken: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) > len(header):
            extra = [c for c in raw[len(header):] if c.strip()]
            if extra:
                errors.append(CellError(number, None, None, {
                    "en": f"{len(raw)} cells but the header has {len(header)} columns "
                          "(a ',' inside a cell needs quotes)",
                    "zh": f"有 {len(raw)} 个单元格，但表头只有 {len(header)} 列（单元格内的逗号需加引号）"}))
                continue
        cells = {name: (position, raw[position] if position < len(raw) else "")
                 for position, name in enumerate(header)}
        row = _Row(number, cells, record, index, errors)
        row.convert()
        subject = _subject(row, record, taken)
        if subject is None:
            continue
        # sections of different documents share path names (part-1): key them by IRI
        local = str(subject) if record.name == "section" else _local(subject)
        if local in taken:
            row.error("id", f"{index.short(subject)} repeats row {taken[local]}",
                      f"{index.short(subject)} 与第 {taken[local]} 行重复")
            continue
        taken[local] = number
        located[str(subject)] = number
        values = row.values
        if record.name == "designation":
            _designation_labels(values, index)
        if not any(c.predicate == RDF.type and values.get(c.name) for c in record.columns):
            triples.append((subject, RDF.type, record.cls))  # else the row names its (sub)class
        for column in record.columns:
            for value in values.get(column.name, []):
                if isinstance(value, URIRef) and str(value) == "urn:invalid":
                    continue
                triples.append((subject, column.predicate, value))
    return triples, located, errors


def formula_cells(path: str, rows: list[list[str]], header: list[str]) -> list:
    """Warn about cells a spreadsheet would run as formulas (=, +, -, @, tab, CR first),
    and undo the ' that gdkg's own CSV exports put before such cells (so an export
    imports back unchanged). Changes ``rows`` in place; returns the notices."""
    from ..safe_io import formula_like
    from ..validation.check import Notice

    notices = []
    for number, raw in enumerate(rows[1:], start=2):
        for position, cell in enumerate(raw):
            name = header[position] if position < len(header) else "?"
            where = f"column {_letter(position)} ({name})"
            if cell.startswith("'") and formula_like(cell[1:]):
                raw[position] = cell[1:]
                notices.append(Notice(path, number, {
                    "en": f"{where}: the leading ' (a spreadsheet's mark for text) is dropped",
                    "zh": f"{where}：已去掉开头的 '（电子表格的文本标记）"}, unit="row"))
            elif formula_like(cell):
                shown = repr(cell[:30])
                notices.append(Notice(path, number, {
                    "en": f"{where}: warning: {shown} begins with {cell[0]!r}, so a spreadsheet would "
                          "run it as a formula; it is imported as text (exports write it as '…)",
                    "zh": f"{where}：警告：{shown} 以 {cell[0]!r} 开头，电子表格会把它当作公式执行；"
                          "此处按文本导入（导出时写作 '…）"}, unit="row"))
    return notices


def _designation_labels(values: dict[str, list], index: NameIndex) -> None:
    """'汽车 × 广州（★★★）' and 'Automobiles × Guangzhou (★★★)' when the label cells are empty."""
    if not (values.get("cluster") and values.get("city") and values.get("level")):
        return
    stars = index.graph.value(values["level"][0], GD.stars)
    mark = "★" * int(stars) if stars is not None else ""
    cluster, city = values["cluster"][0], values["city"][0]
    if not values.get("label_zh"):
        values["label_zh"] = [Literal(f"{index.label(cluster, 'zh')} × {index.label(city, 'zh')}"
                                      f"（{mark}）", lang="zh")]
    if not values.get("label_en"):
        values["label_en"] = [Literal(f"{index.label(cluster, 'en')} × {index.label(city, 'en')}"
                                      f" ({mark})", lang="en")]


def import_csv(project: Project, kind: str, path: str, *, encoding: str = "utf-8",
               max_mb: float = 10, output: str | None = None) -> ImportResult:
    """Read, resolve, convert and validate; raises LoadError (unusable file) or
    ImportFailed (bad cells). Writing is left to the caller."""
    record = TYPES[kind]
    if output is not None:
        from .staging import _inside

        if _inside(Path(output), project.data_dir):
            raise LoadError(output, fmt("-o must not point into {data}/", "-o 不能指向 {data}/ 内部",
                                        data=project.relative(project.data_dir)),
                            hint=fmt("write it elsewhere, then: {command}", "请写到别处，然后运行：{command}",
                                     command=f"gdkg add {Path(output).name}"))
        from ..safe_io import check_writable

        check_writable(output)  # a symlink, device or directory: refused before the work
    text = read_csv(path, encoding, max_mb)
    rows, header = _header(path, text, record)
    notices = formula_cells(path, rows, header)
    from ..validation.check import load_base

    base = load_base(project)
    index = NameIndex(to_graph(base.triples))
    triples, located, errors = convert(rows, header, record, index)
    if errors:
        raise ImportFailed(path, errors)
    head = (f"# Imported from {Path(path).name} by `gdkg import csv --type {kind}`.\n"
            "# Check it with `gdkg validate`, put it into data/ttl/ with `gdkg add`.\n")
    body = turtle(triples, header=head)
    from ..validation.check import check, text_input

    item = text_input(path, body, locations=located, unit="row", notices=notices)
    report = check(project, [item])
    return ImportResult(body, report, len(located), len(set(triples)))

