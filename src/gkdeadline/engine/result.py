"""The result of a case: one pydantic model, the single JSON shape for the library, the command
line, batch rows and the HTTP service (``gkdeadline schema result`` prints its JSON Schema)."""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["2"] = "2"

Status = Literal[
    "running",
    "paused",
    "awaiting_correction",
    "awaiting_fee",
    "answered",
    "answered_late",
    "overdue",
    "seriously_overdue",
    "withdrawn",
    "abandoned",
    "pending_calendar",
]
# in the order of gkdeadline.engine.core's S_* numbers; "pending_calendar" is set outside the core
STATUSES: tuple[str, ...] = (
    "running",
    "paused",
    "awaiting_correction",
    "awaiting_fee",
    "answered",
    "answered_late",
    "overdue",
    "seriously_overdue",
    "withdrawn",
    "abandoned",
    "pending_calendar",
)
STATUS_ZH = {
    "running": "计时中",
    "paused": "暂停计时",
    "awaiting_correction": "等待补正",
    "awaiting_fee": "等待缴费",
    "answered": "已按期答复",
    "answered_late": "逾期答复",
    "overdue": "已逾期未答复",
    "seriously_overdue": "严重逾期未答复",
    "withdrawn": "申请人已撤回",
    "abandoned": "视为放弃申请",
    "pending_calendar": "待国务院放假安排确定",
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# The parts of a result are plain frozen dataclasses (a result is built for every case, and a
# dataclass is ~10× cheaper to make than a model); pydantic validates, serialises and
# describes them in the JSON Schema as it does models.

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen slots dataclass an ``__init__`` (same parameters and defaults) that sets
    each slot through its descriptor: half the cost of the generated one, which calls
    ``object.__setattr__`` by name for every field. Instances stay frozen."""
    names, params = [], []
    ns: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is not MISSING or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        names.append(f.name)
        if f.default is MISSING:
            params.append(f.name)
        else:
            ns[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        ns[f"_s_{f.name}"] = getattr(cls, f.name).__set__
    body = "".join(f"    _s_{n}(self, {n})\n" for n in names)
    exec(f"def __init__(self, {', '.join(params)}):\n{body}", ns)  # as dataclasses itself does
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@_quick_init
@dataclass(frozen=True, slots=True)
class Finding:
    """A violation or notice found in a case: stable code, Chinese message, the rule broken."""

    code: Annotated[str, Field(description="稳定的代码，见 docs/errors.md")]
    """Stable code, e.g. ``answered-late`` (every code is listed in ``docs/errors.md``)."""
    severity: Literal["violation", "notice"]
    """``violation`` or ``notice``.

    A violation: the agency broke a rule, and its legal consequence is computed. A notice:
    something an auditor should know.
    """
    message: Annotated[str, Field(description="中文说明")]
    """The finding in Chinese, with dates and numbers."""
    message_en: str
    """The same in English."""
    event_index: Annotated[int | None, Field(description="引起它的事件（输入中的序号）")] = None
    """The event that caused it (its position in the input), if one did."""
    date: dt.date | None = None
    """The day it happened, if it has one."""
    rule_id: str | None = None
    """The rule broken or applied (a rule in force on the receipt date)."""
    citation: str | None = None
    """That rule's citation: document, article and the quoted words."""


@_quick_init
@dataclass(frozen=True, slots=True)
class Step:
    """One line of the trail: what happened, which rule applied, the deadline afterwards."""

    index: Annotated[int, Field(description="事件在输入中的序号")]
    """The event's position in the input."""
    date: dt.date
    """The event's date."""
    event: str
    """The event type (``received``, ``extension`` …)."""
    text: Annotated[str, Field(description="中文说明")]
    """What happened and what it means, in Chinese, citing the rule."""
    rule_id: str | None = None
    """The rule applied at this step."""
    citation: str | None = None
    """That rule's citation."""
    due: Annotated[dt.date | None, Field(description="本事件之后的答复期限")] = None
    """The answer deadline after this event.

    The earliest possible one while it depends on an unpublished holiday schedule; ``None``
    while the clock waits.
    """
    due_latest: Annotated[
        dt.date | None,
        Field(description="期限取决于尚未公布的放假安排时：最晚可能的日期（due 为最早）"),
    ] = None
    """The latest possible deadline, when it depends on an unpublished schedule."""
    extra: dict[str, Any] | None = None
    """The event's own ``extra`` object, returned untouched."""

    def line(self) -> str:
        if self.due is None:
            arrow = ""
        elif self.due_latest is not None and self.due_latest != self.due:
            arrow = f" → 期限 {self.due.isoformat()} 至 {self.due_latest.isoformat()}"
        else:
            arrow = f" → 期限 {self.due.isoformat()}"
        return f"{self.date.isoformat()} {self.text}{arrow}"


@_quick_init
@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """A dated obligation or window arising in the case."""

    kind: Literal[
        "answer",
        "correction_notice",
        "correction_period",
        "third_party_reply",
        "agency_reply",
        "fee_payment",
        "review",
        "litigation",
    ]
    """Which limit: ``answer``, ``review`` (复议), ``litigation`` (诉讼) ….

    One of ``answer``, ``correction_notice``, ``correction_period``, ``third_party_reply``,
    ``agency_reply``, ``fee_payment``, ``review`` (申请行政复议) or ``litigation`` (提起行政诉讼).
    """
    due: dt.date | None
    """The last day; ``None`` while it depends on an unpublished schedule.

    Then ``due_earliest`` and ``due_latest`` bound it, as far as they can be known.
    """
    obligor: Literal["agency", "applicant", "third_party"]
    """Who must act: ``agency``, ``applicant`` or ``third_party``."""
    title: str
    """The limit's name in Chinese."""
    rule_id: str
    """The rule that sets it."""
    citation: str
    """That rule's citation."""
    note: str | None = None
    """How it was counted, when that needs saying."""
    due_earliest: dt.date | None = None
    """With ``due`` unknown: the earliest the last day can be."""
    due_latest: dt.date | None = None
    """With ``due`` unknown: the latest it can be.

    ``None`` when it cannot be bounded, e.g. beyond every bound the calendar knows.
    """


@_quick_init
@dataclass(frozen=True, slots=True)
class SpanItem:
    """A span of the case: consultation, suspension, correction, fee — counted or not."""

    first: dt.date
    """The first day (自A之日起)."""
    last: Annotated[dt.date | None, Field(description="null：尚未结束")]
    """The last day (至B之日止); ``None`` while the span has not ended."""
    kind: str
    """What kind of span: consultation (by party), suspension, correction or fee.

    One of ``consultation.third_party``, ``consultation.agency``, ``suspension``,
    ``correction``, ``fee``.
    """
    counted: Annotated[bool, Field(description="true：这段时间计入答复期限（没有不计入的依据）")]
    """True when the span counts toward the answer deadline.

    No rule in force says it does not count; the case then has a ``no-basis-for-span`` finding.
    """
    note: str
    """What the span was, in Chinese."""


@_quick_init
@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule the computation used: its id and citation."""

    id: str
    citation: str


class CaseResult(_Model):
    """Everything known about a case on ``as_of``."""

    schema_version: Literal["2"] = SCHEMA_VERSION
    """``"2"``."""
    id: str | None = None
    """The case's id, as given."""
    profile: str
    """The profile id."""
    as_of: dt.date | None = Field(description="状态日期；null：截至最后一个事件")
    """The status date; ``None``: as of the last event."""
    received: dt.date | None = Field(description="收到申请之日（依收到申请之日规则）")
    """The statutory receipt date (by the receipt rule of the channel)."""
    rule: str | None = Field(description="答复期限规则 id")
    """The id of the answer-deadline rule in force on the receipt date."""
    due: dt.date | None = Field(description="答复期限；暂停、等待补正时为 null")
    """The answer deadline; ``None`` while the clock waits or the date is not yet certain.

    ``None`` while waiting for a correction or a fee, during a suspension, or while the deadline
    depends on an unpublished holiday schedule (then see ``due_earliest`` and ``due_latest``).
    """
    due_earliest: dt.date | None = Field(
        None, description="期限取决于尚未公布的放假安排时的最早可能日期"
    )
    """The earliest possible deadline, when it depends on an unpublished schedule."""
    due_latest: dt.date | None = Field(None, description="…的最晚可能日期")
    """The latest possible deadline, likewise."""
    due_assumptions: list[str] = Field(default_factory=list, description="界限所依据的假设")
    """The assumptions the two bounds rest on, in Chinese."""
    status: Status
    """The status on ``as_of`` (``running``, ``answered``, ``overdue`` …).

    One of ``running``, ``paused``, ``awaiting_correction``, ``awaiting_fee``, ``answered``,
    ``answered_late``, ``overdue``, ``seriously_overdue``, ``withdrawn``, ``abandoned``,
    ``pending_calendar``.
    """
    status_zh: str
    """The status in Chinese."""
    remaining_workdays: int | None = Field(description="as_of 之后到期限还有几个可计算的工作日")
    """Workdays that still count in ``(as_of, due]``."""
    workdays_late: int | None = Field(description="逾期的工作日数（逾期答复或逾期未答复）")
    """Workdays late (answered late, or not answered after the deadline)."""
    on_time: bool | None = Field(description="是否按期答复；未答复或尚不能确定时为 null")
    """Whether the answer met the deadline; ``None`` before an answer or while unsure."""
    answered: dt.date | None
    """The day the answer was made."""
    delivered: dt.date | None = None
    """The day it was delivered, if recorded."""
    verdict_basis: Literal["answered", "delivered"] | None = Field(
        None, description="按期与否依据的日期：作出答复之日或送达之日"
    )
    """Which day the verdict used: ``answered`` or ``delivered``."""
    verdict_rule: str | None = None
    """The rule whose deadline the verdict used."""
    outcome: str | None = None
    """The answer's result category (国办公开办函〔2021〕30号)."""
    closed: dt.date | None = None
    """The day the case closed (answer, withdrawal, abandonment)."""
    projected: bool = False
    """True when a result relies on a projected (not published) holiday."""
    findings: list[Finding] = Field(default_factory=list)
    """The violations and notices (`Finding`)."""
    trail: list[Step] = Field(default_factory=list)
    """The audit trail, one `Step` per event."""
    deadlines: list[DeadlineItem] = Field(default_factory=list)
    """Every dated obligation and window (`DeadlineItem`).

    Including the applicant's 复议 and 诉讼 windows after an answer or an unanswered deadline.
    """
    spans: list[SpanItem] = Field(default_factory=list)
    """Consultation, suspension, correction and fee spans (`SpanItem`)."""
    rules: list[RuleRef] = Field(default_factory=list, description="计算用到的规则")
    """The rules the computation used (`RuleRef`)."""
    extra: dict[str, Any] | None = None
    """The case's own ``extra`` object (with ``applicant``), returned untouched."""

    # ------------------------------------------------------------------ conveniences

    @classmethod
    def trusted(cls, **values: Any) -> CaseResult:
        """A result from values the engine computed (every field given, already of its type):
        no validation, and ~10× cheaper than ``model_construct``, which a case system calling
        the engine for every case notices. ``tests/test_result.py`` checks it equals the
        validated model."""
        missing = _FIELDS - values.keys()
        if missing:
            raise TypeError(f"CaseResult.trusted needs every field; missing {sorted(missing)}")
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "__pydantic_fields_set__", _FIELDS)
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj

    @property
    def warnings(self) -> tuple[str, ...]:
        """The findings' messages (violations and notices), in order."""
        return tuple(f.message for f in self.findings)

    def codes(self) -> list[str]:
        """The findings' codes, in order."""
        return [f.code for f in self.findings]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape (dates as ISO strings)."""
        return self.model_dump(mode="json")

    def explain(self) -> str:
        """The trail as Chinese lines, then the conclusion and the findings."""
        lines = [s.line() for s in self.trail]
        when = self.as_of.isoformat() if self.as_of else "最后一个事件"
        if self.due is not None:
            due = self.due.isoformat()
        elif self.due_earliest is not None and self.due_latest is not None:
            due = f"{self.due_earliest.isoformat()} 至 {self.due_latest.isoformat()} 之间（待定）"
        else:
            due = "暂无（期限未在计算中）"
        tail = f"截至 {when}：{self.status_zh}，答复期限 {due}"
        if self.remaining_workdays is not None:
            tail += f"，剩余 {self.remaining_workdays} 个工作日"
        if self.workdays_late:
            tail += f"，逾期 {self.workdays_late} 个工作日"
        elif self.workdays_late == 0:  # after the deadline by non-working days only
            tail += "，逾期不足 1 个工作日"
        if self.on_time is not None:
            basis = "送达" if self.verdict_basis == "delivered" else "作出答复"
            tail += f"（以{basis}之日判断）"  # the status already says on time or late
        lines.append(tail + "。")
        lines += [f"假设：{a}" for a in self.due_assumptions]
        for f in self.findings:
            tag = "违规" if f.severity == "violation" else "提示"
            cite = f"（{f.citation}）" if f.citation else ""
            lines.append(f"{tag}［{f.code}］：{f.message}{cite}")
        return "\n".join(lines)


_FIELDS = frozenset(CaseResult.model_fields)
