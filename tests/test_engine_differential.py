"""One semantics, two speeds: the scalar engine (Case) and the compiled batch engine agree.

Both run the same core (gkdeadline.engine.core) — the scalar path as plain Python, the batch
path compiled by numba — and this test proves the paths around it agree too: on due dates,
bounds, statuses, remaining and late workdays, on-time verdicts, finding codes and error codes,
for generated cases of every event type, every built-in profile and a user profile, both eras of
the 条例, the 2015 and 2019 changeovers, projection, and as-of dates before later events.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkdeadline.batch_cases import event_log
from gkdeadline.case import Case
from gkdeadline.errors import GkDeadlineError
from gkdeadline.profiles import Catalogue, parse_profile
from gkdeadline.testing import many_request_events

PROFILES = [
    "national",
    "pengyang-2018",
    "fenggang-2018",
    "jinping-2024",
    "district-2022",
    "chizhou-county-2020",
]

USER = parse_profile(
    """
id = "diff-county"
title = "差分测试县"
jurisdiction = "测试县"
source = "差分测试县依申请公开制度"
effective_from = 2019-05-15
[[rules]]
name = "request-reply"
title = "答复期限"
kind = "period"
topic = "request.reply"
article = "第一条"
quote = "十个工作日内答复"
duration = { amount = 10, unit = "workdays" }
excludes = ["consultation.third_party"]
counts = ["consultation.agency"]
restarts_on = []
""",
    "toml",
    "diff-county.toml",
)
CATALOGUE = Catalogue.builtin().with_profile(USER)


def scalar(
    profile: str, events: list[dict[str, Any]], as_of: date, projection: bool
) -> tuple[Any, ...]:
    try:
        r = Case(profile, events, catalogue=CATALOGUE, projection=projection).result(as_of)
    except GkDeadlineError as exc:
        return ("error", exc.code)
    return (
        r.due,
        r.due_earliest,
        r.due_latest,
        r.status,
        r.on_time,
        r.remaining_workdays,
        r.workdays_late,
        tuple(r.codes()),
    )


def batch_rows(
    cases: list[tuple[str, list[dict[str, Any]]]], as_of: date, projection: bool
) -> list[tuple[Any, ...]]:
    fields = [
        "channel",
        "confirmed",
        "party",
        "party_received",
        "reason",
        "workdays",
        "until",
        "outcome",
        "by",
        "amount",
        "unit",
        "applicant_received",
    ]
    cols: dict[str, list[Any]] = {
        "case_id": [],
        "profile": [],
        "type": [],
        "date": [],
        **{f: [] for f in fields},
    }
    for k, (profile, events) in enumerate(cases):
        for ev in events:
            cols["case_id"].append(f"c{k}")
            cols["profile"].append(profile)
            cols["type"].append(ev["type"])
            cols["date"].append(ev["date"])
            for f in fields:
                v = ev.get(f)
                cols[f].append(None if v is None else str(v))
    t = pa.table({k: pa.array(v, type=pa.string()) for k, v in cols.items()})
    out = event_log(t, as_of=as_of, catalogue=CATALOGUE, projection=projection).to_pylist()
    rows = []
    for r in out:
        if r["error_code"] is not None:
            rows.append(("error", r["error_code"]))
            continue
        rows.append(
            (
                r["due"],
                r["due_earliest"],
                r["due_latest"],
                r["status"],
                r["on_time"],
                r["remaining_workdays"],
                r["workdays_late"],
                tuple(r["findings"].split(";")) if r["findings"] else (),
            )
        )
    return rows


ALL = [*PROFILES, "diff-county"]
PER_EXAMPLE = 200
EXAMPLES = 100  # 20,000 generated cases per run


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    many_request_events(PER_EXAMPLE),
    st.lists(st.sampled_from(ALL), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE),
    st.sampled_from(
        [date(2008, 6, 1), date(2015, 5, 1), date(2019, 5, 15), date(2026, 11, 24), None]
    ),
    st.booleans(),
)
def test_scalar_and_batch_agree(
    events: list[list[dict[str, Any]]], profiles: list[str], as_of: date | None, projection: bool
) -> None:
    cases = list(zip(profiles, events, strict=True))
    if as_of is None:  # as of a date inside the cases' own span (some events after it)
        as_of = date.fromisoformat(str(events[0][0]["date"])) + timedelta(days=45)
    expected = [scalar(p, ev, as_of, projection) for p, ev in cases]
    got = batch_rows(cases, as_of, projection)
    for k, (e, g) in enumerate(zip(expected, got, strict=True)):
        assert g == e, (cases[k], as_of)


@pytest.mark.parametrize(
    "receipt",
    [date(2015, 4, 28), date(2019, 5, 13), date(2019, 5, 14), date(2019, 5, 15), date(2019, 5, 16)],
)
def test_changeovers_agree(receipt: date) -> None:
    events = [
        {"type": "received", "date": receipt.isoformat(), "channel": "in_person"},
        {
            "type": "consultation_started",
            "date": (receipt + timedelta(days=3)).isoformat(),
            "party": "agency",
        },
        {
            "type": "consultation_ended",
            "date": (receipt + timedelta(days=9)).isoformat(),
            "party": "agency",
        },
        {
            "type": "delay_set",
            "date": (receipt + timedelta(days=10)).isoformat(),
            "until": (receipt + timedelta(days=60)).isoformat(),
        },
        {"type": "answered", "date": (receipt + timedelta(days=40)).isoformat()},
    ]
    as_of = receipt + timedelta(days=70)
    assert batch_rows([("national", events)], as_of, False) == [
        scalar("national", events, as_of, False)
    ]


@pytest.mark.parametrize(
    "receipt",
    [date(2026, 12, 15), date(2028, 6, 1), date(2031, 6, 2)],  # bounded, bounded, beyond bounds
)
def test_unknown_years_agree(receipt: date) -> None:
    events = [
        {"type": "received", "date": receipt.isoformat(), "channel": "in_person"},
        {"type": "answered", "date": (receipt + timedelta(days=10)).isoformat()},
    ]
    as_of = receipt + timedelta(days=40)
    for profile in ("national", "pengyang-2018"):
        assert batch_rows([(profile, events)], as_of, False) == [
            scalar(profile, events, as_of, False)
        ]
