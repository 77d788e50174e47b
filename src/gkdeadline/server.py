"""The HTTP service: the library behind JSON endpoints, for systems that cannot import Python.

``create_app()`` returns a FastAPI application; ``gkdeadline serve`` runs it on uvicorn. Every
answer is the library's own data — :class:`~gkdeadline.engine.result.CaseResult` for a case, the
``--json`` shapes of the command line elsewhere — and every error is ``{"error": {...}}`` with
:meth:`GkDeadlineError.as_dict() <gkdeadline.errors.GkDeadlineError.as_dict>` inside, the same
object ``gkdeadline … --json`` prints. Status codes (``docs/server.md``):

=== =====================================================================================
200 done (a batch answers 200 even when some of its cases are error objects)
404 no such endpoint (``not-found``); 405 wrong method (``method-not-allowed``)
409 the holiday schedule for a year the computation needs is missing (codes ``calendar-*``;
    the CLI's exit status 3): load it (``POST /calendar/reload``) or ask with ``projection``
422 the input is wrong: a bad date, an unknown rule or profile, an impossible case
    (every other library error code; the CLI's exit status 2), or a request that does not
    have the documented shape (``request-invalid``)
500 a bug (``internal``; the body has an incident number, the traceback is only in the log),
    or the deployment lacks an optional package (``missing-dependency``)
503 ``GET /health`` only: the configured schedule files cannot be read
=== =====================================================================================

The OpenAPI document (``/openapi.json``, browsable at ``/docs``) is generated from the same
pydantic models the library validates with (:class:`~gkdeadline.case.CaseFile`,
:class:`~gkdeadline.engine.result.CaseResult`).
"""

import datetime as dt
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, WithJsonSchema, model_validator

from gkdeadline.errors import GkDeadlineError, InputError, MissingDependencyError, validation_reason

try:
    from fastapi import FastAPI, Path, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError:
    raise MissingDependencyError("server", "fastapi") from None

from gkdeadline import __version__
from gkdeadline.calendar import Calendar, YearSchedule, collecting_projected, load_schedule
from gkdeadline.calendar.regions import REGIONS, missing_years, region_key
from gkdeadline.calendar.sources import reload_schedules, schedule_dirs
from gkdeadline.case import Case, CaseFile
from gkdeadline.engine.result import CaseResult
from gkdeadline.profiles import NATIONAL, Catalogue, default_catalogue
from gkdeadline.timeconv import parse_iso_date, to_date, to_moment, today

__all__ = ["MAX_BATCH", "create_app", "error_status", "serve_app"]

log = logging.getLogger("gkdeadline.server")

MAX_BATCH = 100_000  # cases (or rows) in one POST /cases/batch; larger batches are refused
MAX_NOTICE_CHARS = 2_000_000  # a notice (text or HTML page) longer than this is refused
WORKERS_ENV = "GKDEADLINE_SERVER_WORKERS"  # set by `gkdeadline serve --workers N`

# ----------------------------------------------------------------------------- status codes


def error_status(exc: GkDeadlineError) -> int:
    """The HTTP status of a library error (the table in the module docstring)."""
    if exc.code.startswith("calendar-"):
        return 409  # valid request; the server's calendar lacks the year (operator loads it)
    if exc.code == "missing-dependency":
        return 500  # the deployment, not the request, is incomplete
    return 422


# ----------------------------------------------------------------------------- models


class ErrorBody(BaseModel):
    """An error as data: ``GkDeadlineError.as_dict()`` (the CLI's ``--json`` error object)."""

    code: str = Field(description="稳定的错误代码（见 docs/server.md、docs/errors.md）")
    message: str = Field(description="中文说明")
    message_en: str
    event_index: int | None = Field(None, description="出错的事件（输入中的序号）")
    row: int | None = Field(None, description="批量：出错的案件或行（输入中的序号）")
    field: str | None = None
    value: str | int | float | bool | None = None
    rule_id: str | None = None
    citation: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class CalendarState(BaseModel):
    last_known_day: date = Field(description="日历已知的最后一天")
    loaded: list[str] = Field(description="从安排文件目录载入的安排")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    calendar: CalendarState


class WorkdaysAdded(BaseModel):
    date: dt.date
    n: int
    result: dt.date
    special_days: list[str] = Field(description="其间的放假和调休上班日")
    calendar: str = Field(description="national 或自治区")
    projected: bool = Field(description="结果依赖预测的放假安排")


class WorkdaysBetween(BaseModel):
    a: date
    b: date
    result: int = Field(description="(a, b] 中的工作日数；b 早于 a 时为负")
    calendar: str
    projected: bool


class WorkdayAnswer(BaseModel):
    date: dt.date
    result: bool
    description: str
    calendar: str
    projected: bool


class RuleOut(BaseModel):
    """A rule as ``gkdeadline rules --json`` prints it."""

    id: str
    title: str
    kind: str
    topic: str
    source: str
    document: str | None
    article: str | None
    quote: str | None
    jurisdiction: str | None
    effective_from: date | None
    effective_to: date | None
    duration: dict[str, Any] | None
    fixed_date: str | None
    deadline: str | None
    bound: str | None
    count: int | None
    trigger: str | None
    obligor: str | None
    excludes: list[str]
    counts: list[str]
    restarts_on: list[str] | None
    extension: str | None
    extends: str | None
    basis: str | None
    transition: str | None
    limit: str
    note: str | None
    example: dict[str, str] | None
    via_fallback: bool | None = Field(
        None, description="给出 on 时：true 表示该主题由回落档案（国家规定）提供"
    )


class DueOut(BaseModel):
    """One rule evaluated: ``gkdeadline due --json``."""

    model_config = ConfigDict(populate_by_name=True)
    rule: str
    from_: str = Field(alias="from")
    due: str = Field(description="日期，或（按小时计的规则）带时区的时刻")
    meaning: str
    calendar: str
    explanation: str = Field(description="中文说明，含依据")
    citation: str
    projected: bool


_AS_OF = Field(
    None,
    description=(
        "状态日期：YYYY-MM-DD，或带时区的时刻（取其北京时间的日期；不带时区的时刻按北京时间）。"
        "缺省：北京时间的今天"
    ),
    examples=["2026-11-23", "2026-11-22T17:30:00Z"],
)


class CaseRequest(CaseFile):
    """A case file (``gkdeadline case FILE``) plus how to read it."""

    model_config = ConfigDict(extra="forbid", title="CaseRequest")
    as_of: str | None = _AS_OF
    strict: bool = Field(False, description="true：违规（行政机关的问题）作为错误（422）返回")
    projection: bool = Field(False, description="true：没有国务院通知的年份使用预测（结果会标注）")


class BatchRequest(BaseModel):
    """Many cases at once: ``cases`` (case files) or ``rows`` (the one-row batch schema)."""

    model_config = ConfigDict(extra="forbid")
    cases: (
        Annotated[
            list[SkipValidation[CaseFile]],
            Field(max_length=MAX_BATCH, description="案件文件，每项与 POST /cases 的案件相同"),
        ]
        | None
    ) = None
    rows: (
        Annotated[
            list[
                Annotated[
                    dict[str, Any],
                    SkipValidation,
                    WithJsonSchema(
                        {
                            "type": "object",
                            "description": "一行一件申请（gkdeadline schema batch-row 的输入列）",
                            "additionalProperties": True,
                        }
                    ),
                ]
            ],
            Field(
                max_length=MAX_BATCH,
                description="一行一件申请：received、channel、answered……（见 docs/batch.md）",
            ),
        ]
        | None
    ) = None
    profile: str = Field(NATIONAL, description="rows 中没有 profile 的行使用的档案")
    as_of: str | None = _AS_OF
    strict: bool = Field(False, description="true：有违规的案件作为错误返回")
    projection: bool = Field(False, description="true：没有国务院通知的年份使用预测")
    messages: bool = Field(
        False, description="rows：true 时填写 findings_zh（中文说明，逐行生成，较慢）"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> "BatchRequest":
        if (self.cases is None) == (self.rows is None):
            raise ValueError("give exactly one of 'cases' and 'rows'")
        return self


class BatchItemError(BaseModel):
    """A case of a batch that could not be computed; the others are unaffected."""

    index: int = Field(description="在输入中的序号")
    id: Any = Field(None, description="案件编号（若能读出）")
    error: ErrorBody


class BatchRowResult(BaseModel):
    """A computed row of ``rows``: the output columns of ``gkdeadline batch``."""

    index: int
    id: Any = None
    profile: str
    due: date | None
    due_earliest: date | None
    due_latest: date | None
    status: str | None
    on_time: bool | None
    remaining_workdays: int | None
    workdays_late: int | None
    findings: str | None = Field(description="问题代码，以 ; 分隔")
    findings_basis: str | None = Field(description="每个问题的依据（条款），顺序与 findings 相同")
    findings_zh: str | None = Field(
        description="问题的中文说明及依据，每行一条（请求中 messages 为 true 时才有）"
    )


class YearOut(BaseModel):
    year: int
    national: str
    national_source: str
    regional: str | None
    regional_source: str | None


class CoverageOut(BaseModel):
    """``gkdeadline coverage --json``."""

    region: str | None
    years: list[YearOut]
    last_known_day: date
    regional_missing: dict[str, list[int]] = Field(description="自治区缺少安排的年份")
    schedule_dirs: list[str] = Field(description="安排文件目录（GKDEADLINE_SCHEDULES 等）")


class LoadedSchedule(BaseModel):
    year: int
    region: str | None
    source: str
    status: str
    override: bool


class ReloadOut(BaseModel):
    loaded: list[LoadedSchedule] = Field(description="目录中现在载入的安排")
    schedule_dirs: list[str]
    last_known_day: date
    pid: int = Field(description="作出回答的工作进程")
    workers: int
    note: str | None = Field(None, description="多个工作进程时：其他进程如何重新读取")


class NoticeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(
        min_length=1, max_length=MAX_NOTICE_CHARS, description="通知原文：纯文本或 gov.cn 网页"
    )
    year: int | None = Field(None, description="通知的年份（缺省：从标题读出）")
    source: str | None = Field(None, description="通知中没有文号时使用的出处")
    amends: str | None = Field(
        None,
        max_length=MAX_NOTICE_CHARS,
        description="调整已有安排的通知：被调整的安排文件（TOML 文本）",
    )


class NoticeDay(BaseModel):
    date: dt.date
    name: str
    off: bool = Field(description="true：放假；false：调休上班")


class NoticeOut(BaseModel):
    year: int
    notice: str = Field(description="出处（通知文号）")
    days: list[NoticeDay]
    toml: str = Field(description="安排文件（保存为 file_name 放进安排文件目录，再 reload）")
    file_name: str
    current: str | None = Field(
        description="运行中的日历里这一年现在的来源：official、loaded、projected 或 null（没有）"
    )


# ----------------------------------------------------------------------------- errors


def _payload(
    code: str, zh: str, en: str, *, field: str | None = None, value: object = None
) -> dict[str, object]:
    shown = value if isinstance(value, str | int | float | bool) else None
    return InputError(zh, code=code, message_en=en, field=field, value=shown).as_dict()


def _request_invalid(exc: RequestValidationError) -> dict[str, object]:
    errors = list(exc.errors())
    if not errors:  # pragma: no cover  (FastAPI always lists at least one)
        return _payload("request-invalid", "请求不合法", "invalid request")
    err = errors[0]
    loc = [str(p) for p in err.get("loc", ())]
    where = ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path") else loc) or "body"
    kind = str(err.get("type", ""))
    reason, msg = validation_reason(err)
    more = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
    place = (loc[0] + " ") if loc and loc[0] in ("query", "path") else ""
    if kind == "json_invalid":
        detail = str((err.get("ctx") or {}).get("error", msg))
        return _payload(
            "request-invalid",
            f"请求不合法：{reason}（{detail}）",
            f"invalid request: the body is not valid JSON ({detail})",
            field="body",
        )
    zh = f"请求不合法：{place}{where}：{reason}{more}"
    got = err.get("input")
    return _payload(
        "request-invalid",
        zh,
        f"invalid request: {place}{where}: {msg}",
        field=where,
        value=None if kind == "missing" else got,
    )


def _internal(exc: BaseException) -> dict[str, object]:
    incident = uuid.uuid4().hex[:12]
    log.error("internal error %s: %s", incident, type(exc).__name__, exc_info=exc)
    return _payload(
        "internal",
        f"内部错误 {type(exc).__name__}（事件编号 {incident}，详情见服务日志）——请连同请求一起报告",
        f"internal error {type(exc).__name__} (incident {incident}, see the service log);"
        " please report it with the request",
    )


def _json(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status)


class _InternalErrors:
    """Any other exception: 500 with the ``internal`` error object, the traceback only in the
    log. (Starlette's own handler for ``Exception`` re-raises after answering, and uvicorn then
    closes the connection; this answers and keeps it.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:  # too late for an error object: the client sees a broken response
                raise
            await _json({"error": _internal(exc)}, 500)(scope, receive, send)


_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorResponse, "description": "缺少所需年份的放假安排（代码 calendar-*）"},
    422: {"model": ErrorResponse, "description": "输入有误（日期、规则、档案、不可能的案件……）"},
    500: {"model": ErrorResponse, "description": "内部错误（internal）或缺少可选依赖"},
}

# ----------------------------------------------------------------------------- helpers

RegionQuery = Annotated[
    str | None,
    Query(description="自治区日历：ningxia（宁夏）、xinjiang、xizang、guangxi"),
]
ProjectionQuery = Annotated[
    bool, Query(description="没有国务院通知的年份使用预测（结果的 projected 为 true）")
]

_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?", re.ASCII
)


def moment_or_date(text: str, what: str) -> date | datetime:
    """``YYYY-MM-DD`` → a date; ``YYYY-MM-DDTHH:MM[:SS][±HH:MM|Z]`` → an aware moment (no offset:
    Beijing time). Nothing else: no ``20260928``, no week dates."""
    t = text.strip()
    if len(t) == 10 or not _MOMENT.fullmatch(t):
        return parse_iso_date(t, what)  # the standard date-invalid error for anything else
    return to_moment(t, what)


def as_of_day(value: str | None) -> date:
    """The status date: a date, or the Beijing date of a moment; default today in China."""
    if value is None:
        return today()
    return to_date(moment_or_date(value, "as_of"), "as_of")


def _calendar(region: str | None, projection: bool) -> Calendar:
    cal = Calendar(region=region)
    return cal.with_projection() if projection else cal


def _loaded_labels() -> list[str]:
    from gkdeadline.calendar.sources import configured_schedules

    return [s.label() for s in configured_schedules()]


def _schedule_files() -> list[Any]:
    """The files :func:`~gkdeadline.calendar.sources.configured_schedules` reads."""
    return [
        f
        for folder in schedule_dirs()
        for f in sorted(folder.iterdir())
        if f.suffix.lower() in (".toml", ".json") and f.is_file()
    ]


def check_schedule_folder() -> tuple[YearSchedule, ...]:
    """Read the schedule folders as a reload would, and build every calendar the service builds
    with them — without replacing what is loaded. Raises the library's error if a file is bad,
    so a reload never leaves the service without a calendar."""
    found = tuple(load_schedule(f) for f in _schedule_files())
    for region in (None, *REGIONS):  # as Calendar(region=...) combines them: own region only
        mine = [s for s in found if s.region is None or region_key(s.region) == region]
        Calendar(mine, region=region, configured=False).last_day()
    return found


def _warm_up() -> None:
    """Build the calendar index and load (or compile) the batch engine's kernels."""
    Calendar().last_day()
    try:
        import pyarrow as pa

        from gkdeadline.batch_cases import cases
    except (ImportError, MissingDependencyError):
        log.warning("pyarrow is not installed: POST /cases/batch with rows is unavailable")
        return
    cases(pa.table({"received": ["2026-09-28"], "channel": ["post"]}), as_of=date(2026, 10, 1))


def _error_item(index: int, ident: Any, payload: dict[str, object]) -> dict[str, Any]:
    if payload.get("row") is None:
        payload["row"] = index
    return {"index": index, "id": ident, "error": payload}


def _cell(value: Any) -> Any:
    """A JSON value as a table cell: objects and arrays become their JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _column(values: list[Any]) -> Any:
    """One column of JSON values as an Arrow array: as inferred when it has one scalar type,
    else as text (objects and arrays as their JSON), so that a bad cell is that row's error."""
    import pyarrow as pa

    def as_text() -> Any:
        return pa.array([_text(_cell(v)) for v in values], type=pa.string())

    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return as_text()  # mixed types (or an integer past 64 bits): no one Arrow type holds them
    return as_text() if pa.types.is_nested(arr.type) else arr


_ROW_OUTPUT = (
    "due",
    "due_earliest",
    "due_latest",
    "status",
    "on_time",
    "remaining_workdays",
    "workdays_late",
    "findings",
    "findings_basis",
    "findings_zh",
)


def _rows_table(rows: list[dict[str, Any]]) -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("server", "pyarrow") from None

    keys = list(dict.fromkeys(k for r in rows for k in r))
    if "received" not in keys:
        keys.append("received")  # every row then gets its own missing-received error
    return pa.table({k: _column([r.get(k) for r in rows]) for k in keys})


def _compute_rows(
    rows: list[dict[str, Any]],
    *,
    profile: str,
    day: date,
    catalogue: Catalogue,
    strict: bool,
    projection: bool,
    messages: bool,
) -> list[dict[str, Any]]:
    try:  # a deployment without pyarrow: 500 missing-dependency, not an internal error per row
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("server", "pyarrow") from None

    from gkdeadline.batch_cases import cases

    out = cases(
        _rows_table(rows),
        profile=profile,
        as_of=day,
        catalogue=catalogue,
        strict=strict,
        projection=projection,
        messages=messages,
    )
    values = []
    for name in _ROW_OUTPUT:
        col = out.column(name)
        if pa.types.is_date(col.type):
            col = col.cast(pa.string())  # YYYY-MM-DD
        values.append(col.to_pylist())
    codes = out.column("error_code").to_pylist()
    texts = out.column("error").to_pylist()
    results: list[dict[str, Any]] = []
    for i, (row, code, text, *cells) in enumerate(zip(rows, codes, texts, *values, strict=True)):
        if code is not None:
            results.append(
                _error_item(i, row.get("id"), _payload(code, text or code, text or code))
            )
        else:
            item = {"index": i, "id": row.get("id"), "profile": row.get("profile") or profile}
            item.update(zip(_ROW_OUTPUT, cells, strict=True))
            results.append(item)
    return results


def _rows_one_by_one(rows: list[Any], compute: Callable[[list[dict[str, Any]]], Any]) -> list[Any]:
    """Each row on its own (after a failure of the whole table): one bad row stays one error."""
    out: list[Any] = []
    for i, row in enumerate(rows):
        try:
            item = compute([row])[0]
        except GkDeadlineError as exc:
            item = _error_item(i, row.get("id"), exc.as_dict())
        except Exception as exc:
            item = _error_item(i, row.get("id"), _internal(exc))
        item["index"] = i
        if "error" in item:
            item["error"]["row"] = i
        out.append(item)
    return out


# ----------------------------------------------------------------------------- the app


def create_app(catalogue: Catalogue | None = None, *, warm_up: bool = False) -> FastAPI:
    """The HTTP service. ``catalogue``: where profile and rule ids are looked up (default: the
    process default catalogue, looked up on every request, so :func:`gkdeadline.profiles.register`
    takes effect at once). ``warm_up``: before serving, build the calendar index and load the
    batch engine's compiled kernels (numba; about 30 s the very first time on a machine, then
    read from its cache), so that no request pays for it."""

    def cat() -> Catalogue:
        return catalogue if catalogue is not None else default_catalogue()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            await run_in_threadpool(_warm_up)
        yield

    app = FastAPI(
        title="gkdeadline",
        version=__version__,
        summary="政务公开法定时限，按中国工作日历精确计算（HTTP 服务）",
        description=(
            "与 `gkdeadline` 命令行和 Python 库相同的计算和 JSON。错误一律为 "
            '`{"error": {...}}`；状态码：409 缺少放假安排（calendar-*），422 输入有误，'
            "500 内部错误。见 docs/server.md。"
        ),
        lifespan=lifespan,
        responses=_ERRORS,
    )

    # ------------------------------------------------------------------ error handlers

    @app.exception_handler(GkDeadlineError)
    async def _library_error(request: Request, exc: GkDeadlineError) -> JSONResponse:
        status = error_status(exc)
        if status == 500:
            log.error("%s: %s", exc.code, exc.message_en)
        return _json({"error": exc.as_dict()}, status)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json({"error": _request_invalid(exc)}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        path, method = request.url.path, request.method
        if exc.status_code == 404:
            body = _payload(
                "not-found",
                f"没有这个地址：{path}（接口列表见 /docs）",
                f"no such endpoint: {path} (see /docs)",
                field="path",
                value=path,
            )
        elif exc.status_code == 405:
            body = _payload(
                "method-not-allowed",
                f"{path} 不接受 {method} 请求",
                f"{path} does not accept {method}",
                field="method",
                value=method,
            )
        else:
            body = _payload(f"http-{exc.status_code}", str(exc.detail), str(exc.detail))
        return _json({"error": body}, exc.status_code)

    app.add_middleware(_InternalErrors)

    # ------------------------------------------------------------------ health

    @app.get(
        "/health",
        response_model=Health,
        tags=["service"],
        responses={503: {"model": ErrorResponse, "description": "安排文件目录中的文件无法读取"}},
    )
    def health() -> JSONResponse:
        """服务状态、版本和日历已知的最后一天（负载均衡的健康检查用它）。"""
        try:
            last = Calendar().last_day()
            loaded = _loaded_labels()
        except GkDeadlineError as exc:
            return _json({"status": "error", "version": __version__, "error": exc.as_dict()}, 503)
        return _json(
            {
                "status": "ok",
                "version": __version__,
                "calendar": {"last_known_day": last.isoformat(), "loaded": loaded},
            }
        )

    # ------------------------------------------------------------------ workdays

    def day_param(name: str) -> Any:
        return Query(
            alias=name,
            description="YYYY-MM-DD",
            examples=["2026-09-28"],
            json_schema_extra={"format": "date"},
        )

    @app.get("/workdays/add", response_model=WorkdaysAdded, tags=["calendar"])
    def workdays_add(
        day: Annotated[str, day_param("date")],
        n: Annotated[int, Query(description="工作日数；负数向前数；0 返回 date 本身")],
        region: RegionQuery = None,
        projection: ProjectionQuery = False,
    ) -> JSONResponse:
        """date 之后第 n 个工作日（date 本身不计）：`Calendar.add_workdays`。"""
        d = parse_iso_date(day, "date")
        cal = _calendar(region, projection)
        with collecting_projected() as projected:
            result = cal.add_workdays(d, n)
        return _json(
            {
                "date": d.isoformat(),
                "n": n,
                "result": result.isoformat(),
                "special_days": cal.special_days(d, result),
                "calendar": cal.region or "national",
                "projected": bool(projected),
            }
        )

    @app.get("/workdays/between", response_model=WorkdaysBetween, tags=["calendar"])
    def workdays_between(
        a: Annotated[str, day_param("a")],
        b: Annotated[str, day_param("b")],
        region: RegionQuery = None,
        projection: ProjectionQuery = False,
    ) -> JSONResponse:
        """(a, b] 中的工作日数：`Calendar.workdays_between`。"""
        da, db = parse_iso_date(a, "a"), parse_iso_date(b, "b")
        cal = _calendar(region, projection)
        with collecting_projected() as projected:
            result = cal.workdays_between(da, db)
        return _json(
            {
                "a": da.isoformat(),
                "b": db.isoformat(),
                "result": result,
                "calendar": cal.region or "national",
                "projected": bool(projected),
            }
        )

    @app.get("/workdays/is", response_model=WorkdayAnswer, tags=["calendar"])
    def workdays_is(
        day: Annotated[str, day_param("date")],
        region: RegionQuery = None,
        projection: ProjectionQuery = False,
    ) -> JSONResponse:
        """date 是否工作日：`Calendar.is_workday`。"""
        d = parse_iso_date(day, "date")
        cal = _calendar(region, projection)
        with collecting_projected() as projected:
            result = cal.is_workday(d)
        return _json(
            {
                "date": d.isoformat(),
                "result": result,
                "description": cal.describe_day(d),
                "calendar": cal.region or "national",
                "projected": bool(projected),
            }
        )

    # ------------------------------------------------------------------ rules

    @app.get("/rules", response_model=list[RuleOut], tags=["rules"])
    def rules(
        profile: Annotated[str | None, Query(description="只列这个档案的规则（档案 id）")] = None,
        on: Annotated[
            str | None,
            Query(description="这一天施行的规则（含回落的国家规定）；需要 profile"),
        ] = None,
    ) -> JSONResponse:
        """时限目录：每条规则的期限、出处、施行日期（`gkdeadline rules --json`）。"""
        from gkdeadline.commands.rules import rule_json

        c = cat()
        day = parse_iso_date(on, "on") if on is not None else None
        if profile is not None:
            prof = c.get(profile)
            pairs = prof.resolved(day) if day is not None else [(r, False) for r in prof.rules]
        elif day is not None:
            raise InputError(
                "on 需要同时给出 profile（哪个档案施行中的规则？）",
                code="request-invalid",
                message_en="'on' needs 'profile' (the rules in force in which profile?)",
                field="on",
                value=on,
            )
        else:
            pairs = [(r, False) for r in c.rules()]
        out = []
        for r, fallback in pairs:
            item = rule_json(r)
            if day is not None:
                item["via_fallback"] = fallback
            out.append(item)
        return _json(out)

    @app.get("/rules/{rule_id}/due", response_model=DueOut, tags=["rules"])
    def rule_due(
        rule_id: Annotated[str, Path(description="规则 id，如 national-2019.request-reply")],
        start: Annotated[
            str,
            Query(
                alias="from",
                description="起算日 YYYY-MM-DD，或时刻（按小时计的规则；不带时区按北京时间）",
                examples=["2026-09-28", "2026-10-01T08:30+08:00"],
            ),
        ],
        extension: Annotated[
            int | None, Query(description="延长规则：批准延长的工作日数（缺省为上限）")
        ] = None,
        region: RegionQuery = None,
        projection: ProjectionQuery = False,
    ) -> JSONResponse:
        """从起算日计算一条规则的期限，附中文说明和依据（`gkdeadline due --json`）。"""
        c = cat()
        rule = c.get_rule(rule_id)
        moment = moment_or_date(start, "from")
        owner = c.profile_of(rule)
        cal = _calendar(region if region is not None else owner.region, projection)
        with collecting_projected() as projected:
            deadline = rule.due(moment, cal, amount=extension)
            explanation = deadline.explain(cal)
        return _json(
            {
                "rule": rule.id,
                "from": moment.isoformat(),
                "due": deadline.iso(),
                "meaning": deadline.meaning,
                "calendar": cal.region or "national",
                "explanation": explanation,
                "citation": rule.citation(),
                "projected": bool(projected),
            }
        )

    # ------------------------------------------------------------------ cases

    @app.post("/cases", response_model=CaseResult, tags=["cases"])
    def case(body: CaseRequest) -> JSONResponse:
        """一件申请：事件 → 期限、状态、问题和审计记录（`gkdeadline case FILE --json`）。"""
        c = cat()
        day = as_of_day(body.as_of)
        result = Case(
            c.get(body.profile),
            body.events,
            case_id=body.id,
            applicant=body.applicant,
            extra=body.extra,
            catalogue=c,
            strict=body.strict,
            projection=body.projection,
        ).result(day)
        return _json(result.as_dict())

    @app.post(
        "/cases/batch",
        response_model=list[CaseResult | BatchRowResult | BatchItemError],
        tags=["cases"],
    )
    def cases_batch(body: BatchRequest) -> JSONResponse:
        """许多案件：每件一个结果，按输入顺序；算不了的案件是一个错误对象（index、id、error），
        不影响其他案件。`cases`（案件文件）每件返回 CaseResult；`rows`（一行一件，与
        `gkdeadline batch` 相同的列）由编译的批量引擎计算，返回输出列。"""
        c = cat()
        day = as_of_day(body.as_of)
        if body.cases is not None:
            return _json(
                [
                    _one_case(i, item, c, day, body.strict, body.projection)
                    for i, item in enumerate(body.cases)
                ]
            )
        rows: list[Any] = body.rows or []

        def compute(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return _compute_rows(
                part,
                profile=body.profile,
                day=day,
                catalogue=c,
                strict=body.strict,
                projection=body.projection,
                messages=body.messages,
            )

        bad = {
            i: _error_item(
                i,
                None,
                _payload(
                    "row-invalid",
                    f"第 {i} 行不是 JSON 对象",
                    f"row {i} is not a JSON object",
                    field="rows",
                ),
            )
            for i, r in enumerate(rows)
            if not isinstance(r, dict)
        }
        good = [r if isinstance(r, dict) else {} for r in rows]
        try:
            results = compute(good)
        except MissingDependencyError:
            raise
        except Exception as exc:  # a whole-table failure must not fail every row: one by one
            log.warning(
                "batch of %d rows failed as a whole (%r); computing row by row", len(rows), exc
            )
            results = _rows_one_by_one(good, compute)
        return _json([bad.get(i, r) for i, r in enumerate(results)])

    # ------------------------------------------------------------------ calendar data

    @app.get("/coverage", response_model=CoverageOut, tags=["calendar"])
    def coverage(region: RegionQuery = None, projection: ProjectionQuery = False) -> JSONResponse:
        """日历知道哪些年份、每年数据的来源、自治区缺少的年份（`gkdeadline coverage --json`）。"""
        cal = _calendar(region, projection)
        rows = cal.coverage()
        last_year = max(r.year for r in rows)
        gaps = {
            key: missing_years(key, 2008, last_year)
            for key in ([cal.region] if cal.region else REGIONS)
        }
        return _json(
            {
                "region": cal.region,
                "years": [asdict(r) for r in rows],
                "last_known_day": cal.last_day().isoformat(),
                "regional_missing": gaps,
                "schedule_dirs": [str(d) for d in schedule_dirs()],
            }
        )

    @app.post("/calendar/reload", response_model=ReloadOut, tags=["calendar"])
    def calendar_reload() -> JSONResponse:
        """重新读取安排文件目录（GKDEADLINE_SCHEDULES）：国务院通知发布当天，把安排文件放进目录后
        调用。先完整检查新文件；有错误时返回错误，继续使用原来的安排。"""
        check_schedule_folder()
        loaded = reload_schedules()
        workers = _workers()
        return _json(
            {
                "loaded": [
                    {
                        "year": s.year,
                        "region": s.region,
                        "source": s.source,
                        "status": s.status,
                        "override": s.override,
                    }
                    for s in loaded
                ],
                "schedule_dirs": [str(d) for d in schedule_dirs()],
                "last_known_day": Calendar().last_day().isoformat(),
                "pid": os.getpid(),
                "workers": workers,
                "note": (
                    f"只有本工作进程（pid {os.getpid()}）重新读取了安排；共有 {workers} 个工作进程，"
                    "请向 gkdeadline serve 的主进程发送 SIGHUP（kill -HUP <pid>），所有工作进程会依次"
                    "重启并读取新安排"
                    if workers > 1
                    else None
                ),
            }
        )

    @app.post("/schedules/import", response_model=NoticeOut, tags=["calendar"])
    def schedules_import(body: NoticeRequest) -> JSONResponse:
        """读国务院放假通知原文，核对后给出安排文件（TOML）和逐日安排；不写任何文件
        （`gkdeadline schedule import NOTICE`）。"""
        from gkdeadline.calendar.notice import apply_notice, parse_notice, schedule_to_toml
        from gkdeadline.calendar.schedule import parse_toml

        if body.amends is not None:
            schedule = apply_notice(
                parse_toml(body.amends, "amends"), body.text, source=body.source
            )
        else:
            schedule = parse_notice(body.text, year=body.year, source=body.source)
        current = {r.year: r.national for r in Calendar().coverage()}.get(schedule.year)
        return _json(
            {
                "year": schedule.year,
                "notice": schedule.source,
                "days": [
                    {"date": e.day.isoformat(), "name": e.name, "off": e.off}
                    for e in schedule.entries
                ],
                "toml": schedule_to_toml(schedule),
                "file_name": f"{schedule.year}.toml",
                "current": current,
            }
        )

    return app


def _one_case(
    index: int, item: Any, catalogue: Catalogue, day: date, strict: bool, projection: bool
) -> dict[str, Any]:
    ident = item.get("id") if isinstance(item, dict) else None
    try:
        if not isinstance(item, dict):
            raise InputError(
                f"第 {index} 件不是 JSON 对象",
                code="case-file-invalid",
                message_en=f"case {index} is not a JSON object",
            )
        case = Case.from_dict(item, catalogue=catalogue, strict=strict, projection=projection)
        return case.result(day).as_dict()
    except GkDeadlineError as exc:
        return _error_item(index, ident, exc.as_dict())
    except Exception as exc:
        return _error_item(index, ident, _internal(exc))


def _workers() -> int:
    try:
        return max(1, int(os.environ.get(WORKERS_ENV, "1")))
    except ValueError:
        return 1


def serve_app() -> FastAPI:
    """The application ``gkdeadline serve`` runs in each worker (warmed up before serving)."""
    return create_app(warm_up=True)
