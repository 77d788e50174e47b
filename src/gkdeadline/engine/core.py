"""The case engine's one core: replay a request's events under its rules, on a calendar.

This is the only place where the meaning of a case's events is computed. It is plain Python over
integers so that the scalar engine (:class:`gkdeadline.case.Case`) runs it as it is, and the
batch engine (:mod:`gkdeadline.batch_cases`) runs the very same code compiled by numba
(:mod:`gkdeadline.jit`) — the two cannot drift apart. Keep to what numba compiles: integers,
indexing, loops, tuples; no objects, strings, dictionaries or exceptions.

Inputs, all integers (dates are relative day indices on the calendar, see
:mod:`gkdeadline.calendar.kernels`):

* the calendar's arrays ``cum, ords, ucum, pcum``;
* one case's events, sorted by (date, same-day rank, input order): ``etype`` (event numbers from
  :mod:`gkdeadline.events`), ``edate``, and three parameters ``ep0, ep1, ep2`` each (what they
  hold is the event spec's ``params``), for positions ``e0 … e1-1``;
* the rules as a parameter row ``P[prow*NP : (prow+1)*NP]`` (:mod:`gkdeadline.engine.params`
  builds it from the profile's rules in force on the receipt date: nothing legal is decided here
  that the rules do not say);
* ``cutoff``: events after it have not happened; ``as_of``: the day the status is asked for;
  ``steps``: 1 to compute the deadline after every event (the trail), 0 to skip it.

Outputs go into caller-provided buffers: the case's result fields ``out[o0 + O_*]``, one deadline
per event (``S``: rows ``STEP_DUE`` / ``STEP_INFO``), the findings (``F``: rows problem number, event
position, two arguments), and the spans (``SP``, for the timeline and the explanation).

Buffers that belong together are the rows of one two-dimensional buffer (``S``, ``F``, ``SP``,
and the scratch ``W``): a list of lists on the scalar path, a C-contiguous 2-D array on the
compiled one, where ``X[r]`` is the row itself in both. Why: a call between compiled functions
passes every array as seven machine words, and the replay and its helpers took 35 arrays — that
copying was about a quarter of a batch case's time.
"""

from __future__ import annotations

from typing import Any

from gkdeadline.calendar.kernels import (
    EXACT,
    PROJECTED,
    UNKNOWN,
    add_workdays,
    is_workday,
    roll_forward,
)
from gkdeadline.events import event_num
from gkdeadline.problems import num

Ints = Any  # list[int] on the scalar path, an int64 numpy array on the compiled path

NONE = -(1 << 40)  # "no date"
NO_SPAN = 1 << 40  # "no span has ended early" (larger than any span index)
INF = 1 << 40  # the open end of a span that has not ended

# ----------------------------------------------------------------------------- events
EV_RECEIVED = event_num("received")
EV_CORR_REQ = event_num("correction_requested")
EV_CORR_SET = event_num("correction_deadline_set")
EV_CORR_REC = event_num("correction_received")
EV_CONS_START = event_num("consultation_started")
EV_CONS_END = event_num("consultation_ended")
EV_SUSPENDED = event_num("suspended")
EV_RESUMED = event_num("resumed")
EV_FEE_NOTIFIED = event_num("fee_notified")
EV_FEE_PAID = event_num("fee_paid")
EV_FEE_LAPSED = event_num("fee_lapsed")
EV_EXTENSION = event_num("extension")
EV_DELAY = event_num("delay_set")
EV_ANSWERED = event_num("answered")
EV_DELIVERED = event_num("delivered")
EV_WITHDRAWN = event_num("withdrawn")
EV_ABANDONED = event_num("abandoned")
EV_REANSWER = event_num("reanswer_ordered")

# ----------------------------------------------------------------------------- span kinds
K_THIRD = 1  # consultation.third_party
K_AGENCY = 2  # consultation.agency
K_SUSPENSION = 4
K_CORRECTION = 8
K_FEE = 16

# ----------------------------------------------------------------------------- rule parameters
P_REPLY_N = 0  # the reply period, workdays
P_EXCL = 1  # span kinds that do not count (bit mask of K_*)
P_RESTART = 2  # events that restart the period (bit mask of 1 << event number)
P_EXT_MAX = 3  # extension cap in workdays; -1: no extension rule in force
P_EXT_SURVIVES = 4  # an extension carries over a restart (0/1)
P_CORR_NOTICE_N = 5  # correction-notice period, workdays; -1: none
P_CORR_ONCE = 6  # the correction must be requested once (一次性告知) (0/1)
P_PARTY_THIRD = 7  # the third party's own period, workdays; -1: none
P_PARTY_AGENCY = 8  # the consulted agency's own period, workdays; -1: none
P_DELAY_OK = 9  # a 第三十五条-style delay rule is in force (0/1)
P_FEE_N = 10  # fee payment period, workdays; -1: no fee rule
P_MET_BY = 11  # 0: the answer date meets the period; 1: the delivery date
P_SERIOUS = 12  # seriously-overdue threshold, workdays late; -1: none
P_CH_MODE = 13  # 6 channels: -1 not provided, 0 the event date, 1 the confirmation date
P_CH_SAME_DAY = 19  # 6 channels: confirmation must be the same day (0/1)
NP = 25

# ----------------------------------------------------------------------------- outputs
O_ERROR = 0  # problem number of the first impossible fact, 0: none
O_ERROR_EVENT = 1  # its event position (relative to e0), -1: the case as a whole
O_ERROR_ARG = 2
O_RECEIPT = 3
O_START = 4  # the day the (last) reply period started
O_DUE = 5
O_FLAGS = 6  # EXACT / PROJECTED / UNKNOWN, or-ed over everything computed
O_STATUS = 7
O_ON_TIME = 8  # -1 not answered, 0 late, 1 on time
O_REMAINING = 9  # countable workdays in (as_of, due], NONE when not applicable
O_LATE = 10  # workdays late (answer or as_of after due), NONE when not late
O_ANSWERED = 11
O_DELIVERED = 12
O_VERDICT = 13  # 0: verdict on the answer date, 1: on the delivery date
O_CLOSED = 14  # the day the case closed, NONE if open
O_NFIND = 15
O_NSPAN = 16
O_EXT = 17  # workdays of extension in effect
O_OUTCOME = 18
O_REANSWER = 19  # 1 if a re-answer was ordered and is the current period
NOUT = 20

# statuses (gkdeadline.engine.result.STATUSES lists their names in this order)
S_RUNNING = 0
S_PAUSED = 1
S_AWAITING_CORRECTION = 2
S_AWAITING_FEE = 3
S_ANSWERED = 4
S_ANSWERED_LATE = 5
S_OVERDUE = 6
S_SERIOUSLY_OVERDUE = 7
S_WITHDRAWN = 8
S_ABANDONED = 9
S_PENDING = 10  # set by merge_bounds: the status depends on days not yet published

# step_info: what an event did, for the explanation
I_NONE = 0
I_VOID = 1  # recorded, but it changes nothing (a late extension, an event after closing)
I_RESTART = 2
I_CAPPED = 3  # an extension cut to its cap
I_NOT_COUNTED = 4  # a span recorded without a basis: its time counts
I_BY_DELAY = 5
I_LATE_REPLY = 6  # the consulted party replied after its own period

# problems
E_MISSING_RECEIVED = num("missing-received")
E_DUPLICATE_RECEIVED = num("duplicate-received")
E_BEFORE_RECEIPT = num("event-before-receipt")
E_CONFIRMED_BEFORE = num("confirmed-before-arrival")
E_MISSING_CONFIRMATION = num("missing-confirmation")
E_CONFIRMATION_NA = num("confirmation-not-applicable")
E_CORRECTION_WITHOUT_REQUEST = num("correction-without-request")
E_CONS_END_WITHOUT_START = num("consultation-end-without-start")
E_RESUMED_WITHOUT_SUSPENSION = num("resumed-without-suspension")
E_FEE_PAID_WITHOUT_NOTICE = num("fee-paid-without-notice")
E_FEE_LAPSED_WITHOUT_NOTICE = num("fee-lapsed-without-notice")
E_UNTIL_NOT_AFTER = num("until-not-after-date")
E_AS_OF_BEFORE_RECEIPT = num("as-of-before-receipt")
E_CHANNEL = num("channel-not-provided")
E_DELIVERED = num("delivered-before-answer")
E_DURATION = num("duration-invalid")
F_LATE_CORRECTION_NOTICE = num("late-correction-notice")
F_SECOND_CORRECTION = num("second-correction-request")
F_LATE_LETTER = num("late-letter-confirmation")
F_EXT_AFTER_DEADLINE = num("extension-after-deadline")
F_SECOND_EXTENSION = num("second-extension")
F_EXT_CAP = num("extension-exceeds-cap")
F_EXT_NO_BASIS = num("extension-without-basis")
F_EXT_NOT_RUNNING = num("extension-while-not-running")
F_DELAY_AFTER_DEADLINE = num("delay-after-deadline")
F_DELAY_NO_BASIS = num("delay-without-basis")
F_DELAY_NOT_RUNNING = num("delay-while-not-running")
F_ANSWERED_LATE = num("answered-late")
F_NO_BASIS = num("no-basis-for-span")
F_AFTER_CLOSE = num("event-after-close")
F_SUSPENSION_NO_REASON = num("suspension-without-reason")
F_OVERDUE = num("overdue")
N_CONS_LATE = num("consultation-reply-late")
N_CORRECTION_LAPSED = num("correction-lapsed")
N_FEE_LAPSED = num("fee-lapsed")
N_CORRECTION_LATE = num("correction-after-period")
N_PARTY_ASSUMED = num("party-receipt-assumed")
N_ANSWERED_PAUSED = num("answered-while-paused")
N_SERIOUS = num("seriously-overdue")
N_WITHDRAWN = num("withdrawn")

# no-basis-for-span's argument: which kind of span (gkdeadline.engine.result names them)
WHAT_CONSULT_THIRD = 1
WHAT_CONSULT_AGENCY = 2
WHAT_SUSPENSION = 3


# ============================================================================= spans and blocks
#
# Spans that do not count are kept as sorted, disjoint *blocks* with prefix sums of the workdays
# inside them, so the deadline after every event costs O(log n): a case with 20,000 events
# replays in linear-logarithmic time. Spans start in date order (events are replayed in date
# order), so a new span merges into the last block or starts a new one; only the last block can
# change when a span ends earlier than its tentative end (an open span's tentative end is its
# cap, or INF) — every span started later than a closed block's end starts a later block.
#
# The spans, blocks and queues live in the rows of one scratch buffer ``W`` (see the module
# docstring), each of at least ``events + 1`` entries:
W_CS_FIRST = 0  # counted spans (those that do not count toward the period): first day
W_CS_LAST = 1  # … last day (INF while open)
W_BF = 2  # blocks: first day
W_BL = 3  # … last day
W_BW = 4  # … workdays inside the blocks before this one (a prefix sum)
W_BS = 5  # … the first counted span of the block
W_CONS_SPAN = 6  # per span: its counted-span index (-1: it counts), for consultations
W_CONS_LIMIT = 7  # per span: the consulted party's deadline
W_Q_THIRD = 8  # open consultations with a third party, oldest first (span indices)
W_Q_AGENCY = 9  # open consultations with an agency
W_REACH = 10  # per counted span: the end of its block as far as that span
NW = 11
# rows of ``S`` (one entry per event), ``F`` (one per finding) and ``SP`` (one per span)
STEP_DUE = 0
STEP_INFO = 1
NSTEP = 2
FIND_CODE = 0
FIND_EV = 1
FIND_A = 2
FIND_B = 3
NFIND = 4
SP_FIRST = 0
SP_LAST = 1
SP_KIND = 2
SP_COUNTED = 3
NSP = 4


def _wd(cum: Ints, f: int, last: int) -> tuple[int, int]:
    """Workdays in ``[f, last]`` (both inside the calendar, or UNKNOWN)."""
    nd = len(cum) - 1
    if f < 0 or last + 1 > nd:
        return 0, UNKNOWN
    if last < f:
        return 0, EXACT
    return cum[last + 1] - cum[f], EXACT


def _rebuild(cum: Ints, W: Ints, ncs: int, nb: int, since: int) -> tuple[int, int]:
    """Re-merge the last block from span ``since`` on (a span there ended earlier than its
    tentative end); returns (nb, flag).

    The spans of the last block before ``since`` are unchanged, and their union is one interval
    ``[bf, reach[since-1]]`` (spans are sorted by start and were connected), so only the spans
    from ``since`` on are merged again: closing the latest span costs O(1), and a case with
    20,000 events stays linear.
    """
    cs_first, cs_last, reach = W[W_CS_FIRST], W[W_CS_LAST], W[W_REACH]
    bf, bl, bw, bs = W[W_BF], W[W_BL], W[W_BW], W[W_BS]
    flag = EXACT
    if nb == 0:
        return 0, flag
    p = nb - 1
    s = bs[p]
    start = since if since > s else s
    if start > s:  # keep the prefix of the block, up to the reach of the spans before ``since``
        bl[p] = reach[start - 1]
        nb = p + 1
    else:
        nb = p
    for i in range(start, ncs):
        f, last = cs_first[i], cs_last[i]
        if nb > p and f <= bl[nb - 1] + 1:
            bl[nb - 1] = max(bl[nb - 1], last)
        else:
            if nb > p:  # close the previous block: its workdays enter the prefix
                w, fl = _wd(cum, bf[nb - 1], bl[nb - 1])
                flag |= fl
                bw[nb] = bw[nb - 1] + w
            bf[nb] = f
            bl[nb] = last
            bs[nb] = i
            nb += 1
        reach[i] = bl[nb - 1]
    return nb, flag


def _add_span(cum: Ints, W: Ints, ncs: int, nb: int, f: int, last: int) -> tuple[int, int, int]:
    """Append a span (its start is >= every earlier start); returns (ncs, nb, flag)."""
    cs_first, cs_last, reach = W[W_CS_FIRST], W[W_CS_LAST], W[W_REACH]
    bf, bl, bw, bs = W[W_BF], W[W_BL], W[W_BW], W[W_BS]
    cs_first[ncs] = f
    cs_last[ncs] = last
    flag = EXACT
    if nb > 0 and f <= bl[nb - 1] + 1:
        bl[nb - 1] = max(bl[nb - 1], last)
    else:
        if nb > 0:
            if bl[nb - 1] >= INF:  # cannot happen: everything later merges into an open block
                return ncs + 1, nb, UNKNOWN
            w, flag = _wd(cum, bf[nb - 1], bl[nb - 1])
            bw[nb] = bw[nb - 1] + w
        else:
            bw[0] = 0
        bf[nb] = f
        bl[nb] = last
        bs[nb] = ncs
        nb += 1
    reach[ncs] = bl[nb - 1]
    return ncs + 1, nb, flag


def _w_before(cum: Ints, bf: Ints, bl: Ints, bw: Ints, nb: int, q: int) -> tuple[int, int]:
    """Workdays inside blocks ``0 … q-1`` (q may be nb: the last block included)."""
    if q < nb:
        return bw[q], EXACT
    if nb == 0:
        return 0, EXACT
    if bl[nb - 1] >= INF:
        return 0, UNKNOWN  # callers never ask past an open block
    w, flag = _wd(cum, bf[nb - 1], bl[nb - 1])
    return bw[nb - 1] + w, flag


def skip_add(
    cum: Ints, ords: Ints, ucum: Ints, pcum: Ints, W: Ints, nb: int, cursor: int, n: int
) -> tuple[int, int]:
    """The n-th workday after ``cursor`` outside every block; NONE when an open block (one that
    has not ended) is reached first — the period is paused."""
    bf, bl, bw = W[W_BF], W[W_BL], W[W_BW]
    nd = len(cum) - 1
    # the first block ending after the cursor
    lo, hi = 0, nb
    while lo < hi:
        mid = (lo + hi) // 2
        if bl[mid] > cursor:
            hi = mid
        else:
            lo = mid + 1
    p = lo
    if p < nb and bf[p] <= cursor + 1:  # a block begins at once: jump over it
        cursor = bl[p]
        if cursor >= INF:
            return NONE, EXACT
        p += 1
    if cursor + 1 < 0 or cursor + 1 > nd:
        return NONE, UNKNOWN
    base = cum[cursor + 1]
    wp, flag = _w_before(cum, bf, bl, bw, nb, p)
    # the first block q >= p before which n countable workdays have accumulated
    lo, hi = p, nb
    while lo < hi:
        mid = (lo + hi) // 2
        f = bf[mid]
        if f > nd:
            hi = mid  # beyond the calendar: the answer cannot lie after it (checked below)
            continue
        c = (cum[f] - base) - (bw[mid] - wp)
        if c >= n:
            hi = mid
        else:
            lo = mid + 1
    q = lo
    if q == p:
        j, fl = add_workdays(cum, ords, ucum, pcum, cursor, n)
        return j, flag | fl
    prev = q - 1
    if bl[prev] >= INF:
        return NONE, flag
    if bl[prev] + 1 > nd:
        return NONE, UNKNOWN
    wq, fl = _w_before(cum, bf, bl, bw, nb, q)
    flag |= fl
    done = (cum[bl[prev] + 1] - base) - (wq - wp)
    j, fl = add_workdays(cum, ords, ucum, pcum, bl[prev], n - done)
    flag |= fl
    if fl != UNKNOWN and ucum[bl[prev] + 1] != ucum[cursor + 1]:
        flag |= UNKNOWN
    return j, flag


def _block_at(bf: Ints, bl: Ints, nb: int, day: int) -> int:
    """The block containing ``day``, or -1."""
    lo, hi = 0, nb
    while lo < hi:
        mid = (lo + hi) // 2
        if bl[mid] >= day:
            hi = mid
        else:
            lo = mid + 1
    if lo < nb and bf[lo] <= day:
        return lo
    return -1


def countable(cum: Ints, ucum: Ints, W: Ints, nb: int, a: int, b: int) -> tuple[int, int]:
    """Workdays in ``(a, b]`` outside every block (a < b)."""
    bf, bl, bw = W[W_BF], W[W_BL], W[W_BW]
    nd = len(cum) - 1
    if a + 1 < 0 or b + 1 > nd:
        return 0, UNKNOWN
    flag = EXACT
    if ucum[b + 1] != ucum[a + 1]:
        flag = UNKNOWN
    plain = cum[b + 1] - cum[a + 1]
    # blocks meeting (a, b]: p = first with end > a, q = last with start <= b
    lo, hi = 0, nb
    while lo < hi:
        mid = (lo + hi) // 2
        if bl[mid] > a:
            hi = mid
        else:
            lo = mid + 1
    p = lo
    lo, hi = 0, nb
    while lo < hi:
        mid = (lo + hi) // 2
        if bf[mid] > b:
            hi = mid
        else:
            lo = mid + 1
    q = lo - 1
    if p > q:
        return plain, flag
    excl = 0
    if q > p:
        wq, fl = _w_before(cum, bf, bl, bw, nb, q)
        wp, fl2 = _w_before(cum, bf, bl, bw, nb, p)
        excl = wq - wp
        flag |= fl | fl2
        if bf[p] <= a:  # block p began before the range: only its part after a is inside
            excl -= cum[a + 1] - cum[bf[p]]
        first_q = bf[q]
    else:
        first_q = bf[q] if bf[q] > a else a + 1
    last_q = bl[q] if bl[q] < b else b
    if last_q >= first_q:
        excl += cum[last_q + 1] - cum[first_q]
    return plain - excl, flag


# ============================================================================= the replay


def _find(
    fcode: Ints,
    fev: Ints,
    fa: Ints,
    fb: Ints,
    f0: int,
    nf: int,
    cap: int,
    code: int,
    ev: int,
    a: int,
    b: int,
) -> int:
    if nf < cap:
        fcode[f0 + nf] = code
        fev[f0 + nf] = ev
        fa[f0 + nf] = a
        fb[f0 + nf] = b
        return nf + 1
    return nf


def replay(
    cum: Ints,
    ords: Ints,
    ucum: Ints,
    pcum: Ints,
    etype: Ints,
    edate: Ints,
    ep0: Ints,
    ep1: Ints,
    ep2: Ints,
    e0: int,
    e1: int,
    P: Ints,
    prow: int,
    cutoff: int,
    as_of: int,
    steps: int,
    out: Ints,
    o0: int,
    S: Ints,
    F: Ints,
    f0: int,
    fcap: int,
    SP: Ints,
    W: Ints,
) -> int:
    """Replay events ``e0 … e1-1``; returns the number of findings written.

    ``S`` (rows ``STEP_*``) receives each event's deadline and what the event did to it, at the
    event's position in the case (``k - e0``); ``F`` (rows ``FIND_*``) the findings from ``f0``
    on, at most ``fcap``; ``SP`` (rows ``SP_*``) the case's spans from 0 on (one per
    span-making event at most; ``SP_COUNTED`` holds bit 1 if the span does not count toward the
    period, bit 2 if a consulted party's own limit was counted from the sending date (its receipt
    not recorded), and the position of the event that opened it shifted left by 2). ``S``,
    ``SP`` and the scratch ``W`` (rows ``W_*``) need ``e1 - e0 + 1`` entries a row: the batch
    loop reuses one set for every case.
    """
    step_due, step_info = S[STEP_DUE], S[STEP_INFO]
    fcode, fev, fa, fb = F[FIND_CODE], F[FIND_EV], F[FIND_A], F[FIND_B]
    sp_first, sp_last, sp_kind, sp_counted = SP[SP_FIRST], SP[SP_LAST], SP[SP_KIND], SP[SP_COUNTED]
    pr = prow * NP
    reply_n = P[pr + P_REPLY_N]
    excl = P[pr + P_EXCL]
    restart_mask = P[pr + P_RESTART]
    ext_max = P[pr + P_EXT_MAX]
    # scratch: counted spans and their blocks; consultations
    cs_last = W[W_CS_LAST]
    bf, bl = W[W_BF], W[W_BL]
    cons_span, cons_limit = W[W_CONS_SPAN], W[W_CONS_LIMIT]
    q_third, q_agency = W[W_Q_THIRD], W[W_Q_AGENCY]
    qt_head = qt_tail = qa_head = qa_tail = 0
    ncs = 0
    nb = 0
    nsp = 0
    nf = 0
    flags = EXACT
    for k in range(o0, o0 + NOUT):
        out[k] = NONE
    out[o0 + O_ERROR] = 0
    out[o0 + O_ERROR_EVENT] = -1
    out[o0 + O_ERROR_ARG] = NONE
    out[o0 + O_ON_TIME] = -1
    out[o0 + O_VERDICT] = 0
    out[o0 + O_EXT] = 0
    out[o0 + O_OUTCOME] = 0
    out[o0 + O_REANSWER] = 0

    receipt = NONE
    start = NONE
    closed = 0  # 0 open, 1 answered, 2 withdrawn, 3 abandoned
    closed_day = NONE
    awaiting = False
    corr_count = 0
    corr_until = NONE
    corr_span = -1  # counted-span index of the open correction span
    corr_sp = -1  # span index of the open correction span
    fee_open = False
    fee_until = NONE
    fee_cs = -1
    fee_sp = -1
    sus_depth = 0
    sus_cs = -1
    sus_sp = -1
    ext_n = 0
    ext_count = 0
    ext_until = NONE
    delay_until = NONE
    reanswer_due = NONE
    answered = NONE
    delivered = NONE
    outcome = 0
    final_due = NONE  # the deadline when the case closed by an answer
    noted_third = False
    noted_agency = False
    noted_susp = False
    dirty = NO_SPAN  # the first span that ended earlier than its tentative end, if any
    blocks_fl = EXACT  # the flag of the spans' blocks as last merged
    last_date = NONE
    # the deadline worked out for the last event's trail step, while nothing has changed since
    # (the result's deadline is then the same: one fewer count per case)
    step_fresh = False
    step_due_k = NONE
    step_fl = EXACT

    for k in range(e0, e1):
        t = etype[k]
        d = edate[k]
        rel = k - e0
        step_due[rel] = NONE
        step_info[rel] = I_NONE
        if d > cutoff:
            break
        last_date = d
        step_fresh = False
        # ---------------------------------------------------------------- receipt
        if t == EV_RECEIVED:
            if receipt != NONE:
                out[o0 + O_ERROR] = E_DUPLICATE_RECEIVED
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            ch = ep0[k]  # 1-based channel
            confirmed = ep1[k]
            mode = P[pr + P_CH_MODE + ch - 1]
            if mode < 0:
                out[o0 + O_ERROR] = E_CHANNEL
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            if mode == 1 and confirmed == NONE:
                out[o0 + O_ERROR] = E_MISSING_CONFIRMATION
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            if mode == 0 and confirmed != NONE:
                out[o0 + O_ERROR] = E_CONFIRMATION_NA
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            if confirmed != NONE and confirmed < d:
                out[o0 + O_ERROR] = E_CONFIRMED_BEFORE
                out[o0 + O_ERROR_EVENT] = rel
                out[o0 + O_ERROR_ARG] = confirmed
                return nf
            receipt = confirmed if mode == 1 else d
            start = receipt
            if mode == 1 and P[pr + P_CH_SAME_DAY + ch - 1] == 1 and confirmed > d:
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_LATE_LETTER, rel, d, confirmed)
            out[o0 + O_RECEIPT] = receipt
        elif receipt == NONE:
            # an event before the receipt: impossible, whether a receipt follows or not
            has_receipt = False
            for j in range(k + 1, e1):
                if etype[j] == EV_RECEIVED:
                    has_receipt = True
                    out[o0 + O_ERROR_ARG] = edate[j]
                    break
            out[o0 + O_ERROR] = E_BEFORE_RECEIPT if has_receipt else E_MISSING_RECEIVED
            out[o0 + O_ERROR_EVENT] = rel
            return nf
        elif d < receipt:
            out[o0 + O_ERROR] = E_BEFORE_RECEIPT
            out[o0 + O_ERROR_EVENT] = rel
            out[o0 + O_ERROR_ARG] = receipt
            return nf
        # ---------------------------------------------------------------- closed cases
        elif closed != 0 and t != EV_DELIVERED and t != EV_REANSWER:
            # impossible data stays an error even after closing
            if t == EV_CORR_REC and not awaiting:
                out[o0 + O_ERROR] = E_CORRECTION_WITHOUT_REQUEST
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            if t == EV_RESUMED and sus_depth == 0:
                out[o0 + O_ERROR] = E_RESUMED_WITHOUT_SUSPENSION
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_AFTER_CLOSE, rel, closed_day, 0)
            step_info[rel] = I_VOID
        # ---------------------------------------------------------------- correction
        elif t == EV_CORR_REQ:
            corr_count += 1
            if corr_count == 1:
                cn = P[pr + P_CORR_NOTICE_N]
                if cn >= 0:
                    nd_, fl = add_workdays(cum, ords, ucum, pcum, receipt, cn)
                    flags |= fl
                    if fl != UNKNOWN and d > nd_:
                        nf = _find(
                            fcode, fev, fa, fb, f0, nf, fcap, F_LATE_CORRECTION_NOTICE, rel, nd_, 0
                        )
            elif P[pr + P_CORR_ONCE] == 1:
                nf = _find(
                    fcode, fev, fa, fb, f0, nf, fcap, F_SECOND_CORRECTION, rel, corr_count, 0
                )
            if not awaiting:
                awaiting = True
                corr_until = NONE
                if (restart_mask >> EV_CORR_REC) & 1 == 0 and excl & K_CORRECTION:
                    sp_first[nsp] = d
                    sp_last[nsp] = INF
                    sp_kind[nsp] = K_CORRECTION
                    sp_counted[nsp] = 1 | (rel << 2)
                    corr_sp = nsp
                    nsp += 1
                    corr_span = ncs
                    ncs, nb, fl = _add_span(cum, W, ncs, nb, d, INF)
                    flags |= fl
        elif t == EV_CORR_SET:
            until = ep0[k]
            n_ = ep1[k]
            if until != NONE:
                if until <= d:
                    out[o0 + O_ERROR] = E_UNTIL_NOT_AFTER
                    out[o0 + O_ERROR_EVENT] = rel
                    out[o0 + O_ERROR_ARG] = until
                    return nf
                corr_until = until
            elif n_ != NONE and n_ >= 1:
                corr_until, fl = add_workdays(cum, ords, ucum, pcum, d, n_)
                flags |= fl
            else:
                out[o0 + O_ERROR] = E_DURATION
                out[o0 + O_ERROR_EVENT] = rel
                out[o0 + O_ERROR_ARG] = n_ if n_ != NONE else 0
                return nf
        elif t == EV_CORR_REC:
            if not awaiting:
                out[o0 + O_ERROR] = E_CORRECTION_WITHOUT_REQUEST
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            awaiting = False
            if corr_until != NONE and d > corr_until:
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_CORRECTION_LATE, rel, corr_until, 0)
            corr_until = NONE
            if corr_span >= 0:
                cs_last[corr_span] = d
                sp_last[corr_sp] = d
                dirty = corr_span if corr_span < dirty else dirty
                corr_span = -1
            if (restart_mask >> EV_CORR_REC) & 1:
                start = d
                step_info[rel] = I_RESTART
                if P[pr + P_EXT_SURVIVES] == 0:
                    ext_n = 0
                    ext_count = 0
                    ext_until = NONE
                delay_until = NONE
        # ---------------------------------------------------------------- consultations
        elif t == EV_CONS_START:
            party = ep0[k]  # 1 third party, 2 agency
            kind = K_THIRD if party == 1 else K_AGENCY
            pn = P[pr + P_PARTY_THIRD] if party == 1 else P[pr + P_PARTY_AGENCY]
            limit = INF
            if pn >= 0:
                from_day = ep1[k] if ep1[k] != NONE else d
                limit, fl = add_workdays(cum, ords, ucum, pcum, from_day, pn)
                flags |= fl
                if fl == UNKNOWN:
                    limit = INF  # the party's deadline is beyond the calendar
            counted = 1 if excl & kind else 0
            assumed = 2 if pn >= 0 and ep1[k] == NONE else 0  # party's receipt not recorded
            sp_first[nsp] = d
            sp_last[nsp] = limit
            sp_kind[nsp] = kind
            sp_counted[nsp] = counted | assumed | (rel << 2)
            cons_limit[nsp] = limit
            cons_span[nsp] = ncs if counted else -1  # its excluded-span index, or -1
            if party == 1:
                q_third[qt_tail] = nsp
                qt_tail += 1
            else:
                q_agency[qa_tail] = nsp
                qa_tail += 1
            nsp += 1
            if counted:
                ncs, nb, fl = _add_span(cum, W, ncs, nb, d, limit)
                flags |= fl
            else:
                step_info[rel] = I_NOT_COUNTED
                if kind == K_THIRD and not noted_third:
                    noted_third = True
                    nf = _find(
                        fcode, fev, fa, fb, f0, nf, fcap, F_NO_BASIS, rel, WHAT_CONSULT_THIRD, 0
                    )
                if kind == K_AGENCY and not noted_agency:
                    noted_agency = True
                    nf = _find(
                        fcode, fev, fa, fb, f0, nf, fcap, F_NO_BASIS, rel, WHAT_CONSULT_AGENCY, 0
                    )
        elif t == EV_CONS_END:
            party = ep0[k]
            # the earliest open consultation with this party (first in, first out)
            found = -1
            if party == 1 and qt_head < qt_tail:
                found = q_third[qt_head]
                qt_head += 1
            elif party == 2 and qa_head < qa_tail:
                found = q_agency[qa_head]
                qa_head += 1
            if found < 0:
                out[o0 + O_ERROR] = E_CONS_END_WITHOUT_START
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            limit = cons_limit[found]
            last = d if d <= limit else limit
            if d > limit:
                step_info[rel] = I_LATE_REPLY
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_CONS_LATE, rel, limit, 0)
                if sp_counted[found] & 2:  # the limit decided the span: say what it assumed
                    opened = sp_counted[found] >> 2
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_PARTY_ASSUMED, opened, limit, 0)
            sp_last[found] = last
            c = cons_span[found]
            if c >= 0 and last < cs_last[c]:
                cs_last[c] = last
                dirty = c if c < dirty else dirty
        # ---------------------------------------------------------------- suspensions
        elif t == EV_SUSPENDED:
            if ep0[k] <= 0:  # no reason given (0, or NONE where the field was never there)
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_SUSPENSION_NO_REASON, rel, 0, 0)
            sus_depth += 1
            if sus_depth == 1:
                counted = 1 if excl & K_SUSPENSION else 0
                sp_first[nsp] = d
                sp_last[nsp] = INF
                sp_kind[nsp] = K_SUSPENSION
                sp_counted[nsp] = counted | (rel << 2)
                sus_sp = nsp
                nsp += 1
                if counted:
                    sus_cs = ncs
                    ncs, nb, fl = _add_span(cum, W, ncs, nb, d, INF)
                    flags |= fl
                else:
                    sus_cs = -1
                    step_info[rel] = I_NOT_COUNTED
                    if not noted_susp:
                        noted_susp = True
                        nf = _find(
                            fcode, fev, fa, fb, f0, nf, fcap, F_NO_BASIS, rel, WHAT_SUSPENSION, 0
                        )
        elif t == EV_RESUMED:
            if sus_depth == 0:
                out[o0 + O_ERROR] = E_RESUMED_WITHOUT_SUSPENSION
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            sus_depth -= 1
            if sus_depth == 0:
                sp_last[sus_sp] = d
                if sus_cs >= 0:
                    cs_last[sus_cs] = d
                    dirty = sus_cs if sus_cs < dirty else dirty
                sus_cs = -1
        # ---------------------------------------------------------------- fees
        elif t == EV_FEE_NOTIFIED:
            if not fee_open:
                fee_open = True
                fn = P[pr + P_FEE_N]
                fee_until = NONE
                if fn >= 0:
                    from_day = ep0[k] if ep0[k] != NONE else d
                    fee_until, fl = add_workdays(cum, ords, ucum, pcum, from_day, fn)
                    flags |= fl
                if excl & K_FEE:
                    sp_first[nsp] = d
                    sp_last[nsp] = INF
                    sp_kind[nsp] = K_FEE
                    sp_counted[nsp] = 1 | (rel << 2)
                    fee_sp = nsp
                    nsp += 1
                    fee_cs = ncs
                    ncs, nb, fl = _add_span(cum, W, ncs, nb, d, INF)
                    flags |= fl
        elif t == EV_FEE_PAID or t == EV_FEE_LAPSED:
            if not fee_open:
                out[o0 + O_ERROR] = (
                    E_FEE_PAID_WITHOUT_NOTICE if t == EV_FEE_PAID else E_FEE_LAPSED_WITHOUT_NOTICE
                )
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            fee_open = False
            if fee_cs >= 0:
                cs_last[fee_cs] = d
                sp_last[fee_sp] = d
                dirty = fee_cs if fee_cs < dirty else dirty
                fee_cs = -1
            if t == EV_FEE_LAPSED:
                closed = 3
                closed_day = d
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_FEE_LAPSED, rel, 0, 0)
        # ---------------------------------------------------------------- extension, delay
        elif t == EV_EXTENSION or t == EV_DELAY:
            flags |= blocks_fl  # the blocks were re-merged after the previous event
            cur, fl = _due(
                cum,
                ords,
                ucum,
                pcum,
                W,
                nb,
                start,
                reply_n,
                ext_n,
                ext_until,
                delay_until,
                reanswer_due,
                awaiting,
                restart_mask,
            )
            flags |= fl
            step_info[rel] = I_VOID
            if t == EV_EXTENSION:
                wanted = ep0[k]
                until = ep1[k]
                if until != NONE and until <= d:
                    out[o0 + O_ERROR] = E_UNTIL_NOT_AFTER
                    out[o0 + O_ERROR_EVENT] = rel
                    out[o0 + O_ERROR_ARG] = until
                    return nf
                if ext_max < 0:
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_EXT_NO_BASIS, rel, 0, 0)
                elif (awaiting and (restart_mask >> EV_CORR_REC) & 1) or delay_until != NONE:
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_EXT_NOT_RUNNING, rel, 0, 0)
                elif cur != NONE and fl != UNKNOWN and d > cur:
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_EXT_AFTER_DEADLINE, rel, cur, 0)
                else:
                    if ext_count >= 1:
                        nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_SECOND_EXTENSION, rel, 0, 0)
                    ext_count += 1
                    room = ext_max - ext_n
                    if until != NONE:
                        # 延期至某日: the named day, within the cap counted from the base
                        base, fl = _due(
                            cum,
                            ords,
                            ucum,
                            pcum,
                            W,
                            nb,
                            start,
                            reply_n,
                            0,
                            NONE,
                            NONE,
                            NONE,
                            awaiting,
                            restart_mask,
                        )
                        flags |= fl
                        need = 0
                        if base != NONE and until > base:
                            need, fl = countable(cum, ucum, W, nb, base, until)
                            flags |= fl
                        if need > ext_max:
                            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_EXT_CAP, rel, need, 0)
                            ext_n = ext_max
                            ext_until = NONE
                            step_info[rel] = I_CAPPED
                        else:
                            ext_until = until
                            ext_n = ext_max  # the cap still bounds it; the named day decides
                            step_info[rel] = I_NONE
                    else:
                        n_ = wanted if wanted != NONE else room
                        if n_ < 1 and wanted != NONE:
                            out[o0 + O_ERROR] = E_DURATION
                            out[o0 + O_ERROR_EVENT] = rel
                            out[o0 + O_ERROR_ARG] = wanted
                            return nf
                        if n_ > room:
                            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_EXT_CAP, rel, n_, 0)
                            n_ = room
                            step_info[rel] = I_CAPPED
                        else:
                            step_info[rel] = I_NONE
                        ext_n += n_
            else:
                until = ep0[k]
                if until <= d:
                    out[o0 + O_ERROR] = E_UNTIL_NOT_AFTER
                    out[o0 + O_ERROR_EVENT] = rel
                    out[o0 + O_ERROR_ARG] = until
                    return nf
                if P[pr + P_DELAY_OK] == 0:
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_DELAY_NO_BASIS, rel, 0, 0)
                elif awaiting and (restart_mask >> EV_CORR_REC) & 1:
                    nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_DELAY_NOT_RUNNING, rel, 0, 0)
                elif cur != NONE and fl != UNKNOWN and d > cur:
                    nf = _find(
                        fcode, fev, fa, fb, f0, nf, fcap, F_DELAY_AFTER_DEADLINE, rel, cur, 0
                    )
                else:
                    delay_until = until
                    step_info[rel] = I_BY_DELAY
        # ---------------------------------------------------------------- the answer
        elif t == EV_ANSWERED:
            flags |= blocks_fl  # the blocks were re-merged after the previous event
            final_due, fl = _due(
                cum,
                ords,
                ucum,
                pcum,
                W,
                nb,
                start,
                reply_n,
                ext_n,
                ext_until,
                delay_until,
                reanswer_due,
                awaiting,
                restart_mask,
            )
            flags |= fl
            answered = d
            delivered = NONE
            outcome = ep0[k]
            closed = 1
            closed_day = d
        elif t == EV_WITHDRAWN or t == EV_ABANDONED:
            closed = 2 if t == EV_WITHDRAWN else 3
            closed_day = d
            if t == EV_WITHDRAWN:
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_WITHDRAWN, rel, 0, 0)
        if t == EV_DELIVERED:
            if answered == NONE or d < answered or closed != 1:
                out[o0 + O_ERROR] = E_DELIVERED
                out[o0 + O_ERROR_EVENT] = rel
                return nf
            delivered = d
        elif t == EV_REANSWER:
            amount = ep0[k]
            unit = ep1[k]  # 1 workdays, 2 days
            until = ep2[k]
            if until != NONE:
                if until <= d:
                    out[o0 + O_ERROR] = E_UNTIL_NOT_AFTER
                    out[o0 + O_ERROR_EVENT] = rel
                    out[o0 + O_ERROR_ARG] = until
                    return nf
                reanswer_due = until
            else:
                if amount == NONE:
                    amount = reply_n
                    unit = 1
                if unit == 2:
                    reanswer_due, fl = roll_forward(cum, ords, ucum, pcum, d + amount)
                else:
                    reanswer_due, fl = add_workdays(cum, ords, ucum, pcum, d, amount)
                flags |= fl
            closed = 0
            closed_day = NONE
            answered = NONE
            delivered = NONE
            final_due = NONE
            out[o0 + O_REANSWER] = 1
        # ---------------------------------------------------------------- the deadline now
        # Re-merge a shortened block before the next event: a span started later merges
        # against the block's real end, never its stale tentative one. The result's flags take
        # blocks_fl where the engine reads it.
        if dirty != NO_SPAN:
            nb, blocks_fl = _rebuild(cum, W, ncs, nb, dirty)
            dirty = NO_SPAN
        if not steps:
            continue  # the trail's deadlines are not wanted (validation, batch)
        if closed == 1:
            step_due[rel] = final_due
        elif closed == 0:
            due_k, fl = _due(
                cum,
                ords,
                ucum,
                pcum,
                W,
                nb,
                start,
                reply_n,
                ext_n,
                ext_until,
                delay_until,
                reanswer_due,
                awaiting,
                restart_mask,
            )
            # the trail's deadlines are for reading only: one the calendar cannot give is left
            # out, and it does not make the result depend on unknown or projected days
            step_due[rel] = due_k if fl != UNKNOWN else NONE
            step_fresh = True
            step_due_k = due_k
            step_fl = fl
    if receipt == NONE:
        out[o0 + O_ERROR] = E_MISSING_RECEIVED
        out[o0 + O_ERROR_EVENT] = -1
        for j in range(e0, e1):  # the request exists, but after the as-of date
            if etype[j] == EV_RECEIVED:
                out[o0 + O_ERROR] = E_AS_OF_BEFORE_RECEIPT
                out[o0 + O_ERROR_ARG] = ep1[j] if ep1[j] != NONE else edate[j]
                break
        return nf
    if as_of != NONE and as_of < receipt:
        out[o0 + O_ERROR] = E_AS_OF_BEFORE_RECEIPT
        out[o0 + O_ERROR_ARG] = receipt
        return nf

    # -------------------------------------------------------------------- the result
    if dirty != NO_SPAN:
        nb, blocks_fl = _rebuild(cum, W, ncs, nb, dirty)
    flags |= blocks_fl
    day = as_of if as_of != NONE else last_date
    if closed == 1:
        due = final_due
    elif step_fresh:
        due = step_due_k
        flags |= step_fl
    else:
        due, fl = _due(
            cum,
            ords,
            ucum,
            pcum,
            W,
            nb,
            start,
            reply_n,
            ext_n,
            ext_until,
            delay_until,
            reanswer_due,
            awaiting,
            restart_mask,
        )
        flags |= fl
    status = S_RUNNING
    on_time = -1
    late = NONE
    remaining = NONE
    verdict = 0
    # consultations still open past the party's own limit (counted from the sending date)
    for q in range(qt_head, qt_tail):
        i = q_third[q]
        if sp_counted[i] & 2 and cons_limit[i] < day:
            opened = sp_counted[i] >> 2
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_PARTY_ASSUMED, opened, cons_limit[i], 0)
    for q in range(qa_head, qa_tail):
        i = q_agency[q]
        if sp_counted[i] & 2 and cons_limit[i] < day:
            opened = sp_counted[i] >> 2
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_PARTY_ASSUMED, opened, cons_limit[i], 0)
    # lapses the engine applies itself (视为放弃)
    if closed == 0 and awaiting and corr_until != NONE and day > corr_until:
        closed = 3
        closed_day = corr_until + 1
        nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_CORRECTION_LAPSED, -1, corr_until, 0)
    if closed == 0 and fee_open and fee_until != NONE and day > fee_until:
        closed = 3
        closed_day = fee_until + 1
        nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_FEE_LAPSED, -1, 0, 0)
    if closed == 1:
        verdict_day = answered
        if P[pr + P_MET_BY] == 1 and delivered != NONE:
            verdict_day = delivered
            verdict = 1
        if due == NONE:
            on_time = 1
            status = S_ANSWERED
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_ANSWERED_PAUSED, -1, 0, 0)
        elif verdict_day <= due:
            on_time = 1
            status = S_ANSWERED
        else:
            on_time = 0
            status = S_ANSWERED_LATE
            late, fl = _plain_between(cum, ucum, due, verdict_day)
            flags |= fl
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_ANSWERED_LATE, -1, due, late)
    elif closed == 2:
        status = S_WITHDRAWN
    elif closed == 3:
        status = S_ABANDONED
    else:
        in_span = _block_at(bf, bl, nb, day) >= 0
        if due != NONE and day > due:
            status = S_OVERDUE
            late, fl = _plain_between(cum, ucum, due, day)
            flags |= fl
            serious = P[pr + P_SERIOUS]
            if serious >= 0 and fl != UNKNOWN and late > serious:
                status = S_SERIOUSLY_OVERDUE
                nf = _find(fcode, fev, fa, fb, f0, nf, fcap, N_SERIOUS, -1, serious, 0)
            nf = _find(fcode, fev, fa, fb, f0, nf, fcap, F_OVERDUE, -1, due, late)
        elif awaiting and (restart_mask >> EV_CORR_REC) & 1:
            status = S_AWAITING_CORRECTION
        elif fee_open and excl & K_FEE:
            status = S_AWAITING_FEE
        elif due == NONE or (in_span and delay_until == NONE and reanswer_due == NONE):
            status = S_PAUSED
        if status == S_RUNNING or status == S_PAUSED:
            if due != NONE and as_of != NONE and as_of < due:
                if delay_until != NONE or reanswer_due != NONE:
                    remaining, fl = _plain_between(cum, ucum, as_of, due)
                else:
                    remaining, fl = countable(cum, ucum, W, nb, as_of, due)
                flags |= fl
            elif due != NONE and as_of != NONE and as_of == due:
                remaining = 0
    out[o0 + O_RECEIPT] = receipt
    out[o0 + O_START] = start
    out[o0 + O_DUE] = due
    out[o0 + O_FLAGS] = flags
    out[o0 + O_STATUS] = status
    out[o0 + O_ON_TIME] = on_time
    out[o0 + O_REMAINING] = remaining
    out[o0 + O_LATE] = late
    out[o0 + O_ANSWERED] = answered
    out[o0 + O_DELIVERED] = delivered
    out[o0 + O_VERDICT] = verdict
    out[o0 + O_CLOSED] = closed_day
    out[o0 + O_NFIND] = nf
    out[o0 + O_NSPAN] = nsp
    out[o0 + O_EXT] = ext_n
    out[o0 + O_OUTCOME] = outcome
    return nf


def _plain_between(cum: Ints, ucum: Ints, a: int, b: int) -> tuple[int, int]:
    """Workdays in ``(a, b]`` (a < b), no spans."""
    nd = len(cum) - 1
    if a + 1 < 0 or b + 1 > nd:
        return 0, UNKNOWN
    flag = EXACT if ucum[b + 1] == ucum[a + 1] else UNKNOWN
    return cum[b + 1] - cum[a + 1], flag


def _due(
    cum: Ints,
    ords: Ints,
    ucum: Ints,
    pcum: Ints,
    W: Ints,
    nb: int,
    start: int,
    reply_n: int,
    ext_n: int,
    ext_until: int,
    delay_until: int,
    reanswer_due: int,
    awaiting: bool,
    restart_mask: int,
) -> tuple[int, int]:
    """The answer deadline the state implies, or NONE while no clock runs."""
    if reanswer_due != NONE:
        return reanswer_due, EXACT
    if delay_until != NONE:
        return delay_until, EXACT  # a fixed day: spans do not hold it open
    if awaiting and (restart_mask >> EV_CORR_REC) & 1:
        return NONE, EXACT
    base, flag = skip_add(cum, ords, ucum, pcum, W, nb, start, reply_n)
    if base == NONE or (ext_n == 0 and ext_until == NONE):
        return base, flag
    capped, fl = skip_add(cum, ords, ucum, pcum, W, nb, base, ext_n)
    flag |= fl
    if ext_until != NONE and capped != NONE and ext_until < capped:
        return ext_until, flag
    return capped, flag


def merge_bounds(
    es: int, eo: int, er: int, el: int, has_late: bool, ls: int, lo: int, lr: int, ll: int
) -> tuple[int, int, int, int]:
    """Status, on-time, remaining and late workdays of a case computed on the earliest and the
    latest possible calendars: what both agree on is certain; the rest is not yet known.

    Without a latest calendar (a regional year the law cannot bound) only what the earliest one
    proves stands: an answer by its (earliest) deadline is on time, a case running on it is
    running, a withdrawal is a withdrawal."""
    if has_late:
        return (
            es if es == ls else S_PENDING,
            eo if eo == lo else -1,
            er if er == lr else NONE,
            el if el == ll else NONE,
        )
    if es == S_ANSWERED and eo == 1:
        return S_ANSWERED, 1, NONE, NONE
    if es == S_RUNNING or es == S_WITHDRAWN:
        return es, -1, NONE, NONE
    return S_PENDING, 1 if eo == 1 else -1, NONE, NONE


KERNELS = (
    "merge_bounds",
    "_wd",
    "_rebuild",
    "_add_span",
    "_w_before",
    "skip_add",
    "_block_at",
    "countable",
    "_find",
    "_plain_between",
    "_due",
    "replay",
)
_ = (PROJECTED, is_workday)  # re-exported names the compiled namespace needs
INLINE = ("_wd", "_w_before", "_find", "_plain_between", "_block_at")
