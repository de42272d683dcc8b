"""One exclusive lock per project around everything that writes (add, add --undo, build).

The lock is ``fcntl.flock`` on ``.gdkg.lock`` next to build/ (the project root):
the kernel releases it when the process ends, however it ends, so a killed gdkg
never leaves a stale lock. A second writer says whom it waits for, and gives up
with a clear message after ``GDKG_LOCK_TIMEOUT`` seconds (default 120). Taking
the lock again in the same process (build inside add, say) is allowed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .language import Text, fmt, os_reason, text
from .project import Project
from .safe_io import OutputError

LOCK_NAME = ".gdkg.lock"
_held: dict[str, int] = {}


class LockTimeout(OutputError):
    """Another gdkg held the project lock for longer than the timeout; nothing was changed."""


def lock_path(project: Project) -> Path:
    return project.build_dir.parent / LOCK_NAME


def _timeout() -> float:
    try:
        return float(os.environ.get("GDKG_LOCK_TIMEOUT", "120"))
    except ValueError:
        return 120.0


@contextlib.contextmanager
def project_lock(project: Project, command: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the project's write lock for the duration of the block."""
    path = lock_path(project)
    key = str(path.absolute())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    shown = project.relative(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # the per-user cache may not exist yet
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(shown, fmt("cannot create the project lock: {reason}", "无法创建项目锁：{reason}",
                                     reason=os_reason(exc)),
                          hint=Text("gdkg needs to write beside build/; choose another place with "
                                    "--build-dir DIR (or $GDKG_BUILD_DIR)",
                                    "gdkg 需要在 build/ 旁边写入；可用 --build-dir DIR（或 $GDKG_BUILD_DIR）"
                                    "换个地方")) from None
    try:
        _acquire(fd, shown, command, _timeout() if timeout is None else timeout)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            os.pwrite(fd, f"gdkg {command} (pid {os.getpid()}) since {stamp}\n".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, shown: str, command: str, timeout: float) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    holder = _holder(fd)
    print(text(fmt("gdkg: waiting for {holder} to finish (project lock {shown}; up to {timeout:g} s)…",
                   "gdkg: 正在等待{holder} 结束（项目锁 {shown}；最多 {timeout:g} 秒）…",
                   holder=holder, shown=shown, timeout=timeout)), file=sys.stderr, flush=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            continue
    raise LockTimeout(shown, fmt("{holder} still holds the project lock after {timeout:g} s; "
                                 "gdkg {command} changed nothing",
                                 "{timeout:g} 秒后{holder} 仍持有项目锁；gdkg {command} 未做任何改动",
                                 holder=_holder(fd), timeout=timeout, command=command),
                      hint=Text("wait for it to finish and run the command again "
                                "(set GDKG_LOCK_TIMEOUT=SECONDS to wait longer)",
                                "请等它结束后再运行该命令（设置 GDKG_LOCK_TIMEOUT=SECONDS 可等待更久）"))


def _holder(fd: int) -> Text:
    with contextlib.suppress(OSError):
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if text:
            who = text.split(" since ")[0]
            return Text("another " + who, "另一个 " + who)
    return Text("another gdkg", "另一个 gdkg")
