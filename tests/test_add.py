"""`gdkg add`: validated files go into data/ttl/ atomically; anything else changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import BAD_INPUTS, TURTLE_HEAD, copy_project, gdkg, tree
from gdkg.intake.staging import PREVIOUS_DIR
from gdkg.load import load_triples, parse_file

BAD = BAD_INPUTS

HEAD = TURTLE_HEAD


def enterprise(slug: str, zh: str, en: str) -> str:
    return (f"\nent:{slug} a gd:Enterprise ;\n    rdfs:label \"{zh}\"@zh , \"{en}\"@en ;\n"
            "    gd:belongsToCluster cluster:intelligent-robots ;\n"
            "    gd:locatedIn city:shenzhen ;\n    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n")




@pytest.fixture
def proj(built, tmp_path):
    """A copy of the built project, build/ included (still fresh: the inputs are the same),
    so each add checks against the cached validation as on a maintainer's checkout."""
    import shutil

    copy = copy_project(built.project, tmp_path / "project")
    shutil.copytree(built.project.build_dir, copy.build_dir)
    return copy


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "robots.ttl"
    path.write_text(HEAD + enterprise("example-robotics", "示例机器人", "Example Robotics"),
                    encoding="utf-8")
    return path


def test_add_writes_the_file_and_the_graph_then_holds_it(proj, good, capsys):
    code, out, err = gdkg(capsys, proj.root, "add", str(good))
    assert code == 0, out + err
    dest = proj.data_dir / "added" / "robots.ttl"
    assert dest.read_bytes() == good.read_bytes()
    assert out.splitlines()[-1] == f"added {good} -> data/ttl/added/robots.ttl (6 triples)"
    assert set(parse_file(good)) <= load_triples(proj.graph_files())
    assert not [p for p in dest.parent.iterdir() if p.name.endswith(".tmp")]


def test_failed_validation_changes_nothing(proj, tmp_path, capsys):
    path = tmp_path / "bad.ttl"
    path.write_text((BAD / "dangling-reference.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(path))
    assert code == 1
    assert "nothing added: fix the problems above and run gdkg add again" in err
    assert tree(proj.data_dir) == before


def test_existing_destination_needs_replace(proj, good, capsys):
    assert gdkg(capsys, proj.root, "add", str(good))[0] == 0
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(good))
    assert code == 2
    assert err == ("gdkg: error: data/ttl/added/robots.ttl already exists; pass --replace to "
                   "replace it (its current version is then kept in data/ttl/.previous/)\n")
    assert tree(proj.data_dir) == before


def test_replace_keeps_the_previous_version_outside_the_graph(proj, good, capsys):
    assert gdkg(capsys, proj.root, "add", str(good))[0] == 0
    first = (proj.data_dir / "added" / "robots.ttl").read_bytes()
    # the same entity with another English label: only valid because the old file is replaced
    good.write_text(HEAD + enterprise("example-robotics", "示例机器人", "Example Robots Ltd"),
                    encoding="utf-8")
    code, out, err = gdkg(capsys, proj.root, "add", str(good), "--replace")
    assert code == 0, out + err
    assert (proj.data_dir / "added" / "robots.ttl").read_bytes() == good.read_bytes()
    backups = list((proj.data_dir / PREVIOUS_DIR / "added").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("robots.ttl.")
    assert backups[0].read_bytes() == first
    assert f"previous version kept as data/ttl/.previous/added/{backups[0].name}" in out
    assert backups[0] not in proj.data_files()  # never loaded by the build


def test_to_a_directory_under_data_ttl(proj, good, capsys):
    code, out, err = gdkg(capsys, proj.root, "add", str(good), "--to", "data/ttl/clusters")
    assert code == 0, out + err
    assert (proj.data_dir / "clusters" / "robots.ttl").read_bytes() == good.read_bytes()


@pytest.mark.parametrize("to", ["/tmp", "data", "data/ttl/.previous", "../elsewhere"])
def test_to_outside_data_ttl_is_refused(proj, good, capsys, to):
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(good), "--to", to)
    assert code == 2
    assert err.startswith(f"gdkg: error: --to {to}: must be a directory under data/ttl/")
    assert tree(proj.data_dir) == before


def test_a_file_already_in_data_ttl_is_refused(proj, capsys):
    inside = proj.data_dir / "clusters" / "automobiles.ttl"
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(inside))
    assert code == 2
    assert "already part of the graph" in err
    assert tree(proj.data_dir) == before


def test_two_files_of_one_name_are_refused(proj, good, tmp_path, capsys):
    other = tmp_path / "sub" / "robots.ttl"
    other.parent.mkdir()
    other.write_text(HEAD + enterprise("example-drones", "示例无人机", "Example Drones"),
                     encoding="utf-8")
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(good), str(other))
    assert code == 2
    assert err == (f"gdkg: error: {other} and {good} would both become "
                   "data/ttl/added/robots.ttl; rename one of them\n")
    assert tree(proj.data_dir) == before


def test_dry_run_writes_nothing(proj, good, capsys):
    before = tree(proj.data_dir)
    code, out, err = gdkg(capsys, proj.root, "add", str(good), "--dry-run")
    assert code == 0
    assert "would add data/ttl/added/robots.ttl (6 triples from " in out
    assert tree(proj.data_dir) == before


def test_non_ttl_name_gets_ttl_suffix(proj, tmp_path, capsys):
    path = tmp_path / "robots.turtle"
    path.write_text(HEAD + enterprise("example-robotics", "示例机器人", "Example Robotics"),
                    encoding="utf-8")
    assert gdkg(capsys, proj.root, "add", str(path))[0] == 0
    assert (proj.data_dir / "added" / "robots.ttl").is_file()


def test_several_files_validated_together_and_written_together(proj, tmp_path, capsys):
    a = tmp_path / "a.ttl"
    b = tmp_path / "b.ttl"
    a.write_text(HEAD + enterprise("example-robotics", "示例机器人", "Example Robotics"),
                 encoding="utf-8")
    # b refers to the enterprise a defines: fine together, dangling alone
    b.write_text(HEAD + "@prefix proj: <https://w3id.org/gdkg/id/project/> .\n\n"
                 "proj:example-robot-plant a gd:Project ;\n"
                 "    rdfs:label \"示例机器人工厂\"@zh , \"Example robot plant\"@en ;\n"
                 "    gd:involvesEnterprise ent:example-robotics ;\n"
                 "    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n", encoding="utf-8")
    before = tree(proj.data_dir)
    assert gdkg(capsys, proj.root, "add", str(b))[0] == 1
    assert tree(proj.data_dir) == before
    code, out, err = gdkg(capsys, proj.root, "add", str(a), str(b))
    assert code == 0, out + err
    assert {"a.ttl", "b.ttl"} <= {p.name for p in (proj.data_dir / "added").iterdir()}


def test_crash_half_way_leaves_data_ttl_unchanged(proj, good, tmp_path, capsys, monkeypatch):
    """A failure on the second rename undoes the first and removes every temporary file."""
    other = tmp_path / "drones.ttl"
    other.write_text(HEAD + enterprise("example-drones", "示例无人机", "Example Drones"),
                     encoding="utf-8")
    assert gdkg(capsys, proj.root, "add", str(good))[0] == 0
    good.write_text(HEAD + enterprise("example-robotics", "示例机器人", "Example Robots Ltd"),
                    encoding="utf-8")
    before = tree(proj.data_dir)
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst).endswith("drones.ttl"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)  # the journal's renames
    code, out, err = gdkg(capsys, proj.root, "add", str(good), str(other), "--replace")
    assert code == 2
    assert err.startswith("gdkg: error: could not write to data/ttl/: No space left on device")
    assert any(str(c).endswith("robots.ttl") for c in calls)  # the first rename did happen
    assert tree(proj.data_dir) == before
