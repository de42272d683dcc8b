"""The on-disk Oxigraph store under build/: the reasoned graph, ready to query.

``gdkg build`` bulk-loads the asserted and inferred N-Triples into a RocksDB
directory ``build/store-<input hash>/`` (built under a temporary name and renamed
into place), and lists every file of it, with size and SHA-256, in the manifest's
``files``; the manifest's ``store`` names the directory. Later commands open it
read-only in milliseconds instead of parsing N-Triples again. The cache checks
of :mod:`gdkg.manifest` cover it like the other build/ files: a truncated, edited
or missing store file makes the next command rebuild, never trust it. Opening
read-only writes nothing, so the recorded hashes stay valid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from .digest_memo import DigestMemo, file_status
from .load import pyoxigraph

STORE_PREFIX = "store-"


def store_name(input_hash: str) -> str:
    """A new store's directory name: the input hash, and a part unique to this build, so
    a rebuild of the same inputs never writes over the store the current manifest names."""
    return f"{STORE_PREFIX}{input_hash[:16]}-{os.urandom(4).hex()}"


def write_store(build_dir: Path, name: str, ntriples: list[bytes],
                memo: DigestMemo | None = None) -> dict[str, dict]:
    """Build the store ``name`` of these N-Triples documents; returns the manifest records
    of its files, keyed by their path under build/. Nothing when pyoxigraph is not installed.
    ``memo``: the files' digests are remembered there too (the store's files are not renamed
    again, so the next command need not read them to check them)."""
    if pyoxigraph is None:
        return {}
    from .manifest import file_record

    final = build_dir / name
    staging = build_dir / f".{name}.building"
    for stale in (staging, final):
        if stale.exists() or stale.is_symlink():
            _remove(stale)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        store = pyoxigraph.Store(str(staging))
        for document in ntriples:
            store.bulk_load(input=document, format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.flush()
        del store  # closes RocksDB; the files are complete from here on
        os.rename(staging, final)
    except OSError as exc:  # a full disk, say: the previous build stays as it was
        _remove(staging)
        from .language import Text, fmt, os_reason
        from .safe_io import OutputError

        raise OutputError(f"build/{name}", fmt("could not write the store: {reason}",
                                               "无法写入存储：{reason}",
                                               reason=os_reason(exc)),
                          hint=Text("free some disk space and run gdkg build again",
                                    "请腾出磁盘空间后再运行 gdkg build")) from None
    records = {}
    for path in sorted(final.iterdir()):
        if path.is_file():
            key, status = f"{name}/{path.name}", file_status(path)  # (status before reading)
            record = records[key] = file_record(path.read_bytes())
            if memo is not None:
                memo.digest(key, [status], lambda record=record: record["sha256"])
    return records


def remove_other_stores(build_dir: Path, keep: str | None) -> None:
    """Delete the stores of earlier builds (and any left half-built) once the manifest
    names the new one. A reader that still has an old one open keeps its open files."""
    if not build_dir.is_dir():
        return
    for path in build_dir.iterdir():
        if path.name == keep or not (path.name.startswith(STORE_PREFIX)
                                     or path.name.startswith(f".{STORE_PREFIX}")):
            continue
        _remove(path)


def remove_store(build_dir: Path, name: str) -> None:
    """Delete the store ``name`` (a build that failed after writing it)."""
    _remove(build_dir / name)


def open_store(build_dir: Path, manifest: dict):
    """The read-only store the manifest names, or None when there is none to open."""
    name = manifest.get("store")
    if pyoxigraph is None or not isinstance(name, str) or "/" in name or not name.startswith(STORE_PREFIX):
        return None
    path = build_dir / name
    if not path.is_dir() or path.is_symlink():
        return None
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError:
        return None


def store_files(manifest: dict) -> tuple[str, ...]:
    """The manifest's names of the store's files (for hash checks when opening it)."""
    name = manifest.get("store")
    if not isinstance(name, str):
        return ()
    return tuple(f for f in manifest.get("files", {}) if f.startswith(name + "/"))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
