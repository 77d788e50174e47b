"""Backtest of the calendar's answers for years without a State Council notice.

    uv run python benchmarks/backtest_calendar.py [--quick] [--markdown] [--no-write]

Two parts, both against the built-in notices 2004–2026:

* **Projection** (``Calendar.with_projection()``): for every year 2008–2026, the year projected
  from the notices published before it (what the projection said the December before) against
  the real notice — days whose status differs, and the 20-workday deadlines (every start date of
  the year, all other years official) that differ, with the largest difference in days. The
  leave-one-out column projects from every other year; the "statutory only" column is the old
  projection (law days only, no 补假 or 调休).
* **Bounds** (``gkdeadline.calendar.bounds``): for every receipt date 1 November – 31 December of
  2007–2025, with the next year's notice withheld (years ≤ Y known; from Y-12-29 on only the
  bounds), the real 20- and 20+20-workday due dates (full official calendar) must lie within
  ``[earliest, latest]``; prints the widths. Exit status 1 if any real date falls outside.

Writes ``benchmarks/results/backtest_calendar.json``; :func:`render_backtest_markdown` turns it
into the short section of ``docs/calendar.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gkdeadline import Calendar, CalendarCoverageError, collecting_projected
from gkdeadline.calendar import bounds
from gkdeadline.calendar.holiday_law import law_for, statutory_days
from gkdeadline.calendar.official import SOURCE as OFFICIAL_SOURCE
from gkdeadline.calendar.official import official_schedules
from gkdeadline.calendar.projection import _project, project_year
from gkdeadline.calendar.schedule import DECEMBER_REACH, DayEntry, YearSchedule

RESULTS = Path(__file__).parent / "results" / "backtest_calendar.json"
PROJECTION_YEARS = range(2008, 2027)
BOUND_YEARS = range(2007, 2026)  # receipt years; the next year's notice is withheld
N = 20

Results = dict[str, Any]


def official() -> dict[int, YearSchedule]:
    return {s.year: s for s in official_schedules()}


def notice_days(year: int) -> list[date]:
    first = date(year - 1, *DECEMBER_REACH)
    last = date(year, *DECEMBER_REACH) - timedelta(days=1)
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def statuses(s: YearSchedule) -> dict[date, bool]:
    """Working (True) or not, for every day the notice decides."""
    named = {e.day: not e.off for e in s.entries}
    return {d: named.get(d, d.weekday() < 5) for d in notice_days(s.year)}


def statutory_only(year: int) -> YearSchedule:
    """The projection before this change: the law's days off, nothing else."""
    entries = tuple(DayEntry(d, n, True) for d, n in statutory_days(year))
    return YearSchedule(year, entries, "statutory only", None, "projected")


def calendar_with(national: Iterable[YearSchedule]) -> Calendar:
    return Calendar(national=tuple(national))


def coverage_gap(cal: Calendar, d: date) -> bool:
    try:
        cal.add_workdays(d, N)
    except CalendarCoverageError:
        return True
    return False


def due(cal: Calendar, d: date, steps: tuple[int, ...] = (N,)) -> date:
    """``d`` plus each span of workdays in turn (20+20: a deadline, then its extension).

    Without ProjectedCalendarWarning: these calendars are projected or bounded on purpose.
    """
    with collecting_projected():
        for n in steps:
            d = cal.add_workdays(d, n)
    return d


def short(x: bounds.Extraordinary) -> str:
    """``国发明电〔2015〕1号`` — the notice number of an extraordinary arrangement."""
    return x.notice[x.notice.rindex("（") + 1 : -1]


# --------------------------------------------------------------------------- projection


def projection_year(year: int, real: dict[int, YearSchedule]) -> dict[str, Any]:
    projected = project_year(year)
    loo = _project(year, {y: s for y, s in bounds.ordinary_history().items() if y != year})
    truth = statuses(real[year])

    def differ(s: YearSchedule) -> int:
        got = statuses(s)
        return sum(got[d] != truth[d] for d in truth)

    full = calendar_with(real.values())
    guess = calendar_with([*(s for y, s in real.items() if y != year), projected])
    last = full.last_day()  # 2026: starts whose deadline needs 2027 are left out
    starts = [
        d
        for k in range(365 + (year % 4 == 0))
        if (d := date(year, 1, 1) + timedelta(days=k)) < last and not coverage_gap(full, d)
    ]
    diffs = [abs((due(guess, d) - due(full, d)).days) for d in starts]
    wrong = [x for x in diffs if x]
    old = calendar_with([*(s for y, s in real.items() if y != year), statutory_only(year)])
    old_wrong = sum(due(old, d) != due(full, d) for d in starts)
    return {
        "year": year,
        "law": law_for(year).document,
        "days_differ": differ(projected),
        "days_differ_leave_one_out": differ(loo),
        "days_differ_statutory_only": differ(statutory_only(year)),
        "deadlines": len(starts),
        "deadlines_differ": len(wrong),
        "share_differ": round(len(wrong) / len(starts), 4),
        "share_differ_statutory_only": round(old_wrong / len(starts), 4),
        "max_diff_days": max(diffs),
        "extraordinary": [short(x) for x in bounds.EXTRAORDINARY if x.year == year],
    }


# --------------------------------------------------------------------------- bounds


def bounds_year(year: int, real: dict[int, YearSchedule], full: Calendar) -> dict[str, Any]:
    """Receipts 1 Nov – 31 Dec of ``year`` with the notice for ``year + 1`` withheld."""
    known = [s for y, s in real.items() if y <= year]
    lo = calendar_with([*known, bounds.earliest(year + 1)])
    hi = calendar_with([*known, bounds.latest(year + 1)])
    guess = calendar_with([*known, project_year(year + 1)])
    first = date(year, 11, 1)
    receipts = [first + timedelta(days=k) for k in range((date(year, 12, 31) - first).days + 1)]
    out: dict[str, Any] = {"year": year, "withheld": year + 1, "receipts": len(receipts)}
    outside: list[str] = []
    for label, steps in (("20", (N,)), ("20+20", (N, N))):
        widths, projection_hits = [], 0
        for d in receipts:
            truth = due(full, d, steps)
            a, b, p = (due(c, d, steps) for c in (lo, hi, guess))
            if not a <= truth <= b:
                outside.append(f"{d} {label}: real {truth} not in [{a}, {b}]")
            widths.append((b - a).days)
            projection_hits += p == truth
        out[label] = {
            "mean_width": round(sum(widths) / len(widths), 2),
            "max_width": max(widths),
            "projection_exact": round(projection_hits / len(receipts), 4),
        }
    out["outside"] = outside
    out["extraordinary"] = [short(x) for x in bounds.EXTRAORDINARY if x.year == year + 1]
    return out


def day_containment(real: dict[int, YearSchedule]) -> dict[str, list[str]]:
    """Every day of every notice 2008–2026 against the bounds (not only the December window)."""
    return {str(y): v for y in PROJECTION_YEARS if (v := bounds.violations(real[y]))}


# --------------------------------------------------------------------------- the run


def run(quick: bool = False) -> Results:
    real = official()
    full = calendar_with(real.values())
    proj_years = [2008, 2014, 2020, 2025, 2026] if quick else list(PROJECTION_YEARS)
    bound_years = list(BOUND_YEARS)  # cheap enough to check every year even in --quick
    projection = [projection_year(y, real) for y in proj_years]
    bound_rows = [bounds_year(y, real, full) for y in bound_years]
    # The years an extraordinary notice changed, again against the yearly notice alone (the
    # truth the bounds were derived from), to show what the extraordinary days did.
    ordinary = {y: bounds.ordinary(s) for y, s in real.items()}
    separately = [
        {**bounds_year(x.year - 1, ordinary, calendar_with(ordinary.values())), "truth": "ordinary"}
        for x in bounds.EXTRAORDINARY
        if x.year - 1 in bound_years and any(d.month <= 3 for d in x.off)  # reachable from Dec
    ]
    total_deadlines = sum(r["deadlines"] for r in projection)
    overall_projection = {
        "days_differ": sum(r["days_differ"] for r in projection),
        "days_differ_leave_one_out": sum(r["days_differ_leave_one_out"] for r in projection),
        "days_differ_statutory_only": sum(r["days_differ_statutory_only"] for r in projection),
        "share_differ": round(sum(r["deadlines_differ"] for r in projection) / total_deadlines, 4),
        "share_differ_statutory_only": round(
            sum(r["share_differ_statutory_only"] * r["deadlines"] for r in projection)
            / total_deadlines,
            4,
        ),
        "max_diff_days": max(r["max_diff_days"] for r in projection),
    }
    overall_bounds: dict[str, Any] = {
        "outside": sum(len(r["outside"]) for r in (*bound_rows, *separately))
    }
    for label in ("20", "20+20"):
        n = sum(r["receipts"] for r in bound_rows)
        overall_bounds[label] = {
            "mean_width": round(
                sum(r[label]["mean_width"] * r["receipts"] for r in bound_rows) / n, 2
            ),
            "max_width": max(r[label]["max_width"] for r in bound_rows),
            "projection_exact": round(
                sum(r[label]["projection_exact"] * r["receipts"] for r in bound_rows) / n, 4
            ),
        }
    return {
        "benchmark": "calendar-backtest",
        "generated_by": "benchmarks/backtest_calendar.py" + (" --quick" if quick else ""),
        "data": f"{OFFICIAL_SOURCE}（国务院办公厅历年放假安排通知）",
        "n_workdays": N,
        "projection": {"years": projection, "overall": overall_projection},
        "bounds": {
            "makeup_windows": dict(bounds.MAKEUP_WINDOWS),
            "day_off_windows": dict(bounds.DAY_OFF_WINDOWS),
            "assumptions": {b: bounds.assumptions(b) for b in ("earliest", "latest")},
            "years": bound_rows,
            "overall": overall_bounds,
            "without_extraordinary": separately,
            "day_violations": day_containment(real),
        },
    }


def print_text(results: Results) -> None:
    p = results["projection"]
    print(
        f"Projection vs the real notice ({results['n_workdays']}-workday deadlines, every start date)"
    )
    print("year  law              days≠  (LOO  law-only)  deadlines≠ (law-only)  max Δdays")
    for r in p["years"]:
        flag = "  *" if r["extraordinary"] else ""
        print(
            f"{r['year']}  {r['law']:<14} {r['days_differ']:>5}  ({r['days_differ_leave_one_out']:>3}"
            f"  {r['days_differ_statutory_only']:>4})     {r['share_differ']:>7.1%}"
            f" ({r['share_differ_statutory_only']:>6.1%})  {r['max_diff_days']:>5}{flag}"
        )
    o = p["overall"]
    print(
        f"all   {'':<14} {o['days_differ']:>5}  ({o['days_differ_leave_one_out']:>3}"
        f"  {o['days_differ_statutory_only']:>4})     {o['share_differ']:>7.1%}"
        f" ({o['share_differ_statutory_only']:>6.1%})  {o['max_diff_days']:>5}"
    )
    print("* extraordinary notice that year (2015 纪念日, 2020 春节延长): counted as differences\n")
    b = results["bounds"]
    print("Bounds: receipts 1 Nov – 31 Dec, next year's notice withheld; width = latest − earliest")
    print("receipt year  withheld   20: mean  max  proj=  |  20+20: mean  max  proj=  outside")
    for r in b["years"]:
        a, c = r["20"], r["20+20"]
        note = "".join(f"  ({x})" for x in r["extraordinary"])
        print(
            f"{r['year']:>12}  {r['withheld']:>8}  {a['mean_width']:>8.2f} {a['max_width']:>4}"
            f" {a['projection_exact']:>6.0%}  |  {c['mean_width']:>11.2f} {c['max_width']:>4}"
            f" {c['projection_exact']:>6.0%}  {len(r['outside']):>7}{note}"
        )
    o = b["overall"]
    print(
        f"{'all':>12}  {'':>8}  {o['20']['mean_width']:>8.2f} {o['20']['max_width']:>4}"
        f" {o['20']['projection_exact']:>6.0%}  |  {o['20+20']['mean_width']:>11.2f}"
        f" {o['20+20']['max_width']:>4} {o['20+20']['projection_exact']:>6.0%}  {o['outside']:>7}"
    )
    print("proj= share of receipts where the provisional projection gave the real due date")
    for r in b["without_extraordinary"]:
        a, c = r["20"], r["20+20"]
        print(
            f"{r['year']:>12}  {r['withheld']:>8}  {a['mean_width']:>8.2f} {a['max_width']:>4}"
            f" {a['projection_exact']:>6.0%}  |  {c['mean_width']:>11.2f} {c['max_width']:>4}"
            f" {c['projection_exact']:>6.0%}  {len(r['outside']):>7}"
            f"  against {r['withheld']} without {', '.join(r['extraordinary'])}"
        )
    for r in b["years"]:
        for line in r["outside"]:
            print("OUTSIDE", line)
    print("Day-level check, every notice 2008–2026 (outside the bounds):")
    for y, v in b["day_violations"].items():
        print(f"  {y}: {', '.join(v)}")


def render_backtest_markdown(results: Results) -> str:
    """The generated section of ``docs/calendar.md`` (rendered by ``benchmarks/report.py``)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from report import render_markdown

    return render_markdown(results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="five projection years only (CI)")
    ap.add_argument("--markdown", action="store_true", help="print the docs section")
    ap.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = ap.parse_args()
    results = run(quick=args.quick)
    if args.markdown:
        print(render_backtest_markdown(results))
    else:
        print_text(results)
    if not args.no_write and not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 1 if results["bounds"]["overall"]["outside"] else 0


if __name__ == "__main__":
    sys.exit(main())
