"""The system-of-record issue's must-show: a realistic vendor export goes through
`gkdeadline batch` with no row lost, and every extension granted after the deadline is reported
as a finding with its citation, not as an error (benchmarks/gen_realistic.py makes the file)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pyarrow.csv as pcsv

from gkdeadline.cli import main

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_realistic import generate, to_table  # noqa: E402


def test_ten_thousand_realistic_cases_lose_nothing_and_report_late_extensions(tmp_path) -> None:
    rows = generate(10_000, seed=1)
    source = tmp_path / "cases.csv"
    pcsv.write_csv(to_table(rows), source)
    target = tmp_path / "checked.csv"
    assert main(["batch", str(source), "--out", str(target), "--as-of", "2026-11-24"]) == 0
    out = pcsv.read_csv(target).to_pylist()
    assert len(out) == 10_000  # never lose a row
    assert [r["id"] for r in out] == [r["id"] for r in rows]  # in order, ids untouched
    assert not [r for r in out if r["error_code"] is not None]  # all of it is possible data
    late = [r for r in out if r["findings"] and "extension-after-deadline" in r["findings"]]
    # the generator grants 8% of the 12% extensions after the deadline
    assert 60 <= len(late) <= 130
    for r in late:
        codes, basis = r["findings"].split(";"), r["findings_basis"].split(";")
        assert basis[codes.index("extension-after-deadline")] == "条例（2019）第三十三条第二款"
        assert r["status"] in ("answered_late", "overdue", "seriously_overdue")
    statuses = Counter(r["status"] for r in out)
    # 15% of the 10% corrections are never supplied: the correction period lapses (视为放弃)
    assert 100 <= statuses["abandoned"] <= 220
    codes = Counter(c for r in out if r["findings"] for c in r["findings"].split(";"))
    assert codes["correction-lapsed"] == statuses["abandoned"]
    assert codes["answered-late"] == statuses["answered_late"]
