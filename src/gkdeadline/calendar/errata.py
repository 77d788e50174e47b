"""Corrections to the built-in data, each checked against the State Council notice it cites.

The built-in schedules come from ``chinese-calendar``. Where its data disagrees with the notice,
the correction lives here — one row per day, with the notice number and the sentence that
decides it — never as a special case in the code. ``tests/test_crosscheck.py`` compares the
corrected calendar with the independently maintained ``holidays`` package over 2004–2026 and
with every holiday-cn file; a new disagreement fails that test until it is resolved here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Erratum:
    day: date
    off: bool  # the corrected status: True = day off, False = working day
    name: str
    notice: str
    quote: str  # the notice's own words that decide the day
    note: str


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        day=date(2005, 12, 31),
        off=False,
        name="元旦",
        notice="国务院办公厅关于2006年部分节假日安排的通知（国办发明电〔2005〕35号）",
        quote="12月31日(星期六)上班",
        note=(
            "chinese-calendar 1.11.0 treats this Saturday as a day off (its issue #125); the"
            " holidays package and the notice make it a makeup working day."
        ),
    ),
)
