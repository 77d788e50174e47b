"""The result categories of a request (办理结果) and the applicant types, as the national
annual-report format counts them (国办公开办函〔2021〕30号, 政府信息公开工作年度报告格式, 三).

An ``answered`` event may carry ``outcome`` (one of :data:`OUTCOMES`); a case may carry
``applicant`` (one of :data:`APPLICANTS`). ``gkdeadline report`` builds the yearly table from them.
The labels follow the format as reproduced in secondary sources; the official attachment of
30号 itself was not available to check them against (see ``docs/legal-sources.md``, §5).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    code: str  # stable English identifier
    group: str  # the table's row group: （一）予以公开 …
    label: str  # the row label, verbatim
    index: int  # the row's number inside its group (0 for single-row groups)


_GRANTED = "（一）予以公开"
_PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
_REFUSED = "（三）不予公开"
_CANNOT = "（四）无法提供"
_NOT_HANDLED = "（五）不予处理"
_OTHER = "（六）其他处理"

OUTCOMES: tuple[Outcome, ...] = (
    Outcome("granted", _GRANTED, "予以公开", 0),
    Outcome("partial", _PARTIAL, "部分公开", 0),
    Outcome("refused.state-secret", _REFUSED, "1.属于国家秘密", 1),
    Outcome("refused.prohibited-by-law", _REFUSED, "2.其他法律行政法规禁止公开", 2),
    Outcome("refused.security-stability", _REFUSED, "3.危及“三安全一稳定”", 3),
    Outcome("refused.third-party-rights", _REFUSED, "4.保护第三方合法权益", 4),
    Outcome("refused.internal-affairs", _REFUSED, "5.属于三类内部事务信息", 5),
    Outcome("refused.process-information", _REFUSED, "6.属于四类过程性信息", 6),
    Outcome("refused.enforcement-file", _REFUSED, "7.属于行政执法案卷", 7),
    Outcome("refused.administrative-query", _REFUSED, "8.属于行政查询事项", 8),
    Outcome("unavailable.not-held", _CANNOT, "1.本机关不掌握相关政府信息", 1),
    Outcome("unavailable.needs-creation", _CANNOT, "2.没有现成信息需要另行制作", 2),
    Outcome("unavailable.still-unclear", _CANNOT, "3.补正后申请内容仍不明确", 3),
    Outcome("not-handled.petition", _NOT_HANDLED, "1.信访举报投诉类申请", 1),
    Outcome("not-handled.repeated", _NOT_HANDLED, "2.重复申请", 2),
    Outcome("not-handled.publication", _NOT_HANDLED, "3.要求提供公开出版物", 3),
    Outcome("not-handled.excessive", _NOT_HANDLED, "4.无正当理由大量反复申请", 4),
    Outcome("not-handled.confirmation", _NOT_HANDLED, "5.要求行政机关确认或重新出具已获取信息", 5),
    Outcome(
        "other.correction-lapsed",
        _OTHER,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        1,
    ),
    Outcome(
        "other.fee-lapsed",
        _OTHER,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        2,
    ),
    Outcome("other.other", _OTHER, "3.其他", 3),
)
OUTCOME_CODES = tuple(o.code for o in OUTCOMES)
BY_CODE = {o.code: o for o in OUTCOMES}
# the kernel stores an outcome as its 1-based position (0: not given)
OUTCOME_NUM = {o.code: i + 1 for i, o in enumerate(OUTCOMES)}


@dataclass(frozen=True)
class Applicant:
    code: str
    label: str
    group: str


APPLICANTS: tuple[Applicant, ...] = (
    Applicant("natural-person", "自然人", "自然人"),
    Applicant("business", "商业企业", "法人或其他组织"),
    Applicant("research", "科研机构", "法人或其他组织"),
    Applicant("nonprofit", "社会公益组织", "法人或其他组织"),
    Applicant("legal-service", "法律服务机构", "法人或其他组织"),
    Applicant("other-org", "其他", "法人或其他组织"),
)
APPLICANT_CODES = tuple(a.code for a in APPLICANTS)
