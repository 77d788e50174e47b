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

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import InitVar, dataclass, field
from datetime import date
from functools import cache, partial
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
LARGEST = int(np.iinfo(np.int64).max)
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
        try:
            return pa.Table.from_pandas(table, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
            for name in table.columns:  # which column: convert them one at a time
                _column_array(table[name], str(name))
            raise _table_error(
                f"无法转换为 Arrow 表：{exc}", f"cannot convert to Arrow: {exc}"
            ) from None
    if mod.startswith("polars"):
        return table.to_arrow()
    if isinstance(table, Mapping):
        columns = {k: _column_array(v, str(k)) for k, v in table.items()}
        lengths = {str(k): len(v) for k, v in columns.items()}
        if len(set(lengths.values())) > 1:
            shown = "、".join(f"{k}（{n} 行）" for k, n in lengths.items())
            raise _table_error(
                f"各列的长度不同：{shown}；每一列都要有同样多的行",
                f"the columns have different lengths: {', '.join(f'{k} ({n})' for k, n in lengths.items())}",
            )
        return pa.table(columns)
    raise InputError(
        f"无法把 {type(table).__name__} 当作案件表读取；请传入 pandas 或 polars DataFrame、pyarrow"
        " Table，或列名到列的 dict",
        code="table-invalid",
        message_en=(
            f"cannot read a {type(table).__name__} as a table of cases; pass a pandas or polars"
            " DataFrame, a pyarrow Table, or a dict of columns"
        ),
    )


def _table_error(zh: str, en: str, column: str | None = None) -> InputError:
    return InputError(zh, code="table-invalid", message_en=en, field=column)


def _column_array(values: Any, name: str) -> Any:
    """One column of a dict (or DataFrame) as an Arrow array; a column that is not a sequence of
    values of one kind is a ``table-invalid`` error naming it."""
    pa = _need_arrow()
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__iter__"):
        kind = type(values).__name__
        raise _table_error(
            f"列 {name} 是单个 {kind} 值，不是一列值；请传入列表，如 {{{name!r}: [...]}}（一行也要写成列表）",
            f"column {name} is a single {kind}, not a column of values; pass a list, e.g."
            f" {{{name!r}: [...]}} (even for one row)",
            name,
        )
    try:
        if _is_pandas(values):
            return pa.Array.from_pandas(values)
        return pa.array(values if isinstance(values, np.ndarray) else list(values))
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise _table_error(
            f"列 {name} 的值不能读作一列（{detail}）；一列的值要是同一种类型，例如日期都写成"
            " YYYY-MM-DD 文本",
            f"column {name} cannot be read as one column ({detail}); give its values one type,"
            " e.g. dates all as YYYY-MM-DD text",
            name,
        ) from None


def _is_pandas(values: Any) -> bool:
    return type(values).__module__.startswith("pandas")


# the columns the engine reads (whatever else a table holds is the caller's, passed through)
@cache
def _read_columns() -> frozenset[str]:
    return frozenset(
        {*DATE_COLUMNS, *PARAM_COLUMNS, "profile", "applicant", "case_id", "type", "date"}
        | {f for s in SPECS for f in (p.field for p in s.params)}
    )


def check_column_types(t: Any) -> None:
    """A column the engine reads must hold scalars: a struct, list or map column (a nested JSON
    value, a Parquet group) is a ``table-invalid`` error naming it; so is a binary column whose
    bytes are not UTF-8 text."""
    pa = _need_arrow()
    read = _read_columns()
    for i, name in enumerate(t.column_names):
        if name not in read:
            continue
        typ = t.schema.field(i).type
        if pa.types.is_dictionary(typ):
            typ = typ.value_type
        if pa.types.is_nested(typ):
            raise _table_error(
                f"列 {name} 的类型是 {typ}（嵌套的对象或数组），不是日期、文本或数字；请把它展开成普通的列",
                f"column {name} has type {typ} (nested objects or arrays), not dates, text or"
                " numbers; flatten it into plain columns",
                name,
            )
        if _is_bytes(typ):
            try:
                t.column(i).cast(pa.string())
            except pa.ArrowException:
                row = next((k for k, v in enumerate(t.column(i).to_pylist()) if not _utf8(v)), 0)
                raise _table_error(
                    f"列 {name} 第 {row} 行的字节不是 UTF-8 文本；请先把它解码成文本",
                    f"column {name}, row {row}: the bytes are not UTF-8 text; decode them first",
                    name,
                ) from None


def _is_bytes(typ: Any) -> bool:
    pa = _need_arrow()
    return bool(
        pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_fixed_size_binary(typ)
    )


def _utf8(v: Any) -> bool:
    try:
        if isinstance(v, bytes):
            v.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class RowErrors:
    """The first problem of each row (later checks never overwrite an earlier one)."""

    n: int
    scratch: InitVar[_Scratch | None] = None  # its buffers, cleared (valid until its next use)
    code: S = field(init=False)
    text: S = field(init=False)

    def __post_init__(self, scratch: _Scratch | None) -> None:
        self.code = _full(scratch, "error_code", self.n, None, object)
        self.text = _full(scratch, "error_text", self.n, None, object)

    @property
    def ok(self) -> B:
        return np.asarray(self.code == None, dtype=bool)  # noqa: E711  (object array)

    def copy(self) -> RowErrors:
        out = RowErrors(self.n)
        out.code = self.code.copy()
        out.text = self.text.copy()
        return out

    def take(self, other: RowErrors, mask: B) -> None:
        """``other``'s problems on the rows of ``mask`` (where this has none yet)."""
        for i in np.flatnonzero(mask & ~other.ok & self.ok):
            self.code[i] = other.code[i]
            self.text[i] = other.text[i]

    def add(self, mask: B, code: str, message: Callable[..., tuple[str, str]]) -> None:
        if not mask.any():
            return
        for i in np.flatnonzero(mask & self.ok):
            zh, _en = message(int(i))
            self.code[i] = code
            self.text[i] = zh


def _strings(col: Any) -> S:
    return np.asarray(col.cast(_need_arrow().string()).to_numpy(zero_copy_only=False), dtype=object)


def read_dates(col: Any, name: str, errors: RowErrors, out: I64 | None = None) -> I64:
    """A column of dates as int64 days since 1970-01-01 (NAT where empty); bad cells → errors.

    Text must be ``YYYY-MM-DD`` and a real date (``2026-02-30`` is refused, never rolled into
    March); aware timestamps take their date in Beijing time; numbers are refused. ``out``: an
    array the usual date32 column is read into (others are returned as new arrays).
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
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _temporal_days(col, name, errors, out)
    if _is_bytes(t) or getattr(pa.types, "is_string_view", lambda _: False)(t):  # pyarrow ≥ 16
        # Parquet text written without its UTF8 annotation reads as binary; bytes that are not
        # text stay binary and are refused below, like numbers
        with contextlib.suppress(pa.ArrowException):
            col = col.cast(pa.string())
            t = col.type
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
        out = np.asarray(out, dtype=np.int64)
        far = _outside_years(out)
        if far.any():  # 0000-01-01: pyarrow reads year 0, which no calendar has
            raw = _strings(text)
            errors.add(far, "date-invalid", lambda i: _far_message(name, repr(raw[i])))
        return np.where(far, NAT, out)
    # numbers, booleans, anything else: never silently a date
    present = pc.is_valid(col).to_numpy(zero_copy_only=False)
    raw = _strings(col) if len(col) else np.array([], dtype=object)
    errors.add(
        present, "date-invalid", lambda i: _date_message(name, raw[i], "不是日期（数字不是日期）")
    )
    return np.full(len(col), NAT, dtype=np.int64)


# days since 1970-01-01 of 0001-01-01 and 9999-12-31: the dates a calendar (and Python) can hold
FIRST_DAY = date(1, 1, 1).toordinal() - EPOCH_ORDINAL
LAST_DAY = date(9999, 12, 31).toordinal() - EPOCH_ORDINAL
_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


def _outside_years(days: I64) -> B:
    return np.asarray((days != NAT) & ((days < FIRST_DAY) | (days > LAST_DAY)), dtype=bool)


def _far_message(name: str, shown: str) -> tuple[str, str]:
    return (
        f"{name} {shown}：年份不在 0001 至 9999 之间，不是可用的日期",
        f"{name} {shown}: the year is not between 0001 and 9999",
    )


def _temporal_days(col: Any, name: str, errors: RowErrors, out: I64 | None = None) -> I64:
    """A date32, date64 or timestamp column as days since 1970-01-01 (NAT where empty). Aware
    timestamps take their date in Beijing time; a date outside the years 0001–9999 is an error
    (pyarrow holds them; ``datetime.date`` and the calendar cannot)."""
    pa = _need_arrow()
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

    t = col.type
    if pa.types.is_date32(t):
        quick = _date32_days(col, out)  # the usual column: one compiled pass over its buffers
        if quick is not None:
            return quick
    valid = np.asarray(pc.is_valid(col).to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_date32(t):
        raw = np.asarray(col.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False))
        days = raw.astype(np.int64)
        unit = "天"
    else:
        unit = "ms" if pa.types.is_date64(t) else t.unit
        per_day = _TICKS_PER_DAY[unit]
        raw = np.asarray(col.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
        raw = raw.astype(np.int64)
        days = np.floor_divide(raw, per_day)
        if pa.types.is_timestamp(t) and t.tz is not None:
            # Beijing's offset was never more than a day: a far value stays far, a near one is
            # converted (nulls in place of the far ones keep pyarrow's arithmetic in range)
            near = valid & (days >= FIRST_DAY - 1) & (days <= LAST_DAY + 1)
            clean = pc.if_else(pa.array(near), col, pa.scalar(None, t))
            local = pc.local_timestamp(clean.cast(pa.timestamp(unit, tz="Asia/Shanghai")))
            ticks = local.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
            days = np.where(near, np.floor_divide(np.asarray(ticks, dtype=np.int64), per_day), days)
    days = np.where(valid, days, NAT)
    far = _outside_years(days)
    if far.any():
        errors.add(
            far,
            "date-invalid",
            lambda i: _far_message(name, f"{int(raw[i])}（{unit}，自 1970-01-01 起）"),
        )
    return np.asarray(np.where(far, NAT, days), dtype=np.int64)


def _date32_days(col: Any, out: I64 | None = None) -> I64 | None:
    """A date32 column as int64 days since 1970-01-01 (NAT where null), read from its buffers in
    one compiled pass (into ``out`` if given); None when a date is outside the years 0001–9999
    (:func:`_temporal_days` then reports it)."""
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    if out is None:
        out = np.empty(len(col), dtype=np.int64)
    for at, chunk in _chunks(col):
        n = len(chunk)
        bits, data = chunk.buffers()[:2]
        days = np.frombuffer(data, dtype=np.int32, count=chunk.offset + n)
        valid = _NO_BYTES if not chunk.null_count or bits is None else np.frombuffer(bits, np.uint8)
        if k.date32_days(days, valid, chunk.offset, NAT, FIRST_DAY, LAST_DAY, out[at : at + n]):
            return None
    return out


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


def _text_codes(
    col: Any, values: tuple[str, ...] | None, out: I64 | None = None
) -> tuple[I64, B] | None:
    """What :func:`read_text` and a comparison with ``values`` give (the 1-based code of each
    row's value among ``values``, and where a value is present), without a Python string per
    row; None when this shortcut does not apply (not a text column, or a value that is not
    one of ``values`` exactly, whitespace included: the caller then reads the column as
    text, and reports the bad value). The codes are written into ``out`` when given."""
    pa = _need_arrow()
    import pyarrow.compute

    pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    n = len(col)
    if values is None:  # present: not empty once trimmed
        text = pc.utf8_trim_whitespace(col)
        present = pc.greater(pc.binary_length(text), 0).fill_null(False)
        got = np.asarray(present.to_numpy(zero_copy_only=False), dtype=bool)
        return np.zeros(n, dtype=np.int64), got
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    codes = np.empty(n, dtype=np.int64) if out is None else out
    vdata, voffsets = _value_bytes(values)
    large = pa.types.is_large_string(col.type)
    for at, chunk in _chunks(col):  # one compiled pass over the buffers: no per-chunk Arrow calls
        m = len(chunk)
        bits, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(
            offsets_buf, dtype=np.int64 if large else np.int32, count=chunk.offset + m + 1
        )[chunk.offset :]
        data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else _NO_BYTES
        valid = _NO_BYTES if not chunk.null_count or bits is None else np.frombuffer(bits, np.uint8)
        if k.enum_codes(data, offsets, valid, chunk.offset, vdata, voffsets, codes[at : at + m]):
            return None
    return codes, codes != 0  # (every value present is one of ``values``: code ≥ 1)


@cache
def _value_bytes(values: tuple[str, ...]) -> tuple[npt.NDArray[np.uint8], I64]:
    """The UTF-8 bytes of ``values`` end to end, and where each starts (for ``enum_codes``)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    data = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)
    return data, offsets


def _iso_dates(col: Any, out: I64 | None = None) -> I64 | None:
    """A text column whose every value is exactly ``YYYY-MM-DD`` (a real date in 0001–9999) or
    empty, as days since 1970-01-01 (NAT where empty), in one compiled pass
    (:func:`gkdeadline.text_scan.iso_days`; into ``out`` if given); None for any other column:
    :func:`read_dates` then reads it, and says what is wrong with a bad value."""
    pa = _need_arrow()
    large = pa.types.is_large_string(col.type)
    if not (pa.types.is_string(col.type) or large):
        return None
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    if out is None:
        out = np.empty(len(col), dtype=np.int64)
    for at, chunk in _chunks(col):
        n = len(chunk)
        _, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(
            offsets_buf, dtype=np.int64 if large else np.int32, count=chunk.offset + n + 1
        )[chunk.offset :]
        data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else _NO_BYTES
        valid = (
            np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
            if chunk.null_count
            else np.ones(n, dtype=np.bool_)
        )
        if k.iso_days(data, offsets, valid, NAT, out[at : at + n]):
            return None
    return out


def _chunks(col: Any) -> Iterator[tuple[int, Any]]:
    """The non-empty chunks of an Arrow array or chunked array, each with the row it starts
    at (for kernels that read a chunk's buffers)."""
    pa = _need_arrow()
    at = 0
    for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
        if len(chunk):
            yield at, chunk
            at += len(chunk)


_NO_BYTES = np.zeros(0, dtype=np.uint8)


def read_ints(col: Any, name: str, errors: RowErrors) -> tuple[I64, B]:
    """A column of whole numbers (``20``, ``20.0``, ``"20"``); anything else is an error."""
    pa = _need_arrow()
    n = len(col)
    out = np.zeros(n, dtype=np.int64)
    present = np.zeros(n, dtype=bool)
    if pa.types.is_integer(col.type):
        import pyarrow.compute

        pc: Any = pyarrow.compute  # its overloads are too narrow for the stubs to follow

        valid = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if pa.types.is_uint64(col.type):  # beyond int64: no count of days is that large
            big = np.asarray(
                pc.greater(col, pa.scalar(LARGEST, pa.uint64()))
                .fill_null(False)
                .to_numpy(zero_copy_only=False),
                dtype=bool,
            )
            if big.any():
                raw = _strings(col)
                errors.add(
                    big,
                    "field-invalid",
                    lambda i: (
                        f"{name} {raw[i]} 太大，不是可用的数",
                        f"{name} {raw[i]} is too large",
                    ),
                )
                valid &= ~big
                col = pc.if_else(pa.array(big), pa.scalar(None, col.type), col)
        values = col.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        out[:] = np.asarray(values, dtype=np.int64)
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
    uniform_profile: str | None = None  # every case's profile, when they all have the same


@dataclass
class Wide:
    """One-row cases as read: per event type with a date column in the table (``nums``), the
    event's date in each row (``NAT``: none) and its three engine parameters."""

    n_cases: int
    nums: I64  # (types,) event numbers, in the order of ``SPECS``
    days: I64  # (types, cases) epoch days, NAT where the row has no such event
    slot_of: I64  # (types, 3): the row of ``p`` of each engine parameter, -1: NONE throughout
    p: I64  # (parameters given, cases) engine parameters (dates as epoch days; NONE: absent)
    p_is_date: B  # (parameters given, cases)
    profile: S | None  # per case; None when every case has ``uniform_profile``
    errors: RowErrors  # per case
    uniform_profile: str | None = None  # every case's profile, when they all have the same


def _param_values(
    spec: EventSpec,
    prm: Param,
    col: Any,
    name: str,
    errors: RowErrors,
    rows: I64 | None,
    out: I64 | None = None,
) -> tuple[I64, B]:
    """The engine codes of one parameter column (and where a value is present); dates and the
    codes of clean text are written into ``out`` when given."""
    n = len(col)
    if prm.kind == "date":
        days = _iso_dates(col, out)  # clean text: one compiled pass
        if days is None:
            days = read_dates(col, name, errors)
        return days, days != NAT
    if prm.kind == "number":  # kept for the record, not read by the engine: checked only
        text = read_text(col)
        present = np.asarray(text != None, dtype=bool)  # noqa: E711
        bad = np.zeros(n, dtype=bool)
        for i in np.flatnonzero(present):
            try:
                x = float(text[i])
            except ValueError:
                bad[i] = True
            else:
                bad[i] = not (math.isfinite(x) and x >= 0)
        errors.add(
            bad,
            "field-invalid",
            lambda i: (
                f"{name} {text[i]!r} 不是非负的数",
                f"{name} {text[i]!r} is not a non-negative number",
            ),
        )
        return np.zeros(n, dtype=np.int64), present & ~bad
    if prm.kind in ("enum", "flag", "text"):
        quick = _text_codes(col, prm.values if prm.kind == "enum" else None, out)
        if quick is not None:  # clean text: no Python string per row
            codes, present = quick
            if prm.kind == "enum":
                return codes, present
            if prm.kind == "flag":
                return present.astype(np.int64), present
            return np.zeros(n, dtype=np.int64), present
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
    top = _upper_bound(spec, prm)
    if top is not None:  # the event model's own limit (``workdays`` ≤ 1000), as Case checks it
        errors.add(
            present & (values > top),
            "field-invalid",
            lambda i: (
                f"{name}：{values[i]} 大于上限 {top}",
                f"{name}: {values[i]} is more than the limit {top}",
            ),
        )
    return values, present


def _upper_bound(spec: EventSpec, prm: Param) -> int | None:
    """The ``le`` of the event model's field (what `Case` enforces), if it has one."""
    info = spec.model.model_fields.get(prm.field)
    for m in info.metadata if info is not None else ():
        le = getattr(m, "le", None)
        if isinstance(le, int):
            return le
    return None


def one_row_long(t: Any, default_profile: str) -> Long:
    """The one-row-per-case table as events."""
    w = one_row_wide(t, default_profile)
    cases_, nums, days = [], [], []
    ps: list[list[I64]] = [[], [], []]
    pdate: list[list[B]] = [[], [], []]
    for s, num in enumerate(w.nums.tolist()):
        idx = np.flatnonzero(w.days[s] != NAT)
        cases_.append(idx)
        nums.append(np.full(len(idx), num, dtype=np.int64))
        days.append(w.days[s][idx])
        for k in range(3):
            r = int(w.slot_of[s, k])
            ps[k].append(w.p[r][idx] if r >= 0 else np.full(len(idx), core.NONE, np.int64))
            pdate[k].append(w.p_is_date[r][idx] if r >= 0 else np.zeros(len(idx), bool))
    case = np.concatenate(cases_) if cases_ else np.zeros(0, dtype=np.int64)
    return Long(
        n_cases=w.n_cases,
        case=case,
        num=np.concatenate(nums) if nums else np.zeros(0, dtype=np.int64),
        day=np.concatenate(days) if days else np.zeros(0, dtype=np.int64),
        p=[np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in ps],
        p_is_date=[np.concatenate(x) if x else np.zeros(0, dtype=bool) for x in pdate],
        row=case.copy(),
        profile=(
            w.profile if w.profile is not None else np.full(w.n_cases, w.uniform_profile, object)
        ),
        errors=w.errors,
        uniform_profile=w.uniform_profile,
    )


def check_one_row_table(t: Any) -> None:
    """What makes a one-row-per-case table unreadable as a whole (no ``received`` column, a
    column name twice, a column of the wrong kind): an :class:`InputError`. Checked once per
    table (row numbers in its messages are the table's, not a chunk's)."""
    if "received" not in t.column_names:
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
    check_column_types(t)


def one_row_wide(
    t: Any, default_profile: str, scratch: _Scratch | None = None, *, checked: bool = False
) -> Wide:
    """The one-row-per-case table, read and checked: a row of dates and parameters per event
    type (what :func:`one_row_long` lays out as events). With ``scratch``, the rows of dates and
    parameters are its buffers (valid until its next use: :func:`one_row_results`' chunks).
    ``checked``: :func:`check_one_row_table` has passed on the whole table ``t`` is part of."""
    is_date32 = _need_arrow().types.is_date32
    n = t.num_rows
    names = set(t.column_names)
    errors = RowErrors(n, scratch)
    if not checked:
        check_one_row_table(t)
    kept = [s for s in SPECS if s.date_column is not None and s.date_column in names]
    days = (
        scratch.get("days", len(kept) * n).reshape(len(kept), n)
        if scratch is not None
        else np.empty((len(kept), n), dtype=np.int64)
    )
    slot_of = np.full((len(kept), 3), -1, dtype=np.int64)
    p_rows: list[I64] = []
    pd_rows: list[B] = []
    row = 0
    read: dict[tuple[str, str, tuple[str, ...]], tuple[I64, B]] = {}  # a column two events share
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
        into = days[row]
        col = t.column(spec.date_column)
        # the usual columns, date32 or clean text, in one compiled pass; others read carefully
        d = _date32_days(col, into) if is_date32(col.type) else _iso_dates(col, into)
        if d is None:
            d = read_dates(col, spec.date_column, errors, into)
        has = d != NAT
        slots: dict[int, I64] = {}  # the engine parameters given (the others are NONE)
        slot_dates: dict[int, B] = {}
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
            key = (col_name, prm.kind, prm.values)
            if key not in read or prm.kind not in ("enum", "flag", "text"):
                # (into a buffer of its own: a column two events read differently is two)
                out = scratch.get(f"param {key}", n) if scratch is not None else None
                read[key] = _param_values(
                    spec, prm, t.column(col_name), col_name, errors, None, out
                )
            values, present = read[key]  # read again, it would only add the same errors again
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
        if d is not into:
            days[row] = d
        for k, v in slots.items():
            slot_of[row, k] = len(p_rows)
            p_rows.append(v)
            pd_rows.append(slot_dates.get(k, np.zeros(n, dtype=bool)))
        row += 1
    uniform: str | None = None
    profile: S | None = None
    if "profile" in names:
        profile = read_text(t.column("profile"))
        profile = np.where(profile == None, default_profile, profile)  # noqa: E711
    else:
        uniform = default_profile
    return Wide(
        n_cases=n,
        nums=np.asarray([s.num for s in kept], dtype=np.int64),
        days=days,
        slot_of=slot_of,
        p=_stack(p_rows, n, np.int64, "p", scratch),
        p_is_date=_stack(pd_rows, n, np.bool_, "p_is_date", scratch),
        profile=profile,
        errors=errors,
        uniform_profile=uniform,
    )


def _stack(rows: list[Any], n: int, dtype: Any, name: str, scratch: _Scratch | None) -> Any:
    """``np.stack(rows)`` (``(0, n)`` when there are none), into ``scratch``'s buffer ``name``."""
    if scratch is None or not rows:
        return np.stack(rows) if rows else np.zeros((0, n), dtype=dtype)
    return np.stack(rows, out=scratch.get(name, len(rows) * n, dtype).reshape(len(rows), n))


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
    check_column_types(t)
    n_rows = t.num_rows
    ids = pc.dictionary_encode(t.column("case_id").cast(pa.string())).combine_chunks()
    # (a missing case_id is refused below; its null index is read as 0 meanwhile)
    case = np.asarray(ids.indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
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
            # a field several events share (amount, until …) is read as each one's kind; only
            # that event's rows take its errors
            own_err = RowErrors(n_rows)
            values, present = _param_values(spec, prm, col, fname, own_err, None)
            row_err.take(own_err, rows)
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


I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]

# the types of the result columns (the schema users see)
_DATE_COLUMNS = ("due", "due_earliest", "due_latest")


@cache
def _output_types() -> dict[str, Any]:
    pa = _need_arrow()
    types = dict.fromkeys(OUTPUT_COLUMNS, pa.string())
    types.update(dict.fromkeys(_DATE_COLUMNS, pa.date32()))
    types.update(on_time=pa.bool_(), remaining_workdays=pa.int64(), workdays_late=pa.int64())
    return types


@dataclass
class Outputs:
    """Result columns, one entry per case, compact: dates as epoch days (``NAT``: none), counts
    as int64 (``NAT``: none), ``status`` an index into :data:`STATUSES` and ``on_time`` 0/1
    (-1: none), ``findings`` an index into ``findings_text`` (pairs of the ``findings`` and
    ``findings_basis`` texts; -1: none); ``findings_zh`` (only with ``messages``),
    ``error_code`` and ``error`` are Python strings (None: none). :meth:`arrow` gives a column
    as Arrow, as users see it."""

    due: I64
    due_earliest: I64
    due_latest: I64
    status: I8
    on_time: I8
    remaining: I64
    late: I64
    findings: I32
    findings_text: list[tuple[str | None, str | None]]
    findings_zh: S | None
    error_code: S
    error: S
    clean: bool = False  # known to have no error at all (error_code / error all None)
    _text_index: dict[tuple[str | None, str | None], int] = field(default_factory=dict)

    @classmethod
    def blank(
        cls, n: int, errors: RowErrors, messages: bool, scratch: _Scratch | None = None
    ) -> Outputs:
        """Outputs with no result yet. With ``scratch``, the columns are its buffers (valid
        until its next use: the caller that reuses it copies them out, :class:`_Assembly`);
        :meth:`arrow` hands ``remaining`` and ``late`` to Arrow without a copy."""
        return cls(
            due=_full(scratch, "due", n, NAT, np.int64),
            due_earliest=_full(scratch, "due_earliest", n, NAT, np.int64),
            due_latest=_full(scratch, "due_latest", n, NAT, np.int64),
            status=_full(scratch, "status", n, -1, np.int8),
            on_time=_full(scratch, "on_time", n, -1, np.int8),
            remaining=_full(scratch, "remaining", n, NAT, np.int64),
            late=_full(scratch, "late", n, NAT, np.int64),
            findings=_full(scratch, "findings_index", n, -1, np.int32),
            findings_text=[],
            findings_zh=np.full(n, None, dtype=object) if messages else None,
            error_code=errors.code,
            error=errors.text,
        )

    def text_index(self, code_text: str | None, basis_text: str | None) -> int:
        """The index of a pair of findings texts in ``findings_text`` (added if new)."""
        key = (code_text, basis_text)
        at = self._text_index.get(key)
        if at is None:
            at = self._text_index[key] = len(self.findings_text)
            self.findings_text.append(key)
        return at

    def clear(self, row: int) -> None:
        """No result for ``row`` (its error is set elsewhere)."""
        self.status[row] = self.on_time[row] = -1
        self.remaining[row] = self.late[row] = NAT
        self.due[row] = self.due_earliest[row] = self.due_latest[row] = NAT
        self.findings[row] = -1

    def arrow(self, name: str, zeros: Any = None) -> Any:
        """Output column ``name`` (one of :data:`OUTPUT_COLUMNS`) as an Arrow array.

        ``zeros``: a zero-filled Arrow buffer of at least ``8 * (len + 1)`` bytes that all-null
        columns share (one buffer instead of one each)."""
        n = len(self.due)
        kind = _output_types()[name]
        if zeros is None or zeros.size < 8 * (n + 1):
            zeros = _zeros_for(n)
        if name in _DATE_COLUMNS:
            days = getattr(self, name)
            return _date_column(days, days == NAT, kind, zeros)
        if name in ("remaining_workdays", "workdays_late"):
            return _count_column(
                self.remaining if name == "remaining_workdays" else self.late, kind, zeros
            )
        if name == "on_time":
            return _flag_column(self.on_time, kind, zeros)
        if name == "status":
            return _take_text(list(STATUSES), self.status, n, zeros)
        if name in ("findings", "findings_basis"):
            which = 0 if name == "findings" else 1
            return _take_text([t[which] for t in self.findings_text], self.findings, n, zeros)
        if name not in ("findings_zh", "error_code", "error"):
            raise KeyError(name)
        values = {"findings_zh": self.findings_zh, "error_code": self.error_code}.get(name)
        if name == "error":
            values = self.error
        if values is None or (self.clean and name != "findings_zh"):
            return _null_array(kind, n, zeros)
        return _object_column(values, kind, zeros)

    def arrays(self, zeros: Any = None) -> dict[str, Any]:
        """Every output column, by name, as Arrow arrays."""
        zeros = _zeros_for(len(self.due)) if zeros is None else zeros
        return {name: self.arrow(name, zeros) for name in OUTPUT_COLUMNS}


# The result columns as Arrow arrays (shared by :class:`Outputs` and :class:`_Assembly`):
# all-null columns are views of one shared zero-filled buffer (``zeros``, 8 bytes a row + 8).


def _zeros_for(n: int) -> Any:
    return _need_arrow().py_buffer(np.zeros(8 * (n + 1), dtype=np.uint8))


def _date_column(days: npt.NDArray[np.integer[Any]], none: B, kind: Any, zeros: Any) -> Any:
    """Dates (epoch days; ``none``: no date) as ``kind`` (date32; int32 days are not copied)."""
    if none.all():
        return _null_array(kind, len(days), zeros)
    pa = _need_arrow()
    days32 = days.astype(np.int32, copy=False)
    return pa.array(days32, type=pa.int32(), mask=none if none.any() else None).view(kind)


def _count_column(v: I64, kind: Any, zeros: Any) -> Any:
    """Counts (``NAT``: none), taken by Arrow without a copy."""
    none = v == NAT
    if none.all():
        return _null_array(kind, len(v), zeros)
    return _need_arrow().array(v, type=kind, mask=none if none.any() else None)


def _flag_column(flag: I8, kind: Any, zeros: Any) -> Any:
    """0/1 flags (-1: none) as booleans."""
    none = flag < 0
    if none.all():
        return _null_array(kind, len(flag), zeros)
    return _need_arrow().array(flag == 1, type=kind, mask=none if none.any() else None)


def _object_column(values: S, kind: Any, zeros: Any) -> Any:
    """Python strings (None: none)."""
    arr = _need_arrow().array(values, type=kind)
    return _null_array(kind, len(values), zeros) if arr.null_count == len(values) else arr


def _null_array(kind: Any, n: int, zeros: Any) -> Any:
    """An all-null Arrow array of ``n`` entries whose buffers are the shared ``zeros``."""
    pa = _need_arrow()
    if pa.types.is_string(kind):
        return pa.Array.from_buffers(kind, n, [zeros, zeros, pa.py_buffer(b"")], null_count=n)
    return pa.Array.from_buffers(kind, n, [zeros, zeros], null_count=n)


def _take_text(
    texts: list[str | None], index: npt.NDArray[np.integer[Any]], n: int, zeros: Any
) -> Any:
    """``texts[index[i]]`` for every row (null where ``index`` is negative or the text None)."""
    pa = _need_arrow()
    none = index < 0
    if none.all() or not any(t is not None for t in texts):
        return _null_array(pa.string(), n, zeros)
    dictionary = pa.array(texts, type=pa.string())
    return dictionary.take(pa.array(index, type=pa.int32(), mask=none if none.any() else None))


def _kernels() -> Any:
    from gkdeadline.jit import compiled

    return compiled(
        "gkdeadline.calendar.kernels", "gkdeadline.engine.core", "gkdeadline.engine.batch_core"
    )


_ROOM_PER_CASE = 2  # findings a chunk's buffers hold per case at first (grown from what is seen)


class _Scratch:
    """Buffers reused from chunk to chunk of one call (allocated once, grown when needed):
    fresh multi-megabyte buffers per chunk would be page faults on every first touch, and a
    process with ``MALLOC_TRIM_THRESHOLD_`` set (Dask workers) gets them from the system anew
    every time."""

    def __init__(self) -> None:
        self._arrays: dict[str, Any] = {}
        self.room = 0  # findings the buffers hold beyond ~2 a case (grown when a chunk needs)

    def get(self, name: str, size: int, dtype: Any = np.int64) -> Any:
        a = self._arrays.get(name)
        if a is None or len(a) < size:
            a = self._arrays[name] = np.zeros(max(size, 1), dtype=dtype)
        return a[:size]

    def arange(self, n: int) -> I64:
        """``np.arange(n)`` (read-only use)."""
        a = self._arrays.get("arange")
        if a is None or len(a) < n:
            a = self._arrays["arange"] = np.arange(max(n, 1), dtype=np.int64)
        return a[:n]


def _pool_full(n: int, value: int) -> I64:
    """``np.full(n, value)`` (int64) in memory from Arrow's pool when pyarrow is there: Arrow takes
    such a column without a copy, and the pool (mimalloc or jemalloc) reuses what earlier
    chunks freed, where numpy's allocation would be mapped from the system anew for every chunk
    in a process with ``MALLOC_TRIM_THRESHOLD_`` set (Dask's workers)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover  (the batch paths that get here read Arrow tables)
        return np.full(n, value, dtype=np.int64)
    buf: Any = pa.allocate_buffer(8 * max(n, 1))
    a: I64 = np.frombuffer(buf, dtype=np.int64)[:n]
    a.fill(value)
    return a


def _full(scratch: _Scratch | None, name: str, n: int, value: Any, dtype: Any) -> Any:
    """``np.full(n, value, dtype)``: ``scratch``'s buffer ``name``, refilled, when there is one."""
    if scratch is None:
        return np.full(n, value, dtype=dtype)
    a = scratch.get(name, n, dtype)
    a.fill(value)
    return a


@dataclass
class _Events:
    """Events in replay order: case ``c``'s are ``order[offsets[c] … offsets[c+1]-1]``,
    positions in ``num``, ``day``, ``p`` and ``p_is_date``; dates (and date parameters) are
    epoch days less ``shift`` (a calendar's day indices when it is that calendar's shift)."""

    offsets: I64
    order: I64
    num: I64
    day: I64
    p: list[I64]
    p_is_date: list[B]
    shift: int = 0
    identity: bool = False  # ``order`` is 0, 1, 2, …: the arrays are in replay order already


_RANK_OF = np.zeros(max(BY_NUM) + 1, dtype=np.int64)  # event number → same-day rank
for _s in SPECS:
    _RANK_OF[_s.num] = _s.rank
_LEXSORT_ABOVE = 64  # cases with more events than this are ordered by np.lexsort


def _long_events(long: Long) -> _Events:
    n, ne = long.n_cases, len(long.num)
    counts = np.bincount(long.case, minlength=n) if ne else np.zeros(n, dtype=np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if ne and int(counts.max()) > _LEXSORT_ABOVE:
        order = np.lexsort((np.arange(ne), _RANK_OF[long.num], long.day, long.case))
    else:
        order = np.empty(ne, dtype=np.int64)
        fill = np.empty(n, dtype=np.int64)
        _kernels().sort_events(long.case, long.day, long.num, _RANK_OF, offsets, fill, order)
    return _Events(offsets, np.asarray(order, dtype=np.int64), long.num, long.day, long.p,
                   long.p_is_date)  # fmt: skip


def _wide_events(wide: Wide, scratch: _Scratch, shift: int) -> _Events:
    n = wide.n_cases
    ne = sum(int(np.count_nonzero(row != NAT)) for row in wide.days)  # (no table-sized temporary)
    offsets = scratch.get("offsets", n + 1)
    num, day, p0, p1, p2 = (scratch.get(f"w{j}", ne) for j in range(5))
    d0, d1, d2 = (scratch.get(f"wd{j}", ne, np.bool_) for j in range(3))
    _kernels().wide_events(
        wide.nums, _RANK_OF, wide.days, wide.slot_of, wide.p, wide.p_is_date, NAT, shift,
        offsets, num, day, p0, p1, p2, d0, d1, d2,
    )  # fmt: skip
    order = scratch.arange(ne)
    return _Events(offsets, order, num, day, [p0, p1, p2], [d0, d1, d2], shift, identity=True)


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
    return _compute(
        _long_events(long),
        long,
        _Scratch(),
        as_of=as_of,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
    )


def _uniform_shift(
    wide: Wide,
    catalogue: Catalogue | None,
    schedules: tuple[YearSchedule, ...],
    projection: bool,
) -> int:
    """When every case has one profile, the offset that puts the events straight onto its
    calendar's day indices (0 otherwise, or when the profile is unknown: that is reported per
    row by the computation)."""
    if wide.uniform_profile is None:
        return 0
    try:
        cal = (catalogue or default_catalogue()).get(wide.uniform_profile)
        return int(cal.calendar(schedules, projection).index.first_ordinal - EPOCH_ORDINAL)
    except GkDeadlineError:
        return 0


def compute_wide(
    wide: Wide,
    *,
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
    scratch: _Scratch | None = None,
    keep_input: bool = True,
) -> Outputs:
    """Every case of a one-row table read by :func:`one_row_wide` (the same results as
    ``compute_long(one_row_long(...))``, without the long form). ``keep_input=False`` lets the
    results take over ``wide.errors`` (no copy) when the caller has no further use for it."""
    scratch = scratch or _Scratch()
    shift = _uniform_shift(wide, catalogue, schedules, projection)
    return _compute(
        _wide_events(wide, scratch, shift),
        wide,
        scratch,
        copy_errors=keep_input,
        as_of=as_of,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
    )


def _compute(
    ev: _Events,
    cases_: Long | Wide,
    scratch: _Scratch,
    *,
    copy_errors: bool = True,
    as_of: date | None,
    schedules: tuple[YearSchedule, ...],
    projection: bool,
    catalogue: Catalogue | None,
    strict: bool,
    messages: bool,
) -> Outputs:
    k = _kernels()
    cat = catalogue or default_catalogue()
    n = cases_.n_cases
    # the caller's table of cases is left as it was (unless it says it has no use for it)
    errors = cases_.errors.copy() if copy_errors else cases_.errors
    day = as_of or today()
    res = Outputs.blank(n, errors, messages, scratch)
    counts = np.subtract(ev.offsets[1:], ev.offsets[:-1], out=scratch.get("counts", n))
    # the date choosing each case's rules: the first received event's confirmation, else its day
    era = scratch.get("era", n)
    k.first_received(
        ev.order, ev.offsets, ev.num, ev.day, ev.p[1], BY_TYPE["received"].num, NAT, ev.shift,
        era,
    )  # fmt: skip
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
    ok = errors.ok  # the groups are disjoint: what one adds does not concern the others
    res.clean = bool(ok.all())
    for pid, in_group in _profile_groups(cases_):
        try:
            prof = cat.get(str(pid))
        except GkDeadlineError as exc:
            everyone = np.ones(n, dtype=bool) if in_group is None else in_group
            errors.add(everyone, exc.code, lambda i, e=exc: (e.message_zh, e.message_en))
            res.clean = False
            continue
        if in_group is None and res.clean:  # every case (read only: the shared 0, 1, 2, …)
            members = scratch.arange(n)
        else:
            members = np.flatnonzero(ok if in_group is None else in_group & ok)
        if len(members) == 0:
            continue
        cal = prof.calendar(schedules, projection)
        group = _rules_for(prof, cal, members, era, errors, scratch)
        if len(group.cases) < len(members):
            res.clean = False
        _run_group(group, ev, n, day, errors, res, strict, messages, scratch)
    return res


def _profile_groups(cases_: Long | Wide) -> list[tuple[str, B | None]]:
    """Each profile id with its cases (None: every case)."""
    prof = cases_.profile
    if cases_.uniform_profile is not None or prof is None:
        return [(cases_.uniform_profile or NATIONAL, None)]
    return [(str(pid), np.asarray(prof == pid, dtype=bool)) for pid in np.unique(prof.astype(str))]


def _rules_for(
    prof: Profile, cal: Calendar, members: I64, era: I64, errors: RowErrors, scratch: _Scratch
) -> _Group:
    """Each member's parameter row: rules change only on a few dates, so look up per era (the
    rules of an era are those in force on the date of its first member)."""
    eras = prof._eras  # the profile's own era boundaries
    edges = np.asarray([d.toordinal() - EPOCH_ORDINAL for d in eras], dtype=np.int64)
    which = scratch.get("era_of", len(members))
    first = np.empty(len(edges) + 1, dtype=np.int64)
    _kernels().era_rows(era, members, edges, which, first)
    rules: list[CaseRules] = []
    row_of = np.full(len(edges) + 1, -1, dtype=np.int64)  # era → row of ``rules``
    for w in np.flatnonzero(first >= 0).tolist():
        rep = members[int(first[w])]
        on = date.fromordinal(int(era[rep]) + EPOCH_ORDINAL)
        try:
            cr = case_rules(prof, on)
        except GkDeadlineError as exc:
            mask = np.zeros(len(errors.code), dtype=bool)
            mask[members[which == w]] = True
            # each row's message names its own date, as Case gives it (whatever the chunking)
            errors.add(mask, exc.code, lambda i, e=exc: _rules_error(prof, int(era[i]), e))
            continue
        row_of[w] = len(rules)
        rules.append(cr)
    # (mode="clip": every era is a row of row_of, and numpy then writes straight into ``out``)
    prow = np.take(row_of, which, out=scratch.get("prow", len(members)), mode="clip")
    if len(rules) == int(np.count_nonzero(first >= 0)):  # usually: every era has its rules
        return _Group(prof, cal, members, rules, prow)
    keep = prow >= 0
    return _Group(prof, cal, members[keep], rules, prow[keep])


def _rules_error(prof: Profile, day: int, first: GkDeadlineError) -> tuple[str, str]:
    """The messages of the error looking up ``prof``'s rules on epoch day ``day`` gives (an era
    whose first member's lookup failed with ``first``)."""
    try:
        case_rules(prof, date.fromordinal(day + EPOCH_ORDINAL))
    except GkDeadlineError as exc:
        return exc.message_zh, exc.message_en
    return first.message_zh, first.message_en


def _run_group(
    g: _Group,
    ev: _Events,
    n: int,
    as_of: date,
    errors: RowErrors,
    res: Outputs,
    strict: bool,
    messages: bool,
    scratch: _Scratch,
) -> None:
    k = _kernels()
    ix = g.cal.index
    shift = ix.first_ordinal - EPOCH_ORDINAL  # epoch days → the calendar's day indices
    m = len(g.cases)
    offsets = ev.offsets
    if m == n:  # every case (members are sorted and distinct): the events in replay order
        sub_off = offsets
        take = ev.order
    else:
        sub_counts = offsets[g.cases + 1] - offsets[g.cases]
        sub_off = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(sub_counts, out=sub_off[1:])
        # the group's events: case c's run offsets[c] … offsets[c+1]-1, for every c in g.cases
        total = int(sub_off[-1])
        at = np.repeat(offsets[g.cases] - sub_off[:-1], sub_counts)
        take = ev.order[at + np.arange(total, dtype=np.int64)]
    ne = len(take)
    if m == n and ev.shift == shift and ev.identity:  # already as the core reads them
        etype, edate, eps = ev.num, ev.day, ev.p
    else:
        etype, edate, ep0, ep1, ep2 = (scratch.get(f"e{j}", ne) for j in range(5))
        k.gather_events(
            take, ev.num, ev.day, ev.p[0], ev.p[1], ev.p[2], ev.p_is_date[0], ev.p_is_date[1],
            ev.p_is_date[2], shift - ev.shift, etype, edate, ep0, ep1, ep2,
        )  # fmt: skip
        eps = [ep0, ep1, ep2]
    params = np.asarray([v for r in g.rules for v in r.row], dtype=np.int64)
    a = as_of.toordinal() - ix.first_ordinal
    raw = _replay_all(k, g.cal, sub_off, etype, edate, eps, params, g.prow, a, scratch=scratch)
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
    _collect(g, raw, early, late, unknown, ix.first_ordinal, errors, res, strict, messages, scratch)


@dataclass
class _Raw:
    out: npt.NDArray[np.int64]  # (cases, NOUT)
    fcode: I64
    fev: I64
    fa: I64
    fb: I64
    fstart: I64  # where each case's findings start in fcode, fev, fa, fb


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
    scratch: _Scratch | None = None,
) -> _Raw:
    ix = cal.index
    m = len(offsets) - 1
    ne = len(etype)
    fcap = 2 * ne + 8 * m + 8  # room for every finding any case may write
    longest = int((offsets[1:] - offsets[:-1]).max()) + 1 if m else 1
    # the core's two-dimensional buffers (rows of one array each: see gkdeadline.engine.core)
    if scratch is not None and todo is None:  # every case is replayed: every output is written
        out = scratch.get("out", m * core.NOUT)
        step_rows = scratch.get("steps", core.NSTEP * longest).reshape(core.NSTEP, longest)
        # findings are few: room for ~2 a case, and all the room a case may need if one has more
        room = min(fcap, max(_ROOM_PER_CASE * m, scratch.room) + 2 * longest + 8)
        find_rows = scratch.get("findings", core.NFIND * room).reshape(core.NFIND, room)
        fstart = scratch.get("fstart", m)
        span_rows = scratch.get("spans", core.NSP * longest).reshape(core.NSP, longest)
        work = scratch.get("work", core.NW * longest).reshape(core.NW, longest)
    else:
        out = np.zeros(m * core.NOUT, dtype=np.int64)
        step_rows = np.zeros((core.NSTEP, longest), dtype=np.int64)
        room = fcap
        find_rows = np.zeros((core.NFIND, room), dtype=np.int64)
        fstart = np.zeros(m, dtype=np.int64)
        span_rows = np.zeros((core.NSP, longest), dtype=np.int64)
        work = np.zeros((core.NW, longest), dtype=np.int64)
    mask = np.ones(m, dtype=np.bool_) if todo is None else todo.astype(np.bool_)
    done = k.run_cases(
        ix.cum, ix.ords, ix.unknown_cum, ix.projected_cum, offsets, etype, edate,
        eps[0], eps[1], eps[2], params, prow, mask, as_of, out, step_rows, find_rows, fstart,
        span_rows, work,
    )  # fmt: skip
    if done < 0 and scratch is not None:  # more findings than room for them: again, with room
        # for as many a case as the cases before the one that stopped had, and twice the room
        # at least (the next chunks keep it; all the room any case may need, at most)
        c = -1 - done
        seen = int(out.reshape(m, core.NOUT)[:c, core.O_NFIND].sum())
        scratch.room = min(fcap, max(2 * room, -(-seen * m // max(c, 1)) * 5 // 4))
        return _replay_all(k, cal, offsets, etype, edate, eps, params, prow, as_of, todo, scratch)
    fcode, fev, fa, fb = (
        find_rows[j] for j in (core.FIND_CODE, core.FIND_EV, core.FIND_A, core.FIND_B)
    )
    return _Raw(out.reshape(m, core.NOUT), fcode, fev, fa, fb, fstart)


def _day(v: int, first_ordinal: int) -> date | None:
    if v <= core.NONE or v >= core.INF:
        return None
    return date.fromordinal(int(v) + first_ordinal)


_EXTRA_FINDINGS = (  # findings added to a case's own, in this order (bit q of the extra mask)
    BY_CODE["projected-calendar"].num,
    BY_CODE["calendar-pending"].num,
    BY_CODE["calendar-override"].num,
)


def _collect(
    g: _Group,
    raw: _Raw,
    early: _Raw | None,
    late: _Raw | None,
    unknown: B,
    first_ordinal: int,
    errors: RowErrors,
    res: Outputs,
    strict: bool,
    messages: bool,
    scratch: _Scratch,
) -> None:
    """The group's result columns from the core's numbers, vectorised; only error rows, rows
    whose deadline depends on unpublished days, and (with ``messages`` or ``strict``) the
    Chinese messages are built row by row."""
    shift = first_ordinal - EPOCH_ORDINAL
    out = raw.out
    bounded = unknown & (early is not None)
    if early is not None:  # the bounds must know every day they need, as in Case
        bounded &= (early.out[:, core.O_FLAGS] & UNKNOWN) == 0
        if late is not None:
            bounded &= (late.out[:, core.O_FLAGS] & UNKNOWN) == 0
        out = out.copy()
        out[bounded] = early.out[bounded]
    err = out[:, core.O_ERROR]
    # cases the calendar cannot answer at all (no bounds): the coverage error, as Case raises it
    no_bounds = unknown & ~bounded & (err == 0)
    if no_bounds.any() or err.any():
        res.clean = False
    for i in np.flatnonzero(no_bounds):
        c = int(g.cases[i])
        e = _unknown_day_error(g.cal, out[i])
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
    if good.all():  # the usual case: no copies
        idx = scratch.arange(len(good))
        rows = g.cases
        o = out
        b = bounded
    else:
        idx = np.flatnonzero(good)
        rows = g.cases[idx]
        o = out[idx]
        b = bounded[idx]
    nrows = len(rows)
    overrides = "、".join(x.label() for x in g.cal.overrides())
    text_of = _text_maker(g, res)
    if not (messages or strict or b.any()) and _collect_plain(
        g, raw, o, idx, rows, shift, overrides, text_of, res, scratch
    ):
        return
    due = o[:, core.O_DUE]
    has_due = (due > core.NONE) & (due < core.INF)
    any_b = bool(b.any())
    earliest = np.full(nrows, NAT, dtype=np.int64)
    differ = np.zeros(nrows, dtype=bool)
    if any_b:  # what the earliest and latest calendars agree on (engine.core.merge_bounds)
        merged = np.ascontiguousarray(o).reshape(-1).copy()
        other = late.out[idx] if late is not None else o
        _kernels().merge_bounds_into(
            merged, np.ascontiguousarray(other).reshape(-1), late is not None, b
        )
        o = merged.reshape(o.shape)
        lo = late.out[idx] if late is not None else None
        l_due = lo[:, core.O_DUE] if lo is not None else np.full(nrows, core.NONE)
        valid_l = (l_due > core.NONE) & (l_due < core.INF)
        same = b & valid_l & (l_due == due)
        differ = b & ~same
        earliest = np.where(differ & has_due, due + shift, NAT)
        latest = np.where(differ & valid_l, l_due + shift, NAT)
        has_due = has_due & ~differ
        res.due_earliest[rows] = earliest
        res.due_latest[rows] = latest
    res.due[rows] = np.where(has_due, due + shift, NAT)
    res.status[rows] = o[:, core.O_STATUS]
    on_time = o[:, core.O_ON_TIME]
    res.on_time[rows] = np.where(on_time < 0, -1, on_time == 1)
    remaining = o[:, core.O_REMAINING]
    res.remaining[rows] = np.where(remaining == core.NONE, NAT, remaining)
    late_n = o[:, core.O_LATE]
    res.late[rows] = np.where(late_n == core.NONE, NAT, late_n)

    # ---- findings: problem numbers per case, then the text of each distinct combination
    projected = ((o[:, core.O_FLAGS] & PROJECTED) != 0) & ~b
    pending = b & differ & (earliest != NAT)
    nf = o[:, core.O_NFIND]
    src_f0 = raw.fstart[idx]
    prow = g.prow[idx]
    per_case: dict[int, list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]] = {}
    slow = np.ones(nrows, dtype=bool) if (messages or strict) else b
    for j in np.flatnonzero(slow).tolist():
        # bounded rows: only the findings both calendars agree on are certain
        at = int(idx[j])
        src = early if bounded[at] and early is not None else raw
        f0 = int(src.fstart[at])
        found = [
            (int(src.fcode[f0 + q]), int(src.fev[f0 + q]), int(src.fa[f0 + q]),
             int(src.fb[f0 + q]))
            for q in range(int(nf[j]))
        ]  # fmt: skip
        other_found = None
        if bounded[at] and late is not None:
            g0 = int(late.fstart[at])
            other_found = [
                (int(late.fcode[g0 + q]), int(late.fev[g0 + q]), int(late.fa[g0 + q]),
                 int(late.fb[g0 + q]))
                for q in range(int(late.out[at, core.O_NFIND]))
            ]  # fmt: skip
        per_case[j] = certain_findings(found, other_found)
    bits = projected.astype(np.int64) | (pending.astype(np.int64) << 1)
    if overrides:
        bits |= 4

    def combo_of(j: int) -> tuple[int, ...]:
        if j in per_case:
            codes = [item[0] for item in per_case[j]]
        else:
            f0 = int(src_f0[j])
            codes = raw.fcode[f0 : f0 + int(nf[j])].tolist()
        extra = int(bits[j])
        codes += [x for q, x in enumerate(_EXTRA_FINDINGS) if (extra >> q) & 1]
        return (*codes, int(prow[j]))

    index = np.empty(nrows, dtype=np.int32)
    fast = ~slow
    fast_rows = np.flatnonzero(fast) if not fast.all() else None
    n_fast = nrows if fast_rows is None else len(fast_rows)
    most = 0
    keys = np.empty(n_fast, dtype=np.int64)
    if n_fast:

        def sel(x: I64) -> I64:
            return x if fast_rows is None else x[fast_rows]

        most = _kernels().finding_keys(
            raw.fcode, sel(src_f0), np.ascontiguousarray(sel(nf)),
            np.asarray(_EXTRA_FINDINGS, dtype=np.int64), sel(bits), sel(prow), keys,
        )  # fmt: skip
    if n_fast and most <= 8:
        # one integer per case: the text of each distinct combination is built once
        pa = _need_arrow()
        encoded = pa.array(keys).dictionary_encode()
        distinct = encoded.dictionary.to_numpy()
        texts = np.empty(len(distinct), dtype=np.int32)
        for u, key in enumerate(distinct.tolist()):
            texts[u] = text_of(_combo(key))
        found = texts[encoded.indices.to_numpy()]
        if fast_rows is None:
            index = found
        else:
            index[fast_rows] = found
        todo: Iterable[int] = np.flatnonzero(slow).tolist()
    else:
        todo = range(nrows)
    for j in todo:
        index[j] = text_of(combo_of(j))
    res.findings[rows] = index
    if not (messages or strict):
        return

    def day_of(v: int) -> date | None:
        return _day(v, first_ordinal)

    for j in range(nrows):
        row = int(rows[j])
        rules = g.rules[int(prow[j])]
        messages_: list[tuple[str, str]] = []
        for num, _pos, args, late_args in per_case[j]:
            problem = PROBLEMS[num]
            zh, _en, rule = render_finding(problem, rules, args, late_args, day_of)
            messages_.append(
                (problem.code, zh + (f"（{short_citation(rule)}）" if rule is not None else ""))
            )
        if overrides:
            messages_.append(
                ("calendar-override", BY_CODE["calendar-override"].zh.format(what=overrides))
            )
        if projected[j]:
            messages_.append(("projected-calendar", BY_CODE["projected-calendar"].zh))
        if pending[j]:
            lo_d = date.fromordinal(int(earliest[j]) + EPOCH_ORDINAL).isoformat()
            latest_j = res.due_latest[row]
            hi_d = (
                date.fromordinal(int(latest_j) + EPOCH_ORDINAL).isoformat()
                if latest_j != NAT
                else "（暂不能确定）"
            )
            messages_.append(
                (
                    "calendar-pending",
                    BY_CODE["calendar-pending"].zh.format(earliest=lo_d, latest=hi_d),
                )
            )
        if strict:
            bad = [t for t in messages_ if BY_CODE[t[0]].severity == "violation"]
            if bad:
                errors.code[row], errors.text[row] = bad[0]
                res.clear(row)
                res.clean = False
                continue
        if messages and res.findings_zh is not None:
            res.findings_zh[row] = "\n".join(t for _, t in messages_) if messages_ else None


def _combo(key: int) -> tuple[int, ...]:
    """The problem numbers and the rules row packed in a key of ``finding_keys``."""
    v, digits = key // 1024, []
    while v:
        digits.append(v % 64)
        v //= 64
    return (*reversed(digits), key % 1024)


def _text_maker(g: _Group, res: Outputs) -> Callable[[tuple[int, ...]], int]:
    """``text_of(combo)``: the index in ``res.findings_text`` of the texts of a combination of
    problem numbers under the group's rules row ``combo[-1]`` (each built once)."""
    texts: dict[tuple[int, ...], int] = {}

    def text_of(combo: tuple[int, ...]) -> int:
        at = texts.get(combo)
        if at is None:
            nums, rules = combo[:-1], g.rules[combo[-1]]
            if not nums:
                at = res.text_index(None, None)
            else:
                cites = []
                for num in nums:
                    rule = finding_rule(rules, PROBLEMS[num])
                    cites.append(short_citation(rule) if rule is not None else "")
                at = res.text_index(";".join(PROBLEMS[x].code for x in nums), ";".join(cites))
            texts[combo] = at
        return at

    return text_of


def _collect_plain(
    g: _Group,
    raw: _Raw,
    o: npt.NDArray[np.int64],
    idx: I64,
    rows: I64,
    shift: int,
    overrides: str,
    text_of: Callable[[tuple[int, ...]], int],
    res: Outputs,
    scratch: _Scratch,
) -> bool:
    """:func:`_collect` for computed cases that need no bounds, messages or strict checks, in
    one compiled pass; False when it does not apply (a case with more than 8 findings, or too
    many distinct combinations of findings): the caller then takes the general way."""
    m = len(rows)
    whole = m == len(res.due)  # rows are distinct and sorted: every case, in order
    cols: list[Any]
    if whole:
        cols = [res.due, res.status, res.on_time, res.remaining, res.late]
        fstart, prow = raw.fstart[:m], g.prow
    else:
        cols = [np.empty(m, dtype=np.int64) for _ in range(5)]
        fstart, prow = raw.fstart[idx], g.prow[idx]
    # a hash table of combinations: twice the chunk's cases (which bounds the distinct ones),
    # at most 1,024 slots (a chunk with more than 512 combinations goes the general way)
    size = 1024 if m > 512 else max(16, 1 << (2 * m - 1).bit_length())
    table_keys = np.full(size, -1, dtype=np.int64)
    table_slot = np.empty(size, dtype=np.int64)
    uniq = np.empty(size // 2, dtype=np.int64)
    index = scratch.get("combo_of", m, np.int32)
    nu = _kernels().collect_plain(
        np.ascontiguousarray(o), fstart, raw.fcode, prow, shift, NAT, 4 if overrides else 0,
        np.asarray(_EXTRA_FINDINGS, dtype=np.int64), *cols, table_keys, table_slot, uniq, index,
    )  # fmt: skip
    if nu < 0:
        return False
    if not whole:
        res.due[rows], res.status[rows], res.on_time[rows] = cols[0], cols[1], cols[2]
        res.remaining[rows], res.late[rows] = cols[3], cols[4]
    at = np.asarray([text_of(_combo(key)) for key in uniq[:nu].tolist()], dtype=np.int32)
    if not nu:
        res.findings[rows] = -1
    elif whole:  # (straight into the column)
        np.take(at, index, out=res.findings, mode="clip")  # (every index is a row of ``at``)
    else:
        res.findings[rows] = at[index]
    return True


def _unknown_day_error(cal: Calendar, out_row: Any) -> GkDeadlineError:
    """The coverage error of the first unknown day after the receipt (``date-out-of-range``
    when that day would be after 9999-12-31)."""
    ix = cal.index
    r = int(out_row[core.O_RECEIPT])
    start = r if core.NONE < r < core.INF else 0
    try:
        return cal.coverage_error(ix.first_unknown_after(start))
    except InputError as exc:
        return exc


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
    columns = one_row_results(
        t,
        profile=profile,
        as_of=day,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
    )
    return attach(table, columns)


CHUNK_ROWS = 32_768
"""The most rows :func:`cases` computes at a time (see :func:`chunk_rows`). A chunk has ~0.6 KB
of working arrays per row (~20 MB at 32,768 rows; reused from chunk to chunk: see
:class:`_Scratch`), and a fixed cost (~0.4 ms of Python and Arrow calls) that 32,768 rows make
a few per cent of the compiled work. A chunk's own int64 arrays (256 KiB) are above glibc's
fixed ``mmap`` threshold, so a process with ``MALLOC_TRIM_THRESHOLD_`` set (Dask's default for
its workers) maps a few fresh ones per chunk: ``benchmarks/bench_dask.py`` measures that
setting."""

_CHUNKS_AT_LEAST = 16  # a table smaller than 16 full chunks is cut into 16 (working memory)
_MIN_CHUNK_ROWS = 512  # but no chunk is smaller than this (its fixed cost) …
_SMALL_TABLE_CHUNKS = 5  # … unless the table is smaller than 5 such chunks: then 5 chunks,
_SMALLEST_CHUNK_ROWS = 64  # of at least 64 rows


def chunk_rows(n: int) -> int:
    """Rows :func:`cases` computes at a time for a table of ``n`` rows: a sixteenth of the table,
    between 512 and :data:`CHUNK_ROWS` rows, and a fifth of a table under 2,560 rows (at least
    64). The working arrays (~0.6 KB per chunk row) then stay a bounded share of the table:
    under ~40 bytes per table row from 8,192 rows up, ~120 below (beside the ~105 bytes per row
    of the result columns, which are made after the working arrays are freed); a table of 10⁶
    rows is computed in chunks of 32,768. A chunk's fixed cost (~0.4 ms) makes the smallest
    tables slower per row: ~2.4 ms for 1,000 rows in 5 chunks of 200, against ~1.4 ms in 2 of
    512 (but ~0.5 MB of working arrays for those 1,000 rows)."""
    floor = min(_MIN_CHUNK_ROWS, max(_SMALLEST_CHUNK_ROWS, -(-n // _SMALL_TABLE_CHUNKS)))
    return min(CHUNK_ROWS, max(floor, -(-n // _CHUNKS_AT_LEAST)))


def one_row_results(
    t: Any,
    *,
    profile: str = NATIONAL,
    as_of: date,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
    rows: int | None = None,
) -> dict[str, Any]:
    """The output columns of :func:`cases` for the Arrow table ``t`` (one ChunkedArray each),
    computed ``rows`` rows at a time (default :func:`chunk_rows`: what keeps the working arrays
    a small share of the table; a caller that streams pieces of a larger table, whose memory is
    bounded by the piece anyway, passes :data:`CHUNK_ROWS`)."""
    pa = _need_arrow()
    whole = _compute_chunks(
        t,
        profile=profile,
        as_of=as_of,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        strict=strict,
        messages=messages,
        rows=rows,
    )
    # (the chunks' working arrays are gone: the Arrow columns are made in the memory they held)
    types = _output_types()
    return {
        name: pa.chunked_array([whole.arrow(name)], type=types[name]) for name in OUTPUT_COLUMNS
    }


def _compute_chunks(
    t: Any,
    *,
    profile: str,
    as_of: date,
    schedules: tuple[YearSchedule, ...],
    projection: bool,
    catalogue: Catalogue | None,
    strict: bool,
    messages: bool,
    rows: int | None,
) -> _Assembly:
    """:func:`one_row_results`' computation: every chunk of ``t``, into one :class:`_Assembly`
    (the chunks' working arrays are freed when it returns)."""
    n = t.num_rows
    step = max(1, rows or chunk_rows(n))
    scratch = _Scratch()
    check_one_row_table(t)  # once: whole-table errors name the table's rows
    whole = _Assembly(n, messages)
    for start in range(0, max(n, 1), step):
        out = compute_wide(
            one_row_wide(t.slice(start, step), profile, scratch, checked=True),
            as_of=as_of,
            schedules=schedules,
            projection=projection,
            catalogue=catalogue,
            strict=strict,
            messages=messages,
            scratch=scratch,
            keep_input=False,
        )
        whole.add(start, out)
    return whole


class _Assembly:
    """The result columns of a whole table, filled in chunk by chunk (from each chunk's
    :class:`Outputs`) and made Arrow arrays once at the end: no Arrow objects per chunk, one
    array per column, and the date and count columns handed to Arrow without a copy. Columns
    that are usually empty (the bounds of unpublished days, messages, errors) are allocated
    only when a chunk has a value for them, and all-null columns share one zero buffer."""

    def __init__(self, n: int, messages: bool) -> None:
        self.n = n
        self.messages = messages
        # per date column: int32 days and where there is none (None: no date in any chunk yet)
        self.days: dict[str, tuple[npt.NDArray[np.int32], B] | None] = dict.fromkeys(_DATE_COLUMNS)
        self.status = np.empty(n, dtype=np.int8)
        self.on_time = np.empty(n, dtype=np.int8)
        # workday counts (NAT: none; None: none in any chunk yet); Arrow takes them as they are
        self.counts: dict[str, I64 | None] = dict.fromkeys(("remaining_workdays", "workdays_late"))
        self.findings = np.empty(n, dtype=np.int32)  # index into ``texts``; -1: none
        self.texts: list[tuple[str | None, str | None]] = []
        self._text_at: dict[tuple[str | None, str | None], int] = {}
        self.objects: dict[str, S | None] = dict.fromkeys(("findings_zh", "error_code", "error"))
        self._zeros: Any = None

    def add(self, at: int, out: Outputs) -> None:
        """The chunk ``out``: the rows ``at`` … ``at + len(out.due) - 1``."""
        end = at + len(out.due)
        for name in _DATE_COLUMNS:
            src = getattr(out, name)
            none = src == NAT
            have = self.days[name]
            if have is None:
                if none.all():
                    continue
                have = self.days[name] = (
                    np.zeros(self.n, dtype=np.int32),
                    np.ones(self.n, dtype=bool),
                )
            np.copyto(have[0][at:end], src, casting="unsafe")  # (NAT slots are masked)
            have[1][at:end] = none
        self.status[at:end] = out.status
        self.on_time[at:end] = out.on_time
        for name, src in (("remaining_workdays", out.remaining), ("workdays_late", out.late)):
            count = self.counts[name]
            if count is None:
                if (src == NAT).all():
                    continue
                count = self.counts[name] = _pool_full(self.n, NAT)
            count[at:end] = src
        # each chunk numbers its own findings texts: renumbered into the table's
        local = np.asarray([-1] + [self._text(p) for p in out.findings_text], dtype=np.int32)
        np.take(local, np.add(out.findings, 1, dtype=np.intp), out=self.findings[at:end])
        if self.messages and out.findings_zh is not None:
            self._objects("findings_zh")[at:end] = out.findings_zh
        if not out.clean:
            for name, src in (("error_code", out.error_code), ("error", out.error)):
                if (src != None).any():  # noqa: E711  (object array)
                    self._objects(name)[at:end] = src

    def _text(self, pair: tuple[str | None, str | None]) -> int:
        at = self._text_at.get(pair)
        if at is None:
            at = self._text_at[pair] = len(self.texts)
            self.texts.append(pair)
        return at

    def _objects(self, name: str) -> S:
        a = self.objects[name]
        if a is None:
            a = self.objects[name] = np.full(self.n, None, dtype=object)
        return a

    def arrow(self, name: str) -> Any:
        """Output column ``name`` (one of :data:`OUTPUT_COLUMNS`) as one Arrow array."""
        kind = _output_types()[name]
        if self._zeros is None:
            self._zeros = _zeros_for(self.n)
        zeros = self._zeros
        if name in _DATE_COLUMNS:
            have = self.days[name]
            return (
                _null_array(kind, self.n, zeros)
                if have is None
                else _date_column(*have, kind, zeros)
            )
        if name in self.counts:
            v = self.counts[name]
            return _null_array(kind, self.n, zeros) if v is None else _count_column(v, kind, zeros)
        if name == "on_time":
            return _flag_column(self.on_time, kind, zeros)
        if name == "status":
            return _take_text(list(STATUSES), self.status, self.n, zeros)
        if name in ("findings", "findings_basis"):
            texts = [p[name == "findings_basis"] for p in self.texts]
            return _take_text(texts, self.findings, self.n, zeros)
        values = self.objects[name]
        return (
            _null_array(kind, self.n, zeros)
            if values is None
            else _object_column(values, kind, zeros)
        )


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


def attach(table: Any, out: Outputs | Mapping[str, Any]) -> Any:
    """The input table with the output columns added (replacing any of the same names);
    ``out`` is an :class:`Outputs` or the Arrow columns by name (:func:`one_row_results`)."""
    pa = _need_arrow()
    arrays: dict[str, Any] = out.arrays() if isinstance(out, Outputs) else dict(out)
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
    if isinstance(table, pa.Table):  # (one new table: not one per column added)
        keep = [i for i, name in enumerate(table.column_names) if name not in arrays]
        fields = [table.schema.field(i) for i in keep]
        fields += [pa.field(name, arr.type) for name, arr in arrays.items()]
        return pa.Table.from_arrays(
            [table.column(i) for i in keep] + list(arrays.values()),
            schema=pa.schema(fields, metadata=table.schema.metadata),
        )
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
        # dates keep their Arrow type (pandas has no date dtype of its own): Dask's metadata then
        # knows the Parquet type of ``due`` (as object it could not write them)
        pa.date32(): pd.ArrowDtype(pa.date32()),
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


def dask_event_log(frame: Any, **kw: Any) -> Any:
    """:func:`event_log` on a ``dask.dataframe.DataFrame`` of events (lazily): the events are
    shuffled by ``case_id`` so that each case is whole in one partition, then every partition is
    computed; one row per case, as pandas (dates as ``date32[pyarrow]``).

    ``error_row`` and the row named in ``error`` are rows of the whole input (counted from 0 in
    the input's order before the shuffle), as :func:`event_log` gives them for a table in
    memory. ``as_of`` is fixed once here (default today) so every partition uses the same date.
    """
    kw["as_of"] = today() if kw.get("as_of") is None else to_date(kw["as_of"], "as_of")
    if "case_id" not in frame.columns:
        raise InputError(
            f"事件表没有 case_id 列（现有列：{'、'.join(map(str, frame.columns)) or '无'}）",
            code="column-missing",
            message_en="the event log has no 'case_id' column",
            field="case_id",
        )
    if _ROW_COLUMN in frame.columns:
        raise InputError(
            f"事件表不能有名为 {_ROW_COLUMN} 的列（dask_event_log 用它记住输入的行号）",
            code="column-duplicate",
            message_en=f"the event log may not have a column named {_ROW_COLUMN}",
            field=_ROW_COLUMN,
        )
    numbered = frame.assign(**{_ROW_COLUMN: 1})
    numbered = numbered.assign(**{_ROW_COLUMN: numbered[_ROW_COLUMN].cumsum() - 1})
    meta = _event_log_partition(numbered._meta, kw)
    return numbered.shuffle("case_id").map_partitions(_event_log_partition, kw, meta=meta)


_ROW_COLUMN = "_gkdeadline_row"  # the input's row numbers, carried through the shuffle


def _event_log_partition(part: Any, kw: dict[str, Any]) -> Any:
    """One partition of :func:`dask_event_log`: its events in input order, computed; row
    numbers mapped back to the input's."""
    import pandas as pd

    part = part.sort_values(_ROW_COLUMN, kind="stable")
    rows = part[_ROW_COLUMN].to_numpy(dtype=np.int64)
    try:
        table = event_log(part.drop(columns=_ROW_COLUMN), **kw)
    except GkDeadlineError as exc:  # a whole-log error (no case_id …): the input's row number
        if exc.row is None or not 0 <= exc.row < len(rows):
            raise
        r, at = exc.row, int(rows[exc.row])
        raise type(exc)(
            exc.message_zh.replace(f"第 {r} 行", f"第 {at} 行", 1),
            code=exc.code,
            message_en=exc.message_en.replace(f"row {r}", f"row {at}", 1),
            event_index=exc.event_index,
            row=at,
            field=exc.field,
            value=exc.value,
            rule_id=exc.rule_id,
            citation=exc.citation,
        ) from None
    result = table.to_pandas(types_mapper=_pandas_types())
    local = result["error_row"]
    has = local.notna().to_numpy()
    if has.any():
        at = local[has].astype(np.int64).to_numpy()
        result.loc[has, "error_row"] = rows[at]
        texts = result.loc[has, "error"].astype(object).tolist()
        result.loc[has, "error"] = [
            f"第 {rows[r]} 行：" + str(t).removeprefix(f"第 {r} 行：")
            for r, t in zip(at.tolist(), texts, strict=True)
        ]
    return pd.DataFrame(result).reset_index(drop=True)


def dask_cases(frame: Any, **kw: Any) -> Any:
    """:func:`cases` on every partition of a ``dask.dataframe.DataFrame`` (lazily).

    ``as_of`` is fixed once here (default today) so every partition uses the same date.
    """
    kw["as_of"] = today() if kw.get("as_of") is None else to_date(kw["as_of"], "as_of")
    meta = cases(frame._meta, **kw)
    return frame.map_partitions(cases, meta=meta, **kw)


def spark_cases(
    frame: Any,
    *,
    profile: str = NATIONAL,
    as_of: date | Any = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    messages: bool = False,
) -> Any:
    """:func:`cases` on a PySpark DataFrame (lazily), through ``DataFrame.mapInArrow``.

    Each Arrow batch Spark hands to Python is computed as an Arrow table (no pandas) and comes
    back with the input's columns and the result columns of :func:`cases` (existing columns of
    those names are replaced): ``due``, ``due_earliest`` and ``due_latest`` as ``DateType``,
    ``on_time`` as ``BooleanType``, ``remaining_workdays`` and ``workdays_late`` as
    ``LongType``, the texts as ``StringType``. Every input row comes out, with its error in
    ``error_code`` / ``error`` when it cannot be computed. ``as_of`` is fixed once here
    (default today in China) so every task uses the same date; the columns the engine reads are
    checked here too (a nested ``received`` column is an error before Spark runs anything).
    Needs pyspark 3.5 or later; rows per batch: ``spark.sql.execution.arrow.maxRecordsPerBatch``.
    """
    try:
        from pyspark.sql.pandas.types import from_arrow_type, to_arrow_schema
        from pyspark.sql.types import StructField, StructType
    except ImportError:
        raise MissingDependencyError(None, "pyspark") from None
    kw: dict[str, Any] = {
        "profile": profile,
        "as_of": today() if as_of is None else to_date(as_of, "as_of"),
        "schedules": schedules,
        "projection": projection,
        "catalogue": catalogue,
        "strict": strict,
        "messages": messages,
    }
    one_row_results(_spark_empty(frame.schema, to_arrow_schema), **kw)  # checks, on the driver
    types = _output_types()
    kept = [f for f in frame.schema.fields if f.name not in types]
    added = [StructField(name, from_arrow_type(types[name]), True) for name in OUTPUT_COLUMNS]
    return frame.mapInArrow(partial(_spark_batches, kw=kw), StructType(kept + added))


def _spark_empty(schema: Any, to_arrow_schema: Callable[[Any], Any]) -> Any:
    """An empty Arrow table of a Spark schema; a column Spark cannot send to Python as Arrow
    (every column goes through ``mapInArrow``) is a ``table-invalid`` error naming it, here
    rather than in the middle of the run."""
    for field_ in schema.fields:
        try:
            to_arrow_schema(type(schema)([field_]))
        except (TypeError, ValueError, NotImplementedError) as exc:  # pyspark's "no Arrow form"
            raise _table_error(
                f"列 {field_.name} 的类型 {field_.dataType.simpleString()} 无法以 Arrow 交给 Python"
                "；请先把它转换成日期、文本或数字，或不选这一列",
                f"column {field_.name} has type {field_.dataType.simpleString()}, which Spark"
                f" cannot send to Python as Arrow ({exc}); cast it to a date, text or number, or"
                " leave it out",
                field_.name,
            ) from None
    return to_arrow_schema(schema).empty_table()


def _spark_batches(batches: Iterable[Any], kw: dict[str, Any]) -> Iterator[Any]:
    """One Spark task of :func:`spark_cases`: each Arrow batch, computed, as a batch."""
    pa = _need_arrow()
    for batch in batches:
        t = pa.Table.from_batches([batch])
        # (one piece: a batch is bounded by Spark's batch size, and sixteen small pieces of it
        # would cost their fixed cost sixteen times)
        yield from attach(t, one_row_results(t, rows=CHUNK_ROWS, **kw)).to_batches()


_ = CHINA
