from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkdeadline import Calendar
from gkdeadline.calendar import set_default_calendar
from gkdeadline.profiles import reset_default_catalogue


@pytest.fixture(scope="session", autouse=True)
def _no_configured_schedules(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite never reads the developer's own schedule folders (GKDEADLINE_SCHEDULES,
    ~/.config/gkdeadline/schedules): every calendar is the built-in one unless a test loads more."""
    saved = {k: os.environ.get(k) for k in ("GKDEADLINE_SCHEDULES", "XDG_CONFIG_HOME")}
    os.environ.pop("GKDEADLINE_SCHEDULES", None)
    os.environ["XDG_CONFIG_HOME"] = str(Path(tmp_path_factory.mktemp("config")))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _fresh_default_calendar():
    """Tests that change the default calendar must not leak into others."""
    yield
    set_default_calendar(None)


@pytest.fixture(autouse=True)
def _fresh_default_catalogue() -> Iterator[None]:
    """Profiles a test registers (load_profile, register) are forgotten after it, so no test
    depends on another's registrations, whatever order pytest-randomly runs them in."""
    reset_default_catalogue()
    yield
    reset_default_catalogue()


@pytest.fixture(scope="session")
def national() -> Calendar:
    return Calendar()


@pytest.fixture(scope="session")
def ningxia() -> Calendar:
    return Calendar(region="ningxia")


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The random order's seed, printed even with ``-q`` (which hides pytest-randomly's header),
    so that an order-dependent failure in CI can be run again in the same order."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(
            f"random order seed {seed}: pytest --randomly-seed={seed} runs the tests in this order"
        )
