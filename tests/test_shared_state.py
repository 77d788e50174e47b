"""No global mutable state in computation: catalogues are values, a held profile never changes.

The issue found that in 8 threads 1,045 of 2,000 cases were computed with another thread's rules,
that a held `Case` changed its deadline when another caller reloaded a profile, and that a failed
self-including profile stayed registered for everyone. These tests pin each of those down.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from gkdeadline.case import Case
from gkdeadline.errors import ProfileError
from gkdeadline.profiles import (
    Catalogue,
    get_profile,
    parse_profile,
    register,
    reset_default_catalogue,
)

TEMPLATE = """
id = "thread-county"
title = "线程测试县"
jurisdiction = "测试县"
source = "线程测试县依申请公开制度"
effective_from = 2019-05-15
[[rules]]
name = "request-reply"
title = "答复期限"
kind = "period"
topic = "request.reply"
article = "第一条"
quote = "{n}个工作日内答复"
duration = {{ amount = {n}, unit = "workdays" }}
"""
RECEIVED = [{"type": "received", "date": "2026-03-02", "channel": "in_person"}]


@pytest.fixture(autouse=True)
def _clean_catalogue():
    reset_default_catalogue()
    yield
    reset_default_catalogue()


def spec(n: int):
    return parse_profile(TEMPLATE.format(n=n), "toml", f"thread-{n}.toml")


def test_threads_each_compute_with_their_own_catalogue() -> None:
    catalogues = {n: Catalogue.builtin().with_profile(spec(n)) for n in range(5, 13)}
    expected = {n: Case("thread-county", RECEIVED, catalogue=c).due for n, c in catalogues.items()}
    assert len(set(expected.values())) == len(expected)  # a different deadline per period

    def work(n: int) -> list[tuple[int, date | None]]:
        return [
            (n, Case("thread-county", RECEIVED, catalogue=catalogues[n]).due) for _ in range(250)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for batch in pool.map(work, list(catalogues)) for r in batch]
    assert len(results) == 2000
    assert all(due == expected[n] for n, due in results)


def test_registering_again_does_not_change_a_held_case() -> None:
    register(spec(10))
    held = Case("thread-county", RECEIVED)
    before = held.due
    register(spec(5))  # another caller reloads the profile with a shorter period
    assert get_profile("thread-county").rules[0].duration.amount == 5  # type: ignore[union-attr]
    assert held.due == before
    assert Case("thread-county", RECEIVED).due != before


def test_registering_concurrently_is_atomic() -> None:
    def reload(n: int) -> int:
        register(spec(n))
        amount = get_profile("thread-county").rules[0].duration.amount  # type: ignore[union-attr]
        return amount

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(reload, [5 + (k % 8) for k in range(200)]))
    assert set(seen) <= set(range(5, 13))
    final = get_profile("thread-county").rules[0].duration.amount  # type: ignore[union-attr]
    assert final in range(5, 13)


def test_a_failed_registration_changes_nothing() -> None:
    bad = TEMPLATE.format(n=10).replace(
        "effective_from = 2019-05-15", 'effective_from = 2019-05-15\ninclude = ["thread-county"]'
    )
    with pytest.raises(ProfileError):
        register(parse_profile(bad, "toml", "self-including.toml"))
    with pytest.raises(ProfileError) as info:
        get_profile("thread-county")
    assert info.value.code == "profile-unknown"
    # and the catalogue still works for everyone else
    assert Case("national", RECEIVED).due == date(2026, 3, 30)


def test_a_profile_passed_straight_to_a_case_exports_without_lookups() -> None:
    """Results carry their rules' citations: ics export needs no registry."""
    from gkdeadline.ics import to_ics

    profile = Catalogue.builtin().with_profile(spec(10)).get("thread-county")
    result = Case(profile, RECEIVED).result(date(2026, 3, 5))
    ics = to_ics(result, "T-1").decode("utf-8")
    assert "线程测试县依申请公开制度" in ics.replace("\r\n ", "")
