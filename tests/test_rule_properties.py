"""Properties the rules rely on, stated with the public strategies of gkdeadline.testing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gkdeadline import Calendar
from gkdeadline.periods import Duration, Span
from gkdeadline.profiles import get_rule
from gkdeadline.testing import catalogue_rules, compositions, covered_dates, day_rules, spans

CAL = Calendar()
SH = ZoneInfo("Asia/Shanghai")
inner = covered_dates(CAL, margin=1300)  # longest generated period: 40 months


@settings(max_examples=150)
@given(day_rules(), inner, inner)
def test_monotone_in_the_start(rule, a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    assert rule.due(a, CAL).value <= rule.due(b, CAL).value


@settings(max_examples=150)
@given(compositions(CAL))
def test_a_span_that_does_not_count_never_shortens(comp) -> None:
    rule, start, extra = comp
    assert rule.due(start, CAL, spans=extra).value >= rule.due(start, CAL).value


@settings(max_examples=100)
@given(compositions(CAL), st.data())
def test_adding_a_span_never_moves_the_deadline_earlier(comp, data) -> None:
    rule, start, some = comp
    more = some + data.draw(spans(start, max_spans=1))
    assert rule.due(start, CAL, spans=more).value >= rule.due(start, CAL, spans=some).value


@settings(max_examples=100)
@given(catalogue_rules(("extension",)), inner, st.integers(1, 30))
def test_an_extension_never_shortens(ext, original: date, amount: int) -> None:
    assert ext.duration is not None
    amount = min(amount, ext.duration.amount)
    cal = Calendar()
    assert ext.due(original, cal, amount=amount, check_in_force=False).value > original


@settings(max_examples=150)
@given(day_rules(units=("workdays",)), inner)
def test_workday_rules_end_on_workdays(rule, start: date) -> None:
    end = rule.due(start, CAL).value
    assert rule.duration.amount == 0 or CAL.is_workday(end)


@settings(max_examples=150)
@given(day_rules(units=("days", "weeks", "months")), inner)
def test_calendar_day_rules_end_on_workdays_after_rollover(rule, start: date) -> None:
    end = rule.due(start, CAL).value
    if rule.roll == "forward" and rule.duration.amount:
        assert CAL.is_workday(end)
        # rolling never skips a workday: the unrolled end is the previous workday or later
        unrolled = rule.model_copy(update={"roll": "none"}).due(start, CAL).value
        assert unrolled <= end and CAL.workdays_between(unrolled, end) <= 1


@settings(max_examples=100)
@given(
    st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(
        [
            "opinion-2016.first-release",
            "opinion-2016.press-conference",
            "opinion-2016.response",
            "pengyang-2018.opinion-first-release",
        ]
    ),
)
def test_hour_rules_are_exact_elapsed_time(moment: datetime, rule_id: str) -> None:
    rule = get_rule(rule_id)
    start = moment.replace(tzinfo=SH)
    assert rule.duration is not None
    due = rule.due(start, CAL, check_in_force=False).value
    assert due - start == timedelta(hours=rule.duration.amount)


@given(inner, st.integers(0, 40))
def test_spans_before_the_start_change_nothing(start: date, n: int) -> None:
    rule = get_rule("national-2019.request-reply").model_copy(
        update={"duration": Duration(amount=n, unit="workdays")}
    )
    before = [Span(start - timedelta(days=30), start - timedelta(days=1), "consultation")]
    assert (
        rule.due(start, CAL, spans=before, check_in_force=False).value
        == rule.due(start, CAL, check_in_force=False).value
    )
