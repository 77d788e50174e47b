"""Hostile input through every door: never invent, never lose.

A corpus of bad files (``tests/data/bad/``, described in its README) goes through every loader,
every CLI command that reads a file, and the batch paths; hypothesis generates more. Every
outcome must be a documented error (a :class:`GkDeadlineError` subclass; exit 2 or 3 with one
line on stderr), an error row, or a correct result — never exit 70, never an ``internal-error``
row, never a value silently changed. Bugs found in modules this suite does not own are kept as
``xfail(strict=True)`` tests naming the change they need.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkdeadline.batch_cases import cases
from gkdeadline.batch_files import process_file
from gkdeadline.calendar import load_schedule
from gkdeadline.calendar.notice import parse_notice
from gkdeadline.case import Case
from gkdeadline.cli import main
from gkdeadline.errors import GkDeadlineError, InputError
from gkdeadline.profiles import load_profile, parse_profile, read_profile_file
from tests.paths import DATA

BAD = DATA / "bad"
CORPUS = sorted(p for p in BAD.iterdir() if p.name != "README.md")
AS_OF = date(2026, 11, 23)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def run(args: list[str]) -> tuple[int, str, str]:
    """The CLI in-process, with stdout and stderr as strict UTF-8 streams (like a real pipe)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    texts = []
    for s in (out, err):
        s.flush()
        texts.append(s.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return code, texts[0], texts[1]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line]


def _fresh(tmp_path: Path) -> Path:
    """A new folder for one hypothesis example (``tmp_path`` is shared by all of them)."""
    import tempfile

    return Path(tempfile.mkdtemp(dir=tmp_path))


# ----------------------------------------------------------------------------- the corpus


def _commands(f: str, out: Path) -> list[tuple[str, list[str]]]:
    day = ["--as-of", "2026-11-23"]
    return [
        ("case", ["case", f, *day]),
        ("case --json", ["case", f, *day, "--json"]),
        ("case --ics --svg", ["case", f, *day, "--ics", str(out / "x.ics"), "--svg", str(out / "x.svg")]),
        ("batch csv", ["batch", f, "--out", str(out / "x.csv"), *day]),
        ("batch parquet gbk", ["batch", f, "--out", str(out / "x.parquet"), "--encoding", "gbk", *day]),
        ("batch --events", ["batch", f, "--events", "--out", str(out / "x.jsonl"), *day]),
        ("schedule import", ["schedule", "import", f]),
        ("--schedule", ["is-workday", "2026-09-28", "--schedule", f]),
        ("rules --profile", ["rules", "--profile", f]),
        ("lint", ["lint", f]),
        ("compare", ["compare", f, "national", "--json"]),
    ]  # fmt: skip


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_through_every_cli_command(path: Path, tmp_path: Path) -> None:
    for name, args in _commands(str(path), tmp_path):
        code, out, err = run(args)
        assert code in (0, 1, 2, 3), (name, code, err)
        assert "内部错误" not in out + err, (name, err)
        if code in (2, 3):
            if "--json" in args:
                assert json.loads(out)["error"]["code"], name
            else:
                assert err.count("\n") == 1 and err.startswith("gkdeadline: 错误: "), (name, err)
        assert _leftovers(tmp_path) == [], name
    for p in tmp_path.iterdir():
        p.unlink()


LOADERS = {
    "load_schedule": load_schedule,
    "read_profile_file": read_profile_file,
    "load_profile": load_profile,
    "Case.from_file": lambda p: Case.from_file(p).result(AS_OF),
    "Case.from_json": lambda p: Case.from_json(
        p.read_bytes().decode("utf-8", "surrogateescape")
    ).result(AS_OF),
    "parse_notice": lambda p: parse_notice(p.read_bytes().decode("utf-8", "surrogateescape")),
}


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_through_every_loader(path: Path, loader: str) -> None:
    with contextlib.suppress(GkDeadlineError):
        LOADERS[loader](path)


def test_loaders_keep_values_behind_a_bom() -> None:
    assert Case.from_file(BAD / "case_bom.json").id == "BOM-1"
    assert read_profile_file(BAD / "profile_bom.toml").id == "bom-county-2025"
    s = load_schedule(BAD / "schedule_bom.json")
    assert (s.year, [(e.day, e.off) for e in s.entries]) == (2031, [(date(2031, 1, 1), True)])
    with pytest.raises(GkDeadlineError, match="GBK"):
        Case.from_file(BAD / "case_gbk.json")
    with pytest.raises(GkDeadlineError, match="GBK"):
        read_profile_file(BAD / "profile_gbk.toml")


@pytest.mark.parametrize(
    "name", ["deep_nesting.json", "deep_nesting_case.json", "duplicate_keys_case.json"]
)
def test_case_files_nested_or_doubled_are_case_errors(name: str) -> None:
    from gkdeadline.errors import CaseError

    with pytest.raises(CaseError):
        Case.from_file(BAD / name)
    with pytest.raises(CaseError):
        Case.from_json((BAD / name).read_text(encoding="utf-8"))


def test_profile_nesting_is_a_profile_error() -> None:
    from gkdeadline.errors import ProfileError

    for name in ("deep_nesting.toml", "deep_nesting.json"):
        with pytest.raises(ProfileError, match="嵌套"):
            read_profile_file(BAD / name)


# ----------------------------------------------------------------------------- batch, file by file


def _batch(name: str, tmp_path: Path, *extra: str) -> tuple[int, str, list[dict[str, Any]]]:
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    code, _, err = run(
        ["batch", str(BAD / name), "--out", str(out), "--as-of", "2026-11-23", *extra]
    )
    assert _leftovers(tmp_path) == []
    return code, err, (_read(out) if out.exists() else [])


def test_batch_unclosed_quote_costs_one_row(tmp_path: Path) -> None:
    code, _, rows = _batch("unclosed_quote.csv", tmp_path)
    assert code == 1 and len(rows) == 20
    assert [r["error_code"] for r in rows].count(None) == 19
    assert rows[7]["error_code"] == "csv-quote-unclosed" and rows[7]["error"].startswith("第 9 行")
    assert [r["id"] for r in rows if r["id"]] == [f"R{i}" for i in range(20) if i != 7]


def test_batch_encodings(tmp_path: Path) -> None:
    code, err, rows = _batch("gbk_values.csv", tmp_path)
    assert code == 0 and "GB18030" in err
    assert [(r["id"], r["note"]) for r in rows] == [("甲1", "张三的申请"), ("甲2", "李四")]
    code, err, rows = _batch("gbk_header.csv", tmp_path)
    assert code == 2 and "--encoding gbk" in err and rows == []
    code, _, rows = _batch("bom.csv", tmp_path)
    assert code == 0 and rows[0]["id"] == "B1" and rows[0]["note"] == "NA"
    code, _, rows = _batch("bom.jsonl", tmp_path)
    assert code == 0 and rows[0]["id"] == "B1"


@pytest.mark.parametrize("name", ["na_cells.csv", "na_cells.jsonl"])
def test_batch_na_cells_stay_text(tmp_path: Path, name: str) -> None:
    code, _, rows = _batch(name, tmp_path)
    na = ["NA", "N/A", "null", "NaN", "#N/A", "None", "nan", "-"]
    assert code == 1
    assert [r["id"] for r in rows[: len(na)]] == na  # byte for byte
    assert [r["note"] for r in rows[: len(na)]] == na
    assert all(r["error"] is None for r in rows[: len(na)])
    assert rows[len(na)]["id"] in ("", None)  # the empty cell: CSV's only empty value
    na2 = next(r for r in rows if r["id"] == "NA2")
    assert na2["error_code"] == "date-invalid" and na2["due"] is None  # "NA" is not "no answer"


@pytest.mark.parametrize(
    "name", ["impossible_dates.csv", "impossible_dates.jsonl", "epochs.csv", "epochs.jsonl"]
)
def test_batch_dates_that_are_not_dates_are_never_computed(tmp_path: Path, name: str) -> None:
    code, _, rows = _batch(name, tmp_path)
    assert code == 1 and rows and all(r["due"] is None and r["error_code"] for r in rows)
    if name == "epochs.jsonl":
        assert {r["error_code"] for r in rows} == {"json-value-invalid"}
        assert all(r["error"].startswith(f"第 {i} 行") for i, r in enumerate(rows, 1))


def test_a_case_refuses_every_date_the_batch_refuses(tmp_path: Path) -> None:
    """One date reader: other calendars' digits (２０２６, ٢٠٢٦), which ``str.isdigit`` takes,
    are refused by ``Case`` as they are by the batch readers."""
    _, _, rows = _batch("impossible_dates.jsonl", tmp_path)
    lines = [
        json.loads(x) for x in (BAD / "impossible_dates.jsonl").read_text("utf-8").split("\n") if x
    ]
    assert len(rows) == len(lines) >= 14
    for line, row in zip(lines, rows, strict=True):
        assert row["error_code"] == "date-invalid"
        with pytest.raises(GkDeadlineError) as caught:
            Case(
                "national", [{"type": "received", "date": line["received"], "channel": "in_person"}]
            )
        assert caught.value.code == "date-invalid", line


@pytest.mark.parametrize("name", ["impossible_dates.csv", "impossible_dates.jsonl"])
def test_batch_year_0000_is_a_date_error(tmp_path: Path, name: str) -> None:
    """pyarrow reads 0000-01-01; no calendar (and no ``datetime.date``) has year 0."""
    _, _, rows = _batch(name, tmp_path)
    assert rows and {r["error_code"] for r in rows} == {"date-invalid"}


def test_batch_years_1_and_9999(tmp_path: Path) -> None:
    code, _, rows = _batch("years.csv", tmp_path)
    assert code == 1 and [r["id"] for r in rows] == ["Y1", "Y2", "Y3", "Y4"]
    assert all(r["error_code"] not in (None, "internal-error") for r in rows)
    code, _, rows = _batch("years_until.csv", tmp_path)
    assert [r["id"] for r in rows] == ["U1", "U2", "U3"] and rows[2]["due"] is not None
    assert all(r["error_code"] != "internal-error" for r in rows)
    for r in rows:  # computed or an error, never both
        assert (r["due"] is None) == (r["error_code"] is not None)


def test_batch_json_structure(tmp_path: Path) -> None:
    code, _, rows = _batch("duplicate_keys.jsonl", tmp_path)
    assert [r["error_code"] for r in rows] == ["json-duplicate-key", None]
    code, _, rows = _batch("deep_nesting.jsonl", tmp_path)
    assert [r["error_code"] for r in rows] == [None, "json-invalid"] and "嵌套" in rows[1]["error"]
    code, _, rows = _batch("nul.jsonl", tmp_path)
    assert rows[0]["id"] == "n\x00" and rows[0]["due"] and rows[1]["error_code"] == "json-invalid"
    code, _, rows = _batch("extra_fields.csv", tmp_path)
    assert [r["error_code"] for r in rows] == ["csv-field-count", None, "csv-field-count"]
    for name in (
        "duplicate_header.csv",
        "cr_only.csv",
        "binary.csv",
        "empty.csv",
        "header_only.csv",
    ):
        code, err, rows = _batch(name, tmp_path)
        assert code == 2 and rows == [] and err.count("\n") == 1, name


def test_batch_event_logs(tmp_path: Path) -> None:
    code, _, rows = _batch("events_reappear.csv", tmp_path, "--events")
    assert code == 1
    assert [(r["case_id"], r["error_code"]) for r in rows] == [
        ("a", None),
        ("b", None),
        ("a", "case-not-contiguous"),
        ("c", "date-invalid"),
        (None, "case-id-missing"),
    ]
    assert [r["error_row"] for r in rows] == [None, None, 4, 5, 6]
    _, _, rows = _batch("events_garbage.jsonl", tmp_path, "--events")
    assert [(r["case_id"], r["error_code"]) for r in rows] == [
        ("a", "case-line-unreadable"),
        (None, "encoding-invalid"),
        ("b", "json-value-invalid"),
    ]


def test_ics_with_a_newline_in_the_case_id_injects_nothing(tmp_path: Path) -> None:
    """Under ``python -O`` too (icalendar's own check is an ``assert``)."""
    for optimize in ("0", "1"):
        out = tmp_path / f"x{optimize}.ics"
        proc = subprocess.run(
            [sys.executable, "-m", "gkdeadline.cli", "case", str(BAD / "case_id_newline.json"),
             "--as-of", "2026-10-05", "--ics", str(out)],
            env={**os.environ, "PYTHONOPTIMIZE": optimize},
            capture_output=True,
            timeout=300,
            check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr.decode()
        data = out.read_bytes().decode("utf-8")
        lines = data.split("\r\n")
        assert all(not ln or ln.startswith(" ") or re.match(r"^[A-Z-]+[;:]", ln) for ln in lines), (
            lines
        )
        assert not re.search(r"[\r\n\u2028]", data.replace("\r\n", ""))
        begins = [ln for ln in lines if ln == "BEGIN:VEVENT"]
        summaries = [ln for ln in lines if ln.startswith("SUMMARY:")]
        assert len(begins) == len(summaries) >= 1
        assert all("A-1" in s and "injected" in s for s in summaries)  # kept, as text
        from icalendar import Calendar

        assert len(Calendar.from_ical(data).walk("VEVENT")) == len(begins)


# ----------------------------------------------------------------------------- hostile profiles

_HOSTILE = {
    # 1 MB of well-formed TOML: 12,000 rules
    "rules": '\'\'.join(f\'[[rules]]\\nname = "r{i}"\\ntitle = "t"\\ntopic = "request.reply"\\n\''
    " for i in range(12_000))",
    "string": "'id = \"' + 'x' * 1_000_000 + '\"'",
    "keys": "''.join(f'k{i} = {i}\\n' for i in range(100_000))",
    "nesting": "'a = ' + '[' * 400_000 + ']' * 400_000",
    # TOML dotted keys are quadratic in tomllib: 60,000 levels (padded to 1 MB by a comment)
    # exhaust 2 GB in seconds; 400,000 take minutes and any memory
    "dotted": "'#' + 'x' * 880_000 + '\\n' + 'a' + '.a' * 60_000 + ' = 1'",
    # the same under a schedule's 1 MB limit, and as a table header, an inline table, quoted parts
    "dotted-small": "'#' + 'x' * 700_000 + '\\n' + 'a' + '.a' * 60_000 + ' = 1'",
    "dotted-table": "'#' + 'x' * 700_000 + '\\n[' + 'a' + '.a' * 60_000 + ']'",
    "dotted-inline": "'#' + 'x' * 700_000 + '\\nx = {' + 'a' + '.a' * 60_000 + ' = 1}'",
    "dotted-quoted": "'#' + 'x' * 600_000 + '\\n' + '\"a\"' + '.\"a\"' * 60_000 + ' = 1'",
    # JSON: 600,000 empty rules (pydantic reports 3.6 million errors)
    "json-rules": "'{\"id\": \"x\", \"rules\": [' + ','.join(['{}'] * 600_000) + ']}'",
}


def _reject_hostile_profile(
    kind: str, fmt: str = "toml", what: str = "profile", expect: str = ""
) -> float:
    """Seconds to reject the payload, in a child limited to 2 GB and 60 s; the error must
    contain ``expect``."""
    if kind == "json-rules":
        fmt = "json"
    parse = (
        f"parse_profile(text, {fmt!r}, 'hostile')"
        if what == "profile"
        else "parse_toml(text, 'hostile')"
    )
    code = textwrap.dedent(
        f"""
        import resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from gkdeadline.profiles import parse_profile
        from gkdeadline.calendar.schedule import parse_toml
        from gkdeadline.errors import GkDeadlineError
        text = {_HOSTILE[kind]}
        assert 500_000 <= len(text) <= 2_000_000, len(text)
        t0 = time.perf_counter()
        try:
            {parse}
        except GkDeadlineError as exc:
            assert {expect!r} in str(exc), str(exc)
            print(time.perf_counter() - t0)
            sys.exit(0)
        sys.exit(9)
        """
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{kind}: not rejected within 60 s")
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    return float(proc.stdout)


@pytest.mark.parametrize("kind", ["rules", "string", "keys", "nesting"])
def test_a_1mb_hostile_profile_is_rejected_quickly(kind: str) -> None:
    seconds = _reject_hostile_profile(kind)
    print(f"hostile profile {kind}: rejected in {seconds:.2f} s")  # the target is ≤ 1 s
    assert seconds < 8  # a generous bound: a busy machine must not fail the suite


@pytest.mark.parametrize("kind", ["dotted", "dotted-table", "dotted-inline", "dotted-quoted"])
def test_a_dotted_key_profile_bomb_is_rejected(kind: str) -> None:
    """tomllib is quadratic in a key's parts: refused before it parses (userfiles.loads_toml)."""
    assert _reject_hostile_profile(kind, expect="超过上限 32 段") < 8


@pytest.mark.parametrize(("kind", "expect"), [("dotted", "超过上限"), ("dotted-small", "32 段")])
def test_a_dotted_key_schedule_bomb_is_rejected(kind: str, expect: str) -> None:
    """Over 1 MB a schedule is refused for its size; under it, for its key."""
    assert _reject_hostile_profile(kind, what="schedule", expect=expect) < 8


def test_a_dotted_key_mapping_bomb_is_rejected(tmp_path: Path) -> None:
    from gkdeadline.mapping import Mapping

    f = tmp_path / "m.toml"
    f.write_text("[columns]\n" + "a" + ".a" * 5_000 + ' = "received"\n', "utf-8")
    with pytest.raises(InputError, match="32 段") as exc:
        Mapping.from_toml(f)
    assert exc.value.code == "mapping-invalid"


_Q3 = "'" * 3
_QQ3 = '"' * 3


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a = 1\nb.c.d = 2\n[x.y]\nz = 1.5", 3),
        ('"a.b.c.d" = 1', 1),
        ("'a.b.c.d' = 1", 1),
        ('a."b.c".d = 1', 3),
        ('a . "b" . c = 1', 3),
        ("x = [1.5, 2.5, " + ", ".join(["1.5"] * 40) + "]", 2),
        ("# " + "." * 100 + "\na = 1", 1),
        ('x = "' + "." * 100 + '"', 1),
        ('x = "\\"' + "." * 100 + '"', 1),
        ("x = " + _Q3 + "." * 100 + "\n" + "." * 100 + _Q3, 1),
        ("x = " + _QQ3 + "." * 100 + '\\"' + "\n" + "." * 50 + _QQ3, 1),
        ("x = " + _QQ3 + "a" + _QQ3 + '"\n' + "b" + ".b" * 40 + " = 1", 41),
        ("a" + ".a" * 40 + " = 1", 41),
        ("[[" + ".".join("a" * 40) + "]]", 40),
        ("x = {" + ".".join("a" * 40) + " = 1}", 40),
        ('"a"' + '."a"' * 40 + " = 1", 33),  # (counting stops past the limit)
    ],
)
def test_toml_key_parts(text: str, parts: int) -> None:
    import tomllib

    from gkdeadline.userfiles import MAX_TOML_KEY_PARTS, toml_key_parts

    tomllib.loads(text)  # each example is real TOML
    got = toml_key_parts(text)
    assert (got > MAX_TOML_KEY_PARTS) == (parts > MAX_TOML_KEY_PARTS), got
    if parts > MAX_TOML_KEY_PARTS:
        assert got == parts


def test_a_profile_with_600000_rules_is_rejected_quickly() -> None:
    assert _reject_hostile_profile("json-rules", expect="超过上限 10,000") < 8


def test_a_profile_of_many_broken_rules_names_the_first_few() -> None:
    from gkdeadline.errors import ProfileError
    from gkdeadline.profiles import MAX_PROFILE_ERRORS

    text = json.dumps({"id": "x", "title": "t", "jurisdiction": "j", "rules": [{}] * 5_000})
    with pytest.raises(ProfileError) as exc:
        parse_profile(text, "json", "many")
    msg = str(exc.value)
    assert "rules[0].name" in msg and "rules[0].title" in msg  # the first problems, by field
    assert f"另有 {MAX_PROFILE_ERRORS - 3} 处以上" in msg  # validation stopped after a few


# ----------------------------------------------------------------------------- found bugs


def test_schedule_toml_nesting_is_a_schedule_error() -> None:
    from gkdeadline.errors import ScheduleError

    with pytest.raises(ScheduleError, match="嵌套"):
        load_schedule(BAD / "deep_nesting.toml")


def test_case_id_with_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    """A lone surrogate (``"\\ud800"`` in JSON) is not text any output can hold: refused as
    input, naming the field, never a crash while writing."""
    for name, args in _commands(str(BAD / "case_id_surrogate.json"), tmp_path)[:3]:
        code, out, err = run(args)
        assert code == 2, (name, err)
        if "--json" in args:
            assert json.loads(out)["error"]["field"] == "id"
        else:
            assert "字段 id" in err and "\\ud800" in err
        assert not (tmp_path / "x.ics").exists() and not (tmp_path / "x.svg").exists()


def test_lone_surrogates_anywhere_in_a_case_are_refused() -> None:
    from gkdeadline.errors import CaseError

    rec = {"type": "received", "date": "2026-09-28", "channel": "in_person"}
    for kw, field in [
        ({"case_id": "a\udcff"}, "id"),
        ({"extra": {"承办人": "\ud800"}}, "extra.承办人"),
        ({"extra": {"\ud800": 1}}, "extra"),
        ({"applicant": "\udfff"}, "applicant"),
    ]:
        with pytest.raises(CaseError) as exc:
            Case("national", [rec], **kw)
        assert (exc.value.field, exc.value.code) == (field, "field-invalid")
    for event, field in [
        ({**rec, "note": "x\ud800"}, "note"),
        ({**rec, "extra": {"a": ["ok", "\ud800"]}}, "extra.a[1]"),
    ]:
        with pytest.raises(CaseError) as exc:
            Case("national", [event])
        assert (exc.value.field, exc.value.event_index) == (field, 0)
        exc.value.message_zh.encode("utf-8")  # the message itself can be written
    doc = json.dumps({"profile": "national\ud800", "events": [rec]})
    with pytest.raises(CaseError, match="字段 profile"):
        Case.from_json(doc)
    assert Case("national", [{**rec, "note": "张三 😀"}]).due  # real text, astral too, is fine


@pytest.mark.parametrize("year", [-5, 0, 1, 10_000])
def test_notice_with_an_impossible_year(year: int) -> None:
    from gkdeadline.errors import NoticeError

    with pytest.raises(NoticeError, match=f"year {year} "):
        parse_notice("", year=year)


def test_case_nesting_below_the_recursion_limit() -> None:
    code, out, _ = run(
        ["case", str(BAD / "case_deep_extra.json"), "--as-of", "2026-02-01", "--json"]
    )
    assert code == 2, out[:300]
    error = json.loads(out)["error"]
    assert (error["code"], error["field"], error["event_index"]) == ("field-invalid", "extra", 0)


def test_case_nesting_limit() -> None:
    from gkdeadline.case import MAX_NESTING
    from gkdeadline.errors import CaseError

    def nested(levels: int) -> Any:
        value: Any = 1
        for _ in range(levels):
            value = {"a": value}
        return value

    rec = {"type": "received", "date": "2026-09-28", "channel": "in_person"}
    Case("national", [{**rec, "extra": nested(MAX_NESTING)}], extra=nested(MAX_NESTING))
    with pytest.raises(CaseError, match="嵌套"):
        Case("national", [{**rec, "extra": nested(MAX_NESTING + 1)}])
    with pytest.raises(CaseError, match="嵌套"):
        Case("national", [rec], extra=nested(MAX_NESTING + 1))


def test_add_workdays_past_year_9999() -> None:
    assert run(["add-workdays", "9999-12-31", "1", "--projection"])[0] == 2
    assert run(["add-workdays", "--projection", "--", "0001-01-01", "-1"])[0] == 2
    code, out, _ = run(["add-workdays", "9999-12-31", "1", "--projection", "--json"])
    assert code == 2 and json.loads(out)["error"]["code"] == "date-out-of-range"


def test_hour_rule_at_the_end_of_time() -> None:
    args = ["due", "opinion-2016.first-release", "--from", "9999-12-31T23:30", "--projection"]
    code, _, err = run(args)
    assert code == 2 and "9999-12-31 之后" in err


def test_a_case_at_the_end_of_time_is_the_same_error_in_case_and_batch() -> None:
    rec = {"type": "received", "date": "9999-12-31", "channel": "in_person"}
    with pytest.raises(InputError) as exc:
        Case("national", [rec], projection=True).result("9999-12-31")
    assert exc.value.code == "date-out-of-range"
    out = cases(
        {"received": ["9999-12-31"], "channel": ["in_person"]}, as_of="9999-12-31", projection=True
    )
    assert list(out["error_code"]) == ["date-out-of-range"]


def _row(**cols: Any) -> pa.Table:
    base: dict[str, Any] = {"received": ["2026-01-05"], "channel": ["in_person"]}
    return pa.table({**base, **cols})


_MAP = pa.map_(pa.string(), pa.int64())


@pytest.mark.parametrize(
    ("table", "code"),
    [
        # a str passed as a column is not a column of characters
        (lambda: {"received": "2026-01-05", "channel": "in_person"}, "table-invalid"),
        (lambda: {"received": ["2026-01-05"], "channel": "in_person"}, "table-invalid"),
        (lambda: {"received": ["2026-01-05"], "channel": 5}, "table-invalid"),
        (lambda: {"received": ["2026-01-05"], "channel": ["in_person"] * 2}, "table-invalid"),
        # one column, two types
        (lambda: {"received": [1774396800, "2026-01-05"], "channel": ["in_person"] * 2}, "table-invalid"),
        # struct, list and map columns, bytes that are not text: a table error naming the column
        (lambda: _row(received=pa.array([{"a": 1}])), "table-invalid"),
        (lambda: _row(channel=pa.array([["in_person"]])), "table-invalid"),
        (lambda: _row(answered=pa.array([[("a", 1)]], _MAP)), "table-invalid"),
        (lambda: _row(channel=pa.array([b"\xff"])), "table-invalid"),
        # counts beyond int64, or beyond the event's limit: row errors
        (lambda: _row(extension=["2026-01-06"], extension_workdays=pa.array([2**64 - 1], pa.uint64())), "field-invalid"),
        (lambda: _row(extension=["2026-01-06"], extension_workdays=pa.array([2**63 - 1], pa.int64())), "field-invalid"),
        (lambda: _row(extension=["2026-01-06"], extension_workdays=["1001"]), "field-invalid"),
        # dates outside 0001–9999, in any type: row errors
        (lambda: _row(received=pa.array([10**15], pa.date64())), "date-invalid"),
        (lambda: _row(received=pa.array([2**31 - 1], pa.date32())), "date-invalid"),
        (lambda: _row(received=pa.array([-(2**31)], pa.date32())), "date-invalid"),
        (lambda: _row(received=pa.array([10**15], pa.timestamp("s"))), "date-invalid"),
        (lambda: _row(received=pa.array([-(10**15)], pa.timestamp("s", tz="UTC"))), "date-invalid"),
        (lambda: _row(received=pa.array([253402300799], pa.timestamp("s", tz="UTC"))), "date-invalid"),
        (lambda: _row(received=["0000-01-01"]), "date-invalid"),
    ],
)  # fmt: skip
def test_cases_hostile_tables_are_input_or_row_errors(table: Any, code: str) -> None:
    try:
        out = cases(table(), as_of=AS_OF)
    except GkDeadlineError as exc:
        assert exc.code == code, exc
        if exc.field is not None:
            assert exc.field in ("received", "channel", "answered"), exc
        return
    t = out if isinstance(out, pa.Table) else pa.table(dict(out))
    assert t.num_rows == 1 and t.column("error_code").to_pylist() == [code]
    assert t.column("error").null_count == 0 and t.column("due").to_pylist() == [None]


@pytest.mark.parametrize(
    "column",
    [
        pa.array([20], pa.uint64()),
        pa.array([20], pa.uint8()),
        pa.array([20, None], pa.uint64())[:1],
        pa.array([20.0]),
    ],
)
def test_cases_counts_of_any_integer_type(column: Any) -> None:
    t = _row(extension=["2026-01-06"], extension_workdays=column)
    ref = _row(extension=["2026-01-06"], extension_workdays=[20])
    out, want = cases(t, as_of=AS_OF), cases(ref, as_of=AS_OF)
    assert out.column("error_code").to_pylist() == [None]
    assert out.column("due").to_pylist() == want.column("due").to_pylist()


@pytest.mark.parametrize(
    "column",
    [
        pa.array([date(2026, 1, 5)]),
        pa.array([date(2026, 1, 5)], pa.date64()),
        pa.array([b"2026-01-05"]),  # Parquet text without its UTF8 annotation
        pa.array(["2026-01-05"]).dictionary_encode(),
        pa.array([1767542400], pa.timestamp("s")),  # 2026-01-04T16:00, naive: that date
        pa.array([1767542400], pa.timestamp("s", tz="UTC")),  # 2026-01-05T00:00 in Beijing
        pa.array([1767542400 * 10**9], pa.timestamp("ns", tz="UTC")),
    ],
)
def test_cases_dates_of_any_type(column: Any) -> None:
    out = cases(_row(received=column), as_of=AS_OF)
    naive = pa.types.is_timestamp(column.type) and column.type.tz is None
    want = date(2026, 1, 4) if naive else date(2026, 1, 5)
    ref = cases(_row(received=[want.isoformat()]), as_of=AS_OF)
    assert out.column("error_code").to_pylist() == [None]
    assert out.column("due").to_pylist() == ref.column("due").to_pylist()


def test_cases_dates_at_the_edges_of_time() -> None:
    """0001-01-01 and 9999-12-31 are dates (the engine answers them); what is beyond is not."""
    t = pa.table(
        {
            "received": pa.array(
                [-62135596800, 253402300799 - 86399, -62135596801, 253402300800],
                pa.timestamp("s"),
            ),
            "channel": ["in_person"] * 4,
        }
    )
    codes = cases(t, as_of=AS_OF).column("error_code").to_pylist()
    assert codes[2:] == ["date-invalid", "date-invalid"]
    assert "date-invalid" not in codes[:2] and None not in codes[:2]


# ----------------------------------------------------------------------------- hypothesis

_CELL = st.one_of(
    st.sampled_from(["NA", "N/A", "null", "NaN", "#N/A", "None", "", " ", '"', '""', ",", "张三"]),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r"),
        max_size=12,
    ),
)
_DATE = st.one_of(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 11, 1)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "2026-9-28", "20260928", "1774396800", "NA", "", "0001-01-01"]),
)


@FUZZ
@given(
    rows=st.lists(st.tuples(_CELL, _DATE, _CELL, st.booleans()), min_size=1, max_size=25),
    fmt=st.sampled_from(["csv", "jsonl", "parquet"]),
)
def test_fuzz_every_row_comes_out_with_its_id(
    tmp_path: Path, rows: list[tuple[str, str, str, bool]], fmt: str
) -> None:
    """Well-formed files of hostile cells: one output row per input row, ids byte for byte."""
    tmp_path = _fresh(tmp_path)
    ids = [f"{i}|{cell}" for i, (cell, *_rest) in enumerate(rows)]
    notes = [note + ("\nsecond line" if multi else "") for _, _, note, multi in rows]
    recs = [
        {"id": ids[i], "received": r[1] or None, "channel": "in_person", "note": notes[i]}
        for i, r in enumerate(rows)
    ]
    src = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        with src.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", "received", "channel", "note"])
            w.writerows([[r["id"], r["received"] or "", r["channel"], r["note"]] for r in recs])
    elif fmt == "jsonl":
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(recs), src)
    out = tmp_path / "out.parquet"
    summary = process_file(src, out, as_of=AS_OF, chunk_rows=7)
    got = pq.read_table(out).to_pylist()
    assert summary.rows == summary.written == len(got) == len(rows)
    assert [g["id"] for g in got] == ids
    assert [g["note"] or "" for g in got] == notes
    for g, r in zip(got, recs, strict=True):
        assert (g["due"] is None) == (g["error_code"] is not None)
        if g["due"] is not None:  # computed only from a real ISO date
            assert date.fromisoformat(r["received"] or "") < AS_OF
        assert g["error_code"] != "internal-error"
    assert _leftovers(tmp_path) == []


@FUZZ
@given(
    base=st.lists(st.tuples(_CELL, _DATE), min_size=1, max_size=12),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10_000),
            st.sampled_from([b'"', b",", b"\n", b"\r", b"\xff", "张".encode("gbk"), b"", b"\x00"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    fmt=st.sampled_from(["csv", "jsonl"]),
)
def test_fuzz_damaged_files_never_crash_or_invent(
    tmp_path: Path,
    base: list[tuple[str, str]],
    edits: list[tuple[int, bytes, bool]],
    fmt: str,
) -> None:
    """Damaged bytes: a file error without output, or rows that are computed or errors; a computed
    row's id is text that is really in the file."""
    tmp_path = _fresh(tmp_path)
    recs = [
        {"id": f"{i}|{c}", "received": d, "channel": "in_person"} for i, (c, d) in enumerate(base)
    ]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["id", "received", "channel"])
        w.writerows([[r["id"], r["received"], r["channel"]] for r in recs])
        data = bytearray(buf.getvalue().encode("utf-8"))
    else:
        data = bytearray("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode())
    for pos, piece, replace in edits:
        p = pos % (len(data) + 1)
        data[p : p + (1 if replace else 0)] = piece
    src = tmp_path / f"in.{fmt}"
    src.write_bytes(bytes(data))
    out = tmp_path / "out.jsonl"
    try:
        summary = process_file(src, out, as_of=AS_OF, chunk_rows=3)
    except InputError:
        assert not out.exists() and _leftovers(tmp_path) == []
        return
    got = _read(out)
    text = bytes(data).decode("utf-8", "replace") + bytes(data).decode("gb18030", "replace")
    lines = [ln for ln in bytes(data).split(b"\n") if ln.strip()]
    assert summary.rows == summary.written == len(got) <= len(lines)
    for g in got:
        assert g["error_code"] != "internal-error"
        assert (g["due"] is None) == (g["error_code"] is not None)
        gid = g.get("id")  # a damaged header may have lost the column
        if g["due"] is None or gid is None:
            continue
        if fmt == "csv":
            assert str(gid).replace('"', "") in text.replace('"', "")
        else:
            assert json.dumps(gid, ensure_ascii=False)[1:-1] in text
    assert _leftovers(tmp_path) == []


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_KNOWN = ["received", "channel", "answered", "extension", "extension_workdays", "id", "note"]


@FUZZ
@given(
    objs=st.lists(
        st.dictionaries(st.sampled_from([*_KNOWN, "mine"]), _JSON | _DATE, max_size=6),
        min_size=1,
        max_size=10,
    )
)
def test_fuzz_jsonl_values_of_any_type(tmp_path: Path, objs: list[dict[str, Any]]) -> None:
    """A row whose received date is not a JSON string is never computed, whatever else it holds."""
    tmp_path = _fresh(tmp_path)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    out = tmp_path / "out.jsonl"
    summary = process_file(src, out, as_of=AS_OF)
    got = _read(out)
    assert summary.rows == len(got) == len(objs)
    for o, g in zip(objs, got, strict=True):
        assert g["error_code"] != "internal-error"
        if g["due"] is not None:
            assert isinstance(o.get("received"), str) and isinstance(o.get("channel"), str)
            assert not any(isinstance(o.get(k), bool | dict | list) for k in _KNOWN)
        if isinstance(o.get("id"), str):
            assert g["id"] == o["id"]


_EVENT = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["received", "extension", "answered", "nonsense"]),
        "date": _JSON | _DATE,
    },
    optional={"channel": st.sampled_from(["in_person", "fax", 1]), "workdays": _JSON, "id": _JSON},
)


@FUZZ
@given(
    doc=st.one_of(
        _JSON,
        st.fixed_dictionaries(
            {"profile": _JSON | st.just("national"), "events": st.lists(_EVENT, max_size=4)}
        ),
    )
)
def test_fuzz_case_documents(doc: Any) -> None:
    try:
        case = Case.from_json(json.dumps(doc))
        case.result(AS_OF)
    except GkDeadlineError:
        pass


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                ['id = "x"', "title = 1", "[[rules]]", 'name = "a"', "duration = {}", "a.b.c = 1",
                 "x = [[[", '"\\ud800" = 1', "effective_from = 0001-01-01", "\x00"]
            ),
            max_size=12,
        ).map("\n".join),
    ),
    fmt=st.sampled_from(["toml", "json"]),
)  # fmt: skip
def test_fuzz_profile_text(text: str, fmt: str) -> None:
    with contextlib.suppress(GkDeadlineError):
        parse_profile(text, fmt, "fuzz")


@FUZZ
@given(
    text=st.lists(
        st.sampled_from(
            ["国务院办公厅关于2027年部分节假日安排的通知", "一、元旦：1月1日放假，共1天。",
             "二、春节：2月5日至11日放假调休，共7天。2月7日（星期日）上班。", "<p>", "</div>",
             "9999年", "0年", "13月45日", "星期八", "\x00", "\u202e", "共9999999999天"]
        ),
        max_size=10,
    ).map("\n".join),
    year=st.one_of(st.none(), st.integers(min_value=2, max_value=9998)),
)  # fmt: skip
def test_fuzz_notices(text: str, year: int | None) -> None:
    with contextlib.suppress(GkDeadlineError):
        parse_notice(text, year=year)


@FUZZ
@given(
    arg=st.one_of(
        st.text(max_size=20),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    ),
    n=st.integers(min_value=-(10**6), max_value=10**6),
)
def test_fuzz_cli_dates_and_counts(arg: str, n: int) -> None:
    for args in (
        ["is-workday", arg],
        ["add-workdays", arg, str(n), "--projection"],
        ["workdays-between", arg, "2026-09-28"],
        ["due", "national-2019.request-reply", "--from", arg],
    ):
        code, _, err = run(args)
        assert code in (0, 2, 3), (args, err)


def test_batch_file_with_a_timestamp_beyond_year_9999(tmp_path: Path) -> None:
    """The row is a date error; JSON Lines cannot hold the value passed through (exit 2, no
    output), Parquet can."""
    src = tmp_path / "in.parquet"
    received = pa.array([10**15, 1767542400], pa.timestamp("s"))
    pq.write_table(
        pa.table({"id": ["a", "b"], "received": received, "channel": ["in_person"] * 2}), src
    )
    code, _, err = run(
        ["batch", str(src), "--out", str(tmp_path / "x.jsonl"), "--as-of", "2026-11-23"]
    )
    assert code == 2 and "received 列" in err and not (tmp_path / "x.jsonl").exists()
    assert _leftovers(tmp_path) == []
    code, _, _ = run(
        ["batch", str(src), "--out", str(tmp_path / "x.parquet"), "--as-of", "2026-11-23"]
    )
    rows = pq.read_table(tmp_path / "x.parquet", columns=["id", "error_code"]).to_pylist()
    assert code == 1 and rows == [
        {"id": "a", "error_code": "date-invalid"},
        {"id": "b", "error_code": None},
    ]
