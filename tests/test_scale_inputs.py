"""Bad input at scale (issue 12 item 9): a file too large for `gdkg validate` is refused by its
size, with the limit and a hint, before it is parsed; a file just under the limit is validated.

A 1 M-triple file of this domain is ~50 MB of Turtle (bench/generate.py), five times the default
10 MB limit; the same check is shown here on a small synthetic file with a lowered --max-size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import gdkg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate  # noqa: E402  (bench/generate.py: synthetic entities valid under the shapes)


def test_file_over_the_size_limit_is_refused_with_the_sizes(built, tmp_path, capsys):
    _, files = generate.generate(2_000, tmp_path / "new", start=20_000_000, prefix="sized",
                                 per_file=10_000, project=built.project)
    [path] = files
    megabytes = path.stat().st_size / 1024 / 1024
    limit = round(megabytes * 0.9, 3)
    shown = f"{int(limit * 1024 * 1024) / 1024 / 1024:g}"  # the limit in bytes, as the message gives it
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path), "--max-size", str(limit))
    assert code == 2 and out == ""
    assert err == (f"gdkg: error: {path}: file is {megabytes:.1f} MB, over the {shown} MB limit for one "
                   "new file\n  hint: split it into smaller files, or raise the limit with "
                   "--max-size MB\n")
    code, out, err = gdkg(capsys, built.project.root, "validate", str(path),
                          "--max-size", str(round(megabytes * 1.1, 3)))
    # read and validated, not refused: the new entities cite the synthetic source document,
    # which the generator writes with its first batch only, so they do not conform on their own
    assert code == 1, err
    assert "does NOT conform" in out + err and "limit" not in err and "Traceback" not in err
