"""The `gdkg` command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import sys
import textwrap

from . import __version__

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
  gdkg serve                                  SPARQL endpoint + query page on 127.0.0.1:8000
  gdkg docs -o site/                          the ontology reference as HTML
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gdkg",
        description="Knowledge graph of Guangdong's 20 strategic industry clusters: "
                    "build, validate and query it.",
        epilog=EXAMPLES, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"gdkg {__version__}")
    parser.add_argument("--root", help="project directory (default: found from the current "
                                       "directory, or $GDKG_ROOT)")
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
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of messages")

    p = sub.add_parser("matrix", help="the cluster × city table of 附件 1, from the graph",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg matrix                              pillar clusters as a text table
          gdkg matrix --kind emerging --format md
          gdkg matrix --format csv > pillar.csv    cells 3/2/1 = ★★★/★★/★"""))
    p.add_argument("--kind", choices=["pillar", "emerging"], default="pillar")
    p.add_argument("--format", choices=["table", "csv", "md"], default="table")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="label language")

    from .query_cli import add_parsers as add_query_parsers

    add_query_parsers(sub, _Formatter)  # query, describe, search
    p = sub.add_parser("stats", help="coverage report: per cluster sub-fields, cities, entities, "
                                     "figures, chain links; share of sourced facts",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg stats
          gdkg stats --format json > stats.json
          gdkg stats --lang en"""))
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="label language of the table")

    _add_data_commands(sub)
    from .serve.command import add_parsers as add_serve_parsers  # gdkg serve, gdkg docs

    add_serve_parsers(sub)
    return parser


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
        The files are validated exactly as by `gdkg validate` (against the graph
        without the files they would replace). Only if all conform are they written,
        each via a temporary file and a rename, so data/ttl/ is either unchanged or
        fully updated. An existing file is only replaced with --replace; its previous
        version is kept as data/ttl/.previous/<path>.<UTC time> (restore it with mv).
        Run `gdkg build` afterwards to rebuild build/.
        exit status: 0 added, 1 does not conform (nothing written), 2 unusable input
                     or destination (nothing written)"""))
    p.add_argument("files", nargs="+", metavar="FILE", help="Turtle files")
    p.add_argument("--to", metavar="DIR", help="directory under data/ttl/ (default data/ttl/added)")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing file of the same name (previous kept in .previous/)")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    _check_options(p)

    p = sub.add_parser("import", help="turn a spreadsheet (CSV) into validated Turtle",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg import template --type enterprise > firms.csv
          gdkg import csv --type enterprise firms.csv -o firms.ttl && gdkg add firms.ttl
          gdkg import template --type designation --from-graph    the graph's rows as CSV"""))
    isub = p.add_subparsers(dest="import_command", metavar="csv|template")
    isub.required = True
    types = ["enterprise", "project", "designation", "figure"]
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
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument("--type", required=True, choices=types)
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
    q.add_argument("--type", required=True, choices=types)
    q.add_argument("--from-graph", action="store_true",
                   help="instead of the example row, one row per entity of this type in the graph")
    q.add_argument("--describe", action="store_true", help="list the columns and what they take")


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-on", choices=["violation", "warning", "info"], default="violation",
                   help="lowest severity that makes the exit status 1 (default: violation)")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of messages")
    p.add_argument("--max-size", type=float, default=10, metavar="MB",
                   help="refuse new files larger than this (default: 10 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from .commands import run_command

    return run_command(args, parser)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
