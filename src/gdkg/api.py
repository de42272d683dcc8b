"""The public Python API: what a notebook calls, and what the CLI runs.

Every function takes ``project`` as a :class:`~gdkg.project.Project`, a project
directory (str or path), or None (found from the working directory, else the
bundled graph built into the per-user cache). The functions live here rather
than in modules of the same name, so ``gdkg.build`` stays a function however
often it is called (a submodule ``gdkg/build.py`` would replace it on import).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .language import Text, fmt, os_reason
from .project import Project

if TYPE_CHECKING:
    from .graph_diff import GraphDiff
    from .intake.staging import Placement
    from .layout_matrix import Matrix
    from .pipeline import BuildResult
    from .progress import Timer
    from .store import KnowledgeGraph
    from .validation.check import CheckReport

PathLike = str | os.PathLike[str]
Where = Project | PathLike | None


def build(project: Where = None, *, reasoner: str = "auto", force: bool = False,
          progress: bool = False, timer: Timer | None = None) -> BuildResult:
    """Load, reason (OWL RL), validate (SHACL) and write build/; returns a :class:`BuildResult`.

    Reuses build/ when its inputs are unchanged and it was made by the ``reasoner`` asked
    for (``"auto"`` accepts any); ``force=True`` rebuilds anyway. ``progress=True`` prints
    the steps on stderr."""
    from .pipeline import build as run_build
    from .progress import stderr_timer

    return run_build(Project.coerce(project), engine=reasoner, force=force,
                     timer=timer or stderr_timer(quiet=not progress))


def open_graph(project: Where = None) -> KnowledgeGraph:
    """The reasoned graph (asserted + inferred), ready for SPARQL with ``.query(...)``.

    Builds first when build/ is missing or stale."""
    from .store import KnowledgeGraph

    return KnowledgeGraph.open(Project.coerce(project))


def matrix(kind: str = "pillar", project: Where = None, *, kg: KnowledgeGraph | None = None) -> Matrix:
    """The cluster × city table of 附件 1 (``kind`` "pillar" or "emerging") from the graph.

    ``.render("md"|"csv"|"table", lang)`` draws it; ``.mismatches()`` lists totals that
    differ from the printed ones."""
    from .layout_matrix import matrix as layout

    return layout(kind, kg=kg, project=Project.coerce(project))


def stats(project: Where = None, *, kg: KnowledgeGraph | None = None) -> dict:
    """Coverage per cluster and the share of sourced subjects, as a JSON-ready dict."""
    from .coverage import stats as coverage

    return coverage(kg=kg, project=Project.coerce(project))


def _as_list(files: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(files, str | os.PathLike):
        return [os.fspath(files)]
    return [os.fspath(f) for f in files]


def validate(files: PathLike | Iterable[PathLike], project: Where = None, *,
             max_mb: float = 10) -> CheckReport:
    """Check new Turtle files against the graph and the shapes, as ``gdkg validate`` does.

    Returns a :class:`~gdkg.validation.check.CheckReport` (``.issues``, ``.counts()``,
    ``.failing("violation")``); a file that cannot be read or parsed raises
    :class:`~gdkg.load.LoadError`."""
    from .intake.staging import _inside
    from .validation.check import check, quiet_rdflib, read_input

    where = Project.coerce(project)
    with quiet_rdflib():
        inputs = [read_input(name, max_mb) for name in _as_list(files)]
        exclude = [i.path for i in inputs if i.path is not None and _inside(i.path, where.data_dir)]
        return check(where, inputs, exclude)


@dataclass
class AddResult:
    """What :func:`add` did: the validation report, where each file went, whether written."""

    report: CheckReport
    placements: list[Placement] = field(default_factory=list)
    added: bool = False

    @property
    def destinations(self) -> list[Path]:
        return [p.dest for p in self.placements]


def add(files: PathLike | Iterable[PathLike], project: Where = None, *, to: str | None = None,
        replace: bool = False, dry_run: bool = False, fail_on: str = "violation",
        max_mb: float = 10) -> AddResult:
    """Validate new Turtle files and, if they conform at ``fail_on``, put them into
    data/ttl/ (``data/ttl/added/`` or ``to``) all or nothing, as ``gdkg add`` does.

    ``result.added`` says whether anything was written. Destination problems raise
    :class:`~gdkg.intake.staging.AddError`, unusable files :class:`~gdkg.load.LoadError`;
    in both cases nothing is written. Run :func:`build` afterwards."""
    from .intake.staging import AddError, commit, plan, replaced_files
    from .validation.check import check, quiet_rdflib, read_input

    where = Project.coerce(project)
    refuse_bundled(where)
    with quiet_rdflib():
        inputs = [read_input(name, max_mb) for name in _as_list(files)]
        placements = plan(where, inputs, to, replace)
        report = check(where, inputs, replaced_files(placements))
    result = AddResult(report, placements)
    if report.failing(fail_on) or dry_run:
        return result
    try:
        commit(where, placements)
    except OSError as exc:
        raise AddError(fmt("could not write to {data}/: {reason}; nothing was changed",
                           "无法写入 {data}/：{reason}；没有任何改动", data=where.relative(where.data_dir),
                           reason=os_reason(exc))) from None
    result.added = True
    return result


def refuse_bundled(project: Project) -> None:
    """The bundled sources belong to the installed package: they are not to be changed."""
    if project.bundled:
        from .intake.staging import AddError

        raise AddError(Text("no gdkg project here, and the graph installed with the package is "
                            "read-only; create a project of your own with `gdkg init DIR` and run "
                            "there (or pass --root DIR)",
                            "这里没有 gdkg 项目，而随软件包安装的图是只读的；请用 `gdkg init DIR` "
                            "创建自己的项目并在其中运行（或用 --root DIR 指定）"))


def init(directory: PathLike) -> Project:
    """Create a project in ``directory`` (new or empty): a copy of the bundled ontology,
    data, shapes and queries plus an empty ``data/ttl/added/``. Raises
    :class:`~gdkg.project.InitError` (nothing written) when it cannot."""
    from .project import init_project

    return init_project(directory)


def release(project: Where = None, output: PathLike | None = None, *, issued: str | None = None,
            progress: bool = False) -> Path:
    """Write a versioned, byte-reproducible release bundle of the graph into ``output``
    (default ``./gdkg-<version>``; it must not exist) and return its path. See
    :mod:`gdkg.release_bundle` for the files."""
    from .release_bundle import write_release

    return write_release(Project.coerce(project), output, issued=issued, progress=progress)


def diff(old: PathLike, new: PathLike) -> GraphDiff:
    """Triples and entities added and removed between two releases (or a release and a
    build/ directory, or two projects' builds), per class and per source document."""
    from .graph_diff import diff_graphs

    return diff_graphs(old, new)
