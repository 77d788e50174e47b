"""Hypothesis strategies for property-testing code built on gkdeadline.

Install with ``pip install ".[testing]"`` (from a checkout). A government system that changes its
own rules can check, for example, that its deadlines always fall on workdays:

```python
from hypothesis import given
from gkdeadline.testing import covered_dates, workday_counts

@given(covered_dates(), workday_counts())
def test_my_deadline_is_a_workday(day, n):
    assert gkdeadline.is_workday(my_system.deadline(day, n))
```
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.errors import InputError
from gkdeadline.events import SPEC_ORDER
from gkdeadline.periods import Duration, Span
from gkdeadline.rules import Rule

__all__ = [
    "CASE_EVENT_TYPES",
    "catalogue_rules",
    "compositions",
    "covered_dates",
    "day_rules",
    "durations",
    "many_request_events",
    "request_events",
    "spans",
    "workday_counts",
]


def covered_dates(
    calendar: Calendar | None = None,
    *,
    min_value: date | None = None,
    max_value: date | None = None,
    margin: int = 0,
) -> st.SearchStrategy[date]:
    """Dates whose working status ``calendar`` knows (default: the default calendar).

    ``margin`` keeps that many known days on each side, so that ``add_workdays(d, n)`` with
    ``|n|`` up to about ``margin * 5 / 7`` stays inside the calendar's coverage.
    """
    cal = calendar or default_calendar()
    ix = cal.index
    known = np.flatnonzero(ix.known)
    if margin:
        known = known[margin:-margin]
    lo = min_value.toordinal() - ix.first_ordinal if min_value else None
    hi = max_value.toordinal() - ix.first_ordinal if max_value else None
    if lo is not None:
        known = known[known >= lo]
    if hi is not None:
        known = known[known <= hi]
    if len(known) == 0:
        raise InputError(
            f"{min_value} 至 {max_value}（留出 {margin} 日）之间没有日历已知的日子（{cal!r}）；"
            "请放宽范围或载入缺少的安排",
            code="input-invalid",
            message_en=f"no day between {min_value} and {max_value} (margin {margin}) is known to"
            f" the calendar {cal!r}; widen the range or load the missing schedules",
        )
    first = ix.first_ordinal
    positions = known.tolist()
    return st.integers(0, len(positions) - 1).map(lambda k: date.fromordinal(first + positions[k]))


def workday_counts(min_value: int = -60, max_value: int = 60) -> st.SearchStrategy[int]:
    """Whole numbers of workdays, negative ones included by default."""
    return st.integers(min_value, max_value)


def durations(
    units: tuple[str, ...] = ("workdays", "days", "weeks", "months"), max_amount: int = 40
) -> st.SearchStrategy[Duration]:
    """Durations in the given units (calendar-based units by default)."""
    return st.builds(Duration, amount=st.integers(0, max_amount), unit=st.sampled_from(units))


def day_rules(
    units: tuple[str, ...] = ("workdays", "days", "weeks", "months"), max_amount: int = 40
) -> st.SearchStrategy[Rule]:
    """Synthetic ``period`` rules counted in days, for properties of the counting conventions."""

    def build(d: Duration, roll: str) -> Rule:
        return Rule(
            id=f"synthetic.p-{d.amount}-{d.unit}-{roll}",
            title="合成规则",
            kind="period",
            topic="synthetic.period",
            source="gkdeadline.testing",
            article="—",
            quote="—",
            jurisdiction="—",
            duration=d,
            excludes=("consultation.third_party", "consultation.agency"),
            roll=roll,  # type: ignore[arg-type]
        )

    return st.builds(build, durations(units, max_amount), st.sampled_from(["forward", "none"]))


def catalogue_rules(kinds: tuple[str, ...] = ("period", "extension")) -> st.SearchStrategy[Rule]:
    """Rules from the built-in catalogue of the given kinds with day-based durations."""
    from gkdeadline.profiles import iter_rules

    pool = [
        r
        for r in iter_rules()
        if r.kind in kinds and r.duration is not None and not r.duration.elapsed
    ]
    return st.sampled_from(pool)


def spans(
    around: date, *, max_spans: int = 3, max_days: int = 20, reach: int = 60
) -> st.SearchStrategy[list[Span]]:
    """Up to ``max_spans`` inclusive spans that do not count, near ``around``."""

    def build(offset: int, length: int) -> Span:
        first = date.fromordinal(around.toordinal() + offset)
        return Span(first, date.fromordinal(first.toordinal() + length), "consultation", "征求意见")

    one = st.builds(build, st.integers(-5, reach), st.integers(0, max_days))
    return st.lists(one, max_size=max_spans)


def compositions(
    calendar: Calendar | None = None, *, max_amount: int = 40
) -> st.SearchStrategy[tuple[Rule, date, list[Span]]]:
    """(rule, start, spans): a day-based rule, a start its result stays inside coverage for,
    and spans that do not count — the parts a request case is built from."""
    # Keep the start far enough from both ends of coverage for the longest period plus spans
    # (``max_amount`` months ≈ 31 days each, three spans of up to 21 days, rolling).
    margin = max_amount * 31 + 3 * 21 + 30

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Rule, date, list[Span]]:
        rule = draw(day_rules(max_amount=max_amount))
        start = draw(covered_dates(calendar, margin=margin))
        return rule, start, draw(spans(start))

    return build()


# ----------------------------------------------------------------------------- request cases

#: The event types a generated case may contain after its ``received`` event.
CASE_EVENT_TYPES: tuple[str, ...] = SPEC_ORDER[1:]  # every type but ``received``, in same-day order


def _case_events(
    pick: Callable[[int, int], int],
    min_receipt: date,
    max_receipt: date,
    max_events: int,
    spread_days: int,
) -> list[dict[str, object]]:
    """One case's events, choosing with ``pick(lo, hi)`` (an integer in ``[lo, hi]``).

    Events follow each other as a real file would (a consultation ends after it started, an
    answer is delivered after it was made); one event in ten is drawn without regard to what came
    before, so that impossible data and the agency's own violations are exercised too.
    """
    from datetime import timedelta

    def one_of(options: Sequence[str]) -> str:
        return options[pick(0, len(options) - 1)]

    span = max_receipt.toordinal() - min_receipt.toordinal()
    receipt = date.fromordinal(min_receipt.toordinal() + pick(0, span))
    channel = one_of(("in_person", "post", "letter", "online", "fax", "email"))
    received: dict[str, object] = {
        "type": "received",
        "date": receipt.isoformat(),
        "channel": channel,
    }
    # 2019 条例: letters, internet and fax count from the confirmation; under the 2008 条例
    # (国办公开办函〔2015〕207号) e-mail counts from the day the mail system received it
    needs = ("letter", "online", "fax") + (("email",) if receipt >= date(2019, 5, 15) else ())
    if channel in needs or pick(0, 19) == 0:
        received["confirmed"] = (receipt + timedelta(days=pick(0, 3))).isoformat()
    events = [received]
    day = receipt
    open_parties: list[str] = []
    suspended = fee = answered = closed = awaiting = False
    for _ in range(pick(0, max_events)):
        wild = pick(0, 9) == 0
        if wild:
            kind = one_of(CASE_EVENT_TYPES)
            when = receipt + timedelta(days=pick(-2, spread_days))
        else:
            options = [
                "consultation_started",
                "suspended",
                "fee_notified",
                "extension",
                "delay_set",
            ]
            if not closed:
                options += ["answered", "answered", "correction_requested", "withdrawn"]
            if awaiting:
                options += ["correction_received", "correction_received", "correction_deadline_set"]
            if open_parties:
                options += ["consultation_ended", "consultation_ended"]
            if suspended:
                options.append("resumed")
            if fee:
                options += ["fee_paid", "fee_lapsed"]
            if answered:
                options += ["delivered", "reanswer_ordered"]
            kind = one_of(options)
            when = day + timedelta(days=pick(0, max(spread_days // 6, 1)))
        day = max(day, when)
        ev: dict[str, object] = {"type": kind, "date": when.isoformat()}
        later = when + timedelta(days=pick(1, 60))
        if kind == "consultation_started":
            ev["party"] = one_of(("third_party", "agency"))
            open_parties.append(str(ev["party"]))
            if pick(0, 1):
                ev["party_received"] = (when + timedelta(days=pick(0, 5))).isoformat()
        elif kind == "consultation_ended":
            ev["party"] = (
                open_parties.pop(0)
                if open_parties and not wild
                else one_of(("third_party", "agency"))
            )
        elif kind == "suspended":
            suspended = True
            if pick(0, 4):
                ev["reason"] = "不可抗力"
        elif kind == "resumed":
            suspended = False
        elif kind == "extension":
            choice = pick(0, 3)
            if choice == 1:
                ev["workdays"] = pick(1, 25)
            elif choice == 2:
                ev["until"] = later.isoformat()
        elif kind == "delay_set":
            ev["until"] = later.isoformat()
        elif kind == "correction_requested":
            awaiting = True
        elif kind == "correction_received":
            awaiting = False
        elif kind == "correction_deadline_set":
            if pick(0, 1):
                ev["until"] = later.isoformat()
            else:
                ev["workdays"] = pick(1, 20)
        elif kind == "answered":
            answered = closed = True
            if pick(0, 1):
                ev["outcome"] = one_of(
                    ("granted", "partial", "refused.state-secret", "other.other")
                )
        elif kind == "reanswer_ordered":
            answered = closed = False
            ev["by"] = one_of(("review", "court"))
            choice = pick(0, 2)
            if choice == 1:
                ev["amount"] = pick(1, 30)
                ev["unit"] = one_of(("workdays", "days"))
            elif choice == 2:
                ev["until"] = later.isoformat()
        elif kind == "fee_notified":
            fee = True
            if pick(0, 1):
                ev["applicant_received"] = (when + timedelta(days=pick(0, 4))).isoformat()
        elif kind in ("fee_paid", "fee_lapsed"):
            fee = False
        elif kind in ("withdrawn", "abandoned"):
            closed = True
        events.append(ev)
    return events


def request_events(
    *,
    min_receipt: date = date(2008, 5, 5),
    max_receipt: date = date(2026, 10, 30),
    max_events: int = 8,
    spread_days: int = 90,
) -> st.SearchStrategy[list[dict[str, object]]]:
    """Event lists of a request case, as JSON-like dicts (``Case(profile, events)`` reads them).

    Mostly plausible cases — a receipt, then corrections, consultations, suspensions, fees,
    extensions, delays, answers, deliveries, withdrawals, re-answer orders at later dates — with
    the occasional impossible one so that error paths are exercised too. Both eras of the 条例 are
    covered by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, object]]:
        return _case_events(
            lambda lo, hi: draw(st.integers(lo, hi)),
            min_receipt,
            max_receipt,
            max_events,
            spread_days,
        )

    return build()


def many_request_events(
    count: int,
    *,
    min_receipt: date = date(2008, 5, 5),
    max_receipt: date = date(2026, 10, 30),
    max_events: int = 8,
    spread_days: int = 90,
) -> st.SearchStrategy[list[list[dict[str, object]]]]:
    """``count`` cases at once (for bulk properties: thousands of cases per example).

    Drawn from one hypothesis-controlled random generator, so large batches stay within
    hypothesis's data limits; the cases are those `request_events` would draw.
    """

    def build(rng: Any) -> list[list[dict[str, object]]]:
        return [
            _case_events(rng.randint, min_receipt, max_receipt, max_events, spread_days)
            for _ in range(count)
        ]

    return st.randoms(use_true_random=False).map(build)
