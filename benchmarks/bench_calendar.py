"""Workday arithmetic: gkdeadline against numpy, chinese_calendar, a day-by-day loop and the floor.

    uv run python benchmarks/bench_calendar.py [--sizes 1000000 10000000] [--repeat 5]
                                               [--json benchmarks/results/bench_calendar.json]
                                               [--markdown]

One run measures, and writes to ``benchmarks/results/bench_calendar.json`` (rendered into
``docs/benchmarks.md`` by ``benchmarks/report.py``):

* ``batch.add_workdays`` / ``batch.workdays_between`` / ``batch.is_workday`` on 10⁶ and 10⁷
  random dates, against numpy's business-day functions given the *complete* Chinese calendar —
  ``np.busdaycalendar(weekmask="1111111", holidays=<every day off, weekends included, makeup
  days not listed>)`` — after checking that both give the same answer on every element; and
  against the *floor*, a bare numpy gather over preallocated arrays of precomputed indices (what
  any lookup-table implementation costs at least). Also the peak temporary memory per element
  (tracemalloc, the output array not counted).
* scalar ``Calendar.add_workdays`` against ``chinese_calendar.find_workday`` and against a
  day-by-day loop over holiday sets, on equal answers.
* the first call's cost (importing numba and compiling, or loading the compiled code from the
  on-disk cache), measured in fresh processes and kept out of every timing above.

Times are the best of ``--repeat`` rounds, the compared calls taking turns in each round;
absolute times vary by machine, compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import numpy as np

import gkdeadline
from gkdeadline import batch
from gkdeadline.calendar.index import EPOCH_ORDINAL

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine
from report import render_markdown

N = 20  # workdays added in every add_workdays row
FIRST, LAST = date(2005, 1, 1), date(2026, 9, 1)  # sample dates: well inside the calendar
RESULTS = Path(__file__).parent / "results" / "bench_calendar.json"


# ---------------------------------------------------------------------- measuring


def best_interleaved(fs: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best seconds per call of each function, the functions taking turns in every round, so
    that a busy moment on the machine does not favour one of them."""
    times: list[list[float]] = [[] for _ in fs]
    for _ in range(repeat):
        for f, t in zip(fs, times, strict=True):
            t0 = time.perf_counter()
            f()
            t.append(time.perf_counter() - t0)
    return [min(t) for t in times]


def temp_bytes(f: Callable[[], Any]) -> int:
    """Peak memory allocated during ``f()`` beyond its result (tracemalloc; numpy reports its
    array buffers to it). The result — the output array — is not a temporary."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = f()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    kept = result.nbytes if isinstance(result, np.ndarray) else 0
    return max(0, peak - base - kept)


def sample_days(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    span = (LAST - FIRST).days
    start = np.datetime64(FIRST.isoformat(), "D")
    return start + rng.integers(0, span, count).astype("timedelta64[D]")


# ---------------------------------------------------------------------- the peers


def numpy_calendar(cal: gkdeadline.Calendar) -> np.busdaycalendar:
    """numpy's business-day calendar for the same days, built from the schedules alone.

    weekmask "1111111": every day is a business day unless listed; the list is every day off in
    the calendar's span — weekends included — except the makeup working days (调休上班).
    """
    status: dict[date, bool] = {}  # day -> off; later schedules win, as in the calendar
    for s in cal.schedules():
        for e in s.entries:
            status[e.day] = e.off
    first, last = cal.first_day(), cal.last_day()
    off = [
        first + timedelta(days=k)
        for k in range((last - first).days + 1)
        if status.get(first + timedelta(days=k), (first + timedelta(days=k)).weekday() >= 5)
    ]
    return np.busdaycalendar(weekmask="1111111", holidays=np.array(off, dtype="datetime64[D]"))


def day_by_day_factory(cal: gkdeadline.Calendar) -> Callable[[date, int], date]:
    """What many systems do: step one day at a time over a holiday set and a makeup-day set."""
    status: dict[date, bool] = {}
    for s in cal.schedules():
        for e in s.entries:
            status[e.day] = e.off
    off = {d for d, is_off in status.items() if is_off}
    work = {d for d, is_off in status.items() if not is_off}
    one = timedelta(days=1)

    def add(d: date, n: int) -> date:
        while n:
            d += one
            if d in work or (d.weekday() < 5 and d not in off):
                n -= 1
        return d

    return add


# ---------------------------------------------------------------------- first call


FIRST_CALL = """
import json, time
t0 = time.perf_counter()
import numba
t1 = time.perf_counter()
import numpy as np
import gkdeadline
from gkdeadline import batch
gkdeadline.default_calendar().index  # the workday index is built once per process: not JIT
d = np.array(["2026-09-28", "2026-10-09"], dtype="datetime64[D]")
out = {"import_numba_s": t1 - t0}
for name, call in (
    ("add_workdays_s", lambda: batch.add_workdays(d, 20)),
    ("workdays_between_s", lambda: batch.workdays_between(d, d[::-1])),
    ("is_workday_s", lambda: batch.is_workday(d)),
):
    t = time.perf_counter()
    call()
    out[name] = time.perf_counter() - t
print(json.dumps(out))
"""


def first_calls() -> tuple[dict[str, float], dict[str, float]]:
    """The first calls in a fresh process with an empty numba cache (compiling), then in another
    fresh process with the cache the first one wrote (loading). A private cache folder, so
    neither depends on, nor disturbs, the cache of this checkout."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
        runs = [
            subprocess.run(
                [sys.executable, "-c", FIRST_CALL],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            for _ in range(2)
        ]
    cold: dict[str, float] = json.loads(runs[0].stdout)
    warm: dict[str, float] = json.loads(runs[1].stdout)
    return cold, warm


# ---------------------------------------------------------------------- rows


def batch_rows(
    cal: gkdeadline.Calendar, bdc: np.busdaycalendar, size: int, repeat: int
) -> list[dict[str, Any]]:
    ix = cal.index
    off = ix.first_ordinal - EPOCH_ORDINAL
    a = sample_days(size, seed=1)
    rng = np.random.default_rng(2)
    b = a + rng.integers(-90, 91, size).astype("timedelta64[D]")
    ia = a.view(np.int64) - off  # relative day indices, precomputed for the floor
    ib = b.view(np.int64) - off
    ia1, ib1 = ia + 1, ib + 1
    # numpy.busday_count(begin, end) counts [begin, end), and -(end, begin] when end < begin;
    # gkdeadline counts (a, b], and -(b, a] when b < a. Same days: shift both by one when a < b.
    shift = (a < b).astype("timedelta64[D]")
    a1, b1 = a + shift, b + shift
    del shift
    out_d = np.empty(size, dtype="datetime64[D]")
    peer_d = np.empty(size, dtype="datetime64[D]")
    out_i = np.empty(size, dtype=np.int64)
    peer_i = np.empty(size, dtype=np.int64)
    tmp = np.empty(size, dtype=np.int64)
    out_b = np.empty(size, dtype=np.bool_)
    peer_b = np.empty(size, dtype=np.bool_)

    # Same answers first, on every element (and n < 0 with roll="forward", for the convention).
    ours = batch.add_workdays(a, N)
    assert (ours == np.busday_offset(a, N, roll="backward", busdaycal=bdc)).all()
    assert (
        batch.add_workdays(a, -N) == np.busday_offset(a, -N, roll="forward", busdaycal=bdc)
    ).all()
    assert (batch.workdays_between(a, b) == np.busday_count(a1, b1, busdaycal=bdc)).all()
    assert (batch.is_workday(a) == np.is_busday(a, busdaycal=bdc)).all()
    del ours

    specs: list[dict[str, Any]] = [
        {
            "op": "batch.add_workdays",
            "ours": f"batch.add_workdays(dates, {N}, out=out)",
            "peer": f'numpy.busday_offset(dates, {N}, roll="backward", busdaycal=cal, out=out)',
            "floor": 'np.take(cum, i + 1, out=tmp, mode="clip");'
            ' np.take(ords, tmp, out=out, mode="clip")',
            "run": lambda: batch.add_workdays(a, N, out=out_d),
            "alloc": lambda: batch.add_workdays(a, N),
            "peer_run": lambda: np.busday_offset(a, N, roll="backward", busdaycal=bdc, out=peer_d),
            "peer_alloc": lambda: np.busday_offset(a, N, roll="backward", busdaycal=bdc),
            "floor_run": lambda: (
                np.take(ix.cum, ia1, out=tmp, mode="clip"),
                np.take(ix.ords, tmp, out=out_i, mode="clip"),
            ),
        },
        {
            "op": "batch.workdays_between",
            "ours": "batch.workdays_between(a, b, out=out)",
            "peer": "numpy.busday_count(a + s, b + s, busdaycal=cal, out=out)",
            "peer_note": "s is one day where a < b, else 0, added before timing: numpy counts"
            " [begin, end) forward and -(end, begin] backward, gkdeadline (a, b] and -(b, a]",
            "floor": 'np.take(cum, i + 1, out=tmp, mode="clip"); np.take(cum, j + 1, out=out,'
            ' mode="clip"); np.subtract(out, tmp, out=out)',
            "run": lambda: batch.workdays_between(a, b, out=out_i),
            "alloc": lambda: batch.workdays_between(a, b),
            "peer_run": lambda: np.busday_count(a1, b1, busdaycal=bdc, out=peer_i),
            "peer_alloc": lambda: np.busday_count(a1, b1, busdaycal=bdc),
            "floor_run": lambda: (
                np.take(ix.cum, ia1, out=tmp, mode="clip"),
                np.take(ix.cum, ib1, out=out_i, mode="clip"),
                np.subtract(out_i, tmp, out=out_i),
            ),
        },
        {
            "op": "batch.is_workday",
            "ours": "batch.is_workday(dates, out=out)",
            "peer": "numpy.is_busday(dates, busdaycal=cal, out=out)",
            "floor": 'np.take(work, i, out=out, mode="clip")',
            "floor_note": "work is the bool workday table: one byte per day, where the scalar"
            " kernel reads three int64 prefix-count tables",
            "run": lambda: batch.is_workday(a, out=out_b),
            "alloc": lambda: batch.is_workday(a),
            "peer_run": lambda: np.is_busday(a, busdaycal=bdc, out=peer_b),
            "peer_alloc": lambda: np.is_busday(a, busdaycal=bdc),
            "floor_run": lambda: np.take(ix.work, ia, out=out_b, mode="clip"),
        },
    ]
    rows: list[dict[str, Any]] = []
    for spec in specs:
        notes: dict[str, str] = {k: spec[k] for k in ("peer_note", "floor_note") if k in spec}
        spec["run"]()  # warm: compiled code and caches, so no first-call cost is timed
        timed = best_interleaved([spec["run"], spec["peer_run"], spec["floor_run"]], repeat)
        t_ours, t_peer, t_floor = (t / size for t in timed)
        rows.append(
            {
                "kind": "batch",
                "op": spec["op"],
                "elements": size,
                "ours": spec["ours"],
                "peer": spec["peer"],
                "floor": spec["floor"],
                **notes,
                "equal_answers": size,
                "ours_ns": t_ours * 1e9,
                "peer_ns": t_peer * 1e9,
                "floor_ns": t_floor * 1e9,
                "ours_over_floor": t_ours / t_floor,
                "peer_over_ours": t_peer / t_ours,
                "temp_bytes_per_element": temp_bytes(spec["alloc"]) / size,
                "peer_temp_bytes_per_element": temp_bytes(spec["peer_alloc"]) / size,
            }
        )
    return rows


def scalar_rows(cal: gkdeadline.Calendar, repeat: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    span = (LAST - FIRST).days
    days = [FIRST + timedelta(days=int(k)) for k in rng.integers(0, span, 2000)]
    few = days[:200]  # find_workday takes about a millisecond per call
    loop_add = day_by_day_factory(cal)
    # find_workday(delta, d) counts d itself when d is a working day; from a day off it counts
    # the next working day as day 0. gkdeadline never counts the start day (条例: 起算日不计入):
    # the same answer is find_workday(N, d) from a working day, find_workday(N - 1, d) otherwise.
    delta = [N if cal.is_workday(d) else N - 1 for d in few]
    starts_off = sum(x != N for x in delta)
    assert [cal.add_workdays(d, N) for d in few] == [
        chinese_calendar.find_workday(k, d) for k, d in zip(delta, few, strict=True)
    ]
    assert [cal.add_workdays(d, N) for d in days] == [loop_add(d, N) for d in days]

    def ours(sample: list[date]) -> Callable[[], None]:
        def run() -> None:
            for d in sample:
                cal.add_workdays(d, N)

        return run

    def cc() -> None:
        for k, d in zip(delta, few, strict=True):
            chinese_calendar.find_workday(k, d)

    def loop() -> None:
        for d in days:
            loop_add(d, N)

    t_ours, t_loop = (t / len(days) for t in best_interleaved([ours(days), loop], repeat))
    t_ours_few, t_cc = (t / len(few) for t in best_interleaved([ours(few), cc], repeat))
    return [
        {
            "kind": "scalar",
            "op": f"Calendar.add_workdays(d, {N})",
            "calls": len(few),
            "ours": f"Calendar.add_workdays(d, {N})",
            "peer": f"chinese_calendar.find_workday({N} or {N - 1}, d)",
            "peer_note": f"{N - 1} from the {starts_off} of {len(few)} starts that are days off,"
            " so that both count from the day after the start",
            "equal_answers": len(few),
            "ours_ns": t_ours_few * 1e9,
            "peer_ns": t_cc * 1e9,
            "peer_over_ours": t_cc / t_ours_few,
        },
        {
            "kind": "scalar",
            "op": f"Calendar.add_workdays(d, {N})",
            "calls": len(days),
            "ours": f"Calendar.add_workdays(d, {N})",
            "peer": "a day-by-day loop over a holiday set and a makeup-day set"
            " (one = timedelta(days=1) bound once)",
            "equal_answers": len(days),
            "ours_ns": t_ours * 1e9,
            "peer_ns": t_loop * 1e9,
            "peer_over_ours": t_loop / t_ours,
        },
    ]


# ---------------------------------------------------------------------- the run


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    cal = gkdeadline.default_calendar()
    d = np.array(["2026-09-28"], dtype="datetime64[D]")
    t0 = time.perf_counter()
    batch.add_workdays(d, 1), batch.workdays_between(d, d), batch.is_workday(d)
    in_process = time.perf_counter() - t0
    bdc = numpy_calendar(cal)
    rows = scalar_rows(cal, repeat)
    for size in sizes:
        rows += batch_rows(cal, bdc, size, repeat)
    cold, warm = first_calls()
    return {
        "benchmark": "calendar",
        "script": "benchmarks/bench_calendar.py",
        "date": date.today().isoformat(),
        "machine": machine(chinese_calendar=chinese_calendar.__version__),
        "best_of": repeat,
        # the issue "close to the floor": at the largest size, per batch function
        "targets": {"ours_over_floor_max": 3.0, "temp_bytes_per_element_max": 16.0},
        "first_call": {
            "cold_cache": cold,
            "warm_cache": warm,
            "this_process_s": in_process,
        },
        "rows": rows,
    }


def print_table(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(
        f"# {results['date']}  {m['cpu']}, {m['cores']} cores, {m['platform']}; Python"
        f" {m['python']}, numpy {m['numpy']}, numba {m['numba']}; best of {results['best_of']}"
    )
    head = (
        f"{'row':<34} {'size':>10} {'gkdeadline':>11} {'peer':>11} {'floor':>8} {'gk/floor':>8}"
        f" {'peer/gk':>8} {'tmp B/el':>8}  peer"
    )
    print(head)
    print(f"{'':<34} {'':>10} {'ns/elem':>11} {'ns/elem':>11} {'ns/elem':>8}")
    for r in results["rows"]:
        size = r.get("elements", r.get("calls"))
        floor = f"{r['floor_ns']:8.2f}" if "floor_ns" in r else f"{'—':>8}"
        ratio = f"{r['ours_over_floor']:7.2f}×" if "ours_over_floor" in r else f"{'—':>8}"
        tmp = (
            f"{r['temp_bytes_per_element']:8.3f}" if "temp_bytes_per_element" in r else f"{'—':>8}"
        )
        name = r["op"] if r["kind"] == "batch" else f"scalar {r['op']}"
        print(
            f"{name:<34} {size:>10,} {r['ours_ns']:11.2f} {r['peer_ns']:11.2f} {floor} {ratio}"
            f" {r['peer_over_ours']:7.1f}× {tmp}  {r['peer']}"
        )
    fc = results["first_call"]
    for label, key in (("cold cache (compile)", "cold_cache"), ("warm cache (load)", "warm_cache")):
        c = fc[key]
        calls = ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in c.items())
        print(f"# first call, fresh process, {label}: {calls}")
    print(
        f"# first calls in this process (excluded from the timings): {fc['this_process_s']:.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=5, help="best of this many rounds (default 5)")
    ap.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    ap.add_argument("--markdown", action="store_true", help="also print the docs section")
    args = ap.parse_args()
    results = run(args.sizes, args.repeat)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print_table(results)
    print(f"# written to {args.json}")
    if args.markdown:
        print()
        print(render_markdown(results))


if __name__ == "__main__":
    main()
