"""The ``case`` command: one request's deadline, status, findings and trail."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from gkdeadline.cli import HELP
from gkdeadline.commands import (
    DATE,
    JSON_OPTION,
    build_calendar,
    calendar_options,
    load_schedules,
)
from gkdeadline.timeconv import today


@click.command("case", context_settings=HELP)
@click.argument("case_file", metavar="FILE")
@click.option("--as-of", "as_of", type=DATE, help="Status on this date (default: today in China).")
@JSON_OPTION
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when the case has a violation (a finding of the agency's).",
)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False),
    help="Also draw the case's timeline to this SVG file.",
)
@click.option(
    "--ics",
    "ics_path",
    type=click.Path(dir_okay=False),
    help="Also export the deadlines to this iCalendar file.",
)
@calendar_options
def case_cmd(
    case_file: str,
    as_of: date | None,
    as_json: bool,
    strict: bool,
    svg_path: str | None,
    ics_path: str | None,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> int:
    """Compute a request case's deadline, status and trail from its events (FILE or - for stdin)."""
    from gkdeadline.case import Case

    text = sys.stdin.read() if case_file == "-" else None
    loaded = load_schedules(schedules, override)
    kw: dict[str, object] = {"schedules": loaded, "projection": projection}
    if region is not None:  # otherwise the case's profile says which calendar
        kw = {"calendar": build_calendar(loaded, region, projection)}
    case = Case.from_json(text, **kw) if text is not None else Case.from_file(case_file, **kw)
    result = case.result(as_of or today())
    if svg_path:
        from gkdeadline.timeline import timeline_svg

        _write(svg_path, timeline_svg(result, case.calendar).encode("utf-8"))
    if ics_path:
        from gkdeadline.ics import to_ics

        _write(ics_path, to_ics(result, case.id))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(result.explain())
    violations = [f for f in result.findings if f.severity == "violation"]
    return 1 if strict and violations else 0


def _write(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror) from None
