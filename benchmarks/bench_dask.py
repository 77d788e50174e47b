"""``dask_cases`` (``batch.cases`` per partition, ``map_partitions``) on a local cluster of two
worker processes, against the same partitions computed one after the other in one process.
Prints a table and writes benchmarks/results/bench_dask.json.

    uv run python benchmarks/bench_dask.py [--rows 10000000] [--partitions 20] [--repeat 3]

Each partition is made where it is computed (``dask.dataframe.from_map``: the same seeded
``bench_cases.synthetic`` table of text columns, as ``dd.read_csv(..., dtype=str)`` gives them),
so no data crosses the network; each partition reports how many rows it computed and the CPU time
of its ``cases()`` call alone (``time.process_time`` around it). Rows:

* *one process*: the partitions one after the other in this process (wall time; CPU per case);
* *Dask, 2 workers*: ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` with
  ``MALLOC_TRIM_THRESHOLD_`` unset for the workers (``docs/batch.md``), wall time of
  ``compute()``; the speed-up is one process's wall time over it;
* *Dask, 2 workers, Dask's default* ``MALLOC_TRIM_THRESHOLD_=65536``: the same, to show what that
  setting costs (``batch.cases`` reuses its buffers chunk by chunk, so it should cost little).

The per-partition CPU per case (from inside the workers) is compared with one process's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_cases import AS_OF, synthetic
from machine import machine

RESULTS = Path(__file__).parent / "results" / "bench_dask.json"
TARGETS = {"partition_cpu_over_single_max": 1.2, "speedup_2_workers_min": 1.7}


def partition(i: int, rows: int, salt: str = "") -> pd.DataFrame:
    """Partition ``i``: ``rows`` cases as text columns, computed; one row of timings back
    (``salt`` only makes a round's graph differ from the last one's)."""
    from gkdeadline.batch_cases import cases

    frame = synthetic(rows, seed=i).to_pandas()
    frame = frame.astype(dict.fromkeys(frame.columns, "str"))
    t0 = time.process_time()
    w0 = time.perf_counter()
    out = cases(frame, as_of=AS_OF)
    cpu = time.process_time() - t0
    wall = time.perf_counter() - w0
    return pd.DataFrame(
        {
            "rows": [len(out)],
            "cpu": [cpu],
            "wall": [wall],
            "errors": [int(out["error"].notna().sum())],
            "pid": [os.getpid()],
        }
    )


def meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rows": pd.Series([], dtype="int64"),
            "cpu": pd.Series([], dtype="float64"),
            "wall": pd.Series([], dtype="float64"),
            "errors": pd.Series([], dtype="int64"),
            "pid": pd.Series([], dtype="int64"),
        }
    )


def one_process(parts: int, rows: int) -> tuple[float, pd.DataFrame]:
    t0 = time.perf_counter()
    out = pd.concat([partition(i, rows) for i in range(parts)], ignore_index=True)
    return time.perf_counter() - t0, out


def on_cluster(parts: int, rows: int, repeat: int, trim: bool) -> tuple[float, pd.DataFrame]:
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    saved = dict(os.environ)
    key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    here = str(Path(__file__).parent)  # the workers import this module (and bench_cases)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [here, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    with dask.config.set({key: 65536 if trim else None}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        try:
            settings = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
            assert set(settings.values()) == ({"65536"} if trim else {None}), settings
            ddf = dd.from_map(partition, range(2), rows=1000, meta=meta())
            ddf.compute()  # workers warm: numba's kernels loaded, the calendar built
            best = float("inf")
            result = meta()
            for k in range(repeat):
                # a new token each round: the same graph again would be answered from Dask's
                # results of the previous round, not computed
                token = f"bench-{'trim' if trim else 'unset'}-{k}-{time.time_ns()}"
                ddf = dd.from_map(partition, range(parts), rows=rows, salt=token, meta=meta())
                t0 = time.perf_counter()
                got = ddf.compute()
                wall = time.perf_counter() - t0
                assert not set(got["pid"]) & {os.getpid()}, "computed in the workers"
                assert float(got["wall"].max()) <= wall, "every partition computed this round"
                if wall < best:
                    best, result = wall, got
        finally:
            client.close()
            cluster.close()
            os.environ.clear()
            os.environ.update(saved)
    return best, result


def run(total: int, parts: int, repeat: int) -> dict[str, Any]:
    rows = total // parts
    load_before = os.getloadavg()
    partition(0, 1000)  # this process warm too
    single = float("inf")
    single_parts = meta()
    for _ in range(repeat):
        wall, got = one_process(parts, rows)
        if wall < single:
            single, single_parts = wall, got
    dask_wall, dask_parts = on_cluster(parts, rows, repeat, trim=False)
    trim_wall, trim_parts = on_cluster(parts, rows, repeat, trim=True)
    n = int(single_parts["rows"].sum())
    assert int(dask_parts["rows"].sum()) == n == int(trim_parts["rows"].sum()) == parts * rows
    errors = {int(p["errors"].sum()) for p in (single_parts, dask_parts, trim_parts)}
    assert len(errors) == 1, errors  # the same rows computed the same way everywhere

    def per_case(p: pd.DataFrame) -> float:
        return float(p["cpu"].sum()) / float(p["rows"].sum()) * 1e9

    rows_out = [
        {
            "run": "one process",
            "workers": 1,
            "wall_s": single,
            "cases_per_s": n / single,
            "partition_cpu_ns_per_case": per_case(single_parts),
            "speedup": 1.0,
        },
        {
            "run": "dask, MALLOC_TRIM_THRESHOLD_ unset",
            "workers": 2,
            "wall_s": dask_wall,
            "cases_per_s": n / dask_wall,
            "partition_cpu_ns_per_case": per_case(dask_parts),
            "speedup": single / dask_wall,
        },
        {
            "run": "dask, MALLOC_TRIM_THRESHOLD_=65536 (Dask's default)",
            "workers": 2,
            "wall_s": trim_wall,
            "cases_per_s": n / trim_wall,
            "partition_cpu_ns_per_case": per_case(trim_parts),
            "speedup": single / trim_wall,
        },
    ]
    for r in rows_out:
        r["partition_cpu_over_single"] = (
            r["partition_cpu_ns_per_case"] / rows_out[0]["partition_cpu_ns_per_case"]
        )
    import dask
    import distributed

    return {
        "benchmark": "dask",
        "script": "benchmarks/bench_dask.py",
        "date": date.today().isoformat(),
        "machine": {**machine(), "dask": dask.__version__, "distributed": distributed.__version__},
        "best_of": repeat,
        "load_average": [load_before[0], os.getloadavg()[0]],
        "targets": TARGETS,
        "cases": n,
        "partitions": parts,
        "rows_per_partition": rows,
        "rows": rows_out,
    }


def print_table(results: dict[str, Any]) -> None:
    print(
        f"# {results['date']}; {results['cases']:,} cases in {results['partitions']} partitions;"
        f" best of {results['best_of']}; load average {results['load_average'][0]:.2f} →"
        f" {results['load_average'][1]:.2f}"
    )
    print(
        f"{'run':<52} {'wall s':>7} {'cases/s':>11} {'speed-up':>8} {'cpu ns/case':>11}"
        f" {'÷ 1 proc':>8}"
    )
    for r in results["rows"]:
        print(
            f"{r['run']:<52} {r['wall_s']:7.2f} {r['cases_per_s']:>11,.0f} {r['speedup']:7.2f}×"
            f" {r['partition_cpu_ns_per_case']:11.0f} {r['partition_cpu_over_single']:7.2f}×"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=RESULTS)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    np.seterr(all="ignore")
    results = run(args.rows, args.partitions, args.repeat)
    print_table(results)
    if not args.no_write:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
