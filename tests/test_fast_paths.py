"""The compiled fast paths of ``gkdeadline batch`` give byte-for-byte the output of the careful
paths they stand in for.

Three fast paths (see :mod:`gkdeadline.text_scan`): a *plain* CSV file streamed through pyarrow's
reader, a plain JSON Lines file read by a compiled kernel (which starts the run over on the careful
reader when a line that is not plain comes late), and JSON Lines written by a compiled kernel
instead of ``json.dumps`` per row. Each test runs the same input both ways (the
fast path switched off by making its check say "not plain") and compares the output files.
The last two tests: an error in the thread that reads ahead or in the thread that writes behind
fails the run as it would without them, leaving no output.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkdeadline import batch_files
from gkdeadline.batch_files import process_file

AS_OF = date(2026, 11, 24)
BAD = Path(__file__).parent / "data" / "bad"
HEADER = "id,received,channel,extension,answered,note"

# a mix of the plain and the unusual: quoted commas, quotes inside quotes, NA-like text, spaces,
# Chinese, empty quoted cells, impossible dates, values a reader might guess a type for
CSV_ROWS = [
    "A1,2026-09-28,in_person,,2026-10-20,",
    'A2,2026-09-28,online,2026-10-28,,"备注, 有逗号"',
    'A3,2026-09-28,post,,,"他说 ""延期"""',
    "NA,2026-09-28,in_person,,,N/A",
    " A5 , 2026-09-28 ,in_person,,,",
    '"",2026-09-28,in_person,,,""',
    "007,2026-02-30,in_person,,,",
    "A8,2026/9/28,in_person,,,",
    "A9,,in_person,,,",
    "true,2026-09-28,IN_PERSON,,,1e3",
    "A11,2026-09-28,in_person,2026-12-29,,",
    "A12,2026-09-28,in_person,,2026-09-01,",
]


def _both_ways(
    src: Path, out: str, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[bytes | None, bytes | None, str, str]:
    """The output of ``process_file(src)`` with the fast paths on, then off (None: no output),
    and the error text of each run ("" when it ran)."""
    results: list[bytes | None] = []
    errors: list[str] = []
    for fast in (True, False):
        dst = src.parent / f"{'fast' if fast else 'careful'}-{out}"
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(batch_files, "_plain_csv", lambda *a, **k: None)
                m.setattr(batch_files, "_plain_head", lambda *a, **k: None)
                m.setattr(batch_files, "_json_lines", lambda *a, **k: None)
            try:
                process_file(src, dst, as_of=AS_OF, **kw)
                errors.append("")
            except Exception as exc:  # the same refusal both ways
                errors.append(f"{type(exc).__name__}: {exc}".replace(str(dst), "<out>"))
        results.append(dst.read_bytes() if dst.exists() else None)
    return results[0], results[1], errors[0], errors[1]


def _same(src: Path, out: str, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> bytes | None:
    fast, careful, err_fast, err_careful = _both_ways(src, out, monkeypatch, **kw)
    assert err_fast == err_careful
    assert fast == careful
    return fast


@pytest.mark.parametrize("out", ["out.csv", "out.jsonl", "out.parquet"])
def test_plain_csv_reads_as_the_careful_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("\n".join([HEADER, *CSV_ROWS]) + "\n", encoding="utf-8")
    assert batch_files._plain_csv(src, 6, check_utf8=True) is not None  # (the fast path is taken)
    got = _same(src, out, monkeypatch)
    assert got is not None and len(got) > 100


@pytest.mark.parametrize(
    "text",
    [
        "\r\n".join([HEADER, *CSV_ROWS]) + "\r\n",  # CRLF
        "\n".join([HEADER, *CSV_ROWS]),  # no line feed at the end
        "\n".join([HEADER, *CSV_ROWS[:3], "", *CSV_ROWS[3:]]) + "\n",  # a blank line
        "\n".join([HEADER, *CSV_ROWS[:3], "A,2026-09-28", *CSV_ROWS[3:]]) + "\n",  # short line
        "\n".join([HEADER, 'A1,2026-09-28,in_person,,,"two\nlines"', *CSV_ROWS]) + "\n",
        "\n".join([HEADER, 'A1,2026-09-28,in_person,,,"open', *CSV_ROWS]) + "\n",
        "\n".join([HEADER, 'A1,2026-09-28,in_person,,,"a"b', *CSV_ROWS]) + "\n",
        "\n".join([HEADER, *CSV_ROWS]).replace("\n", "\r", 2) + "\n",  # lone CR
        "\ufeff" + "\n".join([HEADER, *CSV_ROWS]) + "\n",  # BOM
        "id\n" + "\n".join(["A", " ", "B"]) + "\n",  # one column
        HEADER + "\n",  # header only
    ],
    ids=[
        "crlf",
        "no-final-lf",
        "blank-line",
        "short-line",
        "multiline",
        "unclosed",
        "malformed-quote",
        "lone-cr",
        "bom",
        "one-column",
        "header-only",
    ],
)
def test_unusual_csv_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(text.encode("utf-8"))
    _same(src, "out.csv", monkeypatch)


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.csv")))
def test_bad_csv_files_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    src = tmp_path / name
    src.write_bytes((BAD / name).read_bytes())
    _same(src, "out.csv", monkeypatch)


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.jsonl")))
@pytest.mark.parametrize("out", ["out.jsonl", "out.csv"])
def test_bad_jsonl_files_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, out: str
) -> None:
    src = tmp_path / name
    src.write_bytes((BAD / name).read_bytes())
    events = name.startswith("events")
    _same(src, out, monkeypatch, events=events)


def _jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def test_plain_jsonl_reads_and_writes_as_the_careful_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = HEADER.split(",")
    rows = []
    for line in CSV_ROWS:
        values = line.split(",")[: len(keys)]
        rows.append({k: (v or None) for k, v in zip(keys, values, strict=False)})
    rows.append({**rows[0], "note": 'quote " backslash \\ tab \t 控制\u0001 emoji 😀'})
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(rows), encoding="utf-8")
    assert batch_files._plain_head(src) is not None  # (the fast path is taken)
    restarts: list[bool] = []
    monkeypatch.setattr(batch_files.Summary, "start_over", lambda self: restarts.append(True))
    for out in ("out.jsonl", "out.csv", "out.parquet"):
        _same(src, out, monkeypatch)
    assert not restarts  # (and taken to the end)


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "a", "received": "2026-09-28"}, {"received": "2026-09-28", "id": "b"}],  # order
        [{"id": "a", "received": "2026-09-28"}, {"id": "b"}],  # a key missing
        [{"id": 1, "received": "2026-09-28"}],  # a number
        [{"id": "a", "received": "2026-09-28", "x": {"y": 1}}],  # nested
        [{"id": "a\u2028b", "received": "2026-09-28"}],  # a line separator inside a value
    ],
    ids=["key-order", "key-missing", "number", "nested", "u2028"],
)
def test_unusual_jsonl_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(rows), encoding="utf-8")
    for out in ("out.jsonl", "out.csv"):
        _same(src, out, monkeypatch)


_cell = st.one_of(
    st.sampled_from(["", "2026-09-28", "2026-10-08", "2026-02-30", "in_person", "NA", '"', ","]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=3), max_size=6))
def test_any_csv_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str]],
) -> None:
    """Cells of anything (quotes, commas, line breaks, NA), quoted as a spreadsheet would or
    not: the fast and careful readers agree on every file."""
    folder = tmp_path_factory.mktemp("csv")
    lines = ["id,received,channel"]
    for n, row in enumerate(rows):
        quoted = n % 2 == 0
        lines.append(",".join('"' + c.replace('"', '""') + '"' if quoted else c for c in row))
    src = folder / "in.csv"
    src.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    _same(src, "out.csv", monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        b'{"id": "a", "received": "2026-09-28"}\r\n{"id": "b", "received": "2026-09-29"}\r\n',
        b'{ "id" :"a" ,"received":  "2026-09-28" }  \n{"id":"b","received":"2026-09-29"}\n',
        b'{"id": "a\\/b\\u0000c\\u00e9\\u4e2d\\uFFFF", "received": null}\n',
        b'{"i\\"d": "a", "received": "2026-09-28"}\n{"i\\"d": "b", "received": ""}',
        b'{"id": "a", "received": "2026-09-28"}\n{"id": "b", "received": "2026-09-29"}   ',
        b'{"id": "a", "received": "2026-09-28"}\n{"id": "\\ud83d\\ude00", "received": "x"}\n',
        b'\xef\xbb\xbf{"id": "a", "received": "2026-09-28"}\n',
        b'{"id": "a", "received": "2026-09-28"}\n  \n',
        b"{}\n{}\n",
        b"",
    ],
    ids=[
        "crlf",
        "spaces",
        "escapes",
        "escaped-key-no-final-lf",
        "trailing-spaces-no-final-lf",
        "surrogate-pair",
        "bom",
        "blank-last-line",
        "empty-objects",
        "empty-file",
    ],
)
@pytest.mark.parametrize("out", ["out.jsonl", "out.csv"])
def test_json_lines_spelt_in_other_ways_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bytes, out: str
) -> None:
    """Line ends, spacing, escapes (decoded by the compiled reader), an escaped key, no final
    line feed; and what goes the careful way (a surrogate pair, a BOM, a blank line, no keys)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(text)
    _same(src, out, monkeypatch)


_jsonl_value = st.one_of(
    st.none(),
    st.sampled_from(["", "2026-09-28", "2026-10-08", "in_person", "NA", '"', "\\", "/", "\u2028"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.lists(_jsonl_value, min_size=3, max_size=3), min_size=1, max_size=8),
    ascii_only=st.booleans(),
    block=st.sampled_from([1, 16, 100, 1 << 20]),
)
def test_any_jsonl_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str | None]],
    ascii_only: bool,
    block: int,
) -> None:
    """Flat objects of any text (escaped as ``json.dumps`` escapes it, ``\\uXXXX`` for every
    non-ASCII character or not), read in blocks of any size: the compiled reader gives what the
    careful reader gives (an astral character, a surrogate pair when escaped, goes the careful
    way)."""
    folder = tmp_path_factory.mktemp("jsonl")
    keys = ["id", "received", "note"]
    text = "".join(
        json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=ascii_only) + "\n"
        for row in rows
    )
    src = folder / "in.jsonl"
    src.write_bytes(text.encode("utf-8"))
    monkeypatch.setattr(batch_files, "_JSONL_BLOCK", block)
    _same(src, "out.jsonl", monkeypatch, chunk_rows=3)


_GOOD = '{"id": "A%d", "received": "2026-09-28", "note": "备注 \\"%d\\" \\u00e9"}\n'


@pytest.mark.parametrize(
    ("late", "encoding"),
    [
        (b'{"id": 7, "received": "2026-09-28", "note": null}\n', "auto"),  # a number
        (b'{"id": "B", "received": "2026-09-28"}\n', "auto"),  # a key missing
        (b"\n", "auto"),  # a blank line
        (b'{"id": "B", "received": "2026-09-28", "note": "\xff"}\n', "utf-8"),  # not UTF-8
        (b'{"id": "B", "received": "2026-09-28", "note": "' + b"x" * 300 + b'"}\n', "auto"),
    ],
    ids=["number", "key-missing", "blank-line", "not-utf8", "too-long"],
)
@pytest.mark.parametrize("out", ["out.jsonl", "out.csv"])
def test_a_late_line_that_is_not_plain_starts_the_run_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: bytes, encoding: str, out: str
) -> None:
    """A JSON Lines file plain for its first 300 lines, then one line that is not: the compiled
    reader has handed on (and the run has computed and written) chunks before it reaches that
    line; the run then starts over on the careful reader. The output is the careful reader's,
    the bytes reported as read add up to the file's size once, and no temporary file is left."""
    head = "".join(_GOOD % (i, i) for i in range(300)).encode("utf-8")
    tail = "".join(_GOOD % (i, i) for i in range(300, 320)).encode("utf-8")
    src = tmp_path / "in.jsonl"
    src.write_bytes(head + late + tail)
    monkeypatch.setattr(batch_files, "_JSONL_BLOCK", 512)
    monkeypatch.setattr(batch_files, "MAX_LINE_BYTES", 200)
    written: list[int] = []
    restarts: list[int] = []
    real_write, real_over = batch_files._Writer.write, batch_files.Summary.start_over

    def write(self: Any, table: Any) -> None:
        written.append(table.num_rows)
        real_write(self, table)

    def start_over(self: Any) -> None:
        restarts.append(len(written))
        real_over(self)

    monkeypatch.setattr(batch_files._Writer, "write", write)
    monkeypatch.setattr(batch_files.Summary, "start_over", start_over)
    reported: list[int] = []
    dst = tmp_path / out
    process_file(src, dst, as_of=AS_OF, chunk_rows=20, encoding=encoding, progress=reported.append)
    assert len(restarts) == 1 and restarts[0] >= 2  # chunks were written before the restart
    assert sum(reported) == src.stat().st_size and min(reported) >= 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.jsonl", out])
    fast = dst.read_bytes()
    with monkeypatch.context() as m:
        m.setattr(batch_files, "_plain_head", lambda *a, **k: None)
        process_file(src, dst, as_of=AS_OF, chunk_rows=20, encoding=encoding)
    assert fast == dst.read_bytes()
    assert len(fast.splitlines()) == 321 + (out == "out.csv") - (late == b"\n")


def test_a_write_failing_in_the_writer_thread_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writing thread's error reaches the caller as the output error, and nothing is left
    behind: no output, no temporary file."""
    from gkdeadline.errors import InputError

    src = tmp_path / "in.csv"
    src.write_text("\n".join([HEADER, *CSV_ROWS * 5]) + "\n", encoding="utf-8")
    calls = []
    real = batch_files._Writer.write

    def full_disk(self: Any, table: Any) -> None:
        calls.append(table.num_rows)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(self, table)

    monkeypatch.setattr(batch_files._Writer, "write", full_disk)
    with pytest.raises(InputError) as info:
        process_file(src, tmp_path / "out.csv", as_of=AS_OF, chunk_rows=10)
    assert info.value.code == "output-invalid"
    assert "No space left on device" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_reader_failing_in_the_reader_thread_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception of the reading thread is raised by the run, after the chunks before it."""
    src = tmp_path / "in.csv"
    src.write_text("\n".join([HEADER, *CSV_ROWS * 5]) + "\n", encoding="utf-8")
    real = batch_files._read_csv
    seen = []

    def broken(*args: Any, **kw: Any) -> Any:
        for n, chunk in enumerate(real(*args, **kw)):
            if n == 2:
                raise MemoryError("reader")
            seen.append(chunk.table.num_rows)
            yield chunk

    monkeypatch.setattr(batch_files, "_read_csv", broken)
    with pytest.raises(MemoryError, match="reader"):
        process_file(src, tmp_path / "out.csv", as_of=AS_OF, chunk_rows=10)
    assert seen == [2, 10]  # (the first chunk is a quarter of the others: _rechunk)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_the_reader_thread_ends_when_the_consumer_stops_early(n: int) -> None:
    """The consumer takes one chunk and stops: the reading thread, whatever it was doing (handing
    over the next chunk, the end, or still reading), ends promptly and closes its source."""
    import threading
    import time

    closed = []

    def source() -> Any:
        try:
            yield from range(n)
        finally:
            closed.append(True)

    gen = batch_files._prefetched(source(), lambda: None)
    assert next(gen) == 0
    time.sleep(0.05)  # the reader has handed over what it could and waits
    t0 = time.perf_counter()
    gen.close()
    assert time.perf_counter() - t0 < 1
    assert closed == [True]
    assert not [t for t in threading.enumerate() if t.name == "gkdeadline-reader"]


def test_text_that_is_not_utf8_is_refused_by_the_json_lines_writer(tmp_path: Path) -> None:
    """Parquet does not check that text is UTF-8; the compiled writer must not copy such bytes
    into the output: it leaves the table to the row-by-row writer, which refuses it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gkdeadline.errors import InputError

    bad = b"ok\xff"
    offsets = np.array([0, len(bad)], dtype=np.int32)
    note = pa.Array.from_buffers(
        pa.string(), 1, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(bad)]
    )
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["A1"], "received": ["2026-09-28"], "note": note}), src)
    with pytest.raises(InputError) as info:
        process_file(src, tmp_path / "out.jsonl", as_of=AS_OF)
    assert info.value.code == "output-invalid"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


@pytest.mark.parametrize("step", [1, 2, 5, 1 << 24])
def test_line_feeds_are_counted_in_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    """The written JSON Lines file is counted back mapped, a window at a time (one or several),
    a few bytes at a time or all at once."""
    import mmap

    text = b'{"a": "1"}\n\n{"a": "\xe6\x9d\xa1"}\n'
    assert batch_files._line_feeds(text, step) == 3
    path = tmp_path / "out.jsonl"
    path.write_bytes(text * 3000)
    assert batch_files._count_rows(path, "jsonl") == 9000
    monkeypatch.setattr(batch_files, "_MAP_BYTES", mmap.ALLOCATIONGRANULARITY + step % 7)
    assert batch_files._count_rows(path, "jsonl") == 9000


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'{"id": "a", "k\\"ey": "v"}\n{"id": "bb", "k\\"ey": "w\\"x"}\n', True),
        (b'{"id": "a", "key": "v"}\n{"id": "b", "kez": "w"}\n', False),  # a key differs midway
        (b'{"id": "a", "key": "v"}\n{"id": "b", "keyy": "w"}\n', False),  # a key runs on
        (b'{"id": "a", "key": "v"}\n{"id": "b", "key": "w\x01"}\n', False),  # a control byte
        (b'{"id": "a"}\n{"id": "' + b"x" * 40 + b'"}\n', False),  # longer than the limit
        (b'{"id": "a"}\n{"id": "' + b"x" * 20 + b'"}\n', True),
    ],
)
@pytest.mark.parametrize("block", [1, 3, 1000])
def test_the_json_lines_scan_skips_runs_of_key_and_text_bytes(
    text: bytes, plain: bool, block: int
) -> None:
    """The scan goes through a known key and through the ordinary bytes of a text value in
    runs; a run stops at a quote, a backslash, a control byte, a byte that is not the expected
    key's, the end of a block, and a line longer than the limit is refused all the same."""
    import numpy as np

    from gkdeadline import text_scan
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    state = np.zeros(text_scan.NJSTATE, dtype=np.int64)
    k.new_jstate(state)
    expect = np.empty(64, dtype=np.uint8)
    no_cells, no_cols = np.zeros(0, dtype=np.int64), np.zeros((1, 2), dtype=np.int64)
    refused = any(
        k.scan_jsonl(
            np.frombuffer(text[i : i + block], dtype=np.uint8), state, expect, 40, no_cells, no_cols
        )
        for i in range(0, len(text), block)
    )
    assert refused != plain


def test_the_compiled_json_lines_writer_copies_plain_text_and_escapes_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A text column with nothing to escape is copied as it is (``JK_PLAIN``), one with a quote,
    a backslash or a control character is escaped byte by byte (``JK_TEXT``); rows are written a
    few at a time (``_JSON_ROWS``), across batches: byte for byte what ``json.dumps`` writes."""
    import pyarrow as pa

    monkeypatch.setattr(batch_files, "_JSON_ROWS", 3)
    plain = ["a", "", "条例；第三十三条", None, "x y", "z", "é", "long " * 10]
    escaped = ['q"', "b\\", "t\t", "nl\n", "c\x01", None, "\x7f", "ok"]
    table = pa.Table.from_batches(
        pa.table(
            {
                "plain": plain,
                "escaped": escaped,
                "n": pa.array([1, -2, None, 3, 4, 5, 6, 7], pa.int64()),
                "d": pa.array([0, 1, 2, None, 4, 5, 6, -719162], pa.int32()).cast(pa.date32()),
                "b": [True, False, None, True, False, True, False, True],
            }
        ).to_batches(max_chunksize=5)
    )
    blocks = batch_files._json_lines(table)
    assert blocks is not None
    expected = "".join(
        json.dumps(row, ensure_ascii=False, default=batch_files._jsonable) + "\n"
        for row in table.to_pylist()
    )
    assert b"".join(bytes(b) for b in blocks) == expected.encode("utf-8")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_a_second_ctrl_c_while_writing_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Ctrl-C twice while a slow disk is still writing: the run is interrupted, the writing thread
    ends (it writes nothing more) and neither the output nor its temporary file remains."""
    import os
    import signal
    import threading
    import time

    from gkdeadline.batch_files import BatchInterrupted

    src = tmp_path / "in.csv"
    src.write_text(
        "id,received,channel\n" + "".join(f"R{i},2026-09-28,in_person\n" for i in range(50)),
        encoding="utf-8",
    )
    real = batch_files._Writer.write
    calls = []

    def slow(self: Any, table: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # the user presses Ctrl-C twice while this write is under way
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.3)
        real(self, table)

    monkeypatch.setattr(batch_files._Writer, "write", slow)
    with pytest.raises(BatchInterrupted):
        process_file(src, tmp_path / f"out.{fmt}", as_of=AS_OF, chunk_rows=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert not [t for t in threading.enumerate() if t.name == "gkdeadline-writer" and t.is_alive()]
    assert len(calls) <= 3  # what was queued when the run stopped was not written


def test_a_signal_while_the_file_is_scanned_stops_the_run_as_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-file checks (encoding, plain-file scan) run under the run's signal handlers:
    SIGTERM then is an interrupted run (exit 4 on the command line), not a killed process."""
    import os
    import signal

    from gkdeadline.batch_files import BatchInterrupted

    src = tmp_path / "in.csv"
    src.write_text("\n".join([HEADER, *CSV_ROWS]) + "\n", encoding="utf-8")
    real = batch_files._plain_csv

    def scanned(*args: Any, **kw: Any) -> Any:
        os.kill(os.getpid(), signal.SIGTERM)
        return real(*args, **kw)

    monkeypatch.setattr(batch_files, "_plain_csv", scanned)
    with pytest.raises(BatchInterrupted):
        process_file(src, tmp_path / "out.csv", as_of=AS_OF)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_signal_while_the_threads_run_is_acted_on_between_chunks() -> None:
    """While reading and writing threads run, the handler only records the signal (an exception
    raised inside the import machinery would leave the import lock held, and the writer thread
    importing next would hang the run); ``check()`` raises it, and not once committing."""
    import signal

    sig = batch_files._Signals()
    sig.polled = True
    sig._handle(signal.SIGINT, None)  # recorded, not raised
    with pytest.raises(batch_files.BatchInterrupted):
        sig.check()
    sig.deferred = True
    sig.check()  # committing: the rename goes ahead
    sig = batch_files._Signals()
    with pytest.raises(batch_files.BatchInterrupted):
        sig._handle(signal.SIGTERM, None)  # no threads: raised where it lands


def test_a_writer_that_does_not_keep_up_does_not_hide_a_signal() -> None:
    """The main thread waits for room in the writer's queue in short steps, checking for a
    signal between them."""
    import threading

    release = threading.Event()
    written: list[int] = []

    class Slow:
        def write(self, table: Any) -> None:
            release.wait(10)
            written.append(table)

    got = threading.Event()

    def check() -> None:
        if got.is_set():
            raise batch_files.BatchInterrupted(2)

    with (
        pytest.raises(batch_files.BatchInterrupted),
        batch_files._Behind(Slow(), check) as behind,  # type: ignore[arg-type]
    ):
        behind.write(1)  # taken by the thread, which waits in write
        behind.write(2)  # queued
        threading.Timer(0.2, got.set).start()
        threading.Timer(0.5, release.set).start()
        behind.write(3)  # no room: raises once the signal is recorded
    assert written == [1]  # what was still queued is not written after a signal


_ALLOWED = ("in_person", "mail", "网上")
_NEAR = ("in_person ", " mail", "", "网", "网上申请", "MAIL", "in_persoN")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.one_of(st.none(), st.sampled_from(_ALLOWED + _NEAR)), max_size=40),
    kind=st.sampled_from(["string", "large_string", "dictionary"]),
    cut=st.integers(0, 40),
    drop=st.integers(0, 5),
)
def test_allowed_values_are_coded_as_a_lookup_codes_them(
    values: list[str | None], kind: str, cut: int, drop: int
) -> None:
    """The compiled scan of a column of allowed values (a channel, a party) gives each value's
    1-based position and where it is present, or None (the careful reader then reports the bad
    value) when one is not allowed exactly — on chunked, sliced and large-string columns too."""
    import numpy as np
    import pyarrow as pa

    from gkdeadline.batch_cases import _text_codes

    typ = pa.large_string() if kind == "large_string" else pa.string()
    cut = min(cut, len(values))
    col: Any = pa.chunked_array([pa.array(values[:cut], typ), pa.array(values[cut:], typ)], typ)
    col = col.slice(min(drop, len(values)))
    if kind == "dictionary":
        col = col.dictionary_encode()
    kept = values[min(drop, len(values)) :]
    into = np.full(len(kept), 7, dtype=np.int64)  # (the codes are written into a given array)
    got = _text_codes(col, _ALLOWED, into)
    if any(v is not None and v not in _ALLOWED for v in kept):
        assert got is None
        return
    assert got is not None
    codes, present = got
    assert codes is into
    assert codes.tolist() == [0 if v is None else _ALLOWED.index(v) + 1 for v in kept]
    assert present.tolist() == [v is not None for v in kept]
    assert codes.dtype == np.int64 and present.dtype == np.bool_


def _plain_by_lines(data: bytes, width: int, limit: int) -> tuple[int, int] | None:
    """What :func:`gkdeadline.text_scan.scan_csv` decides, worked out line by line instead of
    byte by byte (the reference it is checked against): ``(rows, longest line)`` for a plain
    file, None for any other."""
    pieces = data.split(b"\n")
    last = pieces.pop()  # after the last line feed (b"" when the file ends with one)
    lines = [(p, len(p) + 1) for p in pieces] + ([(last, len(last))] if last else [])
    rows = longest = 0
    for line, length in lines:
        content = line[:-1] if line.endswith(b"\r") else line
        longest = max(longest, length)
        if b"\r" in content or length > limit or not content:
            return None  # a lone carriage return, a long line, a blank line
        fields, i = 1, 0
        while True:  # one field a turn, from i
            if content[i : i + 1] == b'"':
                j = i + 1
                while True:  # the closing quote ("" is a quote inside)
                    j = content.find(b'"', j)
                    if j < 0:
                        return None  # the quoted value runs past its line
                    if content[j + 1 : j + 2] != b'"':
                        break
                    j += 2
                i = j + 1
                if i < len(content) and content[i : i + 1] != b",":
                    return None  # "a"b
            else:
                i = content.find(b",", i)
                i = len(content) if i < 0 else i
            if i >= len(content):
                break
            fields, i = fields + 1, i + 1
        if fields != width:
            return None
        rows += 1
    return rows - 1, longest


@settings(max_examples=400, deadline=None)
@given(
    data=st.lists(
        st.sampled_from([b"a", b"bc", b",", b'"', b"\n", b"\r", b"\r\n", "é".encode()]),
        max_size=40,
    ).map(b"".join),
    cuts=st.lists(st.integers(0, 80), max_size=4),
    width=st.integers(1, 3),
    limit=st.integers(4, 30),
)
def test_the_csv_scan_decides_as_a_line_by_line_reading(
    data: bytes, cuts: list[int], width: int, limit: int
) -> None:
    """The compiled scan (runs of unquoted bytes in a loop of their own, its state in local
    variables between line ends) says a file is plain exactly when reading it line by line
    does, with the same rows and longest line, however the bytes are cut into blocks."""
    import numpy as np

    from gkdeadline import text_scan
    from gkdeadline.jit import compiled

    k = compiled("gkdeadline.text_scan")
    state = np.zeros(text_scan.NSTATE, dtype=np.int64)
    k.new_state(state)
    at, verdict = 0, text_scan.PLAIN
    for cut in [*sorted(min(c, len(data)) for c in cuts), len(data)]:
        verdict = verdict or k.scan_csv(np.frombuffer(data[at:cut], np.uint8), state, width, limit)
        at = cut
    verdict = verdict or k.finish_csv(state, width, limit) or int(state[text_scan.S_BLANK])
    expected = _plain_by_lines(data, width, limit)
    got = None if verdict else (int(state[text_scan.S_ROWS]) - 1, int(state[text_scan.S_LONGEST]))
    assert got == expected


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_output_is_counted_back_while_it_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The writer reads back each part of the file after writing it (windows smaller than a
    part, starting anywhere in a page; a record whose quoted value holds a line feed cut between
    parts) and, once it is closed, counts the rows a count of the whole file counts."""
    import mmap

    import pyarrow as pa

    monkeypatch.setattr(batch_files, "_MAP_BYTES", mmap.ALLOCATIONGRANULARITY + 3)
    path = tmp_path / f"out.{fmt}"
    writer = batch_files._Writer(path, fmt)
    rows = 0
    for n in (1, 700, 0, 2500, 3):
        text = [
            f'第 {rows + i} 行\n第二行 "引号"' if i % 3 == 0 else "x" * (i % 50) for i in range(n)
        ]
        writer.write(pa.table({"id": pa.array(text, pa.string()), "n": list(range(n))}))
        rows += n
        assert writer._read_back is not None and writer._read_back.at == path.stat().st_size
    writer.close()
    assert writer.rows_written() == batch_files._count_rows(path, fmt) == rows
