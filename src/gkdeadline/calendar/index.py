"""The precomputed workday index: every question about workdays becomes one or two array lookups.

For the span of days a calendar covers, with day *i* = ``first_ordinal + i``:

* ``work[i]``   — is day *i* a working day (False for days whose status is unknown);
* ``cum[i]``    — how many working days lie in days ``[0, i)`` (so ``cum[i+1] - cum[a+1]``
  counts the workdays in ``(a, i]``);
* ``ords[k]``   — the index of the *k*-th working day;
* ``unknown_cum`` / ``projected_cum`` — the same prefix counts for unknown and projected days,
  so "does this interval touch an unknown/projected day" is one subtraction.

The scalar path uses Python lists (list indexing beats numpy scalar indexing by ~10×); the batch
path uses the numpy arrays built from the same data, so the two cannot disagree.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # datetime64[D] counts days from here


@dataclass(frozen=True, eq=False)
class WorkdayIndex:
    first_ordinal: int
    # numpy arrays (batch path)
    work: npt.NDArray[np.bool_]
    known: npt.NDArray[np.bool_]
    projected: npt.NDArray[np.bool_]
    cum: npt.NDArray[np.int64]
    ords: npt.NDArray[np.int64]
    unknown_cum: npt.NDArray[np.int64]
    projected_cum: npt.NDArray[np.int64]
    # Python mirrors (scalar path)
    cum_list: list[int]
    ords_list: list[int]
    work_dates: list[date]
    unknown_cum_list: list[int]
    projected_cum_list: list[int]
    work_list: list[bool]
    known_list: list[bool]
    unknown_ords: list[int]  # indices of unknown days inside the span, sorted

    @property
    def n_days(self) -> int:
        return len(self.work_list)

    @property
    def has_gaps(self) -> bool:
        return bool(self.unknown_ords)

    @property
    def has_projected(self) -> bool:
        return self.projected_cum_list[-1] > 0

    @classmethod
    def build(
        cls,
        first: date,
        work: npt.NDArray[np.bool_],
        known: npt.NDArray[np.bool_],
        projected: npt.NDArray[np.bool_],
    ) -> WorkdayIndex:
        work = work & known
        n = len(work)
        cum = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(work, out=cum[1:])
        unknown_cum = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(~known, out=unknown_cum[1:])
        projected_cum = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(projected & known, out=projected_cum[1:])
        ords = np.flatnonzero(work).astype(np.int64)
        first_ordinal = first.toordinal()
        return cls(
            first_ordinal=first_ordinal,
            work=work,
            known=known,
            projected=projected & known,
            cum=cum,
            ords=ords,
            unknown_cum=unknown_cum,
            projected_cum=projected_cum,
            cum_list=cum.tolist(),
            ords_list=ords.tolist(),
            work_dates=[date.fromordinal(first_ordinal + int(i)) for i in ords],
            unknown_cum_list=unknown_cum.tolist(),
            projected_cum_list=projected_cum.tolist(),
            work_list=work.tolist(),
            known_list=known.tolist(),
            unknown_ords=np.flatnonzero(~known).tolist(),
        )

    def first_unknown_after(self, i: int) -> int:
        """Index of the first unknown day after ``i`` (``n_days`` or more: past the span)."""
        k = bisect.bisect_right(self.unknown_ords, i)
        return self.unknown_ords[k] if k < len(self.unknown_ords) else max(self.n_days, i + 1)

    def last_unknown_before(self, i: int) -> int:
        """Index of the last unknown day before index ``i`` (-1 or below: before the span)."""
        k = bisect.bisect_left(self.unknown_ords, i)
        return self.unknown_ords[k - 1] if k > 0 else min(-1, i - 1)
