"""All-or-nothing changes to several files (``gdkg add`` and ``add --undo``), kill-safe.

A :class:`Transaction` is a list of renames. It is carried out as:

1. the journal ``.gdkg.journal`` (project root) is written with state ``preparing``,
   naming every temporary file and directory about to be created;
2. the new contents are staged as temporary files next to their targets (on disk);
3. the journal is rewritten with state ``committing``;
4. the renames are made, in order; then the journal is removed.

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
    """Renames to make all together: new contents (staged first) and existing files moved."""

    project: Project
    #: (staged temporary file, target, its data) or (file to remove, None, None). A path is
    #: never the source of one step and the target of another, so each step can be redone.
    moves: list[tuple[Path, Path | None, bytes | None]] = field(default_factory=list)

    def write(self, target: Path, data: bytes) -> None:
        """Put ``data`` at ``target`` (replacing what is there)."""
        tmp = target.parent / f".{target.name}.{os.urandom(4).hex()}.tmp"
        self.moves.append((tmp, target, data))

    def remove(self, path: Path) -> None:
        """Remove the file at ``path``."""
        self.moves.append((path, None, None))

    def _record(self, state: str, dirs: list[Path]) -> None:
        root = self.project.root
        record = {
            "state": state,
            "moves": [{"from": os.path.relpath(src, root),
                       "to": None if dst is None else os.path.relpath(dst, root),
                       "staged": data is not None} for src, dst, data in self.moves],
            "dirs": [os.path.relpath(d, root) for d in dirs],
        }
        write_atomic_safe(journal_path(self.project), json.dumps(record, indent=1) + "\n")
        _checkpoint()

    def commit(self) -> None:
        """Carry out every move, all or nothing (see the module docstring)."""
        dirs: list[Path] = []
        for _, target, _ in self.moves:
            if target is None:
                continue
            for parent in reversed([target.parent, *target.parent.parents]):
                if not parent.exists() and parent not in dirs:
                    dirs.append(parent)
        self._record("preparing", dirs)
        try:
            for folder in dirs:
                folder.mkdir()
                _checkpoint()
            for src, dst, data in self.moves:
                if data is not None:
                    shown = str(Path(self.project.relative(dst.parent)) / dst.name)
                    stage(dst, data, shown, name=src.name)
                    _checkpoint()
        except BaseException:
            rollback(self.project)
            raise
        self._record("committing", dirs)
        finish(self.project)


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
            move["to"] = None if move["to"] is None else str(move["to"])
        record["dirs"] = [str(d) for d in record["dirs"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(project.relative(path), f"the journal of an interrupted change is "
                                                  f"unreadable ({exc})",
                          hint="compare data/ttl/ with data/ttl/.previous/, then delete it") from None
    return record


def _inside_root(project: Project, relative: str) -> Path:
    path = (project.root / relative)
    if not path.resolve().is_relative_to(project.root.resolve()):
        raise OutputError(JOURNAL, f"names a path outside the project: {relative}")
    return path


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
    journal_path(project).unlink()
    _fsync_dir(project.root)
    _checkpoint()


def rollback(project: Project) -> None:
    """Undo a ``preparing`` journal: remove its temporary files and new directories."""
    record = _load(project)
    if record is None:
        return
    for move in record["moves"]:
        if move["staged"]:
            _inside_root(project, move["from"]).unlink(missing_ok=True)
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
            done = "completed an interrupted change to data/ttl/ (it had been fully prepared)"
        else:
            rollback(project)
            done = "rolled back an interrupted change to data/ttl/ (it had not started)"
    removed = sweep_temporaries(project.data_dir)
    with contextlib.suppress(OSError):
        for tmp in project.root.glob(f".{JOURNAL}.*.tmp"):
            tmp.unlink()
            removed.append(tmp)
    if removed and done is None:
        done = f"removed {len(removed)} temporary file(s) left by an interrupted gdkg"
    if done and not quiet:
        print(f"gdkg: note: {done}", file=sys.stderr)
    return done


def pending(project: Project) -> bool:
    """True when a journal is waiting for :func:`recover` (cheap: one stat)."""
    return os.path.lexists(journal_path(project))
