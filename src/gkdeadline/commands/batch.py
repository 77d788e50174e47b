"""The ``batch`` command: every case of a CSV, JSON Lines or Parquet file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from gkdeadline.cli import HELP
from gkdeadline.commands import DATE, load_schedules, schedule_options


@click.command("batch", context_settings=HELP)
@click.argument("source", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help=(
        "Output file (.csv, .jsonl, .parquet; always UTF-8). Written to a temporary file and"
        " renamed when complete: interrupted runs (exit 4) and failed runs leave no output."
        " It may not be the input file."
    ),
)
@click.option(
    "--events",
    is_flag=True,
    help=(
        "INPUT is an event log (one row per event: case_id, type, date and the event's fields);"
        " the output has one row per case. A case's events must be contiguous (or the file"
        " sorted by case_id); events that reappear later are error rows."
    ),
)
@click.option(
    "--encoding",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "utf-8", "gbk", "gb18030"], case_sensitive=False),
    help=(
        "Encoding of a CSV or JSON Lines INPUT. auto: UTF-8 (with or without BOM); a file that"
        " is not UTF-8 but entirely valid GB18030 is read as GB18030 and a note says so."
        " Lines that do not decode become error rows."
    ),
)
@click.option(
    "--profile",
    default="national",
    show_default=True,
    help="Profile for rows without a 'profile' column value.",
)
@click.option("--as-of", "as_of", type=DATE, help="Status on this date (default: today).")
@click.option(
    "--allow-errors", is_flag=True, help="Exit 0 even when some rows could not be computed."
)
@click.option("--strict", is_flag=True, help="Rows with a violation become error rows.")
@click.option(
    "--chunk-size",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows per chunk (memory stays flat).",
)
@schedule_options  # no --region: each row's profile says which calendar
def batch_cmd(
    source: str,
    target: str,
    events: bool,
    encoding: str,
    profile: str,
    as_of: date | None,
    allow_errors: bool,
    strict: bool,
    chunk_size: int,
    schedules: tuple[str, ...],
    projection: bool,
    override: bool,
) -> int:
    """Compute every case in a CSV, JSON Lines or Parquet file (one row per case, or with
    --events one row per event).

    Every input row comes out, in order: computed, or with error_code and error (the reason
    and the input line). A row that cannot be read (an unclosed quote, a line in the wrong
    encoding, invalid JSON, a number where a date belongs) is an error row and reading goes
    on; only a file that cannot be used at all (no header, missing or duplicated columns)
    stops the run (exit 2) without output. Exit 1 when some rows have errors
    (--allow-errors: 0), 4 when interrupted.
    """
    from gkdeadline.batch_files import file_format, process_file

    src = Path(source)
    file_format(src), file_format(Path(target))  # fail fast on unknown formats
    if not src.is_file():
        raise click.BadParameter(f"{source!r} 不存在（does not exist）", param_hint="INPUT")
    loaded = load_schedules(schedules, override)
    total = src.stat().st_size if src.suffix.lower() != ".parquet" else _parquet_rows(src)
    kw: dict[str, Any] = {
        "profile": profile,
        "as_of": as_of,
        "schedules": loaded,
        "projection": projection,
        "strict": strict,
        "encoding": encoding,
        "events": events,
    }
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="gkdeadline batch", file=sys.stderr) as bar:
            summary = process_file(src, target, chunk_rows=chunk_size, progress=bar.update, **kw)
    else:
        summary = process_file(src, target, chunk_rows=chunk_size, **kw)
    for note in summary.notes:
        click.echo(f"gkdeadline: 注意：{note}", err=True)
    read = (
        f"{summary.input_rows:,} 个事件，{summary.rows:,} 件案件"
        if events
        else f"{summary.rows:,} 行"
    )
    click.echo(
        f"gkdeadline: {read}：{summary.computed:,} 行已计算，{summary.errors:,} 行有错误；"
        f"已写入 {summary.written:,} 行 → {target}"
        f"（{summary.rows:,} rows: {summary.computed:,} computed, {summary.errors:,} with errors）",
        err=True,
    )
    return 1 if summary.errors and not allow_errors else 0


def _parquet_rows(path: Any) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the reader reports a bad file properly
        return 0
