"""The 政务公开办's year: a generated export in, the 30号 table and honest statistics out."""

from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from gkdeadline.batch_cases import event_log
from gkdeadline.cli import main
from gkdeadline.errors import InputError
from gkdeadline.eventlog_files import case_facts, event_log_chunked, event_log_file
from gkdeadline.mapping import normalize, read_table
from gkdeadline.report import (
    COLUMNS,
    ROWS,
    annual_report,
    annual_report_from_facts,
    report_facts,
)
from gkdeadline.stats import CJKFontWarning, deadline_stats, write_charts

GEN = Path(__file__).parent.parent / "benchmarks" / "gen_export.py"
AS_OF = date(2027, 2, 26)  # the export's date: every 2025 and 2026 deadline has passed
N = 2000


def gen_export() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_export", GEN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """2,000 generated cases: the canonical log, and the Chinese export as .xlsx read back."""
    g = gen_export()
    canonical = g.generate(N, seed=11)
    folder = tmp_path_factory.mktemp("export")
    path = g.write_export(g.to_export(canonical, seed=11, datetime_cells=0.3), folder / "e.xlsx")
    read = read_table(path)
    table, errors = normalize(read.table, source_rows=read.source_rows)
    return {"canonical": canonical, "path": path, "read": read, "table": table, "errors": errors}


@pytest.fixture(scope="module")
def facts_2025(generated: dict[str, Any]) -> Any:
    return report_facts(generated["table"], 2025, as_of=AS_OF)


# ---------------------------------------------------------------- no row lost


def test_generated_export_reads_without_loss(generated: dict[str, Any]) -> None:
    canonical, read, t, errors = (generated[k] for k in ("canonical", "read", "table", "errors"))
    assert read.table.num_rows == canonical.num_rows == t.num_rows
    assert not errors, errors.summary_zh()
    # the export had mixed date formats and Excel date cells; every date reads back exactly
    assert t.column("date").to_pylist() == canonical.column("date").to_pylist()
    assert t.column("case_id").to_pylist() == canonical.column("case_id").to_pylist()
    assert t.column("type").to_pylist() == canonical.column("type").to_pylist()
    got = event_log(t, as_of=AS_OF)
    assert got.num_rows == N  # one row per case, none lost
    assert got.column("error").null_count == N, got.filter(pc.is_valid(got.column("error")))


def test_chunked_event_log_is_event_log(generated: dict[str, Any], tmp_path: Path) -> None:
    t = generated["table"]
    whole = event_log(t, as_of=AS_OF)
    keep = ["case_id", "due", "status", "on_time", "workdays_late", "findings", "error"]
    chunked = event_log_chunked(t, as_of=AS_OF, chunk_rows=700)
    assert chunked.select(keep) == whole.select(keep)
    # rows in any order: the same cases, the same answers
    shuffled = t.take(pa.array(np.random.default_rng(1).permutation(t.num_rows)))
    out = event_log_chunked(shuffled, as_of=AS_OF, chunk_rows=900).sort_by("case_id")
    assert out.select(keep) == whole.sort_by("case_id").select(keep)
    # a file, streamed: grouped by case is required and checked
    import pyarrow.parquet as pq

    canonical = generated["canonical"]
    pq.write_table(canonical, tmp_path / "log.parquet")
    streamed = event_log_file(tmp_path / "log.parquet", as_of=AS_OF, chunk_rows=1000)
    ref = event_log(canonical, as_of=AS_OF)
    assert streamed.select(keep) == ref.select(keep)
    moved = np.r_[np.arange(1, canonical.num_rows), 0]  # the first case's first row last
    pq.write_table(canonical.take(pa.array(moved)), tmp_path / "r.parquet")
    with pytest.raises(InputError) as exc:
        event_log_file(tmp_path / "r.parquet", as_of=AS_OF, chunk_rows=1000)
    assert exc.value.code == "eventlog-not-grouped"


# ---------------------------------------------------------------- the table


@pytest.mark.parametrize("year", [2025, 2026])
def test_table_balances_in_every_column(generated: dict[str, Any], year: int) -> None:
    rep = annual_report_from_facts(
        report_facts(generated["table"], year, as_of=AS_OF), year, as_of=AS_OF
    )
    assert len(rep.checks) == len(COLUMNS) == 7
    for c in rep.checks:
        assert c.ok, c
        assert c.new + c.carried == c.handled + c.carried_over
    assert rep.balanced and not rep.provisional
    # 一 is every case received in the year
    received = event_log(
        generated["canonical"].filter(pc.equal(generated["canonical"].column("type"), "received")),
        as_of=AS_OF,
    )
    years = [int(cid[2:6]) for cid in received.column("case_id").to_pylist()]
    assert rep.count("一") == years.count(year)
    # （七）总计 is the sum of rows （一）–（六）, and 总计 the sum of the applicant columns
    detail = [r.key for r in ROWS if r.outcome]
    for code, _ in COLUMNS:
        assert rep.counts["三.total"][code] == sum(rep.counts[k][code] for k in detail)
    for r in ROWS:
        assert rep.counts[r.key]["total"] == sum(rep.counts[r.key][c] for c, _ in COLUMNS[:-1])
    # each case is placed exactly once
    placed = rep.case_rows()
    counted = placed.filter(pc.is_valid(placed.column("counted_in")))
    assert counted.num_rows == rep.count("一") + rep.count("二")
    assert counted.column("result").null_count == 0


def test_carried_over_matches_next_year(generated: dict[str, Any]) -> None:
    t = generated["table"]
    a = annual_report_from_facts(report_facts(t, 2025, as_of=AS_OF), 2025, as_of=AS_OF)
    b = annual_report_from_facts(report_facts(t, 2026, as_of=AS_OF), 2026, as_of=AS_OF)
    for code, _ in COLUMNS:
        assert a.counts["四"][code] == b.counts["二"][code]
    assert a.count("四") > 0


def test_abandoned_corrections_are_other_1(generated: dict[str, Any], facts_2025: Any) -> None:
    rep = annual_report_from_facts(facts_2025, 2025, as_of=AS_OF)
    placed = rep.case_rows()
    lapsed = set(
        pc.filter(
            placed.column("case_id"),
            pc.equal(placed.column("result"), "三.other.correction-lapsed"),
        ).to_pylist()
    )
    assert rep.count("三.other.correction-lapsed") == len(lapsed) > 0
    # the generator's never-supplied corrections closed in 2025: half closed by a 视为放弃 row,
    # half left to the engine's lapse; both kinds are in （六）1, and nothing else is
    c = generated["canonical"]
    rows = c.to_pylist()
    by_case: dict[str, set[str]] = {}
    for r in rows:
        by_case.setdefault(r["case_id"], set()).add(r["type"])
    never = {
        k
        for k, v in by_case.items()
        if "correction_requested" in v
        and "correction_received" not in v
        and not v & {"answered", "withdrawn", "fee_lapsed"}
    }
    facts = facts_2025
    closed_2025 = {
        r["case_id"]
        for r in facts.select(["case_id", "status_end", "status_prev"]).to_pylist()
        if r["status_end"] == "abandoned" and r["status_prev"] != "abandoned"
    } | {
        r["case_id"]
        for r in facts.select(["case_id", "closed", "closed_by"]).to_pylist()
        if r["closed_by"] == "abandoned" and r["closed"] and r["closed"].year == 2025
    }
    assert lapsed == never & closed_2025
    explicit = {k for k in lapsed if "abandoned" in by_case[k]}
    assert explicit and lapsed - explicit  # both ways of lapsing occur and are counted


def test_counting_rules_by_hand() -> None:
    """One case per rule, across the year boundary."""
    rows = [
        # carried over from 2024, answered in 2025
        ("K1", "received", "2024-12-20", "in_person", None),
        ("K1", "answered", "2025-01-10", None, "granted"),
        # carried over and still open at the end of 2025 → 四
        ("K2", "received", "2024-12-30", "in_person", None),
        # closed in 2024: not in the 2025 table at all
        ("K3", "received", "2024-11-01", "in_person", None),
        ("K3", "answered", "2024-11-20", None, "partial"),
        # withdrawn → （六）3
        ("K4", "received", "2025-03-03", "in_person", None),
        ("K4", "withdrawn", "2025-03-10", None, None),
        # a correction never supplied, closed by a 视为放弃 row → （六）1
        ("K5", "received", "2025-03-03", "in_person", None),
        ("K5", "correction_requested", "2025-03-04", None, None),
        ("K5", "abandoned", "2025-04-30", None, None),
        # the engine's own lapse (补正期限 10 workdays) → （六）1
        ("K6", "received", "2025-03-03", "in_person", None),
        ("K6", "correction_requested", "2025-03-04", None, None),
        ("K6", "correction_deadline_set", "2025-03-04", None, None),
        # a fee never paid → （六）2
        ("K7", "received", "2025-03-03", "in_person", None),
        ("K7", "fee_notified", "2025-03-05", None, None),
        ("K7", "fee_lapsed", "2025-05-30", None, None),
        # answered without an outcome: cannot be placed, so the table does not balance
        ("K8", "received", "2025-03-03", "in_person", None),
        ("K8", "answered", "2025-03-20", None, None),
        # received in 2025, answered in 2026 → 四
        ("K9", "received", "2025-12-22", "in_person", None),
        ("K9", "answered", "2026-01-12", None, "granted"),
    ]
    t = pa.table(
        {
            "case_id": [r[0] for r in rows],
            "type": [r[1] for r in rows],
            "date": [r[2] for r in rows],
            "channel": [r[3] for r in rows],
            "outcome": [r[4] for r in rows],
            "workdays": [10 if r[1] == "correction_deadline_set" else None for r in rows],
            "applicant": ["natural-person"] * len(rows),
        }
    )
    rep = annual_report(t, 2025, as_of=date(2026, 3, 1))
    where = {r["case_id"]: (r["counted_in"], r["result"]) for r in rep.case_rows().to_pylist()}
    assert where == {
        "K1": ("二", "三.granted"),
        "K2": ("二", "四"),
        "K3": (None, None),
        "K4": ("一", "三.other.other"),
        "K5": ("一", "三.other.correction-lapsed"),
        "K6": ("一", "三.other.correction-lapsed"),
        "K7": ("一", "三.other.fee-lapsed"),
        "K8": ("一", None),
        "K9": ("一", "四"),
    }
    assert not rep.balanced
    bad = {c.column: c.cases for c in rep.checks if not c.ok}
    assert bad == {"自然人": ("K8",), "总计": ("K8",)}
    md = rep.to_markdown()
    assert "不平衡" in md and "K8" in md


def test_report_files(generated: dict[str, Any], facts_2025: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rep = annual_report_from_facts(facts_2025, 2025, as_of=AS_OF)
    paths = rep.write(tmp_path)
    assert {"csv", "md", "xlsx", "review_csv", "issues_csv"} <= set(paths)
    csv_text = paths["csv"].read_text("utf-8-sig")
    assert (
        csv_text.splitlines()[0]
        == "行,项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计"
    )
    wb = load_workbook(paths["xlsx"])
    ws = wb["三、申请情况"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4"} <= merged
    assert ws["E3"].value == "法人或其他组织" and ws["D3"].value == "自然人"
    assert [ws.cell(4, c).value for c in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    labels = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert (
        "3.危及“三安全一稳定”" in labels
        and "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels
    )
    assert ws["A5"].value == "一、本年新收政府信息公开申请数量" and ws["J5"].value == rep.count(
        "一"
    )
    w4 = wb["四、复议诉讼"]
    assert {"A2:E2", "F2:O2", "F3:J3", "K3:O3"} <= {str(m) for m in w4.merged_cells.ranges}
    assert w4["F3"].value == "未经复议直接起诉" and w4["K3"].value == "复议后起诉"
    assert sum(rep.review["review"].values()) > 0


def test_progress_callback(generated: dict[str, Any]) -> None:
    calls: list[tuple[int, int]] = []
    annual_report(
        generated["table"],
        2025,
        as_of=AS_OF,
        chunk_rows=1500,
        progress=lambda d, t: calls.append((d, t)),
    )
    total = generated["table"].num_rows
    assert len(calls) > 1 and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# ---------------------------------------------------------------- statistics and charts


def test_stats_exclude_cohorts_not_yet_due(generated: dict[str, Any]) -> None:
    as_of = date(2026, 6, 15)
    facts = case_facts(generated["table"], as_of=as_of)
    with pytest.raises(InputError):
        deadline_stats(facts, as_of=AS_OF)  # computed on another date
    st = deadline_stats(facts)
    complete = [g for g in st.by_due_month if g.complete]
    pending = [g for g in st.by_due_month if not g.complete]
    assert complete[-1].key == "2026-05" and pending[0].key == "2026-06"
    assert all(g.on_time_rate is None or not g.cohort for g in pending)
    assert all(g.on_time_rate is not None for g in complete)
    # the rates use exactly the cases whose deadline has passed (due in a complete month)
    due = facts.column("due").to_pylist()
    status = facts.column("status").to_pylist()
    determined = sum(
        1
        for d, s in zip(due, status, strict=True)
        if d is not None
        and d < date(2026, 6, 1)
        and s in ("answered", "answered_late", "overdue", "seriously_overdue")
    )
    assert sum(g.determined for g in complete) == determined
    assert st.excluded["not_yet_due"] == sum(
        1 for d in due if d is not None and d >= date(2026, 6, 1)
    )
    md_rows = st.tables()["by_due_month"]
    assert any(r[-1] == "未到期（不计比率）" and r[-3] == "—" for r in md_rows[1:])
    # no open case in a complete month is "within time": its deadline has passed
    assert all(g.cohort["open_within_time"] == 0 for g in complete)


def test_charts_have_content(generated: dict[str, Any], facts_2025: Any, tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    st = deadline_stats(facts_2025, year=2025)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CJKFontWarning)
        charts = write_charts(st, tmp_path)
    for chart in (charts.compliance, charts.lateness):
        assert chart.png.stat().st_size > 5000 and chart.svg.stat().st_size > 5000
        img = mpimg.imread(chart.png)
        assert img.shape[:2] == (chart.size[1], chart.size[0]) == (450, 800)
        rgb = img[..., :3]
        assert rgb.std() > 0.05  # not blank
        assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 20
        svg = chart.svg.read_text("utf-8")
        texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        for label in chart.labels:
            assert label in texts, (label, sorted(texts)[:20])
        for gid in chart.gids:
            m = re.search(rf'<g id="{re.escape(gid)}(-0)?">\s*<path d="([^"]+)"', svg)
            assert m and len(m.group(2)) > 20, gid
    # the data drawn are the complete months' rates
    assert len(st.complete_months()) == 11  # 2025-02 … 2025-12 (nothing falls due in January)


def test_charts_render_without_a_cjk_font(facts_2025: Any, tmp_path: Path) -> None:
    st = deadline_stats(facts_2025, year=2025)
    with pytest.warns(CJKFontWarning, match="fonts-noto-cjk"):
        charts = write_charts(st, tmp_path, font=False)
    assert charts.font is None
    assert "due month" in charts.compliance.labels
    assert charts.compliance.png.stat().st_size > 5000


# ---------------------------------------------------------------- the command


def test_cli_report(
    generated: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CJKFontWarning)
        code = main(
            [
                "report",
                "--year",
                "2025",
                str(generated["path"]),
                "--events",
                "--out",
                str(out),
                "--as-of",
                AS_OF.isoformat(),
                "--stats",
            ]
        )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "勾稽关系 一+二=三（七）+四 在各列均平衡" in err
    for name in ("annual-report-2025.csv", "annual-report-2025.md", "annual-report-2025.xlsx",
                 "annual-report-2025-cases.csv", "stats-2025.md", "stats-2025.html",
                 "charts/stats-2025-compliance.png", "charts/stats-2025-compliance.svg",
                 "charts/stats-2025-lateness.png", "charts/stats-2025-lateness.svg"):  # fmt: skip
        assert (out / name).is_file(), name
    html = (out / "stats-2025.html").read_text("utf-8")
    assert "<svg" in html and "ontime-rate" in html
    assert "![monthly compliance](charts/stats-2025-compliance.png)" in (
        out / "stats-2025.md"
    ).read_text("utf-8")


def test_cli_report_unknown_labels_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "e.csv"
    f.write_text(
        "申请编号,收到申请日期,申请方式,申请人类型\nA,2025-03-04,微信,自然人\nB,2025/3/5,当面,自然人\n",
        "utf-8",
    )
    code = main(
        ["report", "--year", "2025", str(f), "--out", str(tmp_path / "o"), "--as-of", "2026-03-01"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "微信（1 行）" in err and "表格第 2 行" in err
    assert (tmp_path / "o" / "annual-report-2025-input-errors.csv").is_file()
    code = main(
        [
            "report",
            "--year",
            "2025",
            str(f),
            "--out",
            str(tmp_path / "o"),
            "--as-of",
            "2026-03-01",
            "--allow-errors",
        ]
    )
    assert code == 0


def test_one_row_export_report() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "B", "C", "D"],
            "收到申请日期": ["2025/3/3", "2025年3月4日", "2024-12-30", "2025.12.29"],
            "申请方式": ["当面", "挂号信", "当面", "当面"],
            "办结日期": ["2025-03-20", "2025-03-10", "2025-01-15", None],
            "办理结果": ["不予公开·属于国家秘密", "申请人撤回", "部分公开", None],
            "申请人类型": ["自然人", "律师事务所", "企业", "自然人"],
        }
    )
    rep = annual_report(export, 2025, as_of=date(2026, 3, 1))
    assert rep.input_errors is not None and not rep.input_errors
    assert rep.balanced
    where = {r["case_id"]: r["result"] for r in rep.case_rows().to_pylist()}
    assert where == {
        "A": "三.refused.state-secret",
        "B": "三.other.other",
        "C": "三.partial",
        "D": "四",
    }
    assert rep.counts["二"] == {
        **dict.fromkeys((c for c, _ in COLUMNS), 0),
        "business": 1,
        "total": 1,
    }
    assert rep.counts["三.other.other"]["legal-service"] == 1


def test_chunked_facts_name_the_spreadsheet_row() -> None:
    export = pa.table(
        {
            "申请编号": ["A", "A", "B", "B", "C", "C"],
            "事件类型": ["收到申请", "作出答复", "收到申请", "作出答复", "收到申请", "作出答复"],
            "日期": [
                "2025-03-03",
                "2025-03-20",
                "2025-03-03",
                "2025-02-01",
                "2025-03-03",
                "2025-03-20",
            ],
            "申请方式": ["当面"] * 6,
            "办理结果": [None, "予以公开", None, "予以公开", None, "未知结果"],
        }
    )
    t, errors = normalize(export)
    assert len(errors) == 1
    facts = case_facts(t, as_of=date(2025, 6, 1), chunk_rows=2)
    rows = {r["case_id"]: r for r in facts.to_pylist()}
    assert rows["A"]["error_code"] is None and rows["A"]["status"] == "answered"
    assert rows["B"]["error_code"] is not None  # an answer before the request: the engine refuses
    assert rows["C"]["error_code"] == "label-unknown"
    assert rows["C"]["error"].startswith("表格第 7 行")  # the header is row 1
    assert rows["C"]["status"] is None  # an unreadable row: no result is trusted
    assert rows["C"]["error_row"] == 5
    # an engine-side row error in a later chunk names the row in the whole table too
    e2 = export.drop_columns(["办理结果"]).append_column(
        "征求意见对象", pa.array([None] * 5 + ["第三方"])
    )
    t2, _ = normalize(e2)
    f2 = {r["case_id"]: r for r in case_facts(t2, as_of=date(2025, 6, 1), chunk_rows=2).to_pylist()}
    assert f2["C"]["error"] == "表格第 7 行：事件 answered 没有字段 party"
    chunked = event_log_chunked(t2, as_of=date(2025, 6, 1), chunk_rows=2).to_pylist()
    assert (
        chunked[2]["error"] == "第 5 行：事件 answered 没有字段 party"
        and chunked[2]["error_row"] == 5
    )
