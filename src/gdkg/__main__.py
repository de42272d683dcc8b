"""``python -m gdkg``: the same command line as ``gdkg``."""

import sys

from .cli import main

sys.exit(main())
