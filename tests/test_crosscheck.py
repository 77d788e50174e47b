"""Cross-check the built-in calendar with independently maintained data.

* the ``holidays`` package's China calendar, every day of 2004–2026: every disagreement with the
  raw chinese-calendar data must be a cited erratum, and after the errata none may remain;
* every entry of every holiday-cn file 2007–2026 (shipped in ``tests/data/holiday-cn``).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

import gkdeadline as gk
from gkdeadline import Calendar, ScheduleError
from gkdeadline.calendar.errata import ERRATA
from tests.paths import HOLIDAY_CN

FIRST, LAST = date(2004, 1, 1), date(2026, 12, 28)


def _days():
    d = FIRST
    while d <= LAST:
        yield d
        d += timedelta(days=1)


@pytest.fixture(scope="module")
def cn_holidays() -> holidays.HolidayBase:
    return holidays.China(years=range(2003, 2028))


def test_raw_chinese_calendar_vs_holidays_disagree_only_on_errata(cn_holidays) -> None:
    disagreements = {
        d for d in _days() if chinese_calendar.is_workday(d) != cn_holidays.is_working_day(d)
    }
    assert disagreements == {e.day for e in ERRATA}


def test_corrected_calendar_agrees_with_holidays_every_day(national: Calendar, cn_holidays) -> None:
    wrong = [d for d in _days() if national.is_workday(d) != cn_holidays.is_working_day(d)]
    assert wrong == []


@pytest.mark.parametrize("year", range(2007, 2027))
def test_built_in_agrees_with_every_holiday_cn_entry(year: int, national: Calendar) -> None:
    raw = json.loads((HOLIDAY_CN / f"{year}.json").read_text(encoding="utf-8"))
    assert raw["days"], "holiday-cn lists the days of every published year"
    for entry in raw["days"]:
        d = date.fromisoformat(entry["date"])
        assert national.is_workday(d) is (not entry["isOffDay"]), entry


@pytest.mark.parametrize("year", range(2007, 2027))
def test_every_holiday_cn_file_loads_and_matches_built_in(year: int, national: Calendar) -> None:
    schedule = gk.load_schedule(HOLIDAY_CN / f"{year}.json")
    assert schedule.year == year and schedule.status == "loaded"
    assert schedule.source.startswith("http")  # the notice's address from "papers"
    loaded = Calendar().with_schedules(schedule)
    lo, hi = date(year - 1, 12, 29), min(date(year, 12, 28), LAST)
    d = lo
    while d <= hi:
        assert loaded.is_workday(d) == national.is_workday(d), d
        d += timedelta(days=1)


def test_holiday_cn_2027_is_empty_and_refused() -> None:
    with pytest.raises(ScheduleError, match="没有列出任何日期"):
        gk.load_schedule(HOLIDAY_CN / "2027.json")


def test_holiday_cn_2020_resumption_marker_is_accepted() -> None:
    # holiday-cn marks 2020-02-03 (Monday) isOffDay=false: work resumed after 国办发明电〔2020〕1号.
    s = gk.load_schedule(HOLIDAY_CN / "2020.json")
    assert any(e.day == date(2020, 2, 3) and not e.off for e in s.entries)
