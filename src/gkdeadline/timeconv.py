"""Dates and moments, converted once, the same way on every path.

Accepted for a *date*: ``datetime.date``; an ISO ``YYYY-MM-DD`` string (exactly that form: no
``2026-W01-1``, no ``20260101``, no epoch numbers); a ``datetime`` — aware ones are converted to
Beijing time (Asia/Shanghai) and take that date, naive ones are taken as Beijing time already;
``pandas.Timestamp`` and ``numpy.datetime64`` likewise (a ``datetime64`` has no zone: Beijing
time). Impossible dates (``2026-02-30``) are errors. Booleans and numbers are refused: a number is
never silently a date.

Accepted for a *moment* (hour-based rules): an aware ``datetime`` (kept), a naive one (Beijing
time), an ISO string with or without offset (without: Beijing time), a date (midnight, Beijing).

Errors are `InputError` with code ``date-invalid`` naming the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from gkdeadline.errors import GkDeadlineError, InputError

CHINA = ZoneInfo("Asia/Shanghai")  # the offices' clock, whatever the server's timezone
# YYYY-MM-DD, then T or a space, HH:MM[:SS[.ffffff]], and an optional offset or Z
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")


_WHY_EN = {
    "不是 ISO 日期": "not an ISO date",
    "不存在这一天": "no such day",
    "缺少日期": "no date",
    "缺少日期（NaT）": "no date (NaT)",
    "数字不是日期": "a number is not a date",
    "不是 ISO 日期或时间（如 2026-10-01T08:30+08:00）": (
        "not an ISO date or time (e.g. 2026-10-01T08:30+08:00)"
    ),
}


def _bad(value: object, what: str, why: str) -> InputError:
    shown = value if isinstance(value, str) else repr(value)
    why_en = _WHY_EN.get(why, why if why.isascii() else f"{type(value).__name__} is not a date")
    return InputError(
        f"{what} {shown!s}：{why}；请写成 YYYY-MM-DD（如 2026-09-28）",
        code="date-invalid",
        message_en=f"{what} {value!r}: {why_en}; write it as YYYY-MM-DD",
        field=what,
        value=value if isinstance(value, str | int | float) else repr(value),
    )


def parse_iso_date(text: str, what: str = "date") -> date:
    """``YYYY-MM-DD`` exactly (surrounding spaces allowed), a real calendar date."""
    t = text.strip()
    if (
        len(t) != 10
        or not t.isascii()  # (isdigit takes ２ and ٢, which the batch readers refuse)
        or t[4] != "-"
        or t[7] != "-"
        or not (t[:4].isdigit() and t[5:7].isdigit() and t[8:].isdigit())
    ):
        raise _bad(text, what, "不是 ISO 日期")
    try:
        return date.fromisoformat(t)  # (the shape is checked: it parses nothing else here)
    except ValueError:
        raise _bad(text, what, "不存在这一天") from None


def _from_datetime(value: datetime) -> date:
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(CHINA).date()
    return value.date()  # naive: already Beijing time (documented)


def to_date(value: Any, what: str = "date") -> date:
    """Convert one value to a date (see the module docstring for what is accepted)."""
    if type(value) is date:
        return value
    if isinstance(value, str):
        return parse_iso_date(value, what)
    if isinstance(value, datetime):  # includes pandas.Timestamp
        if getattr(value, "value", 0) is None:  # pragma: no cover  (NaT is not a datetime)
            raise _bad(value, what, "缺少日期")
        return _from_datetime(value)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    kind = type(value).__module__ + "." + type(value).__name__
    if kind == "numpy.datetime64":
        import numpy as np

        if np.isnat(value):
            raise _bad(value, what, "缺少日期（NaT）")
        return date.fromisoformat(str(value.astype("datetime64[D]")))
    if kind.startswith("pandas") and type(value).__name__ in ("NaTType",):
        raise _bad(value, what, "缺少日期（NaT）")
    if isinstance(value, bool | int | float):
        raise _bad(value, what, "数字不是日期")
    raise _bad(value, what, f"{type(value).__name__} 不是日期")


def to_moment(value: Any, what: str = "start") -> datetime:
    """Convert one value to an aware moment (naive values are Beijing time)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=CHINA)
        return value
    if isinstance(value, str):
        t = value.strip()
        if len(t) == 10:
            return datetime.combine(parse_iso_date(t, what), time(), CHINA)
        if not _MOMENT.fullmatch(t):  # fromisoformat alone would take 20260928 or 2026W401
            raise _bad(value, what, "不是 ISO 日期或时间（如 2026-10-01T08:30+08:00）")
        try:
            m = datetime.fromisoformat(t)
        except ValueError:
            raise _bad(value, what, "不是 ISO 日期或时间（如 2026-10-01T08:30+08:00）") from None
        return to_moment(m, what)
    return datetime.combine(to_date(value, what), time(), CHINA)


def today(now: datetime | None = None) -> date:
    """Today's date in China — the default "as of" everywhere. A server on UTC would otherwise
    be a day behind from 00:00 to 08:00 Beijing time. ``now`` (timezone-aware) is for tests."""
    return datetime.now(CHINA).date() if now is None else now.astimezone(CHINA).date()


def beyond_dates(start: date | datetime | None, later: bool) -> InputError:
    """The error for a computation that needs a day after 9999-12-31 (``later``) or before
    0001-01-01: no calendar, and no ``datetime.date``, has one. Code ``date-out-of-range``."""
    edge = " 9999-12-31 之后" if later else " 0001-01-01 之前"
    edge_en = "after 9999-12-31" if later else "before 0001-01-01"
    shown = start.isoformat() if start is not None else None
    origin = f"从 {shown} 起算，" if shown else ""
    origin_en = f"counting from {shown}, " if shown else ""
    return InputError(
        f"{origin}计算需要{edge}的日期，超出了可以表示的日期范围（0001-01-01 至 9999-12-31），"
        "没有日历能覆盖；请检查日期是否写错",
        code="date-out-of-range",
        message_en=(
            f"{origin_en}the computation needs a day {edge_en}, outside the dates that exist"
            " (0001-01-01 to 9999-12-31); check the date"
        ),
        field="date",
        value=shown,
    )


@contextmanager
def within_dates(start: date | datetime | None, later: bool = True) -> Iterator[None]:
    """Date arithmetic that runs past 9999-12-31 (or before 0001-01-01) raises
    :func:`beyond_dates` instead of Python's ``OverflowError`` / ``ValueError``."""
    try:
        yield
    except GkDeadlineError:
        raise
    except OverflowError:
        raise beyond_dates(start, later) from None
    except ValueError as exc:  # date(10000, 1, 1), relativedelta past 9999, fromordinal(0)
        text = str(exc)
        if not re.fullmatch(r"year -?\d+ is out of range|ordinal must be >= 1", text):
            raise
        raise beyond_dates(start, later) from None
