"""Hypothesis properties of workday arithmetic on the national, 宁夏 and projected calendars."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkdeadline import Calendar, CalendarCoverageError, batch
from gkdeadline.testing import covered_dates, workday_counts
from tests.oracle import NaiveCalendar, UnknownDayError

NATIONAL = Calendar()
NINGXIA = Calendar(region="ningxia")
PROJECTED = Calendar().with_projection(through=2029)
CALENDARS = {"national": NATIONAL, "ningxia": NINGXIA, "projected": PROJECTED}
ORACLES = {k: NaiveCalendar(c) for k, c in CALENDARS.items()}

inner = covered_dates(NATIONAL, margin=120)
counts = workday_counts(-60, 60)


@given(inner, workday_counts(0, 60))
def test_between_inverts_add(d: date, n: int) -> None:
    assert NATIONAL.workdays_between(d, NATIONAL.add_workdays(d, n)) == n


@given(inner, workday_counts(-60, -1))
def test_between_inverts_add_backwards(d: date, n: int) -> None:
    # Counting back, the |n| workdays lie in [result, d); (a, b] shifted by one day says so.
    one = timedelta(days=1)
    r = NATIONAL.add_workdays(d, n)
    assert NATIONAL.workdays_between(r - one, d - one) == -n


@given(inner, counts.filter(bool))
def test_results_are_workdays_on_the_right_side(d: date, n: int) -> None:
    r = NATIONAL.add_workdays(d, n)
    assert NATIONAL.is_workday(r)
    assert (r > d) if n > 0 else (r < d)


@given(inner, inner, counts)
def test_monotone_in_start(a: date, b: date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert NATIONAL.add_workdays(a, n) <= NATIONAL.add_workdays(b, n)


@given(inner, counts, counts)
def test_monotone_in_count(d: date, m: int, n: int) -> None:
    m, n = min(m, n), max(m, n)
    if m < n:
        assert NATIONAL.add_workdays(d, m) < NATIONAL.add_workdays(d, n)


@given(inner, inner, inner)
def test_between_is_additive_and_antisymmetric(a: date, b: date, c: date) -> None:
    ab, bc, ac = (NATIONAL.workdays_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac
    assert NATIONAL.workdays_between(b, a) == -ab


def _outcome(f, *args):
    """Result, or the year a CalendarCoverageError names (or 'unknown' from the oracle)."""
    try:
        return ("ok", f(*args))
    except CalendarCoverageError:
        return ("unknown", None)
    except UnknownDayError:
        return ("unknown", None)


@pytest.mark.parametrize("name", list(CALENDARS))
@settings(max_examples=300)
@given(
    data=st.data(),
    n=workday_counts(-80, 80),
    offset=st.integers(-30, 30),
)
def test_agrees_with_naive_day_walk_including_coverage(
    name: str, data, n: int, offset: int
) -> None:
    cal, oracle = CALENDARS[name], ORACLES[name]
    d = data.draw(covered_dates(cal)) + timedelta(days=offset)  # may step outside coverage
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _outcome(cal.add_workdays, d, n) == _outcome(oracle.add_workdays, d, n)
        e = d + timedelta(days=n)
        assert _outcome(cal.workdays_between, d, e) == _outcome(oracle.workdays_between, d, e)
        assert _outcome(cal.is_workday, d) == _outcome(oracle.is_workday, d)


@settings(max_examples=50, deadline=None)  # the first batch call compiles numba kernels
@given(st.lists(inner, min_size=1, max_size=40), counts)
def test_scalar_and_batch_agree(days: list[date], n: int) -> None:
    arr = np.array(days, dtype="datetime64[D]")
    got = batch.to_dates(batch.add_workdays(arr, n, NATIONAL))
    assert got == [NATIONAL.add_workdays(d, n) for d in days]
    ns = np.arange(len(days)) - len(days) // 2
    got = batch.to_dates(batch.add_workdays(arr, ns, NATIONAL))
    assert got == [NATIONAL.add_workdays(d, int(k)) for d, k in zip(days, ns, strict=True)]
    assert batch.is_workday(arr, NATIONAL).tolist() == [NATIONAL.is_workday(d) for d in days]
    later = np.array([NATIONAL.add_workdays(d, 7) for d in days], dtype="datetime64[D]")
    assert batch.workdays_between(arr, later, NATIONAL).tolist() == [7] * len(days)
