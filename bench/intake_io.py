"""What the intake hardening costs (issue 7 items 2, 4-7): bounded reading, the verified
cache, the journalled add and the iterative blank-node labelling.

Usage:  python bench/intake_io.py [--runs 5]

Reported (median of --runs, in ms):
  - read_bounded vs Path.read_bytes of a 10 MB file
  - the cache check every command makes (sizes) and the one opening makes (SHA-256 of
    asserted.nt + inferred.nt), and of all build/ files (what `gdkg build` checks)
  - a journalled commit of three files (one replacing) into data/ttl/, with fsyncs
  - canonical_blank_nodes on a chain of 20,000 nested blank nodes (the old recursive
    version stopped at Python's recursion limit, about 1,000)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rdflib import BNode, Literal, URIRef  # noqa: E402

from gdkg.intake.staging import Placement, commit  # noqa: E402
from gdkg.load import canonical_blank_nodes  # noqa: E402
from gdkg.manifest import cache_state  # noqa: E402
from gdkg.pipeline import build  # noqa: E402
from gdkg.project import Project  # noqa: E402
from gdkg.safe_io import read_bounded  # noqa: E402
from gdkg.validation.check import Input  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = folder / "big.ttl"
        big.write_bytes(b"# x\n" * (10 * 1024 * 1024 // 4))
        print(f"read 10 MB: Path.read_bytes {median_ms(big.read_bytes, runs):.1f} ms, "
              f"read_bounded {median_ms(lambda: read_bounded(big, 10 * 1024 * 1024), runs):.1f} ms")

        for name in ("ontology", "data", "shapes", "queries"):
            shutil.copytree(ROOT / name, folder / "p" / name)
        project = Project(folder / "p")
        build(project, force=True)
        digest = project.input_hash()
        sizes = median_ms(lambda: cache_state(project, digest), runs)
        opened = median_ms(lambda: cache_state(project, digest, ("asserted.nt", "inferred.nt")), runs)
        every = median_ms(lambda: cache_state(project, digest, True), runs)
        total = sum(p.stat().st_size for p in project.build_dir.iterdir()) / 1024 / 1024
        print(f"cache check ({total:.1f} MB in build/): sizes {sizes:.2f} ms, + SHA-256 of the two "
              f".nt files {opened:.1f} ms, + SHA-256 of all {every:.1f} ms "
              f"(input hash itself: {median_ms(project.input_hash, runs):.1f} ms)")

        sources = []
        for i in range(3):
            path = folder / f"new{i}.ttl"
            path.write_text(f"# file {i}\n" * 2000, encoding="utf-8")
            sources.append(path)
        (project.data_dir / "added").mkdir(exist_ok=True)
        (project.data_dir / "added" / "new2.ttl").write_text("# old\n", encoding="utf-8")

        def add() -> None:
            placements = []
            for path in sources:
                dest = project.data_dir / "added" / path.name
                placements.append(Placement(Input(str(path), path.read_text(encoding="utf-8"), []),
                                            dest, dest.exists()))
            commit(project, placements)
            for path in sources[:2]:
                (project.data_dir / "added" / path.name).unlink()

        print(f"journalled commit of 3 files (1 replaced), with fsyncs: {median_ms(add, runs):.1f} ms")

        p = URIRef("http://example.org/p")
        nodes = [BNode() for _ in range(20_000)]
        triples = {(URIRef("http://example.org/root"), p, nodes[0]), (nodes[-1], p, Literal("end"))}
        triples |= {(nodes[i], p, nodes[i + 1]) for i in range(len(nodes) - 1)}
        print(f"canonical_blank_nodes, chain of 20,000: "
              f"{median_ms(lambda: canonical_blank_nodes(set(triples)), max(1, runs // 2)):.0f} ms")


if __name__ == "__main__":
    main()
