"""gkdeadline case FILE."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gkdeadline.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "case-national.json"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_case_json(capsys) -> None:
    code, out, _ = run(capsys, "case", str(EXAMPLE), "--as-of", "2026-11-23", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["due"] == "2026-06-03" and data["status"] == "answered" and data["on_time"] is True
    assert {"due", "status", "remaining_workdays", "on_time", "warnings", "trail"} <= data.keys()
    assert data["trail"][0]["citation"].startswith("《中华人民共和国政府信息公开条例》")


def test_case_text_is_the_chinese_trail(capsys) -> None:
    _, out, _ = run(capsys, "case", str(EXAMPLE), "--as-of", "2026-11-23")
    lines = out.splitlines()
    assert (
        lines[0]
        == "2026-03-25 收到申请（当面提交，条例第三十一条第一项）→ 答复期限 20 个工作日（条例第三十三条）→ 2026-04-23"
    )
    assert lines[-1] == "截至 2026-11-23：已答复，答复期限 2026-06-03，按期答复。"


def test_case_from_stdin(capsys, monkeypatch) -> None:
    doc = {
        "profile": "national",
        "events": [{"type": "received", "date": "2026-09-28", "channel": "post"}],
    }
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(doc)))
    _, out, _ = run(capsys, "case", "-", "--as-of", "2026-10-29", "--json")
    data = json.loads(out)
    assert (data["due"], data["status"], data["remaining_workdays"]) == ("2026-10-30", "running", 1)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (
            '{"profile": "national", "events": [{"type": "received", "date": "2026-09-28"}]}',
            "event 0 (received): channel",
        ),
        ("{not json", "not valid JSON"),
        (
            '{"profile": "nowhere", "events": [{"type": "received", "date": "2026-09-28", "channel": "post"}]}',
            "unknown profile",
        ),
        (
            '{"profile": "national", "events": [{"type": "received", "date": "2026-12-20", "channel": "post"}]}',
            "2027",
        ),
    ],
)
def test_bad_case_files_one_line(capsys, tmp_path, doc: str, fragment: str) -> None:
    f = tmp_path / "case.json"
    f.write_text(doc, encoding="utf-8")
    code, out, err = run(capsys, "case", str(f), "--as-of", "2026-12-21")
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err


def test_missing_file(capsys) -> None:
    code, _, err = run(capsys, "case", "/nonexistent/case.json")
    assert code == 2 and "cannot read case file" in err
