"""The provisional projection: 补假 and the usual 调休 on top of the law in force that year,
checked against the real notices (each year projected only from the notices before it)."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import pytest

from gkdeadline import Calendar, ProjectedCalendarWarning, collecting_projected
from gkdeadline.calendar.holiday_law import law_for, statutory_days
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.projection import FIRST_PROJECTABLE_YEAR, project_year
from gkdeadline.calendar.schedule import YearSchedule

D = date
REAL = {s.year: s for s in official_schedules()}


def statuses(s: YearSchedule) -> dict[date, bool]:
    """Working or not, for every day the notice for ``s.year`` decides."""
    named = {e.day: not e.off for e in s.entries}
    first, last = D(s.year - 1, 12, 29), D(s.year, 12, 28)
    days = (first + timedelta(days=k) for k in range((last - first).days + 1))
    return {d: named.get(d, d.weekday() < 5) for d in days}


@pytest.mark.parametrize("year", [2009, 2016, 2017, 2021, 2022, 2025, 2026])
def test_projection_from_earlier_notices_reproduces_these_years(year: int) -> None:
    # what the projection would have said the December before the notice came out
    assert statuses(project_year(year)) == statuses(REAL[year])


@pytest.mark.parametrize("year", range(FIRST_PROJECTABLE_YEAR, 2036))
def test_every_projected_year_keeps_the_law_and_balances_its_makeup_days(year: int) -> None:
    s = project_year(year)
    off = {e.day for e in s.entries if e.off}
    work = {e.day for e in s.entries if not e.off}
    assert all(d in off for d, _ in statutory_days(year))
    assert all(d.weekday() >= 5 for d in work)
    # as in every real notice 2008–2026 (extraordinary ones aside): weekdays off − makeup days =
    # the statutory days the law gives (each weekend statutory day made up once, 第六条)
    assert sum(d.weekday() < 5 for d in off) - len(work) == law_for(year).total_days


@pytest.mark.parametrize("year", range(2025, 2036))
def test_from_2025_no_run_of_work_is_longer_than_six_days(year: int) -> None:
    # 全国年节及纪念日放假办法（2024年修订）第七条: 法定节假日假期前后连续工作一般不超过6天
    s = project_year(year)
    status = statuses(s)
    for d in (e.day for e in s.entries if not e.off):
        run, x = 1, d - timedelta(days=1)
        while status.get(x, False):
            run, x = run + 1, x - timedelta(days=1)
        x = d + timedelta(days=1)
        while status.get(x, False):
            run, x = run + 1, x + timedelta(days=1)
        assert run <= 6, d


def test_2027_follows_the_2024_principles() -> None:
    s = project_year(2027)
    days = {e.day: e for e in s.entries}
    # 元旦 is a Friday: a long weekend, nothing moved
    assert not any(d.month == 12 for d in days) and D(2027, 1, 4) not in days
    # 春节自农历除夕起放假调休8天: 2月5日（除夕）至12日, two makeup Sundays/Saturdays
    assert [d for d, e in days.items() if e.name == "春节" and e.off] == [
        D(2027, 2, k) for k in range(5, 13)
    ]
    assert sorted(d for d, e in days.items() if e.name == "春节" and not e.off) == [
        D(2027, 1, 31),
        D(2027, 2, 13),
    ]
    # 如逢周三则只在当日放假: 端午 6月9日 and 中秋 9月15日 are Wednesdays
    assert [d for d in days if d.month == 6] == [D(2027, 6, 9)]
    assert [d for d in days if d.month == 9 and d.day < 20] == [D(2027, 9, 15)]
    # 劳动节 5 days from Saturday 5月1日; 5月1日、2日 on the weekend are made up on 3日、4日
    assert [d for d, e in days.items() if e.name == "劳动节" and e.off] == [
        D(2027, 5, k) for k in range(1, 6)
    ]
    # 国庆节 10月1日至7日, makeup days like 2010 and 2021 (10月1日 also a Friday)
    assert sorted(d for d, e in days.items() if e.name == "国庆节" and not e.off) == [
        D(2027, 9, 26),
        D(2027, 10, 9),
    ]


def test_2028_merges_mid_autumn_into_national_day() -> None:
    # 中秋 2028-10-03 coincides with 国庆: 国庆节放假如逢中秋节则合并放假8天
    days = {e.day: e for e in project_year(2028).entries}
    block = [d for d, e in days.items() if e.name == "国庆节、中秋节" and e.off]
    assert block == [D(2028, 10, k) for k in range(1, 9)]


def test_projection_is_used_only_for_years_without_a_notice() -> None:
    cal = Calendar().with_projection(through=2028)
    assert [c.year for c in cal.coverage() if c.national == "projected"] == [2027, 2028]
    with pytest.warns(ProjectedCalendarWarning):
        assert not cal.is_workday(D(2027, 2, 11))  # 初六: a bridge day, projected
    with pytest.warns(ProjectedCalendarWarning):
        assert cal.is_workday(D(2027, 2, 13))  # a projected makeup Saturday
    assert "2027-02-05 至 2027-02-12 春节放假（8 天）（预测）" in cal.special_days(
        D(2027, 2, 1), D(2027, 2, 20)
    )


def test_projection_with_withheld_years_matches_the_notices_2025_2026() -> None:
    # With the notices for 2025 and 2026 withheld, the projection gives every deadline right.
    known = [s for s in official_schedules() if s.year <= 2024]
    cal = Calendar(national=known).with_projection(through=2026)
    full = Calendar()
    with warnings.catch_warnings(), collecting_projected():
        warnings.simplefilter("error")
        for k in range(0, 700, 3):
            d = D(2024, 12, 1) + timedelta(days=k)
            assert cal.add_workdays(d, 20) == full.add_workdays(d, 20), d


def test_projection_needs_the_2008_law() -> None:
    with pytest.raises(ValueError, match="2008"):
        project_year(2007)
