"""Provisional projection of a year the State Council has not yet scheduled.

A projection guesses the whole notice for a year from the law in force that year
(:func:`gkdeadline.calendar.holiday_law.law_for`) and the habits of the notices before it:

1. **Statutory days** of 全国年节及纪念日放假办法 第二条 (that year's version).
2. **Blocks** (放假调休): each festival gets the block most of the last three earlier notices
   under the same law gave it when it fell on the same weekday. 元旦、清明、端午、中秋 share one
   rule (“放假调休或连休3天，如逢周三则只在当日放假”) and so share their history; 中秋 on
   29 September – 8 October joins 国庆; 劳动节 keeps the length of the latest notice (3 days
   until 2018, 5 since 2020). Without such a notice the principles of 国办发明电〔2024〕12号
   apply: three days with the weekend or only a Wednesday itself, 劳动节 five days, 春节 from
   除夕 to 初七 (初六 under the three-day laws), 国庆 10月1日至7日, eight days with 中秋.
3. **补假** (第六条): a statutory day on a weekend is made up inside its block; a block without
   a weekday left for it is lengthened.
4. **调休上班**: one makeup weekend day for each other weekday off. The chosen notice's own
   makeup days are reused where they fit; otherwise the nearest free weekend days are taken,
   alternating before and after the block; from 2025 no run of work may exceed six days
   (第七条: 法定节假日假期前后连续工作一般不超过6天).

Every projected day is ``status='projected'`` and results that touch one say so. Accuracy
against the real notices 2008–2026 is measured by ``benchmarks/backtest_calendar.py`` (each
year projected only from the notices before it). Lunar dates and 清明 come from ``lunar-python``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar

from gkdeadline.calendar.bounds import ordinary_history
from gkdeadline.calendar.holiday_law import coincident_days, festival_blocks, law_for, qingming
from gkdeadline.calendar.schedule import DECEMBER_REACH, DayEntry, YearSchedule

FIRST_PROJECTABLE_YEAR = 2008  # 清明、端午、中秋 are statutory from 2008
SOURCE = "预测，非国务院通知：《全国年节及纪念日放假办法》法定假日和补假，调休按往年通知的惯例"
VOTE = 3  # a block is the one most of the last three same-weekday notices had
MAX_RUN = 6  # 第七条 of the 2024 revision: 连续工作一般不超过6天
MAX_RUN_FROM = 2025
SEARCH_DAYS = 21  # how far from a block a makeup day is looked for
ONE_DAY = timedelta(days=1)

# Blocks by principle, as (first, last) offsets from the festival's anchor day, by the anchor's
# weekday (0 = Monday). Three days: Monday/Saturday/Sunday → Sat–Mon, Tuesday → Sun–Tue,
# Wednesday alone, Thursday/Friday → to Saturday/Sunday. Five days (劳动节 since 2020).
_THREE_DAYS = {0: (-2, 0), 1: (-2, 0), 2: (0, 0), 3: (0, 2), 4: (0, 2), 5: (0, 2), 6: (-1, 1)}
_FIVE_DAYS = {0: (-2, 2), 1: (-3, 1), 2: (0, 4), 3: (0, 4), 4: (0, 4), 5: (0, 4), 6: (-1, 3)}
_ONE_DAY_FESTIVALS = ("元旦", "清明节", "端午节", "中秋节")


@dataclass(frozen=True)
class _Group:
    """One festival's block in one year (国庆 and a nearby 中秋 form one group)."""

    name: str
    festivals: tuple[str, ...]  # the notice names whose makeup days belong to the group
    anchor: date
    statutory: frozenset[date]
    units: int  # statutory days the law gives (a coincident 中秋 still counts)
    key: tuple[object, ...]  # (kind, anchor weekday, statutory offsets): same key, same shape


@dataclass(frozen=True)
class _Shape:
    """A block and its makeup days in a real notice, as offsets from the anchor."""

    year: int
    anchor: date
    name: str
    key: tuple[object, ...]
    block: tuple[int, int]
    makeups: tuple[int, ...]

    @property
    def length(self) -> int:
        return self.block[1] - self.block[0] + 1


def _lunar(year: int, month: int, day: int) -> date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


@cache
def _groups(year: int) -> tuple[_Group, ...]:
    law = law_for(year)
    mid = _lunar(year, 8, 15)
    joined = law.traditional and date(year, 9, 29) <= mid <= date(year, 10, 8)
    anchors = {
        "元旦": date(year, 1, 1),
        "春节": _lunar(year, 1, 1),
        "清明节": qingming(year),
        "劳动节": date(year, 5, 1),
        "端午节": _lunar(year, 5, 5),
        "中秋节": mid,
        "国庆节": date(year, 10, 1),
    }
    out = []
    for festival, days in festival_blocks(year).items():
        if joined and festival == "中秋节":
            continue
        anchor = anchors[festival]
        statutory = set(days)
        festivals: tuple[str, ...] = (festival,)
        name, units = festival, len(days)
        if joined and festival == "国庆节":
            statutory.add(mid)
            name, units, festivals = "国庆节、中秋节", 4, ("国庆节", "中秋节")
        elif festival == "国庆节":
            units += coincident_days(year)
        offsets = tuple(sorted((d - anchor).days for d in statutory))
        kind = "一天" if name in _ONE_DAY_FESTIVALS else name
        out.append(
            _Group(
                name,
                festivals,
                anchor,
                frozenset(statutory),
                units,
                (kind, anchor.weekday(), offsets),
            )
        )
    return tuple(out)


def _shapes(history: Mapping[int, YearSchedule]) -> list[_Shape]:
    """Every block of every notice in ``history`` with its makeup days."""
    status = {e.day: e.off for s in history.values() for e in s.entries}

    def off(d: date) -> bool:
        return status.get(d, d.weekday() >= 5)

    out = []
    for year, s in history.items():
        if year < FIRST_PROJECTABLE_YEAR:
            continue
        for g in _groups(year):
            lo = hi = g.anchor
            while off(lo - ONE_DAY):
                lo -= ONE_DAY
            while off(hi + ONE_DAY):
                hi += ONE_DAY
            makeups = tuple(
                (e.day - g.anchor).days for e in s.entries if not e.off and e.name in g.festivals
            )
            block = ((lo - g.anchor).days, (hi - g.anchor).days)
            out.append(_Shape(year, g.anchor, g.name, g.key, block, makeups))
    return out


def _latest_labour_length(year: int, shapes: list[_Shape]) -> int:
    """The length of the latest 劳动节 block before ``year`` (0 without one)."""
    seen = [s for s in shapes if s.name == "劳动节" and s.year != year]
    earlier = [s for s in seen if s.year < year] or seen
    return max(earlier, key=lambda s: s.year).length if earlier else 0


def _choose(g: _Group, year: int, shapes: list[_Shape]) -> _Shape | None:
    """The block most of the last :data:`VOTE` notices with this key had (a tie goes to the
    nearest in time), or None when no notice has this key."""
    seen = sorted(
        (s for s in shapes if s.key == g.key and s.year != year),
        key=lambda s: (abs((s.anchor - g.anchor).days), -s.anchor.toordinal()),
    )
    if g.name == "劳动节":
        length = _latest_labour_length(year, shapes)
        seen = [s for s in seen if s.length == length]
    votes = Counter(s.block for s in seen[:VOTE])
    if not votes:
        return None
    top = max(votes.values())
    return next(s for s in seen if votes[s.block] == top)


def _fallback(g: _Group, year: int, shapes: list[_Shape]) -> tuple[int, int]:
    """The block by principle, as offsets from the anchor."""
    w = g.anchor.weekday()
    if g.name == "春节":
        return (-1, 6) if len(g.statutory) >= 4 else (-1, 5)  # 除夕 … 初七 / 初六
    if g.name == "劳动节":
        five = g.units >= 2 or _latest_labour_length(year, shapes) >= 4
        return _FIVE_DAYS[w] if five else _THREE_DAYS[w]
    if g.name == "国庆节":
        return (0, 6)
    if g.name == "国庆节、中秋节":
        start = min(0, *((d - g.anchor).days for d in g.statutory))
        return (start, start + 7)
    return _THREE_DAYS[w]


def _run(d: date, off: set[date], work: set[date]) -> int:
    """How many days in a row would be worked around ``d`` if ``d`` were a makeup day."""

    def works(x: date) -> bool:
        return x == d or x in work or (x.weekday() < 5 and x not in off)

    lo = hi = d
    while works(lo - ONE_DAY):
        lo -= ONE_DAY
    while works(hi + ONE_DAY):
        hi += ONE_DAY
    return (hi - lo).days + 1


def _project(year: int, history: Mapping[int, YearSchedule]) -> YearSchedule:
    """Project ``year`` from the notices in ``history`` (``year`` itself is ignored)."""
    if year < FIRST_PROJECTABLE_YEAR:
        raise ValueError(f"projection starts with {FIRST_PROJECTABLE_YEAR}; got {year}")
    first, last = date(year - 1, *DECEMBER_REACH), date(year, *DECEMBER_REACH) - ONE_DAY
    shapes = _shapes(history)
    groups = _groups(year)

    blocks: dict[str, list[date]] = {}
    learned: dict[str, tuple[int, ...]] = {}
    for g in groups:
        best = _choose(g, year, shapes)
        if best is not None:
            lo, hi = best.block
            learned[g.name] = best.makeups
        else:
            lo, hi = _fallback(g, year, shapes)
        offsets = [(d - g.anchor).days for d in g.statutory]
        lo, hi = min(lo, *offsets), max(hi, *offsets)
        block = [g.anchor + timedelta(days=k) for k in range(lo, hi + 1)]
        while sum(d.weekday() < 5 for d in block) < g.units:  # room for every 补假
            block.append(block[-1] + ONE_DAY)
        blocks[g.name] = [d for d in block if first <= d <= last]

    owner: dict[date, str] = {}  # a day two blocks claim stays with the earlier festival
    for name, block in blocks.items():
        for d in block:
            owner.setdefault(d, name)
    off = set(owner)
    work: set[date] = set()
    makeups: dict[str, list[date]] = {}

    def fits(d: date) -> bool:
        if d.weekday() < 5 or d in off or d in work or not first <= d <= last:
            return False
        return year < MAX_RUN_FROM or _run(d, off, work) <= MAX_RUN

    for g in groups:
        block = blocks[g.name]
        need = sum(d.weekday() < 5 for d in block) - g.units
        chosen = makeups.setdefault(g.name, [])
        candidates = [
            g.anchor + timedelta(days=k) for k in sorted(learned.get(g.name, ()), key=abs)
        ]
        while len(chosen) < need:
            pick = next((d for d in candidates if fits(d)), None)
            if pick is None:
                pick = _nearest(block[0], block[-1], chosen, fits)
            if pick is None:
                break
            chosen.append(pick)
            work.add(pick)

    entries = [DayEntry(d, name, True) for d, name in owner.items()]
    entries += [DayEntry(d, name, False) for name, days in makeups.items() for d in days]
    entries.sort(key=lambda e: e.day)
    return YearSchedule(year, tuple(entries), SOURCE, None, "projected")


def _nearest(lo: date, hi: date, chosen: list[date], fits: Callable[[date], bool]) -> date | None:
    """The next makeup day for the block ``lo … hi``: the side with fewer makeup days so far,
    the nearer one on a tie. Alternating reproduces more of the 2008–2026 notices than taking
    the nearest days (which often puts both on one weekend)."""
    b = next((d for k in range(1, SEARCH_DAYS) if fits(d := lo - timedelta(days=k))), None)
    if b is not None and b.weekday() == 6 and b + ONE_DAY == lo and fits(b - ONE_DAY):
        b -= ONE_DAY  # the Sunday before a Monday block stays off (2026: 2月14日上班)
    a = next((d for k in range(1, SEARCH_DAYS) if fits(d := hi + timedelta(days=k))), None)
    if a is None or b is None:
        return a or b
    n_before = sum(d < lo for d in chosen)
    before = (n_before, (lo - b).days) < (len(chosen) - n_before, (a - hi).days)
    return b if before else a


@cache
def project_year(year: int) -> YearSchedule:
    """``year`` projected from the built-in notices published before it, ``status='projected'``.

    For a year that has a notice this is what the projection said before the notice came out
    (so it can be backtested); the calendar only uses it for years without one.
    """
    return _project(year, {y: s for y, s in ordinary_history().items() if y < year})
