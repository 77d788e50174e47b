"""Profiles: a jurisdiction's rules plus the calendar its offices work on.

A profile is read from a TOML or JSON file (the built-in catalogue uses the same format, see
``src/gkdeadline/catalogue/``). It has its own rules, may ``include`` other profiles' rules, names
a regional calendar, and falls back to another profile (``national`` by default) for topics it
does not regulate. `Profile.rule_for` picks the rule in force on the triggering date, so
``national`` answers 15+15 for a request received on 2019-05-14 and 20+20 from 2019-05-15.

The file format is published as JSON Schema (``gkdeadline schema``; ``docs/profile.schema.json``).
Files are parsed with ``tomllib`` / ``json`` only — no ``eval``, no custom tags — and a bad file
gets a `ProfileError` naming the field and its line.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import json
import json.decoder
import json.scanner
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from gkdeadline.calendar import Calendar, YearSchedule, region_key
from gkdeadline.calendar.calendar import shared_calendar
from gkdeadline.errors import GkDeadlineError, ProfileError, RuleError, validation_reason
from gkdeadline.rules import Deadline, Rule
from gkdeadline.userfiles import loads_toml, read_utf8

NATIONAL = "national"
T = TypeVar("T")
_NAME = r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$"


def _rule_entry_model() -> type[BaseModel]:
    """A rule as written in a profile file: `Rule`'s fields, ``name`` instead of ``id``,
    and the citation fields optional (they default to the file's). Derived from `Rule`
    so the file format and the rule can never disagree."""
    fields: dict[str, Any] = {
        "name": (
            str,
            Field(pattern=_NAME, description="Local name; the rule id is '<profile id>.<name>'"),
        )
    }
    optional = {"source", "jurisdiction"}
    for name, info in Rule.model_fields.items():
        if name == "id":
            continue
        if name in optional:
            annotation: Any = info.annotation
            fields[name] = (annotation | None, Field(None, description=info.description))
        else:
            fields[name] = (info.annotation, info)
    model: type[BaseModel] = create_model(
        "RuleEntry",
        __config__=ConfigDict(extra="forbid", populate_by_name=True),
        **fields,
    )
    return model


RuleEntry = _rule_entry_model()


class ProfileFile(BaseModel):
    """A profile file (TOML or JSON). See docs/profiles.md."""

    model_config = ConfigDict(extra="forbid", title="gkdeadline profile")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Profile id, e.g. pengyang-2018")
    title: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1, description="Where it applies, in Chinese")
    region: str | None = Field(None, description="Regional calendar: ningxia, xinjiang, …")
    fallback: str | None = Field(NATIONAL, description="Profile used for topics not covered")
    include: list[str] = Field([], description="Profiles whose rules this profile contains")
    source: str | None = Field(None, description="Default document title for the rules")
    document: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    note: str | None = None
    seriously_overdue_workdays: int | None = Field(
        None,
        ge=0,
        description="逾期超过这么多个工作日为“严重逾期”（管理用阈值，不是法律规定；缺省沿用回落档案的）",
    )
    rules: list[RuleEntry] = []  # type: ignore[valid-type]


@dataclass(frozen=True, eq=False)
class Profile:
    """A jurisdiction: rules (own and included), a calendar region, a fallback profile.

    A profile is immutable and self-contained: its included rules and its fallback are resolved
    when it enters a `Catalogue`, so a profile handed to a case keeps working whatever is
    registered later.
    """

    id: str
    title: str
    jurisdiction: str
    region: str | None
    fallback: Profile | None
    include: tuple[str, ...]
    own_rules: tuple[Rule, ...]
    rules: tuple[Rule, ...]  # own rules followed by the rules of included profiles
    note: str | None = None
    origin: str = "built-in"
    overdue_threshold: int | None = None  # seriously_overdue_workdays as written in the file

    @property
    def fallback_id(self) -> str | None:
        return self.fallback.id if self.fallback is not None else None

    @cached_property
    def _by_topic(self) -> dict[str, tuple[Rule, ...]]:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            out.setdefault(r.topic, []).append(r)
        return {
            t: tuple(sorted(v, key=lambda r: r.effective_from or date.min)) for t, v in out.items()
        }

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def _eras(self) -> list[date]:
        """Every date on which some rule of this profile or its fallbacks starts or stops."""
        points: set[date] = set()
        chain: Profile | None = self
        while chain is not None:
            for r in chain.rules:
                if r.effective_from is not None:
                    points.add(r.effective_from)
                if r.effective_to is not None and r.effective_to < date.max:
                    points.add(date.fromordinal(r.effective_to.toordinal() + 1))
            chain = chain.fallback
        return sorted(points)

    @cached_property
    def _compiled(self) -> dict[int, Any]:
        return {}

    def compiled(self, on: date, build: Callable[[Profile, date], T]) -> T:
        """``build(self, on)``, cached per era (the span of dates with the same rules in force)."""
        era = bisect.bisect_right(self._eras, on)
        found = self._compiled.get(era)
        if found is None:
            found = build(self, on)
            self._compiled[era] = found
        return cast(T, found)

    def calendar(
        self, schedules: Iterable[YearSchedule] = (), projection: bool = False
    ) -> Calendar:
        """The calendar this jurisdiction's offices work on (with optional extra schedules)."""
        return shared_calendar(self.region, tuple(schedules), projection)

    def own_rule_for(self, topic: str, on: date) -> Rule | None:
        """This profile's (own or included) rule for ``topic`` in force on ``on``."""
        found = None
        for r in self._by_topic.get(topic, ()):
            if r.in_force(on):
                found = r  # sorted by effective_from: the latest in force wins
        return found

    def rule_for(self, topic: str, on: date) -> Rule | None:
        """The rule for ``topic`` in force on ``on``: this profile's, else the fallback's."""
        found = self.own_rule_for(topic, on)
        if found is not None:
            return found
        return self.fallback.rule_for(topic, on) if self.fallback is not None else None

    def rule_by_id(self, rule_id: str) -> Rule | None:
        """A rule of this profile (own, included, or its fallbacks') by id."""
        chain: Profile | None = self
        while chain is not None:
            found = chain._by_id.get(rule_id)
            if found is not None:
                return found
            chain = chain.fallback
        return None

    def rules_excluding(self, topic: str, on: date) -> list[Rule]:
        """This profile's rules in force on ``on`` whose span does not count in ``topic``."""
        return [r for r in self.rules if r.excludes_in == topic and r.in_force(on)]

    def seriously_overdue(self) -> int | None:
        """Workdays late after which a case is seriously overdue (this profile's or fallback's)."""
        chain: Profile | None = self
        while chain is not None:
            if chain.overdue_threshold is not None:
                return chain.overdue_threshold
            chain = chain.fallback
        return None

    def due(self, topic: str, trigger: date, calendar: Calendar | None = None) -> Deadline | None:
        """The deadline for ``topic`` triggered on ``trigger``, with transitional provisions.

        The rule in force on the trigger date applies — unless a later version of the rule says it
        also governs periods still running when it took effect (``transition = "running"``, e.g.
        法释〔2015〕9号 for litigation periods running on 2015-05-01; the 2019 条例 for annual
        reports falling due after 2019-05-15): then that version applies.
        """
        cal = calendar or self.calendar()
        key = (topic, trigger, cal._key)  # many cases are answered on the same day
        cache = self._due_cache
        if key in cache:
            return cache[key]
        found = self._due(topic, trigger, cal)
        if len(cache) > 4096:
            cache.clear()
        cache[key] = found
        return found

    @cached_property
    def _due_cache(self) -> dict[tuple[object, ...], Deadline | None]:
        return {}

    def _due(self, topic: str, trigger: date, cal: Calendar) -> Deadline | None:
        rule = self.rule_for(topic, trigger)
        if rule is None:
            return None
        result = rule.due(trigger, cal, check_in_force=False)
        later = [
            r
            for r in self._topic_chain(topic)
            if r.transition == "running"
            and r.effective_from is not None
            and trigger < r.effective_from
            and r is not rule
        ]
        for r in sorted(later, key=lambda r: r.effective_from or date.min):
            value = result.value
            end = value.date() if isinstance(value, datetime) else value
            if r.effective_from is not None and end >= r.effective_from:
                result = r.due(trigger, cal, check_in_force=False)
        return result

    def _topic_chain(self, topic: str) -> list[Rule]:
        out: list[Rule] = []
        chain: Profile | None = self
        while chain is not None:
            out += chain._by_topic.get(topic, ())
            chain = chain.fallback
        return out

    def topics(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.rules:
            seen.setdefault(r.topic)
        if self.fallback is not None:
            for t in self.fallback.topics():
                seen.setdefault(t)
        return list(seen)

    def resolved(self, on: date) -> list[tuple[Rule, bool]]:
        """Every topic's rule in force on ``on``, with True where it comes from the fallback."""
        out = []
        for topic in self.topics():
            own = self.own_rule_for(topic, on)
            if own is not None:
                out.append((own, False))
                continue
            r = self.fallback.rule_for(topic, on) if self.fallback is not None else None
            if r is not None:
                out.append((r, True))
        return out


@dataclass(frozen=True)
class ProfileSpec:
    """A parsed profile file before it joins a catalogue (its links are still ids)."""

    id: str
    title: str
    jurisdiction: str
    region: str | None
    fallback_id: str | None
    include: tuple[str, ...]
    own_rules: tuple[Rule, ...]
    note: str | None
    origin: str
    overdue_threshold: int | None


# ---------------------------------------------------------------------------- file loading


def _expand_rules(pf: ProfileFile, origin: str) -> tuple[Rule, ...]:
    entries: list[dict[str, Any]] = [
        cast(BaseModel, e).model_dump(exclude_unset=True, by_alias=False)
        for e in cast(list[Any], pf.rules)
    ]
    names = {e["name"] for e in entries}

    def full(ref: str | None) -> str | None:
        if ref is None:
            return None
        return f"{pf.id}.{ref}" if ref in names else ref

    out = []
    for i, data in enumerate(entries):
        name = data.pop("name")
        data["id"] = f"{pf.id}.{name}"
        for key in ("source", "document", "jurisdiction", "effective_from", "effective_to"):
            if data.get(key) is None and getattr(pf, key) is not None:
                data[key] = getattr(pf, key)
        for key in ("extension", "extends"):
            if key in data:
                data[key] = full(data[key])
        if data.get("source") is None:
            raise ProfileError(
                f"{origin}：rules[{i}]（{name}）缺少 source，文件也没有给出缺省的 source",
                code="profile-invalid",
                message_en=f"{origin}: rules[{i}] ({name}): 'source' is missing and the file has none",
                field=f"rules[{i}].source",
            )
        try:
            out.append(Rule.model_validate({k: v for k, v in data.items() if v is not None}))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "rule"
            zh, en = validation_reason(err)
            raise ProfileError(
                f"{origin}：rules[{i}]（{name}）.{field}：{zh}",
                code="profile-invalid",
                message_en=f"{origin}: rules[{i}] ({name}): {field}: {en}",
                field=f"rules[{i}].{field}",
            ) from None
    return tuple(out)


def _profile_error(origin: str, zh: str, en: str, field: str | None = None) -> ProfileError:
    return ProfileError(f"{origin}：{zh}", message_en=f"{origin}: {en}", field=field)


def _check(profile: Profile) -> None:
    """Ids unique; one rule per topic at any date; rule links resolve."""
    for r in profile.own_rules:
        for link in (r.extension, r.extends, r.basis):
            if link is not None and _find_rule(profile, link) is None:
                raise _profile_error(
                    profile.origin,
                    f"规则 {r.id} 引用了不存在的规则 {link!r}",
                    f"rule {r.id} refers to unknown rule {link!r}",
                    "rules",
                )
    ids: set[str] = set()
    by_topic: dict[str, list[Rule]] = {}
    for r in profile.rules:
        if r.id in ids:
            raise _profile_error(
                profile.origin, f"规则 id {r.id} 出现两次", f"rule id {r.id} appears twice"
            )
        ids.add(r.id)
        by_topic.setdefault(r.topic, []).append(r)
    for topic, rules in by_topic.items():
        rules.sort(key=lambda r: r.effective_from or date.min)
        for a, b in itertools.pairwise(rules):
            if a.effective_to is None or (b.effective_from and a.effective_to >= b.effective_from):
                raise _profile_error(
                    profile.origin,
                    f"主题 {topic!r} 同时有两条施行中的规则（{a.id} 和 {b.id}）；请给它们不同的主题或不重叠的施行日期",
                    f"topic {topic!r} has two rules in force at once ({a.id} and {b.id})",
                )


def _find_rule(profile: Profile, rule_id: str) -> Rule | None:
    found = profile.rule_by_id(rule_id)
    if found is not None:
        return found
    cat = _CURRENT
    return cat.rule(rule_id) if cat is not None else None


MAX_PROFILE_BYTES = 2_000_000  # a profile file larger than this is refused (documented)
MAX_PROFILE_RULES = 10_000  # a profile with more rules is refused (the largest built-in has 47)
MAX_PROFILE_ERRORS = 20  # validation stops after this many problems (3 are shown)


def parse_profile(text: str, fmt: str, origin: str) -> ProfileSpec:
    """Parse profile text (``fmt`` is ``"toml"`` or ``"json"``) into a `ProfileSpec`."""
    if len(text) > MAX_PROFILE_BYTES:
        raise _profile_error(
            origin,
            f"文件有 {len(text):,} 个字符，超过上限 {MAX_PROFILE_BYTES:,}",
            f"the file has {len(text):,} characters, more than the limit {MAX_PROFILE_BYTES:,}",
        )
    try:
        if fmt == "toml":
            raw: Any = loads_toml(text, lambda zh, en: _profile_error(origin, zh, en))
        else:
            raw = strict_json(text)
    except json.JSONDecodeError as exc:
        raise _profile_error(
            origin,
            f"不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行）",
            f"not valid JSON: {exc.msg} (line {exc.lineno})",
        ) from None
    except RecursionError:
        raise _profile_error(origin, "嵌套层数过深", "nested too deeply") from None
    except ValueError as exc:  # duplicate keys
        raise _profile_error(origin, str(exc), str(exc)) from None
    pf, errors, stopped = _validate_file(raw, origin)
    if pf is None:
        problems, problems_en = [], []
        for err in errors[:3]:
            loc = tuple(err["loc"])
            line = locate(text, fmt, loc)
            where = f"（第 {line} 行）" if line else ""
            got = err.get("input")
            shown = f"，实际为 {got!r}" if not isinstance(got, dict | list) else ""
            zh, en = validation_reason(err)
            name = _field_name(loc, raw)
            problems.append(f"字段 {name}{where}：{zh}{shown}")
            problems_en.append(f"field {name}{f' (line {line})' if line else ''}: {en}")
        extra = len(errors) - 3
        more = f"（另有 {extra} 处{'以上' if stopped else ''}）" if extra > 0 else ""
        more_en = f" ({extra}{' or more' if stopped else ''} more)" if extra > 0 else ""
        raise _profile_error(origin, "；".join(problems) + more, "; ".join(problems_en) + more_en)
    if pf.region is not None:
        try:
            region = region_key(pf.region)
        except GkDeadlineError as exc:
            raise _profile_error(
                origin,
                f"字段 region（第 {locate(text, fmt, ('region',))} 行）：{exc}",
                f"field region: {exc.message_en}",
                "region",
            ) from None
    else:
        region = None
    fallback = None if pf.fallback in (None, "", "none") else pf.fallback
    return ProfileSpec(
        id=pf.id,
        title=pf.title,
        jurisdiction=pf.jurisdiction,
        region=region,
        fallback_id=fallback,
        include=tuple(pf.include),
        own_rules=_expand_rules(pf, origin),
        note=pf.note,
        origin=origin,
        overdue_threshold=pf.seriously_overdue_workdays,
    )


def _validate_file(raw: Any, origin: str) -> tuple[ProfileFile | None, list[Any], bool]:
    """The validated file, or its first problems (pydantic's error dicts, at most
    :data:`MAX_PROFILE_ERRORS`) and whether validation stopped before the end.

    Rules are validated one by one so that a file of 10,000 broken rules costs the first few, not
    a list of every missing field of every rule; more than :data:`MAX_PROFILE_RULES` rules are
    refused before any is looked at."""
    rules = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(rules, list):
        try:
            return ProfileFile.model_validate(raw), [], False
        except ValidationError as exc:
            return None, exc.errors()[:MAX_PROFILE_ERRORS], exc.error_count() > MAX_PROFILE_ERRORS
    if len(rules) > MAX_PROFILE_RULES:
        raise _profile_error(
            origin,
            f"rules 有 {len(rules):,} 条规则，超过上限 {MAX_PROFILE_RULES:,}；请把规则分到几个档案中"
            "（用 include 引用）",
            f"'rules' has {len(rules):,} rules, more than the limit {MAX_PROFILE_RULES:,}; split"
            " them over several profiles (joined with 'include')",
            "rules",
        )
    errors: list[Any] = []
    try:
        ProfileFile.model_validate({**raw, "rules": []})
    except ValidationError as exc:
        errors += exc.errors()[:MAX_PROFILE_ERRORS]
    entries: list[Any] = []
    for i, entry in enumerate(rules):
        if len(errors) >= MAX_PROFILE_ERRORS:
            return None, errors[:MAX_PROFILE_ERRORS], True
        try:
            entries.append(RuleEntry.model_validate(entry))
        except ValidationError as exc:
            errors += [{**e, "loc": ("rules", i, *e["loc"])} for e in exc.errors()]
    if errors:
        return None, errors[:MAX_PROFILE_ERRORS], len(errors) > MAX_PROFILE_ERRORS
    return ProfileFile.model_validate({**raw, "rules": entries}), [], False


def strict_json(text: str) -> Any:
    """``json.loads`` that refuses duplicate keys (a file must not say two things at once)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"键 {k!r} 出现两次 / key {k!r} appears twice")
            out[k] = v
        return out

    return json.loads(text, object_pairs_hook=pairs)


def _field_name(loc: tuple[Any, ...], raw: Any) -> str:
    """``rules[3] (request-reply).duration.amount`` — a field path a person can find."""
    parts: list[str] = []
    node = raw
    for p in loc:
        if isinstance(p, int):
            name = (
                node[p].get("name")
                if isinstance(node, list) and p < len(node) and isinstance(node[p], dict)
                else None
            )
            parts[-1] += f"[{p}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(p))
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


# ---------------------------------------------------------------- finding a field's line


def locate(text: str, fmt: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the field at ``loc`` is written (best effort, never raises)."""
    try:
        return _locate_json(text, loc) if fmt == "json" else _locate_toml(text, loc)
    except Exception:
        return None


def _locate_toml(text: str, loc: tuple[Any, ...]) -> int | None:
    """Walk the lines, tracking [table] / [[array]] headers; match the deepest known prefix."""
    header: tuple[Any, ...] = ()
    counts: dict[tuple[Any, ...], int] = {}
    best: tuple[int, int] | None = None  # (matched depth, line)
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if m := re.match(r"^\[\[([^\]]*)\]\]", line):
            key = tuple(m.group(1).strip().split("."))
            counts[key] = counts.get(key, -1) + 1
            header = (*key, counts[key])
            path: tuple[Any, ...] = header
        elif m := re.match(r"^\[([^\]]*)\]", line):
            header = tuple(m.group(1).strip().split("."))
            path = header
        elif m := re.match(r"^([A-Za-z0-9_\-\.\"']+) *=", line):
            path = (*header, *m.group(1).strip("\"'").split("."))
        else:
            continue
        depth = _common(path, loc)
        if depth and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _common(path: tuple[Any, ...], loc: tuple[Any, ...]) -> int:
    if len(path) > len(loc):
        return 0
    for a, b in zip(path, loc, strict=False):
        if a != b:
            return 0
    return len(path)


# The stdlib's pure-Python object/array parsers (public in CPython's json.decoder since 2.6, but
# not in the type stubs); the locator only runs after an error and falls back to no line number.
_JSON_OBJECT: Any = vars(json.decoder).get("JSONObject")
_JSON_ARRAY: Any = vars(json.decoder).get("JSONArray")
_PY_SCANNER: Any = vars(json.scanner).get("py_make_scanner")


class _Pos(dict[str, Any]):
    pos: dict[str, int]


class _PosList(list[Any]):
    pos: list[int]


def _locate_json(text: str, loc: tuple[Any, ...]) -> int | None:
    """Re-parse with the pure-Python scanner, recording where each value starts."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *rest: Any) -> Any:
        starts: list[int] = []

        def recording(s: str, idx: int) -> Any:
            starts.append(idx)
            return scan_once(s, idx)

        obj, end = _JSON_OBJECT(s_and_end, strict, recording, *rest)
        located = _Pos(obj)
        located.pos = dict(zip(obj.keys(), starts, strict=False))
        return located, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> Any:
        starts: list[int] = []

        def recording(s: str, idx: int) -> Any:
            starts.append(idx)
            return scan_once(s, idx)

        arr, end = _JSON_ARRAY(s_and_end, recording)
        located = _PosList(arr)
        located.pos = starts
        return located, end

    # The pure-Python scanner calls these hooks; the C scanner would bypass them.
    vars(decoder).update(parse_object=parse_object, parse_array=parse_array)
    vars(decoder)["scan_once"] = _PY_SCANNER(decoder)
    node, _ = decoder.raw_decode(text)
    offset = None
    for p in loc:
        positions = getattr(node, "pos", None)
        if positions is None:
            break
        try:
            offset = positions[p]
            node = node[p]
        except (KeyError, IndexError, TypeError):
            break
    return text.count("\n", 0, offset) + 1 if offset is not None else None


# ---------------------------------------------------------------------------- the catalogue


class Catalogue:
    """Profiles by id: the built-in catalogue plus the profiles a caller loaded.

    A catalogue is immutable: `with_profile` and `with_file` return a new catalogue
    (after validating the profile — a failed load changes nothing). Computations take profiles
    from a catalogue the caller holds; the module-level functions (`get_profile`,
    `register`, `load_profile`) use the process default, which `register`
    replaces atomically, so a profile already handed to a case never changes under it.
    """

    def __init__(self, profiles: dict[str, Profile], builtin: frozenset[str]) -> None:
        self._profiles = profiles
        self._builtin = builtin

    @classmethod
    def builtin(cls) -> Catalogue:
        """The built-in catalogue (national law and the seed documents), built once."""
        return _builtin_catalogue()

    # ------------------------------------------------------------------ reading

    def get(self, profile_id: str) -> Profile:
        """A profile by id; an unknown id gets the closest known ids."""
        p = self._profiles.get(profile_id)
        if p is None:
            known = list(self._profiles)
            close = difflib.get_close_matches(profile_id, known, n=3, cutoff=0.4)
            hint_zh = f"；是不是 {'、'.join(close)}？" if close else f"；已有：{'、'.join(known)}"
            hint_en = (
                f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
            )
            raise ProfileError(
                f"没有档案 {profile_id!r}{hint_zh}",
                code="profile-unknown",
                message_en=f"unknown profile {profile_id!r}{hint_en}",
                field="profile",
                value=profile_id,
            )
        return p

    def profiles(self) -> list[Profile]:
        return list(self._profiles.values())

    def is_builtin(self, profile_id: str) -> bool:
        return profile_id in self._builtin

    def rules(self) -> Iterator[Rule]:
        """Every rule of every profile, each once (own rules only)."""
        for p in self._profiles.values():
            yield from p.own_rules

    def rule(self, rule_id: str) -> Rule | None:
        return self._rule_index.get(rule_id)

    @cached_property
    def _rule_index(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules()}

    @cached_property
    def _owner_index(self) -> dict[str, Profile]:
        return {r.id: p for p in self._profiles.values() for r in p.own_rules}

    def get_rule(self, rule_id: str) -> Rule:
        """A rule by id; an unknown id gets a RuleError listing the closest ids."""
        found = self.rule(rule_id)
        if found is not None:
            return found
        ids = list(self._rule_index)
        close = difflib.get_close_matches(rule_id, ids, n=5, cutoff=0.5)
        if not close:
            prefix = rule_id.split(".", 1)[0]
            close = [i for i in ids if i.startswith(prefix + ".")][:5]
        hint = f"；最接近的：{'、'.join(close)}" if close else "；用 gkdeadline rules 列出全部规则"
        raise RuleError(
            f"没有规则 {rule_id!r}{hint}",
            code="rule-unknown",
            message_en=f"unknown rule id {rule_id!r}",
            field="rule",
            value=rule_id,
        )

    def profile_of(self, rule: Rule) -> Profile:
        """The profile that owns ``rule`` (its calendar is the one to evaluate it on)."""
        found = self._owner_index.get(rule.id)
        if found is None:
            raise RuleError(
                f"规则 {rule.id} 不属于本目录中的任何档案",
                code="rule-unknown",
                message_en=f"rule {rule.id} belongs to no profile of this catalogue",
                rule_id=rule.id,
            )
        return found

    # ------------------------------------------------------------------ adding

    def resolve(self, spec: ProfileSpec) -> Profile:
        """The profile ``spec`` describes, its includes and fallback resolved in this catalogue."""
        if spec.id in self._builtin:
            raise _profile_error(
                spec.origin,
                f"档案 id {spec.id!r} 是内置档案，请换一个 id",
                f"profile id {spec.id!r} is built in; choose another id",
                "id",
            )
        included: list[Rule] = []
        for ref in spec.include:
            if ref == spec.id:
                raise _profile_error(
                    spec.origin, "档案不能包含它自己", "a profile cannot include itself", "include"
                )
            included += self._resolve_ref(spec, ref, "include").rules
        fallback = None
        if spec.fallback_id is not None:
            if spec.fallback_id == spec.id:
                raise _profile_error(
                    spec.origin,
                    "档案不能回落到它自己",
                    "a profile cannot fall back to itself",
                    "fallback",
                )
            fallback = self._resolve_ref(spec, spec.fallback_id, "fallback")
        profile = Profile(
            id=spec.id,
            title=spec.title,
            jurisdiction=spec.jurisdiction,
            region=spec.region,
            fallback=fallback,
            include=spec.include,
            own_rules=spec.own_rules,
            rules=(*spec.own_rules, *included),
            note=spec.note,
            origin=spec.origin,
            overdue_threshold=spec.overdue_threshold,
        )
        token = _set_current(self)
        try:
            _check(profile)
        finally:
            _set_current(token)
        return profile

    def _resolve_ref(self, spec: ProfileSpec, ref: str, what: str) -> Profile:
        try:
            return self.get(ref)
        except ProfileError as exc:
            raise _profile_error(
                spec.origin, f"{what}：{exc.message_zh}", f"{what}: {exc.message_en}", what
            ) from None

    def with_profile(self, spec: ProfileSpec | Profile) -> Catalogue:
        """A new catalogue with this profile added (or replaced); validated first."""
        if isinstance(spec, Profile):
            spec = ProfileSpec(
                spec.id,
                spec.title,
                spec.jurisdiction,
                spec.region,
                spec.fallback_id,
                spec.include,
                spec.own_rules,
                spec.note,
                spec.origin,
                spec.overdue_threshold,
            )
        profile = self.resolve(spec)
        return Catalogue({**self._profiles, profile.id: profile}, self._builtin)

    def with_file(self, path: str | Path) -> Catalogue:
        """A new catalogue with the profile file at ``path`` added."""
        return self.with_profile(read_profile_file(path))


_CURRENT: Catalogue | None = None  # the catalogue a profile is being checked against


def _set_current(cat: Catalogue | None) -> Catalogue | None:
    global _CURRENT
    previous, _CURRENT = _CURRENT, cat
    return previous


@cache
def _builtin_catalogue() -> Catalogue:
    folder = resources.files("gkdeadline") / "catalogue"
    specs: dict[str, ProfileSpec] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            spec = parse_profile(item.read_text(encoding="utf-8"), "toml", f"catalogue/{item.name}")
            specs[spec.id] = spec
    # resolve in dependency order (includes and fallbacks first)
    built: dict[str, Profile] = {}
    cat = Catalogue(built, frozenset())
    pending = dict(specs)
    while pending:
        ready = [
            s
            for s in pending.values()
            if all(r in built for r in (*s.include, *([s.fallback_id] if s.fallback_id else [])))
        ]
        if not ready:
            raise ProfileError(
                f"内置档案相互引用成环：{list(pending)}",
                message_en=f"built-in profiles refer to each other in a cycle: {list(pending)}",
            )
        for s in ready:
            built[s.id] = cat.resolve(s)
            del pending[s.id]
    ordered = {k: built[k] for k in specs}
    return Catalogue(ordered, frozenset(ordered))


_LOCK = threading.Lock()
_DEFAULT: Catalogue | None = None


def default_catalogue() -> Catalogue:
    """The process default catalogue: built-in profiles plus those registered."""
    return _DEFAULT if _DEFAULT is not None else _builtin_catalogue()


def register(profile: Profile | ProfileSpec) -> Profile:
    """Validate a user profile and add it to the default catalogue (replacing one of its id).

    The default catalogue is replaced as a whole, atomically: computations already running keep
    the profiles they took.
    """
    global _DEFAULT  # noqa: PLW0603  (an atomic swap of an immutable value, under the lock)
    with _LOCK:
        new = default_catalogue().with_profile(profile)
        _DEFAULT = new
    return new.get(profile.id)


def reset_default_catalogue() -> None:
    """Forget every registered profile (the built-in catalogue stays)."""
    global _DEFAULT  # noqa: PLW0603
    with _LOCK:
        _DEFAULT = None


def builtin_profiles() -> list[Profile]:
    return _builtin_catalogue().profiles()


def all_profiles() -> list[Profile]:
    return default_catalogue().profiles()


def get_profile(profile_id: str) -> Profile:
    """A built-in or registered profile by id; unknown ids get the closest known ids."""
    return default_catalogue().get(profile_id)


def read_profile_file(path: str | Path) -> ProfileSpec:
    """Read and parse a profile file (``.toml`` or ``.json``) without registering it."""
    p = Path(path)
    if p.suffix.lower() not in (".toml", ".json"):
        raise ProfileError(
            f"档案文件 {p}：请使用 .toml 或 .json 文件",
            message_en=f"profile file {p}: use a .toml or .json file",
            field="path",
            value=str(p),
        )
    text = read_utf8(p, "profile", ProfileError)
    return parse_profile(text, p.suffix.lower().lstrip("."), str(p))


def load_profile(path: str | Path) -> Profile:
    """Read, validate and register a profile file (``.toml`` or ``.json``)."""
    return register(read_profile_file(path))


def profile_or_file(ref: str) -> Profile:
    """A profile id, or a path to a profile file (loaded and registered)."""
    if ref.endswith((".toml", ".json")) or "/" in ref:
        return load_profile(ref)
    return get_profile(ref)


def iter_rules() -> Iterator[Rule]:
    """Every rule of every profile, each once (own rules only)."""
    return default_catalogue().rules()


def get_rule(rule_id: str) -> Rule:
    """A rule by id; an unknown id gets a RuleError listing the closest ids."""
    return default_catalogue().get_rule(rule_id)


def profile_of(rule: Rule) -> Profile:
    """The profile that owns ``rule`` (its calendar is the one to evaluate it on)."""
    return default_catalogue().profile_of(rule)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of profile files."""
    schema = ProfileFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://gkdeadline.example/profile.schema.json"
    return schema


def validate_all() -> None:
    """Check every built-in profile (ids, topics, references). Raises ProfileError."""
    cat = _builtin_catalogue()
    token = _set_current(cat)
    try:
        for p in cat.profiles():
            _check(p)
    finally:
        _set_current(token)


__all__ = [
    "NATIONAL",
    "Catalogue",
    "Profile",
    "ProfileFile",
    "ProfileSpec",
    "RuleEntry",
    "all_profiles",
    "builtin_profiles",
    "get_profile",
    "get_rule",
    "json_schema",
    "load_profile",
    "parse_profile",
    "profile_of",
    "read_profile_file",
    "register",
    "reset_default_catalogue",
    "validate_all",
]
