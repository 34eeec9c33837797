"""Result type shared by the aberration detectors, and the "not enough data" error."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fireline.analytics._types import BoolArray, FloatArray, IntArray

__all__ = ["AberrationResult", "NotEnoughData"]


class NotEnoughData(ValueError):
    """The data cannot support the estimate (a degenerate fit), said as such.

    A ValueError, so callers that refuse bad input refuse this too; the
    message starts with "not enough data" so a reader knows it is not a bug.
    """

    def __init__(self, why: str) -> None:
        super().__init__(f"not enough data: {why}")


@dataclass(frozen=True)
class AberrationResult:
    """Thresholds and alarms over the monitored time points.

    ``t`` is the 1-based index of each monitored point in the input series
    (R's ``range``); ``threshold`` is the upper bound (NaN where the method
    gives none); ``alarm`` is True where ``observed`` exceeds it; ``expected``
    is the baseline or predicted mean; ``trend`` (Farrington only) says where
    the time trend was kept in the model.
    """

    t: IntArray
    observed: FloatArray
    threshold: FloatArray
    alarm: BoolArray
    expected: FloatArray
    trend: BoolArray | None = None

    def to_columns(self) -> dict[str, IntArray | FloatArray | BoolArray]:
        """Tidy columns ``t, observed, threshold, alarm``."""
        return {
            "t": self.t,
            "observed": self.observed,
            "threshold": self.threshold,
            "alarm": self.alarm.astype(np.bool_),
        }
