"""gkdeadline batch and batch_files: CSV / JSON Lines / Parquet, chunked, no row lost; Dask."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from gkdeadline import InputError
from gkdeadline.batch_cases import cases, dask_cases
from gkdeadline.batch_files import process_file
from gkdeadline.cli import main

AS_OF = date(2026, 11, 23)
CSV = """id,received,channel,confirmed,consultation_started,consultation_ended,extension,extension_workdays,answered,note
A1,2026-09-28,,,,,2026-10-28,20,,"a, quoted note"
A2,2026-03-25,,,2026-04-01,2026-04-10,2026-05-06,20,2026-05-20,
A3,2026-02-13,online,2026-02-14,,,,,,
A4,28/09/2026,,,,,,,,
A5,2026-09-28,fax,,,,,,,
"""


def _rows(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".csv":
        opts = pcsv.ConvertOptions(strings_can_be_null=True)
        return pcsv.read_csv(path, convert_options=opts).to_pylist()
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def csv_in(tmp_path: Path) -> Path:
    f = tmp_path / "in.csv"
    f.write_text(CSV, encoding="utf-8")
    return f


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_every_format_keeps_every_row_in_order(csv_in: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    summary = process_file(csv_in, out, as_of=AS_OF, chunk_rows=2)  # several chunks
    assert (summary.rows, summary.computed, summary.errors) == (5, 3, 2)
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4", "A5"]
    assert [str(r["due"]) if r["due"] else None for r in rows] == [
        "2026-11-27",
        "2026-06-03",
        "2026-03-20",
        None,
        None,
    ]
    assert rows[0]["note"] == "a, quoted note"
    assert "not a date" in str(rows[3]["error"]) and "needs 'confirmed'" in str(rows[4]["error"])
    back = tmp_path / f"back{suffix}.csv"
    assert process_file(out, back, as_of=AS_OF).rows == 5  # output files are valid input


def test_jsonl_bad_lines_become_error_rows(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "J1", "received": "2026-09-28"}\n{oops\n\n[1, 2]\n'
        '{"id": "J4", "received": "2026-09-28", "extension": "2026-10-20", "extension_workdays": 5}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = process_file(f, out, as_of=AS_OF, chunk_rows=2)
    rows = _rows(out)
    assert summary.rows == 4 and len(rows) == 4
    assert [r["error"] for r in rows[1:3]] == [
        "line 2: not valid JSON: Expecting property name enclosed in double quotes",
        "line 4: not a JSON object",
    ]
    assert rows[3]["due"] == date(2026, 11, 6) and rows[3]["id"] == "J4"


def test_file_level_problems(tmp_path: Path, csv_in: Path) -> None:
    with pytest.raises(InputError, match=r"unknown file type \.xlsx"):
        process_file(csv_in, tmp_path / "out.xlsx")
    with pytest.raises(InputError, match="does not exist"):
        process_file(tmp_path / "missing.csv", tmp_path / "out.csv")
    with pytest.raises(InputError, match="overwrite the input"):
        process_file(csv_in, csv_in)
    bad = tmp_path / "nocol.csv"
    bad.write_text("id,date\n1,2026-01-05\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'received' column"):
        process_file(bad, tmp_path / "out.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty file"):
        process_file(empty, tmp_path / "out.csv")


def test_columns_missing_from_later_chunks_are_filled(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "1", "received": "2026-09-28", "answered": "2026-10-01"}\n{"id": "2", "received": "2026-09-28"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    process_file(f, out, as_of=AS_OF, chunk_rows=1)
    assert [r["answered"] for r in _rows(out)] == ["2026-10-01", None]
    # a key that first appears late is still a column of the whole CSV (the keys are scanned first)
    g = tmp_path / "late.jsonl"
    g.write_text(
        '{"id": "1", "received": "2026-09-28"}\n{"id": "2", "received": "2026-09-28", "answered": "2026-10-01"}\n',
        encoding="utf-8",
    )
    process_file(g, tmp_path / "late.csv", as_of=AS_OF, chunk_rows=1)
    assert [r["answered"] and str(r["answered"]) for r in _rows(tmp_path / "late.csv")] == [
        None,
        "2026-10-01",
    ]


def test_cli_batch_exit_status_and_summary(capsys, csv_in: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code = main(["batch", str(csv_in), "--out", str(out), "--as-of", "2026-11-23"])
    _, err = capsys.readouterr()
    assert code == 1 and err.strip() == f"gkdeadline: 5 rows: 3 computed, 2 with errors → {out}"
    assert (
        main(["batch", str(csv_in), "--out", str(out), "--as-of", "2026-11-23", "--allow-errors"])
        == 0
    )
    capsys.readouterr()
    assert main(["batch", str(tmp_path / "nope.csv"), "--out", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "does not exist" in err


def test_memory_stays_flat_with_chunks(tmp_path: Path) -> None:
    n = 50_000
    table = pa.table({"id": [str(i) for i in range(n)], "received": ["2026-09-28"] * n})
    src = tmp_path / "big.parquet"
    pq.write_table(table, src)
    seen: list[int] = []
    summary = process_file(
        src, tmp_path / "big.csv", as_of=AS_OF, chunk_rows=7_000, progress=seen.append
    )
    assert summary.rows == n and sum(seen) == n and max(seen) <= 7_000


def test_dask_on_a_local_cluster_matches_pandas() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    pdf = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(400)],
            "received": pd.date_range("2025-01-01", periods=400, freq="D").strftime("%Y-%m-%d"),
        }
    )
    pdf.loc[7, "received"] = "not a date"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        out = dask_cases(dd.from_pandas(pdf, npartitions=4), as_of=AS_OF).compute()
    ref = cases(pdf, as_of=AS_OF)
    assert out["id"].tolist() == ref["id"].tolist() == pdf["id"].tolist()
    assert out["due"].tolist() == ref["due"].tolist()
    assert out["error"].notna().sum() == 1 and "not a date" in out.loc[7, "error"]


def test_pyspark_map_in_pandas() -> None:
    pyspark = pytest.importorskip("pyspark.sql")
    spark = pyspark.SparkSession.builder.master("local[2]").getOrCreate()
    try:
        sdf = spark.createDataFrame(
            pd.DataFrame({"id": ["a", "b"], "received": ["2026-09-28", "bad"]})
        )
        schema = "id string, received string, due date, status string, on_time boolean, remaining_workdays long, warnings string, error string"
        out = sdf.mapInPandas(
            lambda it: (cases(p, as_of=AS_OF) for p in it), schema=schema
        ).toPandas()
        assert out["due"].tolist()[0] == date(2026, 10, 30) and out["error"].notna().tolist() == [
            False,
            True,
        ]
    finally:
        spark.stop()
