"""The built wheel, installed in a fresh venv, builds and queries its bundled graph from an
empty directory (issue 8: "works outside a checkout"). Slow (a wheel build, a venv, an
install from the package index): one test, marked ``slow``; deselect with -m "not slow"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SOURCES = ("pyproject.toml", "setup.py", "setup.cfg", "MANIFEST.in", "README.md",
           "src", "ontology", "data", "shapes", "queries")


def _run(args, cwd, env, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_builds_and_queries_from_an_empty_directory(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GDKG_") and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    (tmp_path / "home").mkdir()
    # build from a clean copy of the checkout, so the checkout gets no build artefacts
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".previous")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    pip_cache = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache/pip")
    env["PIP_CACHE_DIR"] = pip_cache  # reuse downloads across runs (HOME is private here)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source],
         tmp_path, env)
    wheel = next((tmp_path / "dist").glob("gdkg-*.whl"))
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for bundled in ("gdkg/_bundle/ontology/gdkg.ttl", "gdkg/_bundle/data/ttl/core/documents.ttl",
                    "gdkg/_bundle/shapes/core.ttl", "gdkg/_bundle/queries/shared-core-cities.rq"):
        assert bundled in names, bundled
    venv = tmp_path / "venv"
    # a fresh venv of its own; this pip installs into it (--python), which saves bootstrapping pip
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    _run([sys.executable, "-m", "pip", "--python", venv / "bin/python", "install", "-q", str(wheel)],
         tmp_path, env, timeout=600)

    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run([venv / "bin/python", "-c", "import gdkg.project as p; print(p.bundled_sources())"],
                 empty, env).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("_bundle")
    built = _run([venv / "bin/gdkg", "build"], empty, env)
    assert "validation: conforms" in built.stdout
    assert "sources: the graph installed with gdkg" in built.stdout
    cache = tmp_path / "cache/gdkg"
    assert len(list(cache.glob("*/build/manifest.json"))) == 1
    assert list(empty.iterdir()) == []  # nothing written where the user stands
    # 附件 1: Guangzhou, Shenzhen and Foshan are ★★★ (core) cities of both 汽车 and 新能源
    found = _run([venv / "bin/gdkg", "query", "shared-core-cities", "--param", "a=汽车",
                  "--param", "b=新能源", "--format", "csv"], empty, env).stdout
    cities = {line.split(",")[2] for line in found.splitlines()[1:]}  # W3C CSV: city, cityZh, cityEn
    assert cities == {"Guangzhou", "Shenzhen", "Foshan"}
    again = _run([venv / "bin/python", "-m", "gdkg", "build"], empty, env)
    assert "up to date (cached)" in again.stdout
    made = _run([venv / "bin/gdkg", "init", "mine"], empty, env)
    assert "created a gdkg project" in made.stdout
    assert (empty / "mine/data/ttl/added").is_dir() and (empty / "mine/ontology/gdkg.ttl").is_file()
