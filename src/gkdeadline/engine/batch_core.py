"""The batch loop: :func:`gkdeadline.engine.core.replay` over many cases, compiled by numba.

Cases are laid out as in a sparse matrix: case ``c``'s events are positions
``offsets[c] … offsets[c+1]-1`` of the event arrays (already in replay order). Each case gets its
own slice of the output buffers, so the loop needs no allocation.
"""

from __future__ import annotations

from typing import Any

from gkdeadline.engine.core import (
    INF,
    NONE,
    NOUT,
    O_ERROR,
    O_LATE,
    O_ON_TIME,
    O_REMAINING,
    O_STATUS,
    merge_bounds,
    replay,
)

Ints = Any


def findings_base(offsets: Ints, c: int) -> int:
    """Where case ``c``'s findings start (each case may write 2 per event + 8)."""
    base: int = 2 * offsets[c] + 8 * c
    return base


def run_cases(
    cum: Ints,
    ords: Ints,
    ucum: Ints,
    pcum: Ints,
    offsets: Ints,
    etype: Ints,
    edate: Ints,
    ep0: Ints,
    ep1: Ints,
    ep2: Ints,
    P: Ints,
    prows: Ints,
    todo: Ints,
    as_of: int,
    out: Ints,
    step_due: Ints,
    step_info: Ints,
    fcode: Ints,
    fev: Ints,
    fa: Ints,
    fb: Ints,
    sp_first: Ints,
    sp_last: Ints,
    sp_kind: Ints,
    sp_counted: Ints,
    w1: Ints,
    w2: Ints,
    w3: Ints,
    w4: Ints,
    w5: Ints,
    w6: Ints,
    w7: Ints,
    w8: Ints,
    w9: Ints,
    w10: Ints,
    w11: Ints,
) -> int:
    """Replay every case ``c`` with ``todo[c]`` set; returns how many were replayed.

    With an ``as_of`` date, a case with events after it is first replayed whole (impossible data
    is an error whatever the date), then up to ``as_of``.
    """
    done = 0
    for c in range(len(offsets) - 1):
        if not todo[c]:
            continue
        e0 = offsets[c]
        e1 = offsets[c + 1]
        f0 = 2 * e0 + 8 * c
        fcap = 2 * (e1 - e0) + 8
        o0 = c * NOUT
        later = False
        if as_of != NONE:
            for k in range(e0, e1):
                if edate[k] > as_of:
                    later = True
                    break
        if later:
            replay(
                cum, ords, ucum, pcum, etype, edate, ep0, ep1, ep2, e0, e1, P, prows[c],
                INF, NONE, 0, out, o0, step_due, step_info, fcode, fev, fa, fb, f0, fcap,
                sp_first, sp_last, sp_kind, sp_counted, e0,
                w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11,
            )  # fmt: skip
            if out[o0 + O_ERROR] != 0:
                done += 1
                continue
        cutoff = as_of if as_of != NONE else INF
        replay(
            cum, ords, ucum, pcum, etype, edate, ep0, ep1, ep2, e0, e1, P, prows[c],
            cutoff, as_of, 0, out, o0, step_due, step_info, fcode, fev, fa, fb, f0, fcap,
            sp_first, sp_last, sp_kind, sp_counted, e0,
            w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11,
        )  # fmt: skip
        done += 1
    return done


def merge_bounds_into(early: Ints, late: Ints, has_late: bool, todo: Ints) -> None:
    """:func:`gkdeadline.engine.core.merge_bounds` for every case with ``todo`` set, written into
    ``early``'s status, on-time, remaining and late fields."""
    for c in range(len(todo)):
        if not todo[c]:
            continue
        o = c * NOUT
        s, t, r, lt = merge_bounds(
            early[o + O_STATUS], early[o + O_ON_TIME], early[o + O_REMAINING], early[o + O_LATE],
            has_late, late[o + O_STATUS], late[o + O_ON_TIME], late[o + O_REMAINING],
            late[o + O_LATE],
        )  # fmt: skip
        early[o + O_STATUS] = s
        early[o + O_ON_TIME] = t
        early[o + O_REMAINING] = r
        early[o + O_LATE] = lt


KERNELS = ("findings_base", "run_cases", "merge_bounds_into")
