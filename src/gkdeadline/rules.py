"""Rule objects: one time limit, with the words it encodes and the dates it is in force.

A `Rule` is immutable data (pydantic, so files, JSON and JSON Schema come for free). Its
``kind`` says how it is evaluated; every kind is built from the same parts in
`gkdeadline.periods`:

| kind | meaning |
|---|---|
| ``period`` | a duration after a trigger (自收到申请之日起20个工作日内); may exclude spans and restart |
| ``extension`` | a further duration counted on from the original deadline (延长最长20个工作日) |
| ``lead_time`` | a duration before an event (提前7天, 开放日10日前): the latest day to act |
| ``fixed_date`` | a day of the year after the trigger year (每年3月31日前 for the previous year) |
| ``window`` | how long something may or must stay open (不超过15个工作日 / 不少于30日) |
| ``cadence`` | how often something must happen (1周内有更新, 每年两次, 每季度一次) |
| ``deadline`` | a single dated cut-off written into a notice (截止2018年3月27日下午5点) |
| ``standing`` | a standing requirement with a duration but no deadline (24小时值班) |
| ``receipt`` | how the start of a period is fixed (条例第三十一条: 收到申请之日) |
| ``delay`` | a limit the agency sets itself (条例第三十五条: 延迟答复的合理期限) |

A request-reply rule is a period (20 workdays) whose ``excludes`` lists the spans that do not
count, whose ``restarts_on`` names the event that runs it again in full, and whose
``extension`` names the extension rule — parts, not a special case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gkdeadline.calendar import Calendar, default_calendar
from gkdeadline.calendar.schedule import weekday_zh
from gkdeadline.errors import CalendarCoverageError, InputError, RuleError
from gkdeadline.outcomes import BY_CODE as OUTCOMES
from gkdeadline.periods import (
    Duration,
    Roll,
    Span,
    aligned_period_end,
    as_day,
    lead_start,
    period_end,
)
from gkdeadline.timeconv import parse_iso_date, to_moment, within_dates

Kind = Literal[
    "period",
    "extension",
    "lead_time",
    "fixed_date",
    "window",
    "cadence",
    "deadline",
    "standing",
    "receipt",
    "delay",
    "precondition",
]
# kinds with no date to compute: a requirement, a receipt mapping, an agency-set limit, a step
# that must come first
UNDATED_KINDS: tuple[str, ...] = ("standing", "receipt", "delay", "precondition")
Obligor = Literal["agency", "applicant", "third_party", "public"]
# Spans a period may not count: consultation time by party (2019 条例第三十三条第三款 names both,
# 2008 条例第二十四条第三款 only the third party), suspensions (期限中止), the time spent awaiting
# a correction, and the time from a fee notice to payment.
SpanKind = Literal[
    "consultation.third_party", "consultation.agency", "suspension", "correction", "fee"
]
SPAN_KINDS: tuple[str, ...] = (
    "consultation.third_party",
    "consultation.agency",
    "suspension",
    "correction",
    "fee",
)
SPAN_KIND_ZH = {
    "consultation.third_party": "征求第三方意见",
    "consultation.agency": "征求其他机关意见",
    "suspension": "期限中止",
    "correction": "等待补正",
    "fee": "收费通知至缴费",
}
Bound = Literal["max", "min", "exact"]

KIND_ZH: dict[str, str] = {
    "period": "期限",
    "extension": "延长期限",
    "lead_time": "提前期",
    "fixed_date": "固定日期",
    "window": "时间窗口",
    "cadence": "频次",
    "deadline": "截止时间",
    "standing": "常设要求",
    "receipt": "起算规则",
    "delay": "自定期限",
    "precondition": "前置程序",
}
OBLIGOR_ZH = {
    "agency": "行政机关",
    "applicant": "申请人",
    "third_party": "第三方",
    "public": "公众",
}
BOUND_ZH = {"max": "不超过", "min": "不少于", "exact": "恰为"}

_PER = {
    (1, "days"): "每日",
    (1, "workdays"): "每个工作日",
    (1, "weeks"): "每周",
    (1, "months"): "每月",
    (3, "months"): "每季度",
    (1, "years"): "每年",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Example(BaseModel):
    """A worked example: from this trigger, the rule gives this date (or moment)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    start: date | datetime = Field(alias="from")
    due: date | datetime
    amount: int | None = None  # for extensions: the workdays granted (default: the maximum)
    note: str | None = None


class ReceiptWay(BaseModel):
    """How one channel's receipt date is fixed (条例第三十一条's items)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    start: Literal["date", "confirmed"] = Field(
        alias="from",
        description="date: the day it arrived / was signed for; confirmed: the day of confirmation",
    )
    item: str | None = Field(None, description="该方式所在的项，如 第三项")
    same_day: bool = Field(False, description="确认应当在收到申请的当日进行")
    text: str = Field(description="该项规定的收到申请之日，中文，如 双方确认之日")


class Rule(BaseModel):
    """One time limit, cited.

    ``source`` is the document title as written; ``article`` the article or section; ``quote``
    the short phrase the rule encodes, verbatim. ``topic`` groups rules that regulate the same
    thing across documents (``request.reply``), so profiles can fall back and lint can compare.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str = Field(min_length=1)
    kind: Kind
    topic: str
    source: str = Field(min_length=1)
    article: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    effective_from: date | None = None
    effective_to: date | None = None
    document: str | None = None  # 文号, e.g. 国务院令第711号
    duration: Duration | None = None
    fixed_date: str | None = None  # "MM-DD"
    year_offset: int = 1  # fixed dates: which year after the trigger's year
    deadline: datetime | None = None
    bound: Bound | None = None
    count: int | None = Field(default=None, ge=1)
    aligned: bool = False  # cadences: per calendar week/month/quarter/year, not rolling
    trigger: str = ""  # what starts the clock, in Chinese (收到申请之日)
    obligor: Obligor = "agency"
    # ---- what the case engine reads (request.reply and its neighbours); see docs/cases.md
    excludes: tuple[SpanKind, ...] = ()  # spans that do not count (自A之日起至B之日止)
    counts: tuple[SpanKind, ...] = ()  # spans this rule says do count (no fallback for them)
    excludes_basis: str | None = None  # the clause that says so, quoted (第三十三条第三款：…)
    excludes_in: str | None = None  # for a span-making rule of another document: the topic
    span_kind: SpanKind | None = None  # … whose period its span does not count in, and the kind
    restarts_on: tuple[str, ...] | None = None  # events that run the period again in full;
    # None: the rule is silent (the fallback profile decides), (): nothing restarts it
    restarts_basis: str | None = None  # the clause that says so, quoted
    extension: str | None = None  # id of the extension rule for this period
    extends: str | None = None  # for an extension: id of the period it extends
    survives_restart: bool = False  # for an extension: does it carry over a restart?
    met_by: Literal["answered", "delivered"] | None = None  # which act meets a reply period
    receipt: dict[str, ReceiptWay] | None = None  # for receipt rules: channel → how
    # answer outcomes a rule concerns (复议前置: the refusals): codes, or a prefix ending in '.'
    outcomes: tuple[str, ...] = ()
    transition: Literal["running"] | None = None  # applies to periods still running when it
    transition_basis: str | None = None  # took effect (法释〔2015〕9号 第二十六条), quoted
    basis: str | None = None  # id of the national rule this local rule restates
    roll: Roll | None = None  # override of the default rolling
    note: str | None = None
    example: Example | None = None

    # ------------------------------------------------------------------ validation

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(
                f"rule id {v!r} must look like 'profile.name' (lower case, digits, '-', '.')"
            )
        return v

    @field_validator("topic")
    @classmethod
    def _topic_form(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$", v):
            raise ValueError(f"topic {v!r} must be dotted lower-case words, e.g. 'request.reply'")
        return v

    @field_validator("excludes", "counts", mode="before")
    @classmethod
    def _expand_consultation(cls, v: object) -> object:
        # "consultation" (both parties) is shorthand kept for older profile files
        if isinstance(v, list | tuple):
            out: list[object] = []
            for k in v:
                out += (
                    ["consultation.third_party", "consultation.agency"]
                    if k == "consultation"
                    else [k]
                )
            return tuple(dict.fromkeys(out))
        return v

    @field_validator("fixed_date")
    @classmethod
    def _mmdd(cls, v: str | None) -> str | None:
        if v is not None and not _MMDD.match(v):
            raise ValueError(f"fixed_date {v!r} must be MM-DD, e.g. 03-31")
        return v

    @model_validator(mode="after")
    def _parts_fit_kind(self) -> Self:
        need: dict[str, tuple[str, ...]] = {
            "period": ("duration",),
            "extension": ("duration", "extends"),
            "lead_time": ("duration",),
            "fixed_date": ("fixed_date",),
            "window": ("duration", "bound"),
            "cadence": ("duration", "count"),
            "deadline": ("deadline",),
            "standing": ("duration",),
        }
        for f in need.get(self.kind, ()):
            if getattr(self, f) is None:
                raise ValueError(f"a {self.kind} rule needs '{f}'")
        if self.kind in ("fixed_date", "deadline", "receipt", "delay", "precondition") and (
            self.duration
        ):
            raise ValueError(f"a {self.kind} rule takes no 'duration'")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        if self.deadline is not None and self.deadline.tzinfo is None:
            raise ValueError("deadline needs a timezone, e.g. 2018-03-27T17:00:00+08:00")
        if self.excludes and (self.duration is None or self.duration.elapsed):
            raise ValueError("'excludes' needs a day-based duration")
        if set(self.excludes) & set(self.counts):
            raise ValueError("a span kind cannot be both in 'excludes' and in 'counts'")
        if (self.excludes_in is None) != (self.span_kind is None):
            raise ValueError("'excludes_in' and 'span_kind' go together")
        if self.receipt is not None and self.kind != "receipt":
            raise ValueError("'receipt' belongs to a receipt rule")
        for o in self.outcomes:
            known = any(c.startswith(o) for c in OUTCOMES) if o.endswith(".") else o in OUTCOMES
            if not known:
                raise ValueError(f"outcome {o!r} is not an answer outcome (gkdeadline.outcomes)")
        if self.transition is not None and self.transition_basis is None:
            raise ValueError("a 'transition' needs its 'transition_basis', quoted")
        return self

    # ------------------------------------------------------------------ facts

    @property
    def profile_id(self) -> str:
        """The part of the id before the first dot: the rule set it belongs to."""
        return self.id.split(".", 1)[0]

    def in_force(self, on: date) -> bool:
        """Is this rule in force on ``on``? (An open end counts as in force.)"""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def citation(self) -> str:
        """《source》（document）article：“quote”"""
        doc = f"（{self.document}）" if self.document else ""
        return f"《{self.source}》{doc}{self.article}：“{self.quote}”"

    def limit_text(self) -> str:
        """The limit in Chinese: ``20 个工作日``, ``每年 3 月 31 日前``, ``每 1 年不少于 2 次``."""
        d = self.duration
        if self.kind == "fixed_date" and self.fixed_date:
            m, dd = self.fixed_date.split("-")
            which = "次年" if self.year_offset == 1 else f"第 {self.year_offset} 年"
            return f"{which} {int(m)} 月 {int(dd)} 日前"
        if self.kind == "deadline" and self.deadline:
            return f"{self.deadline.isoformat()} 前"
        if d is None:
            return "—"
        if d.amount == 0:
            return "当日（当场）"
        if self.kind == "window":
            return f"{BOUND_ZH[self.bound or 'max']} {d}"
        if self.kind == "cadence":
            every = self.aligned or d.unit == "workdays"
            per = _PER.get((d.amount, d.unit), f"每 {d}") if every else f"{d}内"
            bound = {"min": "至少", "max": "不超过", "exact": ""}[self.bound or "min"]
            return f"{per}{bound} {self.count} 次"
        if self.kind == "extension":
            return f"最长 {d}"
        if self.kind == "lead_time":
            return f"提前 {d}"
        return str(d)

    def as_json(self) -> dict[str, object]:
        """The catalogue's JSON shape (stable keys: ``gkdeadline rules --json``, the HTTP
        service's ``/rules``)."""
        ex = self.example
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "topic": self.topic,
            "source": self.source,
            "document": self.document,
            "article": self.article,
            "quote": self.quote,
            "jurisdiction": self.jurisdiction,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "duration": self.duration.model_dump() if self.duration else None,
            "fixed_date": self.fixed_date,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "bound": self.bound,
            "count": self.count,
            "trigger": self.trigger,
            "obligor": self.obligor,
            "excludes": list(self.excludes),
            "counts": list(self.counts),
            "restarts_on": list(self.restarts_on) if self.restarts_on is not None else None,
            "extension": self.extension,
            "extends": self.extends,
            "basis": self.basis,
            "transition": self.transition,
            "limit": self.limit_text(),
            "note": self.note,
            "example": (
                {"from": ex.start.isoformat(), "due": ex.due.isoformat()}
                if ex is not None
                else None
            ),
        }

    def effective_text(self) -> str:
        a = self.effective_from.isoformat() if self.effective_from else "未载明"
        b = self.effective_to.isoformat() if self.effective_to else "今"
        return f"{a} 至 {b}"

    def concerns_outcome(self, outcome: str | None) -> bool:
        """Does an answer with ``outcome`` fall under this rule's ``outcomes``?"""
        return outcome is not None and any(
            outcome.startswith(o) if o.endswith(".") else outcome == o for o in self.outcomes
        )

    # ------------------------------------------------------------------ evaluation

    def default_roll(self) -> Roll:
        if self.roll is not None:
            return self.roll
        if self.kind == "lead_time":
            return "backward"
        if self.kind in ("cadence", "standing"):
            return "none"
        return "forward"

    def due(
        self,
        start: date | datetime | str,
        calendar: Calendar | None = None,
        *,
        spans: Iterable[Span] = (),
        amount: int | None = None,
        check_in_force: bool = True,
    ) -> Deadline:
        """Evaluate the rule from ``start`` (the trigger; for extensions, the original deadline).

        ``spans`` are days that do not count; ``amount`` is how much of an extension is granted
        (default and maximum: the rule's duration). Raises `RuleError` when the rule has
        no computable date or is not in force on the trigger date.
        """
        cal = calendar or default_calendar()
        moment = parse_start(start)
        day = moment.date() if isinstance(moment, datetime) else moment
        span_list = tuple(spans)
        if check_in_force and not self.in_force(day):
            raise RuleError(
                f"{self.id} 在 {day.isoformat()} 不施行（施行期间：{self.effective_text()}）",
                message_en=f"{self.id} is not in force on {day.isoformat()}"
                f" (in force {self.effective_text()})",
                rule_id=self.id,
                field="start",
                value=day.isoformat(),
            )
        if self.kind in UNDATED_KINDS:
            zh, en = _no_date_message(self)
            raise RuleError(zh, message_en=en, rule_id=self.id)
        if self.kind == "deadline":
            assert self.deadline is not None
            return Deadline(self, moment, self.deadline, "due", (), False)
        if self.kind == "fixed_date":
            assert self.fixed_date is not None
            m, d = (int(x) for x in self.fixed_date.split("-"))
            with within_dates(day, later=self.year_offset >= 0):
                fixed = date(day.year + self.year_offset, m, d)
            return Deadline(self, moment, fixed, "due", (), False)
        dur = self.duration
        assert dur is not None
        if self.kind == "extension" and amount is not None:
            if not 0 < amount <= dur.amount:
                raise RuleError(
                    f"{self.id}：延长 {amount} 不在 1～{dur.amount} 之内（{self.limit_text()}，"
                    f"{self.article}）",
                    message_en=f"{self.id}: an extension of {amount} is outside 1…{dur.amount}"
                    f" ({self.limit_text()}, {self.article})",
                    rule_id=self.id,
                    field="amount",
                    value=amount,
                )
            dur = Duration(amount=amount, unit=dur.unit)
        elif amount is not None:
            raise RuleError(
                f"{self.id} 不是延长期限的规则，不能给出 amount",
                message_en=f"{self.id} is not an extension; 'amount' does not apply",
                rule_id=self.id,
                field="amount",
            )
        if self.kind == "lead_time":
            result = lead_start(moment, dur, cal, self.default_roll())
            return Deadline(self, moment, result, "latest_start", (), _projected(cal, result, day))
        if self.kind == "cadence" and self.aligned:
            result = aligned_period_end(as_day(moment), dur)
            return Deadline(self, moment, result, "period_end", (), False)
        result = period_end(moment, dur, cal, span_list, self.default_roll())
        meaning: Meaning = "due"
        if self.kind == "window":
            meaning = "not_before" if self.bound == "min" else "until"
        elif self.kind == "cadence":
            meaning = "next_by"
        projected = _projected(cal, day, result)
        return Deadline(self, moment, result, meaning, span_list, projected, dur)


Meaning = Literal["due", "until", "not_before", "latest_start", "period_end", "next_by"]

_MEANING_ZH = {
    "due": "期限届满日",
    "until": "窗口最迟结束于",
    "not_before": "最早可结束于",
    "latest_start": "最迟应在",
    "period_end": "本周期截止",
    "next_by": "下一次最迟",
}


@dataclass(frozen=True)
class Deadline:
    """The result of evaluating a rule: the date (or moment), what it means, and why."""

    rule: Rule
    start: date | datetime
    value: date | datetime
    meaning: Meaning
    spans: tuple[Span, ...] = field(default=())
    projected: bool = False
    duration: Duration | None = None  # what was counted (an extension may grant less than max)

    def iso(self) -> str:
        return self.value.isoformat()

    def explain(self, calendar: Calendar | None = None) -> str:
        r, cal = self.rule, calendar or default_calendar()
        start = _fmt(self.start)
        value = _fmt(self.value)
        trig = r.trigger or "起算日"
        parts: list[str] = []
        if r.kind == "deadline":
            parts.append(f"截止时间为 {value}，由通知直接规定")
        elif r.kind == "fixed_date":
            year = self.start.year
            parts.append(f"以 {year} 年度计，{r.limit_text().replace('次年', f'{year + 1} 年')}")
            if type(self.value) is date and _known_off(cal, self.value):
                parts.append("该日为休息日，固定日期不顺延，应提前完成")
        elif r.kind == "lead_time":
            parts.append(f"{trig}为 {start}，须{r.limit_text()}，最迟应在 {value} 前完成")
            if type(self.value) is date:
                parts.append("提前期的最后一天如遇休息日，向前调整到上一个工作日")
        elif r.kind == "cadence":
            per = "按自然周期计" if r.aligned else "自上一次起计"
            parts.append(
                f"{r.limit_text()}（{per}），自 {start} 起{_MEANING_ZH[self.meaning]} {value}"
            )
        else:
            limit = r.limit_text()
            if r.kind == "extension" and self.duration is not None:
                limit = f"延长 {self.duration}（{limit}）"
            if r.duration is not None and r.duration.amount == 0:
                parts.append(f"{trig}为 {start}，应当日完成")
            elif r.duration is not None and r.duration.elapsed:
                parts.append(f"{trig}为 {start}，{limit}内（按实际经过的时间计算，节假日照算）")
            else:
                parts.append(f"{trig}为 {start}，自次日起算 {limit}")
            for sp in self.spans:
                what = sp.note or "不计算在内的期间"
                parts.append(
                    f"{sp.first.isoformat()} 至 {sp.last.isoformat()} {what}（{sp.days} 日）不计入"
                )
            if type(self.start) is date and type(self.value) is date:
                special = cal.special_days(self.start, self.value)
                if special:
                    parts.append("其间 " + "、".join(special))
            parts.append(f"{_MEANING_ZH[self.meaning]} {value}")
        if self.projected:
            parts.append("（含预测的放假安排，国务院通知发布后以通知为准）")
        return "，".join(parts) + f"。依据：{r.citation()}。"


def _fmt(v: date | datetime) -> str:
    if isinstance(v, datetime):
        return v.isoformat()
    return f"{v.isoformat()}（{weekday_zh(v)}）"


def _known_off(cal: Calendar, d: date) -> bool:
    try:
        return not cal.is_workday(d)
    except CalendarCoverageError:  # an unknown day is not known to be off
        return False


def _projected(cal: Calendar, a: date | datetime, b: date | datetime) -> bool:
    if isinstance(a, datetime) or isinstance(b, datetime):
        return False
    return cal.uses_projection(a, b)


def parse_start(value: date | datetime | str) -> date | datetime:
    """A trigger: a date, a datetime (naive: Beijing time), or its ISO text (``YYYY-MM-DD``, or
    with a time); the conversions of `gkdeadline.timeconv`."""
    if isinstance(value, datetime):
        return to_moment(value, "start")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        return parse_iso_date(text, "start") if len(text) == 10 else to_moment(text, "start")
    raise InputError(
        f"start {value!r} 是 {type(value).__name__}，不是日期或时刻",
        code="date-invalid",
        message_en=f"start {value!r} is a {type(value).__name__}; pass a date or datetime",
        field="start",
    )


def _no_date_message(rule: Rule) -> tuple[str, str]:
    if rule.kind == "standing":
        return (
            f"{rule.id} 是常设要求（{rule.limit_text()}：{rule.quote}），没有可以计算的期限",
            f"{rule.id} is a standing requirement ({rule.limit_text()}: {rule.quote}); it has no"
            " deadline to compute",
        )
    if rule.kind == "precondition":
        return (
            f"{rule.id} 规定必须先进行的程序（{rule.article}：{rule.quote}），本身没有期限",
            f"{rule.id} states a step that must come first ({rule.article}: {rule.quote}); it has"
            " no deadline of its own",
        )
    if rule.kind == "receipt":
        return (
            f"{rule.id} 规定期限从哪一天起算（{rule.article}），本身不是期限；请用案件引擎"
            "（gkdeadline case），给出 received 事件及其提交方式",
            f"{rule.id} fixes when a period starts ({rule.article}), not a deadline; use the case"
            " engine (gkdeadline case) with a 'received' event and its channel",
        )
    return (
        f"{rule.id}：这一期限由行政机关自行确定（{rule.article}）；请在案件中记为 delay_set 事件，"
        "写明 until 日期",
        f"{rule.id}: the agency sets this limit itself ({rule.article}); record it as a"
        " 'delay_set' event with its 'until' date in the case",
    )
