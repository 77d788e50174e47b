"""Workday arithmetic on the index arrays, written once for the scalar and the compiled paths.

These are plain Python functions over integer sequences: the scalar engine calls them with the
index's Python lists; :mod:`gkdeadline.jit` compiles the very same functions with numba for the
batch paths, where they receive numpy arrays. Keep them in the subset numba compiles: integers,
indexing, ``if``/``for``/``while``, tuples; no objects, no exceptions, no dictionaries.

Days are *relative indices*: ``day.toordinal() - index.first_ordinal``. The arrays are those of
:class:`gkdeadline.calendar.index.WorkdayIndex`: ``cum`` (workdays in ``[0, i)``), ``ords`` (the
index of the k-th workday), ``ucum`` / ``pcum`` (prefix counts of unknown / projected days).

Every function returns a flag beside its value: ``0`` exact, ``PROJECTED`` when a projected day
was involved, ``UNKNOWN`` when a day of unknown status was needed (the value is then meaningless).

Compiled speed: numba reference-counts every array argument, and its pruning pass removes those
counts only in simple control flow (numba issues #2350, #5743). A kernel that reads an array only
on some branches keeps an atomic incref/decref per call (``is_workday`` in a loop: ~17 ns per
element instead of ~2). So, after the bounds checks, read every array you need in one straight
block, then branch on the values.
"""

from __future__ import annotations

from typing import Any

EXACT = 0
PROJECTED = 1
UNKNOWN = 2

Ints = Any  # a list of ints (scalar path) or an int64 numpy array (compiled path)


def add_workdays(cum: Ints, ords: Ints, ucum: Ints, pcum: Ints, i: int, n: int) -> tuple[int, int]:
    """The n-th workday strictly after day ``i`` (n < 0: strictly before; n = 0: ``i``)."""
    nd = len(cum) - 1
    if n == 0:
        return i, EXACT
    if n > 0:
        if i < -1 or i >= nd:
            return i, UNKNOWN
        k = cum[i + 1] + n - 1
        if k >= len(ords):
            return i, UNKNOWN
        j = ords[k]
        if ucum[j + 1] != ucum[i + 1]:
            return i, UNKNOWN
        if pcum[j + 1] != pcum[i + 1]:
            return j, PROJECTED
        return j, EXACT
    if i < 0 or i > nd:
        return i, UNKNOWN
    k = cum[i] + n
    if k < 0:
        return i, UNKNOWN
    j = ords[k]
    if ucum[i] != ucum[j]:
        return i, UNKNOWN
    if pcum[i] != pcum[j]:
        return j, PROJECTED
    return j, EXACT


def workdays_between(cum: Ints, ucum: Ints, pcum: Ints, a: int, b: int) -> tuple[int, int]:
    """Workdays in ``(a, b]``; negative when ``b < a``."""
    if a == b:
        return 0, EXACT
    lo, hi, sign = a, b, 1
    if b < a:
        lo, hi, sign = b, a, -1
    nd = len(cum) - 1
    if lo < -1 or hi >= nd:
        return 0, UNKNOWN
    # every array read before branching on what was read: see the module docstring
    count = sign * (cum[hi + 1] - cum[lo + 1])
    unknown = ucum[hi + 1] != ucum[lo + 1]
    projected = pcum[hi + 1] != pcum[lo + 1]
    if unknown:
        return 0, UNKNOWN
    if projected:
        return count, PROJECTED
    return count, EXACT


def is_workday(cum: Ints, ucum: Ints, pcum: Ints, i: int) -> tuple[bool, int]:
    """Is day ``i`` a workday?"""
    nd = len(cum) - 1
    if i < 0 or i >= nd:
        return False, UNKNOWN
    # every array read before branching on what was read: see the module docstring
    work = cum[i + 1] != cum[i]
    unknown = ucum[i + 1] != ucum[i]
    projected = pcum[i + 1] != pcum[i]
    if unknown:
        return False, UNKNOWN
    if projected:
        return work, PROJECTED
    return work, EXACT


WORK_DAY = 1  # bits of a day's class: a workday,
UNKNOWN_DAY = 2  # of unknown status,
PROJECTED_DAY = 4  # projected (see ``is_workday_class``)


def is_workday_class(cls: Ints, i: int) -> tuple[bool, int]:
    """:func:`is_workday` read from the day-class table: ``cls[i]`` holds day ``i``'s
    ``WORK_DAY``, ``UNKNOWN_DAY`` and ``PROJECTED_DAY`` bits (what ``cum``, ``ucum`` and ``pcum``
    say of that day, one byte where they take three int64 pairs: the batch loop reads this)."""
    if i < 0 or i >= len(cls):
        return False, UNKNOWN
    c = cls[i]
    if c & UNKNOWN_DAY:
        return False, UNKNOWN
    if c & PROJECTED_DAY:
        return (c & WORK_DAY) != 0, PROJECTED
    return (c & WORK_DAY) != 0, EXACT


def roll_forward(cum: Ints, ords: Ints, ucum: Ints, pcum: Ints, i: int) -> tuple[int, int]:
    """``i`` if it is a workday, else the next workday (期间届满日顺延)."""
    work, flag = is_workday(cum, ucum, pcum, i)
    if flag == UNKNOWN:
        return i, UNKNOWN
    if work:
        return i, flag
    j, flag2 = add_workdays(cum, ords, ucum, pcum, i, 1)
    return j, max(flag, flag2)


def first_unknown_after(unk: Ints, nd: int, i: int) -> int:
    """The first unknown day after ``i`` (``nd`` or more: past the span); ``unk`` sorted."""
    lo, hi = 0, len(unk)
    while lo < hi:  # bisect_right
        mid = (lo + hi) // 2
        if unk[mid] <= i:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(unk):
        return int(unk[lo])
    return max(nd, i + 1)


def last_unknown_before(unk: Ints, nd: int, i: int) -> int:
    """The last unknown day before ``i`` (-1 or below: before the span); ``unk`` sorted."""
    lo, hi = 0, len(unk)
    while lo < hi:  # bisect_left
        mid = (lo + hi) // 2
        if unk[mid] < i:
            lo = mid + 1
        else:
            hi = mid
    if lo > 0:
        return int(unk[lo - 1])
    return min(-1, i - 1)


def add_workdays_unknown_day(unk: Ints, nd: int, i: int, n: int) -> int:
    """The day a CalendarCoverageError names when ``add_workdays(i, n)`` is UNKNOWN.

    ``unk`` lists the unknown days inside the span (sorted), ``nd`` is the span's length.
    """
    if n > 0:
        if i < -1 or i >= nd:
            return i + 1
        return first_unknown_after(unk, nd, i)
    if i < 0 or i > nd:
        return i - 1
    return last_unknown_before(unk, nd, i)


def workdays_between_unknown_day(unk: Ints, nd: int, a: int, b: int) -> int:
    """The day a CalendarCoverageError names when ``workdays_between(a, b)`` is UNKNOWN."""
    lo = min(a, b)
    if lo < -1:
        return lo + 1
    return first_unknown_after(unk, nd, lo)


KERNELS = (
    "add_workdays",
    "workdays_between",
    "is_workday",
    "is_workday_class",
    "roll_forward",
    "first_unknown_after",
    "last_unknown_before",
    "add_workdays_unknown_day",
    "workdays_between_unknown_day",
)
INLINE = ("add_workdays", "workdays_between", "is_workday", "is_workday_class", "roll_forward")
