"""The Dask recipe of docs/batch.md, as the page shows it, on a local two-process cluster.

The page's blocks are read out of the page (:func:`tests.test_docs_blocks.page_block`), so the
test runs exactly what a reader copies: connect (with Dask's ``MALLOC_TRIM_THRESHOLD_`` unset for
the workers), ``dask_cases(...).to_parquet("checked/")``, read the Parquet back.
"""

from __future__ import annotations

import copy
import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.test_docs_blocks import REQUESTS_CSV, page_block

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import pandas as pd  # noqa: E402

from gkdeadline.batch_cases import cases, dask_cases  # noqa: E402

AS_OF = date(2026, 11, 23)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """requests-1.csv and requests-2.csv in the working directory; Dask's configuration and the
    process environment (a nanny writes its pre-spawn variables into it) restored afterwards."""
    head, *rows = REQUESTS_CSV.splitlines()
    for n, part in enumerate((rows[:3], rows[3:]), 1):
        (tmp_path / f"requests-{n}.csv").write_text("\n".join([head, *part]) + "\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    saved_config = copy.deepcopy(dask.config.config)
    saved_env = dict(os.environ)
    try:
        yield tmp_path
    finally:
        dask.config.config.clear()
        dask.config.config.update(saved_config)
        os.environ.clear()
        os.environ.update(saved_env)


def test_recipe_on_a_local_cluster(workdir: Path) -> None:
    connect = page_block("docs/batch.md", "LocalCluster(n_workers=2, processes=True)")
    recipe = page_block("docs/batch.md", 'out.to_parquet("checked/")')
    namespace: dict[str, Any] = {}
    exec(compile(connect.text, connect.page, "exec"), namespace)
    client = namespace["client"]
    try:
        workers = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert len(workers) == 2 and set(workers.values()) == {None}
        exec(compile(recipe.text, recipe.page, "exec"), namespace)
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()

    back = pd.read_parquet(workdir / "checked")
    ref = cases(pd.read_csv(io.StringIO(REQUESTS_CSV), dtype=str), as_of=AS_OF)
    assert back["id"].tolist() == ref["id"].tolist()
    assert [d if pd.notna(d) else None for d in back["due"]] == [
        d if pd.notna(d) else None for d in ref["due"]
    ]
    for column in ("status", "workdays_late", "findings", "error_code"):
        assert back[column].astype(object).where(back[column].notna(), None).tolist() == (
            ref[column].astype(object).where(ref[column].notna(), None).tolist()
        ), column
    assert str(back["due"].dtype) == "date32[day][pyarrow]"


def test_dask_cases_writes_parquet_without_a_cast(workdir: Path) -> None:
    ddf = dd.read_csv("requests-*.csv", dtype=str)
    dask_cases(ddf, as_of=AS_OF).to_parquet("checked/")
    back = pd.read_parquet(workdir / "checked")
    assert len(back) == 6
    assert str(back["due"].dtype) == "date32[day][pyarrow]"


def test_dask_event_log_equals_event_log_with_the_input_row_numbers() -> None:
    """Events of a case spread over partitions (shuffled input): one row per case, equal to
    ``event_log`` on the whole table, bad events named by their row in the whole input."""
    import random

    from gkdeadline.batch_cases import dask_event_log, event_log

    rows: list[dict[str, Any]] = []
    for i in range(40):
        case = f"c{i}"
        rows.append({"case_id": case, "type": "received", "date": "2026-03-25",
                     "channel": "in_person"})  # fmt: skip
        if i % 3 == 0:
            rows.append({"case_id": case, "type": "extension", "date": "2026-04-20",
                         "workdays": "20"})  # fmt: skip
        if i % 5 == 0:
            rows.append({"case_id": case, "type": "answered", "date": "2026-02-30"})
        if i % 7 == 0:
            rows.append({"case_id": case, "type": "answered", "date": "2026-05-06"})
    random.Random(3).shuffle(rows)
    frame = pd.DataFrame(rows).astype(object).where(pd.DataFrame(rows).notna(), None)
    ref = event_log(frame, as_of=AS_OF).to_pandas().sort_values("case_id")
    with dask.config.set(scheduler="synchronous"):
        got = dask_event_log(dd.from_pandas(frame, npartitions=5), as_of=AS_OF).compute()
    got = got.sort_values("case_id")
    assert len(got) == 40

    def values(df: pd.DataFrame, name: str) -> list[Any]:
        return [None if pd.isna(v) else v for v in df[name].astype(object)]

    for name in ("case_id", "due", "status", "workdays_late", "error_code", "error"):
        assert values(got, name) == values(ref, name), name
    assert [None if v is None else int(v) for v in values(got, "error_row")] == [
        None if v is None else int(v) for v in values(ref, "error_row")
    ]
    bad = [int(v) for v in values(got, "error_row") if v is not None]
    assert bad and all(rows[r]["date"] == "2026-02-30" for r in bad)


def test_dask_event_log_names_the_input_row_of_a_missing_case_id() -> None:
    from gkdeadline.batch_cases import dask_event_log
    from gkdeadline.errors import InputError

    rows = [(f"c{i}", "received", "2026-09-28", "in_person") for i in range(5)]
    rows.append((None, "received", "2026-09-28", "in_person"))  # input row 5
    frame = pd.DataFrame(rows, columns=["case_id", "type", "date", "channel"])
    with dask.config.set(scheduler="synchronous"), pytest.raises(InputError) as info:
        dask_event_log(dd.from_pandas(frame, npartitions=3), as_of=AS_OF).compute()
    assert info.value.row == 5 and str(info.value).startswith("第 5 行")
