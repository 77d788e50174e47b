"""``spark_cases`` (``batch.cases`` per Arrow batch, ``mapInArrow``) on a local Spark session of
two cores, against ``cases()`` on the same table in one process. Prints what it measured; pyspark
is no dependency of the project, so run it as

    uv run --with pyspark python benchmarks/bench_spark.py [--rows 1000000] [--files 4] [--repeat 2]

The table is ``bench_cases.synthetic`` (dates as Arrow dates, texts as strings), written as
``--files`` Parquet files that Spark reads in its own tasks (``local[2]``: two at a time). Each
Spark run writes the result to Spark's ``noop`` sink, so every output column is computed and
handed back to the JVM but nothing is kept; it runs once on a small table first so that both
Python workers have compiled the kernels. Rows:

* *one process*: ``cases(table)`` (after a warm-up call), wall time;
* *Spark local[2]*: ``spark_cases(spark.read.parquet(...))`` to the ``noop`` sink, wall time,
  with Spark's default Arrow batches (10,000 rows) and with batches of ``CHUNK_ROWS``;
* what Spark costs by itself: the same files read and written to the sink, and passed through
  a ``mapInArrow`` that returns its input batches (the trip to Python and back, no computing).

Each row is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
from bench_cases import AS_OF, synthetic
from gkdeadline.batch_cases import CHUNK_ROWS, cases, spark_cases
from machine import machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each Spark row (best kept)")
    args = ap.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import pyspark
    from pyspark.sql import SparkSession

    load = os.getloadavg()
    table = synthetic(args.rows)
    cases(table.slice(0, 1000), as_of=AS_OF)  # compile
    singles = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = cases(table, as_of=AS_OF)
        singles.append(time.perf_counter() - t0)
    single = min(singles)
    errors = out.num_rows - out.column("error").null_count
    print(f"machine: {machine(pyspark=pyspark.__version__)}")
    print(f"date: {date.today().isoformat()}, rows: {args.rows:,}, errors: {errors}")
    print(f"one process: {single:.2f} s ({args.rows / single / 1e6:.2f} M cases/s)")

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            step = -(-args.rows // args.files)
            for i, start in enumerate(range(0, args.rows, step)):
                pq.write_table(table.slice(start, step), Path(tmp) / f"part-{i}.parquet")
            pq.write_table(table.slice(0, 2000), Path(tmp) / "warm.parquet")
            warm = spark.read.parquet(str(Path(tmp) / "warm.parquet")).repartition(2)
            spark_cases(warm, as_of=AS_OF).write.format("noop").mode("overwrite").save()
            files = [str(p) for p in sorted(Path(tmp).glob("part-*"))]

            def timed(what: str, run: Callable[[Any], Any]) -> None:
                sdf = spark.read.parquet(*files)
                walls = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    run(sdf).write.format("noop").mode("overwrite").save()
                    walls.append(time.perf_counter() - t0)
                wall = min(walls)
                print(
                    f"{what}, {sdf.rdd.getNumPartitions()} partitions: {wall:.2f} s"
                    f" ({args.rows / wall / 1e6:.2f} M cases/s, {wall / single:.1f} times the"
                    " time of one process)"
                )

            timed("Spark local[2], read and write only", lambda sdf: sdf)
            timed(
                "Spark local[2], mapInArrow returning its input",
                lambda sdf: sdf.mapInArrow(_same, sdf.schema),
            )
            for batch in (10_000, CHUNK_ROWS):
                spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
                timed(
                    f"Spark local[2], spark_cases, Arrow batches of {batch:,} rows",
                    lambda sdf: spark_cases(sdf, as_of=AS_OF),
                )
    finally:
        spark.stop()
    print(f"load average (1 min) before and after: {load[0]:.2f}, {os.getloadavg()[0]:.2f}")


def _same(batches: Iterator[Any]) -> Iterator[Any]:
    yield from batches


if __name__ == "__main__":
    main()
