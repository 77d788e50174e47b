"""The engine's deadline against a naive walk, for many overlapping spans.

The differential test proves the scalar and the batch engine agree (they run one core); this one
checks the core itself against an independent reference: every span's final extent is worked out
from the events by hand (a consultation ends on its reply or on the party's own limit, whichever
is first; a suspension on its resumption), and the 20-workday deadline is found by walking day by
day over the naive calendar of tests/oracle.py, skipping span days. Consultations of both parties
overlap and close out of order, which exercises the engine's incremental blocks.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gkdeadline import Calendar
from gkdeadline.case import Case

from .oracle import NaiveCalendar, naive_period

NAIVE = NaiveCalendar(Calendar())
START = date(2023, 3, 1)


@st.composite
def span_events(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[tuple[date, date]]]:
    """Events of a 2023 case with overlapping consultations and a suspension-free reply rule,
    and the spans a careful reader would exclude."""
    receipt = START + timedelta(days=draw(st.integers(0, 200)))
    events: list[dict[str, Any]] = [
        {"type": "received", "date": receipt.isoformat(), "channel": "in_person"}
    ]
    spans: list[tuple[date, date]] = []
    opened: dict[str, list[date]] = {"third_party": [], "agency": []}
    day = receipt
    for _ in range(draw(st.integers(0, 14))):
        day += timedelta(days=draw(st.integers(0, 6)))
        party = draw(st.sampled_from(["third_party", "agency"]))
        if opened[party] and draw(st.booleans()):
            began = opened[party].pop(0)  # the earliest open consultation with that party
            limit = NAIVE.add_workdays(began, 15)  # 条例第三十二条、第三十四条: 15 workdays
            spans.append((began, min(day, limit)))
            events.append({"type": "consultation_ended", "date": day.isoformat(), "party": party})
        else:
            opened[party].append(day)
            events.append({"type": "consultation_started", "date": day.isoformat(), "party": party})
    for days in opened.values():  # never answered: the party's own limit ends the span
        for began in days:
            spans.append((began, NAIVE.add_workdays(began, 15)))
    return events, spans


@settings(max_examples=400, deadline=None)
@given(span_events())
def test_deadline_matches_a_day_by_day_walk(case: tuple[list[dict[str, Any]], list[Any]]) -> None:
    events, spans = case
    receipt = date.fromisoformat(events[0]["date"])
    expected = naive_period(NAIVE, receipt, 20, spans)
    assert Case("national", events).due == expected


@settings(max_examples=100, deadline=None)
@given(span_events(), st.integers(1, 20))
def test_extension_counts_on_from_the_original_deadline(
    case: tuple[list[dict[str, Any]], list[Any]], n: int
) -> None:
    events, spans = case
    receipt = date.fromisoformat(events[0]["date"])
    original = naive_period(NAIVE, receipt, 20, spans)
    granted = max(date.fromisoformat(e["date"]) for e in events)
    if granted > original:  # an extension after the deadline is void: a different test
        return
    extended = naive_period(NAIVE, original, n, spans)
    with_extension = [*events, {"type": "extension", "date": granted.isoformat(), "workdays": n}]
    assert Case("national", with_extension).due == extended
