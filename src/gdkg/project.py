"""Where a gdkg project's files are, and a content hash over them."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

ONTOLOGY_DIR = "ontology"
DATA_DIR = "data/ttl"
SHAPES_DIR = "shapes"
QUERIES_DIR = "queries"
BUILD_DIR = "build"


class ProjectNotFound(Exception):
    """Raised when no gdkg project directory can be found."""


@dataclass(frozen=True)
class Project:
    """A gdkg checkout: ontology, data, shapes and queries under one root."""

    root: Path

    @classmethod
    def find(cls, root: str | os.PathLike[str] | None = None) -> Project:
        """Locate the project: ``root`` if given, else ``$GDKG_ROOT``, else the
        nearest directory at or above the current one that holds ``ontology/gdkg.ttl``."""
        if root is None:
            root = os.environ.get("GDKG_ROOT")
        if root is not None:
            path = Path(root).resolve()
            if not (path / ONTOLOGY_DIR / "gdkg.ttl").is_file():
                raise ProjectNotFound(
                    f"{path}: not a gdkg project (expected {ONTOLOGY_DIR}/gdkg.ttl there)"
                )
            return cls(path)
        here = Path.cwd().resolve()
        for candidate in (here, *here.parents):
            if (candidate / ONTOLOGY_DIR / "gdkg.ttl").is_file():
                return cls(candidate)
        raise ProjectNotFound(
            f"no gdkg project at or above {here} (looked for {ONTOLOGY_DIR}/gdkg.ttl); "
            "run inside a gdkg checkout or pass --root DIR"
        )

    @property
    def build_dir(self) -> Path:
        return self.root / BUILD_DIR

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

    def input_hash(self) -> str:
        """SHA-256 over names and contents of ontology, data and shape files.

        Later commands compare it with the hash stored at build time to know
        whether the cached reasoned graph still describes the sources."""
        from . import __version__

        digest = hashlib.sha256(__version__.encode())
        for path in self.graph_files() + self.shape_files():
            digest.update(str(path.relative_to(self.root)).encode())
            digest.update(b"\0")
            digest.update(read_graph_file(path, self))
            digest.update(b"\0")
        return digest.hexdigest()

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
