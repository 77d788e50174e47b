"""Regional calendars: the days an autonomous region's government adds to the national schedule.

Regional holidays (宁夏: 开斋节、古尔邦节; 新疆: 肉孜节、古尔邦节; 西藏: 藏历新年、雪顿节; 广西:
壮族三月三) are set year by year by the regional government, so they are data, not rules: one
schedule file per region and year, in the same formats as national schedules. A regional calendar
knows a day only when it has both the national and the regional schedule for it.

Bundled (transcribed from the notices or from republications quoting them; every file under
``data/<region>`` quotes the sentences its dates come from and names where they were found):

* 宁夏 (``ningxia``): 2015–2017, 2019–2023. Not found: 2008–2014, 2018, 2024–2026.
* 新疆 (``xinjiang``): 2022, 2023, 2025, 2026. Not found: 2024 and the years before 2022.
* 广西 (``guangxi``): 2015–2024 and 2026 (2020: the holiday was cancelled, so the file adds no day).
  Not found: 2014 (the first year of 令第98号) and 2025.
* 西藏 (``xizang``): none. The 藏历新年 notices found are the 拉萨市人民政府办公室's, for 驻市各单位,
  not the region's, and no 雪顿节 notice was found.

Files marked "来源较弱" in their header (宁夏 2023, 新疆 2026, 广西 2026) rest on reports of the
notice rather than its text. :func:`missing_years` lists the years without a file. 彭阳县 (seed 000)
is in 宁夏, so the ``pengyang-2018`` profile computes on this calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from gkdeadline.calendar.schedule import YearSchedule, parse_toml
from gkdeadline.errors import InputError


@dataclass(frozen=True)
class Region:
    key: str
    name: str  # 自治区全称
    holidays: str  # what the regional notices add


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        Region("ningxia", "宁夏回族自治区", "开斋节、古尔邦节"),
        Region("xinjiang", "新疆维吾尔自治区", "肉孜节、古尔邦节"),
        Region("xizang", "西藏自治区", "藏历新年、雪顿节等"),
        Region("guangxi", "广西壮族自治区", "壮族三月三"),
    )
}
_ALIASES = {
    "宁夏": "ningxia",
    "新疆": "xinjiang",
    "西藏": "xizang",
    "广西": "guangxi",
    "tibet": "xizang",
}


def region_key(name: str) -> str:
    """Normalise ``"宁夏"``, ``"Ningxia"`` or ``"ningxia"`` to the region key."""
    key = _ALIASES.get(name.strip(), name.strip().lower())
    if key not in REGIONS:
        known = ", ".join(f"{k} ({r.name})" for k, r in REGIONS.items())
        raise InputError(
            f"没有地区 {name!r}；可用的地区：{known}",
            code="input-invalid",
            message_en=f"unknown region {name!r}; known regions: {known}",
            field="region",
            value=name,
        )
    return key


def region_name(key: str) -> str:
    return REGIONS[key].name


@cache
def bundled_schedules(key: str) -> tuple[YearSchedule, ...]:
    """The regional schedules shipped with gkdeadline for ``key`` (possibly none)."""
    folder = resources.files("gkdeadline.calendar") / "data" / key
    if not folder.is_dir():
        return ()
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            text = item.read_text(encoding="utf-8")
            out.append(parse_toml(text, f"gkdeadline/data/{key}/{item.name}", key, "official"))
    return tuple(out)


def bundled_years(key: str) -> tuple[int, ...]:
    """The years with a bundled schedule for region ``key`` (a key, alias or Chinese name)."""
    return tuple(s.year for s in bundled_schedules(region_key(key)))


def missing_years(key: str, first: int, last: int) -> list[int]:
    """The years in ``[first, last]`` without a bundled schedule for region ``key``.

    ``key`` may be a key, an alias or the Chinese short name (``"宁夏"``). An empty range
    (``first > last``) has no missing years.

    >>> missing_years("guangxi", 2024, 2026)
    [2025]
    """
    have = set(bundled_years(key))
    return [y for y in range(first, last + 1) if y not in have]
