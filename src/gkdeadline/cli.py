"""The ``gkdeadline`` command line: a thin shell over the library.

Every failure the user can cause — a bad date, a missing schedule, an unknown rule — ends as one
line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gkdeadline.calendar import Calendar, load_schedule
from gkdeadline.calendar.calendar import as_date
from gkdeadline.errors import GkDeadlineError, ProjectedCalendarWarning

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2


if TYPE_CHECKING:  # click >= 8.3 makes ParamType generic; older releases are not subscriptable
    _DateParamBase = click.ParamType[date, Any]
else:
    _DateParamBase = click.ParamType


class DateParam(_DateParamBase):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return as_date(str(value))
        except GkDeadlineError:
            self.fail(f"{value!r} is not an ISO date; write it as YYYY-MM-DD", param, ctx)


DATE = DateParam()


def calendar_options(func: F) -> F:
    """--schedule / --region / --projection, shared by every command that needs a calendar."""
    func = click.option(
        "--projection",
        is_flag=True,
        help="Project years without a State Council notice (provisional; results are flagged).",
    )(func)
    func = click.option(
        "--region",
        metavar="REGION",
        help="Regional calendar: ningxia (宁夏), xinjiang (新疆), xizang (西藏), guangxi (广西).",
    )(func)
    func = click.option(
        "--schedule",
        "schedules",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=(
            "Load a year's schedule (holiday-cn .json, or gkdeadline .toml, which may be"
            " regional). Repeatable."
        ),
    )(func)
    return func


def build_calendar(schedules: Sequence[str], region: str | None, projection: bool) -> Calendar:
    cal = Calendar(region=region).with_schedules(*(load_schedule(p) for p in schedules))
    return cal.with_projection() if projection else cal


@contextmanager
def projected_flag() -> Iterator[list[warnings.WarningMessage]]:
    """Collect ProjectedCalendarWarnings so the CLI can report them as data, not as noise."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProjectedCalendarWarning)
        yield caught


def emit(
    as_json: bool, payload: dict[str, Any], text: str, caught: list[warnings.WarningMessage]
) -> None:
    projected = any(issubclass(w.category, ProjectedCalendarWarning) for w in caught)
    if as_json:
        payload["projected"] = projected
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(text)
    if projected:
        click.echo(
            "注意：结果依赖预测的放假安排（国务院尚未发布通知），正式通知发布后可能变化。", err=True
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gkdeadline")
def cli() -> None:
    """gkdeadline — 政务公开法定时限，按中国工作日历精确计算。"""


@cli.command("is-workday")
@click.argument("day", type=DATE, metavar="DATE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@calendar_options
def is_workday_cmd(
    day: date, as_json: bool, schedules: tuple[str, ...], region: str | None, projection: bool
) -> None:
    """Print true if DATE is a working day for a government office, else false."""
    cal = build_calendar(schedules, region, projection)
    with projected_flag() as caught:
        result = cal.is_workday(day)
    emit(
        as_json,
        {"date": day.isoformat(), "result": result, "description": cal.describe_day(day)},
        "true" if result else "false",
        caught,
    )


@cli.command("add-workdays")
@click.argument("day", type=DATE, metavar="DATE")
@click.argument("n", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@calendar_options
def add_workdays_cmd(
    day: date,
    n: int,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
) -> None:
    """Print the N-th working day after DATE (DATE itself never counts; N < 0 counts back)."""
    cal = build_calendar(schedules, region, projection)
    with projected_flag() as caught:
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
        caught,
    )


@cli.command("workdays-between")
@click.argument("a", type=DATE, metavar="A")
@click.argument("b", type=DATE, metavar="B")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@calendar_options
def workdays_between_cmd(
    a: date,
    b: date,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
) -> None:
    """Print the number of working days in (A, B]; negative when B is before A."""
    cal = build_calendar(schedules, region, projection)
    with projected_flag() as caught:
        result = cal.workdays_between(a, b)
    emit(as_json, {"a": a.isoformat(), "b": b.isoformat(), "result": result}, str(result), caught)


@cli.command("coverage")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@calendar_options
def coverage_cmd(
    as_json: bool, schedules: tuple[str, ...], region: str | None, projection: bool
) -> None:
    """List the years the calendar knows and where each year's data comes from."""
    cal = build_calendar(schedules, region, projection)
    rows = cal.coverage()
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], ensure_ascii=False))
        return
    for r in rows:
        line = f"{r.year}  {r.national:<9}  {r.national_source}"
        if r.regional is not None:
            line += f"  | {cal.region}: {r.regional}" + (
                f" ({r.regional_source})" if r.regional_source else ""
            )
        click.echo(line)
    click.echo(f"last known day: {cal.last_day().isoformat()}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every expected failure into one stderr line."""
    try:
        rv = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="gkdeadline",
            standalone_mode=False,
        )
    except click.exceptions.Abort:
        click.echo("gkdeadline: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"gkdeadline: error: {_one_line(exc.format_message())}", err=True)
        return EXIT_USAGE
    except GkDeadlineError as exc:
        click.echo(f"gkdeadline: error: {_one_line(str(exc))}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("gkdeadline: interrupted", err=True)
        return 130
    except Exception as exc:
        click.echo(
            f"gkdeadline: internal error: {type(exc).__name__}: {_one_line(str(exc))}"
            " — please report this with the command you ran",
            err=True,
        )
        return 70
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
