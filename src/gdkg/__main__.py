"""``python -m gdkg``: the same command line as ``gdkg``."""

import sys

from .cli import run

sys.exit(run())
