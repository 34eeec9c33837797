"""Aberration detection: one entry point over EARS and Farrington methods.

The methods live in :mod:`fireline.analytics.ears` (EARS C1/C2/C3),
:mod:`fireline.analytics.farrington` (Farrington et al. 1996) and
:mod:`fireline.analytics.farrington_flexible` (Noufaily et al. 2013).
"""

from __future__ import annotations

from typing import Literal

from numpy.typing import ArrayLike

from fireline.analytics._result import AberrationResult
from fireline.analytics.ears import EarsVariant, earsc
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
    h: float | None = None,
    c3_variant: EarsVariant = "cdc",
    baseline: int = 7,
    b: int = 5,
    w: int = 3,
    reweight: bool = True,
    trend: bool = True,
    threshold_method: ThresholdMethod = "delta",
    powertrans: PowerTransform = "2/3",
    freq: int = 52,
) -> AberrationResult:
    """Run one detector with its defaults (R ``surveillance``'s, and the CDC's C3).

    ``alpha`` ``None`` means each method's default (EARS C1/C2 0.001, C3 the
    CDC's h = 2 or, with ``c3_variant="r-surveillance"``, 0.025; Farrington
    0.05 two-sided, flexible 0.05 one-sided). ``h`` (EARS only) sets the level
    on the EARS statistic instead of ``alpha`` (3 is the CDC's C1/C2 level);
    ``c3_variant`` picks the CDC C3 or R ``earsC``'s (see
    :mod:`fireline.analytics.ears`). EARS returns an
    :class:`~fireline.analytics.ears.EarsResult` carrying the statistic.
    ``baseline`` applies to EARS; ``b``, ``w``, ``reweight``, ``trend``, ``powertrans`` and
    ``freq`` to both Farrington methods; ``threshold_method`` to the flexible
    one. See the method functions for details.
    """
    if method.startswith("ears-"):
        sub = method[-2:].upper()
        return earsc(
            observed,
            method=sub,  # type: ignore[arg-type]
            baseline=baseline,
            alpha=alpha,
            h=h,
            variant=c3_variant,
        )
    if h is not None:
        raise ValueError("h applies to the EARS methods only")
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
