"""The one language setting of the CLI, and counted nouns in either language.

The default is English for every command; ``--lang zh`` or ``GDKG_LANG=zh`` switches
messages, summaries and labels to Chinese."""

from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

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
