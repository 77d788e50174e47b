"""rules, due, lint, compare, profiles, schema on the command line."""

from __future__ import annotations

import json

import pytest

from gkdeadline.cli import main

KEYS = {
    "id",
    "title",
    "source",
    "article",
    "jurisdiction",
    "effective_from",
    "effective_to",
    "duration",
    "fixed_date",
    "kind",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_json_has_every_seed_rule_with_citation(capsys) -> None:
    code, out, _ = run(capsys, "rules", "--json")
    rules = json.loads(out)
    assert code == 0 and len(rules) >= 120
    for r in rules:
        assert r.keys() >= KEYS
        assert r["source"] and r["article"] and r["quote"]
        if r["duration"] is not None:
            assert set(r["duration"]) == {"amount", "unit"}
            assert r["duration"]["unit"] in {
                "workdays",
                "days",
                "hours",
                "months",
                "weeks",
                "years",
                "seconds",
            }
    reply = next(r for r in rules if r["id"] == "national-2019.request-reply")
    assert reply["duration"] == {"amount": 20, "unit": "workdays"}
    report = next(r for r in rules if r["id"] == "national-2019.annual-report-government")
    assert report["fixed_date"] == "03-31" and report["duration"] is None
    for seed in (
        "pengyang-2018",
        "chizhou-county-2020",
        "fenggang-2018",
        "jinping-2024",
        "district-2022",
    ):
        assert any(r["id"].startswith(seed + ".") for r in rules)


def test_rules_for_a_profile_on_a_date_include_fallbacks(capsys) -> None:
    _, out, _ = run(capsys, "rules", "--profile", "jinping-2024", "--on", "2026-01-05", "--json")
    rules = json.loads(out)
    third = next(r for r in rules if r["id"] == "national-2019.third-party-opinion")
    assert third["via_fallback"] is True
    assert any(
        r["id"] == "jinping-2024.request-reply" and r["via_fallback"] is False for r in rules
    )


def test_due_prints_date_and_explanation(capsys) -> None:
    code, out, err = run(capsys, "due", "national-2019.request-reply", "--from", "2026-09-28")
    first, explanation = out.rstrip("\n").split("\n")
    assert (code, first, err) == (0, "2026-10-30", "")
    assert "国庆节放假" in explanation and "第三十三条第二款" in explanation


def test_due_hours_naive_is_shanghai(capsys) -> None:
    _, out, _ = run(
        capsys, "due", "opinion-2016.first-release", "--from", "2026-10-01T08:30", "--json"
    )
    data = json.loads(out)
    assert data["due"] == "2026-10-01T13:30:00+08:00"
    _, out, _ = run(
        capsys, "due", "opinion-2016.first-release", "--from", "2026-10-01T00:30Z", "--json"
    )
    assert json.loads(out)["due"] == "2026-10-01T05:30:00+00:00"


def test_due_uses_the_rules_own_calendar(capsys) -> None:
    _, out, _ = run(capsys, "due", "pengyang-2018.request-reply", "--from", "2021-05-10", "--json")
    data = json.loads(out)
    assert data["due"] == "2021-06-02" and data["calendar"] == "ningxia"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["due", "national-2019.request-replyy", "--from", "2026-01-05"],
            "最接近的：national-2019.request-reply",
        ),
        (["due", "national-2008.request-reply", "--from", "2026-01-05"], "不施行"),
        (["due", "national-2019.request-reply", "--from", "05/01/2026"], "不是 ISO 日期"),
        (["due", "national-2019.request-reply"], "--from"),
        (["due", "opinion-2016.response", "--from", "2026-10-01"], "需要时刻"),
        (
            ["due", "national-2019.request-extension", "--from", "2026-10-30", "--extension", "30"],
            "不在 1～20 之内",
        ),
        (["lint", "no-such-profile"], "没有档案 'no-such-profile'"),
        (["rules", "--on", "2026-01-01"], "--profile"),
    ],
)
def test_errors_are_one_line(capsys, args: list[str], fragment: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("gkdeadline: 错误: ") and fragment in err


def test_errors_with_json_are_data(capsys) -> None:
    code, out, err = run(
        capsys, "due", "national-2019.request-replyy", "--from", "2026-01-05", "--json"
    )
    assert (code, err) == (2, "")
    error = json.loads(out)["error"]
    assert error["code"] == "rule-unknown" and error["value"] == "national-2019.request-replyy"
    assert "最接近的：national-2019.request-reply" in error["message"]


def test_lint_and_compare(capsys) -> None:
    code, out, _ = run(capsys, "lint", "pengyang-2018", "--on", "2026-11-23", "--json")
    cats = {(f["category"], f["local"]) for f in json.loads(out)}
    assert code == 0 and ("narrower", "pengyang-2018.litigation-filing") in cats
    code, _, _ = run(capsys, "lint", "pengyang-2018", "--on", "2026-11-23", "--strict")
    assert code == 1
    _, out, _ = run(
        capsys, "compare", "pengyang-2018", "fenggang-2018", "--on", "2026-11-23", "--json"
    )
    row = next(r for r in json.loads(out) if r["topic"] == "opinion.first-release")
    assert row["pengyang-2018"]["limit"] == "1 小时" and row["fenggang-2018"]["limit"] == "5 小时"
    _, out, _ = run(capsys, "compare", "pengyang-2018", "fenggang-2018", "--on", "2026-11-23")
    assert any(
        line.startswith("opinion.first-release") and "≠" in line for line in out.splitlines()
    )


def test_profiles_and_schema(capsys) -> None:
    _, out, _ = run(capsys, "profiles", "--json")
    assert {p["id"] for p in json.loads(out)} >= {"national", "pengyang-2018"}
    _, out, _ = run(capsys, "schema")
    assert json.loads(out)["title"] == "gkdeadline profile"
