"""Example tests of the calendar against the State Council notices, year boundaries and coverage."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta

import pytest

import gkdeadline as gk
from gkdeadline import Calendar, CalendarCoverageError, InputError, ProjectedCalendarWarning
from gkdeadline.calendar.errata import ERRATA
from gkdeadline.calendar.projection import project_year
from gkdeadline.calendar.schedule import notice_year

D = date


# ---------------------------------------------------------------- the worked examples


def test_twenty_workdays_across_national_day_2026() -> None:
    # 国办发明电〔2025〕7号: 国庆节、中秋节 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班
    assert gk.add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)


def test_next_workday_is_a_makeup_saturday() -> None:
    assert gk.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert gk.is_workday(D(2026, 10, 10))
    assert D(2026, 10, 10).weekday() == 5


def test_start_on_makeup_saturday_across_spring_festival() -> None:
    # 2026-02-14 (Saturday) is a makeup working day; the start day never counts anyway.
    assert gk.is_workday(D(2026, 2, 14))
    assert gk.add_workdays(D(2026, 2, 14), 20) == D(2026, 3, 20)


def test_unknown_year_raises_naming_2027() -> None:
    with pytest.raises(CalendarCoverageError) as info:
        gk.add_workdays(D(2026, 12, 15), 20)
    assert info.value.year == 2027
    message = str(info.value)  # Chinese first (errors are data: message_zh / message_en)
    assert "2027" in message and message == info.value.message_zh
    for way_out in ("载入 2027 年的安排", "--projection", "升级 gkdeadline"):
        assert way_out in message
    for way_out in ("Load it", "--projection", "upgrade"):
        assert way_out in info.value.message_en
    assert info.value.code == "calendar-missing-year"


def test_projection_makes_2027_computable_and_flags_it() -> None:
    cal = Calendar().with_projection()
    with pytest.warns(ProjectedCalendarWarning):
        result = cal.add_workdays(D(2026, 12, 15), 20)
    # 2026-12-16 … 2026-12-31: 12 workdays; 2027-01-01 (Friday) is 元旦; 8 more from 01-04.
    assert result == D(2027, 1, 13)
    assert cal.uses_projection(D(2026, 12, 15), result)


def test_loaded_2027_schedule_makes_it_computable_without_warning(tmp_path) -> None:
    f = tmp_path / "2027.toml"
    f.write_text(
        'year = 2027\nnotice = "测试用 2027 安排"\n'
        '[[holiday]]\nname = "元旦"\noff = ["2027-01-01"]\n',
        encoding="utf-8",
    )
    cal = Calendar().with_schedules(gk.load_schedule(f))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cal.add_workdays(D(2026, 12, 15), 20) == D(2027, 1, 13)
    assert not cal.uses_projection(D(2026, 12, 15), D(2027, 1, 13))


# ---------------------------------------------------------------- counting conventions


def test_start_day_never_counts_even_when_it_is_a_holiday() -> None:
    # Received on 2026-10-01 (国庆节): the first counted day is the first workday after it.
    assert gk.add_workdays(D(2026, 10, 1), 1) == D(2026, 10, 8)
    # Received on an ordinary Saturday: counting starts on Monday.
    assert gk.add_workdays(D(2026, 3, 7), 1) == D(2026, 3, 9)


def test_zero_and_negative() -> None:
    assert gk.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert gk.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert gk.add_workdays(D(2026, 10, 12), -1) == D(2026, 10, 10)  # back onto the makeup Saturday
    assert gk.previous_workday(D(2026, 10, 8)) == D(2026, 9, 30)
    assert gk.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)


def test_workdays_between_half_open_and_signed() -> None:
    assert gk.workdays_between(D(2026, 9, 28), D(2026, 10, 30)) == 20
    assert gk.workdays_between(D(2026, 10, 30), D(2026, 9, 28)) == -20
    assert gk.workdays_between(D(2026, 10, 9), D(2026, 10, 10)) == 1
    assert gk.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert gk.workdays_between(D(2026, 5, 5), D(2026, 5, 5)) == 0


def test_roll_forward_and_backward(national: Calendar) -> None:
    assert national.roll_forward(D(2026, 10, 3)) == D(2026, 10, 8)
    assert national.roll_forward(D(2026, 10, 10)) == D(2026, 10, 10)
    assert national.roll_backward(D(2026, 10, 3)) == D(2026, 9, 30)


# ---------------------------------------------------------------- year boundaries and notices


def test_december_days_set_by_next_years_notice() -> None:
    # 国办发明电〔2018〕15号 (2019 安排): 2018年12月30日至2019年1月1日放假，12月29日（星期六）上班
    assert gk.is_workday(D(2018, 12, 29))
    assert not gk.is_workday(D(2018, 12, 31))
    assert gk.add_workdays(D(2018, 12, 28), 1) == D(2018, 12, 29)
    assert gk.add_workdays(D(2018, 12, 29), 1) == D(2019, 1, 2)
    assert notice_year(D(2018, 12, 29)) == 2019
    assert notice_year(D(2018, 12, 28)) == 2018


def test_year_boundary_counts_across_new_year() -> None:
    # 2025-12-31 (Wednesday) → 2026: 1月1日至3日放假，1月4日（周日）上班.
    assert gk.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert gk.add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert gk.workdays_between(D(2025, 12, 30), D(2026, 1, 5)) == 3


def test_every_erratum_is_applied(national: Calendar) -> None:
    for e in ERRATA:
        assert national.is_workday(e.day) is (not e.off), e.notice
        assert e.notice and e.quote


def test_erratum_2005_12_31_was_a_working_saturday() -> None:
    assert gk.is_workday(D(2005, 12, 31))
    assert gk.add_workdays(D(2005, 12, 30), 1) == D(2005, 12, 31)
    assert gk.add_workdays(D(2005, 12, 31), 1) == D(2006, 1, 4)


def test_2020_extension_made_the_makeup_saturday_a_day_off() -> None:
    # 国办发明电〔2020〕1号 extended the holiday to 2月2日; 2月1日 was no longer a makeup day.
    assert not gk.is_workday(D(2020, 2, 1))
    assert not gk.is_workday(D(2020, 1, 31))
    assert gk.add_workdays(D(2020, 1, 23), 1) == D(2020, 2, 3)


def test_2015_victory_day_holiday() -> None:
    assert not gk.is_workday(D(2015, 9, 3))
    assert gk.is_workday(D(2015, 9, 6))  # Sunday makeup


def test_every_makeup_day_is_a_workday_and_every_weekday_off_is_not(national: Calendar) -> None:
    makeup = weekday_off = 0
    for s in national.schedules():
        for e in s.entries:
            if (e.day.month, e.day.day) >= (12, 29) and notice_year(e.day) not in {
                x.year for x in national.schedules()
            }:
                continue
            if not e.off:
                makeup += 1
                assert national.is_workday(e.day), e
                assert national.add_workdays(e.day - timedelta(days=1), 1) == e.day
            elif e.day.weekday() < 5:
                weekday_off += 1
                assert not national.is_workday(e.day), e
    assert makeup > 100
    assert weekday_off > 300


# ---------------------------------------------------------------- coverage


def test_before_2004_is_unknown() -> None:
    with pytest.raises(CalendarCoverageError) as info:
        gk.is_workday(D(2003, 6, 2))
    assert info.value.year == 2003
    with pytest.raises(CalendarCoverageError):
        gk.add_workdays(D(2004, 1, 5), -10)


def test_december_tail_of_last_year_needs_next_notice() -> None:
    assert gk.is_workday(D(2026, 12, 28))
    with pytest.raises(CalendarCoverageError) as info:
        gk.is_workday(D(2026, 12, 30))
    assert info.value.year == 2027
    assert gk.add_workdays(D(2026, 12, 1), 10) == D(2026, 12, 15)  # Tue 12-01 → Tue 12-15


def test_start_just_before_coverage_is_fine_because_it_does_not_count() -> None:
    assert gk.add_workdays(D(2003, 12, 31), 1) == D(2004, 1, 2)
    assert gk.workdays_between(D(2003, 12, 31), D(2004, 1, 2)) == 1


def test_coverage_listing(national: Calendar) -> None:
    years = [c.year for c in national.coverage()]
    assert years == list(range(2004, 2027))
    assert {c.national for c in national.coverage()} == {"official"}
    assert national.last_day() == D(2026, 12, 28)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026/10/09", "不是 ISO 日期"),
        ("2026-02-30", "不存在这一天"),
        ("2026-W41-5", "不是 ISO 日期"),
        (20261009, "数字不是日期"),
        (True, "数字不是日期"),
        (None, "NoneType"),
    ],
)
def test_bad_dates_are_refused_by_name(value: object, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        gk.add_workdays(value, 1)  # type: ignore[arg-type]
    assert fragment in str(info.value)
    assert info.value.code == "date-invalid"
    assert info.value.message_en.isascii() or "'" in info.value.message_en
    assert isinstance(info.value, gk.GkDeadlineError)


def test_moments_are_taken_on_beijing_time() -> None:
    """One conversion everywhere: an aware datetime counts from its date in Beijing; a naive one
    is already Beijing time; numpy and pandas timestamps likewise."""
    from datetime import UTC

    import numpy as np
    import pandas as pd

    # 2026-09-27 17:30 UTC is 2026-09-28 01:30 in Beijing
    assert gk.add_workdays(datetime(2026, 9, 27, 17, 30, tzinfo=UTC), 20) == D(2026, 10, 30)
    assert gk.add_workdays(datetime(2026, 9, 28, 1, 30), 20) == D(2026, 10, 30)
    assert gk.add_workdays(pd.Timestamp("2026-09-28 01:30", tz="Asia/Shanghai"), 20) == D(
        2026, 10, 30
    )
    assert gk.add_workdays(np.datetime64("2026-09-28"), 20) == D(2026, 10, 30)


def test_iso_strings_are_accepted() -> None:
    assert gk.add_workdays("2026-10-09", 1) == D(2026, 10, 10)


@pytest.mark.parametrize("n", [1.5, "3", True, None])
def test_bad_counts_are_refused(n: object) -> None:
    with pytest.raises(InputError):
        gk.add_workdays(D(2026, 10, 9), n)  # type: ignore[arg-type]


# ---------------------------------------------------------------- projection


def test_projection_statutory_days_2027() -> None:
    s = project_year(2027)
    days = {e.day: e for e in s.entries}
    # 2027: 春节 正月初一 = 2月6日, so 除夕 = 2月5日; 清明 4月5日; 端午 6月9日; 中秋 9月15日
    statutory = [
        D(2027, 1, 1),
        *(D(2027, 2, k) for k in (5, 6, 7, 8)),
        D(2027, 4, 5),
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),
        D(2027, 9, 15),
        *(D(2027, 10, k) for k in (1, 2, 3)),
    ]
    assert all(days[d].off for d in statutory)
    assert days[D(2027, 9, 15)].name == "中秋节" and days[D(2027, 6, 9)].name == "端午节"
    # Updated when the projection learned 补假 and 调休 (it used to list the 13 statutory days
    # only, all off): 春节 now runs 除夕 to 初七 as 国办发明电〔2024〕12号 says, with two makeup
    # weekend days; the details are in tests/test_projection.py.
    assert [d for d, e in days.items() if e.name == "春节" and e.off] == [
        D(2027, 2, k) for k in range(5, 13)
    ]
    assert all(d.weekday() >= 5 for d, e in days.items() if not e.off)
    assert s.status == "projected"


def test_projection_is_opt_in_and_never_overrides_published_years() -> None:
    cal = Calendar().with_projection(through=2028)
    assert [c.year for c in cal.coverage() if c.national == "projected"] == [2027, 2028]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cal.add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)  # no projected day touched


def test_projected_warning_can_become_an_error() -> None:
    cal = Calendar().with_projection()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProjectedCalendarWarning)
        with pytest.raises(ProjectedCalendarWarning):
            cal.is_workday(D(2027, 2, 8))


def test_collecting_projected_records_instead_of_warning() -> None:
    cal = Calendar().with_projection()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would fail the test
        with gk.collecting_projected() as used:
            assert not cal.is_workday(D(2027, 2, 8))  # 春节 2027, projected
            cal.add_workdays(D(2026, 9, 28), 20)  # touches no projected day
    assert used == [(D(2027, 2, 8), D(2027, 2, 8))]
    with pytest.warns(ProjectedCalendarWarning):  # outside the block, the warning is back
        cal.is_workday(D(2027, 2, 8))


def test_collecting_projected_is_per_thread() -> None:
    # a web server's other threads must still get their own warnings, not feed this sink
    import threading

    cal = Calendar().with_projection()
    seen: list[type[Warning]] = []

    def other_thread() -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cal.is_workday(D(2027, 2, 9))
        seen.extend(w.category for w in caught)

    with gk.collecting_projected() as used:
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert used == []
    assert seen == [ProjectedCalendarWarning]


# ---------------------------------------------------------------- regional overlay (宁夏)


def test_ningxia_adds_eid_days(ningxia: Calendar, national: Calendar) -> None:
    # 宁政办发〔2018〕137号: 开斋节 6月5日、6日放假 (2019)
    assert national.is_workday(D(2019, 6, 5))
    assert not ningxia.is_workday(D(2019, 6, 5))
    assert ningxia.add_workdays(D(2019, 6, 4), 1) == D(2019, 6, 10)


def test_ningxia_regional_makeup_day_2017(ningxia: Calendar) -> None:
    # 2017 开斋节 6月24日至28日放假调休，7月1日（星期六）上班
    assert ningxia.is_workday(D(2017, 7, 1))
    assert not ningxia.is_workday(D(2017, 6, 26))


def test_ningxia_without_regional_data_is_honest(ningxia: Calendar) -> None:
    with pytest.raises(CalendarCoverageError) as info:
        ningxia.is_workday(D(2018, 6, 15))
    assert info.value.region == "ningxia"
    assert info.value.year == 2018
    assert "宁夏" in str(info.value)


@pytest.mark.parametrize(("in_file", "in_calendar"), [("ningxia", "宁夏"), ("宁夏", "ningxia")])
def test_regional_schedule_can_be_loaded(tmp_path, in_file: str, in_calendar: str) -> None:
    # the file and the calendar may each name the region in Chinese or by key
    f = tmp_path / "nx2018.toml"
    f.write_text(
        f'year = 2018\nregion = "{in_file}"\nnotice = "测试"\n'
        '[[holiday]]\nname = "开斋节"\noff = ["2018-06-15"]\n',
        encoding="utf-8",
    )
    cal = Calendar(region=in_calendar).with_schedules(gk.load_schedule(f))
    assert not cal.is_workday(D(2018, 6, 15))
    assert cal.is_workday(D(2018, 6, 14))
    assert cal.describe_day(D(2018, 6, 15)) == "2018-06-15（星期五，开斋节放假，宁夏回族自治区）"


def test_regional_schedule_on_a_national_calendar_is_refused(tmp_path) -> None:
    f = tmp_path / "nx.toml"
    f.write_text('year = 2018\nregion = "ningxia"\nnotice = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="是地区安排"):
        Calendar().with_schedules(gk.load_schedule(f))


def test_describe_day() -> None:
    cal = Calendar()
    assert cal.describe_day(D(2026, 10, 10)) == "2026-10-10（星期六，国庆节调休上班）"
    assert cal.describe_day(D(2026, 10, 12)) == "2026-10-12（星期一）"


def test_today_is_the_date_in_china_whatever_the_server_timezone() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    # 17:30 UTC on 22 November is 01:30 on 23 November in Beijing
    assert gk.today(datetime(2026, 11, 22, 17, 30, tzinfo=UTC)) == D(2026, 11, 23)
    assert gk.today(datetime(2026, 11, 22, 15, 59, tzinfo=UTC)) == D(2026, 11, 22)
    new_york = timezone(timedelta(hours=-5))
    assert gk.today(datetime(2026, 11, 22, 12, 0, tzinfo=new_york)) == D(2026, 11, 23)
