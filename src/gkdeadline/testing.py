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

__all__ = ["covered_dates", "workday_counts"]


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
        raise ValueError("no known days in the requested range")
    first = ix.first_ordinal
    positions = known.tolist()
    return st.integers(0, len(positions) - 1).map(lambda k: date.fromordinal(first + positions[k]))


def workday_counts(min_value: int = -60, max_value: int = 60) -> st.SearchStrategy[int]:
    """Whole numbers of workdays, negative ones included by default."""
    return st.integers(min_value, max_value)
