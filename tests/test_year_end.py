"""The year-end gap (issue 8): keep answering in December, load the notice once for everything.

Today (late November 2026) the State Council has not published the 2027 notice, so 29–31 December
2026 and 2027 are unknown. A certain answer must never be lost; what is not certain is bounded.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

import gkdeadline
from gkdeadline.batch_cases import cases
from gkdeadline.calendar import Calendar, sources
from gkdeadline.case import Case
from gkdeadline.cli import main
from gkdeadline.errors import CalendarCoverageError

DATA = Path(__file__).parent / "data" / "notices"

EARLY_DECEMBER = [
    {"type": "received", "date": "2026-12-01", "channel": "in_person"},
    {"type": "answered", "date": "2026-12-10"},
]


@pytest.fixture(autouse=True)
def _no_configured_schedules(monkeypatch, tmp_path):
    """No schedule folder unless a test sets one (and the cache is re-read afterwards)."""
    monkeypatch.setenv("GKDEADLINE_SCHEDULES", str(tmp_path / "none"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    sources.reload_schedules()
    yield
    monkeypatch.undo()
    sources.reload_schedules()


def test_an_early_answer_in_december_is_on_time_in_case() -> None:
    result = Case("national", EARLY_DECEMBER).result(date(2026, 12, 20))
    assert result.status == "answered"
    assert result.on_time is True
    # 2026-12-29 is a Tuesday that no plausible 元旦 arrangement takes off: the deadline is
    # certain under the stated assumptions, which the result carries
    assert result.due == date(2026, 12, 29)
    assert result.due_assumptions


def test_an_early_answer_in_december_is_on_time_in_batch() -> None:
    table = pa.table(
        {
            "received": ["2026-12-01"],
            "channel": ["in_person"],
            "answered": ["2026-12-10"],
        }
    )
    row = cases(table, as_of=date(2026, 12, 20)).to_pylist()[0]
    assert row["error"] is None
    assert row["status"] == "answered"
    assert row["on_time"] is True


def test_an_early_answer_in_december_is_on_time_on_the_command_line(tmp_path, capsys) -> None:
    f = tmp_path / "case.json"
    f.write_text(json.dumps({"profile": "national", "events": EARLY_DECEMBER}), encoding="utf-8")
    assert main(["case", str(f), "--as-of", "2026-12-20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "answered"
    assert out["on_time"] is True


def test_a_deadline_on_unpublished_days_is_bounded_not_refused() -> None:
    case = Case("national", [{"type": "received", "date": "2026-12-15", "channel": "in_person"}])
    early = case.result(date(2026, 12, 20))
    assert early.status == "running"  # certain: both bounds are after 12-20
    assert early.due is None
    assert (early.due_earliest, early.due_latest) == (date(2027, 1, 13), date(2027, 1, 14))
    assert "calendar-pending" in early.codes()
    on_the_day = case.result(date(2027, 1, 14))
    assert on_the_day.status == "pending_calendar"  # overdue under one bound, not the other
    later = case.result(date(2027, 1, 25))
    assert later.status == "overdue"  # certain again
    assert "overdue" in later.codes()
    # the trail shows the range too
    assert "2027-01-13 至 2027-01-14" in later.explain()


def test_projection_still_gives_one_flagged_date() -> None:
    case = Case(
        "national",
        [{"type": "received", "date": "2026-12-15", "channel": "in_person"}],
        projection=True,
    )
    result = case.result(date(2026, 12, 20))
    assert result.due == date(2027, 1, 13)
    assert result.projected
    assert "projected-calendar" in result.codes()


def test_the_schedule_folder_reaches_everything(monkeypatch, tmp_path, capsys) -> None:
    """One place to load a new year: the notice imported once reaches Case, batch.cases, the
    command line and the module functions, and `coverage` names its source."""
    folder = tmp_path / "schedules"
    folder.mkdir()
    # 2026's own notice stands in for next year's: import it under a made-up year's numbers
    text = (DATA / "2026.txt").read_text(encoding="utf-8")
    assert (
        main(["schedule", "import", str(DATA / "2026.txt"), "--out", str(folder / "2026.toml")])
        == 0
    )
    assert "2026" in (folder / "2026.toml").read_text(encoding="utf-8")
    assert "国办发明电〔2025〕7号" in capsys.readouterr().out  # the notice's own number
    # a schedule for 2027 written by hand in the same format
    (folder / "2027.toml").write_text(
        'year = 2027\nnotice = "测试：国务院办公厅关于2027年部分节假日安排的通知"\n'
        '[[holiday]]\nname = "元旦"\noff = ["2027-01-01..2027-01-03"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GKDEADLINE_SCHEDULES", str(folder))
    sources.reload_schedules()
    assert text  # the fixture exists
    # the module functions (the default calendar built after the folder was set)
    gkdeadline.set_default_calendar(None)
    assert gkdeadline.add_workdays(date(2026, 12, 15), 20) == Calendar().add_workdays(
        date(2026, 12, 15), 20
    )
    due = Case("national", [{"type": "received", "date": "2026-12-15", "channel": "in_person"}]).due
    assert due is not None  # no bounds now: 2027 is loaded
    row = cases(
        pa.table({"received": ["2026-12-15"], "channel": ["in_person"]}), as_of=date(2026, 12, 20)
    ).to_pylist()[0]
    assert row["due"] == due and row["due_earliest"] is None
    assert main(["add-workdays", "2026-12-15", "20"]) == 0
    assert capsys.readouterr().out.strip() == due.isoformat()
    assert main(["coverage", "--json"]) == 0
    years = {y["year"]: y for y in json.loads(capsys.readouterr().out)["years"]}
    assert years[2027]["national"] == "loaded"
    assert "2027" in years[2027]["national_source"]


def test_a_schedule_contradicting_an_official_year_needs_override(monkeypatch, tmp_path) -> None:
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / "2026.toml").write_text(
        'year = 2026\nnotice = "只列元旦"\n[[holiday]]\nname = "元旦"\noff = ["2026-01-01"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GKDEADLINE_SCHEDULES", str(folder))
    sources.reload_schedules()
    with pytest.raises(gkdeadline.ScheduleError) as info:
        Calendar()
    assert info.value.code == "schedule-conflicts-official"


def test_profiles_share_one_calendar_until_the_folder_is_read_again(monkeypatch, tmp_path) -> None:
    """`Profile.calendar` gives one object for equal arguments (a case system makes a Case per
    request) and a new one, with the new year, once the schedule folder is read again."""
    from gkdeadline.profiles import default_catalogue

    national = default_catalogue().get("national")
    before = national.calendar()
    assert national.calendar() is before
    assert national.calendar(projection=True) is not before
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / "2027.toml").write_text(
        'year = 2027\nnotice = "测试：国务院办公厅关于2027年部分节假日安排的通知"\n'
        '[[holiday]]\nname = "元旦"\noff = ["2027-01-01..2027-01-03"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GKDEADLINE_SCHEDULES", str(folder))
    sources.reload_schedules()
    after = national.calendar()
    assert after is not before
    assert after.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    with pytest.raises(CalendarCoverageError):
        before.add_workdays(date(2026, 12, 31), 1)
