"""Case files in, case files out, in chunks: CSV, JSON Lines and Parquet.

Rows stream through :func:`gkdeadline.batch_cases.cases` a chunk at a time, so memory stays
flat whatever the file size. Every input row appears in the output, in order; a row that cannot
be read (a malformed JSON line) or computed gets its reason in ``error``.

CSV is read with every column as text (so a column's type never changes between chunks);
dates are parsed per row by the case engine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from gkdeadline.batch_cases import OUTPUT_COLUMNS, cases
from gkdeadline.calendar import YearSchedule, today
from gkdeadline.errors import InputError

READ_ERROR = "__gkdeadline_read_error"  # a row the reader could not parse, and why
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
Progress = Callable[[int], None]


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown file type {path.suffix or '(none)'}; use .csv, .jsonl (or .ndjson)"
            " or .parquet"
        )
    return fmt


@dataclass
class Summary:
    rows: int = 0
    computed: int = 0
    errors: int = 0

    def add(self, table: Any) -> None:
        n = table.num_rows
        failed = n - table.column("error").null_count
        self.rows += n
        self.errors += failed
        self.computed += n - failed


class _Counting(io.RawIOBase):
    """A read-only file wrapper that reports how many bytes have been read (for progress)."""

    def __init__(self, raw: IO[bytes], progress: Progress | None) -> None:
        self._raw, self._progress = raw, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if self._progress and n:
            self._progress(n)
        return n


def _bytes_per_row(path: Path) -> float:
    """Average line length of the file's first 256 KiB (to size CSV blocks in rows)."""
    with path.open("rb") as f:
        sample = f.read(256 * 1024)
    lines = max(sample.count(b"\n"), 1)
    return max(len(sample) / lines, 1.0)


def _read_csv(path: Path, chunk_rows: int, progress: Progress | None) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    with path.open("rb") as head:
        first = head.readline().decode("utf-8-sig").strip()
    if not first:
        raise InputError(f"{path}: empty file; the first line must name the columns")
    names = next(csv.reader([first]))
    if "received" not in names:
        raise InputError(
            f"{path}: no 'received' column (columns: {', '.join(names)}); one row per case needs"
            " at least the date the request was received"
        )
    opts = pcsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    with path.open("rb") as raw:
        stream = io.BufferedReader(_Counting(raw, progress))
        try:
            block = max(int(_bytes_per_row(path) * chunk_rows), 64 * 1024)  # ≈ chunk_rows rows
            reader = pcsv.open_csv(
                stream, read_options=pcsv.ReadOptions(block_size=block), convert_options=opts
            )
            for batch in reader:
                yield pa.Table.from_batches([batch])
        except pa.ArrowInvalid as exc:
            raise InputError(f"{path}: not a readable CSV file: {exc}") from None


def _jsonl_keys(path: Path) -> list[str]:
    """Every key of every object in a JSON Lines file, in first-seen order."""
    keys: dict[str, None] = {"received": None}
    with path.open("rb") as f:
        for line in f:
            try:
                value = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                keys.update(dict.fromkeys(value))
    return list(keys)


def _read_jsonl(
    path: Path, chunk_rows: int, progress: Progress | None, columns: list[str] | None = None
) -> Iterator[Any]:
    """Chunks of a JSON Lines file as text columns; ``columns`` fixes them for every chunk."""
    import pyarrow as pa

    def flush(lines: list[tuple[int, bytes]]) -> Any:
        records: list[dict[str, Any]] = []
        for number, line in lines:
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                value = {READ_ERROR: f"line {number}: not valid JSON: {exc.msg}"}
            if not isinstance(value, dict):
                value = {READ_ERROR: f"line {number}: not a JSON object"}
            records.append({key: _text(v) for key, v in value.items()})
        names = columns or list(dict.fromkeys([*(k for r in records for k in r), "received"]))
        if any(READ_ERROR in r for r in records) and READ_ERROR not in names:
            names = [*names, READ_ERROR]
        return pa.table({c: pa.array([r.get(c) for r in records], type=pa.string()) for c in names})

    buffer: list[tuple[int, bytes]] = []
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            if progress:
                progress(len(line))
            if line.strip():  # blank lines are layout, not rows
                buffer.append((number, line))
            if len(buffer) >= chunk_rows:
                yield flush(buffer)
                buffer = []
    if buffer:
        yield flush(buffer)


def _text(v: Any) -> str | None:
    """JSON values as text columns (numbers keep their spelling; nested values stay JSON)."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return json.dumps(v)
    return json.dumps(v, ensure_ascii=False)


def _read_parquet(path: Path, chunk_rows: int, progress: Progress | None) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
    if "received" not in pf.schema_arrow.names:
        raise InputError(
            f"{path}: no 'received' column (columns: {', '.join(pf.schema_arrow.names)})"
        )
    for batch in pf.iter_batches(batch_size=chunk_rows):
        if progress:
            progress(batch.num_rows)
        yield pa.Table.from_batches([batch])


class _Writer:
    """Writes result chunks in the output format, fixing the schema on the first chunk."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self._sink: Any = None
        self._schema: Any = None
        self._text: IO[str] | None = None

    def write(self, table: Any) -> None:
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        if self.fmt == "jsonl":
            if self._text is None:
                self._text = self.path.open("w", encoding="utf-8")
            for row in table.to_pylist():
                self._text.write(json.dumps(row, ensure_ascii=False, default=_iso) + "\n")
            return
        if self._schema is None:
            self._schema = table.schema
            if self.fmt == "csv":
                self._sink = pcsv.CSVWriter(str(self.path), self._schema)
            else:
                self._sink = pq.ParquetWriter(str(self.path), self._schema)
        elif table.schema != self._schema:
            # every reader yields fixed text columns, so this only guards against a future change
            table = table.select(self._schema.names).cast(self._schema)
        self._sink.write_table(table)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
        if self._text is not None:
            self._text.close()


def _iso(v: Any) -> str:
    if isinstance(v, date):
        return v.isoformat()
    raise TypeError(f"cannot write {type(v).__name__} to JSON")


def process_file(
    source: str | Path,
    target: str | Path,
    *,
    profile: str = "national",
    as_of: date | None = None,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    chunk_rows: int = 100_000,
    progress: Progress | None = None,
    strict: bool = False,
) -> Summary:
    """Compute every case in ``source`` and write the rows, with results, to ``target``."""
    src, dst = Path(source), Path(target)
    fmt_in, fmt_out = file_format(src), file_format(dst)
    if not src.is_file():
        raise InputError(f"input file {src} does not exist")
    if src.resolve() == dst.resolve():
        raise InputError(f"output {dst} would overwrite the input; choose another file")
    day = as_of or today()  # one as-of date for every chunk
    if fmt_in == "csv":
        chunks = _read_csv(src, chunk_rows, progress)
    elif fmt_in == "jsonl":
        # a columnar output fixes its columns on the first chunk: learn them all first
        keys = _jsonl_keys(src) if fmt_out != "jsonl" else None
        chunks = _read_jsonl(src, chunk_rows, progress, keys)
    else:
        chunks = _read_parquet(src, chunk_rows, progress)
    summary = Summary()
    writer = _Writer(dst, fmt_out)
    try:
        for chunk in chunks:
            result = _keep_read_errors(
                cases(
                    chunk,
                    profile=profile,
                    as_of=day,
                    schedules=schedules,
                    projection=projection,
                    strict=strict,
                )
            )
            summary.add(result)
            writer.write(result)
    finally:
        writer.close()
    if summary.rows == 0:
        raise InputError(f"{src}: no rows to compute")
    return summary


def _keep_read_errors(table: Any) -> Any:
    """Rows the reader could not parse keep the reader's reason, and no results."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if READ_ERROR not in table.column_names:
        return table
    reason = table.column(READ_ERROR)
    bad = pc.is_valid(reason)
    for name in OUTPUT_COLUMNS[:-2]:
        col = table.column(name)
        table = table.set_column(
            table.column_names.index(name), name, pc.if_else(bad, pa.scalar(None, col.type), col)
        )
    error = pc.if_else(bad, reason, table.column("error"))
    table = table.set_column(table.column_names.index("error"), "error", error)
    code = pc.if_else(bad, pa.scalar("row-unreadable"), table.column("error_code"))
    table = table.set_column(table.column_names.index("error_code"), "error_code", code)
    return table.drop_columns([READ_ERROR])
