"""Calendar commands: is-workday, add-workdays, workdays-between, coverage, schedule import."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from gkdeadline.calendar import collecting_projected
from gkdeadline.calendar.regions import REGIONS, missing_years
from gkdeadline.cli import HELP
from gkdeadline.commands import DATE, JSON_OPTION, build_calendar, calendar_options, emit
from gkdeadline.errors import InputError, ScheduleError


@click.command("is-workday", context_settings=HELP)
@click.argument("day", type=DATE, metavar="DATE")
@JSON_OPTION
@calendar_options
def is_workday_cmd(
    day: date,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> None:
    """Print true if DATE is a working day for a government office, else false."""
    cal = build_calendar(schedules, region, projection, override)
    with collecting_projected() as projected:
        result = cal.is_workday(day)
    emit(
        as_json,
        {"date": day.isoformat(), "result": result, "description": cal.describe_day(day)},
        "true" if result else "false",
        projected,
    )


@click.command("add-workdays", context_settings=HELP)
@click.argument("day", type=DATE, metavar="DATE")
@click.argument("n", type=int)
@JSON_OPTION
@calendar_options
def add_workdays_cmd(
    day: date,
    n: int,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> None:
    """Print the N-th working day after DATE (DATE itself never counts; N < 0 counts back)."""
    cal = build_calendar(schedules, region, projection, override)
    with collecting_projected() as projected:
        result = cal.add_workdays(day, n)
    emit(
        as_json,
        {
            "date": day.isoformat(),
            "n": n,
            "result": result.isoformat(),
            "special_days": cal.special_days(day, result),
        },
        result.isoformat(),
        projected,
    )


@click.command("workdays-between", context_settings=HELP)
@click.argument("a", type=DATE, metavar="A")
@click.argument("b", type=DATE, metavar="B")
@JSON_OPTION
@calendar_options
def workdays_between_cmd(
    a: date,
    b: date,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> None:
    """Print the number of working days in (A, B]; negative when B is before A."""
    cal = build_calendar(schedules, region, projection, override)
    with collecting_projected() as projected:
        result = cal.workdays_between(a, b)
    emit(
        as_json, {"a": a.isoformat(), "b": b.isoformat(), "result": result}, str(result), projected
    )


@click.command("coverage", context_settings=HELP)
@JSON_OPTION
@calendar_options
def coverage_cmd(
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> None:
    """List the years the calendar knows, where each year's data comes from, and the regional
    years still missing."""
    from gkdeadline.calendar.sources import schedule_dirs

    cal = build_calendar(schedules, region, projection, override)
    rows = cal.coverage()
    years = [r.year for r in rows]
    gaps = {
        key: missing_years(key, 2008, max(years))
        for key in ([cal.region] if cal.region else REGIONS)
    }
    dirs = [str(d) for d in schedule_dirs()]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "years": [r.__dict__ for r in rows],
                    "last_known_day": cal.last_day().isoformat(),
                    "regional_missing": gaps,
                    "schedule_dirs": dirs,
                },
                ensure_ascii=False,
            )
        )
        return
    for r in rows:
        line = f"{r.year}  {r.national:<9}  {r.national_source}"
        if r.regional is not None:
            line += f"  | {cal.region}: {r.regional}" + (
                f" ({r.regional_source})" if r.regional_source else ""
            )
        click.echo(line)
    click.echo(f"最后已知日期：{cal.last_day().isoformat()}")
    for key, missing in gaps.items():
        if missing:
            click.echo(f"{REGIONS[key].name}缺少的年份：{'、'.join(str(y) for y in missing)}")
    click.echo(f"安排文件目录：{'、'.join(dirs) if dirs else '（无；设置 GKDEADLINE_SCHEDULES）'}")


@click.group("schedule", context_settings=HELP)
def schedule_group() -> None:
    """Holiday schedules: read the State Council's notice itself."""


@schedule_group.command("import")
@click.argument("notice", type=click.Path(dir_okay=False, exists=True), metavar="NOTICE")
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False),
    help="Write the schedule file here (.toml); default: print it.",
)
@click.option("--year", type=int, help="The notice's year (default: read from its title).")
@click.option(
    "--amends",
    type=click.Path(dir_okay=False, exists=True),
    metavar="SCHEDULE",
    help="A later notice that changes a year: the schedule file it amends.",
)
@JSON_OPTION
def schedule_import_cmd(
    notice: str, target: str | None, year: int | None, amends: str | None, as_json: bool
) -> None:
    """Parse a State Council holiday notice (text or the gov.cn page) into a schedule file.

    Every sentence is checked against the law: the statutory holidays of the year, the weekday
    names written in the notice, makeup days on weekends, each block's 共N天. Anything that does
    not reconcile is an error naming the sentence.
    """
    from gkdeadline.calendar import load_schedule
    from gkdeadline.calendar.notice import apply_notice, parse_notice, schedule_to_toml
    from gkdeadline.userfiles import read_utf8

    text = read_utf8(Path(notice), "notice", ScheduleError)
    if amends is not None:
        schedule = apply_notice(load_schedule(amends), text)
    else:
        schedule = parse_notice(text, year=year, source=Path(notice).name)
    toml = schedule_to_toml(schedule)
    if target is not None:
        try:
            Path(target).write_text(toml, encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"不能写入 {target}：{exc.strerror or exc}；请检查目录是否存在、是否有写权限",
                code="output-invalid",
                message_en=f"cannot write {target}: {exc.strerror or exc}; check the folder exists"
                " and is writable",
                field="out",
                value=str(target),
            ) from exc
    if as_json:
        click.echo(
            json.dumps(
                {
                    "year": schedule.year,
                    "notice": schedule.source,
                    "days": [
                        {"date": e.day.isoformat(), "name": e.name, "off": e.off}
                        for e in schedule.entries
                    ],
                    "file": target,
                },
                ensure_ascii=False,
            )
        )
    elif target is None:
        click.echo(toml, nl=False)
    else:
        off = sum(e.off for e in schedule.entries)
        click.echo(
            f"{schedule.year} 年（{schedule.source}）：放假 {off} 天，调休上班"
            f" {len(schedule.entries) - off} 天 → {target}"
        )
