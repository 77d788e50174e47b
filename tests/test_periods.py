"""Counting conventions of regulations §3, on the real 2026 calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gkdeadline import Calendar, InputError, RuleError
from gkdeadline.periods import (
    Span,
    aligned_period_end,
    days,
    hours,
    lead_start,
    merge_spans,
    months,
    period_end,
    weeks,
    workdays,
    years,
)

CAL = Calendar()
D = date
SH = ZoneInfo("Asia/Shanghai")


def test_workdays_start_excluded_and_makeup_day_counts() -> None:
    assert period_end(D(2026, 9, 28), workdays(20), CAL) == D(2026, 10, 30)
    assert period_end(D(2026, 9, 28), workdays(5), CAL) == D(2026, 10, 10)  # makeup Saturday


def test_one_span_that_does_not_count() -> None:
    # received 2026-03-25; third party consulted 04-01 … 04-10 (inclusive): 8 workdays paused
    span = Span(D(2026, 4, 1), D(2026, 4, 10), "consultation")
    assert period_end(D(2026, 3, 25), workdays(20), CAL) == D(2026, 4, 23)
    assert period_end(D(2026, 3, 25), workdays(20), CAL, [span]) == D(2026, 5, 7)


def test_span_ending_the_day_before_the_deadline_region() -> None:
    # A span entirely after the unpaused deadline changes nothing.
    late = Span(D(2026, 5, 1), D(2026, 5, 20))
    assert period_end(D(2026, 3, 25), workdays(20), CAL, [late]) == D(2026, 4, 23)


def test_span_covering_the_start_day_and_overlapping_spans_merge() -> None:
    a = Span(D(2026, 3, 20), D(2026, 3, 27))  # covers the start 03-25: counting from 03-28
    b = Span(D(2026, 3, 26), D(2026, 3, 31))  # overlaps a: merged to 03-20 … 03-31
    assert merge_spans([a, b]) == [(D(2026, 3, 20), D(2026, 3, 31))]
    assert period_end(D(2026, 3, 25), workdays(1), CAL, [a, b]) == D(2026, 4, 1)


def test_several_spans() -> None:
    s1 = Span(D(2026, 3, 30), D(2026, 3, 31))  # Mon-Tue: 2 workdays
    s2 = Span(D(2026, 4, 8), D(2026, 4, 9))  # Wed-Thu: 2 workdays
    assert period_end(D(2026, 3, 25), workdays(10), CAL) == D(2026, 4, 9)
    # 03-26, 03-27, 04-01, 04-02, 04-03, (04-06 清明节), 04-07, 04-10, 04-13, 04-14, 04-15
    assert period_end(D(2026, 3, 25), workdays(10), CAL, [s1, s2]) == D(2026, 4, 15)


def test_calendar_days_roll_forward_to_next_workday() -> None:
    assert period_end(D(2026, 8, 2), days(60), CAL) == D(2026, 10, 8)  # 10-01 国庆 → 10-08
    assert period_end(D(2026, 8, 2), days(60), CAL, roll="none") == D(2026, 10, 1)


def test_calendar_days_with_a_span_are_lengthened() -> None:
    s = Span(D(2026, 9, 1), D(2026, 9, 5))  # 5 days
    assert period_end(D(2026, 8, 27), days(10), CAL) == D(2026, 9, 7)
    assert period_end(D(2026, 8, 27), days(10), CAL, [s]) == D(2026, 9, 11)


def test_month_periods_use_corresponding_day_or_month_end() -> None:
    assert period_end(D(2026, 3, 31), months(6), CAL) == D(2026, 9, 30)
    # 02-28 (Saturday) is a 春节 makeup working day: the month ends there, no rolling
    assert period_end(D(2026, 1, 31), months(1), CAL) == D(2026, 2, 28)
    assert period_end(D(2026, 3, 31), months(2), CAL) == D(2026, 6, 1)  # 05-31 Sunday → Monday
    assert period_end(D(2026, 3, 31), months(2), CAL, roll="none") == D(2026, 5, 31)
    assert period_end(D(2014, 11, 30), months(3), CAL) == D(2015, 2, 28)  # makeup Saturday


def test_weeks_and_years() -> None:
    assert period_end(D(2026, 9, 28), weeks(1), CAL, roll="none") == D(2026, 10, 5)
    assert period_end(D(2024, 2, 29), years(1), CAL, roll="none") == D(2025, 2, 28)


def test_zero_means_same_day() -> None:
    assert period_end(D(2026, 10, 3), days(0), CAL) == D(2026, 10, 3)


def test_hours_are_elapsed_time_and_need_an_aware_moment() -> None:
    start = datetime(2026, 9, 30, 22, 0, tzinfo=SH)
    assert period_end(start, hours(48), CAL) == datetime(2026, 10, 2, 22, 0, tzinfo=SH)
    with pytest.raises(InputError, match="没有时区"):
        period_end(datetime(2026, 9, 30, 22, 0), hours(5), CAL)
    with pytest.raises(InputError, match="需要时刻"):
        period_end(D(2026, 9, 30), hours(5), CAL)
    with pytest.raises(RuleError, match="不计入的时间"):
        period_end(start, hours(5), CAL, [Span(D(2026, 10, 1), D(2026, 10, 1))])


def test_day_periods_refuse_moments() -> None:
    with pytest.raises(InputError, match="按整日计算"):
        period_end(datetime(2026, 9, 30, 9, tzinfo=SH), workdays(3), CAL)


def test_lead_time_rolls_back_to_a_workday() -> None:
    # 提前3天 before Monday 2026-10-12: 10-09 (Friday) is a workday
    assert lead_start(D(2026, 10, 12), days(3), CAL) == D(2026, 10, 9)
    # 提前1天 before Monday 2026-10-12: Sunday 10-11 → back to Saturday 10-10 (makeup workday)
    assert lead_start(D(2026, 10, 12), days(1), CAL) == D(2026, 10, 10)
    # 10日前 before 2026-10-12: 10-02 is 国庆节 → back to 09-30
    assert lead_start(D(2026, 10, 12), days(10), CAL) == D(2026, 9, 30)
    # three workdays before Monday 10-12: 10-10 (makeup Saturday), 10-09, 10-08
    assert lead_start(D(2026, 10, 12), workdays(3), CAL) == D(2026, 10, 8)
    assert lead_start(D(2026, 10, 15), weeks(1), CAL) == D(2026, 10, 8)


def test_aligned_period_ends() -> None:
    assert aligned_period_end(D(2026, 5, 13), weeks(1)) == D(2026, 5, 17)
    assert aligned_period_end(D(2026, 5, 13), months(1)) == D(2026, 5, 31)
    assert aligned_period_end(D(2026, 5, 13), months(3)) == D(2026, 6, 30)
    assert aligned_period_end(D(2026, 11, 13), months(3)) == D(2026, 12, 31)
    assert aligned_period_end(D(2026, 5, 13), years(1)) == D(2026, 12, 31)
    with pytest.raises(RuleError):
        aligned_period_end(D(2026, 5, 13), months(5))


def test_bad_spans() -> None:
    with pytest.raises(InputError, match="结束在开始之前"):
        Span(D(2026, 4, 10), D(2026, 4, 1))
    with pytest.raises(InputError):
        Span("2026-04-01", D(2026, 4, 1))  # type: ignore[arg-type]


def test_span_days() -> None:
    assert Span(D(2026, 4, 1), D(2026, 4, 10)).days == 10
    assert D(2026, 4, 10) - D(2026, 4, 1) == timedelta(days=9)
