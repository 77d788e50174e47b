"""batch.cases computes a table a chunk of rows at a time, through the one-row layout
(``one_row_wide`` → ``compute_wide``): the same answers as the long form (``one_row_long`` →
``compute_long``) and the same whatever the chunk size, with messages, strict checks, bad rows,
several profiles and unpublished years; and the Arrow columns are the schema users see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkdeadline import batch_cases
from gkdeadline.batch_cases import (
    OUTPUT_COLUMNS,
    attach,
    cases,
    compute_long,
    compute_wide,
    one_row_long,
    one_row_wide,
)
from tests.test_batch_cases import rows

AS_OF = date(2026, 11, 23)


def _table(sample: list[dict[str, Any]]) -> pa.Table:
    cols = sorted({k for r in sample for k in r})
    return pa.table({c: pa.array([r.get(c) for r in sample]) for c in cols})


def _spoil(t: pa.Table, every: int) -> pa.Table:
    """Every ``every``-th channel misspelt and every ``every``-th date unreadable: error rows."""
    if "channel" not in t.column_names:
        return t
    channel = t.column("channel").to_pylist()
    for i in range(0, len(channel), every):
        channel[i] = " in_person" if i % 2 else "walk-in"
    return t.set_column(t.column_names.index("channel"), "channel", pa.array(channel, pa.string()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(rows(), min_size=1, max_size=40),
    st.integers(-30, 150),
    st.sampled_from([1, 2, 3, 7]),
    st.sampled_from([{}, {"messages": True}, {"strict": True}, {"projection": True}]),
)
def test_chunks_and_layouts_agree(
    sample: list[dict[str, Any]], offset: int, chunk: int, kw: dict[str, Any]
) -> None:
    as_of = sample[0]["received"] + timedelta(days=offset)
    t = _spoil(_table(sample), 5)
    whole = cases(t, as_of=as_of, **kw)
    saved = batch_cases.CHUNK_ROWS
    try:
        batch_cases.CHUNK_ROWS = chunk
        chunked = cases(t, as_of=as_of, **kw)
    finally:
        batch_cases.CHUNK_ROWS = saved
    assert chunked.equals(whole)
    longform = attach(t, compute_long(one_row_long(t, "national"), as_of=as_of, **kw))
    assert longform.equals(whole)
    wide = one_row_wide(t, "national")
    again = attach(t, compute_wide(wide, as_of=as_of, **kw))
    assert again.equals(whole)
    assert compute_wide(wide, as_of=as_of, **kw).error.tolist() == whole["error"].to_pylist()


def test_output_schema_and_a_table_of_many_chunks() -> None:
    n = 3 * batch_cases.CHUNK_ROWS + 5
    received = [date(2024, 1, 1) + timedelta(days=i % 700) for i in range(n)]
    t = pa.table(
        {
            "received": pa.array(received, pa.date32()),
            "channel": pa.array(["in_person" if i % 9 else "post" for i in range(n)]),
            "answered": pa.array(
                [d + timedelta(days=i % 40) if i % 3 else None for i, d in enumerate(received)],
                pa.date32(),
            ),
        }
    )
    out = cases(t, as_of=AS_OF)
    assert out.num_rows == n
    assert out.schema.names == [*t.column_names, *OUTPUT_COLUMNS]
    types = {f.name: f.type for f in out.schema}
    assert types["due"] == pa.date32() and types["status"] == pa.string()
    assert types["on_time"] == pa.bool_() and types["workdays_late"] == pa.int64()
    # the same rows computed one at a time
    for i in (0, 1, n // 2, n - 1):
        one = cases(t.slice(i, 1), as_of=AS_OF)
        assert one.to_pylist() == out.slice(i, 1).to_pylist()
    # all-null columns are real, readable null columns
    assert out["due_latest"].null_count == n and out["findings_zh"].null_count == n
    assert out["error"].null_count == n


def test_the_chunk_size_follows_the_table_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table is computed in about 16 chunks (its working arrays stay a bounded share of it),
    none under 512 rows or over ``CHUNK_ROWS``, except that a table under 2,560 rows is cut
    into 5 (of at least 64 rows); the answers are those of one chunk."""
    full = batch_cases.CHUNK_ROWS
    assert batch_cases.chunk_rows(1) == 64 and batch_cases.chunk_rows(1_000) == 200
    assert batch_cases.chunk_rows(3_000) == 512 and batch_cases.chunk_rows(10_000) == 625
    assert batch_cases.chunk_rows(10**6) == full
    for n in (1, 200, 511, 2_559, 2_560, 8_192, 10_000, 123_457, 16 * full, 16 * full + 1):
        c = batch_cases.chunk_rows(n)
        assert min(512, max(64, -(-n // 5))) <= c <= full
        assert -(-n // c) <= 16 or c == full
    n = 20_000
    t = pa.table(
        {
            "received": pa.array([date(2024, 1, 1) + timedelta(days=i % 900) for i in range(n)]),
            "channel": pa.array(["in_person" if i % 7 else "post" for i in range(n)]),
        }
    )
    seen: list[int] = []
    real = batch_cases.one_row_wide

    def wide(chunk: Any, profile: str, scratch: Any = None, **kw: Any) -> Any:
        seen.append(chunk.num_rows)
        return real(chunk, profile, scratch, **kw)

    monkeypatch.setattr(batch_cases, "one_row_wide", wide)
    out = cases(t, as_of=AS_OF)
    assert seen == [1250] * 16
    monkeypatch.setattr(batch_cases, "_CHUNKS_AT_LEAST", 1)
    assert cases(t, as_of=AS_OF).equals(out)
    assert seen[16:] == [n]


@pytest.mark.parametrize("kind", ["pandas", "polars", "dict"])
def test_chunked_results_for_every_table_type(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_cases, "CHUNK_ROWS", 2)
    data = {
        "received": ["2026-09-28", "2026-09-28", "bad", "2026-03-25", "2026-02-13"],
        "channel": ["in_person", "post", "in_person", "online", "in_person"],
    }
    if kind == "pandas":
        import pandas as pd

        table: Any = pd.DataFrame(data)
    elif kind == "polars":
        import polars as pl

        table = pl.DataFrame(data)
    else:
        table = data
    out = cases(table, as_of=AS_OF)
    monkeypatch.setattr(batch_cases, "CHUNK_ROWS", 1000)
    ref = cases(table, as_of=AS_OF)
    if kind == "dict":
        for name in OUTPUT_COLUMNS:
            assert [str(v) for v in out[name]] == [str(v) for v in ref[name]], name
    else:
        assert out.equals(ref)


def test_findings_beyond_the_first_room_are_all_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings buffers start small (a few per case) and are grown when a chunk needs more:
    the same findings either way."""
    n = 50
    t = pa.table(
        {
            "received": pa.array([date(2024, 3, 1)] * n, pa.date32()),
            "channel": pa.array(["in_person"] * n),
            "extension": pa.array([date(2024, 5, 20)] * n, pa.date32()),
            "answered": pa.array([date(2024, 9, 2)] * n, pa.date32()),
        }
    )
    ref = cases(t, as_of=AS_OF)
    assert ref["findings"].to_pylist()[0]  # (findings to keep)
    monkeypatch.setattr(batch_cases, "_ROOM_PER_CASE", 0)
    assert cases(t, as_of=AS_OF).equals(ref)


def test_findings_room_grows_until_every_case_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cases without findings first, then cases with several: the room guessed from the first
    cases is too small, and is grown again (more than once) until the chunk fits."""
    n = 400
    quiet = n // 2  # answered in time: no findings
    answered = [date(2024, 3, 5)] * quiet + [date(2024, 9, 2)] * (n - quiet)
    extension = [None] * quiet + [date(2024, 5, 20)] * (n - quiet)
    t = pa.table(
        {
            "received": pa.array([date(2024, 3, 1)] * n, pa.date32()),
            "channel": pa.array(["in_person"] * n),
            "extension": pa.array(extension, pa.date32()),
            "answered": pa.array(answered, pa.date32()),
        }
    )
    replay = batch_cases._replay_all
    grown: list[int] = []

    def spy(*args: Any, **kw: Any) -> Any:
        scratch = kw.get("scratch", args[10] if len(args) > 10 else None)  # (by name or not)
        if scratch is not None:
            grown.append(scratch.room)
        return replay(*args, **kw)

    monkeypatch.setattr(batch_cases, "_replay_all", spy)
    monkeypatch.setattr(batch_cases, "_SMALL_TABLE_CHUNKS", 1)  # the table in one chunk
    assert batch_cases.chunk_rows(n) == n
    monkeypatch.setattr(batch_cases, "_ROOM_PER_CASE", 64)  # room for all at once: the reference
    ref = cases(t, as_of=AS_OF)
    assert grown == [0]
    grown.clear()
    monkeypatch.setattr(batch_cases, "_ROOM_PER_CASE", 0)
    out = cases(t, as_of=AS_OF)
    assert len(grown) > 2 and grown == sorted(set(grown))  # grown, more than once
    assert out.equals(ref)
    findings = out["findings"].to_pylist()
    assert all(not f for f in findings[:quiet])
    assert all(len(f) >= 2 for f in findings[quiet:])


def test_date32_columns_read_from_their_buffers_as_with_nulls() -> None:
    """A date32 column is read straight from its buffers (any chunking, sliced chunks
    included); a date outside 0001–9999 in it is still a date-invalid error row (the careful
    reader's), with or without nulls in the column."""
    days = [date(2024, 3, 1) + timedelta(days=k) for k in range(9)]
    far = pa.array([-800_000, 3_000_000], pa.int32()).view(pa.date32())  # years -221, 10183
    plain = pa.array(days, pa.date32())
    received = pa.chunked_array([plain.slice(0, 3), pa.concat_arrays([far, plain.slice(3, 4)])])
    t = pa.table({"received": received, "channel": pa.array(["in_person"] * 9)})
    out = cases(t, as_of=AS_OF)
    codes = out["error_code"].to_pylist()
    assert codes[3:5] == ["date-invalid", "date-invalid"]
    assert all(c is None for i, c in enumerate(codes) if i not in (3, 4))
    # the same rows with a null after them (its validity bitmap read too): the same results
    nulls = pa.chunked_array([*received.chunks, pa.array([None], pa.date32())])
    t2 = pa.table({"received": nulls, "channel": pa.array(["in_person"] * 10)})
    out2 = cases(t2, as_of=AS_OF).slice(0, 9)
    for name in OUTPUT_COLUMNS:
        assert out[name].to_pylist() == out2[name].to_pylist(), name
    # sliced (offset) chunks
    sliced = t.slice(2, 5)
    assert cases(sliced, as_of=AS_OF).equals(out.slice(2, 5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(-800_000, 3_000_000), st.integers(-1000, 30_000)),
            max_size=40,
        ),
        min_size=1,
        max_size=4,
    ),
    st.integers(0, 5),
    st.integers(0, 5),
)
def test_date32_reader_reads_every_column_as_python_does(
    chunks: list[list[int | None]], lead: int, trail: int
) -> None:
    """The compiled date32 reader (nulls from the validity bitmap, chunked and sliced columns,
    into a given array): the days Python reads from the same column, NAT for a null; None (the
    careful reader's turn) exactly when a date is outside the years 0001–9999."""
    col = pa.chunked_array(
        [pa.array(c, pa.int32()).view(pa.date32()) for c in chunks], type=pa.date32()
    )
    total = len(col)
    col = col.slice(min(lead, total), max(0, total - lead - trail))
    values = col.cast(pa.int32()).to_pylist()
    first, last = batch_cases.FIRST_DAY, batch_cases.LAST_DAY
    into = np.full(len(col), 7, dtype=np.int64)
    got = batch_cases._date32_days(col, into)
    if any(v is not None and not first <= v <= last for v in values):
        assert got is None
        return
    assert got is into
    assert got.tolist() == [batch_cases.NAT if v is None else v for v in values]


def test_rules_per_era_in_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows whose rules come from different eras, and rows of an era without a reply rule
    (no-reply-rule), in one chunk: each row as when computed alone."""
    received = [date(2007, 6, 1), date(2015, 3, 2), date(2019, 9, 2), date(2007, 7, 2)]
    received += [date(2024, 3, 1), date(2020, 12, 1), date(2019, 5, 20)]
    t = pa.table(
        {
            "received": pa.array(received, pa.date32()),
            "channel": pa.array(["in_person"] * len(received)),
        }
    )
    out = cases(t, as_of=AS_OF)
    assert out["error_code"].to_pylist()[0] == "no-reply-rule"
    assert out["error_code"].to_pylist()[3] == "no-reply-rule"
    monkeypatch.setattr(batch_cases, "CHUNK_ROWS", 1)
    alone = cases(t, as_of=AS_OF)
    assert alone.equals(out)


def test_a_whole_table_error_names_the_tables_row_not_a_chunks() -> None:
    """Bytes that are not UTF-8 make the whole table unreadable; the row named is the table's
    (the table is computed in chunks of 512 rows here: row 700 is row 188 of the second)."""
    n = 1000
    channel = [b"post"] * n
    channel[700] = b"\xff\xfe"
    t = pa.table({"received": [date(2026, 9, 28)] * n, "channel": pa.array(channel, pa.binary())})
    assert batch_cases.chunk_rows(n) < 700
    with pytest.raises(
        batch_cases.InputError, match="列 channel 第 700 行的字节不是 UTF-8"
    ) as info:
        cases(t, as_of=AS_OF)
    assert info.value.code == "table-invalid"
