"""All-or-nothing changes to several files (``gdkg add`` and ``add --undo``), kill-safe.

A :class:`Transaction` is a list of renames. It is carried out as:

1. the journal ``.gdkg.journal`` (project root) is written with state ``preparing``,
   naming every temporary file and directory about to be created;
2. the new contents are staged as temporary files next to their targets (on disk);
3. the journal is rewritten with state ``committing``;
4. the renames are made, in order; then the journal is removed.

Each file that is replaced or removed is hard-linked to a temporary name first, so a
failure (not a kill) during the renames puts everything back (:func:`restore`).

Every step is a single rename or an fsynced write, so a kill at any point leaves a
journal that :func:`recover` (run, under the project lock, by the next command that
writes or reads data/ttl/) either rolls back (``preparing``: temporary files and new
directories removed, the old state) or completes (``committing``: the remaining
renames are made, the new state). Either way no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .language import Text, count, fmt, note
from .project import Project
from .safe_io import OutputError, _fsync_dir, stage, sweep_temporaries, write_atomic_safe

JOURNAL = ".gdkg.journal"


def journal_path(project: Project) -> Path:
    return project.root / JOURNAL


_steps = 0


def _checkpoint() -> None:
    """For the kill tests: ``GDKG_TEST_KILL_AT=k`` SIGKILLs the process at the k-th step."""
    global _steps
    _steps += 1
    wanted = os.environ.get("GDKG_TEST_KILL_AT")
    if wanted and int(wanted) == _steps:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Transaction:
    """Renames to make all together: new contents (staged first) and removals."""

    project: Project
    #: (staged temporary file, target, its data) or (file to remove, None, None). A path is
    #: never the source of one step and the target of another, so each step can be redone.
    moves: list[tuple[Path, Path | None, bytes | None]] = field(default_factory=list)

    def write(self, target: Path, data: bytes) -> None:
        """Put ``data`` at ``target`` (replacing what is there)."""
        self.moves.append((_temporary(target), target, data))

    def remove(self, path: Path) -> None:
        """Remove the file at ``path``."""
        self.moves.append((path, None, None))

    def commit(self) -> None:
        """Carry out every move, all or nothing (see the module docstring)."""
        root = self.project.root
        dirs: list[Path] = []
        for _, target, _ in self.moves:
            if target is None:
                continue
            for parent in reversed([target.parent, *target.parent.parents]):
                if not parent.exists() and parent not in dirs:
                    dirs.append(parent)
        # each file replaced or removed is first hard-linked to a temporary name ("keep"),
        # so the change can also be taken back when it fails half-way without a kill
        moves = []
        for src, dst, data in self.moves:
            existing = dst if dst is not None else src
            keep = _temporary(existing) if os.path.lexists(existing) else None
            moves.append({"from": os.path.relpath(src, root),
                          "to": None if dst is None else os.path.relpath(dst, root),
                          "staged": data is not None,
                          "keep": None if keep is None else os.path.relpath(keep, root)})
        record = {"state": "preparing", "moves": moves, "dirs": [os.path.relpath(d, root) for d in dirs]}
        _write_record(self.project, record)
        try:
            for folder in dirs:
                folder.mkdir()
                _checkpoint()
            for (src, dst, data), move in zip(self.moves, moves, strict=True):
                existing = dst if dst is not None else src
                if move["keep"] is not None:
                    _keep(existing, root / move["keep"])
                    _checkpoint()
                if data is not None:
                    shown = str(Path(self.project.relative(dst.parent)) / dst.name)
                    stage(dst, data, shown, name=src.name)
                    _checkpoint()
        except BaseException:
            rollback(self.project)
            raise
        record["state"] = "committing"
        _write_record(self.project, record)
        try:
            finish(self.project)
        except Exception:
            restore(self.project)  # not killed: put every file back as it was
            raise


def _temporary(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.urandom(4).hex()}.tmp"


def _keep(existing: Path, keep: Path) -> None:
    try:
        os.link(existing, keep, follow_symlinks=False)
    except OSError:  # a file system without hard links: a copy does as well
        stage(existing, existing.read_bytes(), name=keep.name)


def _write_record(project: Project, record: dict) -> None:
    write_atomic_safe(journal_path(project), json.dumps(record, indent=1) + "\n")
    _checkpoint()


def _load(project: Project) -> dict | None:
    path = journal_path(project)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["state"] not in ("preparing", "committing"):
            raise ValueError(record["state"])
        for move in record["moves"]:
            move["from"], move["staged"] = str(move["from"]), bool(move["staged"])
            for key in ("to", "keep"):
                move[key] = None if move.get(key) is None else str(move[key])
        record["dirs"] = [str(d) for d in record["dirs"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(project.relative(path),
                          fmt("the journal of an interrupted change is unreadable ({problem})",
                              "一次中断的改动留下的日志无法读取（{problem}）", problem=exc),
                          hint=Text("compare data/ttl/ with data/ttl/.previous/, then delete it",
                                    "请对比 data/ttl/ 与 data/ttl/.previous/，然后删除该日志")) from None
    return record


def _inside_root(project: Project, relative: str) -> Path:
    path = project.root / relative
    if not (path.parent.resolve() / path.name).is_relative_to(project.root.resolve()):
        raise OutputError(JOURNAL, fmt("names a path outside the project: {path}",
                                       "记录了项目之外的路径：{path}", path=relative))
    return path


def _drop_journal(project: Project, record: dict) -> None:
    for move in record["moves"]:
        if move["keep"] is not None:
            _inside_root(project, move["keep"]).unlink(missing_ok=True)
    journal_path(project).unlink()
    _fsync_dir(project.root)
    _checkpoint()


def finish(project: Project) -> None:
    """Make the remaining renames of a ``committing`` journal, then drop it."""
    record = _load(project)
    if record is None:
        return
    folders = set()
    for move in record["moves"]:
        src = _inside_root(project, move["from"])
        if not os.path.lexists(src):
            continue  # done before the interruption
        if move["to"] is None:
            src.unlink()
            folders.add(src.parent)
        else:
            dst = _inside_root(project, move["to"])
            os.replace(src, dst)
            folders.add(dst.parent)
        _checkpoint()
    for folder in folders:
        _fsync_dir(folder)
    _drop_journal(project, record)


def restore(project: Project) -> None:
    """Take back a ``committing`` journal whose renames failed part-way (an error, not a
    kill): every replaced or removed file gets its kept version back, new files go."""
    record = _load(project)
    if record is None:
        return
    for move in reversed(record["moves"]):
        src = _inside_root(project, move["from"])
        target = src if move["to"] is None else _inside_root(project, move["to"])
        keep = None if move["keep"] is None else _inside_root(project, move["keep"])
        if keep is not None and os.path.lexists(keep):
            os.replace(keep, target)
        elif move["staged"] and not os.path.lexists(src):
            target.unlink(missing_ok=True)  # a new file that was renamed in
        if move["staged"]:
            src.unlink(missing_ok=True)
    for folder in reversed(record["dirs"]):
        with contextlib.suppress(OSError):
            _inside_root(project, folder).rmdir()
    _drop_journal(project, record)


def rollback(project: Project) -> None:
    """Undo a ``preparing`` journal: remove its temporary files and new directories."""
    record = _load(project)
    if record is None:
        return
    for move in record["moves"]:
        if move["staged"]:
            _inside_root(project, move["from"]).unlink(missing_ok=True)
    for move in record["moves"]:
        if move["keep"] is not None:
            _inside_root(project, move["keep"]).unlink(missing_ok=True)
    for folder in reversed(record["dirs"]):
        with contextlib.suppress(OSError):
            _inside_root(project, folder).rmdir()
    journal_path(project).unlink()
    _fsync_dir(project.root)


def recover(project: Project, quiet: bool = False) -> str | None:
    """Complete or roll back a change interrupted by a kill; call it holding the project
    lock. Returns what was done (None when there was nothing to do)."""
    record = _load(project)
    done = None
    if record is not None:
        if record["state"] == "committing":
            finish(project)
            done = Text("completed an interrupted change to data/ttl/ (it had been fully prepared)",
                        "已完成一次被中断的 data/ttl/ 改动（它已完全准备好）")
        else:
            rollback(project)
            done = Text("rolled back an interrupted change to data/ttl/ (it had not started)",
                        "已回滚一次被中断的 data/ttl/ 改动（它尚未开始）")
    removed = sweep_temporaries(project.data_dir)
    with contextlib.suppress(OSError):
        for tmp in project.root.glob(f".{JOURNAL}.*.tmp"):
            tmp.unlink()
            removed.append(tmp)
    if removed and done is None:
        done = fmt("removed {files} left by an interrupted gdkg", "已删除被中断的 gdkg 留下的 {files_zh}",
                   files=count(len(removed), "temporary file"),
                   files_zh=count(len(removed), "temporary file", "zh"))
    if done and not quiet:
        print(note(done), file=sys.stderr)
    return done


def pending(project: Project) -> bool:
    """True when a journal (or a half-written one) is waiting for :func:`recover`; cheap.
    (Temporary files under data/ttl/ are only made while a journal exists.)"""
    if os.path.lexists(journal_path(project)):
        return True
    return any(project.root.glob(f".{JOURNAL}.*.tmp"))
