"""Event logs in chunks of whole cases, and the per-case facts the annual report counts.

:func:`gkdeadline.batch_cases.event_log` holds every event of the log in memory at once, with its
intermediate arrays. Here the same computation runs a chunk of *whole cases* at a time (a case is
never split between chunks), so memory stays flat:

* :func:`event_log_chunked` — an in-memory event log; the same result as ``event_log`` (cases in
  order of first appearance, ``error_row`` counted in the whole table). Rows of one case need not
  be adjacent: an ungrouped table is first ordered by case (stably);
* :func:`event_log_file` — an event-log file (Parquet, CSV, JSON Lines) streamed in chunks; the
  file's rows must be grouped by ``case_id`` (every case's rows adjacent, as exports and
  ``ORDER BY case_id`` give them). A case that reappears after its rows ended is an error naming
  it, never a silently split case;
* :func:`case_facts` — one row per case with what the annual report and the statistics count:
  the receipt day, the first closing event (answer, withdrawal, 视为放弃, 逾期未缴费) and its
  outcome, the applicant type, office and channel, the engine's result as of ``as_of`` and its
  status on further dates (``checkpoints``: the report's two year ends).

Errors stay data: a case with an input error (``error_code`` from
:func:`gkdeadline.mapping.normalize`) keeps its row, with that error and no computed result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.batch_cases import (
    NAT,
    Outputs,
    RowErrors,
    attach,
    check_column_types,
    compute_long,
    event_log_long,
    one_row_long,
    read_dates,
    read_text,
    to_arrow,
)
from gkdeadline.calendar import YearSchedule
from gkdeadline.errors import InputError, MissingDependencyError
from gkdeadline.events import BY_TYPE
from gkdeadline.profiles import NATIONAL, Catalogue
from gkdeadline.timeconv import to_date, today

I64 = npt.NDArray[np.int64]
NULL: Any = None  # a None that numpy's type stubs accept in np.where
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]
Progress = Callable[[int, int], None]  # (input rows done, input rows in all)

CLOSING = ("answered", "withdrawn", "abandoned", "fee_lapsed")
OPEN_STATUSES = (
    "running",
    "paused",
    "awaiting_correction",
    "awaiting_fee",
    "overdue",
    "seriously_overdue",
    "pending_calendar",
)
CLOSED_STATUSES = ("answered", "answered_late", "withdrawn", "abandoned")
RESULT_COLUMNS = (
    "due",
    "due_earliest",
    "due_latest",
    "status",
    "on_time",
    "remaining_workdays",
    "workdays_late",
    "findings",
)
_ROW_PREFIX = re.compile(r"^第 (\d+) 行：")


def _arrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("batch", "pyarrow") from None
    return pa


def _case_index(col: Any) -> tuple[I64, Any]:
    """Each row's case number (order of first appearance, as event_log numbers them)."""
    pa = _arrow()
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(col.cast(pa.string()))
    enc = enc.combine_chunks() if isinstance(enc, pa.ChunkedArray) else enc
    return np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64), enc.dictionary


def _group(t: Any, id_col: str) -> tuple[Any, I64, I64]:
    """The table with each case's rows adjacent (stable), the case index per row, and each row's
    position in the input."""
    pa = _arrow()
    import pyarrow.compute as pc

    if pc.any(pc.is_null(t.column(id_col))).as_py():
        return t, np.zeros(t.num_rows, dtype=np.int64), np.arange(t.num_rows, dtype=np.int64)
    case, _ = _case_index(t.column(id_col))
    rows = np.arange(t.num_rows, dtype=np.int64)
    if len(case) > 1 and (np.diff(case) < 0).any():
        order = np.argsort(case, kind="stable")
        return t.take(pa.array(order)), case[order], order
    return t, case, rows


def _cuts(case: I64, chunk_rows: int) -> list[tuple[int, int]]:
    """Row ranges of about ``chunk_rows`` rows, each ending where a case ends."""
    n = len(case)
    if n == 0:
        return [(0, 0)]
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    out: list[tuple[int, int]] = []
    begin = 0
    while begin < n:
        want = begin + chunk_rows
        if want >= n:
            out.append((begin, n))
            break
        k = int(np.searchsorted(starts, want, side="left"))
        end = int(starts[k]) if k < len(starts) else n
        if end <= begin:  # one case larger than a chunk: take it whole
            nxt = np.searchsorted(starts, begin, side="right")
            end = int(starts[nxt]) if nxt < len(starts) else n
        out.append((begin, end))
        begin = end
    return out


def _global_rows(texts: S, error_row: I64, rows: I64, label: Callable[[int], str]) -> None:
    """Error texts and rows of a chunk, renumbered to the whole input."""
    for c in np.flatnonzero(error_row >= 0):
        r = int(error_row[c])
        t = texts[c]
        if isinstance(t, str):
            texts[c] = _ROW_PREFIX.sub(f"{label(r)}：", t, count=1)
        error_row[c] = rows[r]


def _plain_row(rows: I64) -> Callable[[int], str]:
    def label(r: int) -> str:
        return f"第 {int(rows[r])} 行"

    return label


def _engine_kw(kw: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("schedules", "projection", "catalogue", "strict")
    return {k: kw[k] for k in keep if k in kw}


# ----------------------------------------------------------------------------- event_log in chunks


def event_log_chunked(
    table: Any,
    *,
    profile: str = NATIONAL,
    as_of: date | Any = None,
    chunk_rows: int = 200_000,
    progress: Progress | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
) -> Any:
    """:func:`gkdeadline.batch_cases.event_log`, a chunk of whole cases at a time (same result)."""
    pa = _arrow()
    day = today() if as_of is None else to_date(as_of, "as_of")
    t = to_arrow(table)
    if "case_id" not in t.column_names:
        event_log_long(t, profile)  # raises the usual column-missing error
    t, case, rows = _group(t, "case_id")
    total = t.num_rows
    parts: list[Any] = []
    for begin, end in _cuts(case, chunk_rows):
        chunk = t.slice(begin, end - begin)
        long, case_ids, error_row = event_log_long(chunk, profile)
        out = compute_long(
            long,
            as_of=day,
            schedules=schedules,
            projection=projection,
            catalogue=catalogue,
            strict=strict,
        )
        part_rows = rows[begin:end]
        _global_rows(out.error, error_row, part_rows, _plain_row(part_rows))
        base = pa.table({"case_id": case_ids, "profile": pa.array(long.profile, type=pa.string())})
        result = attach(base, out)
        parts.append(
            result.append_column(
                "error_row",
                pa.array(np.where(error_row >= 0, error_row, 0), pa.int64(), mask=error_row < 0),
            )
        )
        if progress:
            progress(end, total)
    out = pa.concat_tables(parts)
    return (
        out.replace_schema_metadata({"gkdeadline.as_of": day.isoformat()})
        if parts
        else event_log_empty(profile, day)
    )


def event_log_empty(profile: str, day: date) -> Any:
    from gkdeadline.batch_cases import event_log

    pa = _arrow()
    empty = pa.table(
        {"case_id": pa.array([], pa.string()), "type": pa.array([], pa.string()), "date": []}
    )
    return event_log(empty, profile=profile, as_of=day)


def _batches(path: Path, batch_rows: int) -> Iterator[Any]:
    """A canonical event-log file as Arrow record batches (CSV and JSON Lines as text)."""
    pa = _arrow()
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(path).iter_batches(batch_size=batch_rows)
        return
    if suffix == ".csv":
        import csv

        import pyarrow.csv as pcsv

        with path.open("r", encoding="utf-8-sig", newline="") as f:
            names = next(csv.reader(f), [])
        opts = pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
        )
        reader = pcsv.open_csv(
            str(path),
            read_options=pcsv.ReadOptions(block_size=max(batch_rows * 64, 1 << 20)),
            convert_options=opts,
        )
        yield from reader
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_batches(path, batch_rows)
        return
    raise InputError(
        f"{path}：不支持的文件类型；事件表请用 .parquet、.csv 或 .jsonl",
        code="input-invalid",
        message_en=f"{path}: use .parquet, .csv or .jsonl for an event log",
    )


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[Any]:
    """A JSON Lines event log as record batches of text columns (the same columns in every
    batch: the keys of the whole file, learnt in a first pass)."""
    import json

    pa = _arrow()

    def text(v: Any) -> str | None:
        if v is None or isinstance(v, str):
            return v
        return json.dumps(v, ensure_ascii=False)

    keys: dict[str, None] = {}
    with path.open("r", encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                keys.update(dict.fromkeys(json.loads(line)))
    names = list(keys)
    records: list[dict[str, Any]] = []

    def flush() -> Any:
        return pa.RecordBatch.from_pydict(
            {k: pa.array([text(r.get(k)) for r in records], pa.string()) for k in names}
        )

    with path.open("r", encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path} 第 {number} 行不是有效的 JSON：{exc.msg}",
                    code="input-invalid",
                    message_en=f"{path} line {number}: not valid JSON",
                    row=number,
                ) from None
            records.append(value if isinstance(value, dict) else {})
            if len(records) >= batch_rows:
                yield flush()
                records = []
    if records:
        yield flush()


def event_log_file(
    path: str | Path,
    *,
    out: str | Path | None = None,
    profile: str = NATIONAL,
    as_of: date | Any = None,
    chunk_rows: int = 200_000,
    progress: Progress | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    strict: bool = False,
) -> Any:
    """An event-log file (rows grouped by ``case_id``) streamed through ``event_log`` in chunks
    of whole cases. With ``out`` (a ``.parquet`` path) the results are written chunk by chunk and
    a summary table is returned, so memory stays flat however long the file; without it, the
    results are returned as one table."""
    pa = _arrow()
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    src = Path(path)
    if not src.is_file():
        raise InputError(f"文件 {src} 不存在", code="input-invalid", message_en=f"no file {src}")
    day = today() if as_of is None else to_date(as_of, "as_of")
    total = _row_count(src)
    seen = np.zeros(0, dtype=np.int64)
    pending: list[Any] = []
    pending_rows = 0
    offset = 0  # input row of the first pending row
    writer: Any = None
    parts: list[Any] = []
    counts = {"cases": 0, "computed": 0, "errors": 0}

    def run(chunk: Any, first_row: int) -> None:
        nonlocal seen, writer
        if chunk.num_rows == 0:
            return
        case, ids = _case_index(chunk.column("case_id"))
        if len(case) > 1 and (np.diff(case) < 0).any():
            bad = ids[int(case[np.flatnonzero(np.diff(case) < 0)[0] + 1])].as_py()
            raise _not_grouped(src, bad)
        hashes = np.asarray([hash(s) for s in ids.to_pylist()], dtype=np.int64)
        # cases of earlier chunks, kept as a sorted array of 64-bit hashes (8 bytes a case)
        pos = np.minimum(np.searchsorted(seen, hashes), max(len(seen) - 1, 0))
        again = (seen[pos] == hashes) if len(seen) else np.zeros(len(hashes), dtype=bool)
        if again.any():
            raise _not_grouped(src, ids[int(np.flatnonzero(again)[0])].as_py())
        seen = np.sort(np.concatenate([seen, hashes]), kind="stable")
        result = event_log_chunked(
            chunk,
            profile=profile,
            as_of=day,
            chunk_rows=chunk.num_rows + 1,
            schedules=schedules,
            projection=projection,
            catalogue=catalogue,
            strict=strict,
        )
        er = result.column("error_row")
        shifted = pc.add(er, pa.scalar(first_row, pa.int64()))
        result = result.set_column(result.column_names.index("error_row"), "error_row", shifted)
        texts = np.asarray(result.column("error").to_pylist(), dtype=object)
        rows_np = np.asarray(er.to_numpy(zero_copy_only=False))
        for i in np.flatnonzero(np.asarray(pc.is_valid(er).to_numpy(zero_copy_only=False))):
            if isinstance(texts[i], str):
                texts[i] = _ROW_PREFIX.sub(f"第 {int(rows_np[i]) + first_row} 行：", texts[i], 1)
        result = result.set_column(
            result.column_names.index("error"), "error", pa.array(texts, type=pa.string())
        )
        counts["cases"] += result.num_rows
        failed = result.num_rows - result.column("error").null_count
        counts["errors"] += failed
        counts["computed"] += result.num_rows - failed
        if out is not None:
            if writer is None:
                writer = pq.ParquetWriter(str(out), result.schema)
            writer.write_table(result)
        else:
            parts.append(result)

    try:
        for batch in _batches(src, min(chunk_rows, 1 << 20)):
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows < chunk_rows:
                continue
            t = pa.Table.from_batches(pending).combine_chunks()
            case, _ = _case_index(t.column("case_id"))
            last = np.flatnonzero(case != case[-1])
            cut = int(last[-1]) + 1 if len(last) else 0
            if cut == 0:
                continue  # one case fills the chunk so far: read on
            run(t.slice(0, cut), offset)
            offset += cut
            rest = t.slice(cut)
            pending, pending_rows = rest.to_batches(), rest.num_rows
            if progress:
                progress(offset, total)
        if pending:
            t = pa.Table.from_batches(pending)
            run(t, offset)
            offset += t.num_rows
            if progress:
                progress(offset, total)
    finally:
        if writer is not None:
            writer.close()
    if out is not None:
        return pa.table({k: [v] for k, v in {"rows": offset, **counts}.items()})
    if not parts:
        return event_log_empty(profile, day)
    return pa.concat_tables(parts)


def _not_grouped(src: Path, case_id: Any) -> InputError:
    return InputError(
        f"{src}：案件 {case_id!r} 的事件不相邻（文件没有按 case_id 分组）。分块流式计算要求同一案件的"
        "事件连在一起：请先按 case_id 排序，或把整个表读入内存后用 event_log_chunked",
        code="eventlog-not-grouped",
        message_en=(
            f"{src}: the events of case {case_id!r} are not adjacent; sort the file by case_id"
            " or use event_log_chunked on the whole table"
        ),
        value=str(case_id),
        field="case_id",
    )


def _row_count(path: Path) -> int:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    with path.open("rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return max(lines - (1 if path.suffix.lower() == ".csv" else 0), 0)


# ----------------------------------------------------------------------------- case facts


def _days(t: Any, name: str) -> I64:
    """A column of dates as epoch days (NAT where missing or unreadable)."""
    if name not in t.column_names:
        return np.full(t.num_rows, NAT, dtype=np.int64)
    return read_dates(t.column(name), name, RowErrors(t.num_rows))


def _text(t: Any, name: str) -> S:
    if name not in t.column_names:
        return np.full(t.num_rows, None, dtype=object)
    return read_text(t.column(name))


def _first(case: I64, n: int, values: S) -> tuple[S, B]:
    """Per case, its first non-empty value, and whether another row of it disagrees."""
    out = np.full(n, None, dtype=object)
    rows = np.flatnonzero(np.asarray(values != None, dtype=bool))  # noqa: E711
    conflict = np.zeros(n, dtype=bool)
    if len(rows):
        uc, first = np.unique(case[rows], return_index=True)
        out[uc] = values[rows[first]]
        differ = values[rows] != out[case[rows]]
        conflict[case[rows][differ]] = True
    return out, conflict


def _last_before(case: I64, n: int, mask: B, day: I64, limit: I64) -> I64:
    """Per case, the latest ``day`` of the masked rows on or before the case's ``limit``."""
    out = np.full(n, NAT, dtype=np.int64)
    sel = mask & (day != NAT) & (day <= limit[case]) & (limit[case] != NAT)
    np.maximum.at(out, case[sel], day[sel])
    return out


def _facts_events(t: Any, case: I64, n: int) -> dict[str, Any]:
    """The recorded facts of each case of an event-log chunk."""
    types = _text(t, "type")
    day = _days(t, "date")
    rank = np.full(len(types), 99, dtype=np.int64)
    is_ = {}
    for name, spec in BY_TYPE.items():
        m = np.asarray(types == name, dtype=bool)
        is_[name] = m
        rank[m] = spec.rank
    big = np.iinfo(np.int64).max
    received = np.full(n, big, dtype=np.int64)
    sel = is_["received"] & (day != NAT)
    np.minimum.at(received, case[sel], day[sel])
    received = np.where(received == big, NAT, received)
    closing = np.zeros(len(types), dtype=bool)
    for name in CLOSING:
        closing |= is_[name]
    closing &= day != NAT
    rows = np.flatnonzero(closing)
    closed = np.full(n, NAT, dtype=np.int64)
    closed_by = np.full(n, None, dtype=object)
    close_row = np.full(n, -1, dtype=np.int64)
    if len(rows):
        order = np.lexsort((rows, rank[rows], day[rows], case[rows]))
        r = rows[order]
        uc, first = np.unique(case[r], return_index=True)
        close_row[uc] = r[first]
        closed[uc] = day[r[first]]
        closed_by[uc] = types[r[first]]
    outcome_rows = _text(t, "outcome")
    outcome = np.full(n, None, dtype=object)
    has = (close_row >= 0) & (closed_by == "answered")
    outcome[has] = outcome_rows[close_row[has]]
    # context of a closure: a correction or a fee still outstanding when the case closed
    req = _last_before(case, n, is_["correction_requested"], day, closed)
    rec = _last_before(case, n, is_["correction_received"], day, closed)
    note = _last_before(case, n, is_["fee_notified"], day, closed)
    paid = _last_before(case, n, is_["fee_paid"], day, closed)
    channel, _ = _first(case, n, np.where(is_["received"], _text(t, "channel"), NULL))
    facts: dict[str, Any] = {
        "received": received,
        "channel": channel,
        "closed": closed,
        "closed_by": closed_by,
        "outcome": outcome,
        "correction_pending": (req != NAT) & ((rec == NAT) | (rec < req)),
        "fee_unpaid": (note != NAT) & ((paid == NAT) | (paid < note)),
    }
    conflicts: dict[str, B] = {}
    for name in ("profile", "applicant", "office", "report_outcome", "review_result",
                 "litigation_result", "litigation_after_review"):  # fmt: skip
        facts[name], conflicts[name] = _first(case, n, _text(t, name))
    for name in ("review_date", "review_decided", "litigation_date", "litigation_decided"):
        d = _days(t, name)
        v, conflicts[name] = _first(case, n, np.where(d == NAT, NULL, d).astype(object))
        facts[name] = np.where(v == None, NAT, v).astype(np.int64)  # noqa: E711
    facts["_conflicts"] = conflicts
    return facts


def _facts_cases(t: Any) -> dict[str, Any]:
    """The recorded facts of each row of a one-row-per-case chunk."""
    n = t.num_rows
    received = _days(t, "received")
    closed = np.full(n, NAT, dtype=np.int64)
    closed_by = np.full(n, None, dtype=object)
    for name in sorted(CLOSING, key=lambda s: BY_TYPE[s].rank):
        d = _days(t, name)
        better = (d != NAT) & ((closed == NAT) | (d < closed))
        closed = np.where(better, d, closed)
        closed_by = np.where(better, name, closed_by)
    outcome = np.where(closed_by == "answered", _text(t, "outcome"), NULL)

    def before(name: str) -> I64:
        d = _days(t, name)
        return np.where((d != NAT) & (closed != NAT) & (d <= closed), d, NAT)

    req, rec = before("correction_requested"), before("correction_received")
    note, paid = before("fee_notified"), before("fee_paid")
    facts: dict[str, Any] = {
        "received": received,
        "channel": _text(t, "channel"),
        "closed": closed,
        "closed_by": closed_by,
        "outcome": outcome,
        "correction_pending": (req != NAT) & ((rec == NAT) | (rec < req)),
        "fee_unpaid": (note != NAT) & ((paid == NAT) | (paid < note)),
    }
    for name in ("profile", "applicant", "office", "report_outcome", "review_result",
                 "litigation_result", "litigation_after_review"):  # fmt: skip
        facts[name] = _text(t, name)
    for name in ("review_date", "review_decided", "litigation_date", "litigation_decided"):
        facts[name] = _days(t, name)
    facts["_conflicts"] = {}
    return facts


def _input_errors(t: Any, case: I64, n: int) -> tuple[S, S, I64]:
    """Per case, the first input error of its rows (from normalize's error columns)."""
    code = _text(t, "error_code")
    text = _text(t, "error")
    rows = np.flatnonzero(np.asarray(code != None, dtype=bool))  # noqa: E711
    out_code = np.full(n, None, dtype=object)
    out_text = np.full(n, None, dtype=object)
    out_row = np.full(n, -1, dtype=np.int64)
    if len(rows):
        uc, first = np.unique(case[rows], return_index=True)
        out_code[uc] = code[rows[first]]
        out_text[uc] = text[rows[first]]
        out_row[uc] = rows[first]
    return out_code, out_text, out_row


def case_facts(
    table: Any,
    *,
    shape: str | None = None,
    as_of: date | Any = None,
    checkpoints: Mapping[str, date] | None = None,
    profile: str = NATIONAL,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    chunk_rows: int = 200_000,
    progress: Progress | None = None,
) -> Any:
    """One row per case: recorded facts, the result as of ``as_of``, statuses at checkpoints.

    ``table``: a canonical event log (``case_id``, ``type``, ``date`` …) or one-row-per-case table
    (``received`` …), e.g. from :func:`gkdeadline.mapping.normalize`; ``shape``: ``"events"`` or
    ``"cases"`` (default: events when the table has ``case_id``, ``type`` and ``date``).
    ``checkpoints``: name → date; for each, ``status_<name>``, ``findings_<name>`` and
    ``error_code_<name>`` give the engine's answer as of that date (events after it not yet
    happened). Columns: see ``docs/report.md``.
    """
    pa = _arrow()
    day = today() if as_of is None else to_date(as_of, "as_of")
    t = to_arrow(table)
    check_column_types(t)
    kind = shape or ("events" if {"case_id", "type", "date"} <= set(t.column_names) else "cases")
    cps = {k: to_date(v, f"checkpoint {k}") for k, v in (checkpoints or {}).items()}
    kw = {"schedules": schedules, "projection": projection, "catalogue": catalogue}
    total = t.num_rows
    if "source_row" in t.column_names:
        source = np.asarray(
            t.column("source_row").fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64
        )
    else:
        source = np.arange(2, 2 + total, dtype=np.int64)
    if kind == "events":
        ids = t.column("case_id").cast(pa.string())
        if ids.null_count:  # a row without a case id is a case of its own, with its error
            import pyarrow.compute as pc

            named = pa.array([f"（无申请编号·表格第{int(s)}行）" for s in source], pa.string())
            t = t.set_column(t.column_names.index("case_id"), "case_id", pc.coalesce(ids, named))
        t, case_all, rows_all = _group(t, "case_id")
        cuts = _cuts(case_all, chunk_rows)
    else:
        rows_all = np.arange(total, dtype=np.int64)
        cuts = [(b, min(b + chunk_rows, total)) for b in range(0, max(total, 1), chunk_rows)]
    parts: list[Any] = []
    for begin, end in cuts:
        chunk = t.slice(begin, end - begin)
        rows = rows_all[begin:end]
        parts.append(_facts_chunk(chunk, kind, rows, source, day, cps, profile, kw))
        if progress:
            progress(end, total)
    out = pa.concat_tables(parts)
    return out.replace_schema_metadata({"gkdeadline.as_of": day.isoformat()})


def _facts_chunk(
    chunk: Any,
    kind: str,
    rows: I64,
    source: I64,
    day: date,
    cps: dict[str, date],
    profile: str,
    kw: dict[str, Any],
) -> Any:
    pa = _arrow()

    def label(r: int) -> str:
        return f"表格第 {int(source[rows[r]])} 行"

    if kind == "events":
        long, case_ids, error_row = event_log_long(chunk, profile)
        case, _ = _case_index(chunk.column("case_id"))
        n = long.n_cases
        ids = np.asarray(case_ids.to_pylist(), dtype=object)
        facts = _facts_events(chunk, case, n)
        first_row = np.full(n, -1, dtype=np.int64)
        uc, first = np.unique(case, return_index=True)
        first_row[uc] = first
    else:
        long = one_row_long(chunk, profile)
        n = chunk.num_rows
        case = np.arange(n, dtype=np.int64)
        error_row = np.where(long.errors.code != None, np.arange(n), -1).astype(np.int64)  # noqa: E711
        raw_ids = _text(chunk, "id")
        src_rows = source[rows]
        ids = np.asarray(
            [
                v if v is not None else f"第{int(s)}行"
                for v, s in zip(raw_ids, src_rows, strict=True)
            ],
            dtype=object,
        )
        facts = _facts_cases(chunk)
        first_row = np.arange(n, dtype=np.int64)
    in_code, in_text, in_row = _input_errors(chunk, case, n)
    for name, conflict in facts.pop("_conflicts").items():
        if name in ("applicant", "profile", "report_outcome"):
            bad = conflict & (in_code == None)  # noqa: E711
            in_code[bad] = "field-conflict"
            in_text[bad] = [f"{name} 在同一案件的各行中不一致" for _ in range(int(bad.sum()))]
    runs: dict[str, Outputs] = {}
    for name, d in [("", day), *cps.items()]:
        runs[name] = compute_long(long, as_of=d, **kw)
    main = runs[""]
    _global_rows(main.error, error_row.copy(), rows, label)
    err_rows = np.where(error_row >= 0, rows[np.maximum(error_row, 0)], -1)
    # input errors come first: the row could not be read, so no result is trusted
    bad_input = np.asarray(in_code != None, dtype=bool)  # noqa: E711
    code = np.where(bad_input, in_code, main.error_code)
    text = np.where(bad_input, in_text, main.error)
    err_rows = np.where(bad_input, rows[np.maximum(in_row, 0)], err_rows)
    cols: dict[str, Any] = {
        "case_id": pa.array(ids, type=pa.string()),
        "source_row": pa.array(source[rows[np.maximum(first_row, 0)]], type=pa.int64()),
        "profile": pa.array(
            np.where(facts["profile"] == None, long.profile, facts["profile"]),  # noqa: E711
            type=pa.string(),
        ),
        "received": _date_arr(facts["received"]),
        "channel": pa.array(facts["channel"], type=pa.string()),
        "applicant": pa.array(facts["applicant"], type=pa.string()),
        "office": pa.array(facts["office"], type=pa.string()),
        "closed": _date_arr(facts["closed"]),
        "closed_by": pa.array(facts["closed_by"], type=pa.string()),
        "outcome": pa.array(facts["outcome"], type=pa.string()),
        "report_outcome": pa.array(facts["report_outcome"], type=pa.string()),
        "correction_pending": pa.array(facts["correction_pending"], type=pa.bool_()),
        "fee_unpaid": pa.array(facts["fee_unpaid"], type=pa.bool_()),
    }
    for name in ("review_date", "review_decided", "litigation_date", "litigation_decided"):
        cols[name] = _date_arr(facts[name])
    for name in ("review_result", "litigation_result"):
        cols[name] = pa.array(facts[name], type=pa.string())
    lar = facts["litigation_after_review"]
    cols["litigation_after_review"] = pa.array(
        [None if v is None else str(v).lower() in ("true", "1", "是") for v in lar],
        type=pa.bool_(),
    )
    result = attach(pa.table(cols), main)
    result = result.drop_columns(
        [
            c
            for c in ("findings_basis", "findings_zh", "error_code", "error")
            if c in result.column_names
        ]
    )
    result = result.append_column("error_code", pa.array(code, type=pa.string()))
    result = result.append_column("error", pa.array(text, type=pa.string()))
    result = result.append_column(
        "error_row", pa.array(np.maximum(err_rows, 0), pa.int64(), mask=err_rows < 0)
    )
    result = result.append_column("input_error_code", pa.array(in_code, type=pa.string()))
    # a case whose input could not be read has no trusted result
    if bad_input.any():
        for name in RESULT_COLUMNS:
            col = result.column(name)
            mask = pa.array(bad_input)
            import pyarrow.compute as pc

            result = result.set_column(
                result.column_names.index(name),
                name,
                pc.if_else(mask, pa.scalar(None, col.type), col),
            )
    for name in cps:
        o = runs[name]
        result = result.append_column(f"status_{name}", o.arrow("status"))
        result = result.append_column(f"findings_{name}", o.arrow("findings"))
        result = result.append_column(f"error_code_{name}", o.arrow("error_code"))
    return result


def _date_arr(days: I64) -> Any:
    pa = _arrow()
    d = np.asarray(days, dtype=np.int64)
    return pa.array(d.astype("datetime64[D]"), type=pa.date32(), mask=d == NAT)
