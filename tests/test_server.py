"""The HTTP service, called over real HTTP: uvicorn on 127.0.0.1 with a free port, httpx.

Most tests share one server running in a thread of this process (so a test can break the
library on purpose and see the 500); the ``serve`` tests start ``gkdeadline serve`` itself in a
subprocess, with two workers.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

import gkdeadline  # noqa: E402
from gkdeadline.calendar import Calendar, load_schedule  # noqa: E402
from gkdeadline.calendar.sources import ENV, reload_schedules  # noqa: E402
from gkdeadline.case import Case  # noqa: E402
from gkdeadline.cli import main  # noqa: E402
from gkdeadline.engine.result import CaseResult  # noqa: E402
from gkdeadline.server import RuleOut, create_app  # noqa: E402
from gkdeadline.timeconv import today  # noqa: E402

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "case-national.json"
NOTICES = Path(__file__).parent / "data" / "notices"
ERROR_KEYS = {
    "code",
    "message",
    "message_en",
    "event_index",
    "row",
    "field",
    "value",
    "rule_id",
    "citation",
}
RECEIVED = {"type": "received", "date": "2026-09-28", "channel": "post"}

# A stand-in for the State Council's 2027 notice (dates as a notice might arrange them).
SCHEDULE_2027 = """\
year = 2027
notice = "国办发明电〔2026〕NN号（测试用）"

[[holiday]]
name = "元旦"
off = ["2027-01-01..2027-01-03"]

[[holiday]]
name = "春节"
off = ["2027-02-05..2027-02-12"]
work = ["2027-01-31", "2027-02-13"]

[[holiday]]
name = "清明节"
off = ["2027-04-03..2027-04-05"]

[[holiday]]
name = "劳动节"
off = ["2027-05-01..2027-05-05"]
work = ["2027-05-08"]

[[holiday]]
name = "端午节"
off = ["2027-06-09"]

[[holiday]]
name = "中秋节"
off = ["2027-09-15"]

[[holiday]]
name = "国庆节"
off = ["2027-10-01..2027-10-07"]
work = ["2027-09-26", "2027-10-09"]
"""


# ----------------------------------------------------------------------------- the servers


@contextmanager
def running(app: Any) -> Iterator[str]:
    """uvicorn serving ``app`` in a thread, on a socket bound here (no port race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 600
    while not server.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    # warmed up: the batch engine's kernels are loaded (or, after an edit of the engine,
    # compiled: up to a minute) before the first request, as `gkdeadline serve` does
    with running(create_app(warm_up=True)) as url:
        yield url


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=300) as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error object of a failed response, after checking its status, shape and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == ERROR_KEYS
    assert error["code"] == code, error
    assert error["message"] and "Traceback" not in response.text
    return error  # type: ignore[no-any-return]


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main([*args, "--json"])
    out, _ = capsys.readouterr()
    assert code == 0, out
    return json.loads(out)


# ----------------------------------------------------------------------------- health, calendar


def test_health(http: httpx.Client) -> None:
    r = http.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["version"] == gkdeadline.__version__
    assert body["calendar"]["last_known_day"] == Calendar().last_day().isoformat()


def test_add_workdays_across_national_day(http: httpx.Client) -> None:
    r = http.get("/workdays/add", params={"date": "2026-09-28", "n": 20})
    assert r.status_code == 200
    assert r.json() == {
        "date": "2026-09-28",
        "n": 20,
        "result": "2026-10-30",
        "special_days": [
            "2026-10-01 至 2026-10-07 国庆节放假（7 天）",
            "2026-10-10（星期六）国庆节调休上班",
        ],
        "calendar": "national",
        "projected": False,
    }
    assert http.get("/workdays/add", params={"date": "2026-10-09", "n": 1}).json()["result"] == (
        "2026-10-10"
    )
    back = http.get("/workdays/add", params={"date": "2026-10-30", "n": -20}).json()
    assert back["result"] == "2026-09-28"


def test_between_and_is_workday(http: httpx.Client) -> None:
    r = http.get("/workdays/between", params={"a": "2026-09-28", "b": "2026-10-30"})
    assert r.json()["result"] == 20
    r = http.get("/workdays/between", params={"a": "2026-10-30", "b": "2026-09-28"})
    assert r.json()["result"] == -20
    saturday = http.get("/workdays/is", params={"date": "2026-10-10"}).json()
    assert saturday["result"] is True and "调休上班" in saturday["description"]
    assert http.get("/workdays/is", params={"date": "2026-10-05"}).json()["result"] is False


def test_regional_calendar(http: httpx.Client) -> None:
    cal = Calendar(region="ningxia")
    r = http.get("/workdays/add", params={"date": "2023-04-18", "n": 5, "region": "宁夏"})
    assert r.status_code == 200
    assert r.json()["result"] == cal.add_workdays(date(2023, 4, 18), 5).isoformat()
    assert r.json()["calendar"] == "ningxia"
    error_of(
        http.get("/workdays/is", params={"date": "2026-10-10", "region": "atlantis"}),
        422,
        "input-invalid",
    )


@pytest.mark.parametrize("bad", ["2026-02-30", "20260928", "2026-W40-1", "2026-9-28", ""])
def test_bad_date_is_422_with_the_library_error(http: httpx.Client, bad: str) -> None:
    error = error_of(http.get("/workdays/add", params={"date": bad, "n": 1}), 422, "date-invalid")
    assert error["field"] == "date" and error["value"] == bad
    assert "YYYY-MM-DD" in error["message"]


def test_request_validation_is_422_request_invalid(http: httpx.Client) -> None:
    error = error_of(
        http.get("/workdays/add", params={"date": "2026-09-28", "n": "twenty"}),
        422,
        "request-invalid",
    )
    assert error["field"] == "n" and error["value"] == "twenty" and "不是整数" in error["message"]
    error = error_of(
        http.get("/workdays/add", params={"date": "2026-09-28"}), 422, "request-invalid"
    )
    assert error["field"] == "n" and "缺少必填字段" in error["message"]


def test_missing_calendar_year_is_409(http: httpx.Client) -> None:
    error = error_of(
        http.get("/workdays/add", params={"date": "2026-12-20", "n": 20}),
        409,
        "calendar-missing-year",
    )
    assert "2027" in error["message"] and error["value"] == "2026-12-29"
    projected = http.get(
        "/workdays/add", params={"date": "2026-12-20", "n": 20, "projection": "true"}
    )
    assert projected.status_code == 200 and projected.json()["projected"] is True


def test_coverage_is_the_cli_json(http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    body = http.get("/coverage").json()
    cli = cli_json(capsys, "coverage")
    assert body["years"] == cli["years"]
    assert body["last_known_day"] == cli["last_known_day"]
    assert body["regional_missing"] == cli["regional_missing"]
    assert body["region"] is None
    nx = http.get("/coverage", params={"region": "ningxia"}).json()
    assert nx["region"] == "ningxia" and set(nx["regional_missing"]) == {"ningxia"}


# ----------------------------------------------------------------------------- rules


def test_rules_catalogue(http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    everything = http.get("/rules").json()
    assert everything == cli_json(capsys, "rules")
    assert set(everything[0]) <= set(RuleOut.model_fields) | {"via_fallback"}  # docs match data
    own = http.get("/rules", params={"profile": "pengyang-2018"}).json()
    assert own and all(r["id"].startswith("pengyang-2018.") for r in own)
    on = http.get("/rules", params={"profile": "pengyang-2018", "on": "2026-01-01"}).json()
    assert {r["via_fallback"] for r in on} == {True, False}
    error_of(http.get("/rules", params={"on": "2026-01-01"}), 422, "request-invalid")
    error = error_of(http.get("/rules", params={"profile": "pengyan"}), 422, "profile-unknown")
    assert "pengyang-2018" in error["message"]


def test_due_is_the_cli_due_json(http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    r = http.get("/rules/national-2019.request-reply/due", params={"from": "2026-09-28"})
    assert r.status_code == 200
    body = r.json()
    assert body == cli_json(capsys, "due", "national-2019.request-reply", "--from", "2026-09-28")
    assert body["due"] == "2026-10-30" and body["meaning"] == "due"
    assert "2026-10-10（星期六）国庆节调休上班" in body["explanation"]
    assert body["citation"].startswith("《中华人民共和国政府信息公开条例》")


def test_due_of_an_hour_rule_takes_a_moment(http: httpx.Client) -> None:
    r = http.get("/rules/opinion-2016.first-release/due", params={"from": "2026-10-01T00:30Z"})
    assert r.status_code == 200
    body = r.json()
    assert body["from"] == "2026-10-01T00:30:00+00:00"
    due = datetime.fromisoformat(body["due"])
    assert due == datetime(2026, 10, 1, 5, 30, tzinfo=UTC)


def test_unknown_rule_is_422(http: httpx.Client) -> None:
    error = error_of(
        http.get("/rules/national-2019.request-replyy/due", params={"from": "2026-09-28"}),
        422,
        "rule-unknown",
    )
    assert error["value"] == "national-2019.request-replyy"
    assert "national-2019.request-reply" in error["message"]


# ----------------------------------------------------------------------------- one case


def test_case_is_the_library_result(http: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    r = http.post("/cases", json={**doc, "id": "A-1", "as_of": "2026-11-23"})
    assert r.status_code == 200
    body = r.json()
    expected = Case.from_dict({**doc, "id": "A-1"}).result(date(2026, 11, 23)).as_dict()
    assert body == expected
    CaseResult.model_validate(body)  # the documented shape
    cli = cli_json(capsys, "case", str(EXAMPLE), "--as-of", "2026-11-23")
    assert {**cli, "id": "A-1"} == body


def test_impossible_case_names_its_event(http: httpx.Client) -> None:
    events = [RECEIVED, {"type": "answered", "date": "2026-09-01"}]
    error = error_of(http.post("/cases", json={"events": events}), 422, "event-before-receipt")
    assert error["event_index"] == 1 and error["value"] == "2026-09-01"
    bad_date = [{"type": "received", "date": "2026-02-30", "channel": "post"}]
    error = error_of(http.post("/cases", json={"events": bad_date}), 422, "date-invalid")
    assert error["event_index"] == 0


def test_year_end_case_returns_bounds_not_an_error(http: httpx.Client) -> None:
    events = [{"type": "received", "date": "2026-12-20", "channel": "post"}]
    r = http.post("/cases", json={"events": events, "as_of": "2026-12-21"})
    assert r.status_code == 200
    body = r.json()
    assert body["due"] is None
    assert (body["due_earliest"], body["due_latest"]) == ("2027-01-18", "2027-01-19")
    assert body["due_assumptions"] and "calendar-pending" in [f["code"] for f in body["findings"]]


def test_case_beyond_every_bound_is_409(http: httpx.Client) -> None:
    events = [{"type": "received", "date": "2031-06-02", "channel": "post"}]
    error = error_of(
        http.post("/cases", json={"events": events, "as_of": "2031-06-03"}),
        409,
        "calendar-missing-year",
    )
    assert "2031" in error["message"]


def test_case_request_shape_errors(http: httpx.Client) -> None:
    error = error_of(http.post("/cases", json={"events": []}), 422, "request-invalid")
    assert error["field"] == "events"
    error = error_of(
        http.post("/cases", json={"events": [RECEIVED], "colour": "red"}), 422, "request-invalid"
    )
    assert error["field"] == "colour" and "没有这个字段" in error["message"]
    error = error_of(
        http.post("/cases", content=b"{not json", headers={"content-type": "application/json"}),
        422,
        "request-invalid",
    )
    assert error["field"] == "body" and "JSON" in error["message"]
    error_of(
        http.post("/cases", json={"profile": "nowhere", "events": [RECEIVED]}),
        422,
        "profile-unknown",
    )


def test_strict_turns_violations_into_422(http: httpx.Client) -> None:
    events = [RECEIVED, {"type": "answered", "date": "2026-11-20"}]
    lenient = http.post("/cases", json={"events": events, "as_of": "2026-11-23"}).json()
    assert lenient["status"] == "answered_late"
    violation = next(f for f in lenient["findings"] if f["severity"] == "violation")
    error = error_of(
        http.post("/cases", json={"events": events, "as_of": "2026-11-23", "strict": True}),
        422,
        violation["code"],
    )
    assert error["citation"] == violation["citation"]


@pytest.mark.parametrize(
    ("as_of", "day"),
    [
        ("2026-10-29", "2026-10-29"),
        ("2026-10-28T17:30:00Z", "2026-10-29"),  # 01:30 on the 29th in Beijing
        ("2026-10-29T01:30:00+08:00", "2026-10-29"),
        ("2026-10-29T01:30", "2026-10-29"),  # no offset: Beijing time
        ("2026-10-29T15:59:59-08:00", "2026-10-30"),
    ],
)
def test_as_of_date_or_moment(http: httpx.Client, as_of: str, day: str) -> None:
    body = http.post("/cases", json={"events": [RECEIVED], "as_of": as_of}).json()
    assert body["as_of"] == day


@pytest.mark.parametrize("bad", ["20261029", "2026-10-29T25:00", "yesterday", "2026-10-29Z"])
def test_bad_as_of(http: httpx.Client, bad: str) -> None:
    error = error_of(
        http.post("/cases", json={"events": [RECEIVED], "as_of": bad}), 422, "date-invalid"
    )
    assert error["field"] == "as_of"


def test_as_of_defaults_to_today_in_china(http: httpx.Client) -> None:
    before = today()
    body = http.post("/cases", json={"events": [RECEIVED]}).json()
    assert body["as_of"] in {before.isoformat(), today().isoformat()}


# ----------------------------------------------------------------------------- batches


def test_batch_of_case_files_one_result_per_case(http: httpx.Client) -> None:
    year_end = {"type": "received", "date": "2026-12-20", "channel": "post"}
    cases = [
        {"id": "ok", "events": [RECEIVED]},
        {"id": "impossible", "events": [RECEIVED, {"type": "answered", "date": "2026-09-01"}]},
        {"id": "year-end", "events": [year_end]},
        {"id": "no-events", "events": []},
        {"id": "unknown-profile", "profile": "nowhere", "events": [RECEIVED]},
        "not an object",
    ]
    r = http.post("/cases/batch", json={"cases": cases, "as_of": "2026-12-21"})
    assert r.status_code == 200
    out = r.json()
    assert len(out) == len(cases)
    assert out[0]["id"] == "ok" and out[0]["due"] == "2026-10-30"
    assert CaseResult.model_validate(out[0]).schema_version == "2"
    assert out[1] == {
        "index": 1,
        "id": "impossible",
        "error": {**out[1]["error"], "code": "event-before-receipt", "event_index": 1, "row": 1},
    }
    assert out[2]["due"] is None
    assert (out[2]["due_earliest"], out[2]["due_latest"]) == ("2027-01-18", "2027-01-19")
    assert out[3]["error"]["code"] == "case-file-invalid"
    assert out[4]["error"]["code"] == "profile-unknown"
    assert out[5]["index"] == 5 and out[5]["error"]["code"] == "case-file-invalid"
    for item in [out[1], *out[3:]]:
        assert set(item) == {"index", "id", "error"} and set(item["error"]) == ERROR_KEYS


def test_batch_missing_calendar_is_an_error_per_case(http: httpx.Client) -> None:
    far = {"type": "received", "date": "2031-06-02", "channel": "post"}
    cases = [{"id": "far", "events": [far]}, {"id": "late", "events": [RECEIVED]}]
    out = http.post("/cases/batch", json={"cases": cases, "as_of": "2031-06-03"}).json()
    assert [(x["id"], x["error"]["code"]) for x in out] == [
        ("far", "calendar-missing-year"),
        ("late", "calendar-missing-year"),  # counting its workdays late needs 2027 onwards
    ]


def test_batch_of_rows_matches_the_batch_engine(http: httpx.Client) -> None:
    import pyarrow as pa

    from gkdeadline.batch_cases import cases as batch_cases

    rows: list[Any] = [
        {"id": 1, "received": "2026-09-28", "channel": "post"},
        {"id": "b", "received": "2026-02-30", "channel": "post"},
        {"id": "c", "received": 20260928, "channel": "post"},
        {"id": "d", "received": "2026-12-20", "channel": "post"},
        {
            "id": "e",
            "received": "2026-03-25",
            "channel": "in_person",
            "consultation_started": "2026-04-01",
            "consultation_ended": "2026-04-10",
            "consultation_party": "third_party",
            "extension": "2026-05-06",
            "extension_workdays": "20",
            "answered": "2026-05-20",
        },
        {"id": "f", "received": "2026-09-28", "channel": "post", "answered": "2026-09-01"},
        {"id": "g", "received": "2026-09-28", "channel": "post", "extension_workdays": 5},
        [1, 2, 3],
    ]
    r = http.post("/cases/batch", json={"rows": rows, "as_of": "2026-12-21"})
    assert r.status_code == 200
    out = r.json()
    assert [item["index"] for item in out] == list(range(len(rows)))
    assert [item["id"] for item in out] == [1, "b", "c", "d", "e", "f", "g", None]
    assert out[0]["due"] == "2026-10-30" and out[0]["status"] == "seriously_overdue"
    assert out[1]["error"]["code"] == "date-invalid" and out[1]["error"]["row"] == 1
    assert out[2]["error"]["code"] == "date-invalid"  # a number is never a date
    assert (out[3]["due"], out[3]["due_earliest"], out[3]["due_latest"]) == (
        None,
        "2027-01-18",
        "2027-01-19",
    )
    assert out[4]["due"] == "2026-06-03" and out[4]["on_time"] is True
    assert out[5]["error"]["code"] == "event-before-receipt"
    assert out[6]["error"]["code"] == "field-without-event"
    assert out[7]["error"]["code"] == "row-invalid"
    # the same as the library's batch engine on the same rows, read as text
    text_rows = [r for r in rows[:7] if isinstance(r, dict)]
    keys = list(dict.fromkeys(k for row in text_rows for k in row))
    table = pa.table(
        {k: [None if row.get(k) is None else str(row.get(k)) for row in text_rows] for k in keys}
    )
    expected = batch_cases(table, as_of=date(2026, 12, 21)).to_pylist()
    for item, row in zip(out, expected, strict=False):
        if "error" in item:
            assert item["error"]["code"] == row["error_code"]
        else:
            assert item["due"] == (row["due"].isoformat() if row["due"] else None)
            assert (item["status"], item["findings"]) == (row["status"], row["findings"])


def test_batch_rows_answer_the_batch_output_columns() -> None:
    from gkdeadline.batch_cases import OUTPUT_COLUMNS
    from gkdeadline.server import _ROW_OUTPUT, BatchRowResult

    assert set(_ROW_OUTPUT) == set(OUTPUT_COLUMNS) - {"error_code", "error"}
    assert set(_ROW_OUTPUT) <= set(BatchRowResult.model_fields)


def test_batch_rows_messages_and_strict(http: httpx.Client) -> None:
    rows = [{"id": "late", "received": "2026-09-28", "channel": "post"}]
    body = {"rows": rows, "as_of": "2026-11-23"}
    plain = http.post("/cases/batch", json=body).json()[0]
    assert plain["findings"] and plain["findings_basis"] and plain["findings_zh"] is None
    told = http.post("/cases/batch", json={**body, "messages": True}).json()[0]
    assert "逾期" in told["findings_zh"]
    assert {k: v for k, v in told.items() if k != "findings_zh"} == {
        k: v for k, v in plain.items() if k != "findings_zh"
    }
    strict = http.post("/cases/batch", json={**body, "strict": True}).json()[0]
    events = [{"type": "received", "date": "2026-09-28", "channel": "post"}]
    try:
        Case("national", events, strict=True).result(date(2026, 11, 23))
        expected = None
    except gkdeadline.CaseError as exc:
        expected = exc.code
    assert strict.get("error", {}).get("code") == expected


def test_batch_row_beyond_every_bound_is_an_error(http: httpx.Client) -> None:
    rows = [{"id": "far", "received": "2031-06-02", "channel": "post"}]
    out = http.post("/cases/batch", json={"rows": rows, "as_of": "2031-07-01"}).json()
    assert out[0]["error"]["code"] == "calendar-missing-year"


def test_a_failing_table_is_computed_row_by_row(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gkdeadline.batch_cases

    original = gkdeadline.batch_cases.cases

    def flaky(table: Any, **kw: Any) -> Any:
        if table.num_rows > 1:
            raise RuntimeError("the whole table")
        if table.column("id")[0].as_py() == "boom":
            raise RuntimeError("this row")
        return original(table, **kw)

    monkeypatch.setattr(gkdeadline.batch_cases, "cases", flaky)
    rows = [
        {"id": "a", "received": "2026-09-28", "channel": "post"},
        {"id": "boom", "received": "2026-09-28", "channel": "post"},
        {"id": "c", "received": "2026-02-30", "channel": "post"},
    ]
    out = http.post("/cases/batch", json={"rows": rows, "as_of": "2026-10-29"}).json()
    assert out[0]["due"] == "2026-10-30" and out[0]["index"] == 0
    assert (out[1]["index"], out[1]["error"]["code"], out[1]["error"]["row"]) == (1, "internal", 1)
    assert (out[2]["index"], out[2]["error"]["code"]) == (2, "date-invalid")


def test_batch_request_errors(http: httpx.Client) -> None:
    error_of(http.post("/cases/batch", json={}), 422, "request-invalid")
    error_of(http.post("/cases/batch", json={"cases": [], "rows": []}), 422, "request-invalid")
    error_of(http.post("/cases/batch", json={"cases": {"a": 1}}), 422, "request-invalid")
    error_of(
        http.post("/cases/batch", json={"cases": [], "as_of": "2026-13-01"}), 422, "date-invalid"
    )
    assert http.post("/cases/batch", json={"rows": []}).json() == []


# ----------------------------------------------------------------------------- errors


def test_unknown_endpoint_and_method(http: httpx.Client) -> None:
    error = error_of(http.get("/deadlines"), 404, "not-found")
    assert error["value"] == "/deadlines"
    error_of(http.delete("/health"), 405, "method-not-allowed")


def test_a_bug_is_500_without_a_traceback(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("secret detail /srv/app/config")

    monkeypatch.setattr("gkdeadline.server.Case", broken)
    r = http.post("/cases", json={"events": [RECEIVED]})
    error = error_of(r, 500, "internal")
    assert "RuntimeError" in error["message"] and "secret" not in r.text
    monkeypatch.setattr("gkdeadline.case.Case.from_dict", broken)
    r = http.post("/cases/batch", json={"cases": [{"events": [RECEIVED]}] * 2})
    assert r.status_code == 200  # one bad case never fails the request
    assert [item["error"]["code"] for item in r.json()] == ["internal", "internal"]


# ----------------------------------------------------------------------------- schedules


def test_reload_after_the_notice_is_published(
    http: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator's procedure: save the schedule file in the folder, POST /calendar/reload."""
    folder = tmp_path / "schedules"
    folder.mkdir()
    monkeypatch.setenv(ENV, str(folder))
    year_end = {"events": [{"type": "received", "date": "2026-12-20", "channel": "post"}]}
    year_end["as_of"] = "2026-12-21"  # type: ignore[assignment]
    try:
        before = http.post("/cases", json=year_end).json()
        assert before["due"] is None and before["due_latest"] == "2027-01-19"

        (folder / "2027.toml").write_text(SCHEDULE_2027, "utf-8")
        stale = http.post("/cases", json=year_end).json()  # read once per process: not yet
        assert stale["due"] is None

        r = http.post("/calendar/reload")
        assert r.status_code == 200
        body = r.json()
        assert [(s["year"], s["status"], s["region"]) for s in body["loaded"]] == [
            (2027, "loaded", None)
        ]
        assert body["schedule_dirs"][0] == str(folder)
        assert body["last_known_day"] >= "2027-12-28" and body["workers"] == 1
        assert "2027" in http.get("/health").json()["calendar"]["loaded"][0]

        after = http.post("/cases", json=year_end).json()
        cal = Calendar([load_schedule(folder / "2027.toml")], configured=False)
        expected = Case("national", year_end["events"], calendar=cal).result(date(2026, 12, 21))
        assert after["due"] == expected.due.isoformat()  # type: ignore[union-attr]
        assert before["due_earliest"] <= after["due"] <= before["due_latest"]
        days = http.get("/workdays/add", params={"date": "2026-12-20", "n": 20}).json()
        assert days["result"] == after["due"]

        # a bad file is refused and the schedules already loaded stay in use
        (folder / "2028.toml").write_text('year = 2028\nnotice = "x"\n[[holiday]]\nname =', "utf-8")
        error = error_of(http.post("/calendar/reload"), 422, "schedule-invalid")
        assert "2028.toml" in error["message"]
        assert http.post("/cases", json=year_end).json()["due"] == after["due"]
        (folder / "2028.toml").unlink()

        # a regional file: accepted, or refused while national calendars keep working
        (folder / "ningxia-2027.toml").write_text(
            'year = 2027\nnotice = "宁政办（测试用）"\nregion = "ningxia"\n'
            '[[holiday]]\nname = "开斋节"\noff = ["2027-03-10"]\n',
            "utf-8",
        )
        regional = http.post("/calendar/reload")
        assert regional.status_code in (200, 422), regional.text
        assert http.post("/cases", json=year_end).json()["due"] == after["due"]
    finally:
        monkeypatch.undo()
        reload_schedules()


def test_schedule_import_parses_a_notice_without_writing(
    http: httpx.Client, tmp_path: Path
) -> None:
    from gkdeadline.calendar.notice import parse_notice
    from gkdeadline.calendar.schedule import parse_toml

    text = (NOTICES / "2026.txt").read_text("utf-8")
    r = http.post("/schedules/import", json={"text": text})
    assert r.status_code == 200
    body = r.json()
    expected = parse_notice(text)
    assert (body["year"], body["notice"]) == (2026, expected.source)
    assert body["file_name"] == "2026.toml" and body["current"] == "official"
    assert body["days"] == [
        {"date": e.day.isoformat(), "name": e.name, "off": e.off} for e in expected.entries
    ]
    back = parse_toml(body["toml"], "2026.toml")
    assert set(back.entries) == set(expected.entries)

    error = error_of(
        http.post("/schedules/import", json={"text": "关于2026年部分节假日安排的通知\n没有安排。"}),
        422,
        "schedule-invalid",
    )
    assert error["field"] == "sentence"
    error_of(http.post("/schedules/import", json={"text": ""}), 422, "request-invalid")


# ----------------------------------------------------------------------------- OpenAPI


def test_openapi_document_has_the_library_models(http: httpx.Client) -> None:
    doc = http.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert {"CaseResult", "CaseFile", "CaseRequest", "ErrorResponse", "ErrorBody"} <= set(schemas)
    assert set(schemas["CaseResult"]["properties"]) == set(
        CaseResult.model_json_schema(mode="serialization")["properties"]
    )
    post = doc["paths"]["/cases"]["post"]
    ok = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CaseResult"}
    for status in ("409", "422", "500"):
        ref = post["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorResponse"
    assert "HTTPValidationError" not in schemas  # every 422 has the one error shape
    assert set(doc["paths"]) >= {
        "/health",
        "/workdays/add",
        "/workdays/between",
        "/workdays/is",
        "/rules",
        "/rules/{rule_id}/due",
        "/cases",
        "/cases/batch",
        "/coverage",
        "/calendar/reload",
        "/schedules/import",
    }


# ----------------------------------------------------------------------------- the recipe

# docs/recipes.md, "HTTP 服务（Java、Go、Django……）": a case system that keeps its own records,
# with timestamps as its framework gives them — aware datetimes in UTC (Django's timezone.now(),
# Java's Instant) — and asks the service for deadlines.

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_day(moment: datetime) -> str:
    """The day an office in China received something: the Beijing date of an aware timestamp.
    (``moment.date()`` of a UTC timestamp is the wrong day from 00:00 to 08:00 Beijing time.)"""
    return moment.astimezone(BEIJING).date().isoformat()


def case_document(record: dict[str, Any]) -> dict[str, Any]:
    events = [
        {"type": "received", "date": beijing_day(record["received_at"]), "channel": "online"},
    ]
    events[0]["confirmed"] = events[0]["date"]  # 互联网渠道：以确认之日为收到申请之日
    if record.get("answered_at") is not None:
        events.append({"type": "answered", "date": beijing_day(record["answered_at"])})
    return {"id": record["id"], "profile": record.get("profile", "national"), "events": events}


def refresh_deadlines(
    http: httpx.Client, records: list[dict[str, Any]], now: datetime
) -> dict[str, dict[str, Any]]:
    """Deadline and status of every record as of ``now`` (aware), keyed by id; a record the
    service cannot compute keeps its error (data to show the clerk), the others are unaffected."""
    r = http.post(
        "/cases/batch",
        json={"cases": [case_document(x) for x in records], "as_of": now.isoformat()},
    )
    r.raise_for_status()
    out: dict[str, dict[str, Any]] = {}
    for record, item in zip(records, r.json(), strict=True):
        if "error" in item:
            out[record["id"]] = {"error": item["error"]["message"], "code": item["error"]["code"]}
        else:
            out[record["id"]] = {"due": item["due"], "status": item["status"]}
    return out


def refresh_one(http: httpx.Client, record: dict[str, Any], now: datetime) -> dict[str, Any]:
    r = http.post("/cases", json={**case_document(record), "as_of": now.isoformat()})
    if r.status_code == 409:  # the next year's schedule is not loaded: tell the operator
        return {"error": r.json()["error"]["message"], "retry_after_reload": True}
    if r.status_code != 200:
        raise ValueError(r.json()["error"]["message"])
    return r.json()  # type: ignore[no-any-return]


def test_recipe_aware_timestamps(http: httpx.Client) -> None:
    # received at 01:30 Beijing time on 2026-09-28, stored as UTC (17:30 on the 27th)
    received_at = datetime(2026, 9, 28, 1, 30, tzinfo=BEIJING).astimezone(UTC)
    assert received_at.date() == date(2026, 9, 27)  # the trap
    records = [
        {"id": "R-1", "received_at": received_at},
        {"id": "R-2", "received_at": received_at, "answered_at": received_at + timedelta(days=2)},
        {"id": "R-3", "received_at": datetime(2026, 12, 20, 2, 0, tzinfo=UTC)},
        {"id": "R-4", "received_at": datetime(2031, 6, 2, 2, 0, tzinfo=UTC)},
    ]
    now = datetime(2026, 10, 29, 17, 0, tzinfo=UTC)  # 01:00 on 2026-10-30 in Beijing
    out = refresh_deadlines(http, records, now)
    assert out["R-1"] == {"due": "2026-10-30", "status": "running"}  # not 2026-10-29
    assert out["R-2"]["status"] == "answered"
    assert out["R-3"]["code"] == "as-of-before-receipt"
    assert out["R-4"]["code"] == "as-of-before-receipt"
    one = refresh_one(http, records[0], now)
    assert one["as_of"] == "2026-10-30" and one["remaining_workdays"] == 0
    later = datetime(2031, 6, 3, 2, 0, tzinfo=UTC)
    missing = refresh_one(http, records[3], later)  # 409: no schedule for 2031 yet
    assert missing["retry_after_reload"] is True and "2031" in missing["error"]
    # had the recipe used received_at.date(), the deadline would be a day early
    naive = {
        "events": [{"type": "received", "date": "2026-09-27", "channel": "post"}],
        "as_of": "2026-10-01",
    }
    assert http.post("/cases", json=naive).json()["due"] == "2026-10-29"


def test_recipe_with_timezone_now(http: httpx.Client) -> None:
    """``timezone.now()``: an aware UTC datetime; the service takes its Beijing date."""
    now = datetime.now(UTC)
    record = {"id": "R-5", "received_at": datetime(2026, 9, 27, 17, 30, tzinfo=UTC)}
    body = refresh_one(http, record, now)
    assert body["as_of"] in {beijing_day(now), today().isoformat()}
    assert body["due"] == "2026-10-30"


# ----------------------------------------------------------------------------- gkdeadline serve


def test_serve_command_two_workers(tmp_path: Path) -> None:
    """The real command: two uvicorn workers, warmed up, reload note, SIGTERM stops it."""
    port = free_port()
    env = {**os.environ, ENV: str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gkdeadline.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gkdeadline serve did not answer"
            time.sleep(0.2)
        with httpx.Client(base_url=url, timeout=60) as client:
            rows = [{"id": i, "received": "2026-09-28", "channel": "post"} for i in range(10)]
            for _ in range(4):  # both workers answer the same
                out = client.post("/cases/batch", json={"rows": rows, "as_of": "2026-10-29"})
                assert [x["due"] for x in out.json()] == ["2026-10-30"] * 10
            reload = client.post("/calendar/reload").json()
            assert reload["workers"] == 2 and "SIGHUP" in reload["note"]
        second = subprocess.run(
            [sys.executable, "-m", "gkdeadline.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
        assert second.returncode == 2 and "无法在" in second.stderr
        assert "内部错误" not in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_serve_without_fastapi_is_a_hint_not_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi → ImportError
    code = main(["serve", "--port", str(free_port())])
    _, err = capsys.readouterr()
    assert code == 2
    assert "pip install 'gkdeadline[server]'" in err and "fastapi" in err
    assert "内部错误" not in err


def test_workers_share_a_tcp_socket_with_nodelay() -> None:
    """uvicorn binds the socket of ``--workers N`` with proto 0, so asyncio would leave Nagle on
    and every keep-alive response would wait ~40 ms for a delayed ACK (uvicorn #3149)."""
    from gkdeadline.commands.serve import _tcp

    config = uvicorn.Config("gkdeadline.server:serve_app", host="127.0.0.1", port=0, workers=2)
    bound = config.bind_socket()
    address = bound.getsockname()
    sock = _tcp(bound)
    try:
        assert sock.proto == socket.IPPROTO_TCP and sock.getsockname() == address
        assert sock.get_inheritable()
        assert _tcp(sock) is sock
    finally:
        sock.close()


def test_importing_the_server_without_fastapi_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    from gkdeadline.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "fastapi", None)
    monkeypatch.delitem(sys.modules, "gkdeadline.server")
    with pytest.raises(MissingDependencyError) as info:
        importlib.import_module("gkdeadline.server")
    assert info.value.extra == "server" and "gkdeadline[server]" in str(info.value)
