"""SHA-256 digests remembered by file status, so an unchanged file is not read again.

Every command checks build/ against its manifest, and at a million triples reading the
~500 MB of build/ and data/ to hash them took ~0.3 s before each first answer. As git's
index does, a digest is kept with the file's status (size, modification and change times
in nanoseconds, inode, device) and reused while the status is the same. Any write to a file
changes its change time (ctime), which no user tool can set back, so an edited or truncated
file is always read and hashed again. A digest is not remembered when the file changed within
the last :data:`RACY_SECONDS` (a file system with coarse times could otherwise miss a second
write within the same tick: git's "racily clean" entries).

`gdkg build` keeps the digests it computes itself (of the inputs, and of the store's files,
which are not renamed after hashing) in the same memo, so the first command after a build does
not read them again.

The memo is a cache: missing, unreadable or malformed it is ignored, and failing to write it
changes nothing but the speed of the next command.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

MEMO = ".digests.json"
RACY_SECONDS = 2.0
_MAX_MEMO_BYTES = 16 * 1024 * 1024


def file_status(path: Path) -> list[int]:
    """What changes whenever the file's content can have changed."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class DigestMemo:
    """Digests of files by status, kept in ``folder``/.digests.json between commands."""

    def __init__(self, folder: Path):
        self.path = folder / MEMO
        self._entries: dict[str, dict] = self._read()
        self._changed = False

    def _read(self) -> dict[str, dict]:
        try:
            if not self.path.is_file() or self.path.is_symlink() \
                    or self.path.stat().st_size > _MAX_MEMO_BYTES:
                return {}
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def digest(self, key: str, statuses: list[list], compute: Callable[[], str]) -> str:
        """The remembered digest of ``key`` when its files' ``statuses`` are the same as when
        it was remembered; else ``compute()``'s, remembered unless a file changed just now."""
        entry = self._entries.get(key)
        if isinstance(entry, dict) and entry.get("status") == statuses \
                and isinstance(entry.get("sha256"), str):
            return entry["sha256"]
        value = compute()
        # each status ends with file_status(): [..., size, mtime, ctime, inode, device]
        newest = max((max(status[-4], status[-3]) for status in statuses), default=0)
        if time.time_ns() - newest > RACY_SECONDS * 1e9:
            self._entries[key] = {"status": statuses, "sha256": value}
            self._changed = True
        return value

    def sha256(self, path: Path, key: str) -> str:
        """SHA-256 of one file (read again whenever its status differs)."""
        return self.digest(key, [file_status(path)], lambda: sha256_file(path))

    def save(self, keep: Iterable[str] | None = None) -> None:
        """Write the memo (atomically; silently not where build/ is not writable). ``keep``:
        the keys still wanted (the others are dropped)."""
        if keep is not None:
            wanted = set(keep)
            dropped = [key for key in self._entries if key not in wanted]
            for key in dropped:
                del self._entries[key]
            self._changed |= bool(dropped)
        if not self._changed:
            return
        from .safe_io import OutputError, write_atomic_safe

        with contextlib.suppress(OSError, OutputError):
            write_atomic_safe(self.path, json.dumps(self._entries, sort_keys=True))
        self._changed = False
