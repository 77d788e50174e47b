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
    assert {
        "due",
        "due_earliest",
        "due_latest",
        "status",
        "remaining_workdays",
        "workdays_late",
        "on_time",
        "findings",
        "trail",
        "deadlines",
        "spans",
        "rules",
    } <= data.keys()
    assert data["findings"] == [] and "warnings" not in data  # warnings: a property, not data
    assert data["trail"][0]["citation"].startswith("《中华人民共和国政府信息公开条例》")
    assert {"date", "rule_id", "citation", "due"} <= data["trail"][0].keys()
    windows = {d["kind"]: d["due"] for d in data["deadlines"]}
    # answered 2026-05-20: 复议 60 日 → 07-19 is a Sunday → 07-20; 诉讼 6 个月 → 11-20
    assert windows["review"] == "2026-07-20" and windows["litigation"] == "2026-11-20"


def test_case_text_is_the_chinese_trail(capsys) -> None:
    _, out, _ = run(capsys, "case", str(EXAMPLE), "--as-of", "2026-11-23")
    lines = out.splitlines()
    assert lines[0] == (
        "2026-03-25 收到申请（当面提交，条例（2019）第三十一条第一项，提交之日）→ 答复期限 20 个工作日"
        "（条例（2019）第三十三条第二款） → 期限 2026-04-23"
    )
    assert lines[-1] == "截至 2026-11-23：已按期答复，答复期限 2026-06-03（以作出答复之日判断）。"


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
    ("doc", "code", "fragment"),
    [
        (
            '{"profile": "national", "events": [{"type": "received", "date": "2026-09-28"}]}',
            2,
            "事件 0（received）：缺少必填字段 channel",
        ),
        ("{not json", 2, "不是有效的 JSON"),
        (
            '{"profile": "nowhere", "events": [{"type": "received", "date": "2026-09-28", "channel": "post"}]}',
            2,
            "没有档案 'nowhere'",
        ),
        # beyond every bound of the published calendar: missing calendar data, exit 3
        (
            '{"profile": "national", "events": [{"type": "received", "date": "2030-03-20", "channel": "post"}]}',
            3,
            "2030",
        ),
    ],
)
def test_bad_case_files_one_line(capsys, tmp_path, doc: str, code: int, fragment: str) -> None:
    f = tmp_path / "case.json"
    f.write_text(doc, encoding="utf-8")
    status, out, err = run(capsys, "case", str(f), "--as-of", "2030-03-21")
    assert status == code and out == "" and err.count("\n") == 1 and fragment in err
    assert err.startswith("gkdeadline: 错误: ")


def test_bad_case_file_with_json_prints_the_error_as_data(capsys, tmp_path) -> None:
    f = tmp_path / "case.json"
    f.write_text(
        '{"profile": "national", "events": [{"type": "received", "date": "2026-09-28"}]}',
        encoding="utf-8",
    )
    status, out, err = run(capsys, "case", str(f), "--json")
    assert (status, err) == (2, "")
    error = json.loads(out)["error"]
    assert (error["code"], error["event_index"], error["field"]) == ("field-missing", 0, "channel")
    assert error["message"].startswith("事件 0（received）")


def test_year_end_case_is_bounded_not_an_error(capsys, tmp_path) -> None:
    # 2026-12-20 + 20 workdays needs the unpublished 2027 notice: bounded, exit 0
    f = tmp_path / "case.json"
    f.write_text(
        '{"profile": "national", "events": [{"type": "received", "date": "2026-12-20", "channel": "post"}]}',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "case", str(f), "--as-of", "2026-12-21", "--json")
    data = json.loads(out)
    assert status == 0 and data["due"] is None
    assert (data["due_earliest"], data["due_latest"]) == ("2027-01-18", "2027-01-19")
    assert [x["code"] for x in data["findings"]] == ["calendar-pending"]


def test_strict_exits_1_on_a_violation(capsys, tmp_path) -> None:
    f = tmp_path / "case.json"
    f.write_text(
        json.dumps(
            {
                "profile": "national",
                "events": [
                    {"type": "received", "date": "2026-09-28", "channel": "in_person"},
                    {"type": "answered", "date": "2026-11-02"},
                ],
            }
        ),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "case", str(f), "--as-of", "2026-11-23", "--strict")
    assert status == 1 and "违规［answered-late］" in out
    assert run(capsys, "case", str(f), "--as-of", "2026-11-23")[0] == 0


def test_missing_file(capsys) -> None:
    code, _, err = run(capsys, "case", "/nonexistent/case.json")
    assert code == 2 and "cannot read case file" in err
