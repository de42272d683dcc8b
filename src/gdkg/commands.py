"""What each CLI command does, on top of the Python API. Errors become messages
and exit codes here, never tracebacks."""

from __future__ import annotations

import argparse
import json
import sys

from .language import Text, error_prefix, error_text, fmt, message, os_reason, say
from .language import text as in_lang
from .load import LoadError
from .project import Project, ProjectNotFound
from .query import QueryError
from .remote_endpoint import EndpointError
from .safe_io import OutputError
from .validation.schema_guard import DataChangesOntology

EXIT_OK, EXIT_NONCONFORMING, EXIT_UNUSABLE = 0, 1, 2


def _err(problem: str | BaseException, lang: str | None = None) -> None:
    """'gdkg: error: …' on stderr, in ``lang`` (default: the running command's language)."""
    from . import language

    lang = lang or language.current
    shown = error_text(problem, lang) if isinstance(problem, BaseException) else in_lang(problem, lang)
    print(f"{error_prefix(lang)}{shown}", file=sys.stderr)


_REBUILD_ELSEWHERE = Text(" (choose another place for build/ with --build-dir DIR or GDKG_BUILD_DIR)",
                          "（可用 --build-dir DIR 或 GDKG_BUILD_DIR 把 build/ 放到别处）")


def run_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        # a command that needs no project (init, diff) sets needs_project=False
        project = (Project.find(args.root, getattr(args, "build_dir", None))
                   if getattr(args, "needs_project", True) else None)
        if project is not None:
            _finish_interrupted(project)
        # A sub-command defined in its own module sets its handler with
        # ``parser.set_defaults(handler=...)``; the core ones are cmd_* here.
        handler = getattr(args, "handler", None) or globals()[f"cmd_{args.command.replace('-', '_')}"]
        return handler(args, project)
    except (ProjectNotFound, LoadError, QueryError, OutputError, EndpointError) as exc:
        # OutputError: an output refused or not written; also cache and lock problems
        _err(exc, args.lang)
    except DataChangesOntology as exc:  # data/ttl/ carries ontology axioms: does not conform
        print(exc.render(getattr(args, "lang", "en")), file=sys.stderr)
        return EXIT_NONCONFORMING
    except BrokenPipeError:  # e.g. `gdkg matrix | head`
        return EXIT_OK
    except OSError as exc:  # e.g. an unwritable build directory or cache
        where = f"{exc.filename}: " if exc.filename else ""
        _err(where + os_reason(exc) + _REBUILD_ELSEWHERE, args.lang)
    except KeyboardInterrupt:
        _err(Text("interrupted", "已中断"), args.lang)
        return 130
    return EXIT_UNUSABLE


def _finish_interrupted(project: Project) -> None:
    """A `gdkg add` killed half-way left a journal: complete or roll it back first."""
    from .journal import pending, recover
    from .locking import project_lock

    if pending(project):
        with project_lock(project, "recovery"):
            recover(project)


def cmd_build(args, project: Project) -> int:
    from .build_report import cached_report, cached_results_note, results_text, summary_text
    from .pipeline import build
    from .progress import stderr_timer
    from .validation.shacl import SEVERITY_ORDER

    timer = stderr_timer(args.quiet, args.lang)
    result = build(project, engine=args.reasoner, force=args.force, timer=timer)
    floor = "info" if args.fail_on == "info" else "warning"
    shown = result.report if result.report is not None else cached_report(project)
    if shown is not None and shown.at_least(floor):
        print(results_text(shown, project, lang=args.lang, limit=30, floor=floor), end="",
              file=sys.stderr)
    elif shown is None and not result.conforms:
        print(cached_results_note(project, args.lang), file=sys.stderr)
    print(summary_text(result, args.lang))
    if result.report is not None:
        failing = result.report.at_least(args.fail_on)
    else:
        counts = result.manifest.get("results", {})
        failing = [s for s in counts if SEVERITY_ORDER[s] >= SEVERITY_ORDER[args.fail_on]
                   and counts[s]]
    return EXIT_NONCONFORMING if failing else EXIT_OK


def cmd_matrix(args, project: Project) -> int:
    from .layout_matrix import matrix

    table = matrix(args.kind, project=project)
    sys.stdout.write(table.render(args.format, args.lang))
    return EXIT_NONCONFORMING if table.mismatches() else EXIT_OK


def cmd_stats(args, project: Project) -> int:
    from .coverage import render_stats, stats

    report = stats(project=project)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_stats(report, args.lang))
    return EXIT_OK


# ---------------------------------------------------------------- validate, add, import


def _read_inputs(files: list[str], max_mb: float):
    """Read every file; collect all unusable ones rather than stopping at the first."""
    from .load import MAX_FILES_PER_COMMAND
    from .validation.check import read_input

    inputs, errors = [], []
    if len(files) > MAX_FILES_PER_COMMAND:
        return [], [LoadError(Text(f"{len(files):,} files", f"{len(files):,} 个文件"),
                              fmt("over the limit of {n:,} files in one command",
                                  "超过一条命令 {n:,} 个文件的上限",
                                  n=MAX_FILES_PER_COMMAND),
                              hint=Text("run it on fewer files at a time", "请每次处理较少的文件"))]
    for name in files:
        try:
            inputs.append(read_input(name, max_mb))
        except LoadError as exc:
            errors.append(exc)
    return inputs, errors


def _unusable(errors: list[LoadError], form: str = "text", lang: str = "en") -> int:
    from .validation.report import errors_json

    for error in errors:
        _err(error, lang)
    if form == "json":
        sys.stdout.write(errors_json(errors, lang))
    return EXIT_UNUSABLE


def _show_check(report, args, stream=None) -> None:
    from .validation.report import render_json, render_text, render_ttl, summary

    fmt = getattr(args, "format", "text")
    stream = stream or sys.stdout
    if fmt == "json":
        stream.write(render_json(report, args.fail_on, args.lang))
    elif fmt == "ttl":
        stream.write(render_ttl(report, args.fail_on))
        print(summary(report, args.fail_on, args.lang), file=sys.stderr)
    else:
        stream.write(render_text(report, args.fail_on, args.lang))


def cmd_validate(args, project: Project) -> int:
    from .intake.staging import _inside
    from .validation.check import check, quiet_rdflib

    with quiet_rdflib():
        inputs, errors = _read_inputs(args.files, args.max_size)
        if errors:
            return _unusable(errors, args.format, args.lang)
        exclude = [i.path for i in inputs if i.path is not None and _inside(i.path, project.data_dir)]
        report = check(project, inputs, exclude)
        _show_check(report, args)
    return EXIT_NONCONFORMING if report.failing(args.fail_on) else EXIT_OK


def cmd_add(args, project: Project) -> int:
    from .api import refuse_bundled
    from .intake.staging import AddError
    from .journal import recover
    from .locking import project_lock

    try:
        refuse_bundled(project)  # the graph installed with gdkg is read-only: `gdkg init` first
    except AddError as exc:
        _err(exc, args.lang)
        return EXIT_UNUSABLE
    # one writer at a time: the destinations are planned, checked and written under the lock
    with project_lock(project, "add --undo" if getattr(args, "undo", False) else "add"):
        recover(project)
        if getattr(args, "undo", False):
            return _undo(args, project)
        return _add(args, project)


def _undo(args, project: Project) -> int:
    from .intake.staging import AddError, undo

    code = EXIT_OK
    for name in args.files:
        try:
            done = undo(project, name, args.to)
        except AddError as exc:
            _err(exc, args.lang)
            code = EXIT_UNUSABLE
            continue
        what = (fmt("restored {path}", "已恢复 {path}", path=project.relative(done.restored))
                if done.restored is not None
                else Text("removed it (gdkg add had created it)", "已删除该文件（它是 gdkg add 新建的）"))
        print(in_lang(fmt("undid the last add of {dest}: {what}; the undone version is kept as {kept}",
                          "已撤销对 {dest} 的上一次添加：{what}；被撤销的版本保存在 {kept}",
                          dest=project.relative(done.dest), what=what,
                          kept=project.relative(done.kept)), args.lang))
    if code == EXIT_OK:
        print(in_lang(_RUN_BUILD, args.lang), file=sys.stderr)
    return code


_RUN_BUILD = Text("run `gdkg build` to rebuild build/", "请运行 `gdkg build` 重新生成 build/")


def _add(args, project: Project) -> int:
    from .intake.staging import AddError, commit, plan, replaced_files
    from .language import count
    from .validation.check import check, quiet_rdflib

    with quiet_rdflib():
        inputs, errors = _read_inputs(args.files, args.max_size)
        if errors:
            return _unusable(errors, lang=args.lang)
        try:
            placements = plan(project, inputs, args.to, args.replace)
        except AddError as exc:
            _err(exc, args.lang)
            return EXIT_UNUSABLE
        report = check(project, inputs, replaced_files(placements))
        _show_check(report, args)
    if report.failing(args.fail_on):
        print(say(args.lang, "nothing added: fix the problems above and run gdkg add again",
                  "未添加任何内容：请修正上面的问题后再运行 gdkg add"), file=sys.stderr)
        return EXIT_NONCONFORMING
    for placement in placements:
        if args.dry_run:
            dest, n, source = (project.relative(placement.dest), count(len(placement.input.triples),
                               "triple", args.lang), placement.input.shown)
            print(say(args.lang, f"{'would replace' if placement.replaces else 'would add'} {dest} "
                                 f"({n} from {source})",
                      f"将{'替换' if placement.replaces else '添加'} {dest}（{n}，来自 {source}）"))
    if args.dry_run:
        return EXIT_OK
    try:
        commit(project, placements)
    except OutputError as exc:
        exc.message += fmt("; nothing was changed in {data}/", "；{data}/ 中没有任何改动",
                           data=project.relative(project.data_dir))
        _err(exc, args.lang)
        return EXIT_UNUSABLE
    except OSError as exc:
        _err(fmt("could not write to {data}/: {reason}; nothing was changed",
                 "无法写入 {data}/：{reason}；没有任何改动", data=project.relative(project.data_dir),
                 reason=os_reason(exc)), args.lang)
        return EXIT_UNUSABLE
    for placement in placements:
        n = count(len(placement.input.triples), "triple", args.lang)
        dest = project.relative(placement.dest)
        line = say(args.lang, f"added {placement.input.shown} -> {dest} ({n})",
                   f"已添加 {placement.input.shown} -> {dest}（{n}）")
        if placement.backup is not None:
            line += say(args.lang, f"; previous version kept as {project.relative(placement.backup)}",
                        f"；原版本保存在 {project.relative(placement.backup)}")
        print(line)
    print(in_lang(_RUN_BUILD, args.lang), file=sys.stderr)
    return EXIT_OK


def cmd_import(args, project: Project) -> int:
    from .intake.spreadsheet import ImportFailed, describe, export_rows, import_csv, template
    from .validation.check import quiet_rdflib

    with quiet_rdflib():
        if args.import_command == "template":
            if args.describe:
                sys.stdout.write(describe(args.type))
            elif args.from_graph:
                sys.stdout.write(export_rows(project, args.type))
            else:
                sys.stdout.write(template(args.type))
            return EXIT_OK
        try:
            result = import_csv(project, args.type, args.file, encoding=args.encoding,
                                max_mb=args.max_size, output=args.output)
        except ImportFailed as exc:
            sys.stderr.write(exc.render(args.lang))
            return EXIT_NONCONFORMING
        _show_check(result.report, argparse.Namespace(format="text", fail_on=args.fail_on,
                                                      lang=args.lang), stream=sys.stderr)
    if result.report.failing(args.fail_on):
        print(say(args.lang, "nothing written: fix the rows above and import again",
                  "未写入任何内容：请修正上面的行后再导入"), file=sys.stderr)
        return EXIT_NONCONFORMING
    if args.output:
        from .safe_io import write_atomic_safe

        write_atomic_safe(args.output, result.turtle)
        from .language import count

        made = f"{count(result.triples, 'triple', args.lang)}, {count(result.rows, 'row', args.lang)}"
        print(say(args.lang, f"wrote {args.output} ({made}); add it with: gdkg add {args.output}",
                  f"已写入 {args.output}（{made}）；添加到图中：gdkg add {args.output}"), file=sys.stderr)
    else:
        sys.stdout.write(result.turtle)
    return EXIT_OK


def cmd_publish(args, project: Project) -> int:
    from .language import count
    from .progress import stderr_timer
    from .remote_endpoint import Endpoint, EndpointError, publish

    try:
        endpoint = Endpoint.from_url(args.endpoint, args.update_url, args.store_url, user=args.user)
    except EndpointError as exc:
        _err(exc, args.lang)
        return EXIT_UNUSABLE
    try:
        result = publish(project, endpoint, graph_per_source=args.graph_per_source, graph=args.graph,
                         timer=stderr_timer())
    except EndpointError as exc:
        _err(message(exc) + Text("; nothing on the server was replaced", "；服务器上的内容均未被替换"),
             args.lang)
        return EXIT_UNUSABLE
    for graph, n in result.graphs.items():
        print(say(args.lang, f"{n:>8} triples -> {graph or 'the default graph'}",
                  f"{n:>8} 个三元组 -> {graph or '默认图'}"))
    print(say(args.lang, f"published {count(result.triples, 'triple')} to {endpoint.store}",
              f"已发布 {count(result.triples, 'triple', 'zh')} 到 {endpoint.store}"))
    return EXIT_OK
