"""Aberration detection: one entry point over EARS and Farrington methods.

The methods live in :mod:`fireline.analytics.ears` (EARS C1/C2/C3),
:mod:`fireline.analytics.farrington` (Farrington et al. 1996) and
:mod:`fireline.analytics.farrington_flexible` (Noufaily et al. 2013).
"""

from __future__ import annotations

from typing import Literal

from numpy.typing import ArrayLike

from fireline.analytics._result import AberrationResult
from fireline.analytics.ears import earsc
from fireline.analytics.farrington import PowerTransform, ThresholdMethod, farrington
from fireline.analytics.farrington_flexible import FlexibleOptions, farrington_flexible

__all__ = ["METHODS", "AberrationResult", "Method", "detect_aberrations"]

Method = Literal["ears-c1", "ears-c2", "ears-c3", "farrington", "farrington-flexible"]
METHODS: tuple[str, ...] = ("ears-c1", "ears-c2", "ears-c3", "farrington", "farrington-flexible")


def detect_aberrations(
    observed: ArrayLike,
    method: Method,
    *,
    alpha: float | None = None,
    baseline: int = 7,
    b: int = 5,
    w: int = 3,
    reweight: bool = True,
    trend: bool = True,
    threshold_method: ThresholdMethod = "delta",
    powertrans: PowerTransform = "2/3",
    freq: int = 52,
) -> AberrationResult:
    """Run one detector with the package defaults of R ``surveillance``.

    ``alpha`` ``None`` means each method's default (EARS C1/C2 0.001, C3 0.025,
    Farrington 0.05 two-sided, flexible 0.05 one-sided). ``baseline`` applies
    to EARS; ``b``, ``w``, ``reweight``, ``trend``, ``powertrans`` and
    ``freq`` to both Farrington methods; ``threshold_method`` to the flexible
    one. See the method functions for details.
    """
    if method.startswith("ears-"):
        sub = method[-2:].upper()
        return earsc(observed, method=sub, baseline=baseline, alpha=alpha)  # type: ignore[arg-type]
    level = 0.05 if alpha is None else alpha
    if method == "farrington":
        return farrington(
            observed,
            b=b,
            w=w,
            alpha=level,
            reweight=reweight,
            trend=trend,
            powertrans=powertrans,
            freq=freq,
        )
    if method == "farrington-flexible":
        opts = FlexibleOptions(
            b=b,
            w=w,
            alpha=level,
            reweight=reweight,
            trend=trend,
            powertrans=powertrans,
            threshold_method=threshold_method,
            freq=freq,
        )
        return farrington_flexible(observed, opts)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
