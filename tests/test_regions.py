"""The bundled regional schedules: one worked example per file, quoting its notice, and checks
that every file is well formed and that ``missing_years`` tells the truth."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from importlib import resources

import pytest

from gkdeadline import Calendar, CalendarCoverageError, InputError
from gkdeadline.calendar.regions import (
    REGIONS,
    bundled_schedules,
    bundled_years,
    missing_years,
)

D = date

NATIONAL = Calendar()
REGIONAL = {key: Calendar(region=key) for key in REGIONS}

# (region, year, what the notice says, start, workdays, national due, regional due)
WORKED = [
    # ---------------------------------------------------------------- 宁夏
    (
        "ningxia",
        2015,
        "宁政办发〔2014〕233号: 古尔邦节 9月23日至25日放假调休，共3天。9月20日（星期日）上班",
        D(2015, 9, 21),
        5,
        D(2015, 9, 28),
        D(2015, 10, 8),  # 9/22, 9/28–30, then 国庆节 to 10/7, then 10/8
    ),
    (
        "ningxia",
        2016,
        "2016年通知: 开斋节 7月6日至8日放假调休，共3天。7月3日（星期日）上班",
        D(2016, 7, 4),
        20,
        D(2016, 8, 1),
        D(2016, 8, 4),
    ),
    (
        "ningxia",
        2017,
        "2017年通知: 开斋节 6月24日至28日放假调休，共5天。7月1日（星期六）上班",
        D(2017, 6, 23),
        20,
        D(2017, 7, 21),
        D(2017, 7, 25),  # three weekdays off, one Saturday worked: two workdays later
    ),
    (
        "ningxia",
        2019,
        "宁政办发〔2018〕137号: 开斋节 6月5日、6日放假",
        D(2019, 6, 3),
        20,
        D(2019, 7, 2),
        D(2019, 7, 4),
    ),
    (
        "ningxia",
        2020,
        "2020年通知: 开斋节 5月25日至26日放假",
        D(2020, 5, 22),
        20,
        D(2020, 6, 19),
        D(2020, 6, 23),
    ),
    (
        "ningxia",
        2021,
        "2021年通知: 开斋节 5月13日至14日放假 (彭阳 15 个工作日: 2021-05-10 → 2021-06-02)",
        D(2021, 5, 10),
        15,
        D(2021, 5, 31),
        D(2021, 6, 2),
    ),
    (
        "ningxia",
        2022,
        "2022年通知: 古尔邦节 7月11日至12日放假，共2天",
        D(2022, 7, 8),
        20,
        D(2022, 8, 5),
        D(2022, 8, 9),
    ),
    (
        "ningxia",
        2023,
        "2023年通知（转述）: 古尔邦节 6月29日至30日放假，共2天",
        D(2023, 6, 28),
        20,
        D(2023, 7, 26),
        D(2023, 7, 28),
    ),
    # ---------------------------------------------------------------- 新疆
    (
        "xinjiang",
        2022,
        "2022年通知: 古尔邦节 7月10日是古尔邦节，7月9日至13日放假调休，共5天",
        D(2022, 7, 8),
        20,
        D(2022, 8, 5),
        D(2022, 8, 10),
    ),
    (
        "xinjiang",
        2023,
        "2023年通知: 肉孜节 4月22日是肉孜节，4月21日放假调休1天 (4月23日仍按全国安排上班)",
        D(2023, 4, 20),
        1,
        D(2023, 4, 21),
        D(2023, 4, 23),
    ),
    (
        "xinjiang",
        2025,
        "2025年通知: 古尔邦节 6月6日（周五）至10日（周二）放假，共5天",
        D(2025, 6, 5),
        20,
        D(2025, 7, 3),
        D(2025, 7, 8),
    ),
    (
        "xinjiang",
        2026,
        "2026年通知（维吾尔语报道）: 古尔邦节 5月27日（星期三）至31日（星期日）共放假5天",
        D(2026, 5, 26),
        20,
        D(2026, 6, 24),
        D(2026, 6, 29),
    ),
    # ---------------------------------------------------------------- 广西
    (
        "guangxi",
        2015,
        "2015年通知: 2015年4月20日至4月21日（即农历三月初二、初三）放假两天",
        D(2015, 4, 17),
        1,
        D(2015, 4, 20),
        D(2015, 4, 22),
    ),
    (
        "guangxi",
        2016,
        "2016年通知: 4月9日（周六）、10日（周日）放假，4月8日（周五）、11日（周一）补休",
        D(2016, 4, 7),
        1,
        D(2016, 4, 8),
        D(2016, 4, 12),
    ),
    (
        "guangxi",
        2017,
        "2017年通知: 4月1日（星期六）放假调休，4月8日（星期六）上班",
        D(2017, 4, 7),
        1,
        D(2017, 4, 10),
        D(2017, 4, 8),  # the regional makeup Saturday comes first
    ),
    (
        "guangxi",
        2018,
        "2018年通知: 4月18日、19日放假。4月20日（星期五）与4月15日（星期日）调休",
        D(2018, 4, 14),
        1,
        D(2018, 4, 16),
        D(2018, 4, 15),
    ),
    (
        "guangxi",
        2019,
        "2019年通知: 本自治区内4月4日、8日放假调休，三月三和清明节放假时间为4月4日至4月8日",
        D(2019, 4, 3),
        1,
        D(2019, 4, 4),
        D(2019, 4, 9),
    ),
    (
        "guangxi",
        2020,
        "2020年调整通知: 3月26日、27日全区机关及企事业单位照常上班",
        D(2020, 3, 25),
        1,
        D(2020, 3, 26),
        D(2020, 3, 26),
    ),
    (
        "guangxi",
        2021,
        "2021年通知: 4月14日、15日放假，4月16日（星期五）休息，4月18日（星期日）上班",
        D(2021, 4, 13),
        20,
        D(2021, 5, 12),
        D(2021, 5, 14),
    ),
    (
        "guangxi",
        2022,
        "2022年通知: 本自治区内4月2日（星期六）、6日（星期三）放假调休",
        D(2022, 4, 1),
        1,
        D(2022, 4, 2),  # the national makeup Saturday
        D(2022, 4, 7),
    ),
    (
        "guangxi",
        2023,
        "2023年通知: 2023年4月21日（星期五）至23日（星期日）休假调休，共3天",
        D(2023, 4, 20),
        1,
        D(2023, 4, 21),
        D(2023, 4, 24),  # 4月23日 is a national makeup Sunday, but a day off in 广西
    ),
    (
        "guangxi",
        2024,
        "2024年通知: 一、4月11日至12日放假，与周末连休",
        D(2024, 4, 10),
        20,
        D(2024, 5, 10),
        D(2024, 5, 13),
    ),
    (
        "guangxi",
        2026,
        "2026年（转述）: 4月17日—20日连休，18日、19日法定，17日、20日补休",
        D(2026, 4, 16),
        1,
        D(2026, 4, 17),
        D(2026, 4, 21),
    ),
]


@pytest.mark.parametrize(
    ("region", "year", "quote", "start", "n", "national_due", "regional_due"),
    WORKED,
    ids=[f"{w[0]}-{w[1]}" for w in WORKED],
)
def test_worked_example_per_bundled_file(
    region: str,
    year: int,
    quote: str,
    start: date,
    n: int,
    national_due: date,
    regional_due: date,
) -> None:
    assert quote
    assert NATIONAL.add_workdays(start, n) == national_due
    assert REGIONAL[region].add_workdays(start, n) == regional_due
    assert REGIONAL[region].workdays_between(start, regional_due) == n


def test_every_bundled_file_has_a_worked_example() -> None:
    bundled = {(key, s.year) for key in REGIONS for s in bundled_schedules(key)}
    assert bundled == {(w[0], w[1]) for w in WORKED}


# ---------------------------------------------------------------- the files themselves

_NUMBER = re.compile(r"〔\d{4}〕\d+号")


def _data_files() -> list[tuple[str, str, str]]:
    root = resources.files("gkdeadline.calendar") / "data"
    out = []
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            for item in sorted(folder.iterdir(), key=lambda p: p.name):
                if item.name.endswith(".toml"):
                    out.append((folder.name, item.name, item.read_text(encoding="utf-8")))
    return out


DATA_FILES = _data_files()


def test_data_folders_are_region_keys() -> None:
    assert {folder for folder, _, _ in DATA_FILES} <= set(REGIONS)


@pytest.mark.parametrize(
    ("folder", "name", "text"), DATA_FILES, ids=[f"{f}/{n}" for f, n, _ in DATA_FILES]
)
def test_bundled_file_is_well_formed(folder: str, name: str, text: str) -> None:
    raw = tomllib.loads(text)
    year = int(name.removesuffix(".toml"))
    assert raw["year"] == year
    assert raw["region"] == folder
    # the notice: a document number, or the notice's title where no number was found
    notice = raw["notice"]
    assert _NUMBER.search(notice) or "通知" in notice
    # the header says where the dates come from and quotes it
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header and text.startswith("#")
    assert any("出处" in line for line in header)
    assert any("http" in line or "/" in line for line in header)
    assert any("日" in line and ("“" in line or '"' in line) for line in header)
    # the parsed schedule lies in its year; makeup working days are weekend days
    (schedule,) = [s for s in bundled_schedules(folder) if s.year == year]
    assert schedule.region == folder
    assert schedule.status == "official"
    assert schedule.source == notice
    for entry in schedule.entries:
        assert entry.day.year == year
        if not entry.off:
            assert entry.day.weekday() >= 5
    assert len({e.day for e in schedule.entries}) == len(schedule.entries)


def test_weak_sources_say_so() -> None:
    # files resting on reports of a notice rather than its text are flagged in their header
    weak = {(f, n) for f, n, text in DATA_FILES if "来源较弱" in text}
    assert weak == {("ningxia", "2023.toml"), ("xinjiang", "2026.toml"), ("guangxi", "2026.toml")}


def test_cancelled_guangxi_2020_adds_no_day() -> None:
    (s,) = [s for s in bundled_schedules("guangxi") if s.year == 2020]
    assert s.entries == ()
    assert REGIONAL["guangxi"].is_workday(D(2020, 3, 26))
    assert REGIONAL["guangxi"].is_workday(D(2020, 3, 27))


def test_regional_day_off_replaces_a_national_makeup_day() -> None:
    # 2017: 清明节 4月1日（星期六）上班 nationally; 广西 放假调休 that day and works 4月8日.
    assert NATIONAL.is_workday(D(2017, 4, 1))
    assert not REGIONAL["guangxi"].is_workday(D(2017, 4, 1))
    assert REGIONAL["guangxi"].is_workday(D(2017, 4, 8))
    assert "壮族三月三" in REGIONAL["guangxi"].describe_day(D(2017, 4, 8))


# ---------------------------------------------------------------- coverage


def test_bundled_years() -> None:
    assert bundled_years("ningxia") == (2015, 2016, 2017, 2019, 2020, 2021, 2022, 2023)
    assert bundled_years("新疆") == (2022, 2023, 2025, 2026)
    assert bundled_years("Guangxi") == (
        *range(2015, 2025),
        2026,
    )
    assert bundled_years("tibet") == ()


def test_missing_years() -> None:
    assert missing_years("ningxia", 2008, 2026) == [
        *range(2008, 2015),
        2018,
        2024,
        2025,
        2026,
    ]
    assert missing_years("宁夏", 2019, 2022) == []
    assert missing_years("xinjiang", 2020, 2026) == [2020, 2021, 2024]
    assert missing_years("guangxi", 2014, 2026) == [2014, 2025]
    assert missing_years("xizang", 2024, 2026) == [2024, 2025, 2026]
    assert missing_years("guangxi", 2026, 2025) == []


def test_missing_years_rejects_unknown_region() -> None:
    with pytest.raises(InputError, match="没有地区"):
        missing_years("atlantis", 2020, 2026)


def test_missing_years_match_the_calendar() -> None:
    # a year missing_years reports is a year the regional calendar refuses, and vice versa
    for key, cal in REGIONAL.items():
        for year in range(2015, 2027):
            day = D(year, 7, 15)
            if year in missing_years(key, 2015, 2026):
                with pytest.raises(CalendarCoverageError) as info:
                    cal.is_workday(day)
                assert info.value.region == key and info.value.year == year
            else:
                cal.is_workday(day)
