"""Which days are working days: official data, cited errata, schedule files, projection, regions.

The module-level functions use the default calendar (the built-in national one unless
`set_default_calendar` replaced it, e.g. with next year's schedule loaded).
"""

from __future__ import annotations

from datetime import date

from gkdeadline.calendar.calendar import (
    Calendar,
    YearCoverage,
    as_date,
    as_int,
    collecting_projected,
)
from gkdeadline.calendar.regions import REGIONS, region_key
from gkdeadline.calendar.schedule import DayEntry, YearSchedule, load_schedule
from gkdeadline.timeconv import CHINA, today

__all__ = [
    "CHINA",
    "REGIONS",
    "Calendar",
    "DayEntry",
    "YearCoverage",
    "YearSchedule",
    "add_workdays",
    "as_date",
    "as_int",
    "collecting_projected",
    "default_calendar",
    "is_workday",
    "load_schedule",
    "next_workday",
    "previous_workday",
    "region_key",
    "set_default_calendar",
    "today",
    "workdays_between",
]

_default: Calendar | None = None  # set by set_default_calendar
_built: tuple[int, Calendar] | None = None  # the default built here, and for which schedules


def default_calendar() -> Calendar:
    """The calendar the module-level functions use: the one given to
    `set_default_calendar`, else the built-in national calendar with the configured
    schedule folder (rebuilt after `gkdeadline.calendar.sources.reload_schedules`)."""
    global _built  # noqa: PLW0603  (an immutable value, replaced whole)
    if _default is not None:
        return _default
    from gkdeadline.calendar.sources import configured_schedules, generation

    configured_schedules()  # reads the folder on first use (and bumps the generation)
    built = _built
    if built is None or built[0] != generation():
        built = (generation(), Calendar())
        _built = built
    return built[1]


def set_default_calendar(calendar: Calendar | None) -> None:
    """Make ``calendar`` the default (``None`` restores the built-in national calendar)."""
    global _default  # noqa: PLW0603  (one process-wide default, like decimal's context)
    _default = calendar


def is_workday(d: date | str) -> bool:
    """Is ``d`` a working day (默认日历)? Raises CalendarCoverageError outside the known years."""
    return default_calendar().is_workday(d)


def add_workdays(d: date | str, n: int) -> date:
    """The n-th working day strictly after ``d``; n < 0 counts back; n = 0 returns ``d``."""
    return default_calendar().add_workdays(d, n)


def workdays_between(a: date | str, b: date | str) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    return default_calendar().workdays_between(a, b)


def next_workday(d: date | str) -> date:
    """The first working day strictly after ``d``."""
    return default_calendar().add_workdays(d, 1)


def previous_workday(d: date | str) -> date:
    """The last working day strictly before ``d``."""
    return default_calendar().add_workdays(d, -1)
