"""The engine builds results without validation (``CaseResult.trusted``, the parts' quick
``__init__``): what it builds must be what pydantic would validate from the same data."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from gkdeadline import Case
from gkdeadline.engine.result import (
    CaseResult,
    DeadlineItem,
    Finding,
    RuleRef,
    SpanItem,
    Step,
)
from gkdeadline.errors import GkDeadlineError
from gkdeadline.testing import request_events

PARTS = (Finding, Step, DeadlineItem, SpanItem, RuleRef)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request_events())
def test_an_engine_result_equals_the_model_validated_from_its_json(events: list) -> None:
    try:
        case = Case("national", events)
    except GkDeadlineError:
        return  # impossible data: refused, nothing built
    for as_of in (None, date(2026, 11, 24)):
        try:
            got = case.result(as_of)
        except GkDeadlineError:
            continue  # a deadline the calendar cannot give yet, say
        again = CaseResult.model_validate(got.model_dump(mode="json"))
        assert again == got
        assert again.model_dump(mode="json") == got.model_dump(mode="json")
        assert [type(f) for f in got.findings] == [Finding] * len(got.findings)


@pytest.mark.parametrize("cls", PARTS)
def test_the_parts_keep_their_dataclass_signature_and_stay_frozen(cls: type) -> None:
    fields = dataclasses.fields(cls)
    params = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        want = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == want
    required = [f.name for f in fields if f.default is dataclasses.MISSING]
    obj = cls(**{name: f"v-{name}" for name in required})
    assert obj == cls(*[f"v-{name}" for name in required])  # positional, as dataclasses take
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, fields[0].name, "changed")
    with pytest.raises(TypeError):
        cls(**dict.fromkeys(required, "x"), not_a_field=1)
    if required:
        with pytest.raises(TypeError):
            cls()
    assert hash(obj) == hash(cls(**{name: f"v-{name}" for name in required}))
