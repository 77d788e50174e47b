"""Tables of request cases at once: the case engine's semantics, vectorised over the workday index.

One row per case. Input columns (only ``received`` is required; see ``docs/batch.md``):

=========================== ===============================================================
``id``                      passed through
``profile``                 profile id (default: the ``profile`` argument, ``national``)
``received``, ``channel``,  the ``received`` event; ``confirmed`` for letter, online and fax
``confirmed``
``correction_requested``,   one correction cycle
``correction_received``
``consultation_started``,   one consultation; ``consultation_party`` is ``third_party``
``consultation_ended``,     (default) or ``agency``
``consultation_party``
``suspended``, ``resumed``, one suspension; a reason is required
``suspension_reason``
``extension``,              the date an extension was granted and its workdays (default: max)
``extension_workdays``
``delay_set``,              条例第三十五条
``delay_until``
``answered``                the answer date
=========================== ===============================================================

Output: the same rows, in the same order, with ``due``, ``status``, ``on_time``,
``remaining_workdays``, ``warnings`` and ``error`` added (existing columns of those names are
replaced). A row that cannot be computed keeps its place and gets its reason in ``error``.

A row's events happen in date order; events on the same day happen in the column order above.
This is exactly what :class:`gkdeadline.case.Case` computes for the same events in that order —
the test suite checks the two agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.batch import NAT, OK, add_masked, between_masked
from gkdeadline.calendar import Calendar, YearSchedule, today
from gkdeadline.calendar.index import EPOCH_ORDINAL
from gkdeadline.case import (
    ANSWERED_WITHOUT_DUE,
    CHANNEL_ITEM,
    PARTY_TOPIC,
    PROJECTED_WARNING,
    late_correction_warning,
    late_letter_warning,
    no_basis_warning,
    remaining_unknown_warning,
)
from gkdeadline.errors import GkDeadlineError, InputError
from gkdeadline.profiles import NATIONAL, Profile, get_profile

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]

DATE_COLUMNS = (
    "received",
    "confirmed",
    "correction_requested",
    "correction_received",
    "consultation_started",
    "consultation_ended",
    "suspended",
    "resumed",
    "extension",
    "delay_set",
    "delay_until",
    "answered",
)
TEXT_COLUMNS = ("id", "profile", "channel", "consultation_party", "suspension_reason")
INT_COLUMNS = ("extension_workdays",)
_STATUS = np.array(
    ["running", "overdue", "paused", "awaiting_correction", "answered"], dtype=object
)
_NEVER = np.iinfo(np.int64).max - 1  # a cutoff after every event
# result columns; "error" last because it is filled from the others
OUTPUT_COLUMNS = ("due", "status", "on_time", "remaining_workdays", "warnings", "error")
CHANNELS = ("in_person", "post", "letter", "online", "fax")
PARTIES = ("third_party", "agency")
# event columns in their same-day order; delay_until is a value, not an event
EVENT_ORDER = (
    "received",
    "correction_requested",
    "correction_received",
    "consultation_started",
    "consultation_ended",
    "suspended",
    "resumed",
    "extension",
    "delay_set",
    "answered",
)


# ----------------------------------------------------------------------------- columns


@dataclass
class Columns:
    """The input as numpy arrays: dates as int64 epoch days (``NAT`` when missing)."""

    n: int
    dates: dict[str, I64]
    text: dict[str, S]
    ints: dict[str, I64]
    int_present: dict[str, B]
    error: S  # per-row error text from parsing (None when fine)


def _to_arrow(table: Any) -> Any:
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    mod = type(table).__module__
    if mod.startswith("pandas"):
        return pa.Table.from_pandas(table, preserve_index=False)
    if mod.startswith("polars"):
        return table.to_arrow()
    if isinstance(table, Mapping):
        return pa.table(
            {k: list(v) if not isinstance(v, np.ndarray) else v for k, v in table.items()}
        )
    raise InputError(
        f"cannot read a {type(table).__name__} as a table of cases; pass a pandas or polars"
        " DataFrame, a pyarrow Table, or a dict of columns"
    )


def read_columns(table: Any) -> Columns:
    """Pull the known columns out of any supported table, parsing dates per row."""
    import pyarrow as pa
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow
    t = _to_arrow(table)
    n = t.num_rows
    if "received" not in t.column_names:
        raise InputError(
            f"the table has no 'received' column (columns: {', '.join(t.column_names) or 'none'});"
            " one row per case needs at least the date the request was received"
        )
    error = np.full(n, None, dtype=object)
    dates: dict[str, I64] = {}
    for name in DATE_COLUMNS:
        if name not in t.column_names:
            dates[name] = np.full(n, NAT, dtype=np.int64)
            continue
        col = t.column(name)
        if pa.types.is_timestamp(col.type):
            col = pc.cast(col, pa.date32())
        if pa.types.is_date(col.type):
            days = col.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
            dates[name] = days.astype(np.int64)
            continue
        text = pc.utf8_trim_whitespace(col.cast(pa.string()))
        empty = pc.or_kleene(pc.is_null(text), pc.equal(text, "")).fill_null(True)
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        exact = pc.equal(pc.utf8_length(text), 10).fill_null(False)  # no times, no short forms
        good = pc.and_(pc.invert(pc.is_null(parsed)), exact).to_numpy(zero_copy_only=False)
        is_empty = empty.to_numpy(zero_copy_only=False)
        days = pc.cast(parsed, pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        arr = np.where(good, days.astype(np.int64), NAT)
        bad = ~good & ~is_empty
        if bad.any():
            raw = text.to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(bad & (error == None)):  # noqa: E711  (object array)
                error[i] = f"{name}: {raw[i]!r} is not a date; write it as YYYY-MM-DD"
        dates[name] = arr
    text_cols: dict[str, S] = {}
    for name in TEXT_COLUMNS:
        if name in t.column_names:
            values = t.column(name).cast(pa.string()).to_numpy(zero_copy_only=False)
            text_cols[name] = np.array(
                [None if v in (None, "") else v for v in values], dtype=object
            )
        else:
            text_cols[name] = np.full(n, None, dtype=object)
    ints: dict[str, I64] = {}
    present: dict[str, B] = {}
    for name in INT_COLUMNS:
        if name not in t.column_names:
            ints[name], present[name] = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
            continue
        col = t.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            stripped = pc.utf8_trim_whitespace(col)
            col = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)
        try:
            as_float = pc.cast(col, pa.float64(), safe=False)
        except pa.ArrowInvalid:
            raw = col.to_numpy(zero_copy_only=False)
            as_float = pa.array([_number(v) for v in raw], type=pa.float64())
        values = as_float.to_numpy(zero_copy_only=False)
        isnull = pc.is_null(as_float).to_numpy(zero_copy_only=False)
        finite = ~isnull & ~np.isnan(np.where(isnull, 0.0, values))
        whole = finite & (np.where(finite, values, 0.0) == np.round(np.where(finite, values, 0.0)))
        raw_missing = pc.is_null(col).to_numpy(zero_copy_only=False)
        bad = ~whole & ~raw_missing
        for i in np.flatnonzero(bad & (error == None)):  # noqa: E711
            error[i] = f"{name}: {col[int(i)].as_py()!r} is not a whole number of workdays"
        ints[name] = np.where(whole, np.where(whole, values, 0).astype(np.int64), 0)
        present[name] = whole
    return Columns(n, dates, text_cols, ints, present, error)


def _number(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return float("nan")


# ----------------------------------------------------------------------------- kernel


@dataclass
class _Group:
    """The rows of one profile, and the arrays the kernel works on."""

    profile: Profile
    cal: Calendar
    rows: I64
    col: Columns


def _or_none(mask: B, values: npt.NDArray[Any]) -> S:
    """``values`` where ``mask`` holds, else None (an object column)."""
    out = np.full(mask.shape, None, dtype=object)
    out[mask] = values[mask]
    return out


def _coverage(cal: Calendar, unknown: I64, i: int) -> str:
    return str(cal.coverage_error(int(unknown[i])))


def _const(text: str, i: int) -> str:
    return text


def _before_receipt(name: str, v: I64, receipt: I64, i: int) -> str:
    return f"{name} {_day_str(v[i])} is before the statutory receipt date {_day_str(receipt[i])}"


def _after_answer(name: str, ans: I64, i: int) -> str:
    return f"{name}: the case was answered on {_day_str(ans[i])}; no events may follow"


def _day(d: Any) -> date:
    return date.fromordinal(int(d) + EPOCH_ORDINAL)


def _day_str(d: Any) -> str:
    return _day(d).isoformat()


class _Errors:
    """First error per row wins; later checks never overwrite an earlier reason."""

    def __init__(self, initial: S) -> None:
        self.text = initial
        self._ok: B = np.asarray(initial == None, dtype=bool)  # noqa: E711

    def add(self, mask: B, message: Callable[[int], str]) -> None:
        idx = np.flatnonzero(mask & self._ok)
        for i in idx:
            self.text[i] = message(int(i))
        self._ok[idx] = False

    def take(self, rows: I64, part: _Errors) -> None:
        """Adopt the errors a group computed for ``rows``."""
        self.text[rows] = part.text
        self._ok[rows] = part._ok

    @property
    def ok(self) -> B:
        return self._ok.copy()


def _skipping(
    cal: Calendar, start: I64, n: I64, spans: list[tuple[I64, I64, B]]
) -> tuple[I64, I64, B]:
    """``periods._add_workdays_skipping`` vectorised, for spans sorted and merged per row."""
    cursor, remaining = start.copy(), n.copy()
    unknown = np.full(start.shape, OK, dtype=np.int64)
    projected = np.zeros(start.shape, dtype=bool)
    for first, last, has in spans:
        active = has & (last > cursor)
        begins = active & (first <= cursor + 1)
        cursor = np.where(begins, last, cursor)
        later = active & ~begins
        cand, u1, p1 = add_masked(cal, cursor, remaining)
        hits = later & (cand >= first)
        used, u2, p2 = between_masked(cal, cursor, first - 1)
        unknown = np.minimum(unknown, np.where(later, u1, OK))
        unknown = np.minimum(unknown, np.where(hits, u2, OK))
        projected |= (later & p1) | (hits & p2)
        remaining = np.where(hits, remaining - used, remaining)
        cursor = np.where(hits, last, cursor)
    result, u3, p3 = add_masked(cal, cursor, remaining)
    return result, np.minimum(unknown, u3), projected | p3


def _merge(a: tuple[I64, I64, B], b: tuple[I64, I64, B]) -> list[tuple[I64, I64, B]]:
    """Two optional spans per row → at most two sorted, non-overlapping ones."""
    (f1, l1, h1), (f2, l2, h2) = a, b
    swap = h2 & (~h1 | (f2 < f1))
    fa, la, ha = np.where(swap, f2, f1), np.where(swap, l2, l1), np.where(swap, h2, h1)
    fb, lb, hb = np.where(swap, f1, f2), np.where(swap, l1, l2), np.where(swap, h1, h2)
    overlap = ha & hb & (fb <= la + 1)
    la = np.where(overlap, np.maximum(la, lb), la)
    return [(fa, la, ha), (fb, lb, hb & ~overlap)]


def _rule_arrays(profile: Profile, days: I64, present: B, topic: str) -> tuple[I64, list[Any]]:
    """Per row, the index into a list of rules in force on that day (-1: none).

    Which rule applies changes only on the effective dates of the rules involved, so the
    lookup is a ``searchsorted`` over those few dates, not a call per row.
    """
    idx = np.full(days.shape, -1, dtype=np.int64)
    rules: list[Any] = []
    if not present.any():
        return idx, rules
    involved = []
    chain: Profile | None = profile
    while chain is not None:
        involved += [r for r in chain.rules if r.topic == topic]
        chain = chain.fallback()
    points = {date(1900, 1, 1)}
    for r in involved:
        if r.effective_from is not None:
            points.add(r.effective_from)
        if r.effective_to is not None and r.effective_to < date.max:
            points.add(date.fromordinal(r.effective_to.toordinal() + 1))
    starts = sorted(points)
    at_point = []
    for p in starts:
        found = profile.rule_for(topic, p)
        if found is not None and found not in rules:
            rules.append(found)
        at_point.append(rules.index(found) if found is not None else -1)
    edges = np.asarray([p.toordinal() - EPOCH_ORDINAL for p in starts], dtype=np.int64)
    k = np.searchsorted(edges, days[present], side="right") - 1
    idx[present] = np.asarray(at_point, dtype=np.int64)[np.maximum(k, 0)]
    return idx, rules


def _amounts(idx: I64, rules: list[Any]) -> I64:
    table = np.asarray([r.duration.amount for r in rules] + [0], dtype=np.int64)
    return table[np.where(idx >= 0, idx, len(rules))]


def _compute(
    g: _Group, cutoff: int, as_of: int, strict: B, errors: _Errors, out: dict[str, Any]
) -> None:
    """Fill ``out`` (full-length arrays) for the rows of one profile group.

    Events after ``cutoff`` are treated as not having happened; ``as_of`` is the status date.
    Where ``strict`` is False the pass only validates events (as ``Case.add`` does): a final
    deadline the calendar cannot compute is not an error there.
    """
    c, cal, profile = g.col, g.cal, g.profile
    rows = g.rows
    err = _Errors(errors.text[rows])

    def d(name: str) -> I64:
        return c.dates[name][rows]

    def has(arr: I64) -> B:
        present: B = arr != NAT
        return present

    channel = c.text["channel"][rows]
    channel = np.where(channel == None, "in_person", channel)  # noqa: E711
    received, confirmed = d("received"), d("confirmed")
    err.add(~has(received), lambda i: "received: the date the request was received is missing")
    bad_channel = ~np.isin(channel, CHANNELS)
    err.add(bad_channel, lambda i: f"channel: {channel[i]!r} is not one of {', '.join(CHANNELS)}")
    needs_conf = np.isin(channel, ("letter", "online", "fax"))
    err.add(
        needs_conf & ~has(confirmed),
        lambda i: (
            f"event 0 (received): channel {channel[i]!r} needs 'confirmed': the receipt date is"
            f" the date of confirmation (条例第三十一条{CHANNEL_ITEM.get(str(channel[i]), '')})"
        ),
    )
    err.add(
        ~needs_conf & ~bad_channel & has(confirmed),
        lambda i: (
            f"event 0 (received): 'confirmed' applies to letter, online and fax, not {channel[i]!r}"
        ),
    )
    err.add(
        has(confirmed) & has(received) & (confirmed < received),
        lambda i: (
            f"event 0 (received): confirmed {_day_str(confirmed[i])} is before the request arrived"
        ),
    )
    receipt = np.where(has(confirmed), confirmed, received)
    err.add(
        has(receipt) & (receipt > as_of),
        lambda i: (
            f"as-of date {_day_str(as_of)} is before the request was received ({_day_str(receipt[i])})"
        ),
    )
    # events after the cutoff have not happened yet
    ev = {name: d(name) for name in EVENT_ORDER if name != "received"}
    ev = {k: np.where(v > cutoff, NAT, v) for k, v in ev.items()}
    until = np.where(has(ev["delay_set"]), d("delay_until"), NAT)
    for name, v in ev.items():
        err.add(has(v) & has(receipt) & (v < receipt), partial(_before_receipt, name, v, receipt))
    ans = ev["answered"]
    for name, v in ev.items():
        if name != "answered":
            err.add(has(v) & has(ans) & (v > ans), partial(_after_answer, name, ans))
    cr_req, cr_rec = ev["correction_requested"], ev["correction_received"]
    err.add(
        has(cr_rec) & (~has(cr_req) | (cr_rec < cr_req)),
        lambda i: (
            "correction_received: no correction was requested before it; record correction_requested first"
        ),
    )
    cs, ce = ev["consultation_started"], ev["consultation_ended"]
    party = c.text["consultation_party"][rows]
    party = np.where(party == None, "third_party", party)  # noqa: E711
    err.add(
        (has(cs) | has(ce)) & ~np.isin(party, PARTIES),
        lambda i: f"consultation_party: {party[i]!r} is not one of third_party, agency",
    )
    err.add(
        has(ce) & (~has(cs) | (ce < cs)),
        lambda i: "consultation_ended: no open consultation; record consultation_started first",
    )
    sus, res = ev["suspended"], ev["resumed"]
    err.add(
        has(res) & (~has(sus) | (res < sus)),
        lambda i: "resumed: the period is not suspended; record suspended first",
    )
    reason = c.text["suspension_reason"][rows]
    err.add(has(sus) & (reason == None), lambda i: "suspended: suspension_reason is required")  # noqa: E711
    ext = ev["extension"]
    ext_given = c.int_present["extension_workdays"][rows]
    ext_n_given = c.ints["extension_workdays"][rows]
    raw_ext_given = ext_given & has(d("extension"))
    err.add(
        ext_given & ~has(d("extension")),
        lambda i: "extension_workdays: given without an extension date",
    )
    err.add(raw_ext_given & (ext_n_given < 1), lambda i: "extension_workdays: must be at least 1")
    err.add(
        has(d("delay_until")) & ~has(d("delay_set")),
        lambda i: "delay_until: given without a delay_set date",
    )
    dl = ev["delay_set"]
    err.add(has(dl) & ~has(until), lambda i: "delay_set: delay_until is required")
    err.add(
        has(dl) & has(until) & (until <= dl),
        lambda i: f"delay_set: 'until' {_day_str(until[i])} must be after the event date",
    )

    # ------------------------------------------------------------------ rules by receipt date
    ok = err.ok & has(receipt)
    reply_idx, reply_rules = _rule_arrays(profile, receipt, ok, "request.reply")
    err.add(
        ok & (reply_idx < 0),
        lambda i: f"profile {profile.id} has no rule for request.reply in force",
    )
    ext_idx, ext_rules = _rule_arrays(profile, receipt, ok & has(ext), "request.extension")
    err.add(
        ok & has(ext) & (ext_idx < 0),
        lambda i: f"extension: profile {profile.id} has no rule for request.extension in force",
    )
    delay_idx, _ = _rule_arrays(profile, receipt, ok & has(dl), "request.delay")
    err.add(
        ok & has(dl) & (delay_idx < 0),
        lambda i: (
            f"delay_set: profile {profile.id} has no rule for request.delay in force on {_day_str(receipt[i])}"
        ),
    )
    party_n = np.zeros(len(rows), dtype=np.int64)
    for p in PARTIES:
        sel = ok & has(cs) & (party == p)
        pidx, prules = _rule_arrays(profile, cs, sel, PARTY_TOPIC[p])
        missing = f"consultation_started: profile {profile.id} has no rule for {PARTY_TOPIC[p]}"
        err.add(sel & (pidx < 0), partial(_const, missing))
        if prules:
            party_n = np.where(sel & (pidx >= 0), _amounts(pidx, prules), party_n)
    reply_n = _amounts(reply_idx, reply_rules)
    ext_max = _amounts(ext_idx, ext_rules) if ext_rules else np.zeros(len(rows), dtype=np.int64)
    ext_n = np.where(ext_given, ext_n_given, ext_max)
    err.add(
        ok & has(ext) & (ext_idx >= 0) & (ext_n > ext_max),
        lambda i: (
            f"extension: {ext_n[i]} workdays exceeds the maximum extension of {ext_max[i]} workdays"
        ),
    )

    # ------------------------------------------------------------------ spans and the clock
    checked = np.full(len(rows), OK, dtype=np.int64)  # needed to validate the events
    unknown = np.full(len(rows), OK, dtype=np.int64)  # needed for the final deadline
    projected = np.zeros(len(rows), dtype=bool)
    limit, u_lim, p_ = add_masked(
        cal, np.where(has(cs), cs, receipt), np.where(has(cs), party_n, 0)
    )
    lim_unknown = has(cs) & (u_lim != OK)  # the party's own deadline is beyond the calendar
    projected |= has(cs) & ~lim_unknown & p_
    capped = np.where(lim_unknown, ce, np.minimum(ce, limit))  # an ended consultation's last day
    c_last = np.where(has(ce), capped, limit)
    unknown = np.minimum(unknown, np.where(has(cs) & ~has(ce) & lim_unknown, u_lim, OK))
    open_susp = has(sus) & ~has(res)

    def spans_until(t: I64) -> tuple[list[tuple[I64, I64, B]], I64]:
        """The spans as the engine knew them on day ``t`` (same-day order: ended before t)."""
        c_has = has(cs) & (cs <= t)
        ended = has(ce) & (ce <= t)
        last = np.where(ended, capped, limit)
        s_has = has(sus) & has(res) & (res <= t)
        needs = np.where(c_has & ~ended & lim_unknown, u_lim, OK)
        return _merge((cs, last, c_has), (sus, res, s_has)), needs

    final_spans = _merge((cs, c_last, has(cs)), (sus, res, has(sus) & has(res)))
    start = np.where(has(cr_rec), cr_rec, receipt)
    awaiting = has(cr_req) & ~has(cr_rec)

    # extension checks, on the state the engine had on the extension's day
    e = has(ext) & err.ok
    awaiting_at = has(cr_req) & (cr_req <= ext) & (~has(cr_rec) | (cr_rec > ext))
    susp_at = has(sus) & (sus <= ext) & (~has(res) | (res > ext))
    err.add(
        e & (awaiting_at | susp_at),
        lambda i: (
            "extension: there is no running deadline to extend (awaiting correction or suspended)"
        ),
    )
    err.add(
        e & has(dl) & (dl < ext),
        lambda i: (
            "extension: the deadline was set by a delay (第三十五条); it cannot also be extended"
        ),
    )
    e = has(ext) & err.ok
    start_at = np.where(has(cr_rec) & (cr_rec <= ext), cr_rec, receipt)
    at_ext, needs = spans_until(ext)
    due_at, u, p_ = _skipping(cal, np.where(e, start_at, receipt), np.where(e, reply_n, 1), at_ext)
    u = np.minimum(u, needs)
    checked = np.minimum(checked, np.where(e, u, OK))
    err.add(
        e & (u == OK) & (ext > due_at),
        lambda i: (
            f"extension: the deadline {_day_str(due_at[i])} had already passed; an extension must be granted before it"
        ),
    )

    live = err.ok & has(receipt)
    running = live & ~awaiting & ~open_susp
    base, u, p_ = _skipping(
        cal, np.where(running, start, receipt), np.where(running, reply_n, 1), final_spans
    )
    counted = running & ~has(dl)  # a 第三十五条 delay replaces the ordinary period outright
    unknown = np.minimum(unknown, np.where(counted, u, OK))
    projected |= counted & p_
    extended = counted & has(ext)
    due_ext, u, p_ = _skipping(cal, base, np.where(extended, ext_n, 0), final_spans)
    unknown = np.minimum(unknown, np.where(extended, u, OK))
    projected |= extended & p_
    due = np.where(extended, due_ext, base)
    due = np.where(running & has(dl), until, due)
    due = np.where(running, due, NAT)

    first_unknown = np.minimum(checked, np.where(strict, unknown, OK))
    err.add(live & (first_unknown != OK), partial(_coverage, cal, first_unknown))
    live = err.ok & has(receipt)
    due = np.where(live, due, NAT)

    # ------------------------------------------------------------------ status and the rest
    answered = live & has(ans)
    in_span = np.zeros(len(rows), dtype=bool)
    for first, last, h in final_spans:
        in_span |= h & (first <= as_of) & (as_of <= last)
    code = np.where(has(due) & (as_of > due), 1, 0)
    code = np.where(open_susp | in_span, 2, code)
    code = np.where(awaiting, 3, code)
    code = np.where(answered, 4, code)
    status = _STATUS[code]
    on_time = _or_none(answered, np.where(has(due), ans <= due, True))

    # remaining workdays in (as_of, due] minus span days, as the scalar engine counts them
    want = live & ~answered & has(due)
    lo, hi = np.minimum(as_of, due), np.maximum(as_of, due)
    sign = np.where(as_of <= due, 1, -1)
    total, u_rem, p_ = between_masked(cal, np.where(want, lo, 0), np.where(want, hi, 0))
    for first, last, h in final_spans:
        a = np.maximum(first, lo + 1)
        b = np.minimum(last, hi)
        part = want & h & (a <= b)
        inside, u2, _ = between_masked(cal, np.where(part, a - 1, 0), np.where(part, b, 0))
        total = total - np.where(part, inside, 0)
        u_rem = np.minimum(u_rem, np.where(part, u2, OK))
    remaining = _or_none(want & (u_rem == OK), sign * total)

    warnings = _warnings(
        g,
        rows,
        err,
        receipt,
        cr_req,
        channel,
        received,
        confirmed,
        has(sus),
        projected,
        want & (u_rem != OK),
        u_rem,
        answered & ~has(due),
    )

    good = err.ok
    for name, values in (
        ("due", due),
        ("status", _or_none(good, status)),
        ("on_time", _or_none(good, on_time)),
        ("remaining_workdays", _or_none(good, remaining)),
        ("warnings", _or_none(good, warnings)),
    ):
        out[name][rows] = values
    errors.take(rows, err)


def _warnings(
    g: _Group,
    rows: I64,
    err: _Errors,
    receipt: I64,
    cr_req: I64,
    channel: S,
    received: I64,
    confirmed: I64,
    suspended: B,
    projected: B,
    remaining_unknown: B,
    u_rem: I64,
    answered_without_due: B,
) -> S:
    """The scalar engine's compliance warnings, for the cases a one-row schema can express."""
    cal, profile = g.cal, g.profile
    notes: dict[Any, list[str]] = defaultdict(list)  # row position → its warnings
    ok = err.ok
    late_letter = ok & (channel == "letter") & (confirmed != NAT) & (confirmed > received)
    for i in np.flatnonzero(late_letter):
        notes[i].append(late_letter_warning(_day(received[i]), _day(confirmed[i])))
    has_req = ok & (cr_req != NAT)
    nidx, nrules = _rule_arrays(profile, receipt, has_req, "request.correction-notice")
    if nrules:
        notice_due, u, _ = add_masked(cal, receipt, _amounts(nidx, nrules))
        late = has_req & (nidx >= 0) & (u == OK) & (cr_req > notice_due)
        for i in np.flatnonzero(late):
            notice = nrules[int(nidx[i])]
            notes[i].append(late_correction_warning(_day(cr_req[i]), _day(notice_due[i]), notice))
    if (ok & suspended).any():
        ridx, rrules = _rule_arrays(profile, receipt, ok & suspended, "request.reply")
        national = get_profile(NATIONAL)
        for i in np.flatnonzero(ok & suspended & (ridx >= 0)):
            reply = rrules[int(ridx[i])]
            if "suspension" in reply.excludes:
                continue
            nat = national.rule_for(reply.topic, _day(receipt[i]))
            if nat is None or "suspension" not in nat.excludes:
                notes[i].append(no_basis_warning(reply, "suspension"))
    for i in np.flatnonzero(ok & remaining_unknown):
        notes[i].append(remaining_unknown_warning(cal.coverage_error(int(u_rem[i]))))
    for i in np.flatnonzero(ok & answered_without_due):
        notes[i].append(ANSWERED_WITHOUT_DUE)
    for i in np.flatnonzero(ok & projected):
        notes[i].append(PROJECTED_WARNING)
    text = np.full(len(rows), None, dtype=object)
    for row, lines in notes.items():
        text[row] = "\n".join(lines)  # one warning per line
    return text


# ----------------------------------------------------------------------------- entry point


def compute(
    columns: Columns,
    *,
    profile: str = NATIONAL,
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
) -> dict[str, Any]:
    """The output columns for parsed input columns (numpy arrays, one entry per row)."""
    n = columns.n
    day = (as_of or today()).toordinal() - EPOCH_ORDINAL
    errors = _Errors(columns.error.copy())
    out: dict[str, Any] = {name: np.full(n, None, dtype=object) for name in OUTPUT_COLUMNS[1:-1]}
    out["due"] = np.full(n, NAT, dtype=np.int64)
    prof = columns.text["profile"]
    prof = np.where(prof == None, profile, prof)  # noqa: E711
    for pid in np.unique(prof.astype(str)):
        rows = np.flatnonzero(prof == pid)
        try:
            p = get_profile(str(pid))
        except GkDeadlineError as exc:
            errors.add(np.isin(np.arange(n), rows), partial(_const, f"profile: {exc}"))
            continue
        cal = p.calendar(schedules, projection)
        # Like Case: every event is validated, then the status reflects events up to as_of.
        later = np.zeros(len(rows), dtype=bool)
        for name in EVENT_ORDER[1:]:
            v = columns.dates[name][rows]
            later |= (v != NAT) & (v > day)
        _compute(_Group(p, cal, rows, columns), _NEVER, day, ~later, errors, out)
        again = rows[later & errors.ok[rows]]
        if len(again):
            strict = np.ones(len(again), dtype=bool)
            _compute(_Group(p, cal, again, columns), day, day, strict, errors, out)
    ok = errors.ok
    out["due"] = np.where(ok, out["due"], NAT).astype("datetime64[D]")
    out["error"] = errors.text
    return out


def cases(
    table: Any,
    *,
    profile: str = NATIONAL,
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
) -> Any:
    """Add ``due``, ``status``, ``on_time``, ``remaining_workdays``, ``warnings``, ``error``.

    ``table`` is a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
    columns; the result has the same type, the same rows in the same order, and the input's
    columns unchanged. ``as_of`` defaults to today; events after it have not happened yet.
    """
    out = compute(
        read_columns(table),
        profile=profile,
        as_of=as_of,
        schedules=schedules,
        projection=projection,
    )
    return attach(table, out)


def attach(table: Any, out: dict[str, Any]) -> Any:
    """The input table with the output columns added (replacing any of the same names)."""
    import pyarrow as pa

    arrays: dict[str, Any] = {
        "due": pa.array(out["due"], type=pa.date32()),
        "status": pa.array(out["status"], type=pa.string()),
        "on_time": pa.array(out["on_time"], type=pa.bool_()),
        "remaining_workdays": pa.array(out["remaining_workdays"], type=pa.int64()),
        "warnings": pa.array(out["warnings"], type=pa.string()),
        "error": pa.array(out["error"], type=pa.string()),
    }
    mod = type(table).__module__
    if mod.startswith("pandas"):
        result = table.copy()
        for name, arr in arrays.items():
            column = arr.to_pandas(types_mapper=_pandas_types())
            column.index = result.index  # by position: the input's index may be anything
            result[name] = column
        return result
    if mod.startswith("polars"):
        import polars as pl

        columns: list[Any] = [pl.Series(name, arr) for name, arr in arrays.items()]
        return table.with_columns(columns)
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if isinstance(table, pa.Table):
        for name, arr in arrays.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, arr)
        return table
    result_dict = dict(table)
    for name, arr in arrays.items():
        result_dict[name] = arr.to_numpy(zero_copy_only=False)
    return result_dict


def _pandas_types() -> Callable[[Any], Any]:
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.bool_(): pd.BooleanDtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.string(): pd.StringDtype(),
    }
    return mapping.get


def summary(result: Any) -> dict[str, int]:
    """``{"rows": …, "computed": …, "errors": …}`` for a result of :func:`cases`."""
    import pyarrow as pa

    t = (
        _to_arrow(result)
        if not isinstance(result, Mapping)
        else pa.table({"error": result["error"]})
    )
    errors = t.num_rows - t.column("error").null_count
    return {"rows": t.num_rows, "computed": t.num_rows - errors, "errors": errors}


def dask_cases(frame: Any, **kw: Any) -> Any:
    """:func:`cases` on every partition of a ``dask.dataframe.DataFrame`` (lazily).

    ``as_of`` is fixed once here (default today) so every partition uses the same date.
    """
    kw.setdefault("as_of", today())
    meta = cases(frame._meta, **kw)
    return frame.map_partitions(cases, meta=meta, **kw)
