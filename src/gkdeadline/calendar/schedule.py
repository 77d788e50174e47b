"""One year's holiday schedule, as published in a notice, and the files it is read from.

A :class:`YearSchedule` is what one notice says: the days off (放假, including weekend days
inside a holiday block) and the makeup working days (调休上班) of one year. The State Council's
notice for year *Y* also arranges the 元旦 block, which can start on 29 December of *Y*−1
(2007-12-29, 2018-12-29 were set by the 2008 and 2019 notices), so a national schedule for *Y*
may list dates from ``Y-1-12-29`` on. A regional schedule (宁夏, 新疆, …) lists only the days the
regional government adds, inside its own year.

Two file formats are read:

* the JSON of the holiday-cn dataset::

      {"year": 2026, "papers": ["https://www.gov.cn/…"],
       "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}, …]}

* gkdeadline's TOML (see ``docs/schedules.md``)::

      year = 2027
      notice = "国办发明电〔2026〕NN号"
      # region = "ningxia"          # absent: the national schedule
      [[holiday]]
      name = "春节"
      off = ["2027-02-05..2027-02-12"]   # inclusive ranges or single dates
      work = ["2027-02-14"]              # 调休上班
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from gkdeadline.errors import ScheduleError, validation_reason
from gkdeadline.userfiles import loads_toml, read_utf8

# The first day of year Y-1 that the State Council's notice for year Y may rearrange.
DECEMBER_REACH = (12, 29)

Status = Literal["official", "loaded", "projected"]

# A schedule file larger than this is refused (a year's notice is a few kilobytes; documented)
MAX_SCHEDULE_BYTES = 1_000_000

_WEEKDAY_ZH = "一二三四五六日"


def weekday_zh(d: date) -> str:
    """``星期一`` … ``星期日`` for a date."""
    return "星期" + _WEEKDAY_ZH[d.weekday()]


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One day a notice names: ``off`` True for a day off, False for a makeup working day."""

    day: date
    name: str
    off: bool


@dataclass(frozen=True)
class YearSchedule:
    """What one notice (or projection) says about one year.

    ``region`` is None for the national (State Council) schedule, else a region key such as
    ``"ningxia"``. ``source`` cites the notice or names the file; ``status`` records whether the
    data is built in (``official``), loaded by the user (``loaded``) or ``projected``.
    """

    year: int
    entries: tuple[DayEntry, ...]
    source: str
    region: str | None = None
    status: Status = "official"
    papers: tuple[str, ...] = field(default=())
    override: bool = False  # replaces a built-in State Council year on purpose

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def first_day(self) -> date:
        """The first day this schedule can speak for."""
        if self.region is None:
            return date(self.year - 1, *DECEMBER_REACH)
        return date(self.year, 1, 1)

    def label(self) -> str:
        where = "全国" if self.region is None else self.region
        return f"{where} {self.year} ({self.status}: {self.source})"


def _validate(s: YearSchedule) -> None:
    if not 1949 < s.year < 2200:
        raise ScheduleError(
            f"安排的年份 {s.year} 不可信（应在 1950～2199 之间）；请检查 year 字段",
            message_en=f"schedule year {s.year} is not a plausible year; check the 'year' field",
            field="year",
            value=s.year,
        )
    last = date(s.year, 12, 31)
    seen: dict[date, DayEntry] = {}
    offs = {e.day for e in s.entries if e.off}
    for e in s.entries:
        where = f"{s.source} 中的 {e.name!r} {e.day.isoformat()}（{weekday_zh(e.day)}）"
        where_en = f"entry {e.name!r} {e.day.isoformat()} in {s.source}"
        if not s.first_day <= e.day <= last:
            reach, reach_en = "", ""
            if s.region is None:
                reach = f"（全国安排还可以安排 {s.first_day.isoformat()} 至 {s.year - 1}-12-31）"
                reach_en = (
                    f" (a national schedule for {s.year} may also arrange"
                    f" {s.first_day.isoformat()} … {s.year - 1}-12-31)"
                )
            raise ScheduleError(
                f"{where}：日期不在 {s.year} 年之内{reach}",
                message_en=f"{where_en}: the date is outside year {s.year}{reach_en}",
                field="date",
                value=e.day.isoformat(),
            )
        if e.day in seen:
            raise ScheduleError(
                f"{where}：这一天列了两次（另一处为 {seen[e.day].name!r}）；每个日期只列一次",
                message_en=f"{where_en}: the date is listed twice (also as"
                f" {seen[e.day].name!r}); list each date once",
                field="date",
                value=e.day.isoformat(),
            )
        seen[e.day] = e
        # A makeup working day on Monday-Friday changes nothing and usually means a mistyped
        # date. The one meaningful use is marking the day work resumes right after a block of
        # days off, as holiday-cn does for 2020-02-03 after the 2020 extension
        # (国办发明电〔2020〕1号).
        if not e.off and e.day.weekday() < 5 and e.day - timedelta(days=1) not in offs:
            raise ScheduleError(
                f"{where}：调休上班日只会是星期六或星期日，工作日上班无须列出；请检查日期",
                message_en=f"{where_en}: a makeup working day (调休上班) on a weekday is"
                " meaningless; makeup working days fall on Saturdays or Sundays — check the date",
                field="date",
                value=e.day.isoformat(),
            )


# --------------------------------------------------------------------------- file formats


def _expand(item: str | date) -> list[date]:
    """A date, an ISO string, or an inclusive range ``"A..B"`` → the dates it names."""
    if isinstance(item, date):
        return [item]
    text = item.strip()
    try:
        if ".." in text:
            a_text, b_text = text.split("..", 1)
            a, b = date.fromisoformat(a_text.strip()), date.fromisoformat(b_text.strip())
            if b < a:
                raise ValueError(f"range {item!r} ends before it starts")
            if (b - a).days > 31:
                raise ValueError(f"range {item!r} is longer than a month; is it a typo?")
            return [a + timedelta(days=k) for k in range((b - a).days + 1)]
        if len(text) != 10:
            raise ValueError("not YYYY-MM-DD")
        return [date.fromisoformat(text)]
    except ValueError as exc:
        raise ValueError(
            f"{item!r} is not a date (YYYY-MM-DD) or range (YYYY-MM-DD..YYYY-MM-DD): {exc}"
        ) from None


def _pydantic_message(exc: Any, source: str) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    zh, _en = validation_reason(first)
    if not loc:  # the document as a whole (not JSON at all): its text is not worth quoting
        return f"{source}：{zh}"
    return f"{source}：字段 {loc!r}：{zh}（值为 {first.get('input')!r}）"


def _check_size(text: str, source: str) -> None:
    if len(text) > MAX_SCHEDULE_BYTES:
        raise ScheduleError(
            f"{source}：放假安排文件有 {len(text):,} 个字符，超过上限 {MAX_SCHEDULE_BYTES:,}（一年的"
            f"安排只有几千字节）/ {source}: the schedule file has {len(text):,} characters, more"
            f" than the limit {MAX_SCHEDULE_BYTES:,}",
            message_en=(
                f"{source}: the schedule file has {len(text):,} characters, more than the limit"
                f" {MAX_SCHEDULE_BYTES:,} (a year's schedule is a few kilobytes)"
            ),
            field="path",
            value=source,
        )


def parse_holiday_cn(
    text: str, source: str, region: str | None = None, override: bool = False
) -> YearSchedule:
    """Parse holiday-cn JSON text into a schedule (``status='loaded'``)."""
    from pydantic import ValidationError

    _check_size(text, source)

    from gkdeadline.calendar.schedule_files import HolidayCnFile

    try:
        raw = HolidayCnFile.model_validate_json(text)
    except ValidationError as exc:
        raise ScheduleError(_pydantic_message(exc, source)) from None
    if not raw.days and region is None:
        raise ScheduleError(
            f"{source}：{raw.year} 年的安排没有列出任何日期（国务院通知发布之前 holiday-cn 的文件是"
            "空的），未载入；请等通知发布，或使用预测（--projection）",
            message_en=f"{source}: the schedule for {raw.year} lists no days. holiday-cn publishes"
            " an empty file until the State Council notice is out, so nothing was loaded; wait for"
            " the notice or use the provisional projection",
            field="days",
        )
    entries = tuple(DayEntry(d.date, d.name, d.isOffDay) for d in raw.days)
    papers = tuple(raw.papers)
    cite = papers[0] if papers else source
    return YearSchedule(raw.year, entries, cite, region, "loaded", papers, override)


def parse_toml(
    text: str,
    source: str,
    region: str | None = None,
    status: Status = "loaded",
    override: bool = False,
) -> YearSchedule:
    """Parse gkdeadline's TOML schedule format (``status='loaded'`` unless built in)."""
    _check_size(text, source)
    data = loads_toml(
        text, lambda zh, en: ScheduleError(f"{source}：{zh}", message_en=f"{source}: {en}")
    )
    from pydantic import ValidationError

    from gkdeadline.calendar.schedule_files import TomlFile

    try:
        raw = TomlFile.model_validate(data)
    except ValidationError as exc:
        raise ScheduleError(_pydantic_message(exc, source)) from None
    if raw.region is not None and region is not None and raw.region != region:
        raise ScheduleError(
            f"{source}：文件写的是 region = {raw.region!r}，却作为 {region!r} 的安排载入",
            message_en=f"{source}: the file says region = {raw.region!r} but it was loaded for"
            f" {region!r}",
            field="region",
            value=raw.region,
        )
    entries: list[DayEntry] = []
    for h in raw.holiday:
        entries += [DayEntry(d, h.name, True) for item in h.off for d in _expand(item)]
        entries += [DayEntry(d, h.name, False) for item in h.work for d in _expand(item)]
    reg = raw.region if raw.region is not None else region
    if not entries and reg is None:
        raise ScheduleError(
            f"{source}：{raw.year} 年的全国安排没有列出任何日期",
            message_en=f"{source}: the national schedule for {raw.year} lists no days",
            field="holiday",
        )
    return YearSchedule(
        raw.year, tuple(entries), raw.notice, reg, status, override=override or raw.override
    )


def load_schedule(
    path: str | Path, region: str | None = None, *, override: bool = False
) -> YearSchedule:
    """Read one year's schedule from a holiday-cn ``.json`` or a gkdeadline ``.toml`` file.

    ``region`` marks the file as a regional overlay (e.g. ``"ningxia"``); a TOML file may say so
    itself. ``override`` lets it replace a year the built-in State Council data covers (a TOML
    file may say ``override = true``). Raises :class:`~gkdeadline.errors.ScheduleError` naming
    the bad entry.
    """
    p = Path(path)
    text = read_utf8(p, "schedule", ScheduleError, max_bytes=4 * MAX_SCHEDULE_BYTES)
    if p.suffix.lower() == ".json":
        return parse_holiday_cn(text, str(p), region, override)
    if p.suffix.lower() == ".toml":
        return parse_toml(text, str(p), region, override=override)
    raise ScheduleError(
        f"安排文件 {p}：不认识的格式；请使用 .json（holiday-cn）或 .toml 文件",
        message_en=f"schedule file {p}: unknown format; use a .json (holiday-cn) or .toml file",
        field="path",
        value=str(p),
    )


def notice_year(d: date) -> int:
    """The year whose national notice governs ``d`` (29–31 December belong to the next year)."""
    return d.year + 1 if (d.month, d.day) >= DECEMBER_REACH else d.year
