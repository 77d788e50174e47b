"""Many dates at once: the scalar semantics over numpy ``datetime64[D]`` arrays.

Same counting rules and same errors as `gkdeadline.Calendar`; the first offending element
is named by its position. Each function is one compiled pass over the elements
(`gkdeadline.calendar.vector_kernels`), running the scalar kernels of
`gkdeadline.calendar.kernels` on every element and writing straight into the output — so
the batch and scalar paths cannot disagree, and no full-length temporary array is made:
``datetime64[D]`` input is read in place, anything else (other units, ISO strings,
non-contiguous arrays, broadcast operands) is converted chunk by chunk. Pass ``out=`` to reuse
an output array (it may be the input itself, for in-place updates); after an error its contents
are unspecified. numba is imported on the first call, not on ``import gkdeadline``.

The masked kernels (``add_masked``, ``between_masked``) report problems per element instead of
raising; the batch case engine builds on them.

Batch *cases* (tables of requests) live in `gkdeadline.batch_cases` and are re-exported
here as `cases`.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.calendar import kernels as scalar
from gkdeadline.calendar.index import EPOCH_ORDINAL, WorkdayIndex
from gkdeadline.calendar.vector_kernels import NAT, NOT_A_DATE, OK
from gkdeadline.errors import CalendarCoverageError, InputError, ProjectedCalendarWarning

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "NAT",
    "NOT_A_DATE",
    "OK",
    "add_masked",
    "add_workdays",
    "between_masked",
    "cases",
    "coverage_error",
    "days_of",
    "is_workday",
    "to_dates",
    "workdays_between",
]

CHUNK = 1 << 16  # elements converted at a time when the input cannot be read in place
DAY = np.dtype("datetime64[D]")
I64 = np.dtype(np.int64)
KERNEL_MODULES = ("gkdeadline.calendar.kernels", "gkdeadline.calendar.vector_kernels")


def _loops() -> Any:
    """The compiled loops (plain Python with ``GKDEADLINE_NO_JIT=1``); numba loads on first use."""
    from gkdeadline.jit import compiled

    return compiled(*KERNEL_MODULES)


_TABLES: weakref.WeakKeyDictionary[WorkdayIndex, tuple[IntArray, ...]] = weakref.WeakKeyDictionary()


def _tables(ix: WorkdayIndex) -> tuple[IntArray, ...]:
    """``(cum, ords, unknown_cum, projected_cum, unknown days, day classes)`` for the loops: int64
    arrays, and the one byte a day that ``is_workday`` reads (each day's workday, unknown and
    projected bits, taken from the three prefix counts: see ``kernels.is_workday_class``)."""
    found = _TABLES.get(ix)
    if found is None:
        unk = np.asarray(ix.unknown_ords, dtype=np.int64)
        cum, ucum, pcum = ix.cum, ix.unknown_cum, ix.projected_cum
        cls = (
            np.diff(cum) * scalar.WORK_DAY
            | np.diff(ucum) * scalar.UNKNOWN_DAY
            | np.diff(pcum) * scalar.PROJECTED_DAY
        )
        found = (cum, ix.ords, ucum, pcum, unk, cls.astype(np.uint8))
        _TABLES[ix] = found
    return found


def _offset(ix: WorkdayIndex) -> int:
    return ix.first_ordinal - EPOCH_ORDINAL


# ---------------------------------------------------------------------- input and output


def _date_array(dates: Any, what: str) -> npt.NDArray[Any]:
    """``dates`` as an array of datetime64 (any unit), ISO strings or date objects; not converted."""
    try:
        arr = np.asarray(dates)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype.kind not in "MUO":
        raise _not_dates(what)
    return arr


def _not_dates(what: str) -> InputError:
    return InputError(
        f"{what} 应当是日期：numpy datetime64 数组，或 YYYY-MM-DD 字符串",
        code="date-invalid",
        message_en=f"{what} must be dates: a numpy datetime64 array, or ISO date strings",
        field=what,
    )


def _to_days(part: npt.NDArray[Any], what: str) -> IntArray:
    """A piece of a date array as int64 epoch days (a view when it already is ``datetime64[D]``)."""
    try:
        days = part.astype(DAY, copy=False)
    except (TypeError, ValueError):
        raise _not_dates(what) from None
    return days.view(I64)


class _Source:
    """One operand, read in place or converted a chunk at a time, in C order of ``shape``.

    ``whole`` is the int64 view of the full operand (step 1), or of its single value (step 0);
    ``None`` when the operand has to be converted chunk by chunk through ``part``.
    """

    def __init__(
        self,
        arr: npt.NDArray[Any],
        shape: tuple[int, ...],
        native: np.dtype[Any],
        convert: Callable[[npt.NDArray[Any]], IntArray],
    ) -> None:
        self.convert = convert
        self.step = 1
        self.whole: IntArray | None = None
        self.flat: Any = None
        if arr.shape == shape and arr.dtype == native and arr.flags.c_contiguous:
            self.whole = convert(arr.reshape(-1))  # a view: no copy
        elif arr.size == 1:
            self.whole = convert(arr.reshape(1))
            self.step = 0 if arr.shape != shape else 1
        else:
            full = np.broadcast_to(arr, shape)
            self.flat = full.reshape(-1) if full.flags.c_contiguous else full.flat

    def part(self, start: int, stop: int) -> tuple[IntArray, int]:
        if self.whole is not None:
            return (self.whole[start:stop] if self.step else self.whole), self.step
        return np.ascontiguousarray(self.convert(np.asarray(self.flat[start:stop]))), 1


def _dates_source(arr: npt.NDArray[Any], shape: tuple[int, ...], what: str) -> _Source:
    return _Source(arr, shape, DAY, lambda part: _to_days(part, what))


def _ints_source(n: Any, shape: tuple[int, ...]) -> _Source:
    arr = np.asarray(n)
    if arr.dtype.kind not in "iu":
        raise InputError(
            f"n 应当是整数（天数）或整数数组，而不是 {arr.dtype}",
            code="input-invalid",
            message_en=f"n must be a whole number of days or an integer array, not {arr.dtype}",
            field="n",
            value=str(arr.dtype),
        )
    try:
        np.broadcast_to(arr, shape)
    except ValueError:
        raise InputError(
            f"n 的形状 {arr.shape} 与日期的形状 {shape} 不一致",
            code="input-invalid",
            message_en=f"n has shape {arr.shape}, which does not match the dates {shape}",
            field="n",
        ) from None
    return _Source(arr, shape, I64, lambda part: part.astype(I64, copy=False))


def _output(out: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not (
        isinstance(out, np.ndarray)
        and out.dtype == dtype
        and out.shape == shape
        and out.flags.c_contiguous
        and out.flags.writeable
    ):
        got = f"{out.dtype} {out.shape}" if isinstance(out, np.ndarray) else type(out).__name__
        raise InputError(
            f"out 应当是可写、C 连续、类型 {dtype}、形状 {shape} 的数组，而不是 {got}",
            code="input-invalid",
            message_en=f"out must be a writeable C-contiguous {dtype} array of shape {shape}, not {got}",
            field="out",
        )
    return out


def _no_overlap(out: npt.NDArray[Any] | None, *inputs: npt.NDArray[Any]) -> None:
    """``out`` may be an input itself (element k overwritten after it was read), nothing else."""
    if out is None:
        return
    for x in inputs:
        same = (
            x.shape == out.shape
            and x.dtype.itemsize == out.dtype.itemsize
            and x.flags.c_contiguous
            and x.__array_interface__["data"][0] == out.__array_interface__["data"][0]
        )
        if not same and np.may_share_memory(x, out):
            raise InputError(
                "out 与某个输入部分重叠（又不是那个输入本身）；请传入单独的数组",
                code="input-invalid",
                message_en="out overlaps an input without being that input itself; pass a separate"
                " array",
                field="out",
            )


def _chunks(size: int, sources: tuple[_Source, ...]) -> list[tuple[int, int]]:
    """One span when every operand is read in place, else spans of ``CHUNK`` elements."""
    if all(s.whole is not None for s in sources):
        return [(0, size)]
    return [(s, min(s + CHUNK, size)) for s in range(0, size, CHUNK)]


def _first(found: int, pos: int, start: int) -> int:
    return found if found >= 0 or pos < 0 else start + pos


# ---------------------------------------------------------------------- errors and warnings


def days_of(dates: Any, what: str) -> IntArray:
    """``dates`` as int64 days since 1970-01-01; NaT and non-dates refused by position."""
    days = _to_days(_date_array(dates, what), what)
    bad = days == NAT
    if bad.any():
        raise _nat_error(what, int(np.flatnonzero(bad)[0]))
    return days


def _nat_error(what: str, pos: int) -> InputError:
    return InputError(
        f"{what}[{pos}] 是 NaT（不是日期）；请先去掉或补全缺失的日期",
        code="date-invalid",
        message_en=f"{what}[{pos}] is NaT (not a date); remove or fill missing dates first",
        field=what,
        value=pos,
    )


def _label(what: str, flat_pos: int, shape: tuple[int, ...]) -> str:
    pos = tuple(int(x) for x in np.unravel_index(flat_pos, shape)) if shape else ()
    return f"{what}[{pos[0] if len(pos) == 1 else pos}]"


def coverage_error(cal: Calendar, unknown_index: int, where: str) -> CalendarCoverageError:
    """The CalendarCoverageError for one element, its message prefixed with ``where``."""
    try:
        err = cal.coverage_error(unknown_index)
    except (ValueError, OverflowError):  # beyond datetime.date: years 1–9999
        en = f"{where}: the computation needs a day outside the years 1–9999, which no calendar covers"
        raise InputError(
            f"{where}：计算需要 1–9999 年以外的日期，没有日历能覆盖 / {en}",
            code="date-out-of-range",
            message_en=en,
            field="date",
        ) from None
    err.args = (f"{where}: {err.args[0]}",)
    for attr in ("message_zh", "message_en"):  # what str() shows, and the English gloss
        text = getattr(err, attr, None)
        if isinstance(text, str):
            setattr(err, attr, f"{where}: {text}")
    return err


def _warn_projected(count: int) -> None:
    if count > 0:
        warnings.warn(
            ProjectedCalendarWarning(
                f"{count} 个结果用到了推测日期（国务院办公厅的通知尚未发布）"
                f"（{count} result(s) depend on provisionally projected days）"
            ),
            stacklevel=3,
        )


# ---------------------------------------------------------------------- the public functions


def is_workday(
    dates: Any, calendar: Calendar | None = None, *, out: BoolArray | None = None
) -> BoolArray:
    """Elementwise `Calendar.is_workday`; ``out``: a bool array to write into."""
    cal = calendar or default_calendar()
    arr = _date_array(dates, "dates")
    shape = arr.shape
    src = _dates_source(arr, shape, "dates")
    res = _output(out, shape, np.dtype(np.bool_))
    _no_overlap(out, arr)
    flat = res.reshape(-1)
    ix = cal.index
    cls = _tables(ix)[5]
    off = _offset(ix)
    loops = _loops()
    nat = bad = -1
    bad_i = nproj = 0
    for start, stop in _chunks(flat.size, (src,)):
        d, _ = src.part(start, stop)
        r = loops.is_workday_into(cls, off, d, flat[start:stop])
        nat = _first(nat, r[0], start)
        if bad < 0 <= r[1]:
            bad, bad_i = start + r[1], int(r[2])
        nproj += r[3]
    if nat >= 0:
        raise _nat_error("dates", nat)
    if bad >= 0:
        raise coverage_error(cal, bad_i, _label("dates", bad, shape))
    _warn_projected(nproj)
    return res


def add_workdays(
    dates: Any, n: Any, calendar: Calendar | None = None, *, out: DateArray | None = None
) -> DateArray:
    """Elementwise `Calendar.add_workdays`; ``n`` an int or an array matching the dates.

    ``out``: a ``datetime64[D]`` array of the dates' shape to write into (and return).
    """
    cal = calendar or default_calendar()
    arr = _date_array(dates, "dates")
    shape = arr.shape
    src = _dates_source(arr, shape, "dates")
    nsrc = _ints_source(n, shape)
    res = _output(out, shape, DAY)
    _no_overlap(out, arr, np.asarray(n))
    flat = res.reshape(-1).view(I64)
    ix = cal.index
    cum, ords, ucum, pcum, _, _ = _tables(ix)
    off = _offset(ix)
    loops = _loops()
    nat = bad = -1
    bad_i = bad_n = nproj = 0
    for start, stop in _chunks(flat.size, (src, nsrc)):
        d, _ = src.part(start, stop)
        nn, nstep = nsrc.part(start, stop)
        r = loops.add_into(cum, ords, ucum, pcum, off, d, nn, nstep, flat[start:stop])
        nat = _first(nat, r[0], start)
        if bad < 0 <= r[1]:
            bad, bad_i, bad_n = start + r[1], int(r[2]), int(r[3])
        nproj += r[4]
    if nat >= 0:
        raise _nat_error("dates", nat)
    if bad >= 0:
        day = scalar.add_workdays_unknown_day(ix.unknown_ords, ix.n_days, bad_i, bad_n)
        raise coverage_error(cal, day, _label("dates", bad, shape))
    _warn_projected(nproj)
    return res


def workdays_between(
    a: Any, b: Any, calendar: Calendar | None = None, *, out: IntArray | None = None
) -> IntArray:
    """Elementwise `Calendar.workdays_between`: workdays in ``(a, b]``, negative if b < a.

    ``a`` and ``b`` broadcast against each other; ``out``: an int64 array of that shape.
    """
    cal = calendar or default_calendar()
    arr_a, arr_b = _date_array(a, "a"), _date_array(b, "b")
    try:
        shape = np.broadcast_shapes(arr_a.shape, arr_b.shape)
    except ValueError:
        raise InputError(
            f"a 的形状 {arr_a.shape} 与 b 的形状 {arr_b.shape} 不一致",
            code="input-invalid",
            message_en=f"a has shape {arr_a.shape} and b has shape {arr_b.shape}; they must match",
            field="b",
        ) from None
    src_a, src_b = _dates_source(arr_a, shape, "a"), _dates_source(arr_b, shape, "b")
    res = _output(out, shape, I64)
    _no_overlap(out, arr_a, arr_b)
    flat = res.reshape(-1)
    ix = cal.index
    cum, _, ucum, pcum, _, _ = _tables(ix)
    off = _offset(ix)
    loops = _loops()
    nat_a = nat_b = bad = -1
    bad_a = bad_b = nproj = 0
    for start, stop in _chunks(flat.size, (src_a, src_b)):
        da, astep = src_a.part(start, stop)
        db, bstep = src_b.part(start, stop)
        r = loops.between_into(cum, ucum, pcum, off, da, astep, db, bstep, flat[start:stop])
        nat_a, nat_b = _first(nat_a, r[0], start), _first(nat_b, r[1], start)
        if bad < 0 <= r[2]:
            bad, bad_a, bad_b = start + r[2], int(r[3]), int(r[4])
        nproj += r[5]
    for what, arr, found in (("a", arr_a, nat_a), ("b", arr_b, nat_b)):
        if found >= 0 and arr.shape == shape:
            raise _nat_error(what, found)
        if found >= 0:  # broadcast: the position in the operand itself (never out, see above)
            days_of(arr, what)
    if bad >= 0:
        day = scalar.workdays_between_unknown_day(ix.unknown_ords, ix.n_days, bad_a, bad_b)
        raise coverage_error(cal, day, _label("a", bad, shape))
    _warn_projected(nproj)
    return res


# ---------------------------------------------------------------------- for the case engine


def _masked_operands(*arrays: IntArray) -> tuple[tuple[int, ...], list[IntArray]]:
    full = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in arrays))
    return full[0].shape, [np.ascontiguousarray(x).reshape(-1) for x in full]


def add_masked(cal: Calendar, d: IntArray, n: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
    """``add_workdays`` elementwise on epoch days, without raising.

    Returns ``(result, unknown, projected)``: ``unknown`` is, per element, the index (relative to
    the calendar's first day) of the first unknown day the computation needed, or ``OK``
    (``NOT_A_DATE`` when the start is NaT and ``n != 0``); results where ``unknown != OK`` are
    meaningless.
    """
    shape, (dd, nn) = _masked_operands(d, n)
    result = np.empty(shape, dtype=np.int64)
    unknown = np.empty(shape, dtype=np.int64)
    projected = np.empty(shape, dtype=np.bool_)
    ix = cal.index
    cum, ords, ucum, pcum, unk, _ = _tables(ix)
    _loops().add_masked_into(
        cum,
        ords,
        ucum,
        pcum,
        unk,
        _offset(ix),
        dd,
        nn,
        result.reshape(-1),
        unknown.reshape(-1),
        projected.reshape(-1),
    )
    return result, unknown, projected


def between_masked(cal: Calendar, a: IntArray, b: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
    """``workdays_between`` elementwise on epoch days, without raising (see ``add_masked``)."""
    shape, (aa, bb) = _masked_operands(a, b)
    counts = np.empty(shape, dtype=np.int64)
    unknown = np.empty(shape, dtype=np.int64)
    projected = np.empty(shape, dtype=np.bool_)
    ix = cal.index
    cum, _, ucum, pcum, unk, _ = _tables(ix)
    _loops().between_masked_into(
        cum,
        ucum,
        pcum,
        unk,
        _offset(ix),
        aa,
        bb,
        counts.reshape(-1),
        unknown.reshape(-1),
        projected.reshape(-1),
    )
    return counts, unknown, projected


# ---------------------------------------------------------------------- helpers


def to_dates(values: DateArray) -> list[date]:
    """Convert a ``datetime64[D]`` array to a list of ``datetime.date`` (for display and tests)."""
    return [date.fromordinal(int(v) + EPOCH_ORDINAL) for v in values.astype(np.int64).ravel()]


def cases(table: Any, **kw: Any) -> Any:
    """Deadlines, status and errors for a table of cases; see `gkdeadline.batch_cases.cases`."""
    from gkdeadline.batch_cases import cases as _cases

    return _cases(table, **kw)
