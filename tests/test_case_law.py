"""The case engine against the law and against real cases.

Must-show tests of the "one engine" and "record every case" issues: every legal choice the engine
makes comes from a rule in force on the receipt date (a user profile can change it), every event
type is computed on dates taken from a real case in docs/legal-sources.md §12 or from the
article's own text (quoted next to each test), and the scalar engine, the JSON form and the batch
event log give the same answer.

Sources are cited as in docs/legal-sources.md: 条例（2019）= 国务院令第711号, 条例（2008）= 国务院令第492号.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from gkdeadline import Calendar, CaseError
from gkdeadline.batch_cases import event_log
from gkdeadline.case import Case, parse_event
from gkdeadline.events import BY_TYPE, SPECS
from gkdeadline.profiles import Catalogue, get_profile, parse_profile
from tests.oracle import NaiveCalendar, naive_period

D = date
NA = NaiveCalendar(Calendar())
NX = NaiveCalendar(Calendar(region="ningxia"))


def ev(kind: str, day: str, **kw: object) -> dict[str, object]:
    return {"type": kind, "date": day, **kw}


def received(day: str, channel: str = "in_person", **kw: object) -> dict[str, object]:
    return ev("received", day, channel=channel, **kw)


def step(case: Case, event: str) -> Any:
    """The (first) trail step of an event type."""
    return next(s for s in case.trail if s.event == event)


def user_catalogue(reply_extra: str, profile_id: str = "test-county") -> Catalogue:
    """The built-in catalogue plus one county whose request.reply rule says ``reply_extra``."""
    text = f"""
id = "{profile_id}"
title = "测试县政府信息依申请公开办法"
jurisdiction = "测试县"
source = "测试县政府信息依申请公开办法"
effective_from = 2008-05-01

[[rules]]
name = "request-reply"
title = "依申请公开答复期限"
kind = "period"
topic = "request.reply"
article = "第十条"
quote = "自收到申请之日起20个工作日内予以答复"
duration = {{ amount = 20, unit = "workdays" }}
{reply_extra}
"""
    return Catalogue.builtin().with_profile(parse_profile(text, "toml", f"{profile_id}.toml"))


# ============================================================================= one engine: rules


def test_a_user_profile_with_restarts_on_empty_does_not_restart_after_a_correction() -> None:
    events = [
        received("2026-03-02"),
        ev("correction_requested", "2026-03-05"),
        ev("correction_received", "2026-03-16"),
    ]
    silent = user_catalogue("")  # silent on restarts: the national rule (第三十条) decides
    never = user_catalogue("restarts_on = []", "never-county")
    restarts = Case("test-county", events, catalogue=silent)
    continues = Case("never-county", events, catalogue=never)
    # 条例（2019）第三十条：“答复期限自行政机关收到补正的申请之日起计算”
    assert restarts.due == naive_period(NA, D(2026, 3, 16), 20) == D(2026, 4, 14)
    assert step(restarts, "correction_received").rule_id == "national-2019.request-reply"
    assert "第三十条" in step(restarts, "correction_received").text
    # restarts_on = []: the period runs on from the receipt, as if nothing had happened
    assert continues.due == naive_period(NA, D(2026, 3, 2), 20) == D(2026, 3, 30)
    assert "期限继续" in step(continues, "correction_requested").text
    assert continues.result(D(2026, 3, 10)).status == "running"
    assert restarts.result(D(2026, 3, 10)).status == "awaiting_correction"


def test_a_user_profile_excluding_only_third_party_time_counts_agency_time() -> None:
    cat = user_catalogue(
        'excludes = ["consultation.third_party"]\ncounts = ["consultation.agency"]\n'
        'excludes_basis = "第十条第二款：“征求第三方意见所需时间不计算在前款规定的期限内”"'
    )
    agency = [
        received("2026-03-25"),
        ev("consultation_started", "2026-04-01", party="agency"),
        ev("consultation_ended", "2026-04-10", party="agency"),
    ]
    third = [{**e, "party": "third_party"} if "party" in e else e for e in agency]
    span = [(D(2026, 4, 1), D(2026, 4, 10))]
    county_agency = Case("test-county", agency, catalogue=cat)
    assert county_agency.due == naive_period(NA, D(2026, 3, 25), 20) == D(2026, 4, 23)
    finding = county_agency.findings[0]
    assert finding.code == "no-basis-for-span" and finding.rule_id == "test-county.request-reply"
    assert "征求其他机关意见" in finding.message
    assert [s.counted for s in county_agency.result(D(2026, 4, 20)).spans] == [True]
    county_third = Case("test-county", third, catalogue=cat)
    assert county_third.due == naive_period(NA, D(2026, 3, 25), 20, span) == D(2026, 5, 7)
    assert "第十条第二款" in step(county_third, "consultation_started").text
    # the national rule (2019 第三十三条第三款) excludes both parties' time
    assert Case("national", agency).due == D(2026, 5, 7) and Case("national", agency).findings == ()


def test_2012_third_party_consultation_is_excluded_under_the_2008_text() -> None:
    # 条例（2008）第二十四条第三款：“申请公开的政府信息涉及第三方权益的，行政机关征求第三方意见
    # 所需时间不计算在本条第二款规定的期限内”
    c = Case(
        "national",
        [
            received("2012-03-01"),
            ev("consultation_started", "2012-03-05", party="third_party"),
            ev("consultation_ended", "2012-03-09", party="third_party"),
        ],
    )
    assert c.due == naive_period(NA, D(2012, 3, 1), 15, [(D(2012, 3, 5), D(2012, 3, 9))])
    assert c.due == D(2012, 3, 29)
    s = step(c, "consultation_started")
    assert s.rule_id == "national-2008.request-reply"
    assert "国务院令第492号" in (s.citation or "") and "条例（2008）第二十四条第三款" in s.text
    assert c.findings == ()
    assert {r.id for r in c.result(D(2012, 3, 10)).rules} >= {"national-2008.request-reply"}
    assert not any("711" in (x.citation or "") for x in c.trail)


def test_2012_agency_consultation_counts_toward_the_period() -> None:
    # “其他机关”意见时间不计入是 2019 年条例第三十三条第三款才有的（docs/legal-sources.md §2）
    c = Case(
        "national",
        [
            received("2012-03-01"),
            ev("consultation_started", "2012-03-05", party="agency"),
            ev("consultation_ended", "2012-03-09", party="agency"),
        ],
    )
    assert c.due == naive_period(NA, D(2012, 3, 1), 15) == D(2012, 3, 22)
    assert [f.code for f in c.findings] == ["no-basis-for-span"]
    f = c.findings[0]
    assert f.rule_id == "national-2008.request-reply" and "国务院令第492号" in (f.citation or "")
    assert "征求其他机关意见时间不计入" in f.message
    spans = c.result(D(2012, 3, 10)).spans
    assert [(s.kind, s.counted) for s in spans] == [("consultation.agency", True)]


def test_the_2008_era_correction_restart_cites_the_2008_rule_not_2019_article_30() -> None:
    c = Case(
        "national",
        [
            received("2012-03-01"),
            ev("correction_requested", "2012-03-02"),
            ev("correction_received", "2012-03-09"),
        ],
    )
    assert c.due == naive_period(NA, D(2012, 3, 9), 15) == D(2012, 3, 30)
    s = step(c, "correction_received")
    assert s.rule_id == "national-2008.request-reply" and "国务院令第492号" in (s.citation or "")
    # 条例（2008）第二十一条第（四）项：“申请内容不明确的，应当告知申请人作出更改、补充”
    assert "条例（2008）第二十一条第（四）项" in s.text
    for x in c.trail:
        assert "第三十条" not in x.text and "第三十条" not in (x.citation or "")
        assert "国务院令第711号" not in (x.citation or "")


def test_a_missing_confirmation_in_2012_cites_the_2015_interpretation() -> None:
    # 国办公开办函〔2015〕207号 一、2.：平信 “应当在实际收到信息公开申请的当日电话联系申请人予以
    # 确认，并以确认之日为收到申请之日”
    with pytest.raises(CaseError) as info:
        Case("national", [received("2012-03-05", "letter")])
    err = info.value
    assert err.code == "missing-confirmation" and err.rule_id == "receipt-2015.receipt-date"
    assert "国办公开办函〔2015〕207号" in (err.citation or "")
    ok = Case("national", [received("2012-03-05", "letter", confirmed="2012-03-06")])
    assert ok.result(D(2012, 3, 7)).received == D(2012, 3, 6)
    assert "第2项" in ok.trail[0].text


def test_2012_email_counts_from_arrival_but_2026_email_needs_confirmation() -> None:
    # 207号 一、3.：“通过行政机关对外公布的信息公开申请邮箱提交申请的，自电子邮件系统接收之日为
    # 收到申请之日” —— 2012-03-03 is a Saturday: it still is the receipt date.
    old = Case("national", [received("2012-03-03", "email")])
    assert old.result(D(2012, 3, 5)).received == D(2012, 3, 3)
    assert old.due == naive_period(NA, D(2012, 3, 3), 15) == D(2012, 3, 23)
    assert "一第3项" in old.trail[0].text and "电子邮件系统接收之日" in old.trail[0].text
    with pytest.raises(CaseError) as info:  # no confirmation applies to it
        Case("national", [received("2012-03-03", "email", confirmed="2012-03-05")])
    assert info.value.code == "confirmation-not-applicable"
    # 条例（2019）第三十一条第（三）项：“通过互联网渠道……提交政府信息公开申请的，以双方确认之日为
    # 收到申请之日” (e-mail is an internet channel)
    with pytest.raises(CaseError) as info:
        Case("national", [received("2026-03-03", "email")])
    err = info.value
    assert err.code == "missing-confirmation" and err.rule_id == "national-2019.receipt-date"
    assert "国务院令第711号" in (err.citation or "") and "第三十一条" in (err.citation or "")
    new = Case("national", [received("2026-03-03", "email", confirmed="2026-03-04")])
    assert new.result(D(2026, 3, 5)).received == D(2026, 3, 4)
    assert new.due == naive_period(NA, D(2026, 3, 4), 20)
    assert "条例（2019）第三十一条第三项" in new.trail[0].text


def test_one_notice_for_all_corrections_only_from_2019() -> None:
    # 条例（2019）第三十条：“一次性告知申请人作出补正”; the 2008 text has no such rule.
    def two_requests(day: str, later: str, again: str) -> list[dict[str, object]]:
        return [
            received(day),
            ev("correction_requested", later),
            ev("correction_received", again),
            ev("correction_requested", again),
        ]

    old = Case("national", two_requests("2012-03-01", "2012-03-02", "2012-03-09"))
    assert "second-correction-request" not in [f.code for f in old.findings]
    new = Case("national", two_requests("2026-03-02", "2026-03-03", "2026-03-09"))
    f = next(f for f in new.findings if f.code == "second-correction-request")
    assert f.severity == "violation" and "第 2 次告知补正" in f.message
    assert f.rule_id == "national-2019.correction-notice" and "第三十条" in (f.citation or "")


# ============================================================================= transitional provisions


def test_litigation_period_running_on_2015_05_01_becomes_six_months() -> None:
    # 1989 行政诉讼法第三十九条 3 个月 → 2015-06-01; 2014 修正第四十六条 6 个月 applies to periods
    # still running on 2015-05-01 (法释〔2015〕9号第二十六条, unverified: docs/legal-sources.md §8)
    d = get_profile("national").due("litigation.filing", D(2015, 3, 1))
    assert d is not None and d.value == D(2015, 9, 1)
    assert d.rule.id == "admin-litigation-2014.filing"
    # a period that ended before 2015-05-01 keeps the old three months
    old = get_profile("national").due("litigation.filing", D(2014, 11, 30))
    assert old is not None and old.rule.id == "admin-litigation-1989.filing"
    assert old.value == D(2015, 2, 28)


def test_2019_department_annual_report_falls_due_under_the_2019_text() -> None:
    # 条例（2019）第四十九条第一款：“应当在每年1月31日前……向社会公布”; in force 2019-05-15,
    # before the 2008 text's 3月31日 for the 2019 report would have come.
    d = get_profile("national").due("report.annual.department", D(2019, 3, 1))
    assert d is not None and d.value == D(2020, 1, 31)
    assert d.rule.id == "national-2019.annual-report-department"
    before = get_profile("national").due("report.annual.department", D(2018, 3, 1))
    assert before is not None and before.value == D(2019, 3, 31)  # 2008 第三十一条


# ============================================================================= chained limits


def test_an_answered_2026_case_lists_review_and_litigation_windows() -> None:
    events = [
        received("2026-03-25"),
        ev("consultation_started", "2026-04-01", party="third_party"),
        ev("consultation_ended", "2026-04-10", party="third_party"),
        ev("answered", "2026-05-20", outcome="granted"),
    ]
    r = Case("national", events).result(D(2026, 5, 21))
    windows = {d.kind: d for d in r.deadlines}
    review, lit = windows["review"], windows["litigation"]
    # 行政复议法（2023）第二十条：“自知道或者应当知道该行政行为之日起六十日内”: 60 日 from
    # 2026-05-20 is 07-19, a Sunday → 07-20
    assert review.due == D(2026, 7, 20) and review.rule_id == "admin-review-2023.application"
    assert "第二十条" in review.citation and review.obligor == "applicant"
    # 行政诉讼法（2014）第四十六条：“自知道或者应当知道作出行政行为之日起六个月内”
    assert lit.due == D(2026, 11, 20) and lit.rule_id == "admin-litigation-2014.filing"
    assert "第四十六条" in lit.citation
    assert review.note and "以作出答复之日为知道之日" in review.note
    delivered = Case("national", [*events, ev("delivered", "2026-05-25")]).result(D(2026, 5, 26))
    windows = {d.kind: d.due for d in delivered.deadlines}
    assert (windows["review"], windows["litigation"]) == (D(2026, 7, 24), D(2026, 11, 25))


def test_a_2026_refusal_notes_that_review_comes_first() -> None:
    # 行政复议法（2023）第二十三条第一款第（四）项：“申请政府信息公开，行政机关不予公开” — 应当先申请
    # 行政复议. The windows are listed, and the litigation window says 复议 comes first.
    rule = get_profile("national").rule_for("review.prerequisite", D(2026, 4, 20))
    assert rule is not None and rule.article == "第二十三条第一款第（四）项"
    r = Case(
        "national",
        [received("2026-03-25"), ev("answered", "2026-04-20", outcome="refused.state-secret")],
    ).result(D(2026, 4, 21))
    assert r.outcome == "refused.state-secret"
    windows = {d.kind: d for d in r.deadlines}
    # 60 日 from 2026-04-20 is 06-19, 端午节 (a Friday) → the next workday 06-22
    assert windows["review"].due == D(2026, 6, 22)
    lit = windows["litigation"]
    assert lit.due == D(2026, 10, 20)
    assert lit.note is not None and "先申请行政复议" in lit.note and "第二十三条" in lit.note
    # a grant has no such note
    granted = Case(
        "national", [received("2026-03-25"), ev("answered", "2026-04-20", outcome="granted")]
    ).result(D(2026, 4, 21))
    note = next(d for d in granted.deadlines if d.kind == "litigation").note or ""
    assert "先申请行政复议" not in note


def test_an_unanswered_overdue_case_lists_the_nonperformance_window() -> None:
    # 连云港 2022 (§12 D): received 2022-09-30, due 2022-11-02, never answered.
    # 法释〔2018〕1号第六十六条：“应当在行政机关履行法定职责期限届满之日起六个月内提出”:
    # 2023-05-02 falls in 劳动节 (04-29 … 05-03) → 2023-05-04
    r = Case("national", [received("2022-09-30", "post")]).result(D(2022, 12, 1))
    assert r.status == "seriously_overdue" and r.workdays_late == 21
    lit = next(d for d in r.deadlines if d.kind == "litigation")
    assert lit.due == D(2023, 5, 4)
    assert lit.rule_id == "litigation-interpretation-2018.nonperformance-filing"
    assert "法释〔2018〕1号" in lit.citation and "第六十六条" in lit.citation
    assert lit.note == "自答复期限 2022-11-02 届满之日起算"


def test_windows_reaching_an_unpublished_year_are_bounded_not_dropped() -> None:
    # answered 2026-10-29: 复议 60 日 → 2026-12-28 (known); 诉讼 6 个月 → 2027-04-29, whose
    # day off or not depends on the unpublished 2027 notice: bounded
    r = Case(
        "national", [received("2026-09-28"), ev("answered", "2026-10-29", outcome="granted")]
    ).result(D(2026, 10, 30))
    windows = {d.kind: d for d in r.deadlines}
    assert windows["review"].due == D(2026, 12, 28)
    lit = windows["litigation"]
    assert lit.due is None
    assert (lit.due_earliest, lit.due_latest) == (D(2027, 4, 29), D(2027, 5, 7))
    assert lit.rule_id == "admin-litigation-2014.filing"


# ============================================================================= one test per event type


def test_received_by_post_lianyungang_2022() -> None:
    # §12 D 连云港 2022: 9月30日签收; “本案中截止日为2022年11月2日” — 10-08 and 10-09 are 国庆
    # makeup working days and count. 条例（2019）第三十一条第（二）项: 签收之日.
    c = Case("national", [received("2022-09-30", "post")])
    assert c.due == naive_period(NA, D(2022, 9, 30), 20) == D(2022, 11, 2)
    assert "第三十一条第二项" in c.trail[0].text
    assert c.status(D(2022, 11, 2)) == "running" and c.status(D(2022, 11, 3)) == "overdue"


def test_received_online_guiding_case_26() -> None:
    # §12 B 指导案例26号: 2011-06-01 网上申请，“被告应在当月23日前答复” (端午 06-04 … 06-06);
    # “系统确认申请提交成功的日期应当视为行政机关收到政府信息公开申请之日”.
    c = Case("national", [received("2011-06-01", "online", confirmed="2011-06-01")])
    assert c.due == naive_period(NA, D(2011, 6, 1), 15) == D(2011, 6, 23)
    assert c.trail[0].rule_id == "receipt-2015.receipt-date"


def test_correction_requested_within_seven_workdays() -> None:
    # 条例（2019）第三十条：“自收到申请之日起7个工作日内一次性告知申请人作出补正”:
    # received 2026-09-28 → 2026-10-13 (the rule's own example; 国庆 in between).
    on_time = Case("national", [received("2026-09-28"), ev("correction_requested", "2026-10-13")])
    assert on_time.findings == () and on_time.due is None
    assert on_time.status(D(2026, 10, 20)) == "awaiting_correction"
    notice = next(
        d for d in on_time.result(D(2026, 10, 13)).deadlines if d.kind == "correction_notice"
    )
    assert notice.due == naive_period(NA, D(2026, 9, 28), 7) == D(2026, 10, 13)
    late = Case("national", [received("2026-09-28"), ev("correction_requested", "2026-10-14")])
    f = late.findings[0]
    assert f.code == "late-correction-notice" and "2026-10-13" in f.message
    assert f.rule_id == "national-2019.correction-notice" and "第三十条" in (f.citation or "")


def test_correction_deadline_set_and_lapse_abandon_the_request() -> None:
    # 条例（2019）第三十条：“说明需要补正的事项和合理的补正期限……申请人无正当理由逾期不补正的，
    # 视为放弃申请”: 10 workdays from 2026-09-30 → 2026-10-20 (10-10 is a makeup Saturday).
    events = [
        received("2026-09-28"),
        ev("correction_requested", "2026-09-30"),
        ev("correction_deadline_set", "2026-09-30", workdays=10),
    ]
    c = Case("national", events)
    until = naive_period(NA, D(2026, 9, 30), 10)
    assert until == D(2026, 10, 20)
    assert c.status(until) == "awaiting_correction"
    r = c.result(D(2026, 10, 21))
    assert (r.status, r.closed) == ("abandoned", D(2026, 10, 21))
    f = r.findings[0]
    assert f.code == "correction-lapsed" and f.severity == "notice" and "2026-10-20" in f.message
    assert "第三十条" in (f.citation or "")
    named = Case(
        "national", [*events[:2], ev("correction_deadline_set", "2026-09-30", until="2026-10-16")]
    )
    assert named.status(D(2026, 10, 16)) == "awaiting_correction"
    assert named.status(D(2026, 10, 17)) == "abandoned"


def test_a_correction_period_reaching_an_unpublished_year_does_not_break_the_case() -> None:
    # 15 workdays from 2026-12-08 reach 2026-12-29 …, whose status waits for the 2027 notice
    c = Case(
        "national",
        [
            received("2026-12-01"),
            ev("correction_requested", "2026-12-08"),
            ev("correction_deadline_set", "2026-12-08", workdays=15),
        ],
    )
    r = c.result(D(2026, 12, 9))
    assert r.status == "awaiting_correction"
    # 12-29 waits for the 2027 notice, but no arrangement the law allows makes it a day off
    text = next(s.text for s in r.trail if s.event == "correction_deadline_set")
    assert text.startswith("确定补正期限至 2026-12-29，")
    # 25 workdays reach into January: the trail gives the bounds instead of failing
    longer = Case(
        "national",
        [
            received("2026-12-01"),
            ev("correction_requested", "2026-12-08"),
            ev("correction_deadline_set", "2026-12-08", workdays=25),
        ],
    ).result(D(2026, 12, 9))
    text = next(s.text for s in longer.trail if s.event == "correction_deadline_set")
    assert "～" in text and "待节假日安排公布后确定" in text, text


def test_correction_received_restarts_the_period() -> None:
    # 条例（2019）第三十条：“答复期限自行政机关收到补正的申请之日起计算”; the agency set 5 workdays
    # to correct from 2026-09-30 → 2026-10-13 (10-10 is a makeup Saturday).
    def case(day: str) -> Case:
        return Case(
            "national",
            [
                received("2026-09-28"),
                ev("correction_requested", "2026-09-30"),
                ev("correction_deadline_set", "2026-09-30", workdays=5),
                ev("correction_received", day),
            ],
        )

    assert naive_period(NA, D(2026, 9, 30), 5) == D(2026, 10, 13)
    c = case("2026-10-12")
    assert c.due == naive_period(NA, D(2026, 10, 12), 20) == D(2026, 11, 9)
    s = step(c, "correction_received")
    assert s.due == c.due and "第三十条" in s.text and c.findings == ()
    assert case("2026-10-13").findings == ()  # the last day of the period is in time
    later = case("2026-10-14")  # after it: accepted all the same, and noted
    assert [f.code for f in later.findings] == ["correction-after-period"]
    assert "2026-10-13" in later.findings[0].message
    assert later.due == naive_period(NA, D(2026, 10, 14), 20)


def test_consultation_started_the_third_partys_own_fifteen_workdays() -> None:
    # 条例（2019）第三十二条：“第三方应当自收到征求意见书之日起15个工作日内提出意见”
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev(
                "consultation_started",
                "2026-10-12",
                party="third_party",
                party_received="2026-10-14",
            ),
        ],
    )
    limit = naive_period(NA, D(2026, 10, 14), 15)
    r = c.result(D(2026, 10, 15))
    reply = next(d for d in r.deadlines if d.kind == "third_party_reply")
    assert reply.due == limit and reply.obligor == "third_party" and "第三十二条" in reply.citation
    assert r.status == "paused"
    # if the third party never replies, the time not counted ends with its own period
    assert c.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 12), limit)])


def test_consultation_ended_resumes_the_next_day() -> None:
    # 条例（2019）第三十三条第三款：“征求第三方和其他机关意见所需时间不计算在前款规定的期限内”
    # (the README's example: 2026-03-25, 04-01 … 04-10 → 2026-05-07)
    c = Case(
        "national",
        [
            received("2026-03-25"),
            ev("consultation_started", "2026-04-01", party="third_party"),
            ev("consultation_ended", "2026-04-10", party="third_party"),
        ],
    )
    assert c.due == naive_period(NA, D(2026, 3, 25), 20, [(D(2026, 4, 1), D(2026, 4, 10))])
    assert c.due == D(2026, 5, 7)
    assert c.status(D(2026, 4, 10)) == "paused" and c.status(D(2026, 4, 11)) == "running"


def test_suspended_under_pengyang_article_4() -> None:
    # 《彭阳县政府信息公开时限制度》第四条第二款：“因不可抗力或者其他法定事由不能在规定的期限内
    # 作出答复……期限中止，障碍消除后期限恢复计算” (宁夏 calendar: 开斋节 2021-05-13, 14)
    c = Case(
        "pengyang-2018", [received("2021-05-10"), ev("suspended", "2021-05-17", reason="不可抗力")]
    )
    r = c.result(D(2021, 5, 18))
    assert (r.status, r.due) == ("paused", None)
    s = step(c, "suspended")
    assert s.rule_id == "pengyang-2018.request-reply" and "第四条第二款" in s.text
    # the 2019 条例 has no 中止: the same suspension counts
    n = Case("national", [received("2021-05-10"), ev("suspended", "2021-05-17", reason="不可抗力")])
    assert n.due == naive_period(NA, D(2021, 5, 10), 20)
    assert [f.code for f in n.findings] == ["no-basis-for-span"]


def test_resumed_under_pengyang_article_4() -> None:
    c = Case(
        "pengyang-2018",
        [
            received("2021-05-10"),
            ev("suspended", "2021-05-17", reason="不可抗力"),
            ev("resumed", "2021-05-21"),
        ],
    )
    assert c.due == naive_period(NX, D(2021, 5, 10), 15, [(D(2021, 5, 17), D(2021, 5, 21))])
    assert c.due == D(2021, 6, 9)
    assert c.status(D(2021, 5, 21)) == "paused" and c.status(D(2021, 5, 24)) == "running"


def test_fee_notified_twenty_workday_payment_period() -> None:
    # 国办函〔2020〕109号, as implemented by 四川省财政厅 (109号's own article not verified:
    # docs/legal-sources.md §4): “申请人应当在收到收费通知次日起20个工作日内缴纳费用，逾期未缴纳的
    # 视为放弃申请”. Notified 2026-10-09 → the 20th workday after is 2026-11-05.
    c = Case("national", [received("2026-09-28"), ev("fee_notified", "2026-10-09", amount=100)])
    until = naive_period(NA, D(2026, 10, 9), 20)
    assert until == D(2026, 11, 5)
    assert c.status(until) == "overdue"  # fee time counts (no text excludes it): due 10-30
    r = c.result(D(2026, 11, 6))
    assert r.status == "abandoned" and r.closed == D(2026, 11, 6)
    f = next(f for f in r.findings if f.code == "fee-lapsed")
    assert f.rule_id == "fee-2020.payment" and "国办函〔2020〕109号" in (f.citation or "")
    assert "条号未能核实" in (f.citation or "")  # the unverified status travels with it
    # the period runs from the day the applicant received the notice
    later = Case(
        "national",
        [received("2026-09-28"), ev("fee_notified", "2026-10-09", applicant_received="2026-10-12")],
    )
    assert later.status(naive_period(NA, D(2026, 10, 12), 20)) == "overdue"


def test_fee_paid_keeps_the_case_alive_and_a_profile_may_exclude_fee_time() -> None:
    paid = Case(
        "national",
        [
            received("2026-09-28"),
            ev("fee_notified", "2026-10-09"),
            ev("fee_paid", "2026-10-15"),
        ],
    )
    assert paid.due == D(2026, 10, 30)  # the national rules exclude nothing for fees
    assert paid.status(D(2026, 11, 23)) == "overdue"
    # a profile that says fee time does not count: paused while awaiting payment
    cat = user_catalogue('excludes = ["fee"]', "fee-county")
    events = [
        received("2026-09-28"),
        ev("fee_notified", "2026-10-09"),
        ev("fee_paid", "2026-10-15"),
    ]
    county = Case("fee-county", events, catalogue=cat)
    assert county.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 9), D(2026, 10, 15))])
    waiting = Case("fee-county", events[:2], catalogue=cat)
    assert waiting.status(D(2026, 10, 20)) == "awaiting_fee"


def test_fee_lapsed_recorded_by_the_agency() -> None:
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("fee_notified", "2026-10-09"),
            ev("fee_lapsed", "2026-10-28"),
            ev("answered", "2026-10-29"),
        ],
    )
    r = c.result(D(2026, 11, 23))
    assert (r.status, r.closed) == ("abandoned", D(2026, 10, 28))
    assert r.codes() == ["fee-lapsed", "event-after-close"]
    assert step(c, "fee_lapsed").rule_id == "fee-2020.payment"


def test_extension_zhenhai_2012() -> None:
    # §12 G (2012)甬镇行初字第20号: 2012-01-07 (Saturday) submitted, receipt assumed 2012-01-09
    # (as in §12); 15 workdays → 2012-02-02 (01-21 and 01-29 are 春节 makeup days); extended 15
    # → 2012-02-23; answered 2012-02-21, within the extension. The date of the 延长 notice is not
    # in the source: 2012-02-01, before the original deadline, assumed.
    c = Case(
        "national",
        [received("2012-01-09"), ev("extension", "2012-02-01"), ev("answered", "2012-02-21")],
    )
    assert naive_period(NA, D(2012, 1, 9), 15) == D(2012, 2, 2) == c.trail[0].due
    assert c.due == naive_period(NA, D(2012, 2, 2), 15) == D(2012, 2, 23)
    r = c.result(D(2012, 2, 22))
    assert (r.status, r.on_time) == ("answered", True)
    assert step(c, "extension").rule_id == "national-2008.request-extension"


def test_extension_until_a_named_day() -> None:
    # “延长至某日”: within 条例（2019）第三十三条第二款's 20 workdays it is that day; beyond, capped
    ok = Case(
        "national", [received("2026-09-28"), ev("extension", "2026-10-28", until="2026-11-13")]
    )
    assert ok.due == D(2026, 11, 13) and ok.findings == ()
    over = Case(
        "national", [received("2026-09-28"), ev("extension", "2026-10-28", until="2026-12-18")]
    )
    assert over.due == naive_period(NA, D(2026, 10, 30), 20) == D(2026, 11, 27)
    assert [f.code for f in over.findings] == ["extension-exceeds-cap"]


def test_delay_set_under_article_35() -> None:
    # 条例（2019）第三十五条：“可以确定延迟答复的合理期限并告知申请人”
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("delay_set", "2026-10-20", until="2026-12-18"),
            ev("answered", "2026-12-10"),
        ],
    )
    assert c.due == D(2026, 12, 18) and c.result(D(2026, 12, 11)).on_time is True
    assert step(c, "delay_set").rule_id == "national-2019.excessive-request-delay"
    late = Case(
        "national", [received("2026-09-28"), ev("delay_set", "2026-11-02", until="2026-12-18")]
    )
    assert late.due == D(2026, 10, 30) and late.findings[0].code == "delay-after-deadline"


def test_answered_late_tongxiang_2015() -> None:
    # §12 A 桐政复字【2015】24号: 6月25日收到，7月20日作出答复，“已超出法定的答复期限”. The
    # reviewing authority did not deduct the third party's time: this is the result without it.
    r = Case("national", [received("2015-06-25", "post"), ev("answered", "2015-07-20")]).result(
        D(2015, 11, 5)
    )
    assert r.due == naive_period(NA, D(2015, 6, 25), 15) == D(2015, 7, 16)
    assert (r.status, r.on_time, r.workdays_late) == ("answered_late", False, 2)
    f = r.findings[0]
    assert f.code == "answered-late" and "逾期 2 个工作日" in f.message
    assert "国务院令第492号" in (f.citation or "") and "第二十四条第二款" in (f.citation or "")


def test_delivered_by_post_counts_from_posting() -> None:
    # §12 C 杨某 2017: e-mail sent Sunday 2017-06-18 (207号 一、3.: 电子邮件系统接收之日),
    # 告知书 made 2017-07-07, posted 2017-07-10. 国办公开办函〔2016〕235号 四：“采取邮寄送达方式送达
    # 的，以交邮之日当日为期限计算时点”.
    events = [
        received("2017-06-18", "email"),
        ev("answered", "2017-07-07"),
        ev("delivered", "2017-07-10"),  # 交邮之日
    ]
    r = Case("national", events).result(D(2017, 7, 20))
    assert r.due == naive_period(NA, D(2017, 6, 18), 15) == D(2017, 7, 7)
    # the 条例 says 予以答复: met by the answer (met_by = answered); delivery is recorded
    assert (r.status, r.on_time, r.verdict_basis) == ("answered", True, "answered")
    assert (r.answered, r.delivered) == (D(2017, 7, 7), D(2017, 7, 10))
    windows = {d.kind: d.due for d in r.deadlines}  # 知道之日 = delivery
    assert windows["review"] == D(2017, 9, 8) and windows["litigation"] == D(2018, 1, 10)
    # a profile whose reply is met by delivery (235号's 交邮之日): one workday late
    # (the test county's period is 20 workdays: due 2017-07-14)
    cat = user_catalogue('met_by = "delivered"', "post-county")
    county = Case("post-county", events, catalogue=cat).result(D(2017, 7, 20))
    assert county.due == naive_period(NA, D(2017, 6, 18), 20) == D(2017, 7, 14)
    assert (county.status, county.verdict_basis) == ("answered", "delivered")

    def delivered_on(day: str) -> Any:  # answered 2017-07-13, in time
        events = [received("2017-06-18", "email"), ev("answered", "2017-07-13")]
        return Case("post-county", [*events, ev("delivered", day)], catalogue=cat).result(
            D(2017, 7, 20)
        )

    early = delivered_on("2017-07-17")
    assert early.due == D(2017, 7, 14)
    assert (early.status, early.workdays_late) == ("answered_late", 1)
    # delivered on the Saturday after the Friday deadline: late by rest days only, worded so
    # whether the answer or its delivery came after the deadline
    weekend = delivered_on("2017-07-15")
    assert (weekend.status, weekend.workdays_late) == ("answered_late", 0)
    assert weekend.findings[0].message == (
        "答复晚于期限 2017-07-14，期限届满后只过了非工作日，逾期不足 1 个工作日"
    )


def test_withdrawn_closes_the_case() -> None:
    # On the 连云港 2022 timeline (§12 D), had the applicant withdrawn on 2022-10-20:
    c = Case(
        "national",
        [
            received("2022-09-30", "post"),
            ev("withdrawn", "2022-10-20"),
            ev("answered", "2022-11-01"),
        ],
    )
    r = c.result(D(2022, 12, 1))
    assert (r.status, r.closed) == ("withdrawn", D(2022, 10, 20))
    assert r.codes() == ["withdrawn", "event-after-close"]
    assert r.workdays_late is None and "overdue" not in r.codes()


def test_abandoned_closes_the_case() -> None:
    # 条例（2019）第三十条：“申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理”
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("correction_requested", "2026-09-30"),
            ev("abandoned", "2026-11-10", reason="逾期不补正"),
        ],
    )
    r = c.result(D(2026, 11, 23))
    assert (r.status, r.closed, r.due) == ("abandoned", D(2026, 11, 10), None)
    assert "逾期不补正" in step(c, "abandoned").text


def test_reanswer_ordered_huangchuan_2025() -> None:
    # §12 F 潢川 2025: 2月20日签收 → 本库核算 2025-03-20; 复议决定 2025-06-25：“自收到本决定书之日起
    # 20 个工作日内答复” → 2025-07-23.
    before = Case("national", [received("2025-02-20", "post")]).result(D(2025, 4, 27))
    assert before.due == naive_period(NA, D(2025, 2, 20), 20) == D(2025, 3, 20)
    assert before.status == "seriously_overdue"
    c = Case(
        "national",
        [
            received("2025-02-20", "post"),
            ev("reanswer_ordered", "2025-06-25", by="review", amount=20, unit="workdays"),
        ],
    )
    assert c.due == naive_period(NA, D(2025, 6, 25), 20) == D(2025, 7, 23)
    assert "行政复议决定" in step(c, "reanswer_ordered").text
    answered = Case(
        "national",
        [
            received("2025-02-20", "post"),
            ev("reanswer_ordered", "2025-06-25", by="review", amount=20, unit="workdays"),
            ev("answered", "2025-07-23"),
        ],
    )
    assert answered.result(D(2025, 7, 24)).status == "answered"


def test_reanswer_ordered_by_a_court_in_days() -> None:
    # §12 H 清流县人民法院 2014：“判决……于判决生效之日起15日内……作出书面答复”. Mailed
    # 2014-01-15; neither the receipt (2014-01-17 assumed) nor the judgment date (2014-06-03
    # assumed) is in the source: 15 日 → 2014-06-18, a Wednesday.
    c = Case(
        "national",
        [
            received("2014-01-17", "post"),
            ev("reanswer_ordered", "2014-06-03", by="court", amount=15, unit="days"),
        ],
    )
    assert c.due == D(2014, 6, 18)
    assert "人民法院判决" in step(c, "reanswer_ordered").text


def test_every_event_type_has_its_test_on_real_dates() -> None:
    # one test per event type above, named after it
    names = [n for n in globals() if n.startswith("test_")]
    for spec in SPECS:
        assert any(n.startswith(f"test_{spec.type}_") for n in names), spec.type


# ============================================================================= strict mode, extras


def test_strict_mode_raises_the_violations_code() -> None:
    events = [received("2026-09-28"), ev("extension", "2026-11-02")]
    with pytest.raises(CaseError) as info:
        Case("national", events, strict=True)
    err = info.value
    assert err.code == "extension-after-deadline" and err.event_index == 1
    assert err.rule_id == "national-2019.request-extension" and "第三十三条第二款" in err.citation
    # notices are not violations
    assert Case("national", [*events[:1], ev("withdrawn", "2026-10-01")], strict=True).due
    # asking about a day when the case is overdue is a violation too
    c = Case("national", events[:1], strict=True)
    assert c.due == D(2026, 10, 30)
    with pytest.raises(CaseError) as info:
        c.result(D(2026, 11, 2))
    assert info.value.code == "overdue"
    # adding a violating event to a strict case raises
    with pytest.raises(CaseError) as info:
        c.add(events[1])
    assert info.value.code == "extension-after-deadline" and len(c.events) == 1


def test_a_refused_strict_add_leaves_the_case_unchanged() -> None:
    c = Case("national", [received("2026-09-28")], strict=True)
    with pytest.raises(CaseError):
        c.add(ev("extension", "2026-11-02"))
    assert len(c.events) == 1
    with pytest.raises(CaseError) as info:
        c.result(D(2026, 11, 2))
    assert info.value.code == "overdue"  # not the refused extension's violation


def test_extra_fields_round_trip_and_reach_the_result() -> None:
    events = [
        received("2026-09-28", extra={"承办人": "张三", "文号": "依申-0042"}, note="窗口"),
        ev("answered", "2026-10-29", outcome="granted", extra={"文号": "答复-7"}),
    ]
    c = Case(
        "national",
        events,
        case_id="2026-依申-0042",
        extra={"系统": "OA"},
        applicant="natural-person",
    )
    data = c.to_dict()
    assert data["extra"] == {"系统": "OA"} and data["events"][0]["extra"]["承办人"] == "张三"
    again = Case.from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again.to_dict() == data
    r = again.result(D(2026, 11, 2))
    assert r.id == "2026-依申-0042"
    assert r.extra == {"系统": "OA", "applicant": "natural-person"}
    assert r.trail[0].extra == {"承办人": "张三", "文号": "依申-0042"}
    assert r.trail[1].extra == {"文号": "答复-7"}
    assert r.as_dict() == c.result(D(2026, 11, 2)).as_dict()
    assert r.as_dict()["trail"][0]["extra"]["承办人"] == "张三"


# ============================================================================= every event type, three ways

# A case for every event type, with the spec's documented example as its last event.
PRE = received("2026-03-02")
CASES: dict[str, list[dict[str, Any]]] = {
    "received": [],
    "correction_requested": [PRE],
    "correction_deadline_set": [PRE, ev("correction_requested", "2026-09-30")],
    "correction_received": [PRE, ev("correction_requested", "2026-03-03")],
    "consultation_started": [PRE],
    "consultation_ended": [PRE, ev("consultation_started", "2026-04-01", party="third_party")],
    "suspended": [PRE],
    "resumed": [PRE, ev("suspended", "2026-05-11", reason="洪水")],
    "fee_notified": [received("2026-09-28")],
    "fee_paid": [received("2026-09-28"), ev("fee_notified", "2026-10-09")],
    "fee_lapsed": [received("2026-09-28"), ev("fee_notified", "2026-10-09")],
    "extension": [received("2026-09-28")],
    "delay_set": [received("2026-09-28")],
    "answered": [received("2026-09-28")],
    "delivered": [received("2026-09-28"), ev("answered", "2026-10-29")],
    "withdrawn": [received("2026-09-28")],
    "abandoned": [received("2026-09-28"), ev("correction_requested", "2026-09-30")],
    "reanswer_ordered": [received("2026-09-28"), ev("answered", "2026-10-29")],
}


def case_of(kind: str) -> list[dict[str, Any]]:
    return [*CASES[kind], dict(BY_TYPE[kind].example)]


def as_of(events: list[dict[str, Any]]) -> date:
    last = max(date.fromisoformat(e["date"]) for e in events)
    return date.fromordinal(last.toordinal() + 3)


def test_every_event_type_has_a_case() -> None:
    assert set(CASES) == {s.type for s in SPECS}


@pytest.mark.parametrize("kind", [s.type for s in SPECS])
def test_every_event_type_round_trips_through_json(kind: str) -> None:
    events = case_of(kind)
    parsed = [parse_event(e, i) for i, e in enumerate(events)]
    for e in parsed:
        again = parse_event(json.loads(json.dumps(e.model_dump(mode="json"), ensure_ascii=False)))
        assert again == e and again.type == e.type
    case = Case("national", events, case_id=f"case-{kind}")
    text = json.dumps(case.to_dict(), ensure_ascii=False)
    back = Case.from_json(text)
    day = as_of(events)
    assert back.to_dict() == case.to_dict()
    assert back.result(day).as_dict() == case.result(day).as_dict()
    assert json.loads(json.dumps(case.result(day).as_dict(), ensure_ascii=False)) == (
        case.result(day).as_dict()
    )


def _log_row(case_id: str, event: dict[str, Any]) -> dict[str, Any]:
    row = {"case_id": case_id, **{k: v for k, v in event.items() if k not in ("extra", "note")}}
    return row


def _compare_with_event_log(cases: dict[str, list[dict[str, Any]]], day: date) -> None:
    rows = [_log_row(cid, e) for cid, events in cases.items() for e in events]
    columns = sorted({k for r in rows for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in rows]) for c in columns})
    out = {r["case_id"]: r for r in event_log(table, as_of=day).to_pylist()}
    assert list(out) == list(cases)
    for cid, events in cases.items():
        got = out[cid]
        assert got["error"] is None, (cid, got["error"])
        r = Case("national", events).result(day)
        assert got["due"] == r.due and got["status"] == r.status, cid
        assert (got["due_earliest"], got["due_latest"]) == (r.due_earliest, r.due_latest), cid
        assert got["on_time"] == r.on_time and got["workdays_late"] == r.workdays_late, cid
        assert got["remaining_workdays"] == r.remaining_workdays, cid
        codes = sorted(got["findings"].split(";")) if got["findings"] else []
        assert codes == sorted(r.codes()), cid


@pytest.mark.parametrize("kind", [s.type for s in SPECS])
def test_every_event_type_gives_the_same_result_through_the_event_log(kind: str) -> None:
    events = case_of(kind)
    _compare_with_event_log({kind: events}, as_of(events))


def test_every_event_type_together_through_the_event_log() -> None:
    # the same cases, every field included, together in one table and on one as-of date
    cases = {kind: case_of(kind) for kind in CASES}
    _compare_with_event_log(cases, D(2026, 12, 1))
    _compare_with_event_log(cases, D(2027, 3, 20))  # beyond 2026: bounded results agree too


def test_every_event_field_is_read_by_the_event_log() -> None:
    # each event's fields are defined once: every field of its model (beyond type, date, note,
    # extra) is a Param of its spec, so the batch paths read what Case reads
    base = {"type", "date", "note", "extra"}
    for spec in SPECS:
        fields = set(spec.model.model_fields) - base
        assert fields == {p.field for p in spec.params}, spec.type


def test_a_bad_fee_amount_is_a_row_error_in_the_event_log() -> None:
    rows = [
        {"case_id": "a", "type": "received", "date": "2026-09-28", "channel": "post"},
        {"case_id": "a", "type": "fee_notified", "date": "2026-10-09", "amount": "-5"},
        {"case_id": "b", "type": "received", "date": "2026-09-28", "channel": "post"},
        {"case_id": "b", "type": "fee_notified", "date": "2026-10-09", "amount": "100.50"},
    ]
    columns = sorted({k for r in rows for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in rows]) for c in columns})
    out = {r["case_id"]: r for r in event_log(table, as_of=D(2026, 10, 12)).to_pylist()}
    assert out["a"]["error_code"] == "field-invalid" and "amount" in out["a"]["error"]
    assert out["b"]["error_code"] is None
    same = Case("national", [{k: v for k, v in r.items() if k != "case_id"} for r in rows[2:]])
    assert out["b"]["status"] == same.result(D(2026, 10, 12)).status
    assert same.events[1].amount == 100.5


def test_the_correction_and_fee_periods_are_listed_as_the_applicants_deadlines() -> None:
    # 条例第三十条: the agency sets the correction period; 10 workdays from 2026-09-30 → 10-20
    # (10-01 … 10-07 off, 10-10 a makeup Saturday)
    r = Case(
        "national",
        [
            received("2026-09-28", "post"),
            ev("correction_requested", "2026-09-30"),
            ev("correction_deadline_set", "2026-09-30", workdays=10),
        ],
    ).result(D(2026, 10, 5))
    period = next(d for d in r.deadlines if d.kind == "correction_period")
    assert (period.due, period.obligor) == (D(2026, 10, 20), "applicant")
    assert period.rule_id == "national-2019.correction-notice"
    # fee: 20 workdays from the day the applicant receives the notice (2026-10-09) → 11-05
    r = Case("national", [received("2026-09-28", "post"), ev("fee_notified", "2026-10-09")]).result(
        D(2026, 10, 12)
    )
    fee = next(d for d in r.deadlines if d.kind == "fee_payment")
    assert (fee.due, fee.rule_id, fee.obligor) == (D(2026, 11, 5), "fee-2020.payment", "applicant")
