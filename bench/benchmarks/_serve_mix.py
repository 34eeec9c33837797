"""The pure parts of ``serve-load``: what users click, how often, and the figures.

No I/O here: the page mix (which pages, how often, which roles may open them), the
users drawn across roles and places, the per-page tally and its percentiles, and the
saturation rate read off a series of steps. Tested in tests/bench/test_serve_mix.py.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# A search term for the case list: a common family name (the simulator draws them).
SEARCH = "王"


@dataclass(frozen=True)
class Click:
    """One entry of the mix: a page (its name in the figures), how often users open it
    relative to the others, the URL (``{case}`` and ``{campaign}`` filled per click) and
    the permission a role needs to open it (``fireline.auth.roles``)."""

    page: str
    weight: float
    url: str
    needs: str = "records:read"
    api: bool = False


# What a working day looks like in the list (issue #17, "Measure like users"):
# the overview and the dashboards are opened often, the lists more, a case's page and
# interview after a list. Weights are relative; the API lists are what a county's own
# tools poll (read with a bearer token from /api/v1/auth/token).
MIX: tuple[Click, ...] = (
    Click("overview", 10, "/"),
    Click("surveillance dashboard", 8, "/surveillance"),
    Click("case list", 8, "/surveillance/cases"),
    Click("case list, filtered", 5, "/surveillance/cases?classification=confirmed&page=2"),
    Click("case list, searched", 4, f"/surveillance/cases?q={SEARCH}"),
    Click("case", 12, "/surveillance/cases/{case}"),
    Click("interview", 6, "/investigation/cases/{case}", needs="cases:read"),
    Click("follow-up list", 7, "/quarantine", needs="persons:read"),
    Click("response board", 7, "/response"),
    Click("league table", 4, "/response/league"),
    Click("cluster list", 4, "/investigation/clusters", needs="cases:read"),
    Click("campaign dashboard", 3, "/testing/campaigns/{campaign}"),
    Click("care", 4, "/care"),
    Click("api cases", 4, "/api/v1/cases?limit=50", api=True),
    Click("api responses", 3, "/api/v1/responses?limit=50", api=True),
    Click("api orders", 3, "/api/v1/quarantine/orders?limit=50", api=True),
    Click("api alerts", 2, "/api/v1/alerts?limit=50", api=True),
)
# The machine's own baseline in the same run: a file with no database behind it.
BASELINE_URL = "/static/fireline.css"
BASELINE_PAGE = "static file (baseline)"


@dataclass(frozen=True)
class User:
    """A simulated user: a login, what the role allows, and the records in its scope."""

    username: str
    permissions: frozenset[str]
    cases: tuple[int, ...]
    campaigns: tuple[int, ...]

    def can_open(self, click: Click) -> bool:
        if click.needs not in self.permissions:
            return False
        if "{case}" in click.url and not self.cases:
            return False
        return not ("{campaign}" in click.url and not self.campaigns)


def clicks_for(user: User, mix: tuple[Click, ...] = MIX) -> tuple[Click, ...]:
    return tuple(click for click in mix if user.can_open(click))


def next_click(user: User, rng: random.Random, mix: tuple[Click, ...] = MIX) -> tuple[Click, str]:
    """The page a user opens next, drawn by weight among those its role may open, and
    its URL with a case and a campaign from the user's scope."""
    allowed = clicks_for(user, mix)
    click = rng.choices(allowed, weights=[c.weight for c in allowed])[0]
    url = click.url
    if "{case}" in url:
        url = url.replace("{case}", str(rng.choice(user.cases)))
    if "{campaign}" in url:
        url = url.replace("{campaign}", str(rng.choice(user.campaigns)))
    return click, url


def think_time(rng: random.Random, mean_s: float) -> float:
    """Seconds before the next click: exponential, so clicks arrive as a Poisson
    process (the usual model of independent users; Jain, *The Art of Computer Systems
    Performance Analysis*, 1991, ch. 30)."""
    return rng.expovariate(1.0 / mean_s)


def assign_users(logins: list[tuple[str, frozenset[str]]], count: int) -> list[tuple[str, int]]:
    """``count`` simulated users over the logins, round robin: (username, seed)."""
    return [(logins[i % len(logins)][0], i) for i in range(count)]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between closest ranks (NumPy's
    default, Hyndman and Fan 1996, definition 7)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(seconds: list[float]) -> dict[str, Any]:
    """Count and p50, p95, p99, max in milliseconds."""
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        **{f"p{q}_ms": round(percentile(seconds, q) * 1000, 1) for q in (50, 95, 99)},
        "max_ms": round(max(seconds) * 1000, 1),
    }


def is_error(status: int | None) -> bool:
    """Any answer but 2xx and 3xx, or none at all (``None``: a connection error)."""
    return status is None or not 200 <= status < 400


@dataclass
class PageTally:
    """Latencies per page, and errors by page and status (or the transport error)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)

    def record(self, page: str, seconds: float, status: int | None, error: str = "") -> None:
        if status is not None:
            self.latencies.setdefault(page, []).append(seconds)
        if is_error(status):
            self.errors[f"{page} {status if status is not None else error}"] += 1

    def answers(self, *, without: tuple[str, ...] = ()) -> int:
        return sum(len(v) for page, v in self.latencies.items() if page not in without)

    def summary(self, seconds: float, *, baseline: str = BASELINE_PAGE) -> dict[str, Any]:
        pages = {page: summarise(v) for page, v in sorted(self.latencies.items())}
        users_pages = [p for p in pages if p not in (baseline, "login")]
        worst = max(users_pages, key=lambda p: pages[p]["p95_ms"], default=None)
        everything = [
            s for p, v in self.latencies.items() if p not in (baseline, "login") for s in v
        ]
        return {
            "pages": pages,
            "all": summarise(everything),
            "pages_per_s": round(self.answers(without=(baseline,)) / seconds, 2)
            if seconds
            else None,
            "errors": sum(self.errors.values()),
            "errors_by_page": dict(self.errors.most_common()),
            "slowest_page": worst,
            "slowest_p95_ms": pages[worst]["p95_ms"] if worst else None,
        }


def saturation_rate(steps: list[dict[str, Any]], limit_ms: float = 1000.0) -> float | None:
    """The offered rate (clicks per second) of the first step whose p95 passed
    ``limit_ms``; ``None`` if none did."""
    for step in steps:
        p95 = step.get("p95_ms")
        if p95 is not None and p95 > limit_ms:
            return float(step["offered_per_s"])
    return None
