"""Pure numerical analytics for outbreak response: no database, no web.

Rt (EpiEstim method, Cori et al. 2013), aberration detection (EARS C1-C3,
Farrington 1996, Noufaily 2013), growth rate and doubling time, and incidence
helpers. NumPy and SciPy only; nothing is computed at import time.
"""

from fireline.analytics._result import AberrationResult, NotEnoughData
from fireline.analytics.aberration import detect_aberrations
from fireline.analytics.ears import ears_c1, ears_c2, ears_c3, earsc
from fireline.analytics.farrington import farrington
from fireline.analytics.farrington_flexible import FlexibleOptions, farrington_flexible
from fireline.analytics.growth import GrowthResult, growth_rate
from fireline.analytics.incidence import daily_counts, epiweek_table, weekly_counts
from fireline.analytics.rt import (
    EPIESTIM_COLUMNS,
    QUANTILE_PROBS,
    RtResult,
    estimate_rt,
    estimate_rt_many,
)
from fireline.analytics.rt_uncertain import estimate_rt_uncertain_si
from fireline.analytics.si import discr_si

__all__ = [
    "EPIESTIM_COLUMNS",
    "QUANTILE_PROBS",
    "AberrationResult",
    "FlexibleOptions",
    "GrowthResult",
    "NotEnoughData",
    "RtResult",
    "daily_counts",
    "detect_aberrations",
    "discr_si",
    "ears_c1",
    "ears_c2",
    "ears_c3",
    "earsc",
    "epiweek_table",
    "estimate_rt",
    "estimate_rt_many",
    "estimate_rt_uncertain_si",
    "farrington",
    "farrington_flexible",
    "growth_rate",
    "weekly_counts",
]
