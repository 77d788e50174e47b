"""The numpy batch path: same results and same errors as the scalar path."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from gkdeadline import (
    Calendar,
    CalendarCoverageError,
    InputError,
    ProjectedCalendarWarning,
    batch,
    jit,
)
from gkdeadline.calendar import kernels, vector_kernels
from gkdeadline.calendar.index import EPOCH_ORDINAL


def test_worked_examples_vectorised() -> None:
    d = np.array(["2026-09-28", "2026-10-09", "2026-02-14"], dtype="datetime64[D]")
    assert batch.to_dates(batch.add_workdays(d, np.array([20, 1, 20]))) == [
        date(2026, 10, 30),
        date(2026, 10, 10),
        date(2026, 3, 20),
    ]
    holidays_too = np.array(["2026-10-09", "2026-10-03", "2026-10-10"], dtype="datetime64[D]")
    assert batch.is_workday(holidays_too).tolist() == [True, False, True]


def test_strings_and_lists_are_accepted() -> None:
    assert batch.to_dates(batch.add_workdays(["2026-10-09"], 1)) == [date(2026, 10, 10)]


def test_zero_returns_input_and_two_dimensional_arrays_keep_shape() -> None:
    d = np.array(
        [["2026-10-03", "2026-10-04"], ["2026-10-05", "2026-10-06"]], dtype="datetime64[D]"
    )
    out = batch.add_workdays(d, 0)
    assert out.shape == (2, 2) and (out == d).all()
    assert batch.add_workdays(d, 1).shape == (2, 2)


def test_coverage_error_names_the_element() -> None:
    d = np.array(["2026-09-28", "2026-12-15"], dtype="datetime64[D]")
    with pytest.raises(CalendarCoverageError) as info:
        batch.add_workdays(d, 20)
    assert info.value.year == 2027
    assert "dates[1]" in str(info.value)


def test_coverage_error_before_2004() -> None:
    with pytest.raises(CalendarCoverageError, match=r"dates\[0\]"):
        batch.add_workdays(np.array(["2004-01-05"], dtype="datetime64[D]"), -10)
    with pytest.raises(CalendarCoverageError):
        batch.is_workday(np.array(["2003-05-05"], dtype="datetime64[D]"))
    with pytest.raises(CalendarCoverageError):
        batch.workdays_between(np.array(["2003-05-05"]), np.array(["2004-05-05"]))


def test_regional_gap_is_an_error_in_batch_too() -> None:
    cal = Calendar(region="ningxia")
    with pytest.raises(CalendarCoverageError) as info:
        batch.add_workdays(np.array(["2017-12-20"], dtype="datetime64[D]"), 10, cal)
    assert info.value.region == "ningxia" and info.value.year == 2018


def test_bad_input() -> None:
    with pytest.raises(InputError, match="NaT"):
        batch.add_workdays(np.array(["2026-01-05", "NaT"], dtype="datetime64[D]"), 1)
    with pytest.raises(InputError, match="dates"):
        batch.add_workdays(np.array([1.5, 2.5]), 1)
    with pytest.raises(InputError, match="应当是整数"):
        batch.add_workdays(np.array(["2026-01-05"], dtype="datetime64[D]"), 1.5)
    with pytest.raises(InputError, match="形状"):
        batch.add_workdays(np.array(["2026-01-05"] * 3, dtype="datetime64[D]"), np.array([1, 2]))


def test_projected_results_warn() -> None:
    cal = Calendar().with_projection()
    with pytest.warns(ProjectedCalendarWarning, match="1 result"):
        batch.add_workdays(np.array(["2026-12-15", "2026-01-05"], dtype="datetime64[D]"), 20, cal)


# ---------------------------------------------------------------------- differential tests
#
# The batch functions against the scalar Calendar, element by element, on random days plus the
# days that go wrong most easily: makeup working days, year boundaries, the unknown days at both
# edges of a calendar (and inside it: Ningxia lacks 2018), projected years. Each runs twice:
# on the compiled loops and on the very same loops uncompiled (what GKDEADLINE_NO_JIT=1 runs).

PLAIN = jit.Kernels(
    {name: getattr(m, name) for m in (kernels, vector_kernels) for name in m.KERNELS}
)

CALENDARS: dict[str, Callable[[], Calendar]] = {
    "national": Calendar,
    "ningxia": lambda: Calendar(region="ningxia"),
    "projected": lambda: Calendar().with_projection(),
}


@pytest.fixture(params=["compiled", "plain"])
def loops(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on the compiled loops, then on the plain-Python ones."""
    if request.param == "plain":
        monkeypatch.setattr(batch, "_loops", lambda: PLAIN)
    return str(request.param)


@pytest.fixture(params=list(CALENDARS))
def cal(request: pytest.FixtureRequest) -> Calendar:
    return CALENDARS[request.param]()


def test_day_classes_say_what_the_prefix_counts_say(cal: Calendar) -> None:
    """Every day (and days either side of the calendar): ``is_workday`` read from the one-byte
    class table that ``batch.is_workday`` uses is ``is_workday`` from the three prefix counts."""
    ix = cal.index
    cum, _, ucum, pcum, _, cls = batch._tables(ix)
    flags = set()
    for i in range(-3, ix.n_days + 3):
        got = kernels.is_workday_class(cls, i)
        assert got == kernels.is_workday(cum, ucum, pcum, i), i
        flags.add(got[1])
    # every kind of day is there to compare: exact, and unknown (beyond the edges at least)
    assert {kernels.EXACT, kernels.UNKNOWN} <= flags
    if cal.projection_through is not None:
        assert kernels.PROJECTED in flags


def interesting_days(cal: Calendar, count: int, seed: int) -> np.ndarray:
    """Random days over the calendar and 60 days either side, plus the tricky ones."""
    rng = np.random.default_rng(seed)
    first, last = cal.first_day(), cal.last_day()
    span = (last - first).days
    days = [first + timedelta(days=int(k)) for k in rng.integers(-60, span + 60, count)]
    makeup = sorted({e.day for s in cal.schedules() for e in s.entries if not e.off})
    days += [makeup[int(k)] for k in rng.integers(0, len(makeup), count // 10)]
    for year in range(first.year, last.year + 2):  # year boundaries
        days += [date(year, 1, 1) + timedelta(days=k) for k in range(-5, 8)]
    days += [first + timedelta(days=k) for k in range(-3, 4)]  # both edges of the span
    days += [last + timedelta(days=k) for k in range(-3, 4)]
    return np.array(sorted(set(days)), dtype="datetime64[D]")


def scalar(call: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """("ok", value, projected?) or ("unknown", day the error names)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call(*args)
        except CalendarCoverageError as e:
            return ("unknown", e.day)
    projected = any(issubclass(w.category, ProjectedCalendarWarning) for w in caught)
    return ("ok", value, projected)


def day_of(cal: Calendar, unknown: int) -> date:
    return date.fromordinal(cal.index.first_ordinal + unknown)


def epoch(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


def test_add_masked_matches_scalar(cal: Calendar, loops: str) -> None:
    days = interesting_days(cal, 400, seed=1)
    rng = np.random.default_rng(2)
    n = rng.integers(-300, 300, len(days))
    n[::5] = rng.integers(-3, 4, len(n[::5]))
    n[::17] = 0
    n[1::23] = 10**18  # beyond every workday: an unknown day, never an overflow
    n[2::23] = -(10**18)
    result, unknown, projected = batch.add_masked(cal, days.astype(np.int64), n)
    for k, d in enumerate(batch.to_dates(days)):
        want = scalar(cal.add_workdays, d, int(n[k]))
        if want[0] == "unknown":
            assert unknown[k] != batch.OK and day_of(cal, int(unknown[k])) == want[1], (d, n[k])
        else:
            assert unknown[k] == batch.OK, (d, n[k])
            assert (result[k], bool(projected[k])) == (epoch(want[1]), want[2]), (d, n[k])


def test_between_masked_matches_scalar(cal: Calendar, loops: str) -> None:
    a = interesting_days(cal, 400, seed=3)
    rng = np.random.default_rng(4)
    b = a + rng.integers(-400, 400, len(a)).astype("timedelta64[D]")
    b[::9] = a[::9]
    counts, unknown, projected = batch.between_masked(cal, a.astype(np.int64), b.astype(np.int64))
    for k, (x, y) in enumerate(zip(batch.to_dates(a), batch.to_dates(b), strict=True)):
        want = scalar(cal.workdays_between, x, y)
        if want[0] == "unknown":
            assert unknown[k] != batch.OK and day_of(cal, int(unknown[k])) == want[1], (x, y)
        else:
            assert unknown[k] == batch.OK, (x, y)
            assert (counts[k], bool(projected[k])) == (want[1], want[2]), (x, y)


def test_public_functions_match_scalar(cal: Calendar, loops: str) -> None:
    """Where the scalar path answers, the batch path gives the same answers and warnings; where
    it raises, the batch path raises the same error naming the element."""
    days = interesting_days(cal, 300, seed=5)
    rng = np.random.default_rng(6)
    n = rng.integers(-60, 60, len(days))
    other = days + rng.integers(-120, 120, len(days)).astype("timedelta64[D]")
    dates, others = batch.to_dates(days), batch.to_dates(other)
    ops: list[tuple[str, Callable[[int], Any], Callable[[np.ndarray], Any]]] = [
        (
            "add",
            lambda k: cal.add_workdays(dates[k], int(n[k])),
            lambda idx: batch.add_workdays(days[idx], n[idx], cal),
        ),
        (
            "between",
            lambda k: cal.workdays_between(dates[k], others[k]),
            lambda idx: batch.workdays_between(days[idx], other[idx], cal),
        ),
        (
            "is_workday",
            lambda k: cal.is_workday(dates[k]),
            lambda idx: batch.is_workday(days[idx], cal),
        ),
    ]
    for name, one, many in ops:
        want = [scalar(one, k) for k in range(len(days))]
        good = np.array([w[0] == "ok" for w in want])
        assert good.any() and not good.all(), name  # both kinds of element are exercised
        idx = np.flatnonzero(good)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = many(idx)
        values = batch.to_dates(got) if name == "add" else got.tolist()
        assert values == [want[k][1] for k in idx], name
        n_projected = sum(want[k][2] for k in idx)
        messages = [str(w.message) for w in caught]
        if n_projected:
            assert len(messages) == 1 and messages[0].startswith(
                f"{n_projected} 个结果用到了推测日期"
            )
        else:
            assert messages == [], name
        for k in np.flatnonzero(~good)[:40]:
            rows = np.concatenate([idx[:3], [k], idx[3:5]]).astype(np.intp)
            with pytest.raises(CalendarCoverageError) as info, warnings.catch_warnings():
                warnings.simplefilter("ignore", ProjectedCalendarWarning)
                many(rows)
            assert info.value.day == want[k][1], (name, dates[k])
            where = "a" if name == "between" else "dates"
            assert str(info.value).startswith(f"{where}[{min(3, len(idx))}]: "), name


def test_compiled_and_plain_loops_agree() -> None:
    cal = Calendar(region="ningxia")
    ix = cal.index
    cum, ords, ucum, pcum, unk, cls = batch._tables(ix)
    off = ix.first_ordinal - EPOCH_ORDINAL
    rng = np.random.default_rng(7)
    d = rng.integers(off - 100, off + ix.n_days + 100, 3000)
    d[::97] = batch.NAT
    n = rng.integers(-500, 500, len(d))
    e = d + rng.integers(-300, 300, len(d))
    e[::97] = d[::97]
    compiled = batch._loops()
    outputs = []
    for ns in (compiled, PLAIN):
        res = [np.empty(len(d), np.int64) for _ in range(4)] + [np.empty(len(d), bool)]
        masks = [np.empty(len(d), np.int64), np.empty(len(d), bool)] * 2
        stats = (
            ns.add_into(cum, ords, ucum, pcum, off, d, n, 1, res[0]),
            ns.add_into(cum, ords, ucum, pcum, off, d, n[:1], 0, res[1]),
            ns.between_into(cum, ucum, pcum, off, d, 1, e, 1, res[2]),
            ns.is_workday_into(cls, off, d, res[4]),
        )
        ns.add_masked_into(cum, ords, ucum, pcum, unk, off, d, n, res[3], masks[0], masks[1])
        out2 = np.empty(len(d), np.int64)
        ns.between_masked_into(cum, ucum, pcum, unk, off, d, e, out2, masks[2], masks[3])
        outputs.append((tuple(tuple(int(x) for x in s) for s in stats), res, masks, out2))
    (s1, r1, m1, o1), (s2, r2, m2, o2) = outputs
    assert s1 == s2
    assert all((x == y).all() for x, y in zip(r1, r2, strict=True))
    assert all((x == y).all() for x, y in zip(m1, m2, strict=True))
    assert (o1 == o2).all()


# ---------------------------------------------------------------------- inputs, outputs, errors


def test_every_input_form_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(8)
    d = np.datetime64("2010-01-01") + rng.integers(0, 5000, 1000).astype("timedelta64[D]")
    n = rng.integers(-40, 40, 1000)
    want = batch.add_workdays(d, n)
    monkeypatch.setattr(batch, "CHUNK", 64)  # conversions go chunk by chunk: cross boundaries
    forms = [
        d.astype("datetime64[s]") + np.timedelta64(3600, "s"),  # other units: floored to days
        d.astype(str),  # ISO strings
        list(d.astype(object)),  # datetime.date objects
        np.repeat(d, 2)[::2],  # a strided view
    ]
    for form in forms:
        assert (batch.add_workdays(form, n) == want).all()
        assert (batch.add_workdays(form, n.astype(np.int32)) == want).all()
    grid = d[:600].reshape(20, 30)
    assert (
        batch.add_workdays(grid.T, n[:600].reshape(20, 30).T) == want[:600].reshape(20, 30).T
    ).all()
    assert (
        batch.add_workdays(grid, n[:30]) == batch.add_workdays(grid, np.tile(n[:30], (20, 1)))
    ).all()
    assert (batch.add_workdays(d, 7) == batch.add_workdays(d, np.full(1000, 7))).all()
    assert (batch.add_workdays(d, np.array([7])) == batch.add_workdays(d, 7)).all()


def test_between_broadcasts() -> None:
    a = np.array(["2026-01-05", "2026-09-30", "2026-10-09"], dtype="datetime64[D]")
    b = np.array(["2026-10-10", "2026-10-30"], dtype="datetime64[D]")
    grid = batch.workdays_between(a[:, None], b[None, :])
    cal = Calendar()
    assert grid.tolist() == [
        [cal.workdays_between(x, y) for y in batch.to_dates(b)] for x in batch.to_dates(a)
    ]
    assert batch.workdays_between("2026-10-09", b).tolist() == grid[2].tolist()
    with pytest.raises(InputError, match="形状"):
        batch.workdays_between(a, b)


def test_out_is_written_and_returned() -> None:
    d = np.array(["2026-09-28", "2026-10-09"], dtype="datetime64[D]")
    out = np.empty(2, dtype="datetime64[D]")
    assert batch.add_workdays(d, 20, out=out) is out
    assert batch.to_dates(out) == [date(2026, 10, 30), date(2026, 11, 5)]
    counts = np.empty(2, dtype=np.int64)
    assert batch.workdays_between(d, out, out=counts) is counts and counts.tolist() == [20, 20]
    flags = np.empty(2, dtype=bool)
    assert batch.is_workday(d, out=flags) is flags and flags.tolist() == [True, True]
    same = d.copy()
    batch.add_workdays(same, 20, out=same)  # in place
    assert (same == out).all()
    for bad in (np.empty(2, dtype=np.int64), np.empty(3, dtype="datetime64[D]"), [0, 0]):
        with pytest.raises(InputError, match="out 应当是"):
            batch.add_workdays(d, 20, out=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="out 应当是"):
        batch.is_workday(d, out=np.empty(4, dtype=bool)[::2])
    both = np.array(["2026-09-28", "2026-10-09", "2026-10-12"], dtype="datetime64[D]")
    with pytest.raises(InputError, match="部分重叠"):  # shifted by one element: not in place
        batch.add_workdays(both[1:], 1, out=both[:2])
    with pytest.raises(InputError, match="部分重叠"):
        batch.is_workday(both, out=both.view(bool)[:3])
    a = np.array(["2026-09-28", "NaT"], dtype="datetime64[D]")
    with pytest.raises(InputError, match=r"a\[1\] 是 NaT"):  # found although out overwrote a
        batch.workdays_between(a, np.datetime64("2026-10-09"), out=a.view(np.int64))


def test_nat_is_named_by_position_in_its_own_operand() -> None:
    a = np.array(["2026-01-05", "2026-01-06", "NaT"], dtype="datetime64[D]")
    with pytest.raises(InputError, match=r"dates\[2\] 是 NaT"):
        batch.is_workday(a)
    with pytest.raises(InputError, match=r"a\[2\] 是 NaT"):
        batch.workdays_between(a, a[0])
    with pytest.raises(InputError, match=r"b\[0\] 是 NaT"):  # before broadcasting
        batch.workdays_between(a[:2], np.array(["NaT"], dtype="datetime64[D]"))
    with pytest.raises(InputError, match=r"dates\[1\] 是 NaT"):  # n = 0 does not hide a NaT
        batch.add_workdays(a[1:], 0)
    with pytest.raises(InputError, match=r"a\[0\] 是 NaT"):  # nor does b == a
        batch.workdays_between(a[2:], a[2:])
    with pytest.raises(InputError, match=r"dates\[2\] 是 NaT"):  # NaT wins over coverage
        batch.add_workdays(np.array(["2003-01-01", "2026-01-05", "NaT"]), 1)


def test_coverage_error_in_two_dimensions_names_the_cell() -> None:
    d = np.array(
        [["2026-01-05", "2026-01-06"], ["2026-01-07", "2027-03-01"]], dtype="datetime64[D]"
    )
    with pytest.raises(CalendarCoverageError, match=r"^dates\[\(1, 1\)\]: "):
        batch.is_workday(d)


def test_days_beyond_python_dates_are_input_errors() -> None:
    with pytest.raises(InputError, match="1–9999"):
        batch.add_workdays(np.array(["9999-12-31"], dtype="datetime64[D]"), 1)


def test_empty_and_zero_dimensional_inputs() -> None:
    empty = np.array([], dtype="datetime64[D]")
    assert batch.add_workdays(empty, 3).shape == (0,)
    assert batch.workdays_between(empty, empty).shape == (0,)
    assert batch.is_workday(empty).shape == (0,)
    assert batch.add_workdays(np.datetime64("2026-10-09"), 1) == np.datetime64("2026-10-10")


def test_importing_gkdeadline_does_not_import_numba() -> None:
    code = "import sys, gkdeadline, gkdeadline.batch; sys.exit('numba' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
