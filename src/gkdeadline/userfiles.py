"""Reading the files users hand us (cases, profiles, schedules) with one kind of error.

Each caller passes its own exception class so a bad case file raises ``CaseError`` and a bad
schedule ``ScheduleError``, each naming the file and what went wrong (Chinese first, then the
English gloss). Files are UTF-8, with or without a byte-order mark (Windows Notepad and Excel
write one); a file larger than :data:`MAX_USER_FILE_BYTES` is refused before it is read whole
(so ``/dev/zero`` or a runaway export cannot exhaust memory).
"""

from __future__ import annotations

from pathlib import Path

from gkdeadline.errors import GkDeadlineError

MAX_USER_FILE_BYTES = 64 * 1024 * 1024  # documented; the case and profile limits are lower
_WHAT_ZH = {"case": "案件", "profile": "档案", "schedule": "放假安排", "notice": "通知"}


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
