"""Case files in, case files out, in chunks: CSV, JSON Lines and Parquet. Never invent, never lose.

Rows stream through :func:`gkdeadline.batch_cases.cases` (one row per case) or
:func:`gkdeadline.batch_cases.event_log` (one row per event, ``events=True``) a chunk at a time,
so memory stays flat whatever the file size.

**Never lose.** Every input row comes out, in order: computed, or with ``error_code`` and ``error``
(the reason, Chinese first, with the line number where the reader found the problem). A bad row is
an error row, never the end of the run. Only a problem with the *file* (no header, unknown
columns, duplicate column names, a header in the wrong encoding, an unreadable Parquet file) ends
the run: exit 2, and no output.

A row that makes the engine fail unexpectedly (a bug its data triggers) is found by bisecting
its chunk and becomes an error row with code ``internal-error`` (please report it); the other
rows are computed. More than 100 such rows stop the run as a bug (exit 70, no output).

**Never invent.** The output is written to a temporary file beside the target and renamed over it
only when every row has been written and counted back; on any failure, Ctrl-C or SIGTERM the
temporary file is removed, so a target that exists is always complete (the CLI exits 4 when
interrupted). The output may not be the input (same file, hard link or symlink).

CSV (every column is text; only an empty cell is empty — ``NA``, ``N/A``, ``null``, ``NaN``,
``#N/A`` and ``None`` are text, and ``id`` and every other input column come out exactly as read):

* a record is one line; a quoted value may contain line breaks (RFC 4180, as Excel writes them and
  as this module writes ``findings_zh``), but a quote that does not close is never allowed to
  swallow the rows after it. A record whose quote does not close within
  :data:`MAX_RECORD_LINES` lines, or whose quoted text runs into a line that is itself a complete
  row of the file (same number of fields as the header), is an **error row for the line where it
  starts** (``csv-quote-unclosed``) and reading resumes on the next line. So one stray quote in a
  300,000-row file costs that one row, with its line number, and nothing else;
* a record with more (or fewer) fields than the header is that row's error (``csv-field-count``);
  malformed quoting (``"a"b``) or a lone carriage return is ``csv-invalid``; duplicate header
  names are a file error;
* a quote inside an unquoted value (``5" disk``) is a character, as Excel and pyarrow read it;
* blank lines are layout, not rows; a line longer than :data:`MAX_LINE_BYTES` is an error row
  (``line-too-long``), read past without holding it in memory.

JSON Lines: each non-blank line is one row; a line that is not valid JSON, not an object, has a
key twice, or is nested too deeply is that row's error with its line number. Values of the known
columns must be text (or numbers for counts): a number as a date (``1774396800``), a boolean
(``"workdays": true``) or a nested object/array is that row's error, never converted. Numbers keep
their spelling (``1.50`` stays ``1.50``). Other columns are the caller's and pass through
(nested values as JSON text).

Encodings: output is always UTF-8. Input is UTF-8 (with or without BOM) unless ``encoding`` says
``gbk`` or ``gb18030``. With ``encoding="auto"`` (the default) a file that is not valid UTF-8 but
whose every line decodes as GB18030 (and none of whose non-ASCII lines is UTF-8) is read as
GB18030, and :attr:`Summary.notes` says so (the CLI prints it); anything less clear-cut is read as
UTF-8 and the lines that do not decode become error rows (``encoding-invalid``) naming the
encoding to try. A header that does not decode is a file error suggesting ``--encoding gbk``.

Event logs (``events=True``): one row per event (``case_id``, ``type``, ``date`` and the event's
fields by name); the output has one row per case. A case's events must be contiguous (or the file
sorted by ``case_id``): chunks are cut only between cases (the last case of each chunk waits for
the next one). Events of a case that reappear after the case was written are an error row of
their own (``case-not-contiguous``, naming their lines; the case's earlier row was computed
without them, which the message says). A line that cannot be read becomes its own error row; if
it lies between two events of one case, that case is an error too (the line may have been one of
its events). ``error_row`` is the input line (CSV, JSON Lines; the header is line 1) or row number
(Parquet, from 1) of the case's first bad event. Memory grows only with the number of distinct
case ids (to detect reappearance), not with the number of events.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import math
import os
import secrets
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import IO, Any

import numpy as np

from gkdeadline.batch_cases import (
    CASE_COLUMNS,
    CHUNK_ROWS,
    DATE_COLUMNS,
    FIELD_OWNERS,
    OUTPUT_COLUMNS,
    attach,
    cases,
    event_log,
    one_row_results,
)
from gkdeadline.calendar import YearSchedule, today
from gkdeadline.errors import GkDeadlineError, InputError
from gkdeadline.events import SPECS

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
Progress = Callable[[int], None]

MAX_LINE_BYTES = 4 * 1024 * 1024  # one line of a CSV or JSON Lines file (documented)
MAX_RECORD_LINES = 1000  # a quoted CSV value may span at most this many lines
EVENT_COLUMNS = ("case_id", "type", "date")

# encoding names accepted by ``encoding=`` / ``--encoding`` → the codec used
ENCODINGS: dict[str, str | None] = {
    "auto": None,
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "gbk": "gbk",
    "cp936": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
}
_CODEC_NAME = {"utf-8": "UTF-8", "gbk": "GBK", "gb18030": "GB18030"}

# the error codes of this module (rows and files), for docs/errors.md
ERROR_CODES: dict[str, str] = {
    "file-invalid": "输入文件不可用：空文件、表头有误、Parquet 文件损坏（退出码 2，不写输出）",
    "output-invalid": "输出文件不可用：就是输入文件、目录不存在、格式不能容纳某列（退出码 2）",
    "encoding-invalid": "这一行不是所用编码（UTF-8、GBK、GB18030）的文本",
    "line-too-long": "这一行超过长度上限",
    "csv-quote-unclosed": "CSV 引号没有闭合：这一行成为错误行，从下一行继续读取",
    "csv-invalid": 'CSV 这一行格式不对：引号用法不对（如 "a"b）或含有单独的回车符',
    "csv-field-count": "CSV 这一行的字段数与表头不同",
    "json-invalid": "JSON Lines 这一行不是有效的 JSON（或嵌套过深）",
    "json-not-object": "JSON Lines 这一行不是 JSON 对象",
    "json-duplicate-key": "JSON Lines 这一行的同一个键出现两次",
    "json-value-invalid": "已知字段的值类型不对：数字当日期、布尔值、嵌套的对象或数组",
    "case-id-missing": "事件表中这一行没有 case_id",
    "case-not-contiguous": "事件表中某案件的事件不连续，在该案件已经输出之后又出现",
    "case-line-unreadable": "事件表中夹在本案件事件之间的一行无法读取，本案件不计算",
    "internal-error": "这一行触发了内部错误（程序缺陷），没有计算；其他行照常计算（请报告）",
}


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}：不支持的文件类型 {path.suffix or '（无扩展名）'}；请使用 .csv、.jsonl（或 .ndjson）、"
            ".parquet",
            code="input-invalid",
            message_en=(
                f"{path}: unknown file type {path.suffix or '(none)'}; use .csv, .jsonl (or .ndjson)"
                " or .parquet"
            ),
            field="path",
            value=str(path),
        )
    return fmt


@dataclass
class Summary:
    """What a run did. ``rows`` output rows = ``computed`` + ``errors``; ``written`` the rows
    counted back in the output file (always ``rows``, or the run fails); ``input_rows`` the rows
    (events, with ``events=True``) read; ``notes`` what the caller should be told (the encoding
    chosen, for instance)."""

    rows: int = 0
    computed: int = 0
    errors: int = 0
    input_rows: int = 0
    written: int = 0
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    def start_over(self) -> None:
        """Forget the rows counted so far (the run starts over; the notes stay)."""
        self.rows = self.computed = self.errors = self.input_rows = 0

    def add(self, table: Any) -> None:
        n = table.num_rows
        failed = n - table.column("error").null_count
        self.rows += n
        self.errors += failed
        self.computed += n - failed


class BatchInterrupted(KeyboardInterrupt):
    """A batch run stopped by SIGINT or SIGTERM; no output file was left behind."""

    def __init__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(f"已中断（{name}），没有写出输出文件 / interrupted by {name}; no output")
        self.signum = signum


def _file_error(zh: str, en: str, *, code: str = "file-invalid", **kw: Any) -> InputError:
    return InputError(zh, code=code, message_en=en, **kw)


def _pylist(table: Any) -> list[dict[str, Any]]:
    """The rows as Python values; a value Python cannot hold (a Parquet timestamp in year 30000,
    passed through from the input) is an ``output-invalid`` error naming its column."""
    import pyarrow as pa

    try:
        rows: list[dict[str, Any]] = table.to_pylist()
    except (OverflowError, ValueError, pa.ArrowException):
        for name in table.column_names:
            try:
                table.column(name).to_pylist()
            except (OverflowError, ValueError, pa.ArrowException):
                raise _file_error(
                    f"{name} 列有 JSON Lines 无法表示的值（例如 0001–9999 年以外的日期或时间）；"
                    "请输出 .parquet，或先修正这一列",
                    f"column {name} holds values JSON Lines cannot represent (e.g. a date outside"
                    " the years 0001–9999); write .parquet, or fix the column",
                    code="output-invalid",
                    field=name,
                ) from None
        raise
    return rows


# ----------------------------------------------------------------------------- lines and codecs


@dataclass(frozen=True)
class _Problem:
    code: str
    zh: str
    en: str


@dataclass
class _Line:
    number: int
    text: str | None  # None: the line could not be read (``problem`` says why)
    problem: _Problem | None = None


def _preview(text: str | bytes, limit: int = 60) -> str:
    shown = text if isinstance(text, str) else text.decode("utf-8", "backslashreplace")
    shown = shown.rstrip("\r\n")
    return repr(shown if len(shown) <= limit else shown[:limit] + "…")


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(number: int, raw: bytes, codec: str, exc: UnicodeDecodeError) -> _Problem:
    name = _CODEC_NAME[codec]
    hint_zh = hint_en = ""
    if codec == "utf-8" and _decodes(raw, "gb18030"):
        hint_zh = "；看起来是 GBK/GB18030 编码，请加 --encoding gbk（或把文件另存为 UTF-8）"
        hint_en = "; it looks like GBK/GB18030: use --encoding gbk (or save the file as UTF-8)"
    elif codec != "utf-8" and _decodes(raw, "utf-8"):
        hint_zh = "；这一行是 UTF-8 文本：文件混用了编码"
        hint_en = "; this line is UTF-8: the file mixes encodings"
    at = exc.start + 1
    return _Problem(
        "encoding-invalid",
        f"第 {number} 行不是 {name} 文本（第 {at} 个字节 0x{raw[exc.start]:02X}）{hint_zh}",
        f"line {number} is not {name} text (byte {at}: 0x{raw[exc.start]:02X}){hint_en}",
    )


def _lines(f: IO[bytes], codec: str, progress: Progress | None) -> Iterator[_Line]:
    """The file's lines, decoded; a line that does not decode (or is too long) says why."""
    number = 0
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if progress:
            progress(len(raw))
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, flat memory
                raw = f.readline(1 << 20)
                if progress and raw:
                    progress(len(raw))
            yield _Line(
                number,
                None,
                _Problem(
                    "line-too-long",
                    f"第 {number} 行超过 {MAX_LINE_BYTES:,} 字节，未读取",
                    f"line {number} is longer than {MAX_LINE_BYTES:,} bytes; not read",
                ),
            )
            continue
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            yield _Line(number, None, _undecodable(number, raw, codec, exc))
            continue
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]  # a byte-order mark is not part of the header
        yield _Line(number, text)


def normalize_encoding(encoding: str | None) -> str | None:
    """The codec for an ``encoding`` argument (``None``: detect); unknown names are refused."""
    key = (encoding or "auto").strip().lower().replace("_", "-")
    if key not in ENCODINGS:
        raise InputError(
            f"不支持的编码 {encoding!r}；可用：auto、utf-8、gbk、gb18030",
            code="input-invalid",
            message_en=f"unsupported encoding {encoding!r}; use auto, utf-8, gbk or gb18030",
            field="encoding",
            value=encoding,
        )
    return ENCODINGS[key]


def _is_utf8(path: Path) -> bool:
    """Every byte of ``path`` is UTF-8 (read through once, keeping nothing)."""
    try:
        deque(_blocks(path, check_utf8=True), maxlen=0)
    except UnicodeDecodeError:
        return False
    return True


def _choose_encoding(path: Path, requested: str | None) -> tuple[str, str | None]:
    """The codec to read ``path`` with, and a note for the user when it was detected."""
    if requested is not None:
        return requested, None
    if _is_utf8(path):
        return "utf-8", None
    utf8_lines = gb_ok = 0
    gb_bad = False
    with path.open("rb") as f:
        for raw in f:
            if raw.isascii():
                continue
            if _decodes(raw, "utf-8"):
                utf8_lines += 1
            elif _decodes(raw, "gb18030"):
                gb_ok += 1
            else:
                gb_bad = True
    if not gb_bad and utf8_lines == 0 and gb_ok:
        return "gb18030", (
            f"{path} 不是 UTF-8 文本，但每一行都是有效的 GB18030（GBK）文本：按 GB18030 读取；"
            "如果不对，请用 --encoding 指定 / not UTF-8 but valid GB18030 (GBK) throughout: read as"
            " GB18030 (use --encoding to choose)"
        )
    return "utf-8", (
        f"{path} 不是有效的 UTF-8 文本，也不能确定是 GBK：按 UTF-8 读取，无法解码的行成为错误行；"
        "可用 --encoding gbk 指定 / not valid UTF-8 and not clearly GBK: read as UTF-8, lines that"
        " do not decode become error rows (use --encoding gbk to choose)"
    )


# ----------------------------------------------------------------------------- CSV


class _QuoteRunawayError(Exception):
    """A quoted CSV value runs on for more lines than a value may span."""


class _BadContinuationError(Exception):
    """A line inside a quoted CSV value cannot be decoded."""


@dataclass
class _Record:
    number: int  # line where it starts
    fields: list[str] | None
    problem: _Problem | None = None


def _body(text: str) -> str:
    if text.endswith("\n"):
        text = text[:-1]
    return text[:-1] if text.endswith("\r") else text


def _lenient_width(text: str) -> int:
    try:
        return len(next(csv.reader([_body(text)]), []))
    except csv.Error:
        return 0


class _CsvRecords:
    """Records of a CSV file, one per line unless a quoted value spans lines (see the module
    docstring for how an unclosed quote is contained)."""

    def __init__(self, lines: Iterator[_Line]) -> None:
        self._src = lines
        self._back: deque[_Line] = deque()

    def _pull(self) -> _Line | None:
        if self._back:
            return self._back.popleft()
        return next(self._src, None)

    def next(self, width: int | None) -> _Record | None:
        while True:
            first = self._pull()
            if first is None:
                return None
            if first.text is None:
                return _Record(first.number, None, first.problem)
            body = _body(first.text)
            if not body.strip():
                continue  # blank lines are layout, not rows
            if '"' not in body and "\r" not in body:
                return self._checked(first.number, body.split(","), width, first.text)
            return self._quoted(first, width)

    def _quoted(self, first: _Line, width: int | None) -> _Record:
        buf = [first]

        def feed() -> Iterator[str]:
            yield first.text or ""
            while True:
                if len(buf) >= MAX_RECORD_LINES:
                    raise _QuoteRunawayError
                nxt = self._pull()
                if nxt is None:
                    return
                buf.append(nxt)
                if nxt.text is None:
                    raise _BadContinuationError
                yield nxt.text

        n = first.number
        try:
            fields = next(csv.reader(feed(), strict=True))
        except csv.Error as exc:
            if len(buf) > 1 or "unexpected end of data" in str(exc):
                return self._fail(buf, self._unclosed(n, buf, end=len(buf) > 1 or None))
            if "field larger than field limit" in str(exc):
                return self._fail(
                    buf,
                    _Problem(
                        "line-too-long",
                        f"第 {n} 行：字段超过 {csv.field_size_limit():,} 个字符",
                        f"line {n}: a field is longer than {csv.field_size_limit():,} characters",
                    ),
                )
            if "new-line character" in str(exc):
                why_zh, why_en = "含有单独的回车符（\\r）", "has a lone carriage return (\\r)"
            else:
                why_zh, why_en = f"引号用法不对（{exc}）", f"malformed quoting ({exc})"
            return self._fail(
                buf,
                _Problem(
                    "csv-invalid",
                    f"第 {n} 行{why_zh}：{_preview(first.text or '')}",
                    f"line {n} {why_en}",
                ),
            )
        except _QuoteRunawayError:
            return self._fail(buf, self._unclosed(n, buf, end=True))
        except _BadContinuationError:
            last = buf[-1]
            return self._fail(
                buf,
                _Problem(
                    "csv-quote-unclosed",
                    f"第 {n} 行：引号没有闭合，跨到了无法读取的第 {last.number} 行；这一行不计算，"
                    "从下一行继续读取",
                    f"line {n}: unclosed quote running into unreadable line {last.number}",
                ),
            )
        if len(buf) > 1 and width is not None:
            for ln in buf[1:]:
                if _lenient_width(ln.text or "") == width:  # a whole row swallowed by a quote
                    return self._fail(buf, self._unclosed(n, buf, suspect=ln.number))
        if len(buf) > 1 and width is None:
            return self._fail(buf, self._unclosed(n, buf, end=True))
        return self._checked(n, fields, width, first.text or "")

    def _unclosed(
        self, n: int, buf: list[_Line], *, end: bool | None = None, suspect: int | None = None
    ) -> _Problem:
        shown = _preview(buf[0].text or "")
        last = buf[-1].number
        if suspect is not None:
            zh = (
                f"第 {n} 行：引号里的内容跨到了第 {suspect} 行，而那一行本身像一条完整的记录——引号"
                f"很可能没有闭合：{shown}"
            )
            en = f"line {n}: a quoted value runs into line {suspect}, which is a row itself"
        elif end and len(buf) >= MAX_RECORD_LINES:
            zh = f"第 {n} 行：引号没有闭合（跨过 {MAX_RECORD_LINES} 行仍未闭合）：{shown}"
            en = f"line {n}: unclosed quote (still open after {MAX_RECORD_LINES} lines)"
        elif end and last > n:
            zh = (
                f"第 {n} 行：引号没有闭合（与后面第 {n + 1}–{last} 行连起来也不是一条完整的记录）："
                f"{shown}"
            )
            en = f"line {n}: unclosed quote (lines {n}–{last} do not form a record)"
        else:
            zh = f"第 {n} 行：引号没有闭合：{shown}"
            en = f"line {n}: unclosed quote"
        return _Problem(
            "csv-quote-unclosed",
            zh + "；这一行不计算，从下一行继续读取",
            en + "; the row is not computed, reading goes on with the next line",
        )

    def _fail(self, buf: list[_Line], problem: _Problem) -> _Record:
        """The record starting at ``buf[0]`` is an error; the lines after it are read again."""
        for ln in reversed(buf[1:]):
            self._back.appendleft(ln)
        return _Record(buf[0].number, None, problem)

    @staticmethod
    def _checked(n: int, fields: list[str], width: int | None, text: str) -> _Record:
        if width is not None and len(fields) != width:
            return _Record(
                n,
                None,
                _Problem(
                    "csv-field-count",
                    f"第 {n} 行有 {len(fields)} 个字段，表头有 {width} 列：{_preview(text)}",
                    f"line {n} has {len(fields)} fields; the header has {width}",
                ),
            )
        return _Record(n, fields)


def _csv_header(records: _CsvRecords, path: Path, codec: str) -> list[str]:
    head = records.next(None)
    if head is None:
        raise _file_error(
            f"{path}：空文件；第一行必须是列名",
            f"{path}: empty file; the first line must name the columns",
        )
    if head.fields is None or head.number != 1:
        problem = head.problem
        if head.number != 1:
            why_zh, why_en = "第一行是空行", "the first line is blank"
        elif (
            problem is not None
            and problem.code == "encoding-invalid"
            and "--encoding" in problem.zh
        ):
            why_zh, why_en = problem.zh, problem.en
        elif problem is not None and problem.code == "encoding-invalid":
            hint = " gbk" if codec == "utf-8" else " utf-8"
            why_zh = f"{problem.zh}；请用 --encoding{hint} 指定文件的编码"
            why_en = f"{problem.en}; choose the file's encoding with --encoding{hint}"
        else:
            why_zh = problem.zh if problem else "无法读取"
            why_en = problem.en if problem else "unreadable"
        raise _file_error(
            f"{path}：表头（第 1 行）不可用：{why_zh}",
            f"{path}: the header (line 1) cannot be read: {why_en}",
        )
    names = head.fields
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise _file_error(
            f"{path}：列名重复：{'、'.join(repr(c) for c in dup)}",
            f"{path}: duplicated column names: {', '.join(repr(c) for c in dup)}",
            code="column-duplicate",
            field="header",
            value=",".join(dup),
        )
    return names


def _need_columns(path: Path, names: list[str], events: bool) -> None:
    need = EVENT_COLUMNS if events else ("received",)
    missing = [c for c in need if c not in names]
    if missing:
        shown = "、".join(repr(c) for c in names) or "无"
        what = "事件表（每行一个事件）" if events else "每行一件申请，至少要有收到申请的日期"
        raise _file_error(
            f"{path}：没有 {'、'.join(missing)} 列（现有列：{shown}）；{what}",
            f"{path}: no {', '.join(repr(c) for c in missing)} column (columns: "
            f"{', '.join(repr(c) for c in names) or 'none'})",
            code="column-missing",
            field=missing[0],
        )


@dataclass
class _Chunk:
    """Rows as read, with each row's input line and the reader's problem (if any)."""

    table: Any
    lines: list[int]
    problems: list[_Problem | None]
    unreadable: list[bool]  # the row's values are not known at all

    def slice(self, start: int, stop: int) -> _Chunk:
        return _Chunk(
            self.table.slice(start, stop - start),
            self.lines[start:stop],
            self.problems[start:stop],
            self.unreadable[start:stop],
        )

    @staticmethod
    def concat(a: _Chunk, b: _Chunk) -> _Chunk:
        import pyarrow as pa

        return _Chunk(
            pa.concat_tables([a.table, b.table]),
            a.lines + b.lines,
            a.problems + b.problems,
            a.unreadable + b.unreadable,
        )


def _text_table(names: list[str], rows: list[list[str | None]]) -> Any:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.table(
        {
            name: pa.array(list(col), type=pa.string())
            for name, col in zip(names, columns, strict=True)
        }
    )


def _blocks(path: Path, check_utf8: bool) -> Iterator[bytes]:
    """The bytes of ``path`` in blocks of 1 MiB; with ``check_utf8``, UnicodeDecodeError where
    they stop being UTF-8 (a character may be split between blocks)."""
    decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            if decoder is not None:
                decoder.decode(block)
            yield block
    if decoder is not None:
        decoder.decode(b"", final=True)


def _plain_csv(path: Path, width: int, check_utf8: bool) -> tuple[int, int] | None:
    """``(rows, longest line)`` when ``path`` is a plain CSV file (see
    :mod:`gkdeadline.text_scan`: it reads the same with pyarrow as with :func:`_read_csv_careful`,
    so it may be streamed through pyarrow), else None. ``check_utf8``: also check that every
    byte is UTF-8 (when the encoding was named rather than detected)."""
    from gkdeadline import text_scan
    from gkdeadline.jit import compiled

    if width < 2:  # a lone column: a line of spaces would be a row for pyarrow, a blank here
        return None
    k = compiled("gkdeadline.text_scan")
    state = np.zeros(text_scan.NSTATE, dtype=np.int64)
    k.new_state(state)
    limit = min(MAX_LINE_BYTES, csv.field_size_limit())
    try:
        for block in _blocks(path, check_utf8):
            if k.scan_csv(np.frombuffer(block, dtype=np.uint8), state, width, limit):
                return None
    except UnicodeDecodeError:
        return None
    if k.finish_csv(state, width, limit) or state[text_scan.S_BLANK]:
        return None  # (blank lines are fine, but then line numbers are not row numbers + 2)
    return int(state[text_scan.S_ROWS]) - 1, int(state[text_scan.S_LONGEST])


def _read_csv(
    path: Path, codec: str, chunk_rows: int, progress: Progress | None, events: bool,
    *, checked_utf8: bool = False,
) -> Iterator[_Chunk]:  # fmt: skip
    """A CSV file in chunks of text columns: through pyarrow when the file is plain UTF-8
    (:func:`_plain_csv`), else line by line (:func:`_read_csv_careful`); the same rows either
    way."""
    if codec == "utf-8":
        with path.open("rb") as f:
            records = _CsvRecords(_lines(f, codec, None))
            names = _csv_header(records, path, codec)
        _need_columns(path, names, events)
        plain = _plain_csv(path, len(names), check_utf8=not checked_utf8)
        if plain is not None:
            fast = _read_csv_plain(path, names, plain, chunk_rows, progress)
            if fast is not None:
                return fast
    return _read_csv_careful(path, codec, chunk_rows, progress, events)


def _read_csv_plain(
    path: Path,
    names: list[str],
    plain: tuple[int, int],
    chunk_rows: int,
    progress: Progress | None,
) -> Iterator[_Chunk] | None:
    """A plain CSV file (:func:`_plain_csv`) streamed by pyarrow's reader: every column text,
    only an empty cell empty (as the careful reader); None if pyarrow sees other columns."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rows, longest = plain
    read = pcsv.ReadOptions(block_size=max(1 << 20, 2 * longest + 2))
    parse = pcsv.ParseOptions(newlines_in_values=False)
    convert = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    reader = pcsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    if reader.schema.names != names:
        reader.close()
        return None
    size = path.stat().st_size

    def batches() -> Iterator[Any]:
        with reader:
            yield from reader

    return _rechunk(batches(), reader.schema, lambda t: t, 2, chunk_rows, progress, rows, size)


def _read_csv_careful(
    path: Path, codec: str, chunk_rows: int, progress: Progress | None, events: bool
) -> Iterator[_Chunk]:
    """A CSV file line by line (see the module docstring for what it makes of bad lines)."""
    with path.open("rb") as f:
        records = _CsvRecords(_lines(f, codec, progress))
        names = _csv_header(records, path, codec)
        _need_columns(path, names, events)
        width = len(names)
        empty: list[str | None] = [None] * width
        rows: list[list[str | None]] = []
        lines: list[int] = []
        problems: list[_Problem | None] = []
        while True:
            rec = records.next(width)
            if rec is not None:
                if rec.fields is None:
                    rows.append(empty)
                else:
                    rows.append([v if v != "" else None for v in rec.fields])
                lines.append(rec.number)
                problems.append(rec.problem)
            if rows and (rec is None or len(rows) >= chunk_rows):
                unreadable = [p is not None for p in problems]
                yield _Chunk(_text_table(names, rows), lines, problems, unreadable)
                rows, lines, problems = [], [], []
            if rec is None:
                return


# ----------------------------------------------------------------------------- JSON Lines


class _Num(str):
    """A JSON number, as written."""

    __slots__ = ()


class _RowProblemError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(zh)
        self.code, self.zh, self.en = code, zh, en


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in items:
        if k in out:
            raise _RowProblemError(
                "json-duplicate-key",
                f"键 {k!r} 出现两次（不取其中任何一个）",
                f"key {k!r} appears twice (neither is used)",
            )
        out[k] = v
    return out


def _constant(name: str) -> Any:
    raise _RowProblemError("json-invalid", f"{name} 不是标准 JSON", f"{name} is not standard JSON")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _dump(v: Any) -> str:
    """A parsed JSON value back as JSON text, numbers as written."""
    if isinstance(v, _Num):
        return str(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_dump(k)}: {_dump(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_dump(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


def _known_kinds(events: bool) -> dict[str, str]:
    """Known column → ``date`` / ``int`` / ``text``: what a JSON value of it may be."""
    kinds: dict[str, str] = {}
    if events:
        kinds.update({"case_id": "text", "type": "text", "date": "date", "profile": "text"})
        for name, owners in FIELD_OWNERS.items():
            kind = "date" if any(p.kind == "date" for _, p in owners) else "text"
            kinds[name] = "int" if all(p.kind == "int" for _, p in owners) else kind
    else:
        kinds.update(dict.fromkeys(CASE_COLUMNS, "text"))
        kinds.update(dict.fromkeys(DATE_COLUMNS, "date"))
        for spec in SPECS:
            for prm in spec.params:
                if prm.column:
                    kinds[prm.column] = {"date": "date", "int": "int"}.get(prm.kind, "text")
    return kinds


_WHAT = {"date": "日期", "int": "整数", "text": "文本"}


def _cell(key: str, v: Any, kind: str | None) -> tuple[str | None, str | None, str | None]:
    """A JSON value as a text cell, and (zh, en) why it is not acceptable for its column."""
    if v is None:
        return None, None, None
    if isinstance(v, _Num):
        if kind == "date":
            return str(v), '是数字，数字不是日期（请写成 "YYYY-MM-DD"）', "is a number, not a date"
        return str(v), None, None
    if isinstance(v, str):
        return v, None, None
    if isinstance(v, bool):
        text = "true" if v else "false"
        if kind is not None:
            return text, f"是布尔值 {text}，不是{_WHAT[kind]}", f"is the boolean {text}"
        return text, None, None
    text = _dump(v)
    if kind is not None:
        shape_zh, shape_en = (
            ("JSON 对象", "a JSON object")
            if isinstance(v, dict)
            else (
                "JSON 数组",
                "a JSON array",
            )
        )
        return text, f"是{shape_zh}，不是{_WHAT[kind]}", f"is {shape_en}"
    return text, None, None


def _json_row(
    line: _Line, kinds: dict[str, str]
) -> tuple[dict[str, str | None] | None, _Problem | None]:
    """One JSON Lines row: its text cells (None: unreadable) and its problem."""
    n = line.number
    if line.text is None:
        return None, line.problem
    try:
        value = json.loads(
            line.text,
            object_pairs_hook=_pairs,
            parse_int=_Num,
            parse_float=_Num,
            parse_constant=_constant,
        )
    except _RowProblemError as p:
        return None, _Problem(p.code, f"第 {n} 行：{p.zh}", f"line {n}: {p.en}")
    except json.JSONDecodeError as exc:
        return None, _Problem(
            "json-invalid",
            f"第 {n} 行不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）",
            f"line {n}: not valid JSON: {exc.msg} (column {exc.colno})",
        )
    except RecursionError:
        return None, _Problem(
            "json-invalid", f"第 {n} 行：JSON 嵌套层数过深", f"line {n}: JSON nested too deeply"
        )
    if not isinstance(value, dict):
        return None, _Problem(
            "json-not-object", f"第 {n} 行不是 JSON 对象", f"line {n}: not a JSON object"
        )
    cells: dict[str, str | None] = {}
    problem: _Problem | None = None
    for key, v in value.items():
        if not _utf8(key):
            problem = problem or _Problem(
                "json-value-invalid",
                f"第 {n} 行：键 {key!r} 含有无效的 Unicode 字符（孤立的代理项）",
                f"line {n}: key {key!r} has an invalid Unicode character (a lone surrogate)",
            )
            continue
        kind = kinds.get(key)
        try:
            text, why_zh, why_en = _cell(key, v, kind)
        except RecursionError:
            text, why_zh, why_en = None, "嵌套层数过深", "is nested too deeply"
        if text is not None and not _utf8(text):
            text, why_zh, why_en = (
                None,
                "含有无效的 Unicode 字符（孤立的代理项）",
                "has a lone surrogate",
            )
        cells[key] = text
        if why_zh and problem is None:
            problem = _Problem(
                "json-value-invalid",
                f"第 {n} 行：{key} {_preview(text or '')} {why_zh}",
                f"line {n}: {key} {why_en}",
            )
    return cells, problem


def _jsonl_keys(path: Path, codec: str, kinds: dict[str, str], first: tuple[str, ...]) -> list[str]:
    """Every key of every readable row of a JSON Lines file, in first-seen order."""
    keys: dict[str, None] = dict.fromkeys(first)
    with path.open("rb") as f:
        for line in _lines(f, codec, None):
            if line.text is not None and not line.text.strip():
                continue
            cells, _ = _json_row(line, kinds)
            if cells:
                keys.update(dict.fromkeys(cells))
    return list(keys)


_NO_CELLS = np.zeros(0, dtype=np.int64)
_NO_COLS = np.zeros((1, 2), dtype=np.int64)


def _plain_head(path: Path) -> tuple[list[str], Any, Any] | None:
    """``(keys, state, expect)`` when the first line of ``path`` is a flat object of text (or
    null) values, none twice (:func:`gkdeadline.text_scan.scan_jsonl`): the keys, and the scan's
    state and key buffer to check every line with. None otherwise: the file is not plain."""
    from gkdeadline import text_scan
    from gkdeadline.jit import compiled

    with path.open("rb") as f:
        head = f.readline(MAX_LINE_BYTES + 1)
    if not head.endswith(b"\n"):
        head += b"\n"  # (a file of one line without a line feed; or too long: refused below)
    k = compiled("gkdeadline.text_scan")
    state = np.zeros(text_scan.NJSTATE, dtype=np.int64)
    k.new_jstate(state)
    expect = np.empty(len(head) + 1, dtype=np.uint8)
    buf = np.frombuffer(head, dtype=np.uint8)
    if k.scan_jsonl(buf, state, expect, MAX_LINE_BYTES, _NO_CELLS, _NO_COLS):
        return None
    if not state[text_scan.J_ROWS]:
        return None  # a blank first line (then line numbers are not row numbers + 1)
    try:
        keys = list(json.loads(head, object_pairs_hook=_pairs))
    except (ValueError, _RowProblemError):  # (a key twice)
        return None
    return (keys, state, expect) if keys else None


class _Restart(Exception):  # noqa: N818  (not an error: the run starts over)
    """Raised through the run by a reader that has handed on chunks and then finds it cannot
    read the rest of the file (a line of a JSON Lines file that is not plain): the run starts
    again, from an empty output, on ``chunks()``. The temporary output has not replaced the
    target, so nothing of the first attempt is ever seen."""

    def __init__(self, chunks: Callable[[], Iterator[_Chunk]]) -> None:
        super().__init__("the reader starts over")
        self.chunks = chunks


def _jsonl_chunks(
    path: Path,
    codec: str,
    checked_utf8: bool,
    chunk_rows: int,
    progress: Progress | None,
    events: bool,
    columnar: bool,
) -> Iterator[_Chunk]:
    """A JSON Lines file in chunks of text columns: compiled (:func:`_read_jsonl_plain`) while
    every line is a flat object of text with the keys of the first, else line by line
    (:func:`_read_jsonl_careful`); the same rows either way. ``columnar``: the columns are
    fixed for the whole file (a columnar output or an event log)."""
    first = EVENT_COLUMNS if events else ("received",)

    def careful(report: Progress | None) -> Iterator[_Chunk]:
        keys = _jsonl_keys(path, codec, _known_kinds(events), first) if columnar else None
        return _read_jsonl_careful(path, codec, chunk_rows, report, events, keys)

    head = _plain_head(path) if codec == "utf-8" else None
    if head is None:
        return careful(progress)
    names = head[0]
    columns = list(dict.fromkeys([*first, *names] if columnar else [*names, *first]))
    return _read_jsonl_plain(path, head, columns, not checked_utf8, chunk_rows, progress, careful)


_JSONL_BLOCK = 1 << 20  # bytes of a JSON Lines file read at a time by the compiled reader


def _read_jsonl_plain(
    path: Path,
    head: tuple[list[str], Any, Any],
    columns: list[str],
    check_utf8: bool,
    chunk_rows: int,
    progress: Progress | None,
    careful: Callable[[Progress | None], Iterator[_Chunk]],
) -> Iterator[_Chunk]:
    """A JSON Lines file whose first line is plain (:func:`_plain_head`), read a block of lines
    at a time by the compiled scan, which checks each line and records where its values are
    (:func:`gkdeadline.text_scan.scan_jsonl`), and made into text columns
    (:func:`gkdeadline.text_scan.jsonl_column`). A line that is not plain (or bytes that are not
    UTF-8, with ``check_utf8``) ends it with :class:`_Restart` on the careful reader."""
    import pyarrow as pa

    from gkdeadline import text_scan
    from gkdeadline.jit import compiled

    names, state0, expect = head
    nk = len(names)
    k = compiled("gkdeadline.text_scan")
    schema = pa.schema([pa.field(name, pa.string()) for name in names])
    reported = 0

    def restart() -> _Restart:
        rest = _progress_after(progress, reported)
        return _Restart(lambda: careful(rest))

    def batch(buf: Any, state: Any) -> Any | None:
        """The lines of ``buf`` as a record batch (None: one is not plain)."""
        before = int(state[text_scan.J_ROWS])
        cells = np.empty(2 * nk * (len(buf) // (5 * nk + 2) + 1), dtype=np.int64)
        cols = np.zeros((nk, 2), dtype=np.int64)
        if k.scan_jsonl(buf, state, expect, MAX_LINE_BYTES, cells, cols):
            return None
        if state[text_scan.J_BLANK]:
            return None  # (blank lines are fine, but then line numbers are not row numbers + 1)
        rows = int(state[text_scan.J_ROWS]) - before
        arrays = []
        for j in range(nk):
            offsets = np.empty(rows + 1, dtype=np.int32)
            data = np.empty(int(cols[j, 0]), dtype=np.uint8)
            end = k.jsonl_column(buf, cells, nk, j, rows, int(cols[j, 1]), offsets, data)
            valid = cells[2 * j : 2 * rows * nk : 2 * nk] >= 0
            nulls = rows - int(np.count_nonzero(valid))
            mask = pa.py_buffer(np.packbits(valid, bitorder="little").data) if nulls else None
            arrays.append(
                pa.Array.from_buffers(
                    pa.string(),
                    rows,
                    [mask, pa.py_buffer(offsets.data), pa.py_buffer(data[:end].data)],
                    null_count=nulls,
                )
            )
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    def batches() -> Iterator[Any]:
        nonlocal reported
        state = state0.copy()
        state[text_scan.J_ROWS] = 0  # (the first line is read again, now checked by its keys)
        decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
        carry = b""
        read = 0
        with path.open("rb") as f:
            while True:
                block = f.read(_JSONL_BLOCK)
                read += len(block)
                try:
                    if decoder is not None:
                        decoder.decode(block, final=not block)
                except UnicodeDecodeError:
                    raise restart() from None
                text = carry + block
                cut = text.rfind(b"\n") + 1
                if not block and cut < len(text):
                    text += b"\n"  # (the last line, without a line feed)
                    cut = len(text)
                if cut:
                    got = batch(np.frombuffer(text, dtype=np.uint8, count=cut), state)
                    if got is None:
                        raise restart()
                    carry = text[cut:]
                    if progress is not None:  # the bytes of the lines read
                        step = read - len(carry) - reported
                        reported += step
                        progress(step)
                    yield got
                else:
                    carry = text
                if len(carry) > MAX_LINE_BYTES + 1:
                    raise restart()  # (a line longer than the limit)
                if not block:
                    return

    def shaped(table: Any) -> Any:
        return pa.table(
            {
                name: table.column(name) if name in names else pa.nulls(table.num_rows, pa.string())
                for name in columns
            }
        )

    return _rechunk(batches(), schema, shaped, 1, chunk_rows)


def _rechunk(
    batches: Iterator[Any],
    schema: Any,
    shaped: Callable[[Any], Any],
    first_line: int,
    chunk_rows: int,
    progress: Progress | None = None,
    rows: int = 0,
    size: int = 0,
) -> Iterator[_Chunk]:
    """Record batches as chunks of ``chunk_rows`` rows (the row on line ``first_line + i`` for
    the i-th), reporting ``progress`` (if given) in bytes of the file (``size``) in proportion
    to its ``rows``."""
    import pyarrow as pa

    done = sent = 0
    pending: list[Any] = []
    held = 0

    def emit(table: Any) -> _Chunk:
        nonlocal done, sent
        n = table.num_rows
        line0 = first_line + done
        done += n
        if progress:  # bytes, in proportion to the rows (the whole file by the end)
            step = size - sent if done >= rows else size * done // max(rows, 1) - sent
            sent += step
            progress(step)
        return _Chunk(shaped(table), list(range(line0, line0 + n)), [None] * n, [False] * n)

    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        # (the first chunk is a quarter: the computing starts while the reader is still at it)
        while held >= (want := chunk_rows if done else max(1, chunk_rows // 4)):
            table = pa.Table.from_batches(pending, schema=schema)
            yield emit(table.slice(0, want))
            rest = table.slice(want)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield emit(pa.Table.from_batches(pending, schema=schema))


def _progress_after(progress: Progress | None, reported: int) -> Progress | None:
    """``progress`` for a reader that starts over after ``reported`` bytes were reported: those
    are not reported twice (the bar goes neither back nor past the end)."""
    if progress is None or not reported:
        return progress
    left = reported

    def report(n: int) -> None:
        nonlocal left
        skip = min(n, left)
        left -= skip
        if n > skip:
            progress(n - skip)

    return report


def _read_jsonl_careful(
    path: Path,
    codec: str,
    chunk_rows: int,
    progress: Progress | None,
    events: bool,
    columns: list[str] | None,
) -> Iterator[_Chunk]:
    """Chunks of a JSON Lines file as text columns; ``columns`` fixes them for every chunk."""
    kinds = _known_kinds(events)
    first = EVENT_COLUMNS if events else ("received",)
    buffer: list[tuple[int, dict[str, str | None], _Problem | None, bool]] = []

    def flush() -> _Chunk:
        names = columns or list(dict.fromkeys([*(k for _, c, _, _ in buffer for k in c), *first]))
        rows = [[c.get(name) for name in names] for _, c, _, _ in buffer]
        return _Chunk(
            _text_table(names, rows),
            [n for n, _, _, _ in buffer],
            [p for _, _, p, _ in buffer],
            [u for _, _, _, u in buffer],
        )

    with path.open("rb") as f:
        for line in _lines(f, codec, progress):
            if line.text is not None and not line.text.strip():
                continue  # blank lines are layout, not rows
            cells, problem = _json_row(line, kinds)
            buffer.append((line.number, cells or {}, problem, cells is None))
            if len(buffer) >= chunk_rows:
                yield flush()
                buffer = []
    if buffer:
        yield flush()


# ----------------------------------------------------------------------------- Parquet


def _nested(t: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_nested(t)
        or pa.types.is_binary(t)
        or pa.types.is_large_binary(t)
        or pa.types.is_fixed_size_binary(t)
    )


def _read_parquet(
    path: Path, chunk_rows: int, progress: Progress | None, events: bool
) -> Iterator[_Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise _file_error(
            f"{path}：不是可读的 Parquet 文件：{exc}", f"{path}: not a readable Parquet file: {exc}"
        ) from None
    names = list(schema.names)
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise _file_error(
            f"{path}：列名重复：{'、'.join(repr(c) for c in dup)}",
            f"{path}: duplicated column names: {', '.join(repr(c) for c in dup)}",
            code="column-duplicate",
        )
    _need_columns(path, names, events)
    known = set(_known_kinds(events))
    for fld in schema:
        t = fld.type.value_type if pa.types.is_dictionary(fld.type) else fld.type
        if fld.name in known and _nested(t):
            raise _file_error(
                f"{path}：{fld.name} 列的类型是 {fld.type}，不能作为日期、数字或文本读取",
                f"{path}: column {fld.name} has type {fld.type}, not a date, number or text",
                field=fld.name,
            )
    start = 0
    batches = pf.iter_batches(batch_size=chunk_rows)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            raise _file_error(
                f"{path}：Parquet 文件在第 {start + 1} 行附近损坏：{exc}",
                f"{path}: the Parquet file is damaged near row {start + 1}: {exc}",
            ) from None
        if batch is None:
            return
        n = batch.num_rows
        if progress:
            progress(n)
        yield _Chunk(
            pa.Table.from_batches([batch]),
            list(range(start + 1, start + n + 1)),
            [None] * n,
            [False] * n,
        )
        start += n


# ----------------------------------------------------------------------------- computing


def _apply_problems(result: Any, chunk: _Chunk, input_names: list[str]) -> Any:
    """Rows with a reader's problem are error rows: no results, the reader's reason."""
    import pyarrow as pa

    if chunk.problems.count(None) == len(chunk.problems):  # the usual case: no problem
        return result
    bad = np.asarray([p is not None for p in chunk.problems], dtype=bool)
    mask = pa.array(bad)
    added = [c for c in result.column_names if c not in input_names or c in OUTPUT_COLUMNS]
    for name in added:
        col = result.column(name)
        i = result.column_names.index(name)
        if name == "error_code":
            new = [p.code if p else v for p, v in zip(chunk.problems, col.to_pylist(), strict=True)]
            result = result.set_column(i, name, pa.array(new, type=col.type))
        elif name == "error":
            new = [p.zh if p else v for p, v in zip(chunk.problems, col.to_pylist(), strict=True)]
            result = result.set_column(i, name, pa.array(new, type=col.type))
        else:
            import pyarrow.compute as pc

            result = result.set_column(i, name, pc.if_else(mask, pa.scalar(None, col.type), col))
    return result


def _event_schema(kw: dict[str, Any]) -> Any:
    import pyarrow as pa

    empty = pa.table({c: pa.array([], type=pa.string()) for c in EVENT_COLUMNS})
    return event_log(empty, **kw).schema


class _Events:
    """One row per case from an event log streamed in chunks (see the module docstring)."""

    def __init__(self, kw: dict[str, Any], chunk_rows: int) -> None:
        self.kw = kw
        self.chunk_rows = chunk_rows
        self.seen: dict[str, int] = {}  # case id → the line its (written) case started on
        self.schema = _event_schema(kw)
        self.budget = _Budget()

    def run(self, chunks: Iterator[_Chunk]) -> Iterator[Any]:
        pending: _Chunk | None = None
        for chunk in chunks:
            seg = chunk if pending is None else _Chunk.concat(pending, chunk)
            cut = self._tail(seg)
            if cut > 0:
                yield self._segment(seg.slice(0, cut))
            pending = seg.slice(cut, seg.table.num_rows) if cut < seg.table.num_rows else None
        if pending is not None:
            yield self._segment(pending)

    @staticmethod
    def _ids(seg: _Chunk) -> list[str | None]:
        import pyarrow as pa

        ids: list[str | None] = seg.table.column("case_id").cast(pa.string()).to_pylist()
        return [None if seg.unreadable[i] else v for i, v in enumerate(ids)]

    def _tail(self, seg: _Chunk) -> int:
        """Where the last case of ``seg`` begins (it waits for the next chunk)."""
        ids = self._ids(seg)
        n = len(ids)
        j = n - 1
        while j >= 0 and ids[j] is None:
            j -= 1
        if j < 0 or n - 1 - j > self.chunk_rows:
            return n  # nothing to wait for (or only unreadable lines: do not hold them forever)
        last = ids[j]
        k = j
        while k > 0 and (ids[k - 1] is None or ids[k - 1] == last):
            k -= 1
        while ids[k] is None:
            k += 1
        return k

    def _segment(self, seg: _Chunk) -> Any:
        import pyarrow as pa

        ids = self._ids(seg)
        n = len(ids)
        runs: list[tuple[str, list[int]]] = []
        run_of = [-1] * n
        for i, cid in enumerate(ids):
            if cid is None:
                continue
            if not runs or runs[-1][0] != cid:
                runs.append((cid, []))
            runs[-1][1].append(i)
            run_of[i] = len(runs) - 1
        good: list[int] = []
        reappearing: list[int] = []
        for r, (cid, members) in enumerate(runs):
            if cid in self.seen:
                reappearing.append(r)
            else:
                self.seen[cid] = seg.lines[members[0]]
                good.append(r)
        # problems that make a (good) case an error: its own rows', and unreadable lines inside it
        candidates: dict[int, tuple[int, str, str]] = {}

        def offer(r: int, line: int, code: str, text: str) -> None:
            if r not in candidates or line < candidates[r][0]:
                candidates[r] = (line, code, text)

        following = [-1] * n  # the next row that belongs to a case
        nxt = -1
        for i in range(n - 1, -1, -1):
            following[i] = nxt
            if ids[i] is not None:
                nxt = i
        prev = -1
        for i in range(n):
            p = seg.problems[i]
            if ids[i] is not None:
                if p is not None:
                    offer(run_of[i], seg.lines[i], p.code, p.zh)
                prev = i
                continue
            nxt = following[i]
            if prev >= 0 and nxt >= 0 and run_of[prev] == run_of[nxt]:
                why = p.zh if p else "没有 case_id"
                offer(
                    run_of[prev],
                    seg.lines[i],
                    "case-line-unreadable",
                    f"第 {seg.lines[i]} 行无法读取（{why}），它夹在本案件的事件之间，可能是本案件的"
                    "事件；本案件不计算",
                )
        order: list[tuple[int, str, int]] = []  # (position, "case"/"error", index)
        take = [i for r in good for i in runs[r][1]]
        result = self._cases_of(seg, runs, good)
        result = self._fix_rows(result, [seg.lines[i] for i in take], good, candidates)
        for k, r in enumerate(good):
            order.append((runs[r][1][0], "case", k))
        errors: list[dict[str, Any]] = []
        default_profile = self.kw.get("profile", "national")
        profiles = (
            seg.table.column("profile").cast(pa.string()).to_pylist()
            if "profile" in seg.table.column_names
            else [None] * n
        )
        for r in reappearing:
            cid, members = runs[r]
            lines = [seg.lines[i] for i in members]
            shown = "、".join(str(x) for x in lines[:10]) + ("……" if len(lines) > 10 else "")
            first_line = self.seen[cid]
            errors.append(
                {
                    "case_id": cid,
                    "profile": next((p for i in members if (p := profiles[i])), default_profile),
                    "error_code": "case-not-contiguous",
                    "error": (
                        f"第 {shown} 行：案件 {cid!r} 的事件不连续——该案件（第 {first_line} 行起）"
                        f"已经计算并输出，没有计入这 {len(lines)} 个事件；事件表必须把同一案件的"
                        "事件排在一起，或按 case_id 排序"
                    ),
                    "error_row": lines[0],
                }
            )
            order.append((members[0], "error", len(errors) - 1))
        for i in range(n):
            if ids[i] is not None:
                continue
            p = seg.problems[i]
            line = seg.lines[i]
            errors.append(
                {
                    "case_id": None,
                    "profile": None,
                    "error_code": p.code if p else "case-id-missing",
                    "error": p.zh
                    if p
                    else f"第 {line} 行没有 case_id；每个事件都要写明它属于哪一件申请",
                    "error_row": line,
                }
            )
            order.append((i, "error", len(errors) - 1))
        if not errors:
            return result.cast(self.schema)
        err_table = pa.table(
            {f.name: pa.array([e.get(f.name) for e in errors], type=f.type) for f in self.schema}
        )
        both = pa.concat_tables([result.cast(self.schema), err_table])
        n_cases = result.num_rows
        order.sort()
        index = [k if kind == "case" else n_cases + k for _, kind, k in order]
        return both.take(pa.array(index, type=pa.int64()))

    def _cases_of(self, seg: _Chunk, runs: list[tuple[str, list[int]]], good: list[int]) -> Any:
        """One row per good run (case), by :func:`event_log`; a case that makes it fail
        unexpectedly is an ``internal-error`` row, the others are computed."""
        import pyarrow as pa

        starts = [0]
        for r in good:
            starts.append(starts[-1] + len(runs[r][1]))

        def compute(lo: int, hi: int) -> Any:
            rows = [i for r in good[lo:hi] for i in runs[r][1]]
            out = event_log(seg.table.take(pa.array(rows, type=pa.int64())), **self.kw)
            return _shift_rows(out.cast(self.schema), starts[lo])

        def failed(k: int, exc: BaseException) -> Any:
            zh = _internal(exc)
            row = {
                "case_id": runs[good[k]][0],
                "profile": self.kw.get("profile"),
                "error_code": "internal-error",
                "error": zh,
            }
            return pa.table({f.name: pa.array([row.get(f.name)], type=f.type) for f in self.schema})

        pieces = _bisect(len(good), compute, failed, self.budget)
        if not pieces:
            return compute(0, 0)
        return pa.concat_tables(pieces)

    def _fix_rows(
        self,
        result: Any,
        lines: list[int],
        good: list[int],
        candidates: dict[int, tuple[int, str, str]],
    ) -> Any:
        """Row numbers of the chunk → the file's lines; the reader's problems take precedence
        when they come first."""
        import pyarrow as pa

        rows = result.to_pydict()
        added = [c for c in result.column_names if c not in ("case_id", "profile", "error_row")]
        for k, r in enumerate(good):
            local = rows["error_row"][k]
            line = lines[local] if local is not None else None
            if line is not None:
                prefix = f"第 {local} 行："
                text = rows["error"][k] or ""
                rows["error"][k] = f"第 {line} 行：" + text.removeprefix(prefix)
                rows["error_row"][k] = line
            cand = candidates.get(r)
            if cand is not None and (line is None or cand[0] <= line):
                for name in added:
                    rows[name][k] = None
                rows["error_row"][k] = cand[0]
                rows["error_code"][k] = cand[1]
                rows["error"][k] = cand[2]
        return pa.table(
            {name: pa.array(v, type=result.schema.field(name).type) for name, v in rows.items()}
        )


# ----------------------------------------------------------------------------- writing


class _Writer:
    """Writes result chunks in the output format, fixing the schema on the first chunk."""

    def __init__(self, path: Path, fmt: str, check_text: bool = True) -> None:
        self.path, self.fmt = path, fmt
        # text read from CSV or JSON Lines is UTF-8 (the readers decode or check every byte);
        # Parquet's is not checked by pyarrow, so the JSON Lines writer checks it
        self._check_text = check_text
        self._room = [np.empty(0, dtype=np.uint8)]  # the JSON Lines writer's buffer, kept
        self._sink: Any = None
        self._schema: Any = None
        self._text: IO[bytes] | None = None
        self._floats: list[str] = []
        self._aborted = False
        self._read_back = _ReadBack(fmt) if fmt != "parquet" else None

    def _check(self, table: Any) -> None:
        import pyarrow as pa

        for fld in table.schema:
            t = fld.type.value_type if pa.types.is_dictionary(fld.type) else fld.type
            if self.fmt == "parquet":
                bad = False  # Parquet holds whatever Parquet held
            elif self.fmt == "csv":
                bad = _nested(t)
            else:  # JSON holds nested values, but not bytes
                bad = _nested(t) and not pa.types.is_nested(t)
            if bad:
                fmt = "CSV" if self.fmt == "csv" else "JSON Lines"
                raise _file_error(
                    f"{fld.name} 列的类型是 {fld.type}，不能写入 {fmt}；请输出 .parquet",
                    f"column {fld.name} has type {fld.type}, which {fmt} cannot hold; write .parquet",
                    code="output-invalid",
                    field=fld.name,
                )
            if pa.types.is_floating(t):
                self._floats.append(fld.name)

    def write(self, table: Any) -> None:
        """Writes ``table``'s rows, then reads back what is new in the file (:class:`_ReadBack`)
        and has it put on disk."""
        self._write(table)
        if self._read_back is not None:
            if self._text is not None:
                self._text.flush()
            self._read_back.catch_up(self.path)
        _fsync(self.path)  # (on disk while the next chunk is computed: the last fsync is short)

    def rows_written(self) -> int:
        """The rows of the closed file, as read back (Parquet: its own count)."""
        if self._read_back is None:
            return _count_rows(self.path, self.fmt)
        return self._read_back.rows(self.path)

    def _write(self, table: Any) -> None:
        import pyarrow as pa
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        if self._aborted:  # pragma: no cover  (the writing thread has ended before an abort)
            raise RuntimeError(f"{self.path}: written after the run was abandoned")
        if self.fmt == "jsonl":
            if self._text is None:
                self._check(table)
                self._text = self.path.open("wb")
            fast = _json_lines(table, self._check_text, self._room)
            if fast is not None:  # text, dates, integers, booleans: compiled
                for block in fast:
                    self._text.write(block)
                return
            for row in _pylist(table):
                for name in self._floats:  # NaN and ±inf are not JSON: written as null (as pandas)
                    v = row.get(name)
                    if isinstance(v, float) and not math.isfinite(v):
                        row[name] = None
                self._text.write(
                    (
                        json.dumps(row, ensure_ascii=False, default=_jsonable, allow_nan=False)
                        + "\n"
                    ).encode("utf-8")
                )
            return
        if self._schema is None:
            self._check(table)
            if self.fmt == "csv":  # CSV has no dictionary type: plain values
                table = table.cast(
                    pa.schema(
                        [
                            pa.field(f.name, f.type.value_type)
                            if pa.types.is_dictionary(f.type)
                            else f
                            for f in table.schema
                        ]
                    )
                )
            self._schema = table.schema
            if self.fmt == "csv":
                self._sink = pcsv.CSVWriter(str(self.path), self._schema)
            else:
                self._sink = pq.ParquetWriter(str(self.path), self._schema)
        if table.schema != self._schema:
            table = table.select(self._schema.names).cast(self._schema)
        self._sink.write_table(table)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        if self._text is not None:
            self._text.close()
            self._text = None

    def abort(self) -> None:
        self._aborted = True  # (a late write must not open the file again)
        with contextlib.suppress(Exception):
            self.close()


_DAYS = (-719162, 2932896)  # days since 1970-01-01 of 0001-01-01 and 9999-12-31
_NO_INTS = np.zeros(1, dtype=np.int64)
_NO_BYTES = np.zeros(0, dtype=np.uint8)
_NO_OFFSETS = np.zeros(1, dtype=np.int32)
_JSON_ROWS = 2048  # rows of JSON Lines written by one round of the compiled writer


def _json_lines(
    table: Any, check_text: bool = True, room: list[Any] | None = None
) -> Iterator[memoryview] | None:
    """The rows of ``table`` as JSON Lines (blocks of bytes, each to be written before the next
    is made: they share the buffer ``room[0]``, grown as needed), byte for byte as
    ``json.dumps(row, ensure_ascii=False, default=_jsonable)`` writes them, assembled by a
    compiled kernel (:func:`gkdeadline.text_scan.json_column`); None when a column is of another
    type than text, dates (of the years 0001–9999), integers and booleans, or with
    ``check_text`` when text is not UTF-8: the caller writes row by row then."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from gkdeadline import text_scan as ts

    plan: list[tuple[int, Any]] = []
    columns = []
    for i, (name, col) in enumerate(zip(table.column_names, table.columns, strict=True)):
        t = col.type
        key = ("{" if i == 0 else ", ") + json.dumps(name, ensure_ascii=False) + ": "
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
            try:  # text that is not UTF-8 (Parquet does not check): the row-by-row writer says so
                if check_text:
                    col.validate(full=True)
            except pa.ArrowInvalid:
                return None
            kind = ts.JK_TEXT
        elif pa.types.is_date32(t):
            span: Any = pc.min_max(col.cast(pa.int32())).as_py()
            if span["min"] is not None and (span["min"] < _DAYS[0] or span["max"] > _DAYS[1]):
                return None  # (Python has no such date: the row-by-row writer says so)
            kind = ts.JK_DATE
        elif pa.types.is_integer(t):
            kind = ts.JK_RAW
            col = col.cast(pa.string())  # noqa: PLW2901  (pyarrow's decimal digits = str(int))
        elif pa.types.is_boolean(t):
            kind = ts.JK_BOOL
        else:
            return None
        plan.append((kind, np.frombuffer(key.encode("utf-8"), dtype=np.uint8)))
        columns.append(col)
    end = np.frombuffer(b"}\n", dtype=np.uint8)
    table = pa.Table.from_arrays(columns, names=table.column_names)
    return _json_blocks(table, plan, end, room or [np.empty(0, dtype=np.uint8)])


def _json_blocks(
    table: Any, plan: list[tuple[int, Any]], end: Any, room: list[Any]
) -> Iterator[memoryview]:
    """The blocks of :func:`_json_lines`: ``_JSON_ROWS`` rows at a time, assembled in the
    reused buffer ``room[0]`` (written while in the cache; no fresh pages for every chunk)."""
    from gkdeadline import text_scan as ts
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    for batch in table.to_batches():
        n = batch.num_rows
        if not n:
            continue
        steps = []
        for j, (kind, key) in enumerate(plan):
            data, offsets, ints, valid = _json_args(kind, batch.column(j))
            if kind == ts.JK_TEXT and k.json_plain(data, int(offsets[0]), int(offsets[-1])):
                kind = ts.JK_PLAIN  # noqa: PLW2901  (nothing to escape: copied as it is)
            steps.append((kind, key, data, offsets, ints, valid))
        steps.append((ts.JK_NONE, end, _NO_BYTES, _NO_OFFSETS, _NO_INTS, _NO_INTS))
        cursor = np.zeros(n, dtype=np.int64)
        for step in steps:
            k.json_column(0, *step, _NO_BYTES, cursor, 0, 0, n)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(cursor, out=starts[1:])
        for lo in range(0, n, _JSON_ROWS):  # a few thousand rows at a time: written in the cache
            hi = min(n, lo + _JSON_ROWS)
            base = int(starts[lo])
            size = int(starts[hi]) - base
            if len(room[0]) < size:
                room[0] = np.empty(max(size, 2 * len(room[0])), dtype=np.uint8)
            out = room[0]
            cursor[lo:hi] = starts[lo:hi]
            for step in steps:
                k.json_column(1, *step, out, cursor, base, lo, hi)
            yield out[:size].data


def _json_args(kind: int, arr: Any) -> tuple[Any, Any, Any, Any]:
    """``data, offsets, ints, valid`` of one column for :func:`gkdeadline.text_scan.json_column`."""
    import pyarrow as pa

    from gkdeadline import text_scan as ts

    n = len(arr)
    valid = (
        np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
        if arr.null_count
        else np.ones(n, dtype=np.bool_)
    )
    if pa.types.is_null(arr.type):
        return _NO_BYTES, np.zeros(n + 1, dtype=np.int32), _NO_INTS, valid
    if kind in (ts.JK_TEXT, ts.JK_RAW):
        _, offsets_buf, data_buf = arr.buffers()
        large = pa.types.is_large_string(arr.type)
        offsets = np.frombuffer(
            offsets_buf, dtype=np.int64 if large else np.int32, count=arr.offset + n + 1
        )[arr.offset :]
        data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else _NO_BYTES
        return data, offsets, _NO_INTS, valid
    if kind == ts.JK_DATE:
        ints = arr.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
    else:
        ints = arr.fill_null(False).to_numpy(zero_copy_only=False)
    return _NO_BYTES, _NO_OFFSETS, np.asarray(ints, dtype=np.int64), valid


def _jsonable(v: Any) -> Any:
    if isinstance(v, date | datetime | time):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    raise TypeError(f"cannot write {type(v).__name__} to JSON")


_MAP_BYTES = 1 << 24  # bytes of a written CSV or JSON Lines file mapped at a time to count it


def _line_feeds(buf: Any, step: int = 1 << 24) -> int:
    """How many line feeds ``buf`` holds (``step`` bytes at a time: a small array of flags)."""
    data = np.frombuffer(buf, dtype=np.uint8)
    return sum(int(np.count_nonzero(data[i : i + step] == 10)) for i in range(0, len(data), step))


def _count_rows(path: Path, fmt: str) -> int:
    """Rows in a written output file (read back, to verify it before it replaces the target):
    Parquet's own count; lines of JSON Lines; records of CSV (line feeds outside quotes, in one
    compiled pass over the bytes)."""
    import pyarrow.parquet as pq

    if not path.stat().st_size:
        return 0
    if fmt == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    return _ReadBack(fmt).rows(path)


class _ReadBack:
    """Counts the rows of a CSV or JSON Lines file from its bytes as read back, a part at a time
    while the file grows: :meth:`catch_up` after each chunk is written (in the writing thread,
    while the next chunk is computed: the count then costs the run only its last part), and
    :meth:`rows` the rest once it is closed. The writers only append, so every byte of the
    final file is read once, after it was written."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.at = 0  # bytes read so far
        self.lines = 0  # JSON Lines: line feeds so far
        self.state = np.zeros(3, dtype=np.int64)  # CSV: gkdeadline.text_scan.count_records

    def catch_up(self, path: Path) -> None:
        """Reads what was written since the last call (mapped, not read: ~4× faster than reading
        blocks of bytes; a window at a time: the process's memory stays small)."""
        import mmap

        from gkdeadline.jit import compiled

        size = path.stat().st_size
        if size <= self.at:
            return
        k = compiled("gkdeadline.text_scan")
        with path.open("rb") as f:
            while self.at < size:
                base = self.at - self.at % mmap.ALLOCATIONGRANULARITY
                length = min(_MAP_BYTES, size - base)
                with mmap.mmap(f.fileno(), length, access=mmap.ACCESS_READ, offset=base) as m:
                    data = np.frombuffer(m, dtype=np.uint8)[self.at - base :]
                    if self.fmt == "csv":
                        k.count_records(data, self.state)
                    else:
                        self.lines += _line_feeds(data)
                    del data  # (the map cannot close while an array shows it)
                self.at = base + length

    def rows(self, path: Path) -> int:
        """The file's rows (after what is left is read)."""
        self.catch_up(path)
        if self.fmt != "csv":
            return self.lines
        if self.state[0]:  # pragma: no cover  (a quote left open: not a file this module wrote)
            raise RuntimeError(f"{path}: the written CSV ends inside a quoted value")
        records = int(self.state[1]) + (1 if self.state[2] else 0)
        return records - 1 if self.at else 0  # (the header)


# ----------------------------------------------------------------------------- the run


class _Signals:
    """SIGINT and SIGTERM stop the run (the temporary output is removed); handlers are ours only
    while the run lasts. Once committing, a signal is only recorded: the rename is atomic.

    While the reading and writing threads run (``polled``), a signal is acted on at the next
    :meth:`check`, between chunks, not wherever it lands: an exception raised inside the import
    machinery (right after it takes the interpreter's import lock) leaves that lock held, and a
    thread importing next would wait for it for ever (seen: about one Ctrl-C in eight)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.deferred = False
        self.polled = False
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if not self.deferred and not self.polled:
            raise BatchInterrupted(signum)

    def check(self) -> None:
        """Raise for a signal received while ``polled`` (unless committing already)."""
        if self.received is not None and not self.deferred:
            raise BatchInterrupted(self.received)

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                try:
                    old = signal.signal(s, self._handle)
                except (ValueError, OSError):  # pragma: no cover  (not settable here)
                    continue
                self._old[s] = signal.SIG_DFL if old is None else old
        return self

    def __exit__(self, *exc: object) -> None:
        for s, old in self._old.items():
            signal.signal(s, old)


def _temp_beside(dst: Path) -> Path:
    """A new, empty file next to ``dst`` (same file system, so the rename is atomic)."""
    for _ in range(100):
        tmp = dst.with_name(f".{dst.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover
            continue
        except OSError as exc:
            raise _file_error(
                f"无法在 {dst.parent} 中写文件：{exc.strerror}",
                f"cannot write in {dst.parent}: {exc.strerror}",
                code="output-invalid",
                field="out",
                value=str(dst),
            ) from None
        os.close(fd)
        return tmp
    raise _file_error(  # pragma: no cover
        f"无法在 {dst.parent} 中创建临时文件",
        f"cannot create a temporary file in {dst.parent}",
        code="output-invalid",
    )


def _check_paths(src: Path, dst: Path) -> None:
    if not src.is_file():
        raise _file_error(
            f"输入文件 {src} 不存在（does not exist）",
            f"input file {src} does not exist",
            field="input",
            value=str(src),
        )
    out: dict[str, Any] = {"code": "output-invalid", "field": "out", "value": str(dst)}
    if dst.is_dir():
        raise _file_error(f"输出 {dst} 是一个目录", f"output {dst} is a directory", **out)
    if not dst.parent.is_dir():
        raise _file_error(
            f"输出目录 {dst.parent} 不存在",
            f"the output's folder {dst.parent} does not exist",
            **out,
        )
    same = src.resolve() == dst.resolve()
    if not same and dst.exists():
        try:
            same = os.path.samefile(src, dst)
        except OSError:
            same = False
    if same:
        raise _file_error(
            f"输出 {dst} 就是输入文件（同一个文件或其硬链接），会覆盖输入；请另选输出文件"
            " / would overwrite the input",
            f"output {dst} is the input file (the same file or a link to it); choose another file",
            **out,
        )


def process_file(
    source: str | Path,
    target: str | Path,
    *,
    profile: str = "national",
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    chunk_rows: int = 100_000,
    progress: Progress | None = None,
    strict: bool = False,
    encoding: str | None = "auto",
    events: bool = False,
) -> Summary:
    """Compute every case in ``source`` and write the rows, with results, to ``target``.

    ``events=True`` reads an event log (one row per event) and writes one row per case.
    ``encoding`` (CSV and JSON Lines): ``"auto"`` (UTF-8, or GB18030 when that is certain),
    ``"utf-8"``, ``"gbk"`` or ``"gb18030"``. Raises :class:`~gkdeadline.errors.InputError` for a
    file that cannot be used (no output is written) and :class:`BatchInterrupted` on SIGINT or
    SIGTERM (the temporary output is removed).
    """
    src, dst = Path(source), Path(target)
    fmt_in, fmt_out = file_format(src), file_format(dst)
    requested = normalize_encoding(encoding)
    if chunk_rows < 1:
        raise InputError(
            f"chunk_rows 必须是正整数，而不是 {chunk_rows}",
            message_en=f"chunk_rows must be positive, not {chunk_rows}",
            field="chunk_rows",
            value=chunk_rows,
        )
    _check_paths(src, dst)
    day = as_of or today()  # one as-of date for every chunk
    kw: dict[str, Any] = {
        "profile": profile,
        "as_of": day,
        "schedules": schedules,
        "projection": projection,
        "strict": strict,
    }
    summary = Summary()

    def open_chunks() -> Iterator[_Chunk]:
        """The input in chunks (the checks of the whole file run here, under the signal
        handlers: Ctrl-C while a large file is scanned stops the run as later would)."""
        if fmt_in == "parquet":
            if requested is not None:
                summary.notes.append(
                    "Parquet 文件的文本总是 UTF-8，--encoding 对它不起作用 / Parquet text is always"
                    " UTF-8; --encoding does not apply"
                )
            chunks = _read_parquet(src, chunk_rows, progress, events)
        else:
            codec, note = _choose_encoding(src, requested)
            summary.encoding = codec
            if note:
                summary.notes.append(note)
            if fmt_in == "csv":
                checked = requested is None and note is None  # read through as UTF-8 already
                chunks = _read_csv(src, codec, chunk_rows, progress, events, checked_utf8=checked)
            else:
                # a columnar output (and an event log) fixes its columns: learn them all first
                checked = requested is None and note is None  # read through as UTF-8 already
                columnar = fmt_out != "jsonl" or events
                chunks = _jsonl_chunks(src, codec, checked, chunk_rows, progress, events, columnar)
        return chunks

    sig = _Signals()
    tmp: Path | None = None
    writer: _Writer | None = None
    committed = False
    try:
        with sig:
            try:
                chunks = open_chunks()
                tmp = _temp_beside(dst)
                sig.polled = True  # (until the reading and writing threads have ended)
                try:
                    while True:
                        writer = _Writer(tmp, fmt_out, check_text=fmt_in == "parquet")
                        try:
                            with _Behind(writer, sig.check) as behind:
                                for table in _results(
                                    chunks, kw, events, chunk_rows, summary, sig.check
                                ):
                                    sig.check()
                                    summary.add(table)
                                    behind.write(table)
                            break
                        except _Restart as again:  # the reader cannot go on: start over, empty
                            writer.abort()
                            tmp.write_bytes(b"")
                            summary.start_over()
                            sig.polled = False  # (no thread runs while the careful reader opens)
                            sig.check()
                            chunks = again.chunks()
                            sig.polled = True
                finally:
                    sig.polled = False
                sig.check()
                writer.close()
                if summary.rows == 0:
                    raise _file_error(f"{src}：没有可计算的行", f"{src}: no rows to compute")
                summary.written = writer.rows_written()
                if summary.written != summary.rows:  # pragma: no cover  (a bug, not the input)
                    raise RuntimeError(
                        f"output has {summary.written} rows, expected {summary.rows}; not written"
                    )
                _fsync(tmp)
                sig.deferred = True
                if sig.received is not None:
                    raise BatchInterrupted(sig.received)
                os.replace(tmp, dst)
                committed = True
            finally:
                if not committed:
                    _discard(sig, writer, tmp)
    except BaseException:
        if sig.received is not None and not committed:
            raise BatchInterrupted(sig.received) from None
        raise
    return summary


def _results(
    chunks: Iterator[_Chunk],
    kw: dict[str, Any],
    events: bool,
    chunk_rows: int,
    summary: Summary,
    check: Callable[[], None],
) -> Iterator[Any]:
    def counted() -> Iterator[_Chunk]:
        for chunk in _prefetched(chunks, check):
            summary.input_rows += chunk.table.num_rows
            yield chunk

    if events:
        stream = _Events(kw, chunk_rows)
        yield from stream.run(counted())
        _note_internal(stream.budget, summary)
        return
    budget = _Budget()
    for chunk in counted():
        names = list(chunk.table.column_names)
        yield _apply_problems(_cases_robust(chunk.table, kw, budget), chunk, names)
    _note_internal(budget, summary)


_DONE = object()


def _prefetched(chunks: Iterator[_Chunk], check: Callable[[], None]) -> Iterator[_Chunk]:
    """``chunks``, the next one read by a second thread while this one is computed: pyarrow's
    readers parse without the interpreter lock, so on two cores reading overlaps computing. The
    same chunks in the same order; an exception of the reader is raised here, in order.
    ``check()`` runs while waiting (it raises for a signal received meanwhile)."""
    import queue

    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: Any) -> bool:
        """Hand ``item`` over unless the consumer has stopped (then False)."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            offer(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            offer(exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # (the reader's file, closed in the thread that read it)
                close()

    reader = threading.Thread(target=read, name="gkdeadline-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = ready.get(timeout=0.1)
            except queue.Empty:
                check()
                continue
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()  # (every hand-over of the reader gives up within 0.1 s)
        _join_through_signals(reader)


def _join_through_signals(thread: threading.Thread) -> BaseException | None:
    """Wait for ``thread`` to end, even when a signal handler raises meanwhile (a second Ctrl-C):
    the run is being abandoned already, and the thread must not outlive it. Returns the first
    exception so raised (None: none)."""
    late: BaseException | None = None
    while thread.is_alive():
        try:
            thread.join()
        except BaseException as err:
            late = late or err
    return late


class _Budget:
    """How many rows may fail unexpectedly before the run is stopped as a bug (exit 70)."""

    def __init__(self, limit: int = 100) -> None:
        self.left = limit
        self.used = 0

    def spend(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        self.used += 1
        return True


def _bisect(
    n: int,
    compute: Callable[[int, int], Any],
    failed: Callable[[int, BaseException], Any],
    budget: _Budget,
) -> list[Any]:
    """``compute(lo, hi)`` over ``[0, n)``; a piece that raises an unexpected exception (a bug
    some row's data triggers) is split until the single rows that fail, which become
    ``failed(i, exc)``. A run where too many rows fail stops with the exception: that is a bug
    of the whole run, not of rows."""
    out: list[Any] = []

    def go(lo: int, hi: int) -> None:
        try:
            out.append(compute(lo, hi))
        except (GkDeadlineError, MemoryError):
            raise
        except Exception as exc:
            if hi - lo > 1:
                mid = (lo + hi) // 2
                go(lo, mid)
                go(mid, hi)
            elif budget.spend():
                out.append(failed(lo, exc))
            else:
                raise

    if n:
        go(0, n)
    return out


def _internal(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return (
        f"内部错误 {type(exc).__name__}: {text}——这一行没有计算，请连同这一行报告"
        " / internal error; this row was not computed, please report it"
    )


def _note_internal(budget: _Budget, summary: Summary) -> None:
    if budget.used:
        summary.notes.append(
            f"{budget.used} 行触发了内部错误（error_code = internal-error），没有计算；请连同这些行"
            f"报告 / {budget.used} rows hit an internal error and were not computed; please report"
        )


def _cases_robust(table: Any, kw: dict[str, Any], budget: _Budget) -> Any:
    """:func:`cases` on a chunk; a row that makes it fail unexpectedly is an error row."""
    import pyarrow as pa

    schema: list[Any] = []

    def compute(lo: int, hi: int) -> Any:
        # :func:`cases`, in full chunks whatever the piece's size: the memory is the file
        # chunk's already, and smaller chunks would only add their fixed cost
        piece = table.slice(lo, hi - lo)
        return attach(piece, one_row_results(piece, rows=CHUNK_ROWS, **kw))

    def failed(i: int, exc: BaseException) -> Any:
        if not schema:
            schema.append(cases(table.slice(0, 0), **kw).schema)
        row = table.slice(i, 1)
        out: dict[str, Any] = {}
        for f in schema[0]:
            if f.name == "error_code":
                out[f.name] = pa.array(["internal-error"], type=f.type)
            elif f.name == "error":
                out[f.name] = pa.array([_internal(exc)], type=f.type)
            elif f.name in row.column_names and f.name not in OUTPUT_COLUMNS:
                out[f.name] = row.column(f.name)
            else:
                out[f.name] = pa.nulls(1, type=f.type)
        return pa.table(out, schema=schema[0])

    pieces = _bisect(table.num_rows, compute, failed, budget)
    if not pieces:
        return compute(0, 0)
    return pa.concat_tables(pieces)


def _shift_rows(result: Any, offset: int) -> Any:
    """An :func:`event_log` result of rows ``offset…``: its row numbers counted from 0 again."""
    import pyarrow as pa

    if not offset or not result.num_rows:
        return result
    rows = result.column("error_row").to_pylist()
    texts = result.column("error").to_pylist()
    for k, r in enumerate(rows):
        if r is not None:
            texts[k] = f"第 {r + offset} 行：" + (texts[k] or "").removeprefix(f"第 {r} 行：")
            rows[k] = r + offset
    i = result.column_names.index("error_row")
    result = result.set_column(i, "error_row", pa.array(rows, type=pa.int64()))
    j = result.column_names.index("error")
    return result.set_column(j, "error", pa.array(texts, type=pa.string()))


class _Behind:
    """Writes each table in a second thread while the next chunk is computed (pyarrow's writers
    and the JSON Lines kernel's output run without the interpreter lock), in order. A write's
    error is raised by the next :meth:`write` or on leaving the ``with`` block. Leaving it waits
    for the thread to end, even through another signal: normally after writing every table
    handed over; when the block failed (an error, Ctrl-C), without writing what is still queued,
    so that the caller may delete the file knowing nothing writes to it any more."""

    def __init__(self, writer: _Writer, check: Callable[[], None]) -> None:
        import queue

        self._writer = writer
        self._check = check  # raises for a signal received while waiting for room
        self._tables: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._stop = threading.Event()  # no more tables will come
        self._cancel = threading.Event()  # do not write what is still queued
        self._thread = threading.Thread(target=self._run, name="gkdeadline-writer", daemon=True)

    def _run(self) -> None:
        import queue

        while True:
            try:
                table = self._tables.get(timeout=0.1)
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            if table is _DONE:
                return
            if self._error is None and not self._cancel.is_set():
                try:
                    _write(self._writer, table)
                except BaseException as exc:  # raised in the main thread
                    self._error = exc

    def write(self, table: Any) -> None:
        while True:
            if self._error is not None:
                raise self._error
            if _put_within(self._tables, table, 0.1):
                return
            self._check()

    def __enter__(self) -> _Behind:
        self._thread.start()
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is not None:
            self._cancel.set()
        self._stop.set()
        late: BaseException | None = None
        woken = False
        while not woken and self._thread.is_alive():  # the end, handed over once there is room
            try:
                woken = _put_within(self._tables, _DONE, 0.05)
            except BaseException as err:  # a signal while waiting: still wait for the thread
                late = late or err
        late = late or _join_through_signals(self._thread)
        if kind is None and late is not None:
            raise late
        if kind is None and self._error is not None:
            raise self._error


def _put_within(q: Any, item: Any, seconds: float) -> bool:
    """``q.put(item)`` if there is room within ``seconds``."""
    import queue

    try:
        q.put(item, timeout=seconds)
    except queue.Full:
        return False
    return True


def _write(writer: _Writer, table: Any) -> None:
    import pyarrow as pa

    try:
        writer.write(table)
    except GkDeadlineError:
        raise
    except (pa.ArrowException, UnicodeError, ValueError, TypeError) as exc:
        raise _file_error(
            f"无法写出输出：{exc}", f"cannot write the output: {exc}", code="output-invalid"
        ) from None
    except OSError as exc:
        raise _file_error(
            f"无法写出输出：{exc.strerror or exc}",
            f"cannot write the output: {exc.strerror or exc}",
            code="output-invalid",
        ) from None


def _discard(sig: _Signals, writer: _Writer | None, tmp: Path | None) -> None:
    """Remove the temporary output; a signal arriving meanwhile does not stop the cleanup."""
    while True:
        try:
            sig.deferred = True
            if writer is not None:
                writer.abort()
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            return
        except BatchInterrupted:  # pragma: no cover  (a signal before ``deferred`` was set)
            continue


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
