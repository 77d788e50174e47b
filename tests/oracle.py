"""A deliberately naive reference: walk day by day over the same schedule data.

It shares nothing with the workday index except the schedules themselves, so agreement between
the two checks the index, the prefix counts and the coverage logic.
"""

from __future__ import annotations

from datetime import date, timedelta

from gkdeadline import Calendar
from gkdeadline.calendar.schedule import DECEMBER_REACH


class UnknownDayError(Exception):
    pass


class NaiveCalendar:
    def __init__(self, cal: Calendar) -> None:
        self.status: dict[date, bool] = {}
        national = {s.year for s in cal.schedules() if s.region is None}
        regional = {s.year for s in cal.schedules() if s.region is not None}
        self.national, self.regional, self.region = national, regional, cal.region
        for s in cal.schedules():  # national first, then regional: later entries win
            for e in s.entries:
                self.status[e.day] = not e.off

    def known(self, d: date) -> bool:
        if d.year not in self.national:
            return False
        if (d.month, d.day) >= DECEMBER_REACH and d.year + 1 not in self.national:
            return False
        return self.region is None or d.year in self.regional

    def is_workday(self, d: date) -> bool:
        if not self.known(d):
            raise UnknownDayError(d)
        return self.status.get(d, d.weekday() < 5)

    def add_workdays(self, d: date, n: int) -> date:
        step = 1 if n > 0 else -1
        left = abs(n)
        while left:
            d += timedelta(days=step)
            if self.is_workday(d):
                left -= 1
        return d

    def workdays_between(self, a: date, b: date) -> int:
        lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
        count = 0
        d = lo
        while d < hi:
            d += timedelta(days=1)
            count += self.is_workday(d)
        return sign * count


def naive_period(
    cal: NaiveCalendar, start: date, n: int, spans: list[tuple[date, date]] = ()
) -> date:
    """The n-th workday after ``start`` that lies in no (inclusive) span, by walking days."""
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if any(a <= d <= b for a, b in spans):
            continue
        if cal.is_workday(d):
            left -= 1
    return d
