"""``batch_cases.spark_cases``: ``cases()`` per Arrow batch through PySpark's ``mapInArrow``, on a
local Spark session (``local[2]``). Skipped where pyspark is not installed (it is no dependency
of the project: ``uv run --with pyspark pytest tests/test_spark.py`` runs these)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from gkdeadline.batch_cases import OUTPUT_COLUMNS, cases, spark_cases
from gkdeadline.errors import InputError, MissingDependencyError

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    sql = pytest.importorskip("pyspark.sql")
    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter
    session = (
        sql.SparkSession.builder.master("local[2]")
        .appName("gkdeadline-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # small Arrow batches: a task hands Python several, each computed on its own
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        if saved is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = saved


def _requests(n: int = 40) -> pa.Table:
    """``n`` one-row cases of several kinds, a bad date (row 3), an unknown channel (row 5), a
    missing channel (row 8), an extension (every 4th row) and answers (every 3rd)."""
    received = [date(2026, 1 + i % 11, 1 + i % 27).isoformat() for i in range(n)]
    channel: list[str | None] = [("in_person", "post")[i % 2] for i in range(n)]
    received[3] = "2026-02-30"
    channel[5] = "carrier_pigeon"
    channel[8] = None
    return pa.table(
        {
            "id": [f"r{i:03d}" for i in range(n)],
            "received": received,
            "channel": channel,
            "extension": [
                date(2026, 1 + i % 11, 28).isoformat() if i % 4 == 0 else None for i in range(n)
            ],
            "extension_workdays": pa.array(
                [15 if i % 4 == 0 else None for i in range(n)], type=pa.int32()
            ),
            "answered": [
                date(2026, 2 + i % 11, 20).isoformat() if i % 3 == 0 else None for i in range(n)
            ],
            "note": [f"note {i}" for i in range(n)],
        }
    )


def _frame(spark: Any, table: pa.Table) -> Any:
    """``table`` as a Spark DataFrame of text columns (``extension_workdays``: int), from Python
    rows (not through pandas: pyspark 3.5 on pandas 3 reads a missing text as 'NaN')."""
    kinds = {"extension_workdays": "int"}
    ddl = ", ".join(f"{name} {kinds.get(name, 'string')}" for name in table.column_names)
    return spark.createDataFrame([tuple(r.values()) for r in table.to_pylist()], ddl)


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows}


def test_spark_cases_equals_cases(spark: Any) -> None:
    table = _requests()
    sdf = _frame(spark, table).repartition(2)  # rows shuffled over 2 tasks
    got = [r.asDict() for r in spark_cases(sdf, as_of=AS_OF).collect()]
    want = cases(table, as_of=AS_OF).to_pylist()
    assert len(got) == len(want) == table.num_rows
    assert sorted(_by_id(got)) == sorted(_by_id(want))
    for key, row in _by_id(want).items():
        assert _by_id(got)[key] == row, key
    errors = {r["id"]: r["error_code"] for r in want if r["error_code"]}
    assert errors == {"r003": "date-invalid", "r005": "field-invalid", "r008": "field-missing"}
    assert sum(r["due"] is not None for r in got) == table.num_rows - 3


def test_spark_cases_keeps_the_row_order_of_a_partition(spark: Any) -> None:
    table = _requests(25)
    sdf = _frame(spark, table).coalesce(1)
    got = spark_cases(sdf, as_of=AS_OF).collect()
    assert [r["id"] for r in got] == table.column("id").to_pylist()


def test_spark_cases_types_come_from_the_engine(spark: Any) -> None:
    from pyspark.sql import types

    sdf = spark.createDataFrame(
        [("a", "2026-09-28", "in_person", "old status")],
        "id string, received string, channel string, status string",
    )
    out = spark_cases(sdf, as_of=AS_OF)
    kinds = {f.name: f.dataType for f in out.schema.fields}
    # the input's columns first (status replaced by the result's), then the result columns
    assert out.columns == ["id", "received", "channel", *OUTPUT_COLUMNS]
    assert kinds["due"] == kinds["due_earliest"] == kinds["due_latest"] == types.DateType()
    assert kinds["on_time"] == types.BooleanType()
    assert kinds["remaining_workdays"] == kinds["workdays_late"] == types.LongType()
    for name in ("status", "findings", "findings_basis", "findings_zh", "error_code", "error"):
        assert kinds[name] == types.StringType(), name
    row = out.first()
    assert row["status"] == "overdue" and row["due"] == date(2026, 10, 30)
    assert row["workdays_late"] == 16 and row["error"] is None


@pytest.mark.parametrize("large", ["false", "true"])
def test_spark_native_types(spark: Any, large: str) -> None:
    """Spark's own column types as input (DateType, IntegerType, BooleanType), with and without
    Arrow's large string type on the way to Python (``useLargeVarTypes``)."""
    spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", large)
    try:
        sdf = spark.createDataFrame(
            [
                ("a", date(2026, 9, 28), "online", date(2026, 9, 29), None, None, None),
                ("b", date(2026, 9, 28), "in_person", None, date(2026, 10, 28), 20, None),
                ("c", None, "in_person", None, None, None, None),
                ("d", date(2026, 9, 28), "post", None, None, None, date(2026, 11, 20)),
            ],
            "id string, received date, channel string, confirmed date,"
            " extension date, extension_workdays int, answered date",
        )
        got = [r.asDict() for r in spark_cases(sdf, as_of=AS_OF, messages=True).collect()]
        day = pa.date32()
        want = cases(
            pa.table(
                {
                    "id": ["a", "b", "c", "d"],
                    "received": pa.array([date(2026, 9, 28)] * 2 + [None, date(2026, 9, 28)], day),
                    "channel": ["online", "in_person", "in_person", "post"],
                    "confirmed": pa.array([date(2026, 9, 29), None, None, None], day),
                    "extension": pa.array([None, date(2026, 10, 28), None, None], day),
                    "extension_workdays": pa.array([None, 20, None, None], pa.int32()),
                    "answered": pa.array([None, None, None, date(2026, 11, 20)], day),
                }
            ),
            as_of=AS_OF,
            messages=True,
        ).to_pylist()
        assert _by_id(got) == _by_id(want)
        assert _by_id(got)["b"]["due"] == date(2026, 11, 27)
        assert _by_id(got)["c"]["error_code"] == "field-without-event"
        assert _by_id(got)["d"]["findings_zh"]
    finally:
        spark.conf.unset("spark.sql.execution.arrow.useLargeVarTypes")


def test_spark_cases_checks_the_columns_before_running(spark: Any) -> None:
    sdf = spark.createDataFrame([("a", ("2026-09-28",))], "id string, received struct<day: string>")
    with pytest.raises(InputError, match="received"):
        spark_cases(sdf, as_of=AS_OF)


def test_spark_cases_without_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyspark, a MissingDependencyError that says to install it (no extra installs it)."""
    monkeypatch.setitem(sys.modules, "pyspark.sql.pandas.types", None)
    with pytest.raises(MissingDependencyError, match="pip install pyspark") as info:
        spark_cases(object(), as_of=AS_OF)
    assert info.value.extra is None and info.value.code == "missing-dependency"


def test_a_column_spark_cannot_send_as_arrow_is_an_error_naming_it(spark: Any) -> None:
    """Every column goes through ``mapInArrow``: one whose type Spark cannot send to Python as
    Arrow (a year-month interval) is refused on the driver, by name, before anything runs."""
    frame = spark.sql("SELECT '2026-01-05' AS received, INTERVAL '1' YEAR AS term")
    with pytest.raises(InputError) as caught:
        spark_cases(frame, as_of=AS_OF)
    assert caught.value.code == "table-invalid"
    assert caught.value.field == "term"
    assert "term" in caught.value.message_zh and "Arrow" in caught.value.message_zh
