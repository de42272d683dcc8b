"""What ``gdkg build`` prints: the SHACL results at file:line, and the summary, in en or zh.

A cached build prints the same results as the fresh one did, read back from
build/validation.json."""

from __future__ import annotations

import re
from pathlib import Path

from .language import count, say
from .pipeline import BuildResult
from .project import Project
from .validation.shacl import SEVERITY_ORDER, ValidationReport

_IRI = re.compile(r"https?://[^\s<>\"'{}|^`,;)]+")
SEVERITIES = ("violation", "warning", "info")


def subject_locations(project: Project) -> dict[str, str]:
    """``file:line`` of the first statement about each subject in the project's sources."""
    from .validation.locate import subject_lines

    where: dict[str, str] = {}
    for path in project.graph_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines, _ = subject_lines(text)
        shown = project.relative(path)
        for iri, line in lines.items():
            where.setdefault(iri, f"{shown}:{line}")
    return where


def cached_report(project: Project) -> ValidationReport | None:
    """The results a previous build wrote to build/validation.json, if readable."""
    try:
        text = (project.build_dir / "validation.json").read_text(encoding="utf-8")
        return ValidationReport.from_json(text)
    except (OSError, ValueError, TypeError):
        return None


def counts_text(counts: dict[str, int], lang: str = "en") -> str:
    """'0 violations, 1 warning, 3 infos'."""
    return ", ".join(count(counts.get(s, 0), s, lang) for s in SEVERITIES)


def results_text(report: ValidationReport, project: Project, lang: str = "en",
                 limit: int | None = 30, floor: str = "warning") -> str:
    """The results at ``floor`` or above, grouped by focus node with its file:line."""
    from .namespaces import PREFIXES
    from .serialize import _Compactor

    compact = _Compactor(PREFIXES)
    counts = dict(report.counts())
    state = say(lang, "conforms" if report.conforms else "does NOT conform",
                "符合" if report.conforms else "不符合")
    lines = [f"SHACL: {state} ({counts_text(counts, lang)})"]
    shown = [r for r in report.results if SEVERITY_ORDER[r.severity] >= SEVERITY_ORDER[floor]]
    results = shown if limit is None else shown[:limit]
    where = subject_locations(project) if results else {}
    report_file = project.relative(project.build_dir / "validation.txt")
    focus = None
    for result in results:
        if result.focus != focus:
            focus = result.focus
            location = where.get(focus)
            lines.append(f"{location}: {compact.iri(focus)}" if location else compact.iri(focus))
        path = f" {compact.iri(result.path)}" if result.path else ""
        value = ""
        if result.value is not None:
            rendered = compact.iri(result.value) if result.value.startswith("http") else result.value
            value = say(lang, f" (value {rendered})", f"（值 {rendered}）")
        message = _IRI.sub(lambda m: compact.iri(m.group(0)), result.message(lang))
        lines.append(f"  [{result.severity}]{path}: {message}{value}")
    if len(results) < len(shown):
        rest = len(shown) - len(results)
        lines.append(say(lang, f"… and {rest} more (see {report_file})",
                         f"…… 另有 {rest} 条（见 {report_file}）"))
    below = len(report.results) - len(shown)
    if below:
        lines.append(say(lang, f"({count(below, 'result')} below {floor}: see {report_file})",
                         f"（{below} 条低于 {floor} 的结果：见 {report_file}）"))
    return "\n".join(lines) + "\n"


_STATE = {
    ("en", True): "up to date (cached)", ("en", False): "built",
    ("zh", True): "已是最新（缓存）", ("zh", False): "已构建",
}


def summary_text(result: BuildResult, lang: str = "en", top: int = 40) -> str:
    """The closing summary of ``gdkg build``: triples, instances per class, validation, time."""
    project = result.project
    out = project.relative(project.build_dir)
    lines = [f"gdkg {_STATE[(lang, result.cached)]}: {out}/"]
    if project.bundled:
        lines.append(say(lang, f"  sources: the graph installed with gdkg ({project.root})",
                         f"  来源：随 gdkg 安装的图（{project.root}）"))
    lines.append(say(lang, f"  triples: {result.asserted} asserted, {result.inferred} inferred "
                           f"(reasoner: {result.reasoner})",
                     f"  三元组：断言 {result.asserted} 条，推理 {result.inferred} 条"
                     f"（推理机：{result.reasoner}）"))
    lines.append(say(lang, "  instances per class:", "  各类实例数："))
    wanted = sorted(result.instances.items(), key=lambda item: (-item[1], item[0]))[:top]
    width = max((len(name) for name, _ in wanted), default=0)
    for name, n in wanted:
        lines.append(f"    {name:<{width}}  {n:>6}")
    if result.report is not None:
        counts, conforms = dict(result.report.counts()), result.report.conforms
    else:
        counts, conforms = result.manifest.get("results", {}), result.conforms
    state = say(lang, "conforms" if conforms else "does NOT conform", "符合" if conforms else "不符合")
    lines.append(say(lang, "  validation: ", "  校验：") + f"{state} ({counts_text(counts, lang)})")
    if result.timer.stages:
        parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timer.stages)
        total = f"{result.timer.total:.2f} s"
        lines.append(say(lang, f"  time: {parts}; total {total}", f"  用时：{parts}；共 {total}"))
    return "\n".join(lines)


def cached_results_note(project: Project, lang: str = "en") -> str:
    """Where the results of a cached build are when build/validation.json cannot be read."""
    where: Path = project.build_dir / "validation.txt"
    return say(lang, f"the results of this build are in {project.relative(where)}",
               f"本次构建的校验结果见 {project.relative(where)}")
