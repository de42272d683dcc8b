"""Put validated new files into data/ttl/ (``gdkg add``) without ever half-changing it.

Each file goes to ``data/ttl/added/<name>.ttl`` (or ``--to DIR`` under
data/ttl/). An existing destination is only replaced with ``replace=True``, and
its previous content is first copied to ``data/ttl/.previous/<path>.<UTC time>``
(no ``.ttl`` suffix, so the build never loads it). All new contents are staged
as temporary files next to their destinations before the first rename, and a
failure part-way restores what was renamed already, so data/ttl/ ends up either
unchanged or fully updated.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..project import Project
from ..validation.check import Input

DEFAULT_DIR = "added"
PREVIOUS_DIR = ".previous"


class AddError(Exception):
    """The files cannot be added as asked (destination problems); nothing was changed."""


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
                raise AddError(f"--to {to}: {project.relative(resolved)} is a file, not a directory")
            return resolved
    raise AddError(f"--to {to}: must be a directory under {project.relative(data)}/ "
                   f"(e.g. --to {project.relative(data)}/clusters), not under {PREVIOUS_DIR}/")


def plan(project: Project, inputs: list[Input], to: str | None = None,
         replace: bool = False) -> list[Placement]:
    """Decide each file's destination; refuse anything that would lose or duplicate data."""
    folder = target_dir(project, to)
    placements: list[Placement] = []
    seen: dict[Path, str] = {}
    for item in inputs:
        if item.path is None:
            raise AddError(f"{item.shown}: gdkg add needs a named file (save it first), "
                           "so the file in data/ttl/ gets a name")
        if _inside(item.path, project.data_dir):
            raise AddError(f"{item.shown}: already in {project.relative(project.data_dir)}/, so "
                           "already part of the graph; edit it there and run `gdkg build` "
                           "(check it first with `gdkg validate`)")
        name = item.path.name if item.path.suffix == ".ttl" else item.path.stem + ".ttl"
        dest = folder / name
        if dest in seen:
            raise AddError(f"{item.shown} and {seen[dest]} would both become "
                           f"{project.relative(dest)}; rename one of them")
        seen[dest] = item.shown
        exists = dest.exists()
        if exists and not dest.is_file():
            raise AddError(f"{project.relative(dest)} exists and is not a file")
        if exists and not replace:
            raise AddError(f"{project.relative(dest)} already exists; pass --replace to replace it "
                           f"(its current version is then kept in "
                           f"{project.relative(project.data_dir / PREVIOUS_DIR)}/)")
        placements.append(Placement(item, dest, exists))
    return placements


def replaced_files(placements: list[Placement]) -> list[Path]:
    """The files the new ones replace: left out of the graph the new ones are checked against."""
    return [p.dest for p in placements if p.replaces]


def _stage(folder: Path, name: str, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def commit(project: Project, placements: list[Placement]) -> list[Placement]:
    """Write every placement, all or nothing. Returns them with their backup paths."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    created_dirs: list[Path] = []
    staged: list[tuple[Placement, Path]] = []
    done: list[Placement] = []
    backups: list[Path] = []

    def mkdirs(folder: Path) -> None:
        missing = []
        for parent in [folder, *folder.parents]:
            if parent.exists():
                break
            missing.append(parent)
        for parent in reversed(missing):
            parent.mkdir()
            created_dirs.append(parent)

    try:
        for placement in placements:
            mkdirs(placement.dest.parent)
            text = placement.input.text
            staged.append((placement, _stage(placement.dest.parent, placement.dest.name,
                                             text.encode("utf-8"))))
            if placement.replaces:
                relative = placement.dest.resolve().relative_to(project.data_dir.resolve())
                backup = project.data_dir / PREVIOUS_DIR / f"{relative}.{stamp}"
                mkdirs(backup.parent)
                tmp = _stage(backup.parent, backup.name, placement.dest.read_bytes())
                os.replace(tmp, backup)
                backups.append(backup)
                placement.backup = backup
        for placement, tmp in staged:
            os.replace(tmp, placement.dest)
            done.append(placement)
    except BaseException:
        for placement in reversed(done):  # undo the renames made so far
            if placement.backup is not None:
                tmp = _stage(placement.dest.parent, placement.dest.name,
                             placement.backup.read_bytes())
                os.replace(tmp, placement.dest)
            else:
                placement.dest.unlink(missing_ok=True)
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        for backup in backups:
            backup.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return placements
