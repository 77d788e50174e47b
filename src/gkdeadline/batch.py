"""Many dates at once: the scalar semantics over numpy ``datetime64[D]`` arrays.

Same counting rules and same errors as :class:`gkdeadline.Calendar`; the first offending element
is named by its position. Vectorised over the calendar's workday index — a handful of array
lookups, no Python loop over elements. The masked kernels (``add_masked``, ``between_masked``)
report problems per element instead of raising; the batch case engine builds on them.

Batch *cases* (tables of requests) live in :mod:`gkdeadline.batch_cases` and are re-exported
here as :func:`cases`.
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.calendar.index import EPOCH_ORDINAL, WorkdayIndex
from gkdeadline.errors import CalendarCoverageError, InputError, ProjectedCalendarWarning

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NAT = np.iinfo(np.int64).min  # datetime64's NaT as int64
OK = np.iinfo(np.int64).max  # "no unknown day needed"


def days_of(dates: Any, what: str) -> IntArray:
    """``dates`` as int64 days since 1970-01-01; NaT and non-dates refused by position."""
    try:
        arr = np.asarray(dates)
        if arr.dtype.kind in "MUO":
            arr = arr.astype("datetime64[D]")
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise InputError(
            f"{what} must be dates: a numpy datetime64 array, or ISO date strings"
        ) from None
    days = arr.astype(np.int64)
    bad = days == NAT
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


def _offset(ix: WorkdayIndex) -> int:
    return ix.first_ordinal - EPOCH_ORDINAL


def _first_unknown_after(ix: WorkdayIndex, rel: IntArray) -> IntArray:
    """Vectorised ``WorkdayIndex.first_unknown_after``."""
    unk = np.asarray(ix.unknown_ords, dtype=np.int64)
    if len(unk) == 0:
        return np.maximum(ix.n_days, rel + 1)
    k = np.searchsorted(unk, rel, side="right")
    found = unk[np.minimum(k, len(unk) - 1)]
    return np.where(k < len(unk), found, np.maximum(ix.n_days, rel + 1))


def _last_unknown_before(ix: WorkdayIndex, rel: IntArray) -> IntArray:
    """Vectorised ``WorkdayIndex.last_unknown_before``."""
    unk = np.asarray(ix.unknown_ords, dtype=np.int64)
    if len(unk) == 0:
        return np.minimum(-1, rel - 1)
    k = np.searchsorted(unk, rel, side="left")
    found = unk[np.maximum(k - 1, 0)]
    return np.where(k > 0, found, np.minimum(-1, rel - 1))


def add_masked(cal: Calendar, d: IntArray, n: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
    """``add_workdays`` elementwise on epoch days, without raising.

    Returns ``(result, unknown, projected)``: ``unknown`` is, per element, the index (relative to
    the calendar's first day) of the first unknown day the computation needed, or ``OK``;
    results where ``unknown != OK`` are meaningless.
    """
    ix = cal.index
    off = _offset(ix)
    rel = d - off
    nd, nw = ix.n_days, len(ix.ords)
    pos, neg = n > 0, n < 0
    moving = pos | neg
    bad_start = (pos & ((rel < -1) | (rel >= nd))) | (neg & ((rel < 0) | (rel > nd)))
    ic = np.clip(rel, -1, nd)
    k = np.where(pos, ix.cum[np.minimum(ic + 1, nd)] + n - 1, ix.cum[np.maximum(ic, 0)] + n)
    out = (pos & (k >= nw)) | (neg & (k < 0))
    j = ix.ords[np.clip(k, 0, max(nw - 1, 0))]
    bad = bad_start | out
    if ix.has_gaps or ix.has_projected:  # the interval each result needed: (i, j] or [j, i)
        lo = np.clip(np.where(pos, ic + 1, j), 0, nd)
        hi = np.clip(np.where(pos, j + 1, ic), 0, nd)
    if ix.has_gaps:
        bad |= moving & (ix.unknown_cum[hi] != ix.unknown_cum[lo])
    unknown = np.full(d.shape, OK, dtype=np.int64)
    if bad.any():
        where_after = _first_unknown_after(ix, rel)
        where_before = _last_unknown_before(ix, rel)
        first = np.where(
            pos,
            np.where(bad_start, rel + 1, where_after),
            np.where(bad_start, rel - 1, where_before),
        )
        unknown = np.where(bad, first, OK)
    projected = np.zeros(d.shape, dtype=bool)
    if ix.has_projected:
        projected = moving & ~bad & (ix.projected_cum[hi] != ix.projected_cum[lo])
    return np.where(moving, j + off, d), unknown, projected


def between_masked(cal: Calendar, a: IntArray, b: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
    """``workdays_between`` elementwise on epoch days, without raising (see ``add_masked``)."""
    ix = cal.index
    off = _offset(ix)
    ia, ib = a - off, b - off
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    nd = ix.n_days
    same = ia == ib
    bad = ~same & ((lo < -1) | (hi >= nd))
    lo_c, hi_c = np.clip(lo + 1, 0, nd), np.clip(hi + 1, 0, nd)
    if ix.has_gaps:
        bad |= ~same & (ix.unknown_cum[hi_c] != ix.unknown_cum[lo_c])
    unknown = np.full(a.shape, OK, dtype=np.int64)
    if bad.any():
        unknown = np.where(bad, np.where(lo < -1, lo + 1, _first_unknown_after(ix, lo)), OK)
    projected = np.zeros(a.shape, dtype=bool)
    if ix.has_projected:
        projected = ~bad & (ix.projected_cum[hi_c] != ix.projected_cum[lo_c])
    counts: IntArray = np.sign(ib - ia) * (ix.cum[hi_c] - ix.cum[lo_c])
    return counts, unknown, projected


def coverage_error(cal: Calendar, unknown_index: int, where: str) -> CalendarCoverageError:
    """The CalendarCoverageError for one element, its message prefixed with ``where``."""
    err = cal.coverage_error(unknown_index)
    err.args = (f"{where}: {err.args[0]}",)
    return err


def _raise_first(cal: Calendar, unknown: IntArray, what: str) -> None:
    bad = unknown != OK
    if bad.any():
        pos = tuple(int(x) for x in np.unravel_index(int(np.argmax(bad)), bad.shape))
        label = f"{what}[{pos[0] if len(pos) == 1 else pos}]"
        raise coverage_error(cal, int(unknown[pos]), label)


def _warn_projected(projected: BoolArray) -> None:
    if (count := int(projected.sum())) > 0:
        warnings.warn(
            ProjectedCalendarWarning(
                f"{count} result(s) depend on provisionally projected days"
                " (no State Council notice yet)"
            ),
            stacklevel=3,
        )


def is_workday(dates: Any, calendar: Calendar | None = None) -> BoolArray:
    """Elementwise :meth:`Calendar.is_workday`."""
    cal = calendar or default_calendar()
    ix = cal.index
    rel = days_of(dates, "dates") - _offset(ix)
    inside = (rel >= 0) & (rel < ix.n_days)
    safe = np.where(inside, rel, 0)
    ok = inside & ix.known[safe]
    _raise_first(cal, np.where(ok, OK, rel), "dates")
    _warn_projected(ix.projected[safe])
    return ix.work[safe]


def add_workdays(dates: Any, n: Any, calendar: Calendar | None = None) -> DateArray:
    """Elementwise :meth:`Calendar.add_workdays`; ``n`` an int or an array matching the dates."""
    cal = calendar or default_calendar()
    d = days_of(dates, "dates")
    result, unknown, projected = add_masked(cal, d, _ints(n, d.shape))
    _raise_first(cal, unknown, "dates")
    _warn_projected(projected)
    return result.astype("datetime64[D]")


def workdays_between(a: Any, b: Any, calendar: Calendar | None = None) -> IntArray:
    """Elementwise :meth:`Calendar.workdays_between`: workdays in ``(a, b]``, negative if b < a."""
    cal = calendar or default_calendar()
    da, db = days_of(a, "a"), days_of(b, "b")
    try:
        da, db = np.broadcast_arrays(da, db)
    except ValueError:
        raise InputError(
            f"a has shape {da.shape} and b has shape {db.shape}; they must match"
        ) from None
    counts, unknown, projected = between_masked(cal, da, db)
    _raise_first(cal, unknown, "a")
    _warn_projected(projected)
    return counts


def to_dates(values: DateArray) -> list[date]:
    """Convert a ``datetime64[D]`` array to a list of ``datetime.date`` (for display and tests)."""
    return [date.fromordinal(int(v) + EPOCH_ORDINAL) for v in values.astype(np.int64).ravel()]


def cases(table: Any, **kw: Any) -> Any:
    """Deadlines, status and errors for a table of cases; see :func:`gkdeadline.batch_cases.cases`."""
    from gkdeadline.batch_cases import cases as _cases

    return _cases(table, **kw)
