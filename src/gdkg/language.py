"""The one language setting of the CLI, and counted nouns in either language.

The default is English for every command; ``--lang zh`` or ``GDKG_LANG=zh`` switches
messages, summaries and labels to Chinese."""

from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

#: the language the running command resolved (set by ``gdkg.cli.main``), for output made
#: deep inside the API, e.g. the progress of a build that a query starts
current = DEFAULT_LANG

#: counted nouns: English singular, English plural, Chinese (measure word included)
_NOUNS = {
    "violation": ("violation", "violations", "个违规"),
    "warning": ("warning", "warnings", "个警告"),
    "info": ("info", "infos", "个提示"),
    "triple": ("triple", "triples", "个三元组"),
    "file": ("file", "files", "个文件"),
    "entity": ("entity", "entities", "个实体"),
    "result": ("result", "results", "条结果"),
    "row": ("row", "rows", "行"),
    "error": ("error", "errors", "处错误"),
}


def say(lang: str, en: str, zh: str) -> str:
    """``zh`` when the language is Chinese, else ``en``."""
    return zh if lang == "zh" else en


def count(n: int, noun: str, lang: str = "en") -> str:
    """'1 violation', '2 violations', '2 处违规'."""
    singular, plural, chinese = _NOUNS.get(noun, (noun, noun + "s", noun))
    if lang == "zh":
        return f"{n} {chinese}"
    return f"{n} {singular if n == 1 else plural}"


class BilingualError(Exception):
    """An error whose message exists in English (``str(exc)``) and, where given, Chinese."""

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.zh = zh

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" and self.zh else str(self)


def error_text(exc: BaseException, lang: str = "en") -> str:
    """The message of ``exc`` in ``lang`` where it has one."""
    return exc.text(lang) if isinstance(exc, BilingualError) else str(exc)


def error_prefix(lang: str = "en") -> str:
    return "gdkg: 错误: " if lang == "zh" else "gdkg: error: "
