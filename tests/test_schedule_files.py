"""Schedule files: both formats, and every validation error names the offending entry."""

from __future__ import annotations

from datetime import date

import pytest

import gkdeadline as gk
from gkdeadline import Calendar, ScheduleError
from gkdeadline.calendar.schedule import parse_holiday_cn, parse_toml

GOOD_TOML = """
year = 2027
notice = "国办发明电〔2026〕99号（测试）"

[[holiday]]
name = "春节"
off = ["2027-02-05..2027-02-11"]
work = ["2027-02-14", 2027-02-20]
"""


def test_toml_format_ranges_and_native_dates() -> None:
    s = parse_toml(GOOD_TOML, "t.toml")
    offs = sorted(e.day for e in s.entries if e.off)
    assert offs[0] == date(2027, 2, 5) and offs[-1] == date(2027, 2, 11) and len(offs) == 7
    assert {e.day for e in s.entries if not e.off} == {date(2027, 2, 14), date(2027, 2, 20)}
    cal = Calendar().with_schedules(s)
    assert cal.is_workday(date(2027, 2, 14))
    assert not cal.is_workday(date(2027, 2, 8))


OVERRIDE_2026 = (
    '{"year": 2026, "papers": ["更正通知"], "days": ['
    '{"name": "国庆节", "date": "2026-10-01", "isOffDay": true},'
    '{"name": "国庆节", "date": "2026-10-09", "isOffDay": true}]}'
)


def test_a_schedule_contradicting_a_built_in_year_is_refused() -> None:
    # A correction notice: suppose 2026-10-09 (Friday) became a day off. The built-in 2026 comes
    # from the State Council notice, so replacing it silently is an error.
    with pytest.raises(ScheduleError) as info:
        Calendar().with_schedules(parse_holiday_cn(OVERRIDE_2026, "fix.json"))
    assert info.value.code == "schedule-conflicts-official"
    assert "与内置的国务院 2026 年安排不一致" in str(info.value) and "override = true" in str(
        info.value
    )
    assert info.value.value == 2026


def test_loaded_schedule_overrides_built_in_year_when_asked() -> None:
    cal = Calendar().with_schedules(parse_holiday_cn(OVERRIDE_2026, "fix.json", override=True))
    assert not cal.is_workday(date(2026, 10, 9))
    # the loaded year replaces the built-in one entirely (its 10-10 makeup day is gone)
    assert not cal.is_workday(date(2026, 10, 10))
    assert gk.is_workday(date(2026, 10, 10))  # the default calendar is untouched
    assert [s.year for s in cal.overrides()] == [2026]
    # every result computed with it says so
    from gkdeadline.case import Case

    case = Case(
        "national",
        [{"type": "received", "date": "2026-09-28", "channel": "in_person"}],
        calendar=cal,
    )
    r = case.result(date(2026, 9, 29))
    assert "calendar-override" in r.codes()
    assert r.due != date(2026, 10, 30)  # 10-09 and 10-10 no longer count
    plain = Case("national", [{"type": "received", "date": "2026-09-28", "channel": "in_person"}])
    assert (
        plain.due == date(2026, 10, 30)
        and "calendar-override" not in plain.result(date(2026, 9, 29)).codes()
    )


def test_toml_override_flag_and_cli_override_option(tmp_path, capsys) -> None:
    from gkdeadline.cli import main

    body = (
        'year = 2026\nnotice = "更正通知（测试）"\n\n[[holiday]]\nname = "国庆节"\n'
        'off = ["2026-10-01..2026-10-09"]\n'
    )
    plain = tmp_path / "fix.toml"
    plain.write_text(body, encoding="utf-8")
    flagged = tmp_path / "fix-override.toml"
    flagged.write_text("override = true\n" + body, encoding="utf-8")
    assert gk.load_schedule(flagged).override and not gk.load_schedule(plain).override
    assert gk.load_schedule(plain, override=True).override
    assert not Calendar().with_schedules(gk.load_schedule(flagged)).is_workday(date(2026, 10, 9))
    # the command line: refused (exit 2) unless --override
    assert main(["is-workday", "2026-10-09", "--schedule", str(plain)]) == 2
    _, err = capsys.readouterr()
    assert "与内置的国务院 2026 年安排不一致" in err
    assert main(["is-workday", "2026-10-09", "--schedule", str(plain), "--override"]) == 0
    assert capsys.readouterr()[0] == "false\n"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            '{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},'
            ' {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}',
            ["2027-01-01", "列了两次"],
        ),
        (
            '{"year": 2027, "days": [{"name": "国庆", "date": "2028-10-01", "isOffDay": true}]}',
            ["2028-10-01", "不在 2027 年之内"],
        ),
        (
            '{"year": 2027, "days": [{"name": "元旦", "date": "2026-12-01", "isOffDay": true}]}',
            ["2026-12-01", "2026-12-29"],
        ),
        (
            '{"year": 2027, "days": [{"name": "春节", "date": "2027-02-17", "isOffDay": false}]}',
            ["2027-02-17", "星期三", "调休上班日只会是星期六或星期日"],
        ),
        (
            '{"year": 2027, "days": [{"name": "春节", "date": "2027-02-30", "isOffDay": true}]}',
            ["days.0.date", "2027-02-30"],
        ),
        (
            '{"year": 2027, "days": [{"name": "春节", "date": "2027-02-08", "isOffDay": "yes"}]}',
            ["days.0.isOffDay"],
        ),
        ('{"year": 2027, "days": [{"date": "2027-02-08", "isOffDay": true}]}', ["days.0.name"]),
        ('{"year": "2027", "days": []}', ["year"]),
        ("{not json", ["不是有效的 JSON"]),
    ],
)
def test_holiday_cn_errors_name_the_entry(text: str, fragments: list[str]) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_holiday_cn(text, "bad.json")
    for f in fragments:
        assert f in str(info.value)
    assert "bad.json" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            'year = 2027\nnotice = "x"\n[[holiday]]\nname = "a"\noff = ["2027-13-01"]\n',
            "2027-13-01",
        ),
        (
            'year = 2027\nnotice = "x"\n[[holiday]]\nname = "a"\n'
            'off = ["2027-02-09..2027-02-01"]\n',
            "ends before",
        ),
        (
            'year = 2027\nnotice = "x"\n[[holiday]]\nname = "a"\nof = ["2027-02-01"]\n',
            "holiday.0.of",
        ),
        ('year = 2027\n[[holiday]]\nname = "a"\noff = ["2027-02-01"]\n', "notice"),
        ('year = 2027\nnotice = "x"\n', "没有列出任何日期"),
        ("year = = 2027", "不是有效的 TOML"),
    ],
)
def test_toml_errors(text: str, fragment: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_toml(text, "bad.toml")
    assert fragment in str(info.value)


def test_file_problems(tmp_path) -> None:
    with pytest.raises(ScheduleError, match="cannot read"):
        gk.load_schedule(tmp_path / "missing.json")
    other = tmp_path / "s.csv"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(ScheduleError, match="不认识的格式"):
        gk.load_schedule(other)
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScheduleError, match="UTF-8"):
        gk.load_schedule(binary)


def test_empty_regional_schedule_declares_no_extra_days(tmp_path) -> None:
    f = tmp_path / "nx2023.toml"
    f.write_text('year = 2023\nregion = "ningxia"\nnotice = "no regional days"\n', encoding="utf-8")
    cal = Calendar(region="ningxia").with_schedules(gk.load_schedule(f))
    assert cal.is_workday(date(2023, 6, 28))
