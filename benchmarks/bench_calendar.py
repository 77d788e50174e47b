"""Workday arithmetic: gkdeadline against the tools people use today. Prints ratios.

    uv run python benchmarks/bench_calendar.py [--dates 1000000] [--markdown]

Rows:
* scalar ``add_workdays(d, 20)`` vs ``chinese_calendar.find_workday(20, d)`` (target ≥ 1000×);
* scalar vs a hand-written day-by-day loop over a holiday set (what many systems do);
* ``batch.add_workdays`` on 1,000,000 dates vs ``numpy.busday_offset`` with the same holidays
  (target: no slower) — and how many of busday_offset's answers are wrong (makeup days).
Times are the best of several repeats on this machine; ratios are what to compare.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
import numpy as np

import gkdeadline
from gkdeadline import batch

N = 20


def best(f: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best seconds per call over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def sample_dates(count: int, seed: int = 0) -> list[date]:
    rng = np.random.default_rng(seed)
    first = date(2005, 1, 1).toordinal()
    span = date(2026, 9, 1).toordinal() - first
    return [date.fromordinal(first + int(k)) for k in rng.integers(0, span, count)]


def naive_loop_factory() -> Callable[[date, int], date]:
    cal = gkdeadline.default_calendar()
    off = {e.day for s in cal.schedules() for e in s.entries if e.off}
    work = {e.day for s in cal.schedules() for e in s.entries if not e.off}

    def add(d: date, n: int) -> date:
        while n:
            d += timedelta(days=1)
            if d in work or (d.weekday() < 5 and d not in off):
                n -= 1
        return d

    return add


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dates", type=int, default=1_000_000, help="batch size (default 1e6)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()

    cal = gkdeadline.default_calendar()
    cal.add_workdays(date(2020, 1, 2), 1)  # build the index outside the timings
    scalar_days = sample_dates(2000)
    loop_add = naive_loop_factory()

    def ours_scalar() -> None:
        for d in scalar_days:
            cal.add_workdays(d, N)

    def cc_scalar() -> None:
        for d in scalar_days[:200]:
            chinese_calendar.find_workday(N, d)

    def loop_scalar() -> None:
        for d in scalar_days:
            loop_add(d, N)

    # Sanity check. From a working day the two agree. From a day off, find_workday counts the
    # next working day as day 0 and lands one working day late: 条例 excludes the start day.
    probe = scalar_days[:200]
    on_workdays = [d for d in probe if cal.is_workday(d)]
    assert all(cal.add_workdays(d, N) == chinese_calendar.find_workday(N, d) for d in on_workdays)
    late = sum(
        cal.add_workdays(d, N + 1) == chinese_calendar.find_workday(N, d)
        for d in probe
        if not cal.is_workday(d)
    )
    t_ours = best(ours_scalar) / len(scalar_days)
    t_cc = best(cc_scalar, repeat=3) / 200
    t_loop = best(loop_scalar) / len(scalar_days)

    batch_days = np.array(sample_dates(args.dates, seed=1), dtype="datetime64[D]")
    holidays = np.array(
        sorted(e.day for s in cal.schedules() for e in s.entries if e.off and e.day.weekday() < 5),
        dtype="datetime64[D]",
    )
    busdaycal = np.busdaycalendar(holidays=holidays)
    ours = batch.add_workdays(batch_days, N)
    theirs = np.busday_offset(batch_days, N, roll="backward", busdaycal=busdaycal)
    wrong = int((ours != theirs).sum())
    t_batch = best(lambda: batch.add_workdays(batch_days, N))
    t_busday = best(lambda: np.busday_offset(batch_days, N, roll="backward", busdaycal=busdaycal))

    rows = [
        (
            "scalar add_workdays(d, 20)",
            "chinese_calendar.find_workday(20, d)",
            t_ours,
            t_cc,
            ">= 1000x",
            f"find_workday is 1 workday late from the {late} non-working starts of 200",
        ),
        (
            "scalar add_workdays(d, 20)",
            "day-by-day loop over a holiday set",
            t_ours,
            t_loop,
            "",
            "same data",
        ),
        (
            f"batch.add_workdays, {args.dates:,} dates",
            "numpy.busday_offset (+ holidays)",
            t_batch,
            t_busday,
            ">= 1x",
            f"busday_offset wrong on {wrong:,} ({wrong / args.dates:.1%}): no makeup days",
        ),
    ]
    versions = f"Python {platform.python_version()}, numpy {np.__version__}"
    print(f"# gkdeadline {gkdeadline.__version__}, {versions}")
    if args.markdown:
        print("| gkdeadline | compared with | gkdeadline | other | speed-up | target | note |")
        print("|---|---|---:|---:|---:|---|---|")
    for ours_name, other, a, b, target, note in rows:
        ratio = b / a
        if args.markdown:
            cells = [ours_name, other, fmt(a), fmt(b), f"**{ratio:,.0f}×**", target, note]
            print("| " + " | ".join(cells) + " |")
        else:
            times = f"{fmt(a):>10} {fmt(b):>10}  {ratio:>9,.1f}x"
            print(f"{ours_name:<40} vs {other:<40} {times}  {target:<9} {note}")


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


if __name__ == "__main__":
    main()
