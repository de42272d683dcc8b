"""Hostile inputs and outputs (issue 7 items 2, 4-8): bounded reading of files, devices,
FIFOs and stdin; safe writing (no symlink/device/directory targets, umask permissions, a
full disk is exit 2 with the previous file intact); the verified build cache; the project
lock and the journalled, kill-safe `gdkg add`; `gdkg add --undo`; parsing limits;
CSV formula injection. Each case asserts the exit status, the message, and that data/ttl/
is unchanged unless the command succeeded. Never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from conftest import BAD_INPUTS, TURTLE_HEAD, copy_project, gdkg, tree
from gdkg import load
from gdkg.load import LoadError, canonical_blank_nodes, nesting_depth, parse_text
from gdkg.safe_io import OutputError, read_bounded, spreadsheet_cell, write_atomic_safe

BAD = BAD_INPUTS
MB = 1024 * 1024


def enterprise(slug: str, zh: str, en: str, extra: str = "") -> str:
    return (TURTLE_HEAD + f"\nent:{slug} a gd:Enterprise ;\n    rdfs:label \"{zh}\"@zh , \"{en}\"@en ;\n"
            "    gd:belongsToCluster cluster:intelligent-robots ;\n    gd:locatedIn city:shenzhen ;\n"
            + (f"    {extra} ;\n" if extra else "") + "    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n")


def copy_with_build(built, target: Path):
    """A project copy with a copy of the session's build/ (so nothing is rebuilt and the
    baseline validation is reused)."""
    import shutil

    proj = copy_project(built.project, target)
    shutil.copytree(built.project.build_dir, proj.build_dir)
    return proj


@pytest.fixture(scope="module")
def scratch(built, tmp_path_factory):
    """One project copy for the commands that must change nothing."""
    return copy_with_build(built, tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def proj(built, tmp_path):
    return copy_with_build(built, tmp_path / "project")


def run(root: Path, *args: str, stdin=subprocess.DEVNULL, env: dict | None = None, timeout=120,
        preexec=None) -> subprocess.CompletedProcess:
    """The CLI in a child process (for stdin, FIFOs, kills and resource limits)."""
    return subprocess.run([sys.executable, "-m", "gdkg.cli", "--root", str(root), *args], stdin=stdin,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec,
                          env={**os.environ, **(env or {})})


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


# ---------------------------------------------------------------- bounded reading


def test_symlink_to_dev_zero_is_refused_not_read(scratch, tmp_path, capsys):
    link = tmp_path / "zero.ttl"
    link.symlink_to("/dev/zero")
    before = tree(scratch.data_dir)
    for command in ("validate", "add"):
        code, out, err = gdkg(capsys, scratch.root, command, str(link))
        assert code == 2
        assert err.startswith(f"gdkg: error: {link}: is a device, not a regular file; gdkg reads only "
                              "regular files (or standard input)\n")
    assert tree(scratch.data_dir) == before


def test_fifo_without_a_writer_is_refused_at_once(scratch, tmp_path, capsys):
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    before = tree(scratch.data_dir)
    started = time.monotonic()
    code, out, err = gdkg(capsys, scratch.root, "add", str(fifo))
    assert code == 2
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in err
    assert time.monotonic() - started < 5
    assert tree(scratch.data_dir) == before


def test_stdin_from_dev_zero_stops_at_the_limit(scratch):
    with open("/dev/zero", "rb") as zero:
        done = run(scratch.root, "validate", "-", "--max-size", "1", stdin=zero)
    assert done.returncode == 2
    assert done.stderr == ("gdkg: error: <stdin>: file on standard input is over the 1 MB limit for one "
                           "new file\n  hint: split it into smaller files, or raise the limit with "
                           "--max-size MB\n")


def test_stdin_pipe_without_data_times_out_with_a_message(scratch):
    reader, writer = os.pipe()  # the write end stays open: no data, no end of file
    try:
        child = subprocess.Popen([sys.executable, "-m", "gdkg.cli", "--root", str(scratch.root),
                                  "validate", "-"], stdin=reader, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "GDKG_STDIN_TIMEOUT": "0.5"})
        try:
            out, err = child.communicate(timeout=60)
        finally:
            child.kill()
    finally:
        os.close(reader)
        os.close(writer)
    assert child.returncode == 2
    assert err == ("gdkg: error: <stdin>: no data on standard input for 0.5 s; giving up\n"
                   "  hint: pipe or redirect a file into it: gdkg validate - < new.ttl\n")


def test_stdin_with_data_is_read_through_the_timeout():
    script = ("from gdkg.safe_io import read_bounded; import sys; "
              "sys.stdout.write(read_bounded('-', 10).decode())")
    done = subprocess.run([sys.executable, "-c", script], input="0123456789", capture_output=True, text=True,
                          env={**os.environ, "GDKG_STDIN_TIMEOUT": "5"}, timeout=60)
    assert (done.returncode, done.stdout) == (0, "0123456789"), done.stderr
    done = subprocess.run([sys.executable, "-c", script], input="0123456789x", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "LoadError" in done.stderr and "file on standard input is over the" in done.stderr


def test_read_bounded_reads_at_most_the_limit_whatever_st_size_says(tmp_path):
    link = tmp_path / "urandom"
    link.symlink_to("/dev/urandom")
    with pytest.raises(LoadError, match="is a device"):
        read_bounded(link, 1000)
    path = tmp_path / "f"
    path.write_bytes(b"x" * 5000)
    assert read_bounded(path, 5000) == b"x" * 5000
    with pytest.raises(LoadError, match=r"file is 0\.0 MB, over the 0\.00\d+ MB limit"):
        read_bounded(path, 4999)
    with pytest.raises(LoadError, match="is a directory"):
        read_bounded(tmp_path, 10)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(LoadError, match="broken symbolic link"):
        read_bounded(dangling, 10)


def test_csv_on_a_device_or_fifo_is_refused(scratch, tmp_path, capsys):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for source, what in ((link, "a device"), (fifo, "a named pipe (FIFO)")):
        code, out, err = gdkg(capsys, scratch.root, "import", "csv", "--type", "enterprise", str(source))
        assert code == 2
        assert err.startswith(f"gdkg: error: {source}: is {what}, not a regular file")
        assert out == ""


def test_query_file_that_is_a_device_a_directory_or_not_utf8(scratch, tmp_path, capsys):
    link = tmp_path / "zero.rq"
    link.symlink_to("/dev/zero")
    cases = [(link, "is a device, not a regular file"),
             (tmp_path, "is a directory, not a query file"),
             (BAD / "invalid-utf8.rq", "2: not UTF-8: byte 0xff cannot be decoded"),
             (tmp_path / "missing.rq", "no such file")]
    for source, message in cases:
        code, out, err = gdkg(capsys, scratch.root, "query", "--file", str(source))
        assert code == 2, err
        assert err.startswith(f"gdkg: error: {source}:{'' if message[0].isdigit() else ' '}{message}")


def test_a_data_file_linked_to_dev_zero_stops_the_build_with_a_message(proj):
    (proj.data_dir / "added").mkdir()
    (proj.data_dir / "added" / "zero.ttl").symlink_to("/dev/zero")
    done = run(proj.root, "build", "-q")
    assert done.returncode == 2
    assert done.stderr == ("gdkg: error: data/ttl/added/zero.ttl: is a device, not a regular file; gdkg "
                           "reads only regular files (or standard input)\n  hint: copy it to a file "
                           "first, or pipe it: gdkg … - < data/ttl/added/zero.ttl\n")


def test_too_many_files_in_one_command(scratch, capsys, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILES_PER_COMMAND", 2)
    code, out, err = gdkg(capsys, scratch.root, "validate", "a.ttl", "b.ttl", "c.ttl")
    assert code == 2
    assert err == ("gdkg: error: 3 files: over the limit of 2 files in one command\n"
                   "  hint: run it on fewer files at a time\n")


# ---------------------------------------------------------------- parsing limits (item 2)


def test_literal_over_the_parsers_buffer_is_a_message_not_memoryerror(scratch, tmp_path, capsys):
    path = tmp_path / "huge-literal.ttl"
    path.write_text(TURTLE_HEAD + 'ent:x rdfs:comment "' + "x" * (20 * MB) + '" .\n', encoding="utf-8")
    before = tree(scratch.data_dir)
    code, out, err = gdkg(capsys, scratch.root, "add", str(path), "--max-size", "64")
    assert code == 2
    assert err.startswith(f"gdkg: error: {path}: one token (a literal or an IRI) is longer than the "
                          "parser's buffer of 16 MB\n")
    assert tree(scratch.data_dir) == before


def test_literal_over_the_length_limit(scratch, tmp_path, capsys):
    path = tmp_path / "long-literal.ttl"
    path.write_text(enterprise("long", "长", "Long", 'rdfs:comment "' + "长" * 1_000_001 + '"@zh'),
                    encoding="utf-8")
    code, out, err = gdkg(capsys, scratch.root, "validate", str(path))
    assert code == 2
    assert err.startswith(f"gdkg: error: {path}: a literal of 1,000,001 characters, over the limit of "
                          "1,000,000 (it starts '长长")


@pytest.mark.parametrize("name, depth", [("deep-nesting-lists.ttl", 257),
                                         ("deep-nesting-brackets.ttl", 300)])
def test_nesting_over_the_limit_is_refused(name, depth, scratch, capsys):
    path = str(BAD / name)
    before = tree(scratch.data_dir)
    code, out, err = gdkg(capsys, scratch.root, "add", path)
    assert code == 2
    assert err == (f"gdkg: error: {path}: blank nodes nested {depth} deep, over the limit of 256 "
                   "(nested [ … ] or list items)\n  hint: give deeply nested things IRIs of their own, "
                   "or split long lists\n")
    assert tree(scratch.data_dir) == before


def test_too_many_triples_in_one_file(scratch, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(load, "MAX_TRIPLES_PER_FILE", 5)
    path = tmp_path / "six.ttl"
    path.write_text(enterprise("six", "六", "Six"), encoding="utf-8")  # 6 triples
    code, out, err = gdkg(capsys, scratch.root, "validate", str(path))
    assert code == 2
    assert err == (f"gdkg: error: {path}: more than 5 triples in one file (the limit)\n"
                   "  hint: split it into several files\n")


def test_blank_nodes_in_a_cycle_are_reported_not_looped_over(scratch, capsys):
    path = str(BAD / "blank-node-cycle.ttl")
    before = tree(scratch.data_dir)
    code, out, err = gdkg(capsys, scratch.root, "add", path)
    assert code == 1
    assert out.count("[violation] rdf:type: has no class (rdf:type) anywhere in the graph") == 2
    assert "nothing added" in err
    assert tree(scratch.data_dir) == before


def test_add_over_a_symlinked_destination_is_refused(proj, tmp_path, capsys):
    outside = tmp_path / "outside.ttl"
    outside.write_text("# not gdkg's\n", encoding="utf-8")
    (proj.data_dir / "added").mkdir()
    link = proj.data_dir / "added" / "linked.ttl"
    link.symlink_to(outside)
    new = tmp_path / "linked.ttl"
    new.write_text(enterprise("linked", "链接", "Linked"), encoding="utf-8")
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", "--replace", str(new))
    assert code == 2
    assert err.endswith("gdkg: error: data/ttl/added/linked.ttl: is a symbolic link; gdkg does not "
                        "write through links; nothing was changed in data/ttl/\n"
                        "  hint: remove the link or name the real file\n")
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "# not gdkg's\n"
    assert tree(proj.data_dir) == before
    assert not list(proj.data_dir.rglob(".*.tmp")) and not (proj.root / ".gdkg.journal").exists()


def test_nesting_depth_is_computed_without_recursion():
    p = URIRef("http://example.org/p")
    nodes = [BNode() for _ in range(5000)]
    triples = [(URIRef("http://example.org/x"), p, nodes[0])]
    triples += [(nodes[i], p, nodes[i + 1]) for i in range(len(nodes) - 1)]
    assert nesting_depth(triples) == 5000
    # labelled blank nodes in a cycle, reachable from nothing else: depth 1, no endless loop
    a, b = BNode("a"), BNode("b")
    assert nesting_depth([(a, p, b), (b, p, a)]) == 1


def test_canonical_blank_nodes_is_iterative_and_stable():
    p = URIRef("http://example.org/p")
    root = URIRef("http://example.org/root")
    nodes = [BNode() for _ in range(20_000)]  # far deeper than Python's recursion limit
    triples = {(root, p, nodes[0])} | {(nodes[i], p, nodes[i + 1]) for i in range(len(nodes) - 1)}
    triples.add((nodes[-1], p, Literal("end")))
    first = canonical_blank_nodes(set(triples))
    relabelled = {BNode(): n for n in nodes}
    back = {v: k for k, v in relabelled.items()}
    second = canonical_blank_nodes({tuple(back.get(t, t) for t in triple) for triple in triples})
    assert len(first) == len(triples)
    assert first == second


def test_the_deepest_and_largest_file_the_limits_allow_is_added_and_builds(proj, tmp_path, capsys):
    """256 levels of nesting and a 1,000,000-character literal: accepted, and the graph still
    builds, queries and counts the same cities as before."""
    path = tmp_path / "at-the-limits.ttl"
    text = (BAD / "deep-nesting-at-limit.ttl").read_text(encoding="utf-8").replace(
        "    rdfs:seeAlso", '    rdfs:comment "' + "长" * 1_000_000 + '"@zh ;\n    rdfs:seeAlso')
    path.write_text(text, encoding="utf-8")
    assert nesting_depth(parse_text(text, "x")) == 256
    code, out, err = gdkg(capsys, proj.root, "add", str(path))
    assert code == 0, err
    code, out, err = gdkg(capsys, proj.root, "build", "-q")
    assert code == 0, err
    assert "gdkg built: build/" in out
    code, out, err = gdkg(capsys, proj.root, "query", "--file", str(_count_query(tmp_path)),
                          "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1] == "21"  # the 21 prefecture cities of 附件 1 (fyp annex 1)


def _count_query(folder: Path) -> Path:
    path = folder / "cities.rq"
    path.write_text("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gd:City }\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- safe writing (item 6)


@pytest.fixture(scope="module")
def firms_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("csv") / "firms.csv"
    path.write_text("id,label_zh,label_en,alt_labels_zh,clusters,subfields,located_in,roles,source\n"
                    "ent:safe-write,安全写入公司,Safe Write Co,,汽车,新能源汽车,广州,龙头企业,"
                    "fyp:box-4-item-2\n",
                    encoding="utf-8")
    return path


def test_output_to_a_symlink_is_refused_and_the_link_kept(scratch, firms_csv, tmp_path, capsys):
    target = tmp_path / "real.ttl"
    target.write_text("keep me\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    code, out, err = gdkg(capsys, scratch.root, "import", "csv", "--type", "enterprise", str(firms_csv),
                          "-o", str(link))
    assert code == 2
    assert err.endswith(f"gdkg: error: {link}: is a symbolic link; gdkg does not write through links\n"
                        "  hint: remove the link or name the real file\n")
    assert link.is_symlink() and target.read_text() == "keep me\n"


@pytest.mark.parametrize("kind", ["directory", "device"])
def test_output_to_a_directory_or_device_is_refused(kind, scratch, firms_csv, tmp_path, capsys):
    target = tmp_path if kind == "directory" else Path("/dev/null")
    code, out, err = gdkg(capsys, scratch.root, "import", "csv", "--type", "enterprise", str(firms_csv),
                          "-o", str(target))
    assert code == 2
    assert err.endswith(f"gdkg: error: {target}: is a {kind}; gdkg writes only regular files and will "
                        "not replace it\n  hint: move it away, or write somewhere else\n")
    assert (target.is_dir() if kind == "directory" else target.is_char_device())


def test_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic_safe(tmp_path / "a.ttl", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.ttl").stat().st_mode & 0o777 == 0o640
    (tmp_path / "b.txt").write_text("old")
    os.chmod(tmp_path / "b.txt", 0o600)  # replaced files get the umask's mode too (not 0600)
    write_atomic_safe(tmp_path / "b.txt", "x")
    assert (tmp_path / "b.txt").stat().st_mode & 0o777 == 0o666 & ~old


def _limit_file_size(limit: int):
    def preexec() -> None:  # the kernel's own "file too large": the write really fails
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_full_disk_on_output_is_an_error_and_the_previous_file_intact(tmp_path):
    output = tmp_path / "out.ttl"
    output.write_text("previous\n")
    script = ("import sys\nfrom gdkg.safe_io import OutputError, write_atomic_safe\n"
              "try:\n    write_atomic_safe(sys.argv[1], 'x' * 100_000)\n"
              "except OutputError as exc:\n    print(exc, file=sys.stderr)\n    sys.exit(2)\n")
    done = subprocess.run([sys.executable, "-c", script, str(output)], capture_output=True, text=True,
                          preexec_fn=_limit_file_size(50_000), timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"{output}: cannot write: File too large (disk full or over quota); the "
                           "previous file is unchanged\n  hint: free some space and run the command "
                           "again\n")
    assert output.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]  # no temporary left


def test_full_disk_during_build_keeps_the_previous_build(proj):
    before = tree(proj.build_dir)
    (proj.data_dir / "core" / "places.ttl").write_text(
        (proj.data_dir / "core" / "places.ttl").read_text(encoding="utf-8") + "\n# changed\n",
        encoding="utf-8")
    done = run(proj.root, "build", "-q", preexec=_limit_file_size(1 * MB))
    assert done.returncode == 2, done.stderr
    assert "cannot write: File too large (disk full or over quota); the previous file is unchanged" \
        in done.stderr
    no_traceback(done.stderr)
    assert tree(proj.build_dir) == before
    # nothing new beside it either (no temporary file, no half-built store)
    assert sorted(os.listdir(proj.build_dir)) == sorted({name.split("/")[0] for name in before})


def test_build_outputs_are_0644(built):
    files = [p for p in built.project.build_dir.rglob("*") if p.is_file()]
    assert any(p.parent != built.project.build_dir for p in files)  # the on-disk store's too
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o666 & ~_current_umask(), path
    for path in (p for p in built.project.build_dir.rglob("*") if p.is_dir()):
        assert path.stat().st_mode & 0o777 == 0o777 & ~_current_umask(), path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_unwritable_output_is_a_message(scratch, firms_csv, tmp_path, capsys, monkeypatch):
    import errno

    import gdkg.safe_io as safe_io

    def refuse(fd, data):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safe_io, "_write_fd", refuse)
    output = tmp_path / "out.ttl"
    code, out, err = gdkg(capsys, scratch.root, "import", "csv", "--type", "enterprise", str(firms_csv),
                          "-o", str(output))
    assert code == 2
    assert err.endswith(f"gdkg: error: {output}: cannot write: Permission denied; the previous file is "
                        "unchanged\n  hint: check the permissions of the directory\n")
    assert not output.exists() and list(tmp_path.iterdir()) == []


def test_write_refusals_at_the_api(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic_safe(tmp_path / "dir", "x")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a directory"):
        write_atomic_safe(tmp_path / "file" / "below.txt", "x")


# ---------------------------------------------------------------- verified cache (item 7)


@pytest.fixture
def cached(built, tmp_path):
    return copy_with_build(built, tmp_path / "cached")


def _cities(capsys, proj, tmp_path) -> tuple[int, str, str]:
    return gdkg(capsys, proj.root, "query", "--file", str(_count_query(tmp_path)), "--format", "csv")


def test_truncated_inferred_nt_is_noticed_and_rebuilt(cached, tmp_path, capsys):
    inferred = cached.build_dir / "inferred.nt"
    size = inferred.stat().st_size
    inferred.write_bytes(inferred.read_bytes()[:1000])
    code, out, err = _cities(capsys, cached, tmp_path)
    assert code == 0
    assert f"gdkg: note: build/inferred.nt is 1000 bytes, the manifest says {size}: rebuilding" in err
    assert out.splitlines()[1] == "21"
    assert inferred.stat().st_size == size


def test_same_size_edit_is_caught_by_the_hash(cached):
    from gdkg.manifest import cache_state

    inferred = cached.build_dir / "inferred.nt"
    data = bytearray(inferred.read_bytes())
    data[10] = ord("X") if data[10] != ord("X") else ord("Y")
    inferred.write_bytes(bytes(data))
    assert cache_state(cached).fresh  # sizes only: what every command checks
    assert cache_state(cached, check_hashes=("inferred.nt",)).problems == [
        "build/inferred.nt differs from what the build wrote (SHA-256)"]  # what opening checks


def _wrong_entry(manifest: dict) -> str:
    manifest["files"]["inferred.nt"] = {"size": "big"}
    return json.dumps(manifest)


@pytest.mark.parametrize("change, why", [
    (lambda m: "[1, 2]", "build/manifest.json is not a JSON object"),
    (lambda m: '{"input_hash": 5}', "build/manifest.json has no valid 'input_hash'"),
    (lambda m: "{not json", "build/manifest.json is unreadable (JSONDecodeError)"),
    (_wrong_entry, "build/manifest.json has a malformed entry for 'inferred.nt'"),
    (lambda m: json.dumps({**m, "instances": True}), "build/manifest.json has no valid 'instances'"),
])
def test_manifest_of_the_wrong_shape_is_damage_not_a_traceback(change, why, cached):
    from gdkg.manifest import cache_state, read_manifest

    path = cached.build_dir / "manifest.json"
    path.write_text(change(json.loads(path.read_text())))
    state = cache_state(cached)
    assert state.problems == [why] and state.damaged
    assert read_manifest(cached) is None


def test_build_as_a_file_or_a_dangling_link_is_reported(proj, tmp_path, capsys):
    import shutil

    before = tree(proj.data_dir)
    shutil.rmtree(proj.build_dir)
    proj.build_dir.write_text("not a directory\n")
    for command in (("build",), ("matrix",)):
        code, out, err = gdkg(capsys, proj.root, *command)
        assert code == 2
        assert err == ("gdkg: error: build: is a file, not a directory; gdkg keeps its build there\n"
                       "  hint: move it away or remove it (rm build), then run gdkg build\n")
    proj.build_dir.unlink()
    proj.build_dir.symlink_to(tmp_path / "gone")
    code, out, err = gdkg(capsys, proj.root, "stats")
    assert code == 2
    assert err == (f"gdkg: error: build: is a broken symbolic link (to {tmp_path / 'gone'})\n"
                   "  hint: remove it (rm build) or create the directory it points to\n")
    assert tree(proj.data_dir) == before


def test_inferred_nt_as_a_directory_is_reported(cached, capsys):
    inferred = cached.build_dir / "inferred.nt"
    inferred.unlink()
    inferred.mkdir()
    code, out, err = gdkg(capsys, cached.root, "build", "-q")
    assert code == 2
    assert err.endswith("gdkg: error: build/inferred.nt: is a directory; gdkg writes only regular files "
                        "and will not replace it\n  hint: move it away, or write somewhere else\n")
    assert "gdkg: note: build/inferred.nt is a directory: rebuilding" in err


# ---------------------------------------------------------------- lock (item 4)


def _hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    script = textwrap.dedent(f"""
        import sys, time
        from gdkg.locking import project_lock
        from gdkg.project import Project
        with project_lock(Project.find({str(root)!r}), "build"):
            print("held", flush=True)
            time.sleep({seconds})
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "held\n"
    return child


def test_second_writer_waits_then_fails_clearly(proj, tmp_path):
    new = tmp_path / "waits.ttl"
    new.write_text(enterprise("waiting-robotics", "等待机器人", "Waiting Robotics"), encoding="utf-8")
    before = tree(proj.data_dir)
    holder = _hold_lock(proj.root, 60)
    try:
        done = run(proj.root, "add", str(new), env={"GDKG_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    pid = holder.pid
    assert done.stderr == (
        f"gdkg: waiting for another gdkg build (pid {pid}) to finish (project lock .gdkg.lock; up to "
        f"1 s)…\ngdkg: error: .gdkg.lock: another gdkg build (pid {pid}) still holds the project lock "
        "after 1 s; gdkg add changed nothing\n  hint: wait for it to finish and run the command again "
        "(set GDKG_LOCK_TIMEOUT=SECONDS to wait longer)\n")
    assert tree(proj.data_dir) == before


def test_second_writer_waits_and_then_proceeds(proj):
    holder = _hold_lock(proj.root, 1.5)
    started = time.monotonic()
    done = run(proj.root, "build", "-q")
    holder.wait()
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("gdkg: waiting for another gdkg build")
    assert "gdkg up to date (cached): build/" in done.stdout
    assert time.monotonic() - started >= 1


def test_two_adds_of_the_same_name_at_once_never_lose_a_file(proj, tmp_path):
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    (one / "same.ttl").write_text(enterprise("same-one", "同名一", "Same One"), encoding="utf-8")
    (two / "same.ttl").write_text(enterprise("same-two", "同名二", "Same Two"), encoding="utf-8")
    cmd = [sys.executable, "-m", "gdkg.cli", "--root", str(proj.root), "add"]
    children = [subprocess.Popen([*cmd, str(d / "same.ttl")], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for d in (one, two)]
    results = [(c.wait(timeout=120), c.stderr.read()) for c in children]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "data/ttl/added/same.ttl already exists; pass --replace to replace it" in loser
    written = (proj.data_dir / "added" / "same.ttl").read_bytes()
    winner = one if children[0].returncode == 0 else two
    assert written == (winner / "same.ttl").read_bytes()


# ---------------------------------------------------------------- journalled add (item 4)


KILL_SCRIPT = """
import sys
from pathlib import Path
from gdkg.intake.staging import Placement, commit
from gdkg.project import Project
from gdkg.validation.check import Input
project = Project.find(sys.argv[1])
placements = []
for arg in sys.argv[2:]:
    source, dest = arg.split("=")
    dest = project.data_dir / dest
    placements.append(Placement(Input(source, Path(source).read_text(encoding="utf-8"), []), dest,
                                dest.exists()))
commit(project, placements)
"""


def _kill_states(proj: Path, tmp_path: Path):
    """Sources for a three-file add: two new files (one in a new directory), one replacement."""
    files = {}
    for name, slug in (("one", "kill-one"), ("two", "kill-two"), ("three", "kill-three")):
        path = tmp_path / f"{name}.ttl"
        path.write_text(enterprise(slug, f"杀{name}", f"Kill {name}"), encoding="utf-8")
        files[name] = path
    (proj.data_dir / "added").mkdir(exist_ok=True)
    (proj.data_dir / "added" / "three.ttl").write_text("# old three\n", encoding="utf-8")
    args = [f"{files['one']}=added/one.ttl", f"{files['two']}=brand-new/two.ttl",
            f"{files['three']}=added/three.ttl"]
    return files, args


def _data_only(state: dict[str, str]) -> dict[str, str]:
    """The graph's files (what the build loads), without .previous/ (its names carry a time)."""
    return {k: v for k, v in state.items() if not k.startswith(".previous")}


def _stamps_out(state: dict[str, str]) -> dict[str, str]:
    """The tree with the UTC times in .previous/ names, and the history's bytes (which hold
    them), left out."""
    import re

    return {re.sub(r"\.\d{8}T\d+Z", ".TIME", k): ("history" if k.endswith("history.json") else v)
            for k, v in state.items()}


def test_kill_at_every_step_of_a_multi_file_add_leaves_old_or_new(project, tmp_path):
    from gdkg.journal import journal_path, recover

    base = copy_project(project, tmp_path / "base")
    files, args = _kill_states(base, tmp_path)
    old = tree(base.data_dir)
    # the new state, from an add that is not killed
    ref = copy_project(base, tmp_path / "ref")
    done = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(ref.root), *args], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    new = tree(ref.data_dir)
    assert _data_only(new) != _data_only(old)
    seen = {"old": 0, "new": 0}
    k = 0
    while True:
        k += 1
        proj = copy_project(base, tmp_path / f"k{k}")
        done = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(proj.root), *args],
                              capture_output=True, text=True, env={**os.environ, "GDKG_TEST_KILL_AT": str(k)})
        if done.returncode == 0:
            break  # k is past the last step
        assert done.returncode == -signal.SIGKILL, done.stderr
        recover(proj, quiet=True)
        state = tree(proj.data_dir)
        assert not journal_path(proj).exists()
        assert not [p for p in state if p.endswith(".tmp")], (k, state)
        if _data_only(state) == _data_only(old):
            assert state == old, k  # rolled back: not even a backup or history left
            seen["old"] += 1
        else:
            assert _stamps_out(state) == _stamps_out(new), k  # backups and history included
            seen["new"] += 1
    assert k > 8  # journal, directories, five staged files, journal, renames …
    assert seen["old"] >= 4 and seen["new"] >= 4, seen
    print(f"kill points: {k - 1}, old state after {seen['old']}, new state after {seen['new']}")


def test_killed_cli_add_is_completed_or_rolled_back_by_the_next_command(proj, tmp_path):
    files, _ = _kill_states(proj, tmp_path)
    before = tree(proj.data_dir)
    # step 6: after the journal, a directory and the staged files, before the renames
    done = run(proj.root, "add", str(files["one"]), str(files["two"]), env={"GDKG_TEST_KILL_AT": "4"})
    assert done.returncode == -signal.SIGKILL
    assert (proj.root / ".gdkg.journal").exists()
    nxt = run(proj.root, "query", "--list")
    assert nxt.returncode == 0
    assert nxt.stderr.startswith("gdkg: note: rolled back an interrupted change to data/ttl/")
    assert tree(proj.data_dir) == before
    args = [f"{files['one']}=added/one.ttl", f"{files['two']}=added/two.ttl"]
    done = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(proj.root), *args], capture_output=True,
                          text=True, env={**os.environ, "GDKG_TEST_KILL_AT": "7"})
    assert done.returncode == -signal.SIGKILL
    nxt = run(proj.root, "query", "--list")
    assert nxt.stderr.startswith("gdkg: note: completed an interrupted change to data/ttl/")
    assert (proj.data_dir / "added" / "one.ttl").read_bytes() == files["one"].read_bytes()
    assert (proj.data_dir / "added" / "two.ttl").read_bytes() == files["two"].read_bytes()
    assert not [p for p in tree(proj.data_dir) if p.endswith(".tmp")]


# ---------------------------------------------------------------- add --undo (issue 8)


def test_undo_of_an_add_that_created_a_file_removes_it(proj, tmp_path, capsys):
    new = tmp_path / "undo-me.ttl"
    new.write_text(enterprise("undo-me", "撤销我", "Undo Me"), encoding="utf-8")
    before = _data_only(tree(proj.data_dir))
    assert gdkg(capsys, proj.root, "add", str(new))[0] == 0
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", "undo-me.ttl")
    assert code == 0, err
    assert out.startswith("undid the last add of data/ttl/added/undo-me.ttl: removed it (gdkg add had "
                          "created it); the undone version is kept as data/ttl/.previous/added/undo-me.ttl.")
    after = tree(proj.data_dir)
    assert {k: v for k, v in _data_only(after).items() if k != "added"} == before
    kept = next(proj.data_dir.glob(".previous/added/undo-me.ttl.*.undone"))
    assert kept.read_bytes() == new.read_bytes()
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", "undo-me.ttl")
    assert code == 2
    assert err == "gdkg: error: nothing to undo for undo-me.ttl: data/ttl/added/undo-me.ttl does not exist\n"


def test_undo_of_a_replace_restores_the_previous_version(proj, tmp_path, capsys):
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir()
    second.mkdir()
    (first / "firm.ttl").write_text(enterprise("undo-firm", "撤销公司", "Undo Firm"), encoding="utf-8")
    (second / "firm.ttl").write_text(enterprise("undo-firm", "撤销公司", "Undo Firm Ltd"), encoding="utf-8")
    from gdkg.intake.staging import Placement, commit
    from gdkg.validation.check import Input

    dest = proj.data_dir / "added" / "firm.ttl"
    for version in (first, second):  # what two validated adds (the second with --replace) write
        text = (version / "firm.ttl").read_text(encoding="utf-8")
        commit(proj, [Placement(Input(str(version), text, []), dest, dest.exists())])
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", str(dest))
    assert code == 0, err
    assert "restored data/ttl/.previous/added/firm.ttl." in out
    assert dest.read_bytes() == (first / "firm.ttl").read_bytes()
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", "firm.ttl")  # and the first add too
    assert code == 0 and not dest.exists()


def test_undo_with_nothing_recorded_or_after_a_hand_edit_changes_nothing(proj, tmp_path, capsys):
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", "data/ttl/core/places.ttl")
    assert code == 2
    assert err == ("gdkg: error: nothing to undo for data/ttl/core/places.ttl: no `gdkg add` of it is "
                   "recorded in data/ttl/.previous/history.json\n")
    new = tmp_path / "edited.ttl"
    new.write_text(enterprise("edited", "已编辑", "Edited"), encoding="utf-8")
    assert gdkg(capsys, proj.root, "add", str(new))[0] == 0
    dest = proj.data_dir / "added" / "edited.ttl"
    dest.write_text(dest.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", "--undo", "edited.ttl")
    assert code == 2
    assert err.startswith("gdkg: error: data/ttl/added/edited.ttl changed since `gdkg add` wrote it; undo "
                          "would lose those changes, so nothing was done")
    assert tree(proj.data_dir) == before


# ---------------------------------------------------------------- CSV formula injection (item 8)


def test_spreadsheet_cell_rule():
    for cell in ("=1+1", "+cmd", "-x", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_cell(cell) == "'" + cell
    for cell in ("plain", "广州", "", "-3.5", "+12", "1e5", "'=already"):
        assert spreadsheet_cell(cell) == cell


def test_formula_cells_are_warned_about_on_import_and_defused_on_export(proj, tmp_path, capsys):
    source = BAD / "csv-formula-cells.csv"
    output = tmp_path / "formulas.ttl"
    code, out, err = gdkg(capsys, proj.root, "import", "csv", "--type", "enterprise", str(source),
                          "-o", str(output))
    assert code == 0, err
    warned = [line for line in err.splitlines() if "so a spreadsheet would run it as a formula" in line]
    assert [line.split(": warning:")[0] for line in warned] == [
        f"note: {source} row 2: column J (comment_en)",
        f"note: {source} row 3: column C (label_en)",
        f"note: {source} row 3: column J (comment_en)"]
    (proj.data_dir / "added").mkdir()
    (proj.data_dir / "added" / "formulas.ttl").write_bytes(output.read_bytes())  # as add would
    code, out, err = gdkg(capsys, proj.root, "import", "template", "--type", "enterprise", "--from-graph")
    assert code == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["ent:formula-two"]["label_en"] == "'@SUM(1+1)"
    assert rows["ent:formula-one"]["comment_en"] == "'=HYPERLINK(\"http://evil.example/\",\"click\")"
    formulas = [cell for row in csv.reader(io.StringIO(out)) for cell in row if cell and cell[0] in "=+-@\t\r"
                and not cell.lstrip("+-").replace(".", "", 1).isdigit()]
    assert formulas == []


def test_import_reads_gdkgs_own_escaped_cells_back():
    from gdkg.intake.spreadsheet import formula_cells

    rows = [["label_en", "comment_en"], ["'@SUM(1+1)", "'plain"], ["=1+1", "-3.5"]]
    notices = formula_cells("x.csv", rows, rows[0])
    assert rows[1:] == [["@SUM(1+1)", "'plain"], ["=1+1", "-3.5"]]
    assert [(n.line, n.message("en").split(":")[0]) for n in notices] == [
        (2, "column A (label_en)"), (3, "column A (label_en)")]


def test_query_and_matrix_csv_defuse_formulas(proj, tmp_path, capsys):
    query = tmp_path / "formula.rq"
    query.write_text('SELECT ?x WHERE { VALUES ?x { "=1+2" "-a" "plain" "-4" } }\n', encoding="utf-8")
    code, out, err = gdkg(capsys, proj.root, "query", "--file", str(query), "--format", "csv")
    assert code == 0, err
    assert sorted(out.splitlines()[1:]) == sorted(["'=1+2", "'-a", "plain", "-4"])

