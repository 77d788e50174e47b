"""User-defined profiles: TOML and JSON, validated, with errors naming field and line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gkdeadline import ProfileError
from gkdeadline.profiles import (
    Catalogue,
    default_catalogue,
    get_profile,
    json_schema,
    load_profile,
    parse_profile,
    register,
    reset_default_catalogue,
)

ROOT = Path(__file__).parent.parent

GOOD = """
id = "test-county-2025"
title = "测试县依申请公开制度"
jurisdiction = "测试县"
source = "测试县政府信息依申请公开办法"
effective_from = 2025-01-01

[[rules]]
name = "request-reply"
title = "答复期限"
kind = "period"
topic = "request.reply"
article = "第十条"
quote = "自收到申请之日起15个工作日内答复"
duration = { amount = 15, unit = "workdays" }
extension = "request-extension"

[[rules]]
name = "request-extension"
title = "延长"
kind = "extension"
topic = "request.extension"
article = "第十条"
quote = "延长不超过15个工作日"
duration = { amount = 15, unit = "workdays" }
extends = "request-reply"
"""


def test_user_profile_loads_expands_ids_and_falls_back(tmp_path) -> None:
    f = tmp_path / "county.toml"
    f.write_text(GOOD, encoding="utf-8")
    p = load_profile(f)
    assert [r.id for r in p.own_rules] == [
        "test-county-2025.request-reply",
        "test-county-2025.request-extension",
    ]
    reply = p.own_rules[0]
    assert reply.extension == "test-county-2025.request-extension"
    assert reply.source == "测试县政府信息依申请公开办法" and reply.jurisdiction == "测试县"
    assert reply.due(date(2026, 9, 28)).value == date(2026, 10, 23)
    assert (
        p.rule_for("request.third-party-opinion", date(2026, 1, 5)).id
        == "national-2019.third-party-opinion"
    )  # type: ignore[union-attr]
    assert get_profile("test-county-2025") is p
    # the fallback is the profile object itself, resolved when the profile was registered
    assert p.fallback is get_profile("national") and p.fallback_id == "national"


def line_of(msg: str, field: str) -> int:
    """The line number a ProfileError gives for ``field``: ``字段 X（第 N 行）``."""
    segment = msg[msg.index(field) :]
    return int(segment.split("（第 ")[1].split(" 行）")[0])


def test_json_profile_loads(tmp_path) -> None:
    import tomllib

    f = tmp_path / "county.json"
    data = tomllib.loads(GOOD.replace("test-county-2025", "test-county-json"))
    f.write_text(json.dumps(data, default=str, ensure_ascii=False, indent=2), encoding="utf-8")
    p = load_profile(f)
    assert p.own_rules[0].duration.amount == 15  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "field", "key_on_line"),
    [
        (
            '"workdays" }\nextension',
            '"fortnights" }\nextension',
            "rules[0] (request-reply).duration.unit",
            "duration",
        ),
        ('kind = "extension"', 'kind = "extention"', "rules[1] (request-extension).kind", "kind"),
        (
            'article = "第十条"\nquote = "自',
            'artikel = "第十条"\nquote = "自',
            "rules[0] (request-reply).artikel",
            "artikel",
        ),
        ('id = "test-county-2025"', 'id = "Test County"', "字段 id", "id"),
        (
            "effective_from = 2025-01-01",
            'effective_from = "2025-13-01"',
            "effective_from",
            "effective_from",
        ),
    ],
)
def test_bad_toml_names_field_and_line(old: str, new: str, field: str, key_on_line: str) -> None:
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "toml", "bad.toml")
    msg = str(info.value)
    assert msg.startswith("bad.toml：") and field in msg and info.value.code == "profile-invalid"
    assert text.splitlines()[line_of(msg, field) - 1].startswith(key_on_line)


def test_missing_field_and_broken_toml() -> None:
    with pytest.raises(ProfileError, match=r"字段 jurisdiction.*缺少必填字段"):
        parse_profile(GOOD.replace('jurisdiction = "测试县"\n', ""), "toml", "bad.toml")
    with pytest.raises(ProfileError, match=r"bad\.toml：不是有效的 TOML"):
        parse_profile(GOOD + "\nregion = = 1\n", "toml", "bad.toml")


def test_bad_json_names_field_and_line() -> None:
    text = json.dumps(
        {
            "id": "x-json",
            "title": "t",
            "jurisdiction": "j",
            "source": "s",
            "rules": [
                {
                    "name": "a",
                    "title": "A",
                    "kind": "period",
                    "topic": "t.a",
                    "article": "1",
                    "quote": "q",
                    "duration": {"amount": 3, "unit": "days"},
                },
                {
                    "name": "b",
                    "title": "B",
                    "kind": "period",
                    "topic": "t.b",
                    "article": "1",
                    "quote": "q",
                    "duration": {"amount": -3, "unit": "days"},
                },
            ],
        },
        indent=2,
    )
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "json", "bad.json")
    msg = str(info.value)
    assert "rules[1] (b).duration.amount" in msg
    line = line_of(msg, "rules[1] (b).duration.amount")
    assert '"amount": -3' in text.splitlines()[line - 1]
    with pytest.raises(ProfileError, match=r"bad\.json：不是有效的 JSON"):
        parse_profile("{oops", "json", "bad.json")


def test_unknown_region_fallback_and_overlapping_topics(tmp_path) -> None:
    with pytest.raises(ProfileError, match=r"字段 region.*没有地区 'atlantis'"):
        parse_profile(
            GOOD.replace("effective_from", 'region = "atlantis"\neffective_from'), "toml", "r.toml"
        )
    f = tmp_path / "fb.toml"
    f.write_text(
        GOOD.replace("test-county-2025", "fb-county").replace(
            "source =", 'fallback = "nationl"\nsource ='
        ),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="fallback：没有档案 'nationl'；是不是 national"):
        load_profile(f)
    dup = GOOD.replace('topic = "request.extension"', 'topic = "request.reply"').replace(
        "test-county-2025", "dup-county"
    )
    g = tmp_path / "dup.toml"
    g.write_text(dup, encoding="utf-8")
    with pytest.raises(ProfileError, match="同时有两条施行中的规则"):
        load_profile(g)
    with pytest.raises(ProfileError, match="是内置档案"):
        h = tmp_path / "n.toml"
        h.write_text(GOOD.replace("test-county-2025", "national"), encoding="utf-8")
        load_profile(h)


def test_rule_links_must_resolve_and_a_failed_reload_keeps_the_old_profile(tmp_path) -> None:
    good = GOOD.replace("test-county-2025", "link-county")
    f = tmp_path / "link.toml"
    f.write_text(good, encoding="utf-8")
    first = load_profile(f)
    f.write_text(good.replace('extends = "request-reply"', 'extends = "request-replly"'), "utf-8")
    with pytest.raises(
        ProfileError,
        match=r"规则 link-county\.request-extension 引用了不存在的规则 'request-replly'",
    ):
        load_profile(f)
    assert get_profile("link-county") is first  # the working profile stays registered


def test_the_catalogue_is_immutable_and_registration_swaps_it() -> None:
    builtin = Catalogue.builtin()
    spec = parse_profile(GOOD.replace("test-county-2025", "cat-county"), "toml", "cat.toml")
    mine = builtin.with_profile(spec)
    assert mine.get("cat-county").fallback is builtin.get("national")
    assert not mine.is_builtin("cat-county") and mine.is_builtin("national")
    with pytest.raises(ProfileError) as info:  # the built-in catalogue is unchanged
        builtin.get("cat-county")
    assert info.value.code == "profile-unknown"
    with pytest.raises(ProfileError):  # and so is the process default
        get_profile("cat-county")
    before = default_catalogue()
    registered = register(spec)
    assert default_catalogue() is not before and get_profile("cat-county") is registered
    with pytest.raises(ProfileError):
        before.get("cat-county")  # a catalogue already handed out never changes
    reset_default_catalogue()
    assert default_catalogue() is builtin
    with pytest.raises(ProfileError):
        get_profile("cat-county")


def test_loader_uses_no_unsafe_parsing(tmp_path) -> None:
    f = tmp_path / "evil.toml"
    f.write_text(
        GOOD.replace('title = "答复期限"', "title = \"__import__('os').system('false')\""),
        encoding="utf-8",
    )
    p = load_profile(f)  # text stays text
    assert p.own_rules[0].title.startswith("__import__")


def test_published_schema_is_current() -> None:
    published = json.loads((ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), (
        "regenerate: uv run gkdeadline schema > docs/profile.schema.json"
    )
    assert "rules" in published["properties"]
