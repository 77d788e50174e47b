"""gkdeadline — 政务公开时限：中国工作日历上的法定期限。

Public API (stable names): :func:`is_workday`, :func:`add_workdays`, :func:`workdays_between`,
:func:`next_workday`, :func:`previous_workday`, :class:`Calendar`, :func:`load_schedule`, the
errors in :mod:`gkdeadline.errors`, and the batch path in :mod:`gkdeadline.batch`.
"""

from __future__ import annotations

from gkdeadline.calendar import (
    Calendar,
    YearSchedule,
    add_workdays,
    collecting_projected,
    default_calendar,
    is_workday,
    load_schedule,
    next_workday,
    previous_workday,
    set_default_calendar,
    today,
    workdays_between,
)
from gkdeadline.errors import (
    CalendarCoverageError,
    CaseError,
    GkDeadlineError,
    InputError,
    ProfileError,
    ProjectedCalendarWarning,
    RuleError,
    ScheduleError,
)

__version__ = "0.1.0"

__all__ = [
    "Calendar",
    "CalendarCoverageError",
    "CaseError",
    "GkDeadlineError",
    "InputError",
    "ProfileError",
    "ProjectedCalendarWarning",
    "RuleError",
    "ScheduleError",
    "YearSchedule",
    "__version__",
    "add_workdays",
    "collecting_projected",
    "default_calendar",
    "is_workday",
    "load_schedule",
    "next_workday",
    "previous_workday",
    "set_default_calendar",
    "today",
    "workdays_between",
]
