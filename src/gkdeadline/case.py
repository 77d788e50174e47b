"""The request case engine: a 依申请公开 request's events in, its deadline, status and trail out.

Events are processed in the order given; dates must not decrease, and events on the same day
happen in list order. Only events on or before ``as_of`` count when asking for the status on a
past date. The rules come from the case's profile, chosen by the statutory receipt date (so a
``national`` request received 2019-05-14 runs 15+15 workdays and one received 2019-05-15 runs
20+20). See ``docs/events.md`` for each event type and its article.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from gkdeadline.calendar import Calendar, YearSchedule, collecting_projected, today
from gkdeadline.calendar.schedule import weekday_zh
from gkdeadline.errors import (
    CalendarCoverageError,
    CaseError,
    GkDeadlineError,
)
from gkdeadline.periods import Span
from gkdeadline.profiles import NATIONAL, Profile, get_profile, get_rule
from gkdeadline.rules import Rule
from gkdeadline.userfiles import read_utf8

Channel = Literal["in_person", "post", "letter", "online", "fax"]
Party = Literal["third_party", "agency"]
Status = Literal["running", "paused", "awaiting_correction", "answered", "overdue"]

CHANNEL_ZH = {
    "in_person": "当面提交",
    "post": "邮寄，行政机关签收",
    "letter": "平常信函，经与申请人确认",
    "online": "互联网渠道，双方确认",
    "fax": "传真，双方确认",
}
# 条例第三十一条 items: (一) in person, (二) post and ordinary letters, (三) internet and fax
CHANNEL_ITEM = {
    "in_person": "第一项",
    "post": "第二项",
    "letter": "第二项",
    "online": "第三项",
    "fax": "第三项",
}
PARTY_ZH = {"third_party": "第三方", "agency": "其他机关"}
PARTY_TOPIC = {"third_party": "request.third-party-opinion", "agency": "request.agency-opinion"}
STATUS_ZH = {
    "running": "计时中",
    "paused": "暂停计时",
    "awaiting_correction": "等待补正",
    "answered": "已答复",
    "overdue": "已逾期",
}


# ------------------------------------------------------------------------------ warnings
# One wording for the scalar and the batch engine (gkdeadline.batch_cases uses these too).

PROJECTED_WARNING = "计算用到了预测的放假安排（国务院尚未发布通知），正式通知发布后可能变化"
ANSWERED_WITHOUT_DUE = "答复时期限未在计算中（等待补正或期限中止），按期答复"


def short_citation(rule: Rule) -> str:
    """``条例第三十三条`` for the 条例, ``《彭阳县…制度》第四条`` for anything else."""
    doc = "条例" if rule.source == "中华人民共和国政府信息公开条例" else f"《{rule.source}》"
    return f"{doc}{rule.article}"


def late_letter_warning(arrived: date, confirmed: date) -> str:
    return (
        f"平常信函 {arrived.isoformat()} 收到，{confirmed.isoformat()} 才与申请人确认；"
        "条例第三十一条第二项要求收到申请的当日确认"
    )


def late_correction_warning(sent: date, due: date, notice: Rule) -> str:
    return (
        f"补正告知于 {sent.isoformat()} 发出，晚于 {due.isoformat()}"
        f"（{short_citation(notice)}：{notice.trigger or '收到申请之日'}起"
        f" {notice.limit_text()}内一次性告知）"
    )


def no_basis_warning(reply: Rule, kind: str) -> str:
    what = "期限中止" if kind == "suspension" else "征求意见"
    return (
        f"{reply.id} 及国家规定都没有“{what}时间不计入”的依据；已按事件记录不计入，请核实法律依据"
    )


def remaining_unknown_warning(reason: object) -> str:
    return f"剩余工作日无法计算：{reason}"


# ------------------------------------------------------------------------------ events


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
    date: date
    note: str | None = None


class Received(_Event):
    type: Literal["received"] = "received"
    channel: Channel
    confirmed: date | None = None


class CorrectionRequested(_Event):
    type: Literal["correction_requested"] = "correction_requested"


class CorrectionReceived(_Event):
    type: Literal["correction_received"] = "correction_received"


class ConsultationStarted(_Event):
    type: Literal["consultation_started"] = "consultation_started"
    party: Party


class ConsultationEnded(_Event):
    type: Literal["consultation_ended"] = "consultation_ended"
    party: Party


class Suspended(_Event):
    type: Literal["suspended"] = "suspended"
    reason: str = Field(min_length=1)


class Resumed(_Event):
    type: Literal["resumed"] = "resumed"
    reason: str | None = None


class Extension(_Event):
    type: Literal["extension"] = "extension"
    workdays: int | None = Field(None, ge=1)


class DelaySet(_Event):
    type: Literal["delay_set"] = "delay_set"
    until: date
    reason: str | None = None


class Answered(_Event):
    type: Literal["answered"] = "answered"


Event = Annotated[
    Received
    | CorrectionRequested
    | CorrectionReceived
    | ConsultationStarted
    | ConsultationEnded
    | Suspended
    | Resumed
    | Extension
    | DelaySet
    | Answered,
    Field(discriminator="type"),
]
EVENT_MODELS: dict[str, type[_Event]] = {
    m.model_fields["type"].default: m
    for m in (
        Received,
        CorrectionRequested,
        CorrectionReceived,
        ConsultationStarted,
        ConsultationEnded,
        Suspended,
        Resumed,
        Extension,
        DelaySet,
        Answered,
    )
}
EVENT_TYPES = tuple(EVENT_MODELS)
_EVENT = TypeAdapter(Event)


class CaseFile(BaseModel):
    """A case as a JSON document: ``{"profile": "national", "events": [...]}``."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    profile: str = NATIONAL
    events: list[dict[str, Any]]

    @field_validator("events")
    @classmethod
    def _not_empty(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not v:
            raise ValueError("a case needs at least its 'received' event")
        return v


def parse_event(raw: Mapping[str, Any] | BaseModel, index: int = 0) -> Any:
    """Validate one event (a dict or an event object); errors name the index and type."""
    if isinstance(raw, BaseModel):
        return raw
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    if kind not in EVENT_TYPES:
        raise CaseError(
            f"event {index}: unknown type {kind!r}; use one of {', '.join(EVENT_TYPES)}"
        )
    try:
        return _EVENT.validate_python(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"][1:]) or "event"
        got = err.get("input")
        shown = f" (got {got!r})" if not isinstance(got, dict) else ""
        raise CaseError(f"event {index} ({kind}): {where}: {err['msg']}{shown}") from None


@dataclass(frozen=True)
class EventInfo:
    """What an event type means and which article governs it (drives docs/events/*.md)."""

    title: str
    article: str
    meaning: str
    example: dict[str, Any]


EVENT_INFO: dict[str, EventInfo] = {
    "received": EventInfo(
        "收到申请",
        "条例第三十一条",
        "申请到达行政机关。`channel` 为 `in_person`（当面，提交之日）、`post`（邮寄，`date` 为签收之日）、"
        "`letter`（平常信函）、`online`（互联网）或 `fax`（传真）；后三种以确认之日为收到申请之日，必须给出"
        " `confirmed`，缺少即报错并引用第三十一条。平常信函应在收到当日确认，晚于当日会给出合规提示。"
        "收到申请之日开始计算答复期限，并决定适用哪一版本的规则（2019-05-15 起适用 2019 年条例）。",
        {"type": "received", "date": "2026-02-13", "channel": "online", "confirmed": "2026-02-14"},
    ),
    "correction_requested": EventInfo(
        "告知补正",
        "条例第三十条",
        "申请内容不明确，告知申请人补正。答复期限暂停（状态 `awaiting_correction`，`due` 为 null），"
        "直到收到补正。告知晚于收到申请之日起 7 个工作日，或第二次告知补正（条例要求一次性告知），"
        "会在 `warnings` 里提示。",
        {"type": "correction_requested", "date": "2026-09-30"},
    ),
    "correction_received": EventInfo(
        "收到补正",
        "条例第三十条",
        "收到补正的申请，答复期限自本日起**重新完整计算**。之前的征求意见等期间不再影响新的期限。",
        {"type": "correction_received", "date": "2026-10-12"},
    ),
    "consultation_started": EventInfo(
        "开始征求意见",
        "条例第三十二条、第三十三条第二款、第三十四条",
        "书面征求第三方（`party: third_party`）或其他机关（`party: agency`）意见。自本日起至收到意见之日"
        "止（首尾两天都算）不计入答复期限。没有收到意见的，期间到被征求方自己的期限届满之日结束"
        "（第三方 15 个工作日，第三十二条；其他机关 15 个工作日，第三十四条；地方另有规定的从其规定），"
        "之后自动恢复计算。地方规则没有提到征求意见时间的，依国家规定不计入并注明依据。",
        {"type": "consultation_started", "date": "2026-04-01", "party": "third_party"},
    ),
    "consultation_ended": EventInfo(
        "收到意见",
        "条例第三十二条、第三十三条第二款",
        "收到被征求方的意见，次日恢复计算。逾期才收到的，不计入的时间只算到被征求方期限届满之日。"
        "没有对应的 `consultation_started` 会报错。",
        {"type": "consultation_ended", "date": "2026-04-10", "party": "third_party"},
    ),
    "suspended": EventInfo(
        "期限中止",
        "彭阳县政府信息公开时限制度第四条",
        "因不可抗力或者其他法定事由不能按期答复，期限中止，必须写明 `reason`。中止期间不能重叠；"
        "在 `resumed` 之前状态为 `paused`，`due` 为 null。档案和国家规定都没有中止依据的（如 2019 年条例），"
        "仍按事件记录不计入，但会在 `warnings` 里提示核实法律依据。",
        {"type": "suspended", "date": "2026-05-11", "reason": "不可抗力：洪水导致档案无法调取"},
    ),
    "resumed": EventInfo(
        "恢复计算",
        "彭阳县政府信息公开时限制度第四条",
        "障碍消除，期限恢复计算。中止之日至恢复之日（首尾都算）不计入，次日起恢复计算。"
        "没有对应的 `suspended` 会报错。",
        {"type": "resumed", "date": "2026-05-15"},
    ),
    "extension": EventInfo(
        "延长答复期限",
        "条例第三十三条第一款",
        "经政府信息公开工作机构负责人同意并告知申请人，延长答复期限。`workdays` 可省略（取最长值：2019 年"
        "条例 20 个工作日，2008 年条例 15 个）。延长期间从原期限届满之日接续计算。超过最长值、第二次延长、"
        "在原期限已经届满后才延长，都会报错。",
        {"type": "extension", "date": "2026-10-28", "workdays": 20},
    ),
    "delay_set": EventInfo(
        "确定延迟答复期限",
        "条例第三十五条",
        "申请数量、频次明显超过合理范围的，行政机关可以确定延迟答复的合理期限并告知申请人；"
        "`until` 即新的答复期限。2008 年条例没有这一规定，对 2019-05-15 以前收到的申请会报错。",
        {"type": "delay_set", "date": "2026-10-20", "until": "2026-12-18"},
    ),
    "answered": EventInfo(
        "作出答复",
        "条例第三十三条、第三十六条",
        "作出答复，案件结束；`on_time` 表示是否在期限内。之后不能再有事件。",
        {"type": "answered", "date": "2026-10-29"},
    ),
}


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Step:
    """One line of the trail: what happened, which rule applied, the deadline afterwards."""

    index: int
    day: date
    event: str
    text: str  # Chinese, one clause
    rule: str | None = None
    citation: str | None = None
    due: date | None = None

    def line(self) -> str:
        arrow = f"→ {self.due.isoformat()}" if self.due else ""
        return f"{self.day.isoformat()} {self.text}{arrow}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "date": self.day.isoformat(),
            "event": self.event,
            "text": self.text,
            "rule": self.rule,
            "citation": self.citation,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class Deadline:
    """A dated obligation arising in the case (answer, correction notice, party reply)."""

    kind: Literal["answer", "correction_notice", "third_party_reply", "agency_reply"]
    due: date
    rule: str
    title: str


@dataclass(frozen=True)
class CaseResult:
    profile: str
    as_of: date | None  # None: as of the last event
    received: date | None
    rule: str | None
    due: date | None
    status: Status
    remaining_workdays: int | None
    on_time: bool | None
    answered: date | None
    warnings: tuple[str, ...]
    trail: tuple[Step, ...]
    deadlines: tuple[Deadline, ...]
    spans: tuple[Span, ...]
    projected: bool
    id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "profile": self.profile,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "received": self.received.isoformat() if self.received else None,
            "rule": self.rule,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "remaining_workdays": self.remaining_workdays,
            "on_time": self.on_time,
            "answered": self.answered.isoformat() if self.answered else None,
            "projected": self.projected,
            "warnings": list(self.warnings),
            "deadlines": [
                {"kind": d.kind, "due": d.due.isoformat(), "rule": d.rule, "title": d.title}
                for d in self.deadlines
            ],
            "spans": [
                {
                    "first": s.first.isoformat(),
                    "last": s.last.isoformat(),
                    "kind": s.kind,
                    "note": s.note,
                }
                for s in self.spans
            ],
            "trail": [s.as_dict() for s in self.trail],
        }

    def explain(self) -> str:
        """The trail as Chinese lines, then the conclusion."""
        lines = [s.line() for s in self.trail]
        due = self.due.isoformat() if self.due else "暂无（期限未在计算中）"
        when = self.as_of.isoformat() if self.as_of else "最后一个事件"
        tail = f"截至 {when}：{STATUS_ZH[self.status]}，答复期限 {due}"
        if self.remaining_workdays is not None:
            tail += f"，剩余 {self.remaining_workdays} 个工作日"
        if self.on_time is not None:
            tail += "，按期答复" if self.on_time else "，逾期答复"
        lines.append(tail + "。")
        lines += [f"注意：{w}" for w in self.warnings]
        return "\n".join(lines)


# ------------------------------------------------------------------------------ engine


@dataclass
class _Consult:
    party: Party
    start: date
    index: int
    # the party's own deadline (the span's latest end); None: beyond the calendar
    limit: date | None
    rule: Rule
    end: date | None = None
    unknown: CalendarCoverageError | None = None  # why ``limit`` is None


@dataclass
class _State:
    receipt: date | None = None
    start: date | None = None
    reply: Rule | None = None
    awaiting: bool = False
    corrections: int = 0
    consults: list[_Consult] = field(default_factory=list)
    suspensions: list[tuple[date, date | None, str]] = field(default_factory=list)
    extension: tuple[Rule, int] | None = None
    delay_until: date | None = None
    answered: date | None = None
    warnings: list[str] = field(default_factory=list)
    basis_noted: set[str] = field(default_factory=set)


class Case:
    """A request case. Build it from events, or add them one at a time as a case system would.

    >>> from datetime import date
    >>> c = Case("national", [{"type": "received", "date": "2026-09-28", "channel": "in_person"}])
    >>> c.due
    datetime.date(2026, 10, 30)
    """

    def __init__(
        self,
        profile: str | Profile = NATIONAL,
        events: Iterable[Mapping[str, Any] | BaseModel] = (),
        *,
        calendar: Calendar | None = None,
        schedules: Sequence[YearSchedule] = (),
        projection: bool = False,
        case_id: str | None = None,
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.calendar = calendar or self.profile.calendar(schedules, projection)
        self.id = case_id
        self._events = [parse_event(e, i) for i, e in enumerate(events)]
        # the replay of all events, and the profile and calendar it used; reset by add()
        self._replayed: tuple[Profile, Calendar, CaseResult] | None = None
        if self._events:  # validate the whole sequence once (add() validates each new event)
            _run(self.profile, self.calendar, self._events, None, validate_only=True)

    # -------------------------------------------------------------- construction

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **kw: Any) -> Case:
        try:
            cf = CaseFile.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "case"
            raise CaseError(f"case file: {where}: {err['msg']}") from None
        try:
            profile = get_profile(cf.profile)
        except GkDeadlineError as exc:
            raise CaseError(f"case file: profile: {exc}") from None
        return cls(profile, cf.events, case_id=cf.id, **kw)

    @classmethod
    def from_json(cls, text: str, **kw: Any) -> Case:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseError(f"case file is not valid JSON: {exc.msg} (line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise CaseError("case file must be a JSON object with 'profile' and 'events'")
        return cls.from_dict(data, **kw)

    @classmethod
    def from_file(cls, path: str | Path, **kw: Any) -> Case:
        p = Path(path)
        text = read_utf8(p, "case", CaseError)
        return cls.from_json(text, **kw)

    def add(self, event: Mapping[str, Any] | BaseModel) -> Case:
        """Append one event; raises CaseError (and keeps the case unchanged) if it does not fit."""
        ev = parse_event(event, len(self._events))
        candidate = [*self._events, ev]
        _run(self.profile, self.calendar, candidate, None, validate_only=True)
        self._events = candidate
        self._replayed = None
        return self

    @property
    def events(self) -> tuple[Any, ...]:
        return tuple(self._events)

    def to_dict(self) -> dict[str, Any]:
        """The case file: ``{"profile": ..., "events": [...]}`` (round-trips with from_dict)."""
        out: dict[str, Any] = {
            "profile": self.profile.id,
            "events": [e.model_dump(mode="json", exclude_none=True) for e in self._events],
        }
        if self.id is not None:
            out["id"] = self.id
        return out

    # -------------------------------------------------------------- answers

    def result(self, as_of: date | None = None) -> CaseResult:
        """Deadline, status, trail and warnings as of ``as_of`` (default: today)."""
        if not self._events:
            raise CaseError("the case has no events yet; add its 'received' event first")
        r = _run(self.profile, self.calendar, self._events, as_of or today())
        return r if self.id is None else replace(r, id=self.id)

    def _all(self) -> CaseResult:
        if not self._events:
            raise CaseError("the case has no events yet; add its 'received' event first")
        # .due and .trail ask the same question; ask again only if the case changed
        cached = self._replayed
        if cached is None or cached[0] is not self.profile or cached[1] is not self.calendar:
            cached = (
                self.profile,
                self.calendar,
                _run(self.profile, self.calendar, self._events, None),
            )
            self._replayed = cached
        return cached[2]

    @property
    def due(self) -> date | None:
        """The current answer deadline (all events), or None while the clock waits."""
        return self._all().due

    def status(self, as_of: date | None = None) -> Status:
        return self.result(as_of).status

    @property
    def trail(self) -> tuple[Step, ...]:
        return self._all().trail


def _fail(i: int, ev: Any, msg: str) -> CaseError:
    return CaseError(f"event {i} ({ev.type}, {ev.date.isoformat()}): {msg}")


def _spans(state: _State) -> list[Span]:
    out = []
    for c in state.consults:
        if c.end is None and c.limit is None:
            assert c.unknown is not None
            raise c.unknown  # an open consultation whose latest end the calendar cannot tell
        if c.end is None:
            assert c.limit is not None
            last = c.limit
        else:
            last = c.end if c.limit is None else min(c.end, c.limit)
        if last >= c.start:
            out.append(Span(c.start, last, "consultation", f"征求{PARTY_ZH[c.party]}意见"))
    for a, b, reason in state.suspensions:
        if b is not None:
            out.append(Span(a, b, "suspension", f"期限中止（{reason}）"))
    return out


def _due(state: _State, cal: Calendar, spans: list[Span]) -> date | None:
    """The answer deadline implied by the state, or None while no clock runs."""
    if state.start is None or state.reply is None or state.awaiting:
        return None
    if any(b is None for _, b, _ in state.suspensions):
        return None
    if state.delay_until is not None:
        return state.delay_until
    base = state.reply.due(state.start, cal, spans=spans, check_in_force=False).value
    assert isinstance(base, date)
    if state.extension is not None:
        rule, n = state.extension
        ext = rule.due(base, cal, spans=spans, amount=n, check_in_force=False).value
        assert isinstance(ext, date)
        return ext
    return base


def _check_basis(state: _State, profile: Profile, kind: str, receipt: date) -> str | None:
    """Why a span of ``kind`` does not count under this profile (fallback at the part level)."""
    reply = state.reply
    assert reply is not None
    if kind in reply.excludes:
        return None
    if kind in state.basis_noted:
        return None
    state.basis_noted.add(kind)
    national = get_profile(NATIONAL).rule_for(reply.topic, receipt)
    if national is not None and kind in national.excludes:
        basis = national.excludes_basis or national.article
        return f"{reply.id} 未规定，依国家规定不计入：《{national.source}》{basis}"
    state.warnings.append(no_basis_warning(reply, kind))
    return None


def _run(
    profile: Profile,
    cal: Calendar,
    events: Sequence[Any],
    as_of: date | None,
    validate_only: bool = False,
) -> CaseResult:
    """Replay events (those on or before ``as_of``; all of them when ``as_of`` is None).

    With ``validate_only`` the events are checked but a final deadline the calendar cannot
    compute is not an error (it is when someone asks for it).
    """
    state = _State()
    trail: list[Step] = []
    deadlines: dict[str, Deadline] = {}
    last_date: date | None = None
    with collecting_projected() as projected_days:
        for i, ev in enumerate(events):
            if last_date is not None and ev.date < last_date:
                raise _fail(
                    i,
                    ev,
                    f"is dated before the previous event ({last_date.isoformat()}); list events in date order",
                )
            last_date = ev.date
            if as_of is not None and ev.date > as_of:
                break
            if i == 0 and ev.type != "received":
                raise _fail(i, ev, "the first event must be 'received' (收到申请)")
            if state.answered is not None:
                raise _fail(
                    i,
                    ev,
                    f"the case was answered on {state.answered.isoformat()}; no events may follow",
                )
            if state.receipt is not None and ev.date < state.receipt:
                raise _fail(
                    i, ev, f"is before the statutory receipt date {state.receipt.isoformat()}"
                )
            trail.append(_apply(i, ev, state, profile, cal, deadlines))
        if as_of is not None:  # no receipt yet means the first event is after as_of
            first = events[0]
            receipt = state.receipt or getattr(first, "confirmed", None) or first.date
            if as_of < receipt:
                raise CaseError(
                    f"as-of date {as_of.isoformat()} is before the request was received"
                    f" ({receipt.isoformat()})"
                )
        try:
            spans = _spans(state)
            due = _due(state, cal, spans)
        except CalendarCoverageError:
            if not validate_only:
                raise
            spans, due = [], None
        day = as_of if as_of is not None else (last_date or date.min)
        status: Status
        if state.answered is not None:
            status = "answered"
        elif state.awaiting:
            status = "awaiting_correction"
        elif any(b is None for _, b, _ in state.suspensions) or any(
            s.first <= day <= s.last for s in spans
        ):
            status = "paused"
        elif due is not None and day > due:
            status = "overdue"
        else:
            status = "running"
        remaining = None
        if due is not None and state.answered is None and as_of is not None:
            try:
                remaining = _remaining(cal, as_of, due, spans)
            except GkDeadlineError as exc:
                state.warnings.append(remaining_unknown_warning(exc))
        on_time = None
        if state.answered is not None:
            on_time = due is None or state.answered <= due
            if due is None:
                state.warnings.append(ANSWERED_WITHOUT_DUE)
        if due is not None:
            reply = state.reply
            assert reply is not None
            deadlines["answer"] = Deadline("answer", due, reply.id, "答复期限")
    projected = bool(projected_days)
    if projected:
        state.warnings.append(PROJECTED_WARNING)
    return CaseResult(
        profile=profile.id,
        as_of=as_of,
        received=state.receipt,
        rule=state.reply.id if state.reply else None,
        due=due,
        status=status,
        remaining_workdays=remaining,
        on_time=on_time,
        answered=state.answered,
        warnings=tuple(state.warnings),
        trail=tuple(trail),
        deadlines=tuple(sorted(deadlines.values(), key=lambda d: d.due)),
        spans=tuple(spans),
        projected=projected,
    )


def _remaining(cal: Calendar, as_of: date, due: date, spans: list[Span]) -> int:
    """Countable workdays in (as_of, due] (negative: how many have passed since ``due``)."""
    lo, hi, sign = (as_of, due, 1) if as_of <= due else (due, as_of, -1)
    total = cal.workdays_between(lo, hi)
    for s in spans:
        a, b = max(s.first, lo + timedelta(days=1)), min(s.last, hi)
        if a <= b:
            total -= cal.workdays_between(a - timedelta(days=1), b)
    return sign * total


def _rule(profile: Profile, topic: str, on: date, i: int, ev: Any) -> Rule:
    r = profile.rule_for(topic, on)
    if r is None:
        raise _fail(
            i, ev, f"profile {profile.id} has no rule for {topic} in force on {on.isoformat()}"
        )
    return r


def _apply(
    i: int, ev: Any, state: _State, profile: Profile, cal: Calendar, deadlines: dict[str, Deadline]
) -> Step:
    """Apply one event to the state and describe it."""
    kind = ev.type

    def step(text: str, rule: Rule | None = None) -> Step:
        try:
            due = _due(state, cal, _spans(state))
        except CalendarCoverageError:
            due = None  # an intermediate worst case beyond the calendar; the final one is checked
        return Step(
            i,
            ev.date,
            kind,
            text,
            rule.id if rule else None,
            rule.citation() if rule else None,
            due,
        )

    if kind == "received":
        if state.receipt is not None:
            raise _fail(i, ev, "the case already has a 'received' event; one case, one request")
        if ev.channel in ("letter", "online", "fax"):
            if ev.confirmed is None:
                raise _fail(
                    i,
                    ev,
                    f"channel {ev.channel!r} needs 'confirmed': the receipt date is the date of"
                    f" confirmation (条例第三十一条{CHANNEL_ITEM[ev.channel]})",
                )
            if ev.confirmed < ev.date:
                raise _fail(
                    i, ev, f"confirmed {ev.confirmed.isoformat()} is before the request arrived"
                )
        elif ev.confirmed is not None:
            raise _fail(i, ev, f"'confirmed' applies to letter, online and fax, not {ev.channel!r}")
        receipt = ev.confirmed if ev.confirmed is not None else ev.date
        state.receipt = state.start = receipt
        state.reply = _rule(profile, "request.reply", receipt, i, ev)
        receipt_rule = profile.rule_for("request.receipt", receipt)
        if ev.channel == "letter" and ev.confirmed is not None and ev.confirmed > ev.date:
            state.warnings.append(late_letter_warning(ev.date, ev.confirmed))
        notice = profile.rule_for("request.correction-notice", receipt)
        if notice is not None:
            try:  # informational: a notice deadline beyond the calendar is simply not listed
                nd = notice.due(receipt, cal, check_in_force=False).value
                assert isinstance(nd, date)
                deadlines["correction_notice"] = Deadline(
                    "correction_notice", nd, notice.id, "补正告知期限"
                )
            except CalendarCoverageError:
                pass
        how = CHANNEL_ZH[ev.channel]
        basis = ""
        if receipt_rule is not None:
            # the item numbers are the 条例's; a local rule is cited by its own article
            item = CHANNEL_ITEM[ev.channel] if receipt_rule.document == "国务院令第711号" else ""
            basis = f"，{short_citation(receipt_rule)}{item}"
        when = (
            ""
            if ev.confirmed is None
            else f"，{ev.confirmed.isoformat()}（{weekday_zh(ev.confirmed)}）确认为收到申请之日"
        )
        reply = state.reply
        return step(
            f"收到申请（{how}{basis}）{when}→ 答复期限 {reply.limit_text()}（{short_citation(reply)}）",
            reply,
        )

    assert state.reply is not None and state.receipt is not None
    reply = state.reply

    if kind == "correction_requested":
        if state.awaiting:
            raise _fail(
                i, ev, "a correction is already awaited; record 'correction_received' first"
            )
        state.corrections += 1
        state.awaiting = True
        pending = deadlines.get("correction_notice")
        if pending is not None and state.corrections == 1 and ev.date > pending.due:
            state.warnings.append(
                late_correction_warning(ev.date, pending.due, get_rule(pending.rule))
            )
        if state.corrections > 1:
            state.warnings.append(f"第 {state.corrections} 次告知补正：条例第三十条要求一次性告知")
        rule = profile.rule_for("request.correction-notice", state.receipt)
        return step("告知申请人补正，答复期限暂停，等待补正", rule)

    if kind == "correction_received":
        if not state.awaiting:
            raise _fail(i, ev, "no correction was requested; record 'correction_requested' first")
        state.awaiting = False
        state.start = ev.date
        return step(
            f"收到补正的申请，答复期限自本日重新计算 {reply.limit_text()}（条例第三十条）", reply
        )

    if kind == "consultation_started":
        if any(c.party == ev.party and c.end is None for c in state.consults):
            raise _fail(i, ev, f"a consultation with the {ev.party} is already open; end it first")
        prule = _rule(profile, PARTY_TOPIC[ev.party], ev.date, i, ev)
        limit: date | None
        try:
            value = prule.due(ev.date, cal, check_in_force=False).value
            assert isinstance(value, date)
            limit, unknown = value, None
        except CalendarCoverageError as exc:
            limit, unknown = None, exc
        state.consults.append(_Consult(ev.party, ev.date, i, limit, prule, None, unknown))
        key = "third_party_reply" if ev.party == "third_party" else "agency_reply"
        if limit is not None:
            deadlines[key] = Deadline(key, limit, prule.id, f"{PARTY_ZH[ev.party]}提出意见期限")  # type: ignore[arg-type]
        why = _check_basis(state, profile, "consultation", state.receipt)
        extra = f"；{why}" if why else ""
        by = f"应于 {limit.isoformat()} 前" if limit else "的期限超出日历范围，应及时"
        return step(
            f"征求{PARTY_ZH[ev.party]}意见，所需时间不计入答复期限；{PARTY_ZH[ev.party]}{by}提出意见"
            f"（{short_citation(prule)}）{extra}",
            prule,
        )

    if kind == "consultation_ended":
        open_ = [c for c in state.consults if c.party == ev.party and c.end is None]
        if not open_:
            raise _fail(
                i,
                ev,
                f"no open consultation with the {ev.party}; record 'consultation_started' first",
            )
        c = open_[0]
        c.end = ev.date
        if c.limit is not None and ev.date > c.limit:
            text = (
                f"收到{PARTY_ZH[ev.party]}意见（已逾期，{short_citation(c.rule)}）；不计入的时间截至"
                f" {c.limit.isoformat()}，其后恢复计算"
            )
        else:
            text = f"收到{PARTY_ZH[ev.party]}意见，{c.start.isoformat()} 至 {ev.date.isoformat()} 不计入，次日恢复计算"
        return step(text, reply)

    if kind == "suspended":
        if any(b is None for _, b, _ in state.suspensions):
            raise _fail(
                i,
                ev,
                "the period is already suspended; record 'resumed' first (suspensions may not overlap)",
            )
        state.suspensions.append((ev.date, None, ev.reason))
        why = _check_basis(state, profile, "suspension", state.receipt)
        extra = f"；{why}" if why else ""
        return step(f"期限中止（{ev.reason}），障碍消除后恢复计算{extra}", reply)

    if kind == "resumed":
        open_s = [k for k, (_, b, _) in enumerate(state.suspensions) if b is None]
        if not open_s:
            raise _fail(i, ev, "the period is not suspended; record 'suspended' first")
        k = open_s[0]
        a, _, reason = state.suspensions[k]
        state.suspensions[k] = (a, ev.date, reason)
        return step(
            f"障碍消除，{a.isoformat()} 至 {ev.date.isoformat()} 不计入，次日恢复计算", reply
        )

    if kind == "extension":
        if state.extension is not None:
            raise _fail(
                i,
                ev,
                "the reply period was already extended once; a second extension is not allowed",
            )
        if state.delay_until is not None:
            raise _fail(
                i, ev, "the deadline was set by a delay (第三十五条); it cannot also be extended"
            )
        current = _due(state, cal, _spans(state))
        if current is None:
            raise _fail(
                i, ev, "there is no running deadline to extend (awaiting correction or suspended)"
            )
        if ev.date > current:
            raise _fail(
                i,
                ev,
                f"the deadline {current.isoformat()} had already passed; an extension must be granted before it",
            )
        ext = _rule(profile, "request.extension", state.receipt, i, ev)
        assert ext.duration is not None
        n = ev.workdays if ev.workdays is not None else ext.duration.amount
        if n > ext.duration.amount:
            raise _fail(
                i,
                ev,
                f"{n} workdays exceeds the maximum extension of {ext.duration} ({short_citation(ext)})",
            )
        state.extension = (ext, n)
        return step(
            f"经负责人同意延长答复期限 {n} 个工作日（{short_citation(ext)}，{ext.limit_text()}），自原期限"
            f" {current.isoformat()} 届满之次日起接续计算",
            ext,
        )

    if kind == "delay_set":
        if ev.until <= ev.date:
            raise _fail(i, ev, f"'until' {ev.until.isoformat()} must be after the event date")
        rule = _rule(profile, "request.delay", state.receipt, i, ev)
        state.delay_until = ev.until
        return step(
            f"申请数量、频次明显超过合理范围，确定延迟答复至 {ev.until.isoformat()}（{short_citation(rule)}）",
            rule,
        )

    if kind == "answered":
        state.answered = ev.date
        try:
            due = _due(state, cal, _spans(state))
        except CalendarCoverageError:
            due = None  # the verdict needs the deadline; result() reports why it is unknown
        verdict = (
            ""
            if due is None
            else ("，按期" if ev.date <= due else f"，逾期（期限 {due.isoformat()}）")
        )
        return Step(i, ev.date, kind, f"作出答复{verdict}", reply.id, reply.citation(), due)

    raise _fail(i, ev, "unhandled event type")  # pragma: no cover  (parse_event guards the types)
