"""Periods and how they are counted (``docs/concepts.md``, regulations §3).

A `Duration` is an amount of one unit. Counting conventions:

* **start day excluded**: a period "自X之日起" begins the day after X, whatever X is;
* **workdays**: the n-th working day after X (the calendar's makeup days count, holidays do not);
* **days / weeks / months / years**: calendar time; a month period ends on the corresponding day,
  or the month's last day where there is none (民法典 第二百零一、二百零二条); if the last day is
  not a working day the period ends on the next working day (第二百零三条) — unless the rule says
  the end does not roll (a term of office, a cadence);
* **hours / seconds**: elapsed time from a timezone-aware moment; holidays are irrelevant;
* **spans that do not count** (征求意见所需时间, 期限中止): inclusive date ranges; no day inside
  counts and counting resumes the day after; several may be given and may overlap;
* **lead times** ("提前7天"): the latest day to act is the event minus the period; if that is not
  a working day, the latest day moves *back* to the previous working day (an office cannot act
  on a day off, and moving later would break the lead time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from gkdeadline.calendar import Calendar
from gkdeadline.errors import InputError, RuleError
from gkdeadline.timeconv import within_dates

Unit = Literal["workdays", "days", "weeks", "months", "years", "hours", "seconds"]
UNITS_ZH: dict[str, str] = {
    "workdays": "个工作日",
    "days": "日",
    "weeks": "周",
    "months": "个月",
    "years": "年",
    "hours": "小时",
    "seconds": "秒",
}
ELAPSED_UNITS = frozenset({"hours", "seconds"})
Roll = Literal["forward", "backward", "none"]


class Duration(BaseModel):
    """``Duration(amount=20, unit="workdays")`` — an amount of one unit; immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    amount: int = Field(ge=0, le=100_000)
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {UNITS_ZH[self.unit]}"

    @property
    def elapsed(self) -> bool:
        """Measured in elapsed time (hours, seconds) rather than on the calendar."""
        return self.unit in ELAPSED_UNITS


def workdays(n: int) -> Duration:
    return Duration(amount=n, unit="workdays")


def days(n: int) -> Duration:
    return Duration(amount=n, unit="days")


def weeks(n: int) -> Duration:
    return Duration(amount=n, unit="weeks")


def months(n: int) -> Duration:
    return Duration(amount=n, unit="months")


def years(n: int) -> Duration:
    return Duration(amount=n, unit="years")


def hours(n: int) -> Duration:
    return Duration(amount=n, unit="hours")


@dataclass(frozen=True)
class Span:
    """Days that do not count, ``first`` to ``last`` inclusive (自A之日起至B之日止)."""

    first: date
    last: date
    kind: str = "other"  # "consultation", "suspension", "correction", …
    note: str = ""

    def __post_init__(self) -> None:
        if type(self.first) is not date or type(self.last) is not date:
            raise InputError(
                f"不计入的时间段需要两个日期，而不是 {self.first!r} 和 {self.last!r}",
                code="date-invalid",
                message_en=f"a span needs two dates, got {self.first!r} and {self.last!r}",
                field="span",
            )
        if self.last < self.first:
            raise InputError(
                f"时间段 {self.first.isoformat()} 至 {self.last.isoformat()} 结束在开始之前",
                code="input-invalid",
                message_en=(
                    f"span {self.first.isoformat()} … {self.last.isoformat()} ends before it starts"
                ),
                field="span",
                value=self.last.isoformat(),
            )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def merge_spans(spans: Iterable[Span]) -> list[tuple[date, date]]:
    """Sorted, non-overlapping, non-adjacent ``(first, last)`` ranges covering the spans."""
    out: list[tuple[date, date]] = []
    for s in sorted(spans, key=lambda s: s.first):
        if out and s.first <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], s.last))
        else:
            out.append((s.first, s.last))
    return out


def _days_in(ranges: Sequence[tuple[date, date]], lo: date, hi: date) -> int:
    """Calendar days of ``ranges`` inside ``(lo, hi]``."""
    total = 0
    for a, b in ranges:
        a2, b2 = max(a, lo + timedelta(days=1)), min(b, hi)
        if a2 <= b2:
            total += (b2 - a2).days + 1
    return total


def _add_workdays_skipping(
    cal: Calendar, start: date, n: int, ranges: Sequence[tuple[date, date]]
) -> date:
    """The n-th workday after ``start`` that lies outside every range."""
    cursor, remaining = start, n
    for a, b in ranges:
        if b <= cursor:
            continue
        if a <= cursor + timedelta(days=1):  # the range begins at once: jump over it
            cursor = b
            continue
        candidate = cal.add_workdays(cursor, remaining)
        if candidate < a:
            return candidate
        remaining -= cal.workdays_between(cursor, a - timedelta(days=1))
        cursor = b
    return cal.add_workdays(cursor, remaining)


def _calendar_shift(start: date, d: Duration, sign: int = 1) -> date:
    """``start`` moved by ``d`` on the calendar (forward, or back when ``sign`` is -1)."""
    n = sign * d.amount
    if d.unit == "days":
        return start + timedelta(days=n)
    if d.unit == "weeks":
        return start + timedelta(weeks=n)
    if d.unit == "months":
        return start + relativedelta(months=n)  # clamps to the month's last day
    if d.unit == "years":
        return start + relativedelta(years=n)
    raise RuleError(f"{d} 不是按日历计算的期间", message_en=f"{d} is not a calendar period")


def _elapsed(d: Duration) -> timedelta:
    return timedelta(hours=d.amount) if d.unit == "hours" else timedelta(seconds=d.amount)


def as_moment(value: date | datetime, what: str = "start") -> datetime:
    if not isinstance(value, datetime):
        raise InputError(
            f"{what} {value} 是日期，而按小时计算的期限需要时刻：请给出带时区的时间，"
            "如 2026-10-01T08:30+08:00",
            code="date-invalid",
            message_en=f"{what} {value!r} is a date, but an hour period needs a moment: give a"
            " timezone-aware datetime such as 2026-10-01T08:30+08:00",
            field=what,
            value=str(value),
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{what} {value.isoformat()} 没有时区，gkdeadline 不作猜测：请加上时区，如"
            " value.replace(tzinfo=ZoneInfo('Asia/Shanghai'))（命令行把不带时区的时间当作北京时间）",
            code="date-invalid",
            message_en=f"{what} {value.isoformat()} has no timezone. gkdeadline does not guess:"
            " attach one, e.g. value.replace(tzinfo=ZoneInfo('Asia/Shanghai')) (the command line"
            " reads naive times as Asia/Shanghai)",
            field=what,
            value=value.isoformat(),
        )
    return value


def as_day(value: date | datetime, what: str = "start") -> date:
    if isinstance(value, datetime):
        raise InputError(
            f"{what} {value.isoformat()} 是时刻，而这个期限按整日计算：请给出（北京时间的）日期",
            code="date-invalid",
            message_en=f"{what} {value.isoformat()} is a moment, but this period counts whole"
            " days; give the date (in Asia/Shanghai) instead",
            field=what,
            value=value.isoformat(),
        )
    return value


def period_end(
    start: date | datetime,
    duration: Duration,
    calendar: Calendar,
    spans: Iterable[Span] = (),
    roll: Roll = "forward",
) -> date | datetime:
    """The last day (or moment) of ``duration`` counted from ``start`` (start excluded).

    Raises `InputError` (``date-out-of-range``) if the end would be after 9999-12-31."""
    with within_dates(start, later=True):
        return _period_end(start, duration, calendar, spans, roll)


def _period_end(
    start: date | datetime,
    duration: Duration,
    calendar: Calendar,
    spans: Iterable[Span],
    roll: Roll,
) -> date | datetime:
    ranges = merge_spans(spans)
    if duration.elapsed:
        if ranges:
            raise RuleError(
                f"按 {duration} 计算的期限没有“不计入的时间”",
                message_en=f"spans that do not count are not defined for a {duration} period",
            )
        return as_moment(start) + _elapsed(duration)
    day = as_day(start)
    if duration.amount == 0:  # 当场 / 当日 / 同步: the same day
        return day
    if duration.unit == "workdays":
        return _add_workdays_skipping(calendar, day, duration.amount, ranges)
    end = plain = _calendar_shift(day, duration)
    while ranges:  # lengthen by the span days inside (start, end] until stable
        longer = plain + timedelta(days=_days_in(ranges, day, end))
        if longer == end:
            break
        end = longer
    if roll == "forward":
        return calendar.roll_forward(end)
    if roll == "backward":
        return calendar.roll_backward(end)
    return end


def lead_start(
    event: date | datetime, duration: Duration, calendar: Calendar, roll: Roll = "backward"
) -> date | datetime:
    """The latest day (or moment) to act when ``duration`` must precede ``event``.

    Raises `InputError` (``date-out-of-range``) if that would be before 0001-01-01."""
    with within_dates(event, later=False):
        return _lead_start(event, duration, calendar, roll)


def _lead_start(
    event: date | datetime, duration: Duration, calendar: Calendar, roll: Roll
) -> date | datetime:
    if duration.elapsed:
        return as_moment(event, "event") - _elapsed(duration)
    day = as_day(event, "event")
    if duration.unit == "workdays":
        return calendar.add_workdays(day, -duration.amount)
    latest = _calendar_shift(day, duration, -1)
    if roll == "backward":
        return calendar.roll_backward(latest)
    if roll == "forward":
        return calendar.roll_forward(latest)
    return latest


def aligned_period_end(day: date, duration: Duration) -> date:
    """The last day of the calendar week/month/quarter/year-long period containing ``day``.

    Used by cadences counted per calendar period ("每年两次", "每季度一次", "每周不少于4条").
    A 3-month period is a quarter; weeks end on Sunday.
    """
    with within_dates(day, later=True):
        return _aligned_period_end(day, duration)


def _aligned_period_end(day: date, duration: Duration) -> date:
    if duration.unit == "weeks" and duration.amount == 1:
        return day + timedelta(days=6 - day.weekday())
    if duration.unit == "days" and duration.amount == 1:
        return day
    if duration.unit == "months" and 12 % duration.amount == 0:
        block = (day.month - 1) // duration.amount
        first_next = date(day.year, 1, 1) + relativedelta(months=(block + 1) * duration.amount)
        return first_next - timedelta(days=1)
    if duration.unit == "years" and duration.amount == 1:
        return date(day.year, 12, 31)
    raise RuleError(
        f"{duration} 不是可以按自然周期对齐的期间",
        message_en=f"{duration} is not a calendar period a cadence can be aligned to",
    )
