"""The built-in national schedules: chinese-calendar's State Council data plus cited errata.

chinese-calendar keeps two flat tables (days off, makeup working days) for 2004–2026. They are
regrouped here into one :class:`YearSchedule` per notice year — 29–31 December go with the next
year's notice, as that notice is the one that arranges them — and corrected by
:mod:`gkdeadline.calendar.errata`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache

import chinese_calendar
from chinese_calendar import constants as _cc

from gkdeadline.calendar.errata import ERRATA
from gkdeadline.calendar.schedule import DayEntry, YearSchedule, notice_year

# chinese-calendar's English holiday names → the names the notices use.
_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

SOURCE = f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()


def _zh(name: object) -> str:
    text = str(getattr(name, "value", name))
    return _NAMES_ZH.get(text, text)


@cache
def official_schedules() -> tuple[YearSchedule, ...]:
    """One schedule per notice year covered by the installed chinese-calendar, errata applied."""
    rows: dict[date, DayEntry] = {}
    holidays: dict[date, object] = _cc.holidays
    workdays: dict[date, object] = _cc.workdays
    for d, name in holidays.items():
        rows[d] = DayEntry(d, _zh(name), True)
    for d, name in workdays.items():
        rows[d] = DayEntry(d, _zh(name), False)
    for e in ERRATA:
        rows[e.day] = DayEntry(e.day, e.name, e.off)
    first = min(holidays).year
    last = max(holidays).year
    by_year: dict[int, list[DayEntry]] = defaultdict(list)
    for d, entry in rows.items():
        by_year[notice_year(d)].append(entry)
    return tuple(
        YearSchedule(
            year,
            tuple(sorted(by_year.get(year, []), key=lambda e: e.day)),
            f"{SOURCE}（国务院办公厅{year}年部分节假日安排的通知）",
            None,
            "official",
        )
        for year in range(first, last + 1)
    )
