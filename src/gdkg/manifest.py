"""build/manifest.json: what a build produced and from which inputs (the cache key).

The manifest records the size and SHA-256 of every file the build wrote (``files``,
keyed by the path under build/). A cached build is used only when the input hash
matches and each file is still a regular file of the recorded size; a command that
opens a file checks its hash too (a file's hash is read again whenever its status changed:
:mod:`gdkg.digest_memo`). Anything else (a truncated or edited file, a
manifest of the wrong shape, a missing file) makes the next command rebuild, saying
why; build/ itself as a file or a broken link is reported (:class:`CacheError`).
Other build/ contents (an on-disk store, say) join by adding their files to ``files``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass

from .digest_memo import DigestMemo
from .language import Text, fmt, os_reason
from .project import Project
from .safe_io import OutputError

MANIFEST = "manifest.json"
ARTEFACTS = ("asserted.ttl", "asserted.nt", "inferred.ttl", "inferred.nt", "validation.txt",
             "validation.json")
#: what the cached path of `gdkg build` and the readers take from the manifest
_FIELDS = {"input_hash": str, "reasoner": str, "asserted": int, "inferred": int, "instances": dict,
           "files": dict}


class CacheError(OutputError):
    """build/ is in a state gdkg cannot repair by rebuilding (e.g. it is a file)."""


def file_record(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def check_build_dir(project: Project) -> bool:
    """False when there is no build/ yet; CacheError when build/ is not a usable directory."""
    out = project.build_dir
    try:
        shown = str(out.relative_to(project.root))
    except ValueError:
        shown = str(out)
    if os.path.islink(out) and not out.exists():
        raise CacheError(shown, fmt("is a broken symbolic link (to {target})",
                                    "是失效的符号链接（指向 {target}）",
                                    target=os.readlink(out)),
                         hint=fmt("remove it (rm {shown}) or create the directory it points to",
                                  "请删除它（rm {shown}），或创建它指向的目录", shown=shown))
    if not out.exists():
        return False
    if not out.is_dir():
        raise CacheError(shown, Text("is a file, not a directory; gdkg keeps its build there",
                                     "是文件，不是目录；gdkg 在那里存放构建结果"),
                         hint=fmt("move it away or remove it (rm {shown}), then run gdkg build",
                                  "请把它移走或删除（rm {shown}），再运行 gdkg build", shown=shown))
    return True


def read_manifest(project: Project) -> dict | None:
    """The manifest, or None when it is missing or not of the expected shape."""
    manifest, _ = _read(project)
    return manifest


def _read(project: Project) -> tuple[dict | None, str | None]:
    path = project.build_dir / MANIFEST
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None, Text(f"{MANIFEST} is not a regular file", f"{MANIFEST} 不是普通文件")
        if path.stat().st_size > 16 * 1024 * 1024:
            return None, Text(f"{MANIFEST} is implausibly large", f"{MANIFEST} 大得不合常理")
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, Text(f"{MANIFEST} is missing", f"{MANIFEST} 不存在")
    except (OSError, ValueError) as exc:
        return None, Text(f"{MANIFEST} is unreadable ({exc.__class__.__name__})",
                          f"{MANIFEST} 无法读取（{exc.__class__.__name__}）")
    if not isinstance(manifest, dict):
        return None, Text(f"{MANIFEST} is not a JSON object", f"{MANIFEST} 不是 JSON 对象")
    for name, kind in _FIELDS.items():
        if not isinstance(manifest.get(name), kind) or isinstance(manifest.get(name), bool):
            return None, Text(f"{MANIFEST} has no valid {name!r}", f"{MANIFEST} 缺少有效的 {name!r}")
    files = manifest["files"]
    for name, record in files.items():
        if (not isinstance(record, dict) or not isinstance(record.get("size"), int)
                or not isinstance(record.get("sha256"), str) or ".." in name.split("/")):
            return None, Text(f"{MANIFEST} has a malformed entry for {name!r}",
                              f"{MANIFEST} 中 {name!r} 的条目格式不对")
    missing = [name for name in ARTEFACTS if name not in files]
    if missing:
        return None, Text(f"{MANIFEST} does not list {', '.join(missing)}",
                          f"{MANIFEST} 没有列出 {', '.join(missing)}")
    return manifest, None


@dataclass
class CacheState:
    """Why build/ can or cannot be used: ``problems`` empty means fresh. ``damaged`` problems
    are about build/ itself (worth telling the user), not about changed inputs."""

    exists: bool
    problems: list[str]
    damaged: bool = False

    @property
    def fresh(self) -> bool:
        return not self.problems


def cache_state(project: Project, input_hash: str | None = None,
                check_hashes: bool | tuple[str, ...] = False,
                memo: DigestMemo | None = None) -> CacheState:
    """Check build/ against its manifest: every file's size always; SHA-256 of all files
    (``check_hashes=True``) or of the named ones. ``memo``: the digests remembered so far
    (default: build/'s own, read here)."""
    if not check_build_dir(project):
        return CacheState(False, [Text("no build yet", "尚未构建")])
    manifest, why = _read(project)
    if manifest is None:
        return CacheState(True, ["build/" + why], damaged="missing" not in why)
    problems: list[str] = []
    out = project.build_dir
    memo = memo or DigestMemo(out)
    for name, record in sorted(manifest["files"].items()):
        path = out / name
        try:
            info = path.lstat()
        except FileNotFoundError:
            problems.append(Text(f"build/{name} is missing", f"build/{name} 不存在"))
            continue
        except OSError as exc:
            problems.append(fmt("build/{name} cannot be read ({reason})", "build/{name} 无法读取（{reason}）",
                                name=name, reason=os_reason(exc)))
            continue
        if not stat.S_ISREG(info.st_mode):
            what = (Text("a directory", "目录") if stat.S_ISDIR(info.st_mode)
                    else Text("not a regular file", "非普通文件"))
            problems.append(fmt("build/{name} is {what}", "build/{name} 是{what}", name=name, what=what))
        elif info.st_size != record["size"]:
            problems.append(Text(f"build/{name} is {info.st_size} bytes, the manifest says {record['size']}",
                                 f"build/{name} 大小为 {info.st_size} 字节，清单中记录的是 {record['size']}"))
        elif (check_hashes is True or (check_hashes and name in check_hashes)) \
                and memo.sha256(path, name) != record["sha256"]:
            problems.append(Text(f"build/{name} differs from what the build wrote (SHA-256)",
                                 f"build/{name} 与构建时写入的内容不同（SHA-256）"))
    damaged = bool(problems)
    if manifest["input_hash"] != (input_hash or project.input_hash(memo)):
        problems.append(Text("the sources changed since the last build", "自上次构建以来源文件有改动"))
    memo.save(keep=[*manifest["files"], "input"])
    return CacheState(True, problems, damaged)


def is_fresh(project: Project, input_hash: str | None = None, *,
             check_hashes: bool | tuple[str, ...] = False) -> bool:
    """True when build/ holds the outputs of the current inputs, intact."""
    return cache_state(project, input_hash, check_hashes).fresh
