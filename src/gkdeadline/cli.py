"""The ``gkdeadline`` command line: a thin shell over the library.

Every failure the user can cause — a bad date, a missing schedule, an unknown rule — ends as one
line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gkdeadline.calendar import (
    CHINA,
    Calendar,
    YearSchedule,
    collecting_projected,
    load_schedule,
    today,
)
from gkdeadline.calendar.calendar import as_date
from gkdeadline.case import Case
from gkdeadline.errors import GkDeadlineError
from gkdeadline.lint import CATEGORY_ZH, SEVERITY_ZH, compare, lint
from gkdeadline.profiles import (
    all_profiles,
    get_rule,
    iter_rules,
    json_schema,
    profile_of,
    profile_or_file,
)
from gkdeadline.rules import Rule, parse_start

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


def schedule_options(func: F) -> F:
    """--schedule / --projection: the calendar data, for every command that computes."""
    func = click.option(
        "--projection",
        is_flag=True,
        help="Project years without a State Council notice (provisional; results are flagged).",
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


def calendar_options(func: F) -> F:
    """--schedule / --region / --projection, for commands that take a calendar directly."""
    func = click.option(
        "--region",
        metavar="REGION",
        help="Regional calendar: ningxia (宁夏), xinjiang (新疆), xizang (西藏), guangxi (广西).",
    )(func)
    return schedule_options(func)


def build_calendar(
    schedules: Sequence[str | YearSchedule], region: str | None, projection: bool
) -> Calendar:
    """The calendar from the options (schedule paths, or schedules already loaded)."""
    loaded = [s if isinstance(s, YearSchedule) else load_schedule(s) for s in schedules]
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
    with collecting_projected() as projected:
        result = cal.is_workday(day)
    emit(
        as_json,
        {"date": day.isoformat(), "result": result, "description": cal.describe_day(day)},
        "true" if result else "false",
        projected,
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
    with collecting_projected() as projected:
        result = cal.workdays_between(a, b)
    emit(
        as_json, {"a": a.isoformat(), "b": b.isoformat(), "result": result}, str(result), projected
    )


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


# ---------------------------------------------------------------------------- rules


def rule_json(rule: Rule) -> dict[str, Any]:
    """The catalogue's JSON shape (stable keys; see docs/cli.md)."""
    ex = rule.example
    return {
        "id": rule.id,
        "title": rule.title,
        "kind": rule.kind,
        "topic": rule.topic,
        "source": rule.source,
        "document": rule.document,
        "article": rule.article,
        "quote": rule.quote,
        "jurisdiction": rule.jurisdiction,
        "effective_from": rule.effective_from.isoformat() if rule.effective_from else None,
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "duration": rule.duration.model_dump() if rule.duration else None,
        "fixed_date": rule.fixed_date,
        "deadline": rule.deadline.isoformat() if rule.deadline else None,
        "bound": rule.bound,
        "count": rule.count,
        "trigger": rule.trigger,
        "obligor": rule.obligor,
        "excludes": list(rule.excludes),
        "restarts_on": list(rule.restarts_on),
        "extension": rule.extension,
        "extends": rule.extends,
        "basis": rule.basis,
        "limit": rule.limit_text(),
        "note": rule.note,
        "example": (
            {"from": ex.start.isoformat(), "due": ex.due.isoformat()} if ex is not None else None
        ),
    }


@cli.command("rules")
@click.option(
    "--profile", "profile_ref", metavar="PROFILE", help="Only this profile's rules (id or file)."
)
@click.option(
    "--on", "on", type=DATE, help="Rules in force on this date, national fallbacks included."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def rules_cmd(profile_ref: str | None, on: date | None, as_json: bool) -> None:
    """List the catalogue of time limits with their citations."""
    if profile_ref:
        prof = profile_or_file(profile_ref)
        pairs = prof.resolved(on) if on is not None else [(r, False) for r in prof.rules]
    else:
        if on is not None:
            raise click.UsageError("--on needs --profile (which profile's rules are in force?)")
        pairs = [(r, False) for r in iter_rules()]
    if as_json:
        out = []
        for r, fallback in pairs:
            item = rule_json(r)
            if on is not None:
                item["via_fallback"] = fallback
            out.append(item)
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for r, fallback in pairs:
        tag = "（国家规定）" if fallback else ""
        click.echo(f"{r.id}  {r.title}{tag}：{r.limit_text()} — {r.source} {r.article}")


@cli.command("profiles")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def profiles_cmd(as_json: bool) -> None:
    """List the built-in profiles (jurisdictions)."""
    rows = [
        {
            "id": p.id,
            "title": p.title,
            "jurisdiction": p.jurisdiction,
            "region": p.region,
            "fallback": p.fallback_id,
            "rules": len(p.rules),
        }
        for p in all_profiles()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        cal = f"，{r['region']} 日历" if r["region"] else ""
        click.echo(f"{r['id']:<22} {r['title']}（{r['jurisdiction']}{cal}，{r['rules']} 条）")


def parse_moment(text: str) -> date | datetime:
    """A date, or a moment; a moment without an offset is read as Asia/Shanghai (documented)."""
    m = parse_start(text)
    if isinstance(m, datetime) and m.tzinfo is None:
        return m.replace(tzinfo=CHINA)
    return m


@cli.command("due")
@click.argument("rule_id", metavar="RULE_ID")
@click.option(
    "--from", "start", required=True, metavar="DATE_OR_DATETIME", help="The trigger date or moment."
)
@click.option(
    "--extension",
    "amount",
    type=int,
    help="For extension rules: workdays granted (default: the maximum).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@calendar_options
def due_cmd(
    rule_id: str,
    start: str,
    amount: int | None,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
) -> None:
    """Evaluate one rule from a trigger and explain the result, with its citation."""
    rule = get_rule(rule_id)
    moment = parse_moment(start)
    owner = profile_of(rule)
    cal = build_calendar(schedules, region if region is not None else owner.region, projection)
    with collecting_projected() as projected:
        deadline = rule.due(moment, cal, amount=amount)
        explanation = deadline.explain(cal)
    emit(
        as_json,
        {
            "rule": rule.id,
            "from": moment.isoformat(),
            "due": deadline.iso(),
            "meaning": deadline.meaning,
            "calendar": cal.region or "national",
            "explanation": explanation,
            "citation": rule.citation(),
        },
        f"{deadline.iso()}\n{explanation}",
        projected,
    )


@cli.command("lint")
@click.argument("profile_ref", metavar="PROFILE")
@click.option(
    "--on",
    "on",
    type=DATE,
    help="Compare with the national law in force on this date (default: today).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any conflict is found.")
def lint_cmd(profile_ref: str, on: date | None, as_json: bool, strict: bool) -> int:
    """Report where a local profile conflicts with national law."""
    day = on or today()
    findings = lint(profile_or_file(profile_ref), day)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        if not findings:
            click.echo(f"{profile_ref}：{day.isoformat()} 与国家规定没有发现冲突。")
        for f in findings:
            click.echo(
                f"[{SEVERITY_ZH[f.severity]}·{CATEGORY_ZH[f.category]}] {f.local.id}：{f.message}"
            )
    conflicts = sum(f.severity == "conflict" for f in findings)
    return 1 if strict and conflicts else 0


@cli.command("compare")
@click.argument("a", metavar="PROFILE_A")
@click.argument("b", metavar="PROFILE_B")
@click.option("--on", "on", type=DATE, help="Rules in force on this date (default: today).")
@click.option(
    "--all", "show_all", is_flag=True, help="Also show topics where both follow national rules."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare_cmd(a: str, b: str, on: date | None, show_all: bool, as_json: bool) -> None:
    """Show two profiles' limits side by side, topic by topic."""
    pa, pb = profile_or_file(a), profile_or_file(b)
    rows = compare(pa, pb, on or today())
    if not show_all:
        rows = [r for r in rows if not (r.a_fallback and r.b_fallback)]

    def cell(rule: Rule | None, fallback: bool) -> dict[str, Any] | None:
        if rule is None:
            return None
        return {
            "id": rule.id,
            "limit": rule.limit_text(),
            "via_fallback": fallback,
            "citation": rule.citation(),
        }

    if as_json:
        payload = [
            {
                "topic": r.topic,
                pa.id: cell(r.a, r.a_fallback),
                pb.id: cell(r.b, r.b_fallback),
                "differs": r.differs,
            }
            for r in rows
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return

    def text(rule: Rule | None, fallback: bool) -> str:
        if rule is None:
            return "—"
        return f"{rule.limit_text()}{'（国家）' if fallback else ''}"

    click.echo(f"{'topic':<34} {pa.id:<28} {pb.id:<28}")
    for r in rows:
        mark = "≠" if r.differs else "="
        click.echo(
            f"{r.topic:<34} {text(r.a, r.a_fallback):<28} {text(r.b, r.b_fallback):<28} {mark}"
        )


@cli.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of profile files."""
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


# ---------------------------------------------------------------------------- cases


@cli.command("case")
@click.argument("case_file", metavar="FILE")
@click.option("--as-of", "as_of", type=DATE, help="Status on this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
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
    svg_path: str | None,
    ics_path: str | None,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
) -> None:
    """Compute a request case's deadline, status and trail from its events (FILE or - for stdin)."""
    text = sys.stdin.read() if case_file == "-" else None
    loaded = tuple(load_schedule(p) for p in schedules)
    kw: dict[str, Any] = {"schedules": loaded, "projection": projection}
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


def _write(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror) from None


@cli.command("batch")
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
    chunk_size: int,
    schedules: tuple[str, ...],
    projection: bool,
) -> int:
    """Compute every case in a CSV, JSON Lines or Parquet file (one row per case)."""
    from pathlib import Path

    from gkdeadline.batch_files import file_format, process_file

    src = Path(source)
    file_format(src), file_format(Path(target))  # fail fast on unknown formats
    if not src.is_file():
        raise click.BadParameter(f"{source!r} does not exist", param_hint="INPUT")
    loaded = tuple(load_schedule(p) for p in schedules)
    total = src.stat().st_size if src.suffix.lower() != ".parquet" else _parquet_rows(src)
    kw: dict[str, Any] = {
        "profile": profile,
        "as_of": as_of,
        "schedules": loaded,
        "projection": projection,
    }
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="gkdeadline batch", file=sys.stderr) as bar:
            summary = process_file(src, target, chunk_rows=chunk_size, progress=bar.update, **kw)
    else:
        summary = process_file(src, target, chunk_rows=chunk_size, **kw)
    click.echo(
        f"gkdeadline: {summary.rows:,} rows: {summary.computed:,} computed, {summary.errors:,}"
        f" with errors → {target}",
        err=True,
    )
    return 1 if summary.errors and not allow_errors else 0


def _parquet_rows(path: Any) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the reader reports a bad file properly
        return 0


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
