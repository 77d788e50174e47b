"""The library's exceptions and warnings.

Every error gkdeadline raises on purpose is a :class:`GkDeadlineError`, so a case-handling
system can catch one class; each subclass says which layer refused the input. Messages name
the offending value and say what to do about it.
"""

from __future__ import annotations

from datetime import date


class GkDeadlineError(Exception):
    """Base class of every error gkdeadline raises on purpose."""


class InputError(GkDeadlineError, ValueError):
    """An argument of the wrong type or form (a datetime for a date, a malformed ISO string)."""


class CalendarCoverageError(GkDeadlineError, LookupError):
    """A computation needs a day whose working status gkdeadline does not know.

    ``year`` is the schedule that is missing (the State Council notice for that year, or a
    regional government's notice when ``region`` is set); ``day`` is the first day that needed it.
    """

    def __init__(
        self,
        day: date,
        year: int,
        region: str | None = None,
        region_name: str | None = None,
        detail: str = "",
    ) -> None:
        self.day = day
        self.year = year
        self.region = region
        if region is None:
            whose = "State Council (国务院)"
            ways = (
                f"load the official schedule for {year} (Calendar().with_schedules("
                f"load_schedule(path)); CLI --schedule FILE), opt into the provisional projection"
                f" (Calendar().with_projection(); CLI --projection), or upgrade gkdeadline /"
                f" chinese-calendar to a release that ships {year}"
            )
        else:
            whose = f"regional ({region_name or region})"
            ways = (
                f"load {region_name or region}'s schedule for {year} (a schedule file with"
                f' region = "{region}"; CLI --schedule FILE), or upgrade gkdeadline to a release'
                f" that ships it"
            )
        super().__init__(
            f"{day.isoformat()} needs the {whose} holiday schedule for {year}, which this"
            f" calendar does not have{detail}. Ways out: {ways}."
        )


class ScheduleError(GkDeadlineError, ValueError):
    """A holiday schedule file or table is malformed or contradicts itself."""


class RuleError(GkDeadlineError, ValueError):
    """A rule is malformed, unknown, or cannot be evaluated on the given input."""


class ProfileError(GkDeadlineError, ValueError):
    """A profile (a jurisdiction's rule set) is unknown or its file is invalid."""


class CaseError(GkDeadlineError, ValueError):
    """A request case's events are invalid, out of order or contradict each other."""


class ProjectedCalendarWarning(UserWarning):
    """A result depends on a provisionally projected day, not on a published schedule.

    Turn it into an error with ``warnings.simplefilter("error", ProjectedCalendarWarning)``.
    """
