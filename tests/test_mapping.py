"""Reading real exports: columns, labels and dates by explicit rules; bad cells are data, rows kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from gkdeadline.batch_cases import cases, event_log
from gkdeadline.errors import InputError
from gkdeadline.mapping import Mapping, label_key, normalize, parse_date, read_table

D = date(2025, 3, 4)


# ---------------------------------------------------------------- dates, one rule per format


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-04",
        "2025-3-4",
        "2025/3/4",
        "2025/03/04",
        "2025.3.4",
        "2025年3月4日",
        "2025年03月04日",
        "2025年3月4",
        "20250304",
        "2025/3/4 9:30:00",
        "2025-03-04T09:30",
        "2025-03-04 00:00:00",
        " 2025-03-04 ",
        "２０２５年３月４日",  # full-width digits (NFKC)
    ],
)
def test_each_text_format(text: str) -> None:
    assert parse_date(text) == (D, None)
    t, errors = normalize(pa.table({"收到申请日期": [text]}))
    assert not errors
    assert t.column("received").to_pylist() == [D]


def test_offset_is_converted_to_beijing() -> None:
    assert parse_date("2025-03-04T20:00:00Z") == (date(2025, 3, 5), None)
    assert parse_date("2025-03-04T20:00:00+08:00") == (D, None)


@pytest.mark.parametrize(
    "text",
    ["3/4/2025", "04.03.2025", "25-3-4", "2025-02-30", "2025/13/1", "March 4, 2025", "2025-3/4"],
)
def test_ambiguous_or_impossible_dates_are_errors(text: str) -> None:
    day, why = parse_date(text)
    assert day is None and why
    t, errors = normalize(pa.table({"收到申请日期": [text, "2025-03-04"]}))
    assert t.num_rows == 2  # the row stays
    assert t.column("received").to_pylist() == [None, D]
    assert t.column("error_code").to_pylist() == ["date-invalid", None]
    assert errors.rows[0].source_row == 2 and errors.rows[0].value == text
    assert "表格第 2 行" in t.column("error")[0].as_py()


def test_excel_datetime_cells() -> None:
    t, errors = normalize(
        pa.table({"收到申请日期": pa.array([datetime(2025, 3, 4, 15, 30)], pa.timestamp("s"))})
    )
    assert not errors and t.column("received").to_pylist() == [D]
    aware = pa.array([datetime(2025, 3, 4, 20, 0, tzinfo=UTC)], pa.timestamp("s", tz="UTC"))
    t, _ = normalize(pa.table({"收到申请日期": aware}))
    assert t.column("received").to_pylist() == [date(2025, 3, 5)]  # 04:00 in Beijing
    assert parse_date(datetime(2025, 3, 4, 23, 59)) == (D, None)


def test_excel_serials_in_numeric_columns() -> None:
    # 45720 is 2025-03-04 in Excel's 1900 date system; inside the 1990–2099 window: unambiguous
    t, errors = normalize(pa.table({"收到申请日期": pa.array([45720, 45720.75, 20250304])}))
    assert not errors
    assert t.column("received").to_pylist() == [D, D, D]
    # outside the window: refused unless the mapping says the column holds serials
    t, errors = normalize(pa.table({"收到申请日期": pa.array([20000])}))
    assert t.column("error_code").to_pylist() == ["date-invalid"]
    serial = Mapping.from_dict({"dates": {"excel_serial": ["received"]}})
    t, errors = normalize(pa.table({"收到申请日期": pa.array([20000])}), serial)
    assert not errors and t.column("received").to_pylist() == [date(1954, 10, 3)]
    # excel_serial = false: numbers are never dates (8-digit YYYYMMDD still are)
    never = Mapping.from_dict({"dates": {"excel_serial": False}})
    t, errors = normalize(pa.table({"收到申请日期": pa.array([45720, 20250304])}), never)
    assert t.column("received").to_pylist() == [None, D]
    # the 1904 date system (old Mac workbooks)
    mac = Mapping.from_dict({"dates": {"excel_serial": True, "excel_1904": True}})
    t, _ = normalize(pa.table({"收到申请日期": pa.array([44258])}), mac)
    assert t.column("received").to_pylist() == [D]


def test_digits_in_text_are_serials_only_when_the_mapping_says_so() -> None:
    t, errors = normalize(pa.table({"收到申请日期": ["45720"]}))
    assert t.column("error_code").to_pylist() == ["date-invalid"]
    assert "excel_serial" in errors.rows[0].message
    serial = Mapping.from_dict({"dates": {"excel_serial": True}})
    t, errors = normalize(pa.table({"收到申请日期": ["45720"]}), serial)
    assert not errors and t.column("received").to_pylist() == [D]


# ---------------------------------------------------------------- labels


def test_builtin_labels() -> None:
    m = Mapping.builtin()
    cases_ = {
        ("channel", "网上申请"): "online",
        ("channel", "互联网"): "online",
        ("channel", "当面"): "in_person",
        ("channel", "挂号信"): "post",
        ("channel", "EMS"): "post",
        ("channel", "平信"): "letter",
        ("channel", "传真"): "fax",
        ("channel", "电子邮件"): "email",
        ("outcome", "予以公开"): "granted",
        ("outcome", "部分公开"): "partial",
        ("outcome", "不予公开·属于国家秘密"): "refused.state-secret",
        ("outcome", "（三）不予公开 1.属于国家秘密"): "refused.state-secret",
        ("outcome", "不予公开-4.保护第三方合法权益"): "refused.third-party-rights",
        ("outcome", "无法提供（本机关不掌握相关政府信息）"): "unavailable.not-held",
        ("outcome", "其他处理·逾期不补正"): "other.correction-lapsed",
        ("applicant", "自然人"): "natural-person",
        ("applicant", "商业企业"): "business",
        ("applicant", "法人或其他组织-其他"): "other-org",
        ("type", "收到申请"): "received",
        ("type", "告知补正"): "correction_requested",
        ("type", "征求意见"): "consultation_started",
        ("type", "延期答复"): "extension",
        ("type", "视为放弃"): "abandoned",
    }
    for (table, label), code in cases_.items():
        assert m.lookup(table, label) == (code, None), (table, label)
    assert label_key("（三）不予公开 1.属于国家秘密") == label_key("不予公开·属于国家秘密")


def test_unknown_labels_are_row_errors_with_a_summary_per_column() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "B", "C", "D"],
            "收到申请日期": ["2025-03-04"] * 4,
            "申请方式": ["网上申请", "微信", "微信", "当面"],
            "申请人类型": ["自然人", "个体户", "自然人", "自然人"],
        }
    )
    t, errors = normalize(export)
    assert t.num_rows == 4  # no row dropped
    assert t.column("error_code").to_pylist() == [None, "label-unknown", "label-unknown", None]
    assert [e.source_row for e in errors.rows] == [3, 4, 3]
    assert errors.unknown == {"申请方式": {"微信": 2}, "申请人类型": {"个体户": 1}}
    summary = errors.summary_zh()
    assert "列 申请方式（channel）有映射中没有的标签：微信（2 行）" in summary
    assert "该列已识别的标签：网上申请、当面" in summary
    assert "[values.channel]" in errors.rows[0].message  # says where to fix it
    # the raw label is kept, so the engine refuses the row too
    assert t.column("channel").to_pylist() == ["online", "微信", "微信", "in_person"]
    out = cases(t, as_of="2025-05-01")
    assert out.column("error_code").to_pylist()[1] == "field-invalid"


def test_ambiguous_label_is_refused_with_the_reason() -> None:
    t, errors = normalize(pa.table({"收到申请日期": ["2025-03-04"], "申请方式": ["信函"]}))
    assert t.column("error_code").to_pylist() == ["label-ambiguous"]
    assert "挂号" in errors.rows[0].message and "平信" in errors.rows[0].message


def test_mapping_file(tmp_path: Path) -> None:
    f = tmp_path / "m.toml"
    f.write_text(
        """
[columns]
"受理号" = "case_id"
"办结时间" = "answered"
"内部备注" = ""

[values.channel]
"微信" = "online"
"信函" = "post"
""",
        "utf-8",
    )
    m = Mapping.from_toml(f)
    t, errors = normalize(
        pa.table(
            {
                "受理号": ["A"],
                "收到申请日期": ["2025/3/4"],
                "申请方式": ["微信"],
                "办结时间": ["2025.3.20"],
                "内部备注": ["x"],
            }
        ),
        m,
    )
    assert not errors
    assert t.column_names[:4] == ["id", "received", "channel", "answered"]
    assert t.column("内部备注").to_pylist() == ["x"]
    assert m.lookup("channel", "信函") == ("post", None)  # the file's choice replaces "ambiguous"
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"x" = "recieved"\n', "utf-8")
    with pytest.raises(InputError) as exc:
        Mapping.from_toml(bad)
    assert exc.value.code == "mapping-invalid" and "recieved" in str(exc.value)
    bad.write_text('[values.channel]\n"x" = "pigeon"\n', "utf-8")
    with pytest.raises(InputError, match="pigeon"):
        Mapping.from_toml(bad)


# ---------------------------------------------------------------- event logs and one-row tables


def test_event_log_rules() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "A", "A", "B", "B", "B", "B"],
            "事件类型": [
                "收到申请",
                "征求第三方意见",
                "作出答复",
                "收到申请",
                "告知补正",
                "确定补正期限",
                "视为放弃",
            ],
            "日期": [
                "2025-03-04",
                "2025/3/5",
                "20250320",
                "2025.3.4",
                "2025-03-05",
                "2025-03-05",
                "2025-04-10",
            ],
            "申请方式": ["当面"] * 3 + ["挂号信"] * 4,  # repeated on every row of a case
            "补正期限（工作日）": [None, None, None, None, None, "10", None],
            "延长工作日数": [None] * 7,
            "办理结果": [None, None, "予以公开", None, None, None, "其他处理·逾期不补正"],
            "申请人类型": ["自然人"] * 3 + ["商业企业"] * 4,
        }
    )
    t, errors = normalize(export)
    assert not errors, errors.summary_zh()
    assert t.column("channel").to_pylist() == ["in_person", None, None, "post", None, None, None]
    assert t.column("party").to_pylist()[1] == "third_party"  # implied by the event type
    assert t.column("workdays").to_pylist()[5] == "10"  # both columns feed the event field
    assert t.column("outcome").to_pylist()[2] == "granted"
    assert t.column("outcome").to_pylist()[6] is None
    assert t.column("report_outcome").to_pylist()[6] == "other.correction-lapsed"
    out = event_log(t, as_of="2025-06-01")
    assert out.column("error").null_count == out.num_rows
    assert out.column("status").to_pylist() == ["answered", "abandoned"]


def test_a_repeated_value_that_differs_is_an_error() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "A"],
            "事件类型": ["收到申请", "作出答复"],
            "日期": ["2025-03-04", "2025-03-20"],
            "申请方式": ["当面", "传真"],
        }
    )
    t, errors = normalize(export)
    assert t.column("error_code").to_pylist() == [None, "field-invalid"]
    assert "收到申请" in errors.rows[0].message


def test_one_row_closures_are_routed_by_outcome() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "B", "C"],
            "收到申请日期": ["2025-03-04"] * 3,
            "申请方式": ["当面"] * 3,
            "办结日期": ["2025-03-20", "2025-03-10", "2025-04-20"],
            "办理结果": ["予以公开", "申请人撤回", "其他处理·逾期不补正"],
        }
    )
    t, errors = normalize(export)
    assert not errors
    assert t.column("answered").to_pylist() == [date(2025, 3, 20), None, None]
    assert t.column("withdrawn").to_pylist() == [None, date(2025, 3, 10), None]
    assert t.column("abandoned").to_pylist() == [None, None, date(2025, 4, 20)]
    assert t.column("report_outcome").to_pylist() == [None, "withdrawn", "other.correction-lapsed"]
    out = cases(t, as_of="2025-06-01")
    assert out.column("status").to_pylist() == ["answered", "withdrawn", "abandoned"]


def test_missing_required_column() -> None:
    with pytest.raises(InputError) as exc:
        normalize(pa.table({"申请方式": ["当面"]}))
    assert exc.value.code == "column-missing"


# ---------------------------------------------------------------- files


def test_xlsx_with_a_title_row_and_date_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2025 年政府信息公开申请登记表"])
    ws.append(["申请编号", "收到申请日期", "申请方式", "申请人类型"])
    ws.append([20250001, datetime(2025, 3, 4), "网上申请", "自然人"])
    ws.append([None, None, None, None])  # an empty row is layout
    ws.append([20250002, "2025年3月5日", "当面", "商业企业"])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    read = read_table(path)
    assert read.header_row == 2
    assert read.source_rows.tolist() == [3, 5]
    t, errors = normalize(read.table, source_rows=read.source_rows)
    assert not errors
    assert t.column("id").to_pylist() == ["20250001", "20250002"]
    assert t.column("received").to_pylist() == [D, date(2025, 3, 5)]
    assert t.column("source_row").to_pylist() == [3, 5]


def test_gb18030_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("申请编号,收到申请日期,申请方式\nA,2025/3/4,当面\n".encode("gb18030"))
    read = read_table(path)
    t, errors = normalize(read.table, source_rows=read.source_rows)
    assert not errors and t.column("channel").to_pylist() == ["in_person"]
