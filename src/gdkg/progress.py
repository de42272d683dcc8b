"""Step timing and progress lines, so no user waits blind."""

from __future__ import annotations

import re
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
    #: the stage that raised, with its error, if one did
    failed: tuple[str, str] | None = None
    #: language of the stage names shown (the names recorded stay as given)
    lang: str = "en"

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block; a block that raises is marked ✗ with its error, then re-raised."""
        shown = self.label(name)
        if self.stream is not None:
            print(f"… {shown}", file=self.stream, flush=True)
        start = time.perf_counter()
        try:
            yield
        except BaseException as exc:
            seconds = time.perf_counter() - start
            self.stages.append((name, seconds))
            reason = _first_line(exc, self.lang)
            self.failed = (name, reason)
            if self.stream is not None:
                print(f"✗ {shown} ({seconds:.2f} s): {reason}", file=self.stream, flush=True)
            raise
        seconds = time.perf_counter() - start
        self.stages.append((name, seconds))
        if self.stream is not None:
            print(f"✓ {shown} ({seconds:.2f} s)", file=self.stream, flush=True)

    def label(self, name: str) -> str:
        """The stage name in the timer's language."""
        if self.lang != "zh":
            return name
        for pattern, chinese in _ZH_STAGES:
            name = re.sub(pattern, chinese, name)
        return name

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.stages)

    def summary(self) -> str:
        parts = ", ".join(f"{self.label(name)} {seconds:.2f} s" for name, seconds in self.stages)
        if self.lang == "zh":
            return f"{parts}；共 {self.total:.2f} s"
        return f"{parts}; total {self.total:.2f} s"


#: Chinese for the words of the stage names the pipeline and release use
_ZH_STAGES = [
    (r"^load (\d+) files", r"加载 \1 个文件"),
    (r"^reason \(OWL RL: (\w+)\)", r"推理（OWL RL：\1）"),
    (r"^write report and manifest", "写出报告与清单"),
    (r"^write build/", "写出 build/"),
    (r"^validate \(SHACL\)", "校验（SHACL）"),
    (r" — ran alongside", "（并行）"),
    (r"^write release", "写出发布包"),
    (r"^read ", "读取 "),
    (r"^compare", "比较"),
    (r"^serialise$", "序列化"),
    (r"^export (\S+) as (\S+)$", r"导出 \1（\2）"),
    (r"^projections and metrics$", "网络投影与指标"),
    (r"^chain completeness and gaps$", "产业链完整度与缺口"),
    (r"^figures$", "作图"),
    (r"^write$", "写出"),
]


def _first_line(exc: BaseException, lang: str = "en") -> str:
    from .language import error_text

    if isinstance(exc, KeyboardInterrupt):
        return "已中断" if lang == "zh" else "interrupted"
    text = error_text(exc, lang).strip().splitlines()
    return text[0] if text else type(exc).__name__


def stderr_timer(quiet: bool = False, lang: str | None = None) -> Timer:
    """Progress on stderr, in ``lang`` (default: the language of the running command)."""
    if lang is None:
        from . import language

        lang = language.current
    return Timer(None if quiet else sys.stderr, lang=lang)
