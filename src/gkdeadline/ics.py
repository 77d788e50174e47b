"""A case's deadlines as an iCalendar file, so officers see them in the calendar they already use.

One all-day event per deadline (answer due, correction notice due, third-party or agency reply
due), with the rule and its citation in the description. Built with the ``icalendar`` package.
UIDs are stable, so re-exporting a case updates the events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime, time, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event

from gkdeadline.calendar import CHINA, today
from gkdeadline.case import CaseResult

PRODID = "-//gkdeadline//政务公开时限//ZH"
KIND_ZH = {
    "answer": "答复期限",
    "correction_notice": "补正告知期限",
    "correction_period": "补正期限",
    "third_party_reply": "第三方提出意见期限",
    "agency_reply": "其他机关提出意见期限",
    "fee_payment": "缴费期限",
    "review": "申请行政复议期限",
    "litigation": "提起行政诉讼期限",
}


def to_ics(result: CaseResult, case_id: str | None = None) -> bytes:
    """The deadlines of a case result as an ``.ics`` document."""
    cal = ICalendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    raw_name = (
        case_id
        or result.id
        or (f"{result.profile} {result.received}" if result.received else result.profile)
    )
    name = _one_line(raw_name)  # an id with line breaks must not become new iCalendar lines
    cal.add("x-wr-calname", f"政务公开时限：{name}")
    # DTSTAMP from the as-of date keeps the file reproducible for the same input
    stamp_day = result.as_of or result.received or today()
    stamp = datetime.combine(stamp_day, time(0, 0), tzinfo=CHINA).astimezone(UTC)
    for d in result.deadlines:
        # a date still waiting for a holiday notice is put on its earliest possible day, and
        # says so; one that cannot be bounded at all has no day to put it on
        day = d.due or d.due_earliest
        if day is None:
            continue
        pending = "" if d.due is not None else "（最早日期，待节假日安排公布后确定）"
        ev = Event()
        ev.add("uid", f"{_uid(raw_name)}-{d.kind}@gkdeadline")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("summary", f"{KIND_ZH[d.kind]}：{name}{pending}")
        note = f"（{d.note}）" if d.note else ""
        ev.add("description", f"{d.title} {day.isoformat()}{pending}{note}。依据：{d.citation}")
        ev.add("categories", ["政务公开", KIND_ZH[d.kind]])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data


_SAFE = {"Cc": " ", "Zl": " ", "Zp": " ", "Cs": "\ufffd"}


def _one_line(text: str) -> str:
    """``text`` with every control character and line or paragraph separator as a space.

    iCalendar is line-based; icalendar checks for raw newlines only with ``assert`` (gone under
    ``python -O``), and a lone carriage return or U+2028 would start a new line in some readers.
    A lone surrogate (which cannot be written as UTF-8) becomes U+FFFD.
    """
    return "".join(_SAFE.get(unicodedata.category(c), c) for c in text).strip()


def _uid(name: str) -> str:
    """An ASCII identifier stable for the same case (some clients reject non-ASCII UIDs)."""
    return hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
