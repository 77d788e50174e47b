"""Every code in the error tables is produced by a real input, through the surface it belongs to.

Two tables: `gkdeadline.errors.CODES` (library, CLI and HTTP errors) and
`gkdeadline.batch_files.ERROR_CODES` (what ``gkdeadline batch`` says about a file or a row). The
case problems (`gkdeadline.problems.PROBLEMS`) are produced by tests/test_problem_codes.py.

One producer per code, each feeding a small bad input to where the code arises: a library call
(the `GkDeadlineError` subclass the table names, with that ``code``), the command line
(``gkdeadline.cli.main`` with ``--json``: the exit status — 2 input, 3 calendar, 70 internal —
and the JSON error's code), the HTTP service (status and error code), or a ``gkdeadline batch``
run (the output's ``error_code`` column, or exit 2 and no output for a file that cannot be
used). ``test_every_code_has_a_producer`` fails when a code is added to a table without one.

Two codes cannot be produced by any input today: ``error`` (the fallback of a GkDeadlineError
raised without a code, which the library never does) is produced by raising exactly that, and
``internal`` / ``internal-error`` (defects) by breaking a function on purpose.
"""

from __future__ import annotations

import asyncio
import csv
import json
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import gkdeadline
from gkdeadline.batch_files import ERROR_CODES, MAX_LINE_BYTES, process_file
from gkdeadline.cli import EXIT_CALENDAR, EXIT_INTERNAL, EXIT_ROWS, EXIT_USAGE, main
from gkdeadline.errors import CODES, GkDeadlineError

BAD = Path(__file__).parent / "data" / "bad"
AS_OF = "2026-11-24"
REC = {"type": "received", "date": "2026-09-28", "channel": "in_person"}
GOOD_CSV = "id,received,channel\nA1,2026-09-28,in_person\n"


# ----------------------------------------------------------------------------- surfaces


@dataclass
class Env:
    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def write(self, name: str, data: str | bytes) -> Path:
        path = self.tmp / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    def cli(self, *args: str | Path) -> tuple[int, str, str]:
        """``gkdeadline ARGS`` in this process: exit status, stdout, stderr (never a traceback)."""
        self.capsys.readouterr()
        status = main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err

    def cli_error(self, status: int, code: str, *args: str | Path) -> dict[str, Any]:
        """``gkdeadline ARGS --json`` fails with exit ``status`` and the error ``code``."""
        got, out, err = self.cli(*args, "--json")
        assert got == status, (out, err)
        error: dict[str, Any] = json.loads(out)["error"]
        assert error["code"] == code, error
        assert error["message"]
        return error

    def batch(self, src: Path, *args: str, status: int = EXIT_ROWS) -> list[dict[str, str]]:
        """``gkdeadline batch SRC`` to a CSV file; its rows (``error_code`` "" when computed)."""
        out = self.tmp / "out.csv"
        got, _, err = self.cli("batch", src, "--out", out, "--as-of", AS_OF, *args)
        assert got == status, err
        with out.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def batch_refused(self, src: Path, code: str, out: Path | None = None) -> None:
        """A file ``gkdeadline batch`` cannot use: ``code`` from the library, exit 2 and no
        output from the command."""
        out = out or self.tmp / "out.csv"
        raises(code, lambda: process_file(src, out))
        got, _, err = self.cli("batch", src, "--out", out, "--as-of", AS_OF)
        assert got == EXIT_USAGE and err.startswith("gkdeadline: 错误:"), err
        assert not out.exists()


def raises(code: str, call: Callable[[], object]) -> GkDeadlineError:
    """``call()`` raises a GkDeadlineError with ``code``, of the class the table names."""
    with pytest.raises(GkDeadlineError) as info:
        call()
    exc = info.value
    assert exc.code == code, (exc.code, str(exc))
    where = CODES[code][0] if code in CODES else "InputError"  # batch file codes: InputError
    assert where in {c.__name__ for c in type(exc).__mro__}, (where, type(exc))
    return exc


def http(method: str, path: str, **kw: Any) -> Any:
    """One request to a fresh ``create_app()`` (in process, through httpx's ASGI transport)."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from gkdeadline.server import create_app

    async def go() -> Any:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://gkdeadline.test") as c:
            return await c.request(method, path, **kw)

    return asyncio.run(go())


def http_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"] and "Traceback" not in response.text
    return error


def codes_of(rows: list[dict[str, str]]) -> list[str]:
    return [r["error_code"] for r in rows]


PRODUCERS: dict[str, Callable[[Env], None]] = {}


def produces(code: str) -> Callable[[Callable[[Env], None]], Callable[[Env], None]]:
    def register(fn: Callable[[Env], None]) -> Callable[[Env], None]:
        assert code not in PRODUCERS, code
        PRODUCERS[code] = fn
        return fn

    return register


# ----------------------------------------------------------------------------- errors.CODES


@produces("error")
def _error(env: Env) -> None:
    # no input produces it: every error the library raises has a more precise code; this is
    # what a GkDeadlineError raised without one would become (an input error, exit 2)
    def unclassified(*args: object, **kw: object) -> None:
        raise GkDeadlineError("未分类的错误")

    env.monkeypatch.setattr("gkdeadline.commands.calendar.build_calendar", unclassified)
    env.cli_error(EXIT_USAGE, "error", "is-workday", "2026-01-05")


@produces("date-invalid")
def _date_invalid(env: Env) -> None:
    error = env.cli_error(
        EXIT_USAGE,
        "date-invalid",
        "due",
        "national-2019.request-reply",
        "--from",
        "2026-02-30",
    )
    assert error["value"] == "2026-02-30"


@produces("date-out-of-range")
def _date_out_of_range(env: Env) -> None:
    env.cli_error(
        EXIT_USAGE, "date-out-of-range", "add-workdays", "9999-12-31", "1", "--projection"
    )


@produces("input-invalid")
def _input_invalid(env: Env) -> None:
    exc = raises("input-invalid", lambda: gkdeadline.add_workdays("2026-09-28", 1.5))  # type: ignore[arg-type]
    assert exc.field == "n"


@produces("table-invalid")
def _table_invalid(env: Env) -> None:
    from gkdeadline.batch_cases import cases

    # a single value where a column belongs
    raises("table-invalid", lambda: cases({"received": "2026-09-28", "channel": "in_person"}))


@produces("column-missing")
def _column_missing(env: Env) -> None:
    env.batch_refused(env.write("in.csv", "id,channel\nA1,in_person\n"), "column-missing")


@produces("column-duplicate")
def _column_duplicate(env: Env) -> None:
    env.batch_refused(BAD / "duplicate_header.csv", "column-duplicate")


@produces("mapping-invalid")
def _mapping_invalid(env: Env) -> None:
    from gkdeadline.mapping import Mapping

    bad = env.write("mapping.toml", '[columns]\n"收到日期" = "recieved"\n')  # a misspelt field
    raises("mapping-invalid", lambda: Mapping.from_toml(bad))


@produces("eventlog-not-grouped")
def _eventlog_not_grouped(env: Env) -> None:
    from gkdeadline.eventlog_files import event_log_file

    log = env.write(
        "log.csv",
        "case_id,type,date,channel\n"
        "a,received,2026-09-28,in_person\n"
        "b,received,2026-09-28,in_person\n"
        "a,answered,2026-10-09,\n",
    )
    exc = raises("eventlog-not-grouped", lambda: event_log_file(log, as_of=AS_OF))
    assert exc.value == "a"


@produces("schema-unknown")
def _schema_unknown(env: Env) -> None:
    from gkdeadline.schemas import json_schema

    raises("schema-unknown", lambda: json_schema("no-such-kind"))


@produces("case-invalid")
def _case_invalid(env: Env) -> None:
    # the only way today: a case file that cannot be read (here, GBK instead of UTF-8)
    env.cli_error(EXIT_USAGE, "case-invalid", "case", BAD / "case_gbk.json")


@produces("field-missing")
def _field_missing(env: Env) -> None:
    events = [{"type": "received", "date": "2026-09-28"}]  # no channel
    error = http_error(http("POST", "/cases", json={"events": events}), 422, "field-missing")
    assert (error["event_index"], error["field"]) == (0, "channel")


@produces("field-invalid")
def _field_invalid(env: Env) -> None:
    events = [{**REC, "channel": "pigeon"}]
    error = http_error(http("POST", "/cases", json={"events": events}), 422, "field-invalid")
    assert error["field"] == "channel"


@produces("field-unknown")
def _field_unknown(env: Env) -> None:
    events = [{**REC, "officer": "张三"}]
    error = http_error(http("POST", "/cases", json={"events": events}), 422, "field-unknown")
    assert error["field"] == "officer"


@produces("field-without-event")
def _field_without_event(env: Env) -> None:
    # extension_workdays without the extension's date: a batch row's error
    src = env.write(
        "in.csv",
        "id,received,channel,extension,extension_workdays\n"
        "A1,2026-09-28,in_person,,20\n"
        "A2,2026-09-28,in_person,2026-10-28,20\n",
    )
    assert codes_of(env.batch(src)) == ["field-without-event", ""]


@produces("event-type-unknown")
def _event_type_unknown(env: Env) -> None:
    events = [REC, {"type": "phoned", "date": "2026-09-29"}]
    error = http_error(http("POST", "/cases", json={"events": events}), 422, "event-type-unknown")
    assert (error["event_index"], error["value"]) == (1, "phoned")


@produces("event-invalid")
def _event_invalid(env: Env) -> None:
    events = [REC, "answered"]  # a string where an event object belongs
    exc = raises("event-invalid", lambda: gkdeadline.Case("national", events))  # type: ignore[arg-type]
    assert exc.event_index == 1


@produces("case-file-invalid")
def _case_file_invalid(env: Env) -> None:
    env.cli_error(EXIT_USAGE, "case-file-invalid", "case", BAD / "duplicate_keys_case.json")


@produces("case-file-too-large")
def _case_file_too_large(env: Env) -> None:
    from gkdeadline.case import MAX_CASE_BYTES

    text = " " * MAX_CASE_BYTES + "{}"
    raises("case-file-too-large", lambda: gkdeadline.Case.from_json(text))


@produces("too-many-events")
def _too_many_events(env: Env) -> None:
    from gkdeadline.case import parse_event
    from gkdeadline.engine.run import MAX_EVENTS

    event = parse_event(REC)
    raises("too-many-events", lambda: gkdeadline.Case("national", [event] * (MAX_EVENTS + 1)))


CALENDAR_DAYS_PROFILE = """
id = "calendar-days"
title = "以自然日计答复期限的测试档案"
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
quote = "三十日内答复"
duration = { amount = 30, unit = "days" }
"""


@produces("unsupported-rule")
def _unsupported_rule(env: Env) -> None:
    from gkdeadline.profiles import Catalogue, parse_profile

    spec = parse_profile(CALENDAR_DAYS_PROFILE, "toml", "calendar-days.toml")
    catalogue = Catalogue.builtin().with_profile(spec)
    exc = raises(
        "unsupported-rule", lambda: gkdeadline.Case("calendar-days", [REC], catalogue=catalogue)
    )
    assert exc.rule_id == "calendar-days.request-reply"


@produces("calendar-missing-year")
def _calendar_missing_year(env: Env) -> None:
    error = env.cli_error(EXIT_CALENDAR, "calendar-missing-year", "is-workday", "2200-03-03")
    assert error["value"] == "2200-03-03"
    response = http("GET", "/workdays/is", params={"date": "2200-03-03"})
    http_error(response, 409, "calendar-missing-year")


@produces("schedule-invalid")
def _schedule_invalid(env: Env) -> None:
    schedule = BAD / "schedule_years.json"
    env.cli_error(
        EXIT_USAGE, "schedule-invalid", "is-workday", "2026-01-05", "--schedule", schedule
    )


@produces("schedule-conflicts-official")
def _schedule_conflicts_official(env: Env) -> None:
    # 2026 as if 元旦 were one day, without override = true
    schedule = env.write(
        "2026.toml",
        'year = 2026\nnotice = "只列元旦"\n[[holiday]]\nname = "元旦"\noff = ["2026-01-01"]\n',
    )
    env.cli_error(
        EXIT_USAGE,
        "schedule-conflicts-official",
        "is-workday",
        "2026-01-05",
        "--schedule",
        schedule,
    )


@produces("profile-invalid")
def _profile_invalid(env: Env) -> None:
    env.cli_error(EXIT_USAGE, "profile-invalid", "rules", "--profile", BAD / "profile_gbk.toml")


@produces("profile-unknown")
def _profile_unknown(env: Env) -> None:
    env.cli_error(EXIT_USAGE, "profile-unknown", "rules", "--profile", "no-such-profile")


@produces("rule-invalid")
def _rule_invalid(env: Env) -> None:
    # an extension of 99 workdays; the rule allows at most 20
    error = env.cli_error(
        EXIT_USAGE,
        "rule-invalid",
        "due",
        "national-2019.request-extension",
        "--from",
        "2026-01-05",
        "--extension",
        "99",
    )
    assert error["rule_id"] == "national-2019.request-extension"


@produces("rule-unknown")
def _rule_unknown(env: Env) -> None:
    env.cli_error(EXIT_USAGE, "rule-unknown", "due", "no-such.rule", "--from", "2026-01-05")


@produces("missing-dependency")
def _missing_dependency(env: Env) -> None:
    # a deployment without pyarrow: POST /cases/batch with rows is 500, not an internal error
    env.monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow → ImportError
    row = {"received": "2026-09-28", "channel": "in_person"}
    error = http_error(
        http("POST", "/cases/batch", json={"rows": [row]}), 500, "missing-dependency"
    )
    assert error["value"] == "pyarrow"
    # gkdeadline serve without fastapi: the install hint, exit 2
    env.monkeypatch.setitem(sys.modules, "fastapi", None)
    status, _, err = env.cli("serve", "--port", "0")
    assert status == EXIT_USAGE and "gkdeadline[server]" in err


@produces("usage")
def _usage(env: Env) -> None:
    env.cli_error(EXIT_USAGE, "usage", "is-workday", "2026-02-30")  # click's DATE refuses it


@produces("internal")
def _internal(env: Env) -> None:
    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("a defect")

    env.monkeypatch.setattr("gkdeadline.commands.calendar.build_calendar", broken)
    error = env.cli_error(EXIT_INTERNAL, "internal", "is-workday", "2026-01-05")
    assert "RuntimeError" in error["message"]
    status, out, err = env.cli("is-workday", "2026-01-05")  # one line on stderr, no traceback
    assert (status, out) == (EXIT_INTERNAL, "")
    assert err.startswith("gkdeadline: 错误: 内部错误 RuntimeError") and err.count("\n") == 1
    env.monkeypatch.setattr("gkdeadline.server.Case", broken)
    http_error(http("POST", "/cases", json={"events": [REC]}), 500, "internal")


@produces("request-invalid")
def _request_invalid(env: Env) -> None:
    response = http(
        "POST", "/cases", content=b'{"events": [', headers={"content-type": "application/json"}
    )
    http_error(response, 422, "request-invalid")


@produces("row-invalid")
def _row_invalid(env: Env) -> None:
    rows = ["A1,2026-09-28,in_person", {"received": "2026-09-28", "channel": "in_person"}]
    response = http("POST", "/cases/batch", json={"rows": rows, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    first, second = response.json()
    assert first["error"]["code"] == "row-invalid" and first["index"] == 0
    assert "error" not in second and second["due"] == "2026-10-30"


@produces("not-found")
def _not_found(env: Env) -> None:
    http_error(http("GET", "/deadlines"), 404, "not-found")


@produces("method-not-allowed")
def _method_not_allowed(env: Env) -> None:
    http_error(http("DELETE", "/health"), 405, "method-not-allowed")


def _serve_error(env: Env, port: int) -> GkDeadlineError:
    """``gkdeadline serve --port PORT``: its error, and exit status 2 from the command line."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from gkdeadline.commands.serve import serve_cmd
    from gkdeadline.server import WORKERS_ENV

    env.monkeypatch.setenv(WORKERS_ENV, "1")  # serve sets it; restored after the test
    with pytest.raises(GkDeadlineError) as info:
        serve_cmd.main(["--port", str(port)], standalone_mode=False)
    status, _, err = env.cli("serve", "--port", str(port))
    assert status == EXIT_USAGE and "gkdeadline: 错误:" in err
    return info.value


@produces("address-unavailable")
def _address_unavailable(env: Env) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = int(s.getsockname()[1])
        exc = _serve_error(env, port)
    assert exc.code == "address-unavailable" and exc.value == port


@produces("server-start-failed")
def _server_start_failed(env: Env) -> None:
    # the port is taken between serve's own check and uvicorn's bind: uvicorn cannot start
    env.monkeypatch.setattr("gkdeadline.commands.serve._check_port", lambda host, port: None)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        exc = _serve_error(env, int(s.getsockname()[1]))
    assert exc.code == "server-start-failed"


# ----------------------------------------------------------------------------- batch_files.ERROR_CODES


@produces("file-invalid")
def _file_invalid(env: Env) -> None:
    env.batch_refused(BAD / "empty.csv", "file-invalid")


@produces("output-invalid")
def _output_invalid(env: Env) -> None:
    src = env.write("in.csv", GOOD_CSV)
    env.batch_refused(src, "output-invalid", out=env.tmp / "no-such-folder" / "out.csv")


@produces("encoding-invalid")
def _encoding_invalid(env: Env) -> None:
    rows = env.batch(BAD / "gbk_values.csv", "--encoding", "utf-8")  # GBK rows read as UTF-8
    assert codes_of(rows) == ["encoding-invalid", "encoding-invalid"]


@produces("line-too-long")
def _line_too_long(env: Env) -> None:
    long_line = "A2,2026-09-28," + "x" * MAX_LINE_BYTES + "\n"
    src = env.write("in.csv", GOOD_CSV + long_line + "A3,2026-09-28,in_person\n")
    assert codes_of(env.batch(src)) == ["", "line-too-long", ""]


@produces("csv-quote-unclosed")
def _csv_quote_unclosed(env: Env) -> None:
    rows = env.batch(BAD / "unclosed_quote.csv")  # line 9 (R7) opens a quote it never closes
    assert codes_of(rows) == [""] * 7 + ["csv-quote-unclosed"] + [""] * 12


@produces("csv-invalid")
def _csv_invalid(env: Env) -> None:
    src = env.write("in.csv", GOOD_CSV + 'A2,"2026-09-28"x,in_person\n')
    assert codes_of(env.batch(src)) == ["", "csv-invalid"]


@produces("csv-field-count")
def _csv_field_count(env: Env) -> None:
    rows = env.batch(BAD / "extra_fields.csv")  # X1 has a field too many, X3 too few
    assert codes_of(rows) == ["csv-field-count", "", "csv-field-count"]


@produces("json-invalid")
def _json_invalid(env: Env) -> None:
    src = env.write("in.jsonl", '{"id": "J1", "received": "2026-09-28", "channel": "post"\n')
    assert codes_of(env.batch(src)) == ["json-invalid"]


@produces("json-not-object")
def _json_not_object(env: Env) -> None:
    src = env.write("in.jsonl", '["J1", "2026-09-28", "post"]\n')
    assert codes_of(env.batch(src)) == ["json-not-object"]


@produces("json-duplicate-key")
def _json_duplicate_key(env: Env) -> None:
    assert codes_of(env.batch(BAD / "duplicate_keys.jsonl")) == ["json-duplicate-key", ""]


@produces("json-value-invalid")
def _json_value_invalid(env: Env) -> None:
    rows = env.batch(BAD / "epochs.jsonl")  # numbers, booleans, objects where dates belong
    assert rows[0]["id"] == "e1"
    assert set(codes_of(rows)) == {"json-value-invalid"}


@produces("case-id-missing")
def _case_id_missing(env: Env) -> None:
    rows = env.batch(BAD / "events_reappear.csv", "--events")  # its last event has no case_id
    assert (rows[-1]["case_id"], rows[-1]["error_code"]) == ("", "case-id-missing")


@produces("case-not-contiguous")
def _case_not_contiguous(env: Env) -> None:
    rows = env.batch(BAD / "events_reappear.csv", "--events")  # a, b, then a again
    assert [r["case_id"] for r in rows[:3]] == ["a", "b", "a"]
    assert codes_of(rows[:3]) == ["", "", "case-not-contiguous"]


@produces("case-line-unreadable")
def _case_line_unreadable(env: Env) -> None:
    rows = env.batch(BAD / "events_garbage.jsonl", "--events")  # garbage between a's events
    assert (rows[0]["case_id"], rows[0]["error_code"]) == ("a", "case-line-unreadable")


@produces("internal-error")
def _internal_error(env: Env) -> None:
    from gkdeadline.batch_cases import one_row_results as real

    def flaky(table: Any, **kw: Any) -> Any:  # a defect that one row's data triggers
        if "BOOM" in table.column("id").to_pylist():
            raise RuntimeError("a defect")
        return real(table, **kw)

    env.monkeypatch.setattr("gkdeadline.batch_files.one_row_results", flaky)
    src = env.write("in.csv", GOOD_CSV + "BOOM,2026-09-28,in_person\nA3,2026-09-28,in_person\n")
    rows = env.batch(src)
    assert codes_of(rows) == ["", "internal-error", ""]
    assert [r["due"] for r in rows] == ["2026-10-30", "", "2026-10-30"]
    assert "RuntimeError" in rows[1]["error"]


# ----------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("code", sorted(PRODUCERS))
def test_code_is_produced(
    code: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    PRODUCERS[code](Env(tmp_path, monkeypatch, capsys))


def test_every_code_has_a_producer() -> None:
    assert set(PRODUCERS) == set(CODES) | set(ERROR_CODES)
