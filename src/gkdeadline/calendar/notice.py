"""Read the State Council's holiday notice from its own text, and check it against the law.

The yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) is read sentence by sentence, as
plain text or as the gov.cn HTML page, in every phrasing used since 2008: the long 2008–2009 style
("其中，1月1日（星期二）为法定节假日…12月29日（星期六）公休日调至12月31日（星期一）"), the short
style of 2010–2024 ("2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。",
"4月5日放假，与周末连休。", "5月1日放假，5月2日（星期一）补休。") and the annotated style of 2025
on ("2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。").

Nothing is trusted and nothing is skipped. A :class:`~gkdeadline.errors.NoticeError` quoting the
sentence is raised when

* a weekday, a lunar date (农历腊月二十八, 除夕, 正月初七 …) or a festival written beside a date is
  not that date's;
* a makeup working day (上班) is not a Saturday or Sunday, a day said to be a weekend rest day
  (照常公休, 为公休日, 两个公休日调至…) is not one, or a day "与周末连休" does not touch a weekend;
* "共N天" (or "放假N天") is not the number of days the sentence gives off;
* a day called 法定节假日 is not one, or a statutory holiday of the 全国年节及纪念日放假办法 in force
  (:func:`~gkdeadline.calendar.holiday_law.statutory_days`) is not a day off anywhere;
* a date is both a day off and a working day, or falls outside what the notice may arrange;
* a sentence names a date and is not understood.

Later notices that change a year's arrangement — the 2015 anniversary day (国发明电〔2015〕1号),
the 2019 Labour Day change (国办发明电〔2019〕3号), the 2020 Spring Festival extension
(国办发明电〔2020〕1号) — are read with :func:`apply_notice`, which lays them over the year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Literal

from lunar_python import Lunar, Solar

from gkdeadline.calendar.holiday_law import FIRST_LAW_YEAR, law_for, qingming, statutory_days
from gkdeadline.calendar.schedule import DECEMBER_REACH, DayEntry, YearSchedule, weekday_zh
from gkdeadline.errors import NoticeError

__all__ = [
    "Notice",
    "NoticeBlock",
    "NoticeSentence",
    "apply_notice",
    "parse_notice",
    "read_notice",
    "schedule_to_toml",
]

# --------------------------------------------------------------------------- text

# One character for one character, so a position in the folded text is the same position in the
# original and every message can quote the notice as it was written.
_FOLD = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "－": "-",
        "～": "~",
        "　": " ",
        "\u00a0": " ",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)

_WEEKDAYS = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}

_TITLE = re.compile(r"((?:国务院办公厅|国务院)关于.{2,80}?的通知)")
_YEARLY_TITLE = re.compile(r"关于(\d{4})年部分节假日安排的通知")
_NUMBER = re.compile(
    r"(国(?:办)?发明电)\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,3})\s*号"
)
_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.*)$")
_DATE = re.compile(r"(?<!\d)(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_NOTE = re.compile(r"\s*\(([^()]*)\)")
_RANGE_LINK = re.compile(r"\s*(?:至|到|[—―–\-~]+)\s*")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,3})\s*天")
_ISSUED_ARABIC = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISSUED_CN = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_METADATA_DATE = re.compile(
    r"(?:成文日期|发布日期|发文日期|印发日期|施行日期)\s*:?\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
)

# Festival names as headings and annotations write them → the name the law uses.
_ALIASES = {
    "新年": "元旦",
    "元旦": "元旦",
    "春节": "春节",
    "清明": "清明节",
    "清明节": "清明节",
    "劳动节": "劳动节",
    "国际劳动节": "劳动节",
    "五一国际劳动节": "劳动节",
    "五一": "劳动节",
    "端午": "端午节",
    "端午节": "端午节",
    "中秋": "中秋节",
    "中秋节": "中秋节",
    "国庆": "国庆节",
    "国庆节": "国庆节",
    "十一": "国庆节",
}
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")

_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
_LUNAR_MONTHS |= {n: i for i, n in enumerate("一二三四五六七八九十", start=1)}
_LUNAR_MONTHS |= {"十一": 11, "十二": 12}
_LUNAR_DAY = re.compile(
    r"初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十"
)
_LUNAR = re.compile(
    r"^(?:即)?(?:农历)?(?:(?P<eve>除夕)|(?P<big>大年)?(?:(?P<month>正|冬|腊|十一|十二|[一二三四五六七八九十])月)?"
    r"(?P<day>" + _LUNAR_DAY.pattern + r"))$"
)


def _where(label: str | None) -> str:
    return f"通知第{label}条" if label else "通知正文"


def _quote(where: str, sentence: str) -> str:
    return f"{where}“{sentence.strip()}”"


def _fail(where: str, sentence: str, zh: str, en: str) -> NoticeError:
    return NoticeError(f"{_quote(where, sentence)}：{zh}", sentence=sentence.strip(), message_en=en)


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _cn_number(text: str) -> int:
    """十二 → 12, 二十五 → 25, 七 → 7 (the numerals of a written-out date)."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


# --------------------------------------------------------------------------- HTML


class _PageText(HTMLParser):
    """The text of an HTML page, one line per block element; gov.cn's content area if present."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "td", "th", "table", "section", "article", "title", "ul"}
        | {"ol", "h1", "h2", "h3", "h4", "h5", "h6"}
    )
    _SKIP = frozenset(("script", "style", "noscript", "template"))
    _VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.all: list[str] = []
        self.content: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, opens gov.cn's content area)
        self._in_content = False
        self._content_seen = False

    def _skipping(self) -> bool:
        return any(tag in self._SKIP for tag, _ in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._emit("\n")
        if tag in self._VOID:
            return
        # gov.cn wraps the document in <div id="UCAP-CONTENT">; elsewhere the whole page is read.
        opens = not self._content_seen and any(
            k in ("id", "class") and v and "UCAP-CONTENT" in v for k, v in attrs
        )
        if opens:
            self._in_content = self._content_seen = True
        self._stack.append((tag, opens))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._emit("\n")
        if tag not in (t for t, _ in self._stack):
            return  # a stray end tag
        while self._stack:  # close what the page left open (<p> without </p>)
            open_tag, opened = self._stack.pop()
            if opened:
                self._in_content = False  # later text is navigation, not the notice
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self._emit(data)

    def _emit(self, text: str) -> None:
        self.all.append(text)
        if self._in_content:
            self.content.append(text)


def _looks_like_html(text: str) -> bool:
    return (
        re.search(r"<\s*(?:html|body|p|div|br|span|table|head)\b", text, re.IGNORECASE) is not None
    )


def _page_text(text: str) -> tuple[str, str]:
    """(text to find the title and number in, text holding the arrangement)."""
    if not _looks_like_html(text):
        return text, text
    page = _PageText()
    page.feed(text)
    page.close()
    whole = "".join(page.all)
    return whole, ("".join(page.content) or whole)


# --------------------------------------------------------------------------- the notice's parts


@dataclass(frozen=True)
class NoticeSentence:
    """One sentence of a notice: as written, folded for matching, and where it stands."""

    text: str  # as written
    fold: str  # the same text, punctuation folded one character for one character
    where: str  # 通知第二条 / 通知正文


@dataclass
class NoticeBlock:
    """What one item (or one paragraph) of a notice arranges for one festival."""

    name: str
    where: str
    off: dict[date, NoticeSentence] = field(default_factory=dict)
    work: dict[date, NoticeSentence] = field(default_factory=dict)
    # weekend days whose rest "公休日调至" moved elsewhere: worked unless the block gives them off
    moved: dict[date, NoticeSentence] = field(default_factory=dict)
    resume: list[tuple[date, NoticeSentence]] = field(default_factory=list)  # "2月3日起正常上班"
    extend_to: list[tuple[date, NoticeSentence]] = field(
        default_factory=list
    )  # "延长…假期至2月2日"
    first: NoticeSentence | None = None

    def days_off(self) -> set[date]:
        return set(self.off)

    def days_worked(self) -> set[date]:
        return set(self.work) | {d for d in self.moved if d not in self.off}


@dataclass(frozen=True)
class Notice:
    """A notice as read: its number, date, blocks, and the dated sentences that arrange nothing."""

    year: int
    kind: Literal["yearly", "supplement"]
    title: str | None
    number: str | None
    issued: date | None
    blocks: tuple[NoticeBlock, ...]
    remarks: tuple[str, ...]  # 鼓励…休息 (advice), 自…起… (principles): dated, binding no day

    def schedule(self, source: str | None = None) -> YearSchedule:
        """The notice's days as a schedule (a yearly notice; see :func:`apply_notice`)."""
        entries: list[DayEntry] = []
        for b in self.blocks:
            entries += [DayEntry(d, b.name, True) for d in sorted(b.days_off())]
            entries += [DayEntry(d, b.name, False) for d in sorted(b.days_worked())]
        cite = (
            self.number
            or source
            or self.title
            or f"国务院办公厅关于{self.year}年部分节假日安排的通知"
        )
        return YearSchedule(self.year, tuple(entries), cite, None, "loaded")


@dataclass
class _Context:
    year: int
    december_is_previous: bool  # the 元旦 block: 12月 means December of the year before
    last: tuple[int | None, int] | None = None  # (written year, month) of the previous date


@dataclass(frozen=True)
class _Mention:
    first: date
    last: date
    span: tuple[int, int]

    def days(self) -> list[date]:
        return [self.first + timedelta(days=k) for k in range((self.last - self.first).days + 1)]


# --------------------------------------------------------------------------- annotations


def _lunar(d: date) -> tuple[int, int]:
    lu = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    return int(lu.getMonth()), int(lu.getDay())


def _lunar_day_number(text: str) -> int:
    if text.startswith("初"):
        return _cn_number(text[1:])
    if text.startswith("廿"):
        return 20 + _cn_number(text[1:])
    return _cn_number(text)


def _festival_dates(name: str, year: int) -> set[date]:
    """The dates an annotation such as （清明节） or （新年） can stand beside."""
    canon = _ALIASES.get(re.sub(r"(?:当日|当天)$", "", name.removeprefix("农历")))
    if canon is None:
        return set()
    if canon == "元旦":
        return {date(year, 1, 1)}
    if canon == "劳动节":
        return {date(year, 5, 1)}
    if canon == "国庆节":
        return {date(year, 10, k) for k in (1, 2, 3)}
    if canon == "清明节":
        return {qingming(year)}
    month, day = {"春节": (1, 1), "端午节": (5, 5), "中秋节": (8, 15)}[canon]
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return {date(solar.getYear(), solar.getMonth(), solar.getDay())}


def _check_lunar(
    part: str, d: date, sentence: NoticeSentence, month_hint: int | None = None
) -> int:
    """Check a lunar annotation (农历腊月二十八, 除夕, 大年初六 …) against ``d``; return its month."""
    m = _LUNAR.match(part)
    if m is None:
        raise _fail(
            sentence.where,
            sentence.text,
            f"无法识别{_md(d)}后的括注“{part}”",
            f"the annotation {part!r} after {d.isoformat()} is not understood",
        )
    if m.group("eve"):
        if _lunar(d + timedelta(days=1)) != (1, 1):
            raise _fail(
                sentence.where,
                sentence.text,
                f"{_md(d)}写作除夕，实为农历{_lunar_text(d)}",
                f"{d.isoformat()} is written as New Year's Eve but is not",
            )
        return 12
    month = m.group("month")
    month_no = _LUNAR_MONTHS[month] if month else (1 if m.group("big") else month_hint or 1)
    day_no = _lunar_day_number(m.group("day"))
    if _lunar(d) != (month_no, day_no):
        raise _fail(
            sentence.where,
            sentence.text,
            f"{_md(d)}写作农历{part.removeprefix('即').removeprefix('农历')}，实为农历{_lunar_text(d)}",
            f"{d.isoformat()} is not the lunar date written beside it",
        )
    return month_no


def _lunar_text(d: date) -> str:
    lu = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    return f"{lu.getMonthInChinese()}月{lu.getDayInChinese()}"


def _check_note(note: str, first: date, last: date, sentence: NoticeSentence) -> None:
    """Check every part of an annotation: weekdays, lunar dates, festival names."""
    text = note.translate(_QUOTES).strip()
    if "至" in text:  # （农历除夕至正月初六）: a range written in the lunar calendar
        a, _, b = text.partition("至")
        month = _check_lunar(a.strip(), first, sentence)
        _check_lunar(b.strip(), last, sentence, month_hint=month if month != 12 else 1)
        return
    for raw in re.split(r"[、,]", text):
        part = raw.strip().removeprefix("即")
        if not part:
            continue
        wd = re.fullmatch(r"(?:星期|周|礼拜)([一二三四五六日天])", part)
        if wd:
            written = _WEEKDAYS.index(wd.group(1).replace("天", "日"))
            if written != last.weekday():
                raise _fail(
                    sentence.where,
                    sentence.text,
                    f"{_md(last)}写作{part}，实为{weekday_zh(last)}",
                    f"{last.isoformat()} is a {_WEEKDAYS_EN[last.weekday()]},"
                    f" not a {_WEEKDAYS_EN[written]}",
                )
            continue
        festival = _festival_dates(part, last.year)
        if festival:
            if last not in festival:
                raise _fail(
                    sentence.where,
                    sentence.text,
                    f"{_md(last)}写作{part}，但{part}是{'、'.join(_md(x) for x in sorted(festival))}",
                    f"{last.isoformat()} is not {part}",
                )
            continue
        _check_lunar(part, last, sentence)


# --------------------------------------------------------------------------- dates in a clause


def _scan(fold: str, sentence: NoticeSentence, ctx: _Context) -> list[_Mention]:
    """Every date and date range in a clause, annotations checked."""
    found: list[_Mention] = []
    pos = 0
    while (m := _DATE.search(fold, pos)) is not None:
        first = _resolve(m, sentence, ctx)
        end = m.end()
        notes: list[tuple[str, bool]] = []  # (annotation, written after the range's end)
        note = _NOTE.match(fold, end)
        if note:
            notes.append((note.group(1), False))
            end = note.end()
        last = first
        link = _RANGE_LINK.match(fold, end)
        m2 = _DATE.match(fold, link.end()) if link else None
        if m2 is not None:
            last = _resolve(m2, sentence, ctx, after=first)
            end = m2.end()
            note = _NOTE.match(fold, end)
            if note:
                notes.append((note.group(1), True))
                end = note.end()
            if last < first:
                raise _fail(
                    sentence.where,
                    sentence.text,
                    f"{_md(first)}至{_md(last)}的结束日早于开始日",
                    "the range ends before it starts",
                )
        for text, after_end in notes:
            if "至" in text:  # （农历除夕至正月初六）: the whole range, in the lunar calendar
                _check_note(text, first, last, sentence)
            else:
                anchor = last if after_end else first
                _check_note(text, anchor, anchor, sentence)
        found.append(_Mention(first, last, (m.start(), end)))
        pos = end
    return found


def _resolve(
    m: re.Match[str], sentence: NoticeSentence, ctx: _Context, after: date | None = None
) -> date:
    """The date a match names, in the notice's year unless written otherwise."""
    y_text, m_text, d_text = m.group(1), m.group(2), m.group(3)
    if m_text is None:  # "至3日", "、21日": the month (and a written year) of the date before
        if ctx.last is None:
            raise _fail(
                sentence.where,
                sentence.text,
                f"“{m.group(0)}”没有写月份，前文也没有可沿用的月份",
                f"{m.group(0)!r} has no month and none precedes it",
            )
        written_year, month = ctx.last
    else:
        written_year, month = (int(y_text) if y_text else None), int(m_text)
    if written_year is not None:
        year = written_year
    elif month == 12 and ctx.december_is_previous:
        year = ctx.year - 1  # the 元旦 block of the notice for Y reaches back into December of Y-1
    else:
        year = ctx.year
    if (
        after is not None
        and written_year is None
        and (month, int(d_text)) < (after.month, after.day)
    ):
        year = after.year + 1  # "12月30日至1月1日"
    try:
        d = date(year, month, int(d_text))
    except ValueError:
        raise _fail(
            sentence.where,
            sentence.text,
            f"{month}月{d_text}日不是有效日期",
            f"{year}-{month:02d}-{d_text} is not a date",
        ) from None
    ctx.last = (written_year, month)
    return d


def _clauses(fold: str) -> Iterator[tuple[int, int]]:
    """Spans of the clauses of a sentence: split at , ; : outside parentheses."""
    depth = 0
    start = 0
    for i, ch in enumerate(fold):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;:" and depth == 0:
            yield start, i
            start = i + 1
    yield start, len(fold)


# --------------------------------------------------------------------------- one sentence


_OFF_WORDS = ("放假", "补休", "公休", "调休", "法定节假日", "法定假日", "休息")


def _read_sentence(
    sentence: NoticeSentence,
    skip: int,
    block: NoticeBlock,
    ctx: _Context,
) -> None:
    """Read one arranging sentence (from ``skip``, after a heading) into ``block``."""
    fold = sentence.fold
    last_off: list[date] | None = None
    adjoins_weekend_pending = False
    ctx.last = None
    for start, b in _clauses(fold):
        if b <= skip:
            continue
        a = max(start, skip)
        clause = fold[a:b]
        mentions = _scan(clause, sentence, ctx)
        plain = clause
        for mt in reversed(mentions):
            plain = plain[: mt.span[0]] + "§" + plain[mt.span[1] :]
        plain = plain.removeprefix("其中").strip()
        days = [d for mt in mentions for d in mt.days()]

        if "调至" in plain:  # "2月2日（星期六）、2月3日（星期日）两个公休日调至2月11日…"
            cut = clause.index("调至")
            before = [d for mt in mentions if mt.span[1] <= cut for d in mt.days()]
            after = [d for mt in mentions if mt.span[0] >= cut for d in mt.days()]
            for d in before:  # only a weekend day's rest can be moved
                _need_weekend(d, sentence, "公休日")
                block.moved.setdefault(d, sentence)
            for d in after:
                block.off.setdefault(d, sentence)
            last_off = after
        elif "延长" in plain and "至" in plain and mentions:
            block.extend_to.append((mentions[-1].last, sentence))
        elif "上班" in plain and "起" in plain and mentions:  # "2月3日（星期一）起正常上班"
            block.resume.append((mentions[-1].first, sentence))
        elif "上班" in plain and mentions:
            for d in days:
                if d.weekday() < 5:
                    raise _fail(
                        sentence.where,
                        sentence.text,
                        f"{_md(d)}（{weekday_zh(d)}）调休上班，但调休上班日只能是星期六或星期日",
                        f"a makeup working day must be a Saturday or Sunday; {d.isoformat()} is a"
                        f" {_WEEKDAYS_EN[d.weekday()]}",
                    )
                block.work.setdefault(d, sentence)
        elif mentions and any(w in plain for w in _OFF_WORDS):
            if "照常公休" in plain or "为公休日" in plain:
                for d in days:
                    _need_weekend(d, sentence, "公休日")
            if "法定节假日" in plain or "法定假日" in plain:
                for d in days:
                    _need_statutory(d, sentence)
            for d in days:
                block.off.setdefault(d, sentence)
            last_off = days
        elif mentions:
            raise _fail(
                sentence.where,
                sentence.text,
                f"无法理解“{sentence.text[a:b].strip()}”中的日期安排",
                "this clause names a date but says nothing the parser understands; nothing was"
                " skipped",
            )

        count = _COUNT.search(plain)
        if count:
            n = int(count.group(1))
            if last_off is None:
                raise _fail(
                    sentence.where,
                    sentence.text,
                    f"“共{n}天”之前没有放假日期",
                    f"'{n} days' follows no days off",
                )
            if n != len(set(last_off)):
                span = (
                    f"{_md(min(last_off))}至{_md(max(last_off))}"
                    if len(last_off) > 1
                    else _md(last_off[0])
                )
                raise _fail(
                    sentence.where,
                    sentence.text,
                    f"写作共{n}天，但{span}放假实为{len(set(last_off))}天",
                    f"the sentence says {n} days but gives {len(set(last_off))} days off",
                )
        if "与周末连休" in plain:
            adjoins_weekend_pending = True
        if adjoins_weekend_pending and last_off:
            for run in _runs_of(sorted(set(last_off))):
                near = [run[0] - timedelta(days=1), *run, run[-1] + timedelta(days=1)]
                if not any(x.weekday() >= 5 for x in near):
                    span = _md(run[0]) if len(run) == 1 else f"{_md(run[0])}至{_md(run[-1])}"
                    raise _fail(
                        sentence.where,
                        sentence.text,
                        f"{span}（{weekday_zh(run[0])}）写作与周末连休，但前后都不是周末",
                        f"{run[0].isoformat()} is said to join a weekend but touches none",
                    )
            adjoins_weekend_pending = False


def _runs_of(days: list[date]) -> list[list[date]]:
    """Sorted dates → runs of consecutive dates."""
    runs: list[list[date]] = []
    for d in days:
        if runs and d - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _need_weekend(d: date, sentence: NoticeSentence, what: str) -> None:
    if d.weekday() < 5:
        raise _fail(
            sentence.where,
            sentence.text,
            f"{_md(d)}写作{what}，但该日是{weekday_zh(d)}",
            f"{d.isoformat()} is called a weekend rest day but is a {_WEEKDAYS_EN[d.weekday()]}",
        )


def _need_statutory(d: date, sentence: NoticeSentence) -> None:
    if d.year < FIRST_LAW_YEAR:
        return
    if d not in {x for x, _ in statutory_days(d.year)}:
        law = law_for(d.year)
        raise _fail(
            sentence.where,
            sentence.text,
            f"{_md(d)}写作法定节假日，但不是{law.citation()}规定的节日",
            f"{d.isoformat()} is called a statutory holiday but the law in force ({law.document})"
            " does not make it one",
        )


def _advice(sentence: NoticeSentence, ctx: _Context) -> None:
    """ "鼓励…在除夕（2月9日）休息": binds no day, but a date written beside a festival is checked."""
    for m in re.finditer(
        r"(除夕|春节|元旦|新年)\s*\(\s*((?:\d{4}年)?\d{1,2}月\d{1,2}日)\s*\)", sentence.fold
    ):
        dm = _DATE.search(m.group(2))
        assert dm is not None
        ctx.last = None
        d = _resolve(dm, sentence, ctx)
        _check_note(m.group(1), d, d, sentence)


def _is_principle(fold: str) -> bool:
    """A sentence whose dates all read "自…起" states a rule for the future, not an arrangement."""
    dates = list(_DATE.finditer(fold))
    return bool(dates) and all(
        fold[: m.start()].rstrip().endswith("自") and fold[m.end() :].lstrip().startswith("起")
        for m in dates
    )


# --------------------------------------------------------------------------- the whole notice


@dataclass
class _Paragraph:
    label: str | None  # 一, 二 … for a numbered item
    text: str


def _paragraphs(body: str) -> list[_Paragraph]:
    """Numbered items (with their continuation lines) and the other paragraphs."""
    out: list[_Paragraph] = []
    open_item: _Paragraph | None = None
    for raw in body.splitlines():
        line = raw.strip().strip("\u3000").strip()
        if not line:
            continue
        m = _ITEM.match(line)
        fold = line.translate(_FOLD)
        if m:
            open_item = _Paragraph(m.group(1), m.group(2))
            out.append(open_item)
        elif (
            open_item is not None
            and _DATE.search(fold)
            and not _ISSUED_ARABIC.match(fold.replace(" ", ""))
            and not _METADATA_DATE.search(fold)
        ):
            open_item.text += line  # a sentence of the item on a line of its own
        else:
            open_item = None
            out.append(_Paragraph(None, line))
    return out


def _sentences(text: str, where: str) -> list[NoticeSentence]:
    out = []
    for piece in re.findall(r"[^。]+。?", text):
        if piece.strip():
            out.append(NoticeSentence(piece, piece.translate(_FOLD), where))
    return out


def _heading(fold: str) -> tuple[str | None, int]:
    """An item's heading ("春节：", "国庆节、中秋节：") and where its text starts."""
    m = re.match(r"^\s*([^\d:,。()]{1,30}?)\s*:", fold)
    if m:
        return m.group(1).strip(), m.end()
    names = "|".join(sorted(_ALIASES, key=len, reverse=True))
    m = re.match(rf"^\s*((?:[“”\"]?(?:{names})[“”\"]?(?:国际劳动节)?[、和]?)+)(?=\d)", fold)
    if m:
        return m.group(1).strip(), m.end()
    return None, 0


def _canonical(heading: str) -> str:
    """“五一”国际劳动节 → 劳动节; 国庆节、中秋节 stays as written (both festivals, one block)."""
    parts = [p.translate(_QUOTES).strip() for p in re.split(r"[、和]", heading) if p.strip()]
    return "、".join(_ALIASES.get(p, p) for p in parts)


def _title_festival(title: str | None) -> str | None:
    """调整2019年劳动节假期安排 → 劳动节; …70周年纪念日调休放假 → …70周年纪念日."""
    if not title:
        return None
    m = re.search(r"关于(.+?)的通知", title)
    if not m:
        return None
    core = re.sub(r"^(?:调整|延长)", "", m.group(1))
    core = re.sub(r"^\d{4}年", "", core)
    core = re.sub(r"(?:假期安排|放假安排|调休放假|假期|放假)$", "", core)
    return _ALIASES.get(core, core) or None


def _issued(paragraphs: Iterable[_Paragraph]) -> date | None:
    for p in paragraphs:
        if p.label:
            continue
        flat = p.text.translate(_FOLD).replace(" ", "")
        m = _ISSUED_ARABIC.match(flat)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _ISSUED_CN.match(flat)
        if m:
            y = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
            return date(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
    return None


# The years a notice can be for: the notice for Y may arrange days from (Y-1)-12-29 to Y-12-31,
# and dates end with 9999-12-31
FIRST_NOTICE_YEAR = 2
LAST_NOTICE_YEAR = 9999


def read_notice(text: str, *, year: int | None = None) -> Notice:
    """Read a notice (plain text or the gov.cn HTML page) without applying it to anything.

    Each sentence is checked on its own (weekdays, lunar dates, 共N天, makeup days on weekends,
    法定节假日); the checks that need the whole year are in :func:`parse_notice`.
    """
    whole, body = _page_text(text)
    flat = re.sub(r"\s+", "", whole)
    title_m = _TITLE.search(flat)
    title = title_m.group(1) if title_m else None
    yearly_m = _YEARLY_TITLE.search(title) if title else None
    kind: Literal["yearly", "supplement"] = "supplement" if title and not yearly_m else "yearly"
    number_m = _NUMBER.search(flat.translate(_FOLD))
    number = (
        f"{number_m.group(1)}〔{number_m.group(2)}〕{number_m.group(3)}号" if number_m else None
    )

    paragraphs = _paragraphs(body)
    written_year = _written_year(title, paragraphs, kind)
    if year is not None and written_year is not None and year != written_year:
        raise NoticeError(
            f"通知写的是{written_year}年的安排，但指定了 year={year}"
            f"（the notice is about {written_year}, not {year}）",
            sentence=title or "",
            message_en=f"the notice is about {written_year}, not {year}",
        )
    the_year = year if year is not None else written_year
    if the_year is None:
        raise NoticeError(
            "无法确定通知的年份：标题和导语中都没有写明年份，请指定 year"
            "（the notice's year is in neither its title nor its opening; pass year=）",
            sentence="",
            message_en="the notice's year is in neither its title nor its opening; pass year=",
        )
    if not FIRST_NOTICE_YEAR <= the_year <= LAST_NOTICE_YEAR:
        # the notice for Y may arrange days from (Y-1)-12-29 on: both years must be real ones
        said = "指定的 year" if year is not None else "通知写的年份"
        raise NoticeError(
            f"{said} {the_year} 不在可读取的范围（{FIRST_NOTICE_YEAR}–{LAST_NOTICE_YEAR}）内"
            f"（the notice's year {the_year} is outside {FIRST_NOTICE_YEAR}–{LAST_NOTICE_YEAR}）",
            sentence=title or "",
            message_en=(
                f"the notice's year {the_year} is outside {FIRST_NOTICE_YEAR}–{LAST_NOTICE_YEAR}"
            ),
        )

    default_name = _title_festival(title) if kind == "supplement" else None
    blocks: list[NoticeBlock] = []
    remarks: list[str] = []
    for p in paragraphs:
        where = _where(p.label)
        fold_all = p.text.translate(_FOLD)
        if p.label is None:
            compact = fold_all.replace(" ", "")
            if _ISSUED_ARABIC.match(compact) or _ISSUED_CN.match(compact):
                continue  # the date the notice was issued
            if not _DATE.search(_METADATA_DATE.sub("", fold_all)):
                continue  # addressee, preamble without dates, closing, signature
        elif not _DATE.search(fold_all):
            continue  # an item that arranges no day (二、各地区、各部门要…)
        heading, start = _heading(fold_all) if p.label else (None, 0)
        name = _canonical(heading) if heading else default_name
        block: NoticeBlock | None = None
        for i, raw in enumerate(_sentences(p.text, where)):
            skip = start if i == 0 else 0  # the heading stays in the quote, not in the clauses
            fold = _METADATA_DATE.sub(lambda m: " " * len(m.group(0)), raw.fold)
            s = NoticeSentence(raw.text, fold, raw.where)
            if not _DATE.search(fold[skip:]):
                continue
            if "鼓励" in fold:
                _advice(s, _Context(the_year, december_is_previous=False))
                remarks.append(s.text.strip())
                continue
            if p.label is None and _is_principle(fold):
                remarks.append(s.text.strip())
                continue
            if name is None:
                raise _fail(
                    where,
                    s.text,
                    "这句话安排了日期，但无法确定是哪个节日的安排（条目没有“节日名：”）",
                    "this sentence arranges dates but names no festival",
                )
            if block is None:
                block = NoticeBlock(name, where, first=s)
                blocks.append(block)
            ctx = _Context(the_year, december_is_previous="元旦" in name)
            _read_sentence(s, skip, block, ctx)
    notice = Notice(
        the_year,
        kind,
        title,
        number,
        _issued(paragraphs),
        tuple(blocks),
        tuple(remarks),
    )
    _check_blocks(notice)
    return notice


def _written_year(
    title: str | None, paragraphs: list[_Paragraph], kind: Literal["yearly", "supplement"]
) -> int | None:
    """The year a notice arranges: its title's, else its opening's (现将2026年元旦…), else — for a
    notice changing one day, whose title has no year (2015's) — its first fully written date."""
    if title:
        m = re.search(r"(\d{4})年", title)
        if m:
            return int(m.group(1))
    for p in paragraphs:
        m = re.search(r"现将(?:调整|延长)?(\d{4})年", p.text)
        if m:
            return int(m.group(1))
    if kind == "supplement":
        for p in paragraphs:
            fold = p.text.translate(_FOLD)
            m = re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", fold)
            if m and not _ISSUED_ARABIC.match(fold.replace(" ", "")):
                return int(m.group(1))
    return None


def _check_blocks(notice: Notice) -> None:
    """Within the notice: nothing both off and worked, nothing twice, nothing out of reach."""
    first = date(notice.year - 1, *DECEMBER_REACH)
    last = date(notice.year, 12, 31)
    seen: dict[date, tuple[NoticeBlock, NoticeSentence, bool]] = {}
    for b in notice.blocks:
        both = set(b.work) & set(b.off)
        if both:
            d = min(both)
            s = b.work[d]
            raise _fail(
                s.where,
                s.text,
                f"{_md(d)}既放假（“{b.off[d].text.strip()}”）又上班",
                f"{d.isoformat()} is both a day off and a working day",
            )
        for d, s, off in [(d, s, True) for d, s in b.off.items()] + [
            (d, b.work.get(d) or b.moved[d], False) for d in b.days_worked()
        ]:
            if not first <= d <= last:
                raise _fail(
                    s.where,
                    s.text,
                    f"{d.year}年{_md(d)}不在{notice.year}年通知可安排的范围"
                    f"（{first.year}年12月{first.day}日至{notice.year}年12月31日）内",
                    f"{d.isoformat()} is outside what the notice for {notice.year} may arrange",
                )
            if d in seen:
                ob, os, ooff = seen[d]
                what = "既放假又上班" if off != ooff else "重复出现"
                raise _fail(
                    s.where,
                    s.text,
                    f"{_md(d)}{what}：{ob.where}“{os.text.strip()}”也安排了这一天",
                    f"{d.isoformat()} is also arranged by another item of the notice",
                )
            seen[d] = (b, s, off)
        for d, s in b.resume:
            end = max(b.off) if b.off else None
            if d.weekday() >= 5 or (end is not None and d != _next_weekday(end)):
                raise _fail(
                    s.where,
                    s.text,
                    f"{_md(d)}（{weekday_zh(d)}）起正常上班，但这不是假期结束后的第一个工作日",
                    f"work resumes on {d.isoformat()}, which is not the weekday after the holiday",
                )


def _next_weekday(d: date) -> date:
    d += timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _check_law(schedule: YearSchedule, blocks: Iterable[NoticeBlock], title: str | None) -> None:
    """(d): every statutory holiday of the law in force is a day off somewhere."""
    if schedule.year < FIRST_LAW_YEAR:
        return
    off = {e.day for e in schedule.entries if e.off}
    law = law_for(schedule.year)
    for d, festival in statutory_days(schedule.year):
        if d in off:
            continue
        block = next((b for b in blocks if festival in b.name.split("、")), None)
        s = block.first if block and block.first else None
        where = block.where if block else "通知"
        sentence = s.text if s else (title or "")
        raise NoticeError(
            f"{_quote(where, sentence) if sentence else where}：{festival}的法定节假日"
            f"{_md(d)}（{weekday_zh(d)}）没有安排放假，不符合{law.citation()}"
            f"（the statutory holiday {d.isoformat()} ({festival}) is not a day off anywhere in"
            " the notice）",
            sentence=sentence.strip(),
            message_en=f"the statutory holiday {d.isoformat()} ({festival}) is not a day off",
        )


def parse_notice(text: str, *, year: int | None = None, source: str | None = None) -> YearSchedule:
    """The schedule a State Council yearly holiday notice arranges, checked against the law.

    ``text`` is the notice as plain text or as the gov.cn HTML page. The year comes from the
    title (关于2026年部分节假日安排的通知) unless ``year`` is given. The schedule's ``source`` is
    the notice's number (国办发明电〔2025〕7号) when the text contains it, else ``source``.
    Raises :class:`~gkdeadline.errors.NoticeError` quoting the sentence that cannot be
    reconciled. A notice that changes an earlier one (调整…/延长…) is read with
    :func:`apply_notice`.
    """
    notice = read_notice(text, year=year)
    if notice.kind == "supplement" or any(b.extend_to for b in notice.blocks):
        raise NoticeError(
            f"“{notice.title or '这份通知'}”调整或延长已有的安排，本身不是全年安排；"
            "请用 apply_notice(原安排, 通知) 把它加到该年的安排上"
            "（this notice changes an existing arrangement; use apply_notice(base, text)）",
            sentence=notice.title or "",
            message_en="this notice changes an existing arrangement; use apply_notice(base, text)",
        )
    if not notice.blocks:
        raise NoticeError(
            "通知中没有找到任何放假安排（no arrangement found in the notice）",
            sentence="",
            message_en="no arrangement found in the notice",
        )
    schedule = notice.schedule(source)
    _check_law(schedule, notice.blocks, notice.title)
    return schedule


def apply_notice(base: YearSchedule, text: str, *, source: str | None = None) -> YearSchedule:
    """``base`` changed by a later notice: an added day (2015-09-03), a changed festival (2019
    劳动节) or an extended one (2020 春节延长至2月2日).

    The later notice's days replace ``base``'s on the same dates; a notice "关于调整…" replaces
    the festival's whole arrangement; "延长…假期至X" gives every day from the end of the festival
    in ``base`` to X off. The result must still give every statutory holiday off. Its source cites
    both notices.
    """
    notice = read_notice(text, year=base.year)
    rows: dict[date, DayEntry] = {e.day: e for e in base.entries}
    replaces = bool(notice.title and "关于调整" in notice.title)
    for b in notice.blocks:
        if replaces:  # 调整…劳动节假期安排: the festival's old days give way to the new ones
            rows = {d: e for d, e in rows.items() if b.name not in e.name.split("、")}
        for until, s in b.extend_to:
            festival = b.name
            ends = [e.day for e in base.entries if e.off and festival in e.name.split("、")]
            if not ends:
                raise _fail(
                    s.where,
                    s.text,
                    f"原安排中没有{festival}的假期，无从延长",
                    f"the base schedule has no {festival} to extend",
                )
            end = max(ends)
            if until <= end:
                raise _fail(
                    s.where,
                    s.text,
                    f"延长至{_md(until)}，但原假期已到{_md(end)}",
                    f"extends to {until.isoformat()}, but the holiday already ends {end.isoformat()}",
                )
            for k in range(1, (until - end).days + 1):
                d = end + timedelta(days=k)
                b.off.setdefault(d, s)
        for d, s in b.resume:
            holiday_end = max(b.off) if b.off else None
            if holiday_end is not None and d != _next_weekday(holiday_end):
                raise _fail(
                    s.where,
                    s.text,
                    f"{_md(d)}（{weekday_zh(d)}）起正常上班，但延长后的假期到{_md(holiday_end)}为止",
                    f"work resumes on {d.isoformat()},"
                    f" not the weekday after {holiday_end.isoformat()}",
                )
        for d in b.days_off():
            rows[d] = DayEntry(d, b.name, True)
        for d in b.days_worked():
            rows[d] = DayEntry(d, b.name, False)
    cite = notice.number or source or notice.title or "后续通知"
    merged = YearSchedule(
        base.year,
        tuple(sorted(rows.values(), key=lambda e: e.day)),
        f"{base.source}、{cite}",
        base.region,
        "loaded",
        base.papers,
    )
    if base.region is None:
        _check_law(merged, notice.blocks, notice.title)
    return merged


# --------------------------------------------------------------------------- TOML


def _runs(days: list[date]) -> list[str]:
    """Sorted dates → TOML items: single dates and inclusive "A..B" ranges of at most 31 days."""
    out: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and days[j + 1] - days[j] == timedelta(days=1)
            and (days[j + 1] - days[i]).days <= 31
        ):
            j += 1
        a, b = days[i], days[j]
        out.append(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}")
        i = j + 1
    return out


def _toml_string(s: str) -> str:
    """A TOML basic string: quote, backslash and control characters (not tab) escaped."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def schedule_to_toml(schedule: YearSchedule) -> str:
    """The schedule in gkdeadline's TOML schedule format (read back by ``parse_toml``)."""
    # a comment ends at the line's end: keep only printable characters of the citation there
    cite = "".join(ch if ch.isprintable() else " " for ch in schedule.source)
    lines = [
        f"# {schedule.year}年放假安排，依据{cite}；由 gkdeadline 从通知原文读出并核对。",
        f"year = {schedule.year}",
        f"notice = {_toml_string(schedule.source)}",
    ]
    if schedule.region is not None:
        lines.append(f"region = {_toml_string(schedule.region)}")
    names: dict[str, tuple[list[date], list[date]]] = {}
    for e in sorted(schedule.entries, key=lambda e: e.day):
        off, work = names.setdefault(e.name, ([], []))
        (off if e.off else work).append(e.day)
    for name, (off, work) in names.items():
        lines += ["", "[[holiday]]", f"name = {_toml_string(name)}"]
        if off:
            lines.append(f"off = [{', '.join(_toml_string(x) for x in _runs(off))}]")
        if work:
            lines.append(f"work = [{', '.join(_toml_string(x) for x in _runs(work))}]")
    return "\n".join(lines) + "\n"
