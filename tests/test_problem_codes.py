"""Every problem code in the table is produced by a case, the same way by Case and by batch.

One small case per code (its dates chosen so that exactly the situation the code names occurs),
computed by the scalar engine and by the batch engine's event log; both must report the code —
as the CaseError's code for impossible data, as a finding otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from gkdeadline.batch_cases import event_log
from gkdeadline.case import Case
from gkdeadline.errors import CaseError
from gkdeadline.problems import PROBLEMS


def rec(day: str = "2026-09-28", channel: str = "in_person", **kw: Any) -> dict[str, Any]:
    return {"type": "received", "date": day, "channel": channel, **kw}


def ev(kind: str, day: str, **kw: Any) -> dict[str, Any]:
    return {"type": kind, "date": day, **kw}


AS_OF = date(2026, 11, 24)
# code → (events, as_of, profile)
CASES: dict[str, tuple[list[dict[str, Any]], date, str]] = {
    "missing-received": ([ev("answered", "2026-10-01")], AS_OF, "national"),
    "duplicate-received": ([rec(), rec("2026-09-29")], AS_OF, "national"),
    "event-before-receipt": ([rec(), ev("answered", "2026-09-27")], AS_OF, "national"),
    "confirmed-before-arrival": (
        [rec(channel="online", confirmed="2026-09-27")],
        AS_OF,
        "national",
    ),
    "missing-confirmation": ([rec(channel="online")], AS_OF, "national"),
    "confirmation-not-applicable": ([rec(confirmed="2026-09-29")], AS_OF, "national"),
    "correction-without-request": (
        [rec(), ev("correction_received", "2026-10-09")],
        AS_OF,
        "national",
    ),
    "consultation-end-without-start": (
        [rec(), ev("consultation_ended", "2026-10-09", party="agency")],
        AS_OF,
        "national",
    ),
    "resumed-without-suspension": ([rec(), ev("resumed", "2026-10-09")], AS_OF, "national"),
    "fee-paid-without-notice": ([rec(), ev("fee_paid", "2026-10-09")], AS_OF, "national"),
    "fee-lapsed-without-notice": ([rec(), ev("fee_lapsed", "2026-10-09")], AS_OF, "national"),
    "until-not-after-date": (
        [rec(), ev("delay_set", "2026-10-09", until="2026-10-09")],
        AS_OF,
        "national",
    ),
    "as-of-before-receipt": ([rec()], date(2026, 9, 1), "national"),
    "delivered-before-answer": ([rec(), ev("delivered", "2026-10-09")], AS_OF, "national"),
    "duration-invalid": ([rec(), ev("correction_deadline_set", "2026-10-09")], AS_OF, "national"),
    "late-correction-notice": (
        [rec(), ev("correction_requested", "2026-10-14")],
        AS_OF,
        "national",
    ),
    "second-correction-request": (
        [
            rec(),
            ev("correction_requested", "2026-09-29"),
            ev("correction_received", "2026-09-30"),
            ev("correction_requested", "2026-10-09"),
        ],
        AS_OF,
        "national",
    ),
    "late-letter-confirmation": (
        [rec(channel="letter", confirmed="2026-09-30")],
        AS_OF,
        "national",
    ),
    "extension-after-deadline": ([rec(), ev("extension", "2026-11-02")], AS_OF, "national"),
    "second-extension": (
        [
            rec(),
            ev("extension", "2026-10-20", workdays=5),
            ev("extension", "2026-10-21", workdays=5),
        ],
        AS_OF,
        "national",
    ),
    "extension-exceeds-cap": (
        [rec(), ev("extension", "2026-10-20", workdays=25)],
        AS_OF,
        "national",
    ),
    # 2012: the 2008 条例 is in force, and pengyang-2018's rules start 2018-06-27
    "extension-without-basis": (
        [rec("2026-09-28"), ev("extension", "2026-10-09")],
        AS_OF,
        "no-ext",
    ),
    "extension-while-not-running": (
        [rec(), ev("correction_requested", "2026-09-29"), ev("extension", "2026-10-09")],
        AS_OF,
        "national",
    ),
    "delay-after-deadline": (
        [rec(), ev("delay_set", "2026-11-02", until="2026-12-18")],
        AS_OF,
        "national",
    ),
    "delay-without-basis": (
        [rec("2012-09-03"), ev("delay_set", "2012-09-10", until="2012-11-30")],
        AS_OF,
        "national",
    ),
    "delay-while-not-running": (
        [
            rec(),
            ev("correction_requested", "2026-09-29"),
            ev("delay_set", "2026-10-09", until="2026-12-18"),
        ],
        AS_OF,
        "national",
    ),
    "answered-late": ([rec(), ev("answered", "2026-11-02")], AS_OF, "national"),
    "no-basis-for-span": ([rec(), ev("suspended", "2026-10-09", reason="停电")], AS_OF, "national"),
    "event-after-close": (
        [rec(), ev("answered", "2026-10-09"), ev("extension", "2026-10-12")],
        AS_OF,
        "national",
    ),
    "suspension-without-reason": ([rec(), ev("suspended", "2026-10-09")], AS_OF, "national"),
    "overdue": ([rec()], date(2026, 11, 3), "national"),
    "consultation-reply-late": (
        [
            rec(),
            ev("consultation_started", "2026-09-29", party="third_party"),
            ev("consultation_ended", "2026-11-05", party="third_party"),
        ],
        AS_OF,
        "national",
    ),
    "correction-lapsed": (
        [
            rec(),
            ev("correction_requested", "2026-09-29"),
            ev("correction_deadline_set", "2026-09-29", workdays=5),
        ],
        AS_OF,
        "national",
    ),
    "fee-lapsed": ([rec(), ev("fee_notified", "2026-09-30")], AS_OF, "national"),
    "correction-after-period": (
        [
            rec(),
            ev("correction_requested", "2026-09-29"),
            ev("correction_deadline_set", "2026-09-29", workdays=5),
            ev("correction_received", "2026-10-20"),
        ],
        AS_OF,
        "national",
    ),
    "answered-while-paused": (
        [rec(), ev("correction_requested", "2026-09-29"), ev("answered", "2026-10-09")],
        AS_OF,
        "national",
    ),
    "calendar-pending": ([rec("2026-12-15")], date(2026, 12, 20), "national"),
    # due 2026-10-30; 2026-12-01 is 22 workdays later, past the national threshold of 20
    "seriously-overdue": ([rec()], date(2026, 12, 1), "national"),
    "withdrawn": ([rec(), ev("withdrawn", "2026-10-09")], AS_OF, "national"),
    # no 条例 was in force before 2008-05-01: no reply period to compute
    "no-reply-rule": ([rec("2007-06-01")], AS_OF, "national"),
    # the test profile's receipt rule provides for submissions in person only
    "channel-not-provided": ([rec(channel="email", confirmed="2026-09-28")], AS_OF, "no-ext"),
    # the third party's 15 workdays, counted from the sending date, end 2026-10-23 (国庆 inside)
    "party-receipt-assumed": (
        [rec(), ev("consultation_started", "2026-09-29", party="third_party")],
        AS_OF,
        "national",
    ),
    # projected-calendar and calendar-override: see the tests below
}

NO_EXTENSION = """
id = "no-ext"
title = "无延长规定的测试档案"
jurisdiction = "测试县"
fallback = "none"
source = "测试县依申请公开制度"
effective_from = 2019-05-15
[[rules]]
name = "request-reply"
title = "答复期限"
kind = "period"
topic = "request.reply"
article = "第一条"
quote = "二十个工作日内答复"
duration = { amount = 20, unit = "workdays" }

[[rules]]
name = "receipt"
title = "收到申请之日"
kind = "receipt"
topic = "request.receipt"
article = "第二条"
quote = "当面提交的，以提交之日为收到申请之日"
receipt = { in_person = { from = "date", text = "提交之日" } }
"""


def catalogue() -> Any:
    from gkdeadline.profiles import Catalogue, parse_profile

    return Catalogue.builtin().with_profile(parse_profile(NO_EXTENSION, "toml", "no-ext.toml"))


def scalar_codes(events: list[dict[str, Any]], as_of: date, profile: str) -> list[str]:
    try:
        return Case(profile, events, catalogue=catalogue()).result(as_of).codes()
    except CaseError as exc:
        return [exc.code]


def batch_codes(events: list[dict[str, Any]], as_of: date, profile: str) -> list[str]:
    fields = sorted({k for e in events for k in e} - {"type", "date"})
    cols: dict[str, list[Any]] = {"case_id": [], "type": [], "date": [], "profile": []}
    cols.update({f: [] for f in fields})
    for e in events:
        cols["case_id"].append("c")
        cols["type"].append(e["type"])
        cols["date"].append(e["date"])
        cols["profile"].append(profile)
        for f in fields:
            cols[f].append(None if e.get(f) is None else str(e[f]))
    t = pa.table({k: pa.array(v, type=pa.string()) for k, v in cols.items()})
    row = event_log(t, as_of=as_of, catalogue=catalogue()).to_pylist()[0]
    if row["error_code"]:
        return [row["error_code"]]
    return row["findings"].split(";") if row["findings"] else []


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_produced_by_both_engines(code: str) -> None:
    events, as_of, profile = CASES[code]
    scalar = scalar_codes(events, as_of, profile)
    assert code in scalar, scalar
    assert batch_codes(events, as_of, profile) == scalar


def test_party_receipt_recorded_is_not_assumed() -> None:
    events = [
        rec(),
        ev("consultation_started", "2026-09-29", party="third_party", party_received="2026-09-30"),
    ]
    assert "party-receipt-assumed" not in scalar_codes(events, AS_OF, "national")


def test_projected_calendar_code() -> None:
    result = Case("national", [rec("2026-12-15")], projection=True).result(date(2026, 12, 20))
    assert "projected-calendar" in result.codes()
    assert result.projected


def test_calendar_override_code(tmp_path) -> None:
    from gkdeadline.calendar import load_schedule

    f = tmp_path / "2026.toml"
    f.write_text(
        'year = 2026\nnotice = "测试更正通知"\noverride = true\n'
        '[[holiday]]\nname = "元旦"\noff = ["2026-01-01"]\n',
        encoding="utf-8",
    )
    result = Case("national", [rec()], schedules=[load_schedule(f)]).result(AS_OF)
    assert "calendar-override" in result.codes()


def test_every_code_in_the_table_is_covered() -> None:
    covered = set(CASES) | {"projected-calendar", "calendar-override"}
    assert {p.code for p in PROBLEMS} <= covered
