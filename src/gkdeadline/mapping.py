"""Reading real exports: a 依申请公开 system's columns and labels → gkdeadline's fields and codes.

A :class:`Mapping` says which export column is which gkdeadline field (``申请编号`` → ``case_id``,
``收到申请日期`` → ``received`` …) and which label is which code (``网上申请`` → ``online``,
``不予公开·属于国家秘密`` → ``refused.state-secret`` …). :meth:`Mapping.builtin` knows the usual
Chinese column names and labels; a TOML file (:meth:`Mapping.from_toml`) adds to it or replaces it
(format: ``docs/report.md``).

:func:`normalize` turns an export into the canonical table :func:`gkdeadline.batch_cases.cases`
(one row per case) or :func:`gkdeadline.batch_cases.event_log` (one row per event) reads, with
every input row kept: a cell that cannot be read leaves its row in place with ``error_code`` and
``error`` set (the first problem of the row), and is listed in the returned
:class:`NormalizeErrors` (per row, with the spreadsheet row number; unknown labels summarised per
column). Nothing is guessed:

* dates are read by the explicit rules of :func:`parse_date` (year first, always; ``3/4/2025`` is
  refused because its day and month order cannot be known);
* a label that is not in the mapping is an error, and so is an ambiguous one (``信函``: 挂号 or
  平信? the two have different receipt days under 条例第三十一条).

:func:`read_table` reads ``.xlsx`` (openpyxl), ``.csv`` (UTF-8, or GB18030 when the file is not
valid UTF-8), ``.jsonl`` and ``.parquet`` files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.errors import InputError, MissingDependencyError
from gkdeadline.events import CHANNELS, PARTIES, SPECS, UNITS
from gkdeadline.outcomes import APPLICANT_CODES, APPLICANTS, OUTCOME_CODES, OUTCOMES
from gkdeadline.timeconv import CHINA
from gkdeadline.userfiles import loads_toml, read_utf8

I64 = npt.NDArray[np.int64]
NULL: Any = None  # a None that numpy's type stubs accept in np.where
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]

NAT = np.iinfo(np.int64).min  # a missing date, as in gkdeadline.batch_cases
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# ----------------------------------------------------------------------------- the vocabulary

RESULTS: tuple[str, ...] = ("maintained", "corrected", "other", "pending")
RESULT_ZH = {
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}
# closures an export may write in its 办理结果 column although they are not answers
CLOSURES: tuple[str, ...] = ("withdrawn", "abandoned")
# channels whose receipt day is the day of confirmation (条例第三十一条; national rules)
CONFIRMED_CHANNELS: tuple[str, ...] = ("letter", "online", "fax", "email")

TABLES: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "outcome": (*OUTCOME_CODES, *CLOSURES),
    "party": PARTIES,
    "by": ("review", "court"),
    "unit": UNITS,
    "type": tuple(s.type for s in SPECS),
    "applicant": APPLICANT_CODES,
    "result": RESULTS,
    "bool": ("true", "false"),
}
_ENUM_TABLE = {
    "channel": "channel",
    "outcome": "outcome",
    "party": "party",
    "consultation_party": "party",
    "by": "by",
    "reanswer_by": "by",
    "unit": "unit",
    "reanswer_unit": "unit",
}


@dataclass(frozen=True)
class FieldDef:
    """One canonical field: how its cells are read, and in which table shape it exists."""

    name: str
    kind: str  # id, date, enum, int, text, bool
    table: str | None = None  # the value table of an enum
    shapes: tuple[str, ...] = ("events", "cases")


def _field_defs() -> dict[str, FieldDef]:
    out: dict[str, FieldDef] = {}

    def add(name: str, kind: str, table: str | None, shape: str) -> None:
        if name in out:
            old = out[name]
            if shape not in old.shapes:
                out[name] = FieldDef(name, old.kind, old.table, (*old.shapes, shape))
            return
        out[name] = FieldDef(name, kind, table, (shape,))

    add("case_id", "id", None, "events")
    add("type", "enum", "type", "events")
    add("date", "date", None, "events")
    add("id", "id", None, "cases")
    for spec in SPECS:
        if spec.date_column:
            add(spec.date_column, "date", None, "cases")
        for prm in spec.params:
            kind = {"flag": "text"}.get(prm.kind, prm.kind)
            table = _ENUM_TABLE.get(prm.field) if prm.kind == "enum" else None
            add(prm.field, kind, table, "events")
            if prm.column:
                ctable = _ENUM_TABLE.get(prm.column) if prm.kind == "enum" else None
                add(prm.column, kind, ctable, "cases")
    for name, kind, table in (
        ("profile", "text", None),
        ("applicant", "enum", "applicant"),
        ("office", "text", None),
        ("note", "text", None),
        ("report_outcome", "enum", "outcome"),
        ("review_date", "date", None),
        ("review_result", "enum", "result"),
        ("review_decided", "date", None),
        ("litigation_date", "date", None),
        ("litigation_result", "enum", "result"),
        ("litigation_decided", "date", None),
        ("litigation_after_review", "bool", "bool"),
    ):
        out[name] = FieldDef(name, kind, table, ("events", "cases"))
    return out


FIELDS: dict[str, FieldDef] = _field_defs()
CASE_LEVEL: tuple[str, ...] = (
    "profile",
    "applicant",
    "office",
    "report_outcome",
    "review_date",
    "review_result",
    "review_decided",
    "litigation_date",
    "litigation_result",
    "litigation_decided",
    "litigation_after_review",
)

# ----------------------------------------------------------------------------- normalising text

_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_ENUMERATORS = re.compile(r"\d+[.、．]|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、")
_SEPARATORS = re.compile(r"[\s()\[\]【】:·・•\-—–/_|,，;；、.。]")


def label_key(text: str) -> str:
    """How labels are compared: NFKC (full-width → half-width), lower case, without spaces,
    quotes, item numbers (``1.``, ``（三）``, ``一、``) and separators (``·-—/:()`` …)."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = _QUOTES.sub("", t)
    t = _ENUMERATORS.sub("", t)
    return _SEPARATORS.sub("", t)


def header_key(text: str) -> str:
    """How column names are compared: NFKC and without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


# ----------------------------------------------------------------------------- the built-in mapping

# target "a|b": a in an event log, b in a one-row-per-case table
_BUILTIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "case_id|id": ("申请编号", "案件编号", "申请单号", "受理编号", "申请号", "编号", "流水号"),
    "profile": ("档案", "适用档案"),
    "type": ("事件类型", "环节", "办理环节", "事件"),
    "date": ("日期", "事件日期", "办理日期", "发生日期", "操作日期"),
    "received": ("收到申请日期", "收到日期", "受理日期", "收件日期", "登记日期", "申请收到日期"),
    "confirmed": ("确认日期", "确认收到日期", "确认之日"),
    "channel": ("申请方式", "提交方式", "申请渠道", "提交渠道"),
    "answered": ("答复日期", "办结日期", "作出答复日期"),
    "delivered": ("送达日期",),
    "outcome": ("办理结果", "答复结果", "处理结果"),
    "applicant": ("申请人类型", "申请人情况", "申请人类别"),
    "office": ("承办单位", "办理机关", "承办机关", "承办部门", "办理单位", "责任单位"),
    "party|consultation_party": ("征求意见对象", "被征求意见方"),
    "correction_requested": ("告知补正日期", "补正告知日期", "补正通知日期"),
    "correction_received": ("收到补正日期",),
    "correction_until": ("补正截止日期",),
    "workdays|correction_workdays": ("补正期限（工作日）", "补正工作日数"),
    "consultation_started": ("征求意见日期",),
    "consultation_ended": ("收到意见日期", "意见反馈日期"),
    "extension": ("延期日期", "延长答复期限日期", "延期答复日期"),
    "workdays|extension_workdays": ("延长工作日数", "延期工作日数"),
    "extension_until": ("延期至",),
    "withdrawn": ("撤回日期",),
    "abandoned": ("视为放弃日期",),
    "fee_notified": ("收费通知日期",),
    "fee_paid": ("缴费日期",),
    "fee_lapsed": ("逾期未缴费日期",),
    "until": ("截止日期", "期限截止日期"),
    "workdays": ("工作日数", "期限（工作日）"),
    "reason": ("事由", "原因"),
    "note": ("备注", "说明"),
    "review_date": ("行政复议申请日期", "复议申请日期"),
    "review_result": ("行政复议结果", "复议结果"),
    "review_decided": ("行政复议决定日期", "复议决定日期"),
    "litigation_date": ("行政诉讼起诉日期", "起诉日期"),
    "litigation_result": ("行政诉讼结果", "诉讼结果"),
    "litigation_decided": ("判决日期", "裁判日期", "诉讼审结日期"),
    "litigation_after_review": ("是否经复议", "复议后起诉"),
}

_BUILTIN_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "channel": {
        "online": (
            "网上申请",
            "互联网",
            "互联网渠道",
            "网络",
            "网上",
            "网上提交",
            "在线申请",
            "在线",
            "网站",
            "政府网站",
            "依申请公开系统",
            "政务服务网",
        ),
        "in_person": ("当面", "当面提交", "当面申请", "现场", "现场申请", "窗口", "窗口申请"),
        "post": (
            "邮寄",
            "挂号信",
            "挂号信函",
            "信函（挂号）",
            "EMS",
            "邮政EMS",
            "快递",
            "邮政快递",
        ),
        "letter": ("平信", "平常信函", "信函（平信）", "普通信函"),
        "fax": ("传真",),
        "email": ("电子邮件", "电子邮箱", "email", "e-mail"),
    },
    "party": {
        "third_party": ("第三方",),
        "agency": ("其他机关", "行政机关", "有关机关"),
    },
    "by": {
        "review": ("行政复议", "复议", "复议机关", "行政复议决定"),
        "court": ("法院", "人民法院", "判决", "行政诉讼", "诉讼"),
    },
    "unit": {"workdays": ("工作日",), "days": ("日", "天", "自然日")},
    "type": {
        "received": ("收到申请", "受理", "登记", "收到", "提交申请", "申请登记"),
        "correction_requested": ("告知补正", "补正告知", "要求补正", "补正通知", "发出补正告知"),
        "correction_deadline_set": ("确定补正期限", "补正期限"),
        "correction_received": ("收到补正", "补正", "提交补正", "补正完成"),
        "consultation_started": ("征求意见", "开始征求意见"),
        "consultation_started party=third_party": ("征求第三方意见",),
        "consultation_started party=agency": ("征求其他机关意见", "征求机关意见"),
        "consultation_ended": ("收到意见", "意见反馈", "收到反馈意见"),
        "consultation_ended party=third_party": ("收到第三方意见",),
        "consultation_ended party=agency": ("收到其他机关意见", "收到机关意见"),
        "suspended": ("中止", "期限中止"),
        "resumed": ("恢复", "恢复计算"),
        "fee_notified": ("收费通知", "发出收费通知"),
        "fee_paid": ("缴费", "缴纳信息处理费"),
        "fee_lapsed": ("逾期未缴费", "逾期不缴费"),
        "extension": ("延期答复", "延长答复期限", "延期", "延长"),
        "delay_set": ("延迟答复", "确定延迟答复期限"),
        "answered": ("答复", "作出答复", "办结", "答复办结"),
        "delivered": ("送达", "送达答复"),
        "withdrawn": ("撤回", "撤回申请", "申请人撤回"),
        "abandoned": ("视为放弃", "视为放弃申请", "逾期不补正", "逾期未补正"),
        "reanswer_ordered": ("责令重新答复", "重新答复"),
    },
    "applicant": {
        "natural-person": ("个人", "公民", "自然人申请"),
        "business": ("企业", "公司"),
        "legal-service": ("律师事务所", "律所"),
        "nonprofit": ("公益组织",),
        "other-org": ("其他组织",),
    },
    "result": {
        "maintained": ("维持", "驳回诉讼请求"),
        "corrected": ("纠正", "撤销", "确认违法", "责令履行", "责令重新答复", "变更"),
        "other": ("其他", "驳回起诉", "驳回复议申请", "终止", "撤回", "调解"),
        "pending": ("未审结", "审理中", "在审", "待审"),
    },
    "bool": {"true": ("是", "y", "yes", "1", "有"), "false": ("否", "n", "no", "0", "无")},
    "outcome": {
        "granted": ("公开", "同意公开", "全部公开"),
        "refused.state-secret": ("国家秘密", "不予公开·国家秘密"),
        "refused.security-stability": ("三安全一稳定",),
        "refused.third-party-rights": ("第三方合法权益", "不予公开·第三方合法权益"),
        "refused.internal-affairs": ("内部事务信息", "不予公开·内部事务信息"),
        "refused.process-information": ("过程性信息", "不予公开·过程性信息"),
        "refused.enforcement-file": ("不予公开·行政执法案卷",),
        "refused.administrative-query": ("不予公开·行政查询事项",),
        "unavailable.not-held": (
            "本机关不掌握",
            "不掌握相关政府信息",
            "信息不存在",
            "无法提供·本机关不掌握",
        ),
        "unavailable.needs-creation": ("需要另行制作", "无法提供·需要另行制作"),
        "unavailable.still-unclear": ("补正后仍不明确", "无法提供·补正后仍不明确"),
        "not-handled.petition": ("信访举报投诉", "不予处理·信访举报投诉"),
        "other.correction-lapsed": ("逾期不补正", "视为放弃（逾期不补正）", "其他处理·逾期不补正"),
        "other.fee-lapsed": ("逾期未缴费", "逾期未缴纳信息处理费", "其他处理·逾期未缴费"),
        "other.other": ("其他处理·其他",),
        "withdrawn": ("撤回", "撤回申请", "申请人撤回", "主动撤回"),
        "abandoned": ("视为放弃", "视为放弃申请"),
    },
}

# labels that mean different things in different systems: refused with an explanation
_BUILTIN_AMBIGUOUS: dict[str, dict[str, str]] = {
    "channel": {
        "信函": "信函要写明方式：挂号信、EMS 等需要签收的是 post（以签收之日为收到申请之日），平信是 letter（以确认之日为准），条例第三十一条",
        "信件": "同“信函”：挂号/EMS 是 post，平信是 letter",
        "书面": "书面申请可能是当面提交（in_person）或邮寄（post/letter）",
        "邮件": "“邮件”可能是邮寄信件（post/letter）或电子邮件（email）",
    },
    "applicant": {
        "法人或其他组织": "请写明法人或其他组织的类别：商业企业、科研机构、社会公益组织、法律服务机构或其他",
        "法人": "请写明法人或其他组织的类别：商业企业、科研机构、社会公益组织、法律服务机构或其他",
    },
    "result": {
        "驳回": "“驳回”要写明：驳回诉讼请求（维持，maintained）还是驳回起诉/驳回复议申请（其他结果，other）",
    },
}


def _outcome_labels() -> dict[str, set[str]]:
    """Every 30号 row label in the usual spellings: ``予以公开``, ``不予公开·属于国家秘密``,
    ``（三）不予公开 1.属于国家秘密``, ``属于国家秘密`` …"""
    groups = {o.group for o in OUTCOMES}
    short = {g: re.sub(r"（[^）]*）$", "", g.split("）", 1)[1]) for g in groups}
    labels: dict[str, set[str]] = {o.code: {o.code} for o in OUTCOMES}
    item_count = Counter(label_key(o.label) for o in OUTCOMES)
    for o in OUTCOMES:
        s = labels[o.code]
        g = short[o.group]
        s.update({o.group, g, f"{o.group}{o.label}"} if o.index == 0 else set())
        if o.index:
            s.update({f"{g}·{o.label}", f"{o.group}{o.label}"})
            bare = label_key(o.label)
            if len(bare) >= 3 and item_count[bare] == 1:
                s.add(o.label)
    return labels


def _applicant_labels() -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for a in APPLICANTS:
        s = {a.code, a.label}
        if a.group != a.label:
            s.add(f"{a.group}·{a.label}")
        labels[a.code] = s
    return labels


# ----------------------------------------------------------------------------- the mapping


MAX_MAPPING_BYTES = 1_000_000  # a mapping file larger than this is refused


def _mapping_error(zh: str, en: str, where: str = "") -> InputError:
    prefix = f"{where}：" if where else ""
    return InputError(
        f"{prefix}映射：{zh}", code="mapping-invalid", message_en=f"{where} mapping: {en}"
    )


@dataclass(frozen=True)
class Mapping:
    """Column names → fields and labels → codes (see the module docstring and docs/report.md).

    ``columns``: header (compared by :func:`header_key`) → field, ``""`` keeps the column as the
    caller's own; ``values``: value table → label (compared by :func:`label_key`) → code;
    ``ambiguous``: labels refused with an explanation; ``excel_serial``: per date field (``"*"``:
    all) whether numbers are Excel serial dates (missing: only when unambiguous, see
    :func:`parse_date`); ``shape``: ``"events"``, ``"cases"`` or ``"auto"`` (events when the mapped
    table has ``type`` and ``date`` columns); ``confirmed_from_date``: a received event whose
    channel needs a confirmation day and has none takes its own date (an explicit assumption,
    off by default); ``header_row``: the header's 1-based row in a spreadsheet or CSV (0: the
    first row, within the first 20, naming at least two known columns, else row 1).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    ambiguous: dict[str, dict[str, str]] = field(default_factory=dict)
    excel_serial: dict[str, bool] = field(default_factory=dict)
    excel_1904: bool = False
    shape: str = "auto"
    confirmed_from_date: bool = False
    header_row: int = 0
    source: str = "builtin"

    # ---------------------------------------------------------------- construction

    @classmethod
    def empty(cls) -> Mapping:
        """Only the canonical names and codes themselves."""
        values = {t: {label_key(c): c for c in codes} for t, codes in TABLES.items()}
        return cls(columns={}, values=values, source="empty")

    @classmethod
    def builtin(cls) -> Mapping:
        """The usual Chinese column names and labels (listed in docs/report.md)."""
        base = cls.empty()
        columns = {header_key(h): target for target, hs in _BUILTIN_COLUMNS.items() for h in hs}
        spellings: dict[str, dict[str, set[str]]] = {
            t: {c: set(v) for c, v in codes.items()} for t, codes in _BUILTIN_VALUES.items()
        }
        for code, labels in _outcome_labels().items():
            spellings["outcome"].setdefault(code, set()).update(labels)
        for code, labels in _applicant_labels().items():
            spellings["applicant"].setdefault(code, set()).update(labels)
        for code, zh in RESULT_ZH.items():
            spellings["result"].setdefault(code, set()).add(zh)
        values = {t: dict(v) for t, v in base.values.items()}
        for table, codes in spellings.items():
            for code, labels in codes.items():
                for label in labels:
                    _put(values[table], table, label, code, "builtin")
        ambiguous = {
            t: {label_key(k): v for k, v in labels.items()}
            for t, labels in _BUILTIN_AMBIGUOUS.items()
        }
        return cls(columns=columns, values=values, ambiguous=ambiguous, source="builtin")

    @classmethod
    def from_toml(cls, path: str | Path) -> Mapping:
        p = Path(path)
        try:
            text = read_utf8(p, "mapping", InputError, max_bytes=MAX_MAPPING_BYTES)
        except InputError as exc:
            exc.code = "mapping-invalid"
            raise
        data = loads_toml(text, lambda zh, en: _mapping_error(zh, en, str(p)))
        return cls.from_dict(data, source=str(p))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "dict") -> Mapping:
        """A mapping file's content; ``extends = "builtin"`` (default) or ``"none"``."""
        known = {"extends", "shape", "columns", "values", "dates", "options"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise _mapping_error(
                f"未知的键 {'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）",
                f"unknown keys {', '.join(unknown)}",
                source,
            )
        extends = data.get("extends", "builtin")
        if extends not in ("builtin", "none"):
            raise _mapping_error(
                f'extends 应为 "builtin" 或 "none"，而不是 {extends!r}',
                f'extends must be "builtin" or "none", not {extends!r}',
                source,
            )
        base = cls.builtin() if extends == "builtin" else cls.empty()
        columns = dict(base.columns)
        for header, target in _table(data, "columns", source).items():
            if not isinstance(target, str):
                raise _mapping_error(
                    f"列 {header!r} 的目标必须是字段名字符串",
                    f"column {header!r}: not a string",
                    source,
                )
            if target and not all(x in FIELDS for x in target.split("|")):
                raise _mapping_error(
                    f"列 {header!r} → {target!r}：没有这个字段（可用：{'、'.join(sorted(FIELDS))}；"
                    '写 "" 表示保留为调用方自己的列）',
                    f"column {header!r} -> {target!r}: no such field",
                    source,
                )
            columns[header_key(header)] = target
        values = {t: dict(v) for t, v in base.values.items()}
        ambiguous = {t: dict(v) for t, v in base.ambiguous.items()}
        for table, labels in _table(data, "values", source).items():
            if table not in TABLES:
                raise _mapping_error(
                    f"values.{table}：没有这个取值表（可用：{'、'.join(TABLES)}）",
                    f"values.{table}: no such value table",
                    source,
                )
            if not isinstance(labels, dict):
                raise _mapping_error(
                    f"values.{table} 必须是表", f"values.{table} must be a table", source
                )
            for label, code in labels.items():
                if not isinstance(code, str):
                    raise _mapping_error(
                        f"values.{table}.{label!r}：代码必须是字符串",
                        f"values.{table}.{label!r}: the code must be a string",
                        source,
                    )
                _check_code(table, code, source)
                key = label_key(label)
                values[table][key] = code  # a file's label replaces the built-in one
                ambiguous.get(table, {}).pop(key, None)
        dates = _table(data, "dates", source)
        serial: dict[str, bool] = {}
        es = dates.get("excel_serial")
        if isinstance(es, bool):
            serial["*"] = es
        elif isinstance(es, list):
            for name in es:
                if not isinstance(name, str) or FIELDS.get(name, FieldDef("", "")).kind != "date":
                    raise _mapping_error(
                        f"dates.excel_serial：{name!r} 不是日期字段",
                        f"dates.excel_serial: {name!r} is not a date field",
                        source,
                    )
                serial[name] = True
        elif es is not None:
            raise _mapping_error(
                "dates.excel_serial 应为 true、false 或日期字段名列表",
                "dates.excel_serial must be true, false or a list of date fields",
                source,
            )
        extra_dates = sorted(set(dates) - {"excel_serial", "excel_1904"})
        if extra_dates:
            raise _mapping_error(
                f"dates 下未知的键 {'、'.join(extra_dates)}",
                f"unknown keys under dates: {', '.join(extra_dates)}",
                source,
            )
        options = _table(data, "options", source)
        extra_opts = sorted(set(options) - {"confirmed_from_date", "header_row"})
        if extra_opts:
            raise _mapping_error(
                f"options 下未知的键 {'、'.join(extra_opts)}",
                f"unknown keys under options: {', '.join(extra_opts)}",
                source,
            )
        shape = data.get("shape", "auto")
        if shape not in ("auto", "events", "cases"):
            raise _mapping_error(
                f'shape 应为 "events"、"cases" 或 "auto"，而不是 {shape!r}',
                f"bad shape {shape!r}",
                source,
            )
        header_row = options.get("header_row", 0)
        if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 0:
            raise _mapping_error(
                "options.header_row 应为非负整数", "options.header_row must be >= 0", source
            )
        return cls(
            columns=columns,
            values=values,
            ambiguous=ambiguous,
            excel_serial=serial,
            excel_1904=bool(dates.get("excel_1904", False)),
            shape=shape,
            confirmed_from_date=bool(options.get("confirmed_from_date", False)),
            header_row=header_row,
            source=source,
        )

    # ---------------------------------------------------------------- lookups

    def target(self, header: str) -> str | None:
        """The field a column header maps to (None: not mapped, kept as the caller's own)."""
        key = header_key(header)
        if key in self.columns:
            return self.columns[key] or None
        if key in FIELDS:
            return key
        return None

    def serial_for(self, field_name: str) -> bool | None:
        if field_name in self.excel_serial:
            return self.excel_serial[field_name]
        return self.excel_serial.get("*")

    def lookup(self, table: str, label: str) -> tuple[str | None, str | None]:
        """(code, None), or (None, why) for an unknown or ambiguous label."""
        key = label_key(label)
        why = self.ambiguous.get(table, {}).get(key)
        if why is not None:
            return None, why
        return self.values.get(table, {}).get(key), None


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _mapping_error(f"{key} 必须是表", f"{key} must be a table", source)
    return value


def _check_code(table: str, code: str, source: str) -> None:
    base, *implied = code.split()
    if base not in TABLES[table]:
        raise _mapping_error(
            f"values.{table}：{code!r} 不是可用的代码（{'、'.join(TABLES[table])}）",
            f"values.{table}: {code!r} is not one of {', '.join(TABLES[table])}",
            source,
        )
    for item in implied:
        name, _, value = item.partition("=")
        if table != "type" or name != "party" or value not in PARTIES:
            raise _mapping_error(
                f"values.{table}：{code!r} 只能附加 party=third_party 或 party=agency（事件类型）",
                f"values.{table}: {code!r}: only event types may imply party=…",
                source,
            )


def _put(values: dict[str, str], table: str, label: str, code: str, source: str) -> None:
    key = label_key(label)
    old = values.get(key)
    if old is not None and old != code:  # a bug in the built-in lists: fail loudly
        raise _mapping_error(
            f"values.{table}：标签 {label!r} 同时对应 {old} 和 {code}",
            f"values.{table}: label {label!r} maps to both {old} and {code}",
            source,
        )
    values[key] = code


# ----------------------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:"
    r"-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})"
    r"|/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})"
    r"|\.(?P<m3>\d{1,2})\.(?P<d3>\d{1,2})"
    r"|年(?P<m4>\d{1,2})月(?P<d4>\d{1,2})日?"
    r"|(?P<m5>\d{2})(?P<d5>\d{2})(?=$)"
    r")"
    r"(?P<time>(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
SERIAL_WINDOW = (32874, 73051)  # Excel serials of 1990-01-01 … 2099-12-31 (1900 date system)
DATE_RULES_ZH = (
    "可用的写法（年份总在前）：2025-03-04、2025/3/4、2025.3.4、2025年3月4日、20250304，可带时间"
    "（2025-03-04 09:30）；不接受 3/4/2025、04.03.2025 这类无法确定日、月次序的写法"
)


def _excel_base(is_1904: bool) -> int:
    return date(1904, 1, 1).toordinal() if is_1904 else date(1899, 12, 30).toordinal()


def parse_date(
    value: Any, *, excel_serial: bool | None = None, excel_1904: bool = False
) -> tuple[date | None, str | None]:
    """One cell as a date: ``(date, None)``, ``(None, None)`` when empty, ``(None, why)`` when bad.

    * ``datetime`` / ``date`` cells (Excel date cells, Parquet timestamps): their date; an aware
      datetime takes its date in Beijing time, a naive one is Beijing time already;
    * text, year first (after NFKC, so full-width digits are fine): ``2025-03-04``, ``2025-3-4``,
      ``2025/3/4``, ``2025.3.4``, ``2025年3月4日`` (``日`` optional), ``20250304``; an optional time
      (``2025/3/4 9:30:00``, ``2025-03-04T09:30+08:00``) is dropped after converting an offset to
      Beijing time. Impossible dates (``2025-02-30``) are errors, never rolled over;
    * numbers (numeric cells only): an 8-digit whole number is ``YYYYMMDD``; a number in
      :data:`SERIAL_WINDOW` (1990–2099) is an Excel serial date unless ``excel_serial`` is False;
      with ``excel_serial=True`` any serial ≥ 61 is read (fractions are times of day, dropped).
      Digit strings other than 8 digits in a text cell are serials only with ``excel_serial=True``.
    """
    if value is None:
        return None, None
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(CHINA).date(), None
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        return None, "布尔值不是日期"
    if isinstance(value, int | float | np.integer | np.floating):
        return _number_date(float(value), excel_serial, excel_1904)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d+(\.\d+)?", text) and not re.fullmatch(r"\d{8}", text):
        if excel_serial:
            return _number_date(float(text), True, excel_1904)
        return None, (
            "文本中的数字不是日期；如果这是 Excel 序列号，请在映射文件中设置"
            " [dates] excel_serial = true"
        )
    m = _DATE_RE.match(text)
    if m is None:
        return None, f"不是可识别的日期。{DATE_RULES_ZH}"
    g = m.groupdict()
    month = next(g[k] for k in ("m1", "m2", "m3", "m4", "m5") if g[k] is not None)
    day = next(g[k] for k in ("d1", "d2", "d3", "d4", "d5") if g[k] is not None)
    try:
        d = date(int(g["y"]), int(month), int(day))
    except ValueError:
        return None, "不存在这一天"
    if g["tz"]:
        iso = f"{d.isoformat()}T{g['time'].strip().lstrip('T')}"
        try:
            moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return None, "时间部分无法识别"
        return moment.astimezone(CHINA).date(), None
    if g["time"]:
        hh, mm = g["time"].strip().lstrip("T").split(":")[:2]
        if int(hh) > 23 or int(mm) > 59:
            return None, "时间部分无法识别"
    return d, None


def _number_date(v: float, serial: bool | None, is_1904: bool) -> tuple[date | None, str | None]:
    if np.isnan(v):
        return None, None
    if v == int(v) and 19000101 <= v <= 20991231:
        s = str(int(v))
        try:
            return date(int(s[:4]), int(s[4:6]), int(s[6:])), None
        except ValueError:
            return None, "8 位数字按 YYYYMMDD 读，但不存在这一天"
    low, high = SERIAL_WINDOW
    if serial is False:
        return None, "数字不是日期（映射文件设置了 excel_serial = false）"
    if serial is None and not (low <= v < high):
        return None, (
            f"数字 {v:g} 不在 Excel 序列号的自动识别范围（{low}–{high - 1}，即 1990–2099 年）内；"
            "如确是序列号，请在映射文件中设置 [dates] excel_serial = true"
        )
    if v < (0 if is_1904 else 61) or v >= 2958466:
        return None, "超出 Excel 序列号范围（1900 年日期系统从 61 即 1900-03-01 起）"
    return date.fromordinal(_excel_base(is_1904) + int(v)), None


# ----------------------------------------------------------------------------- errors as data


@dataclass(frozen=True)
class RowError:
    """One unreadable cell (or an inconsistent row)."""

    row: int  # 0-based row of the table
    source_row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the source column's name
    field: str  # the gkdeadline field
    value: str | None
    code: str
    message: str  # Chinese first
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "source_row": self.source_row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }


@dataclass
class NormalizeErrors:
    """Every problem :func:`normalize` found, per row, and the unknown labels per column."""

    rows: list[RowError] = field(default_factory=list)
    # source column → label → number of rows (labels that are not in the mapping)
    unknown: dict[str, Counter[str]] = field(default_factory=dict)
    # source column → label → number of rows (labels the mapping recognised)
    known: dict[str, Counter[str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # source column → field (mapped)
    unmapped: list[str] = field(default_factory=list)  # source columns kept as the caller's own
    shape: str = "events"

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def extend(self, other: NormalizeErrors) -> None:
        self.rows.extend(other.rows)
        for mine, theirs in ((self.unknown, other.unknown), (self.known, other.known)):
            for col, counts in theirs.items():
                mine.setdefault(col, Counter()).update(counts)
        self.columns.update(other.columns)
        self.unmapped = list(dict.fromkeys([*self.unmapped, *other.unmapped]))
        self.shape = other.shape

    def summary_zh(self, limit: int = 20) -> str:
        """Unknown labels per column (with counts) and the first rows with errors."""
        lines: list[str] = []
        for col, counts in self.unknown.items():
            fld = self.columns.get(col, "?")
            seen = "、".join(f"{k}（{n} 行）" for k, n in counts.most_common())
            lines.append(f"列 {col}（{fld}）有映射中没有的标签：{seen}")
            known = self.known.get(col)
            if known:
                lines.append(f"  该列已识别的标签：{'、'.join(k for k, _ in known.most_common())}")
        by_code = Counter(e.code for e in self.rows)
        if by_code:
            lines.append(
                f"共 {len(self.rows)} 处错误（"
                + "，".join(f"{c} {n}" for c, n in by_code.most_common())
                + "）"
            )
            for e in self.rows[:limit]:
                lines.append(f"  {e.message}")
            if len(self.rows) > limit:
                lines.append(f"  ……另有 {len(self.rows) - limit} 处")
        return "\n".join(lines)

    def to_table(self) -> Any:
        pa = _arrow()
        names = (
            "row",
            "source_row",
            "column",
            "field",
            "value",
            "code",
            "message",
            "message_en",
        )
        return pa.table({n: [getattr(e, n) for e in self.rows] for n in names})


# ----------------------------------------------------------------------------- normalize


def _arrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("report", "pyarrow") from None
    return pa


def _uniques(col: Any) -> tuple[list[Any], I64]:
    """The distinct values of a column (as Python objects) and each row's index into them."""
    pa = _arrow()
    import pyarrow.compute as pc

    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if pa.types.is_null(col.type):
        return [None], np.zeros(len(col), dtype=np.int64)
    enc = pc.dictionary_encode(col, null_encoding="encode")
    enc = enc.combine_chunks() if isinstance(enc, pa.ChunkedArray) else enc
    idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return enc.dictionary.to_pylist(), idx


class _Errors:
    """Per-row first error (for the table's columns) and every error (for the report)."""

    def __init__(self, n: int, source_rows: I64, out: NormalizeErrors) -> None:
        self.code = np.full(n, None, dtype=object)
        self.text = np.full(n, None, dtype=object)
        self.source_rows = source_rows
        self.out = out

    def add(
        self, rows: Iterable[int], column: str, fld: str, value: Any, code: str, zh: str, en: str
    ) -> None:
        for row in rows:
            r = int(row)
            sr = int(self.source_rows[r])
            shown = None if value is None else str(value)
            msg = f"表格第 {sr} 行 {column}（{fld}）{shown!r}：{zh}"
            self.out.rows.append(
                RowError(r, sr, column, fld, shown, code, msg, f"row {sr} {column}: {en}")
            )
            if self.code[r] is None:
                self.code[r] = code
                self.text[r] = msg


def _date_column(
    col: Any, fld: str, column: str, mapping: Mapping, errs: _Errors
) -> tuple[Any, I64]:
    """A column of dates as a pyarrow date32 array (null where empty or bad) and epoch days."""
    pa = _arrow()
    import pyarrow.compute as pc

    n = len(col)
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    t = col.type
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            col = pc.local_timestamp(col.cast(pa.timestamp(t.unit, tz="Asia/Shanghai")))
        col = col.cast(pa.date32())
        t = col.type
    if pa.types.is_date(t):
        d = col.cast(pa.date32())
        days = d.to_numpy(zero_copy_only=False).astype("datetime64[D]")
        out = np.where(np.isnat(days), NAT, days.astype(np.int64))
        return d, np.asarray(out, dtype=np.int64)
    serial = mapping.serial_for(fld)
    uniques, idx = _uniques(col)
    parsed = np.full(len(uniques), NAT, dtype=np.int64)
    bad: dict[int, str] = {}
    for k, v in enumerate(uniques):
        d, why = parse_date(v, excel_serial=serial, excel_1904=mapping.excel_1904)
        if why is not None:
            bad[k] = why
        elif d is not None:
            parsed[k] = d.toordinal() - EPOCH_ORDINAL
    out = parsed[idx] if n else np.zeros(0, dtype=np.int64)
    for k, why in bad.items():
        rows = np.flatnonzero(idx == k)
        errs.add(rows, column, fld, uniques[k], "date-invalid", why, "not a readable date")
    arr = pa.array(out.astype("datetime64[D]"), type=pa.date32(), mask=out == NAT)
    return arr, out


def _enum_column(
    col: Any, fld: str, column: str, table: str, mapping: Mapping, errs: _Errors
) -> tuple[S, S]:
    """Codes (None where empty or unknown) and the raw labels, per row."""
    uniques, idx = _uniques(col)
    codes = np.full(len(uniques), None, dtype=object)
    raw = np.asarray([None if u is None else str(u).strip() or None for u in uniques], dtype=object)
    unknown = errs.out.unknown.setdefault(column, Counter())
    known = errs.out.known.setdefault(column, Counter())
    counts = np.bincount(idx, minlength=len(uniques)) if len(idx) else np.zeros(len(uniques), int)
    for k, label in enumerate(raw):
        if label is None:
            continue
        code, why = mapping.lookup(table, label)
        if code is not None:
            codes[k] = code
            known[label] += int(counts[k])
            continue
        unknown[label] += int(counts[k])
        rows = np.flatnonzero(idx == k)
        if why is not None:
            errs.add(rows, column, fld, label, "label-ambiguous", f"标签含义不明确：{why}", why)
        else:
            allowed = "、".join(TABLES[table])
            errs.add(
                rows,
                column,
                fld,
                label,
                "label-unknown",
                f"映射中没有这个标签；请在映射文件 [values.{table}] 中写明它对应的代码（{allowed}）",
                f"unknown label; map it under [values.{table}] to one of {allowed}",
            )
    if not unknown:
        errs.out.unknown.pop(column, None)
    if not known:
        errs.out.known.pop(column, None)
    return codes[idx] if len(idx) else np.zeros(0, dtype=object), raw[idx] if len(idx) else raw[:0]


def _text_column(col: Any) -> S:
    uniques, idx = _uniques(col)
    vals = np.asarray(
        [None if u is None else (_cell_text(u).strip() or None) for u in uniques], dtype=object
    )
    return vals[idx] if len(idx) else vals[:0]


def _cell_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)


def detect_shape(names: Sequence[str], mapping: Mapping | None = None) -> str:
    """``events`` when the (mapped) columns include ``type`` and ``date``, else ``cases``."""
    m = mapping or Mapping.builtin()
    targets = {(m.target(c) or "").split("|")[0] for c in names}
    if m.shape != "auto":
        return m.shape
    return "events" if {"type", "date"} <= targets else "cases"


def normalize(
    table: Any,
    mapping: Mapping | None = None,
    *,
    shape: str | None = None,
    source_rows: Any = None,
    first_row: int = 2,
) -> tuple[Any, NormalizeErrors]:
    """An export as the canonical table, and the problems found (every row kept, in order).

    ``table``: a pyarrow Table, pandas or polars DataFrame, or dict of columns (any column types:
    what :func:`read_table` returns). ``mapping``: default :meth:`Mapping.builtin`. ``shape``:
    ``"events"`` or ``"cases"`` (default: the mapping's, else :func:`detect_shape`).
    ``source_rows``: each row's spreadsheet row number (default ``first_row``, ``first_row + 1``,
    …: the header is row 1). Returns a pyarrow Table with the mapped columns renamed and read
    (dates as ``date32``, labels as codes), unmapped columns unchanged, ``source_row``, and
    ``error_code`` / ``error`` (the first problem of each row, None when the row is clean).

    In an event log (``shape="events"``) a case-level value repeated on every row of a case is
    kept only where it belongs: ``channel``/``confirmed`` on the ``received`` row, ``outcome`` on
    the ``answered`` row; a repeated copy equal to that value is cleared, a different one is an
    error. An ``outcome`` on a row that is not an answer (a 视为放弃 row saying
    ``其他处理·逾期不补正``) moves to ``report_outcome``, which only the annual report reads.
    In a one-row table, an ``outcome`` that is a closure other than an answer (撤回, 视为放弃,
    逾期不补正, 逾期未缴费) moves the ``answered`` date to ``withdrawn``, ``abandoned`` or
    ``fee_lapsed`` (and the category to ``report_outcome``): a one-row export has no event type
    to say so otherwise.
    """
    pa = _arrow()
    from gkdeadline.batch_cases import to_arrow

    m = mapping or Mapping.builtin()
    t = to_arrow(table)
    n = t.num_rows
    names = list(t.column_names)
    kind = shape or detect_shape(names, m)
    if kind not in ("events", "cases"):
        raise InputError(
            f"shape 应为 events 或 cases，而不是 {kind!r}",
            code="input-invalid",
            message_en=f"shape must be events or cases, not {kind!r}",
        )
    out = NormalizeErrors(shape=kind)
    if source_rows is None:
        srows = np.arange(first_row, first_row + n, dtype=np.int64)
    else:
        srows = np.asarray(source_rows, dtype=np.int64)
    errs = _Errors(n, srows, out)
    # which source column is which field
    targets: dict[str, str] = {}
    by_field: dict[str, list[str]] = {}
    for c in names:
        tgt = m.target(c)
        if tgt is None:
            out.unmapped.append(c)
            continue
        if "|" in tgt:
            tgt = tgt.split("|")[0 if kind == "events" else 1]
        if kind == "cases" and tgt == "case_id":
            tgt = "id"
        if kind == "events" and tgt == "id":
            tgt = "case_id"
        fdef = FIELDS.get(tgt)
        if fdef is None or kind not in fdef.shapes:
            out.unmapped.append(c)  # a field of the other shape: the caller's own column
            continue
        targets[c] = tgt
        by_field.setdefault(tgt, []).append(c)
    out.columns = dict(targets)
    required = ("case_id", "type", "date") if kind == "events" else ("received",)
    missing = [r for r in required if r not in by_field]
    if missing:
        raise InputError(
            f"表中没有对应 {'、'.join(missing)} 的列（现有列：{'、'.join(names) or '无'}）；"
            "请检查列名，或在映射文件 [columns] 中写明",
            code="column-missing",
            message_en=f"no column maps to {', '.join(missing)} (columns: {', '.join(names)})",
            field=missing[0],
        )
    cols: dict[str, Any] = {}
    codes: dict[str, S] = {}
    raws: dict[str, S] = {}
    days: dict[str, I64] = {}
    for tgt, sources in by_field.items():
        fdef = FIELDS[tgt]
        for j, c in enumerate(sources):
            col = t.column(c)
            if fdef.kind == "date":
                arr, d = _date_column(col, tgt, c, m, errs)
                if j == 0:
                    cols[tgt], days[tgt] = arr, d
                else:  # several columns for one field: the first non-empty cell
                    old = days[tgt]
                    _conflicts(errs, (old != NAT) & (d != NAT) & (old != d), sources, tgt)
                    days[tgt] = np.where(old != NAT, old, d)
                    merged = days[tgt]
                    cols[tgt] = pa.array(
                        merged.astype("datetime64[D]"), type=pa.date32(), mask=merged == NAT
                    )
            elif fdef.kind in ("enum", "bool"):
                assert fdef.table is not None
                code, raw = _enum_column(col, tgt, c, fdef.table, m, errs)
                if j == 0:
                    codes[tgt], raws[tgt] = code, raw
                else:
                    old_c, old_r = codes[tgt], raws[tgt]
                    has_old = np.asarray(old_r != None, dtype=bool)  # noqa: E711
                    has_new = np.asarray(raw != None, dtype=bool)  # noqa: E711
                    _conflicts(errs, has_old & has_new & (old_c != code), sources, tgt)
                    codes[tgt] = np.where(has_old, old_c, code)
                    raws[tgt] = np.where(has_old, old_r, raw)
            elif len(sources) == 1 and fdef.kind == "int" and not pa.types.is_string(col.type):
                cols[tgt] = col  # whole numbers as given: the engine reads them
            else:  # ids, text, ints given as text
                text = _text_column(col)
                if j == 0:
                    cols[tgt] = pa.array(text, type=pa.string())
                else:
                    old_t = np.asarray(cols[tgt].to_pylist(), dtype=object)
                    has_old = np.asarray(old_t != None, dtype=bool)  # noqa: E711
                    has_new = np.asarray(text != None, dtype=bool)  # noqa: E711
                    _conflicts(errs, has_old & has_new & (old_t != text), sources, tgt)
                    cols[tgt] = pa.array(np.where(has_old, old_t, text), type=pa.string())
    if kind == "events":
        _events_rules(n, cols, codes, raws, days, targets, errs, m)
    else:
        _cases_rules(n, cols, codes, raws, days, targets, errs, m)
    # enum codes: a bad label keeps its raw text so the engine refuses it too
    for tgt, code in codes.items():
        fdef = FIELDS[tgt]
        if fdef.kind == "bool":
            vals = np.where(code == "true", True, np.where(code == "false", False, NULL))
            cols[tgt] = pa.array(vals, type=pa.bool_())
            continue
        keep_raw = np.asarray(errs.code != None, dtype=bool) & (code == None)  # noqa: E711
        vals = np.where(keep_raw, raws[tgt], code)
        cols[tgt] = pa.array(vals, type=pa.string())
    result: dict[str, Any] = {}
    placed: set[str] = set()
    for c in names:
        tgt = targets.get(c)
        if tgt is None:
            if c in ("error_code", "error", "source_row"):
                continue  # replaced below
            result[c if c not in cols else f"原·{c}"] = t.column(c)
        elif tgt in cols and tgt not in placed:
            result[tgt] = cols[tgt]
            placed.add(tgt)
    for tgt, col in cols.items():  # columns the rules created (report_outcome, withdrawn …)
        if tgt not in placed:
            result[tgt] = col
    result["source_row"] = pa.array(srows, type=pa.int64())
    result["error_code"] = pa.array(errs.code, type=pa.string())
    result["error"] = pa.array(errs.text, type=pa.string())
    return pa.table(result), out


def _conflicts(errs: _Errors, rows: B, sources: list[str], fld: str) -> None:
    errs.add(
        np.flatnonzero(rows),
        "、".join(sources),
        fld,
        None,
        "field-conflict",
        f"这几列都对应 {fld}，本行中的值却不相同",
        f"the columns for {fld} disagree on this row",
    )


def _sources(targets: dict[str, str]) -> dict[str, str]:
    """field → its source columns' names (joined)."""
    src: dict[str, str] = {}
    for k, v in targets.items():
        src[v] = f"{src[v]}、{k}" if v in src else k
    return src


def _first_per_case(case: I64, mask: B, values: S) -> S:
    """Per case: the value of its first row where ``mask`` holds (None: no such row)."""
    n_cases = int(case.max()) + 1 if len(case) else 0
    out = np.full(n_cases, None, dtype=object)
    rows = np.flatnonzero(mask)
    if len(rows):
        uc, first = np.unique(case[rows], return_index=True)
        out[uc] = values[rows[first]]
    return out


def _events_rules(
    n: int,
    cols: dict[str, Any],
    codes: dict[str, S],
    raws: dict[str, S],
    days: dict[str, I64],
    targets: dict[str, str],
    errs: _Errors,
    m: Mapping,
) -> None:
    pa = _arrow()
    import pyarrow.compute as pc

    src = _sources(targets)
    ids = cols["case_id"]
    _, case = _uniques(ids.fill_null(""))
    missing_id = np.asarray(pc.is_null(ids).to_numpy(zero_copy_only=False), dtype=bool)
    errs.add(
        np.flatnonzero(missing_id),
        src["case_id"],
        "case_id",
        None,
        "field-missing",
        "缺少申请编号：每个事件都要写明它属于哪一件申请",
        "no case id",
    )
    # an event type label may imply the consultation party (征求第三方意见)
    type_code = codes["type"]
    implied = np.full(n, None, dtype=object)
    for k in np.flatnonzero(np.asarray([isinstance(v, str) and " " in v for v in type_code])):
        base, *extra = type_code[k].split()
        type_code[k] = base
        implied[k] = extra[0].partition("=")[2]
    has_implied = np.asarray(implied != None, dtype=bool)  # noqa: E711
    if has_implied.any():
        party = codes.get("party")
        if party is None:
            codes["party"] = implied.copy()
            raws["party"] = implied.copy()
        else:
            clash = has_implied & (party != None) & (party != implied)  # noqa: E711
            errs.add(
                np.flatnonzero(clash),
                src.get("party", "party"),
                "party",
                None,
                "field-invalid",
                "事件类型已写明征求意见对象，与本列不一致",
                "the event type names another consultation party",
            )
            fill = has_implied & (party == None)  # noqa: E711
            party[fill] = implied[fill]
            raws["party"][fill] = implied[fill]
    # case-level values repeated on every row: keep them where they belong
    owners = {"channel": "received", "confirmed": "received", "outcome": "answered"}
    for fld, owner in owners.items():
        if fld in codes:
            vals = codes[fld]
        elif fld in days:
            vals = np.where(days[fld] == NAT, NULL, days[fld]).astype(object)
        else:
            continue
        present = np.asarray(vals != None, dtype=bool)  # noqa: E711
        own = type_code == owner
        if not (present & ~own).any():
            continue
        per_case = _first_per_case(case, own & present, vals)
        expected = per_case[case] if len(per_case) else np.full(n, None, dtype=object)
        stray = present & ~own
        same = stray & (vals == expected)
        if fld == "outcome":
            # not an answer: the data's own category of the closure, for the annual report
            move = stray & ~same
            closure = np.asarray([v in CLOSURES for v in vals], dtype=bool)
            consistent = move & closure & (type_code == vals)
            move &= ~consistent
            report = np.where(move, vals, NULL)
            codes["report_outcome"] = (
                np.where(report != None, report, codes["report_outcome"])  # noqa: E711
                if "report_outcome" in codes
                else report
            )
            raws.setdefault("report_outcome", np.where(move, raws["outcome"], NULL))
            codes["outcome"] = np.where(stray, NULL, vals)
            raws["outcome"] = np.where(stray, NULL, raws["outcome"])
            bad = own & present & np.asarray([v in CLOSURES for v in vals], dtype=bool)
            errs.add(
                np.flatnonzero(bad),
                src["outcome"],
                "outcome",
                None,
                "field-invalid",
                "事件类型是作出答复，办理结果却是撤回或视为放弃",
                "an answer whose outcome says withdrawn/abandoned",
            )
            continue
        differ = stray & ~same
        errs.add(
            np.flatnonzero(differ),
            src[fld],
            fld,
            None,
            "field-invalid",
            f"与该申请收到申请那一行的 {fld} 不一致（这一列只属于收到申请事件）",
            f"differs from the case's received row's {fld}",
        )
        if fld in codes:
            codes[fld] = np.where(same, NULL, vals)
            raws[fld] = np.where(same, NULL, raws[fld])
        else:
            d = np.where(same, NAT, days[fld])
            days[fld] = d
            cols[fld] = pa.array(d.astype("datetime64[D]"), type=pa.date32(), mask=d == NAT)
    if m.confirmed_from_date and "channel" in codes:
        need = (type_code == "received") & np.isin(codes["channel"].astype(str), CONFIRMED_CHANNELS)
        conf = days.get("confirmed", np.full(n, NAT, dtype=np.int64))
        fill = need & (conf == NAT) & (days["date"] != NAT)
        if fill.any():
            conf = np.where(fill, days["date"], conf)
            days["confirmed"] = conf
            cols["confirmed"] = pa.array(
                conf.astype("datetime64[D]"), type=pa.date32(), mask=conf == NAT
            )
    codes["type"] = type_code


_ROUTE = {
    "withdrawn": ("withdrawn", "withdrawn"),
    "abandoned": ("abandoned", "abandoned"),
    "other.correction-lapsed": ("abandoned", "other.correction-lapsed"),
    "other.fee-lapsed": ("fee_lapsed", "other.fee-lapsed"),
}


def _cases_rules(
    n: int,
    cols: dict[str, Any],
    codes: dict[str, S],
    raws: dict[str, S],
    days: dict[str, I64],
    targets: dict[str, str],
    errs: _Errors,
    m: Mapping,
) -> None:
    pa = _arrow()
    src = _sources(targets)
    if "outcome" in codes:
        outcome = codes["outcome"]
        answered = days.get("answered", np.full(n, NAT, dtype=np.int64))
        report = codes.get("report_outcome", np.full(n, None, dtype=object))
        for label, (column, category) in _ROUTE.items():
            rows = outcome == label
            if not rows.any():
                continue
            target = days.get(column, np.full(n, NAT, dtype=np.int64))
            clash = rows & (target != NAT) & (answered != NAT) & (target != answered)
            errs.add(
                np.flatnonzero(clash),
                src["outcome"],
                "outcome",
                None,
                "field-invalid",
                f"办理结果是 {label}，但 {column} 列已有另一个日期",
                f"outcome {label} but {column} has another date",
            )
            nodate = rows & (answered == NAT) & (target == NAT)
            errs.add(
                np.flatnonzero(nodate),
                src["outcome"],
                "outcome",
                None,
                "field-missing",
                "办理结果已写明，但没有办结日期",
                "an outcome without a closing date",
            )
            move = rows & ~clash
            target = np.where(move & (target == NAT), answered, target)
            days[column] = target
            cols[column] = pa.array(
                target.astype("datetime64[D]"), type=pa.date32(), mask=target == NAT
            )
            answered = np.where(move, NAT, answered)
            report = np.where(move & (report == None), category, report)  # noqa: E711
            outcome = np.where(move, NULL, outcome)
            raws["outcome"] = np.where(move, NULL, raws["outcome"])
        codes["outcome"] = outcome
        if "answered" in days:
            days["answered"] = answered
            cols["answered"] = pa.array(
                answered.astype("datetime64[D]"), type=pa.date32(), mask=answered == NAT
            )
        if (report != None).any():  # noqa: E711
            codes["report_outcome"] = report
            raws.setdefault("report_outcome", report.copy())
    if m.confirmed_from_date and "channel" in codes and "received" in days:
        need = np.isin(codes["channel"].astype(str), CONFIRMED_CHANNELS)
        conf = days.get("confirmed", np.full(n, NAT, dtype=np.int64))
        fill = need & (conf == NAT) & (days["received"] != NAT)
        conf = np.where(fill, days["received"], conf)
        days["confirmed"] = conf
        cols["confirmed"] = pa.array(
            conf.astype("datetime64[D]"), type=pa.date32(), mask=conf == NAT
        )


# ----------------------------------------------------------------------------- reading files

FILE_FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


def file_format(path: Path) -> str:
    fmt = FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}：不支持的文件类型 {path.suffix or '（无）'}；请用 .xlsx、.csv、.jsonl 或 .parquet",
            code="input-invalid",
            message_en=f"{path}: unsupported file type; use .xlsx, .csv, .jsonl or .parquet",
        )
    return fmt


def column_from_cells(cells: Sequence[Any]) -> Any:
    """Python cell values (as openpyxl or JSON give them) as one Arrow column.

    One kind of value keeps its type (dates, datetimes, whole numbers, numbers, text, booleans);
    a column mixing kinds becomes text (datetimes as ``YYYY-MM-DD HH:MM:SS``, whole floats
    without ``.0``) — so number cells in a mixed date column are serials only with
    ``excel_serial = true``.
    """
    pa = _arrow()
    kinds = {_kind(v) for v in cells if v is not None and v != ""}
    values = [None if v == "" else v for v in cells]
    if not kinds:
        return pa.array([None] * len(cells), type=pa.string())
    if kinds == {"datetime"}:
        if all(v is None or (v.hour, v.minute, v.second) == (0, 0, 0) for v in values):
            return pa.array([None if v is None else v.date() for v in values], type=pa.date32())
        return pa.array(values, type=pa.timestamp("s"))
    if kinds <= {"date", "datetime"}:
        return pa.array(
            [v.date() if isinstance(v, datetime) else v for v in values], type=pa.date32()
        )
    if kinds == {"int"}:
        return pa.array(values, type=pa.int64())
    if kinds <= {"int", "float"}:
        if all(v is None or float(v).is_integer() for v in values):
            return pa.array([None if v is None else int(v) for v in values], type=pa.int64())
        return pa.array(values, type=pa.float64())
    if kinds == {"bool"}:
        return pa.array(values, type=pa.bool_())
    return pa.array([None if v is None else _mixed_text(v) for v in values], type=pa.string())


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, datetime):
        return "datetime"
    if isinstance(v, date):
        return "date"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "text"


def _mixed_text(v: Any) -> str:
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _find_header(rows: Sequence[Sequence[Any]], mapping: Mapping) -> int:
    """0-based index of the header row among the first rows (see Mapping.header_row)."""
    if mapping.header_row:
        return mapping.header_row - 1
    for i, row in enumerate(rows[:20]):
        known = sum(1 for v in row if isinstance(v, str) and mapping.target(v) is not None)
        if known >= 2:
            return i
    return 0


@dataclass
class ReadResult:
    """A file as a table; ``source_rows``: each row's row number in the file (header = its own)."""

    table: Any
    source_rows: I64
    header_row: int  # 1-based


def read_table(
    path: str | Path, mapping: Mapping | None = None, *, sheet: str | None = None
) -> ReadResult:
    """Read an export file (.xlsx, .csv, .jsonl, .parquet) into an Arrow table.

    Rows entirely empty are layout and skipped (their numbers are simply absent from
    ``source_rows``); every other row is kept. A title row above the header is skipped by
    :attr:`Mapping.header_row`.
    """
    p = Path(path)
    fmt = file_format(p)
    if not p.is_file():
        raise InputError(
            f"文件 {p} 不存在", code="input-invalid", message_en=f"file {p} does not exist"
        )
    m = mapping or Mapping.builtin()
    if fmt == "xlsx":
        return _read_xlsx(p, m, sheet)
    if fmt == "csv":
        return _read_csv(p, m)
    if fmt == "jsonl":
        return _read_jsonl(p)
    pa = _arrow()
    import pyarrow.parquet as pq

    try:
        t = pq.read_table(p)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{p}：无法读取的 Parquet 文件：{exc}",
            code="input-invalid",
            message_en=f"{p}: not a readable Parquet file: {exc}",
        ) from None
    return ReadResult(t, np.arange(2, 2 + t.num_rows, dtype=np.int64), 1)


def _read_xlsx(p: Path, m: Mapping, sheet: str | None) -> ReadResult:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        raise MissingDependencyError("report", "openpyxl") from None
    pa = _arrow()
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise InputError(
            f"{p}：无法读取的 Excel 文件：{exc}",
            code="input-invalid",
            message_en=f"{p}: not a readable .xlsx file: {exc}",
        ) from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(
                f"{p} 中没有工作表 {sheet!r}（现有：{'、'.join(wb.sheetnames)}）",
                code="input-invalid",
                message_en=f"{p} has no sheet {sheet!r}",
            )
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    h = _find_header(rows, m)
    if h >= len(rows):
        raise InputError(f"{p}：没有表头行", code="input-invalid", message_en=f"{p}: no header row")
    header = [("" if v is None else str(v)).strip() for v in rows[h]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    names = [c or f"列{i + 1}" for i, c in enumerate(header)]
    body: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    for i, r in enumerate(rows[h + 1 :], start=h + 2):
        cells = tuple(r[:width]) + (None,) * max(0, width - len(r))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        body.append(cells)
        numbers.append(i)
    cols = {name: column_from_cells([r[j] for r in body]) for j, name in enumerate(names)}
    _check_names(p, names)
    return ReadResult(pa.table(cols), np.asarray(numbers, dtype=np.int64), h + 1)


def _check_names(p: Path, names: list[str]) -> None:
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError(
            f"{p}：列名重复：{'、'.join(dup)}",
            code="column-duplicate",
            message_en=f"{p}: duplicated column names: {', '.join(dup)}",
        )


def _encoding(p: Path) -> str:
    """UTF-8 (with or without BOM) when the file is valid UTF-8, else GB18030 (documented)."""
    data = p.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _read_csv(p: Path, m: Mapping) -> ReadResult:
    pa = _arrow()
    import pyarrow.csv as pcsv

    enc = _encoding(p)
    with p.open("r", encoding=enc, newline="") as f:
        head = [row for _, row in zip(range(20), csv.reader(f), strict=False)]
    if not head:
        raise InputError(f"{p}：空文件", code="input-invalid", message_en=f"{p}: empty file")
    if head and head[0] and head[0][0].startswith("\ufeff"):
        head[0][0] = head[0][0].removeprefix("\ufeff")
    h = _find_header(head, m)
    if h >= len(head):
        raise InputError(f"{p}：没有表头行", code="input-invalid", message_en=f"{p}: no header row")
    names = [c.strip() for c in head[h]]
    _check_names(p, names)
    opts = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    raw = p.read_bytes()
    if enc != "utf-8":
        raw = raw.decode(enc).encode("utf-8")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        t = pcsv.read_csv(
            io.BytesIO(raw),
            read_options=pcsv.ReadOptions(skip_rows=h, column_names=names, skip_rows_after_names=1),
            convert_options=opts,
        )
    except pa.ArrowInvalid as exc:
        raise InputError(
            f"{p}：无法读取的 CSV 文件：{exc}",
            code="input-invalid",
            message_en=f"{p}: not a readable CSV file: {exc}",
        ) from None
    # row numbers: header at h+1; pyarrow skips blank lines, so count them the same way
    numbers = _csv_line_numbers(raw, h, t.num_rows)
    return ReadResult(t, numbers, h + 1)


def _csv_line_numbers(raw: bytes, header_index: int, n: int) -> I64:
    """Each record's first line number (1-based), skipping blank lines as pyarrow does."""
    text = raw.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    numbers: list[int] = []
    line = 1
    for i, row in enumerate(reader):
        start = line
        line = reader.line_num + 1
        if i <= header_index or not row:
            continue
        numbers.append(start)
    if len(numbers) != n:  # unusual quoting: fall back to positions
        return np.arange(header_index + 2, header_index + 2 + n, dtype=np.int64)
    return np.asarray(numbers, dtype=np.int64)


def _read_jsonl(p: Path) -> ReadResult:
    pa = _arrow()
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    with p.open("r", encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{p} 第 {number} 行不是有效的 JSON：{exc.msg}",
                    code="input-invalid",
                    message_en=f"{p} line {number}: not valid JSON: {exc.msg}",
                    row=number,
                ) from None
            if not isinstance(value, dict):
                raise InputError(
                    f"{p} 第 {number} 行不是 JSON 对象",
                    code="input-invalid",
                    message_en=f"{p} line {number}: not a JSON object",
                    row=number,
                )
            records.append(value)
            numbers.append(number)
    keys = list(dict.fromkeys(k for r in records for k in r))
    cols = {k: column_from_cells([r.get(k) for r in records]) for k in keys}
    return ReadResult(pa.table(cols), np.asarray(numbers, dtype=np.int64), 0)
