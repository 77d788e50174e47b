"""Many dates at once: the scalar semantics over numpy ``datetime64[D]`` arrays.

Same counting rules and same errors as :class:`gkdeadline.Calendar`; the first offending element
is named by its position. Vectorised over the calendar's workday index — a handful of array
lookups, no Python loop over elements.
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.calendar.index import EPOCH_ORDINAL, WorkdayIndex
from gkdeadline.errors import InputError, ProjectedCalendarWarning

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]

_NAT = np.iinfo(np.int64).min


def _days(dates: Any, what: str) -> IntArray:
    """``dates`` as int64 days since 1970-01-01; NaT and non-dates refused by position."""
    try:
        arr = np.asarray(dates)
        if arr.dtype.kind == "M" or arr.dtype.kind in "UO":
            arr = arr.astype("datetime64[D]")
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise InputError(
            f"{what} must be dates: a numpy datetime64 array, or ISO date strings"
        ) from None
    days = arr.astype(np.int64)
    bad = days == _NAT
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(f"{what}[{pos}] is NaT (not a date); remove or fill missing dates first")
    return days


def _ints(n: Any, shape: tuple[int, ...]) -> IntArray:
    arr = np.asarray(n)
    if arr.dtype.kind not in "iu":
        raise InputError(f"n must be a whole number of days or an integer array, not {arr.dtype}")
    try:
        return np.broadcast_to(arr.astype(np.int64), shape)
    except ValueError:
        raise InputError(
            f"n has shape {arr.shape}, which does not match the dates {shape}"
        ) from None


def _fail(cal: Calendar, what: str, pos: tuple[int, ...], day_index: int) -> None:
    err = cal.coverage_error(day_index)
    where = f"{what}[{pos[0] if len(pos) == 1 else pos}]"
    err.args = (f"{where}: {err.args[0]}",)
    raise err


def _first(mask: npt.NDArray[np.bool_]) -> tuple[int, ...]:
    return tuple(int(x) for x in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _warn_projected(count: int) -> None:
    warnings.warn(
        ProjectedCalendarWarning(
            f"{count} result(s) depend on provisionally projected days"
            " (no State Council notice yet)"
        ),
        stacklevel=3,
    )


def _rel(days: IntArray, ix: WorkdayIndex) -> IntArray:
    return days - (ix.first_ordinal - EPOCH_ORDINAL)


def is_workday(dates: Any, calendar: Calendar | None = None) -> npt.NDArray[np.bool_]:
    """Elementwise :meth:`Calendar.is_workday`."""
    cal = calendar or default_calendar()
    ix = cal.index
    i = _rel(_days(dates, "dates"), ix)
    inside = (i >= 0) & (i < ix.n_days)
    safe = np.where(inside, i, 0)
    ok = inside & ix.known[safe]
    if not ok.all():
        pos = _first(~ok)
        _fail(cal, "dates", pos, int(i[pos]))
    if ix.has_projected and (n := int(ix.projected[safe].sum())):
        _warn_projected(n)
    return ix.work[safe]


def add_workdays(dates: Any, n: Any, calendar: Calendar | None = None) -> DateArray:
    """Elementwise :meth:`Calendar.add_workdays`; ``n`` an int or an array matching the dates."""
    cal = calendar or default_calendar()
    ix = cal.index
    d = _days(dates, "dates")
    n_arr = _ints(n, d.shape)
    i = _rel(d, ix)
    nd = ix.n_days
    pos_n, neg_n = n_arr > 0, n_arr < 0
    # Each element's start must be usable: -1 <= i < nd for n > 0, 0 <= i <= nd for n < 0.
    bad_start = (pos_n & ((i < -1) | (i >= nd))) | (neg_n & ((i < 0) | (i > nd)))
    if bad_start.any():
        pos = _first(bad_start)
        _fail(cal, "dates", pos, int(i[pos] + (1 if n_arr[pos] > 0 else -1)))
    ic = np.clip(i, -1, nd)
    # k: the answer's position in ords; cum[ic+1] counts workdays <= d, cum[ic] those < d.
    k = np.where(
        pos_n, ix.cum[np.minimum(ic + 1, nd)] + n_arr - 1, ix.cum[np.maximum(ic, 0)] + n_arr
    )
    nw = len(ix.ords)
    out_of_range = (pos_n & (k >= nw)) | (neg_n & (k < 0))
    if out_of_range.any():
        pos = _first(out_of_range)
        at = int(i[pos])
        _fail(
            cal,
            "dates",
            pos,
            ix.first_unknown_after(at) if n_arr[pos] > 0 else ix.last_unknown_before(at),
        )
    moving = pos_n | neg_n
    j = ix.ords[np.where(moving, k, 0)]
    if ix.has_gaps or ix.has_projected:
        # the interval a computation needs: (i, j] forward, [j, i) backward
        lo = np.where(pos_n, ic + 1, j)
        hi = np.where(pos_n, j + 1, ic)
        lo_c, hi_c = np.clip(lo, 0, nd), np.clip(hi, 0, nd)
        if ix.has_gaps:
            gap = moving & (ix.unknown_cum[hi_c] != ix.unknown_cum[lo_c])
            if gap.any():
                pos = _first(gap)
                at = int(i[pos])
                _fail(
                    cal,
                    "dates",
                    pos,
                    ix.first_unknown_after(at) if n_arr[pos] > 0 else ix.last_unknown_before(at),
                )
        if ix.has_projected:
            projected = moving & (ix.projected_cum[hi_c] != ix.projected_cum[lo_c])
            if count := int(projected.sum()):
                _warn_projected(count)
    result = np.where(moving, j + (ix.first_ordinal - EPOCH_ORDINAL), d)
    return result.astype("datetime64[D]")


def workdays_between(a: Any, b: Any, calendar: Calendar | None = None) -> IntArray:
    """Elementwise :meth:`Calendar.workdays_between`: workdays in ``(a, b]``, negative if b < a."""
    cal = calendar or default_calendar()
    ix = cal.index
    da, db = _days(a, "a"), _days(b, "b")
    try:
        da, db = np.broadcast_arrays(da, db)
    except ValueError:
        raise InputError(
            f"a has shape {da.shape} and b has shape {db.shape}; they must match"
        ) from None
    ia, ib = _rel(da, ix), _rel(db, ix)
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    nd = ix.n_days
    same = ia == ib
    bad = ~same & ((lo < -1) | (hi >= nd))
    lo_c, hi_c = np.clip(lo + 1, 0, nd), np.clip(hi + 1, 0, nd)
    if ix.has_gaps:
        bad |= ~same & (ix.unknown_cum[hi_c] != ix.unknown_cum[lo_c])
    if bad.any():
        pos = _first(bad)
        at = int(lo[pos])
        _fail(
            cal,
            "a" if ia[pos] < ib[pos] else "b",
            pos,
            at + 1 if at < -1 else ix.first_unknown_after(at),
        )
    if ix.has_projected and (
        count := int((ix.projected_cum[hi_c] != ix.projected_cum[lo_c]).sum())
    ):
        _warn_projected(count)
    counts: IntArray = np.sign(ib - ia) * (ix.cum[hi_c] - ix.cum[lo_c])
    return counts


def to_dates(values: DateArray) -> list[date]:
    """Convert a ``datetime64[D]`` array to a list of ``datetime.date`` (for display and tests)."""
    return [date.fromordinal(int(v) + EPOCH_ORDINAL) for v in values.astype(np.int64).ravel()]
