"""The file formats of schedules, as pydantic models (imported only when a file is read).

See :mod:`gkdeadline.calendar.schedule` for the formats; ``gkdeadline schema schedule`` prints
the TOML format's JSON Schema.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gkdeadline.calendar.schedule import _expand


class HolidayCnDay(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1)
    date: date
    isOffDay: bool  # noqa: N815  (the dataset's field name)


class HolidayCnFile(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    year: int
    papers: list[str] = []
    days: list[HolidayCnDay]


class TomlHoliday(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    off: list[str | date] = []
    work: list[str | date] = []

    @field_validator("off", "work")
    @classmethod
    def _dates_or_ranges(cls, v: list[str | date]) -> list[str | date]:
        for item in v:
            _expand(item)  # raises ValueError with the bad item named
        return v


class TomlFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    year: int
    notice: str = Field(min_length=1)
    region: str | None = None
    override: bool = False
    holiday: list[TomlHoliday] = []
