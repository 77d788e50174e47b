"""Deadline statistics that do not mislead: compliance by the month the deadline fell due.

The tempting number — "share of this month's requests answered on time" — is biased for every
month whose requests are not all past their deadline yet: the requests still open within time
may end either way (right-censoring), and the answers already in are the quick ones. So:

* **by due month** (the cohort of cases whose deadline falls in that month): a cohort counts only
  when the whole month is before ``as_of`` — every case in it then has a settled outcome: answered
  on time, answered late, or still open past its deadline (late whatever happens next). Later
  months are shown as *not yet due* and left out of every rate;
* the **on-time rate** is answered-on-time ÷ (answered on time + answered late + open past due);
  the **late or open past due** rate is its complement — the measure that counts the requests
  never answered, which a rate over answers alone hides;
* **by receipt month, office and channel**: counts only (received, answered on time, answered
  late, open past due, open within time, closed without an answer, undetermined, errors); the
  office and channel rates use the same complete due-month cohorts;
* **workdays late**: the distribution over answered-late cases, and separately over open cases
  (how late *so far*: a lower bound, since they are still open).

Cases without a running deadline (waiting for a correction, withdrawn before their deadline, a
calendar year not yet published: ``pending_calendar``) and cases with errors are counted apart,
never silently dropped. :func:`write_charts` draws monthly compliance and lateness with
matplotlib (PNG and SVG, Agg); :func:`write_stats` writes them with the tables as Markdown and
HTML.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gkdeadline.errors import InputError, MissingDependencyError
from gkdeadline.events import CHANNEL_ZH

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
S = npt.NDArray[np.object_]
NAT = np.iinfo(np.int64).min
EPOCH = date(1970, 1, 1).toordinal()

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("answered_on_time", "按期答复"),
    ("answered_late", "逾期答复"),
    ("open_past_due", "逾期未答复"),
    ("open_within_time", "未到期未答复"),
    ("closed_without_answer", "撤回或视为放弃"),
    ("undetermined", "期限待定"),
    ("error", "数据错误"),
)
LATE_BINS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "1"),
    (2, 5, "2–5"),
    (6, 10, "6–10"),
    (11, 20, "11–20"),
    (21, 40, "21–40"),
    (41, 10**9, "41+"),
)
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Sarasa Gothic SC",
)
FONT_HINT = (
    "没有找到中文字体，图表改用英文标签。在 Linux 上安装一种中文字体即可显示中文："
    "Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`（或 fonts-wqy-zenhei），"
    "Fedora/RHEL `sudo dnf install google-noto-sans-cjk-sc-fonts`，然后删除 matplotlib 的字体缓存"
    "（~/.cache/matplotlib）重新运行。"
)


class CJKFontWarning(UserWarning):
    """No Chinese font: charts are drawn with English labels (see :data:`FONT_HINT`)."""


# ----------------------------------------------------------------------------- computing


def _days(col: Any) -> I64:
    arr = col.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return np.where(np.isnat(arr), NAT, arr.astype(np.int64)).astype(np.int64)


def _month(days: I64) -> I64:
    """Month number (year*12 + month-1) of epoch days; NAT stays NAT."""
    d = np.where(days == NAT, 0, days).astype("datetime64[D]").astype("datetime64[M]")
    m = d.astype(np.int64) + 1970 * 12
    return np.where(days == NAT, NAT, m)


def _month_label(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _month_end(m: int) -> date:
    y, mo = divmod(m + 1, 12)
    return date.fromordinal(date(y, mo + 1, 1).toordinal() - 1)


def categorize(status: S, error: S) -> S:
    """Each case's category (one of :data:`CATEGORIES`)."""
    out = np.full(len(status), "undetermined", dtype=object)
    table = {
        "answered": "answered_on_time",
        "answered_late": "answered_late",
        "overdue": "open_past_due",
        "seriously_overdue": "open_past_due",
        "running": "open_within_time",
        "paused": "open_within_time",
        "awaiting_correction": "open_within_time",
        "awaiting_fee": "open_within_time",
        "withdrawn": "closed_without_answer",
        "abandoned": "closed_without_answer",
        "pending_calendar": "undetermined",
    }
    for k, v in table.items():
        out[status == k] = v
    out[np.asarray(error != None, dtype=bool)] = "error"  # noqa: E711
    return out


@dataclass
class Group:
    """Counts for one month / office / channel."""

    key: str
    counts: dict[str, int]
    cohort: dict[str, int] = field(default_factory=dict)  # complete due-month cohorts only
    complete: bool = True

    @property
    def determined(self) -> int:
        c = self.cohort
        return c.get("answered_on_time", 0) + c.get("answered_late", 0) + c.get("open_past_due", 0)

    @property
    def on_time_rate(self) -> float | None:
        d = self.determined
        return self.cohort.get("answered_on_time", 0) / d if d else None

    @property
    def late_or_open_rate(self) -> float | None:
        d = self.determined
        return (
            (self.cohort.get("answered_late", 0) + self.cohort.get("open_past_due", 0)) / d
            if d
            else None
        )


@dataclass
class DeadlineStats:
    as_of: date
    year: int | None
    by_due_month: list[Group]
    by_receipt_month: list[Group]
    by_office: list[Group]
    by_channel: list[Group]
    late_answered: dict[str, int]
    late_open: dict[str, int]
    excluded: dict[str, int]  # why cases are in no due-month cohort
    cases: int
    last_complete_month: str | None
    notes: list[str]

    def complete_months(self) -> list[Group]:
        return [g for g in self.by_due_month if g.complete]

    # ---------------------------------------------------------------- tables

    def tables(self) -> dict[str, list[list[Any]]]:
        """Every table as rows (a header row first)."""
        cat_zh = [zh for _, zh in CATEGORIES]

        def rate(v: float | None) -> str:
            return "—" if v is None else f"{v:.1%}"

        due: list[list[Any]] = [["期限届满月份", "案件数", "按期答复", "逾期答复", "逾期未答复", "撤回或视为放弃",
                "按期答复率", "逾期或逾期未答复率", "说明"]]  # fmt: skip
        for g in self.by_due_month:
            c = g.cohort if g.complete else g.counts
            due.append([
                g.key, sum(g.counts.values()), c.get("answered_on_time", 0),
                c.get("answered_late", 0), c.get("open_past_due", 0),
                c.get("closed_without_answer", 0),
                rate(g.on_time_rate) if g.complete else "—",
                rate(g.late_or_open_rate) if g.complete else "—",
                "" if g.complete else "未到期（不计比率）",
            ])  # fmt: skip
        out: dict[str, list[list[Any]]] = {"by_due_month": due}
        for name, groups, title in (
            ("by_receipt_month", self.by_receipt_month, "收到月份"),
            ("by_office", self.by_office, "承办单位"),
            ("by_channel", self.by_channel, "申请方式"),
        ):
            rows: list[list[Any]] = [[title, "收到", *cat_zh] + ([] if name == "by_receipt_month" else
                    ["已到期案件", "按期答复率", "逾期或逾期未答复率"])]  # fmt: skip
            for g in groups:
                row: list[Any] = [
                    g.key,
                    sum(g.counts.values()),
                    *(g.counts.get(k, 0) for k, _ in CATEGORIES),
                ]
                if name != "by_receipt_month":
                    row += [g.determined, rate(g.on_time_rate), rate(g.late_or_open_rate)]
                rows.append(row)
            out[name] = rows
        late: list[list[Any]] = [
            ["逾期工作日数", "逾期答复的案件", "逾期未答复的案件（至今，下限）"]
        ]
        for _, _, label in LATE_BINS:
            late.append([label, self.late_answered.get(label, 0), self.late_open.get(label, 0)])
        late.append(
            ["未知", self.late_answered.get("unknown", 0), self.late_open.get("unknown", 0)]
        )
        out["workdays_late"] = late
        excl: list[list[Any]] = [["不在任何已到期队列中的原因", "案件数"]]
        excl += [[EXCLUDED_ZH.get(k, k), v] for k, v in self.excluded.items()]
        out["excluded"] = excl
        return out

    def write_csv(self, out_dir: str | Path, stem: str = "stats") -> dict[str, Path]:
        import csv

        d = Path(out_dir)
        d.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, rows in self.tables().items():
            p = d / f"{stem}-{name}.csv"
            with p.open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerows(rows)
            paths[name] = p
        return paths


EXCLUDED_ZH = {
    "not_yet_due": "期限在最后一个完整月份之后（未到期）",
    "no_deadline": "没有正在计算的期限（等待补正、暂停、未到期前撤回或视为放弃）",
    "calendar_pending": "期限取决于尚未发布的放假安排（pending_calendar）",
    "error": "数据错误",
    "outside_year": "期限不在所选年度",
}


def facts_as_of(facts: Any) -> date | None:
    """The ``as_of`` a :func:`gkdeadline.eventlog_files.case_facts` table was computed on."""
    meta = facts.schema.metadata or {}
    raw = meta.get(b"gkdeadline.as_of")
    return date.fromisoformat(raw.decode()) if raw else None


def deadline_stats(
    facts: Any, *, as_of: date | None = None, year: int | None = None
) -> DeadlineStats:
    """The statistics of a :func:`gkdeadline.eventlog_files.case_facts` table.

    ``as_of``: the date the facts were computed on (read from the table; a different date is an
    error — recompute the facts instead). ``year``: only cases received in that year (receipt
    table) and deadlines falling due in it (due-month cohorts, offices, channels, lateness).
    """
    t = facts
    computed = facts_as_of(t)
    if as_of is None:
        if computed is None:
            raise InputError(
                "请给出 as_of（这张表没有记录计算日期）",
                code="input-invalid",
                message_en="pass as_of: the table does not record the date it was computed on",
            )
        as_of = computed
    elif computed is not None and computed != as_of:
        raise InputError(
            f"这张表是按 {computed.isoformat()} 计算的，不能当作 {as_of.isoformat()} 的结果统计；"
            "请用新的 as_of 重新计算",
            code="input-invalid",
            message_en=f"the facts were computed as of {computed}, not {as_of}; recompute them",
        )
    n = t.num_rows
    status = np.asarray(t.column("status").to_pylist(), dtype=object)
    error = np.asarray(t.column("error_code").to_pylist(), dtype=object)
    cat = categorize(status, error)
    received = _days(t.column("received"))
    due = _days(t.column("due"))
    late = np.asarray(
        [-1 if v is None else v for v in t.column("workdays_late").to_pylist()], dtype=np.int64
    )
    office = np.asarray(t.column("office").to_pylist(), dtype=object)
    channel = np.asarray(t.column("channel").to_pylist(), dtype=object)
    a = as_of.toordinal() - EPOCH
    as_of_month = int(_month(np.asarray([a]))[0])
    # the last month wholly before as_of
    last_complete = as_of_month - 1 if _month_end(as_of_month) >= as_of else as_of_month
    due_m = _month(due)
    rec_m = _month(received)
    in_year_due = (due_m != NAT) & (due_m // 12 == year) if year is not None else due_m != NAT
    in_year_rec = (rec_m != NAT) & (rec_m // 12 == year) if year is not None else rec_m != NAT
    complete = (due_m != NAT) & (due_m <= last_complete) & in_year_due
    cohort = complete & (cat != "error")

    def counts(mask: B) -> dict[str, int]:
        return {k: int((mask & (cat == k)).sum()) for k, _ in CATEGORIES}

    by_due: list[Group] = []
    for m in np.unique(due_m[in_year_due & (cat != "error")]):
        mm = (due_m == m) & (cat != "error")
        g = Group(_month_label(int(m)), counts(mm), complete=bool(m <= last_complete))
        if g.complete:
            g.cohort = counts(mm)
        by_due.append(g)
    by_rec = [
        Group(_month_label(int(m)), counts(rec_m == m)) for m in np.unique(rec_m[in_year_rec])
    ]

    def grouped(keys: S, label: Any) -> list[Group]:
        out = []
        present = np.asarray([k if k is not None else "（未填）" for k in keys], dtype=object)
        for k in sorted(set(present[in_year_rec | cohort].tolist())):
            g = Group(label(k), counts(in_year_rec & (present == k)))
            g.cohort = counts(cohort & (present == k))
            out.append(g)
        return out

    by_office = grouped(office, lambda k: k)
    by_channel = grouped(
        channel, lambda k: f"{CHANNEL_ZH.get(k, k)}（{k}）" if k in CHANNEL_ZH else k
    )

    def hist(mask: B) -> dict[str, int]:
        h = {label: int((mask & (late >= lo) & (late <= hi)).sum()) for lo, hi, label in LATE_BINS}
        h["unknown"] = int((mask & (late < 0)).sum())
        return h

    late_answered = hist(cohort & (cat == "answered_late"))
    late_open = hist(cohort & (cat == "open_past_due"))
    pool = in_year_due | (due_m == NAT)
    if year is not None:
        pool = in_year_due | ((due_m == NAT) & in_year_rec)
    excluded = {
        "not_yet_due": int((pool & (due_m != NAT) & (due_m > last_complete) & (cat != "error")).sum()),
        "no_deadline": int((pool & (due_m == NAT) & np.isin(cat, ("open_within_time", "closed_without_answer", "answered_on_time", "answered_late", "open_past_due"))).sum()),
        "calendar_pending": int((pool & (due_m == NAT) & (cat == "undetermined")).sum()),
        "error": int((pool & (cat == "error")).sum()),
    }  # fmt: skip
    notes = _notes(as_of, last_complete, year)
    return DeadlineStats(
        as_of=as_of,
        year=year,
        by_due_month=by_due,
        by_receipt_month=by_rec,
        by_office=by_office,
        by_channel=by_channel,
        late_answered=late_answered,
        late_open=late_open,
        excluded=excluded,
        cases=n,
        last_complete_month=_month_label(last_complete),
        notes=notes,
    )


def _notes(as_of: date, last_complete: int, year: int | None) -> list[str]:
    scope = f"{year} 年" if year is not None else "全部"
    return [
        f"截至 {as_of.isoformat()}。按期与否按期限届满月份分组（{scope}），只统计整月都已过去的月份"
        f"（最后一个完整月份：{_month_label(last_complete)}）：这些案件的期限都已届满，结果已定——按期答复、"
        "逾期答复，或逾期仍未答复（无论以后何时答复都是逾期）。",
        "右删失：期限还没到的案件，结果未定；若按收到月份计算“已答复中按期的比例”，近几个月只包含答得快的案件，"
        "按期率会虚高。所以收到月份表只列计数，不算比率；未到期的月份不计比率。",
        "按期答复率 = 按期答复 ÷（按期答复 + 逾期答复 + 逾期未答复）；逾期或逾期未答复率是它的补数。"
        "撤回、视为放弃的申请不需要答复，不计入分母（单列）。",
        "逾期工作日数：逾期答复的案件按答复（或送达）之日计；逾期未答复的案件按截至统计日计，是下限。",
        "没有正在计算的期限（等待补正、暂停）、期限取决于尚未发布的放假安排、数据有错误的案件不进入任何队列，单独计数。",
        "统计日之后发生的事件视为尚未发生；责令重新答复等少数事件可能在以后改变已届满的期限。",
    ]


# ----------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Chart:
    png: Path
    svg: Path
    size: tuple[int, int]  # PNG width, height in pixels
    labels: tuple[str, ...]  # title and axis labels, as drawn
    gids: tuple[str, ...]  # the SVG ids of the data artists


@dataclass(frozen=True)
class Charts:
    compliance: Chart
    lateness: Chart
    font: str | None  # the CJK font used, or None (English labels)


_TEXT = {
    "zh": {
        "compliance_title": "按期答复率（按期限届满月份，仅已到期的月份）",
        "month": "期限届满月份",
        "share": "比例（%）",
        "cases": "案件数",
        "on_time": "按期答复率",
        "late_or_open": "逾期或逾期未答复率",
        "cohort": "到期案件数",
        "lateness_title": "逾期工作日数分布",
        "workdays": "逾期工作日数",
        "answered_late": "逾期答复",
        "open_past_due": "逾期未答复（至今，下限）",
        "no_data": "尚无整月都已到期的月份",
        "unknown": "未知",
    },
    "en": {
        "compliance_title": "On-time rate by due month (complete months only)",
        "month": "due month",
        "share": "share (%)",
        "cases": "cases",
        "on_time": "answered on time",
        "late_or_open": "late or open past due",
        "cohort": "cases due",
        "lateness_title": "Workdays late",
        "workdays": "workdays late",
        "answered_late": "answered late",
        "open_past_due": "open past due (so far, lower bound)",
        "no_data": "no complete due month yet",
        "unknown": "unknown",
    },
}


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None."""
    try:
        from matplotlib import font_manager
    except ImportError:
        raise MissingDependencyError("report", "matplotlib") from None
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in installed), None)


def _rc(font: str | None) -> dict[str, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*([font] if font else []), *CJK_FONTS, "DejaVu Sans"],
        "svg.fonttype": "none",  # text stays text in the SVG (searchable, selectable)
        "svg.hashsalt": "gkdeadline",
        "axes.unicode_minus": False,
    }


def _gid(bars: Any, prefix: str) -> None:
    """SVG ids of a bar series: ``prefix-0``, ``prefix-1`` …"""
    for i, patch in enumerate(bars):
        patch.set_gid(f"{prefix}-{i}")


def _save(fig: Any, stem: Path, labels: Sequence[str], gids: Sequence[str]) -> Chart:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, format="png", metadata={"Software": None})
    fig.savefig(svg, format="svg", metadata={"Date": None})
    w, h = fig.get_size_inches() * fig.dpi
    return Chart(png, svg, (round(w), round(h)), tuple(labels), tuple(gids))


def write_charts(
    stats: DeadlineStats, out_dir: str | Path, *, font: str | bool | None = True, prefix: str = ""
) -> Charts:
    """Monthly compliance and lateness charts as PNG and SVG in ``out_dir``.

    ``font``: True (default) finds a CJK font (:data:`CJK_FONTS`); a name uses it; False or no
    font found draws English labels and warns :class:`CJKFontWarning` — the charts are drawn
    either way.
    """
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError("report", "matplotlib") from None
    chosen = cjk_font() if font is True else (font or None)
    if chosen is None:
        warnings.warn(FONT_HINT, CJKFontWarning, stacklevel=2)
    tx = _TEXT["zh" if chosen else "en"]
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    rc: Any = _rc(chosen)
    with matplotlib.rc_context(rc):
        # monthly compliance
        fig = Figure(figsize=(8, 4.5), dpi=100)
        ax = fig.add_subplot()
        months = stats.complete_months()
        labels_drawn = [tx["compliance_title"], tx["month"], tx["share"]]
        gids: list[str] = []
        if months:
            x = np.arange(len(months))
            ax2 = ax.twinx()
            bars = ax2.bar(x, [g.determined for g in months], color="#d9d9d9", label=tx["cohort"])
            _gid(bars, "cohort-bars")
            ax2.set_ylabel(tx["cases"])
            labels_drawn.append(tx["cases"])
            ax.set_zorder(ax2.get_zorder() + 1)
            ax.patch.set_visible(False)
            on = [100 * (g.on_time_rate or 0) for g in months]
            lo = [100 * (g.late_or_open_rate or 0) for g in months]
            (l1,) = ax.plot(x, on, "o-", color="#1a7f37", label=tx["on_time"])
            (l2,) = ax.plot(x, lo, "s--", color="#cf222e", label=tx["late_or_open"])
            l1.set_gid("ontime-rate")
            l2.set_gid("late-or-open-rate")
            gids += ["ontime-rate", "late-or-open-rate", "cohort-bars"]
            ax.set_xticks(x, [g.key for g in months], rotation=45, ha="right")
            ax.set_ylim(0, 100)
            ax.legend(
                [l1, l2, bars],
                [tx["on_time"], tx["late_or_open"], tx["cohort"]],
                loc="center left",
                fontsize=8,
            )
        else:
            ax.text(0.5, 0.5, tx["no_data"], ha="center", va="center", transform=ax.transAxes)
            labels_drawn.append(tx["no_data"])
        ax.set_title(tx["compliance_title"])
        ax.set_xlabel(tx["month"])
        ax.set_ylabel(tx["share"])
        ax.grid(True, axis="y", alpha=0.3)
        fig.tight_layout()
        compliance = _save(fig, d / f"{prefix}compliance", labels_drawn, gids)

        # lateness
        fig = Figure(figsize=(8, 4.5), dpi=100)
        ax = fig.add_subplot()
        bins = [label for _, _, label in LATE_BINS]
        names = list(bins)
        if stats.late_answered.get("unknown", 0) or stats.late_open.get("unknown", 0):
            bins.append("unknown")  # a calendar year not yet published: cannot be counted
            names.append(tx["unknown"])
        x = np.arange(len(bins))
        w = 0.4
        b1 = ax.bar(x - w / 2, [stats.late_answered.get(b, 0) for b in bins], w,
                    color="#cf222e", label=tx["answered_late"])  # fmt: skip
        b2 = ax.bar(x + w / 2, [stats.late_open.get(b, 0) for b in bins], w,
                    color="#9a6700", label=tx["open_past_due"])  # fmt: skip
        _gid(b1, "answered-late-bars")
        _gid(b2, "open-past-due-bars")
        ax.set_xticks(x, names)
        ax.set_title(tx["lateness_title"])
        ax.set_xlabel(tx["workdays"])
        ax.set_ylabel(tx["cases"])
        ax.legend(fontsize=8)
        ax.grid(True, axis="y", alpha=0.3)
        fig.tight_layout()
        lateness = _save(
            fig,
            d / f"{prefix}lateness",
            [tx["lateness_title"], tx["workdays"], tx["cases"]],
            ["answered-late-bars", "open-past-due-bars"],
        )
    return Charts(compliance, lateness, chosen)


# ----------------------------------------------------------------------------- reports


def _md_table(rows: list[list[Any]]) -> list[str]:
    head, *body = rows
    out = ["| " + " | ".join(str(c) for c in head) + " |"]
    out.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in body]
    return out


_TITLES = {
    "by_due_month": "按期限届满月份（按期率只算已到期的整月）",
    "by_receipt_month": "按收到月份（只计数）",
    "by_office": "按承办单位",
    "by_channel": "按申请方式",
    "workdays_late": "逾期工作日数",
    "excluded": "不在已到期队列中的案件",
}


def to_markdown(
    stats: DeadlineStats, charts: Charts | None = None, base: Path | None = None
) -> str:
    scope = f"{stats.year} 年" if stats.year is not None else ""
    out = [
        f"# {scope}答复期限统计",
        "",
        "*English summary: deadline compliance by due month (complete months only, so no"
        " right-censoring bias), counts by receipt month, office and channel, and the"
        f" distribution of workdays late; as of {stats.as_of.isoformat()}.*",
        "",
    ]
    out += [f"* {n}" for n in stats.notes]
    if charts is not None:

        def rel(p: Path) -> str:
            return str(p.relative_to(base)) if base is not None else str(p)

        out += ["", f"![monthly compliance]({rel(charts.compliance.png)})", "",
                f"![workdays late]({rel(charts.lateness.png)})"]  # fmt: skip
        if charts.font is None:
            out += ["", f"> {FONT_HINT}"]
    for name, rows in stats.tables().items():
        out += ["", f"## {_TITLES[name]}", "", *_md_table(rows)]
    return "\n".join(out) + "\n"


def to_html(stats: DeadlineStats, charts: Charts | None = None) -> str:
    """A self-contained HTML page (the SVG charts inline)."""
    scope = f"{stats.year} 年" if stats.year is not None else ""
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html.escape(scope)}答复期限统计</title>",
        "<style>body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei','SimHei',sans-serif;"
        "max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #bbb;padding:.2em .6em;text-align:right}"
        "td:first-child,th:first-child{text-align:left}figure{margin:1em 0}</style></head><body>",
        f"<h1>{html.escape(scope)}答复期限统计</h1>",
        "<p><em>English summary: deadline compliance by due month (complete months only), counts"
        " by receipt month, office and channel, workdays late.</em></p><ul>",
        *(f"<li>{html.escape(n)}</li>" for n in stats.notes),
        "</ul>",
    ]
    if charts is not None:
        for chart in (charts.compliance, charts.lateness):
            svg = chart.svg.read_text("utf-8")
            svg = svg[svg.index("<svg") :]
            parts.append(f"<figure>{svg}</figure>")
        if charts.font is None:
            parts.append(f"<p>{html.escape(FONT_HINT)}</p>")
    for name, rows in stats.tables().items():
        head, *body = rows
        parts.append(f"<h2>{html.escape(_TITLES[name])}</h2><table><tr>")
        parts += [f"<th>{html.escape(str(c))}</th>" for c in head]
        parts.append("</tr>")
        for r in body:
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_stats(
    stats: DeadlineStats,
    out_dir: str | Path,
    *,
    stem: str = "stats",
    font: str | bool | None = True,
) -> dict[str, Path]:
    """Charts (``charts/``), the tables as CSV, and the report as Markdown and HTML."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    charts = write_charts(stats, d / "charts", font=font, prefix=f"{stem}-")
    paths = {f"csv_{k}": v for k, v in stats.write_csv(d, stem).items()}
    md = d / f"{stem}.md"
    md.write_text(to_markdown(stats, charts, d), "utf-8")
    page = d / f"{stem}.html"
    page.write_text(to_html(stats, charts), "utf-8")
    paths.update(
        md=md,
        html=page,
        compliance_png=charts.compliance.png,
        compliance_svg=charts.compliance.svg,
        lateness_png=charts.lateness.png,
        lateness_svg=charts.lateness.svg,
    )
    return paths
