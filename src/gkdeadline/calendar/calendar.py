"""The `Calendar`: which days a government office works, and arithmetic on them.

A calendar is an immutable value composed of national schedules (built in, or loaded from
files, which override the built-in year), an optional provisional projection for years without
a notice, and an optional regional overlay. Its workday index is computed once, on first use.

Counting conventions (see ``docs/concepts.md``):

* ``add_workdays(d, n)``, n > 0: the n-th working day strictly after ``d`` — ``d`` itself never
  counts, whether or not it is a working day; n < 0: the |n|-th working day strictly before;
  n = 0: ``d``.
* ``workdays_between(a, b)``: the working days in ``(a, b]``; negative when ``b < a``.
* A computation needs every day strictly after its start up to its result; if any of them is
  outside the known schedules it raises `CalendarCoverageError` naming the missing year.
* If any of them is projected, it emits `ProjectedCalendarWarning` — or, inside
  `collecting_projected`, records the days instead (how the case engine and the command
  line turn the warning into data without touching the process-wide warning filters).
"""

from __future__ import annotations

import bisect
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from numbers import Integral
from typing import TypeVar

from gkdeadline.calendar.index import WorkdayIndex
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.regions import bundled_schedules, region_key, region_name
from gkdeadline.calendar.schedule import DECEMBER_REACH, DayEntry, YearSchedule, weekday_zh
from gkdeadline.calendar.sources import configured_schedules, generation
from gkdeadline.errors import (
    CalendarCoverageError,
    InputError,
    ProjectedCalendarWarning,
    ScheduleError,
)
from gkdeadline.timeconv import beyond_dates, to_date

T = TypeVar("T")


PROJECTION_HORIZON = 5  # default: project this many years past the last known national year

# Shared by equal calendars (same region, projection and loaded schedules); oldest dropped first.
_CACHE_SIZE = 32
_LAST_ORDINAL = date.max.toordinal()  # 9999-12-31
_INDEXES: dict[tuple[object, ...], WorkdayIndex] = {}
_ENTRIES: dict[tuple[object, ...], dict[date, tuple[DayEntry, YearSchedule]]] = {}
_CALENDARS: dict[tuple[object, ...], Calendar] = {}

# Where projected-day use is recorded instead of warned about (per thread and asyncio task).
_PROJECTED_SINK: ContextVar[list[tuple[date, date]] | None] = ContextVar(
    "gkdeadline_projected_sink", default=None
)


@contextmanager
def collecting_projected() -> Iterator[list[tuple[date, date]]]:
    """Inside this block, record ``(first, last)`` of projected days a result relied on.

    No `ProjectedCalendarWarning` is emitted for them; the caller reports the list as data
    (``CaseResult.projected``, the CLI's ``projected`` field). Safe across threads and tasks.
    """
    sink: list[tuple[date, date]] = []
    token = _PROJECTED_SINK.set(sink)
    try:
        yield sink
    finally:
        _PROJECTED_SINK.reset(token)


_SHARED_LOCK = threading.Lock()


def _shared(
    store: dict[tuple[object, ...], T], key: tuple[object, ...], build: Callable[[], T]
) -> T:
    """``store[key]``, built on first use; the oldest entry goes when the store is full.

    Built outside the lock (two threads may both build an equal index, harmless); inserting and
    evicting happen under it, so threads of a web server never see a half-updated store.
    """
    found = store.get(key)
    if found is None:
        built = build()
        with _SHARED_LOCK:
            found = store.get(key)
            if found is None:
                while len(store) >= _CACHE_SIZE:
                    store.pop(next(iter(store)))
                store[key] = found = built
    return found


def shared_calendar(
    region: str | None = None, schedules: tuple[YearSchedule, ...] = (), projection: bool = False
) -> Calendar:
    """``Calendar(schedules, region=region)`` (projected if asked), one object for equal
    arguments: a calendar is immutable, and a case system that makes a `Case` for every request
    should not rebuild the same one each time. Rebuilt after the schedule folder is read again
    (`gkdeadline.calendar.sources.reload_schedules`) or its environment variable changes."""
    configured_schedules()  # reads the folder on first use or after a change (a new generation)
    key = (generation(), region, schedules, projection)
    try:
        found = _CALENDARS.get(key)  # (every `Case` asks: the usual answer, without a closure)
    except TypeError:  # a schedule made with unhashable parts: build it, do not share it
        return _build_calendar(region, schedules, projection)
    if found is not None:
        return found
    return _shared(_CALENDARS, key, lambda: _build_calendar(region, schedules, projection))


def _build_calendar(
    region: str | None, schedules: tuple[YearSchedule, ...], projection: bool
) -> Calendar:
    cal = Calendar(schedules, region=region)
    return cal.with_projection() if projection else cal


def as_date(value: object, what: str = "date") -> date:
    """A date from a ``date``, an ISO ``YYYY-MM-DD`` string, a ``datetime`` (its Beijing date),
    a ``pandas.Timestamp`` or a ``numpy.datetime64`` — `gkdeadline.timeconv.to_date`, the
    one conversion every path uses."""
    if type(value) is date:
        return value
    return to_date(value, what)


def as_int(value: object, what: str = "n") -> int:
    if type(value) is int:
        return value
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    raise InputError(
        f"{what} {value!r} 不是整数天数",
        code="input-invalid",
        message_en=f"{what} {value!r} is not a whole number of days",
        field=what,
        value=repr(value),
    )


@dataclass(frozen=True)
class YearCoverage:
    """What a calendar knows about one year, for ``Calendar.coverage()``."""

    year: int
    national: str  # "official" | "loaded" | "projected"
    national_source: str
    regional: str | None  # None when the calendar has no region
    regional_source: str | None


def _check_overrides(loaded: Iterable[YearSchedule], base: Iterable[YearSchedule]) -> None:
    """A loaded national schedule for a year the built-in data covers must agree with it,
    unless it says ``override`` (never silently replace a State Council notice)."""
    official = {s.year: s for s in base if s.status == "official"}
    for s in loaded:
        if s.region is not None or s.override or s.year not in official:
            continue
        # compare what the days are (a weekend listed as 放假 or left out is the same day off)
        mine = {e.day: e.off for e in s.entries}
        theirs = {e.day: e.off for e in official[s.year].entries}

        def off(table: dict[date, bool], d: date) -> bool:
            return table.get(d, d.weekday() >= 5)

        differ = sorted(d for d in mine.keys() | theirs.keys() if off(mine, d) != off(theirs, d))
        if differ:
            day = differ[0]
            raise ScheduleError(
                f"安排 {s.label()} 与内置的国务院 {s.year} 年安排不一致（如 {day.isoformat()}）；"
                "内置安排来自国务院通知。确需替换的，请在文件中写 override = true（或 load_schedule("
                "path, override=True)），此后用到它的结果都会注明",
                code="schedule-conflicts-official",
                message_en=(
                    f"schedule {s.label()} disagrees with the built-in State Council schedule for"
                    f" {s.year} (e.g. {day.isoformat()}); to replace it anyway, say override = true"
                ),
                field="year",
                value=s.year,
            )


class Calendar:
    """A working-day calendar. ``Calendar()`` is the built-in national calendar.

    A calendar is immutable; `with_schedules` and `with_projection` return new ones. Equal
    calendars share one precomputed workday index.

    Example:
        >>> from datetime import date
        >>> Calendar().add_workdays(date(2026, 10, 9), 1)   # a makeup Saturday
        datetime.date(2026, 10, 10)

    Args:
        schedules: Year schedules to load (`load_schedule`): national ones replace the built-in
            year (a built-in State Council year only with ``override``), regional ones add to
            this calendar's region.
        region: A regional calendar: ``ningxia``, ``xinjiang``, ``xizang``, ``guangxi`` (or
            宁夏, 新疆 …): the national calendar plus the region's own holidays.
        projection_through: Project years without a notice up to this year (prefer
            `with_projection`); results relying on them are flagged.
        national: Replace the built-in national schedules as the base (used by the year-end
            bounds); ``schedules`` still apply on top.
        configured: Also load the schedule folder (``GKDEADLINE_SCHEDULES``,
            `gkdeadline.calendar.sources`); default True.
    """

    def __init__(
        self,
        schedules: Iterable[YearSchedule] = (),
        *,
        region: str | None = None,
        projection_through: int | None = None,
        national: Iterable[YearSchedule] | None = None,
        configured: bool = True,
    ) -> None:
        self._region = region_key(region) if region is not None else None
        if configured:  # the deployment's own schedule folder (gkdeadline.calendar.sources)
            mine = [  # national files, and regional files of this calendar's region only
                s
                for s in configured_schedules()
                if s.region is None
                or (self._region is not None and region_key(s.region) == self._region)
            ]
            schedules = (*mine, *schedules)
        # ``national`` replaces the built-in schedules as the base (years withheld or filled,
        # e.g. by the bounds of gkdeadline.calendar.bounds); ``schedules`` still override it.
        self._base = None if national is None else tuple(national)
        for s in self._base or ():
            if s.region is not None:
                raise InputError(
                    f"安排 {s.label()} 是地区安排；national= 只接受全国安排",
                    code="input-invalid",
                    message_en=f"schedule {s.label()} is regional; national= takes national ones",
                    field="national",
                )
        base = official_schedules() if self._base is None else self._base
        by_year: dict[int, YearSchedule] = {s.year: s for s in base}
        regional: dict[int, YearSchedule] = (
            {s.year: s for s in bundled_schedules(self._region)} if self._region else {}
        )
        for s in schedules:
            if s.region is None:
                by_year[s.year] = s
            elif self._region is None:
                raise InputError(
                    f"安排 {s.label()} 是地区安排（{s.region}）；请用 Calendar(region={s.region!r})"
                    " 使用它",
                    code="input-invalid",
                    message_en=f"schedule {s.label()} is regional ({s.region}); use"
                    f" Calendar(region={s.region!r}) to apply it",
                    field="schedules",
                )
            elif region_key(s.region) != self._region:  # a file may say 宁夏 or Ningxia
                raise InputError(
                    f"安排 {s.label()} 属于地区 {s.region!r}，不是这个日历的地区 {self._region!r}",
                    code="input-invalid",
                    message_en=f"schedule {s.label()} is for region {s.region!r}, not for this"
                    f" calendar's region {self._region!r}",
                    field="schedules",
                )
            else:
                regional[s.year] = replace(s, region=self._region)
        self._loaded = tuple(schedules)
        _check_overrides(self._loaded, base)
        self._projection_through = projection_through
        if projection_through is not None:
            from gkdeadline.calendar.projection import FIRST_PROJECTABLE_YEAR, project_year

            for y in range(FIRST_PROJECTABLE_YEAR, projection_through + 1):
                if y not in by_year:
                    by_year[y] = project_year(y)
        self._national = dict(sorted(by_year.items()))
        self._regional = dict(sorted(regional.items()))

    # ------------------------------------------------------------------ composition

    @property
    def region(self) -> str | None:
        return self._region

    @property
    def projection_through(self) -> int | None:
        return self._projection_through

    def with_schedules(self, *schedules: YearSchedule) -> Calendar:
        """A new calendar with these schedules loaded (each replaces the built-in year)."""
        return Calendar(
            (*self._loaded, *schedules),
            region=self._region,
            projection_through=self._projection_through,
            national=self._base,
            configured=False,
        )

    def with_projection(self, through: int | None = None) -> Calendar:
        """A new calendar that projects every unscheduled year up to ``through``.

        Default: five years past the last year with a published national schedule.
        """
        last = max(y for y, s in self._national.items() if s.status != "projected")
        return Calendar(
            self._loaded,
            region=self._region,
            projection_through=through if through is not None else last + PROJECTION_HORIZON,
            national=self._base,
            configured=False,
        )

    def with_region(self, region: str | None) -> Calendar:
        """The same national data with a regional overlay (``"ningxia"``, ``"宁夏"``, …)."""
        return Calendar(
            self._loaded,
            region=region,
            projection_through=self._projection_through,
            national=self._base,
            configured=False,
        )

    def overrides(self) -> tuple[YearSchedule, ...]:
        """Loaded schedules that replace a built-in State Council year on purpose."""
        return self._overrides

    @cached_property
    def _overrides(self) -> tuple[YearSchedule, ...]:  # every case result asks
        return tuple(s for s in self.schedules() if s.override)

    def schedules(self) -> tuple[YearSchedule, ...]:
        """The schedules in effect: national by year, then regional by year."""
        return (*self._national.values(), *self._regional.values())

    def coverage(self) -> list[YearCoverage]:
        """Year by year, where this calendar's data comes from."""
        out = []
        for y, s in self._national.items():
            r = self._regional.get(y)
            out.append(
                YearCoverage(
                    y,
                    s.status,
                    s.source,
                    (r.status if r else "missing") if self._region else None,
                    r.source if r else None,
                )
            )
        return out

    def __repr__(self) -> str:
        years = list(self._national)
        parts = [f"national {years[0]}–{years[-1]}" if years else "empty"]
        if self._region:
            parts.append(f"region={self._region} {sorted(self._regional)}")
        if self._projection_through:
            parts.append(f"projection through {self._projection_through}")
        return f"<Calendar {'; '.join(parts)}>"

    # ------------------------------------------------------------------ the index

    @property
    def _key(self) -> tuple[object, ...]:
        """Everything a calendar is made of; equal keys mean equal calendars."""
        return (self._region, self._projection_through, self._loaded, self._base)

    @cached_property
    def _index(self) -> WorkdayIndex:
        # Built once per distinct calendar, not per Calendar object: a case system makes a
        # Calendar for every case, and all of them are usually the same.
        return _shared(_INDEXES, self._key, self._build_index)

    def _build_index(self) -> WorkdayIndex:
        years = list(self._national)
        first = date(years[0], 1, 1)
        last = date(years[-1], 12, 31)
        base = first.toordinal()
        n = last.toordinal() - base + 1
        national = set(years)
        proj_years = {y for y, s in self._national.items() if s.status == "projected"}
        regional = set(self._regional) if self._region is not None else None
        work: list[bool] = []
        known: list[bool] = []
        projected: list[bool] = []
        for y in range(years[0], years[-1] + 1):  # pure Python (~10 ms): no numpy to start
            reach = date(y, *DECEMBER_REACH).toordinal()
            for o in range(date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal() + 1):
                late_dec = o >= reach  # 29–31 December belong to the next year's notice
                k = y in national and (not late_dec or y + 1 in national)
                if regional is not None and y not in regional:
                    k = False
                work.append((o - 1) % 7 < 5)  # date.fromordinal(1) is a Monday
                known.append(k)
                projected.append(y in proj_years or (late_dec and y + 1 in proj_years))
        for s in self.schedules():
            for e in s.entries:
                i = e.day.toordinal() - base
                if 0 <= i < n:
                    work[i] = not e.off
        # Trim unknown days at the end so a contiguous calendar has no gaps to check.
        end = n
        while end > 0 and not known[end - 1]:
            end -= 1
        return WorkdayIndex.build(first, work[:end], known[:end], projected[:end])

    @cached_property
    def _entries(self) -> dict[date, tuple[DayEntry, YearSchedule]]:
        """Every day a schedule names, in date order (later schedules win, as in the index)."""

        def build() -> dict[date, tuple[DayEntry, YearSchedule]]:
            found = {e.day: (e, s) for s in self.schedules() for e in s.entries}
            return dict(sorted(found.items()))

        return _shared(_ENTRIES, self._key, build)

    @cached_property
    def _entry_days(self) -> list[date]:
        return list(self._entries)

    @property
    def index(self) -> WorkdayIndex:
        """The precomputed index (for the batch path and diagnostics)."""
        return self._index

    def first_day(self) -> date:
        return date.fromordinal(self._index.first_ordinal)

    def last_day(self) -> date:
        ix = self._index
        return date.fromordinal(ix.first_ordinal + ix.n_days - 1)

    # ------------------------------------------------------------------ errors and warnings

    def coverage_error(self, i: int) -> CalendarCoverageError:
        """The error for day index ``i`` (relative to the index's first day) being unknown.

        Raises `InputError` (``date-out-of-range``) if that day is before 0001-01-01 or after
        9999-12-31: no schedule can be loaded for it."""
        ordinal = self._index.first_ordinal + i
        if not 1 <= ordinal <= _LAST_ORDINAL:
            raise beyond_dates(None, ordinal > _LAST_ORDINAL)
        return self.coverage_error_for(date.fromordinal(ordinal))

    def coverage_error_for(self, d: date) -> CalendarCoverageError:
        y = d.year
        if y not in self._national:
            return CalendarCoverageError(d, y)
        if (d.month, d.day) >= DECEMBER_REACH and y + 1 not in self._national:
            return CalendarCoverageError(
                d,
                y + 1,
                detail=(
                    f"（国务院 {y + 1} 年的通知安排元旦假期，可能调整 {y}-12-29 至 {y}-12-31，"
                    "2008 年和 2019 年的通知都这样做过）"
                ),
            )
        if self._region is not None and y not in self._regional:
            return CalendarCoverageError(d, y, self._region, region_name(self._region))
        return CalendarCoverageError(d, y)

    def _warn_projected(self, lo: date, hi: date) -> None:
        sink = _PROJECTED_SINK.get()
        if sink is not None:
            sink.append((lo, hi))
            return
        warnings.warn(
            ProjectedCalendarWarning(
                f"结果用到了 {lo.isoformat()} 至 {hi.isoformat()} 之间的推测日期：国务院办公厅的"
                "通知尚未发布，正式安排可能不同（调休、补假是按往年通知推测的）"
                f"（the result depends on provisionally projected days between {lo.isoformat()}"
                f" and {hi.isoformat()}: no State Council notice covers them yet）"
            ),
            stacklevel=3,
        )

    # ------------------------------------------------------------------ arithmetic (scalar)

    def is_workday(self, d: date | str) -> bool:
        """Is ``d`` a working day for a government office on this calendar?"""
        d = as_date(d)
        ix = self._index
        i = d.toordinal() - ix.first_ordinal
        if not 0 <= i < ix.n_days or not ix.known_list[i]:
            raise self.coverage_error_for(d)
        if ix.projected_cum_list[i + 1] != ix.projected_cum_list[i]:
            self._warn_projected(d, d)
        return ix.work_list[i]

    def add_workdays(self, d: date | str, n: int) -> date:
        """The n-th working day strictly after ``d`` (n < 0: strictly before; n = 0: ``d``)."""
        if type(d) is not date:
            d = as_date(d)
        if type(n) is not int:
            n = as_int(n)
        if n == 0:
            return d
        ix = self._index
        i = d.toordinal() - ix.first_ordinal
        if n > 0:
            if i < -1 or i >= ix.n_days:
                raise self.coverage_error(i + 1)
            k = ix.cum_list[i + 1] + n - 1
            if k >= len(ix.ords_list):
                raise self.coverage_error(ix.first_unknown_after(i))
            j = ix.ords_list[k]
            unk, proj = ix.unknown_cum_list, ix.projected_cum_list
            if unk[j + 1] != unk[i + 1]:
                raise self.coverage_error(ix.first_unknown_after(i))
            if proj[j + 1] != proj[i + 1]:
                self._warn_projected(d, ix.work_dates[k])
            return ix.work_dates[k]
        if i < 0 or i > ix.n_days:
            raise self.coverage_error(i - 1)
        k = ix.cum_list[i] + n
        if k < 0:
            raise self.coverage_error(ix.last_unknown_before(i))
        j = ix.ords_list[k]
        unk, proj = ix.unknown_cum_list, ix.projected_cum_list
        if unk[i] != unk[j]:
            raise self.coverage_error(ix.last_unknown_before(i))
        if proj[i] != proj[j]:
            self._warn_projected(ix.work_dates[k], d)
        return ix.work_dates[k]

    def workdays_between(self, a: date | str, b: date | str) -> int:
        """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
        a, b = as_date(a, "a"), as_date(b, "b")
        ix = self._index
        ia = a.toordinal() - ix.first_ordinal
        ib = b.toordinal() - ix.first_ordinal
        if ia == ib:
            return 0
        lo, hi, sign = (ia, ib, 1) if ia < ib else (ib, ia, -1)
        if lo < -1:
            raise self.coverage_error(lo + 1)
        unk = ix.unknown_cum_list
        if hi >= ix.n_days or unk[hi + 1] != unk[lo + 1]:
            raise self.coverage_error(ix.first_unknown_after(lo))
        proj = ix.projected_cum_list
        if proj[hi + 1] != proj[lo + 1]:
            self._warn_projected(min(a, b), max(a, b))
        return sign * (ix.cum_list[hi + 1] - ix.cum_list[lo + 1])

    def next_workday(self, d: date | str) -> date:
        """The first working day strictly after ``d``."""
        return self.add_workdays(d, 1)

    def previous_workday(self, d: date | str) -> date:
        """The last working day strictly before ``d``."""
        return self.add_workdays(d, -1)

    def roll_forward(self, d: date | str) -> date:
        """``d`` if it is a working day, else the next working day (期间届满日顺延)."""
        d = as_date(d)
        return d if self.is_workday(d) else self.add_workdays(d, 1)

    def roll_backward(self, d: date | str) -> date:
        """``d`` if it is a working day, else the previous working day."""
        d = as_date(d)
        return d if self.is_workday(d) else self.add_workdays(d, -1)

    # ------------------------------------------------------------------ explanations

    def uses_projection(self, a: date, b: date) -> bool:
        """Does any day in ``(min, max]`` of ``a``, ``b`` come from the projection?"""
        ix = self._index
        lo = min(a, b).toordinal() - ix.first_ordinal
        hi = max(a, b).toordinal() - ix.first_ordinal
        lo, hi = max(lo, -1), min(hi, ix.n_days - 1)
        if hi <= lo:
            return False
        return ix.projected_cum_list[hi + 1] != ix.projected_cum_list[lo + 1]

    def describe_day(self, d: date) -> str:
        """``2026-10-10（星期六，调休上班：国庆节）`` — what kind of day ``d`` is, in Chinese."""
        found = self._entries.get(d)
        wd = weekday_zh(d)
        if found is None:
            return f"{d.isoformat()}（{wd}）"
        e, s = found
        kind = "放假" if e.off else "调休上班"
        tag = "，预测" if s.status == "projected" else ""
        where = f"，{region_name(s.region)}" if s.region else ""
        return f"{d.isoformat()}（{wd}，{e.name}{kind}{where}{tag}）"

    def special_days(self, a: date, b: date) -> list[str]:
        """The holidays and makeup days in ``(a, b]``, runs grouped, in Chinese.

        ``["2026-10-01 至 2026-10-07 国庆节放假（7 天）", "2026-10-10（星期六）国庆节调休上班"]``
        """
        lo, hi = min(a, b), max(a, b)
        keys = self._entry_days
        days = keys[bisect.bisect_right(keys, lo) : bisect.bisect_right(keys, hi)]
        runs: list[list[date]] = []
        for d in days:
            e = self._entries[d][0]
            if runs:
                prev = runs[-1][-1]
                pe = self._entries[prev][0]
                if (d - prev).days == 1 and pe.off == e.off and pe.name == e.name:
                    runs[-1].append(d)
                    continue
            runs.append([d])
        out = []
        for run in runs:
            e, s = self._entries[run[0]]
            kind = "放假" if e.off else "调休上班"
            where = f"（{region_name(s.region)}）" if s.region else ""
            tag = "（预测）" if s.status == "projected" else ""
            if len(run) == 1:
                d = run[0]
                out.append(f"{d.isoformat()}（{weekday_zh(d)}）{e.name}{kind}{where}{tag}")
            else:
                span = f"{run[0].isoformat()} 至 {run[-1].isoformat()}"
                out.append(f"{span} {e.name}{kind}{where}（{len(run)} 天）{tag}")
        return out

    # ------------------------------------------------------------------ bounds

    def bounds(self) -> tuple[Calendar, Calendar | None] | None:
        """Calendars bounding the days whose schedule is not yet published, from both sides.

        ``(earliest, latest)``: deadlines computed on the first are never later, on the second
        never earlier, than they will be once the notice is out (`gkdeadline.calendar.bounds`
        states the assumptions). For a regional calendar missing a regional year, the earliest
        calendar assumes no regional holiday in it and there is no latest calendar (``None``):
        the regional government's days cannot be bounded from the law.
        """
        return self._bounds

    @cached_property
    def _bounds(self) -> tuple[Calendar, Calendar | None] | None:
        from gkdeadline.calendar.bounds import FIRST_BOUND_YEAR, bounding_calendars

        years = [y for y, s in self._national.items() if s.status != "projected"]
        if not years or max(years) < FIRST_BOUND_YEAR:
            return None
        early, late = bounding_calendars(self, through=max(years) + 3)
        if self._region is None:
            return early, late
        known = set(self._regional)
        missing = [
            YearSchedule(
                y, (), "无自治区安排（最早界限：假设不放民族节日）", self._region, "projected"
            )
            for y in range(min(years), max(years) + 4)
            if y not in known
        ]
        if not missing:
            return early, late
        return Calendar(
            (*[s for s in self._loaded if s.region is not None], *missing),
            region=self._region,
            national=[s for s in early.schedules() if s.region is None],
        ), None

    def bounds_assumptions(self) -> list[str]:
        """The assumptions `bounds` rests on, in Chinese, with their basis."""
        from gkdeadline.calendar.bounds import assumptions

        return [assumptions("earliest"), assumptions("latest")]
