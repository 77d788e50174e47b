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
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # datetime64[D] counts days from here


def _int64(values: list[int]) -> Any:
    import numpy as np

    return np.asarray(values, dtype=np.int64)


def _bool(values: list[bool]) -> Any:
    import numpy as np

    return np.asarray(values, dtype=np.bool_)


@dataclass(frozen=True, eq=False)
class WorkdayIndex:
    """The index: Python lists, built without numpy (the scalar path and a fast start); the
    numpy arrays of the batch path are made from the same lists on first use."""

    first_ordinal: int
    cum_list: list[int]
    ords_list: list[int]
    work_dates: list[date]
    unknown_cum_list: list[int]
    projected_cum_list: list[int]
    work_list: list[bool]
    known_list: list[bool]
    projected_list: list[bool]
    unknown_ords: list[int]  # indices of unknown days inside the span, sorted

    # numpy arrays (batch path), built on first use
    @cached_property
    def work(self) -> npt.NDArray[np.bool_]:
        return _bool(self.work_list)  # type: ignore[no-any-return]

    @cached_property
    def known(self) -> npt.NDArray[np.bool_]:
        return _bool(self.known_list)  # type: ignore[no-any-return]

    @cached_property
    def projected(self) -> npt.NDArray[np.bool_]:
        return _bool(self.projected_list)  # type: ignore[no-any-return]

    @cached_property
    def cum(self) -> npt.NDArray[np.int64]:
        return _int64(self.cum_list)  # type: ignore[no-any-return]

    @cached_property
    def ords(self) -> npt.NDArray[np.int64]:
        return _int64(self.ords_list)  # type: ignore[no-any-return]

    @cached_property
    def unknown_cum(self) -> npt.NDArray[np.int64]:
        return _int64(self.unknown_cum_list)  # type: ignore[no-any-return]

    @cached_property
    def projected_cum(self) -> npt.NDArray[np.int64]:
        return _int64(self.projected_cum_list)  # type: ignore[no-any-return]

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
        cls, first: date, work: list[bool], known: list[bool], projected: list[bool]
    ) -> WorkdayIndex:
        work = [w and k for w, k in zip(work, known, strict=True)]
        projected = [p and k for p, k in zip(projected, known, strict=True)]
        cum = [0, *accumulate(work)]
        unknown_cum = [0, *accumulate(not k for k in known)]
        projected_cum = [0, *accumulate(projected)]
        ords = [i for i, w in enumerate(work) if w]
        first_ordinal = first.toordinal()
        return cls(
            first_ordinal=first_ordinal,
            cum_list=cum,
            ords_list=ords,
            work_dates=[date.fromordinal(first_ordinal + i) for i in ords],
            unknown_cum_list=unknown_cum,
            projected_cum_list=projected_cum,
            work_list=work,
            known_list=list(known),
            projected_list=projected,
            unknown_ords=[i for i, k in enumerate(known) if not k],
        )

    def first_unknown_after(self, i: int) -> int:
        """Index of the first unknown day after ``i`` (``n_days`` or more: past the span)."""
        k = bisect.bisect_right(self.unknown_ords, i)
        return self.unknown_ords[k] if k < len(self.unknown_ords) else max(self.n_days, i + 1)

    def last_unknown_before(self, i: int) -> int:
        """Index of the last unknown day before index ``i`` (-1 or below: before the span)."""
        k = bisect.bisect_left(self.unknown_ords, i)
        return self.unknown_ords[k - 1] if k > 0 else min(-1, i - 1)
