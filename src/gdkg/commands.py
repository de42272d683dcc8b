"""What each CLI command does, on top of the Python API. Errors become messages
and exit codes here, never tracebacks."""

from __future__ import annotations

import argparse
import json
import sys

from .load import LoadError
from .project import Project, ProjectNotFound
from .query import QueryError
from .remote_endpoint import EndpointError
from .safe_io import OutputError
from .validation.schema_guard import DataChangesOntology

EXIT_OK, EXIT_NONCONFORMING, EXIT_UNUSABLE = 0, 1, 2


def _err(message: str) -> None:
    print(f"gdkg: error: {message}", file=sys.stderr)


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
    except ProjectNotFound as exc:
        from .language import error_prefix, error_text

        lang = getattr(args, "lang", "en")
        print(f"{error_prefix(lang)}{error_text(exc, lang)}", file=sys.stderr)
    except LoadError as exc:
        _err(str(exc))
    except QueryError as exc:
        _err(str(exc))
    except OutputError as exc:  # an output refused or not written; also cache and lock problems
        _err(str(exc))
    except DataChangesOntology as exc:  # data/ttl/ carries ontology axioms: does not conform
        print(exc.render(getattr(args, "lang", "en")), file=sys.stderr)
        return EXIT_NONCONFORMING
    except EndpointError as exc:
        _err(str(exc))
    except BrokenPipeError:  # e.g. `gdkg matrix | head`
        return EXIT_OK
    except OSError as exc:  # e.g. an unwritable build directory or cache
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"{where}{exc.strerror or exc} (choose another place for build/ with --build-dir DIR "
             "or GDKG_BUILD_DIR)")
    except KeyboardInterrupt:
        _err("interrupted")
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
        return [], [LoadError(f"{len(files):,} files", f"over the limit of {MAX_FILES_PER_COMMAND:,} "
                                                       "files in one command",
                              hint="run it on fewer files at a time")]
    for name in files:
        try:
            inputs.append(read_input(name, max_mb))
        except LoadError as exc:
            errors.append(exc)
    return inputs, errors


def _unusable(errors: list[LoadError], fmt: str = "text") -> int:
    from .validation.report import errors_json

    for error in errors:
        _err(str(error))
    if fmt == "json":
        sys.stdout.write(errors_json(errors))
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
            return _unusable(errors, args.format)
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
        _err(str(exc))
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
            _err(str(exc))
            code = EXIT_UNUSABLE
            continue
        what = (f"restored {project.relative(done.restored)}" if done.restored is not None
                else "removed it (gdkg add had created it)")
        print(f"undid the last add of {project.relative(done.dest)}: {what}; the undone version is "
              f"kept as {project.relative(done.kept)}")
    if code == EXIT_OK:
        print("run `gdkg build` to rebuild build/", file=sys.stderr)
    return code


def _add(args, project: Project) -> int:
    from .intake.staging import AddError, commit, plan, replaced_files
    from .language import count
    from .validation.check import check, quiet_rdflib

    with quiet_rdflib():
        inputs, errors = _read_inputs(args.files, args.max_size)
        if errors:
            return _unusable(errors)
        try:
            placements = plan(project, inputs, args.to, args.replace)
        except AddError as exc:
            _err(str(exc))
            return EXIT_UNUSABLE
        report = check(project, inputs, replaced_files(placements))
        _show_check(report, args)
    if report.failing(args.fail_on):
        print("nothing added: fix the problems above and run gdkg add again", file=sys.stderr)
        return EXIT_NONCONFORMING
    for placement in placements:
        verb = "would replace" if placement.replaces else "would add"
        if args.dry_run:
            print(f"{verb} {project.relative(placement.dest)} ({len(placement.input.triples)} "
                  f"triples from {placement.input.shown})")
    if args.dry_run:
        return EXIT_OK
    try:
        commit(project, placements)
    except OutputError as exc:
        exc.message += f"; nothing was changed in {project.relative(project.data_dir)}/"
        _err(str(exc))
        return EXIT_UNUSABLE
    except OSError as exc:
        _err(f"could not write to {project.relative(project.data_dir)}/: {exc.strerror or exc}; "
             "nothing was changed")
        return EXIT_UNUSABLE
    for placement in placements:
        line = (f"added {placement.input.shown} -> {project.relative(placement.dest)} "
                f"({count(len(placement.input.triples), 'triple')})")
        if placement.backup is not None:
            line += f"; previous version kept as {project.relative(placement.backup)}"
        print(line)
    print("run `gdkg build` to rebuild build/", file=sys.stderr)
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
        print("nothing written: fix the rows above and import again", file=sys.stderr)
        return EXIT_NONCONFORMING
    if args.output:
        from .safe_io import write_atomic_safe

        write_atomic_safe(args.output, result.turtle)
        from .language import count

        print(f"wrote {args.output} ({count(result.triples, 'triple')}, {count(result.rows, 'row')}); "
              f"add it with: gdkg add {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(result.turtle)
    return EXIT_OK


def cmd_publish(args, project: Project) -> int:
    from .progress import stderr_timer
    from .remote_endpoint import Endpoint, EndpointError, publish

    try:
        endpoint = Endpoint.from_url(args.endpoint, args.update_url, args.store_url, user=args.user)
    except EndpointError as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    try:
        result = publish(project, endpoint, graph_per_source=args.graph_per_source, graph=args.graph,
                         timer=stderr_timer())
    except EndpointError as exc:
        _err(f"{exc}; nothing on the server was replaced")
        return EXIT_UNUSABLE
    for graph, count in result.graphs.items():
        print(f"{count:>8} triples -> {graph or 'the default graph'}")
    print(f"published {result.triples} triples to {endpoint.store}")
    return EXIT_OK
