"""`gdkg export` and `gdkg analyze`: parsers and handlers (registered by gdkg.cli)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from ..language import Text, note, say
from ..project import Project
from ..query_cli import add_endpoint_options
from .kinds import KINDS, NetworkError

EXIT_OK, EXIT_UNUSABLE = 0, 2


def add_network_commands(sub, formatter) -> None:
    p = sub.add_parser("export", help="a network projection as a Gephi-ready GEXF, GraphML, CSV or JSON file",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg export --graph city --format gexf -o city.gexf        open in Gephi / Gephi Lite
          gdkg export --graph cluster --format graphml -o clusters.graphml --lang en
          gdkg export --graph bipartite --format csv -o bip.csv      bip-nodes.csv + bip-edges.csv
          gdkg export --graph chain --format json > chain.json       networkx and graphology read it
          gdkg export --graph kg --format gexf -o kg.gexf            the whole graph, typed
          gdkg export --graph city --endpoint http://127.0.0.1:7878/query -o city.gexf
                                                                     from a SPARQL server (gdkg publish)
        graphs:
          bipartite  city–cluster (附件 1 stars; sub-field reliance as a second edge kind)
          city       city–city (shared clusters, level-weighted, and shared sub-fields)
          cluster    cluster–cluster (co-location cosine, shared enterprises, chain and
                     application links; weight = their sum)
          chain      directed sub-field chain (upstream → downstream, technology → application)
          kg         every triple between typed entities, predicate per edge
        Nodes are CURIEs with label (in --lang), label_zh, label_en, type, zone, admin_code,
        lat/lon, the metrics (strength, betweenness, pagerank, eigenvector, clustering, core,
        community) and colour/size/position; csv writes Gephi's node and edge tables.
        exit status: 0 written, 2 unknown graph or format, or an unwritable output"""))
    p.add_argument("--graph", required=True, metavar="|".join(KINDS), help="which projection")
    p.add_argument("--format", default="gexf", metavar="gexf|graphml|csv|json",
                   help="file format (default gexf)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write here (csv: FILE's stem + -nodes.csv / -edges.csv); default: stdout, "
                        "for csv <graph>-nodes.csv and <graph>-edges.csv in the current folder")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the label column")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    add_endpoint_options(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("analyze", help="network report: centralities, communities, zone bridges, chain "
                                       "completeness, similar cities, nearest suppliers; with figures",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg analyze -o report.md                 Markdown; figures in report-figures/ next to it
          gdkg analyze --format html -o report.html one self-contained file, figures embedded
          gdkg analyze --format json > report.json  the same numbers for other tools
          gdkg analyze --lang en --no-figures       without the plot extra
        Figures need the plot extra: pip install 'gdkg[plot]' (matplotlib and the Noto Sans CJK
        font from mplfonts, so Chinese labels are legible).
        exit status: 0 written, 2 unknown format, unwritable output or plot extra missing"""))
    p.add_argument("--format", default="md", metavar="md|html|json", help="report format (default md)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report")
    p.add_argument("--no-figures", action="store_true", help="leave the figures out (no plot extra needed)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    p.set_defaults(handler=cmd_analyze)


def _err(problem) -> int:
    from ..commands import _err as show

    show(problem)
    return EXIT_UNUSABLE


def cmd_export(args: argparse.Namespace, project: Project) -> int:
    from ..progress import stderr_timer
    from ..remote_endpoint import EndpointError, open_graph_for
    from .gephi_export import check_destination, check_format, csv_paths, export
    from .projections import NetworkSource, check_kind

    try:
        kind, fmt = check_kind(args.graph), check_format(args.format)
        output = Path(args.output) if args.output else (Path(f"{kind}.csv") if fmt == "csv" else None)
        if output is not None:
            check_destination(output if fmt != "csv" else csv_paths(output)["nodes"])
        timer = stderr_timer(args.quiet or output is None and fmt != "csv")
        with timer.stage(f"export {kind} as {fmt}"):
            source = None
            if args.endpoint:  # the same network-* queries, answered by a SPARQL server
                source = NetworkSource.open(project, open_graph_for(
                    args.endpoint, project, user=args.user, default_graphs=args.default_graph))
            result = export(kind, fmt, output, lang=args.lang, project=project, source=source)
    except (NetworkError, EndpointError) as exc:
        return _err(exc)
    if output is None:
        sys.stdout.buffer.write(result["main"])
        sys.stdout.flush()
        return EXIT_OK
    paths = result if fmt != "csv" else csv_paths(output)
    if not args.quiet:
        written = ", ".join(str(p) for p in paths.values())
        print(say(args.lang, f"wrote {written} ({timer.total:.2f} s)",
                  f"已写入 {written}（{timer.total:.2f} 秒）"),
              file=sys.stderr)
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace, project: Project) -> int:
    from ..progress import stderr_timer
    from .analysis_report import REPORT_FORMATS, analyze

    if args.format not in REPORT_FORMATS:
        return _err(Text(f"unknown report format {args.format!r}; choose one of {', '.join(REPORT_FORMATS)}",
                         f"未知的报告格式 {args.format!r}；可选：{', '.join(REPORT_FORMATS)}"))
    timer = stderr_timer(args.quiet)
    try:
        result = analyze(project, fmt=args.format, output=args.output, lang=args.lang,
                         figures=not args.no_figures, timer=timer)
    except NetworkError as exc:  # PlotExtraMissing among them
        return _err(exc)
    if args.output is None:
        if args.format == "md" and not args.no_figures:
            print(note(Text("the figures are written next to the report; give -o FILE.md to get them",
                            "图片写在报告旁边；要得到它们请给出 -o FILE.md"), args.lang), file=sys.stderr)
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
    elif not args.quiet:
        print(say(args.lang, f"wrote {args.output}; {timer.summary()}",
                  f"已写入 {args.output}；{timer.summary()}"),
              file=sys.stderr)
    return EXIT_OK
