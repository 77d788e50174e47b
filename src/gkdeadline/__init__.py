"""gkdeadline — 政务公开时限：中国工作日历上的法定期限。

Public API (stable names): :func:`is_workday`, :func:`add_workdays`, :func:`workdays_between`,
:func:`next_workday`, :func:`previous_workday`, :class:`Calendar`, :func:`load_schedule`,
:class:`~gkdeadline.case.Case`, the errors in :mod:`gkdeadline.errors`, and the batch path in
:mod:`gkdeadline.batch`.

The names are imported when first used (PEP 562), so ``import gkdeadline`` is instant and a
command that only counts workdays never loads the case engine, pydantic or numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# name → the module that defines it
_LAZY: dict[str, str] = {
    "Calendar": "gkdeadline.calendar",
    "YearSchedule": "gkdeadline.calendar",
    "add_workdays": "gkdeadline.calendar",
    "collecting_projected": "gkdeadline.calendar",
    "default_calendar": "gkdeadline.calendar",
    "is_workday": "gkdeadline.calendar",
    "load_schedule": "gkdeadline.calendar",
    "next_workday": "gkdeadline.calendar",
    "previous_workday": "gkdeadline.calendar",
    "set_default_calendar": "gkdeadline.calendar",
    "today": "gkdeadline.calendar",
    "workdays_between": "gkdeadline.calendar",
    "Case": "gkdeadline.case",
    "CaseResult": "gkdeadline.engine.result",
    "Catalogue": "gkdeadline.profiles",
    "CalendarCoverageError": "gkdeadline.errors",
    "CaseError": "gkdeadline.errors",
    "GkDeadlineError": "gkdeadline.errors",
    "InputError": "gkdeadline.errors",
    "MissingDependencyError": "gkdeadline.errors",
    "NoticeError": "gkdeadline.errors",
    "ProfileError": "gkdeadline.errors",
    "ProjectedCalendarWarning": "gkdeadline.errors",
    "RuleError": "gkdeadline.errors",
    "ScheduleError": "gkdeadline.errors",
}

__all__ = [
    "Calendar",
    "CalendarCoverageError",
    "Case",
    "CaseError",
    "CaseResult",
    "Catalogue",
    "GkDeadlineError",
    "InputError",
    "MissingDependencyError",
    "NoticeError",
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gkdeadline' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # the names, for type checkers and IDEs
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
    from gkdeadline.case import Case
    from gkdeadline.engine.result import CaseResult
    from gkdeadline.errors import (
        CalendarCoverageError,
        CaseError,
        GkDeadlineError,
        InputError,
        MissingDependencyError,
        NoticeError,
        ProfileError,
        ProjectedCalendarWarning,
        RuleError,
        ScheduleError,
    )
    from gkdeadline.profiles import Catalogue
