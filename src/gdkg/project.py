"""Where a gdkg project's files are, and a content hash over them."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .language import BilingualError, fmt, os_reason

if TYPE_CHECKING:
    from .digest_memo import DigestMemo

ONTOLOGY_DIR = "ontology"
DATA_DIR = "data/ttl"
SHAPES_DIR = "shapes"
QUERIES_DIR = "queries"
BUILD_DIR = "build"


#: the source folders a project is made of (and the wheel carries)
SOURCE_DIRS = (ONTOLOGY_DIR, "data", SHAPES_DIR, QUERIES_DIR)
#: the package folder the wheel's copy of the sources is installed in (see setup.py)
BUNDLE_DIR = "_bundle"


class ProjectNotFound(BilingualError):
    """Raised when no gdkg project directory can be found."""


class InitError(BilingualError):
    """``gdkg init`` cannot create a project there; nothing was written."""


@dataclass(frozen=True)
class Project:
    """A gdkg project: ontology, data, shapes and queries under one root.

    ``build_root`` puts build/ elsewhere (``--build-dir``, ``$GDKG_BUILD_DIR``, or the
    per-user cache for the bundled graph). ``bundled`` marks the sources installed
    with the package: read-only, so ``gdkg add`` refuses them."""

    root: Path
    build_root: Path | None = None
    bundled: bool = False

    @classmethod
    def find(cls, root: str | os.PathLike[str] | None = None,
             build_dir: str | os.PathLike[str] | None = None) -> Project:
        """Locate the project: ``root`` if given, else ``$GDKG_ROOT``, else the
        nearest directory at or above the current one that holds ``ontology/gdkg.ttl``,
        else the graph bundled with the package (built into the per-user cache).
        ``build_dir`` (or ``$GDKG_BUILD_DIR``) names where build/ goes."""
        if build_dir is None:
            build_dir = os.environ.get("GDKG_BUILD_DIR") or None
        build_root = Path(build_dir).expanduser().resolve() if build_dir is not None else None
        if root is None:
            root = os.environ.get("GDKG_ROOT") or None
        if root is not None:
            path = Path(root).expanduser().resolve()
            if not (path / ONTOLOGY_DIR / "gdkg.ttl").is_file():
                raise ProjectNotFound(
                    f"{path}: not a gdkg project (expected {ONTOLOGY_DIR}/gdkg.ttl there); "
                    "create one with `gdkg init DIR`",
                    f"{path}：不是 gdkg 项目（应有 {ONTOLOGY_DIR}/gdkg.ttl）；可用 `gdkg init DIR` 创建")
            return cls(path, build_root)
        here = Path.cwd().resolve()
        for candidate in (here, *here.parents):
            if (candidate / ONTOLOGY_DIR / "gdkg.ttl").is_file():
                return cls(candidate, build_root)
        return cls.bundled_project(build_root)

    @classmethod
    def bundled_project(cls, build_root: Path | None = None) -> Project:
        """The sources installed with the package, built into ``build_root`` or the cache."""
        source = bundled_sources()
        if source is None:
            raise ProjectNotFound(
                f"no gdkg project at or above {Path.cwd()} (looked for {ONTOLOGY_DIR}/gdkg.ttl), "
                "and this installation carries no bundled graph; pass --root DIR",
                f"{Path.cwd()} 及其上级目录中没有 gdkg 项目，且本安装未附带图数据；请用 --root DIR 指定")
        return cls(source, build_root or cache_dir(), bundled=True)

    @classmethod
    def coerce(cls, where: Project | str | os.PathLike[str] | None = None) -> Project:
        """A Project from a Project, a project directory, or None (found as by :meth:`find`)."""
        if isinstance(where, Project):
            return where
        return cls.find(where)

    @property
    def build_dir(self) -> Path:
        return self.build_root if self.build_root is not None else self.root / BUILD_DIR

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    @property
    def queries_dir(self) -> Path:
        return self.root / QUERIES_DIR

    def ontology_files(self) -> list[Path]:
        return sorted((self.root / ONTOLOGY_DIR).glob("*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.rglob("*.ttl"))

    def shape_files(self) -> list[Path]:
        return sorted((self.root / SHAPES_DIR).glob("*.ttl"))

    def graph_files(self) -> list[Path]:
        """Ontology and data files: everything that goes into the knowledge graph."""
        return self.ontology_files() + self.data_files()

    def input_hash(self, memo: DigestMemo | None = None) -> str:
        """SHA-256 over names and contents of ontology, data and shape files.

        Later commands compare it with the hash stored at build time to know
        whether the cached reasoned graph still describes the sources. With a
        ``memo`` the files are read only when one of them changed since it was
        remembered (see :mod:`gdkg.digest_memo`)."""
        from . import __version__

        files = self.graph_files() + self.shape_files()

        def compute() -> str:
            digest = hashlib.sha256(__version__.encode())
            for path in files:
                digest.update(str(path.relative_to(self.root)).encode())
                digest.update(b"\0")
                digest.update(read_graph_file(path, self))
                digest.update(b"\0")
            return digest.hexdigest()

        if memo is None:
            return compute()
        from .digest_memo import file_status

        try:
            statuses = [[__version__, str(path.relative_to(self.root)), *file_status(path)] for path in files]
        except OSError:
            return compute()  # a file that cannot be read: compute() says which, located
        return memo.digest("input", statuses, compute)

    def relative(self, path: Path) -> str:
        """Path relative to the project root when inside it, for messages."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def read_graph_file(path: Path, project: Project) -> bytes:
    """A graph or shape file's bytes, read bounded (a symlink to /dev/zero is an error)."""
    from .load import MAX_GRAPH_FILE_BYTES
    from .safe_io import read_bounded

    shown = str(Path(project.relative(path.parent)) / path.name)  # a symlink is named, not followed
    return read_bounded(path, MAX_GRAPH_FILE_BYTES, shown=shown, what="Turtle file",
                        hint="split it into smaller files")
def bundled_sources() -> Path | None:
    """Where the package's own ontology/, data/, shapes/ and queries/ are: the copy in
    the installed wheel, or the checkout an editable install runs from."""
    package = Path(__file__).resolve().parent
    for candidate in (package / BUNDLE_DIR, package.parents[1]):
        if (candidate / ONTOLOGY_DIR / "gdkg.ttl").is_file():
            return candidate
    return None


def cache_dir() -> Path:
    """The per-user build directory of the bundled graph: ``$XDG_CACHE_HOME/gdkg/<version>/build``
    (``~/.cache`` when XDG_CACHE_HOME is unset)."""
    from . import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base).resolve() / "gdkg" / __version__ / BUILD_DIR


def _skip_in_copy(folder: str, names: list[str]) -> set[str]:
    """Leave out of a copy what is not source: replaced versions, staging files, caches."""
    return {n for n in names if n in (".previous", "__pycache__") or n.endswith(".tmp")}


def init_project(target: str | os.PathLike[str], source: Project | None = None) -> Project:
    """Create a new project in ``target`` (missing or an empty directory): a copy of the
    bundled sources (or of ``source``) plus an empty ``data/ttl/added/``.

    The copy is made in a temporary directory beside ``target`` and renamed into place,
    so ``target`` is either untouched or complete. Raises :class:`InitError`."""
    path = Path(target).expanduser()
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise InitError(f"{target}: exists and is not a directory", f"{target}：已存在且不是目录")
    if path.is_dir() and any(path.iterdir()):
        raise InitError(f"{target}: directory is not empty; give a new or empty directory",
                        f"{target}：目录非空；请给出新的或空的目录")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise InitError(f"{target}: parent directory {parent} does not exist",
                        f"{target}：上级目录 {parent} 不存在")
    origin = source.root if source is not None else bundled_sources()
    if origin is None:
        raise InitError("this installation carries no bundled graph to copy", "本安装未附带可复制的图数据")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".init", dir=parent))
    except OSError as exc:
        raise InitError(fmt("{target}: cannot write in {parent}: {reason}",
                            "{target}：无法在 {parent} 中写入：{reason}",
                            target=target, parent=parent, reason=os_reason(exc))) from None
    try:
        for name in SOURCE_DIRS:
            if (origin / name).is_dir():
                shutil.copytree(origin / name, staging / name, ignore=_skip_in_copy)
        (staging / DATA_DIR / "added").mkdir(parents=True, exist_ok=True)
        (staging / ".gitignore").write_text("/build/\ndata/ttl/.previous/\n", encoding="utf-8")
        if path.is_dir():
            _move_into(staging, path)  # keep the directory itself: it may be the user's cwd
        else:
            os.chmod(staging, 0o777 & ~_umask())
            os.rename(staging, path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InitError(fmt("{target}: could not create the project: {reason}",
                            "{target}：无法创建项目：{reason}",
                            target=target, reason=os_reason(exc))) from None
    return Project(path.resolve())


def _move_into(staging: Path, folder: Path) -> None:
    """Rename each entry of ``staging`` into the empty ``folder``; on failure take back
    the ones moved, so ``folder`` stays empty."""
    moved: list[Path] = []
    try:
        for entry in sorted(staging.iterdir()):
            os.rename(entry, folder / entry.name)
            moved.append(folder / entry.name)
    except OSError:
        for entry in moved:
            os.rename(entry, staging / entry.name)
        raise
    staging.rmdir()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
