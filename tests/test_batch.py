"""The numpy batch path: same results and same errors as the scalar path."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from gkdeadline import Calendar, CalendarCoverageError, InputError, ProjectedCalendarWarning, batch


def test_worked_examples_vectorised() -> None:
    d = np.array(["2026-09-28", "2026-10-09", "2026-02-14"], dtype="datetime64[D]")
    assert batch.to_dates(batch.add_workdays(d, np.array([20, 1, 20]))) == [
        date(2026, 10, 30),
        date(2026, 10, 10),
        date(2026, 3, 20),
    ]
    holidays_too = np.array(["2026-10-09", "2026-10-03", "2026-10-10"], dtype="datetime64[D]")
    assert batch.is_workday(holidays_too).tolist() == [True, False, True]


def test_strings_and_lists_are_accepted() -> None:
    assert batch.to_dates(batch.add_workdays(["2026-10-09"], 1)) == [date(2026, 10, 10)]


def test_zero_returns_input_and_two_dimensional_arrays_keep_shape() -> None:
    d = np.array(
        [["2026-10-03", "2026-10-04"], ["2026-10-05", "2026-10-06"]], dtype="datetime64[D]"
    )
    out = batch.add_workdays(d, 0)
    assert out.shape == (2, 2) and (out == d).all()
    assert batch.add_workdays(d, 1).shape == (2, 2)


def test_coverage_error_names_the_element() -> None:
    d = np.array(["2026-09-28", "2026-12-15"], dtype="datetime64[D]")
    with pytest.raises(CalendarCoverageError) as info:
        batch.add_workdays(d, 20)
    assert info.value.year == 2027
    assert "dates[1]" in str(info.value)


def test_coverage_error_before_2004() -> None:
    with pytest.raises(CalendarCoverageError, match=r"dates\[0\]"):
        batch.add_workdays(np.array(["2004-01-05"], dtype="datetime64[D]"), -10)
    with pytest.raises(CalendarCoverageError):
        batch.is_workday(np.array(["2003-05-05"], dtype="datetime64[D]"))
    with pytest.raises(CalendarCoverageError):
        batch.workdays_between(np.array(["2003-05-05"]), np.array(["2004-05-05"]))


def test_regional_gap_is_an_error_in_batch_too() -> None:
    cal = Calendar(region="ningxia")
    with pytest.raises(CalendarCoverageError) as info:
        batch.add_workdays(np.array(["2017-12-20"], dtype="datetime64[D]"), 10, cal)
    assert info.value.region == "ningxia" and info.value.year == 2018


def test_bad_input() -> None:
    with pytest.raises(InputError, match="NaT"):
        batch.add_workdays(np.array(["2026-01-05", "NaT"], dtype="datetime64[D]"), 1)
    with pytest.raises(InputError, match="dates"):
        batch.add_workdays(np.array([1.5, 2.5]), 1)
    with pytest.raises(InputError, match="whole number"):
        batch.add_workdays(np.array(["2026-01-05"], dtype="datetime64[D]"), 1.5)
    with pytest.raises(InputError, match="shape"):
        batch.add_workdays(np.array(["2026-01-05"] * 3, dtype="datetime64[D]"), np.array([1, 2]))


def test_projected_results_warn() -> None:
    cal = Calendar().with_projection()
    with pytest.warns(ProjectedCalendarWarning, match="1 result"):
        batch.add_workdays(np.array(["2026-12-15", "2026-01-05"], dtype="datetime64[D]"), 20, cal)
