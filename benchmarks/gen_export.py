"""A realistic 依申请公开 event-log export: Chinese headers, Chinese labels, mixed date formats.

    uv run python benchmarks/gen_export.py --cases 10000 --out export.xlsx [--seed 0]
                                           [--export-date 2027-02-26] [--shuffle]

One row per event, as a case system's 办理记录 export gives them: 申请编号, 事件类型, 日期 and the
event's fields, with the case's 申请方式, 申请人类型, 承办单位 and review/litigation columns repeated
on every row of the case. Requests are received on workdays from 2025-01-01 to 2026-12-31; the
export is taken on ``--export-date`` (events after it have not happened yet). What happens, per
case (fractions of all cases unless said otherwise):

* 申请方式: 网上 55%, 当面 15%, 挂号/EMS 15%, 平信 5%, 电子邮件 5%, 传真 5% (互联网、传真、电子邮件、
  平信 with a 确认日期: the same day, or the next workday for one in five);
* 申请人: 自然人 85%, 商业企业 8%, 法律服务机构 3%, 其他 2.5%, 科研机构 1%, 社会公益组织 0.5%;
* 告知补正 10% (补正期限 15 个工作日), of which 15% never supply the correction: half of those get
  a 视为放弃 row after the deadline, the other half are left to lapse (the engine's 视为放弃);
* 撤回 2%; 收费 0.3% (three in ten never pay: 逾期未缴费);
* 征求意见 8% (第三方 70%, 其他机关 30%; one in ten never replies);
* 延期答复 12% of the cases still being handled, of which 8% are decided after the deadline
  (so the extension is void, and a late answer follows from it);
* answers: 7% late (1–25 workdays), 3% never answered, the rest on time; half are 送达 later;
* 行政复议 1% of answered cases, 行政诉讼 0.5% (two in five after a review).

Due dates are computed with gkdeadline itself (the calendar projected past 2026 for the
generator's own use; the export does not contain them). :func:`generate` returns the canonical
event log, :func:`to_export` the Chinese export, :func:`write_export` writes .xlsx, .csv,
.jsonl or .parquet.
"""

from __future__ import annotations

import argparse
import json
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from gkdeadline import batch
from gkdeadline.batch_cases import event_log
from gkdeadline.calendar import Calendar
from gkdeadline.errors import ProjectedCalendarWarning
from gkdeadline.events import SPEC_ORDER

START, END = date(2025, 1, 1), date(2026, 12, 31)
EXPORT_DATE = date(2027, 2, 26)
OFFICES = (
    "区政府办公室", "区发展和改革委员会", "区教育局", "区公安分局", "区民政局", "区人力资源和社会保障局",
    "区自然资源局", "区生态环境局", "区住房和城乡建设局", "区市场监督管理局",
)  # fmt: skip
OFFICE_P = (0.12, 0.06, 0.08, 0.10, 0.05, 0.09, 0.20, 0.06, 0.16, 0.08)
CHANNELS = ("online", "in_person", "post", "letter", "email", "fax")
CHANNEL_P = (0.55, 0.15, 0.15, 0.05, 0.05, 0.05)
APPLICANTS = ("natural-person", "business", "legal-service", "other-org", "research", "nonprofit")
APPLICANT_P = (0.85, 0.08, 0.03, 0.025, 0.01, 0.005)
OUTCOMES = {
    "granted": 0.38, "partial": 0.10, "refused.state-secret": 0.005,
    "refused.prohibited-by-law": 0.005, "refused.security-stability": 0.005,
    "refused.third-party-rights": 0.02, "refused.internal-affairs": 0.01,
    "refused.process-information": 0.02, "refused.enforcement-file": 0.01,
    "refused.administrative-query": 0.015, "unavailable.not-held": 0.25,
    "unavailable.needs-creation": 0.03, "unavailable.still-unclear": 0.01,
    "not-handled.petition": 0.03, "not-handled.repeated": 0.03, "not-handled.publication": 0.005,
    "not-handled.excessive": 0.005, "not-handled.confirmation": 0.01, "other.other": 0.01,
}  # fmt: skip
RESULTS = ("maintained", "corrected", "other", "pending")
RATES: dict[str, float] = {
    "withdrawn": 0.02,
    "correction": 0.10,
    "correction_never": 0.15,  # of the corrections
    "fee": 0.003,
    "consultation": 0.08,
    "extension": 0.12,
    "extension_late": 0.08,  # of the extensions
    "late": 0.07,
    "unanswered": 0.03,
    "delivered": 0.5,  # of the answers
    "review": 0.01,  # of the answers
    "suit": 0.005,  # of the answers
}
RESULT_P = (0.6, 0.2, 0.1, 0.1)

# Chinese labels the export uses (each one is in gkdeadline.mapping's built-in mapping)
CHANNEL_ZH = {
    "online": ("网上申请", "互联网", "政府网站"),
    "in_person": ("当面", "当面提交"),
    "post": ("挂号信", "EMS", "邮寄"),
    "letter": ("平信",),
    "email": ("电子邮件",),
    "fax": ("传真",),
}
APPLICANT_ZH = {
    "natural-person": ("自然人", "个人"),
    "business": ("商业企业", "企业"),
    "legal-service": ("法律服务机构", "律师事务所"),
    "other-org": ("其他组织", "法人或其他组织·其他"),
    "research": ("科研机构",),
    "nonprofit": ("社会公益组织",),
}
TYPE_ZH = {
    "received": ("收到申请", "受理"),
    "correction_requested": ("告知补正",),
    "correction_deadline_set": ("确定补正期限",),
    "correction_received": ("收到补正",),
    "consultation_started": ("征求意见",),
    "consultation_ended": ("收到意见",),
    "extension": ("延期答复", "延长答复期限"),
    "answered": ("作出答复", "答复"),
    "delivered": ("送达",),
    "withdrawn": ("撤回申请",),
    "abandoned": ("视为放弃",),
    "fee_notified": ("收费通知",),
    "fee_paid": ("缴费",),
    "fee_lapsed": ("逾期未缴费",),
}
PARTY_ZH = {"third_party": "第三方", "agency": "其他机关"}
RESULT_ZH = {"maintained": "维持", "corrected": "纠正", "other": "其他", "pending": "审理中"}
GROUP_ZH = {
    "refused": "不予公开",
    "unavailable": "无法提供",
    "not-handled": "不予处理",
    "other": "其他处理",
}
DATE_FORMATS = ("iso", "slash", "dot", "zh", "compact")
DATE_P = (0.4, 0.25, 0.1, 0.15, 0.1)
COLUMNS_ZH = (
    "申请编号", "事件类型", "日期", "申请方式", "确认日期", "征求意见对象", "补正期限（工作日）",
    "延长工作日数", "办理结果", "申请人类型", "承办单位", "复议申请日期", "复议结果", "起诉日期",
    "诉讼结果", "是否经复议", "备注",
)  # fmt: skip
RANK = {t: i for i, t in enumerate(SPEC_ORDER)}  # same-day order of the engine
NAT = np.datetime64("NaT", "D")


def _outcome_zh(code: str, rng: np.random.Generator) -> str:
    """A 30号 label for an outcome code, in one of the spellings exports use."""
    from gkdeadline.outcomes import BY_CODE

    o = BY_CODE[code]
    if o.index == 0:
        return o.label
    group = GROUP_ZH[code.split(".", maxsplit=1)[0]]
    style = int(rng.integers(0, 3))
    if style == 0:
        return f"{group}·{o.label.split('.', 1)[1]}"
    if style == 1:
        return f"{o.group}{o.label}"
    return f"{group}-{o.label}"


class _Events:
    """Columns of the canonical event log, filled type by type."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []

    def add(self, case: np.ndarray, kind: str, day: np.ndarray, **fields: Any) -> None:
        keep = ~np.isnat(day)
        if not keep.any():
            return
        part = {"case": case[keep], "type": np.full(int(keep.sum()), kind, dtype=object),
                "date": day[keep]}  # fmt: skip
        for name, values in fields.items():
            if not np.ndim(values):
                part[name] = values
            elif np.asarray(values).dtype.kind == "M":
                part[name] = np.asarray(values).astype("datetime64[D]")[keep]
            else:
                part[name] = np.asarray(values, dtype=object)[keep]
        self.parts.append(part)

    def table(self, ids: np.ndarray, case_cols: dict[str, np.ndarray]) -> pa.Table:
        fields = ("channel", "confirmed", "party", "workdays", "outcome", "until")
        cols: dict[str, list[Any]] = {k: [] for k in ("case", "type", "date", *fields)}
        for p in self.parts:
            m = len(p["case"])
            cols["case"].append(p["case"])
            cols["type"].append(p["type"])
            cols["date"].append(p["date"])
            for f in fields:
                v = p.get(f)
                if f in ("confirmed", "until"):
                    cols[f].append(
                        np.full(m, NAT, dtype="datetime64[D]") if v is None else np.asarray(v)
                    )
                elif v is None:
                    cols[f].append(np.full(m, None, dtype=object))
                elif np.ndim(v) == 0:
                    cols[f].append(np.full(m, v, dtype=object))
                else:
                    cols[f].append(np.asarray(v, dtype=object))
        case = np.concatenate(cols["case"])
        kind = np.concatenate(cols["type"])
        day = np.concatenate(cols["date"]).astype("datetime64[D]")
        rank = np.asarray([RANK[k] for k in kind])
        order = np.lexsort((rank, day, case))
        out: dict[str, Any] = {
            "case_id": pa.array(ids[case[order]], pa.string()),
            "type": pa.array(kind[order], pa.string()),
            "date": pa.array(day[order], pa.date32()),
        }
        for f in fields:
            v = np.concatenate(cols[f])[order]
            if f in ("confirmed", "until"):
                v = v.astype("datetime64[D]")
                out[f] = pa.array(v, pa.date32(), mask=np.isnat(v))
            elif f == "workdays":
                out[f] = pa.array([None if x is None else int(x) for x in v], pa.int64())
            else:
                out[f] = pa.array(v, pa.string())
        for name, values in case_cols.items():
            v = values[case[order]]
            if v.dtype.kind == "M":
                out[name] = pa.array(v.astype("datetime64[D]"), pa.date32(), mask=np.isnat(v))
            elif name == "litigation_after_review":
                out[name] = pa.array(v, pa.bool_())
            else:
                out[name] = pa.array(v, pa.string())
        return pa.table(out)


def _due(events: _Events, ids: np.ndarray, n: int) -> np.ndarray:
    """Each case's current due date (projected calendar), NaT when none."""
    t = events.table(ids, {})
    t = t.drop_columns(["until"]) if t.column("until").null_count == t.num_rows else t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProjectedCalendarWarning)
        r = event_log(t, as_of=date(2030, 1, 1), projection=True)
    bad = r.column("error").drop_null()
    if len(bad):
        raise RuntimeError(f"generator produced impossible cases: {bad[0]}")
    index = {k: i for i, k in enumerate(ids)}
    due = np.full(n, NAT, dtype="datetime64[D]")
    got = r.column("due").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    pos = np.asarray([index[k] for k in r.column("case_id").to_pylist()])
    due[pos] = got
    return due


def generate(
    n: int, seed: int = 0, export_date: date = EXPORT_DATE, rates: dict[str, float] | None = None
) -> pa.Table:
    """``n`` cases as a canonical event log (gkdeadline's own columns and codes).

    ``rates`` overrides the shares of :data:`RATES` (e.g. denser logs for a benchmark).
    """
    r_ = {**RATES, **(rates or {})}
    rng = np.random.default_rng(seed)
    cal = Calendar().with_projection()

    def wd(d: np.ndarray, k: Any) -> np.ndarray:
        """``k`` workdays after ``d`` (NaT stays NaT)."""
        d = np.asarray(d, dtype="datetime64[D]")
        missing = np.isnat(d)
        filled = np.where(missing, np.datetime64(START.isoformat()), d)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProjectedCalendarWarning)
            out = batch.add_workdays(filled, k, cal)
        return np.where(missing, NAT, out).astype("datetime64[D]")

    def between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProjectedCalendarWarning)
            return batch.workdays_between(a, b, cal)

    span = (END - START).days + 1
    raw = np.datetime64(START.isoformat()) + rng.integers(0, span, n).astype("timedelta64[D]")
    received = wd(raw - np.timedelta64(1, "D"), 1)  # the workday on or after
    order = np.argsort(received, kind="stable")
    received = received[order]
    years = received.astype("datetime64[Y]").astype(int) + 1970
    ids = np.empty(n, dtype=object)
    for y in np.unique(years):
        sel = np.flatnonzero(years == y)
        ids[sel] = [f"GK{y}-{i + 1:06d}" for i in range(len(sel))]
    case = np.arange(n)
    channel = rng.choice(CHANNELS, n, p=CHANNEL_P).astype(object)
    needs_conf = np.isin(channel, ("letter", "online", "fax", "email"))
    confirmed = np.where(
        needs_conf, np.where(rng.random(n) < 0.8, received, wd(received, 1)), NAT
    ).astype("datetime64[D]")
    start = np.where(needs_conf, confirmed, received).astype("datetime64[D]")
    applicant = rng.choice(APPLICANTS, n, p=APPLICANT_P).astype(object)
    office = rng.choice(OFFICES, n, p=OFFICE_P).astype(object)

    ev = _Events()
    ev.add(case, "received", received, channel=channel, confirmed=confirmed)

    def where(mask: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.where(mask, day, NAT).astype("datetime64[D]")

    withdrawn = rng.random(n) < r_["withdrawn"]
    ev.add(case, "withdrawn", where(withdrawn, wd(start, rng.integers(1, 11, n))))
    corr = (rng.random(n) < r_["correction"]) & ~withdrawn
    req = wd(start, rng.integers(1, 6, n))
    never = corr & (rng.random(n) < r_["correction_never"])
    supplied = corr & ~never
    ev.add(case, "correction_requested", where(corr, req))
    ev.add(case, "correction_deadline_set", where(corr, req), workdays=15)
    corr_until = wd(req, 15)
    corr_rec = wd(req, rng.integers(1, 13, n))
    ev.add(case, "correction_received", where(supplied, corr_rec))
    explicit = never & (rng.random(n) < 0.5)
    ev.add(case, "abandoned", where(explicit, wd(corr_until, rng.integers(1, 8, n))))
    phase = np.where(supplied, corr_rec, start).astype("datetime64[D]")
    fee = (rng.random(n) < r_["fee"]) & ~withdrawn & ~never
    fee_day = wd(phase, rng.integers(2, 8, n))
    paid = fee & (rng.random(n) < 0.7)
    lapsed = fee & ~paid
    ev.add(case, "fee_notified", where(fee, fee_day))
    paid_day = wd(fee_day, rng.integers(1, 6, n))
    ev.add(case, "fee_paid", where(paid, paid_day))
    ev.add(case, "fee_lapsed", where(lapsed, wd(fee_day, 40)))
    active = ~withdrawn & ~never & ~lapsed
    last = np.where(paid, paid_day, phase).astype("datetime64[D]")
    cons = active & (rng.random(n) < r_["consultation"])
    c_start = wd(last, rng.integers(2, 9, n))
    party = np.where(rng.random(n) < 0.7, "third_party", "agency").astype(object)
    replied = cons & (rng.random(n) < 0.9)
    c_end = wd(c_start, rng.integers(3, 16, n))
    ev.add(case, "consultation_started", where(cons, c_start), party=party)
    ev.add(case, "consultation_ended", where(replied, c_end), party=party)
    last = np.where(replied, c_end, np.where(cons, c_start, last)).astype("datetime64[D]")
    due0 = _due(ev, ids, n)
    ext = active & (rng.random(n) < r_["extension"]) & ~np.isnat(due0)
    ext_late = ext & (rng.random(n) < r_["extension_late"])
    ext_day = np.where(
        ext_late, wd(due0, rng.integers(1, 6, n)), wd(due0, -rng.integers(0, 5, n))
    ).astype("datetime64[D]")
    ext_day = np.maximum(ext_day, last)
    ev.add(case, "extension", where(ext, ext_day), workdays=20)
    last = np.where(ext, ext_day, last).astype("datetime64[D]")
    due = _due(ev, ids, n)
    unanswered = active & (rng.random(n) < r_["unanswered"])
    late = (
        active
        & ~unanswered
        & (rng.random(n) < r_["late"] / (1 - r_["unanswered"]))
        & ~np.isnat(due)
    )
    ontime = active & ~unanswered & ~late
    room = np.maximum(between(last, np.where(np.isnat(due), last, due)), 0)
    early = wd(last, np.floor(rng.random(n) * (room + 1)).astype(np.int64))
    answer = np.where(late, wd(due, rng.integers(1, 26, n)), early).astype("datetime64[D]")
    answered = late | ontime
    codes = np.asarray(list(OUTCOMES), dtype=object)
    weights = np.asarray(list(OUTCOMES.values()))
    outcome = rng.choice(codes, n, p=weights / weights.sum())
    ev.add(case, "answered", where(answered, answer), outcome=outcome)
    delivered = answered & (rng.random(n) < r_["delivered"])
    ev.add(
        case,
        "delivered",
        where(delivered, answer + rng.integers(1, 6, n).astype("timedelta64[D]")),
    )
    # reviews and suits (case-level columns)
    review = answered & (rng.random(n) < r_["review"])
    review_day = where(review, answer + rng.integers(10, 56, n).astype("timedelta64[D]"))
    review_result = np.where(review, rng.choice(RESULTS, n, p=RESULT_P), None).astype(object)
    suit = answered & (rng.random(n) < r_["suit"])
    after = suit & review & (rng.random(n) < 0.4)
    suit_day = where(
        suit,
        np.where(
            after,
            review_day + rng.integers(30, 61, n).astype("timedelta64[D]"),
            answer + rng.integers(20, 91, n).astype("timedelta64[D]"),
        ).astype("datetime64[D]"),
    )
    suit_result = np.where(suit, rng.choice(RESULTS, n, p=RESULT_P), None).astype(object)
    cut = np.datetime64(export_date.isoformat())
    review_day = where(review_day <= cut, review_day)
    suit_day = where(suit_day <= cut, suit_day)
    review_result = np.where(np.isnat(review_day), None, review_result).astype(object)
    suit_result = np.where(np.isnat(suit_day), None, suit_result).astype(object)
    t = ev.table(
        ids,
        {
            "applicant": applicant,
            "office": office,
            "review_date": review_day,
            "review_result": review_result,
            "litigation_date": suit_day,
            "litigation_result": suit_result,
            "litigation_after_review": np.where(np.isnat(suit_day), None, after).astype(object),
        },
    )
    keep = t.column("date").to_numpy(zero_copy_only=False).astype("datetime64[D]") <= cut
    return t.filter(pa.array(keep))


def _fmt_date(d: date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def to_export(t: pa.Table, seed: int = 0, datetime_cells: float = 0.0) -> dict[str, list[Any]]:
    """The canonical log as the Chinese export's columns (Python values, for any file format).

    ``datetime_cells``: the share of 日期 cells written as real date cells (for .xlsx).
    """
    rng = np.random.default_rng(seed + 1)
    n = t.num_rows
    rows = t.to_pylist()
    case_ids = [r["case_id"] for r in rows]
    # per-case choices: one spelling of the channel and applicant per case
    firsts: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["type"] == "received":
            firsts[r["case_id"]] = r
    per_case_rng = {
        k: int(v) for k, v in zip(firsts, rng.integers(0, 1 << 30, len(firsts)), strict=True)
    }
    styles = rng.choice(DATE_FORMATS, n, p=DATE_P)
    as_cell = rng.random(n) < datetime_cells
    implied_party = rng.random(n) < 0.5
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS_ZH}
    for i, r in enumerate(rows):
        cid = case_ids[i]
        k = per_case_rng.get(cid, 0)
        first = firsts.get(cid, {})
        ch = first.get("channel")
        out["申请编号"].append(cid)
        kind = r["type"]
        label = TYPE_ZH[kind][k % len(TYPE_ZH[kind])]
        party_cell = None
        if kind in ("consultation_started", "consultation_ended") and r["party"]:
            if implied_party[i] and r["party"] == "third_party":
                label = "征求第三方意见" if kind == "consultation_started" else "收到第三方意见"
            else:
                party_cell = PARTY_ZH[r["party"]]
        out["事件类型"].append(label)
        d = r["date"]
        out["日期"].append(
            datetime(d.year, d.month, d.day) if as_cell[i] else _fmt_date(d, str(styles[i]))
        )
        out["申请方式"].append(CHANNEL_ZH[ch][k % len(CHANNEL_ZH[ch])] if ch else None)
        out["确认日期"].append(_fmt_date(r["confirmed"], "iso") if r["confirmed"] else None)
        out["征求意见对象"].append(party_cell)
        out["补正期限（工作日）"].append(
            str(r["workdays"]) if kind == "correction_deadline_set" else None
        )
        out["延长工作日数"].append(str(r["workdays"]) if kind == "extension" else None)
        if kind == "answered" and r["outcome"]:
            res = _outcome_zh(r["outcome"], rng)
        elif kind == "abandoned" and k % 2 == 0:
            res = "其他处理·逾期不补正"
        else:
            res = None
        out["办理结果"].append(res)
        app = r["applicant"]
        out["申请人类型"].append(APPLICANT_ZH[app][k % len(APPLICANT_ZH[app])])
        out["承办单位"].append(r["office"])
        out["复议申请日期"].append(_fmt_date(r["review_date"], "iso") if r["review_date"] else None)
        out["复议结果"].append(RESULT_ZH[r["review_result"]] if r["review_result"] else None)
        out["起诉日期"].append(
            _fmt_date(r["litigation_date"], "slash") if r["litigation_date"] else None
        )
        out["诉讼结果"].append(
            RESULT_ZH[r["litigation_result"]] if r["litigation_result"] else None
        )
        lar = r["litigation_after_review"]
        out["是否经复议"].append(None if lar is None else ("是" if lar else "否"))
        out["备注"].append(None)
    return out


def write_export(columns: dict[str, list[Any]], path: str | Path) -> Path:
    """Write the export's columns as .xlsx (with a title row above the header), .csv (UTF-8
    with BOM), .jsonl or .parquet."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("办理记录")
        ws.append(["政府信息公开申请办理记录（导出）"])
        ws.append(names)
        for i in range(n):
            ws.append([columns[c][i] for c in names])
        wb.save(p)
    elif suffix == ".csv":
        import csv

        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(names)
            for i in range(n):
                w.writerow(["" if columns[c][i] is None else _cell(columns[c][i]) for c in names])
    elif suffix in (".jsonl", ".ndjson"):
        with p.open("w", encoding="utf-8") as f:
            for i in range(n):
                row = {c: _cell(columns[c][i]) for c in names if columns[c][i] is not None}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(
            pa.table(
                {
                    c: pa.array(
                        [_cell(v) if v is not None else None for v in columns[c]], pa.string()
                    )
                    for c in names
                }
            ),
            p,
        )
    else:
        raise SystemExit(f"unknown output type {suffix}; use .xlsx, .csv, .jsonl or .parquet")
    return p


def _cell(v: Any) -> str:
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("export.xlsx"))
    ap.add_argument("--export-date", type=date.fromisoformat, default=EXPORT_DATE)
    ap.add_argument("--shuffle", action="store_true", help="rows in random order (not grouped)")
    args = ap.parse_args()
    t = generate(args.cases, args.seed, args.export_date)
    cols = to_export(t, args.seed, datetime_cells=0.3 if args.out.suffix == ".xlsx" else 0.0)
    if args.shuffle:
        order = np.random.default_rng(args.seed + 2).permutation(t.num_rows)
        cols = {k: [v[i] for i in order] for k, v in cols.items()}
    write_export(cols, args.out)
    print(f"{args.cases:,} cases, {t.num_rows:,} events → {args.out}")


if __name__ == "__main__":
    main()
