"""The ``gkdeadline`` command line: a thin shell over the library.

Commands live in :mod:`gkdeadline.commands` and are imported only when run, so
``gkdeadline add-workdays`` starts without loading the case engine, pyarrow or numba.

Every failure the user can cause ends as one line on stderr (or, with ``--json``, one JSON
object on stdout) and a documented exit status; never a traceback:

== ===========================================================================================
0  done
1  done, but some batch rows could not be computed (``--allow-errors`` makes this 0), or
   ``lint --strict`` found a conflict, or ``case --strict`` found a violation
2  the input is wrong: a bad date, an unknown rule, an impossible case, a malformed file
3  the holiday schedule for a year the computation needs is missing (load it, or --projection)
4  a batch run was interrupted (Ctrl-C, SIGTERM): no output file is left behind
70 an internal error (a bug: please report it with the command you ran)
== ===========================================================================================
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

import click

from gkdeadline.errors import GkDeadlineError

EXIT_ROWS = 1
EXIT_USAGE = 2
EXIT_CALENDAR = 3
EXIT_INTERRUPTED = 4
EXIT_INTERNAL = 70

# command → "module:attribute" (imported on demand)
COMMANDS: dict[str, str] = {
    "is-workday": "gkdeadline.commands.calendar:is_workday_cmd",
    "add-workdays": "gkdeadline.commands.calendar:add_workdays_cmd",
    "workdays-between": "gkdeadline.commands.calendar:workdays_between_cmd",
    "coverage": "gkdeadline.commands.calendar:coverage_cmd",
    "schedule": "gkdeadline.commands.calendar:schedule_group",
    "rules": "gkdeadline.commands.rules:rules_cmd",
    "profiles": "gkdeadline.commands.rules:profiles_cmd",
    "due": "gkdeadline.commands.rules:due_cmd",
    "lint": "gkdeadline.commands.rules:lint_cmd",
    "compare": "gkdeadline.commands.rules:compare_cmd",
    "schema": "gkdeadline.commands.rules:schema_cmd",
    "case": "gkdeadline.commands.case:case_cmd",
    "batch": "gkdeadline.commands.batch:batch_cmd",
    "serve": "gkdeadline.commands.serve:serve_cmd",
    "report": "gkdeadline.commands.report:report_cmd",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are used (fast start)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(import_module(module), attr)
        return command


# every command carries it too: click builds a command's help option once, from the first
# context it runs in, so a command first run on its own would otherwise lose -h for good
HELP: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


@click.group(cls=LazyGroup, context_settings=HELP)
@click.version_option(package_name="gkdeadline")
def cli() -> None:
    """gkdeadline — 政务公开法定时限，按中国工作日历精确计算。"""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _exit_code(exc: GkDeadlineError) -> int:
    return EXIT_CALENDAR if exc.code.startswith("calendar-") else EXIT_USAGE


def _report(as_json: bool, payload: dict[str, Any], line: str) -> None:
    if as_json:
        click.echo(json.dumps({"error": payload}, ensure_ascii=False))
    else:
        click.echo(f"gkdeadline: 错误: {_one_line(line)}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every expected failure into data and an exit status."""
    args = list(argv) if argv is not None else sys.argv[1:]
    as_json = "--json" in args
    try:
        rv = cli.main(args=args, prog_name="gkdeadline", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("gkdeadline: 已中止 (aborted)", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        message = _one_line(exc.format_message())
        payload = {"code": "usage", "message": message, "message_en": message}
        _report(as_json, payload, message)
        return EXIT_USAGE
    except GkDeadlineError as exc:
        _report(as_json, exc.as_dict(), str(exc))
        return _exit_code(exc)
    except KeyboardInterrupt:
        click.echo("gkdeadline: 已中断 (interrupted)", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = (
            f"内部错误 {type(exc).__name__}: {_one_line(str(exc))}——请连同所运行的命令一起报告"
        )
        payload = {
            "code": "internal",
            "message": message,
            "message_en": f"internal error: {type(exc).__name__}: {exc}; please report it",
        }
        _report(as_json, payload, message)
        return EXIT_INTERNAL
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
