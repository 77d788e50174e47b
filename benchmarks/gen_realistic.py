"""A realistic file of 依申请公开 cases, one row per case, as a vendor's case system exports it.

    uv run python benchmarks/gen_realistic.py --cases 10000 --out cases.csv [--seed 0]

The proportions follow the system-of-record issue's description of Chinese business reality:
10% of requests need a correction, and 15% of those are never supplied (the correction period
lapses); 8% consult a third party or another agency; 12% are extended, 8% of those after the
deadline had passed (the violation the analyst is looking for); 7% are answered late; 3% are never
answered. Received 2025-01-02 … 2026-09-30, so every case's deadline is on a published calendar.
Every row is *possible* data: the file must go through ``gkdeadline batch`` with no error row.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv

from gkdeadline import Calendar

FIRST = date(2025, 1, 2)
LAST = date(2026, 9, 30)


def _workday_on_or_after(cal: Calendar, d: date) -> date:
    return d if cal.is_workday(d) else cal.add_workdays(d, 1)


def generate(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` rows of the one-row batch schema (dates as ISO text, empty cells as None)."""
    rng = random.Random(seed)
    cal = Calendar()
    span = (LAST - FIRST).days
    rows: list[dict[str, Any]] = []
    for k in range(n):
        received = _workday_on_or_after(cal, FIRST + timedelta(days=rng.randrange(span)))
        channel = rng.choices(["online", "post", "in_person", "letter", "fax"], [55, 25, 12, 6, 2])[
            0
        ]
        row: dict[str, Any] = {"id": f"YSQ-{received.year}-{k:06d}", "received": received}
        row["channel"] = channel
        start = received
        if channel in ("online", "letter", "fax"):
            start = received + timedelta(days=rng.choice([0, 0, 0, 1]))
            row["confirmed"] = start
        row["applicant"] = rng.choices(
            ["natural-person", "business", "research", "nonprofit", "legal-service", "other-org"],
            [80, 10, 2, 2, 4, 2],
        )[0]
        due = cal.add_workdays(start, 20)
        if rng.random() < 0.10:  # a correction
            asked = cal.add_workdays(start, rng.randint(1, 7))
            row["correction_requested"] = asked
            row["correction_deadline_set"] = asked
            row["correction_workdays"] = 10
            if rng.random() < 0.15:  # never supplied: the request lapses (视为放弃)
                rows.append(row)
                continue
            start = cal.add_workdays(asked, rng.randint(1, 9))
            row["correction_received"] = start
            due = cal.add_workdays(start, 20)
        if rng.random() < 0.08:  # a consultation
            began = cal.add_workdays(start, rng.randint(1, 8))
            ended = cal.add_workdays(began, rng.randint(1, 14))
            row["consultation_started"] = began
            row["consultation_party"] = rng.choices(["third_party", "agency"], [70, 30])[0]
            row["consultation_party_received"] = cal.add_workdays(began, 1)
            row["consultation_ended"] = ended
            due = cal.add_workdays(due, cal.workdays_between(began - timedelta(days=1), ended))
        late_extension = False
        if rng.random() < 0.12:  # an extension, 8% of them after the deadline
            late_extension = rng.random() < 0.08
            if late_extension:
                granted = cal.add_workdays(due, rng.randint(1, 5))
            else:
                granted = cal.add_workdays(due, -rng.randint(1, 5))
            row["extension"] = max(granted, start + timedelta(days=1))
            row["extension_workdays"] = 20
            if not late_extension:
                due = cal.add_workdays(due, 20)
        roll = rng.random()
        if roll < 0.03:  # never answered
            rows.append(row)
            continue
        if roll < 0.10 or late_extension:  # answered late
            answered = cal.add_workdays(due, rng.randint(1, 15))
        else:
            answered = cal.add_workdays(
                start, rng.randint(1, max(1, cal.workdays_between(start, due)))
            )
        row["answered"] = max(answered, *(v for v in row.values() if isinstance(v, date)))
        row["outcome"] = rng.choices(
            [
                "granted",
                "partial",
                "refused.third-party-rights",
                "unavailable.not-held",
                "not-handled.repeated",
            ],
            [45, 20, 8, 22, 5],
        )[0]
        rows.append(row)
    return rows


COLUMNS = (
    "id",
    "received",
    "channel",
    "confirmed",
    "applicant",
    "correction_requested",
    "correction_deadline_set",
    "correction_workdays",
    "correction_received",
    "consultation_started",
    "consultation_party",
    "consultation_party_received",
    "consultation_ended",
    "extension",
    "extension_workdays",
    "answered",
    "outcome",
)


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    data = {}
    for c in COLUMNS:
        values = [r.get(c) for r in rows]
        data[c] = pa.array(
            [
                v.isoformat() if isinstance(v, date) else (None if v is None else str(v))
                for v in values
            ],
            type=pa.string(),
        )
    return pa.table(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    pcsv.write_csv(to_table(generate(args.cases, args.seed)), args.out)
    print(f"{args.cases:,} cases → {args.out}")


if __name__ == "__main__":
    main()
