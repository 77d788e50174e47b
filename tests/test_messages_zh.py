"""Errors speak Chinese first: every message written in the source for a library error has
Chinese in it (the English gloss goes in ``message_en``); pydantic's complaints are translated by
the one table in gkdeadline.errors."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from gkdeadline.errors import validation_reason

SRC = Path(__file__).resolve().parents[1] / "src" / "gkdeadline"
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # with 全角 punctuation
ERRORS = {
    "GkDeadlineError",
    "InputError",
    "ScheduleError",
    "NoticeError",
    "RuleError",
    "ProfileError",
    "CaseError",
}


def _english_literals() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ERRORS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant | ast.JoinedStr) and _mostly_english(first):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def _mostly_english(node: ast.Constant | ast.JoinedStr) -> bool:
    """No Chinese in the written text, or English prose with a Chinese term in brackets: more
    than three Latin letters for each Chinese character (placeholders not counted)."""
    parts = [node] if isinstance(node, ast.Constant) else node.values
    text = "".join(
        p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
    )
    cjk = len(CJK.findall(text))
    return not cjk or len(re.findall(r"[A-Za-z]", text)) > 3 * cjk


def test_every_error_message_written_in_the_source_is_chinese_first() -> None:
    assert _english_literals() == []


def test_validation_reasons_are_chinese() -> None:
    assert validation_reason({"type": "missing", "msg": "Field required"})[0] == "缺少必填字段"
    assert validation_reason({"type": "value_error", "msg": "Value error, 案件至少要有"})[0] == (
        "案件至少要有"
    )
    zh, en = validation_reason(
        {"type": "literal_error", "msg": "Input should be 'a'", "ctx": {"expected": "'a'"}}
    )
    assert zh == "不是可用的值（应为 'a'）" and en == "Input should be 'a'"
