"""Provisional projection of a year the State Council has not yet scheduled.

Only the statutory days of 全国年节及纪念日放假办法 (as revised 2024-11, in force 2025-01-01) are
projected: 元旦 1月1日; 春节 农历除夕至正月初三; 清明节 (the solar term's day); 劳动节 5月1日、2日;
端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 10月1日至3日. Weekends stay weekends. Nothing
else is invented: no 调休上班 makeup working days and no 补假 for statutory days that fall on a
weekend (第六条 leaves their placement to the yearly notice). A projected deadline can therefore
move either way once the notice is out; every result that touched a projected day says so.

Lunar dates and the 清明 solar term come from the ``lunar-python`` package.
"""

from __future__ import annotations

from datetime import date, timedelta

from lunar_python import Lunar

from gkdeadline.calendar.schedule import DayEntry, YearSchedule

FIRST_PROJECTABLE_YEAR = 2025  # the 2024 revision's 13 statutory days apply from 2025
SOURCE = "全国年节及纪念日放假办法（2024年11月修订）第二条 — 预测，非国务院通知"


def _lunar(year: int, month: int, day: int) -> date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def _qingming(year: int) -> date:
    s = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return date(s.getYear(), s.getMonth(), s.getDay())


def project_year(year: int) -> YearSchedule:
    """The statutory days off of ``year``, marked ``status='projected'``."""
    if year < FIRST_PROJECTABLE_YEAR:
        raise ValueError(f"projection starts with {FIRST_PROJECTABLE_YEAR}; {year} has a notice")
    spring = _lunar(year, 1, 1)
    days = [
        (date(year, 1, 1), "元旦"),
        *(
            (spring + timedelta(days=k), "春节") for k in (-1, 0, 1, 2)
        ),  # 除夕 = the day before 初一
        (_qingming(year), "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (_lunar(year, 5, 5), "端午节"),
        (_lunar(year, 8, 15), "中秋节"),
        *((date(year, 10, k), "国庆节") for k in (1, 2, 3)),
    ]
    entries = tuple(DayEntry(d, n, True) for d, n in sorted(dict(days).items()))
    return YearSchedule(year, entries, SOURCE, None, "projected")
