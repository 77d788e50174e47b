"""`gkdeadline batch` on files: CSV → CSV, Parquet → Parquet and JSON Lines → JSON Lines, against
pyarrow's streaming floor. Prints a table and writes benchmarks/results/bench_files.json.

    uv run python benchmarks/bench_files.py [--rows 1000000] [--repeat 3]

Rows (best of ``--repeat`` rounds, the timed calls taking turns in each round):

* ``process_file(src, dst)`` — what ``gkdeadline batch src --out dst`` runs: read in chunks, compute
  every case, write to a temporary file, count the rows written back, fsync, rename — on a
  one-row-per-case file of ``--rows`` cases (``bench_cases.synthetic``: a consultation and an
  extension each), for each format;
* two *floors*, both bare pyarrow streaming, no computing:

  - *read + write the input* (the first definition, kept for comparison): read the file and write
    the *input* table back (``pyarrow.csv.open_csv`` → ``CSVWriter``;
    ``ParquetFile.iter_batches`` → ``ParquetWriter``). It understates the least a run costs:
    ``gkdeadline batch`` writes the input's columns *and* twelve result columns, an output ~3×
    the input in CSV (201 MB for a 73 MB input at 10⁶ rows);
  - *read input + write output* (the fair floor): the same streaming read of the input, then a
    streaming write, in batches of 100,000 rows, of a table with the output's schema and values
    (``attach(input, batch.cases(input))``, computed before timing, so the computing is left
    out): what any implementation that reads and writes these files through Arrow costs at
    least. The targets are read against this one;

  JSON Lines has no pyarrow writer: its target is relative to the CSV run;
* for reference, ``batch.cases`` on the same table already in memory (the compute alone);
* peak memory: the growth of the process's peak RSS during one run in a fresh process, per row.

Every run's output is checked equal (the result columns of the CSV, Parquet and JSON Lines outputs
agree with ``batch.cases`` on the same rows) before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from bench_cases import AS_OF, synthetic
from machine import machine

RESULTS = Path(__file__).parent / "results" / "bench_files.json"
FORMATS = ("csv", "parquet", "jsonl")
# the targets: within 2× of pyarrow's streaming read + write; JSON Lines within 2× of CSV
TARGETS = {"over_floor_max": 2.0, "jsonl_over_csv_max": 2.0}

_RSS_CHILD = """
import sys, time
from datetime import date
from pathlib import Path
from gkdeadline.batch_files import process_file
src, dst, warm = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
process_file(warm, dst, as_of=date(2026, 11, 23))  # the kernels loaded, pyarrow's pools warm
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
open("/proc/self/clear_refs", "w").write("5")  # the peak RSS from here on
base = status("VmRSS:")
process_file(src, dst, as_of=date(2026, 11, 23))
print(status("VmHWM:") - base)
"""


def write_inputs(table: pa.Table, folder: Path) -> dict[str, Path]:
    """The same cases as CSV and JSON Lines (every value text, as exported) and Parquet (dates
    as dates)."""
    paths = {fmt: folder / f"cases.{fmt}" for fmt in FORMATS}
    pq.write_table(table, paths["parquet"])
    text = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    pcsv.write_csv(text, paths["csv"], write_options=pcsv.WriteOptions(quoting_style="none"))
    with paths["jsonl"].open("w", encoding="utf-8") as f:
        for batch in text.to_batches(100_000):
            for row in batch.to_pylist():
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return paths


def floor_csv(src: Path, dst: Path) -> None:
    with pcsv.open_csv(src) as reader:
        writer = None
        for batch in reader:
            if writer is None:
                writer = pcsv.CSVWriter(str(dst), batch.schema)
            writer.write_batch(batch)
        if writer is not None:
            writer.close()


def floor_parquet(src: Path, dst: Path) -> None:
    writer = None
    for batch in pq.ParquetFile(src).iter_batches(batch_size=100_000):
        if writer is None:
            writer = pq.ParquetWriter(str(dst), batch.schema)
        writer.write_batch(batch)
    if writer is not None:
        writer.close()


def output_table(table: pa.Table, fmt: str) -> pa.Table:
    """What ``gkdeadline batch`` writes for ``table`` in format ``fmt``: the input's columns as
    the file gives them (text in CSV, typed in Parquet) and the result columns."""
    from gkdeadline.batch_cases import cases

    if fmt == "csv":
        table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    return cases(table, as_of=AS_OF)


def floor_fair_csv(src: Path, out: pa.Table, dst: Path) -> None:
    """A bare streaming read of ``src``, then a bare streaming write of ``out``."""
    with pcsv.open_csv(src) as reader:
        for _batch in reader:
            pass
    with pcsv.CSVWriter(str(dst), out.schema) as writer:
        for batch in out.to_batches(100_000):
            writer.write_batch(batch)


def floor_fair_parquet(src: Path, out: pa.Table, dst: Path) -> None:
    """A bare streaming read of ``src``, then a bare streaming write of ``out``."""
    for _batch in pq.ParquetFile(src).iter_batches(batch_size=100_000):
        pass
    with pq.ParquetWriter(str(dst), out.schema) as writer:
        for batch in out.to_batches(100_000):
            writer.write_batch(batch)


def best_interleaved(fs: list[Callable[[], object]], repeat: int) -> list[float]:
    best = [float("inf")] * len(fs)
    for _ in range(repeat):
        for k, f in enumerate(fs):
            t0 = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def read_results(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    if path.suffix == ".csv":
        return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
    return pa.Table.from_pylist([json.loads(line) for line in path.open(encoding="utf-8")])


def check_equal(paths: dict[str, Path], out: Path, table: pa.Table) -> None:
    """Every format's output has the rows of ``batch.cases`` on the same table."""
    from gkdeadline.batch_cases import cases
    from gkdeadline.batch_files import process_file

    ref = cases(table, as_of=AS_OF)
    for fmt, src in paths.items():
        dst = out / f"check.{fmt}"
        process_file(src, dst, as_of=AS_OF)
        got = read_results(dst)
        assert got.num_rows == ref.num_rows, fmt
        for name in ("due", "status", "workdays_late", "findings", "error_code"):
            a = [None if v is None else str(v) for v in got.column(name).to_pylist()]
            b = [None if v is None else str(v) for v in ref.column(name).to_pylist()]
            assert a == b, (fmt, name)


def rss_growth(src: Path, dst: Path, warm: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(src), str(dst), str(warm)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def run(rows: int, repeat: int) -> dict[str, Any]:
    from gkdeadline.batch_cases import cases
    from gkdeadline.batch_files import process_file

    load_before = os.getloadavg()
    table = synthetic(rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_inputs(table, folder)
        warm_dir = folder / "warm"
        warm_dir.mkdir()
        warm = write_inputs(synthetic(1000, seed=1), warm_dir)
        for fmt in FORMATS:  # the kernels compiled (or loaded from the cache) before timing
            process_file(warm[fmt], folder / f"warm-out.{fmt}", as_of=AS_OF)
        check_equal(paths, folder, table)
        calls: list[Callable[[], object]] = []
        for fmt in FORMATS:
            calls.append(
                lambda fmt=fmt: process_file(paths[fmt], folder / f"out.{fmt}", as_of=AS_OF)
            )
        calls.append(lambda: floor_csv(paths["csv"], folder / "floor.csv"))
        calls.append(lambda: floor_parquet(paths["parquet"], folder / "floor.parquet"))
        calls.append(lambda: cases(table, as_of=AS_OF))
        outs = {fmt: output_table(table, fmt) for fmt in ("csv", "parquet")}
        calls.append(lambda o=outs["csv"]: floor_fair_csv(paths["csv"], o, folder / "fair.csv"))
        calls.append(
            lambda o=outs["parquet"]: floor_fair_parquet(
                paths["parquet"], o, folder / "fair.parquet"
            )
        )
        timed = best_interleaved(calls, repeat)
        ours = dict(zip(FORMATS, timed[:3], strict=True))
        floors = {"csv": timed[3], "parquet": timed[4]}
        compute = timed[5]
        fair = {"csv": timed[6], "parquet": timed[7]}
        fair_sizes = {"csv": (folder / "fair.csv").stat().st_size,
                      "parquet": (folder / "fair.parquet").stat().st_size}  # fmt: skip
        rss = {fmt: rss_growth(paths[fmt], folder / f"rss.{fmt}", warm[fmt]) for fmt in FORMATS}
        sizes = {fmt: paths[fmt].stat().st_size for fmt in FORMATS}
        out_sizes = {fmt: (folder / f"out.{fmt}").stat().st_size for fmt in FORMATS}
    result_rows = []
    for fmt in FORMATS:
        floor = floors.get(fmt)
        result_rows.append(
            {
                "format": fmt,
                "rows": rows,
                "input_bytes": sizes[fmt],
                "output_bytes": out_sizes[fmt],
                "seconds": ours[fmt],
                "rows_per_s": rows / ours[fmt],
                "floor_seconds": floor,
                "over_floor": ours[fmt] / floor if floor else None,
                "fair_floor_seconds": fair.get(fmt),
                "over_fair_floor": ours[fmt] / fair[fmt] if fmt in fair else None,
                "fair_floor_output_bytes": fair_sizes.get(fmt),
                "over_csv": ours[fmt] / ours["csv"],
                "peak_rss_bytes_per_row": rss[fmt] / rows,
            }
        )
    return {
        "benchmark": "files",
        "script": "benchmarks/bench_files.py",
        "date": date.today().isoformat(),
        "machine": machine(),
        "best_of": repeat,
        "load_average": [load_before[0], os.getloadavg()[0]],
        "targets": TARGETS,
        "compute_seconds": compute,
        "rows": result_rows,
    }


def print_table(results: dict[str, Any]) -> None:
    print(
        f"# {results['date']}; best of {results['best_of']}; load average"
        f" {results['load_average'][0]:.2f} → {results['load_average'][1]:.2f}"
    )
    print(
        f"{'gkdeadline batch':<26} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'floor s':>8}"
        f" {'÷ floor':>8} {'fair s':>8} {'÷ fair':>8} {'÷ CSV':>6} {'RSS B/row':>9}"
    )
    for r in results["rows"]:
        floor = f"{r['floor_seconds']:8.3f}" if r["floor_seconds"] else f"{'—':>8}"
        over = f"{r['over_floor']:7.2f}×" if r["over_floor"] else f"{'—':>8}"
        fair = f"{r['fair_floor_seconds']:8.3f}" if r.get("fair_floor_seconds") else f"{'—':>8}"
        over_fair = f"{r['over_fair_floor']:7.2f}×" if r.get("over_fair_floor") else f"{'—':>8}"
        print(
            f"{r['format'] + ' → ' + r['format']:<26} {r['rows']:>10,} {r['seconds']:8.3f}"
            f" {r['rows_per_s']:>10,.0f} {floor} {over} {fair} {over_fair}"
            f" {r['over_csv']:5.2f}× {r['peak_rss_bytes_per_row']:9.0f}"
        )
    print(
        "# floor: read the input + write the input back; fair: read the input + write the"
        " output (precomputed)"
    )
    print(f"# batch.cases on the same table in memory: {results['compute_seconds']:.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    results = run(args.rows, args.repeat)
    print_table(results)
    if not args.no_write:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
