"""Bounds for a year without a notice: the windows are the tightest that contain every notice
2008–2026, and every real deadline lies between the bounds (a fast run of the backtest)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from gkdeadline import Calendar, InputError, collecting_projected, load_schedule
from gkdeadline.calendar import bounds
from gkdeadline.calendar.holiday_law import statutory_days
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.schedule import YearSchedule
from tests.paths import HOLIDAY_CN

D = date
YEARS = range(2008, 2027)
BACKTEST = Path(__file__).parent.parent / "benchmarks" / "backtest_calendar.py"


def backtest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("backtest_calendar", BACKTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def holiday_cn(year: int) -> YearSchedule:
    return load_schedule(HOLIDAY_CN / f"{year}.json")


# ---------------------------------------------------------------- the windows are the evidence


def test_windows_are_the_tightest_that_contain_every_notice() -> None:
    ordinary = [s for y, s in bounds.ordinary_history().items() if y in YEARS]
    makeup, off = bounds.derive_windows(ordinary)
    assert makeup == dict(bounds.MAKEUP_WINDOWS)
    assert off == dict(bounds.DAY_OFF_WINDOWS)


def test_holiday_cn_gives_the_same_windows() -> None:
    # an independent source of the same notices (tests/data/holiday-cn); its 2020 file marks
    # 2020-02-03 (Monday) as the day work resumed, which changes no window
    makeup, off = bounds.derive_windows(bounds.ordinary(holiday_cn(y)) for y in YEARS)
    assert makeup == dict(bounds.MAKEUP_WINDOWS)
    assert off == dict(bounds.DAY_OFF_WINDOWS)


@pytest.mark.parametrize("source", ["built-in", "holiday-cn"])
def test_only_the_2015_v_day_holiday_falls_outside(source: str) -> None:
    real = {s.year: s for s in official_schedules()}
    found = {
        y: v
        for y in YEARS
        if (v := bounds.violations(real[y] if source == "built-in" else holiday_cn(y)))
    }
    # 国发明电〔2015〕1号, excluded by name in the assumptions; the 2020 extension
    # (国办发明电〔2020〕1号) is inside the bounds as published
    assert found == {
        2015: [
            "2015-09-03 off, outside latest",
            "2015-09-04 off, outside latest",
            "2015-09-06 work, outside earliest",
        ]
    }


def test_the_2020_extension_is_inside_but_not_part_of_the_evidence() -> None:
    x = next(x for x in bounds.EXTRAORDINARY if x.year == 2020)
    assert x.inside_bounds and D(2020, 1, 31) in x.off
    assert not any(e.off for e in bounds.latest(2020).entries if e.day == D(2020, 2, 3))
    assert D(2020, 1, 31) in {e.day for e in bounds.latest(2020).entries if e.off}
    original = bounds.ordinary_history()[2020]  # 国办发明电〔2019〕16号 as first published
    makeup = {e.day for e in original.entries if not e.off and e.day.month <= 2}
    assert makeup == {D(2020, 1, 19), D(2020, 2, 1)}


# ---------------------------------------------------------------- the two fillings


@pytest.mark.parametrize("year", [2008, 2014, 2020, 2025, 2027, 2028, 2035])
def test_earliest_has_more_workdays_than_latest_and_both_keep_the_law(year: int) -> None:
    lo, hi = bounds.earliest(year), bounds.latest(year)
    assert lo.status == hi.status == "projected"
    lo_work = {e.day: not e.off for e in lo.entries}
    hi_work = {e.day: not e.off for e in hi.entries}
    first = D(year - 1, 12, 29)
    for k in range(365):
        d = first + timedelta(days=k)
        if d > D(year, 12, 28):
            break
        plain = d.weekday() < 5
        if hi_work.get(d, plain):
            assert lo_work.get(d, plain), d
    for d, _ in statutory_days(year):
        assert not lo_work.get(d, True) and not hi_work.get(d, True)
    assert all(d.weekday() >= 5 for d, w in lo_work.items() if w)  # makeup days: weekends only
    assert not any(hi_work.values())  # no makeup days at all
    assert max(e.day for e in (*lo.entries, *hi.entries)) <= D(year, 12, 28)


def test_2027_bounds_around_new_year_and_the_spring_festival() -> None:
    # 2027: 元旦 星期五; 除夕 2月5日（星期五）… 初三 2月8日, 初一、初二 on the weekend
    lo = {e.day: e.off for e in bounds.earliest(2027).entries}
    hi = {e.day: e.off for e in bounds.latest(2027).entries}
    weekdays_off = [d for d, off in hi.items() if off and d.weekday() < 5 and d < D(2027, 3, 1)]
    assert weekdays_off == [
        D(2026, 12, 31),  # 元旦前1天 (2008, 2019)
        D(2027, 1, 1),
        D(2027, 2, 4),  # 除夕前1天
        D(2027, 2, 5),
        *(D(2027, 2, k) for k in range(8, 13)),  # 初三 and four days after it
    ]
    makeup = [d for d, off in lo.items() if not off and d < D(2027, 3, 1)]
    # 1月2、3日 stay off: no notice ever put a makeup day 1–2 days after 元旦
    assert makeup == [D(2027, 1, 30), D(2027, 1, 31), D(2027, 2, 13), D(2027, 2, 14)]


def test_bounds_start_in_2008() -> None:
    with pytest.raises(ValueError, match="2008"):
        bounds.earliest(2007)
    with pytest.raises(ValueError, match="earliest"):
        bounds.bound_schedule(2027, "middle")  # type: ignore[arg-type]


def test_assumptions_are_stated_with_their_basis() -> None:
    early, late = bounds.assumptions("earliest"), bounds.assumptions("latest")
    assert "调休上班日只安排在周六、周日" in early and "春节前6天以内、后第4至9天" in early
    assert "第六条" in late and "应当在工作日补假" in late and "春节前1天、后4天以内" in late
    for text in (early, late):
        assert "国发明电〔2015〕1号" in text and "2008–2026" in text
    assert "国办发明电〔2020〕1号" in late
    with pytest.raises(ValueError):
        bounds.assumptions("both")  # type: ignore[arg-type]


# ---------------------------------------------------------------- calendars


def test_bounding_calendars_fill_2027_from_both_sides() -> None:
    lo, hi = bounds.bounding_calendars()
    with collecting_projected() as used:
        a, b = lo.add_workdays("2026-12-15", 20), hi.add_workdays("2026-12-15", 20)
        p = Calendar().with_projection().add_workdays("2026-12-15", 20)
    assert a <= p <= b
    assert (a, b) == (D(2027, 1, 13), D(2027, 1, 14))
    assert used  # results that touch a bound are flagged like projected ones
    with pytest.raises(Exception, match="2028"):  # the bounds fill 2027 only by default
        lo.add_workdays("2027-12-15", 20)


def test_national_replaces_the_built_in_base() -> None:
    through_2024 = [s for s in official_schedules() if s.year <= 2024]
    cal = Calendar(national=through_2024)
    assert cal.add_workdays("2024-12-02", 10) == D(2024, 12, 16)
    with pytest.raises(Exception, match="2025"):
        cal.add_workdays("2024-12-20", 20)
    # composition keeps the base; equal bases share one index
    assert cal.with_projection(through=2025).add_workdays("2024-12-02", 10) == D(2024, 12, 16)
    assert Calendar(national=through_2024).index is cal.index
    regional = next(iter(Calendar(region="ningxia").schedules()[-1:]))
    with pytest.raises(InputError, match="地区安排"):
        Calendar(national=[regional])


# ---------------------------------------------------------------- the backtest, quickly


def test_quick_backtest_finds_every_real_date_inside_the_bounds() -> None:
    bt = backtest()
    results = bt.run(quick=True)
    b = results["bounds"]
    assert b["overall"]["outside"] == 0
    assert all(not r["outside"] for r in (*b["years"], *b["without_extraordinary"]))
    assert b["overall"]["20"]["max_width"] <= 21 and b["overall"]["20+20"]["max_width"] <= 25
    p = results["projection"]["overall"]
    # the projection is far closer to the notices than the law's days alone
    assert p["days_differ"] * 2 < p["days_differ_statutory_only"]
    text = bt.render_backtest_markdown(results)
    assert text.startswith("## 回测") and "| 合计 |" in text and "第六条" in text
