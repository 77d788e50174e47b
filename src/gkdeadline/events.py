"""What can happen to a request, defined once per event type.

Each `EventSpec` is the single definition of one event type: its pydantic model (the
shape of the JSON event), its number and same-day order for the engine, the kernel parameters
it carries, the columns of the one-row batch schema, the rule topics it touches and its
documentation. The scalar engine (`gkdeadline.case.Case`), the batch engine
(`gkdeadline.batch_cases`), the event docs (``docs/events/``) and the JSON Schemas are all
built from these specs.

Order: the engine replays events by date; events on the same day happen in the order of
`SPECS` (``rank``), and events of the same type on the same day in the order given. So a
correction requested and received on one day is requested first, whatever order a file lists
them in — the scalar and the batch engine cannot disagree on it.

Every event may carry ``note`` (free text) and ``extra`` (an object kept untouched and returned
in every output: a vendor's 承办人, 文号 …).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gkdeadline.outcomes import OUTCOME_CODES
from gkdeadline.timeconv import to_date

Channel = Literal["in_person", "post", "letter", "online", "fax", "email"]
CHANNELS: tuple[str, ...] = ("in_person", "post", "letter", "online", "fax", "email")
CHANNEL_ZH = {
    "in_person": "当面提交",
    "post": "邮寄",
    "letter": "平常信函",
    "online": "互联网渠道",
    "fax": "传真",
    "email": "电子邮件",
}
Party = Literal["third_party", "agency"]
PARTIES: tuple[str, ...] = ("third_party", "agency")
PARTY_ZH = {"third_party": "第三方", "agency": "其他机关"}
PeriodUnit = Literal["workdays", "days"]
UNITS: tuple[str, ...] = ("workdays", "days")
if TYPE_CHECKING:
    Outcome = str
else:
    Outcome = Literal[OUTCOME_CODES]  # built from the 30号 table (gkdeadline.outcomes)


Day = Annotated[date, BeforeValidator(to_date)]


class EventModel(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str
    date: Day = Field(description="事件发生之日（YYYY-MM-DD）")
    note: str | None = Field(None, description="备注")
    extra: dict[str, Any] | None = Field(
        None, description="调用方自己的字段（承办人、文号……），原样保留并在每种输出中返回"
    )


class Received(EventModel):
    type: Literal["received"] = "received"
    channel: Channel = Field(description="提交方式")
    confirmed: Day | None = Field(None, description="确认之日（以确认之日为收到申请之日的方式）")


class CorrectionRequested(EventModel):
    type: Literal["correction_requested"] = "correction_requested"


class CorrectionDeadlineSet(EventModel):
    type: Literal["correction_deadline_set"] = "correction_deadline_set"
    until: Day | None = Field(None, description="补正期限的最后一日")
    workdays: int | None = Field(None, ge=1, le=1000, description="补正期限（工作日），自次日起算")


class CorrectionReceived(EventModel):
    type: Literal["correction_received"] = "correction_received"


class ConsultationStarted(EventModel):
    type: Literal["consultation_started"] = "consultation_started"
    party: Party = Field(description="被征求意见方：third_party（第三方）或 agency（其他机关）")
    party_received: Day | None = Field(
        None, description="被征求意见方收到征求意见书之日（其自己的期限自此起算）"
    )


class ConsultationEnded(EventModel):
    type: Literal["consultation_ended"] = "consultation_ended"
    party: Party


class Suspended(EventModel):
    type: Literal["suspended"] = "suspended"
    reason: str | None = Field(None, description="中止事由（不可抗力或者其他法定事由）")


class Resumed(EventModel):
    type: Literal["resumed"] = "resumed"
    reason: str | None = None


class FeeNotified(EventModel):
    type: Literal["fee_notified"] = "fee_notified"
    applicant_received: Day | None = Field(None, description="申请人收到收费通知之日")
    amount: float | None = Field(None, ge=0, description="收费金额（元）")


class FeePaid(EventModel):
    type: Literal["fee_paid"] = "fee_paid"


class FeeLapsed(EventModel):
    type: Literal["fee_lapsed"] = "fee_lapsed"


class Extension(EventModel):
    type: Literal["extension"] = "extension"
    workdays: int | None = Field(None, ge=1, le=1000, description="延长的工作日数（缺省取上限）")
    until: Day | None = Field(None, description="延长至某日（“延期至3月14日前”）")


class DelaySet(EventModel):
    type: Literal["delay_set"] = "delay_set"
    until: Day = Field(description="行政机关确定的延迟答复期限的最后一日")
    reason: str | None = None


class Answered(EventModel):
    type: Literal["answered"] = "answered"
    outcome: Outcome | None = Field(None, description="办理结果（国办公开办函〔2021〕30号的分类）")


class Delivered(EventModel):
    type: Literal["delivered"] = "delivered"


class Withdrawn(EventModel):
    type: Literal["withdrawn"] = "withdrawn"


class Abandoned(EventModel):
    type: Literal["abandoned"] = "abandoned"
    reason: str | None = None


class ReanswerOrdered(EventModel):
    type: Literal["reanswer_ordered"] = "reanswer_ordered"
    by: Literal["review", "court"] = Field(description="review（行政复议决定）或 court（判决）")
    amount: int | None = Field(
        None, ge=1, le=1000, description="责令的期限长度（缺省：法定答复期限）"
    )
    unit: PeriodUnit = Field("workdays", description="期限单位：workdays 或 days")
    until: Day | None = Field(None, description="责令在某日前重新答复")
    document: str | None = Field(None, description="决定书或判决书文号")


# ----------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class Param:
    """One field of an event: how the batch schema reads it and what the engine receives.

    ``slot`` 0–2 is the engine parameter it fills (``ep0``–``ep2``); ``None``: the engine does not
    need it (it is validated and kept for the explanation). Dates become day indices (or NONE),
    enums their position + 1 (0 when absent), ints their value (or NONE), flags 1/0 (present).
    """

    field: str  # the model's field
    kind: Literal["date", "enum", "int", "flag", "text", "number"]
    values: tuple[str, ...] = ()  # for enums: the allowed values
    column: str | None = None  # its column in the one-row batch schema
    required: bool = False
    slot: int | None = None


@dataclass(frozen=True)
class EventSpec:
    """The single definition of one event type (`SPECS` lists them in same-day order).

    Attributes:
        type: The event type, as written in ``"type"`` (``received``, ``extension`` …).
        num: The engine's number for it (stable).
        model: The pydantic model of the JSON event.
        title: Its name in Chinese.
        topics: The rule topics that govern it (its citations in the docs and trails).
        meaning: What it means, in Chinese (``docs/events/<type>.md``).
        example: An example event.
        params: Every field of the event beyond ``type``, ``date``, ``note`` and ``extra`` (the
            model's), with its batch column; ``slot`` says which the engine reads.
        date_column: Its date column in the one-row batch schema.
    """

    type: str
    num: int  # the engine's number for it (stable)
    model: builtins.type[EventModel]
    title: str  # Chinese
    topics: tuple[str, ...]  # the rule topics this event is governed by (citations, docs)
    meaning: str  # what it means, in Chinese (docs/events/<type>.md)
    example: dict[str, Any]
    params: tuple[Param, ...] = ()
    date_column: str | None = None  # the one-row batch schema's column for the event date

    @property
    def rank(self) -> int:
        return SPEC_ORDER.index(self.type)


SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "received",
        1,
        Received,
        "收到申请",
        ("request.receipt", "request.reply"),
        "申请到达行政机关。`channel`：`in_person`（当面）、`post`（邮寄）、`letter`（平常信函）、"
        "`online`（互联网渠道）、`fax`（传真）、`email`（电子邮件）。哪一天是“收到申请之日”由施行中的"
        "收到申请之日规则按提交方式确定：以确认之日为准的方式必须给出 `confirmed`。收到申请之日开始"
        "计算答复期限，并决定适用哪一版本的规则（2019-05-15 起适用 2019 年条例）。",
        {"type": "received", "date": "2026-02-13", "channel": "online", "confirmed": "2026-02-14"},
        (
            Param("channel", "enum", CHANNELS, "channel", required=True, slot=0),
            Param("confirmed", "date", column="confirmed", slot=1),
        ),
        "received",
    ),
    EventSpec(
        "correction_requested",
        2,
        CorrectionRequested,
        "告知补正",
        ("request.correction-notice", "request.reply"),
        "申请内容不明确，告知申请人补正。规则规定补正后重新计算的（`restarts_on`），答复期限暂停"
        "（状态 `awaiting_correction`）直到收到补正。告知晚于补正告知期限，或规则要求一次性告知而"
        "再次告知，记为违规（`late-correction-notice`、`second-correction-request`）。",
        {"type": "correction_requested", "date": "2026-09-30"},
        date_column="correction_requested",
    ),
    EventSpec(
        "correction_deadline_set",
        3,
        CorrectionDeadlineSet,
        "确定补正期限",
        ("request.correction-notice",),
        "行政机关确定的合理补正期限（`until` 某日，或 `workdays` 个工作日）。期限届满仍未收到补正的，"
        "视为放弃申请：案件自动结束，状态 `abandoned`，并记为提示 `correction-lapsed`。",
        {"type": "correction_deadline_set", "date": "2026-09-30", "workdays": 10},
        (
            Param("until", "date", column="correction_until", slot=0),
            Param("workdays", "int", column="correction_workdays", slot=1),
        ),
        "correction_deadline_set",
    ),
    EventSpec(
        "correction_received",
        4,
        CorrectionReceived,
        "收到补正",
        ("request.reply",),
        "收到补正的申请。规则规定补正后重新计算的，答复期限自本日起重新完整计算；此前的延长、"
        "延迟答复不再适用（除非延长规则另有规定）。没有告知补正就收到补正是错误数据。",
        {"type": "correction_received", "date": "2026-10-12"},
        date_column="correction_received",
    ),
    EventSpec(
        "consultation_started",
        5,
        ConsultationStarted,
        "开始征求意见",
        ("request.reply", "request.third-party-opinion", "request.agency-opinion"),
        "书面征求第三方（`party: third_party`）或其他机关（`party: agency`）意见。这段时间是否计入"
        "答复期限，由答复期限规则按被征求方分别规定（`excludes`）；不计入的，自本日起至收到意见之日"
        "止（首尾都算）不计入。被征求方自己的期限自其收到征求意见书之日（`party_received`）起算；"
        "没有收到意见的，不计入的期间到被征求方期限届满之日结束。没有依据的，计入答复期限并记为"
        "`no-basis-for-span`。",
        {"type": "consultation_started", "date": "2026-04-01", "party": "third_party"},
        (
            Param("party", "enum", PARTIES, "consultation_party", required=True, slot=0),
            Param("party_received", "date", column="consultation_party_received", slot=1),
        ),
        "consultation_started",
    ),
    EventSpec(
        "consultation_ended",
        6,
        ConsultationEnded,
        "收到意见",
        ("request.reply", "request.third-party-opinion", "request.agency-opinion"),
        "收到被征求方的意见，次日恢复计算。逾期才收到的，不计入的时间只算到被征求方期限届满之日"
        "（提示 `consultation-reply-late`）。没有对应的开始征求意见是错误数据。",
        {"type": "consultation_ended", "date": "2026-04-10", "party": "third_party"},
        (Param("party", "enum", PARTIES, "consultation_party", required=True, slot=0),),
        "consultation_ended",
    ),
    EventSpec(
        "suspended",
        7,
        Suspended,
        "期限中止",
        ("request.reply",),
        "因不可抗力或者其他法定事由不能按期答复，期限中止（应写明 `reason`）。规则规定中止的，"
        "在 `resumed` 之前状态为 `paused`；没有依据的（如 2019 年条例），中止不影响期限，记为"
        "`no-basis-for-span`。",
        {"type": "suspended", "date": "2026-05-11", "reason": "不可抗力：洪水导致档案无法调取"},
        (Param("reason", "flag", column="suspension_reason", slot=0),),
        "suspended",
    ),
    EventSpec(
        "resumed",
        8,
        Resumed,
        "恢复计算",
        ("request.reply",),
        "障碍消除，期限恢复计算。中止之日至恢复之日（首尾都算）不计入，次日起恢复计算。"
        "没有对应的中止是错误数据。",
        {"type": "resumed", "date": "2026-05-15"},
        (Param("reason", "text"),),
        "resumed",
    ),
    EventSpec(
        "fee_notified",
        9,
        FeeNotified,
        "发出收费通知",
        ("request.fee",),
        "行政机关依《政府信息公开信息处理费管理办法》发出收费通知。收费规则规定的缴费期限自申请人"
        "收到通知之日（`applicant_received`，缺省为本日）起算；规则规定这段时间不计入答复期限的，"
        "至缴费之日止不计入。逾期未缴费的，视为放弃申请（`fee-lapsed`）。",
        {"type": "fee_notified", "date": "2026-10-09", "amount": 100},
        (
            Param("applicant_received", "date", column="fee_applicant_received", slot=0),
            Param("amount", "number"),
        ),
        "fee_notified",
    ),
    EventSpec(
        "fee_paid",
        10,
        FeePaid,
        "缴纳信息处理费",
        ("request.fee",),
        "申请人缴纳信息处理费，次日恢复计算。",
        {"type": "fee_paid", "date": "2026-10-15"},
        date_column="fee_paid",
    ),
    EventSpec(
        "fee_lapsed",
        11,
        FeeLapsed,
        "逾期未缴费",
        ("request.fee",),
        "申请人逾期未缴纳信息处理费，视为放弃申请，案件结束（状态 `abandoned`）。缴费期限届满时"
        "引擎也会自动这样处理；本事件用于记录行政机关的认定日期。",
        {"type": "fee_lapsed", "date": "2026-11-10"},
        date_column="fee_lapsed",
    ),
    EventSpec(
        "extension",
        12,
        Extension,
        "延长答复期限",
        ("request.extension",),
        "经负责人同意并告知申请人，延长答复期限：`workdays` 个工作日（缺省取上限），或延长至 `until`"
        "（某日）。延长期间自原期限届满之日接续计算，不得超过延长规则的上限（超过的按上限计算，"
        "`extension-exceeds-cap`）。原期限届满后才延长的，延长无效，期限不变"
        "（`extension-after-deadline`）。补正后重新计算的，此前的延长不再适用。",
        {"type": "extension", "date": "2026-10-28", "workdays": 20},
        (
            Param("workdays", "int", column="extension_workdays", slot=0),
            Param("until", "date", column="extension_until", slot=1),
        ),
        "extension",
    ),
    EventSpec(
        "delay_set",
        13,
        DelaySet,
        "确定延迟答复期限",
        ("request.delay",),
        "申请数量、频次明显超过合理范围的，行政机关确定延迟答复的合理期限并告知申请人；`until` 即"
        "新的答复期限，期间不计入的时间不再延长它。原期限届满后才确定的，无效"
        "（`delay-after-deadline`）；施行中的规则没有这一规定的（2008 年条例），无效"
        "（`delay-without-basis`）。补正后重新计算的，此前的延迟不再适用。",
        {"type": "delay_set", "date": "2026-10-20", "until": "2026-12-18"},
        (
            Param("until", "date", column="delay_until", required=True, slot=0),
            Param("reason", "text"),
        ),
        "delay_set",
    ),
    EventSpec(
        "answered",
        14,
        Answered,
        "作出答复",
        ("request.reply",),
        "作出答复（`outcome` 为办理结果），案件结束。按期与否以规则规定的日期为准（作出答复之日，"
        "或规则要求送达的，送达之日）；逾期答复记为 `answered-late`，状态 `answered_late`。此后只能"
        "记录送达或责令重新答复；其他事件记为 `event-after-close`。",
        {"type": "answered", "date": "2026-10-29", "outcome": "granted"},
        (Param("outcome", "enum", OUTCOME_CODES, "outcome", slot=0),),
        "answered",
    ),
    EventSpec(
        "delivered",
        15,
        Delivered,
        "送达答复",
        ("request.reply",),
        "答复送达申请人。结果同时列出作出答复之日和送达之日，并说明按期与否用的是哪一个及其依据；"
        "送达之日也是申请行政复议、提起行政诉讼期限的起算依据（知道该行政行为之日）。",
        {"type": "delivered", "date": "2026-11-02"},
        date_column="delivered",
    ),
    EventSpec(
        "withdrawn",
        16,
        Withdrawn,
        "撤回申请",
        (),
        "申请人撤回申请，案件结束（状态 `withdrawn`）。",
        {"type": "withdrawn", "date": "2026-10-15"},
        date_column="withdrawn",
    ),
    EventSpec(
        "abandoned",
        17,
        Abandoned,
        "视为放弃申请",
        ("request.correction-notice",),
        "行政机关认定申请人视为放弃申请（如无正当理由逾期不补正），案件结束（状态 `abandoned`）。",
        {"type": "abandoned", "date": "2026-11-10", "reason": "逾期不补正"},
        (Param("reason", "text"),),
        "abandoned",
    ),
    EventSpec(
        "reanswer_ordered",
        18,
        ReanswerOrdered,
        "责令重新答复",
        ("request.reply",),
        "行政复议决定（`by: review`）或判决（`by: court`）责令重新答复：期限为决定所定的 `amount`"
        " 个 `unit`（工作日或日）或 `until`，缺省为法定答复期限，自本日起算。案件重新打开，重新作出的"
        "答复按新期限判断按期与否。",
        {
            "type": "reanswer_ordered",
            "date": "2027-03-01",
            "by": "court",
            "amount": 15,
            "unit": "days",
        },
        (
            Param("amount", "int", column="reanswer_amount", slot=0),
            Param("unit", "enum", UNITS, "reanswer_unit", slot=1),
            Param("until", "date", column="reanswer_until", slot=2),
            Param("by", "enum", ("review", "court"), "reanswer_by", required=True),
            Param("document", "text"),
        ),
        "reanswer_ordered",
    ),
)
SPEC_ORDER: tuple[str, ...] = tuple(s.type for s in SPECS)
BY_TYPE: dict[str, EventSpec] = {s.type: s for s in SPECS}
BY_NUM: dict[int, EventSpec] = {s.num: s for s in SPECS}
EVENT_TYPES = SPEC_ORDER
assert len(BY_NUM) == len(SPECS)


def event_num(type_: str) -> int:
    """The engine's number for an event type."""
    return BY_TYPE[type_].num


def same_day_rank(type_: str) -> int:
    return BY_TYPE[type_].rank


def spec_of(event: Mapping[str, Any] | EventModel) -> EventSpec | None:
    kind = event.get("type") if isinstance(event, Mapping) else getattr(event, "type", None)
    return BY_TYPE.get(kind) if isinstance(kind, str) else None
