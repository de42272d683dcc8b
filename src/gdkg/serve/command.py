"""`gdkg serve` and `gdkg docs`: parsers and handlers (registered in gdkg.cli)."""

from __future__ import annotations

import argparse
import sys

from ..language import fmt, os_reason, say, text

SERVE_EXAMPLES = """\
examples:
  gdkg serve                              http://127.0.0.1:8000/ (query page, /sparql, /ontology, /id/…)
  gdkg serve --port 0                     any free port (printed)
  gdkg serve --timeout 30 --max-rows 50000
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
       http://127.0.0.1:8000/sparql
  curl 'http://127.0.0.1:8000/queries/shared-core-cities?a=汽车&b=新能源&format=csv'
  curl -H 'Accept: text/turtle' http://127.0.0.1:8000/id/city/shenzhen
Read-only: SPARQL Update is refused (403), and so is SERVICE unless --allow-service.
Needs the serve extra: pip install 'gdkg[serve]'."""

DOCS_EXAMPLES = """\
examples:
  gdkg docs -o site/ontology        index.html, style.css, ontology.ttl, shapes.ttl
Every class and property with zh/en labels, definitions, domain and range, and the
SHACL shapes that constrain it: the page `gdkg serve` shows at /ontology."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def add_parsers(sub) -> None:
    p = sub.add_parser("serve", help="read-only SPARQL 1.1 endpoint with a query page, entity pages "
                                     "and the ontology reference", formatter_class=_Formatter,
                       epilog=SERVE_EXAMPLES)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--timeout", type=_positive, default=10.0, metavar="S",
                   help="stop a query after S seconds (default 10)")
    p.add_argument("--max-rows", type=int, default=10000, metavar="N",
                   help="at most N rows or triples per answer (default 10000)")
    p.add_argument("--max-body", type=int, default=1 << 20, metavar="BYTES",
                   help="refuse request bodies larger than this with 413 (default 1 MiB)")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="query worker processes (default: 3, or 4 with 4 or more CPUs)")
    p.add_argument("--worker-memory", type=int, default=4096, metavar="MB",
                   help="address-space limit of each query worker (default 4096 MB; 0 = none)")
    p.add_argument("--allow-service", action="store_true",
                   help="let queries use SERVICE (federated requests to other endpoints); off by default")
    p.set_defaults(handler=serve_command)

    p = sub.add_parser("docs", help="write the ontology reference (classes, properties, shapes) as HTML",
                       formatter_class=_Formatter, epilog=DOCS_EXAMPLES)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write into")
    p.set_defaults(handler=docs_command)


def serve_command(args, project) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        print(say(args.lang, f"gdkg serve needs the serve extra ({exc.name} is not installed): "
                             "pip install 'gdkg[serve]'",
                  f"gdkg serve 需要 serve 扩展（{exc.name} 未安装）：pip install 'gdkg[serve]'"),
              file=sys.stderr)
        return 2
    if args.max_rows < 1 or args.max_body < 1 or args.workers < 0 or not 0 <= args.port < 65536:
        print(say(args.lang, "gdkg serve: --max-rows and --max-body must be positive, --port 0–65535",
                  "gdkg serve：--max-rows 和 --max-body 须为正数，--port 须在 0–65535 之间"), file=sys.stderr)
        return 2
    from .app import Settings, run_server

    settings = Settings(host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
                        max_body=args.max_body, allow_service=args.allow_service, workers=args.workers,
                        worker_memory_mb=args.worker_memory or None)
    try:
        run_server(project, settings)
    except OSError as exc:
        print(text(fmt("gdkg serve: cannot listen on {where}: {reason}",
                       "gdkg serve：无法在 {where} 上监听：{reason}",
                       where=f"{args.host}:{args.port}", reason=os_reason(exc)), args.lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def docs_command(args, project) -> int:
    from .ontology_docs import write_docs

    try:
        written = write_docs(project, args.output)
    except OSError as exc:
        print(text(fmt("gdkg docs: cannot write {output}: {reason}", "gdkg docs：无法写入 {output}：{reason}",
                       output=args.output, reason=os_reason(exc)), args.lang), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(say(args.lang, f"ontology reference written to {args.output}/index.html",
              f"本体参考文档已写入 {args.output}/index.html"), file=sys.stderr)
    return 0



