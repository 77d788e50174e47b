"""Every problem a case can have, once: a stable code, its severity, its wording, its rule.

The case engine (scalar and batch alike, `gkdeadline.engine`) reports problems as numbers
with up to two arguments; this table turns them into data people read:

* ``error`` — impossible data (answered before received, a correction received that was never
  requested): the case cannot be computed and the caller gets a `CaseError`
  (or, in batch, an error row) with this code;
* ``violation`` — the agency broke a rule (an extension granted after the deadline, a late
  correction notice, an answer after the deadline): recorded as a *finding* with the rule broken
  and its citation, and the legal consequence is computed (a late extension does not extend).
  ``strict=True`` turns violations into errors for systems that validate input;
* ``notice`` — what an auditor should know (the applicant never supplied the correction and the
  request counts as abandoned; a result depends on a holiday schedule not yet published).

``topic`` names the rule whose citation goes with the problem: the engine looks it up in the
case's profile *in force on the receipt date*, so a 2012 case cites the 2008 条例 and a 2026 case
the 2019 条例 — nothing is cited from here. ``docs/errors.md`` is generated from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "violation", "notice"]
ArgKind = Literal["date", "int", "text"]

SEVERITY_ZH = {"error": "错误", "violation": "违规", "notice": "提示"}


@dataclass(frozen=True)
class Problem:
    """One problem a case can have (a row of ``docs/errors.md``).

    Attributes:
        num: The engine's number for it (stable; never reused).
        code: The stable code, e.g. ``extension-after-deadline``.
        severity: ``error`` (impossible data), ``violation`` (the agency broke a rule) or
            ``notice``.
        topic: The rule topic whose citation goes with it (looked up in the case's profile on
            the receipt date).
        zh: The Chinese wording, a `str.format` template over ``args`` (and ``{limit}``, the
            rule's limit).
        en: The English wording.
        args: The template's arguments and their kinds.
        zero_workdays: ``(zh, en)`` templates used instead when the workday count ``{n}`` is 0:
            past a deadline by non-working days only ("逾期 0 个工作日" reads as "not late").
    """

    num: int  # the kernel's number for it (stable; never reuse a number)
    code: str
    severity: Severity
    topic: str | None  # the rule topic whose citation applies
    zh: str  # str.format template over ``args`` (plus {limit}: the rule's limit text)
    en: str
    args: tuple[tuple[str, ArgKind], ...] = ()
    zero_workdays: tuple[str, str] | None = None

    def templates(self, values: dict[str, object]) -> tuple[str, str]:
        """The ``(zh, en)`` templates for these argument values."""
        if self.zero_workdays is not None and values.get("n") == 0:
            return self.zero_workdays
        return self.zh, self.en


_P = Problem
PROBLEMS: tuple[Problem, ...] = (
    # ------------------------------------------------------------------ impossible data
    _P(
        1,
        "missing-received",
        "error",
        None,
        "案件没有“收到申请”（received）事件，无法确定收到申请之日",
        "the case has no 'received' event, so the receipt date is unknown",
    ),
    _P(
        2,
        "duplicate-received",
        "error",
        None,
        "案件有两个“收到申请”事件；一件申请只能收到一次，另一次申请请另立案件",
        "the case has two 'received' events; one case, one request",
    ),
    _P(
        3,
        "event-before-receipt",
        "error",
        None,
        "事件日期早于收到申请之日 {receipt}",
        "the event is dated before the receipt date {receipt}",
        (("receipt", "date"),),
    ),
    _P(
        4,
        "confirmed-before-arrival",
        "error",
        "request.receipt",
        "确认日期 {confirmed} 早于申请到达之日",
        "the confirmation date {confirmed} is before the request arrived",
        (("confirmed", "date"),),
    ),
    _P(
        5,
        "missing-confirmation",
        "error",
        "request.receipt",
        "这种提交方式以确认之日为收到申请之日，必须给出 confirmed（确认日期）",
        "this channel's receipt date is the date of confirmation: give 'confirmed'",
    ),
    _P(
        6,
        "confirmation-not-applicable",
        "error",
        "request.receipt",
        "这种提交方式的收到申请之日不以确认之日为准，不应给出 confirmed",
        "'confirmed' does not apply to this channel",
    ),
    _P(
        7,
        "correction-without-request",
        "error",
        None,
        "收到补正，但此前没有告知补正（correction_requested）",
        "a correction was received but none was requested; record 'correction_requested' first",
    ),
    _P(
        8,
        "consultation-end-without-start",
        "error",
        None,
        "收到意见，但没有尚未结束的对应征求意见（consultation_started）",
        "no open consultation with this party; record 'consultation_started' first",
    ),
    _P(
        9,
        "resumed-without-suspension",
        "error",
        None,
        "恢复计算，但期限没有中止（suspended）",
        "the period is not suspended; record 'suspended' first",
    ),
    _P(
        10,
        "fee-paid-without-notice",
        "error",
        None,
        "缴纳信息处理费，但此前没有收费通知（fee_notified）",
        "a fee was paid but no fee notice was recorded",
    ),
    _P(
        11,
        "until-not-after-date",
        "error",
        None,
        "截止日期 {until} 不晚于事件日期",
        "'until' {until} is not after the event date",
        (("until", "date"),),
    ),
    _P(
        12,
        "no-reply-rule",
        "error",
        "request.reply",
        "档案在 {receipt} 没有施行中的依申请公开答复期限规则（request.reply）",
        "the profile has no request.reply rule in force on {receipt}",
        (("receipt", "date"),),
    ),
    _P(
        13,
        "as-of-before-receipt",
        "error",
        None,
        "查询日期早于收到申请之日 {receipt}",
        "the as-of date is before the request was received ({receipt})",
        (("receipt", "date"),),
    ),
    _P(
        14,
        "channel-not-provided",
        "error",
        "request.receipt",
        "施行中的收到申请之日规则没有规定这种提交方式",
        "the receipt rule in force does not provide for this channel",
    ),
    _P(
        15,
        "delivered-before-answer",
        "error",
        None,
        "送达日期早于作出答复之日，或案件还没有答复",
        "the answer is delivered before it was made, or there is no answer",
    ),
    _P(
        16,
        "duration-invalid",
        "error",
        None,
        "期间 {n} 不是正整数",
        "the period {n} is not a positive whole number",
        (("n", "int"),),
    ),
    _P(
        17,
        "fee-lapsed-without-notice",
        "error",
        None,
        "记录了逾期未缴费，但此前没有收费通知（fee_notified）",
        "a fee lapse was recorded but no fee notice was",
    ),
    # ------------------------------------------------------------------ the agency broke a rule
    _P(
        20,
        "late-correction-notice",
        "violation",
        "request.correction-notice",
        "补正告知晚于 {due}（应当自收到申请之日起 {limit}内一次性告知）",
        "the correction notice came after {due} (limit: {limit})",
        (("due", "date"),),
    ),
    _P(
        21,
        "second-correction-request",
        "violation",
        "request.correction-notice",
        "第 {n} 次告知补正：应当一次性告知申请人补正的事项",
        "correction requested {n} times; the rule requires one notice listing everything",
        (("n", "int"),),
    ),
    _P(
        22,
        "late-letter-confirmation",
        "violation",
        "request.receipt",
        "平常信函 {arrived} 收到，迟至确认日才与申请人确认；应当在收到申请的当日确认",
        "the ordinary letter arrived on {arrived} but was not confirmed that day",
        (("arrived", "date"),),
    ),
    _P(
        23,
        "extension-after-deadline",
        "violation",
        "request.extension",
        "延长答复期限时原期限 {due} 已经届满，延长无效，期限仍为 {due}",
        "the deadline {due} had passed when the extension was granted; it does not extend",
        (("due", "date"),),
    ),
    _P(
        24,
        "second-extension",
        "violation",
        "request.extension",
        "再次延长答复期限；延长合计不得超过 {limit}",
        "a second extension; extensions together may not exceed {limit}",
    ),
    _P(
        25,
        "extension-exceeds-cap",
        "violation",
        "request.extension",
        "延长 {n} 个工作日超过上限（{limit}），按上限计算",
        "an extension of {n} workdays exceeds the cap ({limit}); the cap applies",
        (("n", "int"),),
    ),
    _P(
        26,
        "extension-without-basis",
        "violation",
        "request.reply",
        "施行中的规则没有延长答复期限的规定，延长无效",
        "no extension rule is in force; the extension does not extend",
    ),
    _P(
        27,
        "extension-while-not-running",
        "violation",
        "request.extension",
        "延长时答复期限不在计算中（等待补正或中止），延长无效",
        "no deadline was running when the extension was granted; it does not extend",
    ),
    _P(
        28,
        "delay-after-deadline",
        "violation",
        "request.delay",
        "确定延迟答复期限时原期限 {due} 已经届满，延迟无效",
        "the deadline {due} had passed when the delay was set; it does not apply",
        (("due", "date"),),
    ),
    _P(
        29,
        "delay-without-basis",
        "violation",
        "request.reply",
        "施行中的规则没有延迟答复的规定（2008 年条例没有第三十五条），延迟无效",
        "no delay rule is in force (the 2008 regulation has none); the delay does not apply",
    ),
    _P(
        30,
        "answered-late",
        "violation",
        "request.reply",
        "答复晚于期限 {due}，逾期 {n} 个工作日",
        "answered after the deadline {due}, {n} workdays late",
        (("due", "date"), ("n", "int")),
        (
            "答复晚于期限 {due}，期限届满后只过了非工作日，逾期不足 1 个工作日",
            "answered after the deadline {due}, with only non-working days since it: less than one"
            " workday late",
        ),
    ),
    _P(
        31,
        "no-basis-for-span",
        "violation",
        "request.reply",
        "施行中的规则没有“{what}时间不计入”的规定，这段时间计入答复期限",
        "no rule in force excludes the time of this {what}; it counts toward the deadline",
        (("what", "text"),),
    ),
    _P(
        32,
        "event-after-close",
        "violation",
        None,
        "案件已于 {closed} 结束（答复、撤回或视为放弃），此后的事件已记录但不影响期限",
        "the case was closed on {closed}; later events are recorded but change nothing",
        (("closed", "date"),),
    ),
    _P(
        33,
        "suspension-without-reason",
        "violation",
        "request.reply",
        "期限中止没有写明事由（reason）；中止须有不可抗力或者其他法定事由",
        "the suspension gives no reason; a suspension needs a lawful reason",
    ),
    _P(
        34,
        "overdue",
        "violation",
        "request.reply",
        "答复期限 {due} 已过，尚未答复，已逾期 {n} 个工作日",
        "the deadline {due} has passed without an answer; {n} workdays overdue",
        (("due", "date"), ("n", "int")),
        (
            "答复期限 {due} 已过，尚未答复；期限届满后只过了非工作日，逾期不足 1 个工作日",
            "the deadline {due} has passed without an answer; only non-working days have passed"
            " since: less than one workday overdue",
        ),
    ),
    _P(
        35,
        "delay-while-not-running",
        "violation",
        "request.delay",
        "确定延迟答复期限时答复期限不在计算中，延迟无效",
        "no deadline was running when the delay was set; it does not apply",
    ),
    # ------------------------------------------------------------------ for the auditor
    _P(
        40,
        "consultation-reply-late",
        "notice",
        None,
        "被征求意见方逾期提出意见；不计入的时间截至其期限 {limit_date}",
        "the consulted party replied after its own deadline; the time not counted ends {limit_date}",
        (("limit_date", "date"),),
    ),
    _P(
        41,
        "correction-lapsed",
        "notice",
        "request.correction-notice",
        "申请人在补正期限 {until} 前未补正，视为放弃申请",
        "the applicant did not supply the correction by {until}: the request counts as abandoned",
        (("until", "date"),),
    ),
    _P(
        42,
        "fee-lapsed",
        "notice",
        "request.fee",
        "申请人逾期未缴纳信息处理费，视为放弃申请",
        "the applicant did not pay the fee in time: the request counts as abandoned",
    ),
    _P(
        43,
        "correction-after-period",
        "notice",
        "request.correction-notice",
        "补正晚于行政机关确定的补正期限 {until}，行政机关仍予受理",
        "the correction came after the period set ({until}); the agency accepted it",
        (("until", "date"),),
    ),
    _P(
        44,
        "party-receipt-assumed",
        "notice",
        None,
        "未记录被征求意见方收到征求意见书的日期，其期限自发出之日起算（{limit_date} 届满）",
        "the consulted party's receipt of the request is not recorded; its limit is counted"
        " from the sending date ({limit_date})",
        (("limit_date", "date"),),
    ),
    _P(
        45,
        "answered-while-paused",
        "notice",
        None,
        "答复时答复期限不在计算中（等待补正、缴费或期限中止），按期答复",
        "answered while no deadline was running (awaiting correction, fee or suspended): on time",
    ),
    _P(
        46,
        "calendar-pending",
        "notice",
        None,
        "答复期限取决于尚未公布的放假安排，目前只能确定在 {earliest} 至 {latest} 之间",
        "the deadline depends on a holiday schedule not yet published: between {earliest} and"
        " {latest}",
        (("earliest", "date"), ("latest", "date")),
    ),
    _P(
        47,
        "projected-calendar",
        "notice",
        None,
        "计算用到了预测的放假安排（国务院尚未发布通知），正式通知发布后可能变化",
        "the result uses projected holidays (no State Council notice yet) and may change",
    ),
    _P(
        48,
        "seriously-overdue",
        "notice",
        None,
        "逾期已超过 {n} 个工作日（严重逾期）",
        "more than {n} workdays overdue (seriously overdue)",
        (("n", "int"),),
    ),
    _P(
        49,
        "withdrawn",
        "notice",
        None,
        "申请人撤回申请，案件结束",
        "the applicant withdrew the request",
    ),
    _P(
        50,
        "calendar-override",
        "notice",
        None,
        "计算用到的放假安排替换了内置的国务院安排（override）：{what}",
        "the calendar replaces a built-in State Council schedule on purpose: {what}",
        (("what", "text"),),
    ),
)

BY_CODE: dict[str, Problem] = {p.code: p for p in PROBLEMS}
BY_NUM: dict[int, Problem] = {p.num: p for p in PROBLEMS}
assert len(BY_CODE) == len(PROBLEMS) == len(BY_NUM), "problem codes and numbers must be unique"


def num(code: str) -> int:
    """The kernel's number for ``code`` (used by the engine so no bare numbers appear there)."""
    return BY_CODE[code].num
