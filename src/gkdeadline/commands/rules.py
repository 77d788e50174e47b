"""Catalogue commands: rules, profiles, due, lint, compare, schema."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from gkdeadline.calendar import collecting_projected
from gkdeadline.cli import HELP
from gkdeadline.commands import (
    DATE,
    JSON_OPTION,
    build_calendar,
    calendar_options,
    emit,
    parse_moment,
)
from gkdeadline.profiles import all_profiles, get_rule, iter_rules, profile_of, profile_or_file
from gkdeadline.rules import Rule
from gkdeadline.timeconv import today


def rule_json(rule: Rule) -> dict[str, Any]:
    """The catalogue's JSON shape (:meth:`gkdeadline.rules.Rule.as_json`)."""
    return rule.as_json()


@click.command("rules", context_settings=HELP)
@click.option(
    "--profile", "profile_ref", metavar="PROFILE", help="Only this profile's rules (id or file)."
)
@click.option(
    "--on", "on", type=DATE, help="Rules in force on this date, national fallbacks included."
)
@JSON_OPTION
def rules_cmd(profile_ref: str | None, on: date | None, as_json: bool) -> None:
    """List the catalogue of time limits with their citations."""
    if profile_ref:
        prof = profile_or_file(profile_ref)
        pairs = prof.resolved(on) if on is not None else [(r, False) for r in prof.rules]
    else:
        if on is not None:
            raise click.UsageError("--on 需要同时给出 --profile（哪个档案施行中的规则？）")
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


@click.command("profiles", context_settings=HELP)
@JSON_OPTION
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
        click.echo(f"{r['id']:<30} {r['title']}（{r['jurisdiction']}{cal}，{r['rules']} 条）")


@click.command("due", context_settings=HELP)
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
@JSON_OPTION
@calendar_options
def due_cmd(
    rule_id: str,
    start: str,
    amount: int | None,
    as_json: bool,
    schedules: tuple[str, ...],
    region: str | None,
    projection: bool,
    override: bool,
) -> None:
    """Evaluate one rule from a trigger and explain the result, with its citation."""
    rule = get_rule(rule_id)
    moment = parse_moment(start)
    owner = profile_of(rule)
    cal = build_calendar(
        schedules, region if region is not None else owner.region, projection, override
    )
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


@click.command("lint", context_settings=HELP)
@click.argument("profile_ref", metavar="PROFILE")
@click.option(
    "--on",
    "on",
    type=DATE,
    help="Compare with the national law in force on this date (default: today).",
)
@JSON_OPTION
@click.option("--strict", is_flag=True, help="Exit with status 1 when any conflict is found.")
def lint_cmd(profile_ref: str, on: date | None, as_json: bool, strict: bool) -> int:
    """Report where a local profile conflicts with national law."""
    from gkdeadline.lint import CATEGORY_ZH, SEVERITY_ZH, lint

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


@click.command("compare", context_settings=HELP)
@click.argument("a", metavar="PROFILE_A")
@click.argument("b", metavar="PROFILE_B")
@click.option("--on", "on", type=DATE, help="Rules in force on this date (default: today).")
@click.option(
    "--all", "show_all", is_flag=True, help="Also show topics where both follow national rules."
)
@JSON_OPTION
def compare_cmd(a: str, b: str, on: date | None, show_all: bool, as_json: bool) -> None:
    """Show two profiles' limits side by side, topic by topic."""
    from gkdeadline.lint import compare

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


@click.command("schema", context_settings=HELP)
@click.argument(
    "kind",
    default="profile",
    type=click.Choice(
        ["case", "event", "result", "batch-row", "event-log-row", "profile", "schedule"]
    ),
)
def schema_cmd(kind: str) -> None:
    """Print the JSON Schema of KIND (default: profile files)."""
    from gkdeadline.schemas import json_schema

    click.echo(json.dumps(json_schema(kind), ensure_ascii=False, indent=2))
