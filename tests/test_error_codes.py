"""Every error code written in the source is documented (docs/errors.md is generated from the
three tables: gkdeadline.problems, gkdeadline.errors.CODES, gkdeadline.batch_files.ERROR_CODES)."""

from __future__ import annotations

import re
from pathlib import Path

from gkdeadline.batch_files import ERROR_CODES as ROW_CODES
from gkdeadline.errors import CODES
from gkdeadline.problems import PROBLEMS

SRC = Path(__file__).resolve().parents[1] / "src" / "gkdeadline"

# where a code is written as a literal: keyword code=…, a class's default_code, the server's
# _payload(code, …), a batch row's error code
PATTERNS = (
    re.compile(r"\bcode=\"([a-z0-9-]+)\""),
    re.compile(r"\bdefault_code = \"([a-z0-9-]+)\""),
    re.compile(r"_payload\(\s*\"([a-z0-9-]+)\""),
    re.compile(r"\"code\": \"([a-z0-9-]+)\""),
)


def _documented() -> set[str]:
    return {p.code for p in PROBLEMS} | set(CODES) | set(ROW_CODES)


def _written() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for m in pattern.finditer(text):
                found.setdefault(
                    m.group(1), f"{path.relative_to(SRC)}:{text.count(chr(10), 0, m.start()) + 1}"
                )
    return found


def test_every_code_in_the_source_is_documented() -> None:
    written = _written()
    assert len(written) > 20  # the patterns still find the codes
    missing = {code: where for code, where in written.items() if code not in _documented()}
    assert not missing, f"add these to gkdeadline.errors.CODES: {missing}"


def test_the_tables_do_not_overlap() -> None:
    problems = {p.code for p in PROBLEMS}
    assert not problems & set(CODES)
    assert not set(CODES) & set(ROW_CODES)
    assert not problems & set(ROW_CODES)


def test_every_documented_code_is_on_the_errors_page() -> None:
    page = (SRC.parents[1] / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in _documented():
        assert f"`{code}`" in page, code


def test_each_problem_template_uses_exactly_its_arguments() -> None:
    """The wording variants (``zero_workdays``) name the same arguments as the main wording, and
    only problems that count workdays (an argument ``n``) have them."""
    fields = re.compile(r"\{(\w+)\}")
    for p in PROBLEMS:
        names = {name for name, _kind in p.args} | {"limit"}
        for template in (p.zh, p.en, *(p.zero_workdays or ())):
            assert set(fields.findall(template)) <= names, (p.code, template)
        if p.zero_workdays is not None:
            assert ("n", "int") in p.args, p.code
            zh, en = p.zero_workdays
            assert set(fields.findall(zh)) == set(fields.findall(p.zh)) - {"n"}, p.code
            assert "0" not in zh and "{n}" not in en, p.code
