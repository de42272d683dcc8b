"""CLI commands around the graph as a package: ``init``, ``prefixes``, ``release``, ``diff``.

Each sub-command carries its handler (``set_defaults(handler=...)``); errors are
messages with exit status 2 and leave nothing on disk."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from .language import count, error_prefix, error_text, say
from .project import Project

EXIT_OK, EXIT_NONCONFORMING, EXIT_UNUSABLE = 0, 1, 2


def _err(message: str, lang: str = "en") -> None:
    print(f"{error_prefix(lang)}{message}", file=sys.stderr)


def add_tool_commands(sub, formatter) -> None:
    """Register init, prefixes, release and diff on the ``gdkg`` sub-parsers."""
    p = sub.add_parser("init", help="create a project of your own: a copy of the bundled "
                                    "ontology, data, shapes and queries",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg init my-graph                 then: cd my-graph && gdkg build
          gdkg init .                        in the current (empty) directory
        The directory must be new or empty. It gets ontology/, data/ttl/ (with an
        empty data/ttl/added/ for `gdkg add`), shapes/ and queries/; build/ is made
        by `gdkg build`. The copy is written beside DIR and renamed into place, so
        DIR is either untouched or complete.
        exit status: 0 created, 2 DIR exists and is not empty, or cannot be written"""))
    p.add_argument("directory", metavar="DIR", help="the new project's directory (new or empty)")
    p.set_defaults(handler=cmd_init, needs_project=False)

    p = sub.add_parser("prefixes", help="list the predeclared prefixes (city:, cluster:, fyp: …) "
                                        "for Turtle, SPARQL and --param",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg prefixes                      prefix and namespace, one a line
          gdkg prefixes --format turtle      @prefix lines to paste at the top of a .ttl file
          gdkg prefixes --format sparql      PREFIX lines for a query
          gdkg prefixes --format json
        Queries and --param values may use these prefixes without declaring them;
        a Turtle file must declare the ones it uses."""))
    p.add_argument("--format", choices=["table", "turtle", "sparql", "json"], default="table",
                   help="table (default), turtle (@prefix lines), sparql (PREFIX lines) or json")
    p.set_defaults(handler=cmd_prefixes, needs_project=False)

    p = sub.add_parser("release", help="write a versioned dataset: Turtle, N-Triples (gzip), "
                                       "JSON-LD, ontology, shapes, VoID/DCAT, SHA256SUMS",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg release                          -> ./gdkg-<version>/
          gdkg release -o dist/gdkg-0.1.0
          gdkg release -o out --issued 2026-01-15   with dcterms:issued in void.ttl
          gdkg diff dist/gdkg-0.1.0 build           what changed since the release
        Builds first if build/ is stale. The bundle is deterministic: two releases of
        the same input are byte-identical (no timestamps, gzip mtime 0; dcterms:issued
        only from --issued or $SOURCE_DATE_EPOCH). Check it with `sha256sum -c SHA256SUMS`.
        exit status: 0 written, 2 the directory exists or cannot be written (nothing written)"""))
    p.add_argument("-o", "--output", metavar="DIR",
                   help="directory to create (must not exist; default ./gdkg-<version>)")
    p.add_argument("--issued", metavar="YYYY-MM-DD",
                   help="release date for dcterms:issued (default: from $SOURCE_DATE_EPOCH, else none)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    p.set_defaults(handler=cmd_release)

    p = sub.add_parser("diff", help="triples and entities added and removed between two releases "
                                    "(or a release and build/), per class and per source",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg diff gdkg-0.1.0 gdkg-0.2.0             two releases
          gdkg diff gdkg-0.1.0 build                  a release and the current build/
          gdkg diff old new --format md > CHANGES.md
          gdkg diff old new --format json
        A and B are release directories (SHA256SUMS is verified), build/ directories
        or project directories (their build/).
        exit status: 0 (also with --exit-code when nothing changed), 1 with --exit-code
        when something changed, 2 A or B is not a gdkg release or build"""))
    p.add_argument("old", metavar="A", help="the older release, build/ or project directory")
    p.add_argument("new", metavar="B", help="the newer release, build/ or project directory")
    p.add_argument("--format", choices=["text", "md", "json"], default="text",
                   help="text (default), md (Markdown) or json")
    p.add_argument("--limit", type=int, default=50, metavar="N",
                   help="entities listed per direction in text and md (default 50; json lists all)")
    p.add_argument("--exit-code", action="store_true",
                   help="exit with status 1 when the graphs differ (like git diff --exit-code)")
    p.set_defaults(handler=cmd_diff, needs_project=False)


def cmd_init(args, project: Project | None) -> int:
    from .project import InitError, init_project

    try:
        made = init_project(args.directory)
    except InitError as exc:
        _err(error_text(exc, args.lang) + say(args.lang, "; nothing was written", "；未写入任何内容"),
             args.lang)
        return EXIT_UNUSABLE
    files = sum(1 for p in made.root.rglob("*") if p.is_file())
    step = "gdkg build" if made.root == Path.cwd().resolve() else f"cd {args.directory} && gdkg build"
    print(say(args.lang, f"created a gdkg project in {made.root} ({count(files, 'file')}); next: {step}",
              f"已在 {made.root} 创建 gdkg 项目（{files} 个文件）；下一步：{step}"))
    return EXIT_OK


def cmd_prefixes(args, project: Project | None) -> int:
    from .namespaces import PREFIXES

    names = sorted(PREFIXES)
    if args.format == "json":
        print(json.dumps({n: PREFIXES[n] for n in names}, ensure_ascii=False, indent=2))
    elif args.format == "turtle":
        width = max(len(n) for n in names) + 1
        print("".join(f"@prefix {n + ':':<{width}} <{PREFIXES[n]}> .\n" for n in names), end="")
    elif args.format == "sparql":
        print("".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in names), end="")
    else:
        from .tables import render

        header = say(args.lang, "prefix namespace", "前缀 命名空间").split()
        sys.stdout.write(render(header, [[n + ":", PREFIXES[n]] for n in names], "table"))
    return EXIT_OK


def cmd_release(args, project: Project) -> int:
    from .release_bundle import ReleaseError, write_release

    try:
        out = write_release(project, args.output, issued=args.issued, progress=not args.quiet,
                            lang=args.lang)
    except ReleaseError as exc:
        _err(error_text(exc, args.lang), args.lang)
        return EXIT_UNUSABLE
    from .manifest import read_manifest

    manifest = read_manifest(project) or {}
    if not manifest.get("conforms", True):
        violations = manifest.get("results", {}).get("violation", 0)
        print(say(args.lang, f"warning: this graph does not conform ({count(violations, 'violation')}); "
                             "void.ttl records it (sh:conforms false)",
                  f"警告：该图不符合约束（{violations} 个违规）；void.ttl 已记录（sh:conforms false）"),
              file=sys.stderr)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(say(args.lang, f"release written: {out} ({count(files, 'file')}; check with "
                         f"`cd {out} && sha256sum -c SHA256SUMS`)",
              f"发布包已写出：{out}（{files} 个文件；校验：`cd {out} && sha256sum -c SHA256SUMS`）"))
    return EXIT_OK


def cmd_diff(args, project: Project | None) -> int:
    from .graph_diff import DiffError, diff_graphs

    if args.limit < 0:
        _err(say(args.lang, "--limit must be 0 or more", "--limit 须为 0 或更大"), args.lang)
        return EXIT_UNUSABLE
    try:
        result = diff_graphs(args.old, args.new)
    except DiffError as exc:
        _err(error_text(exc, args.lang), args.lang)
        return EXIT_UNUSABLE
    sys.stdout.write(result.render(args.format, lang=args.lang, limit=args.limit))
    return EXIT_NONCONFORMING if args.exit_code and result.changed else EXIT_OK
