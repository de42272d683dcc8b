"""The reasoned graph, loaded from build/ for queries.

With pyoxigraph (a core dependency) the sorted N-Triples of build/ load into an
in-memory Oxigraph store in a fraction of a second and SPARQL runs there;
without it rdflib parses them and runs SPARQL itself. Both give rows of
rdflib terms, so callers do not care which engine answered.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .load import pyoxigraph
from .load import rdflib_term as _ox_to_rdflib
from .namespaces import PREFIXES
from .project import Project

Row = dict[str, Node | None]
Triple = tuple[Node, Node, Node]


@dataclass
class QueryResult:
    """Variables and rows of a SELECT, or the boolean of an ASK."""

    variables: list[str]
    rows: list[Row]
    boolean: bool | None = None

    def to_records(self) -> list[dict[str, object]]:
        """Rows as plain dicts for notebooks: IRIs as strings, literals as Python values
        (numbers, dates, booleans; a string keeps its text), unbound as None."""
        return [{name: _plain(row.get(name)) for name in self.variables} for row in self.rows]

    def to_dataframe(self):
        """The rows as a pandas DataFrame (one column per variable, values as in
        :meth:`to_records`). Needs pandas: ``pip install pandas``."""
        try:
            import pandas
        except ImportError:
            raise ImportError("QueryResult.to_dataframe() needs pandas, which is not installed; "
                              "install it with `pip install pandas`, or use to_records()") from None
        return pandas.DataFrame.from_records(self.to_records(), columns=self.variables)


def _plain(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype is None:
            return str(term)
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(term)
    return str(term)


@dataclass
class Answer:
    """A query's answer as it streams from the engine.

    ``form`` is SELECT, ASK, CONSTRUCT or DESCRIBE. A SELECT has ``variables`` and
    ``rows`` (an iterator of dicts variable -> term or None); an ASK ``boolean``;
    CONSTRUCT and DESCRIBE ``triples`` (an iterator of (s, p, o)). Iterate once."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    triples: Iterator[Triple] = field(default_factory=lambda: iter(()))
    close: Callable[[], None] = field(default=lambda: None, repr=False)

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def result(self) -> QueryResult:
        """Gather a SELECT/ASK into a :class:`QueryResult`."""
        return QueryResult(self.variables, list(self.rows), self.boolean)


_OPENED: dict[tuple, KnowledgeGraph] = {}
STORES = ("oxigraph", "memory")


def default_store() -> str:
    """``$GDKG_STORE`` if set, else Oxigraph where pyoxigraph is installed, else rdflib's."""
    chosen = os.environ.get("GDKG_STORE")
    if chosen:
        return chosen
    return "oxigraph" if pyoxigraph is not None else "memory"


class SparqlGraph:
    """What every graph gdkg queries offers: ``execute`` (any query form, streamed) in the
    subclass, and ``query`` (SELECT or ASK, gathered) on top of it."""

    def execute(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        raise NotImplementedError

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL SELECT or ASK; ``bindings`` pre-bind variables (values, not text)."""
        answer = self.execute(sparql, bindings)
        if answer.form not in ("SELECT", "ASK"):
            raise ValueError(f"query() runs SELECT and ASK; this is a {answer.form} "
                             "(use execute() for its triples)")
        return answer.result()


class KnowledgeGraph(SparqlGraph):
    """Asserted + inferred triples, queryable with SPARQL 1.1.

    Read-only: :meth:`open` hands out one shared instance per unchanged build/."""

    def __init__(self, paths: list[Path], store: str | None = None, *, opened=None):
        """The triples of the N-Triples ``paths`` in ``store`` ("oxigraph", an in-memory
        Oxigraph store; "memory", rdflib's), or the already ``opened`` Oxigraph store."""
        self.paths = paths
        self.store = store = store or default_store()
        if store not in STORES:
            raise ValueError(f"unknown store {store!r}; use {' or '.join(STORES)}")
        if store == "oxigraph" and pyoxigraph is None:
            raise ValueError("the oxigraph store needs pyoxigraph, which is not installed; "
                             "use --store memory")
        self._graph = None
        if opened is not None:
            self._store = opened
        elif store == "oxigraph":
            self._store = pyoxigraph.Store()
            for path in paths:
                self._store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
        else:
            self._store = None
            self._graph = Graph()
            for path in paths:
                self._graph.parse(path, format="nt")

    @classmethod
    def open(cls, project: Project | None = None, *, build_if_stale: bool = True,
             timer=None, store: str | None = None) -> KnowledgeGraph:
        """The reasoned graph of ``project``; rebuilds first when the sources changed.

        With the oxigraph store (the default) it opens build/'s on-disk store read-only
        when the build wrote one, else loads build/'s N-Triples into memory; ``store=
        "memory"`` (``--store memory``, ``$GDKG_STORE``) uses rdflib's store instead."""
        from .manifest import is_fresh, read_manifest
        from .persistent_store import open_store, store_files

        project = project or Project.find()
        store = store or default_store()
        manifest = read_manifest(project) or {}
        # the files opened here are checked against the manifest's SHA-256, the rest by size
        opened = store_files(manifest) if store == "oxigraph" else ()
        checked = opened or ("asserted.nt", "inferred.nt")
        if not is_fresh(project, check_hashes=checked):
            if not build_if_stale:
                raise RuntimeError("build/ is missing or stale; run `gdkg build`")
            from .pipeline import build
            from .progress import stderr_timer

            build(project, timer=timer or stderr_timer())
            manifest = read_manifest(project) or {}
        out = project.build_dir
        paths = [out / "asserted.nt", out / "inferred.nt"]
        key = (store, *((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
        graph = _OPENED.get(key)
        if graph is None:  # the same unchanged build/ is opened once per process
            disk = open_store(out, manifest) if store == "oxigraph" else None
            graph = cls(paths, store, opened=disk)
            _OPENED.clear()
            _OPENED[key] = graph
        return graph

    def __len__(self) -> int:
        if self._store is not None:
            return len(self._store)
        return len(self._graph)

    def execute(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        """Run any SPARQL query form; rows or triples stream as the engine yields them.

        No safety checks here: see :mod:`gdkg.sparql_safety` for refusing updates and
        SERVICE and for a timeout."""
        text = _with_values(sparql, bindings)
        if self._store is not None:
            answer = self._store.query(text, prefixes=PREFIXES)
            if isinstance(answer, bool | pyoxigraph.QueryBoolean):
                return Answer("ASK", boolean=bool(answer))
            if isinstance(answer, pyoxigraph.QueryTriples):
                triples = ((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate), _ox_to_rdflib(t.object))
                           for t in answer)
                return Answer(_graph_form(sparql), triples=triples)
            variables = [v.value for v in answer.variables]
            return Answer("SELECT", variables, _rdflib_rows(answer, variables))
        answer = self._graph.query(text, initNs=PREFIXES)
        if answer.type == "ASK":
            return Answer("ASK", boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Answer(answer.type, triples=iter(answer.graph))
        variables = [str(v) for v in answer.vars]
        return Answer("SELECT", variables, ({name: canonical(row[i]) for i, name in enumerate(variables)}
                                            for row in answer))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + name for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                      "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                      "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def canonical(term: Node | None) -> Node | None:
    """A decimal, integer or boolean literal in the canonical form Oxigraph stores it in
    (``"23.6820"`` → ``"23.682"``, ``"1.00"`` → ``"1"``, ``"007"`` → ``"7"``, ``"1"`` → ``"true"``), so
    rdflib's store, which keeps the lexical form as written, gives the same rows."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    datatype, text = str(term.datatype), str(term).strip()
    try:
        if datatype == _XSD + "decimal":
            value = Decimal(text)
            if not value.is_finite():
                return term
            lexical = format(value.normalize(), "f")
            lexical = "0" if lexical in ("-0", "0") else lexical
        elif datatype in _INTEGERS:
            lexical = str(int(text))
        elif datatype == _XSD + "boolean" and text in ("0", "1", "true", "false"):
            lexical = "true" if text in ("1", "true") else "false"
        else:
            return term
    except (ValueError, ArithmeticError):
        return term
    return term if lexical == str(term) else Literal(lexical, datatype=term.datatype)


def _graph_form(sparql: str) -> str:
    from .sparql_safety import classify

    try:
        return classify(sparql)
    except ValueError:
        return "CONSTRUCT"


def _with_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Bind variables with a VALUES block at the start of the WHERE group, and in the
    query's own parameter slots.

    At the start of the group the block constrains the whole pattern before any grouping (a
    trailing VALUES clause would join after GROUP BY). A slot is a ``VALUES`` block whose one
    row is all ``UNDEF`` (``VALUES (?city) { (UNDEF) }``): standard SPARQL for "unbound", so
    the query runs as written anywhere; a query puts one where a bound parameter should narrow
    the search first, e.g. inside a sub-select, which the block at the start cannot reach.
    Each slot gets the bound values of its variables; unbound ones are dropped from it (the
    same meaning as UNDEF), and a slot with none bound disappears. Each value is written as an
    N-Triples term (IRIs and literals escaped by rdflib), so it is data: no value can add to or
    change the query."""
    bindings = dict(bindings or {})
    for name in bindings:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    slots = list(_SLOT.finditer(_code_only(sparql)))
    if not bindings and not slots:
        return sparql
    parts, at = [], 0
    for slot in slots:
        names = [word.lstrip("?$") for word in (slot["vars"] or slot["var"]).split()]
        bound = [name for name in names if name in bindings]
        filled = ""
        if bound:
            filled = (f"VALUES ({' '.join('?' + name for name in bound)}) "
                      f"{{ ({' '.join(_term_n3(bindings[name]) for name in bound)}) }}")
        parts += [sparql[at:slot.start()], filled]
        at = slot.end()
    sparql = "".join(parts) + sparql[at:]
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_term_n3(term) for term in bindings.values())
    at = _where_brace(sparql)
    return f"{sparql[:at + 1]}\n  VALUES ({names}) {{ ({values}) }}\n{sparql[at + 1:]}"


#: At most this many converted terms are remembered per answer (see _rdflib_rows).
_TERM_MEMO_LIMIT = 100_000


def _rdflib_rows(solutions, variables: list[str]) -> Iterator[Row]:
    """The rows of a pyoxigraph SELECT answer with rdflib terms. A term that comes back in
    many rows (a city, a cluster, a source) is converted once: the conversion was a fifth of
    a 3,000-row answer's time at a million triples."""
    memo: dict = {}
    positions = list(enumerate(variables))
    for solution in solutions:
        row = {}
        for position, name in positions:
            value = solution[position]
            if value is not None:
                converted = memo.get(value)
                if converted is None:
                    if len(memo) >= _TERM_MEMO_LIMIT:
                        memo.clear()
                    converted = memo[value] = _ox_to_rdflib(value)
                value = converted
            row[name] = value
        yield row


# A parameter slot: VALUES with one all-UNDEF row, in either syntax (read on _code_only's text).
_SLOT = re.compile(r"\bVALUES\s*(?:\(\s*(?P<vars>(?:[?$][A-Za-z_][A-Za-z0-9_]*\s*)+)\)\s*\{\s*\(\s*"
                   r"(?:UNDEF\s*)+\)\s*\}|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)\s*\{\s*UNDEF\s*\})",
                   re.IGNORECASE)


def _code_only(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length, same offsets),
    so that a pattern searched in it only matches query syntax."""
    out = list(sparql)
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        end = i + 1
        if ch == "#":
            end = sparql.find("\n", i)
            end = n if end < 0 else end
        elif ch in "\"'":
            quote = sparql[i:i + 3] if sparql[i:i + 3] in ('"""', "'''") else ch
            end = i + len(quote)
            while end < n and not sparql.startswith(quote, end):
                end += 2 if sparql[end] == "\\" else 1
            end = min(n, end + len(quote))
        elif ch == "<" and (iri := _IRI.match(sparql, i)):
            end = iri.end()
        if end > i + 1:
            out[i:end] = " " * (end - i)
        i = end
    return "".join(out)


_IRI = re.compile(r"<[^\s<>\"{}|^`]*>")


def _where_brace(sparql: str) -> int:
    """Index of the ``{`` that opens the WHERE group, skipping comments, IRIs and
    strings. For SELECT/ASK without the WHERE keyword it is the first ``{``."""
    code = _code_only(sparql)
    first = None
    for brace in re.finditer(r"\{", code):
        if first is None:
            first = brace.start()
        if re.search(r"\bWHERE\s*$", code[:brace.start()], re.IGNORECASE):
            return brace.start()
    if first is None or re.match(r"\s*(PREFIX|BASE|#|[^{])*?\bCONSTRUCT\b", sparql, re.I | re.S):
        raise ValueError("cannot bind parameters: no WHERE clause found in the query")
    return first


_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _term_n3(term: Node) -> str:
    if not isinstance(term, URIRef | Literal):
        raise TypeError(f"cannot bind {term!r}")
    if isinstance(term, URIRef) and any(ch in str(term) for ch in '<>"{}|^`\\ '):
        raise ValueError(f"not a valid IRI: {str(term)!r}")
    return term.n3()
