"""Event logs at scale: 1,000,000 cases (about 4.5 million events) through ``event_log``.

    uv run python benchmarks/bench_eventlog.py [--cases 1000000] [--small 250000]
                                               [--chunk-rows 200000] [--json PATH]

The log comes from ``benchmarks/gen_export.py`` (canonical columns, denser than the default
export: more corrections, consultations, extensions and deliveries, so about 4.5 events a case),
written once to a Parquet file grouped by case. Every measurement runs in a fresh process, which
reads its own peak resident memory (VmHWM, Linux) at the end:

* ``event_log`` on the whole table in memory (``pyarrow.parquet.read_table`` then
  ``batch_cases.event_log``);
* ``eventlog_files.event_log_file``: the file streamed in chunks of whole cases, results written
  to Parquet chunk by chunk — at ``--small`` cases and at ``--cases`` cases, to show that memory
  stays flat while the log grows;
* the reference: the same cases as one row per case (``batch_cases.cases`` on the pivoted table).

Before anything is reported the three results are compared case by case (``due``, ``status``,
``on_time``, ``workdays_late``, ``error_code``): they must be identical. Time is the computation
only (reading the input file included for the file paths, as a user would run them; the
in-memory path reports both). The first batch call in a fresh process loads the numba kernels
from the on-disk cache; a warm-up call on a few cases runs before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from gen_export import generate
from machine import machine

AS_OF = date(2027, 2, 26)
RESULTS = Path(__file__).parent / "results" / "bench_eventlog.json"
DENSE = {"correction": 0.3, "consultation": 0.3, "extension": 0.3, "delivered": 0.95}
COMPARE = ("due", "status", "on_time", "workdays_late", "error_code")
TARGET_SECONDS = 60.0

_WARM = """
from datetime import date
import pyarrow as pa
from gkdeadline.batch_cases import event_log
event_log(pa.table({"case_id": ["w"], "type": ["received"], "date": ["2025-03-04"],
                    "channel": ["in_person"]}), as_of=date(2025, 4, 1))
"""

_CHILD = {
    "memory": _WARM
    + """
import sys, time
import pyarrow.parquet as pq
from gkdeadline.batch_cases import event_log
t0 = time.perf_counter()
table = pq.read_table(sys.argv[1])
t1 = time.perf_counter()
out = event_log(table, as_of=date.fromisoformat(sys.argv[3]))
t2 = time.perf_counter()
pq.write_table(out.select(%r), sys.argv[2])
""",
    "stream": _WARM
    + """
import sys, time
from gkdeadline.eventlog_files import event_log_file
t0 = time.perf_counter()
t1 = t0
event_log_file(sys.argv[1], out=sys.argv[2], as_of=date.fromisoformat(sys.argv[3]),
               chunk_rows=int(sys.argv[4]))
t2 = time.perf_counter()
""",
    "one_row": _WARM
    + """
import sys, time
import pyarrow.parquet as pq
from gkdeadline.batch_cases import cases
t0 = time.perf_counter()
table = pq.read_table(sys.argv[1])
t1 = time.perf_counter()
out = cases(table, as_of=date.fromisoformat(sys.argv[3]))
t2 = time.perf_counter()
pq.write_table(out.select(["id", *%r]).rename_columns(["case_id", *%r]), sys.argv[2])
""",
}
_TAIL = """
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(t2 - t0, t2 - t1, hwm / 1024)
"""


def child(kind: str, src: Path, dst: Path, chunk_rows: int) -> dict[str, float]:
    code = _CHILD[kind]
    if kind == "memory":
        code = code % (["case_id", *COMPARE],)
    elif kind == "one_row":
        code = code % (list(COMPARE), list(COMPARE))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code + _TAIL,
            str(src),
            str(dst),
            AS_OF.isoformat(),
            str(chunk_rows),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    total, compute, peak = (float(x) for x in done.stdout.split())
    return {"seconds": total, "compute_seconds": compute, "peak_rss_mb": peak}


def one_row(t: pa.Table) -> pa.Table:
    """The event log pivoted to one row per case (every event type occurs at most once)."""
    enc = pc.dictionary_encode(t.column("case_id")).combine_chunks()
    case = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
    n = len(enc.dictionary)
    types = np.asarray(t.column("type").to_pylist(), dtype=object)
    day = t.column("date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    cols: dict[str, Any] = {"id": enc.dictionary}

    def put(name: str, rows: np.ndarray, values: np.ndarray, kind: Any) -> None:
        if kind == "date":
            out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            out[case[rows]] = values[rows]
            cols[name] = pa.array(out, pa.date32(), mask=np.isnat(out))
        else:
            out_o = np.full(n, None, dtype=object)
            out_o[case[rows]] = values[rows]
            cols[name] = pa.array(out_o, kind)

    fields = {f: np.asarray(t.column(f).to_pylist(), dtype=object) for f in
              ("channel", "party", "workdays", "outcome")}  # fmt: skip
    confirmed = t.column("confirmed").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    for kind in np.unique(types):
        rows = np.flatnonzero(types == kind)
        if len(np.unique(case[rows])) != len(rows):
            raise SystemExit(f"{kind} occurs twice in a case: no one-row equivalent")
        put(kind, rows, day, "date")
        if kind == "received":
            put("channel", rows, fields["channel"], pa.string())
            put("confirmed", rows, confirmed, "date")
        elif kind == "consultation_started":
            put("consultation_party", rows, fields["party"], pa.string())
        elif kind == "correction_deadline_set":
            put("correction_workdays", rows, fields["workdays"], pa.int64())
        elif kind == "extension":
            put("extension_workdays", rows, fields["workdays"], pa.int64())
        elif kind == "answered":
            put("outcome", rows, fields["outcome"], pa.string())
    return pa.table(cols)


def prepare(n: int, folder: Path) -> tuple[Path, Path, int]:
    """The event log and its one-row pivot as Parquet files (generated once, then reused)."""
    log = folder / f"eventlog-{n}.parquet"
    rows = folder / f"onerow-{n}.parquet"
    if not log.exists() or not rows.exists():
        t0 = time.perf_counter()
        t = generate(n, seed=7, rates=DENSE)
        t = t.drop_columns([c for c in t.column_names if c.startswith(("review", "litigation"))])
        pq.write_table(t, log, row_group_size=250_000)
        pq.write_table(one_row(t), rows, row_group_size=250_000)
        print(f"generated {n:,} cases, {t.num_rows:,} events in {time.perf_counter() - t0:.0f} s")
    events = pq.ParquetFile(log).metadata.num_rows
    return log, rows, events


def same(a: Path, b: Path) -> int:
    """Number of cases whose compared columns differ (0: identical)."""
    x = pq.read_table(a).sort_by("case_id")
    y = pq.read_table(b).sort_by("case_id")
    if x.num_rows != y.num_rows or x.column("case_id") != y.column("case_id"):
        return max(x.num_rows, y.num_rows)
    differ = np.zeros(x.num_rows, dtype=bool)
    for c in COMPARE:
        u, v = x.column(c).to_pylist(), y.column(c).to_pylist()
        differ |= np.asarray([p != q for p, q in zip(u, v, strict=True)])
    return int(differ.sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=250_000)
    ap.add_argument("--chunk-rows", type=int, default=200_000)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "gkdeadline-bench")
    ap.add_argument("--json", type=Path, default=RESULTS)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    checks: dict[str, int] = {}
    for n in (args.small, args.cases):
        log, onerow, events = prepare(n, args.cache)
        out = {k: args.cache / f"out-{k}-{n}.parquet" for k in ("memory", "stream", "one_row")}
        kinds = ("stream",) if n == args.small else ("memory", "stream", "one_row")
        for kind in kinds:
            src = onerow if kind == "one_row" else log
            r = child(kind, src, out[kind], args.chunk_rows)
            r.update(
                path=kind,
                cases=n,
                events=events,
                input_rows=n if kind == "one_row" else events,
                cases_per_s=n / r["compute_seconds"],
                chunk_rows=args.chunk_rows if kind == "stream" else None,
            )
            rows.append(r)
            print(
                f"{kind:8s} {n:>9,} cases {events:>10,} events: {r['seconds']:6.1f} s"
                f" (compute {r['compute_seconds']:.1f} s), peak RSS {r['peak_rss_mb']:,.0f} MB"
            )
        if n == args.cases:
            checks["stream_vs_memory"] = same(out["stream"], out["memory"])
            checks["one_row_vs_memory"] = same(out["one_row"], out["memory"])
            print(f"cases differing: {checks}")
    results = {
        "benchmark": "eventlog",
        "script": "benchmarks/bench_eventlog.py",
        "date": date.today().isoformat(),
        "machine": machine(),
        "best_of": 1,
        "as_of": AS_OF.isoformat(),
        "rates": DENSE,
        "target_seconds": TARGET_SECONDS,
        "compared": list(COMPARE),
        "differing_cases": checks,
        "load_average": os.getloadavg()[0],
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"→ {args.json}")


if __name__ == "__main__":
    main()
