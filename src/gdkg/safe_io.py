"""Bounded reading of inputs and safe writing of outputs, for every file gdkg touches.

Reading (:func:`read_bounded`): only regular files, or standard input; never more
than the limit, whatever ``st_size`` claims (a symlink to /dev/zero, a growing file);
a pipe without data ends after a short timeout instead of blocking silently.

Writing (:func:`write_atomic_safe`, :func:`write_all_atomic`): through a temporary
file next to the target and a rename, only where the target is a regular file or
absent (a symlink, device or directory is refused, never followed or replaced);
permissions follow the umask; a full disk or a permission error becomes an
:class:`OutputError` (exit status 2) with the previous file intact.

Also :func:`spreadsheet_cell`, the OWASP rule against formula injection for every
CSV cell gdkg writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from .language import Text, fmt, os_reason
from .language import text as in_lang
from .load import LoadError

#: how long stdin (when not a terminal) may stay silent before gdkg gives up, in seconds
STDIN_TIMEOUT = float(os.environ.get("GDKG_STDIN_TIMEOUT", "5"))
_CHUNK = 1 << 20


class OutputError(Exception):
    """An output gdkg cannot (or must not) write; what was there before is unchanged."""

    def __init__(self, shown: str, message: str, hint: str | None = None):
        super().__init__(f"{shown}: {message}")
        self.shown, self.message, self.hint = shown, message, hint  # Texts where bilingual

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """'SHOWN: message' (and an indented hint line) in ``lang``."""
        from .language import hint_label

        shown = f"{self.shown}: {in_lang(self.message, lang)}"
        return shown + (f"\n{hint_label(lang)}{in_lang(self.hint, lang)}" if self.hint else "")


# ---------------------------------------------------------------- reading


_DIRECTORY = Text("a directory", "目录")


def _kind(mode: int) -> Text | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return _DIRECTORY
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Text("a device", "设备文件")
    if stat.S_ISFIFO(mode):
        return Text("a named pipe (FIFO)", "命名管道（FIFO）")
    if stat.S_ISSOCK(mode):
        return Text("a socket", "套接字")
    return Text("not a regular file", "非普通文件")


_RAISE_LIMIT = Text("raise the limit with --max-size MB", "可用 --max-size MB 提高上限")


def _too_large(shown: str, max_bytes: int, what: str, hint: str | None,
               limit_for: str = "") -> LoadError:
    return LoadError(shown, fmt("{what} is over the {mb:g} MB limit{limit_for}",
                                "{what}超过 {mb:g} MB 的上限{limit_for}", what=what,
                                mb=max_bytes / 1024 / 1024, limit_for=limit_for),
                     hint=hint or _RAISE_LIMIT)


def _cannot_read(shown: str, exc: BaseException) -> LoadError:
    return LoadError(shown, fmt("cannot read: {reason}", "无法读取：{reason}", reason=os_reason(exc)))


def read_bounded(source: str | os.PathLike[str], max_bytes: int, timeout: float | None = None,
                 *, shown: str | None = None, what: str = Text("file", "文件"), hint: str | None = None,
                 limit_for: str = "") -> bytes:
    """The bytes of ``source`` ('-' is standard input), at most ``max_bytes`` of them.

    Refuses directories, devices, FIFOs and sockets (except as standard input) with
    a :class:`LoadError`; reads at most ``max_bytes + 1`` bytes whatever the file
    claims its size is; standard input that is not a terminal and gives no data for
    ``timeout`` seconds is an error, not a silent wait."""
    if str(source) == "-":
        return _read_stdin(max_bytes, STDIN_TIMEOUT if timeout is None else timeout,
                           shown or "<stdin>", what, hint, limit_for)
    shown = shown or str(source)
    path = Path(source)
    try:
        info = path.stat()  # follows symlinks: a link to a regular file is fine
    except FileNotFoundError:
        if path.is_symlink():
            raise LoadError(shown, fmt("is a broken symbolic link (to {target})",
                                       "是失效的符号链接（指向 {target}）",
                                       target=os.readlink(path))) from None
        raise LoadError(shown, Text("no such file", "文件不存在")) from None
    except OSError as exc:
        raise _cannot_read(shown, exc) from None
    kind = _kind(info.st_mode)
    if kind == _DIRECTORY:
        raise LoadError(shown, fmt("is a directory, not a {what}", "是目录，不是{what}", what=what))
    if kind:
        raise LoadError(shown, fmt("is {kind}, not a regular file; gdkg reads only regular files "
                                   "(or standard input)",
                                   "是{kind}，不是普通文件；gdkg 只读取普通文件（或标准输入）", kind=kind),
                        hint=fmt("copy it to a file first, or pipe it: {command}",
                                 "请先复制成普通文件，或用管道输入：{command}",
                                 command=f"gdkg … - < {shown}"))
    if info.st_size > max_bytes:
        raise LoadError(shown, fmt("{what} is {size:.1f} MB, over the {mb:g} MB limit{limit_for}",
                                   "{what}大小 {size:.1f} MB，超过 {mb:g} MB 的上限{limit_for}",
                                   what=what, size=info.st_size / 1024 / 1024,
                                   mb=max_bytes / 1024 / 1024, limit_for=limit_for),
                        hint=hint or _RAISE_LIMIT)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat(), open() must not hang
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _cannot_read(shown, exc) from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind:
            raise LoadError(shown, fmt("is {kind}, not a regular file", "是{kind}，不是普通文件",
                                       kind=kind))
        os.set_blocking(fd, True)
        data = _read_fd(fd, max_bytes, shown, first=info.st_size + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # the file grew, or st_size lied
        raise _too_large(shown, max_bytes, what, hint, limit_for)
    return data


def _read_fd(fd: int, max_bytes: int, shown: str, wait=None, first: int = _CHUNK) -> bytes:
    """At most ``max_bytes + 1`` bytes (one more than allowed shows the source is too large);
    ``first``: the size of the first read (a regular file's size, read in one go)."""
    chunks, total, size = [], 0, first
    while total <= max_bytes:
        if wait is not None:
            wait()
        try:
            chunk = os.read(fd, min(size, max_bytes + 1 - total))
            size = _CHUNK
        except OSError as exc:
            raise _cannot_read(shown, exc) from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_stdin(max_bytes: int, timeout: float, shown: str, what: str, hint: str | None,
                limit_for: str) -> bytes:
    stream = sys.stdin
    if stream is None:
        raise LoadError(shown, Text("no standard input", "没有标准输入"))
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test harness, or closed
        try:
            data = stream.buffer.read(max_bytes + 1)
        except (AttributeError, OSError, ValueError) as exc:
            raise LoadError(shown, fmt("cannot read standard input: {reason}", "无法读取标准输入：{reason}",
                                       reason=os_reason(exc))) from None
    else:
        interactive = os.isatty(fd)
        first = [True]

        def wait() -> None:
            # a terminal may take its time; a pipe that says nothing is an error
            if interactive:
                return
            limit = timeout if first[0] else max(timeout, 60.0)
            first[0] = False
            try:
                ready, _, _ = select.select([fd], [], [], limit)
            except (OSError, ValueError):
                return
            if not ready:
                raise LoadError(shown, fmt("no data on standard input for {limit:g} s; giving up",
                                           "标准输入 {limit:g} 秒内没有数据；已放弃", limit=limit),
                                hint=fmt("pipe or redirect a file into it: {command}",
                                         "请用管道或重定向输入文件：{command}",
                                         command="gdkg validate - < new.ttl"))

        data = _read_fd(fd, max_bytes, shown, wait)
    if len(data) > max_bytes:
        raise _too_large(shown, max_bytes, fmt("{what} on standard input", "标准输入上的{what}", what=what),
                         hint, limit_for)
    return data


#: the largest .rq file gdkg reads
MAX_QUERY_BYTES = 1024 * 1024


def read_query_text(path: str | os.PathLike[str]) -> str:
    """A SPARQL query file's text: bounded, regular files (or '-'), UTF-8; else a LoadError."""
    raw = read_bounded(path, MAX_QUERY_BYTES, what=Text("query file", "查询文件"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(str(path), fmt("not UTF-8: byte {byte} cannot be decoded",
                                       "不是 UTF-8 编码：字节 {byte} 无法解码",
                                       byte=f"0x{raw[exc.start]:02x}"),
                        line=line, hint=Text("save the query as UTF-8", "请把查询保存为 UTF-8")) from None


# ---------------------------------------------------------------- writing


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(path: Path, shown: str) -> None:
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return  # a new file; its directory is checked next
    except OSError as exc:
        raise OutputError(shown, fmt("cannot write: {reason}", "无法写入：{reason}",
                                     reason=os_reason(exc))) from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(shown, Text("is a symbolic link; gdkg does not write through links",
                                      "是符号链接；gdkg 不会透过链接写入"),
                          hint=Text("remove the link or name the real file", "请删除该链接，或给出真实文件"))
    kind = _kind(info.st_mode)
    if kind:
        raise OutputError(shown, fmt("is {kind}; gdkg writes only regular files and will not "
                                     "replace it", "是{kind}；gdkg 只写普通文件，不会替换它", kind=kind),
                          hint=Text("move it away, or write somewhere else", "请把它移走，或写到别处"))


def check_writable(target: str | os.PathLike[str], shown: str | None = None) -> None:
    """Raise :class:`OutputError` now if ``target`` is a symlink, device or directory, so a
    command refuses before doing its work rather than after."""
    _check_target(Path(target), shown or str(target))


def _ensure_dir(folder: Path, shown: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        what = (Text("a broken symbolic link", "失效的符号链接") if folder.is_symlink()
                else Text("a file", "文件"))
        raise OutputError(str(folder), fmt("is {what}, not a directory; cannot write {shown}",
                                           "是{what}，不是目录；无法写入 {shown}", what=what, shown=shown),
                          hint=fmt("remove {folder} or move it away", "请删除 {folder} 或把它移走",
                                   folder=folder)) from None
    except NotADirectoryError:
        raise OutputError(str(folder), fmt("a parent of it is not a directory; cannot write {shown}",
                                           "它的某个上级不是目录；无法写入 {shown}", shown=shown)) \
            from None
    except OSError as exc:
        raise OutputError(shown, fmt("cannot create {folder}: {reason}", "无法创建 {folder}：{reason}",
                                     folder=folder, reason=os_reason(exc))) from None
    if not folder.is_dir():
        raise OutputError(str(folder), fmt("is not a directory; cannot write {shown}",
                                           "不是目录；无法写入 {shown}", shown=shown))


def _write_message(exc: OSError) -> tuple[Text, Text | None]:
    reason = os_reason(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (fmt("cannot write: {reason} (disk full or over quota)",
                    "无法写入：{reason}（磁盘已满或超出配额）",
                    reason=reason),
                Text("free some space and run the command again", "请腾出空间后重新运行该命令"))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (fmt("cannot write: {reason}", "无法写入：{reason}", reason=reason),
                Text("check the permissions of the directory", "请检查该目录的权限"))
    return fmt("cannot write: {reason}", "无法写入：{reason}", reason=reason), None


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def stage(path: Path, data: bytes, shown: str | None = None, name: str | None = None) -> Path:
    """Write ``data`` to a new temporary file next to ``path`` (flushed to disk) and return
    its path; ``name`` fixes the temporary name (it must not exist). The target is checked
    first: a symlink, device or directory is refused."""
    shown = shown or str(path)
    _check_target(path, shown)
    _ensure_dir(path.parent, shown)
    if name is None:
        name = f".{path.name}.{os.urandom(4).hex()}.tmp"
    tmp = path.parent / name
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
    except OSError as exc:
        message, hint = _write_message(exc)
        raise OutputError(shown, message, hint) from None
    try:
        try:
            _write_fd(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        message, hint = _write_message(exc)
        raise OutputError(shown, message + Text("; the previous file is unchanged", "；原文件未改动"),
                          hint) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _encode(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def write_atomic_safe(target: str | os.PathLike[str], data: bytes | str,
                      shown: str | None = None) -> None:
    """Replace ``target`` with ``data`` all at once (readers see the old file or the new one).

    ``str`` data is written as UTF-8 with the newlines it has. Raises :class:`OutputError`
    when the target is not a regular file (or absent), or the write fails."""
    write_all_atomic([(Path(target), data)], {Path(target): shown} if shown else None)


def write_all_atomic(items: Iterable[tuple[Path, bytes | str]],
                     shown: dict[Path, str] | None = None) -> None:
    """Write several files: all are staged first, then renamed into place in order, so a
    failure while writing (e.g. a full disk) leaves every previous file as it was."""
    shown = shown or {}
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in items:
            staged.append((stage(path, _encode(data), shown.get(path)), path))
        for tmp, path in staged:
            _check_target(path, shown.get(path) or str(path))
            try:
                os.replace(tmp, path)
            except OSError as exc:
                message, hint = _write_message(exc)
                raise OutputError(shown.get(path) or str(path), message, hint) from None
        for folder in {path.parent for _, path in staged}:
            _fsync_dir(folder)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sweep_temporaries(folder: Path, older_than: float = 0.0) -> list[Path]:
    """Remove the ``.NAME.XXXXXXXX.tmp`` files gdkg's writes leave when killed; only call
    it while holding the project lock (nobody else is writing then)."""
    removed = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for tmp in folder.rglob(".*.tmp"):
        if _TEMPORARY.match(tmp.name) and tmp.is_file() and not tmp.is_symlink():
            with contextlib.suppress(OSError):
                if now - tmp.lstat().st_mtime >= older_than:
                    tmp.unlink()
                    removed.append(tmp)
    return removed


_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")


# ---------------------------------------------------------------- spreadsheets

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP's rule): text
    beginning with =, +, -, @, tab or CR gets a leading '. Plain numbers such as -3.5
    stay as they are (a spreadsheet reads them as the number, and nothing runs)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def formula_like(text: str) -> bool:
    """True when a spreadsheet would take this cell for a formula."""
    return text.startswith(_FORMULA_START) and not _NUMBER.match(text)
