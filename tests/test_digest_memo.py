"""Digests remembered by file status (gdkg.digest_memo): an unchanged file is not read again, a
changed one always is, so the verified cache of build/ stays verified."""

from __future__ import annotations

import json
import os

import pytest

from conftest import copy_project
from gdkg import digest_memo
from gdkg.digest_memo import MEMO, DigestMemo, sha256_file
from gdkg.manifest import cache_state
from gdkg.pipeline import build


@pytest.fixture
def no_racy_window(monkeypatch):
    """Remember digests of files written just now (the tests write them just now)."""
    monkeypatch.setattr(digest_memo, "RACY_SECONDS", -1.0)


def _counting(path, calls):
    def compute():
        calls.append(path.name)
        return sha256_file(path)
    return compute


def test_an_unchanged_file_is_read_once_a_rewritten_one_again(tmp_path, no_racy_window):
    target = tmp_path / "a.nt"
    target.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    calls: list[str] = []
    memo = DigestMemo(tmp_path)
    first = memo.digest("a", [digest_memo.file_status(target)], _counting(target, calls))
    memo.save()
    again = DigestMemo(tmp_path)  # the next command
    assert again.digest("a", [digest_memo.file_status(target)], _counting(target, calls)) == first
    assert calls == ["a.nt"]  # the second command did not read the file

    target.write_bytes(b"<urn:a> <urn:b> <urn:X> .\n")  # same size, other bytes
    third = DigestMemo(tmp_path)
    changed = third.digest("a", [digest_memo.file_status(target)], _counting(target, calls))
    assert calls == ["a.nt", "a.nt"] and changed == sha256_file(target) != first


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    target = tmp_path / "a.nt"
    target.write_bytes(b"x")
    memo = DigestMemo(tmp_path)
    memo.sha256(target, "a")
    memo.save()
    assert not (tmp_path / MEMO).exists()  # within the racy window: nothing to trust yet


def test_a_malformed_memo_is_ignored(tmp_path, no_racy_window):
    target = tmp_path / "a.nt"
    target.write_bytes(b"x")
    for junk in ("[1, 2", "[]", '{"a": 3}', '{"a": {"status": "x", "sha256": 1}}'):
        (tmp_path / MEMO).write_text(junk, encoding="utf-8")
        assert DigestMemo(tmp_path).sha256(target, "a") == sha256_file(target)


def test_the_cache_check_still_sees_an_edited_build_file_and_changed_sources(project, tmp_path,
                                                                              no_racy_window):
    copy = copy_project(project, tmp_path / "p")
    build(copy)
    assert cache_state(copy, check_hashes=True).fresh
    memo = json.loads((copy.build_dir / MEMO).read_text(encoding="utf-8"))
    assert "input" in memo and "inferred.nt" in memo  # remembered for the next command
    assert cache_state(copy, check_hashes=True).fresh  # and used: still fresh

    inferred = copy.build_dir / "inferred.nt"
    data = bytearray(inferred.read_bytes())
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")  # same size, one byte other
    inferred.write_bytes(bytes(data))
    state = cache_state(copy, check_hashes=True)
    assert state.damaged and any("inferred.nt differs" in str(p) for p in state.problems)

    # and a source file changed in place
    source = sorted(copy.data_dir.rglob("*.ttl"))[0]
    stat = source.stat()
    text = bytearray(source.read_bytes())
    text[-2] = ord("X") if text[-2] != ord("X") else ord("Y")  # same size
    source.write_bytes(bytes(text))
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old mtime
    state = cache_state(copy, check_hashes=True)
    assert any("sources changed" in str(p) for p in state.problems)


def test_the_build_remembers_what_it_hashed_so_the_next_command_reads_nothing(
        project, tmp_path, no_racy_window, monkeypatch):
    copy = copy_project(project, tmp_path / "p")
    build(copy)
    manifest = json.loads((copy.build_dir / "manifest.json").read_text(encoding="utf-8"))
    store_files = [name for name in manifest["files"] if name.startswith(manifest["store"] + "/")]
    assert store_files
    read: list[str] = []
    real = digest_memo.sha256_file
    monkeypatch.setattr(digest_memo, "sha256_file", lambda path: read.append(path.name) or real(path))
    # what `gdkg query` checks before its first answer: the inputs and the store it opens
    state = cache_state(copy, check_hashes=tuple(store_files))
    assert state.fresh and read == []  # no store file hashed again
    memo = json.loads((copy.build_dir / MEMO).read_text(encoding="utf-8"))
    assert "input" in memo and all(name in memo for name in store_files)


def test_a_source_edited_during_the_build_is_seen_by_the_next_command(project, tmp_path, no_racy_window,
                                                                      monkeypatch):
    from gdkg import pipeline

    copy = copy_project(project, tmp_path / "p")
    source = sorted(copy.data_dir.rglob("*.ttl"))[0]
    real = pipeline.closure

    def edit_then_reason(*args, **kwargs):  # the user saves a data file while the build runs
        source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "closure", edit_then_reason)
    build(copy)
    state = cache_state(copy, check_hashes=True)
    assert any("sources changed" in str(p) for p in state.problems)  # the hash of before is not reused
