"""Loops over arrays of days: one pass, each element through the scalar kernels, into the output.

These are plain Python functions, like :mod:`gkdeadline.calendar.kernels`, whose arithmetic they
call element by element — nothing here counts workdays itself. :func:`gkdeadline.jit.compiled`
compiles them together with the scalar kernels (numba inlines the calls), so
:mod:`gkdeadline.batch` runs the scalar semantics at compiled speed; with ``GKDEADLINE_NO_JIT=1``
the very same loops run uncompiled, for checking.

Inputs are int64 days since 1970-01-01 (``datetime64[D]`` viewed as int64); ``off`` is the
calendar's first day in the same units, so ``day - off`` is the kernels' relative index. NaT is
tested for before any arithmetic: ``NaT - off`` overflows int64, and compiled code may not
wrap around as Python does. Every
loop writes into arrays the caller allocated and allocates nothing itself.

Two families:

* ``*_into`` (the public batch functions): write results, and return what the caller needs to
  raise or warn — the position of the first NaT, the position and operands of the first element
  that needs a day of unknown status, and how many results used projected days. Positions are
  ``-1`` when there is none. Elements after a bad one are still computed; the caller raises.
* ``*_masked_into`` (the batch case engine): never fail; per element, the relative index of the
  unknown day the scalar path would name (or ``OK``), and whether projected days were used.

Steps (``nstep``, ``astep``, ``bstep``) are 1 for an array the length of the output and 0 for a
single value repeated (a scalar ``n``, a broadcast date).
"""

from __future__ import annotations

from gkdeadline.calendar.kernels import (
    EXACT,
    PROJECTED,
    UNKNOWN,
    Ints,
    add_workdays,
    add_workdays_unknown_day,
    is_workday_class,
    workdays_between,
    workdays_between_unknown_day,
)

NAT = -9223372036854775808  # datetime64's NaT viewed as int64
OK = 9223372036854775807  # masked loops: "no unknown day needed"
NOT_A_DATE = OK - 1  # masked loops: an operand is NaT (sorts after every real unknown day)


def add_into(
    cum: Ints, ords: Ints, ucum: Ints, pcum: Ints, off: int, d: Ints, n: Ints, nstep: int, out: Ints
) -> tuple[int, int, int, int, int]:
    """``out[k] = add_workdays(d[k], n[k * nstep])`` (epoch days).

    Returns ``(first NaT, first unknown, its relative start, its n, projected count)``.
    """
    lim = len(ords) + 1  # |n| beyond every workday: same answer (unknown), and no overflow
    nat_pos = -1
    bad_pos = -1
    bad_i = 0
    bad_n = 0
    nproj = 0
    for k in range(len(d)):
        x = int(d[k])
        if x == NAT:  # before any arithmetic: NaT - off would wrap around
            out[k] = NAT
            if nat_pos < 0:
                nat_pos = k
            continue
        nk = int(n[k * nstep])
        if nk > lim:
            nk = lim
        elif nk < -lim:
            nk = -lim
        j, flag = add_workdays(cum, ords, ucum, pcum, x - off, nk)
        out[k] = j + off
        if flag != EXACT:  # the rare cases, off the hot path
            if flag == PROJECTED:
                nproj += 1
            elif flag == UNKNOWN and bad_pos < 0:
                bad_pos = k
                bad_i = x - off
                bad_n = nk
    return nat_pos, bad_pos, bad_i, bad_n, nproj


def between_into(
    cum: Ints,
    ucum: Ints,
    pcum: Ints,
    off: int,
    a: Ints,
    astep: int,
    b: Ints,
    bstep: int,
    out: Ints,
) -> tuple[int, int, int, int, int, int]:
    """``out[k] = workdays_between(a[k * astep], b[k * bstep])``.

    Returns ``(first NaT in a, first NaT in b, first unknown, its relative a, its relative b,
    projected count)``.
    """
    nat_a = -1
    nat_b = -1
    bad_pos = -1
    bad_a = 0
    bad_b = 0
    nproj = 0
    for k in range(len(out)):
        x = int(a[k * astep])
        y = int(b[k * bstep])
        if x == NAT or y == NAT:  # before any arithmetic: NaT - off would wrap around
            out[k] = 0
            if x == NAT and nat_a < 0:
                nat_a = k
            if y == NAT and nat_b < 0:
                nat_b = k
            continue
        v, flag = workdays_between(cum, ucum, pcum, x - off, y - off)
        out[k] = v
        if flag != EXACT:
            if flag == PROJECTED:
                nproj += 1
            elif flag == UNKNOWN and bad_pos < 0:
                bad_pos = k
                bad_a = x - off
                bad_b = y - off
    return nat_a, nat_b, bad_pos, bad_a, bad_b, nproj


def is_workday_into(cls: Ints, off: int, d: Ints, out: Ints) -> tuple[int, int, int, int]:
    """``out[k] = is_workday(d[k])``, from the day-class table ``cls`` (one byte a day).

    Returns ``(first NaT, first unknown, its relative day, projected count)``.
    """
    nat_pos = -1
    bad_pos = -1
    bad_i = 0
    nproj = 0
    for k in range(len(d)):
        x = int(d[k])
        if x == NAT:  # before any arithmetic: NaT - off would wrap around
            out[k] = False
            if nat_pos < 0:
                nat_pos = k
            continue
        w, flag = is_workday_class(cls, x - off)
        out[k] = w
        if flag != EXACT:
            if flag == PROJECTED:
                nproj += 1
            elif bad_pos < 0:
                bad_pos = k
                bad_i = x - off
    return nat_pos, bad_pos, bad_i, nproj


def add_masked_into(
    cum: Ints,
    ords: Ints,
    ucum: Ints,
    pcum: Ints,
    unk: Ints,
    off: int,
    d: Ints,
    n: Ints,
    out: Ints,
    unknown: Ints,
    projected: Ints,
) -> None:
    """``add_workdays`` elementwise, never failing: result, unknown day (or ``OK``), projected."""
    nd = len(cum) - 1
    lim = len(ords) + 1
    for k in range(len(d)):
        x = int(d[k])
        nk = int(n[k])
        if x == NAT:  # before any arithmetic: NaT - off would wrap around
            out[k] = NAT
            unknown[k] = OK if nk == 0 else NOT_A_DATE  # (NaT + 0 workdays is NaT, no error)
            projected[k] = False
            continue
        if nk > lim:
            nk = lim
        elif nk < -lim:
            nk = -lim
        j, flag = add_workdays(cum, ords, ucum, pcum, x - off, nk)
        out[k] = j + off
        unknown[k] = OK
        projected[k] = flag == PROJECTED
        if flag == UNKNOWN:
            unknown[k] = add_workdays_unknown_day(unk, nd, x - off, nk)


def between_masked_into(
    cum: Ints,
    ucum: Ints,
    pcum: Ints,
    unk: Ints,
    off: int,
    a: Ints,
    b: Ints,
    out: Ints,
    unknown: Ints,
    projected: Ints,
) -> None:
    """``workdays_between`` elementwise, never failing (see ``add_masked_into``)."""
    nd = len(cum) - 1
    for k in range(len(a)):
        x = int(a[k])
        y = int(b[k])
        if x == NAT or y == NAT:  # before any arithmetic: NaT - off would wrap around
            out[k] = 0
            unknown[k] = OK if x == y else NOT_A_DATE  # (NaT to NaT is 0 days, no error)
            projected[k] = False
            continue
        v, flag = workdays_between(cum, ucum, pcum, x - off, y - off)
        out[k] = v
        unknown[k] = OK
        projected[k] = flag == PROJECTED
        if flag == UNKNOWN:
            out[k] = 0
            unknown[k] = workdays_between_unknown_day(unk, nd, x - off, y - off)


KERNELS = ("add_into", "between_into", "is_workday_into", "add_masked_into", "between_masked_into")
