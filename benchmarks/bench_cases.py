"""Request cases: the scalar engine, the batch engine, and the previous release. Prints ratios.

    uv run python benchmarks/bench_cases.py [--cases 1000000] [--previous ebd6534]
        [--memory-rows 100,1000,3000,10000,100000,200000]

Rows (best of N on this machine; results written to benchmarks/results/bench_cases.json, which
``docs/benchmarks.md`` is generated from):

* ``Case(...).result()`` for a simple case (received only) and a full one (correction,
  consultation, suspension, extension), against the same calls in the previous release (run
  from a ``git worktree`` of ``--previous`` in a separate process, on the same machine and
  environment) — targets ≤ 50 µs and ≤ 150 µs. Each is timed twice: ``result()`` (as of
  today, what a case system asks; the replay that validates the events at construction is
  also today's status and is reused) and ``result(as_of)`` for another day (an auditor's
  question; a second replay);
* ``batch.cases`` on a million one-row cases (a consultation and an extension each) against the
  previous release's ``batch.cases`` on the same table, and against looping ``Case``: cases per
  second, and the peak memory allocated beyond the input table per row, at each of
  ``--memory-rows`` (10² … 2·10⁵ rows) and at the full ``--cases``: per phase of the call
  (computing the chunks; making the result columns Arrow arrays, after the chunks' working
  arrays are freed), tracemalloc's peak (Python objects and numpy arrays) plus the peak of
  Arrow's memory pool (pyarrow allocates outside tracemalloc's sight: the result's string, date
  and count columns are there); the larger of the two sums is an upper bound of the call's
  peak. Both parts are written to the results file (``peak_bytes_per_row``: at 200,000 rows).

The first batch call compiles the numba kernels (or loads them from the cache); it is excluded
from the timings and reported separately.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine

ROOT = Path(__file__).parent.parent
RESULTS = Path(__file__).parent / "results" / "bench_cases.json"
AS_OF = date(2026, 11, 23)

SIMPLE = [{"type": "received", "date": "2026-03-25", "channel": "in_person"}]
FULL = [
    {"type": "received", "date": "2026-03-25", "channel": "in_person"},
    {"type": "correction_requested", "date": "2026-03-27"},
    {"type": "correction_received", "date": "2026-03-30"},
    {"type": "consultation_started", "date": "2026-04-01", "party": "third_party"},
    {"type": "consultation_ended", "date": "2026-04-10", "party": "third_party"},
    {"type": "suspended", "date": "2026-04-13", "reason": "不可抗力"},
    {"type": "resumed", "date": "2026-04-15"},
    {"type": "extension", "date": "2026-05-06"},
]

# Timed in a child process so the previous release can be imported from its own source tree.
_SCALAR = """
import json, sys, time
from datetime import date
from gkdeadline.case import Case
cases = json.loads(sys.argv[1]); repeat = int(sys.argv[2]); number = int(sys.argv[3])
as_of = date(2026, 11, 23)
out = {}
for name, events in cases.items():
    # as of a given day (an auditor's question), and as of today (a case system's usual call)
    for key, day in ((name, as_of), (name + "_today", None)):
        Case("national", events).result(day)
        best = 1e9
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(number):
                Case("national", events).result(day)
            best = min(best, time.perf_counter() - t0)
        out[key] = best / number * 1e6
print(json.dumps(out))
"""

_BATCH = """
import sys, time
from datetime import date
import pyarrow.parquet as pq
from gkdeadline.batch_cases import cases
t = pq.read_table(sys.argv[1]); repeat = int(sys.argv[2])
cases(t.slice(0, 100), as_of=date(2026, 11, 23))
best = 1e9
for _ in range(repeat):
    t0 = time.perf_counter(); cases(t, as_of=date(2026, 11, 23)); best = min(best, time.perf_counter() - t0)
print(best)
"""


def long_case(n: int) -> list[dict[str, Any]]:
    """A case with ``n`` events: consultations opened and answered day after day (their spans
    touch, so they all merge into one block that changes with every reply)."""
    from datetime import timedelta

    events: list[dict[str, Any]] = [{"type": "received", "date": "2020-01-02", "channel": "post"}]
    day = date(2020, 1, 3)
    for k in range(n // 2):
        for kind in ("consultation_started", "consultation_ended"):
            events.append({"type": kind, "date": day.isoformat(), "party": "third_party"})
        if k % 3:
            day += timedelta(days=1)
    return events


def synthetic(n: int, seed: int = 0) -> pa.Table:
    """``n`` one-row cases 2020–2025, each with a closed third-party consultation and an
    extension granted before the deadline (the same table the previous release's benchmark used,
    with the channel and party written out)."""
    rng = np.random.default_rng(seed)
    received = np.datetime64("2020-01-01") + rng.integers(0, 365 * 6, n).astype("timedelta64[D]")
    started = received + rng.integers(1, 10, n).astype("timedelta64[D]")
    ended = started + rng.integers(0, 10, n).astype("timedelta64[D]")
    extension = ended + rng.integers(0, 5, n).astype("timedelta64[D]")
    return pa.table(
        {
            "id": pa.array(np.arange(n).astype(str)),
            "received": received,
            "channel": pa.array(["in_person"] * n),
            "consultation_started": started,
            "consultation_ended": ended,
            "consultation_party": pa.array(["third_party"] * n),
            "extension": extension,
        }
    )


def run_child(code: str, args: list[str], src: Path | None) -> str:
    env = dict(__import__("os").environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip().splitlines()[-1]


def previous_tree(ref: str) -> Path | None:
    """A checkout of the previous release's ``src`` (a git worktree), or None."""
    where = Path(tempfile.gettempdir()) / f"gkdeadline-previous-{ref}"
    if not where.exists():
        try:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), ref],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError):
            return None
    return where / "src"


# Run in a fresh process. ``cases`` works in two phases: the chunks are computed (working arrays
# reused from chunk to chunk, the results gathered compactly), then, with the working arrays
# freed, the result columns are made Arrow arrays. Each phase's peak is measured on its own:
# tracemalloc (Python objects and numpy arrays) plus Arrow's memory pool, counted by a proxy pool
# made the default at the start of the phase (so the input table's buffers are not in it, nor
# anything an earlier phase allocated, which is added as it stood when the phase began). The
# peak of the call is at most the larger of the two sums. The result is checked equal to
# ``cases`` on the same table.
_MEMORY = """
import json, sys, tracemalloc
from datetime import date
import pyarrow as pa, pyarrow.parquet as pq
from gkdeadline import batch_cases as bc
as_of = date(2026, 11, 23)
t = pq.read_table(sys.argv[1]).slice(0, int(sys.argv[2])).combine_chunks()
bc.cases(t.slice(0, 100), as_of=as_of)
kw = dict(profile="national", as_of=as_of, schedules=(), projection=False, catalogue=None,
          strict=False, messages=False, rows=None)
base = pa.default_memory_pool()
pool1 = pa.proxy_memory_pool(base)
pa.set_memory_pool(pool1)
tracemalloc.start()
whole = bc._compute_chunks(t, **kw)
traced1 = tracemalloc.get_traced_memory()[1]
arrow1, left = pool1.max_memory(), pool1.bytes_allocated()
tracemalloc.reset_peak()
pool2 = pa.proxy_memory_pool(base)
pa.set_memory_pool(pool2)
types = bc._output_types()
out = bc.attach(t, {k: pa.chunked_array([whole.arrow(k)], type=types[k]) for k in bc.OUTPUT_COLUMNS})
traced2 = tracemalloc.get_traced_memory()[1]
arrow2 = left + pool2.max_memory()
tracemalloc.stop()
pa.set_memory_pool(base)
assert out.equals(bc.cases(t, as_of=as_of))
n = t.num_rows
phases = [(traced1, arrow1), (traced2, arrow2)]
traced, arrow = max(phases, key=sum)
print(json.dumps({"rows": n, "chunk_rows": bc.chunk_rows(n), "traced": traced / n,
                  "arrow": arrow / n, "phases": [[a / n, b / n] for a, b in phases]}))
sys.stdout.flush()
import os; os._exit(0)  # the proxy pools outlive every buffer they gave
"""


def batch_memory(path: Path, rows: int) -> dict[str, float]:
    """Peak bytes allocated per row while ``batch.cases`` runs on the first ``rows`` rows of the
    Parquet file ``path`` (beyond the input table): ``bytes_per_row`` (the larger of its two
    phases' peaks), and that phase's ``traced`` (tracemalloc) and ``arrow`` (Arrow's pool)."""
    got = json.loads(run_child(_MEMORY, [str(path), str(rows)], None))
    got["bytes_per_row"] = got["traced"] + got["arrow"]
    return dict(got)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--previous", default="ebd6534", help="git ref of the previous release")
    ap.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    ap.add_argument(
        "--memory-rows",
        default="100,1000,3000,10000,100000,200000",
        help="table sizes (besides --cases) to measure the peak memory at, comma-separated",
    )
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    sizes = sorted({int(v) for v in args.memory_rows.split(",") if v} | {args.cases})
    sizes = [v for v in sizes if 0 < v <= args.cases]

    from gkdeadline.batch_cases import cases
    from gkdeadline.case import Case

    t0 = time.perf_counter()
    cases(synthetic(10), as_of=AS_OF)
    first_call = time.perf_counter() - t0

    old_src = previous_tree(args.previous)
    payload = json.dumps({"simple": SIMPLE, "full": FULL})
    scalar_now = json.loads(run_child(_SCALAR, [payload, str(args.repeat), "2000"], None))
    scalar_old = (
        json.loads(run_child(_SCALAR, [payload, str(args.repeat), "500"], old_src))
        if old_src
        else None
    )

    table = synthetic(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.parquet"
        import pyarrow.parquet as pq

        pq.write_table(table, path)
        batch_now = float(run_child(_BATCH, [str(path), str(args.repeat)], None))
        batch_old = (
            float(run_child(_BATCH, [str(path), str(args.repeat)], old_src)) if old_src else None
        )
        peaks = [batch_memory(path, rows) for rows in sizes]
        memory = next((m for m in peaks if m["rows"] == 200_000), peaks[0])
    loop_n = 2000
    rows = table.slice(0, loop_n).to_pylist()
    t0 = time.perf_counter()
    for r in rows:
        Case(
            "national",
            [
                {"type": "received", "date": r["received"].isoformat(), "channel": "in_person"},
                {
                    "type": "consultation_started",
                    "date": r["consultation_started"].isoformat(),
                    "party": "third_party",
                },
                {
                    "type": "consultation_ended",
                    "date": r["consultation_ended"].isoformat(),
                    "party": "third_party",
                },
                {"type": "extension", "date": r["extension"].isoformat()},
            ],
        ).result(AS_OF)
    loop = (time.perf_counter() - t0) / loop_n
    many = long_case(20_000)
    long_s = 1e9
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        Case("national", many).result(AS_OF)
        long_s = min(long_s, time.perf_counter() - t0)

    results = {
        "benchmark": "cases",
        "script": "benchmarks/bench_cases.py",
        "date": date.today().isoformat(),
        "machine": machine(),
        "best_of": args.repeat,
        "previous": args.previous,
        "scalar": {
            "simple_us": scalar_now["simple"],
            "full_us": scalar_now["full"],
            "previous_simple_us": scalar_old["simple"] if scalar_old else None,
            "previous_full_us": scalar_old["full"] if scalar_old else None,
            "simple_today_us": scalar_now["simple_today"],
            "full_today_us": scalar_now["full_today"],
            "previous_simple_today_us": scalar_old["simple_today"] if scalar_old else None,
            "previous_full_today_us": scalar_old["full_today"] if scalar_old else None,
            "events_20000_s": long_s,
        },
        "batch": {
            "cases": args.cases,
            "seconds": batch_now,
            "cases_per_s": args.cases / batch_now,
            "previous_seconds": batch_old,
            "previous_cases_per_s": args.cases / batch_old if batch_old else None,
            "scalar_loop_us": loop * 1e6,
            "peak_bytes_per_row": memory["bytes_per_row"],
            "peak": peaks,
            "first_call_s": first_call,
        },
    }
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if not args.no_write:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
