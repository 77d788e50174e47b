"""Every fenced ```python and ```console block in docs/ and README.md runs, as written.

One test per Markdown page. The page's blocks run in order, in a temporary directory holding the
files the documentation refers to (``examples/*.json``, ``requests.csv``, ``events.csv``, a
2027 notice and the ``2027.toml`` read from it: see :func:`_workdir`), and the ``python`` blocks
of a page share one namespace. What is checked:

* **python**: every statement runs. An *expression statement with a comment on its last line*
  is a check: the comment is the expected ``repr`` of the value (``case.due  #
  datetime.date(2026, 5, 7)``). A comment that is not a repr belongs on its own line or on an
  assignment.
* **console**: a line ``$ COMMAND`` is a command; the lines after it, up to the next ``$``, are
  its expected output (stdout and stderr as a terminal shows them; trailing spaces ignored). A
  command shown without output is run, not compared. In a block without any ``$`` every line is
  a command (the README's two commands). ``gkdeadline …`` and ``uv run [--locked] gkdeadline …``
  run through :func:`gkdeadline.cli.main`; ``&&`` chains run in order. Installation steps
  (``pip install …``, ``python3 -m pip install uv``, ``uv sync …``) are not run: this test runs
  in the environment they make; ``uv run [--locked] pytest`` is this very test run.
  ``export NAME=VALUE``, ``mkdir -p DIR`` and ``cp FILE… DIR`` are done here (``$NAME`` is
  expanded, ``$PWD`` is the working directory). Anything else (``curl``, pipes, redirections)
  needs a ``not run`` marker. A command must exit 0 unless
  its comment says otherwise (``# 退出码 3``).
* **tolerance**, in expected output and in repr comments: ``…`` matches any text within a line;
  a line that is only ``…`` matches any number of lines.

Markers, an HTML comment on the line before the fence:

* ``<!-- not run: WHY; tests/test_x.py::test_y runs it -->`` — a block that needs a server, a
  cluster or a network. The named test must exist; it runs the block (usually by reading it out of
  the page, see :func:`page_block`).
* ``<!-- file: NAME -->`` before any block (``json``, ``toml``, ``csv`` …): the block's text is
  written to ``NAME`` in the working directory, for the blocks after it.
* ``<!-- output: COMMAND -->`` before a ``text`` block: the block is ``COMMAND``'s expected output.

Other blocks (``text``, ``json``, ``toml``, ``bash`` …) are left alone. Generated pages
(``docs/cli.md`` …) are collected like the others; their help text is in ``text`` blocks.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tokenize
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(
    [ROOT / "README.md", *DOCS.rglob("*.md")],
    key=lambda p: p.relative_to(ROOT).as_posix(),
)

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*(?P<kind>not run|file|output)\s*:\s*(?P<text>.*?)\s*-->\s*$")
TEST_ID = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
ELLIPSIS = "…"

# Known library bugs that make a block fail: (page, block number) → reason. The page's test is
# xfail(strict=True) until the bug is fixed (then remove the entry).
KNOWN_BUGS: dict[tuple[str, int], str] = {}


# ----------------------------------------------------------------------------- reading pages


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository root
    number: int  # 1-based, among the page's fenced blocks
    lang: str
    text: str
    line: int  # line of the first content line in the page (1-based)
    marker: tuple[str, str] | None  # ("not run" | "file" | "output", text)


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, with the marker comment before each."""
    rel = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"].lower()
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        mk = MARKER.match(lines[j]) if j >= 0 else None
        body: list[str] = []
        k = i + 1
        while k < len(lines) and not (
            lines[k].strip().startswith(fence[0] * len(fence))
            and lines[k].strip().strip(fence[0]) == ""
        ):
            body.append(lines[k][len(indent) :] if lines[k].startswith(indent) else lines[k])
            k += 1
        out.append(
            Block(
                rel,
                len(out) + 1,
                lang,
                "\n".join(body) + "\n",
                i + 2,
                (mk["kind"], mk["text"]) if mk else None,
            )
        )
        i = k + 1
    return out


def page_block(page: str, contains: str, lang: str = "python") -> Block:
    """The one block of ``page`` (relative to the repository root) containing ``contains``: for
    the dedicated tests of blocks marked ``not run``, so they run the text the reader sees."""
    found = [b for b in blocks(ROOT / page) if b.lang == lang and contains in b.text]
    assert len(found) == 1, f"{page}: {len(found)} {lang} blocks contain {contains!r}"
    return found[0]


# ----------------------------------------------------------------------------- matching


def _line_pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in expected.rstrip().split(ELLIPSIS)]
    return re.compile(".*".join(parts) + r"\Z", re.DOTALL)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line match: ``…`` in a line is any text, a line ``…`` any number of lines."""
    expected = [e.rstrip() for e in expected]
    actual = [a.rstrip() for a in actual]
    while expected and not expected[-1]:
        expected.pop()
    while actual and not actual[-1]:
        actual.pop()

    def go(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == ELLIPSIS:
            return any(go(i + 1, k) for k in range(j, len(actual) + 1))
        return (
            j < len(actual)
            and bool(_line_pattern(expected[i]).match(actual[j]))
            and go(i + 1, j + 1)
        )

    return go(0, 0)


def test_matching_rules() -> None:
    assert matches(["2026-10-30"], ["2026-10-30", ""])
    assert matches(["收到 …，期限 2026-10-30"], ["收到 2026-09-28，期限 2026-10-30  "])
    assert not matches(["2026-10-30"], ["2026-10-31"])
    assert matches(["a", "…", "z"], ["a", "b", "c", "z"]) and matches(["a", "…"], ["a"])
    assert not matches(["a", "b"], ["a", "b", "c"])


# ----------------------------------------------------------------------------- running


class Page:
    """Runs one page's blocks in order, in one working directory and one namespace."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        # a real module, as a reader's script is (dataclasses and pickling look it up)
        self.module = types.ModuleType("docs_page")
        self.namespace: dict[str, Any] = self.module.__dict__
        self.ran = 0

    # ---------------------------------------------------------------- python

    def python(self, block: Block) -> None:
        tree = ast.parse(block.text, filename=block.page)
        ast.increment_lineno(tree, block.line - 1)
        comments = _comments(block)
        for stmt in tree.body:
            expected = comments.get(stmt.end_lineno or stmt.lineno)
            where = f"{block.page}:{stmt.lineno}"
            if isinstance(stmt, ast.Expr) and expected is not None:
                code = compile(ast.Expression(stmt.value), block.page, "eval", dont_inherit=True)
                value = eval(code, self.namespace)
                shown = repr(value)
                assert matches([expected], [shown]), (
                    f"{where}: the page says {expected!r}, the code gives {shown!r}"
                )
            else:
                module = ast.Module([stmt], [])
                exec(compile(module, block.page, "exec", dont_inherit=True), self.namespace)
        self.ran += 1

    # ---------------------------------------------------------------- console

    def console(self, block: Block) -> None:
        lines = block.text.splitlines()
        prompted = any(line.startswith("$ ") for line in lines)
        commands: list[tuple[int, str, list[str]]] = []  # (page line, command, expected output)
        for n, line in enumerate(lines):
            if prompted:
                if line.startswith("$ "):
                    commands.append((block.line + n, line[2:], []))
                elif commands:
                    commands[-1][2].append(line)
            elif line.strip() and not line.lstrip().startswith("#"):
                commands.append((block.line + n, line, []))
        for line_no, command, expected in commands:
            out = self.run(command, f"{block.page}:{line_no}")
            if any(e.strip() for e in expected):
                assert matches(expected, out.splitlines()), (
                    f"{block.page}:{line_no}: $ {command}\n--- the page shows:\n"
                    + "\n".join(expected)
                    + "\n--- the command printed:\n"
                    + out
                )
        self.ran += 1

    def run(self, command: str, where: str) -> str:
        """Run one shell line of gkdeadline commands; their stdout and stderr, interleaved."""
        comment = command.partition("#")[2]
        status = re.search(r"退出码\s*(\d+)", comment)
        want = int(status[1]) if status else 0
        words = shlex.split(command, comments=True)
        printed = ""
        for part in _split(words, "&&"):
            if any(w in ("|", ">", ">>", "<", ";", "&") or w.startswith("$(") for w in part):
                pytest.fail(f"{where}: pipes and redirections are not run; rewrite or mark it")
            argv = _strip_uv_run([os.path.expandvars(w) for w in part])
            if _install_step(argv) or argv == ["pytest"]:
                continue  # the environment is installed; pytest is this run
            if argv and argv[0] in SHELL:
                SHELL[argv[0]](argv[1:])
                continue
            if argv[:2] == ["gkdeadline", "serve"]:
                pytest.fail(f"{where}: a server is never started here; mark the block")
            if not argv or argv[0] != "gkdeadline":
                pytest.fail(
                    f"{where}: {shlex.join(argv)!r} is not a gkdeadline command; mark the block"
                    " <!-- not run: …; tests/…::test_… runs it -->"
                )
            from gkdeadline.cli import main

            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                code = main(argv[1:])
            printed += buffer.getvalue()
            assert code == want, (
                f"{where}: $ {command}\nexit status {code}, expected {want}:\n{buffer.getvalue()}"
            )
        return printed

    # ---------------------------------------------------------------- markers

    def file(self, block: Block, name: str) -> None:
        target = self.workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")

    def output(self, block: Block, command: str) -> None:
        out = self.run(command, f"{block.page}:{block.line}")
        assert matches(block.text.splitlines(), out.splitlines()), (
            f"{block.page}:{block.line}: $ {command}\n--- the page shows:\n{block.text}"
            f"--- the command printed:\n{out}"
        )
        self.ran += 1


def _comments(block: Block) -> dict[int, str]:
    """Page line → the comment ending that line, in a python block."""
    found: dict[int, str] = {}
    tokens = tokenize.generate_tokens(io.StringIO(block.text).readline)
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            found[block.line + tok.start[0] - 1] = tok.string[1:].strip()
    return found


def _split(words: list[str], sep: str) -> Iterator[list[str]]:
    part: list[str] = []
    for w in words:
        if w == sep:
            yield part
            part = []
        else:
            part.append(w)
    yield part


def _strip_uv_run(argv: list[str]) -> list[str]:
    if argv[:2] == ["uv", "run"]:
        argv = argv[2:]
        while argv and argv[0].startswith("--"):
            argv = argv[1:]
    return argv


def _export(args: list[str]) -> None:
    for a in args:
        name, _, value = a.partition("=")
        os.environ[name] = value


def _mkdir(args: list[str]) -> None:
    for a in args:
        if a != "-p":
            Path(a).mkdir(parents=True, exist_ok=True)


def _cp(args: list[str]) -> None:
    *sources, target = args
    for s in sources:
        shutil.copy(s, target)


# The few shell commands an operator's recipe needs, done here (paths are inside the working
# directory; variables such as $PWD and $GKDEADLINE_SCHEDULES are expanded).
SHELL = {"export": _export, "mkdir": _mkdir, "cp": _cp}


def _install_step(argv: list[str]) -> bool:
    if argv[:1] == ["pip"] or argv[:3] in (["python3", "-m", "pip"], ["python", "-m", "pip"]):
        return "install" in argv
    return argv[:2] == ["uv", "sync"]


# ----------------------------------------------------------------------------- fixtures

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕99号（示例：虚构的通知，只用于文档测试）
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
国务院办公厅
2026年11月4日
"""

REQUESTS_CSV = """\
id,received,channel,confirmed,consultation_started,consultation_ended,consultation_party,extension,extension_workdays,answered
2026-0001,2026-09-28,in_person,,,,,,,2026-10-20
2026-0002,2026-09-28,online,2026-09-29,,,,,,
2026-0003,2026-03-25,in_person,,2026-04-01,2026-04-10,third_party,2026-05-06,20,2026-05-20
2026-0004,2026-06-01,post,,,,,,,2026-07-15
2026-0005,2026-02-30,in_person,,,,,,,
2026-0006,2026-11-02,letter,2026-11-02,,,,,,
"""

EVENTS_CSV = """\
case_id,type,date,channel,party,workdays
YSQ-1,received,2026-03-25,in_person,,
YSQ-1,consultation_started,2026-04-01,,third_party,
YSQ-1,consultation_ended,2026-04-10,,third_party,
YSQ-1,answered,2026-05-06,,,
YSQ-2,received,2026-09-28,post,,
YSQ-2,extension,2026-10-28,,,20
"""


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files every page's working directory starts with."""
    from gkdeadline.calendar.notice import parse_notice, schedule_to_toml

    root = tmp_path_factory.mktemp("docs-files")
    shutil.copytree(ROOT / "examples", root / "examples")
    (root / "2027通知.txt").write_text(NOTICE_2027, encoding="utf-8")
    (root / "2027.toml").write_text(schedule_to_toml(parse_notice(NOTICE_2027)), encoding="utf-8")
    (root / "requests.csv").write_text(REQUESTS_CSV, encoding="utf-8")
    head, *rows = REQUESTS_CSV.splitlines()
    for n, part in enumerate((rows[:3], rows[3:]), 1):
        (root / f"requests-{n}.csv").write_text("\n".join([head, *part]) + "\n", encoding="utf-8")
    (root / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    return root


@contextlib.contextmanager
def _workdir(template: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the template as the working directory; environment and schedules restored."""
    from gkdeadline.calendar.sources import reload_schedules

    work = tmp_path / "work"
    shutil.copytree(template, work)
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    os.chdir(work)
    os.environ["PWD"] = str(work)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")  # a page may show a warning; it is not an error
            yield work
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        reload_schedules()


def _params() -> list[Any]:
    out = []
    for path in PAGES:
        rel = path.relative_to(ROOT).as_posix()
        bugs = [reason for (page, _n), reason in KNOWN_BUGS.items() if page == rel]
        marks = [pytest.mark.xfail(strict=True, reason="; ".join(bugs))] if bugs else []
        out.append(pytest.param(path, id=rel, marks=marks))
    return out


@pytest.mark.parametrize("path", _params())
def test_page_blocks_run(path: Path, template: Path, tmp_path: Path) -> None:
    with _workdir(template, tmp_path) as work:
        page = Page(work)
        sys.modules[page.module.__name__] = page.module
        try:
            _run_page(page, path)
        finally:
            del sys.modules[page.module.__name__]


def _run_page(page: Page, path: Path) -> None:
    for block in blocks(path):
        kind, text = block.marker or ("", "")
        if kind == "file":
            page.file(block, text)
        elif kind == "not run":
            continue  # test_not_run_markers_name_their_test checks the marker
        elif kind == "output":
            page.output(block, text)
        elif block.lang == "python":
            page.python(block)
        elif block.lang == "console":
            page.console(block)


def test_not_run_markers_name_their_test() -> None:
    marked = 0
    for path in PAGES:
        for b in blocks(path):
            if not b.marker or b.marker[0] != "not run":
                continue
            marked += 1
            where = f"{b.page}:{b.line}"
            assert b.lang in ("python", "console"), f"{where}: only python/console are run"
            found = TEST_ID.search(b.marker[1])
            assert found, f"{where}: the marker must name the test that runs the block"
            test_file = ROOT / found[1]
            assert test_file.exists(), f"{where}: {found[1]} does not exist"
            source = test_file.read_text(encoding="utf-8")
            assert re.search(rf"^def {found[2]}\(", source, re.M), (
                f"{where}: {found[1]} has no test {found[2]}"
            )
    assert marked  # the Dask cluster and the PySpark recipe, at least


def test_every_page_is_collected() -> None:
    counted = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert "README.md" in counted and "docs/batch.md" in counted and "docs/cli.md" in counted


def test_batch_page_lists_every_column() -> None:
    """docs/batch.md's column table names every column of the one-row schema and every output."""
    from gkdeadline.batch_cases import CASE_COLUMNS, DATE_COLUMNS, OUTPUT_COLUMNS, PARAM_COLUMNS

    page = (DOCS / "batch.md").read_text(encoding="utf-8")
    for column in (*CASE_COLUMNS, *DATE_COLUMNS, *PARAM_COLUMNS, *OUTPUT_COLUMNS):
        assert f"`{column}`" in page, column


# ----------------------------------------------------------------------------- dedicated tests


def test_pyspark_recipe(tmp_path: Path) -> None:
    """docs/batch.md's PySpark recipe, on a local Spark session (skipped without pyspark)."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    import pandas as pd

    block = page_block("docs/batch.md", "mapInPandas")
    spark = pyspark_sql.SparkSession.builder.master("local[2]").getOrCreate()
    try:
        sdf = spark.createDataFrame(
            pd.DataFrame(
                {"id": ["a", "b"], "received": ["2026-09-28", "bad"], "channel": ["in_person"] * 2}
            )
        )
        namespace: dict[str, Any] = {"sdf": sdf}
        exec(compile(block.text, block.page, "exec"), namespace)
        out = namespace["out"].toPandas()
        assert out["due"].astype(str).tolist()[0] == "2026-10-30"
        assert out["error"].notna().tolist() == [False, True]
    finally:
        spark.stop()


def test_pyspark_arrow_recipe(template: Path, tmp_path: Path) -> None:
    """docs/batch.md's ``spark_cases`` example, on a local Spark session started in the page's
    working directory (``requests-*.csv``; a JVM already running in this process would resolve
    the relative paths against its own directory, so it runs in a child process); the Parquet
    it writes read back (skipped without pyspark)."""
    pytest.importorskip("pyspark.sql")
    import pyarrow.parquet as pq

    block = page_block("docs/batch.md", "spark_cases")
    script = (
        "import sys\n"
        "from pyspark.sql import SparkSession\n"
        "spark = SparkSession.builder.master('local[2]')"
        ".config('spark.ui.enabled', 'false').getOrCreate()\n"
        "try:\n"
        "    exec(compile(sys.argv[1], 'docs/batch.md', 'exec'), {'spark': spark})\n"
        "finally:\n"
        "    spark.stop()\n"
    )
    with _workdir(template, tmp_path) as work:
        env = {**os.environ, "PYSPARK_PYTHON": sys.executable}  # the workers run this Python
        done = subprocess.run(
            [sys.executable, "-c", script, block.text],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        back = pq.read_table(work / "checked-spark").to_pylist()
    by_id = {r["id"]: r for r in back}
    assert len(back) == 6 and sorted(by_id) == [f"2026-000{i}" for i in range(1, 7)]
    assert by_id["2026-0005"]["error_code"] == "date-invalid" and by_id["2026-0005"]["due"] is None
    assert [r["id"] for r in back if r["error"] is not None] == ["2026-0005"]
    assert str(by_id["2026-0001"]["due"]) == "2026-10-30"
    assert [by_id[k]["status"] for k in sorted(by_id)] == [
        *("answered", "overdue", "answered", "answered_late", None, "running")
    ]


def test_nav_lists_every_page() -> None:
    """Every Markdown page of docs/ is in the mkdocs navigation (new event pages included)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config[config.index("\nnav:") :]
    for path in DOCS.rglob("*.md"):
        rel = path.relative_to(DOCS).as_posix()
        assert re.search(rf"[\s:]{re.escape(rel)}\s*$", nav, re.M), f"{rel} is not in the nav"


def test_search_keeps_domain_words_whole() -> None:
    """The site search (mkdocs-material + jieba, with docs/search/jieba-user-dict.txt) indexes
    the words people search for: 工作日 inside 工作日内, 答复期限, 收到申请之日 as one word each."""
    jieba = pytest.importorskip("jieba")
    import logging

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(DOCS / "search" / "jieba-user-dict.txt"))
    words = list(tokenizer.cut("自收到申请之日起20个工作日内予以答复，答复期限经批准可以延长"))
    for word in ("收到申请之日", "工作日", "答复期限", "延长"):
        assert word in words, (word, words)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "jieba_dict_user: docs/search/jieba-user-dict.txt" in config
