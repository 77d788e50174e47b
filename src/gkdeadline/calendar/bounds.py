"""Bounds on a year whose State Council holiday notice is not out yet.

Every December the notice for the next year *Y* is missing, so the days it decides —
``(Y-1)-12-29`` through ``Y-12-28`` (see ``DECEMBER_REACH``) — are unknown. Instead of failing,
a deadline can be given as an interval computed on two fillings of those days:

* :func:`earliest` — a **superset** of the working days of any plausible notice: only the
  statutory days and the weekends that cannot be makeup days are off; every weekend day that
  could be a makeup working day (调休上班) works.
* :func:`latest` — a **subset**: every weekend is off, no makeup days, and every weekday that
  could be a bridge day (调休放假) or a 补假 day is off.

Workday arithmetic is monotone in the set of working days, so any deadline (spans, extensions,
restarts) computed on ``earliest`` is ≤ the real one and on ``latest`` is ≥ it.

"Plausible" is made precise by windows around each festival's statutory days, derived from every
notice 2008–2026 (:func:`derive_windows`; ``tests/test_bounds.py`` re-derives them and checks
they are still the tightest windows that contain every year) and stated in Chinese by
:func:`assumptions`. A day is attributed to the festival whose statutory day is nearest; on a
tie, to the festival the notice names. Extraordinary State Council notices outside the yearly
one (:data:`EXTRAORDINARY`) are not part of the history: the 2015 V-Day holiday lies outside
every window and is excluded explicitly; the 2020 extension (国办发明电〔2020〕1号) happens to
fall inside the windows (its extra weekday, 2020-01-31, is 正月初七, which 2014, 2024, 2025 and
2026 also gave off), so the bounds hold for 2020 as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal

from gkdeadline.calendar.holiday_law import coincident_days, festival_blocks, law_for
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.schedule import DECEMBER_REACH, DayEntry, YearSchedule

if TYPE_CHECKING:  # calendar.py imports the projection, which imports this module
    from gkdeadline.calendar.calendar import Calendar

Bound = Literal["earliest", "latest"]

FIRST_BOUND_YEAR = 2008  # the windows are learned from the 2008–2026 notices (清明 etc. from 2008)
HISTORY = (2008, 2026)  # the notices the windows were derived from

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

# A window says where, around a festival's statutory days, a kind of day can fall: from
# ``near`` to ``far`` days before the first statutory day, or after the last. These are the
# tightest values that contain every notice 2008–2026; the comments name the days that set each
# limit ("near/far" before; after).
Range = tuple[int, int]  # (near, far), in days
Window = tuple[Range, Range]  # (before, after)

MAKEUP_WINDOWS: Mapping[str, Window] = {
    # 2011-12-31 / 2007-12-29, 2018-12-29; 2009, 2015, 2026-01-04 / 2013-01-06
    "元旦": ((1, 3), (3, 5)),
    # 2009-01-24, 2012-01-21 / 2017-01-22, 2020-01-19, 2024-02-04; 2016-02-14 / 2026-02-28
    "春节": ((1, 6), (4, 9)),
    # 2011-04-02 and three more / 2012-03-31; 2013-04-07, 2018-04-08, 2024-04-07
    "清明节": ((3, 4), (3, 3)),
    # 2012, 2013, 2018, 2019, 2024-04-28 / 2023-04-23; 2008-05-04, 2014-05-04 / 2024-05-11
    "劳动节": ((3, 8), (3, 10)),
    # 2017-05-27 and two more / 2010-06-12, 2013-06-08; 2009-05-31 and three more
    "端午节": ((3, 4), (3, 3)),
    # 2012-09-29 / 2026-09-20; 2010-09-25 and two more / 2025-10-11 (中秋 10月6日 that year)
    "中秋节": ((1, 5), (3, 5)),
    # 2017-09-30, 2018-09-30 / 2021-09-26; 2023-10-07 / 2013, 2019, 2024-10-12
    "国庆节": ((1, 5), (4, 9)),
}
DAY_OFF_WINDOWS: Mapping[str, Window] = {
    "元旦": ((1, 1), (1, 2)),  # 2007-12-31, 2018-12-31; 2011, 2012, 2013, 2022-01-03
    "春节": ((1, 1), (1, 4)),  # 除夕 when not statutory (2015–2022); 初六/初七, 2008 … 2026
    "清明节": ((1, 2), (1, 2)),  # 2012-04-02; 2009-04-06, 2014-04-07, 2020-04-06
    "劳动节": ((1, 2), (1, 4)),  # 2013-04-29; 2020-05-05, 2021-05-05
    "端午节": ((1, 2), (1, 2)),  # 2010-06-14, 2013-06-10; 2015-06-22, 2025-06-02
    "中秋节": ((1, 1), (1, 2)),  # 2021-09-20, 2024-09-16; 2010-09-24 and three more
    "国庆节": ((1, 2), (1, 4)),  # 2008-09-29; 10月7日 (8日 when 中秋 coincided: 2009, 2020)
}


@dataclass(frozen=True)
class Extraordinary:
    """An arrangement outside the yearly notice, by a separate State Council notice."""

    year: int  # the notice year whose days it changed
    notice: str
    quote: str
    off: tuple[date, ...]  # days it gave off
    work: tuple[date, ...] = ()  # makeup days it added
    cancelled_work: tuple[date, ...] = ()  # makeup days of the yearly notice it cancelled
    inside_bounds: bool = False  # do the bounds hold for the year as published anyway?


EXTRAORDINARY: tuple[Extraordinary, ...] = (
    Extraordinary(
        2015,
        "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知（国发明电〔2015〕1号）",
        "9月3日至5日调休放假，共3天。其中9月3日（星期四）放假，9月4日（星期五）调休，9月6日"
        "（星期日）上班",
        off=(date(2015, 9, 3), date(2015, 9, 4)),
        work=(date(2015, 9, 6),),
    ),
    Extraordinary(
        2020,
        "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
        "延长2020年春节假期至2月2日（农历正月初九，星期日），2月3日（星期一）起正常上班",
        off=(date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)),
        cancelled_work=(date(2020, 2, 1),),  # 国办发明电〔2019〕16号: 2月1日（星期六）上班
        inside_bounds=True,
    ),
)


def ordinary(schedule: YearSchedule) -> YearSchedule:
    """``schedule`` as the yearly notice alone arranged it (:data:`EXTRAORDINARY` undone)."""
    changes = [x for x in EXTRAORDINARY if x.year == schedule.year and schedule.region is None]
    if not changes:
        return schedule
    drop = {d for x in changes for d in (*x.off, *x.work)}
    # holiday-cn also marks the weekday work resumed (2020-02-03); it goes with the extra days
    resumed = {d + timedelta(days=1) for x in changes for d in x.off}
    entries = [
        e
        for e in schedule.entries
        if e.day not in drop and not (not e.off and e.day.weekday() < 5 and e.day in resumed)
    ]
    entries += [DayEntry(d, "春节", False) for x in changes for d in x.cancelled_work]
    return replace(schedule, entries=tuple(sorted(entries, key=lambda e: e.day)))


@cache
def ordinary_history() -> dict[int, YearSchedule]:
    """The built-in national schedules by year, each as its yearly notice arranged it."""
    return {s.year: ordinary(s) for s in official_schedules()}


# --------------------------------------------------------------------------- festival spans


def festival_spans(year: int) -> dict[str, tuple[date, date]]:
    """First and last statutory day of each festival of ``year``.

    When 中秋 falls on 1–3 October the notices give the lost day back at the end of the 国庆
    block (2009, 2020: 10月1日至8日), so the 国庆 span is lengthened by that many days.
    """
    spans = {name: (days[0], days[-1]) for name, days in festival_blocks(year).items()}
    extra = coincident_days(year)
    if extra and "国庆节" in spans:
        first, last = spans["国庆节"]
        spans["国庆节"] = (first, last + timedelta(days=extra))
    return spans


def _distance(d: date, span: tuple[date, date]) -> int:
    first, last = span
    return (first - d).days if d < first else max(0, (d - last).days)


def _festival_of(d: date, spans: Mapping[str, tuple[date, date]], named: str) -> str:
    """The festival whose statutory days are nearest to ``d`` (a tie goes to ``named``)."""
    best = min(_distance(d, s) for s in spans.values())
    tied = [f for f, s in spans.items() if _distance(d, s) == best]
    return named if named in tied else tied[0]


def _notice_days(year: int) -> tuple[date, date]:
    """The days the national notice for ``year`` decides."""
    return date(year - 1, *DECEMBER_REACH), date(year, *DECEMBER_REACH) - timedelta(days=1)


def _side(d: date, span: tuple[date, date]) -> tuple[int, int] | None:
    """``(0, days before the span)`` or ``(1, days after it)``; None inside the span."""
    first, last = span
    if d < first:
        return 0, (first - d).days
    if d > last:
        return 1, (d - last).days
    return None


def _in_window(
    d: date, spans: Mapping[str, tuple[date, date]], windows: Mapping[str, Window]
) -> bool:
    for name, span in spans.items():
        side = _side(d, span)
        if side is not None:
            near, far = windows[name][side[0]]
            if near <= side[1] <= far:
                return True
    return False


# --------------------------------------------------------------------------- the two fillings


def _check_year(year: int) -> None:
    if year < FIRST_BOUND_YEAR:
        raise ValueError(
            f"bounds are derived from the {HISTORY[0]}–{HISTORY[1]} notices; {year} is earlier"
        )


def _days(year: int) -> Iterable[date]:
    first, last = _notice_days(year)
    for k in range((last - first).days + 1):
        yield first + timedelta(days=k)


@cache
def earliest(year: int) -> YearSchedule:
    """The filling with the most working days any plausible notice for ``year`` could give."""
    _check_year(year)
    spans = festival_spans(year)
    names = {d: n for n, days in festival_blocks(year).items() for d in days}
    entries: list[DayEntry] = []
    for d in _days(year):
        if d in names:
            entries.append(DayEntry(d, names[d], True))
        elif d.weekday() >= 5 and _in_window(d, spans, MAKEUP_WINDOWS):
            entries.append(DayEntry(d, _festival_of(d, spans, ""), False))
    return YearSchedule(year, tuple(entries), _source(year, "earliest"), None, "projected")


@cache
def latest(year: int) -> YearSchedule:
    """The filling with the fewest working days any plausible notice for ``year`` could give."""
    _check_year(year)
    spans = festival_spans(year)
    names = {d: n for n, days in festival_blocks(year).items() for d in days}
    entries: list[DayEntry] = []
    for d in _days(year):
        if d in names:
            entries.append(DayEntry(d, names[d], True))
        elif d.weekday() < 5 and _in_window(d, spans, DAY_OFF_WINDOWS):
            entries.append(DayEntry(d, _festival_of(d, spans, ""), True))
    return YearSchedule(year, tuple(entries), _source(year, "latest"), None, "projected")


def bound_schedule(year: int, bound: Bound) -> YearSchedule:
    """:func:`earliest` or :func:`latest` by name."""
    if bound == "earliest":
        return earliest(year)
    if bound == "latest":
        return latest(year)
    raise ValueError(f"bound must be 'earliest' or 'latest', not {bound!r}")


def _source(year: int, bound: Bound) -> str:
    what = "下界（最早可能的届满日）" if bound == "earliest" else "上界（最晚可能的届满日）"
    return f"{year}年放假安排尚未发布，按{what}填充；{law_for(year).citation()}，非国务院通知"


def bounding_calendars(
    calendar: Calendar | None = None, through: int | None = None
) -> tuple[Calendar, Calendar]:
    """``(earliest, latest)`` calendars: ``calendar``'s published national schedules (built-in
    or loaded; projected years dropped) with every missing year up to ``through`` (default: the
    year after the last published one) filled by :func:`earliest` / :func:`latest`.

    A deadline computed on the first is ≤ the real one, on the second ≥ it. Both fillings are
    ``status='projected'``, so results that touch them are flagged like projected results.
    """
    from gkdeadline.calendar.calendar import Calendar

    base = calendar if calendar is not None else Calendar()
    published = [s for s in base.schedules() if s.region is None and s.status != "projected"]
    regional = [s for s in base.schedules() if s.region is not None]
    known = {s.year for s in published}
    last = max(known)
    upto = through if through is not None else last + 1
    missing = [y for y in range(max(FIRST_BOUND_YEAR, min(known)), upto + 1) if y not in known]
    out = []
    for fill in (earliest, latest):
        national = (*published, *(fill(y) for y in missing))
        out.append(Calendar(regional, region=base.region, national=national))
    return out[0], out[1]


# --------------------------------------------------------------------------- evidence


def derive_windows(
    schedules: Iterable[YearSchedule],
) -> tuple[dict[str, Window], dict[str, Window]]:
    """The tightest ``(MAKEUP_WINDOWS, DAY_OFF_WINDOWS)`` that contain these notices.

    Pass ordinary schedules (:func:`ordinary`); each makeup day and each non-statutory weekday
    off widens the window of the festival it is attributed to, just enough to contain it. A
    side no day ever fell on gets ``(0, 0)``.
    """
    found: tuple[dict[str, list[list[int]]], dict[str, list[list[int]]]] = (
        {f: [[], []] for f in FESTIVALS},
        {f: [[], []] for f in FESTIVALS},
    )
    for s in schedules:
        spans = festival_spans(s.year)
        statutory = {d for days in festival_blocks(s.year).values() for d in days}
        for e in s.entries:
            if e.off and (e.day.weekday() >= 5 or e.day in statutory):
                continue  # certainly off anyway
            name = _festival_of(e.day, spans, e.name)
            side = _side(e.day, spans[name])
            if side is None:  # a makeup day between two statutory days: no window holds it
                raise ValueError(f"{e} lies inside the statutory days of {name}")
            found[0 if not e.off else 1][name][side[0]].append(side[1])

    def tightest(days: dict[str, list[list[int]]]) -> dict[str, Window]:
        def span(xs: list[int]) -> Range:
            return (min(xs), max(xs)) if xs else (0, 0)

        return {f: (span(b), span(a)) for f, (b, a) in days.items()}

    return tightest(found[0]), tightest(found[1])


def violations(schedule: YearSchedule) -> list[str]:
    """Days of a real national schedule that fall outside ``[latest, earliest]`` (empty when the
    bounds contain it), each as ``"2015-09-03 off, outside latest"``."""
    year = schedule.year
    lo, hi = earliest(year), latest(year)
    lo_work = {e.day: not e.off for e in lo.entries}
    hi_work = {e.day: not e.off for e in hi.entries}
    real = {e.day: not e.off for e in schedule.entries}
    out = []
    for d in _days(year):
        weekday_work = d.weekday() < 5
        work = real.get(d, weekday_work)
        if work and not lo_work.get(d, weekday_work):
            out.append(f"{d.isoformat()} work, outside earliest")
        if not work and hi_work.get(d, weekday_work):
            out.append(f"{d.isoformat()} off, outside latest")
    return out


# --------------------------------------------------------------------------- the assumptions

_LAW_SIX = (
    "《全国年节及纪念日放假办法》第六条：“全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。”"
    "（2024年11月修订文本；2013年文本同为第六条，作“星期六、星期日”）"
)


def _windows_zh(windows: Mapping[str, Window]) -> str:
    def days(r: Range) -> str:
        near, far = r
        if far <= 1:
            return f"{far}天"
        if near == far:
            return f"第{near}天"
        return f"{far}天以内" if near <= 1 else f"第{near}至{far}天"

    return "，".join(f"{f}前{days(b)}、后{days(a)}" for f, (b, a) in windows.items())


def assumptions(bound: Bound) -> str:
    """The plausibility assumptions a bound rests on, in Chinese, with their basis."""
    years = f"{HISTORY[0]}–{HISTORY[1]}年全部国务院办公厅放假安排通知均如此"
    exclusion = (
        "不包括国务院临时增加的假日及相应调休，如2015年9月3日至5日中国人民抗日战争暨世界反法西斯"
        "战争胜利70周年纪念日调休放假（国发明电〔2015〕1号）。"
    )
    if bound == "earliest":
        return (
            "最早可能的届满日基于以下假设："
            "（一）法定假日必定放假：国务院年度通知只能在当年适用的《全国年节及纪念日放假办法》"
            "第二条规定的节日基础上调休，不能取消法定假日；"
            "（二）调休上班日只安排在周六、周日，且只在该节日法定假日之前或之后的下列天数内（某日按"
            f"距离最近的法定假日归属节日）：{_windows_zh(MAKEUP_WINDOWS)}（{years}）；"
            f"（三）{exclusion}"
            "计算时，上述范围内的每个周六、周日都按上班计，其余周六、周日和法定假日按休息计，"
            "其他周一至周五按上班计，因此得到的日期不会晚于通知发布后的实际届满日。"
        )
    if bound == "latest":
        return (
            "最晚可能的届满日基于以下假设："
            "（一）周六、周日一律按休息计，不计任何调休上班日（调休上班只会使期限提前）；"
            f"（二）法定假日放假，适逢周六、周日的在工作日补假（{_LAW_SIX}）；"
            "（三）调休放假和补假的工作日只安排在该节日法定假日之前或之后的下列天数内（某日按距离"
            f"最近的法定假日归属节日）：{_windows_zh(DAY_OFF_WINDOWS)}；中秋节与国庆节法定假日重合的年份，"
            f"国庆节之后再加重合的天数（如2009年、2020年放假至10月8日）（{years}；"
            "2020年春节延长至1月31日〔正月初七〕，国办发明电〔2020〕1号，也在此范围内）；"
            f"（四）{exclusion}"
            "计算时，上述范围内的周一至周五全部按休息计，因此得到的日期"
            "不会早于通知发布后的实际届满日。"
        )
    raise ValueError(f"bound must be 'earliest' or 'latest', not {bound!r}")
