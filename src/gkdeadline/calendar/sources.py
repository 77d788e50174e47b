"""Where a deployment keeps the schedules it loaded itself: one place, read by everything.

When the State Council publishes next year's notice (usually in November), an operator saves it
as a schedule file (``gkdeadline schedule import NOTICE.txt --out 2027.toml``) in one folder,
and every computation of the process — :class:`~gkdeadline.calendar.Calendar`, the module
functions, :class:`~gkdeadline.case.Case`, ``batch.cases``, the command line and the HTTP
service — uses it. The folders, in order:

1. every folder in the environment variable ``GKDEADLINE_SCHEDULES`` (separated like ``PATH``);
2. the user configuration folder: ``$XDG_CONFIG_HOME/gkdeadline/schedules`` (Linux, usually
   ``~/.config/gkdeadline/schedules``), or the platform's equivalent.

Every ``.toml`` and ``.json`` file there is loaded (holiday-cn JSON or gkdeadline TOML, national
or regional). A file for a year the built-in data already covers must agree with it, or say
``override = true`` (then every result computed with it says so). The folders are read once per
process and again after :func:`reload_schedules` (the HTTP service has a reload endpoint); a
long-running service that does neither keeps the schedules it started with.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from gkdeadline.calendar.schedule import YearSchedule, load_schedule

ENV = "GKDEADLINE_SCHEDULES"

_LOCK = threading.Lock()
_LOADED: tuple[str, tuple[YearSchedule, ...]] | None = None  # (the variable's value, schedules)
_GENERATION = 0


def user_schedule_dir() -> Path:
    """The user configuration folder for schedules (it may not exist)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "gkdeadline" / "schedules"
    if os.name == "nt":  # pragma: no cover  (Windows)
        return Path(os.environ.get("APPDATA", Path.home())) / "gkdeadline" / "schedules"
    return Path.home() / ".config" / "gkdeadline" / "schedules"


def schedule_dirs() -> list[Path]:
    """The folders schedules are read from, in order (existing ones only)."""
    found = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    found.append(user_schedule_dir())
    return [p for p in dict.fromkeys(found) if p.is_dir()]


def _files() -> list[Path]:
    out: list[Path] = []
    for folder in schedule_dirs():
        out += sorted(
            f for f in folder.iterdir() if f.suffix.lower() in (".toml", ".json") and f.is_file()
        )
    return out


def configured_schedules() -> tuple[YearSchedule, ...]:
    """The schedules in the configured folders (read once per process and per value of the
    environment variable; :func:`reload_schedules` reads them again)."""
    global _LOADED, _GENERATION  # noqa: PLW0603  (a cache of files on disk, replaced whole)
    key = _key()
    found = _LOADED
    if found is not None and found[0] == key:
        return found[1]
    schedules = tuple(load_schedule(f) for f in _files())
    with _LOCK:
        _LOADED = (key, schedules)
        _GENERATION += 1
        return schedules


def _key() -> str:
    return _env(ENV) + os.pathsep + _env("XDG_CONFIG_HOME")


def _env(name: str) -> str:
    """``os.environ.get(name, "")``. Every `Case` asks (are the folders still the same?), and
    ``get`` of an unset variable raises and catches a KeyError inside: read CPython's own
    mapping behind ``os.environ`` where there is one (~0.2 µs instead of ~0.7)."""
    env = os.environ
    data = getattr(env, "_data", None)
    if type(data) is not dict:  # pragma: no cover  (not CPython's os._Environ)
        return env.get(name, "")
    value = data.get(env.encodekey(name))
    return "" if value is None else env.decodevalue(value)


def reload_schedules() -> tuple[YearSchedule, ...]:
    """Read the folders again (after saving a new notice). Every file is read and checked
    first: if one is bad, the error is raised and the schedules already loaded stay in use."""
    global _LOADED, _GENERATION  # noqa: PLW0603  (replaced whole, under the lock)
    key = _key()
    schedules = tuple(load_schedule(f) for f in _files())  # raises before anything changes
    with _LOCK:
        _LOADED = (key, schedules)
        _GENERATION += 1
    return schedules


def generation() -> int:
    """A number that changes whenever the configured schedules are read again (so a default
    calendar built before a reload knows it is stale)."""
    return _GENERATION
