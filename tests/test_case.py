"""The request case engine: the issue's worked examples, local profiles, and every bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gkdeadline import Calendar, CalendarCoverageError, CaseError
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
    assert r.status == "answered" and r.on_time is True
    assert r.due == naive_period(NA, D(2026, 5, 7), 20) == D(2026, 6, 3)
    first = r.trail[0].line()
    assert (
        first
        == "2026-03-25 收到申请（当面提交，条例第三十一条第一项）→ 答复期限 20 个工作日（条例第三十三条）→ 2026-04-23"
    )
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
    assert c.result(D(2026, 5, 8)).remaining_workdays == -1


def test_as_of_sees_only_events_up_to_that_day() -> None:
    c = Case(
        "national",
        [received("2026-09-28"), ev("extension", "2026-10-28"), ev("answered", "2026-11-20")],
    )
    assert c.result(D(2026, 10, 27)).due == D(2026, 10, 30)
    assert c.result(D(2026, 10, 28)).due == D(2026, 11, 27)
    assert c.result(D(2026, 11, 19)).status == "running"
    assert c.result(D(2026, 11, 20)).status == "answered"
    with pytest.raises(CaseError, match="before the request was received"):
        c.result(D(2026, 9, 1))


def test_answered_late() -> None:
    r = Case("national", [received("2026-09-28"), ev("answered", "2026-11-02")]).result(
        D(2026, 11, 23)
    )
    assert (r.status, r.on_time) == ("answered", False)
    assert "逾期" in r.trail[-1].text


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
    assert "已逾期" in c.trail[-1].text


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


def test_suspension_without_legal_basis_is_applied_and_flagged() -> None:
    c = Case(
        "national",
        [
            received("2026-09-28"),
            ev("suspended", "2026-10-12", reason="系统故障"),
            ev("resumed", "2026-10-13"),
        ],
    )
    r = c.result(D(2026, 10, 14))
    assert r.due == naive_period(NA, D(2026, 9, 28), 20, [(D(2026, 10, 12), D(2026, 10, 13))])
    assert any("没有“期限中止时间不计入”的依据" in w for w in r.warnings)


def test_delay_set_under_article_35() -> None:
    c = Case(
        "national", [received("2026-09-28"), ev("delay_set", "2026-10-20", until="2026-12-18")]
    )
    assert c.due == D(2026, 12, 18)
    with pytest.raises(CaseError, match=r"request\.delay"):
        Case(
            "national", [received("2019-05-14"), ev("delay_set", "2019-05-20", until="2019-08-01")]
        )


# ------------------------------------------------------------------ versions and local profiles


def test_2019_05_14_runs_15_plus_15_and_05_15_runs_20_plus_20() -> None:
    old = Case("national", [received("2019-05-14")])
    new = Case("national", [received("2019-05-15")])
    assert old.due == naive_period(NA, D(2019, 5, 14), 15) == D(2019, 6, 4)
    assert new.due == naive_period(NA, D(2019, 5, 15), 20) == D(2019, 6, 13)
    assert old.result(D(2019, 5, 20)).rule == "national-2008.request-reply"
    with pytest.raises(CaseError, match="exceeds the maximum extension of 15"):
        old.add(ev("extension", "2019-05-30", workdays=20))
    assert old.add(ev("extension", "2019-05-30")).due == naive_period(NA, D(2019, 6, 4), 15)


@pytest.mark.parametrize(
    ("profile", "start", "workdays", "oracle"),
    [
        ("pengyang-2018", "2021-05-10", 15, NX),  # 宁夏 calendar: 开斋节 5月13、14日
        ("fenggang-2018", "2026-09-28", 15, NA),
        ("jinping-2024", "2026-09-28", 20, NA),
        ("chizhou-county-2020", "2026-09-28", 20, NA),  # no own reply rule: national
        ("district-2022", "2026-09-28", 20, NA),
        ("opinion-2016", "2026-09-28", 20, NA),
    ],
)
def test_each_local_profile(profile: str, start: str, workdays: int, oracle: NaiveCalendar) -> None:
    c = Case(profile, [received(start)])
    assert c.due == naive_period(oracle, D.fromisoformat(start), workdays)


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
    assert "依国家规定不计入" in r.trail[1].text and "第三十三条第二款" in r.trail[1].text


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([ev("answered", "2026-10-01")], "first event must be 'received'"),
        (
            [received("2026-09-28"), ev("answered", "2026-09-27")],
            "event 1 (answered, 2026-09-27): is dated before",
        ),
        (
            [received("2026-09-28"), ev("consultation_ended", "2026-10-01", party="agency")],
            "event 1 (consultation_ended",
        ),
        ([received("2026-09-28"), ev("resumed", "2026-10-01")], "not suspended"),
        (
            [
                received("2026-09-28"),
                ev("suspended", "2026-10-01", reason="a"),
                ev("suspended", "2026-10-02", reason="b"),
            ],
            "already suspended",
        ),
        ([received("2026-09-28"), ev("suspended", "2026-10-01")], "event 1 (suspended): reason"),
        ([received("2026-09-28"), ev("suspended", "2026-10-01", reason="")], "reason"),
        ([received("2026-09-28"), ev("postponed", "2026-10-01")], "unknown type 'postponed'"),
        ([received("2026-09-28"), ev("answered", "2026-10-01", by="x")], "event 1 (answered): by"),
        ([received("2026-09-28", "fax")], "needs 'confirmed'"),
        ([received("2026-09-28", confirmed="2026-09-29")], "'confirmed' applies to"),
        ([received("2026-09-28", "online", confirmed="2026-09-27")], "before the request arrived"),
        ([received("2026-09-28", "carrier pigeon")], "channel"),
        ([received("2026-09-28"), received("2026-09-29")], "already has a 'received'"),
        (
            [received("2026-09-28"), ev("answered", "2026-10-12"), ev("extension", "2026-10-13")],
            "answered on 2026-10-12",
        ),
        (
            [received("2026-09-28"), ev("extension", "2026-10-28", workdays=21)],
            "exceeds the maximum extension of 20",
        ),
        (
            [received("2026-09-28"), ev("extension", "2026-10-28"), ev("extension", "2026-11-20")],
            "second extension",
        ),
        ([received("2026-09-28"), ev("extension", "2026-11-02")], "2026-10-30 had already passed"),
        (
            [received("2026-09-28"), ev("correction_received", "2026-10-01")],
            "no correction was requested",
        ),
        (
            [
                received("2026-09-28"),
                ev("correction_requested", "2026-09-29"),
                ev("extension", "2026-09-30"),
            ],
            "no running deadline",
        ),
        (
            [received("2026-09-28"), ev("delay_set", "2026-10-20", until="2026-10-01")],
            "must be after",
        ),
        (
            [
                received("2026-09-28", "online", confirmed="2026-09-30"),
                ev("correction_requested", "2026-09-29"),
            ],
            "before the statutory receipt date",
        ),
        ([received("2026-09-31")], "date"),
    ],
)
def test_bad_events_are_case_errors_naming_the_event(
    events: list[dict[str, object]], fragment: str
) -> None:
    with pytest.raises(CaseError) as info:
        Case("national", events)
    assert fragment in str(info.value)


def test_bad_files(tmp_path) -> None:
    with pytest.raises(CaseError, match="not valid JSON"):
        Case.from_json("{oops")
    with pytest.raises(CaseError, match="unknown profile 'nationl'"):
        Case.from_json(
            '{"profile": "nationl", "events": [{"type": "received", "date": "2026-09-28", "channel": "post"}]}'
        )
    with pytest.raises(CaseError, match="at least its 'received'"):
        Case.from_json('{"profile": "national", "events": []}')
    with pytest.raises(CaseError, match="colour: Extra inputs"):
        Case.from_json(
            '{"profile": "national", "events": [{"type": "answered", "date": "2026-09-28"}], "colour": 1}'
        )
    with pytest.raises(CaseError, match="cannot read"):
        Case.from_file(tmp_path / "missing.json")
    with pytest.raises(CaseError, match="JSON object"):
        Case.from_json("[1, 2]")


def test_dates_outside_the_calendar() -> None:
    # The events are valid; the deadline is what the calendar cannot give, so asking for it raises.
    late = Case("national", [received("2026-12-15")])
    with pytest.raises(CalendarCoverageError) as info:
        late.due  # noqa: B018
    assert info.value.year == 2027
    with pytest.raises(CalendarCoverageError):
        late.result(D(2026, 12, 16))
    with pytest.raises(CalendarCoverageError):
        Case("pengyang-2018", [received("2018-07-02")]).result(
            D(2018, 7, 3)
        )  # no 宁夏 2018 schedule
    # an extension needs today's deadline to be validated, so adding it raises at once
    with pytest.raises(CalendarCoverageError):
        Case("national", [received("2026-12-15"), ev("extension", "2026-12-20")])


def test_an_intermediate_worst_case_beyond_the_calendar_is_not_an_error() -> None:
    # While the consultation is open its worst case (the third party's full 15 workdays) would
    # push the deadline into 2027; once it has ended, the deadline is back in 2026.
    c = Case(
        "national",
        [
            received("2026-11-20"),
            ev("consultation_started", "2026-11-25", party="third_party"),
            ev("consultation_ended", "2026-11-26", party="third_party"),
        ],
    )
    assert c.due == naive_period(NA, D(2026, 11, 20), 20, [(D(2026, 11, 25), D(2026, 11, 26))])
    assert c.trail[1].due is None and c.trail[2].due == c.due
    with pytest.raises(CalendarCoverageError):  # but an open consultation's deadline is unknown
        Case(
            "national",
            [received("2026-11-20"), ev("consultation_started", "2026-11-25", party="third_party")],
        ).result(D(2026, 11, 26))


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
