"""The command line's commands, one module per area; :mod:`gkdeadline.cli` imports them lazily.

This package holds what every command shares: the strict date parameter, the calendar options
and one way to print a result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gkdeadline.calendar import Calendar, YearSchedule, load_schedule
from gkdeadline.errors import GkDeadlineError
from gkdeadline.timeconv import parse_iso_date, to_moment

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.3 makes ParamType generic; older releases are not subscriptable
    _DateParamBase = click.ParamType[date, Any]
else:
    _DateParamBase = click.ParamType


class DateParam(_DateParamBase):
    """``YYYY-MM-DD`` exactly: no ``2026-W01-1``, no ``20260101``, no impossible dates."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_iso_date(str(value), param.name if param and param.name else "date")
        except GkDeadlineError as exc:
            self.fail(exc.message_zh, param, ctx)


DATE = DateParam()
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON (errors too).")


def schedule_options(func: F) -> F:
    """--schedule / --override / --projection: the calendar data, for every command that computes."""
    func = click.option(
        "--projection",
        is_flag=True,
        help="Project years without a State Council notice (provisional; results are flagged).",
    )(func)
    func = click.option(
        "--override",
        is_flag=True,
        help="Let --schedule files replace years the built-in State Council data covers.",
    )(func)
    func = click.option(
        "--schedule",
        "schedules",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=(
            "Load a year's schedule (holiday-cn .json, or gkdeadline .toml, which may be"
            " regional). Repeatable. Files in $GKDEADLINE_SCHEDULES are always loaded."
        ),
    )(func)
    return func


def calendar_options(func: F) -> F:
    """--schedule / --region / --projection, for commands that take a calendar directly."""
    func = click.option(
        "--region",
        metavar="REGION",
        help="Regional calendar: ningxia (宁夏), xinjiang (新疆), xizang (西藏), guangxi (广西).",
    )(func)
    return schedule_options(func)


def load_schedules(paths: Sequence[str], override: bool = False) -> tuple[YearSchedule, ...]:
    return tuple(load_schedule(p, override=override) for p in paths)


def build_calendar(
    schedules: Sequence[str | YearSchedule],
    region: str | None,
    projection: bool,
    override: bool = False,
) -> Calendar:
    """The calendar from the options (schedule paths, or schedules already loaded)."""
    loaded = [
        s if isinstance(s, YearSchedule) else load_schedule(s, override=override) for s in schedules
    ]
    cal = Calendar(loaded, region=region)
    return cal.with_projection() if projection else cal


def emit(
    as_json: bool, payload: dict[str, Any], text: str, projected_days: list[tuple[date, date]]
) -> None:
    projected = bool(projected_days)
    if as_json:
        payload["projected"] = projected
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(text)
    if projected:
        click.echo(
            "注意：结果依赖预测的放假安排（国务院尚未发布通知），正式通知发布后可能变化。", err=True
        )


def parse_moment(text: str) -> date | datetime:
    """A date, or a moment; a moment without an offset is read as Asia/Shanghai (documented)."""
    t = text.strip()
    if len(t) == 10:
        return parse_iso_date(t, "--from")
    return to_moment(t, "--from")
