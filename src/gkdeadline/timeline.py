"""A case's timeline as SVG: receipt, days off, spans that do not count, restarts, extension,
deadline and answer on one axis.

Built with the standard library's ElementTree — the picture is a handful of rectangles, lines
and labels, which does not justify a plotting dependency in the core package.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from gkdeadline.calendar import Calendar
from gkdeadline.case import CaseResult
from gkdeadline.errors import CalendarCoverageError

WIDTH, LEFT, RIGHT = 960, 40, 40
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
COLORS = {
    "axis": "#444",
    "off": "#eceff1",
    "makeup": "#ffe0b2",
    "span": "#90a4ae",
    "correction": "#fff59d",
    "due": "#c62828",
    "original": "#ef9a9a",
    "ok": "#2e7d32",
    "late": "#c62828",
    "event": "#1565c0",
}


def _x(day: date, first: date, last: date) -> float:
    total = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / total


def timeline_svg(result: CaseResult, calendar: Calendar, title: str | None = None) -> str:
    """The SVG document (text) for a case result."""
    if result.received is None:
        raise ValueError("the case has no receipt date to draw from")
    events = list(result.trail)
    points = [result.received, *(s.date for s in events)]
    points += [
        d for d in (result.due, result.answered, result.as_of) if d is not None and d < date.max
    ]
    points += [s.last for s in result.spans if s.last is not None]
    first = min(points) - timedelta(days=2)
    last = max(points) + timedelta(days=3)
    height = 250
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(WIDTH),
        height=str(height),
        viewBox=f"0 0 {WIDTH} {height}",
        role="img",
    )
    name = f"{result.id}，" if result.id else ""
    heading = title or f"案件时间线（{name}{result.profile}）"
    ET.SubElement(svg, "title").text = heading
    ET.SubElement(svg, "rect", width=str(WIDTH), height=str(height), fill="white")
    _text(svg, LEFT, 24, heading, size=16, weight="bold")
    axis_y, band_top, band_h = 150, 60, 90

    # days off and makeup working days, from the calendar the case was computed on
    day = first
    span_w = (WIDTH - LEFT - RIGHT) / max((last - first).days, 1)
    while day <= last:
        try:
            work = calendar.is_workday(day)
        except CalendarCoverageError:  # a day the calendar does not know is drawn plain
            work = True
        x = _x(day, first, last)
        if not work or day.weekday() >= 5:
            fill = COLORS["off"] if not work else COLORS["makeup"]
            _rect(svg, x, band_top, span_w, band_h, fill)
        day += timedelta(days=1)

    # spans that do not count, and the wait for a correction
    for span in result.spans:
        end = span.last if span.last is not None else (result.as_of or last)
        x1, x2 = _x(span.first, first, last), _x(end + timedelta(days=1), first, last)
        color = COLORS["span"] if not span.counted else COLORS["off"]
        _rect(svg, x1, 118, max(x2 - x1, 2), 14, color, rx="3")
        note = span.note or "不计入"
        _text(svg, x1, 112, f"{note}（{span.first:%m-%d}～{end:%m-%d}）", size=11)
    requested = [s.date for s in events if s.event == "correction_requested"]
    received_fix = [s.date for s in events if s.event == "correction_received"]
    for i, start in enumerate(requested):
        end = received_fix[i] if i < len(received_fix) else (result.as_of or last)
        x1, x2 = _x(start, first, last), _x(end, first, last)
        _rect(svg, x1, 96, max(x2 - x1, 2), 14, COLORS["correction"], rx="3")
        _text(svg, x1, 90, "等待补正，补正后重新计算", size=11)

    # the axis, with a tick for each month start and week
    _line(svg, LEFT, axis_y, WIDTH - RIGHT, axis_y, COLORS["axis"])
    day = first
    while day <= last:
        # Mondays, and month starts not crowded by a nearby Monday tick
        if day.weekday() == 0 or (day.day == 1 and day.weekday() not in (1, 2, 5, 6)):
            x = _x(day, first, last)
            _line(svg, x, axis_y, x, axis_y + 5, COLORS["axis"])
            _text(svg, x, axis_y + 18, f"{day:%m-%d}", size=10, anchor="middle", fill="#666")
        day += timedelta(days=1)

    # events
    marks: list[tuple[date, str, str]] = [(result.received, "收到申请", COLORS["event"])]
    for i, s in enumerate(events):
        if s.event == "extension" and i > 0 and events[i - 1].due is not None:
            original = events[i - 1].due
            assert original is not None
            marks.append((original, "原期限", COLORS["original"]))
            marks.append((s.date, "延长", COLORS["event"]))
        elif s.event == "correction_received":
            marks.append((s.date, "收到补正", COLORS["event"]))
        elif s.event == "delay_set":
            marks.append((s.date, "延迟答复", COLORS["event"]))
    if result.due is not None:
        marks.append((result.due, "答复期限", COLORS["due"]))
    if result.answered is not None:
        ok = result.on_time is not False
        marks.append(
            (
                result.answered,
                "答复（按期）" if ok else "答复（逾期）",
                COLORS["ok" if ok else "late"],
            )
        )
    for row, (day, label, color) in enumerate(sorted(marks, key=lambda m: m[0])):
        x = _x(day, first, last)
        _line(svg, x, band_top, x, axis_y, color).set("stroke-width", "2")
        ET.SubElement(svg, "circle", cx=f"{x:.1f}", cy=str(axis_y), r="4", fill=color)
        _text(
            svg,
            x,
            axis_y + 36 + 14 * (row % 3),
            f"{label}（{day:%m-%d}）",
            size=11,
            anchor="middle",
            fill=color,
        )

    # legend
    legend = [
        (COLORS["off"], "休息日"),
        (COLORS["makeup"], "调休上班"),
        (COLORS["span"], "不计入期限"),
        (COLORS["correction"], "等待补正"),
    ]
    for k, (color, label) in enumerate(legend):
        x = WIDTH - RIGHT - 4 * 110 + k * 110
        ET.SubElement(
            svg, "rect", x=str(x), y="14", width="12", height="12", fill=color, stroke="#999"
        )
        _text(svg, x + 16, 25, label, size=11)
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode") + "\n"


def _rect(
    parent: ET.Element, x: float, y: float, width: float, height: float, fill: str, rx: str = "0"
) -> None:
    size = {"width": f"{width:.1f}", "height": str(height)}
    ET.SubElement(parent, "rect", size, x=f"{x:.1f}", y=str(y), fill=fill, rx=rx)


def _line(
    parent: ET.Element, x1: float, y1: float, x2: float, y2: float, stroke: str
) -> ET.Element:
    ends = {"x1": f"{x1:.1f}", "y1": str(y1), "x2": f"{x2:.1f}", "y2": str(y2)}
    return ET.SubElement(parent, "line", ends, stroke=stroke)


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    *,
    size: int = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#222",
) -> None:
    el = ET.SubElement(
        parent,
        "text",
        {
            "x": f"{x:.1f}",
            "y": f"{y:.1f}",
            "fill": fill,
            "font-size": str(size),
            "font-family": FONT,
            "text-anchor": anchor,
            "font-weight": weight,
        },
    )
    el.text = text
