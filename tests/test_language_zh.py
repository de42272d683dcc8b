"""One language for every message (issue 8 item 4): each command, given bad input, says
what is wrong in Chinese under ``--lang zh`` and under ``GDKG_LANG=zh``, and in English by
default. Names, paths, file:line:column, IRIs and commands stay as the user typed them.

What "in Chinese" means here (``assert_chinese``): every line of the message, once the
parts kept verbatim are taken out (quoted names '…' "…", a parser's own words 「…」,
`commands`, <IRIs>, paths and URLs, --options, prefixed names, ALL-CAPS names such as
SPARQL keywords or GDKG_LANG), holds Chinese and none of the English words sentences are
made of (the, is, not, no, cannot, expected, file, …). "In English" (``assert_english``):
no Chinese punctuation and none of the Chinese words messages are made of.
Each case also names the fragment that shows it is the right message, in both languages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BAD_INPUTS, TURTLE_HEAD, copy_project, gdkg, tree

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")

#: a character of a path, name or command (not a space, nor Chinese or its punctuation)
_PLAIN = r"[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"

#: the parts of a message that stay as typed or as the file says, in any language
VERBATIM = re.compile(r"""
    ^gdkg(\ [a-z-]+)?:                          # who speaks: gdkg, or gdkg COMMAND (argparse)
  | `[^`\n]*`                                  # a command
  | '[^'\n]*' | "[^"\n]*" | 「[^」\n]*」        # a name or value; a parser's own words
  | <[^>\s]*>                                  # an IRI
  | {_PLAIN}*[/\\]{_PLAIN}*                    # a path or URL (with what is glued to it)
  | (?<![\w-])--?[A-Za-z][\w-]*(={_PLAIN}*)?   # an option
  | \b[\w.-]+\.(ttl|csv|rq|nt|gz|json|md|html|gexf|graphml|lock|journal)\b  # a file name
  | \b[a-z][\w-]*:[\w-]+                        # a prefixed name
  | \$?\b[A-Z][A-Z0-9_]+\b(={_PLAIN}*)?         # SPARQL keywords, formats, environment variables
""".replace("{_PLAIN}", _PLAIN), re.X)

#: words English sentences are made of; none may remain in a Chinese message
ENGLISH_WORDS = set("""
    the is are was were be been not no nothing cannot can must may should would could did
    do does of to in into for and or with without on at by from as than more over under after
    before it its this that these there here you your please give pass use run try expected
    error hint note file files line column triple triples query queries parameter parameters
    unknown missing given twice refused changed written added removed restored kept undid
    waiting still holds lock limit directory exists already rebuild rebuilding interrupted
    timeout answer answered server reach mean named names name found empty binary looks like
    contain contains holds only needs need between whole because instead
""".split())

#: words and marks Chinese messages are made of; none may be in an English one
CHINESE_MARKS = re.compile(r"[，。；：（）？！、]|错误|提示|请|无法|不是|没有|已")


def _prose(line: str) -> str:
    return VERBATIM.sub(" ", line)


def assert_chinese(message: str) -> None:
    lines = [line for line in message.splitlines() if line.strip()]
    assert lines, "no message"
    for line in lines:
        if line.startswith("    "):  # a quoted source line and its caret (SPARQL syntax errors)
            continue
        prose = _prose(line)
        assert CJK.search(prose), f"no Chinese in: {line!r}"
        words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]*", prose)}  # located_in: a name
        assert not words & ENGLISH_WORDS, f"English words {sorted(words & ENGLISH_WORDS)} in: {line!r}"


def assert_english(message: str) -> None:
    prose = "\n".join(_prose(line) for line in message.splitlines() if not line.startswith("    "))
    assert message.strip(), "no message"
    found = CHINESE_MARKS.findall(prose)
    assert not found, f"Chinese {found} in an English message: {message!r}"
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]*", prose)}
    assert words & ENGLISH_WORDS, f"not an English sentence: {message!r}"


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    exit: int
    #: a fragment of the expected message in each language ({bad}: tests/bad_inputs/, {root})
    en: str
    zh: str
    #: what to set up in the project copy first (given the root), if anything
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: where the message is: the error lines on stderr (default), stdout, or the last line
    #: of stderr (after a report)
    stream: str = "stderr"


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return setup


def _symlink(relative: str, target: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / relative).symlink_to(root / target)
    return setup


def _mkdir(relative: str, with_file: bool = False) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / relative).mkdir(parents=True, exist_ok=True)
        if with_file:
            (root / relative / "keep.txt").write_text("x", encoding="utf-8")
    return setup


GOOD = (TURTLE_HEAD + "\nent:sprache-robotics a gd:Enterprise ;\n"
        '    rdfs:label "语言机器人"@zh , "Sprache Robotics"@en ;\n'
        "    gd:belongsToCluster cluster:intelligent-robots ;\n    gd:locatedIn city:shenzhen ;\n"
        "    prov:wasDerivedFrom fyp:ch3-cluster-15 .\n")

CASES = [
    # LoadError: syntax errors keep file:line:column; the parser's message is translated
    Case("syntax-error", ("validate", "{bad}/syntax-missing-dot.ttl"), 2,
         "{bad}/syntax-missing-dot.ttl:15:1: A dot is expected at the end of statements",
         "{bad}/syntax-missing-dot.ttl:15:1: 语句末尾缺少句点 '.'"),
    Case("unterminated", ("validate", "{bad}/syntax-unterminated-string.ttl"), 2,
         "hint: something opened here", "提示：此处打开的东西"),
    Case("unknown-prefix", ("validate", "{bad}/unknown-prefix.ttl"), 2,
         "The prefix sf: has not been declared", "前缀 sf: 未声明"),
    Case("gbk", ("validate", "{bad}/gbk.ttl"), 2,
         "{bad}/gbk.ttl:12: not UTF-8 (looks like GBK)", "{bad}/gbk.ttl:12: 不是 UTF-8 编码（看来是 GBK）"),
    Case("empty", ("validate", "{bad}/empty.ttl"), 2, "file is empty", "文件为空"),
    Case("only-prefixes", ("validate", "{bad}/only-prefixes.ttl"), 2,
         "no triples in this file", "文件中没有三元组"),
    Case("rdfxml", ("add", "{bad}/rdfxml.ttl"), 2, "this is RDF/XML", "这是 RDF/XML"),
    Case("binary", ("add", "{bad}/binary.ttl"), 2, "binary content", "二进制内容"),
    Case("missing-file", ("validate", "{root}/no-such.ttl"), 2, "no-such.ttl: no such file",
         "no-such.ttl: 文件不存在"),
    Case("directory", ("validate", "{root}/data"), 2, "is a directory, not a Turtle file",
         "是目录，不是 Turtle 文件"),
    Case("device", ("add", "/dev/null"), 2, "is a device, not a regular file", "是设备文件，不是普通文件"),
    Case("csv-header", ("import", "csv", "--type", "enterprise", "{bad}/csv-wrong-header.csv"), 2,
         "wrong header for --type enterprise", "--type enterprise 的表头不对"),
    Case("csv-encoding", ("import", "csv", "--type", "enterprise", "{bad}/csv-gbk.csv"), 2,
         "not UTF-8 (looks like GBK)", "不是 UTF-8 编码（看来是 GBK）"),
    Case("build-bad-data", ("build", "--force"), 2, "A dot is expected", "语句末尾缺少句点",
         setup=lambda root: shutil.copy(BAD_INPUTS / "syntax-missing-dot.ttl",
                                        root / "data" / "ttl" / "broken.ttl")),
    Case("nothing-added", ("add", "{bad}/dangling-reference.ttl"), 1,
         "nothing added: fix the problems above", "未添加任何内容：请修正上面的问题", stream="last"),
    Case("usage-error", ("query", "--format", "xx"), 2,
         "argument --format: invalid choice: 'xx'", "参数 --format：无效的值 'xx'"),
    # QueryError and the SPARQL refusals
    Case("unknown-query", ("query", "shared-core-citys"), 2,
         "no query named 'shared-core-citys' in queries/. Did you mean: shared-core-cities",
         "queries/ 中没有名为 'shared-core-citys' 的查询。您是不是要找：shared-core-cities"),
    Case("missing-param", ("query", "shared-core-cities"), 2,
         "query 'shared-core-cities' needs --param a=…, b=…", "查询 'shared-core-cities' 需要 --param a=…, "
                                                              "b=…"),
    Case("unknown-param", ("query", "shared-core-cities", "--param", "a=汽车", "--param", "b=新能源",
                           "--param", "zz=1"), 2,
         "has no parameter zz", "没有参数 zz"),
    Case("bad-param", ("query", "shared-core-cities", "--param", "a"), 2,
         "expected NAME=VALUE", "应为 NAME=VALUE"),
    Case("name-not-found", ("query", "shared-core-cities", "--param", "a=汽车车车", "--param", "b=新能源"), 2,
         "parameter a: '汽车车车' names no", "参数 a：没有名为 '汽车车车' 的"),
    Case("sparql-syntax", ("query", "-e", "SELECT * WHERE { ?s ?p }"), 2,
         "SPARQL syntax error at line 1, column 18", "SPARQL 语法错误，第 1 行第 18 列"),
    Case("sparql-prefix", ("query", "-e", "SELECT * WHERE { ?s foo:bar ?o }"), 2,
         "unknown prefix foo:", "中的前缀 foo: 未知"),
    Case("update-refused", ("query", "-e", "INSERT DATA { <a:b> <a:c> <a:d> }"), 2,
         "read-only: updates are not supported (INSERT is SPARQL Update)",
         "只读：不支持更新（INSERT 属于 SPARQL Update）"),
    Case("service-refused", ("query", "-e",
                             "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"), 2,
         "SERVICE <http://example.org/s> at line 1, column 18 is refused",
         "第 1 行第 18 列的 SERVICE <http://example.org/s> 被拒绝"),
    Case("timeout", ("query", "--timeout", "0.5", "-e",
                     "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), 2,
         "query stopped after 0.5 s (timeout)", "查询在 0.5 秒后停止（超时）"),
    Case("describe-unknown", ("describe", "深圳深圳深圳"), 2, "names no entity",
         "没有名为 '深圳深圳深圳' 的实体"),
    Case("conflicts-cluster", ("conflicts", "--cluster", "新能源源源"), 2,
         "is not a cluster of the graph", "不是图中的产业集群"),
    Case("export-kind", ("export", "--graph", "citty"), 2,
         "unknown graph kind 'citty'", "未知的网络类型 'citty'"),
    # AddError, and the add / undo lines
    Case("add-exists", ("add", "{root}/new/dup.ttl"), 2,
         "data/ttl/added/dup.ttl already exists; pass --replace", "data/ttl/added/dup.ttl 已存在；"
                                                                  "要替换请加 --replace",
         setup=lambda root: [_write("new/dup.ttl", GOOD)(root), _write("data/ttl/added/dup.ttl",
                                                                       GOOD)(root)]),
    Case("add-to-outside", ("add", "{root}/new/good.ttl", "--to", "/tmp"), 2,
         "--to /tmp: must be a directory under data/ttl/", "--to /tmp：须为 data/ttl/ 下的目录",
         setup=_write("new/good.ttl", GOOD)),
    Case("add-in-data", ("add", "{root}/data/ttl/added/here.ttl"), 2,
         "already part of the graph", "已经是图的一部分", setup=_write("data/ttl/added/here.ttl", GOOD)),
    Case("undo-nothing", ("add", "--undo", "never-added.ttl"), 2,
         "nothing to undo for never-added.ttl", "never-added.ttl 没有可撤销的添加"),
    Case("added-line", ("add", "{root}/new/good.ttl"), 0,
         "added {root}/new/good.ttl -> data/ttl/added/good.ttl", "已添加 {root}/new/good.ttl -> "
                                                                 "data/ttl/added/good.ttl",
         setup=_write("new/good.ttl", GOOD), stream="stdout"),
    Case("dry-run-line", ("add", "{root}/new/good.ttl", "--dry-run"), 0,
         "would add data/ttl/added/good.ttl", "将添加 data/ttl/added/good.ttl",
         setup=_write("new/good.ttl", GOOD), stream="stdout"),
    # journal and cache notes, refused writes
    Case("journal-unreadable", ("query", "--list"), 2,
         ".gdkg.journal: the journal of an interrupted change is unreadable",
         ".gdkg.journal: 一次中断的改动留下的日志无法读取", setup=_write(".gdkg.journal", "{not json")),
    Case("temporary-swept", ("add", "--undo", "never-added.ttl"), 2,
         "gdkg: note: removed 1 temporary file left by an interrupted gdkg",
         "gdkg: 注意: 已删除被中断的 gdkg 留下的 1 个临时文件",
         setup=_write("data/ttl/added/.x.ttl.0123abcd.tmp", "half")),
    Case("cache-damaged", ("build",), 0,
         "gdkg: note: build/inferred.nt is 3 bytes", "gdkg: 注意: build/inferred.nt 大小为 3 字节",
         setup=_write("build/inferred.nt", "bad")),
    Case("csv-output-symlink", ("import", "csv", "--type", "enterprise", "{root}/firms.csv",
                                "-o", "{root}/link.ttl"), 2,
         "link.ttl: is a symbolic link; gdkg does not write through links",
         "link.ttl: 是符号链接；gdkg 不会透过链接写入",
         setup=lambda root: [_write("firms.csv", "id,label_zh\nx,某企业\n")(root),
                             _write("real.ttl", "")(root), _symlink("link.ttl", "real.ttl")(root)]),
    Case("export-directory", ("export", "--graph", "city", "--format", "gexf", "-o", "{root}/data"), 2,
         "data is a directory; give a file name", "data 是目录；请给出文件名"),
    # endpoints, release, diff, init
    Case("endpoint-url", ("publish", "--endpoint", "ftp://example.org/q"), 2,
         "'ftp://example.org/q' is not an http(s) URL",
         "'ftp://example.org/q' 不是 SPARQL 端点的 http(s) URL"),
    Case("endpoint-unreachable", ("query", "shared-core-cities", "--param", "a=汽车", "--param", "b=新能源",
                                  "--endpoint", "http://127.0.0.1:9/query"), 2,
         "cannot reach the server", "无法连接服务器"),
    Case("release-exists", ("release", "-o", "{root}/data"), 2,
         "already exists; releases are never overwritten",
         "已存在；发布包不会被覆盖"),
    Case("diff-not-gdkg", ("diff", "{root}/data", "{root}/shapes"), 2,
         "not a gdkg release or build directory",
         "不是 gdkg 发布包或 build 目录"),
    Case("init-not-empty", ("init", "{root}/data"), 2, "directory is not empty", "目录非空"),
]

MODES = ["--lang zh", "GDKG_LANG=zh", "default"]


def _fill(text: str, root: Path) -> str:
    return text.replace("{bad}", str(BAD_INPUTS)).replace("{root}", str(root))


def _copy(built, target: Path) -> Path:
    """A project copy with a copy of the session's build/ (nothing is rebuilt)."""
    copy = copy_project(built.project, target)
    shutil.copytree(built.project.build_dir, copy.build_dir)
    return copy.root


@pytest.fixture(scope="module")
def shared(built, tmp_path_factory) -> Path:
    """One copy for the cases that set nothing up (they must change nothing)."""
    return _copy(built, tmp_path_factory.mktemp("lang") / "project")


@pytest.fixture
def root(built, tmp_path) -> Path:
    return _copy(built, tmp_path / "project")


def _run(case: Case, root: Path, mode: str, capsys, monkeypatch) -> tuple[int, str]:
    if case.setup is not None:
        case.setup(root)
    monkeypatch.delenv("GDKG_LANG", raising=False)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    args = [_fill(a, root) for a in case.args]
    if mode == "--lang zh":
        args = ["--lang", "zh", *args]
    elif mode == "GDKG_LANG=zh":
        monkeypatch.setenv("GDKG_LANG", "zh")
    monkeypatch.chdir(root)
    try:
        code, out, err = gdkg(capsys, root, *args)
    except SystemExit as exc:  # argparse refuses the command line
        code, (out, err) = exc.code, capsys.readouterr()
    return code, out if case.stream == "stdout" else err


def _message_lines(text: str, stream: str) -> str:
    """The lines that are messages: errors, hints, notes (not progress lines nor results)."""
    if stream == "stdout":
        return text
    if stream == "last":
        return text.rstrip("\n").rsplit("\n", 1)[-1]
    keep, inside = [], False
    for line in text.splitlines():
        if line.startswith(("gdkg: ", "gdkg ", "✗ ")):
            inside = True
            keep.append(line)
        elif inside and line.startswith("  "):
            keep.append(line)
        else:
            inside = False
    return "\n".join(keep)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_message_in_the_chosen_language(case, mode, request, capsys, monkeypatch):
    root = request.getfixturevalue("root" if case.setup else "shared")
    before = tree(root / "data")
    code, text = _run(case, root, mode, capsys, monkeypatch)
    assert "Traceback" not in text
    assert code == case.exit, text
    message = _message_lines(text, case.stream)
    if mode == "default":
        assert _fill(case.en, root) in message, message
        assert_english(message)
    else:
        assert _fill(case.zh, root) in message, message
        assert_chinese(message)
        if case.stream == "stderr" and code == 2:
            assert re.search(r"^gdkg( [a-z]+)?: 错误: ", message, re.M), message
    if code == 2 and case.setup is None:
        assert tree(root / "data") == before  # a refusal changes nothing


# ---------------------------------------------------------------- undo, and the lock (subprocesses)


@pytest.mark.parametrize("mode", MODES)
def test_undo_line_in_the_chosen_language(mode, root, capsys, monkeypatch):
    _write("new/good.ttl", GOOD)(root)
    code, _, _ = gdkg(capsys, root, "add", str(root / "new" / "good.ttl"))
    assert code == 0
    case = Case("undo", ("add", "--undo", "good.ttl"), 0,
                "undid the last add of data/ttl/added/good.ttl: removed it (gdkg add had created it)",
                "已撤销对 data/ttl/added/good.ttl 的上一次添加：已删除该文件（它是 gdkg add 新建的）",
                stream="stdout")
    code, out = _run(case, root, mode, capsys, monkeypatch)
    assert code == 0
    if mode == "default":
        assert case.en in out
        assert_english(out)
    else:
        assert case.zh in out
        assert_chinese(out)
    assert not (root / "data" / "ttl" / "added" / "good.ttl").exists()


def _hold_lock(root: Path) -> subprocess.Popen:
    script = textwrap.dedent(f"""
        import sys, time
        from gdkg.locking import project_lock
        from gdkg.project import Project
        with project_lock(Project.find({str(root)!r}), "build"):
            print("held", flush=True)
            time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "held\n"
    return child


@pytest.mark.parametrize("mode", MODES)
def test_lock_waiting_and_timeout_in_the_chosen_language(mode, root):
    _write("new/good.ttl", GOOD)(root)
    env = {k: v for k, v in os.environ.items() if k != "GDKG_LANG"}
    env["GDKG_LOCK_TIMEOUT"] = "1"
    args = [sys.executable, "-m", "gdkg.cli", "--root", str(root), "add", str(root / "new" / "good.ttl")]
    if mode == "--lang zh":
        args.insert(3, "--lang")
        args.insert(4, "zh")
    elif mode == "GDKG_LANG=zh":
        env["GDKG_LANG"] = "zh"
    before = tree(root / "data")
    holder = _hold_lock(root)
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2, done.stderr
    pid = holder.pid
    if mode == "default":
        assert done.stderr.startswith(f"gdkg: waiting for another gdkg build (pid {pid}) to finish")
        assert "still holds the project lock after 1 s; gdkg add changed nothing" in done.stderr
        assert_english(done.stderr)
    else:
        assert done.stderr == (
            f"gdkg: 正在等待另一个 gdkg build (pid {pid}) 结束（项目锁 .gdkg.lock；最多 1 秒）…\n"
            f"gdkg: 错误: .gdkg.lock: 1 秒后另一个 gdkg build (pid {pid}) 仍持有项目锁；gdkg add "
            f"未做任何改动\n"
            "  提示：请等它结束后再运行该命令（设置 GDKG_LOCK_TIMEOUT=SECONDS 可等待更久）\n")
        assert_chinese(done.stderr)
    assert tree(root / "data") == before


# ---------------------------------------------------------------- the mechanism itself


def test_a_text_is_its_english_and_keeps_both_languages_when_joined():
    from gdkg.language import Text, error_text, fmt, join

    t = Text("file is empty", "文件为空")
    assert t == "file is empty" and str(t) == "file is empty" and t.pick("zh") == "文件为空"
    assert ("x.ttl: " + t).zh == "x.ttl: 文件为空" and (t + "!").zh == "文件为空!"
    joined = join([t, Text("no triples", "没有三元组")])
    assert joined == "file is empty; no triples" and joined.zh == "文件为空；没有三元组"
    message = fmt("parameter {name}: {problem}", "参数 {name}：{problem}", name="a", problem=ValueError(t))
    assert message == "parameter a: file is empty" and message.zh == "参数 a：文件为空"
    assert error_text(KeyError("plain"), "zh") == "'plain'"  # an exception without a Text: as it is


def test_python_api_raises_the_same_types_with_english_str(built, tmp_path):
    import pickle

    from gdkg.language import error_text
    from gdkg.load import LoadError, parse_text
    from gdkg.query import QueryError, get_query

    with pytest.raises(QueryError) as caught:
        get_query(built.project, "shared-core-citys")
    assert str(caught.value).startswith("no query named 'shared-core-citys'")
    assert error_text(caught.value, "zh").startswith("queries/ 中没有名为 'shared-core-citys' 的查询")
    with pytest.raises(LoadError) as caught:
        parse_text("<a:b> <a:c> <a:d>", "x.ttl")
    assert str(caught.value).startswith("x.ttl:1:")
    again = pickle.loads(pickle.dumps(caught.value))  # query workers send errors across processes
    assert error_text(again, "zh") == error_text(caught.value, "zh")
