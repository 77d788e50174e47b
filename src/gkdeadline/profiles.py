"""Profiles: a jurisdiction's rules plus the calendar its offices work on.

A profile is read from a TOML or JSON file (the built-in catalogue uses the same format, see
``src/gkdeadline/catalogue/``). It has its own rules, may ``include`` other profiles' rules, names
a regional calendar, and falls back to another profile (``national`` by default) for topics it
does not regulate. :meth:`Profile.rule_for` picks the rule in force on the triggering date, so
``national`` answers 15+15 for a request received on 2019-05-14 and 20+20 from 2019-05-15.

The file format is published as JSON Schema (``gkdeadline schema``; ``docs/profile.schema.json``).
Files are parsed with ``tomllib`` / ``json`` only — no ``eval``, no custom tags — and a bad file
gets a :class:`ProfileError` naming the field and its line.
"""

from __future__ import annotations

import difflib
import itertools
import json
import json.decoder
import json.scanner
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gkdeadline.calendar import Calendar, YearSchedule, region_key
from gkdeadline.errors import GkDeadlineError, ProfileError, RuleError
from gkdeadline.periods import Duration, Roll
from gkdeadline.rules import Bound, Example, Kind, Obligor, Rule
from gkdeadline.userfiles import read_utf8

NATIONAL = "national"
_NAME = r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$"


class RuleEntry(BaseModel):
    """One rule as written in a profile file; omitted citation fields come from the file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=_NAME, description="Local name; the rule id is '<profile id>.<name>'")
    title: str = Field(min_length=1, description="Chinese title, e.g. 依申请公开答复期限")
    kind: Kind
    topic: str = Field(pattern=_NAME, description="What the rule regulates, e.g. request.reply")
    article: str = Field(min_length=1, description="第X条 or section, e.g. 第三十三条第一款")
    quote: str = Field(min_length=1, description="The phrase this rule encodes, verbatim")
    source: str | None = Field(None, description="Document title as written (default: the file's)")
    document: str | None = Field(None, description="文号, e.g. 国务院令第711号")
    jurisdiction: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    duration: Duration | None = None
    fixed_date: str | None = Field(None, description="MM-DD for fixed-date rules")
    year_offset: int = 1
    deadline: datetime | None = Field(
        None, description="ISO datetime with offset (one-off cut-off)"
    )
    bound: Bound | None = None
    count: int | None = None
    aligned: bool = False
    trigger: str = ""
    obligor: Obligor = "agency"
    excludes: list[str] = []
    excludes_basis: str | None = Field(None, description="The clause excluding those spans, quoted")
    restarts_on: list[str] = []
    extension: str | None = Field(None, description="Name or id of this period's extension rule")
    extends: str | None = Field(None, description="Name or id of the period an extension extends")
    basis: str | None = Field(None, description="Id of the national rule this rule restates")
    roll: Roll | None = None
    note: str | None = None
    example: Example | None = None


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
    rules: list[RuleEntry] = []


@dataclass(frozen=True)
class Profile:
    """A jurisdiction: rules (own and included), a calendar region, a fallback profile."""

    id: str
    title: str
    jurisdiction: str
    region: str | None
    fallback_id: str | None
    include: tuple[str, ...]
    own_rules: tuple[Rule, ...]
    note: str | None = None
    origin: str = "built-in"

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Own rules followed by the rules of included profiles."""
        out = list(self.own_rules)
        for pid in self.include:
            out += get_profile(pid).rules
        return tuple(out)

    def fallback(self) -> Profile | None:
        return get_profile(self.fallback_id) if self.fallback_id else None

    def calendar(
        self, schedules: Iterable[YearSchedule] = (), projection: bool = False
    ) -> Calendar:
        """The calendar this jurisdiction's offices work on (with optional extra schedules)."""
        cal = Calendar(tuple(schedules), region=self.region)
        return cal.with_projection() if projection else cal

    def own_rule_for(self, topic: str, on: date) -> Rule | None:
        """This profile's (own or included) rule for ``topic`` in force on ``on``."""
        live = [r for r in self.rules if r.topic == topic and r.in_force(on)]
        if not live:
            return None
        return max(live, key=lambda r: r.effective_from or date.min)

    def rule_for(self, topic: str, on: date) -> Rule | None:
        """The rule for ``topic`` in force on ``on``: this profile's, else the fallback's."""
        found = self.own_rule_for(topic, on)
        if found is not None:
            return found
        fb = self.fallback()
        return fb.rule_for(topic, on) if fb else None

    def topics(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.rules:
            seen.setdefault(r.topic)
        fb = self.fallback()
        if fb:
            for t in fb.topics():
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
            fb = self.fallback()
            r = fb.rule_for(topic, on) if fb else None
            if r is not None:
                out.append((r, True))
        return out


# ---------------------------------------------------------------------------- file loading


def _expand_rules(pf: ProfileFile, origin: str) -> tuple[Rule, ...]:
    names = {e.name for e in pf.rules}

    def full(ref: str | None) -> str | None:
        if ref is None:
            return None
        return f"{pf.id}.{ref}" if ref in names else ref

    out = []
    for i, e in enumerate(pf.rules):
        data = e.model_dump(exclude={"name"}, exclude_none=True, by_alias=False)
        data["id"] = f"{pf.id}.{e.name}"
        data.setdefault("source", pf.source)
        data.setdefault("document", pf.document)
        data.setdefault("jurisdiction", pf.jurisdiction)
        data.setdefault("effective_from", pf.effective_from)
        data.setdefault("effective_to", pf.effective_to)
        data["extension"], data["extends"] = full(e.extension), full(e.extends)
        data["excludes"], data["restarts_on"] = tuple(e.excludes), tuple(e.restarts_on)
        if e.example is not None:
            data["example"] = e.example
        if e.duration is not None:
            data["duration"] = e.duration
        if data.get("source") is None:
            raise ProfileError(
                f"{origin}: rules[{i}] ({e.name}): 'source' is missing and the file has none"
            )
        try:
            out.append(Rule.model_validate({k: v for k, v in data.items() if v is not None}))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "rule"
            raise ProfileError(f"{origin}: rules[{i}] ({e.name}): {field}: {err['msg']}") from None
    return tuple(out)


def _check(profile: Profile) -> None:
    """Ids unique; one rule per topic at any date; includes, fallback and rule links resolve."""
    for ref in (*profile.include, *([profile.fallback_id] if profile.fallback_id else [])):
        if ref != profile.id:
            try:
                get_profile(ref)
            except ProfileError as exc:
                raise ProfileError(f"{profile.origin}: {exc}") from None
    for r in profile.own_rules:
        for link in (r.extension, r.extends, r.basis):
            if link is not None:
                try:
                    get_rule(link)
                except RuleError as exc:
                    raise ProfileError(f"{profile.origin}: rule {r.id}: {exc}") from None
    ids: set[str] = set()
    by_topic: dict[str, list[Rule]] = {}
    for r in profile.rules:
        if r.id in ids:
            raise ProfileError(f"{profile.origin}: rule id {r.id} appears twice")
        ids.add(r.id)
        by_topic.setdefault(r.topic, []).append(r)
    for topic, rules in by_topic.items():
        rules.sort(key=lambda r: r.effective_from or date.min)
        for a, b in itertools.pairwise(rules):
            if a.effective_to is None or (b.effective_from and a.effective_to >= b.effective_from):
                raise ProfileError(
                    f"{profile.origin}: topic {topic!r} has two rules in force at once"
                    f" ({a.id} and {b.id}); give them distinct topics or non-overlapping dates"
                )


def parse_profile(text: str, fmt: str, origin: str) -> Profile:
    """Parse profile text (``fmt`` is ``"toml"`` or ``"json"``) into a :class:`Profile`."""
    try:
        if fmt == "toml":
            raw: Any = tomllib.loads(text)
        else:
            raw = json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{origin}: not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{origin}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    try:
        pf = ProfileFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:3]:
            loc = tuple(err["loc"])
            line = locate(text, fmt, loc)
            where = f" (line {line})" if line else ""
            got = err.get("input")
            shown = f", got {got!r}" if not isinstance(got, dict | list) else ""
            problems.append(f"field {_field_name(loc, raw)}{where}: {err['msg']}{shown}")
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise ProfileError(f"{origin}: " + "; ".join(problems) + more) from None
    if pf.region is not None:
        try:
            region = region_key(pf.region)
        except GkDeadlineError as exc:
            raise ProfileError(
                f"{origin}: field region (line {locate(text, fmt, ('region',))}): {exc}"
            ) from None
    else:
        region = None
    fallback = None if pf.fallback in (None, "", "none") else pf.fallback
    return Profile(
        id=pf.id,
        title=pf.title,
        jurisdiction=pf.jurisdiction,
        region=region,
        fallback_id=fallback,
        include=tuple(pf.include),
        own_rules=_expand_rules(pf, origin),
        note=pf.note,
        origin=origin,
    )


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
        if m := re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", line):
            key = tuple(m.group(1).split("."))
            counts[key] = counts.get(key, -1) + 1
            header = (*key, counts[key])
            path: tuple[Any, ...] = header
        elif m := re.match(r"^\[\s*([^\]]+?)\s*\]", line):
            header = tuple(m.group(1).split("."))
            path = header
        elif m := re.match(r"^([A-Za-z0-9_\-\.\"']+)\s*=", line):
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


# ---------------------------------------------------------------------------- the registry


_USER: dict[str, Profile] = {}


@cache
def _builtin() -> dict[str, Profile]:
    folder = resources.files("gkdeadline") / "catalogue"
    out: dict[str, Profile] = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            p = parse_profile(item.read_text(encoding="utf-8"), "toml", f"catalogue/{item.name}")
            out[p.id] = p
    return out


def builtin_profiles() -> list[Profile]:
    return list(_builtin().values())


def all_profiles() -> list[Profile]:
    return [*_builtin().values(), *_USER.values()]


def get_profile(profile_id: str) -> Profile:
    """A built-in or registered profile by id; unknown ids get the closest known ids."""
    p = _USER.get(profile_id) or _builtin().get(profile_id)
    if p is None:
        known = [q.id for q in all_profiles()]
        close = difflib.get_close_matches(profile_id, known, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
        raise ProfileError(f"unknown profile {profile_id!r}{hint}")
    return p


def register(profile: Profile) -> Profile:
    """Make a user profile available by id (to ``get_profile``, includes and fallbacks)."""
    if profile.id in _builtin():
        raise ProfileError(
            f"{profile.origin}: profile id {profile.id!r} is built in; choose another id"
        )
    previous = _USER.get(profile.id)
    _USER[profile.id] = profile  # registered first, so it may refer to its own rules
    try:
        _check(profile)
    except ProfileError:
        if previous is None:
            del _USER[profile.id]
        else:
            _USER[profile.id] = previous
        raise
    return profile


def load_profile(path: str | Path) -> Profile:
    """Read, validate and register a profile file (``.toml`` or ``.json``)."""
    p = Path(path)
    if p.suffix.lower() not in (".toml", ".json"):
        raise ProfileError(f"profile file {p}: use a .toml or .json file")
    text = read_utf8(p, "profile", ProfileError)
    return register(parse_profile(text, p.suffix.lower().lstrip("."), str(p)))


def profile_or_file(ref: str) -> Profile:
    """A profile id, or a path to a profile file (loaded and registered)."""
    if ref.endswith((".toml", ".json")) or "/" in ref:
        return load_profile(ref)
    return get_profile(ref)


def iter_rules() -> Iterator[Rule]:
    """Every rule of every profile, each once (own rules only)."""
    for p in all_profiles():
        yield from p.own_rules


def get_rule(rule_id: str) -> Rule:
    """A rule by id; an unknown id gets a RuleError listing the closest ids."""
    for r in iter_rules():
        if r.id == rule_id:
            return r
    ids = [r.id for r in iter_rules()]
    close = difflib.get_close_matches(rule_id, ids, n=5, cutoff=0.5)
    if not close:
        prefix = rule_id.split(".", 1)[0]
        close = [i for i in ids if i.startswith(prefix + ".")][:5]
    hint = f"; closest: {', '.join(close)}" if close else "; list them with: gkdeadline rules"
    raise RuleError(f"unknown rule id {rule_id!r}{hint}")


def profile_of(rule: Rule) -> Profile:
    """The profile that owns ``rule`` (its calendar is the one to evaluate it on)."""
    for p in all_profiles():
        if any(r.id == rule.id for r in p.own_rules):
            return p
    raise RuleError(f"rule {rule.id} belongs to no registered profile")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of profile files."""
    schema = ProfileFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://gkdeadline.example/profile.schema.json"
    return schema


def validate_all() -> None:
    """Check every built-in profile (ids, topics, references). Raises ProfileError."""
    for p in builtin_profiles():
        _check(p)


__all__ = [
    "NATIONAL",
    "Profile",
    "ProfileFile",
    "RuleEntry",
    "all_profiles",
    "builtin_profiles",
    "get_profile",
    "get_rule",
    "json_schema",
    "load_profile",
    "parse_profile",
    "profile_of",
    "register",
    "validate_all",
]
