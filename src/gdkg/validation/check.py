"""Check new Turtle files against the graph before they enter it (``gdkg validate``/``add``).

The new triples are merged with the asserted graph (ontology + data/ttl, so
references to existing cities and clusters resolve) and validated with the
project's shapes. Only what the new files add is reported: every result about a
node only they define, and any other result the graph without them does not
have (e.g. a declared total that no longer adds up). Each is located at the line
where its node is first a subject in its file. The checks of :mod:`gdkg.validation.rules`
(unknown gd: terms, IRIs defined nowhere, text where an IRI belongs, datatypes)
run alongside, and every result gets a suggestion where an obvious one exists.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from ..language import Text, fmt
from ..load import (
    LoadError,
    Terms,
    Triple,
    check_syntax,
    decode_turtle_bytes,
    parse_file,
    parse_text,
    to_graph,
    without_cycle_collection,
)
from ..manifest import is_fresh
from ..names import NameIndex
from ..namespaces import SH
from ..project import Project
from .focused import GlobalTargets, IndexGraph, TripleIndex, plan_shapes, validate_focused
from .identity import duplicate_names
from .locate import Locator
from .rules import Issue, Vocabulary, extra_checks, ill_typed, same_problem, two
from .rules import suggest as rule_suggest
from .schema_guard import is_schema_triple, schema_issues, schema_terms
from .shacl import (
    SEVERITY_ORDER,
    PendingValidation,
    ValidationReport,
    ValidationResult,
    start_validation,
    validate,
)

DEFAULT_MAX_MB = 10
_BOM = b"\xef\xbb\xbf"

# ---------------------------------------------------------------- inputs


@dataclass
class Notice:
    """Something worth saying that is not a validation result (e.g. a BOM was dropped)."""

    file: str
    line: int | None
    messages: dict[str, str]
    unit: str = "line"

    def message(self, lang: str) -> str:
        return self.messages.get(lang) or self.messages["en"]


@dataclass
class Input:
    """One new file, read and parsed."""

    shown: str
    text: str
    triples: list[Triple]
    path: Path | None = None
    notices: list[Notice] = field(default_factory=list)
    #: explicit locations (e.g. CSV rows) instead of scanning ``text``
    locations: dict[str, int] | None = None
    unit: str = "line"


def read_input(arg: str, max_mb: float = DEFAULT_MAX_MB) -> Input:
    """Read and parse one new Turtle file ('-' is stdin); every failure is a LoadError."""
    from ..safe_io import read_bounded

    shown, path = ("<stdin>", None) if arg == "-" else (arg, Path(arg))
    if path is not None and path.is_dir():
        raise LoadError(shown, Text("is a directory, not a Turtle file", "是目录，不是 Turtle 文件"),
                        hint=fmt("pass the files: {files}", "请给出其中的文件：{files}",
                                 files=f"{shown.rstrip('/')}/*.ttl"))
    raw = read_bounded(arg, int(max_mb * 1024 * 1024), shown=shown, what=Text("file", "文件"),
                       hint=Text("split it into smaller files, or raise the limit with --max-size MB",
                                 "请拆分成几个较小的文件，或用 --max-size MB 提高上限"),
                       limit_for=Text(" for one new file", "（单个新文件）"))
    notices = []
    if raw.startswith(_BOM):
        notices.append(Notice(shown, 1, {
            "en": "file starts with a UTF-8 byte-order mark (BOM); it is ignored",
            "zh": "文件以 UTF-8 字节顺序标记（BOM）开头，已忽略"}))
    text = decode_turtle_bytes(raw, shown)
    return text_input(shown, text, path=path, notices=notices)


def text_input(shown: str, text: str, *, path: Path | None = None, notices=None,
               locations: dict[str, int] | None = None, unit: str = "line") -> Input:
    """Parse Turtle text that stands for one new file."""
    if len(text) > 1_000_000:
        check_syntax(text, shown)
    triples = parse_text(text, shown)
    if not triples:
        raise LoadError(shown, Text("no triples in this file (only prefixes or comments)",
                                    "文件中没有三元组（只有前缀或注释）"),
                        hint=Text("a new file must state at least one fact", "新文件至少要陈述一个事实"))
    return Input(shown, text, triples, path, list(notices or []), locations, unit)


# ---------------------------------------------------------------- the graph it goes into


class Base:
    """The asserted graph (ontology + data/ttl minus excluded files) and the shapes."""

    def __init__(self, project: Project, exclude: Iterable[Path] = ()):
        excluded = {p.resolve() for p in exclude}
        self.project, self.excludes = project, bool(excluded)
        self.shapes: set[Triple] = set()
        for path in project.shape_files():
            self.shapes.update(parse_file(path, project.relative(path)))
        self._report: ValidationReport | None = None
        self._plan = None
        self._targets: GlobalTargets | None = None
        self._shapes_graph = None
        self._start_targets()  # in the background, while the files below are parsed
        self.triples: set[Triple] = set()
        self.ontology: set[Triple] = set()
        self.subject_files: dict = {}
        terms = Terms()  # equal terms of all files one object (see load.parse_text)
        with without_cycle_collection():
            for path in project.graph_files():
                if path.resolve() in excluded:
                    continue
                shown = project.relative(path)
                triples = parse_file(path, shown, terms)
                self.triples.update(triples)
                if path in project.ontology_files():
                    self.ontology.update(triples)
                else:
                    for s, _, _ in triples:
                        self.subject_files.setdefault(s, shown)
        self.subjects = {s for s, _, _ in self.triples}
        self.ontology_terms = schema_terms(self.ontology)
        self.subject_names = {str(s): file for s, file in self.subject_files.items()}
        self._job: PendingValidation | None = None
        self._index: TripleIndex | None = None

    def _start_targets(self) -> None:
        """When the focused validation will run (build/ holds this graph's report), plan the
        shapes and start loading the global shapes' store from build/asserted.nt."""
        if os.environ.get("GDKG_VALIDATE_FULL"):
            return
        self._report = self._built_report()
        if self._report is None:
            return
        self._plan_shapes()
        nt = self.project.build_dir / "asserted.nt"
        if self._plan and nt.is_file():
            with contextlib.suppress(ImportError):
                self._targets = GlobalTargets(self._plan, nt)

    def _plan_shapes(self) -> None:
        if self._plan is None:
            try:
                self._plan = plan_shapes(self.shapes, self.shapes_graph())
            except ValueError:  # a shape the focused validation cannot follow
                self._plan = False

    def start_report(self) -> None:
        """Start validating the graph without the new files in a forked child (on a
        machine with more than one core), while the caller validates it with them.
        Nothing to do when `gdkg build` has already validated this very graph."""
        if self._report is None:
            self._report = self._built_report()
        if self._report is None and self._job is None:
            self._job = start_validation(self.triples, self.shapes)

    def _built_report(self) -> ValidationReport | None:
        """build/validation.json, when build/ was made from exactly these inputs."""
        if self.excludes or not is_fresh(self.project):
            return None
        try:
            text = (self.project.build_dir / "validation.json").read_text(encoding="utf-8")
            return ValidationReport.from_json(text)
        except (OSError, ValueError, TypeError):
            return None

    def shapes_graph(self):
        """The shapes as an rdflib Graph, built once (read by the shape plan and the checks)."""
        if self._shapes_graph is None:
            self._shapes_graph = to_graph(self.shapes)
        return self._shapes_graph

    def triple_index(self) -> TripleIndex:
        if self._index is None:
            with without_cycle_collection():
                self._index = TripleIndex(self.triples)
        return self._index

    def focused_ready(self) -> bool:
        """True when build/ holds the report of this very graph and the shapes can be
        followed: then only what new triples can change needs validating."""
        if self._report is None:
            self._report = self._built_report()
        if self._report is None:
            return False
        if self._plan is None:
            self._plan_shapes()
        if self._plan and self._targets is None:
            with contextlib.suppress(ImportError):
                self._targets = GlobalTargets(self._plan)
        if self._targets is not None:
            self._targets.attach(self.triples)
        return self._plan is not False

    def focused(self, new: set[Triple], lookup: TripleIndex, graph) -> ValidationReport:
        """The validation of the graph with ``new`` as far as ``new`` can change it
        (see :mod:`gdkg.validation.focused`); ``graph`` returns the merged rdflib graph."""
        try:
            return validate_focused(self._plan, lookup, new, self.ontology, graph, self._report,
                                    self._targets)
        except Exception as exc:  # pySHACL raises many types for bad shapes
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise _shacl_failed(first) from None

    def stop_report(self) -> None:
        """Drop a validation started by :meth:`start_report` that turned out not needed."""
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def report(self) -> ValidationReport:
        """The validation of the graph without the new files (computed once, when needed)."""
        if self._report is None and self._job is not None:
            job, self._job = self._job, None
            with contextlib.suppress(Exception):  # on failure, validate here and report it
                self._report = job.result()
        if self._report is None:
            self._report = _validate(to_graph(self.triples), self.shapes)
        return self._report


def _validate(graph, shapes: set[Triple]) -> ValidationReport:
    """validate(), with a failure of the SHACL engine (e.g. a malformed shape) as a LoadError."""
    try:
        return validate(graph, to_graph(shapes))
    except Exception as exc:  # pySHACL raises many types for bad shapes
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _shacl_failed(first) from None


def _shacl_failed(first: str) -> LoadError:
    return LoadError("shapes/", Text(f"SHACL validation failed: {first}", f"SHACL 校验失败：「{first}」"),
                     hint=Text("a problem in the shapes, not in the new files",
                               "问题出在 shapes/ 的形状中，而不在新文件中"))


_BASES: dict[tuple, Base] = {}


def load_base(project: Project, exclude: Iterable[Path] = ()) -> Base:
    """The base graph, cached per process while no ontology/data/shape file changes."""
    exclude = sorted(p.resolve() for p in exclude)
    stamp = []
    for path in project.graph_files() + project.shape_files():
        info = path.stat()
        stamp.append((str(path), info.st_mtime_ns, info.st_size))
    key = (str(project.root), tuple(stamp), tuple(exclude))
    if key not in _BASES:
        if len(_BASES) > 1:  # the graph as it is, and as it will be after `add --replace`
            _BASES.pop(next(iter(_BASES)))
        _BASES[key] = Base(project, exclude)
    return _BASES[key]


# ---------------------------------------------------------------- results


@dataclass
class CheckReport:
    """What ``gdkg validate`` found in the new files."""

    files: list[str]
    issues: list[Issue]
    notices: list[Notice]
    new_triples: int
    new_subjects: int
    index: NameIndex

    def failing(self, fail_on: str = "violation") -> list[Issue]:
        floor = SEVERITY_ORDER[fail_on]
        return [i for i in self.issues if SEVERITY_ORDER[i.severity] >= floor]

    def counts(self) -> dict[str, int]:
        counts = {"violation": 0, "warning": 0, "info": 0}
        for issue in self.issues:
            counts[issue.severity] += 1
        return counts



@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for an ill-typed literal; bad input must not print one."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Serializing weird numerical …"
            yield
    finally:
        logger.setLevel(level)


def check(project: Project, inputs: list[Input], exclude: Iterable[Path] = (), *,
          focused: bool = True) -> CheckReport:
    """Validate ``inputs`` merged with the project's graph; report what they add.

    ``exclude``: files the inputs replace. The graph is then checked as it will be
    (without them), and compared with the graph as it is, so what the removal breaks
    (e.g. references to entities only the replaced file defined) is reported too.
    ``focused``: validate only what the inputs can change when build/ is fresh (the
    same results as validating everything, which ``focused=False`` or the environment
    variable GDKG_VALIDATE_FULL=1 does)."""
    # the cycle collector would walk the base graph's million tuples of terms (which hold no
    # cycles) again and again: at a million triples it took a third of the check
    with without_cycle_collection():
        return _check(project, inputs, exclude, focused)


def _check(project: Project, inputs: list[Input], exclude: Iterable[Path],
           focused: bool) -> CheckReport:
    base = load_base(project, exclude)
    current = load_base(project) if exclude else base
    vocab = Vocabulary(base)
    given: set[Triple] = set()
    for item in inputs:
        given.update(item.triples)
    # triples that would change the ontology are refused and kept out of the rest of the check
    guarded = schema_issues(given, base.ontology_terms)
    new = {t for t in given if not is_schema_triple(t, base.ontology_terms)} if guarded else given
    merged = base.triples | new
    lookup = base.triple_index().plus(new)
    built: list = []

    def full_graph():  # the merged rdflib graph, built only when needed
        if not built:
            built.append(to_graph(merged))
        return built[0]

    # (an ill-typed literal compares differently in Oxigraph's and rdflib's SPARQL, so the
    # global shapes' targets could differ: validate everything then)
    use_focused = (focused and not os.environ.get("GDKG_VALIDATE_FULL") and not exclude
                   and not any(ill_typed(o) for _, _, o in new) and base.focused_ready())
    index = NameIndex(IndexGraph(lookup) if use_focused else full_graph())
    fresh = {str(s) for s, _, _ in new if s not in base.subjects}
    if use_focused:  # only what the new triples can change, against build/'s report
        shacl = _new_results(base.focused(new, lookup, full_graph), current, fresh)
    else:
        current.start_report()  # needed if any result is about a node the graph has already
        try:
            shacl = _new_results(_validate(full_graph(), base.shapes), current, fresh)
        finally:
            current.stop_report()
    own = extra_checks(new, {s for s, _, _ in merged}, vocab, index)
    issues = _without_incomparable(_merge(shacl, own, vocab, index)) + guarded
    issues += duplicate_names(new, fresh, vocab.name_families, index)
    locate = Locator(inputs, given)
    for issue in issues:
        issue.file, issue.line, issue.unit = locate(issue.focus)
        if issue.line is None and issue.focus in base.subject_names:  # defined in data/ttl
            issue.file, issue.unit = base.subject_names[issue.focus], "graph"
    order = {item.shown: n for n, item in enumerate(inputs)}
    issues.sort(key=lambda i: (order.get(i.file, len(order)), i.line or 0, i.focus,
                               -SEVERITY_ORDER[i.severity], i.path or "", i.value or ""))
    subjects = {s for s, _, _ in given if isinstance(s, URIRef)}
    notices = _notices(inputs, base, locate, index) + _removed(current, base, subjects, index)
    return CheckReport([item.shown for item in inputs], issues, notices, len(given), len(subjects),
                       index)


def _removed(current: Base, base: Base, subjects: set, index: NameIndex) -> list[Notice]:
    """One notice per replaced file that defines entities the new files no longer do."""
    gone: dict[str, list] = {}
    for s, file in current.subject_files.items():
        if isinstance(s, URIRef) and s not in base.subjects and s not in subjects:
            gone.setdefault(file, []).append(s)
    notices = []
    for file, nodes in sorted(gone.items()):
        names = ", ".join(index.short(n) for n in sorted(nodes)[:10])
        more = f" and {len(nodes) - 10} more" if len(nodes) > 10 else ""
        more_zh = f" 等 {len(nodes)} 个" if len(nodes) > 10 else ""
        notices.append(Notice(file, None, two(
            f"replacing it removes {len(nodes)} entit{'y' if len(nodes) == 1 else 'ies'} the new "
            f"files do not define: {names}{more}; results about what refers to them are shown",
            f"替换后将移除新文件中未定义的 {len(nodes)} 个实体：{names}{more_zh}；"
            "引用它们之处的问题一并列出"), "graph"))
    return notices


def _new_results(report: ValidationReport, base: Base, fresh: set[str]) -> list[Issue]:
    """Results about nodes only the new files define are theirs. Results about other nodes
    (one the files extend or refer to, or e.g. a declared total that no longer adds up)
    count only if the graph without the files does not have them already."""
    base_keys = None
    issues = []
    for result in report.results:
        if result.focus not in fresh:
            if base_keys is None:
                base_keys = {_result_key(r) for r in base.report().results}
            if _result_key(result) in base_keys:
                continue
        issues.append(Issue(result.severity, result.focus, result.path, result.value,
                            dict(result.messages), "shacl", result.constraint, result.shape))
    return issues


#: At most this many different suggestions per check (each may compare a name with every
#: label of a class): a file with thousands of problems gets them for the first ones.
SUGGESTION_LIMIT = 1000
_BY_FOCUS = {"http://www.w3.org/ns/shacl#SPARQLConstraintComponent",
             "http://www.w3.org/ns/shacl#QualifiedMaxCountConstraintComponent",
             "http://www.w3.org/ns/shacl#MaxCountConstraintComponent"}


class _Suggestions:
    """:func:`suggest`, once per different problem (most depend only on the property and
    the offending value, not on the node), up to :data:`SUGGESTION_LIMIT`."""

    def __init__(self, vocab: Vocabulary, index: NameIndex):
        self.vocab, self.index, self.known = vocab, index, {}

    def __call__(self, issue: Issue) -> dict[str, str]:
        key = (issue.constraint, issue.path, issue.value, issue.shape,
               issue.focus if issue.constraint in _BY_FOCUS or issue.value is None else None)
        if key not in self.known:
            if len(self.known) >= SUGGESTION_LIMIT:
                return {}
            self.known[key] = rule_suggest(issue, self.vocab, self.index)
        return dict(self.known[key])


def _merge(shacl: list[Issue], own: list[Issue], vocab: Vocabulary,
           index: NameIndex) -> list[Issue]:
    """SHACL results plus the checks' own issues, each problem once, with suggestions.

    The shapes state most of the checks too; where they report the same problem the
    shape's result is kept (with the check's suggestion)."""
    said = set()
    suggest = _Suggestions(vocab, index)
    for issue in shacl:  # one suggestion per offending value, on its first result
        if issue.key() not in said:
            issue.suggestion = suggest(issue)
            if issue.suggestion:
                said.add(issue.key())
    issues = list(shacl)
    by_place: dict = {}  # (focus, path) -> results, and focus -> results: same_problem's cases
    by_focus: dict = {}
    order = {id(theirs): n for n, theirs in enumerate(shacl)}
    for theirs in shacl:
        by_place.setdefault((theirs.focus, theirs.path), []).append(theirs)
        by_focus.setdefault(theirs.focus, []).append(theirs)
    for mine in own:
        candidates = by_place.get((mine.focus, mine.path), [])
        if mine.path == str(RDF.type) and mine.value is not None:
            candidates = by_focus.get(mine.value, []) + candidates
        same = sorted((i for i in candidates if same_problem(mine, i)), key=lambda i: order[id(i)])
        if not same:
            mine.suggestion = suggest(mine)
            issues.append(mine)
        elif not same[0].suggestion and mine.key() not in said:
            same[0].suggestion = suggest(mine)
            said.add(mine.key())
    return issues


#: SHACL's comparisons: a value of the wrong datatype fails them because it cannot be compared
_COMPARISONS = {str(SH[f"{name}ConstraintComponent"])
                for name in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive")}
_DATATYPE = str(SH.DatatypeConstraintComponent)


def _without_incomparable(issues: list[Issue]) -> list[Issue]:
    """Each problem once: a comparison result (sh:minInclusive …) about a value that also has a
    sh:datatype violation is dropped. SHACL reports a failure when the comparison cannot be
    made, so "1,5"^^xsd:decimal also came out as "a negative amount", a wrong hint on top of
    the real one (not a decimal)."""
    mistyped = {i.key() for i in issues if i.constraint == _DATATYPE and i.severity == "violation"}
    if not mistyped:
        return issues
    return [i for i in issues if not (i.constraint in _COMPARISONS and i.key() in mistyped)]


def _notices(inputs: list[Input], base: Base, locate: Locator, index: NameIndex) -> list[Notice]:
    """The inputs' own notices, and one per subject another data file describes already."""
    notices = [n for item in inputs for n in item.notices]
    for item in inputs:
        for s in sorted({s for s, _, _ in item.triples if isinstance(s, URIRef)}):
            if s in base.subject_files:
                file, line, unit = locate(str(s))
                name, where = index.short(s), base.subject_files[s]
                notices.append(Notice(file or item.shown, line, two(
                    f"{name} is already described in {where}; these triples add to it",
                    f"{name} 已在 {where} 中描述，这些三元组将补充它"), unit))
    return notices


def _result_key(result: ValidationResult) -> tuple:
    return (result.severity, result.focus, result.path, result.value, result.shape,
            result.constraint, tuple(sorted(result.messages.items())))


