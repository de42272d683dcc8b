"""Put validated new files into data/ttl/ (``gdkg add``) without ever half-changing it,
and take an add back (``gdkg add --undo``).

Each file goes to ``data/ttl/added/<name>.ttl`` (or ``--to DIR`` under
data/ttl/). An existing destination is only replaced with ``replace=True``, and
its previous content is kept as ``data/ttl/.previous/<path>.<UTC time>`` (no
``.ttl`` suffix, so the build never loads it). The writes of one add (new files,
backups, the add history ``data/ttl/.previous/history.json``) are one
:class:`gdkg.journal.Transaction`: data/ttl/ ends up either unchanged or fully
updated, even when the process is killed half-way. Callers hold the project lock
(:func:`gdkg.locking.project_lock`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..language import fmt
from ..project import Project
from ..validation.check import Input

DEFAULT_DIR = "added"
PREVIOUS_DIR = ".previous"


class AddError(Exception):
    """The files cannot be added as asked (destination problems); nothing was changed.
    Its message is a :class:`gdkg.language.Text` (English ``str``, and Chinese)."""


@dataclass
class Placement:
    """Where one new file goes, and where the file it replaces is kept."""

    input: Input
    dest: Path
    replaces: bool
    backup: Path | None = None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def target_dir(project: Project, to: str | None) -> Path:
    """The directory under data/ttl/ named by ``--to`` (default data/ttl/added)."""
    data = project.data_dir
    if not to:
        return data / DEFAULT_DIR
    given = Path(to)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, project.root / given]
    for candidate in candidates:
        if _inside(candidate, data):
            resolved = candidate.resolve()
            if _inside(resolved, data / PREVIOUS_DIR):
                break
            if resolved.exists() and not resolved.is_dir():
                raise AddError(fmt("--to {to}: {path} is a file, not a directory",
                                   "--to {to}：{path} 是文件，不是目录",
                                   to=to, path=project.relative(resolved)))
            return resolved
    raise AddError(fmt("--to {to}: must be a directory under {data}/ (e.g. --to {data}/clusters), "
                       "not under {previous}/",
                       "--to {to}：须为 {data}/ 下的目录（例如 --to {data}/clusters），且不在 {previous}/ 下",
                       to=to, data=project.relative(data), previous=PREVIOUS_DIR))


def plan(project: Project, inputs: list[Input], to: str | None = None,
         replace: bool = False) -> list[Placement]:
    """Decide each file's destination; refuse anything that would lose or duplicate data."""
    folder = target_dir(project, to)
    placements: list[Placement] = []
    seen: dict[Path, str] = {}
    for item in inputs:
        if item.path is None:
            raise AddError(fmt("{shown}: gdkg add needs a named file (save it first), "
                               "so the file in data/ttl/ gets a name",
                               "{shown}：gdkg add 需要有名字的文件（请先保存），data/ttl/ 中的文件才有名字",
                               shown=item.shown))
        if _inside(item.path, project.data_dir):
            raise AddError(fmt("{shown}: already in {data}/, so already part of the graph; edit it "
                               "there and run `gdkg build` (check it first with `gdkg validate`)",
                               "{shown}：已在 {data}/ 中，已经是图的一部分；请在那里编辑，再运行 `gdkg build`"
                               "（可先用 `gdkg validate` 检查）",
                               shown=item.shown, data=project.relative(project.data_dir)))
        name = item.path.name if item.path.suffix == ".ttl" else item.path.stem + ".ttl"
        dest = folder / name
        if dest in seen:
            raise AddError(fmt("{a} and {b} would both become {dest}; rename one of them",
                               "{a} 和 {b} 都会成为 {dest}；请给其中一个改名",
                               a=item.shown, b=seen[dest], dest=project.relative(dest)))
        seen[dest] = item.shown
        exists = dest.exists()
        if exists and not dest.is_file():
            raise AddError(fmt("{dest} exists and is not a file", "{dest} 已存在且不是文件",
                               dest=project.relative(dest)))
        if exists and not replace:
            raise AddError(fmt("{dest} already exists; pass --replace to replace it "
                               "(its current version is then kept in {previous}/)",
                               "{dest} 已存在；要替换请加 --replace（其当前版本会保存在 {previous}/）",
                               dest=project.relative(dest),
                               previous=project.relative(project.data_dir / PREVIOUS_DIR)))
        placements.append(Placement(item, dest, exists))
    return placements


def replaced_files(placements: list[Placement]) -> list[Path]:
    """The files the new ones replace: left out of the graph the new ones are checked against."""
    return [p.dest for p in placements if p.replaces]


HISTORY = "history.json"


def history_path(project: Project) -> Path:
    """data/ttl/.previous/history.json: what each `gdkg add` wrote, newest last (for --undo)."""
    return project.data_dir / PREVIOUS_DIR / HISTORY


def read_history(project: Project) -> list[dict]:
    """The add history; an unreadable one counts as empty (nothing can be undone then)."""
    path = history_path(project)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)
            and isinstance(e.get("sha256"), str) and isinstance(e.get("backup"), str | None)]


def _history_bytes(entries: list[dict]) -> bytes:
    return (json.dumps(entries, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _data_relative(project: Project, path: Path) -> str:
    # the file itself may be a symlink: name it, do not follow it
    return (path.parent.resolve() / path.name).relative_to(project.data_dir.resolve()).as_posix()


def commit(project: Project, placements: list[Placement]) -> list[Placement]:
    """Write every placement, all or nothing, even when killed (see :mod:`gdkg.journal`).
    Returns them with their backup paths. Call it holding the project lock."""
    from ..journal import Transaction
    from ..project import read_graph_file

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    transaction = Transaction(project)
    history = read_history(project)
    for placement in placements:
        relative = _data_relative(project, placement.dest)
        if placement.replaces:
            backup = project.data_dir / PREVIOUS_DIR / f"{relative}.{stamp}"
            transaction.write(backup, read_graph_file(placement.dest, project))
            placement.backup = backup
        data = placement.input.text.encode("utf-8")
        transaction.write(placement.dest, data)
        history.append({"file": relative, "sha256": hashlib.sha256(data).hexdigest(), "time": stamp,
                        "backup": None if placement.backup is None
                        else _data_relative(project, placement.backup)})
    transaction.write(history_path(project), _history_bytes(history))
    transaction.commit()
    return placements


@dataclass
class Undone:
    """What ``gdkg add --undo`` did to one file."""

    dest: Path
    restored: Path | None  # the backup put back; None: the file was removed (add had created it)
    kept: Path  # where the version taken out is kept


def undo(project: Project, name: str, to: str | None = None) -> Undone:
    """Put back the state of one file before its last `gdkg add` (restore the version it
    replaced, or remove the file it created), all or nothing. Raises AddError when there is
    nothing to undo or the file changed since. Call it holding the project lock."""
    from ..journal import Transaction
    from ..project import read_graph_file

    dest = _undo_target(project, name, to)
    relative = _data_relative(project, dest)
    history = read_history(project)
    index = next((i for i in range(len(history) - 1, -1, -1) if history[i]["file"] == relative), None)
    shown = project.relative(dest)
    if index is None:
        raise AddError(fmt("nothing to undo for {shown}: no `gdkg add` of it is recorded in {history}",
                           "{shown} 没有可撤销的添加：{history} 中没有它的 `gdkg add` 记录",
                           shown=shown, history=project.relative(history_path(project))))
    entry = history[index]
    if not dest.is_file():
        raise AddError(fmt("cannot undo the add of {shown}: the file is no longer there",
                           "无法撤销对 {shown} 的添加：该文件已不在原处", shown=shown))
    current = read_graph_file(dest, project)
    if hashlib.sha256(current).hexdigest() != entry["sha256"]:
        raise AddError(fmt("{shown} changed since `gdkg add` wrote it; undo would lose those "
                           "changes, so nothing was done (edit it, or restore from {previous}/ by hand)",
                           "{shown} 在 `gdkg add` 写入后被改动过；撤销会丢失这些改动，因此未做任何操作"
                           "（请直接编辑它，或手动从 {previous}/ 恢复）",
                           shown=shown, previous=project.relative(project.data_dir / PREVIOUS_DIR)))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = project.data_dir / PREVIOUS_DIR / f"{relative}.{stamp}.undone"
    transaction = Transaction(project)
    transaction.write(kept, current)
    restored = None
    if entry["backup"] is not None:
        restored = project.data_dir / entry["backup"]
        if not _inside(restored, project.data_dir / PREVIOUS_DIR) or not restored.is_file():
            raise AddError(fmt("cannot undo the add of {shown}: its previous version {previous} is missing",
                               "无法撤销对 {shown} 的添加：它的原版本 {previous} 不见了",
                               shown=shown, previous=project.relative(restored)))
        transaction.write(dest, read_graph_file(restored, project))
    else:
        transaction.remove(dest)
    del history[index]
    transaction.write(history_path(project), _history_bytes(history))
    transaction.commit()
    return Undone(dest, restored, kept)


def _undo_target(project: Project, name: str, to: str | None) -> Path:
    """The file under data/ttl/ that ``name`` means: a path to it, or the name `gdkg add`
    was given (looked up in --to DIR, default data/ttl/added)."""
    given = Path(name)
    for candidate in (given, project.root / given):
        if candidate.exists() and _inside(candidate, project.data_dir):
            return candidate.resolve()
    filename = given.name if given.suffix == ".ttl" else given.stem + ".ttl"
    dest = target_dir(project, to) / filename
    if not dest.exists():
        raise AddError(fmt("nothing to undo for {name}: {dest} does not exist",
                           "{name} 没有可撤销的添加：{dest} 不存在", name=name, dest=project.relative(dest)))
    return dest
