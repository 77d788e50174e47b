"""Every row of the performance table in one run: runs the benchmark scripts, then prints the one
table and writes benchmarks/results/bench_all.json (``docs/benchmarks.md`` is generated from it).

    uv run python benchmarks/bench_all.py                 # the full sizes (~10 minutes)
    uv run python benchmarks/bench_all.py --quick         # 10× smaller, results in a temp folder
    uv run python benchmarks/bench_all.py --table-only    # the table of the last results
    uv run python benchmarks/bench_all.py --table-only --json benchmarks/results/bench_all.json
        # … and that table written as the results file (after rerunning one script)

Rows, each from the script that measures it (run here one after the other, in subprocesses, so
each starts in a fresh process):

* ``batch.add_workdays``, ``batch.workdays_between``, ``batch.is_workday`` on 10⁷ dates
  (``bench_calendar.py``): ns per element, numpy's business-day function (peer), a bare numpy
  gather (floor), gkdeadline ÷ floor, peak temporary bytes per element;
* ``batch.cases`` on 10⁶ one-row cases (``bench_cases.py``): cases per second, the previous
  release (peer), peak bytes per row beyond the input (Python, numpy and Arrow);
* ``gkdeadline batch`` on a 10⁶-row CSV, Parquet and JSON Lines file (``bench_files.py``):
  seconds, the fair floor (pyarrow reading the input and writing the output, computed before) and
  gkdeadline ÷ it, the first floor (reading and writing the input) in brackets; JSON Lines ÷ the
  CSV run; peak RSS per row;
* Dask ``map_partitions`` over 10⁷ rows on two workers (``bench_dask.py``): cases per second,
  one process computing the same partitions (peer), the speed-up.

``--quick`` (or smaller ``--calendar``, ``--cases``, ``--file-rows``, ``--dask-rows``) is for a
check that everything runs: the sub-results then go to a temporary folder, not to the results
the documentation is built from.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine
from report import issue_table

HERE = Path(__file__).parent
RESULTS_DIR = HERE / "results"
FULL = {"calendar": 10_000_000, "cases": 1_000_000, "file_rows": 1_000_000, "dask_rows": 10_000_000}


def run_scripts(sizes: dict[str, int], folder: Path, repeat: int | None) -> dict[str, Path]:
    """Each benchmark script, run once, writing its results file into ``folder``."""
    rep = ["--repeat", str(repeat)] if repeat else []
    calendar = sorted({max(sizes["calendar"] // 10, 1), sizes["calendar"]})
    jobs = {
        # (the tenth too: the calendar's section of the docs shows both sizes)
        "calendar": ["bench_calendar.py", "--sizes", *(str(n) for n in calendar), *rep],
        "cases": ["bench_cases.py", "--cases", str(sizes["cases"]), *rep],
        "files": ["bench_files.py", "--rows", str(sizes["file_rows"]), *rep],
        "dask": ["bench_dask.py", "--rows", str(sizes["dask_rows"]), *rep],
    }
    paths = {}
    for name, (script, *args) in jobs.items():
        out = folder / f"bench_{name}.json"
        print(f"# running {script} {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args, "--json", str(out)], check=True)
        paths[name] = out
    return paths


def collect(paths: dict[str, Path]) -> dict[str, Any]:
    """The results file of this run: the sources' own results, as they were written."""
    sources = {name: json.loads(p.read_text("utf-8")) for name, p in paths.items()}
    return {
        "benchmark": "all",
        "script": "benchmarks/bench_all.py",
        "date": date.today().isoformat(),
        "machine": machine(),
        "best_of": min(s.get("best_of", 1) for s in sources.values()),
        "sources": sources,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10× smaller sizes, a temporary folder")
    ap.add_argument("--calendar", type=int, help=f"dates (default {FULL['calendar']:,})")
    ap.add_argument("--cases", type=int, help=f"one-row cases (default {FULL['cases']:,})")
    ap.add_argument("--file-rows", type=int, help=f"file rows (default {FULL['file_rows']:,})")
    ap.add_argument("--dask-rows", type=int, help=f"Dask rows (default {FULL['dask_rows']:,})")
    ap.add_argument("--repeat", type=int, help="best of this many (default: each script's own)")
    ap.add_argument("--table-only", action="store_true", help="no run: the last results' table")
    ap.add_argument("--json", type=Path, help="where to write (default results/bench_all.json)")
    args = ap.parse_args()

    sizes = {k: v // 10 if args.quick else v for k, v in FULL.items()}
    for key in sizes:
        given = getattr(args, key)
        if given is not None:
            sizes[key] = given
    full = sizes == FULL and not args.quick
    if args.table_only:
        paths = {n: RESULTS_DIR / f"bench_{n}.json" for n in ("calendar", "cases", "files", "dask")}
        results = collect(paths)
        print("\n".join(issue_table(results)))
        if args.json is not None:  # each source keeps its own date and machine
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
            print(f"# written to {args.json}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = RESULTS_DIR if full else Path(tmp)
        results = collect(run_scripts(sizes, folder, args.repeat))
    print()
    print("\n".join(issue_table(results)))
    target = args.json or (RESULTS_DIR / "bench_all.json" if full else None)
    if target is not None:
        target.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"# written to {target}")
    else:
        print("# smaller than the table's sizes: not written (give --json to keep it)")


if __name__ == "__main__":
    main()
