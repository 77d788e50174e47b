"""Running the core for one case, and turning its numbers into a :class:`CaseResult`.

The scalar engine calls :func:`gkdeadline.engine.core.replay` as plain Python on the calendar's
Python lists; the batch engine calls the same function compiled. Everything here is about one
case: encoding its events, handling a deadline that reaches into days whose holiday schedule is
not yet published (bounds), and the Chinese explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from gkdeadline.calendar import Calendar, collecting_projected
from gkdeadline.calendar.kernels import PROJECTED, UNKNOWN
from gkdeadline.calendar.schedule import weekday_zh
from gkdeadline.engine import core
from gkdeadline.engine.params import CaseRules, case_rules, short_citation
from gkdeadline.engine.result import (
    SCHEMA_VERSION,
    STATUS_ZH,
    STATUSES,
    CaseResult,
    DeadlineItem,
    Finding,
    SpanItem,
    Step,
)
from gkdeadline.errors import CalendarCoverageError, CaseError, GkDeadlineError
from gkdeadline.events import (
    BY_TYPE,
    CHANNEL_ZH,
    PARTY_ZH,
    SPEC_ORDER,
    EventModel,
)
from gkdeadline.outcomes import BY_CODE as OUTCOMES
from gkdeadline.problems import BY_CODE, BY_NUM, Problem
from gkdeadline.profiles import Profile
from gkdeadline.rules import SPAN_KIND_ZH, Rule

MAX_EVENTS = 100_000  # events per case (documented limit)

_KIND_NAME = {
    core.K_THIRD: "consultation.third_party",
    core.K_AGENCY: "consultation.agency",
    core.K_SUSPENSION: "suspension",
    core.K_CORRECTION: "correction",
    core.K_FEE: "fee",
}
_WHAT = {
    core.WHAT_CONSULT_THIRD: "consultation.third_party",
    core.WHAT_CONSULT_AGENCY: "consultation.agency",
    core.WHAT_SUSPENSION: "suspension",
}


def basis_text(rule: Rule, clause: str | None) -> str:
    """A quoted clause with its document: ``条例（2019）第三十三条第三款：“…”``."""
    if not clause:
        return short_citation(rule)
    cite = short_citation(rule)
    doc = cite[: len(cite) - len(rule.article)] if cite.endswith(rule.article) else cite
    return f"{doc}{clause}"


# ----------------------------------------------------------------------------- encoding


class Encoded(NamedTuple):
    """One case's events in replay order, as the core's integer arrays."""

    order: tuple[int, ...]  # replay position → input index
    etype: list[int]
    edate: list[int]
    ep0: list[int]
    ep1: list[int]
    ep2: list[int]


_RANK = {t: i for i, t in enumerate(SPEC_ORDER)}


def replay_order(events: Sequence[EventModel]) -> list[int]:
    """Input indices in replay order: by date, then same-day rank, then input order."""
    if len(events) == 1:
        return [0]
    return sorted(range(len(events)), key=lambda i: (events[i].date, _RANK[events[i].type], i))


def encode(events: Sequence[EventModel], first_ordinal: int) -> Encoded:
    order = replay_order(events)
    n = len(order)
    etype, edate = [0] * n, [0] * n
    slots = [[core.NONE] * n, [core.NONE] * n, [core.NONE] * n]
    for pos, i in enumerate(order):
        ev = events[i]
        spec = BY_TYPE[ev.type]
        etype[pos] = spec.num
        edate[pos] = ev.date.toordinal() - first_ordinal
        for p in spec.params:
            if p.slot is None:
                continue
            v = getattr(ev, p.field)
            if p.kind == "date":
                code = core.NONE if v is None else v.toordinal() - first_ordinal
            elif p.kind == "enum":
                code = 0 if v is None else p.values.index(v) + 1
            elif p.kind == "flag":
                code = 0 if v in (None, "") else 1
            else:
                code = core.NONE if v is None else int(v)
            slots[p.slot][pos] = code
    return Encoded(tuple(order), etype, edate, *slots)


def era_date(events: Sequence[EventModel]) -> date | None:
    """The date that chooses the rules: the receipt as the first ``received`` event gives it
    (its confirmation date where one is given, else the day it arrived)."""
    first: Any = None
    for e in events:  # the earliest; of equal dates, the first given
        if e.type == "received" and (first is None or e.date < first.date):
            first = e
    if first is None:
        return None
    confirmed: date | None = first.confirmed
    return confirmed if confirmed is not None else first.date


# ----------------------------------------------------------------------------- one replay


class Raw(NamedTuple):
    """The core's outputs for one case on one calendar."""

    out: list[int]
    step_due: list[int]
    step_info: list[int]
    findings: list[tuple[int, int, int, int]]
    spans: list[tuple[int, int, int, int]]


def replay(
    cal: Calendar, enc: Encoded, rules: CaseRules, cutoff: int, as_of: int, steps: bool = True
) -> Raw:
    ix = cal.index
    n = len(enc.etype)
    m = n + 1
    out = [0] * core.NOUT
    z = [0] * m  # (copies of one list: made for every replay, cheaper than [0] * m each time)
    step_rows = [z, z[:]]  # the core's two-dimensional buffers, as lists of rows
    fcap = 2 * n + 8
    fz = [0] * fcap
    find_rows = [fz, fz[:], fz[:], fz[:]]
    span_rows = [z[:], z[:], z[:], z[:]]
    work = [z[:] for _ in range(core.NW)]
    nf = core.replay(
        ix.cum_list,
        ix.ords_list,
        ix.unknown_cum_list,
        ix.projected_cum_list,
        enc.etype,
        enc.edate,
        enc.ep0,
        enc.ep1,
        enc.ep2,
        0,
        n,
        rules.row,
        0,
        cutoff,
        as_of,
        int(steps),
        out,
        0,
        step_rows,
        find_rows,
        0,
        fcap,
        span_rows,
        work,
    )
    nsp = out[core.O_NSPAN] if out[core.O_ERROR] == 0 else 0
    return Raw(
        out,
        step_rows[core.STEP_DUE][:n],
        step_rows[core.STEP_INFO][:n],
        list(zip(*(f[:nf] for f in find_rows), strict=True)) if nf else [],
        list(zip(*(s[:nsp] for s in span_rows), strict=True)) if nsp > 0 else [],
    )


# ----------------------------------------------------------------------------- the case


class Context:
    """One case's events, rules and calendar, prepared for replays (made for every case, so a
    plain slots class: cheaper to make than a dataclass)."""

    __slots__ = ("cal", "enc", "events", "first_ordinal", "profile", "replays", "rules")

    def __init__(
        self,
        profile: Profile,
        cal: Calendar,
        rules: CaseRules,
        events: tuple[EventModel, ...],
        enc: Encoded,
        first_ordinal: int,
    ) -> None:
        self.profile = profile
        self.cal = cal
        self.rules = rules
        self.events = events
        self.enc = enc
        self.first_ordinal = first_ordinal  # the calendar index's day 0
        # replays already done, by as-of day index (``validate`` leaves today's here, so the
        # usual ``Case(...).result()`` replays once, not twice)
        self.replays: dict[int, Raw] = {}

    def day(self, rel: int) -> date | None:
        if core.NONE < rel < core.INF:
            return date.fromordinal(rel + self.first_ordinal)
        return None

    def rel(self, d: date) -> int:
        return d.toordinal() - self.first_ordinal


def prepare(profile: Profile, cal: Calendar, events: Sequence[EventModel]) -> Context:
    if len(events) > MAX_EVENTS:
        raise CaseError(
            f"案件有 {len(events):,} 个事件，超过上限 {MAX_EVENTS:,}",
            code="too-many-events",
            message_en=f"the case has {len(events):,} events, more than the limit {MAX_EVENTS:,}",
            value=len(events),
        )
    on = era_date(events)
    if on is None:
        raise _error(BY_NUM[core.E_MISSING_RECEIVED], None, None, {}, None)
    rules = case_rules(profile, on)
    first = cal.index.first_ordinal
    return Context(profile, cal, rules, tuple(events), encode(events, first), first)


def validate(ctx: Context, likely_as_of: date | None = None) -> Raw:
    """Replay every event and raise :class:`CaseError` for impossible data: what ``Case`` and
    ``Case.add`` run to refuse a bad event at once. When no event is after ``likely_as_of``
    (usually today), the replay is also the status on that day and is kept for :func:`compute`."""
    a = core.NONE if likely_as_of is None else ctx.rel(likely_as_of)
    reusable = a != core.NONE and ctx.enc.edate[-1] <= a  # (in date order: the last is latest)
    full = replay(
        ctx.cal, ctx.enc, ctx.rules, core.INF, a if reusable else core.NONE, steps=reusable
    )
    _raise_if_error(ctx, full)
    if reusable:
        ctx.replays[a] = full
    return full


def compute(
    ctx: Context,
    as_of: date | None,
    case_id: str | None = None,
    extra: Any = None,
    validated: bool = False,
) -> CaseResult:
    """The result as of ``as_of`` (None: as of the last event, every event counted).

    ``validated``: :func:`validate` already ran on these events (skip the whole-case replay
    that makes impossible data an error whatever the as-of date)."""
    enc = ctx.enc
    a = core.NONE if as_of is None else ctx.rel(as_of)
    later = as_of is not None and enc.edate[-1] > a  # (in date order)
    if later and not validated:  # impossible data is an error whatever the as-of date
        validate(ctx)
    cutoff = a if as_of is not None else core.INF
    raw = ctx.replays.get(a) if as_of is not None else None
    if raw is None:
        raw = replay(ctx.cal, enc, ctx.rules, cutoff, a)
        _raise_if_error(ctx, raw)
    if raw.out[core.O_FLAGS] & UNKNOWN or ctx.cal.index.has_projected:
        # the explanation's own lookups (party deadlines, 复议 and 诉讼 windows) may touch
        # projected days; the result's flag comes from the core, so they are collected here,
        # not warned about (on a calendar without projected days only the bounding calendars
        # can touch them: `_bounded` collects those)
        with collecting_projected():
            if raw.out[core.O_FLAGS] & UNKNOWN:
                return _with_bounds(ctx, raw, cutoff, a, as_of, case_id, extra)
            return _decode(ctx, raw, None, as_of, case_id, extra)
    return _decode(ctx, raw, None, as_of, case_id, extra)


def _raise_if_error(ctx: Context, raw: Raw) -> None:
    code = raw.out[core.O_ERROR]
    if code == 0:
        return
    pos = raw.out[core.O_ERROR_EVENT]
    index = ctx.enc.order[pos] if pos >= 0 else None
    ev = ctx.events[index] if index is not None else None
    arg = ctx.day(raw.out[core.O_ERROR_ARG]) if raw.out[core.O_ERROR_ARG] > core.NONE else None
    problem = BY_NUM[code]
    values: dict[str, Any] = {}
    for name, kind in problem.args:
        if kind == "date":
            values[name] = arg.isoformat() if arg else "—"
        else:
            values[name] = raw.out[core.O_ERROR_ARG]
    raise _error(problem, index, ev, values, ctx.rules)


def _error(
    problem: Problem,
    index: int | None,
    ev: EventModel | None,
    values: dict[str, Any],
    rules: CaseRules | None,
) -> CaseError:
    rule = rules.by_topic(problem.topic) if rules is not None else None
    where = ""
    where_en = ""
    if index is not None and ev is not None:
        where = f"事件 {index}（{ev.type}，{ev.date.isoformat()}）："
        where_en = f"event {index} ({ev.type}, {ev.date.isoformat()}): "
    text = rules.text(rule) if rule is not None and rules is not None else None
    limit = text.limit if text is not None else ""
    zh = where + problem.zh.format(limit=limit, **values)
    if text is not None:
        zh += f"（{text.short}）"
    return CaseError(
        zh,
        code=problem.code,
        message_en=where_en + problem.en.format(limit=limit, **values),
        event_index=index,
        field=ev.type if ev is not None else None,
        value=ev.date.isoformat() if ev is not None else None,
        rule_id=rule.id if rule is not None else None,
        citation=text.citation if text is not None else None,
    )


def _with_bounds(
    ctx: Context,
    raw: Raw,
    cutoff: int,
    a: int,
    as_of: date | None,
    case_id: str | None,
    extra: Any,
) -> CaseResult:
    """The deadline reaches days whose schedule is not published: compute on the earliest and
    the latest possible calendars, keep what both agree on, and bound the rest."""
    pair = ctx.cal.bounds()
    if pair is None:
        raise _first_unknown(ctx, raw)
    early_cal, late_cal = pair
    early = replay(early_cal, ctx.enc, ctx.rules, cutoff, a)
    late = replay(late_cal, ctx.enc, ctx.rules, cutoff, a) if late_cal is not None else None
    if early.out[core.O_FLAGS] & UNKNOWN or (late is not None and late.out[core.O_FLAGS] & UNKNOWN):
        raise _first_unknown(ctx, raw)
    return _decode(ctx, early, late, as_of, case_id, extra, bounds_of=ctx.cal)


def _first_unknown(ctx: Context, raw: Raw) -> CalendarCoverageError:
    """The coverage error of the first unknown day after the receipt (raises `InputError`,
    ``date-out-of-range``, when that day would be after 9999-12-31)."""
    ix = ctx.cal.index
    start = ctx.day(raw.out[core.O_RECEIPT]) or ctx.events[0].date
    return ctx.cal.coverage_error(ix.first_unknown_after(start.toordinal() - ix.first_ordinal))


# ----------------------------------------------------------------------------- decoding


def _decode(
    ctx: Context,
    raw: Raw,
    late: Raw | None,
    as_of: date | None,
    case_id: str | None,
    extra: Any,
    bounds_of: Calendar | None = None,
) -> CaseResult:
    out = raw.out
    rules = ctx.rules
    bounded = bounds_of is not None
    status = STATUSES[out[core.O_STATUS]]
    due = ctx.day(out[core.O_DUE])
    due_earliest = due_latest = None
    remaining = None if out[core.O_REMAINING] == core.NONE else out[core.O_REMAINING]
    late_n = None if out[core.O_LATE] == core.NONE else out[core.O_LATE]
    on_time = None if out[core.O_ON_TIME] < 0 else bool(out[core.O_ON_TIME])
    assumptions: list[str] = []
    if bounded:
        assert bounds_of is not None
        due_earliest = due
        due_latest = ctx.day(late.out[core.O_DUE]) if late is not None else None
        lo = late.out if late is not None else out
        s_num, t, r, lt = core.merge_bounds(
            out[core.O_STATUS], out[core.O_ON_TIME], out[core.O_REMAINING], out[core.O_LATE],
            late is not None, lo[core.O_STATUS], lo[core.O_ON_TIME], lo[core.O_REMAINING],
            lo[core.O_LATE],
        )  # fmt: skip
        status = STATUSES[s_num]
        on_time = None if t < 0 else bool(t)
        remaining = None if r == core.NONE else r
        late_n = None if lt == core.NONE else lt
        if due_latest is None or due_latest != due_earliest:
            due = None
        else:
            due_earliest = due_latest = None  # both calendars agree: the date is certain
        assumptions = bounds_of.bounds_assumptions()
    findings = _findings(ctx, raw, late)
    if bounded and due is None and due_earliest is not None:
        problem = BY_CODE["calendar-pending"]
        latest_text = due_latest.isoformat() if due_latest else "（暂不能确定）"
        findings.append(
            Finding(
                code=problem.code,
                severity="notice",
                message=problem.zh.format(earliest=due_earliest.isoformat(), latest=latest_text),
                message_en=problem.en.format(earliest=due_earliest.isoformat(), latest=latest_text),
            )
        )
    overrides = ctx.cal.overrides()
    if overrides:
        problem = BY_CODE["calendar-override"]
        what = "、".join(o.label() for o in overrides)
        findings.append(
            Finding(
                code=problem.code,
                severity="notice",
                message=problem.zh.format(what=what),
                message_en=problem.en.format(what=what),
            )
        )
    projected = bool(out[core.O_FLAGS] & PROJECTED) and not bounded
    if projected:
        problem = BY_CODE["projected-calendar"]
        findings.append(
            Finding(code=problem.code, severity="notice", message=problem.zh, message_en=problem.en)
        )
    trail = _trail(ctx, raw, late)
    spans = _spans(ctx, raw)
    answered = ctx.day(out[core.O_ANSWERED])
    delivered = ctx.day(out[core.O_DELIVERED])
    outcome_num = out[core.O_OUTCOME]
    outcome = None
    if outcome_num > 0:
        outcome = BY_TYPE["answered"].params[0].values[outcome_num - 1]
    verdict_basis: Any = None
    if answered is not None:
        verdict_basis = "delivered" if out[core.O_VERDICT] == 1 else "answered"
    deadlines = _deadlines(
        ctx, raw, Dated(due, due_earliest, due_latest, bounded), answered, delivered, outcome
    )
    return CaseResult.trusted(
        schema_version=SCHEMA_VERSION,
        id=case_id,
        profile=ctx.profile.id,
        as_of=as_of,
        received=ctx.day(out[core.O_RECEIPT]),
        rule=rules.reply.id,
        due=due,
        due_earliest=due_earliest,
        due_latest=due_latest,
        due_assumptions=assumptions,
        status=status,
        status_zh=STATUS_ZH[status],
        remaining_workdays=remaining,
        workdays_late=late_n,
        on_time=on_time,
        answered=answered,
        delivered=delivered,
        verdict_basis=verdict_basis,
        verdict_rule=rules.reply.id if answered is not None else None,
        outcome=outcome,
        closed=ctx.day(out[core.O_CLOSED]),
        projected=projected,
        findings=findings,
        trail=trail,
        deadlines=deadlines,
        spans=spans,
        rules=list(rules.refs),
        extra=extra,
    )


def finding_rule(rules: CaseRules, problem: Problem) -> Rule | None:
    """The rule a finding cites: its topic's rule in force on the receipt date."""
    if problem.code == "no-basis-for-span":  # the reply rule that is silent on the span
        return rules.reply
    if problem.code in ("consultation-reply-late", "party-receipt-assumed"):
        return rules.third_party or rules.agency
    return rules.by_topic(problem.topic)


def finding_values(
    problem: Problem,
    args: tuple[int, int],
    late_args: tuple[int, int] | None,
    day: Any,
) -> dict[str, Any]:
    """A finding's template values; where the earliest and latest calendars disagree on an
    argument (a deadline not yet known), both are shown: ``2027-01-13 至 2027-01-14``."""
    values: dict[str, Any] = {}
    for k, (name, kind) in enumerate(problem.args):
        v = args[k]
        w = late_args[k] if late_args is not None else v
        if kind == "date":
            d = day(v)
            text = d.isoformat() if d else "—"
            if w != v and (e := day(w)) != d:
                text += f" 至 {e.isoformat() if e else '（暂不能确定）'}"
            values[name] = text
        elif kind == "text":
            values[name] = SPAN_KIND_ZH.get(_WHAT.get(v, ""), "期间")
        else:
            values[name] = v if w == v else f"{min(v, w)}–{max(v, w)}"
    return values


def render_finding(
    problem: Problem,
    rules: CaseRules,
    args: tuple[int, int],
    late_args: tuple[int, int] | None,
    day: Any,
) -> tuple[str, str, Rule | None]:
    """``(message_zh, message_en, rule)`` of a finding; shared by the scalar and batch paths."""
    rule = finding_rule(rules, problem)
    values = finding_values(problem, args, late_args, day)
    limit = rules.text(rule).limit if rule is not None else ""
    zh, en = problem.templates(values)
    return zh.format(limit=limit, **values), en.format(limit=limit, **values), rule


Found = tuple[int, int, tuple[int, int], tuple[int, int] | None]


def certain_findings(
    early: list[tuple[int, int, int, int]], late: list[tuple[int, int, int, int]] | None
) -> list[Found]:
    """Findings as ``(code, event position, args, late args)``; with bounds, only those both
    calendars find (matched by code and event) are certain."""
    if late is None:
        return [(c, p, (a, b), None) for c, p, a, b in early]
    out: list[Found] = []
    pool: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for c, p, a, b in late:
        pool.setdefault((c, p), []).append((a, b))
    for c, p, a, b in early:
        match = pool.get((c, p))
        if match:
            out.append((c, p, (a, b), match.pop(0)))
    return out


def _findings(ctx: Context, raw: Raw, late: Raw | None) -> list[Finding]:
    out = []
    rules, day = ctx.rules, ctx.day
    for code, pos, args, late_args in certain_findings(
        raw.findings, late.findings if late else None
    ):
        problem = BY_NUM[code]
        index = ctx.enc.order[pos] if pos >= 0 else None
        zh, en, rule = render_finding(problem, rules, args, late_args, day)
        out.append(
            Finding(
                code=problem.code,
                severity="notice" if problem.severity == "notice" else "violation",
                message=zh,
                message_en=en,
                event_index=index,
                date=ctx.events[index].date if index is not None else None,
                rule_id=rule.id if rule is not None else None,
                citation=rules.text(rule).citation if rule is not None else None,
            )
        )
    return out


def _d(d: date | None) -> str:
    return d.isoformat() if d else "—"


def _trail(ctx: Context, raw: Raw, late: Raw | None) -> list[Step]:
    rules = ctx.rules
    reply = rules.reply
    steps: list[Step] = []
    spans_by_event = _span_events(ctx, raw)
    for pos, index in enumerate(ctx.enc.order):
        if pos >= len(raw.step_due):
            break
        ev = ctx.events[index]
        info = raw.step_info[pos]
        due = ctx.day(raw.step_due[pos])
        due_latest = None
        if late is not None:
            due_latest = ctx.day(late.step_due[pos])
        text, rule = _describe(ctx, ev, info, pos, spans_by_event)
        steps.append(
            Step(
                index=index,
                date=ev.date,
                event=ev.type,
                text=text,
                rule_id=(rule or reply).id,
                citation=rules.text(rule or reply).citation,
                due=due,
                due_latest=due_latest if due_latest != due else None,
                extra=ev.extra,
            )
        )
    return steps


def _span_events(ctx: Context, raw: Raw) -> dict[int, tuple[int, int, int, int]]:
    """Span-making events (by replay position) → their span."""
    return {sp[3] >> 2: sp for sp in raw.spans}


def _party_rule(ctx: Context, ev: Any) -> Rule | None:
    return ctx.rules.third_party if ev.party == "third_party" else ctx.rules.agency


def _party_limit_on(cal: Calendar, _side: int = 1, *, ev: Any, rule: Rule | None) -> date | None:
    """The consulted party's own deadline on ``cal``: its rule, from the day it got the request."""
    if rule is None or rule.duration is None:
        return None
    return cal.add_workdays(ev.party_received or ev.date, rule.duration.amount)


def _party_limit(ctx: Context, ev: Any) -> tuple[date | None, Rule | None]:
    """The party's deadline for the trail's sentence (left out there if not yet knowable)."""
    rule = _party_rule(ctx, ev)
    try:
        return _party_limit_on(ctx.cal, ev=ev, rule=rule), rule
    except GkDeadlineError:
        return None, rule


def _received(rules: CaseRules, channel: str) -> tuple[str, str]:
    """The receipt step's sentence by channel, around its confirmation date (if any)."""
    way = None
    if rules.receipt is not None and rules.receipt.receipt:
        way = rules.receipt.receipt.get(channel)
    basis = ""
    if rules.receipt is not None:
        item = way.item if way is not None and way.item else ""
        what = f"，{way.text}" if way is not None else ""
        basis = f"，{rules.text(rules.receipt).short}{item}{what}"
    reply = rules.text(rules.reply)
    return f"收到申请（{CHANNEL_ZH[channel]}{basis}）", f"→ 答复期限 {reply.limit}（{reply.short}）"


def _describe(
    ctx: Context,
    ev: Any,
    info: int,
    pos: int,
    spans: dict[int, tuple[int, int, int, int]],
) -> tuple[str, Rule | None]:
    """The trail's Chinese sentence for one event, and the rule it cites."""
    rules = ctx.rules
    reply = rules.reply
    kind = ev.type
    if info == core.I_VOID and kind not in ("extension", "delay_set"):
        return f"{BY_TYPE[kind].title}（案件已结束，已记录但不影响期限）", reply
    if kind == "received":
        head, tail = rules.phrase(("received", ev.channel), partial(_received, rules, ev.channel))
        when = ""
        if ev.confirmed is not None:
            when = f"，{ev.confirmed.isoformat()}（{weekday_zh(ev.confirmed)}）确认为收到申请之日"
        return head + when + tail, rules.receipt or reply
    if kind == "correction_requested":
        rule = rules.correction_notice
        if rules.restart is not None and "correction_received" in (rules.restart.restarts_on or ()):
            return "告知申请人补正，答复期限暂停，收到补正后重新计算", rule
        return "告知申请人补正（规则没有规定补正后重新计算，期限继续）", rule
    if kind == "correction_deadline_set":
        end = ""
        if ev.until is not None:
            end = f"至 {ev.until.isoformat()}"
        elif ev.workdays is not None:
            dated = _workdays_dated(ctx, ev.date, ev.workdays)
            if dated.due is not None:
                end = f"至 {dated.due.isoformat()}"
            elif dated.earliest is not None:
                latest = dated.latest.isoformat() if dated.latest else "暂不能确定"
                end = f"至 {dated.earliest.isoformat()}～{latest}（待节假日安排公布后确定）"
        return f"确定补正期限{end}，逾期不补正视为放弃申请", rules.correction_notice
    if kind == "correction_received":
        if info == core.I_RESTART and rules.restart is not None:
            basis = basis_text(rules.restart, rules.restart.restarts_basis)
            return f"收到补正的申请，答复期限自本日重新计算 {rules.text(reply).limit}（{basis}）", (
                rules.restart
            )
        return "收到补正", reply
    if kind == "consultation_started":
        party = PARTY_ZH[ev.party]
        span_kind = f"consultation.{ev.party}"
        limit, prule = _party_limit(ctx, ev)
        own = ""
        if limit is not None and prule is not None:
            own = f"；{party}应于 {limit.isoformat()} 前提出意见（{rules.text(prule).short}）"
        if info == core.I_NOT_COUNTED:
            return (
                f"征求{party}意见；施行中的规则没有这段时间不计入的规定，计入答复期限{own}",
                reply,
            )
        basis_rule = rules.excluded.get(span_kind, reply)
        basis = basis_text(basis_rule, basis_rule.excludes_basis)
        via = (
            ""
            if basis_rule.profile_id == reply.profile_id
            else f"（{reply.id} 未规定，依 {basis_rule.id}）"
        )
        return f"征求{party}意见，所需时间不计入答复期限（{basis}）{via}{own}", basis_rule
    if kind == "consultation_ended":
        party = PARTY_ZH[ev.party]
        if info == core.I_LATE_REPLY:
            return (
                f"收到{party}意见（逾期提出，不计入的时间截至{party}期限届满之日，其后恢复计算）",
                (rules.third_party if ev.party == "third_party" else rules.agency),
            )
        return f"收到{party}意见，次日恢复计算", reply
    if kind == "suspended":
        reason = f"（{ev.reason}）" if ev.reason else ""
        if info == core.I_NOT_COUNTED or "suspension" not in rules.excluded:
            return f"期限中止{reason}；施行中的规则没有中止的规定，期限继续计算", reply
        basis_rule = rules.excluded.get("suspension", reply)
        basis = basis_text(basis_rule, basis_rule.excludes_basis)
        return f"期限中止{reason}，障碍消除后恢复计算（{basis}）", basis_rule
    if kind == "resumed":
        return "障碍消除，次日恢复计算", reply
    if kind == "fee_notified":
        amount = f" {ev.amount:g} 元" if ev.amount is not None else ""
        return f"发出收费通知{amount}，申请人应在缴费期限内缴纳", rules.fee
    if kind == "fee_paid":
        return "申请人缴纳信息处理费", rules.fee
    if kind == "fee_lapsed":
        return "申请人逾期未缴费，视为放弃申请", rules.fee
    if kind == "extension":
        ext = rules.extension
        if info == core.I_VOID:
            return "延长答复期限（无效：见下方违规记录）", ext or reply
        what = (
            f"至 {ev.until.isoformat()}"
            if ev.until is not None
            else (f" {ev.workdays} 个工作日" if ev.workdays is not None else "（取上限）")
        )
        capped = "，超过上限，按上限计算" if info == core.I_CAPPED else ""
        cite = f"（{rules.text(ext).short}，{rules.text(ext).limit}）" if ext is not None else ""
        return f"经负责人同意延长答复期限{what}{cite}{capped}，自原期限届满之次日起接续计算", ext
    if kind == "delay_set":
        if info == core.I_VOID:
            return "确定延迟答复期限（无效：见下方违规记录）", rules.delay or reply
        return f"申请数量、频次明显超过合理范围，确定延迟答复至 {ev.until.isoformat()}", rules.delay
    if kind == "answered":
        label = f"（{OUTCOMES[ev.outcome].label}）" if ev.outcome else ""
        return f"作出答复{label}", reply
    if kind == "delivered":
        return "答复送达申请人", reply
    if kind == "withdrawn":
        return "申请人撤回申请", reply
    if kind == "abandoned":
        reason = f"（{ev.reason}）" if ev.reason else ""
        return f"视为放弃申请{reason}", rules.correction_notice or reply
    if kind == "reanswer_ordered":
        by = "行政复议决定" if ev.by == "review" else "人民法院判决"
        doc = f"（{ev.document}）" if ev.document else ""
        if ev.until is not None:
            period = f"于 {ev.until.isoformat()} 前"
        elif ev.amount is not None:
            period = f"{ev.amount} {'个工作日' if ev.unit == 'workdays' else '日'}内"
        else:
            period = f"在法定期限（{rules.text(reply).limit}）内"
        return f"{by}{doc}责令重新答复，自本日起{period}", reply
    return BY_TYPE[kind].title, reply


def _spans(ctx: Context, raw: Raw) -> list[SpanItem]:
    out = []
    for first, last, kind, flags in raw.spans:
        counted = flags & 1
        f = ctx.day(first)
        if f is None:
            continue
        name = _KIND_NAME.get(kind, "other")
        note = SPAN_KIND_ZH.get(name, "期间")
        out.append(
            SpanItem(
                first=f,
                last=ctx.day(last),
                kind=name,
                counted=not bool(counted),
                note=note + ("（没有不计入的依据，计入答复期限）" if not counted else ""),
            )
        )
    return out


class Dated(NamedTuple):
    """A deadline's day, or, where it needs a holiday schedule not yet published, its bounds."""

    due: date | None
    earliest: date | None = None
    latest: date | None = None
    pending: bool = False  # computed on the bounding calendars (even if they agree)

    def note(self, base: str | None) -> str | None:
        """``base``, with what the unpublished schedule leaves open."""
        if not self.pending:
            return base
        if self.due is not None:
            extra = "所涉年份的节假日安排尚未公布；在其可能的范围内，此日期不受影响"
        else:
            extra = (
                "日期取决于尚未公布的节假日安排"
                + (f"，最早 {self.earliest.isoformat()}" if self.earliest else "，暂不能计算")
                + (f"，最晚 {self.latest.isoformat()}" if self.latest else "")
            )
        return extra if base is None else f"{base}；{extra}"


def _deadlines(
    ctx: Context,
    raw: Raw,
    due: Dated,
    answered: date | None,
    delivered: date | None,
    outcome: str | None,
) -> list[DeadlineItem]:
    """Every dated obligation and window of the case. One that reaches a schedule not yet
    published is listed with its bounds (or with a note that it cannot be computed yet) —
    never left out."""
    rules = ctx.rules
    out: list[DeadlineItem] = []

    def add(
        kind: Any, dated: Dated, obligor: Any, title: str, rule: Rule | None, note: str | None
    ) -> None:
        if rule is None or (dated.due is None and not dated.pending):
            return  # nothing to date (the rule has no day of its own)
        out.append(
            DeadlineItem(
                kind=kind,
                due=dated.due,
                obligor=obligor,
                title=title,
                rule_id=rule.id,
                citation=rules.text(rule).citation,
                note=dated.note(note) if dated.pending else note,
                due_earliest=dated.earliest,
                due_latest=dated.latest,
            )
        )

    add("answer", due, "agency", "答复期限", rules.reply, None)
    receipt = ctx.day(raw.out[core.O_RECEIPT])
    notice = rules.correction_notice
    if receipt is not None and notice is not None and notice.duration is not None:
        dated = _workdays_dated(ctx, receipt, notice.duration.amount)
        add("correction_notice", dated, "agency", "补正告知期限", notice, None)
    for pos, index in enumerate(ctx.enc.order):
        ev: Any = ctx.events[index]
        if pos >= len(raw.step_due):
            break  # after the as-of date
        if ev.type == "correction_deadline_set":
            if ev.until is not None:
                dated = Dated(ev.until)
            else:
                dated = _workdays_dated(ctx, ev.date, ev.workdays)
            add("correction_period", dated, "applicant", "补正期限", notice, None)
        elif ev.type == "fee_notified" and rules.fee is not None and rules.fee.duration:
            start = ev.applicant_received or ev.date
            dated = _workdays_dated(ctx, start, rules.fee.duration.amount)
            add("fee_payment", dated, "applicant", "缴纳信息处理费期限", rules.fee, None)
        if ev.type == "consultation_started":
            prule = _party_rule(ctx, ev)
            dated = _on_calendars(ctx, partial(_party_limit_on, ev=ev, rule=prule))
            title = "第三方提出意见期限" if ev.party == "third_party" else "其他机关提出意见期限"
            add(f"{ev.party}_reply", dated, "third_party", title, prule, None)
    # what the applicant may do next (复议, 诉讼), by the rules in force when it is triggered
    profile = ctx.profile

    def add_window(kind: str, topic: str, trigger: Dated, title: str, note: str | None) -> None:
        used: list[Rule] = []

        def on(cal: Calendar, side: int) -> date | None:
            t = trigger.due or (trigger.earliest if side == 1 else trigger.latest)
            found = profile.due(topic, t, cal) if t is not None else None
            if found is None:
                return None
            used.append(found.rule)
            return found.value if isinstance(found.value, date) else None

        dated = _on_calendars(ctx, on, certain=trigger.due is not None)
        if used:
            add(kind, dated, "applicant", title, used[0], note)

    known = delivered or answered
    if known is not None:
        base = None if delivered else "以作出答复之日为知道之日；送达在后的，自送达之日起算"
        for topic, kind, title in (
            ("review.application", "review", "申请行政复议期限"),
            ("litigation.filing", "litigation", "提起行政诉讼期限"),
        ):
            note = base
            pre = profile.rule_for("review.prerequisite", known) if kind == "litigation" else None
            if pre is not None and pre.concerns_outcome(outcome):
                first = f"{pre.title}（{short_citation(pre)}）"
                note = first if note is None else f"{first}；{note}"
            add_window(kind, topic, Dated(known), title, note)
    elif (due.due or due.earliest) is not None and raw.out[core.O_CLOSED] == core.NONE:
        if due.due is not None:
            expiry = f"自答复期限 {due.due.isoformat()} 届满之日起算"
        else:
            latest = due.latest.isoformat() if due.latest else "暂不能确定"
            expiry = f"自答复期限（最早 {due.earliest}，最晚 {latest}）届满之日起算"
        add_window(
            "litigation", "litigation.nonperformance", due, "逾期不答复时提起行政诉讼期限", expiry
        )
    out.sort(key=_deadline_order)
    return out


def _deadline_order(item: DeadlineItem) -> date:
    return item.due or item.due_earliest or date.max


def _workdays_after(day: date, n: int) -> Callable[[Calendar, int], date]:
    return lambda cal, _side: cal.add_workdays(day, n)


def _workdays_dated(ctx: Context, day: date, n: int) -> Dated:
    """``_on_calendars(ctx, _workdays_after(day, n))``; the usual case (the year is published)
    without making the closure (every case has a correction-notice deadline)."""
    try:
        return Dated(ctx.cal.add_workdays(day, n))
    except CalendarCoverageError:
        return _bounded(ctx, _workdays_after(day, n))


def _on_calendars(
    ctx: Context, compute: Callable[[Calendar, int], date | None], certain: bool = True
) -> Dated:
    """``compute(calendar, side)`` on the case's calendar; where that needs a schedule not yet
    published (or the trigger itself is not ``certain``), on the bounding calendars — side 1
    the earliest, side 2 the latest, so a bounded trigger takes its own side."""
    if not certain:
        return _bounded(ctx, compute)
    try:
        return Dated(compute(ctx.cal, 1))
    except CalendarCoverageError:  # a year not yet published: bounds
        return _bounded(ctx, compute)


def _bounded(ctx: Context, compute: Callable[[Calendar, int], date | None]) -> Dated:
    """``compute`` on the earliest and the latest possible calendars (which project the years
    they bound: the days are collected, not warned about, as in :func:`compute`)."""
    pair = ctx.cal.bounds()
    if pair is None:
        return Dated(None, pending=True)
    sides: list[date | None] = []
    with collecting_projected():
        for side, cal in ((1, pair[0]), (2, pair[1])):
            try:
                sides.append(None if cal is None else compute(cal, side))
            except CalendarCoverageError:
                sides.append(None)
    lo, hi = sides
    if lo is not None and lo == hi:
        return Dated(lo, pending=True)
    return Dated(None, lo, hi, pending=True)


__all__ = ["Context", "compute", "prepare", "short_citation"]
