from __future__ import annotations

import pytest

from gkdeadline import Calendar
from gkdeadline.calendar import set_default_calendar


@pytest.fixture(autouse=True)
def _fresh_default_calendar():
    """Tests that change the default calendar must not leak into others."""
    yield
    set_default_calendar(None)


@pytest.fixture(scope="session")
def national() -> Calendar:
    return Calendar()


@pytest.fixture(scope="session")
def ningxia() -> Calendar:
    return Calendar(region="ningxia")
