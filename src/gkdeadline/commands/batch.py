"""The ``batch`` command: every case of a CSV, JSON Lines or Parquet file."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from gkdeadline.commands import DATE, load_schedules, schedule_options


@click.command("batch")
@click.argument("source", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help="Output file (.csv, .jsonl, .parquet).",
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
    profile: str,
    as_of: date | None,
    allow_errors: bool,
    strict: bool,
    chunk_size: int,
    schedules: tuple[str, ...],
    projection: bool,
    override: bool,
) -> int:
    """Compute every case in a CSV, JSON Lines or Parquet file (one row per case)."""
    from gkdeadline.batch_files import file_format, process_file

    src = Path(source)
    file_format(src), file_format(Path(target))  # fail fast on unknown formats
    if not src.is_file():
        raise click.BadParameter(f"{source!r} 不存在", param_hint="INPUT")
    loaded = load_schedules(schedules, override)
    total = src.stat().st_size if src.suffix.lower() != ".parquet" else _parquet_rows(src)
    kw: dict[str, Any] = {
        "profile": profile,
        "as_of": as_of,
        "schedules": loaded,
        "projection": projection,
        "strict": strict,
    }
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="gkdeadline batch", file=sys.stderr) as bar:
            summary = process_file(src, target, chunk_rows=chunk_size, progress=bar.update, **kw)
    else:
        summary = process_file(src, target, chunk_rows=chunk_size, **kw)
    click.echo(
        f"gkdeadline: {summary.rows:,} 行：{summary.computed:,} 行已计算，{summary.errors:,} 行有错误"
        f" → {target}",
        err=True,
    )
    return 1 if summary.errors and not allow_errors else 0


def _parquet_rows(path: Any) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the reader reports a bad file properly
        return 0
