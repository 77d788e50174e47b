"""Every catalogue rule: cited, quoted verbatim from its source, and its worked example holds."""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import date

import pytest

from gkdeadline.profiles import builtin_profiles, get_profile, get_rule, validate_all
from gkdeadline.rules import UNDATED_KINDS, Rule
from tests.paths import SEEDS

SEED_OF = {
    "pengyang-2018": "000",
    "chizhou-county-2020": "001",
    "fenggang-2018": "002",
    "jinping-2024": "003",
    "district-2022": "004",
}
OWNED = [(p, r) for p in builtin_profiles() for r in p.own_rules]


def _norm(text: str) -> str:
    # Seeds mix full- and half-width punctuation; NFKC folds them, whitespace is layout.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


SEED_TEXT = {f.name[:3]: _norm(f.read_text(encoding="utf-8")) for f in SEEDS.glob("*.txt")}


def test_catalogue_is_consistent() -> None:
    validate_all()
    assert len(OWNED) >= 120


@pytest.mark.parametrize(("profile", "rule"), OWNED, ids=[r.id for _, r in OWNED])
def test_rule_is_cited_and_its_example_holds(profile, rule: Rule) -> None:
    assert rule.source and rule.article and rule.quote and rule.jurisdiction
    citation = rule.citation()
    assert rule.quote in citation and rule.article in citation
    if profile.id in SEED_OF:
        assert _norm(rule.quote) in SEED_TEXT[SEED_OF[profile.id]], "quote not found in its seed"
    if rule.kind in UNDATED_KINDS:
        assert rule.example is None
        return
    assert rule.example is not None, "every computable rule has a worked example"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # examples must not rely on projected days
        got = rule.due(rule.example.start, profile.calendar(), amount=rule.example.amount)
    assert got.value == rule.example.due
    assert rule.citation() in got.explain(profile.calendar())


REQUIRED = [
    "national-2019.proactive-disclosure",
    "national-2019.request-reply",
    "national-2019.request-extension",
    "national-2019.correction-notice",
    "national-2019.third-party-opinion",
    "national-2019.agency-opinion",
    "national-2019.annual-report-department",
    "national-2019.annual-report-government",
    "national-2008.request-reply",
    "national-2008.request-extension",
    "opinion-2016.first-release",
    "opinion-2016.press-conference",
    "opinion-2016.response",
]


@pytest.mark.parametrize("rule_id", REQUIRED)
def test_stable_national_ids(rule_id: str) -> None:
    assert get_rule(rule_id).id == rule_id


def test_national_articles_covered() -> None:
    arts = {(r.document, r.article.split("第", 1)[-1][:4]) for r in get_profile("national").rules}
    for a in ("二十六", "三十条", "三十一", "三十二", "三十三", "三十四", "三十五", "四十九"):
        assert any(d == "国务院令第711号" and x.startswith(a) for d, x in arts), a
    for a in ("十八条", "二十四", "三十一"):
        assert any(d == "国务院令第492号" and x.startswith(a) for d, x in arts), a


def test_national_picks_the_text_by_trigger_date() -> None:
    nat = get_profile("national")
    old = nat.rule_for("request.reply", date(2019, 5, 14))
    new = nat.rule_for("request.reply", date(2019, 5, 15))
    assert old is not None and new is not None
    assert (old.id, old.duration and old.duration.amount) == ("national-2008.request-reply", 15)
    assert (new.id, new.duration and new.duration.amount) == ("national-2019.request-reply", 20)
    ext_old = nat.rule_for("request.extension", date(2019, 5, 14))
    assert ext_old is not None and ext_old.duration is not None and ext_old.duration.amount == 15
    lit = nat.rule_for("litigation.filing", date(2015, 4, 30))
    assert lit is not None and lit.duration is not None and lit.duration.amount == 3
    lit = nat.rule_for("litigation.filing", date(2015, 5, 1))
    assert lit is not None and lit.duration is not None and lit.duration.amount == 6


def test_local_profile_falls_back_to_national() -> None:
    jp = get_profile("jinping-2024")
    third = jp.rule_for("request.third-party-opinion", date(2026, 1, 5))
    assert third is not None and third.id == "national-2019.third-party-opinion"
    assert jp.rule_for("request.reply", date(2026, 1, 5)).id == "jinping-2024.request-reply"  # type: ignore[union-attr]
    assert get_profile("pengyang-2018").region == "ningxia"


def test_every_profile_the_issue_asks_for_exists() -> None:
    ids = {p.id for p in builtin_profiles()}
    assert {"national", "opinion-2016", "pengyang-2018", "fenggang-2018", "jinping-2024"} <= ids
    assert {"chizhou-county-2020", "district-2022"} <= ids  # seeds 001 and 004


def test_the_conflicting_local_limits_are_encoded_as_written() -> None:
    assert get_rule("pengyang-2018.prepublication-window").duration.amount == 15  # type: ignore[union-attr]
    assert get_rule("fenggang-2018.prepublication-window").duration.amount == 3  # type: ignore[union-attr]
    assert get_rule("pengyang-2018.opinion-first-release").duration.amount == 1  # type: ignore[union-attr]
    assert get_rule("fenggang-2018.opinion-first-release").duration.amount == 5  # type: ignore[union-attr]
    assert get_rule("pengyang-2018.litigation-filing").duration.model_dump() == {  # type: ignore[union-attr]
        "amount": 3,
        "unit": "months",
    }


def test_five_hour_limit_is_cited_to_document_80() -> None:
    r = get_rule("opinion-2016.first-release")
    assert r.document == "国办发〔2016〕80号"
    assert get_rule("opinion-2016.response").document == "国办发〔2016〕61号"
