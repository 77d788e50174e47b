"""Request cases at scale: batch against the scalar engine, throughput, scaling, files. Prints ratios.

    uv run python benchmarks/bench_cases.py [--cases 1000000] [--scalar 5000] [--markdown]
                                            [--plot docs/img/scaling.svg] [--file-rows 1000000]

Rows:
* ``batch.cases`` vs looping ``Case`` over the same rows (target ≥ 20×);
* 1,000,000 synthetic cases with a consultation and an extension each (target ≥ 200,000/s);
* ``batch.add_workdays`` from 10³ to 10⁷ dates, against ``numpy.busday_offset`` (plotted);
* a CSV file streamed through ``gkdeadline batch`` in chunks: rows/s and peak memory.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

import gkdeadline
from gkdeadline import batch
from gkdeadline.batch_cases import cases
from gkdeadline.case import Case

AS_OF = date(2026, 11, 23)


def synthetic(n: int, seed: int = 0) -> pa.Table:
    """n cases 2020–2025, each with a closed third-party consultation and an extension."""
    rng = np.random.default_rng(seed)
    received = np.datetime64("2020-01-01") + rng.integers(0, 365 * 6, n).astype("timedelta64[D]")
    started = received + rng.integers(1, 10, n).astype("timedelta64[D]")
    ended = started + rng.integers(0, 10, n).astype("timedelta64[D]")
    extension = ended + rng.integers(0, 5, n).astype("timedelta64[D]")
    return pa.table(
        {
            "id": pa.array(np.arange(n).astype(str)),
            "received": received,
            "consultation_started": started,
            "consultation_ended": ended,
            "extension": extension,
        }
    )


def scalar_loop(table: pa.Table) -> list[date | None]:
    out: list[date | None] = []
    for row in table.to_pylist():
        events = [
            {"type": "received", "date": row["received"].isoformat(), "channel": "in_person"},
            {
                "type": "consultation_started",
                "date": row["consultation_started"].isoformat(),
                "party": "third_party",
            },
            {
                "type": "consultation_ended",
                "date": row["consultation_ended"].isoformat(),
                "party": "third_party",
            },
            {"type": "extension", "date": row["extension"].isoformat()},
        ]
        out.append(Case("national", events).result(AS_OF).due)
    return out


def best(f, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def scaling(sizes: list[int]) -> list[tuple[int, float, float]]:
    cal = gkdeadline.default_calendar()
    hol = np.array(
        sorted(e.day for s in cal.schedules() for e in s.entries if e.off and e.day.weekday() < 5),
        dtype="datetime64[D]",
    )
    bdc = np.busdaycalendar(holidays=hol)
    rng = np.random.default_rng(3)
    out = []
    for n in sizes:
        d = np.datetime64("2005-01-01") + rng.integers(0, 365 * 21, n).astype("timedelta64[D]")
        ours = best(lambda d=d: batch.add_workdays(d, 20), repeat=3 if n < 10**7 else 1)
        theirs = best(
            lambda d=d: np.busday_offset(d, 20, roll="backward", busdaycal=bdc),
            repeat=3 if n < 10**7 else 1,
        )
        out.append((n, ours, theirs))
    return out


def plot(points: list[tuple[int, float, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [p[0] for p in points]
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.loglog(n, [p[1] for p in points], "o-", label="gkdeadline batch.add_workdays")
    ax.loglog(n, [p[2] for p in points], "s--", label="numpy.busday_offset (+ holidays)")
    ax.set_xlabel("dates")
    ax.set_ylabel("seconds")
    ax.set_title("add 20 workdays to n dates (2-core machine)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Date": None})  # no timestamp: the file changes only with data
    plt.close(fig)


_CHILD = """
import sys, time
from datetime import date
from gkdeadline.batch_files import process_file
t0 = time.perf_counter()
process_file(sys.argv[1], sys.argv[2], as_of=date.fromisoformat(sys.argv[3]), chunk_rows=100_000)
seconds = time.perf_counter() - t0
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(seconds, hwm / 1024)
"""


def stream(src: Path, dst: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of streaming a file, measured in a fresh process.

    The child reads its own VmHWM (Linux), which exec resets; the parent's rusage for
    children would include the parent's pages inherited at fork.
    """
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(dst), AS_OF.isoformat()],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak = (float(x) for x in done.stdout.split())
    return seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--scalar", type=int, default=5_000, help="rows for the scalar comparison")
    ap.add_argument("--file-rows", type=int, default=1_000_000)
    ap.add_argument(
        "--max-scale", type=int, default=7, help="largest size 10^k for the scaling run"
    )
    ap.add_argument("--plot", type=Path, help="write the scaling plot (SVG or PNG)")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()

    print(
        f"# gkdeadline {gkdeadline.__version__}, Python {platform.python_version()}, numpy {np.__version__}"
    )

    small = synthetic(args.scalar, seed=1)
    t_scalar = best(lambda: scalar_loop(small), repeat=1)
    t_batch_small = best(lambda: cases(small, as_of=AS_OF))
    same = scalar_loop(small[:200]) == cases(small[:200], as_of=AS_OF).column("due").to_pylist()
    big = synthetic(args.cases)
    t_big = best(lambda: cases(big, as_of=AS_OF))
    rate = args.cases / t_big

    with tempfile.TemporaryDirectory() as tmp:
        files = []  # (rows, MB, seconds, peak RSS of a fresh `gkdeadline batch` process)
        for n in (args.file_rows // 4, args.file_rows):
            src, dst = Path(tmp) / f"cases-{n}.csv", Path(tmp) / f"out-{n}.csv"
            pcsv.write_csv(synthetic(n, seed=2), src)
            files.append((n, src.stat().st_size / 2**20, *stream(src, dst)))
    rows = [
        (
            f"batch.cases, {args.scalar:,} cases",
            f"Case(...).result() in a loop, same rows ({'same answers' if same else 'ANSWERS DIFFER'})",
            t_batch_small,
            t_scalar,
            ">= 20x",
        ),
    ]
    table = [
        f"| batch.cases, {args.cases:,} cases (consultation + extension each) | {fmt(t_big)} | **{rate:,.0f} cases/s** | target >= 200,000/s |",
        *(
            f"| gkdeadline batch, {n:,}-row CSV ({mb:.0f} MB), chunks of 100,000 | {fmt(t)} | **{n / t:,.0f} rows/s** | peak memory {rss:.0f} MB |"
            for n, mb, t, rss in files
        ),
    ]
    points = scaling([10**k for k in range(3, args.max_scale + 1)])
    if args.plot:
        plot(points, args.plot)

    if args.markdown:
        print("| gkdeadline | compared with | gkdeadline | other | speed-up | target |")
        print("|---|---|---:|---:|---:|---|")
        for name, other, a, b, target in rows:
            print(f"| {name} | {other} | {fmt(a)} | {fmt(b)} | **{b / a:,.0f}×** | {target} |")
        print()
        print("| run | time | throughput | note |")
        print("|---|---:|---:|---|")
        print("\n".join(table))
        print()
        print("| dates | batch.add_workdays | numpy.busday_offset | speed-up |")
        print("|---:|---:|---:|---:|")
        for n, ours, theirs in points:
            print(f"| {n:,} | {fmt(ours)} | {fmt(theirs)} | {theirs / ours:,.1f}× |")
    else:
        for name, other, a, b, target in rows:
            print(f"{name:<32} vs {other:<70} {fmt(a):>9} {fmt(b):>9} {b / a:>8,.0f}x {target}")
        print(f"{args.cases:,} cases: {fmt(t_big)} = {rate:,.0f} cases/s (target >= 200,000/s)")
        for n, mb, t, rss in files:
            print(
                f"file: {n:,} rows ({mb:.0f} MB) in {fmt(t)} = {n / t:,.0f} rows/s, peak memory {rss:.0f} MB"
            )
        for n, ours, theirs in points:
            print(
                f"scaling {n:>12,} dates: {fmt(ours):>9} vs busday_offset {fmt(theirs):>9} ({theirs / ours:.1f}x)"
            )


if __name__ == "__main__":
    main()
