"""Parse Turtle files into an rdflib graph, with located, readable errors.

pyoxigraph (the ``fast`` extra) parses about ten times faster than rdflib's
Turtle parser; rdflib is used when it is not installed. Either way a syntax
error becomes a :class:`LoadError` naming file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

try:  # optional fast parser
    import pyoxigraph
except ImportError:  # pragma: no cover - exercised when the extra is absent
    pyoxigraph = None

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]

_XSD_STRING = str(XSD.string)


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


def read_text(path: Path, shown: str | None = None) -> str:
    """Read a Turtle file as UTF-8, turning every way it can fail into a LoadError."""
    shown = shown or str(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise LoadError(shown, "is a directory, not a Turtle file") from None
    except FileNotFoundError:
        raise LoadError(shown, "no such file") from None
    except OSError as exc:
        raise LoadError(shown, f"cannot read: {exc.strerror or exc}") from None
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


def parse_text(text: str, shown: str) -> list[Triple]:
    """Parse Turtle text into rdflib triples; raise LoadError with file:line:column."""
    if pyoxigraph is not None:
        try:
            return [
                (_term(q.subject), _term(q.predicate), _term(q.object))
                for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE)
            ]
        except SyntaxError as exc:
            raise _oxigraph_error(exc, shown) from None
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several types for bad syntax
        raw = str(exc)
        found = re.search(r"at line (\d+)", raw)
        detail = re.search(r"Bad syntax \((.*?)\) at \^", raw, re.S)
        message = detail.group(1) if detail else raw.splitlines()[-1]
        raise LoadError(shown, message, line=int(found.group(1)) if found else None,
                        hint=_syntax_hint(message)) from None
    return [_normalise(t) for t in graph]


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
    for path in paths:
        triples.update(parse_file(path, shown(path)))
    return canonical_blank_nodes(triples)


def canonical_blank_nodes(triples: set[Triple]) -> set[Triple]:
    """Relabel blank nodes by where they hang and what they hold.

    Parsers invent fresh blank-node ids on every run. Here a blank node's label
    is a hash of the (subject, predicate) it hangs from — for nested nodes the
    parent's label — and of its own non-blank values, so sorted output is stable.
    (Blank nodes in the data are RDF lists of the ontology's property chains.)"""
    import hashlib

    blanks = {t for t in triples if isinstance(t[0], BNode) or isinstance(t[2], BNode)}
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

    def label(node: BNode, context: str) -> None:
        if node in labels:
            return
        content = "\n".join(sorted(outgoing.get(node, ()))) + "\n@" + context
        labels[node] = BNode("b" + hashlib.sha1(content.encode()).hexdigest()[:16])
        for predicate, child in sorted(children.get(node, ()), key=lambda c: c[0]):
            label(child, f"{labels[node]} {predicate}")

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
