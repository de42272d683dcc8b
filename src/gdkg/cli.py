"""The `gdkg` command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from . import __version__
from .language import DEFAULT_LANG, LANGS

EXAMPLES = """\
examples:
  gdkg build                                  load, reason, validate, write build/
  gdkg matrix --kind emerging --format csv    附件 1 table from the graph
  gdkg query --list                           the named queries
  gdkg query shared-core-cities --param a=汽车 --param b=新能源
  gdkg describe 深圳                           every statement about an entity, with sources
  gdkg search 机器人                           entities by name (exact, contained, close)
  gdkg stats --format json                    coverage per cluster
  gdkg validate new.ttl                       check new data against the graph and shapes
  gdkg add new.ttl                            validate, then put it into data/ttl/added/
  gdkg import csv --type enterprise firms.csv -o firms.ttl
  gdkg export --graph city --format gexf -o city.gexf   Gephi-ready network
  gdkg analyze --format html -o report.html             network report with figures
  gdkg conflicts --cluster 新能源              where the sources disagree
  gdkg init my-graph                          a project of your own, to extend
  gdkg release -o dist/gdkg-0.1.0             versioned dataset bundle (Turtle, N-Triples, JSON-LD, VoID)
  gdkg diff dist/gdkg-0.1.0 build             what changed since a release
  gdkg prefixes                               the predeclared prefixes (city:, cluster:, fyp: …)
  gdkg serve                                  SPARQL endpoint + query page on 127.0.0.1:8000
  gdkg docs -o site/                          the ontology reference as HTML

language: messages, summaries and labels are in English by default; --lang zh (on
any command, before or after its name) or GDKG_LANG=zh switches to Chinese.
outside a project, commands use the graph installed with gdkg, built into
$XDG_CACHE_HOME/gdkg/<version>/build (or --build-dir DIR / $GDKG_BUILD_DIR).
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


#: argparse's own messages in Chinese: (pattern, template); what they quote stays as it is
_USAGE_ERRORS_ZH = [
    (r"argument (?P<a>\S+): invalid choice: (?P<b>.*) \(choose from (?P<c>.*)\)",
     "参数 {a}：无效的值 {b}（可选：{c}）"),
    (r"argument (?P<a>\S+): invalid (?P<b>\w+) value: (?P<c>.*)", "参数 {a}：无效的 {b} 值 {c}"),
    (r"argument (?P<a>\S+): expected one argument", "参数 {a}：需要一个值"),
    (r"argument (?P<a>\S+): expected at least one argument", "参数 {a}：至少需要一个值"),
    (r"argument (?P<a>\S+): expected at most one argument", "参数 {a}：最多只能有一个值"),
    (r"argument (?P<a>\S+): expected a whole number, got (?P<b>.*)", "参数 {a}：应为整数，却是 {b}"),
    (r"argument (?P<a>\S+): must be 0 or more", "参数 {a}：须为 0 或更大"),
    (r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)", "参数 {a}：不能与参数 {b} 同时使用"),
    (r"the following arguments are required: (?P<a>.*)", "缺少必需的参数：{a}"),
    (r"unrecognized arguments: (?P<a>.*)", "无法识别的参数：{a}"),
    (r"ambiguous option: (?P<a>\S+) could match (?P<b>.*)", "选项 {a} 有歧义，可能是：{b}"),
    (r"one of the arguments (?P<a>.*) is required", "参数 {a} 中须给出一个"),
]


class _Parser(argparse.ArgumentParser):
    """argparse, with its error messages in the language of the command line."""

    def error(self, message: str):
        import re

        from . import language

        if language.current == "zh":
            for pattern, chinese in _USAGE_ERRORS_ZH:
                found = re.fullmatch(pattern, message, re.S)
                if found:
                    message = chinese.format(**found.groupdict())
                    break
            else:
                message = f"「{message}」"
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: 错误: {message}\n")
        super().error(message)


def _early_lang(argv: list[str]) -> str:
    """The language asked for on the command line (or $GDKG_LANG), before argparse has
    parsed it: for argparse's own error messages."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    env = os.environ.get("GDKG_LANG")
    return env if env in LANGS else DEFAULT_LANG


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdkg",
        description="Knowledge graph of Guangdong's 20 strategic industry clusters: "
                    "build, validate and query it.",
        epilog=EXAMPLES, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"gdkg {__version__}")
    parser.add_argument("--root", help="project directory (default: $GDKG_ROOT, else found from the "
                                       "current directory, else the graph bundled with gdkg)")
    parser.add_argument("--build-dir", metavar="DIR",
                        help="where build/ goes (default: ROOT/build; for the bundled graph "
                             "$XDG_CACHE_HOME/gdkg/<version>/build; or $GDKG_BUILD_DIR)")
    parser.add_argument("--lang", dest="global_lang", choices=LANGS, default=None,
                        help=f"language of messages and labels for every command "
                             f"(default: $GDKG_LANG, else {DEFAULT_LANG})")
    parser.add_argument("--store", choices=["oxigraph", "memory"], default=None,
                        help="SPARQL engine for queries: oxigraph (default; build/'s on-disk store) "
                             "or memory (rdflib's, the fallback without pyoxigraph); or $GDKG_STORE")
    parser.add_argument("--shacl", choices=["auto", "oxigraph", "pyshacl", "turbo"], default=None,
                        help="SHACL engine: oxigraph (the shapes as SPARQL on Oxigraph, pySHACL's "
                             "results; auto), pyshacl (the reference) or turbo (pyshacl-turbo, "
                             "where installed: misses sh:minInclusive results on ill-typed numbers); "
                             "or $GDKG_SHACL")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="load, reason (OWL RL), validate (SHACL) and write build/",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg build                     rebuild if any ontology/data/shape file changed
          gdkg build --force             rebuild even if build/ is up to date
          gdkg build --reasoner owlrl    use the reference reasoner (slow)
          gdkg build --fail-on warning   exit 1 on warnings as well
        exit status: 0 conforms, 1 SHACL violations, 2 unusable input (e.g. a syntax error)"""))
    p.add_argument("--force", action="store_true", help="ignore the cache and rebuild")
    p.add_argument("--reasoner", choices=["auto", "reasonable", "owlrl"], default="auto",
                   help="OWL RL engine (default: reasonable if installed, else owlrl)")
    p.add_argument("--fail-on", choices=["violation", "warning", "info"], default="violation",
                   help="lowest severity that makes the exit status 1 (default: violation)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    p.add_argument("--lang", choices=LANGS, help="language of messages and the summary")

    p = sub.add_parser("matrix", help="the cluster × city table of 附件 1, from the graph",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg matrix                              pillar clusters as a text table
          gdkg matrix --kind emerging --format md
          gdkg matrix --format csv > pillar.csv    cells 3/2/1 = ★★★/★★/★"""))
    p.add_argument("--kind", choices=["pillar", "emerging"], default="pillar",
                   help="pillar (战略性支柱, 10 clusters; default) or emerging (战略性新兴, 10 clusters)")
    p.add_argument("--format", choices=["table", "csv", "md"], default="table",
                   help="table (default, for the terminal), csv (cells 3/2/1) or md (Markdown)")
    p.add_argument("--lang", choices=LANGS, help="label language of clusters and cities")

    from .query_cli import add_parsers as add_query_parsers

    add_query_parsers(sub, _Formatter)  # query, describe, search
    p = sub.add_parser("stats", help="coverage report: per cluster sub-fields, cities, entities, "
                                     "figures, chain links; share of sourced facts",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg stats
          gdkg stats --format json > stats.json
          gdkg stats --lang en"""))
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="table (default) or json (the whole report, machine-readable)")
    p.add_argument("--lang", choices=LANGS, help="label language of the table")

    _add_data_commands(sub)
    from .network.cli_commands import add_network_commands

    add_network_commands(sub, _Formatter)
    from .conflict_report import add_parser as add_conflicts_parser

    add_conflicts_parser(sub)
    from .tool_commands import add_tool_commands

    add_tool_commands(sub, _Formatter)
    from .serve.command import add_parsers as add_serve_parsers  # gdkg serve, gdkg docs

    add_serve_parsers(sub)
    _add_publish_command(sub)
    _harmonise(parser)
    return parser


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.values()


def _harmonise(parser: argparse.ArgumentParser) -> None:
    """Every command takes --lang, and none has a default of its own: the language is
    resolved once (--lang, else $GDKG_LANG, else DEFAULT_LANG) in :func:`main`."""
    for command in _subparsers(parser):
        leaves = list(_subparsers(command))
        for leaf in leaves or [command]:
            langs = [a for a in leaf._actions if a.dest == "lang"]
            if not langs:
                leaf.add_argument("--lang", choices=LANGS, default=None,
                                  help=f"language of messages (default: $GDKG_LANG, else {DEFAULT_LANG})")
            for action in langs:
                action.default = None
                action.help = (f"{action.help or 'language'} (default: $GDKG_LANG, else "
                               f"{DEFAULT_LANG})")


def _add_publish_command(sub) -> None:
    p = sub.add_parser("publish", help="upload the built graph to a SPARQL server (Graph Store Protocol)",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          oxigraph serve --location store/ &          a local Oxigraph server
          gdkg publish --endpoint http://127.0.0.1:7878/query
          gdkg publish --endpoint http://127.0.0.1:7878/query --graph-per-source
          gdkg query shared-core-cities --endpoint http://127.0.0.1:7878/query --param a=汽车 --param b=新能源
          gdkg publish --endpoint http://HOST:8890/sparql-auth --user NAME --graph IRI
              --store-url http://HOST:8890/sparql-graph-crud-auth
                                                      Virtuoso: a user with the SPARQL_UPDATE role,
                                                      the password in $GDKG_ENDPOINT_PASSWORD
        The asserted and inferred triples of build/ (rebuilt first if the sources
        changed) go into the default graph, or with --graph-per-source into one named
        graph per source document (https://w3id.org/gdkg/graph/<document-key>, plus
        …/ontology and …/inferred; query such a server with its union-default-graph
        option). Each graph is uploaded as a staging graph, then moved onto its
        target in one update request: the target is never half-replaced.
        exit status: 0 published, 2 the server is unreachable, refuses or answers an error"""))
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server's SPARQL query endpoint (Oxigraph: http://HOST:PORT/query)")
    p.add_argument("--update-url", metavar="URL",
                   help="its SPARQL Update endpoint (default: /update beside an Oxigraph /query, "
                        "else the endpoint URL)")
    p.add_argument("--store-url", metavar="URL",
                   help="its Graph Store Protocol endpoint (default: /store beside an Oxigraph "
                        "/query, else the endpoint URL)")
    p.add_argument("--graph-per-source", action="store_true",
                   help="one named graph per source document instead of the default graph")
    p.add_argument("--graph", metavar="IRI", help="upload into this named graph instead of the default graph")
    p.add_argument("--user", metavar="NAME",
                   help="log in as NAME (HTTP digest or basic); the password is read from "
                        "$GDKG_ENDPOINT_PASSWORD, never from the command line")


def _add_data_commands(sub) -> None:
    """validate, add, import: new data into the graph."""
    p = sub.add_parser("validate", help="check new Turtle files against the graph and the shapes",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg validate new-city-plan.ttl
          gdkg validate a.ttl b.ttl --fail-on warning
          gdkg validate new.ttl --format json > report.json
          gdkg validate new.ttl --format ttl          the SHACL results graph
          gdkg validate new.ttl --lang zh             messages in Chinese
          cat new.ttl | gdkg validate -
        The files are merged with ontology/ and data/ttl/ (a file already under
        data/ttl/ stands in for its current version), validated with shapes/ plus
        checks for unknown gd: terms, references to IRIs defined nowhere, text where
        an IRI belongs and wrong datatypes. Only results about nodes the files define
        or refer to are shown, at the line where each node is first a subject.
        A UTF-8 byte-order mark is accepted with a note.
        exit status: 0 conforms (at --fail-on), 1 does not conform,
                     2 unusable input (syntax error, not UTF-8, binary, not Turtle,
                     unknown prefix, missing or unreadable file, a directory)"""))
    p.add_argument("files", nargs="+", metavar="FILE", help="Turtle files ('-' reads stdin)")
    _check_options(p)
    p.add_argument("--format", choices=["text", "json", "ttl"], default="text",
                   help="text (default), json (machine-readable results) or ttl (SHACL report)")

    p = sub.add_parser("add", help="validate new Turtle files; if they conform, put them into "
                                   "data/ttl/ atomically",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg add shenzhen-2025.ttl                  -> data/ttl/added/shenzhen-2025.ttl
          gdkg add robots.ttl --to data/ttl/clusters  -> data/ttl/clusters/robots.ttl
          gdkg add robots.ttl --replace               replace an earlier added version
          gdkg add new.ttl --dry-run                  validate and show where it would go
          gdkg add --undo robots.ttl                  put back what the last add of it replaced
        The files are validated exactly as by `gdkg validate` (against the graph
        without the files they would replace). Only if all conform are they written,
        each via a temporary file and a rename, so data/ttl/ is either unchanged or
        fully updated. An existing file is only replaced with --replace; its previous
        version is kept as data/ttl/.previous/<path>.<UTC time> (`--undo` restores it).
        One gdkg at a time changes a project (add, build): a second one waits.
        Run `gdkg build` afterwards to rebuild build/.
        exit status: 0 added, 1 does not conform (nothing written), 2 unusable input
                     or destination (nothing written)"""))
    p.add_argument("files", nargs="+", metavar="FILE", help="Turtle files")
    p.add_argument("--to", metavar="DIR", help="directory under data/ttl/ (default data/ttl/added)")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing file of the same name (previous kept in .previous/)")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    p.add_argument("--undo", action="store_true",
                   help="undo the last add of each FILE (a name as given to add, or its path under "
                        "data/ttl/): restore the version it replaced, or remove the file it created")
    _check_options(p)

    p = sub.add_parser("import", help="turn a spreadsheet (CSV) into validated Turtle",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg import template --type enterprise > firms.csv
          gdkg import csv --type enterprise firms.csv -o firms.ttl && gdkg add firms.ttl
          gdkg import template --type designation --from-graph    the graph's rows as CSV
          gdkg import csv --type document docs.csv -o docs.ttl     a new source document …
          gdkg import csv --type section sections.csv -o s.ttl     … and its sections (after adding it)
        types: enterprise, project, designation, figure, platform, department, and document
        and section, so that facts from a new source document can cite it."""))
    isub = p.add_subparsers(dest="import_command", metavar="csv|template")
    isub.required = True
    from .intake.spreadsheet import TYPES

    types = list(TYPES)
    q = isub.add_parser("csv", help="convert a CSV file to Turtle, validate it, write it",
                        formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg import csv --type enterprise firms.csv               Turtle on stdout
          gdkg import csv --type figure targets.csv -o targets.ttl
          gdkg import csv --type designation gbk.csv --encoding gbk
        Names in cells (广州, 汽车, 新能源汽车, 龙头企业, ★★★) resolve to the graph's
        entities by zh/en label or alt label; a cell may also hold an IRI or a prefixed
        name (city:guangzhou). Several values in one cell are separated by ';'.
        The source column takes document sections (fyp:box-2-item-1). Unresolvable or
        ambiguous names are reported by row and column. The Turtle is validated like
        `gdkg validate` before anything is written; then add it with `gdkg add`.
        exit status: 0 written, 1 bad cells or does not conform (nothing written),
                     2 unusable file (encoding, header, unreadable)"""))
    q.add_argument("file", metavar="FILE.csv", help="the spreadsheet, saved as CSV")
    q.add_argument("--type", required=True, choices=types, help="what one row is")
    q.add_argument("-o", "--output", metavar="OUT.ttl", help="write here (default: stdout)")
    q.add_argument("--encoding", default="utf-8",
                   help="encoding of the CSV (default utf-8, with or without BOM; e.g. gbk)")
    _check_options(q)
    q = isub.add_parser("template", help="print the CSV columns and one example row",
                        formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg import template --type enterprise > firms.csv
          gdkg import template --type figure --from-graph > figures.csv
          gdkg import template --type project --describe     what each column takes"""))
    q.add_argument("--type", required=True, choices=types, help="what one row is")
    q.add_argument("--from-graph", action="store_true",
                   help="instead of the example row, one row per entity of this type in the graph")
    q.add_argument("--describe", action="store_true", help="list the columns and what they take")


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-on", choices=["violation", "warning", "info"], default="violation",
                   help="lowest severity that makes the exit status 1 (default: violation)")
    p.add_argument("--lang", choices=LANGS, help="language of messages")
    p.add_argument("--max-size", type=float, default=10, metavar="MB",
                   help="refuse new files larger than this (default: 10 MB)")


def main(argv: list[str] | None = None) -> int:
    from . import language

    parser = _parser()
    language.current = _early_lang(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    env_lang = os.environ.get("GDKG_LANG") or None
    if env_lang is not None and env_lang not in LANGS:
        print(f"gdkg: error: GDKG_LANG={env_lang!r}: expected one of {', '.join(LANGS)} "
              f"(GDKG_LANG 应为 {' 或 '.join(LANGS)})", file=sys.stderr)
        return 2
    args.lang = getattr(args, "lang", None) or args.global_lang or env_lang or DEFAULT_LANG
    env_store = os.environ.get("GDKG_STORE") or None
    if env_store is not None and env_store not in ("oxigraph", "memory"):
        print(language.say(args.lang, f"gdkg: error: GDKG_STORE={env_store!r}: expected oxigraph or memory",
                           f"gdkg: 错误: GDKG_STORE={env_store!r}：应为 oxigraph 或 memory"), file=sys.stderr)
        return 2
    if args.store:
        os.environ["GDKG_STORE"] = args.store  # KnowledgeGraph.open reads it (so do child processes)
    if args.shacl:
        os.environ["GDKG_SHACL"] = args.shacl  # validation.shacl_engine reads it (as do children)
    language.current = args.lang
    if args.command is None:
        parser.print_help()
        return 0
    from .commands import run_command

    return run_command(args, parser)


def run() -> int:
    """The `gdkg` program: :func:`main`, then a quick exit. At exit Python's garbage
    collector would walk every object the command made (a graph's terms: about a third
    of a small `gdkg validate`); frozen, they are left to the operating system. Output is
    flushed first; files are closed by then (written atomically, gdkg.safe_io)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    import gc

    gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
