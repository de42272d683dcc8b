"""Read-only, bounded SPARQL: what the CLI and the server let run, and for how long.

Everything here happens BEFORE a query touches the graph, or bounds it while it runs:

``classify(text) -> str``
    The query form: "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", or "UPDATE" for any
    SPARQL Update operation (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE,
    ADD, WITH). Comments, strings and IRIs are skipped. Raises
    :class:`SparqlSyntaxError` when no form keyword is found.

``check(text, *, allow_service=False) -> str``
    :func:`classify`, then refuse an update (:class:`UpdateRefused`, "read-only:
    updates are not supported") and a federated ``SERVICE`` clause
    (:class:`ServiceRefused`) unless ``allow_service``; then parse the text without
    running it and turn a syntax error into :class:`SparqlSyntaxError` with 1-based
    ``line``, ``column`` and the offending ``line_text``. Returns the form.

``run_with_timeout(kg, text, bindings=None, *, timeout=60.0, allow_service=False) -> Answer``
    :func:`check`, then run the query on ``kg`` (a :class:`gdkg.store.KnowledgeGraph`)
    in a forked worker process that streams rows/triples back through a pipe. The
    returned :class:`gdkg.store.Answer` is lazy: iterate ``answer.rows`` or
    ``answer.triples``. When ``timeout`` seconds pass from the start before the
    answer is complete, the worker is killed (its memory goes with it) and
    :class:`QueryTimeout` is raised, from this call or from the iteration. Call
    ``answer.close()`` (or use ``with answer:``) to stop early, e.g. after
    ``--max-rows`` rows; it kills the worker. ``timeout=None`` means no limit.
    Where ``os.fork`` is missing the query runs in-process and the deadline is
    checked between rows only.

All errors derive from :class:`SparqlError` (a ``ValueError``); each has
``http_status`` (400 for bad queries, 403 for refused ones, 503 for a timeout) for
the server.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import pickle
import re
import select
import signal
import struct
import time
import warnings
from collections.abc import Iterator, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .language import Text, fmt
from .namespaces import PREFIXES

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                             "ADD", "WITH"})
DEFAULT_TIMEOUT = 60.0


class SparqlError(ValueError):
    """A query that may not or cannot run."""

    http_status = 400


class SparqlSyntaxError(SparqlError):
    """Not valid SPARQL 1.1: ``line`` and ``column`` are 1-based, ``line_text`` the line."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 line_text: str = ""):
        self.message, self.line, self.column, self.line_text = message, line, column, line_text
        super().__init__(self._render())

    def text(self, lang: str = "en") -> str:
        return self._render(lang)

    def _render(self, lang: str = "en") -> str:
        if lang == "zh":  # a parser's own message (not a Text) is quoted as it wrote it
            detail = self.message.zh if isinstance(self.message, Text) else f"「{self.message}」"
            if self.line is None:
                text = f"SPARQL 语法错误：{detail}"
            else:
                text = f"SPARQL 语法错误，第 {self.line} 行第 {self.column} 列：{detail}"
        elif self.line is None:
            return f"SPARQL syntax error: {self.message}"
        else:
            text = f"SPARQL syntax error at line {self.line}, column {self.column}: {self.message}"
        if self.line_text.strip():
            shown = self.line_text.rstrip("\n").expandtabs(1)
            caret = " " * (max(self.column or 1, 1) - 1) + "^"
            text += f"\n    {shown}\n    {caret}"
        return text


class UpdateRefused(SparqlError):
    http_status = 403

    def __init__(self, keyword: str = ""):
        self.keyword = keyword
        super().__init__(Text("read-only: updates are not supported", "只读：不支持更新")
                         + (fmt(" ({keyword} is SPARQL Update)", "（{keyword} 属于 SPARQL Update）",
                                keyword=keyword) if keyword else ""))


class ServiceRefused(SparqlError):
    http_status = 403

    def __init__(self, line: int, column: int, endpoint: str = ""):
        self.line, self.column, self.endpoint = line, column, endpoint
        where = f" {endpoint}" if endpoint else ""
        super().__init__(fmt("SERVICE{where} at line {line}, column {column} is refused: gdkg sends no "
                             "requests to other endpoints (federated queries are off)",
                             "第 {line} 行第 {column} 列的 SERVICE{where} 被拒绝：gdkg 不向其他端点发送请求"
                             "（联邦查询已关闭）", where=where, line=line, column=column))


class QueryTimeout(SparqlError):
    http_status = 503

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(fmt("query stopped after {seconds:g} s (timeout); narrow it down (a missing "
                             "join between patterns gives a cartesian product) or raise the timeout",
                             "查询在 {seconds:g} 秒后停止（超时）；"
                             "请缩小查询范围（模式之间缺少连接会产生笛卡尔积），"
                             "或提高超时时间", seconds=seconds))


# ------------------------------------------------------------------ lexical scan

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w]+)
  | (?P<pname>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def _words(text: str) -> Iterator[tuple[str, int, str]]:
    """(UPPERCASE keyword, offset, the next significant token) for each bare word."""
    pending: tuple[str, int] | None = None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment" or (kind == "other" and match.group().isspace()):
            continue
        if pending is not None:
            yield pending[0], pending[1], match.group()
            pending = None
        if kind == "word":
            pending = (match.group().upper(), match.start())
    if pending is not None:
        yield pending[0], pending[1], ""


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def classify(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE (see the module docstring)."""
    for word, _, _ in _words(text):
        if word in ("PREFIX", "BASE"):
            continue
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
        break
    raise SparqlSyntaxError(Text("expected SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX/BASE lines)",
                                 "（在 PREFIX/BASE 行之后）应为 SELECT、ASK、CONSTRUCT 或 DESCRIBE"))


def _update_keyword(text: str) -> str:
    for word, _, _ in _words(text):
        if word not in ("PREFIX", "BASE"):
            return word
    return ""


def find_service(text: str) -> tuple[int, int, str] | None:
    """(line, column, endpoint) of the first SERVICE clause, or None."""
    for word, offset, following in _words(text):
        if word == "SERVICE":
            line, column = position(text, offset)
            endpoint = following if following.startswith(("<", "?", "$")) or ":" in following else ""
            if following.upper() == "SILENT":
                endpoint = "SILENT"
            return line, column, endpoint
    return None


def check(text: str, *, allow_service: bool = False) -> str:
    """Refuse updates and SERVICE, then parse without running; the query form."""
    form = classify(text)
    if form == "UPDATE":
        raise UpdateRefused(_update_keyword(text))
    if not allow_service:
        found = find_service(text)
        if found is not None:
            raise ServiceRefused(*found)
    _check_prefixes(text)
    parse_only(text)
    return form


def _check_prefixes(text: str) -> None:
    """An undeclared prefix, named as such (Oxigraph lists every character it expected)."""
    declared = set(PREFIXES)
    after_prefix = False
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "comment" or (kind == "other" and value.isspace()):
            continue
        if kind == "pname":
            name = value.split(":", 1)[0]
            if after_prefix:
                declared.add(name)
            elif name not in declared:
                line, column = position(text, match.start())
                lines = text.split("\n")
                close = difflib.get_close_matches(name, sorted(declared), n=3, cutoff=0.5)
                hint = (fmt(" (did you mean {close}?)", "（您是不是要找 {close}？）",
                            close=", ".join(c + ":" for c in close)) if close else "")
                raise SparqlSyntaxError(fmt("unknown prefix {name}: in {value}; declare it with "
                                            "PREFIX {name}: <…>{hint}",
                                            "{value} 中的前缀 {name}: 未知；请用 PREFIX {name}: <…> "
                                            "声明{hint}",
                                            name=name, value=repr(value), hint=hint),
                                        line, column, lines[line - 1])
        after_prefix = kind == "word" and value.upper() == "PREFIX"


def parse_only(text: str) -> None:
    """Raise :class:`SparqlSyntaxError` if ``text`` is not a valid SPARQL query."""
    from .load import pyoxigraph

    if pyoxigraph is not None:
        try:
            pyoxigraph.Store().query(text, prefixes=PREFIXES)  # an empty store: parses, runs nothing
        except SyntaxError as exc:
            raise syntax_error(text, str(exc)) from None
        return
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text, initNs=PREFIXES)
    except Exception as exc:  # pyparsing.ParseException and rdflib's own errors
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        message = getattr(exc, "msg", None) or str(exc)
        line_text = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        raise SparqlSyntaxError(message, line, column, line_text) from None


_OX_POSITION = re.compile(r"^error (?:at|between) (\d+):(\d+)(?: and \d+:\d+)?: ")


def syntax_error(text: str, message: str) -> SparqlSyntaxError:
    """An Oxigraph parser message ("error at 4:22: expected …") → :class:`SparqlSyntaxError`.

    Oxigraph's position is where its longest attempt ended (often the end of the
    text), so the line and column come from rdflib's parser where it fails too: the
    start of the clause that does not parse. The message stays Oxigraph's (it names
    what was expected)."""
    found = _OX_POSITION.match(message)
    detail = message[found.end():] if found else message
    line = column = None
    if found:
        line, column = int(found.group(1)), int(found.group(2))
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(text)
    except Exception as exc:  # pyparsing.ParseException
        if getattr(exc, "lineno", None):
            line, column = exc.lineno, exc.col
    if line is None:
        return SparqlSyntaxError(detail)
    lines = text.split("\n")
    line = min(line, len(lines))
    line_text = lines[line - 1]
    near = line_text[max(column - 1, 0):].strip()
    if near:
        detail = Text(f"{detail}, at {near[:40]!r}", f"「{detail}」，出错处 {near[:40]!r}")
    return SparqlSyntaxError(detail, line, column, line_text)


# ------------------------------------------------------------------ bounded execution


def run_with_timeout(kg, text: str, bindings: Mapping[str, Node] | None = None, *,
                     timeout: float | None = DEFAULT_TIMEOUT, allow_service: bool = False):
    """Check, then run in a worker process killed after ``timeout`` s (see module docstring)."""
    check(text, allow_service=allow_service)
    deadline = None if timeout is None else time.monotonic() + timeout
    if not hasattr(os, "fork"):
        return _in_process(kg, text, bindings, timeout, deadline)
    return _Worker(kg, text, bindings, timeout, deadline).answer()


def _in_process(kg, text, bindings, timeout, deadline):
    answer = kg.execute(text, bindings)

    def bounded(items):
        for item in items:
            if deadline is not None and time.monotonic() > deadline:
                raise QueryTimeout(timeout)
            yield item

    answer.rows, answer.triples = bounded(answer.rows), bounded(answer.triples)
    return answer


def _encode(term: Node | None):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return ("b", str(term))
    return ("l", str(term), term.language, None if term.datatype is None else str(term.datatype))


def _decode(value) -> Node | None:
    if value is None:
        return None
    if isinstance(value, str):
        return URIRef(value)
    if value[0] == "b":
        return BNode(value[1])
    _, lexical, lang, datatype = value
    return Literal(lexical, lang=lang, datatype=None if datatype is None else URIRef(datatype))


_FRAME = struct.Struct("!I")


class _Worker:
    """A forked child that runs the query and writes pickled frames to a pipe."""

    def __init__(self, kg, text, bindings, timeout, deadline):
        self.timeout, self.deadline = timeout, deadline
        read_fd, write_fd = os.pipe()
        with warnings.catch_warnings():  # forking a threaded server: the child only runs the query
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _child(kg, text, bindings, write_fd)
        os.close(write_fd)
        self.fd = read_fd
        self.buffer = b""
        self.done = False

    # --- parent side

    def answer(self):
        from .store import Answer

        try:
            head = self._next_frame()
        except BaseException:
            self.close()
            raise
        kind = head[0]
        if kind == "error":
            self.close()
            raise _child_error(head)
        form, variables, boolean = head[1], head[2], head[3]
        answer = Answer(form, variables=variables, boolean=boolean)
        if form == "SELECT":
            answer.rows = self._items(lambda row: dict(zip(variables, map(_decode, row), strict=True)))
        elif form in ("CONSTRUCT", "DESCRIBE"):
            answer.triples = self._items(lambda triple: tuple(map(_decode, triple)))
        else:
            self.close()
        answer.close = self.close
        return answer

    def _items(self, decode):
        try:
            while True:
                frame = self._next_frame()
                if frame[0] == "end":
                    break
                if frame[0] == "error":
                    raise _child_error(frame)
                for item in frame[1]:
                    yield decode(item)
        finally:
            self.close()

    def _next_frame(self):
        while len(self.buffer) < _FRAME.size or len(self.buffer) < _FRAME.size + _FRAME.unpack_from(
                self.buffer)[0]:
            wait = None if self.deadline is None else self.deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise QueryTimeout(self.timeout)
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                raise QueryTimeout(self.timeout)
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise SparqlError(Text("the query worker ended without an answer (out of memory?)",
                                       "查询子进程没有给出结果就结束了（内存不足？）"))
            self.buffer += chunk
        size = _FRAME.unpack_from(self.buffer)[0]
        frame = pickle.loads(self.buffer[_FRAME.size:_FRAME.size + size])
        self.buffer = self.buffer[_FRAME.size + size:]
        return frame

    def close(self) -> None:
        """Stop the worker (if still running) and release the pipe; safe to call twice."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def _child_error(frame) -> SparqlError:
    _, kind, message, text = frame
    if kind == "SyntaxError":
        return syntax_error(text, message)
    return SparqlError(Text(f"query failed: {message}", f"查询失败：「{message}」"))


def _child(kg, text, bindings, fd) -> None:  # pragma: no cover - runs in the forked child
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

        def send(message) -> None:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            data = _FRAME.pack(len(data)) + data
            while data:
                data = data[os.write(fd, data):]

        try:
            answer = kg.execute(text, bindings)
            send(("head", answer.form, answer.variables, answer.boolean))
            if answer.form == "SELECT":
                variables = answer.variables
                items = ([_encode(row[v]) for v in variables] for row in answer.rows)
            else:
                items = ([_encode(t) for t in triple] for triple in answer.triples)
            batch, flushed, first = [], time.monotonic(), True
            for item in items:
                batch.append(item)
                now = time.monotonic()
                if first or len(batch) >= 1000 or now - flushed > 0.05:
                    send(("items", batch))
                    batch, flushed, first = [], now, False
            if batch:
                send(("items", batch))
            send(("end",))
        except Exception as exc:  # the parent turns it into a message
            send(("error", type(exc).__name__, str(exc), text))
    except BaseException:
        code = 1
    finally:
        os._exit(code)
