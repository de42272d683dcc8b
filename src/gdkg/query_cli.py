"""The `gdkg query`, `gdkg describe` and `gdkg search` commands: parsers and handlers.

Registered from cli.py with :func:`add_parsers`. Every failure is a message and exit
status 2 (unusable input), never a traceback.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import textwrap

from . import language
from .language import Text, message, say
from .language import fmt as pair

EXIT_OK, EXIT_NO_MATCH, EXIT_UNUSABLE = 0, 1, 2
TABLE_FORMATS = ("table", "md")
SELECT_FORMATS = ("table", "csv", "tsv", "json", "md", "xml")
GRAPH_FORMATS = ("ttl", "turtle", "nt", "json-ld")

QUERY_EPILOG = """\
examples:
  gdkg query --list                                      the named queries and their parameters
  gdkg query city-clusters --help                        one query: what it answers, its parameters
  gdkg query city-clusters --param city=深圳
  gdkg query shared-key-cities --param a=智能机器人 --param b=高端装备制造 --format csv
  gdkg query cluster-subfields --param cluster=绿色石化 --format json > out.srj
  gdkg query -e 'SELECT ?c WHERE { ?c a gd:City }' --iris
  gdkg query -e 'DESCRIBE city:shenzhen' --format nt
  gdkg query --file my.rq --param city=广州 --timeout 10
  cat my.rq | gdkg query --file -
formats: table and md show labels (--iris keeps IRIs); csv, tsv, json (application/sparql-results+json)
and xml are the W3C SPARQL 1.1 result formats; CONSTRUCT/DESCRIBE print Turtle (or --format nt|json-ld).
parameters take an IRI, a prefixed name (city:guangzhou) or a zh/en label (广州); a label that names
nothing or several entities is an error that lists the close or the matching ones.
read-only: SPARQL Update and SERVICE (federated queries) are refused before anything runs.
exit status: 0 answered, 2 unusable query or parameter (message on stderr), or a timeout"""


def _default_lang() -> str:
    lang = os.environ.get("GDKG_LANG", "zh")
    return lang if lang in ("zh", "en") else "zh"


def add_parsers(sub, formatter) -> None:
    """Add `query`, `describe` and `search` to the sub-command parsers of `gdkg`."""
    p = sub.add_parser("query", help="run a named SPARQL query from queries/ (or your own)",
                       formatter_class=formatter, epilog=QUERY_EPILOG, add_help=False,
                       usage="gdkg query [NAME] [--param NAME=VALUE ...] [--file FILE | -e SPARQL] "
                             "[--format FORMAT] [--lang zh|en] [--limit N] [--iris] [--timeout S]")
    p.add_argument("name", nargs="?", help="query name (file name in queries/ without .rq)")
    p.add_argument("-h", "--help", action="store_true",
                   help="show this help, or with NAME the query's title, description and parameters")
    p.add_argument("--list", action="store_true", help="list the named queries with their parameters")
    p.add_argument("--file", metavar="FILE", help="run the SPARQL in this file ('-' reads stdin)")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="run this SPARQL text")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter (repeatable)")
    p.add_argument("--format", default=None, choices=[*SELECT_FORMATS, *GRAPH_FORMATS],
                   help="table (default), md, csv, tsv, json, xml; ttl (default), nt, json-ld for "
                        "CONSTRUCT/DESCRIBE")
    p.add_argument("--lang", choices=["zh", "en"], default=_default_lang(),
                   help="label language of table and md output (default zh, or $GDKG_LANG)")
    p.add_argument("--limit", type=_positive_int, metavar="N", help="stop after N rows (or triples)")
    p.add_argument("--iris", action="store_true", help="table/md: show IRIs, not labels")
    p.add_argument("--timeout", type=float, default=60, metavar="S",
                   help="stop the query after S seconds (default 60; 0 = no limit)")
    add_endpoint_options(p)
    p.set_defaults(handler=cmd_query, parser=p)

    p = sub.add_parser("describe", help="everything the graph states about one entity, with sources",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg describe 深圳                    by zh/en label or alternative label
          gdkg describe city:shenzhen --lang en
          gdkg describe 炼油石化 --all          every statement, not the first 12 per property
          gdkg describe 深圳 --format ttl        its concise bounded description as Turtle
          gdkg describe 深圳 --format json
        exit status: 0 described, 2 the name names no entity (close names listed) or several"""))
    p.add_argument("entity", help="an IRI, a prefixed name (city:shenzhen) or a zh/en label")
    p.add_argument("--format", choices=["text", "ttl", "nt", "json-ld", "json"], default="text",
                   help="text (default: grouped and labelled), ttl/nt/json-ld (the concise bounded "
                        "description as RDF) or json")
    p.add_argument("--lang", choices=["zh", "en"], default=_default_lang(), help="label language")
    p.add_argument("--all", action="store_true", help="list every statement of each property")
    p.set_defaults(handler=cmd_describe)

    p = sub.add_parser("search", help="find entities by zh/en label or alternative label",
                       formatter_class=formatter, epilog=textwrap.dedent("""\
        examples:
          gdkg search 机器人                     exact, then contained, then close names
          gdkg search 东翼                       finds 沿海经济带东翼
          gdkg search robot --type gd:SubField
          gdkg search 广州 --type 城市 --format json
        exit status: 0 found, 1 nothing matches, 2 unusable input (e.g. an unknown --type)"""))
    p.add_argument("text", help="a name or part of one, zh or en")
    p.add_argument("--type", metavar="CLASS", help="only instances of this class (gd:City, 城市, …)")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N", help="at most N (default 20)")
    p.add_argument("--format", choices=["table", "json", "md"], default="table",
                   help="table (default), json or md (Markdown)")
    p.add_argument("--lang", choices=["zh", "en"], default=_default_lang(), help="label language")
    p.set_defaults(handler=cmd_search)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _err(problem: str | BaseException) -> None:
    from .commands import _err as show

    show(problem)


# ------------------------------------------------------------------ query


def cmd_query(args, project) -> int:
    from .query import QueryError
    from .sparql_safety import QueryTimeout, SparqlError

    try:
        return _query(args, project)
    except QueryTimeout as exc:
        _err(exc)
        return EXIT_UNUSABLE
    except (QueryError, SparqlError) as exc:
        _err(exc)
        return EXIT_UNUSABLE


def _query(args, project) -> int:
    from .query import NamedQuery, QueryError, get_query, named_queries

    if args.help and not args.name:
        args.parser.print_help()
        return EXIT_OK
    if args.list or not (args.name or args.file or args.expression):
        _print_list(named_queries(project), args.lang)
        return EXIT_OK
    sources = [s for s in (args.name, args.file, args.expression) if s]
    if len(sources) > 1:
        raise QueryError(Text("give one of NAME, --file FILE and -e SPARQL",
                              "NAME、--file FILE 和 -e SPARQL 只能给出其中一个"))
    if args.name:
        query = get_query(project, args.name)
    elif args.file:
        query = NamedQuery.parse(_read_query_file(args.file), "<stdin>" if args.file == "-" else args.file)
    else:
        query = NamedQuery.parse(args.expression, "<-e>")
    if args.help:
        sys.stdout.write(query.help_text())
        return EXIT_OK
    params = _params(args.param)
    if not args.name:  # your own query: any variable may be bound; names must still resolve
        from .query import Param

        for name, value in params.items():
            query.specs.setdefault(name, _adhoc_param(name, value, Param))
    return _run_and_print(args, project, query, params)


def _print_list(queries, lang: str = "en") -> None:
    for name, query in queries.items():
        print(name)
        if query.title:
            print(f"    {query.title}")
        for spec in query.specs.values():
            print(f"    --param {spec.usage()}")
        if query.examples:
            print(say(lang, f"    e.g. {query.examples[0]}", f"    例如 {query.examples[0]}"))
    print(say(lang, f"({len(queries)} queries; `gdkg query NAME --help` for one in full)",
              f"（共 {len(queries)} 个查询；`gdkg query NAME --help` 查看某一个的全文）"), file=sys.stderr)


def _read_query_file(name: str) -> str:
    """The text of ``--file NAME`` ('-': stdin): bounded, a regular file, UTF-8 (else a LoadError)."""
    from .query import QueryError
    from .safe_io import read_query_text

    text = read_query_text(name)
    if "\x00" in text:
        raise QueryError(pair("{name}: binary data (a NUL byte), not a SPARQL query",
                             "{name}：二进制数据（含 NUL 字节），不是 SPARQL 查询",
                             name="stdin" if name == "-" else name))
    return text


def _params(items: list[str]) -> dict[str, str]:
    from .query import QueryError

    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(pair("--param {item}: expected NAME=VALUE, e.g. --param city=广州",
                                 "--param {item}：应为 NAME=VALUE，例如 --param city=广州", item=repr(item)))
        if name in params:
            raise QueryError(pair("--param {name} given twice", "--param {name} 给出了两次", name=name))
        params[name] = value
    return params


def _adhoc_param(name: str, value: str, param_class):
    """A parameter of a query without a header: a quoted value or a number is a literal,
    anything else names an entity (IRI, prefixed name or label)."""
    stripped = value.strip()
    if re.fullmatch(r"[+-]?\d+", stripped):
        return param_class(name, takes="integer")
    if re.fullmatch(r"[+-]?\d*\.\d+", stripped):
        return param_class(name, takes="decimal")
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return param_class(name, takes="text")
    return param_class(name, takes="entity")


def add_endpoint_options(p: argparse.ArgumentParser) -> None:
    """--endpoint, --default-graph and --user: run on a SPARQL server instead of the build."""
    p.add_argument("--endpoint", metavar="URL",
                   help="run on this SPARQL 1.1 endpoint instead of the local build (see gdkg publish)")
    p.add_argument("--default-graph", action="append", default=[], metavar="IRI",
                   help="with --endpoint: query this named graph as the default graph (repeatable; "
                        "e.g. the --graph of gdkg publish on Virtuoso)")
    p.add_argument("--user", metavar="NAME",
                   help="with --endpoint: log in as NAME (password from $GDKG_ENDPOINT_PASSWORD)")


def _run_and_print(args, project, query, params) -> int:
    from .query import QueryError, bindings
    from .remote_endpoint import open_graph_for
    from .sparql_results import normalise_format
    from .sparql_safety import check, run_with_timeout

    form = check(query.text)  # refuse updates/SERVICE and report syntax before loading anything
    fmt = args.format or ("ttl" if form in ("CONSTRUCT", "DESCRIBE") else "table")
    try:
        if form in ("CONSTRUCT", "DESCRIBE"):
            fmt = normalise_format(fmt, form)
        elif fmt in GRAPH_FORMATS:
            normalise_format(fmt, form)  # raises: a SELECT has no Turtle form
    except ValueError as exc:
        raise QueryError(Text(f"--format {fmt}: ", f"--format {fmt}：") + message(exc)) from None
    for name, value in params.items():  # strip quotes of an ad-hoc literal
        spec = query.specs.get(name)
        if spec is not None and spec.takes == "text" and len(value) >= 2 and value[0] == value[-1] in "\"'":
            params[name] = value[1:-1]
    kg = open_graph_for(args.endpoint, project, user=args.user,  # local, or a SPARQL server
                        default_graphs=args.default_graph)
    bound = bindings(kg, query, params)
    timeout = args.timeout if args.timeout and args.timeout > 0 else None
    answer = run_with_timeout(kg, query.text, bound, timeout=timeout)
    try:
        _print_answer(answer, fmt, args, kg)
    finally:
        answer.close()
    return EXIT_OK


def _print_answer(answer, fmt: str, args, kg) -> None:
    from .sparql_results import answer_chunks, write

    out = sys.stdout
    if args.limit is not None:
        answer.rows = itertools.islice(answer.rows, args.limit)
        answer.triples = itertools.islice(answer.triples, args.limit)
    if answer.form == "ASK" and fmt in TABLE_FORMATS:
        print("true" if answer.boolean else "false")
        return
    if answer.form in ("ASK", "CONSTRUCT", "DESCRIBE") or fmt not in TABLE_FORMATS:
        write(out, answer_chunks(answer, fmt))
        return
    shown = _Shown(kg, args.lang, args.iris)
    count = _stream_table(out, answer.variables, answer.rows, shown, fmt)
    if fmt == "table":
        print(f"({language.count(count, 'row', args.lang)})", file=sys.stderr)


class _Shown:
    """IRIs as labels (in the chosen language, else the other, else a prefixed name)."""

    def __init__(self, kg, lang: str, iris: bool):
        from .namespaces import PREFIXES
        from .serialize import _Compactor

        self.iris, self.lang = iris, lang
        self.compact = _Compactor(PREFIXES)
        self.labels: dict[str, str | None] = {}
        self._store = None
        if iris:
            return
        store = getattr(kg, "_store", None)
        if store is not None and getattr(kg, "_label_index", None) is None:
            # each IRI's labels read from Oxigraph's index when first shown: indexing every
            # name of the graph first took ~0.8 s at 100 k triples before the first row
            self._store = store
            return
        from .label_search import LabelIndex

        index = LabelIndex.of(kg)
        first, second = (index.zh, index.en) if lang == "zh" else (index.en, index.zh)
        self.labels = {**second, **first}

    def _label_of(self, iri: str) -> str | None:
        """The IRI's label in the chosen language, else the other (read from the store)."""
        if iri in self.labels or self._store is None:
            return self.labels.get(iri)
        from .label_search import store_labels

        labels = store_labels(self._store, iri)
        first, second = ("zh", "en") if self.lang == "zh" else ("en", "zh")
        found = self.labels[iri] = labels.get(first) or labels.get(second)
        return found

    def __call__(self, term) -> str:
        from rdflib import Literal, URIRef

        if term is None:
            return ""
        if isinstance(term, URIRef):
            if self.iris:
                return str(term)
            return self._label_of(str(term)) or self.compact.iri(str(term))
        if isinstance(term, Literal):
            return str(term)
        return f"_:{term}"


def _stream_table(out, variables, rows, shown, fmt: str, sample: int = 200) -> int:
    """Write rows as they come; the table's column widths are taken from the first ``sample``."""
    from .tables import display_width

    if fmt == "md":
        out.write("| " + " | ".join(variables) + " |\n|" + "|".join("---" for _ in variables) + "|\n")
        out.flush()
        count = 0
        for row in rows:
            cells = [shown(row.get(v)).replace("|", "\\|").replace("\n", " ") for v in variables]
            out.write("| " + " | ".join(cells) + " |\n")
            count += 1
        return count
    head = []
    for row in rows:
        head.append([shown(row.get(v)).replace("\n", " ") for v in variables])
        if len(head) >= sample:
            break
    widths = [max([display_width(v)] + [display_width(r[i]) for r in head]) for i, v in enumerate(variables)]
    numeric = [bool(head) and all(re.fullmatch(r"-?\d+(\.\d+)?", r[i]) or r[i] == "" for r in head)
               for i in range(len(variables))]

    def line(cells) -> str:
        padded = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            gap = " " * max(width - display_width(cell), 0)
            padded.append(gap + cell if right else cell + gap)
        return "  ".join(padded).rstrip() + "\n"

    out.write(line(variables) + "  ".join("─" * w for w in widths) + "\n")
    for cells in head:
        out.write(line(cells))
    out.flush()
    count = len(head)
    for row in rows:
        out.write(line([shown(row.get(v)).replace("\n", " ") for v in variables]))
        count += 1
    return count


# ------------------------------------------------------------------ describe, search


def cmd_describe(args, project) -> int:
    from .entity_description import describe
    from .label_search import AmbiguousName, NameNotFound
    from .query import QueryError
    from .sparql_results import graph_chunks, write

    try:
        description = describe(args.entity, project=project, lang=args.lang)
    except (NameNotFound, AmbiguousName, QueryError) as exc:
        _err(exc)
        return EXIT_UNUSABLE
    if args.format == "json":
        print(json.dumps(description.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "text":
        sys.stdout.write(description.render(args.lang, limit=None if args.all else 12))
    else:
        write(sys.stdout, graph_chunks(description.bounded_description(), args.format, sort=True))
    return EXIT_OK


def cmd_search(args, project) -> int:
    from .label_search import NameNotFound, search

    try:
        matches = search(args.text, args.type, limit=args.limit, project=project)
    except NameNotFound as exc:
        _err("--type: " + message(exc))
        return EXIT_UNUSABLE
    if args.format == "json":
        print(json.dumps([{"iri": m.iri, "zh": m.zh, "en": m.en, "types": m.types, "matched": m.matched,
                           "match": m.how, "score": round(m.score, 3)} for m in matches],
                         ensure_ascii=False, indent=2))
        return EXIT_OK if matches else EXIT_NO_MATCH
    if not matches:
        print(say(args.lang,
                  f"nothing is named like {args.text!r}" + (f" among {args.type}" if args.type else ""),
                  (f"{args.type} 中" if args.type else "") + f"没有名称与 {args.text!r} 相近的实体"),
              file=sys.stderr)
        return EXIT_NO_MATCH
    from .namespaces import PREFIXES
    from .serialize import _Compactor
    from .tables import render

    compact = _Compactor(PREFIXES)
    other = "en" if args.lang == "zh" else "zh"
    rows = [[str(i), m.label(args.lang), m.label(other) if m.label(other) != m.label(args.lang) else "",
             ", ".join(m.types[:2]), compact.iri(m.iri),
             f"{language.text(_HOW.get(m.how, m.how), args.lang)}: {m.matched}"]
            for i, m in enumerate(matches, 1)]
    header = say(args.lang, "#|label|other label|type|IRI|matched", "#|标签|另一语言标签|类型|IRI|匹配")
    sys.stdout.write(render(header.split("|"), rows, args.format))
    return EXIT_OK


#: how a search matched, in words
_HOW = {"exact": Text("exact", "完全一致"), "contains": Text("contains", "包含"),
        "close": Text("close", "相近")}
