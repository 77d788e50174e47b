"""The State Council's holiday notices, read from their own text, reproduce the official calendar.

Every published yearly notice 2008–2026 (tests/data/notices/, sources in SOURCES.md) is parsed and
compared day by day with the built-in official schedules (chinese-calendar + errata) and with the
holiday-cn dataset. Where the data and the notice list different days, the difference is written
down below with the notice's own words; a new one fails the test.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkdeadline import Calendar, ScheduleError
from gkdeadline.calendar.notice import (
    apply_notice,
    parse_notice,
    read_notice,
    schedule_to_toml,
)
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.schedule import (
    DayEntry,
    YearSchedule,
    parse_holiday_cn,
    parse_toml,
)
from gkdeadline.errors import NoticeError
from tests.paths import DATA, HOLIDAY_CN

NOTICES = DATA / "notices"
YEARS = range(2008, 2027)

# Later notices that changed a year's arrangement, applied on top of the yearly notice.
SUPPLEMENTS = {
    2015: "2015-anniversary",  # 国发明电〔2015〕1号: 9月3日至5日调休放假, 9月6日上班
    2019: "2019-labour",  # 国办发明电〔2019〕3号: 劳动节改为5月1日至4日
    2020: "2020-extension",  # 国办发明电〔2020〕1号: 春节假期延长至2月2日
}

NUMBERS = {
    2009: "国办发明电〔2008〕42号",
    2010: "国办发明电〔2009〕27号",
    2011: "国办发明电〔2010〕40号",
    2012: "国办发明电〔2011〕45号",
    2013: "国办发明电〔2012〕33号",
    2014: "国办发明电〔2013〕28号",
    2015: "国办发明电〔2014〕28号",
    2016: "国办发明电〔2015〕18号",
    2017: "国办发明电〔2016〕17号",
    2018: "国办发明电〔2017〕12号",
    2019: "国办发明电〔2018〕15号",
    2020: "国办发明电〔2019〕16号",
    2021: "国办发明电〔2020〕27号",
    2022: "国办发明电〔2021〕11号",
    2023: "国办发明电〔2022〕16号",
    2024: "国办发明电〔2023〕7号",
    2025: "国办发明电〔2024〕12号",
    2026: "国办发明电〔2025〕7号",
}

# Every (day, off) the notice gives that the data lacks (+) or the data has that the notice does
# not give (−). All are Saturdays or Sundays, so no working status differs (see
# test_working_status_is_identical); each is decided by the notice's words.
OFFICIAL_DIFFERS: dict[int, dict[tuple[date, bool], str]] = {
    2011: {
        (date(2011, 6, 5), True): "+ 端午节：6月4日至6日放假公休，共3天（chinese-calendar 漏了6日）"
    },
    2012: {(date(2012, 6, 23), True): "+ 端午节：6月22日至24日放假公休，共3天（漏了23日）"},
    2014: {(date(2014, 4, 6), True): "− 清明节：4月5日放假，4月7日（星期一）补休（未放6日）"},
    2015: {
        (date(2015, 9, 5), True): "+ 9月3日至5日调休放假，共3天（国发明电〔2015〕1号，漏了5日）"
    },
    2019: {
        (date(2019, 4, 6), True): "− 清明节：4月5日放假，与周末连休（只列5日）",
        (date(2019, 4, 7), True): "− 清明节：4月5日放假，与周末连休",
        (date(2019, 6, 8), True): "− 端午节：6月7日放假，与周末连休",
        (date(2019, 6, 9), True): "− 端午节：6月7日放假，与周末连休",
        (date(2019, 9, 14), True): "− 中秋节：9月13日放假，与周末连休",
        (date(2019, 9, 15), True): "− 中秋节：9月13日放假，与周末连休",
    },
    2024: {
        (date(2023, 12, 30), True): "− 元旦：1月1日放假，与周末连休（只列1日）",
        (date(2023, 12, 31), True): "− 元旦：1月1日放假，与周末连休",
    },
}
HOLIDAY_CN_DIFFERS: dict[int, dict[tuple[date, bool], str]] = {
    2020: {
        (date(2020, 2, 3), False): (
            "− 2月3日（星期一）起正常上班：复工日，不是调休上班日（holiday-cn 记作上班）"
        )
    },
}


def notice_text(name: str | int) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


def schedule_for(year: int) -> YearSchedule:
    s = parse_notice(notice_text(year))
    if year in SUPPLEMENTS:
        s = apply_notice(s, notice_text(SUPPLEMENTS[year]))
    return s


def pairs(s: YearSchedule) -> set[tuple[date, bool]]:
    return {(e.day, e.off) for e in s.entries}


def holiday_cn(year: int) -> YearSchedule:
    path = HOLIDAY_CN / f"{year}.json"
    return parse_holiday_cn(path.read_text(encoding="utf-8"), str(path))


OFFICIAL = {s.year: s for s in official_schedules()}


# --------------------------------------------------------------------------- the 19 notices


def test_every_published_notice_is_a_fixture() -> None:
    assert sorted(p.stem for p in NOTICES.glob("*.txt")) == sorted(
        [str(y) for y in YEARS] + list(SUPPLEMENTS.values())
    )


@pytest.mark.parametrize("year", YEARS)
def test_working_status_is_identical(year: int) -> None:
    """Every day the notice for ``year`` can speak for is worked or not exactly as in both sets
    of data — the hard requirement; no exception is listed."""
    ours, official, hcn = schedule_for(year), OFFICIAL[year], holiday_cn(year)

    def worked(s: YearSchedule, d: date) -> bool:
        found = {e.day: e.off for e in s.entries}
        return not found[d] if d in found else d.weekday() < 5

    d = ours.first_day
    while d <= date(year, 12, 31):
        assert worked(ours, d) == worked(official, d) == worked(hcn, d), d
        d += timedelta(days=1)


@pytest.mark.parametrize("year", YEARS)
def test_entries_match_the_official_data(year: int) -> None:
    ours, official = pairs(schedule_for(year)), pairs(OFFICIAL[year])
    known = OFFICIAL_DIFFERS.get(year, {})
    assert ours - official == {k for k, why in known.items() if why.startswith("+")}
    assert official - ours == {k for k, why in known.items() if why.startswith("−")}
    assert all(d.weekday() >= 5 for d, _ in known)


@pytest.mark.parametrize("year", YEARS)
def test_entries_match_holiday_cn(year: int) -> None:
    ours, hcn = pairs(schedule_for(year)), pairs(holiday_cn(year))
    known = HOLIDAY_CN_DIFFERS.get(year, {})
    assert ours - hcn == {k for k, why in known.items() if why.startswith("+")}
    assert hcn - ours == {k for k, why in known.items() if why.startswith("−")}


@pytest.mark.parametrize("year", YEARS)
def test_source_is_the_notice_number(year: int) -> None:
    s = parse_notice(notice_text(year))
    assert s.year == year and s.status == "loaded" and s.region is None
    if year in NUMBERS:
        assert s.source == NUMBERS[year]
    else:  # the 2008 copy found carries no 文号 (SOURCES.md)
        assert s.source == "国务院办公厅关于2008年部分节假日安排的通知"
        assert parse_notice(notice_text(year), source="2008.txt").source == "2008.txt"


def test_supplements_change_only_their_days() -> None:
    for year, name in SUPPLEMENTS.items():
        base = parse_notice(notice_text(year))
        merged = apply_notice(base, notice_text(name))
        assert merged.source.startswith(base.source + "、")
        changed = pairs(merged) ^ pairs(base)
        assert changed, year
    extended = schedule_for(2020)
    by_day = {e.day: e for e in extended.entries}
    assert by_day[date(2020, 2, 1)] == DayEntry(date(2020, 2, 1), "春节", True)  # was 上班
    assert by_day[date(2020, 2, 2)].off and date(2020, 2, 3) not in by_day
    labour = {e.day for e in schedule_for(2019).entries if e.name == "劳动节" and e.off}
    assert labour == {date(2019, 5, d) for d in (1, 2, 3, 4)}
    anniversary = [e for e in schedule_for(2015).entries if "70周年纪念日" in e.name]
    assert {(e.day.day, e.off) for e in anniversary} == {
        (3, True),
        (4, True),
        (5, True),
        (6, False),
    }


def test_block_names() -> None:
    names_2008 = {e.name for e in parse_notice(notice_text(2008)).entries}
    assert names_2008 == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    assert {e.name for e in parse_notice(notice_text(2009)).entries if e.day.month == 10} == {
        "国庆节、中秋节"
    }
    assert {e.name for e in parse_notice(notice_text(2017)).entries if e.day.month >= 9} == {
        "中秋节、国庆节"
    }
    # 元旦 reaches back into December of the year before (2008, 2012, 2019, 2023 notices)
    assert DayEntry(date(2007, 12, 29), "元旦", False) in parse_notice(notice_text(2008)).entries
    assert DayEntry(date(2011, 12, 31), "元旦", False) in parse_notice(notice_text(2012)).entries


def test_long_style_of_2008_derives_the_worked_weekend() -> None:
    """七、国庆节：…9月27日（星期六）、9月28日（星期日）两个公休日调至9月29日（星期一）、30日
    （星期二）… — no “上班” sentence: a weekend day whose rest is moved away is worked, unless the
    block gives it off itself (2009 清明: 4月4日（星期六）公休日调至4月6日, 4月4日 stays off)."""
    s2008 = {e.day: e.off for e in parse_notice(notice_text(2008)).entries}
    assert s2008[date(2008, 9, 27)] is False and s2008[date(2008, 9, 28)] is False
    s2009 = {e.day: e.off for e in parse_notice(notice_text(2009)).entries}
    assert s2009[date(2009, 4, 4)] is True and s2009[date(2009, 4, 6)] is True


def test_notice_metadata() -> None:
    n = read_notice(notice_text(2010))
    assert (n.number, n.issued, n.kind) == ("国办发明电〔2009〕27号", date(2009, 12, 7), "yearly")
    assert read_notice(notice_text(2012)).issued == date(2011, 12, 5)  # 二〇一一年十二月五日
    assert read_notice(notice_text("2015-anniversary")).number == "国发明电〔2015〕1号"
    assert read_notice(notice_text("2015-anniversary")).kind == "supplement"
    # dated sentences that arrange nothing are kept, not dropped
    assert read_notice(notice_text(2024)).remarks == (
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",
    )
    principles = read_notice(notice_text(2025)).remarks
    assert len(principles) == 2 and "自2025年1月1日起" in principles[0]


def test_calendar_uses_a_parsed_notice() -> None:
    cal = Calendar().with_schedules(parse_notice(notice_text(2026)))
    assert cal.add_workdays(date(2026, 9, 28), 20) == date(2026, 10, 30)
    assert cal.is_workday(date(2026, 10, 10)) and not cal.is_workday(date(2026, 2, 23))


# --------------------------------------------------------------------------- other forms


@pytest.mark.parametrize("year", YEARS)
def test_half_width_and_zhou_forms_read_the_same(year: int) -> None:
    text = notice_text(year)
    want = {(e.day, e.off, e.name) for e in parse_notice(text).entries}
    folded = unicodedata.normalize("NFKC", text)  # （）：，； → ( ) : , ;
    assert {(e.day, e.off, e.name) for e in parse_notice(folded).entries} == want
    zhou = text.replace("星期", "周")
    assert {(e.day, e.off, e.name) for e in parse_notice(zhou).entries} == want
    crlf = "\r\n".join("\u3000\u3000" + line for line in text.splitlines())
    assert {(e.day, e.off, e.name) for e in parse_notice(crlf).entries} == want


def gov_cn_page(text: str) -> str:
    """The notice laid out as gov.cn lays it out: metadata table, unclosed <p>, navigation."""
    lines = text.splitlines()
    body = "".join(f"<p>&nbsp;&nbsp;{line.replace('&', '&amp;')}" for line in lines[1:])
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{lines[0]}_国务院文件_中国政府网</title>"
        "<script>var updated = '2025年11月5日';</script></head><body>"
        "<div class='header'>首页 | 简 | 繁 | EN<img src='x.png'></div>"
        "<table class='bd1'><tr><td>成文日期：</td><td>2025年11月04日</td>"
        "<td>发布日期：</td><td>2025年11月04日</td></tr></table>"
        f"<div id='UCAP-CONTENT' class='trs_editor_view'><p style='text-align:center'>"
        f"{lines[0].replace('年', '年<br/>', 1)}</p>{body}</div>"
        "<div class='related'><ul><li>国务院办公厅关于2019年部分节假日安排的通知 2018年12月6日</li>"
        "</ul></div></body></html>"
    )


@pytest.mark.parametrize("year", [2008, 2009, 2015, 2024, 2025, 2026])
def test_gov_cn_html_page(year: int) -> None:
    text = notice_text(year)
    want = parse_notice(text)
    got = parse_notice(gov_cn_page(text))
    assert {(e.day, e.off, e.name) for e in got.entries} == {
        (e.day, e.off, e.name) for e in want.entries
    }
    assert got.source == want.source


def test_wrapped_lines_belong_to_their_item() -> None:
    # copies that put each sentence, or the heading, on a line of its own
    text = notice_text(2012).replace("共3天。3月31日", "共3天。\n3月31日")
    text = text.replace("一、元旦：", "一、元旦：\n")
    assert pairs(parse_notice(text)) == pairs(parse_notice(notice_text(2012)))


# Not a real notice: the phrasings of several years in one text, for the year 2019, so that each
# one the parser claims to read is read in a single place.
MIXED_2019 = """国务院办公厅关于2019年部分节假日安排的通知（测试用，非真实通知）
一、元旦：12月31日至1月2日放假调休，共3天。12月29日（星期六）、30日（星期日）上班。
二、春节：2月4日（农历除夕、星期一）至10日（农历正月初六、周日）放假调休,共7天。2月2日(星期六)、2月3日(星期日)上班。
三、清明节：4月5日至7日放假，与周末连休。
四、“五一”国际劳动节：4月30日—5月4日放假调休，共5天。其中，5月1日（星期三、“五一”国际劳动节）为法定节假日，4月28日（星期日）公休日调至4月30日（星期二），5月5日（星期日）上班。
五、端午节：6月7日放假，共1天。
六、中秋节：9月13日（农历八月十五）放假，与周末连休。
七、国庆节、中秋节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""


def test_the_phrasings_of_all_years() -> None:
    s = parse_notice(MIXED_2019)
    got = {(e.day, e.off) for e in s.entries}
    assert {(date(2018, 12, 29), False), (date(2018, 12, 30), False)} <= got  # 12月 → 2018
    assert {(date(2018, 12, 31), True), (date(2019, 1, 2), True)} <= got
    assert {(date(2019, 4, 30), True), (date(2019, 5, 4), True)} <= got  # crosses a month
    assert (date(2019, 4, 28), False) in got  # its rest moved to 4月30日: worked
    assert {e.name for e in s.entries if e.day.month == 5} == {"劳动节"}
    assert {e.name for e in s.entries if e.day.month == 10} == {"国庆节、中秋节"}
    assert s.source == "国务院办公厅关于2019年部分节假日安排的通知"


def test_a_year_can_be_given() -> None:
    body = "\n".join(line for line in notice_text(2021).splitlines() if line[0] in "一二三四五六七")
    assert pairs(parse_notice(body, year=2021)) == pairs(parse_notice(notice_text(2021)))
    with pytest.raises(NoticeError, match="年份"):
        parse_notice(body)
    with pytest.raises(NoticeError, match="2021年的安排"):
        parse_notice(notice_text(2021), year=2022)


# --------------------------------------------------------------------------- malformed notices

T2026 = notice_text(2026)
SPRING = "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。"


def broken(old: str, new: str, text: str = T2026) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("text", "sentence", "fragments"),
    [
        pytest.param(
            broken("2月15日（农历腊月二十八、周日）", "2月15日（农历腊月二十八、周一）"),
            "春节：2月15日（农历腊月二十八、周一）至23日",
            ["通知第二条", "2月15日写作周一，实为星期日"],
            id="wrong-weekday",
        ),
        pytest.param(
            broken("10月10日（周六）上班", "10月10日（星期五）上班"),
            "9月20日（周日）、10月10日（星期五）上班。",
            ["10月10日写作星期五，实为星期六"],
            id="wrong-weekday-xingqi",
        ),
        pytest.param(
            broken("5月9日（周六）上班", "5月13日（周三）上班"),
            "5月13日（周三）上班。",
            ["通知第四条", "调休上班日只能是星期六或星期日"],
            id="makeup-on-wednesday",
        ),
        pytest.param(
            broken("放假调休，共9天", "放假调休，共8天"),
            "放假调休，共8天。",
            ["写作共8天", "实为9天"],
            id="wrong-count",
        ),
        pytest.param(
            broken(
                "六、中秋节：9月25日（周五）至27日（周日）放假，共3天。",
                "六、中秋节：9月26日（周六）至27日（周日）放假，共2天。",
            ),
            "中秋节：9月26日（周六）至27日（周日）放假，共2天。",
            ["通知第六条", "中秋节的法定节假日9月25日（星期五）没有安排放假", "国务院令第795号"],
            id="missing-statutory-day",
        ),
        pytest.param(
            broken("三、清明节：4月4日（周六）至6日（周一）放假，共3天。\n", ""),
            "国务院办公厅关于2026年部分节假日安排的通知",
            ["清明节的法定节假日4月5日", "没有安排放假"],
            id="missing-festival",
        ),
        pytest.param(
            broken("5月9日（周六）上班。", "5月9日（周六）照常营业。"),
            "5月9日（周六）照常营业。",
            ["无法理解", "中的日期安排"],
            id="unparseable-sentence",
        ),
        pytest.param(
            broken("农历腊月二十八", "农历腊月二十七"),
            "春节：2月15日（农历腊月二十七、周日）",
            ["写作农历腊月二十七，实为农历腊月廿八"],
            id="wrong-lunar-date",
        ),
        pytest.param(
            broken("5月9日（周六）上班", "5月2日（周六）上班"),
            "5月2日（周六）上班。",
            ["5月2日既放假", "又上班"],
            id="off-and-work",
        ),
        pytest.param(
            broken("10月10日（周六）上班", "2月14日（周六）上班"),
            "9月20日（周日）、2月14日（周六）上班。",
            ["2月14日重复出现", "通知第二条"],
            id="day-twice",
        ),
        pytest.param(
            broken(
                "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。",
                "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。12月20日（周六）上班。",
            ),
            "12月20日（周六）上班。",
            ["2025年12月20日不在2026年通知可安排的范围"],
            id="december-out-of-reach",
        ),
        pytest.param(
            broken("（农历正月初七、周一）", "（农历正月初七、周二）"),
            "至23日（农历正月初七、周二）",
            ["2月23日写作周二，实为星期一"],
            id="wrong-weekday-range-end",
        ),
        pytest.param(
            broken(
                "五、端午节：6月19日（周五）至21日（周日）放假，共3天。",
                "五、端午节：6月19日（周五）放假，与周末连休。6月17日放假，与周末连休。",
            ),
            "6月17日放假，与周末连休。",
            ["6月17日（星期三）写作与周末连休，但前后都不是周末"],
            id="not-next-to-a-weekend",
        ),
        pytest.param(
            broken("鼓励单位和个人", "八、3月4日放假。\n鼓励单位和个人"),
            "3月4日放假。",
            ["通知第八条", "无法确定是哪个节日"],
            id="dates-without-festival",
        ),
        pytest.param(
            broken(
                "2月2日（星期六）、2月3日（星期日）两个公休日",
                "2月4日（星期一）、2月3日（星期日）两个公休日",
                text=notice_text(2008),
            ),
            "2月4日（星期一）、2月3日（星期日）两个公休日调至",
            ["2月4日写作公休日，但该日是星期一"],
            id="moved-rest-from-a-weekday",
        ),
        pytest.param(
            broken(
                "4月4日（清明节）为法定节假日",
                "4月5日（星期六）为法定节假日",
                text=notice_text(2008),
            ),
            "4月5日（星期六）为法定节假日",
            ["4月5日写作法定节假日", "国务院令第513号"],
            id="not-a-statutory-day",
        ),
        pytest.param(
            broken("除夕（2月9日）", "除夕（2月8日）", text=notice_text(2024)),
            "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月8日）休息。",
            ["2月8日写作除夕"],
            id="advice-with-a-wrong-eve",
        ),
    ],
)
def test_malformed_notice_names_the_sentence(
    text: str, sentence: str, fragments: list[str]
) -> None:
    with pytest.raises(NoticeError) as info:
        parse_notice(text)
    message = str(info.value)
    assert message.startswith("通知")  # Chinese; the English gloss is message_en
    assert info.value.message_en and info.value.message_en != message
    assert sentence in message and sentence in info.value.sentence
    for fragment in fragments:
        assert fragment in message
    assert isinstance(info.value, ScheduleError)


def test_a_change_notice_is_applied_not_parsed() -> None:
    for name in SUPPLEMENTS.values():
        with pytest.raises(NoticeError, match="apply_notice"):
            parse_notice(notice_text(name))


def test_a_change_notice_must_fit_its_year() -> None:
    with pytest.raises(NoticeError, match="2019年的安排"):
        apply_notice(schedule_for(2020), notice_text("2019-labour"))
    shorter = notice_text("2020-extension").replace(
        "至2月2日（农历正月初九，星期日）", "至1月29日（农历正月初五，星期三）"
    )
    with pytest.raises(NoticeError, match="原假期已到1月30日"):
        apply_notice(parse_notice(notice_text(2020)), shorter)
    late = notice_text("2020-extension").replace(
        "2月3日（星期一）起正常上班", "2月4日（星期二）起正常上班"
    )
    with pytest.raises(NoticeError, match="2月4日（星期二）起正常上班"):
        apply_notice(parse_notice(notice_text(2020)), late)
    # 调整 replaces the festival's arrangement, and the result must still follow the law
    cancel = notice_text("2019-labour").replace(
        "5月1日至4日放假调休，共4天", "5月2日至4日放假调休，共3天"
    )
    with pytest.raises(NoticeError, match="劳动节的法定节假日5月1日") as info:
        apply_notice(parse_notice(notice_text(2019)), cancel)
    assert info.value.sentence.startswith("2019年5月2日至4日放假调休")


# --------------------------------------------------------------------------- TOML


@pytest.mark.parametrize("year", YEARS)
def test_toml_round_trip_of_every_year(year: int) -> None:
    s = schedule_for(year)
    text = schedule_to_toml(s)
    assert f'notice = "{s.source}"' in text
    back = parse_toml(text, f"{year}.toml")
    assert (back.year, back.source, back.region) == (s.year, s.source, None)
    assert {(e.day, e.name, e.off) for e in back.entries} == {
        (e.day, e.name, e.off) for e in s.entries
    }


@st.composite
def schedules(draw: st.DrawFn) -> YearSchedule:
    year = draw(st.integers(2001, 2099))
    first = date(year - 1, 12, 29)
    span = (date(year, 12, 31) - first).days
    # parse_toml refuses a national schedule without days, so one is always drawn
    offsets = draw(st.sets(st.integers(0, span), min_size=1, max_size=60))
    names = st.text(min_size=1, max_size=12)
    entries = []
    for k in sorted(offsets):
        d = first + timedelta(days=k)
        off = draw(st.booleans()) if d.weekday() >= 5 else True
        entries.append(DayEntry(d, draw(names), off))
    region = draw(st.none() | st.sampled_from(["ningxia", "宁夏", 'a"b\\c']))
    if region is not None:  # a regional schedule speaks for its own year only
        entries = [e for e in entries if e.day.year == year]
    return YearSchedule(year, tuple(entries), draw(names), region, "loaded")


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_toml_round_trip_property(s: YearSchedule) -> None:
    text = schedule_to_toml(s)
    back = parse_toml(text, "generated.toml")
    assert (back.year, back.source, back.region) == (s.year, s.source, s.region)
    assert text.splitlines()[0].startswith("# ")  # the citation cannot break out of the comment
    assert sorted((e.day, e.name, e.off) for e in back.entries) == sorted(
        (e.day, e.name, e.off) for e in s.entries
    )


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(list(YEARS)),
    st.lists(st.booleans(), min_size=64, max_size=64),
)
def test_any_mix_of_full_and_half_width_punctuation(year: int, flips: list[bool]) -> None:
    """Copies mix （） with () and ，with , character by character; the reading does not change."""
    text = notice_text(year)
    half = {"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"}
    out, k = [], 0
    for ch in text:
        if ch in half:
            out.append(half[ch] if flips[k % len(flips)] else ch)
            k += 1
        else:
            out.append(ch)
    assert pairs(parse_notice("".join(out))) == pairs(parse_notice(text))


def test_toml_comment_and_name_order() -> None:
    text = schedule_to_toml(parse_notice(T2026))
    assert text.startswith("# 2026年放假安排，依据国办发明电〔2025〕7号")
    assert text.index('name = "元旦"') < text.index('name = "春节"') < text.index('name = "国庆节"')
    assert 'off = ["2026-02-15..2026-02-23"]' in text
    assert 'work = ["2026-02-14", "2026-02-28"]' in text
