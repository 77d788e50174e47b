"""JSON Schemas of everything gkdeadline reads and writes, generated from the models.

``gkdeadline schema KIND`` prints one; ``docs/schemas/`` keeps them (generated, checked in CI).
Kinds: ``case`` (a case file), ``event`` (one event), ``result`` (a case result, the JSON shape
of the library, the command line and the HTTP service), ``batch-row`` (a row of the one-row-per-
case batch schema, input and output columns), ``event-log-row`` (a row of an event log),
``profile`` (a profile file) and ``schedule`` (a gkdeadline TOML schedule file).
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from gkdeadline.errors import InputError

KINDS = ("case", "event", "result", "batch-row", "event-log-row", "profile", "schedule")
_ID = "https://gkdeadline.example/schemas/{}.schema.json"


def _finish(schema: dict[str, Any], kind: str) -> dict[str, Any]:
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = _ID.format(kind)
    return schema


def _event_union() -> Any:
    from typing import Annotated, Union

    from pydantic import Field

    from gkdeadline.events import SPECS

    models = tuple(s.model for s in SPECS)
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


def _param_schema(kind: str, values: tuple[str, ...]) -> dict[str, Any]:
    if kind == "date":
        return {"type": ["string", "null"], "format": "date"}
    if kind == "enum":
        return {"enum": [*values, None]}
    if kind == "int":
        return {"type": ["integer", "string", "null"], "description": "正整数"}
    return {"type": ["string", "null"]}


def batch_row_schema() -> dict[str, Any]:
    """The one-row-per-case batch schema: input columns from the event specs, then the output."""
    from gkdeadline.batch_cases import OUTPUT_COLUMNS
    from gkdeadline.engine.result import STATUSES
    from gkdeadline.events import SPECS

    props: dict[str, Any] = {
        "id": {"type": ["string", "null"], "description": "原样返回"},
        "profile": {"type": ["string", "null"], "description": "档案 id（缺省：命令的 --profile）"},
    }
    for spec in SPECS:
        if spec.date_column:
            props[spec.date_column] = {
                "type": ["string", "null"],
                "format": "date",
                "description": f"{spec.title}（{spec.type}）的日期",
            }
        for p in spec.params:
            if p.column and p.column not in props:
                props[p.column] = {
                    **_param_schema(p.kind, p.values),
                    "description": f"{spec.title}：{p.field}",
                }
    out: dict[str, Any] = {
        "due": {"type": ["string", "null"], "format": "date"},
        "due_earliest": {"type": ["string", "null"], "format": "date"},
        "due_latest": {"type": ["string", "null"], "format": "date"},
        "status": {"enum": [*STATUSES, None]},
        "on_time": {"type": ["boolean", "null"]},
        "remaining_workdays": {"type": ["integer", "null"]},
        "workdays_late": {"type": ["integer", "null"]},
        "findings": {"type": ["string", "null"], "description": "问题代码，以 ; 分隔"},
        "findings_basis": {
            "type": ["string", "null"],
            "description": "每个问题的依据条文，以 ; 分隔",
        },
        "findings_zh": {"type": ["string", "null"], "description": "问题说明及依据，每行一条"},
        "error_code": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"]},
    }
    assert tuple(out) == OUTPUT_COLUMNS
    return {
        "title": "gkdeadline batch row",
        "type": "object",
        "properties": {**props, **out},
        "required": ["received"],
        "additionalProperties": True,
    }


def event_log_row_schema() -> dict[str, Any]:
    from gkdeadline.events import EVENT_TYPES, SPECS

    props: dict[str, Any] = {
        "case_id": {"type": "string"},
        "type": {"enum": list(EVENT_TYPES)},
        "date": {"type": "string", "format": "date"},
        "profile": {"type": ["string", "null"]},
    }
    for spec in SPECS:
        for p in spec.params:
            props.setdefault(p.field, _param_schema(p.kind, p.values))
    return {
        "title": "gkdeadline event-log row",
        "type": "object",
        "properties": props,
        "required": ["case_id", "type", "date"],
        "additionalProperties": True,
    }


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (one of :data:`KINDS`)."""
    if kind == "profile":
        from gkdeadline.profiles import json_schema as profile_schema

        return profile_schema()
    if kind == "case":
        from gkdeadline.case import CaseFile

        schema = CaseFile.model_json_schema()
        events = TypeAdapter(_event_union()).json_schema()
        schema["properties"]["events"] = {
            "type": "array",
            "items": {"$ref": "#/$defs/Event"},
            "minItems": 1,
            "description": "事件，见 docs/events/",
        }
        defs = schema.setdefault("$defs", {})
        defs.update(events.pop("$defs", {}))
        defs["Event"] = events
        return _finish(schema, kind)
    if kind == "event":
        return _finish(TypeAdapter(_event_union()).json_schema(), kind)
    if kind == "result":
        from gkdeadline.engine.result import CaseResult

        return _finish(CaseResult.model_json_schema(mode="serialization"), kind)
    if kind == "batch-row":
        return _finish(batch_row_schema(), kind)
    if kind == "event-log-row":
        return _finish(event_log_row_schema(), kind)
    if kind == "schedule":
        from gkdeadline.calendar.schedule_files import TomlFile

        return _finish(TomlFile.model_json_schema(), kind)
    raise InputError(
        f"没有 {kind!r} 这种 schema；可用：{'、'.join(KINDS)}",
        code="schema-unknown",
        message_en=f"unknown schema {kind!r}; use one of {', '.join(KINDS)}",
        value=kind,
    )
