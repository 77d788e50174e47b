"""Rule objects: validation, every kind's evaluation, errors, explanations."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from gkdeadline import RuleError
from gkdeadline.periods import Duration, Span
from gkdeadline.profiles import get_rule
from gkdeadline.rules import Rule

D = date
SH = ZoneInfo("Asia/Shanghai")
BASE = {
    "title": "测试",
    "topic": "test.topic",
    "source": "测试文件",
    "article": "第一条",
    "quote": "测试",
    "jurisdiction": "测试",
}


def make(**kw: object) -> Rule:
    return Rule.model_validate({**BASE, "id": "test.rule", **kw})


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [
        ({"kind": "period"}, "needs 'duration'"),
        ({"kind": "window", "duration": {"amount": 3, "unit": "days"}}, "needs 'bound'"),
        ({"kind": "fixed_date", "fixed_date": "3-31"}, "MM-DD"),
        (
            {
                "kind": "fixed_date",
                "fixed_date": "03-31",
                "duration": {"amount": 1, "unit": "days"},
            },
            "no 'duration'",
        ),
        ({"kind": "cadence", "duration": {"amount": 1, "unit": "years"}}, "needs 'count'"),
        ({"kind": "period", "duration": {"amount": 5, "unit": "fortnights"}}, "fortnights"),
        (
            {
                "kind": "period",
                "duration": {"amount": 5, "unit": "hours"},
                "excludes": ["suspension"],
            },
            "day-based",
        ),
        (
            {"kind": "period", "duration": {"amount": 5, "unit": "workdays"}, "excludes": ["x"]},
            "consultation.third_party",  # span kinds are a closed list
        ),
        (
            {
                "kind": "period",
                "duration": {"amount": 5, "unit": "workdays"},
                "excludes": ["suspension"],
                "counts": ["suspension"],
            },
            "both in 'excludes' and in 'counts'",
        ),
        ({"kind": "deadline", "deadline": "2018-03-27T17:00:00"}, "timezone"),
        ({"kind": "extension", "duration": {"amount": 5, "unit": "workdays"}}, "needs 'extends'"),
    ],
)
def test_invalid_rules_are_refused(kw: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        make(**kw)
    assert fragment in str(info.value)


def test_bad_id_and_dates() -> None:
    with pytest.raises(ValidationError, match=r"profile\.name"):
        Rule.model_validate({**BASE, "id": "NoDot", "kind": "receipt"})
    with pytest.raises(ValidationError, match="effective_to"):
        make(kind="receipt", effective_from="2020-01-01", effective_to="2019-01-01")


def test_rules_are_immutable() -> None:
    r = get_rule("national-2019.request-reply")
    with pytest.raises(ValidationError):
        r.title = "changed"  # type: ignore[misc]


def test_request_reply_composes_period_spans_and_extension() -> None:
    reply = get_rule("national-2019.request-reply")
    ext = get_rule(reply.extension or "")
    assert ext.kind == "extension" and ext.extends == reply.id
    # 2019 第三十三条第三款 excludes both parties' consultation time; 2008 第二十四条第三款 only
    # the third party's (agency time counts)
    assert reply.excludes == ("consultation.third_party", "consultation.agency")
    assert reply.restarts_on == ("correction_received",)
    assert reply.excludes_basis is not None and reply.excludes_basis.startswith("第三十三条第三款")
    assert reply.article == "第三十三条第二款" and ext.article == "第三十三条第二款"
    old = get_rule("national-2008.request-reply")
    assert old.excludes == ("consultation.third_party",) and old.counts == ("consultation.agency",)
    assert old.excludes_basis is not None and old.excludes_basis.startswith("第二十四条第三款")
    # "consultation" is kept as shorthand for both parties in older profile files
    legacy = make(
        kind="period", duration={"amount": 5, "unit": "workdays"}, excludes=["consultation"]
    )
    assert legacy.excludes == ("consultation.third_party", "consultation.agency")
    first = reply.due(D(2026, 9, 28))
    assert first.value == D(2026, 10, 30)
    assert ext.due(first.value).value == D(2026, 11, 27)
    assert ext.due(first.value, amount=5).value == D(2026, 11, 6)
    paused = reply.due(
        D(2026, 3, 25),
        spans=[Span(D(2026, 4, 1), D(2026, 4, 10), "consultation.third_party", "征求第三方意见")],
    )
    assert paused.value == D(2026, 5, 7)
    assert "2026-04-01 至 2026-04-10 征求第三方意见（10 日）不计入" in paused.explain()


def test_extension_amount_bounds() -> None:
    ext = get_rule("national-2019.request-extension")
    for bad in (0, 21, -1):
        with pytest.raises(RuleError, match="不在 1～20 之内"):
            ext.due(D(2026, 10, 30), amount=bad)
    with pytest.raises(RuleError, match="不是延长期限的规则"):
        get_rule("national-2019.request-reply").due(D(2026, 10, 30), amount=3)


def test_version_in_force() -> None:
    old = get_rule("national-2008.request-reply")
    assert old.in_force(D(2019, 5, 14)) and not old.in_force(D(2019, 5, 15))
    with pytest.raises(RuleError, match="在 2026-01-05 不施行"):
        old.due(D(2026, 1, 5))
    assert old.due(D(2026, 1, 5), check_in_force=False).value == D(2026, 1, 26)


def test_fixed_date_lead_time_window_cadence_deadline() -> None:
    assert get_rule("national-2019.annual-report-government").due(D(2025, 5, 1)).value == D(
        2026, 3, 31
    )
    press = get_rule("pengyang-2018.press-invitation")
    nx_cal = __import__("gkdeadline").Calendar(region="ningxia")
    lead = press.due(D(2021, 7, 19), nx_cal)
    assert lead.value == D(2021, 7, 16) and lead.meaning == "latest_start"
    win = get_rule("major-decision-2019.comment-period").due(D(2026, 9, 28))
    assert win.value == D(2026, 10, 28) and win.meaning == "not_before"
    cad = get_rule("pengyang-2018.new-media-posting").due(D(2021, 5, 12), nx_cal)
    assert cad.value == D(2021, 5, 16) and cad.meaning == "period_end"  # per calendar week
    rolling = get_rule("fenggang-2018.website-news-update").due(D(2026, 9, 28))
    assert rolling.value == D(2026, 10, 5) and rolling.meaning == "next_by"
    one_off = get_rule("pengyang-2018.draft-comment-deadline").due(D(2018, 3, 20))
    assert one_off.value == datetime(2018, 3, 27, 17, 0, tzinfo=one_off.value.tzinfo)


def test_rules_without_a_date_say_why() -> None:
    with pytest.raises(RuleError, match="常设要求"):
        get_rule("fenggang-2018.website-link-speed").due(D(2026, 1, 5))
    with pytest.raises(RuleError, match="received"):
        get_rule("national-2019.receipt-date").due(D(2026, 1, 5))
    with pytest.raises(RuleError, match="delay_set"):
        get_rule("national-2019.excessive-request-delay").due(D(2026, 1, 5))


def test_hour_rule_explanation() -> None:
    d = get_rule("opinion-2016.response").due(datetime(2026, 10, 1, 8, 30, tzinfo=SH))
    assert d.iso() == "2026-10-03T08:30:00+08:00"
    text = d.explain()
    assert "48 小时内" in text and "节假日照算" in text and "国办发〔2016〕61号" in text


def test_explanation_quotes_the_article_and_names_the_holidays() -> None:
    text = get_rule("national-2019.request-reply").due(D(2026, 9, 28)).explain()
    assert "2026-10-01 至 2026-10-07 国庆节放假（7 天）" in text
    assert "2026-10-10（星期六）国庆节调休上班" in text
    assert "（国务院令第711号）第三十三条第二款：“应当自收到申请之日起20个工作日内予以答复”" in text
    assert text.startswith("收到申请之日为 2026-09-28（星期一），自次日起算 20 个工作日")


def test_fixed_date_on_a_day_off_is_flagged_not_moved() -> None:
    # 2027-01-31 is a Sunday; the calendar does not know 2027, so nothing is claimed about it.
    text = get_rule("national-2019.annual-report-department").due(D(2026, 6, 30)).explain()
    assert "2027 年 1 月 31 日前" in text
    # 2021-02-28 (Sunday) is known: flagged, not moved
    d = get_rule("fenggang-2018.annual-report-department").due(D(2020, 6, 30))
    assert d.value == D(2021, 2, 28)
    assert "不顺延" in d.explain()


def test_duration_text() -> None:
    assert str(Duration(amount=20, unit="workdays")) == "20 个工作日"
    assert get_rule("pengyang-2018.open-day-frequency").limit_text() == "每年 2 次"
    assert get_rule("fenggang-2018.website-news-update").limit_text() == "1 周内至少 1 次"
    assert get_rule("national-2019.request-on-the-spot").limit_text() == "当日（当场）"
