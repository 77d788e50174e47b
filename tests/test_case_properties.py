"""Properties of the case engine."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gkdeadline import Calendar
from gkdeadline.case import Case
from gkdeadline.testing import covered_dates
from tests.oracle import NaiveCalendar, naive_period

CAL = Calendar()
NA = NaiveCalendar(CAL)
starts = covered_dates(CAL, margin=200, min_value=date(2019, 5, 15))  # the 2019 text: 20 workdays


def _received(d: date) -> dict[str, object]:
    return {"type": "received", "date": d.isoformat(), "channel": "in_person"}


@st.composite
def consultation(draw, start: date, party: str = "third_party"):
    """A closed consultation some days after ``start``, within the party's 15 workdays."""
    offset = draw(st.integers(0, 25))
    first = start + timedelta(days=offset)
    limit = naive_period(NA, first, 15)
    length = draw(st.integers(0, (limit - first).days))
    last = first + timedelta(days=length)
    return [
        {"type": "consultation_started", "date": first.isoformat(), "party": party},
        {"type": "consultation_ended", "date": last.isoformat(), "party": party},
    ], (first, last)


@settings(max_examples=80, deadline=None)
@given(starts, st.data())
def test_a_consultation_never_moves_the_deadline_earlier(start: date, data) -> None:
    events, span = data.draw(consultation(start))
    plain = Case("national", [_received(start)])
    paused = Case("national", [_received(start), *events])
    assert paused.due is not None and plain.due is not None
    assert paused.due >= plain.due
    assert paused.due == naive_period(NA, start, 20, [span])


@settings(max_examples=60, deadline=None)
@given(starts, st.data())
def test_a_second_consultation_never_moves_it_earlier_either(start: date, data) -> None:
    first, s1 = data.draw(consultation(start, "third_party"))
    second, s2 = data.draw(consultation(start, "agency"))
    merged = sorted([*first, *second], key=lambda e: e["date"])  # type: ignore[arg-type,return-value]
    one = Case("national", [_received(start), *first])
    both = Case("national", [_received(start), *merged])
    assert both.due is not None and one.due is not None and both.due >= one.due
    assert both.due == naive_period(NA, start, 20, [s1, s2])


@settings(max_examples=60, deadline=None)
@given(starts, st.integers(1, 10))
def test_same_day_events_in_either_order(start: date, offset: int) -> None:
    # Events are replayed by date, and on one day in the fixed order of gkdeadline.events.SPECS
    # (then input order for two events of one type): list order cannot change the answer.
    day = (start + timedelta(days=offset)).isoformat()
    a = {"type": "consultation_started", "date": day, "party": "third_party"}
    b = {"type": "consultation_started", "date": day, "party": "agency"}
    one = Case("national", [_received(start), a, b])
    two = Case("national", [_received(start), b, a])
    assert one.due == two.due
    assert [s.due for s in one.trail][-1] == [s.due for s in two.trail][-1]


@settings(max_examples=60, deadline=None)
@given(starts, st.data(), st.randoms(use_true_random=False))
def test_the_order_events_are_listed_in_never_matters(start: date, data, rnd) -> None:
    events, _ = data.draw(consultation(start))
    day = data.draw(st.sampled_from([e["date"] for e in events]))
    events = [
        *events,
        {"type": "correction_requested", "date": day},
        {"type": "correction_received", "date": day},  # same day: requested first, always
        {"type": "extension", "date": day, "workdays": data.draw(st.integers(1, 20))},
    ]
    listed = [_received(start), *events]
    shuffled = list(listed)
    rnd.shuffle(shuffled)
    a, b = Case("national", listed), Case("national", shuffled)
    ra, rb = a.result(a.due), b.result(a.due)
    assert (ra.due, ra.status, ra.codes()) == (rb.due, rb.status, rb.codes())
    assert [(s.date, s.event, s.due) for s in ra.trail] == [
        (s.date, s.event, s.due) for s in rb.trail
    ]


@settings(max_examples=60, deadline=None)
@given(starts, st.integers(1, 40), st.integers(1, 20))
def test_an_extension_after_the_deadline_never_moves_it(start: date, after: int, n: int) -> None:
    plain = Case("national", [_received(start)])
    due = plain.due
    assert due is not None
    late = Case(
        "national",
        [
            _received(start),
            {"type": "extension", "date": (due + timedelta(days=after)).isoformat(), "workdays": n},
        ],
    )
    assert late.due == due
    assert late.findings[0].code == "extension-after-deadline"
    assert "overdue" in [f.code for f in late.findings]
    assert late.status(due) == "running"
    assert late.status(due + timedelta(days=after)) in ("overdue", "seriously_overdue")


@settings(max_examples=60, deadline=None)
@given(starts, st.data(), st.integers(1, 20))
def test_json_round_trips(start: date, data, extension: int) -> None:
    events, _ = data.draw(consultation(start))
    case = Case("national", [_received(start), *events], case_id="A-1")
    due = case.due
    assert due is not None
    case.add(
        {
            "type": "extension",
            "date": min(
                due, date.fromisoformat(events[-1]["date"]) + timedelta(days=1)
            ).isoformat(),
            "workdays": extension,
        }
    )  # type: ignore[arg-type]
    again = Case.from_json(json.dumps(case.to_dict()))
    as_of = case.due
    assert as_of is not None
    assert again.to_dict() == case.to_dict()
    assert again.result(as_of).as_dict() == case.result(as_of).as_dict()
    payload = case.result(as_of).as_dict()
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload
