"""gkdeadline batch and batch_files: CSV / JSON Lines / Parquet, chunked, no row lost, no row
invented; atomic output; hostile files; event logs; Dask."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from gkdeadline import InputError
from gkdeadline.batch_cases import cases, dask_cases
from gkdeadline.batch_files import BatchInterrupted, Summary, process_file
from gkdeadline.cli import EXIT_INTERRUPTED, main

AS_OF = date(2026, 11, 23)
CSV = """id,received,channel,confirmed,consultation_started,consultation_ended,consultation_party,extension,extension_workdays,answered,note
A1,2026-09-28,in_person,,,,,2026-10-28,20,,"a, quoted note"
A2,2026-03-25,in_person,,2026-04-01,2026-04-10,third_party,2026-05-06,20,2026-05-20,
A3,2026-02-13,online,2026-02-14,,,,,,,
A4,28/09/2026,in_person,,,,,,,,
A5,2026-09-28,fax,,,,,,,,
"""


def _rows(path: Path) -> list[dict[str, Any]]:
    """An output file's rows; CSV: empty unquoted cells are null, ``""`` is the empty text."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            names = next(csv.reader(f))
        opts = pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        parse = pcsv.ParseOptions(newlines_in_values=True)
        rows: list[dict[str, Any]] = pcsv.read_csv(
            path, parse_options=parse, convert_options=opts
        ).to_pylist()
        return rows
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


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
    assert summary.written == summary.input_rows == 5
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
    assert [r["error_code"] for r in rows] == [
        None,
        None,
        None,
        "date-invalid",
        "missing-confirmation",
    ]
    assert "28/09/2026" in str(rows[3]["error"]) and "confirmed" in str(rows[4]["error"])
    back = tmp_path / f"back{suffix}.csv"
    assert process_file(out, back, as_of=AS_OF).rows == 5  # output files are valid input
    assert [r["id"] for r in _rows(back)] == ["A1", "A2", "A3", "A4", "A5"]
    assert _leftovers(tmp_path) == []


def test_jsonl_bad_lines_become_error_rows(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "J1", "received": "2026-09-28", "channel": "in_person"}\n{oops\n\n[1, 2]\n'
        '{"id": "J4", "received": "2026-09-28", "channel": "in_person", "extension":'
        ' "2026-10-20", "extension_workdays": 5}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = process_file(f, out, as_of=AS_OF, chunk_rows=2)
    rows = _rows(out)
    assert summary.rows == 4 and len(rows) == 4
    assert [r["error_code"] for r in rows] == [None, "json-invalid", "json-not-object", None]
    assert str(rows[1]["error"]).startswith("第 2 行不是有效的 JSON")
    assert rows[2]["error"] == "第 4 行不是 JSON 对象"  # the blank line 3 is layout, not a row
    assert rows[3]["due"] == "2026-11-06" and rows[3]["id"] == "J4"


def test_jsonl_values_of_the_wrong_type_are_errors_of_their_row(tmp_path: Path) -> None:
    lines = [
        '{"id": "n", "received": 1774396800, "channel": "in_person"}',
        '{"id": "b", "received": "2026-09-28", "channel": "in_person", "extension":'
        ' "2026-10-20", "extension_workdays": true}',
        '{"id": "o", "received": {"date": "2026-09-28"}, "channel": "in_person"}',
        '{"id": "a", "received": ["2026-09-28"], "channel": "in_person"}',
        '{"id": "d", "received": "2026-01-05", "received": "2026-02-05", "channel": "in_person"}',
        '{"id": "nan", "received": "2026-09-28", "channel": "in_person", "x": NaN}',
        '{"id": 1.50, "received": "2026-09-28", "channel": "in_person", "mine": {"k": [1.0, 2]}}',
        '{"id": "ok", "received": "2026-09-28", "channel": "in_person", "flag": true}',
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = process_file(f, out, as_of=AS_OF)
    rows = _rows(out)
    assert summary.rows == len(rows) == len(lines)
    assert [r["error_code"] for r in rows] == [
        "json-value-invalid",
        "json-value-invalid",
        "json-value-invalid",
        "json-value-invalid",
        "json-duplicate-key",
        "json-invalid",
        None,
        None,
    ]
    assert all(r["due"] is None for r in rows[:6])
    assert rows[0]["error"].startswith("第 1 行：received '1774396800' 是数字")
    assert "布尔值" in rows[1]["error"] and "第 2 行" in rows[1]["error"]
    assert "JSON 对象" in rows[2]["error"] and "JSON 数组" in rows[3]["error"]
    assert "'received' 出现两次" in rows[4]["error"] and "第 5 行" in rows[4]["error"]
    assert rows[0]["id"] == "n"  # the row keeps what could be read
    # numbers keep their spelling; the caller's own nested values pass through as JSON text
    assert rows[6]["id"] == "1.50" and rows[6]["mine"] == '{"k": [1.0, 2]}'
    assert rows[7]["flag"] == "true" and rows[7]["due"] == "2026-10-30"


def test_file_level_problems(tmp_path: Path, csv_in: Path) -> None:
    with pytest.raises(InputError, match=r"\.xlsx"):
        process_file(csv_in, tmp_path / "out.xlsx")
    with pytest.raises(InputError, match="does not exist"):
        process_file(tmp_path / "missing.csv", tmp_path / "out.csv")
    with pytest.raises(InputError, match="就是输入文件") as exc:
        process_file(csv_in, csv_in)
    assert exc.value.code == "output-invalid"
    with pytest.raises(InputError, match="不存在"):
        process_file(csv_in, tmp_path / "no" / "such" / "out.csv")
    bad = tmp_path / "nocol.csv"
    bad.write_text("id,date\n1,2026-01-05\n", encoding="utf-8")
    with pytest.raises(InputError, match="received") as exc:
        process_file(bad, tmp_path / "out.csv")
    assert exc.value.code == "column-missing"
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="空文件"):
        process_file(empty, tmp_path / "out.csv")
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,received\n", encoding="utf-8")
    with pytest.raises(InputError, match="没有可计算的行"):
        process_file(header_only, tmp_path / "out.csv")
    dup = tmp_path / "dup.csv"
    dup.write_text("id,received,note,note,id\n1,2026-01-05,a,b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match="列名重复：'id'、'note'") as exc:
        process_file(dup, tmp_path / "out.csv")
    assert exc.value.code == "column-duplicate"
    with pytest.raises(InputError, match="编码"):
        process_file(csv_in, tmp_path / "out.csv", encoding="latin-1")
    assert not (tmp_path / "out.csv").exists() and _leftovers(tmp_path) == []


def test_the_output_may_not_be_the_input_by_any_name(tmp_path: Path, csv_in: Path) -> None:
    hard = tmp_path / "hard.csv"
    os.link(csv_in, hard)
    soft = tmp_path / "soft.csv"
    soft.symlink_to(csv_in)
    before = csv_in.read_bytes()
    for target in (hard, soft, tmp_path / "." / "in.csv"):
        with pytest.raises(InputError, match="就是输入文件"):
            process_file(csv_in, target, as_of=AS_OF)
    assert csv_in.read_bytes() == before


def test_a_failed_run_leaves_the_previous_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous, complete output\n", encoding="utf-8")
    bad = tmp_path / "in.csv"
    bad.write_bytes("编号,received\n1,2026-01-05\n".encode("gbk"))
    with pytest.raises(InputError, match="--encoding gbk"):
        process_file(bad, out, encoding="utf-8")
    assert out.read_text(encoding="utf-8") == "previous, complete output\n"
    assert _leftovers(tmp_path) == []


def test_columns_missing_from_later_chunks_are_filled(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"id": "1", "received": "2026-09-28", "channel": "in_person", "answered": "2026-10-01"}\n'
        '{"id": "2", "received": "2026-09-28", "channel": "in_person"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    process_file(f, out, as_of=AS_OF, chunk_rows=1)
    assert [r["answered"] for r in _rows(out)] == ["2026-10-01", None]
    # a key that first appears late is still a column of the whole CSV (the keys are scanned first)
    g = tmp_path / "late.jsonl"
    g.write_text(
        '{"id": "1", "received": "2026-09-28", "channel": "in_person"}\n'
        '{"id": "2", "received": "2026-09-28", "channel": "in_person", "answered": "2026-10-01"}\n',
        encoding="utf-8",
    )
    process_file(g, tmp_path / "late.csv", as_of=AS_OF, chunk_rows=1)
    assert [r["answered"] for r in _rows(tmp_path / "late.csv")] == [None, "2026-10-01"]


def test_cli_batch_exit_status_and_summary(capsys, csv_in: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code = main(["batch", str(csv_in), "--out", str(out), "--as-of", "2026-11-23"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.strip() == (
        f"gkdeadline: 5 行：3 行已计算，2 行有错误；已写入 5 行 → {out}"
        "（5 rows: 3 computed, 2 with errors）"
    )
    assert (
        main(["batch", str(csv_in), "--out", str(out), "--as-of", "2026-11-23", "--allow-errors"])
        == 0
    )
    capsys.readouterr()
    assert main(["batch", str(tmp_path / "nope.csv"), "--out", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "does not exist" in err
    assert main(["batch", str(csv_in), "--out", str(csv_in)]) == 2
    _, err = capsys.readouterr()
    assert "就是输入文件" in err


def test_cli_batch_help_documents_the_new_options(capsys) -> None:
    assert main(["batch", "--help"]) == 0
    out, _ = capsys.readouterr()
    assert "--encoding" in out and "gb18030" in out and "--events" in out


def test_memory_stays_flat_with_chunks(tmp_path: Path) -> None:
    n = 50_000
    table = pa.table(
        {
            "id": [str(i) for i in range(n)],
            "received": ["2026-09-28"] * n,
            "channel": ["in_person"] * n,
        }
    )
    src = tmp_path / "big.parquet"
    pq.write_table(table, src)
    seen: list[int] = []
    summary = process_file(
        src, tmp_path / "big.csv", as_of=AS_OF, chunk_rows=7_000, progress=seen.append
    )
    assert summary.rows == n and sum(seen) == n and max(seen) <= 7_000


# ----------------------------------------------------------------------------- CSV quoting


def _line(i: int, note: str = "ok") -> str:
    return f"R{i},2026-09-28,in_person,{note}\n"


def test_one_unclosed_quote_in_300000_rows_costs_one_row(tmp_path: Path) -> None:
    """The reader never merges the rows after a stray quote into one value."""
    n, bad = 300_000, 50_000
    src = tmp_path / "big.csv"
    with src.open("w", encoding="utf-8") as f:
        f.write("id,received,channel,note\n")
        for i in range(n):
            f.write(_line(i, '"unclosed' if i == bad else "ok"))
    summary = process_file(src, tmp_path / "out.parquet", as_of=AS_OF, chunk_rows=100_000)
    assert (summary.rows, summary.computed, summary.errors) == (n, n - 1, 1)
    t = pq.read_table(tmp_path / "out.parquet", columns=["id", "error_code", "error"])
    errors = t.filter(pa.compute.is_valid(t.column("error_code"))).to_pylist()
    assert errors == [
        {
            "id": None,
            "error_code": "csv-quote-unclosed",
            "error": errors[0]["error"],
        }
    ]
    assert errors[0]["error"].startswith(f"第 {bad + 2} 行：")
    ids = t.column("id").to_pylist()
    assert ids[:bad] == [f"R{i}" for i in range(bad)] and ids[bad + 1 :] == [
        f"R{i}" for i in range(bad + 1, n)
    ]


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        # a stray quote closed by a later stray quote: the quoted text would swallow a whole row
        # (a quote inside an unquoted value is a character, as in Excel and pyarrow)
        ([_line(0, '"a'), _line(1), _line(2, 'b"')], ["csv-quote-unclosed", None, None]),
        # unclosed at the end of the file
        ([_line(0), _line(1, '"never closed')], [None, "csv-quote-unclosed"]),
        # a legitimate value with a line break (as Excel writes it) is one row
        ([_line(0, '"two\nlines"'), _line(1)], [None, None]),
        # malformed quoting, a lone carriage return, extra and missing fields
        (
            [
                _line(0, '"a"b'),
                "R1,2026-09-28,in_person,x\ry\n",
                _line(2, "x,y"),
                "R3,2026-09-28\n",
            ],
            ["csv-invalid", "csv-invalid", "csv-field-count", "csv-field-count"],
        ),
    ],
)
def test_csv_quoting_problems_are_contained(
    tmp_path: Path, lines: list[str], codes: list[str | None]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,received,channel,note\n" + "".join(lines), encoding="utf-8", newline="")
    out = tmp_path / "out.jsonl"
    summary = process_file(src, out, as_of=AS_OF)
    rows = _rows(out)
    assert [r["error_code"] for r in rows] == codes
    assert summary.rows == len(codes) and summary.errors == sum(c is not None for c in codes)
    for r, code in zip(rows, codes, strict=True):
        assert (r["due"] is None) == (code is not None)


def test_a_quoted_value_may_span_lines_but_not_forever(tmp_path: Path) -> None:
    from gkdeadline.batch_files import MAX_RECORD_LINES

    src = tmp_path / "in.csv"
    body = "\n".join(f"line {i}" for i in range(MAX_RECORD_LINES + 5))
    src.write_text(
        f'id,received,channel,note\nR0,2026-09-28,in_person,"{body}"\n' + _line(1),
        encoding="utf-8",
    )
    rows = _rows_of(src, tmp_path / "out.jsonl")
    assert rows[0]["error_code"] == "csv-quote-unclosed" and rows[-1]["id"] == "R1"
    # every line after the runaway start is read again, as itself
    assert all(r["error_code"] == "csv-field-count" for r in rows[1:-2])


def _rows_of(src: Path, out: Path, **kw: Any) -> list[dict[str, Any]]:
    process_file(src, out, as_of=AS_OF, **kw)
    return _rows(out)


# ----------------------------------------------------------------------------- encodings


def test_gbk_file_is_detected_and_said(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        "编号,received,channel,备注\n甲-1,2026-09-28,in_person,张三的申请\n".encode("gbk")
    )
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "--out", str(out), "--as-of", "2026-11-23"]) == 0
    _, err = capsys.readouterr()
    assert "GB18030" in err and "--encoding" in err
    row = _rows(out)[0]
    assert row["编号"] == "甲-1" and row["备注"] == "张三的申请" and row["due"] == "2026-10-30"
    for enc in ("gbk", "gb18030", "GBK"):
        summary = process_file(src, out, as_of=AS_OF, encoding=enc)
        assert summary.notes == [] and _rows(out)[0]["备注"] == "张三的申请"
    # under UTF-8, a GBK header is a file error suggesting --encoding gbk, not a crash
    assert main(["batch", str(src), "--out", str(out), "--encoding", "utf-8"]) == 2
    _, err = capsys.readouterr()
    assert "--encoding gbk" in err and "第 1 行" in err


def test_mixed_encodings_are_never_guessed(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    good = '{"id": "张三", "received": "2026-09-28", "channel": "in_person"}\n'.encode()
    gbk = '{"id": "李四", "received": "2026-09-28", "channel": "in_person"}\n'.encode("gbk")
    src.write_bytes(good + gbk + good)
    summary = process_file(src, tmp_path / "out.jsonl", as_of=AS_OF)
    rows = _rows(tmp_path / "out.jsonl")
    assert [r["error_code"] for r in rows] == [None, "encoding-invalid", None]
    assert "--encoding gbk" in rows[1]["error"] and rows[1]["error"].startswith("第 2 行")
    assert summary.encoding == "utf-8" and "--encoding gbk" in summary.notes[0]


def test_bom_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"\xef\xbb\xbfid,received,channel\nA,2026-09-28,in_person\n")
    assert _rows_of(src, tmp_path / "out.csv")[0]["id"] == "A"
    j = tmp_path / "in.jsonl"
    j.write_bytes(b'\xef\xbb\xbf{"id": "A", "received": "2026-09-28", "channel": "in_person"}\n')
    row = _rows_of(j, tmp_path / "out2.jsonl")[0]
    assert row["id"] == "A" and row["error"] is None


# ----------------------------------------------------------------------------- the matrix

IDS = ["r1", "N/A", "null", "#N/A", " 0012 ", "张三,甲"]
NOTES = ["NA", "null", "NaN", "None", "#N/A", "备注，含逗号"]
BAD = 2  # the row each perturbation spoils
CELLS = ["unclosed", "extra", "gbk", "bom", "na", "impossible"]
# the error code of row BAD per input format and cell (None: the row is computed)
EXPECTED: dict[tuple[str, str], str | None] = {
    ("csv", "unclosed"): "csv-quote-unclosed",
    ("csv", "extra"): "csv-field-count",
    ("csv", "gbk"): "encoding-invalid",
    ("csv", "bom"): None,
    ("jsonl", "unclosed"): "json-invalid",
    ("jsonl", "extra"): "json-invalid",
    ("jsonl", "gbk"): "encoding-invalid",
    ("jsonl", "bom"): None,
    ("parquet", "unclosed"): None,  # a quote and a line break inside a value are just text
    ("parquet", "extra"): None,  # an extra column is the caller's own
    ("parquet", "gbk"): None,  # bytes pass through (Parquet output; CSV/JSON refuse the file)
    ("parquet", "bom"): "date-invalid",  # "\ufeff2026-09-30" is not a date
}
for _fmt in ("csv", "jsonl", "parquet"):
    EXPECTED[(_fmt, "na")] = "date-invalid"  # answered = "NA" is text, not a missing date
    EXPECTED[(_fmt, "impossible")] = "date-invalid"


def _base() -> list[dict[str, Any]]:
    return [
        {
            "id": IDS[i],
            "received": f"2026-09-{28 + i % 3}",
            "channel": "in_person",
            "answered": None,
            "note": NOTES[i],
        }
        for i in range(len(IDS))
    ]


def _csv_field(v: str | None) -> str:
    if v is None:
        return ""
    return f'"{v}"' if "," in v or '"' in v else v


def _make(fmt: str, cell: str, folder: Path) -> Path:
    rows = _base()
    if cell == "na":
        rows[BAD]["answered"] = "NA"
    if cell == "impossible":
        rows[BAD]["received"] = "2026-02-30"
    names = ["id", "received", "channel", "answered", "note"]
    path = folder / f"in.{fmt}"
    if fmt == "parquet":
        cols: dict[str, Any] = {n: [r[n] for r in rows] for n in names}
        if cell == "unclosed":
            cols["note"][BAD] = 'he said "hi\nthere'
        if cell == "extra":
            cols["extra"] = list(range(len(rows)))
        if cell == "gbk":
            cols["note"] = pa.array([n.encode("gbk") for n in cols["note"]], type=pa.binary())
        if cell == "bom":
            cols["id"][BAD] = "\ufeff" + cols["id"][BAD]
            cols["received"][BAD] = "\ufeff" + cols["received"][BAD]
        pq.write_table(pa.table(cols), path)
        return path
    lines: list[bytes] = []
    for r in rows:
        if fmt == "csv":
            lines.append((",".join(_csv_field(r[n]) for n in names) + "\n").encode())
        else:
            lines.append((json.dumps(r, ensure_ascii=False) + "\n").encode())
    text = lines[BAD].decode()
    if cell == "unclosed":
        text = (
            text.replace(f",{NOTES[BAD]}\n", ',"unclosed\n')
            if fmt == "csv"
            else text.replace('"}', "}")
        )
    if cell == "extra":
        text = (
            text.replace("\n", ",extra\n") if fmt == "csv" else text.replace("}\n", '} {"x": 1}\n')
        )
    lines[BAD] = text.encode()
    if cell == "gbk":
        lines[BAD] = text.replace(NOTES[BAD], "张三的备注").encode("gbk")
    head = (",".join(names) + "\n").encode() if fmt == "csv" else b""
    data = head + b"".join(lines)
    if cell == "bom":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("out_fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("in_fmt", ["csv", "jsonl", "parquet"])
def test_matrix_every_row_is_computed_or_an_error_row(
    tmp_path: Path, capsys, in_fmt: str, cell: str, out_fmt: str
) -> None:
    src = _make(in_fmt, cell, tmp_path)
    out = tmp_path / f"out.{out_fmt}"
    code = main(["batch", str(src), "--out", str(out), "--as-of", "2026-11-23"])
    _, err = capsys.readouterr()
    assert _leftovers(tmp_path) == []
    if in_fmt == "parquet" and cell == "gbk" and out_fmt != "parquet":
        # a binary column cannot be written as text: the whole file is refused, nothing written
        assert code == 2 and not out.exists() and "note" in err
        return
    expected = EXPECTED[(in_fmt, cell)]
    assert code == (1 if expected else 0), err
    rows = _rows(out)
    n = len(IDS)
    assert len(rows) == n  # input rows == computed rows + error rows
    errors = [i for i, r in enumerate(rows) if r["error_code"] is not None]
    assert errors == ([BAD] if expected else [])
    if expected:
        assert rows[BAD]["error_code"] == expected and rows[BAD]["due"] is None
    assert f"{n} 行：{n - len(errors)} 行已计算，{len(errors)} 行有错误；已写入 {n} 行" in err
    base = _base()
    for i, r in enumerate(rows):
        if i in errors and in_fmt != "parquet" and expected not in ("date-invalid",):
            continue  # the reader could not read this row's cells
        want_id = ("\ufeff" + IDS[i]) if (in_fmt, cell, i) == ("parquet", "bom", BAD) else IDS[i]
        assert r["id"] == want_id  # byte for byte, NA and all
        if i not in errors:
            assert r["due"] is not None and r["answered"] is None
        if (in_fmt, cell) == ("parquet", "gbk"):
            assert r["note"] == base[i]["note"].encode("gbk")
        elif (in_fmt, cell) == ("parquet", "unclosed") and i == BAD:
            assert r["note"] == 'he said "hi\nthere'
        else:
            assert r["note"] == base[i]["note"]


@pytest.mark.parametrize(
    ("in_fmt", "sig"), [("csv", "INT"), ("jsonl", "INT"), ("parquet", "INT"), ("csv", "TERM")]
)
def test_matrix_interrupted_run_leaves_no_output(tmp_path: Path, in_fmt: str, sig: str) -> None:
    """SIGINT (or SIGTERM) mid-run: exit 4, no output file, no temporary file."""
    n = 400_000
    ids = [f"R{i}" for i in range(n)]
    src = tmp_path / f"big.{in_fmt}"
    if in_fmt == "parquet":
        pq.write_table(
            pa.table({"id": ids, "received": ["2026-09-28"] * n, "channel": ["in_person"] * n}), src
        )
    elif in_fmt == "csv":
        src.write_text(
            "id,received,channel\n" + "".join(f"{i},2026-09-28,in_person\n" for i in ids),
            encoding="utf-8",
        )
    else:
        src.write_text(
            "".join(
                f'{{"id": "{i}", "received": "2026-09-28", "channel": "in_person"}}\n' for i in ids
            ),
            encoding="utf-8",
        )
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gkdeadline.cli", "batch", str(src), "--out", str(out),
         "--as-of", "2026-11-23", "--chunk-size", "2000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not _leftovers(tmp_path):  # the run has started writing
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.05)
    proc.send_signal(getattr(signal, f"SIG{sig}"))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_INTERRUPTED, err.decode()
    assert "(aborted)" in err.decode() or "(interrupted)" in err.decode()
    assert not out.exists() and _leftovers(tmp_path) == []


def test_library_callers_get_batch_interrupted(tmp_path: Path, csv_in: Path) -> None:
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        if len(seen) == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(BatchInterrupted) as exc:
        process_file(csv_in, tmp_path / "out.csv", as_of=AS_OF, chunk_rows=1, progress=progress)
    assert exc.value.signum == signal.SIGTERM and isinstance(exc.value, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGTERM) is before  # the handlers are restored
    assert not (tmp_path / "out.csv").exists() and _leftovers(tmp_path) == []


def test_summary_is_returned_for_callers(tmp_path: Path, csv_in: Path) -> None:
    s = process_file(csv_in, tmp_path / "o.parquet", as_of=AS_OF)
    assert s == Summary(
        rows=5, computed=3, errors=2, input_rows=5, written=5, encoding="utf-8", notes=[]
    )


# ----------------------------------------------------------------------------- event logs

EVENTS = [
    ("c1", "received", "2026-09-28", "in_person", None),
    ("c1", "extension", "2026-10-28", None, "20"),
    ("c2", "received", "2026-02-30", "in_person", None),
    ("c3", "received", "2026-09-28", "in_person", None),
    ("c3", "answered", "2026-10-20", None, None),
    ("c4", "received", "2026-09-28", "in_person", None),
]


def _event_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    cols = list(zip(*rows, strict=True))
    return pa.table(
        {
            "case_id": list(cols[0]),
            "type": list(cols[1]),
            "date": list(cols[2]),
            "channel": list(cols[3]),
            "workdays": list(cols[4]),
        }
    )


def _write_events(rows: list[tuple[Any, ...]], path: Path) -> Path:
    t = _event_table(rows)
    if path.suffix == ".parquet":
        pq.write_table(t, path)
    elif path.suffix == ".csv":
        pcsv.write_csv(t, path)
    else:
        path.write_text(
            "".join(
                json.dumps({k: v for k, v in r.items() if v is not None}) + "\n"
                for r in t.to_pylist()
            ),
            encoding="utf-8",
        )
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_event_log_files_stream_without_splitting_a_case(tmp_path: Path, fmt: str) -> None:
    src = _write_events(EVENTS, tmp_path / f"ev.{fmt}")
    ref = pa.Table.from_pylist(
        _event_log_ref(_event_table(EVENTS)),
    )
    for chunk in (1, 2, 3, 100):
        out = tmp_path / f"out{chunk}.parquet"
        summary = process_file(src, out, as_of=AS_OF, chunk_rows=chunk, events=True)
        assert (summary.input_rows, summary.rows, summary.errors) == (6, 4, 1)
        got = pq.read_table(out)
        assert got.column("case_id").to_pylist() == ["c1", "c2", "c3", "c4"]
        assert got.column("due").to_pylist() == ref.column("due").to_pylist()
        assert got.column("status").to_pylist() == ref.column("status").to_pylist()
        row = got.to_pylist()[1]
        assert row["error_code"] == "date-invalid"
        line = 3 if fmt == "parquet" else (4 if fmt == "csv" else 3)  # CSV: the header is line 1
        assert row["error_row"] == line and row["error"].startswith(f"第 {line} 行：")


def _event_log_ref(t: pa.Table) -> list[dict[str, Any]]:
    from gkdeadline.batch_cases import event_log

    rows: list[dict[str, Any]] = event_log(t, as_of=AS_OF).to_pylist()
    return rows


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_event_log_case_reappearing_is_an_error_of_those_rows(tmp_path: Path, fmt: str) -> None:
    rows = [*EVENTS, ("c1", "answered", "2026-11-02", None, None)]
    src = _write_events(rows, tmp_path / f"ev.{fmt}")
    for chunk in (1, 4, 100):
        out = tmp_path / "out.jsonl"
        summary = process_file(src, out, as_of=AS_OF, chunk_rows=chunk, events=True)
        got = _rows(out)
        assert summary.input_rows == 7 and len(got) == 5
        assert [r["case_id"] for r in got] == ["c1", "c2", "c3", "c4", "c1"]
        last = got[-1]
        line = 7 if fmt != "csv" else 8
        assert last["error_code"] == "case-not-contiguous" and last["error_row"] == line
        assert last["error"].startswith(f"第 {line} 行：案件 'c1' 的事件不连续")
        assert got[0]["error"] is None  # computed without the late event, as the error row says


def test_event_log_unreadable_lines(tmp_path: Path) -> None:
    lines = [
        '{"case_id": "a", "type": "received", "date": "2026-09-28", "channel": "in_person"}',
        "{broken",
        '{"case_id": "a", "type": "extension", "date": "2026-10-28"}',
        '{"type": "answered", "date": "2026-10-01"}',
        '{"case_id": "b", "type": "received", "date": 1774396800, "channel": "in_person"}',
        '{"case_id": "c", "type": "received", "date": "2026-09-28", "channel": "in_person"}',
    ]
    src = tmp_path / "ev.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for chunk in (1, 2, 100):
        out = tmp_path / "out.csv"
        summary = process_file(src, out, as_of=AS_OF, chunk_rows=chunk, events=True)
        got = _rows(out)
        assert summary.input_rows == 6
        assert [(r["case_id"], r["error_code"]) for r in got] == [
            ("a", "case-line-unreadable"),  # line 2 lies between two of a's events
            (None, "json-invalid"),
            (None, "case-id-missing"),
            ("b", "json-value-invalid"),
            ("c", None),
        ]
        assert [r["error_row"] for r in got] == ["2", "2", "4", "5", None]


def test_event_log_cli(tmp_path: Path, capsys) -> None:
    src = _write_events(EVENTS, tmp_path / "ev.csv")
    out = tmp_path / "out.csv"
    code = main(["batch", str(src), "--events", "--out", str(out), "--as-of", "2026-11-23"])
    _, err = capsys.readouterr()
    assert code == 1 and "6 个事件，4 件案件：3 行已计算，1 行有错误；已写入 4 行" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,kind,date\n", encoding="utf-8")
    assert main(["batch", str(bad), "--events", "--out", str(out)]) == 2
    _, err = capsys.readouterr()
    assert "type" in err


# ----------------------------------------------------------------------------- clusters


def test_dask_on_a_local_cluster_matches_pandas() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    pdf = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(400)],
            "received": pd.date_range("2025-01-01", periods=400, freq="D").strftime("%Y-%m-%d"),
            "channel": ["in_person"] * 400,
        }
    )
    pdf.loc[7, "received"] = "not a date"
    saved_env = dict(os.environ)  # the nanny writes its pre-spawn variables into this process's
    try:
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster),
        ):
            out = dask_cases(dd.from_pandas(pdf, npartitions=4), as_of=AS_OF).compute()
    finally:  # (a later cluster's workers would inherit MALLOC_TRIM_THRESHOLD_ from it)
        os.environ.clear()
        os.environ.update(saved_env)
    ref = cases(pdf, as_of=AS_OF)
    assert out["id"].tolist() == ref["id"].tolist() == pdf["id"].tolist()
    assert out["due"].tolist() == ref["due"].tolist()
    assert out["error"].notna().sum() == 1 and "not a date" in out.loc[7, "error"]


def test_pyspark_map_in_pandas() -> None:
    pyspark = pytest.importorskip("pyspark.sql")
    spark = pyspark.SparkSession.builder.master("local[2]").getOrCreate()
    try:
        sdf = spark.createDataFrame(
            pd.DataFrame(
                {"id": ["a", "b"], "received": ["2026-09-28", "bad"], "channel": ["in_person"] * 2}
            )
        )
        ref = cases(sdf.limit(0).toPandas(), as_of=AS_OF)
        schema = ", ".join(f"{c} string" for c in ref.columns)
        out = sdf.mapInPandas(
            lambda it: (cases(p, as_of=AS_OF).astype("string") for p in it), schema=schema
        ).toPandas()
        assert out["due"].tolist()[0] == "2026-10-30" and out["error"].notna().tolist() == [
            False,
            True,
        ]
    finally:
        spark.stop()
