"""Step timing and progress lines, so no user waits blind."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Timer:
    """Records how long each named stage took; optionally prints as it goes."""

    stream: TextIO | None = None
    stages: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.stream is not None:
            print(f"… {name}", file=self.stream, flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.stages.append((name, seconds))
            if self.stream is not None:
                print(f"✓ {name} ({seconds:.2f} s)", file=self.stream, flush=True)

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.stages)

    def summary(self) -> str:
        parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages)
        return f"{parts}; total {self.total:.2f} s"


def stderr_timer(quiet: bool = False) -> Timer:
    return Timer(None if quiet else sys.stderr)
