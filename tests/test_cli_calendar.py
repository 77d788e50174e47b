"""The calendar commands: output, --json, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gkdeadline.cli import main
from tests.paths import HOLIDAY_CN

NOTICES = Path(__file__).parent / "data" / "notices"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_workdays(capsys) -> None:
    assert run(capsys, "add-workdays", "2026-09-28", "20") == (0, "2026-10-30\n", "")


def test_is_workday_and_between(capsys) -> None:
    assert run(capsys, "is-workday", "2026-10-10")[1] == "true\n"
    assert run(capsys, "is-workday", "2026-10-03")[1] == "false\n"
    assert run(capsys, "workdays-between", "2026-10-30", "2026-09-28")[1] == "-20\n"


def test_json_output(capsys) -> None:
    code, out, _ = run(capsys, "add-workdays", "2026-10-09", "1", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["result"] == "2026-10-10" and data["projected"] is False
    assert data["special_days"] == ["2026-10-10（星期六）国庆节调休上班"]


def test_projection_is_flagged(capsys) -> None:
    code, out, err = run(capsys, "add-workdays", "2026-12-15", "20", "--projection")
    assert code == 0 and out == "2027-01-13\n"
    assert "预测" in err
    _, out, _ = run(capsys, "add-workdays", "2026-12-15", "20", "--projection", "--json")
    assert json.loads(out)["projected"] is True


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["add-workdays", "2026-13-01", "2"], "2026-13-01：不存在这一天"),
        (["add-workdays", "2026-12-01"], "Missing argument"),
        (["add-workdays", "2026-12-01", "x"], "'x'"),
        (["is-workday", "2026-10-10", "--region", "mars"], "mars"),
        (
            ["is-workday", "2026-10-10", "--schedule", str(HOLIDAY_CN / "2027.json")],
            "没有列出任何日期",
        ),
        (["frobnicate"], "frobnicate"),
        (
            ["schedule", "import", str(NOTICES / "2026.txt"), "--out", "/nonexistent/dir/x.toml"],
            "不能写入 /nonexistent/dir/x.toml",
        ),
    ],
)
def test_errors_are_one_line_exit_2(capsys, args: list[str], fragment: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("gkdeadline: 错误: ")
    assert fragment in err


def test_a_missing_calendar_year_exits_3(capsys) -> None:
    code, out, err = run(capsys, "add-workdays", "2026-12-15", "20")
    assert (code, out) == (3, "")
    assert err.count("\n") == 1 and err.startswith("gkdeadline: 错误: ")
    assert "国务院 2027 年放假安排" in err and "--projection" in err


@pytest.mark.parametrize(
    ("args", "code", "error_code", "fragment"),
    [
        (["add-workdays", "2026-12-15", "20"], 3, "calendar-missing-year", "2027"),
        (["add-workdays", "2026-13-01", "2"], 2, "usage", "2026-13-01"),
        (["is-workday", "2026-10-10", "--region", "mars"], 2, "input-invalid", "mars"),
        (["frobnicate"], 2, "usage", "frobnicate"),
    ],
)
def test_json_errors_are_data_on_stdout(
    capsys, args: list[str], code: int, error_code: str, fragment: str
) -> None:
    status, out, err = run(capsys, *args, "--json")
    assert (status, err) == (code, "")
    error = json.loads(out)["error"]
    assert error["code"] == error_code and fragment in error["message"]
    assert {"code", "message", "message_en"} <= error.keys()


def test_loaded_schedule_and_region(capsys) -> None:
    code, out, _ = run(
        capsys, "add-workdays", "2026-09-28", "20", "--schedule", str(HOLIDAY_CN / "2026.json")
    )
    assert (code, out) == (0, "2026-10-30\n")
    assert run(capsys, "add-workdays", "2019-06-04", "1", "--region", "宁夏")[1] == "2019-06-10\n"


def test_coverage_command(capsys) -> None:
    code, out, _ = run(capsys, "coverage", "--json")
    data = json.loads(out)
    rows = data["years"]
    assert code == 0 and rows[0]["year"] == 2004 and rows[-1]["year"] == 2026
    assert rows[-1]["national"] == "official"
    # 2026-12-29 … 31 depend on the (unpublished) 2027 notice
    assert data["last_known_day"] == "2026-12-28"
    assert set(data["regional_missing"]) >= {"ningxia", "xinjiang"}
    assert isinstance(data["schedule_dirs"], list)


def test_console_script_never_prints_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gkdeadline.cli", "add-workdays", "2026-12-15", "20"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3  # the 2027 schedule is missing
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("gkdeadline: 错误: ")
