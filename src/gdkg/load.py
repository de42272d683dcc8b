"""Parse Turtle files into an rdflib graph, with located, readable errors.

pyoxigraph (a core dependency) parses about ten times faster than rdflib's
Turtle parser; rdflib is used when it is not installed. Either way a syntax
error becomes a :class:`LoadError` naming file, line and column.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

try:  # optional fast parser
    import pyoxigraph
except ImportError:  # pragma: no cover - exercised when the extra is absent
    pyoxigraph = None

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]

_XSD_STRING = str(XSD.string)

#: terms every load maps to these very objects (see :class:`Terms`), by IRI; the
#: reasoner's constants are these objects, so its tests can stop at identity
VOCABULARY: dict[str, URIRef] = {str(t): t for t in (
    RDF.type, RDF.first, RDF.rest, RDF.nil, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
    RDFS.range, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.Thing, OWL.Class,
    OWL.Nothing, OWL.sameAs)}


@dataclass
class LoadError(Exception):
    """A file that cannot be used as Turtle, with where and why."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


#: the largest file of the graph (ontology/, data/ttl/, shapes/) gdkg reads
MAX_GRAPH_FILE_BYTES = 256 * 1024 * 1024


def read_text(path: Path, shown: str | None = None) -> str:
    """Read a Turtle file as UTF-8, turning every way it can fail into a LoadError
    (regular files only, at most :data:`MAX_GRAPH_FILE_BYTES`)."""
    from .safe_io import read_bounded

    shown = shown or str(path)
    raw = read_bounded(path, MAX_GRAPH_FILE_BYTES, shown=shown, what="Turtle file",
                       hint="split it into smaller files")
    return decode_turtle_bytes(raw, shown)


def decode_turtle_bytes(raw: bytes, shown: str) -> str:
    """Decode bytes meant to be Turtle, rejecting binary and non-UTF-8 content."""
    if not raw.strip():
        raise LoadError(shown, "file is empty", hint="a Turtle file needs at least one triple")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            shown,
            "file is UTF-16, Turtle must be UTF-8",
            hint=f"convert it: iconv -f UTF-16 -t UTF-8 {shown}",
        )
    if b"\0" in raw[:8192]:
        raise LoadError(shown, "binary content, not a Turtle text file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is harmless; drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(raw)
        hint = f"convert it: iconv -f {guess} -t UTF-8 {shown}" if guess else None
        what = f"not UTF-8 (looks like {guess})" if guess else "not UTF-8"
        raise LoadError(shown, f"{what}: byte 0x{raw[exc.start]:02x} cannot be decoded",
                        line=line, hint=hint) from None
    _reject_other_formats(text, shown)
    return text


def _guess_encoding(raw: bytes) -> str | None:
    for encoding in ("gb18030", "big5", "latin-1"):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "GBK" if encoding == "gb18030" else encoding
    return None


_XML_START = re.compile(r"\A\s*<(\?xml|rdf:RDF|RDF)\b")
_JSON_START = re.compile(r"\A\s*[\[{]\s*[\"\[{]")


def _reject_other_formats(text: str, shown: str) -> None:
    if _XML_START.match(text):
        raise LoadError(shown, "this is RDF/XML (or other XML), not Turtle", line=1,
                        hint=f"convert it: python -m rdflib.tools.rdfpipe -o turtle {shown}")
    if _JSON_START.match(text):
        raise LoadError(shown, "this looks like JSON(-LD), not Turtle", line=1)
    number, first = next(((n, line) for n, line in enumerate(text.splitlines(), 1)
                          if line.strip() and not line.lstrip().startswith("#")), (1, ""))
    if first.count(",") >= 2 and not any(ch in first for ch in "<>:@.;"):
        raise LoadError(shown, "this looks like CSV, not Turtle", line=number,
                        hint="for spreadsheets use: gdkg import csv --type … FILE.csv")


#: what one Turtle file may hold: the parser, the blank-node labelling, the locator and the
#: reports are sized for these; each is named with its value when a file goes over it
MAX_TRIPLES_PER_FILE = 200_000
MAX_LITERAL_CHARS = 1_000_000
MAX_NESTING = 256  # blank nodes inside blank nodes ([ … [ … ] ] or list items: ( a b c ))
#: the most files one `gdkg validate`/`add` takes, and the most the graph may have
MAX_FILES_PER_COMMAND = 1_000
MAX_GRAPH_FILES = 10_000


def _too_many_triples(shown: str) -> LoadError:
    return LoadError(shown, f"more than {MAX_TRIPLES_PER_FILE:,} triples in one file (the limit)",
                     hint="split it into several files")


def _check_term_sizes(triple: Triple, shown: str) -> None:
    for term in triple:
        if len(term) > MAX_LITERAL_CHARS:
            what = "literal" if isinstance(term, Literal) else "IRI"
            raise LoadError(shown, f"a {what} of {len(term):,} characters, over the limit of "
                                   f"{MAX_LITERAL_CHARS:,} (it starts {str(term)[:40]!r})",
                            hint="keep long texts outside the graph and link to them")


def nesting_depth(triples: Iterable[Triple]) -> int:
    """How deep blank nodes nest in ``triples`` (0: none; 1: [ … ]; a list of n items: n),
    computed breadth-first, without recursion."""
    children: dict[BNode, list[BNode]] = {}
    blank_parent: set[BNode] = set()
    roots: list[BNode] = []
    for s, _, o in triples:
        if isinstance(o, BNode):
            if isinstance(s, BNode):
                children.setdefault(s, []).append(o)
                blank_parent.add(o)
            else:
                roots.append(o)
        if isinstance(s, BNode):
            children.setdefault(s, [])
    level = {node: 1 for node in roots}
    level.update({node: 1 for node in children if node not in level and node not in blank_parent})
    frontier, depth = list(level), (1 if level else 0)
    while frontier:
        following = []
        for node in frontier:
            for child in children.get(node, ()):
                if child not in level:
                    level[child] = level[node] + 1
                    depth = max(depth, level[child])
                    following.append(child)
        frontier = following
    # blank nodes reachable only from each other (a cycle of labelled ones) count as depth 1
    return max(depth, 1 if len(level) < len(children) else 0)


def check_limits(triples: list[Triple], shown: str) -> list[Triple]:
    """Raise a LoadError naming the limit when the triples of one file go over one."""
    if len(triples) > MAX_TRIPLES_PER_FILE:
        raise _too_many_triples(shown)
    depth = nesting_depth(triples)
    if depth > MAX_NESTING:
        raise LoadError(shown, f"blank nodes nested {depth} deep, over the limit of {MAX_NESTING} "
                               "(nested [ … ] or list items)",
                        hint="give deeply nested things IRIs of their own, or split long lists")
    return triples


def parse_text(text: str, shown: str, terms: Terms | None = None) -> list[Triple]:
    """Parse Turtle text into rdflib triples; raise LoadError with file:line:column, or
    naming the limit a file goes over (triples, literal length, nesting).

    ``terms`` (a :class:`Terms`) is shared by the files of one load so that equal terms
    are one object: set and tuple comparisons then stop at identity instead of calling
    rdflib's Python ``__eq__`` (tens of millions of calls at a million triples)."""
    if pyoxigraph is not None:
        terms = Terms() if terms is None else terms
        triples: list[Triple] = []
        append, blank, literal = triples.append, pyoxigraph.BlankNode, pyoxigraph.Literal
        has_blank = False
        try:
            for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE):
                s, o = q.subject, q.object
                if not has_blank and (type(s) is blank or type(o) is blank):
                    has_blank = True
                if type(o) is literal and len(o.value) > MAX_LITERAL_CHARS:
                    _check_term_sizes((terms[s], terms[q.predicate], terms[o]), shown)
                append((terms[s], terms[q.predicate], terms[o]))
                if len(triples) > MAX_TRIPLES_PER_FILE:
                    raise _too_many_triples(shown)
        except SyntaxError as exc:
            raise _oxigraph_error(exc, shown) from None
        except MemoryError as exc:  # pyoxigraph: "Reached the buffer maximal size of 16777216"
            raise _buffer_error(exc, shown) from None
        for triple in terms.long_iris():
            _check_term_sizes(triple, shown)
        # without blank nodes nothing nests: only the count limit applies (checked above)
        return check_limits(triples, shown) if has_blank else triples
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except RecursionError:
        raise LoadError(shown, "nested too deeply for the parser",
                        hint=f"at most {MAX_NESTING} levels of [ … ] or ( … )") from None
    except MemoryError as exc:
        raise _buffer_error(exc, shown) from None
    except Exception as exc:  # rdflib raises several types for bad syntax
        raw = str(exc)
        found = re.search(r"at line (\d+)", raw)
        detail = re.search(r"Bad syntax \((.*?)\) at \^", raw, re.S)
        message = detail.group(1) if detail else raw.splitlines()[-1]
        raise LoadError(shown, message, line=int(found.group(1)) if found else None,
                        hint=_syntax_hint(message)) from None
    triples = [_normalise(t) for t in graph]
    for triple in triples:
        _check_term_sizes(triple, shown)
    return check_limits(triples, shown)


def _buffer_error(exc: MemoryError, shown: str) -> LoadError:
    found = re.search(r"size of (\d+)", str(exc))
    size = f" of {int(found.group(1)) / 1024 / 1024:g} MB" if found else ""
    return LoadError(shown, f"one token (a literal or an IRI) is longer than the parser's buffer{size}",
                     hint=f"literals may hold at most {MAX_LITERAL_CHARS:,} characters")


def _oxigraph_error(exc: SyntaxError, shown: str) -> LoadError:
    message = re.sub(r"^Parser error (at|between) [^:]*: ", "", str(exc))
    message = re.sub(r" \(.*line \d+\)$", "", message)
    return LoadError(shown, message, line=exc.lineno, column=exc.offset, hint=_syntax_hint(message))


def check_syntax(text: str, shown: str) -> None:
    """Raise the LoadError :func:`parse_text` would, without building rdflib terms:
    about ten times faster, so a syntax error at the end of a large file shows at once."""
    if pyoxigraph is None:
        return
    try:
        for _ in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:
        raise _oxigraph_error(exc, shown) from None
    except MemoryError as exc:
        raise _buffer_error(exc, shown) from None


def _syntax_hint(message: str) -> str | None:
    prefix = re.search(r"prefix (\S+?):? has not been declared|Prefix \"(\S+?):\" not bound", message)
    if prefix:
        name = prefix.group(1) or prefix.group(2)
        from .namespaces import PREFIXES

        namespace = PREFIXES.get(name, "…")
        return (f"add '@prefix {name}: <{namespace}> .' at the top; `gdkg prefixes` lists the "
                "predeclared prefixes")
    if "dot is expected" in message or "expected '.'" in message:
        return "a statement probably misses its closing ' .' on the line before"
    if message == "Unexpected end of file":
        return "something opened here (a string, <IRI>, [ or ( ) is never closed"
    if "Line jumps are not allowed in string literals" in message:
        return "a string probably misses its closing quote"
    if "Invalid IRI code point ' '" in message:
        return "IRIs cannot contain spaces; slugs join words with '-'"
    if "is not allowed at the beginning of a prefix name" in message:
        return "a stray character? statements are 'subject predicate object ;' … ' .'"
    return None


def _term(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))



class Terms(dict):
    """pyoxigraph term → rdflib term, each made once (a missing key is converted).

    The vocabulary terms the reasoner tests for (:data:`VOCABULARY`) map to its own
    constants, so a loaded ``rdf:type`` is the very object ``gdkg.reason.TYPE``."""

    def __init__(self) -> None:
        super().__init__()
        self._long: list = []
        if pyoxigraph is not None:
            for iri, term in VOCABULARY.items():
                self[pyoxigraph.NamedNode(iri)] = term

    def __missing__(self, key: object) -> URIRef | BNode | Literal:
        term = self[key] = _term(key)
        if type(term) is not Literal and len(term) > MAX_LITERAL_CHARS:
            self._long.append((term, term, term))
        return term

    def long_iris(self) -> list:
        """(t, t, t) for each IRI or blank node over the length limit seen so far (once)."""
        found, self._long = self._long, []
        return found


def _normalise(triple: Triple) -> Triple:
    """Plain strings stay plain: drop an explicit xsd:string datatype.

    Parsers and reasoners disagree on whether "a" and "a"^^xsd:string are one
    term; rdflib and pySHACL's sh:in treat them as different, so one form is kept."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) == _XSD_STRING:
        o = Literal(str(o))
    return s, p, o


def normalise_triples(triples: Iterable[Triple]) -> Iterator[Triple]:
    for triple in triples:
        yield _normalise(triple)


def parse_file(path: Path, shown: str | None = None) -> list[Triple]:
    """Read and parse one Turtle file."""
    shown = shown or str(path)
    return parse_text(read_text(path, shown), shown)


def load_triples(paths: Iterable[Path], shown=str) -> set[Triple]:
    """Parse several files into one set of triples; the first bad file raises LoadError.

    Blank nodes get canonical labels (see :func:`canonical_blank_nodes`) so that
    everything derived from the triples is the same from run to run."""
    triples: set[Triple] = set()
    terms = Terms()
    with without_cycle_collection():
        for path in paths:
            shown_path = shown(path)
            triples.update(parse_text(read_text(path, shown_path), shown_path, terms))
        return canonical_blank_nodes(triples)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused (and restored after): triples are tuples of terms,
    which hold no cycles, but each full collection walks all of the millions of them —
    about a third of the load and closure time at 100 k triples, more the larger."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def canonical_blank_nodes(triples: set[Triple]) -> set[Triple]:
    """Relabel blank nodes by where they hang and what they hold.

    Parsers invent fresh blank-node ids on every run. Here a blank node's label
    is a hash of the (subject, predicate) it hangs from — for nested nodes the
    parent's label — and of its own non-blank values, so sorted output is stable.
    (Blank nodes in the data are RDF lists of the ontology's property chains.)"""
    import hashlib

    blank = BNode
    blanks = {t for t in triples if type(t[0]) is blank or type(t[2]) is blank}
    if not blanks:
        return triples
    outgoing: dict[BNode, list[str]] = {}
    children: dict[BNode, list[tuple[str, BNode]]] = {}
    parents: dict[BNode, list[str]] = {}
    for s, p, o in blanks:
        if isinstance(s, BNode):
            if isinstance(o, BNode):
                children.setdefault(s, []).append((p.n3(), o))
            else:
                outgoing.setdefault(s, []).append(f"{p.n3()} {o.n3()}")
        elif isinstance(o, BNode):
            parents.setdefault(o, []).append(f"{s.n3()} {p.n3()}")
    labels: dict[BNode, BNode] = {}

    def label(start: BNode, start_context: str) -> None:
        # depth-first, parents before children, with an explicit stack: any nesting depth
        stack = [(start, start_context)]
        while stack:
            node, context = stack.pop()
            if node in labels:
                continue
            content = "\n".join(sorted(outgoing.get(node, ()))) + "\n@" + context
            labels[node] = BNode("b" + hashlib.sha1(content.encode()).hexdigest()[:16])
            ordered = sorted(children.get(node, ()), key=lambda c: c[0])
            stack.extend((child, f"{labels[node]} {predicate}") for predicate, child in reversed(ordered))

    for node, contexts in sorted(parents.items(), key=lambda item: sorted(item[1])):
        label(node, "|".join(sorted(contexts)))
    for node in sorted({t[0] for t in blanks if isinstance(t[0], BNode)} - labels.keys(),
                       key=lambda n: "\n".join(sorted(outgoing.get(n, ())))):
        label(node, "")
    relabel = lambda term: labels.get(term, term) if isinstance(term, BNode) else term  # noqa: E731
    return (triples - blanks) | {(relabel(s), p, relabel(o)) for s, p, o in blanks}


def to_graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph
