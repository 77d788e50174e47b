"""The library's exceptions and warnings.

Every error gkdeadline raises on purpose is a `GkDeadlineError`, so a case-handling
system can catch one class; each subclass says which layer refused the input. Messages name
the offending value and say what to do about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any


class GkDeadlineError(Exception):
    """Base class of every error gkdeadline raises on purpose.

    Errors are data: ``code`` is stable (the table in `gkdeadline.problems` and
    ``docs/errors.md``), ``message_zh`` is what ``str()`` shows (Chinese first), ``message_en`` the
    English gloss, and where they apply ``event_index`` / ``row`` (which input), ``field`` /
    ``value`` (what was wrong) and ``rule_id`` / ``citation`` (which rule was broken).
    """

    default_code = "error"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        message_en: str | None = None,
        event_index: int | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        rule_id: str | None = None,
        citation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message_zh = message
        self.message_en = message_en or message
        self.event_index = event_index
        self.row = row
        self.field = field
        self.value = value
        self.rule_id = rule_id
        self.citation = citation

    def __str__(self) -> str:
        return self.message_zh

    def as_dict(self) -> dict[str, object]:
        """The error as JSON-ready data (the shape of the CLI's and the HTTP service's errors)."""
        value = self.value
        if value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        return {
            "code": self.code,
            "message": self.message_zh,
            "message_en": self.message_en,
            "event_index": self.event_index,
            "row": self.row,
            "field": self.field,
            "value": value,
            "rule_id": self.rule_id,
            "citation": self.citation,
        }


class InputError(GkDeadlineError, ValueError):
    """An argument of the wrong type or form (a datetime for a date, a malformed ISO string)."""

    default_code = "input-invalid"


class CalendarCoverageError(GkDeadlineError, LookupError):
    """A computation needs a day whose working status gkdeadline does not know.

    ``year`` is the schedule that is missing (the State Council notice for that year, or a
    regional government's notice when ``region`` is set); ``day`` is the first day that needed it.
    """

    default_code = "calendar-missing-year"

    def __init__(
        self,
        day: date,
        year: int,
        region: str | None = None,
        region_name: str | None = None,
        detail: str = "",
    ) -> None:
        self.day = day
        self.year = year
        self.region = region
        if region is None:
            zh = (
                f"{day.isoformat()} 的工作日状态取决于国务院 {year} 年放假安排的通知，当前日历没有这一年"
                f"{detail}。可以：载入 {year} 年的安排（gkdeadline schedule import 通知.txt，或把安排文件放进"
                " GKDEADLINE_SCHEDULES 目录；命令行 --schedule 文件），使用预测（--projection，结果会标注），"
                "或升级 gkdeadline"
            )
            en = (
                f"{day.isoformat()} needs the State Council holiday schedule for {year}, which this"
                f" calendar does not have. Load it (gkdeadline schedule import NOTICE.txt, a file in"
                f" $GKDEADLINE_SCHEDULES, or --schedule FILE), use --projection, or upgrade."
            )
        else:
            name = region_name or region
            zh = (
                f"{day.isoformat()} 的工作日状态取决于{name} {year} 年的民族节日放假安排，当前日历没有这一年"
                f'{detail}。可以载入该年的自治区安排文件（region = "{region}"；命令行 --schedule 文件），'
                "或升级 gkdeadline"
            )
            en = (
                f"{day.isoformat()} needs the regional ({name}) holiday schedule for {year}, which"
                " this calendar does not have; load a schedule file with"
                f' region = "{region}" (--schedule FILE), or upgrade.'
            )
        super().__init__(zh, message_en=en, value=day.isoformat(), field="date")


class ScheduleError(GkDeadlineError, ValueError):
    """A holiday schedule file or table is malformed or contradicts itself."""

    default_code = "schedule-invalid"


class NoticeError(ScheduleError):
    """A State Council holiday notice that cannot be read, or contradicts itself or the law.

    ``sentence`` is the notice's own sentence that could not be reconciled; the message quotes it.
    """

    def __init__(self, message: str, *, sentence: str = "", message_en: str | None = None) -> None:
        super().__init__(message, message_en=message_en, field="sentence", value=sentence)
        self.sentence = sentence


class RuleError(GkDeadlineError, ValueError):
    """A rule is malformed, unknown, or cannot be evaluated on the given input."""

    default_code = "rule-invalid"


class ProfileError(GkDeadlineError, ValueError):
    """A profile (a jurisdiction's rule set) is unknown or its file is invalid."""

    default_code = "profile-invalid"


class CaseError(GkDeadlineError, ValueError):
    """A request case's events are impossible (answered before received, 2026-02-30, …)."""

    default_code = "case-invalid"


class MissingDependencyError(GkDeadlineError, ImportError):
    """An optional part of gkdeadline needs packages that are not installed."""

    default_code = "missing-dependency"

    def __init__(self, extra: str | None, module: str) -> None:
        """``extra``: the gkdeadline extra that installs ``module``; None for a package that no
        extra installs (pyspark: too large to be one), named as itself."""
        if extra is None:
            zh = f"请安装 {module}（pip install {module}）"
            en = f"install {module} (pip install {module})"
        else:
            zh = (
                f"请安装 gkdeadline[{extra}]"
                f"（pip install 'gkdeadline[{extra}]'，或在本项目中 uv sync --extra {extra}）"
            )
            en = f"install gkdeadline[{extra}] (pip install 'gkdeadline[{extra}]')"
        super().__init__(
            f"这一功能需要可选依赖 {module}，当前环境没有安装。{zh}",
            message_en=f"this feature needs the optional dependency {module}; {en}",
            field="dependency",
            value=module,
        )
        self.extra = extra


# Every error code that is not a case problem (those are in `gkdeadline.problems`) or a batch
# file's row code (`gkdeadline.batch_files.ERROR_CODES`): code → (where it is raised, meaning).
# docs/errors.md is generated from these three tables; tests/test_error_codes.py checks that
# every code written in the source is in one of them.
CODES: dict[str, tuple[str, str]] = {
    "error": ("GkDeadlineError", "未分类的错误（不应出现；请报告）"),
    "date-invalid": (
        "InputError",
        "日期不是 YYYY-MM-DD、不存在（2026-02-30）、超出支持的年份或是数字",
    ),
    "date-out-of-range": (
        "InputError",
        "计算需要 0001-01-01 之前或 9999-12-31 之后的日期（超出可以表示的日期，没有日历能覆盖）",
    ),
    "input-invalid": ("InputError", "参数的类型或形式不对"),
    "table-invalid": ("InputError", "批量输入不是可以读取的表（类型不对或某列的类型不能用）"),
    "column-missing": ("InputError", "批量表缺少必需的列"),
    "column-duplicate": ("InputError", "批量表的列名重复"),
    "mapping-invalid": ("InputError", "导出表的列映射文件有误"),
    "eventlog-not-grouped": ("InputError", "流式读取的事件表没有按案件分组：某案件在后面又出现"),
    "schema-unknown": ("InputError", "没有这个 JSON Schema"),
    "case-invalid": ("CaseError", "案件数据不可能（未细分的情形）"),
    "field-missing": ("CaseError", "事件缺少必填字段"),
    "field-invalid": ("CaseError", "字段的值不可用"),
    "field-unknown": ("CaseError", "事件没有这个字段（调用方自己的字段请放进 extra）"),
    "field-without-event": ("—（批量行）", "批量表中某事件的字段有值，但该事件的日期为空"),
    "event-type-unknown": ("CaseError", "未知的事件类型"),
    "event-invalid": ("CaseError", "事件不是 JSON 对象"),
    "case-file-invalid": ("CaseError", "案件文件不是有效的 JSON 或结构不对"),
    "case-file-too-large": ("CaseError", "案件文件超过大小上限"),
    "too-many-events": ("CaseError", "一件案件的事件超过上限"),
    "unsupported-rule": ("CaseError", "档案的答复期限不是以工作日计"),
    "calendar-missing-year": (
        "CalendarCoverageError",
        "缺少计算所需年份的放假安排（命令行退出码 3，HTTP 409）",
    ),
    "schedule-invalid": ("ScheduleError", "安排文件或通知有误"),
    "schedule-conflicts-official": (
        "ScheduleError",
        "载入的安排与内置国务院安排不一致且没有 override",
    ),
    "profile-invalid": ("ProfileError", "档案文件有误"),
    "profile-unknown": ("ProfileError", "没有这个档案"),
    "rule-invalid": ("RuleError", "规则有误或不能这样计算"),
    "rule-unknown": ("RuleError", "没有这个规则"),
    "missing-dependency": (
        "MissingDependencyError",
        "需要可选依赖（提示要安装的 extra；HTTP 500）",
    ),
    "usage": ("—（命令行）", "命令行参数有误（退出码 2）"),
    "internal": ("—（命令行、HTTP）", "内部错误（程序缺陷，请报告；退出码 70，HTTP 500）"),
    "request-invalid": ("—（HTTP）", "请求体不合法（HTTP 422）"),
    "row-invalid": ("—（HTTP 批量）", "批量请求中的这一项不是 JSON 对象"),
    "not-found": ("—（HTTP）", "没有这个地址（HTTP 404）"),
    "method-not-allowed": ("—（HTTP）", "这个地址不接受该请求方法（HTTP 405）"),
    "address-unavailable": ("—（gkdeadline serve）", "监听地址不可用（端口被占用或无权限）"),
    "server-start-failed": ("—（gkdeadline serve）", "服务未能启动"),
}


# pydantic's error types in Chinese: every model the library validates (case files, events,
# profiles, schedules, HTTP requests) words its complaints with this one table
_REASONS_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "没有这个字段",
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "int_from_float": "不是整数",
    "float_parsing": "不是数",
    "float_type": "不是数",
    "bool_parsing": "不是布尔值（true 或 false）",
    "bool_type": "不是布尔值（true 或 false）",
    "string_type": "不是字符串",
    "list_type": "不是数组",
    "tuple_type": "不是数组",
    "dict_type": "不是对象",
    "model_type": "不是对象",
    "model_attributes_type": "不是对象",
    "date_type": "不是日期（YYYY-MM-DD）",
    "date_parsing": "不是日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "不是日期（YYYY-MM-DD）",
    "datetime_type": "不是时刻",
    "datetime_parsing": "不是时刻（如 2026-10-01T08:30+08:00）",
    "json_invalid": "不是有效的 JSON",
    "too_long": "项数超过上限",
    "string_too_long": "超过长度上限",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "形式不对",
    "literal_error": "不是可用的值",
    "enum": "不是可用的值",
    "greater_than": "太小",
    "greater_than_equal": "太小",
    "less_than": "太大",
    "less_than_equal": "太大",
}


def validation_reason(err: Mapping[str, Any]) -> tuple[str, str]:
    """One pydantic error (an item of ``ValidationError.errors()``) as (Chinese, English) reason.

    A library error raised inside a validator keeps its own words; a ``ValueError`` raised by a
    validator keeps its message (validators write them in Chinese where users see them)."""
    original = (err.get("ctx") or {}).get("error")
    if isinstance(original, GkDeadlineError):
        return original.message_zh, original.message_en
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", ""))
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        return text, text
    expected = (err.get("ctx") or {}).get("expected")
    zh = _REASONS_ZH.get(kind, msg)
    if kind in ("literal_error", "enum") and expected:
        zh = f"{zh}（应为 {expected}）"
    return zh, msg


class ProjectedCalendarWarning(UserWarning):
    """A result depends on a provisionally projected day, not on a published schedule.

    Turn it into an error with ``warnings.simplefilter("error", ProjectedCalendarWarning)``.
    """
