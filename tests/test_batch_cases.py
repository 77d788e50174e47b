"""batch.cases: the same answers as the scalar Case, row by row, and no row lost."""

from __future__ import annotations

import inspect
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkdeadline import GkDeadlineError, batch
from gkdeadline.batch_cases import OUTPUT_COLUMNS, cases, summary
from gkdeadline.case import Case
from gkdeadline.events import SPECS

AS_OF = date(2026, 11, 23)
# ``findings_zh`` (the Chinese messages) may be opt-in: ask for it where the API offers that
MESSAGES: dict[str, Any] = (
    {"messages": True} if "messages" in inspect.signature(cases).parameters else {}
)


def row_events(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The scalar events a batch row stands for: one per event-date column, its fields from the
    parameter columns (gkdeadline.events.SPECS define both). Their order does not matter: the
    engine replays by date, and on one day in SPECS order."""
    events: list[dict[str, Any]] = []
    for spec in SPECS:
        day = row.get(spec.date_column) if spec.date_column else None
        if day is None:
            continue
        event: dict[str, Any] = {"type": spec.type, "date": day.isoformat()}
        for prm in spec.params:
            value = row.get(prm.column) if prm.column else None
            if value is None:
                continue
            event[prm.field] = value.isoformat() if isinstance(value, date) else value
        events.append(event)
    return events


def _codes(text: str | None) -> list[str]:
    return sorted(text.split(";")) if text else []


def scalar(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    try:
        r = Case(row.get("profile") or "national", row_events(row)).result(as_of)
    except GkDeadlineError as exc:
        return {"error_code": exc.code}
    return {
        "due": r.due,
        "due_earliest": r.due_earliest,
        "due_latest": r.due_latest,
        "status": r.status,
        "on_time": r.on_time,
        "remaining_workdays": r.remaining_workdays,
        "workdays_late": r.workdays_late,
        "findings": sorted(r.codes()),
        "error_code": None,
    }


def batched(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    cols = sorted({k for r in rows for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in rows]) for c in cols})
    out = cases(table, as_of=as_of).to_pylist()
    result = []
    for o in out:
        if o["error_code"] is not None:
            assert o["error"], o  # an error row says why
            result.append({"error_code": o["error_code"]})
            continue
        result.append(
            {
                "due": o["due"],
                "due_earliest": o["due_earliest"],
                "due_latest": o["due_latest"],
                "status": o["status"],
                "on_time": o["on_time"],
                "remaining_workdays": o["remaining_workdays"],
                "workdays_late": o["workdays_late"],
                "findings": _codes(o["findings"]),
                "error_code": None,
            }
        )
    return result


PROFILES = [
    "national",
    "national",
    "national",
    "jinping-2024",
    "fenggang-2018",
    "pengyang-2018",
    "district-2022",
]


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    profile = draw(st.sampled_from(PROFILES))
    lo = date(2019, 1, 1) if profile == "pengyang-2018" else date(2016, 1, 1)
    received = lo + timedelta(days=draw(st.integers(0, (date(2026, 12, 10) - lo).days)))
    row: dict[str, Any] = {"profile": profile, "received": received}
    # a missing channel is an error (field-missing), not 当面提交: rarely drawn
    channel = draw(
        st.sampled_from(["in_person", "in_person", "post", "letter", "online", "fax", "email"])
    )
    if draw(st.integers(0, 29)):
        row["channel"] = channel
    if channel in ("letter", "online", "fax", "email") and draw(st.integers(0, 9)):
        row["confirmed"] = received + timedelta(days=draw(st.integers(0, 3)))
    elif draw(st.integers(0, 19)) == 0:
        row["confirmed"] = received + timedelta(days=draw(st.integers(-1, 2)))
    cursor = row.get("confirmed", received)

    def later(lo: int = -2, hi: int = 20) -> date:
        nonlocal cursor
        cursor = cursor + timedelta(days=draw(st.integers(lo, hi)))
        return cursor

    if draw(st.booleans()):
        row["correction_requested"] = later(0, 12)
        if draw(st.integers(0, 2)) == 0:
            row["correction_deadline_set"] = cursor
            # (a period in workdays reaching 2026-12-29 … breaks the scalar engine's trail text:
            # test_case_law's test_a_correction_period_reaching_an_unpublished_year_… (xfail))
            if draw(st.booleans()) and cursor < date(2026, 11, 20):
                row["correction_workdays"] = draw(st.integers(1, 15))
            else:
                row["correction_until"] = cursor + timedelta(days=draw(st.integers(1, 20)))
        if draw(st.integers(0, 3)):
            row["correction_received"] = later()
    if draw(st.booleans()):
        row["consultation_started"] = later()
        if draw(st.integers(0, 9)):
            row["consultation_party"] = draw(st.sampled_from(["third_party", "agency"]))
        if draw(st.integers(0, 3)) == 0:
            row["consultation_party_received"] = cursor + timedelta(days=draw(st.integers(0, 3)))
        if draw(st.integers(0, 3)):
            row["consultation_ended"] = later(-1, 25)
    # (彭阳 excludes 期限中止: a suspension after a consultation that ended early is the case of
    # test_a_span_after_a_shortened_span_matches_the_scalar_engine)
    if draw(st.integers(0, 3)) == 0:
        row["suspended"] = later()
        row["suspension_reason"] = draw(st.sampled_from(["不可抗力", None]))
        if draw(st.booleans()):
            row["resumed"] = later(0, 10)
    if draw(st.integers(0, 4)) == 0:
        row["fee_notified"] = later()
        if draw(st.booleans()):
            row["fee_applicant_received"] = cursor + timedelta(days=draw(st.integers(0, 4)))
        outcome = draw(st.sampled_from(["fee_paid", "fee_lapsed", None]))
        if outcome:
            row[outcome] = later(0, 40)
    if draw(st.booleans()):
        row["extension"] = later(-3, 30)
        how = draw(st.integers(0, 3))
        if how == 1:
            row["extension_workdays"] = draw(st.integers(0, 22))
        elif how == 2:
            row["extension_until"] = cursor + timedelta(days=draw(st.integers(-1, 40)))
    if draw(st.integers(0, 5)) == 0:
        row["delay_set"] = later()
        row["delay_until"] = later(-5, 60)
    end = draw(st.sampled_from(["answered", "answered", "withdrawn", "abandoned", None]))
    if end:
        row[end] = later(-3, 40)
        if end == "answered":
            if draw(st.booleans()):
                row["outcome"] = draw(st.sampled_from(["granted", "refused.state-secret"]))
            if draw(st.integers(0, 2)) == 0:
                row["delivered"] = later(-1, 10)
            if draw(st.integers(0, 4)) == 0:
                row["reanswer_ordered"] = later(0, 60)
                row["reanswer_by"] = draw(st.sampled_from(["review", "court"]))
                kind = draw(st.integers(0, 2))
                if kind == 1:
                    row["reanswer_amount"] = draw(st.integers(1, 30))
                    row["reanswer_unit"] = draw(st.sampled_from(["workdays", "days"]))
                elif kind == 2:
                    row["reanswer_until"] = cursor + timedelta(days=draw(st.integers(-1, 40)))
    return row


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=12), st.integers(-30, 150))
def test_batch_agrees_with_the_scalar_engine(sample: list[dict[str, Any]], offset: int) -> None:
    as_of = sample[0]["received"] + timedelta(days=offset)
    got = batched(sample, as_of)
    assert len(got) == len(sample)
    for row, b in zip(sample, got, strict=True):
        s = scalar(row, as_of)
        assert b == s, row


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=8), st.integers(-30, 150))
def test_batch_messages_are_the_scalar_engines(sample: list[dict[str, Any]], offset: int) -> None:
    """``findings_zh``: each finding's Chinese message as the scalar engine words it (one
    rendering for both paths), in the same order, each followed by its rule's short citation."""
    as_of = sample[0]["received"] + timedelta(days=offset)
    cols = sorted({k for r in sample for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in sample]) for c in cols})
    out = cases(table, as_of=as_of, messages=True).to_pylist()
    for row, o in zip(sample, out, strict=True):
        if o["error_code"] is not None:
            continue
        r = Case(row.get("profile") or "national", row_events(row)).result(as_of)
        lines = o["findings_zh"].split("\n") if o["findings_zh"] else []
        assert len(lines) == len(r.findings), (row, lines, r.findings)
        for line, f in zip(lines, r.findings, strict=True):
            assert line == f.message or line.startswith(f.message + "（"), (row, line, f)
            assert (line != f.message) == (f.citation is not None), (row, line, f)


def test_a_span_after_a_shortened_span_matches_the_scalar_engine() -> None:
    # 彭阳 (期限中止 excluded): the consultation 09-02 … 09-07 ends before the third party's
    # limit (09-24); the deadline is 2019-09-26; a suspension starting 09-27 is too late to
    # pause it, so the answer of 09-27 is one workday late.
    row = {
        "profile": "pengyang-2018",
        "received": date(2019, 8, 28),
        "channel": "letter",
        "confirmed": date(2019, 8, 28),
        "consultation_started": date(2019, 9, 2),
        "consultation_party": "third_party",
        "consultation_ended": date(2019, 9, 7),
        "suspended": date(2019, 9, 27),
        "suspension_reason": "不可抗力",
        "answered": date(2019, 9, 27),
    }
    s = scalar(row, date(2019, 10, 8))
    assert (s["due"], s["status"], s["workdays_late"]) == (date(2019, 9, 26), "answered_late", 1)
    assert batched([row], date(2019, 10, 8)) == [s]


def test_the_issue_rows() -> None:
    df = pd.DataFrame(
        {
            "id": ["in person", "extended", "online", "consulted"],
            "received": ["2026-09-28", "2026-09-28", "2026-02-13", "2026-03-25"],
            "channel": ["in_person", "in_person", "online", "in_person"],
            "confirmed": [None, None, "2026-02-14", None],
            "consultation_started": [None, None, None, "2026-04-01"],
            "consultation_party": [None, None, None, "third_party"],
            "consultation_ended": [None, None, None, "2026-04-10"],
            "extension": [None, "2026-10-28", None, None],
            "extension_workdays": [None, 20, None, None],
        }
    )
    out = cases(df, as_of=date(2026, 10, 1))
    assert out["due"].tolist() == [
        date(2026, 10, 30),
        date(2026, 10, 30),
        date(2026, 3, 20),
        date(2026, 5, 7),
    ]
    later = cases(df, as_of=AS_OF)
    assert later["due"].tolist()[1] == date(2026, 11, 27)
    assert later["status"].tolist() == [
        "overdue",
        "running",
        "seriously_overdue",
        "seriously_overdue",
    ]
    assert later["workdays_late"].tolist()[0] == 16  # 2026-10-30 → 11-23
    assert later["remaining_workdays"].tolist()[1] == 4
    assert list(out.columns)[: len(df.columns)] == list(df.columns)
    assert set(OUTPUT_COLUMNS) <= set(out.columns)
    assert out["id"].tolist() == df["id"].tolist()


def test_findings_columns_name_the_code_and_the_rule() -> None:
    table = pa.table(
        {
            "received": ["2026-09-28", "2026-09-28", "2026-09-28"],
            "channel": ["in_person"] * 3,
            "extension": ["2026-11-02", "2026-10-28", None],
            "answered": [None, "2026-11-20", "2026-11-02"],
        }
    )
    out = cases(table, as_of=AS_OF, **MESSAGES).to_pylist()
    # an extension after the deadline is void: the deadline stays 2026-10-30
    assert out[0]["due"] == date(2026, 10, 30) and out[0]["status"] == "overdue"
    assert out[0]["findings"].split(";") == ["extension-after-deadline", "overdue"]
    assert "第三十三条第二款" in out[0]["findings_zh"] and "延长无效" in out[0]["findings_zh"]
    assert out[1]["findings"] is None and out[1]["status"] == "answered"
    assert out[2]["status"] == "answered_late" and out[2]["workdays_late"] == 1
    assert out[2]["on_time"] is False and out[2]["findings"] == "answered-late"
    for o in out:
        assert o["error_code"] is None and o["error"] is None


def test_no_row_is_lost_and_errors_say_why() -> None:
    table = pa.table(
        {
            "id": [str(i) for i in range(9)],
            "received": [
                "2026-09-28",
                "28/09/2026",
                None,
                "2026-09-28",
                "2026-12-20",
                "2026-09-28",
                "2026-09-28",
                "2026-09-28",
                "2026-09-28",
            ],
            "channel": [
                "in_person",
                "in_person",
                None,
                "fax",
                "in_person",
                "in_person",
                "carrier pigeon",
                "in_person",
                None,
            ],
            "extension": [None, None, None, None, None, "2026-11-02", None, None, None],
            "profile": [None, None, None, None, None, None, None, "atlantis", None],
        }
    )
    out = cases(table, as_of=date(2026, 12, 21))
    assert out.num_rows == table.num_rows
    assert out.column("id").to_pylist() == table.column("id").to_pylist()
    codes = out.column("error_code").to_pylist()
    errors = out.column("error").to_pylist()
    assert codes == [
        None,
        "date-invalid",
        "missing-received",
        "missing-confirmation",
        None,  # the deadline reaches 2027: bounded, not an error
        None,  # an extension after the deadline: a finding, not an error
        "field-invalid",
        "profile-unknown",
        "field-missing",  # no channel: no longer taken as 当面提交
    ]
    assert errors[0] is None and errors[4] is None and errors[5] is None
    assert "28/09/2026" in errors[1] and "不是 ISO 日期" in errors[1]
    assert "收到申请" in errors[2]
    assert "必须给出 confirmed" in errors[3] and "第三十一条" in errors[3]
    assert "carrier pigeon" in errors[6]
    assert "没有档案 'atlantis'" in errors[7]
    assert "缺少必填字段 channel" in errors[8]
    assert summary(out) == {"rows": 9, "computed": 3, "errors": 6}
    due = out.column("due").to_pylist()
    assert due[0] == date(2026, 10, 30) and due[5] == date(2026, 10, 30)
    assert [due[i] for i in (1, 2, 3, 4, 6, 7, 8)] == [None] * 7
    assert out.column("due_earliest").to_pylist()[4] == date(2027, 1, 18)
    assert out.column("due_latest").to_pylist()[4] == date(2027, 1, 19)
    assert out.column("findings").to_pylist()[4] == "calendar-pending"
    assert "extension-after-deadline" in out.column("findings").to_pylist()[5]


def test_a_year_beyond_every_bound_is_a_calendar_error_row() -> None:
    out = cases(
        pa.table({"received": ["2030-03-20", "2026-09-28"], "channel": ["post", "post"]}),
        as_of=date(2030, 3, 21),
    )
    for row in out.to_pylist():  # the scalar engine raises CalendarCoverageError for both
        assert row["error_code"] == "calendar-missing-year", row
        assert row["status"] is None and row["workdays_late"] is None


def test_a_year_beyond_every_bound_is_an_error_for_the_scalar_engine() -> None:
    for received in ("2030-03-20", "2026-09-28"):
        with pytest.raises(GkDeadlineError) as info:
            Case("national", [{"type": "received", "date": received, "channel": "post"}]).result(
                date(2030, 3, 21)
            )
        assert info.value.code == "calendar-missing-year"


def test_strict_turns_violations_into_error_rows() -> None:
    table = pa.table(
        {
            "received": ["2026-09-28", "2026-09-28"],
            "channel": ["in_person", "in_person"],
            "extension": ["2026-11-02", "2026-10-28"],
        }
    )
    out = cases(table, as_of=date(2026, 11, 20), strict=True)
    assert out.column("error_code").to_pylist() == ["extension-after-deadline", None]
    assert out.column("due").to_pylist() == [None, date(2026, 11, 27)]


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_every_table_type_round_trips(kind: str) -> None:
    data = {
        "received": ["2026-09-28", "2026-03-25"],
        "channel": ["in_person", "post"],
        "answered": ["2026-10-20", None],
    }
    table: Any = {
        "pandas": lambda: pd.DataFrame(data),
        "polars": lambda: pl.DataFrame(data),
        "arrow": lambda: pa.table(data),
        "dict": lambda: {k: np.array(v, dtype=object) for k, v in data.items()},
    }[kind]()
    out = cases(table, as_of=AS_OF)
    assert type(out) is type(table)
    status = list(out["status"]) if kind != "arrow" else out.column("status").to_pylist()
    assert status == ["answered", "seriously_overdue"]


def test_native_date_columns_and_existing_output_columns_are_replaced() -> None:
    df = pd.DataFrame(
        {
            "received": pd.to_datetime(["2026-09-28"]),
            "channel": ["in_person"],
            "due": ["stale"],
            "error": ["old"],
        }
    )
    out = cases(df, as_of=AS_OF)
    assert out["due"].tolist() == [date(2026, 10, 30)] and out["error"].isna().all()
    pl_out = cases(
        pl.DataFrame({"received": [date(2026, 9, 28)], "channel": ["in_person"]}), as_of=AS_OF
    )
    assert pl_out["due"].to_list() == [date(2026, 10, 30)]


def test_pandas_index_is_respected() -> None:
    df = pd.DataFrame(
        {"received": ["2026-09-28", "2026-03-25"], "channel": ["in_person", "in_person"]},
        index=[100, 7],
    )
    out = cases(df, as_of=AS_OF)
    assert out.index.tolist() == [100, 7]
    assert out.loc[100, "due"] == date(2026, 10, 30) and out.loc[7, "due"] == date(2026, 4, 23)


def test_no_received_column_is_a_clear_error() -> None:
    with pytest.raises(GkDeadlineError, match="没有 received 列") as info:
        cases(pd.DataFrame({"answered": ["2026-10-01"]}))
    assert info.value.code == "column-missing" and info.value.field == "received"
    with pytest.raises(GkDeadlineError, match="无法把 list 当作案件表读取") as info:
        cases([1, 2, 3])
    assert info.value.code == "table-invalid"


def test_batch_module_reexports_cases() -> None:
    out = batch.cases(
        pd.DataFrame({"received": ["2026-09-28"], "channel": ["in_person"]}), as_of=AS_OF
    )
    assert out["due"].tolist() == [date(2026, 10, 30)]
