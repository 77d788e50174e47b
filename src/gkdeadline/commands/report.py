"""The ``report`` command: an export in, the annual report's tables (and statistics) out."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from gkdeadline.cli import HELP
from gkdeadline.commands import DATE, load_schedules, schedule_options


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A progress callback ``(done, total)``: a bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {"bar": None}

    def update(done: int, total: int) -> None:
        bar = state["bar"]
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


@click.command("report", context_settings=HELP)
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--year", type=int, required=True, help="The report's year (e.g. 2025).")
@click.option(
    "--events",
    "shape",
    flag_value="events",
    default=None,
    help="FILE is an event log (one row per event). Default: detected from the columns.",
)
@click.option("--cases", "shape", flag_value="cases", help="FILE has one row per case.")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False),
    help="Column and label mapping (TOML; default: the built-in Chinese mapping).",
)
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output directory.",
)
@click.option("--as-of", "as_of", type=DATE, help="Count as of this date (default: today).")
@click.option("--stats", is_flag=True, help="Also write deadline statistics with charts.")
@click.option("--sheet", help="Worksheet of an .xlsx file (default: the first).")
@click.option("--profile", default="national", show_default=True, help="Default profile.")
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Exit 0 even when rows could not be read or the table does not balance.",
)
@click.option(
    "--chunk-size",
    default=200_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Input rows per chunk (whole cases; bounds the engine's working memory).",
)
@schedule_options
def report_cmd(
    source: str,
    year: int,
    shape: str | None,
    mapping_path: str | None,
    out_dir: str,
    as_of: date | None,
    stats: bool,
    sheet: str | None,
    profile: str,
    allow_errors: bool,
    chunk_size: int,
    schedules: tuple[str, ...],
    projection: bool,
    override: bool,
) -> int:
    """The annual report's request tables (国办公开办函〔2021〕30号 三、四) from an export.

    Reads .xlsx, .csv, .jsonl or .parquet; writes annual-report-YEAR.csv/.md/.xlsx (and, with
    --stats, stats-YEAR.md/.html with PNG and SVG charts) into --out.
    """
    from gkdeadline.mapping import Mapping, normalize, read_table
    from gkdeadline.report import annual_report_from_facts, report_facts, write_report
    from gkdeadline.timeconv import today

    src = Path(source)
    if not src.is_file():
        raise click.BadParameter(f"{source!r} 不存在", param_hint="FILE")
    mapping = Mapping.from_toml(mapping_path) if mapping_path else Mapping.builtin()
    loaded = load_schedules(schedules, override)
    day = as_of or today()
    read = read_table(src, mapping, sheet=sheet)
    table, input_errors = normalize(read.table, mapping, shape=shape, source_rows=read.source_rows)
    if input_errors:
        click.echo(
            f"gkdeadline: {len(input_errors):,} 处无法读取的数据（这些行保留，并在结果中注明）：",
            err=True,
        )
        click.echo(input_errors.summary_zh(limit=10), err=True)
    with _progress("gkdeadline report") as progress:
        facts = report_facts(
            table,
            year,
            as_of=day,
            shape=input_errors.shape,
            profile=profile,
            schedules=loaded,
            projection=projection,
            chunk_rows=chunk_size,
            progress=progress,
        )
    rep = annual_report_from_facts(facts, year, as_of=day, input_errors=input_errors)
    out = Path(out_dir)
    paths = write_report(rep, out)
    placed = rep.case_rows()
    facts_out = facts
    for name in ("counted_in", "result", "column"):
        facts_out = facts_out.append_column(f"report_{name}", placed.column(name))
    _write_facts(facts_out, out / f"annual-report-{year}-cases.csv")
    paths["cases_csv"] = out / f"annual-report-{year}-cases.csv"
    if stats:
        from gkdeadline.stats import CJKFontWarning, deadline_stats, write_stats

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CJKFontWarning)
            st = deadline_stats(facts, year=year)
            paths.update(write_stats(st, out, stem=f"stats-{year}"))
        for w in caught:
            if issubclass(w.category, CJKFontWarning):
                click.echo(f"gkdeadline: 注意：{w.message}", err=True)
    total = rep.counts["一"]["total"] + rep.counts["二"]["total"]
    click.echo(
        f"gkdeadline: {rep.cases:,} 件申请；{year} 年本年新收 {rep.counts['一']['total']:,}，"
        f"上年结转 {rep.counts['二']['total']:,}，办结 {rep.counts['三.total']['total']:,}，"
        f"结转下年度 {rep.counts['四']['total']:,}"
        + ("（临时：年度尚未结束）" if rep.provisional else ""),
        err=True,
    )
    if rep.balanced:
        click.echo(f"gkdeadline: 勾稽关系 一+二=三（七）+四 在各列均平衡（{total:,}）", err=True)
    else:
        for c in rep.checks:
            if not c.ok:
                shown = "、".join(c.cases[:20]) + (" 等" if len(c.cases) > 20 else "")
                click.echo(
                    f"gkdeadline: 不平衡：{c.column} 一+二={c.new + c.carried}，"
                    f"三（七）+四={c.handled + c.carried_over}；涉及案件：{shown}",
                    err=True,
                )
    click.echo(f"gkdeadline: 输出 → {', '.join(str(p) for p in paths.values())}", err=True)
    problems = bool(input_errors) or not rep.balanced
    return 1 if problems and not allow_errors else 0


def _write_facts(facts: Any, path: Path) -> None:
    """One row per case with what was counted (UTF-8 with BOM for Excel)."""
    import pyarrow.csv as pcsv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(b"\xef\xbb\xbf")
        pcsv.write_csv(facts, f)
