"""The batch loop: :func:`gkdeadline.engine.core.replay` over many cases, compiled by numba.

Cases are laid out as in a sparse matrix: case ``c``'s events are positions
``offsets[c] … offsets[c+1]-1`` of the event arrays (already in replay order). Each case gets its
own slice of the output buffers, so the loop needs no allocation.
"""

from __future__ import annotations

from typing import Any

from gkdeadline.calendar.kernels import PROJECTED
from gkdeadline.engine.core import (
    INF,
    NONE,
    NOUT,
    O_DUE,
    O_ERROR,
    O_FLAGS,
    O_LATE,
    O_NFIND,
    O_ON_TIME,
    O_REMAINING,
    O_STATUS,
    merge_bounds,
    replay,
)

Ints = Any


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
    S: Ints,
    F: Ints,
    fstart: Ints,
    SP: Ints,
    W: Ints,
) -> int:
    """Replay every case ``c`` with ``todo[c]`` set; returns how many were replayed.

    With an ``as_of`` date, a case with events after it is first replayed whole (impossible data
    is an error whatever the date), then up to ``as_of``.

    ``S``, ``F``, ``SP`` and ``W`` are the replay's two-dimensional buffers (see
    :func:`gkdeadline.engine.core.replay`). ``S``, ``SP`` and ``W`` are one case's: each case
    overwrites the last's (the batch reads neither its steps nor its spans), so they need one more
    column than the longest case has events, and stay in cache. Case ``c``'s findings are
    columns ``fstart[c] … fstart[c] + out[c, O_NFIND] - 1`` of ``F``, one case after the other.
    Each case may write 2 per event + 8; when the buffers may not hold that many more, returns
    ``-1 - c`` at case ``c`` (buffers of ``2 * events + 8 * cases`` always hold all).
    """
    done = 0
    fpos = 0
    for c in range(len(offsets) - 1):
        if not todo[c]:
            continue
        e0 = offsets[c]
        e1 = offsets[c + 1]
        f0 = fpos
        fstart[c] = f0
        fcap = 2 * (e1 - e0) + 8
        if f0 + fcap > len(F[0]):
            return -1 - c
        o0 = c * NOUT
        later = False
        if as_of != NONE:
            for k in range(e0, e1):
                if edate[k] > as_of:
                    later = True
                    break
        if later:
            nf = replay(
                cum, ords, ucum, pcum, etype, edate, ep0, ep1, ep2, e0, e1, P, prows[c],
                INF, NONE, 0, out, o0, S, F, f0, fcap, SP, W,
            )  # fmt: skip
            if out[o0 + O_ERROR] != 0:
                fpos += nf
                done += 1
                continue
        cutoff = as_of if as_of != NONE else INF
        nf = replay(
            cum, ords, ucum, pcum, etype, edate, ep0, ep1, ep2, e0, e1, P, prows[c],
            cutoff, as_of, 0, out, o0, S, F, f0, fcap, SP, W,
        )  # fmt: skip
        fpos += nf
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


def sort_events(
    case: Ints, day: Ints, num: Ints, rank_of: Ints, offsets: Ints, fill: Ints, order: Ints
) -> None:
    """The replay order of a table of events: by case, date, same-day rank and input position
    (what ``np.lexsort((position, rank, day, case))`` gives), as a counting sort by case and an
    insertion sort of each case's events (few, and mostly in order already).

    ``offsets`` (``n_cases + 1``, from the counts of events per case): case ``c``'s events go to
    ``order[offsets[c] … offsets[c+1]-1]``; ``fill`` is scratch of ``n_cases`` entries.
    """
    for c in range(len(offsets) - 1):
        fill[c] = offsets[c]
    for i in range(len(case)):
        c = case[i]
        lo = offsets[c]
        j = fill[c]
        fill[c] = j + 1
        d = day[i]
        r = rank_of[num[i]]
        while j > lo:
            q = order[j - 1]
            dq = day[q]
            if dq > d or (dq == d and rank_of[num[q]] > r):
                order[j] = q
                j -= 1
            else:
                break
        order[j] = i


def wide_events(
    nums: Ints,
    rank_of: Ints,
    days: Ints,
    slot_of: Ints,
    p: Ints,
    pd: Ints,
    nat: int,
    shift: int,
    offsets: Ints,
    num: Ints,
    day: Ints,
    p0: Ints,
    p1: Ints,
    p2: Ints,
    d0: Ints,
    d1: Ints,
    d2: Ints,
) -> None:
    """One-row cases as events in replay order: ``days[s, c]`` is the date of case ``c``'s event
    of type ``nums[s]`` (``nat``: none); its parameter ``k`` is ``p[slot_of[s, k], c]`` (and is a
    date if ``pd[...]``), or NONE where ``slot_of[s, k]`` is -1. Same-day events of equal rank
    keep the order of ``nums`` (as :func:`sort_events` keeps input order). Writes ``offsets``
    (``n + 1``) and the events, dates (and date parameters) less ``shift`` days."""
    ns = days.shape[0]
    n = days.shape[1]
    e = 0
    offsets[0] = 0
    for c in range(n):
        start = e
        for s in range(ns):
            d = days[s, c]
            if d == nat:
                continue
            r = rank_of[nums[s]]
            j = e
            while j > start:  # insertion: a row's few events, mostly in order already
                dq = day[j - 1]
                if dq > d or (dq == d and rank_of[num[j - 1]] > r):
                    num[j] = num[j - 1]
                    day[j] = dq
                    p0[j] = p0[j - 1]
                    p1[j] = p1[j - 1]
                    p2[j] = p2[j - 1]
                    d0[j] = d0[j - 1]
                    d1[j] = d1[j - 1]
                    d2[j] = d2[j - 1]
                    j -= 1
                else:
                    break
            num[j] = nums[s]
            day[j] = d - shift
            q = slot_of[s, 0]
            d0[j] = pd[q, c] if q >= 0 else False
            p0[j] = (p[q, c] - shift if d0[j] else p[q, c]) if q >= 0 else NONE
            q = slot_of[s, 1]
            d1[j] = pd[q, c] if q >= 0 else False
            p1[j] = (p[q, c] - shift if d1[j] else p[q, c]) if q >= 0 else NONE
            q = slot_of[s, 2]
            d2[j] = pd[q, c] if q >= 0 else False
            p2[j] = (p[q, c] - shift if d2[j] else p[q, c]) if q >= 0 else NONE
            e += 1
        offsets[c + 1] = e


def first_received(
    order: Ints,
    offsets: Ints,
    num: Ints,
    day: Ints,
    p1: Ints,
    received: int,
    nat: int,
    shift: int,
    era: Ints,
) -> None:
    """Per case, the date that chooses its rules: the confirmation date of its first
    ``received`` event (the last one written on that day), else that event's date; ``nat``
    when it has none. Events in replay order (``order``, ``offsets`` of :func:`sort_events`),
    their dates less ``shift`` days; ``era`` in epoch days."""
    for c in range(len(offsets) - 1):
        first = nat
        e = nat
        for k in range(offsets[c], offsets[c + 1]):
            i = order[k]
            if num[i] != received:
                continue
            if first == nat or day[i] < first:
                first = day[i]
            elif day[i] > first:
                continue
            e = p1[i] if p1[i] != NONE else day[i]
        era[c] = e + shift if e != nat else nat


def gather_events(
    take: Ints,
    num: Ints,
    day: Ints,
    p0: Ints,
    p1: Ints,
    p2: Ints,
    d0: Ints,
    d1: Ints,
    d2: Ints,
    shift: int,
    etype: Ints,
    edate: Ints,
    ep0: Ints,
    ep1: Ints,
    ep2: Ints,
) -> None:
    """Events ``take`` as the core reads them: dates (and date parameters, ``d*`` set) moved by
    ``shift`` days (from epoch days to the calendar's day indices)."""
    for j in range(len(take)):
        i = take[j]
        etype[j] = num[i]
        edate[j] = day[i] - shift
        ep0[j] = p0[i] - shift if d0[i] else p0[i]
        ep1[j] = p1[i] - shift if d1[i] else p1[i]
        ep2[j] = p2[i] - shift if d2[i] else p2[i]


def finding_keys(
    fcode: Ints, f0: Ints, nf: Ints, extra_nums: Ints, extra_bits: Ints, prow: Ints, keys: Ints
) -> int:
    """Each case's finding codes (``fcode[f0[j] … f0[j]+nf[j]-1]``, then ``extra_nums[q]`` for
    every bit ``q`` set in ``extra_bits[j]``) and its rules row as one integer: base-64 digits
    (problem numbers are 1 … 63, so no digit is 0), then ``prow`` times 1024. Returns the most
    codes of any case; more than 8 do not fit (the caller keys the cases another way then)."""
    most = 0
    for j in range(len(keys)):
        k = 0
        count = nf[j]
        if count > 8:
            return int(count)
        for q in range(count):
            k = k * 64 + fcode[f0[j] + q]
        bits = extra_bits[j]
        for q in range(len(extra_nums)):
            if (bits >> q) & 1:
                k = k * 64 + extra_nums[q]
                count += 1
        if count > 8:
            return int(count)
        if count > most:
            most = count
        keys[j] = k * 1024 + prow[j]
    return most


def collect_plain(
    out: Ints,
    fstart: Ints,
    fcode: Ints,
    prow: Ints,
    shift: int,
    nat: int,
    extra_bits: int,
    extra_nums: Ints,
    due: Ints,
    status: Ints,
    on_time: Ints,
    remaining: Ints,
    late: Ints,
    table_keys: Ints,
    table_slot: Ints,
    uniq: Ints,
    index: Ints,
) -> int:
    """The result columns of computed cases whose calendar knows every day they need, in one
    pass over the core's outputs ``out`` (cases × NOUT): ``due`` in epoch days (``nat``:
    none), ``status``, ``on_time`` (-1 none, 0, 1), ``remaining`` and ``late`` (``nat``: none),
    and each case's findings as an index into ``uniq``, the distinct keys of
    :func:`finding_keys` (a projected calendar adds ``extra_nums[0]``; bits of ``extra_bits``
    add the others). ``table_keys`` (all -1, a power of two long) and ``table_slot`` are a
    small hash table. Returns how many distinct keys there are, or -1 when a case has more
    than 8 codes or there are more distinct keys than ``uniq`` holds (the caller then goes the
    long way)."""
    size = len(table_keys)
    nu = 0
    for j in range(len(prow)):
        d = out[j, O_DUE]
        due[j] = d + shift if d > NONE and d < INF else nat
        status[j] = out[j, O_STATUS]
        t = out[j, O_ON_TIME]
        on_time[j] = -1 if t < 0 else (1 if t == 1 else 0)
        r = out[j, O_REMAINING]
        remaining[j] = nat if r == NONE else r
        lt = out[j, O_LATE]
        late[j] = nat if lt == NONE else lt
        bits = extra_bits
        if out[j, O_FLAGS] & PROJECTED:
            bits |= 1
        nf = out[j, O_NFIND]
        count = nf
        for q in range(len(extra_nums)):
            if (bits >> q) & 1:
                count += 1
        if count > 8:
            return -1
        k = 0
        f0 = fstart[j]
        for q in range(nf):
            k = k * 64 + fcode[f0 + q]
        for q in range(len(extra_nums)):
            if (bits >> q) & 1:
                k = k * 64 + extra_nums[q]
        k = k * 1024 + prow[j]
        h = (k ^ (k >> 13) ^ (k >> 31)) & (size - 1)
        while True:
            tk = table_keys[h]
            if tk == k:
                index[j] = table_slot[h]
                break
            if tk == -1:
                if nu >= len(uniq):
                    return -1
                table_keys[h] = k
                table_slot[h] = nu
                uniq[nu] = k
                index[j] = nu
                nu += 1
                break
            h = (h + 1) & (size - 1)
    return nu


def era_rows(era: Ints, members: Ints, edges: Ints, which: Ints, first: Ints) -> None:
    """Per member ``i``, the era its date ``era[members[i]]`` falls in (``which[i]``: how many
    of the sorted ``edges`` are on or before it, as ``np.searchsorted(..., side="right")``
    gives), and per era the first member in it (``first[w]``, -1: none; ``len(edges) + 1``
    entries)."""
    for w in range(len(first)):
        first[w] = -1
    ne = len(edges)
    for i in range(len(members)):
        d = era[members[i]]
        lo = 0
        hi = ne
        while lo < hi:
            mid = (lo + hi) // 2
            if edges[mid] <= d:
                lo = mid + 1
            else:
                hi = mid
        which[i] = lo
        if first[lo] < 0:
            first[lo] = i


KERNELS = (
    "run_cases",
    "era_rows",
    "merge_bounds_into",
    "sort_events",
    "wide_events",
    "first_received",
    "gather_events",
    "finding_keys",
    "collect_plain",
)
