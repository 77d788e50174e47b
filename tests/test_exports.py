"""gkdeadline case --svg (timeline) and --ics (iCalendar)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from icalendar import Calendar as ICalendar

from gkdeadline.case import Case
from gkdeadline.cli import main
from gkdeadline.ics import to_ics
from gkdeadline.timeline import timeline_svg

EXAMPLES = Path(__file__).parent.parent / "examples"
SVG = "{http://www.w3.org/2000/svg}"


def _case() -> Case:
    return Case.from_file(EXAMPLES / "case-timeline.json")


def test_timeline_is_an_svg_with_every_mark() -> None:
    case = _case()
    result = case.result(date(2026, 11, 23))
    root = ET.fromstring(timeline_svg(result, case.calendar))
    assert root.tag == f"{SVG}svg"
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "案件时间线（2026-依申-0042，national）" in texts
    for label in (
        "收到申请（09-17）",
        "收到补正（09-24）",
        "原期限（11-09）",
        "延长（11-02）",
        "答复（按期）（11-13）",
        "答复期限（11-23）",
    ):
        assert label in texts
    assert any(t.startswith("征求第三方意见（10-12～10-20）") for t in texts)
    assert "等待补正，补正后重新计算" in texts
    # National Day (7 days) and weekends shaded as days off; 09-20 and 10-10 as makeup days
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills.count("#ffe0b2") >= 2 + 1  # two makeup days + the legend swatch


def test_timeline_of_a_late_answer() -> None:
    case = Case(
        "national",
        [
            {"type": "received", "date": "2026-09-28", "channel": "in_person"},
            {"type": "answered", "date": "2026-11-02"},
        ],
    )
    texts = [
        t.text
        for t in ET.fromstring(timeline_svg(case.result(date(2026, 11, 23)), case.calendar)).iter(
            f"{SVG}text"
        )
    ]
    assert "答复（逾期）（11-02）" in texts


def test_ics_has_each_deadline_with_citation_and_stable_ascii_uids() -> None:
    result = _case().result(date(2026, 11, 23))
    data = to_ics(result, "2026-依申-0042")
    cal = ICalendar.from_ical(data)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    got = {str(e.get("summary")).split("：")[0]: e.decoded("dtstart") for e in events}
    assert got == {
        "补正告知期限": date(2026, 9, 28),
        "第三方提出意见期限": date(2026, 11, 2),
        "答复期限": date(2026, 11, 23),
        # windows reaching 2027 (no notice yet): both bounding calendars give the same day
        "申请行政复议期限": date(2027, 1, 12),
        "提起行政诉讼期限": date(2027, 5, 13),
    }
    laws = {
        "补正告知期限": "《中华人民共和国政府信息公开条例》（国务院令第711号）第三十条",
        "第三方提出意见期限": "《中华人民共和国政府信息公开条例》（国务院令第711号）第三十二条",
        "答复期限": "《中华人民共和国政府信息公开条例》（国务院令第711号）第三十三条第二款",
        "申请行政复议期限": "《中华人民共和国行政复议法》",
        "提起行政诉讼期限": "《中华人民共和国行政诉讼法》",
    }
    for e in events:
        assert str(e.get("uid")).isascii()
        title = str(e.get("summary")).split("：")[0]
        description = "".join(str(e.get("description")).split())  # folded lines joined
        assert f"依据：{laws[title]}" in description
        assert e.decoded("dtend") == e.decoded("dtstart").fromordinal(
            e.decoded("dtstart").toordinal() + 1
        )
    assert data == to_ics(result, "2026-依申-0042")  # reproducible


def test_cli_writes_both_files(capsys, tmp_path: Path) -> None:
    svg, ics = tmp_path / "t.svg", tmp_path / "t.ics"
    code = main(
        [
            "case",
            str(EXAMPLES / "case-timeline.json"),
            "--as-of",
            "2026-11-23",
            "--svg",
            str(svg),
            "--ics",
            str(ics),
        ]
    )
    capsys.readouterr()
    assert (
        code == 0
        and svg.read_text(encoding="utf-8").startswith("<svg")
        and b"BEGIN:VCALENDAR" in ics.read_bytes()
    )
    code = main(
        [
            "case",
            str(EXAMPLES / "case-timeline.json"),
            "--svg",
            str(tmp_path / "no" / "dir" / "t.svg"),
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "t.svg" in err


def test_ics_puts_a_pending_deadline_on_its_earliest_day_and_says_so() -> None:
    case = Case("national", [{"type": "received", "date": "2026-12-10", "channel": "post"}])
    result = case.result(date(2026, 12, 11))
    assert result.due is None and result.due_earliest == date(2027, 1, 8)
    events = [c for c in ICalendar.from_ical(to_ics(result)).walk() if c.name == "VEVENT"]
    answer = next(e for e in events if str(e.get("summary")).startswith("答复期限"))
    assert answer.decoded("dtstart") == date(2027, 1, 8)
    assert "待节假日安排公布后确定" in str(answer.get("summary"))
    assert "最晚 2027-01-11" in str(answer.get("description"))
