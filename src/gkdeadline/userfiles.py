"""Reading the files users hand us (cases, profiles, schedules) with one kind of error.

Each caller passes its own exception class so a bad case file raises ``CaseError`` and a bad
schedule ``ScheduleError``, each naming the file and what went wrong.
"""

from __future__ import annotations

from pathlib import Path

from gkdeadline.errors import GkDeadlineError


def read_utf8(path: Path, what: str, error: type[GkDeadlineError]) -> str:
    """The text of ``path``; raises ``error`` if it cannot be read or is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {what} file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{what} file {path} is not UTF-8 text") from None
