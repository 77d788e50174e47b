"""The statutory holidays of 全国年节及纪念日放假办法, version by version.

The yearly State Council notice (国务院办公厅关于某年部分节假日安排的通知) arranges the days off
around the statutory days fixed here; the notice may add bridge days (调休放假) and makeup
working days (调休上班), but it cannot remove a statutory day. This module is the law side of
that check (:mod:`gkdeadline.calendar.notice` parses notices and checks them against it) and the
basis of the provisional projection and of the bounds used when a year's notice is missing.

=========== =================== ====== ===========================================================
in force    document            days   what changed
=========== =================== ====== ===========================================================
1999-10-01  国务院令第270号     10     元旦 1，春节 3（初一至初三），劳动节 3，国庆节 3
2008-01-01  国务院令第513号     11     春节 除夕至初二；劳动节 1；清明、端午、中秋 各 1
2014-01-01  国务院令第644号     11     春节 初一至初三
2025-01-01  国务院令第795号     13     春节 除夕至初三（4 天）；劳动节 5月1日、2日
=========== =================== ====== ===========================================================

补假: a statutory day for all citizens that falls on a Saturday or Sunday is made up on a
working day (办法 第六条 in the 2007 and 2013 texts: “全体公民放假的假日，如果适逢星期六、星期日，
应当在工作日补假”). The notice decides which working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar

FIRST_LAW_YEAR = 2000  # the first full year under 国务院令第270号


@dataclass(frozen=True)
class HolidayLaw:
    """One version of 全国年节及纪念日放假办法."""

    effective_from: date
    document: str
    # 春节: lunar-day offsets from 正月初一 (-1 is 除夕, the last day of the 12th month)
    spring: tuple[int, ...]
    labour: tuple[int, ...]  # days of May
    traditional: bool  # 清明、端午、中秋 are holidays (from 2008)

    @property
    def total_days(self) -> int:
        return 1 + len(self.spring) + len(self.labour) + 3 + (3 if self.traditional else 0)

    def citation(self) -> str:
        return f"《全国年节及纪念日放假办法》（{self.document}）第二条"


LAWS: tuple[HolidayLaw, ...] = (
    HolidayLaw(date(1999, 10, 1), "国务院令第270号", (0, 1, 2), (1, 2, 3), False),
    HolidayLaw(date(2008, 1, 1), "国务院令第513号", (-1, 0, 1), (1,), True),
    HolidayLaw(date(2014, 1, 1), "国务院令第644号", (0, 1, 2), (1,), True),
    HolidayLaw(date(2025, 1, 1), "国务院令第795号", (-1, 0, 1, 2), (1, 2), True),
)


def law_for(year: int) -> HolidayLaw:
    """The version in force on 1 January of ``year`` (each version took effect on a 1 January,
    except the first, whose first full year is 2000)."""
    if year < FIRST_LAW_YEAR:
        raise ValueError(f"statutory holidays are modelled from {FIRST_LAW_YEAR}; got {year}")
    found = LAWS[0]
    for law in LAWS:
        if law.effective_from <= date(year, 1, 1):
            found = law
    return found


def _lunar(year: int, month: int, day: int) -> date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def qingming(year: int) -> date:
    """The day of the 清明 solar term in ``year``."""
    s = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return date(s.getYear(), s.getMonth(), s.getDay())


@cache
def statutory_days(year: int) -> tuple[tuple[date, str], ...]:
    """Every statutory day off of ``year`` for all citizens, in date order, with its festival.

    >>> [d.isoformat() for d, n in statutory_days(2026) if n == "春节"]
    ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19']
    """
    law = law_for(year)
    spring = _lunar(year, 1, 1)
    days: list[tuple[date, str]] = [(date(year, 1, 1), "元旦")]
    days += [(spring + timedelta(days=k), "春节") for k in law.spring]
    days += [(date(year, 5, d), "劳动节") for d in law.labour]
    if law.traditional:
        days += [
            (qingming(year), "清明节"),
            (_lunar(year, 5, 5), "端午节"),
            (_lunar(year, 8, 15), "中秋节"),
        ]
    days += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    # 中秋 can fall on 1–3 October (2001, 2020 …): the date appears once here, and
    # :func:`coincident_days` says how many statutory days were lost to the overlap (the notices
    # then give the day back, e.g. 2020: 10月1日至8日放假调休，共8天).
    merged: dict[date, str] = {}
    # On a coincidence the day keeps the fixed-date festival's name (国庆节, not 中秋节): the
    # notices call the merged block 国庆节、中秋节 and extend it from 10月1日.
    for d, name in sorted(days, key=lambda t: (t[0], t[1] == "中秋节")):
        merged.setdefault(d, name)
    return tuple(sorted(merged.items()))


def coincident_days(year: int) -> int:
    """How many statutory days of ``year`` fall on another statutory day (中秋 on 国庆)."""
    law = law_for(year)
    return law.total_days - len(statutory_days(year))


def festival_blocks(year: int) -> dict[str, tuple[date, ...]]:
    """The statutory days of ``year`` grouped by festival (中秋 on 1–3 October stays 国庆节)."""
    out: dict[str, list[date]] = {}
    for d, name in statutory_days(year):
        out.setdefault(name, []).append(d)
    return {k: tuple(v) for k, v in out.items()}
