"""batch.cases: the same answers as the scalar Case, row by row, and no row lost."""

from __future__ import annotations

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
from gkdeadline.batch_cases import EVENT_ORDER, cases, summary
from gkdeadline.case import Case

AS_OF = date(2026, 11, 23)


def row_events(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The scalar events a batch row stands for, in date order (same day: column order)."""
    events: list[tuple[date, int, dict[str, Any]]] = []

    def add(kind: str, day: Any, **extra: Any) -> None:
        if day is not None:
            events.append(
                (day, EVENT_ORDER.index(kind), {"type": kind, "date": day.isoformat(), **extra})
            )

    rec: dict[str, Any] = {"channel": row.get("channel") or "in_person"}
    if row.get("confirmed"):
        rec["confirmed"] = row["confirmed"].isoformat()
    add("received", row.get("received"), **rec)
    add("correction_requested", row.get("correction_requested"))
    add("correction_received", row.get("correction_received"))
    party = row.get("consultation_party") or "third_party"
    add("consultation_started", row.get("consultation_started"), party=party)
    add("consultation_ended", row.get("consultation_ended"), party=party)
    reason = {"reason": row["suspension_reason"]} if row.get("suspension_reason") else {}
    add("suspended", row.get("suspended"), **reason)
    add("resumed", row.get("resumed"))
    ext = (
        {"workdays": row["extension_workdays"]} if row.get("extension_workdays") is not None else {}
    )
    add("extension", row.get("extension"), **ext)
    until = {"until": row["delay_until"].isoformat()} if row.get("delay_until") else {}
    add("delay_set", row.get("delay_set"), **until)
    add("answered", row.get("answered"))
    events.sort(key=lambda e: (e[0], e[1]))
    return [e[2] for e in events]


def scalar(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    try:
        r = Case(row.get("profile") or "national", row_events(row)).result(as_of)
    except GkDeadlineError as exc:
        return {"error": str(exc)}
    return {
        "due": r.due,
        "status": r.status,
        "on_time": r.on_time,
        "remaining_workdays": r.remaining_workdays,
        "warnings": sorted(r.warnings),
        "error": None,
    }


def batched(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    cols = sorted({k for r in rows for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in rows]) for c in cols})
    out = cases(table, as_of=as_of).to_pylist()
    result = []
    for o in out:
        if o["error"] is not None:
            result.append({"error": o["error"]})
            continue
        result.append(
            {
                "due": o["due"],
                "status": o["status"],
                "on_time": o["on_time"],
                "remaining_workdays": o["remaining_workdays"],
                "warnings": sorted(o["warnings"].split("\n")) if o["warnings"] else [],
                "error": None,
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
    channel = draw(st.sampled_from(["in_person", "post", "letter", "online", "fax", None]))
    if channel:
        row["channel"] = channel
    if channel in ("letter", "online", "fax") and draw(st.integers(0, 9)):
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
        if draw(st.integers(0, 3)):
            row["correction_received"] = later()
    if draw(st.booleans()):
        row["consultation_started"] = later()
        if draw(st.booleans()):
            row["consultation_party"] = draw(st.sampled_from(["third_party", "agency"]))
        if draw(st.integers(0, 3)):
            row["consultation_ended"] = later(-1, 25)
    if draw(st.integers(0, 3)) == 0:
        row["suspended"] = later()
        row["suspension_reason"] = draw(st.sampled_from(["不可抗力", None]))
        if draw(st.booleans()):
            row["resumed"] = later(0, 10)
    if draw(st.booleans()):
        row["extension"] = later(-3, 30)
        if draw(st.booleans()):
            row["extension_workdays"] = draw(st.integers(0, 22))
    if draw(st.integers(0, 5)) == 0:
        row["delay_set"] = later()
        row["delay_until"] = later(-5, 60)
    if draw(st.booleans()):
        row["answered"] = later(-3, 40)
    return row


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=12), st.integers(-30, 150))
def test_batch_agrees_with_the_scalar_engine(sample: list[dict[str, Any]], offset: int) -> None:
    as_of = sample[0]["received"] + timedelta(days=offset)
    got = batched(sample, as_of)
    assert len(got) == len(sample)
    for row, b in zip(sample, got, strict=True):
        s = scalar(row, as_of)
        if s["error"] is not None or b["error"] is not None:
            assert (s["error"] is None) == (b["error"] is None), (row, s, b)
            continue
        assert b == s, row


def test_the_issue_rows() -> None:
    df = pd.DataFrame(
        {
            "id": ["in person", "extended", "online", "consulted"],
            "received": ["2026-09-28", "2026-09-28", "2026-02-13", "2026-03-25"],
            "channel": [None, None, "online", None],
            "confirmed": [None, None, "2026-02-14", None],
            "consultation_started": [None, None, None, "2026-04-01"],
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
    assert later["status"].tolist() == ["overdue", "running", "overdue", "overdue"]
    assert list(out.columns)[: len(df.columns)] == list(df.columns)
    assert out["id"].tolist() == df["id"].tolist()


def test_no_row_is_lost_and_errors_say_why() -> None:
    table = pa.table(
        {
            "id": [str(i) for i in range(8)],
            "received": [
                "2026-09-28",
                "28/09/2026",
                None,
                "2026-09-28",
                "2026-12-20",
                "2026-09-28",
                "2026-09-28",
                "2026-09-28",
            ],
            "channel": [None, None, None, "fax", None, None, "carrier pigeon", None],
            "extension": [None, None, None, None, None, "2026-11-02", None, None],
            "profile": [None, None, None, None, None, None, None, "atlantis"],
        }
    )
    out = cases(table, as_of=date(2026, 12, 21))
    assert out.num_rows == table.num_rows
    assert out.column("id").to_pylist() == table.column("id").to_pylist()
    errors = out.column("error").to_pylist()
    assert errors[0] is None
    assert "'28/09/2026' is not a date" in errors[1]
    assert "received" in errors[2] and "missing" in errors[2]
    assert "needs 'confirmed'" in errors[3] and "第三十一条第三项" in errors[3]
    assert "2027" in errors[4]
    assert "had already passed" in errors[5]
    assert "carrier pigeon" in errors[6]
    assert "unknown profile 'atlantis'" in errors[7]
    assert summary(out) == {"rows": 8, "computed": 1, "errors": 7}
    assert out.column("due").to_pylist()[1:] == [None] * 7


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow", "dict"])
def test_every_table_type_round_trips(kind: str) -> None:
    data = {"received": ["2026-09-28", "2026-03-25"], "answered": ["2026-10-20", None]}
    table: Any = {
        "pandas": lambda: pd.DataFrame(data),
        "polars": lambda: pl.DataFrame(data),
        "arrow": lambda: pa.table(data),
        "dict": lambda: {k: np.array(v, dtype=object) for k, v in data.items()},
    }[kind]()
    out = cases(table, as_of=AS_OF)
    assert type(out) is type(table)
    status = list(out["status"]) if kind != "arrow" else out.column("status").to_pylist()
    assert status == ["answered", "overdue"]


def test_native_date_columns_and_existing_output_columns_are_replaced() -> None:
    df = pd.DataFrame(
        {"received": pd.to_datetime(["2026-09-28"]), "due": ["stale"], "error": ["old"]}
    )
    out = cases(df, as_of=AS_OF)
    assert out["due"].tolist() == [date(2026, 10, 30)] and out["error"].isna().all()
    pl_out = cases(pl.DataFrame({"received": [date(2026, 9, 28)]}), as_of=AS_OF)
    assert pl_out["due"].to_list() == [date(2026, 10, 30)]


def test_pandas_index_is_respected() -> None:
    df = pd.DataFrame({"received": ["2026-09-28", "2026-03-25"]}, index=[100, 7])
    out = cases(df, as_of=AS_OF)
    assert out.index.tolist() == [100, 7]
    assert out.loc[100, "due"] == date(2026, 10, 30) and out.loc[7, "due"] == date(2026, 4, 23)


def test_no_received_column_is_a_clear_error() -> None:
    with pytest.raises(GkDeadlineError, match="no 'received' column"):
        cases(pd.DataFrame({"answered": ["2026-10-01"]}))
    with pytest.raises(GkDeadlineError, match="cannot read a list"):
        cases([1, 2, 3])


def test_batch_module_reexports_cases() -> None:
    out = batch.cases(pd.DataFrame({"received": ["2026-09-28"]}), as_of=AS_OF)
    assert out["due"].tolist() == [date(2026, 10, 30)]
