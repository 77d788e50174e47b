"""Reading the files users hand us (cases, profiles, schedules) with one kind of error.

Each caller passes its own exception class so a bad case file raises ``CaseError`` and a bad
schedule ``ScheduleError``, each naming the file and what went wrong (Chinese first, then the
English gloss). Files are UTF-8, with or without a byte-order mark (Windows Notepad and Excel
write one); a file larger than :data:`MAX_USER_FILE_BYTES` is refused before it is read whole
(so ``/dev/zero`` or a runaway export cannot exhaust memory).

Every TOML file a user hands us (profiles, schedules, column mappings) is parsed by
:func:`loads_toml`, which refuses a key of more than :data:`MAX_TOML_KEY_PARTS` dotted parts
before ``tomllib`` sees it: ``tomllib`` takes time and memory quadratic in a key's length (a
0.8 MB ``a.a.a… = 1`` needs tens of gigabytes), and no real file has keys that long.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gkdeadline.errors import GkDeadlineError

MAX_USER_FILE_BYTES = 64 * 1024 * 1024  # documented; the case and profile limits are lower
MAX_TOML_KEY_PARTS = 32  # a dotted key (or table header) with more parts is refused
_WHAT_ZH = {
    "case": "案件",
    "profile": "档案",
    "schedule": "放假安排",
    "notice": "通知",
    "mapping": "列映射",
}


def read_utf8(
    path: Path,
    what: str,
    error: type[GkDeadlineError],
    *,
    max_bytes: int = MAX_USER_FILE_BYTES,
) -> str:
    """The text of ``path`` (UTF-8; a leading BOM is dropped); raises ``error`` if it cannot be
    read, is larger than ``max_bytes`` or is not UTF-8 (naming the line, and GBK if it is)."""
    what_zh = _WHAT_ZH.get(what, what)
    try:
        with Path(path).open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise error(
            f"无法读取{what_zh}文件 {path}：{why} / cannot read {what} file {path}: {why}",
            message_en=f"cannot read {what} file {path}: {why}",
            field="path",
            value=str(path),
        ) from None
    if len(data) > max_bytes:
        raise error(
            f"{what_zh}文件 {path} 超过 {max_bytes:,} 字节，未读取"
            f" / {what} file {path} is larger than {max_bytes:,} bytes",
            message_en=f"{what} file {path} is larger than {max_bytes:,} bytes; not read",
            field="path",
            value=str(path),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            hint_zh, hint_en = "；看起来是 GBK/GB18030 编码，请另存为 UTF-8", "; it looks like GBK"
        except UnicodeDecodeError:
            hint_zh = hint_en = ""
        raise error(
            f"{what_zh}文件 {path} 不是 UTF-8 文本（第 {line} 行）{hint_zh}"
            f" / {what} file {path} is not UTF-8 text (line {line}){hint_en}",
            message_en=f"{what} file {path} is not UTF-8 text (line {line}){hint_en}",
            field="path",
            value=str(path),
        ) from None
    return text.removeprefix("\ufeff")


# ---------------------------------------------------------------------------------------- TOML

# Where a string or a comment starts, and what ends a key: a key and its dots never cross a
# line, an ``=``, a comma or a bracket. Outside strings and comments a TOML value has at most
# one dot (``1.5``, ``07:32:00.999``), so the dots between two separators bound every key.
_TOML_OPEN = re.compile(r"""\"\"\"|'''|["'#]""")
_TOML_SEP = re.compile(r"[=,\[\]{}\n]")
_TOML_BASIC_ML_END = re.compile(r'(?:[^"\\]++|\\[\s\S]|"(?!""))*+"{3,5}')
_TOML_BASIC_END = re.compile(r'(?:[^"\\\n]++|\\.)*+"')


def toml_key_parts(text: str) -> int:
    """The most dotted parts of any key or table header in ``text`` (strings and comments are
    skipped, conservatively: an unterminated one ends at its line); linear in ``len(text)``."""
    lines = text.split("\n")
    if all(line.count(".") < MAX_TOML_KEY_PARTS for line in lines):
        return 1 + max((line.count(".") for line in lines), default=0)  # an upper bound
    del lines
    most = carry = 0  # ``carry``: the dots of the key being read, across strings ("a"."b".c)

    def code(segment: str) -> None:
        nonlocal most, carry
        parts = _TOML_SEP.split(segment)
        if len(parts) == 1:
            carry += segment.count(".")
        else:
            most = max(most, carry + parts[0].count("."), *(p.count(".") for p in parts[1:-1]))
            carry = parts[-1].count(".")
        most = max(most, carry)

    pos, n = 0, len(text)
    while pos < n and most < MAX_TOML_KEY_PARTS:
        m = _TOML_OPEN.search(text, pos)
        if m is None:
            code(text[pos:])
            break
        code(text[pos : m.start()])
        opener, pos = m.group(), m.end()
        if opener in ("#", "'", '"'):
            newline = text.find("\n", pos)
            line_end = n if newline < 0 else newline
            if opener == "#":
                pos = line_end
            elif opener == "'":
                quote = text.find("'", pos, line_end)
                pos = line_end if quote < 0 else quote + 1  # unterminated: TOML will say so
            else:
                found = _TOML_BASIC_END.match(text, pos, line_end)
                pos = line_end if found is None else found.end()
        elif opener == "'''":
            end = text.find("'''", pos)
            pos = n if end < 0 else end + 3
            while pos < n and pos < end + 5 and text[pos] == "'":  # ''''' ends a string too
                pos += 1
        else:
            found = _TOML_BASIC_ML_END.match(text, pos)
            pos = n if found is None else found.end()
    return most + 1


def loads_toml(text: str, fail: Callable[[str, str], GkDeadlineError]) -> dict[str, Any]:
    """``tomllib.loads`` for a file a user gave us; every problem is raised as ``fail(zh, en)``.

    Refuses a key of more than :data:`MAX_TOML_KEY_PARTS` parts before parsing (``tomllib`` is
    quadratic in them) and turns a syntax error, or nesting too deep for Python, into ``fail``.
    """
    parts = toml_key_parts(text)
    if parts > MAX_TOML_KEY_PARTS:
        raise fail(
            f"有键（或表头）由 {parts:,} 段以上用点连接而成，超过上限 {MAX_TOML_KEY_PARTS} 段；"
            "请检查文件是否损坏或是程序误生成的",
            f"a key (or table header) has {parts:,} or more dotted parts, more than the limit"
            f" {MAX_TOML_KEY_PARTS}; check that the file is not damaged or generated by mistake",
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"不是有效的 TOML：{exc}", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise fail("嵌套层数过深", "nested too deeply") from None
