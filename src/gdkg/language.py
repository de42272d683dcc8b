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
    "temporary file": ("temporary file", "temporary files", "个临时文件"),
    "query": ("query", "queries", "个查询"),
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


class Text(str):
    """A message in both languages. Its value is the English text, so it is a ``str``
    wherever one is expected (``str(exc)``, tests, logs); ``zh`` holds the Chinese.

    ``+`` with a str or another Text keeps both languages (``Text + "; …"``); use
    :func:`fmt` to put names, paths or other Texts into a template pair."""

    zh: str

    def __new__(cls, en: str, zh: str | None = None) -> Text:
        made = super().__new__(cls, en)
        made.zh = str(en) if zh is None else zh
        return made

    def __reduce__(self):  # pickled across processes (query workers) with both languages
        return (Text, (str(self), self.zh))

    def __add__(self, other):
        if isinstance(other, Text):
            return Text(str(self) + str(other), self.zh + other.zh)
        if isinstance(other, str):
            return Text(str(self) + other, self.zh + other)
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, str):
            return Text(other + str(self), other + self.zh)
        return NotImplemented

    def pick(self, lang: str | None = None) -> str:
        """The text in ``lang`` (default: the language of the running command)."""
        return self.zh if (lang or current) == "zh" else str(self)


def fmt(en: str, zh: str, /, **values: object) -> Text:
    """``Text(en.format(**values), zh.format(**values))``; a value that is a Text (or an
    exception carrying one) is put in in each template's own language; an exception with
    an English-only message (a library's) is quoted in the Chinese as it is: 「…」."""
    english = {k: (str(v) if isinstance(v, str) else _plain(v)) for k, v in values.items()}
    chinese = {k: (v.zh if isinstance(v, Text) else _chinese(v) if isinstance(v, BaseException)
                   else v) for k, v in values.items()}
    return Text(en.format(**english), zh.format(**chinese))


def _chinese(exc: BaseException) -> str:
    bilingual = callable(getattr(exc, "text", None)) or (len(exc.args) == 1 and isinstance(exc.args[0], Text))
    return error_text(exc, "zh") if bilingual else f"「{exc}」"


def _plain(value: object) -> object:
    return str(value) if isinstance(value, BaseException) else value


def text(value: str, lang: str | None = None) -> str:
    """``value`` in ``lang`` (default: the running command's) if it is a :class:`Text`."""
    return value.pick(lang) if isinstance(value, Text) else str(value)


def message(exc: BaseException) -> Text:
    """The message of ``exc`` as a Text (its Chinese where it has one, else quoted), to build on."""
    return Text(str(exc), _chinese(exc))


class BilingualError(Exception):
    """An error whose message exists in English (``str(exc)``) and, where given, Chinese:
    ``BilingualError(en, zh)`` or ``BilingualError(Text(en, zh))``."""

    def __init__(self, en: str, zh: str | None = None):
        if zh is None and isinstance(en, Text):
            zh = en.zh
        super().__init__(Text(en, zh))
        self.zh = zh

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" and self.zh else str(self)


def error_text(exc: BaseException, lang: str = "en") -> str:
    """The message of ``exc`` in ``lang``: an exception renders itself (``exc.text(lang)``),
    or carries a :class:`Text` as its one argument; any other is shown as ``str(exc)``."""
    render = getattr(exc, "text", None)
    if callable(render):
        return render(lang)
    if len(exc.args) == 1 and isinstance(exc.args[0], Text):
        return exc.args[0].pick(lang)
    return str(exc)


def hint_label(lang: str = "en") -> str:
    """The label of the hint line under an error ('  hint: …')."""
    return "  提示：" if lang == "zh" else "  hint: "


def error_prefix(lang: str = "en") -> str:
    return "gdkg: 错误: " if lang == "zh" else "gdkg: error: "


#: the operating system's reasons (strerror) in Chinese, by errno name
_OS_REASONS_ZH = {
    "ENOENT": "没有该文件或目录", "EACCES": "权限不足", "EPERM": "不允许该操作",
    "EROFS": "只读文件系统", "ENOSPC": "磁盘空间不足", "EDQUOT": "超出磁盘配额",
    "EFBIG": "文件过大", "ENOTDIR": "不是目录", "EISDIR": "是目录", "EEXIST": "已存在",
    "ENOTEMPTY": "目录非空", "ELOOP": "符号链接层数过多", "ENAMETOOLONG": "文件名过长",
    "EBUSY": "设备或资源忙", "EIO": "输入/输出错误", "EXDEV": "跨设备的链接",
    "ECONNREFUSED": "连接被拒绝", "ETIMEDOUT": "连接超时", "EHOSTUNREACH": "主机不可达",
    "ENETUNREACH": "网络不可达", "ECONNRESET": "连接被重置",
}


def os_reason(exc: BaseException) -> Text:
    """Why an OSError happened (its strerror), with the Chinese for the common errnos."""
    import errno

    english = getattr(exc, "strerror", None) or str(exc)
    name = errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    return Text(english, _OS_REASONS_ZH.get(name, english))


def join(items, en_sep: str = "; ", zh_sep: str = "；") -> Text:
    """Texts (or strs) joined in each language with its own separator."""
    items = list(items)
    return Text(en_sep.join(str(i) for i in items), zh_sep.join(text(i, "zh") for i in items))


def note(message: str, lang: str | None = None) -> str:
    """'gdkg: note: …' (a remark on stderr that is not an error), in ``lang``."""
    lang = lang or current
    return ("gdkg: 注意: " if lang == "zh" else "gdkg: note: ") + text(message, lang)
