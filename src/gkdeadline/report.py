"""The annual report's request table: 国办公开办函〔2021〕30号, part 三 (收到和处理政府信息公开申请情况)
and part 四 (政府信息公开行政复议、行政诉讼情况), counted from cases.

The row and column labels are those of :mod:`gkdeadline.outcomes`, taken from secondary sources
that agree with each other; the official attachment of 30号 was not read (``docs/legal-sources.md``
§5) — check them against the format published on www.gov.cn before filing.

Counting rules (``docs/report.md`` gives the reasons; D0 = 31 December of the year before,
D1 = 31 December of the year, or ``as_of`` if earlier — the report is then provisional):

* 一 本年新收: received (the ``received`` event's date) in the year, up to D1;
* 二 上年结转: received before 1 January and still open at the end of D0;
* 三 办理结果: of 一 and 二, the cases closed by the end of D1 — by their first closing event
  (an answer, by its ``outcome``; 撤回 → （六）3; 逾期未缴费 → （六）2; 视为放弃 → （六）1 when a
  correction was outstanding, （六）2 when a fee was unpaid, else （六）3), or by the engine's own
  lapse (the correction or fee deadline passed: （六）1 / （六）2). A ``report_outcome`` the data
  gives for a closure that is not an answer overrides these defaults;
* 四 结转下年度继续办理: of 一 and 二, the cases still open at the end of D1.

A case is counted once, at its first closure: a later 责令重新答复 reopens it for the deadline
engine, not for this table. 一+二 = 三（七）+四 holds for every case the table can place; the
check lists every case it cannot (an answer without an outcome, a row the export could not read)
by id, per column.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.calendar import YearSchedule
from gkdeadline.errors import InputError, MissingDependencyError
from gkdeadline.eventlog_files import CLOSED_STATUSES, Progress, case_facts
from gkdeadline.mapping import RESULT_ZH, RESULTS, Mapping, NormalizeErrors, normalize
from gkdeadline.outcomes import APPLICANTS, OUTCOME_CODES, OUTCOMES
from gkdeadline.profiles import NATIONAL, Catalogue
from gkdeadline.timeconv import to_date, today

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]
NAT = np.iinfo(np.int64).min
NULL: Any = None  # a None that numpy's type stubs accept in np.where
EPOCH = date(1970, 1, 1).toordinal()

SOURCE_CAVEAT = (
    "行、列标签取自两类互相一致的二手来源（2019 年上海市年报全文和按 2021 年格式解析年报的第三方代码），"
    "国办公开办函〔2021〕30号附件的官方文本未能读到（docs/legal-sources.md 第 5 节）；报送前请对照"
    "中国政府网发布的格式核对。"
)

# ----------------------------------------------------------------------------- the table's shape

COLUMNS: tuple[tuple[str, str], ...] = (
    *((a.code, a.label) for a in APPLICANTS),
    ("total", "总计"),
)
ORG_GROUP = "法人或其他组织"
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class RowDef:
    key: str  # 一, 二, 三.1 …, 三.total, 四
    section: str  # 一、…, 二、…, 三、本年度办理结果, 四、…
    group: str  # （一）予以公开 …, "" for 一/二/四
    label: str  # 1.属于国家秘密 …, "" when the group is the row
    outcome: str | None = None

    @property
    def path(self) -> str:
        return " · ".join(p for p in (self.section, self.group, self.label) if p)


def _rows() -> tuple[RowDef, ...]:
    s3 = "三、本年度办理结果"
    rows = [
        RowDef("一", "一、本年新收政府信息公开申请数量", "", ""),
        RowDef("二", "二、上年结转政府信息公开申请数量", "", ""),
    ]
    for o in OUTCOMES:
        label = o.label if o.index else ""
        rows.append(RowDef(f"三.{o.code}", s3, o.group, label, o.code))
    rows.append(RowDef("三.total", s3, "（七）总计", ""))
    rows.append(RowDef("四", "四、结转下年度继续办理", "", ""))
    return tuple(rows)


ROWS: tuple[RowDef, ...] = _rows()
ROW_BY_OUTCOME = {r.outcome: r for r in ROWS if r.outcome}

REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    *((r, RESULT_ZH[r]) for r in RESULTS),
    ("total", "总计"),
)

# ----------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Issue:
    """A case the table could not place exactly, and why."""

    case_id: str
    kind: (
        str  # not-counted, uncertain, unclassified, applicant-missing, engine-only, review-undated
    )
    detail: str


@dataclass(frozen=True)
class BalanceCheck:
    column: str  # the column's label
    new: int
    carried: int
    handled: int
    carried_over: int
    cases: tuple[str, ...]  # cases behind an imbalance

    @property
    def ok(self) -> bool:
        return self.new + self.carried == self.handled + self.carried_over


@dataclass
class AnnualReport:
    """Part 三 and part 四 of one year's annual report, with its checks and notes."""

    year: int
    as_of: date
    provisional: bool
    counts: dict[str, dict[str, int]]  # row key → column code → count
    review: dict[str, dict[str, int]]  # group → result → count
    checks: list[BalanceCheck]
    column_sum: list[tuple[str, int, int, tuple[str, ...]]]  # row, total, Σ columns, cases
    issues: list[Issue]
    notes: list[str]
    cases: int  # cases read
    input_errors: NormalizeErrors | None = None
    facts: Any = field(default=None, repr=False)
    placement: Any = field(default=None, repr=False)  # see case_rows()

    @property
    def balanced(self) -> bool:
        return all(c.ok for c in self.checks)

    def count(self, row: str, column: str = "total") -> int:
        return self.counts[row][column]

    def case_rows(self) -> Any:
        """Where each case was counted: ``case_id``, ``counted_in`` (``一`` or ``二``, null: not
        in this year's table), ``result`` (the 三 row key such as ``三.granted``, or ``四``; null:
        not placed), ``column`` (the applicant column; null: 总计 only) — an audit trail."""
        return self.placement

    # ---------------------------------------------------------------- outputs

    def rows(self) -> list[list[Any]]:
        """Part 三 as rows: key, label path, one count per column."""
        return [[r.key, r.path, *(self.counts[r.key][c] for c, _ in COLUMNS)] for r in ROWS]

    def review_rows(self) -> list[list[Any]]:
        return [
            [label, *(self.review[g][c] for c, _ in REVIEW_COLUMNS)] for g, label in REVIEW_GROUPS
        ]

    def write_csv(self, path: str | Path) -> Path:
        """Part 三 as CSV (UTF-8 with BOM, so Excel opens it as Chinese)."""
        p = Path(path)
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["行", "项目", *(label for _, label in COLUMNS)])
            w.writerows(self.rows())
        return p

    def write_review_csv(self, path: str | Path) -> Path:
        p = Path(path)
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["类别", *(label for _, label in REVIEW_COLUMNS)])
            w.writerows(self.review_rows())
        return p

    def write_issues_csv(self, path: str | Path) -> Path:
        p = Path(path)
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["case_id", "kind", "detail"])
            w.writerows([i.case_id, i.kind, i.detail] for i in self.issues)
        return p

    def to_markdown(self, limit: int = 50) -> str:
        state = (
            f"截至 {self.as_of.isoformat()}（年度尚未结束，数字是临时的）"
            if self.provisional
            else f"按截至 {self.as_of.isoformat()} 的记录统计"
        )
        out = [
            f"# {self.year} 年度政府信息公开工作年度报告 · 申请情况",
            "",
            f"*English summary: annual-report tables of 国办公开办函〔2021〕30号 parts 三 and 四 for"
            f" {self.year}, counted from {self.cases:,} cases; balance check"
            f" {'passed' if self.balanced else 'FAILED'} in every column.*",
            "",
            f"{state}；共读入 {self.cases:,} 件申请。",
            "",
            "## 三、收到和处理政府信息公开申请情况",
            "",
            "| 项目 | " + " | ".join(label for _, label in COLUMNS) + " |",
            "|---|" + "---:|" * len(COLUMNS),
        ]
        for r in ROWS:
            label = r.path.replace("|", "\\|")
            cells = " | ".join(str(self.counts[r.key][c]) for c, _ in COLUMNS)
            out.append(f"| {label} | {cells} |")
        out += [
            "",
            f"列：{'、'.join(label for _, label in COLUMNS[:1])}；{ORG_GROUP}："
            f"{'、'.join(label for _, label in COLUMNS[1:-1])}；总计。",
            "",
            "## 四、政府信息公开行政复议、行政诉讼情况",
            "",
            "| 类别 | " + " | ".join(label for _, label in REVIEW_COLUMNS) + " |",
            "|---|" + "---:|" * len(REVIEW_COLUMNS),
        ]
        for row in self.review_rows():
            out.append("| " + " | ".join(str(c) for c in row) + " |")
        out += ["", "## 核对：一 + 二 = 三（七）+ 四", ""]
        out += [
            "| 列 | 一 | 二 | 三（七） | 四 | 结果 |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for c in self.checks:
            verdict = (
                "平衡"
                if c.ok
                else f"**不平衡**（差 {c.new + c.carried - c.handled - c.carried_over}）"
            )
            out.append(
                f"| {c.column} | {c.new} | {c.carried} | {c.handled} | {c.carried_over} | {verdict} |"
            )
        for c in self.checks:
            if not c.ok:
                shown = "、".join(c.cases[:limit])
                more = f" 等 {len(c.cases)} 件" if len(c.cases) > limit else ""
                out.append("")
                out.append(f"* {c.column} 不平衡，涉及案件：{shown}{more}")
        bad_sum = [s for s in self.column_sum if s[1] != s[2]]
        if bad_sum:
            out += ["", "## 核对：总计 = 各类申请人之和", ""]
            for row_label, total, parts, ids in bad_sum:
                shown = "、".join(ids[:limit])
                out.append(
                    f"* {row_label}：总计 {total}，各列之和 {parts}；申请人类型缺失或无法识别：{shown}"
                )
        if self.issues:
            out += ["", "## 需要核查的案件", ""]
            kinds: dict[str, list[Issue]] = {}
            for i in self.issues:
                kinds.setdefault(i.kind, []).append(i)
            for kind, items in kinds.items():
                out.append(f"* **{ISSUE_ZH.get(kind, kind)}**：{len(items)} 件")
                for i in items[:limit]:
                    out.append(f"  * {i.case_id}：{i.detail}")
                if len(items) > limit:
                    out.append(f"  * ……另有 {len(items) - limit} 件（见 issues CSV）")
        out += ["", "## 统计口径", ""]
        out += [f"* {n}" for n in self.notes]
        out += ["", f"*{SOURCE_CAVEAT}*", ""]
        return "\n".join(out)

    def write_xlsx(self, path: str | Path) -> Path:
        """The tables laid out as the official format (merged header cells, labels verbatim)."""
        return _write_xlsx(self, Path(path))

    def write(self, out_dir: str | Path, stem: str | None = None) -> dict[str, Path]:
        """CSV, Markdown and .xlsx into ``out_dir``; returns the paths by kind."""
        d = Path(out_dir)
        d.mkdir(parents=True, exist_ok=True)
        s = stem or f"annual-report-{self.year}"
        paths = {
            "csv": self.write_csv(d / f"{s}.csv"),
            "review_csv": self.write_review_csv(d / f"{s}-review.csv"),
            "issues_csv": self.write_issues_csv(d / f"{s}-issues.csv"),
            "xlsx": self.write_xlsx(d / f"{s}.xlsx"),
        }
        md = d / f"{s}.md"
        md.write_text(self.to_markdown(), "utf-8")
        paths["md"] = md
        return paths


ISSUE_ZH = {
    "not-counted": "未计入（收到申请日期缺失或无法读取）",
    "uncertain": "只计入一/二（有无法读取的数据，办结与否无法确定）",
    "unclassified": "已办结但没有可用的办理结果",
    "applicant-missing": "申请人类型缺失（只计入总计列）",
    "engine-only": "期限引擎未能计算，按记录的事件计数（无法识别自动视为放弃）",
    "review-undated": "复议/诉讼没有日期，按首次办结年份计入",
    "review-unplaced": "复议/诉讼既没有日期也没有办结日期，未计入第四部分",
}

# ----------------------------------------------------------------------------- counting


def _days(col: Any) -> I64:
    arr = col.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return np.where(np.isnat(arr), NAT, arr.astype(np.int64)).astype(np.int64)


def _text(col: Any) -> S:
    return np.asarray(col.to_pylist(), dtype=object)


def _ord(d: date) -> int:
    return d.toordinal() - EPOCH


def _category(
    closed_by: S,
    outcome: S,
    report_outcome: S,
    correction_pending: B,
    fee_unpaid: B,
    lapse_findings: S,
    explicit: B,
) -> S:
    """The 30号 outcome code of each closure (None: cannot be classified)."""
    n = len(closed_by)
    out = np.full(n, None, dtype=object)
    valid = set(OUTCOME_CODES)
    for i in range(n):
        given = report_outcome[i] if report_outcome[i] in valid else None
        if explicit[i]:
            kind = closed_by[i]
            if kind == "answered":
                out[i] = outcome[i] if outcome[i] in valid else given
                continue
            if given is not None:
                out[i] = given
            elif kind == "withdrawn" or report_outcome[i] == "withdrawn":
                out[i] = "other.other"
            elif kind == "fee_lapsed":
                out[i] = "other.fee-lapsed"
            elif correction_pending[i]:
                out[i] = "other.correction-lapsed"
            elif fee_unpaid[i]:
                out[i] = "other.fee-lapsed"
            else:
                out[i] = "other.other"
            continue
        codes = set((lapse_findings[i] or "").split(";"))
        if given is not None:
            out[i] = given
        elif "correction-lapsed" in codes:
            out[i] = "other.correction-lapsed"
        elif "fee-lapsed" in codes:
            out[i] = "other.fee-lapsed"
        else:
            out[i] = "other.other"
    return out


def annual_report_from_facts(
    facts: Any,
    year: int,
    *,
    as_of: date,
    prev: str = "prev",
    end: str = "end",
    input_errors: NormalizeErrors | None = None,
) -> AnnualReport:
    """Count part 三 and part 四 from :func:`gkdeadline.eventlog_files.case_facts` computed with
    checkpoints ``prev`` (31 December of the year before) and ``end`` (31 December, or
    ``as_of`` if earlier)."""
    t = facts
    n = t.num_rows
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    if as_of < jan1:
        raise InputError(
            f"as_of {as_of.isoformat()} 早于 {year} 年 1 月 1 日，这一年还没有开始",
            code="input-invalid",
            message_en=f"as_of {as_of} is before the year {year} began",
        )
    d0, d1 = _ord(date(year - 1, 12, 31)), _ord(min(dec31, as_of))
    ids = _text(t.column("case_id"))
    received = _days(t.column("received"))
    closed = _days(t.column("closed"))
    applicant = _text(t.column("applicant"))
    input_error = np.asarray(
        [c is not None for c in t.column("input_error_code").to_pylist()], dtype=bool
    )
    error_text = _text(t.column("error"))

    def engine_closed(name: str) -> tuple[B, B]:
        status = _text(t.column(f"status_{name}"))
        err = np.asarray([c is not None for c in t.column(f"error_code_{name}").to_pylist()])
        return np.isin(status.astype(str), CLOSED_STATUSES), err

    eng0, err0 = engine_closed(prev)
    eng1, err1 = engine_closed(end)
    has_r = received != NAT
    explicit0 = (closed != NAT) & (closed <= d0)
    explicit1 = (closed != NAT) & (closed <= d1)
    closed0 = explicit0 | eng0
    closed1 = explicit1 | eng1
    new = has_r & (received >= _ord(jan1)) & (received <= d1)
    carried = has_r & (received < _ord(jan1)) & ~closed0
    pool = new | carried
    certain = ~input_error
    done = pool & closed1 & certain
    still_open = pool & ~closed1 & certain
    category = np.full(n, None, dtype=object)
    idx = np.flatnonzero(done)
    if len(idx):
        category[idx] = _category(
            _text(t.column("closed_by"))[idx],
            _text(t.column("outcome"))[idx],
            _text(t.column("report_outcome"))[idx],
            np.asarray(
                t.column("correction_pending").fill_null(False).to_numpy(zero_copy_only=False)
            )[idx],
            np.asarray(t.column("fee_unpaid").fill_null(False).to_numpy(zero_copy_only=False))[idx],
            _text(t.column(f"findings_{end}"))[idx],
            explicit1[idx],
        )
    placed = np.asarray(category != None, dtype=bool)  # noqa: E711
    handled = done & placed
    column = np.asarray(
        [a if a in {c for c, _ in COLUMNS} else None for a in applicant], dtype=object
    )

    counts: dict[str, dict[str, int]] = {
        r.key: dict.fromkeys((c for c, _ in COLUMNS), 0) for r in ROWS
    }

    def add(row: str, mask: B) -> None:
        counts[row]["total"] += int(mask.sum())
        for code, _ in COLUMNS[:-1]:
            counts[row][code] += int((mask & (column == code)).sum())

    add("一", new)
    add("二", carried)
    for code in OUTCOME_CODES:
        add(f"三.{code}", handled & (category == code))
    add("三.total", handled)
    add("四", still_open)

    # checks: the balance per column, and the total against the sum of the columns
    checks: list[BalanceCheck] = []
    unplaced = pool & ~handled & ~still_open
    for code, label in COLUMNS:
        in_col = np.ones(n, dtype=bool) if code == "total" else column == code
        behind = tuple(str(x) for x in ids[unplaced & in_col])
        checks.append(
            BalanceCheck(
                label,
                counts["一"][code],
                counts["二"][code],
                counts["三.total"][code],
                counts["四"][code],
                behind,
            )
        )
    no_col = pool & (column == None)  # noqa: E711
    column_sum = []
    for r in ROWS:
        parts = sum(counts[r.key][c] for c, _ in COLUMNS[:-1])
        column_sum.append(
            (
                r.path,
                counts[r.key]["total"],
                parts,
                tuple(str(x) for x in ids[no_col]) if parts != counts[r.key]["total"] else (),
            )
        )

    issues: list[Issue] = []
    for i in np.flatnonzero(~has_r):
        issues.append(Issue(str(ids[i]), "not-counted", str(error_text[i] or "没有收到申请事件")))
    for i in np.flatnonzero(pool & input_error):
        issues.append(Issue(str(ids[i]), "uncertain", str(error_text[i])))
    for i in np.flatnonzero(done & ~placed):
        issues.append(
            Issue(
                str(ids[i]),
                "unclassified",
                "作出答复但没有办理结果（outcome），无法归入第三项的任何一行",
            )
        )
    for i in np.flatnonzero(no_col):
        raw = applicant[i]
        issues.append(
            Issue(
                str(ids[i]),
                "applicant-missing",
                "申请人类型为空" if raw is None else f"申请人类型 {raw!r} 无法识别",
            )
        )
    # the engine could not answer on a year end (a reason other than "not yet received by the
    # rules"): the case is counted by its recorded events alone
    late_receipt0 = _text(t.column(f"error_code_{prev}")) == "as-of-before-receipt"
    late_receipt1 = _text(t.column(f"error_code_{end}")) == "as-of-before-receipt"
    engine_only = pool & certain & ((err0 & ~late_receipt0 & carried) | (err1 & ~late_receipt1))
    for i in np.flatnonzero(engine_only):
        issues.append(Issue(str(ids[i]), "engine-only", str(error_text[i] or "期限引擎报错")))

    import pyarrow as pa

    result_key = np.full(n, None, dtype=object)
    result_key[handled] = np.asarray([f"三.{c}" for c in category[handled]], dtype=object)
    result_key[still_open] = "四"
    placement = pa.table(
        {
            "case_id": pa.array(ids, pa.string()),
            "counted_in": pa.array(np.where(new, "一", np.where(carried, "二", NULL)), pa.string()),
            "result": pa.array(result_key, pa.string()),
            "column": pa.array(column, pa.string()),
        }
    )
    review, review_issues = _review(t, year, d1, closed, ids)
    issues += review_issues
    notes = _notes(year, as_of, d1)
    return AnnualReport(
        year=year,
        as_of=as_of,
        provisional=as_of < dec31,
        counts=counts,
        review=review,
        checks=checks,
        column_sum=column_sum,
        issues=issues,
        notes=notes,
        cases=n,
        input_errors=input_errors,
        facts=facts,
        placement=placement,
    )


def _review(
    t: Any, year: int, d1: int, closed: I64, ids: S
) -> tuple[dict[str, dict[str, int]], list[Issue]]:
    """Part 四: reviews and suits filed in the year, by result as of the year's end."""
    out = {g: dict.fromkeys((c for c, _ in REVIEW_COLUMNS), 0) for g, _ in REVIEW_GROUPS}
    issues: list[Issue] = []
    jan1 = _ord(date(year, 1, 1))
    after = _text(t.column("litigation_after_review"))
    review_any = np.zeros(t.num_rows, dtype=bool)
    for kind in ("review", "litigation"):
        day = _days(t.column(f"{kind}_date"))
        decided = _days(t.column(f"{kind}_decided"))
        result = _text(t.column(f"{kind}_result"))
        present = (day != NAT) | np.asarray(result != None, dtype=bool)  # noqa: E711
        if kind == "review":
            review_any = present
        undated = present & (day == NAT)
        when = np.where(undated, closed, day)
        for i in np.flatnonzero(undated & (closed != NAT) & (closed >= jan1) & (closed <= d1)):
            issues.append(
                Issue(str(ids[i]), "review-undated", f"{kind}：没有日期，按首次办结日期计入本年")
            )
        for i in np.flatnonzero(undated & (closed == NAT)):
            issues.append(
                Issue(str(ids[i]), "review-unplaced", f"{kind}：既没有日期也没有办结日期")
            )
        counted = present & (when != NAT) & (when >= jan1) & (when <= d1)
        pending = (
            np.asarray(result == None, dtype=bool)  # noqa: E711
            | np.asarray(result == "pending", dtype=bool)
            | ((decided != NAT) & (decided > d1))
        )
        final = np.where(pending, "pending", result)
        if kind == "review":
            groups = [("review", counted)]
        else:
            via = np.asarray([a if a is not None else None for a in after], dtype=object)
            after_review = np.where(via == None, review_any, via == True)  # noqa: E711, E712
            after_review = np.asarray(after_review, dtype=bool)
            groups = [
                ("litigation_direct", counted & ~after_review),
                ("litigation_after_review", counted & after_review),
            ]
        for g, mask in groups:
            for r in RESULTS:
                out[g][r] += int((mask & (final == r)).sum())
            out[g]["total"] += int(mask.sum())
    return out, issues


def _notes(year: int, as_of: date, d1: int) -> list[str]:
    end = date.fromordinal(d1 + EPOCH)
    return [
        f"本年新收：收到申请事件（received）的日期在 {year}-01-01 至 {end.isoformat()} 之间的申请。"
        "以机关登记的收到日期为准（互联网、传真等以确认之日为收到申请之日的方式，法定的收到之日可能晚一两天，只在年末年初有差别）。",
        f"上年结转：{year} 年 1 月 1 日前收到、{year - 1}-12-31 当日结束时仍未办结的申请。",
        f"办理结果：上述申请中在 {end.isoformat()} 当日结束前办结的，按第一次办结计一次："
        "作出答复按其办理结果（outcome）归类；撤回申请计入（六）其他处理 3.其他；逾期未缴费计入（六）2；"
        "视为放弃申请时尚有未补正的补正告知的计入（六）1，尚有未缴的收费通知的计入（六）2，否则计入（六）3；"
        "期限引擎按补正期限、缴费期限届满自动视为放弃的，分别计入（六）1、（六）2。"
        "数据在 report_outcome 中写明了办结类别的，以数据为准。",
        "撤回计入（六）3 是本库的理解：格式没有“撤回”一行，而勾稽关系要求每件收到的申请要么办结、要么结转，"
        "撤回的申请只能计入“其他处理·其他”。有的机关把撤回的申请不计入本年新收，这样做的话勾稽关系在本表中不成立。",
        "一件申请只按第一次办结计数；复议、诉讼后责令重新答复，重新打开的是期限计算，不是新的申请。",
        f"结转下年度继续办理：上述申请中在 {end.isoformat()} 当日结束时仍未办结的。",
        "勾稽关系：一 + 二 = 三（七）+ 四。按上面的口径，每件能归类的申请都恰好计入三（七）或四；"
        "不平衡的部分就是无法归类的申请（作出答复但没有办理结果、导出数据中有无法读取的单元格），逐件列出。",
        "申请人类型为空或无法识别的申请只计入“总计”列，并单独列出。",
        "第四部分：行政复议按 review_date（申请复议日期）、行政诉讼按 litigation_date（起诉日期）落在本年的计数；"
        "结果取 review_result / litigation_result，没有结果、结果为 pending 或决定日期晚于年末的计为“尚未审结”；"
        "litigation_after_review 为真（或为空而该申请有复议记录）的计入“复议后起诉”。没有日期的按首次办结日期计入（单独列出）。"
        "第四部分的计年口径（按申请/起诉年份）是本库的理解，格式原文未能读到。",
    ]


# ----------------------------------------------------------------------------- the entry point


def _canonical(t: Any) -> bool:
    names = set(t.column_names)
    return {"case_id", "type", "date"} <= names or "received" in names


def annual_report(
    table: Any,
    year: int,
    *,
    shape: str | None = None,
    mapping: Mapping | None = None,
    as_of: date | Any = None,
    profile: str = NATIONAL,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    chunk_rows: int = 200_000,
    progress: Progress | None = None,
) -> AnnualReport:
    """The annual report's tables for ``year`` from a table of cases.

    ``table``: an export (read by ``mapping``, default :meth:`Mapping.builtin`, when its columns
    are not already gkdeadline's), or a canonical event log / one-row-per-case table. ``as_of``:
    default today; a year not yet over gives a provisional report. ``progress(done, total)`` is
    called as input rows are computed.
    """
    from gkdeadline.batch_cases import to_arrow

    day = today() if as_of is None else to_date(as_of, "as_of")
    t = to_arrow(table)
    errors: NormalizeErrors | None = None
    if mapping is not None or not _canonical(t):
        t, errors = normalize(t, mapping, shape=shape)
        shape = errors.shape
    facts = report_facts(
        t,
        year,
        as_of=day,
        shape=shape,
        profile=profile,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        chunk_rows=chunk_rows,
        progress=progress,
    )
    return annual_report_from_facts(facts, year, as_of=day, input_errors=errors)


def report_facts(
    table: Any,
    year: int,
    *,
    as_of: date,
    shape: str | None = None,
    profile: str = NATIONAL,
    schedules: tuple[YearSchedule, ...] = (),
    projection: bool = False,
    catalogue: Catalogue | None = None,
    chunk_rows: int = 200_000,
    progress: Progress | None = None,
) -> Any:
    """:func:`case_facts` with the report's checkpoints (``prev``, ``end``) and ``input_error_code``."""
    d1 = min(date(year, 12, 31), as_of)
    return case_facts(
        table,
        shape=shape,
        as_of=as_of,
        checkpoints={"prev": date(year - 1, 12, 31), "end": d1},
        profile=profile,
        schedules=schedules,
        projection=projection,
        catalogue=catalogue,
        chunk_rows=chunk_rows,
        progress=progress,
    )


# ----------------------------------------------------------------------------- .xlsx


def _write_xlsx(rep: AnnualReport, path: Path) -> Path:
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.styles import (  # type: ignore[import-untyped]
            Alignment,
            Border,
            Font,
            Side,
        )
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    except ImportError:
        raise MissingDependencyError("report", "openpyxl") from None
    wb = Workbook()
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    bold = Font(bold=True)

    def put(ws: Any, cell: str, value: Any, align: Any = center, font: Any = None) -> None:
        ws[cell] = value
        ws[cell].alignment = align
        if font is not None:
            ws[cell].font = font

    def frame(ws: Any, rng: str) -> None:
        for row in ws[rng]:
            for c in row:
                c.border = box

    # part 三
    ws = wb.active
    ws.title = "三、申请情况"
    put(ws, "A1", "三、收到和处理政府信息公开申请情况", left, bold)
    ws.merge_cells("A1:J1")
    put(ws, "A2", CORNER)
    ws.merge_cells("A2:C4")
    put(ws, "D2", "申请人情况")
    ws.merge_cells("D2:J2")
    put(ws, "D3", COLUMNS[0][1])
    ws.merge_cells("D3:D4")
    put(ws, "E3", ORG_GROUP)
    ws.merge_cells("E3:I3")
    for j, (_, label) in enumerate(COLUMNS[1:-1]):
        put(ws, f"{get_column_letter(5 + j)}4", label)
    put(ws, "J3", COLUMNS[-1][1])
    ws.merge_cells("J3:J4")
    r = 5
    groups: dict[str, list[int]] = {}
    s3_rows: list[int] = []
    for row in ROWS:
        for j, (code, _) in enumerate(COLUMNS):
            ws.cell(row=r, column=4 + j, value=rep.counts[row.key][code]).alignment = center
        if row.section.startswith("三"):
            s3_rows.append(r)
            if row.label:
                groups.setdefault(row.group, []).append(r)
                put(ws, f"C{r}", row.label, left)
            else:
                put(ws, f"B{r}", row.group, left)
                ws.merge_cells(f"B{r}:C{r}")
        else:
            put(ws, f"A{r}", row.section, left)
            ws.merge_cells(f"A{r}:C{r}")
        r += 1
    put(ws, f"A{s3_rows[0]}", "三、本年度办理结果")
    ws.merge_cells(f"A{s3_rows[0]}:A{s3_rows[-1]}")
    for group, rows in groups.items():
        put(ws, f"B{rows[0]}", group)
        ws.merge_cells(f"B{rows[0]}:B{rows[-1]}")
    frame(ws, f"A2:J{r - 1}")
    for col, width in zip("ABCDEFGHIJ", (14, 22, 40, 10, 10, 10, 12, 12, 8, 10), strict=True):
        ws.column_dimensions[col].width = width
    if rep.provisional:
        put(ws, f"A{r + 1}", f"截至 {rep.as_of.isoformat()}，年度尚未结束，数字是临时的。", left)
        ws.merge_cells(f"A{r + 1}:J{r + 1}")

    # part 四
    w4 = wb.create_sheet("四、复议诉讼")
    put(w4, "A1", "四、政府信息公开行政复议、行政诉讼情况", left, bold)
    w4.merge_cells("A1:O1")
    put(w4, "A2", "行政复议")
    w4.merge_cells("A2:E2")
    put(w4, "F2", "行政诉讼")
    w4.merge_cells("F2:O2")
    for j, (_, label) in enumerate(REVIEW_COLUMNS):
        c = get_column_letter(1 + j)
        put(w4, f"{c}3", label)
        w4.merge_cells(f"{c}3:{c}4")
    put(w4, "F3", "未经复议直接起诉")
    w4.merge_cells("F3:J3")
    put(w4, "K3", "复议后起诉")
    w4.merge_cells("K3:O3")
    for block, start in ((1, 6), (2, 11)):
        _ = block
        for j, (_, label) in enumerate(REVIEW_COLUMNS):
            put(w4, f"{get_column_letter(start + j)}4", label)
    values = [rep.review[g][c] for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    for j, v in enumerate(values):
        w4.cell(row=5, column=1 + j, value=v).alignment = center
    frame(w4, "A2:O5")
    for j in range(15):
        w4.column_dimensions[get_column_letter(1 + j)].width = 10

    # checks, issues, rules
    wc = wb.create_sheet("核对")
    wc.append(
        ["列", "一、本年新收", "二、上年结转", "三（七）总计", "四、结转下年度", "结果", "涉及案件"]
    )
    for c in rep.checks:
        wc.append(
            [c.column, c.new, c.carried, c.handled, c.carried_over, "平衡" if c.ok else "不平衡",
             "、".join(c.cases)]
        )  # fmt: skip
    wi = wb.create_sheet("待查案件")
    wi.append(["case_id", "类别", "说明"])
    for i in rep.issues:
        wi.append([i.case_id, ISSUE_ZH.get(i.kind, i.kind), i.detail])
    wn = wb.create_sheet("统计口径")
    for n in [*rep.notes, SOURCE_CAVEAT]:
        wn.append([n])
    wn.column_dimensions["A"].width = 120
    wb.save(path)
    return path


def write_report(
    rep: AnnualReport, out_dir: str | Path, *, stem: str | None = None
) -> dict[str, Path]:
    """:meth:`AnnualReport.write` (CSV, Markdown, .xlsx), plus the input problems if any."""
    paths = rep.write(out_dir, stem)
    if rep.input_errors is not None and rep.input_errors.rows:
        p = Path(out_dir) / f"{stem or f'annual-report-{rep.year}'}-input-errors.csv"
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source_row", "column", "field", "value", "code", "message"])
            for e in rep.input_errors.rows:
                w.writerow([e.source_row, e.column, e.field, e.value, e.code, e.message])
        paths["input_errors_csv"] = p
    return paths


def label_rows() -> Sequence[RowDef]:
    """The table's rows (for documentation and tests)."""
    return ROWS
