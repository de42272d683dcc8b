"""Packaging step: the wheel carries the project's ontology/, data/, shapes/ and queries/.

The top-level folders stay the single source; at build time they are copied into
the package as ``gdkg/_bundle/`` so an installed gdkg can build its graph outside a
checkout (see gdkg.project.bundled_sources). An editable install reads the
checkout itself, so nothing is copied there."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SOURCES = ("ontology", "data", "shapes", "queries")


def _skip(folder, names):
    return {n for n in names if n in (".previous", "__pycache__") or n.endswith(".tmp")}


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "gdkg" / "_bundle"
        shutil.rmtree(target, ignore_errors=True)
        for name in SOURCES:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"setup.py: {source} is missing; build the wheel from a full "
                                 "checkout or its sdist")
            shutil.copytree(source, target / name, ignore=_skip)


setup(cmdclass={"build_py": BuildWithBundle})
