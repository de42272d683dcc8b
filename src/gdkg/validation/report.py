"""The report of ``gdkg validate``/``add`` as text, JSON or a SHACL results graph."""

from __future__ import annotations

import json
from itertools import groupby

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..load import LoadError
from ..namespaces import PREFIXES, SH
from .check import CheckReport
from .rules import GDC, Issue, term_of

_SEVERITY_IRI = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
_WORDS = {
    "en": {"conforms": "conforms", "not": "does NOT conform", "violation": "violation",
           "warning": "warning", "info": "info", "value": "value", "note": "note",
           "at": "at --fail-on {0}", "new": "{0} new triple{2} about {1} subject{3}"},
    "zh": {"conforms": "符合", "not": "不符合", "violation": "违规", "warning": "警告",
           "info": "提示", "value": "取值", "note": "注意", "at": "按 --fail-on {0}",
           "new": "新增 {0} 个三元组，涉及 {1} 个主体"},
}


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def where(file: str | None, line: int | None, unit: str = "line") -> str:
    """'new.ttl:12', or 'rows.csv row 3' for a spreadsheet row."""
    if file is None:
        return "(new files)"
    if line is None:
        return file
    return f"{file} row {line}" if unit == "row" else f"{file}:{line}"


def _show_value(report: CheckReport, issue: Issue) -> str | None:
    """The offending value for display; None when absent or just the focus node again
    (what SPARQL constraints without ?value report)."""
    value = issue.value
    if value is None or value == issue.focus:
        return None
    if not value.startswith('"'):
        return report.index.short(value)
    term = term_of(value)
    if isinstance(term, Literal) and term.datatype is not None:
        return f"{Literal(str(term)).n3()}^^{report.index.short(term.datatype)}"
    return value


def summary(report: CheckReport, fail_on: str, lang: str) -> str:
    words = _WORDS[lang]
    counts = report.counts()
    ok = not report.failing(fail_on)
    if lang == "zh":
        parts = "、".join(f"{counts[s]} 个{words[s]}" for s in ("violation", "warning", "info"))
        state = words["conforms"] if ok else words["not"]
        return (f"{'、'.join(report.files)}：{state}（{parts}；{words['at'].format(fail_on)}）"
                f"— {words['new'].format(report.new_triples, report.new_subjects)}")
    parts = ", ".join(f"{counts[s]} {words[s]}{'' if counts[s] == 1 else 's'}"
                      for s in ("violation", "warning", "info"))
    state = words["conforms"] if ok else words["not"]
    return (f"{', '.join(report.files)}: {state} ({parts}; {words['at'].format(fail_on)}) — "
            + words["new"].format(report.new_triples, report.new_subjects, _s(report.new_triples),
                                  _s(report.new_subjects)))


def render_text(report: CheckReport, fail_on: str = "violation", lang: str = "en") -> str:
    """Results grouped by focus node, each group headed by where the node is defined."""
    lines = []
    for notice in report.notices:
        lines.append(f"{_WORDS[lang]['note']}: {where(notice.file, notice.line, notice.unit)}: "
                     f"{notice.message(lang)}")
    for focus, group in groupby(report.issues, key=lambda i: i.focus):
        issues = list(group)
        first = issues[0]
        name = report.index.short(focus) if not _is_bnode(focus) else "[blank node]"
        label = report.index.label(URIRef(focus), lang) if not _is_bnode(focus) else None
        lines.append(f"{where(first.file, first.line, first.unit)}: {name}"
                     + (f" ({label})" if label else ""))
        for issue in issues:
            lines.append("  " + issue_line(report, issue, lang))
            if issue.suggestion:
                lines.append(f"      → {issue.suggestion.get(lang) or issue.suggestion['en']}")
    lines.append(summary(report, fail_on, lang))
    return "\n".join(lines) + "\n"


def issue_line(report: CheckReport, issue: Issue, lang: str) -> str:
    """'[violation] gd:locatedIn: <message> (value city:x)'."""
    path = f" {report.index.short(issue.path)}:" if issue.path else ""
    value = _show_value(report, issue)
    shown = f" ({_WORDS[lang]['value']} {value})" if value is not None else ""
    return f"[{issue.severity}]{path} {issue.message(lang)}{shown}"


def _is_bnode(focus: str) -> bool:
    return not focus.startswith(("http://", "https://", "urn:"))


def render_json(report: CheckReport, fail_on: str = "violation", lang: str = "en") -> str:
    results = []
    for issue in report.issues:
        results.append({
            "file": issue.file,
            ("row" if issue.unit == "row" else "line"): issue.line,
            "focus": None if _is_bnode(issue.focus) else issue.focus,
            "focus_name": None if _is_bnode(issue.focus) else report.index.short(issue.focus),
            "severity": issue.severity,
            "path": issue.path,
            "path_name": report.index.short(issue.path) if issue.path else None,
            "value": _show_value(report, issue),
            "message": issue.message(lang),
            "messages": issue.messages,
            "suggestion": issue.suggestion.get(lang) if issue.suggestion else None,
            "constraint": issue.constraint,
            "source": issue.origin,
        })
    data = {
        "conforms": not report.failing(fail_on),
        "fail_on": fail_on,
        "files": report.files,
        "new_triples": report.new_triples,
        "counts": report.counts(),
        "notices": [{"file": n.file, "line": n.line, "message": n.message(lang)}
                    for n in report.notices],
        "results": results,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_ttl(report: CheckReport, fail_on: str = "violation") -> str:
    """A SHACL validation report graph of the results shown (sh:conforms at --fail-on)."""
    graph = Graph()
    for name in ("sh", "rdf", "rdfs", "xsd", "gd"):
        graph.bind(name, PREFIXES[name])
    for name, namespace in PREFIXES.items():
        if namespace.startswith("https://w3id.org/gdkg/id/"):
            graph.bind(name, namespace)
    graph.bind("gdc", str(GDC))
    top = BNode()
    graph.add((top, RDF.type, SH.ValidationReport))
    graph.add((top, SH.conforms, Literal(not report.failing(fail_on))))
    for issue in report.issues:
        node = BNode()
        graph.add((top, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, _SEVERITY_IRI[issue.severity]))
        graph.add((node, SH.focusNode, BNode(issue.focus) if _is_bnode(issue.focus)
                   else URIRef(issue.focus)))
        if issue.path:
            graph.add((node, SH.resultPath, URIRef(issue.path)))
        value = term_of(issue.value)
        if value is not None:
            graph.add((node, SH.value, value))
        if issue.constraint:
            graph.add((node, SH.sourceConstraintComponent, URIRef(issue.constraint)))
        if issue.shape and not _is_bnode(issue.shape):
            graph.add((node, SH.sourceShape, URIRef(issue.shape)))
        for lang, text in issue.messages.items():
            graph.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
        for lang, text in issue.suggestion.items():
            graph.add((node, RDFS.comment, Literal(text, lang=lang)))
        if issue.file:
            graph.add((node, GDC.file, Literal(issue.file)))
        if issue.line is not None:
            graph.add((node, GDC.line, Literal(issue.line, datatype=XSD.integer)))
    return graph.serialize(format="turtle")


def errors_json(errors: list[LoadError], lang: str = "en") -> str:
    """Unusable input as JSON, for --format json (message and hint in ``lang``)."""
    from ..language import text

    return json.dumps({"conforms": None, "errors": [
        {"file": e.path, "line": e.line, "column": e.column, "message": text(e.message, lang),
         "hint": None if e.hint is None else text(e.hint, lang)}
        for e in errors]}, ensure_ascii=False, indent=2) + "\n"
