"""build/manifest.json: what a build produced and from which inputs (the cache key)."""

from __future__ import annotations

import json

from .project import Project

MANIFEST = "manifest.json"
ARTEFACTS = ("asserted.ttl", "asserted.nt", "inferred.ttl", "inferred.nt", "validation.txt",
             "validation.json")


def read_manifest(project: Project) -> dict | None:
    path = project.build_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fresh(project: Project, input_hash: str | None = None) -> bool:
    """True when build/ holds the outputs of the current inputs."""
    manifest = read_manifest(project)
    if manifest is None:
        return False
    if not all((project.build_dir / name).is_file() for name in ARTEFACTS):
        return False
    return manifest.get("input_hash") == (input_hash or project.input_hash())
