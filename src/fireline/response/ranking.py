"""How the league table ranks a share: by the Wilson score interval, not the raw share.

A county with 1 of 1 on time has a share of 100% and says almost nothing; ranking on
the raw share puts it first. The Wilson score interval (Wilson 1927, J Am Stat Assoc
22:209-212; recommended for small counts by Brown, Cai & DasGupta 2001, Stat Sci
16:101-133) gives each share the range the count supports: 1 of 1 is 0.21-1.00,
18 of 20 is 0.70-0.97. A share where higher is better ranks on the interval's lower
bound (what the place has surely achieved), one where lower is better on its upper
bound; either way a small count is pulled towards the middle, never to the top.
Shares on fewer than ``MIN_DENOMINATOR`` events are flagged as small on the page and
in the exports.
"""

from __future__ import annotations

import math
from typing import Final

Z: Final = 1.959964  # 95%
MIN_DENOMINATOR: Final = 5  # events below which a share is flagged as a small count


def wilson_interval(successes: int, total: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` of ``total`` (0 of 0: the whole 0-1)."""
    if total <= 0:
        return 0.0, 1.0
    p = successes / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def rank_score(successes: int, total: int, higher_is_better: bool) -> float:
    """The value a share ranks on, larger being better: the Wilson lower bound, or minus
    the upper bound where a lower share is better."""
    low, high = wilson_interval(successes, total)
    return low if higher_is_better else -high


def is_small(total: int) -> bool:
    return 0 < total < MIN_DENOMINATOR
