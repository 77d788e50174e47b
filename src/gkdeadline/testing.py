"""Hypothesis strategies for property-testing code built on gkdeadline.

Install with ``pip install gkdeadline[testing]``. A government system that changes its own rules
can check, for example, that no change ever moves a deadline earlier::

    from hypothesis import given
    from gkdeadline.testing import covered_dates, workday_counts

    @given(covered_dates(), workday_counts())
    def test_my_deadline_is_a_workday(day, n):
        assert gkdeadline.is_workday(my_system.deadline(day, n))
"""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import strategies as st

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.errors import InputError
from gkdeadline.periods import Duration, Span
from gkdeadline.rules import Rule

__all__ = [
    "catalogue_rules",
    "compositions",
    "covered_dates",
    "day_rules",
    "durations",
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
            f"no day between {min_value} and {max_value} (margin {margin}) is known to the"
            f" calendar {cal!r}; widen the range or load the missing schedules"
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
            excludes=("consultation",),
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
