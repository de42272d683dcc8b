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
  gdkg stats --format json                    coverage per cluster
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

    p = sub.add_parser("query", help="run a named SPARQL query from queries/",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg query --list
          gdkg query cluster-city-matrix --param kind=gd:PillarIndustryCluster --format csv
          gdkg query --file my.rq
        parameters take an IRI, a prefixed name (city:guangzhou) or a zh/en label (广州)."""))
    p.add_argument("name", nargs="?", help="query name (file name without .rq)")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--file", help="run the SPARQL in this file instead of a named query")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter (repeatable)")
    p.add_argument("--format", choices=["table", "csv", "md", "json"], default="table")
    p.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="show IRIs as this language's label where one exists")
    p = sub.add_parser("stats", help="coverage report: per cluster sub-fields, cities, entities, "
                                     "figures, chain links; share of sourced facts",
                       formatter_class=_Formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg stats
          gdkg stats --format json > stats.json
          gdkg stats --lang en"""))
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="label language of the table")

    return parser


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
