"""Tables of request cases at once: the case engine's one core, compiled, over many cases.

Two input shapes, one semantics (the core in :mod:`gkdeadline.engine.core`, the same code
:class:`gkdeadline.case.Case` runs):

* **one row per case** (:func:`cases`): a column per event date (``received``,
  ``correction_requested``, ``consultation_started``, ``extension``, ``answered`` …) and per
  event field (``channel``, ``confirmed``, ``consultation_party``, ``extension_workdays`` …), as
  listed in ``docs/batch.md`` and generated from :mod:`gkdeadline.events`. One event of each type;
* **an event log** (:func:`event_log`): one row per event, ``case_id``, ``type``, ``date`` and the
  event's fields by name; any number of events per case.

Output of :func:`cases`: the same rows, in the same order, with ``due``, ``due_earliest``,
``due_latest``, ``status``, ``on_time``, ``remaining_workdays``, ``workdays_late``, ``findings``
(problem codes, ``;``-separated), ``findings_basis`` (the citation of each finding),
``findings_zh`` (the findings in Chinese, with ``messages=True``), ``error_code`` and ``error`` added (existing columns of those names are replaced). A row that
cannot be computed keeps its place, with its reason in ``error``. Never invent, never lose:
every input row comes out, computed or with its error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.calendar import Calendar, YearSchedule
from gkdeadline.calendar.index import EPOCH_ORDINAL
from gkdeadline.calendar.kernels import PROJECTED, UNKNOWN
from gkdeadline.engine import core
from gkdeadline.engine.params import CaseRules, case_rules
from gkdeadline.engine.result import STATUSES
from gkdeadline.engine.run import certain_findings, finding_rule, render_finding, short_citation
from gkdeadline.errors import GkDeadlineError, InputError, MissingDependencyError
from gkdeadline.events import BY_NUM, BY_TYPE, SPECS, EventSpec, Param
from gkdeadline.problems import BY_CODE
from gkdeadline.problems import BY_NUM as PROBLEMS
from gkdeadline.profiles import NATIONAL, Catalogue, Profile, default_catalogue
from gkdeadline.timeconv import CHINA, to_date, today

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]

NAT = np.iinfo(np.int64).min  # a missing date (datetime64's NaT as int64)
OUTPUT_COLUMNS = (
    "due",
    "due_earliest",
    "due_latest",
    "status",
    "on_time",
    "remaining_workdays",
    "workdays_late",
    "findings",
    "findings_basis",
    "findings_zh",
    "error_code",
    "error",
)
# the one-row schema: every column the event specs define
DATE_COLUMNS: tuple[str, ...] = tuple(s.date_column for s in SPECS if s.date_column)
PARAM_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(p.column for s in SPECS for p in s.params if p.column)
)
CASE_COLUMNS = ("id", "profile", "applicant")


def _need_arrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("batch", "pyarrow") from None
    return pa


# ----------------------------------------------------------------------------- reading columns


def to_arrow(table: Any) -> Any:
    """Any supported table as a pyarrow Table."""
    pa = _need_arrow()
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    mod = type(table).__module__
    if mod.startswith("pandas"):
        return pa.Table.from_pandas(table, preserve_index=False)
    if mod.startswith("polars"):
        return table.to_arrow()
    if isinstance(table, Mapping):
        return pa.table(
            {k: list(v) if not isinstance(v, np.ndarray) else v for k, v in table.items()}
        )
    raise InputError(
        f"无法把 {type(table).__name__} 当作案件表读取；请传入 pandas 或 polars DataFrame、pyarrow"
        " Table，或列名到列的 dict",
        code="table-invalid",
        message_en=(
            f"cannot read a {type(table).__name__} as a table of cases; pass a pandas or polars"
            " DataFrame, a pyarrow Table, or a dict of columns"
        ),
    )


@dataclass
class RowErrors:
    """The first problem of each row (later checks never overwrite an earlier one)."""

    n: int
    code: S = field(init=False)
    text: S = field(init=False)

    def __post_init__(self) -> None:
        self.code = np.full(self.n, None, dtype=object)
        self.text = np.full(self.n, None, dtype=object)

    @property
    def ok(self) -> B:
        return np.asarray(self.code == None, dtype=bool)  # noqa: E711  (object array)

    def copy(self) -> RowErrors:
        out = RowErrors(self.n)
        out.code = self.code.copy()
        out.text = self.text.copy()
        return out

    def add(self, mask: B, code: str, message: Callable[..., tuple[str, str]]) -> None:
        if not mask.any():
            return
        for i in np.flatnonzero(mask & self.ok):
            zh, _en = message(int(i))
            self.code[i] = code
            self.text[i] = zh


def _strings(col: Any) -> S:
    return np.asarray(col.cast(_need_arrow().string()).to_numpy(zero_copy_only=False), dtype=object)


def read_dates(col: Any, name: str, errors: RowErrors) -> I64:
    """A column of dates as int64 days since 1970-01-01 (NAT where empty); bad cells → errors.

    Text must be ``YYYY-MM-DD`` and a real date (``2026-02-30`` is refused, never rolled into
    March); aware timestamps take their date in Beijing time; numbers are refused.
    """
    pa = _need_arrow()
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

    t = col.type
    if pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
        t = col.type
    if pa.types.is_null(t):
        return np.full(len(col), NAT, dtype=np.int64)
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            col = pc.local_timestamp(col.cast(pa.timestamp(t.unit, tz="Asia/Shanghai")))
        col = col.cast(pa.date32())
        t = col.type
    if pa.types.is_date(t):
        days = col.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        out = days.astype(np.int64)
        return np.where(np.isnat(days), NAT, out)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        text = pc.utf8_trim_whitespace(col.cast(pa.string()))
        empty = pc.or_kleene(pc.is_null(text), pc.equal(text, "")).fill_null(True)
        shaped = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$").fill_null(False)
        parsed = pc.strptime(
            pc.if_else(shaped, text, pa.scalar(None, pa.string())),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        )
        back = pc.strftime(parsed, format="%Y-%m-%d")
        good = pc.and_(shaped, pc.equal(back, text)).fill_null(False).to_numpy(zero_copy_only=False)
        is_empty = empty.to_numpy(zero_copy_only=False)
        days = pc.cast(parsed, pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        out = np.where(good, days.astype(np.int64), NAT)
        bad = ~good & ~is_empty
        if bad.any():
            raw = _strings(text)
            errors.add(
                bad,
                "date-invalid",
                lambda i: _date_message(name, raw[i]),
            )
        return np.asarray(out, dtype=np.int64)
    # numbers, booleans, anything else: never silently a date
    present = pc.is_valid(col).to_numpy(zero_copy_only=False)
    raw = _strings(col) if len(col) else np.array([], dtype=object)
    errors.add(
        present, "date-invalid", lambda i: _date_message(name, raw[i], "不是日期（数字不是日期）")
    )
    return np.full(len(col), NAT, dtype=np.int64)


def _date_message(name: str, value: Any, why: str | None = None) -> tuple[str, str]:
    if why is None:
        try:
            to_date(str(value), name)
            why = "不是 ISO 日期"
        except GkDeadlineError as exc:
            return exc.message_zh, exc.message_en
    return f"{name} {value!r}：{why}；请写成 YYYY-MM-DD", f"{name} {value!r} is not a date"


def read_text(col: Any) -> S:
    """A column as Python strings (None where empty); the ``NA`` of a spreadsheet stays text."""
    pa = _need_arrow()
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

    if pa.types.is_null(col.type):
        return np.full(len(col), None, dtype=object)
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    text = pc.utf8_trim_whitespace(col.cast(pa.string()))
    values = _strings(text)
    values[values == ""] = None
    return values


def read_ints(col: Any, name: str, errors: RowErrors) -> tuple[I64, B]:
    """A column of whole numbers (``20``, ``20.0``, ``"20"``); anything else is an error."""
    pa = _need_arrow()
    n = len(col)
    out = np.zeros(n, dtype=np.int64)
    present = np.zeros(n, dtype=bool)
    if pa.types.is_integer(col.type):
        values = col.to_numpy(zero_copy_only=False)
        valid = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        out[valid] = np.asarray(values, dtype=object)[valid].astype(np.int64)
        return out, valid
    if pa.types.is_boolean(col.type):
        valid = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        errors.add(
            valid,
            "field-invalid",
            lambda i: (f"{name}：布尔值不是工作日数", f"{name}: a boolean is not a number"),
        )
        return out, np.zeros(n, dtype=bool)
    raw = read_text(col)
    for i, v in enumerate(raw):
        if v is None:
            continue
        try:
            f = float(v)
            if f != int(f):
                raise ValueError
            out[i] = int(f)
            present[i] = True
        except (ValueError, OverflowError):
            errors.add(
                np.arange(n) == i,
                "field-invalid",
                lambda j, v=v: (f"{name} {v!r} 不是整数", f"{name} {v!r} is not a whole number"),
            )
    return out, present


# ----------------------------------------------------------------------------- the long form


@dataclass
class Long:
    """Events of many cases, one entry per event (any input shape ends up here)."""

    n_cases: int
    case: I64  # which case (0 … n_cases-1)
    num: I64  # event number
    day: I64  # epoch days
    p: list[I64]  # three engine parameters (dates still as epoch days; NONE where absent)
    p_is_date: list[B]
    row: I64  # input row (for errors in event logs)
    profile: S  # per case
    errors: RowErrors  # per case


def _param_values(
    spec: EventSpec, prm: Param, col: Any, name: str, errors: RowErrors, rows: I64 | None
) -> tuple[I64, B]:
    """The engine codes of one parameter column (and where a value is present)."""
    n = len(col)
    if prm.kind == "date":
        days = read_dates(col, name, errors)
        return days, days != NAT
    if prm.kind in ("enum", "flag", "text"):
        text = read_text(col)
        present = np.asarray(text != None, dtype=bool)  # noqa: E711
        if prm.kind == "flag":
            return present.astype(np.int64), present
        if prm.kind == "text":
            return np.zeros(n, dtype=np.int64), present
        codes = np.zeros(n, dtype=np.int64)
        for k, v in enumerate(prm.values):
            codes[text == v] = k + 1
        bad = present & (codes == 0)
        if bad.any():
            allowed = "、".join(prm.values)
            errors.add(
                bad,
                "field-invalid",
                lambda i: (
                    f"{name} {text[i]!r} 不是可用的值（{allowed}）",
                    f"{name} {text[i]!r} is not one of {', '.join(prm.values)}",
                ),
            )
        return codes, present
    values, present = read_ints(col, name, errors)
    low = present & (values < 1)
    errors.add(
        low,
        "field-invalid",
        lambda i: (
            f"{name}：{values[i]} 不是正整数",
            f"{name}: {values[i]} is not a positive number",
        ),
    )
    return values, present


def one_row_long(t: Any, default_profile: str) -> Long:
    """The one-row-per-case table as events."""
    n = t.num_rows
    names = set(t.column_names)
    errors = RowErrors(n)
    if "received" not in names:
        raise InputError(
            f"表中没有 received 列（现有列：{'、'.join(t.column_names) or '无'}）；每行一件申请，至少要有收到申请的日期",
            code="column-missing",
            message_en=(
                f"the table has no 'received' column (columns: {', '.join(t.column_names) or 'none'})"
            ),
            field="received",
        )
    if len(set(t.column_names)) != len(t.column_names):
        dup = sorted({c for c in t.column_names if t.column_names.count(c) > 1})
        raise InputError(
            f"列名重复：{'、'.join(dup)}",
            code="column-duplicate",
            message_en=f"duplicated column names: {', '.join(dup)}",
        )
    cases_, nums, days = [], [], []
    ps: list[list[I64]] = [[], [], []]
    pdate: list[list[B]] = [[], [], []]
    for spec in SPECS:
        if spec.date_column is None or spec.date_column not in names:
            for prm in spec.params:  # a field without its event's date is an error
                if prm.column in names and prm.column != "consultation_party":
                    present = read_text(t.column(prm.column)) != None  # noqa: E711
                    errors.add(
                        np.asarray(present, dtype=bool),
                        "field-without-event",
                        lambda i, c=prm.column, d=spec.date_column: (
                            f"{c} 有值，但没有 {d} 列",
                            f"{c} is given without a {d} column",
                        ),
                    )
            continue
        d = read_dates(t.column(spec.date_column), spec.date_column, errors)
        has = d != NAT
        slots = [np.full(n, core.NONE, dtype=np.int64) for _ in range(3)]
        slot_dates = [np.zeros(n, dtype=bool) for _ in range(3)]
        for prm in spec.params:
            col_name = prm.column
            if col_name is None:
                continue
            if col_name not in names:
                if prm.required:
                    errors.add(
                        has,
                        "field-missing",
                        lambda i, c=col_name, s=spec: (
                            f"事件 {s.type}：缺少必填字段 {c}",
                            f"event {s.type}: field {c} is required",
                        ),
                    )
                continue
            values, present = _param_values(spec, prm, t.column(col_name), col_name, errors, None)
            if prm.required:
                errors.add(
                    has & ~present,
                    "field-missing",
                    lambda i, c=col_name, s=spec: (
                        f"事件 {s.type}：缺少必填字段 {c}",
                        f"event {s.type}: field {c} is required",
                    ),
                )
            shared = col_name == "consultation_party"  # one party for the row's consultation
            if not shared:
                errors.add(
                    present & ~has,
                    "field-without-event",
                    lambda i, c=col_name, dc=spec.date_column: (
                        f"{c} 有值，但 {dc} 为空",
                        f"{c} is given without a {dc} date",
                    ),
                )
            if prm.slot is not None:
                if prm.kind == "date":
                    slots[prm.slot] = np.where(present, values, core.NONE)
                    slot_dates[prm.slot] = present
                elif prm.kind in ("enum", "flag"):
                    slots[prm.slot] = values
                else:
                    slots[prm.slot] = np.where(present, values, core.NONE)
        idx = np.flatnonzero(has)
        cases_.append(idx)
        nums.append(np.full(len(idx), spec.num, dtype=np.int64))
        days.append(d[idx])
        for k in range(3):
            ps[k].append(slots[k][idx])
            pdate[k].append(slot_dates[k][idx])
    profile = (
        read_text(t.column("profile")) if "profile" in names else np.full(n, None, dtype=object)
    )
    profile = np.where(profile == None, default_profile, profile)  # noqa: E711
    case = np.concatenate(cases_) if cases_ else np.zeros(0, dtype=np.int64)
    return Long(
        n_cases=n,
        case=case,
        num=np.concatenate(nums) if nums else np.zeros(0, dtype=np.int64),
        day=np.concatenate(days) if days else np.zeros(0, dtype=np.int64),
        p=[np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in ps],
        p_is_date=[np.concatenate(x) if x else np.zeros(0, dtype=bool) for x in pdate],
        row=case.copy(),
        profile=profile,
        errors=errors,
    )


FIELD_OWNERS: dict[str, list[tuple[EventSpec, Param]]] = {}
for _spec in SPECS:
    for _prm in _spec.params:
        FIELD_OWNERS.setdefault(_prm.field, []).append((_spec, _prm))


def event_log_long(t: Any, default_profile: str) -> tuple[Long, Any, I64]:
    """An event log (one row per event) as the long form; returns it, the case ids (in order of
    first appearance) and, per case, the input row of its first bad event (-1: none)."""
    pa = _need_arrow()
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

    names = set(t.column_names)
    for need in ("case_id", "type", "date"):
        if need not in names:
            raise InputError(
                f"事件表没有 {need} 列（现有列：{'、'.join(t.column_names) or '无'}）",
                code="column-missing",
                message_en=f"the event log has no {need!r} column",
                field=need,
            )
    n_rows = t.num_rows
    ids = pc.dictionary_encode(t.column("case_id").cast(pa.string())).combine_chunks()
    case = np.asarray(ids.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    case_ids = ids.dictionary
    n = len(case_ids)
    missing_id = pc.is_null(t.column("case_id")).to_numpy(zero_copy_only=False)
    if missing_id.any():
        first = int(np.flatnonzero(missing_id)[0])
        raise InputError(
            f"第 {first} 行没有 case_id；每个事件都要写明它属于哪一件申请",
            code="field-missing",
            message_en=f"row {first} has no case_id",
            row=first,
            field="case_id",
        )
    row_err = RowErrors(n_rows)
    types = read_text(t.column("type"))
    num = np.zeros(n_rows, dtype=np.int64)
    for spec in SPECS:
        num[types == spec.type] = spec.num
    row_err.add(
        num == 0,
        "event-type-unknown",
        lambda i: (
            f"未知的事件类型 {types[i]!r}",
            f"unknown event type {types[i]!r}",
        ),
    )
    day = read_dates(t.column("date"), "date", row_err)
    row_err.add(
        (day == NAT) & (num != 0),
        "field-missing",
        lambda i: ("缺少必填字段 date", "field date is required"),
    )
    p = [np.full(n_rows, core.NONE, dtype=np.int64) for _ in range(3)]
    pdate = [np.zeros(n_rows, dtype=bool) for _ in range(3)]
    for fname, owners in FIELD_OWNERS.items():
        if fname not in names:
            for spec, prm in owners:
                if prm.required:
                    row_err.add(
                        num == spec.num,
                        "field-missing",
                        lambda i, f=fname: (f"缺少必填字段 {f}", f"field {f} is required"),
                    )
            continue
        col = t.column(fname)
        present_any = np.asarray(read_text(col) != None, dtype=bool)  # noqa: E711
        owned = np.zeros(n_rows, dtype=bool)
        for spec, prm in owners:
            rows = num == spec.num
            owned |= rows
            values, present = _param_values(spec, prm, col, fname, row_err, None)
            if prm.required:
                row_err.add(
                    rows & ~present,
                    "field-missing",
                    lambda i, f=fname: (f"缺少必填字段 {f}", f"field {f} is required"),
                )
            if prm.slot is not None:
                sel = rows & present if prm.kind in ("date", "int") else rows
                p[prm.slot] = np.where(sel, values, p[prm.slot])
                if prm.kind == "date":
                    pdate[prm.slot] |= rows & present
        row_err.add(
            present_any & ~owned & (num != 0),
            "field-unknown",
            lambda i, f=fname: (
                f"事件 {types[i]} 没有字段 {f}",
                f"event {types[i]} has no field {f}",
            ),
        )
    # each case's first bad row becomes the case's error
    errors = RowErrors(n)
    error_row = np.full(n, -1, dtype=np.int64)
    for r in np.flatnonzero(~row_err.ok):
        c = case[r]
        if errors.code[c] is None:
            errors.code[c] = row_err.code[r]
            errors.text[c] = f"第 {int(r)} 行：{row_err.text[r]}"
            error_row[c] = r
    profile = np.full(n, default_profile, dtype=object)
    if "profile" in names:
        prof_rows = read_text(t.column("profile"))
        has = np.flatnonzero(prof_rows != None)  # noqa: E711
        # the first profile given for a case wins; a different one later is an error
        for r in has[::-1]:
            profile[case[r]] = prof_rows[r]
        clash = np.asarray(prof_rows != None, dtype=bool) & (prof_rows != profile[case])  # noqa: E711
        for r in np.flatnonzero(clash):
            c = case[r]
            if errors.code[c] is None:
                errors.code[c] = "field-invalid"
                errors.text[c] = (
                    f"第 {int(r)} 行：profile {prof_rows[r]!r} 与该案件此前的 {profile[c]!r} 不同"
                )
                error_row[c] = r
    keep = num != 0
    long = Long(
        n_cases=n,
        case=case[keep],
        num=num[keep],
        day=np.where(day == NAT, 0, day)[keep],
        p=[x[keep] for x in p],
        p_is_date=[x[keep] for x in pdate],
        row=np.arange(n_rows, dtype=np.int64)[keep],
        profile=profile,
        errors=errors,
    )
    return long, case_ids, error_row


# ----------------------------------------------------------------------------- computing


@dataclass
class Outputs:
    """Result columns, one entry per case."""

    due: I64
    due_earliest: I64
    due_latest: I64
    status: S
    on_time: S
    remaining: S
    late: S
    findings: S
    findings_basis: S
    findings_zh: S
    error_code: S
    error: S


def _kernels() -> Any:
    from gkdeadline.jit import compiled

    return compiled(
        "gkdeadline.calendar.kernels", "gkdeadline.engine.core", "gkdeadline.engine.batch_core"
    )


@dataclass
class _Group:
    profile: Profile
    cal: Calendar
    cases: I64  # case indices of this group
    rules: list[CaseRules]
    prow: I64  # per case of the group: its row in ``rules``


def compute_long(
    long: Long,
    *,
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
) -> Outputs:
    """Every case of ``long``, computed by the compiled core."""
    cat = catalogue or default_catalogue()
    n = long.n_cases
    errors = long.errors.copy()  # the caller's ``long`` is left as it was
    day = as_of or today()
    res = Outputs(
        due=np.full(n, NAT, dtype=np.int64),
        due_earliest=np.full(n, NAT, dtype=np.int64),
        due_latest=np.full(n, NAT, dtype=np.int64),
        status=np.full(n, None, dtype=object),
        on_time=np.full(n, None, dtype=object),
        remaining=np.full(n, None, dtype=object),
        late=np.full(n, None, dtype=object),
        findings=np.full(n, None, dtype=object),
        findings_basis=np.full(n, None, dtype=object),
        findings_zh=np.full(n, None, dtype=object),
        error_code=errors.code,
        error=errors.text,
    )
    # replay order: by case, date, same-day rank, input order
    order = np.lexsort((np.arange(len(long.num)), _rank(long.num), long.day, long.case))
    case = long.case[order]
    counts = np.bincount(case, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    num, dayv = long.num[order], long.day[order]
    p = [x[order] for x in long.p]
    pdate = [x[order] for x in long.p_is_date]
    # the date choosing each case's rules: the first received event's confirmation, else its day
    era = np.full(n, NAT, dtype=np.int64)
    rec = num == BY_TYPE["received"].num
    rec_case = case[rec]
    rec_era = np.where(p[1][rec] != core.NONE, p[1][rec], dayv[rec])
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, rec_case, dayv[rec])
    pick = dayv[rec] == first[rec_case]
    era[rec_case[pick]] = rec_era[pick]
    errors.add(
        (era == NAT) & (counts > 0),
        "missing-received",
        lambda i: (PROBLEMS[core.E_MISSING_RECEIVED].zh, PROBLEMS[core.E_MISSING_RECEIVED].en),
    )
    errors.add(
        counts == 0,
        "missing-received",
        lambda i: (PROBLEMS[core.E_MISSING_RECEIVED].zh, PROBLEMS[core.E_MISSING_RECEIVED].en),
    )
    for pid in np.unique(long.profile.astype(str)):
        in_group = np.asarray(long.profile == pid, dtype=bool)
        try:
            prof = cat.get(str(pid))
        except GkDeadlineError as exc:
            errors.add(in_group, exc.code, lambda i, e=exc: (e.message_zh, e.message_en))
            continue
        members = np.flatnonzero(in_group & errors.ok)
        if len(members) == 0:
            continue
        cal = prof.calendar(schedules, projection)
        group = _rules_for(prof, cal, members, era, errors)
        _run_group(group, long, offsets, num, dayv, p, pdate, day, errors, res, strict, messages)
    return res


def _rank(num: I64) -> I64:
    table = np.zeros(max(BY_NUM) + 1, dtype=np.int64)
    for s in SPECS:
        table[s.num] = s.rank
    return table[num]


def _rules_for(prof: Profile, cal: Calendar, members: I64, era: I64, errors: RowErrors) -> _Group:
    """Each member's parameter row: rules change only on a few dates, so look up per era."""
    eras = prof._eras  # the profile's own era boundaries
    edges = np.asarray([d.toordinal() - EPOCH_ORDINAL for d in eras], dtype=np.int64)
    which = np.searchsorted(edges, era[members], side="right")
    rules: list[CaseRules] = []
    prow = np.full(len(members), -1, dtype=np.int64)
    for w in np.unique(which):
        sel = which == w
        rep = members[sel][0]
        on = date.fromordinal(int(era[rep]) + EPOCH_ORDINAL)
        try:
            cr = case_rules(prof, on)
        except GkDeadlineError as exc:
            mask = np.zeros(len(errors.code), dtype=bool)
            mask[members[sel]] = True
            errors.add(mask, exc.code, lambda i, e=exc: (e.message_zh, e.message_en))
            continue
        prow[sel] = len(rules)
        rules.append(cr)
    keep = prow >= 0
    return _Group(prof, cal, members[keep], rules, prow[keep])


def _run_group(
    g: _Group,
    long: Long,
    offsets: I64,
    num: I64,
    dayv: I64,
    p: list[I64],
    pdate: list[B],
    as_of: date,
    errors: RowErrors,
    res: Outputs,
    strict: bool,
    messages: bool,
) -> None:
    k = _kernels()
    ix = g.cal.index
    shift = ix.first_ordinal - EPOCH_ORDINAL  # epoch days → the calendar's day indices
    m = len(g.cases)
    sub_counts = offsets[g.cases + 1] - offsets[g.cases]
    sub_off = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(sub_counts, out=sub_off[1:])
    # the group's events: case c's run offsets[c] … offsets[c+1]-1, for every c in g.cases
    total = int(sub_off[-1])
    take = np.repeat(offsets[g.cases] - sub_off[:-1], sub_counts) + np.arange(total, dtype=np.int64)
    etype = num[take]
    edate = dayv[take] - shift
    eps = [np.where(pdate[j][take], p[j][take] - shift, p[j][take]) for j in range(3)]
    params = np.asarray([v for r in g.rules for v in r.row], dtype=np.int64)
    a = as_of.toordinal() - ix.first_ordinal
    raw = _replay_all(k, g.cal, sub_off, etype, edate, eps, params, g.prow, a)
    flags = raw.out[:, core.O_FLAGS]
    unknown = (flags & UNKNOWN) != 0
    early = late = None
    if unknown.any():
        pair = g.cal.bounds()
        if pair is not None:
            early_cal, late_cal = pair
            early = _replay_all(
                k, early_cal, sub_off, etype, edate, eps, params, g.prow, a, unknown
            )
            if late_cal is not None:
                late = _replay_all(
                    k, late_cal, sub_off, etype, edate, eps, params, g.prow, a, unknown
                )
    _collect(g, long, raw, early, late, unknown, ix.first_ordinal, errors, res, strict, messages)


@dataclass
class _Raw:
    out: npt.NDArray[np.int64]  # (cases, NOUT)
    fcode: I64
    fev: I64
    fa: I64
    fb: I64
    offsets: I64


def _replay_all(
    k: Any,
    cal: Calendar,
    offsets: I64,
    etype: I64,
    edate: I64,
    eps: list[I64],
    params: I64,
    prow: I64,
    as_of: int,
    todo: B | None = None,
) -> _Raw:
    ix = cal.index
    m = len(offsets) - 1
    ne = len(etype)
    out = np.zeros(m * core.NOUT, dtype=np.int64)
    step_due = np.zeros(ne + 1, dtype=np.int64)
    step_info = np.zeros(ne + 1, dtype=np.int64)
    fcap = 2 * ne + 8 * m + 8
    fcode, fev, fa, fb = (np.zeros(fcap, dtype=np.int64) for _ in range(4))
    sp = [np.zeros(ne + 1, dtype=np.int64) for _ in range(4)]
    longest = int((offsets[1:] - offsets[:-1]).max()) + 1 if m else 1
    w = [np.zeros(longest, dtype=np.int64) for _ in range(11)]
    mask = np.ones(m, dtype=np.bool_) if todo is None else todo.astype(np.bool_)
    k.run_cases(
        ix.cum, ix.ords, ix.unknown_cum, ix.projected_cum, offsets, etype, edate,
        eps[0], eps[1], eps[2], params, prow, mask, as_of, out, step_due, step_info,
        fcode, fev, fa, fb, sp[0], sp[1], sp[2], sp[3], *w,
    )  # fmt: skip
    return _Raw(out.reshape(m, core.NOUT), fcode, fev, fa, fb, offsets)


def _day(v: int, first_ordinal: int) -> date | None:
    if v <= core.NONE or v >= core.INF:
        return None
    return date.fromordinal(int(v) + first_ordinal)


def _collect(
    g: _Group,
    long: Long,
    raw: _Raw,
    early: _Raw | None,
    late: _Raw | None,
    unknown: B,
    first_ordinal: int,
    errors: RowErrors,
    res: Outputs,
    strict: bool,
    messages: bool,
) -> None:
    """The group's result columns from the core's numbers, vectorised; only error rows, rows
    whose deadline depends on unpublished days, and (with ``messages``) the Chinese messages
    are built row by row."""
    shift = first_ordinal - EPOCH_ORDINAL
    out = raw.out.copy()
    bounded = unknown & (early is not None)
    if early is not None:  # the bounds must know every day they need, as in Case
        bounded &= (early.out[:, core.O_FLAGS] & UNKNOWN) == 0
        if late is not None:
            bounded &= (late.out[:, core.O_FLAGS] & UNKNOWN) == 0
        out[bounded] = early.out[bounded]
    err = out[:, core.O_ERROR]
    # cases the calendar cannot answer at all (no bounds): the coverage error, as Case raises it
    no_bounds = unknown & ~bounded & (err == 0)
    for i in np.flatnonzero(no_bounds):
        c = int(g.cases[i])
        e = g.cal.coverage_error_for(_first_unknown_day(g.cal, out[i]))
        errors.code[c], errors.text[c] = e.code, e.message_zh
    for i in np.flatnonzero(err != 0):
        c = int(g.cases[i])
        problem = PROBLEMS[int(err[i])]
        rule = g.rules[int(g.prow[i])].by_topic(problem.topic)
        arg = _day(int(out[i, core.O_ERROR_ARG]), first_ordinal)
        values = {
            name: (arg.isoformat() if arg else "—") if kind == "date" else out[i, core.O_ERROR_ARG]
            for name, kind in problem.args
        }
        limit = rule.limit_text() if rule is not None else ""
        text = problem.zh.format(limit=limit, **values)
        if rule is not None:
            text += f"（{short_citation(rule)}）"
        errors.code[c], errors.text[c] = problem.code, text
    good = (err == 0) & ~no_bounds
    idx = np.flatnonzero(good)
    rows = g.cases[good]
    o = out[good]
    due = o[:, core.O_DUE]
    has_due = (due > core.NONE) & (due < core.INF)
    status_num = o[:, core.O_STATUS]
    status = np.asarray(STATUSES, dtype=object)[status_num]
    on_time = o[:, core.O_ON_TIME]
    remaining = o[:, core.O_REMAINING]
    late_n = o[:, core.O_LATE]
    earliest = np.full(len(rows), NAT, dtype=np.int64)
    latest = np.full(len(rows), NAT, dtype=np.int64)
    b = bounded[good]
    differ = np.zeros(len(rows), dtype=bool)
    if b.any():  # what the earliest and latest calendars agree on (engine.core.merge_bounds)
        merged = np.ascontiguousarray(o).reshape(-1)
        other = late.out[good] if late is not None else o
        _kernels().merge_bounds_into(
            merged, np.ascontiguousarray(other).reshape(-1), late is not None, b
        )
        o = merged.reshape(o.shape)
        status_num = o[:, core.O_STATUS]
        status = np.asarray(STATUSES, dtype=object)[status_num]
        on_time = o[:, core.O_ON_TIME]
        remaining = o[:, core.O_REMAINING]
        late_n = o[:, core.O_LATE]
    if b.any():
        lo = late.out[good] if late is not None else None
        l_due = lo[:, core.O_DUE] if lo is not None else np.full(len(rows), core.NONE)
        valid_l = (l_due > core.NONE) & (l_due < core.INF)
        same = b & valid_l & (l_due == due)
        differ = b & ~same
        earliest = np.where(differ & has_due, due + shift, NAT)
        latest = np.where(differ & valid_l, l_due + shift, NAT)
        has_due = has_due & ~differ
    res.due[rows] = np.where(has_due, due + shift, NAT)
    res.due_earliest[rows] = earliest
    res.due_latest[rows] = latest
    res.status[rows] = status
    res.on_time[rows] = np.where(on_time < 0, None, on_time == 1)
    res.remaining[rows] = np.where(remaining == core.NONE, None, remaining)
    res.late[rows] = np.where(late_n == core.NONE, None, late_n)

    # ---- findings: problem numbers per case, then the text of each distinct combination
    projected = ((o[:, core.O_FLAGS] & PROJECTED) != 0) & ~b
    pending = b & differ & (earliest != NAT)
    overrides = "、".join(x.label() for x in g.cal.overrides())
    nf = o[:, core.O_NFIND].copy()
    src_f0 = 2 * raw.offsets[idx] + 8 * idx
    per_case: list[list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]] | None = None
    slow = b.copy()  # bounded rows: only the findings both calendars agree on are certain
    if messages or strict:
        slow[:] = True
    if slow.any():
        per_case = [[] for _ in range(len(rows))]
        for j in np.flatnonzero(slow):
            at = int(idx[j])
            f0 = int(src_f0[j])
            src = early if bounded[at] and early is not None else raw
            found = [
                (
                    int(src.fcode[f0 + q]),
                    int(src.fev[f0 + q]),
                    int(src.fa[f0 + q]),
                    int(src.fb[f0 + q]),
                )
                for q in range(int(nf[j]))
            ]
            other = None
            if bounded[at] and late is not None:
                other = [
                    (
                        int(late.fcode[f0 + q]),
                        int(late.fev[f0 + q]),
                        int(late.fa[f0 + q]),
                        int(late.fb[f0 + q]),
                    )
                    for q in range(int(late.out[at, core.O_NFIND]))
                ]
            per_case[j] = certain_findings(found, other)
            nf[j] = len(per_case[j])
    # codes of every row as one integer (base 64; the problem table has < 64 numbers), so the
    # text of each distinct combination of codes and rules is built once
    extra_codes = [
        (projected, BY_CODE["projected-calendar"].num),
        (pending, BY_CODE["calendar-pending"].num),
        (np.full(len(rows), bool(overrides)), BY_CODE["calendar-override"].num),
    ]
    width = int(nf.max()) + len(extra_codes) if len(rows) else 0
    codes = np.zeros((len(rows), max(width, 1)), dtype=np.int64)
    for q in range(int(nf.max()) if len(rows) else 0):
        have = nf > q
        take = np.where(have, src_f0 + q, 0)
        codes[:, q] = np.where(have, raw.fcode[take], 0)
    if per_case is not None:
        for j in np.flatnonzero(slow):
            codes[j, :] = 0
            for q, item in enumerate(per_case[j]):
                codes[j, q] = item[0]
    count = nf.copy()
    for mask, num in extra_codes:
        if mask.any():
            codes[mask, count[mask]] = num
            count = count + mask
    key = np.zeros(len(rows), dtype=np.int64)
    if width > 8:  # more codes than one int64 holds (8 × 6 bits + 10 for the rules): per row
        per_row = [(*codes[j, : count[j]].tolist(), int(g.prow[idx[j]])) for j in range(len(rows))]
        uniq: dict[tuple[int, ...], int] = {}
        key = np.asarray([uniq.setdefault(c, len(uniq)) for c in per_row], dtype=np.int64)
        combos: list[tuple[int, ...]] = list(uniq)
    else:
        for q in range(width):
            key = key * 64 + codes[:, q]
        key = key * 1024 + g.prow[idx]  # the citation depends on the rules in force
        ukeys, inverse = np.unique(key, return_inverse=True)
        combos = []
        for u in ukeys.tolist():
            v = u // 1024
            digits: list[int] = []
            for _ in range(width):
                digits.append(v % 64)
                v //= 64
            combos.append((*tuple(d for d in reversed(digits) if d), u % 1024))
        key = inverse
    code_text = np.empty(len(combos), dtype=object)
    basis_text = np.empty(len(combos), dtype=object)
    for u, combo in enumerate(combos):
        nums, row_of_rules = combo[:-1], combo[-1]
        if not nums:
            code_text[u] = basis_text[u] = None
            continue
        rules = g.rules[row_of_rules]
        code_text[u] = ";".join(PROBLEMS[n].code for n in nums)
        cites = []
        for n in nums:
            rule = finding_rule(rules, PROBLEMS[n])
            cites.append(short_citation(rule) if rule is not None else "")
        basis_text[u] = ";".join(cites)
    res.findings[rows] = code_text[key]
    res.findings_basis[rows] = basis_text[key]
    if not (messages or strict):
        return

    def day_of(v: int) -> date | None:
        return _day(v, first_ordinal)

    assert per_case is not None
    for k in range(len(rows)):
        row = int(rows[k])
        rules = g.rules[int(g.prow[int(idx[k])])]
        texts: list[tuple[str, str]] = []
        for num, _pos, args, late_args in per_case[k]:
            problem = PROBLEMS[num]
            zh, _en, rule = render_finding(problem, rules, args, late_args, day_of)
            texts.append(
                (problem.code, zh + (f"（{short_citation(rule)}）" if rule is not None else ""))
            )
        if overrides:
            texts.append(
                ("calendar-override", BY_CODE["calendar-override"].zh.format(what=overrides))
            )
        if projected[k]:
            texts.append(("projected-calendar", BY_CODE["projected-calendar"].zh))
        if pending[k]:
            lo_d = date.fromordinal(int(earliest[k]) + EPOCH_ORDINAL).isoformat()
            hi_d = (
                date.fromordinal(int(latest[k]) + EPOCH_ORDINAL).isoformat()
                if latest[k] != NAT
                else "（暂不能确定）"
            )
            texts.append(
                (
                    "calendar-pending",
                    BY_CODE["calendar-pending"].zh.format(earliest=lo_d, latest=hi_d),
                )
            )
        if strict:
            bad = [t for t in texts if BY_CODE[t[0]].severity == "violation"]
            if bad:
                errors.code[row], errors.text[row] = bad[0]
                res.status[row] = res.on_time[row] = res.remaining[row] = res.late[row] = None
                res.due[row] = res.due_earliest[row] = res.due_latest[row] = NAT
                res.findings[row] = res.findings_basis[row] = None
                continue
        if messages:
            res.findings_zh[row] = "\n".join(t for _, t in texts) if texts else None


def _first_unknown_day(cal: Calendar, out_row: Any) -> date:
    ix = cal.index
    r = int(out_row[core.O_RECEIPT])
    start = r if core.NONE < r < core.INF else 0
    return date.fromordinal(ix.first_ordinal + ix.first_unknown_after(start))


# ----------------------------------------------------------------------------- entry points


def cases(
    table: Any,
    *,
    profile: str = NATIONAL,
    as_of: date | Any = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
) -> Any:
    """Add the result columns to a one-row-per-case table (see the module docstring).

    ``findings`` holds each case's problem codes and ``findings_basis`` the citation of each
    (same order, ``;``-separated); ``messages=True`` also fills ``findings_zh`` with the Chinese
    messages (dates included; slower: built row by row). ``strict=True`` makes a row with a
    violation an error row.

    ``table`` is a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a dict of
    columns; the result has the same type, the same rows in the same order, and the input's
    columns unchanged. ``as_of`` defaults to today in China; events after it have not happened.
    """
    day = today() if as_of is None else to_date(as_of, "as_of")
    t = to_arrow(table)
    long = one_row_long(t, profile)
    out = compute_long(
        long,
        as_of=day,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
    )
    return attach(table, out)


def event_log(
    table: Any,
    *,
    profile: str = NATIONAL,
    as_of: date | Any = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
) -> Any:
    """Compute every case of an event log: one row per event (``case_id``, ``type``, ``date`` and
    the event's fields by name, e.g. ``channel``, ``party``, ``workdays``, ``until``).

    Returns a pyarrow Table with one row per case, in order of first appearance: ``case_id``,
    ``profile``, the result columns of :func:`cases`, and ``error_row`` (the input row of the
    case's first bad event). Columns that are no event's field are the caller's own and are
    ignored; a known field on an event that has no such field is an error, as in a case file.
    """
    pa = _need_arrow()
    day = today() if as_of is None else to_date(as_of, "as_of")
    t = to_arrow(table)
    long, case_ids, error_row = event_log_long(t, profile)
    out = compute_long(
        long,
        as_of=day,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
    )
    base = pa.table(
        {
            "case_id": case_ids,
            "profile": pa.array(long.profile, type=pa.string()),
        }
    )
    result = attach(base, out)
    rows = np.where(error_row >= 0, error_row, 0)
    return result.append_column("error_row", pa.array(rows, type=pa.int64(), mask=error_row < 0))


def attach(table: Any, out: Outputs) -> Any:
    """The input table with the output columns added (replacing any of the same names)."""
    pa = _need_arrow()
    arrays: dict[str, Any] = {
        "due": pa.array(out.due.astype("datetime64[D]"), type=pa.date32()),
        "due_earliest": pa.array(out.due_earliest.astype("datetime64[D]"), type=pa.date32()),
        "due_latest": pa.array(out.due_latest.astype("datetime64[D]"), type=pa.date32()),
        "status": pa.array(out.status, type=pa.string()),
        "on_time": pa.array(out.on_time, type=pa.bool_()),
        "remaining_workdays": pa.array(out.remaining, type=pa.int64()),
        "workdays_late": pa.array(out.late, type=pa.int64()),
        "findings": pa.array(out.findings, type=pa.string()),
        "findings_basis": pa.array(out.findings_basis, type=pa.string()),
        "findings_zh": pa.array(out.findings_zh, type=pa.string()),
        "error_code": pa.array(out.error_code, type=pa.string()),
        "error": pa.array(out.error, type=pa.string()),
    }
    mod = type(table).__module__
    if mod.startswith("pandas"):
        result = table.copy()
        for name, arr in arrays.items():
            column = arr.to_pandas(types_mapper=_pandas_types())
            column.index = result.index  # by position: the input's index may be anything
            result[name] = column
        return result
    if mod.startswith("polars"):
        import polars as pl

        columns: list[Any] = [pl.Series(name, arr) for name, arr in arrays.items()]
        return table.with_columns(columns)
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if isinstance(table, pa.Table):
        for name, arr in arrays.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, arr)
        return table
    result_dict = dict(table)
    for name, arr in arrays.items():
        result_dict[name] = arr.to_numpy(zero_copy_only=False)
    return result_dict


def _pandas_types() -> Callable[[Any], Any]:
    import pandas as pd

    pa = _need_arrow()
    mapping = {
        pa.bool_(): pd.BooleanDtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.string(): pd.StringDtype(),
    }
    return mapping.get


def summary(result: Any) -> dict[str, int]:
    """``{"rows": …, "computed": …, "errors": …}`` for a result of :func:`cases`."""
    pa = _need_arrow()
    t = (
        to_arrow(result)
        if not isinstance(result, Mapping)
        else pa.table({"error": result["error"]})
    )
    errors = t.num_rows - t.column("error").null_count
    return {"rows": t.num_rows, "computed": t.num_rows - errors, "errors": errors}


def dask_cases(frame: Any, **kw: Any) -> Any:
    """:func:`cases` on every partition of a ``dask.dataframe.DataFrame`` (lazily).

    ``as_of`` is fixed once here (default today) so every partition uses the same date.
    """
    kw["as_of"] = today() if kw.get("as_of") is None else to_date(kw["as_of"], "as_of")
    meta = cases(frame._meta, **kw)
    return frame.map_partitions(cases, meta=meta, **kw)


_ = CHINA
