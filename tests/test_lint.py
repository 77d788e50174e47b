"""lint and compare report the conflicts the seeds contain, with both citations."""

from __future__ import annotations

from datetime import date

from gkdeadline.lint import compare, lint

ON = date(2026, 11, 23)


def _found(profile: str, on: date = ON) -> set[tuple[str, str, str]]:
    return {(f.severity, f.category, f.local.id) for f in lint(profile, on)}


def test_pengyang_15_plus_15_after_2019_is_superseded() -> None:
    found = _found("pengyang-2018")
    assert ("conflict", "superseded", "pengyang-2018.request-reply") in found
    assert ("conflict", "superseded", "pengyang-2018.request-extension") in found
    f = next(
        f
        for f in lint("pengyang-2018", ON)
        if f.local.id == "pengyang-2018.request-reply" and f.category == "superseded"
    )
    assert f.national is not None and f.national.id == "national-2019.request-reply"
    assert "国务院令第492号" in f.message and "国务院令第711号" in f.message


def test_pengyang_15_plus_15_was_fine_under_the_2008_text() -> None:
    assert not any(
        f.local.id.startswith("pengyang-2018.request-")
        for f in lint("pengyang-2018", date(2019, 5, 14))
    )


def test_three_month_litigation_limit_is_superseded_and_narrows_a_right() -> None:
    found = _found("pengyang-2018")
    assert ("conflict", "superseded", "pengyang-2018.litigation-filing") in found
    assert ("conflict", "narrower", "pengyang-2018.litigation-filing") in found
    # already in conflict when the county issued it (2018-06-27): the law changed 2015-05-01
    assert ("conflict", "narrower", "pengyang-2018.litigation-filing") in _found(
        "pengyang-2018", date(2018, 7, 1)
    )


def test_prepublication_windows_cannot_meet_national_minimums() -> None:
    pengyang = [f for f in lint("pengyang-2018", ON) if f.category == "window"]
    fenggang = [f for f in lint("fenggang-2018", ON) if f.category == "window"]
    assert {f.national.id for f in pengyang if f.national} == {"major-decision-2019.comment-period"}
    assert {f.national.id for f in fenggang if f.national} == {
        "major-decision-2019.comment-period",
        "normative-doc-2018.comment-period",
    }
    assert all("每一个起始日都无法满足" in f.message for f in pengyang + fenggang)
    # before 国务院令第713号 took effect (2019-09-01) there was no 30-day minimum to miss
    assert not [f for f in lint("pengyang-2018", date(2019, 6, 1)) if f.category == "window"]


def test_department_annual_reports_later_than_the_2019_text_are_looser() -> None:
    assert ("conflict", "looser", "fenggang-2018.annual-report-department") in _found(
        "fenggang-2018"
    )
    assert ("conflict", "looser", "pengyang-2018.annual-report") in _found("pengyang-2018")
    # under the 2008 text (3月31日 for everyone) 凤冈's 2月28日 was stricter
    assert ("info", "stricter", "fenggang-2018.annual-report-department") in _found(
        "fenggang-2018", date(2018, 6, 1)
    )


def test_stricter_local_limits_are_information_only() -> None:
    assert ("info", "stricter", "pengyang-2018.opinion-first-release") in _found("pengyang-2018")
    assert ("info", "stricter", "jinping-2024.department-opinion") in _found("jinping-2024")
    assert not [f for f in lint("jinping-2024", ON) if f.severity == "conflict"]
    assert lint("national", ON) == []


def test_compare_shows_one_hour_against_five_hours() -> None:
    rows = {r.topic: r for r in compare("pengyang-2018", "fenggang-2018", ON)}
    first = rows["opinion.first-release"]
    assert first.a is not None and first.b is not None
    assert (first.a.limit_text(), first.b.limit_text()) == ("1 小时", "5 小时")
    assert first.differs and not first.a_fallback and not first.b_fallback
    lit = rows["litigation.filing"]
    assert lit.b is not None and lit.b_fallback and lit.b.id == "admin-litigation-2014.filing"
    assert not rows["opinion.press-conference"].differs
