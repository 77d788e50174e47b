"""The request case engine: the issue's worked examples, local profiles, and every bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gkdeadline import Calendar, CalendarCoverageError, CaseError, ProfileError
from gkdeadline.case import Case
from tests.oracle import NaiveCalendar, naive_period

D = date
NA = NaiveCalendar(Calendar())
NX = NaiveCalendar(Calendar(region="ningxia"))


def ev(kind: str, day: str, **kw: object) -> dict[str, object]:
    return {"type": kind, "date": day, **kw}


def received(day: str, channel: str = "in_person", **kw: object) -> dict[str, object]:
    return ev("received", day, channel=channel, **kw)


# ------------------------------------------------------------------ the issue's examples


def test_received_in_person() -> None:
    assert Case("national", [received("2026-09-28")]).due == D(2026, 10, 30)


def test_with_a_twenty_workday_extension() -> None:
    c = Case("national", [received("2026-09-28"), ev("extension", "2026-10-28", workdays=20)])
    assert c.due == D(2026, 11, 27)


def test_online_confirmed_on_a_makeup_saturday() -> None:
    c = Case("national", [received("2026-02-13", "online", confirmed="2026-02-14")])
    assert c.due == D(2026, 3, 20)
    assert c.result(D(2026, 2, 20)).received == D(2026, 2, 14)


def test_third_party_consultation() -> None:
    c = Case(
        "national",
        [
            received("2026-03-25"),
            ev("consultation_started", "2026-04-01", party="third_party"),
            ev("consultation_ended", "2026-04-10", party="third_party"),
        ],
    )
    assert c.due == D(2026, 5, 7)


def test_the_issue_case_file_and_its_trail() -> None:
    text = json.dumps(
        {
            "profile": "national",
            "events": [
                received("2026-03-25"),
                ev("consultation_started", "2026-04-01", party="third_party"),
                ev("consultation_ended", "2026-04-10", party="third_party"),
                ev("extension", "2026-05-06", workdays=20),
                ev("answered", "2026-05-20"),
            ],
        }
    )
    r = Case.from_json(text).result(D(2026, 11, 23))
    assert r.status == "answered" and r.on_time is True and r.findings == []
    assert r.due == naive_period(NA, D(2026, 5, 7), 20) == D(2026, 6, 3)
    first = r.trail[0].line()
    # 第三十三条 has three paragraphs: the 20 workdays are 第二款 (docs/legal-sources.md §1)
    assert first == (
        "2026-03-25 收到申请（当面提交，条例（2019）第三十一条第一项，提交之日）→ 答复期限 20 个工作日"
        "（条例（2019）第三十三条第二款） → 期限 2026-04-23"
    )
    assert "第三十三条第三款" in r.trail[1].text  # consultation time: 第三款
    assert [s.rule_id for s in r.trail] == [
        "national-2019.receipt-date",
        "national-2019.request-reply",
        "national-2019.request-reply",
        "national-2019.request-extension",
        "national-2019.request-reply",
    ]
    assert [s.due for s in r.trail] == [
        D(2026, 4, 23),
        D(2026, 5, 19),
        D(2026, 5, 7),
        D(2026, 6, 3),
        D(2026, 6, 3),
    ]
    assert all(s.citation for s in r.trail)


# ------------------------------------------------------------------ status and remaining days


def test_status_over_time() -> None:
    c = Case(
        "national",
        [
            received("2026-03-25"),
            ev("consultation_started", "2026-04-01", party="third_party"),
            ev("consultation_ended", "2026-04-10", party="third_party"),
        ],
    )
    assert c.status(D(2026, 3, 30)) == "running"
    assert c.status(D(2026, 4, 1)) == "paused"  # inclusive span
    assert c.status(D(2026, 4, 10)) == "paused"
    assert c.status(D(2026, 4, 11)) == "running"
    assert c.status(D(2026, 5, 7)) == "running"
    assert c.status(D(2026, 5, 8)) == "overdue"
    r = c.result(D(2026, 4, 20))
    assert r.remaining_workdays == 10 and r.due == D(2026, 5, 7)
    assert c.result(D(2026, 5, 7)).remaining_workdays == 0
    # one workday past the deadline: no workdays remain, one workday late, a finding says so
    late = c.result(D(2026, 5, 8))
    assert (late.remaining_workdays, late.workdays_late) == (None, 1)
    overdue = next(f for f in late.findings if f.code == "overdue")
    assert overdue.severity == "violation" and "2026-05-07" in overdue.message
    assert "第三十三条第二款" in (overdue.citation or "")


def test_as_of_sees_only_events_up_to_that_day() -> None:
    c = Case(
        "national",
        [received("2026-09-28"), ev("extension", "2026-10-28"), ev("answered", "2026-11-20")],
    )
    assert c.result(D(2026, 10, 27)).due == D(2026, 10, 30)
    assert c.result(D(2026, 10, 28)).due == D(2026, 11, 27)
    assert c.result(D(2026, 11, 19)).status == "running"
    assert c.result(D(2026, 11, 20)).status == "answered"
    with pytest.raises(CaseError, match="查询日期早于收到申请之日 2026-09-28") as info:
        c.result(D(2026, 9, 1))
    assert info.value.code == "as-of-before-receipt"


def test_answered_late() -> None:
    r = Case("national", [received("2026-09-28"), ev("answered", "2026-11-02")]).result(
        D(2026, 11, 23)
    )
    assert (r.status, r.on_time, r.due) == ("answered_late", False, D(2026, 10, 30))
    assert r.workdays_late == 1  # 2026-11-02 is the first workday after 10-30
    assert r.codes() == ["answered-late"]
    late = r.findings[0]
    assert "逾期 1 个工作日" in late.message and "2026-10-30" in late.message
    assert late.rule_id == "national-2019.request-reply" and "第三十三条第二款" in late.citation
    assert "逾期答复" in r.explain()


@pytest.mark.parametrize(
    ("answered", "as_of", "status", "message"),
    [
        # the deadline is Friday 2026-10-30; Saturday 10-31 and Sunday 11-01 are rest days
        (
            "2026-10-31",
            "2026-11-23",
            "answered_late",
            "答复晚于期限 2026-10-30，期限届满后只过了非工作日，逾期不足 1 个工作日",
        ),
        (
            None,
            "2026-11-01",
            "overdue",
            "答复期限 2026-10-30 已过，尚未答复；期限届满后只过了非工作日，逾期不足 1 个工作日",
        ),
    ],
)
def test_late_by_non_working_days_only_is_not_worded_as_zero_workdays(
    answered: str | None, as_of: str, status: str, message: str
) -> None:
    events = [received("2026-09-28")] + ([ev("answered", answered)] if answered else [])
    r = Case("national", events).result(D.fromisoformat(as_of))
    assert (r.status, r.due, r.workdays_late) == (status, D(2026, 10, 30), 0)
    (finding,) = r.findings
    assert finding.message == message
    assert "0 个工作日" not in finding.message and "less than one workday" in finding.message_en
    assert "逾期不足 1 个工作日" in r.explain() and "逾期 0 个工作日" not in r.explain()
    # the next workday is one workday late, worded with the count
    nxt = Case("national", [received("2026-09-28"), ev("answered", "2026-11-02")]).result(
        D(2026, 11, 23)
    )
    assert "逾期 1 个工作日" in nxt.findings[0].message


# ------------------------------------------------------------------ restarts, consultations, extensions


def test_restart_then_consultation_then_extension() -> None:
    events = [
        received("2026-03-02"),
        ev("correction_requested", "2026-03-05"),
        ev("correction_received", "2026-03-16"),
        ev("consultation_started", "2026-03-20", party="third_party"),
        ev("consultation_ended", "2026-03-27", party="third_party"),
        ev("extension", "2026-04-20", workdays=10),
    ]
    c = Case("national", events)
    base = naive_period(NA, D(2026, 3, 16), 20, [(D(2026, 3, 20), D(2026, 3, 27))])
    assert c.result(D(2026, 4, 19)).due == base
    assert c.due == naive_period(NA, base, 10)
    mid = Case("national", events[:2]).result(D(2026, 3, 10))
    assert (mid.status, mid.due) == ("awaiting_correction", None)


def test_correction_notice_after_seven_workdays_is_flagged() -> None:
    late = Case("national", [received("2026-09-28"), ev("correction_requested", "2026-10-14")])
    assert any(
        "一次性告知" in w and "2026-10-13" in w for w in late.result(D(2026, 10, 20)).warnings
    )
    on_time = Case("national", [received("2026-09-28"), ev("correction_requested", "2026-10-13")])
    assert not on_time.result(D(2026, 10, 20)).warnings


def test_consultation_without_reply_ends_with_the_partys_own_period() -> None:
    c = Case(
        "national",
        [received("2026-09-28"), ev("consultation_started", "2026-10-12", party="third_party")],
    )
    limit = naive_period(NA, D(2026, 10, 12), 15)  # 条例第三十二条
    assert c.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 12), limit)])
    assert c.status(limit) == "paused"
    assert c.status(naive_period(NA, limit, 1)) == "running"  # resumes by itself
    kinds = {d.kind: d.due for d in c.result(D(2026, 10, 13)).deadlines}
    assert kinds["third_party_reply"] == limit and kinds["correction_notice"] == D(2026, 10, 13)


def test_late_reply_does_not_pause_retroactively() -> None:
    limit = naive_period(NA, D(2026, 10, 12), 15)
    late = naive_period(NA, limit, 3)
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("consultation_started", "2026-10-12", party="third_party"),
            ev("consultation_ended", late.isoformat(), party="third_party"),
        ],
    )
    assert c.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 12), limit)])
    assert "逾期提出" in c.trail[-1].text
    assert c.trail[-1].rule_id == "national-2019.third-party-opinion"  # 第三十二条
    notice = next(f for f in c.findings if f.code == "consultation-reply-late")
    assert notice.severity == "notice" and limit.isoformat() in notice.message
    assert [(s.first, s.last) for s in c.result(late).spans] == [(D(2026, 10, 12), limit)]


def test_spans_across_spring_festival_and_national_day() -> None:
    sf = Case(
        "national",
        [
            received("2026-02-05"),
            ev("consultation_started", "2026-02-10", party="agency"),
            ev("consultation_ended", "2026-02-26", party="agency"),
        ],
    )
    assert (
        sf.due
        == naive_period(NA, D(2026, 2, 5), 20, [(D(2026, 2, 10), D(2026, 2, 26))])
        == D(2026, 3, 23)
    )
    # received on Sunday 2026-09-20, a makeup working day; consultation across National Day
    nd = Case(
        "national",
        [
            received("2026-09-20"),
            ev("consultation_started", "2026-09-29", party="third_party"),
            ev("consultation_ended", "2026-10-09", party="third_party"),
        ],
    )
    assert nd.due == naive_period(NA, D(2026, 9, 20), 20, [(D(2026, 9, 29), D(2026, 10, 9))])


def test_suspension_and_resumption() -> None:
    c = Case(
        "pengyang-2018",
        [
            received("2021-05-10"),
            ev("suspended", "2021-05-17", reason="不可抗力"),
            ev("resumed", "2021-05-21"),
        ],
    )
    assert c.due == naive_period(NX, D(2021, 5, 10), 15, [(D(2021, 5, 17), D(2021, 5, 21))])
    open_ = Case(
        "pengyang-2018", [received("2021-05-10"), ev("suspended", "2021-05-17", reason="洪水")]
    )
    r = open_.result(D(2021, 5, 18))
    assert (r.status, r.due) == ("paused", None)


def test_suspension_without_legal_basis_counts_and_is_flagged() -> None:
    # The 2019 条例 has no 期限中止: the suspension is recorded, but its time counts.
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("suspended", "2026-10-12", reason="系统故障"),
            ev("resumed", "2026-10-13"),
        ],
    )
    r = c.result(D(2026, 10, 14))
    assert r.due == naive_period(NA, D(2026, 9, 28), 20) == D(2026, 10, 30)
    assert r.status == "running"
    assert r.codes() == ["no-basis-for-span"]
    f = r.findings[0]
    assert "没有“期限中止时间不计入”的规定" in f.message and "计入答复期限" in f.message
    assert f.rule_id == "national-2019.request-reply"
    assert [(s.kind, s.counted) for s in r.spans] == [("suspension", True)]
    assert any("没有“期限中止时间不计入”的规定" in w for w in r.warnings)


def test_delay_set_under_article_35() -> None:
    c = Case(
        "national", [received("2026-09-28"), ev("delay_set", "2026-10-20", until="2026-12-18")]
    )
    assert c.due == D(2026, 12, 18)
    assert c.trail[-1].rule_id == "national-2019.excessive-request-delay"  # 第三十五条
    # the 2008 条例 has no 第三十五条: the delay is recorded, void, and the deadline stays
    old = Case(
        "national", [received("2019-05-14"), ev("delay_set", "2019-05-20", until="2019-08-01")]
    )
    assert old.due == naive_period(NA, D(2019, 5, 14), 15) == D(2019, 6, 4)
    assert [f.code for f in old.findings] == ["delay-without-basis"]
    assert "国务院令第492号" in (old.findings[0].citation or "")


# ------------------------------------------------------------------ versions and local profiles


def test_2019_05_14_runs_15_plus_15_and_05_15_runs_20_plus_20() -> None:
    old = Case("national", [received("2019-05-14")])
    new = Case("national", [received("2019-05-15")])
    assert old.due == naive_period(NA, D(2019, 5, 14), 15) == D(2019, 6, 4)
    assert new.due == naive_period(NA, D(2019, 5, 15), 20) == D(2019, 6, 13)
    assert old.result(D(2019, 5, 20)).rule == "national-2008.request-reply"
    # 20 workdays exceed the 2008 cap of 15: capped, recorded as a violation
    capped = Case("national", [received("2019-05-14"), ev("extension", "2019-05-30", workdays=20)])
    assert capped.due == naive_period(NA, D(2019, 6, 4), 15)
    assert [f.code for f in capped.findings] == ["extension-exceeds-cap"]
    assert "最长 15 个工作日" in capped.findings[0].message
    assert capped.findings[0].rule_id == "national-2008.request-extension"
    assert old.add(ev("extension", "2019-05-30")).due == naive_period(NA, D(2019, 6, 4), 15)
    assert old.findings == ()


@pytest.mark.parametrize(
    ("profile", "start", "workdays", "oracle"),
    [
        ("pengyang-2018", "2021-05-10", 15, NX),  # 宁夏 calendar: 开斋节 5月13、14日
        ("fenggang-2018", "2026-09-28", 15, NA),
        ("jinping-2024", "2026-09-28", 20, NA),
        ("chizhou-county-2020", "2026-09-28", 20, NA),  # no own reply rule: national
        ("district-2022", "2026-09-28", 20, NA),
    ],
)
def test_each_local_profile(profile: str, start: str, workdays: int, oracle: NaiveCalendar) -> None:
    c = Case(profile, [received(start)])
    assert c.due == naive_period(oracle, D.fromisoformat(start), workdays)


def test_a_profile_without_request_rules_cannot_run_a_case() -> None:
    # opinion-2016 (政务舆情回应) has no fallback (national includes it): no request.reply rule
    with pytest.raises(CaseError, match="没有施行中的依申请公开答复期限规则") as info:
        Case("opinion-2016", [received("2026-09-28")])
    assert info.value.code == "no-reply-rule"


def test_pengyang_differs_from_national_on_the_ningxia_calendar() -> None:
    assert Case("pengyang-2018", [received("2021-05-10")]).due == D(2021, 6, 2)
    assert naive_period(NA, D(2021, 5, 10), 15) == D(2021, 5, 31)


def test_jinping_agency_consultation_uses_its_own_five_workdays() -> None:
    c = Case(
        "jinping-2024",
        [received("2026-09-28"), ev("consultation_started", "2026-10-08", party="agency")],
    )
    r = c.result(D(2026, 10, 9))
    assert [d.due for d in r.deadlines if d.kind == "agency_reply"] == [D(2026, 10, 14)]
    # 锦屏's own rule is silent on consultation time: the national rule excludes it (第三款)
    text = r.trail[1].text
    assert "依 national-2019.request-reply" in text and "第三十三条第三款" in text
    assert r.trail[1].rule_id == "national-2019.request-reply"
    # while 其他机关 has not replied, its own five workdays bound the span (to 10-14)
    assert r.status == "paused"
    assert r.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 8), D(2026, 10, 14))])


# ------------------------------------------------------------------ bad input: impossible data


@pytest.mark.parametrize(
    ("events", "code", "index", "fragment"),
    [
        ([ev("answered", "2026-10-01")], "missing-received", None, "案件没有“收到申请”"),
        (
            [received("2026-09-28"), ev("answered", "2026-09-27")],
            "event-before-receipt",
            1,
            "事件 1（answered，2026-09-27）：事件日期早于收到申请之日 2026-09-28",
        ),
        (
            [received("2026-09-28"), ev("consultation_ended", "2026-10-01", party="agency")],
            "consultation-end-without-start",
            1,
            "事件 1（consultation_ended，2026-10-01）",
        ),
        (
            [received("2026-09-28"), ev("resumed", "2026-10-01")],
            "resumed-without-suspension",
            1,
            "期限没有中止",
        ),
        (
            [received("2026-09-28"), ev("postponed", "2026-10-01")],
            "event-type-unknown",
            1,
            "未知的事件类型 'postponed'",
        ),
        (
            [received("2026-09-28"), ev("answered", "2026-10-01", by="x")],
            "field-unknown",
            1,
            "事件 1（answered）：没有字段 by",
        ),
        (
            [received("2026-09-28", "fax")],
            "missing-confirmation",
            0,
            "必须给出 confirmed",
        ),
        (
            [received("2026-09-28", confirmed="2026-09-29")],
            "confirmation-not-applicable",
            0,
            "不应给出 confirmed",
        ),
        (
            [received("2026-09-28", "online", confirmed="2026-09-27")],
            "confirmed-before-arrival",
            0,
            "确认日期 2026-09-27 早于申请到达之日",
        ),
        ([received("2026-09-28", "carrier pigeon")], "field-invalid", 0, "channel"),
        ([ev("received", "2026-09-28")], "field-missing", 0, "缺少必填字段 channel"),
        (
            [received("2026-09-28"), received("2026-09-29")],
            "duplicate-received",
            1,
            "两个“收到申请”事件",
        ),
        (
            [received("2026-09-28"), ev("correction_received", "2026-10-01")],
            "correction-without-request",
            1,
            "此前没有告知补正",
        ),
        (
            [received("2026-09-28"), ev("delay_set", "2026-10-20", until="2026-10-01")],
            "until-not-after-date",
            1,
            "截止日期 2026-10-01 不晚于事件日期",
        ),
        (
            [
                received("2026-09-28", "online", confirmed="2026-09-30"),
                ev("correction_requested", "2026-09-29"),
            ],
            "event-before-receipt",
            1,
            "事件日期早于收到申请之日 2026-09-30",  # the statutory receipt date: confirmed
        ),
        ([received("2026-09-31")], "date-invalid", 0, "2026-09-31"),
    ],
)
def test_impossible_data_is_a_case_error_naming_the_event(
    events: list[dict[str, object]], code: str, index: int | None, fragment: str
) -> None:
    with pytest.raises(CaseError) as info:
        Case("national", events)
    assert info.value.code == code
    assert info.value.event_index == index
    assert fragment in str(info.value)
    assert str(info.value) == info.value.message_zh


@pytest.mark.parametrize(
    ("events", "code", "fragment"),
    [
        (
            [received("2026-09-28", "fax")],
            "missing-confirmation",
            "第三十一条",  # 条例（2019）第三十一条第三项: 传真 — 双方确认之日
        ),
        (
            [received("2026-09-28", "online", confirmed="2026-09-27")],
            "confirmed-before-arrival",
            "第三十一条",
        ),
    ],
)
def test_receipt_errors_cite_the_receipt_rule(
    events: list[dict[str, object]], code: str, fragment: str
) -> None:
    with pytest.raises(CaseError) as info:
        Case("national", events)
    assert info.value.code == code and info.value.rule_id == "national-2019.receipt-date"
    assert fragment in (info.value.citation or "") and "国务院令第711号" in (
        info.value.citation or ""
    )


# ------------------------------------------------------------------ violations: findings


AS_OF = D(2026, 11, 23)


@pytest.mark.parametrize(
    ("events", "code", "article", "due", "status"),
    [
        # answered, then extended: recorded, changes nothing
        (
            [received("2026-09-28"), ev("answered", "2026-10-12"), ev("extension", "2026-10-13")],
            "event-after-close",
            None,
            D(2026, 10, 30),
            "answered",
        ),
        # 21 workdays: capped at 第三十三条第二款's 20
        (
            [received("2026-09-28"), ev("extension", "2026-10-28", workdays=21)],
            "extension-exceeds-cap",
            "第三十三条第二款",
            D(2026, 11, 27),
            "running",
        ),
        # a second extension is honoured up to the cap (here the cap is already used)
        (
            [received("2026-09-28"), ev("extension", "2026-10-28"), ev("extension", "2026-11-20")],
            "second-extension",
            "第三十三条第二款",
            D(2026, 11, 27),
            "running",
        ),
        # granted after 2026-10-30 had passed: void, the deadline stays
        (
            [received("2026-09-28"), ev("extension", "2026-11-02")],
            "extension-after-deadline",
            "第三十三条第二款",
            D(2026, 10, 30),
            "overdue",
        ),
        # no deadline running while awaiting the correction: void
        (
            [
                received("2026-09-28"),
                ev("correction_requested", "2026-09-29"),
                ev("extension", "2026-09-30"),
            ],
            "extension-while-not-running",
            "第三十三条第二款",
            None,
            "awaiting_correction",
        ),
        # no reason given; and the 2019 条例 has no 中止 at all, so the time counts
        (
            [received("2026-09-28"), ev("suspended", "2026-10-01")],
            "suspension-without-reason",
            "第三十三条第二款",
            D(2026, 10, 30),
            "overdue",
        ),
        (
            [received("2026-09-28"), ev("suspended", "2026-10-01", reason="")],
            "suspension-without-reason",
            "第三十三条第二款",
            D(2026, 10, 30),
            "overdue",
        ),
    ],
)
def test_violations_are_findings_with_their_consequence(
    events: list[dict[str, object]],
    code: str,
    article: str | None,
    due: date | None,
    status: str,
) -> None:
    c = Case("national", events)
    assert c.due == due
    assert c.status(AS_OF) == status
    found = next(f for f in c.findings if f.code == code)
    assert found.severity == "violation" and found.message
    assert found.event_index == len(events) - 1  # the event that broke the rule
    if article is None:
        assert found.citation is None
    else:
        assert article in (found.citation or "") and "国务院令第711号" in (found.citation or "")
    # strict mode: the first violation is an error with its code
    first = next(f for f in c.findings if f.severity == "violation")
    assert first.code == code
    with pytest.raises(CaseError) as info:
        Case("national", events, strict=True)
    assert info.value.code == code and info.value.event_index == found.event_index


def test_violation_messages_state_the_consequence() -> None:
    after = Case("national", [received("2026-09-28"), ev("extension", "2026-11-02")])
    assert "延长无效，期限仍为 2026-10-30" in after.findings[0].message
    cap = Case("national", [received("2026-09-28"), ev("extension", "2026-10-28", workdays=21)])
    assert "延长 21 个工作日超过上限（最长 20 个工作日），按上限计算" in cap.findings[0].message
    closed = Case(
        "national",
        [received("2026-09-28"), ev("answered", "2026-10-12"), ev("extension", "2026-10-13")],
    )
    assert "案件已于 2026-10-12 结束" in closed.findings[0].message
    assert "案件已结束" in closed.trail[-1].text or "无效" in closed.trail[-1].text


def test_nested_suspensions_need_as_many_resumptions() -> None:
    # Formerly refused ("already suspended"); now recorded: each suspension needs its own
    # resumption (the core counts depth). 彭阳 excludes 期限中止 (第四条第二款).
    two = [
        received("2021-05-10"),
        ev("suspended", "2021-05-17", reason="不可抗力"),
        ev("suspended", "2021-05-18", reason="档案被查封"),
        ev("resumed", "2021-05-21"),
    ]
    still = Case("pengyang-2018", two)
    assert still.findings == () and still.due is None
    assert still.status(D(2021, 6, 30)) == "paused"
    both = Case("pengyang-2018", [*two, ev("resumed", "2021-05-24")])
    assert both.due == naive_period(NX, D(2021, 5, 10), 15, [(D(2021, 5, 17), D(2021, 5, 24))])
    # under the 2019 条例 neither suspension has a basis: both count, one finding
    national = Case(
        "national",
        [
            received("2026-09-28"),
            ev("suspended", "2026-10-01", reason="a"),
            ev("suspended", "2026-10-02", reason="b"),
        ],
    )
    assert national.due == D(2026, 10, 30)
    assert [f.code for f in national.findings] == ["no-basis-for-span"]
    # the nested suspension's step must not claim an exclusion the 2019 条例 does not make
    # (it used to quote 第三十三条第三款, the consultation clause; fixed in engine/run.py)
    for step in national.trail[1:]:
        assert "期限继续计算" in step.text and "第三十三条第三款" not in step.text


def test_bad_files(tmp_path) -> None:
    with pytest.raises(CaseError, match="不是有效的 JSON") as info:
        Case.from_json("{oops")
    assert info.value.code == "case-file-invalid"
    with pytest.raises(ProfileError, match="没有档案 'nationl'；是不是 national") as pinfo:
        Case.from_json(
            '{"profile": "nationl", "events": [{"type": "received", "date": "2026-09-28", "channel": "post"}]}'
        )
    assert pinfo.value.code == "profile-unknown"
    with pytest.raises(CaseError, match="至少要有收到申请") as info:
        Case.from_json('{"profile": "national", "events": []}')
    assert info.value.code == "case-file-invalid" and info.value.field == "events"
    with pytest.raises(CaseError, match="colour：没有这个字段") as info:
        Case.from_json(
            '{"profile": "national", "events": [{"type": "answered", "date": "2026-09-28"}], "colour": 1}'
        )
    assert info.value.code == "case-file-invalid" and info.value.field == "colour"
    with pytest.raises(CaseError, match="cannot read"):
        Case.from_file(tmp_path / "missing.json")
    with pytest.raises(CaseError, match="JSON 对象") as info:
        Case.from_json("[1, 2]")
    assert info.value.code == "case-file-invalid"


# ------------------------------------------------------------------ beyond the published calendar


def test_dates_beyond_the_published_calendar_are_bounded() -> None:
    # 2026-12-15 + 20 workdays reaches 2027, whose State Council notice is not published: the
    # result bounds the deadline instead of raising (2027-01-13 if 2027 adds no day off around
    # 元旦, 2027-01-14 at most).
    late = Case("national", [received("2026-12-15")])
    assert late.due is None
    r = late.result(D(2026, 12, 16))
    assert (r.due, r.due_earliest, r.due_latest) == (None, D(2027, 1, 13), D(2027, 1, 14))
    assert r.status == "running"  # both bounds agree the case is running
    assert r.codes() == ["calendar-pending"]
    assert "2027-01-13 至 2027-01-14" in r.findings[0].message and r.due_assumptions
    assert r.trail[0].due == D(2027, 1, 13) and r.trail[0].due_latest == D(2027, 1, 14)
    # no 宁夏 2018 schedule: the earliest bound assumes no regional holiday; no latest bound
    py = Case("pengyang-2018", [received("2018-07-02")]).result(D(2018, 7, 3))
    assert py.status == "running"  # certain: 07-03 is before the earliest possible deadline
    assert py.codes() == ["calendar-pending"] and "（暂不能确定）" in py.findings[0].message
    assert (py.due, py.due_earliest, py.due_latest) == (
        None,
        naive_period(NA, D(2018, 7, 2), 15),
        None,
    )
    assert py.due_earliest == D(2018, 7, 23)
    # an extension into 2027 is accepted at once and bounded too
    ext = Case("national", [received("2026-12-15"), ev("extension", "2026-12-20")])
    assert ext.due is None
    r = ext.result(D(2026, 12, 21))
    assert (r.due_earliest, r.due_latest) == (D(2027, 2, 10), D(2027, 2, 22))
    # beyond every bound (no published year within reach): the calendar error remains
    with pytest.raises(CalendarCoverageError) as info:
        Case("national", [received("2030-03-20")]).due  # noqa: B018
    assert info.value.year == 2030 and info.value.code == "calendar-missing-year"


def test_an_intermediate_worst_case_beyond_the_calendar_is_bounded() -> None:
    # While the consultation is open its worst case (the third party's full 15 workdays) pushes
    # the deadline into 2027, which is bounded; once it has ended, the deadline is back in 2026.
    c = Case(
        "national",
        [
            received("2026-11-20"),
            ev("consultation_started", "2026-11-25", party="third_party"),
            ev("consultation_ended", "2026-11-26", party="third_party"),
        ],
    )
    assert c.due == naive_period(NA, D(2026, 11, 20), 20, [(D(2026, 11, 25), D(2026, 11, 26))])
    # the open consultation's step cannot be dated on the published calendar: left out, and it
    # does not make the (exact) result depend on unpublished days
    assert (c.trail[1].due, c.trail[1].due_latest) == (None, None)
    assert c.trail[2].due == c.due and c.trail[2].due_latest is None
    assert c.findings == ()
    # as of the day the consultation began, the deadline itself is bounded (step and result)
    mid = c.result(D(2026, 11, 25))
    assert (mid.trail[1].due, mid.trail[1].due_latest) == (D(2027, 1, 12), D(2027, 1, 13))
    assert (mid.due_earliest, mid.due_latest) == (D(2027, 1, 12), D(2027, 1, 13))
    # an open consultation's deadline is known only within bounds
    r = Case(
        "national",
        [received("2026-11-20"), ev("consultation_started", "2026-11-25", party="third_party")],
    ).result(D(2026, 11, 26))
    assert (r.due, r.due_earliest, r.due_latest) == (None, D(2027, 1, 12), D(2027, 1, 13))
    assert r.status == "paused" and r.codes() == ["calendar-pending"]


def test_adding_a_bad_event_leaves_the_case_unchanged() -> None:
    c = Case("national", [received("2026-09-28")])
    with pytest.raises(CaseError):
        c.add(ev("resumed", "2026-10-01"))
    assert len(c.events) == 1 and c.due == D(2026, 10, 30)


def test_projection_makes_late_cases_computable_and_says_so() -> None:
    c = Case("national", [received("2026-12-15")], projection=True)
    r = c.result(D(2026, 12, 16))
    assert r.projected and any("预测" in w for w in r.warnings)
    assert r.due is not None and r.due.year == 2027


def test_an_unknown_applicant_type_is_refused_as_the_case_file_would() -> None:
    with pytest.raises(CaseError) as info:
        Case("national", [], applicant="natural")
    assert info.value.code == "field-invalid" and info.value.field == "applicant"
    assert "natural-person" in str(info.value)
