"""The request case engine's API: a 依申请公开 request's events in, its result out.

Record, don't refuse: a case stores what the agency actually did, including what it did wrong.
Events are replayed in date order (same-day order from `gkdeadline.events`, whatever order
they are given in); the rules in force on the receipt date decide what each event means
(`gkdeadline.engine.params`); one core computes the result
(`gkdeadline.engine.core`), the same code the batch engine runs compiled. A violation — an
extension granted after the deadline, a late correction notice — is a *finding* with its code and
the rule broken, and its legal consequence is computed; only impossible data (an answer before
the request, 2026-02-30) is a `CaseError`. ``strict=True`` turns
violations into errors for systems that validate input.

See ``docs/cases.md`` and ``docs/events/`` for each event type and its article.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gkdeadline.calendar import Calendar, YearSchedule
from gkdeadline.engine import run
from gkdeadline.engine.result import STATUS_ZH, CaseResult, DeadlineItem, Finding, Status, Step
from gkdeadline.errors import CaseError, GkDeadlineError, validation_reason
from gkdeadline.events import (
    BY_TYPE,
    CHANNEL_ZH,
    EVENT_TYPES,
    PARTY_ZH,
    EventModel,
)
from gkdeadline.outcomes import APPLICANT_CODES
from gkdeadline.profiles import NATIONAL, Catalogue, Profile, default_catalogue, strict_json
from gkdeadline.timeconv import to_date, today
from gkdeadline.userfiles import read_utf8

__all__ = [
    "CHANNEL_ZH",
    "EVENT_TYPES",
    "PARTY_ZH",
    "STATUS_ZH",
    "Case",
    "CaseFile",
    "CaseResult",
    "DeadlineItem",
    "Finding",
    "Status",
    "Step",
    "parse_event",
]

MAX_CASE_BYTES = 50_000_000  # a case file larger than this is refused (documented)
MAX_NESTING = 32  # levels of objects and arrays in a case's or an event's own fields (extra)


def _check_input(
    value: Any, field: str, event_index: int | None = None, kind: str | None = None
) -> None:
    """Refuse what no output could carry: text with a lone surrogate (``"\\ud800"`` in JSON is
    not Unicode, and writing it fails) and objects or arrays nested more than
    :data:`MAX_NESTING` levels deep. ``field`` names the value in the error (empty: ``value`` is
    an event, whose keys are the field names); ``event_index`` and ``kind`` say which event."""
    if value is None:
        return
    if type(value) is dict and _flat(value):
        return  # the usual event: flat, text and numbers
    prefix = (
        ("", "")
        if kind is None
        else (f"事件 {event_index}（{kind}）：", f"event {event_index} ({kind}): ")
    )
    stack: list[tuple[Any, str, int, bool]] = [(value, field, 1 if field else 0, False)]
    while stack:
        v, where, depth, is_key = stack.pop()
        if isinstance(v, str):
            if not v.isascii() and _has_surrogate(v):
                shown = v.encode("utf-8", "backslashreplace").decode("utf-8")
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                if not is_key:
                    zh, en = f"字段 {where} ", f"field {where}"
                elif where:
                    zh, en = f"{where} 中的键名", f"a key in {where}"
                else:
                    zh, en = "字段名", "a field name"
                raise CaseError(
                    f"{prefix[0]}{zh}含有不成对的代理码位（{shown}），不是有效的 Unicode 文本，无法写出；"
                    "请检查生成这个值的程序",
                    code="field-invalid",
                    message_en=(
                        f"{prefix[1]}{en} holds a lone surrogate ({shown}), which is not valid Unicode"
                        " text and cannot be written out; fix the program that produced it"
                    ),
                    event_index=event_index,
                    field=where or None,
                    value=shown,
                )
            continue
        if isinstance(v, Mapping | list | tuple):
            if depth > MAX_NESTING:
                top = where.split(".")[0].split("[")[0]
                raise CaseError(
                    f"{prefix[0]}字段 {top} 的对象和数组嵌套超过 {MAX_NESTING} 层；请只放层次简单的值",
                    code="field-invalid",
                    message_en=(
                        f"{prefix[1]}field {top} nests objects and arrays more than {MAX_NESTING}"
                        " levels deep; keep it simple"
                    ),
                    event_index=event_index,
                    field=top,
                )
            if isinstance(v, Mapping):
                for k, item in v.items():
                    key = k if isinstance(k, str) else str(k)
                    stack.append((key, where, depth + 1, True))
                    stack.append((item, f"{where}.{key}" if where else key, depth + 1, False))
            else:
                stack.extend((item, f"{where}[{i}]", depth + 1, False) for i, item in enumerate(v))


def _flat(d: dict[Any, Any]) -> bool:
    """Every key and value of ``d`` is plain (or a null value)."""
    for k, v in d.items():  # noqa: SIM110  (a loop: all() over a generator is ~2× slower here)
        if not _plain(k) or (v is not None and not _plain(v)):
            return False
    return True


def _plain(v: Any) -> bool:
    """A value with nothing to check: a number, or text without a lone surrogate."""
    t = type(v)
    if t is str:
        return v.isascii() or not _has_surrogate(v)
    return t is int or t is float or t is bool


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class CaseFile(BaseModel):
    """A case as a JSON document: ``{"profile": "national", "events": [...]}``."""

    model_config = ConfigDict(extra="forbid", title="gkdeadline case")
    id: str | None = Field(None, description="案件编号（原样返回）")
    """The case's id, returned untouched."""
    profile: str = Field(NATIONAL, description="档案 id")
    """The profile id (default ``national``)."""
    applicant: str | None = Field(None, description=f"申请人类型：{'、'.join(APPLICANT_CODES)}")
    """The applicant's type, for the annual report.

    One of ``natural-person``, ``business``, ``research``, ``nonprofit``, ``legal-service``,
    ``other-org``.
    """
    events: list[dict[str, Any]] = Field(description="事件，见 docs/events/")
    """The events (``docs/events/``), at least the ``received`` one."""
    extra: dict[str, Any] | None = Field(None, description="调用方自己的字段，原样返回")
    """The caller's own fields, returned untouched."""

    @field_validator("events")
    @classmethod
    def _not_empty(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not v:
            raise ValueError("案件至少要有收到申请（received）事件")
        return v

    @field_validator("applicant")
    @classmethod
    def _applicant(cls, v: str | None) -> str | None:
        if v is not None and v not in APPLICANT_CODES:
            raise ValueError(f"applicant {v!r} is not one of {', '.join(APPLICANT_CODES)}")
        return v


def parse_event(raw: Mapping[str, Any] | BaseModel, index: int = 0) -> EventModel:
    """Validate one event (a dict or an event object); errors name the index, field and value."""
    if isinstance(raw, EventModel):
        _check_event_fields({"note": raw.note, "extra": raw.extra}, index, raw.type)
        return raw
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, Mapping):
        raise CaseError(
            f"事件 {index} 不是对象（JSON object），而是 {type(raw).__name__}",
            code="event-invalid",
            message_en=f"event {index} is a {type(raw).__name__}, not an object",
            event_index=index,
        )
    kind = raw.get("type")
    if kind not in BY_TYPE:
        raise CaseError(
            f"事件 {index}：未知的事件类型 {kind!r}；可用的类型：{'、'.join(EVENT_TYPES)}",
            code="event-type-unknown",
            message_en=f"event {index}: unknown type {kind!r}; use one of {', '.join(EVENT_TYPES)}",
            event_index=index,
            field="type",
            value=kind if isinstance(kind, str) else repr(kind),
        )
    _check_event_fields(raw, index, kind)
    try:
        model = BY_TYPE[kind].model  # (its validator called directly: this runs for every event)
        return model.__pydantic_validator__.validate_python(  # type: ignore[no-any-return]
            raw if type(raw) is dict else dict(raw)
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "event"
        got = err.get("input")
        original = (err.get("ctx") or {}).get("error")
        if isinstance(original, GkDeadlineError):
            code, zh, en = original.code, original.message_zh, original.message_en
        elif err["type"] == "missing":
            code, zh, en = "field-missing", f"缺少必填字段 {where}", f"field {where} is required"
        elif err["type"] == "extra_forbidden":
            code = "field-unknown"
            zh = f"没有字段 {where}（调用方自己的字段请放进 extra 对象）"
            en = f"unknown field {where} (put your own fields in the 'extra' object)"
        else:
            reason_zh, reason_en = validation_reason(err)
            code, zh, en = "field-invalid", f"字段 {where}：{reason_zh}", f"{where}: {reason_en}"
        shown = f"（实际为 {got!r}）" if not isinstance(got, dict) and got is not None else ""
        raise CaseError(
            f"事件 {index}（{kind}）：{zh}{shown}",
            code=code,
            message_en=f"event {index} ({kind}): {en}",
            event_index=index,
            field=where,
            value=got if isinstance(got, str | int | float | bool) else None,
        ) from None


def _check_event_fields(raw: Mapping[str, Any], index: int, kind: str) -> None:
    _check_input(raw, "", index, kind)


class Case:
    """A request case. Build it from events, or add them one at a time as a case system would.

    Events are replayed in date order, whatever order they are given in; impossible data raises
    `CaseError` (at construction, or in `add`, which then leaves the case unchanged). The
    agency's violations are not errors: they are `Finding`s in the result.

    Example:
        >>> c = Case("national", [{"type": "received", "date": "2026-09-28", "channel": "in_person"}])
        >>> c.due
        datetime.date(2026, 10, 30)

    Args:
        profile: A profile id (looked up in ``catalogue``) or a `Profile` object.
        events: The events so far: dicts in the JSON shape of ``docs/events/`` or event models
            (`gkdeadline.events`).
        calendar: The working calendar. Default: the profile's (national, or its region's), with
            the schedule folder (``GKDEADLINE_SCHEDULES``), ``schedules`` and, if asked, the
            projection.
        schedules: Extra year schedules for this case only (`load_schedule`), e.g. next year's
            notice before it is in the schedule folder.
        projection: Project years that have no State Council notice yet; results that rely on a
            projected day are flagged (``projected``, finding ``projected-calendar``).
        case_id: The caller's id of the case, returned untouched as the result's ``id``.
        catalogue: Where profile ids are looked up (default: the process default catalogue, see
            `register`).
        strict: Violations (findings of severity ``violation``) raise `CaseError` instead of
            being findings: for systems that validate input as it is entered.
        applicant: The applicant's type (``natural-person``, ``business`` …), for the annual
            report's columns.
        extra: The caller's own fields, kept untouched and returned in every output.

    Raises:
        CaseError: An event is malformed or impossible (code, ``event_index``, ``field``).
        ProfileError: ``profile`` is not a known profile id.
    """

    def __init__(
        self,
        profile: str | Profile = NATIONAL,
        events: Iterable[Mapping[str, Any] | BaseModel] = (),
        *,
        calendar: Calendar | None = None,
        schedules: Sequence[YearSchedule] = (),
        projection: bool = False,
        case_id: str | None = None,
        catalogue: Catalogue | None = None,
        strict: bool = False,
        applicant: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        cat = catalogue or default_catalogue()
        self.profile = cat.get(profile) if isinstance(profile, str) else profile
        self.calendar = calendar or self.profile.calendar(schedules, projection)
        self.id = case_id
        self.strict = strict
        self.applicant = applicant
        _check_input(case_id, "id")
        _check_input(applicant, "applicant")
        if applicant is not None and applicant not in APPLICANT_CODES:  # as the case file says
            raise CaseError(
                f"申请人类型 {applicant!r} 不是可用的值（{'、'.join(APPLICANT_CODES)}）",
                code="field-invalid",
                message_en=f"applicant {applicant!r} is not one of {', '.join(APPLICANT_CODES)}",
                field="applicant",
                value=applicant,
            )
        _check_input(extra, "extra")
        self.extra = dict(extra) if extra is not None else None
        self._events = [parse_event(e, i) for i, e in enumerate(events)]
        self._results: dict[date | None, CaseResult] = {}
        if self._events:  # impossible data is refused at once, as Case.add refuses it
            self._check(self._events)

    # -------------------------------------------------------------- construction

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **kw: Any) -> Case:
        """A case from a case file already parsed (``{"profile", "id", "applicant", "extra",
        "events"}``); keyword arguments as for `Case` (``calendar``, ``strict`` …)."""
        try:
            cf = CaseFile.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "case"
            zh, en = validation_reason(err)
            raise CaseError(
                f"案件文件：{where}：{zh}",
                code="case-file-invalid",
                message_en=f"case file: {where}: {en}",
                field=where,
            ) from None
        _check_input(cf.profile, "profile")
        cat: Catalogue = kw.pop("catalogue", None) or default_catalogue()
        return cls(
            cat.get(cf.profile),
            cf.events,
            case_id=cf.id,
            applicant=cf.applicant,
            extra=cf.extra,
            catalogue=cat,
            **kw,
        )

    @classmethod
    def from_json(cls, text: str, **kw: Any) -> Case:
        """A case from the text of a case file (JSON; duplicate keys are refused)."""
        if len(text) > MAX_CASE_BYTES:
            raise CaseError(
                f"案件文件有 {len(text):,} 个字符，超过上限 {MAX_CASE_BYTES:,}",
                code="case-file-too-large",
                message_en=f"the case file is larger than {MAX_CASE_BYTES:,} characters",
            )
        try:
            data = strict_json(text.removeprefix("\ufeff"))
        except json.JSONDecodeError as exc:
            raise CaseError(
                f"案件文件不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行）",
                code="case-file-invalid",
                message_en=f"the case file is not valid JSON: {exc.msg} (line {exc.lineno})",
            ) from None
        except RecursionError:
            raise CaseError(
                "案件文件嵌套层数过深",
                code="case-file-invalid",
                message_en="the case file is nested too deeply",
            ) from None
        except ValueError as exc:
            raise CaseError(str(exc), code="case-file-invalid") from None
        if not isinstance(data, dict):
            raise CaseError(
                "案件文件必须是含 profile 和 events 的 JSON 对象",
                code="case-file-invalid",
                message_en="the case file must be a JSON object with 'profile' and 'events'",
            )
        return cls.from_dict(data, **kw)

    @classmethod
    def from_file(cls, path: str | Path, **kw: Any) -> Case:
        """A case from a case file (UTF-8 JSON)."""
        p = Path(path)
        text = read_utf8(p, "case", CaseError)
        return cls.from_json(text, **kw)

    def add(self, event: Mapping[str, Any] | BaseModel) -> Case:
        """Append one event; raises CaseError (and keeps the case unchanged) if it is impossible."""
        ev = parse_event(event, len(self._events))
        candidate = [*self._events, ev]
        self._check(candidate)
        self._events = candidate
        self._results.clear()
        return self

    def _check(self, events: list[EventModel]) -> None:
        """Replay the events once; impossible data raises and leaves the case unchanged."""
        ctx = run.prepare(self.profile, self.calendar, events)
        run.validate(ctx, today())  # today: what result() is usually asked for
        results: dict[date | None, CaseResult] = {}
        if self.strict:  # checked before anything is kept: a refused event changes nothing
            results[None] = run.compute(ctx, None, self.id, self._extra(), validated=True)
            _raise_violations(results[None])
        self._ctx = ctx
        self._results = results

    def _result_of(self, ctx: run.Context, day: date | None) -> CaseResult:
        found = self._results.get(day)
        if found is None:
            found = run.compute(ctx, day, self.id, self._extra(), validated=True)
            if len(self._results) > 64:
                self._results.clear()
            self._results[day] = found
        return found

    def _extra(self) -> dict[str, Any] | None:
        if self.applicant is None:
            return self.extra
        return {**(self.extra or {}), "applicant": self.applicant}

    @property
    def events(self) -> tuple[EventModel, ...]:
        """The events as validated models, in the order they were given."""
        return tuple(self._events)

    def to_dict(self) -> dict[str, Any]:
        """The case file: ``{"profile": ..., "events": [...]}`` (round-trips with from_dict)."""
        out: dict[str, Any] = {
            "profile": self.profile.id,
            "events": [e.model_dump(mode="json", exclude_none=True) for e in self._events],
        }
        if self.id is not None:
            out["id"] = self.id
        if self.applicant is not None:
            out["applicant"] = self.applicant
        if self.extra is not None:
            out["extra"] = self.extra
        return out

    # -------------------------------------------------------------- answers

    def result(self, as_of: date | str | Any = None) -> CaseResult:
        """Deadline, status, findings and trail as of ``as_of`` (default: today in China).

        ``as_of`` may be a date, an ISO date string, or a datetime (aware: its date in Beijing;
        naive: taken as Beijing time). Events after ``as_of`` have not happened yet.
        """
        day = today() if as_of is None else to_date(as_of, "as_of")
        return self._result(day)

    def _result(self, day: date | None) -> CaseResult:
        if not self._events:
            raise CaseError(
                "案件还没有事件；请先添加“收到申请”（received）事件",
                code="missing-received",
                message_en="the case has no events yet; add its 'received' event first",
            )
        found = self._result_of(self._ctx, day)
        if self.strict:
            _raise_violations(found)
        return found

    @property
    def due(self) -> date | None:
        """The current answer deadline (all events), or None while the clock waits."""
        return self._result(None).due

    def status(self, as_of: date | str | Any = None) -> Status:
        """The status on ``as_of`` (default: today in China); see `CaseResult.status`."""
        return self.result(as_of).status

    @property
    def trail(self) -> tuple[Step, ...]:
        """The audit trail after all events: one `Step` per event."""
        return tuple(self._result(None).trail)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings after all events (violations and notices)."""
        return tuple(self._result(None).findings)


def _raise_violations(result: CaseResult) -> None:
    for f in result.findings:
        if f.severity == "violation":
            raise CaseError(
                f.message + (f"（{f.citation}）" if f.citation else ""),
                code=f.code,
                message_en=f.message_en,
                event_index=f.event_index,
                rule_id=f.rule_id,
                citation=f.citation,
            )
