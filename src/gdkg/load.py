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

from .language import Text, fmt, hint_label
from .language import text as in_lang

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
    message: str  # a Text where the message exists in Chinese too
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """'FILE:LINE:COLUMN: message' (and an indented hint line) in ``lang``."""
        where = in_lang(self.path, lang)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        shown = f"{where}: {in_lang(self.message, lang)}"
        if self.hint:
            shown += f"\n{hint_label(lang)}{in_lang(self.hint, lang)}"
        return shown


#: the largest file of the graph (ontology/, data/ttl/, shapes/) gdkg reads
MAX_GRAPH_FILE_BYTES = 256 * 1024 * 1024


def read_text(path: Path, shown: str | None = None) -> str:
    """Read a Turtle file as UTF-8, turning every way it can fail into a LoadError
    (regular files only, at most :data:`MAX_GRAPH_FILE_BYTES`)."""
    from .safe_io import read_bounded

    shown = shown or str(path)
    raw = read_bounded(path, MAX_GRAPH_FILE_BYTES, shown=shown, what=Text("Turtle file", "Turtle 文件"),
                       hint=Text("split it into smaller files", "请拆分成几个较小的文件"))
    return decode_turtle_bytes(raw, shown)


def decode_turtle_bytes(raw: bytes, shown: str) -> str:
    """Decode bytes meant to be Turtle, rejecting binary and non-UTF-8 content."""
    if not raw.strip():
        raise LoadError(shown, Text("file is empty", "文件为空"),
                        hint=Text("a Turtle file needs at least one triple", "Turtle 文件至少要有一个三元组"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            shown,
            Text("file is UTF-16, Turtle must be UTF-8", "文件是 UTF-16 编码，Turtle 须为 UTF-8"),
            hint=fmt("convert it: {command}", "请转换编码：{command}",
                     command=f"iconv -f UTF-16 -t UTF-8 {shown}"),
        )
    if b"\0" in raw[:8192]:
        raise LoadError(shown, Text("binary content, not a Turtle text file",
                                    "二进制内容，不是 Turtle 文本文件"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is harmless; drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(raw)
        hint = (fmt("convert it: {command}", "请转换编码：{command}",
                    command=f"iconv -f {guess} -t UTF-8 {shown}") if guess else None)
        byte = f"0x{raw[exc.start]:02x}"
        what = (fmt("not UTF-8 (looks like {guess})", "不是 UTF-8 编码（看来是 {guess}）", guess=guess)
                if guess else Text("not UTF-8", "不是 UTF-8 编码"))
        raise LoadError(shown, what + fmt(": byte {byte} cannot be decoded", "：字节 {byte} 无法解码",
                                          byte=byte),
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
        raise LoadError(shown, Text("this is RDF/XML (or other XML), not Turtle",
                                    "这是 RDF/XML（或其他 XML），不是 Turtle"), line=1,
                        hint=fmt("convert it: {command}", "请转换格式：{command}",
                                 command=f"python -m rdflib.tools.rdfpipe -o turtle {shown}"))
    if _JSON_START.match(text):
        raise LoadError(shown, Text("this looks like JSON(-LD), not Turtle",
                                    "这看来是 JSON(-LD)，不是 Turtle"), line=1)
    number, first = next(((n, line) for n, line in enumerate(text.splitlines(), 1)
                          if line.strip() and not line.lstrip().startswith("#")), (1, ""))
    if first.count(",") >= 2 and not any(ch in first for ch in "<>:@.;"):
        raise LoadError(shown, Text("this looks like CSV, not Turtle", "这看来是 CSV，不是 Turtle"),
                        line=number,
                        hint=Text("for spreadsheets use: gdkg import csv --type … FILE.csv",
                                  "表格请用：gdkg import csv --type … FILE.csv"))


#: what one Turtle file may hold: the parser, the blank-node labelling, the locator and the
#: reports are sized for these; each is named with its value when a file goes over it
MAX_TRIPLES_PER_FILE = 200_000
MAX_LITERAL_CHARS = 1_000_000
MAX_NESTING = 256  # blank nodes inside blank nodes ([ … [ … ] ] or list items: ( a b c ))
#: the most files one `gdkg validate`/`add` takes, and the most the graph may have
MAX_FILES_PER_COMMAND = 1_000
MAX_GRAPH_FILES = 10_000


def _too_many_triples(shown: str) -> LoadError:
    return LoadError(shown, fmt("more than {n:,} triples in one file (the limit)",
                                "一个文件中超过 {n:,} 个三元组（上限）", n=MAX_TRIPLES_PER_FILE),
                     hint=Text("split it into several files", "请拆分成几个文件"))


def _check_term_sizes(triple: Triple, shown: str) -> None:
    for term in triple:
        if len(term) > MAX_LITERAL_CHARS:
            what = Text("literal", "字面量") if isinstance(term, Literal) else Text("IRI", "IRI")
            raise LoadError(shown, fmt("a {what} of {n:,} characters, over the limit of {limit:,} "
                                       "(it starts {start})",
                                       "一个 {what} 长 {n:,} 个字符，超过上限 {limit:,}（开头为 {start}）",
                                       what=what, n=len(term), limit=MAX_LITERAL_CHARS,
                                       start=repr(str(term)[:40])),
                            hint=Text("keep long texts outside the graph and link to them",
                                      "长文本请放在图之外，再链接过去"))


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
        raise LoadError(shown, fmt("blank nodes nested {depth} deep, over the limit of {limit} "
                                   "(nested [ … ] or list items)",
                                   "空白节点嵌套 {depth} 层，超过上限 {limit}（嵌套的 [ … ] 或列表项）",
                                   depth=depth, limit=MAX_NESTING),
                        hint=Text("give deeply nested things IRIs of their own, or split long lists",
                                  "给深层嵌套的事物各自的 IRI，或拆分长列表"))
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
        raise LoadError(shown, Text("nested too deeply for the parser", "嵌套太深，解析器无法处理"),
                        hint=fmt("at most {n} levels of [ … ] or ( … )", "[ … ] 或 ( … ) 最多 {n} 层",
                                 n=MAX_NESTING)) from None
    except MemoryError as exc:
        raise _buffer_error(exc, shown) from None
    except Exception as exc:  # rdflib raises several types for bad syntax
        raw = str(exc)
        found = re.search(r"at line (\d+)", raw)
        detail = re.search(r"Bad syntax \((.*?)\) at \^", raw, re.S)
        message = parser_message(detail.group(1) if detail else raw.splitlines()[-1])
        raise LoadError(shown, message, line=int(found.group(1)) if found else None,
                        hint=_syntax_hint(message)) from None
    triples = [_normalise(t) for t in graph]
    for triple in triples:
        _check_term_sizes(triple, shown)
    return check_limits(triples, shown)


def _buffer_error(exc: MemoryError, shown: str) -> LoadError:
    found = re.search(r"size of (\d+)", str(exc))
    size = f"{int(found.group(1)) / 1024 / 1024:g} MB" if found else ""
    return LoadError(shown, fmt("one token (a literal or an IRI) is longer than the parser's buffer"
                                + (" of {size}" if size else ""),
                                "有一个词法单元（字面量或 IRI）超过了解析器的缓冲区"
                                + ("（{size}）" if size else ""), size=size),
                     hint=fmt("literals may hold at most {n:,} characters", "字面量最多 {n:,} 个字符",
                              n=MAX_LITERAL_CHARS))


def _oxigraph_error(exc: SyntaxError, shown: str) -> LoadError:
    message = re.sub(r"^Parser error (at|between) [^:]*: ", "", str(exc))
    message = parser_message(re.sub(r" \(.*line \d+\)$", "", message))
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


#: the parsers' messages (pyoxigraph, rdflib) in Chinese: (pattern, template); names,
#: characters and IRIs the pattern captures are kept as they are
_PARSER_MESSAGES_ZH = [
    (r"A dot is expected at the end of statements", "语句末尾缺少句点 '.'"),
    (r"Unexpected end of file", "文件意外结束"),
    (r"Invalid IRI code point (?P<a>'.*')", "IRI 中有不允许的字符 {a}"),
    (r"(?P<a>'.*') is not allowed at the beginning of a prefix name", "{a} 不能出现在前缀名的开头"),
    (r"The prefix (?P<a>\S*) has not been declared", "前缀 {a} 未声明"),
    (r"Prefix \"(?P<a>\S*)\" not bound", "前缀 {a} 未声明"),
    (r"Line jumps are not allowed in string literals.*", "字符串字面量中不允许换行"),
    (r"expected '\.'.*", "此处应为句点 '.'"),
]


def parser_message(raw: str) -> Text:
    """A parser's error message with its Chinese: translated where it is a known one,
    else quoted as the parser wrote it."""
    for pattern, chinese in _PARSER_MESSAGES_ZH:
        found = re.fullmatch(pattern, raw, re.S)
        if found:
            return Text(raw, chinese.format(**found.groupdict()))
    return Text(raw, f"语法错误（解析器原文：「{raw}」）")


def _syntax_hint(message: str) -> Text | None:
    prefix = re.search(r"prefix (\S+?):? has not been declared|Prefix \"(\S+?):\" not bound", message)
    if prefix:
        name = prefix.group(1) or prefix.group(2)
        from .namespaces import PREFIXES

        namespace = PREFIXES.get(name, "…")
        return fmt("add '{line}' at the top; `gdkg prefixes` lists the predeclared prefixes",
                   "请在文件开头加上 '{line}'；`gdkg prefixes` 列出预先声明的前缀",
                   line=f"@prefix {name}: <{namespace}> .")
    if "dot is expected" in message or "expected '.'" in message:
        return Text("a statement probably misses its closing ' .' on the line before",
                    "上一行的语句可能缺少结尾的 ' .'")
    if message == "Unexpected end of file":
        return Text("something opened here (a string, <IRI>, [ or ( ) is never closed",
                    "此处打开的东西（字符串、<IRI>、[ 或 ( ）没有闭合")
    if "Line jumps are not allowed in string literals" in message:
        return Text("a string probably misses its closing quote", "某个字符串可能缺少结尾的引号")
    if "Invalid IRI code point ' '" in message:
        return Text("IRIs cannot contain spaces; slugs join words with '-'",
                    "IRI 不能包含空格；标识符用 '-' 连接单词")
    if "is not allowed at the beginning of a prefix name" in message:
        return Text("a stray character? statements are 'subject predicate object ;' … ' .'",
                    "多了一个字符？语句的形式是 'subject predicate object ;' … ' .'")
    return None


def rdflib_term(term: object) -> URIRef | BNode | Literal:
    """The rdflib term of a pyoxigraph term (an xsd:string literal as a plain one)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return text_literal(term.value, term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return text_literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


_new_str = str.__new__


def text_literal(text: str, language: str | None = None) -> Literal:
    """``Literal(text, lang=language)`` for text the parser has checked (a valid language
    tag, no datatype): the same term, set up directly, about four times faster than
    rdflib's constructor, which tries to cast the text to a Python value first
    (a third of the parse at a million triples). tests/test_scale_inputs.py compares the two."""
    literal = _new_str(Literal, text)
    literal._language, literal._datatype, literal._value, literal._ill_typed = language, None, text, None
    return literal



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
        term = self[key] = rdflib_term(key)
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


def parse_file(path: Path, shown: str | None = None, terms: Terms | None = None) -> list[Triple]:
    """Read and parse one Turtle file (``terms``: see :func:`parse_text`)."""
    shown = shown or str(path)
    return parse_text(read_text(path, shown), shown, terms)


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
